//! BER-TLV as used by ISO/IEC 7816-4 §5.2 and the ICAO LDS (ICAO 9303-10 §4.4): tags of one to
//! three bytes, definite lengths of one to four bytes (`0x81`..`0x84`).
//!
//! Reading is one level at a time: a parser asks for the next TLV and gets a bounded
//! [`ByteReader`] over its value, so nesting depth is fixed by the parser's code, never by the
//! input. The indefinite length `0x80` is rejected (the LDS is DER).

use super::{ByteReader, DecodeError, DecodeErrorKind};

/// Longest definite-length form accepted: `0x84` + four bytes (X.690 §8.1.3.5). Longer forms
/// cannot describe anything a chip holds.
const MAX_LENGTH_BYTES: usize = 4;

/// A decoded TLV header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// The tag, with its class and constructed bits, as a big-endian number (`0x5F1F`).
    pub tag: u32,
    /// Bytes taken by tag and length.
    pub header_len: usize,
    /// Bytes of the value.
    pub value_len: usize,
}

impl Header {
    /// True for a constructed encoding (bit 6 of the first tag byte).
    pub fn is_constructed(&self) -> bool {
        self.tag.to_be_bytes().iter().find(|b| **b != 0).is_some_and(|b| b & 0x20 != 0)
    }

    /// Header plus value length, if it fits in `usize`.
    pub fn total_len(&self) -> Option<usize> {
        self.header_len.checked_add(self.value_len)
    }
}

/// One TLV: its tag, the value bytes and the whole encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// The tag, as in [`Header::tag`].
    pub tag: u32,
    /// The value bytes.
    pub value: &'a [u8],
    /// Tag, length and value, exactly as encoded.
    pub raw: &'a [u8],
    /// Absolute offset of the value, for errors of parsers of the value.
    pub value_offset: usize,
}

impl<'a> Tlv<'a> {
    /// A reader over the value that keeps absolute offsets.
    pub fn reader(&self, what: &'static str) -> ByteReader<'a> {
        ByteReader { bytes: self.value, pos: 0, base: self.value_offset, what }
    }
}

/// Parses a TLV header from the start of `bytes` without needing the value: this is how the
/// file layer learns an EF's length from its first READ BINARY.
///
/// # Errors
/// A [`DecodeError`] for a truncated header, a tag over three bytes, the indefinite length or a
/// length over four bytes.
pub fn parse_header(bytes: &[u8]) -> Result<Header, DecodeError> {
    let mut r = ByteReader::new(bytes, "BER-TLV header");
    r.tlv_header()
}

impl<'a> ByteReader<'a> {
    /// Reads a TLV header.
    ///
    /// # Errors
    /// As [`parse_header`].
    pub fn tlv_header(&mut self) -> Result<Header, DecodeError> {
        let start = self.pos;
        let first = self.u8()?;
        let mut tag = u32::from(first);
        if first & 0x1F == 0x1F {
            // Subsequent tag bytes: bit 8 set means another follows (ISO/IEC 7816-4 §5.2.2.1).
            let mut count = 0;
            loop {
                let b = self.u8()?;
                count += 1;
                if count > 2 {
                    return Err(self.error(DecodeErrorKind::InvalidTag));
                }
                tag = (tag << 8) | u32::from(b);
                if b & 0x80 == 0 {
                    break;
                }
            }
        }
        let first_len = self.u8()?;
        let value_len = match first_len {
            0..=0x7F => usize::from(first_len),
            0x80 => return Err(self.error(DecodeErrorKind::InvalidLength)),
            _ => {
                let n = usize::from(first_len & 0x7F);
                if n > MAX_LENGTH_BYTES {
                    return Err(self.error(DecodeErrorKind::InvalidLength));
                }
                let mut len: u64 = 0;
                for b in self.take(n)? {
                    len = (len << 8) | u64::from(*b);
                }
                usize::try_from(len).map_err(|_| self.error(DecodeErrorKind::InvalidLength))?
            }
        };
        Ok(Header { tag, header_len: self.pos.saturating_sub(start), value_len })
    }

    /// Reads one whole TLV.
    ///
    /// # Errors
    /// A bad header, or [`DecodeErrorKind::InvalidLength`] when the value runs past the input.
    pub fn tlv(&mut self) -> Result<Tlv<'a>, DecodeError> {
        let start = self.pos;
        let at = self.offset();
        let header = self.tlv_header()?;
        if header.value_len > self.remaining() {
            return Err(DecodeError { at, what: self.what, kind: DecodeErrorKind::InvalidLength });
        }
        let value_offset = self.offset();
        let value = self.take(header.value_len)?;
        let raw = self.bytes.get(start..self.pos).unwrap_or_default();
        Ok(Tlv { tag: header.tag, value, raw, value_offset })
    }

