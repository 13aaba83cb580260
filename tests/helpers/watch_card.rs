//! End-to-end helper: the desk's presence watch alone. Lists the readers with
//! `cancuoc_pcsc::ReaderMonitor`, then waits for a change (`wait_for_change`, 30 s at most) and
//! lists again, until the first reader's card has left and come back (or the deadline).
//! Prints one line per look: `present=<bool> changed=<bool>` — `changed=true` means the wait
//! ended because the card came or went, not because its 30 s ran out.
//!
//! `cargo run --example watch-card` (with `PCSCLITE_CSOCK_NAME` pointing at the pcscd).

// A test helper fails loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::time::{Duration, Instant};

fn main() {
    let mut monitor = cancuoc_pcsc::ReaderMonitor::new();
    let present = |monitor: &mut cancuoc_pcsc::ReaderMonitor| {
        monitor.list().expect("pcscd").first().is_some_and(|r| r.card_present)
    };
    let mut was = present(&mut monitor);
    println!("present={was} changed=false");
    std::io::stdout().flush().expect("stdout");
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut transitions = 0;
    while transitions < 2 && Instant::now() < deadline {
        let changed = monitor.wait_for_change(Duration::from_secs(30)).expect("pcscd");
        let now = present(&mut monitor);
        if now != was {
            transitions += 1;
            println!("present={now} changed={changed}");
            std::io::stdout().flush().expect("stdout");
            was = now;
        }
    }
}
