//! The desk screen: access input, a progress bar, the result with the chip photo large and
//! the citizen's fields, verification badges, error banners, Clear and idle auto-clear.
//! No protocol logic: the core reads and judges; this shows.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use cancuoc::profile::key_input::{KeyField, KeyInput};
use cancuoc::{AccessKey, TrustStore};
use cancuoc_kit::demo::{DEMO_READER, DemoCards};
use cancuoc_kit::error::Code;
use eframe::egui::{self, Color32, RichText};

use crate::presence::{POLL_INTERVAL, Snapshot, Watch, WatchHandle};
use crate::settings::{Mode, Settings};
use crate::text::{self, Lang};
use crate::worker::{self, Message, Outcome, Source};

mod controls;
mod result;
mod screenshot;
mod web;

pub use screenshot::Screenshot;
use screenshot::ShotStage;

/// DejaVu Sans: egui's own fonts lack the precomposed Vietnamese letters (`assets/PROVENANCE.md`).
const VIETNAMESE_FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

/// How the app starts.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where cards come from.
    pub source: Source,
    /// The screen's language.
    pub lang: Lang,
    /// Clear the result after this long without input (personal data must not linger).
    pub auto_clear: Duration,
    /// The trust anchors: CSCA certificates, anchored master lists and CRLs
    /// ([`cancuoc::TrustStore::add_files`]).
    pub trust: TrustStore,
    /// The ID number typed in at start (`--id`).
    pub id: String,
    /// Where "save the dump" creates its folders (`--save-dir`).
    pub save_dir: PathBuf,
    /// Read at once, save the window after the read as a PNG here, then close (`--screenshot`).
    pub screenshot: Option<Screenshot>,
    /// When reads start (`--mode`); `None`: the remembered mode, else clinic.
    pub mode: Option<Mode>,
    /// Where the chosen reader and mode are remembered; `None` remembers nothing.
    pub settings_path: Option<PathBuf>,
    /// The reader list for [`Source::Reader`]; `None` polls PC/SC. (Tests pass a manual one.)
    pub watch: Option<Watch>,
    /// Whether the demo card starts on the demo reader.
    pub demo_card_present: bool,
    /// Open the printed summary in the browser (off in tests).
    pub open_files: bool,
    /// The local endpoint's port when web pages may read (0: any free port, for tests).
    pub web_port: u16,
    /// Where the endpoint's token and allowed origins live; `None`: the user's config folder.
    pub web_config_dir: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            source: Source::Demo(DemoCards::default()),
            lang: Lang::Vi,
            auto_clear: Duration::from_secs(120),
            trust: TrustStore::new(),
            id: String::new(),
            save_dir: PathBuf::from("."),
            screenshot: None,
            mode: None,
            settings_path: None,
            watch: None,
            demo_card_present: true,
            open_files: false,
            web_port: cancuoc_agent::DEFAULT_PORT,
            web_config_dir: None,
        }
    }
}

enum State {
    Idle,
    Reading {
        rx: Receiver<Message>,
        permille: u16,
        file: &'static str,
        /// The card was taken away mid-read: waiting for it to be put back.
        put_back: bool,
    },
    Done {
        outcome: Box<Outcome>,
        texture: Option<egui::TextureHandle>,
        at: Instant,
        /// The last save: the line to show, or why it failed.
        saved: Option<Result<String, String>>,
    },
    /// The read failed: what the banner says.
    Failed(text::Text),
}

/// The application.
pub struct DeskApp {
    options: Options,
    trust: TrustStore,
    id: String,
    dob: String,
    expiry: String,
    qr: String,
    mrz: String,
    state: State,
    fonts_installed: bool,
    shot: ShotStage,
    /// Reader list and card presence.
    watch: Watch,
    /// The demo reader's card, moved by the demo's button.
    demo_card: Option<WatchHandle>,
    /// The latest reader list (taken from `watch` once a frame).
    readers: Snapshot,
    /// The chosen reader; `None`: the first one holding a card.
    selected: Option<String>,
    mode: Mode,
    /// Clinic mode reads when this is set and a card is on the reader; set when a card is
    /// removed or the inputs change, cleared when a read starts.
    armed: bool,
    settings_error: Option<String>,
    reads_started: usize,
    /// The local endpoint, while web pages may read.
    web: Option<web::Web>,
    /// Why the endpoint could not start.
    web_error: Option<String>,
}

