//! Reads and checks a card in one call, the paved path ([`cancuoc::inspect`]).
//!
//! ```text
//! cargo run -p cancuoc --example read_card -- 001090012345            # the first PC/SC reader with a card
//! cargo run -p cancuoc --example read_card -- --demo 001090012345     # the built-in virtual CCCD
//! cargo run -p cancuoc --example read_card -- --demo 001090012345 fixtures/pki/cancuoc-test-csca.der
//! ```
//!
//! The ID number's last six digits are the CAN (PACE); CSCA certificates after it are the
//! trust anchors. Prints the verdict, the name and the ID number; exits 1 on a read error.

use std::process::ExitCode;

use cancuoc::{CalendarDate, CccdId, Checks, Connect, Error, ReadOptions, TransportError, TrustStore};

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let demo = args.first().is_some_and(|a| a == "--demo");
    if demo {
        args.remove(0);
    }
    let Some(id) = args.first().cloned() else {
        eprintln!("usage: read_card [--demo] ID-NUMBER [CSCA.der]...");
        return ExitCode::from(2);
    };
    let key = match CccdId::parse(&id).map_err(Error::from).and_then(|id| Ok(id.can_key()?)) {
        Ok(key) => key,
        Err(e) => {
            eprintln!("read_card: {e}");
            return ExitCode::from(2);
        }
    };
    let mut trust = TrustStore::new();
    let files: Vec<(String, Vec<u8>)> =
        args.iter().skip(1).filter_map(|p| Some((p.clone(), std::fs::read(p).ok()?))).collect();
    for outcome in trust.add_files(&files) {
        if let Err(e) = outcome {
            eprintln!("read_card: {e}");
            return ExitCode::from(1);
        }
    }
    let today = today();
    let checks = Checks::new(&trust, today);
    let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
    let result = if demo {
        let chip = cancuoc_sim::specimen_chip(cancuoc_sim::Faults::default()).map(|(chip, _)| chip);
        let mut chip = chip.ok();
        let connect = |_| chip.take().ok_or(Error::Transport(TransportError::CardRemoved));
        cancuoc::inspect(connect, &key, &ReadOptions::default(), &checks, &mut rng, &mut |_| {})
    } else {
        let connect = |attempt| match attempt {
            Connect::First => Ok(cancuoc_pcsc::PcscTransport::connect(None)?),
            _ => Err(Error::Transport(TransportError::CardRemoved)),
        };
        cancuoc::inspect(connect, &key, &ReadOptions::default(), &checks, &mut rng, &mut |_| {})
    };
    match result {
        Ok(inspection) => {
            let report = inspection.report();
            println!("verdict: {:?}", report.verdict());
            println!("name:    {}", report.holder.full_name.as_deref().unwrap_or("?"));
            println!("ID:      {}", report.holder.id_number.as_deref().unwrap_or("?"));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("read_card: {e}");
            ExitCode::from(1)
        }
    }
}

/// Today (UTC), from the system clock: the core never reads it.
fn today() -> CalendarDate {
    let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    CalendarDate::from_unix(i64::try_from(seconds).unwrap_or(0))
}
