//! Calendar dates and ASN.1 times (ITU-T X.680 §46–47; RFC 5280 §4.1.2.5), as seconds since
//! 1970-01-01 UTC. Only the UTC forms DER allows are read (`YYMMDDHHMMSSZ`,
//! `YYYYMMDDHHMMSSZ`); anything else is `None`, never a guess.

/// A calendar date (UTC, proleptic Gregorian), for turning two-digit MRZ years into full dates
/// and validity times into days. Passed in: the core never reads the clock. Ordered by date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct CalendarDate {
    /// Year, e.g. 2026.
    pub year: u16,
    /// Month 1..=12.
    pub month: u8,
    /// Day 1..=31.
    pub day: u8,
}

impl CalendarDate {
    /// The UTC date of `seconds` since 1970-01-01 (proleptic Gregorian; H. Hinnant's
    /// days-to-civil algorithm). Moments before year 0 or after year 65535 are the first or
    /// last day this type holds.
    ///
    /// The day-count conversions stay written out, while the calendar's rules come from the
    /// `time` crate ([`Self::is_valid`], [`Self::is_leap`]): these two are total over every
    /// value of the type (its fields are public, so `to_unix` may meet 31 February), where
    /// `time`'s constructors are partial and end at year 9999: using them here would add an
    /// error path, or a silent default, to every date of a report.
    pub fn from_unix(seconds: i64) -> Self {
        let first = Self { year: 0, month: 1, day: 1 }.to_unix();
        let last = Self { year: u16::MAX, month: 12, day: 31 }.to_unix() + 86_399;
        let seconds = seconds.clamp(first, last);
        let z = seconds.div_euclid(86_400) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Self {
            // In range after the clamp: years 0..=65535, months 1..=12, days 1..=31.
            year: u16::try_from(year).unwrap_or(u16::MAX),
            month: u8::try_from(month).unwrap_or(12),
            day: u8::try_from(day).unwrap_or(31),
        }
    }

    /// Seconds since 1970-01-01 at 00:00 UTC of this date.
    pub fn to_unix(self) -> i64 {
        let (y, m, d) = (i64::from(self.year), i64::from(self.month), i64::from(self.day));
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        (era * 146_097 + doe - 719_468) * 86_400
    }

    /// Parses `YYYY-MM-DD` (a date a person typed, or a report's); `None` unless a real date.
    pub fn parse_iso(text: &str) -> Option<Self> {
        let t = text.trim();
        if t.len() != 10 || t.as_bytes().get(4) != Some(&b'-') || t.as_bytes().get(7) != Some(&b'-') {
            return None;
        }
        Self::parse_ddmmyyyy(&format!("{}{}{}", t.get(8..10)?, t.get(5..7)?, t.get(0..4)?))
    }

    /// A date as a person types it at a Vietnamese desk: `dd/mm/yyyy` (also with `.` or `-`,
    /// and one-digit day or month), `ddmmyyyy`, or ISO `yyyy-mm-dd`; `None` unless a real date.
    pub fn parse_typed(text: &str) -> Option<Self> {
        let t = text.trim();
        if let Some(date) = Self::parse_iso(t) {
            return Some(date);
        }
        match t.split(['/', '.', '-']).collect::<Vec<_>>().as_slice() {
            [d, m, y] if (1..=2).contains(&d.len()) && (1..=2).contains(&m.len()) && y.len() == 4 => {
                Self::parse_ddmmyyyy(&format!("{d:0>2}{m:0>2}{y}"))
            }
            [digits] => Self::parse_ddmmyyyy(digits),
            _ => None,
        }
    }

    /// `dd/mm/yyyy`, as Vietnamese documents and forms write dates.
    pub fn vietnamese(self) -> String {
        format!("{:02}/{:02}/{:04}", self.day, self.month, self.year)
    }

