//! Small decoders shared by the LDS parsers: text fields and dates as the LDS stores them.

/// Text of an LDS field: UTF-8 where valid, else Latin-1 (older chips), trimmed.
pub fn field_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.trim().to_owned(),
        Err(_) => bytes.iter().map(|b| char::from(*b)).collect::<String>().trim().to_owned(),
    }
}

/// A name in MRZ style (`SMITH<<JOHN<J`) as `SMITH, JOHN J`; other fields use `<` as a
/// separator (ICAO 9303-10 §4.7.11).
pub fn mrz_style_name(text: &str) -> String {
    let text = text.trim_end_matches('<');
    match text.split_once("<<") {
        Some((primary, secondary)) => {
            format!("{}, {}", primary.replace('<', " ").trim(), secondary.replace('<', " ").trim())
        }
        None => text.replace('<', " ").trim().to_owned(),
    }
}

/// A `<`-separated field (place, address) as comma-separated text.
pub fn separated(text: &str) -> String {
    text.trim_end_matches('<').split('<').map(str::trim).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(", ")
}

/// True for packed BCD that is not also ASCII digits (`1958` stays text).
fn is_bcd(bytes: &[u8]) -> bool {
    bytes.iter().all(|b| b >> 4 <= 9 && b & 0x0F <= 9) && !bytes.iter().all(u8::is_ascii_digit)
}

/// A date given as 8 ASCII digits `YYYYMMDD` or 4 BCD bytes, as `YYYY-MM-DD`; other forms
/// (partial dates) are returned as text.
pub fn date(bytes: &[u8]) -> String {
    let digits = if bytes.len() == 4 && is_bcd(bytes) {
        bytes.iter().map(|b| format!("{:02X}", b)).collect::<String>()
    } else {
        field_text(bytes)
    };
    if digits.len() == 8 && digits.chars().all(|c| c.is_ascii_digit()) {
        let (y, rest) = digits.split_at(4);
        let (m, d) = rest.split_at(2);
        format!("{y}-{m}-{d}")
    } else {
        digits
    }
}

/// A date and time `YYYYMMDDhhmmss` (ASCII or 7 BCD bytes) as `YYYY-MM-DDThh:mm:ss`.
pub fn date_time(bytes: &[u8]) -> String {
    let digits = if bytes.len() == 7 && is_bcd(bytes) {
        bytes.iter().map(|b| format!("{:02X}", b)).collect::<String>()
    } else {
        field_text(bytes)
    };
    match (digits.len(), digits.chars().all(|c| c.is_ascii_digit())) {
        (14, true) => format!(
            "{}-{}-{}T{}:{}:{}",
            &digits.get(0..4).unwrap_or_default(),
            &digits.get(4..6).unwrap_or_default(),
            &digits.get(6..8).unwrap_or_default(),
            &digits.get(8..10).unwrap_or_default(),
            &digits.get(10..12).unwrap_or_default(),
            &digits.get(12..14).unwrap_or_default()
        ),
        _ => digits,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_names_places_and_dates() {
        assert_eq!(mrz_style_name("SMITH<<JOHN<J"), "SMITH, JOHN J");
        assert_eq!(separated("ANYTOWN<MN"), "ANYTOWN, MN");
        assert_eq!(date(b"19580430"), "1958-04-30");
        assert_eq!(date(&[0x20, 0x24, 0x01, 0x01]), "2024-01-01");
        assert_eq!(date(b"1958"), "1958");
        assert_eq!(date_time(&[0x20, 0x24, 0x01, 0x01, 0x12, 0x30, 0x59]), "2024-01-01T12:30:59");
        assert_eq!(field_text(&[0xC4, 0x41]), "ÄA");
    }
}
