//! The Python module from Python: the pytest suite of `bindings/python/tests`, run with the
//! installed wheel against the virtual card behind pcscd (served slowly, so a read can be
//! cancelled), the built-in virtual card, saved dumps, 200 dumps re-verified on Dask, and reads
//! through pyscard's own PC/SC connection (`read(transport=…)`) and through transports that fail.
//!
//! Needs a Python with the module installed: `CANCUOC_PYTHON`, else `target/venv/bin/python`
//! (scripts/test makes that venv and installs `./bindings/python` into it). Without one the
//! test says it skipped, unless `CANCUOC_REQUIRE_BINDINGS` is set (scripts/test sets it: in CI
//! a missing binding fails).

// A test harness fails loudly: unwrap, expect and panic are how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::TestBed;

/// target/<profile>/, where the programs are built.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().and_then(Path::parent).unwrap().to_path_buf()
}

/// The Python that has `cancuoc` installed, or `None` (after saying the test skipped).
fn python() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = std::env::var_os("CANCUOC_PYTHON").map_or_else(|| root.join("target/venv/bin/python"), PathBuf::from);
    let found = Command::new(&python).args(["-c", "import cancuoc"]).status().is_ok_and(|s| s.success());
    if found {
        return Some(python);
    }
    assert!(
        std::env::var_os("CANCUOC_REQUIRE_BINDINGS").is_none(),
        "{} cannot import cancuoc: run scripts/test (it installs ./bindings/python into target/venv)",
        python.display()
    );
    eprintln!("skipped: no Python with cancuoc installed (scripts/test makes target/venv)");
    None
}

#[test]
fn the_python_suite_passes_against_the_virtual_card_behind_pcscd() {
    let Some(python) = python() else { return };
    // 20 ms before each answer: a read takes about a second, long enough to cancel.
    let bed = TestBed::start(&["--delay-ms", "20"]);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(python)
        .args(["-m", "pytest", "-q", "-rs", "--durations=5", "-p", "no:cacheprovider"])
        .arg(root.join("bindings/python/tests"))
        .env("PCSCLITE_CSOCK_NAME", bed.socket())
        .env("CANCUOC_TEST_READER", "Virtual PCD 00 00")
        .env("CANCUOC_BIN_DIR", target_dir())
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "pytest failed:\n{text}");
    // Every test ran: none skipped for want of the card or the programs.
    let summary = text.lines().rev().find(|l| l.contains(" passed")).unwrap_or_default();
    assert!(!summary.contains("skipped"), "{text}");
    assert!(summary.contains("23 passed"), "{text}");
}

/// Runs a Python `script` with the virtual card of `bed` as `sys.argv[1]`'s reader and the test
/// CSCA as `sys.argv[2]`; it must print "ok".
fn run_script(python: &Path, script: &str, bed: &TestBed) {
    let csca = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/pki/cancuoc-test-csca.der");
    let out = Command::new(python)
        .args(["-c", script, "Virtual PCD 00 00"])
        .arg(&csca)
        .env("PCSCLITE_CSOCK_NAME", bed.socket())
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && text.contains("ok"), "{text}");
}

#[test]
fn python_sees_a_pace_fallback_refuses_it_on_request_and_a_withheld_dg15_fails() {
    let Some(python) = python() else { return };
    let script = r#"
import sys, cancuoc
reader, csca = sys.argv[1], sys.argv[2]
key = dict(id="001090012345", dob="1990-01-15", expiry="2030-01-15")
answer = cancuoc.read(reader=reader, photo=False, **key)
fallback = answer["report"]["access"]["fallback"]
assert fallback.startswith("PACE refused by the card (6982"), fallback
try:
    cancuoc.read(reader=reader, photo=False, require_pace=True, **key)
    raise SystemExit("require_pace=True read a card that refuses PACE")
except cancuoc.PaceRequired as e:
    assert e.code == "pace_required" and "6982" in e.message and "PACE" in e.message_vi, vars(e)
print("ok")
"#;
    run_script(&python, script, &TestBed::start(&["--refuse-pace", "6982"]));
    // A chip that withholds the DG15 its EF.SOD lists: CheckFailed, verdict cloned.
    let script = r#"
import sys, cancuoc
try:
    cancuoc.read(reader=sys.argv[1], id="001090012345", trust=[sys.argv[2]], photo=False)
    raise SystemExit("a chip withholding DG15 was not a failed check")
except cancuoc.CheckFailed as e:
    report = e.answer["report"]
    assert report["verdict"] == "cloned", report["verdict"]
    assert report["verification"]["passive"]["data_groups"]["DG15"] == "withheld"
print("ok")
"#;
    run_script(&python, script, &TestBed::start(&["--hide-dg", "15"]));
}

#[test]
fn the_package_type_checks_strictly_against_its_stubs() {
    let Some(python) = python() else { return };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(python)
        .args(["-m", "mypy", "--strict", "--no-incremental"])
        .arg(root.join("bindings/python/python/cancuoc"))
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && text.contains("Success"), "mypy --strict:\n{text}");
}
