//! PACE against the virtual chip, in process: every standardized curve and DH group, every
//! cipher, CAN and MRZ, wrong passwords, and the fallback to BAC.

// A test harness fails loudly: unwrap, expect and panic are how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use cancuoc::access::AccessKey;
use cancuoc::internals::codec::ByteReader;
use cancuoc::internals::pace::Can;
use cancuoc::lds::security_infos::Mapping;
use cancuoc::lds::security_infos::{KeyAgreement, SmCipherKind};
use cancuoc::{Error, ErrorClass, ReadOptions, Reader};
use cancuoc_sim::issue::{CitizenProfile, IssuedDocument};
use cancuoc_sim::security::PaceOffer;
use cancuoc_sim::wiretap::{Event, WireLog, Wiretap};
use cancuoc_sim::{DEMO_SEED, Faults, SeededRng, VirtualChip};

fn chip_with(protocols: &[PaceOffer], faults: Faults) -> (VirtualChip, IssuedDocument) {
    let document = IssuedDocument::issue(&CitizenProfile::specimen(), DEMO_SEED).unwrap();
    let document = if protocols.is_empty() { document } else { document.with_pace(protocols) };
    (VirtualChip::new(document.clone(), faults, DEMO_SEED), document)
}

fn read(chip: VirtualChip, key: &AccessKey) -> Result<cancuoc::Document, Error> {
    let mut rng = SeededRng::new(b"terminal");
    let mut session = Reader::open(chip).authenticate(key, &mut rng)?;
    session.read(&ReadOptions::default().with_photo(false), &mut rng, &mut |_| {})
}

fn can() -> AccessKey {
    AccessKey::can("012345").unwrap()
}

#[test]
fn the_cccd_profile_opens_with_the_can_alone() {
    let (chip, _) = chip_with(&[], Faults::default());
    let doc = read(chip, &can()).unwrap();
    assert_eq!(doc.access().protocol, "PACE-ECDH-GM-AES-128 brainpoolP256r1 CAN");
    assert_eq!(doc.access().fallback, None);
    assert_eq!(doc.cccd().unwrap().unwrap().full_name(), Some("Nguyễn Văn Mẫu"));
}

#[test]
fn every_standardized_curve_and_group_round_trips() {
    let ids = [0u8, 1, 2, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18];
    for id in ids {
        let agreement = if id <= 2 { KeyAgreement::Dh } else { KeyAgreement::Ecdh };
        let (chip, _) = chip_with(&[PaceOffer::generic(agreement, SmCipherKind::Aes128, id)], Faults::default());
        let doc = read(chip, &can()).unwrap_or_else(|e| panic!("parameter ID {id}: {e}"));
        assert!(doc.access().protocol.starts_with("PACE-"), "{id}: {}", doc.access().protocol);
        assert!(doc.dg1().is_ok(), "{id}");
    }
}

#[test]
fn every_cipher_round_trips_with_both_passwords() {
    for cipher in [SmCipherKind::Tdes, SmCipherKind::Aes128, SmCipherKind::Aes192, SmCipherKind::Aes256] {
        for key in [can(), AccessKey::mrz("090012345", "900115", "300115").unwrap()] {
            let (chip, _) = chip_with(&[PaceOffer::generic(KeyAgreement::Ecdh, cipher, 12)], Faults::default());
            let doc = read(chip, &key).unwrap_or_else(|e| panic!("{cipher:?}: {e}"));
            assert!(doc.access().protocol.contains(cipher.name()), "{}", doc.access().protocol);
        }
    }
}

#[test]
fn a_wrong_can_fails_cleanly_naming_the_can() {
    let (chip, _) = chip_with(&[], Faults::default());
    let err = read(chip, &AccessKey::can("012346").unwrap()).unwrap_err();
    assert_eq!(err.class(), ErrorClass::WrongKey);
    assert!(err.to_string().contains("last 6 digits of the ID number"), "{err}");
}

#[test]
fn without_pace_the_cccd_key_falls_back_to_bac_and_says_so() {
    let (chip, document) = chip_with(&[], Faults { no_pace: true, ..Faults::default() });
    let key = AccessKey::CanOrMrz { can: Can::new("012345").unwrap(), mrz: vec![document.mrz_key.clone()] };
    let doc = read(chip, &key).unwrap();
    assert_eq!(doc.access().protocol, "BAC");
    assert!(doc.access().fallback.as_deref().unwrap().contains("no PACE"));
    assert!(doc.card_access.is_none());
}

