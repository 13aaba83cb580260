//! Passive authentication (ICAO 9303-11 §5.1): EF.SOD's CMS signature by the document signer,
//! the data-group hashes, and the DS certificate's chain to a CSCA of the trust store. Time
//! is passed in (`at`); nothing here reads the clock. "Signature and hashes right, but no
//! anchor" is `untrusted`, never `valid`.
//!
//! **A data group that EF.SOD does not hash makes passive authentication `invalid`**
//! ("DG11 is not signed by EF.SOD: possible data injection"), and its content is never shown
//! as the holder's ([`crate::Document::signed_view`]). The other reading — signed data valid,
//! the extra group ignored and named — was weighed and rejected: ICAO 9303-10 §4.6.2 has
//! EF.SOD hash every data group the chip holds, so a genuine chip or an untouched dump never
//! presents an unhashed one; its presence means someone added data (gmrtd reaches the same
//! verdict), and a bank teller acting on a green badge must hear about it. The reader itself
//! never reads a group EF.SOD does not list ([`crate::Session::read`]), so on a live read this
//! arises only without EF.SOD, where nothing is `valid` anyway.
//!
//! A check this reader cannot perform (an algorithm or key type it does not implement, an
//! EF.SOD without its document signer certificate) is `unsupported`, never `invalid`: nothing
//! was shown to be altered. Findings rank: altered data (`invalid`) over `unsupported` over the
//! chain's verdict.

use std::collections::BTreeMap;

use super::hashes;
use super::status::HashResult;
use super::status::Verified;
use crate::codec::ByteReader;
use crate::document::Document;
use crate::lds::DgNumber;
use crate::lds::sod::HashAlgorithm;
use crate::pki::cms::SignedData;
use crate::pki::signature::{SignatureError, algorithm_name};
use crate::pki::signer::{SignerProblem, check_signer, find_signer_certificate_with};
use crate::trust::TrustStore;

/// The data groups that hold the holder's identity: the MRZ, the face, and a CCCD's citizen
/// record. A chip that withholds one its EF.SOD lists is never genuine.
const HOLDER_DATA_GROUPS: [DgNumber; 3] = [DgNumber::DG1, DgNumber::DG2, DgNumber::DG13];

/// id-data 1.2.840.113549.1.7.1.
const OID_DATA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01];
/// id-icao-mrtd-security-ldsSecurityObject 2.23.136.1.1.1.
const OID_LDS_SECURITY_OBJECT: &[u8] = &[0x67, 0x81, 0x08, 0x01, 0x01, 0x01];

use super::status::{ChainStatus, PassiveStatus, SignatureStatus};

mod chain;
use chain::{Times, chain};

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
    /// The signature algorithm EF.SOD's SignerInfo names, whatever the outcome
    /// ([`crate::pki::signature::algorithm_name`]).
    pub signature: Option<String>,
    /// The outcome of the signature check alone.
    pub signature_status: SignatureStatus,
    /// Per data group.
    pub data_groups: BTreeMap<DgNumber, HashResult>,
    /// The document signer.
    pub signer: Option<SignerSummary>,
    /// The chain's verdict and the anchor's subject.
    pub chain: Option<(ChainStatus, Option<String>)>,
    /// What went wrong or could not be checked, in words.
    pub problems: Vec<String>,
    /// EF.CardSecurity's own check, when the document holds one.
    pub card_security: Option<CardSecurityResult>,
}

/// EF.CardSecurity checked as the CMS SignedData it is (ICAO 9303-11 §9.2.1; BSI TR-03110-3
/// §A.1.2.5): its signature by the document signer it names, and that signer's chain to a
/// CSCA, exactly as EF.SOD's ([`passive`]). A signature that does not verify is altered
/// data, and makes passive authentication `invalid`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardSecurityResult {
    /// `valid`, `invalid`, `untrusted`, `unsupported`, or `not_checked` (no trust store).
    pub status: PassiveStatus,
    /// The signature algorithm its SignerInfo names.
    pub signature: Option<String>,
    /// The signature check alone.
    pub signature_status: SignatureStatus,
    /// The chain's verdict and the anchor's subject.
    pub chain: Option<(ChainStatus, Option<String>)>,
    /// What went wrong or could not be checked, in words.
    pub problems: Vec<String>,
}

impl CardSecurityResult {
    fn not_checked(why: &str) -> Self {
        Self {
            status: PassiveStatus::NotChecked,
            signature: None,
            signature_status: SignatureStatus::NotChecked,
            chain: None,
            problems: vec![why.to_owned()],
        }
    }
}

impl PassiveResult {
    /// Nothing checked: a document without EF.SOD.
    pub fn not_checked() -> Self {
        Self {
            status: PassiveStatus::NotChecked,
            hash: None,
            signature: None,
            signature_status: SignatureStatus::NotChecked,
            data_groups: BTreeMap::new(),
            signer: None,
            chain: None,
            problems: Vec::new(),
            card_security: None,
        }
    }

