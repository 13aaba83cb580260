//! The paved path: `cancuoc::inspect` reads and checks in one call, and `inspect_dump` checks
//! what it saved to the same verdict.

// A test harness fails loudly: unwrap, expect and panic are how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use cancuoc::CalendarDate;
use cancuoc::report::Verdict;
use cancuoc::{Checks, Error, ReadOptions, TransportError, TrustStore};
use cancuoc_sim::{DEMO_SEED, Faults, SeededRng, pki::TestPki, specimen_chip};

#[test]
fn inspect_reads_and_checks_and_its_dump_twin_agrees() {
    let mut trust = TrustStore::new();
    trust.add_file("test CSCA", &TestPki::generate(DEMO_SEED).csca.certificate).unwrap();
    let today = CalendarDate { year: 2026, month: 12, day: 4 };
    let checks = Checks::new(&trust, today);
    let (chip, _) = specimen_chip(Faults::default()).unwrap();
    let mut chip = Some(chip);
    let connect = |_| chip.take().ok_or(Error::Transport(TransportError::CardRemoved));
    let key = cancuoc::AccessKey::can("012345").unwrap();
    let mut rng = SeededRng::new(b"terminal");
    let mut inspection =
        cancuoc::inspect(connect, &key, &ReadOptions::default(), &checks, &mut rng, &mut |_| {}).unwrap();
    inspection.set_read_time(42);
    assert_eq!(inspection.report().verdict(), Verdict::Genuine);
    assert_eq!(inspection.report().access.millis, Some(42));
    assert_eq!(inspection.report().holder.full_name.as_deref(), Some("Nguyễn Văn Mẫu"));
    assert!(inspection.face().is_some());
    inspection.name_dump_files();
    assert_eq!(inspection.report().photo.as_ref().unwrap().file.as_deref(), Some("photo.jpg"));

    let files = inspection.dump();
    let report_json = String::from_utf8(files.iter().find(|(n, _)| n == "report.json").unwrap().1.clone()).unwrap();
    let bins: Vec<(String, Vec<u8>)> = files.iter().filter(|(n, _)| n.ends_with(".bin")).cloned().collect();
    let again = cancuoc::inspect_dump(bins, Some(&report_json), &checks).unwrap();
    assert_eq!(again.report().verdict(), Verdict::Genuine);
    assert_eq!(again.report().holder.full_name, inspection.report().holder.full_name);
    assert!(again.report().access.recorded);
    // In 2040 the test certificates have expired.
    let later = Checks::new(&trust, today).at(CalendarDate { year: 2040, month: 1, day: 1 });
    let bins: Vec<(String, Vec<u8>)> = files.iter().filter(|(n, _)| n.ends_with(".bin")).cloned().collect();
    assert_eq!(cancuoc::inspect_dump(bins, None, &later).unwrap().report().verdict(), Verdict::Expired);
    assert!(cancuoc::inspect_dump(Vec::new(), None, &checks).is_none());
}
