//! DG13, the Vietnamese citizen record (`docs/research/cccd.md` §2.2): parsed by field number,
//! strings NFC-normalised, and the encoder the virtual card issues with.

use std::collections::BTreeMap;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use super::CccdError;
use crate::codec::{ByteReader, DecodeError, DecodeErrorKind};

const TAG_DG13: u32 = 0x6D;
const TAG_SEQUENCE: u32 = 0x30;
const TAG_SET: u32 = 0x31;
const TAG_INTEGER: u32 = 0x02;
const TAG_OID: u32 = 0x06;
const TAG_UTF8_STRING: u32 = 0x0C;
const TAG_PRINTABLE_STRING: u32 = 0x13;
const TAG_IA5_STRING: u32 = 0x16;
/// 1.0.10646.1.0.8, DER-encoded: the UTF-8 designation of ISO/IEC 10646.
pub const OID_UTF8: &[u8] = &[0x28, 0xD3, 0x16, 0x01, 0x00, 0x08];
/// Deepest nesting inside one field value (13 and 14 hold a SEQUENCE of strings).
const MAX_FIELD_DEPTH: usize = 4;
/// Most fields accepted (16 are known; later cards may add some).
const MAX_FIELDS: usize = 64;

/// DG13 field numbers (`docs/research/cccd.md` §2.2 field table).
pub mod field {
    /// Số CCCD: the 12-digit ID.
    pub const ID_NUMBER: u8 = 1;
    /// Họ và tên: full name with diacritics.
    pub const FULL_NAME: u8 = 2;
    /// Ngày sinh: date of birth, dd/mm/yyyy.
    pub const DATE_OF_BIRTH: u8 = 3;
    /// Giới tính: Nam / Nữ.
    pub const SEX: u8 = 4;
    /// Quốc tịch: nationality.
    pub const NATIONALITY: u8 = 5;
    /// Dân tộc: ethnicity.
    pub const ETHNICITY: u8 = 6;
    /// Tôn giáo: religion.
    pub const RELIGION: u8 = 7;
    /// Quê quán: place of origin (2024 card: place of birth registration, unverified).
    pub const PLACE_OF_ORIGIN: u8 = 8;
    /// Nơi thường trú: place of residence.
    pub const PLACE_OF_RESIDENCE: u8 = 9;
    /// Đặc điểm nhận dạng: identifying marks.
    pub const IDENTIFYING_MARKS: u8 = 10;
    /// Ngày cấp: date of issue.
    pub const DATE_OF_ISSUE: u8 = 11;
    /// Ngày hết hạn: date of expiry, or a text for cards without expiry.
    pub const DATE_OF_EXPIRY: u8 = 12;
    /// Cha, mẹ: father's and mother's names.
    pub const PARENTS: u8 = 13;
    /// Vợ/chồng: spouse's name (absent if none).
    pub const SPOUSE: u8 = 14;
    /// Số CMND cũ: the old 9-digit ID.
    pub const OLD_ID_NUMBER: u8 = 15;
}

/// The citizen record of DG13, strings NFC-normalised.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Citizen {
    /// Every field by number, each as the list of strings it holds (one for most fields,
    /// two for the parents), kept so that unknown or future fields are not lost.
    pub fields: BTreeMap<u8, Vec<String>>,
}

impl std::fmt::Debug for Citizen {
    // Personal data stays out of logs (STYLE.md §9).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Citizen({} fields)", self.fields.len())
    }
}

impl Citizen {
    /// Parses DG13.
    ///
    /// # Errors
    /// [`CccdError::Dg13`] for malformed DER, a wrong version or a missing UTF-8 designation.
    pub fn parse_dg13(bytes: &[u8]) -> Result<Self, CccdError> {
        let mut file = ByteReader::new(bytes, "DG13");
        let dg13 = file.expect_tlv(TAG_DG13)?;
        file.finish_file()?;
        let mut outer = dg13.reader("DG13");
        let mut body = outer.expect_tlv(TAG_SEQUENCE)?.reader("DG13");
        outer.finish()?;
        let version = body.expect_tlv(TAG_INTEGER)?;
        if version.value != [1] {
            return Err(DecodeError {
                at: version.value_offset,
                what: "DG13 version",
                kind: DecodeErrorKind::InvalidValue,
            }
            .into());
        }
        let oid = body.expect_tlv(TAG_OID)?;
        if oid.value != OID_UTF8 {
            return Err(DecodeError {
                at: oid.value_offset,
                what: "DG13 character set",
                kind: DecodeErrorKind::InvalidValue,
            }
            .into());
        }
        let mut citizen = Self::default();
        while !body.is_empty() {
            let item = body.tlv()?;
            match item.tag {
                TAG_SET => {
                    let mut set = item.reader("DG13 fields");
                    while !set.is_empty() {
                        citizen.add_field(set.expect_tlv(TAG_SEQUENCE)?.reader("DG13 field"))?;
                    }
                }
                // Some encoders list the fields without the SET: accept them the same way.
                TAG_SEQUENCE => citizen.add_field(item.reader("DG13 field"))?,
                _ => {}
            }
        }
        Ok(citizen)
    }

