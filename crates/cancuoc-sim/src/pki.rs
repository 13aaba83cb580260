//! A generated test PKI: a country signing CA (CSCA) and a document signer (DS) certificate
//! under it, ECDSA P-256 with SHA-256 (ICAO 9303-12 §5, §7.1). Keys come from a seed, so the
//! same seed issues the same certificates; the seed is public, so they vouch for nothing.

use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use sha2::{Digest, Sha256};

use crate::der::{bit_string, context, name, octet_string, oid, sequence, small_integer, true_, utc_time};

/// id-ecPublicKey 1.2.840.10045.2.1.
const OID_EC_PUBLIC_KEY: &[u64] = &[1, 2, 840, 10045, 2, 1];
/// prime256v1 1.2.840.10045.3.1.7.
const OID_P256: &[u64] = &[1, 2, 840, 10045, 3, 1, 7];
/// ecdsa-with-SHA256 1.2.840.10045.4.3.2.
pub const OID_ECDSA_SHA256: &[u64] = &[1, 2, 840, 10045, 4, 3, 2];

/// A certificate with its signing key.
pub struct Issued {
    /// The key (private: test use only).
    pub key: SigningKey,
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
}

impl TestPki {
    /// Generates the PKI from `seed`: CSCA valid 2024-01-01 → 2039-01-01, DS 2024-01-01 →
    /// 2035-01-01.
    pub fn generate(seed: &[u8]) -> Self {
        Self::generate_with_validity(seed, ("240101000000Z", "390101000000Z"), ("240101000000Z", "350101000000Z"))
    }

    /// [`TestPki::generate`] with other validity periods (UTCTime text, `YYMMDDHHMMSSZ`), for
    /// the chain's time checks. Same seed, same keys.
    pub fn generate_with_validity(seed: &[u8], csca_validity: (&str, &str), ds_validity: (&str, &str)) -> Self {
        let organisation = "cancuoc test PKI (not a real authority)";
        Self::build(seed, &name("VN", organisation, "cancuoc Test CSCA"), csca_validity, ds_validity)
    }

    /// A PKI anyone can make, whose CSCA bears the name of Vietnam's real one ("CSCA ePassport
    /// Vietnam"): what a forger puts inside a self-vouching master list
    /// ([`TestPki::master_list`]). Same seed, same keys.
    pub fn rogue_vietnam(seed: &[u8]) -> Self {
        let csca_name = name("VN", "Vietnam Government Information Security Commission", "CSCA ePassport Vietnam");
        Self::build(seed, &csca_name, ("240101000000Z", "390101000000Z"), ("240101000000Z", "350101000000Z"))
    }

    fn build(seed: &[u8], csca_name: &[u8], csca_validity: (&str, &str), ds_validity: (&str, &str)) -> Self {
        let csca_key = key_from_seed(seed, b"csca");
        let ds_key = key_from_seed(seed, b"ds");
        let ds_name = name("VN", "cancuoc test PKI (not a real authority)", "cancuoc Test Document Signer");
        let ca_extensions = vec![
            extension(&[2, 5, 29, 19], true, &sequence(&[true_(), small_integer(0)])),
            extension(&[2, 5, 29, 15], true, &crate::der::bit_string_with_unused(&[0x06], 1)),
        ];
        let csca_serial = small_integer(0x0C5C_A001);
        let ds_serial = small_integer(0x0D50_0001);
        let csca_cert =
            certificate(&csca_key, &csca_serial, csca_name, csca_name, csca_validity, &csca_key, &ca_extensions);
        let ds_cert =
            certificate(&csca_key, &ds_serial, csca_name, &ds_name, ds_validity, &ds_key, &[signer_key_usage()]);
        Self {
            csca: Issued { key: csca_key, certificate: csca_cert, issuer: csca_name.to_vec(), serial: csca_serial },
            ds: Issued { key: ds_key, certificate: ds_cert, issuer: csca_name.to_vec(), serial: ds_serial },
        }
    }

    /// A master-list signer under this PKI's CSCA (ICAO 9303-12 §7.1.3), valid 2024–2035.
    pub fn master_list_signer(&self) -> Issued {
        let key = key_from_seed(self.csca.certificate.as_slice(), b"master list signer");
        let subject = name("VN", "cancuoc test PKI (not a real authority)", "cancuoc Test Master List Signer");
        let serial = small_integer(0x0A11_0001);
        let validity = ("240101000000Z", "350101000000Z");
        let certificate =
            certificate(&self.csca.key, &serial, &self.csca.issuer, &subject, validity, &key, &[signer_key_usage()]);
        Issued { key, certificate, issuer: self.csca.issuer.clone(), serial }
    }

