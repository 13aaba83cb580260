//! DG12, additional document details (ICAO 9303-10 §4.7.12): `6C { 5C tag list, 5F19 issuing
//! authority, 5F26 date of issue, A0 other persons, 5F1B endorsements, 5F1C tax/exit, 5F1D
//! front image, 5F1E rear image, 5F55 personalization time, 5F56 personalization system }`.

use super::LdsError;
use super::text::{date, date_time, field_text, mrz_style_name, separated};
use crate::codec::ByteReader;

/// The parsed DG12.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[allow(missing_docs)] // Field names are the spec's element names.
pub struct Dg12 {
    pub issuing_authority: Option<String>,
    pub date_of_issue: Option<String>,
    pub other_persons: Vec<String>,
    pub endorsements: Option<String>,
    pub tax_exit_requirements: Option<String>,
    pub front_image: Option<Vec<u8>>,
    pub rear_image: Option<Vec<u8>>,
    pub personalization_time: Option<String>,
    pub personalization_system_serial: Option<String>,
}

impl Dg12 {
    /// Parses DG12; unknown tags are skipped.
    ///
    /// # Errors
    /// [`LdsError`] for a malformed structure.
    pub fn parse(bytes: &[u8]) -> Result<Self, LdsError> {
        let mut file = ByteReader::new(bytes, "DG12");
        let dg = file.expect_tlv(0x6C).map_err(LdsError::decode("DG12"))?;
        file.finish_file().map_err(LdsError::decode("DG12"))?;
        let mut r = dg.reader("DG12");
        let mut out = Self::default();
        while !r.is_empty() {
            let tlv = r.tlv().map_err(LdsError::decode("DG12"))?;
            match tlv.tag {
                0x5F19 => out.issuing_authority = Some(separated(&field_text(tlv.value))),
                0x5F26 => out.date_of_issue = Some(date(tlv.value)),
                0xA0 => {
                    let mut persons = tlv.reader("DG12 other persons");
                    while !persons.is_empty() {
                        let p = persons.tlv().map_err(LdsError::decode("DG12"))?;
                        if p.tag == 0x5F1A {
                            out.other_persons.push(mrz_style_name(&field_text(p.value)));
                        }
                    }
                }
                0x5F1B => out.endorsements = Some(separated(&field_text(tlv.value))),
                0x5F1C => out.tax_exit_requirements = Some(separated(&field_text(tlv.value))),
                0x5F1D => out.front_image = Some(tlv.value.to_vec()),
                0x5F1E => out.rear_image = Some(tlv.value.to_vec()),
                0x5F55 => out.personalization_time = Some(date_time(tlv.value)),
                0x5F56 => out.personalization_system_serial = Some(field_text(tlv.value)),
                _ => {}
            }
        }
        Ok(out)
    }
}
