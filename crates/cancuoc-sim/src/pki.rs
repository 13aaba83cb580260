//! A generated test PKI: a country signing CA (CSCA) and a document signer (DS) certificate
//! under it (ICAO 9303-12 §5, §7.1): ECDSA P-256 with SHA-256, or Viet Nam's believed chain
//! ([`PkiChain::Vietnam`]: a brainpoolP512r1 CSCA signing with SHA-512 over brainpoolP384r1
//! document signers signing with SHA-384). Keys come from a seed, so the
//! same seed issues the same certificates; the seed is public, so they vouch for nothing.
//!
//! What ICAO 9303-12 and RFC 5280 leave to the issuer has a switch ([`PkiVariant`]): key
//! identifiers present (the ICAO profile, the default) or left out, names in the issuer fields
//! encoded in another string type than the CSCA's subject; and a CSCA key rollover
//! ([`Rollover`]: two generations of the same CSCA with the link certificate between them).

use sha2::{Digest, Sha256};

use crate::der::{bit_string, context, name, octet_string, oid, sequence, small_integer, true_, utc_time};
pub use crate::keys::{KeyCurve, TestKey, key_from_seed, sign_der, spki};

/// A certificate with its signing key.
pub struct Issued {
    /// The key (private: test use only).
    pub key: TestKey,
    /// The DER certificate.
    pub certificate: Vec<u8>,
    /// The issuer Name, DER.
    pub issuer: Vec<u8>,
    /// The serial number, DER INTEGER.
    pub serial: Vec<u8>,
}

impl std::fmt::Debug for Issued {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Issued({} byte certificate)", self.certificate.len())
    }
}

/// The test CSCA and DS.
#[derive(Debug)]
pub struct TestPki {
    /// The self-signed CSCA.
    pub csca: Issued,
    /// The document signer, signed by the CSCA.
    pub ds: Issued,
    /// How the certificates were written.
    pub variant: PkiVariant,
}

/// The choices an issuer has in writing its certificates, each a reading of ICAO 9303-12 §7.1
/// and RFC 5280 a verifier must accept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PkiVariant {
    /// Leave out the subject and authority key identifiers (ICAO makes them mandatory; early
    /// issuers' certificates lack them): issuers are then found by name alone.
    pub no_key_identifiers: bool,
    /// Write the CSCA's subject in UTF8String and the issuer field of every certificate it
    /// issues in PrintableString, upper case: the same name under RFC 5280 §7.1, other bytes.
    pub issuer_name_recoded: bool,
    /// The curves of the CSCA and the document signer.
    pub chain: PkiChain,
    /// Spell out every key's curve parameters (RFC 3279 §2.3.5 ECParameters) instead of naming
    /// the curve by OID: how the brainpool CSCAs of the German and Dutch master lists — Viet
    /// Nam's among them — are written.
    pub explicit_parameters: bool,
}

/// The curves of a test PKI.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PkiChain {
    /// CSCA and DS on NIST P-256, signing with SHA-256.
    #[default]
    P256,
    /// The chain Viet Nam is believed to use: a brainpoolP512r1 CSCA (the "CSCA ePassport
    /// Vietnam" of the master lists) signing with ecdsa-with-SHA512, brainpoolP384r1 document
    /// signers signing with ecdsa-with-SHA384.
    Vietnam,
}

impl PkiChain {
    /// The curves of the CSCA and of the signers it issues.
    fn curves(self) -> (KeyCurve, KeyCurve) {
        match self {
            Self::P256 => (KeyCurve::P256, KeyCurve::P256),
            Self::Vietnam => (KeyCurve::BrainpoolP512r1, KeyCurve::BrainpoolP384r1),
        }
    }
}

/// The test CSCA's name: C in PrintableString, O and CN in UTF8String.
fn csca_name() -> Vec<u8> {
    name("VN", ORGANISATION, "cancuoc Test CSCA")
}

