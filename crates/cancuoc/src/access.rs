//! Access control: the keys a terminal proves it knows, and the protocols that turn them
//! into a secure-messaging session: BAC (ICAO 9303-11 §4.3) and PACE (§4.4).

pub(crate) mod bac;
pub(crate) mod pace;

pub use pace::{Can, PaceFailure, PacePassword};

use thiserror::Error;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::apdu::StatusWord;
use crate::channel::ChannelError;
use crate::lds::mrz::{check, check_digit};

/// What the holder or the clerk supplies to open the chip.
#[derive(Clone)]
#[non_exhaustive]
pub enum AccessKey {
    /// Document number, date of birth and date of expiry from the MRZ: PACE-MRZ where the
    /// chip offers PACE, else BAC.
    Mrz(MrzKey),
    /// The card access number: PACE-CAN only.
    Can(Can),
    /// Both (a CCCD with its dates): PACE-CAN, else BAC with the MRZ data, trying each
    /// candidate in turn (a CCCD's expiry may have to be derived: `profile::cccd`).
    CanOrMrz {
        /// The CAN.
        can: Can,
        /// The MRZ data candidates, most likely first; never empty.
        mrz: Vec<MrzKey>,
    },
}

impl AccessKey {
    /// A key from document number, date of birth and date of expiry (dates `YYMMDD`).
    ///
    /// # Errors
    /// [`AccessError::BadInput`] naming the field that is malformed.
    pub fn mrz(document_number: &str, date_of_birth: &str, date_of_expiry: &str) -> Result<Self, AccessError> {
        Ok(Self::Mrz(MrzKey::new(document_number, date_of_birth, date_of_expiry)?))
    }

    /// A key from a 6-digit CAN.
    ///
    /// # Errors
    /// [`AccessError::BadInput`] unless 6 digits.
    pub fn can(can: &str) -> Result<Self, AccessError> {
        Ok(Self::Can(Can::new(can)?))
    }

    /// The PACE password this key gives, CAN first.
    pub fn pace_password(&self) -> PacePassword {
        match self {
            Self::Mrz(mrz) => PacePassword::Mrz(mrz.clone()),
            Self::Can(can) | Self::CanOrMrz { can, .. } => PacePassword::Can(can.clone()),
        }
    }

    /// The BAC keys to try, most likely first; empty when the key has no MRZ data.
    pub fn bac_keys(&self) -> &[MrzKey] {
        match self {
            Self::Mrz(mrz) => std::slice::from_ref(mrz),
            Self::CanOrMrz { mrz, .. } => mrz,
            Self::Can(_) => &[],
        }
    }
}

impl std::fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Mrz(_) => f.write_str("AccessKey::Mrz(..)"),
            Self::Can(_) => f.write_str("AccessKey::Can(..)"),
            Self::CanOrMrz { .. } => f.write_str("AccessKey::CanOrMrz(..)"),
        }
    }
}

/// Converts a date typed by a person, `YYYY-MM-DD` (or already `YYMMDD`), to the MRZ's
/// `YYMMDD`.
///
/// # Errors
/// [`AccessError::BadInput`] naming `what` when the text is not a valid date.
pub fn mrz_date(text: &str, what: &'static str) -> Result<String, AccessError> {
    let text = text.trim();
    let digits: String = text.chars().filter(|c| *c != '-').collect();
    let yymmdd = match (text.len(), digits.len()) {
        (10, 8) if text.as_bytes().get(4) == Some(&b'-') && text.as_bytes().get(7) == Some(&b'-') => {
            digits.get(2..).unwrap_or_default().to_owned()
        }
        (6, 6) => digits,
        _ => return Err(AccessError::BadInput(what)),
    };
    let month = yymmdd.get(2..4).and_then(|m| m.parse::<u8>().ok());
    let day = yymmdd.get(4..6).and_then(|d| d.parse::<u8>().ok());
    if !yymmdd.chars().all(|c| c.is_ascii_digit())
        || !month.is_some_and(|m| (1..=12).contains(&m))
        || !day.is_some_and(|d| (1..=31).contains(&d))
    {
        return Err(AccessError::BadInput(what));
    }
    Ok(yymmdd)
}

/// The MRZ fields that make the BAC key (ICAO 9303-11 §9.7.2): wiped on drop, never printed.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct MrzKey {
    document_number: String,
    date_of_birth: String,
    date_of_expiry: String,
}

