//! # cancuoc-pcsc
//!
//! The PC/SC transport of cancuoc: lists readers with card presence, connects to a named
//! reader or the first one holding a card, and carries APDUs. A thin wrapper over the `pcsc`
//! crate (pcsc-lite on Linux, WinSCard on Windows): every PC/SC failure becomes a
//! [`TransportError`] a person can act on, with the raw code kept for logs. It never retries;
//! the file layer decides, as only it knows the secure-messaging counter.

use std::ffi::CString;

use cancuoc::transport::{ReaderInfo, Transport, TransportError};
use pcsc::{Card, Context, Protocols, ReaderState, Scope, ShareMode, State};

/// Lists the readers the PC/SC service knows, and whether each holds a card
/// (`SCardListReaders` + `SCardGetStatusChange` with a zero timeout).
///
/// # Errors
/// [`TransportError::NoService`] when pcscd is not running; an empty list is not an error.
pub fn list_readers() -> Result<Vec<ReaderInfo>, TransportError> {
    let context = establish()?;
    list_with(&context)
}

fn establish() -> Result<Context, TransportError> {
    Context::establish(Scope::User).map_err(map_error)
}

fn list_with(context: &Context) -> Result<Vec<ReaderInfo>, TransportError> {
    states_with(context).map(|states| infos(&states))
}

/// Every reader's state, as `SCardGetStatusChange` with a zero timeout reports it.
fn states_with(context: &Context) -> Result<Vec<ReaderState>, TransportError> {
    let names = match context.list_readers_owned() {
        Ok(names) => names,
        Err(pcsc::Error::NoReadersAvailable) => return Ok(Vec::new()),
        Err(e) => return Err(map_error(e)),
    };
    let mut states: Vec<ReaderState> = names.iter().map(|n| ReaderState::new(n.clone(), State::UNAWARE)).collect();
    if !states.is_empty() {
        context.get_status_change(std::time::Duration::ZERO, &mut states).map_err(map_error)?;
    }
    Ok(states)
}

fn infos(states: &[ReaderState]) -> Vec<ReaderInfo> {
    states
        .iter()
        .map(|s| {
            let present = s.event_state().contains(State::PRESENT) && !s.event_state().contains(State::MUTE);
            ReaderInfo {
                name: s.name().to_string_lossy().into_owned(),
                card_present: present,
                atr: if present { s.atr().to_vec() } else { Vec::new() },
            }
        })
        .collect()
}

/// Lists readers again and again over one PC/SC context (for a presence display polling a few
/// times a second), establishing a new context after the service went away.
#[derive(Default)]
pub struct ReaderMonitor {
    context: Option<Context>,
    /// The readers' states at the last [`ReaderMonitor::list`], for
    /// [`ReaderMonitor::wait_for_change`].
    states: Vec<ReaderState>,
}

impl std::fmt::Debug for ReaderMonitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ReaderMonitor(connected: {})", self.context.is_some())
    }
}

impl ReaderMonitor {
    /// A monitor; it connects to the service on the first [`ReaderMonitor::list`].
    pub fn new() -> Self {
        Self::default()
    }

    /// As [`list_readers`].
    ///
    /// # Errors
    /// [`TransportError::NoService`] when pcscd is not running.
    pub fn list(&mut self) -> Result<Vec<ReaderInfo>, TransportError> {
        let context = match self.context.take() {
            Some(context) if context.is_valid().is_ok() => context,
            _ => establish()?,
        };
        let states = states_with(&context)?;
        let listed = infos(&states);
        self.states = states;
        self.context = Some(context);
        Ok(listed)
    }

    /// Waits until a reader listed last changes state — a card placed or taken away — or
    /// `timeout` passes, whichever comes first (`SCardGetStatusChange`, PC/SC part 5 §3.1.7);
    /// true when something changed. Readers plugged in meanwhile are seen at the next
    /// [`ReaderMonitor::list`], after the timeout. Without readers (or a service) it just waits.
    /// A presence display that lists, then waits here, notices a card at once instead of at
    /// its next poll.
    ///
    /// # Errors
    /// [`TransportError::NoService`] when the service went away.
    pub fn wait_for_change(&mut self, timeout: std::time::Duration) -> Result<bool, TransportError> {
        let Some(context) = self.context.as_ref().filter(|_| !self.states.is_empty()) else {
            std::thread::sleep(timeout);
            return Ok(false);
        };
        for state in &mut self.states {
            state.sync_current_state();
        }
        match context.get_status_change(timeout, &mut self.states) {
            Ok(()) => Ok(true),
            Err(pcsc::Error::Timeout) => Ok(false),
            Err(e) => Err(map_error(e)),
        }
    }
}

