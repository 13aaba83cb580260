//! PACE, Password Authenticated Connection Establishment (ICAO 9303-11 §4.4; BSI TR-03110-2
//! §3.2), Generic Mapping over ECDH (any curve: [`crate::crypto::curve`]) and DH
//! ([`crate::crypto::dh`]), with 3DES and AES-128/192/256, and the passwords MRZ and CAN.
//!
//! A chain of states, each consumed by the step that leaves it, none doing I/O:
//! [`PaceStart`] (MSE:Set AT) → [`PaceAwaitingNonce`] (GA 1: encrypted nonce) →
//! [`PaceMapping`] (GA 2: map the nonce) → [`PaceKeyAgreement`] (GA 3: ephemeral keys) →
//! [`PaceMutualAuthentication`] (GA 4: tokens) → a [`SecureMessaging`] session.
//! [`authenticate`] drives them over a [`Channel`]. The chip's public keys are checked on the
//! curve (or in the subgroup) and against ours, and its token is verified before any key is
//! used. The card-side helpers ([`Domain`], [`password_key`], [`token`], [`session`]) are
//! public so the virtual card runs the same arithmetic in mirror image.

use rand_core::CryptoRng;
use zeroize::Zeroizing;

use super::{AccessError, MrzKey};
use crate::apdu::{Command, Response, StatusWord};
use crate::channel::Channel;
use crate::codec::ByteReader;
use crate::codec::tlv::tlv;
use crate::crypto::aes::{AesKey, cbc_decrypt, cmac8, kdf_aes};
use crate::crypto::curve::{Curve, Point};
use crate::crypto::dh::DhGroup;
use crate::crypto::{KDF_ENC, KDF_MAC, KDF_PACE, TdesKey, ct_eq, kdf_tdes, pad, retail_mac, sha1, tdes_decrypt};
use crate::lds::security_infos::{
    DomainParameters, KeyAgreement, Mapping, PaceInfo, PaceProtocol, SecurityInfos, SmCipherKind,
};
use crate::sm::{AesSm, SecureMessaging, TdesSm};
use crate::transport::Transport;

/// Tag of the dynamic authentication data object (ISO/IEC 7816-4 §7.5.2).
const TAG_DYNAMIC_AUTHENTICATION: u32 = 0x7C;
/// Tag of the public key data object in the token input (BSI TR-03110-3 §D.3).
const TAG_PUBLIC_KEY: u32 = 0x7F49;

/// A PACE password (ICAO 9303-11 §4.4.1).
#[derive(Clone)]
pub enum PacePassword {
    /// The MRZ: K = SHA-1(MRZ_information).
    Mrz(MrzKey),
    /// The card access number printed on the card (CCCD: the last 6 digits of the ID).
    Can(Can),
}

impl PacePassword {
    /// The password reference of MSE:Set AT: 1 MRZ, 2 CAN (ICAO 9303-11 §4.4.4.1).
    pub fn reference(&self) -> u8 {
        match self {
            Self::Mrz(_) => 1,
            Self::Can(_) => 2,
        }
    }

    /// `MRZ` or `CAN`, for the report.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Mrz(_) => "MRZ",
            Self::Can(_) => "CAN",
        }
    }

    /// f(π): SHA-1 of MRZ_information, or the CAN's ASCII digits (ICAO 9303-11 §9.7.3).
    fn secret(&self) -> Zeroizing<Vec<u8>> {
        match self {
            Self::Mrz(key) => Zeroizing::new(sha1(key.mrz_information().as_bytes()).to_vec()),
            Self::Can(can) => Zeroizing::new(can.0.as_bytes().to_vec()),
        }
    }

    fn what_to_check(&self) -> &'static str {
        match self {
            Self::Mrz(_) => super::CHECK_MRZ,
            Self::Can(_) => super::CHECK_CAN,
        }
    }
}

impl std::fmt::Debug for PacePassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PacePassword::{}(..)", self.name())
    }
}

/// A card access number: 6 digits (ICAO 9303-11 §4.4.1), wiped on drop, never printed.
#[derive(Clone)]
pub struct Can(Zeroizing<String>);

impl Can {
    /// Checks a CAN: 6 digits (spaces ignored).
    ///
    /// # Errors
    /// [`AccessError::BadInput`].
    pub fn new(text: &str) -> Result<Self, AccessError> {
        let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() != 6 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(AccessError::BadInput("CAN (6 digits)"));
        }
        Ok(Self(Zeroizing::new(digits)))
    }
}

