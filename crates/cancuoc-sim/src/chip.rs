//! The virtual chip: an ICAO 9303 eMRTD application with a file system, EF.CardAccess in the
//! master file, PACE (Generic Mapping, any standardized curve or DH group, CAN and MRZ) and
//! BAC, 3DES and AES secure messaging, short and extended READ BINARY (and `B1` past 32 KiB),
//! and the CCCD's answer `6D00` to SELECT MF. Fault switches make it behave like difficult
//! real cards.

mod faults;
mod files;
mod pace;
mod responders;

pub use faults::{Faults, NoExtended, NoShortEfIds};
use files::{FID_CARD_ACCESS, atr_info, truncated_security_infos};

use cancuoc::internals::apdu::{Command, Response, StatusWord};
use cancuoc::internals::sm::SecureMessaging;
use cancuoc::transport::{Transport, TransportError};

use crate::issue::IssuedDocument;
use crate::rng::SeededRng;

/// Historical bytes of the virtual chip's ATR.
const HISTORICAL_BYTES: &[u8] = b"cancuoc-vc";

/// The chip.
pub struct VirtualChip {
    document: IssuedDocument,
    faults: Faults,
    rng: SeededRng,
    application_selected: bool,
    selected_file: Option<u16>,
    rnd_ic: Option<[u8; 8]>,
    sm: Option<SecureMessaging>,
    pace: Option<pace::PaceCard>,
    /// MSE:Set AT for Chip Authentication accepted.
    ca_selected: bool,
    /// The session that replaces the current one after this answer (Chip Authentication).
    next_sm: Option<SecureMessaging>,
    apdus: usize,
    torn: bool,
    /// EF.ATR/INFO, when the faults give the chip one.
    atr_info: Option<Vec<u8>>,
}

impl std::fmt::Debug for VirtualChip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VirtualChip({} files, {} APDUs)", self.document.files.len(), self.apdus)
    }
}

impl VirtualChip {
    /// A chip holding `document`, drawing its nonces from `seed`.
    pub fn new(mut document: IssuedDocument, faults: Faults, seed: &[u8]) -> Self {
        let mut pace = if faults.no_pace { None } else { pace_card(&document) };
        if let (Some(keep), Some(card_access)) = (faults.truncate_card_access, &mut document.card_access) {
            *card_access = truncated_security_infos(card_access, keep);
        }
        let atr_info = faults.atr_info_says_extended.map(atr_info);
        if let Some(pace) = &mut pace {
            pace.bad_token = faults.pace_bad_token;
        }
        Self {
            pace,
            ca_selected: false,
            next_sm: None,
            document,
            faults,
            rng: SeededRng::new(seed),
            application_selected: false,
            selected_file: None,
            rnd_ic: None,
            sm: None,
            apdus: 0,
            torn: false,
            atr_info,
        }
    }

    /// The fault switches.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Resets the chip's session as a power cycle does (files and APDU count stay).
    pub fn power_on(&mut self) {
        self.application_selected = false;
        self.selected_file = None;
        self.rnd_ic = None;
        self.sm = None;
        self.ca_selected = false;
        self.next_sm = None;
        if let Some(pace) = &mut self.pace {
            pace.state = pace::PaceState::Idle;
        }
    }

    /// Puts a torn card back on the reader: it answers again, powered up afresh (files and
    /// APDU count stay, the tear fault is spent).
    pub fn put_back(&mut self) {
        self.torn = false;
        self.faults.tear_after = None;
        self.power_on();
    }

    /// True once the card was "torn" away (its tear fault struck) and not yet put back.
    pub fn is_torn(&self) -> bool {
        self.torn
    }

    /// The chip's answer to reset: `3B 8n 80 01` + historical bytes + TCK (ISO/IEC 7816-3
    /// §8.2; the PC/SC part 3 form for contactless cards). The historical bytes are
    /// proprietary, or the card capabilities when [`Faults::atr_says_extended`] is set.
    pub fn atr(&self) -> Vec<u8> {
        let historical = match self.faults.atr_says_extended {
            None => HISTORICAL_BYTES.to_vec(),
            // Category 80, card capabilities (tag 7, 3 bytes): DF selection by full name,
            // data unit size 1, and the third table's "extended Lc and Le fields" bit.
            Some(extended) => vec![0x80, 0x73, 0x80, 0x01, if extended { 0x40 } else { 0x00 }],
        };
        let mut atr = vec![0x3B, 0x80 | u8::try_from(historical.len()).unwrap_or(0), 0x80, 0x01];
        atr.extend_from_slice(&historical);
        let tck = atr.iter().skip(1).fold(0u8, |x, b| x ^ b);
        atr.push(tck);
        atr
    }

