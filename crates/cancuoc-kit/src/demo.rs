//! The built-in virtual CCCD as a reader (feature `demo`): `cancuoc demo`'s specimen (ID
//! 001090012345), or another card's files, on one virtual reader — for trying an integration
//! before a reader is at hand, and for the front ends' tests.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use cancuoc::transport::ReaderInfo;
use cancuoc::{Transport, TransportError};
use cancuoc_sim::{Faults, IssuedDocument, VirtualChip};

use crate::cards::Cards;

/// The virtual reader's name: the same in the CLI, the desk, the endpoint and the C ABI.
pub const DEMO_READER: &str = "cancuoc virtual reader";

/// How long a card that a tear fault took away stays away: a person putting it back.
pub const DEMO_PUT_BACK: Duration = Duration::from_millis(800);

/// The virtual card on its reader. One chip across connections and reads, as a card lying on
/// a desk is; clones share it. It counts the commands it answers, so tests can show that a
/// refused request never reached it.
#[derive(Debug, Clone)]
pub struct DemoCards {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    /// Whether the card lies on the reader (the user's "place" and "remove").
    present: AtomicBool,
    commands: AtomicUsize,
    faults: Faults,
    /// Another card's files than the specimen's (tests: a forged, tampered or cloned card).
    document: Option<IssuedDocument>,
    /// The chip, issued at the first connection.
    chip: Mutex<Option<VirtualChip>>,
    /// When a tear fault took the card away.
    torn_at: Mutex<Option<Instant>>,
}

impl Default for DemoCards {
    fn default() -> Self {
        Self::build(Faults::default(), None)
    }
}

impl From<Faults> for DemoCards {
    fn from(faults: Faults) -> Self {
        Self::with_faults(faults)
    }
}

impl DemoCards {
    fn build(faults: Faults, document: Option<IssuedDocument>) -> Self {
        Self {
            shared: Arc::new(Shared {
                present: AtomicBool::new(true),
                commands: AtomicUsize::new(0),
                faults,
                document,
                chip: Mutex::new(None),
                torn_at: Mutex::new(None),
            }),
        }
    }

    /// The specimen with `faults` (a chip that refuses PACE, one torn away after N commands
    /// and put back [`DEMO_PUT_BACK`] later…).
    pub fn with_faults(faults: Faults) -> Self {
        Self::build(faults, None)
    }

    /// A virtual card holding `document` (a forged, tampered or cloned one), with `faults`.
    pub fn with_document(document: IssuedDocument, faults: Faults) -> Self {
        Self::build(faults, Some(document))
    }

    /// Puts the card on the reader or takes it away; a card put back answers again. Either
    /// way the person has the card now: a tear's own coming back is called off.
    pub fn set_card_present(&self, present: bool) {
        if let Ok(mut torn_at) = self.shared.torn_at.lock() {
            *torn_at = None;
        }
        if present
            && let Ok(mut chip) = self.shared.chip.lock()
            && let Some(chip) = chip.as_mut()
            && chip.is_torn()
        {
            chip.put_back();
        }
        self.shared.present.store(present, Ordering::SeqCst);
    }

    /// How many command APDUs the virtual card has answered.
    pub fn commands(&self) -> usize {
        self.shared.commands.load(Ordering::SeqCst)
    }

    /// Whether the card is on the reader now; a card a tear took away comes back
    /// [`DEMO_PUT_BACK`] after it left.
    fn card_present(&self) -> bool {
        let back = self.shared.torn_at.lock().ok().and_then(|t| *t).is_some_and(|at| at.elapsed() >= DEMO_PUT_BACK);
        if back {
            self.set_card_present(true);
        }
        self.shared.present.load(Ordering::SeqCst)
    }

    fn chip(&self) -> Result<MutexGuard<'_, Option<VirtualChip>>, TransportError> {
        let mut chip = self.shared.chip.lock().map_err(|_| TransportError::CardUnresponsive)?;
        if chip.is_none() {
            let issued = match &self.shared.document {
                Some(document) => {
                    VirtualChip::new(document.clone(), self.shared.faults.clone(), cancuoc_sim::DEMO_SEED)
                }
                // Issuing the specimen cannot fail with its fixed, valid data.
                None => {
                    cancuoc_sim::specimen_chip(self.shared.faults.clone())
                        .map_err(|_| TransportError::CardUnresponsive)?
                        .0
                }
            };
            *chip = Some(issued);
        }
        Ok(chip)
    }
}

