//! # cancuoc-python
//!
//! The native part of the Python package `cancuoc` (`bindings/python/python/cancuoc`): three
//! functions over the C ABI's calls (`cancuoc_ffi::calls`), so Python gets the same requests,
//! answers and return codes as C, C# and the local endpoint (`docs/DESIGN.md` §3.6). The
//! package's `__init__.py` turns keyword arguments into the request and the answer into a dict
//! or an exception; `_cancuoc.pyi` types this module.
//!
//! A read or a verification runs with the interpreter released (other Python threads go on,
//! and one of them may call `cancel`); a panic stops at the boundary as the `internal` error.

use std::borrow::Cow;

use cancuoc::{Transport, TransportError};
use pyo3::exceptions::{PyConnectionError, PyTimeoutError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// The module `cancuoc._cancuoc`.
#[pymodule]
#[pyo3(name = "_cancuoc")]
mod native {
    use cancuoc_ffi::calls::{self, Outcome};
    use pyo3::exceptions::PyValueError;
    use pyo3::prelude::*;

    /// The library's version.
    #[pyfunction]
    fn version() -> &'static str {
        env!("CARGO_PKG_VERSION")
    }

    /// Runs `operation` ("read", "demo", "verify" or "readers") on `request` (JSON text, the
    /// C ABI's request) and returns the return code (0 ok, 1 error, 2 bad request, 3 a check
    /// failed) and the answer's JSON text.
    #[pyfunction]
    fn call(py: Python<'_>, operation: &str, request: String) -> PyResult<(i32, String)> {
        let run: fn(&str) -> Outcome = match operation {
            "read" => calls::read,
            "demo" => calls::demo,
            "verify" => calls::verify,
            "readers" => |_| calls::readers(),
            _ => return Err(PyValueError::new_err(format!("unknown operation {operation:?}"))),
        };
        let outcome = py.detach(move || calls::guarded(|| run(&request)));
        Ok((outcome.code, outcome.json.to_string()))
    }

    /// Reads the card the caller holds behind `transport` (an object with `transmit(bytes) ->
    /// bytes`, and optionally `reset()`): `request` as for `cancuoc_read_transport` (JSON text,
    /// the link's hints in `"link"`); returns the return code and the answer's JSON text. The
    /// read runs with the interpreter released, taking it back for each call to `transport`.
    #[pyfunction]
    fn call_transport(py: Python<'_>, request: String, transport: Py<PyAny>) -> PyResult<(i32, String)> {
        let has_reset = transport.bind(py).hasattr("reset")?;
        let link = super::PyLink { object: transport, has_reset };
        let outcome = py.detach(move || calls::guarded(|| calls::read_held(&request, Box::new(link))));
        Ok((outcome.code, outcome.json.to_string()))
    }

    /// Ends every read under way (each raises `cancuoc.Cancelled`).
    #[pyfunction]
    fn cancel() {
        calls::cancel();
    }

    /// Ends the reads started with `cancel_token=token`; how many.
    #[pyfunction]
    fn cancel_read(token: &str) -> usize {
        calls::cancel_read(token)
    }
}

/// A Python object that carries APDUs to the card (`cancuoc.read(transport=…)`): its
/// `transmit(bytes) -> bytes` and, when it has one, `reset()`. An exception it raises ends the
/// read: `ConnectionError` (`cancuoc.CardLost` among them) and `TimeoutError` as a card that
/// left the field (`card_removed`), any other as `card_error`; an answer that is not bytes is
/// `card_error` too.
struct PyLink {
    object: Py<PyAny>,
    has_reset: bool,
}

/// An exception a transport raised, as the read's error.
fn raised(py: Python<'_>, error: &PyErr, during: &'static str) -> TransportError {
    if error.is_instance_of::<PyConnectionError>(py) {
        TransportError::CardRemoved
    } else if error.is_instance_of::<PyTimeoutError>(py) {
        TransportError::CardUnresponsive
    } else {
        TransportError::Link { what: during, code: 0 }
    }
}

impl Transport for PyLink {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        Python::attach(|py| {
            let command = PyBytes::new(py, apdu);
            let answer = self
                .object
                .bind(py)
                .call_method1("transmit", (command,))
                .map_err(|e| raised(py, &e, "the transport's transmit raised an exception"))?;
            let bytes: Cow<'_, [u8]> = answer.extract().map_err(|_| TransportError::Link {
                what: "the transport's transmit returned something other than bytes",
                code: 0,
            })?;
            match bytes.len() {
                0 | 1 => Err(TransportError::ShortResponse(bytes.len())),
                2..=65_538 => Ok(bytes.into_owned()),
                n => Err(TransportError::Link {
                    what: "the transport's transmit returned more bytes than any APDU answer has",
                    code: i64::try_from(n).unwrap_or(i64::MAX),
                }),
            }
        })
    }

    fn reset(&mut self) -> Result<(), TransportError> {
        if !self.has_reset {
            return Err(TransportError::ResetUnsupported);
        }
        Python::attach(|py| {
            self.object
                .bind(py)
                .call_method0("reset")
                .map(|_| ())
                .map_err(|e| raised(py, &e, "the transport's reset raised an exception"))
        })
    }
}
