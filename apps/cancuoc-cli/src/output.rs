//! Printing a read document as text or JSON, and writing the dump of DESIGN.md §3.3.

use std::path::Path;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use cancuoc::report::CalendarDate;
use cancuoc::{Document, Report, ReportContext};

use crate::OutputArgs;
use crate::session::CliError;

/// Prints (and dumps, with `--out`) the document; the exit code follows the checks.
pub(crate) fn emit(doc: &Document, millis: u64, output: &OutputArgs) -> Result<ExitCode, CliError> {
    let face = doc.face().ok();
    let photo_file = face.as_ref().map(|f| format!("photo.{}", f.format.extension()));
    let context = ReportContext {
        today: Some(today()),
        millis: Some(millis),
        photo_file: output.out.as_ref().and(photo_file.clone()),
    };
    let report = Report::new(doc, &context);
    if let Some(dir) = &output.out {
        write_dump(dir, doc, &report, face.as_ref().map(|f| f.data.as_slice()), photo_file.as_deref())?;
    }
    if output.json {
        println!("{}", report.to_json());
    } else {
        print_text(&report);
    }
    if report.check_failed() {
        for problem in &report.verification.passive.problems {
            eprintln!("cancuoc: {problem}");
        }
        return Ok(ExitCode::from(3));
    }
    Ok(ExitCode::SUCCESS)
}

fn write_dump(
    dir: &Path,
    doc: &Document,
    report: &Report,
    photo: Option<&[u8]>,
    photo_file: Option<&str>,
) -> Result<(), CliError> {
    let io = |e: std::io::Error| CliError::Io(format!("cannot write to {}: {e}", dir.display()));
    std::fs::create_dir_all(dir).map_err(io)?;
    for (name, bytes) in doc.dump_files() {
        std::fs::write(dir.join(name), bytes).map_err(io)?;
    }
    if let (Some(bytes), Some(name)) = (photo, photo_file) {
        std::fs::write(dir.join(name), bytes).map_err(io)?;
    }
    std::fs::write(dir.join("report.json"), report.to_json()).map_err(io)?;
    Ok(())
}

fn print_text(report: &Report) {
    let h = &report.holder;
    let d = &report.document;
    let line = |label: &str, value: &Option<String>| {
        if let Some(v) = value {
            println!("{label:<20}{v}");
        }
    };
    let kind = match d.kind {
        "id_card" => "ID card",
        "passport" => "passport",
        _ => "document",
    };
    println!("{:<20}{kind}, {}", "Document", d.issuing_state.as_deref().unwrap_or("?"));
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
        println!("{:<20}{:?}{size}, {} bytes{file}", "Photo", p.format, p.bytes);
    }
    println!("{:<20}{}", "Data groups", d.data_groups.join(" "));
    for (dg, why) in &d.skipped {
        println!("{:<20}{dg}: {why}", "Not read");
    }
    let a = &report.access;
    println!("{:<20}{}, {} APDUs, {} bytes, {} ms", "Access", a.protocol, a.apdus, a.bytes, a.millis.unwrap_or(0));
    let passive = &report.verification.passive;
    let matched = passive.data_groups.values().filter(|r| **r == "match").count();
    match passive.status {
        "invalid" => println!("{:<20}INVALID: {}", "Authenticity", passive.problems.join("; ")),
        _ if matched > 0 => println!(
            "{:<20}{matched} data group hashes match EF.SOD ({}); signature and chain not checked yet",
            "Authenticity",
            passive.hash.as_deref().unwrap_or("?")
        ),
        _ => println!("{:<20}not checked yet (passive, chip and active authentication)", "Authenticity"),
    }
}

/// Today's date (UTC) from the system clock, for the report's century choice.
fn today() -> CalendarDate {
    let days = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() / 86_400).unwrap_or(0);
    civil_from_days(i64::try_from(days).unwrap_or(0))
}

/// Days since 1970-01-01 → proleptic Gregorian date (H. Hinnant's civil_from_days).
fn civil_from_days(days: i64) -> CalendarDate {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    CalendarDate {
        year: u16::try_from(year).unwrap_or(2000),
        month: u8::try_from(month).unwrap_or(1),
        day: u8::try_from(day).unwrap_or(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_from_days() {
        assert_eq!(civil_from_days(0), CalendarDate { year: 1970, month: 1, day: 1 });
        assert_eq!(civil_from_days(20_788), CalendarDate { year: 2026, month: 12, day: 1 });
        assert_eq!(civil_from_days(11_016), CalendarDate { year: 2000, month: 2, day: 29 });
    }
}
