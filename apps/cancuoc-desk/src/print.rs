//! The print-friendly summary: one self-contained HTML page (the chip photo embedded as PNG,
//! the holder's fields with the screen's labels, the verdict in words, the read time) that
//! the system browser opens and prints on A4 with nothing else on the page. No scripts run
//! but the Print button's `window.print()`; every value is HTML-escaped.

use cancuoc::Report;
use cancuoc::photo::Rgba;
use cancuoc::record::escape_html as escape;
use cancuoc::report::Verdict;

use crate::text::{self, Lang, Text};

/// The verdict the screen's badge shows ([`Report::verdict`]): its words, the one-line reason,
/// and a colour.
pub(crate) fn verdict(report: &Report, lang: Lang) -> (&'static Text, String, [u8; 3]) {
    const GREEN: [u8; 3] = [20, 120, 40];
    const AMBER: [u8; 3] = [170, 110, 0];
    const RED: [u8; 3] = [180, 30, 30];
    let problems = || report.verdict_reasons().join("; ");
    match report.verdict() {
        Verdict::Genuine => (&text::GENUINE, text::GENUINE_WHY.get(lang).to_owned(), GREEN),
        Verdict::Untrusted => (&text::UNTRUSTED, text::UNTRUSTED_WHY.get(lang).to_owned(), AMBER),
        Verdict::Cloned => (&text::CLONE, text::CLONE_WHY.get(lang).to_owned(), RED),
        Verdict::Altered => (&text::ALTERED, problems(), RED),
        Verdict::Expired => (&text::EXPIRED, problems(), AMBER),
        Verdict::Revoked => (&text::REVOKED, problems(), RED),
        Verdict::BadCertificate => (&text::BAD_CERTIFICATE, problems(), RED),
        // Unsupported checks say why; a document without EF.SOD has no reason to give.
        _ => (&text::NOT_CHECKED, problems(), [128, 128, 128]),
    }
}

/// One line per data group the screen does not use ("DG11 — not used: …"), so the clerk sees
/// why a field is missing or the badge is red.
pub(crate) fn ignored_lines(report: &Report, lang: Lang) -> Vec<String> {
    report.document.ignored.keys().map(|dg| format!("{dg} — {}", text::IGNORED.get(lang))).collect()
}

/// A warning when the card was not read with PACE although it should have been (PACE
/// refused, or an EF.CardAccess that could not be used): shown under the badge, in the printed
/// summary too, with the reason the library gave.
pub(crate) fn downgrade_line(report: &Report, lang: Lang) -> Option<String> {
    report.access.fallback.as_ref().map(|why| format!("{} ({why})", text::DOWNGRADE.get(lang)))
}

/// A report date as the screen shows it: `dd/mm/yyyy` in Vietnamese, ISO in English; a value
/// that is no full date (a card's `00/00/1950`, a year) as the card gives it.
fn shown_date(value: Option<&String>, lang: Lang) -> Option<String> {
    let value = value?;
    Some(match (lang, cancuoc::CalendarDate::parse_iso(value)) {
        (Lang::Vi, Some(date)) => date.vietnamese(),
        _ => value.clone(),
    })
}

/// The holder's rows as the screen shows them: label, value (sex and dates as the language
/// writes them).
pub(crate) fn holder_rows(report: &Report, lang: Lang) -> Vec<(&'static Text, String)> {
    let h = &report.holder;
    let sex = h.sex.as_deref().map(|s| match s {
        "M" => text::MALE.get(lang).to_owned(),
        "F" => text::FEMALE.get(lang).to_owned(),
        other => other.to_owned(),
    });
    [
        (&text::FULL_NAME, h.full_name.clone()),
        (&text::ID_NUMBER, h.id_number.clone()),
        (&text::DATE_OF_BIRTH, shown_date(h.date_of_birth.as_ref(), lang)),
        (&text::SEX, sex),
        (&text::NATIONALITY, h.nationality.clone()),
        (&text::ETHNICITY, h.ethnicity.clone()),
        (&text::RELIGION, h.religion.clone()),
        (&text::PLACE_OF_ORIGIN, h.place_of_origin.clone()),
        (&text::RESIDENCE, h.place_of_residence.clone()),
        (&text::MARKS, h.identifying_marks.clone()),
        (&text::DATE_OF_ISSUE, shown_date(h.date_of_issue.as_ref(), lang)),
        (&text::DATE_OF_EXPIRY, shown_date(h.date_of_expiry.as_ref(), lang)),
        (&text::FATHER, h.father_name.clone()),
        (&text::MOTHER, h.mother_name.clone()),
        (&text::SPOUSE, h.spouse_name.clone()),
        (&text::OLD_ID, h.old_id_number.clone()),
    ]
    .into_iter()
    .filter_map(|(label, value)| value.map(|v| (label, v)))
    .collect()
}

