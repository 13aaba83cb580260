//! A read document: the exact bytes of every file the chip returned, with typed views.
//! Keeping the bytes lets a document be saved, reloaded and verified again later.

use std::collections::BTreeMap;

use crate::lds::{BiometricInstance, Dg1, DgNumber, EfCom, FaceImage, LdsError, LdsSecurityObject, PersonToNotify};
use crate::profile::cccd::{CccdError, Citizen};

/// How the chip was opened and what the read cost.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessInfo {
    /// The protocol that ran, as in the report (`BAC`, `PACE-…`).
    pub protocol: String,
    /// Command APDUs exchanged.
    pub apdus: usize,
    /// Bytes on the wire, both ways.
    pub bytes: usize,
    /// Why the protocol that ran is not the first one tried (e.g. PACE refused, BAC used).
    pub fallback: Option<String>,
    /// PACE-CAM ran and the chip's mapping data matched a key of its EF.CardSecurity (whose
    /// signature passive authentication checks).
    pub cam_key_matched: bool,
    /// The most data one APDU carries over the link, as the reader reported it
    /// ([`crate::Transport::max_apdu_data`]; PC/SC part 10), when it did.
    pub link_max_apdu_data: Option<usize>,
}

/// A data group that was listed but not read, and why (e.g. DG3 behind EAC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The data group.
    pub dg: DgNumber,
    /// Why, in words for a person.
    pub reason: String,
    /// Not read because only EF.COM (unsigned) lists it: EF.SOD does not sign it.
    pub not_signed: bool,
    /// The chip refused it or said it has no such file, although it was asked for (a live
    /// read; never set for DG3/DG4, which need terminal authentication and are not asked for).
    pub withheld: bool,
}

/// What Chip Authentication did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChipOutcome {
    /// The protocol, e.g. `CA-ECDH-AES-128 brainpoolP256r1`.
    pub protocol: String,
    /// `Ok` when the chip continued under the new keys; else why not, in words.
    pub result: Result<(), String>,
}

/// Active Authentication evidence, kept so a dump can be re-checked offline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveEvidence {
    /// The terminal's 8-byte challenge.
    pub challenge: Vec<u8>,
    /// The chip's answer.
    pub response: Vec<u8>,
    /// Read back from a dump's report.json rather than exchanged with the chip in this read:
    /// the signature can be verified again, but that the challenge was fresh is only the
    /// dump's claim.
    pub recorded: bool,
}

/// The status a dump's report.json records for a check (the words of the report's `status`
/// that a claim may carry): only ever shown as recorded, never a verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordedStatus {
    /// `valid`.
    Valid,
    /// `invalid`.
    Invalid,
    /// `untrusted`.
    Untrusted,
    /// `unsupported`.
    Unsupported,
}

impl RecordedStatus {
    /// The word as the report writes it; `None` for any other word (not kept as a claim).
    pub fn parse(word: &str) -> Option<Self> {
        match word {
            "valid" => Some(Self::Valid),
            "invalid" => Some(Self::Invalid),
            "untrusted" => Some(Self::Untrusted),
            "unsupported" => Some(Self::Unsupported),
            _ => None,
        }
    }

    /// The report's word.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::Invalid => "invalid",
            Self::Untrusted => "untrusted",
            Self::Unsupported => "unsupported",
        }
    }
}

impl std::fmt::Display for RecordedStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A check's outcome as a dump's report.json states it: a claim the dump's files cannot prove.
/// It is shown as recorded and never counts toward a verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedClaim {
    /// The status recorded.
    pub status: RecordedStatus,
    /// The protocol or algorithm recorded.
    pub protocol: Option<String>,
    /// The reason recorded.
    pub reason: Option<String>,
}

