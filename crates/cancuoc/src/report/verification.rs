//! The `verification` block of the report: passive, chip and active authentication as
//! [`crate::verify`] judged them, rendered for the cancuoc/1 schema (`docs/DESIGN.md` §3.2).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::codec::time::CalendarDate;
use crate::document::Document;
use crate::lds::DgNumber;
use crate::verify::passive::PassiveResult;
use crate::verify::status::{ChainStatus, CheckOutcome, CheckStatus, HashResult, PassiveStatus, SignatureStatus};

/// `verification` of the report.
#[derive(Debug, Clone, Serialize)]
pub struct VerificationReport {
    /// Passive authentication.
    pub passive: PassiveReport,
    /// Chip authentication.
    pub chip: ChipReport,
    /// Active authentication.
    pub active: ActiveReport,
}

/// `verification.passive`: SOD signature, data-group hashes, certificate chain.
#[derive(Debug, Clone, Serialize)]
pub struct PassiveReport {
    /// `valid`, `invalid`, `untrusted`, `unsupported` or `not_checked`.
    pub status: PassiveStatus,
    /// The data-group hash algorithm, e.g. `SHA-256`.
    pub hash: Option<String>,
    /// The SOD signature algorithm, named whenever EF.SOD has a SignerInfo.
    pub signature: Option<String>,
    /// The signature check alone: `valid`, `invalid`, `unsupported` or `not_checked`.
    pub signature_status: SignatureStatus,
    /// Per data group: `match`, `mismatch`, `not_read`, `not_hashed` or `not_compared`.
    pub data_groups: DgMap,
    /// The document signer certificate.
    pub signer: Option<SignerReport>,
    /// The chain to a trust anchor.
    pub chain: Option<ChainReport>,
    /// What went wrong or could not be checked, in words.
    pub problems: Vec<String>,
    /// EF.CardSecurity's signature and chain, when the document holds the file.
    pub card_security: Option<CardSecurityReport>,
}

/// `verification.passive.card_security`: EF.CardSecurity checked as EF.SOD is.
#[derive(Debug, Clone, Serialize)]
pub struct CardSecurityReport {
    /// `valid`, `invalid`, `untrusted`, `unsupported` or `not_checked`.
    pub status: PassiveStatus,
    /// Its signature algorithm.
    pub signature: Option<String>,
    /// The signature check alone.
    pub signature_status: SignatureStatus,
    /// Its signer's chain to a trust anchor.
    pub chain: Option<ChainReport>,
    /// What went wrong or could not be checked, in words.
    pub problems: Vec<String>,
}

/// `verification.passive.signer`.
#[derive(Debug, Clone, Serialize)]
pub struct SignerReport {
    /// Subject (RFC 4514 style).
    pub subject: String,
    /// Serial number, hex.
    pub serial: String,
    /// Validity start, `YYYY-MM-DD`.
    pub not_before: String,
    /// Validity end, `YYYY-MM-DD`.
    pub not_after: String,
    /// EF.SOD's signingTime, `YYYY-MM-DDTHH:MM:SSZ`, when it has one.
    pub signed_at: Option<String>,
}

/// `verification.passive.chain`.
#[derive(Debug, Clone, Serialize)]
pub struct ChainReport {
    /// `trusted`, `no_anchor`, `expired`, `revoked`, `invalid` or `unsupported`.
    pub status: ChainStatus,
    /// The anchor's subject.
    pub anchor: Option<String>,
}

/// Per-data-group words, serialised as a JSON object keyed `DG1`, `DG2`, … in number order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DgMap(pub BTreeMap<DgNumber, HashResult>);

impl DgMap {
    /// The results, in data-group order.
    pub fn values(&self) -> impl Iterator<Item = &HashResult> {
        self.0.values()
    }
}

impl Serialize for DgMap {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (dg, result) in &self.0 {
            map.serialize_entry(&dg.to_string(), result)?;
        }
        map.end()
    }
}

/// A check's outcome as a dump's report.json recorded it (`verification.chip.recorded`):
/// shown so an auditor sees it, never counted.
#[derive(Debug, Clone, Serialize)]
pub struct RecordedReport {
    /// The status recorded.
    pub status: crate::document::RecordedStatus,
    /// The protocol recorded.
    pub protocol: Option<String>,
    /// The reason recorded.
    pub reason: Option<String>,
}

