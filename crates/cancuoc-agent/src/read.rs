//! One read: wait for a card, read and check it on the paved path (`cancuoc::inspect`), and
//! answer with the report and the projections the caller asked for.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use base64ct::{Base64, Encoding};
use cancuoc::{CalendarDate, Checks, Connect, Error, ReadOptions, Transport, TransportError, TrustStore};
use serde_json::{Value, json};

use crate::cards::Cards;
use crate::error::{ApiError, Code};
use crate::request::ReadRequest;

/// How often the readers are asked while waiting for a card.
const POLL: Duration = Duration::from_millis(100);
/// How long a card taken away mid-read may take to come back.
const PUT_BACK_WAIT: Duration = Duration::from_secs(10);

/// Waits for a card on `reader` (or any), until `deadline` or a cancel; returns the reader's
/// name.
fn wait_for_card(
    cards: &dyn Cards,
    reader: Option<&str>,
    deadline: Instant,
    cancel: &AtomicBool,
) -> Result<String, ApiError> {
    loop {
        if cancel.load(Ordering::SeqCst) {
            return Err(ApiError::new(Code::Cancelled, "the read was cancelled"));
        }
        let last_error = match cards.readers() {
            Ok(readers) => {
                let matching: Vec<_> =
                    readers.iter().filter(|r| reader.is_none_or(|name| r.name.starts_with(name))).collect();
                if let Some(found) = matching.iter().find(|r| r.card) {
                    return Ok(found.name.clone());
                }
                matching.is_empty().then(|| match reader {
                    Some(name) => ApiError::new(Code::NoReader, format!("no reader named {name:?}")),
                    None => ApiError::new(Code::NoReader, "no card reader found: plug in a reader"),
                })
            }
            Err(e) => Some(ApiError::from_read(&Error::Transport(e), false)),
        };
        if Instant::now() >= deadline {
            return Err(last_error.unwrap_or_else(|| {
                ApiError::new(Code::Timeout, "no card was placed on the reader in time: place the card and read again")
            }));
        }
        std::thread::sleep(POLL);
    }
}

/// A transport that stops at a cancel: the next command fails as a removed card would.
struct Cancellable {
    inner: Box<dyn Transport + Send>,
    cancel: Arc<AtomicBool>,
}

impl Transport for Cancellable {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        if self.cancel.load(Ordering::SeqCst) {
            return Err(TransportError::CardRemoved);
        }
        self.inner.transmit(apdu)
    }

    fn reset(&mut self) -> Result<(), TransportError> {
        self.inner.reset()
    }

    fn atr(&self) -> Option<Vec<u8>> {
        self.inner.atr()
    }
}

/// Today (UTC) from the system clock: the date certificates are checked at.
pub fn today() -> CalendarDate {
    CalendarDate::from_unix(now())
}

/// This instant, seconds since 1970 (UTC): what certificate validity is judged at.
pub fn now() -> i64 {
    let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    i64::try_from(seconds).unwrap_or(0)
}

/// A read's answer.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The response body: `verdict`, the report and what was asked; when a check failed,
    /// [`failed_body`] instead.
    pub body: Value,
    /// True when a check failed (the report's verdict; the CLI's exit code 3).
    pub check_failed: bool,
    /// Why, when a check failed (`Report::verdict_reasons`); empty otherwise.
    pub reasons: Vec<String>,
}

/// Waits for a card on `cards` (up to the request's wait, until `cancel`), reads and checks it
/// on the paved path, and answers the body of `POST /v1/read`: what the endpoint, the C ABI and
/// the bindings return.
///
/// # Errors
/// The API error of a wait or read that failed.
pub fn perform(
    cards: &dyn Cards,
    trust: &TrustStore,
    request: &ReadRequest,
    cancel: &Arc<AtomicBool>,
) -> Result<Answer, ApiError> {
    let started = Instant::now();
    let reader = wait_for_card(cards, request.reader.as_deref(), started + request.wait, cancel)?;
    let connect = |attempt: Connect| -> Result<Cancellable, Error> {
        if attempt == Connect::PutBack {
            wait_for_card(cards, Some(&reader), Instant::now() + PUT_BACK_WAIT, cancel)
                .map_err(|_| Error::Transport(TransportError::CardRemoved))?;
        }
        Ok(Cancellable { inner: cards.connect(&reader)?, cancel: cancel.clone() })
    };
    // Raw files go to other checks (the C06 online check takes EF.COM too): read it then.
    let mut options = ReadOptions::default()
        .with_photo(request.want.photo)
        .with_ef_com(request.want.raw)
        .with_require_pace(request.require_pace);
    if let Some(challenge) = request.challenge {
        options = options.with_active_challenge(challenge);
    }
    let checks = Checks::at_instant(trust, now());
    let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
    let inspection = cancuoc::inspect(connect, &request.key, &options, &checks, &mut rng, &mut |_| {})
        .map_err(|e| ApiError::from_read(&e, cancel.load(Ordering::SeqCst)))?;
    let report = inspection.report();
    let check_failed = report.check_failed();
    let reasons = if check_failed { report.verdict_reasons() } else { Vec::new() };
    let body = if check_failed { failed_body(report) } else { success_body(&inspection, request) };
    Ok(Answer { body, check_failed, reasons })
}

