//! What the core's behaviour tests share: the specimen CCCD the virtual chip holds, and a
//! trust store anchored by the test CSCA that issued it.

// Each test file uses what it needs of these.
#![allow(dead_code)]

use cancuoc::TrustStore;
use cancuoc_sim::DEMO_SEED;
use cancuoc_sim::issue::{CitizenProfile, IssuedDocument};
use cancuoc_sim::pki::TestPki;

/// The specimen CCCD, issued by the demo seed's test PKI.
pub(crate) fn specimen() -> IssuedDocument {
    IssuedDocument::issue(&CitizenProfile::specimen(), DEMO_SEED).unwrap()
}

/// A trust store holding the test CSCA of the demo seed, the specimen's anchor.
pub(crate) fn trust() -> TrustStore {
    let mut store = TrustStore::new();
    store.add_file("csca", &TestPki::generate(DEMO_SEED).csca.certificate).unwrap();
    store
}
