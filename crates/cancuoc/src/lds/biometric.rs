//! Biometric information template groups (ICAO 9303-10 §4.7.2–4.7.4; ISO/IEC 7816-11): the
//! headers of DG2 (face), DG3 (fingerprints) and DG4 (irises), `7F61 { 02 n, 7F60 { A1
//! header, 5F2E|7F2E data }… }`. DG3 and DG4 are read-protected by EAC on most chips; when
//! they can be read, their headers say what they hold.

use super::{DgNumber, LdsError};
use crate::codec::ByteReader;

/// One biometric instance: its header and the size of its data block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BiometricInstance {
    /// Biometric type (tag 81: 02 face, 08 fingerprint, 10 iris).
    pub biometric_type: Option<Vec<u8>>,
    /// Biometric subtype (tag 82).
    pub subtype: Option<Vec<u8>>,
    /// Format owner (tag 87).
    pub format_owner: Option<Vec<u8>>,
    /// Format type (tag 88).
    pub format_type: Option<Vec<u8>>,
    /// Bytes of the biometric data block.
    pub data_len: usize,
}

/// Parses the template group of a DG2, DG3 or DG4 (tags 75, 63, 76).
///
/// # Errors
/// [`LdsError`] for a malformed structure.
pub fn parse(bytes: &[u8], dg: DgNumber) -> Result<Vec<BiometricInstance>, LdsError> {
    let file = match dg.get() {
        2 => "DG2",
        3 => "DG3",
        _ => "DG4",
    };
    let d = || LdsError::decode(file);
    let mut outer = ByteReader::new(bytes, "biometric group");
    let group = outer.expect_tlv(u32::from(dg.tag())).map_err(d())?;
    outer.finish_file().map_err(d())?;
    let mut r = group.reader("biometric group").expect_tlv(0x7F61).map_err(d())?.reader("biometric group");
    let mut out = Vec::new();
    while !r.is_empty() {
        let t = r.tlv().map_err(d())?;
        if t.tag != 0x7F60 {
            continue;
        }
        let mut bit = t.reader("biometric template");
        let mut instance = BiometricInstance::default();
        while !bit.is_empty() {
            let item = bit.tlv().map_err(d())?;
            match item.tag {
                0xA1 => {
                    let mut header = item.reader("biometric header");
                    while !header.is_empty() {
                        let h = header.tlv().map_err(d())?;
                        let value = Some(h.value.to_vec());
                        match h.tag {
                            0x81 => instance.biometric_type = value,
                            0x82 => instance.subtype = value,
                            0x87 => instance.format_owner = value,
                            0x88 => instance.format_type = value,
                            _ => {}
                        }
                    }
                }
                0x5F2E | 0x7F2E => instance.data_len = item.value.len(),
                _ => {}
            }
        }
        out.push(instance);
    }
    Ok(out)
}

/// The images of DG5 (displayed portraits, `65 { 02 n, 5F40 image… }`) or DG7 (displayed
/// signatures, `67 { 02 n, 5F43 image… }`) (ICAO 9303-10 §4.7.5, §4.7.7).
///
/// # Errors
/// [`LdsError`] for a malformed structure.
pub fn displayed_images(bytes: &[u8], dg: DgNumber) -> Result<Vec<Vec<u8>>, LdsError> {
    let (file, image_tag) = match dg.get() {
        5 => ("DG5", 0x5F40),
        6 => ("DG6", 0x5F41),
        _ => ("DG7", 0x5F43),
    };
    let d = || LdsError::decode(file);
    let mut outer = ByteReader::new(bytes, "displayed images");
    let group = outer.expect_tlv(u32::from(dg.tag())).map_err(d())?;
    outer.finish_file().map_err(d())?;
    let mut r = group.reader("displayed images");
    let mut out = Vec::new();
    while !r.is_empty() {
        let t = r.tlv().map_err(d())?;
        if t.tag == image_tag {
            out.push(t.value.to_vec());
        }
    }
    Ok(out)
}