    /// True when passive authentication is `valid` and `dg` matches its hash: the data
    /// group's content is vouched for (chip and active authentication keys count only then).
    pub fn vouches_for(&self, dg: DgNumber) -> bool {
        self.status.is_valid() && self.data_groups.get(&dg) == Some(&HashResult::Match)
    }

    /// The data groups present but not hashed in EF.SOD.
    pub fn unsigned(&self) -> impl Iterator<Item = DgNumber> + '_ {
        self.data_groups.iter().filter(|(_, r)| **r == HashResult::NotHashed).map(|(dg, _)| *dg)
    }
}

/// What the steps found, ranked when the verdict is made.
#[derive(Debug, Default)]
struct Findings {
    /// Data, EF.SOD or its signature were shown to be changed or added.
    altered: bool,
    /// A check could not be performed.
    unsupported: bool,
}

/// Runs passive authentication on `doc` at time `at` (seconds since 1970; `None` skips the
/// validity-period checks and says so).
pub fn passive(doc: &Document, trust: &TrustStore, at: Option<i64>) -> PassiveResult {
    let mut result = PassiveResult::not_checked();
    let Some(sod) = doc.sod.as_deref() else { return result };
    let mut findings = Findings::default();
    let mut r = ByteReader::new(sod, "EF.SOD");
    let Some(signed) = r.expect_tlv(0x77).ok().and_then(|t| SignedData::parse(t.value).ok()) else {
        result.problems.push("EF.SOD is not a CMS SignedData".to_owned());
        // Without a readable EF.SOD no data group is signed.
        result.data_groups = doc.data_groups.keys().map(|dg| (*dg, HashResult::NotHashed)).collect();
        result.status = PassiveStatus::Invalid;
        return result;
    };
    // Some early SODs declare id-data (1.2.840.113549.1.7.1) for the same content.
    if signed.content_type != OID_LDS_SECURITY_OBJECT && signed.content_type != OID_DATA {
        result.problems.push("EF.SOD does not hold an LDS security object".to_owned());
        findings.altered = true;
    }
    compare_hashes(doc, &mut result, &mut findings);
    check_signature(&signed, trust, at, &mut result, &mut findings);
    if let Some(card_security) = doc.card_security.as_deref().map(|bytes| card_security(bytes, trust, at)) {
        if card_security.signature_status == SignatureStatus::Invalid {
            result.problems.push("EF.CardSecurity's signature does not verify: the file was altered".to_owned());
            findings.altered = true;
        }
        result.card_security = Some(card_security);
    }
    result.status = rank(&findings, result.chain.as_ref().map(|(status, _)| *status));
    // Missing is not proven: a signed EF.SOD with nothing of the holder to compare (a dump
    // holding EF.SOD alone) vouches for nothing.
    let compared = result.data_groups.values().any(|r| *r == HashResult::Match);
    if !compared && matches!(result.status, PassiveStatus::Valid(_) | PassiveStatus::Untrusted) {
        result.problems.push(
            "EF.SOD is signed, but no data group was there to check: nothing of the holder is vouched for".to_owned(),
        );
        result.status = PassiveStatus::NotChecked;
    }
    if at.is_none() {
        result.problems.push("no date given: certificate validity periods were not checked".to_owned());
    }
    result
}

/// The verdict from what the steps found: altered data over a check that could not be
/// performed over the chain's verdict.
fn rank(findings: &Findings, chain: Option<ChainStatus>) -> PassiveStatus {
    match (findings, chain) {
        (Findings { altered: true, .. }, _) => PassiveStatus::Invalid,
        (Findings { unsupported: true, .. }, _) => PassiveStatus::Unsupported,
        (_, Some(ChainStatus::Trusted)) => PassiveStatus::Valid(Verified::new()),
        (_, Some(ChainStatus::NoAnchor)) => PassiveStatus::Untrusted,
        (_, Some(ChainStatus::Unsupported)) => PassiveStatus::Unsupported,
        _ => PassiveStatus::Invalid,
    }
}

/// EF.CardSecurity's signature and its signer's chain ([`CardSecurityResult`]).
fn card_security(bytes: &[u8], trust: &TrustStore, at: Option<i64>) -> CardSecurityResult {
    let Ok(signed) = SignedData::parse(bytes) else {
        let mut result = CardSecurityResult::not_checked("EF.CardSecurity is not a CMS SignedData: not checked");
        result.signature_status = SignatureStatus::Invalid;
        result.status = PassiveStatus::Invalid;
        return result;
    };
    let mut checked = PassiveResult::not_checked();
    let mut findings = Findings::default();
    check_signature(&signed, trust, at, &mut checked, &mut findings);
    CardSecurityResult {
        status: rank(&findings, checked.chain.as_ref().map(|(status, _)| *status)),
        signature: checked.signature,
        signature_status: checked.signature_status,
        chain: checked.chain,
        problems: checked.problems,
    }
}

