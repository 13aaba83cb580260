//! Trust only what the chip signed: the five ways forged or unproven data could earn a good
//! verdict, each tried as a forger would, in process against the virtual chip and the core's
//! verification — an unsigned data group, a self-vouching master list, a check that cannot be
//! performed, a claim recorded in a dump, and a PACE failure that invites a downgrade to BAC.

// A test harness fails loudly: unwrap, expect and panic are how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::specimen;

use cancuoc::CalendarDate;
use cancuoc::access::{AccessError, AccessKey};
use cancuoc::lds::DgNumber;
use cancuoc::report::Verdict;
use cancuoc::trust::TrustError;
use cancuoc::verify::passive::passive;
use cancuoc::verify::status::{CheckStatus, PassiveStatus, SignatureStatus};
use cancuoc::{Document, Error, ErrorClass, ReadOptions, Reader, Report, ReportContext, Transport, TrustStore};
use cancuoc_sim::issue::IssuedDocument;
use cancuoc_sim::pki::TestPki;
use cancuoc_sim::wiretap::{WireLog, Wiretap};
use cancuoc_sim::{DEMO_SEED, Faults, SeededRng, VirtualChip};

const FORGED_NAME: &str = "EVIL<<MALLORY";

fn at_2026() -> Option<i64> {
    Some(CalendarDate { year: 2026, month: 6, day: 1 }.to_unix())
}

/// The specimen with a DG11 EF.SOD does not hash (naming the forger's holder) and without DG13:
/// the forged dump of the issue, and the chip a forger would program.
fn forged() -> IssuedDocument {
    specimen().with_unsigned_dg11(FORGED_NAME, "19000101").without(DgNumber::DG13)
}

/// A dump of `issued`: every file it holds, as `read --out` writes them.
fn dump_of(issued: &IssuedDocument) -> Document {
    let mut doc = Document::default();
    doc.sod = issued.files.get(&0x011D).cloned();
    doc.com = issued.files.get(&0x011E).cloned();
    for n in 1..=16u8 {
        let dg = DgNumber::new(n).unwrap();
        if let Some(bytes) = issued.files.get(&dg.fid()).filter(|_| !issued.protected.contains(&dg.fid())) {
            doc.data_groups.insert(dg, bytes.clone());
        }
    }
    doc
}

fn test_csca() -> TrustStore {
    let mut store = TrustStore::new();
    store.add_file("test CSCA", &TestPki::generate(DEMO_SEED).csca.certificate).unwrap();
    store
}

fn report(doc: &Document, trust: &TrustStore) -> Report {
    Report::new(doc, &ReportContext { passive: Some(passive(doc, trust, at_2026())), ..ReportContext::default() })
}

fn read(transport: impl Transport, key: &AccessKey) -> Result<Document, Error> {
    read_with(transport, key, &ReadOptions::default())
}

fn read_with(transport: impl Transport, key: &AccessKey, options: &ReadOptions) -> Result<Document, Error> {
    let mut rng = SeededRng::new(b"terminal");
    let mut session = Reader::open(transport).authenticate(key, &mut rng)?;
    let mut doc = session.read(options, &mut rng, &mut |_| {})?;
    session.authenticate_chip(&mut doc, &mut rng)?;
    Ok(doc)
}

fn id_key() -> AccessKey {
    cancuoc::profile::cccd::CccdId::parse("001090012345").unwrap().can_key().unwrap()
}

// 1. Holder data from unsigned data groups.

