//! The JSON report, schema `cancuoc/1` (`docs/DESIGN.md` §3.2): a stable contract for scripts
//! and hospital or bank systems. Built from a [`Document`]; absent values are `null`, checks
//! not run are `not_checked`. Additions since the first release are additive keys only.
//!
//! The report renders outcomes; it judges nothing. Every status comes from [`crate::verify`]
//! (only it can make a `valid` one), and the holder's data, the document number and the photo
//! come only from [`Document::signed_view`]: a data group EF.SOD does not sign never feeds them.

mod holder;
mod problems;
pub mod recorded;
mod verification;

use std::collections::BTreeMap;

use serde::Serialize;

pub use crate::codec::time::{iso_date_time, parse_instant};

use crate::codec::time::CalendarDate;
use crate::document::Document;
use crate::lds::{Dg1, Dg11, DgNumber, EfCom, ImageFormat};
use crate::verify::passive::PassiveResult;
use crate::verify::status::{ChainStatus, CheckStatus, HashResult, PassiveStatus, SignatureStatus};
pub use verification::{
    ActiveReport, CardSecurityReport, ChainReport, ChipReport, DgMap, PassiveReport, RecordedReport, SignerReport,
    VerificationReport,
};

/// The schema identifier.
pub const SCHEMA: &str = "cancuoc/1";

/// The overall answer of [`Report::verdict`], for a badge or a single log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// Every check passed and a trust anchor vouches for the signer.
    Genuine,
    /// Hashes and signature are right, but no trust anchor vouches for the signer.
    Untrusted,
    /// A data group or EF.SOD does not match its signature, data EF.SOD does not sign were
    /// added, or the chip withholds the holder's data its EF.SOD lists: the data were changed.
    Altered,
    /// Chip or active authentication failed: the chip does not hold the original card's key.
    Cloned,
    /// Data and signature are right, but a certificate of the chain is outside its validity
    /// (at the chosen date or when the document was signed).
    Expired,
    /// Data and signature are right, but the document signer certificate is revoked.
    Revoked,
    /// Data and signature are right, but the document signer certificate is not one its CSCA
    /// issued for signing documents.
    BadCertificate,
    /// Nothing could be checked (no EF.SOD, or no data group to compare with it), or a check
    /// could not be performed here (`unsupported`: the reason is in
    /// `verification.passive.problems`).
    NotChecked,
}

impl Verdict {
    /// The report's word (`verdict` at the top of `cancuoc/1`): `genuine`, `untrusted`,
    /// `altered`, `cloned`, `expired`, `revoked`, `bad_certificate` or `not_checked`. Every
    /// front end names the outcome with it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Genuine => "genuine",
            Self::Untrusted => "untrusted",
            Self::Altered => "altered",
            Self::Cloned => "cloned",
            Self::Expired => "expired",
            Self::Revoked => "revoked",
            Self::BadCertificate => "bad_certificate",
            Self::NotChecked => "not_checked",
        }
    }
}

impl Serialize for Verdict {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// What the report needs besides the document.
#[derive(Debug, Clone, Default)]
pub struct ReportContext {
    /// Today, to place two-digit birth years in the right century; without it, years after
    /// the document's expiry year are taken as 19xx.
    pub today: Option<CalendarDate>,
    /// Wall time of the read, measured by the caller.
    pub millis: Option<u64>,
    /// The photo's file name in a dump, if one was written.
    pub photo_file: Option<String>,
    /// The result of passive authentication against a trust store, when it ran; without it
    /// the report compares the data-group hashes only
    /// ([`crate::verify::passive::hashes_only`]).
    pub passive: Option<PassiveResult>,
}

/// The whole report.
///
/// ```
/// use cancuoc::report::Verdict;
/// use cancuoc::verify::status::PassiveStatus;
/// use cancuoc::{Document, Report, ReportContext};
/// // A document without EF.SOD: nothing can be checked, and the report says so.
/// let report = Report::new(&Document::default(), &ReportContext::default());
/// assert_eq!(report.verification.passive.status, PassiveStatus::NotChecked);
/// assert_eq!(report.verdict(), Verdict::NotChecked);
/// assert!(report.to_json().contains("\"schema\": \"cancuoc/1\""));
/// ```
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// [`Report::verdict`] as it was when the report was built: the one word a desk, a log
    /// line or a hospital system acts on.
    verdict: Verdict,
    /// The document.
    pub document: DocumentReport,
    /// The holder.
    pub holder: HolderReport,
    /// The face image, if read.
    pub photo: Option<PhotoReport>,
    /// How the chip was opened.
    pub access: AccessReport,
    /// Authenticity checks.
    pub verification: VerificationReport,
}

