//! Selecting applications and elementary files, and reading whole files (ICAO 9303-10 §3.6,
//! ISO/IEC 7816-4 §11.2–11.3).
//!
//! [`FileReader`] learns what the card takes and keeps it across files: it reads a file's
//! first bytes with a short READ BINARY, sizes the file from its TLV header, then asks for the
//! rest in extended-length reads where the card takes them and otherwise in the largest short
//! Le it takes. A `6700` (wrong length) or `6Cxx` (exact length) answer lowers the size and
//! the read goes on: each exchange is a complete command/response pair, so the SSC stays in
//! step. Past offset 32 767, READ BINARY uses INS `B1` with an offset data object.

pub mod capabilities;
mod error;
mod limits;
mod read_binary;

pub use error::FileError;
pub use limits::{ExtendedLength, FileProgress, ReadLimits, ShortEfIds};
use read_binary::{read_binary, unwrap_offset_response};

use crate::apdu::{Command, Response, StatusWord};
use crate::channel::Channel;
use crate::codec::DecodeErrorKind;
use crate::codec::tlv::parse_header;
use crate::transport::Transport;

/// The eMRTD LDS1 application (ICAO 9303-10 §3.6.1).
pub const AID_EMRTD: &[u8] = &[0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01];
/// EF.COM.
pub const FID_COM: Fid = Fid(0x011E);
/// EF.SOD.
pub const FID_SOD: Fid = Fid(0x011D);
/// EF.CardAccess (in the master file).
pub const FID_CARD_ACCESS: Fid = Fid(0x011C);
/// EF.CardSecurity (in the master file).
pub const FID_CARD_SECURITY: Fid = Fid(0x011D);

/// Largest file accepted. DG2 faces are tens of KB, fingerprints a few hundred; nothing in
/// LDS1 comes near this, so a larger header length is hostile or broken.
pub const MAX_FILE_LEN: usize = 4 * 1024 * 1024;
/// Highest offset READ BINARY `B0` can address (15 bits, ISO/IEC 7816-4 §11.3.3).
const MAX_B0_OFFSET: usize = 0x7FFF;
/// Largest extended-length chunk asked for: a real CCCD's 17 KB face in one READ BINARY, with
/// room for the SM objects in a 64 KiB response (0.6 s on a 424 kbit/s link).
pub(crate) const MAX_EXTENDED_CHUNK: usize = 0x8000;
/// Bytes read first: enough for any header (tag 3 + length 5) and most small files whole.
const FIRST_READ_MIN: usize = 8;

/// A file identifier (ISO/IEC 7816-4 §7.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fid(pub u16);

impl Fid {
    /// The short EF identifier ICAO 9303-10 assigns the file (Table 37: EF.CardAccess 1C,
    /// EF.SOD 1D, EF.COM 1E, DG1–DG16 01–10; EF.CardSecurity has none, its FID 011D being
    /// EF.SOD's in the application), for READ BINARY without SELECT.
    pub fn short_id(self) -> Option<u8> {
        match self.0 {
            0x0101..=0x0110 | 0x011C..=0x011E => u8::try_from(self.0 & 0x1F).ok(),
            _ => None,
        }
    }
}

/// Reads whole files, adapting the READ BINARY size to the card.
#[derive(Debug, Clone)]
pub struct FileReader {
    limits: ReadLimits,
    /// First reads ask for the whole file once extended length is known to work; off after a
    /// card refused one.
    whole_first_reads: bool,
}

impl FileReader {
    /// A reader starting from `limits`.
    pub fn new(limits: ReadLimits) -> Self {
        Self { limits, whole_first_reads: true }
    }

    /// What has been learnt about the card.
    pub fn limits(&self) -> ReadLimits {
        self.limits
    }

    /// Takes what the card said about extended length (its ATR or EF.ATR/INFO).
    pub fn set_extended(&mut self, extended: ExtendedLength) {
        self.limits.extended = extended;
    }

    /// Reads the first `len` bytes of the EF `fid` with one short READ BINARY (to recognise a
    /// card by a file already read): by its short EF identifier when the card takes them, else
    /// after a SELECT.
    ///
    /// # Errors
    /// A [`FileError`] naming `name`.
    pub fn read_ef_head<T: Transport>(
        &mut self,
        channel: &mut Channel<T>,
        fid: Fid,
        name: &'static str,
        len: usize,
    ) -> Result<Vec<u8>, FileError> {
        let len = len.clamp(1, self.short_max(channel));
        match fid.short_id().filter(|_| self.limits.short_ef_ids == ShortEfIds::Supported) {
            Some(sfi) => self.read_chunk(channel, Some(sfi), 0, len, name),
            None => {
                self.select_ef(channel, fid, name)?;
                self.read_chunk(channel, None, 0, len, name)
            }
        }
    }

