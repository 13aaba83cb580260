//! The high-level session (DESIGN.md §2): [`Reader::open`] → [`Reader::authenticate`] →
//! [`Session::read`], each step a named stage of the ICAO inspection order
//! (ICAO 9303-11 §4, 9303-10 §3.6).

use rand_core::CryptoRng;

use crate::access::{AccessError, AccessKey, bac, pace};
use crate::channel::Channel;
use crate::document::{AccessInfo, Document, Skipped};
use crate::error::Error;
use crate::files::{
    AID_EMRTD, FID_CARD_ACCESS, FID_CARD_SECURITY, FID_COM, FID_SOD, FileError, FileProgress, FileReader, ReadLimits,
};
use crate::lds::{DgNumber, EfCom, LdsSecurityObject, SecurityInfos};
use crate::transport::Transport;

/// What to read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadOptions {
    /// Read DG2 (the face). Off saves most of the read time where no face check is done.
    pub photo: bool,
    /// Read only these data groups (of those EF.COM lists); `None` reads all.
    pub only: Option<Vec<DgNumber>>,
    /// Starting assumptions about the card's READ BINARY sizes (the defaults probe).
    pub limits: ReadLimits,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self { photo: true, only: None, limits: ReadLimits::default() }
    }
}

impl ReadOptions {
    /// Reads DG2 or not.
    pub fn with_photo(mut self, photo: bool) -> Self {
        self.photo = photo;
        self
    }

    /// Reads only these data groups.
    pub fn with_only(mut self, only: Vec<DgNumber>) -> Self {
        self.only = Some(only);
        self
    }

    /// Starts from these READ BINARY limits.
    pub fn with_limits(mut self, limits: ReadLimits) -> Self {
        self.limits = limits;
        self
    }
}

/// Where a read is, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// The file being read ("EF.COM", "DG2", …).
    pub file: &'static str,
    /// Index of this file among those to read.
    pub index: usize,
    /// How many files are to be read (known once EF.COM is read; until then 1).
    pub count: usize,
    /// Bytes of this file read so far, and its length (0 until known).
    pub bytes: FileProgress,
}

impl Progress {
    /// The whole read's completion from 0.0 to 1.0 (each file weighs the same).
    pub fn fraction(&self) -> f32 {
        f32::from(self.permille()) / 1000.0
    }

    /// The whole read's completion in thousandths, 0 to 1000.
    pub fn permille(&self) -> u16 {
        let count = self.count.max(1);
        let within = self.bytes.read.saturating_mul(1000).checked_div(self.bytes.total).unwrap_or(0).min(1000);
        let done = self.index.saturating_mul(1000).saturating_add(within) / count;
        u16::try_from(done.min(1000)).unwrap_or(1000)
    }
}

/// A chip, opened but not yet authenticated. Sends nothing until [`Reader::authenticate`].
#[derive(Debug)]
pub struct Reader<T> {
    channel: Channel<T>,
}

impl<T: Transport> Reader<T> {
    /// Wraps a transport connected to a card.
    pub fn open(transport: T) -> Self {
        Self { channel: Channel::new(transport) }
    }

