//! The virtual chip: an ICAO 9303 eMRTD application with a file system, EF.CardAccess in the
//! master file, PACE (Generic Mapping, any standardized curve or DH group, CAN and MRZ) and
//! BAC, 3DES and AES secure messaging, short and extended READ BINARY (and `B1` past 32 KiB),
//! and the CCCD's answer `6D00` to SELECT MF. Fault switches make it behave like difficult
//! real cards.

mod pace;

use std::time::Duration;

use cancuoc::internals::apdu::{Command, Response, StatusWord};
use cancuoc::internals::bac;
use cancuoc::internals::codec::ByteReader;
use cancuoc::internals::codec::tlv::tlv;
use cancuoc::internals::files::AID_EMRTD;
use cancuoc::internals::sm::SecureMessaging;
use cancuoc::transport::{Transport, TransportError};

use crate::issue::IssuedDocument;
use crate::rng::SeededRng;

/// Historical bytes of the virtual chip's ATR.
const HISTORICAL_BYTES: &[u8] = b"cancuoc-vc";

/// Ways to make the chip difficult, as real cards are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults {
    /// Wait this long before each answer (applied by the vpcd bridge).
    pub delay: Duration,
    /// Vanish after this many APDUs, as a card pulled from the reader.
    pub tear_after: Option<usize>,
    /// How the chip treats extended-length APDUs (it takes them by default).
    pub no_extended: NoExtended,
    /// What the ATR's historical bytes say of extended length: `None` proprietary bytes that
    /// say nothing (the default), else the card capabilities with "extended Lc and Le" set or
    /// not (ISO/IEC 7816-4, third software function table).
    pub atr_says_extended: Option<bool>,
    /// EF.ATR/INFO (FID 2F01, SFI 01) in the master file with extended length information
    /// allowing extended responses or not; `None`: no such file (6A82).
    pub atr_info_says_extended: Option<bool>,
    /// Refuse READ BINARY with a larger Le with `6700`.
    pub max_le: Option<usize>,
    /// Hide EF.CardAccess and refuse PACE, as BAC-only chips do.
    pub no_pace: bool,
    /// Answer PACE's mutual authentication with a wrong token (one byte changed), as a man in
    /// the middle or a chip without the right keys would: the reader must stop, not fall back.
    pub pace_bad_token: bool,
    /// Refuse INTERNAL AUTHENTICATE (6D00) although DG15 holds a key: what a copy of the data
    /// without the private key can do.
    pub refuse_active_authentication: bool,
    /// How a chip without short EF identifiers answers READ BINARY by one (ISO/IEC 7816-4 lets
    /// a card do without them; it takes them by default): the reader must select each file.
    pub no_short_ef_ids: NoShortEfIds,
    /// Refuse (`6700`) an extended READ BINARY asking for more than the file holds from its
    /// offset, instead of answering what there is with `6282` as ISO/IEC 7816-4 has it.
    pub extended_within_file_only: bool,
    /// Refuse PACE's MSE:Set AT with this status word (6A80, 6982, 6D00, …) although
    /// EF.CardAccess offers it: what a chip stripped of PACE, or a relay that wants BAC, does.
    pub refuse_pace: Option<StatusWord>,
    /// Serve only the first N bytes of EF.CardAccess (its PACEInfo cut short).
    pub truncate_card_access: Option<usize>,
}

/// How a chip without short EF identifiers answers a READ BINARY that names one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum NoShortEfIds {
    /// It takes them.
    #[default]
    Supported,
    /// `6A86` (incorrect P1-P2), under secure messaging when the command came under it.
    Refused,
    /// A plain `6A86` that ends secure messaging (ICAO 9303-11 lets a chip end the session on
    /// any error).
    EndSm,
}

impl NoShortEfIds {
    /// `refused` or `end-sm`, as `cancuoc-vcard --no-short-ef-ids` takes them.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "refused" => Some(Self::Refused),
            "end-sm" => Some(Self::EndSm),
            _ => None,
        }
    }
}

/// How a chip that cannot take extended-length APDUs answers one. ICAO 9303-11 allows each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum NoExtended {
    /// It takes them.
    #[default]
    Supported,
    /// Its applet answers `6700` under secure messaging, as a well-behaved one does.
    Refused,
    /// It answers a plain `6700` and ends secure messaging (ICAO 9303-11 lets a chip end the
    /// session on any error).
    EndSm,
    /// Its runtime answers a plain `6700` without the applet seeing the command: the send
    /// sequence counter does not move and the session stays as it was.
    Ignore,
}

