//! The PACE protocol as a chain of states (ICAO 9303-11 §4.4.3; BSI TR-03110-2 §3.2), each
//! consumed by the step that leaves it, none doing I/O.
use rand_core::CryptoRng;
use zeroize::Zeroizing;

use super::AccessError;
use super::{
    Domain, Element, PacePassword, STEP_SET_AT, SymmetricKey, TAG_DYNAMIC_AUTHENTICATION, password_key, session, token,
};
use crate::apdu::{Command, Response, StatusWord};
use crate::codec::ByteReader;
use crate::codec::tlv::tlv;
use crate::crypto::aes::cbc_decrypt;
use crate::crypto::{KDF_ENC, ct_eq};
use crate::lds::security_infos::{Mapping, PaceInfo, PaceProtocol, SecurityInfos, SmCipherKind};
use crate::sm::SecureMessaging;

/// A GENERAL AUTHENTICATE command with dynamic authentication data (ICAO 9303-11 §4.4.4.2);
/// all but the last are chained (CLA 10).
pub fn general_authenticate(inner_tag: Option<u32>, value: &[u8], last: bool) -> Command {
    let data = match inner_tag {
        Some(tag) => tlv(TAG_DYNAMIC_AUTHENTICATION, &tlv(tag, value)),
        None => tlv(TAG_DYNAMIC_AUTHENTICATION, &[]),
    };
    Command::new(if last { 0x00 } else { 0x10 }, 0x86, 0x00, 0x00).with_data(data).with_le(256)
}

/// The value of `tag` inside a dynamic authentication data object.
///
/// # Errors
/// [`AccessError::CardMisbehaved`] naming `step` when it is missing or malformed.
pub fn dynamic_data(data: &[u8], tag: u32, step: &'static str) -> Result<Vec<u8>, AccessError> {
    let mut r = ByteReader::new(data, "dynamic authentication data");
    let outer = r.expect_tlv(TAG_DYNAMIC_AUTHENTICATION).map_err(|_| AccessError::CardMisbehaved(step))?;
    let mut inner = outer.reader("dynamic authentication data");
    let found = inner.find_tlv(tag).map_err(|_| AccessError::CardMisbehaved(step))?;
    found.map(|t| t.value.to_vec()).ok_or(AccessError::CardMisbehaved(step))
}

pub(super) fn expect_ok(response: &Response, step: &'static str, password: &PacePassword) -> Result<(), AccessError> {
    match response.sw {
        StatusWord::OK => Ok(()),
        // A wrong password shows at the token exchange: the chip's check of our token fails.
        sw if step == "PACE mutual authentication"
            && (sw.sw1() == 0x63 || sw == StatusWord::SECURITY_STATUS_NOT_SATISFIED) =>
        {
            Err(AccessError::WrongKey { sw, check: password.what_to_check() })
        }
        sw if sw.sw1() == 0x63 && sw.sw2() & 0xF0 == 0xC0 => {
            Err(AccessError::WrongKey { sw, check: password.what_to_check() })
        }
        sw => Err(AccessError::Refused { step, sw }),
    }
}

/// Rejects what this reader does not implement, before anything is sent.
pub(super) fn check_supported(protocol: &PaceProtocol) -> Result<(), AccessError> {
    if protocol.mapping == Mapping::Integrated && protocol.cipher != SmCipherKind::Aes128 {
        return Err(AccessError::Unsupported("PACE integrated mapping with a cipher other than AES-128"));
    }
    Ok(())
}

/// The chip's Chip Authentication Mapping data, to check against its static key in
/// EF.CardSecurity: PK_map_PICC = CA_IC · PK_IC (ICAO 9303-11 §4.4.3.5.2).
#[derive(Clone)]
pub struct CamData {
    /// CA_IC, decrypted.
    pub ca_ic: Vec<u8>,
    /// The chip's mapping public key, `04 ‖ X ‖ Y`.
    pub pk_map_picc: Vec<u8>,
    /// The PACE domain, on which the chip's static key lies.
    pub domain: Domain,
}

