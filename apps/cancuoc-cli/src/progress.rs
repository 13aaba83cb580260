//! A progress bar on stderr, only when stderr is a terminal (so logs and pipes stay clean).

use std::io::IsTerminal;

use cancuoc::Progress;
use indicatif::{ProgressBar, ProgressStyle};

/// Shows read progress.
pub(crate) struct ReadProgress {
    bar: Option<ProgressBar>,
}

impl ReadProgress {
    pub(crate) fn new() -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(1000);
            if let Ok(style) = ProgressStyle::with_template("{spinner} reading {msg:8} [{bar:30}] {percent:>3}%") {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        });
        Self { bar }
    }

    pub(crate) fn update(&self, p: Progress) {
        if let Some(bar) = &self.bar {
            bar.set_message(p.file.name());
            bar.set_position(u64::from(p.permille()));
        }
    }

    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