/// A symmetric key for the password, nonce and session: 3DES or AES.
#[derive(Clone)]
pub enum SymmetricKey {
    /// 2-key 3DES.
    Tdes(TdesKey),
    /// AES.
    Aes(AesKey),
}

impl SymmetricKey {
    /// KDF(K, c) for `cipher` (ICAO 9303-11 §9.7.1).
    pub fn derive(cipher: SmCipherKind, secret: &[u8], counter: u32) -> Self {
        match cipher {
            SmCipherKind::Tdes => Self::Tdes(kdf_tdes(secret, counter)),
            other => Self::Aes(kdf_aes(secret, counter, other.key_len())),
        }
    }

    /// CBC decryption with a zero IV (the nonce: ICAO 9303-11 §4.4.3.2).
    pub fn decrypt_zero_iv(&self, data: &[u8]) -> Option<Vec<u8>> {
        match self {
            Self::Tdes(k) => tdes_decrypt(k, data),
            Self::Aes(k) => cbc_decrypt(k, &[0; 16], data),
        }
    }

    /// CBC encryption with a zero IV of data that is whole blocks (the card side of the nonce).
    pub fn encrypt_zero_iv(&self, data: &[u8]) -> Vec<u8> {
        match self {
            Self::Tdes(k) => crate::crypto::tdes_encrypt(k, data),
            Self::Aes(k) => crate::crypto::aes::cbc_encrypt(k, &[0; 16], data),
        }
    }

    /// The 8-byte MAC: retail MAC over padded data, or CMAC (ICAO 9303-11 §9.8.3).
    pub fn mac(&self, data: &[u8]) -> [u8; 8] {
        match self {
            Self::Tdes(k) => retail_mac(k, &pad(data, 8)),
            Self::Aes(k) => cmac8(k, data),
        }
    }
}

/// K_π = KDF(f(π), 3) (ICAO 9303-11 §9.7.3).
pub fn password_key(password: &PacePassword, cipher: SmCipherKind) -> SymmetricKey {
    SymmetricKey::derive(cipher, &password.secret(), KDF_PACE)
}

/// The secure-messaging session from the shared secret K: KS_Enc = KDF(K, 1), KS_MAC =
/// KDF(K, 2), SSC = 0 (ICAO 9303-11 §4.4.3.4, §9.8.2).
pub fn session(cipher: SmCipherKind, shared_secret: &[u8]) -> (SecureMessaging, SymmetricKey) {
    let ks_mac = SymmetricKey::derive(cipher, shared_secret, KDF_MAC);
    let sm = match (SymmetricKey::derive(cipher, shared_secret, KDF_ENC), ks_mac.clone()) {
        (SymmetricKey::Tdes(enc), SymmetricKey::Tdes(mac)) => {
            SecureMessaging::new(Box::new(TdesSm::new(enc, mac)), vec![0; 8])
        }
        (SymmetricKey::Aes(enc), SymmetricKey::Aes(mac)) => {
            SecureMessaging::new(Box::new(AesSm::new(enc, mac)), vec![0; 16])
        }
        // derive() gives both keys of the same kind for one cipher.
        _ => SecureMessaging::new(Box::new(TdesSm::new(TdesKey::new([0; 16]), TdesKey::new([0; 16]))), vec![0; 8]),
    };
    (sm, ks_mac)
}

/// The authentication token: MAC(KS_MAC, 7F49 { 06 OID, 86|84 public key }) over the other
/// side's ephemeral public key (ICAO 9303-11 §4.4.3.4, BSI TR-03110-3 §D.3).
pub fn token(ks_mac: &SymmetricKey, protocol: &PaceProtocol, other_public: &[u8]) -> [u8; 8] {
    let key_tag = match protocol.agreement {
        KeyAgreement::Ecdh => 0x86,
        KeyAgreement::Dh => 0x84,
    };
    let input = tlv(TAG_PUBLIC_KEY, &[tlv(0x06, &protocol.oid.0), tlv(key_tag, other_public)].concat());
    ks_mac.mac(&input)
}

/// The PACE group: an elliptic curve or a DH group, with the element type it works on.
#[derive(Debug, Clone)]
pub enum Domain {
    /// ECDH over a curve (boxed: field parameters travel with every element).
    Ec(Box<Curve>),
    /// DH over a MODP group.
    Dh(Box<DhGroup>),
}

/// A group element: a point, or a DH value (big-endian, the length of p).
#[derive(Clone)]
pub enum Element {
    /// A curve point.
    Point(Box<Point>),
    /// A DH value.
    Value(Vec<u8>),
}

