"""The Python module on the built-in virtual CCCD, on saved dumps, and on the virtual card
behind pcscd."""

import base64
import threading
import time

import pytest

import cancuoc
from conftest import SPECIMEN_ID, TEST_CSCA


def test_version_is_the_librarys():
    assert cancuoc.version() == "0.1.0"


def test_the_demo_reads_and_verifies_the_specimen():
    answer = cancuoc.demo(trust=[TEST_CSCA])
    assert answer["verdict"] == "genuine"
    assert answer["checkin"]["so_cccd"] == SPECIMEN_ID
    assert answer["checkin"]["ho_ten"] == "Nguyễn Văn Mẫu"
    verification = answer["report"]["verification"]
    assert verification["passive"]["status"] == "valid"
    assert verification["passive"]["chain"]["status"] == "trusted"
    assert verification["chip"]["status"] == "valid"
    assert verification["active"]["status"] == "valid"
    assert answer["report"]["photo"]["format"] == "jpeg"
    assert base64.b64decode(answer["photo"]["base64"]).startswith(b"\xff\xd8")


def test_without_trust_the_chain_has_no_anchor_and_no_photo_when_not_asked():
    answer = cancuoc.demo(photo=False)
    passive = answer["report"]["verification"]["passive"]
    assert passive["status"] == "untrusted"
    assert passive["chain"]["status"] == "no_anchor"
    assert "photo" not in answer


def test_a_wrong_key_raises_wrong_key_in_both_languages():
    with pytest.raises(cancuoc.WrongKey) as caught:
        cancuoc.demo(can="999999")
    error = caught.value
    assert error.code == "wrong_key" and error.return_code == 1
    assert "CAN" in error.message and "CCCD" in error.message_vi
    assert isinstance(error, cancuoc.Error)


def test_bad_arguments_raise_bad_request():
    for call in (
        lambda: cancuoc.demo(trust=str(TEST_CSCA)),  # one path, not a list
        lambda: cancuoc.read(reader="x", challenge="not hex"),
        lambda: cancuoc.verify("/tmp", at="4 Dec 2026"),
    ):
        with pytest.raises(cancuoc.BadRequest) as caught:
            call()
        assert caught.value.return_code == 2
        assert caught.value.message_vi


def test_a_missing_trust_file_is_a_file_error():
    with pytest.raises(cancuoc.Error) as caught:
        cancuoc.demo(trust=["/nonexistent/csca.der"])
    assert caught.value.code == "file_error"
    assert type(caught.value) is cancuoc.FileError


def test_a_dump_verifies_from_its_folder_and_its_files(tmp_path):
    raw = cancuoc.demo(raw=True)["raw"]
    files = {name: base64.b64decode(data) for name, data in raw.items()}
    # Every file of the chip, EF.COM included (the C06 online check takes it).
    assert {"COM", "SOD", "DG1", "DG2", "DG13", "DG14", "DG15"} <= files.keys()
    for name, data in files.items():
        (tmp_path / f"{name}.bin").write_bytes(data)
    from_dir = cancuoc.verify(tmp_path, trust=[TEST_CSCA], at="2026-12-04")
    from_files = cancuoc.verify(files, trust=[TEST_CSCA])
    for answer in (from_dir, from_files):
        assert answer["checkin"]["so_cccd"] == SPECIMEN_ID
        assert answer["report"]["verification"]["passive"]["status"] == "valid"
        # A dump proves no chip: chip and active authentication are not checked again.
        assert answer["report"]["verification"]["chip"]["status"] == "not_checked"


def test_an_altered_dump_raises_check_failed_with_the_answer():
    raw = cancuoc.demo(raw=True)["raw"]
    files = {name: bytearray(base64.b64decode(data)) for name, data in raw.items()}
    files["DG13"][-1] ^= 1
    with pytest.raises(cancuoc.CheckFailed) as caught:
        cancuoc.verify(files, trust=[TEST_CSCA])
    error = caught.value
    assert error.return_code == 3
    assert any("DG13" in reason for reason in error.reasons), error.reasons
    assert "DG13" in error.message and error.message_vi and error.code == "check_failed"
    assert error.answer["report"]["verification"]["passive"]["status"] == "invalid"
    assert error.answer["report"]["verification"]["passive"]["data_groups"]["DG13"] == "mismatch"
    # The verdict travels; nothing a page or a back office could file does.
    assert error.verdict == "altered"
    assert "checkin" not in error.answer and "bhxh" not in error.answer
    assert error.answer["report"]["holder"]["full_name"] is None


def test_reads_run_in_parallel_threads():
    answers = [None] * 4

    def work(i):
        answers[i] = cancuoc.demo(photo=False)["checkin"]["so_cccd"]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [SPECIMEN_ID] * 4


def test_the_virtual_card_behind_pcscd_reads_and_verifies(reader):
    listed = cancuoc.readers()
    assert {"name": reader, "card": True} in listed, listed
    answer = cancuoc.read(reader=reader, id=SPECIMEN_ID, trust=[TEST_CSCA], challenge="0011223344556677")
    verification = answer["report"]["verification"]
    assert answer["checkin"]["so_cccd"] == SPECIMEN_ID
    assert verification["passive"]["status"] == "valid"
    assert verification["active"]["status"] == "valid"
    assert verification["active"]["challenge"] == "0011223344556677"
    with pytest.raises(cancuoc.WrongKey):
        cancuoc.read(reader=reader, can="999999")
    with pytest.raises(cancuoc.NoReader):
        cancuoc.read(reader="No Such Reader 00 00", id=SPECIMEN_ID, wait_seconds=0)


def test_cancel_ends_a_read_on_the_slow_card(reader):
    # tests/python.rs serves the card with a delay before each answer: a read takes seconds.
    errors = []

    def work():
        try:
            cancuoc.read(reader=reader, id=SPECIMEN_ID, cancel_token="desk-1")
        except cancuoc.Error as e:
            errors.append(e)

    thread = threading.Thread(target=work)
    started = time.monotonic()
    thread.start()
    time.sleep(0.3)
    # Another read's token ends nothing; this read's token ends this read.
    assert cancuoc.cancel("desk-2") is False
    assert cancuoc.cancel("desk-1") is True
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert [type(e) for e in errors] == [cancuoc.Cancelled], errors
    assert time.monotonic() - started < 10


def test_every_error_code_has_its_own_exception_class():
    # The codes of the endpoint and the C ABI (cancuoc_agent::Code), check_failed apart: it
    # comes with return code 3 and raises CheckFailed.
    codes = [
        "no_reader", "no_card", "wrong_key", "card_removed", "busy", "cancelled", "timeout",
        "forbidden", "bad_request", "card_error", "not_genuine", "pace_required", "not_found",
        "file_error", "internal",
    ]
    classes = [cancuoc._ERRORS[code] for code in codes]
    assert len(set(classes)) == len(codes)
    assert all(issubclass(kind, cancuoc.Error) and kind is not cancuoc.Error for kind in classes)
    assert all(kind.__name__ in cancuoc.__all__ for kind in classes)
