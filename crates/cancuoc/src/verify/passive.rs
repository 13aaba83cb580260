//! Passive authentication (ICAO 9303-11 §5.1): EF.SOD's CMS signature by the document signer,
//! the data-group hashes, and the DS certificate's chain to a CSCA of the trust store. Time
//! is passed in (`at`); nothing here reads the clock. "Signature and hashes right, but no
//! anchor" is `untrusted`, never `valid`.

use std::collections::BTreeMap;

use super::cms::{SignedData, SignerId, SignerInfo};
use super::hashes::{self, HashResult};
use super::signature::{PublicKey, verify};
use crate::codec::ByteReader;
use crate::crypto::ct_eq;
use crate::document::Document;
use crate::lds::DgNumber;
use crate::lds::sod::HashAlgorithm;
use crate::trust::{Certificate, TrustStore};

/// id-data 1.2.840.113549.1.7.1.
const OID_DATA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01];
/// id-icao-mrtd-security-ldsSecurityObject 2.23.136.1.1.1.
const OID_LDS_SECURITY_OBJECT: &[u8] = &[0x67, 0x81, 0x08, 0x01, 0x01, 0x01];

/// The verdict of passive authentication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassiveStatus {
    /// Signature, hashes and chain to a trust anchor all verify.
    Valid,
    /// Something was altered or does not verify.
    Invalid,
    /// Signature and hashes verify, but no anchor vouches for the signer.
    Untrusted,
    /// Not run (no EF.SOD).
    NotChecked,
}

impl PassiveStatus {
    /// The report's word.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::Invalid => "invalid",
            Self::Untrusted => "untrusted",
            Self::NotChecked => "not_checked",
        }
    }
}

/// The chain's verdict (DESIGN.md §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChainStatus {
    /// DS → CSCA verifies and both are valid at the time given.
    Trusted,
    /// No CSCA of the store has the DS's issuer name.
    NoAnchor,
    /// A certificate of the chain is outside its validity at the time given.
    Expired,
    /// The DS certificate is listed in a CRL of its CSCA.
    Revoked,
    /// The DS certificate's signature does not verify under any candidate CSCA.
    Invalid,
}

impl ChainStatus {
    /// The report's word.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Trusted => "trusted",
            Self::NoAnchor => "no_anchor",
            Self::Expired => "expired",
            Self::Revoked => "revoked",
            Self::Invalid => "invalid",
        }
    }
}

/// The document signer, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignerSummary {
    /// Subject.
    pub subject: String,
    /// Serial number, hex.
    pub serial: String,
    /// Validity start (seconds since 1970).
    pub not_before: i64,
    /// Validity end.
    pub not_after: i64,
    /// When EF.SOD says it was signed (its signingTime attribute), if it says.
    pub signed_at: Option<i64>,
}

/// Everything passive authentication found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassiveResult {
    /// The verdict.
    pub status: PassiveStatus,
    /// The data-group hash algorithm.
    pub hash: Option<HashAlgorithm>,
    /// The signature algorithm, as verified.
    pub signature: Option<String>,
    /// Per data group.
    pub data_groups: BTreeMap<DgNumber, HashResult>,
    /// The document signer.
    pub signer: Option<SignerSummary>,
    /// The chain's verdict and the anchor's subject.
    pub chain: Option<(ChainStatus, Option<String>)>,
    /// What went wrong, in words.
    pub problems: Vec<String>,
}

/// The certificate of `certificates` that `sid` names: by issuer and serial (or key
/// identifier); then by serial alone, as some issuers encode the issuer's RDNs in another
/// order in the SignerInfo (Malaysia: `real-samples/gmrtd/documents/MY`); then the only
/// certificate there is. The signature check decides in any case.
pub fn find_signer_certificate(certificates: &[Vec<u8>], sid: &SignerId) -> Option<Certificate> {
    let certs: Vec<Certificate> = certificates.iter().filter_map(|der| Certificate::parse(der)).collect();
    let exact = certs.iter().find(|cert| match sid {
        SignerId::IssuerAndSerial { issuer, serial } => cert.issuer == *issuer && cert.serial == *serial,
        SignerId::SubjectKeyIdentifier(ski) => cert.subject_key_id.as_deref() == Some(ski.as_slice()),
    });
    let by_serial = || match sid {
        SignerId::IssuerAndSerial { serial, .. } => certs.iter().find(|cert| cert.serial == *serial),
        SignerId::SubjectKeyIdentifier(_) => None,
    };
    let only = || if certs.len() == 1 { certs.first() } else { None };
    exact.or_else(by_serial).or_else(only).cloned()
}

