//! Checks a dump written by `cancuoc read --out DIR` (or the desk's "save"), offline:
//! [`cancuoc::inspect_dump`].
//!
//! ```text
//! cargo run -p cancuoc --example verify_dump -- DIR [CSCA.der]...
//! ```
//!
//! Prints the verdict and its reasons; exits 3 when a check failed, 1 when DIR holds no dump.

use std::process::ExitCode;

use cancuoc::CalendarDate;
use cancuoc::{Checks, TrustStore};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: verify_dump DIR [CSCA.der]...");
        return ExitCode::from(2);
    };
    let dir = std::path::Path::new(dir);
    let files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            name.ends_with(".bin").then(|| Some((name, std::fs::read(entry.path()).ok()?))).flatten()
        })
        .collect();
    let report_json = std::fs::read_to_string(dir.join("report.json")).ok();
    let mut trust = TrustStore::new();
    let anchors: Vec<(String, Vec<u8>)> =
        args.iter().skip(1).filter_map(|p| Some((p.clone(), std::fs::read(p).ok()?))).collect();
    for outcome in trust.add_files(&anchors) {
        if let Err(e) = outcome {
            eprintln!("verify_dump: {e}");
            return ExitCode::from(1);
        }
    }
    let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let today = CalendarDate::from_unix(i64::try_from(seconds).unwrap_or(0));
    let Some(inspection) = cancuoc::inspect_dump(files, report_json.as_deref(), &Checks::new(&trust, today)) else {
        eprintln!("verify_dump: {} holds no dump", dir.display());
        return ExitCode::from(1);
    };
    let report = inspection.report();
    println!("verdict: {:?}", report.verdict());
    for reason in report.verdict_reasons() {
        println!("  {reason}");
    }
    if report.check_failed() { ExitCode::from(3) } else { ExitCode::SUCCESS }
}
