//! Printing a read document as text or JSON, and writing the dump of DESIGN.md §3.3.

use std::path::Path;
use std::process::ExitCode;

use cancuoc::report::Verdict;
use cancuoc::verify::status::{CheckStatus, HashResult, PassiveStatus};
use cancuoc::{Checks, Inspection, Report};

use crate::OutputArgs;
use crate::console::{errln, outln};
use crate::error::CliError;

/// The trust store and dates of `--trust`, `--anchor`, `--fingerprint` and `--at`, loaded before
/// the card is read so a bad trust file stops the command at once.
pub(crate) struct CheckInputs {
    store: cancuoc::TrustStore,
    /// `--at`, seconds since 1970; `None`: the instant of the check.
    at: Option<i64>,
}

impl CheckInputs {
    pub(crate) fn load(trust: &crate::TrustArgs) -> Result<Self, CliError> {
        let store = crate::trust_files::load(trust)?;
        let at = match &trust.at {
            Some(text) => Some(cancuoc::report::parse_instant(text).ok_or_else(|| {
                CliError::Usage(format!("--at {text}: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] (UTC)"))
            })?),
            None => None,
        };
        Ok(Self { store, at })
    }

    /// The checks at `--at`, or now: validity is judged at this instant, not at midnight.
    pub(crate) fn checks(&self) -> Checks<'_> {
        let now = cancuoc_kit::clock::now();
        Checks::at_instant(&self.store, now).at_time(self.at.unwrap_or(now))
    }
}

