//! Verification of what was read. Passive authentication's first half lives here now: the
//! data-group hashes of EF.SOD compared with the data groups read ([`hashes`]). The SOD's
//! signature, the certificate chain, chip and active authentication follow
//! (DESIGN.md §2 `verify`).

pub mod hashes;
