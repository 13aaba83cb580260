//! What a person typed or scanned to open a card, turned into an [`AccessKey`]: the CLI's key
//! options (DESIGN.md §3.1 KEY) and the desk app's fields both come here, so every front end
//! reads the same inputs the same way.
//!
//! One input is used, the first given in this order: MRZ data, CAN, the CCCD's QR text, the
//! CCCD's 12-digit ID (alone: PACE-CAN with its last 6 digits; with the date of birth, and the
//! date of expiry or the likely ones, BAC as well; `docs/research/cccd.md` §1.1, §4.3). Blank text
//! counts as not given.

use thiserror::Error;

use super::cccd::{CccdError, CccdId, CccdQr, NO_EXPIRY_MRZ_DATE, expiry_candidates};
use crate::access::{AccessError, AccessKey, mrz_date};
use crate::codec::time::CalendarDate as Date;

/// The inputs, each as typed (`None` or blank when not given).
#[derive(Debug, Clone, Default)]
pub struct KeyInput {
    /// `DOCNO,YYMMDD,YYMMDD`: document number, date of birth, date of expiry, as in the MRZ.
    pub mrz: Option<String>,
    /// The 6-digit card access number.
    pub can: Option<String>,
    /// The text of the CCCD's QR code.
    pub qr: Option<String>,
    /// The CCCD's 12-digit ID number.
    pub id: Option<String>,
    /// With `id`: the date of birth, `YYYY-MM-DD`.
    pub date_of_birth: Option<String>,
    /// With `id` and `date_of_birth`: the date of expiry, `YYYY-MM-DD`, or `none` for a card
    /// valid for life; without it the likely expiry dates are tried.
    pub date_of_expiry: Option<String>,
}

/// The input a [`KeyInputError`] is about, so a screen can mark that field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyField {
    /// [`KeyInput::mrz`].
    Mrz,
    /// [`KeyInput::can`].
    Can,
    /// [`KeyInput::qr`].
    Qr,
    /// [`KeyInput::id`].
    Id,
    /// [`KeyInput::date_of_birth`].
    DateOfBirth,
    /// [`KeyInput::date_of_expiry`].
    DateOfExpiry,
}

/// An input that cannot make a key; the message says what to fix.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum KeyInputError {
    /// The MRZ data are not three comma-separated parts.
    #[error("the MRZ data take DOCNO,YYMMDD,YYMMDD (document number, date of birth, date of expiry)")]
    MrzShape,
    /// A field is malformed (access layer's check).
    #[error("{error}")]
    Access {
        /// The field.
        field: KeyField,
        /// Why.
        error: AccessError,
    },
    /// A CCCD field is malformed (the ID number or the QR text).
    #[error("{error}")]
    Cccd {
        /// The field.
        field: KeyField,
        /// Why.
        error: CccdError,
    },
}

impl KeyInputError {
    /// The input to fix.
    pub fn field(&self) -> KeyField {
        match self {
            Self::MrzShape => KeyField::Mrz,
            Self::Access { field, .. } | Self::Cccd { field, .. } => *field,
        }
    }
}

fn given(text: &Option<String>) -> Option<&str> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

fn access(field: KeyField) -> impl Fn(AccessError) -> KeyInputError {
    move |error| KeyInputError::Access { field, error }
}

fn cccd(field: KeyField) -> impl Fn(CccdError) -> KeyInputError {
    move |error| KeyInputError::Cccd { field, error }
}

impl KeyInput {
    /// The key from the first input given, or `None` when none is.
    ///
    /// # Errors
    /// [`KeyInputError`] naming the input that is malformed.
    pub fn access_key(&self) -> Result<Option<AccessKey>, KeyInputError> {
        if let Some(mrz) = given(&self.mrz) {
            let parts: Vec<&str> = mrz.split(',').map(str::trim).collect();
            let [number, dob, expiry] = parts.as_slice() else { return Err(KeyInputError::MrzShape) };
            let dob = mrz_date(dob, "date of birth (YYMMDD)").map_err(access(KeyField::Mrz))?;
            let expiry = mrz_date(expiry, "date of expiry (YYMMDD)").map_err(access(KeyField::Mrz))?;
            return AccessKey::mrz(number, &dob, &expiry).map(Some).map_err(access(KeyField::Mrz));
        }
        if let Some(can) = given(&self.can) {
            return AccessKey::can(can).map(Some).map_err(access(KeyField::Can));
        }
        if let Some(qr) = given(&self.qr) {
            let qr = CccdQr::parse(qr).map_err(cccd(KeyField::Qr))?;
            return qr.access_key().map(Some).map_err(access(KeyField::Qr));
        }
        let Some(id) = given(&self.id) else { return Ok(None) };
        let id = CccdId::parse(id).map_err(cccd(KeyField::Id))?;
        let Some(dob) = given(&self.date_of_birth) else {
            return id.can_key().map(Some).map_err(access(KeyField::Id));
        };
        // `dd/mm/yyyy` and `ddmmyyyy` as typed at a desk, made ISO for what follows.
        let dob_typed = typed(dob);
        let dob = dob_typed.as_str();
        let dob_mrz = mrz_date(dob, "date of birth (YYYY-MM-DD)").map_err(access(KeyField::DateOfBirth))?;
        let expiries = match given(&self.date_of_expiry) {
            Some(e) if e.eq_ignore_ascii_case("none") => vec![NO_EXPIRY_MRZ_DATE.to_owned()],
            Some(e) => {
                let e = typed(e);
                vec![mrz_date(&e, "date of expiry (YYYY-MM-DD, or none)").map_err(access(KeyField::DateOfExpiry))?]
            }
            None => {
                let birth = Date::parse_iso(dob)
                    .ok_or(AccessError::BadInput("date of birth (YYYY-MM-DD)"))
                    .map_err(access(KeyField::DateOfBirth))?;
                expiry_candidates(&birth, None)
            }
        };
        id.key_with_dates(&dob_mrz, &expiries).map(Some).map_err(access(KeyField::Id))
    }
}

