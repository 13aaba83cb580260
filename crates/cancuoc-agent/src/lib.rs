//! # cancuoc-agent
//!
//! The local endpoint that lets a web hospital or bank system read the card on the desk's
//! reader: HTTP/1.1 + JSON on `127.0.0.1` only, secure by construction (`docs/DESIGN.md`
//! §3.5). `cancuoc serve` runs it; the desk app hosts it behind a switch.
//!
//! | route | what |
//! | --- | --- |
//! | `GET /v1/status` | `{"schema":"cancuoc-agent/1","version","busy","readers":[{"name","card"}]}`, no personal data |
//! | `POST /v1/read` | waits for a card, reads and checks it: `{"report","checkin","bhxh","photo"?,"raw"?,"active_authentication"?}` |
//! | `POST /v1/cancel` | ends a waiting or running read |
//! | `GET /v1/checkin?return=URL&state=S&id=…` | navigate-and-return for plain-`http://` intranet pages: a confirmation page naming the site; nothing is read |
//! | `POST /v1/checkin/confirm` | the clerk's click on that page (a one-time ticket): reads, then posts the record back |
//!
//! Every request passes the [`gate`] first: `Host` must be the loopback with this port, a
//! page's `Origin` must be on the allow-list (exactly; CORS answers name it, never `*`), and
//! a program without an `Origin` must send the bearer token of `agent.token`. `/v1/read`
//! takes only `application/json` (a form or an image tag cannot start a read). One read at
//! a time; the result goes only to the connection that asked; nothing is kept; the log
//! holds no personal data. A refused request never reaches the card.
//!
//! Built to be attacked by the page next door: `hyper`'s HTTP/1.1 server on a small tokio
//! runtime (the private `server` module). Headers must arrive within 5 s, a body within
//! 5 s after them; a body over 16 KiB is refused from its declared length before
//! anything is allocated, and bodies are read only for a request the gate admitted. Idle or
//! slow connections cost a task each, never a thread, so they cannot starve a listed page.
//! The read itself (PC/SC and the core are blocking) runs on tokio's blocking pool.
//!
//! HTTP and no more: the reading, waiting, answer shapes and error table are `cancuoc-kit`'s,
//! the same the CLI, the desk and the C ABI use.

#![forbid(unsafe_code)]

pub mod config;
pub mod gate;
mod page;
pub mod query;
mod server;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use cancuoc::TrustStore;
use cancuoc_kit::answer;
use cancuoc_kit::cards::Cards;
use cancuoc_kit::error::{ApiError, Code};
use serde_json::{Value, json};
use subtle::ConstantTimeEq;

pub use config::DEFAULT_PORT;
use gate::{Caller, Gate, RequestHeaders};

/// The status route's schema name.
pub const SCHEMA: &str = "cancuoc-agent/1";

/// What the endpoint serves and to whom.
pub struct Settings {
    /// The port on 127.0.0.1; 0 picks a free one ([`Agent::port`] tells which).
    pub port: u16,
    /// The web origins allowed to read (normalised, [`config::normalize_origin`]).
    pub origins: Vec<String>,
    /// The bearer token of programs that send no `Origin`.
    pub token: String,
    /// The reader to use (a name or its beginning); `None`: the first with a card.
    pub reader: Option<String>,
    /// The CSCA certificates passive authentication chains to.
    pub trust: TrustStore,
    /// Where each request's one-line log goes (method, path, status, caller, time; never
    /// personal data).
    pub log: Box<dyn Fn(&str) + Send + Sync>,
}

/// Why the endpoint did not start.
#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    /// The port is taken or cannot be bound.
    #[error(
        "cannot listen on 127.0.0.1:{port}: {reason} (another program may use the port: choose another with --port)"
    )]
    Bind {
        /// The port.
        port: u16,
        /// What the system said.
        reason: String,
    },
}

/// Who is reading now, for the desk to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    /// A page of this origin.
    Page(String),
    /// A program on this computer (with the token).
    Program,
}

struct Shared {
    gate: Gate,
    cards: Box<dyn Cards>,
    trust: TrustStore,
    reader: Option<String>,
    busy: AtomicBool,
    cancel: Arc<AtomicBool>,
    reading: Mutex<Option<Reading>>,
    /// Navigate-and-return reads waiting for the clerk's confirmation.
    tickets: Mutex<Vec<Ticket>>,
    log: Box<dyn Fn(&str) + Send + Sync>,
}

/// A navigate-and-return read shown on the confirmation page, waiting for the clerk's click.
struct Ticket {
    /// 32 random bytes, hex: what the page's form sends back.
    id: String,
    /// The checked query (key, reader, wait) to read with.
    query: String,
    issued: std::time::Instant,
}

