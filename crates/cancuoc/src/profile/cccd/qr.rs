//! The CCCD's printed QR code and the expiry dates its holder's age makes likely
//! (`docs/research/cccd.md` §4.1, §4.3): what opens the chip when only the card's face is at hand.

use unicode_normalization::UnicodeNormalization;

use super::{CccdError, CccdId, NO_EXPIRY_MRZ_DATE};
use crate::access::{AccessError, AccessKey};

/// The calendar date of the QR code and the expiry rules: the crate's one date type.
use crate::codec::time::CalendarDate as Date;

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
