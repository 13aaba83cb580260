//! The built-in card's test CSCA, committed as `fixtures/pki/cancuoc-test-csca.der` so that
//! `--trust` can name it: the committed file must be what the seed generates. Re-write with
//! `CANCUOC_RECORD_TRACES=1 cargo test -p cancuoc-sim --test pki`.

// A test harness fails loudly: unwrap, expect and panic are how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::PathBuf;

use cancuoc_sim::DEMO_SEED;
use cancuoc_sim::pki::TestPki;

#[test]
fn the_committed_test_csca_is_the_generated_one() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/pki/cancuoc-test-csca.der");
    let generated = TestPki::generate(DEMO_SEED).csca.certificate;
    if std::env::var_os("CANCUOC_RECORD_TRACES").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    assert_eq!(std::fs::read(&path).unwrap(), generated);
}

#[test]
fn the_committed_test_crl_is_the_generated_one() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/crl/cancuoc-test-crl-ds-revoked.der");
    let generated = TestPki::generate(DEMO_SEED).crl_revoking_ds();
    if std::env::var_os("CANCUOC_RECORD_TRACES").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
    }
    assert_eq!(std::fs::read(&path).unwrap(), generated);
}
