//! Active Authentication (ICAO 9303-11 §6.1): the chip signs a fresh 8-byte challenge with the
//! private key of DG15, which a copy of the data cannot do. RSA signatures follow ISO/IEC
//! 9796-2 digital signature scheme 1 (partial message recovery, trailer `BC` for SHA-1 or
//! `xxCC` naming the hash); ECDSA signatures are plain r ‖ s (or DER), the hash named by
//! DG14's ActiveAuthenticationInfo (default SHA-256 and the others tried).

use thiserror::Error;

use crate::apdu::Command;
use crate::codec::ByteReader;
use crate::document::Document;
use crate::lds::security_infos::{SecurityInfo, SecurityInfos};
use crate::lds::sod::HashAlgorithm;
use crate::lds::{ActiveAuthenticationKey, DgNumber};
use crate::pki::signature::{PublicKey, SignatureError, ecdsa_der_pair, ecdsa_plain_pair};
use crate::verify::passive::PassiveResult;
use crate::verify::status::{CheckOutcome, CheckStatus, NOT_VOUCHED, Verified};

/// id-icao-mrtd-security-aaProtocolObject 2.23.136.1.1.5.
const OID_AA_INFO: &[u8] = &[0x67, 0x81, 0x08, 0x01, 0x01, 0x05];

/// Why Active Authentication failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ActiveError {
    /// The DG15 key cannot be used.
    #[error("the active authentication key is unusable: {0}")]
    BadKey(&'static str),
    /// The signature does not verify: the chip lacks the DG15 private key.
    #[error("the chip's active authentication signature does not verify: possibly a cloned chip")]
    Invalid,
}

/// The verdict of active authentication for `doc` (ICAO 9303-11 §6.1): the recorded
/// challenge and signature are verified here, every time, against DG15's key; `valid` only
/// when the signature verifies and `passive` vouches for DG15. A chip that holds DG15 but gave
/// no signature failed the check: a copy of the data cannot answer.
pub fn verdict(doc: &Document, passive: &PassiveResult) -> CheckOutcome {
    let Some(dg15) = doc.dg(DgNumber::DG15) else {
        return super::status::absent_key_group(passive, DgNumber::DG15, "active authentication");
    };
    let Some(evidence) = &doc.active_authentication else { return CheckOutcome::new(CheckStatus::NotChecked, None) };
    if evidence.response.is_empty() {
        return CheckOutcome::new(
            CheckStatus::Invalid,
            Some(
                "the chip gave no active authentication signature although DG15 holds its key: possibly a cloned chip"
                    .to_owned(),
            ),
        );
    }
    let key = match ActiveAuthenticationKey::parse_dg15(dg15) {
        Ok(key) => PublicKey::from_spki(&key.public_key_info, None),
        Err(_) => Err(SignatureError::BadKey),
    };
    let key = match key {
        Ok(key) => key,
        Err(SignatureError::Unsupported(what)) => {
            return CheckOutcome::new(
                CheckStatus::Unsupported,
                Some(format!("DG15's key cannot be used by this reader: unsupported {what}")),
            );
        }
        Err(_) => return CheckOutcome::new(CheckStatus::Invalid, Some("DG15 holds no usable key".to_owned())),
    };
    let dg14 = doc.dg(DgNumber::DG14).and_then(|b| SecurityInfos::parse_dg14(b).ok());
    let mut outcome = match verify(&key, dg14.as_ref(), &evidence.challenge, &evidence.response) {
        Ok(algorithm) => {
            let mut outcome = if passive.vouches_for(DgNumber::DG15) {
                CheckOutcome::new(CheckStatus::Valid(Verified::new()), None)
            } else {
                CheckOutcome::new(CheckStatus::Untrusted, Some(NOT_VOUCHED.to_owned()))
            };
            outcome.name = Some(algorithm);
            outcome
        }
        Err(ActiveError::BadKey(what)) => CheckOutcome::new(CheckStatus::Unsupported, Some(what.to_owned())),
        Err(e) => CheckOutcome::new(CheckStatus::Invalid, Some(e.to_string())),
    };
    if evidence.recorded {
        let note = "challenge and signature recorded at read time, signature re-checked now";
        outcome.reason = Some(outcome.reason.map_or_else(|| note.to_owned(), |why| format!("{why} ({note})")));
    }
    outcome
}

