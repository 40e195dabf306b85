//! System tests of `versapos-relay`: the real binary serving a real database, spoken to over
//! loopback HTTP, signed the way Stripe signs its webhooks. Every test runs twice, once on a
//! SQLite file in a temp dir and once on a throwaway PostgreSQL cluster (`support/cluster.rs`).
//! The cluster is Debian's PostgreSQL started as another user (Unix ownership and modes), so the
//! suite runs on Unix; Windows builds compile and lint the relay itself.
#![cfg(unix)]

#[path = "support/cluster.rs"]
mod cluster;
#[path = "relay/instances.rs"]
mod instances;

use cluster::Cluster;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const BIN: &str = env!("CARGO_BIN_EXE_versapos-relay");
const SECRET_A: &str = "whsec_shopAsecret0123456789abcd";
const SECRET_A2: &str = "whsec_shopArotated9876543210wxyz";
const SECRET_B: &str = "whsec_shopBsecret0123456789efgh";
const SECRET_DEFAULT: &str = "whsec_defaultsecret0123456789ijkl";
const ALL_SECRETS: [&str; 4] = [SECRET_A, SECRET_A2, SECRET_B, SECRET_DEFAULT];
const KEY_VAR: &str = "VERSAPOS_RELAY_MASTER_KEY";
/// Where `secrets add` and `secrets retire` take the secret from when stdin does not give it.
const SECRET_VAR: &str = "VERSAPOS_RELAY_SECRET";
/// The master key every test relay runs with.
const MASTER_KEY: &str = "5f3c1a9e07b24d68e1f0a2c3b4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7";
const OTHER_KEY: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn now() -> i64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs();
    i64::try_from(secs).expect("seconds fit in i64")
}

/// `Stripe-Signature` as Stripe builds it: `t=TS,v1=hex(hmac_sha256(secret, "TS.payload"))`.
fn sign(secret: &str, timestamp: i64, payload: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("hmac takes any key length");
    mac.update(format!("{timestamp}.{payload}").as_bytes());
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

fn event_json(id: &str, event_type: &str) -> String {
    format!(
        r#"{{"id":"{id}","object":"event","type":"{event_type}","data":{{"object":{{"id":"pi_{id}","amount":1250,"currency":"gbp"}}}}}}"#
    )
}

/// `versapos-relay --db DB ARGS…` with the test master key in its environment.
fn relay_command(db: &str, args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command
        .arg("--db")
        .arg(db)
        .args(args)
        .env(KEY_VAR, MASTER_KEY)
        .env_remove(SECRET_VAR);
    command
}

/// `versapos-relay --db DB ARGS…` run by `sh` after `shell` (`ulimit -n 1024`, `umask 000`).
fn shell_command(shell: &str, db: &str, args: &[&str]) -> Command {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(format!("{shell}; exec \"$0\" \"$@\""))
        .arg(BIN)
        .arg("--db")
        .arg(db)
        .args(args)
        .env(KEY_VAR, MASTER_KEY)
        .env_remove(SECRET_VAR);
    command
}

/// Runs `command` with `input` on its stdin.
fn with_stdin(mut command: Command, input: &str) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the relay binary runs");
    let mut stdin = child.stdin.take().expect("piped stdin");
    std::io::Write::write_all(&mut stdin, input.as_bytes()).expect("stdin takes the input");
    drop(stdin);
    child.wait_with_output().expect("the relay binary ends")
}

/// `secrets add|retire` with the secret piped on stdin, as an admin gives it:
/// `printf '%s\n' "$SECRET" | versapos-relay secrets add SHOP`.
fn admin_piped(db: &str, args: &[&str], secret: &str) -> Output {
    with_stdin(relay_command(db, args), &format!("{secret}\n"))
}

fn admin_piped_ok(db: &str, args: &[&str], secret: &str) -> String {
    succeeded(admin_piped(db, args, secret), args)
}

/// Like `admin_with_key`, with the secret in `VERSAPOS_RELAY_SECRET` when there is one.
fn admin_with_key_and_secret(
    db: &str,
    key: Option<&str>,
    secret: Option<&str>,
    args: &[&str],
) -> Output {
    let mut command = relay_command(db, args);
    match key {
        Some(key) => command.env(KEY_VAR, key),
        None => command.env_remove(KEY_VAR),
    };
    if let Some(secret) = secret {
        command.env(SECRET_VAR, secret);
    }
    command.output().expect("the relay binary runs")
}

fn admin(db: &str, args: &[&str]) -> Output {
    relay_command(db, args)
        .output()
        .expect("the relay binary runs")
}

/// Like `admin`, with `VERSAPOS_RELAY_MASTER_KEY` set to `key`, or unset when `None`.
fn admin_with_key(db: &str, key: Option<&str>, args: &[&str]) -> Output {
    let mut command = relay_command(db, args);
    match key {
        Some(key) => command.env(KEY_VAR, key),
        None => command.env_remove(KEY_VAR),
    };
    command.output().expect("the relay binary runs")
}

fn admin_ok(db: &str, args: &[&str]) -> String {
    succeeded(admin(db, args), args)
}

fn succeeded(out: Output, args: &[&str]) -> String {
    assert!(
        out.status.success(),
        "`{}` failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// Which database a test's relay runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Store {
    Sqlite,
    Postgres,
}

/// A relay database with shops a, b and default, one secret and one till each.
struct Setup {
    dir: tempfile::TempDir,
    db: String,
    /// Held so that the cluster outlives the test's relays.
    cluster: Option<Arc<Cluster>>,
    token_a: String,
    token_b: String,
    token_default: String,
}

impl Setup {
    fn new(store: Store) -> Self {
        let mut setup = Setup::empty(store);
        let mut tokens = Vec::new();
        for (shop, secret) in [
            ("a", SECRET_A),
            ("b", SECRET_B),
            ("default", SECRET_DEFAULT),
        ] {
            admin_ok(&setup.db, &["shops", "add", shop]);
            admin_piped_ok(&setup.db, &["secrets", "add", shop], secret);
            tokens.push(
                admin_ok(&setup.db, &["tills", "add", shop, "till-1"])
                    .trim()
                    .to_string(),
            );
        }
        [setup.token_a, setup.token_b, setup.token_default] =
            <[String; 3]>::try_from(tokens).expect("three tokens");
        setup
    }

    /// A database that nothing has been done to yet (for PostgreSQL, an empty database).
    fn empty(store: Store) -> Self {
        let dir = tempfile::tempdir().expect("a temp dir");
        let (db, cluster) = match store {
            Store::Sqlite => {
                let path = dir.path().join("relay.db");
                (path.to_str().expect("a UTF-8 temp path").to_string(), None)
            }
            Store::Postgres => {
                let cluster = Cluster::shared();
                (cluster.create_database(), Some(cluster))
            }
        };
        Setup {
            dir,
            db,
            cluster,
            token_a: String::new(),
            token_b: String::new(),
            token_default: String::new(),
        }
    }

    /// What `--db` is given: a file path or a PostgreSQL URL.
    fn db(&self) -> String {
        self.db.clone()
    }

    fn log_path(&self) -> PathBuf {
        self.dir.path().join("relay.log")
    }

    /// Whether the database is as `empty` left it: no file, or no relay schema.
    fn untouched(&self) -> bool {
        match &self.cluster {
            None => !Path::new(&self.db).exists(),
            Some(_) => {
                let mut client = postgres::Client::connect(&self.db, postgres::NoTls)
                    .expect("the test database");
                let row = client
                    .query_one(
                        "SELECT count(*) FROM information_schema.tables
                         WHERE table_schema = 'public'",
                        &[],
                    )
                    .expect("the table count");
                row.get::<_, i64>(0) == 0
            }
        }
    }

    /// Every file the relay and its database write: the relay's log and the SQLite file with
    /// its -wal and -shm, or the log and the whole PostgreSQL data folder, WAL included.
    fn stored_files(&self) -> Vec<PathBuf> {
        match &self.cluster {
            None => std::fs::read_dir(self.dir.path())
                .expect("the temp dir")
                .map(|entry| entry.expect("an entry").path())
                .collect(),
            Some(cluster) => {
                let mut files = Vec::new();
                let mut folders = vec![self.dir.path().to_path_buf(), cluster.data_dir()];
                while let Some(folder) = folders.pop() {
                    for entry in std::fs::read_dir(&folder).expect("a data folder") {
                        let path = entry.expect("an entry").path();
                        if path.is_dir() {
                            folders.push(path);
                        } else {
                            files.push(path);
                        }
                    }
                }
                files
            }
        }
    }
}

/// A running `versapos-relay serve`; killed when dropped.
struct Relay {
    child: Child,
    base: String,
    agent: ureq::Agent,
    _stdout: BufReader<ChildStdout>,
}

impl Relay {
    /// Starts the relay on the test's database; its log goes to `relay.log` in the temp dir.
    fn start(setup: &Setup) -> Self {
        Relay::start_on(&setup.db, &setup.log_path())
    }

    fn start_on(db: &str, log: &Path) -> Self {
        Relay::start_with_env(db, log, &[])
    }

    /// Starts the relay with `env` added to its environment.
    fn start_with_env(db: &str, log: &Path, env: &[(&str, &str)]) -> Self {
        Relay::launch(
            db,
            log,
            &Launch {
                env,
                ..Launch::default()
            },
        )
    }

    /// Starts the relay on the test's database with `args` added to `serve`'s.
    fn start_with(setup: &Setup, args: &[&str]) -> Self {
        Relay::launch(
            &setup.db,
            &setup.log_path(),
            &Launch {
                args,
                ..Launch::default()
            },
        )
    }

    fn launch(db: &str, log: &Path, launch: &Launch<'_>) -> Self {
        let log = std::fs::File::create(log).expect("the relay's log file");
        let mut args = vec!["serve", "--listen", "127.0.0.1:0"];
        args.extend_from_slice(launch.args);
        let mut command = match launch.shell {
            Some(shell) => shell_command(shell, db, &args),
            None => relay_command(db, &args),
        };
        let mut child = command
            .envs(launch.env.iter().copied())
            .env("RUST_LOG", "debug")
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("the relay starts");
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut line = String::new();
        stdout
            .read_line(&mut line)
            .expect("the relay prints its address");
        let addr = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(40)))
            .build()
            .new_agent();
        Relay {
            child,
            base: format!("http://{addr}"),
            agent,
            _stdout: stdout,
        }
    }

    fn post(&self, path: &str, payload: &str, signature: Option<&str>) -> (u16, String) {
        let mut req = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("Content-Type", "application/json");
        if let Some(signature) = signature {
            req = req.header("Stripe-Signature", signature);
        }
        let mut response = req.send(payload).expect("the relay answers");
        let body = response
            .body_mut()
            .read_to_string()
            .expect("a readable body");
        (response.status().as_u16(), body)
    }

    /// Delivers `payload` to `path` signed with `secret` now.
    fn deliver(&self, path: &str, secret: &str, payload: &str) -> (u16, String) {
        self.post(path, payload, Some(&sign(secret, now(), payload)))
    }

    fn get(&self, path: &str, token: Option<&str>) -> (u16, String) {
        let mut req = self.agent.get(format!("{}{path}", self.base));
        if let Some(token) = token {
            req = req.header("Authorization", format!("Bearer {token}"));
        }
        let mut response = req.call().expect("the relay answers");
        let body = response
            .body_mut()
            .read_to_string()
            .expect("a readable body");
        (response.status().as_u16(), body)
    }

    fn events(&self, token: &str, query: &str) -> serde_json::Value {
        let (status, body) = self.get(&format!("/v1/events?{query}"), Some(token));
        assert_eq!(status, 200, "GET /v1/events?{query}: {body}");
        serde_json::from_str(&body).expect("events are JSON")
    }

    fn metrics(&self) -> String {
        let (status, body) = self.get("/metrics", None);
        assert_eq!(status, 200, "GET /metrics");
        body
    }

    /// `host:port`, for raw connections.
    fn addr(&self) -> &str {
        self.base.strip_prefix("http://").expect("an http:// base")
    }

    /// Sends SIGTERM, as a service manager stops the relay.
    fn terminate(&self) {
        let kill = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(kill.success(), "SIGTERM the relay");
    }

    /// Waits up to `limit` for the relay to exit; its status, or `None` if it is still running.
    fn exit_within(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("the relay's status") {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(20));
        }
    }
}

