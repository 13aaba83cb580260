//! Why a file could not be read, each error naming the file; status words mapped to what a
//! person can act on (ISO/IEC 7816-4 §5.6).

use thiserror::Error;

use crate::apdu::StatusWord;
use crate::channel::ChannelError;
use crate::codec::DecodeError;

/// Why a file could not be read. Each names the file.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum FileError {
    /// The chip has no such file or application (6A82).
    #[error("{file} is not on this card")]
    NotFound {
        /// The file.
        file: &'static str,
    },
    /// The chip denies access (6982): it needs other keys (e.g. EAC for fingerprints).
    #[error("the card does not allow reading {file} with this access ({sw})")]
    AccessDenied {
        /// The file.
        file: &'static str,
        /// The status word.
        sw: StatusWord,
    },
    /// The chip refused a command.
    #[error("the card refused {op} of {file} at offset {offset}: {sw}")]
    Refused {
        /// SELECT or READ BINARY.
        op: &'static str,
        /// The file.
        file: &'static str,
        /// Offset of the read.
        offset: usize,
        /// The status word.
        sw: StatusWord,
    },
    /// The card went away mid-file.
    #[error("the card was removed while reading {file}: put it back (tap again) and read again")]
    CardRemoved {
        /// The file.
        file: &'static str,
    },
    /// Another failure of the exchange.
    #[error("{op} of {file} at offset {offset}: {source}")]
    Channel {
        /// The command: SELECT or READ BINARY.
        op: &'static str,
        /// The file.
        file: &'static str,
        /// Offset of the read.
        offset: usize,
        /// What failed.
        source: ChannelError,
    },
    /// The file's TLV header or an answer's structure is broken.
    #[error("{file} is malformed: {source}")]
    Malformed {
        /// The file.
        file: &'static str,
        /// Where and how.
        source: DecodeError,
    },
    /// The header announces a file larger than [`super::MAX_FILE_LEN`].
    #[error("{file} claims {len} bytes, more than any real file")]
    TooLarge {
        /// The file.
        file: &'static str,
        /// The announced length.
        len: usize,
    },
    /// The card answered a protected READ BINARY or SELECT in the clear
    /// ([`crate::sm::SmError::PlainAnswer`]): the secure session is over. The bytes read so far
    /// are kept by [`super::FileReader::read_ef_into`]'s caller, so the file can go on at `offset`
    /// under a new session.
    #[error(
        "{op} of {file} at offset {offset} was answered {sw} in the clear, ending the secure session: read the card again; if it repeats, this card is not supported yet"
    )]
    SessionLost {
        /// SELECT or READ BINARY.
        op: &'static str,
        /// The file.
        file: &'static str,
        /// Offset of the read.
        offset: usize,
        /// The status word.
        sw: StatusWord,
        /// The command was one the reader has stopped sending to this card (an
        /// extended-length READ BINARY, or one by short EF identifier): the read goes on
        /// without it under a new session.
        adapted: bool,
    },
    /// The card stopped sending before the announced end of the file.
    #[error("{file} ends at {at} bytes although its header announces {len}")]
    Truncated {
        /// The file.
        file: &'static str,
        /// Bytes received.
        at: usize,
        /// Bytes announced.
        len: usize,
    },
}

impl FileError {
    pub(super) fn from_channel(
        op: &'static str,
        file: &'static str,
        offset: usize,
    ) -> impl FnOnce(ChannelError) -> Self {
        move |source| match source {
            source if source.is_card_removed() => Self::CardRemoved { file },
            ChannelError::Sm(crate::sm::SmError::PlainAnswer(sw)) => {
                Self::SessionLost { op, file, offset, sw, adapted: false }
            }
            source => Self::Channel { op, file, offset, source },
        }
    }

    pub(crate) fn from_status(op: &'static str, file: &'static str, offset: usize, sw: StatusWord) -> Self {
        match sw {
            StatusWord::FILE_NOT_FOUND => Self::NotFound { file },
            StatusWord::SECURITY_STATUS_NOT_SATISFIED | StatusWord::CONDITIONS_NOT_SATISFIED => {
                Self::AccessDenied { file, sw }
            }
            _ => Self::Refused { op, file, offset, sw },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_words_become_what_a_person_can_act_on() {
        let of = |sw: u16| FileError::from_status("READ BINARY", "DG3", 0, StatusWord(sw));
        assert_eq!(of(0x6A82), FileError::NotFound { file: "DG3" });
        assert!(matches!(of(0x6982), FileError::AccessDenied { file: "DG3", .. }));
        assert!(matches!(of(0x6985), FileError::AccessDenied { .. }));
        assert!(matches!(of(0x6B00), FileError::Refused { op: "READ BINARY", offset: 0, .. }));
    }

    #[test]
    fn a_removed_card_and_a_plain_answer_under_secure_messaging_are_told_apart() {
        let removed = FileError::from_channel("READ BINARY", "DG1", 0)(ChannelError::Transport(
            crate::transport::TransportError::CardRemoved,
        ));
        assert_eq!(removed, FileError::CardRemoved { file: "DG1" });
        let plain = FileError::from_channel("READ BINARY", "DG1", 64)(ChannelError::Sm(
            crate::sm::SmError::PlainAnswer(StatusWord(0x6987)),
        ));
        assert!(matches!(plain, FileError::SessionLost { offset: 64, adapted: false, .. }));
    }
}
