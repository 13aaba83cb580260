//! A card the calling program holds and carries APDUs to itself: a phone's NFC tag (Android
//! `IsoDep`, iOS `NFCISO7816Tag`), another program's PC/SC connection (pyscard, .NET, Java's
//! `javax.smartcardio`), a relay. The program gives a [`Transport`] — from C the transmit
//! callback of [`crate::transport`], from Python an object with `transmit` — and what it knows
//! of its link ([`LinkHints`]); the read is then the one every front end runs
//! (`cancuoc_kit::answer`), on the one "reader" [`HELD_READER`].
//!
//! A card that leaves the field mid-read comes back only through the program's `reset`: the
//! library cannot wait for a tag it does not see, so without one the read ends `card_removed`
//! at once (the put-back wait is zero).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cancuoc::transport::ReaderInfo;
use cancuoc::{Transport, TransportError};
use cancuoc_kit::cards::Cards;

/// The name of the one reader a held card lies on (in answers that name the reader).
pub const HELD_READER: &str = "the caller's transport";

/// What the program knows of its link, each `None` when it does not say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkHints {
    /// The most data bytes one command or answer carries (Android's
    /// `IsoDep.getMaxTransceiveLength`; PC/SC part 10's `dwMaxAPDUDataSize`).
    pub max_apdu_data: Option<usize>,
    /// Whether extended-length APDUs cross the link (Android's
    /// `IsoDep.isExtendedLengthApduSupported`). `false` keeps every APDU short whatever the
    /// card says; `true` leaves it to the card (its ATR, EF.ATR/INFO).
    pub extended_length: Option<bool>,
    /// The card's ATR (or the one the platform builds from the ATS).
    pub atr: Option<Vec<u8>>,
    /// EF.CardAccess as the platform read it ([`Transport::card_access`]; iOS keeps the file
    /// from apps).
    pub card_access: Option<Vec<u8>>,
}

/// The largest data field of a short APDU's answer (ISO/IEC 7816-4 §5.1): a link that carries
/// no more gets no extended-length APDU.
const SHORT_APDU_DATA: usize = 256;

/// The program's transport with its hints.
pub struct HintedLink<T> {
    inner: T,
    hints: LinkHints,
}

impl<T> HintedLink<T> {
    /// `inner` with what the program said of its link.
    pub fn new(inner: T, hints: LinkHints) -> Self {
        Self { inner, hints }
    }
}

impl<T: Transport> Transport for HintedLink<T> {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        self.inner.transmit(apdu)
    }

    fn reset(&mut self) -> Result<(), TransportError> {
        self.inner.reset()
    }

    fn atr(&self) -> Option<Vec<u8>> {
        self.hints.atr.clone().or_else(|| self.inner.atr())
    }

    fn max_apdu_data(&self) -> Option<usize> {
        let max = self.hints.max_apdu_data.or_else(|| self.inner.max_apdu_data());
        match self.hints.extended_length {
            Some(false) => Some(max.map_or(SHORT_APDU_DATA, |max| max.min(SHORT_APDU_DATA))),
            _ => max,
        }
    }

    fn card_access(&self) -> Option<Vec<u8>> {
        self.hints.card_access.clone().or_else(|| self.inner.card_access())
    }
}

/// The held card as the one card of one reader ([`Cards`]).
pub struct HeldCard {
    link: Arc<Mutex<Box<dyn Transport + Send>>>,
    connected: AtomicBool,
    lost: AtomicBool,
}

impl HeldCard {
    /// The card behind `link`.
    pub fn new(link: Box<dyn Transport + Send>) -> Self {
        Self { link: Arc::new(Mutex::new(link)), connected: AtomicBool::new(false), lost: AtomicBool::new(false) }
    }
}

impl Cards for HeldCard {
    fn readers(&self) -> Result<Vec<ReaderInfo>, TransportError> {
        let card_present = !self.lost.load(Ordering::SeqCst);
        Ok(vec![ReaderInfo { name: HELD_READER.to_owned(), card_present, atr: Vec::new() }])
    }

    fn connect(&self, reader: &str) -> Result<Box<dyn Transport + Send>, TransportError> {
        if reader != HELD_READER {
            return Err(TransportError::ReaderNotFound(reader.to_owned()));
        }
        if self.connected.swap(true, Ordering::SeqCst) {
            // Again, after the card left mid-read: back only if the program can reset it.
            let mut link = self.link.lock().map_err(|_| TransportError::CardUnresponsive)?;
            if let Err(e) = link.reset() {
                self.lost.store(true, Ordering::SeqCst);
                return Err(if e == TransportError::ResetUnsupported { TransportError::CardRemoved } else { e });
            }
        }
        Ok(Box::new(Shared(self.link.clone())))
    }

    fn put_back_wait(&self) -> Duration {
        Duration::ZERO
    }
}

/// One connection to the held card.
struct Shared(Arc<Mutex<Box<dyn Transport + Send>>>);

impl Shared {
    fn with<R>(&self, f: impl FnOnce(&mut Box<dyn Transport + Send>) -> R) -> Result<R, TransportError> {
        let mut link = self.0.lock().map_err(|_| TransportError::CardUnresponsive)?;
        Ok(f(&mut link))
    }
}

impl Transport for Shared {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        self.with(|link| link.transmit(apdu))?
    }

    fn reset(&mut self) -> Result<(), TransportError> {
        self.with(|link| link.reset())?
    }

    fn atr(&self) -> Option<Vec<u8>> {
        self.with(|link| link.atr()).ok().flatten()
    }

    fn max_apdu_data(&self) -> Option<usize> {
        self.with(|link| link.max_apdu_data()).ok().flatten()
    }

    fn card_access(&self) -> Option<Vec<u8>> {
        self.with(|link| link.card_access()).ok().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Plain;

    impl Transport for Plain {
        fn transmit(&mut self, _: &[u8]) -> Result<Vec<u8>, TransportError> {
            Ok(vec![0x90, 0x00])
        }
    }

    #[test]
    fn a_link_without_extended_length_carries_short_apdus_only() {
        let hints =
            |max_apdu_data, extended_length| LinkHints { max_apdu_data, extended_length, ..LinkHints::default() };
        let max = |hints| HintedLink::new(Plain, hints).max_apdu_data();
        assert_eq!(max(hints(None, None)), None);
        assert_eq!(max(hints(None, Some(false))), Some(256));
        assert_eq!(max(hints(Some(65_279), Some(false))), Some(256));
        assert_eq!(max(hints(Some(200), Some(false))), Some(200));
        assert_eq!(max(hints(Some(65_279), Some(true))), Some(65_279));
        assert_eq!(max(hints(None, Some(true))), None);
    }

    #[test]
    fn a_held_card_that_left_comes_back_only_through_a_reset() {
        let card = HeldCard::new(Box::new(Plain));
        assert!(card.connect("another").is_err());
        assert!(card.connect(HELD_READER).is_ok());
        // Plain cannot reset: the card is gone for good, and the reader says so.
        assert_eq!(card.connect(HELD_READER).err(), Some(TransportError::CardRemoved));
        assert!(!card.readers().unwrap()[0].card_present);
        assert_eq!(card.put_back_wait(), Duration::ZERO);
    }
}
