//! Passive authentication of documents the simulator issues: genuine, unanchored, tampered
//! data, a tampered signature, a foreign CSCA, expired certificates (each check with its
//! tamper twin).

// A test harness fails loudly: unwrap, expect and panic are how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::specimen;

use cancuoc::CalendarDate;
use cancuoc::lds::DgNumber;
use cancuoc::verify::passive::passive;
use cancuoc::verify::status::HashResult;
use cancuoc::verify::status::{ChainStatus, PassiveStatus};
use cancuoc::{Document, TrustStore};
use cancuoc_sim::issue::IssuedDocument;
use cancuoc_sim::{DEMO_SEED, pki::TestPki};

fn document(issued: &IssuedDocument) -> Document {
    let mut doc = {
        let mut doc = Document::default();
        doc.sod = issued.files.get(&0x011D).cloned();
        doc
    };
    for n in [1u8, 2, 13] {
        let dg = DgNumber::new(n).unwrap();
        doc.data_groups.insert(dg, issued.files[&dg.fid()].clone());
    }
    doc
}

fn trust(seed: &[u8]) -> TrustStore {
    let mut store = TrustStore::new();
    store.add_file("csca", &TestPki::generate(seed).csca.certificate).unwrap();
    store
}

fn at(year: u16) -> Option<i64> {
    Some(CalendarDate { year, month: 6, day: 1 }.to_unix())
}

#[test]
fn a_genuine_document_is_valid_and_unanchored_is_untrusted() {
    let doc = document(&specimen());
    let result = passive(&doc, &trust(DEMO_SEED), at(2026));
    assert!(result.status.is_valid(), "{:?}", result.problems);
    assert_eq!(result.chain.as_ref().unwrap().0, ChainStatus::Trusted);
    assert_eq!(result.data_groups[&DgNumber::new(3).unwrap()], HashResult::NotRead);
    let result = passive(&doc, &TrustStore::new(), at(2026));
    assert_eq!(result.status, PassiveStatus::Untrusted);
    assert_eq!(result.chain.unwrap().0, ChainStatus::NoAnchor);
}

#[test]
fn a_changed_data_group_is_invalid_and_named() {
    let doc = document(&specimen().tampered(DgNumber::DG13));
    let result = passive(&doc, &trust(DEMO_SEED), at(2026));
    assert_eq!(result.status, PassiveStatus::Invalid);
    assert_eq!(result.data_groups[&DgNumber::DG13], HashResult::Mismatch);
    assert!(result.problems.iter().any(|p| p.contains("DG13")), "{:?}", result.problems);
}

#[test]
fn a_changed_signature_or_security_object_is_invalid() {
    let issued = specimen();
    let mut doc = document(&issued);
    let sod = doc.sod.as_mut().unwrap();
    let last = sod.len() - 3;
    sod[last] ^= 0x01; // inside the signature
    let result = passive(&doc, &trust(DEMO_SEED), at(2026));
    assert_eq!(result.status, PassiveStatus::Invalid, "{:?}", result);
    let mut doc = document(&issued);
    // A DG hash inside the signed content: the message digest no longer matches.
    let sod = doc.sod.as_mut().unwrap();
    let hash = issued.files[&0x0101].clone();
    let digest = <sha2::Sha256 as sha2::Digest>::digest(&hash);
    let at_hash = sod.windows(32).position(|w| w == digest.as_slice()).unwrap();
    sod[at_hash] ^= 0x01;
    let result = passive(&doc, &trust(DEMO_SEED), at(2026));
    assert_eq!(result.status, PassiveStatus::Invalid);
    assert!(result.problems.iter().any(|p| p.contains("message digest")), "{:?}", result.problems);
}

#[test]
fn a_foreign_csca_with_the_same_name_does_not_vouch() {
    // Another key under the same name (the DS certificate's authority key identifier names
    // the real one): no anchor, so untrusted, the key looked for named. Missing is not forged:
    // it might be the CSCA's other generation (tests/chain.rs).
    let doc = document(&specimen());
    let result = passive(&doc, &trust(b"another authority"), at(2026));
    assert_eq!(result.status, PassiveStatus::Untrusted);
    assert_eq!(result.chain.unwrap().0, ChainStatus::NoAnchor);
    assert!(result.problems.iter().any(|p| p.contains("authority key identifier")), "{:?}", result.problems);
}

#[test]
fn expired_certificates_are_reported_as_expired() {
    let doc = document(&specimen());
    let result = passive(&doc, &trust(DEMO_SEED), at(2036));
    assert_eq!(result.chain.unwrap().0, ChainStatus::Expired);
    assert_eq!(result.status, PassiveStatus::Invalid);
    let result = passive(&doc, &trust(DEMO_SEED), at(2023));
    assert_eq!(result.chain.unwrap().0, ChainStatus::Expired);
}

