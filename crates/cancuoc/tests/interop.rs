//! Chips the reader did not write: extended length refused in each way ICAO allows, what the
//! ATR and EF.ATR/INFO say about it, short EF identifiers refused in each way, and a card torn
//! away at every APDU of a full read and put back. In process, against the virtual chip with a
//! 17 KB face.

// A test harness fails loudly: unwrap, expect and panic are how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::cell::RefCell;
use std::rc::Rc;

use cancuoc::access::AccessKey;
use cancuoc::{Connect, Document, Error, ErrorClass, ReadOptions, Transport, TransportError};
use cancuoc_sim::chip::{NoExtended, NoShortEfIds};
use cancuoc_sim::issue::{CitizenProfile, IssuedDocument};
use cancuoc_sim::wiretap::{Event, WireLog, Wiretap};
use cancuoc_sim::{DEMO_SEED, Faults, SeededRng, VirtualChip};

/// A JPEG-shaped face of 17 KB, as large as real CCCD faces come.
fn face_17k() -> Vec<u8> {
    let mut face = cancuoc_sim::issue::FACE_JPEG.to_vec();
    face.resize(17 * 1024, 0x5A);
    face
}

fn card() -> IssuedDocument {
    IssuedDocument::issue_with_face(&CitizenProfile::specimen(), DEMO_SEED, &face_17k(), 240, 320).unwrap()
}

fn can() -> AccessKey {
    AccessKey::can("012345").unwrap()
}

/// What went over the wire, as these tests look at it: each command (was it extended?), each
/// clear answer to a protected command, each reset — read from the shared [`Wiretap`]'s log.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Wire {
    Command { protected: bool, extended: bool },
    ClearAnswer,
    Reset,
}

fn wire(log: &WireLog) -> Vec<Wire> {
    let mut out = Vec::new();
    let mut last_protected = false;
    for event in log.events() {
        match event {
            Event::Command(apdu) => {
                last_protected = apdu.first().is_some_and(|cla| cla & 0x0C == 0x0C);
                let extended = cancuoc::internals::apdu::Command::parse(&apdu).is_some_and(|c| c.extended);
                out.push(Wire::Command { protected: last_protected, extended });
            }
            Event::Answer(answer) if last_protected && answer.len() == 2 && answer != [0x90, 0x00] => {
                out.push(Wire::ClearAnswer);
            }
            Event::Reset => out.push(Wire::Reset),
            _ => {}
        }
    }
    out
}

fn spy(faults: Faults) -> (Wiretap<VirtualChip>, WireLog) {
    Wiretap::new(VirtualChip::new(card(), faults, DEMO_SEED))
}

/// A whole read (access, files, chip and active authentication) with no tear expected.
fn read(transport: impl Transport) -> Result<Document, Error> {
    let mut rng = SeededRng::new(b"terminal");
    let mut once = Some(transport);
    let connect = |_| once.take().ok_or(Error::Transport(TransportError::NoCard));
    cancuoc::read_resuming(connect, &can(), &ReadOptions::default(), &mut rng, &mut |_| {})
}

#[test]
fn a_chip_that_answers_extended_length_in_the_clear_is_read_whole_with_short_reads() {
    for how in [NoExtended::EndSm, NoExtended::Ignore] {
        let (transport, log) = spy(Faults { no_extended: how, ..Faults::default() });
        let doc = read(transport).unwrap_or_else(|e| panic!("{how:?}: {e}"));
        assert_eq!(doc.face().unwrap().data, face_17k(), "{how:?}");
        assert!(doc.chip_authentication().unwrap().result.is_ok(), "{how:?}");
        let log = wire(&log);
        // Exactly one extended read was tried; its clear answer was followed by a reset, and
        // never by a command under the session it may have put out of step.
        let extended = log.iter().filter(|w| matches!(w, Wire::Command { extended: true, .. })).count();
        assert_eq!(extended, 1, "{how:?}: {log:?}");
        let clear = log.iter().position(|w| *w == Wire::ClearAnswer).unwrap();
        assert_eq!(log.get(clear + 1), Some(&Wire::Reset), "{how:?}");
        println!("{how:?}: a full read with a 17 KB face took {} APDUs", doc.access().apdus);
    }
}