    /// APDUs processed so far.
    pub fn apdus(&self) -> usize {
        self.apdus
    }

    /// Processes one command APDU; `None` once the chip has been "torn" away.
    pub fn process(&mut self, apdu: &[u8]) -> Option<Vec<u8>> {
        if self.torn {
            return None;
        }
        self.apdus = self.apdus.saturating_add(1);
        if self.faults.tear_after.is_some_and(|n| self.apdus > n) {
            self.torn = true;
            return None;
        }
        let Some(command) = Command::parse(apdu) else {
            return Some(Response::new(Vec::new(), StatusWord::WRONG_LENGTH).to_bytes());
        };
        Some(match self.sm.take() {
            None if command.ins == 0x86 => self.general_authenticate(&command).to_bytes(),
            None => self.dispatch(&command, false).to_bytes(),
            Some(sm) => self.process_secure(sm, &command).to_bytes(),
        })
    }

    fn process_secure(&mut self, mut sm: SecureMessaging, command: &Command) -> Response {
        if command.cla & 0x0C != 0x0C {
            // A plain command ends the secure session (ICAO 9303-11 §9.8.7).
            return Response::new(Vec::new(), StatusWord::SM_OBJECTS_MISSING);
        }
        if command.extended {
            match self.faults.no_extended {
                NoExtended::Ignore => {
                    // The runtime refuses it before the applet: the session is untouched.
                    self.sm = Some(sm);
                    return status(StatusWord::WRONG_LENGTH);
                }
                NoExtended::EndSm => {
                    let _ = sm.unprotect_command(command);
                    return status(StatusWord::WRONG_LENGTH);
                }
                NoExtended::Supported | NoExtended::Refused => {}
            }
        }
        let by_short_id = command.ins == 0xB0 && command.p1 & 0x80 != 0;
        if by_short_id && self.faults.no_short_ef_ids == NoShortEfIds::EndSm {
            let _ = sm.unprotect_command(command);
            return status(StatusWord::WRONG_P1P2);
        }
        let plain = match sm.unprotect_command(command) {
            Ok(plain) => plain,
            Err(_) => return Response::new(Vec::new(), StatusWord::SM_OBJECTS_INCORRECT),
        };
        let mut answer = self.dispatch(&plain, true);
        if !command.extended && answer.data.len() > sm.max_short_response_data() {
            answer = Response::new(Vec::new(), StatusWord::WRONG_LENGTH);
        }
        let protected = sm.protect_response(&answer, plain.ins & 1 == 1);
        // Chip Authentication: this answer still goes under the old keys, the next under the new.
        if let Some(next) = self.next_sm.take() {
            self.sm = Some(next);
        } else if self.sm.is_none() {
            // EXTERNAL AUTHENTICATE inside SM restarts BAC; otherwise keep the session.
            self.sm = Some(sm);
        }
        protected
    }

    /// Runs a plain command; `secure` when it arrived under secure messaging.
    fn dispatch(&mut self, command: &Command, secure: bool) -> Response {
        if command.extended && self.faults.no_extended != NoExtended::Supported {
            return status(StatusWord::WRONG_LENGTH);
        }
        match command.ins {
            0xA4 => self.select(command),
            0x22 if command.p1 == 0x41 && command.p2 == 0xA4 && secure => {
                self.ca_selected = self.document.chip_key.is_some();
                status(if self.ca_selected { StatusWord::OK } else { StatusWord::WRONG_DATA })
            }
            0x86 if secure && self.ca_selected => self.chip_authentication(command),
            0x88 if secure && self.faults.refuse_active_authentication => status(StatusWord::INS_NOT_SUPPORTED),
            0x88 if secure => self.active_authentication(command),
            0x22 if command.p1 == 0xC1 && command.p2 == 0xA4 && self.faults.refuse_pace.is_some() => {
                status(self.faults.refuse_pace.unwrap_or(StatusWord::INS_NOT_SUPPORTED))
            }
            0x22 if command.p1 == 0xC1 && command.p2 == 0xA4 => match &mut self.pace {
                Some(pace) => match pace.set_at(command) {
                    pace::Outcome::Answer(r) | pace::Outcome::Established(r, _) => r,
                },
                None => status(StatusWord::INS_NOT_SUPPORTED),
            },
            0x84 => self.get_challenge(command),
            0x82 => self.external_authenticate(command),
            0xB0 | 0xB1 if secure || self.selected_file == Some(FID_CARD_ACCESS) || command.p1 == 0x80 | 0x1C => {
                self.read_binary(command)
            }
            0xB0 | 0xB1 => status(StatusWord::SECURITY_STATUS_NOT_SATISFIED),
            _ => status(StatusWord::INS_NOT_SUPPORTED),
        }
    }
}

