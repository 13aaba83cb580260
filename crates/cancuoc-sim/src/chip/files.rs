//! The chip's file system: SELECT, READ BINARY (B0 and B1, by short EF identifier or after
//! SELECT, short or extended) and the master file's EF.ATR/INFO (ISO/IEC 7816-4 §11.2–11.3).

use cancuoc::internals::apdu::{Command, Response, StatusWord};
use cancuoc::internals::codec::ByteReader;
use cancuoc::internals::codec::tlv::tlv;
use cancuoc::internals::files::AID_EMRTD;

use super::{NoShortEfIds, VirtualChip, status};

impl VirtualChip {
    pub(super) fn select(&mut self, command: &Command) -> Response {
        match command.p1 {
            0x04 => {
                if command.data == AID_EMRTD {
                    self.application_selected = true;
                    self.selected_file = None;
                    status(StatusWord::OK)
                } else {
                    status(StatusWord::FILE_NOT_FOUND)
                }
            }
            // SELECT MF: Vietnamese chips answer "instruction not supported" (docs/research/cccd.md
            // §1.2, NFCPassportReader issue 219).
            0x00 if command.data.is_empty() || command.data == [0x3F, 0x00] => status(StatusWord::INS_NOT_SUPPORTED),
            0x00 | 0x02 => {
                let fid = match command.data.as_slice() {
                    [hi, lo] => u16::from_be_bytes([*hi, *lo]),
                    _ => return status(StatusWord::WRONG_DATA),
                };
                if self.file(fid).is_some() {
                    self.selected_file = Some(fid);
                    status(StatusWord::OK)
                } else {
                    status(StatusWord::FILE_NOT_FOUND)
                }
            }
            _ => status(StatusWord::WRONG_P1P2),
        }
    }

    /// The file `fid` in the current DF: the eMRTD application once selected, else the master
    /// file, which holds EF.CardAccess and EF.CardSecurity on a PACE chip.
    pub(super) fn file(&self, fid: u16) -> Option<&Vec<u8>> {
        if self.application_selected {
            return self.document.files.get(&fid);
        }
        if fid == FID_ATR_INFO {
            return self.atr_info.as_ref();
        }
        self.pace.as_ref()?;
        match fid {
            FID_CARD_ACCESS if self.faults.hide_card_access => None,
            FID_CARD_ACCESS => self.document.card_access.as_ref(),
            FID_CARD_SECURITY => self.document.card_security.as_ref(),
            _ => None,
        }
    }

    pub(super) fn read_binary(&mut self, command: &Command) -> Response {
        if self.faults.max_le.zip(command.le).is_some_and(|(max, le)| le > max) {
            return status(StatusWord::WRONG_LENGTH);
        }
        let (fid, offset) = if command.ins == 0xB1 {
            let mut r = ByteReader::new(&command.data, "offset");
            let Ok(offset_do) = r.expect_tlv(0x54) else { return status(StatusWord::WRONG_DATA) };
            let offset = offset_do.value.iter().fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
            (self.selected_file, offset)
        } else if command.p1 & 0x80 != 0 {
            if self.faults.no_short_ef_ids != NoShortEfIds::Supported {
                return status(StatusWord::WRONG_P1P2);
            }
            let sfi = u16::from(command.p1 & 0x1F);
            // In the master file, SFI 01 is EF.ATR/INFO; in the application, the data groups.
            let fid = if !self.application_selected && sfi == 1 { FID_ATR_INFO } else { 0x0100 | sfi };
            if self.file(fid).is_none() {
                return status(StatusWord::FILE_NOT_FOUND);
            }
            self.selected_file = Some(fid);
            (Some(fid), usize::from(command.p2))
        } else {
            (self.selected_file, usize::from(u16::from_be_bytes([command.p1 & 0x7F, command.p2])))
        };
        let Some(fid) = fid else { return status(StatusWord::CONDITIONS_NOT_SATISFIED) };
        if self.document.protected.contains(&fid) {
            return status(StatusWord::SECURITY_STATUS_NOT_SATISFIED);
        }
        let Some(file) = self.file(fid) else { return status(StatusWord::FILE_NOT_FOUND) };
        let Some(rest) = file.get(offset..) else { return status(StatusWord::WRONG_OFFSET) };
        let le = command.le.unwrap_or(256);
        if command.ins == 0xB1 {
            // The answer is DO'53' around the data; Le counts the whole object.
            let room = le.saturating_sub(4);
            let take = rest.len().min(room);
            let data = rest.get(..take).unwrap_or_default();
            let sw = if take < room { StatusWord::END_OF_FILE } else { StatusWord::OK };
            return Response::new(tlv(0x53, data), sw);
        }
        if self.faults.extended_within_file_only && command.extended && le > rest.len() {
            return status(StatusWord::WRONG_LENGTH);
        }
        let take = rest.len().min(le);
        let sw = if take < le { StatusWord::END_OF_FILE } else { StatusWord::OK };
        Response::new(rest.get(..take).unwrap_or_default().to_vec(), sw)
    }
}

/// EF.CardAccess (ICAO 9303-10 §3.11.3).
pub(super) const FID_CARD_ACCESS: u16 = 0x011C;
/// EF.CardSecurity (ICAO 9303-10 §3.11.4).
const FID_CARD_SECURITY: u16 = 0x011D;

/// EF.ATR/INFO's FID in the master file.
pub(super) const FID_ATR_INFO: u16 = 0x2F01;

/// EF.ATR/INFO holding the extended length information DO'7F66' (most bytes in a command and
/// in a response): 0x1000 each, or 0xFF / 0x100 for a card without extended length.
pub(super) fn atr_info(extended: bool) -> Vec<u8> {
    let (command, response): (&[u8], &[u8]) =
        if extended { (&[0x10, 0x00], &[0x10, 0x00]) } else { (&[0xFF], &[0x01, 0x00]) };
    tlv(0x7F66, &[tlv(0x02, command), tlv(0x02, response)].concat())
}

/// EF.CardAccess whose SecurityInfos contents are cut after `keep` bytes, the SET's length
/// rewritten to match: a well-formed file around a PACEInfo cut short.
pub(super) fn truncated_security_infos(card_access: &[u8], keep: usize) -> Vec<u8> {
    let mut r = ByteReader::new(card_access, "EF.CardAccess");
    let contents = r.expect_tlv(0x31).map(|set| set.value.to_vec()).unwrap_or_else(|_| card_access.to_vec());
    tlv(0x31, contents.get(..keep.min(contents.len())).unwrap_or_default())
}