#[test]
fn an_unsigned_dg11_in_a_dump_never_names_the_holder_and_makes_it_invalid() {
    let doc = dump_of(&forged());
    assert!(doc.dg(DgNumber::DG11).is_some());
    let report = report(&doc, &test_csca());
    assert_eq!(report.verification.passive.status, PassiveStatus::Invalid);
    assert!(
        report.verification.passive.problems.iter().any(|p| p.contains("DG11 is not signed by EF.SOD")),
        "{:?}",
        report.verification.passive.problems
    );
    assert_eq!(report.verdict(), Verdict::Altered);
    assert!(report.check_failed());
    // The holder comes from the signed DG1 alone; DG11's name and birth date appear nowhere.
    assert_eq!(report.holder.full_name.as_deref(), Some("NGUYEN VAN MAU"));
    assert_eq!(report.holder.date_of_birth.as_deref(), Some("1990-01-15"));
    assert!(report.document.ignored.contains_key("DG11"), "{:?}", report.document);
    for text in [report.to_json(), cancuoc::record::to_json(&report), cancuoc::record::to_csv(&report)] {
        assert!(!text.contains("EVIL") && !text.contains("MALLORY") && !text.contains("1900"), "{text}");
    }
    // The dump keeps DG11 as evidence, but no photo or report field is drawn from unsigned data.
    let files = cancuoc::report::dump(&doc, &ReportContext::default());
    assert!(files.iter().any(|(name, _)| name == "DG11.bin"));
    assert!(files.iter().any(|(name, _)| name == "photo.jpg"), "DG2 is signed: its photo is written");
}

#[test]
fn an_unsigned_photo_is_never_shown() {
    // A passport whose SOD hashes DG1 only: a DG2 beside it is nobody's face.
    let issued = IssuedDocument::icao_specimen_passport(DEMO_SEED).unwrap();
    let pki = TestPki::generate(DEMO_SEED);
    let dg1 = issued.files[&DgNumber::DG1.fid()].clone();
    let mut doc = dump_of(&issued);
    doc.sod = Some(cancuoc_sim::cms::sod(&pki, &[(DgNumber::DG1, dg1)]));
    let report = report(&doc, &test_csca());
    assert!(report.photo.is_none());
    assert!(cancuoc::report::photo_file_name(&doc).is_none());
    assert!(doc.signed_view().face().is_err());
    assert_eq!(report.verdict(), Verdict::Altered);
}

#[test]
fn without_ef_sod_the_data_are_shown_under_not_checked() {
    let mut doc = dump_of(&forged());
    doc.sod = None;
    let report = Report::new(&doc, &ReportContext::default());
    assert_eq!(report.verification.passive.status, PassiveStatus::NotChecked);
    assert_eq!(report.verdict(), Verdict::NotChecked);
    assert_eq!(report.holder.full_name.as_deref(), Some("EVIL, MALLORY"), "nothing can be checked: shown as read");
}

