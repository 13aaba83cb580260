//! `document.problems` for the data groups EF.SOD signs: each one that does not parse as its
//! ICAO 9303-10 §4.7 structure (or, for a CCCD, DG13 as the citizen record) is named, with the
//! check or field it prevents. Reading is lenient where nothing is at stake: the bytes stay in
//! the document and in a dump, EF.SOD's hash still decides their integrity; only what they
//! would have shown is missing, and the report says why.

use crate::codec::ByteReader;
use crate::document::Document;
use crate::lds::security_infos::SecurityInfos;
use crate::lds::{ActiveAuthenticationKey, Dg1, Dg11, Dg12, DgNumber};

/// The problems of `signed`'s data groups (the document's signed view), `dg1` as parsed.
pub(super) fn data_group_problems(signed: &Document, dg1: Option<&Dg1>) -> Vec<String> {
    let mut problems = Vec::new();
    match (dg1, signed.dg(DgNumber::DG1)) {
        (Some(dg1), _) => problems.extend(
            dg1.problems
                .iter()
                .map(|p| format!("DG1: {p}; its fields are kept, as EF.SOD's hash decides their integrity")),
        ),
        (None, Some(bytes)) => {
            if let Err(e) = Dg1::parse(bytes) {
                problems.push(format!("DG1 cannot be read: {e}; no MRZ fields are shown"));
            }
        }
        (None, None) => {}
    }
    if signed.dg(DgNumber::DG2).is_some()
        && let Err(e) = signed.face()
    {
        problems.push(format!("DG2 holds no face image this reader can take: {e}; no photo is shown"));
    }
    for (n, tag, what) in [(5u8, 0x65, "its displayed portrait"), (7, 0x67, "its displayed signature")] {
        let Some(dg) = DgNumber::new(n) else { continue };
        if let Some(bytes) = signed.dg(dg)
            && !well_formed(bytes, tag)
        {
            problems.push(format!("{dg} is malformed: {what} is not shown"));
        }
    }
    let checks: [(DgNumber, Option<String>, &str); 4] = [
        (
            DgNumber::DG11,
            signed.dg(DgNumber::DG11).and_then(|b| Dg11::parse(b).err()).map(|e| e.to_string()),
            "its additional personal details are not shown",
        ),
        (
            DgNumber::DG12,
            signed.dg(DgNumber::DG12).and_then(|b| Dg12::parse(b).err()).map(|e| e.to_string()),
            "its additional document details are not shown",
        ),
        (
            DgNumber::DG14,
            signed.dg(DgNumber::DG14).and_then(|b| SecurityInfos::parse_dg14(b).err()).map(|e| e.to_string()),
            "chip authentication cannot run, so the chip cannot prove it is not a copy",
        ),
        (
            DgNumber::DG15,
            signed.dg(DgNumber::DG15).and_then(|b| ActiveAuthenticationKey::parse_dg15(b).err()).map(|e| e.to_string()),
            "active authentication cannot be checked, so the chip cannot prove it is not a copy",
        ),
    ];
    for (dg, error, consequence) in checks {
        if let Some(error) = error {
            problems.push(format!("{dg} cannot be read ({error}): {consequence}"));
        }
    }
    // DG13 is the citizen record on a CCCD; other issuers' DG13 has no common structure.
    let vietnamese = dg1.is_some_and(|d| d.mrz.issuing_state == "VNM");
    if vietnamese
        && signed.dg(DgNumber::DG13).is_some()
        && let Err(e) = signed.cccd()
    {
        problems.push(format!("{e}: the citizen record is not shown; the MRZ fields of DG1 are shown instead"));
    }
    problems
}

/// True when `bytes` are one TLV of `tag` filling the file, whose contents are a sequence of
/// well-formed TLVs (ICAO 9303-10 §4.7.5, §4.7.7: a count and the images).
fn well_formed(bytes: &[u8], tag: u32) -> bool {
    let mut file = ByteReader::new(bytes, "data group");
    let Ok(outer) = file.expect_tlv(tag) else { return false };
    if !file.is_empty() {
        return false;
    }
    let mut inner = outer.reader("data group");
    while !inner.is_empty() {
        if inner.tlv().is_err() {
            return false;
        }
    }
    true
}

/// EF.CardSecurity's own verification ([`crate::verify::passive::PassiveResult::card_security`])
/// is reported in `verification.passive`; here, only a file that is not a SignedData at all.
pub(super) fn card_security_problems(doc: &Document) -> Vec<String> {
    match doc.card_security.as_deref().map(crate::lds::card_security::security_infos) {
        Some(Err(e)) => vec![format!("EF.CardSecurity cannot be read ({e}): what it offers is not used")],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::tlv::tlv;

    #[test]
    fn every_malformed_signed_data_group_is_named_with_what_it_prevents() {
        let mut doc = Document::default();
        for n in [5u8, 7, 11, 12, 14, 15] {
            doc.data_groups.insert(DgNumber::new(n).unwrap(), vec![0x30, 0x05, 0x01]);
        }
        let problems = data_group_problems(&doc, None);
        for (dg, words) in [
            ("DG5", "portrait"),
            ("DG7", "signature"),
            ("DG11", "personal details"),
            ("DG12", "document details"),
            ("DG14", "chip authentication"),
            ("DG15", "active authentication"),
        ] {
            assert!(problems.iter().any(|p| p.starts_with(dg) && p.contains(words)), "{dg}: {problems:?}");
        }
        // Well-formed ones say nothing.
        let mut doc = Document::default();
        doc.data_groups.insert(DgNumber::new(5).unwrap(), tlv(0x65, &[tlv(0x02, &[1]), tlv(0x5F40, b"jpeg")].concat()));
        assert!(data_group_problems(&doc, None).is_empty());
    }
}