    /// Selects an application by AID (SELECT, P1 = 04, P2 = 0C: no answer data).
    ///
    /// # Errors
    /// [`FileError::NotFound`] when the chip has no such application.
    pub fn select_application<T: Transport>(
        &self,
        channel: &mut Channel<T>,
        aid: &[u8],
        name: &'static str,
    ) -> Result<(), FileError> {
        let command = Command::new(0x00, 0xA4, 0x04, 0x0C).with_data(aid.to_vec());
        let response = channel.send(&command).map_err(FileError::from_channel("SELECT", name, 0))?;
        expect_ok(&response, "SELECT", name)
    }

    /// Selects an EF under the current application by its FID (P1 = 02, P2 = 0C).
    ///
    /// # Errors
    /// [`FileError::NotFound`], [`FileError::AccessDenied`] or another failure.
    pub fn select_ef<T: Transport>(
        &self,
        channel: &mut Channel<T>,
        fid: Fid,
        name: &'static str,
    ) -> Result<(), FileError> {
        let command = Command::new(0x00, 0xA4, 0x02, 0x0C).with_data(fid.0.to_be_bytes().to_vec());
        let response = channel.send(&command).map_err(FileError::from_channel("SELECT", name, 0))?;
        expect_ok(&response, "SELECT", name)
    }

    /// Selects the EF `fid` and reads it whole.
    ///
    /// # Errors
    /// A [`FileError`] naming `name`.
    pub fn read_ef<T: Transport>(
        &mut self,
        channel: &mut Channel<T>,
        fid: Fid,
        name: &'static str,
        progress: &mut dyn FnMut(FileProgress),
    ) -> Result<Vec<u8>, FileError> {
        let mut file = Vec::new();
        self.read_ef_into(channel, fid, name, &mut file, progress)?;
        Ok(file)
    }

    /// Selects the EF `fid` and reads it into `file`, going on from `file.len()`: a file whose
    /// read was cut short (a lost session, a torn card) continues where it stopped, under a new
    /// session. On an error, `file` holds every byte read so far.
    ///
    /// # Errors
    /// A [`FileError`] naming `name`.
    pub fn read_ef_into<T: Transport>(
        &mut self,
        channel: &mut Channel<T>,
        fid: Fid,
        name: &'static str,
        file: &mut Vec<u8>,
        progress: &mut dyn FnMut(FileProgress),
    ) -> Result<(), FileError> {
        self.select_ef(channel, fid, name)?;
        self.read_selected(channel, None, name, file, progress)
    }

    /// Reads the EF `fid` into `file` (going on from `file.len()`, as
    /// [`FileReader::read_ef_into`]): a new file by its short EF identifier when it has one and
    /// the card takes them — one READ BINARY, no SELECT (ICAO 9303-10 §3.6.2) — else selected
    /// first. A card that refuses the short identifier (or does not find the file by it, while
    /// SELECT does) is asked by SELECT from then on; one that ends its session over it is
    /// reported [`FileError::SessionLost`] with `adapted`, and gets SELECTs after access
    /// control runs again.
    ///
    /// # Errors
    /// A [`FileError`] naming `name`.
    pub fn read_file_into<T: Transport>(
        &mut self,
        channel: &mut Channel<T>,
        fid: Fid,
        name: &'static str,
        file: &mut Vec<u8>,
        progress: &mut dyn FnMut(FileProgress),
    ) -> Result<(), FileError> {
        let short = fid.short_id().filter(|_| file.is_empty() && self.limits.short_ef_ids != ShortEfIds::Unsupported);
        let Some(sfi) = short else { return self.read_ef_into(channel, fid, name, file, progress) };
        match self.read_selected(channel, Some(sfi), name, file, progress) {
            Ok(()) => {
                self.limits.short_ef_ids = ShortEfIds::Supported;
                Ok(())
            }
            // The file answered by its short identifier; a later read failed.
            Err(e) if !file.is_empty() => Err(e),
            Err(FileError::SessionLost { op, file, offset, sw, .. }) => {
                self.limits.short_ef_ids = ShortEfIds::Unsupported;
                Err(FileError::SessionLost { op, file, offset, sw, adapted: true })
            }
            // A card that reads by short identifier and finds no such file: there is none.
            Err(e @ FileError::NotFound { .. }) if self.limits.short_ef_ids == ShortEfIds::Supported => Err(e),
            Err(FileError::NotFound { .. } | FileError::Refused { .. }) => {
                let by_select = self.read_ef_into(channel, fid, name, file, progress);
                if !matches!(by_select, Err(FileError::NotFound { .. })) {
                    self.limits.short_ef_ids = ShortEfIds::Unsupported;
                }
                by_select
            }
            Err(e) => Err(e),
        }
    }

