//! Proofs that the chip is the original, after the files: active authentication with a fresh
//! challenge and chip authentication under new keys (ICAO 9303-11 §6). The verdicts are
//! [`crate::verify`]'s; this side only gathers the evidence.

use rand_core::CryptoRng;

use super::Session;
use crate::access::AccessError;
use crate::document::Document;
use crate::error::Error;
use crate::files::{FID_COM, FileError, FileReader, ReadLimits};
use crate::lds::{DgNumber, SecurityInfos};
use crate::transport::Transport;

impl<T: Transport> Session<T> {
    /// Proves the chip is not a clone, after [`Session::read`]: Active Authentication with a
    /// fresh challenge when DG15 was read (the evidence goes into `doc`, the verdict is the
    /// report's), then Chip Authentication when DG14 offers it, confirmed by one command under
    /// the new keys (ICAO 9303-11 §6). A failure is recorded, never fatal: the data are read.
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
        if doc.dg(DgNumber::DG15).is_some() {
            let challenge = challenge.unwrap_or_else(|| {
                let mut fresh = [0u8; 8];
                rng.fill_bytes(&mut fresh);
                fresh
            });
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
            let stats = self.total_stats();
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
        // A card lifted during chip authentication proved nothing either way: never a clone.
        if let Err(e) = &outcome
            && e.class() == crate::ErrorClass::CardRemoved
        {
            return Err(e.clone());
        }
        doc.chip_authentication =
            Some(crate::document::ChipOutcome { protocol, result: outcome.map_err(|e| e.to_string()) });
        let stats = self.total_stats();
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
}