/// What kind of document DG1's document code says it is (ICAO 9303-3 §4.2.2): the report's
/// `document.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// `I`, `A` or `C`: an ID card (the CCCD is `I`).
    IdCard,
    /// `P`: a passport.
    Passport,
    /// Any other code, or no DG1.
    Other,
}

/// `document` of the report.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentReport {
    /// `id_card`, `passport` or `other`.
    pub kind: DocumentKind,
    /// Issuing state, e.g. `VNM`.
    pub issuing_state: Option<String>,
    /// The MRZ document number (for a CCCD, the last 9 digits of the ID).
    pub document_number: Option<String>,
    /// The MRZ lines.
    pub mrz: Option<Vec<String>>,
    /// Data groups read (`DG1`, …).
    pub data_groups: Vec<String>,
    /// Data groups listed but not read, with the reason.
    pub skipped: BTreeMap<String, String>,
    /// Data groups EF.SOD does not sign, with the reason: read but not used for `holder`,
    /// `document` or `photo` (a dump), or listed only by EF.COM and not read (a chip).
    pub ignored: BTreeMap<String, String>,
    /// Problems with the document's files that do not stop the read (e.g. a malformed
    /// EF.COM, which is unsigned: the data-group list comes from EF.SOD).
    pub problems: Vec<String>,
}

/// `holder` of the report: DG13 where present, else DG1.
#[derive(Debug, Clone, Default, Serialize)]
#[allow(missing_docs)] // Field names are the schema's, documented in docs/DESIGN.md §3.2.
pub struct HolderReport {
    pub id_number: Option<String>,
    pub full_name: Option<String>,
    pub date_of_birth: Option<String>,
    pub sex: Option<String>,
    pub nationality: Option<String>,
    pub ethnicity: Option<String>,
    pub religion: Option<String>,
    pub place_of_origin: Option<String>,
    pub place_of_residence: Option<String>,
    pub identifying_marks: Option<String>,
    pub date_of_issue: Option<String>,
    pub date_of_expiry: Option<String>,
    pub father_name: Option<String>,
    pub mother_name: Option<String>,
    pub spouse_name: Option<String>,
    pub old_id_number: Option<String>,
}

/// `photo` of the report.
#[derive(Debug, Clone, Serialize)]
pub struct PhotoReport {
    /// `jpeg` or `jpeg2000`.
    pub format: ImageFormat,
    /// Width in pixels, if the record says.
    pub width: Option<u16>,
    /// Height in pixels, if the record says.
    pub height: Option<u16>,
    /// Size of the encoded image.
    pub bytes: usize,
    /// File name in the dump, if written.
    pub file: Option<String>,
}

/// `access` of the report.
#[derive(Debug, Clone, Serialize)]
pub struct AccessReport {
    /// The protocol, e.g. `BAC`; empty when the document was not read from a chip here.
    pub protocol: String,
    /// Command APDUs exchanged.
    pub apdus: usize,
    /// Bytes on the wire.
    pub bytes: usize,
    /// Wall time of the read in milliseconds.
    pub millis: Option<u64>,
    /// Why this protocol and not the first one tried (e.g. PACE refused, BAC used).
    pub fallback: Option<String>,
    /// True when these values were read back from a dump's report.json (`cancuoc verify`):
    /// what the reading desk recorded, not measured here.
    pub recorded: bool,
    /// The most data one APDU carries through the reader, as it reported it (PC/SC part 10's
    /// `dwMaxAPDUDataSize`); absent when it did not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link_max_apdu_data: Option<usize>,
}

