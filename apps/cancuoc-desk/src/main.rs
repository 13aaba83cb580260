//! `cancuoc-desk [--demo] [--reader NAME] [--mode clinic|bank] [--clear-after SECONDS] [--lang vi|en] [--trust FILE]... [--anchor CERT]... [--fingerprint SHA256HEX]... [--id ID] [--save-dir DIR] [--screenshot FILE.png]`
//!
//! `--mode`: `clinic` reads as soon as a card is on the reader and the ID (or QR) is in; `bank`
//! reads on Enter or the button. The chosen reader and mode are remembered in
//! `$XDG_CONFIG_HOME/cancuoc/desk` (else `~/.config/cancuoc/desk`; `%APPDATA%\cancuoc\desk` on
//! Windows).
//!
//! `--clear-after`: seconds without input after which the result is cleared (default 120), so
//! personal data do not linger on a shared desk screen.
//!
//! `--trust FILE`: a CSCA certificate, a CRL or a CSCA master list; a master list counts only
//! when a CSCA given with `--trust`/`--anchor CERT` or pinned with `--fingerprint SHA256HEX`
//! certifies its signer (else the app does not start, naming the CSCA and its fingerprint).
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
use cancuoc_desk::worker::{DemoCard, Source};
use cancuoc_desk::{DeskApp, Options, Screenshot};

fn main() -> ExitCode {
    let mut options = Options {
        source: Source::Reader(None),
        settings_path: settings::default_path(),
        open_files: true,
        ..Options::default()
    };
    let mut reader_named = false;
    let mut trust_files = Vec::new();
    options.save_dir = settings::default_save_dir();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--demo" => options.source = Source::Demo(DemoCard::default()),
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
            "--trust" | "--anchor" => {
                let Some(path) = args.next() else { return usage() };
                match std::fs::read(&path) {
                    Ok(bytes) => trust_files.push((path, bytes)),
                    Err(e) => {
                        eprintln!("cancuoc-desk: cannot read {path}: {e}");
                        return ExitCode::from(1);
                    }
                }
            }
            "--fingerprint" => {
                let Some(sha256) = args.next().as_deref().and_then(cancuoc::trust::parse_fingerprint) else {
                    return usage();
                };
                options.trust.pin_fingerprint(sha256);
            }
            _ => return usage(),
        }
    }
    // A named trust file that cannot be used is an error, not a silent "untrusted" badge: a
    // master list counts only when a CSCA given directly (or its fingerprint) anchors it.
    for ((name, _), outcome) in trust_files.iter().zip(options.trust.add_files(&trust_files)) {
        if let Err(e) = outcome {
            eprintln!("cancuoc-desk: {e}");
            if matches!(e, cancuoc::trust::TrustError::MasterListUnanchored { .. }) {
                eprintln!("cancuoc-desk: {name}: give its CSCA with --anchor CERT or --fingerprint SHA256HEX");
            }
            return ExitCode::from(1);
        }
    }
    if options.screenshot.is_some() {
        // A picture for docs and tests: nothing is remembered from or for it.
        options.settings_path = None;
    }
    if options.screenshot.is_some() && !reader_named {
        options.source = Source::Demo(DemoCard::default());
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
        "usage: cancuoc-desk [--demo] [--reader NAME] [--mode clinic|bank] [--clear-after SECONDS] [--lang vi|en] [--trust FILE]... [--anchor CERT]... [--fingerprint SHA256HEX]... [--id ID] [--save-dir DIR] [--screenshot FILE.png]"
    );
    ExitCode::from(2)
}
