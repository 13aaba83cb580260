//! The machine readable zone: check digits (ICAO 9303-3 §4.9) and the TD1, TD2 and TD3
//! layouts (ICAO 9303-5, -6, -4). [`Mrz::parse`] returns only an MRZ whose check digits pass.

use thiserror::Error;

/// MRZ problems, named by field so a person can compare with the printed card.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum MrzError {
    /// Not 90 (TD1), 72 (TD2) or 88 (TD3) characters.
    #[error("an MRZ has 90, 72 or 88 characters, not {0}")]
    WrongLength(usize),
    /// A character outside `0-9 A-Z <`.
    #[error("character {0} is not allowed in an MRZ")]
    BadCharacter(usize),
    /// A check digit does not match its field.
    #[error("the check digit of the {0} does not match")]
    CheckDigit(&'static str),
    /// A date field is not a valid YYMMDD date.
    #[error("the {0} is not a valid date")]
    BadDate(&'static str),
}

/// The three MRZ formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MrzFormat {
    /// ID-1 size card, 3 lines of 30 (ICAO 9303-5).
    Td1,
    /// ID-2 size, 2 lines of 36 (ICAO 9303-6).
    Td2,
    /// Passport, 2 lines of 44 (ICAO 9303-4).
    Td3,
}

/// A parsed MRZ whose check digits passed.
#[derive(Clone, PartialEq, Eq)]
pub struct Mrz {
    /// The format.
    pub format: MrzFormat,
    /// The lines as printed.
    pub lines: Vec<String>,
    /// Document code without fillers (`P`, `ID`, `I`, …).
    pub document_code: String,
    /// Issuing state or organisation (`VNM`).
    pub issuing_state: String,
    /// The document number without fillers, long numbers joined (ICAO 9303-5 §4.2.4).
    pub document_number: String,
    /// Date of birth, YYMMDD (may hold `<` for unknown parts).
    pub date_of_birth: String,
    /// `M`, `F` or `<` (unspecified).
    pub sex: char,
    /// Date of expiry, YYMMDD.
    pub date_of_expiry: String,
    /// Nationality (`VNM`).
    pub nationality: String,
    /// Primary identifier (surname), fillers as spaces.
    pub primary_identifier: String,
    /// Secondary identifier (given names), fillers as spaces.
    pub secondary_identifier: String,
    /// Optional data of line 1 (TD1) or the personal number (TD3), fillers kept.
    pub optional_data: String,
    /// Optional data of line 2 (TD1 only), fillers kept.
    pub optional_data_2: String,
}

impl std::fmt::Debug for Mrz {
    // Personal data stays out of logs (STYLE.md §9).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Mrz({:?}, {} ..)", self.format, self.issuing_state)
    }
}

/// The ICAO check digit of `field`: weights 7, 3, 1; digits count at face value, `A`–`Z` as
/// 10–35, `<` as 0 (ICAO 9303-3 §4.9). `None` for other characters.
pub fn check_digit(field: &str) -> Option<char> {
    let mut sum: u32 = 0;
    for (i, c) in field.chars().enumerate() {
        let value = match c {
            '0'..='9' => c.to_digit(10)?,
            'A'..='Z' => u32::from(c) - u32::from('A') + 10,
            '<' => 0,
            _ => return None,
        };
        let weight = [7, 3, 1].get(i % 3).copied().unwrap_or(1);
        sum += value * weight;
    }
    char::from_digit(sum % 10, 10)
}

/// True when `digit` is the check digit of `field`. A filler `<` check digit stands for 0.
pub fn check(field: &str, digit: char) -> bool {
    let digit = if digit == '<' { '0' } else { digit };
    check_digit(field) == Some(digit)
}

fn field(text: &str, range: std::ops::Range<usize>) -> &str {
    text.get(range).unwrap_or("")
}

fn char_at(text: &str, at: usize) -> char {
    text.get(at..).and_then(|s| s.chars().next()).unwrap_or('?')
}

fn trim_fillers(s: &str) -> String {
    s.trim_end_matches('<').to_owned()
}

/// Checks YYMMDD; `<` in a position means "unknown" and is accepted (ICAO 9303-3 §4.7).
fn valid_date(s: &str) -> bool {
    if s.len() != 6 || !s.chars().all(|c| c.is_ascii_digit() || c == '<') {
        return false;
    }
    let month = field(s, 2..4).parse::<u8>().ok();
    let day = field(s, 4..6).parse::<u8>().ok();
    month.is_none_or(|m| (1..=12).contains(&m)) && day.is_none_or(|d| (1..=31).contains(&d))
}