impl Report {
    /// Builds the report of `doc`.
    pub fn new(doc: &Document, context: &ReportContext) -> Self {
        let passive = context.passive.clone().unwrap_or_else(|| crate::verify::passive::hashes_only(doc));
        let unsigned = doc.unsigned_data_groups();
        // Everything shown as the holder's comes from here: never an unsigned data group.
        let signed = doc.signed_view();
        let document = document_report(doc, &signed, &unsigned);
        let holder = holder_report(&signed, context.today);
        let photo = signed.face().ok().map(|face| {
            // The image's own header first: record headers are sometimes wrong.
            let (width, height) = match crate::photo::dimensions(&face) {
                Some((w, h)) => (u16::try_from(w).ok(), u16::try_from(h).ok()),
                None => (face.width.filter(|w| *w > 0), face.height.filter(|h| *h > 0)),
            };
            PhotoReport { format: face.format, width, height, bytes: face.data.len(), file: context.photo_file.clone() }
        });
        let access = AccessReport {
            protocol: doc.access.protocol.clone(),
            apdus: doc.access.apdus,
            bytes: doc.access.bytes,
            millis: context.millis,
            fallback: doc.access.fallback.clone(),
            recorded: doc.access_recorded,
            link_max_apdu_data: doc.access.link_max_apdu_data,
        };
        let verification = VerificationReport::new(doc, passive);
        let mut report =
            Self { schema: SCHEMA, verdict: Verdict::NotChecked, document, holder, photo, access, verification };
        report.verdict = report.verdict();
        report
    }

    /// The one answer for a desk, from the three checks: the worst finding wins (a clone over
    /// altered data over a certificate problem over a missing anchor). Only statuses the verify
    /// module computed count; a claim recorded in a dump never does.
    pub fn verdict(&self) -> Verdict {
        let v = &self.verification;
        if v.chip.status == CheckStatus::Invalid || v.active.status == CheckStatus::Invalid {
            return Verdict::Cloned;
        }
        self.passive_verdict()
    }

    /// What passive authentication alone says, in [`Verdict`]'s words (never `cloned`): the
    /// line a report prints for EF.SOD, its signature and its chain.
    pub fn passive_verdict(&self) -> Verdict {
        let passive = &self.verification.passive;
        match passive.status {
            PassiveStatus::Valid(_) => Verdict::Genuine,
            PassiveStatus::Untrusted => Verdict::Untrusted,
            PassiveStatus::Invalid => {
                let altered = passive
                    .data_groups
                    .values()
                    .any(|r| matches!(r, HashResult::Mismatch | HashResult::NotHashed | HashResult::Withheld))
                    || !matches!(passive.signature_status, SignatureStatus::Valid(_));
                match passive.chain.as_ref().map(|c| c.status) {
                    _ if altered => Verdict::Altered,
                    Some(ChainStatus::Revoked) => Verdict::Revoked,
                    Some(ChainStatus::Expired) => Verdict::Expired,
                    Some(ChainStatus::Invalid) => Verdict::BadCertificate,
                    _ => Verdict::Altered,
                }
            }
            _ => Verdict::NotChecked,
        }
    }

    /// Why [`Report::verdict`] is not [`Verdict::Genuine`], in words: passive
    /// authentication's problems, then the chip and active authentication reasons of a failed
    /// check. Empty for a genuine document.
    pub fn verdict_reasons(&self) -> Vec<String> {
        let v = &self.verification;
        let mut reasons = Vec::new();
        if self.verdict() == Verdict::Cloned {
            for check in [(v.chip.status, &v.chip.reason), (v.active.status, &v.active.reason)] {
                if let (CheckStatus::Invalid, Some(reason)) = check {
                    reasons.push(reason.clone());
                }
            }
        }
        if self.verdict() != Verdict::Genuine {
            reasons.extend(v.passive.problems.iter().cloned());
        }
        reasons
    }

