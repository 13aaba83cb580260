//! DG11, additional personal details (ICAO 9303-10 §4.7.11): `6B { 5C tag list, 5F0E name,
//! A0 other names, 5F10 personal number, 5F2B full date of birth, 5F11 place of birth, 5F42
//! address, 5F12 telephone, 5F13 profession, 5F14 title, 5F15 summary, 5F16 proof of
//! citizenship, 5F17 other TD numbers, 5F18 custody }`.

use super::LdsError;
use super::text::{date, field_text, mrz_style_name, separated};
use crate::codec::ByteReader;

/// The parsed DG11. Every field is optional; text as stored, names and places made readable.
#[derive(Clone, Default, PartialEq, Eq)]
#[allow(missing_docs)] // Field names are the spec's element names.
pub struct Dg11 {
    pub full_name: Option<String>,
    pub other_names: Vec<String>,
    pub personal_number: Option<String>,
    pub date_of_birth: Option<String>,
    pub place_of_birth: Option<String>,
    pub address: Option<String>,
    pub telephone: Option<String>,
    pub profession: Option<String>,
    pub title: Option<String>,
    pub personal_summary: Option<String>,
    /// The proof of citizenship image, as stored.
    pub proof_of_citizenship: Option<Vec<u8>>,
    pub other_travel_documents: Option<String>,
    pub custody_information: Option<String>,
}

impl std::fmt::Debug for Dg11 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Dg11(..)")
    }
}

impl Dg11 {
    /// Parses DG11; unknown tags are skipped.
    ///
    /// # Errors
    /// [`LdsError`] for a malformed structure.
    pub fn parse(bytes: &[u8]) -> Result<Self, LdsError> {
        let mut file = ByteReader::new(bytes, "DG11");
        let dg = file.expect_tlv(0x6B).map_err(LdsError::decode("DG11"))?;
        file.finish_file().map_err(LdsError::decode("DG11"))?;
        let mut r = dg.reader("DG11");
        let mut out = Self::default();
        while !r.is_empty() {
            let tlv = r.tlv().map_err(LdsError::decode("DG11"))?;
            let text = || Some(field_text(tlv.value));
            match tlv.tag {
                0x5F0E => out.full_name = Some(mrz_style_name(&field_text(tlv.value))),
                0xA0 => {
                    let mut names = tlv.reader("DG11 other names");
                    while !names.is_empty() {
                        let name = names.tlv().map_err(LdsError::decode("DG11"))?;
                        if name.tag == 0x5F0F {
                            out.other_names.push(mrz_style_name(&field_text(name.value)));
                        }
                    }
                }
                0x5F10 => out.personal_number = text(),
                0x5F2B => out.date_of_birth = Some(date(tlv.value)),
                0x5F11 => out.place_of_birth = Some(separated(&field_text(tlv.value))),
                0x5F42 => out.address = Some(separated(&field_text(tlv.value))),
                0x5F12 => out.telephone = text(),
                0x5F13 => out.profession = Some(separated(&field_text(tlv.value))),
                0x5F14 => out.title = Some(separated(&field_text(tlv.value))),
                0x5F15 => out.personal_summary = Some(separated(&field_text(tlv.value))),
                0x5F16 => out.proof_of_citizenship = Some(tlv.value.to_vec()),
                0x5F17 => out.other_travel_documents = Some(separated(&field_text(tlv.value))),
                0x5F18 => out.custody_information = Some(separated(&field_text(tlv.value))),
                _ => {}
            }
        }
        Ok(out)
    }
}
