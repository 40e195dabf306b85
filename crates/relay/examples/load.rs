//! Load generator for the relay's webhook endpoint, run as its own process against a relay on
//! loopback (`tests/perf/relay-load` starts both).
//!
//! Each phase uses `--threads` keep-alive HTTP/1.1 connections (plain `std::net::TcpStream`, so the
//! client's own cost stays small and visible) sending signed, Stripe-shaped events of ~1.5 KB,
//! each with a unique event id:
//!
//! - **throughput**: as fast as the connections allow for `--seconds`; the events the relay
//!   acknowledged are then counted back through `GET /v1/events` with a till token.
//! - **latency**: an open-loop schedule of `--rate` events per second for `--seconds`; each event's
//!   ack latency is timed from the moment it was sent (and, separately, from the moment it was
//!   due, which also shows any backlog). Meanwhile a till long-polls `GET /v1/events`, timing
//!   each event from its send to its arrival in the till's answer.
//!
//! Baselines in the same run: the same client and phases against a trivial in-process loopback
//! server that reads each request and answers 200 without storing anything, and a bare SQLite
//! insert loop (one committed transaction per event, the relay's pragmas) on the same disk
//! (`--no-baselines` leaves them out, for a second relay measured in the same run).
//!
//! Several relays (`--relay` again: instances sharing one PostgreSQL database) share the
//! connections round robin; several shops (`--shops a,b,…`, each with its till token in
//! `VERSAPOS_LOAD_TOKEN`, comma-separated in the same order) share each connection's events.
//! `--bare-postgres URL` instead measures bare PostgreSQL: one event-sized INSERT per
//! transaction from 1, 4 and 16 clients.
//!
//! The last line, `summary: …`, gives the figures for `tests/perf/relay-load`'s table.
//!
//! The signing secret and the till tokens come from `VERSAPOS_LOAD_SECRET` and
//! `VERSAPOS_LOAD_TOKEN` so they do not show in the process list.

use clap::Parser;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use versapos_relay::signature;

#[derive(Parser)]
#[command(about = "Webhook load against a running VersaTalent POS relay")]
struct Args {
    /// The relay's address, as printed by `versapos-relay serve` (`listening on ADDR`); again
    /// for each further instance.
    #[arg(long)]
    relay: Vec<SocketAddr>,
    /// The shops whose webhook endpoints receive the events, comma-separated.
    #[arg(long, default_value = "default", value_delimiter = ',')]
    shops: Vec<String>,
    /// Leaves out the loopback and bare SQLite baselines.
    #[arg(long)]
    no_baselines: bool,
    /// Leaves out the fixed-rate (latency) phase.
    #[arg(long)]
    no_latency: bool,
    /// Leaves out the throughput phase.
    #[arg(long)]
    no_throughput: bool,
    /// Measures bare PostgreSQL at this URL instead of a relay.
    #[arg(long)]
    bare_postgres: Option<String>,
    /// Keep-alive connections, one thread each.
    #[arg(long, default_value_t = 16)]
    threads: usize,
    /// Length of each phase.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Events per second in the latency phase.
    #[arg(long, default_value_t = 500)]
    rate: u32,
    /// Folder for the bare SQLite baseline's database (on the disk the relay uses).
    #[arg(long, default_value = ".")]
    scratch: PathBuf,
    #[arg(
        long,
        env = "VERSAPOS_LOAD_SECRET",
        hide_env_values = true,
        default_value = ""
    )]
    secret: String,
    /// One per shop, in the order of `--shops`.
    #[arg(
        long,
        env = "VERSAPOS_LOAD_TOKEN",
        hide_env_values = true,
        value_delimiter = ',',
        default_value = ""
    )]
    token: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
