//! Reading off the UI thread: the core does the work, the screen gets progress and a result
//! by channel, so the window never freezes. A card taken away mid-read is waited for and the
//! read goes on where it stopped ([`cancuoc::read_resuming`], the kit's put-back loop), with a
//! banner meanwhile.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use cancuoc::photo::Rgba;
use cancuoc::{AccessKey, Checks, ReadOptions, Report, TrustStore};
use cancuoc_kit::cards::{Cards, PcscCards};
use cancuoc_kit::demo::DemoCards;
use cancuoc_kit::error::Code;
use cancuoc_kit::wait::{Connector, WaitError};

/// Where the card is.
#[derive(Debug, Clone)]
pub enum Source {
    /// The built-in virtual CCCD on its virtual reader (faults or another card's files for
    /// tests: a torn, forged or tampered card). Clones share the card.
    Demo(DemoCards),
    /// A PC/SC reader (`None`: the first with a card).
    Reader(Option<String>),
}

/// How long the desk waits for the card it saw to answer: a card being placed or swapped says
/// "no card" for a moment.
const FIRST_WAIT: Duration = Duration::from_secs(2);
/// How long the desk waits for a card taken away mid-read to be put back before it gives up.
const PUT_BACK_WAIT: Duration = Duration::from_secs(60);

/// What the worker reports.
pub enum Message {
    /// Progress, 0..=1000, and the file being read.
    Progress(u16, &'static str),
    /// The card was taken away mid-read: the worker waits for it to be put back, then goes on.
    PutBack,
    /// The read is done.
    Done(Box<Outcome>),
    /// The read failed: its code (the banner says what to do, in the words every front end
    /// uses) and the error's own text.
    Failed(Code, String),
}

/// A finished read.
pub struct Outcome {
    /// The report.
    pub report: Report,
    /// The decoded photo.
    pub photo: Option<Rgba>,
    /// The dump of DESIGN.md §3.3 (file name, bytes), written only when the user saves it.
    pub dump: Vec<(String, Vec<u8>)>,
}

/// How a read is checked: the instant certificate validity is judged at, and whether a
/// fallback to BAC is refused (bank mode).
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Seconds since 1970 (UTC): now.
    pub now: i64,
    /// Refuse to read a card with BAC (a chip without PACE, one that declines it, a malformed
    /// EF.CardAccess): the teller's mode.
    pub require_pace: bool,
}

/// Starts a read of `source` with `key` in a new thread: the kit's waiting rule and put-back
/// loop (`cancuoc_kit::wait`), the core's paved read.
pub fn start(source: Source, key: AccessKey, trust: TrustStore, policy: Policy) -> Receiver<Message> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let (cards, reader): (Box<dyn Cards>, Option<String>) = match source {
            Source::Demo(cards) => (Box::new(cards), None),
            Source::Reader(name) => (Box::new(PcscCards), name),
        };
        let message = match read(cards.as_ref(), reader.as_deref(), &key, &trust, policy, &tx) {
            Ok(outcome) => Message::Done(Box::new(outcome)),
            Err(ReadFailure::Wait(e)) => {
                let code = match &e {
                    WaitError::NoCard => Code::NoCard,
                    _ => Code::of_error(&e.to_read_error()),
                };
                Message::Failed(code, e.to_string())
            }
            Err(ReadFailure::Read(e)) => Message::Failed(Code::of_error(&e), e.to_string()),
        };
        let _ = tx.send(message);
    });
    rx
}

enum ReadFailure {
    Wait(WaitError),
    Read(cancuoc::Error),
}

fn read(
    cards: &dyn Cards,
    reader: Option<&str>,
    key: &AccessKey,
    trust: &TrustStore,
    policy: Policy,
    tx: &Sender<Message>,
) -> Result<Outcome, ReadFailure> {
    let started = std::time::Instant::now();
    let mut connector = Connector::wait(cards, reader, FIRST_WAIT, Arc::new(AtomicBool::new(false)))
        .map_err(ReadFailure::Wait)?
        .put_back_wait(PUT_BACK_WAIT)
        .on_put_back(|_| {
            let _ = tx.send(Message::PutBack);
        });
    let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
    let checks = Checks::at_instant(trust, policy.now);
    let options = ReadOptions::default().with_require_pace(policy.require_pace);
    let mut inspection =
        cancuoc::inspect(|attempt| connector.connect(attempt), key, &options, &checks, &mut rng, &mut |p| {
            let _ = tx.send(Message::Progress(p.permille(), p.file.name()));
        })
        .map_err(ReadFailure::Read)?;
    inspection.set_read_time(u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX));
    // Only a DG2 that EF.SOD signs is shown as the holder's face.
    let photo = inspection.face().and_then(|face| cancuoc::photo::decode(&face).ok());
    Ok(Outcome { report: inspection.report().clone(), photo, dump: inspection.dump() })
}
