//! Faults a clone would use (issue 24), in process against the virtual chip and the paved
//! path: a chip that withholds a data group its EF.SOD lists, an EF.CardAccess cut short, PACE
//! refused at MSE:Set AT with each common status word, `require_pace`, and certificates judged
//! at the instant of the check.

// A test harness fails loudly: unwrap, expect and panic are how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::{specimen, trust};

use cancuoc::CalendarDate;
use cancuoc::access::{AccessError, AccessKey};
use cancuoc::lds::DgNumber;
use cancuoc::report::{Verdict, parse_instant};
use cancuoc::verify::status::{CheckStatus, HashResult, PassiveStatus};
use cancuoc::{Checks, Connect, Error, ErrorClass, Inspection, ReadOptions, TrustStore};
use cancuoc_sim::issue::{CitizenProfile, IssuedDocument};
use cancuoc_sim::pki::TestPki;
use cancuoc_sim::{DEMO_SEED, Faults, SeededRng, VirtualChip};

/// The ID with both dates: PACE with the CAN, and MRZ data a BAC fallback could use.
fn id_and_dates() -> AccessKey {
    let id = cancuoc::profile::cccd::CccdId::parse("001090012345").unwrap();
    AccessKey::CanOrMrz {
        can: cancuoc::internals::pace::Can::new("012345").unwrap(),
        mrz: vec![id.bac_key("900115", "300115").unwrap()],
    }
}

/// Reads and checks `document` on a chip with `faults` through the paved path, at
/// 2026-06-01.
fn inspect(
    document: IssuedDocument,
    faults: Faults,
    key: &AccessKey,
    options: &ReadOptions,
) -> Result<Inspection, Error> {
    let chip = std::cell::RefCell::new(Some(VirtualChip::new(document, faults, DEMO_SEED)));
    let connect = |_: Connect| chip.borrow_mut().take().ok_or(Error::Transport(cancuoc::TransportError::NoCard));
    let trust = trust();
    let checks = Checks::new(&trust, CalendarDate { year: 2026, month: 6, day: 1 });
    let mut rng = SeededRng::new(b"terminal");
    cancuoc::inspect(connect, key, options, &checks, &mut rng, &mut |_| {})
}

fn genuine_read() -> Inspection {
    inspect(specimen(), Faults::default(), &id_and_dates(), &ReadOptions::default()).unwrap()
}

#[test]
fn the_untouched_chip_is_genuine() {
    let inspection = genuine_read();
    assert_eq!(inspection.report().verdict(), Verdict::Genuine);
    let dgs = &inspection.report().verification.passive.data_groups;
    // DG3 needs terminal authentication: not asked for, not read, no finding.
    assert_eq!(dgs.0[&DgNumber::new(3).unwrap()], HashResult::NotRead);
}

#[test]
fn a_chip_that_withholds_dg15_or_dg14_is_a_clone_not_a_chip_without_the_check() {
    for (dg, which) in [(DgNumber::DG15, "active"), (DgNumber::DG14, "chip")] {
        let inspection = inspect(specimen().without(dg), Faults::default(), &id_and_dates(), &ReadOptions::default())
            .unwrap_or_else(|e| panic!("{dg}: {e}"));
        let report = inspection.report();
        let v = &report.verification;
        assert_eq!(v.passive.data_groups.0[&dg], HashResult::Withheld, "{dg}");
        let (status, reason) =
            if which == "active" { (v.active.status, &v.active.reason) } else { (v.chip.status, &v.chip.reason) };
        assert_eq!(status, CheckStatus::Invalid, "{dg}");
        assert!(reason.as_deref().unwrap().contains(&format!("withholds {dg}")), "{dg}: {reason:?}");
        assert_eq!(report.verdict(), Verdict::Cloned, "{dg}");
        assert!(report.check_failed(), "{dg}: exit 3");
        assert!(report.to_json().contains(&format!("\"{dg}\": \"withheld\"")), "{dg}");
    }
}

#[test]
fn a_chip_that_withholds_the_holder_s_data_is_never_genuine() {
    for dg in [DgNumber::DG1, DgNumber::DG13] {
        let inspection = inspect(specimen().without(dg), Faults::default(), &id_and_dates(), &ReadOptions::default())
            .unwrap_or_else(|e| panic!("{dg}: {e}"));
        let report = inspection.report();
        assert_eq!(report.verification.passive.status, PassiveStatus::Invalid, "{dg}");
        assert_ne!(report.verdict(), Verdict::Genuine, "{dg}");
        assert!(report.check_failed(), "{dg}");
        let problems = &report.verification.passive.problems;
        assert!(problems.iter().any(|p| p.contains(&format!("withholds {dg}"))), "{dg}: {problems:?}");
    }
}