enum LoadError {
    #[error("{what}: {source}")]
    Io {
        what: &'static str,
        source: std::io::Error,
    },
    #[error("{what}: the server answered something that is not HTTP/1.1: {line:?}")]
    BadResponse { what: &'static str, line: String },
    #[error("{what}: the server answered {status}: {body}")]
    Status {
        what: &'static str,
        status: u16,
        body: String,
    },
    #[error("GET /v1/events: the answer is not the expected JSON: {0}")]
    EventsJson(String),
    #[error("the bare SQLite baseline failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("a load thread panicked")]
    ThreadPanicked,
    #[error("acknowledged events missing from GET /v1/events: {0}")]
    Lost(String),
    #[error("bare PostgreSQL: {0}")]
    Postgres(#[from] postgres::Error),
    #[error("{0}")]
    Usage(&'static str),
}

fn io(what: &'static str) -> impl FnOnce(std::io::Error) -> LoadError {
    move |source| LoadError::Io { what, source }
}

/// One keep-alive HTTP/1.1 connection.
struct Connection {
    writer: TcpStream,
    reader: BufReader<TcpStream>,
    host: String,
    request: Vec<u8>,
}

struct Response {
    status: u16,
    body: Vec<u8>,
}

impl Connection {
    fn open(addr: SocketAddr) -> Result<Self, LoadError> {
        let writer = TcpStream::connect(addr).map_err(io("connect"))?;
        writer.set_nodelay(true).map_err(io("set TCP_NODELAY"))?;
        writer
            .set_read_timeout(Some(Duration::from_secs(30)))
            .map_err(io("set read timeout"))?;
        let reader = BufReader::new(writer.try_clone().map_err(io("clone socket"))?);
        Ok(Connection {
            writer,
            reader,
            host: addr.to_string(),
            request: Vec::with_capacity(4096),
        })
    }

    fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<Response, LoadError> {
        self.request.clear();
        let _ = write!(
            self.request,
            "{method} {path} HTTP/1.1\r\nhost: {}\r\ncontent-length: {}\r\n",
            self.host,
            body.len()
        );
        for (name, value) in headers {
            let _ = write!(self.request, "{name}: {value}\r\n");
        }
        self.request.extend_from_slice(b"\r\n");
        self.request.extend_from_slice(body);
        self.writer
            .write_all(&self.request)
            .map_err(io("send request"))?;
        read_response(&mut self.reader)
    }
}

fn read_response(reader: &mut BufReader<TcpStream>) -> Result<Response, LoadError> {
    let mut line = String::new();
    reader.read_line(&mut line).map_err(io("read status"))?;
    let status = line
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse::<u16>().ok())
        .ok_or_else(|| LoadError::BadResponse {
            what: "status line",
            line: line.clone(),
        })?;
    let length = read_headers(reader)?;
    let mut body = vec![0; length];
    reader.read_exact(&mut body).map_err(io("read body"))?;
    Ok(Response { status, body })
}

/// Reads header lines up to the blank line; returns the body's `content-length` (0 if absent).
fn read_headers(reader: &mut BufReader<TcpStream>) -> Result<usize, LoadError> {
    let mut length = 0;
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).map_err(io("read headers"))? == 0 {
            return Err(LoadError::BadResponse {
                what: "headers",
                line: "connection closed".into(),
            });
        }
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            return Ok(length);
        }
        if let Some((name, value)) = trimmed.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().map_err(|_| LoadError::BadResponse {
                    what: "content-length",
                    line: trimmed.to_string(),
                })?;
            }
        }
    }
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A `payment_intent.succeeded` event shaped like Stripe's, ~1.5 KB.
fn event_body(id: &str, created: i64) -> String {
    format!(
        r#"{{"id":"{id}","object":"event","api_version":"2026-09-30.endive","created":{created},"livemode":false,"pending_webhooks":1,"request":{{"id":null,"idempotency_key":"ord_{id}"}},"type":"payment_intent.succeeded","data":{{"object":{{"id":"pi_{id}","object":"payment_intent","amount":1250,"amount_capturable":0,"amount_details":{{"tip":{{}}}},"amount_received":1250,"application":null,"application_fee_amount":null,"automatic_payment_methods":null,"canceled_at":null,"cancellation_reason":null,"capture_method":"manual","client_secret":"pi_{id}_secret_loadtest","confirmation_method":"automatic","created":{created},"currency":"gbp","customer":null,"description":"VersaTalent POS sale","last_payment_error":null,"latest_charge":"ch_{id}","livemode":false,"metadata":{{"order_id":"ord_{id}","till_id":"till-load"}},"next_action":null,"on_behalf_of":null,"payment_method":"pm_card_present_{id}","payment_method_configuration_details":null,"payment_method_options":{{"card_present":{{"request_extended_authorization":false,"request_incremental_authorization_support":false,"routing":{{"requested_priority":null}}}}}},"payment_method_types":["card_present"],"processing":null,"receipt_email":null,"review":null,"setup_future_usage":null,"shipping":null,"source":null,"statement_descriptor":null,"statement_descriptor_suffix":null,"status":"succeeded","transfer_data":null,"transfer_group":null}},"previous_attributes":null}}}}"#
    )
}

