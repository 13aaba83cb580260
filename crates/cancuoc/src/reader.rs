//! The high-level session (DESIGN.md §2): [`Reader::open`] → [`Reader::authenticate`] →
//! [`Session::read`], each step a named stage of the ICAO inspection order
//! (ICAO 9303-11 §4, 9303-10 §3.6).
//!
//! A read survives what real chips and real hands do to it. A chip that answers a protected
//! command in the clear (one that cannot take extended length, say) has ended the secure
//! session, and whether its send sequence counter moved cannot be known: the session resets
//! the card, runs the same access control with the same key, and goes on with the same file
//! at the same offset with short reads ([`Session::read_into`]). A card lifted mid-read keeps
//! what was read in a [`PartialRead`]; when the same chip comes back, [`Reader::resume`]
//! continues it.

mod establish;
mod options;
mod partial;
mod plan;
mod proofs;
mod resuming;

use rand_core::CryptoRng;

use crate::access::{AccessError, AccessKey};
use crate::channel::{Channel, ChannelStats};
use crate::document::{AccessInfo, Document, Skipped};
use crate::error::Error;
pub use crate::files::{ExtendedLength, FileProgress, ReadLimits, ShortEfIds};
use crate::files::{FID_SOD, Fid, FileError};
use crate::lds::{EfCom, LdsSecurityObject};
use crate::transport::Transport;
use establish::{Established, establish};
pub use options::{Progress, ReadFile, ReadOptions};
pub use partial::PartialRead;
use plan::{FileSlot, plan, slot};
pub use resuming::{Connect, MAX_TEARS, read_resuming};

/// A chip, opened but not yet authenticated. Sends nothing until [`Reader::authenticate`].
///
/// ```no_run
/// # fn demo(transport: impl cancuoc::Transport, rng: &mut impl rand_core::CryptoRng) -> Result<(), cancuoc::Error> {
/// use cancuoc::{AccessKey, ReadOptions, Reader};
/// let mut session = Reader::open(transport).authenticate(&AccessKey::can("123456")?, rng)?;
/// let mut doc = session.read(&ReadOptions::default(), rng, &mut |_| {})?;
/// session.authenticate_chip(&mut doc, rng)?; // active and chip authentication evidence
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Reader<T> {
    channel: Channel<T>,
    require_pace: bool,
}

impl<T: Transport> Reader<T> {
    /// Wraps a transport connected to a card.
    pub fn open(transport: T) -> Self {
        Self { channel: Channel::new(transport), require_pace: false }
    }

    /// Refuses any fallback to BAC ([`AccessError::PaceRequired`]): a chip that offers no
    /// PACE, declines it, or whose EF.CardAccess is malformed is not read. A bank's setting.
    #[must_use]
    pub fn require_pace(mut self, required: bool) -> Self {
        self.require_pace = required;
        self
    }

    /// Runs access control with `key` in the ICAO order (ICAO 9303-11 §4.2): what the card
    /// says about extended length (its ATR, else EF.ATR/INFO), EF.CardAccess (read from the
    /// master file without selecting it, as CCCD chips refuse SELECT MF with `6D00`), PACE
    /// with what the chip offers, then the eMRTD application; BAC when the chip offers no
    /// PACE, declines it or rejects the password ([`crate::access::pace::PaceFailure::Declined`])
    /// and the key has MRZ data. Answers that contradict PACE stop the read with
    /// [`AccessError::Inconsistent`]: falling back then could be a downgrade. A fallback is
    /// never silent: its reason is kept in [`Session::fallback`] and the report.
    ///
    /// # Errors
    /// [`Error::NotADocument`] when there is no eMRTD application; an access error (wrong key:
    /// class [`crate::error::ErrorClass::WrongKey`]) or a transport error.
    pub fn authenticate(mut self, key: &AccessKey, rng: &mut impl CryptoRng) -> Result<Session<T>, Error> {
        let established = establish(&mut self.channel, key, self.require_pace, rng)?;
        Ok(Session {
            channel: self.channel,
            key: key.clone(),
            require_pace: self.require_pace,
            established,
            earlier: ChannelStats::default(),
        })
    }

