//! AES-128/192/256 in CBC mode and AES-CMAC, and the AES key derivation of ICAO 9303-11
//! §9.7.1.2 (SHA-1 for 128-bit keys, SHA-256 for 192 and 256).

use aes::{Aes128, Aes192, Aes256};
use cipher::{Array, BlockCipherDecrypt, BlockCipherEncrypt, KeyInit};
use cmac::{Cmac, Mac};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// An AES key of 16, 24 or 32 bytes, wiped on drop, never printed.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct AesKey(Vec<u8>);

impl AesKey {
    /// Wraps key bytes; `None` unless 16, 24 or 32 bytes long.
    pub fn new(bytes: &[u8]) -> Option<Self> {
        matches!(bytes.len(), 16 | 24 | 32).then(|| Self(bytes.to_vec()))
    }

    /// The key bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    fn cipher(&self) -> Cipher {
        match self.0.len() {
            16 => Aes128::new_from_slice(&self.0).map(Cipher::A128),
            24 => Aes192::new_from_slice(&self.0).map(Cipher::A192),
            _ => Aes256::new_from_slice(&self.0).map(Cipher::A256),
        }
        // The length was checked in `new`, so the key always fits.
        .unwrap_or_else(|_| Cipher::A128(Aes128::new(&Array::from([0u8; 16]))))
    }
}

enum Cipher {
    A128(Aes128),
    A192(Aes192),
    A256(Aes256),
}

impl Cipher {
    fn encrypt(&self, block: &mut [u8; 16]) {
        let mut b = Array::from(*block);
        match self {
            Self::A128(c) => c.encrypt_block(&mut b),
            Self::A192(c) => c.encrypt_block(&mut b),
            Self::A256(c) => c.encrypt_block(&mut b),
        }
        block.copy_from_slice(&b);
    }

    fn decrypt(&self, block: &mut [u8; 16]) {
        let mut b = Array::from(*block);
        match self {
            Self::A128(c) => c.decrypt_block(&mut b),
            Self::A192(c) => c.decrypt_block(&mut b),
            Self::A256(c) => c.decrypt_block(&mut b),
        }
        block.copy_from_slice(&b);
    }
}

/// Derives an AES key of `len` bytes (16, 24 or 32) from a shared secret: the first `len`
/// bytes of SHA-1(K ‖ c) for 16, of SHA-256(K ‖ c) for 24 and 32 (ICAO 9303-11 §9.7.1.2).
pub fn kdf_aes(secret: &[u8], counter: u32, len: usize) -> AesKey {
    let digest: Vec<u8> = if len == 16 {
        crate::crypto::sha1(&[secret, &counter.to_be_bytes()].concat()).to_vec()
    } else {
        Sha256::new().chain_update(secret).chain_update(counter.to_be_bytes()).finalize().to_vec()
    };
    AesKey(digest.get(..len.min(digest.len())).unwrap_or_default().to_vec())
}

/// AES-ECB encryption of one block (the SM IV: E(KS_Enc, SSC), ICAO 9303-11 §9.8.6.2).
pub fn encrypt_block(key: &AesKey, block: &[u8; 16]) -> [u8; 16] {
    let mut out = *block;
    key.cipher().encrypt(&mut out);
    out
}

/// AES-CBC encryption of data already padded to 16 bytes.
pub fn cbc_encrypt(key: &AesKey, iv: &[u8; 16], data: &[u8]) -> Vec<u8> {
    let cipher = key.cipher();
    let mut prev = *iv;
    let mut out = Vec::with_capacity(data.len());
    for chunk in data.chunks(16) {
        let mut block = prev;
        for (b, d) in block.iter_mut().zip(chunk) {
            *b ^= d;
        }
        cipher.encrypt(&mut block);
        prev = block;
        out.extend_from_slice(&block);
    }
    out
}

/// AES-CBC decryption; `None` unless the input is whole blocks.
pub fn cbc_decrypt(key: &AesKey, iv: &[u8; 16], data: &[u8]) -> Option<Vec<u8>> {
    if !data.len().is_multiple_of(16) {
        return None;
    }
    let cipher = key.cipher();
    let mut prev = *iv;
    let mut out = Vec::with_capacity(data.len());
    for chunk in data.chunks_exact(16) {
        let mut block: [u8; 16] = chunk.try_into().ok()?;
        cipher.decrypt(&mut block);
        for (b, p) in block.iter_mut().zip(prev) {
            *b ^= p;
        }
        prev.copy_from_slice(chunk);
        out.extend_from_slice(&block);
    }
    Some(out)
}

/// AES-CMAC (NIST SP 800-38B) truncated to 8 bytes, as secure messaging and the PACE tokens
/// use it (ICAO 9303-11 §9.8.6.2, §4.4.3.4).
pub fn cmac8(key: &AesKey, data: &[u8]) -> [u8; 8] {
    let full = cmac(key, data);
    let mut out = [0u8; 8];
    out.copy_from_slice(full.get(..8).unwrap_or(&[0u8; 8]));
    out
}

/// Full 16-byte AES-CMAC.
pub fn cmac(key: &AesKey, data: &[u8]) -> [u8; 16] {
    fn run<M: Mac + KeyInit>(key: &[u8], data: &[u8]) -> [u8; 16] {
        let Ok(mut mac) = <M as KeyInit>::new_from_slice(key) else { return [0u8; 16] };
        mac.update(data);
        let tag = mac.finalize().into_bytes();
        let mut out = [0u8; 16];
        out.copy_from_slice(tag.get(..16).unwrap_or(&[0u8; 16]));
        out
    }
    match key.0.len() {
        16 => run::<Cmac<Aes128>>(&key.0, data),
        24 => run::<Cmac<Aes192>>(&key.0, data),
        _ => run::<Cmac<Aes256>>(&key.0, data),
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
        assert_eq!(kdf_aes(&k, 1, 16).as_bytes(), hex!("3CC5F8872F8B1471B47EEFDDFFC43F46"));
        assert_eq!(kdf_aes(&k, 2, 16).as_bytes(), hex!("BD651C6B2FA9B4704553332007771E84"));
        assert_eq!(kdf_aes(&k, 3, 24).as_bytes(), hex!("D79A23C126202AC9051FEBFBC0E8A03B1C6645D85752B4B7"));
        assert_eq!(
            kdf_aes(&k, 3, 32).as_bytes(),
            hex!("D79A23C126202AC9051FEBFBC0E8A03B1C6645D85752B4B71408FA229AB6D56B")
        );
        // CAN "123456" as K_π (§1: [V][X]).
        assert_eq!(kdf_aes(b"123456", 3, 16).as_bytes(), hex!("591468CDA83D65219CCCB8560233600F"));
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
