//! The `holder` block of the report: the Vietnamese DG13 record where present, else the MRZ
//! of DG1 completed by DG11 (ICAO 9303-10 §4.7.1, §4.7.11). Only ever given a document's
//! [`crate::Document::signed_view`].

use super::HolderReport;
use crate::codec::time::CalendarDate;
use crate::lds::{Dg11, Mrz};
use crate::profile::cccd::{
    Citizen,
    dg13::{field, iso_date},
};

pub(super) fn add_dg11(holder: &mut HolderReport, dg11: &Dg11) {
    if let Some(name) = &dg11.full_name {
        holder.full_name = Some(name.clone());
    }
    if let Some(dob) = dg11.date_of_birth.as_ref().filter(|d| d.len() == 10) {
        holder.date_of_birth = Some(dob.clone());
    }
    holder.place_of_origin = holder.place_of_origin.take().or_else(|| dg11.place_of_birth.clone());
    holder.place_of_residence = holder.place_of_residence.take().or_else(|| dg11.address.clone());
    holder.id_number = holder.id_number.take().or_else(|| dg11.personal_number.clone());
}

pub(super) fn holder_from_dg13(c: &Citizen, mrz: Option<&Mrz>) -> HolderReport {
    let text = |n: u8| c.get(n).map(str::to_owned);
    let date = |n: u8| c.get(n).map(|s| iso_date(s).unwrap_or_else(|| s.to_owned()));
    HolderReport {
        id_number: text(field::ID_NUMBER),
        full_name: text(field::FULL_NAME),
        date_of_birth: date(field::DATE_OF_BIRTH),
        sex: c.sex().map(String::from),
        nationality: text(field::NATIONALITY).or_else(|| mrz.map(|m| m.nationality.clone())),
        ethnicity: text(field::ETHNICITY),
        religion: text(field::RELIGION),
        place_of_origin: text(field::PLACE_OF_ORIGIN),
        place_of_residence: text(field::PLACE_OF_RESIDENCE),
        identifying_marks: text(field::IDENTIFYING_MARKS),
        date_of_issue: date(field::DATE_OF_ISSUE),
        date_of_expiry: date(field::DATE_OF_EXPIRY),
        father_name: c.father_name().map(str::to_owned),
        mother_name: c.mother_name().map(str::to_owned),
        spouse_name: c.spouse_name().map(str::to_owned),
        old_id_number: text(field::OLD_ID_NUMBER),
    }
}

pub(super) fn holder_from_mrz(m: &Mrz, today: Option<CalendarDate>) -> HolderReport {
    let expiry = mrz_date(&m.date_of_expiry).map(|date| expiry_century(date, today));
    // Without today's date, a birth is placed not after the expiry.
    let dob = mrz_date(&m.date_of_birth).map(|date| birth_century(date, today.or(expiry)));
    // A Vietnamese TD1 carries the 12-digit ID in optional data 1 (`docs/research/cccd.md` §1.1).
    let id_number = (m.issuing_state == "VNM")
        .then(|| m.optional_data.get(..12).filter(|s| s.chars().all(|c| c.is_ascii_digit())).map(str::to_owned))
        .flatten();
    HolderReport {
        id_number,
        full_name: Some(m.full_name()).filter(|s| !s.is_empty()),
        date_of_birth: dob.map(CalendarDate::iso).or_else(|| Some(m.date_of_birth.clone())),
        sex: Some(
            match m.sex {
                'M' => "M",
                'F' => "F",
                _ => "X",
            }
            .to_owned(),
        ),
        nationality: Some(m.nationality.clone()),
        date_of_expiry: expiry.map(CalendarDate::iso).or_else(|| Some(m.date_of_expiry.clone())),
        ..HolderReport::default()
    }
}

/// How far ahead of today an expiry may lie before its two-digit year is read as 19YY. No
/// document is valid that long (passports 10 years; a CCCD until the next renewal age, at
/// most 20 years from 40 to 60; cards issued from 60 never expire and carry no date).
const EXPIRY_HORIZON_YEARS: u16 = 20;

/// `YYMMDD` as a date in 20YY; `None` when a part is unknown (`<`) or not a date. The century
/// is then chosen by [`birth_century`] or [`expiry_century`] (ICAO 9303-3 §4.7 stores none;
/// JMRTD and gmrtd use windows of the same kind).
fn mrz_date(yymmdd: &str) -> Option<CalendarDate> {
    if yymmdd.len() != 6 || !yymmdd.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let number = |range: std::ops::Range<usize>| yymmdd.get(range).and_then(|s| s.parse::<u8>().ok());
    let (yy, month, day) = (number(0..2)?, number(2..4)?, number(4..6)?);
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some(CalendarDate {
        year: 2000 + u16::from(yy),
        month,
        day,
    })
}

/// A date of birth is never in the future: 20YY when that is not after `reference` (today, or
/// without it the expiry), else 19YY.
fn birth_century(date: CalendarDate, reference: Option<CalendarDate>) -> CalendarDate {
    match reference {
        Some(reference) if date > reference => CalendarDate { year: date.year - 100, ..date },
        _ => date,
    }
}

/// A date of expiry is 20YY unless that lies more than [`EXPIRY_HORIZON_YEARS`] after today,
/// then 19YY: `940623` read in 2026 expired on 1994-06-23, it does not expire in 2094.
fn expiry_century(date: CalendarDate, today: Option<CalendarDate>) -> CalendarDate {
    match today {
        Some(today) if date > CalendarDate { year: today.year.saturating_add(EXPIRY_HORIZON_YEARS), ..today } => {
            CalendarDate { year: date.year - 100, ..date }
        }
        _ => date,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: u16, month: u8, day: u8) -> CalendarDate {
        CalendarDate { year, month, day }
    }

    #[test]
    fn two_digit_years_get_the_century_a_person_expects() {
        let today = Some(date(2026, 12, 4));
        let expiry = |text| expiry_century(mrz_date(text).unwrap(), today);
        assert_eq!(expiry("940623"), date(1994, 6, 23), "not 2094");
        assert_eq!(expiry("350115"), date(2035, 1, 15));
        assert_eq!(expiry("461204"), date(2046, 12, 4), "20 years ahead is still 20YY");
        assert_eq!(expiry("461205"), date(1946, 12, 5));
        let birth = |text| birth_century(mrz_date(text).unwrap(), today);
        assert_eq!(birth("261204"), date(2026, 12, 4), "born today");
        assert_eq!(birth("261205"), date(1926, 12, 5), "never in the future");
        assert_eq!(birth("900115"), date(1990, 1, 15));
        assert_eq!(birth("150101"), date(2015, 1, 1));
        // Without today: not after the expiry.
        assert_eq!(birth_century(mrz_date("740812").unwrap(), Some(date(2012, 4, 15))), date(1974, 8, 12));
        assert_eq!(mrz_date("74<<<<"), None);
        assert_eq!(mrz_date("741312"), None);
    }
}