    /// Reads the EF with short identifier `sfi` (1..=30) whole, selecting it implicitly with
    /// the first READ BINARY (P1 = 80 | SFI; ISO/IEC 7816-4 §11.3.3).
    ///
    /// # Errors
    /// A [`FileError`] naming `name`.
    pub fn read_sfi<T: Transport>(
        &mut self,
        channel: &mut Channel<T>,
        sfi: u8,
        name: &'static str,
        progress: &mut dyn FnMut(FileProgress),
    ) -> Result<Vec<u8>, FileError> {
        if !(1..=30).contains(&sfi) {
            return Err(FileError::NotFound { file: name });
        }
        let mut file = Vec::new();
        self.read_selected(channel, Some(sfi), name, &mut file, progress)?;
        Ok(file)
    }

    fn read_selected<T: Transport>(
        &mut self,
        channel: &mut Channel<T>,
        sfi: Option<u8>,
        name: &'static str,
        file: &mut Vec<u8>,
        progress: &mut dyn FnMut(FileProgress),
    ) -> Result<(), FileError> {
        if file.is_empty() {
            // First read: the whole file where the card takes extended length or may (it answers
            // what there is, with 6282 when the file is shorter: ISO/IEC 7816-4 §11.3.3), else
            // as much as a short APDU carries, which is the whole of most small files. A card that refuses the short size for a file shorter than it is answered
            // with the size it wants, or with the header alone; nothing is learnt from this.
            let short_max = self.short_max(channel);
            let whole = match self.limits.extended {
                ExtendedLength::Supported(max) => Some(max),
                // Not known yet (the ATR and EF.ATR/INFO said nothing): this read is the probe
                // the rest of a large file would otherwise make, and a clear answer to it is
                // recovered from in the same way.
                ExtendedLength::Unknown => Some(MAX_EXTENDED_CHUNK),
                ExtendedLength::Unsupported => None,
            }
            .filter(|max| *max > short_max && self.whole_first_reads);
            if let Some(max) = whole {
                match self.exchange(channel, sfi, 0, max, true, name)? {
                    Ok(data) => {
                        if self.limits.extended == ExtendedLength::Unknown {
                            self.limits.extended = ExtendedLength::Supported(MAX_EXTENDED_CHUNK);
                        }
                        file.extend_from_slice(&data);
                        return self.read_rest(channel, name, file, progress);
                    }
                    // Refused under secure messaging: no extended length, or none past the end
                    // of a file. Short first reads from now on; the rest of a large file tells
                    // which (an extended read within the file).
                    Err(_) => self.whole_first_reads = false,
                }
            }
            let first = match self.exchange(channel, sfi, 0, short_max, false, name)? {
                Ok(data) => data,
                Err(sw) => match sw.exact_length() {
                    Some(exact) if exact < short_max => self.read_chunk(channel, sfi, 0, exact, name)?,
                    _ => self.read_chunk(channel, sfi, 0, FIRST_READ_MIN, name)?,
                },
            };
            file.extend_from_slice(&first);
        }
        self.read_rest(channel, name, file, progress)
    }

    /// Reads the rest of the current EF after its first bytes in `file`: the header gives the
    /// length, then as few READ BINARY as the card's sizes allow.
    fn read_rest<T: Transport>(
        &mut self,
        channel: &mut Channel<T>,
        name: &'static str,
        file: &mut Vec<u8>,
        progress: &mut dyn FnMut(FileProgress),
    ) -> Result<(), FileError> {
        let header = loop {
            match parse_header(file) {
                Ok(header) => break header,
                Err(e) if e.kind == DecodeErrorKind::Truncated && !file.is_empty() && file.len() < 16 => {
                    let more = self.read_chunk(channel, None, file.len(), FIRST_READ_MIN, name)?;
                    if more.is_empty() {
                        return Err(FileError::Malformed { file: name, source: e });
                    }
                    file.extend_from_slice(&more);
                }
                Err(source) => return Err(FileError::Malformed { file: name, source }),
            }
        };
        let total = header
            .total_len()
            .filter(|len| *len <= MAX_FILE_LEN)
            .ok_or(FileError::TooLarge { file: name, len: header.value_len })?;
        file.truncate(total);
        progress(FileProgress { read: file.len(), total });
        while file.len() < total {
            let remaining = total - file.len();
            let chunk = self.read_chunk(channel, None, file.len(), remaining, name)?;
            if chunk.is_empty() {
                return Err(FileError::Truncated { file: name, at: file.len(), len: total });
            }
            file.extend_from_slice(&chunk);
            file.truncate(total);
            progress(FileProgress { read: file.len(), total });
        }
        Ok(())
    }

