//! Public keys from SubjectPublicKeyInfo and signature verification by algorithm OID, as real
//! documents need them (ICAO 9303-12 §7.1; RFC 5480, RFC 8017, RFC 4055): ECDSA on any curve,
//! named or with **explicit** parameters, DER or plain signatures; RSA PKCS#1 v1.5 and
//! RSASSA-PSS with parameters from the structure; SHA-1 to SHA-512.

use thiserror::Error;

use super::cms::Algorithm;
use crate::codec::ByteReader;
use std::sync::Arc;

use crate::crypto::curves;
use crate::crypto::group::{self, EcGroup};
use crate::crypto::rsa::RsaPublicKey;
use crate::lds::security_infos::{DomainParameters, domain_parameters};
use crate::lds::sod::HashAlgorithm;

const OID_RSA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01];
const OID_RSA_PSS: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0A];
const OID_MGF1: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x08];
const OID_EC_PUBLIC_KEY: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01];
/// 1.2.840.113549.1.1 (PKCS #1).
const PKCS1: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01];
/// 1.2.840.10045.4 (ECDSA signatures).
const ECDSA: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04];
/// 0.4.0.127.0.7.1.1.4.1 (BSI ecdsa-plain-signatures).
const ECDSA_PLAIN: &[u8] = &[0x04, 0x00, 0x7F, 0x00, 0x07, 0x01, 0x01, 0x04, 0x01];

/// Why a key or signature could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// An algorithm, curve or parameter this verifier does not implement.
    #[error("unsupported {0}")]
    Unsupported(&'static str),
    /// A malformed public key.
    #[error("malformed public key")]
    BadKey,
    /// The signature does not verify (or is malformed).
    #[error("the signature does not verify")]
    Invalid,
    /// The signature's algorithm is for another kind of key (ECDSA against an RSA key, RSA
    /// against an EC key): this key did not make it.
    #[error("the signature's algorithm does not fit the key")]
    KeyMismatch,
}

/// A verification key.
#[derive(Debug, Clone)]
pub enum PublicKey {
    /// An EC point on its curve.
    Ec {
        /// The curve's group.
        curve: Arc<dyn EcGroup>,
        /// The point, uncompressed SEC1 (checked to be on the curve).
        point: Vec<u8>,
    },
    /// An RSA key.
    Rsa(RsaPublicKey),
}

/// Named curves by OID (RFC 5480 §2.1.1.1; RFC 5639 §4.1).
fn named_curve(oid: &[u8]) -> Option<&'static crate::crypto::CurveParams> {
    const BRAINPOOL: &[u8] = &[0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01];
    let id = match oid {
        [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x01] => 8,
        [0x2B, 0x81, 0x04, 0x00, 0x21] => 10,
        [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07] => 12,
        [0x2B, 0x81, 0x04, 0x00, 0x22] => 15,
        [0x2B, 0x81, 0x04, 0x00, 0x23] => 18,
        _ => match oid.strip_prefix(BRAINPOOL) {
            Some([0x03]) => 9,
            Some([0x05]) => 11,
            Some([0x07]) => 13,
            Some([0x09]) => 14,
            Some([0x0B]) => 16,
            Some([0x0D]) => 17,
            _ => return None,
        },
    };
    curves::by_parameter_id(id)
}

impl PublicKey {
    /// A key from a DER SubjectPublicKeyInfo. `inherited` is the issuer's curve, for EC keys
    /// that name none (implicitlyCA, RFC 3279 §2.3.5).
    ///
    /// # Errors
    /// [`SignatureError`] for a malformed or unsupported key.
    pub fn from_spki(spki: &[u8], inherited: Option<&Arc<dyn EcGroup>>) -> Result<Self, SignatureError> {
        let bad = |_| SignatureError::BadKey;
        let mut r = ByteReader::new(spki, "SubjectPublicKeyInfo");
        let mut s = r.expect_tlv(0x30).map_err(bad)?.reader("SubjectPublicKeyInfo");
        let algorithm = s.expect_tlv(0x30).map_err(bad)?;
        let oid = algorithm.reader("AlgorithmIdentifier").expect_tlv(0x06).map_err(bad)?.value;
        let bits = s.expect_tlv(0x03).map_err(bad)?;
        let key = match bits.value.split_first() {
            Some((0, key)) => key,
            _ => return Err(SignatureError::BadKey),
        };
        if oid == OID_RSA || oid == OID_RSA_PSS {
            let mut k = ByteReader::new(key, "RSAPublicKey");
            let mut seq = k.expect_tlv(0x30).map_err(bad)?.reader("RSAPublicKey");
            let n = seq.expect_tlv(0x02).map_err(bad)?.value;
            let e = seq.expect_tlv(0x02).map_err(bad)?.value;
            return RsaPublicKey::new(n, e).map(Self::Rsa).ok_or(SignatureError::Unsupported("RSA key size"));
        }
        if oid != OID_EC_PUBLIC_KEY {
            return Err(SignatureError::Unsupported("public key algorithm"));
        }
        let curve = match domain_parameters(algorithm.reader("AlgorithmIdentifier")).ok() {
            Some(DomainParameters::NamedCurve(name)) => {
                let params = named_curve(&name.0).ok_or(SignatureError::Unsupported("named curve"))?;
                group::standard(params).map_err(|_| SignatureError::BadKey)?
            }
            Some(DomainParameters::Ec { p, a, b, gx, gy, n }) => {
                group::explicit(&p, &a, &b, &gx, &gy, &n).map_err(|_| SignatureError::Unsupported("explicit curve"))?
            }
            // NULL or absent parameters: the issuer's (implicitlyCA).
            _ => inherited.cloned().ok_or(SignatureError::Unsupported("EC key without parameters"))?,
        };
        curve.check_point(key).map_err(|_| SignatureError::BadKey)?;
        Ok(Self::Ec { curve, point: key.to_vec() })
    }

