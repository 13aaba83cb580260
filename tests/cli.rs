//! The built `cancuoc` binary without any reader: the embedded demo, trace replay, and the
//! usage and exit-code contract of DESIGN.md §3.1.

// A test harness fails loudly: unwrap, expect and panic are how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

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
    // DG3 (fingerprints) needs terminal authentication: not asked for, so no APDU is spent.
    assert!(report["document"]["skipped"]["DG3"].as_str().unwrap().contains("terminal authentication"));
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
fn demo_prints_the_hospital_projections() {
    let checkin = cancuoc(&["demo", "--format", "checkin"]);
    assert!(checkin.status.success(), "{}", String::from_utf8_lossy(&checkin.stderr));
    let checkin: serde_json::Value = serde_json::from_slice(&checkin.stdout).unwrap();
    assert_eq!(checkin["so_cccd"], "001090012345");
    assert_eq!(checkin["ho_ten"], "Nguyễn Văn Mẫu");
    assert_eq!(checkin["ngay_sinh"], "199001150000");
    assert_eq!(checkin["gioi_tinh"], 1);
    assert_eq!(checkin["ngay_cap"], "20210410");
    let bhxh: serde_json::Value = serde_json::from_slice(&cancuoc(&["demo", "--format", "bhxh"]).stdout).unwrap();
    assert_eq!(bhxh, serde_json::json!({"maThe": "001090012345", "hoTen": "Nguyễn Văn Mẫu", "ngaySinh": "15/01/1990"}));
    let csv = String::from_utf8(cancuoc(&["demo", "--format", "csv"]).stdout).unwrap();
    assert!(
        csv.starts_with("id_number,full_name,") && csv.ends_with("\r\n") && csv.matches("\r\n").count() == 2,
        "{csv:?}"
    );
    let report: serde_json::Value = serde_json::from_slice(&cancuoc(&["demo", "--format", "report"]).stdout).unwrap();
    assert_eq!(report["schema"], "cancuoc/1");
    // --json and --format together are a usage error.
    assert_eq!(cancuoc(&["demo", "--json", "--format", "bhxh"]).status.code(), Some(2));
}

