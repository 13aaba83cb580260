//! AES-128/192/256 in CBC mode (the `cbc` crate) and AES-CMAC (`cmac`), and the AES key
//! derivation of ICAO 9303-11 §9.7.1.2 (SHA-1 for 128-bit keys, SHA-256 for 192 and 256).
//!
//! A key's size is its type: [`AesKey`] holds a 16-, 24- or 32-byte array, so every cipher,
//! MAC and CBC run is built from it without an error path to fill with a default.

use aes::{Aes128, Aes192, Aes256};
use cipher::{Array, BlockCipherEncrypt, BlockModeDecrypt, BlockModeEncrypt, InnerIvInit, KeyInit};
use cmac::{Cmac, Mac};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// An AES key of 16, 24 or 32 bytes, wiped on drop, never printed.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub enum AesKey {
    /// AES-128.
    A128([u8; 16]),
    /// AES-192.
    A192([u8; 24]),
    /// AES-256.
    A256([u8; 32]),
}

/// The size of an AES key, for [`kdf_aes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AesSize {
    /// 16 bytes.
    A128,
    /// 24 bytes.
    A192,
    /// 32 bytes.
    A256,
}

impl AesKey {
    /// Wraps key bytes; `None` unless 16, 24 or 32 bytes long.
    pub fn new(bytes: &[u8]) -> Option<Self> {
        match bytes.len() {
            16 => bytes.try_into().ok().map(Self::A128),
            24 => bytes.try_into().ok().map(Self::A192),
            32 => bytes.try_into().ok().map(Self::A256),
            _ => None,
        }
    }

    /// The key bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Self::A128(k) => k,
            Self::A192(k) => k,
            Self::A256(k) => k,
        }
    }

    fn cipher(&self) -> Cipher {
        match self {
            Self::A128(k) => Cipher::A128(Aes128::new(&Array::from(*k))),
            Self::A192(k) => Cipher::A192(Aes192::new(&Array::from(*k))),
            Self::A256(k) => Cipher::A256(Aes256::new(&Array::from(*k))),
        }
    }
}

impl std::fmt::Debug for AesKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AesKey({} bits)", self.as_bytes().len() * 8)
    }
}

enum Cipher {
    A128(Aes128),
    A192(Aes192),
    A256(Aes256),
}

/// AES blocks.
type Blocks = Vec<Array<u8, cipher::consts::U16>>;

/// Derives an AES key of `size` from a shared secret: the first bytes of SHA-1(K ‖ c) for
/// 128 bits, of SHA-256(K ‖ c) for 192 and 256 (ICAO 9303-11 §9.7.1.2).
pub fn kdf_aes(secret: &[u8], counter: u32, size: AesSize) -> AesKey {
    let sha1 = || crate::crypto::sha1(&[secret, &counter.to_be_bytes()].concat());
    let sha256: fn(&[u8], u32) -> [u8; 32] =
        |secret, counter| Sha256::new().chain_update(secret).chain_update(counter.to_be_bytes()).finalize().into();
    match size {
        AesSize::A128 => {
            let digest = sha1();
            let mut key = [0u8; 16];
            key.iter_mut().zip(digest).for_each(|(k, d)| *k = d);
            AesKey::A128(key)
        }
        AesSize::A192 => {
            let digest = sha256(secret, counter);
            let mut key = [0u8; 24];
            key.iter_mut().zip(digest).for_each(|(k, d)| *k = d);
            AesKey::A192(key)
        }
        AesSize::A256 => AesKey::A256(sha256(secret, counter)),
    }
}

/// AES-ECB encryption of one block (the SM IV: E(KS_Enc, SSC), ICAO 9303-11 §9.8.6.2).
pub fn encrypt_block(key: &AesKey, block: &[u8; 16]) -> [u8; 16] {
    let mut b = Array::from(*block);
    match key.cipher() {
        Cipher::A128(c) => c.encrypt_block(&mut b),
        Cipher::A192(c) => c.encrypt_block(&mut b),
        Cipher::A256(c) => c.encrypt_block(&mut b),
    }
    b.into()
}

/// AES-CBC encryption of data already padded to 16 bytes (a short last block is zero-filled).
pub fn cbc_encrypt(key: &AesKey, iv: &[u8; 16], data: &[u8]) -> Vec<u8> {
    let mut blocks: Blocks = crate::crypto::zero_filled_blocks(data);
    let iv = Array::from(*iv);
    match key.cipher() {
        Cipher::A128(c) => cbc::Encryptor::inner_iv_init(c, &iv).encrypt_blocks(&mut blocks),
        Cipher::A192(c) => cbc::Encryptor::inner_iv_init(c, &iv).encrypt_blocks(&mut blocks),
        Cipher::A256(c) => cbc::Encryptor::inner_iv_init(c, &iv).encrypt_blocks(&mut blocks),
    }
    blocks.iter().flat_map(|b| b.iter().copied()).collect()
}

