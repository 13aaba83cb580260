//! The crate's error: each layer's error wrapped, and a [`ErrorClass`] that apps map to their
//! wording and exit codes without matching deep variants or message text.

use thiserror::Error;

pub use crate::apdu::{ApduError, StatusWord};
pub use crate::channel::ChannelError;
pub use crate::codec::{DecodeError, DecodeErrorKind};
pub use crate::files::FileError;
pub use crate::sm::SmError;

use crate::access::AccessError;
use crate::lds::LdsError;
use crate::profile::cccd::CccdError;
use crate::transport::TransportError;

/// Any failure of a read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Error {
    /// The transport failed.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// An exchange failed.
    #[error(transparent)]
    Channel(#[from] ChannelError),
    /// Access control failed.
    #[error(transparent)]
    Access(#[from] AccessError),
    /// A file could not be read.
    #[error(transparent)]
    File(#[from] FileError),
    /// A file could not be parsed.
    #[error(transparent)]
    Lds(#[from] LdsError),
    /// The CCCD profile failed (bad ID, malformed DG13).
    #[error(transparent)]
    Cccd(#[from] CccdError),
    /// The chip is not an ICAO 9303 travel document or ID card.
    #[error("this card is not an ICAO travel document or Vietnamese ID card (no eMRTD application)")]
    NotADocument,
    /// A read that stopped was to go on, but the card put back is another one.
    #[error("this is not the card that was being read: put back the same card, or start a new read")]
    DifferentCard,
}

/// What kind of failure, for apps to choose a message and an exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorClass {
    /// The access key does not match the document, or is malformed.
    WrongKey,
    /// The card was removed or went out of the field.
    CardRemoved,
    /// No reader, no service, no card.
    NoReader,
    /// The card or document does not support what was asked.
    Unsupported,
    /// Integrity failed in transit (secure messaging MAC): possibly not a genuine chip.
    Tampered,
    /// Malformed data from the card or a file.
    Malformed,
    /// A read was to go on, but another card was put back.
    DifferentCard,
    /// Anything else (a bug, a trace that does not match).
    Internal,
}

impl Error {
    /// The class of this error.
    pub fn class(&self) -> ErrorClass {
        match self {
            Self::Transport(e) => transport_class(e),
            Self::Channel(e) => channel_class(e),
            Self::Access(e) => match e {
                AccessError::WrongKey { .. } | AccessError::BadInput(_) => ErrorClass::WrongKey,
                AccessError::Unsupported(_) => ErrorClass::Unsupported,
                AccessError::RandomSource | AccessError::Internal(_) => ErrorClass::Internal,
                AccessError::Refused { .. } | AccessError::PaceRequired { .. } => ErrorClass::Unsupported,
                AccessError::CardMisbehaved(_) | AccessError::Inconsistent { .. } => ErrorClass::Tampered,
                AccessError::Channel(c) => channel_class(c),
            },
            Self::File(e) => match e {
                FileError::CardRemoved { .. } => ErrorClass::CardRemoved,
                FileError::NotFound { .. } | FileError::AccessDenied { .. } | FileError::Refused { .. } => {
                    ErrorClass::Unsupported
                }
                FileError::Channel { source, .. } => channel_class(source),
                _ => ErrorClass::Malformed,
            },
            Self::Lds(_) => ErrorClass::Malformed,
            Self::Cccd(CccdError::Dg13(_)) => ErrorClass::Malformed,
            Self::Cccd(_) => ErrorClass::WrongKey,
            Self::NotADocument => ErrorClass::Unsupported,
            Self::DifferentCard => ErrorClass::DifferentCard,
        }
    }
}

fn transport_class(e: &TransportError) -> ErrorClass {
    match e {
        TransportError::NoService
        | TransportError::NoReader
        | TransportError::ReaderNotFound(_)
        | TransportError::NoCard => ErrorClass::NoReader,
        TransportError::CardRemoved | TransportError::ShortResponse(_) | TransportError::CardUnresponsive => {
            ErrorClass::CardRemoved
        }
        _ => ErrorClass::Internal,
    }
}

fn channel_class(e: &ChannelError) -> ErrorClass {
    match e {
        ChannelError::Transport(t) => transport_class(t),
        ChannelError::Sm(SmError::BadMac | SmError::BadCryptogram | SmError::Unprotected | SmError::MissingObjects) => {
            ErrorClass::Tampered
        }
        ChannelError::Sm(_) => ErrorClass::Malformed,
        // A response without its status word is a card that went away mid-answer (vpcd's
        // empty answer, a field lost); a command that cannot be encoded is a bug, never a card
        // to wait for (the put-back loop would wait up to 20 times on it).
        ChannelError::Apdu(ApduError::ShortResponse(_)) => ErrorClass::CardRemoved,
        ChannelError::Apdu(_) => ErrorClass::Internal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apdu::ApduError;

    #[test]
    fn a_command_that_cannot_be_encoded_is_a_bug_not_a_removed_card() {
        let class = |e: ApduError| Error::Channel(ChannelError::Apdu(e)).class();
        assert_eq!(class(ApduError::DataTooLong(70_000)), ErrorClass::Internal);
        assert_eq!(class(ApduError::BadLe(0)), ErrorClass::Internal);
        assert_eq!(class(ApduError::ShortResponse(0)), ErrorClass::CardRemoved);
    }
}
