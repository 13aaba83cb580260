//! Honest verdicts on partial material (issue 22): a dump holding EF.SOD alone vouches for
//! nothing; a dump without the DG14 or DG15 its EF.SOD lists cannot check chip or active
//! authentication (`not_checked`, never `not_supported`); a genuine document whose document
//! signer certificate expired is `expired`, not altered; and a data group whose structure is
//! broken never ends a read.

// A test harness fails loudly: unwrap, expect and panic are how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::{specimen, trust};

use cancuoc::CalendarDate;
use cancuoc::access::AccessKey;
use cancuoc::lds::DgNumber;
use cancuoc::report::Verdict;
use cancuoc::verify::passive::passive;
use cancuoc::verify::status::{CheckStatus, PassiveStatus};
use cancuoc::{Document, ReadOptions, Reader, Report, ReportContext};
use cancuoc_sim::issue::IssuedDocument;
use cancuoc_sim::pki::TestPki;
use cancuoc_sim::{DEMO_SEED, Faults, SeededRng, VirtualChip};

fn at(year: u16) -> Option<i64> {
    Some(CalendarDate { year, month: 6, day: 1 }.to_unix())
}

/// A dump of `issued` holding EF.SOD and the data groups `groups`.
fn dump(issued: &IssuedDocument, groups: &[u8]) -> Document {
    let mut doc = {
        let mut doc = Document::default();
        doc.sod = issued.files.get(&0x011D).cloned();
        doc
    };
    for n in groups {
        let dg = DgNumber::new(*n).unwrap();
        doc.data_groups.insert(dg, issued.files[&dg.fid()].clone());
    }
    doc
}

fn checked(doc: &Document, year: u16) -> Report {
    let context = ReportContext { passive: Some(passive(doc, &trust(), at(year))), ..ReportContext::default() };
    Report::new(doc, &context)
}

