//! The holder's record for another system (a hospital's patient registry, a bank's customer
//! file): one flat set of named fields taken from the [`Report`], as a JSON object or as CSV.
//!
//! The field names are the report's (`holder.*` of the cancuoc/1 schema) plus the document
//! number and the three verdicts, so a program that knows `report.json` knows these too.

use crate::report::Report;

mod his;

pub use his::{Bhxh, Checkin, bhxh, checkin};

/// Text for an HTML page (a printed summary, a form posted back): `&`, `<`, `>`, `"` and `'`
/// as entities, safe in text and in quoted attributes (HTML 5 §13.1.2.6).
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The record's field names, in column order.
pub const FIELDS: [&str; 23] = [
    "id_number",
    "full_name",
    "date_of_birth",
    "sex",
    "nationality",
    "ethnicity",
    "religion",
    "place_of_origin",
    "place_of_residence",
    "identifying_marks",
    "date_of_issue",
    "date_of_expiry",
    "father_name",
    "mother_name",
    "spouse_name",
    "old_id_number",
    "document_number",
    "passive_authentication",
    "chip_authentication",
    "active_authentication",
    "verdict",
    "access_protocol",
    "access_fallback",
];

/// The record's values, in the order of [`FIELDS`]; `None` where the card has no such field.
pub fn values(report: &Report) -> [Option<&str>; 23] {
    let h = &report.holder;
    let v = &report.verification;
    fn s(o: &Option<String>) -> Option<&str> {
        o.as_deref()
    }
    [
        s(&h.id_number),
        s(&h.full_name),
        s(&h.date_of_birth),
        s(&h.sex),
        s(&h.nationality),
        s(&h.ethnicity),
        s(&h.religion),
        s(&h.place_of_origin),
        s(&h.place_of_residence),
        s(&h.identifying_marks),
        s(&h.date_of_issue),
        s(&h.date_of_expiry),
        s(&h.father_name),
        s(&h.mother_name),
        s(&h.spouse_name),
        s(&h.old_id_number),
        s(&report.document.document_number),
        Some(v.passive.status.as_str()),
        Some(v.chip.status.as_str()),
        Some(v.active.status.as_str()),
        Some(report.verdict().as_str()),
        Some(report.access.protocol.as_str()).filter(|p| !p.is_empty()),
        s(&report.access.fallback),
    ]
}

/// The record as one JSON object (absent fields are `null`), pretty-printed.
pub fn to_json(report: &Report) -> String {
    let object: serde_json::Map<String, serde_json::Value> = FIELDS
        .iter()
        .zip(values(report))
        .map(|(name, value)| ((*name).to_owned(), value.map_or(serde_json::Value::Null, |v| v.into())))
        .collect();
    // Serialising a map of strings cannot fail.
    serde_json::to_string_pretty(&object).unwrap_or_default()
}

/// The record as CSV (RFC 4180): a header line of [`FIELDS`] and one data line, CRLF line
/// ends, UTF-8 without a byte-order mark; absent fields are empty.
///
/// Values are written as they are: no `'` is put before one that starts with `=`, `+`, `-`
/// or `@` (spreadsheet formula guards would alter the data for the programs this is for);
/// a spreadsheet user should import the file as text columns.
pub fn to_csv(report: &Report) -> String {
    let header = FIELDS.map(quote).join(",");
    let row = values(report).map(|v| quote(v.unwrap_or(""))).join(",");
    format!("{header}\r\n{row}\r\n")
}

/// One CSV field: quoted when it holds a comma, a quote or a line break, quotes doubled.
fn quote(value: &str) -> String {
    if value.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        let mut report = Report::new(&crate::document::Document::default(), &crate::report::ReportContext::default());
        report.holder.full_name = Some("Nguyễn Thị Ánh Tuyết".to_owned());
        report.holder.id_number = Some("001090012345".to_owned());
        report.holder.place_of_residence = Some("Số 1, phố \"Tràng Tiền\"\nHà Nội".to_owned());
        report
    }

    #[test]
    fn csv_has_a_header_and_one_row_with_quoting() {
        let csv = to_csv(&report());
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines[0], FIELDS.join(","));
        assert!(lines[1].starts_with("001090012345,Nguyễn Thị Ánh Tuyết,"));
        assert!(csv.contains("\"Số 1, phố \"\"Tràng Tiền\"\"\nHà Nội\""));
        // No DG14/DG15 in an empty document: chip and active authentication are not supported;
        // nothing checked, and no access (not read from a chip here).
        assert!(csv.ends_with(",not_checked,not_supported,not_supported,not_checked,,\r\n"), "{csv:?}");
        assert_eq!(quote("plain"), "plain");
        assert_eq!(quote(""), "");
    }

    #[test]
    fn json_names_every_field() {
        let json: serde_json::Value = serde_json::from_str(&to_json(&report())).unwrap();
        let object = json.as_object().unwrap();
        assert_eq!(object.len(), FIELDS.len());
        assert_eq!(object["full_name"], "Nguyễn Thị Ánh Tuyết");
        assert_eq!(object["spouse_name"], serde_json::Value::Null);
        assert_eq!(object["passive_authentication"], "not_checked");
    }
}
