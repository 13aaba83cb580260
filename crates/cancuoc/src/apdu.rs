//! Command and response APDUs, short and extended length, and status words
//! (ISO/IEC 7816-4 §5.1, §5.6).

use std::fmt;

use thiserror::Error;

/// Largest Le of a short APDU (encoded as `00`).
pub const SHORT_MAX_LE: usize = 256;
/// Largest Le of an extended APDU (encoded as `0000`).
pub const EXTENDED_MAX_LE: usize = 65536;

/// Errors building an APDU. Never caused by card data: only by a caller asking for too much.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ApduError {
    /// The command data do not fit even an extended APDU.
    #[error("command data of {0} bytes exceed the 65535 an APDU can carry")]
    DataTooLong(usize),
    /// Le is zero or above 65536.
    #[error("expected length {0} is not between 1 and 65536")]
    BadLe(usize),
    /// A response shorter than its two status bytes.
    #[error("response of {0} bytes has no status word")]
    ShortResponse(usize),
}

/// A status word SW1-SW2 (ISO/IEC 7816-4 §5.6).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct StatusWord(pub u16);

impl StatusWord {
    /// `9000`: normal processing.
    pub const OK: Self = Self(0x9000);
    /// `6282`: end of file reached before Le bytes.
    pub const END_OF_FILE: Self = Self(0x6282);
    /// `6300`: verification failed (EXTERNAL AUTHENTICATE with wrong keys on many chips).
    pub const VERIFICATION_FAILED: Self = Self(0x6300);
    /// `6700`: wrong length.
    pub const WRONG_LENGTH: Self = Self(0x6700);
    /// `6882`: secure messaging not supported.
    pub const SM_NOT_SUPPORTED: Self = Self(0x6882);
    /// `6982`: security status not satisfied.
    pub const SECURITY_STATUS_NOT_SATISFIED: Self = Self(0x6982);
    /// `6983`: authentication method blocked.
    pub const AUTHENTICATION_BLOCKED: Self = Self(0x6983);
    /// `6985`: conditions of use not satisfied.
    pub const CONDITIONS_NOT_SATISFIED: Self = Self(0x6985);
    /// `6987`: expected secure messaging data objects missing.
    pub const SM_OBJECTS_MISSING: Self = Self(0x6987);
    /// `6988`: secure messaging data objects incorrect.
    pub const SM_OBJECTS_INCORRECT: Self = Self(0x6988);
    /// `6A80`: incorrect parameters in the command data field.
    pub const WRONG_DATA: Self = Self(0x6A80);
    /// `6A82`: file or application not found.
    pub const FILE_NOT_FOUND: Self = Self(0x6A82);
    /// `6A86`: incorrect parameters P1-P2.
    pub const WRONG_P1P2: Self = Self(0x6A86);
    /// `6B00`: wrong parameters (offset outside the EF).
    pub const WRONG_OFFSET: Self = Self(0x6B00);
    /// `6D00`: instruction not supported (CCCD chips answer SELECT MF so).
    pub const INS_NOT_SUPPORTED: Self = Self(0x6D00);
    /// `6E00`: class not supported.
    pub const CLA_NOT_SUPPORTED: Self = Self(0x6E00);

    /// SW1.
    pub fn sw1(self) -> u8 {
        self.0.to_be_bytes()[0]
    }

    /// SW2.
    pub fn sw2(self) -> u8 {
        self.0.to_be_bytes()[1]
    }

    /// `9000`, or a warning `62xx`/`63xx` that still returns data.
    pub fn is_success(self) -> bool {
        self == Self::OK
    }

    /// The exact length a card asks for with `6Cxx` (`00` means 256).
    pub fn exact_length(self) -> Option<usize> {
        (self.sw1() == 0x6C).then(|| if self.sw2() == 0 { 256 } else { usize::from(self.sw2()) })
    }

    /// A short description of the status word, for logs and messages.
    pub fn meaning(self) -> &'static str {
        match self.0 {
            0x9000 => "success",
            0x6282 => "end of file reached",
            0x6300 => "verification failed",
            0x6700 => "wrong length",
            0x6882 => "secure messaging not supported",
            0x6982 => "security status not satisfied",
            0x6983 => "authentication method blocked",
            0x6985 => "conditions of use not satisfied",
            0x6987 => "secure messaging objects missing",
            0x6988 => "secure messaging objects incorrect",
            0x6A80 => "incorrect data",
            0x6A82 => "file not found",
            0x6A86 => "incorrect P1-P2",
            0x6B00 => "offset outside the file",
            0x6D00 => "instruction not supported",
            0x6E00 => "class not supported",
            _ if self.sw1() == 0x6C => "wrong Le",
            _ if self.sw1() == 0x61 => "more data available",
            _ if self.sw1() == 0x63 => "verification failed",
            _ => "error",
        }
    }
}

impl fmt::Display for StatusWord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04X} {}", self.0, self.meaning())
    }
}

impl fmt::Debug for StatusWord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StatusWord({self})")
    }
}

