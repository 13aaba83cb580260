//! The HTTP/1.1 server under the routes: `hyper` on a two-thread tokio runtime of its own,
//! built so that no request can stop it (issue 23):
//! - headers must arrive within [`HEADER_TIMEOUT`] (hyper's header read timeout), and a
//!   connection lives at most [`CONNECTION_LIMIT`];
//! - a body is read only for `POST /v1/read` (and the confirmation page's
//!   `POST /v1/checkin/confirm`) from a caller the gate admitted, only when its
//!   declared length is at most 16 KiB (else 413 at once, nothing allocated), through a limit
//!   that stops at 16 KiB whatever the header said, and within [`BODY_TIMEOUT`]; an unread body
//!   is never drained: the connection is closed after the answer;
//! - every connection is a task, not a thread, and at most [`MAX_CONNECTIONS`] are open: idle or
//!   slow connections cannot starve a listed page;
//! - the routes (the gate, the read, PC/SC and the core, all blocking) run on the blocking pool.

use std::convert::Infallible;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};

use crate::gate::{Caller, RequestHeaders};
use crate::{Reply, Shared};
use cancuoc_kit::error::{ApiError, Code};

/// How long a client has to send its request line and headers.
pub(crate) const HEADER_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a client has to send its body, once its headers are in.
pub(crate) const BODY_TIMEOUT: Duration = Duration::from_secs(5);
/// The longest a connection lives: a read waits up to 60 s for a card, then reads it.
const CONNECTION_LIMIT: Duration = Duration::from_secs(150);
/// Connections open at once; more are closed as they arrive.
const MAX_CONNECTIONS: usize = 256;
/// The largest body read (a read request is well under 1 KiB).
pub(crate) const MAX_BODY: usize = 16 * 1024;

/// Serves `listener` on a thread of its own until `stop` fires (or its sender is dropped);
/// the thread ends once the listener is closed and the runtime shut down.
pub(crate) fn start(
    listener: std::net::TcpListener,
    shared: Arc<Shared>,
    stop: tokio::sync::oneshot::Receiver<()>,
) -> std::io::Result<JoinHandle<()>> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("cancuoc-agent")
        .enable_all()
        .build()?;
    let listener = {
        let _context = runtime.enter();
        tokio::net::TcpListener::from_std(listener)?
    };
    Ok(std::thread::spawn(move || {
        runtime.block_on(accept(listener, shared, stop));
        // Ends the connections still open; a read under way was cancelled by the caller.
        runtime.shutdown_timeout(Duration::from_secs(2));
    }))
}

async fn accept(listener: tokio::net::TcpListener, shared: Arc<Shared>, mut stop: tokio::sync::oneshot::Receiver<()>) {
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        let accepted = tokio::select! {
            _ = &mut stop => return,
            accepted = listener.accept() => accepted,
        };
        let Ok((stream, _)) = accepted else { continue };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            (shared.log)("a connection was closed: too many are open");
            continue;
        };
        let shared = shared.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| handle(shared.clone(), request));
            let connection = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .keep_alive(false)
                .max_buf_size(16 * 1024)
                .serve_connection(TokioIo::new(stream), service);
            let _ = tokio::time::timeout(CONNECTION_LIMIT, connection).await;
            drop(slot);
        });
    }
}

/// Cancels the read under way when dropped armed: the request's future was dropped before
/// its answer (its connection went away).
struct CancelOnDrop {
    shared: Arc<Shared>,
    armed: bool,
}

impl CancelOnDrop {
    fn disarm(mut self) {
        self.armed = false;
    }
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if self.armed && self.shared.busy.load(std::sync::atomic::Ordering::SeqCst) {
            (self.shared.log)("the caller went away: the read under way is cancelled");
            self.shared.cancel.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }
}

