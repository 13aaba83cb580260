//! Just enough DER writing (ITU-T X.690) to issue test certificates and EF.SOD. Only the
//! virtual card writes ASN.1; the core reads it.

use cancuoc::internals::codec::tlv::tlv;

/// SEQUENCE of the concatenated parts.
pub fn sequence(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

/// SET of the parts, sorted as DER requires for SET OF (X.690 §11.6).
pub fn set_of(parts: &[Vec<u8>]) -> Vec<u8> {
    let mut sorted = parts.to_vec();
    sorted.sort();
    tlv(0x31, &sorted.concat())
}

/// A context-specific constructed tag `[n]` around `inner` (EXPLICIT, or IMPLICIT of a
/// constructed type).
pub fn context(n: u8, inner: &[u8]) -> Vec<u8> {
    tlv(u32::from(0xA0 | n), inner)
}

/// INTEGER from a non-negative big-endian magnitude (a leading 00 added when needed).
pub fn integer(magnitude: &[u8]) -> Vec<u8> {
    let trimmed: Vec<u8> = magnitude.iter().copied().skip_while(|b| *b == 0).collect();
    let mut value = if trimmed.is_empty() { vec![0] } else { trimmed };
    if value.first().is_some_and(|b| b & 0x80 != 0) {
        value.insert(0, 0);
    }
    tlv(0x02, &value)
}

/// INTEGER from a small number.
pub fn small_integer(n: u64) -> Vec<u8> {
    integer(&n.to_be_bytes())
}

/// OBJECT IDENTIFIER from its arcs.
pub fn oid(arcs: &[u64]) -> Vec<u8> {
    let mut value = Vec::new();
    let (first, second) = (arcs.first().copied().unwrap_or(0), arcs.get(1).copied().unwrap_or(0));
    base128(first * 40 + second, &mut value);
    for arc in arcs.iter().skip(2) {
        base128(*arc, &mut value);
    }
    tlv(0x06, &value)
}

fn base128(mut n: u64, out: &mut Vec<u8>) {
    let mut digits = vec![(n & 0x7F) as u8];
    n >>= 7;
    while n > 0 {
        digits.push(((n & 0x7F) as u8) | 0x80);
        n >>= 7;
    }
    out.extend(digits.iter().rev());
}

/// OCTET STRING.
pub fn octet_string(bytes: &[u8]) -> Vec<u8> {
    tlv(0x04, bytes)
}

/// BIT STRING with no unused bits.
pub fn bit_string(bytes: &[u8]) -> Vec<u8> {
    tlv(0x03, &[&[0u8][..], bytes].concat())
}

/// UTF8String.
pub fn utf8(text: &str) -> Vec<u8> {
    tlv(0x0C, text.as_bytes())
}

/// PrintableString.
pub fn printable(text: &str) -> Vec<u8> {
    tlv(0x13, text.as_bytes())
}

/// UTCTime `YYMMDDHHMMSSZ`.
pub fn utc_time(text: &str) -> Vec<u8> {
    tlv(0x17, text.as_bytes())
}

/// BOOLEAN TRUE.
pub fn true_() -> Vec<u8> {
    tlv(0x01, &[0xFF])
}

/// An X.501 Name of country and common name.
pub fn name(country: &str, organisation: &str, common_name: &str) -> Vec<u8> {
    sequence(&[
        set_of(&[sequence(&[oid(&[2, 5, 4, 6]), printable(country)])]),
        set_of(&[sequence(&[oid(&[2, 5, 4, 10]), utf8(organisation)])]),
        set_of(&[sequence(&[oid(&[2, 5, 4, 3]), utf8(common_name)])]),
    ])
}

/// BIT STRING with `unused` unused bits in the last byte (for KeyUsage).
pub fn bit_string_with_unused(bytes: &[u8], unused: u8) -> Vec<u8> {
    tlv(0x03, &[&[unused][..], bytes].concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_known_oids_and_integers() {
        // 1.2.840.113549.1.7.2 (signedData).
        assert_eq!(oid(&[1, 2, 840, 113549, 1, 7, 2]), vec![6, 9, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 1, 7, 2]);
        assert_eq!(small_integer(0), vec![2, 1, 0]);
        assert_eq!(small_integer(128), vec![2, 2, 0, 0x80]);
        assert_eq!(integer(&[0, 0, 5]), vec![2, 1, 5]);
    }
}
