//! The recorded trace of a full read of the virtual CCCD (`fixtures/traces/`): recording it
//! again gives the same bytes, and replaying it through the whole stack gives the same
//! document, with every command matched byte for byte.
//!
//! To re-record after an intended change of the wire behaviour:
//! `CANCUOC_RECORD_TRACES=1 cargo test -p cancuoc-sim --test trace`.

// A test harness fails loudly: unwrap, expect and panic are how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::PathBuf;

use cancuoc::access::AccessKey;
use cancuoc::transport::{Recorder, RecordingRng, RecordingTransport, ReplayTransport, Trace};
use cancuoc::{ReadOptions, Reader, Transport};
use cancuoc_sim::{Faults, SeededRng, specimen_chip};

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/traces/cccd-specimen-bac.apdu")
}

fn record() -> Trace {
    let (chip, key) = specimen_chip(Faults::default()).unwrap();
    let recorder = Recorder::new();
    recorder.comment("Full BAC read of the built-in virtual CCCD (fictional specimen); see PROVENANCE.md");
    recorder.comment("cancuoc-key: mrz 090012345,900115,300115");
    let mut rng = RecordingRng::new(SeededRng::new(b"terminal"), recorder.clone());
    let transport = RecordingTransport::new(chip, recorder.clone());
    let mut session = Reader::open(transport).authenticate(&AccessKey::Mrz(key), &mut rng).unwrap();
    session.read(&ReadOptions::default(), &mut |_| {}).unwrap();
    recorder.trace()
}

#[test]
fn recording_the_specimen_read_again_gives_the_committed_trace() {
    let trace = record();
    if std::env::var_os("CANCUOC_RECORD_TRACES").is_some() {
        std::fs::write(fixture(), trace.to_text()).unwrap();
    }
    let committed = std::fs::read_to_string(fixture()).expect("fixtures/traces/cccd-specimen-bac.apdu");
    assert_eq!(trace.to_text(), committed, "the wire behaviour changed: re-record if intended (see module docs)");
}

#[test]
fn replaying_the_committed_trace_reads_the_same_document() {
    let text = std::fs::read_to_string(fixture()).unwrap();
    let trace = Trace::parse(&text).unwrap();
    let (transport, mut rng) = ReplayTransport::new(&trace);
    let check = transport.clone();
    let key = AccessKey::mrz("090012345", "900115", "300115").unwrap();
    let mut session = Reader::open(transport).authenticate(&key, &mut rng).unwrap();
    let doc = session.read(&ReadOptions::default(), &mut |_| {}).unwrap();
    assert!(check.is_finished(), "{} events left", check.remaining());
    assert_eq!(doc.cccd().unwrap().unwrap().full_name(), Some("Nguyễn Văn Mẫu"));
    assert_eq!(doc.access.apdus, trace.commands());
}

#[test]
fn a_replay_with_another_key_stops_at_the_first_differing_command() {
    let trace = Trace::parse(&std::fs::read_to_string(fixture()).unwrap()).unwrap();
    let (mut transport, mut rng) = ReplayTransport::new(&trace);
    // Same commands up to EXTERNAL AUTHENTICATE, whose cryptogram depends on the key.
    let key = AccessKey::mrz("090012345", "900116", "300115").unwrap();
    let err = Reader::open(&mut transport).authenticate(&key, &mut rng).unwrap_err();
    assert!(err.to_string().contains("the command differs"), "{err}");
    assert!(transport.transmit(&[0]).is_err());
}