/// A connection to a card through PC/SC.
pub struct PcscTransport {
    card: Card,
    exclusive: bool,
    reader: String,
    /// The reader's `dwMaxAPDUDataSize` (PC/SC part 10), when it says.
    max_apdu_data: Option<usize>,
    buffer: Vec<u8>,
    // Keeps the PC/SC context alive as long as the card handle.
    _context: Context,
}

impl std::fmt::Debug for PcscTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PcscTransport({:?})", self.reader)
    }
}

impl PcscTransport {
    /// Connects to the reader called `reader`, or, with `None`, to the first reader holding a
    /// card (`SCardConnect`, T=0 or T=1). The connection is exclusive when the card allows it,
    /// so no other program's APDU lands inside the secure-messaging session; when another
    /// program keeps the card open, shared (an interleaved APDU then breaks the session's MAC
    /// chain, which is detected and reported, never read as data). [`PcscTransport::exclusive`]
    /// says which.
    ///
    /// # Errors
    /// [`TransportError::NoService`], [`TransportError::NoReader`],
    /// [`TransportError::ReaderNotFound`], [`TransportError::NoCard`] or another PC/SC error.
    pub fn connect(reader: Option<&str>) -> Result<Self, TransportError> {
        let context = establish()?;
        let readers = list_with(&context)?;
        if readers.is_empty() {
            return Err(TransportError::NoReader);
        }
        let chosen = match reader {
            Some(name) => readers
                .iter()
                .find(|r| r.name == name)
                .or_else(|| readers.iter().find(|r| r.name.starts_with(name)))
                .ok_or_else(|| TransportError::ReaderNotFound(name.to_owned()))?,
            None => readers.iter().find(|r| r.card_present).ok_or(TransportError::NoCard)?,
        };
        let name =
            CString::new(chosen.name.clone()).map_err(|_| TransportError::ReaderNotFound(chosen.name.clone()))?;
        let (mut card, exclusive) = connect_exclusive_if_possible(&context, &name)?;
        if !exclusive {
            // Another program shares the card and may have left it anywhere (an application
            // selected, a session open): hold it, then start from a reset card.
            hold_transaction(&mut card)?;
            card.reconnect(ShareMode::Shared, Protocols::ANY, pcsc::Disposition::ResetCard).map_err(map_error)?;
            hold_transaction(&mut card)?;
        }
        let max_apdu_data = max_apdu_data(&card);
        Ok(Self {
            card,
            exclusive,
            max_apdu_data,
            reader: chosen.name.clone(),
            buffer: vec![0u8; pcsc::MAX_BUFFER_SIZE_EXTENDED],
            _context: context,
        })
    }

    /// The most data one APDU carries through this reader, as it reports it (PC/SC part 10's
    /// `dwMaxAPDUDataSize`, asked once at connection), when it does.
    pub fn max_apdu_data(&self) -> Option<usize> {
        self.max_apdu_data
    }

    /// True when the connection is exclusive (see [`PcscTransport::connect`]).
    pub fn exclusive(&self) -> bool {
        self.exclusive
    }

    /// The reader's name.
    pub fn reader(&self) -> &str {
        &self.reader
    }

    /// The card's ATR (`SCardStatus`).
    ///
    /// # Errors
    /// A PC/SC error, e.g. when the card was removed.
    pub fn atr(&self) -> Result<Vec<u8>, TransportError> {
        let status = self.card.status2_owned().map_err(map_error)?;
        Ok(status.atr().to_vec())
    }
}