impl DeskApp {
    /// A new screen.
    pub fn new(options: Options) -> Self {
        let trust = options.trust.clone();
        let remembered = options.settings_path.as_deref().map(Settings::load).unwrap_or_default();
        let (watch, demo_card) = match &options.source {
            Source::Demo(_) => {
                let (watch, handle) = Watch::demo(options.demo_card_present);
                (watch, Some(handle))
            }
            Source::Reader(_) => (options.watch.clone().unwrap_or_else(Watch::pcsc), None),
        };
        let selected = match &options.source {
            Source::Reader(Some(name)) => Some(name.clone()),
            Source::Reader(None) => remembered.reader.clone(),
            Source::Demo(_) => Some(DEMO_READER.to_owned()),
        };
        let mut app = Self {
            id: options.id.clone(),
            mode: options.mode.unwrap_or(remembered.mode),
            readers: watch.snapshot(),
            watch,
            demo_card,
            selected,
            armed: true,
            settings_error: None,
            reads_started: 0,
            options,
            trust,
            dob: String::new(),
            expiry: String::new(),
            qr: String::new(),
            mrz: String::new(),
            state: State::Idle,
            fonts_installed: false,
            shot: ShotStage::Start,
            web: None,
            web_error: None,
        };
        if remembered.web {
            app.set_web(true);
        }
        app
    }