    /// The key's curve, for keys that inherit it.
    pub fn curve(&self) -> Option<&Arc<dyn EcGroup>> {
        match self {
            Self::Ec { curve, .. } => Some(curve),
            Self::Rsa(_) => None,
        }
    }

    /// "EC brainpoolP512r1" or "RSA-2048".
    pub fn describe(&self) -> String {
        match self {
            Self::Ec { curve, .. } => format!("EC {}", curve.name()),
            Self::Rsa(k) => format!("RSA-{}", k.bits()),
        }
    }
}

fn hash_from_algorithm(algorithm: &Algorithm) -> Option<HashAlgorithm> {
    HashAlgorithm::from_oid(&algorithm.oid)
}

fn hash_from_tlv(bytes: &[u8]) -> Option<HashAlgorithm> {
    let mut r = ByteReader::new(bytes, "AlgorithmIdentifier");
    let oid = r.expect_tlv(0x30).ok()?.reader("AlgorithmIdentifier").expect_tlv(0x06).ok()?;
    HashAlgorithm::from_oid(oid.value)
}

/// RSASSA-PSS-params (RFC 4055 §3.1): hash (default SHA-1), MGF1 hash (default SHA-1), salt
/// length (default 20).
fn pss_parameters(parameters: Option<&[u8]>) -> Result<(HashAlgorithm, HashAlgorithm, usize), SignatureError> {
    let (mut hash, mut mgf, mut salt) = (HashAlgorithm::Sha1, HashAlgorithm::Sha1, 20usize);
    let Some(parameters) = parameters else { return Ok((hash, mgf, salt)) };
    let bad = |_| SignatureError::Unsupported("RSASSA-PSS parameters");
    let mut r = ByteReader::new(parameters, "RSASSA-PSS-params");
    let seq = r.tlv().map_err(bad)?;
    if seq.tag == 0x05 {
        return Ok((hash, mgf, salt));
    }
    let mut p = seq.reader("RSASSA-PSS-params");
    while !p.is_empty() {
        let field = p.tlv().map_err(bad)?;
        match field.tag {
            0xA0 => hash = hash_from_tlv(field.value).ok_or(SignatureError::Unsupported("PSS hash"))?,
            0xA1 => {
                let mut m = ByteReader::new(field.value, "MaskGenAlgorithm");
                let mut seq = m.expect_tlv(0x30).map_err(bad)?.reader("MaskGenAlgorithm");
                if seq.expect_tlv(0x06).map_err(bad)?.value != OID_MGF1 {
                    return Err(SignatureError::Unsupported("PSS mask generation function"));
                }
                mgf = hash_from_tlv(seq.rest()).ok_or(SignatureError::Unsupported("MGF1 hash"))?;
            }
            0xA2 => {
                let int = ByteReader::new(field.value, "saltLength").expect_tlv(0x02).map_err(bad)?;
                salt = int.value.iter().fold(0usize, |acc, b| acc.saturating_mul(256).saturating_add(usize::from(*b)));
            }
            _ => {}
        }
    }
    Ok((hash, mgf, salt))
}

