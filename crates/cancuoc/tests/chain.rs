//! Chains on a PKI as the world runs it (issue 22): a CSCA that re-keyed and kept its name
//! (two generations and the link certificate between them), names encoded in other string
//! types, certificates with and without key identifiers, CRLs signed by the CSCA's newer key,
//! and master lists whose signer names its CSCA in another encoding. Missing is not forged: a
//! store without the generation that issued a document is `untrusted`, never `invalid`.

// A test harness fails loudly: unwrap, expect and panic are how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use cancuoc::CalendarDate;
use cancuoc::lds::DgNumber;
use cancuoc::report::{Report, ReportContext, Verdict};
use cancuoc::verify::passive::{PassiveResult, passive};
use cancuoc::verify::status::{ChainStatus, PassiveStatus};
use cancuoc::{Document, TrustStore};
use cancuoc_sim::issue::{CitizenProfile, IssuedDocument};
use cancuoc_sim::pki::{PkiChain, PkiVariant, Rollover, TestPki, key_identifier};

const SEED: &[u8] = b"rollover";

fn at(year: u16) -> Option<i64> {
    Some(CalendarDate { year, month: 6, day: 1 }.to_unix())
}

/// The specimen's DG1, DG2 and DG13 under EF.SOD signed by `pki`'s document signer.
fn document_signed_by(pki: &TestPki) -> Document {
    let issued = IssuedDocument::issue_in_series(pki, &CitizenProfile::specimen(), b"card").unwrap();
    let mut doc = {
        let mut doc = Document::default();
        doc.sod = issued.files.get(&0x011D).cloned();
        doc
    };
    for dg in [DgNumber::DG1, DgNumber::new(2).unwrap(), DgNumber::DG13] {
        doc.data_groups.insert(dg, issued.files[&dg.fid()].clone());
    }
    doc
}

fn store(files: &[&[u8]]) -> TrustStore {
    let mut store = TrustStore::new();
    for (i, bytes) in files.iter().enumerate() {
        store.add_file(&format!("file{i}"), bytes).unwrap();
    }
    store
}

fn check(doc: &Document, store: &TrustStore) -> PassiveResult {
    passive(doc, store, at(2026))
}