/// How long a confirmation page stays valid.
const TICKET_LIFETIME: std::time::Duration = std::time::Duration::from_secs(120);
/// Confirmation pages open at once (the oldest goes first).
const MAX_TICKETS: usize = 16;

/// The running endpoint; stops when dropped.
pub struct Agent {
    port: u16,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Agent {
    /// Binds `127.0.0.1:PORT` and serves on a thread of its own.
    ///
    /// # Errors
    /// [`AgentError::Bind`] when the port cannot be had.
    pub fn start(settings: Settings, cards: Box<dyn Cards>) -> Result<Self, AgentError> {
        let bind = |e: std::io::Error| AgentError::Bind { port: settings.port, reason: e.to_string() };
        let listener = std::net::TcpListener::bind(("127.0.0.1", settings.port)).map_err(bind)?;
        listener.set_nonblocking(true).map_err(bind)?;
        let port = listener.local_addr().map_or(settings.port, |a| a.port());
        let shared = Arc::new(Shared {
            gate: Gate::new(port, settings.origins, settings.token),
            cards,
            trust: settings.trust,
            reader: settings.reader,
            busy: AtomicBool::new(false),
            cancel: Arc::new(AtomicBool::new(false)),
            reading: Mutex::new(None),
            tickets: Mutex::new(Vec::new()),
            log: settings.log,
        });
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let thread = server::start(listener, shared.clone(), stopped).map_err(bind)?;
        Ok(Self { port, shared, stop: Some(stop), thread: Some(thread) })
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Who is reading now, if anyone.
    pub fn reading(&self) -> Option<Reading> {
        self.shared.reading.lock().ok().and_then(|r| r.clone())
    }

    /// Ends the read under way (it answers `cancelled`).
    pub fn cancel(&self) {
        if self.shared.busy.load(Ordering::SeqCst) {
            self.shared.cancel.store(true, Ordering::SeqCst);
        }
    }
}

impl Drop for Agent {
    /// Stops serving and returns once the port is closed, so the endpoint can be started
    /// again on the same port at once (the desk's switch off and on).
    fn drop(&mut self) {
        self.cancel();
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        // The serving thread drops the listener and shuts its runtime down before it ends.
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// An answer.
struct Reply {
    status: u16,
    body: Vec<u8>,
    content_type: &'static str,
    headers: Vec<(&'static str, String)>,
}

impl Reply {
    fn json(status: u16, value: &Value) -> Self {
        Self {
            status,
            body: serde_json::to_vec(value).unwrap_or_default(),
            content_type: "application/json; charset=utf-8",
            headers: Vec::new(),
        }
    }

    fn error(error: &ApiError) -> Self {
        Self::json(error.code.status(), &error.body())
    }

    /// An HTML page of the navigate-and-return flow, under its Content-Security-Policy, never
    /// framed, never telling the next site where it came from.
    fn page(html: String, csp: String) -> Self {
        Self {
            status: 200,
            body: html.into_bytes(),
            content_type: "text/html; charset=utf-8",
            headers: vec![
                ("Content-Security-Policy", csp),
                ("X-Frame-Options", "DENY".to_owned()),
                ("Referrer-Policy", "no-referrer".to_owned()),
            ],
        }
    }
}

/// Routes a request; the caller is `None` when the gate refused it.
fn route(
    shared: &Shared,
    method: &str,
    path: &str,
    query: &str,
    headers: &RequestHeaders,
    body: &[u8],
) -> (Option<Caller>, Reply) {
    if method == "OPTIONS" {
        return match shared.gate.preflight(headers) {
            Ok(mut cors) => {
                // The origin's own CORS headers are added with every answer to a page.
                cors.retain(|(name, _)| !matches!(*name, "Access-Control-Allow-Origin" | "Vary"));
                let origin = headers.origin.clone().unwrap_or_default();
                let reply = Reply { status: 204, body: Vec::new(), content_type: "text/plain", headers: cors };
                (Some(Caller::Page(origin)), reply)
            }
            Err(e) => (None, Reply::error(&e)),
        };
    }
    // The confirmation page's own form: the ticket, not an origin, proves the clerk clicked.
    if (method, path) == ("POST", "/v1/checkin/confirm") {
        return match shared.gate.admit_own_page(headers) {
            Ok(caller) => {
                let reply = checkin_confirmed(shared, &caller, body);
                (Some(caller), reply)
            }
            Err(e) => (None, Reply::error(&e)),
        };
    }
    let caller = match shared.gate.admit(headers) {
        Ok(caller) => caller,
        Err(e) => return (None, Reply::error(&e)),
    };
    let needs_identity = || {
        ApiError::new(
            Code::Forbidden,
            "send the page's Origin (from a listed web page) or the bearer token of agent.token",
        )
    };
    let reply = match (method, path) {
        ("GET", "/v1/status") if caller == Caller::Navigation => Reply::error(&needs_identity()),
        ("GET", "/v1/status") => Reply::json(200, &status(shared)),
        ("POST", "/v1/read") if caller == Caller::Navigation => Reply::error(&needs_identity()),
        ("POST", "/v1/read") => read_route(shared, &caller, headers, body),
        ("POST", "/v1/cancel") if caller == Caller::Navigation => Reply::error(&needs_identity()),
        ("POST", "/v1/cancel") => {
            let running = shared.busy.load(Ordering::SeqCst);
            if running {
                shared.cancel.store(true, Ordering::SeqCst);
            }
            Reply::json(200, &json!({"cancelled": running}))
        }
        ("GET", "/v1/checkin") => checkin_page(shared, query),
        (_, "/v1/status" | "/v1/read" | "/v1/cancel" | "/v1/checkin" | "/v1/checkin/confirm") => {
            let allow = if matches!(path, "/v1/status" | "/v1/checkin") { "GET" } else { "POST" };
            let mut reply = Reply::error(&ApiError::new(Code::BadRequest, format!("{path} takes {allow} only")));
            reply.status = 405;
            reply.headers.push(("Allow", allow.to_owned()));
            reply
        }
        _ => Reply::error(&ApiError::new(Code::NotFound, format!("no route {path}: see GET /v1/status"))),
    };
    (Some(caller), reply)
}

fn status(shared: &Shared) -> Value {
    let readers: Vec<Value> = shared
        .cards
        .readers()
        .unwrap_or_default()
        .into_iter()
        .map(|r| json!({"name": r.name, "card": r.card_present}))
        .collect();
    json!({
        "schema": SCHEMA,
        "version": env!("CARGO_PKG_VERSION"),
        "busy": shared.busy.load(Ordering::SeqCst),
        "readers": readers,
    })
}

/// Holds the one-read-at-a-time slot; frees it when dropped.
struct ReadSlot<'a>(&'a Shared);

impl<'a> ReadSlot<'a> {
    fn take(shared: &'a Shared, who: Reading) -> Result<Self, ApiError> {
        if shared.busy.compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst).is_err() {
            return Err(ApiError::new(Code::Busy, "another read is under way: wait for it to end"));
        }
        shared.cancel.store(false, Ordering::SeqCst);
        if let Ok(mut reading) = shared.reading.lock() {
            *reading = Some(who);
        }
        Ok(Self(shared))
    }
}

impl Drop for ReadSlot<'_> {
    fn drop(&mut self) {
        if let Ok(mut reading) = self.0.reading.lock() {
            *reading = None;
        }
        self.0.cancel.store(false, Ordering::SeqCst);
        self.0.busy.store(false, Ordering::SeqCst);
    }
}

fn reading_of(caller: &Caller) -> Reading {
    match caller {
        Caller::Page(origin) => Reading::Page(origin.clone()),
        Caller::Program | Caller::Navigation => Reading::Program,
    }
}

fn read_route(shared: &Shared, caller: &Caller, headers: &RequestHeaders, body: &[u8]) -> Reply {
    if !gate::is_json(headers.content_type.as_deref()) {
        let mut reply =
            Reply::error(&ApiError::new(Code::BadRequest, "/v1/read takes a Content-Type: application/json body"));
        reply.status = 415;
        return reply;
    }
    // The server read the body within its size and time limits ([`server`]).
    let read_request = match cancuoc_kit::request::parse_body(body) {
        Ok(r) => r,
        Err(e) => return Reply::error(&e),
    };
    let _slot = match ReadSlot::take(shared, reading_of(caller)) {
        Ok(slot) => slot,
        Err(e) => return Reply::error(&e),
    };
    let mut read_request = read_request;
    if read_request.reader.is_none() {
        read_request.reader.clone_from(&shared.reader);
    }
    match answer::perform(shared.cards.as_ref(), &shared.trust, &read_request, &shared.cancel) {
        // A failed check is never a success: 422, the verdict and why, no record.
        Ok(answer) if answer.check_failed => Reply::json(Code::CheckFailed.status(), &answer.body),
        Ok(answer) => Reply::json(200, &answer.body),
        Err(e) => Reply::error(&e),
    }
}

/// `GET /v1/checkin`: checks the query and its return address, and answers the confirmation
/// page ([`page::confirm`]) naming the site the record would go to. Nothing touches the card:
/// an `<img>`, a link or a form from any page gets this page and no more.
fn checkin_page(shared: &Shared, query: &str) -> Reply {
    let (_, return_to, _) = match query::parse_query(query) {
        Ok(parsed) => parsed,
        Err(e) => return Reply::error(&e),
    };
    let return_origin = match allowed_return(shared, &return_to) {
        Ok(origin) => origin,
        Err(e) => return Reply::error(&e),
    };
    let mut bytes = [0u8; 32];
    if getrandom::fill(&mut bytes).is_err() {
        return Reply::error(&ApiError::new(Code::Internal, "no randomness for the confirmation"));
    }
    let id = hex::encode(bytes);
    if let Ok(mut tickets) = shared.tickets.lock() {
        tickets.retain(|t| t.issued.elapsed() < TICKET_LIFETIME);
        if tickets.len() >= MAX_TICKETS {
            tickets.remove(0);
        }
        tickets.push(Ticket { id: id.clone(), query: query.to_owned(), issued: std::time::Instant::now() });
    }
    let (html, csp) = page::confirm(&return_origin, &id);
    Reply::page(html, csp)
}

/// The return address's origin when it is on the allow-list: only a listed address ever
/// receives the record.
fn allowed_return(shared: &Shared, return_to: &str) -> Result<String, ApiError> {
    match config::origin_of_url(return_to) {
        Ok(origin) if shared.gate.allows_origin(&origin) => Ok(origin),
        Ok(origin) => {
            Err(ApiError::new(Code::Forbidden, format!("the return address's origin {origin} is not allowed")))
        }
        Err(e) => Err(ApiError::new(Code::BadRequest, format!("return: {e}"))),
    }
}

/// `POST /v1/checkin/confirm` (`ticket=…&answer=read|cancel`, from the confirmation page):
/// takes the ticket once, reads the card (on `read`), and answers the page that posts the
/// check-in fields with the verdict (or `error`) and `state` back to the return address.
fn checkin_confirmed(shared: &Shared, caller: &Caller, body: &[u8]) -> Reply {
    let form = String::from_utf8_lossy(body);
    let field = |name: &str| {
        form.split('&')
            .find_map(|pair| pair.strip_prefix(name).and_then(|rest| rest.strip_prefix('=')))
            .map(str::to_owned)
    };
    let ticket = field("ticket").unwrap_or_default();
    let taken = shared.tickets.lock().ok().and_then(|mut tickets| {
        let at = tickets.iter().position(|t| {
            t.issued.elapsed() < TICKET_LIFETIME && bool::from(t.id.as_bytes().ct_eq(ticket.as_bytes()))
        })?;
        Some(tickets.remove(at))
    });
    let Some(taken) = taken else {
        return Reply::error(&ApiError::new(
            Code::Forbidden,
            "this confirmation is unknown, used or expired: start again from your system's page",
        ));
    };
    let (mut read_request, return_to, state) = match query::parse_query(&taken.query) {
        Ok(parsed) => parsed,
        Err(e) => return Reply::error(&e),
    };
    let return_origin = match allowed_return(shared, &return_to) {
        Ok(origin) => origin,
        Err(e) => return Reply::error(&e),
    };
    let fields = if field("answer").as_deref() != Some("read") {
        vec![("error", Code::Cancelled.word().to_owned())]
    } else {
        match ReadSlot::take(shared, reading_of(caller)) {
            Err(e) => vec![("error", e.code.word().to_owned())],
            Ok(_slot) => {
                if read_request.reader.is_none() {
                    read_request.reader.clone_from(&shared.reader);
                }
                match answer::perform(shared.cards.as_ref(), &shared.trust, &read_request, &shared.cancel) {
                    // A card that failed a check posts back its verdict, never a record.
                    Ok(answer) if answer.check_failed => vec![
                        ("error", Code::CheckFailed.word().to_owned()),
                        ("verdict", answer.body.get("verdict").and_then(Value::as_str).unwrap_or_default().to_owned()),
                    ],
                    Ok(answer) => checkin_fields(&answer.body),
                    Err(e) => vec![("error", e.code.word().to_owned())],
                }
            }
        }
    };
    let mut fields = fields;
    fields.push(("state", state));
    let (html, csp) = page::post_back(&return_to, &return_origin, &fields);
    Reply::page(html, csp)
}

/// The check-in record's fields as form fields, with the verdict.
fn checkin_fields(body: &Value) -> Vec<(&'static str, String)> {
    const NAMES: [&str; 7] = ["so_cccd", "ho_ten", "ngay_sinh", "gioi_tinh", "dia_chi", "ngay_cap", "ngay_sinh_vn"];
    let mut fields: Vec<(&'static str, String)> = NAMES
        .iter()
        .map(|name| {
            let value = body.get("checkin").and_then(|c| c.get(name)).unwrap_or(&Value::Null);
            (
                *name,
                value
                    .as_str()
                    .map_or_else(|| if value.is_null() { String::new() } else { value.to_string() }, str::to_owned),
            )
        })
        .collect();
    let passive = body.pointer("/report/verification/passive/status").and_then(Value::as_str).unwrap_or("").to_owned();
    fields.push(("passive_authentication", passive));
    fields.push(("verdict", body.get("verdict").and_then(Value::as_str).unwrap_or_default().to_owned()));
    fields
}