/// The data-group hashes alone, for a report made without a trust store: a mismatch or an
/// unhashed data group makes the result `invalid`; otherwise it stays `not_checked`, as the
/// signature was not verified.
pub fn hashes_only(doc: &Document) -> PassiveResult {
    let mut result = PassiveResult::not_checked();
    if doc.sod.is_none() {
        return result;
    }
    let mut findings = Findings::default();
    compare_hashes(doc, &mut result, &mut findings);
    if findings.altered {
        result.status = PassiveStatus::Invalid;
    }
    if doc.card_security.is_some() {
        result.card_security =
            Some(CardSecurityResult::not_checked("no trust store: EF.CardSecurity's signature was not checked"));
    }
    result
}

/// Step 3 of ICAO 9303-11 §5.1: every data group against EF.SOD's hash; a mismatch or a data
/// group EF.SOD does not hash is altered data.
fn compare_hashes(doc: &Document, result: &mut PassiveResult, findings: &mut Findings) {
    match hashes::check(doc) {
        Ok(check) => {
            result.hash = check.algorithm;
            if check.algorithm.is_none() {
                result.problems.push(
                    "EF.SOD names a hash algorithm this reader does not implement: the data groups cannot be compared"
                        .to_owned(),
                );
                findings.unsupported = true;
            }
            for dg in check.mismatches() {
                result.problems.push(format!("{dg} does not match its hash in EF.SOD: the data were altered"));
                findings.altered = true;
            }
            // What EF.SOD promises of the holder, the chip must deliver (a live read: a dump
            // that lacks a file says `not_read`).
            for dg in check.withheld().into_iter().filter(|dg| HOLDER_DATA_GROUPS.contains(dg)) {
                result.problems.push(format!(
                    "the chip withholds {dg}, which its EF.SOD lists: the holder's data are not authenticated"
                ));
                findings.altered = true;
            }
            for dg in check.unsigned() {
                result
                    .problems
                    .push(format!("{dg} is not signed by EF.SOD: possible data injection (its content is not used)"));
                findings.altered = true;
            }
            result.data_groups = check.data_groups;
        }
        Err(e) => {
            result.problems.push(format!("EF.SOD cannot be read: {e}"));
            result.data_groups = doc.data_groups.keys().map(|dg| (*dg, HashResult::NotHashed)).collect();
            findings.altered = true;
        }
    }
}

/// Steps 1–2 of ICAO 9303-11 §5.1: the document signer's signature over EF.SOD, then the
/// chain from the DS certificate to a CSCA of `trust`.
fn check_signature(
    signed: &SignedData,
    trust: &TrustStore,
    at: Option<i64>,
    result: &mut PassiveResult,
    findings: &mut Findings,
) {
    let Some(signer) = signed.signers.first() else {
        result.problems.push("EF.SOD has no signer: nothing vouches for it".to_owned());
        findings.altered = true;
        return;
    };
    result.signature = Some(algorithm_name(&signer.signature_algorithm, Some(&signer.digest_algorithm)));
    let Some(ds) = find_signer_certificate_with(&signed.certificates, &signer.sid, |der| trust.parse_certificate(der))
    else {
        // ICAO 9303-12 §7.1 lets the DS certificate come from the PKD instead of EF.SOD.
        result.problems.push(
            "EF.SOD holds no document signer certificate for its signer: its signature cannot be checked".to_owned(),
        );
        result.signature_status = SignatureStatus::Unsupported;
        findings.unsupported = true;
        return;
    };
    result.signer = Some(SignerSummary {
        subject: ds.subject_text.clone(),
        serial: ds.serial_hex(),
        not_before: ds.not_before,
        not_after: ds.not_after,
        signed_at: signer.signing_time,
    });
    // An implicitlyCA DS key takes its curve from the CSCA.
    let inherited = trust.named_issuers(&ds).find_map(|c| c.public_key(None).ok().and_then(|k| k.curve().cloned()));
    let ds_key = match ds.public_key(inherited.as_ref()) {
        Ok(key) => key,
        Err(e) => {
            result.problems.push(format!("the document signer's key cannot be used: {e}"));
            if matches!(e, SignatureError::Unsupported(_)) {
                result.signature_status = SignatureStatus::Unsupported;
                findings.unsupported = true;
            } else {
                result.signature_status = SignatureStatus::Invalid;
                findings.altered = true;
            }
            return;
        }
    };
    match check_signer(signed, signer, &ds_key) {
        Ok(_) => result.signature_status = SignatureStatus::Valid(Verified::new()),
        Err(problem) => {
            result.problems.push(format!(
                "EF.SOD signature ({}): {}",
                result.signature.as_deref().unwrap_or("?"),
                problem.as_str()
            ));
            match problem {
                SignerProblem::Invalid(_) => {
                    result.signature_status = SignatureStatus::Invalid;
                    findings.altered = true;
                }
                SignerProblem::Unsupported(_) => {
                    result.signature_status = SignatureStatus::Unsupported;
                    findings.unsupported = true;
                }
            }
        }
    }
    let times = Times { at, signed_at: signer.signing_time };
    result.chain = Some(chain(&ds, trust, times, &mut result.problems));
}