#[test]
fn what_the_atr_or_ef_atr_info_says_decides_extended_length_without_a_probe() {
    let extended_count =
        |log: &[Wire]| log.iter().filter(|w| matches!(w, Wire::Command { extended: true, .. })).count();
    for faults in [
        Faults { no_extended: NoExtended::EndSm, atr_says_extended: Some(false), ..Faults::default() },
        Faults { no_extended: NoExtended::Ignore, atr_info_says_extended: Some(false), ..Faults::default() },
    ] {
        let (transport, log) = spy(faults.clone());
        let doc = read(transport).unwrap();
        assert_eq!(doc.face().unwrap().data, face_17k());
        let log = wire(&log);
        assert_eq!(extended_count(&log), 0, "{faults:?}");
        assert!(!log.contains(&Wire::Reset), "{faults:?}");
    }
    // Told yes, the reader reads the face in one extended READ BINARY after the first.
    for faults in [
        Faults { atr_says_extended: Some(true), ..Faults::default() },
        Faults { atr_info_says_extended: Some(true), ..Faults::default() },
    ] {
        let (transport, log) = spy(faults.clone());
        read(transport).unwrap();
        assert!(extended_count(&wire(&log)) >= 1, "{faults:?}");
    }
}

/// READ BINARY by short EF identifier (P1 bit 8), plain or protected.
fn by_short_id(apdu: &[u8]) -> bool {
    apdu.get(1) == Some(&0xB0) && apdu.get(2).is_some_and(|p1| p1 & 0x80 != 0)
}

#[test]
fn a_full_cccd_read_takes_17_apdus_and_8_read_binary() {
    // PACE-CAN, EF.SOD, DG1, the 17 KB DG2, DG13, DG14, DG15, chip and active authentication:
    // EF.CardAccess and EF.ATR/INFO (2 READ BINARY), PACE (5), the application (1 SELECT), one
    // READ BINARY per file (6: EF.COM is not read, the list is EF.SOD's), CA (2), AA (1).
    let (tap, log) = Wiretap::new(VirtualChip::new(card(), Faults::default(), DEMO_SEED));
    let doc = read(tap).unwrap();
    assert!(doc.chip_authentication().unwrap().result.is_ok());
    assert!(doc.active_authentication().is_some());
    assert_eq!(doc.face().unwrap().data, face_17k());
    let sent = log.instructions();
    let read_binary = sent.iter().filter(|ins| **ins == 0xB0).count();
    let select = sent.iter().filter(|ins| **ins == 0xA4).count();
    assert_eq!((sent.len(), read_binary, select), (17, 8, 1), "{sent:02X?}");
    assert_eq!(doc.access().apdus, 17);
    assert!(doc.com.is_none());
}

#[test]
fn a_chip_without_short_ef_identifiers_is_read_by_select_whichever_way_it_refuses() {
    let whole = read(VirtualChip::new(card(), Faults::default(), DEMO_SEED)).unwrap();
    for how in [NoShortEfIds::Refused, NoShortEfIds::EndSm] {
        let chip = VirtualChip::new(card(), Faults { no_short_ef_ids: how, ..Faults::default() }, DEMO_SEED);
        let (tap, log) = Wiretap::new(chip);
        let doc = read(tap).unwrap_or_else(|e| panic!("{how:?}: {e}"));
        assert_eq!(doc.com, whole.com, "{how:?}");
        assert_eq!(doc.sod, whole.sod, "{how:?}");
        assert_eq!(doc.data_groups, whole.data_groups, "{how:?}");
        assert_eq!(doc.card_access, whole.card_access, "{how:?}");
        assert!(doc.chip_authentication().unwrap().result.is_ok(), "{how:?}");
        // Tried for EF.CardAccess and EF.ATR/INFO before access control, and for the first
        // file of the application; never again there once refused. A chip that ends its
        // session over it gets access control again, with its two tries.
        let expected = if how == NoShortEfIds::EndSm { 5 } else { 3 };
        assert_eq!(log.count(by_short_id), expected, "{how:?}");
        println!("{how:?}: {} APDUs, {} with short EF identifiers", doc.access().apdus, whole.access().apdus);
        assert!(doc.access().apdus > whole.access().apdus, "{how:?}");
    }
}

