//! PACE, Password Authenticated Connection Establishment (ICAO 9303-11 §4.4; BSI TR-03110-2
//! §3.2): Generic Mapping over ECDH (any curve: [`crate::crypto::curve`]) and DH
//! ([`crate::crypto::dh`]) with 3DES and AES-128/192/256; Integrated Mapping over ECDH
//! (curves with p ≡ 3 mod 4) and DH with AES-128; Chip Authentication Mapping over ECDH; the
//! passwords MRZ and CAN.
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

/// c0 of the Integrated Mapping's pseudo-random function for l = 128 (ICAO 9303-11
/// §4.4.3.3.2).
const PRF_C0_128: [u8; 16] =
    [0xA6, 0x68, 0x89, 0x2A, 0x7C, 0x41, 0xE3, 0xCA, 0x73, 0x9F, 0x40, 0xB0, 0x57, 0xD8, 0x59, 0x04];
/// c1 of the pseudo-random function for l = 128.
const PRF_C1_128: [u8; 16] =
    [0xA4, 0xE1, 0x36, 0xAC, 0x72, 0x5F, 0x73, 0x8B, 0x01, 0xC1, 0xF6, 0x02, 0x17, 0xC1, 0x88, 0xAD];

/// The Integrated Mapping's pseudo-random function R(s, t) with AES-128 (ICAO 9303-11
/// §4.4.3.3.2): k₀ = E(t, s); xᵢ = E(kᵢ, c1), kᵢ₊₁ = E(kᵢ, c0); R = x₀ ‖ … ‖ xₙ₋₁ with
/// n = ⌈(log₂ p + 64) / 128⌉. Only l = 128 is implemented: it is the variant with published
/// worked examples (App. H).
///
/// # Errors
/// [`AccessError::Unsupported`] for other ciphers; [`AccessError::CardMisbehaved`] for a
/// nonce that is not one block.
pub fn integrated_prf(cipher: SmCipherKind, s: &[u8], t: &[u8], p_bits: u32) -> Result<Vec<u8>, AccessError> {
    use crate::crypto::aes::encrypt_block;
    if cipher != SmCipherKind::Aes128 {
        return Err(AccessError::Unsupported("PACE integrated mapping with a cipher other than AES-128"));
    }
    let block = |b: &[u8]| -> Result<[u8; 16], AccessError> {
        b.try_into().map_err(|_| AccessError::CardMisbehaved("PACE nonce"))
    };
    let key = |k: &[u8; 16]| AesKey::new(k).ok_or(AccessError::CardMisbehaved("PACE nonce"));
    let mut k = encrypt_block(&key(&block(t)?)?, &block(s)?);
    let n = (p_bits + 64).div_ceil(128);
    let mut out = Vec::new();
    for _ in 0..n {
        let ki = key(&k)?;
        out.extend_from_slice(&encrypt_block(&ki, &PRF_C1_128));
        k = encrypt_block(&ki, &PRF_C0_128);
    }
    Ok(out)
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
#[derive(Debug, Clone)]
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
    ///
    /// # Errors
    /// [`AccessError::RandomSource`] when the source gives no usable value.
    pub fn random_private(&self, rng: &mut impl CryptoRng) -> Result<Zeroizing<Vec<u8>>, AccessError> {
        let key = match self {
            Self::Ec(c) => c.random_scalar(rng),
            Self::Dh(g) => g.random_exponent(rng),
        };
        key.map(Zeroizing::new).ok_or(AccessError::RandomSource)
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

    /// The Integrated Mapping: G~ = f_G(R_p(s, t)) for ECDH, or R_p^((p−1)/q) for DH
    /// (ICAO 9303-11 §4.4.3.3.2).
    ///
    /// # Errors
    /// [`AccessError::Unsupported`] for a cipher or curve the mapping is not defined for here.
    pub fn map_integrated(&self, cipher: SmCipherKind, s: &[u8], t: &[u8]) -> Result<Element, AccessError> {
        match self {
            Self::Ec(c) => {
                let r = integrated_prf(cipher, s, t, c.field_bits())?;
                let unsupported = |_| AccessError::Unsupported("PACE integrated mapping on a curve with p ≢ 3 (mod 4)");
                let r_p = c.reduce_wide_mod_p(&r).map_err(unsupported)?;
                Ok(Element::Point(Box::new(c.encode_to_curve(&r_p).map_err(unsupported)?)))
            }
            Self::Dh(g) => {
                let r = integrated_prf(cipher, s, t, g.p_bits())?;
                g.map_to_subgroup(&r)
                    .map(Element::Value)
                    .map_err(|_| AccessError::CardMisbehaved("PACE integrated mapping"))
            }
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

/// Rejects what this reader does not implement, before anything is sent.
fn check_supported(protocol: &PaceProtocol) -> Result<(), AccessError> {
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
        self.domain.same(&self.domain.multiply(&self.ca_ic, &pk), &map)
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
        let pk_map = domain.multiply(&sk_map, &domain.generator());
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
                let h = domain.multiply(sk_map, &pk_map_picc);
                if domain.is_degenerate(&h) {
                    return Err(AccessError::CardMisbehaved(step));
                }
                (domain.map_generic(&self.s, &h), Some(pk_map_picc_bytes))
            }
            MappingKey::Integrated { t } => (domain.map_integrated(self.start.protocol.cipher, &self.s, t)?, None),
        };
        let sk_eph = domain.random_private(rng)?;
        let pk_eph = domain.multiply(&sk_eph, &mapped);
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
        let shared = domain.shared_secret(&domain.multiply(&self.sk_eph, &pk_picc))?;
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

/// The PACEInfo to use: the first this reader supports with usable parameters, in file order.
///
/// # Errors
/// [`AccessError::Unsupported`] when the chip lists only protocols this reader lacks.
pub fn choose(infos: &SecurityInfos) -> Result<&PaceInfo, AccessError> {
    let mut last = AccessError::Unsupported("no PACE protocol listed");
    for info in infos.pace() {
        if let Err(e) = check_supported(&info.protocol) {
            last = e;
            continue;
        }
        match Domain::for_info(info, infos) {
            Ok(_) => return Ok(info),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// The name of PACE's first step, MSE:Set AT, in errors.
const STEP_SET_AT: &str = "PACE MSE:Set AT";

/// How a PACE failure may be answered (ICAO 9303-11 §4.2: BAC is for chips that do not offer
/// PACE). A fallback the card's answers could force is a downgrade, so only three failures
/// allow one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaceFailure {
    /// The chip declined PACE before any key was at stake — it refused MSE:Set AT (6A80, 6982,
    /// 6D00…) or offers only what this reader lacks — or it rejected the password: BAC with
    /// MRZ data may follow.
    Declined,
    /// The chip's answers contradict the protocol: a bad authentication token, an invalid
    /// point, a secure-messaging failure. The one failure that can mean a man in the middle or
    /// a cloned chip: the read stops, with no fallback.
    Inconsistent(&'static str),
    /// Anything else (a refusal of a later step, the reader, the random source): the read
    /// stops with that error.
    Other,
}

impl PaceFailure {
    /// The class of a PACE error.
    pub fn of(error: &AccessError) -> Self {
        match error {
            AccessError::Unsupported(_) | AccessError::WrongKey { .. } => Self::Declined,
            AccessError::Refused { step, .. } if *step == STEP_SET_AT => Self::Declined,
            AccessError::CardMisbehaved(step) => Self::Inconsistent(step),
            AccessError::Channel(crate::channel::ChannelError::Sm(_)) => Self::Inconsistent("PACE secure messaging"),
            _ => Self::Other,
        }
    }
}

/// What [`authenticate`] reports.
#[derive(Debug, Clone)]
pub struct PaceOutcome {
    /// The report's description: `PACE-ECDH-GM-AES-128 brainpoolP256r1 CAN`.
    pub description: String,
    /// The CAM data, to check against EF.CardSecurity.
    pub cam: Option<CamData>,
}

/// Runs PACE over `channel` with the chip's SecurityInfos and turns secure messaging on.
///
/// # Errors
/// [`AccessError`] from any step.
pub fn authenticate<T: Transport>(
    channel: &mut Channel<T>,
    infos: &SecurityInfos,
    password: &PacePassword,
    rng: &mut impl CryptoRng,
) -> Result<PaceOutcome, AccessError> {
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
    let established = mutual.on_response(&answer)?;
    channel.start_secure_messaging(established.sm);
    Ok(PaceOutcome { description, cam: established.cam })
}

#[cfg(test)]
mod tests;
