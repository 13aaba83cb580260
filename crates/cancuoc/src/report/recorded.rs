//! What a dump's `report.json` adds to its files (`docs/DESIGN.md` §3.3): how the chip was
//! read, the active-authentication challenge and signature, and the chip-authentication
//! outcome. report.json is an editable text file, so each is taken for what it is:
//!
//! - the access line is marked recorded ([`Document::access_recorded`]);
//! - the active-authentication signature is verified again against DG15
//!   ([`crate::verify::active::verdict`]); only the challenge's freshness is the dump's claim
//!   ([`ActiveEvidence::recorded`]);
//! - chip authentication needs the chip, so its outcome is a [`RecordedClaim`], shown and never
//!   counted: the report says `not_checked`.

use serde_json::Value;

use crate::codec::decode_hex;
use crate::document::{ActiveEvidence, Document, RecordedClaim, RecordedStatus};

/// Longest report.json taken (a real one is a few kilobytes).
const MAX_REPORT_JSON: usize = 1 << 20;

/// Adds to `doc` what `report_json` (a dump's report.json, schema cancuoc/1) records of the
/// read. Text that is not such a report adds nothing: the files are checked all the same.
pub fn apply(doc: &mut Document, report_json: &str) {
    if report_json.len() > MAX_REPORT_JSON {
        return;
    }
    let Ok(report) = serde_json::from_str::<Value>(report_json) else { return };
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
    if let Some(access) = report.get("access") {
        let number = |key: &str| access.get(key).and_then(Value::as_u64).and_then(|n| usize::try_from(n).ok());
        let protocol = text(access.get("protocol")).unwrap_or_default();
        if !protocol.is_empty() {
            doc.access.protocol = protocol;
            doc.access.apdus = number("apdus").unwrap_or(0);
            doc.access.bytes = number("bytes").unwrap_or(0);
            doc.access.fallback = text(access.get("fallback"));
            doc.access_recorded = true;
        }
    }
    let verification = report.get("verification");
    let active = verification.and_then(|v| v.get("active"));
    let hex = |key: &str| active.and_then(|a| a.get(key)).and_then(Value::as_str).and_then(decode_hex);
    if let (Some(challenge), Some(response)) = (hex("challenge"), hex("response")) {
        doc.active_authentication = Some(ActiveEvidence { challenge, response, recorded: true });
    }
    let chip = verification.and_then(|v| v.get("chip"));
    // A claim recorded by an earlier `cancuoc verify` is itself no more than the claim it copied.
    let chip = chip.map(|c| c.get("recorded").filter(|r| r.is_object()).unwrap_or(c));
    if let Some(chip) = chip
        && let Some(status) = text(chip.get("status")).as_deref().and_then(RecordedStatus::parse)
    {
        doc.recorded_chip_authentication =
            Some(RecordedClaim { status, protocol: text(chip.get("protocol")), reason: text(chip.get("reason")) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_chip_authentication_stays_a_claim_and_the_access_is_marked() {
        let mut doc = Document::default();
        apply(
            &mut doc,
            r#"{"access":{"protocol":"BAC","apdus":27,"bytes":900},
                "verification":{"chip":{"status":"valid","protocol":"CA-ECDH-AES-128"},
                                "active":{"challenge":"0102030405060708","response":"AABB"}}}"#,
        );
        assert!(doc.access_recorded);
        assert_eq!(doc.access.apdus, 27);
        assert!(doc.chip_authentication.is_none(), "a recorded outcome is never a live one");
        assert_eq!(doc.recorded_chip_authentication.as_ref().unwrap().status, RecordedStatus::Valid);
        let evidence = doc.active_authentication.unwrap();
        assert!(evidence.recorded);
        assert_eq!(evidence.challenge, [1, 2, 3, 4, 5, 6, 7, 8]);
    }

    #[test]
    fn text_that_is_no_report_adds_nothing() {
        for text in ["", "null", "[1,2]", "{\"access\":{\"protocol\":\"\"}}", "{\"verification\":{\"chip\":7}}"] {
            let mut doc = Document::default();
            apply(&mut doc, text);
            assert!(!doc.access_recorded, "{text}");
            assert!(doc.recorded_chip_authentication.is_none(), "{text}");
            assert!(doc.active_authentication.is_none(), "{text}");
        }
    }
}
