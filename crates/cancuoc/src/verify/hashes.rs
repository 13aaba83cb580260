//! Data-group hashes (ICAO 9303-11 §5.1, step 3 of passive authentication): each data group
//! read is hashed with the SOD's algorithm and compared, in constant time, with the value the
//! SOD holds. A mismatch proves the data were altered after signing, whatever the signature
//! says; a match proves nothing until the signature is verified.

use std::collections::BTreeMap;

use crate::crypto::ct_eq;
use crate::document::Document;
use crate::lds::sod::HashAlgorithm;
use crate::lds::{DgNumber, LdsError, LdsSecurityObject};
use crate::verify::status::HashResult;

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
        self.with(HashResult::Mismatch)
    }

    /// The data groups present but not hashed in EF.SOD: nothing vouches for them.
    pub fn unsigned(&self) -> Vec<DgNumber> {
        self.with(HashResult::NotHashed)
    }

    /// The data groups EF.SOD lists that the chip withheld.
    pub fn withheld(&self) -> Vec<DgNumber> {
        self.with(HashResult::Withheld)
    }

    fn with(&self, wanted: HashResult) -> Vec<DgNumber> {
        self.data_groups.iter().filter(|(_, r)| **r == wanted).map(|(dg, _)| *dg).collect()
    }
}

/// Compares every data group of `doc` with EF.SOD's hashes.
///
/// # Errors
/// [`LdsError`] when there is no EF.SOD or it is malformed. An unknown hash algorithm is not
/// an error: the check has no algorithm, and the data groups EF.SOD hashes are
/// [`HashResult::NotCompared`] (those it does not hash are still [`HashResult::NotHashed`]).
pub fn check(doc: &Document) -> Result<HashCheck, LdsError> {
    let sod_bytes = doc.sod.as_deref().ok_or(LdsError::Invalid { file: "EF.SOD", what: "not read" })?;
    let sod = LdsSecurityObject::parse_sod(sod_bytes)?;
    let algorithm = sod.hash_algorithm;
    let mut data_groups = BTreeMap::new();
    for (dg, expected) in &sod.hashes {
        let result = match (doc.dg(*dg), algorithm) {
            (Some(bytes), Some(algorithm)) if ct_eq(&algorithm.digest(bytes), expected) => HashResult::Match,
            (Some(_), Some(_)) => HashResult::Mismatch,
            (Some(_), None) => HashResult::NotCompared,
            // A live chip that refused or lacked a file its EF.SOD lists withheld it.
            (None, _) if doc.skipped.iter().any(|s| s.dg == *dg && s.withheld) => HashResult::Withheld,
            (None, _) => HashResult::NotRead,
        };
        data_groups.insert(*dg, result);
    }
    for dg in doc.data_groups.keys() {
        data_groups.entry(*dg).or_insert(HashResult::NotHashed);
    }
    Ok(HashCheck { algorithm, data_groups })
}
