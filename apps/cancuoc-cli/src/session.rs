//! The commands: each opens a transport, runs the core's read and hands the document to
//! [`crate::output`]. No protocol logic here.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use cancuoc::profile::cccd::CccdId;
use cancuoc::transport::{Recorder, RecordingRng, RecordingTransport, ReplayTransport, Trace};
use cancuoc::{AccessKey, Connect, Error, ReadOptions, Transport, TransportError};
use cancuoc_kit::cards::PcscCards;
use cancuoc_kit::demo::DemoCards;
use cancuoc_kit::wait::Connector;
use rand_core::CryptoRng;

use crate::OutputArgs;
use crate::console::{errln, outln};
use crate::error::CliError;
use crate::keys::KeyArgs;
use crate::output::{self, CheckInputs};
use crate::progress::ReadProgress;

/// Trace comment that names the key of a virtual-card trace (fictional data only).
const TRACE_KEY_COMMENT: &str = "cancuoc-key: ";

/// Trace comment that names what the read asked for beyond the defaults ([`ReadWords`]), so
/// that `cancuoc replay` sends the same commands.
const TRACE_READ_COMMENT: &str = "cancuoc-read:";

/// The read's options as trace words: `no-photo` (DG2 not read), `ef-com` (EF.COM read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ReadWords {
    photo: bool,
    ef_com: bool,
}

impl ReadWords {
    /// A dump (`--out`) keeps every file of the chip, EF.COM included: other tools and the
    /// C06 online check take it.
    fn of(output: &OutputArgs) -> Self {
        Self { photo: !output.no_photo, ef_com: output.out.is_some() }
    }

    fn options(self) -> ReadOptions {
        ReadOptions::default().with_photo(self.photo).with_ef_com(self.ef_com)
    }

    /// The trace comment, or `None` for a read with the defaults.
    fn comment(self) -> Option<String> {
        let words: Vec<&str> = [(!self.photo, "no-photo"), (self.ef_com, "ef-com")]
            .into_iter()
            .filter_map(|(on, word)| on.then_some(word))
            .collect();
        (!words.is_empty()).then(|| format!("{TRACE_READ_COMMENT} {}", words.join(" ")))
    }

    /// The words of a trace's comment; the defaults when it has none.
    fn from_trace(trace: &Trace) -> Self {
        let mut words = Self { photo: true, ef_com: false };
        for event in &trace.events {
            if let cancuoc::transport::TraceEvent::Comment(text) = event
                && let Some(list) = text.strip_prefix(TRACE_READ_COMMENT)
            {
                for word in list.split_whitespace() {
                    match word {
                        "no-photo" => words.photo = false,
                        "ef-com" => words.ef_com = true,
                        _ => {}
                    }
                }
            }
        }
        words
    }
}

/// `cancuoc readers`.
pub(crate) fn readers() -> Result<ExitCode, CliError> {
    let readers = cancuoc_pcsc::list_readers().map_err(|e| CliError::Read(e.into()))?;
    if readers.is_empty() {
        outln!("no card readers found");
    }
    for r in readers {
        let card = if r.card_present { "card present" } else { "no card" };
        outln!("{}\t{card}", r.name);
    }
    Ok(ExitCode::SUCCESS)
}

/// `cancuoc read`: connects to the reader, waiting up to `wait` for a card to be placed and,
/// after a tear, for it to be put back (the waiting rule of `cancuoc_kit::wait`: a card being
/// swapped is waited out, never taken for "no card"). Without `--wait`, one look each time.
pub(crate) fn read_pcsc(
    reader: Option<&str>,
    wait: Option<Duration>,
    key: &AccessKey,
    output: &OutputArgs,
) -> Result<ExitCode, CliError> {
    // Trust is loaded before waiting for the card: a bad trust file stops the command at once.
    let checks = CheckInputs::load(&output.trust)?;
    let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
    let wait = wait.unwrap_or_default();
    // Without --wait there was no waiting: say what the reader showed ("no card on the reader").
    let mut connector = Connector::wait(&PcscCards, reader, wait, Arc::new(AtomicBool::new(false)))
        .map_err(|e| if wait.is_zero() { CliError::Read(e.to_read_error()) } else { CliError::Wait(e) })?
        .put_back_wait(wait)
        .on_put_back(|wait| {
            if !wait.is_zero() {
                errln!(
                    "cancuoc: the card was removed: put it back on the reader to go on (waiting {} s) — đặt lại thẻ để đọc tiếp",
                    wait.as_secs()
                );
            }
        });
    run_checked(|attempt| connector.connect(attempt), key, &mut rng, output, &checks, ReadWords::of(output), None)
}

/// `cancuoc demo`: the built-in virtual CCCD on its virtual reader, in process (the kit's
/// `DemoCards`, as `serve --demo`, the desk and `cancuoc_demo` read it).
pub(crate) fn demo(output: &OutputArgs) -> Result<ExitCode, CliError> {
    let checks = CheckInputs::load(&output.trust)?;
    let cards = DemoCards::default();
    let mut connector =
        Connector::wait(&cards, None, Duration::ZERO, Arc::new(AtomicBool::new(false))).map_err(CliError::Wait)?;
    // As at a clinic desk: the ID number alone (PACE with its last 6 digits as CAN).
    let id = CccdId::parse(&cancuoc_sim::CitizenProfile::specimen().id_number).map_err(|e| CliError::Read(e.into()))?;
    let key = id.can_key().map_err(|e| CliError::Read(e.into()))?;
    let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
    // The specimen is fictional, so its trace may name its key for `cancuoc replay`.
    let comment = format!("{TRACE_KEY_COMMENT}can 012345");
    let connect = |attempt| connector.connect(attempt);
    run_checked(connect, &key, &mut rng, output, &checks, ReadWords::of(output), Some(&comment))
}