impl Domain {
    /// The domain of a PACEInfo: a standardized parameter ID (0–2 DH, 8–18 ECDH) or the
    /// explicit parameters of the matching PACEDomainParameterInfo (BSI TR-03110-3 §A.2.1).
    ///
    /// # Errors
    /// [`AccessError::Unsupported`] for an unknown ID or unusable explicit parameters.
    pub fn for_info(info: &PaceInfo, infos: &SecurityInfos) -> Result<Self, AccessError> {
        let standard = info.parameter_id.and_then(|id| u8::try_from(id).ok());
        let agreement = info.protocol.agreement;
        if let Some(id) = standard.filter(|id| *id <= 31) {
            let domain = match agreement {
                KeyAgreement::Ecdh => crate::crypto::curves::by_parameter_id(id).map(|p| {
                    Curve::standard(p)
                        .map(|c| Self::Ec(Box::new(c)))
                        .map_err(|_| AccessError::Unsupported("curve constants"))
                }),
                KeyAgreement::Dh => crate::crypto::dh::by_parameter_id(id).map(|p| {
                    DhGroup::standard(p)
                        .map(|g| Self::Dh(Box::new(g)))
                        .map_err(|_| AccessError::Unsupported("DH constants"))
                }),
            };
            if let Some(domain) = domain {
                return domain;
            }
        }
        let explicit = infos
            .pace_domain_parameters(info.parameter_id)
            .ok_or(AccessError::Unsupported("PACE domain parameters not standardized and not given"))?;
        match (&explicit.parameters, agreement) {
            (DomainParameters::Ec { p, a, b, gx, gy, n }, KeyAgreement::Ecdh) => {
                Curve::from_parameters(p, a, b, gx, gy, n)
                    .map(|c| Self::Ec(Box::new(c)))
                    .map_err(|_| AccessError::Unsupported("explicit PACE curve parameters"))
            }
            (DomainParameters::Dh { p, g, q }, KeyAgreement::Dh) => DhGroup::from_parameters(p, g, q)
                .map(|g| Self::Dh(Box::new(g)))
                .map_err(|_| AccessError::Unsupported("explicit PACE DH parameters")),
            _ => Err(AccessError::Unsupported("PACE domain parameters of another kind")),
        }
    }

    /// The name for the report (`brainpoolP256r1`).
    pub fn name(&self) -> &str {
        match self {
            Self::Ec(c) => c.name(),
            Self::Dh(g) => g.name(),
        }
    }

    /// The group's generator.
    pub fn generator(&self) -> Element {
        match self {
            Self::Ec(c) => Element::Point(Box::new(c.generator())),
            Self::Dh(g) => Element::Value(g.generator()),
        }
    }

