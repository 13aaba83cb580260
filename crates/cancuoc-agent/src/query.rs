//! The query of `GET /v1/checkin` (the navigate-and-return flow), checked field by field as
//! the JSON body is ([`cancuoc_kit::request`]).

use std::time::Duration;

use cancuoc_kit::error::{ApiError, Code};
use cancuoc_kit::request::{DEFAULT_WAIT, KeyFields, MAX_WAIT, ReadRequest, Want};

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::new(Code::BadRequest, message)
}

/// Parses the query of `GET /v1/checkin` into a read of the holder, and the `return` and
/// `state` fields.
///
/// # Errors
/// `bad_request` for a malformed query, `wrong_key` for a malformed key.
pub fn parse_query(query: &str) -> Result<(ReadRequest, String, String), ApiError> {
    let mut key = KeyFields::default();
    let (mut return_to, mut state, mut reader, mut wait) = (None, String::new(), None, DEFAULT_WAIT);
    let mut require_pace = false;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_decode(value).ok_or_else(|| bad(format!("{name}: bad percent-encoding")))?;
        let slot = match name {
            "return" => &mut return_to,
            "reader" => &mut reader,
            "state" => {
                state = value;
                continue;
            }
            "require_pace" => {
                require_pace = match value.as_str() {
                    "true" | "1" => true,
                    "false" | "0" => false,
                    _ => return Err(bad("require_pace: true or false")),
                };
                continue;
            }
            "wait_seconds" => {
                wait = value
                    .parse::<u64>()
                    .ok()
                    .filter(|s| *s <= MAX_WAIT.as_secs())
                    .map(Duration::from_secs)
                    .ok_or_else(|| bad("wait_seconds: 0 to 60"))?;
                continue;
            }
            "can" => &mut key.can,
            "id" => &mut key.id,
            "dob" => &mut key.dob,
            "expiry" => &mut key.expiry,
            "mrz" => &mut key.mrz,
            "qr" => &mut key.qr,
            other => return Err(bad(format!("unknown query field {other:?}"))),
        };
        if slot.replace(value).is_some() {
            return Err(bad(format!("{name} is given twice")));
        }
    }
    let return_to = return_to.ok_or_else(|| bad("return: the address to send the record back to is missing"))?;
    if state.len() > 512 {
        return Err(bad("state: at most 512 characters"));
    }
    let want = Want { holder: true, photo: false, raw: false };
    Ok((ReadRequest { reader, key: key.access_key()?, want, challenge: None, wait, require_pace }, return_to, state))
}

/// `application/x-www-form-urlencoded` value decoding: `+` is a space, `%XX` a byte; `None`
/// for a broken escape or bytes that are not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let mut out = Vec::with_capacity(text.len());
    let mut bytes = text.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = char::from(bytes.next()?).to_digit(16)?;
                let lo = char::from(bytes.next()?).to_digit(16)?;
                out.push(u8::try_from(hi * 16 + lo).ok()?);
            }
            _ => out.push(b),
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checkin_query_parses_and_decodes() {
        let (r, to, state) =
            parse_query("id=001090012345&return=https%3A%2F%2Fhis.example.vn%2Fback%3Fa%3D1&state=ab+c%21").unwrap();
        assert_eq!(to, "https://his.example.vn/back?a=1");
        assert_eq!(state, "ab c!");
        assert!(r.want.holder && !r.want.photo && !r.want.raw);
        for query in ["id=001090012345", "return=x&can=123456&can=123456", "return=x&can=%G1", "return=x&pin=1", ""] {
            assert!(parse_query(query).is_err(), "{query}");
        }
    }
}
