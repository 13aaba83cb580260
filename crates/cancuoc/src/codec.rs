//! Checked byte reading and BER-TLV (ISO/IEC 7816-4 §5.2, ITU-T X.690 §8.1): the one leaf
//! module that every parser in the crate goes through.
//!
//! Card bytes, files and traces are hostile input. Nothing here indexes a slice without a
//! check, converts a card-supplied length with `as`, allocates from a card-supplied length or
//! recurses without a limit.
//!
//! Why not `iso7816-tlv`: it cannot parse a header alone (needed to size READ BINARY from a
//! file's first bytes), it reads the indefinite length `0x80` as 0 without an error, its `find`
//! never returns constructed nodes, and it recurses without a depth limit, so a hostile chip
//! sending deeply nested headers overflows the stack and aborts the process
//! (`docs/research/crates.md` §1.2). This reader is zero-copy, strict and bounded.

pub mod time;
pub mod tlv;

/// Upper-case hex (the `hex` crate): traces, report fields, certificate serials, fingerprints.
pub(crate) fn encode_hex(bytes: &[u8]) -> String {
    hex::encode_upper(bytes)
}

/// Decodes hex (either case, spaces allowed between bytes); `None` if malformed.
pub(crate) fn decode_hex(text: &str) -> Option<Vec<u8>> {
    let digits: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    hex::decode(digits).ok()
}

/// The magnitude of a non-negative DER INTEGER's contents (X.690 §8.3; the leading zero of a
/// value whose top bit is set removed); `None` if negative or empty.
pub(crate) fn der_unsigned(value: &[u8]) -> Option<&[u8]> {
    match value {
        [] => None,
        [first, ..] if first & 0x80 != 0 => None,
        [0, rest @ ..] if !rest.is_empty() => Some(rest),
        all => Some(all),
    }
}

use thiserror::Error;

/// Why a byte string could not be decoded, and where.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{what} at byte {at}: {kind}")]
pub struct DecodeError {
    /// Offset of the problem from the start of the outermost buffer.
    pub at: usize,
    /// What was being decoded ("DG1 MRZ", "BER-TLV length", …).
    pub what: &'static str,
    /// What went wrong.
    pub kind: DecodeErrorKind,
}

/// The kinds of [`DecodeError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The input ended before the item did.
    #[error("truncated")]
    Truncated,
    /// Bytes were left over after the item.
    #[error("trailing bytes")]
    TrailingBytes,
    /// A tag other than the expected one was found.
    #[error("unexpected tag {found:#X} (expected {expected:#X})")]
    UnexpectedTag {
        /// The tag that was expected.
        expected: u32,
        /// The tag that was found.
        found: u32,
    },
    /// A length that is not allowed (indefinite, over four bytes, beyond the input).
    #[error("invalid length")]
    InvalidLength,
    /// A tag longer than three bytes.
    #[error("invalid tag")]
    InvalidTag,
    /// Constructed values nested deeper than the limit.
    #[error("nested too deeply")]
    TooDeep,
    /// A value that is well-formed TLV but not a valid value of its type.
    #[error("invalid value")]
    InvalidValue,
}

/// A cursor over untrusted bytes whose every take is checked.
///
/// Errors carry the absolute offset (`base` + position), so a parser of a nested value still
/// reports where in the file the problem is.
#[derive(Debug, Clone)]
pub struct ByteReader<'a> {
    bytes: &'a [u8],
    pos: usize,
    base: usize,
    what: &'static str,
}

impl<'a> ByteReader<'a> {
    /// A reader over `bytes`; `what` names the item in errors.
    pub fn new(bytes: &'a [u8], what: &'static str) -> Self {
        Self { bytes, pos: 0, base: 0, what }
    }

    /// The absolute offset of the next byte.
    pub fn offset(&self) -> usize {
        self.base.saturating_add(self.pos)
    }

    /// The number of bytes not yet read.
    pub fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    /// True when every byte has been read.
    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    /// An error of `kind` at the current position.
    pub fn error(&self, kind: DecodeErrorKind) -> DecodeError {
        DecodeError { at: self.offset(), what: self.what, kind }
    }