/// What the load is sent to and how.
#[derive(Clone)]
struct Target {
    /// Connection `t` goes to `addrs[t % len]`.
    addrs: Vec<SocketAddr>,
    /// Event `n` of connection `t` goes to `paths[(t + n) % len]`.
    paths: Vec<String>,
    secret: String,
    /// Makes every event id of this run and phase unique.
    prefix: String,
}

impl Target {
    fn addr(&self, thread: usize) -> SocketAddr {
        self.addrs[thread % self.addrs.len()]
    }

    fn deliver(&self, conn: &mut Connection, thread: usize, n: u64) -> Result<(), LoadError> {
        let id = format!("evt_{}_{thread}_{n}", self.prefix);
        let now = unix_now();
        let body = event_body(&id, now);
        let signed = signature::sign(body.as_bytes(), &self.secret, now);
        let spread = (thread as u64).wrapping_add(n) % self.paths.len() as u64;
        let response = conn.send(
            "POST",
            &self.paths[spread as usize],
            &[
                ("content-type", "application/json"),
                ("stripe-signature", &signed),
            ],
            body.as_bytes(),
        )?;
        if response.status != 200 {
            return Err(LoadError::Status {
                what: "POST webhook",
                status: response.status,
                body: String::from_utf8_lossy(&response.body).into_owned(),
            });
        }
        Ok(())
    }
}

fn join_all<T>(
    handles: Vec<thread::JoinHandle<Result<T, LoadError>>>,
) -> Result<Vec<T>, LoadError> {
    handles
        .into_iter()
        .map(|h| h.join().map_err(|_| LoadError::ThreadPanicked)?)
        .collect()
}

struct Throughput {
    acked: u64,
    elapsed: Duration,
}

impl Throughput {
    fn per_second(&self) -> f64 {
        self.acked as f64 / self.elapsed.as_secs_f64()
    }
}

/// Every connection sends back to back until the time is up; counts acknowledged events.
fn throughput(target: &Target, threads: usize, length: Duration) -> Result<Throughput, LoadError> {
    let start = Instant::now();
    let deadline = start + length;
    let handles = (0..threads)
        .map(|t| {
            let target = target.clone();
            thread::spawn(move || -> Result<u64, LoadError> {
                let mut conn = Connection::open(target.addr(t))?;
                let mut sent = 0u64;
                while Instant::now() < deadline {
                    target.deliver(&mut conn, t, sent)?;
                    sent += 1;
                }
                Ok(sent)
            })
        })
        .collect();
    let acked = join_all(handles)?.into_iter().sum();
    Ok(Throughput {
        acked,
        elapsed: start.elapsed(),
    })
}

