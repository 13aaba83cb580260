//! Read cost of a full CCCD read (docs/PERFORMANCE.md, DESIGN.md §5) on the virtual card with
//! a real card's 17 KB face: PACE-CAN, EF.SOD, DG1, DG2, DG13, DG14, DG15, chip and active
//! authentication. APDUs and bytes on the wire for the adaptive strategy (extended length) and
//! short APDUs only (223-byte Le, the fixed Le most readers use), with a modeled time for a
//! contactless link (per-APDU latency + bit rate); then the host's CPU time per phase: access
//! control, the files, chip and active authentication, passive verification and the report.
//! The virtual chip runs in the same process: its own work (its side of PACE, its signatures)
//! is in the phases that talk to it.
//!
//! `cargo bench -p cancuoc-sim --bench read`

// A benchmark fails loudly and prints measured numbers: unwrap, indexing and casts are fine.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use std::time::{Duration, Instant};

use cancuoc::CalendarDate;
use cancuoc::access::{AccessKey, Can};
use cancuoc::internals::files::{ExtendedLength, ReadLimits};
use cancuoc::{Checks, ReadOptions, Reader, TrustStore};
use cancuoc_sim::issue::{CitizenProfile, FACE_JPEG, IssuedDocument};
use cancuoc_sim::{DEMO_SEED, Faults, SeededRng, VirtualChip};

/// A typical ISO 14443 link: 5 ms of turnaround per APDU, 424 kbit/s.
const LATENCY_MS: f64 = 5.0;
const BITS_PER_MS: f64 = 424.0;
/// Reads timed per phase; the median is printed.
const ROUNDS: usize = 30;
/// A real CCCD's face is about 17 KB.
const FACE_BYTES: usize = 17_000;

/// The specimen CCCD with a 17 KB face, and its CAN.
fn cccd_chip() -> Result<(VirtualChip, AccessKey), cancuoc::Error> {
    let mut face = FACE_JPEG.to_vec();
    face.resize(FACE_BYTES, 0x5A);
    let issued = IssuedDocument::issue_with_face(&CitizenProfile::specimen(), DEMO_SEED, &face, 240, 320)?;
    let can = Can::new(&issued.can)?;
    Ok((VirtualChip::new(issued, Faults::default(), DEMO_SEED), AccessKey::Can(can)))
}

fn main() -> Result<(), cancuoc::Error> {
    let strategies = [
        ("adaptive (extended length)", ReadLimits::default()),
        // Under AES secure messaging the largest short answer holds 223 bytes of data (231 under
        // 3DES): the same Le as the fixed 223 most readers use (JMRTD's default), so one row.
        (
            "short APDUs only (223-byte Le)",
            ReadLimits { extended: ExtendedLength::Unsupported, ..ReadLimits::default() },
        ),
    ];
    println!("{:<34}{:>6}{:>9}{:>12}", "strategy", "APDUs", "bytes", "model ms");
    for (name, limits) in strategies {
        let (chip, key) = cccd_chip()?;
        let mut rng = SeededRng::new(b"terminal");
        let mut session = Reader::open(chip).authenticate(&key, &mut rng)?;
        let mut doc = session.read(&ReadOptions::default().with_limits(limits), &mut rng, &mut |_| {})?;
        session.authenticate_chip(&mut doc, &mut rng)?;
        let (apdus, bytes) = (doc.access().apdus, doc.access().bytes);
        let model = apdus as f64 * LATENCY_MS + (bytes * 8) as f64 / BITS_PER_MS;
        println!("{name:<34}{apdus:>6}{bytes:>9}{model:>12.1}");
    }

    let mut trust = TrustStore::new();
    trust.add_file("csca", &cancuoc_sim::pki::TestPki::generate(DEMO_SEED).csca.certificate).ok();
    let today = CalendarDate { year: 2026, month: 12, day: 4 };
    let checks = Checks::new(&trust, today);
    let mut phases: [Vec<Duration>; 4] = Default::default();
    for round in 0..ROUNDS {
        let (chip, key) = cccd_chip()?;
        let mut rng = SeededRng::new(format!("terminal {round}").as_bytes());
        let started = Instant::now();
        let mut session = Reader::open(chip).authenticate(&key, &mut rng)?;
        let authenticated = Instant::now();
        let mut doc = session.read(&ReadOptions::default(), &mut rng, &mut |_| {})?;
        let files_read = Instant::now();
        session.authenticate_chip(&mut doc, &mut rng)?;
        let read = Instant::now();
        let files = doc.dump_files().into_iter().map(|(name, bytes)| (name, bytes.to_vec()));
        let inspection = cancuoc::inspect_dump(files, None, &checks);
        let verified = Instant::now();
        assert!(inspection.is_some_and(|i| !i.report().check_failed()));
        let times = [authenticated - started, files_read - authenticated, read - files_read, verified - read];
        for (phase, time) in phases.iter_mut().zip(times) {
            phase.push(time);
        }
    }
    println!();
    println!("{:<46}{:>10}", "phase (host CPU, median of 30)", "ms");
    let names = [
        "access control (PACE-CAN, both sides)",
        "files (both sides)",
        "chip + active authentication (both sides)",
        "passive verification + report",
    ];
    for (name, times) in names.iter().zip(phases.iter_mut()) {
        times.sort();
        let median = times.get(times.len() / 2).copied().unwrap_or_default();
        println!("{name:<46}{:>10.2}", median.as_secs_f64() * 1000.0);
    }
    Ok(())
}
