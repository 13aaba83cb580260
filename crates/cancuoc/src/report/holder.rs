//! The `holder` block of the report: the Vietnamese DG13 record where present, else the MRZ
//! of DG1 completed by DG11 (ICAO 9303-10 §4.7.1, §4.7.11). Only ever given a document's
//! [`crate::Document::signed_view`].

use super::HolderReport;
use crate::codec::time::CalendarDate;
use crate::lds::{Dg11, Mrz};
use crate::profile::cccd::{Citizen, field, iso_date};

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
    let expiry = mrz_date(&m.date_of_expiry, |_| 2000);
    let expiry_year = expiry.as_ref().and_then(|d| d.get(..4)).and_then(|y| y.parse::<u16>().ok());
    let pivot = today.map(|t| t.year).or(expiry_year).unwrap_or(2099);
    let dob = mrz_date(&m.date_of_birth, |yy| if 2000 + yy > pivot { 1900 } else { 2000 });
    // A Vietnamese TD1 carries the 12-digit ID in optional data 1 (`research/cccd.md` §1.1).
    let id_number = (m.issuing_state == "VNM")
        .then(|| m.optional_data.get(..12).filter(|s| s.chars().all(|c| c.is_ascii_digit())).map(str::to_owned))
        .flatten();
    HolderReport {
        id_number,
        full_name: Some(m.full_name()).filter(|s| !s.is_empty()),
        date_of_birth: dob.or_else(|| Some(m.date_of_birth.clone())),
        sex: Some(
            match m.sex {
                'M' => "M",
                'F' => "F",
                _ => "X",
            }
            .to_owned(),
        ),
        nationality: Some(m.nationality.clone()),
        date_of_expiry: expiry.or_else(|| Some(m.date_of_expiry.clone())),
        ..HolderReport::default()
    }
}

/// `YYMMDD` → `YYYY-MM-DD` with the century chosen by `century(yy)`; `None` when a part is
/// unknown (`<`).
fn mrz_date(yymmdd: &str, century: impl Fn(u16) -> u16) -> Option<String> {
    if yymmdd.len() != 6 || !yymmdd.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let yy = yymmdd.get(..2)?.parse::<u16>().ok()?;
    Some(format!("{}-{}-{}", century(yy) + yy, yymmdd.get(2..4)?, yymmdd.get(4..6)?))
}
