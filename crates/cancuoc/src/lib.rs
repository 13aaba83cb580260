//! # cancuoc
//!
//! Reads chip identity documents: Vietnam's citizen identity card (CCCD / Căn cước) first,
//! and any ICAO Doc 9303 (8th edition, 2021) passport or ID card. The core library: no system
//! dependencies and no I/O of its own. Card access goes through a [`Transport`]; randomness
//! is passed in, so a recorded trace replays byte for byte.
//!
//! Layers, each a module using only those before it ([`codec`] is the leaf all parse with):
//! [`apdu`] → [`transport`] → [`crypto`] → [`sm`] → [`channel`] → [`access`] → [`files`] →
//! [`lds`] → [`profile`] → [`document`] → [`pki`] → [`trust`] → [`verify`] → [`reader`] →
//! [`report`] → [`record`] → [`mod@inspect`], the paved path that reads and checks in one call;
//! [`photo`] decodes the face for apps. One edge still points up: PACE ([`access`]) takes the
//! parsed SecurityInfos of EF.CardAccess from [`lds`].
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
pub mod apdu;
pub mod channel;
pub mod codec;
pub mod crypto;
pub mod document;
pub mod error;
pub mod files;
#[doc(hidden)]
pub mod fuzzing;
pub mod inspect;
pub mod lds;
pub mod photo;
pub mod pki;
pub mod profile;
pub mod reader;
pub mod record;
pub mod report;
pub mod sm;
pub mod transport;
pub mod trust;
pub mod verify;

pub use access::AccessKey;
pub use document::Document;
pub use error::{Error, ErrorClass};
pub use inspect::{Checks, Inspection, inspect, inspect_dump};
pub use reader::{Connect, PartialRead, Progress, ReadOptions, Reader, Session, read_resuming};
pub use report::{Report, ReportContext};
pub use transport::{Transport, TransportError};
pub use trust::TrustStore;
