//! The relay's connections, from accept to close: how many may be open, how long each may take
//! over a request's head, sit idle or spend on one request, who makes room when all are taken,
//! and how they end at shutdown. Requests themselves go to the router (`http.rs`).
//!
//! Each connection is in one phase at a time, and a watchdog closes it when the phase's time is
//! up: `Fresh` (just accepted, nothing answered yet) and `Head` (bytes of a request have come
//! after an idle spell) have the header timeout, `Idle` (between requests) the idle timeout,
//! `Active` (a request being answered, its answer being written) the request timeout.

use crate::error::RelayError;
use crate::limits::Limits;
use crate::metrics::{Closed, Metrics};
use axum::body::Body;
use axum::body::Bytes;
use axum::http::{header, HeaderValue, Request, Response};
use axum::response::IntoResponse;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::HashMap;
use std::convert::Infallible;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, watch, Notify, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tower::ServiceExt;

/// The longest request target (path and query) answered; longer ones get 414.
pub const URI_LIMIT: usize = 8 * 1024;
/// The most header lines a request may carry; more get 431.
pub const HEADER_COUNT_LIMIT: usize = 64;
/// The most bytes of headers a request may carry; more get 431.
pub const HEADER_BYTES_LIMIT: usize = 16 * 1024;
/// What HTTP parsing itself holds of a request's head: above the limits the relay answers in
/// JSON, so that those answers can be given. A head beyond these is cut by the HTTP layer with
/// a bare 431 and the connection closed.
const HEAD_BUFFER: usize = 64 * 1024;
const HEAD_LINES: usize = 128;
/// Accepted connections that may wait at once for a place freed for them.
const WAITING: usize = 64;
/// How long an accepted connection waits for the place freed for it.
const WAIT_FOR_PLACE: Duration = Duration::from_secs(1);
/// Time beyond the request timeout for writing the answer (the 408 included) before the
/// connection is closed under it.
const ANSWER_GRACE: Duration = Duration::from_secs(5);
/// The longest pause between attempts to accept after an error such as running out of file
/// descriptors, and how often such errors are logged at most.
const ACCEPT_BACKOFF_MAX: Duration = Duration::from_secs(1);
const ACCEPT_LOG_EVERY: Duration = Duration::from_secs(30);

/// Where a connection is in its life; see the module's first lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Phase {
    Fresh = 0,
    Head = 1,
    Active = 2,
    Idle = 3,
}

impl Phase {
    fn from_u8(n: u8) -> Phase {
        match n {
            0 => Phase::Fresh,
            1 => Phase::Head,
            2 => Phase::Active,
            _ => Phase::Idle,
        }
    }
}

/// One connection's state, shared by its socket wrapper, its requests and its watchdog.
struct Conn {
    phase: AtomicU8,
    /// When the phase began, in milliseconds since the server's start.
    since: AtomicU64,
    /// Requests being answered (their answers not yet fully written).
    exchanges: AtomicUsize,
    /// Set when the connection is picked to make room for a new one.
    shed: AtomicBool,
    /// The new connection its place goes to when it closes, once it has been picked: handed
    /// over, so that no other newcomer takes it first.
    heir: Mutex<Option<oneshot::Sender<OwnedSemaphorePermit>>>,
    changed: Notify,
    start: Instant,
}

