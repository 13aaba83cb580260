//! The result view (the verdict badge, the photo large, the citizen's fields) and its
//! actions: copy, save the dump, export the record, print the summary.

use super::*;

impl DeskApp {
    pub(super) fn draw_result(&mut self, ui: &mut egui::Ui) {
        let lang = self.options.lang;
        let State::Done { outcome, texture, saved, .. } = &self.state else { return };
        let report = &outcome.report;
        let (badge, why, [r, g, b]) = crate::print::verdict(report, lang);
        banner(ui, badge.get(lang), Color32::from_rgb(r, g, b));
        if !why.is_empty() {
            ui.label(why);
        }
        if let Some(line) = crate::print::downgrade_line(report, lang) {
            ui.label(RichText::new(line).color(Color32::from_rgb(170, 100, 0)).strong());
        }
        for line in crate::print::ignored_lines(report, lang) {
            ui.label(RichText::new(line).color(Color32::from_rgb(180, 30, 30)).strong());
        }
        // The actions first: on a small screen they stay in view above the fields.
        let mut action = None;
        ui.horizontal(|ui| {
            if ui.button(text::COPY.get(lang)).clicked() {
                ui.ctx().copy_text(report.to_json());
            }
            if ui.button(text::SAVE.get(lang)).clicked() {
                action = Some(Save::Dump);
            }
            // A card that failed a check gives no record to file: the dump and the printed
            // summary (with its red verdict) remain, for the fraud report.
            if !report.check_failed() {
                if ui.button(text::EXPORT_JSON.get(lang)).clicked() {
                    action = Some(Save::RecordJson);
                }
                if ui.button(text::EXPORT_CSV.get(lang)).clicked() {
                    action = Some(Save::RecordCsv);
                }
            }
            if ui.button(text::PRINT_SUMMARY.get(lang)).clicked() {
                action = Some(Save::Summary);
            }
        });
        match saved {
            Some(Ok(line)) => {
                ui.label(line);
            }
            Some(Err(why)) => {
                banner(ui, &format!("{}: {why}", text::SAVE_FAILED.get(lang)), Color32::from_rgb(180, 30, 30))
            }
            None => {}
        }
        ui.add_space(8.0);
        ui.horizontal_top(|ui| {
            if let Some(texture) = texture {
                let size = texture.size_vec2();
                let scale = (360.0 / size.y.max(1.0)).min(2.0);
                ui.image((texture.id(), size * scale));
            }
            egui::Grid::new("holder").num_columns(2).spacing([16.0, 6.0]).show(ui, |ui| {
                for (label, value) in crate::print::holder_rows(report, lang) {
                    ui.label(RichText::new(label.get(lang)).weak());
                    let text = RichText::new(value);
                    let text = if label.en == text::FULL_NAME.en { text.size(22.0).strong() } else { text.size(16.0) };
                    // Long addresses wrap instead of running off the window.
                    ui.add(egui::Label::new(text).wrap());
                    ui.end_row();
                }
            });
        });
        if let Some(action) = action {
            let dir = &self.options.save_dir;
            let saved_to = |path: PathBuf| format!("{} {}", text::SAVED.get(lang), path.display());
            let result = match action {
                Save::Dump => save_dump(dir, &outcome.dump).map(saved_to),
                Save::RecordJson => {
                    save_file(dir, "cancuoc-record", "json", &cancuoc::record::to_json(report)).map(saved_to)
                }
                Save::RecordCsv => {
                    save_file(dir, "cancuoc-record", "csv", &cancuoc::record::to_csv(report)).map(saved_to)
                }
                Save::Summary => {
                    let html = crate::print::summary_html(report, outcome.photo.as_ref(), lang, &clock_text());
                    save_file(dir, "cancuoc-summary", "html", &html).map(|path| {
                        // Written either way; without a browser to open it, the person opens it.
                        let opened = self.options.open_files && open_in_browser(&path).is_ok();
                        let line = saved_to(path);
                        if opened || !self.options.open_files {
                            line
                        } else {
                            format!("{line} — {}", text::OPEN_TO_PRINT.get(lang))
                        }
                    })
                }
            };
            if let State::Done { saved, .. } = &mut self.state {
                *saved = Some(result);
            }
        }
    }
}

/// What a save button writes.
#[derive(Debug, Clone, Copy)]
enum Save {
    Dump,
    RecordJson,
    RecordCsv,
    /// The print-friendly page, opened in the browser for printing.
    Summary,
}

/// `YYYY-MM-DD HH:MM UTC` of the clock, for the printed summary.
fn clock_text() -> String {
    // `YYYY-MM-DDTHH:MM:SSZ` → `YYYY-MM-DD HH:MM UTC`.
    let stamp = cancuoc::report::iso_date_time(cancuoc_kit::clock::now());
    format!("{} UTC", stamp.get(..16).unwrap_or_default().replacen('T', " ", 1))
}

/// Opens `path` with the desktop's program for it (the browser, for the summary's printing).
fn open_in_browser(path: &std::path::Path) -> Result<(), String> {
    let mut command = if cfg!(target_os = "windows") {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else {
        std::process::Command::new("xdg-open")
    };
    let mut child = command.arg(path).spawn().map_err(|e| format!("{}: {e}", path.display()))?;
    // Reaped in the background: the opener returns at once or when the browser closes.
    std::thread::spawn(move || child.wait());
    Ok(())
}

/// `YYYYMMDD-HHMMSS` of the UTC clock: file names carry no personal data.
fn clock_stamp() -> String {
    // `YYYY-MM-DDTHH:MM:SSZ` → `YYYYMMDD-HHMMSS`.
    cancuoc::report::iso_date_time(cancuoc_kit::clock::now()).replace(['-', ':', 'Z'], "").replacen('T', "-", 1)
}

/// Writes `contents` as `PREFIX-STAMP.EXT` under `parent` (never over a file).
fn save_file(parent: &std::path::Path, prefix: &str, extension: &str, contents: &str) -> Result<PathBuf, String> {
    std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    let stem = format!("{prefix}-{}", clock_stamp());
    for n in 1..100 {
        let name = if n == 1 { format!("{stem}.{extension}") } else { format!("{stem}-{n}.{extension}") };
        let path = parent.join(name);
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut file) => {
                use std::io::Write;
                return file
                    .write_all(contents.as_bytes())
                    .map(|()| path.clone())
                    .map_err(|e| format!("{}: {e}", path.display()));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(format!("{}: {e}", path.display())),
        }
    }
    Err(format!("{}: too many records this second", parent.display()))
}

/// Writes `files` into a new folder `cancuoc-STAMP` under `parent` (`-2`, `-3`… when taken).
fn save_dump(parent: &std::path::Path, files: &[(String, Vec<u8>)]) -> Result<PathBuf, String> {
    let stem = format!("cancuoc-{}", clock_stamp());
    std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    let mut dir = parent.join(&stem);
    let mut n = 1;
    while let Err(e) = std::fs::create_dir(&dir) {
        if e.kind() != std::io::ErrorKind::AlreadyExists || n >= 100 {
            return Err(format!("{}: {e}", dir.display()));
        }
        n += 1;
        dir = parent.join(format!("{stem}-{n}"));
    }
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).map_err(|e| format!("{}: {e}", dir.join(name).display()))?;
    }
    Ok(dir)
}
