//! Parsers of the Logical Data Structure (ICAO 9303-10): EF.COM, EF.SOD's LDSSecurityObject,
//! DG1 (the MRZ), DG2 (the face), DG3/DG4 headers, DG5–DG7 images, DG11, DG12, DG14/DG15
//! keys, DG16, and the SecurityInfos of EF.CardAccess, EF.CardSecurity and DG14 (ICAO 9303-11
//! §9.2). Every parser takes the file's bytes exactly as read and returns a typed value or an
//! [`LdsError`]; none panics on malformed input. No crypto here.

pub(crate) mod biometric;
pub(crate) mod card_security;
mod com;
mod dg1;
mod dg11;
mod dg12;
mod dg15;
pub(crate) mod dg16;
pub(crate) mod dg2;
pub mod mrz;
pub mod security_infos;
pub mod sod;
pub(crate) mod text;

use thiserror::Error;

use crate::codec::DecodeError;

pub use biometric::BiometricInstance;
pub use com::EfCom;
pub use dg1::Dg1;
pub use dg2::{FaceImage, ImageFormat};
pub use dg11::Dg11;
pub use dg12::Dg12;
pub use dg15::{ActiveAuthenticationKey, KeyAlgorithm};
pub use dg16::PersonToNotify;
pub use mrz::{Mrz, MrzError, MrzFormat};
pub use security_infos::{PaceInfo, SecurityInfo, SecurityInfos};
pub use sod::LdsSecurityObject;

/// A data group number, 1 to 16 (ICAO 9303-10 §4.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DgNumber(u8);

impl DgNumber {
    /// DG1, the MRZ.
    pub const DG1: Self = Self(1);
    /// DG2, the encoded face.
    pub const DG2: Self = Self(2);
    /// DG11, additional personal details.
    pub const DG11: Self = Self(11);
    /// DG12, additional document details.
    pub const DG12: Self = Self(12);
    /// DG13, optional details (Vietnam: the citizen record).
    pub const DG13: Self = Self(13);
    /// DG14, security options (Chip Authentication keys).
    pub const DG14: Self = Self(14);
    /// DG15, the Active Authentication key.
    pub const DG15: Self = Self(15);
    /// DG16, persons to notify.
    pub const DG16: Self = Self(16);

    /// A data group number; `None` outside 1..=16.
    pub fn new(n: u8) -> Option<Self> {
        (1..=16).contains(&n).then_some(Self(n))
    }

    /// The number.
    pub fn get(self) -> u8 {
        self.0
    }

    /// The DG's EF identifier, `0101`..`0110` (ICAO 9303-10 Table 38).
    pub fn fid(self) -> u16 {
        0x0100 | u16::from(self.0)
    }

    /// The DG's short EF identifier, 1..16.
    pub fn sfi(self) -> u8 {
        self.0
    }

    /// The DG's LDS tag (`61` for DG1, `75` for DG2, …; ICAO 9303-10 Table 34).
    pub fn tag(self) -> u8 {
        DG_TAGS.get(usize::from(self.0).saturating_sub(1)).copied().unwrap_or(0)
    }

    /// The DG whose LDS tag is `tag`.
    pub fn from_tag(tag: u8) -> Option<Self> {
        let index = DG_TAGS.iter().position(|t| *t == tag)?;
        Self::new(u8::try_from(index.saturating_add(1)).ok()?)
    }
}

impl std::fmt::Display for DgNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DG{}", self.0)
    }
}

/// LDS tags of DG1..DG16 (ICAO 9303-10 Table 34).
const DG_TAGS: [u8; 16] =
    [0x61, 0x75, 0x63, 0x76, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F, 0x70];

/// Why an LDS file could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum LdsError {
    /// The TLV structure is broken.
    #[error("{file}: {source}")]
    Decode {
        /// The file ("EF.COM", "DG1", …).
        file: &'static str,
        /// Where and how.
        source: DecodeError,
    },
    /// The MRZ is malformed or a check digit fails.
    #[error("DG1: {0}")]
    Mrz(#[from] MrzError),
    /// The structure is valid TLV but not what the LDS prescribes.
    #[error("{file}: {what}")]
    Invalid {
        /// The file.
        file: &'static str,
        /// What is wrong.
        what: &'static str,
    },
}

impl LdsError {
    pub(crate) fn decode(file: &'static str) -> impl FnOnce(DecodeError) -> Self {
        move |source| Self::Decode { file, source }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dg_numbers_map_to_fids_and_tags() {
        assert_eq!(DgNumber::DG1.fid(), 0x0101);
        assert_eq!(DgNumber::new(16).unwrap().fid(), 0x0110);
        assert_eq!(DgNumber::DG2.tag(), 0x75);
        assert_eq!(DgNumber::from_tag(0x6D), Some(DgNumber::DG13));
        assert_eq!(DgNumber::from_tag(0x77), None);
        assert!(DgNumber::new(0).is_none() && DgNumber::new(17).is_none());
    }
}