/// [`csca_name`] as [`PkiVariant::issuer_name_recoded`] writes it in the certificates it
/// issues: every value a PrintableString, upper case, the inner space doubled.
fn csca_name_recoded() -> Vec<u8> {
    use crate::der::{oid, printable, sequence, set_of};
    sequence(&[
        set_of(&[sequence(&[oid(&[2, 5, 4, 6]), printable("VN")])]),
        set_of(&[sequence(&[oid(&[2, 5, 4, 10]), printable("CANCUOC TEST PKI (NOT A REAL AUTHORITY)")])]),
        set_of(&[sequence(&[oid(&[2, 5, 4, 3]), printable("CANCUOC  TEST CSCA")])]),
    ])
}

const ORGANISATION: &str = "cancuoc test PKI (not a real authority)";

impl TestPki {
    /// Generates the PKI from `seed`: CSCA valid 2024-01-01 → 2039-01-01, DS 2024-01-01 →
    /// 2035-01-01.
    pub fn generate(seed: &[u8]) -> Self {
        Self::generate_with_validity(seed, ("240101000000Z", "390101000000Z"), ("240101000000Z", "350101000000Z"))
    }

    /// [`TestPki::generate`] with other validity periods (UTCTime text, `YYMMDDHHMMSSZ`), for
    /// the chain's time checks. Same seed, same keys.
    pub fn generate_with_validity(seed: &[u8], csca_validity: (&str, &str), ds_validity: (&str, &str)) -> Self {
        Self::build(seed, &csca_name(), csca_validity, ds_validity, PkiVariant::default())
    }

    /// [`TestPki::generate`] written the `variant`'s way. Same seed, same keys.
    pub fn generate_variant(seed: &[u8], variant: PkiVariant) -> Self {
        Self::build(seed, &csca_name(), ("240101000000Z", "390101000000Z"), ("240101000000Z", "350101000000Z"), variant)
    }

    /// A PKI anyone can make, whose CSCA bears the name of Vietnam's real one ("CSCA ePassport
    /// Vietnam"): what a forger puts inside a self-vouching master list
    /// ([`TestPki::master_list`]). Same seed, same keys.
    pub fn rogue_vietnam(seed: &[u8]) -> Self {
        let csca_name = name("VN", "Vietnam Government Information Security Commission", "CSCA ePassport Vietnam");
        Self::build(
            seed,
            &csca_name,
            ("240101000000Z", "390101000000Z"),
            ("240101000000Z", "350101000000Z"),
            PkiVariant::default(),
        )
    }

    fn build(
        seed: &[u8],
        csca_name: &[u8],
        csca_validity: (&str, &str),
        ds_validity: (&str, &str),
        variant: PkiVariant,
    ) -> Self {
        let (csca_curve, signer_curve) = variant.chain.curves();
        let csca_key = TestKey::from_seed(csca_curve, seed, b"csca");
        let ds_key = TestKey::from_seed(signer_curve, seed, b"ds");
        let csca_serial = small_integer(0x0C5C_A001);
        let csca_cert = self_signed_csca(&csca_key, &csca_serial, csca_name, csca_validity, variant);
        // The name the CSCA's certificates carry in their issuer field.
        let issuer_name = if variant.issuer_name_recoded { csca_name_recoded() } else { csca_name.to_vec() };
        let csca = Issued { key: csca_key, certificate: csca_cert, issuer: issuer_name, serial: csca_serial };
        let ds = issue_signer(&csca, &ds_key, 0x0D50_0001, "cancuoc Test Document Signer", ds_validity, variant);
        Self { csca, ds, variant }
    }

    /// A master-list signer under this PKI's CSCA (ICAO 9303-12 §7.1.3), valid 2024–2035.
    pub fn master_list_signer(&self) -> Issued {
        let (_, signer_curve) = self.variant.chain.curves();
        let key = TestKey::from_seed(signer_curve, self.csca.certificate.as_slice(), b"master list signer");
        let validity = ("240101000000Z", "350101000000Z");
        issue_signer(&self.csca, &key, 0x0A11_0001, "cancuoc Test Master List Signer", validity, self.variant)
    }
}

