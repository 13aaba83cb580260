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
//! | `GET /v1/checkin?return=URL&state=S&id=…` | navigate-and-return for plain-`http://` intranet pages |
//!
//! Every request passes the [`gate`] first: `Host` must be the loopback with this port, a
//! page's `Origin` must be on the allow-list (exactly; CORS answers name it, never `*`), and
//! a program without an `Origin` must send the bearer token of `agent.token`. `/v1/read`
//! takes only `application/json` (a form or an image tag cannot start a read). One read at
//! a time; the result goes only to the connection that asked; nothing is kept; the log
//! holds no personal data. A refused request never reaches the card.
//!
//! Built on `tiny_http`: a small blocking HTTP/1.1 server, no async runtime. A desk serves
//! one read at a time and the reader and the core are blocking, so a thread per request
//! (bounded) is all the concurrency needed.

#![forbid(unsafe_code)]

pub mod cards;
pub mod config;
pub mod dump;
pub mod error;
pub mod gate;
mod page;
pub mod read;
pub mod request;

use std::io::Read as _;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Instant;

use cancuoc::TrustStore;
use serde_json::{Value, json};
use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

pub use cards::{Cards, DEMO_READER, DemoCards, PcscCards, ReaderState};
pub use config::DEFAULT_PORT;
pub use error::{ApiError, Code};
use gate::{Caller, Gate, RequestHeaders};

/// The status route's schema name.
pub const SCHEMA: &str = "cancuoc-agent/1";
/// Requests handled at once; more are answered 503 at once.
const MAX_IN_FLIGHT: usize = 16;

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
    in_flight: AtomicUsize,
    log: Box<dyn Fn(&str) + Send + Sync>,
}