impl Conn {
    fn new(start: Instant) -> Conn {
        let conn = Conn {
            phase: AtomicU8::new(Phase::Fresh as u8),
            since: AtomicU64::new(0),
            exchanges: AtomicUsize::new(0),
            shed: AtomicBool::new(false),
            heir: Mutex::new(None),
            changed: Notify::new(),
            start,
        };
        conn.since.store(conn.now_ms(), Ordering::Relaxed);
        conn
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn phase(&self) -> Phase {
        Phase::from_u8(self.phase.load(Ordering::Acquire))
    }

    fn enter(&self, phase: Phase) {
        self.since.store(self.now_ms(), Ordering::Relaxed);
        self.phase.store(phase as u8, Ordering::Release);
        self.changed.notify_one();
    }

    /// Bytes arrived: after an idle spell they start a request's head.
    fn read_some(&self) {
        if self.phase() == Phase::Idle {
            self.enter(Phase::Head);
        }
    }

    fn begin_exchange(self: &Arc<Self>) -> Exchange {
        self.exchanges.fetch_add(1, Ordering::AcqRel);
        self.enter(Phase::Active);
        Exchange(Arc::clone(self))
    }

    /// When the current phase runs out, and what closing then counts as.
    fn deadline(&self, limits: &Limits) -> (Instant, Closed) {
        let since = self.start + Duration::from_millis(self.since.load(Ordering::Relaxed));
        match self.phase() {
            Phase::Fresh | Phase::Head => (since + limits.header_timeout, Closed::HeaderTimeout),
            Phase::Idle => (since + limits.idle_timeout, Closed::IdleTimeout),
            Phase::Active => (
                since + limits.request_timeout + ANSWER_GRACE,
                Closed::RequestTimeout,
            ),
        }
    }

    /// Whether it may be closed to make room: no request in hand.
    fn waiting(&self) -> bool {
        self.phase() != Phase::Active
    }

    fn heir(&self) -> MutexGuard<'_, Option<oneshot::Sender<OwnedSemaphorePermit>>> {
        // A slot that is set or taken whole: still sound if a holder panicked.
        self.heir.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One request being answered; ends when its answer has been written (or dropped).
struct Exchange(Arc<Conn>);

impl Drop for Exchange {
    fn drop(&mut self) {
        if self.0.exchanges.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.0.enter(Phase::Idle);
        }
    }
}

/// An answer's body that holds its exchange open until it has all been written.
struct Tracked {
    body: Body,
    _exchange: Exchange,
}

impl http_body::Body for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

/// The socket, noting when bytes arrive.
struct Watched {
    stream: TcpStream,
    conn: Arc<Conn>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.conn.read_some();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

/// Every open connection, and the places left.
struct Connections {
    app: Router,
    limits: Limits,
    metrics: Arc<Metrics>,
    stopping: watch::Receiver<bool>,
    start: Instant,
    open: Mutex<HashMap<u64, Arc<Conn>>>,
    places: Arc<Semaphore>,
    waiting: Arc<Semaphore>,
    next: AtomicU64,
    /// The answer to a connection there is no place for, written whole.
    busy: Bytes,
}

impl Connections {
    fn open(&self) -> MutexGuard<'_, HashMap<u64, Arc<Conn>>> {
        // A map of handles: still whole if a holder panicked.
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Picks the connection that has waited longest without a request in hand and tells it to
    /// close; its place, once it has closed, or `None` when there is no such connection.
    fn shed_one(&self) -> Option<oneshot::Receiver<OwnedSemaphorePermit>> {
        let open = self.open();
        let oldest = open
            .values()
            .filter(|c| c.waiting() && !c.shed.load(Ordering::Relaxed))
            .min_by_key(|c| c.since.load(Ordering::Relaxed))?;
        let (heir, place) = oneshot::channel();
        *oldest.heir() = Some(heir);
        oldest.shed.store(true, Ordering::Relaxed);
        oldest.changed.notify_one();
        Some(place)
    }

    /// Answers 503 and closes: no place could be made for this connection (`why`).
    fn refuse(&self, stream: TcpStream, why: &'static str) {
        tracing::debug!(why, "connection refused");
        self.metrics.connection_refused();
        // Best effort and never waited for: a client that does not read loses the answer.
        let _ = stream.try_write(&self.busy);
    }