/// Base64 with padding (RFC 4648 §4), for the photo's data: URL (`base64ct`, RustCrypto).
fn base64(bytes: &[u8]) -> String {
    use base64ct::Encoding;
    base64ct::Base64::encode_string(bytes)
}

/// The photo as PNG bytes (every browser shows PNG; not every one shows JPEG 2000).
fn png(photo: &Rgba) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    image::write_buffer_with_format(
        &mut std::io::Cursor::new(&mut bytes),
        &photo.pixels,
        photo.width,
        photo.height,
        image::ExtendedColorType::Rgba8,
        image::ImageFormat::Png,
    )
    .ok()?;
    Some(bytes)
}

/// The summary page of `report` in `lang`, read at `read_at` (`YYYY-MM-DD HH:MM UTC`).
pub fn summary_html(report: &Report, photo: Option<&Rgba>, lang: Lang, read_at: &str) -> String {
    let (badge, why, [r, g, b]) = verdict(report, lang);
    let why = [why]
        .into_iter()
        .chain(downgrade_line(report, lang))
        .chain(ignored_lines(report, lang))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    let lang_code = match lang {
        Lang::Vi => "vi",
        Lang::En => "en",
    };
    let mut rows = String::new();
    for (label, value) in holder_rows(report, lang) {
        let class = if label.en == text::FULL_NAME.en { " class=\"name\"" } else { "" };
        rows.push_str(&format!("<tr><th>{}</th><td{class}>{}</td></tr>\n", escape(label.get(lang)), escape(&value)));
    }
    let photo = photo
        .and_then(png)
        .map(|bytes| {
            format!("<img src=\"data:image/png;base64,{}\" alt=\"{}\">", base64(&bytes), escape(text::PHOTO.get(lang)))
        })
        .unwrap_or_default();
    format!(
        r#"<!DOCTYPE html>
<html lang="{lang_code}">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
@page {{ size: A4; margin: 15mm; }}
body {{ font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; color: #000; margin: 0 auto; max-width: 190mm; }}
h1 {{ font-size: 14pt; margin: 0 0 4mm; }}
.badge {{ display: inline-block; padding: 2mm 4mm; color: #fff; background: rgb({r},{g},{b}); font-weight: bold; font-size: 13pt; -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
.why {{ margin: 2mm 0 4mm; }}
.card {{ display: flex; gap: 6mm; align-items: flex-start; }}
img {{ width: 35mm; border: 1px solid #888; }}
th {{ text-align: left; font-weight: normal; color: #444; padding: 0.6mm 4mm 0.6mm 0; vertical-align: top; white-space: nowrap; }}
td {{ padding: 0.6mm 0; }}
td.name {{ font-size: 14pt; font-weight: bold; }}
.foot {{ margin-top: 5mm; font-size: 8pt; color: #444; }}
@media print {{ .noprint {{ display: none; }} }}
</style>
</head>
<body>
<p class="noprint"><button onclick="window.print()">{print}</button></p>
<h1>{title}</h1>
<div class="badge">{badge}</div>
<p class="why">{why}</p>
<div class="card">
{photo}
<table>
{rows}</table>
</div>
<p class="foot">{read_label} {read_at} · cancuoc {version}</p>
</body>
</html>
"#,
        title = escape(text::SUMMARY_TITLE.get(lang)),
        print = escape(text::PRINT.get(lang)),
        badge = escape(badge.get(lang)),
        why = escape(&why),
        read_label = escape(text::READ_AT.get(lang)),
        version = env!("CARGO_PKG_VERSION"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_examples() {
        for (input, output) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), output);
        }
    }

    #[test]
    fn values_are_escaped() {
        assert_eq!(escape(r#"<b>"Đ'&"#), "&lt;b&gt;&quot;Đ&#39;&amp;");
    }
}
