//! The primitives of ICAO 9303-11 §9.7–9.8 and of PACE: key derivation, 2-key 3DES in CBC
//! mode, ISO/IEC 9797-1 MAC algorithm 3 and padding method 2 (here); AES and CMAC
//! ([`aes`]); elliptic-curve groups ([`group`]: RustCrypto's named curves, and runtime curves
//! over any prime field for the rest; the standardized parameters in [`curves`]); finite-field
//! Diffie-Hellman ([`dh`]); RSA signature verification ([`rsa`]); the hash functions documents
//! name ([`hash`]). A leaf: it knows no APDUs, files or documents.

pub mod aes;
mod bigint;
mod bp512;
mod curve;
pub mod curves;
pub mod dh;
pub mod group;
pub mod hash;
pub mod rsa;

pub use curve::{CurveError, CurveParams};

use cipher::{Array, BlockModeDecrypt, BlockModeEncrypt, InnerIvInit, KeyInit};
use des::TdesEde2;
use retail_mac::{Mac, RetailMac};
use sha1::{Digest, Sha1};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// KDF counter for the encryption key (ICAO 9303-11 §9.7.1).
pub const KDF_ENC: u32 = 1;
/// KDF counter for the MAC key (ICAO 9303-11 §9.7.1).
pub const KDF_MAC: u32 = 2;
/// KDF counter for the PACE password key (ICAO 9303-11 §9.7.1).
pub const KDF_PACE: u32 = 3;

/// A 2-key 3DES key K1‖K2 (16 bytes), wiped on drop, never printed.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct TdesKey([u8; 16]);

impl TdesKey {
    /// Wraps key bytes (parity bits are ignored by DES).
    pub fn new(bytes: [u8; 16]) -> Self {
        Self(bytes)
    }

    /// The key bytes.
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    fn cipher(&self) -> TdesEde2 {
        TdesEde2::new(&Array::from(self.0))
    }
}

/// Derives a 3DES key from a shared secret: SHA-1(K ‖ c), the first 16 bytes with odd DES
/// parity (ICAO 9303-11 §9.7.1.1).
pub fn kdf_tdes(secret: &[u8], counter: u32) -> TdesKey {
    let mut hash = Sha1::new();
    hash.update(secret);
    hash.update(counter.to_be_bytes());
    let digest = hash.finalize();
    let mut key = [0u8; 16];
    key.copy_from_slice(digest.get(..16).unwrap_or(&[0u8; 16]));
    for b in &mut key {
        *b = with_odd_parity(*b);
    }
    TdesKey(key)
}

/// Sets the low bit of a DES key byte so the byte has odd parity.
fn with_odd_parity(b: u8) -> u8 {
    let high = b & 0xFE;
    if high.count_ones().is_multiple_of(2) { high | 1 } else { high }
}

/// Appends ISO/IEC 9797-1 padding method 2: `80`, then `00` up to a multiple of `block`.
pub fn pad(data: &[u8], block: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len().saturating_add(block));
    out.extend_from_slice(data);
    out.push(0x80);
    while !out.len().is_multiple_of(block) {
        out.push(0);
    }
    out
}

/// Removes ISO/IEC 9797-1 padding method 2; `None` if the padding is malformed.
pub fn unpad(data: &[u8]) -> Option<&[u8]> {
    let end = data.iter().rposition(|b| *b != 0)?;
    match data.get(end) {
        Some(0x80) => data.get(..end),
        _ => None,
    }
}

/// The cipher blocks of `data` (8 or 16 bytes, the array's size), a short last one
/// zero-filled: what the CBC modes take.
pub(crate) fn zero_filled_blocks<N: cipher::array::ArraySize>(data: &[u8]) -> Vec<Array<u8, N>> {
    data.chunks(N::USIZE)
        .map(|chunk| {
            let mut block = Array::<u8, N>::default();
            block.iter_mut().zip(chunk).for_each(|(b, d)| *b = *d);
            block
        })
        .collect()
}

