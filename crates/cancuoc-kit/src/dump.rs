//! A dump folder on disk (`cancuoc read --out`, `docs/DESIGN.md` §3.3), read for
//! [`cancuoc::inspect_dump`]: shared by `cancuoc verify`, the C ABI and the bindings.

use std::path::Path;

/// The dump's files (`*.bin`, by name) and its `report.json`, when present.
pub type DumpFiles = (Vec<(String, Vec<u8>)>, Option<String>);

/// Reads the `.bin` files and `report.json` of `dir`.
///
/// # Errors
/// The I/O error, with the folder, when it cannot be read.
pub fn read_dir(dir: &Path) -> Result<DumpFiles, String> {
    let io = |e: std::io::Error| format!("cannot read the dump {}: {e}", dir.display());
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".bin") {
            files.push((name, std::fs::read(entry.path()).map_err(io)?));
        }
    }
    files.sort();
    let report_json = std::fs::read_to_string(dir.join("report.json")).ok();
    Ok((files, report_json))
}
