//! Secure messaging against ICAO 9303-11 App. D.4 (`docs/vectors/icao9303-part11.md` §2,
//! all values [V][X]).

use hex_literal::hex;

use super::*;
use crate::crypto::TdesKey;

/// ICAO 9303-11 App. D.3: KS_Enc, KS_MAC and the starting SSC [V][X].
const D3_KS_ENC: [u8; 16] = hex!("979EC13B1CBFE9DCD01AB0FED307EAE5");
const D3_KS_MAC: [u8; 16] = hex!("F1CB1F1FB5ADF208806B89DC579DC1F8");
const D3_SSC: [u8; 8] = hex!("887022120C06C226");

fn session() -> SecureMessaging {
    let suite = TdesSm::new(TdesKey::new(D3_KS_ENC), TdesKey::new(D3_KS_MAC));
    SecureMessaging::new(Box::new(suite), D3_SSC.to_vec())
}

#[test]
fn select_read_read_match_9303_11_d4() {
    let mut sm = session();
    // D.4.1 SELECT EF.COM.
    let select = Command::new(0x00, 0xA4, 0x02, 0x0C).with_data(hex!("011E").to_vec());
    let protected = sm.protect(&select).unwrap();
    assert_eq!(protected.to_bytes().unwrap(), hex!("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800"));
    let rsp = sm.unprotect(&Response::from_bytes(&hex!("990290008E08FA855A5D4C50A8ED9000")).unwrap()).unwrap();
    assert_eq!(rsp, Response::new(Vec::new(), StatusWord::OK));

    // D.4.2 READ BINARY of 4 bytes.
    let read = Command::new(0x00, 0xB0, 0x00, 0x00).with_le(4);
    assert_eq!(sm.protect(&read).unwrap().to_bytes().unwrap(), hex!("0CB000000D9701048E08ED6705417E96BA5500"));
    let rsp = sm
        .unprotect(&Response::from_bytes(&hex!("8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000")).unwrap())
        .unwrap();
    assert_eq!(rsp.data, hex!("60145F01"));

    // D.4.3 READ BINARY of 18 bytes at offset 4.
    let read = Command::new(0x00, 0xB0, 0x00, 0x04).with_le(0x12);
    assert_eq!(sm.protect(&read).unwrap().to_bytes().unwrap(), hex!("0CB000040D9701128E082EA28A70F3C7B53500"));
    let rsp = sm
        .unprotect(
            &Response::from_bytes(&hex!(
                "871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A990290008E08C8B2787EAEA07D749000"
            ))
            .unwrap(),
        )
        .unwrap();
    assert_eq!(rsp.data, hex!("04303130365F36063034303030305C026175"));
    assert_eq!(sm.ssc(), hex!("887022120C06C22C"));
}

#[test]
fn a_flipped_byte_in_a_response_fails_the_mac() {
    let good = hex!("8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000");
    for i in 0..good.len() - 2 {
        let mut sm = session();
        sm.protect(&Command::new(0x00, 0xA4, 0x02, 0x0C).with_data(hex!("011E").to_vec())).unwrap();
        sm.unprotect(&Response::from_bytes(&hex!("990290008E08FA855A5D4C50A8ED9000")).unwrap()).unwrap();
        sm.protect(&Command::new(0x00, 0xB0, 0x00, 0x00).with_le(4)).unwrap();
        let mut bad = good;
        bad[i] ^= 0x01;
        let result = sm.unprotect(&Response::from_bytes(&bad).unwrap());
        assert!(result.is_err(), "flip at {i} accepted");
    }
}

#[test]
fn a_replayed_response_fails_because_the_ssc_moved_on() {
    let mut sm = session();
    let select = Command::new(0x00, 0xA4, 0x02, 0x0C).with_data(hex!("011E").to_vec());
    sm.protect(&select).unwrap();
    let rsp = Response::from_bytes(&hex!("990290008E08FA855A5D4C50A8ED9000")).unwrap();
    sm.unprotect(&rsp).unwrap();
    sm.protect(&select).unwrap();
    assert_eq!(sm.unprotect(&rsp), Err(SmError::BadMac));
}

#[test]
fn clear_answers_inside_a_session_are_handled_strictly() {
    let mut sm = session();
    assert_eq!(sm.unprotect(&Response::new(Vec::new(), StatusWord::OK)), Err(SmError::Unprotected));
    // Any other clear answer ends the session: whether the chip's SSC moved is unknowable.
    assert_eq!(
        sm.unprotect(&Response::new(Vec::new(), StatusWord::FILE_NOT_FOUND)),
        Err(SmError::PlainAnswer(StatusWord::FILE_NOT_FOUND))
    );
    assert_eq!(
        sm.unprotect(&Response::new(Vec::new(), StatusWord::SM_OBJECTS_INCORRECT)),
        Err(SmError::SessionEnded(StatusWord::SM_OBJECTS_INCORRECT))
    );
    assert_eq!(sm.unprotect(&Response::new(hex!("99029000").to_vec(), StatusWord::OK)), Err(SmError::MissingObjects));
}

#[test]
fn card_and_terminal_sides_round_trip_short_extended_and_odd_ins() {
    let mut terminal = session();
    let mut card = session();
    let commands = [
        Command::new(0x00, 0xB0, 0x00, 0x00).with_le(0xE7),
        Command::new(0x00, 0xB0, 0x01, 0x00).with_le(5000),
        Command::new(0x00, 0xB1, 0x00, 0x00).with_data(hex!("5403008000").to_vec()).with_le(256),
        Command::new(0x00, 0xA4, 0x04, 0x0C).with_data(hex!("A0000002471001").to_vec()),
    ];
    for cmd in commands {
        let protected = terminal.protect(&cmd).unwrap();
        let wire = protected.to_bytes().unwrap();
        let received = Command::parse(&wire).unwrap();
        let plain = card.unprotect_command(&received).unwrap();
        assert_eq!(plain.data, cmd.data);
        assert_eq!(plain.le, cmd.le);
        let answer = Response::new(vec![0x42; 300], StatusWord::OK);
        let protected_answer = card.protect_response(&answer, cmd.ins & 1 == 1);
        assert_eq!(terminal.unprotect(&protected_answer).unwrap(), answer);
    }
}

#[test]
fn aes_sessions_round_trip_and_detect_tampering() {
    use crate::crypto::aes::AesKey;
    let make = || {
        let suite = AesSm::new(AesKey::new(&[7; 16]).unwrap(), AesKey::new(&[9; 16]).unwrap());
        SecureMessaging::new(Box::new(suite), vec![0; 16])
    };
    let (mut terminal, mut card) = (make(), make());
    assert_eq!(terminal.max_short_response_data(), 223);
    let cmd = Command::new(0x00, 0xB0, 0x00, 0x00).with_le(0xDF);
    let plain =
        card.unprotect_command(&Command::parse(&terminal.protect(&cmd).unwrap().to_bytes().unwrap()).unwrap()).unwrap();
    assert_eq!(plain.le, Some(0xDF));
    let answer = Response::new(vec![0x42; 0xDF], StatusWord::OK);
    let mut protected = card.protect_response(&answer, false);
    assert!(protected.to_bytes().len() <= 258);
    let mut tampered = protected.clone();
    tampered.data[5] ^= 1;
    let mut copy = make();
    copy.protect(&cmd).unwrap();
    assert_eq!(copy.unprotect(&tampered), Err(SmError::BadMac));
    assert_eq!(terminal.unprotect(&protected).unwrap(), answer);
    protected.data.clear();
}