    /// Reads one TLV that must carry `tag`.
    ///
    /// # Errors
    /// As [`ByteReader::tlv`], or [`DecodeErrorKind::UnexpectedTag`].
    pub fn expect_tlv(&mut self, tag: u32) -> Result<Tlv<'a>, DecodeError> {
        let at = self.offset();
        let tlv = self.tlv()?;
        self.check_tag(at, tlv, tag)
    }

    fn check_tag(&self, at: usize, tlv: Tlv<'a>, tag: u32) -> Result<Tlv<'a>, DecodeError> {
        if tlv.tag != tag {
            return Err(DecodeError {
                at,
                what: self.what,
                kind: DecodeErrorKind::UnexpectedTag { expected: tag, found: tlv.tag },
            });
        }
        Ok(tlv)
    }

    /// Reads TLVs until one carries `tag`, skipping the others; `None` at the end of input.
    ///
    /// # Errors
    /// As [`ByteReader::tlv`].
    pub fn find_tlv(&mut self, tag: u32) -> Result<Option<Tlv<'a>>, DecodeError> {
        while !self.is_empty() {
            let tlv = self.tlv()?;
            if tlv.tag == tag {
                return Ok(Some(tlv));
            }
        }
        Ok(None)
    }
}

/// Deepest nesting of indefinite-length encodings followed (real SODs nest five).
const MAX_INDEFINITE_DEPTH: usize = 16;
/// Indefinite length (X.690 §8.1.3.6): contents end with the end-of-contents octets `00 00`.
const INDEFINITE: u8 = 0x80;

impl<'a> ByteReader<'a> {
    /// Reads one TLV in BER, where a constructed value may have the indefinite length `80`
    /// and end with `00 00` (X.690 §8.1.3.6; CMS producers such as New Zealand's document
    /// signer write EF.SOD so). The value excludes the end-of-contents octets; the raw
    /// encoding includes them.
    ///
    /// # Errors
    /// As [`ByteReader::tlv`], or [`DecodeErrorKind::TooDeep`] past the nesting limit.
    pub fn ber_tlv(&mut self) -> Result<Tlv<'a>, DecodeError> {
        self.ber_tlv_at_depth(0)
    }

    fn ber_tlv_at_depth(&mut self, depth: usize) -> Result<Tlv<'a>, DecodeError> {
        let start = self.pos;
        let mut probe = self.clone();
        let tag_start = probe.pos;
        let first = probe.u8()?;
        if first & 0x1F == 0x1F {
            while probe.u8()? & 0x80 != 0 {
                if probe.pos.saturating_sub(tag_start) > 3 {
                    return Err(probe.error(DecodeErrorKind::InvalidTag));
                }
            }
        }
        if probe.peek() != Some(INDEFINITE) {
            return self.tlv();
        }
        if first & 0x20 == 0 {
            return Err(probe.error(DecodeErrorKind::InvalidLength));
        }
        if depth >= MAX_INDEFINITE_DEPTH {
            return Err(probe.error(DecodeErrorKind::TooDeep));
        }
        let tag_bytes = self.bytes.get(tag_start..probe.pos).unwrap_or_default();
        let tag = tag_bytes.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b));
        probe.u8()?; // the 80
        let value_offset = probe.offset();
        let value_start = probe.pos;
        loop {
            if probe.bytes.get(probe.pos..probe.pos.saturating_add(2)) == Some(&[0, 0][..]) {
                break;
            }
            if probe.is_empty() {
                return Err(probe.error(DecodeErrorKind::Truncated));
            }
            probe.ber_tlv_at_depth(depth + 1)?;
        }
        let value = self.bytes.get(value_start..probe.pos).unwrap_or_default();
        probe.take(2)?;
        self.pos = probe.pos;
        let raw = self.bytes.get(start..self.pos).unwrap_or_default();
        Ok(Tlv { tag, value, raw, value_offset })
    }

    /// [`ByteReader::ber_tlv`] that must carry `tag`.
    ///
    /// # Errors
    /// As [`ByteReader::ber_tlv`], or [`DecodeErrorKind::UnexpectedTag`].
    pub fn expect_ber_tlv(&mut self, tag: u32) -> Result<Tlv<'a>, DecodeError> {
        let at = self.offset();
        let tlv = self.ber_tlv()?;
        self.check_tag(at, tlv, tag)
    }
}

/// Appends a BER length (short form below 128, else `0x81`..`0x84`).
pub fn write_length(len: usize, out: &mut Vec<u8>) {
    let bytes = (len as u64).to_be_bytes();
    if len < 0x80 {
        out.extend_from_slice(bytes.get(7..).unwrap_or_default());
        return;
    }
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    let significant = bytes.get(skip..).unwrap_or_default();
    // At most 8 significant bytes of a u64, so the count fits the low nibble.
    out.push(0x80 | u8::try_from(significant.len()).unwrap_or(8));
    out.extend_from_slice(significant);
}