/// Splits a DER ECDSA-Sig-Value `SEQUENCE { r INTEGER, s INTEGER }` (RFC 5480 §2.2; SEC 1
/// §4.1.4). Strict DER (X.690 §10): the bytes must be exactly the canonical encoding of the two
/// positive integers — no long-form or zero-padded lengths, no extra leading zero bytes, no
/// trailing data — so one signature has one encoding (Wycheproof's BER cases are refused).
pub(crate) fn ecdsa_der_pair(signature: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut r = ByteReader::new(signature, "ECDSA-Sig-Value");
    let mut seq = r.expect_tlv(0x30).ok()?.reader("ECDSA-Sig-Value");
    let r_int = crate::codec::der_unsigned(seq.expect_tlv(0x02).ok()?.value)?.to_vec();
    let s_int = crate::codec::der_unsigned(seq.expect_tlv(0x02).ok()?.value)?.to_vec();
    (seq.is_empty() && r.is_empty() && der_ecdsa_signature(&r_int, &s_int) == signature).then_some((r_int, s_int))
}

/// The canonical DER of `SEQUENCE { r, s }` for unsigned big-endian `r` and `s`.
fn der_ecdsa_signature(r: &[u8], s: &[u8]) -> Vec<u8> {
    use crate::codec::tlv::{tlv, write_tlv};
    let mut body = Vec::new();
    for value in [r, s] {
        let trimmed: Vec<u8> = value.iter().copied().skip_while(|b| *b == 0).collect();
        // A zero, or a leading bit set, takes one 00 byte (X.690 §8.3.2).
        let mut content = if trimmed.first().is_none_or(|b| b & 0x80 != 0) { vec![0] } else { Vec::new() };
        content.extend(trimmed);
        write_tlv(0x02, &content, &mut body);
    }
    tlv(0x30, &body)
}

/// Splits a plain signature r ‖ s (BSI TR-03111 §5.2.1), each exactly as long as the curve's
/// order; any other length is refused.
pub(crate) fn ecdsa_plain_pair<'a>(curve: &dyn EcGroup, signature: &'a [u8]) -> Option<(&'a [u8], &'a [u8])> {
    let half = curve.order().len();
    (signature.len() == 2 * half).then(|| signature.split_at(half))
}

/// A signature scheme with its hashes, as an AlgorithmIdentifier names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    /// ECDSA, DER `ECDSA-Sig-Value` (RFC 5480).
    Ecdsa(HashAlgorithm),
    /// ECDSA, plain r ‖ s (BSI TR-03111 §5.2.1).
    EcdsaPlain(HashAlgorithm),
    /// RSASSA-PSS: hash, MGF1 hash, salt length (RFC 4055 §3.1).
    Pss(HashAlgorithm, HashAlgorithm, usize),
    /// RSASSA-PKCS1-v1_5 (RFC 8017 §8.2).
    Pkcs1(HashAlgorithm),
}

impl Scheme {
    /// The scheme `algorithm` names; `digest_algorithm` (a CMS SignerInfo's) supplies the hash
    /// when the algorithm names none (rsaEncryption, id-ecPublicKey).
    fn of(algorithm: &Algorithm, digest_algorithm: Option<&Algorithm>) -> Result<Self, SignatureError> {
        let fallback_hash =
            || digest_algorithm.and_then(hash_from_algorithm).ok_or(SignatureError::Unsupported("digest algorithm"));
        let oid = algorithm.oid.as_slice();
        if let Some(rest) = oid.strip_prefix(ECDSA).or_else(|| (oid == OID_EC_PUBLIC_KEY).then_some(&[][..])) {
            let hash = match rest {
                [0x01] => HashAlgorithm::Sha1,
                [0x03, 0x01] => HashAlgorithm::Sha224,
                [0x03, 0x02] => HashAlgorithm::Sha256,
                [0x03, 0x03] => HashAlgorithm::Sha384,
                [0x03, 0x04] => HashAlgorithm::Sha512,
                [] => fallback_hash()?,
                _ => return Err(SignatureError::Unsupported("ECDSA variant")),
            };
            return Ok(Self::Ecdsa(hash));
        }
        if let Some(rest) = oid.strip_prefix(ECDSA_PLAIN) {
            let hash = match rest {
                [1] => HashAlgorithm::Sha1,
                [2] => HashAlgorithm::Sha224,
                [3] => HashAlgorithm::Sha256,
                [4] => HashAlgorithm::Sha384,
                [5] => HashAlgorithm::Sha512,
                _ => return Err(SignatureError::Unsupported("plain ECDSA variant")),
            };
            return Ok(Self::EcdsaPlain(hash));
        }
        if oid == OID_RSA_PSS {
            let (hash, mgf, salt) = pss_parameters(algorithm.parameters.as_deref())?;
            return Ok(Self::Pss(hash, mgf, salt));
        }
        let hash = match oid.strip_prefix(PKCS1) {
            Some([0x05]) => HashAlgorithm::Sha1,
            Some([0x0E]) => HashAlgorithm::Sha224,
            Some([0x0B]) => HashAlgorithm::Sha256,
            Some([0x0C]) => HashAlgorithm::Sha384,
            Some([0x0D]) => HashAlgorithm::Sha512,
            Some([0x01]) => fallback_hash()?,
            _ => return Err(SignatureError::Unsupported("signature algorithm")),
        };
        Ok(Self::Pkcs1(hash))
    }

