//! `cancuoc-vcard`: plugs the virtual CCCD into pcscd through vsmartcard's vpcd driver.
//!
//! ```text
//! cancuoc-vcard [--host 127.0.0.1] [--port 35963] [--delay-ms N] [--tear-after N [--return-after-ms MS]]
//!               [--no-extended[=refused|end-sm|ignore]] [--atr-extended yes|no]
//!               [--atr-info-extended yes|no] [--max-le N] [--no-short-ef-ids[=refused|end-sm]] [--no-pace]
//!               [--extended-within-file-only] [--pace ecdh:aes128:13]...
//!               [--seed TEXT] [--document cccd|passport] [--once]
//!               [--full-name NAME] [--father NAME] [--mother NAME] [--sex M|F]
//!               [--clone] [--tamper DG] [--unsigned-dg11 MRZ-NAME] [--hide-dg DG]...
//!               [--pace-bad-token] [--refuse-pace SW] [--truncate-card-access N] [--face-bytes N]
//! ```
//! It connects to vpcd (inserting the card), serves APDUs, and reconnects when pcscd drops
//! the connection, unless `--once`. After `--tear-after N` APDUs it disconnects (removing the
//! card) and exits.

use std::process::ExitCode;
use std::time::Duration;

use cancuoc::lds::security_infos::{KeyAgreement, Mapping, SmCipherKind};
use cancuoc_sim::chip::{Faults, NoExtended, NoShortEfIds, VirtualChip};
use cancuoc_sim::issue::{CitizenProfile, IssuedDocument};
use cancuoc_sim::security::PaceOffer;
use cancuoc_sim::vpcd::{self, Ended};
use clap::Parser;