struct Latencies {
    /// Send → ack.
    service: Vec<Duration>,
    /// Due → ack: includes any time the event waited because its connection was still busy.
    from_due: Vec<Duration>,
    /// Send → the event in a long-polling till's answer (when a till token was given).
    to_till: Vec<Duration>,
    elapsed: Duration,
}

/// A till long-polling `GET /v1/events` from `after` while the load runs.
struct Watch {
    token: String,
    after: i64,
}

/// Sends event `k` at `start + k / rate` (open loop), spread over the connections round robin.
fn fixed_rate(
    target: &Target,
    threads: usize,
    rate: u32,
    length: Duration,
    watch: Option<Watch>,
) -> Result<Latencies, LoadError> {
    let total = u64::from(rate) * length.as_secs();
    let interval = Duration::from_secs(1) / rate.max(1);
    let origin = Instant::now();
    let start = origin + Duration::from_millis(50);
    // When each event was sent, in nanoseconds after `origin` plus one (0: not sent yet).
    let sent_at: Arc<Vec<AtomicU64>> = Arc::new((0..total).map(|_| AtomicU64::new(0)).collect());
    let watcher = watch.map(|watch| {
        let (addr, sent_at) = (target.addr(0), Arc::clone(&sent_at));
        let ours = format!("evt_{}_0_", target.prefix);
        let give_up = start + length + Duration::from_secs(10);
        thread::spawn(move || -> Result<Vec<Duration>, LoadError> {
            let mut conn = Connection::open(addr)?;
            let auth = format!("Bearer {}", watch.token);
            let (mut cursor, mut seen) = (watch.after, Vec::new());
            while (seen.len() as u64) < total && Instant::now() < give_up {
                let (ids, next) = events_page(&mut conn, &auth, cursor, 2)?;
                let now = origin.elapsed().as_nanos() as u64 + 1;
                for id in ids {
                    let sent = id
                        .strip_prefix(&ours)
                        .and_then(|k| k.parse::<usize>().ok())
                        .and_then(|k| sent_at.get(k))
                        .map(|at| at.load(Ordering::Acquire));
                    if let Some(sent) = sent.filter(|at| *at > 0) {
                        seen.push(Duration::from_nanos(now.saturating_sub(sent)));
                    }
                }
                cursor = next;
            }
            Ok(seen)
        })
    });
    let handles = (0..threads as u64)
        .map(|t| {
            let target = target.clone();
            let sent_at = Arc::clone(&sent_at);
            let step = threads as u64;
            thread::spawn(
                move || -> Result<(Vec<Duration>, Vec<Duration>), LoadError> {
                    let mut conn = Connection::open(target.addr(t as usize))?;
                    let (mut service, mut from_due) = (Vec::new(), Vec::new());
                    let mut k = t;
                    while k < total {
                        let due = start + interval * u32::try_from(k).unwrap_or(u32::MAX);
                        let now = Instant::now();
                        if due > now {
                            thread::sleep(due - now);
                        }
                        let sent = Instant::now();
                        if let Some(at) = usize::try_from(k).ok().and_then(|k| sent_at.get(k)) {
                            at.store((sent - origin).as_nanos() as u64 + 1, Ordering::Release);
                        }
                        target.deliver(&mut conn, 0, k)?;
                        let acked = Instant::now();
                        service.push(acked - sent);
                        from_due.push(acked - due);
                        k += step;
                    }
                    Ok((service, from_due))
                },
            )
        })
        .collect();
    let mut all = Latencies {
        service: Vec::new(),
        from_due: Vec::new(),
        to_till: Vec::new(),
        elapsed: Duration::ZERO,
    };
    for (service, from_due) in join_all(handles)? {
        all.service.extend(service);
        all.from_due.extend(from_due);
    }
    all.elapsed = start.elapsed();
    if let Some(watcher) = watcher {
        all.to_till = join_all(vec![watcher])?.into_iter().flatten().collect();
    }
    all.service.sort_unstable();
    all.from_due.sort_unstable();
    all.to_till.sort_unstable();
    Ok(all)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted.get(rank - 1).copied().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn latency_row(label: &str, sorted: &[Duration]) -> String {
    format!(
        "| {label} | {} | {} | {} | {} | {} |",
        sorted.len(),
        ms(percentile(sorted, 0.50)),
        ms(percentile(sorted, 0.95)),
        ms(percentile(sorted, 0.99)),
        ms(sorted.last().copied().unwrap_or_default()),
    )
}

/// A loopback server that reads each request in full and answers 200 with the relay's body,
/// storing nothing: what the client and the loopback cost on their own.
fn start_null_server() -> Result<SocketAddr, LoadError> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(io("bind the null server"))?;
    let addr = listener.local_addr().map_err(io("null server address"))?;
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            thread::spawn(move || serve_null(stream));
        }
    });
    Ok(addr)
}

