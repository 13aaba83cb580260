//! Reading trust anchors from the paths given with `--trust`, `--anchor` and `--fingerprint`,
//! and `cancuoc trust import`. File handling only: the core decides what a file holds, whether
//! a master list verifies and whether a supplied CSCA anchors it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use cancuoc::TrustStore;
use cancuoc::trust::TrustError;

use crate::TrustArgs;
use crate::console::{errln, outln};
use crate::error::CliError;

/// Deepest folder level searched for certificates.
const MAX_DEPTH: usize = 4;

/// What to do next when a master list has no anchor.
const ANCHOR_HINT: &str = "compare that fingerprint with the one its issuer publishes, then give the CSCA certificate with --trust or --anchor CERT, or the fingerprint with --fingerprint SHA256HEX";

/// A trust file read from disk: its name for messages, its bytes, and whether the user named
/// it (an error then) or it was found in a folder (skipped with a warning then).
struct TrustFile {
    name: String,
    bytes: Vec<u8>,
    named: bool,
}

/// A store from `--trust` files and folders, `--anchor` certificates and `--fingerprint` pins.
/// A named file that is no trust file, or a named master list no supplied CSCA anchors, is an
/// error; files in a folder that are not usable are skipped with a warning.
pub(crate) fn load(args: &TrustArgs) -> Result<TrustStore, CliError> {
    let mut store = anchored_store(&args.anchor, &args.fingerprint)?;
    let mut files = Vec::new();
    for path in &args.trust {
        collect(&mut files, path, 0, true)?;
    }
    let named: Vec<(String, Vec<u8>)> = files.iter().map(|f| (f.name.clone(), f.bytes.clone())).collect();
    for (file, outcome) in files.iter().zip(store.add_files(&named)) {
        match outcome {
            Ok(_) => {}
            Err(e) if file.named => return Err(trust_error(e)),
            Err(e) => errln!("cancuoc: warning: skipped {e}"),
        }
    }
    for skipped in &store.skipped {
        errln!("cancuoc: warning: {skipped}");
    }
    Ok(store)
}

/// A store holding the `--anchor` certificates and the `--fingerprint` pins.
fn anchored_store(anchors: &[PathBuf], fingerprints: &[String]) -> Result<TrustStore, CliError> {
    let mut store = TrustStore::new();
    for path in anchors {
        let bytes = read(path)?;
        let name = path.display().to_string();
        // A PEM file may hold the certificate; a master list is no anchor.
        match store.add_file(&name, &bytes) {
            Ok(n) if n > 0 => {}
            Ok(_) | Err(TrustError::MasterListUnanchored { .. } | TrustError::MasterListSignature { .. }) => {
                return Err(CliError::Usage(format!("--anchor {name}: expected a CSCA certificate (DER or PEM)")));
            }
            Err(e) => return Err(CliError::Usage(format!("--anchor {e}"))),
        }
    }
    for text in fingerprints {
        let sha256 = cancuoc::trust::parse_fingerprint(text).ok_or_else(|| {
            CliError::Usage(format!("--fingerprint {text}: expected the 64 hex digits of a SHA-256 fingerprint"))
        })?;
        store.pin_fingerprint(sha256);
    }
    Ok(store)
}

fn trust_error(e: TrustError) -> CliError {
    match e {
        TrustError::MasterListUnanchored { .. } => CliError::Io(format!("{e}: {ANCHOR_HINT}")),
        other => CliError::Io(other.to_string()),
    }
}

fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| CliError::Io(format!("cannot read {}: {e}", path.display())))
}

fn collect(files: &mut Vec<TrustFile>, path: &Path, depth: usize, named: bool) -> Result<(), CliError> {
    if path.is_dir() {
        if depth >= MAX_DEPTH {
            return Ok(());
        }
        let io = |e: std::io::Error| CliError::Io(format!("cannot read {}: {e}", path.display()));
        let mut entries: Vec<_> =
            std::fs::read_dir(path).map_err(io)?.filter_map(Result::ok).map(|e| e.path()).collect();
        entries.sort();
        for entry in entries {
            collect(files, &entry, depth + 1, false)?;
        }
        return Ok(());
    }
    files.push(TrustFile { name: path.display().to_string(), bytes: read(path)?, named });
    Ok(())
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
        let country = cert.subject_text.split(", ").find_map(|p| p.strip_prefix("C=")).unwrap_or("XX");
        let name = format!("{:04}-{}-{}.der", i + 1, country.to_uppercase(), cert.serial_hex());
        std::fs::write(out.join(name), &cert.der).map_err(io)?;
    }
    outln!("imported {} CSCA certificates into {}", store.anchors().len(), out.display());
    for skipped in &store.skipped {
        outln!("skipped: {skipped}");
    }
    Ok(ExitCode::SUCCESS)
}