/// Command-line options.
#[derive(Debug, Parser)]
#[command(name = "cancuoc-vcard", version, about = "Serve the virtual CCCD to pcscd through vpcd")]
struct Options {
    /// vpcd host.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// vpcd port: 35963 is the first reader slot, 35964 the second.
    #[arg(long, default_value_t = 35963)]
    port: u16,
    /// Delay before each answer, in milliseconds.
    #[arg(long, default_value_t = 0)]
    delay_ms: u64,
    /// Write the number of APDUs answered so far to FILE after each one (for tests that show
    /// a refused request never reached the card).
    #[arg(long, value_name = "FILE")]
    count_apdus: Option<std::path::PathBuf>,
    /// Remove the card after this many APDUs.
    #[arg(long)]
    tear_after: Option<usize>,
    /// Refuse extended-length APDUs: `refused` (6700 under secure messaging, the default when
    /// the flag has no value), `end-sm` (a plain 6700 that ends secure messaging) or `ignore`
    /// (a plain 6700 from the runtime; the applet never sees the command).
    #[arg(long, value_name = "HOW", num_args = 0..=1, default_missing_value = "refused", value_parser = ["refused", "end-sm", "ignore"])]
    no_extended: Option<String>,
    /// Let the ATR's historical bytes say whether extended length works (`yes`/`no`); by
    /// default they are proprietary and say nothing.
    #[arg(long, value_name = "yes|no", value_parser = ["yes", "no"])]
    atr_extended: Option<String>,
    /// Give the chip an EF.ATR/INFO saying whether extended length works (`yes`/`no`).
    #[arg(long, value_name = "yes|no", value_parser = ["yes", "no"])]
    atr_info_extended: Option<String>,
    /// After a `--tear-after` tear, put the same card back after this many milliseconds
    /// instead of exiting.
    #[arg(long, value_name = "MS")]
    return_after_ms: Option<u64>,
    /// Refuse READ BINARY with a larger Le.
    #[arg(long)]
    max_le: Option<usize>,
    /// Refuse READ BINARY by short EF identifier: `refused` (6A86 under secure messaging, the
    /// default when the flag has no value) or `end-sm` (a plain 6A86 that ends secure
    /// messaging). Every file must then be selected.
    #[arg(long, value_name = "HOW", num_args = 0..=1, default_missing_value = "refused", value_parser = ["refused", "end-sm"])]
    no_short_ef_ids: Option<String>,
    /// Refuse (6700) an extended READ BINARY asking for more than the file holds.
    #[arg(long)]
    extended_within_file_only: bool,
    /// Seed of the test PKI and the chip's nonces.
    #[arg(long, default_value = "cancuoc demo")]
    seed: String,
    /// Hide EF.CardAccess and refuse PACE (a BAC-only chip).
    #[arg(long)]
    no_pace: bool,
    /// PACE protocols to advertise instead of the CCCD's `ecdh:aes128:13`, in order:
    /// `KIND:CIPHER:PARAMETER-ID` with ecdh|dh (Generic Mapping), ecdh-im|dh-im (Integrated),
    /// ecdh-cam (Chip Authentication Mapping); 3des|aes128|aes192|aes256; 0-2 or 8-18.
    #[arg(long, value_name = "AGREEMENT:CIPHER:ID")]
    pace: Vec<String>,
    /// Active Authentication key: `ec` (P-256, default) or `rsa` (the BSI test chip's RSA-1024).
    #[arg(long, default_value = "ec", value_parser = ["ec", "rsa"])]
    aa: String,
    /// Be a clone: the data of the genuine card, but other chip and active authentication keys.
    #[arg(long)]
    clone: bool,
    /// Change one byte of this data group (e.g. 13) after signing: a tampered card.
    #[arg(long, value_name = "DG")]
    tamper: Option<u8>,
    /// Add a DG11 that EF.SOD does not sign, naming this holder (MRZ style, e.g.
    /// `EVIL<<MALLORY`, born 1900-01-01), and list it in EF.COM: a forger's injected data.
    #[arg(long, value_name = "MRZ-NAME")]
    unsigned_dg11: Option<String>,
    /// Leave this data group out (the chip answers "file not found"), e.g. 13, although
    /// EF.COM lists it and EF.SOD hashes it.
    #[arg(long, value_name = "DG")]
    hide_dg: Vec<u8>,
    /// Answer PACE's mutual authentication with a wrong token: a man in the middle, or a chip
    /// without the right keys. The reader must stop, not fall back to BAC.
    #[arg(long)]
    pace_bad_token: bool,
    /// Refuse PACE's MSE:Set AT with this status word (4 hex digits: 6A80, 6982, 6D00…)
    /// although EF.CardAccess offers PACE: the reader may fall back to BAC, and must say so.
    #[arg(long, value_name = "SW", value_parser = parse_status_word)]
    refuse_pace: Option<u16>,
    /// Serve EF.CardAccess with its SecurityInfos cut after N bytes (a PACEInfo cut short).
    #[arg(long, value_name = "N")]
    truncate_card_access: Option<usize>,
    /// Answer "file not found" to EF.CardAccess while taking PACE, as iOS keeps the file from
    /// apps: a reader that is not handed the bytes reads with BAC (or not at all by CAN).
    #[arg(long)]
    hide_card_access: bool,
    /// Which document the chip holds: `cccd` (the specimen citizen) or `passport` (the ICAO
    /// 9303-4 specimen, TD3).
    #[arg(long, default_value = "cccd", value_parser = ["cccd", "passport"])]
    document: String,
    /// The citizen's full name (with diacritics) instead of the specimen's; the MRZ name follows.
    #[arg(long, value_name = "NAME")]
    full_name: Option<String>,
    /// The father's name instead of the specimen's.
    #[arg(long, value_name = "NAME")]
    father: Option<String>,
    /// The mother's name instead of the specimen's.
    #[arg(long, value_name = "NAME")]
    mother: Option<String>,
    /// Make the face image this many bytes long (real CCCD faces are about 17 KB; the drawn
    /// one is smaller).
    #[arg(long, value_name = "BYTES")]
    face_bytes: Option<usize>,
    /// The citizen's sex, `M` or `F`.
    #[arg(long, value_parser = ["M", "F"])]
    sex: Option<String>,
    /// Exit when pcscd closes the connection instead of reconnecting.
    #[arg(long)]
    once: bool,
    /// Seconds to keep trying to reach vpcd.
    #[arg(long, default_value_t = 20)]
    connect_timeout: u64,
}

fn parse_status_word(text: &str) -> Result<u16, String> {
    u16::from_str_radix(text, 16)
        .ok()
        .filter(|_| text.len() == 4)
        .ok_or_else(|| format!("{text:?}: expected 4 hex digits, e.g. 6982"))
}

fn parse_pace(text: &str) -> Option<PaceOffer> {
    let mut parts = text.split(':');
    let (agreement, mapping) = match parts.next()? {
        "ecdh" => (KeyAgreement::Ecdh, Mapping::Generic),
        "dh" => (KeyAgreement::Dh, Mapping::Generic),
        "ecdh-im" => (KeyAgreement::Ecdh, Mapping::Integrated),
        "dh-im" => (KeyAgreement::Dh, Mapping::Integrated),
        "ecdh-cam" => (KeyAgreement::Ecdh, Mapping::ChipAuthentication),
        _ => return None,
    };
    let cipher = match parts.next()? {
        "3des" => SmCipherKind::Tdes,
        "aes128" => SmCipherKind::Aes128,
        "aes192" => SmCipherKind::Aes192,
        "aes256" => SmCipherKind::Aes256,
        _ => return None,
    };
    let id = parts.next()?.parse().ok()?;
    parts.next().is_none().then_some(PaceOffer { agreement, mapping, cipher, parameter_id: id })
}