    /// Opens a card put back after it was taken away mid-read, and makes it go on with
    /// `partial`: access control as [`Reader::authenticate`], then a check that this is the
    /// chip that was being read — the same EF.CardAccess, and the same first bytes of EF.SOD
    /// (whose signed hashes are unique to one document). When too little was read to tell,
    /// `partial` starts over.
    ///
    /// # Errors
    /// As [`Reader::authenticate`]; [`Error::DifferentCard`] when another card was put back.
    pub fn resume(
        self,
        key: &AccessKey,
        rng: &mut impl CryptoRng,
        partial: &mut PartialRead,
    ) -> Result<Session<T>, Error> {
        let mut session = self.authenticate(key, rng)?;
        let held = partial.doc.card_access.as_deref();
        if held.is_some() && held != session.established.card_access.as_deref() {
            return Err(Error::DifferentCard);
        }
        match partial.sod_head().map(<[u8]>::to_vec) {
            Some(head) => {
                let probe = head.len().min(session.channel.max_short_le());
                let mut files = partial.files.clone();
                let first = files.read_ef_head(&mut session.channel, FID_SOD, "EF.SOD", probe)?;
                if head.get(..first.len()) != Some(first.as_slice()) || first.is_empty() {
                    return Err(Error::DifferentCard);
                }
            }
            None => {
                let limits = partial.files.limits();
                let earlier = partial.earlier;
                *partial = PartialRead::new(limits);
                partial.earlier = earlier;
            }
        }
        if !partial.is_empty() {
            partial.restarts = partial.restarts.saturating_add(1);
        }
        session.earlier = partial.earlier;
        Ok(session)
    }
}

/// An authenticated session: secure messaging is on.
#[derive(Debug)]
pub struct Session<T> {
    channel: Channel<T>,
    /// Kept to run access control again after a lost session; zeroised on drop.
    key: AccessKey,
    /// No fallback to BAC, on the first access control as on a recovery.
    require_pace: bool,
    established: Established,
    /// APDUs and bytes of the sessions before this one (a resumed read).
    earlier: ChannelStats,
}

impl<T: Transport> Session<T> {
    /// The access protocol that ran: `BAC`, or e.g. `PACE-ECDH-GM-AES-128 brainpoolP256r1 CAN`.
    pub fn protocol(&self) -> &str {
        &self.established.protocol
    }

    /// Why the protocol that ran is not the first one tried, if it is not.
    pub fn fallback(&self) -> Option<&str> {
        self.established.fallback.as_deref()
    }