impl CamData {
    /// True when one of the chip's static keys `pk_ic` (`04 ‖ X ‖ Y`, from EF.CardSecurity)
    /// satisfies PK_map_PICC = CA_IC · PK_IC (ICAO 9303-11 §4.4.3.5.2).
    pub fn matches(&self, pk_ic: &[u8]) -> bool {
        let (Ok(pk), Ok(map)) = (self.domain.decode(pk_ic, "CAM"), self.domain.decode(&self.pk_map_picc, "CAM")) else {
            return false;
        };
        self.domain.multiply(&self.ca_ic, &pk).is_ok_and(|product| self.domain.same(&product, &map))
    }
}

impl std::fmt::Debug for CamData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CamData(..)")
    }
}

/// What a completed PACE hands over.
#[derive(Debug)]
pub struct PaceEstablished {
    /// The secure-messaging session (SSC 0).
    pub sm: SecureMessaging,
    /// The CAM data, for Chip Authentication Mapping.
    pub cam: Option<CamData>,
}

/// Ready to send MSE:Set AT.
pub struct PaceStart {
    protocol: PaceProtocol,
    domain: Domain,
    password: PacePassword,
    k_pi: SymmetricKey,
    command: Command,
}

impl PaceStart {
    /// Prepares PACE for `info` with `password`. `parameter_reference` adds DO'84' with the
    /// parameter ID, for chips that list several PACEInfos (ICAO 9303-11 §4.4.4.1).
    ///
    /// # Errors
    /// [`AccessError::Unsupported`] for IM and CAM (not yet implemented) or unusable domain
    /// parameters.
    pub fn new(
        info: &PaceInfo,
        infos: &SecurityInfos,
        password: &PacePassword,
        parameter_reference: bool,
    ) -> Result<Self, AccessError> {
        check_supported(&info.protocol)?;
        let domain = Domain::for_info(info, infos)?;
        let mut data = tlv(0x80, &info.protocol.oid.0);
        data.extend(tlv(0x83, &[password.reference()]));
        if let Some(id) = info.parameter_id.and_then(|id| u8::try_from(id).ok()).filter(|_| parameter_reference) {
            data.extend(tlv(0x84, &[id]));
        }
        let command = Command::new(0x00, 0x22, 0xC1, 0xA4).with_data(data);
        let k_pi = password_key(password, info.protocol.cipher);
        Ok(Self { protocol: info.protocol.clone(), domain, password: password.clone(), k_pi, command })
    }

    /// MSE:Set AT.
    pub fn command(&self) -> &Command {
        &self.command
    }

    /// The protocol's report name: `PACE-ECDH-GM-AES-128 brainpoolP256r1 CAN`.
    pub fn description(&self) -> String {
        format!("{} {} {}", self.protocol.name(), self.domain.name(), self.password.name())
    }

    /// Takes the answer to MSE:Set AT.
    ///
    /// # Errors
    /// [`AccessError::Refused`] (6A80 for an unsupported protocol, 63Cx for a blocked
    /// password…).
    pub fn on_response(self, response: &Response) -> Result<PaceAwaitingNonce, AccessError> {
        expect_ok(response, STEP_SET_AT, &self.password)?;
        Ok(PaceAwaitingNonce { start: self })
    }
}

/// Waiting for the encrypted nonce (GA 1).
pub struct PaceAwaitingNonce {
    start: PaceStart,
}

impl PaceAwaitingNonce {
    /// GENERAL AUTHENTICATE with empty dynamic authentication data.
    pub fn command(&self) -> Command {
        general_authenticate(None, &[], false)
    }

