//! The parsers against real public eMRTD files in `../shared/real-samples/` (see its
//! PROVENANCE.md). Skipped, with a message, where that folder is absent (a fresh clone).

// A test harness fails loudly: unwrap, expect and panic are how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};

use cancuoc::Document;
use cancuoc::internals::lds as lds_internals;
use cancuoc::lds::KeyAlgorithm;
use cancuoc::lds::{
    ActiveAuthenticationKey, Dg1, Dg11, Dg12, DgNumber, EfCom, FaceImage, ImageFormat, LdsSecurityObject, SecurityInfos,
};
use cancuoc::verify::hashes::check;
use cancuoc::verify::status::HashResult;

/// The real samples beside the project, or `None` after saying the test skipped. With
/// `CANCUOC_REQUIRE_SAMPLES=1` (.ci/run sets it; scripts/test too when the folder is there) a missing folder
/// fails the test instead: a test that did not run never counts as passed where it could run.
fn samples() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/real-samples");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CANCUOC_REQUIRE_SAMPLES").is_none_or(|v| v != "1"),
        "{} is absent and CANCUOC_REQUIRE_SAMPLES=1",
        dir.display()
    );
    eprintln!("skipped: {} is absent (it ships beside the project, not in it)", dir.display());
    None
}

/// The face's size read from its header (no decoder) is the size its pixels decode to (with
/// the feature `photo`; without it, the header alone must give a size).
fn assert_decodes_to_its_header_size(face: &FaceImage) {
    let (width, height) = cancuoc::photo::dimensions(face).expect("a size in the header");
    assert!(width > 0 && height > 0);
    #[cfg(feature = "photo")]
    {
        let rgba = cancuoc::photo::decode(face).unwrap();
        assert_eq!((rgba.width, rgba.height), (width, height));
    }
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn the_bsi_reference_dataset_parses_and_its_hashes_match() {
    let Some(root) = samples() else { return };
    let dir = root.join("bsi-tr03105-5-refdataset");
    let com = EfCom::parse(&read(&dir, "EF_COM.bin")).unwrap();
    assert_eq!(com.lds_version, "0107");
    Dg1::parse(&read(&dir, "Datagroup1.bin")).unwrap();
    let face = FaceImage::parse_dg2(&read(&dir, "Datagroup2.bin")).unwrap();
    assert_eq!(face.format, ImageFormat::Jpeg2000);
    assert_decodes_to_its_header_size(&face);
    let (width, height) = cancuoc::photo::dimensions(&face).unwrap();
    assert!(width > 100 && height > 100, "{width}x{height}");
    for (file, n) in [("Datagroup3.bin", 3), ("Datagroup4.bin", 4)] {
        let instances = lds_internals::parse_biometric(&read(&dir, file), DgNumber::new(n).unwrap()).unwrap();
        assert!(!instances.is_empty(), "{file}");
    }
    let dg14 = SecurityInfos::parse_dg14(&read(&dir, "Datagroup14.bin")).unwrap();
    assert!(!dg14.infos.is_empty());
    let dg15 = ActiveAuthenticationKey::parse_dg15(&read(&dir, "Datagroup15.bin")).unwrap();
    assert_ne!(dg15.algorithm, KeyAlgorithm::Other);
    let sod = LdsSecurityObject::parse_sod(&read(&dir, "EF_SOD.bin")).unwrap();
    assert_eq!(sod.hashes.len(), 5);
    let mut doc = {
        let mut doc = Document::default();
        doc.sod = Some(read(&dir, "EF_SOD.bin"));
        doc
    };
    for (n, file) in [
        (1u8, "Datagroup1.bin"),
        (2, "Datagroup2.bin"),
        (3, "Datagroup3.bin"),
        (4, "Datagroup4.bin"),
        (14, "Datagroup14.bin"),
        (15, "Datagroup15.bin"),
    ] {
        doc.data_groups.insert(DgNumber::new(n).unwrap(), read(&dir, file));
    }
    let hashes = check(&doc).unwrap();
    for n in [1u8, 2, 3, 4, 14] {
        assert_eq!(hashes.data_groups[&DgNumber::new(n).unwrap()], HashResult::Match, "DG{n}");
    }
    assert_eq!(hashes.data_groups[&DgNumber::DG15], HashResult::NotHashed);
}

#[test]
fn the_bdr_specimen_parses_with_sha1_hashes() {
    let Some(root) = samples() else { return };
    let dir = root.join("tsemrtd");
    let dg11 = Dg11::parse(&read(&dir, "EF_DG11.bin")).unwrap();
    assert!(dg11.full_name.is_some());
    let dg12 = Dg12::parse(&read(&dir, "EF_DG12.bin")).unwrap();
    assert_eq!(dg12.date_of_issue.as_deref(), Some("2024-01-01"));
    assert_eq!(dg12.personalization_time.as_deref(), Some("2024-01-01T12:30:59"));
    assert_eq!(lds_internals::displayed_images(&read(&dir, "EF_DG5.bin"), DgNumber::new(5).unwrap()).unwrap().len(), 1);
    assert_eq!(lds_internals::displayed_images(&read(&dir, "EF_DG7.bin"), DgNumber::new(7).unwrap()).unwrap().len(), 1);
    let mut doc = {
        let mut doc = Document::default();
        doc.sod = Some(read(&dir, "EF_SOD.bin"));
        doc
    };
    for (n, file) in
        [(1u8, "EF_DG1.bin"), (2, "EF_DG2.bin"), (3, "EF_DG3.bin"), (14, "EF_DG14.bin"), (11, "EF_DG11.bin")]
    {
        doc.data_groups.insert(DgNumber::new(n).unwrap(), read(&dir, file));
    }
    let hashes = check(&doc).unwrap();
    assert_eq!(hashes.algorithm.unwrap().name(), "SHA-1");
    assert!(hashes.mismatches().is_empty());
    assert_eq!(hashes.data_groups[&DgNumber::DG11], HashResult::NotHashed);
    // These files come from two test sets: DG11 is not hashed by this EF.SOD. Its content is
    // never the holder's, and the hashes alone already make the document invalid.
    let report = cancuoc::Report::new(&doc, &cancuoc::ReportContext::default());
    assert_eq!(report.verification.passive.status, cancuoc::verify::status::PassiveStatus::Invalid);
    assert!(report.document.ignored.contains_key("DG11"), "{:?}", report.document);
    assert_eq!(report.holder.full_name, Some(doc.dg1().unwrap().mrz.full_name()));
    assert_ne!(report.holder.full_name, dg11.full_name);
}

#[test]
fn the_icao_worked_examples_parse() {
    let Some(root) = samples() else { return };
    let dir = root.join("gmrtd/icao-9303-p10-worked-examples");
    let dg11 = Dg11::parse(&read(&dir, "DG11.bin")).unwrap();
    assert_eq!(dg11.place_of_birth.as_deref(), Some("ANYTOWN, MN"));
    let mut with_dg16 = Document::default();
    with_dg16.data_groups.insert(DgNumber::DG16, read(&dir, "DG16.bin"));
    let people = with_dg16.persons_to_notify().unwrap();
    assert_eq!(people.len(), 2);
    assert_eq!(Dg1::parse(&read(&dir, "DG1_TD2.bin")).unwrap().mrz.format, cancuoc::lds::MrzFormat::Td2);
    let face = FaceImage::parse_dg2(&read(&dir, "DG2_ISO19794.bin")).unwrap();
    assert_eq!(face.format, ImageFormat::Jpeg);
    assert_decodes_to_its_header_size(&face);
    EfCom::parse(&read(&dir, "EF_COM.bin")).unwrap();
}

#[test]
fn the_worked_example_dg1_with_a_wrong_composite_check_digit_keeps_its_fields() {
    let Some(root) = samples() else { return };
    let bytes = read(&root.join("pymrtd/icao-9303-p10-worked-examples"), "DG1_TD1_A.2.1.bin");
    let dg1 = Dg1::parse(&bytes).unwrap();
    assert!(!dg1.mrz.document_number.is_empty());
    assert!(!dg1.mrz.full_name().is_empty());
    assert_eq!(dg1.problems, [cancuoc::lds::mrz::MrzError::CheckDigit("whole MRZ (composite)")]);
    // The report shows the fields and names the slip.
    let mut doc = Document::default();
    doc.data_groups.insert(DgNumber::DG1, bytes);
    let report = cancuoc::Report::new(&doc, &cancuoc::ReportContext::default());
    assert_eq!(report.document.document_number.as_deref(), Some(dg1.mrz.document_number.as_str()));
    assert!(report.holder.full_name.is_some());
    assert!(report.document.problems.iter().any(|p| p.contains("composite")), "{:?}", report.document.problems);
}

#[test]
fn iso_39794_faces_are_found_and_decoded() {
    let Some(root) = samples() else { return };
    for file in ["ICAO_39794_5_AP_DG2_AllFields.dat", "ICAO_39794_5_AP_DG2_MandFields.dat"] {
        let face = FaceImage::parse_dg2(&read(&root.join("gmrtd/iso39794"), file)).unwrap();
        assert_eq!(face.format, ImageFormat::Jpeg2000, "{file}");
        assert_decodes_to_its_header_size(&face);
    }
}

#[test]
fn every_real_sod_and_card_security_parses() {
    let Some(root) = samples() else { return };
    let documents = root.join("gmrtd/documents");
    let mut count = 0;
    for entry in std::fs::read_dir(&documents).unwrap() {
        let dir = entry.unwrap().path();
        let sod = dir.join("EF_SOD.bin");
        if sod.exists() {
            let parsed = LdsSecurityObject::parse_sod(&std::fs::read(&sod).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", sod.display()));
            assert!(parsed.hash_algorithm.is_some(), "{}", sod.display());
            count += 1;
        }
        let dg14 = dir.join("DG14.bin");
        if dg14.exists() {
            SecurityInfos::parse_dg14(&std::fs::read(&dg14).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", dg14.display()));
        }
        let card_security = dir.join("EF_CardSecurity.bin");
        if card_security.exists() {
            let infos = lds_internals::security_infos(&std::fs::read(&card_security).unwrap()).unwrap();
            assert!(!lds_internals::chip_authentication_points(&infos).is_empty(), "{}", card_security.display());
        }
    }
    assert!(count >= 15, "{count} SODs");
}

#[test]
fn real_card_access_files_parse_despite_trailing_bytes() {
    let Some(root) = samples() else { return };
    let dir = root.join("openpace/cardaccess-samples");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        SecurityInfos::parse(&std::fs::read(&path).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    let new_testcard = SecurityInfos::parse(&read(&dir, "EF_CardAccess_new_testcard.bin")).unwrap();
    let pace = new_testcard.pace().next().unwrap();
    assert_eq!(pace.protocol.name(), "PACE-ECDH-GM-AES-128");
    assert_eq!(pace.parameter_id, Some(13));
    let slovenia = SecurityInfos::parse(&read(&dir, "EF_CardAccess_slowenia.bin")).unwrap();
    assert!(slovenia.pace().next().is_none());
}

#[test]
fn tampered_real_samples_are_caught() {
    let Some(root) = samples() else { return };
    let negative = root.join("gmrtd/negative");
    // A flipped last byte lands in the signature: the structure still parses (the signature
    // check is passive authentication's).
    LdsSecurityObject::parse_sod(&read(&negative, "DE_EF_SOD_last_byte_C7_to_C8.bin")).unwrap();
}

#[test]
fn every_real_sod_signature_verifies_and_chains_to_its_csca() {
    let Some(root) = samples() else { return };
    let mut failures = Vec::new();
    // SODs with a signingTime attribute: the chain is also checked at that moment.
    let mut signed_at = Vec::new();
    for entry in std::fs::read_dir(root.join("gmrtd/documents")).unwrap() {
        let dir = entry.unwrap().path();
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let Ok(sod) = std::fs::read(dir.join("EF_SOD.bin")) else { continue };
        let mut trust = cancuoc::TrustStore::new();
        if let Ok(csca) = std::fs::read(dir.join("CSCA.bin")) {
            trust.add_file("CSCA.bin", &csca).unwrap();
        }
        if name == "ID" {
            let csca = root.join("gmrtd/csca/IDN_2010_SERIES_CSCA_CERT/2020-10_CSCA.cer");
            trust.add_file("2020-10_CSCA.cer", &std::fs::read(csca).unwrap()).unwrap();
        }
        // A link certificate is no anchor: these chain to their CSCA of the German list.
        if name == "SG-2" || LINKED.contains(&name.as_str()) {
            let added = german_master_list(&root, &mut trust);
            assert!(added > 300, "{added}");
        }
        let doc = {
            let mut doc = Document::default();
            doc.sod = Some(sod);
            doc
        };
        let result = cancuoc::verify::passive::passive(&doc, &trust, None);
        let chain = result.chain.as_ref().map(|c| c.0);
        let signature_ok = matches!(result.signature_status, cancuoc::verify::status::SignatureStatus::Valid(_));
        if !signature_ok || chain != Some(cancuoc::verify::status::ChainStatus::Trusted) {
            failures.push(format!("{name}: signature {:?}, chain {chain:?}, {:?}", result.signature, result.problems));
        }
        if result.signer.as_ref().and_then(|s| s.signed_at).is_some() {
            signed_at.push(name);
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    signed_at.sort();
    assert_eq!(signed_at, ["AT", "AU", "CN", "FR", "ID", "MY", "NZ", "PH", "RU", "US"]);
}

#[test]
fn real_rsa_active_authentication_signatures_verify() {
    let Some(root) = samples() else { return };
    let hex = |v: &serde_json::Value| hex::decode(v.as_str().unwrap()).unwrap();
    // A real biometric passport's answers (pymrtd's vectors; read here, not copied).
    let vectors: serde_json::Value =
        serde_json::from_slice(&read(&root.join("pymrtd/protocol-vectors"), "aa_rsa_iso9796-2.json")).unwrap();
    let dg15 = hex(&vectors["dg15"]);
    let pairs = vectors["pairs"].as_array().unwrap();
    assert!(pairs.len() >= 3);
    for pair in pairs {
        let challenge = hex(&pair["rnd_ifd"]);
        let signature = hex(&pair["signature"]);
        let algorithm = cancuoc::verify::active::verify_dg15(&dg15, None, &challenge, &signature).unwrap();
        assert!(algorithm.contains("9796-2"), "{algorithm}");
        let mut other = challenge.clone();
        other[0] ^= 1;
        assert!(cancuoc::verify::active::verify_dg15(&dg15, None, &other, &signature).is_err());
    }
    // New Zealand passport, recorded by gmrtd.
    let nz: serde_json::Value =
        serde_json::from_slice(&read(&root.join("gmrtd/protocol-vectors"), "aa_rsa_3des_sm_NZ.json")).unwrap();
    let dg15 = std::fs::read(root.join("gmrtd").join(nz["dg15_file"].as_str().unwrap())).unwrap();
    cancuoc::verify::active::verify_dg15(&dg15, None, &hex(&nz["rnd_ifd"]), &hex(&nz["expected_signature"])).unwrap();
}

/// SHA-256 of the German CSCA that certifies the DE master list's signer
/// (`gmrtd/masterlists/DE_ROOT_CA_CSCA07.cer`, "C=DE, O=bund, OU=bsi, CN=csca-germany"), as
/// computed from that file and cross-checked with `PROVENANCE.md` (2084aed7a991b315…).
const GERMAN_CSCA_SHA256: &str = "2084aed7a991b315";

/// Imports the German master list anchored on its CSCA, given directly.
fn german_master_list(root: &Path, trust: &mut cancuoc::TrustStore) -> usize {
    let dir = root.join("gmrtd/masterlists");
    trust.add_file("DE_ROOT_CA_CSCA07.cer", &read(&dir, "DE_ROOT_CA_CSCA07.cer")).unwrap();
    trust.add_file("DE master list", &read(&dir, "DE_ML_2026-05-28-08-28-45.ml")).unwrap()
}

#[test]
fn the_dutch_master_list_imports_only_on_its_anchor_and_never_tampered() {
    let Some(root) = samples() else { return };
    let dir = root.join("gmrtd/masterlists");
    let list = read(&dir, "NL_ML_2026-07-22.ml");
    // Alone, a master list vouches for nothing: the error names its CSCA and fingerprint.
    let err = cancuoc::TrustStore::new().add_file("NL", &list).unwrap_err();
    let cancuoc::trust::TrustError::MasterListUnanchored { csca, .. } = &err else { panic!("{err:?}") };
    assert!(csca.subject.contains("CSCA NL"), "{csca:?}");
    let root_ca = read(&dir, "NL_ROOT_CA.cer");
    let expected = cancuoc::trust::fingerprint(&root_ca);
    assert_eq!(csca.fingerprint.as_deref(), Some(hex::encode(expected).as_str()));
    assert!(csca.fingerprint.as_deref().unwrap().starts_with("411356d206b99da1"), "PROVENANCE.md's fingerprint");
    // Anchored on the Dutch CSCA given directly (after the list: add_files orders them).
    let mut store = cancuoc::TrustStore::new();
    let outcomes = store.add_files(&[("NL list".to_owned(), list.clone()), ("NL CSCA".to_owned(), root_ca)]);
    let added = outcomes[0].clone().unwrap();
    assert!(added > 200, "{added}");
    assert!(store.skipped.is_empty(), "{:?}", store.skipped);
    // Anchored on its published fingerprint.
    let mut store = cancuoc::TrustStore::new();
    store.pin_fingerprint(expected);
    assert!(store.add_file("NL", &list).unwrap() > 200);
    // Another country's CSCA does not anchor it.
    let mut store = cancuoc::TrustStore::new();
    store.add_file("DE CSCA", &read(&dir, "DE_ROOT_CA_CSCA07.cer")).unwrap();
    assert!(matches!(store.add_file("NL", &list), Err(cancuoc::trust::TrustError::MasterListUnanchored { .. })));
    // A tampered master list is refused whole, anchor or not.
    let mut bad = list;
    let at = bad.len() / 2;
    bad[at] ^= 0x01;
    let mut store = cancuoc::TrustStore::new();
    store.pin_fingerprint(expected);
    assert!(matches!(store.add_file("NL tampered", &bad), Err(cancuoc::trust::TrustError::MasterListSignature { .. })));
    assert!(store.is_empty());
}

#[test]
fn the_german_master_list_imports_on_its_pinned_fingerprint() {
    let Some(root) = samples() else { return };
    let dir = root.join("gmrtd/masterlists");
    let csca = read(&dir, "DE_ROOT_CA_CSCA07.cer");
    let sha256 = hex::encode(cancuoc::trust::fingerprint(&csca));
    assert!(sha256.starts_with(GERMAN_CSCA_SHA256), "{sha256}");
    let mut store = cancuoc::TrustStore::new();
    store.pin_fingerprint(cancuoc::trust::parse_fingerprint(&sha256.to_uppercase()).unwrap());
    assert!(store.add_file("DE", &read(&dir, "DE_ML_2026-05-28-08-28-45.ml")).unwrap() > 300);
}

#[test]
fn a_real_sod_with_a_flipped_signature_byte_is_invalid() {
    let Some(root) = samples() else { return };
    let mut trust = cancuoc::TrustStore::new();
    trust.add_file("CSCA", &read(&root.join("gmrtd/documents/DE"), "CSCA.bin")).unwrap();
    let good = {
        let mut doc = Document::default();
        doc.sod = Some(read(&root.join("gmrtd/documents/DE"), "EF_SOD.bin"));
        doc
    };
    assert!(cancuoc::verify::passive::passive(&good, &trust, None).signature.is_some());
    let mut bad = Document::default();
    bad.sod = Some(read(&root.join("gmrtd/negative"), "DE_EF_SOD_last_byte_C7_to_C8.bin"));
    let result = cancuoc::verify::passive::passive(&bad, &trust, None);
    assert_eq!(result.status, cancuoc::verify::status::PassiveStatus::Invalid);
    assert_eq!(result.signature_status, cancuoc::verify::status::SignatureStatus::Invalid, "{result:?}");
    // The algorithm that failed is named, for the auditor.
    assert!(result.signature.as_deref().is_some_and(|s| s.starts_with("ecdsa")), "{result:?}");
}

#[test]
fn the_colombian_crl_parses_and_verifies_under_its_csca() {
    let Some(root) = samples() else { return };
    let crl_der = read(&root.join("zienit-icao-examples"), "COL.crl");
    let crl = cancuoc::trust::Crl::parse(&crl_der).unwrap();
    assert_eq!(crl.revoked.len(), 15);
    let mut store = cancuoc::TrustStore::new();
    german_master_list(&root, &mut store);
    let revoked = crl.revoked[0].clone();
    let colombian: Vec<_> = store.anchors().iter().filter(|c| c.subject_der() == crl.issuer).cloned().collect();
    assert!(!colombian.is_empty(), "no Colombian CSCA in the German master list");
    // Not yet loaded: nothing is revoked.
    assert!(!colombian.iter().any(|c| store.is_revoked(c, &revoked)));
    assert_eq!(store.add_file("COL.crl", &crl_der), Ok(0));
    // `is_revoked` counts a CRL only when its signature verifies under the CSCA's key.
    assert!(colombian.iter().any(|c| store.is_revoked(c, &revoked)), "no Colombian CSCA verifies the CRL");
}
/// The documents whose `CSCA.bin` is a link certificate (a newer CSCA key certified by the
/// older one, ICAO 9303-12 §5.1.1), as gmrtd expects them.
const LINKED: [&str; 3] = ["AT", "RU", "SG"];

#[test]
fn a_link_certificate_alone_is_no_anchor_and_never_forgery() {
    let Some(root) = samples() else { return };
    for name in LINKED {
        let dir = root.join("gmrtd/documents").join(name);
        let link = cancuoc::trust::Certificate::parse(&read(&dir, "CSCA.bin")).unwrap();
        assert!(!link.is_anchor_form(), "{name}: a link certificate");
        let mut trust = cancuoc::TrustStore::new();
        trust.add_file("CSCA.bin", &read(&dir, "CSCA.bin")).unwrap();
        let doc = {
            let mut doc = Document::default();
            doc.sod = Some(read(&dir, "EF_SOD.bin"));
            doc
        };
        let result = cancuoc::verify::passive::passive(&doc, &trust, None);
        assert_eq!(result.chain.as_ref().map(|c| c.0), Some(cancuoc::verify::status::ChainStatus::NoAnchor), "{name}");
        assert!(result.problems.iter().any(|p| p.contains("link certificate")), "{name}: {:?}", result.problems);
    }
}

#[test]
fn a_real_link_certificate_carries_trust_from_the_older_csca_key() {
    let Some(root) = samples() else { return };
    // The Singapore document signer was issued under "Singapore Passport CA 5"; its CSCA.bin
    // is CA 5's key certified by CA 4's. The store: CA 4's self-signed certificate, taken out
    // of the German master list, and the link certificate.
    let dir = root.join("gmrtd/documents/SG");
    let link = cancuoc::trust::Certificate::parse(&read(&dir, "CSCA.bin")).unwrap();
    let mut german = cancuoc::TrustStore::new();
    german_master_list(&root, &mut german);
    let older = german
        .anchors()
        .iter()
        .find(|c| c.is_anchor_form() && c.subject_key_id() == link.authority_key_id())
        .expect("the German master list holds the CSCA key that signed the Singapore link certificate")
        .clone();
    assert!(older.subject_text().contains("Singapore Passport CA 4"), "{}", older.subject_text());
    let doc = {
        let mut doc = Document::default();
        doc.sod = Some(read(&dir, "EF_SOD.bin"));
        doc
    };
    let chain = |files: &[&[u8]]| {
        let mut trust = cancuoc::TrustStore::new();
        for (i, der) in files.iter().enumerate() {
            trust.add_file(&format!("cert{i}"), der).unwrap();
        }
        cancuoc::verify::passive::passive(&doc, &trust, None).chain.unwrap()
    };
    let (status, anchor) = chain(&[older.der(), link.der()]);
    assert_eq!(status, cancuoc::verify::status::ChainStatus::Trusted);
    assert!(anchor.unwrap().contains("Singapore Passport CA 4"));
    // The older CSCA alone: its key did not issue the document signer. Untrusted, not invalid.
    assert_eq!(chain(&[older.der()]).0, cancuoc::verify::status::ChainStatus::NoAnchor);
}

#[test]
fn every_ec_csca_of_the_real_master_lists_is_on_a_named_curve() {
    // Which curves the world's CSCAs use decides which need fast (named) arithmetic: in the
    // German and Dutch lists every EC key is on P-256, P-384, P-521 or brainpoolP256r1, P384r1,
    // P512r1 (Viet Nam's), mostly spelled out as explicit parameters; none on the curves left to
    // the runtime arithmetic (brainpoolP192r1, P224r1, P320r1, P-192, P-224).
    let Some(root) = samples() else { return };
    let dir = root.join("gmrtd/masterlists");
    let mut store = cancuoc::TrustStore::new();
    german_master_list(&root, &mut store);
    store.add_file("NL CSCA", &read(&dir, "NL_ROOT_CA.cer")).unwrap();
    store.add_file("NL list", &read(&dir, "NL_ML_2026-07-22.ml")).unwrap();
    let mut curves = std::collections::BTreeMap::<String, usize>::new();
    let mut vietnam = Vec::new();
    for csca in store.anchors() {
        let Ok(key @ cancuoc::internals::pki::signature::PublicKey::Ec { .. }) =
            cancuoc::internals::pki::signature::PublicKey::from_spki(csca.spki(), None)
        else {
            continue;
        };
        let cancuoc::internals::pki::signature::PublicKey::Ec { curve, .. } = &key else { continue };
        assert!(curve.is_named(), "{} uses {}, served by the runtime arithmetic", csca.subject_text(), curve.name());
        *curves.entry(curve.name().to_owned()).or_default() += 1;
        if csca.subject_text().contains("C=VN") {
            vietnam.push(curve.name().to_owned());
        }
    }
    eprintln!("EC CSCAs by curve: {curves:?}");
    assert!(curves.len() >= 5 && curves.values().sum::<usize>() > 100, "{curves:?}");
    assert!(!vietnam.is_empty() && vietnam.iter().all(|c| c == "brainpoolP512r1"), "{vietnam:?}");
}

#[test]
fn viet_nam_s_real_csca_verifies_its_own_brainpool_p512r1_signature_as_openssl_did() {
    // PROVENANCE.md: OpenSSL found this self-signature valid (ecdsa-with-SHA512 on
    // brainpoolP512r1, the key's curve spelled out). Ours must agree on both verification paths
    // — the key met for the first time (interleaved double-and-add), then through its table —
    // and refuse the signature over altered bytes.
    use cancuoc::internals::codec::ByteReader;
    use cancuoc::internals::pki::cms::Algorithm;
    use cancuoc::internals::pki::signature::{PublicKey, verify};
    let Some(root) = samples() else { return };
    let der = read(&root.join("derived/VN"), "CSCA_ePassport_Vietnam.cer");
    let mut reader = ByteReader::new(&der, "certificate");
    let certificate = reader.expect_tlv(0x30).unwrap();
    let mut inner = certificate.reader("certificate");
    let tbs = inner.expect_tlv(0x30).unwrap();
    let algorithm = inner.expect_tlv(0x30).unwrap();
    let signature = inner.expect_tlv(0x03).unwrap();
    let oid = algorithm.reader("algorithm").expect_tlv(0x06).unwrap().value.to_vec();
    // ecdsa-with-SHA512, 1.2.840.10045.4.3.4.
    assert_eq!(oid, [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x04]);
    let algorithm = Algorithm { oid, parameters: None };
    let csca = cancuoc::internals::pki::certificate::Certificate::parse(&der).unwrap();
    let key = PublicKey::from_spki(csca.spki(), None).unwrap();
    let PublicKey::Ec { curve, .. } = &key else { panic!("an EC key") };
    assert_eq!(curve.name(), "brainpoolP512r1");
    assert!(curve.is_named());
    let mut altered = tbs.raw.to_vec();
    altered[20] ^= 1;
    for round in 0..3 {
        assert!(verify(&key, &algorithm, None, tbs.raw, &signature.value[1..]).is_ok(), "round {round}");
        assert!(verify(&key, &algorithm, None, &altered, &signature.value[1..]).is_err(), "round {round}");
    }
}
