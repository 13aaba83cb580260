//! What a card says about extended length before anyone tries it: the card capabilities in
//! its answer to reset's historical bytes (ISO/IEC 7816-4, "Historical bytes" / "Card
//! capabilities", third software function table) and the extended length information
//! DO'7F66' in EF.ATR/INFO (ISO/IEC 7816-4, "EF.ATR/INFO"; ICAO 9303-10 has a chip that
//! supports extended length say so there).
//!
//! Both are unauthenticated hints. They only choose between short and extended READ BINARY;
//! a wrong hint costs APDUs, never integrity, as every answer is still MAC-checked.

use crate::codec::ByteReader;

/// EF.ATR/INFO's short EF identifier in the master file (its FID is 2F01).
pub const SFI_ATR_INFO: u8 = 0x01;
/// Tag of the extended length information DO.
const TAG_EXTENDED_LENGTH_INFO: u32 = 0x7F66;
/// Compact-TLV tag of the card capabilities (ISO/IEC 7816-4, "Card capabilities").
const TAG_CARD_CAPABILITIES: u8 = 0x7;
/// Bit of the third software function table: "extended Lc and Le fields".
const EXTENDED_LC_LE: u8 = 0x40;
/// Largest Le a short APDU can ask for.
const SHORT_MAX: usize = 256;

/// Whether the answer to reset says the card takes extended Lc and Le fields: `Some(true)` or
/// `Some(false)` when its historical bytes carry the card capabilities with the third
/// software function table, `None` when they say nothing (no historical bytes, a proprietary
/// category, or shorter capabilities).
pub fn extended_length_in_atr(atr: &[u8]) -> Option<bool> {
    let historical = historical_bytes(atr)?;
    let mut r = ByteReader::new(historical, "historical bytes");
    let category = r.u8().ok()?;
    // Category 00: compact-TLV objects, then a 3-byte status indicator; 80: compact-TLV only
    // (ISO/IEC 7816-4, "category indicator"). Any other category is proprietary.
    let objects = match category {
        0x00 => r.take(r.remaining().checked_sub(3)?).ok()?,
        0x80 => r.rest(),
        _ => return None,
    };
    let mut objects = ByteReader::new(objects, "compact-TLV");
    while let Ok(header) = objects.u8() {
        let value = objects.take(usize::from(header & 0x0F)).ok()?;
        if header >> 4 == TAG_CARD_CAPABILITIES {
            return value.get(2).map(|table| table & EXTENDED_LC_LE != 0);
        }
    }
    None
}

/// The historical bytes of an answer to reset (ISO/IEC 7816-3, "Answer-to-Reset"): T0's low nibble counts
/// them, and they follow the interface bytes, whose presence the high nibbles of T0 and each
/// TDi announce.
fn historical_bytes(atr: &[u8]) -> Option<&[u8]> {
    let mut r = ByteReader::new(atr, "answer to reset");
    r.u8().ok()?; // TS
    let t0 = r.u8().ok()?;
    let count = usize::from(t0 & 0x0F);
    let mut presence = t0 >> 4;
    // Bounded: ISO/IEC 7816-3 allows at most a few TDi; a longer chain is not an ATR.
    for _ in 0..8 {
        for bit in [0x1, 0x2, 0x4] {
            if presence & bit != 0 {
                r.u8().ok()?; // TAi, TBi, TCi
            }
        }
        if presence & 0x8 == 0 {
            return r.take(count).ok();
        }
        presence = r.u8().ok()? >> 4; // TDi
    }
    None
}

/// What EF.ATR/INFO's extended length information says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExtendedLengthInfo {
    /// The most bytes a command APDU may carry.
    pub max_command: usize,
    /// The most bytes a response may carry.
    pub max_response: usize,
}

impl ExtendedLengthInfo {
    /// True when responses longer than a short APDU's 256 bytes are allowed.
    pub fn allows_extended_responses(&self) -> bool {
        self.max_response > SHORT_MAX
    }
}

/// The extended length information DO'7F66' of EF.ATR/INFO's content (two INTEGERs: the most
/// bytes in a command and in a response APDU); `None` when the file holds none or it is
/// malformed.
pub fn extended_length_in_atr_info(file: &[u8]) -> Option<ExtendedLengthInfo> {
    let mut r = ByteReader::new(file, "EF.ATR/INFO");
    let info = r.find_tlv(TAG_EXTENDED_LENGTH_INFO).ok()??;
    let mut values = info.reader("extended length information");
    let mut integer = || -> Option<usize> {
        let bytes = values.expect_tlv(0x02).ok()?.value;
        (bytes.len() <= 4).then(|| bytes.iter().fold(0usize, |acc, b| acc << 8 | usize::from(*b)))
    };
    Some(ExtendedLengthInfo { max_command: integer()?, max_response: integer()? })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_capabilities_in_the_historical_bytes_say_yes_no_or_nothing() {
        // 3B 88 80 01 | 80 31 80 73 C8 40 C0 00 | TCK: category 80, then the card capabilities
        // 73 C8 40 C0, whose third byte carries b7 "extended Lc and Le fields".
        let yes = [0x3B, 0x88, 0x80, 0x01, 0x80, 0x31, 0x80, 0x73, 0xC8, 0x40, 0xC0, 0x00];
        assert_eq!(extended_length_in_atr(&yes), Some(true));
        let no = [0x3B, 0x88, 0x80, 0x01, 0x80, 0x31, 0x80, 0x73, 0xC8, 0x40, 0x80, 0x00];
        assert_eq!(extended_length_in_atr(&no), Some(false));
        // Category 00 with a status indicator after the objects.
        let with_status = [0x3B, 0x88, 0x80, 0x01, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x90, 0x00, 0x00];
        assert_eq!(extended_length_in_atr(&with_status), Some(true));
        // Proprietary historical bytes (the virtual card's), none at all, two-byte
        // capabilities, and garbage: nothing said.
        assert_eq!(extended_length_in_atr(b"\x3B\x8A\x80\x01cancuoc-vc\x00"), None);
        assert_eq!(extended_length_in_atr(&[0x3B, 0x80, 0x80, 0x01, 0x01]), None);
        assert_eq!(extended_length_in_atr(&[0x3B, 0x84, 0x80, 0x01, 0x80, 0x72, 0x00, 0x00]), None);
        for n in 0..yes.len() - 1 {
            assert_ne!(extended_length_in_atr(&yes[..n]), Some(false), "{n}");
        }
        assert_eq!(extended_length_in_atr(&[0x3B, 0xF0, 0xFF, 0xFF, 0xFF, 0xFF]), None);
    }

    #[test]
    fn extended_length_information_is_read_from_ef_atr_info() {
        use crate::codec::tlv::tlv;
        let info = tlv(0x7F66, &[tlv(0x02, &[0x0F, 0xFF]), tlv(0x02, &[0x10, 0x00])].concat());
        let file = [tlv(0x43, &[0x00]), info].concat();
        let found = extended_length_in_atr_info(&file).unwrap();
        assert_eq!(found, ExtendedLengthInfo { max_command: 0x0FFF, max_response: 0x1000 });
        assert!(found.allows_extended_responses());
        let short = tlv(0x7F66, &[tlv(0x02, &[0xFF]), tlv(0x02, &[0x01, 0x00])].concat());
        assert!(!extended_length_in_atr_info(&short).unwrap().allows_extended_responses());
        assert_eq!(extended_length_in_atr_info(&tlv(0x43, &[0])), None);
        assert_eq!(extended_length_in_atr_info(&[0x7F, 0x66, 0x05, 0x02]), None);
    }
}