fn serve_null(stream: TcpStream) -> Result<(), LoadError> {
    const ANSWER: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 17\r\n\r\n{\"received\":true}";
    stream.set_nodelay(true).map_err(io("set TCP_NODELAY"))?;
    let mut writer = stream.try_clone().map_err(io("clone socket"))?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    let mut body = Vec::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).map_err(io("read request"))? == 0 {
            return Ok(());
        }
        let length = read_headers(&mut reader)?;
        body.resize(length, 0);
        reader
            .read_exact(&mut body)
            .map_err(io("read request body"))?;
        writer.write_all(ANSWER).map_err(io("answer"))?;
    }
}

/// One page of a till's `GET /v1/events` after `after` (long-polling up to `wait_secs`): the
/// events' ids and the cursor to ask after next.
fn events_page(
    conn: &mut Connection,
    auth: &str,
    after: i64,
    wait_secs: u64,
) -> Result<(Vec<String>, i64), LoadError> {
    let response = conn.send(
        "GET",
        &format!("/v1/events?after={after}&wait={wait_secs}"),
        &[("authorization", auth)],
        b"",
    )?;
    if response.status != 200 {
        return Err(LoadError::Status {
            what: "GET /v1/events",
            status: response.status,
            body: String::from_utf8_lossy(&response.body).into_owned(),
        });
    }
    let page: serde_json::Value =
        serde_json::from_slice(&response.body).map_err(|e| LoadError::EventsJson(e.to_string()))?;
    let ids = page["events"]
        .as_array()
        .ok_or_else(|| LoadError::EventsJson("no `events` array".into()))?
        .iter()
        .map(|event| event["id"].as_str().unwrap_or_default().to_string())
        .collect();
    let cursor = page["cursor"]
        .as_i64()
        .ok_or_else(|| LoadError::EventsJson("no `cursor`".into()))?;
    Ok((ids, cursor))
}

/// Pages through every event the till can see from `after`. Returns, per phase prefix, how many
/// distinct ids of that phase were served, and the cursor after the newest event.
fn count_stored(
    addr: SocketAddr,
    token: &str,
    prefixes: &[&str],
) -> Result<(Vec<u64>, i64), LoadError> {
    let mut conn = Connection::open(addr)?;
    let auth = format!("Bearer {token}");
    let mut seen: Vec<HashSet<String>> = vec![HashSet::new(); prefixes.len()];
    let mut cursor = 0i64;
    loop {
        let (ids, next) = events_page(&mut conn, &auth, cursor, 0)?;
        if ids.is_empty() {
            return Ok((seen.iter().map(|s| s.len() as u64).collect(), cursor));
        }
        for id in ids {
            let phase = id.strip_prefix("evt_").unwrap_or_default();
            if let Some(slot) = prefixes.iter().position(|p| phase.starts_with(p)) {
                if let Some(set) = seen.get_mut(slot) {
                    set.insert(id);
                }
            }
        }
        cursor = next;
    }
}

