//! Reading off the UI thread: the core does the work, the screen gets progress and a result
//! by channel, so the window never freezes.

use std::sync::mpsc::{Receiver, Sender, channel};

use cancuoc::photo::Rgba;
use cancuoc::report::CalendarDate;
use cancuoc::{AccessKey, ErrorClass, ReadOptions, Reader, Report, ReportContext, Transport, TrustStore};

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

/// What the worker reports.
pub enum Message {
    /// Progress, 0..=1000, and the file being read.
    Progress(u16, &'static str),
    /// The read is done.
    Done(Box<Outcome>),
    /// The read failed.
    Failed(ErrorClass, String),
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

/// Starts a read of `source` with `key` in a new thread.
pub fn start(source: Source, key: AccessKey, trust: TrustStore, today: CalendarDate) -> Receiver<Message> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let result = match source {
            Source::Demo(card) => match card.chip() {
                Ok(chip) => run(chip, &key, &trust, today, &tx),
                Err(e) => Err(e),
            },
            Source::Reader(name) => match cancuoc_pcsc::PcscTransport::connect(name.as_deref()) {
                Ok(transport) => run(transport, &key, &trust, today, &tx),
                Err(e) => Err(e.into()),
            },
        };
        let message = match result {
            Ok(outcome) => Message::Done(Box::new(outcome)),
            Err(e) => Message::Failed(e.class(), e.to_string()),
        };
        let _ = tx.send(message);
    });
    rx
}

fn run<T: Transport>(
    transport: T,
    key: &AccessKey,
    trust: &TrustStore,
    today: CalendarDate,
    tx: &Sender<Message>,
) -> Result<Outcome, cancuoc::Error> {
    let started = std::time::Instant::now();
    let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
    let mut session = Reader::open(transport).authenticate(key, &mut rng)?;
    let mut doc = session.read(&ReadOptions::default(), &mut |p| {
        let _ = tx.send(Message::Progress(p.permille(), p.file));
    })?;
    session.authenticate_chip(&mut doc, &mut rng)?;
    let passive = cancuoc::verify::passive::passive(&doc, trust, Some(today.to_unix()));
    let millis = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let context =
        ReportContext { today: Some(today), millis: Some(millis), passive: Some(passive), ..ReportContext::default() };
    let report = Report::new(&doc, &context);
    // Only a DG2 that EF.SOD signs is shown as the holder's face.
    let photo = doc.signed_view().face().ok().and_then(|face| cancuoc::photo::decode(&face).ok());
    let dump = cancuoc::report::dump(&doc, &context);
    Ok(Outcome { report, photo, dump })
}