/// Everything read from one chip.
#[derive(Clone, Default)]
pub struct Document {
    /// EF.COM as read (a chip read reads it only when EF.SOD gives no data-group list or
    /// [`crate::ReadOptions::ef_com`] asks).
    pub com: Option<Vec<u8>>,
    /// EF.SOD as read.
    pub sod: Option<Vec<u8>>,
    /// EF.CardAccess as read (PACE chips).
    pub card_access: Option<Vec<u8>>,
    /// EF.CardSecurity as read (PACE-CAM chips).
    pub card_security: Option<Vec<u8>>,
    /// The data groups read, by number.
    pub data_groups: BTreeMap<DgNumber, Vec<u8>>,
    /// Data groups listed (in EF.SOD or EF.COM) but not read.
    pub skipped: Vec<Skipped>,
    // What the chip proved in this read, and what a dump only claims: written by the reader and
    // by `report::recorded::apply` alone, read through the getters below, so that no caller can
    // hand the verification a chip authentication, an active-authentication answer or a PACE-CAM
    // match the chip never gave (`docs/DESIGN.md` §6).
    pub(crate) access: AccessInfo,
    pub(crate) chip_authentication: Option<ChipOutcome>,
    pub(crate) active_authentication: Option<ActiveEvidence>,
    pub(crate) recorded_chip_authentication: Option<RecordedClaim>,
    pub(crate) access_recorded: bool,
    /// Problems met while reading that did not stop the read (e.g. an unreadable EF.COM,
    /// which is unsigned). Not part of a dump's files.
    pub read_problems: Vec<String>,
}

impl std::fmt::Debug for Document {
    // Sizes only: the bytes are personal data (STYLE.md §9).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let dgs: Vec<String> = self.data_groups.iter().map(|(n, b)| format!("{n}: {} bytes", b.len())).collect();
        write!(f, "Document({}, {:?})", self.access.protocol, dgs)
    }
}

impl Document {
    /// Access protocol and read cost, as the reader measured them (or a dump recorded them:
    /// [`Document::access_recorded`]).
    ///
    /// Only the crate writes it — a PACE-CAM match counts as chip authentication:
    ///
    /// ```compile_fail
    /// let mut doc = cancuoc::Document::default();
    /// doc.access.cam_key_matched = true;
    /// ```
    pub fn access(&self) -> &AccessInfo {
        &self.access
    }

    /// Chip Authentication, when it ran in this read.
    ///
    /// Only the reader writes it: a caller cannot forge a chip that proved itself.
    ///
    /// ```compile_fail
    /// let mut doc = cancuoc::Document::default();
    /// doc.chip_authentication = Some(cancuoc::document::ChipOutcome { protocol: String::new(), result: Ok(()) });
    /// ```
    pub fn chip_authentication(&self) -> Option<&ChipOutcome> {
        self.chip_authentication.as_ref()
    }

    /// Active Authentication evidence: exchanged with the chip in this read, or read back from
    /// a dump (`recorded`).
    ///
    /// Only the reader and `report::recorded::apply` (which marks it recorded) write it: a
    /// replayed answer cannot pass for a fresh one.
    ///
    /// ```compile_fail
    /// let mut doc = cancuoc::Document::default();
    /// doc.active_authentication = None;
    /// ```
    pub fn active_authentication(&self) -> Option<&ActiveEvidence> {
        self.active_authentication.as_ref()
    }

    /// Chip Authentication as a dump's report.json recorded it (it needs the chip, so a dump
    /// cannot re-check it; it never counts toward a verdict).
    pub fn recorded_chip_authentication(&self) -> Option<&RecordedClaim> {
        self.recorded_chip_authentication.as_ref()
    }

    /// [`Document::access`] was read back from a dump's report.json, not measured.
    pub fn access_recorded(&self) -> bool {
        self.access_recorded
    }

    /// The bytes of a data group, if read.
    pub fn dg(&self, dg: DgNumber) -> Option<&[u8]> {
        self.data_groups.get(&dg).map(Vec::as_slice)
    }

    /// EF.COM, parsed.
    ///
    /// # Errors
    /// [`LdsError`] if EF.COM is absent or malformed.
    pub fn ef_com(&self) -> Result<EfCom, LdsError> {
        EfCom::parse(self.com.as_deref().ok_or(LdsError::Invalid { file: "EF.COM", what: "not read" })?)
    }

    /// DG1, parsed (the MRZ with its check digits verified).
    ///
    /// # Errors
    /// [`LdsError`] if DG1 is absent or malformed.
    pub fn dg1(&self) -> Result<Dg1, LdsError> {
        Dg1::parse(self.dg(DgNumber::DG1).ok_or(LdsError::Invalid { file: "DG1", what: "not read" })?)
    }

