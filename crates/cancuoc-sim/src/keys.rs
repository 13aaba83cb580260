//! The test PKI's signing keys: NIST P-256 (RustCrypto's `p256`, the default) and the
//! brainpool curves Vietnam's chain is believed to use — a brainpoolP512r1 CSCA ("CSCA
//! ePassport Vietnam" in the German and Dutch master lists) over brainpoolP384r1 document
//! signers — signed through the core's named groups (RustCrypto has no brainpool ECDSA signer
//! on `elliptic-curve` 0.14).
//!
//! Test keys only: they come from public seeds, and the brainpool nonces are derived from the
//! key and the message (a hash, not RFC 6979's HMAC-DRBG), so they vouch for nothing.

use cancuoc::internals::crypto::CurveParams;
use cancuoc::internals::crypto::curves::{BRAINPOOL_P384R1, BRAINPOOL_P512R1};
use cancuoc::internals::crypto::group::{self, EcGroup};
use cancuoc::internals::crypto::hash::HashAlgorithm;
use crypto_bigint::U576;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use sha2::{Digest, Sha256};

use crate::der::{bit_string, integer, octet_string, oid, sequence, small_integer};

/// id-ecPublicKey 1.2.840.10045.2.1.
const OID_EC_PUBLIC_KEY: &[u64] = &[1, 2, 840, 10045, 2, 1];
/// prime-field 1.2.840.10045.1.1 (explicit parameters, RFC 3279 §2.3.5).
const OID_PRIME_FIELD: &[u64] = &[1, 2, 840, 10045, 1, 1];

/// The curve a test key is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyCurve {
    /// NIST P-256 (prime256v1), with SHA-256.
    P256,
    /// brainpoolP384r1 (RFC 5639), with SHA-384.
    BrainpoolP384r1,
    /// brainpoolP512r1 (RFC 5639), with SHA-512.
    BrainpoolP512r1,
}

impl KeyCurve {
    /// The curve's OID (RFC 5480, RFC 5639 §4.1).
    fn oid(self) -> &'static [u64] {
        match self {
            Self::P256 => &[1, 2, 840, 10045, 3, 1, 7],
            Self::BrainpoolP384r1 => &[1, 3, 36, 3, 3, 2, 8, 1, 1, 11],
            Self::BrainpoolP512r1 => &[1, 3, 36, 3, 3, 2, 8, 1, 1, 13],
        }
    }

    fn params(self) -> &'static CurveParams {
        match self {
            Self::P256 => &cancuoc::internals::crypto::curves::P256,
            Self::BrainpoolP384r1 => &BRAINPOOL_P384R1,
            Self::BrainpoolP512r1 => &BRAINPOOL_P512R1,
        }
    }

    /// The hash its signatures use: the one of the curve's strength.
    pub fn hash(self) -> HashAlgorithm {
        match self {
            Self::P256 => HashAlgorithm::Sha256,
            Self::BrainpoolP384r1 => HashAlgorithm::Sha384,
            Self::BrainpoolP512r1 => HashAlgorithm::Sha512,
        }
    }

    /// ecdsa-with-SHA256/384/512 (RFC 5758 §3.2), after [`KeyCurve::hash`].
    pub fn signature_oid(self) -> &'static [u64] {
        match self {
            Self::P256 => &[1, 2, 840, 10045, 4, 3, 2],
            Self::BrainpoolP384r1 => &[1, 2, 840, 10045, 4, 3, 3],
            Self::BrainpoolP512r1 => &[1, 2, 840, 10045, 4, 3, 4],
        }
    }

    /// id-sha256/384/512 (RFC 5754 §2), after [`KeyCurve::hash`].
    pub fn digest_oid(self) -> &'static [u64] {
        match self {
            Self::P256 => &[2, 16, 840, 1, 101, 3, 4, 2, 1],
            Self::BrainpoolP384r1 => &[2, 16, 840, 1, 101, 3, 4, 2, 2],
            Self::BrainpoolP512r1 => &[2, 16, 840, 1, 101, 3, 4, 2, 3],
        }
    }
}

