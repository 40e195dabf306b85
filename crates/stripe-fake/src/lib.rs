//! A fake Stripe for VersaTalent POS tests: PaymentIntents, refunds, customers and Terminal
//! (locations, simulated readers, the server-driven reader flow) over loopback HTTP, answering
//! Stripe-shaped JSON from a [`Simulator`].
//!
//! Like Stripe it wants `Authorization: Bearer sk_test_…` (or `rk_test_…`), reads form-encoded
//! bodies with bracket keys, honours `Idempotency-Key` (same key and parameters: the first answer
//! again, with `Idempotent-Replayed: true`; other parameters: 400) and sends a `Date` header.
//!
//! Faults for tests, through [`FakeStripe`]'s methods or `/_fake/…` requests: fail the next N
//! matching requests with a status, delay answers, process a request then cut the connection
//! without answering, take a reader off line, read the request log, reset.
//!
//! [`localstripe::LocalStripe`] runs the real localstripe from PyPI instead, for the tests that
//! want Stripe's own API behaviour and its signed webhooks.

mod http;
mod json;
#[cfg(unix)]
pub mod localstripe;
mod routes;

use std::collections::HashMap;
use std::io::{self, BufReader};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use http::http_date;
use http::{HttpRequest, HttpResponse};
use versapos_payments::sim::Simulator;
use versapos_payments::{GatewayResult, Reader};

/// A key the fake accepts (any `sk_test_…` or `rk_test_…` will do).
pub const TEST_KEY: &str = "sk_test_VersaPosFake0000000000";

/// How long a connection may sit idle between requests before the fake closes it.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// One request the fake received (its `/v1/…` API only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    pub idempotency_key: Option<String>,
    /// The status answered; `None` when the connection was cut instead.
    pub status: Option<u16>,
}

#[derive(Clone, Debug)]
struct FailRule {
    prefix: String,
    remaining: u32,
    status: u16,
}

#[derive(Clone, Debug)]
struct CutRule {
    prefix: String,
    remaining: u32,
}

#[derive(Clone, Debug)]
struct DelayRule {
    prefix: String,
    delay: Duration,
}

#[derive(Debug, Default)]
struct Faults {
    fail: Vec<FailRule>,
    cut: Vec<CutRule>,
    delay: Vec<DelayRule>,
}

/// An answer kept for an idempotency key.
#[derive(Clone, Debug)]
struct Stored {
    fingerprint: String,
    response: HttpResponse,
}

struct Shared {
    sim: Mutex<Simulator>,
    faults: Mutex<Faults>,
    log: Mutex<Vec<LoggedRequest>>,
    keys: Mutex<HashMap<String, Stored>>,
    stop: AtomicBool,
}

/// A poisoned lock only means a handler panicked; the state it guards is still whole.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn new_simulator() -> Simulator {
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0x5eed);
    let mut sim = Simulator::new(seed);
    sim.set_now(unix_now());
    sim
}

/// The fake Stripe server, on 127.0.0.1. Dropping it stops it.
pub struct FakeStripe {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for FakeStripe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeStripe")
            .field("addr", &self.addr)
            .finish()
    }
}

impl FakeStripe {
    /// Starts on a free port of 127.0.0.1.
    ///
    /// # Panics
    /// When no loopback port can be bound (a test cannot run without one).
    pub fn start() -> FakeStripe {
        match FakeStripe::start_on(0) {
            Ok(fake) => fake,
            Err(e) => panic!("the fake Stripe could not listen on 127.0.0.1: {e}"),
        }
    }