/// How a test relay is started beyond the defaults.
#[derive(Default)]
struct Launch<'a> {
    env: &'a [(&'a str, &'a str)],
    /// Added to `serve --listen 127.0.0.1:0`.
    args: &'a [&'a str],
    /// Run by `sh` before the relay replaces it (`ulimit -n 1024`).
    shell: Option<&'a str>,
}

/// An answer read raw: its status, its headers (names in lower case) and its body.
#[derive(Debug)]
struct RawAnswer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl RawAnswer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The `{"error":{"code","message"}}` answer's code, after checking its shape.
    fn error_code(&self) -> String {
        assert_eq!(
            self.header("content-type"),
            Some("application/json"),
            "a JSON answer: {self:?}"
        );
        let json: serde_json::Value =
            serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {self:?}"));
        let error = json["error"].as_object().expect("an error object");
        assert_eq!(error.len(), 2, "code and message only: {json}");
        assert!(
            !error["message"].as_str().expect("a message").is_empty(),
            "{json}"
        );
        error["code"].as_str().expect("a code").to_string()
    }
}

/// Parses an HTTP/1.1 answer read whole.
fn parse_answer(raw: &[u8]) -> RawAnswer {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no whole head in {text:?}"));
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {head:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_lowercase(), v.trim().to_string()))
        .collect();
    RawAnswer {
        status,
        headers,
        body: body.to_string(),
    }
}

/// Writes `request` on a connection of its own and reads the answer until the relay closes it
/// (requests say `Connection: close`), or `None` when nothing whole came within `limit`.
fn raw_request_within(addr: &str, request: &[u8], limit: Duration) -> Option<RawAnswer> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream.set_read_timeout(Some(limit)).ok()?;
    stream.write_all(request).ok()?;
    let mut raw = Vec::new();
    // A reset after the answer (the relay closing with request bytes unread) ends the read.
    let _ = stream.read_to_end(&mut raw);
    let whole = memchr::memmem::find(&raw, b"\r\n\r\n").is_some();
    whole.then(|| parse_answer(&raw))
}

fn raw_request(addr: &str, request: &[u8]) -> RawAnswer {
    raw_request_within(addr, request, Duration::from_secs(20))
        .unwrap_or_else(|| panic!("no answer to {:?}", String::from_utf8_lossy(request)))
}

