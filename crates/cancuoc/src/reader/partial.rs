//! What a read has gathered so far, kept across a lost secure session and a torn card, so the
//! read goes on where it stopped instead of starting over.

use crate::channel::ChannelStats;
use crate::document::Document;
use crate::files::{FileReader, ReadLimits};
use crate::lds::DgNumber;

/// A read in progress: the files read whole, the bytes of the file being read, the data-group
/// plan, and what was learnt about the card's READ BINARY sizes. [`super::Session::read_into`]
/// fills it; after a torn card, [`super::Reader::resume`] checks the card put back is the same
/// chip and the read continues from here. Files already complete are not read again; a file
/// cut short goes on at the offset it reached, and EF.SOD's hashes check every byte of it.
#[derive(Debug, Clone)]
pub struct PartialRead {
    pub(super) doc: Document,
    pub(super) com_done: bool,
    pub(super) sod_done: bool,
    /// The data groups to read, once EF.SOD (or EF.COM) said which.
    pub(super) plan: Option<Vec<DgNumber>>,
    /// Guessed data groups (no EF.SOD, no EF.COM) found absent.
    pub(super) absent: Vec<DgNumber>,
    /// The file being read when the read stopped, and its bytes so far.
    pub(super) pending: Option<(u16, Vec<u8>)>,
    pub(super) files: FileReader,
    /// APDUs and bytes of the sessions before the current one.
    pub(super) earlier: ChannelStats,
    /// How many times the read went on under a new session or on a card put back.
    pub(super) restarts: usize,
}

impl Default for PartialRead {
    fn default() -> Self {
        Self::new(ReadLimits::default())
    }
}

impl PartialRead {
    /// Nothing read yet; READ BINARY sizes start from `limits`.
    pub fn new(limits: ReadLimits) -> Self {
        Self {
            doc: Document::default(),
            com_done: false,
            sod_done: false,
            plan: None,
            absent: Vec::new(),
            pending: None,
            files: FileReader::new(limits),
            earlier: ChannelStats::default(),
            restarts: 0,
        }
    }

    /// The document as far as it was read.
    pub fn document(&self) -> &Document {
        &self.doc
    }

    /// The document, read or not to the end.
    pub fn into_document(self) -> Document {
        self.doc
    }

    /// Bytes of file content held so far, the file cut short included.
    pub fn bytes_held(&self) -> usize {
        let doc = &self.doc;
        let files = [&doc.com, &doc.sod].into_iter().flatten().map(Vec::len).sum::<usize>();
        let groups = doc.data_groups.values().map(Vec::len).sum::<usize>();
        let pending = self.pending.as_ref().map_or(0, |(_, bytes)| bytes.len());
        files.saturating_add(groups).saturating_add(pending)
    }

    /// True once nothing of the card was kept (a read that stopped before EF.SOD).
    pub fn is_empty(&self) -> bool {
        !self.sod_done && self.pending.is_none()
    }

    /// How many times the read went on under a new session or on a card put back.
    pub fn restarts(&self) -> usize {
        self.restarts
    }

    /// The bytes of `fid` read so far, taken out to go on with.
    pub(super) fn take_pending(&mut self, fid: u16) -> Vec<u8> {
        match self.pending.take() {
            Some((pending, bytes)) if pending == fid => bytes,
            other => {
                self.pending = other;
                Vec::new()
            }
        }
    }

    /// The start of EF.SOD as held (whole or cut short), to recognise the chip by.
    pub(super) fn sod_head(&self) -> Option<&[u8]> {
        match (&self.doc.sod, &self.pending) {
            (Some(sod), _) => Some(sod),
            (None, Some((fid, bytes))) if *fid == crate::files::FID_SOD.0 && !bytes.is_empty() => Some(bytes),
            _ => None,
        }
    }
}
