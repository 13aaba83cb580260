//! DG1: the MRZ as stored on the chip, `61 { 5F1F mrz }` (ICAO 9303-10 §4.7.1).

use super::{LdsError, Mrz};
use crate::codec::ByteReader;

const TAG_DG1: u32 = 0x61;
const TAG_MRZ: u32 = 0x5F1F;

/// The parsed DG1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dg1 {
    /// The MRZ, check digits verified.
    pub mrz: Mrz,
}

impl Dg1 {
    /// Parses DG1.
    ///
    /// # Errors
    /// [`LdsError`] for a malformed file, an MRZ that is not ASCII, or a bad check digit.
    pub fn parse(bytes: &[u8]) -> Result<Self, LdsError> {
        let mut file = ByteReader::new(bytes, "DG1");
        let dg1 = file.expect_tlv(TAG_DG1).map_err(LdsError::decode("DG1"))?;
        file.finish_file().map_err(LdsError::decode("DG1"))?;
        let mut inner = dg1.reader("DG1");
        let mrz = inner.expect_tlv(TAG_MRZ).map_err(LdsError::decode("DG1"))?;
        inner.finish().map_err(LdsError::decode("DG1"))?;
        let text =
            std::str::from_utf8(mrz.value).map_err(|_| LdsError::Invalid { file: "DG1", what: "MRZ is not text" })?;
        Ok(Self { mrz: Mrz::parse(text)? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::tlv::tlv;

    #[test]
    fn parses_a_td1_dg1_and_rejects_every_truncation() {
        let mrz = "I<UTOD231458907<<<<<<<<<<<<<<<7408122F1204159UTO<<<<<<<<<<<6ERIKSSON<<ANNA<MARIA<<<<<<<<<<";
        let bytes = tlv(0x61, &tlv(0x5F1F, mrz.as_bytes()));
        assert_eq!(bytes.len(), 95);
        assert_eq!(Dg1::parse(&bytes).unwrap().mrz.document_number, "D23145890");
        for n in 0..bytes.len() {
            assert!(Dg1::parse(&bytes[..n]).is_err());
        }
        let mut flipped = bytes.clone();
        flipped[20] ^= 1;
        assert!(Dg1::parse(&flipped).is_err());
    }
}