impl MrzKey {
    /// Checks and keeps the three fields. The document number is upper-cased, fillers `<`
    /// allowed; dates are `YYMMDD`.
    ///
    /// # Errors
    /// [`AccessError::BadInput`] naming the malformed field.
    pub fn new(document_number: &str, date_of_birth: &str, date_of_expiry: &str) -> Result<Self, AccessError> {
        let document_number = document_number.trim().to_ascii_uppercase();
        if document_number.is_empty()
            || document_number.len() > 22
            || !document_number.chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase() || c == '<')
        {
            return Err(AccessError::BadInput("document number (letters and digits only)"));
        }
        for (value, name) in [(date_of_birth, "date of birth (YYMMDD)"), (date_of_expiry, "date of expiry (YYMMDD)")] {
            if value.len() != 6 || !value.chars().all(|c| c.is_ascii_digit()) {
                return Err(AccessError::BadInput(name));
            }
        }
        Ok(Self { document_number, date_of_birth: date_of_birth.to_owned(), date_of_expiry: date_of_expiry.to_owned() })
    }

    /// MRZ_information: document number (padded to nine with `<`) ‖ check digit ‖ date of
    /// birth ‖ check digit ‖ date of expiry ‖ check digit (ICAO 9303-11 §9.7.2).
    pub fn mrz_information(&self) -> Zeroizing<String> {
        let mut number = self.document_number.clone();
        while number.len() < 9 {
            number.push('<');
        }
        let cd = |s: &str| check_digit(s).unwrap_or('0');
        Zeroizing::new(format!(
            "{number}{}{}{}{}{}",
            cd(&number),
            self.date_of_birth,
            cd(&self.date_of_birth),
            self.date_of_expiry,
            cd(&self.date_of_expiry)
        ))
    }

    /// True when `number` and its check digit are consistent (for callers that hold a
    /// printed MRZ).
    pub fn number_checks(number: &str, digit: char) -> bool {
        check(number, digit)
    }
}

impl std::fmt::Debug for MrzKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MrzKey(..)")
    }
}

/// What to re-check after the chip refused MRZ-based keys.
pub const CHECK_MRZ: &str = "the document (ID) number, date of birth and date of expiry";
/// What to re-check after the chip refused a CAN.
pub const CHECK_CAN: &str = "the CAN (on a CCCD: the last 6 digits of the ID number)";

/// Why access control failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum AccessError {
    /// The chip refused the key: the inputs do not match the document.
    #[error("the card refused the access key ({sw}): re-check {check}")]
    WrongKey {
        /// The status word.
        sw: StatusWord,
        /// What the person should re-check ([`CHECK_MRZ`] or [`CHECK_CAN`]).
        check: &'static str,
    },
    /// The terminal's random source gave no usable value.
    #[error("the random source failed")]
    RandomSource,
    /// The chip offers only protocols or parameters this reader does not implement.
    #[error("this card needs something the reader does not support yet: {0}")]
    Unsupported(&'static str),
    /// A user-supplied field is malformed.
    #[error("invalid {0}")]
    BadInput(&'static str),
    /// The chip refused a step of the protocol.
    #[error("the card refused {step}: {sw}")]
    Refused {
        /// The protocol step.
        step: &'static str,
        /// The status word.
        sw: StatusWord,
    },
    /// The chip's answer breaks the protocol (bad MAC, wrong nonce echo, wrong length).
    #[error("the card's answer to {0} is not valid: this may not be a genuine chip")]
    CardMisbehaved(&'static str),
    /// PACE stopped on answers that contradict the protocol ([`PaceFailure::Inconsistent`]):
    /// no fallback to BAC is tried, as it could be a downgrade forced by a man in the middle.
    #[error("the card's answers are inconsistent ({during}): it may not be a genuine chip; BAC was not tried")]
    Inconsistent {
        /// The step whose answer was wrong.
        during: &'static str,
    },
    /// PACE was required (a bank's setting: `--require-pace`, `"require_pace": true`) and
    /// the card would have been read with BAC: the read stops before any data group.
    #[error(
        "PACE is required, but {why}: the card was not read (a BAC read can be copied more easily); do not accept this card where PACE is required"
    )]
    PaceRequired {
        /// Why BAC would have been used.
        why: String,
    },
    /// A step the terminal computes failed in a way no card can cause (an element of the wrong
    /// kind, a scalar longer than the field): a bug in cancuoc, never "not a genuine chip".
    #[error("internal error in cancuoc ({0}): a bug, please report it")]
    Internal(&'static str),
    /// The exchange failed.
    #[error(transparent)]
    Channel(#[from] ChannelError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_dates_become_mrz_dates() {
        assert_eq!(mrz_date("1990-01-15", "date").unwrap(), "900115");
        assert_eq!(mrz_date("300115", "date").unwrap(), "300115");
        assert!(mrz_date("1990-13-15", "date").is_err());
        assert!(mrz_date("15/01/1990", "date").is_err());
        assert!(mrz_date("1990-1-15", "date").is_err());
    }
}
