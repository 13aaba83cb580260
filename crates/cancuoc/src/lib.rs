//! # cancuoc
//!
//! Reads chip identity documents: Vietnam's citizen identity card (CCCD / Căn cước) first,
//! and any ICAO Doc 9303 (8th edition, 2021) passport or ID card. The core library: no system
//! dependencies and no I/O of its own. Card access goes through a [`Transport`]; randomness
//! is passed in, so a recorded trace replays byte for byte.
//!
//! Start with [`inspect()`], the paved path that reads a card and checks it in one call (and
//! [`inspect_dump()`], its twin for a saved dump), or with [`Reader`] to drive the steps
//! yourself. Its answer is a [`Report`] (the `cancuoc/1` JSON) with the [`Document`] that was
//! read; [`TrustStore`] holds the CSCA certificates, master lists and CRLs that passive
//! authentication chains to.
//!
//! The public modules are the layers a user meets: [`transport`] (the seam to a reader, and
//! recorded traces) → [`lds`] (the data groups) → [`access`] (the keys) → [`profile`] (the
//! CCCD) → [`error`] (every layer's error) → [`document`] → [`trust`] → [`verify`] (passive,
//! chip and active authentication) → [`reader`] → [`photo`] → [`report`] → `record` →
//! [`mod@inspect`]. Between them, private to the crate, are the BER-TLV codec, the APDUs, the
//! crypto, secure messaging, the channel and file access (below [`lds`]) and the PKI (below
//! [`trust`]). Each module uses only those before it (`docs/DESIGN.md` §2; the test
//! `tests/layers.rs` holds the order). `cancuoc-sim` and the fuzz targets reach the private
//! layers through a hidden module that carries no stability promise.
//!
//! Features (all off by default: the core reads and verifies, no more): `photo` decodes the
//! face to RGBA pixels (`photo::decode`; the report's image size needs no decoder); `records`
//! adds the hospital projections of a report (`record`: check-in table, BHXH lookup, flat
//! record, CSV); `fuzzing` the fuzz targets' entry points.
//!
//! ```no_run
//! # fn demo(transport: impl cancuoc::Transport, rng: &mut impl rand_core::CryptoRng) -> Result<(), cancuoc::Error> {
//! use cancuoc::{AccessKey, ReadOptions, Reader};
//! let key = AccessKey::mrz("090012345", "900115", "300115")?;
//! let mut session = Reader::open(transport).authenticate(&key, rng)?;
//! let doc = session.read(&ReadOptions::default(), rng, &mut |p| eprintln!("{} {:.0}%", p.file, p.fraction() * 100.0))?;
//! if let Some(citizen) = doc.cccd()? {
//!     println!("{}", citizen.full_name().unwrap_or("?"));
//! }
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

pub mod access;
mod apdu;
mod channel;
mod codec;
mod crypto;
pub mod document;
pub mod error;
mod files;
#[cfg(feature = "fuzzing")]
mod fuzzing;
pub mod inspect;
pub mod lds;
pub mod photo;
mod pki;
pub mod profile;
pub mod reader;
#[cfg(feature = "records")]
pub mod record;
pub mod report;
mod sm;
pub mod transport;
pub mod trust;
pub mod verify;

/// The layers below the public surface, for the virtual card (`cancuoc-sim`), the fuzz targets
/// and the workspace's tests. **Not part of the API**: no semver promise covers anything here,
/// and a release may change or remove any of it. Build on the items of the crate root and of
/// the public modules instead. Each module here is one private layer, re-exported whole.
#[doc(hidden)]
pub mod internals {
    /// `pub mod NAME { pub use crate::PATH::*; }` for each `NAME => PATH`.
    macro_rules! layers {
        ($($(#[$doc:meta])* $name:ident => $($segment:ident)::+;)*) => {
            $( $(#[$doc])* pub mod $name {
                #[cfg(not(cancuoc_surface_check))]
                pub use crate::$($segment)::+::*;
            } )*
        };
    }

    layers! {
        /// Command and response APDUs (ISO/IEC 7816-4 §5).
        apdu => apdu;
        /// BAC's protocol steps (ICAO 9303-11 §4.3).
        bac => access::bac;
        /// Exchanges over a transport, plain or under secure messaging.
        channel => channel;
        /// BER-TLV, the byte reader and dates.
        codec => codec;
        /// Ciphers, hashes, curves and groups.
        crypto => crypto;
        /// SELECT and READ BINARY.
        files => files;
        /// Entry points of the fuzz targets (feature `fuzzing`).
        #[cfg(feature = "fuzzing")]
        fuzzing => fuzzing;
        /// PACE's protocol steps and key derivations (ICAO 9303-11 §4.4).
        pace => access::pace;
        /// Certificates, CMS and signatures.
        pki => pki;
        /// Secure messaging (ICAO 9303-11 §9.8).
        sm => sm;
    }

    /// The CCCD's DG13 encoding, for the virtual card.
    pub mod cccd {
        #[cfg(not(cancuoc_surface_check))]
        pub use crate::profile::cccd::dg13::{OID_UTF8, encode_dg13, field, iso_date};
    }
    /// Parsers and encoders of the LDS below [`crate::lds`]'s public types.
    pub mod lds {
        #[cfg(not(cancuoc_surface_check))]
        pub use crate::lds::biometric::{displayed_images, parse as parse_biometric};
        #[cfg(not(cancuoc_surface_check))]
        pub use crate::lds::card_security::*;
        #[cfg(not(cancuoc_surface_check))]
        pub use crate::lds::dg2::encode_dg2;
        #[cfg(not(cancuoc_surface_check))]
        pub use crate::lds::dg16::parse as parse_dg16;
        #[cfg(not(cancuoc_surface_check))]
        pub use crate::lds::text::*;
    }
}

pub use access::AccessKey;
pub use codec::time::CalendarDate;
pub use document::Document;
pub use error::{DecodeError, Error, ErrorClass, StatusWord};
pub use inspect::{Checks, Inspection, inspect, inspect_dump};
pub use lds::security_infos::{Oid, SmCipherKind};
pub use lds::{DgNumber, Mrz};
pub use profile::cccd::{CccdId, Citizen};
pub use reader::{Connect, PartialRead, Progress, ReadLimits, ReadOptions, Reader, Session, read_resuming};
pub use report::{Report, ReportContext, Verdict};
pub use transport::{Transport, TransportError};
pub use trust::{TrustError, TrustStore};
