//! EF.SOD, the Document Security Object (ICAO 9303-10 §4.6.2): `77 { ContentInfo }` with a
//! CMS SignedData whose content is the LDSSecurityObject. This module parses the content
//! (version, hash algorithm, data-group hashes, LDS version info); the signature is passive
//! authentication's job.
//!
//! ```text
//! LDSSecurityObject ::= SEQUENCE {
//!   version LDSSecurityObjectVersion,            -- 0, or 1 with ldsVersionInfo
//!   hashAlgorithm DigestAlgorithmIdentifier,
//!   dataGroupHashValues SEQUENCE SIZE (2..ub-DataGroups) OF DataGroupHash,
//!   ldsVersionInfo LDSVersionInfo OPTIONAL }
//! DataGroupHash ::= SEQUENCE { dataGroupNumber DataGroupNumber, dataGroupHashValue OCTET STRING }
//! LDSVersionInfo ::= SEQUENCE { ldsVersion PRINTABLE STRING, unicodeVersion PRINTABLE STRING }
//! ```

use std::collections::BTreeMap;

use super::card_security::encapsulated_content;
use super::security_infos::Oid;
use super::{DgNumber, LdsError};
use crate::codec::ByteReader;

pub use crate::crypto::hash::HashAlgorithm;

/// The parsed LDSSecurityObject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LdsSecurityObject {
    /// Version: 0, or 1 with LDS version info.
    pub version: u32,
    /// The hash algorithm's OID.
    pub hash_oid: Oid,
    /// The hash algorithm, when known.
    pub hash_algorithm: Option<HashAlgorithm>,
    /// The data-group hashes.
    pub hashes: BTreeMap<DgNumber, Vec<u8>>,
    /// LDS and Unicode versions (version 1).
    pub lds_version: Option<(String, String)>,
}

impl LdsSecurityObject {
    /// Parses EF.SOD (with its tag 77) and its LDSSecurityObject.
    ///
    /// # Errors
    /// [`LdsError`] naming EF.SOD for a malformed structure.
    pub fn parse_sod(bytes: &[u8]) -> Result<Self, LdsError> {
        let d = || LdsError::decode("EF.SOD");
        let mut file = ByteReader::new(bytes, "EF.SOD");
        let sod = file.expect_tlv(0x77).map_err(d())?;
        file.finish_file().map_err(d())?;
        Self::parse(&encapsulated_content(sod.value, "EF.SOD")?)
    }

    /// Parses a DER LDSSecurityObject.
    ///
    /// # Errors
    /// [`LdsError`] for a malformed structure or a data-group number outside 1..=16.
    pub fn parse(bytes: &[u8]) -> Result<Self, LdsError> {
        let d = || LdsError::decode("EF.SOD");
        let mut file = ByteReader::new(bytes, "LDSSecurityObject");
        let mut r = file.expect_tlv(0x30).map_err(d())?.reader("LDSSecurityObject");
        file.finish_file().map_err(d())?;
        let version = small(r.expect_tlv(0x02).map_err(d())?.value)?;
        let mut algorithm = r.expect_tlv(0x30).map_err(d())?.reader("hashAlgorithm");
        let hash_oid = Oid(algorithm.expect_tlv(0x06).map_err(d())?.value.to_vec());
        let hash_algorithm = HashAlgorithm::from_oid(&hash_oid.0);
        let mut list = r.expect_tlv(0x30).map_err(d())?.reader("dataGroupHashValues");
        let mut hashes = BTreeMap::new();
        while !list.is_empty() {
            let mut entry = list.expect_tlv(0x30).map_err(d())?.reader("DataGroupHash");
            let number = small(entry.expect_tlv(0x02).map_err(d())?.value)?;
            let dg = u8::try_from(number)
                .ok()
                .and_then(DgNumber::new)
                .ok_or(LdsError::Invalid { file: "EF.SOD", what: "data-group number outside 1..16" })?;
            let hash = entry.expect_tlv(0x04).map_err(d())?.value.to_vec();
            hashes.insert(dg, hash);
        }
        let lds_version = if r.is_empty() {
            None
        } else {
            let mut info = r.expect_tlv(0x30).map_err(d())?.reader("LDSVersionInfo");
            let lds = String::from_utf8_lossy(info.tlv().map_err(d())?.value).into_owned();
            let unicode = String::from_utf8_lossy(info.tlv().map_err(d())?.value).into_owned();
            Some((lds, unicode))
        };
        Ok(Self { version, hash_oid, hash_algorithm, hashes, lds_version })
    }
}

fn small(value: &[u8]) -> Result<u32, LdsError> {
    let bad = LdsError::Invalid { file: "EF.SOD", what: "INTEGER out of range" };
    let magnitude = crate::codec::der_unsigned(value).ok_or(bad.clone())?;
    if magnitude.len() > 4 {
        return Err(bad);
    }
    Ok(magnitude.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)))
}