    /// A random private key.
    pub fn random_private(&self, rng: &mut impl CryptoRng) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(match self {
            Self::Ec(c) => c.random_scalar(rng),
            Self::Dh(g) => g.random_exponent(rng),
        })
    }

    /// private · base (or base^private).
    pub fn multiply(&self, private: &[u8], base: &Element) -> Element {
        match (self, base) {
            (Self::Ec(c), Element::Point(p)) => Element::Point(Box::new(c.mul(private, p))),
            (Self::Dh(g), Element::Value(v)) => Element::Value(g.exp(v, private)),
            (Self::Ec(c), Element::Value(_)) => Element::Point(Box::new(c.generator())),
            (Self::Dh(g), Element::Point(_)) => Element::Value(g.generator()),
        }
    }

    /// The Generic Mapping: G~ = s·G + H (or g^s · h) (ICAO 9303-11 §4.4.3.3.1).
    pub fn map_generic(&self, nonce: &[u8], shared: &Element) -> Element {
        match (self, shared) {
            (Self::Ec(c), Element::Point(h)) => {
                Element::Point(Box::new(c.add(&c.mul(&c.reduce(nonce), &c.generator()), h)))
            }
            (Self::Dh(g), Element::Value(h)) => Element::Value(g.mul(&g.exp(&g.generator(), nonce), h)),
            _ => self.generator(),
        }
    }

    /// Encodes a public element (`04 ‖ X ‖ Y`, or the value padded to p's length).
    ///
    /// # Errors
    /// [`AccessError::CardMisbehaved`] for the point at infinity.
    pub fn encode(&self, element: &Element) -> Result<Vec<u8>, AccessError> {
        match (self, element) {
            (Self::Ec(c), Element::Point(p)) => {
                c.encode_point(p).map_err(|_| AccessError::CardMisbehaved("PACE (point at infinity)"))
            }
            (Self::Dh(_), Element::Value(v)) => Ok(v.clone()),
            _ => Err(AccessError::CardMisbehaved("PACE")),
        }
    }

    /// Decodes and validates the other side's public element.
    ///
    /// # Errors
    /// [`AccessError::CardMisbehaved`] naming `step` when it is off the curve or outside the
    /// subgroup.
    pub fn decode(&self, bytes: &[u8], step: &'static str) -> Result<Element, AccessError> {
        match self {
            Self::Ec(c) => c
                .decode_point(bytes)
                .map(|p| Element::Point(Box::new(p)))
                .map_err(|_| AccessError::CardMisbehaved(step)),
            Self::Dh(g) => {
                // DH public values travel at p's length; accept a shorter one by left-padding.
                let mut value = vec![0u8; g.p_len().saturating_sub(bytes.len())];
                value.extend_from_slice(bytes);
                g.check_public(&value).map_err(|_| AccessError::CardMisbehaved(step))?;
                Ok(Element::Value(value))
            }
        }
    }

    /// The shared secret of an agreed element: the x-coordinate, or the value
    /// (ICAO 9303-11 §9.7.3).
    ///
    /// # Errors
    /// [`AccessError::CardMisbehaved`] for the point at infinity.
    pub fn shared_secret(&self, element: &Element) -> Result<Zeroizing<Vec<u8>>, AccessError> {
        match (self, element) {
            (Self::Ec(c), Element::Point(p)) => c
                .x_coordinate(p)
                .map(Zeroizing::new)
                .map_err(|_| AccessError::CardMisbehaved("PACE (point at infinity)")),
            (Self::Dh(_), Element::Value(v)) => Ok(Zeroizing::new(v.clone())),
            _ => Err(AccessError::CardMisbehaved("PACE")),
        }
    }

    /// True when two elements are equal (a chip echoing our key is an attack: BSI
    /// TR-03110-2 §3.2.2).
    pub fn same(&self, a: &Element, b: &Element) -> bool {
        match (self, a, b) {
            (Self::Ec(c), Element::Point(p), Element::Point(q)) => c.points_equal(p, q),
            (Self::Dh(_), Element::Value(x), Element::Value(y)) => x == y,
            _ => false,
        }
    }

    /// True for the identity (H = O means a broken mapping).
    fn is_degenerate(&self, element: &Element) -> bool {
        match (self, element) {
            (Self::Ec(c), Element::Point(p)) => c.encode_point(p).is_err(),
            (Self::Dh(_), Element::Value(v)) => {
                v.iter().rev().skip(1).all(|b| *b == 0) && v.last().is_some_and(|b| *b <= 1)
            }
            _ => true,
        }
    }
}

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

fn expect_ok(response: &Response, step: &'static str, password: &PacePassword) -> Result<(), AccessError> {
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
        if info.protocol.mapping != Mapping::Generic {
            return Err(AccessError::Unsupported("PACE integrated and chip authentication mapping"));
        }
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
        expect_ok(response, "PACE MSE:Set AT", &self.password)?;
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
        let sk_map = domain.random_private(rng);
        let pk_map = domain.multiply(&sk_map, &domain.generator());
        let pk_map_bytes = domain.encode(&pk_map)?;
        let command = general_authenticate(Some(0x81), &pk_map_bytes, false);
        Ok(PaceMapping { start: self.start, s, sk_map, pk_map, command })
    }
}

/// Waiting for the chip's mapping key (GA 2).
pub struct PaceMapping {
    start: PaceStart,
    s: Zeroizing<Vec<u8>>,
    sk_map: Zeroizing<Vec<u8>>,
    pk_map: Element,
    command: Command,
}

impl PaceMapping {
    /// GA 2 with PK_map_PCD.
    pub fn command(&self) -> &Command {
        &self.command
    }

