//! Public-key infrastructure below both [`crate::verify`] and [`crate::trust`]: CMS SignedData
//! ([`cms`]), signature algorithms and keys ([`signature`]), certificates and CRLs
//! ([`certificate`]) and a SignedData's signer ([`signer`]) (RFC 5652, RFC 5280, ICAO 9303-12).
//! It knows nothing of documents or trust decisions.

pub mod certificate;
pub mod cms;
pub mod name;
pub mod signature;
pub mod signer;
