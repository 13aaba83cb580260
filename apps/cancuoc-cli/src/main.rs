//! `cancuoc`: read Vietnamese CCCD and ICAO 9303 chips from the command line.
//!
//! Exit codes (DESIGN.md §3.1): 0 read; 1 error (no reader, no card, wrong keys, card
//! removed…) with a one-line reason on stderr; 2 usage; 3 read, but a check failed (verdict
//! altered, cloned, expired, revoked or bad_certificate).

mod batch;
mod console;
mod error;
mod keys;
mod output;
mod progress;
mod serve;
mod session;
mod trust_files;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::console::errln;

/// Command-line interface.
#[derive(Debug, Parser)]
#[command(
    name = "cancuoc",
    version,
    about = "Read Vietnamese citizen ID cards (CCCD) and ICAO 9303 passports over PC/SC",
    after_help = "Exit codes: 0 read, verdict genuine, untrusted or not_checked; 1 error (no reader, no card, wrong keys, card removed…); 2 usage; 3 read, but a check failed: verdict altered, cloned, expired (genuine data under an expired certificate), revoked or bad_certificate. The verdict is the last line of the text output and the top-level \"verdict\" of the JSON report."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List card readers and whether a card is present.
    Readers,
    /// Read a card on a reader.
    Read(ReadArgs),
    /// Read the built-in virtual CCCD: no hardware needed.
    Demo(OutputArgs),
    /// Replay a recorded APDU trace through the full stack.
    Replay(ReplayArgs),
    /// Check a dump written by `read --out` (or by another tool) and print its report.
    Verify(VerifyArgs),
    /// Manage trust anchors (CSCA certificates).
    #[command(subcommand)]
    Trust(TrustCommand),
    /// Serve the local endpoint for web hospital and bank systems on 127.0.0.1.
    ///
    /// GET /v1/status: the readers and whether a card is on them.
    ///
    /// POST /v1/read, Content-Type application/json: {"key":{"id":"…"} (or "can", "mrz",
    /// "qr", or "id" with "dob" and "expiry"), "want":["holder","photo","raw","verification"],
    /// "challenge":"16 hex digits", "wait_seconds":20}. Answers the cancuoc/1 report with the
    /// check-in record ("checkin"), the BHXH lookup inputs ("bhxh") and what was asked.
    ///
    /// POST /v1/cancel: ends the read under way.
    ///
    /// GET /v1/checkin?return=URL&state=S&id=…: for pages on plain-http intranets; the record
    /// is posted back to URL, whose origin must be allowed.
    ///
    /// A web page may read only when its origin is allowed (--allow-origin, or one per line in
    /// agent.origins in the config folder); a program that sends no Origin sends
    /// "Authorization: Bearer TOKEN" with the token of agent.token. The port is written to
    /// agent.port. Config folder: $XDG_CONFIG_HOME/cancuoc or ~/.config/cancuoc
    /// (%APPDATA%\cancuoc on Windows). Details: docs/DESIGN.md §3.5.
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// The port on 127.0.0.1 (0: any free port; the one used is written to agent.port).
    #[arg(long, default_value_t = cancuoc_agent::DEFAULT_PORT)]
    port: u16,
    /// A web origin allowed to read, exactly as the browser sends it
    /// (https://his.example.vn, with :PORT when not the default); repeatable.
    #[arg(long, value_name = "ORIGIN")]
    allow_origin: Vec<String>,
    /// The reader to use (a name from `cancuoc readers`, or its beginning); default: the
    /// first reader with a card.
    #[arg(long)]
    reader: Option<String>,
    /// Serve the built-in virtual CCCD instead of the readers: to wire a system without a card.
    #[arg(long)]
    demo: bool,
    #[command(flatten)]
    trust: TrustArgs,
}

#[derive(Debug, Subcommand)]
enum TrustCommand {
    /// Verify a CSCA master list and write its certificates to a folder.
    ///
    /// A master list is a container, not an anchor: anyone can make one that vouches for
    /// itself. Its certificates are imported only when its signer is certified by a CSCA you
    /// supply: the certificate (--anchor) or its SHA-256 fingerprint (--fingerprint), checked
    /// against the one the issuer publishes. Without either, the command prints that CSCA's
    /// subject and fingerprint to check, and exits 1.
    Import {
        /// The master list (CMS, `.ml`).
        masterlist: PathBuf,
        /// Where to write the certificates (DER, one file each).
        #[arg(long)]
        out: PathBuf,
        /// The CSCA certificate (DER or PEM) that certifies the list's signer; repeatable.
        #[arg(long, value_name = "CERT")]
        anchor: Vec<PathBuf>,
        /// The SHA-256 fingerprint (64 hex digits) of the CSCA certificate that certifies the
        /// list's signer, as its issuer publishes it; repeatable.
        #[arg(long, value_name = "SHA256HEX")]
        fingerprint: Vec<String>,
    },
}

#[derive(Debug, Args)]
struct VerifyArgs {
    /// The dump folders (COM.bin, SOD.bin, DG1.bin …, as DESIGN.md §3.3). With several, each
    /// gets one line (one JSON report per line with --json), in the order given.
    #[arg(required = true, value_name = "DIR")]
    dirs: Vec<PathBuf>,
    /// Print the JSON report (schema cancuoc/1) instead of text; with several folders, JSON
    /// Lines, each report with its "dir".
    #[arg(long)]
    json: bool,
    /// Check this many folders at once (default: one per core).
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    #[command(flatten)]
    trust: TrustArgs,
}

