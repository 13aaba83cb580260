//! A wiretap on a transport, for tests: every command, every answer and every reset goes into a
//! log the test keeps, in order. One spy for every test that asks what went over the wire (how
//! many READ BINARY, which instructions, was a command extended, a clear answer to a protected
//! command followed by a reset, how many bytes).

use std::cell::RefCell;
use std::rc::Rc;

use cancuoc::{Transport, TransportError};

/// One thing on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A command APDU, as sent.
    Command(Vec<u8>),
    /// The card's answer to the command before it.
    Answer(Vec<u8>),
    /// The transport failed the command before it (a card taken away).
    Failed(TransportError),
    /// The card was reset.
    Reset,
}

/// The log a [`Wiretap`] writes; clones share it.
#[derive(Debug, Clone, Default)]
pub struct WireLog(Rc<RefCell<Vec<Event>>>);

impl WireLog {
    /// Every event so far.
    pub fn events(&self) -> Vec<Event> {
        self.0.borrow().clone()
    }

    /// The commands sent, in order.
    pub fn commands(&self) -> Vec<Vec<u8>> {
        self.0
            .borrow()
            .iter()
            .filter_map(|e| match e {
                Event::Command(c) => Some(c.clone()),
                _ => None,
            })
            .collect()
    }

    /// The instruction byte of each command sent.
    pub fn instructions(&self) -> Vec<u8> {
        self.commands().iter().map(|c| c.get(1).copied().unwrap_or(0)).collect()
    }

    /// How many commands `which` picks.
    pub fn count(&self, which: impl Fn(&[u8]) -> bool) -> usize {
        self.commands().iter().filter(|c| which(c)).count()
    }

    /// How many resets.
    pub fn resets(&self) -> usize {
        self.0.borrow().iter().filter(|e| **e == Event::Reset).count()
    }

    /// Bytes on the wire: commands and answers.
    pub fn bytes(&self) -> usize {
        self.0
            .borrow()
            .iter()
            .map(|e| match e {
                Event::Command(b) | Event::Answer(b) => b.len(),
                _ => 0,
            })
            .sum()
    }

    /// Forgets what was logged (a put-back card's count starts again).
    pub fn clear(&self) {
        self.0.borrow_mut().clear();
    }

    fn push(&self, event: Event) {
        self.0.borrow_mut().push(event);
    }
}

/// `inner`, with everything that goes over it logged. Clones share the log (not the card).
#[derive(Debug, Clone)]
pub struct Wiretap<T> {
    inner: T,
    log: WireLog,
}

impl<T: Transport> Wiretap<T> {
    /// Taps `inner`; the returned log fills as the transport is used.
    pub fn new(inner: T) -> (Self, WireLog) {
        let log = WireLog::default();
        (Self { inner, log: log.clone() }, log)
    }

    /// Taps `inner` into an existing log.
    pub fn into_log(inner: T, log: &WireLog) -> Self {
        Self { inner, log: log.clone() }
    }

    /// The tapped transport.
    pub fn inner(&self) -> &T {
        &self.inner
    }

    /// The tapped transport, mutably (to put a torn chip back).
    pub fn inner_mut(&mut self) -> &mut T {
        &mut self.inner
    }
}

impl<T: Transport> Transport for Wiretap<T> {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        self.log.push(Event::Command(apdu.to_vec()));
        match self.inner.transmit(apdu) {
            Ok(answer) => {
                self.log.push(Event::Answer(answer.clone()));
                Ok(answer)
            }
            Err(e) => {
                self.log.push(Event::Failed(e.clone()));
                Err(e)
            }
        }
    }

    fn reset(&mut self) -> Result<(), TransportError> {
        self.log.push(Event::Reset);
        self.inner.reset()
    }

    fn atr(&self) -> Option<Vec<u8>> {
        self.inner.atr()
    }

    fn max_apdu_data(&self) -> Option<usize> {
        self.inner.max_apdu_data()
    }

    fn card_access(&self) -> Option<Vec<u8>> {
        self.inner.card_access()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Faults, specimen_chip};

    #[test]
    fn a_wiretap_logs_commands_answers_resets_and_bytes_in_order() {
        let (chip, _) = specimen_chip(Faults { tear_after: Some(1), ..Faults::default() }).unwrap();
        let (mut tap, log) = Wiretap::new(chip);
        let select = [0x00, 0xA4, 0x00, 0x0C, 0x02, 0x3F, 0x00];
        let answer = tap.transmit(&select).unwrap();
        assert!(tap.transmit(&select).is_err(), "torn");
        assert!(tap.reset().is_err());
        assert_eq!(log.instructions(), [0xA4, 0xA4]);
        assert_eq!(log.count(|c| c.get(1) == Some(&0xA4)), 2);
        assert_eq!(log.resets(), 1);
        assert_eq!(log.bytes(), 2 * select.len() + answer.len());
        assert!(matches!(log.events().get(3), Some(Event::Failed(TransportError::CardRemoved))));
        log.clear();
        assert!(log.events().is_empty());
    }
}
