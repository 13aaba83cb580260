//! A read as a front end asks for it: the JSON of `POST /v1/read`, `cancuoc_read` and the
//! bindings, checked field by field — unknown fields, a second key, a malformed challenge or a
//! wait over 60 s are refused.

use std::time::Duration;

use cancuoc::AccessKey;
use cancuoc::profile::key_input::KeyInput;
use serde::Deserialize;

use crate::error::{ApiError, Code};

/// The longest a read waits for a card.
pub const MAX_WAIT: Duration = Duration::from_secs(60);
/// The wait when the request names none.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(20);

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
    key: KeyFields,
    #[serde(default)]
    want: Option<Vec<String>>,
    #[serde(default)]
    challenge: Option<String>,
    #[serde(default)]
    wait_seconds: Option<u64>,
    #[serde(default)]
    require_pace: bool,
}

/// The access key's fields, as a request names them (`"key":{…}`); exactly one of `can`,
/// `id`, `mrz` and `qr` is given.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct KeyFields {
    /// The card access number (6 digits).
    pub can: Option<String>,
    /// The 12-digit ID number (a CCCD's CAN is its last 6 digits).
    pub id: Option<String>,
    /// The date of birth, with `id` for a card that needs it.
    pub dob: Option<String>,
    /// The date of expiry, with `id` for a card that needs it.
    pub expiry: Option<String>,
    /// A passport's number, birth and expiry: `NUMBER,YYMMDD,YYMMDD`.
    pub mrz: Option<String>,
    /// The text of the card's QR code.
    pub qr: Option<String>,
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
        key: body.key.access_key()?,
        want,
        challenge,
        wait,
        require_pace: body.require_pace,
    })
}

impl KeyFields {
    /// The access key these fields give.
    ///
    /// # Errors
    /// `bad_request` unless exactly one key is given; `wrong_key` for a malformed one.
    pub fn access_key(self) -> Result<AccessKey, ApiError> {
        access_key(self)
    }
}

fn access_key(key: KeyFields) -> Result<AccessKey, ApiError> {
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
}
