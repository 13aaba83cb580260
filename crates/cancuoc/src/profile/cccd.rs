//! Vietnam's citizen identity card (CCCD, 2021; Căn cước, 2024): the 12-digit ID and the keys
//! it gives, and DG13, the citizen record (`docs/research/cccd.md` §1.1, §2.2).
//!
//! DG13 is not in ICAO 9303. Its layout, established from real-card dumps and several
//! independent readers (`docs/research/cccd.md` §2.2), is:
//!
//! ```text
//! [APPLICATION 13] {                        -- tag 6D
//!   SEQUENCE {
//!     INTEGER 1                             -- version
//!     OBJECT IDENTIFIER 1.0.10646.1.0.8     -- ISO/IEC 10646 UTF-8
//!     SET OF SEQUENCE { INTEGER fieldNumber, value }
//!   } }
//! ```
//!
//! Fields are keyed by number, never by position (positional parsers break when the spouse
//! field is absent), and lengths are full BER (addresses exceed 127 bytes).

use std::collections::BTreeMap;

use thiserror::Error;
use unicode_normalization::UnicodeNormalization;

use crate::access::pace::Can;
use crate::access::{AccessError, AccessKey, MrzKey};
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
/// The MRZ expiry of cards valid for life ("Không thời hạn"): one real sample with valid
/// check digits shows `991231` (`docs/research/cccd.md` §1.1; confidence low–medium).
pub const NO_EXPIRY_MRZ_DATE: &str = "991231";
/// Deepest nesting inside one field value (13 and 14 hold a SEQUENCE of strings).
const MAX_FIELD_DEPTH: usize = 4;
/// Most fields accepted (16 are known; later cards may add some).
const MAX_FIELDS: usize = 64;

/// Errors of the CCCD profile.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CccdError {
    /// The ID number is not 12 digits.
    #[error("a CCCD number has 12 digits (got {0} characters): check the number on the card")]
    BadIdLength(usize),
    /// The ID number holds a non-digit.
    #[error("a CCCD number has digits only: check the number on the card")]
    BadIdCharacter,
    /// DG13 is malformed.
    #[error("DG13 (citizen record) is malformed: {0}")]
    Dg13(#[from] DecodeError),
    /// The QR text is not a CCCD's.
    #[error("the QR text is not a CCCD's: {0}")]
    BadQr(&'static str),
}

/// A 12-digit personal identification number: province (3), century and sex (1), birth year
/// (2), serial (6) (`docs/research/cccd.md` §1.1).
#[derive(Clone, PartialEq, Eq)]
pub struct CccdId(String);

impl CccdId {
    /// Parses a 12-digit ID (spaces and dots between groups are ignored).
    ///
    /// # Errors
    /// [`CccdError::BadIdLength`] or [`CccdError::BadIdCharacter`].
    pub fn parse(text: &str) -> Result<Self, CccdError> {
        let digits: String = text.chars().filter(|c| !c.is_whitespace() && *c != '.').collect();
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(CccdError::BadIdCharacter);
        }
        if digits.len() != 12 {
            return Err(CccdError::BadIdLength(digits.chars().count()));
        }
        Ok(Self(digits))
    }

    /// The 12 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The BAC document number: the last 9 digits (`docs/research/cccd.md` §1.1).
    pub fn document_number(&self) -> &str {
        self.0.get(3..).unwrap_or_default()
    }

    /// The PACE CAN: the last 6 digits (`docs/research/cccd.md` §1.2).
    pub fn can(&self) -> &str {
        self.0.get(6..).unwrap_or_default()
    }

    /// The PACE CAN as an access key, for PACE-CAN with the ID alone.
    ///
    /// # Errors
    /// Never for a parsed ID (its last 6 characters are digits).
    pub fn can_key(&self) -> Result<AccessKey, AccessError> {
        AccessKey::can(self.can())
    }

    /// PACE-CAN, else BAC with these dates (`YYMMDD`), trying each expiry candidate.
    ///
    /// # Errors
    /// [`AccessError::BadInput`] for malformed dates, or no expiry candidate.
    pub fn key_with_dates(&self, date_of_birth: &str, expiries: &[String]) -> Result<AccessKey, AccessError> {
        let mrz = expiries.iter().map(|e| self.bac_key(date_of_birth, e)).collect::<Result<Vec<_>, _>>()?;
        if mrz.is_empty() {
            return Err(AccessError::BadInput("date of expiry"));
        }
        Ok(AccessKey::CanOrMrz { can: Can::new(self.can())?, mrz })
    }

    /// The BAC key from this ID and the dates (`YYMMDD`).
    ///
    /// # Errors
    /// [`AccessError::BadInput`] for malformed dates.
    pub fn bac_key(&self, date_of_birth: &str, date_of_expiry: &str) -> Result<MrzKey, AccessError> {
        MrzKey::new(self.document_number(), date_of_birth, date_of_expiry)
    }
}

