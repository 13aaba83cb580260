//! DG1: the MRZ as stored on the chip, `61 { 5F1F mrz }` (ICAO 9303-10 §4.7.1).

use super::mrz::MrzError;
use super::{LdsError, Mrz};
use crate::codec::ByteReader;

const TAG_DG1: u32 = 0x61;
const TAG_MRZ: u32 = 0x5F1F;

/// The parsed DG1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dg1 {
    /// The MRZ.
    pub mrz: Mrz,
    /// Check digits or dates of the MRZ that are wrong. DG1's integrity is EF.SOD's hash to
    /// decide, not the check digits', so a DG1 whose issuer slipped (the ICAO 9303-10 worked
    /// example A.2.1 has a wrong composite check digit) keeps its fields and names the slip.
    pub problems: Vec<MrzError>,
}

impl Dg1 {
    /// Parses DG1.
    ///
    /// # Errors
    /// [`LdsError`] for a malformed file, or an MRZ that is not text of an MRZ's length and
    /// characters. Check digits do not stop it ([`Dg1::problems`]).
    pub fn parse(bytes: &[u8]) -> Result<Self, LdsError> {
        let mut file = ByteReader::new(bytes, "DG1");
        let dg1 = file.expect_tlv(TAG_DG1).map_err(LdsError::decode("DG1"))?;
        file.finish_file().map_err(LdsError::decode("DG1"))?;
        let mut inner = dg1.reader("DG1");
        let mrz = inner.expect_tlv(TAG_MRZ).map_err(LdsError::decode("DG1"))?;
        inner.finish().map_err(LdsError::decode("DG1"))?;
        let text =
            std::str::from_utf8(mrz.value).map_err(|_| LdsError::Invalid { file: "DG1", what: "MRZ is not text" })?;
        let (mrz, problems) = Mrz::parse_lenient(text)?;
        Ok(Self { mrz, problems })
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
        // A changed digit keeps the fields and names the check digit that no longer matches.
        let mut flipped = bytes.clone();
        flipped[17] ^= 1; // the document number's "9" becomes "8"
        let dg1 = Dg1::parse(&flipped).unwrap();
        assert_eq!(dg1.mrz.document_number, "D23145880");
        assert!(dg1.problems.contains(&MrzError::CheckDigit("document number")), "{:?}", dg1.problems);
        assert!(Dg1::parse(&bytes).unwrap().problems.is_empty());
        // A character outside the MRZ alphabet is still refused.
        let mut bad = bytes.clone();
        bad[20] ^= 1; // "<" becomes "="
        assert!(Dg1::parse(&bad).is_err());
    }
}