/// How check digits and dates are held: strictly (an MRZ typed or printed, where a mismatch
/// means a typing error) or leniently (DG1, whose integrity EF.SOD's hash decides: a wrong
/// check digit there is the issuer's slip, kept as a listed problem).
#[derive(Debug, Default)]
struct Checks {
    lenient: bool,
    problems: Vec<MrzError>,
}

impl Checks {
    /// `Ok` when `ok`; otherwise the error, or (lenient) `Ok` with the problem noted.
    fn require(&mut self, ok: bool, error: MrzError) -> Result<(), MrzError> {
        match (ok, self.lenient) {
            (true, _) => Ok(()),
            (false, true) => {
                self.problems.push(error);
                Ok(())
            }
            (false, false) => Err(error),
        }
    }
}

impl Mrz {
    /// Parses an MRZ given as one string (as in DG1) or as lines separated by newlines.
    ///
    /// # Errors
    /// An [`MrzError`] for a wrong length, a bad character, a bad date or a failed check
    /// digit.
    pub fn parse(text: &str) -> Result<Self, MrzError> {
        Self::parse_with(text, &mut Checks::default())
    }

    /// Parses an MRZ whose integrity is proven elsewhere (DG1, hashed in EF.SOD): wrong check
    /// digits and impossible dates do not stop it, they are returned beside it. Length and
    /// characters are still required, so the fields are where the layout puts them.
    ///
    /// # Errors
    /// [`MrzError::WrongLength`] or [`MrzError::BadCharacter`].
    pub fn parse_lenient(text: &str) -> Result<(Self, Vec<MrzError>), MrzError> {
        let mut checks = Checks { lenient: true, problems: Vec::new() };
        let mrz = Self::parse_with(text, &mut checks)?;
        Ok((mrz, checks.problems))
    }

    fn parse_with(text: &str, checks: &mut Checks) -> Result<Self, MrzError> {
        let joined: String = text.chars().filter(|c| *c != '\n' && *c != '\r').collect();
        if let Some(pos) = joined.chars().position(|c| !(c.is_ascii_digit() || c.is_ascii_uppercase() || c == '<')) {
            return Err(MrzError::BadCharacter(pos));
        }
        match joined.len() {
            90 => Self::parse_td1(&joined, checks),
            72 => Self::parse_td2_td3(&joined, MrzFormat::Td2, 36, checks),
            88 => Self::parse_td2_td3(&joined, MrzFormat::Td3, 44, checks),
            n => Err(MrzError::WrongLength(n)),
        }
    }

    fn parse_td1(s: &str, checks: &mut Checks) -> Result<Self, MrzError> {
        let l1 = field(s, 0..30);
        let l2 = field(s, 30..60);
        let l3 = field(s, 60..90);
        let (document_number, optional_data) =
            long_document_number(field(l1, 5..14), char_at(l1, 14), field(l1, 15..30), checks)?;
        let date_of_birth = field(l2, 0..6);
        let date_of_expiry = field(l2, 8..14);
        check_dates(date_of_birth, char_at(l2, 6), date_of_expiry, char_at(l2, 14), checks)?;
        let composite = format!("{}{}{}{}", field(l1, 5..30), field(l2, 0..7), field(l2, 8..15), field(l2, 18..29));
        checks.require(check(&composite, char_at(l2, 29)), MrzError::CheckDigit("whole MRZ (composite)"))?;
        let (primary, secondary) = names(l3);
        Ok(Self {
            format: MrzFormat::Td1,
            lines: vec![l1.to_owned(), l2.to_owned(), l3.to_owned()],
            document_code: trim_fillers(field(l1, 0..2)),
            issuing_state: trim_fillers(field(l1, 2..5)),
            document_number,
            date_of_birth: date_of_birth.to_owned(),
            sex: char_at(l2, 7),
            date_of_expiry: date_of_expiry.to_owned(),
            nationality: trim_fillers(field(l2, 15..18)),
            primary_identifier: primary,
            secondary_identifier: secondary,
            optional_data,
            optional_data_2: field(l2, 18..29).to_owned(),
        })
    }

