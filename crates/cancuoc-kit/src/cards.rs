//! Where a front end finds readers and cards: the system's PC/SC readers, or the built-in
//! virtual CCCD (`demo::DemoCards`, feature `demo`), behind one trait so that the
//! waiting and put-back rules ([`crate::wait`]) are written once.

use cancuoc::transport::ReaderInfo;
use cancuoc::{Transport, TransportError};

/// How long a card taken away mid-read may take to come back, unless the readers or a front end
/// say ([`crate::wait::Connector::put_back_wait`]).
pub const PUT_BACK_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// The readers a front end reads from.
pub trait Cards: Send + Sync {
    /// Every reader, with whether it holds a card (no personal data).
    ///
    /// # Errors
    /// When the smart-card service cannot be asked.
    fn readers(&self) -> Result<Vec<ReaderInfo>, TransportError>;

    /// A connection to the card in the reader called exactly `reader`.
    ///
    /// # Errors
    /// When there is no such reader or no card on it, or the card does not answer.
    fn connect(&self, reader: &str) -> Result<Box<dyn Transport + Send>, TransportError>;

    /// How long a card taken away mid-read may take to come back on these readers
    /// ([`PUT_BACK_WAIT`] unless they say; zero: one look, for a card a program
    /// hands over that cannot come back by itself).
    fn put_back_wait(&self) -> std::time::Duration {
        PUT_BACK_WAIT
    }
}

/// The system's PC/SC readers (pcscd on Linux, WinSCard on Windows; feature `pcsc`).
#[cfg(feature = "pcsc")]
#[derive(Debug, Default, Clone, Copy)]
pub struct PcscCards;

#[cfg(feature = "pcsc")]
impl Cards for PcscCards {
    fn readers(&self) -> Result<Vec<ReaderInfo>, TransportError> {
        cancuoc_pcsc::list_readers()
    }

    fn connect(&self, reader: &str) -> Result<Box<dyn Transport + Send>, TransportError> {
        Ok(Box::new(cancuoc_pcsc::PcscTransport::connect(Some(reader))?))
    }
}
