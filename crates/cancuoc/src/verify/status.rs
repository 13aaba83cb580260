//! The typed outcomes of every check, serialised as the snake_case words of the cancuoc/1
//! report (`docs/DESIGN.md` §3.2).
//!
//! A positive outcome carries a [`Verified`] proof, which only code inside [`crate::verify`]
//! can make (STYLE.md §4, after rustls's `HandshakeSignatureValid`): a `valid` status cannot
//! be built by an app, by the report, or from a claim read back from a dump's report.json.

use serde::{Serialize, Serializer};

/// Proof that a check of [`crate::verify`] passed. It has a private field and a constructor
/// visible only inside `verify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified(());

impl Verified {
    /// Made by the checking functions only.
    pub(super) const fn new() -> Self {
        Self(())
    }
}

/// The verdict of passive authentication (ICAO 9303-11 §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PassiveStatus {
    /// Signature, hashes and the chain to a trust anchor all verify, and every data group
    /// present is hashed in EF.SOD.
    Valid(Verified),
    /// Something was altered, added or does not verify.
    Invalid,
    /// Signature and hashes verify, but no anchor vouches for the signer.
    Untrusted,
    /// Nothing contradicts the data, but a check could not be performed: an algorithm or key
    /// type this reader does not implement, or no document signer certificate in EF.SOD.
    Unsupported,
    /// Not run (no EF.SOD).
    NotChecked,
}

impl PassiveStatus {
    /// The report's word: `valid`, `invalid`, `untrusted`, `unsupported` or `not_checked`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Valid(_) => "valid",
            Self::Invalid => "invalid",
            Self::Untrusted => "untrusted",
            Self::Unsupported => "unsupported",
            Self::NotChecked => "not_checked",
        }
    }

    /// True for [`PassiveStatus::Valid`].
    pub fn is_valid(self) -> bool {
        matches!(self, Self::Valid(_))
    }
}

/// The verdict of chip or active authentication (ICAO 9303-11 §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CheckStatus {
    /// The chip proved it holds the key, and passive authentication vouches for the data
    /// group holding that key.
    Valid(Verified),
    /// The chip failed to prove it holds the key: possibly a cloned chip.
    Invalid,
    /// The chip proved a key, but passive authentication does not vouch for the data group
    /// holding it.
    Untrusted,
    /// The card offers the check, but in a form this reader cannot perform.
    Unsupported,
    /// The card does not offer the check (no DG14, no DG15).
    NotSupported,
    /// Not run (or, for a dump, only recorded at read time: see the report's `recorded`).
    NotChecked,
}

impl CheckStatus {
    /// The report's word: `valid`, `invalid`, `untrusted`, `unsupported`, `not_supported` or
    /// `not_checked`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Valid(_) => "valid",
            Self::Invalid => "invalid",
            Self::Untrusted => "untrusted",
            Self::Unsupported => "unsupported",
            Self::NotSupported => "not_supported",
            Self::NotChecked => "not_checked",
        }
    }

    /// True for [`CheckStatus::Valid`].
    pub fn is_valid(self) -> bool {
        matches!(self, Self::Valid(_))
    }
}

/// The outcome of chip or active authentication for the report: status, the protocol or
/// algorithm, and why the status is not `valid`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckOutcome {
    /// The verdict.
    pub status: CheckStatus,
    /// The protocol (chip authentication) or signature algorithm (active authentication).
    pub name: Option<String>,
    /// Why the status is not `valid`, in words.
    pub reason: Option<String>,
}

impl CheckOutcome {
    /// An outcome with no name.
    pub(super) fn new(status: CheckStatus, reason: Option<String>) -> Self {
        Self { status, name: None, reason }
    }
}

/// The outcome of a check whose key group (DG14 for chip authentication, DG15 for active
/// authentication) is not in the document: `not_supported` when EF.SOD does not list it either
/// (the document does not offer the check); `invalid` when the chip withheld it although its
/// EF.SOD lists it (refusing to prove itself, as a copy without the key would); `not_checked`
/// when EF.SOD lists it and a dump lacks the file (missing is not forged).
pub(super) fn absent_key_group(
    passive: &super::passive::PassiveResult,
    dg: crate::lds::DgNumber,
    check: &str,
) -> CheckOutcome {
    if passive.data_groups.get(&dg) == Some(&HashResult::Withheld) {
        return CheckOutcome::new(
            CheckStatus::Invalid,
            Some(format!(
                "the chip withholds {dg}, which its EF.SOD lists: a copy without the key would do this, so {check} failed"
            )),
        );
    }
    if passive.data_groups.get(&dg) == Some(&HashResult::NotRead) {
        return CheckOutcome::new(
            CheckStatus::NotChecked,
            Some(format!("EF.SOD lists {dg}, which is not here: {check} cannot be checked")),
        );
    }
    CheckOutcome::new(CheckStatus::NotSupported, None)
}

