//! The answer shapes (`docs/DESIGN.md` §3.5): one read — wait for a card, read and check it on
//! the paved path (`cancuoc::inspect`) — answered with the verdict, the report and what the
//! caller asked for; a failed check answered without any record. The endpoint, the C ABI and
//! the bindings return these bodies as they are.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use base64ct::{Base64, Encoding};
use cancuoc::{Checks, ReadOptions, TrustStore};
use serde_json::{Value, json};

use crate::cards::Cards;
use crate::clock::now;
use crate::error::{ApiError, Code};
use crate::request::ReadRequest;
use crate::wait::{Connector, WaitError};

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
    let mut connector =
        Connector::wait(cards, request.reader.as_deref(), request.wait, cancel.clone()).map_err(|e| match e {
            WaitError::Cancelled => ApiError::new(Code::Cancelled, "the read was cancelled"),
            WaitError::NoCard => ApiError::new(Code::Timeout, e.to_string()),
            WaitError::Transport(_) => ApiError::from_read(&e.to_read_error(), false),
        })?;
    let connect = |attempt| connector.connect(attempt);
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
    if let (Some(_), Some(evidence)) = (request.challenge, document.active_authentication()) {
        body.insert(
            "active_authentication".to_owned(),
            json!({"challenge": hex::encode(&evidence.challenge), "signature": hex::encode(&evidence.response)}),
        );
    }
    Value::Object(body)
}

#[cfg(all(test, feature = "demo"))]
mod tests {
    use std::sync::Mutex;

    use cancuoc::transport::ReaderInfo;
    use cancuoc::{Transport, TransportError};

    use super::*;
    use crate::demo::DemoCards;

    /// The virtual card, being swapped as the read starts: listed as present, but the first
    /// connections answer "no card" and "removed", as pcsc-lite does while a card changes.
    struct Swapping {
        card: DemoCards,
        refusals: Mutex<Vec<TransportError>>,
    }

    impl Cards for Swapping {
        fn readers(&self) -> Result<Vec<ReaderInfo>, TransportError> {
            self.card.readers()
        }

        fn connect(&self, reader: &str) -> Result<Box<dyn Transport + Send>, TransportError> {
            match self.refusals.lock().ok().and_then(|mut r| r.pop()) {
                Some(refusal) => Err(refusal),
                None => self.card.connect(reader),
            }
        }
    }

    fn request(wait_seconds: u64) -> Result<ReadRequest, ApiError> {
        let body = format!(r#"{{"key":{{"id":"001090012345"}},"wait_seconds":{wait_seconds}}}"#);
        crate::request::parse_body(body.as_bytes())
    }

    #[test]
    fn a_card_swapped_just_before_the_read_is_waited_for_within_the_wait() {
        let refusals = vec![TransportError::NoCard, TransportError::CardRemoved, TransportError::NoCard];
        let cards = Swapping { card: DemoCards::default(), refusals: Mutex::new(refusals) };
        let cancel = Arc::new(AtomicBool::new(false));
        let answer = perform(&cards, &TrustStore::new(), &request(20).unwrap(), &cancel).unwrap();
        assert_eq!(answer.body["checkin"]["so_cccd"], "001090012345", "{}", answer.body);
        // With no wait, one look: the swap is what the read meets.
        let cards = Swapping { card: DemoCards::default(), refusals: Mutex::new(vec![TransportError::NoCard]) };
        let error = perform(&cards, &TrustStore::new(), &request(0).unwrap(), &cancel).unwrap_err();
        assert_eq!(error.code, Code::Timeout, "{error:?}");
    }

    #[test]
    fn a_forged_card_is_answered_without_a_record_and_with_its_verdict() {
        let mut document =
            cancuoc_sim::IssuedDocument::issue(&cancuoc_sim::CitizenProfile::specimen(), cancuoc_sim::DEMO_SEED)
                .unwrap();
        // A changed byte in DG13 (the mother's name lives there): EF.SOD's hash no longer fits.
        let dg13 = document.files.get_mut(&0x010D).unwrap();
        let last = dg13.len() - 1;
        dg13[last] ^= 0x01;
        let cards = DemoCards::with_document(document, cancuoc_sim::Faults::default());
        let answer =
            perform(&cards, &TrustStore::new(), &request(1).unwrap(), &Arc::new(AtomicBool::new(false))).unwrap();
        assert!(answer.check_failed);
        assert_eq!(answer.body["verdict"], "altered");
        assert_eq!(answer.body["error"]["code"], "check_failed");
        assert!(answer.body.get("checkin").is_none() && answer.body.get("bhxh").is_none(), "{}", answer.body);
        assert!(answer.body["report"]["holder"]["full_name"].is_null());
    }
}
