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

use pyo3::prelude::*;

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