#[test]
fn a_chip_listing_an_unsigned_dg11_in_ef_com_is_read_by_ef_sod_and_genuine() {
    // The read takes its list from EF.SOD and does not read EF.COM: DG11 is never asked for.
    let injected = specimen().with_unsigned_dg11(FORGED_NAME, "19000101");
    let doc = read(VirtualChip::new(injected, Faults::default(), DEMO_SEED), &id_key()).unwrap();
    assert!(doc.com.is_none(), "EF.COM is not read when EF.SOD lists the data groups");
    assert!(doc.dg(DgNumber::DG11).is_none(), "EF.COM is unsigned: DG11 is not read");
    let skipped: Vec<_> = doc.skipped.iter().map(|s| (s.dg.get(), s.not_signed)).collect();
    assert!(!skipped.iter().any(|(dg, _)| *dg == 11), "{skipped:?}");
    let plain = report(&doc, &test_csca());
    // What is shown is what the issuer signed, so the verdict is right to be genuine.
    assert_eq!(plain.verdict(), Verdict::Genuine, "{:?}", plain.verification.passive.problems);
    assert_eq!(plain.holder.full_name.as_deref(), Some("Nguyễn Văn Mẫu"));
    assert!(plain.document.ignored.is_empty(), "{:?}", plain.document.ignored);
    assert!(!plain.to_json().contains("EVIL"));

    // The forger's chip also withholds the DG13 its EF.SOD lists: never genuine (issue 24).
    let doc = read(VirtualChip::new(forged(), Faults::default(), DEMO_SEED), &id_key()).unwrap();
    let skipped: Vec<_> = doc.skipped.iter().map(|s| (s.dg.get(), s.withheld)).collect();
    assert!(skipped.contains(&(13, true)), "DG13 is signed but withheld: {skipped:?}");
    let withheld = report(&doc, &test_csca());
    assert_ne!(withheld.verdict(), Verdict::Genuine);
    assert_eq!(
        withheld.verification.passive.data_groups.0[&DgNumber::DG13],
        cancuoc::verify::status::HashResult::Withheld
    );
    assert!(!withheld.to_json().contains("EVIL"));

    // Asked to read EF.COM (a dump), the reader names what EF.COM lists and EF.SOD does not sign.
    let options = ReadOptions::default().with_ef_com(true);
    let injected = specimen().with_unsigned_dg11(FORGED_NAME, "19000101");
    let doc = read_with(VirtualChip::new(injected, Faults::default(), DEMO_SEED), &id_key(), &options).unwrap();
    assert!(doc.com.is_some());
    assert!(doc.dg(DgNumber::DG11).is_none(), "EF.COM is unsigned: DG11 is not read");
    let skipped: Vec<_> = doc.skipped.iter().map(|s| (s.dg.get(), s.not_signed)).collect();
    assert!(skipped.contains(&(11, true)), "{skipped:?}");
    let report = report(&doc, &test_csca());
    assert_eq!(report.verdict(), Verdict::Genuine, "{:?}", report.verification.passive.problems);
    assert!(report.document.ignored["DG11"].contains("not signed"), "{:?}", report.document.ignored);
    assert!(!report.to_json().contains("EVIL"));
}

#[test]
fn a_malformed_or_missing_ef_com_does_not_stop_the_read() {
    let mut issued = specimen();
    issued.files.insert(0x011E, vec![0x60, 0x05, 0x5F, 0x01]);
    let with_com = ReadOptions::default().with_ef_com(true);
    let doc = read_with(VirtualChip::new(issued.clone(), Faults::default(), DEMO_SEED), &id_key(), &with_com).unwrap();
    assert_eq!(doc.cccd().unwrap().unwrap().full_name(), Some("Nguyễn Văn Mẫu"));
    let report = report(&doc, &test_csca());
    assert!(report.document.problems.iter().any(|p| p.contains("EF.COM")), "{:?}", report.document);
    assert_eq!(report.verdict(), Verdict::Genuine);
    // Not asked for, the malformed EF.COM is not read, so it is no problem of this read.
    let doc = read(VirtualChip::new(issued.clone(), Faults::default(), DEMO_SEED), &id_key()).unwrap();
    assert!(doc.com.is_none() && doc.read_problems.is_empty(), "{:?}", doc.read_problems);
    issued.files.remove(&0x011E);
    let doc = read_with(VirtualChip::new(issued, Faults::default(), DEMO_SEED), &id_key(), &with_com).unwrap();
    assert_eq!(doc.data_groups.len(), 5, "DG1, DG2, DG13, DG14, DG15 from EF.SOD: {doc:?}");
}

