//! The CLI's error: what went wrong, the exit code it maps to (DESIGN.md §3.1), and a short next
//! step for the person at the desk.

use std::process::ExitCode;

use cancuoc::profile::key_input::KeyInputError;
use cancuoc::{Error, ErrorClass};

/// A failure of a command, with its exit code.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    /// Bad command-line input: exit 2.
    #[error("{0}")]
    Usage(String),
    /// The read failed: exit 1.
    #[error("{0}{hint}", hint = hint(.0.class()))]
    Read(Error),
    /// A file could not be read or written: exit 1.
    #[error("{0}")]
    Io(String),
}

impl From<KeyInputError> for CliError {
    fn from(e: KeyInputError) -> Self {
        Self::Usage(e.to_string())
    }
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        Self::Read(e)
    }
}

impl CliError {
    /// 2 for usage, 1 for the rest (3, a failed check, is no error: see `output::emit`).
    pub(crate) fn exit_code(&self) -> ExitCode {
        match self {
            Self::Usage(_) => ExitCode::from(2),
            Self::Read(_) | Self::Io(_) => ExitCode::from(1),
        }
    }
}

/// A short next step for the person at the desk, by error class.
fn hint(class: ErrorClass) -> &'static str {
    match class {
        ErrorClass::Tampered => " (read again; if it repeats, do not trust this card)",
        ErrorClass::DifferentCard => " (the card put back is not the one being read)",
        _ => "",
    }
}
