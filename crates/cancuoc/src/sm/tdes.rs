//! 3DES secure messaging: 2-key 3DES-CBC with a zero IV, ISO/IEC 9797-1 MAC algorithm 3,
//! 8-byte SSC (ICAO 9303-11 §9.8.6.1).

use super::SmCipher;
use crate::crypto::{TdesKey, retail_mac, tdes_decrypt, tdes_encrypt};

/// The 3DES suite used after BAC (and after PACE with 3DES).
pub struct TdesSm {
    ks_enc: TdesKey,
    ks_mac: TdesKey,
}

impl TdesSm {
    /// A suite from the session keys KS_Enc and KS_MAC.
    pub fn new(ks_enc: TdesKey, ks_mac: TdesKey) -> Self {
        Self { ks_enc, ks_mac }
    }
}

impl SmCipher for TdesSm {
    fn block_size(&self) -> usize {
        8
    }

    fn encrypt(&self, _ssc: &[u8], padded: &[u8]) -> Vec<u8> {
        tdes_encrypt(&self.ks_enc, padded)
    }

    fn decrypt(&self, _ssc: &[u8], cryptogram: &[u8]) -> Option<Vec<u8>> {
        tdes_decrypt(&self.ks_enc, cryptogram)
    }

    fn mac(&self, padded: &[u8]) -> [u8; 8] {
        retail_mac(&self.ks_mac, padded)
    }
}
