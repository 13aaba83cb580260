//! The core reader against the virtual chip, in process: whole reads, wrong keys, torn
//! cards, cards without extended length or with a small Le, files past 32 KiB.

// A test harness fails loudly: unwrap, expect and panic are how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use cancuoc::access::AccessKey;
use cancuoc::internals::files::{ExtendedLength, ReadLimits};
use cancuoc::lds::DgNumber;
use cancuoc::{Error, ErrorClass, ReadOptions, Reader};
use cancuoc_sim::issue::{CitizenProfile, IssuedDocument};
use cancuoc_sim::{DEMO_SEED, Faults, SeededRng, VirtualChip, specimen_chip};

fn read(chip: VirtualChip, key: &AccessKey, options: &ReadOptions) -> Result<cancuoc::Document, Error> {
    let mut rng = SeededRng::new(b"terminal");
    let mut session = Reader::open(chip).authenticate(key, &mut rng)?;
    session.read(options, &mut rng, &mut |_| {})
}

fn specimen(faults: Faults) -> (VirtualChip, AccessKey) {
    let (chip, key) = specimen_chip(faults).unwrap();
    (chip, AccessKey::Mrz(key))
}

#[test]
fn reads_the_specimen_whole_with_the_vietnamese_name() {
    let (chip, key) = specimen(Faults::default());
    let doc = read(chip, &key, &ReadOptions::default()).unwrap();
    assert_eq!(doc.access().protocol, "PACE-ECDH-GM-AES-128 brainpoolP256r1 MRZ");
    assert_eq!(
        doc.card_access.as_deref(),
        Some(&cancuoc_sim::security::card_access(&[cancuoc_sim::security::CCCD_PACE])[..])
    );
    assert_eq!(doc.dg1().unwrap().mrz.document_number, "090012345");
    assert_eq!(doc.cccd().unwrap().unwrap().full_name(), Some("Nguyễn Văn Mẫu"));
    assert_eq!(doc.face().unwrap().data, cancuoc_sim::issue::FACE_JPEG);
    assert!(doc.sod.is_some());
    // DG3 is listed but EAC-protected: skipped with a reason, not fatal.
    assert_eq!(doc.skipped.len(), 1);
    assert_eq!(doc.skipped[0].dg.get(), 3);
}

#[test]
fn a_wrong_date_of_birth_is_a_wrong_key() {
    let (chip, _) = specimen(Faults::default());
    let key = AccessKey::mrz("090012345", "900116", "300115").unwrap();
    let err = read(chip, &key, &ReadOptions::default()).unwrap_err();
    assert_eq!(err.class(), ErrorClass::WrongKey);
    assert!(err.to_string().contains("date of birth"), "{err}");
}

#[test]
fn a_card_torn_mid_read_says_card_removed_and_names_the_file() {
    for n in [3, 6, 9, 12] {
        let (chip, key) = specimen(Faults { tear_after: Some(n), ..Faults::default() });
        let err = read(chip, &key, &ReadOptions::default()).unwrap_err();
        assert_eq!(err.class(), ErrorClass::CardRemoved, "after {n}: {err}");
    }
    let (chip, key) = specimen(Faults { tear_after: Some(8), ..Faults::default() });
    let err = read(chip, &key, &ReadOptions::default()).unwrap_err();
    assert!(err.to_string().contains("removed while reading"), "{err}");
}

#[test]
fn falls_back_to_short_reads_when_extended_length_is_refused() {
    let (chip, key) = specimen(Faults { no_extended: cancuoc_sim::chip::NoExtended::Refused, ..Faults::default() });
    let doc = read(chip, &key, &ReadOptions::default()).unwrap();
    assert_eq!(doc.face().unwrap().data, cancuoc_sim::issue::FACE_JPEG);
    let (chip, key) = specimen(Faults::default());
    let fast = read(chip, &key, &ReadOptions::default()).unwrap();
    assert!(fast.access().apdus < doc.access().apdus, "{} vs {}", fast.access().apdus, doc.access().apdus);
}

#[test]
fn adapts_to_a_small_maximum_le_without_losing_the_session() {
    let (chip, key) = specimen(Faults {
        max_le: Some(100),
        no_extended: cancuoc_sim::chip::NoExtended::Refused,
        ..Faults::default()
    });
    let doc = read(chip, &key, &ReadOptions::default()).unwrap();
    assert_eq!(doc.cccd().unwrap().unwrap().full_name(), Some("Nguyễn Văn Mẫu"));
    assert_eq!(doc.face().unwrap().data, cancuoc_sim::issue::FACE_JPEG);
}

#[test]
fn short_reads_only_when_asked() {
    let (chip, key) = specimen(Faults::default());
    let options = ReadOptions::default()
        .with_limits(ReadLimits { extended: ExtendedLength::Unsupported, ..ReadLimits::default() });
    let doc = read(chip, &key, &options).unwrap();
    assert_eq!(doc.face().unwrap().data, cancuoc_sim::issue::FACE_JPEG);
}