fn raw_get(addr: &str, path: &str) -> RawAnswer {
    raw_request(
        addr,
        format!("GET {path} HTTP/1.1\r\nHost: relay\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

/// Reads from `stream` until the relay closes it; how long that took, or `None` if it stayed
/// open for `limit`.
fn closed_within(stream: &mut TcpStream, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    stream
        .set_read_timeout(Some(Duration::from_millis(100)))
        .expect("a read timeout");
    let mut buf = [0u8; 4096];
    while started.elapsed() < limit {
        match stream.read(&mut buf) {
            Ok(0) => return Some(started.elapsed()),
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return Some(started.elapsed()),
        }
    }
    None
}

/// Sets its flag when dropped, on a panic too.
struct SetOnDrop<'a>(&'a AtomicBool);

impl Drop for SetOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Raises this process's open-file limit to `wanted` when it is lower (the tests open many
/// connections of their own).
fn open_files_at_least(wanted: u64) {
    use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
    let now = getrlimit(Resource::Nofile);
    if now.current.is_some_and(|soft| soft < wanted) {
        let raised = now.maximum.map_or(wanted, |hard| hard.min(wanted));
        setrlimit(
            Resource::Nofile,
            Rlimit {
                current: Some(raised),
                maximum: now.maximum,
            },
        )
        .expect("the open-file limit raised");
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn ids(events: &serde_json::Value) -> Vec<String> {
    events["events"]
        .as_array()
        .expect("an events array")
        .iter()
        .map(|e| e["id"].as_str().expect("an id").to_string())
        .collect()
}

fn metric(metrics: &str, name: &str) -> u64 {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("metric {name} missing from:\n{metrics}"))
}

fn a_signed_webhook_is_accepted_and_served_raw_to_the_shops_till(store: Store) {
    let setup = Setup::new(store);
    let relay = Relay::start(&setup);
    let payload = event_json("evt_signed", "payment_intent.succeeded");
    let (status, body) = relay.deliver("/webhooks/stripe/a", SECRET_A, &payload);
    assert_eq!(status, 200, "signed delivery: {body}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body).expect("JSON"),
        serde_json::json!({"received": true})
    );

    let events = relay.events(&setup.token_a, "after=0");
    let served = &events["events"][0];
    assert_eq!(served["id"], "evt_signed");
    assert_eq!(served["type"], "payment_intent.succeeded");
    assert_eq!(
        served["event"],
        serde_json::from_str::<serde_json::Value>(&payload).expect("JSON"),
        "the event is served as received"
    );
    assert!(served["received_at"].as_i64().expect("a time") >= now() - 60);
    assert_eq!(
        events["cursor"], served["cursor"],
        "cursor is the last event's"
    );
}

fn the_same_event_delivered_three_times_is_stored_once(store: Store) {
    let setup = Setup::new(store);
    let relay = Relay::start(&setup);
    let payload = event_json("evt_dup", "payment_intent.succeeded");
    for attempt in 1..=3 {
        let (status, body) = relay.deliver("/webhooks/stripe/a", SECRET_A, &payload);
        assert_eq!(status, 200, "delivery {attempt} still answers 2xx: {body}");
    }
    assert_eq!(ids(&relay.events(&setup.token_a, "after=0")), ["evt_dup"]);
    let metrics = relay.metrics();
    assert_eq!(
        metric(&metrics, "versapos_relay_webhooks_received_total"),
        3
    );
    assert_eq!(metric(&metrics, "versapos_relay_webhooks_stored_total"), 1);
    assert_eq!(
        metric(&metrics, "versapos_relay_webhooks_duplicate_total"),
        2
    );
}

fn bad_signatures_are_refused_with_400_and_nothing_is_stored(store: Store) {
    let setup = Setup::new(store);
    let relay = Relay::start(&setup);
    let payload = event_json("evt_forged", "payment_intent.succeeded");
    let tampered = payload.replace("1250", "1");
    let cases = [
        (
            "another shop's secret",
            Some(sign(SECRET_B, now(), &payload)),
        ),
        (
            "signed over other bytes",
            Some(sign(SECRET_A, now(), &tampered)),
        ),
        (
            "older than 300 s",
            Some(sign(SECRET_A, now() - 301, &payload)),
        ),
        ("no v1", Some(format!("t={}", now()))),
        ("no header", None),
    ];
    for (case, header) in &cases {
        let (status, body) = relay.post("/webhooks/stripe/a", &payload, header.as_deref());
        assert_eq!(status, 400, "{case}: {body}");
        assert!(
            body.contains("bad_signature"),
            "{case}: error code in {body}"
        );
    }
    assert!(ids(&relay.events(&setup.token_a, "after=0")).is_empty());
    assert_eq!(
        metric(
            &relay.metrics(),
            "versapos_relay_webhooks_rejected_total{reason=\"signature\"}"
        ),
        5
    );
}

fn not_json_or_no_id_is_400_and_an_unknown_shop_is_404(store: Store) {
    let setup = Setup::new(store);
    let relay = Relay::start(&setup);
    for payload in [
        "not json",
        r#"{"type":"payment_intent.succeeded"}"#,
        r#"{"id":""}"#,
        // What a till can never apply: no type, no object, an object that is not one.
        r#"{"id":"evt_no_type","data":{"object":{"id":"pi_1"}}}"#,
        r#"{"id":"evt_no_object","type":"payment_intent.succeeded","data":{}}"#,
        r#"{"id":"evt_no_data","type":"payment_intent.succeeded"}"#,
        r#"{"id":"evt_odd_object","type":"payment_intent.succeeded","data":{"object":"pi_1"}}"#,
    ] {
        let (status, body) = relay.deliver("/webhooks/stripe/a", SECRET_A, payload);
        assert_eq!(status, 400, "{payload}: {body}");
        if payload.starts_with('{') {
            assert!(body.contains("malformed_event"), "{payload}: {body}");
        }
    }
    assert!(
        ids(&relay.events(&setup.token_a, "after=0")).is_empty(),
        "nothing refused was stored"
    );
    let payload = event_json("evt_nowhere", "payment_intent.succeeded");
    let (status, body) = relay.deliver("/webhooks/stripe/nosuch", SECRET_A, &payload);
    assert_eq!(status, 404, "unknown shop: {body}");
}

fn a_body_over_one_mib_is_refused_with_413(store: Store) {
    let setup = Setup::new(store);
    let relay = Relay::start(&setup);
    let padding = "x".repeat(1024 * 1024);
    let payload = format!(r#"{{"id":"evt_big","type":"big","pad":"{padding}"}}"#);
    let (status, body) = relay.deliver("/webhooks/stripe/a", SECRET_A, &payload);
    assert_eq!(status, 413, "oversized body: {body}");
    assert!(ids(&relay.events(&setup.token_a, "after=0")).is_empty());

    let fits = format!(
        r#"{{"id":"evt_fits","type":"big","data":{{"object":{{}}}},"pad":"{}"}}"#,
        "x".repeat(1000 * 1024)
    );
    let (status, body) = relay.deliver("/webhooks/stripe/a", SECRET_A, &fits);
    assert_eq!(status, 200, "a body under 1 MiB: {body}");
}

/// A page never carries more bytes than the till can read whole: 4 MiB unless the till asks for
/// less (`max_bytes`), always at least one event, and what is left counted.
fn a_page_is_cut_by_bytes_as_well_as_by_count(store: Store) {
    let setup = Setup::new(store);
    let relay = Relay::start(&setup);
    let pad = "x".repeat(400 * 1024);
    for n in 0..20 {
        let payload = format!(
            r#"{{"id":"evt_{n:02}","type":"payment_intent.succeeded","data":{{"object":{{"pad":"{pad}"}}}}}}"#
        );
        let (status, body) = relay.deliver("/webhooks/stripe/a", SECRET_A, &payload);
        assert_eq!(status, 200, "{body}");
    }
    let page = relay.events(&setup.token_a, "after=0");
    let served = ids(&page).len();
    assert_eq!(served, 10, "4 MiB of 400 KiB events: ten");
    assert_eq!(page["remaining"], 10, "the rest counted");
    let one = relay.events(&setup.token_a, "after=0&max_bytes=1");
    assert_eq!(
        ids(&one),
        ["evt_00"],
        "at least one event, however small the cap"
    );
    assert_eq!(one["remaining"], 19);
    let two = relay.events(&setup.token_a, &format!("after=0&max_bytes={}", 900 * 1024));
    assert_eq!(ids(&two).len(), 2);
    let (status, body) = relay.get("/v1/events?after=0&max_bytes=0", Some(&setup.token_a));
    assert_eq!(status, 400, "{body}");
}

fn an_unknown_event_type_is_stored_and_served(store: Store) {
    let setup = Setup::new(store);
    let relay = Relay::start(&setup);
    let payload = event_json("evt_future", "something.from_the_future");
    let (status, body) = relay.deliver("/webhooks/stripe/a", SECRET_A, &payload);
    assert_eq!(status, 200, "{body}");
    let events = relay.events(&setup.token_a, "after=0");
    assert_eq!(events["events"][0]["type"], "something.from_the_future");
}

fn events_after_a_cursor_come_in_arrival_order(store: Store) {
    let setup = Setup::new(store);
    let relay = Relay::start(&setup);
    let sent: Vec<String> = (0..5).map(|i| format!("evt_order_{}", 5 - i)).collect();
    for id in &sent {
        let (status, body) = relay.deliver(
            "/webhooks/stripe/a",
            SECRET_A,
            &event_json(id, "charge.updated"),
        );
        assert_eq!(status, 200, "{id}: {body}");
    }
    let all = relay.events(&setup.token_a, "after=0");
    assert_eq!(ids(&all), sent, "arrival order, not id order");
    let cursors: Vec<i64> = all["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["cursor"].as_i64().expect("a cursor"))
        .collect();
    assert!(
        cursors.windows(2).all(|w| w[0] < w[1]),
        "rising cursors {cursors:?}"
    );

    let rest = relay.events(&setup.token_a, &format!("after={}", cursors[1]));
    assert_eq!(ids(&rest), sent[2..].to_vec());
    assert_eq!(rest["cursor"], cursors[4]);
    let none = relay.events(&setup.token_a, &format!("after={}", cursors[4]));
    assert!(ids(&none).is_empty());
    assert_eq!(
        none["cursor"], cursors[4],
        "an empty answer keeps the cursor"
    );

    let (status, body) = relay.get("/v1/events?after=-1", Some(&setup.token_a));
    assert_eq!(status, 400, "negative cursor: {body}");
    assert!(
        body.contains("after"),
        "the message names the field: {body}"
    );
}

fn a_long_poll_wakes_within_a_second_of_a_new_event(store: Store) {
    let setup = Setup::new(store);
    let relay = Relay::start(&setup);
    let started = Instant::now();
    let empty = relay.events(&setup.token_a, "after=0&wait=1");
    assert!(ids(&empty).is_empty());
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "an empty long-poll waits out its time"
    );

    thread::scope(|scope| {
        let poll = scope.spawn(|| {
            let events = relay.events(&setup.token_a, "after=0&wait=20");
            (events, Instant::now())
        });
        thread::sleep(Duration::from_millis(500));
        let metrics = relay.metrics();
        assert_eq!(metric(&metrics, "versapos_relay_long_polls_open"), 1);
        let payload = event_json("evt_wake", "payment_intent.succeeded");
        let (status, body) = relay.deliver("/webhooks/stripe/a", SECRET_A, &payload);
        let delivered = Instant::now();
        assert_eq!(status, 200, "{body}");
        let (events, answered) = poll.join().expect("the long-poll thread");
        assert_eq!(ids(&events), ["evt_wake"]);
        let lag = answered.saturating_duration_since(delivered);
        assert!(lag < Duration::from_secs(1), "woke {lag:?} after the event");
    });
}

fn a_tills_token_sees_its_own_shops_events_only(store: Store) {
    let setup = Setup::new(store);
    let relay = Relay::start(&setup);
    for (path, secret, id) in [
        ("/webhooks/stripe/a", SECRET_A, "evt_for_a"),
        ("/webhooks/stripe/b", SECRET_B, "evt_for_b"),
        ("/webhooks/stripe", SECRET_DEFAULT, "evt_for_default"),
    ] {
        let (status, body) = relay.deliver(path, secret, &event_json(id, "charge.updated"));
        assert_eq!(status, 200, "{path}: {body}");
    }
    assert_eq!(ids(&relay.events(&setup.token_a, "after=0")), ["evt_for_a"]);
    assert_eq!(ids(&relay.events(&setup.token_b, "after=0")), ["evt_for_b"]);
    assert_eq!(
        ids(&relay.events(&setup.token_default, "after=0")),
        ["evt_for_default"],
        "/webhooks/stripe delivers to the shop named default"
    );
}

fn missing_unknown_and_revoked_tokens_get_401(store: Store) {
    let setup = Setup::new(store);
    let relay = Relay::start(&setup);
    assert_eq!(relay.get("/v1/events?after=0", None).0, 401, "no token");
    assert_eq!(
        relay.get("/v1/events?after=0", Some(&"0".repeat(64))).0,
        401,
        "unknown token"
    );
    assert_eq!(relay.get("/v1/events", Some(&setup.token_a)).0, 200);
    admin_ok(&setup.db(), &["tills", "revoke", "a", "till-1"]);
    let (status, body) = relay.get("/v1/events?after=0", Some(&setup.token_a));
    assert_eq!(status, 401, "revoked on the running relay: {body}");
    assert_eq!(relay.get("/v1/events", Some(&setup.token_b)).0, 200);
}

fn rotated_secrets_both_verify_and_a_retired_one_no_longer_does(store: Store) {
    let setup = Setup::new(store);
    let relay = Relay::start(&setup);
    admin_piped_ok(&setup.db(), &["secrets", "add", "a"], SECRET_A2);
    for (secret, id) in [(SECRET_A, "evt_old_key"), (SECRET_A2, "evt_new_key")] {
        let (status, body) = relay.deliver(
            "/webhooks/stripe/a",
            secret,
            &event_json(id, "charge.updated"),
        );
        assert_eq!(status, 200, "{id}: {body}");
    }
    admin_piped_ok(&setup.db(), &["secrets", "retire", "a"], SECRET_A);
    let payload = event_json("evt_retired_key", "charge.updated");
    assert_eq!(
        relay.deliver("/webhooks/stripe/a", SECRET_A, &payload).0,
        400
    );
    assert_eq!(
        relay.deliver("/webhooks/stripe/a", SECRET_A2, &payload).0,
        200
    );
}

fn sigkill_right_after_a_200_loses_nothing_acknowledged(store: Store) {
    let setup = Setup::new(store);
    let mut relay = Relay::start(&setup);
    let acknowledged: Vec<String> = (0..20).map(|i| format!("evt_kill_{i}")).collect();
    for id in &acknowledged {
        let (status, body) = relay.deliver(
            "/webhooks/stripe/a",
            SECRET_A,
            &event_json(id, "payment_intent.succeeded"),
        );
        assert_eq!(status, 200, "{id}: {body}");
    }
    relay.child.kill().expect("SIGKILL the relay");
    relay.child.wait().expect("the relay is gone");
    drop(relay);

    let restarted = Relay::start(&setup);
    assert_eq!(
        ids(&restarted.events(&setup.token_a, "after=0")),
        acknowledged,
        "every acknowledged event survives SIGKILL"
    );
}

fn sigterm_stops_the_relay_cleanly_even_with_a_long_poll_open(store: Store) {
    let setup = Setup::new(store);
    let mut relay = Relay::start(&setup);
    thread::scope(|scope| {
        let poll = scope.spawn(|| relay.get("/v1/events?after=0&wait=30", Some(&setup.token_a)));
        thread::sleep(Duration::from_millis(500));
        let sent = Instant::now();
        let kill = Command::new("kill")
            .args(["-TERM", &relay.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(kill.success());
        let (status, _) = poll.join().expect("the long-poll thread");
        assert_eq!(status, 200, "the open long-poll is answered");
        assert!(
            sent.elapsed() < Duration::from_secs(5),
            "answered at shutdown"
        );
    });
    let exit = relay.child.wait().expect("the relay exits");
    assert!(exit.success(), "graceful exit: {exit:?}");
}

fn healthz_answers_ok(store: Store) {
    let setup = Setup::new(store);
    let relay = Relay::start(&setup);
    assert_eq!(relay.get("/healthz", None), (200, "ok".to_string()));
}

fn assert_exit(out: &Output, code: i32, field: &str, what: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{what}: {stderr}");
    assert!(
        stderr.contains(field),
        "{what}: {field:?} named in {stderr:?}"
    );
}

fn the_admin_cli_exits_2_on_bad_input_naming_the_field(store: Store) {
    let setup = Setup::new(store);
    let db = setup.db();
    assert_exit(
        &admin(&db, &["shops", "add", "bad name"]),
        2,
        "shop",
        "space in a name",
    );
    assert_exit(
        &admin(&db, &["shops", "add", "a"]),
        2,
        "shop",
        "existing shop",
    );
    assert_exit(
        &admin(&db, &["tills", "add", "nosuch", "t"]),
        2,
        "shop",
        "unknown shop",
    );
    assert_exit(
        &admin(&db, &["tills", "add", "a", "till-1"]),
        2,
        "till",
        "live till name",
    );
    assert_exit(
        &admin(&db, &["tills", "revoke", "a", "nosuch"]),
        2,
        "till",
        "unknown till",
    );
    assert_exit(
        &admin_piped(&db, &["secrets", "add", "a"], "sk_live_123456789"),
        2,
        "secret",
        "not whsec_",
    );
    assert_exit(
        &admin_piped(&db, &["secrets", "add", "a"], SECRET_A),
        2,
        "secret",
        "already active",
    );
    assert_exit(
        &admin_piped(&db, &["secrets", "retire", "a"], "whsec_notthere0000"),
        2,
        "secret",
        "retiring an unknown secret",
    );
    assert_exit(
        &admin(&db, &["serve", "--listen", "nowhere"]),
        2,
        "--listen",
        "bad address",
    );
    let mut no_db = Command::new(BIN);
    no_db
        .args(["shops", "list"])
        .env_remove("VERSAPOS_RELAY_DB");
    assert_exit(
        &no_db.output().expect("runs"),
        2,
        "--db",
        "no database given",
    );
    let (unopenable, named) = match &setup.cluster {
        None => {
            let path = setup.dir.path().join("missing-dir").join("relay.db");
            let path = path.to_str().expect("a UTF-8 temp path").to_string();
            (path, "relay.db")
        }
        Some(cluster) => (cluster.url("no_such_database"), "no_such_database"),
    };
    assert_exit(
        &admin(&unopenable, &["shops", "list"]),
        1,
        named,
        "unopenable database",
    );
    let bad_url = admin(
        "postgres://relay:pw-never-echoed@127.0.0.1:notaport/relay",
        &["shops", "list"],
    );
    assert_exit(&bad_url, 2, "--db", "a malformed PostgreSQL URL");
    assert!(
        !String::from_utf8_lossy(&bad_url.stderr).contains("pw-never-echoed"),
        "the URL's password is never echoed"
    );
}

fn the_admin_cli_shows_secrets_by_their_last_four_and_tokens_once(store: Store) {
    let setup = Setup::new(store);
    let db = setup.db();
    let added = admin_piped_ok(&db, &["secrets", "add", "a"], SECRET_A2);
    assert!(added.contains("wxyz"), "last four shown: {added}");
    assert!(
        !added.contains(SECRET_A2),
        "the whole secret never shown: {added}"
    );
    let retired = admin_piped_ok(&db, &["secrets", "retire", "a"], SECRET_A2);
    assert!(!retired.contains(SECRET_A2), "{retired}");
    admin_piped_ok(&db, &["secrets", "add", "a"], SECRET_A2);

    let token = admin_ok(&db, &["tills", "add", "a", "till-2"]);
    let token = token.trim();
    assert_eq!(token.len(), 64, "32 random bytes in hex: {token}");
    assert!(token.chars().all(|c| c.is_ascii_hexdigit()));
    let list = admin_ok(&db, &["shops", "list"]);
    assert!(list.contains("a\tsecrets=2\ttills=2"), "{list}");
    assert!(!list.contains(token) && !list.contains(SECRET_A), "{list}");

    let holding = files_holding(&setup.stored_files(), &[token.as_bytes()]);
    assert!(
        holding.is_empty(),
        "only the token's hash is stored, but these hold it: {holding:?}"
    );
}

/// The files among `files` that contain any of the needles, with the needle found.
fn files_holding(files: &[PathBuf], needles: &[&[u8]]) -> Vec<(PathBuf, String)> {
    let mut found = Vec::new();
    for path in files {
        let raw = match std::fs::read(path) {
            Ok(raw) => raw,
            // The database server removes its temporary files as it goes.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => panic!("{} is unreadable: {e}", path.display()),
        };
        for needle in needles {
            if memchr::memmem::find(&raw, needle).is_some() {
                found.push((path.clone(), String::from_utf8_lossy(needle).into_owned()));
            }
        }
    }
    found
}

/// The secrets in full, without their prefix, and the master key as text and as bytes.
fn secret_needles() -> Vec<Vec<u8>> {
    let mut needles: Vec<Vec<u8>> = Vec::new();
    for secret in ALL_SECRETS {
        needles.push(secret.as_bytes().to_vec());
        let body = secret.strip_prefix("whsec_").expect("a whsec_ secret");
        needles.push(body.as_bytes().to_vec());
    }
    for key in [MASTER_KEY, OTHER_KEY] {
        needles.push(key.as_bytes().to_vec());
        needles.push(key.to_uppercase().into_bytes());
        needles.push(hex::decode(key).expect("a hex key"));
    }
    needles
}

fn signing_secrets_never_reach_the_database_or_its_wal_in_the_clear(store: Store) {
    let setup = Setup::new(store);
    let db = setup.db();
    let relay = Relay::start(&setup);
    admin_piped_ok(&db, &["secrets", "add", "a"], SECRET_A2);
    for (path, secret, id) in [
        ("/webhooks/stripe/a", SECRET_A, "evt_clear_a"),
        ("/webhooks/stripe/a", SECRET_A2, "evt_clear_a2"),
        ("/webhooks/stripe/b", SECRET_B, "evt_clear_b"),
        ("/webhooks/stripe", SECRET_DEFAULT, "evt_clear_default"),
    ] {
        let (status, body) = relay.deliver(path, secret, &event_json(id, "charge.updated"));
        assert_eq!(status, 200, "{id}: {body}");
    }
    admin_piped_ok(&db, &["secrets", "retire", "a"], SECRET_A);
    if store == Store::Sqlite {
        let wal = Path::new(&db).with_file_name("relay.db-wal");
        assert!(wal.exists(), "the running relay has a WAL to look into");
    }

    let needles = secret_needles();
    let needles: Vec<&[u8]> = needles.iter().map(Vec::as_slice).collect();
    let probe: &[u8] = b"evt_clear_default";
    assert!(
        !files_holding(&setup.stored_files(), &[probe]).is_empty(),
        "the scan reads what the relay stored (an event id), so it would see a secret too"
    );
    let leaks = files_holding(&setup.stored_files(), &needles);
    assert!(
        leaks.is_empty(),
        "secret material on disk while serving: {leaks:?}"
    );

    drop(relay);
    let leaks = files_holding(&setup.stored_files(), &needles);
    assert!(
        leaks.is_empty(),
        "secret material on disk after serving: {leaks:?}"
    );
}

fn commands_that_need_secrets_refuse_a_missing_or_malformed_master_key_with_exit_2(store: Store) {
    let setup = Setup::empty(store);
    let db = setup.db();
    let malformed = "not-a-key-but-should-never-be-echoed";
    for args in [
        &["serve", "--listen", "127.0.0.1:0"][..],
        &["secrets", "add", "a"],
        &["secrets", "retire", "a"],
        &["secrets", "list"],
    ] {
        let what = args.join(" ");
        let missing = admin_with_key_and_secret(&db, None, Some(SECRET_A), args);
        assert_exit(&missing, 2, KEY_VAR, &format!("{what} without the key"));
        assert!(
            String::from_utf8_lossy(&missing.stderr).contains("master-key"),
            "{what}: the message says how to make a key"
        );
        for bad in [
            malformed,
            &MASTER_KEY[..62],
            &format!("{}zz", &MASTER_KEY[..62]),
        ] {
            let out = admin_with_key_and_secret(&db, Some(bad), Some(SECRET_A), args);
            assert_exit(&out, 2, KEY_VAR, &format!("{what} with a malformed key"));
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                !stderr.contains(bad),
                "{what}: the value is never echoed: {stderr}"
            );
            assert!(out.stdout.is_empty(), "{what}: nothing printed on refusal");
        }
    }
    assert!(
        setup.untouched(),
        "a refused command creates no database file and no schema"
    );
}

fn a_wrong_master_key_is_refused_with_exit_1_naming_the_shop_never_the_secret(store: Store) {
    let setup = Setup::new(store);
    let db = setup.db();
    for (args, secret) in [
        (&["secrets", "list"][..], None),
        (&["secrets", "add", "a"], Some(SECRET_A2)),
        (&["secrets", "retire", "a"], Some(SECRET_A)),
        (&["serve", "--listen", "127.0.0.1:0"], None),
    ] {
        let what = args.join(" ");
        let out = admin_with_key_and_secret(&db, Some(OTHER_KEY), secret, args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_exit(&out, 1, "shop \"a\"", &format!("{what} under another key"));
        assert!(
            stderr.contains(KEY_VAR),
            "{what}: names the key at fault: {stderr}"
        );
        for leaked in ALL_SECRETS.iter().chain(&[MASTER_KEY, OTHER_KEY]) {
            assert!(!stderr.contains(leaked), "{what}: {stderr}");
        }
    }
    let list = admin_ok(&db, &["secrets", "list"]);
    assert_eq!(
        list.lines().count(),
        3,
        "nothing was added or retired under the wrong key: {list}"
    );
    assert!(list.lines().all(|l| l.ends_with("\tactive")), "{list}");
}

fn secrets_rotate_and_list_by_last_four_under_the_master_key(store: Store) {
    let setup = Setup::new(store);
    let db = setup.db();
    let relay = Relay::start(&setup);
    admin_piped_ok(&db, &["secrets", "add", "a"], SECRET_A2);
    admin_piped_ok(&db, &["secrets", "retire", "a"], SECRET_A);
    let list = admin_ok(&db, &["secrets", "list"]);
    let shop_a: Vec<&str> = list.lines().filter(|l| l.starts_with("a\t")).collect();
    assert_eq!(shop_a.len(), 2, "{list}");
    assert!(
        shop_a[0].starts_with("a\t…abcd\tadded_at=") && shop_a[0].contains("\tretired_at="),
        "{list}"
    );
    assert!(
        shop_a[1].starts_with("a\t…wxyz\tadded_at=") && shop_a[1].ends_with("\tactive"),
        "{list}"
    );
    for secret in ALL_SECRETS {
        assert!(!list.contains(secret), "only last fours are listed: {list}");
    }
    let payload = event_json("evt_after_rotation", "charge.updated");
    assert_eq!(
        relay.deliver("/webhooks/stripe/a", SECRET_A, &payload).0,
        400
    );
    assert_eq!(
        relay.deliver("/webhooks/stripe/a", SECRET_A2, &payload).0,
        200
    );

    // A retired secret added again verifies again, on the running relay.
    admin_piped_ok(&db, &["secrets", "add", "a"], SECRET_A);
    let again = event_json("evt_old_key_back", "charge.updated");
    assert_eq!(relay.deliver("/webhooks/stripe/a", SECRET_A, &again).0, 200);
    drop(relay);

    // The secrets survive a restart: they are opened from the database, not kept in memory.
    let restarted = Relay::start(&setup);
    let later = event_json("evt_after_restart", "charge.updated");
    assert_eq!(
        restarted.deliver("/webhooks/stripe/a", SECRET_A2, &later).0,
        200
    );
}

fn the_master_key_never_appears_in_output_or_the_log(store: Store) {
    let fresh = Command::new(BIN)
        .arg("master-key")
        .env_remove(KEY_VAR)
        .env_remove("VERSAPOS_RELAY_DB")
        .output()
        .expect("master-key runs");
    assert!(
        fresh.status.success(),
        "master-key needs no database or key"
    );
    let printed = String::from_utf8(fresh.stdout).expect("utf-8");
    let printed = printed.trim();
    assert_eq!(printed.len(), 64, "32 bytes in hex: {printed}");
    assert!(hex::decode(printed).is_ok(), "{printed}");
    assert!(fresh.stderr.is_empty());

    let setup = Setup::new(store);
    let db = setup.db();
    let relay = Relay::start(&setup);
    let payload = event_json("evt_keyless_log", "charge.updated");
    assert_eq!(
        relay.deliver("/webhooks/stripe/a", SECRET_A, &payload).0,
        200
    );
    assert_eq!(
        relay.deliver("/webhooks/stripe/a", SECRET_B, &payload).0,
        400
    );
    let mut outputs = vec![
        admin_piped(&db, &["secrets", "add", "a"], SECRET_A2),
        admin_piped(&db, &["secrets", "add", "a"], SECRET_A2),
        admin(&db, &["secrets", "list"]),
        admin_piped(&db, &["secrets", "retire", "a"], SECRET_A2),
        admin(&db, &["shops", "list"]),
    ];
    outputs.push(admin_with_key(&db, Some(OTHER_KEY), &["secrets", "list"]));
    drop(relay);
    let log = std::fs::read_to_string(setup.log_path()).expect("the relay's log");
    assert!(
        log.contains("relay listening"),
        "the log was captured: {log}"
    );

    let mut texts = vec![log];
    for out in &outputs {
        texts.push(String::from_utf8_lossy(&out.stdout).into_owned());
        texts.push(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    for text in &texts {
        for key in [MASTER_KEY, OTHER_KEY] {
            assert!(
                !text.to_lowercase().contains(key),
                "the master key was printed: {text}"
            );
        }
        for secret in ALL_SECRETS {
            assert!(!text.contains(secret), "a secret was printed: {text}");
        }
    }
}

#[test]
fn two_relays_on_one_postgres_database_serve_every_event_once_in_one_order() {
    let setup = Setup::new(Store::Postgres);
    let first = Relay::start(&setup);
    let second = Relay::start_on(&setup.db, &setup.dir.path().join("relay-2.log"));
    let relays = [&first, &second];

    // A long-poll held by one instance wakes for an event stored by the other.
    thread::scope(|scope| {
        let poll = scope.spawn(|| {
            let events = second.events(&setup.token_a, "after=0&wait=20");
            (events, Instant::now())
        });
        thread::sleep(Duration::from_millis(500));
        let payload = event_json("evt_across", "payment_intent.succeeded");
        let (status, body) = first.deliver("/webhooks/stripe/a", SECRET_A, &payload);
        let delivered = Instant::now();
        assert_eq!(status, 200, "{body}");
        let (events, answered) = poll.join().expect("the long-poll thread");
        assert_eq!(ids(&events), ["evt_across"]);
        let lag = answered.saturating_duration_since(delivered);
        assert!(lag < Duration::from_secs(1), "woke {lag:?} after the event");
    });

    // Deliveries to both instances at once, some of the same event to both, while one till
    // reads through either instance in turn, resuming from the cursor it was last given.
    let per_relay = 60;
    let mut expected: Vec<String> = vec!["evt_across".to_string()];
    expected.extend((0..2 * per_relay).map(|i| format!("evt_both_{i}")));
    let (seen, cursors) = thread::scope(|scope| {
        for (r, relay) in relays.iter().enumerate() {
            scope.spawn(move || {
                for i in 0..per_relay {
                    let id = format!("evt_both_{}", r * per_relay + i);
                    let payload = event_json(&id, "charge.updated");
                    let (status, body) = relay.deliver("/webhooks/stripe/a", SECRET_A, &payload);
                    assert_eq!(status, 200, "{id}: {body}");
                    // Stripe retries: the same event again, to the other instance.
                    if i % 5 == 0 {
                        let other = relays[1 - r];
                        let (status, body) =
                            other.deliver("/webhooks/stripe/a", SECRET_A, &payload);
                        assert_eq!(status, 200, "{id} again: {body}");
                    }
                }
            });
        }
        let reader = scope.spawn(|| {
            let (mut seen, mut cursors) = (Vec::new(), Vec::new());
            let mut cursor = 0;
            let deadline = Instant::now() + Duration::from_secs(60);
            let mut turn = 0;
            while seen.len() < expected.len() && Instant::now() < deadline {
                let relay = relays[turn % 2];
                turn += 1;
                let page = relay.events(&setup.token_a, &format!("after={cursor}&wait=1"));
                for event in page["events"].as_array().expect("events") {
                    seen.push(event["id"].as_str().expect("an id").to_string());
                    cursors.push(event["cursor"].as_i64().expect("a cursor"));
                }
                cursor = page["cursor"].as_i64().expect("a cursor");
            }
            (seen, cursors)
        });
        reader.join().expect("the reading till")
    });

    let mut distinct = seen.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        seen.len(),
        "no event served twice: {seen:?}"
    );
    let mut wanted = expected.clone();
    wanted.sort();
    assert_eq!(distinct, wanted, "every event served");
    assert!(
        cursors.windows(2).all(|w| w[0] < w[1]),
        "rising cursors {cursors:?}"
    );
    for relay in relays {
        assert_eq!(
            ids(&relay.events(&setup.token_a, "after=0")),
            seen,
            "either instance serves the same events in the same order"
        );
    }
    let stored: u64 = relays
        .iter()
        .map(|relay| metric(&relay.metrics(), "versapos_relay_webhooks_stored_total"))
        .sum();
    assert_eq!(stored, expected.len() as u64, "each event stored once");
}

/// A CA and a certificate for `localhost` signed by it, as PEM: (CA, server certificate, key).
fn test_ca_and_server_certificate() -> (String, String, String) {
    let ca_key = rcgen::KeyPair::generate().expect("a CA key");
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(rcgen::DnType::CommonName, "VersaTalent test database CA");
    let ca_cert = ca.self_signed(&ca_key).expect("the CA signs itself");
    let issuer = rcgen::Issuer::new(ca, ca_key);
    let key = rcgen::KeyPair::generate().expect("a server key");
    let server = rcgen::CertificateParams::new(vec!["localhost".to_string()])
        .expect("server params")
        .signed_by(&key, &issuer)
        .expect("the CA signs the server");
    (ca_cert.pem(), server.pem(), key.serialize_pem())
}

#[test]
fn on_postgres_over_tls_the_relay_checks_the_servers_certificate_against_the_ca_it_is_given() {
    let (ca, cert, key) = test_ca_and_server_certificate();
    let cluster = Cluster::start_tls(&cert, &key, &ca);
    let db = cluster.create_database();
    assert!(db.contains("sslmode=require"), "{db}");
    let dir = tempfile::tempdir().expect("temp dir");
    let ca_file = dir.path().join("db-ca.pem");
    std::fs::write(&ca_file, &ca).expect("the CA file");
    let ca_path = ca_file.to_str().expect("UTF-8 path");
    let with_ca = [("VERSAPOS_RELAY_DB_CA", ca_path)];
    let run = |env: &[(&str, &str)], args: &[&str]| {
        relay_command(&db, args)
            .envs(env.iter().copied())
            .output()
            .expect("the relay binary runs")
    };

    // Trusting the database's CA: set up, serve a signed webhook to the till.
    let out = run(&with_ca, &["shops", "add", "a"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(run(
        &[(SECRET_VAR, SECRET_A), with_ca[0]],
        &["secrets", "add", "a"]
    )
    .status
    .success());
    let out = run(&with_ca, &["tills", "add", "a", "till-1"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout)
        .expect("utf-8")
        .trim()
        .to_string();
    let relay = Relay::start_with_env(&db, &dir.path().join("relay.log"), &with_ca);
    let payload = event_json("evt_tls", "payment_intent.succeeded");
    let (status, body) = relay.deliver("/webhooks/stripe/a", SECRET_A, &payload);
    assert_eq!(status, 200, "{body}");
    assert_eq!(ids(&relay.events(&token, "after=0")), ["evt_tls"]);
    drop(relay);

    // Without that CA (the system's roots do not know it): refused, naming the certificate.
    let out = run(&[], &["shops", "list"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("could not be reached") && stderr.contains("certificate"),
        "{stderr}"
    );

    // In the clear: the server takes TLS only, so the relay above did use it.
    let clear = db.replace("sslmode=require", "sslmode=disable");
    let out = relay_command(&clear, &["shops", "list"])
        .output()
        .expect("the relay binary runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("could not be reached"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Without sslmode: TLS when the CA is given (the server takes nothing else), else in the
    // clear as before (refused here).
    let default_mode = db.replace("?sslmode=require", "");
    let out = relay_command(&default_mode, &["shops", "list"])
        .envs(with_ca.iter().copied())
        .output()
        .expect("the relay binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = relay_command(&default_mode, &["shops", "list"])
        .output()
        .expect("the relay binary runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "in the clear: refused by the server"
    );

    // A CA file that is not one: exit 2 naming the variable.
    let junk = dir.path().join("junk.pem");
    std::fs::write(&junk, "not a certificate").expect("junk");
    let out = run(
        &[("VERSAPOS_RELAY_DB_CA", junk.to_str().expect("path"))],
        &["shops", "list"],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("VERSAPOS_RELAY_DB_CA"));
}

/// Slowloris: more connections than the relay has file descriptors, each sending a request's
/// head a byte at a time. The relay caps its connections below its open-file limit, makes room
/// for newcomers by closing the longest-waiting of them, and keeps answering health probes.
fn slow_header_connections_past_the_open_file_limit_leave_health_probes_answered(store: Store) {
    open_files_at_least(4096);
    let setup = Setup::new(store);
    let relay = Relay::launch(
        &setup.db,
        &setup.log_path(),
        &Launch {
            shell: Some("ulimit -n 1024"),
            ..Launch::default()
        },
    );
    let addr = relay.addr().to_string();
    let limit = metric(
        &raw_get(&addr, "/metrics").body,
        "versapos_relay_connections_limit",
    );
    assert!(
        (800..=1000).contains(&limit),
        "the cap is lowered to fit 1024 open files: {limit}"
    );
    let stop = AtomicBool::new(false);
    thread::scope(|scope| {
        let attack = scope.spawn(|| {
            let mut slow: Vec<TcpStream> = (0..1100)
                .filter_map(|_| {
                    let stream = TcpStream::connect(&addr).ok()?;
                    let mut stream = stream;
                    stream
                        .write_all(b"GET /healthz HTTP/1.1\r\nX-Slow: ")
                        .ok()?;
                    Some(stream)
                })
                .collect();
            let opened = slow.len();
            while !stop.load(Ordering::Relaxed) {
                for stream in &mut slow {
                    let _ = stream.write(b"a");
                }
                thread::sleep(Duration::from_millis(200));
            }
            opened
        });
        // A failed assertion below still ends the attack, or the scope would wait for it forever.
        let _stop = SetOnDrop(&stop);
        // Until the relay holds as many as it takes.
        let filled = Instant::now();
        loop {
            let open = metric(
                &raw_get(&addr, "/metrics").body,
                "versapos_relay_connections_open",
            );
            if open + 5 >= limit {
                break;
            }
            assert!(
                filled.elapsed() < Duration::from_secs(8),
                "the slow connections did not fill the relay: {open} of {limit}"
            );
            thread::sleep(Duration::from_millis(100));
        }
        for probe in 0..10 {
            let started = Instant::now();
            let answer = raw_request_within(
                &addr,
                b"GET /healthz HTTP/1.1\r\nHost: relay\r\nConnection: close\r\n\r\n",
                Duration::from_secs(2),
            );
            let took = started.elapsed();
            let answer = answer.unwrap_or_else(|| panic!("probe {probe}: no answer in {took:?}"));
            assert_eq!(
                (answer.status, answer.body.as_str()),
                (200, "ok"),
                "probe {probe}"
            );
            assert!(
                took < Duration::from_secs(2),
                "probe {probe} answered in {took:?}"
            );
            thread::sleep(Duration::from_millis(100));
        }
        drop(_stop);
        assert_eq!(attack.join().expect("the attack"), 1100, "all connected");
    });
    let metrics = raw_get(&addr, "/metrics").body;
    assert!(
        metric(
            &metrics,
            "versapos_relay_connections_closed_total{reason=\"shed\"}"
        ) > 0,
        "room was made by closing waiting connections: {metrics}"
    );
    assert!(metric(&metrics, "versapos_relay_connections_open") <= limit);
    assert_eq!(
        metric(&metrics, "versapos_relay_accept_errors_total"),
        0,
        "the relay never ran out of descriptors"
    );
    drop(relay);
    let log = std::fs::read_to_string(setup.log_path()).expect("the relay's log");
    assert!(
        !log.contains("Too many open files"),
        "no accept errors: {}",
        log.lines()
            .filter(|l| l.contains("Too many"))
            .take(5)
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        log.contains("open-file limit is too low"),
        "the lowered cap is logged"
    );
}

/// SIGTERM with a client sending its request's head a byte at a time, another whose request
/// body never ends, and a long poll open: the long poll is answered at once, the slow head's
/// connection is closed at once, and the relay exits within its shutdown timeout.
fn sigterm_exits_within_the_shutdown_timeout_whatever_clients_hold_open(store: Store) {
    let setup = Setup::new(store);
    let mut relay = Relay::start_with(&setup, &["--shutdown-timeout", "2"]);
    let addr = relay.addr().to_string();
    let mut slow_head = TcpStream::connect(&addr).expect("a connection");
    slow_head
        .write_all(b"GET /healthz HTTP/1.1\r\nHo")
        .expect("the head's start");
    let mut dribbler = slow_head.try_clone().expect("a handle");
    let dribble = thread::spawn(move || {
        for _ in 0..50 {
            if dribbler.write_all(b"s").is_err() {
                break;
            }
            thread::sleep(Duration::from_millis(100));
        }
    });
    let mut stalled = TcpStream::connect(&addr).expect("a connection");
    stalled
        .write_all(
            b"POST /webhooks/stripe/a HTTP/1.1\r\nHost: relay\r\nContent-Length: 1000\r\n\r\n{\"id\"",
        )
        .expect("the body's start");
    let (agent, base, token) = (
        relay.agent.clone(),
        relay.base.clone(),
        setup.token_a.clone(),
    );
    let poll = thread::spawn(move || {
        let mut response = agent
            .get(format!("{base}/v1/events?after=0&wait=30"))
            .header("Authorization", format!("Bearer {token}"))
            .call()
            .expect("the relay answers");
        let _ = response.body_mut().read_to_string();
        (response.status().as_u16(), Instant::now())
    });
    thread::sleep(Duration::from_millis(700));
    let sent = Instant::now();
    relay.terminate();
    let (status, answered) = poll.join().expect("the long-poll thread");
    assert_eq!(status, 200, "the open long poll is answered");
    assert!(
        answered.duration_since(sent) < Duration::from_secs(1),
        "answered at once: {:?}",
        answered.duration_since(sent)
    );
    let closed = closed_within(&mut slow_head, Duration::from_secs(5));
    assert!(
        closed.is_some() && sent.elapsed() < Duration::from_millis(1500),
        "the slow head's connection is closed at once: {:?} after SIGTERM",
        sent.elapsed()
    );
    let exit = relay
        .exit_within(Duration::from_secs(6))
        .expect("the relay exits despite the stalled request");
    let took = sent.elapsed();
    assert!(exit.success(), "a clean exit: {exit:?}");
    assert!(
        took < Duration::from_millis(3500),
        "exited {took:?} after SIGTERM, with a 2 s shutdown timeout"
    );
    dribble.join().expect("the dribbling thread");
    drop(stalled);
}

/// `tills revoke` (another process, on the same database) ends the till's open long poll.
fn a_revoked_tills_open_long_poll_ends_with_401_within_two_seconds(store: Store) {
    let setup = Setup::new(store);
    let relay = Relay::start(&setup);
    thread::scope(|scope| {
        let poll = scope.spawn(|| {
            let answer = relay.get("/v1/events?after=0&wait=30", Some(&setup.token_a));
            (answer, Instant::now())
        });
        thread::sleep(Duration::from_millis(700));
        assert_eq!(
            metric(&relay.metrics(), "versapos_relay_long_polls_open"),
            1
        );
        admin_ok(&setup.db(), &["tills", "revoke", "a", "till-1"]);
        let revoked = Instant::now();
        let ((status, body), answered) = poll.join().expect("the long-poll thread");
        assert_eq!(status, 401, "the revoked till's poll is refused: {body}");
        assert!(body.contains("\"unauthorized\""), "{body}");
        let lag = answered.saturating_duration_since(revoked);
        assert!(
            lag < Duration::from_secs(2),
            "ended {lag:?} after the revoke"
        );
    });
    assert_eq!(
        metric(&relay.metrics(), "versapos_relay_long_polls_open"),
        0
    );
    assert_eq!(
        relay.get("/v1/events?after=0", Some(&setup.token_b)).0,
        200,
        "other tills read on"
    );
}

/// A shop name from the URL with a line break, a forged log line and a terminal escape: the log
/// keeps it on its own line, escaped, and has no escape byte at all (no colours either: the log
/// is a file, not a terminal).
fn a_shop_name_in_the_url_cannot_forge_log_lines_or_drive_the_terminal(store: Store) {
    let setup = Setup::new(store);
    let relay = Relay::start(&setup);
    let forged = "2026-01-01T00:00:00.000000Z ERROR versapos_relay: forged";
    let path = "/webhooks/stripe/x%0A2026-01-01T00:00:00.000000Z%20ERROR%20versapos_relay:%20forged%1B%5B2J%0D";
    let payload = event_json("evt_forge", "payment_intent.succeeded");
    let (status, body) = relay.deliver(path, SECRET_A, &payload);
    assert_eq!(status, 404, "no such shop: {body}");
    assert_eq!(relay.get("/v1/events?after=0", Some(&setup.token_a)).0, 200);
    drop(relay);
    let log = std::fs::read(setup.log_path()).expect("the relay's log");
    assert!(!log.contains(&0x1b), "no escape byte in the log");
    assert!(!log.contains(&b'\r'), "no carriage return in the log");
    let log = String::from_utf8(log).expect("a UTF-8 log");
    assert!(
        log.lines().all(|l| !l.starts_with(forged)),
        "no forged line: {log}"
    );
    assert!(
        log.contains(
            r#"shop="x\n2026-01-01T00:00:00.000000Z ERROR versapos_relay: forged\u{1b}[2J\r""#
        ),
        "the shop name logged escaped: {log}"
    );
}

/// Every refusal has the documented `{"error":{"code","message"}}` body: the router's own (no
/// such route, wrong method, a path that does not decode) and the limits on heads and bodies.
fn every_refusal_is_answered_in_the_json_error_shape(store: Store) {
    let setup = Setup::new(store);
    let relay = Relay::start(&setup);
    let addr = relay.addr().to_string();
    let request = |line: &str, headers: &str, body: &str| {
        raw_request(
            &addr,
            format!(
                "{line} HTTP/1.1\r\nHost: relay\r\nConnection: close\r\n{headers}\
                 Content-Length: {}\r\n\r\n{body}",
                body.len()
            )
            .as_bytes(),
        )
    };
    let cases = [
        (
            "no such route",
            request("GET /nowhere", "", ""),
            404,
            "not_found",
        ),
        (
            "a route that does not take GET",
            request("GET /webhooks/stripe/a", "", ""),
            405,
            "method_not_allowed",
        ),
        (
            "a route that does not take POST",
            request("POST /v1/events", "", ""),
            405,
            "method_not_allowed",
        ),
        (
            "a shop name that is not UTF-8",
            request("POST /webhooks/stripe/%FF", "", "{}"),
            400,
            "bad_request",
        ),
        (
            "a 9 KiB request target",
            request(
                &format!("GET /v1/events?pad={}", "x".repeat(9 * 1024)),
                "",
                "",
            ),
            414,
            "uri_too_long",
        ),
        (
            "20 KiB of headers",
            request(
                "GET /healthz",
                &format!("X-Big: {}\r\n", "x".repeat(20 * 1024)),
                "",
            ),
            431,
            "headers_too_large",
        ),
        (
            "100 header lines",
            request(
                "GET /healthz",
                &(0..100)
                    .map(|i| format!("X-Line-{i}: x\r\n"))
                    .collect::<String>(),
                "",
            ),
            431,
            "headers_too_large",
        ),
        (
            "a body over 1 MiB",
            request("POST /webhooks/stripe/a", "", &"x".repeat(1024 * 1024 + 1)),
            413,
            "payload_too_large",
        ),
        (
            "no token",
            request("GET /v1/events", "", ""),
            401,
            "unauthorized",
        ),
    ];
    for (what, answer, status, code) in cases {
        assert_eq!(answer.status, status, "{what}: {answer:?}");
        assert_eq!(answer.error_code(), code, "{what}");
    }
    let wrong_method = request("GET /webhooks/stripe/a", "", "");
    assert_eq!(
        wrong_method.header("allow"),
        Some("POST"),
        "405 still names the method"
    );
}

/// An object `depth` levels deep in all (the event, `data`, `data.object` and arrays inside).
fn nested_event(id: &str, depth: usize) -> String {
    let arrays = depth - 3;
    format!(
        r#"{{"id":"{id}","type":"payment_intent.succeeded","data":{{"object":{{"id":"pi_1","deep":{}{}}}}}}}"#,
        "[".repeat(arrays),
        "]".repeat(arrays)
    )
}

/// A signed event nested 10,000 levels deep (or just past 64) is refused before it is stored;
/// 64 levels, or brackets inside strings, are stored.
fn an_event_nested_past_64_levels_is_refused_as_malformed_and_not_stored(store: Store) {
    let setup = Setup::new(store);
    let relay = Relay::start(&setup);
    for (id, depth) in [("evt_deep_10000", 10_000), ("evt_deep_65", 65)] {
        let (status, body) =
            relay.deliver("/webhooks/stripe/a", SECRET_A, &nested_event(id, depth));
        assert_eq!(status, 400, "{depth} deep: {body}");
        assert!(body.contains("\"malformed_event\""), "{depth} deep: {body}");
        assert!(body.contains("64 levels"), "the message says why: {body}");
    }
    let (status, body) = relay.deliver(
        "/webhooks/stripe/a",
        SECRET_A,
        &nested_event("evt_deep_64", 64),
    );
    assert_eq!(status, 200, "64 deep: {body}");
    let brackets = format!(
        r#"{{"id":"evt_brackets","type":"charge.updated","data":{{"object":{{"note":"{}\"{}"}}}}}}"#,
        "[{".repeat(100),
        "[".repeat(100)
    );
    let (status, body) = relay.deliver("/webhooks/stripe/a", SECRET_A, &brackets);
    assert_eq!(status, 200, "brackets in a string: {body}");
    assert_eq!(
        ids(&relay.events(&setup.token_a, "after=0")),
        ["evt_deep_64", "evt_brackets"],
        "nothing refused was stored"
    );
    assert_eq!(
        metric(
            &relay.metrics(),
            "versapos_relay_webhooks_rejected_total{reason=\"malformed\"}"
        ),
        2
    );
}

/// A secret on the command line shows in `ps` and the shell's history: refused (exit 2, saying
/// how to pass it, never echoing it); taken from stdin (one line, trimmed) or the environment.
fn a_signing_secret_is_refused_on_the_command_line_and_read_from_stdin_or_the_environment(
    store: Store,
) {
    let setup = Setup::empty(store);
    let db = setup.db();
    admin_ok(&db, &["shops", "add", "a"]);
    for verb in ["add", "retire"] {
        let out = admin(&db, &["secrets", verb, "a", SECRET_A]);
        assert_exit(
            &out,
            2,
            "secret",
            &format!("secrets {verb} with the secret as an argument"),
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("stdin") && stderr.contains(SECRET_VAR),
            "says how to pass it: {stderr}"
        );
        assert!(!stderr.contains(SECRET_A), "never echoed: {stderr}");
        assert!(out.stdout.is_empty());
    }
    assert!(
        admin_ok(&db, &["secrets", "list"]).is_empty(),
        "nothing was added"
    );

    let added = admin_piped_ok(
        &db,
        &["secrets", "add", "a"],
        &format!("  {SECRET_A}  \nwhsec_secondlineisignored00\n"),
    );
    assert!(added.contains("…abcd"), "{added}");
    let out = admin_with_key_and_secret(
        &db,
        Some(MASTER_KEY),
        Some(SECRET_A2),
        &["secrets", "add", "a"],
    );
    assert!(
        out.status.success(),
        "from {SECRET_VAR}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = admin_ok(&db, &["secrets", "list"]);
    assert_eq!(list.lines().count(), 2, "{list}");
    assert!(!list.contains("ignored"), "one line only: {list}");

    assert_exit(
        &admin_piped(&db, &["secrets", "add", "a"], ""),
        2,
        "secret",
        "nothing on stdin",
    );
    admin_piped_ok(&db, &["secrets", "retire", "a"], SECRET_A);
    let out = admin_with_key_and_secret(
        &db,
        Some(MASTER_KEY),
        Some(SECRET_A2),
        &["secrets", "retire", "a"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = admin_ok(&db, &["secrets", "list"]);
    assert!(
        list.lines().all(|l| l.contains("retired_at=")),
        "both retired: {list}"
    );
}

/// One till may hold a few long polls, one shop a few more: past either cap a long poll is
/// answered 429 `too_many_long_polls` at once; requests that do not wait, and other shops, go on.
fn long_polls_past_a_tills_or_a_shops_cap_are_answered_429(store: Store) {
    let setup = Setup::new(store);
    let db = setup.db();
    let token_2 = admin_ok(&db, &["tills", "add", "a", "till-2"])
        .trim()
        .to_string();
    let token_3 = admin_ok(&db, &["tills", "add", "a", "till-3"])
        .trim()
        .to_string();
    let relay = Relay::start_with(
        &setup,
        &["--long-polls-per-till", "1", "--long-polls-per-shop", "2"],
    );
    let metrics = relay.metrics();
    assert_eq!(
        metric(&metrics, "versapos_relay_long_polls_limit{per=\"till\"}"),
        1
    );
    assert_eq!(
        metric(&metrics, "versapos_relay_long_polls_limit{per=\"shop\"}"),
        2
    );
    thread::scope(|scope| {
        let first = scope.spawn(|| relay.get("/v1/events?after=0&wait=4", Some(&setup.token_a)));
        thread::sleep(Duration::from_millis(500));
        let started = Instant::now();
        let (status, body) = relay.get("/v1/events?after=0&wait=4", Some(&setup.token_a));
        assert_eq!(status, 429, "the till's second long poll: {body}");
        assert!(
            body.contains("\"too_many_long_polls\"") && body.contains("till"),
            "{body}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "refused at once"
        );
        assert_eq!(
            relay.get("/v1/events?after=0", Some(&setup.token_a)).0,
            200,
            "a request that does not wait"
        );
        let second = scope.spawn(|| relay.get("/v1/events?after=0&wait=4", Some(&token_2)));
        thread::sleep(Duration::from_millis(500));
        let (status, body) = relay.get("/v1/events?after=0&wait=4", Some(&token_3));
        assert_eq!(status, 429, "the shop's third long poll: {body}");
        assert!(
            body.contains("\"too_many_long_polls\"") && body.contains("shop"),
            "{body}"
        );
        assert_eq!(
            relay
                .get("/v1/events?after=0&wait=1", Some(&setup.token_b))
                .0,
            200,
            "another shop's till"
        );
        let metrics = relay.metrics();
        assert_eq!(metric(&metrics, "versapos_relay_long_polls_open"), 2);
        assert_eq!(
            metric(
                &metrics,
                "versapos_relay_long_polls_refused_total{per=\"till\"}"
            ),
            1
        );
        assert_eq!(
            metric(
                &metrics,
                "versapos_relay_long_polls_refused_total{per=\"shop\"}"
            ),
            1
        );
        assert_eq!(first.join().expect("first").0, 200);
        assert_eq!(second.join().expect("second").0, 200);
    });
    assert_eq!(
        relay.get("/v1/events?after=0&wait=1", Some(&token_3)).0,
        200,
        "places are given back when polls end"
    );
}

/// A connection that sends nothing, or a request's head too slowly, is closed at the header
/// timeout; a kept-alive one at the idle timeout (not the header timeout); a request whose body
/// never ends is answered 408 at the request timeout; a long poll is not cut by it.
fn slow_heads_idle_connections_and_slow_bodies_are_cut_at_their_timeouts(store: Store) {
    let setup = Setup::new(store);
    let relay = Relay::start_with(
        &setup,
        &[
            "--header-timeout",
            "1",
            "--idle-timeout",
            "3",
            "--request-timeout",
            "4",
        ],
    );
    let addr = relay.addr().to_string();
    thread::scope(|scope| {
        let silent = scope.spawn(|| {
            let mut stream = TcpStream::connect(&addr).expect("a connection");
            closed_within(&mut stream, Duration::from_secs(5))
        });
        let slow = scope.spawn(|| {
            let mut stream = TcpStream::connect(&addr).expect("a connection");
            let mut writer = stream.try_clone().expect("a handle");
            let dribble = thread::spawn(move || {
                for b in
                    b"GET /healthz HTTP/1.1\r\nHost: relay\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                {
                    if writer.write_all(&[*b]).is_err() {
                        break;
                    }
                    thread::sleep(Duration::from_millis(100));
                }
            });
            let closed = closed_within(&mut stream, Duration::from_secs(5));
            let _ = dribble.join();
            closed
        });
        let idle = scope.spawn(|| {
            let mut stream = TcpStream::connect(&addr).expect("a connection");
            stream
                .write_all(b"GET /healthz HTTP/1.1\r\nHost: relay\r\n\r\n")
                .expect("a request");
            let mut buf = [0u8; 512];
            let n = stream.read(&mut buf).expect("the answer");
            assert!(buf[..n].starts_with(b"HTTP/1.1 200"), "answered");
            closed_within(&mut stream, Duration::from_secs(8))
        });
        let stalled = scope.spawn(|| {
            let started = Instant::now();
            let answer = raw_request(
                &addr,
                b"POST /webhooks/stripe/a HTTP/1.1\r\nHost: relay\r\nContent-Length: 100\r\n\r\n{\"id\":",
            );
            (answer, started.elapsed())
        });
        let poll = scope.spawn(|| {
            let started = Instant::now();
            let answer = relay.get("/v1/events?after=0&wait=30", Some(&setup.token_a));
            (answer, started.elapsed())
        });

        let silent = silent.join().expect("silent").expect("closed");
        assert!(
            (Duration::from_millis(800)..Duration::from_millis(2500)).contains(&silent),
            "a silent connection is closed at the header timeout: {silent:?}"
        );
        let slow = slow.join().expect("slow").expect("closed");
        assert!(
            (Duration::from_millis(800)..Duration::from_millis(2500)).contains(&slow),
            "a slow head is closed at the header timeout: {slow:?}"
        );
        let idle = idle.join().expect("idle").expect("closed");
        assert!(
            (Duration::from_millis(2500)..Duration::from_millis(4500)).contains(&idle),
            "an idle connection is closed at the idle timeout: {idle:?}"
        );
        let (answer, took) = stalled.join().expect("stalled");
        assert_eq!(answer.status, 408, "{answer:?}");
        assert_eq!(answer.error_code(), "request_timeout");
        assert!(
            (Duration::from_millis(3500)..Duration::from_millis(6000)).contains(&took),
            "at the request timeout: {took:?}"
        );
        let ((status, body), took) = poll.join().expect("poll");
        assert_eq!(status, 200, "the long poll is answered, not cut: {body}");
        assert!(
            took < Duration::from_secs(4),
            "a long poll waits less than the request timeout: {took:?}"
        );
    });
    let metrics = relay.metrics();
    assert!(
        metric(
            &metrics,
            "versapos_relay_connections_closed_total{reason=\"header_timeout\"}"
        ) >= 2,
        "{metrics}"
    );
    assert!(
        metric(
            &metrics,
            "versapos_relay_connections_closed_total{reason=\"idle_timeout\"}"
        ) >= 1,
        "{metrics}"
    );
}

/// With far too few file descriptors for the connections asked for (`ulimit -n 40`), the relay
/// takes what fits, answers the rest 503 at once instead of running out of descriptors (and
/// then failing to accept anyone, logging it over and over), and serves again once the crowd
/// is gone.
#[test]
fn with_far_too_few_open_files_the_relay_refuses_what_it_cannot_hold_and_never_runs_out() {
    let setup = Setup::new(Store::Sqlite);
    let relay = Relay::launch(
        &setup.db,
        &setup.log_path(),
        &Launch {
            shell: Some("ulimit -n 40"),
            args: &["--max-connections", "1000"],
            ..Launch::default()
        },
    );
    let addr = relay.addr().to_string();
    let held: Vec<TcpStream> = (0..150)
        .filter_map(|_| TcpStream::connect(&addr).ok())
        .collect();
    thread::sleep(Duration::from_secs(2));
    drop(held);
    let deadline = Instant::now() + Duration::from_secs(10);
    let metrics = loop {
        if let Some(answer) = raw_request_within(
            &addr,
            b"GET /metrics HTTP/1.1\r\nHost: relay\r\nConnection: close\r\n\r\n",
            Duration::from_secs(2),
        )
        .filter(|a| a.status == 200)
        {
            break answer.body;
        }
        assert!(Instant::now() < deadline, "the relay serves again");
        thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(
        metric(&metrics, "versapos_relay_connections_limit"),
        1,
        "the cap fits the open-file limit"
    );
    assert!(
        metric(&metrics, "versapos_relay_connections_refused_total") > 0,
        "the rest were refused: {metrics}"
    );
    assert_eq!(
        metric(&metrics, "versapos_relay_accept_errors_total"),
        0,
        "never out of descriptors"
    );
    drop(relay);
    let log = std::fs::read_to_string(setup.log_path()).expect("the relay's log");
    assert!(!log.contains("cannot accept connections"), "{log}");
}

/// The database holds sealed secrets and token hashes: relay.db, its -wal and its -shm are
/// readable by their owner only whatever the umask, and an older database is narrowed.
#[test]
fn relay_db_and_its_wal_and_shm_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let setup = Setup::empty(Store::Sqlite);
    let db = setup.db();
    let mode = |path: &Path| {
        std::fs::metadata(path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .permissions()
            .mode()
            & 0o777
    };
    let out = shell_command("umask 000", &db, &["shops", "add", "a"])
        .output()
        .expect("the relay binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let relay = Relay::launch(
        &db,
        &setup.log_path(),
        &Launch {
            shell: Some("umask 000"),
            ..Launch::default()
        },
    );
    let out = shell_command("umask 000", &db, &["tills", "add", "a", "till-1"])
        .output()
        .expect("the relay binary runs");
    assert!(out.status.success());
    let main = PathBuf::from(&db);
    let wal = main.with_file_name("relay.db-wal");
    let shm = main.with_file_name("relay.db-shm");
    for path in [&main, &wal, &shm] {
        assert_eq!(mode(path), 0o600, "{} under umask 000", path.display());
    }
    drop(relay);

    for path in [&main, &wal, &shm] {
        if path.exists() {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644))
                .expect("widened");
        }
    }
    admin_ok(&db, &["shops", "list"]);
    for path in [&main, &wal, &shm] {
        if path.exists() {
            assert_eq!(mode(path), 0o600, "{} narrowed on open", path.display());
        }
    }
}

impl Relay {
    /// `PUT path` with the till's token and a JSON body.
    fn put(&self, path: &str, token: Option<&str>, body: &str) -> (u16, String) {
        let mut req = self
            .agent
            .put(format!("{}{path}", self.base))
            .header("Content-Type", "application/json");
        if let Some(token) = token {
            req = req.header("Authorization", format!("Bearer {token}"));
        }
        let mut response = req.send(body).expect("the relay answers");
        let body = response
            .body_mut()
            .read_to_string()
            .expect("a readable body");
        (response.status().as_u16(), body)
    }
}

/// A till's journal head for entry `seq` with `hash`, signed by `key` as the till signs it.
fn journal_head(key: &ed25519_dalek::SigningKey, seq: i64, hash: &str, signed_seq: i64) -> String {
    use ed25519_dalek::Signer;
    let mut message = b"VersaTalent POS journal head\n".to_vec();
    for part in ["store-1", "T1", &signed_seq.to_string(), hash] {
        message.extend_from_slice(&(part.len() as u64).to_be_bytes());
        message.extend_from_slice(part.as_bytes());
    }
    serde_json::json!({
        "key_id": "store-1", "till_id": "T1", "seq": seq, "hash": hash,
        "public_key": hex::encode(key.verifying_key().to_bytes()),
        "signature": hex::encode(key.sign(&message).to_bytes()),
    })
    .to_string()
}

fn error_code(body: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    v["error"]["code"].as_str().unwrap_or_default().to_string()
}

/// The relay keeps each till's newest signed journal head, only ever forward and under the key
/// the till started with: a head behind it (a store put back to an older copy), the same entry
/// with another hash (a rewritten journal) or another key is refused with 409, and a signature
/// that does not verify with 400. Each till reads its own.
fn a_tills_signed_journal_head_is_kept_only_forward_under_its_key(store: Store) {
    let setup = Setup::new(store);
    let relay = Relay::start(&setup);
    let key = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
    let other = ed25519_dalek::SigningKey::from_bytes(&[8u8; 32]);
    let (h5, h6) = ("5".repeat(64), "6".repeat(64));
    let head = "/v1/journal-head";
    let token = Some(setup.token_a.as_str());

    let (status, body) = relay.get(head, token);
    assert_eq!(
        (status, error_code(&body)),
        (404, "no_journal_head".into()),
        "{body}"
    );
    let (status, body) = relay.put(head, token, &journal_head(&key, 5, &h5, 5));
    assert_eq!(status, 200, "{body}");
    let (status, body) = relay.get(head, token);
    assert_eq!(status, 200, "{body}");
    let kept: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(
        (kept["seq"].as_i64(), kept["hash"].as_str()),
        (Some(5), Some(h5.as_str()))
    );

    for (what, sent, status, code) in [
        (
            "behind",
            journal_head(&key, 4, &h5, 4),
            409,
            "journal_head_behind",
        ),
        (
            "rewritten",
            journal_head(&key, 5, &h6, 5),
            409,
            "journal_head_differs",
        ),
        (
            "another key",
            journal_head(&other, 6, &h6, 6),
            409,
            "journal_key_changed",
        ),
        (
            "a signature of another entry",
            journal_head(&key, 6, &h6, 7),
            400,
            "bad_journal_head",
        ),
        (
            "not a head",
            "{\"seq\":6}".to_string(),
            400,
            "bad_journal_head",
        ),
    ] {
        let (got, body) = relay.put(head, token, &sent);
        assert_eq!(
            (got, error_code(&body)),
            (status, code.to_string()),
            "{what}: {body}"
        );
    }
    let (status, body) = relay.put(head, token, &journal_head(&key, 5, &h5, 5));
    assert_eq!(status, 200, "the same head again: {body}");
    let (status, body) = relay.put(head, token, &journal_head(&key, 6, &h6, 6));
    assert_eq!(status, 200, "{body}");
    let kept: serde_json::Value = serde_json::from_str(&relay.get(head, token).1).expect("JSON");
    assert_eq!(kept["seq"].as_i64(), Some(6));

    let (status, _) = relay.get(head, Some(&setup.token_b));
    assert_eq!(status, 404, "another till reads its own");
    assert_eq!(relay.put(head, None, &journal_head(&key, 7, &h6, 7)).0, 401);
    admin_ok(&setup.db(), &["tills", "revoke", "a", "till-1"]);
    assert_eq!(
        relay.get(head, token).0,
        401,
        "a revoked till reads nothing"
    );
    assert_eq!(
        relay.put(head, token, &journal_head(&key, 7, &h6, 7)).0,
        401
    );
}

/// Runs each test above once per store: `on_sqlite::NAME` and `on_postgres::NAME`.
macro_rules! on_both_stores {
    ($($(#[$attr:meta])* $name:ident),* $(,)?) => {
        mod on_sqlite {
            $( $(#[$attr])* #[test] fn $name() { super::$name(super::Store::Sqlite) } )*
        }
        mod on_postgres {
            $( $(#[$attr])* #[test] fn $name() { super::$name(super::Store::Postgres) } )*
        }
    };
}

on_both_stores!(
    a_signed_webhook_is_accepted_and_served_raw_to_the_shops_till,
    the_same_event_delivered_three_times_is_stored_once,
    bad_signatures_are_refused_with_400_and_nothing_is_stored,
    not_json_or_no_id_is_400_and_an_unknown_shop_is_404,
    a_body_over_one_mib_is_refused_with_413,
    an_unknown_event_type_is_stored_and_served,
    a_page_is_cut_by_bytes_as_well_as_by_count,
    events_after_a_cursor_come_in_arrival_order,
    a_long_poll_wakes_within_a_second_of_a_new_event,
    a_tills_token_sees_its_own_shops_events_only,
    missing_unknown_and_revoked_tokens_get_401,
    rotated_secrets_both_verify_and_a_retired_one_no_longer_does,
    sigkill_right_after_a_200_loses_nothing_acknowledged,
    #[cfg(unix)]
    sigterm_stops_the_relay_cleanly_even_with_a_long_poll_open,
    healthz_answers_ok,
    the_admin_cli_exits_2_on_bad_input_naming_the_field,
    the_admin_cli_shows_secrets_by_their_last_four_and_tokens_once,
    signing_secrets_never_reach_the_database_or_its_wal_in_the_clear,
    commands_that_need_secrets_refuse_a_missing_or_malformed_master_key_with_exit_2,
    a_wrong_master_key_is_refused_with_exit_1_naming_the_shop_never_the_secret,
    secrets_rotate_and_list_by_last_four_under_the_master_key,
    the_master_key_never_appears_in_output_or_the_log,
    slow_header_connections_past_the_open_file_limit_leave_health_probes_answered,
    sigterm_exits_within_the_shutdown_timeout_whatever_clients_hold_open,
    a_revoked_tills_open_long_poll_ends_with_401_within_two_seconds,
    a_shop_name_in_the_url_cannot_forge_log_lines_or_drive_the_terminal,
    every_refusal_is_answered_in_the_json_error_shape,
    an_event_nested_past_64_levels_is_refused_as_malformed_and_not_stored,
    a_signing_secret_is_refused_on_the_command_line_and_read_from_stdin_or_the_environment,
    long_polls_past_a_tills_or_a_shops_cap_are_answered_429,
    slow_heads_idle_connections_and_slow_bodies_are_cut_at_their_timeouts,
    a_tills_signed_journal_head_is_kept_only_forward_under_its_key,
);