impl Transport for PcscTransport {
    /// `SCardTransmit`. A response under two bytes is reported as
    /// [`TransportError::ShortResponse`] (vpcd answers a vanished card with an empty success:
    /// `docs/research/testbed.md` pitfall 3).
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        let response = self.card.transmit(apdu, &mut self.buffer).map_err(card_gone)?;
        if response.len() < 2 {
            return Err(TransportError::ShortResponse(response.len()));
        }
        Ok(response.to_vec())
    }

    /// `SCardReconnect` with `SCARD_RESET_CARD`, in the share mode the card was connected with
    /// ([pcsc-lite](https://pcsclite.apdu.fr/api/group__API.html),
    /// [MSDN](https://learn.microsoft.com/en-us/windows/win32/api/winscard/nf-winscard-scardreconnect)).
    fn reset(&mut self) -> Result<(), TransportError> {
        let mode = if self.exclusive { ShareMode::Exclusive } else { ShareMode::Shared };
        self.card.reconnect(mode, Protocols::ANY, pcsc::Disposition::ResetCard).map_err(card_gone)?;
        if !self.exclusive {
            hold_transaction(&mut self.card)?;
        }
        Ok(())
    }

    /// `SCardStatus`'s ATR.
    fn atr(&self) -> Option<Vec<u8>> {
        PcscTransport::atr(self).ok()
    }

    /// The reader's `dwMaxAPDUDataSize`, asked at connection ([`PcscTransport::max_apdu_data`]).
    fn max_apdu_data(&self) -> Option<usize> {
        self.max_apdu_data
    }
}

/// PC/SC part 10 (v2.02.09) §2.2: `CM_IOCTL_GET_FEATURE_REQUEST` = `SCARD_CTL_CODE(3400)`.
const GET_FEATURE_REQUEST: u32 = 3400;
/// §2.3: the feature tag of `FEATURE_GET_TLV_PROPERTIES`.
const FEATURE_GET_TLV_PROPERTIES: u8 = 0x12;
/// §2.6.14: the TLV property `dwMaxAPDUDataSize`.
const PROPERTY_MAX_APDU_DATA_SIZE: u8 = 0x0A;

/// The reader's `dwMaxAPDUDataSize` (PC/SC part 10 §2.6.14): `SCardControl` with
/// GET_FEATURE_REQUEST, then with the control code of FEATURE_GET_TLV_PROPERTIES. `None` when
/// the reader offers neither (most do not: the read then decides from the card alone).
fn max_apdu_data(card: &Card) -> Option<usize> {
    let mut buffer = [0u8; 256];
    let features = card.control(pcsc::ctl_code(GET_FEATURE_REQUEST.into()), &[], &mut buffer).ok()?.to_vec();
    let code = feature_control_code(&features, FEATURE_GET_TLV_PROPERTIES)?;
    let properties = card.control(code.into(), &[], &mut buffer).ok()?;
    tlv_property(properties, PROPERTY_MAX_APDU_DATA_SIZE).and_then(|v| usize::try_from(v).ok())
}

/// The control code of `feature` in a GET_FEATURE_REQUEST answer: `{tag, 4, code (big-endian)}`
/// entries (§2.2).
fn feature_control_code(features: &[u8], feature: u8) -> Option<u32> {
    let mut rest = features;
    while let [tag, len, tail @ ..] = rest {
        let (value, next) = tail.split_at_checked(usize::from(*len))?;
        if *tag == feature {
            return Some(u32::from_be_bytes(value.try_into().ok()?));
        }
        rest = next;
    }
    None
}

/// A TLV property's value (`{tag, length, value little-endian}`, §2.6.14).
fn tlv_property(properties: &[u8], property: u8) -> Option<u64> {
    let mut rest = properties;
    while let [tag, len, tail @ ..] = rest {
        let (value, next) = tail.split_at_checked(usize::from(*len))?;
        if *tag == property && value.len() <= 8 {
            return Some(value.iter().rev().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)));
        }
        rest = next;
    }
    None
}

/// How often an exclusive connection is tried while another program briefly holds the card,
/// and how long apart (waiting for a card is `cancuoc_kit::wait`'s, the one rule of every
/// front end).
const EXCLUSIVE_ATTEMPTS: u32 = 5;
const EXCLUSIVE_RETRY: std::time::Duration = std::time::Duration::from_millis(100);

/// `SCardConnect` exclusive, retried a few times on a sharing violation, else shared.
fn connect_exclusive_if_possible(context: &Context, name: &CString) -> Result<(Card, bool), TransportError> {
    for attempt in 1..=EXCLUSIVE_ATTEMPTS {
        match context.connect(name, ShareMode::Exclusive, Protocols::ANY) {
            Ok(card) => return Ok((card, true)),
            Err(pcsc::Error::SharingViolation) if attempt < EXCLUSIVE_ATTEMPTS => std::thread::sleep(EXCLUSIVE_RETRY),
            Err(pcsc::Error::SharingViolation) => break,
            Err(e) => return Err(map_error(e)),
        }
    }
    let card = context.connect(name, ShareMode::Shared, Protocols::ANY).map_err(map_error)?;
    Ok((card, false))
}

