//! Connecting to a card, the one waiting rule every front end follows, and the put-back loop
//! of a read that goes on after a torn card (`docs/DESIGN.md` §3.6).
//!
//! **The waiting rule.** Until its deadline, a wait looks at the readers every [`POLL`] and
//! connects to the first card on the reader asked for (a name, or its beginning; `None`: any
//! reader). Whatever stands in the way — no smart-card service (Windows stops it when the last
//! reader is unplugged), no reader, no card, a card that is being swapped and answers "no
//! card" or "removed" to the connection, another program holding it — is waited out; the
//! wait gives up only at its deadline, with the last thing that stood in the way, or at a
//! cancel. A wait of zero tries once.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use cancuoc::{Connect, Error, Transport, TransportError};

use crate::cards::Cards;

/// How often the readers are looked at while waiting.
pub const POLL: Duration = Duration::from_millis(100);

/// Why a wait for a card ended without one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WaitError {
    /// The wait was cancelled.
    #[error("the read was cancelled")]
    Cancelled,
    /// No card came in time; the readers were there.
    #[error("no card was placed on the reader in time: place the card and read again")]
    NoCard,
    /// The deadline came with this in the way (no service, no reader, a reader that is not
    /// there, a card that did not answer).
    #[error("{0}")]
    Transport(TransportError),
}

impl WaitError {
    /// The error a read's `connect` gives the core for it.
    pub fn to_read_error(&self) -> Error {
        match self {
            Self::Cancelled => Error::Transport(TransportError::CardRemoved),
            Self::NoCard => Error::Transport(TransportError::NoCard),
            Self::Transport(e) => Error::Transport(e.clone()),
        }
    }
}

/// A card found by a wait: the reader's name and the connection.
pub struct Connection {
    /// The reader it lies on.
    pub reader: String,
    /// The connection.
    pub transport: Box<dyn Transport + Send>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Connection({:?})", self.reader)
    }
}

/// Waits for a card on `reader` (a name, or its beginning; `None`: any reader) until `deadline`
/// or `cancel`, and connects to it: [the waiting rule](self).
///
/// # Errors
/// [`WaitError`] at the deadline or the cancel.
pub fn connect_waiting(
    cards: &dyn Cards,
    reader: Option<&str>,
    deadline: Instant,
    cancel: &AtomicBool,
) -> Result<Connection, WaitError> {
    loop {
        if cancel.load(Ordering::SeqCst) {
            return Err(WaitError::Cancelled);
        }
        let in_the_way = match try_connect(cards, reader) {
            Ok(connection) => return Ok(connection),
            Err(e) => e,
        };
        let now = Instant::now();
        if now >= deadline {
            return Err(in_the_way);
        }
        std::thread::sleep(POLL.min(deadline - now));
    }
}

/// One look at the readers and one connection attempt.
fn try_connect(cards: &dyn Cards, reader: Option<&str>) -> Result<Connection, WaitError> {
    let readers = cards.readers().map_err(WaitError::Transport)?;
    // A reader named exactly is the one; otherwise those whose name begins with it.
    let exact = reader.filter(|name| readers.iter().any(|r| r.name == *name));
    let matching: Vec<_> = readers
        .iter()
        .filter(|r| match (exact, reader) {
            (Some(name), _) => r.name == name,
            (None, Some(start)) => r.name.starts_with(start),
            (None, None) => true,
        })
        .collect();
    if matching.is_empty() {
        return Err(WaitError::Transport(match reader {
            Some(name) => TransportError::ReaderNotFound(name.to_owned()),
            None => TransportError::NoReader,
        }));
    }
    let mut in_the_way = WaitError::NoCard;
    for found in matching.iter().filter(|r| r.card_present) {
        match cards.connect(&found.name) {
            Ok(transport) => return Ok(Connection { reader: found.name.clone(), transport }),
            // A card being swapped says "no card" or "removed" for a moment: wait it out.
            Err(TransportError::NoCard | TransportError::CardRemoved) => {}
            Err(e) => in_the_way = WaitError::Transport(e),
        }
    }
    Err(in_the_way)
}

/// A transport that stops at a cancel: the next command fails as a removed card would.
pub struct Cancellable {
    inner: Box<dyn Transport + Send>,
    cancel: Arc<AtomicBool>,
}

impl Transport for Cancellable {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        if self.cancel.load(Ordering::SeqCst) {
            return Err(TransportError::CardRemoved);
        }
        self.inner.transmit(apdu)
    }

    fn reset(&mut self) -> Result<(), TransportError> {
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

/// The `connect` of a paved read ([`cancuoc::inspect()`]): the card found by the first wait,
/// then, after each tear, the same reader's card once it is put back (waiting up to the
/// put-back wait; [`Connector::on_put_back`] is told first, to ask the person for it). Each
/// connection stops at the cancel.
pub struct Connector<'a> {
    cards: &'a dyn Cards,
    reader: String,
    first: Option<Box<dyn Transport + Send>>,
    put_back_wait: Duration,
    cancel: Arc<AtomicBool>,
    on_put_back: Box<dyn FnMut(Duration) + 'a>,
}

impl<'a> Connector<'a> {
    /// Waits up to `wait` for a card on `reader` ([`connect_waiting`]); the read then uses it.
    ///
    /// # Errors
    /// [`WaitError`] when no card came.
    pub fn wait(
        cards: &'a dyn Cards,
        reader: Option<&str>,
        wait: Duration,
        cancel: Arc<AtomicBool>,
    ) -> Result<Self, WaitError> {
        let found = connect_waiting(cards, reader, Instant::now() + wait, &cancel)?;
        Ok(Self {
            cards,
            reader: found.reader,
            first: Some(found.transport),
            put_back_wait: cards.put_back_wait(),
            cancel,
            on_put_back: Box::new(|_| {}),
        })
    }