/// Checks a SignerInfo (RFC 5652 §5.4, §11): signed attributes present, contentType matching,
/// messageDigest = hash(content), and the signature over the DER SET of signed attributes.
/// Returns the signature algorithm's name.
///
/// # Errors
/// What failed, in words for the report.
pub fn check_signer(signed: &SignedData, signer: &SignerInfo, key: &PublicKey) -> Result<String, &'static str> {
    let attributes = signer.signed_attributes.as_deref().ok_or("the signer has no signed attributes")?;
    if signer.content_type.as_deref().is_some_and(|ct| ct != signed.content_type.as_slice()) {
        return Err("the signed content type differs from the content's");
    }
    let digest_algorithm = HashAlgorithm::from_oid(&signer.digest_algorithm.oid).ok_or("unknown digest algorithm")?;
    let message_digest = signer.message_digest.as_deref().ok_or("no message digest attribute")?;
    if !ct_eq(&digest_algorithm.digest(&signed.content), message_digest) {
        return Err("the signed message digest does not match the content: the security object was altered");
    }
    verify(key, &signer.signature_algorithm, Some(&signer.digest_algorithm), attributes, &signer.signature).map_err(
        |e| match e {
            super::signature::SignatureError::Invalid => "the signature does not verify",
            super::signature::SignatureError::BadKey => "the signer's key is malformed",
            super::signature::SignatureError::Unsupported(what) => what,
        },
    )
}

/// Runs passive authentication on `doc` at time `at` (seconds since 1970; `None` skips the
/// validity-period checks and says so).
pub fn passive(doc: &Document, trust: &TrustStore, at: Option<i64>) -> PassiveResult {
    let mut result = PassiveResult {
        status: PassiveStatus::NotChecked,
        hash: None,
        signature: None,
        data_groups: BTreeMap::new(),
        signer: None,
        chain: None,
        problems: Vec::new(),
    };
    let Some(sod) = doc.sod.as_deref() else { return result };
    result.status = PassiveStatus::Invalid;
    let mut r = ByteReader::new(sod, "EF.SOD");
    let Some(signed) = r.expect_tlv(0x77).ok().and_then(|t| SignedData::parse(t.value).ok()) else {
        result.problems.push("EF.SOD is not a CMS SignedData".to_owned());
        return result;
    };
    // Some early SODs declare id-data (1.2.840.113549.1.7.1) for the same content.
    if signed.content_type != OID_LDS_SECURITY_OBJECT && signed.content_type != OID_DATA {
        result.problems.push("EF.SOD does not hold an LDS security object".to_owned());
    }
    match hashes::check(doc) {
        Ok(check) => {
            result.hash = check.algorithm;
            for dg in check.mismatches() {
                result.problems.push(format!("{dg} does not match its hash in EF.SOD: the data were altered"));
            }
            result.data_groups = check.data_groups;
        }
        Err(e) => result.problems.push(format!("EF.SOD cannot be read: {e}")),
    }
    let Some(signer) = signed.signers.first() else {
        result.problems.push("EF.SOD has no signer".to_owned());
        return result;
    };
    let Some(ds) = find_signer_certificate(&signed.certificates, &signer.sid) else {
        result.problems.push("EF.SOD holds no document signer certificate for its signer".to_owned());
        return result;
    };
    result.signer = Some(SignerSummary {
        subject: ds.subject_text.clone(),
        serial: ds.serial_hex(),
        not_before: ds.not_before,
        not_after: ds.not_after,
        signed_at: signer.signing_time,
    });
    let candidates: Vec<&Certificate> = trust.anchors().iter().filter(|a| a.subject == ds.issuer).collect();
    // An implicitlyCA DS key takes its curve from the CSCA.
    let inherited = candidates.iter().find_map(|c| c.public_key(None).ok().and_then(|k| k.curve().cloned()));
    let ds_key = match ds.public_key(inherited.as_ref()) {
        Ok(key) => key,
        Err(e) => {
            result.problems.push(format!("the document signer's key cannot be used: {e}"));
            return result;
        }
    };
    let signature_ok = match check_signer(&signed, signer, &ds_key) {
        Ok(name) => {
            result.signature = Some(name);
            true
        }
        Err(why) => {
            result.problems.push(format!("EF.SOD signature: {why}"));
            false
        }
    };
    let chain = chain(&ds, &candidates, trust, Times { at, signed_at: signer.signing_time }, &mut result.problems);
    result.chain = Some(chain.clone());
    let hashes_ok = !result.data_groups.values().any(|r| *r == HashResult::Mismatch) && result.hash.is_some();
    result.status = match (signature_ok && hashes_ok && result.problems.is_empty(), chain.0) {
        (true, ChainStatus::Trusted) => PassiveStatus::Valid,
        (true, ChainStatus::NoAnchor) => PassiveStatus::Untrusted,
        _ => PassiveStatus::Invalid,
    };
    if at.is_none() {
        result.problems.push("no date given: certificate validity periods were not checked".to_owned());
    }
    result
}

