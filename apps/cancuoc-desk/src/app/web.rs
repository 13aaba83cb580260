//! The switch that lets web pages (a hospital's HIS, a bank's system) read the card through
//! the local endpoint on 127.0.0.1 (`cancuoc-agent`), remembered in the settings; while a
//! page reads, which origin it is, with a Cancel button.

use cancuoc_agent::{Agent, Reading, Settings as AgentSettings, config};
use cancuoc_kit::cards::{Cards, PcscCards};

use super::*;

/// The running endpoint and what the desk shows of it.
pub(super) struct Web {
    agent: Agent,
    origins: Vec<String>,
}

impl DeskApp {
    /// Starts or stops the endpoint.
    pub(super) fn set_web(&mut self, on: bool) {
        self.web_error = None;
        if !on {
            self.web = None;
            return;
        }
        match self.start_web() {
            Ok(web) => self.web = Some(web),
            Err(e) => self.web_error = Some(e),
        }
    }

    fn start_web(&self) -> Result<Web, String> {
        let dir = self
            .options
            .web_config_dir
            .clone()
            .or_else(config::config_dir)
            .ok_or("no config folder (HOME or APPDATA is not set)")?;
        let origins = config::read_origins_file(&dir)?;
        // An unsafe token file is replaced by the library; the programs that read it read the
        // new one.
        let token = config::load_or_create_token(&dir).map_err(|e| format!("agent.token: {e}"))?.value;
        // The demo serves its virtual card (the one on the screen) on its virtual reader.
        let (cards, reader): (Box<dyn Cards>, _) = match &self.options.source {
            Source::Demo(cards) => (Box::new(cards.clone()), None),
            Source::Reader(_) => (Box::new(PcscCards), self.selected.clone()),
        };
        let settings = AgentSettings {
            port: self.options.web_port,
            origins: origins.clone(),
            token,
            reader,
            trust: self.trust.clone(),
            // The desk keeps no request log: the screen shows who reads.
            log: Box::new(|_| {}),
        };
        let agent = Agent::start(settings, cards).map_err(|e| e.to_string())?;
        config::write_port(&dir, agent.port()).map_err(|e| format!("agent.port: {e}"))?;
        Ok(Web { agent, origins })
    }

    /// The endpoint's port, while web pages may read.
    pub fn web_port(&self) -> Option<u16> {
        self.web.as_ref().map(|w| w.agent.port())
    }

    /// Who is reading through the endpoint now.
    pub fn web_reading(&self) -> Option<Reading> {
        self.web.as_ref().and_then(|w| w.agent.reading())
    }

    /// The switch, the port and the allowed pages; the banner of a page reading, with Cancel.
    pub(super) fn draw_web_row(&mut self, ui: &mut egui::Ui) {
        let lang = self.options.lang;
        let mut on = self.web.is_some();
        ui.horizontal(|ui| {
            if ui.checkbox(&mut on, text::WEB.get(lang)).changed() {
                self.set_web(on);
                self.remember();
            }
            if let Some(web) = &self.web {
                ui.label(format!("({} {})", text::WEB_PORT.get(lang), web.agent.port()));
                if web.origins.is_empty() {
                    ui.label(RichText::new(text::WEB_NONE.get(lang)).color(Color32::from_rgb(170, 110, 0)));
                } else {
                    ui.label(format!("{}: {}", text::WEB_ALLOWED.get(lang), web.origins.join(", ")));
                }
            }
        });
        if let Some(error) = &self.web_error {
            banner(ui, &format!("{}: {error}", text::WEB_FAILED.get(lang)), Color32::from_rgb(180, 30, 30));
        }
        if let Some(reading) = self.web_reading() {
            let who = match &reading {
                Reading::Page(origin) => origin.clone(),
                Reading::Program => text::WEB_PROGRAM.get(lang).to_owned(),
            };
            ui.horizontal(|ui| {
                banner(ui, &format!("{who} {}", text::WEB_READING.get(lang)), Color32::from_rgb(30, 90, 170));
                if ui.button(RichText::new(text::WEB_CANCEL.get(lang)).size(18.0)).clicked()
                    && let Some(web) = &self.web
                {
                    web.agent.cancel();
                }
            });
            ui.ctx().request_repaint_after(Duration::from_millis(100));
        } else if self.web.is_some() {
            // A page may start reading at any moment: look again soon.
            ui.ctx().request_repaint_after(Duration::from_millis(250));
        }
    }
}
