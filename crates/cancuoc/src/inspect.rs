//! The paved path: one call reads a document and checks it ([`inspect`]), or checks a dump
//! ([`inspect_dump`]), giving an [`Inspection`] — the document, its cancuoc/1 report and what a
//! front end needs besides. Every front end calls these: the CLI, the desk, and through
//! `cancuoc-kit` the local endpoint, the C ABI and the bindings. Everything below them (access
//! control, files, verification) is reachable on its own for whoever needs a step by itself.
//!
//! ```no_run
//! # fn demo(transport: impl cancuoc::Transport, rng: &mut impl rand_core::CryptoRng) -> Result<(), cancuoc::Error> {
//! use cancuoc::{AccessKey, CalendarDate, Checks, ReadOptions, TrustStore};
//! let key = AccessKey::can("123456")?;
//! let trust = TrustStore::new(); // add CSCA certificates to get a `valid` verdict
//! let today = CalendarDate { year: 2026, month: 12, day: 4 };
//! let mut transport = Some(transport);
//! let connect = |_| transport.take().ok_or(cancuoc::Error::Transport(cancuoc::TransportError::CardRemoved));
//! let inspection = cancuoc::inspect(connect, &key, &ReadOptions::default(), &Checks::new(&trust, today), rng, &mut |_| {})?;
//! println!("{:?}: {}", inspection.report().verdict(), inspection.report().holder.full_name.as_deref().unwrap_or("?"));
//! # Ok(()) }
//! ```

use rand_core::CryptoRng;

use crate::access::AccessKey;
use crate::codec::time::CalendarDate;
use crate::document::Document;
use crate::error::Error;
use crate::lds::FaceImage;
use crate::reader::{Connect, Progress, ReadOptions, read_resuming};
use crate::report::{Report, ReportContext, photo_file_name};
use crate::transport::Transport;
use crate::trust::TrustStore;

/// What the checks are made against: the trust anchors, and the dates.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Checks<'a> {
    /// The CSCA certificates, anchored master lists and CRLs.
    pub trust: &'a TrustStore,
    /// Today, to place two-digit MRZ years.
    pub today: CalendarDate,
    /// The moment certificate and CRL validity are judged at, seconds since 1970 (UTC).
    pub at: i64,
}

impl<'a> Checks<'a> {
    /// Checks against `trust` at the instant `now` (seconds since 1970, UTC: a certificate
    /// issued earlier the same day is valid), today's date taken from it. What the apps use.
    pub fn at_instant(trust: &'a TrustStore, now: i64) -> Self {
        Self { trust, today: CalendarDate::from_unix(now), at: now }
    }

    /// Checks against `trust` with `today`'s date, validity judged at the start of that day
    /// (for tests and batch jobs that think in dates; [`Checks::at_instant`] for a read now).
    pub fn new(trust: &'a TrustStore, today: CalendarDate) -> Self {
        Self { trust, today, at: today.to_unix() }
    }

    /// Certificate validity checked at the start of `date` instead (`cancuoc verify --at
    /// YYYY-MM-DD`).
    pub fn at(mut self, date: CalendarDate) -> Self {
        self.at = date.to_unix();
        self
    }

    /// Certificate validity checked at the instant `at` (seconds since 1970, UTC).
    pub fn at_time(mut self, at: i64) -> Self {
        self.at = at;
        self
    }
}

/// One inspected document: what was read (or dumped), and its report.
#[derive(Debug, Clone)]
pub struct Inspection {
    document: Document,
    context: ReportContext,
    report: Report,
}

impl Inspection {
    fn new(document: Document, checks: &Checks<'_>) -> Self {
        let passive = crate::verify::passive::passive(&document, checks.trust, Some(checks.at));
        let context = ReportContext { today: Some(checks.today), passive: Some(passive), ..ReportContext::default() };
        let report = Report::new(&document, &context);
        Self { document, context, report }
    }

    /// The document: every file as read.
    pub fn document(&self) -> &Document {
        &self.document
    }

    /// The cancuoc/1 report.
    pub fn report(&self) -> &Report {
        &self.report
    }

    /// Records how long the read took (the caller measures it: the core reads no clock).
    pub fn set_read_time(&mut self, millis: u64) {
        self.context.millis = Some(millis);
        self.report.access.millis = Some(millis);
    }

    /// Names the photo's file in the report, as a dump will hold it ([`Inspection::dump`]).
    pub fn name_dump_files(&mut self) {
        self.context.photo_file = photo_file_name(&self.document);
        self.report = Report::new(&self.document, &self.context);
    }

    /// The face to show: only a DG2 that EF.SOD signs (or any DG2, without EF.SOD).
    pub fn face(&self) -> Option<FaceImage> {
        self.document.signed_view().face().ok()
    }

    /// The dump of `docs/DESIGN.md` §3.3 as (file name, bytes), for the caller to write.
    pub fn dump(&self) -> Vec<(String, Vec<u8>)> {
        crate::report::dump(&self.document, &self.context)
    }
}

/// Reads the document on the card `connect` reaches with `key` — going on after a torn card
/// when `connect` brings it back ([`read_resuming`]) — and checks it: passive, chip and active
/// authentication against `checks`.
///
/// # Errors
/// As [`read_resuming`]. A failed check is no error: it is in the report.
pub fn inspect<T: Transport>(
    connect: impl FnMut(Connect) -> Result<T, Error>,
    key: &AccessKey,
    options: &ReadOptions,
    checks: &Checks<'_>,
    rng: &mut impl CryptoRng,
    progress: &mut dyn FnMut(Progress),
) -> Result<Inspection, Error> {
    let document = read_resuming(connect, key, options, rng, progress)?;
    Ok(Inspection::new(document, checks))
}

/// Checks a dump (`docs/DESIGN.md` §3.3) given as its files (name, bytes) and, when it has one,
/// its report.json, whose records are taken for what they are ([`crate::report::recorded`]).
/// `None` when the files hold no dump (no `DGn.bin`, no `SOD.bin`).
pub fn inspect_dump(
    files: impl IntoIterator<Item = (String, Vec<u8>)>,
    report_json: Option<&str>,
    checks: &Checks<'_>,
) -> Option<Inspection> {
    let files: Vec<(String, Vec<u8>)> = files.into_iter().collect();
    let mut document = Document::from_dump_files(files.iter().map(|(name, bytes)| (name.as_str(), bytes.clone())));
    if document.data_groups.is_empty() && document.sod.is_none() {
        return None;
    }
    if let Some(json) = report_json {
        crate::report::recorded::apply(&mut document, json);
    }
    Some(Inspection::new(document, checks))
}