/// The moments the chain is checked at.
#[derive(Debug, Clone, Copy)]
struct Times {
    /// The chosen date (`--at`, default today); `None` skips this check.
    at: Option<i64>,
    /// EF.SOD's signingTime, when it has one.
    signed_at: Option<i64>,
}

fn day(seconds: i64) -> String {
    crate::codec::time::CalendarDate::from_unix(seconds).iso()
}

/// The validity checks of one DS/CSCA pair (ICAO 9303-12 §5.1, §7.1.1), in the order a reader
/// of the report needs them:
/// 1. at signing: the CSCA was valid when it issued the DS certificate (its notBefore), and,
///    when EF.SOD carries a signingTime, both were valid when the document was signed;
/// 2. at the chosen date: both valid then (ICAO sizes the DS certificate's validity to cover
///    every document it signed, so an expired DS certificate means an expired document).
fn validity_problem(ds: &Certificate, csca: &Certificate, times: Times) -> Option<String> {
    if !csca.valid_at(ds.not_before) {
        return Some(format!(
            "the CSCA certificate (valid {} to {}) was not valid when it issued the document signer certificate on {}",
            day(csca.not_before),
            day(csca.not_after),
            day(ds.not_before)
        ));
    }
    if let Some(signed) = times.signed_at {
        for (who, cert) in [("document signer", ds), ("CSCA", csca)] {
            if !cert.valid_at(signed) {
                return Some(format!(
                    "EF.SOD was signed on {}, outside the {who} certificate's validity ({} to {})",
                    day(signed),
                    day(cert.not_before),
                    day(cert.not_after)
                ));
            }
        }
    }
    let at = times.at?;
    for (who, cert) in [("document signer", ds), ("CSCA", csca)] {
        if !cert.valid_at(at) {
            return Some(format!(
                "the {who} certificate is outside its validity period ({} to {}) on {}",
                day(cert.not_before),
                day(cert.not_after),
                day(at)
            ));
        }
    }
    None
}

/// DS → CSCA: every candidate with the issuer's name whose key verifies the DS certificate is
/// tried (CSCA re-issues and link certificates share names and keys); the first that passes
/// every check makes the chain `trusted`, else the first candidate's failure is reported.
fn chain(
    ds: &Certificate,
    candidates: &[&Certificate],
    trust: &TrustStore,
    times: Times,
    problems: &mut Vec<String>,
) -> (ChainStatus, Option<String>) {
    if candidates.is_empty() {
        return (ChainStatus::NoAnchor, None);
    }
    let mut first_failure: Option<(ChainStatus, String, String)> = None;
    for csca in candidates {
        let Ok(key) = csca.public_key(None) else { continue };
        if ds.verify_signed_by(&key).is_err() {
            continue;
        }
        let anchor = csca.subject_text.clone();
        let failure = if ds.key_usage.is_some_and(|(digital_signature, _)| !digital_signature) {
            Some((ChainStatus::Invalid, "the document signer certificate is not for digital signatures".to_owned()))
        } else if trust.is_revoked(csca, &ds.serial) {
            Some((ChainStatus::Revoked, "the document signer certificate is revoked by its CSCA's CRL".to_owned()))
        } else {
            validity_problem(ds, csca, times).map(|why| (ChainStatus::Expired, why))
        };
        match failure {
            None => return (ChainStatus::Trusted, Some(anchor)),
            Some((status, why)) => {
                first_failure.get_or_insert((status, why, anchor));
            }
        }
    }
    if let Some((status, why, anchor)) = first_failure {
        problems.push(why);
        return (status, Some(anchor));
    }
    problems.push("the document signer certificate is not signed by any CSCA with its issuer's name".to_owned());
    (ChainStatus::Invalid, None)
}