    /// The face image of DG2.
    ///
    /// # Errors
    /// [`LdsError`] if DG2 is absent or malformed.
    pub fn face(&self) -> Result<FaceImage, LdsError> {
        FaceImage::parse_dg2(self.dg(DgNumber::DG2).ok_or(LdsError::Invalid { file: "DG2", what: "not read" })?)
    }

    /// The biometric templates of DG3 (fingerprints) or DG4 (irises), or the displayed images
    /// of DG5–DG7, with their headers (ICAO 9303-10 §4.7.3–4.7.7); empty when not read.
    ///
    /// # Errors
    /// [`LdsError`] if the data group is malformed.
    pub fn biometrics(&self, dg: DgNumber) -> Result<Vec<BiometricInstance>, LdsError> {
        self.dg(dg).map_or(Ok(Vec::new()), |bytes| crate::lds::biometric::parse(bytes, dg))
    }

    /// The persons to notify of DG16 (ICAO 9303-10 §4.7.16); empty when not read.
    ///
    /// # Errors
    /// [`LdsError`] if DG16 is malformed.
    pub fn persons_to_notify(&self) -> Result<Vec<PersonToNotify>, LdsError> {
        self.dg(DgNumber::DG16).map_or(Ok(Vec::new()), crate::lds::dg16::parse)
    }

    /// The Vietnamese citizen record of DG13; `Ok(None)` when there is no DG13.
    ///
    /// # Errors
    /// [`CccdError`] if DG13 is malformed.
    pub fn cccd(&self) -> Result<Option<Citizen>, CccdError> {
        self.dg(DgNumber::DG13).map(Citizen::parse_dg13).transpose()
    }

    /// The data groups present that EF.SOD does not hash (ICAO 9303-10 §4.6.2: a genuine
    /// EF.SOD hashes every data group the chip holds): nothing vouches for them, so their
    /// content is never shown as the holder's. Empty without EF.SOD (then nothing is checked,
    /// and the report says so); every data group when EF.SOD cannot be parsed (then nothing
    /// is signed).
    pub fn unsigned_data_groups(&self) -> Vec<DgNumber> {
        let Some(sod) = self.sod.as_deref() else { return Vec::new() };
        let hashed = LdsSecurityObject::parse_sod(sod).map(|sod| sod.hashes).unwrap_or_default();
        self.data_groups.keys().filter(|dg| !hashed.contains_key(dg)).copied().collect()
    }

    /// This document without [`Document::unsigned_data_groups`]: the only source of the
    /// holder's data, the document's number and the photo, in every front end.
    pub fn signed_view(&self) -> Self {
        let unsigned = self.unsigned_data_groups();
        let mut view = self.clone();
        view.data_groups.retain(|dg, _| !unsigned.contains(dg));
        view
    }

    /// The files of a dump (DESIGN.md §3.3): names and exact bytes.
    pub fn dump_files(&self) -> Vec<(String, &[u8])> {
        let mut out = Vec::new();
        if let Some(b) = &self.com {
            out.push(("COM.bin".to_owned(), b.as_slice()));
        }
        if let Some(b) = &self.sod {
            out.push(("SOD.bin".to_owned(), b.as_slice()));
        }
        if let Some(b) = &self.card_access {
            out.push(("CardAccess.bin".to_owned(), b.as_slice()));
        }
        if let Some(b) = &self.card_security {
            out.push(("CardSecurity.bin".to_owned(), b.as_slice()));
        }
        for (n, b) in &self.data_groups {
            out.push((format!("{n}.bin"), b.as_slice()));
        }
        out
    }

    /// Rebuilds a document from dump files (name, bytes); unknown names are ignored.
    pub fn from_dump_files<'a>(files: impl IntoIterator<Item = (&'a str, Vec<u8>)>) -> Self {
        let mut doc = Self::default();
        for (name, bytes) in files {
            match name {
                "COM.bin" => doc.com = Some(bytes),
                "SOD.bin" => doc.sod = Some(bytes),
                "CardAccess.bin" => doc.card_access = Some(bytes),
                "CardSecurity.bin" => doc.card_security = Some(bytes),
                other => {
                    let n = other
                        .strip_prefix("DG")
                        .and_then(|s| s.strip_suffix(".bin"))
                        .and_then(|s| s.parse::<u8>().ok());
                    if let Some(dg) = n.and_then(DgNumber::new) {
                        doc.data_groups.insert(dg, bytes);
                    }
                }
            }
        }
        doc
    }
}
