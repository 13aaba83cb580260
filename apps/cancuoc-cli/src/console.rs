//! Lines to stdout and stderr that never panic. `println!` panics when the other end has gone
//! ("failed printing to stdout: Broken pipe" under `cancuoc verify DIR | head -1`); here a
//! failed write ends output on that stream only, and the command finishes with its own exit
//! code.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

static STDOUT_GONE: AtomicBool = AtomicBool::new(false);
static STDERR_GONE: AtomicBool = AtomicBool::new(false);

/// Writes one line to stdout, unless a write to it failed before.
pub(crate) fn out(args: std::fmt::Arguments<'_>) {
    write_line(&STDOUT_GONE, &mut std::io::stdout().lock(), args);
}

/// Writes one line to stderr, unless a write to it failed before.
pub(crate) fn err(args: std::fmt::Arguments<'_>) {
    write_line(&STDERR_GONE, &mut std::io::stderr().lock(), args);
}

fn write_line(gone: &AtomicBool, stream: &mut dyn Write, args: std::fmt::Arguments<'_>) {
    if gone.load(Ordering::Relaxed) {
        return;
    }
    if writeln!(stream, "{args}").and_then(|()| stream.flush()).is_err() {
        gone.store(true, Ordering::Relaxed);
    }
}

/// `println!` that survives a closed stdout.
macro_rules! outln {
    ($($arg:tt)*) => { $crate::console::out(format_args!($($arg)*)) };
}

/// `eprintln!` that survives a closed stderr.
macro_rules! errln {
    ($($arg:tt)*) => { $crate::console::err(format_args!($($arg)*)) };
}

pub(crate) use {errln, outln};

#[cfg(test)]
mod tests {
    use super::*;

    /// A stream whose reader has gone.
    struct Closed;
    impl Write for Closed {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_stream_ends_output_without_a_panic() {
        let gone = AtomicBool::new(false);
        write_line(&gone, &mut Closed, format_args!("first"));
        assert!(gone.load(Ordering::Relaxed));
        write_line(&gone, &mut Closed, format_args!("second"));
        let mut open = Vec::new();
        write_line(&AtomicBool::new(false), &mut open, format_args!("line {}", 1));
        assert_eq!(open, b"line 1\n");
    }
}
