//! `cancuoc-desk [--demo] [--reader NAME] [--lang vi|en] [--trust FILE]...`

use std::process::ExitCode;

use cancuoc_desk::text::Lang;
use cancuoc_desk::worker::Source;
use cancuoc_desk::{DeskApp, Options};

fn main() -> ExitCode {
    let mut options = Options { source: Source::Reader(None), ..Options::default() };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--demo" => options.source = Source::Demo(cancuoc_sim::Faults::default()),
            "--reader" => options.source = Source::Reader(args.next()),
            "--lang" => options.lang = if args.next().as_deref() == Some("en") { Lang::En } else { Lang::Vi },
            "--trust" => {
                let Some(path) = args.next() else { return usage() };
                match std::fs::read(&path) {
                    Ok(bytes) => options.trust.push((path, bytes)),
                    Err(e) => {
                        eprintln!("cancuoc-desk: cannot read {path}: {e}");
                        return ExitCode::from(1);
                    }
                }
            }
            _ => return usage(),
        }
    }
    let native = eframe::NativeOptions {
        viewport: eframe::egui::ViewportBuilder::default().with_inner_size([1000.0, 760.0]),
        ..Default::default()
    };
    let result = eframe::run_native("cancuoc", native, Box::new(|_| Ok(Box::new(DeskApp::new(options)))));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cancuoc-desk: {e}");
            ExitCode::from(1)
        }
    }
}

fn usage() -> ExitCode {
    eprintln!("usage: cancuoc-desk [--demo] [--reader NAME] [--lang vi|en] [--trust FILE]...");
    ExitCode::from(2)
}