    /// The words of `t` in the current language.
    fn t(&self, t: text::Text) -> &'static str {
        t.get(self.options.lang)
    }

    /// True while a read runs.
    pub fn is_reading(&self) -> bool {
        matches!(self.state, State::Reading { .. })
    }

    /// The holder's full name on screen, if a read is shown.
    pub fn shown_name(&self) -> Option<String> {
        match &self.state {
            State::Done { outcome, .. } => outcome.report.holder.full_name.clone(),
            _ => None,
        }
    }

    /// Empties the screen: inputs and result.
    pub fn clear(&mut self) {
        self.clear_inputs();
        self.state = State::Idle;
    }

    fn clear_inputs(&mut self) {
        self.id.clear();
        self.dob.clear();
        self.expiry.clear();
        self.qr.clear();
        self.mrz.clear();
    }

    /// The access key from the inputs (read by the core's [`KeyInput`]), or what to fix.
    fn key(&self) -> Result<AccessKey, &'static str> {
        let input = KeyInput {
            mrz: Some(self.mrz.clone()),
            qr: Some(self.qr.clone()),
            id: Some(self.id.clone()),
            date_of_birth: Some(self.dob.clone()),
            date_of_expiry: Some(self.expiry.clone()),
            ..KeyInput::default()
        };
        let hint = |field| match field {
            KeyField::Mrz => text::BAD_MRZ,
            KeyField::Qr => text::BAD_QR,
            KeyField::DateOfBirth | KeyField::DateOfExpiry => text::BAD_DATE,
            _ => text::BAD_ID,
        };
        match input.access_key() {
            Ok(Some(key)) => Ok(key),
            Ok(None) => Err(self.t(text::NO_KEY)),
            Err(e) => Err(self.t(hint(e.field()))),
        }
    }

    /// The reader a read would use: the chosen one, else the first holding a card.
    fn effective_reader(&self) -> Option<String> {
        self.selected.clone().or_else(|| self.readers.readers().iter().find(|r| r.card_present).map(|r| r.name.clone()))
    }

    /// Whether a card is on the reader a read would use.
    pub fn card_present(&self) -> bool {
        self.effective_reader().is_some_and(|name| self.readers.card_on(&name))
    }

    /// The reading mode in force.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// How many reads were started since the app began (for tests and the status line).
    pub fn reads_started(&self) -> usize {
        self.reads_started
    }

    /// The ID number input as it stands.
    pub fn id_input(&self) -> &str {
        &self.id
    }

    /// The date-of-birth input as it stands.
    pub fn dob_input(&self) -> &str {
        &self.dob
    }

    fn start_read(&mut self) {
        let Ok(key) = self.key() else { return };
        self.armed = false;
        if matches!(self.options.source, Source::Demo(_)) && !self.card_present() {
            // As a real reader would answer with no card on it.
            self.state = State::Failed(text::error(Code::NoCard));
            return;
        }
        self.reads_started += 1;
        let policy = worker::Policy { now: cancuoc_kit::clock::now(), require_pace: self.mode == Mode::Bank };
        let source = match &self.options.source {
            Source::Demo(card) => Source::Demo(card.clone()),
            Source::Reader(_) => Source::Reader(self.effective_reader()),
        };
        let rx = worker::start(source, key, self.trust.clone(), policy);
        self.armed = false;
        self.state = State::Reading { rx, permille: 0, file: "", put_back: false };
    }

    /// Takes the latest reader list; in clinic mode, starts the read when a card is on the
    /// reader and the inputs open it (once per card placed or inputs changed).
    fn watch_readers(&mut self, ctx: &egui::Context) {
        self.readers = self.watch.snapshot();
        let present = self.card_present();
        if !present {
            self.armed = true;
        }
        let screenshot_run = self.options.screenshot.is_some();
        if self.mode == Mode::Clinic
            && present
            && self.armed
            && !self.is_reading()
            && self.key().is_ok()
            && !screenshot_run
        {
            self.start_read();
        }
        ctx.request_repaint_after(POLL_INTERVAL);
    }

    /// Remembers the reader and mode, when a settings file is configured.
    fn remember(&mut self) {
        let Some(path) = &self.options.settings_path else { return };
        let settings = Settings { reader: self.selected.clone(), mode: self.mode, web: self.web.is_some() };
        self.settings_error = settings.save(path).err();
    }

    /// Takes what the worker sent; auto-clears an old result.
    fn poll(&mut self, ctx: &egui::Context) {
        if let State::Reading { rx, permille, file, put_back } = &mut self.state {
            let mut finished = None;
            while let Ok(message) = rx.try_recv() {
                match message {
                    Message::Progress(p, f) => {
                        *permille = p;
                        *file = f;
                        *put_back = false;
                    }
                    Message::PutBack => *put_back = true,
                    Message::Done(outcome) => finished = Some(Ok(outcome)),
                    Message::Failed(code, _) => finished = Some(Err(text::error(code))),
                }
            }
            match finished {
                Some(Ok(outcome)) => {
                    if self.mode == Mode::Clinic {
                        // The next card needs its own ID: none lingers for it.
                        self.clear_inputs();
                    }
                    let texture = outcome.photo.as_ref().map(|rgba| {
                        let size =
                            [usize::try_from(rgba.width).unwrap_or(0), usize::try_from(rgba.height).unwrap_or(0)];
                        ctx.load_texture(
                            "photo",
                            egui::ColorImage::from_rgba_unmultiplied(size, &rgba.pixels),
                            egui::TextureOptions::LINEAR,
                        )
                    });
                    self.state = State::Done { outcome, texture, at: Instant::now(), saved: None };
                }
                Some(Err(message)) => self.state = State::Failed(message),
                None => ctx.request_repaint_after(Duration::from_millis(30)),
            }
        }
        // Idle means no input: someone still working with the result keeps it on screen.
        let active = ctx
            .input(|i| i.pointer.is_moving() || i.events.iter().any(|e| !matches!(e, egui::Event::WindowFocused(_))));
        if let State::Done { at, .. } = &mut self.state
            && active
        {
            *at = Instant::now();
        }
        if let State::Done { at, .. } = &self.state {
            if at.elapsed() >= self.options.auto_clear {
                self.clear();
            } else {
                ctx.request_repaint_after(Duration::from_secs(1));
            }
        }
    }

    /// Draws the whole screen into `ui` (also what the UI tests drive).
    pub fn draw(&mut self, ui: &mut egui::Ui) {
        if !self.fonts_installed {
            install_fonts(ui.ctx());
            self.fonts_installed = true;
        }
        self.poll(ui.ctx());
        self.watch_readers(ui.ctx());
        ui.horizontal(|ui| {
            ui.heading(format!("cancuoc — {}", self.t(text::TITLE)));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.selectable_label(self.options.lang == Lang::En, "EN").clicked() {
                    self.options.lang = Lang::En;
                }
                if ui.selectable_label(self.options.lang == Lang::Vi, "VI").clicked() {
                    self.options.lang = Lang::Vi;
                }
                if matches!(self.options.source, Source::Demo(_)) {
                    ui.label(RichText::new(self.t(text::DEMO)).weak());
                }
            });
        });
        ui.separator();
        self.draw_reader_row(ui);
        self.draw_web_row(ui);
        ui.separator();
        self.draw_inputs(ui);
        ui.separator();
        match &self.state {
            State::Idle => {}
            State::Reading { permille, file, put_back, .. } => {
                if *put_back {
                    banner(ui, self.t(text::PUT_BACK), Color32::from_rgb(170, 110, 0));
                }
                let label = format!("{} {file}", self.t(text::READING));
                ui.add(egui::ProgressBar::new(f32::from(*permille) / 1000.0).text(label));
            }
            State::Failed(message) => {
                banner(ui, message.get(self.options.lang), Color32::from_rgb(180, 30, 30));
            }
            State::Done { .. } => self.draw_result(ui),
        }
    }
}

fn banner(ui: &mut egui::Ui, message: &str, colour: Color32) {
    egui::Frame::new().fill(colour).inner_margin(10.0).corner_radius(6.0).show(ui, |ui| {
        ui.label(RichText::new(message).color(Color32::WHITE).size(20.0).strong());
    });
}

/// Adds DejaVu Sans first in every family, so every Vietnamese letter renders.
pub fn install_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert("dejavu".to_owned(), Arc::new(egui::FontData::from_static(VIETNAMESE_FONT)));
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts.families.entry(family).or_default().insert(0, "dejavu".to_owned());
    }
    ctx.set_fonts(fonts);
}

impl eframe::App for DeskApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| self.draw(ui));
        self.drive_screenshot(ui.ctx());
    }
}
