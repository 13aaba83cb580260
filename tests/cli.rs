//! The built `cancuoc` binary without any reader: the embedded demo, trace replay, and the
//! usage and exit-code contract of DESIGN.md §3.1.

// A test harness fails loudly: unwrap, expect and panic are how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn cancuoc(args: &[&str]) -> Output {
    let exe = std::env::current_exe().unwrap();
    let path = exe.parent().and_then(Path::parent).unwrap().join("cancuoc");
    assert!(path.exists(), "build the binaries first: cargo build --workspace --bins");
    // No pcscd for these: point libpcsclite at a socket that does not exist.
    Command::new(path).args(args).env("PCSCLITE_CSOCK_NAME", "/nonexistent/pcscd.comm").output().unwrap()
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/traces").join(name)
}

#[test]
fn demo_json_has_the_vietnamese_name_and_the_schema() {
    let out = cancuoc(&["demo", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["schema"], "cancuoc/1");
    assert_eq!(report["holder"]["full_name"], "Nguyễn Văn Mẫu");
    assert_eq!(
        report["holder"]["place_of_residence"],
        "Số 1 phố Tràng Tiền, Phường Tràng Tiền, Quận Hoàn Kiếm, Thành phố Hà Nội"
    );
    assert_eq!(report["holder"]["mother_name"], "Trần Thị Cúc");
    assert!(report["document"]["skipped"]["DG3"].as_str().unwrap().contains("6982"));
    assert!(report["access"]["millis"].is_u64());
}

#[test]
fn demo_text_shows_the_holder_for_a_person() {
    let out = cancuoc(&["demo"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Full name           Nguyễn Văn Mẫu"), "{text}");
    assert!(text.contains("Date of expiry      2030-01-15"), "{text}");
}

#[test]
fn replays_the_committed_trace_through_the_binary() {
    let out = cancuoc(&["replay", fixture("cccd-specimen-bac.apdu").to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["holder"]["id_number"], "001090012345");
    assert_eq!(report["access"]["apdus"], 27);
    assert_eq!(report["verification"]["chip"]["status"], "untrusted");
    assert!(report["verification"]["active"]["algorithm"].as_str().unwrap().contains("ECDSA"));
    assert_eq!(report["access"]["protocol"], "BAC");
    let out = cancuoc(&["replay", fixture("cccd-specimen-pace-can.apdu").to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["access"]["protocol"], "PACE-ECDH-GM-AES-128 brainpoolP256r1 CAN");
}

#[test]
fn usage_errors_exit_2_and_read_errors_exit_1() {
    assert_eq!(cancuoc(&["read"]).status.code(), Some(2));
    assert_eq!(cancuoc(&["read", "--mrz", "123"]).status.code(), Some(2));
    assert_eq!(cancuoc(&["read", "--id", "12345", "--dob", "1990-01-01", "--expiry", "none"]).status.code(), Some(2));
    assert_eq!(cancuoc(&["read", "--expiry", "2030-01-01"]).status.code(), Some(2));
    assert_eq!(cancuoc(&["read", "--can", "12345"]).status.code(), Some(2));
    assert_eq!(cancuoc(&["read", "--qr", "garbage"]).status.code(), Some(2));
    assert_eq!(cancuoc(&["read", "--can", "123456", "--id", "001090012345"]).status.code(), Some(2));
    assert_eq!(cancuoc(&["frobnicate"]).status.code(), Some(2));
    let out = cancuoc(&["read", "--mrz", "090012345,900115,300115"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pcscd"), "{err}");
    assert_eq!(err.lines().count(), 1, "one-line reason: {err}");
}

#[test]
fn a_damaged_trace_is_refused_with_its_line() {
    let dir = std::env::temp_dir().join(format!("cancuoc-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.apdu");
    std::fs::write(&bad, "> 00A4\n< 90\nnonsense\n").unwrap();
    let out = cancuoc(&["replay", bad.to_str().unwrap(), "--mrz", "090012345,900115,300115"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 3"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn verify_reprints_a_dump_and_catches_tampering() {
    let dir = std::env::temp_dir().join(format!("cancuoc-verify-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let read = cancuoc(&["demo", "--json", "--out", dir.to_str().unwrap()]);
    assert!(read.status.success());
    let read: serde_json::Value = serde_json::from_slice(&read.stdout).unwrap();
    let out = cancuoc(&["verify", dir.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let verified: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(verified["holder"], read["holder"]);
    assert_eq!(verified["access"]["protocol"], read["access"]["protocol"]);
    assert_eq!(verified["verification"]["passive"]["data_groups"]["DG13"], "match");
    assert_eq!(verified["verification"]["passive"]["hash"], "SHA-256");
    // One byte of DG13 changed: exit 3, DG13 named.
    let dg13 = dir.join("DG13.bin");
    let mut bytes = std::fs::read(&dg13).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    std::fs::write(&dg13, bytes).unwrap();
    let out = cancuoc(&["verify", dir.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(3));
    let tampered: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(tampered["verification"]["passive"]["status"], "invalid");
    assert_eq!(tampered["verification"]["passive"]["data_groups"]["DG13"], "mismatch");
    assert!(String::from_utf8_lossy(&out.stderr).contains("DG13"));
    assert_eq!(cancuoc(&["verify", "/nonexistent"]).status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn verify_with_trust_says_valid_and_an_expired_chain_is_invalid() {
    let dir = std::env::temp_dir().join(format!("cancuoc-trust-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(cancuoc(&["demo", "--out", dir.to_str().unwrap()]).status.success());
    let csca = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/pki");
    let out = cancuoc(&["verify", dir.to_str().unwrap(), "--json", "--trust", csca.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verification"]["passive"]["status"], "valid");
    // In 2040 the test CSCA (to 2039) and DS (to 2035) have expired.
    let out =
        cancuoc(&["verify", dir.to_str().unwrap(), "--json", "--trust", csca.to_str().unwrap(), "--at", "2040-01-01"]);
    assert_eq!(out.status.code(), Some(3));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verification"]["passive"]["chain"]["status"], "expired");
    // A file that is no certificate, named with --trust: a clear error.
    let out = cancuoc(&["verify", dir.to_str().unwrap(), "--trust", dir.join("DG1.bin").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a certificate"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn trust_import_verifies_and_writes_a_real_master_list() {
    let list = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/real-samples/gmrtd/masterlists/DE_ML_2026-05-28-08-28-45.ml");
    if !list.exists() {
        eprintln!("skipped: {} is absent", list.display());
        return;
    }
    let out_dir = std::env::temp_dir().join(format!("cancuoc-ml-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out_dir);
    let out = cancuoc(&["trust", "import", list.to_str().unwrap(), "--out", out_dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let written = std::fs::read_dir(&out_dir).unwrap().count();
    assert!(written > 300, "{written}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("imported {written} CSCA certificates")), "{text}");
    // The Vietnamese CSCA (brainpoolP512r1, explicit parameters) is among them.
    assert!(std::fs::read_dir(&out_dir).unwrap().any(|e| e.unwrap().file_name().to_string_lossy().contains("-VN-")));
    let _ = std::fs::remove_dir_all(&out_dir);
}

#[test]
fn a_revoked_document_signer_makes_verify_exit_3() {
    let dir = std::env::temp_dir().join(format!("cancuoc-revoked-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(cancuoc(&["demo", "--out", dir.to_str().unwrap()]).status.success());
    let pki = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/pki");
    let csca = pki.join("cancuoc-test-csca.der");
    let crl = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/crl/cancuoc-test-crl-ds-revoked.der");
    let out = cancuoc(&[
        "verify",
        dir.to_str().unwrap(),
        "--json",
        "--trust",
        csca.to_str().unwrap(),
        "--trust",
        crl.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(3));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verification"]["passive"]["chain"]["status"], "revoked");
    assert!(String::from_utf8_lossy(&out.stderr).contains("revoked"));
    let _ = std::fs::remove_dir_all(&dir);
}