/// Bare SQLite: one committed transaction per event with the relay's pragmas and table, single
/// thread, for `length`; back to back, or one event every `pace`. What durable storage costs with
/// no HTTP, no signature and no batching. Returns the count and each commit's time.
fn bare_sqlite(
    dir: &std::path::Path,
    length: Duration,
    pace: Option<Duration>,
) -> Result<(Throughput, Vec<Duration>), LoadError> {
    let path = dir.join("bare-sqlite.db");
    let remove = || {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(dir.join(format!("bare-sqlite.db{suffix}")));
        }
    };
    remove();
    let mut conn = rusqlite::Connection::open(&path)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA secure_delete = ON;
         CREATE TABLE events (
             seq         INTEGER PRIMARY KEY AUTOINCREMENT,
             shop        INTEGER NOT NULL,
             event_id    TEXT    NOT NULL,
             type        TEXT    NOT NULL,
             payload     TEXT    NOT NULL,
             received_at INTEGER NOT NULL,
             UNIQUE (shop, event_id)
         ) STRICT;
         CREATE INDEX events_by_shop ON events (shop, seq);",
    )?;
    let start = Instant::now();
    let mut acked = 0u64;
    let mut commits = Vec::new();
    while start.elapsed() < length {
        if let Some(pace) = pace {
            let due = start + pace * u32::try_from(acked).unwrap_or(u32::MAX);
            let now = Instant::now();
            if due > now {
                thread::sleep(due - now);
            }
        }
        let began = Instant::now();
        let id = format!("evt_bare_{acked}");
        let now = unix_now();
        let payload = event_body(&id, now);
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.prepare_cached(
            "INSERT INTO events (shop, event_id, type, payload, received_at)
             VALUES (1, ?1, 'payment_intent.succeeded', ?2, ?3)
             ON CONFLICT (shop, event_id) DO NOTHING",
        )?
        .execute(rusqlite::params![id, payload, now])?;
        tx.commit()?;
        commits.push(began.elapsed());
        acked += 1;
    }
    let elapsed = start.elapsed();
    drop(conn);
    remove();
    commits.sort_unstable();
    Ok((Throughput { acked, elapsed }, commits))
}

/// Bare PostgreSQL: `clients` connections each storing one event-sized row per transaction
/// (autocommit, prepared, into a table shaped like the relay's) for `length`. What the database
/// does with no HTTP, no signature, no batching and no relay.
fn bare_postgres(url: &str, clients: usize, length: Duration) -> Result<Throughput, LoadError> {
    let mut admin = postgres::Client::connect(url, postgres::NoTls)?;
    admin.batch_execute(
        "DROP TABLE IF EXISTS bare_events;
         CREATE TABLE bare_events (
             seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
             shop        BIGINT NOT NULL,
             event_id    TEXT   NOT NULL,
             type        TEXT   NOT NULL,
             payload     TEXT   NOT NULL,
             received_at BIGINT NOT NULL,
             UNIQUE (shop, event_id)
         );
         CREATE INDEX bare_events_by_shop ON bare_events (shop, seq);",
    )?;
    let start = Instant::now();
    let deadline = start + length;
    let handles = (0..clients)
        .map(|c| {
            let url = url.to_string();
            thread::spawn(move || -> Result<u64, LoadError> {
                let mut client = postgres::Client::connect(&url, postgres::NoTls)?;
                let insert = client.prepare(
                    "INSERT INTO bare_events (shop, event_id, type, payload, received_at)
                     VALUES (1, $1, 'payment_intent.succeeded', $2, $3)
                     ON CONFLICT (shop, event_id) DO NOTHING",
                )?;
                let mut stored = 0u64;
                while Instant::now() < deadline {
                    let id = format!("evt_bare_{clients}_{c}_{stored}");
                    let now = unix_now();
                    client.execute(&insert, &[&id, &event_body(&id, now), &now])?;
                    stored += 1;
                }
                Ok(stored)
            })
        })
        .collect();
    let acked = join_all(handles)?.into_iter().sum();
    let elapsed = start.elapsed();
    admin.batch_execute("DROP TABLE bare_events")?;
    Ok(Throughput { acked, elapsed })
}

