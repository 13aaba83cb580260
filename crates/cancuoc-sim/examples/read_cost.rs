//! Read cost of the built-in virtual CCCD (DESIGN.md §5): APDUs and bytes on the wire for
//! the adaptive strategy (extended length), short APDUs only, and the fixed 223-byte Le most
//! readers use, with a modeled time for a contactless link (per-APDU latency + bit rate).
//!
//! `cargo run --release -p cancuoc-sim --example read_cost`

use cancuoc::access::AccessKey;
use cancuoc::internals::files::{ExtendedLength, ReadLimits};
use cancuoc::{ReadOptions, Reader};
use cancuoc_sim::{Faults, SeededRng, specimen_chip};

/// A typical ISO 14443 link: 5 ms of turnaround per APDU, 424 kbit/s.
const LATENCY_MS: f64 = 5.0;
const BITS_PER_MS: f64 = 424.0;

fn main() -> Result<(), cancuoc::Error> {
    let strategies = [
        ("adaptive (extended length)", ReadLimits::default()),
        ("short APDUs only (231-byte Le)", ReadLimits { extended: ExtendedLength::Unsupported, max_short_le: None }),
        ("fixed 223-byte Le", ReadLimits { extended: ExtendedLength::Unsupported, max_short_le: Some(223) }),
    ];
    println!("{:<34}{:>6}{:>9}{:>12}", "strategy", "APDUs", "bytes", "model ms");
    for (name, limits) in strategies {
        let (chip, key) = specimen_chip(Faults::default())?;
        let mut rng = SeededRng::new(b"terminal");
        let mut session = Reader::open(chip).authenticate(&AccessKey::Mrz(key), &mut rng)?;
        let doc = session.read(&ReadOptions::default().with_limits(limits), &mut rng, &mut |_| {})?;
        let (apdus, bytes) = (doc.access.apdus, doc.access.bytes);
        let model = apdus as f64 * LATENCY_MS + (bytes * 8) as f64 / BITS_PER_MS;
        println!("{name:<34}{apdus:>6}{bytes:>9}{model:>12.1}");
    }
    Ok(())
}