    /// Serves an accepted connection now, or once a waiting one has made room for it.
    async fn admit(self: &Arc<Self>, stream: TcpStream, tasks: &mut JoinSet<()>) {
        if let Ok(place) = Arc::clone(&self.places).try_acquire_owned() {
            let this = Arc::clone(self);
            tasks.spawn(async move { this.serve(stream, place).await });
            return;
        }
        // A burst of newcomers could outrun the connections closing to make room for them:
        // accepting pauses (the rest wait in the kernel's queue, holding no descriptor of ours)
        // until one of the waiting turns is free, rather than turning them away.
        let waiting =
            tokio::time::timeout(WAIT_FOR_PLACE, Arc::clone(&self.waiting).acquire_owned()).await;
        let Ok(Ok(waiting)) = waiting else {
            self.refuse(stream, "too many waiting for a place");
            return;
        };
        let Some(handed) = self.shed_one() else {
            self.refuse(stream, "every connection is busy with a request");
            return;
        };
        let this = Arc::clone(self);
        tasks.spawn(async move {
            // The picked connection may have taken a request meanwhile: then it keeps its place.
            let place = tokio::time::timeout(WAIT_FOR_PLACE, handed).await;
            drop(waiting);
            match place {
                Ok(Ok(place)) => this.serve(stream, place).await,
                _ => this.refuse(stream, "no place was freed in time"),
            }
        });
    }

    async fn serve(self: Arc<Self>, stream: TcpStream, place: OwnedSemaphorePermit) {
        let _open = self.metrics.connection();
        let conn = Arc::new(Conn::new(self.start));
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        self.open().insert(id, Arc::clone(&conn));
        self.watch(stream, &conn).await;
        self.open().remove(&id);
        let heir = conn.heir().take();
        if let Some(heir) = heir {
            // Gone already (it waited too long): the place goes back to everyone.
            let _ = heir.send(place);
        }
    }

    /// Runs the HTTP connection until it ends, its time is up, it is shed, or the relay stops.
    async fn watch(&self, stream: TcpStream, conn: &Arc<Conn>) {
        let io = TokioIo::new(Watched {
            stream,
            conn: Arc::clone(conn),
        });
        let service = {
            let (app, conn, limits) = (self.app.clone(), Arc::clone(conn), self.limits);
            hyper::service::service_fn(move |request: Request<Incoming>| {
                let exchange = conn.begin_exchange();
                let app = app.clone();
                async move {
                    let response = answer(app, request, &limits).await;
                    Ok::<_, Infallible>(response.map(|body| {
                        Body::new(Tracked {
                            body,
                            _exchange: exchange,
                        })
                    }))
                }
            })
        };
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new())
            // The watchdog below times heads and idle spells itself: hyper's own timeout would
            // also cut idle connections at the header timeout.
            .header_read_timeout(None)
            .max_buf_size(HEAD_BUFFER)
            .max_headers(HEAD_LINES);
        let served = http.serve_connection(io, service);
        tokio::pin!(served);
        let mut stopping = self.stopping.clone();
        let mut draining = *stopping.borrow_and_update();
        if draining {
            return;
        }
        loop {
            let (deadline, why) = conn.deadline(&self.limits);
            tokio::select! {
                ended = served.as_mut() => {
                    if let Err(e) = ended {
                        tracing::debug!(error = %e, "connection ended");
                    }
                    return;
                }
                () = conn.changed.notified() => {}
                () = tokio::time::sleep_until(deadline) => {
                    if conn.deadline(&self.limits).0 <= Instant::now() {
                        self.metrics.connection_closed(why);
                        return;
                    }
                }
                _ = stopping.changed(), if !draining => {
                    draining = true;
                    // Keep-alive off: a request in hand is answered, then the connection closes.
                    served.as_mut().graceful_shutdown();
                }
            }
            if conn.shed.load(Ordering::Relaxed) && conn.waiting() {
                self.metrics.connection_closed(Closed::Shed);
                return;
            }
            // Stopping: nothing is lost by closing a connection with no request in hand.
            if draining && conn.waiting() {
                return;
            }
        }
    }
}

/// The router's answer, with the request's size and time capped and every refusal in JSON.
async fn answer(app: Router, request: Request<Incoming>, limits: &Limits) -> Response<Body> {
    if let Some(refusal) = oversized(&request) {
        return refusal.into_response();
    }
    match tokio::time::timeout(limits.request_timeout, app.oneshot(request)).await {
        Ok(Ok(response)) => response,
        Ok(Err(never)) => match never {},
        Err(_) => {
            let mut response = RelayError::RequestTimeout {
                secs: limits.request_timeout.as_secs(),
            }
            .into_response();
            // What is left of the request is not read: the connection cannot carry another.
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            response
        }
    }
}

/// A request whose target or headers are over the limits, as its refusal.
fn oversized(request: &Request<Incoming>) -> Option<RelayError> {
    let target = request
        .uri()
        .path_and_query()
        .map_or(0, |p| p.as_str().len());
    if target > URI_LIMIT {
        return Some(RelayError::UriTooLong { limit: URI_LIMIT });
    }
    let headers = request.headers();
    let bytes: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    if headers.len() > HEADER_COUNT_LIMIT || bytes > HEADER_BYTES_LIMIT {
        return Some(RelayError::HeadersTooLarge {
            lines: HEADER_COUNT_LIMIT,
            bytes: HEADER_BYTES_LIMIT,
        });
    }
    None
}

/// The whole answer to a connection there is no place for.
fn busy_answer() -> Bytes {
    let body = serde_json::json!({
        "error": {
            "code": "too_many_connections",
            "message": "the relay is busy with as many connections as it takes; try again shortly",
        }
    })
    .to_string();
    Bytes::from(format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nretry-after: 1\r\nconnection: close\r\n\r\n{body}",
        body.len()
    ))
}

