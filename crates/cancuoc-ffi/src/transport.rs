//! Bring your own transport, from C: the calling program holds the card and carries each APDU
//! to it through a callback ([`CancuocTransport`], [`cancuoc_read_transport`]); see
//! `docs/guide/transport.md` for Android, iOS, .NET, Java and Python.
//!
//! The rules a callback API across languages needs, and that other card libraries' lack of has
//! cost their users: every callback gets the caller's `user_data` back; no allocation crosses
//! the boundary (the library owns the command and response buffers, for the length of one
//! call, and the caller never frees what the library allocated for a callback nor the
//! reverse); a callback's failure is an explicit return code, never a crash; callbacks run
//! only on the thread that called [`cancuoc_read_transport`], before it returns.

use std::ffi::{c_char, c_void};

use cancuoc::{Transport, TransportError};
use zeroize::Zeroize;

/// A callback's return: the APDU went and `*response_len` bytes of answer were written.
pub const CANCUOC_LINK_OK: i32 = 0;
/// A callback's return: the card left the field or was pulled out (Android's `TagLostException`).
pub const CANCUOC_LINK_CARD_LOST: i32 = 1;
/// A callback's return: the card did not answer in time (raise the platform's timeout: Android's
/// `IsoDep.setTimeout`, 2000 ms or more for PACE).
pub const CANCUOC_LINK_TIMEOUT: i32 = 2;
/// A callback's return: any other failure of the link.
pub const CANCUOC_LINK_ERROR: i32 = 3;

/// The largest answer an APDU can have: 65 536 data bytes and the status word (ISO/IEC 7816-4
/// §5.1, extended Le of 0000).
pub const CANCUOC_MAX_RESPONSE: usize = 65_538;

/// Sends one command APDU to the card and writes its answer.
///
/// `command` and `command_len`: the APDU (header, data, Le), valid during the call. `response`:
/// the library's buffer of `response_capacity` bytes ([`CANCUOC_MAX_RESPONSE`]), where the
/// callback writes the answer — data followed by SW1 SW2 — and its length to `*response_len`.
/// Returns a `CANCUOC_LINK_*` code. Null where a transport has none.
pub type CancuocTransmitFn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        command: *const u8,
        command_len: usize,
        response: *mut u8,
        response_capacity: usize,
        response_len: *mut usize,
    ) -> i32,
>;

/// Resets the card (a warm reset, or the field switched off and on) so that access control
/// can start again; returns a `CANCUOC_LINK_*` code. Null where a transport has none.
pub type CancuocResetFn = Option<unsafe extern "C" fn(user_data: *mut c_void) -> i32>;

/// The caller's link to the card. What the platform knows of it (the largest APDU, extended
/// length, the ATR, EF.CardAccess already read) goes in the request's `"link"` object.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct CancuocTransport {
    /// Given back to each callback untouched (the caller's connection, tag or object).
    pub user_data: *mut c_void,
    /// Required.
    pub transmit: CancuocTransmitFn,
    /// Optional (null): without it, a card that leaves the field mid-read ends the read
    /// (`card_removed`) instead of being read on after the reset.
    pub reset: CancuocResetFn,
}

/// Reads and checks the card the caller holds, through `transport`'s callbacks: the request of
/// [`crate::cancuoc_read`] without `reader` and `wait_seconds`, plus the link's hints
/// `"link":{"max_apdu_data":261,"extended_length":false,"atr":"HEX","card_access":"BASE64"}`
/// (each optional); the same answers and return codes. A callback that fails ends the read
/// with `card_removed` (card lost, timeout) or `card_error` (any other code, or an answer
/// longer than the buffer or without a status word). A `"cancel_token"` in the request lets
/// [`crate::cancuoc_cancel_read`] end it from another thread, before the next APDU.
///
/// # Safety
/// `request_json` and `out_json` as for [`crate::cancuoc_read`]; `transport` is null or points
/// to a `CancuocTransport` whose callbacks may be called with its `user_data` on this thread
/// until this function returns.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cancuoc_read_transport(
    request_json: *const c_char,
    transport: *const CancuocTransport,
    out_json: *mut *mut c_char,
) -> i32 {
    // SAFETY: the caller's promise on `transport` (null checked).
    let given = unsafe { transport.as_ref() }.copied();
    let link = given.and_then(|t| t.transmit.map(|transmit| CallbackLink::new(t.user_data, transmit, t.reset)));
    // SAFETY: the caller's promises on `request_json` and `out_json`.
    unsafe {
        crate::with_request(request_json, out_json, move |request| match link {
            Some(link) => crate::calls::read_held(request, Box::new(link)),
            None => crate::Outcome::bad_request("transport: give a CancuocTransport with a transmit callback"),
        })
    }
}