    /// How long a card taken away mid-read may take to come back ([`Cards::put_back_wait`] unless
    /// set; zero: one look).
    #[must_use]
    pub fn put_back_wait(mut self, wait: Duration) -> Self {
        self.put_back_wait = wait;
        self
    }

    /// Called with the put-back wait when the card was taken away mid-read, before waiting
    /// for it (the CLI's line, the desk's banner).
    #[must_use]
    pub fn on_put_back(mut self, tell: impl FnMut(Duration) + 'a) -> Self {
        self.on_put_back = Box::new(tell);
        self
    }

    /// The reader the card was found on.
    pub fn reader(&self) -> &str {
        &self.reader
    }

    /// A connection for the read's `attempt`.
    ///
    /// # Errors
    /// A removed card when it did not come back in time (or the read was cancelled).
    pub fn connect(&mut self, attempt: Connect) -> Result<Cancellable, Error> {
        let cancel = self.cancel.clone();
        if attempt == Connect::First
            && let Some(inner) = self.first.take()
        {
            return Ok(Cancellable { inner, cancel });
        }
        if attempt == Connect::PutBack {
            (self.on_put_back)(self.put_back_wait);
        }
        let deadline = Instant::now() + self.put_back_wait;
        match connect_waiting(self.cards, Some(&self.reader), deadline, &self.cancel) {
            Ok(found) => Ok(Cancellable { inner: found.transport, cancel }),
            // Not back in time: the card was removed, as far as the read goes.
            Err(WaitError::NoCard | WaitError::Cancelled) => Err(Error::Transport(TransportError::CardRemoved)),
            Err(e) => Err(e.to_read_error()),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use cancuoc::transport::ReaderInfo;

    use super::*;

    /// A reader whose card is being swapped: it is listed as present, but the first
    /// `refusals` connections answer as pcsc-lite does then ("no card", "removed").
    struct Swapping {
        refusals: Mutex<Vec<TransportError>>,
        connected: Mutex<usize>,
    }

    struct Answering;

    impl Transport for Answering {
        fn transmit(&mut self, _: &[u8]) -> Result<Vec<u8>, TransportError> {
            Ok(vec![0x90, 0x00])
        }
    }

    impl Cards for Swapping {
        fn readers(&self) -> Result<Vec<ReaderInfo>, TransportError> {
            Ok(vec![ReaderInfo { name: "Reader 0".to_owned(), card_present: true, atr: Vec::new() }])
        }

        fn connect(&self, _: &str) -> Result<Box<dyn Transport + Send>, TransportError> {
            if let Some(e) = self.refusals.lock().unwrap().pop() {
                return Err(e);
            }
            *self.connected.lock().unwrap() += 1;
            Ok(Box::new(Answering))
        }
    }

    #[test]
    fn a_card_being_swapped_is_waited_for_and_not_given_up_on() {
        let cards = Swapping {
            refusals: Mutex::new(vec![TransportError::CardRemoved, TransportError::NoCard, TransportError::NoCard]),
            connected: Mutex::new(0),
        };
        let cancel = AtomicBool::new(false);
        let found = connect_waiting(&cards, None, Instant::now() + Duration::from_secs(5), &cancel).unwrap();
        assert_eq!(found.reader, "Reader 0");
        assert_eq!(*cards.connected.lock().unwrap(), 1);
    }

    #[test]
    fn a_wait_ends_at_its_deadline_or_cancel_with_what_stood_in_the_way() {
        let cards = Swapping { refusals: Mutex::new(vec![TransportError::NoCard; 100]), connected: Mutex::new(0) };
        let cancel = AtomicBool::new(false);
        let started = Instant::now();
        let e = connect_waiting(&cards, None, started + Duration::from_millis(300), &cancel).unwrap_err();
        assert_eq!(e, WaitError::NoCard);
        assert!(started.elapsed() >= Duration::from_millis(300), "gave up before its time");
        let e = connect_waiting(&cards, Some("Other"), Instant::now(), &cancel).unwrap_err();
        assert_eq!(e, WaitError::Transport(TransportError::ReaderNotFound("Other".to_owned())));
        cancel.store(true, Ordering::SeqCst);
        let e = connect_waiting(&cards, None, Instant::now() + Duration::from_secs(5), &cancel).unwrap_err();
        assert_eq!(e, WaitError::Cancelled);
    }

    #[test]
    fn the_connector_gives_the_waited_card_first_then_waits_for_it_back() {
        let cards = Swapping { refusals: Mutex::new(Vec::new()), connected: Mutex::new(0) };
        let told = std::cell::Cell::new(0);
        let mut connector = Connector::wait(&cards, Some("Reader"), Duration::ZERO, Arc::new(AtomicBool::new(false)))
            .unwrap()
            .on_put_back(|_| told.set(told.get() + 1));
        assert_eq!(connector.reader(), "Reader 0");
        connector.connect(Connect::First).unwrap();
        assert_eq!(*cards.connected.lock().unwrap(), 1, "the first connection is the waited one");
        connector.connect(Connect::PutBack).unwrap();
        assert_eq!((*cards.connected.lock().unwrap(), told.get()), (2, 1));
    }
}