    /// Takes the next `n` bytes.
    ///
    /// # Errors
    /// [`DecodeErrorKind::Truncated`] if fewer than `n` bytes remain.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        let (head, _) = rest.split_at_checked(n).ok_or_else(|| self.error(DecodeErrorKind::Truncated))?;
        self.pos = self.pos.saturating_add(n);
        Ok(head)
    }

    /// Takes exactly `N` bytes as an array.
    ///
    /// # Errors
    /// [`DecodeErrorKind::Truncated`] if fewer than `N` bytes remain.
    pub fn take_array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let bytes = self.take(N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    /// Takes one byte.
    ///
    /// # Errors
    /// [`DecodeErrorKind::Truncated`] at the end of input.
    pub fn u8(&mut self) -> Result<u8, DecodeError> {
        let [b] = self.take_array::<1>()?;
        Ok(b)
    }

    /// Takes a big-endian `u16`.
    ///
    /// # Errors
    /// [`DecodeErrorKind::Truncated`] if fewer than two bytes remain.
    pub fn u16_be(&mut self) -> Result<u16, DecodeError> {
        Ok(u16::from_be_bytes(self.take_array::<2>()?))
    }

    /// Takes a big-endian `u32`.
    ///
    /// # Errors
    /// [`DecodeErrorKind::Truncated`] if fewer than four bytes remain.
    pub fn u32_be(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_be_bytes(self.take_array::<4>()?))
    }

    /// The next byte, without consuming it.
    pub fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// A reader over the next `n` bytes (consumed from this one), keeping absolute offsets.
    ///
    /// # Errors
    /// [`DecodeErrorKind::Truncated`] if fewer than `n` bytes remain.
    pub fn sub(&mut self, n: usize) -> Result<ByteReader<'a>, DecodeError> {
        let base = self.offset();
        let bytes = self.take(n)?;
        Ok(ByteReader { bytes, pos: 0, base, what: self.what })
    }

    /// Takes everything that is left.
    pub fn rest(&mut self) -> &'a [u8] {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        self.pos = self.bytes.len();
        rest
    }

    /// Checks that every byte was read.
    ///
    /// # Errors
    /// [`DecodeErrorKind::TrailingBytes`] if any remain.
    pub fn finish(&self) -> Result<(), DecodeError> {
        if self.is_empty() { Ok(()) } else { Err(self.error(DecodeErrorKind::TrailingBytes)) }
    }

    /// Checks that what is left is at most padding (`00` or `FF` bytes): an EF may be longer
    /// than the TLV it holds, and chips and other readers' dumps pad it.
    ///
    /// # Errors
    /// [`DecodeErrorKind::TrailingBytes`] if anything else remains.
    pub fn finish_file(&self) -> Result<(), DecodeError> {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        if rest.iter().all(|b| *b == 0x00 || *b == 0xFF) {
            Ok(())
        } else {
            Err(self.error(DecodeErrorKind::TrailingBytes))
        }
    }

    /// Renames the item in this reader's errors.
    pub fn named(mut self, what: &'static str) -> Self {
        self.what = what;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_are_checked_and_offsets_absolute() {
        let data = [1u8, 2, 3, 4, 5];
        let mut r = ByteReader::new(&data, "test");
        assert_eq!(r.u8().unwrap(), 1);
        let mut sub = r.sub(3).unwrap();
        assert_eq!(sub.u16_be().unwrap(), 0x0203);
        let err = sub.take(2).unwrap_err();
        assert_eq!(err.at, 3);
        assert_eq!(err.kind, DecodeErrorKind::Truncated);
        assert_eq!(r.rest(), &[5]);
        r.finish().unwrap();
    }

    #[test]
    fn rejects_trailing_bytes() {
        let data = [1u8, 2];
        let mut r = ByteReader::new(&data, "test");
        r.u8().unwrap();
        assert_eq!(r.finish().unwrap_err().kind, DecodeErrorKind::TrailingBytes);
    }

    #[test]
    fn take_of_huge_length_is_an_error_not_a_panic() {
        let data = [0u8; 4];
        let mut r = ByteReader::new(&data, "test");
        assert!(r.take(usize::MAX).is_err());
        assert!(r.sub(5).is_err());
    }
}