#[test]
fn a_dump_of_ef_sod_alone_is_not_genuine() {
    let report = checked(&dump(&specimen(), &[]), 2026);
    assert_eq!(report.verification.passive.status, PassiveStatus::NotChecked);
    assert_eq!(report.verdict(), Verdict::NotChecked);
    assert!(
        report.verification.passive.problems.iter().any(|p| p.contains("no data group was there to check")),
        "{:?}",
        report.verification.passive.problems
    );
    assert!(report.to_json().contains(r#""verdict": "not_checked""#));
    // One data group is enough to vouch for it.
    assert_eq!(report_of(&[1]).verdict(), Verdict::Genuine);
}

fn report_of(groups: &[u8]) -> Report {
    checked(&dump(&specimen(), groups), 2026)
}

#[test]
fn a_dump_without_the_key_groups_its_ef_sod_lists_cannot_check_the_chip() {
    let report = report_of(&[1, 2, 13]);
    let v = &report.verification;
    assert_eq!(v.passive.data_groups.0[&DgNumber::DG14], cancuoc::verify::status::HashResult::NotRead);
    for (outcome, dg) in [(&v.chip.status, "DG14"), (&v.active.status, "DG15")] {
        assert_eq!(*outcome, CheckStatus::NotChecked, "{dg}");
    }
    assert!(v.chip.reason.as_deref().unwrap().contains("EF.SOD lists DG14"), "{:?}", v.chip.reason);
    assert!(v.active.reason.as_deref().unwrap().contains("EF.SOD lists DG15"), "{:?}", v.active.reason);
    // A document whose EF.SOD lists neither does not offer the checks.
    let issued = specimen();
    let groups: Vec<(DgNumber, Vec<u8>)> = [1u8, 2, 13]
        .iter()
        .map(|n| DgNumber::new(*n).unwrap())
        .map(|dg| (dg, issued.files[&dg.fid()].clone()))
        .collect();
    let mut doc = {
        let mut doc = Document::default();
        doc.sod = Some(cancuoc_sim::cms::sod(&TestPki::generate(DEMO_SEED), &groups));
        doc
    };
    doc.data_groups.extend(groups);
    let report = checked(&doc, 2026);
    assert_eq!(report.verification.chip.status, CheckStatus::NotSupported);
    assert_eq!(report.verification.active.status, CheckStatus::NotSupported);
}

#[test]
fn a_genuine_document_under_an_expired_signer_is_expired_in_every_word() {
    let report = report_of(&[1, 2, 13]);
    assert_eq!(report.verdict(), Verdict::Genuine);
    // The test DS certificate ends on 2035-01-01.
    let report = report_of_at(&[1, 2, 13], 2036);
    assert_eq!(report.verdict(), Verdict::Expired);
    assert!(report.check_failed(), "expired keeps exit 3");
    assert!(report.to_json().contains(r#""verdict": "expired""#), "{}", report.to_json());
    assert_eq!(Verdict::Expired.as_str(), "expired");
    // Altered data under an expired signer are altered.
    let altered = dump(&specimen().tampered(DgNumber::DG13), &[1, 2, 13]);
    assert_eq!(checked(&altered, 2036).verdict(), Verdict::Altered);
}

fn report_of_at(groups: &[u8], year: u16) -> Report {
    checked(&dump(&specimen(), groups), year)
}

#[test]
fn an_empty_data_group_on_a_chip_without_ef_sod_does_not_end_the_read() {
    let mut issued = specimen();
    issued.files.remove(&0x011D);
    issued.files.insert(DgNumber::DG13.fid(), Vec::new());
    let chip = VirtualChip::new(issued, Faults::default(), DEMO_SEED);
    let mut rng = SeededRng::new(b"terminal");
    let mut session = Reader::open(chip).authenticate(&AccessKey::can("012345").unwrap(), &mut rng).unwrap();
    let doc = session.read(&ReadOptions::default(), &mut rng, &mut |_| {}).unwrap();
    assert!(doc.dg(DgNumber::DG1).is_some() && doc.dg(DgNumber::DG2).is_some());
    assert_eq!(doc.dg(DgNumber::DG13), Some(&[][..]));
    let report = Report::new(&doc, &ReportContext::default());
    assert!(report.holder.full_name.is_some(), "DG1's name is shown");
    assert!(report.photo.is_some(), "DG2's face is shown");
    assert!(report.document.problems.iter().any(|p| p.contains("DG13")), "{:?}", report.document.problems);
}

#[test]
fn ef_card_security_in_a_dump_is_verified_like_ef_sod() {
    let pki = TestPki::generate(DEMO_SEED);
    let mut doc = dump(&specimen(), &[1, 2, 13]);
    // Any SecurityInfos will do: the signature and the chain are what is checked.
    let infos = cancuoc::internals::codec::tlv::tlv(0x31, &[]);
    let card_security = cancuoc_sim::cms::signed_data(&pki, cancuoc_sim::cms::OID_SECURITY_OBJECT, &infos);
    doc.card_security = Some(card_security.clone());
    let report = checked(&doc, 2026);
    let checked_file = report.verification.passive.card_security.as_ref().unwrap();
    assert_eq!(checked_file.status.as_str(), "valid", "{:?}", checked_file.problems);
    assert_eq!(report.verdict(), Verdict::Genuine);
    assert!(report.to_json().contains(r#""card_security": {"#));
    // One byte of its signature changed: altered, and so is the document's verdict.
    let mut altered = card_security;
    let last = altered.len() - 3;
    altered[last] ^= 0x01;
    doc.card_security = Some(altered);
    let report = checked(&doc, 2026);
    assert_eq!(report.verification.passive.card_security.as_ref().unwrap().status.as_str(), "invalid");
    assert_eq!(report.verdict(), Verdict::Altered);
    // Without a trust store it is named as not checked.
    let report = Report::new(&doc, &ReportContext::default());
    assert_eq!(report.verification.passive.card_security.as_ref().unwrap().status.as_str(), "not_checked");
}