/// `verification.chip`: chip authentication.
#[derive(Debug, Clone, Serialize)]
pub struct ChipReport {
    /// `valid`, `invalid`, `untrusted` (the chip proved DG14's key, but passive
    /// authentication does not vouch for DG14), `unsupported`, `not_supported` or
    /// `not_checked` (a dump: chip authentication needs the chip).
    pub status: CheckStatus,
    /// The protocol that ran.
    pub protocol: Option<String>,
    /// Why the status is not `valid`, in words.
    pub reason: Option<String>,
    /// In `cancuoc verify` of a dump: the outcome its report.json recorded at read time, not
    /// re-checked and never counted. `null` otherwise.
    pub recorded: Option<RecordedReport>,
}

/// `verification.active`: active authentication.
#[derive(Debug, Clone, Serialize)]
pub struct ActiveReport {
    /// `valid`, `invalid`, `untrusted` (as for `chip`, for DG15), `unsupported`,
    /// `not_supported` or `not_checked`.
    pub status: CheckStatus,
    /// The signature algorithm.
    pub algorithm: Option<String>,
    /// The challenge sent, hex (evidence for `cancuoc verify`).
    pub challenge: Option<String>,
    /// The chip's signature, hex.
    pub response: Option<String>,
    /// Why the status is not `valid`, in words.
    pub reason: Option<String>,
    /// Where the challenge and signature come from: `chip` (this read) or `recorded` (a
    /// dump's report.json: the signature is verified again, that the challenge was fresh is
    /// the dump's claim); `null` when active authentication did not run.
    pub evidence: Option<&'static str>,
}

impl VerificationReport {
    /// The three checks of `doc`, passive authentication's result given.
    pub fn new(doc: &Document, passive: PassiveResult) -> Self {
        Self {
            chip: chip_report(doc, crate::verify::chip::verdict(doc, &passive)),
            active: active_report(doc, crate::verify::active::verdict(doc, &passive)),
            passive: passive_report(passive),
        }
    }
}

fn passive_report(result: PassiveResult) -> PassiveReport {
    PassiveReport {
        status: result.status,
        hash: result.hash.map(|h| h.name().to_owned()),
        signature: result.signature,
        signature_status: result.signature_status,
        data_groups: DgMap(result.data_groups),
        signer: result.signer.map(|s| SignerReport {
            subject: s.subject,
            serial: s.serial,
            not_before: CalendarDate::from_unix(s.not_before).iso(),
            not_after: CalendarDate::from_unix(s.not_after).iso(),
            signed_at: s.signed_at.map(crate::codec::time::iso_date_time),
        }),
        chain: result.chain.map(|(status, anchor)| ChainReport { status, anchor }),
        problems: result.problems,
        card_security: result.card_security.map(|c| CardSecurityReport {
            status: c.status,
            signature: c.signature,
            signature_status: c.signature_status,
            chain: c.chain.map(|(status, anchor)| ChainReport { status, anchor }),
            problems: c.problems,
        }),
    }
}

fn chip_report(doc: &Document, outcome: CheckOutcome) -> ChipReport {
    ChipReport {
        status: outcome.status,
        protocol: outcome.name,
        reason: outcome.reason,
        recorded: doc.recorded_chip_authentication.as_ref().map(|claim| RecordedReport {
            status: claim.status,
            protocol: claim.protocol.clone(),
            reason: claim.reason.clone(),
        }),
    }
}

fn active_report(doc: &Document, outcome: CheckOutcome) -> ActiveReport {
    let evidence = doc.active_authentication.as_ref();
    let hex = |bytes: &[u8]| Some(crate::codec::encode_hex(bytes)).filter(|h| !h.is_empty());
    ActiveReport {
        status: outcome.status,
        algorithm: outcome.name,
        challenge: evidence.and_then(|e| hex(&e.challenge)),
        response: evidence.and_then(|e| hex(&e.response)),
        reason: outcome.reason,
        evidence: evidence.map(|e| if e.recorded { "recorded" } else { "chip" }),
    }
}