    fn parse_td2_td3(s: &str, format: MrzFormat, width: usize, checks: &mut Checks) -> Result<Self, MrzError> {
        let l1 = field(s, 0..width);
        let l2 = field(s, width..width * 2);
        let (optional_range, composite_at) = if format == MrzFormat::Td3 { (28..42, 43) } else { (28..35, 35) };
        let (document_number, optional_data) = if format == MrzFormat::Td2 {
            long_document_number(field(l2, 0..9), char_at(l2, 9), field(l2, optional_range.clone()), checks)?
        } else {
            checks.require(check(field(l2, 0..9), char_at(l2, 9)), MrzError::CheckDigit("document number"))?;
            (trim_fillers(field(l2, 0..9)), field(l2, optional_range.clone()).to_owned())
        };
        let date_of_birth = field(l2, 13..19);
        let date_of_expiry = field(l2, 21..27);
        check_dates(date_of_birth, char_at(l2, 19), date_of_expiry, char_at(l2, 27), checks)?;
        if format == MrzFormat::Td3 {
            let personal = field(l2, 28..42);
            // An all-filler personal number may have a `<` check digit (ICAO 9303-4 §4.2.2).
            checks.require(check(personal, char_at(l2, 42)), MrzError::CheckDigit("personal number"))?;
        }
        let composite = format!("{}{}{}", field(l2, 0..10), field(l2, 13..20), field(l2, 21..composite_at));
        checks.require(check(&composite, char_at(l2, composite_at)), MrzError::CheckDigit("whole MRZ (composite)"))?;
        let (primary, secondary) = names(field(l1, 5..width));
        Ok(Self {
            format,
            lines: vec![l1.to_owned(), l2.to_owned()],
            document_code: trim_fillers(field(l1, 0..2)),
            issuing_state: trim_fillers(field(l1, 2..5)),
            document_number,
            date_of_birth: date_of_birth.to_owned(),
            sex: char_at(l2, 20),
            date_of_expiry: date_of_expiry.to_owned(),
            nationality: trim_fillers(field(l2, 10..13)),
            primary_identifier: primary,
            secondary_identifier: secondary,
            optional_data,
            optional_data_2: String::new(),
        })
    }

    /// The full name as "PRIMARY SECONDARY", fillers as spaces.
    pub fn full_name(&self) -> String {
        match (self.primary_identifier.is_empty(), self.secondary_identifier.is_empty()) {
            (false, false) => format!("{} {}", self.primary_identifier, self.secondary_identifier),
            (false, true) => self.primary_identifier.clone(),
            _ => self.secondary_identifier.clone(),
        }
    }
}

fn check_dates(dob: &str, dob_cd: char, doe: &str, doe_cd: char, checks: &mut Checks) -> Result<(), MrzError> {
    checks.require(valid_date(dob), MrzError::BadDate("date of birth"))?;
    checks.require(check(dob, dob_cd), MrzError::CheckDigit("date of birth"))?;
    checks.require(valid_date(doe), MrzError::BadDate("date of expiry"))?;
    checks.require(check(doe, doe_cd), MrzError::CheckDigit("date of expiry"))
}

/// Handles document numbers over nine characters: the check-digit position holds `<` and the
/// number goes on in the optional data, ending before its check digit (ICAO 9303-5 §4.2.4,
/// note j). Returns the number and the remaining optional data.
fn long_document_number(
    first9: &str,
    cd: char,
    optional: &str,
    checks: &mut Checks,
) -> Result<(String, String), MrzError> {
    let wrong = MrzError::CheckDigit("document number");
    if cd != '<' {
        checks.require(check(first9, cd), wrong)?;
        return Ok((trim_fillers(first9), optional.to_owned()));
    }
    let end = optional.find('<').unwrap_or(optional.len());
    let (rest, tail) = optional.split_at(end);
    let Some((extra, digit)) =
        rest.char_indices().last().filter(|(i, _)| *i > 0).map(|(i, c)| (rest.get(..i).unwrap_or(""), c))
    else {
        // A `<` check digit with nothing after it: the number is the nine characters.
        checks.require(false, wrong)?;
        return Ok((trim_fillers(first9), optional.to_owned()));
    };
    let number = format!("{first9}{extra}");
    checks.require(check(&number, digit), wrong)?;
    Ok((number, tail.to_owned()))
}