    /// Starts on 127.0.0.1:`port` (0: a free port).
    pub fn start_on(port: u16) -> io::Result<FakeStripe> {
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            sim: Mutex::new(new_simulator()),
            faults: Mutex::new(Faults::default()),
            log: Mutex::new(Vec::new()),
            keys: Mutex::new(HashMap::new()),
            stop: AtomicBool::new(false),
        });
        let accept_shared = Arc::clone(&shared);
        let accept = thread::Builder::new()
            .name("stripe-fake-accept".to_string())
            .spawn(move || accept_loop(&listener, &accept_shared))?;
        Ok(FakeStripe {
            addr,
            shared,
            accept: Some(accept),
        })
    }

    /// `http://127.0.0.1:PORT`, the base URL to give a Stripe client.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Works on the simulator directly (its clock set to now).
    pub fn with_sim<T>(&self, f: impl FnOnce(&mut Simulator) -> T) -> T {
        let mut sim = lock(&self.shared.sim);
        sim.set_now(unix_now());
        f(&mut sim)
    }

    /// The readers, oldest first.
    pub fn readers(&self) -> Vec<Reader> {
        self.with_sim(|sim| sim.readers())
    }

    /// Takes a reader off line (or back on line).
    pub fn set_reader_online(&self, reader: &str, online: bool) -> GatewayResult<Reader> {
        self.with_sim(|sim| sim.set_reader_online(reader, online))
    }

    /// The next `count` requests whose path starts with `prefix` are answered `status` (an
    /// `api_error`) without being processed.
    pub fn fail_next(&self, prefix: &str, count: u32, status: u16) {
        lock(&self.shared.faults).fail.push(FailRule {
            prefix: prefix.to_string(),
            remaining: count,
            status,
        });
    }

    /// The next `count` requests whose path starts with `prefix` are processed, then the
    /// connection is closed without an answer.
    pub fn cut_after(&self, prefix: &str, count: u32) {
        lock(&self.shared.faults).cut.push(CutRule {
            prefix: prefix.to_string(),
            remaining: count,
        });
    }

    /// Every answer to a request whose path starts with `prefix` waits `delay` (after the
    /// request was processed) until [`FakeStripe::clear_delays`] or [`FakeStripe::reset`].
    pub fn delay(&self, prefix: &str, delay: Duration) {
        lock(&self.shared.faults).delay.push(DelayRule {
            prefix: prefix.to_string(),
            delay,
        });
    }

    pub fn clear_delays(&self) {
        lock(&self.shared.faults).delay.clear();
    }

    /// The `/v1/…` requests received so far, oldest first.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        lock(&self.shared.log).clone()
    }

    /// The requests whose method is `method` and whose path starts with `prefix`.
    pub fn requests_to(&self, method: &str, prefix: &str) -> Vec<LoggedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == method && r.path.starts_with(prefix))
            .collect()
    }

    /// Back to a fresh account: new simulator, no faults, empty log, no idempotency keys.
    pub fn reset(&self) {
        reset(&self.shared);
    }
}

fn reset(shared: &Shared) {
    *lock(&shared.sim) = new_simulator();
    *lock(&shared.faults) = Faults::default();
    lock(&shared.log).clear();
    lock(&shared.keys).clear();
}

impl Drop for FakeStripe {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so that it sees the stop flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let shared = Arc::clone(shared);
        let spawned = thread::Builder::new()
            .name("stripe-fake-conn".to_string())
            .spawn(move || serve_connection(stream, &shared));
        if spawned.is_err() {
            // Out of threads: the connection is dropped, as an overloaded server would.
            continue;
        }
    }
}

fn serve_connection(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(IDLE_TIMEOUT));
    let _ = stream.set_nodelay(true);
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    loop {
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
        let request = match http::read_request(&mut reader) {
            Ok(Some(r)) => r,
            Ok(None) => return,
            Err(e) => {
                let body = serde_json::json!({"error": {"type": "invalid_request_error", "message": format!("malformed request: {e}")}});
                let response = HttpResponse {
                    status: 400,
                    headers: Vec::new(),
                    body: body.to_string(),
                };
                let _ = http::write_response(&mut writer, &response, false);
                return;
            }
        };
        if shared.stop.load(Ordering::SeqCst) {
            // Stopped while this connection was idle: close it, as a server going down would.
            return;
        }
        match answer(shared, &request) {
            Answer::Cut => {
                let _ = writer.shutdown(Shutdown::Both);
                return;
            }
            Answer::Respond(response, delay) => {
                if let Some(delay) = delay {
                    thread::sleep(delay);
                }
                let keep_alive = request.keep_alive;
                if http::write_response(&mut writer, &response, keep_alive).is_err() || !keep_alive
                {
                    return;
                }
            }
        }
    }
}

enum Answer {
    Respond(HttpResponse, Option<Duration>),
    Cut,
}

fn json_response(status: u16, body: &serde_json::Value) -> HttpResponse {
    HttpResponse {
        status,
        headers: Vec::new(),
        body: body.to_string(),
    }
}