#[test]
fn without_ef_sod_the_reader_takes_ef_com_as_its_hint() {
    // No EF.SOD on the chip: EF.COM is read whatever the options say, and its list is read.
    let mut issued = specimen();
    issued.files.remove(&0x011D);
    let doc = read(VirtualChip::new(issued.clone(), Faults::default(), DEMO_SEED), &id_key()).unwrap();
    assert!(doc.sod.is_none());
    assert!(doc.com.is_some(), "EF.COM read as the only list");
    let listed: Vec<u8> = doc.data_groups.keys().map(|dg| dg.get()).collect();
    assert_eq!(listed, [1, 2, 13, 14, 15], "EF.COM's list, DG3 not asked for");
    let report = report(&doc, &test_csca());
    assert_eq!(report.verdict(), Verdict::NotChecked);
    // An EF.SOD that does not parse gives no list either.
    issued.files.insert(0x011D, vec![0x77, 0x03, 0x30, 0x01, 0x00]);
    let doc = read(VirtualChip::new(issued.clone(), Faults::default(), DEMO_SEED), &id_key()).unwrap();
    assert!(doc.com.is_some(), "EF.COM read when EF.SOD gives no list");
    assert_eq!(doc.data_groups.len(), 5, "{doc:?}");
    // Neither gives a list: the usual data groups are tried, and the problem says so.
    issued.files.insert(0x011E, vec![0x60, 0x05, 0x5F, 0x01]);
    let doc = read(VirtualChip::new(issued, Faults::default(), DEMO_SEED), &id_key()).unwrap();
    assert!(
        doc.read_problems.iter().any(|p| p.ends_with("the usual data groups were tried")),
        "{:?}",
        doc.read_problems
    );
    assert_eq!(doc.data_groups.len(), 5, "{doc:?}");
}

// 2. Master lists vouch for themselves.

#[test]
fn a_self_vouching_master_list_anchors_nothing() {
    let rogue = TestPki::rogue_vietnam(b"a forger's seed");
    let list = rogue.master_list(std::slice::from_ref(&rogue.csca.certificate));
    let err = TrustStore::new().add_file("rogue.ml", &list).unwrap_err();
    let TrustError::MasterListUnanchored { csca, .. } = &err else { panic!("{err:?}") };
    assert!(csca.subject.contains("CSCA ePassport Vietnam"), "{csca:?}");
    let expected =
        cancuoc::trust::fingerprint(&rogue.csca.certificate).iter().map(|b| format!("{b:02X}")).collect::<String>();
    assert_eq!(csca.fingerprint.as_deref(), Some(expected.to_lowercase().as_str()));
    // Another anchor given beside it does not help: it does not certify the list's signer.
    let mut store = test_csca();
    assert!(matches!(store.add_file("rogue.ml", &list), Err(TrustError::MasterListUnanchored { .. })));
    // A document the rogue CSCA's signer signed is never genuine with that list.
    let issued = specimen();
    let mut doc = dump_of(&issued);
    let groups: Vec<_> = doc.data_groups.iter().map(|(dg, b)| (*dg, b.clone())).collect();
    doc.sod = Some(cancuoc_sim::cms::sod(&rogue, &groups));
    let mut store = TrustStore::new();
    let outcomes = store.add_files(&[("rogue.ml".to_owned(), list.clone())]);
    assert!(outcomes[0].is_err());
    assert_eq!(passive(&doc, &store, at_2026()).status, PassiveStatus::Untrusted);
    // Only the user's own word anchors it: pinning the rogue CSCA's fingerprint is that word.
    let mut pinned = TrustStore::new();
    pinned.pin_fingerprint(cancuoc::trust::fingerprint(&rogue.csca.certificate));
    assert_eq!(pinned.add_file("rogue.ml", &list).unwrap(), 1);
    // A tampered list never imports, whatever is pinned.
    let mut bad = list;
    let at = bad.len() - 40;
    bad[at] ^= 0x01;
    assert!(matches!(pinned.add_file("bad.ml", &bad), Err(TrustError::MasterListSignature { .. })));
}

#[test]
fn a_master_list_anchored_on_a_supplied_csca_imports_and_vouches() {
    let pki = TestPki::generate(DEMO_SEED);
    let other = TestPki::rogue_vietnam(b"another country");
    let list = pki.master_list(&[pki.csca.certificate.clone(), other.csca.certificate.clone()]);
    let mut store = TrustStore::new();
    let outcomes = store.add_files(&[("list.ml".to_owned(), list), ("csca.der".to_owned(), pki.csca.certificate)]);
    assert_eq!(outcomes[0].clone().unwrap(), 1, "the other country's CSCA; the anchor is there already");
    assert_eq!(store.anchors().len(), 2);
    assert!(passive(&dump_of(&specimen()), &store, at_2026()).status.is_valid());
}