impl NoExtended {
    /// From the command-line word: `refused`, `end-sm` or `ignore`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "refused" => Some(Self::Refused),
            "end-sm" => Some(Self::EndSm),
            "ignore" => Some(Self::Ignore),
            _ => None,
        }
    }
}

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

    fn select(&mut self, command: &Command) -> Response {
        match command.p1 {
            0x04 => {
                if command.data == AID_EMRTD {
                    self.application_selected = true;
                    self.selected_file = None;
                    status(StatusWord::OK)
                } else {
                    status(StatusWord::FILE_NOT_FOUND)
                }
            }
            // SELECT MF: Vietnamese chips answer "instruction not supported" (docs/research/cccd.md
            // §1.2, NFCPassportReader issue 219).
            0x00 if command.data.is_empty() || command.data == [0x3F, 0x00] => status(StatusWord::INS_NOT_SUPPORTED),
            0x00 | 0x02 => {
                let fid = match command.data.as_slice() {
                    [hi, lo] => u16::from_be_bytes([*hi, *lo]),
                    _ => return status(StatusWord::WRONG_DATA),
                };
                if self.file(fid).is_some() {
                    self.selected_file = Some(fid);
                    status(StatusWord::OK)
                } else {
                    status(StatusWord::FILE_NOT_FOUND)
                }
            }
            _ => status(StatusWord::WRONG_P1P2),
        }
    }

    /// GENERAL AUTHENTICATE outside secure messaging: a PACE step.
    fn general_authenticate(&mut self, command: &Command) -> Response {
        let Some(pace) = &mut self.pace else { return status(StatusWord::INS_NOT_SUPPORTED) };
        match pace.general_authenticate(&mut self.rng, command) {
            pace::Outcome::Answer(r) => r,
            pace::Outcome::Established(r, sm) => {
                self.sm = Some(sm);
                self.application_selected = false;
                r
            }
        }
    }

    /// Chip Authentication v1: K = x(SK_chip · PK_PCD), the new AES session from the next
    /// command on (ICAO 9303-11 §6.2).
    fn chip_authentication(&mut self, command: &Command) -> Response {
        self.ca_selected = false;
        let Some(key) = self.document.chip_key.clone() else { return status(StatusWord::CONDITIONS_NOT_SATISFIED) };
        let offer = crate::security::CCCD_PACE;
        let Ok(infos) = cancuoc::lds::SecurityInfos::parse(&crate::security::card_access(&[offer])) else {
            return status(StatusWord::WRONG_DATA);
        };
        let Some(domain) = infos.pace().next().and_then(|i| cancuoc::internals::pace::Domain::for_info(i, &infos).ok())
        else {
            return status(StatusWord::WRONG_DATA);
        };
        let Ok(pk) =
            cancuoc::internals::pace::dynamic_data(&command.data, 0x80, "CA").and_then(|b| domain.decode(&b, "CA"))
        else {
            return status(StatusWord::WRONG_DATA);
        };
        let Ok(shared) = domain.multiply(&key, &pk).and_then(|k| domain.shared_secret(&k)) else {
            return status(StatusWord::WRONG_DATA);
        };
        self.next_sm = Some(cancuoc::internals::pace::session(offer.cipher, &shared).0);
        Response::new(tlv(0x7C, &[]), StatusWord::OK)
    }

    /// Active Authentication: ECDSA-SHA256 (P-256) over the challenge, plain r ‖ s, or RSA
    /// ISO/IEC 9796-2 scheme 1 with SHA-1.
    fn active_authentication(&mut self, command: &Command) -> Response {
        use p256::ecdsa::signature::Signer;
        if let Some(key) = self.document.active_rsa_key.as_deref().and_then(crate::rsa::RsaPrivateKey::from_pkcs8) {
            if command.data.len() != 8 {
                return status(StatusWord::WRONG_LENGTH);
            }
            return match key.sign_9796_2(&command.data, &mut self.rng) {
                Some(signature) => Response::new(signature, StatusWord::OK),
                None => status(StatusWord::CONDITIONS_NOT_SATISFIED),
            };
        }
        let Some(key) = self.document.active_key.as_deref().and_then(|k| p256::ecdsa::SigningKey::from_slice(k).ok())
        else {
            return status(StatusWord::INS_NOT_SUPPORTED);
        };
        if command.data.len() != 8 {
            return status(StatusWord::WRONG_LENGTH);
        }
        let signature: p256::ecdsa::Signature = key.sign(&command.data);
        Response::new(signature.to_bytes().to_vec(), StatusWord::OK)
    }

    fn get_challenge(&mut self, command: &Command) -> Response {
        if command.le != Some(8) {
            return status(StatusWord::WRONG_LENGTH);
        }
        let mut rnd_ic = [0u8; 8];
        self.rng.fill(&mut rnd_ic);
        self.rnd_ic = Some(rnd_ic);
        Response::new(rnd_ic.to_vec(), StatusWord::OK)
    }

    fn external_authenticate(&mut self, command: &Command) -> Response {
        let Some(rnd_ic) = self.rnd_ic.take() else {
            return status(StatusWord::CONDITIONS_NOT_SATISFIED);
        };
        let mut k_ic = [0u8; 16];
        self.rng.fill(&mut k_ic);
        match bac::card_respond(&self.document.mrz_key, &rnd_ic, &k_ic, &command.data) {
            Some((answer, sm)) => {
                self.sm = Some(sm);
                Response::new(answer, StatusWord::OK)
            }
            None => status(StatusWord::VERIFICATION_FAILED),
        }
    }

    /// The file `fid` in the current DF: the eMRTD application once selected, else the master
    /// file, which holds EF.CardAccess and EF.CardSecurity on a PACE chip.
    fn file(&self, fid: u16) -> Option<&Vec<u8>> {
        if self.application_selected {
            return self.document.files.get(&fid);
        }
        if fid == FID_ATR_INFO {
            return self.atr_info.as_ref();
        }
        self.pace.as_ref()?;
        match fid {
            FID_CARD_ACCESS => self.document.card_access.as_ref(),
            FID_CARD_SECURITY => self.document.card_security.as_ref(),
            _ => None,
        }
    }

    fn read_binary(&mut self, command: &Command) -> Response {
        if self.faults.max_le.zip(command.le).is_some_and(|(max, le)| le > max) {
            return status(StatusWord::WRONG_LENGTH);
        }
        let (fid, offset) = if command.ins == 0xB1 {
            let mut r = ByteReader::new(&command.data, "offset");
            let Ok(offset_do) = r.expect_tlv(0x54) else { return status(StatusWord::WRONG_DATA) };
            let offset = offset_do.value.iter().fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
            (self.selected_file, offset)
        } else if command.p1 & 0x80 != 0 {
            if self.faults.no_short_ef_ids != NoShortEfIds::Supported {
                return status(StatusWord::WRONG_P1P2);
            }
            let sfi = u16::from(command.p1 & 0x1F);
            // In the master file, SFI 01 is EF.ATR/INFO; in the application, the data groups.
            let fid = if !self.application_selected && sfi == 1 { FID_ATR_INFO } else { 0x0100 | sfi };
            if self.file(fid).is_none() {
                return status(StatusWord::FILE_NOT_FOUND);
            }
            self.selected_file = Some(fid);
            (Some(fid), usize::from(command.p2))
        } else {
            (self.selected_file, usize::from(u16::from_be_bytes([command.p1 & 0x7F, command.p2])))
        };
        let Some(fid) = fid else { return status(StatusWord::CONDITIONS_NOT_SATISFIED) };
        if self.document.protected.contains(&fid) {
            return status(StatusWord::SECURITY_STATUS_NOT_SATISFIED);
        }
        let Some(file) = self.file(fid) else { return status(StatusWord::FILE_NOT_FOUND) };
        let Some(rest) = file.get(offset..) else { return status(StatusWord::WRONG_OFFSET) };
        let le = command.le.unwrap_or(256);
        if command.ins == 0xB1 {
            // The answer is DO'53' around the data; Le counts the whole object.
            let room = le.saturating_sub(4);
            let take = rest.len().min(room);
            let data = rest.get(..take).unwrap_or_default();
            let sw = if take < room { StatusWord::END_OF_FILE } else { StatusWord::OK };
            return Response::new(tlv(0x53, data), sw);
        }
        if self.faults.extended_within_file_only && command.extended && le > rest.len() {
            return status(StatusWord::WRONG_LENGTH);
        }
        let take = rest.len().min(le);
        let sw = if take < le { StatusWord::END_OF_FILE } else { StatusWord::OK };
        Response::new(rest.get(..take).unwrap_or_default().to_vec(), sw)
    }
}

