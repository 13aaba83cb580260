//! The transport seam: anything that carries APDUs to a chip (PC/SC, a virtual card, a
//! recorded trace), plus recording and replaying of traces (DESIGN.md §3.4).
//!
//! A transport never retries: only the file layer knows whether a retry is safe under secure
//! messaging (a blind retry desynchronises the send sequence counter).

pub mod trace;

use std::sync::{Arc, Mutex, MutexGuard};

use rand_core::{TryCryptoRng, TryRng};
use thiserror::Error;

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

/// A shared, growing trace that a [`RecordingTransport`] and a [`RecordingRng`] write to, in
/// the order things happen.
#[derive(Debug, Clone, Default)]
pub struct Recorder {
    trace: Arc<Mutex<Trace>>,
}

impl Recorder {
    /// A recorder with an empty trace.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a `#` comment line (never personal data: see DESIGN.md §3.4).
    pub fn comment(&self, text: &str) {
        self.lock().events.push(TraceEvent::Comment(text.replace('\n', " ")));
    }

    /// A copy of what was recorded so far.
    pub fn trace(&self) -> Trace {
        self.lock().clone()
    }

    fn push(&self, event: TraceEvent) {
        self.lock().events.push(event);
    }

    fn lock(&self) -> MutexGuard<'_, Trace> {
        // A poisoned lock only means another thread panicked mid-push; the events are whole.
        self.trace.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Wraps a transport and records every command and response.
#[derive(Debug)]
pub struct RecordingTransport<T> {
    inner: T,
    recorder: Recorder,
}

impl<T: Transport> RecordingTransport<T> {
    /// Records `inner`'s traffic into `recorder`.
    pub fn new(inner: T, recorder: Recorder) -> Self {
        Self { inner, recorder }
    }

    /// The wrapped transport.
    pub fn into_inner(self) -> T {
        self.inner
    }
}

/// The link's limit ([`Transport::max_apdu_data`]) is not passed on: a trace replays without it,
/// so a recorded read makes the decisions its replay makes.
impl<T: Transport> Transport for RecordingTransport<T> {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        self.recorder.push(TraceEvent::Command(apdu.to_vec()));
        let response = self.inner.transmit(apdu);
        match &response {
            Ok(bytes) => self.recorder.push(TraceEvent::Response(bytes.clone())),
            Err(e) => self.recorder.comment(&format!("transport error: {e}")),
        }
        response
    }

    fn reset(&mut self) -> Result<(), TransportError> {
        let result = self.inner.reset();
        match &result {
            Ok(()) => self.recorder.push(TraceEvent::Reset),
            Err(e) => self.recorder.comment(&format!("reset failed: {e}")),
        }
        result
    }

    fn atr(&self) -> Option<Vec<u8>> {
        let atr = self.inner.atr();
        if let Some(atr) = &atr {
            self.recorder.push(TraceEvent::Atr(atr.clone()));
        }
        atr
    }
}

/// Wraps a random source and records every draw as a `! rng` line.
#[derive(Debug)]
pub struct RecordingRng<R> {
    inner: R,
    recorder: Recorder,
}

impl<R> RecordingRng<R> {
    /// Records `inner`'s output into `recorder`.
    pub fn new(inner: R, recorder: Recorder) -> Self {
        Self { inner, recorder }
    }
}

impl<R: TryRng> TryRng for RecordingRng<R> {
    type Error = R::Error;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        self.inner.try_fill_bytes(dst)?;
        self.recorder.push(TraceEvent::Rng(dst.to_vec()));
        Ok(())
    }
}

impl<R: TryCryptoRng> TryCryptoRng for RecordingRng<R> {}

#[derive(Debug)]
struct ReplayState {
    /// The first `! atr` line, if any: what [`Transport::atr`] answers.
    atr: Option<Vec<u8>>,
    events: Vec<TraceEvent>,
    next: usize,
    /// Set when the random source ran off the trace; reported by the next transmit, as a
    /// random source cannot fail.
    rng_mismatch: Option<(usize, &'static str)>,
}

/// Plays a trace back: the transport half. Fails on the first command that differs.
#[derive(Debug, Clone)]
pub struct ReplayTransport {
    state: Arc<Mutex<ReplayState>>,
}

/// Plays a trace back: the random-source half, handing out the recorded `! rng` bytes.
#[derive(Debug, Clone)]
pub struct ReplayRng {
    state: Arc<Mutex<ReplayState>>,
}

impl ReplayTransport {
    /// A transport and a random source that replay `trace` together.
    pub fn new(trace: &Trace) -> (Self, ReplayRng) {
        let atr = trace.events.iter().find_map(|e| match e {
            TraceEvent::Atr(bytes) => Some(bytes.clone()),
            _ => None,
        });
        let events = trace
            .events
            .iter()
            .filter(|e| !matches!(e, TraceEvent::Comment(_) | TraceEvent::Atr(_)))
            .cloned()
            .collect();
        let state = Arc::new(Mutex::new(ReplayState { atr, events, next: 0, rng_mismatch: None }));
        (Self { state: state.clone() }, ReplayRng { state })
    }