    /// True when a check failed (exit code 3 of DESIGN.md §3.1). `unsupported` and
    /// `not_checked` are no failures.
    pub fn check_failed(&self) -> bool {
        let v = &self.verification;
        v.passive.status == PassiveStatus::Invalid
            || v.chip.status == CheckStatus::Invalid
            || v.active.status == CheckStatus::Invalid
    }

    /// The report as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        // Serialising plain structs of strings and numbers cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// The photo's file name in a dump (DESIGN.md §3.3): `photo.jpg` or `photo.jp2`, when a DG2
/// that EF.SOD signs (or any DG2, without EF.SOD) holds a face image.
pub fn photo_file_name(doc: &Document) -> Option<String> {
    doc.signed_view().face().ok().map(|face| format!("photo.{}", face.format.extension()))
}

/// The dump of DESIGN.md §3.3 as (file name, bytes), for the caller to write: every file as
/// the chip returned it, the photo, and `report.json` built from `context` and naming the
/// photo file, so `cancuoc verify` can re-check it later. The photo file is written only from
/// a signed DG2, as the report's photo is.
pub fn dump(doc: &Document, context: &ReportContext) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> =
        doc.dump_files().into_iter().map(|(name, bytes)| (name, bytes.to_vec())).collect();
    let photo_file = photo_file_name(doc);
    if let (Ok(face), Some(name)) = (doc.signed_view().face(), &photo_file) {
        files.push((name.clone(), face.data));
    }
    let report = Report::new(doc, &ReportContext { photo_file, ..context.clone() });
    files.push(("report.json".to_owned(), report.to_json().into_bytes()));
    files
}

fn document_report(doc: &Document, signed: &Document, unsigned: &[DgNumber]) -> DocumentReport {
    let dg1 = signed.dg1().ok();
    let mrz = dg1.as_ref().map(|d: &Dg1| &d.mrz);
    let kind = match mrz.map(|m| m.document_code.chars().next()) {
        Some(Some('P')) => DocumentKind::Passport,
        Some(Some('I' | 'A' | 'C')) => DocumentKind::IdCard,
        _ => DocumentKind::Other,
    };
    let mut problems = doc.read_problems.clone();
    if let Some(Err(e)) = doc.com.as_deref().map(EfCom::parse) {
        problems.push(format!("EF.COM is malformed ({e}): the data groups were taken from EF.SOD"));
    }
    problems.extend(problems::data_group_problems(signed, dg1.as_ref()));
    problems.extend(problems::card_security_problems(doc));
    DocumentReport {
        kind,
        issuing_state: mrz.map(|m| m.issuing_state.clone()),
        document_number: mrz.map(|m| m.document_number.clone()),
        mrz: mrz.map(|m| m.lines.clone()),
        data_groups: doc.data_groups.keys().map(DgNumber::to_string).collect(),
        skipped: doc.skipped.iter().filter(|s| !s.not_signed).map(|s| (s.dg.to_string(), s.reason.clone())).collect(),
        ignored: unsigned
            .iter()
            .map(|dg| (dg.to_string(), "not signed by EF.SOD: its content is not used".to_owned()))
            .chain(doc.skipped.iter().filter(|s| s.not_signed).map(|s| (s.dg.to_string(), s.reason.clone())))
            .collect(),
        problems,
    }
}

