//! The CLI's error: what went wrong, the exit code it maps to (DESIGN.md §3.1), and a short next
//! step for the person at the desk.

use std::process::ExitCode;

use cancuoc::Error;
use cancuoc::profile::key_input::KeyInputError;
use cancuoc_kit::error::Code;
use cancuoc_kit::trust::TrustLoadError;
use cancuoc_kit::wait::WaitError;

/// A failure of a command, with its exit code.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    /// Bad command-line input: exit 2.
    #[error("{0}")]
    Usage(String),
    /// The read failed: exit 1. One line: the message, then what to do in Vietnamese (the
    /// desk's banner and the endpoint's `message_vi`: `cancuoc_kit::error`).
    #[error("{0} — {advice}", advice = Code::of_error(.0).advice().vi)]
    Read(Error),
    /// No card came (or the reader is not there) within `--wait`: exit 1.
    #[error("{0} — {advice}", advice = wait_code(.0).advice().vi)]
    Wait(WaitError),
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
            Self::Read(_) | Self::Wait(_) | Self::Io(_) => ExitCode::from(1),
        }
    }
}

impl From<TrustLoadError> for CliError {
    fn from(e: TrustLoadError) -> Self {
        if e.is_usage() { Self::Usage(format!("--{e}")) } else { Self::Io(e.to_string()) }
    }
}

fn wait_code(e: &WaitError) -> Code {
    match e {
        WaitError::NoCard => Code::Timeout,
        WaitError::Cancelled => Code::Cancelled,
        WaitError::Transport(t) => Code::of_error(&Error::Transport(t.clone())),
    }
}