impl std::fmt::Debug for CccdId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CccdId(..)")
    }
}

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
            out.push(text.trim().nfc().collect());
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

/// The calendar date of the QR code and the expiry rules: the crate's one date type.
pub use crate::codec::time::CalendarDate as Date;

/// Whole years from `birth` to `at`.
fn age_from(at: &Date, birth: &Date) -> i32 {
    let mut age = i32::from(at.year) - i32::from(birth.year);
    if (at.month, at.day) < (birth.month, birth.day) {
        age -= 1;
    }
    age
}

/// The text of a 2021 CCCD's QR code: `ID|old ID|name|DDMMYYYY|sex|address|DDMMYYYY`
/// (`docs/research/cccd.md` §4.1). A six-field variant without the old ID is accepted.
#[derive(Clone, PartialEq, Eq)]
pub struct CccdQr {
    /// The 12-digit ID.
    pub id: CccdId,
    /// The old 9-digit CMND number, if printed.
    pub old_id: Option<String>,
    /// Full name.
    pub full_name: String,
    /// Date of birth.
    pub date_of_birth: Date,
    /// Sex as printed (`Nam`, `Nữ`).
    pub sex: String,
    /// Address.
    pub address: String,
    /// Date of issue.
    pub date_of_issue: Date,
}

impl std::fmt::Debug for CccdQr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CccdQr(..)")
    }
}

impl CccdQr {
    /// Parses the QR text.
    ///
    /// # Errors
    /// [`CccdError::BadQr`] naming the field at fault, or an ID error.
    pub fn parse(text: &str) -> Result<Self, CccdError> {
        let fields: Vec<&str> = text.trim().split('|').map(str::trim).collect();
        let (id, old_id, rest) = match fields.as_slice() {
            [id, old, rest @ ..] if rest.len() == 5 => (*id, Some(*old), rest),
            [id, rest @ ..] if rest.len() == 5 => (*id, None, rest),
            _ => return Err(CccdError::BadQr("expected 7 fields separated by |")),
        };
        let [name, dob, sex, address, issued] = rest else {
            return Err(CccdError::BadQr("expected 7 fields separated by |"));
        };
        let id = CccdId::parse(id)?;
        let old_id = old_id.filter(|o| !o.is_empty()).map(str::to_owned);
        if old_id.as_ref().is_some_and(|o| !o.chars().all(|c| c.is_ascii_digit())) {
            return Err(CccdError::BadQr("the old ID number (field 2) is not digits"));
        }
        let date_of_birth =
            Date::parse_ddmmyyyy(dob).ok_or(CccdError::BadQr("the date of birth (field 4) is not DDMMYYYY"))?;
        let date_of_issue =
            Date::parse_ddmmyyyy(issued).ok_or(CccdError::BadQr("the date of issue (field 7) is not DDMMYYYY"))?;
        if name.is_empty() {
            return Err(CccdError::BadQr("the name (field 3) is empty"));
        }
        Ok(Self {
            id,
            old_id,
            full_name: name.nfc().collect(),
            date_of_birth,
            sex: (*sex).to_owned(),
            address: address.nfc().collect(),
            date_of_issue,
        })
    }

    /// The access key: PACE-CAN, else BAC with each expiry candidate of
    /// [`expiry_candidates`].
    ///
    /// # Errors
    /// Never for a parsed QR text.
    pub fn access_key(&self) -> Result<AccessKey, AccessError> {
        let expiries: Vec<String> = expiry_candidates(&self.date_of_birth, Some(&self.date_of_issue));
        self.id.key_with_dates(&self.date_of_birth.yymmdd(), &expiries)
    }
}

/// Start of the Law on Identification 2023: cards issued from here renew at 14 too.
const IDENTIFICATION_LAW_2023: Date = Date { year: 2024, month: 7, day: 1 };

