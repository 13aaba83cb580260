//! Which readers there are and which hold a card, kept fresh off the UI thread: a thread of
//! its own lists PC/SC's readers (`cancuoc_pcsc::ReaderMonitor`, one context), then waits for a
//! card to come or go (`SCardGetStatusChange`) for up to [`POLL_INTERVAL`] before it looks
//! again — a tapped card is seen at once, not at the next poll; the demo has one virtual reader whose card the user
//! places and removes, and tests set the list by hand. The screen only reads the latest list.

use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use cancuoc_kit::demo::DEMO_READER;

pub use cancuoc::transport::ReaderInfo;

/// How long the PC/SC thread waits for a card to come or go before it lists the readers again
/// (which also finds readers plugged in meanwhile).
pub const POLL_INTERVAL: Duration = Duration::from_millis(300);

/// The latest look at the readers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Snapshot {
    /// Not looked yet.
    Unknown,
    /// The readers, in the service's order (possibly none).
    Readers(Vec<ReaderInfo>),
    /// The PC/SC service is not running or refused.
    NoService,
}

/// Where the screen gets reader lists from. Cheap to clone; every clone sees the same list.
#[derive(Debug, Clone)]
pub struct Watch {
    latest: Arc<Mutex<Snapshot>>,
}

/// Sets a [`Watch`]'s list by hand: the demo's "place / remove the card" and the UI tests.
#[derive(Debug, Clone)]
pub struct WatchHandle {
    latest: Arc<Mutex<Snapshot>>,
}

impl Watch {
    /// Polls PC/SC on a thread of its own until every clone of the watch is dropped.
    pub fn pcsc() -> Self {
        let latest = Arc::new(Mutex::new(Snapshot::Unknown));
        let weak: Weak<Mutex<Snapshot>> = Arc::downgrade(&latest);
        std::thread::spawn(move || {
            let mut monitor = cancuoc_pcsc::ReaderMonitor::new();
            while let Some(slot) = weak.upgrade() {
                let snapshot = match monitor.list() {
                    Ok(readers) => Snapshot::Readers(readers),
                    Err(_) => Snapshot::NoService,
                };
                if let Ok(mut latest) = slot.lock() {
                    *latest = snapshot;
                }
                drop(slot);
                // Back at once when a card comes or goes; else a new look after the interval.
                if monitor.wait_for_change(POLL_INTERVAL).is_err() {
                    std::thread::sleep(POLL_INTERVAL);
                }
            }
        });
        Self { latest }
    }

    /// A watch whose list is set through the returned handle.
    pub fn manual(initial: Snapshot) -> (Self, WatchHandle) {
        let latest = Arc::new(Mutex::new(initial));
        (Self { latest: Arc::clone(&latest) }, WatchHandle { latest })
    }

    /// The demo's reader, with its card on it or not.
    pub fn demo(card_present: bool) -> (Self, WatchHandle) {
        Self::manual(Snapshot::Readers(vec![ReaderInfo {
            name: DEMO_READER.to_owned(),
            card_present,
            atr: Vec::new(),
        }]))
    }

    /// The latest list.
    pub fn snapshot(&self) -> Snapshot {
        self.latest.lock().map(|s| s.clone()).unwrap_or(Snapshot::Unknown)
    }
}

impl WatchHandle {
    /// Replaces the list.
    pub fn set(&self, snapshot: Snapshot) {
        if let Ok(mut latest) = self.latest.lock() {
            *latest = snapshot;
        }
    }

    /// Puts a card on reader `name` or takes it off (other readers unchanged).
    pub fn set_card(&self, name: &str, present: bool) {
        if let Ok(mut latest) = self.latest.lock()
            && let Snapshot::Readers(readers) = &mut *latest
        {
            for reader in readers.iter_mut().filter(|r| r.name == name) {
                reader.card_present = present;
            }
        }
    }
}

impl Snapshot {
    /// The readers seen (none when unknown or without service).
    pub fn readers(&self) -> &[ReaderInfo] {
        match self {
            Self::Readers(readers) => readers,
            _ => &[],
        }
    }

    /// Whether a card is on reader `name`.
    pub fn card_on(&self, name: &str) -> bool {
        self.readers().iter().any(|r| r.name == name && r.card_present)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_handle_moves_the_card_and_every_clone_sees_it() {
        let (watch, handle) = Watch::demo(false);
        let other = watch.clone();
        assert!(!watch.snapshot().card_on(DEMO_READER));
        handle.set_card(DEMO_READER, true);
        assert!(other.snapshot().card_on(DEMO_READER));
        assert!(!other.snapshot().card_on("another reader"));
        handle.set(Snapshot::NoService);
        assert!(watch.snapshot().readers().is_empty());
    }
}
