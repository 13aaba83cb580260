//! The desk's tap-to-badge time through the real PC/SC stack (docs/PERFORMANCE.md §4): pcscd
//! with vsmartcard's vpcd reader in a namespace of its own, the virtual card (`cancuoc-vcard
//! --delay-ms 5`: each APDU answered after a modelled 5 ms) placed on the reader for each tap,
//! and the desk (egui_kittest, no GPU) in clinic mode with the ID typed, watching the reader as
//! at a clinic. Each tap splits into:
//! - detection: from placing the card to the desk seeing it — pcscd and the vpcd driver (pcscd
//!   polls a driver without card events every 400 ms; a USB reader reports the card itself);
//! - APDU time: the APDUs the card answered × 5 ms;
//! - the desk's own: the rest up to the badge (PACE, secure messaging, passive, chip and active
//!   authentication, the report, the frames, and pcscd's message passing for each APDU).
//!
//! ```sh
//! cargo build --release -p cancuoc-sim --bin cancuoc-vcard
//! cargo bench -p cancuoc-e2e --bench tap_to_badge_pcscd
//! ```

// A benchmark fails loudly and prints measured numbers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::cast_precision_loss,
    missing_docs
)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use cancuoc_desk::settings::Mode;
use cancuoc_desk::worker::Source;
use cancuoc_desk::{DeskApp, Options};
use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use support::TestBed;

/// The modelled time before each answer of the card.
const PER_APDU_MS: f64 = 5.0;
const ID_LABEL: &str = "Số định danh (12 số)";

/// One tap, in milliseconds.
struct Tap {
    detection: f64,
    to_badge: f64,
    apdus: usize,
}

/// Steps the desk until `done` says so, for at most 30 s.
fn step_until(harness: &mut Harness<'_, DeskApp>, what: &str, mut done: impl FnMut(&DeskApp) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done(harness.state()) {
        assert!(Instant::now() < deadline, "the desk did not get to {what} within 30 s");
        harness.run_steps(1);
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn tap(harness: &mut Harness<'_, DeskApp>, bed: &mut TestBed) -> Tap {
    harness.state_mut().clear();
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::TextInput, ID_LABEL).focus();
    harness.run_steps(1);
    harness.get_by_role_and_label(Role::TextInput, ID_LABEL).type_text("001090012345");
    harness.run_steps(2);
    let placed = Instant::now();
    bed.start_card(&["--delay-ms", "5"]);
    step_until(harness, "the card", DeskApp::card_present);
    let seen = placed.elapsed();
    step_until(harness, "the badge", |app| app.shown_name().is_some());
    let badge = placed.elapsed();
    // The card writes its count after each answer: let the last write land.
    std::thread::sleep(Duration::from_millis(50));
    let apdus = bed.apdus_answered();
    bed.stop_card();
    step_until(harness, "the card taken away", |app| !app.card_present());
    Tap { detection: seen.as_secs_f64() * 1e3, to_badge: (badge - seen).as_secs_f64() * 1e3, apdus }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let mut bed = TestBed::start_without_service();
    // pcsc-lite finds pcscd through this variable when the desk opens its context.
    // SAFETY: this process has started no thread yet (the bed is other processes), so nothing
    // reads the environment while it changes.
    #[allow(unsafe_code)]
    unsafe {
        std::env::set_var("PCSCLITE_CSOCK_NAME", bed.socket());
    }
    bed.start_pcscd();
    let options = Options { source: Source::Reader(None), mode: Some(Mode::Clinic), web_port: 0, ..Options::default() };
    let mut harness = Harness::new_ui_state(|ui, app: &mut DeskApp| app.draw(ui), DeskApp::new(options));
    harness.set_size(eframe::egui::vec2(1000.0, 900.0));
    harness.run_steps(2);
    // The first tap warms the process (fonts, the curves' tables); later taps are a clinic's day.
    let first = tap(&mut harness, &mut bed);
    let taps: Vec<Tap> = (0..5).map(|_| tap(&mut harness, &mut bed)).collect();
    let apdus = taps[0].apdus;
    let apdu_ms = apdus as f64 * PER_APDU_MS;
    let to_badge = median(taps.iter().map(|t| t.to_badge).collect());
    let detection = median(taps.iter().map(|t| t.detection).collect());
    println!("tap to badge through pcscd + vpcd, clinic mode, virtual card at {PER_APDU_MS} ms per APDU");
    println!(
        "  first tap of the process:  {:.0} ms detection + {:.0} ms to the badge",
        first.detection, first.to_badge
    );
    println!("  median of 5 taps:          {detection:.0} ms detection (pcscd and the vpcd driver)");
    println!(
        "                             {to_badge:.0} ms from detection to the badge: {apdus} APDUs = {apdu_ms:.0} ms of APDU time, {:.0} ms the desk's (with pcscd's message passing)",
        to_badge - apdu_ms
    );
}