    /// Reads EF.SOD and the data groups EF.SOD hashes, reporting progress: a whole
    /// [`Session::read_into`] from nothing.
    ///
    /// # Errors
    /// As [`Session::read_into`] (what was read is lost: keep a [`PartialRead`] to go on).
    pub fn read(
        &mut self,
        options: &ReadOptions,
        rng: &mut impl CryptoRng,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Document, Error> {
        let mut partial = PartialRead::new(options.limits);
        self.read_into(&mut partial, options, rng, progress)?;
        Ok(partial.into_document())
    }

    /// Reads into `partial` what it does not hold yet: EF.SOD and the data groups EF.SOD
    /// hashes, reporting progress.
    ///
    /// The list of data groups comes from EF.SOD's LDSSecurityObject (ICAO 9303-10 §4.6.2),
    /// the signed one, so EF.COM (unsigned) is not read unless [`ReadOptions::ef_com`] asks:
    /// one READ BINARY less. When it is read, a data group only EF.COM lists is not read (it
    /// is named in [`Document::skipped`]), and a missing or malformed EF.COM is no reason to
    /// stop. Without a readable EF.SOD, EF.COM's list is used, else the usual data groups are
    /// tried.
    /// DG3 and DG4 (fingerprints, irises: terminal authentication) are not asked for unless
    /// [`ReadOptions::only`] names them; data groups the chip protects beyond this access are
    /// recorded in [`Document::skipped`] and the read goes on. Files are read by their short EF
    /// identifiers where the chip takes them (one APDU less each: [`ReadLimits`]).
    ///
    /// When the chip answers in the clear (the session is over), the card is reset, access
    /// control runs again with the same key, and the file goes on at the same offset — with
    /// short reads when the lost command was an extended one. Nothing is ever sent under a
    /// session whose counter may be out of step.
    ///
    /// # Errors
    /// A file error (card removed, secure messaging failure): `partial` keeps every byte read,
    /// for [`Reader::resume`].
    pub fn read_into(
        &mut self,
        partial: &mut PartialRead,
        options: &ReadOptions,
        rng: &mut impl CryptoRng,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<(), Error> {
        let result = self.read_steps(partial, options, rng, progress);
        partial.earlier = self.total_stats();
        partial.doc.access = AccessInfo {
            protocol: self.established.protocol.clone(),
            apdus: partial.earlier.apdus,
            bytes: partial.earlier.bytes,
            fallback: self.established.fallback.clone(),
            cam_key_matched: self.established.cam_key_matched,
            link_max_apdu_data: self.channel.max_apdu_data(),
        };
        result
    }

    fn read_steps(
        &mut self,
        partial: &mut PartialRead,
        options: &ReadOptions,
        rng: &mut impl CryptoRng,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<(), Error> {
        partial.doc.card_access.clone_from(&self.established.card_access);
        for problem in &self.established.problems {
            if !partial.doc.read_problems.contains(problem) {
                partial.doc.read_problems.push(problem.clone());
            }
        }
        partial.doc.card_security.clone_from(&self.established.card_security);
        if partial.files.limits().extended == ExtendedLength::Unknown {
            partial.files.set_extended(self.established.extended);
        }
        if !partial.sod_done {
            partial.doc.sod = match self.read_file(partial, slot(ReadFile::Sod, 0, 1), rng, progress) {
                Ok(sod) => Some(sod),
                Err(Error::File(FileError::NotFound { .. } | FileError::AccessDenied { .. })) => None,
                Err(e) => return Err(e),
            };
            partial.sod_done = true;
        }
        let signed_list = partial
            .doc
            .sod
            .as_deref()
            .and_then(|b| LdsSecurityObject::parse_sod(b).ok())
            .map(|sod| sod.hashes.keys().copied().collect::<Vec<_>>());
        if !partial.com_done {
            // EF.COM is unsigned: only a hint, read when EF.SOD gives no list or when asked.
            if signed_list.is_none() || options.ef_com {
                partial.doc.com = self.read_ef_com(partial, signed_list.is_some(), rng, progress)?;
            }
            partial.com_done = true;
        }
        let com_list = partial.doc.com.as_deref().and_then(|b| EfCom::parse(b).ok()).map(|com| com.data_groups);
        let (wanted, guessed) = match &partial.plan {
            Some(plan) => (plan.clone(), signed_list.is_none() && com_list.is_none()),
            None => {
                let (wanted, guessed) = plan(&mut partial.doc, signed_list, com_list.as_deref(), options);
                partial.plan = Some(wanted.clone());
                (wanted, guessed)
            }
        };
        let first = 1 + usize::from(partial.doc.com.is_some());
        let count = wanted.len().saturating_add(first);
        for (i, dg) in wanted.iter().enumerate() {
            let done = partial.doc.data_groups.contains_key(dg)
                || partial.doc.skipped.iter().any(|s| s.dg == *dg)
                || partial.absent.contains(dg);
            if done {
                continue;
            }
            match self.read_file(partial, slot(ReadFile::Dg(*dg), i.saturating_add(first), count), rng, progress) {
                Ok(bytes) => {
                    partial.doc.data_groups.insert(*dg, bytes);
                }
                // A guessed data group that is absent is no finding.
                Err(Error::File(FileError::NotFound { .. })) if guessed => partial.absent.push(*dg),
                Err(Error::File(e @ (FileError::AccessDenied { .. } | FileError::NotFound { .. }))) => {
                    partial.doc.skipped.push(Skipped {
                        dg: *dg,
                        reason: e.to_string(),
                        not_signed: false,
                        withheld: true,
                    });
                }
                // A file whose structure is broken (an empty DG13, a header claiming more than
                // any file) never ends the read: what the chip gave is kept, EF.SOD's hash
                // judges it, and the problem is listed.
                Err(Error::File(e @ (FileError::Malformed { .. } | FileError::TooLarge { .. }))) => {
                    let bytes = partial.take_pending(dg.fid());
                    partial.doc.read_problems.push(format!("{e}: kept as the chip gave it ({} bytes)", bytes.len()));
                    partial.doc.data_groups.insert(*dg, bytes);
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// EF.COM, or `None` when the chip has none or refuses it. EF.COM is unsigned and only a
    /// hint: a broken one is a listed problem, never fatal. `signed_list`: EF.SOD gave the list.
    fn read_ef_com(
        &mut self,
        partial: &mut PartialRead,
        signed_list: bool,
        rng: &mut impl CryptoRng,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Option<Vec<u8>>, Error> {
        match self.read_file(partial, slot(ReadFile::Com, 1, 2), rng, progress) {
            Ok(com) => Ok(Some(com)),
            Err(Error::File(FileError::NotFound { .. } | FileError::AccessDenied { .. })) => Ok(None),
            Err(Error::File(
                e @ (FileError::Malformed { .. }
                | FileError::TooLarge { .. }
                | FileError::Truncated { .. }
                | FileError::Refused { .. }),
            )) => {
                let instead = if signed_list {
                    "the data groups were taken from EF.SOD"
                } else {
                    "the usual data groups were tried"
                };
                partial.doc.read_problems.push(format!("{e}: {instead}"));
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// Reads one file whole into `partial`'s pending bytes, recovering lost sessions.
    fn read_file(
        &mut self,
        partial: &mut PartialRead,
        slot: FileSlot,
        rng: &mut impl CryptoRng,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Vec<u8>, Error> {
        let FileSlot { file, index, count } = slot;
        let (fid, name) = (file.fid(), file.name());
        let mut bytes = partial.take_pending(fid);
        let mut recoveries = 0;
        loop {
            progress(Progress { file, index, count, bytes: FileProgress { read: bytes.len(), total: 0 } });
            let mut report = |p: FileProgress| progress(Progress { file, index, count, bytes: p });
            let result = partial.files.read_file_into(&mut self.channel, Fid(fid), name, &mut bytes, &mut report);
            let lost = match result {
                Ok(()) => return Ok(bytes),
                Err(FileError::SessionLost { op, file, offset, sw, adapted }) if recoveries < MAX_RECOVERIES => {
                    (op, file, offset, sw, adapted)
                }
                Err(e) => {
                    partial.pending = Some((fid, bytes));
                    return Err(e.into());
                }
            };
            recoveries += 1;
            partial.restarts = partial.restarts.saturating_add(1);
            if let Err(e) = self.recover(rng) {
                partial.pending = Some((fid, bytes));
                return Err(e);
            }
            let (op, file, offset, sw, adapted) = lost;
            // A command the card could not take (an extended read, a short EF identifier) is
            // not sent again: the read goes on without it. Any other clear answer was the
            // answer.
            if !adapted {
                return Err(FileError::from_status(op, file, offset, sw).into());
            }
        }
    }

    /// Starts over after the chip answered in the clear: resets the card and runs the same
    /// access control with the same key. A change of protocol (PACE before, BAC now) would be
    /// a downgrade and stops the read.
    fn recover(&mut self, rng: &mut impl CryptoRng) -> Result<(), Error> {
        self.channel.reset()?;
        let again = establish(&mut self.channel, &self.key, self.require_pace, rng)?;
        if again.protocol != self.established.protocol {
            return Err(AccessError::Inconsistent { during: "access control after the card ended its session" }.into());
        }
        self.established = again;
        Ok(())
    }

    /// APDUs and bytes of this read so far, earlier sessions included.
    fn total_stats(&self) -> ChannelStats {
        let now = self.channel.stats();
        ChannelStats {
            apdus: self.earlier.apdus.saturating_add(now.apdus),
            bytes: self.earlier.bytes.saturating_add(now.bytes),
        }
    }

    /// The transport, given back (to close the connection).
    pub fn into_transport(self) -> T {
        self.channel.into_transport()
    }
}

/// How many times one file may go on under a new session: each costs a reset and access
/// control (about ten APDUs), and a chip that ends every session would otherwise loop.
const MAX_RECOVERIES: usize = 3;
