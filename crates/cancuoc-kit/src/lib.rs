//! # cancuoc-kit
//!
//! What every cancuoc front end needs between the core (`cancuoc`) and its user, written once:
//! the CLI, the desk, the local endpoint (`cancuoc-agent`, which does HTTP and no more) and the
//! C ABI (`cancuoc-ffi`, and through it the bindings) call it (`docs/DESIGN.md` §1, §3.6).
//!
//! | module | what |
//! | --- | --- |
//! | [`cards`] | readers and cards behind one trait: PC/SC, or the virtual CCCD (`demo`, feature `demo`) |
//! | [`wait`] | the one waiting rule (never gives up before its time) and the put-back loop |
//! | [`trust`] | trust from paths: one rule set for files, folders, master lists, anchors, pins |
//! | [`request`] | a read as asked: the JSON of `POST /v1/read` and `cancuoc_read` |
//! | [`answer`] | the answer shapes: the verdict, the report, the record — none for a failed check |
//! | [`error`] | the bilingual error table: code, HTTP status, what to do in Vietnamese and English |
//! | [`dump`] | a dump folder read back for `cancuoc verify`, `cancuoc_verify` and the bindings |
//! | [`clock`] | the instant checks are made at |
//!
//! It links no HTTP server and no command-line parser; the simulator only with `demo`. Each item
//! has one path (`cancuoc_kit::wait::Connector`, `cancuoc_kit::error::Code`…): nothing is
//! re-exported at the root.

#![forbid(unsafe_code)]

pub mod answer;
pub mod cards;
pub mod clock;
#[cfg(feature = "demo")]
pub mod demo;
pub mod dump;
pub mod error;
pub mod request;
pub mod trust;
pub mod wait;