    /// Decrypts the nonce s, draws the mapping key and builds GA 2 with PK_map_PCD.
    ///
    /// # Errors
    /// [`AccessError`] when the answer is refused or malformed.
    pub fn on_response(self, rng: &mut impl CryptoRng, response: &Response) -> Result<PaceMapping, AccessError> {
        let step = "PACE encrypted nonce";
        expect_ok(response, step, &self.start.password)?;
        let z = dynamic_data(&response.data, 0x80, step)?;
        let s = Zeroizing::new(self.start.k_pi.decrypt_zero_iv(&z).ok_or(AccessError::CardMisbehaved(step))?);
        if s.is_empty() {
            return Err(AccessError::CardMisbehaved(step));
        }
        let domain = &self.start.domain;
        if self.start.protocol.mapping == Mapping::Integrated {
            let mut t = vec![0u8; 16];
            rng.fill_bytes(&mut t);
            let command = general_authenticate(Some(0x81), &t, false);
            return Ok(PaceMapping { start: self.start, s, key: MappingKey::Integrated { t }, command });
        }
        let sk_map = domain.random_private(rng)?;
        let pk_map = domain.multiply(&sk_map, &domain.generator())?;
        let pk_map_bytes = domain.encode(&pk_map)?;
        let command = general_authenticate(Some(0x81), &pk_map_bytes, false);
        Ok(PaceMapping { start: self.start, s, key: MappingKey::Generic { sk_map, pk_map }, command })
    }
}

/// The terminal's part of the mapping.
enum MappingKey {
    /// Generic (and Chip Authentication) Mapping: an ephemeral key pair.
    Generic { sk_map: Zeroizing<Vec<u8>>, pk_map: Element },
    /// Integrated Mapping: a nonce t.
    Integrated { t: Vec<u8> },
}

/// Waiting for the chip's mapping answer (GA 2).
pub struct PaceMapping {
    start: PaceStart,
    s: Zeroizing<Vec<u8>>,
    key: MappingKey,
    command: Command,
}

impl PaceMapping {
    /// GA 2 with PK_map_PCD (or, for Integrated Mapping, the nonce t).
    pub fn command(&self) -> &Command {
        &self.command
    }

    /// Computes the mapped generator G~ (Generic: checks PK_map_PICC and H; Integrated: from
    /// s and t), draws the ephemeral key and builds GA 3 with PK_eph_PCD.
    ///
    /// # Errors
    /// [`AccessError`] when the chip's key is invalid or equals ours.
    pub fn on_response(self, rng: &mut impl CryptoRng, response: &Response) -> Result<PaceKeyAgreement, AccessError> {
        let step = "PACE mapping";
        expect_ok(response, step, &self.start.password)?;
        let domain = &self.start.domain;
        let (mapped, pk_map_picc_bytes) = match &self.key {
            MappingKey::Generic { sk_map, pk_map } => {
                let pk_map_picc_bytes = dynamic_data(&response.data, 0x82, step)?;
                let pk_map_picc = domain.decode(&pk_map_picc_bytes, step)?;
                if domain.same(&pk_map_picc, pk_map) {
                    return Err(AccessError::CardMisbehaved(step));
                }
                let h = domain.multiply(sk_map, &pk_map_picc)?;
                if domain.is_degenerate(&h) {
                    return Err(AccessError::CardMisbehaved(step));
                }
                (domain.map_generic(&self.s, &h)?, Some(pk_map_picc_bytes))
            }
            MappingKey::Integrated { t } => (domain.map_integrated(self.start.protocol.cipher, &self.s, t)?, None),
        };
        let sk_eph = domain.random_private(rng)?;
        let pk_eph = domain.multiply(&sk_eph, &mapped)?;
        let pk_eph_bytes = domain.encode(&pk_eph)?;
        let command = general_authenticate(Some(0x83), &pk_eph_bytes, false);
        Ok(PaceKeyAgreement { start: self.start, sk_eph, pk_eph, pk_eph_bytes, pk_map_picc_bytes, command })
    }
}

/// Waiting for the chip's ephemeral key (GA 3).
pub struct PaceKeyAgreement {
    start: PaceStart,
    sk_eph: Zeroizing<Vec<u8>>,
    pk_eph: Element,
    pk_eph_bytes: Vec<u8>,
    pk_map_picc_bytes: Option<Vec<u8>>,
    command: Command,
}

impl PaceKeyAgreement {
    /// GA 3 with PK_eph_PCD.
    pub fn command(&self) -> &Command {
        &self.command
    }

