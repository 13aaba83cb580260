//! The bridge from a [`VirtualChip`] to pcscd through vsmartcard's `vpcd` reader driver
//! (`docs/research/testbed.md`, "vpcd's socket protocol").
//!
//! The card is a TCP client of vpcd. Frames both ways are a big-endian `u16` length and the
//! payload. One-byte frames from vpcd are control: `00` power off, `01` power on, `02` reset,
//! `04` get ATR (also vpcd's presence poll, ~0.4 s apart, between any two APDUs). Longer
//! frames are APDUs, each answered with one frame. Closing the connection removes the card.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::{Duration, Instant};

use crate::chip::VirtualChip;

/// vpcd control bytes.
const POWER_OFF: u8 = 0x00;
const POWER_ON: u8 = 0x01;
const RESET: u8 = 0x02;
const GET_ATR: u8 = 0x04;

/// Why the bridge stopped.
#[derive(Debug, PartialEq, Eq)]
pub enum Ended {
    /// vpcd closed the connection (pcscd stopped).
    ReaderClosed,
    /// The chip's tear-after-N fault fired: the card left the reader.
    Torn,
}

/// Connects to vpcd at `host:port`, retrying until `deadline` (pcscd may still be starting).
///
/// # Errors
/// The last connection error once the deadline passes.
pub fn connect(host: &str, port: u16, deadline: Duration) -> io::Result<TcpStream> {
    let start = Instant::now();
    loop {
        match TcpStream::connect((host, port)) {
            Ok(stream) => {
                stream.set_nodelay(true)?;
                return Ok(stream);
            }
            Err(e) if start.elapsed() >= deadline => return Err(e),
            Err(_) => thread::sleep(Duration::from_millis(50)),
        }
    }
}

/// Serves `chip` on `stream` until vpcd closes it or the chip is torn.
///
/// # Errors
/// An I/O error other than the peer closing.
pub fn serve(chip: &mut VirtualChip, stream: &mut TcpStream) -> io::Result<Ended> {
    serve_observed(chip, stream, &mut |_| {})
}

/// [`serve`], calling `answered` with the chip's APDU count after each APDU it answers (for
/// tests that must show a card was, or was not, reached).
///
/// # Errors
/// An I/O error other than the peer closing.
pub fn serve_observed(
    chip: &mut VirtualChip,
    stream: &mut TcpStream,
    answered: &mut dyn FnMut(usize),
) -> io::Result<Ended> {
    loop {
        // The kernel clears TCP_QUICKACK after each ACK; without it every APDU waits ~40 ms
        // for a delayed ACK (vpcd writes length and payload separately: testbed.md pitfall 1).
        // TCP_QUICKACK is Linux's (and Android's); elsewhere the delayed ACK is the price.
        #[cfg(any(target_os = "linux", target_os = "android"))]
        let _ = rustix::net::sockopt::set_tcp_quickack(&*stream, true);
        let mut len = [0u8; 2];
        match stream.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(Ended::ReaderClosed),
            Err(e) => return Err(e),
        }
        let mut frame = vec![0u8; usize::from(u16::from_be_bytes(len))];
        stream.read_exact(&mut frame)?;
        let reply = match frame.as_slice() {
            [POWER_OFF] => None,
            [POWER_ON] | [RESET] => {
                chip.power_on();
                None
            }
            [GET_ATR] => Some(chip.atr()),
            [_] => None,
            apdu => {
                let delay = chip.faults().delay;
                if !delay.is_zero() {
                    thread::sleep(delay);
                }
                match chip.process(apdu) {
                    Some(answer) => {
                        answered(chip.apdus());
                        Some(answer)
                    }
                    None => return Ok(Ended::Torn),
                }
            }
        };
        if let Some(reply) = reply {
            let n = u16::try_from(reply.len()).map_err(|_| io::Error::other("answer longer than a vpcd frame"))?;
            let mut out = Vec::with_capacity(reply.len() + 2);
            out.extend_from_slice(&n.to_be_bytes());
            out.extend_from_slice(&reply);
            // One write per answer, so Nagle never holds half of it back.
            stream.write_all(&out)?;
        }
    }
}