/// The running endpoint; stops when dropped.
pub struct Agent {
    server: Option<Arc<Server>>,
    port: u16,
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Agent {
    /// Binds `127.0.0.1:PORT` and serves on a thread of its own.
    ///
    /// # Errors
    /// [`AgentError::Bind`] when the port cannot be had.
    pub fn start(settings: Settings, cards: Box<dyn Cards>) -> Result<Self, AgentError> {
        let server = Server::http(("127.0.0.1", settings.port))
            .map_err(|e| AgentError::Bind { port: settings.port, reason: e.to_string() })?;
        let port = server.server_addr().to_ip().map_or(settings.port, |a| a.port());
        let server = Arc::new(server);
        let shared = Arc::new(Shared {
            gate: Gate::new(port, settings.origins, settings.token),
            cards,
            trust: settings.trust,
            reader: settings.reader,
            busy: AtomicBool::new(false),
            cancel: Arc::new(AtomicBool::new(false)),
            reading: Mutex::new(None),
            in_flight: AtomicUsize::new(0),
            log: settings.log,
        });
        let thread = {
            let (server, shared) = (server.clone(), shared.clone());
            std::thread::spawn(move || serve(&server, &shared))
        };
        Ok(Self { server: Some(server), port, shared, thread: Some(thread) })
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
        if let Some(server) = &self.server {
            server.unblock();
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        // tiny_http closes its listener on a thread of its own, a moment after the server is
        // dropped: wait (at most 2 s) until nothing answers on the port.
        drop(self.server.take());
        let address = std::net::SocketAddr::from(([127, 0, 0, 1], self.port));
        let deadline = Instant::now() + std::time::Duration::from_secs(2);
        while Instant::now() < deadline
            && std::net::TcpStream::connect_timeout(&address, std::time::Duration::from_millis(100)).is_ok()
        {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }
}

fn serve(server: &Arc<Server>, shared: &Arc<Shared>) {
    for request in server.incoming_requests() {
        if shared.in_flight.fetch_add(1, Ordering::SeqCst) >= MAX_IN_FLIGHT {
            shared.in_flight.fetch_sub(1, Ordering::SeqCst);
            let _ = request.respond(Response::from_string("busy").with_status_code(503));
            continue;
        }
        let shared = shared.clone();
        std::thread::spawn(move || {
            handle(&shared, request);
            shared.in_flight.fetch_sub(1, Ordering::SeqCst);
        });
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
}

fn header(request: &Request, name: &'static str) -> Option<String> {
    request.headers().iter().find(|h| h.field.equiv(name)).map(|h| h.value.as_str().to_owned())
}

fn handle(shared: &Shared, mut request: Request) {
    let started = Instant::now();
    let url = request.url().to_owned();
    let (path, query) = url.split_once('?').unwrap_or((url.as_str(), ""));
    let headers = RequestHeaders {
        host: header(&request, "Host"),
        origin: header(&request, "Origin"),
        authorization: header(&request, "Authorization"),
        content_type: header(&request, "Content-Type"),
        private_network: header(&request, "Access-Control-Request-Private-Network").is_some(),
    };
    let method = request.method().clone();
    let (caller, reply) = route(shared, &method, path, query, &headers, &mut request);
    let who = match &caller {
        Some(Caller::Page(origin)) => origin.as_str(),
        Some(Caller::Program) => "program",
        Some(Caller::Navigation) => "navigation",
        None => "refused",
    };
    (shared.log)(&format!("{method} {path} -> {} ({who}, {} ms)", reply.status, started.elapsed().as_millis()));
    let mut response = Response::from_data(reply.body).with_status_code(StatusCode(reply.status));
    let mut all = vec![
        ("Content-Type", reply.content_type.to_owned()),
        ("Cache-Control", "no-store".to_owned()),
        ("X-Content-Type-Options", "nosniff".to_owned()),
    ];
    if let Some(caller) = &caller {
        all.extend(gate::cors_headers(caller));
    }
    all.extend(reply.headers);
    for (name, value) in all {
        if let Ok(h) = Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            response.add_header(h);
        }
    }
    let _ = request.respond(response);
}

/// Routes a request; the caller is `None` when the gate refused it.
fn route(
    shared: &Shared,
    method: &Method,
    path: &str,
    query: &str,
    headers: &RequestHeaders,
    request: &mut Request,
) -> (Option<Caller>, Reply) {
    if *method == Method::Options {
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
        (Method::Get, "/v1/status") if caller == Caller::Navigation => Reply::error(&needs_identity()),
        (Method::Get, "/v1/status") => Reply::json(200, &status(shared)),
        (Method::Post, "/v1/read") if caller == Caller::Navigation => Reply::error(&needs_identity()),
        (Method::Post, "/v1/read") => read_route(shared, &caller, headers, request),
        (Method::Post, "/v1/cancel") if caller == Caller::Navigation => Reply::error(&needs_identity()),
        (Method::Post, "/v1/cancel") => {
            let running = shared.busy.load(Ordering::SeqCst);
            if running {
                shared.cancel.store(true, Ordering::SeqCst);
            }
            Reply::json(200, &json!({"cancelled": running}))
        }
        (Method::Get, "/v1/checkin") => checkin_route(shared, &caller, query),
        (_, "/v1/status" | "/v1/read" | "/v1/cancel" | "/v1/checkin") => {
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
        .map(|r| json!({"name": r.name, "card": r.card}))
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

fn read_route(shared: &Shared, caller: &Caller, headers: &RequestHeaders, request: &mut Request) -> Reply {
    if !gate::is_json(headers.content_type.as_deref()) {
        let mut reply =
            Reply::error(&ApiError::new(Code::BadRequest, "/v1/read takes a Content-Type: application/json body"));
        reply.status = 415;
        return reply;
    }
    let mut body = Vec::new();
    let limit = u64::try_from(request::MAX_BODY + 1).unwrap_or(u64::MAX);
    if request.as_reader().take(limit).read_to_end(&mut body).is_err() {
        return Reply::error(&ApiError::new(Code::BadRequest, "the body could not be read"));
    }
    if body.len() > request::MAX_BODY {
        let mut reply = Reply::error(&ApiError::new(Code::BadRequest, "the body is over 16 KiB"));
        reply.status = 413;
        return reply;
    }
    let read_request = match request::parse_body(&body) {
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
    match read::perform(shared.cards.as_ref(), &shared.trust, &read_request, &shared.cancel) {
        // A failed check is never a success: 422, the verdict and why, no record.
        Ok(answer) if answer.check_failed => Reply::json(Code::CheckFailed.status(), &answer.body),
        Ok(answer) => Reply::json(200, &answer.body),
        Err(e) => Reply::error(&e),
    }
}

fn checkin_route(shared: &Shared, caller: &Caller, query: &str) -> Reply {
    let (mut read_request, return_to, state) = match request::parse_query(query) {
        Ok(parsed) => parsed,
        Err(e) => return Reply::error(&e),
    };
    // Only an allow-listed address ever receives the record.
    let return_origin = match config::origin_of_url(&return_to) {
        Ok(origin) if shared.gate.allows_origin(&origin) => origin,
        Ok(origin) => {
            return Reply::error(&ApiError::new(
                Code::Forbidden,
                format!("the return address's origin {origin} is not allowed"),
            ));
        }
        Err(e) => return Reply::error(&ApiError::new(Code::BadRequest, format!("return: {e}"))),
    };
    let fields = match ReadSlot::take(shared, reading_of(caller)) {
        Err(e) => vec![("error", e.code.word().to_owned())],
        Ok(_slot) => {
            if read_request.reader.is_none() {
                read_request.reader.clone_from(&shared.reader);
            }
            match read::perform(shared.cards.as_ref(), &shared.trust, &read_request, &shared.cancel) {
                // A card that failed a check posts back its verdict, never a record.
                Ok(answer) if answer.check_failed => vec![
                    ("error", Code::CheckFailed.word().to_owned()),
                    ("verdict", answer.body.get("verdict").and_then(Value::as_str).unwrap_or_default().to_owned()),
                ],
                Ok(answer) => checkin_fields(&answer.body),
                Err(e) => vec![("error", e.code.word().to_owned())],
            }
        }
    };
    let mut fields = fields;
    fields.push(("state", state));
    let (html, csp) = page::post_back(&return_to, &return_origin, &fields);
    Reply {
        status: 200,
        body: html.into_bytes(),
        content_type: "text/html; charset=utf-8",
        headers: vec![("Content-Security-Policy", csp), ("Referrer-Policy", "no-referrer".to_owned())],
    }
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