/// INTERNAL AUTHENTICATE with the challenge, Le 256 (ICAO 9303-11 §6.1.2).
pub(crate) fn internal_authenticate(challenge: &[u8; 8]) -> Command {
    Command::new(0x00, 0x88, 0x00, 0x00).with_data(challenge.to_vec()).with_le(256)
}

/// The signature algorithm DG14's ActiveAuthenticationInfo names, if any.
fn aa_hash(dg14: Option<&SecurityInfos>) -> Option<HashAlgorithm> {
    dg14?.infos.iter().find_map(|info| match info {
        SecurityInfo::Other { protocol, raw } if protocol.0 == OID_AA_INFO => {
            let mut r = ByteReader::new(raw, "ActiveAuthenticationInfo");
            let mut seq = r.expect_tlv(0x30).ok()?.reader("ActiveAuthenticationInfo");
            seq.expect_tlv(0x06).ok()?;
            seq.expect_tlv(0x02).ok()?;
            let algorithm = seq.expect_tlv(0x06).ok()?.value;
            const ECDSA_WITH: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04];
            const ECDSA_PLAIN: &[u8] = &[0x04, 0x00, 0x7F, 0x00, 0x07, 0x01, 0x01, 0x04, 0x01];
            match (algorithm.strip_prefix(ECDSA_WITH), algorithm.strip_prefix(ECDSA_PLAIN)) {
                (Some([0x01]), _) | (_, Some([1])) => Some(HashAlgorithm::Sha1),
                (Some([0x03, 0x01]), _) | (_, Some([2])) => Some(HashAlgorithm::Sha224),
                (Some([0x03, 0x02]), _) | (_, Some([3])) => Some(HashAlgorithm::Sha256),
                (Some([0x03, 0x03]), _) | (_, Some([4])) => Some(HashAlgorithm::Sha384),
                (Some([0x03, 0x04]), _) | (_, Some([5])) => Some(HashAlgorithm::Sha512),
                _ => None,
            }
        }
        _ => None,
    })
}

/// Checks a chip's active-authentication signature as a remote verifier does, from the raw
/// DG15 (and DG14, which names the ECDSA hash) a desk sent with it (ICAO 9303-11 §6.1):
/// returns the algorithm's name when `signature` is the chip's over `challenge`. Trust DG15
/// only once passive authentication vouched for it ([`crate::verify::passive`]).
///
/// # Errors
/// [`ActiveError::BadKey`] for a DG15 (or DG14) without a usable key, [`ActiveError::Invalid`]
/// when the signature does not verify.
pub fn verify_dg15(
    dg15: &[u8],
    dg14: Option<&[u8]>,
    challenge: &[u8],
    signature: &[u8],
) -> Result<String, ActiveError> {
    let key = ActiveAuthenticationKey::parse_dg15(dg15).map_err(|_| ActiveError::BadKey("malformed DG15"))?;
    let key = PublicKey::from_spki(&key.public_key_info, None).map_err(|e| match e {
        SignatureError::Unsupported(what) => ActiveError::BadKey(what),
        _ => ActiveError::BadKey("DG15 holds no usable key"),
    })?;
    let dg14 = dg14.map(SecurityInfos::parse_dg14).transpose().map_err(|_| ActiveError::BadKey("malformed DG14"))?;
    verify(&key, dg14.as_ref(), challenge, signature)
}

/// Verifies the chip's answer to `challenge` with the DG15 key; returns the algorithm's name.
///
/// # Errors
/// [`ActiveError::Invalid`] when the signature does not verify.
pub(crate) fn verify(
    key: &PublicKey,
    dg14: Option<&SecurityInfos>,
    challenge: &[u8],
    response: &[u8],
) -> Result<String, ActiveError> {
    match key {
        PublicKey::Rsa(rsa) => {
            let f = rsa.public_operation(response).ok_or(ActiveError::Invalid)?;
            verify_9796_2(&f, challenge).map(|h| format!("RSA ISO/IEC 9796-2 scheme 1 with {}", h.name()))
        }
        PublicKey::Ec { curve, point } => {
            let (r, s) = match ecdsa_der_pair(response) {
                Some(pair) => pair,
                None => {
                    let (r, s) = ecdsa_plain_pair(curve.as_ref(), response).ok_or(ActiveError::Invalid)?;
                    (r.to_vec(), s.to_vec())
                }
            };
            let preferred = aa_hash(dg14);
            let order = [
                HashAlgorithm::Sha256,
                HashAlgorithm::Sha384,
                HashAlgorithm::Sha512,
                HashAlgorithm::Sha224,
                HashAlgorithm::Sha1,
            ];
            let candidates = preferred.into_iter().chain(order.into_iter().filter(|h| Some(*h) != preferred));
            for hash in candidates {
                if curve.verify_ecdsa(point, &hash.digest(challenge), &r, &s) {
                    return Ok(format!("ECDSA with {} on {}", hash.name(), curve.name()));
                }
            }
            Err(ActiveError::Invalid)
        }
    }
}