/// A signing key of the test PKI.
#[derive(Clone)]
pub enum TestKey {
    /// A P-256 key (RustCrypto's `p256`).
    P256(SigningKey),
    /// A brainpool key: the private scalar and the public point (uncompressed SEC1), both
    /// big-endian.
    Brainpool {
        /// The curve.
        curve: KeyCurve,
        /// The private scalar d, below n.
        private: Vec<u8>,
        /// d · G.
        point: Vec<u8>,
    },
}

impl std::fmt::Debug for TestKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TestKey({:?})", self.curve())
    }
}

impl TestKey {
    /// The key on `curve` drawn from `seed` and `label` (P-256: [`key_from_seed`]; brainpool:
    /// SHA-512(seed ‖ label) reduced modulo n, retried past zero).
    pub fn from_seed(curve: KeyCurve, seed: &[u8], label: &[u8]) -> Self {
        if curve == KeyCurve::P256 {
            return Self::P256(key_from_seed(seed, label));
        }
        let group = group_of(curve);
        let mut counter = 0u32;
        loop {
            let wide = HashAlgorithm::Sha512.digest(&[seed, label, &counter.to_be_bytes()].concat());
            let private = group.reduce(&wide);
            if private.iter().any(|b| *b != 0)
                && let Ok(point) = group.mul(&private, &group.generator())
            {
                return Self::Brainpool { curve, private, point };
            }
            counter = counter.wrapping_add(1);
        }
    }

    /// The curve.
    pub fn curve(&self) -> KeyCurve {
        match self {
            Self::P256(_) => KeyCurve::P256,
            Self::Brainpool { curve, .. } => *curve,
        }
    }

    /// The public point, uncompressed SEC1.
    pub fn point(&self) -> Vec<u8> {
        match self {
            Self::P256(key) => key.verifying_key().to_sec1_point(false).as_bytes().to_vec(),
            Self::Brainpool { point, .. } => point.clone(),
        }
    }

    /// SubjectPublicKeyInfo (RFC 5480): the curve named by its OID, or with `explicit` its
    /// parameters spelled out (RFC 3279 §2.3.5 ECParameters, as many issuers' CSCAs — Viet
    /// Nam's among them — write them).
    pub fn spki(&self, explicit: bool) -> Vec<u8> {
        let curve = self.curve();
        let parameters = if explicit { explicit_parameters(curve.params()) } else { oid(curve.oid()) };
        sequence(&[sequence(&[oid(OID_EC_PUBLIC_KEY), parameters]), bit_string(&self.point())])
    }

    /// The ECDSA signature of `message` with the curve's hash ([`KeyCurve::hash`]),
    /// DER-encoded (RFC 5480 §2.2 / RFC 3279 §2.2.3).
    pub fn sign_der(&self, message: &[u8]) -> Vec<u8> {
        match self {
            Self::P256(key) => sign_der(key, message),
            Self::Brainpool { curve, private, .. } => {
                let (r, s) = ecdsa_sign(group_of(*curve).as_ref(), private, &curve.hash().digest(message));
                sequence(&[integer(&r), integer(&s)])
            }
        }
    }
}

fn group_of(curve: KeyCurve) -> std::sync::Arc<dyn EcGroup> {
    match group::standard(curve.params()) {
        Ok(group) => group,
        // The standardized curves' constants are the core's own and build a group.
        Err(e) => unreachable!("{:?}: {e}", curve),
    }
}

/// ECDSA (SEC 1 v2 §4.1.3) on `group` by the private scalar `private` over `digest`:
/// r = (k·G)ₓ mod n, s = k⁻¹(e + r·d), with k derived from the key and the digest (test keys
/// only: see the module's note). Big-endian r and s.
pub fn ecdsa_sign(group: &dyn EcGroup, private: &[u8], digest: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let e = group.reduce(digest);
    let mut counter = 0u32;
    loop {
        counter = counter.wrapping_add(1);
        let k = group.reduce(&HashAlgorithm::Sha512.digest(&[private, digest, &counter.to_be_bytes()].concat()));
        let Ok(nonce_point) = group.mul(&k, &group.generator()) else { continue };
        let Ok(x) = group::x_coordinate(group, &nonce_point) else { continue };
        let r = group.reduce(&x);
        // r·d = r / d⁻¹; s = (e + r·d) / k.
        let Ok(d_inverse) = group.scalar_div(&[1], private) else { continue };
        let Ok(r_d) = group.scalar_div(&r, &d_inverse) else { continue };
        let Ok(s) = group.scalar_div(&group.reduce(&sum(&e, &r_d)), &k) else { continue };
        if r.iter().any(|b| *b != 0) && s.iter().any(|b| *b != 0) {
            return (r, s);
        }
    }
}