#[test]
fn a_chip_refusing_extended_reads_past_the_end_of_a_file_is_read_with_short_first_reads() {
    let whole = read(VirtualChip::new(card(), Faults::default(), DEMO_SEED)).unwrap();
    let (transport, log) = spy(Faults { extended_within_file_only: true, ..Faults::default() });
    let doc = read(transport).unwrap();
    assert_eq!(doc.data_groups, whole.data_groups);
    assert_eq!(doc.sod, whole.sod);
    assert!(doc.chip_authentication().unwrap().result.is_ok());
    let log = wire(&log);
    // The first whole-file read (EF.SOD's, the extended-length probe) was refused under
    // secure messaging: no reset; later files start short and take the rest in one extended
    // read, which works within the file.
    assert!(!log.contains(&Wire::Reset));
    println!("{} APDUs, {} when whole-file first reads work", doc.access().apdus, whole.access().apdus);
    // The refused read, then EF.SOD, DG2 and DG13 in two reads each (DG1, DG14, DG15 fit a
    // short one; EF.COM is not read).
    assert_eq!(doc.access().apdus, whole.access().apdus + 1 + 3);
}

/// A chip that outlives its connections (the card stays on the desk between them).
struct OnTheDesk(Rc<RefCell<VirtualChip>>);

impl Transport for OnTheDesk {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        self.0.borrow_mut().transmit(apdu)
    }

    fn reset(&mut self) -> Result<(), TransportError> {
        self.0.borrow_mut().reset()
    }

    fn atr(&self) -> Option<Vec<u8>> {
        Some(VirtualChip::atr(&self.0.borrow()))
    }
}

/// A card on the desk and the wiretap log of every connection to it (the bytes on the wire).
#[derive(Clone)]
struct Shared {
    chip: Rc<RefCell<VirtualChip>>,
    log: WireLog,
}

impl Shared {
    fn new(chip: VirtualChip) -> Self {
        Self { chip: Rc::new(RefCell::new(chip)), log: WireLog::default() }
    }

    /// A new connection to the card, tapped into the shared log.
    fn connection(&self) -> Wiretap<OnTheDesk> {
        Wiretap::into_log(OnTheDesk(self.chip.clone()), &self.log)
    }
}

#[test]
fn a_card_torn_at_every_apdu_and_put_back_gives_the_same_document() {
    // The untorn read: what every resumed read must equal.
    let untorn = Shared::new(VirtualChip::new(card(), Faults::default(), DEMO_SEED));
    let whole = read(untorn.connection()).unwrap();
    let total = untorn.chip.borrow().apdus();
    let fresh_bytes = whole.access().bytes;
    assert!(whole.active_authentication().is_some() && whole.chip_authentication().is_some());
    println!("untorn: {total} APDUs, report says {}", whole.access().apdus);
    let mut kept_work = 0;
    for n in 1..total {
        let card =
            Shared::new(VirtualChip::new(card(), Faults { tear_after: Some(n), ..Faults::default() }, DEMO_SEED));
        let mut rng = SeededRng::new(b"terminal");
        let mut tears = 0;
        let connect = |attempt| {
            if attempt == Connect::PutBack {
                tears += 1;
                card.chip.borrow_mut().put_back();
                card.log.clear();
            }
            Ok(card.connection())
        };
        let doc = cancuoc::read_resuming(connect, &can(), &ReadOptions::default(), &mut rng, &mut |_| {})
            .unwrap_or_else(|e| panic!("torn after {n}: {e}"));
        assert_eq!(tears, 1, "torn after {n}");
        assert_eq!(doc.com, whole.com, "torn after {n}");
        assert_eq!(doc.sod, whole.sod, "torn after {n}");
        assert_eq!(doc.data_groups, whole.data_groups, "torn after {n}");
        assert_eq!(doc.card_access, whole.card_access, "torn after {n}");
        assert!(doc.chip_authentication().unwrap().result.is_ok(), "torn after {n}");
        assert!(doc.active_authentication().is_some(), "torn after {n}");
        // Less goes over the wire after the tear than a fresh read needs, once any file was
        // read: the files read are kept, the one cut short goes on.
        let after = card.log.bytes();
        assert!(after <= fresh_bytes, "torn after {n}: {after} bytes after the tear, {fresh_bytes} fresh");
        if after < fresh_bytes {
            kept_work += 1;
        }
    }
    println!("a full read: {total} APDUs; torn at each, {kept_work} resumed with fewer bytes than a fresh read");
    // A tear before EF.SOD's first bytes arrive (access control: EF.CardAccess 1, EF.ATR/INFO
    // 1, PACE 5, the application 1 = the first 8 APDUs; EF.SOD is the first file, read by its
    // short EF identifier) keeps nothing that identifies the chip, so the read starts over;
    // every later tear keeps work.
    assert_eq!(kept_work, total - 1 - 8);
}

