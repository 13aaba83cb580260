//! Fixed-width big-endian conversions and bounded random draws shared by [`super::curve`]
//! and [`super::dh`].

use crypto_bigint::Uint;
use rand_core::CryptoRng;

/// Most draws of the random source for one key: a working source is accepted within a few;
/// one that keeps giving out-of-range values (broken, or replayed) must not hang the reader.
const MAX_DRAWS: usize = 64;

/// A big-endian integer of any length whose value fits `LIMBS` (leading zeros ignored).
pub(crate) fn from_be<const LIMBS: usize>(bytes: &[u8]) -> Option<Uint<LIMBS>> {
    let width = LIMBS * 8;
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    let significant = bytes.get(skip..)?;
    if significant.len() > width {
        return None;
    }
    let mut padded = vec![0u8; width];
    padded.get_mut(width - significant.len()..)?.copy_from_slice(significant);
    Some(Uint::<LIMBS>::from_be_slice(&padded))
}

/// The last `len` bytes of the big-endian encoding.
pub(crate) fn to_be<const LIMBS: usize>(value: &Uint<LIMBS>, len: usize) -> Vec<u8> {
    let all = value.to_be_bytes();
    let all: &[u8] = all.as_ref();
    all.get(all.len().saturating_sub(len)..).unwrap_or_default().to_vec()
}

/// A uniformly random value in [1, bound − 1] as `len` big-endian bytes, by rejection
/// sampling on `bits`-bit draws; `None` after [`MAX_DRAWS`] rejections.
pub(crate) fn random_below<const LIMBS: usize>(
    bound: &Uint<LIMBS>,
    bits: u32,
    len: usize,
    rng: &mut impl CryptoRng,
) -> Option<Vec<u8>> {
    let mut bytes = vec![0u8; len];
    let excess = u32::try_from(len * 8).unwrap_or(0).saturating_sub(bits);
    for _ in 0..MAX_DRAWS {
        rng.fill_bytes(&mut bytes);
        if let Some(first) = bytes.first_mut() {
            *first &= 0xFFu8.checked_shr(excess).unwrap_or(0);
        }
        if from_be::<LIMBS>(&bytes).is_some_and(|k| k != Uint::ZERO && k < *bound) {
            return Some(bytes);
        }
    }
    None
}