/// Likely MRZ expiry dates (`YYMMDD`) of a CCCD, most likely first, from the renewal ages of
/// `docs/research/cccd.md` §4.3: cards renew at 25, 40 and 60 (and 14 for cards issued from 1 July
/// 2024); a card issued within two years before a milestone runs to the next one; the expiry
/// is the birthday in the milestone year; past the last milestone there is none, which the
/// MRZ writes `991231`. Ages at a boundary, 29 February birthdays and an unknown issue date
/// add candidates.
pub fn expiry_candidates(birth: &Date, issued: Option<&Date>) -> Vec<String> {
    let milestones: &[i32] = match issued {
        Some(d) if *d >= IDENTIFICATION_LAW_2023 => &[14, 25, 40, 60],
        _ => &[25, 40, 60],
    };
    let mut ages: Vec<i32> = Vec::new();
    match issued {
        Some(issued) => {
            let age = age_from(issued, birth);
            ages.extend(milestones.iter().copied().find(|m| age < m - 2));
            // Within a year of a two-year boundary the office may have counted either way.
            for (i, m) in milestones.iter().enumerate() {
                if (age - (m - 2)).abs() <= 1 {
                    ages.push(*m);
                    ages.extend(milestones.get(i + 1).copied());
                }
            }
        }
        None => ages.extend(milestones.iter().copied()),
    }
    let mut out: Vec<String> = Vec::new();
    for age in ages {
        let Ok(year) = u16::try_from(i32::from(birth.year) + age) else { continue };
        let mut push = |d: Date| {
            let s = d.yymmdd();
            if !out.contains(&s) {
                out.push(s);
            }
        };
        if birth.month == 2 && birth.day == 29 && !Date::is_leap(year) {
            push(Date { year, month: 2, day: 28 });
            push(Date { year, month: 3, day: 1 });
        } else {
            push(Date { year, month: birth.month, day: birth.day });
        }
    }
    let last = milestones.last().copied().unwrap_or(60);
    let old_enough = issued.is_none_or(|d| age_from(d, birth) >= last - 3);
    if old_enough && !out.iter().any(|s| s == NO_EXPIRY_MRZ_DATE) {
        out.push(NO_EXPIRY_MRZ_DATE.to_owned());
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> BTreeMap<u8, Vec<String>> {
        let mut f = BTreeMap::new();
        f.insert(1, vec!["001090012345".to_owned()]);
        f.insert(2, vec!["Nguyễn Văn An".to_owned()]);
        f.insert(3, vec!["15/01/1990".to_owned()]);
        f.insert(4, vec!["Nam".to_owned()]);
        f.insert(9, vec!["Số 12 ngõ 34 phố Hàng Bông, Phường Hàng Gai, Quận Hoàn Kiếm, Thành phố Hà Nội, một địa chỉ dài hơn một trăm hai mươi tám byte".to_owned()]);
        f.insert(13, vec!["Nguyễn Văn Bình".to_owned(), "Trần Thị Cúc".to_owned()]);
        f
    }

    #[test]
    fn id_gives_bac_number_and_can() {
        let id = CccdId::parse("001 090 012345").unwrap();
        assert_eq!(id.document_number(), "090012345");
        assert_eq!(id.can(), "012345");
        assert_eq!(CccdId::parse("12345"), Err(CccdError::BadIdLength(5)));
        assert_eq!(CccdId::parse("00109001234a"), Err(CccdError::BadIdCharacter));
    }

    #[test]
    fn dg13_round_trips_with_long_values_and_parents() {
        let dg13 = encode_dg13(&sample());
        let c = Citizen::parse_dg13(&dg13).unwrap();
        assert_eq!(c.full_name(), Some("Nguyễn Văn An"));
        assert_eq!(c.sex(), Some('M'));
        assert_eq!(c.father_name(), Some("Nguyễn Văn Bình"));
        assert_eq!(c.mother_name(), Some("Trần Thị Cúc"));
        assert_eq!(c.spouse_name(), None);
        assert!(c.get(9).unwrap().len() > 128);
    }

    #[test]
    fn dg13_rejects_truncation_and_flipped_structure() {
        let dg13 = encode_dg13(&sample());
        for n in 0..dg13.len() {
            assert!(Citizen::parse_dg13(&dg13[..n]).is_err(), "{n}");
        }
        let mut bad = dg13.clone();
        let oid_at = bad.windows(OID_UTF8.len()).position(|w| w == OID_UTF8).unwrap();
        bad[oid_at] ^= 1;
        assert!(Citizen::parse_dg13(&bad).is_err());
    }

    #[test]
    fn names_are_nfc_normalised() {
        let mut f = BTreeMap::new();
        // "Nguyễn" in decomposed form (e + circumflex + tilde as combining marks).
        f.insert(2, vec!["Nguye\u{0302}\u{0303}n".to_owned()]);
        let c = Citizen::parse_dg13(&encode_dg13(&f)).unwrap();
        assert_eq!(c.full_name(), Some("Nguyễn"));
    }

    #[test]
    fn converts_complete_dates_only() {
        assert_eq!(iso_date("15/01/1990").as_deref(), Some("1990-01-15"));
        assert_eq!(iso_date("00/00/1940"), None);
        assert_eq!(iso_date("Không thời hạn"), None);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let mut value = crate::codec::tlv::tlv(0x0C, b"x");
        for _ in 0..10_000 {
            value = crate::codec::tlv::tlv(0x30, &value);
        }
        let field = crate::codec::tlv::tlv(0x30, &[crate::codec::tlv::tlv(0x02, &[2]), value].concat());
        let body = [
            crate::codec::tlv::tlv(0x02, &[1]),
            crate::codec::tlv::tlv(0x06, OID_UTF8),
            crate::codec::tlv::tlv(0x31, &field),
        ]
        .concat();
        let dg13 = crate::codec::tlv::tlv(0x6D, &crate::codec::tlv::tlv(0x30, &body));
        assert!(Citizen::parse_dg13(&dg13).is_err());
    }

    fn date(y: u16, m: u8, d: u8) -> Date {
        Date { year: y, month: m, day: d }
    }

    #[test]
    fn parses_the_2021_qr_text_and_its_six_field_variant() {
        let qr =
            CccdQr::parse("001090012345|123456789|Nguyễn Văn Mẫu|15011990|Nam|Số 1 phố Tràng Tiền, Hà Nội|10042021")
                .unwrap();
        assert_eq!(qr.id.as_str(), "001090012345");
        assert_eq!(qr.old_id.as_deref(), Some("123456789"));
        assert_eq!(qr.date_of_birth, date(1990, 1, 15));
        assert_eq!(qr.date_of_issue, date(2021, 4, 10));
        let six = CccdQr::parse("001090012345|Nguyễn Văn Mẫu|15011990|Nam|Hà Nội|10042021").unwrap();
        assert_eq!(six.old_id, None);
        let empty_old = CccdQr::parse("001090012345||Nguyễn Văn Mẫu|15011990|Nam|Hà Nội|10042021").unwrap();
        assert_eq!(empty_old.old_id, None);
    }

    #[test]
    fn bad_qr_texts_name_the_field() {
        let err = |t: &str| CccdQr::parse(t).unwrap_err().to_string();
        assert!(err("hello").contains("7 fields"));
        assert!(err("001090012345|123456789|A|31021990|Nam|X|10042021").contains("date of birth"));
        assert!(err("001090012345|123456789|A|15011990|Nam|X|2021").contains("date of issue"));
        assert!(err("00109001234|123456789|A|15011990|Nam|X|10042021").contains("12 digits"));
        assert!(err("001090012345|12345678x|A|15011990|Nam|X|10042021").contains("old ID"));
    }

    /// The renewal rules of `docs/research/cccd.md` §4.3 and the MRZ samples of §1.1.
    #[test]
    fn expiry_follows_the_renewal_ages() {
        // Issued at 31: valid to 40.
        assert_eq!(expiry_candidates(&date(1990, 1, 15), Some(&date(2021, 4, 10)))[0], "300115");
        // Issued at 22: valid to 25; at 23 (within two years of 25): to 40.
        assert_eq!(expiry_candidates(&date(1999, 6, 1), Some(&date(2021, 7, 1)))[0], "240601");
        assert_eq!(expiry_candidates(&date(1998, 6, 1), Some(&date(2021, 7, 1)))[0], "380601");
        // Issued at 10 after July 2024: valid to 14.
        assert_eq!(expiry_candidates(&date(2014, 3, 3), Some(&date(2024, 9, 1)))[0], "280303");
        // Issued at 63: no expiry, 991231 (the sample born 1958).
        assert_eq!(expiry_candidates(&date(1958, 10, 26), Some(&date(2021, 5, 1))), vec!["991231".to_owned()]);
        // A 29 February birthday in a common year: both neighbours.
        let c = expiry_candidates(&date(1996, 2, 29), Some(&date(2016, 3, 1)));
        assert_eq!(c, vec!["210228", "210301"]);
        // Unknown issue date: every milestone, then no expiry.
        let c = expiry_candidates(&date(1990, 1, 15), None);
        assert_eq!(c, vec!["150115", "300115", "500115", "991231"]);
    }

    #[test]
    fn the_qr_key_tries_pace_can_then_bac_candidates() {
        let qr = CccdQr::parse("001090012345|123456789|Nguyễn Văn Mẫu|15011990|Nam|Hà Nội|10042021").unwrap();
        let AccessKey::CanOrMrz { mrz, .. } = qr.access_key().unwrap() else { panic!("CAN and MRZ") };
        assert!(!mrz.is_empty());
        let expected = MrzKey::new("090012345", "900115", "300115").unwrap();
        assert_eq!(mrz[0].mrz_information(), expected.mrz_information());
    }
}