/// `cancuoc replay`.
pub(crate) fn replay(path: &Path, key_args: &KeyArgs, json: bool) -> Result<ExitCode, CliError> {
    let text =
        std::fs::read_to_string(path).map_err(|e| CliError::Io(format!("cannot read {}: {e}", path.display())))?;
    let trace = Trace::parse(&text).map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?;
    let key = match key_args.to_access_key()? {
        Some(key) => key,
        None => trace_key(&trace)?
            .ok_or_else(|| CliError::Usage("this trace names no key: give --mrz or --id --dob --expiry".to_owned()))?,
    };
    let (transport, mut rng) = ReplayTransport::new(&trace);
    let check = transport.clone();
    let output = OutputArgs { json, ..OutputArgs::default() };
    let code = run(once(transport), &key, &mut rng, &output, ReadWords::from_trace(&trace), None)?;
    if !check.is_finished() {
        return Err(CliError::Io(format!("the read ended with {} trace events unplayed", check.remaining())));
    }
    Ok(code)
}

/// `cancuoc verify DIR`: the dump's files and report.json, checked by the core.
pub(crate) fn verify_dump(dir: &Path, json: bool, trust: &crate::TrustArgs) -> Result<ExitCode, CliError> {
    let checks = CheckInputs::load(trust)?;
    let (files, report_json) = cancuoc_kit::dump::read_dir(dir).map_err(CliError::Io)?;
    let inspection = cancuoc::inspect_dump(files, report_json.as_deref(), &checks.checks())
        .ok_or_else(|| CliError::Io(format!("{} holds no dump (no DGn.bin or SOD.bin files)", dir.display())))?;
    let output = OutputArgs { json, trust: trust.clone(), ..OutputArgs::default() };
    output::emit(inspection, &output)
}

fn trace_key(trace: &Trace) -> Result<Option<AccessKey>, CliError> {
    for event in &trace.events {
        if let cancuoc::transport::TraceEvent::Comment(text) = event
            && let Some(key) = text.strip_prefix(TRACE_KEY_COMMENT)
        {
            return Ok(KeyArgs::from_trace_comment(key)?);
        }
    }
    Ok(None)
}

/// Authenticates, reads with progress (going on after a tear when `connect` brings the card
/// back), records a trace if asked, checks against the trust given, and prints the result.
fn run<T: Transport>(
    connect: impl FnMut(Connect) -> Result<T, Error>,
    key: &AccessKey,
    rng: &mut impl CryptoRng,
    output: &OutputArgs,
    words: ReadWords,
    trace_comment: Option<&str>,
) -> Result<ExitCode, CliError> {
    let checks = CheckInputs::load(&output.trust)?;
    run_checked(connect, key, rng, output, &checks, words, trace_comment)
}

/// [`run`] with the trust already loaded.
fn run_checked<T: Transport>(
    mut connect: impl FnMut(Connect) -> Result<T, Error>,
    key: &AccessKey,
    rng: &mut impl CryptoRng,
    output: &OutputArgs,
    checks: &CheckInputs,
    words: ReadWords,
    trace_comment: Option<&str>,
) -> Result<ExitCode, CliError> {
    let checks = checks.checks();
    let started = Instant::now();
    let progress = ReadProgress::new();
    let options = words.options().with_require_pace(output.require_pace);
    let result = match &output.trace {
        None => cancuoc::inspect(connect, key, &options, &checks, rng, &mut |p| progress.update(p)),
        Some(path) => {
            let recorder = Recorder::new();
            recorder.comment("cancuoc APDU trace (DESIGN.md section 3.4)");
            for comment in [trace_comment.map(str::to_owned), words.comment()].into_iter().flatten() {
                recorder.comment(&comment);
            }
            let mut recording_rng = RecordingRng::new(&mut *rng, recorder.clone());
            let recording = |attempt| connect(attempt).map(|t| RecordingTransport::new(t, recorder.clone()));
            let result =
                cancuoc::inspect(recording, key, &options, &checks, &mut recording_rng, &mut |p| progress.update(p));
            std::fs::write(path, recorder.trace().to_text())
                .map_err(|e| CliError::Io(format!("cannot write the trace {}: {e}", path.display())))?;
            result
        }
    };
    progress.finish();
    let mut inspection = result?;
    inspection.set_read_time(u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX));
    output::emit(inspection, output)
}

/// A `connect` for [`run`] that gives `transport` once: a card taken away stays away.
fn once<T: Transport>(transport: T) -> impl FnMut(Connect) -> Result<T, Error> {
    let mut transport = Some(transport);
    move |_| transport.take().ok_or(Error::Transport(TransportError::CardRemoved))
}
