//! `cancuoc-issue`: writes a batch of fictional CCCD dumps, the folders `cancuoc read --out`
//! writes, for back-office tests and throughput measurements.
//!
//! ```text
//! cancuoc-issue --out DIR [--count 200] [--seed TEXT] [--tamper-every K] [--chain p256|vietnam]
//!               [--explicit-parameters]
//! ```
//! Every card has its own holder (name, ID number, birth date, sex) and its own chip and active
//! authentication keys; all are signed by one document signer of the test PKI made from
//! `--seed`, whose CSCA is written to `DIR/csca.der`. The cards are `DIR/0001`, `DIR/0002`, …;
//! with `--tamper-every K`, one byte of DG13 of every K-th card is changed after signing, so
//! its passive authentication must fail (the list is printed on standard output). `--chain
//! vietnam` issues under the chain Viet Nam is believed to use (a brainpoolP512r1 CSCA over a
//! brainpoolP384r1 document signer); `--explicit-parameters` spells the curves out in the
//! certificates, as the real brainpool CSCAs do.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use cancuoc::Document;
use cancuoc::lds::DgNumber;
use cancuoc_sim::issue::{CitizenProfile, IssuedDocument};
use cancuoc_sim::pki::{PkiChain, PkiVariant, TestPki};
use clap::Parser;

/// Command-line options.
#[derive(Debug, Parser)]
#[command(name = "cancuoc-issue", version, about = "Write a batch of fictional CCCD dumps signed by one test DS")]
struct Options {
    /// The folder to fill (created when missing).
    #[arg(long)]
    out: PathBuf,
    /// How many cards.
    #[arg(long, default_value_t = 200)]
    count: usize,
    /// Seed of the test PKI and of the cards' keys.
    #[arg(long, default_value = "cancuoc demo")]
    seed: String,
    /// Change one byte of DG13 of every K-th card after signing.
    #[arg(long, value_name = "K")]
    tamper_every: Option<usize>,
    /// The curves of the CSCA and the document signer.
    #[arg(long, default_value = "p256", value_parser = ["p256", "vietnam"])]
    chain: String,
    /// Write the keys' curve parameters out in full instead of naming the curve.
    #[arg(long)]
    explicit_parameters: bool,
}

const SURNAMES: [&str; 10] = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"];
const MIDDLE_NAMES: [&str; 6] = ["Văn", "Thị", "Hữu", "Đức", "Ngọc", "Minh"];
const GIVEN_NAMES: [&str; 12] =
    ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hương", "Khánh", "Lan", "Phúc", "Quỳnh", "Tuấn"];
/// Province codes of the ID number (Hà Nội, TP Hồ Chí Minh, Đà Nẵng, Cần Thơ, Hải Phòng).
const PROVINCES: [&str; 5] = ["001", "079", "048", "092", "031"];

/// The `n`-th holder: varied name, province, sex, birth date; the rest from the specimen.
fn holder(n: usize) -> CitizenProfile {
    let pick = |list: &[&'static str], k: usize| list.get(k % list.len()).copied().unwrap_or_default();
    let name = format!("{} {} {}", pick(&SURNAMES, n), pick(&MIDDLE_NAMES, n / 3), pick(&GIVEN_NAMES, n / 7));
    let mut citizen = CitizenProfile::specimen().named(&name);
    let year = 1950 + (n * 7) % 56;
    let female = n % 2 == 1;
    // The fourth digit: sex and century (0/1 born in the 1900s, 2/3 in the 2000s).
    let sex_century = usize::from(female) + if year >= 2000 { 2 } else { 0 };
    citizen.id_number = format!("{}{sex_century}{:02}{:06}", pick(&PROVINCES, n), year % 100, n);
    citizen.sex = if female { 'F' } else { 'M' };
    let (month, day) = (1 + n % 12, 1 + n % 28);
    citizen.date_of_birth = format!("{year}-{month:02}-{day:02}");
    citizen.date_of_issue = format!("2021-{month:02}-{day:02}");
    citizen.date_of_expiry = format!("2036-{month:02}-{day:02}");
    citizen
}

/// Writes what a reader without terminal authentication gets from `card` (DG3 stays on the
/// chip), named as the core names a dump's files.
fn write_card(dir: &Path, card: &IssuedDocument) -> std::io::Result<()> {
    let mut read = Document::default();
    read.com = card.files.get(&0x011E).cloned();
    read.sod = card.files.get(&0x011D).cloned();
    for dg in (1..=16).filter_map(DgNumber::new) {
        if let Some(bytes) = card.files.get(&dg.fid()).filter(|_| !card.protected.contains(&dg.fid())) {
            read.data_groups.insert(dg, bytes.clone());
        }
    }
    std::fs::create_dir_all(dir)?;
    for (name, bytes) in read.dump_files() {
        std::fs::write(dir.join(name), bytes)?;
    }
    Ok(())
}

fn run(options: &Options) -> Result<Vec<String>, String> {
    let chain = if options.chain == "vietnam" { PkiChain::Vietnam } else { PkiChain::P256 };
    let variant = PkiVariant { chain, explicit_parameters: options.explicit_parameters, ..PkiVariant::default() };
    let pki = TestPki::generate_variant(options.seed.as_bytes(), variant);
    std::fs::create_dir_all(&options.out).map_err(|e| format!("{}: {e}", options.out.display()))?;
    std::fs::write(options.out.join("csca.der"), &pki.csca.certificate).map_err(|e| e.to_string())?;
    let mut tampered = Vec::new();
    for n in 1..=options.count {
        let citizen = holder(n);
        let card_seed = format!("{} card {n}", options.seed);
        let card = IssuedDocument::issue_in_series(&pki, &citizen, card_seed.as_bytes())
            .map_err(|e| format!("card {n}: {e}"))?;
        let name = format!("{n:04}");
        let card = match options.tamper_every {
            Some(k) if k > 0 && n % k == 0 => {
                tampered.push(name.clone());
                card.tampered(DgNumber::DG13)
            }
            _ => card,
        };
        let dir = options.out.join(&name);
        write_card(&dir, &card).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    Ok(tampered)
}

fn main() -> ExitCode {
    let options = Options::parse();
    match run(&options) {
        Ok(tampered) => {
            for name in tampered {
                println!("tampered {name}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cancuoc-issue: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holders_differ_and_their_id_numbers_are_well_formed() {
        let ids: std::collections::BTreeSet<String> = (1..=200).map(|n| holder(n).id_number).collect();
        assert_eq!(ids.len(), 200);
        for n in 1..=200 {
            let citizen = holder(n);
            assert_eq!(citizen.id_number.len(), 12, "{}", citizen.id_number);
            assert!(citizen.mrz_key().is_ok(), "{n}");
        }
        assert_ne!(holder(1).full_name, holder(2).full_name);
    }
}