    /// True when every event of the trace was played.
    pub fn is_finished(&self) -> bool {
        let state = lock(&self.state);
        state.next == state.events.len() && state.rng_mismatch.is_none()
    }

    /// How many events are left unplayed.
    pub fn remaining(&self) -> usize {
        let state = lock(&self.state);
        state.events.len().saturating_sub(state.next)
    }
}

fn lock(state: &Arc<Mutex<ReplayState>>) -> MutexGuard<'_, ReplayState> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}

impl Transport for ReplayTransport {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        let mut state = lock(&self.state);
        if let Some((event, reason)) = state.rng_mismatch {
            return Err(TransportError::TraceMismatch { event, reason });
        }
        let at = state.next;
        match state.events.get(at) {
            Some(TraceEvent::Command(expected)) if expected == apdu => {}
            Some(TraceEvent::Command(_)) => {
                return Err(TransportError::TraceMismatch { event: at, reason: "the command differs" });
            }
            Some(_) => {
                return Err(TransportError::TraceMismatch {
                    event: at,
                    reason: "a command was sent where the trace has none",
                });
            }
            None => return Err(TransportError::TraceMismatch { event: at, reason: "the trace ended" }),
        }
        let response = match state.events.get(at.saturating_add(1)) {
            Some(TraceEvent::Response(bytes)) => bytes.clone(),
            // The recording saw a transport error here: the card went away.
            _ => {
                state.next = at.saturating_add(1);
                return Err(TransportError::CardRemoved);
            }
        };
        state.next = at.saturating_add(2);
        Ok(response)
    }

    fn reset(&mut self) -> Result<(), TransportError> {
        let mut state = lock(&self.state);
        let at = state.next;
        match state.events.get(at) {
            Some(TraceEvent::Reset) => {
                state.next = at.saturating_add(1);
                Ok(())
            }
            _ => Err(TransportError::TraceMismatch { event: at, reason: "a reset where the trace has none" }),
        }
    }

    fn atr(&self) -> Option<Vec<u8>> {
        lock(&self.state).atr.clone()
    }
}

impl TryRng for ReplayRng {
    type Error = std::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        let mut state = lock(&self.state);
        let at = state.next;
        match state.events.get(at) {
            Some(TraceEvent::Rng(bytes)) if bytes.len() == dst.len() => {
                dst.copy_from_slice(bytes);
                state.next = at.saturating_add(1);
            }
            _ => {
                dst.fill(0);
                if state.rng_mismatch.is_none() {
                    state.rng_mismatch = Some((at, "random bytes were drawn where the trace has none"));
                }
            }
        }
        Ok(())
    }
}

// Replay only ever hands out recorded bytes; it is "cryptographic" exactly as the recording was.
impl TryCryptoRng for ReplayRng {}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::Rng;

    struct Echo;
    impl Transport for Echo {
        fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
            let mut out = apdu.to_vec();
            out.extend_from_slice(&[0x90, 0x00]);
            Ok(out)
        }
    }

    struct Counter(u8);
    impl TryRng for Counter {
        type Error = std::convert::Infallible;
        fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
            Ok(0)
        }
        fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
            Ok(0)
        }
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
            for b in dst {
                self.0 = self.0.wrapping_add(1);
                *b = self.0;
            }
            Ok(())
        }
    }
    impl TryCryptoRng for Counter {}

    #[test]
    fn recorded_trace_replays_byte_for_byte_and_detects_divergence() {
        let recorder = Recorder::new();
        let mut t = RecordingTransport::new(Echo, recorder.clone());
        let mut rng = RecordingRng::new(Counter(0), recorder.clone());
        recorder.comment("test");
        let mut r = [0u8; 3];
        rng.fill_bytes(&mut r);
        t.transmit(&[1, 2, 3]).unwrap();
        let text = recorder.trace().to_text();
        let trace = Trace::parse(&text).unwrap();

        let (mut replay, mut replay_rng) = ReplayTransport::new(&trace);
        let mut r2 = [0u8; 3];
        replay_rng.fill_bytes(&mut r2);
        assert_eq!(r, r2);
        assert_eq!(replay.transmit(&[1, 2, 3]).unwrap(), vec![1, 2, 3, 0x90, 0]);
        assert!(replay.is_finished());

        let (mut replay, _) = ReplayTransport::new(&trace);
        assert!(matches!(replay.transmit(&[1, 2, 3]), Err(TransportError::TraceMismatch { event: 0, .. })));
        let (mut replay, mut replay_rng) = ReplayTransport::new(&trace);
        replay_rng.fill_bytes(&mut r2);
        assert!(matches!(replay.transmit(&[9]), Err(TransportError::TraceMismatch { event: 1, .. })));
    }
}