/// EF.CardAccess (ICAO 9303-10 §3.11.3).
const FID_CARD_ACCESS: u16 = 0x011C;
/// EF.CardSecurity (ICAO 9303-10 §3.11.4).
const FID_CARD_SECURITY: u16 = 0x011D;

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

/// EF.ATR/INFO's FID in the master file.
const FID_ATR_INFO: u16 = 0x2F01;

/// EF.ATR/INFO holding the extended length information DO'7F66' (most bytes in a command and
/// in a response): 0x1000 each, or 0xFF / 0x100 for a card without extended length.
fn atr_info(extended: bool) -> Vec<u8> {
    let (command, response): (&[u8], &[u8]) =
        if extended { (&[0x10, 0x00], &[0x10, 0x00]) } else { (&[0xFF], &[0x01, 0x00]) };
    tlv(0x7F66, &[tlv(0x02, command), tlv(0x02, response)].concat())
}

/// EF.CardAccess whose SecurityInfos contents are cut after `keep` bytes, the SET's length
/// rewritten to match: a well-formed file around a PACEInfo cut short.
fn truncated_security_infos(card_access: &[u8], keep: usize) -> Vec<u8> {
    let mut r = ByteReader::new(card_access, "EF.CardAccess");
    let contents = r.expect_tlv(0x31).map(|set| set.value.to_vec()).unwrap_or_else(|_| card_access.to_vec());
    tlv(0x31, contents.get(..keep.min(contents.len())).unwrap_or_default())
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
