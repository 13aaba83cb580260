//! `--screenshot`: read at once, let the result settle, save the window as a PNG, close.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::*;

/// A `--screenshot` run: where the PNG goes and how it went (read by `main` after the window closed).
#[derive(Debug, Clone)]
pub struct Screenshot {
    /// The PNG file to write.
    pub path: PathBuf,
    /// `None` until the picture was taken; then whether writing it worked.
    pub outcome: Arc<Mutex<Option<Result<(), String>>>>,
}

impl Screenshot {
    /// A run that writes `path`.
    pub fn new(path: PathBuf) -> Self {
        Self { path, outcome: Arc::new(Mutex::new(None)) }
    }

    /// How it went, once the window has closed.
    pub fn outcome(&self) -> Option<Result<(), String>> {
        self.outcome.lock().ok().and_then(|slot| slot.clone())
    }

    pub(super) fn finish(&self, outcome: Result<(), String>) {
        if let Ok(mut slot) = self.outcome.lock() {
            slot.get_or_insert(outcome);
        }
    }
}

/// Where a `--screenshot` run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ShotStage {
    Start,
    /// Frames drawn since the result arrived (the photo texture needs one to upload).
    Settling(u8),
    Requested,
}

impl DeskApp {
    /// Steps a `--screenshot` run: read at once, let the result settle, take the picture, close.
    pub(super) fn drive_screenshot(&mut self, ctx: &egui::Context) {
        let Some(job) = self.options.screenshot.clone() else { return };
        if job.outcome().is_some() {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            return;
        }
        ctx.request_repaint_after(Duration::from_millis(50));
        match (&self.state, self.shot) {
            (State::Idle, ShotStage::Start) => {
                if let Err(why) = self.key() {
                    job.finish(Err(format!("cannot start the read: {why}")));
                }
                self.start_read();
                self.shot = ShotStage::Settling(0);
            }
            (_, ShotStage::Start) => self.shot = ShotStage::Settling(0),
            (State::Failed(message), _) => job.finish(Err(format!("the read failed: {}", message.en))),
            (State::Done { .. }, ShotStage::Settling(frames)) if frames < 3 => {
                self.shot = ShotStage::Settling(frames + 1)
            }
            (State::Done { .. }, ShotStage::Settling(_)) => {
                self.shot = ShotStage::Requested;
                ctx.request_screenshot(move |image| job.finish(save_png(&job.path, &image)));
            }
            _ => {}
        }
    }
}

/// Writes `image` as an opaque RGBA PNG.
fn save_png(path: &std::path::Path, image: &egui::ColorImage) -> Result<(), String> {
    let bytes: Vec<u8> = image.pixels.iter().flat_map(|p| [p.r(), p.g(), p.b(), 255]).collect();
    let [w, h] = image.size.map(|n| u32::try_from(n).unwrap_or(0));
    image::save_buffer_with_format(path, &bytes, w, h, image::ExtendedColorType::Rgba8, image::ImageFormat::Png)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}
