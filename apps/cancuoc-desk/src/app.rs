//! The desk screen: access input, a progress bar, the result with the chip photo large and
//! the citizen's fields, verification badges, error banners, Clear and idle auto-clear.
//! No protocol logic: the core reads and judges; this shows.

use std::path::PathBuf;
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cancuoc::profile::key_input::{KeyField, KeyInput};
use cancuoc::report::CalendarDate;
use cancuoc::{AccessKey, ErrorClass, TrustStore};
use eframe::egui::{self, Color32, RichText};

use crate::presence::{DEMO_READER, POLL_INTERVAL, Snapshot, Watch, WatchHandle};
use crate::settings::{Mode, Settings};
use crate::text::{self, Lang};
use crate::worker::{self, DemoCard, Message, Outcome, Source};

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
}

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

    fn finish(&self, outcome: Result<(), String>) {
        if let Ok(mut slot) = self.outcome.lock() {
            slot.get_or_insert(outcome);
        }
    }
}

/// Where a `--screenshot` run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ShotStage {
    Start,
    /// Frames drawn since the result arrived (the photo texture needs one to upload).
    Settling(u8),
    Requested,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            source: Source::Demo(DemoCard::default()),
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
    Failed(ErrorClass),
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
        Self {
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
        }
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

    fn start_read(&mut self) {
        let Ok(key) = self.key() else { return };
        self.armed = false;
        if matches!(self.options.source, Source::Demo(_)) && !self.card_present() {
            // As a real reader would answer with no card on it.
            self.state = State::Failed(ErrorClass::NoReader);
            return;
        }
        self.reads_started += 1;
        let today = today();
        let source = match &self.options.source {
            Source::Demo(card) => Source::Demo(card.clone()),
            Source::Reader(_) => Source::Reader(self.effective_reader()),
        };
        let rx = worker::start(source, key, self.trust.clone(), today);
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
        let settings = Settings { reader: self.selected.clone(), mode: self.mode };
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
                    Message::Failed(class, _) => finished = Some(Err(class)),
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
                Some(Err(class)) => self.state = State::Failed(class),
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
            State::Failed(class) => {
                let message = text::error(*class).get(self.options.lang);
                banner(ui, message, Color32::from_rgb(180, 30, 30));
            }
            State::Done { .. } => self.draw_result(ui),
        }
    }

    /// The reader picker (● holds a card, ○ empty), the card's presence, the demo card's
    /// button and the mode switch.
    fn draw_reader_row(&mut self, ui: &mut egui::Ui) {
        let lang = self.options.lang;
        let mut changed = false;
        ui.horizontal(|ui| {
            let reader_label = ui.label(text::READER.get(lang));
            let mark = |present: bool| if present { "●" } else { "○" };
            if let Some(handle) = &self.demo_card {
                ui.label(RichText::new(format!("{} {DEMO_READER}", mark(self.card_present()))).strong());
                let (label, place) =
                    if self.card_present() { (text::DEMO_REMOVE, false) } else { (text::DEMO_PLACE, true) };
                if ui.button(label.get(lang)).clicked() {
                    handle.set_card(DEMO_READER, place);
                }
            } else {
                let shown = match &self.selected {
                    Some(name) => format!("{} {name}", mark(self.readers.card_on(name))),
                    None => text::READER_AUTO.get(lang).to_owned(),
                };
                let picker =
                    egui::ComboBox::from_id_salt("reader").selected_text(shown).width(420.0).show_ui(ui, |ui| {
                        changed |= ui.selectable_value(&mut self.selected, None, text::READER_AUTO.get(lang)).changed();
                        for reader in self.readers.readers() {
                            let label = format!("{} {}", mark(reader.card_present), reader.name);
                            changed |=
                                ui.selectable_value(&mut self.selected, Some(reader.name.clone()), label).changed();
                        }
                    });
                picker.response.labelled_by(reader_label.id);
            }
            if self.card_present() {
                ui.label(RichText::new(text::CARD_PRESENT.get(lang)).color(Color32::from_rgb(40, 160, 70)).strong());
            } else {
                ui.label(text::CARD_ABSENT.get(lang));
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                for (mode, label) in [(Mode::Bank, text::MODE_BANK), (Mode::Clinic, text::MODE_CLINIC)] {
                    if ui.selectable_label(self.mode == mode, label.get(lang)).clicked() && self.mode != mode {
                        self.mode = mode;
                        changed = true;
                    }
                }
            });
        });
        match &self.readers {
            Snapshot::NoService => banner(ui, text::NO_SERVICE.get(lang), Color32::from_rgb(170, 110, 0)),
            Snapshot::Readers(list) if list.is_empty() => {
                banner(ui, text::NO_READERS.get(lang), Color32::from_rgb(170, 110, 0));
            }
            _ => {}
        }
        if let Some(why) = &self.settings_error {
            ui.label(RichText::new(format!("{}: {why}", text::SETTINGS_FAILED.get(lang))).weak());
        }
        if changed {
            self.armed = true;
            self.remember();
        }
    }

    fn draw_inputs(&mut self, ui: &mut egui::Ui) {
        let lang = self.options.lang;
        let mut enter = false;
        let mut edited = false;
        egui::Grid::new("inputs").num_columns(2).spacing([12.0, 6.0]).show(ui, |ui| {
            for (label, value) in [
                (text::ID, &mut self.id),
                (text::DOB, &mut self.dob),
                (text::EXPIRY, &mut self.expiry),
                (text::QR, &mut self.qr),
                (text::MRZ, &mut self.mrz),
            ] {
                let label = ui.label(label.get(lang));
                let response = ui.add(egui::TextEdit::singleline(value).desired_width(360.0)).labelled_by(label.id);
                enter |= response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                edited |= response.changed();
                ui.end_row();
            }
        });
        if edited {
            self.armed = true;
            // A scanned QR text fills the ID and the date of birth, so the desk sees what it opened.
            if let Ok(qr) = cancuoc::profile::cccd::CccdQr::parse(&self.qr) {
                self.id = qr.id.as_str().to_owned();
                self.dob = qr.date_of_birth.iso();
            }
        }
        let key = self.key();
        ui.horizontal(|ui| {
            let can_read = key.is_ok() && !self.is_reading();
            if ui.add_enabled(can_read, egui::Button::new(RichText::new(self.t(text::READ)).strong())).clicked()
                || (enter && can_read)
            {
                self.start_read();
            }
            if ui.button(self.t(text::CLEAR)).clicked() {
                self.clear();
            }
            let any_input =
                [&self.id, &self.dob, &self.expiry, &self.qr, &self.mrz].iter().any(|s| !s.trim().is_empty());
            if let (Err(why), true) = (&key, any_input) {
                ui.label(RichText::new(*why).color(Color32::from_rgb(170, 60, 0)));
            } else if key.is_ok() && self.mode == Mode::Clinic && !self.card_present() && !self.is_reading() {
                ui.label(RichText::new(self.t(text::PLACE_CARD)).strong());
            }
        });
    }

    fn draw_result(&mut self, ui: &mut egui::Ui) {
        let lang = self.options.lang;
        let State::Done { outcome, texture, saved, .. } = &self.state else { return };
        let report = &outcome.report;
        let (badge, why, [r, g, b]) = crate::print::verdict(report, lang);
        banner(ui, badge.get(lang), Color32::from_rgb(r, g, b));
        if !why.is_empty() {
            ui.label(why);
        }
        for line in crate::print::ignored_lines(report, lang) {
            ui.label(RichText::new(line).color(Color32::from_rgb(180, 30, 30)).strong());
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
        ui.add_space(8.0);
        let mut action = None;
        ui.horizontal(|ui| {
            if ui.button(text::COPY.get(lang)).clicked() {
                ui.ctx().copy_text(report.to_json());
            }
            if ui.button(text::SAVE.get(lang)).clicked() {
                action = Some(Save::Dump);
            }
            if ui.button(text::EXPORT_JSON.get(lang)).clicked() {
                action = Some(Save::RecordJson);
            }
            if ui.button(text::EXPORT_CSV.get(lang)).clicked() {
                action = Some(Save::RecordCsv);
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

/// Today's date (UTC) from the system clock.
fn today() -> CalendarDate {
    CalendarDate::from_unix(now_unix())
}

/// Seconds since 1970 on the system clock (UTC).
fn now_unix() -> i64 {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    i64::try_from(secs).unwrap_or(0)
}

impl DeskApp {
    /// Steps a `--screenshot` run: read at once, let the result settle, take the picture, close.
    fn drive_screenshot(&mut self, ctx: &egui::Context) {
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
            (State::Failed(class), _) => job.finish(Err(format!("the read failed: {}", text::error(*class).en))),
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
    let stamp = cancuoc::codec::time::iso_date_time(now_unix());
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
    cancuoc::codec::time::iso_date_time(now_unix()).replace(['-', ':', 'Z'], "").replacen('T', "-", 1)
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
pub fn save_dump(parent: &std::path::Path, files: &[(String, Vec<u8>)]) -> Result<PathBuf, String> {
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

/// Writes `image` as an opaque RGBA PNG.
fn save_png(path: &std::path::Path, image: &egui::ColorImage) -> Result<(), String> {
    let bytes: Vec<u8> = image.pixels.iter().flat_map(|p| [p.r(), p.g(), p.b(), 255]).collect();
    let [w, h] = image.size.map(|n| u32::try_from(n).unwrap_or(0));
    image::save_buffer_with_format(path, &bytes, w, h, image::ExtendedColorType::Rgba8, image::ImageFormat::Png)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

impl eframe::App for DeskApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| self.draw(ui));
        self.drive_screenshot(ui.ctx());
    }
}