/// A typed date as ISO `YYYY-MM-DD` when it is one in any form a desk takes
/// ([`crate::CalendarDate::parse_typed`]); else the text as it is (a `YYMMDD`, or an error to
/// report).
fn typed(text: &str) -> String {
    crate::codec::time::CalendarDate::parse_typed(text).map_or_else(|| text.to_owned(), |d| d.iso())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(f: impl FnOnce(&mut KeyInput)) -> KeyInput {
        let mut input = KeyInput::default();
        f(&mut input);
        input
    }

    fn key(i: &KeyInput) -> AccessKey {
        i.access_key().unwrap().unwrap()
    }

    #[test]
    fn nothing_given_is_no_key_and_blank_is_nothing() {
        assert!(KeyInput::default().access_key().unwrap().is_none());
        assert!(input(|i| i.id = Some("  ".to_owned())).access_key().unwrap().is_none());
    }

    #[test]
    fn each_input_makes_its_key() {
        assert!(matches!(key(&input(|i| i.id = Some("001090012345".to_owned()))), AccessKey::Can(_)));
        assert!(matches!(key(&input(|i| i.can = Some("012345".to_owned()))), AccessKey::Can(_)));
        let mrz = key(&input(|i| i.mrz = Some("090012345,900115,300115".to_owned())));
        assert!(matches!(mrz, AccessKey::Mrz(_)));
        let with_dob = key(&input(|i| {
            i.id = Some("001090012345".to_owned());
            i.date_of_birth = Some("1990-01-15".to_owned());
        }));
        // The likely expiry dates, each a BAC key to try.
        assert!(with_dob.bac_keys().len() > 1, "{}", with_dob.bac_keys().len());
        let for_life = key(&input(|i| {
            i.id = Some("001090012345".to_owned());
            i.date_of_birth = Some("1990-01-15".to_owned());
            i.date_of_expiry = Some("none".to_owned());
        }));
        assert_eq!(for_life.bac_keys().len(), 1);
        // MRZ data come first when several inputs are given.
        let both = key(&input(|i| {
            i.mrz = Some("090012345,900115,300115".to_owned());
            i.id = Some("001090012345".to_owned());
        }));
        assert!(matches!(both, AccessKey::Mrz(_)));
    }

    #[test]
    fn dates_typed_as_at_a_vietnamese_desk_make_the_same_keys_as_iso() {
        let keys = |dob: &str, expiry: &str| {
            let k = key(&input(|i| {
                i.id = Some("001090012345".to_owned());
                i.date_of_birth = Some(dob.to_owned());
                i.date_of_expiry = Some(expiry.to_owned());
            }));
            k.bac_keys().iter().map(|m| m.mrz_information().to_string()).collect::<Vec<_>>()
        };
        let iso = keys("1990-01-15", "2030-01-15");
        assert_eq!(keys("15/01/1990", "15/01/2030"), iso);
        assert_eq!(keys("15011990", "15012030"), iso);
        assert_eq!(keys("15.1.1990", "15-01-2030"), iso);
        let field = |dob: &str| {
            input(|i| {
                i.id = Some("001090012345".to_owned());
                i.date_of_birth = Some(dob.to_owned());
            })
            .access_key()
            .unwrap_err()
            .field()
        };
        for bad in ["31/02/1990", "1990/01/15", "15/13/1990", "1501199", "15-01-90"] {
            assert_eq!(field(bad), KeyField::DateOfBirth, "{bad}");
        }
    }

    #[test]
    fn errors_name_the_field_to_fix() {
        let field = |i: KeyInput| i.access_key().unwrap_err().field();
        assert_eq!(field(input(|i| i.mrz = Some("090012345,900115".to_owned()))), KeyField::Mrz);
        assert_eq!(field(input(|i| i.mrz = Some("090012345,901315,300115".to_owned()))), KeyField::Mrz);
        assert_eq!(field(input(|i| i.can = Some("12345".to_owned()))), KeyField::Can);
        assert_eq!(field(input(|i| i.qr = Some("not a qr".to_owned()))), KeyField::Qr);
        assert_eq!(field(input(|i| i.id = Some("00109001234".to_owned()))), KeyField::Id);
        let bad_dob = input(|i| {
            i.id = Some("001090012345".to_owned());
            i.date_of_birth = Some("1990-13-15".to_owned());
        });
        assert_eq!(field(bad_dob), KeyField::DateOfBirth);
        let bad_expiry = input(|i| {
            i.id = Some("001090012345".to_owned());
            i.date_of_birth = Some("1990-01-15".to_owned());
            i.date_of_expiry = Some("2030-02-30x".to_owned());
        });
        assert_eq!(field(bad_expiry), KeyField::DateOfExpiry);
        assert!(KeyInputError::MrzShape.to_string().contains("DOCNO,YYMMDD,YYMMDD"));
    }
}