    /// Parses `DDMMYYYY` (the CCCD QR code's form); `None` unless a real date.
    pub fn parse_ddmmyyyy(text: &str) -> Option<Self> {
        if text.len() != 8 || !text.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let day = text.get(0..2)?.parse().ok()?;
        let month = text.get(2..4)?.parse().ok()?;
        let year = text.get(4..8)?.parse().ok()?;
        let date = Self { year, month, day };
        date.is_valid().then_some(date)
    }

    /// True for a leap year of the Gregorian calendar.
    pub fn is_leap(year: u16) -> bool {
        time::util::is_leap_year(i32::from(year))
    }

    /// True when the month and day exist in that year (the `time` crate's calendar).
    pub fn is_valid(&self) -> bool {
        time::Month::try_from(self.month)
            .is_ok_and(|month| (1..=time::util::days_in_month(month, i32::from(self.year))).contains(&self.day))
    }

    /// `YYMMDD`, as the MRZ writes it.
    pub fn yymmdd(&self) -> String {
        format!("{:02}{:02}{:02}", self.year % 100, self.month, self.day)
    }

    /// `YYYY-MM-DD`.
    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A moment a person typed, in UTC, to seconds since 1970: `YYYY-MM-DD` (the start of that
/// day), or with a time `YYYY-MM-DDTHH:MM[:SS]` (`T` or a space; a trailing `Z` allowed).
/// `None` for anything else or an impossible date or time.
pub fn parse_instant(text: &str) -> Option<i64> {
    let t = text.trim();
    let t = t.strip_suffix('Z').or_else(|| t.strip_suffix('z')).unwrap_or(t);
    let (date, time) = match t.get(10..11) {
        None => (t, None),
        Some("T" | "t" | " ") => (t.get(..10)?, Some(t.get(11..)?)),
        Some(_) => return None,
    };
    let day = CalendarDate::parse_iso(date)?.to_unix();
    let Some(time) = time else { return Some(day) };
    let mut parts = time.split(':');
    let mut next = |max: i64| -> Option<i64> {
        let part = parts.next()?;
        let value: i64 = (part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit())).then(|| part.parse().ok())??;
        (value <= max).then_some(value)
    };
    let (hours, minutes) = (next(23)?, next(59)?);
    let seconds = match time.matches(':').count() {
        1 => 0,
        2 => next(59)?,
        _ => return None,
    };
    Some(day + hours * 3600 + minutes * 60 + seconds)
}

/// `YYYY-MM-DDTHH:MM:SSZ` (RFC 3339) for seconds since 1970.
pub fn iso_date_time(seconds: i64) -> String {
    let date = CalendarDate::from_unix(seconds);
    let time = seconds.rem_euclid(86_400);
    format!("{}T{:02}:{:02}:{:02}Z", date.iso(), time / 3600, time / 60 % 60, time % 60)
}

/// An ASN.1 UTCTime (tag 17) or GeneralizedTime (tag 18) value, as DER and RFC 5280 §4.1.2.5
/// write them, to seconds since 1970; a UTCTime year below 50 is 20YY. `None` for any other
/// form (local time, offsets, fractions) or an impossible date.
pub fn asn1_time(tag: u32, value: &[u8]) -> Option<i64> {
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        let bytes = value.get(range)?;
        bytes.iter().try_fold(0i64, |acc, b| b.is_ascii_digit().then(|| acc * 10 + i64::from(b - b'0')))
    };
    let (year, rest) = match (tag, value.len()) {
        (0x17, 13) => {
            let yy = digits(0..2)?;
            (if yy < 50 { 2000 + yy } else { 1900 + yy }, 2)
        }
        (0x18, 15) => (digits(0..4)?, 4),
        _ => return None,
    };
    if value.last() != Some(&b'Z') {
        return None;
    }
    let field = |n: usize| digits(rest + 2 * n..rest + 2 * n + 2);
    let (month, day, hour, minute, second) = (field(0)?, field(1)?, field(2)?, field(3)?, field(4)?);
    let date = CalendarDate {
        year: u16::try_from(year).ok()?,
        month: u8::try_from(month).ok()?,
        day: u8::try_from(day).ok()?,
    };
    // Round trip through the day count rejects 31 April, 29 February of common years, month 13.
    if !(1..=12).contains(&month)
        || CalendarDate::from_unix(date.to_unix()) != date
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    Some(date.to_unix() + hour * 3600 + minute * 60 + second)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_instants_are_utc_moments() {
        let day = CalendarDate { year: 2026, month: 12, day: 7 }.to_unix();
        assert_eq!(parse_instant("2026-12-07"), Some(day));
        assert_eq!(parse_instant("2026-12-07T09:30"), Some(day + 9 * 3600 + 30 * 60));
        assert_eq!(parse_instant("2026-12-07 09:30:15Z"), Some(day + 9 * 3600 + 30 * 60 + 15));
        assert_eq!(iso_date_time(parse_instant("2026-12-07T23:59:59Z").unwrap()), "2026-12-07T23:59:59Z");
        for bad in [
            "2026-12-07T24:00",
            "2026-12-07T9:30",
            "2026-12-07T09:60",
            "2026-12-07X09:30",
            "2026-13-01",
            "",
            "2026-12-07T09:30:15:00",
        ] {
            assert_eq!(parse_instant(bad), None, "{bad}");
        }
    }

