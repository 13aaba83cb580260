//! Access control in the ICAO order (ICAO 9303-11 §4.2), shared by a first authentication, a
//! recovery after a lost session and a resumed read: what the card says about extended
//! length, EF.CardAccess, PACE (or BAC), the PACE-CAM check, and the eMRTD application.

use rand_core::CryptoRng;

use crate::access::{AccessError, AccessKey, bac, pace};
use crate::channel::Channel;
use crate::error::Error;
use crate::files::capabilities::{SFI_ATR_INFO, extended_length_in_atr, extended_length_in_atr_info};
use crate::files::{AID_EMRTD, ExtendedLength, FID_CARD_ACCESS, FID_CARD_SECURITY, FileError, FileReader, ReadLimits};
use crate::lds::SecurityInfos;
use crate::transport::Transport;

/// What access control set up.
#[derive(Debug, Clone)]
pub(super) struct Established {
    /// The protocol, as the report names it.
    pub(super) protocol: String,
    /// Why not the first protocol tried.
    pub(super) fallback: Option<String>,
    /// EF.CardAccess as read.
    pub(super) card_access: Option<Vec<u8>>,
    /// EF.CardSecurity as read (PACE-CAM).
    pub(super) card_security: Option<Vec<u8>>,
    /// PACE-CAM's key matched EF.CardSecurity.
    pub(super) cam_key_matched: bool,
    /// Extended length as the ATR or EF.ATR/INFO state it; `Unknown` when they say nothing.
    pub(super) extended: ExtendedLength,
    /// What was wrong with the card's security offers (a malformed EF.CardAccess), for the
    /// report's `document.problems`.
    pub(super) problems: Vec<String>,
}

/// Runs access control with `key` on `channel` (see [`super::Reader::authenticate`]); with
/// `require_pace`, any fallback to BAC is [`AccessError::PaceRequired`] instead.
pub(super) fn establish<T: Transport>(
    channel: &mut Channel<T>,
    key: &AccessKey,
    require_pace: bool,
    rng: &mut impl CryptoRng,
) -> Result<Established, Error> {
    // Before access control the files are small and the commands plain: no extended length
    // (nor a probe for it) until the ATR or EF.ATR/INFO says.
    let mut files = FileReader::new(ReadLimits { extended: ExtendedLength::Unsupported, ..ReadLimits::default() });
    let mut card_access_bytes = Vec::new();
    // A file whose structure is broken is an offer that cannot be read, not an absent one.
    let mut unreadable = None;
    // The platform may have read it already (iOS reads it itself and refuses it to apps).
    let from_link = channel.card_access_from_link();
    let read = match from_link {
        Some(bytes) => {
            card_access_bytes = bytes;
            Ok(())
        }
        None => files.read_file_into(channel, FID_CARD_ACCESS, "EF.CardAccess", &mut card_access_bytes, &mut |_| {}),
    };
    let card_access = match read {
        Ok(()) => Some(card_access_bytes),
        Err(FileError::CardRemoved { file }) => return Err(FileError::CardRemoved { file }.into()),
        // The link failed (a timeout, a broken reader): nothing was learnt of the file, and going
        // on as if the chip offered no PACE would be a fallback on a fault.
        Err(e @ FileError::Channel { .. }) => return Err(e.into()),
        Err(e @ (FileError::Malformed { .. } | FileError::TooLarge { .. } | FileError::Truncated { .. })) => {
            unreadable = Some(e.to_string());
            None
        }
        Err(_) => None,
    };
    let extended = extended_length(channel, &mut files)?;
    files.set_extended(extended);
    let mut problems = Vec::new();
    // Why PACE was not used, when it was offered (or its offer could not be read).
    let mut not_pace: Option<String> = None;
    // A malformed EF.CardAccess is loud: PACE it may offer cannot be used, and a BAC read after
    // it is a fallback, never a normal read (a truncated PACEInfo must not turn into BAC
    // without a word).
    let parsed = match (card_access.as_deref(), unreadable) {
        (Some(bytes), _) => Some(SecurityInfos::parse(bytes).map_err(|e| e.to_string())),
        (None, Some(why)) => Some(Err(why)),
        (None, None) => None,
    };
    let infos = match parsed {
        Some(Ok(infos)) => Some(infos).filter(|i| i.pace().next().is_some()),
        Some(Err(e)) => {
            problems.push(format!("EF.CardAccess is malformed ({e}): the PACE it offers could not be used"));
            not_pace = Some(format!("EF.CardAccess is malformed ({e}), so PACE could not be used"));
            None
        }
        None => None,
    };
    if let Some(infos) = &infos {
        match pace::authenticate(channel, infos, &key.pace_password(), rng) {
            Ok(outcome) => {
                // CAM: the chip proves its static key now; a mismatch is a clone.
                let card_security = match &outcome.cam {
                    Some(cam) => Some(check_cam(&mut files, channel, cam)?),
                    None => None,
                };
                select_application(&files, channel)?;
                return Ok(Established {
                    protocol: outcome.description,
                    fallback: None,
                    card_access,
                    cam_key_matched: card_security.is_some(),
                    card_security,
                    extended,
                    problems,
                });
            }
            Err(e) => match pace::PaceFailure::of(&e) {
                pace::PaceFailure::Declined if !key.bac_keys().is_empty() || require_pace => {
                    not_pace = Some(match &e {
                        AccessError::Refused { sw, .. } => format!("PACE refused by the card ({sw})"),
                        _ => format!("PACE did not succeed ({e})"),
                    });
                }
                pace::PaceFailure::Inconsistent(during) => {
                    return Err(AccessError::Inconsistent { during }.into());
                }
                _ => return Err(e.into()),
            },
        }
    }
    if require_pace {
        let why = not_pace.unwrap_or_else(|| "the card offers no PACE".to_owned());
        return Err(AccessError::PaceRequired { why }.into());
    }
    let fallback = match not_pace {
        Some(why) => Some(format!("{why}: BAC used")),
        None if matches!(key, AccessKey::CanOrMrz { .. }) => {
            Some("the card offers no PACE; BAC used with the dates".to_owned())
        }
        None => None,
    };
    let candidates = key.bac_keys();
    if candidates.is_empty() && !problems.is_empty() {
        return Err(AccessError::Unsupported(
            "access by CAN alone: this card's EF.CardAccess is malformed, so PACE cannot be used; give the date of birth and date of expiry too",
        )
        .into());
    }
    if candidates.is_empty() {
        return Err(AccessError::Unsupported(
            "access by CAN alone (this card offers no PACE): give the date of birth and date of expiry too",
        )
        .into());
    }
    channel.end_secure_messaging();
    select_application(&files, channel)?;
    // Each refused BAC attempt costs two APDUs and leaves the chip as it was.
    let mut last = None;
    for mrz in candidates {
        match bac::authenticate(channel, mrz, rng) {
            Ok(()) => {
                return Ok(Established {
                    protocol: "BAC".to_owned(),
                    fallback,
                    card_access,
                    card_security: None,
                    cam_key_matched: false,
                    extended,
                    problems,
                });
            }
            Err(e @ AccessError::WrongKey { .. }) => last = Some(e),
            Err(e) => return Err(e.into()),
        }
    }
    Err(last.unwrap_or(AccessError::Unsupported("no BAC key")).into())
}