    /// Runs access control with `key` in the ICAO order (ICAO 9303-11 §4.2): EF.CardAccess
    /// (read from the master file without selecting it, as CCCD chips refuse SELECT MF with
    /// `6D00`), PACE with what the chip offers, then the eMRTD application; BAC when the chip
    /// offers no PACE, declines it or rejects the password ([`pace::PaceFailure::Declined`])
    /// and the key has MRZ data. Answers that contradict PACE stop the read with
    /// [`AccessError::Inconsistent`]: falling back then could be a downgrade. A fallback is
    /// never silent: its reason is kept in [`Session::fallback`] and the report.
    ///
    /// # Errors
    /// [`Error::NotADocument`] when there is no eMRTD application; an access error (wrong key:
    /// class [`crate::ErrorClass::WrongKey`]) or a transport error.
    pub fn authenticate(mut self, key: &AccessKey, rng: &mut impl CryptoRng) -> Result<Session<T>, Error> {
        let mut files = FileReader::new(ReadLimits::default());
        let card_access = match files.read_ef(&mut self.channel, FID_CARD_ACCESS, "EF.CardAccess", &mut |_| {}) {
            Ok(bytes) => Some(bytes),
            Err(FileError::CardRemoved { file }) => return Err(FileError::CardRemoved { file }.into()),
            Err(_) => None,
        };
        let infos =
            card_access.as_deref().and_then(|b| SecurityInfos::parse(b).ok()).filter(|i| i.pace().next().is_some());
        let mut fallback = None;
        if let Some(infos) = &infos {
            match pace::authenticate(&mut self.channel, infos, &key.pace_password(), rng) {
                Ok(outcome) => {
                    // CAM: the chip proves its static key now; a mismatch is a clone.
                    let card_security = match &outcome.cam {
                        Some(cam) => Some(check_cam(&mut files, &mut self.channel, cam)?),
                        None => None,
                    };
                    select_application(&files, &mut self.channel)?;
                    return Ok(Session {
                        channel: self.channel,
                        protocol: outcome.description,
                        fallback,
                        card_access,
                        cam_key_matched: card_security.is_some(),
                        card_security,
                    });
                }
                Err(e) => match pace::PaceFailure::of(&e) {
                    pace::PaceFailure::Declined if !key.bac_keys().is_empty() => {
                        fallback = Some(format!("PACE did not succeed ({e}); BAC used instead"));
                    }
                    pace::PaceFailure::Inconsistent(during) => {
                        return Err(AccessError::Inconsistent { during }.into());
                    }
                    _ => return Err(e.into()),
                },
            }
        } else if matches!(key, AccessKey::CanOrMrz { .. }) {
            fallback = Some("the card offers no PACE; BAC used with the dates".to_owned());
        }
        let candidates = key.bac_keys();
        if candidates.is_empty() {
            return Err(AccessError::Unsupported(
                "access by CAN alone (this card offers no PACE): give the date of birth and date of expiry too",
            )
            .into());
        }
        self.channel.end_secure_messaging();
        select_application(&files, &mut self.channel)?;
        // Each refused BAC attempt costs two APDUs and leaves the chip as it was.
        let mut last = None;
        for mrz in candidates {
            match bac::authenticate(&mut self.channel, mrz, rng) {
                Ok(()) => {
                    return Ok(Session {
                        channel: self.channel,
                        protocol: "BAC".to_owned(),
                        fallback,
                        card_access,
                        card_security: None,
                        cam_key_matched: false,
                    });
                }
                Err(e @ AccessError::WrongKey { .. }) => last = Some(e),
                Err(e) => return Err(e.into()),
            }
        }
        Err(last.unwrap_or(AccessError::Unsupported("no BAC key")).into())
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

/// An authenticated session: secure messaging is on.
#[derive(Debug)]
pub struct Session<T> {
    channel: Channel<T>,
    protocol: String,
    fallback: Option<String>,
    card_access: Option<Vec<u8>>,
    card_security: Option<Vec<u8>>,
    cam_key_matched: bool,
}

impl<T: Transport> Session<T> {
    /// The access protocol that ran: `BAC`, or e.g. `PACE-ECDH-GM-AES-128 brainpoolP256r1 CAN`.
    pub fn protocol(&self) -> &str {
        &self.protocol
    }

    /// Why the protocol that ran is not the first one tried, if it is not.
    pub fn fallback(&self) -> Option<&str> {
        self.fallback.as_deref()
    }

    /// Reads EF.COM, EF.SOD and the data groups EF.SOD hashes, reporting progress.
    ///
    /// The list of data groups comes from EF.SOD's LDSSecurityObject (ICAO 9303-10 §4.6.2),
    /// the signed one: EF.COM is unsigned, so a data group only EF.COM lists is not read (it is
    /// named in [`Document::skipped`]), and a missing or malformed EF.COM is no reason to stop.
    /// Without a readable EF.SOD, EF.COM's list is used, else the usual data groups are tried.
    /// Data groups the chip protects beyond this access (DG3/DG4 need EAC) are recorded in
    /// [`Document::skipped`] and the read goes on; any other failure stops it.
    ///
    /// # Errors
    /// A file error (card removed, secure messaging failure).
    pub fn read(&mut self, options: &ReadOptions, progress: &mut dyn FnMut(Progress)) -> Result<Document, Error> {
        let mut files = FileReader::new(options.limits);
        let mut doc = Document {
            card_access: self.card_access.clone(),
            card_security: self.card_security.clone(),
            ..Document::default()
        };

        // EF.COM is unsigned and only a hint: a broken one is a listed problem, never fatal.
        doc.com = match self.read_optional(
            &mut files,
            FileSlot { fid: FID_COM.0, name: "EF.COM", index: 0, count: 2 },
            progress,
        ) {
            Ok(com) => com,
            Err(Error::File(
                e @ (FileError::Malformed { .. }
                | FileError::TooLarge { .. }
                | FileError::Truncated { .. }
                | FileError::Refused { .. }),
            )) => {
                doc.read_problems.push(format!("{e}: the data groups were taken from EF.SOD"));
                None
            }
            Err(e) => return Err(e),
        };
        let com_list = doc.com.as_deref().and_then(|b| EfCom::parse(b).ok()).map(|com| com.data_groups);
        let estimate = com_list.as_ref().map_or(0, Vec::len).saturating_add(2);
        doc.sod = self.read_optional(
            &mut files,
            FileSlot { fid: FID_SOD.0, name: "EF.SOD", index: 1, count: estimate },
            progress,
        )?;
        let sod_list = doc
            .sod
            .as_deref()
            .and_then(|b| LdsSecurityObject::parse_sod(b).ok())
            .map(|sod| sod.hashes.keys().copied().collect::<Vec<_>>());

        let (listed, guessed) = match (sod_list, &com_list) {
            (Some(signed), com) => {
                for dg in com.iter().flatten().filter(|dg| !signed.contains(dg)) {
                    doc.skipped.push(Skipped { dg: *dg, reason: UNSIGNED_IN_COM.to_owned(), not_signed: true });
                }
                (signed, false)
            }
            (None, Some(com)) => (com.clone(), false),
            (None, None) => (USUAL_DATA_GROUPS.iter().filter_map(|n| DgNumber::new(*n)).collect(), true),
        };
        let wanted: Vec<DgNumber> = listed
            .into_iter()
            .filter(|dg| options.photo || *dg != DgNumber::DG2)
            .filter(|dg| options.only.as_ref().is_none_or(|only| only.contains(dg)))
            .collect();
        let count = wanted.len().saturating_add(2);

        for (i, dg) in wanted.iter().enumerate() {
            let name = DG_NAMES.get(usize::from(dg.get()).saturating_sub(1)).copied().unwrap_or("DG");
            match self.read_file(
                &mut files,
                FileSlot { fid: dg.fid(), name, index: i.saturating_add(2), count },
                progress,
            ) {
                Ok(bytes) => {
                    doc.data_groups.insert(*dg, bytes);
                }
                // A guessed data group that is absent is no finding.
                Err(Error::File(FileError::NotFound { .. })) if guessed => {}
                Err(Error::File(e @ (FileError::AccessDenied { .. } | FileError::NotFound { .. }))) => {
                    doc.skipped.push(Skipped { dg: *dg, reason: e.to_string(), not_signed: false });
                }
                Err(e) => return Err(e),
            }
        }
        let stats = self.channel.stats();
        doc.access = AccessInfo {
            protocol: self.protocol.clone(),
            apdus: stats.apdus,
            bytes: stats.bytes,
            fallback: self.fallback.clone(),
            cam_key_matched: self.cam_key_matched,
        };
        Ok(doc)
    }

    /// A file the chip may lack or refuse: `None` then.
    fn read_optional(
        &mut self,
        files: &mut FileReader,
        slot: FileSlot,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Option<Vec<u8>>, Error> {
        match self.read_file(files, slot, progress) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(Error::File(FileError::NotFound { .. } | FileError::AccessDenied { .. })) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn read_file(
        &mut self,
        files: &mut FileReader,
        slot: FileSlot,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Vec<u8>, Error> {
        let FileSlot { fid, name, index, count } = slot;
        progress(Progress { file: name, index, count, bytes: FileProgress { read: 0, total: 0 } });
        let mut report = |bytes: FileProgress| progress(Progress { file: name, index, count, bytes });
        Ok(files.read_ef(&mut self.channel, crate::files::Fid(fid), name, &mut report)?)
    }

    /// Proves the chip is not a clone, after [`Session::read`]: Active Authentication with a
    /// fresh challenge when DG15 was read (the evidence goes into `doc`, the verdict is the
    /// report's), then Chip Authentication when DG14 offers it, confirmed by one command under
    /// the new keys (ICAO 9303-11 §6). A failure is recorded, never fatal: the data are read.
    ///
    /// # Errors
    /// Only a removed card (the evidence so far stays in `doc`).
    pub fn authenticate_chip(&mut self, doc: &mut Document, rng: &mut impl CryptoRng) -> Result<(), Error> {
        if doc.dg(DgNumber::DG15).is_some() {
            let mut challenge = [0u8; 8];
            rng.fill_bytes(&mut challenge);
            // A refusal is evidence too: a chip holding DG15 must answer (an empty response
            // fails the check), or a copy without the key could simply decline.
            let response = match self.channel.send(&crate::verify::active::internal_authenticate(&challenge)) {
                Ok(answer) if answer.sw == crate::apdu::StatusWord::OK => answer.data,
                Ok(_) => Vec::new(),
                Err(e) if e.is_card_removed() => return Err(e.into()),
                Err(_) => Vec::new(),
            };
            doc.active_authentication =
                Some(crate::document::ActiveEvidence { challenge: challenge.to_vec(), response, recorded: false });
            let stats = self.channel.stats();
            doc.access.apdus = stats.apdus;
            doc.access.bytes = stats.bytes;
        }
        // PACE-CAM already authenticated the chip (ICAO 9303-11 §4.4.3.5): no second run.
        if doc.access.cam_key_matched {
            return Ok(());
        }
        let Some(dg14) = doc.dg(DgNumber::DG14).and_then(|b| SecurityInfos::parse_dg14(b).ok()) else { return Ok(()) };
        let Ok(ca) = crate::verify::chip::ChipAuthentication::from_dg14(&dg14) else { return Ok(()) };
        let protocol = ca.name();
        let outcome = self.run_chip_authentication(&ca, rng);
        if let Err(Error::Channel(e)) = &outcome
            && e.is_card_removed()
        {
            return Err(Error::Channel(e.clone()));
        }
        doc.chip_authentication =
            Some(crate::document::ChipOutcome { protocol, result: outcome.map_err(|e| e.to_string()) });
        let stats = self.channel.stats();
        doc.access.apdus = stats.apdus;
        doc.access.bytes = stats.bytes;
        Ok(())
    }

    fn run_chip_authentication(
        &mut self,
        ca: &crate::verify::chip::ChipAuthentication,
        rng: &mut impl CryptoRng,
    ) -> Result<(), Error> {
        let step = ca.start(rng).map_err(|_| Error::Access(AccessError::Unsupported("chip authentication key")))?;
        for command in [&step.set_at, &step.general_authenticate] {
            let answer = self.channel.send(command)?;
            if answer.sw != crate::apdu::StatusWord::OK {
                return Err(Error::Access(AccessError::Refused { step: "chip authentication", sw: answer.sw }));
            }
        }
        self.channel.start_secure_messaging(step.session());
        // The chip proves it holds the DG14 key by answering under the new keys.
        let files = FileReader::new(ReadLimits::default());
        files.select_ef(&mut self.channel, FID_COM, "EF.COM").map_err(|e| match e {
            FileError::Channel { .. } | FileError::Refused { .. } => Error::Access(AccessError::CardMisbehaved(
                "chip authentication (the chip could not answer under the new keys: possibly a cloned chip)",
            )),
            other => Error::File(other),
        })?;
        Ok(())
    }

    /// The transport, given back (to close the connection).
    pub fn into_transport(self) -> T {
        self.channel.into_transport()
    }
}

/// A file to read and its place in the read, for progress.
#[derive(Debug, Clone, Copy)]
struct FileSlot {
    fid: u16,
    name: &'static str,
    /// Index of this file among those to read.
    index: usize,
    /// How many files are to be read.
    count: usize,
}

/// Why a data group EF.COM lists but EF.SOD does not hash is not read.
const UNSIGNED_IN_COM: &str = "listed in EF.COM but not signed by EF.SOD: not read";

/// The data groups tried when neither EF.SOD nor EF.COM says which exist: the MRZ, the face,
/// the holder's details, the CCCD record and the chip's keys (ICAO 9303-10 §4.7).
const USUAL_DATA_GROUPS: [u8; 7] = [1, 2, 11, 12, 13, 14, 15];

/// Names for errors and progress, DG1..DG16.
const DG_NAMES: [&str; 16] = [
    "DG1", "DG2", "DG3", "DG4", "DG5", "DG6", "DG7", "DG8", "DG9", "DG10", "DG11", "DG12", "DG13", "DG14", "DG15",
    "DG16",
];
