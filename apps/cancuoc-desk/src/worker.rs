//! Reading off the UI thread: the core does the work, the screen gets progress and a result
//! by channel, so the window never freezes. A card taken away mid-read is waited for and the
//! read goes on where it stopped ([`cancuoc::read_resuming`]), with a banner meanwhile.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use cancuoc::photo::Rgba;
use cancuoc::{AccessKey, Checks, Connect, ErrorClass, ReadOptions, Report, Transport, TrustStore};

/// Where the card is.
#[derive(Debug, Clone)]
pub enum Source {
    /// The built-in virtual CCCD, with faults for tests (e.g. a torn card).
    Demo(DemoCard),
    /// A PC/SC reader (`None`: the first with a card).
    Reader(Option<String>),
}

/// The virtual card of [`Source::Demo`].
#[derive(Debug, Clone, Default)]
pub struct DemoCard {
    /// How the chip misbehaves (none by default).
    pub faults: cancuoc_sim::Faults,
    /// The card's files instead of the specimen's (tests: a forged or tampered card).
    pub document: Option<Box<cancuoc_sim::IssuedDocument>>,
}

impl From<cancuoc_sim::Faults> for DemoCard {
    fn from(faults: cancuoc_sim::Faults) -> Self {
        Self { faults, document: None }
    }
}

impl DemoCard {
    fn chip(self) -> Result<cancuoc_sim::VirtualChip, cancuoc::Error> {
        match self.document {
            Some(document) => Ok(cancuoc_sim::VirtualChip::new(*document, self.faults, cancuoc_sim::DEMO_SEED)),
            None => Ok(cancuoc_sim::specimen_chip(self.faults)?.0),
        }
    }
}

/// The demo card on its virtual reader: one chip across connections, as a card on a desk is.
struct DemoConnection(Rc<RefCell<cancuoc_sim::VirtualChip>>);

impl Transport for DemoConnection {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, cancuoc::TransportError> {
        self.0.borrow_mut().transmit(apdu)
    }

    fn reset(&mut self) -> Result<(), cancuoc::TransportError> {
        self.0.borrow_mut().reset()
    }

    fn atr(&self) -> Option<Vec<u8>> {
        Some(self.0.borrow().atr())
    }
}

/// How long a torn demo card takes to come back (a person putting it back).
const DEMO_PUT_BACK: Duration = Duration::from_millis(800);
/// How long the desk waits for a real card to be put back before it gives up.
const PUT_BACK_WAIT: Duration = Duration::from_secs(60);

/// What the worker reports.
pub enum Message {
    /// Progress, 0..=1000, and the file being read.
    Progress(u16, &'static str),
    /// The card was taken away mid-read: the worker waits for it to be put back, then goes on.
    PutBack,
    /// The read is done.
    Done(Box<Outcome>),
    /// The read failed.
    Failed(ErrorClass, String),
    /// Bank mode: the card would have been read with BAC, and was not read.
    PaceRequired,
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

/// Starts a read of `source` with `key` in a new thread.
pub fn start(source: Source, key: AccessKey, trust: TrustStore, policy: Policy) -> Receiver<Message> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let result = match source {
            Source::Demo(card) => match card.chip() {
                Ok(chip) => {
                    let chip = Rc::new(RefCell::new(chip));
                    let connect = |attempt| {
                        if attempt == Connect::PutBack {
                            let _ = tx.send(Message::PutBack);
                            std::thread::sleep(DEMO_PUT_BACK);
                            chip.borrow_mut().put_back();
                        }
                        Ok(DemoConnection(chip.clone()))
                    };
                    run(connect, &key, &trust, policy, &tx)
                }
                Err(e) => Err(e),
            },
            Source::Reader(name) => {
                let connect = |attempt| {
                    if attempt == Connect::PutBack {
                        let _ = tx.send(Message::PutBack);
                        return Ok(cancuoc_pcsc::PcscTransport::connect_waiting(name.as_deref(), PUT_BACK_WAIT)?);
                    }
                    cancuoc_pcsc::PcscTransport::connect(name.as_deref()).map_err(cancuoc::Error::from)
                };
                run(connect, &key, &trust, policy, &tx)
            }
        };
        let message = match result {
            Ok(outcome) => Message::Done(Box::new(outcome)),
            Err(cancuoc::Error::Access(cancuoc::access::AccessError::PaceRequired { .. })) => Message::PaceRequired,
            Err(e) => Message::Failed(e.class(), e.to_string()),
        };
        let _ = tx.send(message);
    });
    rx
}

fn run<T: Transport>(
    connect: impl FnMut(Connect) -> Result<T, cancuoc::Error>,
    key: &AccessKey,
    trust: &TrustStore,
    policy: Policy,
    tx: &Sender<Message>,
) -> Result<Outcome, cancuoc::Error> {
    let started = std::time::Instant::now();
    let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
    let checks = Checks::at_instant(trust, policy.now);
    let options = ReadOptions::default().with_require_pace(policy.require_pace);
    let mut inspection = cancuoc::inspect(connect, key, &options, &checks, &mut rng, &mut |p| {
        let _ = tx.send(Message::Progress(p.permille(), p.file));
    })?;
    inspection.set_read_time(u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX));
    // Only a DG2 that EF.SOD signs is shown as the holder's face.
    let photo = inspection.face().and_then(|face| cancuoc::photo::decode(&face).ok());
    Ok(Outcome { report: inspection.report().clone(), photo, dump: inspection.dump() })
}