/// A link that carries at most this many data bytes carries short APDUs only.
const SHORT_LINK: usize = 256;
/// Bytes secure messaging adds around an answer's data, at most.
const SM_OVERHEAD: usize = 48;

/// Extended length as the link and the card state it, before anything is sent under a secure
/// session: a link that carries 256 bytes or fewer ([`Transport::max_apdu_data`]: PC/SC part
/// 10, Android) rules it out; otherwise the ATR's card capabilities, else EF.ATR/INFO read by
/// its short identifier in the master file (one READ BINARY; a card without it answers 6A82).
/// `Unknown` when neither says: the first large read then probes, and a card that ends the
/// session over it is recovered ([`super::Session`]). A link's limit also caps the chunk.
fn extended_length<T: Transport>(channel: &mut Channel<T>, files: &mut FileReader) -> Result<ExtendedLength, Error> {
    let link = channel.max_apdu_data();
    if link.is_some_and(|max| max <= SHORT_LINK) {
        return Ok(ExtendedLength::Unsupported);
    }
    // Room for the secure-messaging objects around an answer's data (DO'87' header, padding,
    // DO'99', DO'8E').
    let chunk = link.map_or(crate::files::MAX_EXTENDED_CHUNK, |max| {
        max.saturating_sub(SM_OVERHEAD).min(crate::files::MAX_EXTENDED_CHUNK)
    });
    let from = |supported: bool| if supported { ExtendedLength::Supported(chunk) } else { ExtendedLength::Unsupported };
    if let Some(supported) = channel.atr().as_deref().and_then(extended_length_in_atr) {
        return Ok(from(supported));
    }
    match files.read_sfi(channel, SFI_ATR_INFO, "EF.ATR/INFO", &mut |_| {}) {
        Ok(file) => Ok(extended_length_in_atr_info(&file)
            .map_or(ExtendedLength::Unknown, |info| from(info.allows_extended_responses()))),
        Err(FileError::CardRemoved { file }) => Err(FileError::CardRemoved { file }.into()),
        Err(_) => Ok(ExtendedLength::Unknown),
    }
}

/// Reads EF.CardSecurity (in the master file, under the new session) and checks the CAM data
/// against its Chip Authentication keys (ICAO 9303-11 §4.4.3.5.2).
fn check_cam<T: Transport>(
    files: &mut FileReader,
    channel: &mut Channel<T>,
    cam: &pace::CamData,
) -> Result<Vec<u8>, Error> {
    let bytes = files.read_ef(channel, FID_CARD_SECURITY, "EF.CardSecurity", &mut |_| {})?;
    let infos = crate::lds::card_security::security_infos(&bytes)?;
    if !crate::lds::card_security::chip_authentication_points(&infos).iter().any(|pk| cam.matches(pk)) {
        return Err(AccessError::CardMisbehaved(
            "PACE chip authentication mapping (its key does not match EF.CardSecurity: possibly a cloned chip)",
        )
        .into());
    }
    Ok(bytes)
}

fn select_application<T: Transport>(files: &FileReader, channel: &mut Channel<T>) -> Result<(), Error> {
    match files.select_application(channel, AID_EMRTD, "the eMRTD application") {
        Ok(()) => Ok(()),
        Err(FileError::NotFound { .. }) => Err(Error::NotADocument),
        Err(e) => Err(e.into()),
    }
}
