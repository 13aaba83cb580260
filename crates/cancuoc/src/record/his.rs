//! The holder's data in the shapes Vietnamese hospital systems take: the check-in table of
//! QĐ 4750/QĐ-BYT (`bảng check-in`: `so_cccd`, `ho_ten`, `ngay_sinh` as `yyyyMMddHHmm`,
//! `gioi_tinh` 1/2/3, …) and the inputs of the BHXH card-history lookup (`maThe`, `hoTen`,
//! `ngaySinh` as `dd/MM/yyyy`), `docs/research/integration.md` §3. Both are projections of
//! the report's `holder` block, so they hold only what EF.SOD signs.

use serde::Serialize;

use crate::report::Report;

/// The check-in record (QĐ 4750/QĐ-BYT check-in table); `None` where the card has no value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Checkin {
    /// The 12-digit ID number (else, for a passport, the document number).
    pub so_cccd: Option<String>,
    /// The full name, in Unicode as the card writes it.
    pub ho_ten: Option<String>,
    /// Date of birth `yyyyMMddHHmm`: `yyyyMMdd0000`, with `00` for an unknown day or month.
    pub ngay_sinh: Option<String>,
    /// Sex: 1 Nam, 2 Nữ, 3 not stated.
    pub gioi_tinh: u8,
    /// Place of residence.
    pub dia_chi: Option<String>,
    /// Date of issue `yyyyMMdd`.
    pub ngay_cap: Option<String>,
    /// Date of birth `dd/MM/yyyy` (`00` for an unknown day or month), for forms that show it.
    pub ngay_sinh_vn: Option<String>,
}

/// The inputs of the BHXH card-history lookup (`KQNhanLichSuKCB`): the ID number stands for
/// the insurance card number.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Bhxh {
    /// The 12-digit ID number.
    pub ma_the: Option<String>,
    /// The full name.
    pub ho_ten: Option<String>,
    /// Date of birth `dd/MM/yyyy`, or the year alone when the card gives no day or month
    /// (the gateway takes both).
    pub ngay_sinh: Option<String>,
}

/// `s` when it is exactly `len` ASCII digits.
fn digits(s: &str, len: usize) -> Option<&str> {
    (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then_some(s)
}

/// A date as the card gives it, possibly partial: day and month `0` when unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PartialDate {
    year: u16,
    month: u8,
    day: u8,
}

impl PartialDate {
    /// `yyyy-mm-dd` (the report's form), or the card's own `dd/mm/yyyy`, `mm/yyyy`, `yyyy`
    /// with `00` or missing parts for unknown ones.
    fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let (year, month, day) = if let [y, m, d] = text.split('-').collect::<Vec<_>>()[..] {
            (digits(y, 4)?, digits(m, 2)?, digits(d, 2)?)
        } else {
            match text.split('/').collect::<Vec<_>>()[..] {
                [d, m, y] => (digits(y, 4)?, digits(m, 2)?, digits(d, 2)?),
                [m, y] => (digits(y, 4)?, digits(m, 2)?, "00"),
                [y] => (digits(y, 4)?, "00", "00"),
                _ => return None,
            }
        };
        let date = Self { year: year.parse().ok()?, month: month.parse().ok()?, day: day.parse().ok()? };
        // A known day needs a known month.
        let valid = date.year > 0 && date.month <= 12 && date.day <= 31 && !(date.month == 0 && date.day != 0);
        valid.then_some(date)
    }

    fn compact(self) -> String {
        format!("{:04}{:02}{:02}", self.year, self.month, self.day)
    }

    fn vietnamese(self) -> String {
        format!("{:02}/{:02}/{:04}", self.day, self.month, self.year)
    }

    fn is_complete(self) -> bool {
        self.month != 0 && self.day != 0
    }
}

/// The check-in record of a report.
pub fn checkin(report: &Report) -> Checkin {
    let h = &report.holder;
    let birth = h.date_of_birth.as_deref().and_then(PartialDate::parse);
    Checkin {
        so_cccd: h.id_number.clone().or_else(|| report.document.document_number.clone()),
        ho_ten: h.full_name.clone(),
        ngay_sinh: birth.map(|d| format!("{}0000", d.compact())),
        gioi_tinh: match h.sex.as_deref() {
            Some("M") => 1,
            Some("F") => 2,
            _ => 3,
        },
        dia_chi: h.place_of_residence.clone(),
        ngay_cap: h.date_of_issue.as_deref().and_then(PartialDate::parse).map(PartialDate::compact),
        ngay_sinh_vn: birth.map(PartialDate::vietnamese),
    }
}

