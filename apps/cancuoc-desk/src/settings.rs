//! What the desk remembers between runs: the chosen reader and the reading mode, as
//! `key=value` lines in `$XDG_CONFIG_HOME/cancuoc/desk` (else `~/.config/cancuoc/desk`). No
//! personal data is ever written here. A missing or unreadable file means the defaults; an
//! unknown line is ignored, so older and newer versions share the file.

use std::path::{Path, PathBuf};

/// When a read starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Clinic check-in: as soon as a card is on the reader and the ID (or QR) is in.
    #[default]
    Clinic,
    /// Bank teller: on Enter or the Read button only.
    Bank,
}

/// The remembered choices.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// The reader last chosen.
    pub reader: Option<String>,
    /// The reading mode.
    pub mode: Mode,
    /// Whether web pages may read through the local endpoint (`cancuoc-agent`).
    pub web: bool,
}

/// The settings file's usual place, in cancuoc's config folder (`$XDG_CONFIG_HOME/cancuoc`,
/// else `~/.config/cancuoc`; `%APPDATA%\cancuoc` on Windows), when one is known.
pub fn default_path() -> Option<PathBuf> {
    Some(cancuoc_agent::config::config_dir()?.join("desk"))
}

/// Where "save the dump" creates its folders by default: `Documents\cancuoc` in the user's
/// profile on Windows, `~/cancuoc` elsewhere; the working folder when neither is known.
pub fn default_save_dir() -> PathBuf {
    let profile = if cfg!(windows) {
        std::env::var_os("USERPROFILE").map(|p| PathBuf::from(p).join("Documents"))
    } else {
        std::env::var_os("HOME").map(PathBuf::from)
    };
    profile.map_or_else(|| PathBuf::from("."), |p| p.join("cancuoc"))
}

impl Settings {
    /// Reads `path`; the defaults when it is absent or unreadable.
    pub fn load(path: &Path) -> Self {
        std::fs::read_to_string(path).map(|text| Self::parse(&text)).unwrap_or_default()
    }

    /// Reads the `key=value` lines.
    pub fn parse(text: &str) -> Self {
        let mut settings = Self::default();
        for line in text.lines() {
            match line.split_once('=') {
                Some(("reader", name)) if !name.trim().is_empty() => settings.reader = Some(name.trim().to_owned()),
                Some(("mode", "bank")) => settings.mode = Mode::Bank,
                Some(("mode", "clinic")) => settings.mode = Mode::Clinic,
                Some(("web", value)) => settings.web = value.trim() == "on",
                _ => {}
            }
        }
        settings
    }

    /// The file's text.
    pub fn to_text(&self) -> String {
        let mode = match self.mode {
            Mode::Clinic => "clinic",
            Mode::Bank => "bank",
        };
        let web = if self.web { "on" } else { "off" };
        let mut text = format!("# cancuoc-desk settings\nmode={mode}\nweb={web}\n");
        if let Some(reader) = &self.reader {
            text.push_str(&format!("reader={reader}\n"));
        }
        text
    }

    /// Writes `path` (creating its folder).
    ///
    /// # Errors
    /// The I/O error, with the path, when the folder or file cannot be written.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::write(path, self.to_text()).map_err(|e| format!("{}: {e}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_unknown_lines_are_ignored() {
        let settings = Settings {
            reader: Some("ACS ACR1252 1S CL Reader [ACR1252 PICC] 00 00".to_owned()),
            mode: Mode::Bank,
            web: true,
        };
        assert_eq!(Settings::parse(&settings.to_text()), settings);
        let parsed = Settings::parse("colour=blue\nmode=bank\nreader=\nmode=sideways\nweb=maybe\n");
        assert_eq!(parsed, Settings { reader: None, mode: Mode::Bank, web: false });
        assert_eq!(Settings::load(Path::new("/nonexistent/cancuoc/desk")), Settings::default());
    }
}
