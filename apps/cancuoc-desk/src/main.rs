//! `cancuoc-desk [--demo] [--reader NAME] [--mode clinic|bank] [--clear-after SECONDS] [--lang vi|en] [--trust PATH]... [--anchor CERT]... [--fingerprint SHA256HEX]... [--id ID] [--save-dir DIR] [--screenshot FILE.png]`
//!
//! `--mode`: `clinic` reads as soon as a card is on the reader and the ID (or QR) is in; `bank`
//! reads on Enter or the button. The chosen reader and mode are remembered in
//! `$XDG_CONFIG_HOME/cancuoc/desk` (else `~/.config/cancuoc/desk`; `%APPDATA%\cancuoc\desk` on
//! Windows).
//!
//! `--clear-after`: seconds without input after which the result is cleared (default 120), so
//! personal data do not linger on a shared desk screen.
//!
//! `--trust PATH`: a CSCA certificate, a CRL, a CSCA master list, or a folder of them (walked
//! four levels deep, its unusable files skipped with a warning), by the rules of the CLI and
//! the C ABI (`cancuoc_kit::trust`); a master list counts only when a CSCA given with
//! `--trust`/`--anchor CERT` or pinned with `--fingerprint SHA256HEX` certifies its signer
//! (else the app does not start, naming the CSCA and its fingerprint).
//!
//! `--save-dir`: where "save the dump" creates its folders (default `$HOME/cancuoc`;
//! `Documents\cancuoc` on Windows).
//!
//! `--screenshot` reads at once (the demo card when no reader is named, with its ID when none is
//! given), writes the window after the read as a PNG and exits: 0 when written, 1 otherwise.

// A GUI program on Windows: no console window beside it.
#![cfg_attr(windows, windows_subsystem = "windows")]

use std::process::ExitCode;

use cancuoc_desk::settings::{self, Mode};
use cancuoc_desk::text::Lang;
use cancuoc_desk::worker::Source;
use cancuoc_desk::{DeskApp, Options, Screenshot};
use cancuoc_kit::demo::DemoCards;
use cancuoc_kit::trust::TrustSources;

fn main() -> ExitCode {
    let mut options = Options {
        source: Source::Reader(None),
        settings_path: settings::default_path(),
        open_files: true,
        ..Options::default()
    };
    let mut reader_named = false;
    let mut trust = TrustSources::default();
    options.save_dir = settings::default_save_dir();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--demo" => options.source = Source::Demo(DemoCards::default()),
            "--reader" => {
                options.source = Source::Reader(args.next());
                reader_named = true;
            }
            "--id" => options.id = args.next().unwrap_or_default(),
            "--clear-after" => match args.next().and_then(|n| n.parse::<u64>().ok()) {
                Some(seconds) if seconds > 0 => options.auto_clear = std::time::Duration::from_secs(seconds),
                _ => return usage(),
            },
            "--mode" => match args.next().as_deref() {
                Some("clinic") => options.mode = Some(Mode::Clinic),
                Some("bank") => options.mode = Some(Mode::Bank),
                _ => return usage(),
            },
            "--save-dir" => {
                let Some(dir) = args.next() else { return usage() };
                options.save_dir = dir.into();
            }
            "--screenshot" => {
                let Some(path) = args.next() else { return usage() };
                options.screenshot = Some(Screenshot::new(path.into()));
            }
            "--lang" => options.lang = if args.next().as_deref() == Some("en") { Lang::En } else { Lang::Vi },
            "--trust" => {
                let Some(path) = args.next() else { return usage() };
                trust.paths.push(path.into());
            }
            "--anchor" => {
                let Some(path) = args.next() else { return usage() };
                trust.anchors.push(path.into());
            }
            "--fingerprint" => {
                let Some(sha256) = args.next() else { return usage() };
                trust.fingerprints.push(sha256);
            }
            _ => return usage(),
        }
    }
    // The rules every front end follows (cancuoc_kit::trust): a named trust file that cannot
    // be used is an error, not a silent "untrusted" badge; a folder's unusable files are
    // skipped with a warning; a master list counts only when a CSCA given beside it anchors it.
    match cancuoc_kit::trust::load(&trust) {
        Ok(loaded) => {
            for warning in &loaded.warnings {
                eprintln!("cancuoc-desk: warning: {warning}");
            }
            options.trust = loaded.store;
        }
        Err(e) => {
            eprintln!("cancuoc-desk: {e}");
            return ExitCode::from(if e.is_usage() { 2 } else { 1 });
        }
    }
    if options.screenshot.is_some() {
        // A picture for docs and tests: nothing is remembered from or for it.
        options.settings_path = None;
    }
    if options.screenshot.is_some() && !reader_named {
        options.source = Source::Demo(DemoCards::default());
    }
    if options.screenshot.is_some() && options.id.is_empty() && matches!(options.source, Source::Demo(_)) {
        options.id = cancuoc_sim::CitizenProfile::specimen().id_number;
    }
    let screenshot = options.screenshot.clone();
    let native = eframe::NativeOptions {
        viewport: eframe::egui::ViewportBuilder::default().with_inner_size([1000.0, 760.0]),
        ..Default::default()
    };
    let result = eframe::run_native("cancuoc", native, Box::new(|_| Ok(Box::new(DeskApp::new(options)))));
    if let (Ok(()), Some(job)) = (&result, &screenshot) {
        return match job.outcome() {
            Some(Ok(())) => {
                eprintln!("cancuoc-desk: wrote {}", job.path.display());
                ExitCode::SUCCESS
            }
            Some(Err(why)) => {
                eprintln!("cancuoc-desk: no screenshot: {why}");
                ExitCode::from(1)
            }
            None => {
                eprintln!("cancuoc-desk: no screenshot: the window closed first");
                ExitCode::from(1)
            }
        };
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cancuoc-desk: {e}");
            ExitCode::from(1)
        }
    }
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: cancuoc-desk [--demo] [--reader NAME] [--mode clinic|bank] [--clear-after SECONDS] [--lang vi|en] [--trust PATH]... [--anchor CERT]... [--fingerprint SHA256HEX]... [--id ID] [--save-dir DIR] [--screenshot FILE.png]"
    );
    ExitCode::from(2)
}