/// The BHXH lookup inputs of a report.
pub fn bhxh(report: &Report) -> Bhxh {
    let h = &report.holder;
    let birth = h.date_of_birth.as_deref().and_then(PartialDate::parse);
    Bhxh {
        ma_the: h.id_number.clone(),
        ho_ten: h.full_name.clone(),
        ngay_sinh: birth.map(|d| if d.is_complete() { d.vietnamese() } else { format!("{:04}", d.year) }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::HolderReport;

    fn report(holder: HolderReport) -> Report {
        let mut report = Report::new(&crate::document::Document::default(), &crate::report::ReportContext::default());
        report.holder = holder;
        report
    }

    fn holder(dob: &str, sex: &str) -> HolderReport {
        HolderReport {
            id_number: Some("001090012345".into()),
            full_name: Some("Nguyễn Văn A".into()),
            date_of_birth: Some(dob.into()),
            sex: Some(sex.into()),
            place_of_residence: Some("Hà Nội".into()),
            date_of_issue: Some("2021-04-10".into()),
            ..HolderReport::default()
        }
    }

    #[test]
    fn a_full_record_takes_the_check_in_table_formats() {
        let r = report(holder("1990-01-15", "M"));
        let c = checkin(&r);
        assert_eq!(c.so_cccd.as_deref(), Some("001090012345"));
        assert_eq!(c.ho_ten.as_deref(), Some("Nguyễn Văn A"));
        assert_eq!(c.ngay_sinh.as_deref(), Some("199001150000"));
        assert_eq!(c.gioi_tinh, 1);
        assert_eq!(c.dia_chi.as_deref(), Some("Hà Nội"));
        assert_eq!(c.ngay_cap.as_deref(), Some("20210410"));
        assert_eq!(c.ngay_sinh_vn.as_deref(), Some("15/01/1990"));
        let b = bhxh(&r);
        assert_eq!(
            serde_json::to_value(&b).unwrap(),
            serde_json::json!({"maThe": "001090012345", "hoTen": "Nguyễn Văn A", "ngaySinh": "15/01/1990"})
        );
    }

    #[test]
    fn unknown_day_or_month_is_zero_and_bhxh_takes_the_year() {
        for (dob, compact, vn, bhxh_date) in [
            ("00/00/1950", "195000000000", "00/00/1950", "1950"),
            ("1950", "195000000000", "00/00/1950", "1950"),
            ("03/1950", "195003000000", "00/03/1950", "1950"),
            ("00/03/1950", "195003000000", "00/03/1950", "1950"),
        ] {
            let r = report(holder(dob, "F"));
            let c = checkin(&r);
            assert_eq!(c.ngay_sinh.as_deref(), Some(compact), "{dob}");
            assert_eq!(c.ngay_sinh_vn.as_deref(), Some(vn), "{dob}");
            assert_eq!(c.gioi_tinh, 2);
            assert_eq!(bhxh(&r).ngay_sinh.as_deref(), Some(bhxh_date), "{dob}");
        }
    }

    #[test]
    fn nonsense_dates_and_sexes_are_left_out_not_guessed() {
        for dob in ["", "15/00/1990", "1990-13-01", "199O", "1/1/1990", "00/00/0000", "ngày 15"] {
            let r = report(holder(dob, "X"));
            assert_eq!(checkin(&r).ngay_sinh, None, "{dob}");
            assert_eq!(checkin(&r).gioi_tinh, 3);
            assert_eq!(bhxh(&r).ngay_sinh, None, "{dob}");
        }
    }

    #[test]
    fn a_passport_gives_its_document_number() {
        let mut r = report(HolderReport::default());
        r.document.document_number = Some("C1234567".into());
        assert_eq!(checkin(&r).so_cccd.as_deref(), Some("C1234567"));
        assert_eq!(bhxh(&r).ma_the, None);
        assert_eq!(checkin(&r).gioi_tinh, 3);
    }
}
