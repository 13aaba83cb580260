//! Data-group hashes (ICAO 9303-11 §5.1, step 3 of passive authentication): each data group
//! read is hashed with the SOD's algorithm and compared, in constant time, with the value the
//! SOD holds. A mismatch proves the data were altered after signing, whatever the signature
//! says; a match proves nothing until the signature is verified.

use std::collections::BTreeMap;

use crate::crypto::ct_eq;
use crate::document::Document;
use crate::lds::sod::HashAlgorithm;
use crate::lds::{DgNumber, LdsError, LdsSecurityObject};

/// The verdict for one data group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashResult {
    /// Read, and its hash matches the SOD.
    Match,
    /// Read, and its hash differs from the SOD's: the data were altered.
    Mismatch,
    /// Hashed in the SOD but not read (e.g. DG3 behind EAC, or a skipped photo).
    NotRead,
    /// Read but not in the SOD (nothing vouches for it).
    NotHashed,
}

impl HashResult {
    /// The report's word: `match`, `mismatch`, `not_read`, `not_hashed` (DESIGN.md §3.2).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Match => "match",
            Self::Mismatch => "mismatch",
            Self::NotRead => "not_read",
            Self::NotHashed => "not_hashed",
        }
    }
}

/// The outcome of the hash comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashCheck {
    /// The SOD's hash algorithm.
    pub algorithm: Option<HashAlgorithm>,
    /// Per data group.
    pub data_groups: BTreeMap<DgNumber, HashResult>,
}

impl HashCheck {
    /// The data groups whose hash does not match.
    pub fn mismatches(&self) -> Vec<DgNumber> {
        self.data_groups.iter().filter(|(_, r)| **r == HashResult::Mismatch).map(|(dg, _)| *dg).collect()
    }
}

/// Compares every data group of `doc` with EF.SOD's hashes.
///
/// # Errors
/// [`LdsError`] when there is no EF.SOD or it is malformed. An unknown hash algorithm is not
/// an error: nothing can be compared, so the check has no algorithm and no data groups.
pub fn check(doc: &Document) -> Result<HashCheck, LdsError> {
    let sod_bytes = doc.sod.as_deref().ok_or(LdsError::Invalid { file: "EF.SOD", what: "not read" })?;
    let sod = LdsSecurityObject::parse_sod(sod_bytes)?;
    let Some(algorithm) = sod.hash_algorithm else {
        return Ok(HashCheck { algorithm: None, data_groups: BTreeMap::new() });
    };
    let mut data_groups = BTreeMap::new();
    for (dg, expected) in &sod.hashes {
        let result = match doc.dg(*dg) {
            Some(bytes) if ct_eq(&algorithm.digest(bytes), expected) => HashResult::Match,
            Some(_) => HashResult::Mismatch,
            None => HashResult::NotRead,
        };
        data_groups.insert(*dg, result);
    }
    for dg in doc.data_groups.keys() {
        data_groups.entry(*dg).or_insert(HashResult::NotHashed);
    }
    Ok(HashCheck { algorithm: Some(algorithm), data_groups })
}