#[test]
fn reads_a_face_past_32_kib_with_odd_ins_short_and_extended() {
    let mut big = cancuoc_sim::issue::FACE_JPEG.to_vec();
    big.resize(70_000, 0xAB);
    use cancuoc_sim::chip::NoExtended;
    for no_extended in [NoExtended::Supported, NoExtended::Refused, NoExtended::EndSm, NoExtended::Ignore] {
        let document = IssuedDocument::issue_with_face(&CitizenProfile::specimen(), DEMO_SEED, &big, 240, 320).unwrap();
        let key = AccessKey::Mrz(document.mrz_key.clone());
        let chip = VirtualChip::new(document, Faults { no_extended, ..Faults::default() }, DEMO_SEED);
        let doc = read(chip, &key, &ReadOptions::default()).unwrap();
        assert_eq!(doc.face().unwrap().data, big, "no_extended {no_extended:?}");
    }
}

#[test]
fn photo_can_be_skipped() {
    let (chip, key) = specimen(Faults::default());
    let options = ReadOptions::default().with_photo(false);
    let doc = read(chip, &key, &options).unwrap();
    assert!(doc.dg(DgNumber::DG2).is_none());
}

#[test]
fn reads_a_file_by_short_identifier_and_a_plain_command_ends_the_session() {
    use cancuoc::internals::apdu::{Command, StatusWord};
    use cancuoc::internals::bac;
    use cancuoc::internals::channel::Channel;
    use cancuoc::internals::files::FileReader;

    let (chip, key) = specimen_chip(Faults::default()).unwrap();
    let mut channel = Channel::new(chip);
    let files = FileReader::new(ReadLimits::default());
    files.select_application(&mut channel, cancuoc::internals::files::AID_EMRTD, "eMRTD").unwrap();
    bac::authenticate(&mut channel, &key, &mut SeededRng::new(b"t")).unwrap();
    let mut reader = FileReader::new(ReadLimits::default());
    let dg1 = reader.read_sfi(&mut channel, 1, "DG1", &mut |_| {}).unwrap();
    assert_eq!(cancuoc::lds::Dg1::parse(&dg1).unwrap().mrz.document_number, "090012345");
    let com = reader.read_sfi(&mut channel, 0x1E, "EF.COM", &mut |_| {}).unwrap();
    assert_eq!(com[0], 0x60);
    // A command outside secure messaging: the chip ends the session (6987), and the channel
    // reports it instead of accepting a clear answer.
    channel.end_secure_messaging();
    let answer = channel.send(&Command::new(0x00, 0xB0, 0x00, 0x00).with_le(4)).unwrap();
    assert_eq!(answer.sw, StatusWord::SM_OBJECTS_MISSING);
}

/// Passes everything through, but takes DO'99' out of the answer to the first protected READ
/// BINARY by short EF identifier (CLA 0C, INS B0, P1 with bit 8: EF.SOD's, the read's first
/// file), which carries it after the data object DO'87'.
struct StripStatusObject {
    chip: VirtualChip,
    done: bool,
}

/// Where DO'99' starts in a protected answer: after DO'87' when there is one.
fn status_object_at(answer: &[u8]) -> Option<usize> {
    if answer.first() != Some(&0x87) {
        return Some(0);
    }
    let (len, header) = match answer.get(1)? {
        0x81 => (usize::from(*answer.get(2)?), 3),
        0x82 => (usize::from(u16::from_be_bytes([*answer.get(2)?, *answer.get(3)?])), 4),
        short => (usize::from(*short), 2),
    };
    Some(header + len)
}

impl cancuoc::Transport for StripStatusObject {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, cancuoc::TransportError> {
        let mut answer = self.chip.transmit(apdu)?;
        let by_short_id = apdu.get(..2) == Some(&[0x0C, 0xB0]) && apdu.get(2).is_some_and(|p1| p1 & 0x80 != 0);
        let status_object = status_object_at(&answer).filter(|at| answer.get(*at..at + 2) == Some(&[0x99, 0x02]));
        if !self.done
            && by_short_id
            && let Some(at) = status_object
        {
            answer.drain(at..at + 4);
            self.done = true;
        }
        Ok(answer)
    }
}

#[test]
fn an_answer_without_do99_is_refused_naming_the_command_that_got_it() {
    let (chip, key) = specimen(Faults::default());
    let mut rng = SeededRng::new(b"terminal");
    let transport = StripStatusObject { chip, done: false };
    let mut session = Reader::open(transport).authenticate(&key, &mut rng).unwrap();
    let err = session.read(&ReadOptions::default(), &mut rng, &mut |_| {}).unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("READ BINARY of EF.SOD"), "{text}");
    assert!(text.contains("DO'99'"), "{text}");
    assert_eq!(err.class(), ErrorClass::Tampered);
}