/// ISO/IEC 9796-2 scheme 1 message recovery (ICAO 9303-11 §6.1.2.2, App. F): F = header `6A`
/// (partial recovery) or `4A`, M1, hash, trailer `BC` (SHA-1) or `hh CC` (ISO/IEC 10118-3 hash
/// identifier); valid when hash(M1 ‖ challenge) equals the recovered hash.
fn verify_9796_2(f: &[u8], challenge: &[u8]) -> Result<HashAlgorithm, ActiveError> {
    let (&last, _) = f.split_last().ok_or(ActiveError::Invalid)?;
    let (hash, trailer) = match last {
        0xBC => (HashAlgorithm::Sha1, 1),
        0xCC => {
            let id = f.len().checked_sub(2).and_then(|i| f.get(i)).ok_or(ActiveError::Invalid)?;
            let hash = match id {
                0x33 => HashAlgorithm::Sha1,
                0x34 => HashAlgorithm::Sha256,
                0x35 => HashAlgorithm::Sha512,
                0x36 => HashAlgorithm::Sha384,
                0x38 => HashAlgorithm::Sha224,
                _ => return Err(ActiveError::BadKey("unknown ISO/IEC 9796-2 hash identifier")),
            };
            (hash, 2)
        }
        _ => return Err(ActiveError::Invalid),
    };
    let h_len = hash.digest(&[]).len();
    let m1_end = f.len().checked_sub(trailer + h_len).ok_or(ActiveError::Invalid)?;
    let header = f.first().copied().ok_or(ActiveError::Invalid)?;
    if header & 0xCF != 0x4A || m1_end < 1 {
        return Err(ActiveError::Invalid);
    }
    let m1 = f.get(1..m1_end).ok_or(ActiveError::Invalid)?;
    let d = f.get(m1_end..m1_end + h_len).ok_or(ActiveError::Invalid)?;
    let expected = hash.digest(&[m1, challenge].concat());
    if crate::crypto::ct_eq(&expected, d) { Ok(hash) } else { Err(ActiveError::Invalid) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hex_literal::hex;

    /// ICAO 9303-11 App. F (`docs/vectors/icao9303-part11.md` §3): the recovered message
    /// representative F and the challenge RND.IFD [V][X]. The spec gives no key pair, so the
    /// RSA operation itself is checked by the PKCS#1 and PSS tests of real signatures.
    #[test]
    fn iso_9796_2_recovery_matches_9303_11_f() {
        let f = hex!(
            "6A9D2784A67F8E7C659973EA1AEA25D95B6C8F91E5002F369F0FBDCE8A3CEC1991B543F1696546C5524CF23A5303CD6C98599F40B79F377B5F3A1406B3B4D8F96784D23AA88DB7E1032A405E69325FA91A6E86F5C71AEA978264C4A207446DAD4E7292E2DCDA3024B47DA8C063AA1E6D22FBD976AB0FE73D94D2D9C6D88127BC"
        );
        let challenge = hex!("F173589974BF40C6");
        assert_eq!(verify_9796_2(&f, &challenge), Ok(HashAlgorithm::Sha1));
        let mut other = challenge;
        other[0] ^= 1;
        assert_eq!(verify_9796_2(&f, &other), Err(ActiveError::Invalid));
        let mut bad = f;
        bad[0] = 0x6B;
        assert!(verify_9796_2(&bad, &challenge).is_err());
        assert!(verify_9796_2(&f[..20], &challenge).is_err());
    }
}