#[test]
fn a_revoked_document_signer_is_reported_revoked() {
    let doc = document(&specimen());
    let pki = TestPki::generate(DEMO_SEED);
    let mut store = trust(DEMO_SEED);
    store.add_file("crl", &pki.crl_revoking_ds()).unwrap();
    let result = passive(&doc, &store, at(2026));
    assert_eq!(result.chain.unwrap().0, ChainStatus::Revoked);
    assert_eq!(result.status, PassiveStatus::Invalid);
    // A CRL signed by another CSCA of the same name is ignored.
    let mut store = trust(DEMO_SEED);
    store.add_file("crl", &TestPki::generate(b"another authority").crl_revoking_ds()).unwrap();
    assert!(passive(&doc, &store, at(2026)).status.is_valid());
}

#[test]
fn rsa_active_authentication_on_the_virtual_card() {
    use cancuoc::access::AccessKey;
    use cancuoc::{ReadOptions, Reader};
    let document = specimen().with_rsa_active_authentication();
    let chip = cancuoc_sim::VirtualChip::new(document.clone(), cancuoc_sim::Faults::default(), DEMO_SEED);
    let mut rng = cancuoc_sim::SeededRng::new(b"terminal");
    let mut session = Reader::open(chip).authenticate(&AccessKey::can("012345").unwrap(), &mut rng).unwrap();
    let mut doc = session.read(&ReadOptions::default().with_photo(false), &mut rng, &mut |_| {}).unwrap();
    session.authenticate_chip(&mut doc, &mut rng).unwrap();
    let evidence = doc.active_authentication().cloned().unwrap();
    let dg15 = doc.dg(DgNumber::DG15).unwrap().to_vec();
    let algorithm = cancuoc::verify::active::verify_dg15(&dg15, None, &evidence.challenge, &evidence.response).unwrap();
    assert!(algorithm.contains("9796-2"), "{algorithm}");
    // The SOD was signed again over the RSA DG15: passive authentication still holds.
    assert!(passive(&doc, &trust(DEMO_SEED), at(2026)).status.is_valid());
    // A clone of it fails.
    let chip = cancuoc_sim::VirtualChip::new(document.cloned(), cancuoc_sim::Faults::default(), DEMO_SEED);
    let mut session = Reader::open(chip).authenticate(&AccessKey::can("012345").unwrap(), &mut rng).unwrap();
    let mut doc = session.read(&ReadOptions::default().with_photo(false), &mut rng, &mut |_| {}).unwrap();
    session.authenticate_chip(&mut doc, &mut rng).unwrap();
    let evidence = doc.active_authentication().cloned().unwrap();
    assert!(cancuoc::verify::active::verify_dg15(&dg15, None, &evidence.challenge, &evidence.response).is_err());
}

/// The specimen's DG1, DG2 and DG13 under a SOD signed by `pki`, optionally with a signingTime.
fn signed_by(pki: &TestPki, signing_time: Option<&str>) -> Document {
    let issued = specimen();
    let groups: Vec<(DgNumber, Vec<u8>)> = [1u8, 2, 13]
        .into_iter()
        .map(|n| {
            let dg = DgNumber::new(n).unwrap();
            (dg, issued.files[&dg.fid()].clone())
        })
        .collect();
    let mut doc = {
        let mut doc = Document::default();
        doc.sod = Some(cancuoc_sim::cms::sod_signed_at(pki, &groups, signing_time));
        doc
    };
    doc.data_groups.extend(groups);
    doc
}

fn trust_in(pkis: &[&TestPki]) -> TrustStore {
    let mut store = TrustStore::new();
    for (i, pki) in pkis.iter().enumerate() {
        store.add_file(&format!("csca{i}"), &pki.csca.certificate).unwrap();
    }
    store
}

