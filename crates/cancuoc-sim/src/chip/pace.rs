//! The card side of PACE Generic Mapping (ICAO 9303-11 §4.4), in mirror image of
//! `cancuoc::access::pace`, using the same group arithmetic, key derivation and tokens.

use cancuoc::access::pace::{Domain, Element, PacePassword, SymmetricKey, dynamic_data, password_key, session, token};
use cancuoc::apdu::{Command, Response, StatusWord};
use cancuoc::codec::ByteReader;
use cancuoc::codec::tlv::tlv;
use cancuoc::lds::security_infos::{PaceInfo, SecurityInfos, SmCipherKind};
use cancuoc::sm::SecureMessaging;

use crate::rng::SeededRng;

/// Where the card is in PACE.
#[derive(Default)]
pub(crate) enum PaceState {
    /// Nothing selected.
    #[default]
    Idle,
    /// MSE:Set AT accepted.
    Selected { info: PaceInfo, domain: Domain, k_pi: SymmetricKey },
    /// Nonce sent.
    NonceSent { info: PaceInfo, domain: Domain, s: Vec<u8> },
    /// Mapping done.
    Mapped { info: PaceInfo, domain: Domain, generator: Element },
    /// Keys agreed; waiting for the terminal's token.
    Agreed { info: PaceInfo, sm: SecureMessaging, ks_mac: SymmetricKey, pk_picc: Vec<u8>, pk_pcd: Vec<u8> },
}

/// The card's PACE secrets and parameters.
pub(crate) struct PaceCard {
    pub(crate) infos: SecurityInfos,
    pub(crate) mrz: PacePassword,
    pub(crate) can: PacePassword,
    pub(crate) state: PaceState,
}

/// What a PACE step leaves behind.
pub(crate) enum Outcome {
    /// Answer and stay unauthenticated.
    Answer(Response),
    /// Answer in the clear, then run secure messaging with this session.
    Established(Response, SecureMessaging),
}

fn status(sw: StatusWord) -> Outcome {
    Outcome::Answer(Response::new(Vec::new(), sw))
}

impl PaceCard {
    /// MSE:Set AT: `80` protocol OID, `83` password reference, optional `84` parameter ID.
    pub(crate) fn set_at(&mut self, command: &Command) -> Outcome {
        self.state = PaceState::Idle;
        let mut r = ByteReader::new(&command.data, "MSE:Set AT");
        let (mut oid, mut reference, mut parameter) = (None, None, None);
        while !r.is_empty() {
            let Ok(t) = r.tlv() else { return status(StatusWord::WRONG_DATA) };
            match t.tag {
                0x80 => oid = Some(t.value.to_vec()),
                0x83 => reference = t.value.first().copied(),
                0x84 => parameter = t.value.first().copied(),
                _ => {}
            }
        }
        let info = self.infos.pace().find(|i| {
            Some(&i.protocol.oid.0) == oid.as_ref() && parameter.is_none_or(|p| i.parameter_id == Some(u32::from(p)))
        });
        let Some(info) = info.cloned() else { return status(StatusWord::WRONG_DATA) };
        let password = match reference {
            Some(1) => &self.mrz,
            Some(2) => &self.can,
            _ => return status(StatusWord::WRONG_DATA),
        };
        let Ok(domain) = Domain::for_info(&info, &self.infos) else { return status(StatusWord::WRONG_DATA) };
        let k_pi = password_key(password, info.protocol.cipher);
        self.state = PaceState::Selected { info, domain, k_pi };
        status(StatusWord::OK)
    }

    /// One GENERAL AUTHENTICATE step.
    pub(crate) fn general_authenticate(&mut self, rng: &mut SeededRng, command: &Command) -> Outcome {
        match std::mem::take(&mut self.state) {
            PaceState::Idle => status(StatusWord::CONDITIONS_NOT_SATISFIED),
            PaceState::Selected { info, domain, k_pi } => {
                let block = if info.protocol.cipher == SmCipherKind::Tdes { 8 } else { 16 };
                let mut s = vec![0u8; block];
                rng.fill(&mut s);
                let z = k_pi.encrypt_zero_iv(&s);
                self.state = PaceState::NonceSent { info, domain, s };
                Outcome::Answer(Response::new(tlv(0x7C, &tlv(0x80, &z)), StatusWord::OK))
            }
            PaceState::NonceSent { info, domain, s } => {
                let Ok(pk_pcd) = dynamic_data(&command.data, 0x81, "map").and_then(|b| domain.decode(&b, "map")) else {
                    return status(StatusWord::WRONG_DATA);
                };
                let sk = domain.random_private(&mut *rng);
                let pk = domain.multiply(&sk, &domain.generator());
                let Ok(pk_bytes) = domain.encode(&pk) else { return status(StatusWord::WRONG_DATA) };
                let h = domain.multiply(&sk, &pk_pcd);
                let generator = domain.map_generic(&s, &h);
                self.state = PaceState::Mapped { info, domain, generator };
                Outcome::Answer(Response::new(tlv(0x7C, &tlv(0x82, &pk_bytes)), StatusWord::OK))
            }
            PaceState::Mapped { info, domain, generator } => {
                let Ok(pk_pcd_bytes) = dynamic_data(&command.data, 0x83, "agree") else {
                    return status(StatusWord::WRONG_DATA);
                };
                let Ok(pk_pcd) = domain.decode(&pk_pcd_bytes, "agree") else { return status(StatusWord::WRONG_DATA) };
                let sk = domain.random_private(&mut *rng);
                let pk = domain.multiply(&sk, &generator);
                let (Ok(pk_bytes), Ok(pk_pcd)) = (domain.encode(&pk), domain.encode(&pk_pcd)) else {
                    return status(StatusWord::WRONG_DATA);
                };
                let Ok(decoded) = domain.decode(&pk_pcd, "agree") else { return status(StatusWord::WRONG_DATA) };
                let Ok(shared) = domain.shared_secret(&domain.multiply(&sk, &decoded)) else {
                    return status(StatusWord::WRONG_DATA);
                };
                let (sm, ks_mac) = session(info.protocol.cipher, &shared);
                self.state = PaceState::Agreed { info, sm, ks_mac, pk_picc: pk_bytes.clone(), pk_pcd };
                Outcome::Answer(Response::new(tlv(0x7C, &tlv(0x84, &pk_bytes)), StatusWord::OK))
            }
            PaceState::Agreed { info, sm, ks_mac, pk_picc, pk_pcd } => {
                let Ok(t_pcd) = dynamic_data(&command.data, 0x85, "token") else {
                    return status(StatusWord::WRONG_DATA);
                };
                if t_pcd != token(&ks_mac, &info.protocol, &pk_picc) {
                    // Our token check failed: the terminal used another password.
                    return status(StatusWord::VERIFICATION_FAILED);
                }
                let t_picc = token(&ks_mac, &info.protocol, &pk_pcd);
                Outcome::Established(Response::new(tlv(0x7C, &tlv(0x86, &t_picc)), StatusWord::OK), sm)
            }
        }
    }
}