fn names(field: &str) -> (String, String) {
    let trimmed = field.trim_end_matches('<');
    let (primary, secondary) = trimmed.split_once("<<").unwrap_or((trimmed, ""));
    (primary.replace('<', " ").trim().to_owned(), secondary.replace('<', " ").trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Check-digit examples of ICAO 9303-3 as collected in
    /// `docs/vectors/icao9303-part11.md` §10 [V][X].
    #[test]
    fn check_digits_match_9303_3() {
        for (field, cd) in [
            ("520727", '3'),
            ("AB2134<<<", '5'),
            ("L898902C<", '3'),
            ("690806", '1'),
            ("940623", '6'),
            ("D23145890", '7'),
            ("T22000129", '3'),
            ("D23145890734", '9'),
            ("HA672242<658022549601086<<<<<<<<<<<<<<0", '8'),
        ] {
            assert_eq!(check_digit(field), Some(cd), "{field}");
        }
        assert_eq!(check_digit("a"), None);
    }

    /// ICAO 9303-5 TD1 specimen [X].
    #[test]
    fn parses_td1_specimen() {
        let mrz =
            Mrz::parse("I<UTOD231458907<<<<<<<<<<<<<<<7408122F1204159UTO<<<<<<<<<<<6ERIKSSON<<ANNA<MARIA<<<<<<<<<<")
                .unwrap();
        assert_eq!(mrz.format, MrzFormat::Td1);
        assert_eq!(mrz.document_number, "D23145890");
        assert_eq!(mrz.date_of_birth, "740812");
        assert_eq!(mrz.date_of_expiry, "120415");
        assert_eq!(mrz.sex, 'F');
        assert_eq!(mrz.full_name(), "ERIKSSON ANNA MARIA");
        assert_eq!(mrz.lines.len(), 3);
    }

    /// ICAO 9303-4 TD3 specimen [X] and 9303-6 TD2 specimen [S].
    #[test]
    fn parses_td3_and_td2_specimens() {
        let td3 =
            Mrz::parse("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10")
                .unwrap();
        assert_eq!(td3.format, MrzFormat::Td3);
        assert_eq!(td3.document_number, "L898902C3");
        assert_eq!(td3.nationality, "UTO");
        let td2 = Mrz::parse("I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<D231458907UTO7408122F1204159<<<<<<<6").unwrap();
        assert_eq!(td2.format, MrzFormat::Td2);
        assert_eq!(td2.document_number, "D23145890");
    }

    /// Long document number in a TD2 (`docs/vectors/icao9303-part11.md` §10) [X].
    #[test]
    fn joins_long_document_numbers() {
        let mrz = Mrz::parse("I<UTOSTEVENSON<<PETER<JOHN<<<<<<<<<<D23145890<UTO3407127M95071227349<<<8").unwrap();
        assert_eq!(mrz.document_number, "D23145890734");
    }

    /// The CCCD layout of `docs/research/cccd.md` §1.1 (check digits verified there).
    #[test]
    fn parses_cccd_td1() {
        let mrz =
            Mrz::parse("IDVNM0910055134051091005513<<09101014M3101012VNM<<<<<<<<<<<8NGUYEN<<VAN<AN<<<<<<<<<<<<<<<<")
                .unwrap();
        assert_eq!(mrz.document_code, "ID");
        assert_eq!(mrz.document_number, "091005513");
        assert_eq!(mrz.optional_data, "051091005513<<0");
        assert_eq!(mrz.full_name(), "NGUYEN VAN AN");
    }

    #[test]
    fn every_flipped_check_digit_is_caught() {
        let good = "I<UTOD231458907<<<<<<<<<<<<<<<7408122F1204159UTO<<<<<<<<<<<6ERIKSSON<<ANNA<MARIA<<<<<<<<<<";
        for at in [14usize, 36, 44, 59] {
            let mut bad: Vec<char> = good.chars().collect();
            bad[at] = if bad[at] == '1' { '2' } else { '1' };
            let bad: String = bad.into_iter().collect();
            assert!(matches!(Mrz::parse(&bad), Err(MrzError::CheckDigit(_))), "{at}");
        }
        assert_eq!(Mrz::parse("abc"), Err(MrzError::BadCharacter(0)));
        assert_eq!(Mrz::parse("ABC"), Err(MrzError::WrongLength(3)));
    }
}