    #[test]
    fn unix_dates_round_trip() {
        for (secs, date) in [(0i64, "1970-01-01"), (951_782_400, "2000-02-29"), (1_796_083_200, "2026-12-01")] {
            let d = CalendarDate::from_unix(secs);
            assert_eq!(d.iso(), date);
            assert_eq!(d.to_unix(), secs);
        }
        // Beyond the type's years: the first or last day it holds, never a made-up month.
        assert_eq!(CalendarDate::from_unix(i64::MIN).iso(), "0000-01-01");
        assert_eq!(CalendarDate::from_unix(i64::MAX), CalendarDate { year: u16::MAX, month: 12, day: 31 });
        assert_eq!(CalendarDate::from_unix(-62_167_219_201).iso(), "0000-01-01");
        // The calendar's rules.
        assert!(CalendarDate::is_leap(2000) && CalendarDate::is_leap(2024) && !CalendarDate::is_leap(1900));
        assert!(CalendarDate { year: 2024, month: 2, day: 29 }.is_valid());
        for (year, month, day) in [(2023, 2, 29), (2026, 4, 31), (2026, 13, 1), (2026, 0, 1), (2026, 1, 0)] {
            assert!(!CalendarDate { year, month, day }.is_valid(), "{year}-{month}-{day}");
        }
    }

    #[test]
    fn utc_and_generalized_times() {
        // 2024-02-29 12:34:56 UTC = 1709210096.
        assert_eq!(asn1_time(0x17, b"240229123456Z"), Some(1_709_210_096));
        assert_eq!(asn1_time(0x18, b"20240229123456Z"), Some(1_709_210_096));
        assert_eq!(asn1_time(0x17, b"700101000000Z"), Some(0));
        assert_eq!(asn1_time(0x17, b"491231235959Z"), Some(2_524_607_999));
        assert_eq!(iso_date_time(1_709_210_096), "2024-02-29T12:34:56Z");
    }

    #[test]
    fn other_forms_and_impossible_dates_are_refused() {
        for (tag, value) in [
            (0x17, &b"230229000000Z"[..]),
            (0x17, b"240431000000Z"),
            (0x17, b"241301000000Z"),
            (0x17, b"240101240000Z"),
            (0x17, b"2401011200Z"),
            (0x17, b"240101120000+0700"),
            (0x18, b"20240101120000.5Z"),
            (0x18, b"2024010112000Z"),
            (0x04, b"240101120000Z"),
            (0x17, b"24O101120000Z"),
        ] {
            assert_eq!(asn1_time(tag, value), None, "{:?}", String::from_utf8_lossy(value));
        }
    }
}
