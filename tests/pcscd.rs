//! End to end through the real PC/SC stack: pcscd with vsmartcard's vpcd driver, the
//! virtual card `cancuoc-vcard` plugged into it, and the built `cancuoc` binary reading it
//! (`research/testbed.md`). Each test bed runs pcscd and the card in a private mount and
//! network namespace, so tests run in parallel and never touch the system's pcscd.
//!
//! Needs: root or unprivileged user namespaces, the Debian packages `pcscd` and
//! `vsmartcard-vpcd`, and the binaries built first (`cargo build --workspace --bins`): the
//! README's test command does all of it.

// A test harness fails loudly: unwrap, expect and panic are how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod support;

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::{TestBed, binary, json, stderr, wait_with_deadline};

const SPECIMEN_MRZ: &str = "090012345,900115,300115";
/// The specimen's CCCD inputs: the ID number with both dates.
const SPECIMEN_ID_AND_DATES: [&str; 6] = ["--id", "001090012345", "--dob", "1990-01-15", "--expiry", "2030-01-15"];

#[test]
fn reads_the_virtual_cccd_through_pcscd_with_the_id_number_alone() {
    let bed = TestBed::start(&[]);
    let report = json(&bed.cancuoc(&["read", "--id", "001090012345", "--json"]));
    assert_eq!(report["access"]["protocol"], "PACE-ECDH-GM-AES-128 brainpoolP256r1 CAN");
    assert_eq!(report["access"]["fallback"], serde_json::Value::Null);
    assert_eq!(report["holder"]["full_name"], "Nguyễn Văn Mẫu");
    // The reader's PC/SC part 10 dwMaxAPDUDataSize is asked through pcscd: Debian's vpcd (0.8)
    // answers SCardControl with "unsupported feature", so the key is absent and the read goes
    // on from the card alone; upstream vpcd says 64 KiB.
    let link = &report["access"]["link_max_apdu_data"];
    assert!(link.is_null() || *link == 0x10000, "{}", report["access"]);
    let report = json(&bed.cancuoc(&["read", "--can", "012345", "--json"]));
    assert_eq!(report["access"]["protocol"], "PACE-ECDH-GM-AES-128 brainpoolP256r1 CAN");
}

#[test]
fn reads_the_virtual_cccd_from_its_qr_text() {
    let bed = TestBed::start(&[]);
    let qr = "001090012345|123456789|Nguyễn Văn Mẫu|15011990|Nam|Số 1 phố Tràng Tiền, Hà Nội|10042021";
    let report = json(&bed.cancuoc(&["read", "--qr", qr, "--json"]));
    assert_eq!(report["access"]["protocol"], "PACE-ECDH-GM-AES-128 brainpoolP256r1 CAN");
    assert_eq!(report["holder"]["id_number"], "001090012345");
}

