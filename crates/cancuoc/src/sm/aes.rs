//! AES secure messaging: AES-CBC with IV = E(KS_Enc, SSC), AES-CMAC truncated to 8 bytes,
//! 16-byte SSC (ICAO 9303-11 §9.8.6.2; BSI TR-03110-3 §F.2).

use super::SmCipher;
use crate::crypto::aes::{AesKey, cbc_decrypt, cbc_encrypt, cmac8, encrypt_block};

/// The AES suite used after PACE (and Chip Authentication) with AES-128/192/256.
pub struct AesSm {
    ks_enc: AesKey,
    ks_mac: AesKey,
}

impl AesSm {
    /// A suite from the session keys KS_Enc and KS_MAC.
    pub fn new(ks_enc: AesKey, ks_mac: AesKey) -> Self {
        Self { ks_enc, ks_mac }
    }

    fn iv(&self, ssc: &[u8]) -> [u8; 16] {
        let mut block = [0u8; 16];
        // The SSC is 16 bytes for AES; a shorter one is right-aligned.
        let start = 16usize.saturating_sub(ssc.len());
        if let Some(dst) = block.get_mut(start..) {
            dst.copy_from_slice(ssc.get(ssc.len().saturating_sub(16)..).unwrap_or_default());
        }
        encrypt_block(&self.ks_enc, &block)
    }
}

impl SmCipher for AesSm {
    fn block_size(&self) -> usize {
        16
    }

    fn encrypt(&self, ssc: &[u8], padded: &[u8]) -> Vec<u8> {
        cbc_encrypt(&self.ks_enc, &self.iv(ssc), padded)
    }

    fn decrypt(&self, ssc: &[u8], cryptogram: &[u8]) -> Option<Vec<u8>> {
        cbc_decrypt(&self.ks_enc, &self.iv(ssc), cryptogram)
    }

    fn mac(&self, padded: &[u8]) -> [u8; 8] {
        cmac8(&self.ks_mac, padded)
    }
}
