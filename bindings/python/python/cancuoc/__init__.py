"""Read and verify Vietnam's chip ID card (CCCD, Căn cước) and ICAO 9303 passports.

The library itself, not a spawned program: a read goes through the PC/SC reader named (or the
only one), checks the chip's signatures (passive, chip and active authentication) and returns
the ``cancuoc/1`` report as a dict, with ``checkin`` (the fields a clinic's check-in desk
fills) and ``bhxh`` (the health-insurance lookup's fields)::

    import cancuoc

    answer = cancuoc.read(id="001090012345", trust=["csca.der"])
    print(answer["checkin"]["ho_ten"], answer["report"]["verification"]["passive"]["status"])

A failure raises :class:`Error` or one of its subclasses; its ``message`` is English, its
``message_vi`` Vietnamese, both fit to show a clerk. A card that was read but failed a check
raises :class:`CheckFailed`, which carries the whole answer in ``answer`` (a bank must not
act on it; a back office wants to see why).

Reads release the interpreter: other threads go on, and one of them may call :func:`cancel`.
The requests and answers are those of the C ABI and the local endpoint (``docs/DESIGN.md``
§3.5–3.6).
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any, Dict, Iterable, List, Mapping, Optional, Protocol, Union

from . import _cancuoc

__all__ = [
    "version",
    "readers",
    "read",
    "verify",
    "demo",
    "cancel",
    "Transport",
    "CardLost",
    "Error",
    "NoReader",
    "NoCard",
    "WrongKey",
    "CardRemoved",
    "Cancelled",
    "CheckFailed",
    "BadRequest",
    "NotGenuine",
    "PaceRequired",
    "Busy",
    "Timeout",
    "Forbidden",
    "NotFound",
    "CardError",
    "FileError",
    "Internal",
]

PathLike = Union[str, "os.PathLike[str]"]


class Transport(Protocol):
    """A card the program holds (pyscard, a relay, a phone's NFC through a bridge) for
    :func:`read`'s ``transport``: cancuoc sends each command APDU to ``transmit`` and reads the
    answer it returns (data followed by SW1 SW2).

    Optional: a ``reset()`` method (a warm reset; without it a card that leaves the field
    mid-read ends the read), and attributes the link knows — ``max_apdu_data`` (int),
    ``extended_length`` (bool), ``atr`` (bytes), ``card_access`` (bytes: EF.CardAccess as the
    platform read it). ``transmit`` raises :class:`CardLost` (or any ``ConnectionError``) when
    the card left, ``TimeoutError`` when it did not answer; any other exception, or an answer
    that is not ``bytes``, ends the read with :class:`CardError`. It is called from the thread
    that called :func:`read`.
    """

    def transmit(self, command: bytes) -> bytes: ...


class CardLost(ConnectionError):
    """Raised by a :class:`Transport`'s ``transmit`` when the card left the field or was pulled
    out: the read ends with :class:`CardRemoved`."""


class Error(Exception):
    """A read or a verification that did not give an answer.

    ``code`` is the error's name (``no_reader``, ``wrong_key``, ``file_error``…),
    ``message`` and ``message_vi`` say what to do in English and Vietnamese, ``return_code``
    is the C ABI's (1 error, 2 bad request, 3 a check failed).
    """

    def __init__(self, code: str, message: str, message_vi: str, return_code: int) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.message_vi = message_vi
        self.return_code = return_code


class NoReader(Error):
    """No smart-card reader (or not the one named), or the smart-card service is not running."""


class NoCard(Error):
    """The reader holds no card."""


class WrongKey(Error):
    """The ID number, CAN or dates given do not open this card."""


class CardRemoved(Error):
    """The card was taken away (or another card put down) during the read."""


class Cancelled(Error):
    """:func:`cancel` ended the read."""


class BadRequest(Error):
    """The arguments are wrong: a programming error, not the clerk's."""


class Busy(Error):
    """Another read is under way: wait for it to end."""


class Timeout(Error):
    """No card came within ``wait_seconds``."""


class Forbidden(Error):
    """The caller is not allowed (the local endpoint's rules; not raised by this module's own
    calls)."""


class NotFound(Error):
    """No such route or resource."""


class CardError(Error):
    """The card answered, but not as a readable identity document: put it back and try again;
    if it repeats, the card is not supported yet."""


class FileError(Error):
    """A trust file or a saved dump could not be read or used: check the path and the file."""


class Internal(Error):
    """A bug in cancuoc (a panic stopped at the boundary): please report it."""


class NotGenuine(Error):
    """The chip's answers prove it is not a genuine chip (inconsistent PACE answers): do not
    read it again, do not file a record."""


class PaceRequired(Error):
    """``require_pace=True`` and the card would have been read with BAC (it offers no PACE,
    refuses it, or its EF.CardAccess is malformed): the card was not read."""


class CheckFailed(Error):
    """The card or dump was read, but a check failed: do not accept it, do not file it.

    ``verdict`` is the report's word (``altered``, ``cloned``, ``expired``, ``revoked``,
    ``bad_certificate``); ``reasons`` lists the failed checks' reasons as the library gives
    them; ``answer`` is the whole answer: ``verdict``, ``error`` and the ``report`` for the
    record, without the holder's fields and with no ``checkin`` or ``bhxh``.
    """

    def __init__(self, answer: Dict[str, Any]) -> None:
        failed = answer.get("error") or answer.get("check_failed") or {}
        super().__init__("check_failed", failed.get("message", ""), failed.get("message_vi", ""), 3)
        self.answer = answer
        self.verdict: str = str(answer.get("verdict") or failed.get("verdict", ""))
        self.reasons: List[str] = [str(r) for r in failed.get("reasons", [])]


_ERRORS = {
    "no_reader": NoReader,
    "no_card": NoCard,
    "wrong_key": WrongKey,
    "card_removed": CardRemoved,
    "cancelled": Cancelled,
    "bad_request": BadRequest,
    "not_genuine": NotGenuine,
    "pace_required": PaceRequired,
    "busy": Busy,
    "timeout": Timeout,
    "forbidden": Forbidden,
    "not_found": NotFound,
    "card_error": CardError,
    "file_error": FileError,
    "internal": Internal,
}


def _call(operation: str, request: Mapping[str, Any], transport: Optional[Transport] = None) -> Dict[str, Any]:
    if transport is None:
        code, text = _cancuoc.call(operation, json.dumps(request))
    else:
        code, text = _cancuoc.call_transport(json.dumps(request), transport)
    answer: Dict[str, Any] = json.loads(text)
    if code == 0:
        return answer
    if code == 3:
        raise CheckFailed(answer)
    error = answer.get("error", {})
    kind = _ERRORS.get(error.get("code", ""), Error)
    raise kind(error.get("code", "internal"), error.get("message", ""), error.get("message_vi", ""), code)


def _paths(trust: Iterable[PathLike]) -> Any:
    if isinstance(trust, (str, os.PathLike)):
        return os.fspath(trust)  # one path, not a list: the library refuses it (BadRequest)
    return [os.fspath(p) for p in trust]


def version() -> str:
    """The library's version."""
    return _cancuoc.version()


def readers() -> List[Dict[str, Any]]:
    """The readers: ``[{"name": "…", "card": True}, …]``."""
    listed: List[Dict[str, Any]] = _call("readers", {})["readers"]
    return listed


def _key(
    can: Optional[str],
    id: Optional[str],
    dob: Optional[str],
    expiry: Optional[str],
    mrz: Optional[str],
    qr: Optional[str],
) -> Optional[Dict[str, str]]:
    given = {"can": can, "id": id, "dob": dob, "expiry": expiry, "mrz": mrz, "qr": qr}
    key = {name: value for name, value in given.items() if value is not None}
    return key or None


def _request(
    reader: Optional[str],
    key: Optional[Dict[str, str]],
    trust: Iterable[PathLike],
    photo: bool,
    challenge: Optional[str],
    raw: bool,
    require_pace: bool = False,
) -> Dict[str, Any]:
    want = ["holder", "verification"] + (["photo"] if photo else []) + (["raw"] if raw else [])
    request: Dict[str, Any] = {"want": want, "trust": _paths(trust)}
    if require_pace:
        request["require_pace"] = True
    if reader is not None:
        request["reader"] = reader
    if key is not None:
        request["key"] = key
    if challenge is not None:
        request["challenge"] = challenge
    return request


def read(
    reader: Optional[str] = None,
    can: Optional[str] = None,
    id: Optional[str] = None,
    dob: Optional[str] = None,
    expiry: Optional[str] = None,
    mrz: Optional[str] = None,
    qr: Optional[str] = None,
    trust: Iterable[PathLike] = (),
    photo: bool = True,
    challenge: Optional[str] = None,
    raw: bool = False,
    wait_seconds: Optional[int] = None,
    require_pace: bool = False,
    cancel_token: Optional[str] = None,
    transport: Optional[Transport] = None,
) -> Dict[str, Any]:
    """Reads and checks the card on ``reader`` (None: the only reader, or the one with a card),
    or the card the program holds behind ``transport`` (a :class:`Transport`: then give no
    ``reader`` nor ``wait_seconds``).

    The key opens the chip: ``id`` (the 12-digit CCCD number; the card's other dates are
    read from it), ``can`` (6 digits printed on the card), ``mrz`` (the card's three MRZ
    lines), ``qr`` (the text of the card's QR code), or ``id`` with ``dob`` and ``expiry``
    (``dd/mm/yyyy`` or ``YYYY-MM-DD``). ``trust`` lists CSCA certificates, master lists,
    CRLs or folders of them; without it the chain is reported ``no_anchor`` (not genuine).
    ``challenge`` (16 hex digits) makes active authentication sign the caller's nonce (a
    remote verifier's proof of liveness). ``raw`` adds every file of the chip, base64, EF.COM
    included (read for it), for a dump or an online check such as C06's.
    ``wait_seconds`` (0–60, default 20) is how long to wait for a card to be put down.
    ``cancel_token`` names the read for :func:`cancel`, which then ends it and no other.
    ``require_pace`` refuses a card that would be read with BAC (:class:`PaceRequired`): a
    bank's setting. A read that fell back to BAC says why in ``report["access"]["fallback"]``.

    Returns ``{"report": …, "checkin": …, "bhxh": …, "photo": …}``; ``photo`` (when asked)
    is ``{"base64": …}``, the chip's JPEG or JPEG 2000 face. Raises :class:`CheckFailed` when the card fails a check.
    """
    key = _key(can, id, dob, expiry, mrz, qr)
    request = _request(reader, key, trust, photo, challenge, raw, require_pace)
    if wait_seconds is not None:
        request["wait_seconds"] = wait_seconds
    if cancel_token is not None:
        request["cancel_token"] = cancel_token
    if transport is not None:
        link = _link(transport)
        if link:
            request["link"] = link
    return _call("read", request, transport)


def _link(transport: Transport) -> Dict[str, Any]:
    """What ``transport`` says of its link, as the request's ``"link"``."""
    link: Dict[str, Any] = {}
    for name in ("max_apdu_data", "extended_length"):
        value = getattr(transport, name, None)
        if value is not None:
            link[name] = value
    atr = getattr(transport, "atr", None)
    if atr is not None:
        link["atr"] = bytes(atr).hex()
    card_access = getattr(transport, "card_access", None)
    if card_access is not None:
        link["card_access"] = base64.b64encode(bytes(card_access)).decode("ascii")
    return link


def demo(
    can: Optional[str] = None,
    id: Optional[str] = None,
    trust: Iterable[PathLike] = (),
    photo: bool = True,
    raw: bool = False,
) -> Dict[str, Any]:
    """Reads the built-in virtual CCCD (no reader needed), as :func:`read` does a card.

    Without a key it opens the specimen with its ID number, 001090012345.
    """
    key = _key(can, id, None, None, None, None)
    return _call("demo", _request(None, key, trust, photo, None, raw))


def verify(
    path_or_files: Union[PathLike, Mapping[str, bytes]],
    trust: Iterable[PathLike] = (),
    at: Optional[str] = None,
) -> Dict[str, Any]:
    """Checks a saved dump: the folder ``cancuoc read --out`` wrote, or its files as a dict
    (``{"SOD": b"…", "DG1": b"…", …}``).

    ``at`` (``YYYY-MM-DD``) checks the certificates' validity on that day instead of today.
    Claims the dump's ``report.json`` makes about chip or active authentication are shown as
    recorded, never as checked. Returns ``{"report": …, "checkin": …, "bhxh": …}``; raises
    :class:`CheckFailed` when a check fails.
    """
    request: Dict[str, Any] = {"trust": _paths(trust)}
    if isinstance(path_or_files, Mapping):
        request["files"] = {
            name: base64.b64encode(bytes(data)).decode("ascii") for name, data in path_or_files.items()
        }
    else:
        request["dir"] = os.fspath(path_or_files)
    if at is not None:
        request["at"] = at
    return _call("verify", request)


def cancel(token: Optional[str] = None) -> bool:
    """Ends a read under way in another thread: it raises :class:`Cancelled`.

    With ``token``, only the reads started with ``read(..., cancel_token=token)`` end (the
    others go on) and the answer says whether one did; without it, every read under way ends.
    """
    if token is None:
        _cancuoc.cancel()
        return True
    return _cancuoc.cancel_read(token) > 0