/// A command APDU (ISO/IEC 7816-4 §5.1).
#[derive(Clone, PartialEq, Eq)]
pub struct Command {
    /// Class byte.
    pub cla: u8,
    /// Instruction byte.
    pub ins: u8,
    /// Parameter 1.
    pub p1: u8,
    /// Parameter 2.
    pub p2: u8,
    /// Command data (empty for none).
    pub data: Vec<u8>,
    /// Expected response length, `None` for no response data; 256 (short) or 65536
    /// (extended) mean "as much as possible".
    pub le: Option<usize>,
    /// Force the extended-length encoding even when short would do.
    pub extended: bool,
}

impl Command {
    /// A command with no data and no Le.
    pub fn new(cla: u8, ins: u8, p1: u8, p2: u8) -> Self {
        Self { cla, ins, p1, p2, data: Vec::new(), le: None, extended: false }
    }

    /// Sets the command data.
    pub fn with_data(mut self, data: impl Into<Vec<u8>>) -> Self {
        self.data = data.into();
        self
    }

    /// Sets Le.
    pub fn with_le(mut self, le: usize) -> Self {
        self.le = Some(le);
        self
    }

    /// Uses the extended-length encoding.
    pub fn extended(mut self, extended: bool) -> Self {
        self.extended = extended;
        self
    }

    /// True when the encoding will be extended: asked for, or needed by the sizes.
    pub fn is_extended(&self) -> bool {
        self.extended || self.data.len() > 255 || self.le.is_some_and(|le| le > SHORT_MAX_LE)
    }

    /// The four header bytes.
    pub fn header(&self) -> [u8; 4] {
        [self.cla, self.ins, self.p1, self.p2]
    }

    /// Encodes the command (ISO/IEC 7816-4 §5.1, cases 1 to 4, short or extended).
    ///
    /// # Errors
    /// [`ApduError::DataTooLong`] or [`ApduError::BadLe`].
    pub fn to_bytes(&self) -> Result<Vec<u8>, ApduError> {
        if self.data.len() > 65535 {
            return Err(ApduError::DataTooLong(self.data.len()));
        }
        if let Some(le) = self.le.filter(|le| *le == 0 || *le > EXTENDED_MAX_LE) {
            return Err(ApduError::BadLe(le));
        }
        let extended = self.is_extended();
        let mut out = Vec::with_capacity(self.data.len().saturating_add(9));
        out.extend_from_slice(&self.header());
        if !self.data.is_empty() {
            let lc = self.data.len().to_be_bytes();
            if extended {
                out.push(0);
                out.extend_from_slice(lc.get(lc.len().saturating_sub(2)..).unwrap_or_default());
            } else {
                out.extend_from_slice(lc.get(lc.len().saturating_sub(1)..).unwrap_or_default());
            }
            out.extend_from_slice(&self.data);
        }
        if let Some(le) = self.le {
            // 256 and 65536 encode as all-zero bytes (ISO/IEC 7816-4 §5.1).
            let le_bytes = (le % EXTENDED_MAX_LE).to_be_bytes();
            if extended {
                if self.data.is_empty() {
                    out.push(0);
                }
                out.extend_from_slice(le_bytes.get(le_bytes.len().saturating_sub(2)..).unwrap_or_default());
            } else {
                let short = (le % SHORT_MAX_LE).to_be_bytes();
                out.extend_from_slice(short.get(short.len().saturating_sub(1)..).unwrap_or_default());
            }
        }
        Ok(out)
    }
}

impl fmt::Debug for Command {
    // Command data may hold personal data or key material: logs get sizes only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Command({:02X} {:02X} {:02X} {:02X}, {} data bytes, le {:?})",
            self.cla,
            self.ins,
            self.p1,
            self.p2,
            self.data.len(),
            self.le
        )
    }
}

/// A response APDU: data and status word.
#[derive(Clone, PartialEq, Eq)]
pub struct Response {
    /// Response data.
    pub data: Vec<u8>,
    /// Status word.
    pub sw: StatusWord,
}

impl Response {
    /// A response from its parts.
    pub fn new(data: Vec<u8>, sw: StatusWord) -> Self {
        Self { data, sw }
    }

    /// Splits raw response bytes into data and status word.
    ///
    /// # Errors
    /// [`ApduError::ShortResponse`] for fewer than two bytes (vpcd yields an empty response
    /// when the card vanishes mid-command: `docs/research/testbed.md` pitfall 3).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ApduError> {
        let split = bytes.len().checked_sub(2).ok_or(ApduError::ShortResponse(bytes.len()))?;
        let (data, sw) = bytes.split_at_checked(split).ok_or(ApduError::ShortResponse(bytes.len()))?;
        let sw = match sw {
            [a, b] => StatusWord(u16::from_be_bytes([*a, *b])),
            _ => return Err(ApduError::ShortResponse(bytes.len())),
        };
        Ok(Self { data: data.to_vec(), sw })
    }

    /// Data followed by the status word.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.data.len().saturating_add(2));
        out.extend_from_slice(&self.data);
        out.extend_from_slice(&self.sw.0.to_be_bytes());
        out
    }
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Response({} data bytes, {})", self.data.len(), self.sw)
    }
}