#[test]
fn a_trace_recorded_with_a_dump_and_no_photo_replays_with_the_same_options() {
    let dir = scratch("trace-options");
    let trace = dir.join("demo.apdu");
    let dump = dir.join("dump");
    let args = ["demo", "--no-photo", "--json", "--out", dump.to_str().unwrap(), "--trace", trace.to_str().unwrap()];
    let out = cancuoc(&args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dump.join("COM.bin").is_file(), "a dump reads EF.COM");
    assert!(!dump.join("DG2.bin").exists(), "--no-photo");
    let text = std::fs::read_to_string(&trace).unwrap();
    assert!(text.contains("# cancuoc-read: no-photo ef-com"), "{text}");
    // The replay reads as the recording did (EF.COM, no DG2), to the last event.
    let out = cancuoc(&["replay", trace.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["holder"]["id_number"], "001090012345");
    assert_eq!(report["access"]["apdus"], 17, "16 without DG2, and EF.COM");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn replays_the_committed_trace_through_the_binary() {
    let out = cancuoc(&["replay", fixture("cccd-specimen-bac.apdu").to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["holder"]["id_number"], "001090012345");
    assert_eq!(report["access"]["apdus"], 15);
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
    assert_eq!(report["verdict"], "expired", "expired is its own word, not altered");
    let out = cancuoc(&["verify", dir.to_str().unwrap(), "--trust", csca.to_str().unwrap(), "--at", "2040-01-01"]);
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Authenticity        EXPIRED: genuine"), "{text}");
    assert!(!text.contains("INVALID"), "{text}");
    assert!(text.contains("Verdict             EXPIRED"), "{text}");
    // A file that is no certificate, named with --trust: a clear error.
    let out = cancuoc(&["verify", dir.to_str().unwrap(), "--trust", dir.join("DG1.bin").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a certificate"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn trust_import_verifies_and_writes_a_real_master_list_on_its_anchor() {
    let lists = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/real-samples/gmrtd/masterlists");
    let list = lists.join("DE_ML_2026-05-28-08-28-45.ml");
    if !list.exists() {
        // scripts/test sets CANCUOC_REQUIRE_SAMPLES=1 when ../shared/real-samples is there.
        assert!(
            std::env::var_os("CANCUOC_REQUIRE_SAMPLES").is_none_or(|v| v != "1"),
            "{} is absent and CANCUOC_REQUIRE_SAMPLES=1",
            list.display()
        );
        eprintln!("skipped: {} is absent", list.display());
        return;
    }
    let out_dir = std::env::temp_dir().join(format!("cancuoc-ml-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out_dir);
    // Without an anchor: the German CSCA's fingerprint to compare with the published one.
    let out = trust_import(&list, &out_dir, &[]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("csca-germany") && text.contains("2084aed7a991b315"), "{text}");
    let anchor = lists.join("DE_ROOT_CA_CSCA07.cer");
    let out = trust_import(&list, &out_dir, &["--anchor", anchor.to_str().unwrap()]);
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

#[test]
fn verify_follows_a_csca_key_rollover_through_its_link_certificate() {
    // The demo card's document signer was issued under the second generation of
    // `Rollover::generate(DEMO_SEED)`: the store holds the first generation only.
    let dir = scratch("rollover");
    let dump = dir.join("dump");
    assert!(cancuoc(&["demo", "--out", dump.to_str().unwrap()]).status.success());
    let pkis = cancuoc_sim::pki::Rollover::generate(cancuoc_sim::DEMO_SEED);
    let trust = dir.join("trust");
    std::fs::create_dir_all(&trust).unwrap();
    std::fs::write(trust.join("csca-2016.der"), &pkis.old.csca.certificate).unwrap();
    let verify = |args: &[&str]| {
        let out = cancuoc(
            &[&["verify", dump.to_str().unwrap(), "--json", "--trust", trust.to_str().unwrap()][..], args].concat(),
        );
        (out.status.code(), serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap())
    };
    // The older generation alone: untrusted, exit 0, the key looked for named; never invalid.
    let (code, report) = verify(&[]);
    assert_eq!(code, Some(0));
    assert_eq!(report["verdict"], "untrusted");
    assert_eq!(report["verification"]["passive"]["chain"]["status"], "no_anchor");
    let problems = report["verification"]["passive"]["problems"].to_string();
    assert!(problems.contains("authority key identifier"), "{problems}");
    // With the link certificate in the same folder: genuine.
    std::fs::write(trust.join("link-2024.der"), &pkis.link).unwrap();
    let (code, report) = verify(&[]);
    assert_eq!(code, Some(0));
    assert_eq!(report["verdict"], "genuine", "{report}");
    assert_eq!(report["verification"]["passive"]["chain"]["status"], "trusted");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_dump_of_ef_sod_alone_is_not_called_genuine() {
    let dir = scratch("sod-only");
    assert!(cancuoc(&["demo", "--out", dir.to_str().unwrap()]).status.success());
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().unwrap() != "SOD.bin" {
            std::fs::remove_file(path).unwrap();
        }
    }
    let out = cancuoc(&["verify", dir.to_str().unwrap(), "--trust", test_csca().to_str().unwrap()]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("GENUINE"), "{text}");
    assert!(text.contains("no data group was there to check"), "{text}");
    assert!(text.contains("Verdict             not_checked"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `cancuoc trust import LIST --out DIR ARGS…`.
fn trust_import(list: &Path, out: &Path, args: &[&str]) -> Output {
    cancuoc(&[&["trust", "import", list.to_str().unwrap(), "--out", out.to_str().unwrap()][..], args].concat())
}

/// A fresh folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cancuoc-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn test_csca() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/pki/cancuoc-test-csca.der")
}

/// DG11 naming `name` (MRZ style), born `dob` (YYYYMMDD): TLV built by hand.
fn forged_dg11(name: &str, dob: &str) -> Vec<u8> {
    let tlv = |tag: &[u8], value: &[u8]| [tag, &[u8::try_from(value.len()).unwrap()], value].concat();
    let body = [
        tlv(&[0x5C], &[0x5F, 0x0E, 0x5F, 0x2B]),
        tlv(&[0x5F, 0x0E], name.as_bytes()),
        tlv(&[0x5F, 0x2B], dob.as_bytes()),
    ]
    .concat();
    tlv(&[0x6B], &body)
}

#[test]
fn verify_never_shows_an_unsigned_dg11_as_the_holder() {
    let dir = scratch("forged-dump");
    assert!(cancuoc(&["demo", "--out", dir.to_str().unwrap()]).status.success());
    std::fs::remove_file(dir.join("DG13.bin")).unwrap();
    std::fs::write(dir.join("DG11.bin"), forged_dg11("EVIL<<MALLORY", "19000101")).unwrap();
    let csca = test_csca();
    let out = cancuoc(&["verify", dir.to_str().unwrap(), "--trust", csca.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("EVIL") && !text.contains("MALLORY") && !text.contains("1900"), "{text}");
    assert!(!text.contains("GENUINE"), "{text}");
    assert!(text.contains("Full name           NGUYEN VAN MAU"), "{text}");
    assert!(text.contains("Ignored             DG11: not signed by EF.SOD"), "{text}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("DG11 is not signed by EF.SOD: possible data injection"));
    let out = cancuoc(&["verify", dir.to_str().unwrap(), "--trust", csca.to_str().unwrap(), "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verification"]["passive"]["status"], "invalid");
    assert_eq!(report["verification"]["passive"]["data_groups"]["DG11"], "not_hashed");
    assert_eq!(report["holder"]["full_name"], "NGUYEN VAN MAU");
    assert!(report["document"]["ignored"]["DG11"].is_string());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn verify_marks_what_it_only_read_from_report_json() {
    let dir = scratch("recorded");
    let csca = test_csca();
    assert!(cancuoc(&["demo", "--out", dir.to_str().unwrap(), "--trust", csca.to_str().unwrap()]).status.success());
    let recorded: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("report.json")).unwrap()).unwrap();
    assert_eq!(recorded["verification"]["chip"]["status"], "valid", "the read itself checked it");
    let out = cancuoc(&["verify", dir.to_str().unwrap(), "--trust", csca.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verification"]["chip"]["status"], "not_checked");
    assert_eq!(report["verification"]["chip"]["recorded"]["status"], "valid");
    assert_eq!(report["verification"]["active"]["status"], "valid", "re-checked from the recorded signature");
    assert_eq!(report["verification"]["active"]["evidence"], "recorded");
    assert_eq!(report["access"]["recorded"], true);
    let out = cancuoc(&["verify", dir.to_str().unwrap(), "--trust", csca.to_str().unwrap()]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Chip auth.          NOT CHECKED"), "{text}");
    assert!(text.contains("recorded at read time: valid, not re-checked"), "{text}");
    assert!(!text.contains("Chip auth.          VALID"), "{text}");
    assert!(text.contains("Access (recorded)"), "{text}");
    // Without report.json there was no access to print.
    std::fs::remove_file(dir.join("report.json")).unwrap();
    let out = cancuoc(&["verify", dir.to_str().unwrap(), "--trust", csca.to_str().unwrap()]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("Access"), "{text}");
    assert!(text.contains("GENUINE"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unsupported_signature_algorithm_is_not_checked_and_named_not_altered() {
    let dir = scratch("unsupported");
    assert!(cancuoc(&["demo", "--out", dir.to_str().unwrap()]).status.success());
    let mut sod = std::fs::read(dir.join("SOD.bin")).unwrap();
    let oid = [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02];
    let at = sod.windows(oid.len()).rposition(|w| w == oid).unwrap();
    sod[at + oid.len() - 1] = 0x09;
    std::fs::write(dir.join("SOD.bin"), sod).unwrap();
    let csca = test_csca();
    let out = cancuoc(&["verify", dir.to_str().unwrap(), "--trust", csca.to_str().unwrap()]);
    assert!(out.status.success(), "unsupported is no failed check: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Authenticity        not checked:"), "{text}");
    assert!(!text.contains("INVALID") && !text.contains("altered"), "{text}");
    let out = cancuoc(&["verify", dir.to_str().unwrap(), "--trust", csca.to_str().unwrap(), "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verification"]["passive"]["status"], "unsupported");
    assert_eq!(report["verification"]["passive"]["signature"], "OID 1.2.840.10045.4.3.9");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_self_vouching_master_list_is_refused_by_trust_import_and_by_verify() {
    use cancuoc::lds::DgNumber;
    let dir = scratch("rogue-list");
    let rogue = cancuoc_sim::pki::TestPki::rogue_vietnam(b"a forger's seed");
    let list = dir.join("rogue.ml");
    std::fs::write(&list, rogue.master_list(std::slice::from_ref(&rogue.csca.certificate))).unwrap();
    let fingerprint =
        cancuoc::trust::fingerprint(&rogue.csca.certificate).iter().map(|b| format!("{b:02x}")).collect::<String>();
    // A document the rogue CSCA vouches for, as a dump.
    let issued =
        cancuoc_sim::IssuedDocument::issue(&cancuoc_sim::CitizenProfile::specimen(), cancuoc_sim::DEMO_SEED).unwrap();
    let dump = dir.join("dump");
    std::fs::create_dir_all(&dump).unwrap();
    let mut groups = Vec::new();
    for n in [1u8, 2, 13] {
        let dg = DgNumber::new(n).unwrap();
        std::fs::write(dump.join(format!("DG{n}.bin")), &issued.files[&dg.fid()]).unwrap();
        groups.push((dg, issued.files[&dg.fid()].clone()));
    }
    std::fs::write(dump.join("SOD.bin"), cancuoc_sim::cms::sod(&rogue, &groups)).unwrap();
    // trust import without an anchor: exit 1, the CSCA's subject and fingerprint to check.
    let out_dir = dir.join("csca");
    let out = trust_import(&list, &out_dir, &[]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("CSCA ePassport Vietnam") && text.contains(&fingerprint), "{text}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--fingerprint"));
    assert!(!out_dir.exists(), "nothing imported");
    // A wrong fingerprint, or another CSCA as anchor: still refused.
    let wrong = "00".repeat(32);
    let out = trust_import(&list, &out_dir, &["--fingerprint", &wrong]);
    assert_eq!(out.status.code(), Some(1));
    let csca = test_csca();
    let out = trust_import(&list, &out_dir, &["--anchor", csca.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    // --trust LIST in verify: an error that says the list needs an anchor, never GENUINE.
    let out = cancuoc(&["verify", dump.to_str().unwrap(), "--trust", list.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("vouches for nothing"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = cancuoc(&[
        "verify",
        dump.to_str().unwrap(),
        "--trust",
        list.to_str().unwrap(),
        "--trust",
        csca.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    // The desk app does not start on it either.
    let desk = std::env::current_exe().unwrap().parent().and_then(Path::parent).unwrap().join("cancuoc-desk");
    let out = Command::new(desk).args(["--demo", "--trust", list.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("vouches for nothing"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // In a folder, an unanchored list is skipped with a warning: the signer stays unanchored.
    let folder = dir.join("folder");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::copy(&list, folder.join("rogue.ml")).unwrap();
    let out = cancuoc(&["verify", dump.to_str().unwrap(), "--trust", folder.to_str().unwrap(), "--json"]);
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verification"]["passive"]["status"], "untrusted");
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning: skipped"));
    // The user's own word, the fingerprint: imported (and only then).
    let out = trust_import(&list, &out_dir, &["--fingerprint", &fingerprint]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = cancuoc(&[
        "verify",
        dump.to_str().unwrap(),
        "--trust",
        list.to_str().unwrap(),
        "--fingerprint",
        &fingerprint.to_uppercase(),
    ]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("GENUINE"));
    // A tampered list never imports.
    let mut bad = std::fs::read(&list).unwrap();
    let at = bad.len() - 40;
    bad[at] ^= 1;
    std::fs::write(&list, bad).unwrap();
    let out = trust_import(&list, &dir.join("bad"), &["--fingerprint", &fingerprint]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not verify"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_closed_stdout_ends_the_output_without_a_panic() {
    let dir = scratch("closed-stdout");
    let dump = dir.join("dump");
    assert!(cancuoc(&["demo", "--out", dump.to_str().unwrap()]).status.success());
    let exe = std::env::current_exe().unwrap().parent().and_then(Path::parent).unwrap().join("cancuoc");
    for args in [&["verify", dump.to_str().unwrap()][..], &["verify", dump.to_str().unwrap(), "--json"], &["demo"]] {
        let mut child = Command::new(&exe)
            .args(args)
            .env("PCSCLITE_CSOCK_NAME", "/nonexistent/pcscd.comm")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader of the pipe goes away before the first line, as `| head -0` does.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `cancuoc-issue`'s batch: distinct holders under one DS, every `tamper_every`-th altered.
fn issued_batch(name: &str, count: usize, tamper_every: usize) -> PathBuf {
    issued_batch_with(name, count, tamper_every, &[])
}

/// [`issued_batch`] with more `cancuoc-issue` options (`--chain vietnam`).
fn issued_batch_with(name: &str, count: usize, tamper_every: usize, options: &[&str]) -> PathBuf {
    let dir = scratch(name);
    let exe = std::env::current_exe().unwrap();
    let issue = exe.parent().and_then(Path::parent).unwrap().join("cancuoc-issue");
    let out = Command::new(issue)
        .args(["--out", dir.to_str().unwrap(), "--count", &count.to_string()])
        .args(["--tamper-every", &tamper_every.to_string()])
        .args(options)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    dir
}

#[test]
fn verify_of_many_dumps_prints_json_lines_in_order_equal_to_one_at_a_time() {
    let batch = issued_batch("batch", 24, 5);
    let csca = batch.join("csca.der");
    let dirs: Vec<String> = (1..=24).rev().map(|n| batch.join(format!("{n:04}")).display().to_string()).collect();
    let mut args = vec!["verify", "--json", "--jobs", "3", "--at", "2026-12-04", "--trust", csca.to_str().unwrap()];
    args.extend(dirs.iter().map(String::as_str));
    let out = cancuoc(&args);
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("24 dumps") && stderr.contains("4 failed a check"), "{stderr}");
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 24);
    for (line, dir) in lines.iter().zip(&dirs) {
        assert_eq!(line["dir"], dir.as_str(), "in the order given");
        let single = cancuoc(&["verify", dir, "--json", "--at", "2026-12-04", "--trust", csca.to_str().unwrap()]);
        let mut expected: serde_json::Value = serde_json::from_slice(&single.stdout).unwrap();
        expected.as_object_mut().unwrap().insert("dir".to_owned(), dir.as_str().into());
        assert_eq!(line, &expected, "{dir}");
        let tampered = dir.ends_with("0005") || dir.ends_with("0010") || dir.ends_with("0015") || dir.ends_with("0020");
        let status = &line["verification"]["passive"]["status"];
        assert_eq!(status, if tampered { "invalid" } else { "valid" }, "{dir}");
        assert_eq!(single.status.code(), Some(if tampered { 3 } else { 0 }));
    }
    // Text lines name the verdict; a folder that is no dump makes the exit code 1.
    let missing = batch.join("missing").display().to_string();
    let out = cancuoc(&["verify", &dirs[0], &dirs[4], &missing, "--trust", csca.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], format!("{}\tgenuine", dirs[0]));
    assert!(lines[1].starts_with(&format!("{}\tALTERED\tDG13", dirs[4])), "{}", lines[1]);
    assert!(lines[2].starts_with(&format!("{missing}\terror\t")), "{}", lines[2]);
    let _ = std::fs::remove_dir_all(&batch);
}

/// `openssl cms -verify` of a dump's EF.SOD against the CSCA (PEM at `csca_pem`): whether
/// OpenSSL accepts its signature and the DS certificate's chain.
fn openssl_accepts_sod(sod: &[u8], csca_pem: &Path, scratch_dir: &Path) -> bool {
    // EF.SOD is tag 77 around the ContentInfo.
    let mut reader = cancuoc::internals::codec::ByteReader::new(sod, "EF.SOD");
    let content_info = reader.expect_tlv(0x77).unwrap().value.to_vec();
    let p7 = scratch_dir.join("sod.p7");
    std::fs::write(&p7, content_info).unwrap();
    let out = Command::new("openssl")
        .args(["cms", "-verify", "-inform", "DER", "-binary", "-purpose", "any", "-out", "/dev/null", "-in"])
        .arg(&p7)
        .arg("-CAfile")
        .arg(csca_pem)
        .output()
        .expect("openssl (apt-get install openssl; scripts/setup-debian --test installs it)");
    out.status.success()
}

#[test]
fn viet_nam_s_chain_issued_here_is_accepted_by_openssl_and_verified_alike() {
    // A brainpoolP384r1 DS under a brainpoolP512r1 CSCA, both signed by the simulator through
    // the core's brainpool arithmetic: OpenSSL must accept every EF.SOD and the chain (a
    // cross-check of our signing and, through `cancuoc verify`, of our verifying), refuse one
    // with its signature altered as cancuoc does, and cancuoc must call the altered DG13 so.
    let batch = issued_batch_with("vietnam", 4, 4, &["--chain", "vietnam"]);
    let csca_pem = batch.join("csca.pem");
    let converted = Command::new("openssl")
        .args(["x509", "-inform", "DER", "-in"])
        .arg(batch.join("csca.der"))
        .arg("-out")
        .arg(&csca_pem)
        .status()
        .expect("openssl");
    assert!(converted.success());
    let text = String::from_utf8(
        Command::new("openssl").args(["x509", "-noout", "-text", "-in"]).arg(&csca_pem).output().unwrap().stdout,
    )
    .unwrap();
    assert!(text.contains("brainpoolP512r1") && text.contains("ecdsa-with-SHA512"), "{text}");
    for n in 1..=4 {
        let dir = batch.join(format!("{n:04}"));
        let sod = std::fs::read(dir.join("SOD.bin")).unwrap();
        assert!(openssl_accepts_sod(&sod, &csca_pem, &batch), "OpenSSL refused dump {n}'s EF.SOD");
        let out = cancuoc(&["verify", dir.to_str().unwrap(), "--trust", batch.join("csca.der").to_str().unwrap()]);
        let expected = if n == 4 { (3, "ALTERED") } else { (0, "genuine") };
        assert_eq!(out.status.code(), Some(expected.0), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains(expected.1), "dump {n}");
    }
    // The signature's last byte changed: both refuse it.
    let dir = batch.join("0001");
    let mut sod = std::fs::read(dir.join("SOD.bin")).unwrap();
    let at = sod.len() - 1;
    sod[at] ^= 0x01;
    assert!(!openssl_accepts_sod(&sod, &csca_pem, &batch), "OpenSSL accepted an altered signature");
    std::fs::write(dir.join("SOD.bin"), &sod).unwrap();
    let out = cancuoc(&["verify", dir.to_str().unwrap(), "--trust", batch.join("csca.der").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stdout));
    let _ = std::fs::remove_dir_all(&batch);
}
