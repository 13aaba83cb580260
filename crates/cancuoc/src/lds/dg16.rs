//! DG16, persons to notify (ICAO 9303-10 §4.7.16): `70 { 02 n, A1 { 5F50 date recorded,
//! 5F51 name, 5F52 telephone, 5F53 address }, A2 { … }, … }`.

use super::LdsError;
use super::text::{date, field_text, mrz_style_name, separated};
use crate::codec::ByteReader;

/// One person to notify.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[allow(missing_docs)] // Field names are the spec's element names.
pub struct PersonToNotify {
    pub date_recorded: Option<String>,
    pub name: Option<String>,
    pub telephone: Option<String>,
    pub address: Option<String>,
}

/// Parses DG16.
///
/// # Errors
/// [`LdsError`] for a malformed structure.
pub fn parse(bytes: &[u8]) -> Result<Vec<PersonToNotify>, LdsError> {
    let d = || LdsError::decode("DG16");
    let mut file = ByteReader::new(bytes, "DG16");
    let dg = file.expect_tlv(0x70).map_err(d())?;
    file.finish_file().map_err(d())?;
    let mut r = dg.reader("DG16");
    let mut out = Vec::new();
    while !r.is_empty() {
        let entry = r.tlv().map_err(d())?;
        if !(0xA1..=0xBF).contains(&entry.tag) {
            continue;
        }
        let mut e = entry.reader("DG16 person");
        let mut person = PersonToNotify::default();
        while !e.is_empty() {
            let t = e.tlv().map_err(d())?;
            match t.tag {
                0x5F50 => person.date_recorded = Some(date(t.value)),
                0x5F51 => person.name = Some(mrz_style_name(&field_text(t.value))),
                0x5F52 => person.telephone = Some(field_text(t.value)),
                0x5F53 => person.address = Some(separated(&field_text(t.value))),
                _ => {}
            }
        }
        out.push(person);
    }
    Ok(out)
}