#[test]
fn a_wrong_can_fails_cleanly() {
    let bed = TestBed::start(&[]);
    let out = bed.cancuoc(&["read", "--can", "012346"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("re-check the CAN"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn falls_back_to_bac_on_a_chip_without_pace_and_says_so() {
    let bed = TestBed::start(&["--no-pace"]);
    let report = json(&bed.cancuoc(&[&["read"][..], &SPECIMEN_ID_AND_DATES, &["--json"]].concat()));
    assert_eq!(report["access"]["protocol"], "BAC");
    assert!(report["access"]["fallback"].as_str().unwrap().contains("no PACE"), "{}", report["access"]);
    // The ID alone cannot open a BAC-only chip: the message says what to add.
    let out = bed.cancuoc(&["read", "--id", "001090012345"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("date of birth"), "{}", stderr(&out));
    // With the date of birth only, the likely expiry dates are tried.
    let report = json(&bed.cancuoc(&["read", "--id", "001090012345", "--dob", "1990-01-15", "--json"]));
    assert_eq!(report["access"]["protocol"], "BAC");
}

#[test]
fn a_pace_refusal_is_visible_in_every_output_and_require_pace_refuses_it() {
    let bed = TestBed::start(&["--refuse-pace", "6982"]);
    let read = [&["read"][..], &SPECIMEN_ID_AND_DATES].concat();
    let out = bed.cancuoc(&read);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Not PACE            PACE refused by the card (6982"), "{text}");
    let csv = bed.cancuoc(&[&read[..], &["--format", "csv"]].concat());
    assert!(String::from_utf8_lossy(&csv.stdout).contains("PACE refused by the card (6982"));
    let out = bed.cancuoc(&[&read[..], &["--require-pace"]].concat());
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("PACE is required") && stderr(&out).contains("6982"), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "nothing of the holder is printed");
}

#[test]
fn a_truncated_ef_card_access_is_a_listed_problem_and_a_visible_fallback() {
    let bed = TestBed::start(&["--truncate-card-access", "12"]);
    let report = json(&bed.cancuoc(&[&["read"][..], &SPECIMEN_ID_AND_DATES, &["--json"]].concat()));
    assert_eq!(report["access"]["protocol"], "BAC");
    assert!(report["access"]["fallback"].as_str().unwrap().contains("EF.CardAccess is malformed"), "{report}");
    assert!(report["document"]["problems"].to_string().contains("EF.CardAccess is malformed"), "{report}");
}

#[test]
fn a_chip_that_withholds_dg15_is_a_clone_through_pcscd() {
    let csca = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/pki/cancuoc-test-csca.der");
    let bed = TestBed::start(&["--hide-dg", "15"]);
    let out = bed.cancuoc(&["read", "--id", "001090012345", "--json", "--trust", csca.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verdict"], "cloned");
    assert_eq!(report["verification"]["passive"]["data_groups"]["DG15"], "withheld");
    assert_eq!(report["verification"]["active"]["status"], "invalid");
    assert!(stderr(&out).contains("withholds DG15"), "{}", stderr(&out));
}

#[test]
fn reads_over_pace_with_other_curves_and_ciphers() {
    let bed = TestBed::start(&["--pace", "ecdh:aes256:17"]);
    let report = json(&bed.cancuoc(&["read", "--can", "012345", "--json"]));
    assert_eq!(report["access"]["protocol"], "PACE-ECDH-GM-AES-256 brainpoolP512r1 CAN");
    let bed = TestBed::start(&["--pace", "ecdh-im:aes128:13"]);
    let report = json(&bed.cancuoc(&["read", "--can", "012345", "--json"]));
    assert_eq!(report["access"]["protocol"], "PACE-ECDH-IM-AES-128 brainpoolP256r1 CAN");
    let bed = TestBed::start(&["--pace", "ecdh-cam:aes128:13"]);
    let out_dir = bed.dir.join("cam");
    let report = json(&bed.cancuoc(&["read", "--can", "012345", "--json", "--out", out_dir.to_str().unwrap()]));
    assert_eq!(report["access"]["protocol"], "PACE-ECDH-CAM-AES-128 brainpoolP256r1 CAN");
    assert_eq!(report["verification"]["chip"]["protocol"], "PACE-CAM");
    assert!(out_dir.join("CardSecurity.bin").exists() && out_dir.join("CardAccess.bin").exists());
    let bed = TestBed::start(&["--pace", "dh:3des:2"]);
    let report = json(&bed.cancuoc(&["read", "--mrz", SPECIMEN_MRZ, "--json"]));
    assert!(report["access"]["protocol"].as_str().unwrap().starts_with("PACE-DH-GM-3DES"), "{}", report["access"]);
}

#[test]
fn reads_the_virtual_cccd_through_pcscd_with_the_mrz_key() {
    let bed = TestBed::start(&[]);
    let report = json(&bed.cancuoc(&["read", "--mrz", SPECIMEN_MRZ, "--json"]));
    assert_eq!(report["schema"], "cancuoc/1");
    assert_eq!(report["document"]["kind"], "id_card");
    assert_eq!(report["document"]["issuing_state"], "VNM");
    assert_eq!(report["document"]["document_number"], "090012345");
    assert_eq!(report["document"]["data_groups"], serde_json::json!(["DG1", "DG2", "DG13", "DG14", "DG15"]));
    assert_eq!(report["holder"]["id_number"], "001090012345");
    assert_eq!(report["holder"]["full_name"], "Nguyễn Văn Mẫu");
    assert_eq!(report["holder"]["date_of_birth"], "1990-01-15");
    assert_eq!(report["holder"]["sex"], "M");
    assert_eq!(report["photo"]["format"], "jpeg");
    assert_eq!(report["photo"]["width"], 240);
    assert_eq!(report["access"]["protocol"], "PACE-ECDH-GM-AES-128 brainpoolP256r1 MRZ");
    assert_eq!(report["verification"]["passive"]["status"], "untrusted");
}

#[test]
fn reads_with_the_cccd_id_and_dates_and_dumps_the_files() {
    let bed = TestBed::start(&[]);
    let out_dir = bed.dir.join("dump");
    let out = bed.cancuoc(&[&["read"][..], &SPECIMEN_ID_AND_DATES, &["--out", out_dir.to_str().unwrap()]].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Nguyễn Văn Mẫu"), "{text}");
    for file in ["COM.bin", "SOD.bin", "DG1.bin", "DG2.bin", "DG13.bin", "photo.jpg", "report.json"] {
        assert!(out_dir.join(file).exists(), "{file} missing from the dump");
    }
    let photo = std::fs::read(out_dir.join("photo.jpg")).unwrap();
    assert_eq!(&photo[..3], &[0xFF, 0xD8, 0xFF]);
}

#[test]
fn reads_a_passport_that_is_not_a_cccd() {
    let bed = TestBed::start(&["--document", "passport"]);
    let report = json(&bed.cancuoc(&["read", "--mrz", "L898902C3,740812,120415", "--json"]));
    assert_eq!(report["access"]["protocol"], "BAC");
    assert_eq!(report["document"]["kind"], "passport");
    assert_eq!(report["document"]["issuing_state"], "UTO");
    assert_eq!(report["document"]["document_number"], "L898902C3");
    assert_eq!(report["holder"]["full_name"], "ERIKSSON ANNA MARIA");
    assert_eq!(report["holder"]["date_of_birth"], "1974-08-12");
    assert_eq!(report["holder"]["date_of_expiry"], "2012-04-15");
    assert_eq!(report["document"]["data_groups"], serde_json::json!(["DG1", "DG2"]));
}

#[test]
fn wrong_keys_exit_1_and_name_the_inputs_to_check() {
    let bed = TestBed::start(&[]);
    let out = bed.cancuoc(&["read", "--mrz", "090012345,900115,300116", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("re-check the document (ID) number, date of birth and date of expiry"), "{err}");
    let bed = TestBed::start(&["--no-pace"]);
    let out = bed.cancuoc(&["read", "--mrz", "090012345,900115,300116", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("re-check the document (ID) number"), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
}

#[test]
fn a_card_removed_mid_read_is_a_clear_error_not_a_hang() {
    let bed = TestBed::start(&["--tear-after", "9"]);
    let started = Instant::now();
    let out = bed.cancuoc(&["read", "--mrz", SPECIMEN_MRZ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("removed"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn adapts_to_a_card_without_extended_length_and_a_small_le() {
    let bed = TestBed::start(&["--no-extended", "--max-le", "120"]);
    let report = json(&bed.cancuoc(&["read", "--mrz", SPECIMEN_MRZ, "--json"]));
    assert_eq!(report["holder"]["full_name"], "Nguyễn Văn Mẫu");
    assert_eq!(report["photo"]["bytes"], 4833);
    assert!(report["access"]["apdus"].as_u64().unwrap() > 40, "{}", report["access"]);
}

#[test]
fn reads_chips_without_short_ef_identifiers_through_pcscd() {
    for how in ["refused", "end-sm"] {
        let bed = TestBed::start(&["--no-short-ef-ids", how]);
        let out = bed.cancuoc(&["read", "--id", "001090012345", "--json"]);
        assert!(out.status.success(), "{how}: {}", stderr(&out));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["holder"]["full_name"], "Nguyễn Văn Mẫu", "{how}");
        assert_eq!(report["verification"]["passive"]["data_groups"]["DG13"], "match", "{how}");
        assert_eq!(report["verification"]["chip"]["status"], "untrusted", "{how}: CA ran");
    }
}

/// The size of a real CCCD face.
const FACE_17K: &str = "17408";

#[test]
fn reads_a_17kb_face_from_chips_that_answer_extended_length_in_the_clear() {
    for how in ["end-sm", "ignore"] {
        let bed = TestBed::start(&["--no-extended", how, "--face-bytes", FACE_17K]);
        let out = bed.cancuoc(&["read", "--id", "001090012345", "--json"]);
        assert!(out.status.success(), "{how}: {}", stderr(&out));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["photo"]["bytes"], 17408, "{how}");
        assert_eq!(report["verification"]["passive"]["data_groups"]["DG2"], "match", "{how}");
        assert_eq!(report["verification"]["chip"]["status"], "untrusted", "{how}: CA ran under the new session");
        eprintln!("--no-extended {how}: {} APDUs through pcscd", report["access"]["apdus"]);
    }
}

#[test]
fn a_card_lifted_mid_read_is_waited_for_and_the_read_goes_on() {
    let whole = {
        let bed = TestBed::start(&["--face-bytes", FACE_17K]);
        json(&bed.cancuoc(&["read", "--id", "001090012345", "--json"]))
    };
    // Lifted after 11 APDUs (the face is the 12th: one extended READ BINARY), put back 1.5 s later.
    let bed = TestBed::start(&["--face-bytes", FACE_17K, "--tear-after", "11", "--return-after-ms", "1500"]);
    let out = bed.cancuoc(&["read", "--id", "001090012345", "--json", "--wait", "20"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("put it back on the reader"), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["holder"], whole["holder"]);
    assert_eq!(report["photo"], whole["photo"]);
    assert_eq!(report["verification"]["passive"]["data_groups"], whole["verification"]["passive"]["data_groups"]);
    // Without --wait, a lifted card ends the read (exit 1) as before.
    let bed = TestBed::start(&["--face-bytes", FACE_17K, "--tear-after", "11", "--return-after-ms", "1500"]);
    let out = bed.cancuoc(&["read", "--id", "001090012345", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // With --wait and no card at all, the wait runs out: exit 1.
    let bed = TestBed::start(&["--tear-after", "5"]);
    let started = Instant::now();
    let out = bed.cancuoc(&["read", "--id", "001090012345", "--wait", "2"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(started.elapsed() >= Duration::from_secs(2));
}

#[test]
fn a_trace_recorded_through_pcscd_replays_byte_for_byte() {
    let bed = TestBed::start(&[]);
    let trace = bed.dir.join("read.apdu");
    let read = json(&bed.cancuoc(&["read", "--mrz", SPECIMEN_MRZ, "--json", "--trace", trace.to_str().unwrap()]));
    let replay = Command::new(binary("cancuoc"))
        .args(["replay", trace.to_str().unwrap(), "--mrz", SPECIMEN_MRZ, "--json"])
        .output()
        .unwrap();
    let replayed = json(&replay);
    assert_eq!(read["holder"], replayed["holder"]);
    assert_eq!(read["access"]["apdus"], replayed["access"]["apdus"]);
}

#[test]
fn readers_lists_the_virtual_reader_with_its_card() {
    let bed = TestBed::start(&[]);
    let out = bed.cancuoc(&["readers"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Virtual PCD 00 00\tcard present"), "{text}");
    assert!(text.contains("Virtual PCD 00 01\tno card"), "{text}");
}

#[test]
fn passive_authentication_through_pcscd_genuine_unanchored_and_tampered() {
    let csca = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/pki/cancuoc-test-csca.der");
    let bed = TestBed::start(&[]);
    let report = json(&bed.cancuoc(&["read", "--id", "001090012345", "--json", "--trust", csca.to_str().unwrap()]));
    assert_eq!(report["verification"]["passive"]["status"], "valid");
    assert_eq!(report["verification"]["passive"]["chain"]["status"], "trusted");
    let report = json(&bed.cancuoc(&["read", "--id", "001090012345", "--json"]));
    assert_eq!(report["verification"]["passive"]["status"], "untrusted");
    assert_eq!(report["verification"]["passive"]["chain"]["status"], "no_anchor");
    let bed = TestBed::start(&["--tamper", "13"]);
    let out = bed.cancuoc(&["read", "--id", "001090012345", "--json", "--trust", csca.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verification"]["passive"]["status"], "invalid");
    assert_eq!(report["verification"]["passive"]["data_groups"]["DG13"], "mismatch");
    assert!(stderr(&out).contains("DG13"), "{}", stderr(&out));
    // No record format writes a record for it: nothing on stdout a script could file.
    for format in ["checkin", "bhxh", "record", "csv"] {
        let out = bed.cancuoc(&["read", "--id", "001090012345", "--format", format, "--trust", csca.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(3), "{format}");
        assert!(out.stdout.is_empty(), "{format}: {}", String::from_utf8_lossy(&out.stdout));
        assert!(stderr(&out).contains("verdict altered"), "{format}: {}", stderr(&out));
    }
}

#[test]
fn a_live_read_follows_a_csca_key_rollover_through_its_link_certificate() {
    // The virtual card's document signer was issued under the second generation of
    // `Rollover::generate(DEMO_SEED)`; the trust folder holds the first generation.
    let pkis = cancuoc_sim::pki::Rollover::generate(cancuoc_sim::DEMO_SEED);
    let trust = std::env::temp_dir().join(format!("cancuoc-rollover-live-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&trust);
    std::fs::create_dir_all(&trust).unwrap();
    std::fs::write(trust.join("csca-2016.der"), &pkis.old.csca.certificate).unwrap();
    let bed = TestBed::start(&[]);
    let read = ["read", "--id", "001090012345", "--json", "--trust", trust.to_str().unwrap()];
    let out = bed.cancuoc(&read);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["verdict"], "untrusted", "a missing generation is no forgery");
    assert_eq!(report["verification"]["passive"]["chain"]["status"], "no_anchor");
    std::fs::write(trust.join("link-2024.der"), &pkis.link).unwrap();
    let report = json(&bed.cancuoc(&read));
    assert_eq!(report["verdict"], "genuine", "{report}");
    assert_eq!(report["verification"]["passive"]["chain"]["status"], "trusted");
    let _ = std::fs::remove_dir_all(&trust);
}

#[test]
fn a_chip_listing_an_unsigned_dg11_shows_only_what_ef_sod_signs() {
    let csca = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/pki/cancuoc-test-csca.der");
    // A forger's chip: EF.COM lists a DG11 naming someone else.
    let bed = TestBed::start(&["--unsigned-dg11", "EVIL<<MALLORY"]);
    let read = ["read", "--id", "001090012345", "--json", "--trust", csca.to_str().unwrap()];
    let out = bed.cancuoc(&read);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("EVIL") && !text.contains("MALLORY"), "{text}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["holder"]["full_name"], "Nguyễn Văn Mẫu");
    // The list comes from EF.SOD; EF.COM is not read, so DG11 is never asked for.
    assert_eq!(report["document"]["ignored"], serde_json::json!({}), "{}", report["document"]);
    assert_eq!(report["verification"]["passive"]["status"], "valid", "what is shown is what the issuer signed");
    assert_eq!(report["verification"]["passive"]["data_groups"]["DG13"], "match");
    // A dump keeps EF.COM: then the data group it lists that EF.SOD does not sign is named.
    let dir = bed.dir.join("forged-dump");
    let out = bed.cancuoc(&[&read[..], &["--out", dir.to_str().unwrap()]].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.join("COM.bin").is_file());
    assert!(!dir.join("DG11.bin").exists(), "DG11 is not read");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["document"]["ignored"]["DG11"].as_str().unwrap().contains("not signed by EF.SOD"));
    assert_eq!(report["verification"]["passive"]["status"], "valid");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("MALLORY"));
}

#[test]
fn a_bad_pace_token_stops_the_read_and_never_falls_back_to_bac() {
    let bed = TestBed::start(&["--pace-bad-token"]);
    let out = bed.cancuoc(&[&["read"][..], &SPECIMEN_ID_AND_DATES, &["--json"]].concat());
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(out.stdout.is_empty(), "no report: {}", String::from_utf8_lossy(&out.stdout));
    let err = stderr(&out);
    assert!(err.contains("inconsistent") && err.contains("BAC was not tried"), "{err}");
    assert_eq!(err.lines().count(), 1, "one-line reason: {err}");
    // The same chip without the fault reads over PACE with the same inputs.
    let bed = TestBed::start(&[]);
    let report = json(&bed.cancuoc(&[&["read"][..], &SPECIMEN_ID_AND_DATES, &["--json"]].concat()));
    assert!(report["access"]["protocol"].as_str().unwrap().starts_with("PACE"));
}

#[test]
fn chip_and_active_authentication_catch_a_clone() {
    let csca = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/pki/cancuoc-test-csca.der");
    let bed = TestBed::start(&[]);
    let report = json(&bed.cancuoc(&["read", "--id", "001090012345", "--json", "--trust", csca.to_str().unwrap()]));
    assert_eq!(report["verification"]["chip"]["status"], "valid", "{}", report["verification"]);
    assert_eq!(report["verification"]["active"]["status"], "valid");
    // Without a trust anchor the chip's proofs stand on unvouched keys: untrusted, not valid.
    let report = json(&bed.cancuoc(&["read", "--id", "001090012345", "--json"]));
    assert_eq!(report["verification"]["chip"]["status"], "untrusted");
    assert_eq!(report["verification"]["active"]["status"], "untrusted");
    let bed = TestBed::start(&["--aa", "rsa"]);
    let report = json(&bed.cancuoc(&["read", "--id", "001090012345", "--json", "--trust", csca.to_str().unwrap()]));
    assert_eq!(report["verification"]["active"]["status"], "valid", "{}", report["verification"]);
    assert!(report["verification"]["active"]["algorithm"].as_str().unwrap().contains("9796-2"));
    let bed = TestBed::start(&["--clone"]);
    let out = bed.cancuoc(&["read", "--id", "001090012345", "--json", "--trust", csca.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verification"]["passive"]["status"], "valid", "the data are genuine; the chip is not");
    assert_eq!(report["verification"]["chip"]["status"], "invalid");
    assert_eq!(report["verification"]["active"]["status"], "invalid");
    assert!(stderr(&out).contains("clone"), "{}", stderr(&out));
}

/// A private X display (Xvfb), stopped by PID on drop.
struct Display {
    name: String,
    xvfb: Child,
}

impl Display {
    fn start() -> Self {
        let xvfb =
            ["/usr/bin/Xvfb", "/usr/X11R6/bin/Xvfb"].into_iter().find(|p| Path::new(p).exists()).unwrap_or_else(|| {
                panic!("Xvfb is not installed: scripts/setup-debian --test --screenshot (scripts/test does it)")
            });
        // A display number no other X server holds (Xvfb refuses one that is taken).
        let number = (0..500)
            .map(|i| 200 + (std::process::id() + i) % 500)
            .find(|n| {
                !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() && !Path::new(&format!("/tmp/.X{n}-lock")).exists()
            })
            .expect("a free X display number");
        let name = format!(":{number}");
        let child = Command::new(xvfb)
            .args([name.as_str(), "-screen", "0", "1280x900x24", "-nolisten", "tcp"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start Xvfb");
        let mut display = Self { name, xvfb: child };
        let socket = PathBuf::from(format!("/tmp/.X11-unix/X{number}"));
        let deadline = Instant::now() + Duration::from_secs(10);
        while !socket.exists() {
            assert!(matches!(display.xvfb.try_wait(), Ok(None)), "Xvfb {} exited at start", display.name);
            assert!(Instant::now() < deadline, "Xvfb {} did not come up", display.name);
            std::thread::sleep(Duration::from_millis(50));
        }
        display
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        let _ = self.xvfb.kill();
        let _ = self.xvfb.wait();
    }
}

#[test]
fn the_desk_app_reads_a_card_through_pcscd_and_renders_every_vietnamese_letter() {
    // A citizen whose names need the letters egui's own fonts lack (ễ ị ế ặ ữ ớ).
    let bed = TestBed::start(&["--full-name", "Nguyễn Thị Ánh Tuyết", "--father", "Đặng Hữu Phước", "--sex", "F"]);
    let display = Display::start();
    let artifacts = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let png = artifacts.join("cancuoc-desk-pcscd.png");
    let _ = std::fs::remove_file(&png);
    let csca = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/pki/cancuoc-test-csca.der");
    let child = Command::new(binary("cancuoc-desk"))
        .arg("--screenshot")
        .arg(&png)
        .args(["--reader", "Virtual PCD 00 00", "--id", "001090012345", "--trust"])
        .arg(&csca)
        .env("PCSCLITE_CSOCK_NAME", bed.socket())
        .env("DISPLAY", &display.name)
        .env("LIBGL_ALWAYS_SOFTWARE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run cancuoc-desk");
    let out = wait_with_deadline(child);
    // Exit 0 only after a read that succeeded and a picture that was written (a failed read
    // exits 1 with the banner's words).
    assert!(out.status.success(), "exit {:?}: {}", out.status.code(), stderr(&out));
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(bytes.get(..8), Some(&b"\x89PNG\r\n\x1a\n"[..]));
    assert!(bytes.len() > 50_000, "a {}-byte PNG is no read screen", bytes.len());
}

#[test]
fn a_program_holding_the_card_shared_cannot_break_into_the_session() {
    // Another program holds the card shared and sends a command every 5 ms: the reader cannot
    // get the card exclusively, connects shared, and holds a PC/SC transaction for the read.
    let bed = TestBed::start(&["--delay-ms", "10"]);
    let helper = binary("examples/hold-card");
    let mut holder = Command::new(helper)
        .arg("8")
        .env("PCSCLITE_CSOCK_NAME", bed.socket())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the hold-card helper");
    let mut first_line = String::new();
    BufRead::read_line(&mut std::io::BufReader::new(holder.stdout.as_mut().unwrap()), &mut first_line).unwrap();
    assert_eq!(first_line.trim(), "connected");
    let out = bed.cancuoc(&["read", "--id", "001090012345", "--json"]);
    let _ = holder.kill();
    let _ = holder.wait();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["holder"]["full_name"], "Nguyễn Văn Mẫu");
}

#[test]
fn a_second_program_cannot_break_into_a_read_in_progress() {
    // A slow card (100 ms an answer, ~2.5 s a read) so the second read starts inside the first.
    let bed = TestBed::start(&["--delay-ms", "100"]);
    let first = bed.spawn_cancuoc(&["read", "--id", "001090012345", "--json"]);
    std::thread::sleep(Duration::from_millis(400));
    let second = bed.cancuoc(&["read", "--id", "001090012345", "--json"]);
    let first = wait_with_deadline(first);
    // The first holds the card exclusively: its secure-messaging session is not interleaved.
    assert_eq!(json(&first)["holder"]["full_name"], "Nguyễn Văn Mẫu");
    // The second is refused at once, saying why, instead of corrupting both sessions.
    assert!(!second.status.success());
    assert!(stderr(&second).contains("another program holds the card"), "{}", stderr(&second));
}

#[test]
fn read_wait_outlasts_a_smart_card_service_that_is_not_running_yet() {
    // As on Windows when the last reader was unplugged: the service is gone (no context can be
    // established) until a reader comes back; `read --wait` keeps trying with new contexts.
    let mut bed = TestBed::start_without_service();
    let reading = bed.spawn_cancuoc(&["read", "--id", "001090012345", "--wait", "40", "--json"]);
    std::thread::sleep(Duration::from_millis(1500));
    bed.start_service(&[]);
    let out = wait_with_deadline(reading);
    let report = json(&out);
    assert_eq!(report["holder"]["id_number"], "001090012345", "{}", stderr(&out));
}

#[test]
fn the_presence_watch_sees_a_card_leave_and_come_back_as_it_happens() {
    // The card leaves after its first APDU and comes back 1.5 s later; the watch waits up to
    // 30 s for each change, so `changed=true` says it woke for the card, not for its timeout
    // (the desk's watch used to sleep 300 ms between looks, whatever happened).
    let bed = TestBed::start(&["--tear-after", "1", "--return-after-ms", "1500"]);
    let mut watch = Command::new(binary("examples/watch-card"))
        .env("PCSCLITE_CSOCK_NAME", bed.socket())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the watch-card helper");
    let mut lines = std::io::BufReader::new(watch.stdout.take().unwrap()).lines();
    assert_eq!(lines.next().unwrap().unwrap(), "present=true changed=false");
    // One APDU from a read tears the card away.
    let _ = bed.cancuoc(&["read", "--id", "001090012345"]);
    let seen: Vec<String> = lines.map_while(Result::ok).collect();
    let out = wait_with_deadline(watch);
    assert_eq!(seen, ["present=false changed=true", "present=true changed=true"], "{}", stderr(&out));
}
