//! The APDU channel: a transport, plus secure messaging once access control has set it up.
//! Counts APDUs and bytes for the read-cost measures of DESIGN.md §5.

use thiserror::Error;

use crate::apdu::{ApduError, Command, Response};
use crate::sm::{SecureMessaging, SmError};
use crate::transport::{Transport, TransportError};

/// Failures of one exchange on the channel.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ChannelError {
    /// The transport failed (reader, card removed, trace mismatch).
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// Secure messaging failed (bad MAC, missing objects).
    #[error(transparent)]
    Sm(#[from] SmError),
    /// The command could not be encoded, or the answer had no status word.
    #[error(transparent)]
    Apdu(#[from] ApduError),
}

impl ChannelError {
    /// True when the card is gone.
    pub fn is_card_removed(&self) -> bool {
        match self {
            Self::Transport(e) => e.is_card_removed(),
            Self::Apdu(ApduError::ShortResponse(_)) => true,
            _ => false,
        }
    }
}

/// What the channel carried so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChannelStats {
    /// Command APDUs sent.
    pub apdus: usize,
    /// Bytes on the wire, both ways (commands and responses with status words).
    pub bytes: usize,
}

/// A transport with optional secure messaging.
#[derive(Debug)]
pub struct Channel<T> {
    transport: T,
    sm: Option<SecureMessaging>,
    stats: ChannelStats,
}

impl<T: Transport> Channel<T> {
    /// A plain channel over `transport`.
    pub fn new(transport: T) -> Self {
        Self { transport, sm: None, stats: ChannelStats::default() }
    }

    /// Protects every following exchange with `sm`.
    pub fn start_secure_messaging(&mut self, sm: SecureMessaging) {
        self.sm = Some(sm);
    }

    /// Drops secure messaging (after the card ended the session, or to restart access
    /// control).
    pub fn end_secure_messaging(&mut self) {
        self.sm = None;
    }

    /// True when secure messaging is on.
    pub fn is_secure(&self) -> bool {
        self.sm.is_some()
    }

    /// The largest Le a short READ BINARY can ask for on this channel.
    pub fn max_short_le(&self) -> usize {
        self.sm.as_ref().map_or(crate::apdu::SHORT_MAX_LE, SecureMessaging::max_short_response_data)
    }

    /// APDUs and bytes so far.
    pub fn stats(&self) -> ChannelStats {
        self.stats
    }

    /// The transport, given back.
    pub fn into_transport(self) -> T {
        self.transport
    }

    /// Ends secure messaging and resets the card ([`Transport::reset`]), so access control can
    /// start over from a known state.
    ///
    /// # Errors
    /// The transport's failure (the card removed, or no reset possible).
    pub fn reset(&mut self) -> Result<(), ChannelError> {
        self.sm = None;
        Ok(self.transport.reset()?)
    }

    /// The card's answer to reset, when the transport knows it.
    pub fn atr(&self) -> Option<Vec<u8>> {
        self.transport.atr()
    }

    /// The most data one APDU carries over the link, when the transport knows it
    /// ([`Transport::max_apdu_data`]).
    pub fn max_apdu_data(&self) -> Option<usize> {
        self.transport.max_apdu_data()
    }

    /// EF.CardAccess as the platform read it, when it did ([`Transport::card_access`]).
    pub fn card_access_from_link(&self) -> Option<Vec<u8>> {
        self.transport.card_access()
    }

    /// Sends a command (protected when secure messaging is on) and returns the plain response.
    ///
    /// # Errors
    /// A [`ChannelError`]. A secure-messaging failure ends the session: later commands
    /// would be refused by the card anyway, and a bad MAC must not be retried.
    pub fn send(&mut self, command: &Command) -> Result<Response, ChannelError> {
        let wire = match &mut self.sm {
            Some(sm) => sm.protect(command)?.to_bytes()?,
            None => command.to_bytes()?,
        };
        self.stats.apdus = self.stats.apdus.saturating_add(1);
        self.stats.bytes = self.stats.bytes.saturating_add(wire.len());
        let raw = self.transport.transmit(&wire)?;
        self.stats.bytes = self.stats.bytes.saturating_add(raw.len());
        let response = Response::from_bytes(&raw)?;
        match &mut self.sm {
            Some(sm) => match sm.unprotect(&response) {
                Ok(plain) => Ok(plain),
                Err(e) => {
                    self.sm = None;
                    Err(e.into())
                }
            },
            None => Ok(response),
        }
    }
}