    /// Checks PK_map_PICC, computes H and the mapped generator G~, draws the ephemeral key
    /// and builds GA 3 with PK_eph_PCD.
    ///
    /// # Errors
    /// [`AccessError`] when the chip's key is invalid or equals ours.
    pub fn on_response(self, rng: &mut impl CryptoRng, response: &Response) -> Result<PaceKeyAgreement, AccessError> {
        let step = "PACE mapping";
        expect_ok(response, step, &self.start.password)?;
        let domain = &self.start.domain;
        let pk_map_picc = domain.decode(&dynamic_data(&response.data, 0x82, step)?, step)?;
        if domain.same(&pk_map_picc, &self.pk_map) {
            return Err(AccessError::CardMisbehaved(step));
        }
        let h = domain.multiply(&self.sk_map, &pk_map_picc);
        if domain.is_degenerate(&h) {
            return Err(AccessError::CardMisbehaved(step));
        }
        let mapped = domain.map_generic(&self.s, &h);
        let sk_eph = domain.random_private(rng);
        let pk_eph = domain.multiply(&sk_eph, &mapped);
        let pk_eph_bytes = domain.encode(&pk_eph)?;
        let command = general_authenticate(Some(0x83), &pk_eph_bytes, false);
        Ok(PaceKeyAgreement { start: self.start, sk_eph, pk_eph, pk_eph_bytes, command })
    }
}

/// Waiting for the chip's ephemeral key (GA 3).
pub struct PaceKeyAgreement {
    start: PaceStart,
    sk_eph: Zeroizing<Vec<u8>>,
    pk_eph: Element,
    pk_eph_bytes: Vec<u8>,
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
        let shared = domain.shared_secret(&domain.multiply(&self.sk_eph, &pk_picc))?;
        let (sm, ks_mac) = session(self.start.protocol.cipher, &shared);
        let t_pcd = token(&ks_mac, &self.start.protocol, &domain.encode(&pk_picc)?);
        let command = general_authenticate(Some(0x85), &t_pcd, true);
        Ok(PaceMutualAuthentication { start: self.start, pk_eph_bytes: self.pk_eph_bytes, sm, ks_mac, command })
    }
}

/// Waiting for the chip's token (GA 4).
pub struct PaceMutualAuthentication {
    start: PaceStart,
    pk_eph_bytes: Vec<u8>,
    sm: SecureMessaging,
    ks_mac: SymmetricKey,
    command: Command,
}

impl PaceMutualAuthentication {
    /// GA 4 with T_PCD.
    pub fn command(&self) -> &Command {
        &self.command
    }

    /// Verifies T_PICC and hands over the session.
    ///
    /// # Errors
    /// [`AccessError::WrongKey`] when the chip rejects our token (wrong password);
    /// [`AccessError::CardMisbehaved`] when its token does not verify.
    pub fn on_response(self, response: &Response) -> Result<SecureMessaging, AccessError> {
        let step = "PACE mutual authentication";
        expect_ok(response, step, &self.start.password)?;
        let t_picc = dynamic_data(&response.data, 0x86, step)?;
        let expected = token(&self.ks_mac, &self.start.protocol, &self.pk_eph_bytes);
        if !ct_eq(&expected, &t_picc) {
            return Err(AccessError::CardMisbehaved(step));
        }
        Ok(self.sm)
    }
}

/// The PACEInfo to use: the first with Generic Mapping and usable parameters, in file order.
///
/// # Errors
/// [`AccessError::Unsupported`] when the chip lists only protocols this reader lacks.
pub fn choose(infos: &SecurityInfos) -> Result<&PaceInfo, AccessError> {
    let mut last = AccessError::Unsupported("no PACE protocol listed");
    for info in infos.pace() {
        if info.protocol.mapping != Mapping::Generic {
            last = AccessError::Unsupported("PACE integrated and chip authentication mapping");
            continue;
        }
        match Domain::for_info(info, infos) {
            Ok(_) => return Ok(info),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Runs PACE over `channel` with the chip's SecurityInfos and turns secure messaging on.
/// Returns the report's description of what ran.
///
/// # Errors
/// [`AccessError`] from any step.
pub fn authenticate<T: Transport>(
    channel: &mut Channel<T>,
    infos: &SecurityInfos,
    password: &PacePassword,
    rng: &mut impl CryptoRng,
) -> Result<String, AccessError> {
    channel.end_secure_messaging();
    let info = choose(infos)?;
    let several = infos.pace().count() > 1;
    let start = PaceStart::new(info, infos, password, several)?;
    let description = start.description();
    let answer = channel.send(start.command())?;
    let awaiting = start.on_response(&answer)?;
    let answer = channel.send(&awaiting.command())?;
    let mapping = awaiting.on_response(rng, &answer)?;
    let answer = channel.send(mapping.command())?;
    let agreement = mapping.on_response(rng, &answer)?;
    let answer = channel.send(agreement.command())?;
    let mutual = agreement.on_response(&answer)?;
    let answer = channel.send(mutual.command())?;
    let sm = mutual.on_response(&answer)?;
    channel.start_secure_messaging(sm);
    Ok(description)
}

#[cfg(test)]
mod tests;