#[test]
fn a_truncated_ef_card_access_is_reported_and_never_read_as_a_plain_bac_document() {
    let faults = Faults { truncate_card_access: Some(12), ..Faults::default() };
    // With the dates: BAC, but as a fallback, named, with the problem listed.
    let inspection = inspect(specimen(), faults.clone(), &id_and_dates(), &ReadOptions::default()).unwrap();
    let report = inspection.report();
    assert_eq!(report.access.protocol, "BAC");
    let fallback = report.access.fallback.as_deref().unwrap_or_default();
    assert!(fallback.contains("EF.CardAccess is malformed") && fallback.contains("BAC used"), "{fallback}");
    assert!(
        report.document.problems.iter().any(|p| p.contains("EF.CardAccess is malformed")),
        "{:?}",
        report.document.problems
    );
    // The CAN alone: a clear error that names the file.
    let err = inspect(specimen(), faults.clone(), &AccessKey::can("012345").unwrap(), &ReadOptions::default())
        .map(|_| ())
        .unwrap_err();
    assert!(err.to_string().contains("EF.CardAccess is malformed"), "{err}");
    // PACE required: refused.
    let err = inspect(specimen(), faults, &id_and_dates(), &ReadOptions::default().with_require_pace(true))
        .map(|_| ())
        .unwrap_err();
    assert!(matches!(err, Error::Access(AccessError::PaceRequired { .. })), "{err:?}");
    assert!(err.to_string().contains("EF.CardAccess is malformed"), "{err}");
}

#[test]
fn pace_refused_at_mse_set_at_falls_back_visibly_and_require_pace_refuses_it() {
    for sw in [0x6A80u16, 0x6982, 0x6D00, 0x6985] {
        let faults = Faults { refuse_pace: Some(cancuoc::StatusWord(sw)), ..Faults::default() };
        let inspection = inspect(specimen(), faults.clone(), &id_and_dates(), &ReadOptions::default())
            .unwrap_or_else(|e| panic!("{sw:04X}: {e}"));
        let report = inspection.report();
        assert_eq!(report.access.protocol, "BAC", "{sw:04X}");
        let fallback = report.access.fallback.as_deref().unwrap_or_default();
        assert!(fallback.starts_with(&format!("PACE refused by the card ({sw:04X}")), "{sw:04X}: {fallback}");
        let record = cancuoc::record::to_csv(report);
        assert!(record.contains(&format!("PACE refused by the card ({sw:04X}")), "{record}");
        let err = inspect(specimen(), faults, &id_and_dates(), &ReadOptions::default().with_require_pace(true))
            .map(|_| ())
            .unwrap_err();
        assert!(matches!(err, Error::Access(AccessError::PaceRequired { .. })), "{sw:04X}: {err:?}");
        assert_eq!(err.class(), ErrorClass::Unsupported);
        assert!(err.to_string().contains(&format!("{sw:04X}")), "{err}");
    }
    // A chip without PACE at all, read with the MRZ: refused too when PACE is required.
    let err = inspect(
        specimen(),
        Faults { no_pace: true, ..Faults::default() },
        &AccessKey::mrz("090012345", "900115", "300115").unwrap(),
        &ReadOptions::default().with_require_pace(true),
    )
    .map(|_| ())
    .unwrap_err();
    assert!(err.to_string().contains("offers no PACE"), "{err}");
    // And PACE itself passes the requirement.
    let inspection =
        inspect(specimen(), Faults::default(), &id_and_dates(), &ReadOptions::default().with_require_pace(true))
            .unwrap();
    assert!(inspection.report().access.protocol.starts_with("PACE"));
    assert_eq!(inspection.report().access.fallback, None);
}

#[test]
fn a_signer_certificate_issued_earlier_the_same_day_is_valid_now() {
    // DS certificate from 2026-12-07 08:00 UTC.
    let pki = TestPki::generate_with_validity(
        DEMO_SEED,
        ("240101000000Z", "390101000000Z"),
        ("261207080000Z", "350101000000Z"),
    );
    let issued = IssuedDocument::issue_in_series(&pki, &CitizenProfile::specimen(), b"card").unwrap();
    let mut doc = cancuoc::Document::default();
    doc.sod = issued.files.get(&0x011D).cloned();
    for dg in [DgNumber::DG1, DgNumber::DG13] {
        doc.data_groups.insert(dg, issued.files[&dg.fid()].clone());
    }
    let mut store = TrustStore::new();
    store.add_file("csca", &pki.csca.certificate).unwrap();
    let checked = |checks: &Checks<'_>| {
        cancuoc::inspect_dump(
            doc.dump_files().into_iter().map(|(n, b)| (n, b.to_vec())).collect::<Vec<_>>(),
            None,
            checks,
        )
        .unwrap()
        .report()
        .verdict()
    };
    let ten_o_clock = parse_instant("2026-12-07T10:00:00Z").unwrap();
    assert_eq!(checked(&Checks::at_instant(&store, ten_o_clock)), Verdict::Genuine);
    // Judged at midnight, as "today" used to be: before the certificate existed.
    let midnight = Checks::new(&store, CalendarDate { year: 2026, month: 12, day: 7 });
    assert_eq!(checked(&midnight), Verdict::Expired);
    // Seven in the morning: not yet valid.
    assert_eq!(checked(&Checks::at_instant(&store, parse_instant("2026-12-07T07:00").unwrap())), Verdict::Expired);
}