#[test]
fn another_card_put_back_is_refused_and_a_tear_during_the_wait_runs_out() {
    // Torn during DG2 (APDU 11 of 17), EF.SOD read: the card put back must be the same one.
    let first = Shared::new(VirtualChip::new(card(), Faults { tear_after: Some(10), ..Faults::default() }, DEMO_SEED));
    // Another citizen's card: EF.SOD's first bytes (its header and the first data-group hashes,
    // DG1's among them) differ. (A card with the same holder, number and face differs only
    // from DG14's hash on, past the probe: that was a twin, not another card.)
    let other_citizen = CitizenProfile::specimen().named("Trần Thị Bình");
    let other_doc = IssuedDocument::issue_with_face(&other_citizen, b"another card", &face_17k(), 240, 320).unwrap();
    let other = Shared::new(VirtualChip::new(other_doc, Faults::default(), b"another card"));
    let mut rng = SeededRng::new(b"terminal");
    let mut torn = false;
    let connect = |attempt| -> Result<Wiretap<OnTheDesk>, Error> {
        if attempt == Connect::PutBack {
            torn = true;
            return Ok(other.connection());
        }
        Ok(first.connection())
    };
    let err = cancuoc::read_resuming(connect, &can(), &ReadOptions::default(), &mut rng, &mut |_| {}).unwrap_err();
    assert!(torn);
    assert_eq!(err.class(), ErrorClass::DifferentCard, "{err}");
}

/// A link that reports how much one APDU carries (PC/SC part 10's `dwMaxAPDUDataSize`, Android's
/// `getMaxTransceiveLength`), or hands over EF.CardAccess as the platform read it (iOS).
struct Link<T> {
    inner: T,
    max: Option<usize>,
    card_access: Option<Vec<u8>>,
}

impl<T> Link<T> {
    fn carrying(inner: T, max: usize) -> Self {
        Self { inner, max: Some(max), card_access: None }
    }
}

impl<T: Transport> Transport for Link<T> {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        self.inner.transmit(apdu)
    }

    fn reset(&mut self) -> Result<(), TransportError> {
        self.inner.reset()
    }

    fn atr(&self) -> Option<Vec<u8>> {
        self.inner.atr()
    }

    fn max_apdu_data(&self) -> Option<usize> {
        self.max
    }

    fn card_access(&self) -> Option<Vec<u8>> {
        self.card_access.clone()
    }
}