fn run_bare_postgres(url: &str, length: Duration) -> Result<(), LoadError> {
    let mut rates = Vec::new();
    println!(
        "### Bare PostgreSQL, one event-sized INSERT per transaction ({} s each)\n",
        length.as_secs()
    );
    println!("| clients | rows committed | per second |");
    println!("| --- | --- | --- |");
    for clients in [1, 4, 16] {
        let done = bare_postgres(url, clients, length)?;
        println!("| {clients} | {} | {:.0} |", done.acked, done.per_second());
        rates.push(format!("{:.0}", done.per_second()));
    }
    println!("\nsummary: bare_postgres_1_4_16={}", rates.join("/"));
    Ok(())
}

/// Every shop's events served to its till, counted per phase prefix.
fn count_all(
    addr: SocketAddr,
    tokens: &[String],
    prefixes: &[&str],
) -> Result<Vec<u64>, LoadError> {
    let mut total = vec![0u64; prefixes.len()];
    for token in tokens {
        let (counted, _) = count_stored(addr, token, prefixes)?;
        for (sum, n) in total.iter_mut().zip(counted) {
            *sum += n;
        }
    }
    Ok(total)
}

fn run(args: Args) -> Result<(), LoadError> {
    let length = Duration::from_secs(args.seconds);
    if let Some(url) = &args.bare_postgres {
        return run_bare_postgres(url, length);
    }
    let Some(&first) = args.relay.first() else {
        return Err(LoadError::Usage("--relay ADDR is required"));
    };
    if args.token.len() != args.shops.len() || args.secret.is_empty() {
        return Err(LoadError::Usage(
            "VERSAPOS_LOAD_SECRET, and one till token per shop in VERSAPOS_LOAD_TOKEN, are required",
        ));
    }
    let run_id = format!("{:x}", unix_now());
    let paths: Vec<String> = args
        .shops
        .iter()
        .map(|shop| format!("/webhooks/stripe/{shop}"))
        .collect();
    let sample = event_body("evt_sample", unix_now()).len();
    println!(
        "load: {} connections over {} relay instance(s) and {} shop(s), {} s per phase, fixed rate {}/s, events of {sample} bytes\n",
        args.threads,
        args.relay.len(),
        args.shops.len(),
        args.seconds,
        args.rate
    );

    let relay = |phase: &str| Target {
        addrs: args.relay.clone(),
        paths: paths.clone(),
        secret: args.secret.clone(),
        prefix: format!("{run_id}_{phase}"),
    };
    let (relay_max, relay_rate) = (relay("max"), relay("rate"));
    let baselines = !args.no_baselines;
    let null = if baselines {
        Some(Target {
            addrs: vec![start_null_server()?],
            paths: paths.clone(),
            secret: args.secret.clone(),
            prefix: format!("{run_id}_null"),
        })
    } else {
        None
    };

    let null_max = null
        .as_ref()
        .map(|null| throughput(null, args.threads, length))
        .transpose()?;
    let stored_max = if args.no_throughput {
        Throughput {
            acked: 0,
            elapsed: Duration::from_secs(1),
        }
    } else {
        throughput(&relay_max, args.threads, length)?
    };
    let bare = if baselines {
        Some(bare_sqlite(&args.scratch, length, None)?.0)
    } else {
        None
    };
    let null_rate = null
        .as_ref()
        .map(|null| fixed_rate(null, args.threads, args.rate, length, None))
        .transpose()?;
    let pace = Duration::from_secs(1) / args.rate.max(1);
    let bare_commits = if baselines {
        bare_sqlite(&args.scratch, length, Some(pace))?.1
    } else {
        Vec::new()
    };
    let stored_rate = if args.no_latency {
        None
    } else {
        // With one shop, its till long-polls from the newest event, as a till that is up to
        // date would.
        let watch = if args.shops.len() == 1 {
            let (_, newest) = count_stored(first, &args.token[0], &[])?;
            Some(Watch {
                token: args.token[0].clone(),
                after: newest,
            })
        } else {
            None
        };
        Some(fixed_rate(
            &relay_rate,
            args.threads,
            args.rate,
            length,
            watch,
        )?)
    };
    let counted = count_all(
        first,
        &args.token,
        &[relay_max.prefix.as_str(), relay_rate.prefix.as_str()],
    )?;
    let (counted_max, counted_rate) = (
        counted.first().copied().unwrap_or(0),
        counted.get(1).copied().unwrap_or(0),
    );

    if !args.no_throughput {
        println!(
            "### Throughput ({} s, {} connections)\n",
            args.seconds, args.threads
        );
        println!("| target | events acked | per second | counted back from GET /v1/events |");
        println!("| --- | --- | --- | --- |");
        if let Some(null_max) = &null_max {
            println!(
                "| loopback server that stores nothing (client cost) | {} | {:.0} | – |",
                null_max.acked,
                null_max.per_second()
            );
        }
        println!(
            "| relay (verify, store durably, 2xx) | {} | **{:.0}** | {counted_max} |",
            stored_max.acked,
            stored_max.per_second()
        );
        if let Some(bare) = &bare {
            println!(
            "| bare SQLite, one transaction per event, same pragmas (no HTTP) | {} | {:.0} | – |",
            bare.acked,
            bare.per_second()
        );
        }
    }
    let mut summary = if args.no_throughput {
        "summary:".to_string()
    } else {
        format!("summary: acked_per_s={:.0}", stored_max.per_second())
    };
    if let Some(stored_rate) = &stored_rate {
        println!(
            "\n### Ack latency at {}/s ({} s, {} connections), ms\n",
            args.rate, args.seconds, args.threads
        );
        println!("| target | events | p50 | p95 | p99 | max |");
        println!("| --- | --- | --- | --- | --- | --- |");
        if let Some(null_rate) = &null_rate {
            println!(
                "{}",
                latency_row("loopback server, send → ack", &null_rate.service)
            );
            println!(
                "{}",
                latency_row("bare SQLite, one commit per event (no HTTP)", &bare_commits)
            );
        }
        println!("{}", latency_row("relay, send → ack", &stored_rate.service));
        println!("{}", latency_row("relay, due → ack", &stored_rate.from_due));
        if !stored_rate.to_till.is_empty() {
            println!(
                "{}",
                latency_row(
                    "relay, send → in a long-polling till's answer",
                    &stored_rate.to_till
                )
            );
        }
        println!(
            "\nachieved rate: relay {:.0}/s; relay events counted back: {counted_rate} of {}",
            stored_rate.service.len() as f64 / stored_rate.elapsed.as_secs_f64(),
            stored_rate.service.len()
        );
        let _ = write!(
            summary,
            " ack_p50_ms={} ack_p99_ms={} ack_max_ms={}",
            ms(percentile(&stored_rate.service, 0.50)),
            ms(percentile(&stored_rate.service, 0.99)),
            ms(stored_rate.service.last().copied().unwrap_or_default())
        );
    }
    if let Some(bare) = &bare {
        let _ = write!(summary, " bare_sqlite_per_s={:.0}", bare.per_second());
    }
    println!("\n{summary}");

    let mut lost = Vec::new();
    if counted_max != stored_max.acked {
        lost.push(format!(
            "throughput phase: {} acked, {counted_max} stored",
            stored_max.acked
        ));
    }
    if let Some(stored_rate) = &stored_rate {
        if counted_rate != stored_rate.service.len() as u64 {
            lost.push(format!(
                "fixed-rate phase: {} acked, {counted_rate} stored",
                stored_rate.service.len()
            ));
        }
    }
    if !lost.is_empty() {
        return Err(LoadError::Lost(lost.join("; ")));
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