    /// The report's name: `ecdsa-with-SHA256`, `ecdsa-plain-SHA256`,
    /// `RSASSA-PSS(SHA-256, MGF1-SHA-256, salt 32)`, `sha256WithRSAEncryption`.
    fn name(self) -> String {
        let compact = |hash: HashAlgorithm| hash.name().replace('-', "");
        match self {
            Self::Ecdsa(hash) => format!("ecdsa-with-{}", compact(hash)),
            Self::EcdsaPlain(hash) => format!("ecdsa-plain-{}", compact(hash)),
            Self::Pss(hash, mgf, salt) => format!("RSASSA-PSS({}, MGF1-{}, salt {salt})", hash.name(), mgf.name()),
            Self::Pkcs1(hash) => format!("{}WithRSAEncryption", compact(hash).to_lowercase()),
        }
    }
}

/// The name of the signature algorithm `algorithm` names (with the SignerInfo's
/// `digest_algorithm` where the algorithm names no hash), whether or not this verifier
/// implements it: an auditor must see which algorithm passed, failed or could not be checked.
/// An algorithm this verifier does not know is named by its OID (`OID 1.2.3.4`).
pub fn algorithm_name(algorithm: &Algorithm, digest_algorithm: Option<&Algorithm>) -> String {
    match Scheme::of(algorithm, digest_algorithm) {
        Ok(scheme) => scheme.name(),
        Err(_) => format!("OID {}", crate::lds::security_infos::Oid(algorithm.oid.clone()).dotted()),
    }
}

/// Verifies `signature` over `message` with `key` by `algorithm`; `digest_algorithm` is the
/// CMS SignerInfo's, used when the signature algorithm names no hash (rsaEncryption,
/// id-ecPublicKey). Returns the algorithm's name for the report ([`algorithm_name`]).
///
/// # Errors
/// [`SignatureError::Invalid`] when the signature does not verify; `Unsupported` for an
/// algorithm this verifier does not implement or one that does not fit the key.
pub fn verify(
    key: &PublicKey,
    algorithm: &Algorithm,
    digest_algorithm: Option<&Algorithm>,
    message: &[u8],
    signature: &[u8],
) -> Result<String, SignatureError> {
    let scheme = Scheme::of(algorithm, digest_algorithm)?;
    match (scheme, key) {
        (Scheme::Ecdsa(hash), _) => {
            let (r, s) = ecdsa_der_pair(signature).ok_or(SignatureError::Invalid)?;
            ecdsa(key, hash, message, &r, &s)?;
        }
        (Scheme::EcdsaPlain(hash), _) => {
            let curve = key.curve().ok_or(SignatureError::KeyMismatch)?;
            let (r, s) = ecdsa_plain_pair(curve.as_ref(), signature).ok_or(SignatureError::Invalid)?;
            ecdsa(key, hash, message, r, s)?;
        }
        (Scheme::Pss(hash, mgf, salt), PublicKey::Rsa(rsa)) => {
            if !rsa.verify_pss(hash, mgf, salt, &hash.digest(message), signature) {
                return Err(SignatureError::Invalid);
            }
        }
        (Scheme::Pkcs1(hash), PublicKey::Rsa(rsa)) => {
            if !rsa.verify_pkcs1_v15(hash, &hash.digest(message), signature) {
                return Err(SignatureError::Invalid);
            }
        }
        (Scheme::Pss(..) | Scheme::Pkcs1(_), PublicKey::Ec { .. }) => {
            return Err(SignatureError::KeyMismatch);
        }
    }
    Ok(scheme.name())
}

fn ecdsa(key: &PublicKey, hash: HashAlgorithm, message: &[u8], r: &[u8], s: &[u8]) -> Result<(), SignatureError> {
    let PublicKey::Ec { curve, point } = key else { return Err(SignatureError::KeyMismatch) };
    if curve.verify_ecdsa(point, &hash.digest(message), r, s) { Ok(()) } else { Err(SignatureError::Invalid) }
}
