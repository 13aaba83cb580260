//! Verification of what was read (DESIGN.md §2 `verify`): passive authentication
//! ([`passive`]: the CMS signature of EF.SOD, the data-group hashes
//! ([`hashes`]) and the chain to a CSCA of a [`crate::trust::TrustStore`]). Chip and active
//! authentication follow.

pub mod active;
pub mod chip;
pub mod hashes;
pub mod passive;
pub mod status;
