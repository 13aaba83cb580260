//! The recorded traces of full reads of the virtual CCCD (`fixtures/traces/`): recording
//! again gives the same bytes, and replaying them through the whole stack gives the same
//! document, with every command matched byte for byte.
//!
//! To re-record after an intended change of the wire behaviour:
//! `CANCUOC_RECORD_TRACES=1 cargo test -p cancuoc --test trace`.

// A test harness fails loudly: unwrap, expect and panic are how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::PathBuf;

use cancuoc::access::AccessKey;
use cancuoc::transport::{Recorder, RecordingRng, RecordingTransport, ReplayTransport, Trace};
use cancuoc::{ReadOptions, Reader, Transport};
use cancuoc_sim::{Faults, SeededRng, specimen_chip};

/// A recorded read: file, chip faults, key comment and the key itself.
struct Case {
    file: &'static str,
    what: &'static str,
    faults: Faults,
    key_comment: &'static str,
    protocol: &'static str,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            file: "cccd-specimen-bac.apdu",
            what: "Full BAC read of the built-in virtual CCCD with PACE hidden (fictional specimen); see PROVENANCE.md",
            faults: Faults { no_pace: true, ..Faults::default() },
            key_comment: "cancuoc-key: mrz 090012345,900115,300115",
            protocol: "BAC",
        },
        Case {
            file: "cccd-specimen-pace-can.apdu",
            what: "Full PACE-CAN read of the built-in virtual CCCD (fictional specimen); see PROVENANCE.md",
            faults: Faults::default(),
            key_comment: "cancuoc-key: can 012345",
            protocol: "PACE-ECDH-GM-AES-128 brainpoolP256r1 CAN",
        },
    ]
}

fn key(comment: &str) -> AccessKey {
    let text = comment.strip_prefix("cancuoc-key: ").unwrap();
    match text.split_once(' ').unwrap() {
        ("mrz", v) => {
            let p: Vec<&str> = v.split(',').collect();
            AccessKey::mrz(p[0], p[1], p[2]).unwrap()
        }
        ("can", v) => AccessKey::can(v).unwrap(),
        other => panic!("{other:?}"),
    }
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/traces").join(name)
}

fn record(case: &Case) -> Trace {
    let (chip, _) = specimen_chip(case.faults.clone()).unwrap();
    let recorder = Recorder::new();
    recorder.comment(case.what);
    recorder.comment(case.key_comment);
    let mut rng = RecordingRng::new(SeededRng::new(b"terminal"), recorder.clone());
    let transport = RecordingTransport::new(chip, recorder.clone());
    let mut session = Reader::open(transport).authenticate(&key(case.key_comment), &mut rng).unwrap();
    let mut doc = session.read(&ReadOptions::default(), &mut rng, &mut |_| {}).unwrap();
    session.authenticate_chip(&mut doc, &mut rng).unwrap();
    recorder.trace()
}

#[test]
fn recording_the_specimen_reads_again_gives_the_committed_traces() {
    for case in cases() {
        let trace = record(&case);
        if std::env::var_os("CANCUOC_RECORD_TRACES").is_some() {
            std::fs::write(fixture(case.file), trace.to_text()).unwrap();
        }
        let committed = std::fs::read_to_string(fixture(case.file)).expect("committed trace");
        assert_eq!(trace.to_text(), committed, "{}: the wire behaviour changed: re-record if intended", case.file);
    }
}

#[test]
fn replaying_the_committed_traces_reads_the_same_document() {
    for case in cases() {
        let trace = Trace::parse(&std::fs::read_to_string(fixture(case.file)).unwrap()).unwrap();
        let (transport, mut rng) = ReplayTransport::new(&trace);
        let check = transport.clone();
        let mut session = Reader::open(transport).authenticate(&key(case.key_comment), &mut rng).unwrap();
        let mut doc = session.read(&ReadOptions::default(), &mut rng, &mut |_| {}).unwrap();
        session.authenticate_chip(&mut doc, &mut rng).unwrap();
        assert!(check.is_finished(), "{}: {} events left", case.file, check.remaining());
        assert_eq!(doc.chip_authentication().unwrap().result, Ok(()), "{}", case.file);
        assert!(doc.active_authentication().is_some());
        assert_eq!(doc.cccd().unwrap().unwrap().full_name(), Some("Nguyễn Văn Mẫu"));
        assert_eq!(doc.access().protocol, case.protocol);
        assert_eq!(doc.access().apdus, trace.commands(), "{}", case.file);
    }
}

#[test]
fn a_replay_with_another_key_stops_at_the_first_differing_command() {
    let trace = Trace::parse(&std::fs::read_to_string(fixture("cccd-specimen-bac.apdu")).unwrap()).unwrap();
    let (mut transport, mut rng) = ReplayTransport::new(&trace);
    // Same commands up to EXTERNAL AUTHENTICATE, whose cryptogram depends on the key.
    let key = AccessKey::mrz("090012345", "900116", "300115").unwrap();
    let err = Reader::open(&mut transport).authenticate(&key, &mut rng).unwrap_err();
    assert!(err.to_string().contains("the command differs"), "{err}");
    assert!(transport.transmit(&[0]).is_err());
}