/// A self-signed CSCA certificate (basicConstraints CA, keyUsage keyCertSign and cRLSign, and
/// unless the variant says otherwise a subject key identifier and an authority key identifier
/// naming the same key).
fn self_signed_csca(
    key: &TestKey,
    serial: &[u8],
    csca_name: &[u8],
    validity: (&str, &str),
    variant: PkiVariant,
) -> Vec<u8> {
    let mut extensions = ca_extensions();
    if !variant.no_key_identifiers {
        extensions.push(subject_key_identifier(key));
        extensions.push(authority_key_identifier(key));
    }
    certificate(key, serial, csca_name, csca_name, validity, key, &extensions, variant.explicit_parameters)
}

fn ca_extensions() -> Vec<Vec<u8>> {
    vec![
        extension(&[2, 5, 29, 19], true, &sequence(&[true_(), small_integer(0)])),
        extension(&[2, 5, 29, 15], true, &crate::der::bit_string_with_unused(&[0x06], 1)),
    ]
}

/// A document or master-list signer certificate issued by `csca` (keyUsage digitalSignature;
/// the authority key identifier names `csca`'s key unless the variant leaves it out).
fn issue_signer(
    csca: &Issued,
    key: &TestKey,
    serial: u64,
    common_name: &str,
    validity: (&str, &str),
    variant: PkiVariant,
) -> Issued {
    let subject = name("VN", ORGANISATION, common_name);
    let serial = small_integer(serial);
    let mut extensions = vec![signer_key_usage()];
    if !variant.no_key_identifiers {
        extensions.push(authority_key_identifier(&csca.key));
    }
    let certificate = certificate(
        &csca.key,
        &serial,
        &csca.issuer,
        &subject,
        validity,
        key,
        &extensions,
        variant.explicit_parameters,
    );
    Issued { key: key.clone(), certificate, issuer: csca.issuer.clone(), serial }
}

/// A key identifier: the leftmost 160 bits of SHA-256 over the subjectPublicKey bits (RFC 7093
/// §2 method 1).
pub fn key_identifier(key: &TestKey) -> Vec<u8> {
    Sha256::digest(key.point()).get(..20).unwrap_or_default().to_vec()
}

/// subjectKeyIdentifier (RFC 5280 §4.2.1.2).
fn subject_key_identifier(key: &TestKey) -> Vec<u8> {
    extension(&[2, 5, 29, 14], false, &octet_string(&key_identifier(key)))
}

/// authorityKeyIdentifier with its keyIdentifier only (RFC 5280 §4.2.1.1).
fn authority_key_identifier(issuer_key: &TestKey) -> Vec<u8> {
    let key_id = cancuoc::internals::codec::tlv::tlv(0x80, &key_identifier(issuer_key));
    extension(&[2, 5, 29, 35], false, &sequence(&[key_id]))
}

/// Two generations of one CSCA (ICAO 9303-12 §5.1.1: a CSCA re-keys every few years and keeps
/// its name): the first key's self-signed certificate, the second key's, the **link
/// certificate** (the second key certified by the first), and a document signer issued under
/// the second key. A store trusting only the first generation must reach the second through
/// the link certificate; without it, the document is unanchored, never forged.
#[derive(Debug)]
pub struct Rollover {
    /// The first generation (2016–2031), with its own document signer.
    pub old: TestPki,
    /// The second generation (2024–2039, same name, another key) and the document signer
    /// issued under it.
    pub new: TestPki,
    /// The second key's certificate signed by the first key (2024–2031; authority key
    /// identifier the first key's, subject key identifier the second's).
    pub link: Vec<u8>,
}

