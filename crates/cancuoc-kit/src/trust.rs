//! Trust from paths: one rule set for the CLI (`--trust`, `--anchor`, `--fingerprint`), the
//! desk (the same flags), the C ABI and the bindings (`"trust":[PATH…]`). File handling only:
//! the core decides what a file holds, whether a master list verifies and what anchors it.
//!
//! The rules: a file named is used or refused (never skipped in silence); a folder is walked to
//! [`MAX_DEPTH`] levels in name order and a file in it that cannot be used is skipped with a
//! warning; a master list counts only when a CSCA given beside it (a file, an anchor or a
//! pinned fingerprint) anchors its signer; an anchor is a CSCA certificate (DER or PEM), never
//! a list.

use std::path::{Path, PathBuf};

use cancuoc::TrustStore;
use cancuoc::trust::TrustError;

/// Deepest folder level searched for trust files.
pub const MAX_DEPTH: usize = 4;

/// What to do next when a master list has no anchor.
pub const ANCHOR_HINT: &str = "compare that fingerprint with the one its issuer publishes, then give the CSCA certificate with --trust or --anchor CERT, or the fingerprint with --fingerprint SHA256HEX";

/// Where trust comes from.
#[derive(Debug, Clone, Default)]
pub struct TrustSources {
    /// CSCA certificates, CRLs and master lists: files, or folders of them.
    pub paths: Vec<PathBuf>,
    /// CSCA certificates vouched for by the user (they anchor master lists).
    pub anchors: Vec<PathBuf>,
    /// SHA-256 fingerprints of CSCA certificates vouched for (64 hex digits).
    pub fingerprints: Vec<String>,
}

/// Why trust could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum TrustLoadError {
    /// A file or folder could not be read.
    #[error("cannot read {path}: {reason}")]
    Read {
        /// The path.
        path: String,
        /// What the system said.
        reason: String,
    },
    /// An anchor that is no CSCA certificate.
    #[error("anchor {0}: expected a CSCA certificate (DER or PEM)")]
    NotAnAnchor(String),
    /// A fingerprint that is not 64 hex digits.
    #[error("fingerprint {0}: expected the 64 hex digits of a SHA-256 fingerprint")]
    BadFingerprint(String),
    /// A file named that cannot be used (a master list nothing anchors: with what to do).
    #[error("{0}{hint}", hint = if matches!(.0, TrustError::MasterListUnanchored { .. }) { format!(": {ANCHOR_HINT}") } else { String::new() })]
    Unusable(TrustError),
}

impl TrustLoadError {
    /// True when the user's input itself is malformed (an anchor or fingerprint), not a file.
    pub fn is_usage(&self) -> bool {
        matches!(self, Self::NotAnAnchor(_) | Self::BadFingerprint(_))
    }
}

/// A loaded store and what was skipped on the way (folder files, unusable certificates).
#[derive(Debug)]
pub struct LoadedTrust {
    /// The store.
    pub store: TrustStore,
    /// One line per file or certificate skipped.
    pub warnings: Vec<String>,
}

/// Loads `sources` by [the rules](self).
///
/// # Errors
/// [`TrustLoadError`] for a path that cannot be read, a named file that cannot be used, an
/// anchor that is no CSCA certificate or a malformed fingerprint.
pub fn load(sources: &TrustSources) -> Result<LoadedTrust, TrustLoadError> {
    let mut store = anchored_store(&sources.anchors, &sources.fingerprints)?;
    let mut files = Vec::new();
    for path in &sources.paths {
        collect(&mut files, path, 0, true)?;
    }
    let named: Vec<(String, Vec<u8>)> = files.iter().map(|f| (f.name.clone(), f.bytes.clone())).collect();
    let mut warnings = Vec::new();
    for (file, outcome) in files.iter().zip(store.add_files(&named)) {
        match outcome {
            Ok(_) => {}
            Err(e) if file.named => return Err(TrustLoadError::Unusable(e)),
            Err(e) => warnings.push(format!("skipped {e}")),
        }
    }
    warnings.extend(store.skipped.iter().map(ToString::to_string));
    Ok(LoadedTrust { store, warnings })
}

/// A store holding the `anchors` (CSCA certificates) and the `fingerprints` pinned.
///
/// # Errors
/// As [`load`].
pub fn anchored_store(anchors: &[PathBuf], fingerprints: &[String]) -> Result<TrustStore, TrustLoadError> {
    let mut store = TrustStore::new();
    for path in anchors {
        let bytes = read(path)?;
        let name = path.display().to_string();
        match store.add_file(&name, &bytes) {
            Ok(n) if n > 0 => {}
            Ok(_) | Err(TrustError::MasterListUnanchored { .. } | TrustError::MasterListSignature { .. }) => {
                return Err(TrustLoadError::NotAnAnchor(name));
            }
            Err(e) => return Err(TrustLoadError::NotAnAnchor(e.to_string())),
        }
    }
    for text in fingerprints {
        let sha256 =
            cancuoc::trust::parse_fingerprint(text).ok_or_else(|| TrustLoadError::BadFingerprint(text.clone()))?;
        store.pin_fingerprint(sha256);
    }
    Ok(store)
}

/// A trust file read from disk: its name for messages, its bytes, and whether the user named
/// it (an error then) or it was found in a folder (skipped with a warning then).
struct TrustFile {
    name: String,
    bytes: Vec<u8>,
    named: bool,
}

fn read(path: &Path) -> Result<Vec<u8>, TrustLoadError> {
    std::fs::read(path).map_err(|e| TrustLoadError::Read { path: path.display().to_string(), reason: e.to_string() })
}

fn collect(files: &mut Vec<TrustFile>, path: &Path, depth: usize, named: bool) -> Result<(), TrustLoadError> {
    if path.is_dir() {
        if depth >= MAX_DEPTH {
            return Ok(());
        }
        let io = |e: std::io::Error| TrustLoadError::Read { path: path.display().to_string(), reason: e.to_string() };
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

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("cancuoc-kit-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("a/b")).unwrap();
        dir
    }

    #[test]
    fn a_named_file_is_used_or_refused_and_a_folder_file_skipped_with_a_warning() {
        let csca = include_bytes!("../../../fixtures/pki/cancuoc-test-csca.der");
        let dir = temp_dir("rules");
        std::fs::write(dir.join("a/b/csca.der"), csca).unwrap();
        std::fs::write(dir.join("a/notes.txt"), b"not a certificate").unwrap();
        let loaded = load(&TrustSources { paths: vec![dir.clone()], ..TrustSources::default() }).unwrap();
        assert_eq!(loaded.store.anchors().len(), 1, "found two levels down");
        assert!(loaded.warnings.iter().any(|w| w.contains("notes.txt")), "{:?}", loaded.warnings);
        let named = load(&TrustSources { paths: vec![dir.join("a/notes.txt")], ..TrustSources::default() });
        assert!(matches!(named, Err(TrustLoadError::Unusable(_))), "{named:?}");
        let missing = load(&TrustSources { paths: vec![dir.join("nothing")], ..TrustSources::default() });
        assert!(matches!(missing, Err(TrustLoadError::Read { .. })));
        let anchor = load(&TrustSources { anchors: vec![dir.join("a/notes.txt")], ..TrustSources::default() });
        assert!(anchor.is_err_and(|e| e.is_usage()));
        let pin = load(&TrustSources { fingerprints: vec!["12ab".to_owned()], ..TrustSources::default() });
        assert!(pin.is_err_and(|e| e.is_usage()));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