/// Begins a PC/SC transaction (`SCardBeginTransaction`) that lasts as long as the connection: on
/// a shared connection, no other program's APDU can then land inside our secure-messaging
/// session and put its counter out of step (which would read as "may not be a genuine chip").
/// The `pcsc` crate ends a transaction when its guard drops, and the guard borrows the card;
/// the read needs the card for its whole length, so the guard is forgotten on purpose and the
/// transaction ends with the connection (`SCardDisconnect` releases it). A transaction begun
/// again after a reset nests in pcsc-lite and is released the same way.
fn hold_transaction(card: &mut Card) -> Result<(), TransportError> {
    let transaction = card.transaction().map_err(map_error)?;
    std::mem::forget(transaction);
    Ok(())
}

/// [`map_error`] on a connection that held a card: "no smart card" then means the card left
/// the reader (pcsc-lite answers `SCARD_E_NO_SMARTCARD` to a card swapped under a
/// connection), so the read waits for it to be put back instead of ending with "no card".
fn card_gone(e: pcsc::Error) -> TransportError {
    match map_error(e) {
        TransportError::NoCard => TransportError::CardRemoved,
        other => other,
    }
}

/// Maps PC/SC errors to what a person can act on; the code is kept for the rest.
fn map_error(e: pcsc::Error) -> TransportError {
    use pcsc::Error as E;
    match e {
        E::NoService | E::ServiceStopped | E::NoDir | E::CommDataLost => TransportError::NoService,
        E::NoReadersAvailable | E::ReaderUnavailable => TransportError::NoReader,
        E::UnknownReader => TransportError::NoReader,
        E::NoSmartcard => TransportError::NoCard,
        E::RemovedCard | E::ResetCard | E::NotTransacted | E::UnpoweredCard => TransportError::CardRemoved,
        E::UnresponsiveCard | E::UnsupportedCard | E::Timeout => TransportError::CardUnresponsive,
        other => TransportError::Reader { what: pcsc_name(other), code: other as u32 },
    }
}

fn pcsc_name(e: pcsc::Error) -> &'static str {
    use pcsc::Error as E;
    match e {
        E::SharingViolation => "another program holds the card",
        E::ProtoMismatch => "protocol mismatch",
        E::InsufficientBuffer => "answer larger than the buffer",
        E::InvalidHandle => "connection lost",
        E::CommError => "communication error with the reader",
        _ => "unexpected PC/SC error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_10_features_and_properties_are_read_from_their_tlv_lists() {
        // vpcd's answer: FEATURE_GET_TLV_PROPERTIES at 0x42000D48 + ...; then dwMaxAPDUDataSize 0x10000.
        let features = [0x12, 0x04, 0x42, 0x33, 0x00, 0x12, 0x20, 0x04, 0x42, 0x33, 0x00, 0x20];
        assert_eq!(feature_control_code(&features, FEATURE_GET_TLV_PROPERTIES), Some(0x4233_0012));
        assert_eq!(feature_control_code(&features, 0x13), None);
        let properties = [0x01, 0x02, 0x00, 0x00, 0x0A, 0x04, 0x00, 0x00, 0x01, 0x00];
        assert_eq!(tlv_property(&properties, PROPERTY_MAX_APDU_DATA_SIZE), Some(0x10000));
        // Cut short or malformed: nothing, no panic.
        assert_eq!(feature_control_code(&features[..7], 0x20), None);
        assert_eq!(tlv_property(&properties[..8], PROPERTY_MAX_APDU_DATA_SIZE), None);
        assert_eq!(tlv_property(&[], PROPERTY_MAX_APDU_DATA_SIZE), None);
    }

    #[test]
    fn no_card_under_a_connection_is_a_removed_card() {
        assert_eq!(card_gone(pcsc::Error::NoSmartcard), TransportError::CardRemoved);
        assert_eq!(card_gone(pcsc::Error::RemovedCard), TransportError::CardRemoved);
        assert_eq!(map_error(pcsc::Error::NoSmartcard), TransportError::NoCard);
        assert_eq!(card_gone(pcsc::Error::NoService), TransportError::NoService);
    }
}
