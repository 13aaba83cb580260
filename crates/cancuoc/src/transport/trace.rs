//! The APDU trace file format (DESIGN.md §3.4): plain text, one event a line.
//!
//! ```text
//! # comment
//! > 00A4040C07A0000002471001      command as sent
//! < 9000                          response as received
//! ! rng 4608F91988702212          bytes the terminal drew from its random source
//! ! atr 3B8A80016361...           the card's answer to reset, when the reader asked for it
//! ! reset                         the terminal reset the card (to restart access control)
//! ```
//!
//! A trace holds the card's traffic. It is encrypted on the wire, but whoever has the access
//! key (the MRZ or CAN) can decrypt it: traces are written only when a user asks for one.

use crate::codec::{decode_hex, encode_hex};
use std::fmt::Write as _;

use thiserror::Error;

/// Longest line accepted when parsing (an extended APDU is 65 544 bytes, 131 088 hex digits).
const MAX_LINE_LEN: usize = 140_000;

/// One line of a trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TraceEvent {
    /// `# text`.
    Comment(String),
    /// `> HEX`: a command APDU as sent.
    Command(Vec<u8>),
    /// `< HEX`: a response as received.
    Response(Vec<u8>),
    /// `! rng HEX`: random bytes drawn by the terminal.
    Rng(Vec<u8>),
    /// `! atr HEX`: the card's answer to reset, as the transport reported it.
    Atr(Vec<u8>),
    /// `! reset`: the terminal reset the card.
    Reset,
}

/// A whole trace.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trace {
    /// The events in order.
    pub events: Vec<TraceEvent>,
}

/// A trace file line that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("trace line {line}: {reason}")]
pub struct TraceError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl Trace {
    /// Parses trace text.
    ///
    /// # Errors
    /// A [`TraceError`] naming the first bad line.
    pub fn parse(text: &str) -> Result<Self, TraceError> {
        let mut events = Vec::new();
        for (index, raw) in text.lines().enumerate() {
            let line = index.saturating_add(1);
            if raw.len() > MAX_LINE_LEN {
                return Err(TraceError { line, reason: "line too long" });
            }
            let raw = raw.trim_end();
            if raw.is_empty() {
                continue;
            }
            let event = if let Some(text) = raw.strip_prefix('#') {
                TraceEvent::Comment(text.trim_start().to_owned())
            } else if let Some(hex) = raw.strip_prefix("> ") {
                TraceEvent::Command(decode_hex(hex).ok_or(TraceError { line, reason: "bad hex" })?)
            } else if let Some(hex) = raw.strip_prefix("< ") {
                TraceEvent::Response(decode_hex(hex).ok_or(TraceError { line, reason: "bad hex" })?)
            } else if let Some(hex) = raw.strip_prefix("! rng ") {
                TraceEvent::Rng(decode_hex(hex).ok_or(TraceError { line, reason: "bad hex" })?)
            } else if let Some(hex) = raw.strip_prefix("! atr ") {
                TraceEvent::Atr(decode_hex(hex).ok_or(TraceError { line, reason: "bad hex" })?)
            } else if raw == "! reset" {
                TraceEvent::Reset
            } else {
                return Err(TraceError { line, reason: "not a comment, command, response, rng, atr or reset line" });
            };
            events.push(event);
        }
        Ok(Self { events })
    }

    /// The trace as text, one event a line.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for event in &self.events {
            let _ = match event {
                TraceEvent::Comment(text) => writeln!(out, "# {text}"),
                TraceEvent::Command(bytes) => writeln!(out, "> {}", encode_hex(bytes)),
                TraceEvent::Response(bytes) => writeln!(out, "< {}", encode_hex(bytes)),
                TraceEvent::Rng(bytes) => writeln!(out, "! rng {}", encode_hex(bytes)),
                TraceEvent::Atr(bytes) => writeln!(out, "! atr {}", encode_hex(bytes)),
                TraceEvent::Reset => writeln!(out, "! reset"),
            };
        }
        out
    }

    /// Number of command APDUs in the trace.
    pub fn commands(&self) -> usize {
        self.events.iter().filter(|e| matches!(e, TraceEvent::Command(_))).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_garbage() {
        let text = "# hello\n! atr 3B8001\n> 0084000008\n< 4608F919887022129000\n! rng 781723860C06C226\n! reset\n";
        let trace = Trace::parse(text).unwrap();
        assert_eq!(trace.events.len(), 6);
        assert_eq!(trace.to_text(), text);
        assert_eq!(trace.commands(), 1);
        assert_eq!(Trace::parse("> 0G").unwrap_err(), TraceError { line: 1, reason: "bad hex" });
        assert_eq!(Trace::parse("\n\nfoo").unwrap_err().line, 3);
        assert!(Trace::parse("> 123").is_err());
    }
}
