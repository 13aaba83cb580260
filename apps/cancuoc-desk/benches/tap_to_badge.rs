//! The desk's tap-to-badge time (docs/PERFORMANCE.md §3): in clinic mode with the ID typed, the
//! demo card is placed, and the screen is stepped until the citizen's name and the verdict are
//! shown. The virtual card answers each APDU after a modelled 5 ms (`Faults::delay`), so the time
//! splits into APDU time (APDUs × 5 ms) and the desk's own: presence, the read's computation
//! (secure messaging, PACE, passive, chip and active authentication), the report and the frames.
//! In process (egui_kittest, no GPU), not through pcscd: pcscd's own latency is not ours.
//!
//! `cargo bench -p cancuoc-desk --bench tap_to_badge`

// A benchmark fails loudly and prints measured numbers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::cast_precision_loss
)]

use std::time::{Duration, Instant};

use cancuoc_desk::settings::Mode;
use cancuoc_desk::worker::Source;
use cancuoc_desk::{DeskApp, Options};
use cancuoc_kit::demo::DemoCards;
use cancuoc_sim::Faults;
use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

/// The modelled time before each answer of the card.
const PER_APDU: Duration = Duration::from_millis(5);

/// One tap: milliseconds from placing the card to the badge, and the APDUs it took.
fn tap() -> (f64, usize) {
    let card = DemoCards::with_faults(Faults { delay: PER_APDU, ..Faults::default() });
    card.set_card_present(false);
    let options = Options {
        source: Source::Demo(card.clone()),
        demo_card_present: false,
        mode: Some(Mode::Clinic),
        ..Options::default()
    };
    let mut harness = Harness::new_ui_state(|ui, app: &mut DeskApp| app.draw(ui), DeskApp::new(options));
    harness.set_size(eframe::egui::vec2(1000.0, 900.0));
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::TextInput, "Số định danh (12 số)").focus();
    harness.run_steps(1);
    harness.get_by_role_and_label(Role::TextInput, "Số định danh (12 số)").type_text("001090012345");
    harness.run_steps(2);
    let before = card.commands();
    let placed = Instant::now();
    harness.get_by_label("Đặt thẻ demo lên").click();
    let deadline = placed + Duration::from_secs(30);
    loop {
        harness.run_steps(1);
        if harness.state().shown_name().is_some() {
            break;
        }
        assert!(Instant::now() < deadline, "no badge within 30 s");
        std::thread::sleep(Duration::from_millis(1));
    }
    (placed.elapsed().as_secs_f64() * 1e3, card.commands() - before)
}

fn main() {
    // The first tap warms the process (fonts, the curves' tables); the desk's later taps are
    // what a clinic sees all day.
    let (first, _) = tap();
    let taps: Vec<(f64, usize)> = (0..5).map(|_| tap()).collect();
    let apdus = taps[0].1;
    let mut totals: Vec<f64> = taps.iter().map(|(ms, _)| *ms).collect();
    totals.sort_by(f64::total_cmp);
    let median = totals[totals.len() / 2];
    let apdu_ms = apdus as f64 * PER_APDU.as_secs_f64() * 1e3;
    println!("tap to badge, clinic mode, demo card at {} ms per APDU", PER_APDU.as_millis());
    println!("  first tap of the process: {first:.0} ms");
    println!(
        "  median of 5 taps:         {median:.0} ms ({apdus} APDUs: {apdu_ms:.0} ms of APDU time, {:.0} ms the desk's)",
        median - apdu_ms
    );
}