/// a + b for scalars below an order (at most 66 bytes: no overflow at 576 bits), big-endian.
fn sum(a: &[u8], b: &[u8]) -> Vec<u8> {
    let wide = |x: &[u8]| {
        let mut padded = [0u8; 72];
        let start = padded.len().saturating_sub(x.len());
        if let Some(tail) = padded.get_mut(start..) {
            tail.copy_from_slice(x.get(x.len().saturating_sub(72)..).unwrap_or_default());
        }
        U576::from_be_slice(&padded)
    };
    wide(a).wrapping_add(&wide(b)).to_be_bytes().as_ref().to_vec()
}

/// ECParameters with the curve spelled out: version 1, the prime field, a and b, the
/// generator (uncompressed), the order and cofactor 1 (RFC 3279 §2.3.5).
fn explicit_parameters(params: &CurveParams) -> Vec<u8> {
    // The core's constants: even-length hex text.
    let bytes = |text: &str| -> Vec<u8> {
        text.as_bytes()
            .chunks(2)
            .filter_map(|pair| std::str::from_utf8(pair).ok().and_then(|h| u8::from_str_radix(h, 16).ok()))
            .collect()
    };
    let generator = [vec![0x04], bytes(params.gx), bytes(params.gy)].concat();
    sequence(&[
        small_integer(1),
        sequence(&[oid(OID_PRIME_FIELD), integer(&bytes(params.p))]),
        sequence(&[octet_string(&bytes(params.a)), octet_string(&bytes(params.b))]),
        octet_string(&generator),
        integer(&bytes(params.n)),
        small_integer(1),
    ])
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
    TestKey::P256(key.clone()).spki(false)
}

/// ECDSA-SHA256 signature of `message` with a P-256 key, DER-encoded (RFC 5480 §2.2).
pub fn sign_der(key: &SigningKey, message: &[u8]) -> Vec<u8> {
    let signature: Signature = key.sign(message);
    signature.to_der().as_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use cancuoc::internals::crypto::hash::HashAlgorithm;

    use super::*;

    #[test]
    fn brainpool_signatures_verify_with_the_core_and_fail_on_another_message() {
        for curve in [KeyCurve::BrainpoolP384r1, KeyCurve::BrainpoolP512r1] {
            let key = TestKey::from_seed(curve, b"seed", b"ds");
            assert_eq!(key.point(), TestKey::from_seed(curve, b"seed", b"ds").point(), "same seed, same key");
            let der = key.sign_der(b"signed attributes");
            let (r, s) = split_der_signature(&der);
            let group = group_of(curve);
            let digest = curve.hash().digest(b"signed attributes");
            assert!(group.verify_ecdsa(&key.point(), &digest, &r, &s), "{curve:?}");
            let other = curve.hash().digest(b"other attributes");
            assert!(!group.verify_ecdsa(&key.point(), &other, &r, &s), "{curve:?}");
            assert_ne!(HashAlgorithm::Sha256, curve.hash());
        }
    }

    /// (r, s) of a DER ECDSA signature.
    fn split_der_signature(der: &[u8]) -> (Vec<u8>, Vec<u8>) {
        let mut reader = cancuoc::internals::codec::ByteReader::new(der, "signature");
        let sequence = reader.expect_tlv(0x30).unwrap();
        let mut inner = sequence.reader("signature");
        let r = inner.expect_tlv(0x02).unwrap().value.to_vec();
        let s = inner.expect_tlv(0x02).unwrap().value.to_vec();
        (r, s)
    }
}
