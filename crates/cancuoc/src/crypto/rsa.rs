//! RSA signature verification with public keys only (RFC 8017): RSAVP1, EMSA-PKCS1-v1_5
//! (§9.2) and EMSA-PSS (§9.1.2) with MGF1, on `crypto-bigint`'s boxed Montgomery arithmetic.
//! Written here rather than taken from the `rsa` crate, whose current line is a release
//! candidate: verification needs only s^e mod n and the two encodings, all checked by the
//! real signatures of the real-sample tests (`tests/real_samples.rs`). Nothing here touches a private key.

use crypto_bigint::modular::{BoxedMontyForm, BoxedMontyParams};
use crypto_bigint::{BoxedUint, Odd};

use super::hash::HashAlgorithm;

/// Smallest and largest moduli accepted (real CSCAs use 2048–4096; 1024-bit DS keys exist on
/// old passports).
const MIN_MODULUS_BITS: u32 = 1000;
const MAX_MODULUS_BITS: u32 = 8192;

/// An RSA public key.
#[derive(Clone, PartialEq, Eq)]
pub struct RsaPublicKey {
    n: Vec<u8>,
    e: Vec<u8>,
}

impl std::fmt::Debug for RsaPublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RsaPublicKey({} bits)", self.bits())
    }
}

fn trim(bytes: &[u8]) -> Vec<u8> {
    bytes.iter().copied().skip_while(|b| *b == 0).collect()
}

impl RsaPublicKey {
    /// A key from modulus and exponent (big-endian); `None` for sizes out of range, an even
    /// modulus or an exponent below 3.
    pub fn new(n: &[u8], e: &[u8]) -> Option<Self> {
        let (n, e) = (trim(n), trim(e));
        let key = Self { n, e };
        let bits = key.bits();
        let odd = key.n.last().is_some_and(|b| b & 1 == 1);
        let e_ok = key.e.len() > 1 || key.e.first().is_some_and(|b| *b >= 3);
        (odd && e_ok && (MIN_MODULUS_BITS..=MAX_MODULUS_BITS).contains(&bits) && key.e.len() <= key.n.len())
            .then_some(key)
    }

    /// Bits of the modulus.
    pub fn bits(&self) -> u32 {
        let lead = self.n.first().map_or(0, |b| 8 - b.leading_zeros());
        u32::try_from(self.n.len().saturating_sub(1) * 8).unwrap_or(u32::MAX).saturating_add(lead)
    }

    /// Bytes of the modulus.
    pub fn len(&self) -> usize {
        self.n.len()
    }

    /// True for an empty key (never, once built by [`RsaPublicKey::new`]).
    pub fn is_empty(&self) -> bool {
        self.n.is_empty()
    }

    /// RSAVP1: s^e mod n, as `len()` bytes; `None` unless 0 < s < n (RFC 8017 §5.2.2).
    pub fn public_operation(&self, signature: &[u8]) -> Option<Vec<u8>> {
        if signature.len() != self.n.len() {
            return None;
        }
        let precision = u32::try_from(self.n.len().div_ceil(8) * 64).ok()?;
        let n = BoxedUint::from_be_slice(&self.n, precision).ok()?;
        let s = BoxedUint::from_be_slice(signature, precision).ok()?;
        let e = BoxedUint::from_be_slice(&self.e, precision).ok()?;
        if bool::from(s.is_zero()) || s >= n {
            return None;
        }
        let params = BoxedMontyParams::new_vartime(Option::<Odd<BoxedUint>>::from(Odd::new(n))?);
        // The exponent is public: raise by its real length (17 bits for 65537), not by the
        // modulus width that `pow` assumes (4096 squarings for an RSA-4096 CSCA).
        let m = BoxedMontyForm::new(s, &params).pow_bounded_exp(&e, e.bit_width_vartime()).retrieve();
        let bytes = m.to_be_bytes();
        let start = bytes.len().checked_sub(self.n.len())?;
        Some(bytes.get(start..)?.to_vec())
    }