/// 3DES-CBC encryption with a zero IV of data already padded to 8 bytes (the `cbc` crate; a
/// short last block is zero-filled).
pub fn tdes_encrypt(key: &TdesKey, data: &[u8]) -> Vec<u8> {
    let mut blocks = zero_filled_blocks::<cipher::consts::U8>(data);
    cbc::Encryptor::inner_iv_init(key.cipher(), &Array::from([0u8; 8])).encrypt_blocks(&mut blocks);
    blocks.iter().flat_map(|b| b.iter().copied()).collect()
}

/// 3DES-CBC decryption with a zero IV; `None` unless the input is whole blocks.
pub fn tdes_decrypt(key: &TdesKey, data: &[u8]) -> Option<Vec<u8>> {
    if !data.len().is_multiple_of(8) {
        return None;
    }
    let mut blocks = zero_filled_blocks::<cipher::consts::U8>(data);
    cbc::Decryptor::inner_iv_init(key.cipher(), &Array::from([0u8; 8])).decrypt_blocks(&mut blocks);
    Some(blocks.iter().flat_map(|b| b.iter().copied()).collect())
}

/// ISO/IEC 9797-1 MAC algorithm 3 (retail MAC, DES, K1‖K2) over data already padded with
/// method 2 (ICAO 9303-11 §9.8.3). `retail-mac` zero-pads internally, which is a no-op here.
pub fn retail_mac(key: &TdesKey, padded: &[u8]) -> [u8; 8] {
    // The key and tag sizes are RetailMac<Des>'s own (16 and 8 bytes): the types say it, no
    // error path to fill with zeros.
    let mut mac = <RetailMac<des::Des> as KeyInit>::new(&key.0.into());
    mac.update(padded);
    mac.finalize().into_bytes().into()
}

/// Constant-time equality of two MACs or tokens.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// SHA-1 of `data`.
pub fn sha1(data: &[u8]) -> [u8; 20] {
    Sha1::digest(data).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use hex_literal::hex;

    /// ICAO 9303-11 App. D.2: K_seed [V][X] and the derived K_enc, K_mac [V][X]
    /// (`docs/vectors/icao9303-part11.md` §2).
    const D2_K_SEED: [u8; 16] = hex!("239AB9CB282DAF66231DC5A4DF6BFBAE");
    const D2_K_ENC: [u8; 16] = hex!("AB94FDECF2674FDFB9B391F85D7F76F2");
    const D2_K_MAC: [u8; 16] = hex!("7962D9ECE03D1ACD4C76089DCE131543");

    #[test]
    fn kdf_matches_9303_11_d2() {
        assert_eq!(kdf_tdes(&D2_K_SEED, KDF_ENC).as_bytes(), &D2_K_ENC);
        assert_eq!(kdf_tdes(&D2_K_SEED, KDF_MAC).as_bytes(), &D2_K_MAC);
    }

    /// ICAO 9303-11 App. D.3: E_IFD and M_IFD [V][X].
    #[test]
    fn tdes_and_retail_mac_match_9303_11_d3() {
        let s = hex!("781723860C06C2264608F919887022120B795240CB7049B01C19B33E32804F0B");
        let e_ifd = tdes_encrypt(&TdesKey(D2_K_ENC), &s);
        assert_eq!(e_ifd, hex!("72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2"));
        assert_eq!(retail_mac(&TdesKey(D2_K_MAC), &pad(&e_ifd, 8)), hex!("5F1448EEA8AD90A7"));
        assert_eq!(tdes_decrypt(&TdesKey(D2_K_ENC), &e_ifd).unwrap(), s);
    }

    #[test]
    fn padding_round_trips_and_rejects_bad_padding() {
        assert_eq!(pad(&[1, 2], 8), hex!("0102800000000000"));
        assert_eq!(pad(&[0; 8], 8).len(), 16);
        assert_eq!(unpad(&hex!("0102800000000000")).unwrap(), &[1, 2]);
        assert!(unpad(&hex!("0102000000000000")).is_none());
        assert!(unpad(&[0; 8]).is_none());
        assert!(tdes_decrypt(&TdesKey(D2_K_ENC), &[0; 7]).is_none());
    }
}
