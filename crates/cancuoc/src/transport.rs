//! The transport seam: anything that carries APDUs to a chip (PC/SC, a virtual card, a
//! recorded trace), plus recording and replaying of traces (DESIGN.md §3.4).
//!
//! A transport never retries: only the file layer knows whether a retry is safe under secure
//! messaging (a blind retry desynchronises the send sequence counter).

mod record;
pub mod trace;

use thiserror::Error;

pub use record::{Recorder, RecordingRng, RecordingTransport, ReplayRng, ReplayTransport};
pub use trace::{Trace, TraceError, TraceEvent};

/// Carries one command APDU to the chip and returns its response, status word included.
pub trait Transport {
    /// Sends `apdu` and returns the response bytes (data followed by SW1 SW2).
    ///
    /// # Errors
    /// A [`TransportError`] when the command could not be exchanged.
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError>;

    /// Resets the card (a warm reset, ISO/IEC 7816-3 §6.2.3; PC/SC `SCardReconnect` with
    /// `SCARD_RESET_CARD`; the field re-activated on a contactless reader). Whatever secure
    /// session and selection the chip held are gone, so access control can start again from a
    /// known state: the only safe way on after an answer that may have left the chip's send
    /// sequence counter out of step.
    ///
    /// # Errors
    /// [`TransportError::ResetUnsupported`] (the default) or the reader's failure.
    fn reset(&mut self) -> Result<(), TransportError> {
        Err(TransportError::ResetUnsupported)
    }

    /// The card's answer to reset (ISO/IEC 7816-3 §8; for a contactless card, the one the
    /// PC/SC reader builds from its ATS, PC/SC part 3 §3.1.3.2.3), when the transport knows it.
    fn atr(&self) -> Option<Vec<u8>> {
        None
    }

    /// The most data bytes one command or one answer can carry over this link, as the reader
    /// or the platform reports it (PC/SC part 10's `dwMaxAPDUDataSize`; Android's
    /// `IsoDep.getMaxTransceiveLength`), when it does. A link that carries 256 bytes or fewer
    /// cannot carry extended-length APDUs, whatever the card takes: the read then never tries
    /// them (ISO/IEC 7816-4 §5.1; ICAO 9303-10 §3.6.4).
    fn max_apdu_data(&self) -> Option<usize> {
        None
    }

    /// EF.CardAccess as the platform read it before handing the card over, when it did: iOS
    /// reads the file itself and then refuses a READ BINARY of it, so an app passes the bytes it
    /// got. Access control then uses these bytes instead of reading the file (ICAO 9303-11
    /// §4.2). They prove nothing either way — EF.CardAccess is unsigned and read in the clear,
    /// from the chip or from the platform alike — and a read resumed after a tear still checks
    /// that the card put back answers the same.
    fn card_access(&self) -> Option<Vec<u8>> {
        None
    }
}

impl<T: Transport + ?Sized> Transport for Box<T> {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        (**self).transmit(apdu)
    }

    fn reset(&mut self) -> Result<(), TransportError> {
        (**self).reset()
    }

    fn atr(&self) -> Option<Vec<u8>> {
        (**self).atr()
    }

    fn max_apdu_data(&self) -> Option<usize> {
        (**self).max_apdu_data()
    }

    fn card_access(&self) -> Option<Vec<u8>> {
        (**self).card_access()
    }
}

impl<T: Transport + ?Sized> Transport for &mut T {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        (**self).transmit(apdu)
    }

    fn reset(&mut self) -> Result<(), TransportError> {
        (**self).reset()
    }

    fn atr(&self) -> Option<Vec<u8>> {
        (**self).atr()
    }

    fn max_apdu_data(&self) -> Option<usize> {
        (**self).max_apdu_data()
    }

    fn card_access(&self) -> Option<Vec<u8>> {
        (**self).card_access()
    }
}

/// A reader and what is on it, as a front end lists them (PC/SC's readers, the virtual card's,
/// the one card a program hands over).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReaderInfo {
    /// The reader's name (PC/SC's, or the front end's for a reader of its own).
    pub name: String,
    /// True when a card is present.
    pub card_present: bool,
    /// The card's answer to reset, when present and known.
    pub atr: Vec<u8>,
}

/// Why an APDU could not be exchanged. Messages say what a person can do about it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The PC/SC service is not running.
    #[error("the smart-card service (pcscd) is not running: start it, or check PCSCLITE_CSOCK_NAME")]
    NoService,
    /// No reader is attached.
    #[error("no card reader found: plug in a reader")]
    NoReader,
    /// The reader named by the user does not exist.
    #[error("no reader named {0:?}: run `cancuoc readers` to see the names")]
    ReaderNotFound(String),
    /// No card on the reader.
    #[error("no card on the reader: insert or tap the card")]
    NoCard,
    /// The card left the field or was pulled out.
    #[error("the card was removed: put it back and read again")]
    CardRemoved,
    /// The card did not answer (bad contact, or not a smart card).
    #[error("the card does not answer: reposition it and read again")]
    CardUnresponsive,
    /// A response without a status word (vpcd's answer when the card vanished mid-command).
    #[error("the card's answer was cut short ({0} bytes): the card was probably removed")]
    ShortResponse(usize),
    /// Another PC/SC failure; the code is kept for logs.
    #[error("card reader error (PC/SC code {code:#010X}): {what}")]
    Reader {
        /// What the reader said, in the PC/SC library's words.
        what: &'static str,
        /// The PC/SC error code.
        code: u32,
    },
    /// The link a program carries APDUs over (a phone's NFC, another PC/SC stack: the C ABI's
    /// transmit callback) failed, or answered what no card can.
    #[error("the program's link to the card failed: {what} (code {code})")]
    Link {
        /// What went wrong, in the library's words.
        what: &'static str,
        /// The code the program returned (kept for logs).
        code: i64,
    },
    /// The transport cannot reset the card.
    #[error("the card cannot be reset through this connection")]
    ResetUnsupported,
    /// A replayed trace and the code disagree.
    #[error("the trace does not match this exchange at event {event}: {reason}")]
    TraceMismatch {
        /// Index of the trace event (0-based, comments excluded).
        event: usize,
        /// What differed.
        reason: &'static str,
    },
}

impl TransportError {
    /// True when the card is gone (removed, or cut off mid-answer).
    pub fn is_card_removed(&self) -> bool {
        matches!(self, Self::CardRemoved | Self::ShortResponse(_) | Self::NoCard)
    }
}
