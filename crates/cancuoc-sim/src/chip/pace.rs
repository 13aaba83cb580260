//! The card side of PACE (ICAO 9303-11 §4.4) with Generic, Integrated and Chip
//! Authentication Mapping, in mirror image of `cancuoc::access::pace`, using the same group
//! arithmetic, key derivation and tokens.

use cancuoc::internals::apdu::{Command, Response, StatusWord};
use cancuoc::internals::codec::ByteReader;
use cancuoc::internals::codec::tlv::tlv;
use cancuoc::internals::crypto::aes::{cbc_encrypt, encrypt_block};
use cancuoc::internals::crypto::{KDF_ENC, pad};
use cancuoc::internals::pace::{
    Domain, Element, PacePassword, SymmetricKey, dynamic_data, password_key, session, token,
};
use cancuoc::internals::sm::SecureMessaging;
use cancuoc::lds::security_infos::{Mapping, PaceInfo, SecurityInfos, SmCipherKind};

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
    /// Mapping done (`sk_map` kept for CAM).
    Mapped { info: PaceInfo, domain: Domain, generator: Element, sk_map: Option<Vec<u8>> },
    /// Keys agreed; waiting for the terminal's token.
    Agreed { info: PaceInfo, domain: Domain, keys: Box<AgreedKeys>, sk_map: Option<Vec<u8>> },
}

/// The session keys and the ephemeral public keys the tokens are computed over.
pub(crate) struct AgreedKeys {
    sm: SecureMessaging,
    ks_enc: SymmetricKey,
    ks_mac: SymmetricKey,
    pk_picc: Vec<u8>,
    pk_pcd: Vec<u8>,
}

/// The card's PACE secrets and parameters.
pub(crate) struct PaceCard {
    pub(crate) infos: SecurityInfos,
    pub(crate) mrz: PacePassword,
    pub(crate) can: PacePassword,
    /// The Chip Authentication private key, for CAM.
    pub(crate) ca_private_key: Option<Vec<u8>>,
    pub(crate) state: PaceState,
    /// Send a wrong authentication token (`Faults::pace_bad_token`).
    pub(crate) bad_token: bool,
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
    /// A_IC = E(KS_Enc, IV = E(KS_Enc, −1), CA_IC) with CA_IC = SK_map · SK_IC⁻¹ mod n, so
    /// that PK_map = CA_IC · PK_IC (ICAO 9303-11 §4.4.3.5.1).
    fn cam_data(&self, domain: &Domain, ks_enc: &SymmetricKey, sk_map: Option<&[u8]>) -> Option<Vec<u8>> {
        let (Domain::Ec(curve), SymmetricKey::Aes(key)) = (domain, ks_enc) else { return None };
        let ca_ic = curve.scalar_div(sk_map?, self.ca_private_key.as_deref()?).ok()?;
        let iv = encrypt_block(key, &[0xFF; 16]);
        Some(cbc_encrypt(key, &iv, &pad(&ca_ic, 16)))
    }

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
            PaceState::NonceSent { info, domain, s } if info.protocol.mapping == Mapping::Integrated => {
                let Ok(t) = dynamic_data(&command.data, 0x81, "map") else { return status(StatusWord::WRONG_DATA) };
                let Ok(generator) = domain.map_integrated(info.protocol.cipher, &s, &t) else {
                    return status(StatusWord::WRONG_DATA);
                };
                self.state = PaceState::Mapped { info, domain, generator, sk_map: None };
                Outcome::Answer(Response::new(tlv(0x7C, &[]), StatusWord::OK))
            }
            PaceState::NonceSent { info, domain, s } => {
                let Ok(pk_pcd) = dynamic_data(&command.data, 0x81, "map").and_then(|b| domain.decode(&b, "map")) else {
                    return status(StatusWord::WRONG_DATA);
                };
                let Ok(sk) = domain.random_private(&mut *rng) else {
                    return status(StatusWord::CONDITIONS_NOT_SATISFIED);
                };
                let Ok(pk_bytes) = domain.multiply(&sk, &domain.generator()).and_then(|pk| domain.encode(&pk)) else {
                    return status(StatusWord::WRONG_DATA);
                };
                let Ok(generator) = domain.multiply(&sk, &pk_pcd).and_then(|h| domain.map_generic(&s, &h)) else {
                    return status(StatusWord::WRONG_DATA);
                };
                self.state = PaceState::Mapped { info, domain, generator, sk_map: Some(sk.to_vec()) };
                Outcome::Answer(Response::new(tlv(0x7C, &tlv(0x82, &pk_bytes)), StatusWord::OK))
            }
            PaceState::Mapped { info, domain, generator, sk_map } => {
                let Ok(pk_pcd_bytes) = dynamic_data(&command.data, 0x83, "agree") else {
                    return status(StatusWord::WRONG_DATA);
                };
                let Ok(pk_pcd) = domain.decode(&pk_pcd_bytes, "agree") else { return status(StatusWord::WRONG_DATA) };
                let Ok(sk) = domain.random_private(&mut *rng) else {
                    return status(StatusWord::CONDITIONS_NOT_SATISFIED);
                };
                let Ok(pk) = domain.multiply(&sk, &generator) else { return status(StatusWord::WRONG_DATA) };
                let (Ok(pk_bytes), Ok(pk_pcd)) = (domain.encode(&pk), domain.encode(&pk_pcd)) else {
                    return status(StatusWord::WRONG_DATA);
                };
                let Ok(decoded) = domain.decode(&pk_pcd, "agree") else { return status(StatusWord::WRONG_DATA) };
                let Ok(shared) = domain.multiply(&sk, &decoded).and_then(|k| domain.shared_secret(&k)) else {
                    return status(StatusWord::WRONG_DATA);
                };
                let (sm, ks_mac) = session(info.protocol.cipher, &shared);
                let ks_enc = SymmetricKey::derive(info.protocol.cipher, &shared, KDF_ENC);
                let keys = Box::new(AgreedKeys { sm, ks_enc, ks_mac, pk_picc: pk_bytes.clone(), pk_pcd });
                self.state = PaceState::Agreed { info, domain, keys, sk_map };
                Outcome::Answer(Response::new(tlv(0x7C, &tlv(0x84, &pk_bytes)), StatusWord::OK))
            }
            PaceState::Agreed { info, domain, keys, sk_map } => {
                let Ok(t_pcd) = dynamic_data(&command.data, 0x85, "token") else {
                    return status(StatusWord::WRONG_DATA);
                };
                if t_pcd != token(&keys.ks_mac, &info.protocol, &keys.pk_picc) {
                    // Our token check failed: the terminal used another password.
                    return status(StatusWord::VERIFICATION_FAILED);
                }
                let mut t_picc = token(&keys.ks_mac, &info.protocol, &keys.pk_pcd);
                if self.bad_token
                    && let Some(last) = t_picc.last_mut()
                {
                    *last ^= 0x01;
                }
                let mut answer = tlv(0x86, &t_picc);
                if info.protocol.mapping == Mapping::ChipAuthentication {
                    let Some(cam) = self.cam_data(&domain, &keys.ks_enc, sk_map.as_deref()) else {
                        return status(StatusWord::CONDITIONS_NOT_SATISFIED);
                    };
                    answer.extend(tlv(0x8A, &cam));
                }
                Outcome::Established(Response::new(tlv(0x7C, &answer), StatusWord::OK), keys.sm)
            }
        }
    }
}
