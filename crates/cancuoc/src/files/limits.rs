//! The read-size policy: what the card is known to take (extended length, the largest short
//! Le, short EF identifiers), as [`super::FileReader`] learns it.

/// Whether the card takes extended-length READ BINARY, as learnt so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtendedLength {
    /// Not tried yet: the next large read tries it.
    Unknown,
    /// Worked, up to the given chunk size.
    Supported(usize),
    /// Refused, or turned off by the caller.
    Unsupported,
}

/// Whether the card takes READ BINARY by short EF identifier (ISO/IEC 7816-4 §11.3.3), as
/// learnt so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShortEfIds {
    /// Not tried yet: the next file is read by its short identifier.
    Unknown,
    /// Worked: files are read without SELECT.
    Supported,
    /// Refused, or turned off by the caller: files are selected first.
    Unsupported,
}

/// How file reads are made; [`super::FileReader`] adapts it as it learns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// Extended length support.
    pub extended: ExtendedLength,
    /// Largest short Le to ask for; `None` means the channel's maximum.
    pub max_short_le: Option<usize>,
    /// READ BINARY by short EF identifier (one APDU less per file).
    pub short_ef_ids: ShortEfIds,
}

impl Default for ReadLimits {
    fn default() -> Self {
        Self { extended: ExtendedLength::Unknown, max_short_le: None, short_ef_ids: ShortEfIds::Unknown }
    }
}

/// Progress of one file read: bytes so far and the file's length (once known).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileProgress {
    /// Bytes read.
    pub read: usize,
    /// The file's length, 0 until its header has been read.
    pub total: usize,
}