/// A transmit callback that is there.
type Transmit = unsafe extern "C" fn(*mut c_void, *const u8, usize, *mut u8, usize, *mut usize) -> i32;

/// The caller's callbacks as a [`Transport`].
struct CallbackLink {
    user_data: *mut c_void,
    transmit: Transmit,
    reset: CancuocResetFn,
    /// The response buffer handed to each transmit; wiped after each answer is taken.
    response: Vec<u8>,
}

// SAFETY: a `CallbackLink` lives inside one `cancuoc_read_transport` call, which runs the read
// on the calling thread (the wait, the read and the checks spawn no thread), so the
// callbacks and `user_data` are only ever used on the thread the caller called from.
unsafe impl Send for CallbackLink {}

impl CallbackLink {
    fn new(user_data: *mut c_void, transmit: Transmit, reset: CancuocResetFn) -> Self {
        Self { user_data, transmit, reset, response: vec![0; CANCUOC_MAX_RESPONSE] }
    }
}

impl Drop for CallbackLink {
    fn drop(&mut self) {
        // A callback may have written more than it reported: no answer outlives the read.
        self.response.zeroize();
    }
}

/// A callback's return code as the read's error.
fn link_error(code: i32, during: &'static str) -> TransportError {
    match code {
        CANCUOC_LINK_CARD_LOST => TransportError::CardRemoved,
        CANCUOC_LINK_TIMEOUT => TransportError::CardUnresponsive,
        _ => TransportError::Link { what: during, code: i64::from(code) },
    }
}

impl Transport for CallbackLink {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        let mut written = 0usize;
        // SAFETY: the caller's promise that `transmit` may be called with `user_data` (see
        // `cancuoc_read_transport`); both buffers are valid for their lengths for the call.
        let code = unsafe {
            (self.transmit)(
                self.user_data,
                apdu.as_ptr(),
                apdu.len(),
                self.response.as_mut_ptr(),
                self.response.len(),
                &mut written,
            )
        };
        if code != CANCUOC_LINK_OK {
            return Err(link_error(code, "the transmit callback failed"));
        }
        let answer = match self.response.get(..written) {
            None => Err(TransportError::Link {
                what: "the transmit callback wrote more bytes than the response buffer holds",
                code: i64::try_from(written).unwrap_or(i64::MAX),
            }),
            Some(answer) if answer.len() < 2 => Err(TransportError::ShortResponse(answer.len())),
            Some(answer) => Ok(answer.to_vec()),
        };
        if let Some(used) = self.response.get_mut(..written) {
            used.zeroize();
        }
        answer
    }

    fn reset(&mut self) -> Result<(), TransportError> {
        let Some(reset) = self.reset else { return Err(TransportError::ResetUnsupported) };
        // SAFETY: as for `transmit`.
        match unsafe { reset(self.user_data) } {
            CANCUOC_LINK_OK => Ok(()),
            code => Err(link_error(code, "the reset callback failed")),
        }
    }
}

/// The built-in virtual CCCD behind a transmit function, for trying the transport API (and
/// testing a binding's callbacks) without a card: pass [`cancuoc_virtual_card_transmit`] as the
/// transmit callback and the card as its `user_data`.
pub struct CancuocVirtualCard {
    #[cfg_attr(not(feature = "demo"), allow(dead_code))]
    connection: Box<dyn Transport + Send>,
}