    /// Checks PK_eph_PICC, agrees K, derives the session keys and builds GA 4 with T_PCD.
    ///
    /// # Errors
    /// [`AccessError`] when the chip's key is invalid or equals ours.
    pub fn on_response(self, response: &Response) -> Result<PaceMutualAuthentication, AccessError> {
        let step = "PACE key agreement";
        expect_ok(response, step, &self.start.password)?;
        let domain = &self.start.domain;
        let pk_picc_bytes = dynamic_data(&response.data, 0x84, step)?;
        let pk_picc = domain.decode(&pk_picc_bytes, step)?;
        if domain.same(&pk_picc, &self.pk_eph) {
            return Err(AccessError::CardMisbehaved(step));
        }
        let shared = domain.shared_secret(&domain.multiply(&self.sk_eph, &pk_picc)?)?;
        let (sm, ks_mac) = session(self.start.protocol.cipher, &shared);
        let ks_enc = SymmetricKey::derive(self.start.protocol.cipher, &shared, KDF_ENC);
        let t_pcd = token(&ks_mac, &self.start.protocol, &domain.encode(&pk_picc)?);
        let command = general_authenticate(Some(0x85), &t_pcd, true);
        Ok(PaceMutualAuthentication {
            start: self.start,
            pk_eph_bytes: self.pk_eph_bytes,
            pk_map_picc_bytes: self.pk_map_picc_bytes,
            sm,
            ks_enc,
            ks_mac,
            command,
        })
    }
}

/// Waiting for the chip's token (GA 4).
pub struct PaceMutualAuthentication {
    start: PaceStart,
    pk_eph_bytes: Vec<u8>,
    pk_map_picc_bytes: Option<Vec<u8>>,
    sm: SecureMessaging,
    ks_enc: SymmetricKey,
    ks_mac: SymmetricKey,
    command: Command,
}

impl PaceMutualAuthentication {
    /// GA 4 with T_PCD.
    pub fn command(&self) -> &Command {
        &self.command
    }

    /// Verifies T_PICC and hands over the session; for Chip Authentication Mapping also
    /// decrypts the chip's CA data (DO'8A', AES-CBC under KS_Enc with IV = E(KS_Enc, −1):
    /// ICAO 9303-11 §4.4.3.5.1).
    ///
    /// # Errors
    /// [`AccessError::WrongKey`] when the chip rejects our token (wrong password);
    /// [`AccessError::CardMisbehaved`] when its token does not verify or CAM data are missing.
    pub fn on_response(self, response: &Response) -> Result<PaceEstablished, AccessError> {
        let step = "PACE mutual authentication";
        expect_ok(response, step, &self.start.password)?;
        let t_picc = dynamic_data(&response.data, 0x86, step)?;
        let expected = token(&self.ks_mac, &self.start.protocol, &self.pk_eph_bytes);
        if !ct_eq(&expected, &t_picc) {
            return Err(AccessError::CardMisbehaved(step));
        }
        let cam = if self.start.protocol.mapping == Mapping::ChipAuthentication {
            let step = "PACE chip authentication mapping";
            let encrypted = dynamic_data(&response.data, 0x8A, step)?;
            let SymmetricKey::Aes(ks_enc) = &self.ks_enc else { return Err(AccessError::CardMisbehaved(step)) };
            let iv = crate::crypto::aes::encrypt_block(ks_enc, &[0xFF; 16]);
            let padded = cbc_decrypt(ks_enc, &iv, &encrypted).ok_or(AccessError::CardMisbehaved(step))?;
            let ca_ic = crate::crypto::unpad(&padded).ok_or(AccessError::CardMisbehaved(step))?.to_vec();
            let pk_map_picc = self.pk_map_picc_bytes.ok_or(AccessError::CardMisbehaved(step))?;
            Some(CamData { ca_ic, pk_map_picc, domain: self.start.domain.clone() })
        } else {
            None
        };
        Ok(PaceEstablished { sm: self.sm, cam })
    }
}