#[test]
fn the_signing_time_is_checked_against_both_certificates() {
    let pki = TestPki::generate(DEMO_SEED);
    // Inside both validity periods: valid, and the report carries the time.
    let doc = signed_by(&pki, Some("250315093000Z"));
    let result = passive(&doc, &trust_in(&[&pki]), at(2026));
    assert!(result.status.is_valid(), "{:?}", result.problems);
    let signed_at = result.signer.as_ref().unwrap().signed_at.unwrap();
    assert_eq!(cancuoc::internals::codec::time::iso_date_time(signed_at), "2025-03-15T09:30:00Z");
    let context = cancuoc::ReportContext { passive: Some(result), ..Default::default() };
    let json = cancuoc::Report::new(&doc, &context).to_json();
    assert!(json.contains(r#""signed_at": "2025-03-15T09:30:00Z""#), "{json}");
    // Its tamper twin: signed before the DS certificate existed (a back-dated signature),
    // although the chosen date lies inside every validity period.
    let doc = signed_by(&pki, Some("231231235959Z"));
    let result = passive(&doc, &trust_in(&[&pki]), at(2026));
    assert_eq!(result.chain.as_ref().unwrap().0, ChainStatus::Expired);
    assert_eq!(result.status, PassiveStatus::Invalid);
    assert!(
        result.problems.iter().any(|p| p.contains("signed on 2023-12-31") && p.contains("document signer")),
        "{:?}",
        result.problems
    );
    // Without a signingTime only the chosen date counts.
    assert!(passive(&signed_by(&pki, None), &trust_in(&[&pki]), at(2026)).status.is_valid());
}

#[test]
fn a_csca_must_have_been_valid_when_it_issued_the_document_signer() {
    // The CSCA certificate starts a year after the DS certificate it signed.
    let late = TestPki::generate_with_validity(
        DEMO_SEED,
        ("250101000000Z", "390101000000Z"),
        ("240101000000Z", "350101000000Z"),
    );
    let doc = signed_by(&late, None);
    let result = passive(&doc, &trust_in(&[&late]), at(2026));
    assert_eq!(result.chain.as_ref().unwrap().0, ChainStatus::Expired, "{:?}", result.problems);
    assert!(result.problems.iter().any(|p| p.contains("when it issued")), "{:?}", result.problems);
    // A re-issued CSCA certificate (same name, same key) beside the original: the original
    // vouches, so the chain holds whichever the store lists first.
    let original = TestPki::generate(DEMO_SEED);
    for store in [trust_in(&[&late, &original]), trust_in(&[&original, &late])] {
        let result = passive(&doc, &store, at(2026));
        assert!(result.status.is_valid(), "{:?}", result.problems);
    }
}

#[test]
fn the_overall_verdict_names_the_worst_finding_not_always_altered() {
    use cancuoc::report::{Report, ReportContext, Verdict};
    let verdict = |doc: &Document, store: &TrustStore, year: u16| {
        let context = ReportContext { passive: Some(passive(doc, store, at(year))), ..ReportContext::default() };
        Report::new(doc, &context).verdict()
    };
    let doc = document(&specimen());
    assert_eq!(verdict(&doc, &trust(DEMO_SEED), 2026), Verdict::Genuine);
    assert_eq!(verdict(&doc, &TrustStore::new(), 2026), Verdict::Untrusted);
    // Right data, right signature, but the certificates: each named as what it is.
    assert_eq!(verdict(&doc, &trust(DEMO_SEED), 2036), Verdict::Expired);
    let mut revoking = trust(DEMO_SEED);
    revoking.add_file("crl", &TestPki::generate(DEMO_SEED).crl_revoking_ds()).unwrap();
    assert_eq!(verdict(&doc, &revoking, 2026), Verdict::Revoked);
    assert_eq!(verdict(&doc, &trust(b"another authority"), 2026), Verdict::Untrusted);
    // Changed data outrank the certificate's expiry.
    let altered = document(&specimen().tampered(DgNumber::DG13));
    assert_eq!(verdict(&altered, &trust(DEMO_SEED), 2026), Verdict::Altered);
    assert_eq!(verdict(&altered, &trust(DEMO_SEED), 2036), Verdict::Altered);
    assert_eq!(verdict(&Document::default(), &TrustStore::new(), 2026), Verdict::NotChecked);
}

/// A back office checks many documents with one store, which keeps each DS certificate's
/// signature check: a DS certificate altered in one byte is checked afresh (and fails), and
/// dates and revocation are judged for every document.
#[test]
fn one_store_checks_many_documents_without_reusing_a_verdict_it_should_not() {
    let store = trust(DEMO_SEED);
    let genuine = document(&specimen());
    assert!(passive(&genuine, &store, at(2026)).status.is_valid());
    assert!(passive(&genuine, &store.clone(), at(2026)).status.is_valid(), "a clone shares the checks");
    // The DS certificate inside EF.SOD, one byte of its CSCA signature changed: EF.SOD's own
    // signature still verifies under the DS key, the chain must not.
    let ds = TestPki::generate(DEMO_SEED).ds.certificate;
    let mut forged = genuine.clone();
    let sod = forged.sod.as_mut().unwrap();
    let at_ds = sod.windows(ds.len()).position(|w| w == ds.as_slice()).unwrap();
    sod[at_ds + ds.len() - 2] ^= 0x01;
    let result = passive(&forged, &store, at(2026));
    assert_eq!(result.chain.unwrap().0, ChainStatus::Invalid);
    assert_eq!(result.status, PassiveStatus::Invalid);
    assert_eq!(passive(&genuine, &store, at(2036)).chain.unwrap().0, ChainStatus::Expired);
    let mut revoking = store.clone();
    revoking.add_file("crl", &TestPki::generate(DEMO_SEED).crl_revoking_ds()).unwrap();
    assert_eq!(passive(&genuine, &revoking, at(2026)).chain.unwrap().0, ChainStatus::Revoked);
    assert!(passive(&genuine, &store, at(2026)).status.is_valid());
}