fn main() -> ExitCode {
    let options = Options::parse();
    let issued = if options.document == "passport" {
        IssuedDocument::icao_specimen_passport(options.seed.as_bytes())
    } else {
        let mut citizen = CitizenProfile::specimen();
        if let Some(name) = &options.full_name {
            citizen = citizen.named(name);
        }
        if let Some(father) = &options.father {
            citizen.father_name.clone_from(father);
        }
        if let Some(mother) = &options.mother {
            citizen.mother_name.clone_from(mother);
        }
        if let Some(sex) = options.sex.as_deref().and_then(|s| s.chars().next()) {
            citizen.sex = sex;
        }
        match options.face_bytes {
            Some(size) => {
                // The drawn face, padded after its end to the size of a real CCCD face.
                let mut face = cancuoc_sim::issue::FACE_JPEG.to_vec();
                face.resize(size.max(face.len()), 0x5A);
                IssuedDocument::issue_with_face(&citizen, options.seed.as_bytes(), &face, 240, 320)
            }
            None => IssuedDocument::issue(&citizen, options.seed.as_bytes()),
        }
    };
    let document = match issued {
        Ok(d) => d,
        Err(e) => {
            eprintln!("cancuoc-vcard: cannot issue the card: {e}");
            return ExitCode::FAILURE;
        }
    };
    let faults = Faults {
        delay: Duration::from_millis(options.delay_ms),
        tear_after: options.tear_after,
        no_extended: options.no_extended.as_deref().and_then(NoExtended::parse).unwrap_or_default(),
        atr_says_extended: options.atr_extended.as_deref().map(|w| w == "yes"),
        atr_info_says_extended: options.atr_info_extended.as_deref().map(|w| w == "yes"),
        max_le: options.max_le,
        no_pace: options.no_pace,
        pace_bad_token: options.pace_bad_token,
        refuse_active_authentication: false,
        no_short_ef_ids: options.no_short_ef_ids.as_deref().and_then(NoShortEfIds::parse).unwrap_or_default(),
        extended_within_file_only: options.extended_within_file_only,
        refuse_pace: options.refuse_pace.map(cancuoc::StatusWord),
        truncate_card_access: options.truncate_card_access,
        hide_card_access: options.hide_card_access,
    };
    let document = if options.aa == "rsa" { document.with_rsa_active_authentication() } else { document };
    let document = if options.clone { document.cloned() } else { document };
    let document = match options.tamper.and_then(cancuoc::lds::DgNumber::new) {
        Some(dg) => document.tampered(dg),
        None => document,
    };
    let mut document = match &options.unsigned_dg11 {
        Some(name) => document.with_unsigned_dg11(name, "19000101"),
        None => document,
    };
    for dg in options.hide_dg.iter().filter_map(|n| cancuoc::lds::DgNumber::new(*n)) {
        document = document.without(dg);
    }
    let document = if options.pace.is_empty() {
        document
    } else {
        let mut protocols = Vec::new();
        for text in &options.pace {
            match parse_pace(text) {
                Some(p) => protocols.push(p),
                None => {
                    eprintln!("cancuoc-vcard: --pace {text:?}: expected AGREEMENT:CIPHER:ID, e.g. ecdh:aes128:13");
                    return ExitCode::from(2);
                }
            }
        }
        document.with_pace(&protocols)
    };
    let mut chip = VirtualChip::new(document, faults, options.seed.as_bytes());
    loop {
        let mut stream = match vpcd::connect(&options.host, options.port, Duration::from_secs(options.connect_timeout))
        {
            Ok(s) => s,
            Err(e) => {
                eprintln!(
                    "cancuoc-vcard: cannot reach vpcd at {}:{}: {e} (is pcscd running with the vpcd driver?)",
                    options.host, options.port
                );
                return ExitCode::FAILURE;
            }
        };
        eprintln!("cancuoc-vcard: card inserted at {}:{}", options.host, options.port);
        let count_file = options.count_apdus.clone();
        let mut answered = |n: usize| {
            if let Some(path) = &count_file {
                let _ = std::fs::write(path, format!("{n}\n"));
            }
        };
        match vpcd::serve_observed(&mut chip, &mut stream, &mut answered) {
            Ok(Ended::Torn) => {
                eprintln!("cancuoc-vcard: card removed after {} APDUs (tear fault)", chip.apdus());
                let Some(ms) = options.return_after_ms else { return ExitCode::SUCCESS };
                drop(stream);
                std::thread::sleep(Duration::from_millis(ms));
                chip.put_back();
                eprintln!("cancuoc-vcard: the same card is put back");
                continue;
            }
            Ok(Ended::ReaderClosed) if options.once => return ExitCode::SUCCESS,
            Ok(Ended::ReaderClosed) => eprintln!("cancuoc-vcard: vpcd closed the connection; reconnecting"),
            Err(e) => {
                eprintln!("cancuoc-vcard: connection error: {e}");
                if options.once {
                    return ExitCode::FAILURE;
                }
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}