/// Appends tag, length and value. `tag` is written in as many bytes as it needs.
pub fn write_tlv(tag: u32, value: &[u8], out: &mut Vec<u8>) {
    let tag_bytes = tag.to_be_bytes();
    let skip = tag_bytes.iter().take_while(|b| **b == 0).count().min(3);
    out.extend_from_slice(tag_bytes.get(skip..).unwrap_or_default());
    write_length(value.len(), out);
    out.extend_from_slice(value);
}

/// Tag, length and value as a new vector.
pub fn tlv(tag: u32, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len().saturating_add(8));
    write_tlv(tag, value, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dg2_shaped_header_with_long_length() {
        let h = parse_header(&[0x75, 0x82, 0x4E, 0x20, 0x7F]).unwrap();
        assert_eq!(h, Header { tag: 0x75, header_len: 4, value_len: 20000 });
        assert!(h.is_constructed());
        let h = parse_header(&[0x5F, 0x1F, 0x5A]).unwrap();
        assert_eq!(h.tag, 0x5F1F);
        assert!(!h.is_constructed());
        let h = parse_header(&[0x7F, 0x61, 0x03]).unwrap();
        assert!(h.is_constructed());
    }

    #[test]
    fn rejects_indefinite_and_oversized_lengths() {
        assert_eq!(parse_header(&[0x30, 0x80]).unwrap_err().kind, DecodeErrorKind::InvalidLength);
        assert_eq!(parse_header(&[0x30, 0x85, 1, 1, 1, 1, 1]).unwrap_err().kind, DecodeErrorKind::InvalidLength);
        assert_eq!(parse_header(&[0x5F, 0xFF, 0xFF, 0x01, 0]).unwrap_err().kind, DecodeErrorKind::InvalidTag);
    }

    #[test]
    fn rejects_a_4_gb_length_beyond_the_input() {
        let mut r = ByteReader::new(&[0x04, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x00], "test");
        assert_eq!(r.tlv().unwrap_err().kind, DecodeErrorKind::InvalidLength);
    }

    #[test]
    fn truncation_at_every_length_is_an_error() {
        let full = tlv(0x61, &tlv(0x5F1F, &[b'A'; 200]));
        for n in 0..full.len() {
            let mut r = ByteReader::new(full.get(..n).unwrap(), "test");
            assert!(r.tlv().is_err(), "prefix {n}");
        }
        let mut r = ByteReader::new(&full, "test");
        let outer = r.expect_tlv(0x61).unwrap();
        assert_eq!(outer.raw, &full[..]);
        let mut inner = outer.reader("inner");
        let mrz = inner.expect_tlv(0x5F1F).unwrap();
        assert_eq!(mrz.value.len(), 200);
        assert_eq!(mrz.value_offset, 7);
    }

    #[test]
    fn writes_lengths_in_minimal_form() {
        for (len, expect) in
            [(0usize, vec![0u8]), (0x7F, vec![0x7F]), (0x80, vec![0x81, 0x80]), (0x1234, vec![0x82, 0x12, 0x34])]
        {
            let mut out = Vec::new();
            write_length(len, &mut out);
            assert_eq!(out, expect);
        }
        assert_eq!(tlv(0x5F1F, &[1]), vec![0x5F, 0x1F, 1, 1]);
    }

    #[test]
    fn reads_indefinite_lengths_and_limits_their_depth() {
        // 30 80 { 02 01 05, A0 80 { 04 01 AA } 00 00 } 00 00
        let ber = [0x30, 0x80, 0x02, 0x01, 0x05, 0xA0, 0x80, 0x04, 0x01, 0xAA, 0x00, 0x00, 0x00, 0x00, 0x99];
        let mut r = ByteReader::new(&ber, "test");
        let outer = r.expect_ber_tlv(0x30).unwrap();
        assert_eq!(outer.raw.len(), 14);
        assert_eq!(r.rest(), &[0x99]);
        let mut inner = outer.reader("inner");
        assert_eq!(inner.ber_tlv().unwrap().value, &[5]);
        let a0 = inner.expect_ber_tlv(0xA0).unwrap();
        assert_eq!(a0.value, &[0x04, 0x01, 0xAA]);
        assert!(inner.is_empty());
        // Missing end-of-contents, primitive indefinite, deep nesting: errors.
        assert!(ByteReader::new(&ber[..12], "t").ber_tlv().is_err());
        assert!(ByteReader::new(&[0x04, 0x80, 0x00, 0x00], "t").ber_tlv().is_err());
        let mut deep = vec![];
        for _ in 0..100 {
            deep.extend_from_slice(&[0x30, 0x80]);
        }
        deep.extend(std::iter::repeat_n(0u8, 200));
        assert_eq!(ByteReader::new(&deep, "t").ber_tlv().unwrap_err().kind, DecodeErrorKind::TooDeep);
    }

    #[test]
    fn wrong_tag_reports_both_tags() {
        let mut r = ByteReader::new(&[0x60, 0x00], "test");
        let err = r.expect_tlv(0x61).unwrap_err();
        assert_eq!(err.kind, DecodeErrorKind::UnexpectedTag { expected: 0x61, found: 0x60 });
    }
}
