//! `cancuoc verify DIR DIR…`: many saved dumps checked in parallel on all cores, one line each
//! (JSON Lines with `--json`), in the order given. One trust store serves every thread, so each
//! DS certificate's signature is checked once (`TrustStore` keeps the outcome).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use cancuoc::{Checks, Verdict};
use indicatif::{ProgressBar, ProgressStyle};

use crate::error::CliError;
use crate::output::CheckInputs;

/// One dump's outcome: its line, and whether it failed a check or could not be read.
struct Outcome {
    line: String,
    check_failed: bool,
    error: bool,
}

/// The verdict as the batch's text line names it.
fn verdict_word(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Genuine => "genuine",
        Verdict::Untrusted => "untrusted",
        Verdict::Altered => "ALTERED",
        Verdict::Cloned => "CLONED",
        Verdict::Expired => "EXPIRED",
        Verdict::Revoked => "REVOKED",
        Verdict::BadCertificate => "BAD-CERTIFICATE",
        // NotChecked, and any verdict a later core adds.
        _ => "not-checked",
    }
}

fn check_one(dir: &Path, checks: &Checks<'_>, json: bool) -> Outcome {
    let name = dir.display().to_string();
    let found = cancuoc_kit::dump::read_dir(dir).and_then(|(files, report_json)| {
        cancuoc::inspect_dump(files, report_json.as_deref(), checks)
            .ok_or_else(|| format!("{name} holds no dump (no DGn.bin or SOD.bin files)"))
    });
    let inspection = match found {
        Ok(inspection) => inspection,
        Err(message) => {
            let line = if json {
                serde_json::json!({"dir": name, "error": {"code": "file_error", "message": message}}).to_string()
            } else {
                format!("{name}\terror\t{message}")
            };
            return Outcome { line, check_failed: false, error: true };
        }
    };
    let report = inspection.report();
    let line = if json {
        // The report's own fields, in its order, after "dir".
        let body = serde_json::to_string(report).unwrap_or_else(|_| "{}".to_owned());
        let dir = serde_json::Value::String(name).to_string();
        match body.strip_prefix('{') {
            Some(rest) if rest != "}" => format!("{{\"dir\":{dir},{rest}"),
            _ => format!("{{\"dir\":{dir}}}"),
        }
    } else {
        let mut line = format!("{name}\t{}", verdict_word(report.verdict()));
        for reason in report.verdict_reasons() {
            line.push('\t');
            line.push_str(&reason);
        }
        line
    };
    Outcome { line, check_failed: report.check_failed(), error: false }
}

/// Checks `dirs` on `jobs` threads and prints one line per dump, in order; the exit code is 1
/// when a dump could not be read, else 3 when one failed a check, else 0. A summary with the
/// rate goes to stderr.
pub(crate) fn verify_many(
    dirs: &[PathBuf],
    jobs: Option<usize>,
    json: bool,
    trust: &crate::TrustArgs,
) -> Result<ExitCode, CliError> {
    let inputs = CheckInputs::load(trust)?;
    let checks = inputs.checks();
    let jobs = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from)).clamp(1, 256);
    let started = Instant::now();
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(u64::try_from(dirs.len()).unwrap_or(u64::MAX));
        if let Ok(style) = ProgressStyle::with_template("verifying [{bar:30}] {pos}/{len} {per_sec}") {
            bar.set_style(style.progress_chars("=> "));
        }
        bar
    });
    let next = AtomicUsize::new(0);
    let (sender, receiver) = mpsc::channel::<(usize, Outcome)>();
    let (mut failed, mut errors) = (0usize, 0usize);
    let mut stdout = std::io::stdout().lock();
    std::thread::scope(|scope| -> Result<(), CliError> {
        for _ in 0..jobs.min(dirs.len()) {
            let sender = sender.clone();
            let (next, checks) = (&next, &checks);
            scope.spawn(move || {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(dir) = dirs.get(index) else { return };
                    if sender.send((index, check_one(dir, checks, json))).is_err() {
                        return;
                    }
                }
            });
        }
        drop(sender);
        // Lines leave in the order given: a finished dump waits for the ones before it.
        let mut waiting = std::collections::BTreeMap::new();
        let mut printed = 0;
        for (index, outcome) in receiver {
            waiting.insert(index, outcome);
            while let Some(outcome) = waiting.remove(&printed) {
                failed += usize::from(outcome.check_failed);
                errors += usize::from(outcome.error);
                writeln!(stdout, "{}", outcome.line).map_err(|e| CliError::Io(format!("standard output: {e}")))?;
                printed += 1;
                if let Some(bar) = &bar {
                    bar.inc(1);
                }
            }
        }
        Ok(())
    })?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let seconds = started.elapsed().as_secs_f64();
    let rate = if seconds > 0.0 { dirs.len() as f64 / seconds } else { 0.0 };
    crate::console::errln!(
        "cancuoc: {} dumps in {seconds:.2} s ({rate:.0}/s, {jobs} threads): {} passed, {failed} failed a check, {errors} unreadable",
        dirs.len(),
        dirs.len() - failed - errors,
    );
    Ok(if errors > 0 {
        ExitCode::FAILURE
    } else if failed > 0 {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}
