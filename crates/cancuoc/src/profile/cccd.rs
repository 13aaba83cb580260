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

use thiserror::Error;

use crate::access::pace::Can;
use crate::access::{AccessError, AccessKey, MrzKey};
use crate::codec::DecodeError;

pub(crate) mod dg13;
mod qr;

pub use dg13::Citizen;
pub use qr::{CccdQr, expiry_candidates};

/// The MRZ expiry of cards valid for life ("Không thời hạn"): one real sample with valid
/// check digits shows `991231` (`docs/research/cccd.md` §1.1; confidence low–medium).
pub const NO_EXPIRY_MRZ_DATE: &str = "991231";

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

#[cfg(test)]
mod tests {
    use super::dg13::{OID_UTF8, encode_dg13, iso_date};
    use super::*;
    use std::collections::BTreeMap;

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

    fn date(y: u16, m: u8, d: u8) -> crate::codec::time::CalendarDate {
        crate::codec::time::CalendarDate { year: y, month: m, day: d }
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