#[test]
fn a_link_that_carries_short_apdus_only_gets_no_extended_one_whatever_the_card_says() {
    let whole = read(VirtualChip::new(card(), Faults::default(), DEMO_SEED)).unwrap();
    // The card says it takes extended length; the reader says it carries 255 bytes.
    let faults = Faults { atr_says_extended: Some(true), ..Faults::default() };
    let (tap, log) = spy(faults.clone());
    let doc = read(Link::carrying(tap, 255)).unwrap();
    assert_eq!(doc.data_groups, whole.data_groups);
    assert_eq!(doc.access().link_max_apdu_data, Some(255));
    let extended = wire(&log).iter().filter(|w| matches!(w, Wire::Command { extended: true, .. })).count();
    assert_eq!(extended, 0, "{:?}", wire(&log));
    // A link of 1 KiB: extended reads, each asking for no more than the link carries.
    let (tap, log) = spy(faults.clone());
    let doc = read(Link::carrying(tap, 1024)).unwrap();
    assert_eq!(doc.data_groups, whole.data_groups);
    // Under secure messaging the answer's size is the protected Le, DO'97' (ICAO 9303-11 §9.8.4).
    let protected_le = |command: &cancuoc::internals::apdu::Command| {
        let mut r = cancuoc::internals::codec::ByteReader::new(&command.data, "SM command");
        std::iter::from_fn(|| r.tlv().ok()).find(|o| o.tag == 0x97).map(|o| {
            let le = o.value.iter().fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
            if le == 0 { 65536 } else { le }
        })
    };
    let largest_le = log
        .commands()
        .iter()
        .filter_map(|apdu| cancuoc::internals::apdu::Command::parse(apdu))
        .filter(|c| c.extended)
        .filter_map(|c| protected_le(&c))
        .max()
        .unwrap();
    assert!(largest_le <= 1024, "Le {largest_le}");
    // A link of 64 KiB (vpcd's): the card decides, as without a limit.
    let (tap, log) = spy(faults);
    read(Link::carrying(tap, 0x10000)).unwrap();
    assert!(wire(&log).iter().any(|w| matches!(w, Wire::Command { extended: true, .. })));
}

#[test]
fn ef_card_access_handed_over_by_the_platform_opens_pace_on_a_chip_that_keeps_it_from_the_app() {
    // iOS reads EF.CardAccess itself and keeps it from the app: without the bytes, a read by CAN
    // alone has no PACE to run (and BAC needs the MRZ).
    let hidden = Faults { hide_card_access: true, ..Faults::default() };
    let error = read(VirtualChip::new(card(), hidden.clone(), DEMO_SEED)).unwrap_err();
    assert!(error.to_string().contains("this card offers no PACE"), "{error}");
    // Handed the bytes the platform read, the reader runs PACE and never asks for the file.
    let card_access = card().card_access.unwrap();
    let (tap, log) = spy(hidden);
    let doc = read(Link { inner: tap, max: None, card_access: Some(card_access.clone()) }).unwrap();
    assert!(doc.access().protocol.starts_with("PACE"), "{}", doc.access().protocol);
    assert_eq!(doc.card_access.as_deref(), Some(&card_access[..]));
    let whole = read(VirtualChip::new(card(), Faults::default(), DEMO_SEED)).unwrap();
    assert_eq!(doc.data_groups, whole.data_groups);
    let asked = log.commands().iter().any(|apdu| apdu.get(1..4) == Some(&[0xB0, 0x9C, 0x00][..]));
    assert!(!asked, "EF.CardAccess was read from the chip");
}

/// A link that stops answering (a phone's NFC timeout).
struct Silent;

impl Transport for Silent {
    fn transmit(&mut self, _: &[u8]) -> Result<Vec<u8>, TransportError> {
        Err(TransportError::CardUnresponsive)
    }
}

#[test]
fn a_link_that_fails_while_ef_card_access_is_read_ends_the_read_instead_of_skipping_pace() {
    // Before the fix the failure read as "this card offers no PACE": a fallback on a fault.
    // The failure counts as a lost card: the read asks for it back (and this helper has none).
    let error = read(Silent).unwrap_err();
    assert!(matches!(error, Error::Transport(TransportError::NoCard)), "{error}");
    assert!(!error.to_string().contains("PACE"), "{error}");
}