    /// A CSCA master list (ICAO 9303-12 §9: CMS SignedData, eContentType id-icao-cscaMasterList
    /// 2.23.136.1.1.2, content `SEQUENCE { version 0, SET OF Certificate }`) holding
    /// `certificates`, signed by [`TestPki::master_list_signer`] with its certificate included.
    /// With this PKI's own CSCA among `certificates` the list vouches for itself — as anyone's
    /// can.
    pub fn master_list(&self, certificates: &[Vec<u8>]) -> Vec<u8> {
        let content = sequence(&[small_integer(0), crate::der::set_of(certificates)]);
        crate::cms::signed_data_by(&self.master_list_signer(), OID_MASTER_LIST, &content, None)
    }
}

/// keyUsage digitalSignature, critical: a document or master-list signer.
fn signer_key_usage() -> Vec<u8> {
    extension(&[2, 5, 29, 15], true, &crate::der::bit_string_with_unused(&[0x80], 7))
}

/// id-icao-cscaMasterList 2.23.136.1.1.2.
const OID_MASTER_LIST: &[u64] = &[2, 23, 136, 1, 1, 2];

impl TestPki {
    /// A CRL of the CSCA revoking the document signer (RFC 5280 §5.1; ICAO 9303-12 §7.1.4),
    /// valid 2026-01-01 → 2039-01-01.
    pub fn crl_revoking_ds(&self) -> Vec<u8> {
        let algorithm = sequence(&[oid(OID_ECDSA_SHA256)]);
        let entry = sequence(&[self.ds.serial.clone(), utc_time("260101000000Z")]);
        let tbs = sequence(&[
            small_integer(1),
            algorithm.clone(),
            self.csca.issuer.clone(),
            utc_time("260101000000Z"),
            utc_time("390101000000Z"),
            sequence(&[entry]),
        ]);
        let signature = sign_der(&self.csca.key, &tbs);
        sequence(&[tbs, algorithm, bit_string(&signature)])
    }
}

/// A P-256 key from SHA-256(seed ‖ label ‖ counter), retried in the (negligible) case the
/// hash is not a valid scalar.
pub fn key_from_seed(seed: &[u8], label: &[u8]) -> SigningKey {
    let mut counter: u32 = 0;
    loop {
        let digest =
            Sha256::new().chain_update(seed).chain_update(label).chain_update(counter.to_be_bytes()).finalize();
        if let Ok(key) = SigningKey::from_slice(&digest) {
            return key;
        }
        counter = counter.wrapping_add(1);
    }
}

/// SubjectPublicKeyInfo of a P-256 key, named curve (RFC 5480).
pub fn spki(key: &SigningKey) -> Vec<u8> {
    let point = key.verifying_key().to_sec1_point(false);
    sequence(&[sequence(&[oid(OID_EC_PUBLIC_KEY), oid(OID_P256)]), bit_string(point.as_bytes())])
}

/// ECDSA-SHA256 signature of `message`, DER-encoded (RFC 5480 §2.2 / RFC 3279).
pub fn sign_der(key: &SigningKey, message: &[u8]) -> Vec<u8> {
    let signature: Signature = key.sign(message);
    signature.to_der().as_bytes().to_vec()
}

fn extension(id: &[u64], critical: bool, value: &[u8]) -> Vec<u8> {
    let mut parts = vec![oid(id)];
    if critical {
        parts.push(true_());
    }
    parts.push(octet_string(value));
    sequence(&parts)
}

fn certificate(
    issuer_key: &SigningKey,
    serial: &[u8],
    issuer: &[u8],
    subject: &[u8],
    validity: (&str, &str),
    subject_key: &SigningKey,
    extensions: &[Vec<u8>],
) -> Vec<u8> {
    let algorithm = sequence(&[oid(OID_ECDSA_SHA256)]);
    let tbs = sequence(&[
        context(0, &small_integer(2)),
        serial.to_vec(),
        algorithm.clone(),
        issuer.to_vec(),
        sequence(&[utc_time(validity.0), utc_time(validity.1)]),
        subject.to_vec(),
        spki(subject_key),
        context(3, &sequence(extensions)),
    ]);
    let signature = sign_der(issuer_key, &tbs);
    sequence(&[tbs, algorithm, bit_string(&signature)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::VerifyingKey;
    use p256::ecdsa::signature::Verifier;

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
        let csca: &VerifyingKey = a.csca.key.verifying_key();
        csca.verify(tbs.raw, &sig).unwrap();
    }
}
