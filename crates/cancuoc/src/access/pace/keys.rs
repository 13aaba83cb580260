//! PACE's keys (ICAO 9303-11 §4.4.3, §9.7.1): the password key K_π, the session keys and
//! their secure messaging, the authentication tokens, and Integrated Mapping's
//! pseudo-random function.

use super::AccessError;
use super::{PacePassword, TAG_PUBLIC_KEY};
use crate::codec::tlv::tlv;
use crate::crypto::aes::{AesKey, AesSize, cbc_decrypt, cmac8, kdf_aes};
use crate::crypto::{KDF_ENC, KDF_MAC, KDF_PACE, TdesKey, kdf_tdes, pad, retail_mac, tdes_decrypt};
use crate::lds::security_infos::{KeyAgreement, PaceProtocol, SmCipherKind};
use crate::sm::{AesSm, SecureMessaging, TdesSm};

/// A symmetric key for the password, nonce and session: 3DES or AES.
#[derive(Clone)]
pub enum SymmetricKey {
    /// 2-key 3DES.
    Tdes(TdesKey),
    /// AES.
    Aes(AesKey),
}

impl SymmetricKey {
    /// KDF(K, c) for `cipher` (ICAO 9303-11 §9.7.1).
    pub fn derive(cipher: SmCipherKind, secret: &[u8], counter: u32) -> Self {
        match cipher {
            SmCipherKind::Tdes => Self::Tdes(kdf_tdes(secret, counter)),
            SmCipherKind::Aes128 => Self::Aes(kdf_aes(secret, counter, AesSize::A128)),
            SmCipherKind::Aes192 => Self::Aes(kdf_aes(secret, counter, AesSize::A192)),
            SmCipherKind::Aes256 => Self::Aes(kdf_aes(secret, counter, AesSize::A256)),
        }
    }

    /// CBC decryption with a zero IV (the nonce: ICAO 9303-11 §4.4.3.2).
    pub fn decrypt_zero_iv(&self, data: &[u8]) -> Option<Vec<u8>> {
        match self {
            Self::Tdes(k) => tdes_decrypt(k, data),
            Self::Aes(k) => cbc_decrypt(k, &[0; 16], data),
        }
    }

    /// CBC encryption with a zero IV of data that is whole blocks (the card side of the nonce).
    #[cfg(any(test, feature = "card"))]
    pub fn encrypt_zero_iv(&self, data: &[u8]) -> Vec<u8> {
        match self {
            Self::Tdes(k) => crate::crypto::tdes_encrypt(k, data),
            Self::Aes(k) => crate::crypto::aes::cbc_encrypt(k, &[0; 16], data),
        }
    }

    /// The 8-byte MAC: retail MAC over padded data, or CMAC (ICAO 9303-11 §9.8.3).
    pub fn mac(&self, data: &[u8]) -> [u8; 8] {
        match self {
            Self::Tdes(k) => retail_mac(k, &pad(data, 8)),
            Self::Aes(k) => cmac8(k, data),
        }
    }
}

/// K_π = KDF(f(π), 3) (ICAO 9303-11 §9.7.3).
pub fn password_key(password: &PacePassword, cipher: SmCipherKind) -> SymmetricKey {
    SymmetricKey::derive(cipher, &password.secret(), KDF_PACE)
}

/// The secure-messaging session from the shared secret K: KS_Enc = KDF(K, 1), KS_MAC =
/// KDF(K, 2), SSC = 0 (ICAO 9303-11 §4.4.3.4, §9.8.2).
pub fn session(cipher: SmCipherKind, shared_secret: &[u8]) -> (SecureMessaging, SymmetricKey) {
    let ks_mac = SymmetricKey::derive(cipher, shared_secret, KDF_MAC);
    let sm = match (SymmetricKey::derive(cipher, shared_secret, KDF_ENC), ks_mac.clone()) {
        (SymmetricKey::Tdes(enc), SymmetricKey::Tdes(mac)) => {
            SecureMessaging::new(Box::new(TdesSm::new(enc, mac)), vec![0; 8])
        }
        (SymmetricKey::Aes(enc), SymmetricKey::Aes(mac)) => {
            SecureMessaging::new(Box::new(AesSm::new(enc, mac)), vec![0; 16])
        }
        // derive() gives both keys of the same kind for one cipher.
        _ => SecureMessaging::new(Box::new(TdesSm::new(TdesKey::new([0; 16]), TdesKey::new([0; 16]))), vec![0; 8]),
    };
    (sm, ks_mac)
}

/// The authentication token: MAC(KS_MAC, 7F49 { 06 OID, 86|84 public key }) over the other
/// side's ephemeral public key (ICAO 9303-11 §4.4.3.4, BSI TR-03110-3 §D.3).
pub fn token(ks_mac: &SymmetricKey, protocol: &PaceProtocol, other_public: &[u8]) -> [u8; 8] {
    let key_tag = match protocol.agreement {
        KeyAgreement::Ecdh => 0x86,
        KeyAgreement::Dh => 0x84,
    };
    let input = tlv(TAG_PUBLIC_KEY, &[tlv(0x06, &protocol.oid.0), tlv(key_tag, other_public)].concat());
    ks_mac.mac(&input)
}

/// c0 of the Integrated Mapping's pseudo-random function for l = 128 (ICAO 9303-11
/// §4.4.3.3.2).
const PRF_C0_128: [u8; 16] =
    [0xA6, 0x68, 0x89, 0x2A, 0x7C, 0x41, 0xE3, 0xCA, 0x73, 0x9F, 0x40, 0xB0, 0x57, 0xD8, 0x59, 0x04];
/// c1 of the pseudo-random function for l = 128.
const PRF_C1_128: [u8; 16] =
    [0xA4, 0xE1, 0x36, 0xAC, 0x72, 0x5F, 0x73, 0x8B, 0x01, 0xC1, 0xF6, 0x02, 0x17, 0xC1, 0x88, 0xAD];

/// The Integrated Mapping's pseudo-random function R(s, t) with AES-128 (ICAO 9303-11
/// §4.4.3.3.2): k₀ = E(t, s); xᵢ = E(kᵢ, c1), kᵢ₊₁ = E(kᵢ, c0); R = x₀ ‖ … ‖ xₙ₋₁ with
/// n = ⌈(log₂ p + 64) / 128⌉. Only l = 128 is implemented: it is the variant with published
/// worked examples (App. H).
///
/// # Errors
/// [`AccessError::Unsupported`] for other ciphers; [`AccessError::CardMisbehaved`] for a
/// nonce that is not one block.
pub fn integrated_prf(cipher: SmCipherKind, s: &[u8], t: &[u8], p_bits: u32) -> Result<Vec<u8>, AccessError> {
    use crate::crypto::aes::encrypt_block;
    if cipher != SmCipherKind::Aes128 {
        return Err(AccessError::Unsupported("PACE integrated mapping with a cipher other than AES-128"));
    }
    let block = |b: &[u8]| -> Result<[u8; 16], AccessError> {
        b.try_into().map_err(|_| AccessError::CardMisbehaved("PACE nonce"))
    };
    let key = |k: &[u8; 16]| AesKey::new(k).ok_or(AccessError::CardMisbehaved("PACE nonce"));
    let mut k = encrypt_block(&key(&block(t)?)?, &block(s)?);
    let n = (p_bits + 64).div_ceil(128);
    let mut out = Vec::new();
    for _ in 0..n {
        let ki = key(&k)?;
        out.extend_from_slice(&encrypt_block(&ki, &PRF_C1_128));
        k = encrypt_block(&ki, &PRF_C0_128);
    }
    Ok(out)
}
