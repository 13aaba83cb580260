//! Reading trust anchors from the paths given with `--trust`, and `cancuoc trust import`.
//! File handling only: the core decides what a file holds and whether a master list verifies.

use std::path::Path;
use std::process::ExitCode;

use cancuoc::TrustStore;

use crate::session::CliError;

/// Deepest folder level searched for certificates.
const MAX_DEPTH: usize = 4;

/// A store from files and folders. A named file that is no trust file is an error; files in a
/// folder that are not are skipped with a warning.
pub(crate) fn load(paths: &[std::path::PathBuf]) -> Result<TrustStore, CliError> {
    let mut store = TrustStore::new();
    for path in paths {
        add(&mut store, path, 0, true)?;
    }
    for skipped in &store.skipped {
        eprintln!("cancuoc: warning: {skipped}");
    }
    Ok(store)
}

fn add(store: &mut TrustStore, path: &Path, depth: usize, named: bool) -> Result<(), CliError> {
    let io = |e: std::io::Error| CliError::Io(format!("cannot read {}: {e}", path.display()));
    if path.is_dir() {
        if depth >= MAX_DEPTH {
            return Ok(());
        }
        let mut entries: Vec<_> =
            std::fs::read_dir(path).map_err(io)?.filter_map(Result::ok).map(|e| e.path()).collect();
        entries.sort();
        for entry in entries {
            add(store, &entry, depth + 1, false)?;
        }
        return Ok(());
    }
    let bytes = std::fs::read(path).map_err(io)?;
    match store.add_file(&path.display().to_string(), &bytes) {
        Ok(_) => Ok(()),
        Err(e) if named => Err(CliError::Io(e.to_string())),
        Err(e) => {
            eprintln!("cancuoc: warning: skipped {e}");
            Ok(())
        }
    }
}

/// `cancuoc trust import MASTERLIST --out DIR`.
pub(crate) fn import(masterlist: &Path, out: &Path) -> Result<ExitCode, CliError> {
    let bytes =
        std::fs::read(masterlist).map_err(|e| CliError::Io(format!("cannot read {}: {e}", masterlist.display())))?;
    let mut store = TrustStore::new();
    let added = store.add_file(&masterlist.display().to_string(), &bytes).map_err(|e| CliError::Io(e.to_string()))?;
    let io = |e: std::io::Error| CliError::Io(format!("cannot write to {}: {e}", out.display()));
    std::fs::create_dir_all(out).map_err(io)?;
    for (i, cert) in store.anchors().iter().enumerate() {
        let country = cert.subject_text.split(", ").find_map(|p| p.strip_prefix("C=")).unwrap_or("XX");
        let name = format!("{:04}-{}-{}.der", i + 1, country.to_uppercase(), cert.serial_hex());
        std::fs::write(out.join(name), &cert.der).map_err(io)?;
    }
    println!("imported {added} CSCA certificates into {}", out.display());
    for skipped in &store.skipped {
        println!("skipped: {skipped}");
    }
    Ok(ExitCode::SUCCESS)
}