    fn add_field(&mut self, mut field: ByteReader<'_>) -> Result<(), DecodeError> {
        let number = field.expect_tlv(TAG_INTEGER)?;
        let n = match number.value {
            [n] => *n,
            _ => {
                return Err(DecodeError {
                    at: number.value_offset,
                    what: "DG13 field number",
                    kind: DecodeErrorKind::InvalidValue,
                });
            }
        };
        if self.fields.len() >= MAX_FIELDS {
            return Err(field.error(DecodeErrorKind::InvalidLength));
        }
        let mut values = Vec::new();
        while !field.is_empty() {
            collect_strings(&mut field, 0, &mut values)?;
        }
        self.fields.entry(n).or_default().extend(values);
        Ok(())
    }

    /// The first string of field `n`, if present and not empty.
    pub fn get(&self, n: u8) -> Option<&str> {
        self.fields.get(&n).and_then(|v| v.first()).map(String::as_str).filter(|s| !s.is_empty())
    }

    /// Field 1, the 12-digit ID.
    pub fn id_number(&self) -> Option<&str> {
        self.get(field::ID_NUMBER)
    }

    /// Field 2, the full name with diacritics.
    pub fn full_name(&self) -> Option<&str> {
        self.get(field::FULL_NAME)
    }

    /// Field 4 as an ICAO sex code: `Nam` → `M`, `Nữ` → `F`, anything else `X`.
    pub fn sex(&self) -> Option<char> {
        self.get(field::SEX).map(|s| match s.trim().to_lowercase().as_str() {
            "nam" | "male" | "m" => 'M',
            "nữ" | "nu" | "female" | "f" => 'F',
            _ => 'X',
        })
    }

    /// Father's name: the first string of field 13.
    pub fn father_name(&self) -> Option<&str> {
        self.get(field::PARENTS)
    }

    /// Mother's name: the second string of field 13.
    pub fn mother_name(&self) -> Option<&str> {
        self.fields.get(&field::PARENTS).and_then(|v| v.get(1)).map(String::as_str).filter(|s| !s.is_empty())
    }

    /// Spouse's name, field 14.
    pub fn spouse_name(&self) -> Option<&str> {
        self.get(field::SPOUSE)
    }
}

/// Collects the strings of one value, descending into SEQUENCEs up to [`MAX_FIELD_DEPTH`].
fn collect_strings(r: &mut ByteReader<'_>, depth: usize, out: &mut Vec<String>) -> Result<(), DecodeError> {
    if depth > MAX_FIELD_DEPTH {
        return Err(r.error(DecodeErrorKind::TooDeep));
    }
    let tlv = r.tlv()?;
    match tlv.tag {
        TAG_UTF8_STRING | TAG_PRINTABLE_STRING | TAG_IA5_STRING => {
            let text = std::str::from_utf8(tlv.value).map_err(|_| DecodeError {
                at: tlv.value_offset,
                what: "DG13 text",
                kind: DecodeErrorKind::InvalidValue,
            })?;
            out.push(nfc(text.trim()));
        }
        TAG_SEQUENCE | TAG_SET => {
            let mut inner = tlv.reader("DG13 field");
            while !inner.is_empty() {
                collect_strings(&mut inner, depth + 1, out)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// `text` in Unicode NFC (precomposed Vietnamese letters, as typed and searched), copied as
/// is when the quick check says it already is (most cards: a back office re-verifying dumps
/// pays the full normalisation only for text written decomposed).
fn nfc(text: &str) -> String {
    match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => text.to_string(),
        IsNormalized::No | IsNormalized::Maybe => text.nfc().collect(),
    }
}

/// Converts a DG13 date `dd/mm/yyyy` to `yyyy-mm-dd`; `None` if it is not a complete date
/// (the card's text is then shown as is).
pub fn iso_date(text: &str) -> Option<String> {
    let mut parts = text.trim().split('/');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || d.len() != 2 || m.len() != 2 || y.len() != 4 {
        return None;
    }
    let (dn, mn) = (d.parse::<u8>().ok()?, m.parse::<u8>().ok()?);
    y.parse::<u16>().ok()?;
    ((1..=31).contains(&dn) && (1..=12).contains(&mn)).then(|| format!("{y}-{m}-{d}"))
}

/// Builds a DG13 from fields (for the virtual card and tests): the inverse of
/// [`Citizen::parse_dg13`]. Field 13 is written as a SEQUENCE of its strings.
pub fn encode_dg13(fields: &BTreeMap<u8, Vec<String>>) -> Vec<u8> {
    use crate::codec::tlv::tlv;
    let mut set = Vec::new();
    for (n, values) in fields {
        let value = match values.as_slice() {
            [one] if *n != field::PARENTS && *n != field::SPOUSE => tlv(TAG_UTF8_STRING, one.as_bytes()),
            many => {
                tlv(TAG_SEQUENCE, &many.iter().flat_map(|s| tlv(TAG_UTF8_STRING, s.as_bytes())).collect::<Vec<u8>>())
            }
        };
        set.extend(tlv(TAG_SEQUENCE, &[tlv(TAG_INTEGER, &[*n]), value].concat()));
    }
    let body = [tlv(TAG_INTEGER, &[1]), tlv(TAG_OID, OID_UTF8), tlv(TAG_SET, &set)].concat();
    tlv(TAG_DG13, &tlv(TAG_SEQUENCE, &body))
}