impl Command {
    /// Parses a command APDU in any of the four cases, short or extended
    /// (ISO/IEC 7816-3 §12.1.3).
    ///
    /// Used by the virtual card and trace tools; `None` when the bytes are not a
    /// well-formed APDU.
    pub fn parse(bytes: &[u8]) -> Option<Command> {
        let (header, body) = bytes.split_at_checked(4)?;
        let [cla, ins, p1, p2] = <[u8; 4]>::try_from(header).ok()?;
        let mut cmd = Command::new(cla, ins, p1, p2);
        match body {
            [] => {}
            [le] => cmd.le = Some(if *le == 0 { 256 } else { usize::from(*le) }),
            [0, rest @ ..] if rest.len() >= 2 => {
                cmd.extended = true;
                let (lc_or_le, tail) = rest.split_at_checked(2)?;
                let n = usize::from(u16::from_be_bytes([*lc_or_le.first()?, *lc_or_le.get(1)?]));
                if tail.is_empty() {
                    cmd.le = Some(if n == 0 { 65536 } else { n });
                } else {
                    let (data, le) = tail.split_at_checked(n)?;
                    cmd.data = data.to_vec();
                    match le {
                        [] => {}
                        [a, b] => {
                            let n = usize::from(u16::from_be_bytes([*a, *b]));
                            cmd.le = Some(if n == 0 { 65536 } else { n });
                        }
                        _ => return None,
                    }
                }
            }
            [lc, rest @ ..] => {
                let (data, le) = rest.split_at_checked(usize::from(*lc))?;
                if *lc == 0 {
                    return None;
                }
                cmd.data = data.to_vec();
                match le {
                    [] => {}
                    [le] => cmd.le = Some(if *le == 0 { 256 } else { usize::from(*le) }),
                    _ => return None,
                }
            }
        }
        Some(cmd)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_all_four_cases_short_and_extended() {
        assert_eq!(Command::new(0, 0x84, 0, 0).with_le(8).to_bytes().unwrap(), vec![0, 0x84, 0, 0, 8]);
        assert_eq!(Command::new(0, 0xB0, 0, 0).with_le(256).to_bytes().unwrap(), vec![0, 0xB0, 0, 0, 0]);
        assert_eq!(
            Command::new(0, 0xA4, 2, 0x0C).with_data(vec![1, 0x1E]).to_bytes().unwrap(),
            vec![0, 0xA4, 2, 0x0C, 2, 1, 0x1E]
        );
        assert_eq!(Command::new(0, 0xB0, 0, 0).with_le(65536).to_bytes().unwrap(), vec![0, 0xB0, 0, 0, 0, 0, 0]);
        assert_eq!(Command::new(0, 0xB0, 0, 0).with_le(1000).to_bytes().unwrap(), vec![0, 0xB0, 0, 0, 0, 0x03, 0xE8]);
        let ext = Command::new(0x0C, 0xB0, 0, 0).with_data(vec![9; 3]).with_le(65536).extended(true);
        assert_eq!(ext.to_bytes().unwrap(), vec![0x0C, 0xB0, 0, 0, 0, 0, 3, 9, 9, 9, 0, 0]);
        assert_eq!(Command::new(0, 0, 0, 0).with_le(0).to_bytes(), Err(ApduError::BadLe(0)));
    }

    #[test]
    fn parse_round_trips_every_case() {
        let cases = [
            Command::new(0, 0xA4, 0, 0),
            Command::new(0, 0x84, 0, 0).with_le(8),
            Command::new(0, 0xA4, 4, 0x0C).with_data(vec![0xA0, 0, 0, 2, 0x47, 0x10, 1]),
            Command::new(0x0C, 0xB0, 0, 0).with_data(vec![1; 13]).with_le(256),
            Command::new(0x0C, 0xB0, 0, 0).with_data(vec![1; 13]).with_le(65536).extended(true),
            Command::new(0x00, 0xB0, 0, 0).with_le(4000),
            Command::new(0x00, 0xD6, 0, 0).with_data(vec![7; 300]),
        ];
        for cmd in cases {
            let bytes = cmd.to_bytes().unwrap();
            let parsed = Command::parse(&bytes).unwrap();
            assert_eq!(parsed.to_bytes().unwrap(), bytes);
        }
        assert!(Command::parse(&[0, 0xA4, 0]).is_none());
        assert!(Command::parse(&[0, 0xA4, 0, 0, 5, 1]).is_none());
    }

    #[test]
    fn response_needs_a_status_word() {
        assert_eq!(Response::from_bytes(&[]), Err(ApduError::ShortResponse(0)));
        assert_eq!(Response::from_bytes(&[0x90]), Err(ApduError::ShortResponse(1)));
        let r = Response::from_bytes(&[1, 2, 0x90, 0]).unwrap();
        assert_eq!(r.data, vec![1, 2]);
        assert_eq!(r.sw, StatusWord::OK);
        assert_eq!(StatusWord(0x6C10).exact_length(), Some(16));
        assert_eq!(format!("{}", StatusWord(0x6982)), "6982 security status not satisfied");
    }
}
