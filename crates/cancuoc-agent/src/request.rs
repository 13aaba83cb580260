//! The body of `POST /v1/read` (and the query of `GET /v1/checkin`), checked field by field:
//! unknown fields, a second key, a malformed challenge or a wait over 60 s are refused.

use std::time::Duration;

use cancuoc::AccessKey;
use cancuoc::profile::key_input::KeyInput;
use serde::Deserialize;

use crate::error::{ApiError, Code};

/// The longest a read waits for a card.
pub const MAX_WAIT: Duration = Duration::from_secs(60);
/// The wait when the request names none.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(20);
/// The largest body read.
pub const MAX_BODY: usize = 16 * 1024;

/// What a caller may ask for besides the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Want {
    /// The holder's data: the report's `holder`, `checkin`, `bhxh`.
    pub holder: bool,
    /// The chip's photo.
    pub photo: bool,
    /// Every file as read (base64).
    pub raw: bool,
}

/// A read, as asked.
#[derive(Debug)]
pub struct ReadRequest {
    /// The reader, or the first with a card.
    pub reader: Option<String>,
    /// The access key.
    pub key: AccessKey,
    /// What to return.
    pub want: Want,
    /// A remote verifier's 8 bytes for active authentication.
    pub challenge: Option<[u8; 8]>,
    /// How long to wait for a card.
    pub wait: Duration,
    /// Refuse a card that would be read with BAC (`"require_pace": true`, a bank's page).
    pub require_pace: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Body {
    #[serde(default)]
    reader: Option<String>,
    key: KeyBody,
    #[serde(default)]
    want: Option<Vec<String>>,
    #[serde(default)]
    challenge: Option<String>,
    #[serde(default)]
    wait_seconds: Option<u64>,
    #[serde(default)]
    require_pace: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct KeyBody {
    can: Option<String>,
    id: Option<String>,
    dob: Option<String>,
    expiry: Option<String>,
    mrz: Option<String>,
    qr: Option<String>,
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::new(Code::BadRequest, message)
}

/// Parses a JSON body.
///
/// # Errors
/// `bad_request` naming the field; `wrong_key` for a key that is malformed.
pub fn parse_body(body: &[u8]) -> Result<ReadRequest, ApiError> {
    let body: Body = serde_json::from_slice(body).map_err(|e| bad(format!("the body is not a read request: {e}")))?;
    let want = match body.want {
        None => Want { holder: true, photo: false, raw: false },
        Some(list) => {
            let mut want = Want { holder: false, photo: false, raw: false };
            for item in &list {
                match item.as_str() {
                    "holder" => want.holder = true,
                    "photo" => want.photo = true,
                    "raw" => want.raw = true,
                    "verification" => {}
                    other => {
                        return Err(bad(format!("want: unknown item {other:?} (holder, photo, raw, verification)")));
                    }
                }
            }
            want
        }
    };
    let wait = match body.wait_seconds {
        None => DEFAULT_WAIT,
        Some(s) if s <= MAX_WAIT.as_secs() => Duration::from_secs(s),
        Some(s) => return Err(bad(format!("wait_seconds: {s} is over 60"))),
    };
    let challenge = body.challenge.as_deref().map(parse_challenge).transpose()?;
    Ok(ReadRequest {
        reader: body.reader,
        key: access_key(body.key)?,
        want,
        challenge,
        wait,
        require_pace: body.require_pace,
    })
}

/// Parses the query of `GET /v1/checkin` into a read of the holder, and the `return` and
/// `state` fields.
///
/// # Errors
/// `bad_request` for a malformed query, `wrong_key` for a malformed key.
pub fn parse_query(query: &str) -> Result<(ReadRequest, String, String), ApiError> {
    let mut key = KeyBody::default();
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
    Ok((ReadRequest { reader, key: access_key(key)?, want, challenge: None, wait, require_pace }, return_to, state))
}

fn access_key(key: KeyBody) -> Result<AccessKey, ApiError> {
    let given = [&key.can, &key.id, &key.mrz, &key.qr].iter().filter(|k| k.is_some()).count();
    if given != 1 {
        return Err(bad("key: give exactly one of can, id (with dob and expiry if the card needs them), mrz or qr"));
    }
    let input = KeyInput {
        mrz: key.mrz,
        can: key.can,
        qr: key.qr,
        id: key.id,
        date_of_birth: key.dob,
        date_of_expiry: key.expiry,
    };
    match input.access_key() {
        Ok(Some(key)) => Ok(key),
        Ok(None) => Err(bad("key: empty")),
        Err(e) => Err(ApiError::new(Code::WrongKey, e.to_string())),
    }
}

fn parse_challenge(text: &str) -> Result<[u8; 8], ApiError> {
    let mut out = [0u8; 8];
    hex::decode_to_slice(text, &mut out).map_err(|_| bad("challenge: 16 hex digits (8 bytes from your server)"))?;
    Ok(out)
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
    fn a_full_request_parses() {
        let r = parse_body(
            br#"{"reader":null,"key":{"id":"001090012345"},"want":["holder","photo","raw","verification"],
                "challenge":"0011223344556677","wait_seconds":5}"#,
        )
        .unwrap();
        assert_eq!(r.want, Want { holder: true, photo: true, raw: true });
        assert_eq!(r.challenge, Some([0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77]));
        assert_eq!(r.wait, Duration::from_secs(5));
        let defaults = parse_body(br#"{"key":{"can":"123456"}}"#).unwrap();
        assert_eq!(defaults.want, Want { holder: true, photo: false, raw: false });
        assert_eq!(defaults.wait, DEFAULT_WAIT);
        parse_body(br#"{"key":{"mrz":"090012345,900115,300115"}}"#).unwrap();
        parse_body(br#"{"key":{"id":"001090012345","dob":"1990-01-15","expiry":"2030-01-15"}}"#).unwrap();
    }

    #[test]
    fn malformed_requests_are_refused_with_the_field() {
        for (body, code) in [
            (&b"not json"[..], Code::BadRequest),
            (br#"{"key":{}}"#, Code::BadRequest),
            (br#"{"key":{"can":"123456","id":"001090012345"}}"#, Code::BadRequest),
            (br#"{"key":{"can":"123456"},"extra":1}"#, Code::BadRequest),
            (br#"{"key":{"can":"123456","pin":"1"}}"#, Code::BadRequest),
            (br#"{"key":{"can":"123456"},"want":["everything"]}"#, Code::BadRequest),
            (br#"{"key":{"can":"123456"},"wait_seconds":61}"#, Code::BadRequest),
            (br#"{"key":{"can":"123456"},"challenge":"00112233"}"#, Code::BadRequest),
            (br#"{"key":{"can":"123456"},"challenge":"zz11223344556677"}"#, Code::BadRequest),
            (br#"{"key":{"can":"12"}}"#, Code::WrongKey),
            (br#"{"key":{"id":"12345"}}"#, Code::WrongKey),
        ] {
            let error = parse_body(body).unwrap_err();
            assert_eq!(error.code, code, "{}: {}", String::from_utf8_lossy(body), error.message);
        }
    }

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
