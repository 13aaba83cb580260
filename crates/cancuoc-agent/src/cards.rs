//! Where the endpoint finds readers and cards: PC/SC on a desk, the built-in virtual CCCD for
//! trying an integration without hardware.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use cancuoc::{Transport, TransportError};

/// A reader and whether it holds a card (no personal data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReaderState {
    /// The reader's name, as the system lists it.
    pub name: String,
    /// True when a card is on it.
    pub card: bool,
}

/// The readers the endpoint reads from.
pub trait Cards: Send + Sync {
    /// Every reader, with its card state.
    ///
    /// # Errors
    /// When the smart-card service cannot be asked.
    fn readers(&self) -> Result<Vec<ReaderState>, TransportError>;

    /// A connection to the card in `reader`.
    ///
    /// # Errors
    /// When there is no such reader or no card on it.
    fn connect(&self, reader: &str) -> Result<Box<dyn Transport + Send>, TransportError>;
}

/// The system's PC/SC readers (pcscd on Linux, WinSCard on Windows).
#[derive(Debug, Default, Clone, Copy)]
pub struct PcscCards;

impl Cards for PcscCards {
    fn readers(&self) -> Result<Vec<ReaderState>, TransportError> {
        Ok(cancuoc_pcsc::list_readers()?
            .into_iter()
            .map(|r| ReaderState { name: r.name, card: r.card_present })
            .collect())
    }

    fn connect(&self, reader: &str) -> Result<Box<dyn Transport + Send>, TransportError> {
        Ok(Box::new(cancuoc_pcsc::PcscTransport::connect(Some(reader))?))
    }
}

/// The built-in virtual CCCD (`cancuoc demo`'s specimen, ID 001090012345) on one virtual
/// reader: for developers wiring a hospital or bank system before a reader is at hand.
/// Counts the commands it answers, so tests can show a refused request never reached it.
#[derive(Debug, Clone)]
pub struct DemoCards {
    present: Arc<AtomicBool>,
    commands: Arc<Mutex<usize>>,
    faults: cancuoc_sim::Faults,
    /// Another card's files than the specimen's (tests: a forged, tampered or cloned card).
    document: Option<Arc<cancuoc_sim::IssuedDocument>>,
}

/// The virtual reader's name.
pub const DEMO_READER: &str = "cancuoc virtual reader";

impl Default for DemoCards {
    fn default() -> Self {
        Self {
            present: Arc::new(AtomicBool::new(true)),
            commands: Arc::new(Mutex::new(0)),
            faults: cancuoc_sim::Faults::default(),
            document: None,
        }
    }
}

impl DemoCards {
    /// The virtual card with `faults` (a chip that refuses PACE, for instance), for tests.
    pub fn with_faults(faults: cancuoc_sim::Faults) -> Self {
        Self { faults, ..Self::default() }
    }

    /// A virtual card holding `document` (a forged, tampered or cloned one), for tests.
    pub fn with_document(document: cancuoc_sim::IssuedDocument) -> Self {
        Self { document: Some(Arc::new(document)), ..Self::default() }
    }

    /// Puts the card on the reader or takes it away.
    pub fn set_card_present(&self, present: bool) {
        self.present.store(present, Ordering::SeqCst);
    }

    /// How many command APDUs the virtual card has answered.
    pub fn commands(&self) -> usize {
        self.commands.lock().map_or(0, |n| *n)
    }
}

impl Cards for DemoCards {
    fn readers(&self) -> Result<Vec<ReaderState>, TransportError> {
        Ok(vec![ReaderState { name: DEMO_READER.to_owned(), card: self.present.load(Ordering::SeqCst) }])
    }

    fn connect(&self, reader: &str) -> Result<Box<dyn Transport + Send>, TransportError> {
        if reader != DEMO_READER {
            return Err(TransportError::ReaderNotFound(reader.to_owned()));
        }
        if !self.present.load(Ordering::SeqCst) {
            return Err(TransportError::NoCard);
        }
        let chip = match &self.document {
            Some(document) => {
                cancuoc_sim::VirtualChip::new((**document).clone(), self.faults.clone(), cancuoc_sim::DEMO_SEED)
            }
            // Issuing the specimen cannot fail with its fixed, valid data.
            None => cancuoc_sim::specimen_chip(self.faults.clone()).map_err(|_| TransportError::CardUnresponsive)?.0,
        };
        Ok(Box::new(CountingCard { chip, present: self.present.clone(), commands: self.commands.clone() }))
    }
}

/// The virtual chip, counting commands and going away when the card is taken.
struct CountingCard {
    chip: cancuoc_sim::VirtualChip,
    present: Arc<AtomicBool>,
    commands: Arc<Mutex<usize>>,
}

impl Transport for CountingCard {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        if !self.present.load(Ordering::SeqCst) {
            return Err(TransportError::CardRemoved);
        }
        if let Ok(mut n) = self.commands.lock() {
            *n += 1;
        }
        self.chip.transmit(apdu)
    }

    fn reset(&mut self) -> Result<(), TransportError> {
        self.chip.reset()
    }

    fn atr(&self) -> Option<Vec<u8>> {
        Some(self.chip.atr())
    }
}
