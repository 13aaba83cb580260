//! DG15, the Active Authentication public key (ICAO 9303-11 §6.1): `6F { SubjectPublicKeyInfo }`.

use super::LdsError;
use crate::codec::ByteReader;

/// rsaEncryption 1.2.840.113549.1.1.1.
const OID_RSA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01];
/// id-ecPublicKey 1.2.840.10045.2.1.
const OID_EC: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01];

/// The kind of key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAlgorithm {
    /// RSA (Active Authentication by ISO/IEC 9796-2).
    Rsa,
    /// EC (Active Authentication by ECDSA).
    Ec,
    /// Anything else.
    Other,
}

/// The Active Authentication key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveAuthenticationKey {
    /// The algorithm.
    pub algorithm: KeyAlgorithm,
    /// The SubjectPublicKeyInfo, exactly as stored.
    pub public_key_info: Vec<u8>,
    /// The subjectPublicKey bits (without the unused-bits byte).
    pub public_key: Vec<u8>,
}

impl ActiveAuthenticationKey {
    /// Parses DG15.
    ///
    /// # Errors
    /// [`LdsError`] for a malformed structure.
    pub fn parse_dg15(bytes: &[u8]) -> Result<Self, LdsError> {
        let d = || LdsError::decode("DG15");
        let mut file = ByteReader::new(bytes, "DG15");
        let dg = file.expect_tlv(0x6F).map_err(d())?;
        file.finish_file().map_err(d())?;
        let mut r = dg.reader("DG15");
        let spki = r.expect_tlv(0x30).map_err(d())?;
        let mut s = spki.reader("SubjectPublicKeyInfo");
        let mut algorithm = s.expect_tlv(0x30).map_err(d())?.reader("AlgorithmIdentifier");
        let oid = algorithm.expect_tlv(0x06).map_err(d())?;
        let bits = s.expect_tlv(0x03).map_err(d())?;
        let public_key = bits.value.split_first().map(|(_, rest)| rest.to_vec()).unwrap_or_default();
        let algorithm = if oid.value == OID_RSA {
            KeyAlgorithm::Rsa
        } else if oid.value == OID_EC {
            KeyAlgorithm::Ec
        } else {
            KeyAlgorithm::Other
        };
        Ok(Self { algorithm, public_key_info: spki.raw.to_vec(), public_key })
    }
}
