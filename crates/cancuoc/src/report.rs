//! The JSON report, schema `cancuoc/1` (DESIGN.md §3.2): a stable contract for scripts and
//! hospital or bank systems. Built from a [`Document`]; absent values are `null`, checks not
//! yet run are `not_checked`.

use std::collections::BTreeMap;

use serde::Serialize;

pub use crate::codec::time::CalendarDate;
use crate::document::Document;
use crate::lds::{Dg1, Dg11, DgNumber, ImageFormat, Mrz};
use crate::profile::cccd::{Citizen, field, iso_date};

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
    /// A data group or EF.SOD does not match its signature: the data were changed.
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
    /// No EF.SOD was read: nothing could be checked.
    NotChecked,
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
    /// the report compares the data-group hashes only.
    pub passive: Option<crate::verify::passive::PassiveResult>,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
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

/// `document` of the report.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentReport {
    /// `id_card`, `passport` or `other`.
    pub kind: &'static str,
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
}

/// `holder` of the report: DG13 where present, else DG1.
#[derive(Debug, Clone, Default, Serialize)]
#[allow(missing_docs)] // Field names are the schema's, documented in DESIGN.md §3.2.
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
    /// The protocol, e.g. `BAC`.
    pub protocol: String,
    /// Command APDUs exchanged.
    pub apdus: usize,
    /// Bytes on the wire.
    pub bytes: usize,
    /// Wall time of the read in milliseconds.
    pub millis: Option<u64>,
    /// Why this protocol and not the first one tried (e.g. PACE refused, BAC used).
    pub fallback: Option<String>,
}

/// `verification` of the report.
#[derive(Debug, Clone, Serialize)]
pub struct VerificationReport {
    /// Passive authentication.
    pub passive: PassiveReport,
    /// Chip authentication.
    pub chip: ChipReport,
    /// Active authentication.
    pub active: ActiveReport,
}

/// `verification.passive`: SOD signature, data-group hashes, certificate chain.
#[derive(Debug, Clone, Serialize)]
pub struct PassiveReport {
    /// `valid`, `invalid`, `untrusted` or `not_checked`.
    pub status: &'static str,
    /// The data-group hash algorithm, e.g. `SHA-256`.
    pub hash: Option<String>,
    /// The SOD signature algorithm.
    pub signature: Option<String>,
    /// Per data group: `match`, `mismatch`, `not_read` or `not_hashed`.
    pub data_groups: DgMap,
    /// The document signer certificate.
    pub signer: Option<serde_json::Value>,
    /// The chain to a trust anchor.
    pub chain: Option<serde_json::Value>,
    /// What went wrong, in words.
    pub problems: Vec<String>,
}

/// Per-data-group words, serialised as a JSON object keyed `DG1`, `DG2`, … in number order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DgMap(pub BTreeMap<DgNumber, &'static str>);

impl DgMap {
    /// The words, in data-group order.
    pub fn values(&self) -> impl Iterator<Item = &&'static str> {
        self.0.values()
    }
}

impl Serialize for DgMap {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (dg, word) in &self.0 {
            map.serialize_entry(&dg.to_string(), word)?;
        }
        map.end()
    }
}

/// `verification.chip`: chip authentication.
#[derive(Debug, Clone, Serialize)]
pub struct ChipReport {
    /// `valid`, `invalid`, `untrusted` (the chip proved DG14's key, but passive
    /// authentication does not vouch for DG14), `not_supported` or `not_checked`.
    pub status: &'static str,
    /// The protocol that ran.
    pub protocol: Option<String>,
    /// Why the status is not `valid`, in words.
    pub reason: Option<String>,
}

/// `verification.active`: active authentication.
#[derive(Debug, Clone, Serialize)]
pub struct ActiveReport {
    /// `valid`, `invalid`, `untrusted` (as for `chip`, for DG15), `not_supported` or
    /// `not_checked`.
    pub status: &'static str,
    /// The signature algorithm.
    pub algorithm: Option<String>,
    /// The challenge sent, hex (evidence for `cancuoc verify`).
    pub challenge: Option<String>,
    /// The chip's signature, hex.
    pub response: Option<String>,
    /// Why the status is not `valid`, in words.
    pub reason: Option<String>,
}