/// A new virtual CCCD (the specimen; its CAN is 012345, its ID number 001090012345), or null
/// in a library built without the feature `demo`. Free it with [`cancuoc_virtual_card_free`].
#[unsafe(no_mangle)]
pub extern "C" fn cancuoc_virtual_card_new() -> *mut CancuocVirtualCard {
    #[cfg(feature = "demo")]
    {
        use cancuoc_kit::cards::Cards;
        let cards = cancuoc_kit::demo::DemoCards::default();
        if let Ok(connection) = cards.connect(cancuoc_kit::demo::DEMO_READER) {
            return Box::into_raw(Box::new(CancuocVirtualCard { connection }));
        }
    }
    std::ptr::null_mut()
}

/// The virtual card's answer to one command: a [`CancuocTransmitFn`] whose `user_data` is a
/// card from [`cancuoc_virtual_card_new`]. Returns `CANCUOC_LINK_ERROR` for a null card or
/// buffer, or an answer that does not fit.
///
/// # Safety
/// `card` is null or a live card from [`cancuoc_virtual_card_new`], used by one thread at a
/// time; `command` points to `command_len` readable bytes, `response` to `response_capacity`
/// writable bytes, `response_len` to writable storage for one `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cancuoc_virtual_card_transmit(
    card: *mut c_void,
    command: *const u8,
    command_len: usize,
    response: *mut u8,
    response_capacity: usize,
    response_len: *mut usize,
) -> i32 {
    if card.is_null() || command.is_null() || response.is_null() || response_len.is_null() {
        return CANCUOC_LINK_ERROR;
    }
    let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: the caller's promises on `card` and `command` (null checked above).
        let (card, command) =
            unsafe { (&mut *card.cast::<CancuocVirtualCard>(), std::slice::from_raw_parts(command, command_len)) };
        card.connection.transmit(command)
    }));
    match answer {
        Ok(Ok(answer)) if answer.len() <= response_capacity => {
            // SAFETY: the caller's promise on `response` and `response_len`; `answer` fits.
            unsafe {
                std::ptr::copy_nonoverlapping(answer.as_ptr(), response, answer.len());
                *response_len = answer.len();
            }
            CANCUOC_LINK_OK
        }
        Ok(Err(TransportError::CardRemoved)) => CANCUOC_LINK_CARD_LOST,
        _ => CANCUOC_LINK_ERROR,
    }
}