/// AES-CBC decryption; `None` unless the input is whole blocks.
pub fn cbc_decrypt(key: &AesKey, iv: &[u8; 16], data: &[u8]) -> Option<Vec<u8>> {
    if !data.len().is_multiple_of(16) {
        return None;
    }
    let mut blocks: Blocks = crate::crypto::zero_filled_blocks(data);
    let iv = Array::from(*iv);
    match key.cipher() {
        Cipher::A128(c) => cbc::Decryptor::inner_iv_init(c, &iv).decrypt_blocks(&mut blocks),
        Cipher::A192(c) => cbc::Decryptor::inner_iv_init(c, &iv).decrypt_blocks(&mut blocks),
        Cipher::A256(c) => cbc::Decryptor::inner_iv_init(c, &iv).decrypt_blocks(&mut blocks),
    }
    Some(blocks.iter().flat_map(|b| b.iter().copied()).collect())
}

/// AES-CMAC (NIST SP 800-38B) truncated to 8 bytes, as secure messaging and the PACE tokens
/// use it (ICAO 9303-11 §9.8.6.2, §4.4.3.4).
pub fn cmac8(key: &AesKey, data: &[u8]) -> [u8; 8] {
    let full = cmac(key, data);
    let mut out = [0u8; 8];
    out.iter_mut().zip(full).for_each(|(o, f)| *o = f);
    out
}

/// Full 16-byte AES-CMAC.
pub fn cmac(key: &AesKey, data: &[u8]) -> [u8; 16] {
    fn run<M: Mac>(mut mac: M, data: &[u8]) -> [u8; 16] {
        mac.update(data);
        let tag = mac.finalize().into_bytes();
        let mut out = [0u8; 16];
        out.iter_mut().zip(tag.iter()).for_each(|(o, t)| *o = *t);
        out
    }
    match key {
        AesKey::A128(k) => run(<Cmac<Aes128> as KeyInit>::new(&Array::from(*k)), data),
        AesKey::A192(k) => run(<Cmac<Aes192> as KeyInit>::new(&Array::from(*k)), data),
        AesKey::A256(k) => run(<Cmac<Aes256> as KeyInit>::new(&Array::from(*k)), data),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hex_literal::hex;

    /// NIST SP 800-38B App. D.1, AES-128 CMAC examples (`docs/vectors/icao9303-part11.md`
    /// §11) [V].
    #[test]
    fn cmac_matches_sp800_38b() {
        let key = AesKey::new(&hex!("2B7E151628AED2A6ABF7158809CF4F3C")).unwrap();
        let m = hex!(
            "6BC1BEE22E409F96E93D7E117393172AAE2D8A571E03AC9C9EB76FAC45AF8E5130C81C46A35CE411E5FBC1191A0A52EFF69F2445DF4F9B17AD2B417BE66C3710"
        );
        assert_eq!(cmac(&key, &[]), hex!("BB1D6929E95937287FA37D129B756746"));
        assert_eq!(cmac(&key, &m[..16]), hex!("070A16B46B4D4144F79BDD9DD04A287C"));
        assert_eq!(cmac(&key, &m[..40]), hex!("DFA66747DE9AE63030CA32611497C827"));
        assert_eq!(cmac(&key, &m), hex!("51F0BEBF7E3B9D92FC49741779363CFE"));
    }

    /// ICAO 9303-11 §9.7.1 KDF vectors for K = SHA-1("T22000129364081251010318")
    /// (`docs/vectors/icao9303-part11.md` §1) [V][S].
    #[test]
    fn kdf_matches_the_published_vectors() {
        let k = hex!("7E2D2A41C74EA0B38CD36F863939BFA8E9032AAD");
        assert_eq!(kdf_aes(&k, 1, AesSize::A128).as_bytes(), hex!("3CC5F8872F8B1471B47EEFDDFFC43F46"));
        assert_eq!(kdf_aes(&k, 2, AesSize::A128).as_bytes(), hex!("BD651C6B2FA9B4704553332007771E84"));
        assert_eq!(kdf_aes(&k, 3, AesSize::A192).as_bytes(), hex!("D79A23C126202AC9051FEBFBC0E8A03B1C6645D85752B4B7"));
        assert_eq!(
            kdf_aes(&k, 3, AesSize::A256).as_bytes(),
            hex!("D79A23C126202AC9051FEBFBC0E8A03B1C6645D85752B4B71408FA229AB6D56B")
        );
        // CAN "123456" as K_π (§1: [V][X]).
        assert_eq!(kdf_aes(b"123456", 3, AesSize::A128).as_bytes(), hex!("591468CDA83D65219CCCB8560233600F"));
    }

    /// ICAO 9303-11 App. G.1: s = AES-128-CBC-decrypt(K_π, z), IV 0 [V][X].
    #[test]
    fn nonce_decryption_matches_9303_11_g1() {
        let k_pi = AesKey::new(&hex!("89DED1B26624EC1E634C1989302849DD")).unwrap();
        let z = hex!("95A3A016522EE98D01E76CB6B98B42C3");
        let s = cbc_decrypt(&k_pi, &[0; 16], &z).unwrap();
        assert_eq!(s, hex!("3F00C4D39D153F2B2A214A078D899B22"));
        assert_eq!(cbc_encrypt(&k_pi, &[0; 16], &s), z);
        assert!(cbc_decrypt(&k_pi, &[0; 16], &z[..15]).is_none());
        assert!(AesKey::new(&[0; 15]).is_none());
    }
}