/// The answer for a card or dump whose check failed (`docs/DESIGN.md` §3.5): `verdict`, the
/// `error` ([`crate::error::check_failed`]: code `check_failed`, the verdict, the reasons, both
/// languages) and the report for the record — without the holder's fields, the MRZ or the
/// photo, and with no check-in record, lookup inputs, photo or raw files: nothing a page could
/// file for a forged card.
pub fn failed_body(report: &cancuoc::Report) -> Value {
    let mut shown = report.clone();
    shown.holder = cancuoc::report::HolderReport::default();
    shown.document.mrz = None;
    shown.photo = None;
    json!({
        "verdict": report.verdict().as_str(),
        "error": crate::error::check_failed(report),
        "report": serde_json::to_value(&shown).unwrap_or(Value::Null),
    })
}

/// The answer of a saved dump that passed (`cancuoc_verify`): `verdict`, the report, the
/// check-in record and the lookup inputs; [`failed_body`] when a check failed.
pub fn dump_body(report: &cancuoc::Report) -> Value {
    if report.check_failed() {
        return failed_body(report);
    }
    json!({
        "verdict": report.verdict().as_str(),
        "report": serde_json::to_value(report).unwrap_or(Value::Null),
        "checkin": serde_json::to_value(cancuoc::record::checkin(report)).unwrap_or(Value::Null),
        "bhxh": serde_json::to_value(cancuoc::record::bhxh(report)).unwrap_or(Value::Null),
    })
}

/// The response body of a read whose checks did not fail: `verdict` (genuine, untrusted or
/// not_checked: the page decides what it accepts), the report and what was asked.
fn success_body(inspection: &cancuoc::Inspection, request: &ReadRequest) -> Value {
    let mut report = inspection.report().clone();
    let mut body = serde_json::Map::new();
    body.insert("verdict".to_owned(), Value::String(report.verdict().as_str().to_owned()));
    if request.want.holder {
        body.insert(
            "checkin".to_owned(),
            serde_json::to_value(cancuoc::record::checkin(&report)).unwrap_or(Value::Null),
        );
        body.insert("bhxh".to_owned(), serde_json::to_value(cancuoc::record::bhxh(&report)).unwrap_or(Value::Null));
    } else {
        report.holder = cancuoc::report::HolderReport::default();
    }
    body.insert("report".to_owned(), serde_json::to_value(&report).unwrap_or(Value::Null));
    let document = inspection.document();
    if request.want.photo
        && let Ok(face) = document.signed_view().face()
    {
        let mime = match face.format {
            cancuoc::lds::ImageFormat::Jpeg2000 => "image/jp2",
            _ => "image/jpeg",
        };
        body.insert("photo".to_owned(), json!({"mime": mime, "base64": Base64::encode_string(&face.data)}));
    }
    let raw_names: Option<&[&str]> = if request.want.raw {
        None
    } else if request.challenge.is_some() {
        Some(&["SOD", "DG14", "DG15"])
    } else {
        Some(&[])
    };
    let raw: serde_json::Map<String, Value> = document
        .dump_files()
        .into_iter()
        .map(|(name, bytes)| (name.trim_end_matches(".bin").to_owned(), bytes))
        .filter(|(name, _)| raw_names.is_none_or(|names| names.contains(&name.as_str())))
        .map(|(name, bytes)| (name, Value::String(Base64::encode_string(bytes))))
        .collect();
    if !raw.is_empty() {
        body.insert("raw".to_owned(), Value::Object(raw));
    }
    if let (Some(_), Some(evidence)) = (request.challenge, &document.active_authentication) {
        body.insert(
            "active_authentication".to_owned(),
            json!({"challenge": hex::encode(&evidence.challenge), "signature": hex::encode(&evidence.response)}),
        );
    }
    Value::Object(body)
}