impl Cards for DemoCards {
    fn readers(&self) -> Result<Vec<ReaderInfo>, TransportError> {
        Ok(vec![ReaderInfo { name: DEMO_READER.to_owned(), card_present: self.card_present(), atr: Vec::new() }])
    }

    fn connect(&self, reader: &str) -> Result<Box<dyn Transport + Send>, TransportError> {
        if reader != DEMO_READER {
            return Err(TransportError::ReaderNotFound(reader.to_owned()));
        }
        if !self.card_present() {
            return Err(TransportError::NoCard);
        }
        let mut chip = self.chip()?;
        if let Some(chip) = chip.as_mut() {
            chip.power_on();
        }
        Ok(Box::new(DemoConnection { cards: self.clone() }))
    }
}

/// A connection to the virtual card: it goes away when the card is taken or torn.
struct DemoConnection {
    cards: DemoCards,
}

impl DemoConnection {
    fn with_chip<R>(&self, f: impl FnOnce(&mut VirtualChip) -> R) -> Result<R, TransportError> {
        if !self.cards.shared.present.load(Ordering::SeqCst) {
            return Err(TransportError::CardRemoved);
        }
        let mut chip = self.cards.chip()?;
        let chip = chip.as_mut().ok_or(TransportError::CardRemoved)?;
        Ok(f(chip))
    }
}

impl Transport for DemoConnection {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        // A modelled link (`Faults::delay`, as vpcd's card honours it): the time before each answer.
        let delay = self.cards.shared.faults.delay;
        if !delay.is_zero() {
            std::thread::sleep(delay);
        }
        let commands = &self.cards.shared.commands;
        let (answer, torn) = self.with_chip(|chip| {
            commands.fetch_add(1, Ordering::SeqCst);
            (chip.transmit(apdu), chip.is_torn())
        })?;
        if torn {
            // The tear took the card off the reader; it comes back after DEMO_PUT_BACK.
            self.cards.shared.present.store(false, Ordering::SeqCst);
            if let Ok(mut torn_at) = self.cards.shared.torn_at.lock() {
                torn_at.get_or_insert_with(Instant::now);
            }
        }
        answer
    }

    fn reset(&mut self) -> Result<(), TransportError> {
        self.with_chip(Transport::reset)?
    }

    fn atr(&self) -> Option<Vec<u8>> {
        self.with_chip(|chip| VirtualChip::atr(chip)).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_torn_card_leaves_the_reader_and_comes_back() {
        let cards = DemoCards::with_faults(Faults { tear_after: Some(1), ..Faults::default() });
        let mut connection = cards.connect(DEMO_READER).unwrap();
        assert!(connection.transmit(&[0x00, 0xA4, 0x04, 0x0C, 0x01, 0xA0]).is_ok());
        assert!(connection.transmit(&[0x00, 0xA4, 0x04, 0x0C, 0x01, 0xA0]).is_err());
        assert!(!cards.readers().unwrap()[0].card_present, "torn away");
        assert!(cards.connect(DEMO_READER).is_err());
        std::thread::sleep(DEMO_PUT_BACK);
        assert!(cards.readers().unwrap()[0].card_present, "put back");
        let mut again = cards.connect(DEMO_READER).unwrap();
        assert!(again.transmit(&[0x00, 0xA4, 0x04, 0x0C, 0x01, 0xA0]).is_ok());
        assert_eq!(cards.commands(), 3);
        assert!(cards.connect("another reader").is_err());
    }

    #[test]
    fn a_torn_card_the_person_then_takes_away_stays_away() {
        let cards = DemoCards::with_faults(Faults { tear_after: Some(1), ..Faults::default() });
        let mut connection = cards.connect(DEMO_READER).unwrap();
        let select = [0x00, 0xA4, 0x04, 0x0C, 0x01, 0xA0];
        assert!(connection.transmit(&select).is_ok() && connection.transmit(&select).is_err());
        // "Remove the demo card" after the tear: no coming back by itself.
        cards.set_card_present(false);
        std::thread::sleep(DEMO_PUT_BACK);
        assert!(!cards.readers().unwrap()[0].card_present, "the person took it away");
        cards.set_card_present(true);
        assert!(cards.connect(DEMO_READER).unwrap().transmit(&select).is_ok());
    }
}
