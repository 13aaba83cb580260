//! Trust from `--trust`, `--anchor` and `--fingerprint` (the kit's rules), and `cancuoc trust
//! import`. File handling only: the core decides what a file holds, whether a master list
//! verifies and whether a supplied CSCA anchors it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use cancuoc::TrustStore;
use cancuoc::trust::TrustError;
use cancuoc_kit::trust::{ANCHOR_HINT, TrustSources, anchored_store};

use crate::TrustArgs;
use crate::console::{errln, outln};
use crate::error::CliError;

/// A store from `--trust` files and folders, `--anchor` certificates and `--fingerprint` pins,
/// by the rules every front end follows (`cancuoc_kit::trust`); what was skipped is a warning.
pub(crate) fn load(args: &TrustArgs) -> Result<TrustStore, CliError> {
    let sources = TrustSources {
        paths: args.trust.clone(),
        anchors: args.anchor.clone(),
        fingerprints: args.fingerprint.clone(),
    };
    let loaded = cancuoc_kit::trust::load(&sources)?;
    for warning in &loaded.warnings {
        errln!("cancuoc: warning: {warning}");
    }
    Ok(loaded.store)
}

fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| CliError::Io(format!("cannot read {}: {e}", path.display())))
}

/// `cancuoc trust import MASTERLIST --out DIR (--anchor CERT | --fingerprint SHA256HEX)`.
pub(crate) fn import(
    masterlist: &Path,
    out: &Path,
    anchors: &[PathBuf],
    fingerprints: &[String],
) -> Result<ExitCode, CliError> {
    let bytes = read(masterlist)?;
    let mut store = anchored_store(anchors, fingerprints)?;
    match store.add_file(&masterlist.display().to_string(), &bytes) {
        Ok(_) => {}
        Err(TrustError::MasterListUnanchored { csca, .. }) => {
            outln!("The master list {} is signed under this CSCA:", masterlist.display());
            outln!("  subject: {}", csca.subject);
            match &csca.fingerprint {
                Some(fingerprint) => outln!("  SHA-256: {fingerprint}"),
                None => outln!("  SHA-256: (the list does not hold that certificate)"),
            }
            outln!("A master list vouches for nothing by itself: nothing was imported.");
            return Err(CliError::Io(format!(
                "{}: no anchor for the master list's signer: {ANCHOR_HINT}",
                masterlist.display()
            )));
        }
        Err(e) => return Err(CliError::Io(e.to_string())),
    };
    let io = |e: std::io::Error| CliError::Io(format!("cannot write to {}: {e}", out.display()));
    std::fs::create_dir_all(out).map_err(io)?;
    // The list's certificates, and the --anchor certificate (a CSCA the user vouched for).
    for (i, cert) in store.anchors().iter().enumerate() {
        let country = cert.subject_text().split(", ").find_map(|p| p.strip_prefix("C=")).unwrap_or("XX");
        let name = format!("{:04}-{}-{}.der", i + 1, country.to_uppercase(), cert.serial_hex());
        std::fs::write(out.join(name), cert.der()).map_err(io)?;
    }
    outln!("imported {} CSCA certificates into {}", store.anchors().len(), out.display());
    for skipped in &store.skipped {
        outln!("skipped: {skipped}");
    }
    Ok(ExitCode::SUCCESS)
}