#[test]
fn a_wrong_can_with_right_dates_falls_back_to_bac() {
    let (chip, document) = chip_with(&[], Faults::default());
    let key = AccessKey::CanOrMrz { can: Can::new("999999").unwrap(), mrz: vec![document.mrz_key.clone()] };
    let doc = read(chip, &key).unwrap();
    assert_eq!(doc.access().protocol, "BAC");
    assert!(doc.access().fallback.as_deref().unwrap().contains("PACE did not succeed"), "{:?}", doc.access().fallback);
}

#[test]
fn the_can_alone_on_a_bac_only_chip_says_what_to_give() {
    let (chip, _) = chip_with(&[], Faults { no_pace: true, ..Faults::default() });
    let err = read(chip, &can()).unwrap_err();
    assert_eq!(err.class(), ErrorClass::Unsupported);
    assert!(err.to_string().contains("date of birth"), "{err}");
}

#[test]
fn pace_works_on_a_chip_without_extended_length() {
    let (chip, _) = chip_with(
        &[],
        Faults { no_extended: cancuoc_sim::chip::NoExtended::Refused, max_le: Some(150), ..Faults::default() },
    );
    let mut rng = SeededRng::new(b"terminal");
    let mut session = Reader::open(chip).authenticate(&can(), &mut rng).unwrap();
    let doc = session.read(&ReadOptions::default(), &mut rng, &mut |_| {}).unwrap();
    assert_eq!(doc.face().unwrap().data, cancuoc_sim::issue::FACE_JPEG);
}

#[test]
fn several_pace_infos_send_the_parameter_reference() {
    let protocols = [
        PaceOffer::generic(KeyAgreement::Ecdh, SmCipherKind::Aes256, 16),
        PaceOffer::generic(KeyAgreement::Ecdh, SmCipherKind::Aes128, 13),
    ];
    let (chip, _) = chip_with(&protocols, Faults::default());
    let doc = read(chip, &can()).unwrap();
    assert_eq!(doc.access().protocol, "PACE-ECDH-GM-AES-256 brainpoolP384r1 CAN");
}

#[test]
fn integrated_mapping_round_trips_on_ecdh_and_dh() {
    for (agreement, id) in
        [(KeyAgreement::Ecdh, 13), (KeyAgreement::Ecdh, 12), (KeyAgreement::Ecdh, 17), (KeyAgreement::Dh, 0)]
    {
        let offer =
            PaceOffer { agreement, mapping: Mapping::Integrated, cipher: SmCipherKind::Aes128, parameter_id: id };
        let (chip, _) = chip_with(&[offer], Faults::default());
        let doc = read(chip, &can()).unwrap_or_else(|e| panic!("IM {id}: {e}"));
        assert!(doc.access().protocol.contains("-IM-AES-128"), "{}", doc.access().protocol);
    }
}

#[test]
fn chip_authentication_mapping_checks_the_key_in_card_security() {
    let offer = PaceOffer {
        agreement: KeyAgreement::Ecdh,
        mapping: Mapping::ChipAuthentication,
        cipher: SmCipherKind::Aes128,
        parameter_id: 13,
    };
    let (chip, _) = chip_with(&[offer], Faults::default());
    let doc = read(chip, &can()).unwrap();
    assert_eq!(doc.access().protocol, "PACE-ECDH-CAM-AES-128 brainpoolP256r1 CAN");
    assert!(doc.access().cam_key_matched);
    assert!(doc.card_security.is_some());
    // A clone: EF.CardSecurity of another chip (another CA key) fails the check.
    let (_, mut document) = chip_with(&[offer], Faults::default());
    let other = IssuedDocument::issue(&CitizenProfile::specimen(), b"another chip").unwrap().with_pace(&[offer]);
    document.card_security = other.card_security;
    let chip = VirtualChip::new(document, Faults::default(), DEMO_SEED);
    let err = read(chip, &can()).unwrap_err();
    assert_eq!(err.class(), ErrorClass::Tampered, "{err}");
    assert!(err.to_string().contains("cloned"), "{err}");
}