/// Trust anchors and the time of the check.
#[derive(Debug, Args, Clone, Default)]
struct TrustArgs {
    /// CSCA certificates (DER or PEM), CRLs, folders of them, or CSCA master lists;
    /// repeatable. A master list counts only when a CSCA given directly (here, or with
    /// --anchor / --fingerprint) certifies its signer.
    #[arg(long, value_name = "PATH")]
    trust: Vec<PathBuf>,
    /// A CSCA certificate that may anchor a master list given with --trust (and is trusted
    /// itself); repeatable.
    #[arg(long, value_name = "CERT")]
    anchor: Vec<PathBuf>,
    /// The SHA-256 fingerprint (64 hex digits) of a CSCA certificate that may anchor a master
    /// list given with --trust, as its issuer publishes it; repeatable.
    #[arg(long, value_name = "SHA256HEX")]
    fingerprint: Vec<String>,
    /// Check certificate validity at this moment instead of now: a date (YYYY-MM-DD, its
    /// start) or a date and time (YYYY-MM-DDTHH:MM[:SS]), in UTC.
    #[arg(long, value_name = "YYYY-MM-DD[THH:MM[:SS]]")]
    at: Option<String>,
}

#[derive(Debug, Args)]
struct ReadArgs {
    /// The reader to use (a name from `cancuoc readers`, or its beginning); default: the first
    /// reader with a card.
    #[arg(long)]
    reader: Option<String>,
    #[command(flatten)]
    key: keys::KeyArgs,
    /// Wait up to SECONDS for a card to be placed, and after the card is taken away mid-read
    /// for it to be put back: the read then goes on where it stopped (exit 1 only when the
    /// wait runs out).
    #[arg(long, value_name = "SECONDS")]
    wait: Option<u64>,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Debug, Args)]
struct ReplayArgs {
    /// The trace file (`fixtures/traces/*.apdu`).
    trace: PathBuf,
    /// The access key; by default the one a virtual-card trace names in its comments.
    #[command(flatten)]
    key: keys::KeyArgs,
    /// Print the JSON report (schema cancuoc/1) instead of text.
    #[arg(long)]
    json: bool,
}

/// What is printed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// The holder and the verdicts, for a person.
    #[default]
    Text,
    /// The JSON report (schema cancuoc/1).
    Report,
    /// The hospital check-in record (QĐ 4750 check-in table: so_cccd, ho_ten, ngay_sinh
    /// yyyyMMddHHmm, gioi_tinh 1/2/3, dia_chi, ngay_cap, ngay_sinh_vn), JSON.
    Checkin,
    /// The BHXH card-history lookup inputs (maThe, hoTen, ngaySinh dd/MM/yyyy), JSON.
    Bhxh,
    /// The flat record (the report's holder fields and the verdicts), JSON.
    Record,
    /// The flat record as CSV (a header line and one row).
    Csv,
}

/// Where the result goes.
#[derive(Debug, Args, Clone, Default)]
struct OutputArgs {
    /// Print the JSON report (schema cancuoc/1) instead of text: the same as --format report.
    #[arg(long, conflicts_with = "format")]
    json: bool,
    /// What to print: text, report, checkin, bhxh, record or csv.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write every file of the chip (EF.COM too: one READ BINARY more), the photo and
    /// report.json to this folder.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Do not read the photo (DG2): faster where no face check is done.
    #[arg(long)]
    no_photo: bool,
    /// Refuse to read a card with BAC (a chip that offers no PACE, declines it, or whose
    /// EF.CardAccess is malformed): exit 1 instead of a read that can be copied more easily.
    /// For banks.
    #[arg(long)]
    require_pace: bool,
    /// Record every APDU (and the terminal's random bytes) to this file. The trace can reveal
    /// the holder's data to whoever knows the access key: keep it private.
    #[arg(long, value_name = "FILE")]
    trace: Option<PathBuf>,
    #[command(flatten)]
    trust: TrustArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Readers => session::readers(),
        Command::Read(args) => args.key.to_access_key().map_err(error::CliError::from).and_then(|key| {
            let key = key.ok_or(error::CliError::Usage(
                "give the access key: --id ID (a CCCD), --can CAN, --qr TEXT, or --mrz DOCNO,YYMMDD,YYMMDD".to_owned(),
            ))?;
            let wait = args.wait.map(std::time::Duration::from_secs);
            session::read_pcsc(args.reader.as_deref(), wait, &key, &args.output)
        }),
        Command::Demo(output) => session::demo(&output),
        Command::Replay(args) => session::replay(&args.trace, &args.key, args.json),
        Command::Verify(args) => match args.dirs.as_slice() {
            [dir] if args.jobs.is_none() => session::verify_dump(dir, args.json, &args.trust),
            dirs => batch::verify_many(dirs, args.jobs, args.json, &args.trust),
        },
        Command::Trust(TrustCommand::Import { masterlist, out, anchor, fingerprint }) => {
            trust_files::import(&masterlist, &out, &anchor, &fingerprint)
        }
        Command::Serve(args) => serve::serve(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            errln!("cancuoc: {e}");
            e.exit_code()
        }
    }
}
