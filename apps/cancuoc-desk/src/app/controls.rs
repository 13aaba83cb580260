//! The controls above the result: the reader picker with the card's presence, the mode, and
//! the access inputs (ID, date of birth, expiry, QR text, MRZ) checked as they are typed.

use super::*;

impl DeskApp {
    /// The reader picker (● holds a card, ○ empty), the card's presence, the demo card's
    /// button and the mode switch.
    pub(super) fn draw_reader_row(&mut self, ui: &mut egui::Ui) {
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
                    if let Source::Demo(cards) = &self.options.source {
                        cards.set_card_present(place);
                    }
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
        });
        // The mode on a row of its own: beside a long reader name it covered the card's
        // presence (in English, at 1000 px).
        ui.horizontal(|ui| {
            for (mode, label) in [(Mode::Clinic, text::MODE_CLINIC), (Mode::Bank, text::MODE_BANK)] {
                if ui.selectable_label(self.mode == mode, label.get(lang)).clicked() && self.mode != mode {
                    self.mode = mode;
                    changed = true;
                }
            }
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

    pub(super) fn draw_inputs(&mut self, ui: &mut egui::Ui) {
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
                self.dob = match lang {
                    Lang::Vi => qr.date_of_birth.vietnamese(),
                    Lang::En => qr.date_of_birth.iso(),
                };
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
}