    fn short_max(&self, channel: &Channel<impl Transport>) -> usize {
        let channel_max = channel.max_short_le();
        self.limits.max_short_le.map_or(channel_max, |m| m.clamp(1, channel_max))
    }

    /// Reads up to `wanted` bytes at `offset`, in one exchange if the card allows, adapting
    /// the size on `6700`/`6Cxx`. Returns fewer bytes at the end of the file.
    fn read_chunk<T: Transport>(
        &mut self,
        channel: &mut Channel<T>,
        sfi: Option<u8>,
        offset: usize,
        wanted: usize,
        name: &'static str,
    ) -> Result<Vec<u8>, FileError> {
        // Bounded: each retry lowers the size, so a few dozen rounds at most.
        for _ in 0..40 {
            let short_max = self.short_max(channel);
            let (le, extended) = match self.limits.extended {
                ExtendedLength::Unknown if wanted > short_max => (wanted.min(MAX_EXTENDED_CHUNK), true),
                ExtendedLength::Supported(max) if wanted > short_max => (wanted.min(max), true),
                _ => (wanted.min(short_max), false),
            };
            // A `B1` answer carries DO'53' around the data: keep a short answer within bounds.
            let le = if offset > MAX_B0_OFFSET && !extended { le.min(short_max.saturating_sub(4)).max(1) } else { le };
            let sw = match self.exchange(channel, sfi, offset, le, extended, name)? {
                Ok(data) => {
                    if extended && self.limits.extended == ExtendedLength::Unknown {
                        self.limits.extended = ExtendedLength::Supported(MAX_EXTENDED_CHUNK);
                    }
                    return Ok(data);
                }
                Err(sw) => sw,
            };
            if extended {
                // Halve the extended size; at or below the short maximum, give extended up.
                let smaller = le / 2;
                self.limits.extended =
                    if smaller > short_max { ExtendedLength::Supported(smaller) } else { ExtendedLength::Unsupported };
            } else {
                match sw.exact_length() {
                    Some(exact) if exact < le => self.limits.max_short_le = Some(exact),
                    _ if le > 1 => self.limits.max_short_le = Some(le / 2),
                    _ => return Err(FileError::from_status("READ BINARY", name, offset, sw)),
                }
            }
        }
        Err(FileError::Refused { op: "READ BINARY", file: name, offset, sw: StatusWord::WRONG_LENGTH })
    }

    /// One READ BINARY. `Ok(Err(sw))` for the size complaints (`6700`, `6Cxx`) the caller may
    /// adapt to; other refusals are errors.
    fn exchange<T: Transport>(
        &mut self,
        channel: &mut Channel<T>,
        sfi: Option<u8>,
        offset: usize,
        le: usize,
        extended: bool,
        name: &'static str,
    ) -> Result<Result<Vec<u8>, StatusWord>, FileError> {
        let odd = offset > MAX_B0_OFFSET;
        let command = read_binary(sfi, offset, le, extended, odd, name)?;
        let response = channel.send(&command).map_err(FileError::from_channel("READ BINARY", name, offset)).map_err(
            |e| match e {
                // A card that cannot take extended length may answer one in the clear and end
                // the session: never try extended length again on this card.
                FileError::SessionLost { op, file, offset, sw, .. } if extended => {
                    self.limits.extended = ExtendedLength::Unsupported;
                    FileError::SessionLost { op, file, offset, sw, adapted: true }
                }
                other => other,
            },
        )?;
        match response.sw {
            StatusWord::OK | StatusWord::END_OF_FILE => {
                let data = if odd { unwrap_offset_response(&response.data, name)? } else { response.data };
                Ok(Ok(data))
            }
            sw if sw == StatusWord::WRONG_LENGTH || sw.exact_length().is_some() => Ok(Err(sw)),
            sw => Err(FileError::from_status("READ BINARY", name, offset, sw)),
        }
    }
}

fn expect_ok(response: &Response, op: &'static str, name: &'static str) -> Result<(), FileError> {
    if response.sw == StatusWord::OK { Ok(()) } else { Err(FileError::from_status(op, name, 0, response.sw)) }
}