fn stripe_error(status: u16, kind: &str, code: Option<&str>, message: &str) -> HttpResponse {
    json_response(
        status,
        &serde_json::json!({"error": {"type": kind, "code": code, "message": message}}),
    )
}

fn key_is_accepted(request: &HttpRequest) -> bool {
    let Some(auth) = request.header("authorization") else {
        return false;
    };
    let Some(key) = auth.strip_prefix("Bearer ") else {
        return false;
    };
    let key = key.trim();
    (key.starts_with("sk_test_") || key.starts_with("rk_test_")) && key.len() > 8
}

/// The form parameters of a request: the query string for GET, the body otherwise.
fn params(request: &HttpRequest) -> Vec<(String, String)> {
    let source: &[u8] = if request.method == "GET" || request.method == "DELETE" {
        request.query.as_bytes()
    } else {
        &request.body
    };
    form_urlencoded::parse(source).into_owned().collect()
}

fn answer(shared: &Shared, request: &HttpRequest) -> Answer {
    if request.path.starts_with("/_fake/") {
        return Answer::Respond(routes::control(shared, request), None);
    }
    let idempotency_key = request.header("idempotency-key").map(str::to_string);
    let path = request.path.clone();
    let log = |status: Option<u16>| {
        lock(&shared.log).push(LoggedRequest {
            method: request.method.clone(),
            path: path.clone(),
            idempotency_key: idempotency_key.clone(),
            status,
        });
    };
    let delay = lock(&shared.faults)
        .delay
        .iter()
        .find(|d| path.starts_with(&d.prefix))
        .map(|d| d.delay);
    let injected = {
        let mut faults = lock(&shared.faults);
        faults
            .fail
            .iter_mut()
            .find(|f| f.remaining > 0 && path.starts_with(&f.prefix))
            .map(|f| {
                f.remaining -= 1;
                f.status
            })
    };
    if let Some(status) = injected {
        log(Some(status));
        let response = stripe_error(
            status,
            "api_error",
            None,
            "An unexpected error occurred (injected by the test).",
        );
        return Answer::Respond(response, delay);
    }
    let response = if !key_is_accepted(request) {
        stripe_error(
            401,
            "invalid_request_error",
            None,
            "Invalid API Key provided: send Authorization: Bearer sk_test_… or rk_test_…",
        )
    } else {
        let params = params(request);
        match (&idempotency_key, request.method.as_str()) {
            (Some(key), "POST") => idempotent(shared, key, request, &params),
            _ => routes::route(shared, request, &params),
        }
    };
    let cut = {
        let mut faults = lock(&shared.faults);
        faults
            .cut
            .iter_mut()
            .find(|c| c.remaining > 0 && path.starts_with(&c.prefix))
            .map(|c| c.remaining -= 1)
            .is_some()
    };
    if cut {
        log(None);
        return Answer::Cut;
    }
    log(Some(response.status));
    Answer::Respond(response, delay)
}

/// Stripe's idempotency: the first answer for a key is kept and given again for the same
/// parameters; other parameters with the same key are refused.
fn idempotent(
    shared: &Shared,
    key: &str,
    request: &HttpRequest,
    params: &[(String, String)],
) -> HttpResponse {
    let mut sorted = params.to_vec();
    sorted.sort();
    let fingerprint = format!("{} {} {sorted:?}", request.method, request.path);
    // Held across the call so that two concurrent requests with one key run one after the other.
    let mut keys = lock(&shared.keys);
    if let Some(stored) = keys.get(key) {
        if stored.fingerprint == fingerprint {
            let mut response = stored.response.clone();
            response
                .headers
                .push(("Idempotent-Replayed".to_string(), "true".to_string()));
            return response;
        }
        return stripe_error(
            400,
            "idempotency_error",
            Some("idempotency_key_in_use"),
            &format!(
                "Keys for idempotent requests can only be used with the same parameters they were \
                 first used with. Try using a key other than '{key}' if you meant to execute a \
                 different request."
            ),
        );
    }
    let mut response = routes::route(shared, request, params);
    response
        .headers
        .push(("Idempotency-Key".to_string(), key.to_string()));
    if response.status < 500 {
        keys.insert(
            key.to_string(),
            Stored {
                fingerprint,
                response: response.clone(),
            },
        );
    }
    response
}
