//! Proofs that the chip is the original, after the files: chip authentication under new keys,
//! confirmed by active authentication with a fresh challenge (ICAO 9303-11 §6). The verdicts are
//! [`crate::verify`]'s; this side only gathers the evidence.

use rand_core::CryptoRng;

use super::Session;
use crate::access::AccessError;
use crate::document::Document;
use crate::error::Error;
use crate::files::{FID_SOD, FileError, FileReader, ReadLimits};
use crate::lds::{DgNumber, SecurityInfos};
use crate::transport::Transport;

impl<T: Transport> Session<T> {
    /// Proves the chip is not a clone, after [`Session::read`]: Chip Authentication when DG14
    /// offers it, then Active Authentication with a fresh challenge when DG15 was read (the
    /// evidence goes into `doc`, the verdicts are the report's). Chip Authentication is
    /// confirmed by the next command under the new keys (ICAO 9303-11 §6.2): active
    /// authentication's, or a SELECT when there is none. A failure is recorded, never fatal:
    /// the data are read.
    ///
    /// # Errors
    /// Only a removed card (the evidence so far stays in `doc`).
    pub fn authenticate_chip(&mut self, doc: &mut Document, rng: &mut impl CryptoRng) -> Result<(), Error> {
        self.authenticate_chip_over(doc, None, rng)
    }

    /// [`Session::authenticate_chip`], active authentication signing `challenge` when given
    /// (a remote verifier's nonce: [`super::ReadOptions::active_challenge`]).
    ///
    /// # Errors
    /// Only a removed card.
    pub fn authenticate_chip_over(
        &mut self,
        doc: &mut Document,
        challenge: Option<[u8; 8]>,
        rng: &mut impl CryptoRng,
    ) -> Result<(), Error> {
        let active = doc.dg(DgNumber::DG15).is_some();
        // PACE-CAM already authenticated the chip (ICAO 9303-11 §4.4.3.5): no second run.
        let chip = if doc.access.cam_key_matched {
            None
        } else {
            doc.dg(DgNumber::DG14)
                .and_then(|b| SecurityInfos::parse_dg14(b).ok())
                .and_then(|dg14| crate::verify::chip::ChipAuthentication::from_dg14(&dg14).ok())
        };
        if let Some(ca) = chip {
            let protocol = ca.name();
            let mut outcome = self.run_chip_authentication(&ca, !active, rng);
            // Under the new keys, active authentication's answer is the confirmation.
            if outcome.is_ok() && active {
                let answered = self.active_authentication(doc, challenge, rng);
                if let Err(e) = answered {
                    if e.class() == crate::error::ErrorClass::CardRemoved {
                        return Err(e);
                    }
                    outcome = Err(not_under_new_keys());
                }
            }
            // A card lifted during chip authentication proved nothing either way: never a clone.
            if let Err(e) = &outcome
                && e.class() == crate::error::ErrorClass::CardRemoved
            {
                return Err(e.clone());
            }
            let keys_switched = outcome.is_ok();
            doc.chip_authentication =
                Some(crate::document::ChipOutcome { protocol, result: outcome.map_err(|e| e.to_string()) });
            self.record_stats(doc);
            if keys_switched || !active || doc.active_authentication.is_some() {
                return Ok(());
            }
        }
        if active {
            // Without chip authentication (or after it failed before switching keys).
            if let Err(e) = self.active_authentication(doc, challenge, rng)
                && e.class() == crate::error::ErrorClass::CardRemoved
            {
                return Err(e);
            }
        }
        Ok(())
    }

    /// INTERNAL AUTHENTICATE with `challenge` (or a fresh one); the answer goes into `doc`. A
    /// refusal is evidence too: a chip holding DG15 must answer (an empty response fails the
    /// check), or a copy without the key could simply decline.
    ///
    /// # Errors
    /// The channel's error (a removed card, or an answer that fails secure messaging); the
    /// evidence (an empty response) is in `doc` either way.
    fn active_authentication(
        &mut self,
        doc: &mut Document,
        challenge: Option<[u8; 8]>,
        rng: &mut impl CryptoRng,
    ) -> Result<(), Error> {
        let challenge = challenge.unwrap_or_else(|| {
            let mut fresh = [0u8; 8];
            rng.fill_bytes(&mut fresh);
            fresh
        });
        let (response, result) = match self.channel.send(&crate::verify::active::internal_authenticate(&challenge)) {
            Ok(answer) if answer.sw == crate::apdu::StatusWord::OK => (answer.data, Ok(())),
            Ok(_) => (Vec::new(), Ok(())),
            Err(e) => (Vec::new(), Err(Error::from(e))),
        };
        doc.active_authentication =
            Some(crate::document::ActiveEvidence { challenge: challenge.to_vec(), response, recorded: false });
        self.record_stats(doc);
        result
    }

    fn record_stats(&self, doc: &mut Document) {
        let stats = self.total_stats();
        doc.access.apdus = stats.apdus;
        doc.access.bytes = stats.bytes;
    }

    /// MSE:Set AT and GENERAL AUTHENTICATE, then secure messaging under the new keys; with
    /// `confirm`, a SELECT under them proves the chip holds the DG14 key (else the caller's
    /// next command does).
    fn run_chip_authentication(
        &mut self,
        ca: &crate::verify::chip::ChipAuthentication,
        confirm: bool,
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
        if !confirm {
            return Ok(());
        }
        let files = FileReader::new(ReadLimits::default());
        files.select_ef(&mut self.channel, FID_SOD, "EF.SOD").map_err(|e| match e {
            FileError::Channel { .. } | FileError::Refused { .. } => not_under_new_keys(),
            other => Error::File(other),
        })?;
        Ok(())
    }
}

/// The chip did not answer properly under the keys chip authentication agreed.
fn not_under_new_keys() -> Error {
    Error::Access(AccessError::CardMisbehaved(
        "chip authentication (the chip could not answer under the new keys: possibly a cloned chip)",
    ))
}