/// Frees a virtual card; null is ignored.
///
/// # Safety
/// `card` is null or a card from [`cancuoc_virtual_card_new`], not freed before and not in use.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cancuoc_virtual_card_free(card: *mut CancuocVirtualCard) {
    if !card.is_null() {
        // SAFETY: `card` came from `Box::into_raw` in `cancuoc_virtual_card_new`, freed once.
        drop(unsafe { Box::from_raw(card) });
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;

    use super::*;

    /// Calls `cancuoc_read_transport` and takes its answer.
    fn read(request: &CStr, transport: Option<&CancuocTransport>) -> (i32, serde_json::Value) {
        let mut out = std::ptr::null_mut();
        let transport = transport.map_or(std::ptr::null(), std::ptr::from_ref);
        // SAFETY: a NUL-terminated request, a transport whose callbacks take its user data,
        // writable storage for the answer.
        let code = unsafe { cancuoc_read_transport(request.as_ptr(), transport, &mut out) };
        // SAFETY: the answer is a NUL-terminated string from the library.
        let text = unsafe { CStr::from_ptr(out) }.to_str().unwrap_or_default().to_owned();
        // SAFETY: freed once.
        unsafe { crate::cancuoc_string_free(out) };
        (code, serde_json::from_str(&text).unwrap_or_default())
    }

    /// A transmit callback that answers as `user_data` (a `Garbage`) says.
    unsafe extern "C" fn garbage(
        user_data: *mut c_void,
        _command: *const u8,
        _command_len: usize,
        response: *mut u8,
        response_capacity: usize,
        response_len: *mut usize,
    ) -> i32 {
        // SAFETY: the tests pass a `Garbage` and the library valid buffers.
        unsafe {
            let garbage = &*user_data.cast::<Garbage>();
            let bytes = garbage.bytes.get(..garbage.bytes.len().min(response_capacity)).unwrap_or_default();
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), response, bytes.len());
            *response_len = garbage.claimed.unwrap_or(bytes.len());
            garbage.code
        }
    }

    struct Garbage {
        code: i32,
        bytes: Vec<u8>,
        claimed: Option<usize>,
    }

    #[test]
    fn a_failing_or_lying_callback_ends_the_read_with_a_clear_error() {
        let request = c"{\"key\":{\"can\":\"012345\"}}";
        let cases = [
            (Garbage { code: CANCUOC_LINK_CARD_LOST, bytes: vec![], claimed: None }, "card_removed"),
            (Garbage { code: CANCUOC_LINK_TIMEOUT, bytes: vec![], claimed: None }, "card_removed"),
            (Garbage { code: CANCUOC_LINK_ERROR, bytes: vec![], claimed: None }, "card_error"),
            (Garbage { code: -7, bytes: vec![], claimed: None }, "card_error"),
            (Garbage { code: CANCUOC_LINK_OK, bytes: vec![0x90], claimed: None }, "card_removed"),
            (
                Garbage { code: CANCUOC_LINK_OK, bytes: vec![0x90, 0x00], claimed: Some(CANCUOC_MAX_RESPONSE + 1) },
                "card_error",
            ),
            (Garbage { code: CANCUOC_LINK_OK, bytes: vec![0x5A; 300], claimed: None }, "card_error"),
        ];
        for (mut case, expected) in cases {
            let user_data = std::ptr::from_mut(&mut case).cast::<c_void>();
            let transport = CancuocTransport { user_data, transmit: Some(garbage), reset: None };
            let (code, answer) = read(request, Some(&transport));
            assert_eq!((code, answer["error"]["code"].as_str()), (1, Some(expected)), "{answer}");
            assert!(answer["error"]["message_vi"].is_string(), "{answer}");
        }
        // No transport, no transmit, or a request for a reader: bad requests.
        assert_eq!(read(request, None).0, 2);
        let none = CancuocTransport { user_data: std::ptr::null_mut(), transmit: None, reset: None };
        assert_eq!(read(request, Some(&none)).0, 2);
        let mut quiet = Garbage { code: CANCUOC_LINK_CARD_LOST, bytes: vec![], claimed: None };
        let transport =
            CancuocTransport { user_data: std::ptr::from_mut(&mut quiet).cast(), transmit: Some(garbage), reset: None };
        for bad in [
            c"{\"key\":{\"can\":\"012345\"},\"reader\":\"x\"}",
            c"{\"key\":{\"can\":\"012345\"},\"link\":{\"atr\":\"xyz\"}}",
        ] {
            let (code, answer) = read(bad, Some(&transport));
            assert_eq!((code, answer["error"]["code"].as_str()), (2, Some("bad_request")), "{answer}");
        }
    }

    #[cfg(feature = "demo")]
    #[test]
    fn the_virtual_card_behind_the_callback_reads_as_the_built_in_one() {
        let card = cancuoc_virtual_card_new();
        assert!(!card.is_null());
        let transport =
            CancuocTransport { user_data: card.cast(), transmit: Some(cancuoc_virtual_card_transmit), reset: None };
        let (code, answer) =
            read(c"{\"key\":{\"id\":\"001090012345\"},\"link\":{\"extended_length\":false}}", Some(&transport));
        // SAFETY: the card from `cancuoc_virtual_card_new`, no longer used.
        unsafe { cancuoc_virtual_card_free(card) };
        assert_eq!(code, 0, "{answer}");
        assert_eq!(answer["checkin"]["so_cccd"], "001090012345");
        assert_eq!(answer["report"]["access"]["link_max_apdu_data"], 256, "{answer}");
        let built_in = crate::calls::demo("").json;
        assert_eq!(answer["checkin"], built_in["checkin"]);
        // The same verdicts; only the active-authentication challenge (random) differs.
        let verification = |answer: &serde_json::Value| {
            let mut verification = answer["report"]["verification"].clone();
            for field in ["challenge", "response"] {
                verification["active"][field] = serde_json::Value::Null;
            }
            verification
        };
        assert_eq!(verification(&answer), verification(&built_in));
    }
}