fn header(request: &Request<Incoming>, name: &str) -> Option<String> {
    request.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

async fn handle(shared: Arc<Shared>, request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or_default().to_owned();
    let headers = RequestHeaders {
        host: header(&request, "host"),
        origin: header(&request, "origin"),
        authorization: header(&request, "authorization"),
        content_type: header(&request, "content-type"),
        private_network: request.headers().contains_key("access-control-request-private-network"),
    };
    let (caller, reply) = match body_of(&shared, &method, &path, &headers, request).await {
        Err(refusal) => refusal,
        Ok(body) => {
            // A read whose caller goes away (the page closed, the connection dropped) is ended:
            // hyper drops this future then, and the guard cancels the read it started.
            let guard = CancelOnDrop { shared: shared.clone(), armed: method == "POST" && path.starts_with("/v1/") };
            let shared = shared.clone();
            let (method, path, headers) = (method.clone(), path.clone(), headers.clone());
            let routed =
                tokio::task::spawn_blocking(move || crate::route(&shared, &method, &path, &query, &headers, &body))
                    .await
                    .unwrap_or_else(|_| {
                        (None, Reply::error(&ApiError::new(Code::Internal, "internal error in cancuoc")))
                    });
            guard.disarm();
            routed
        }
    };
    let who = match &caller {
        Some(Caller::Page(origin)) => origin.as_str(),
        Some(Caller::Program) => "program",
        Some(Caller::Navigation) => "navigation",
        None => "refused",
    };
    (shared.log)(&format!("{method} {path} -> {} ({who}, {} ms)", reply.status, started.elapsed().as_millis()));
    Ok(response(reply, caller.as_ref()))
}

/// The body of a request that needs one (`POST /v1/read` from an admitted caller), read
/// within the limits; empty for every other request, whose body is never read.
async fn body_of(
    shared: &Shared,
    method: &str,
    path: &str,
    headers: &RequestHeaders,
    request: Request<Incoming>,
) -> Result<Vec<u8>, (Option<Caller>, Reply)> {
    let admitted = match (method, path) {
        ("POST", "/v1/read") => shared.gate.admit(headers),
        ("POST", "/v1/checkin/confirm") => shared.gate.admit_own_page(headers),
        _ => return Ok(Vec::new()),
    };
    let Ok(caller) = admitted else { return Ok(Vec::new()) };
    let too_large = || {
        let mut reply = Reply::error(&ApiError::new(Code::BadRequest, "the body is over 16 KiB"));
        reply.status = 413;
        (Some(caller.clone()), reply)
    };
    let declared = request.headers().get("content-length").map(|v| v.to_str().ok().and_then(|t| t.parse::<u64>().ok()));
    match declared {
        Some(None) => {
            return Err((Some(caller.clone()), Reply::error(&ApiError::new(Code::BadRequest, "bad Content-Length"))));
        }
        Some(Some(length)) if length > MAX_BODY as u64 => return Err(too_large()),
        _ => {}
    }
    let limited = Limited::new(request.into_body(), MAX_BODY);
    match tokio::time::timeout(BODY_TIMEOUT, limited.collect()).await {
        Ok(Ok(collected)) => Ok(collected.to_bytes().to_vec()),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => Err(too_large()),
        Ok(Err(_)) => Err((Some(caller), Reply::error(&ApiError::new(Code::BadRequest, "the body could not be read")))),
        Err(_) => {
            let mut reply = Reply::error(&ApiError::new(Code::BadRequest, "the body did not arrive in time"));
            reply.status = 408;
            Err((Some(caller), reply))
        }
    }
}

/// The HTTP response of `reply`, with the headers every answer carries and the caller's CORS
/// headers.
fn response(reply: Reply, caller: Option<&Caller>) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(reply.body)));
    *response.status_mut() =
        hyper::StatusCode::from_u16(reply.status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    let mut all = vec![
        ("Content-Type", reply.content_type.to_owned()),
        ("Cache-Control", "no-store".to_owned()),
        ("X-Content-Type-Options", "nosniff".to_owned()),
        // Every connection serves one request (keep-alive off): say so.
        ("Connection", "close".to_owned()),
    ];
    if let Some(caller) = caller {
        all.extend(crate::gate::cors_headers(caller));
    }
    all.extend(reply.headers);
    for (name, value) in all {
        if let (Ok(name), Ok(value)) =
            (hyper::header::HeaderName::from_bytes(name.as_bytes()), hyper::header::HeaderValue::from_str(&value))
        {
            response.headers_mut().append(name, value);
        }
    }
    response
}