/// The curve's field size in bytes, by standardized parameter ID (ICAO 9303-11 §9.5.1).
fn field_len(id: u8) -> usize {
    match id {
        8 | 9 => 24,
        10 | 11 => 28,
        12 | 13 => 32,
        14 => 40,
        15 | 16 => 48,
        17 => 64,
        _ => 66,
    }
}

/// The public keys of PACE's GENERAL AUTHENTICATE exchanges (DO'81'–'84' in DO'7C', ICAO
/// 9303-11 §4.4.4.2), from both sides of the wire.
fn public_keys(log: &WireLog) -> Vec<(u32, Vec<u8>)> {
    let mut keys = Vec::new();
    let mut dynamic = |data: &[u8]| {
        let mut r = ByteReader::new(data, "GENERAL AUTHENTICATE");
        if let Ok(outer) = r.expect_tlv(0x7C) {
            let mut inner = outer.reader("DO'7C'");
            while let Ok(object) = inner.tlv() {
                if matches!(object.tag, 0x81..=0x84) && object.value.len() > 32 {
                    keys.push((object.tag, object.value.to_vec()));
                }
            }
        }
    };
    let mut general_authenticate = false;
    for event in log.events() {
        match event {
            Event::Command(apdu) => {
                let command = cancuoc::internals::apdu::Command::parse(&apdu);
                general_authenticate = command.as_ref().is_some_and(|c| c.ins == 0x86);
                if let Some(command) = command.filter(|c| c.ins == 0x86) {
                    dynamic(&command.data);
                }
            }
            Event::Answer(answer) if general_authenticate && answer.len() > 2 => {
                dynamic(answer.get(..answer.len() - 2).unwrap_or_default());
            }
            _ => {}
        }
    }
    keys
}

/// Keys and points whose leading bytes are zero come about once in 256 per coordinate: a reader
/// that drops them (an unpadded big integer) fails PACE now and then, never in a short test.
/// Many runs on every standardized curve, each with other nonces and keys on both sides (the
/// chip's seed and the terminal's), must all succeed; so must chip authentication after them.
#[test]
fn many_pace_runs_on_every_curve_all_succeed_whatever_the_leading_bytes() {
    const RUNS: u32 = 32;
    let started = std::time::Instant::now();
    let mut total = 0;
    for id in [8u8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18] {
        for mapping in [Mapping::Generic, Mapping::Integrated] {
            // The Integrated Mapping is defined here for curves with p ≡ 3 (mod 4) only.
            if mapping == Mapping::Integrated && matches!(id, 8 | 10 | 12 | 18) {
                continue;
            }
            let offer = PaceOffer { mapping, ..PaceOffer::generic(KeyAgreement::Ecdh, SmCipherKind::Aes128, id) };
            let document = IssuedDocument::issue(&CitizenProfile::specimen(), DEMO_SEED).unwrap().with_pace(&[offer]);
            for run in 0..RUNS {
                let chip_seed = format!("chip {id} {run}");
                let chip = VirtualChip::new(document.clone(), Faults::default(), chip_seed.as_bytes());
                let (chip, log) = Wiretap::new(chip);
                let mut rng = SeededRng::new(format!("terminal {id} {run}").as_bytes());
                let session = Reader::open(chip).authenticate(&can(), &mut rng);
                assert!(session.is_ok(), "curve {id} {mapping:?}, run {run}: {:?}", session.err());
                // Every public key on the wire, the terminal's and the chip's, at full length.
                for (tag, key) in public_keys(&log) {
                    assert_eq!(key.len(), 1 + 2 * field_len(id), "curve {id} {mapping:?}, run {run}, DO'{tag:02X}'");
                }
                total += 1;
            }
        }
    }
    // Chip authentication over the default chip, many runs.
    for run in 0..RUNS * 2 {
        let (chip, _) = chip_with(&[], Faults::default());
        let mut rng = SeededRng::new(format!("terminal CA {run}").as_bytes());
        let mut session = Reader::open(chip).authenticate(&can(), &mut rng).unwrap();
        let options = ReadOptions::default().with_only(vec![cancuoc::lds::DgNumber::DG14]);
        let mut doc = session.read(&options, &mut rng, &mut |_| {}).unwrap();
        session.authenticate_chip(&mut doc, &mut rng).unwrap();
        assert!(doc.chip_authentication().is_some_and(|ca| ca.result.is_ok()), "CA run {run}");
    }
    eprintln!("{total} PACE runs and {} chip authentications in {:?}", RUNS * 2, started.elapsed());
}