// 3. "Altered" when nothing was altered, and nothing named when something failed.

#[test]
fn an_unknown_signature_algorithm_is_unsupported_and_named_not_altered() {
    let mut doc = dump_of(&specimen());
    let sod = doc.sod.as_mut().unwrap();
    // ecdsa-with-SHA256 in the SignerInfo (after the certificate) → 1.2.840.10045.4.3.9.
    let oid = [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02];
    let at = sod.windows(oid.len()).rposition(|w| w == oid).unwrap();
    sod[at + oid.len() - 1] = 0x09;
    let report = report(&doc, &test_csca());
    let p = &report.verification.passive;
    assert_eq!(p.status, PassiveStatus::Unsupported, "{:?}", p.problems);
    assert_eq!(p.signature_status, SignatureStatus::Unsupported);
    assert_eq!(p.signature.as_deref(), Some("OID 1.2.840.10045.4.3.9"));
    assert_eq!(report.verdict(), Verdict::NotChecked);
    assert!(!report.check_failed());
    assert!(report.verdict_reasons().iter().any(|r| r.contains("ECDSA variant")), "{:?}", report.verdict_reasons());
    assert!(report.to_json().contains("\"status\": \"unsupported\""));
}

#[test]
fn an_ef_sod_without_its_signer_certificate_is_unsupported_not_altered() {
    let issued = specimen();
    let mut doc = dump_of(&issued);
    let groups: Vec<_> = doc.data_groups.iter().map(|(dg, b)| (*dg, b.clone())).collect();
    doc.sod = Some(cancuoc_sim::cms::sod_without_certificate(&TestPki::generate(DEMO_SEED), &groups));
    let report = report(&doc, &test_csca());
    assert_eq!(report.verification.passive.status, PassiveStatus::Unsupported);
    assert_eq!(report.verification.passive.signature.as_deref(), Some("ecdsa-with-SHA256"));
    assert_eq!(report.verdict(), Verdict::NotChecked);
    assert!(report.verdict_reasons().iter().any(|r| r.contains("no document signer certificate")));
    // Its hashes still count: a changed data group is altered, whatever else is unknown.
    doc.data_groups.get_mut(&DgNumber::DG1).unwrap()[5] ^= 1;
    assert_eq!(report_of(&doc).verdict(), Verdict::Altered);
}

fn report_of(doc: &Document) -> Report {
    report(doc, &test_csca())
}

#[test]
fn a_failed_signature_names_its_algorithm() {
    let mut doc = dump_of(&specimen());
    let sod = doc.sod.as_mut().unwrap();
    let last = sod.len() - 3;
    sod[last] ^= 0x01;
    let p = report_of(&doc).verification.passive;
    assert_eq!(p.status, PassiveStatus::Invalid);
    assert_eq!(p.signature_status, SignatureStatus::Invalid);
    assert_eq!(p.signature.as_deref(), Some("ecdsa-with-SHA256"));
    assert!(p.problems.iter().any(|x| x.contains("ecdsa-with-SHA256")), "{:?}", p.problems);
}

// 4. Recorded claims shown as checks.

