//! Distinguished names compared as RFC 5280 §7.1 compares them: attribute by attribute, RDN
//! by RDN, with each directory string prepared by LDAP StringPrep (RFC 4518) first, so the
//! string type (PrintableString, UTF8String, TeletexString, BMPString, …), the case and
//! insignificant whitespace do not matter. A document signer certificate whose issuer is
//! encoded in PrintableString names the same CSCA as a certificate whose subject is in
//! UTF8String; issuers re-encode names when they re-key, and master lists mix both.
//!
//! The preparation implemented is the part of RFC 4518 §2 that real names exercise: the
//! string decoded to Unicode from its ASN.1 type, case folded (§2.3, Unicode lower case),
//! leading and trailing spaces removed and inner runs of whitespace collapsed to one space
//! (§2.6.1). Control and zero-width characters are removed (§2.2's "map to nothing"). The
//! normalisation forms of §2.3 are not applied: names that differ only in composed and
//! decomposed accents compare unequal, which can only fail a match, never make one.
//! A name that does not parse as a Name compares by its bytes.

use crate::codec::ByteReader;

/// A name prepared for comparison: equal keys are equal names under RFC 5280 §7.1.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NameKey(Prepared);

/// One RDN: its (attribute type OID, prepared value) pairs, sorted.
type Rdn = Vec<(Vec<u8>, Value)>;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Prepared {
    /// RDNs in order.
    Rdns(Vec<Rdn>),
    /// Not a parseable Name: its DER, compared byte for byte.
    Raw(Vec<u8>),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Value {
    /// A directory string, prepared.
    Text(String),
    /// Any other value type: its full TLV.
    Bytes(Vec<u8>),
}

/// Most RDNs, and attributes in one RDN, read from a name (real names hold fewer than 10).
const MAX_ATTRIBUTES: usize = 64;

impl NameKey {
    /// Prepares the DER `Name` (a SEQUENCE OF RelativeDistinguishedName).
    pub fn new(der: &[u8]) -> Self {
        Self(prepare(der).map_or_else(|| Prepared::Raw(der.to_vec()), Prepared::Rdns))
    }
}

/// True when the two DER names are the same name under RFC 5280 §7.1.
pub fn same_name(a: &[u8], b: &[u8]) -> bool {
    a == b || NameKey::new(a) == NameKey::new(b)
}

fn prepare(der: &[u8]) -> Option<Vec<Rdn>> {
    let mut outer = ByteReader::new(der, "Name");
    let mut rdns = outer.expect_tlv(0x30).ok()?.reader("Name");
    if !outer.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    while !rdns.is_empty() {
        if out.len() >= MAX_ATTRIBUTES {
            return None;
        }
        let mut set = rdns.expect_tlv(0x31).ok()?.reader("RelativeDistinguishedName");
        let mut rdn = Vec::new();
        while !set.is_empty() {
            if rdn.len() >= MAX_ATTRIBUTES {
                return None;
            }
            let mut pair = set.expect_tlv(0x30).ok()?.reader("AttributeTypeAndValue");
            let oid = pair.expect_tlv(0x06).ok()?.value.to_vec();
            let value = pair.tlv().ok()?;
            if !pair.is_empty() {
                return None;
            }
            let prepared = decode_string(value.tag, value.value)
                .map_or_else(|| Value::Bytes(value.raw.to_vec()), |text| Value::Text(string_prep(&text)));
            rdn.push((oid, prepared));
        }
        rdn.sort();
        out.push(rdn);
    }
    Some(out)
}

/// A directory string's characters by its ASN.1 type (X.680 §41); `None` for other types
/// or invalid contents.
fn decode_string(tag: u32, bytes: &[u8]) -> Option<String> {
    match tag {
        // UTF8String; PrintableString, IA5String, VisibleString, NumericString (ASCII subsets).
        0x0C | 0x13 | 0x16 | 0x1A | 0x12 => String::from_utf8(bytes.to_vec()).ok(),
        // TeletexString: read as Latin-1, as RFC 5280 §7.1 and OpenSSL do.
        0x14 => Some(bytes.iter().map(|b| char::from(*b)).collect()),
        // BMPString: UCS-2, big-endian.
        0x1E => {
            if !bytes.len().is_multiple_of(2) {
                return None;
            }
            let units = bytes.chunks_exact(2).map(|c| Some(u16::from_be_bytes(c.try_into().ok()?)));
            char::decode_utf16(units.collect::<Option<Vec<u16>>>()?).collect::<Result<String, _>>().ok()
        }
        // UniversalString: UCS-4, big-endian.
        0x1C => {
            if !bytes.len().is_multiple_of(4) {
                return None;
            }
            bytes
                .chunks_exact(4)
                .map(|c| char::from_u32(u32::from_be_bytes(c.try_into().ok()?)))
                .collect::<Option<String>>()
        }
        _ => None,
    }
}

/// RFC 4518 §2 as the module docs say: map (drop controls and zero-width characters, all
/// white space to U+0020), case fold, then insignificant space handling.
fn string_prep(text: &str) -> String {
    let mapped = text
        .chars()
        .filter(|c| !matches!(c, '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}' | '\u{AD}'))
        .filter(|c| !c.is_control() || c.is_whitespace())
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .flat_map(char::to_lowercase);
    let mut out = String::new();
    for word in mapped.collect::<String>().split(' ').filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::tlv::tlv;

    fn name(parts: &[(&[u8], u32, &[u8])]) -> Vec<u8> {
        let rdns: Vec<u8> = parts
            .iter()
            .flat_map(|(oid, tag, value)| tlv(0x31, &tlv(0x30, &[tlv(0x06, oid), tlv(*tag, value)].concat())))
            .collect();
        tlv(0x30, &rdns)
    }

    const C: &[u8] = &[0x55, 0x04, 0x06];
    const CN: &[u8] = &[0x55, 0x04, 0x03];

    #[test]
    fn string_type_case_and_inner_spaces_do_not_matter() {
        let printable = name(&[(C, 0x13, b"VN"), (CN, 0x13, b"CSCA  Vietnam ")]);
        let utf8 = name(&[(C, 0x0C, b"vn"), (CN, 0x0C, b"csca vietnam")]);
        let bmp = name(&[
            (C, 0x13, b"VN"),
            (
                CN,
                0x1E,
                &[
                    0, b'C', 0, b'S', 0, b'C', 0, b'A', 0, b' ', 0, b'V', 0, b'i', 0, b'e', 0, b't', 0, b'n', 0, b'a',
                    0, b'm',
                ],
            ),
        ]);
        assert!(same_name(&printable, &utf8));
        assert!(same_name(&printable, &bmp));
        // Another name, or another attribute type, or another order: different.
        assert!(!same_name(&printable, &name(&[(C, 0x13, b"VN"), (CN, 0x13, b"CSCA Viet Nam")])));
        assert!(!same_name(&printable, &name(&[(C, 0x13, b"VN"), (C, 0x13, b"CSCA Vietnam")])));
        assert!(!same_name(&printable, &name(&[(CN, 0x13, b"CSCA Vietnam"), (C, 0x13, b"VN")])));
    }

    #[test]
    fn vietnamese_text_folds_case() {
        let upper = name(&[(CN, 0x0C, "BỘ CÔNG AN".as_bytes())]);
        let lower = name(&[(CN, 0x0C, "bộ công an".as_bytes())]);
        assert!(same_name(&upper, &lower));
    }

    #[test]
    fn malformed_names_compare_by_bytes_without_panicking() {
        for bytes in
            [&b""[..], &[0x30], &[0x30, 0x02, 0x31, 0x05], &[0x30, 0x03, 0x31, 0x01, 0x30], &[0x30, 0x00, 0x00]]
        {
            assert!(same_name(bytes, bytes));
            assert!(!same_name(bytes, &name(&[(C, 0x13, b"VN")])));
        }
        // An odd-length BMPString is not text: compared as bytes.
        let odd = name(&[(CN, 0x1E, &[0, b'A', 0])]);
        assert!(same_name(&odd, &odd));
        assert!(!same_name(&odd, &name(&[(CN, 0x13, b"A")])));
    }
}