/// A proof from the chip counts only when passive authentication vouches for the data group
/// holding the key (gmrtd #349).
pub(super) const NOT_VOUCHED: &str =
    "the chip proved the key, but passive authentication does not vouch for the data group holding it";

/// The outcome of EF.SOD's signature check alone (RFC 5652 §5.4), reported beside the
/// algorithm's name so an auditor sees which algorithm passed or failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureStatus {
    /// The document signer's signature over EF.SOD verifies.
    Valid(Verified),
    /// It does not verify, or EF.SOD's signed digest does not match its content.
    Invalid,
    /// It cannot be checked here: algorithm, key type, or no document signer certificate.
    Unsupported,
    /// Not run (no EF.SOD, or no signer in it).
    NotChecked,
}

impl SignatureStatus {
    /// The report's word: `valid`, `invalid`, `unsupported` or `not_checked`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Valid(_) => "valid",
            Self::Invalid => "invalid",
            Self::Unsupported => "unsupported",
            Self::NotChecked => "not_checked",
        }
    }
}

/// The chain's verdict (ICAO 9303-12 §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChainStatus {
    /// DS → CSCA verifies and both are valid at the times checked.
    Trusted,
    /// No CSCA of the store has the DS's issuer name.
    NoAnchor,
    /// A certificate of the chain is outside its validity at a time checked.
    Expired,
    /// The DS certificate is listed in a CRL of its CSCA.
    Revoked,
    /// The DS certificate's signature does not verify under any candidate CSCA, or it is not
    /// for signing documents.
    Invalid,
    /// The candidate CSCAs' keys or the DS certificate's signature algorithm are of a kind
    /// this reader does not implement.
    Unsupported,
}

impl ChainStatus {
    /// The report's word: `trusted`, `no_anchor`, `expired`, `revoked`, `invalid` or
    /// `unsupported`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Trusted => "trusted",
            Self::NoAnchor => "no_anchor",
            Self::Expired => "expired",
            Self::Revoked => "revoked",
            Self::Invalid => "invalid",
            Self::Unsupported => "unsupported",
        }
    }
}

/// The verdict for one data group (ICAO 9303-11 §5.1 step 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HashResult {
    /// Read, and its hash matches the SOD.
    Match,
    /// Read, and its hash differs from the SOD's: the data were altered.
    Mismatch,
    /// Hashed in the SOD but not read (e.g. DG3 behind EAC, a skipped photo, or a file a
    /// dump lacks).
    NotRead,
    /// Hashed in the SOD, but the chip refused it or said it has no such file (a live read):
    /// the chip withholds what its EF.SOD promises.
    Withheld,
    /// Read but not in the SOD: nothing vouches for it, and it is never shown as the
    /// holder's data.
    NotHashed,
    /// Read and hashed in the SOD, but with an algorithm this reader does not implement.
    NotCompared,
}

impl HashResult {
    /// The report's word: `match`, `mismatch`, `not_read`, `withheld`, `not_hashed`,
    /// `not_compared`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Match => "match",
            Self::Mismatch => "mismatch",
            Self::NotRead => "not_read",
            Self::Withheld => "withheld",
            Self::NotHashed => "not_hashed",
            Self::NotCompared => "not_compared",
        }
    }
}

/// Serialises each outcome as its report word.
macro_rules! serialize_as_word {
    ($($outcome:ty),*) => {$(
        impl Serialize for $outcome {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    )*};
}

serialize_as_word!(PassiveStatus, CheckStatus, SignatureStatus, ChainStatus, HashResult);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_serialise_as_their_snake_case_words() {
        let words = serde_json::json!([
            PassiveStatus::Valid(Verified::new()),
            PassiveStatus::Unsupported,
            CheckStatus::NotSupported,
            SignatureStatus::Invalid,
            ChainStatus::NoAnchor,
            HashResult::NotHashed,
        ]);
        assert_eq!(
            words,
            serde_json::json!(["valid", "unsupported", "not_supported", "invalid", "no_anchor", "not_hashed"])
        );
    }
}