#[test]
fn a_dump_reports_recorded_claims_as_recorded_and_never_counts_them() {
    let chip = VirtualChip::new(specimen(), Faults::default(), DEMO_SEED);
    let doc = read(chip, &id_key()).unwrap();
    let context = ReportContext { passive: Some(passive(&doc, &test_csca(), at_2026())), ..ReportContext::default() };
    assert!(Report::new(&doc, &context).verification.chip.status.is_valid());
    let files = cancuoc::report::dump(&doc, &context);
    let json = String::from_utf8(files.iter().find(|(n, _)| n == "report.json").unwrap().1.clone()).unwrap();
    let mut dumped = Document::from_dump_files(files.iter().map(|(n, b)| (n.as_str(), b.clone())));
    cancuoc::report::recorded::apply(&mut dumped, &json);
    let again = report_of(&dumped);
    let chip = &again.verification.chip;
    assert_eq!(chip.status, CheckStatus::NotChecked, "chip authentication needs the chip");
    assert_eq!(chip.recorded.as_ref().unwrap().status.as_str(), "valid");
    assert!(again.access.recorded);
    // Active authentication is verified again from the recorded challenge and signature.
    assert!(again.verification.active.status.is_valid(), "{:?}", again.verification.active);
    assert_eq!(again.verification.active.evidence, Some("recorded"));
    assert_eq!(again.verdict(), Verdict::Genuine);
    // An edited signature is caught; an edited chip claim changes nothing.
    let edited = json.replace(again.verification.active.response.as_deref().unwrap(), "00").replace(
        "\"status\": \"valid\",\n      \"protocol\": \"CA",
        "\"status\": \"invalid\",\n      \"protocol\": \"CA",
    );
    let mut dumped = Document::from_dump_files(files.iter().map(|(n, b)| (n.as_str(), b.clone())));
    cancuoc::report::recorded::apply(&mut dumped, &edited);
    let edited = report_of(&dumped);
    assert_eq!(edited.verification.active.status, CheckStatus::Invalid);
    assert_eq!(edited.verification.chip.status, CheckStatus::NotChecked);
    assert_eq!(edited.verification.chip.recorded.as_ref().unwrap().status.as_str(), "invalid");
}

#[test]
fn a_chip_that_holds_dg15_but_refuses_active_authentication_fails_it() {
    let faults = Faults { refuse_active_authentication: true, ..Faults::default() };
    let doc = read(VirtualChip::new(specimen(), faults, DEMO_SEED), &id_key()).unwrap();
    let report = report_of(&doc);
    assert_eq!(report.verification.active.status, CheckStatus::Invalid);
    assert_eq!(report.verdict(), Verdict::Cloned, "a copy without the key could simply decline");
}

// 5. Downgrade.

fn spy(faults: Faults) -> (Wiretap<VirtualChip>, WireLog) {
    Wiretap::new(VirtualChip::new(specimen(), faults, DEMO_SEED))
}

/// The ID with the dates: PACE-CAN, and MRZ data a BAC fallback could use.
fn id_and_dates(can: &str) -> AccessKey {
    let id = cancuoc::profile::cccd::CccdId::parse("001090012345").unwrap();
    AccessKey::CanOrMrz {
        can: cancuoc::internals::pace::Can::new(can).unwrap(),
        mrz: vec![id.bac_key("900115", "300115").unwrap()],
    }
}

#[test]
fn a_bad_pace_token_stops_the_read_without_falling_back_to_bac() {
    let (transport, instructions) = spy(Faults { pace_bad_token: true, ..Faults::default() });
    let err = read(transport, &id_and_dates("012345")).unwrap_err();
    assert!(matches!(err, Error::Access(AccessError::Inconsistent { .. })), "{err:?}");
    assert_eq!(err.class(), ErrorClass::Tampered);
    assert!(err.to_string().contains("inconsistent") && err.to_string().contains("BAC was not tried"), "{err}");
    // No GET CHALLENGE (84) or EXTERNAL AUTHENTICATE (82): BAC never started.
    let sent = instructions.instructions();
    assert!(!sent.contains(&0x84) && !sent.contains(&0x82), "{sent:02X?}");
}

#[test]
fn a_wrong_can_or_a_chip_without_pace_still_falls_back_to_bac_and_says_so() {
    let (transport, instructions) = spy(Faults::default());
    let doc = read(transport, &id_and_dates("999999")).unwrap();
    assert_eq!(doc.access().protocol, "BAC");
    assert!(doc.access().fallback.as_deref().unwrap().contains("PACE did not succeed"), "{:?}", doc.access());
    assert!(instructions.instructions().contains(&0x82));
    let (transport, _) = spy(Faults { no_pace: true, ..Faults::default() });
    let doc = read(transport, &id_and_dates("012345")).unwrap();
    assert_eq!(doc.access().protocol, "BAC");
}
