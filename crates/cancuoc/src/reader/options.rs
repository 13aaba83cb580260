//! What a read is asked to do ([`ReadOptions`]) and where it is ([`Progress`]).

use super::{FileProgress, ReadLimits};
use crate::lds::DgNumber;

/// What to read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadOptions {
    /// Read DG2 (the face). Off saves most of the read time where no face check is done.
    pub photo: bool,
    /// Read only these data groups (of those EF.SOD lists); `None` reads all.
    pub only: Option<Vec<DgNumber>>,
    /// Read EF.COM too when EF.SOD lists the data groups (one READ BINARY more): for a dump
    /// that keeps every file of the chip, and to name a data group EF.COM lists that EF.SOD
    /// does not sign. EF.COM is unsigned and the list comes from EF.SOD, so a read needs it
    /// only when EF.SOD gives none — it is then read whatever this says.
    pub ef_com: bool,
    /// Starting assumptions about the card's READ BINARY sizes (the defaults probe).
    pub limits: ReadLimits,
    /// The 8 bytes active authentication signs, when a remote party chose them (its server
    /// then checks the signature against DG15 for itself: this chip was on the reader now);
    /// `None` draws them from the read's randomness.
    pub active_challenge: Option<[u8; 8]>,
    /// Refuse any fallback to BAC ([`super::Reader::require_pace`]), for the paved path
    /// ([`crate::read_resuming`], [`crate::inspect()`]).
    pub require_pace: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            photo: true,
            only: None,
            ef_com: false,
            limits: ReadLimits::default(),
            active_challenge: None,
            require_pace: false,
        }
    }
}

impl ReadOptions {
    /// Refuses a fallback to BAC, or not ([`ReadOptions::require_pace`]).
    pub fn with_require_pace(mut self, required: bool) -> Self {
        self.require_pace = required;
        self
    }

    /// Reads DG2 or not.
    pub fn with_photo(mut self, photo: bool) -> Self {
        self.photo = photo;
        self
    }

    /// Reads only these data groups.
    pub fn with_only(mut self, only: Vec<DgNumber>) -> Self {
        self.only = Some(only);
        self
    }

    /// Reads EF.COM even when EF.SOD lists the data groups ([`ReadOptions::ef_com`]).
    pub fn with_ef_com(mut self, ef_com: bool) -> Self {
        self.ef_com = ef_com;
        self
    }

    /// Starts from these READ BINARY limits.
    pub fn with_limits(mut self, limits: ReadLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Active authentication signs `challenge` (a remote verifier's nonce, ICAO 9303-11
    /// §6.1) instead of random bytes.
    pub fn with_active_challenge(mut self, challenge: [u8; 8]) -> Self {
        self.active_challenge = Some(challenge);
        self
    }
}

/// A file of the document application a read reads (ICAO 9303-10 §4.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadFile {
    /// EF.COM.
    Com,
    /// EF.SOD.
    Sod,
    /// A data group.
    Dg(DgNumber),
}

impl ReadFile {
    /// The file's name: `EF.COM`, `EF.SOD`, `DG1` … `DG16`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Com => "EF.COM",
            Self::Sod => "EF.SOD",
            Self::Dg(dg) => super::plan::DG_NAMES.get(usize::from(dg.get()).saturating_sub(1)).copied().unwrap_or("DG"),
        }
    }

    /// The file identifier.
    pub fn fid(self) -> u16 {
        match self {
            Self::Com => crate::files::FID_COM.0,
            Self::Sod => crate::files::FID_SOD.0,
            Self::Dg(dg) => dg.fid(),
        }
    }
}

impl std::fmt::Display for ReadFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a read is, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// The file being read.
    pub file: ReadFile,
    /// Index of this file among those to read.
    pub index: usize,
    /// How many files are to be read (known once EF.SOD is read; until then 1).
    pub count: usize,
    /// Bytes of this file read so far, and its length (0 until known).
    pub bytes: FileProgress,
}

impl Progress {
    /// The whole read's completion from 0.0 to 1.0 (each file weighs the same).
    pub fn fraction(&self) -> f32 {
        f32::from(self.permille()) / 1000.0
    }

    /// The whole read's completion in thousandths, 0 to 1000.
    pub fn permille(&self) -> u16 {
        let count = self.count.max(1);
        let within = self.bytes.read.saturating_mul(1000).checked_div(self.bytes.total).unwrap_or(0).min(1000);
        let done = self.index.saturating_mul(1000).saturating_add(within) / count;
        u16::try_from(done.min(1000)).unwrap_or(1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_file_names_itself_and_its_fid() {
        assert_eq!((ReadFile::Sod.name(), ReadFile::Sod.fid()), ("EF.SOD", 0x011D));
        assert_eq!((ReadFile::Com.to_string(), ReadFile::Com.fid()), ("EF.COM".to_owned(), 0x011E));
        let dg16 = DgNumber::new(16).unwrap();
        assert_eq!((ReadFile::Dg(DgNumber::DG2).name(), ReadFile::Dg(dg16).name()), ("DG2", "DG16"));
        assert_eq!(ReadFile::Dg(DgNumber::DG13).fid(), 0x010D);
    }
}