    /// Verifies an RSASSA-PKCS1-v1_5 signature over `digest` made with `hash` (RFC 8017
    /// §8.2.2): EM = 00 01 FF…FF 00 ‖ DigestInfo, compared whole.
    pub fn verify_pkcs1_v15(&self, hash: HashAlgorithm, digest: &[u8], signature: &[u8]) -> bool {
        let Some(em) = self.public_operation(signature) else { return false };
        let mut digest_info = digest_info_prefix(hash).to_vec();
        digest_info.extend_from_slice(digest);
        let Some(padding) = em.len().checked_sub(digest_info.len() + 3) else { return false };
        if padding < 8 {
            return false;
        }
        let mut expected = vec![0x00, 0x01];
        expected.extend(std::iter::repeat_n(0xFF, padding));
        expected.push(0x00);
        expected.extend_from_slice(&digest_info);
        crate::crypto::ct_eq(&expected, &em)
    }

    /// Verifies an RSASSA-PSS signature over `digest` (RFC 8017 §8.1.2, EMSA-PSS-VERIFY
    /// §9.1.2) with MGF1 over `mgf_hash` and a salt of `salt_len` bytes (trailer BC).
    pub fn verify_pss(
        &self,
        hash: HashAlgorithm,
        mgf_hash: HashAlgorithm,
        salt_len: usize,
        digest: &[u8],
        signature: &[u8],
    ) -> bool {
        let Some(em_full) = self.public_operation(signature) else { return false };
        let em_bits = self.bits().saturating_sub(1);
        let em_len = usize::try_from(em_bits.div_ceil(8)).unwrap_or(0);
        // EM is the last em_len bytes; a leading zero byte is dropped when emBits is a multiple of 8.
        let Some(em) = em_full.get(em_full.len().saturating_sub(em_len)..) else { return false };
        if em_full.len() > em_len && em_full.first() != Some(&0) {
            return false;
        }
        let h_len = digest.len();
        if em_len < h_len + salt_len + 2 || em.last() != Some(&0xBC) {
            return false;
        }
        let (masked_db, rest) = em.split_at(em_len - h_len - 1);
        let Some(h) = rest.get(..h_len) else { return false };
        let unused_bits = u32::try_from(8 * em_len).unwrap_or(0).saturating_sub(em_bits);
        let top_mask = 0xFFu8.checked_shr(unused_bits).unwrap_or(0);
        if masked_db.first().is_some_and(|b| b & !top_mask != 0) {
            return false;
        }
        let mask = mgf1(mgf_hash, h, masked_db.len());
        let mut db: Vec<u8> = masked_db.iter().zip(&mask).map(|(a, b)| a ^ b).collect();
        if let Some(first) = db.first_mut() {
            *first &= top_mask;
        }
        let ps_len = em_len - h_len - salt_len - 2;
        let (ps, tail) = db.split_at(ps_len);
        if ps.iter().any(|b| *b != 0) || tail.first() != Some(&0x01) {
            return false;
        }
        let salt = tail.get(1..).unwrap_or_default();
        let mut m_prime = vec![0u8; 8];
        m_prime.extend_from_slice(digest);
        m_prime.extend_from_slice(salt);
        crate::crypto::ct_eq(&hash.digest(&m_prime), h)
    }
}

/// MGF1 (RFC 8017 App. B.2.1).
fn mgf1(hash: HashAlgorithm, seed: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 64);
    let mut counter: u32 = 0;
    while out.len() < len {
        out.extend(hash.digest(&[seed, &counter.to_be_bytes()].concat()));
        counter = counter.wrapping_add(1);
    }
    out.truncate(len);
    out
}

/// The DER DigestInfo prefix for each hash (RFC 8017 §9.2 note 1).
fn digest_info_prefix(hash: HashAlgorithm) -> &'static [u8] {
    match hash {
        HashAlgorithm::Sha1 => {
            &[0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2B, 0x0E, 0x03, 0x02, 0x1A, 0x05, 0x00, 0x04, 0x14]
        }
        HashAlgorithm::Sha224 => &[
            0x30, 0x2D, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04, 0x05, 0x00, 0x04,
            0x1C,
        ],
        HashAlgorithm::Sha256 => &[
            0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04,
            0x20,
        ],
        HashAlgorithm::Sha384 => &[
            0x30, 0x41, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04,
            0x30,
        ],
        HashAlgorithm::Sha512 => &[
            0x30, 0x51, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04,
            0x40,
        ],
    }
}