/// Prints (and dumps, with `--out`) the inspection; the exit code follows the checks.
pub(crate) fn emit(mut inspection: Inspection, output: &OutputArgs) -> Result<ExitCode, CliError> {
    if let Some(dir) = &output.out {
        inspection.name_dump_files();
        write_dump(dir, &inspection.dump())?;
    }
    let report = inspection.report();
    let format = if output.json { crate::Format::Report } else { output.format };
    let pretty = |value: serde_json::Result<String>| value.unwrap_or_default();
    let is_record =
        matches!(format, crate::Format::Checkin | crate::Format::Bhxh | crate::Format::Record | crate::Format::Csv);
    if is_record && report.check_failed() {
        // A failed check never becomes a record a script could file: the verdict and why, exit 3.
        errln!(
            "cancuoc: the card failed a check (verdict {}): no record is written; --format report shows why",
            report.verdict().as_str()
        );
        for reason in report.verdict_reasons() {
            errln!("cancuoc: {reason}");
        }
        return Ok(ExitCode::from(3));
    }
    match format {
        crate::Format::Text => print_text(report),
        crate::Format::Report => outln!("{}", report.to_json()),
        crate::Format::Checkin => outln!("{}", pretty(serde_json::to_string_pretty(&cancuoc::record::checkin(report)))),
        crate::Format::Bhxh => outln!("{}", pretty(serde_json::to_string_pretty(&cancuoc::record::bhxh(report)))),
        crate::Format::Record => outln!("{}", cancuoc::record::to_json(report)),
        crate::Format::Csv => {
            // RFC 4180's CRLF line ends, the last one included (`outln!` adds the LF).
            let csv = cancuoc::record::to_csv(report);
            outln!("{}\r", csv.strip_suffix("\r\n").unwrap_or(&csv));
        }
    }
    if report.check_failed() {
        for reason in report.verdict_reasons() {
            errln!("cancuoc: {reason}");
        }
        return Ok(ExitCode::from(3));
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the dump's files (the core assembles them) into `dir`.
fn write_dump(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<(), CliError> {
    let io = |e: std::io::Error| CliError::Io(format!("cannot write to {}: {e}", dir.display()));
    std::fs::create_dir_all(dir).map_err(io)?;
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).map_err(io)?;
    }
    Ok(())
}

fn print_text(report: &Report) {
    let h = &report.holder;
    let d = &report.document;
    let line = |label: &str, value: &Option<String>| {
        if let Some(v) = value {
            outln!("{label:<20}{v}");
        }
    };
    let kind = match d.kind {
        cancuoc::report::DocumentKind::IdCard => "ID card",
        cancuoc::report::DocumentKind::Passport => "passport",
        cancuoc::report::DocumentKind::Other => "document",
    };
    outln!("{:<20}{kind}, {}", "Document", d.issuing_state.as_deref().unwrap_or("?"));
    line("Document number", &d.document_number);
    line("ID number", &h.id_number);
    line("Full name", &h.full_name);
    line("Date of birth", &h.date_of_birth);
    line("Sex", &h.sex);
    line("Nationality", &h.nationality);
    line("Ethnicity", &h.ethnicity);
    line("Religion", &h.religion);
    line("Place of origin", &h.place_of_origin);
    line("Place of residence", &h.place_of_residence);
    line("Identifying marks", &h.identifying_marks);
    line("Date of issue", &h.date_of_issue);
    line("Date of expiry", &h.date_of_expiry);
    line("Father", &h.father_name);
    line("Mother", &h.mother_name);
    line("Spouse", &h.spouse_name);
    line("Old ID number", &h.old_id_number);
    if let Some(p) = &report.photo {
        let size = match (p.width, p.height) {
            (Some(w), Some(h)) => format!(", {w}x{h}"),
            _ => String::new(),
        };
        let file = p.file.as_ref().map(|f| format!(", saved as {f}")).unwrap_or_default();
        outln!("{:<20}{:?}{size}, {} bytes{file}", "Photo", p.format, p.bytes);
    }
    outln!("{:<20}{}", "Data groups", d.data_groups.join(" "));
    for (dg, why) in &d.skipped {
        outln!("{:<20}{dg}: {why}", "Not read");
    }
    for (dg, why) in &d.ignored {
        outln!("{:<20}{dg}: {why}", "Ignored");
    }
    for problem in &d.problems {
        outln!("{:<20}{problem}", "Note");
    }
    let a = &report.access;
    // A dump read without its report.json was not read from a chip here: no access line.
    if !a.protocol.is_empty() {
        let label = if a.recorded { "Access (recorded)" } else { "Access" };
        let millis = a.millis.map(|m| format!(", {m} ms")).unwrap_or_default();
        outln!("{label:<20}{}, {} APDUs, {} bytes{millis}", a.protocol, a.apdus, a.bytes);
        // A downgrade is never silent (`--require-pace` refuses it).
        if let Some(fallback) = &a.fallback {
            outln!("{:<20}{fallback}", "Not PACE");
        }
    }
    print_verdicts(report);
}

fn print_verdicts(report: &Report) {
    let passive = &report.verification.passive;
    let matched = passive.data_groups.values().filter(|r| **r == HashResult::Match).count();
    let signature = passive.signature.as_deref().unwrap_or("?");
    let anchor = passive.chain.as_ref().and_then(|c| c.anchor.as_deref()).unwrap_or("?");
    let problems = passive.problems.join("; ");
    let label = "Authenticity";
    match report.passive_verdict() {
        Verdict::Genuine => {
            outln!("{label:<20}GENUINE: {matched} data groups match EF.SOD, signed ({signature}) under {anchor}")
        }
        Verdict::Untrusted => outln!(
            "{label:<20}intact: {matched} data groups match EF.SOD and its signature ({signature}) verifies, but no trust anchor vouches for the signer (add --trust){}",
            if problems.is_empty() { String::new() } else { format!(": {problems}") }
        ),
        Verdict::Expired => outln!(
            "{label:<20}EXPIRED: genuine ({matched} data groups match EF.SOD, signed ({signature}) under {anchor}), but {problems}"
        ),
        Verdict::Revoked => outln!("{label:<20}REVOKED: {problems}"),
        Verdict::BadCertificate => outln!("{label:<20}INVALID CERTIFICATE: {problems}"),
        Verdict::Altered => outln!("{label:<20}INVALID: {problems}"),
        _ if passive.status == PassiveStatus::NotChecked && problems.is_empty() => {
            outln!("{label:<20}not checked (no EF.SOD)")
        }
        _ => outln!("{label:<20}not checked: {problems}"),
    }
    let v = &report.verification;
    let recorded =
        v.chip.recorded.as_ref().map(|claim| format!("recorded at read time: {}, not re-checked", claim.status));
    for (label, status, what, reason) in [
        ("Chip auth.", v.chip.status, v.chip.protocol.as_deref(), recorded.as_deref().or(v.chip.reason.as_deref())),
        ("Active auth.", v.active.status, v.active.algorithm.as_deref(), v.active.reason.as_deref()),
    ] {
        if status != CheckStatus::NotSupported {
            let detail = [what, reason].into_iter().flatten().collect::<Vec<_>>().join(": ");
            outln!(
                "{label:<20}{}{}",
                status.as_str().to_uppercase().replace('_', " "),
                if detail.is_empty() { String::new() } else { format!(" ({detail})") }
            );
        }
    }
    // The one word every front end uses (the report's `verdict`), upper case when it fails.
    let verdict = report.verdict();
    let word = if report.check_failed() { verdict.as_str().to_uppercase() } else { verdict.as_str().to_owned() };
    outln!("{:<20}{}", "Verdict", word);
}