/// The card's PACE secrets from its EF.CardAccess; `None` when it lists no PACE.
fn pace_card(document: &IssuedDocument) -> Option<pace::PaceCard> {
    let infos = cancuoc::lds::SecurityInfos::parse(document.card_access.as_deref()?).ok()?;
    infos.pace().next()?;
    let can = cancuoc::internals::pace::Can::new(&document.can).ok()?;
    Some(pace::PaceCard {
        infos,
        mrz: cancuoc::internals::pace::PacePassword::Mrz(document.mrz_key.clone()),
        can: cancuoc::internals::pace::PacePassword::Can(can),
        ca_private_key: document.ca_private_key.clone(),
        state: pace::PaceState::Idle,
        bad_token: false,
    })
}

fn status(sw: StatusWord) -> Response {
    Response::new(Vec::new(), sw)
}

impl Transport for VirtualChip {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        self.process(apdu).ok_or(TransportError::CardRemoved)
    }

    fn reset(&mut self) -> Result<(), TransportError> {
        if self.torn {
            return Err(TransportError::CardRemoved);
        }
        self.power_on();
        Ok(())
    }

    fn atr(&self) -> Option<Vec<u8>> {
        Some(VirtualChip::atr(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::issue::CitizenProfile;

    fn chip() -> VirtualChip {
        let document = IssuedDocument::issue(&CitizenProfile::specimen(), b"t").unwrap();
        VirtualChip::new(document, Faults::default(), b"t")
    }

    fn sw(answer: &[u8]) -> u16 {
        u16::from_be_bytes([answer[answer.len() - 2], answer[answer.len() - 1]])
    }

    #[test]
    fn select_mf_answers_6d00_like_a_cccd() {
        let mut chip = chip();
        assert_eq!(sw(&chip.process(&[0x00, 0xA4, 0x00, 0x0C, 0x02, 0x3F, 0x00]).unwrap()), 0x6D00);
        assert_eq!(sw(&chip.process(&[0x00, 0xA4, 0x04, 0x0C, 0x07, 0xA0, 0, 0, 2, 0x47, 0x10, 1]).unwrap()), 0x9000);
    }

    #[test]
    fn files_need_secure_messaging() {
        let mut chip = chip();
        chip.process(&[0x00, 0xA4, 0x04, 0x0C, 0x07, 0xA0, 0, 0, 2, 0x47, 0x10, 1]).unwrap();
        assert_eq!(sw(&chip.process(&[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x01, 0x01]).unwrap()), 0x9000);
        assert_eq!(sw(&chip.process(&[0x00, 0xB0, 0x00, 0x00, 0x10]).unwrap()), 0x6982);
        assert_eq!(sw(&chip.process(&[0x00, 0x82, 0x00, 0x00, 0x28]).unwrap()), 0x6985);
    }

    #[test]
    fn tears_after_n_apdus_and_stays_gone() {
        let document = IssuedDocument::issue(&CitizenProfile::specimen(), b"t").unwrap();
        let mut chip = VirtualChip::new(document, Faults { tear_after: Some(1), ..Faults::default() }, b"t");
        assert!(chip.process(&[0x00, 0x84, 0x00, 0x00, 0x08]).is_some());
        assert!(chip.process(&[0x00, 0x84, 0x00, 0x00, 0x08]).is_none());
        assert!(chip.transmit(&[0x00, 0x84, 0x00, 0x00, 0x08]).is_err());
    }

    #[test]
    fn atr_has_a_valid_check_byte() {
        let atr = chip().atr();
        assert_eq!(atr.iter().skip(1).fold(0u8, |x, b| x ^ b), 0);
        assert!(atr.len() <= 33);
    }
}
