//! # cancuoc-sim
//!
//! A virtual ICAO 9303 chip in software, and a document builder that issues fictional
//! Vietnamese citizen identity cards under a generated test PKI. It serves three purposes:
//! `cancuoc demo` (a read with no hardware), the in-process tests of the core, and the
//! end-to-end tests, where [`vpcd`] plugs the chip into the real pcscd through vsmartcard's
//! virtual reader driver.
//!
//! Everything is deterministic from a seed, so a read of the virtual card records the same
//! trace every time. The test PKI's keys are derived from public seeds: it proves nothing
//! about any real document.
#![forbid(unsafe_code)]

pub mod chip;
pub mod cms;
pub mod der;
pub mod issue;
pub mod keys;
pub mod pki;
pub mod rng;
pub mod rsa;
pub mod security;
pub mod vpcd;
pub mod wiretap;

pub use chip::{Faults, VirtualChip};
pub use issue::{CitizenProfile, IssuedDocument};
pub use rng::SeededRng;

/// Seed of the built-in card: its test PKI and its nonces.
pub const DEMO_SEED: &[u8] = b"cancuoc demo";

/// The built-in virtual CCCD (the specimen citizen, [`DEMO_SEED`]) with `faults`, and the
/// BAC key that opens it.
///
/// # Errors
/// Only if the specimen profile were malformed.
pub fn specimen_chip(faults: Faults) -> Result<(VirtualChip, cancuoc::access::MrzKey), cancuoc::access::AccessError> {
    let document = IssuedDocument::issue(&CitizenProfile::specimen(), DEMO_SEED)?;
    let key = document.mrz_key.clone();
    Ok((VirtualChip::new(document, faults, DEMO_SEED), key))
}
