//! Recording a read as a trace and playing it back (DESIGN.md §3.4): a transport and a random
//! source that write every exchange and draw to a shared [`Recorder`], and their replaying twins
//! that fail on the first command that differs.

use std::sync::{Arc, Mutex, MutexGuard};

use rand_core::{TryCryptoRng, TryRng};

use super::trace::{Trace, TraceEvent};
use super::{Transport, TransportError};

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
        rand_core::utils::next_word_via_fill(self)
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        rand_core::utils::next_word_via_fill(self)
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
        rand_core::utils::next_word_via_fill(self)
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        rand_core::utils::next_word_via_fill(self)
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