/// Errors that end one connection attempt, not the listener: accept again at once.
fn only_this_connection(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
            | io::ErrorKind::Interrupted
    )
}

/// Accepts and serves connections on `listener` until `stopping` turns true, then answers what
/// is in hand and returns within the shutdown timeout, closing whatever is still open.
pub async fn run(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    metrics: Arc<Metrics>,
    mut stopping: watch::Receiver<bool>,
) -> io::Result<()> {
    let connections = Arc::new(Connections {
        app,
        limits,
        metrics: Arc::clone(&metrics),
        stopping: stopping.clone(),
        start: Instant::now(),
        open: Mutex::new(HashMap::new()),
        places: Arc::new(Semaphore::new(limits.max_connections.max(1))),
        waiting: Arc::new(Semaphore::new(WAITING)),
        next: AtomicU64::new(0),
        busy: busy_answer(),
    });
    let mut tasks = JoinSet::new();
    let mut backoff = Duration::ZERO;
    let mut last_logged: Option<Instant> = None;
    let mut unlogged = 0u64;
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stopping.wait_for(|stop| *stop) => break,
        };
        while tasks.try_join_next().is_some() {}
        match accepted {
            Ok((stream, _)) => {
                backoff = Duration::ZERO;
                connections.admit(stream, &mut tasks).await;
            }
            Err(e) if only_this_connection(&e) => {}
            Err(e) => {
                // Out of file descriptors (or memory): retrying at once would spin and flood the
                // log while nothing can be accepted. Pause, longer each time, and log now and then.
                metrics.accept_error();
                unlogged += 1;
                if last_logged.is_none_or(|at| at.elapsed() >= ACCEPT_LOG_EVERY) {
                    tracing::error!(error = %e, times = unlogged, "cannot accept connections");
                    last_logged = Some(Instant::now());
                    unlogged = 0;
                }
                backoff = (backoff * 2).clamp(Duration::from_millis(10), ACCEPT_BACKOFF_MAX);
                tokio::select! {
                    () = tokio::time::sleep(backoff) => {}
                    _ = stopping.wait_for(|stop| *stop) => break,
                }
            }
        }
    }
    drop(listener);
    let drained = tokio::time::timeout(limits.shutdown_timeout, async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            connections = tasks.len(),
            "closing connections still busy at the shutdown timeout"
        );
        tasks.abort_all();
    }
    Ok(())
}
