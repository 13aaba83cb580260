//! READ BINARY as the card gets it (ISO/IEC 7816-4 §11.3.3): the command for an offset, and the
//! answer of the odd-INS form unwrapped.

use super::FileError;
use crate::apdu::Command;
use crate::codec::ByteReader;
use crate::codec::tlv::tlv;

/// READ BINARY: `B0` with a 15-bit offset in P1-P2 (or SFI in P1 and an 8-bit offset), or
/// `B1` with DO'54' carrying the offset; the `B1` answer is wrapped in DO'53', so Le grows by
/// its header (ISO/IEC 7816-4 §11.3.3).
pub(super) fn read_binary(
    sfi: Option<u8>,
    offset: usize,
    le: usize,
    extended: bool,
    odd: bool,
    name: &'static str,
) -> Result<Command, FileError> {
    if odd {
        let bytes = u32::try_from(offset).map_err(|_| FileError::TooLarge { file: name, len: offset })?.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count().min(3);
        let data = tlv(0x54, bytes.get(skip..).unwrap_or_default());
        // DO'53' header: tag + up to 3 length bytes.
        let le = le.saturating_add(4);
        return Ok(Command::new(0x00, 0xB1, 0x00, 0x00).with_data(data).with_le(le).extended(extended || le > 256));
    }
    let (p1, p2) = match sfi {
        Some(sfi) => (0x80 | sfi, u8::try_from(offset).map_err(|_| FileError::TooLarge { file: name, len: offset })?),
        // P1's top bit would say "SFI": an offset past 32 767 needs B1, never a wrapped B0.
        None => match u16::try_from(offset) {
            Ok(offset @ 0..=0x7FFF) => {
                let [hi, lo] = offset.to_be_bytes();
                (hi, lo)
            }
            _ => return Err(FileError::TooLarge { file: name, len: offset }),
        },
    };
    Ok(Command::new(0x00, 0xB0, p1, p2).with_le(le).extended(extended))
}

pub(super) fn unwrap_offset_response(data: &[u8], name: &'static str) -> Result<Vec<u8>, FileError> {
    if data.is_empty() {
        return Ok(Vec::new());
    }
    let mut r = ByteReader::new(data, "READ BINARY (B1) answer");
    let tlv = r.expect_tlv(0x53).map_err(|source| FileError::Malformed { file: name, source })?;
    Ok(tlv.value.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(command: &Command) -> Vec<u8> {
        command.to_bytes().unwrap()
    }

    #[test]
    fn b0_carries_a_15_bit_offset_or_an_sfi_with_an_8_bit_one() {
        assert_eq!(
            bytes(&read_binary(None, 0x1234, 8, false, false, "EF.SOD").unwrap()),
            [0x00, 0xB0, 0x12, 0x34, 0x08]
        );
        assert_eq!(
            bytes(&read_binary(Some(0x1D), 0x10, 8, false, false, "EF.SOD").unwrap()),
            [0x00, 0xB0, 0x9D, 0x10, 0x08]
        );
        // An SFI read cannot reach past offset 255; a B0 read past 32 767 is refused, never wrapped.
        assert!(matches!(read_binary(Some(0x1D), 256, 8, false, false, "EF.SOD"), Err(FileError::TooLarge { .. })));
        assert!(matches!(read_binary(None, 0x8001, 8, false, false, "DG2"), Err(FileError::TooLarge { .. })));
        // Extended Le: 00 + two bytes.
        assert_eq!(
            bytes(&read_binary(None, 0, 0x1000, true, false, "DG2").unwrap()),
            [0x00, 0xB0, 0x00, 0x00, 0x00, 0x10, 0x00]
        );
    }

    #[test]
    fn b1_carries_the_offset_in_do54_and_asks_for_the_do53_header_too() {
        let command = bytes(&read_binary(None, 0x01_0000, 200, false, true, "DG2").unwrap());
        assert_eq!(command, [0x00, 0xB1, 0x00, 0x00, 0x05, 0x54, 0x03, 0x01, 0x00, 0x00, 204]);
        // Over 256 with the header: extended.
        let command = bytes(&read_binary(None, 0x8000, 253, false, true, "DG2").unwrap());
        assert_eq!(command.len(), 4 + 1 + 2 + 4 + 2, "{command:02X?}");
    }

    #[test]
    fn the_b1_answer_is_unwrapped_from_do53_or_refused() {
        assert_eq!(unwrap_offset_response(&[0x53, 0x02, 0xAB, 0xCD], "DG2").unwrap(), [0xAB, 0xCD]);
        assert_eq!(unwrap_offset_response(&[], "DG2").unwrap(), Vec::<u8>::new());
        assert!(matches!(unwrap_offset_response(&[0x54, 0x01, 0x00], "DG2"), Err(FileError::Malformed { .. })));
        assert!(matches!(unwrap_offset_response(&[0x53, 0x05, 0x00], "DG2"), Err(FileError::Malformed { .. })));
    }
}
