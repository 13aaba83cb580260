//! The chip's answers to authentication: BAC's GET CHALLENGE and EXTERNAL AUTHENTICATE, PACE's
//! GENERAL AUTHENTICATE entry, chip authentication and active authentication (ICAO 9303-11
//! §4.3, §6.1, §6.2).

use cancuoc::internals::apdu::{Command, Response, StatusWord};
use cancuoc::internals::bac;
use cancuoc::internals::codec::tlv::tlv;

use super::{VirtualChip, pace, status};

impl VirtualChip {
    /// GENERAL AUTHENTICATE outside secure messaging: a PACE step.
    pub(super) fn general_authenticate(&mut self, command: &Command) -> Response {
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
    pub(super) fn chip_authentication(&mut self, command: &Command) -> Response {
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
    pub(super) fn active_authentication(&mut self, command: &Command) -> Response {
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

    pub(super) fn get_challenge(&mut self, command: &Command) -> Response {
        if command.le != Some(8) {
            return status(StatusWord::WRONG_LENGTH);
        }
        let mut rnd_ic = [0u8; 8];
        self.rng.fill(&mut rnd_ic);
        self.rnd_ic = Some(rnd_ic);
        Response::new(rnd_ic.to_vec(), StatusWord::OK)
    }

    pub(super) fn external_authenticate(&mut self, command: &Command) -> Response {
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
}
