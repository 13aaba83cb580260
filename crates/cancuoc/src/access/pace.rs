//! PACE, Password Authenticated Connection Establishment (ICAO 9303-11 §4.4; BSI TR-03110-2
//! §3.2): Generic Mapping over ECDH (any curve: [`crate::crypto::curve`]) and DH
//! ([`crate::crypto::dh`]) with 3DES and AES-128/192/256; Integrated Mapping over ECDH
//! (curves with p ≡ 3 mod 4) and DH with AES-128; Chip Authentication Mapping over ECDH; the
//! passwords MRZ and CAN.
//!
//! A chain of states, each consumed by the step that leaves it, none doing I/O:
//! [`PaceStart`] (MSE:Set AT) → [`PaceAwaitingNonce`] (GA 1: encrypted nonce) →
//! [`PaceMapping`] (GA 2: map the nonce) → [`PaceKeyAgreement`] (GA 3: ephemeral keys) →
//! [`PaceMutualAuthentication`] (GA 4: tokens) → a [`crate::sm::SecureMessaging`] session.
//! [`authenticate`] drives them over a [`Channel`]. The chip's public keys are checked on the
//! curve (or in the subgroup) and against ours, and its token is verified before any key is
//! used. The card-side helpers ([`Domain`], [`password_key`], [`token`], [`session`]) are
//! public so the virtual card runs the same arithmetic in mirror image.

use rand_core::CryptoRng;
use zeroize::Zeroizing;

use super::{AccessError, MrzKey};
use crate::channel::Channel;
use crate::crypto::sha1;
use crate::lds::security_infos::{PaceInfo, SecurityInfos};
use crate::transport::Transport;

mod domain;
mod keys;
mod states;

pub use domain::{Domain, Element};
pub use keys::{SymmetricKey, integrated_prf, password_key, session, token};
use states::check_supported;
pub use states::{
    CamData, PaceAwaitingNonce, PaceEstablished, PaceKeyAgreement, PaceMapping, PaceMutualAuthentication, PaceStart,
    dynamic_data, general_authenticate,
};

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