fn verdict(doc: &Document, result: &PassiveResult) -> Verdict {
    Report::new(doc, &ReportContext { passive: Some(result.clone()), ..ReportContext::default() }).verdict()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

#[test]
fn a_store_missing_the_generation_that_issued_the_document_is_untrusted_and_says_which_key() {
    let pkis = Rollover::generate(SEED);
    let doc = document_signed_by(&pkis.new);
    // Only the first generation, same name: no anchor, never invalid.
    let result = check(&doc, &store(&[&pkis.old.csca.certificate]));
    assert_eq!(result.status, PassiveStatus::Untrusted, "{:?}", result.problems);
    assert_eq!(result.chain.as_ref().unwrap().0, ChainStatus::NoAnchor);
    assert_eq!(verdict(&doc, &result), Verdict::Untrusted);
    let wanted = hex(&key_identifier(&pkis.new.csca.key));
    assert!(
        result.problems.iter().any(|p| p.contains(&wanted) && p.contains("another CSCA generation")),
        "the problem names the key looked for ({wanted}): {:?}",
        result.problems
    );
    // The other way round: a document of the first generation, a store of the second.
    let old_doc = document_signed_by(&pkis.old);
    let result = check(&old_doc, &store(&[&pkis.new.csca.certificate]));
    assert_eq!(result.status, PassiveStatus::Untrusted, "{:?}", result.problems);
}

#[test]
fn a_link_certificate_carries_trust_from_the_old_key_to_the_new() {
    let pkis = Rollover::generate(SEED);
    let doc = document_signed_by(&pkis.new);
    // The old CSCA and the link certificate, in either order: trusted, anchored on the old one.
    for files in [[&pkis.old.csca.certificate[..], &pkis.link[..]], [&pkis.link[..], &pkis.old.csca.certificate[..]]] {
        let result = check(&doc, &store(&files));
        assert!(result.status.is_valid(), "{:?}", result.problems);
        assert_eq!(verdict(&doc, &result), Verdict::Genuine);
    }
    // The link certificate alone is no anchor: it leads to a key the store does not hold.
    let result = check(&doc, &store(&[&pkis.link]));
    assert_eq!(result.status, PassiveStatus::Untrusted);
    assert!(result.problems.iter().any(|p| p.contains("link certificate")), "{:?}", result.problems);
    // The new CSCA's own certificate anchors it directly; both generations together too.
    assert!(check(&doc, &store(&[&pkis.new.csca.certificate])).status.is_valid());
    let both = store(&[&pkis.old.csca.certificate, &pkis.new.csca.certificate, &pkis.link]);
    assert!(check(&doc, &both).status.is_valid());
    assert!(check(&document_signed_by(&pkis.old), &both).status.is_valid());
    // Past the link certificate's validity (2031) with only the old generation: expired, not
    // forged (the old CSCA certificate ends then too).
    let old_and_link = store(&[&pkis.old.csca.certificate, &pkis.link]);
    let later = passive(&doc, &old_and_link, at(2032));
    assert_eq!(later.chain.as_ref().unwrap().0, ChainStatus::Expired, "{:?}", later.problems);
}

#[test]
fn a_link_certificate_signed_by_someone_else_carries_nothing() {
    let pkis = Rollover::generate(SEED);
    let doc = document_signed_by(&pkis.new);
    // A "link" made by a forger: the new key certified by a key with the CSCA's name that is
    // not the old CSCA's. Its signature does not verify under the old CSCA: no path.
    let forger = Rollover::generate(b"forger");
    let result = check(&doc, &store(&[&pkis.old.csca.certificate, &forger.link]));
    assert_eq!(result.status, PassiveStatus::Untrusted, "{:?}", result.problems);
}

#[test]
fn a_document_signer_altered_under_the_key_its_aki_names_is_invalid() {
    let pki = TestPki::generate(SEED);
    let genuine = document_signed_by(&pki);
    let mut forged = genuine.clone();
    let ds = pki.ds.certificate.clone();
    let sod = forged.sod.as_mut().unwrap();
    let at_ds = sod.windows(ds.len()).position(|w| w == ds.as_slice()).unwrap();
    sod[at_ds + ds.len() - 2] ^= 0x01; // inside the CSCA's signature on the DS certificate
    let result = check(&forged, &store(&[&pki.csca.certificate]));
    assert_eq!(result.chain.as_ref().unwrap().0, ChainStatus::Invalid, "{:?}", result.problems);
    assert_eq!(verdict(&forged, &result), Verdict::BadCertificate);
    assert!(result.problems.iter().any(|p| p.contains("authority key identifier")), "{:?}", result.problems);
    assert!(check(&genuine, &store(&[&pki.csca.certificate])).status.is_valid());
}

#[test]
fn without_key_identifiers_issuers_are_found_by_name_and_a_stranger_is_no_anchor() {
    let variant = PkiVariant { no_key_identifiers: true, ..PkiVariant::default() };
    let pki = TestPki::generate_variant(SEED, variant);
    let doc = document_signed_by(&pki);
    assert!(check(&doc, &store(&[&pki.csca.certificate])).status.is_valid());
    // A same-named CSCA with another key, and nothing that says which key was meant:
    // untrusted, not invalid.
    let stranger = TestPki::generate_variant(b"someone else", variant);
    let result = check(&doc, &store(&[&stranger.csca.certificate]));
    assert_eq!(result.status, PassiveStatus::Untrusted, "{:?}", result.problems);
}

#[test]
fn names_in_other_string_types_and_case_are_the_same_name() {
    let variant = PkiVariant { issuer_name_recoded: true, ..PkiVariant::default() };
    let pki = TestPki::generate_variant(SEED, variant);
    let doc = document_signed_by(&pki);
    // The DS certificate's issuer is PrintableString upper case, the CSCA's subject UTF8String.
    assert_ne!(pki.ds.issuer, TestPki::generate(SEED).ds.issuer);
    let result = check(&doc, &store(&[&pki.csca.certificate]));
    assert!(result.status.is_valid(), "{:?}", result.problems);
    // And a CRL naming the CSCA the recoded way revokes it.
    let mut revoking = store(&[&pki.csca.certificate]);
    revoking.add_file("crl", &pki.crl_revoking_ds()).unwrap();
    assert_eq!(check(&doc, &revoking).chain.unwrap().0, ChainStatus::Revoked);
}

#[test]
fn a_crl_signed_by_the_csca_s_newer_key_revokes_a_signer_of_the_older_one() {
    let pkis = Rollover::generate(SEED);
    let old_doc = document_signed_by(&pkis.old);
    // Both generations' DS certificates have serial 0D500001; the new key's CRL revokes it.
    let mut trust = store(&[&pkis.old.csca.certificate, &pkis.new.csca.certificate]);
    trust.add_file("crl", &pkis.new.crl_revoking_ds()).unwrap();
    let result = check(&old_doc, &trust);
    assert_eq!(result.chain.as_ref().unwrap().0, ChainStatus::Revoked, "{:?}", result.problems);
    // A CRL with the CSCA's name signed by a stranger's key revokes nothing.
    let mut trust = store(&[&pkis.old.csca.certificate, &pkis.new.csca.certificate]);
    trust.add_file("crl", &TestPki::generate(b"stranger").crl_revoking_ds()).unwrap();
    assert!(check(&old_doc, &trust).status.is_valid());
}

#[test]
fn a_master_list_whose_signer_names_its_csca_in_another_encoding_imports_on_the_right_anchor() {
    let variant = PkiVariant { issuer_name_recoded: true, ..PkiVariant::default() };
    let pki = TestPki::generate_variant(SEED, variant);
    let other = TestPki::generate(b"another state");
    let list = pki.master_list(&[pki.csca.certificate.clone(), other.csca.certificate.clone()]);
    let mut trust = store(&[&pki.csca.certificate]);
    assert_eq!(trust.add_file("list.ml", &list).unwrap(), 1);
    assert!(check(&document_signed_by(&other), &trust).status.is_valid());
    // Anchored on a stranger with the same name: refused, naming the CSCA to check.
    let mut trust = store(&[&TestPki::generate_variant(b"stranger", variant).csca.certificate]);
    let error = trust.add_file("list.ml", &list).unwrap_err();
    assert!(error.to_string().contains("cancuoc Test CSCA"), "{error}");
}

#[test]
fn a_master_list_signed_under_the_new_key_imports_on_the_old_anchor_through_its_link() {
    let pkis = Rollover::generate(SEED);
    let other = TestPki::generate(b"another state");
    // The list holds the link certificate; its signer was issued under the new key.
    let list = pkis.new.master_list(&[pkis.link.clone(), other.csca.certificate.clone()]);
    let mut trust = store(&[&pkis.old.csca.certificate]);
    trust.add_file("list.ml", &list).unwrap();
    assert!(check(&document_signed_by(&other), &trust).status.is_valid());
    // And the link it brought anchors the new generation's documents on the old CSCA.
    assert!(check(&document_signed_by(&pkis.new), &trust).status.is_valid());
}

#[test]
fn viet_nam_s_chain_brainpool_p384_signers_under_a_brainpool_p512_csca_verifies_named_or_explicit() {
    // Each also with the issuer's name in another string type and no key identifiers: the
    // chain is found by name alone, through the brainpool arithmetic.
    for (explicit_parameters, other_encoding) in [(false, false), (true, false), (false, true), (true, true)] {
        let variant = PkiVariant {
            chain: PkiChain::Vietnam,
            explicit_parameters,
            issuer_name_recoded: other_encoding,
            no_key_identifiers: other_encoding,
        };
        let pki = TestPki::generate_variant(SEED, variant);
        // The CSCA's key names brainpoolP512r1 (1.3.36.3.3.2.8.1.1.13) or spells out a prime
        // field (1.2.840.10045.1.1); the signer's certificate is signed ecdsa-with-SHA512.
        let contains = |bytes: &[u8], part: &[u8]| bytes.windows(part.len()).any(|w| w == part);
        let bp512 = [0x06, 0x09, 0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0D];
        let prime_field = [0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x01, 0x01];
        assert_eq!(contains(&pki.csca.certificate, &bp512), !explicit_parameters);
        assert_eq!(contains(&pki.csca.certificate, &prime_field), explicit_parameters);
        let sha512 = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x04];
        assert!(contains(&pki.ds.certificate, &sha512));
        let doc = document_signed_by(&pki);
        let result = check(&doc, &store(&[&pki.csca.certificate]));
        assert!(result.status.is_valid(), "explicit {explicit_parameters}: {:?}", result.problems);
        assert_eq!(verdict(&doc, &result), Verdict::Genuine, "explicit {explicit_parameters}");
        // Changed data is still caught, and a stranger's brainpool CSCA of the same name is no
        // anchor.
        let mut altered = doc.clone();
        altered.data_groups.get_mut(&DgNumber::DG13).unwrap()[8] ^= 1;
        assert_eq!(check(&altered, &store(&[&pki.csca.certificate])).status, PassiveStatus::Invalid);
        let stranger = TestPki::generate_variant(b"someone else", variant);
        assert_eq!(check(&doc, &store(&[&stranger.csca.certificate])).status, PassiveStatus::Untrusted);
    }
}
