"""``cancuoc.read(transport=…)`` over a PC/SC stack cancuoc did not write: pyscard's
connection to the virtual card behind pcscd carries every APDU, and the report is the one
``cancuoc read`` gives for the same card. Then transports that fail or lie."""

import json
import subprocess
from typing import Any, Dict, List

import pytest

import cancuoc
from conftest import SPECIMEN_ID, TEST_CSCA


class PyscardTransport:
    """The card as pyscard holds it: what a program that already speaks PC/SC hands over."""

    def __init__(self, reader_name: str) -> None:
        from smartcard.System import readers

        found = [r for r in readers() if str(r) == reader_name]
        assert found, [str(r) for r in readers()]
        self.connection = found[0].createConnection()
        self.connection.connect()
        self.atr = bytes(self.connection.getATR())
        self.commands = 0

    def transmit(self, command: bytes) -> bytes:
        from smartcard.Exceptions import CardConnectionException

        self.commands += 1
        try:
            data, sw1, sw2 = self.connection.transmit(list(command))
        except CardConnectionException as lost:
            raise cancuoc.CardLost(str(lost)) from lost
        return bytes(data + [sw1, sw2])

    def close(self) -> None:
        self.connection.disconnect()


def same_parts(report: Dict[str, Any]) -> Dict[str, Any]:
    """What two reads of one card share: all but the timings and the random challenge."""
    verification = json.loads(json.dumps(report["verification"]))
    verification["active"].pop("challenge", None)
    verification["active"].pop("response", None)
    access = {k: v for k, v in report["access"].items() if k in ("protocol", "fallback", "extended_length")}
    return {"holder": report["holder"], "document": report["document"], "verification": verification, "access": access}


def test_a_read_through_pyscard_gives_the_report_cancuoc_read_gives(reader, bin_dir):
    pytest.importorskip("smartcard")
    transport = PyscardTransport(reader)
    try:
        answer = cancuoc.read(can="012345", trust=[TEST_CSCA], transport=transport)
    finally:
        transport.close()
    assert transport.commands > 10
    assert answer["checkin"]["so_cccd"] == SPECIMEN_ID
    assert answer["report"]["verification"]["passive"]["status"] == "valid"
    cli = subprocess.run(
        [str(bin_dir / "cancuoc"), "read", "--reader", reader, "--can", "012345", "--json", "--trust", str(TEST_CSCA)],
        capture_output=True,
        check=False,
    )
    assert cli.returncode == 0, cli.stderr
    assert same_parts(answer["report"]) == same_parts(json.loads(cli.stdout))


class Scripted:
    """A transport whose transmit does what the test says."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.calls: List[bytes] = []

    def transmit(self, command: bytes) -> Any:
        self.calls.append(command)
        if isinstance(self.answer, BaseException):
            raise self.answer
        return self.answer


@pytest.mark.parametrize(
    "answer, raised",
    [
        (cancuoc.CardLost("the tag left the field"), cancuoc.CardRemoved),
        (TimeoutError("no answer in 1 s"), cancuoc.CardRemoved),
        (ValueError("a bug in the transport"), cancuoc.CardError),
        ("9000", cancuoc.CardError),
        (None, cancuoc.CardError),
        (b"\x90", cancuoc.CardRemoved),
        (bytes(70_000), cancuoc.CardError),
        (b"\x5a" * 300, cancuoc.CardError),
    ],
)
def test_a_transport_that_fails_or_lies_ends_the_read_with_a_clear_error(answer, raised):
    transport = Scripted(answer)
    with pytest.raises(raised) as caught:
        cancuoc.read(can="012345", transport=transport)
    assert caught.value.message and caught.value.message_vi
    assert transport.calls, "the transport was never asked"


def test_a_transport_read_takes_no_reader_and_gives_the_links_hints():
    with pytest.raises(cancuoc.BadRequest):
        cancuoc.read(reader="Virtual PCD 00 00", can="012345", transport=Scripted(b"\x90\x00"))

    class Hinted(Scripted):
        max_apdu_data = 70_000  # more than any APDU: refused

    with pytest.raises(cancuoc.BadRequest):
        cancuoc.read(can="012345", transport=Hinted(b"\x90\x00"))
