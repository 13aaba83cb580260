"""Shared settings of the Python binding's tests.

``tests/python.rs`` runs this suite with the virtual card behind pcscd
(``PCSCLITE_CSOCK_NAME``, ``CANCUOC_TEST_READER``) and the built programs
(``CANCUOC_BIN_DIR``); run alone, the tests that need them say they skipped.
"""

import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
TEST_CSCA = ROOT / "fixtures" / "pki" / "cancuoc-test-csca.der"
SPECIMEN_ID = "001090012345"


@pytest.fixture
def reader() -> str:
    """The virtual card's reader behind pcscd."""
    name = os.environ.get("CANCUOC_TEST_READER")
    if not name:
        pytest.skip("skipped: no virtual card behind pcscd (tests/python.rs starts one)")
    return name


@pytest.fixture
def bin_dir() -> pathlib.Path:
    """target/<profile>/, where cancuoc and cancuoc-issue are built."""
    path = os.environ.get("CANCUOC_BIN_DIR")
    if not path:
        pytest.skip("skipped: CANCUOC_BIN_DIR is not set (tests/python.rs sets it)")
    return pathlib.Path(path)
