"""The native module of cancuoc (Rust, PyO3): the C ABI's calls without the C strings."""

from typing import Any, Tuple

def version() -> str:
    """The library's version."""

def call(operation: str, request: str) -> Tuple[int, str]:
    """Runs ``operation`` ("read", "demo", "verify" or "readers") on ``request`` (JSON text:
    the C ABI's request) with the interpreter released; returns the return code (0 ok,
    1 error, 2 bad request, 3 a check failed) and the answer as JSON text."""

def call_transport(request: str, transport: Any) -> Tuple[int, str]:
    """Reads the card behind ``transport`` (``transmit(bytes) -> bytes``, optionally ``reset()``)
    for ``request`` (JSON text: the C ABI's ``cancuoc_read_transport`` request); returns the
    return code and the answer as JSON text."""

def cancel() -> None:
    """Ends every read under way (each answers ``cancelled``)."""

def cancel_read(token: str) -> int:
    """Ends the reads whose request carried ``"cancel_token": token``; how many."""