impl Rollover {
    /// The two generations from `seed` (the first from `seed ‖ "gen1"`, the second from
    /// `seed`, so [`Rollover::new`]'s PKI is [`TestPki::generate`]'s for the same seed).
    pub fn generate(seed: &[u8]) -> Self {
        let first_seed = [seed, b" gen1"].concat();
        let old = TestPki::build(
            &first_seed,
            &csca_name(),
            ("160101000000Z", "310101000000Z"),
            ("160101000000Z", "270101000000Z"),
            PkiVariant::default(),
        );
        let new = TestPki::generate(seed);
        let mut extensions = ca_extensions();
        extensions.push(subject_key_identifier(&new.csca.key));
        extensions.push(authority_key_identifier(&old.csca.key));
        let link = certificate(
            &old.csca.key,
            &small_integer(0x0C5C_A11C),
            &old.csca.issuer,
            &csca_name(),
            ("240101000000Z", "310101000000Z"),
            &new.csca.key,
            &extensions,
            false,
        );
        Self { old, new, link }
    }
}

/// keyUsage digitalSignature, critical: a document or master-list signer.
fn signer_key_usage() -> Vec<u8> {
    extension(&[2, 5, 29, 15], true, &crate::der::bit_string_with_unused(&[0x80], 7))
}

impl TestPki {
    /// A CRL of the CSCA revoking the document signer (RFC 5280 §5.1; ICAO 9303-12 §7.1.4),
    /// valid 2026-01-01 → 2039-01-01.
    pub fn crl_revoking_ds(&self) -> Vec<u8> {
        let algorithm = sequence(&[oid(self.csca.key.curve().signature_oid())]);
        let entry = sequence(&[self.ds.serial.clone(), utc_time("260101000000Z")]);
        let tbs = sequence(&[
            small_integer(1),
            algorithm.clone(),
            self.csca.issuer.clone(),
            utc_time("260101000000Z"),
            utc_time("390101000000Z"),
            sequence(&[entry]),
        ]);
        let signature = self.csca.key.sign_der(&tbs);
        sequence(&[tbs, algorithm, bit_string(&signature)])
    }
}

fn extension(id: &[u64], critical: bool, value: &[u8]) -> Vec<u8> {
    let mut parts = vec![oid(id)];
    if critical {
        parts.push(true_());
    }
    parts.push(octet_string(value));
    sequence(&parts)
}

/// A certificate of `subject_key` signed by `issuer_key` with the hash of the issuer's curve;
/// with `explicit`, the subject key's curve parameters spelled out.
#[allow(clippy::too_many_arguments)]
fn certificate(
    issuer_key: &TestKey,
    serial: &[u8],
    issuer: &[u8],
    subject: &[u8],
    validity: (&str, &str),
    subject_key: &TestKey,
    extensions: &[Vec<u8>],
    explicit: bool,
) -> Vec<u8> {
    let algorithm = sequence(&[oid(issuer_key.curve().signature_oid())]);
    let tbs = sequence(&[
        context(0, &small_integer(2)),
        serial.to_vec(),
        algorithm.clone(),
        issuer.to_vec(),
        sequence(&[utc_time(validity.0), utc_time(validity.1)]),
        subject.to_vec(),
        subject_key.spki(explicit),
        context(3, &sequence(extensions)),
    ]);
    let signature = issuer_key.sign_der(&tbs);
    sequence(&[tbs, algorithm, bit_string(&signature)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::signature::Verifier;
    use p256::ecdsa::{Signature, VerifyingKey};

    #[test]
    fn same_seed_same_certificates_and_the_ds_signature_verifies() {
        let a = TestPki::generate(b"seed");
        let b = TestPki::generate(b"seed");
        assert_eq!(a.ds.certificate, b.ds.certificate);
        // The DS certificate's signature verifies under the CSCA key.
        let mut r = cancuoc::internals::codec::ByteReader::new(&a.ds.certificate, "cert");
        let cert = r.expect_tlv(0x30).unwrap();
        let mut inner = cert.reader("cert");
        let tbs = inner.expect_tlv(0x30).unwrap();
        inner.expect_tlv(0x30).unwrap();
        let sig = inner.expect_tlv(0x03).unwrap();
        let sig = Signature::from_der(&sig.value[1..]).unwrap();
        let TestKey::P256(csca) = &a.csca.key else { panic!("a P-256 CSCA") };
        let csca: &VerifyingKey = csca.verifying_key();
        csca.verify(tbs.raw, &sig).unwrap();
    }
}