impl VerificationReport {
    /// Every check `not_checked`, every detail empty.
    pub fn not_checked() -> Self {
        Self {
            passive: PassiveReport {
                status: "not_checked",
                hash: None,
                signature: None,
                data_groups: DgMap::default(),
                signer: None,
                chain: None,
                problems: Vec::new(),
            },
            chip: ChipReport { status: "not_checked", protocol: None, reason: None },
            active: ActiveReport {
                status: "not_checked",
                algorithm: None,
                challenge: None,
                response: None,
                reason: None,
            },
        }
    }
}

impl Report {
    /// Builds the report of `doc`.
    pub fn new(doc: &Document, context: &ReportContext) -> Self {
        let dg1 = doc.dg1().ok();
        let citizen = doc.cccd().ok().flatten();
        let mrz = dg1.as_ref().map(|d: &Dg1| &d.mrz);
        let kind = match mrz.map(|m| m.document_code.chars().next()) {
            Some(Some('P')) => "passport",
            Some(Some('I' | 'A' | 'C')) => "id_card",
            _ => "other",
        };
        let document = DocumentReport {
            kind,
            issuing_state: mrz.map(|m| m.issuing_state.clone()),
            document_number: mrz.map(|m| m.document_number.clone()),
            mrz: mrz.map(|m| m.lines.clone()),
            data_groups: doc.data_groups.keys().map(DgNumber::to_string).collect(),
            skipped: doc.skipped.iter().map(|s| (s.dg.to_string(), s.reason.clone())).collect(),
        };
        let holder = match (&citizen, mrz) {
            (Some(c), _) => holder_from_dg13(c, mrz),
            (None, Some(m)) => {
                let mut holder = holder_from_mrz(m, context.today);
                if let Some(dg11) = doc.dg(DgNumber::DG11).and_then(|b| Dg11::parse(b).ok()) {
                    add_dg11(&mut holder, &dg11);
                }
                holder
            }
            (None, None) => HolderReport::default(),
        };
        let photo = doc.face().ok().map(|face| {
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
        };
        let mut verification = VerificationReport::not_checked();
        match &context.passive {
            Some(result) => passive_report(result, &mut verification.passive),
            None => passive_hashes(doc, &mut verification.passive),
        }
        let vouched = |dg: DgNumber| {
            context.passive.as_ref().is_some_and(|p| {
                p.status == crate::verify::passive::PassiveStatus::Valid
                    && p.data_groups.get(&dg) == Some(&crate::verify::hashes::HashResult::Match)
            })
        };
        chip_report(doc, vouched(DgNumber::DG14), &mut verification.chip);
        active_report(doc, vouched(DgNumber::DG15), &mut verification.active);
        Self { schema: SCHEMA, document, holder, photo, access, verification }
    }

    /// The one answer for a desk, from the three checks: the worst finding wins (a clone over
    /// altered data over a certificate problem over a missing anchor).
    pub fn verdict(&self) -> Verdict {
        let v = &self.verification;
        if v.chip.status == "invalid" || v.active.status == "invalid" {
            return Verdict::Cloned;
        }
        let passive = &v.passive;
        match passive.status {
            "valid" => Verdict::Genuine,
            "untrusted" => Verdict::Untrusted,
            "invalid" => {
                let altered = passive.data_groups.values().any(|r| *r == "mismatch") || passive.signature.is_none();
                let chain = passive.chain.as_ref().and_then(|c| c.get("status")).and_then(|s| s.as_str());
                match chain {
                    _ if altered => Verdict::Altered,
                    Some("revoked") => Verdict::Revoked,
                    Some("expired") => Verdict::Expired,
                    Some("invalid") => Verdict::BadCertificate,
                    _ => Verdict::Altered,
                }
            }
            _ => Verdict::NotChecked,
        }
    }

    /// True when a check failed (exit code 3 of DESIGN.md §3.1).
    pub fn check_failed(&self) -> bool {
        let v = &self.verification;
        v.passive.status == "invalid" || v.chip.status == "invalid" || v.active.status == "invalid"
    }

    /// The report as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        // Serialising plain structs of strings and numbers cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// The photo's file name in a dump (DESIGN.md §3.3): `photo.jpg` or `photo.jp2`, when DG2
/// holds a face image.
pub fn photo_file_name(doc: &Document) -> Option<String> {
    doc.face().ok().map(|face| format!("photo.{}", face.format.extension()))
}

/// The dump of DESIGN.md §3.3 as (file name, bytes), for the caller to write: every file as
/// the chip returned it, the photo, and `report.json` built from `context` and naming the
/// photo file, so `cancuoc verify` can re-check it later.
pub fn dump(doc: &Document, context: &ReportContext) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> =
        doc.dump_files().into_iter().map(|(name, bytes)| (name, bytes.to_vec())).collect();
    let photo_file = photo_file_name(doc);
    if let (Ok(face), Some(name)) = (doc.face(), &photo_file) {
        files.push((name.clone(), face.data));
    }
    let report = Report::new(doc, &ReportContext { photo_file, ..context.clone() });
    files.push(("report.json".to_owned(), report.to_json().into_bytes()));
    files
}

/// The data-group hash comparison: a mismatch makes passive authentication `invalid`; a
/// full match stays `not_checked` until the signature is verified.
fn passive_hashes(doc: &Document, passive: &mut PassiveReport) {
    if doc.sod.is_none() {
        return;
    }
    match crate::verify::hashes::check(doc) {
        Ok(check) => {
            passive.hash = check.algorithm.map(|a| a.name().to_owned());
            passive.data_groups = DgMap(check.data_groups.iter().map(|(dg, r)| (*dg, r.as_str())).collect());
            let mismatches = check.mismatches();
            if !mismatches.is_empty() {
                passive.status = "invalid";
                for dg in mismatches {
                    passive.problems.push(format!("{dg} does not match its hash in EF.SOD: the data were altered"));
                }
            }
            if check.algorithm.is_none() {
                passive.problems.push("EF.SOD names a hash algorithm this reader does not know".to_owned());
            }
        }
        Err(e) => {
            passive.status = "invalid";
            passive.problems.push(format!("EF.SOD cannot be read: {e}"));
        }
    }
}

fn passive_report(result: &crate::verify::passive::PassiveResult, passive: &mut PassiveReport) {
    passive.status = result.status.as_str();
    passive.hash = result.hash.map(|h| h.name().to_owned());
    passive.signature = result.signature.clone();
    passive.data_groups = DgMap(result.data_groups.iter().map(|(dg, r)| (*dg, r.as_str())).collect());
    passive.signer = result.signer.as_ref().map(|s| {
        serde_json::json!({
            "subject": s.subject,
            "serial": s.serial,
            "not_before": CalendarDate::from_unix(s.not_before).iso(),
            "not_after": CalendarDate::from_unix(s.not_after).iso(),
            "signed_at": s.signed_at.map(crate::codec::time::iso_date_time),
        })
    });
    passive.chain = result
        .chain
        .as_ref()
        .map(|(status, anchor)| serde_json::json!({ "status": status.as_str(), "anchor": anchor }));
    passive.problems = result.problems.clone();
}

/// A proof from the chip counts only when passive authentication vouches for the key's DG.
const NOT_VOUCHED: &str =
    "the chip proved the key, but passive authentication does not vouch for the data group holding it";

fn chip_report(doc: &Document, vouched: bool, chip: &mut ChipReport) {
    if let Some(outcome) = &doc.chip_authentication {
        chip.protocol = Some(outcome.protocol.clone());
        match &outcome.result {
            Ok(()) if vouched => chip.status = "valid",
            Ok(()) => {
                chip.status = "untrusted";
                chip.reason = Some(NOT_VOUCHED.to_owned());
            }
            Err(why) => {
                chip.status = "invalid";
                chip.reason = Some(why.clone());
            }
        }
    } else if doc.access.cam_key_matched {
        // CAM proved the chip holds the key of EF.CardSecurity; counting it as valid waits for
        // passive authentication of that file.
        chip.protocol = Some("PACE-CAM".to_owned());
        chip.status = "untrusted";
        chip.reason = Some("EF.CardSecurity's signature is not checked yet".to_owned());
    } else if doc.dg(DgNumber::DG14).is_none() {
        chip.status = "not_supported";
    }
}

fn active_report(doc: &Document, vouched: bool, active: &mut ActiveReport) {
    let Some(dg15) = doc.dg(DgNumber::DG15) else {
        active.status = "not_supported";
        return;
    };
    let Some(evidence) = &doc.active_authentication else { return };
    active.challenge = Some(crate::transport::trace::encode_hex(&evidence.challenge));
    active.response = Some(crate::transport::trace::encode_hex(&evidence.response));
    let dg14 = doc.dg(DgNumber::DG14).and_then(|b| crate::lds::SecurityInfos::parse_dg14(b).ok());
    let key = crate::lds::ActiveAuthenticationKey::parse_dg15(dg15)
        .ok()
        .and_then(|k| crate::verify::signature::PublicKey::from_spki(&k.public_key_info, None).ok());
    let Some(key) = key else {
        active.status = "invalid";
        active.reason = Some("DG15 holds no usable key".to_owned());
        return;
    };
    match crate::verify::active::verify(&key, dg14.as_ref(), &evidence.challenge, &evidence.response) {
        Ok(algorithm) => {
            active.algorithm = Some(algorithm);
            if vouched {
                active.status = "valid";
            } else {
                active.status = "untrusted";
                active.reason = Some(NOT_VOUCHED.to_owned());
            }
        }
        Err(e) => {
            active.status = "invalid";
            active.reason = Some(e.to_string());
        }
    }
}

fn add_dg11(holder: &mut HolderReport, dg11: &Dg11) {
    if let Some(name) = &dg11.full_name {
        holder.full_name = Some(name.clone());
    }
    if let Some(dob) = dg11.date_of_birth.as_ref().filter(|d| d.len() == 10) {
        holder.date_of_birth = Some(dob.clone());
    }
    holder.place_of_origin = holder.place_of_origin.take().or_else(|| dg11.place_of_birth.clone());
    holder.place_of_residence = holder.place_of_residence.take().or_else(|| dg11.address.clone());
    holder.id_number = holder.id_number.take().or_else(|| dg11.personal_number.clone());
}

fn holder_from_dg13(c: &Citizen, mrz: Option<&Mrz>) -> HolderReport {
    let text = |n: u8| c.get(n).map(str::to_owned);
    let date = |n: u8| c.get(n).map(|s| iso_date(s).unwrap_or_else(|| s.to_owned()));
    HolderReport {
        id_number: text(field::ID_NUMBER),
        full_name: text(field::FULL_NAME),
        date_of_birth: date(field::DATE_OF_BIRTH),
        sex: c.sex().map(String::from),
        nationality: text(field::NATIONALITY).or_else(|| mrz.map(|m| m.nationality.clone())),
        ethnicity: text(field::ETHNICITY),
        religion: text(field::RELIGION),
        place_of_origin: text(field::PLACE_OF_ORIGIN),
        place_of_residence: text(field::PLACE_OF_RESIDENCE),
        identifying_marks: text(field::IDENTIFYING_MARKS),
        date_of_issue: date(field::DATE_OF_ISSUE),
        date_of_expiry: date(field::DATE_OF_EXPIRY),
        father_name: c.father_name().map(str::to_owned),
        mother_name: c.mother_name().map(str::to_owned),
        spouse_name: c.spouse_name().map(str::to_owned),
        old_id_number: text(field::OLD_ID_NUMBER),
    }
}

fn holder_from_mrz(m: &Mrz, today: Option<CalendarDate>) -> HolderReport {
    let expiry = mrz_date(&m.date_of_expiry, |_| 2000);
    let expiry_year = expiry.as_ref().and_then(|d| d.get(..4)).and_then(|y| y.parse::<u16>().ok());
    let pivot = today.map(|t| t.year).or(expiry_year).unwrap_or(2099);
    let dob = mrz_date(&m.date_of_birth, |yy| if 2000 + yy > pivot { 1900 } else { 2000 });
    // A Vietnamese TD1 carries the 12-digit ID in optional data 1 (`research/cccd.md` §1.1).
    let id_number = (m.issuing_state == "VNM")
        .then(|| m.optional_data.get(..12).filter(|s| s.chars().all(|c| c.is_ascii_digit())).map(str::to_owned))
        .flatten();
    HolderReport {
        id_number,
        full_name: Some(m.full_name()).filter(|s| !s.is_empty()),
        date_of_birth: dob.or_else(|| Some(m.date_of_birth.clone())),
        sex: Some(
            match m.sex {
                'M' => "M",
                'F' => "F",
                _ => "X",
            }
            .to_owned(),
        ),
        nationality: Some(m.nationality.clone()),
        date_of_expiry: expiry.or_else(|| Some(m.date_of_expiry.clone())),
        ..HolderReport::default()
    }
}

/// `YYMMDD` → `YYYY-MM-DD` with the century chosen by `century(yy)`; `None` when a part is
/// unknown (`<`).
fn mrz_date(yymmdd: &str, century: impl Fn(u16) -> u16) -> Option<String> {
    if yymmdd.len() != 6 || !yymmdd.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let yy = yymmdd.get(..2)?.parse::<u16>().ok()?;
    Some(format!("{}-{}-{}", century(yy) + yy, yymmdd.get(2..4)?, yymmdd.get(4..6)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::tlv::tlv;

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
        use crate::profile::cccd::encode_dg13;
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