fn holder_report(signed: &Document, today: Option<CalendarDate>) -> HolderReport {
    let dg1 = signed.dg1().ok();
    let mrz = dg1.as_ref().map(|d: &Dg1| &d.mrz);
    match (signed.cccd().ok().flatten(), mrz) {
        (Some(c), _) => holder::holder_from_dg13(&c, mrz),
        (None, Some(m)) => {
            let mut holder = holder::holder_from_mrz(m, today);
            if let Some(dg11) = signed.dg(DgNumber::DG11).and_then(|b| Dg11::parse(b).ok()) {
                holder::add_dg11(&mut holder, &dg11);
            }
            holder
        }
        (None, None) => HolderReport::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::tlv::tlv;

    #[test]
    fn a_dg2_without_a_face_names_the_problem() {
        let mut doc = Document::default();
        doc.data_groups.insert(DgNumber::DG2, tlv(0x75, &tlv(0x5F2E, b"not an image")));
        let report = Report::new(&doc, &ReportContext::default());
        assert!(report.photo.is_none());
        assert!(
            report.document.problems.iter().any(|p| p.starts_with("DG2 holds no face image")),
            "{:?}",
            report.document
        );
    }

    #[test]
    fn dg1_only_report_places_the_century_and_flags_no_checks() {
        let mut doc = Document::default();
        let mrz = "I<UTOD231458907<<<<<<<<<<<<<<<7408122F1204159UTO<<<<<<<<<<<6ERIKSSON<<ANNA<MARIA<<<<<<<<<<";
        doc.data_groups.insert(DgNumber::DG1, tlv(0x61, &tlv(0x5F1F, mrz.as_bytes())));
        doc.access.protocol = "BAC".to_owned();
        let today = CalendarDate { year: 2026, month: 12, day: 1 };
        let report = Report::new(&doc, &ReportContext { today: Some(today), ..Default::default() });
        let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(json["schema"], "cancuoc/1");
        assert_eq!(json["document"]["kind"], "id_card");
        assert_eq!(json["holder"]["date_of_birth"], "1974-08-12");
        assert_eq!(json["holder"]["date_of_expiry"], "2012-04-15");
        assert_eq!(json["holder"]["full_name"], "ERIKSSON ANNA MARIA");
        assert_eq!(json["holder"]["ethnicity"], serde_json::Value::Null);
        assert_eq!(json["verification"]["passive"]["status"], "not_checked");
        assert_eq!(json["verification"]["passive"]["chain"], serde_json::Value::Null);
        assert_eq!(json["verification"]["active"]["algorithm"], serde_json::Value::Null);
        assert_eq!(json["document"]["data_groups"][0], "DG1");
    }

    #[test]
    fn dg13_edge_cases_reach_the_holder_record_exactly() {
        use crate::profile::cccd::dg13::encode_dg13;
        let residence = "Thôn Đông, ".repeat(30);
        assert!(residence.len() > 255);
        let mut fields = BTreeMap::new();
        fields.insert(1u8, vec!["079158000123".to_owned()]);
        // NFD: "Lê Thị Hồng" with combining marks.
        fields.insert(2u8, vec!["Le\u{0302} Thi\u{0323} Ho\u{0302}\u{0300}ng".to_owned()]);
        fields.insert(3u8, vec!["00/00/1958".to_owned()]);
        fields.insert(4u8, vec!["Nữ".to_owned()]);
        fields.insert(9u8, vec![residence.clone()]);
        fields.insert(12u8, vec!["Không thời hạn".to_owned()]);
        fields.insert(13u8, vec!["Lê Văn A".to_owned(), "Nguyễn Thị B".to_owned()]);
        fields.insert(16u8, vec!["0123456789ABCDEF".to_owned()]);
        let mut doc = Document::default();
        doc.data_groups.insert(DgNumber::DG13, encode_dg13(&fields));
        let json: serde_json::Value =
            serde_json::from_str(&Report::new(&doc, &ReportContext::default()).to_json()).unwrap();
        let h = &json["holder"];
        assert_eq!(h["full_name"], "Lê Thị Hồng");
        assert_eq!(h["sex"], "F");
        assert_eq!(h["date_of_birth"], "00/00/1958", "partial dates stay as the card's text");
        assert_eq!(h["date_of_expiry"], "Không thời hạn");
        assert_eq!(h["place_of_residence"], residence.trim());
        assert_eq!(h["spouse_name"], serde_json::Value::Null);
        assert_eq!(h["old_id_number"], serde_json::Value::Null);
        assert_eq!(h["mother_name"], "Nguyễn Thị B");
        assert_eq!(json["verification"]["passive"]["status"], "not_checked");
    }
}
