//! End-to-end helper: another program on the desk. Holds a shared PC/SC connection to the
//! first reader's card and sends a plain SELECT of the eMRTD application every few
//! milliseconds for SECONDS (default 10), as a badly written agent would. Prints `connected`
//! once it holds the card, then, at the end, how many commands it sent.
//!
//! `cargo run --example hold-card -- 10` (with `PCSCLITE_CSOCK_NAME` pointing at the pcscd).

// A test helper fails loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::time::{Duration, Instant};

use pcsc::{Context, Protocols, Scope, ShareMode};

/// SELECT of the eMRTD application (ICAO 9303-10 §3.6.1), in the clear.
const SELECT_EMRTD: [u8; 12] = [0x00, 0xA4, 0x04, 0x0C, 0x07, 0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01];

fn main() {
    let seconds: u64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(10);
    let context = Context::establish(Scope::User).expect("pcscd");
    let reader = context.list_readers_owned().expect("readers").into_iter().next().expect("a reader");
    let mut card = context.connect(&reader, ShareMode::Shared, Protocols::ANY).expect("a card");
    println!("connected");
    std::io::stdout().flush().expect("stdout");
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut buffer = [0u8; 258];
    let mut sent = 0u32;
    while Instant::now() < deadline {
        match card.transmit(&SELECT_EMRTD, &mut buffer) {
            Ok(_) => sent += 1,
            // Someone reset the card: take it up again, as a persistent program would.
            Err(pcsc::Error::ResetCard) => {
                let _ = card.reconnect(ShareMode::Shared, Protocols::ANY, pcsc::Disposition::LeaveCard);
            }
            Err(_) => {}
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    println!("sent {sent}");
}
