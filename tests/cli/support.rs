//! Shared set-up for the CLI's system tests: a store file in its own temp dir, the real
//! `versapos` binary run against it, and small readers for its JSON output.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use tempfile::TempDir;

/// The binary under test, built by cargo for this test run.
pub const BIN: &str = env!("CARGO_BIN_EXE_versapos");

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    /// The exit code; None when a signal ended the process.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// What a finished (or killed) process left behind.
    pub fn from_output(out: Output) -> Run {
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// A refused command run with `--json`: the error it printed on stdout.
#[derive(Debug)]
pub struct Refusal {
    pub code: String,
    pub message: String,
    pub stderr: String,
}

/// One store in its own temp dir; the dir (and the store) go when the value is dropped.
pub struct Till {
    pub dir: TempDir,
    pub db: PathBuf,
    /// Who the commands run as ($VERSAPOS_STAFF / $VERSAPOS_PIN), once the till has staff.
    staff: std::cell::RefCell<Option<(String, String)>>,
}

impl Till {
    /// A path for a store that does not exist yet.
    pub fn empty() -> Till {
        let dir = TempDir::new().expect("create a temp dir for the store");
        let db = dir.path().join("store.db");
        Till {
            dir,
            db,
            staff: Default::default(),
        }
    }

    /// A GBP shop, prices including tax, till T1, with the default rates
    /// (standard 20 %, reduced 5 %, zero).
    pub fn gbp() -> Till {
        let till = Till::empty();
        till.ok(&[
            "init",
            "--shop",
            "Corner Shop",
            "--currency",
            "GBP",
            "--till",
            "T1",
        ]);
        till
    }

    /// A GBP shop with a small catalog: TEA 2.49 standard, BUN 1.35 reduced, CHEW 0.05 zero,
    /// ten of each in stock.
    pub fn gbp_with_catalog() -> Till {
        let till = Till::gbp();
        till.import(
            "catalog.csv",
            "sku,name,price,tax_rate,stock\nTEA,Tea,2.49,standard,10\nBUN,Bun,1.35,reduced,10\n\
             CHEW,Chew,0.05,zero,10\n",
        );
        till
    }

    /// The binary, pointed at this store, with an environment that cannot point it elsewhere.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.env_remove("VERSAPOS_DB")
            .env_remove("VERSAPOS_STAFF")
            .env_remove("VERSAPOS_PIN")
            .env_remove("VERSAPOS_NEW_PIN")
            .env_remove("VERSAPOS_STRIPE_KEY")
            .env_remove("VERSAPOS_NEW_KEY")
            .env_remove("VERSAPOS_JOURNAL_KEY")
            // A keychain entry of this store's own: tests never touch the machine's.
            .env(
                "VERSAPOS_KEYCHAIN_SERVICE",
                format!("com.versatalent.pos.test.{}", self.dir.path().display()),
            )
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .arg("--db")
            .arg(&self.db)
            .stdin(Stdio::null());
        if let Some((name, pin)) = &*self.staff.borrow() {
            cmd.env("VERSAPOS_STAFF", name).env("VERSAPOS_PIN", pin);
        }
        cmd
    }

    /// Adds the test staff to a till that has none: Ada (admin, 9999), Morgan (manager, 2222)
    /// and Sam (cashier, 1111). Commands run as Ada afterwards.
    pub fn add_the_staff(&self) {
        let r = self.run_with_new_pin(
            "9999",
            &["staff", "add", "--name", "Ada", "--role", "admin"],
        );
        assert_eq!(r.code, Some(0), "first admin: {}", r.stderr);
        self.as_staff(Some(("Ada", "9999")));
        for (name, role, pin) in [("Morgan", "manager", "2222"), ("Sam", "cashier", "1111")] {
            let r = self.run_with_new_pin(pin, &["staff", "add", "--name", name, "--role", role]);
            assert_eq!(r.code, Some(0), "{name}: {}", r.stderr);
        }
    }

    /// Runs the following commands as this staff member (None: nobody signed in).
    pub fn as_staff(&self, who: Option<(&str, &str)>) {
        *self.staff.borrow_mut() = who.map(|(n, p)| (n.to_string(), p.to_string()));
    }

    /// Runs a command with extra environment variables.
    pub fn run_with_env(&self, env: &[(&str, &str)], args: &[&str]) -> Run {
        let mut cmd = self.command();
        for (k, v) in env {
            cmd.env(k, v);
        }
        Run::from_output(cmd.args(args).output().expect("run the versapos binary"))
    }

    /// Runs a command with a new PIN given in $VERSAPOS_NEW_PIN.
    pub fn run_with_new_pin(&self, new_pin: &str, args: &[&str]) -> Run {
        let out = self
            .command()
            .env("VERSAPOS_NEW_PIN", new_pin)
            .args(args)
            .output()
            .expect("run the versapos binary");
        Run::from_output(out)
    }

    /// Runs a command with extra environment variables that must succeed; returns its stdout.
    pub fn ok_with_env(&self, env: &[(&str, &str)], args: &[&str]) -> String {
        let r = self.run_with_env(env, args);
        assert_eq!(
            r.code,
            Some(0),
            "`versapos {}` should succeed\nstdout: {}\nstderr: {}",
            args.join(" "),
            r.stdout,
            r.stderr
        );
        r.stdout
    }

    /// Runs a command with `--json` and extra environment variables that must succeed; returns
    /// its parsed output.
    pub fn json_with_env(&self, env: &[(&str, &str)], args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.ok_with_env(env, &all);
        serde_json::from_str(&out).unwrap_or_else(|e| {
            panic!(
                "`versapos {}` should print JSON ({e}), printed:\n{out}",
                all.join(" ")
            )
        })
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let out = self
            .command()
            .args(args)
            .output()
            .expect("run the versapos binary");
        Run::from_output(out)
    }

    /// Runs a command that must succeed; returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let r = self.run(args);
        assert_eq!(
            r.code,
            Some(0),
            "`versapos {}` should succeed\nstdout: {}\nstderr: {}",
            args.join(" "),
            r.stdout,
            r.stderr
        );
        r.stdout
    }

    /// Runs a command with `--json` that must succeed; returns its parsed output.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.ok(&all);
        serde_json::from_str(&out).unwrap_or_else(|e| {
            panic!(
                "`versapos {}` should print JSON ({e}), printed:\n{out}",
                all.join(" ")
            )
        })
    }

    /// Runs a command with `--json` that must be refused as bad input: exit 2, the error as
    /// `{"error":{"code","message"}}` on stdout and the message on stderr.
    pub fn refused(&self, args: &[&str]) -> Refusal {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let r = self.run(&all);
        let shown = all.join(" ");
        assert_eq!(
            r.code,
            Some(2),
            "`versapos {shown}` should be refused as bad input (exit 2)\nstdout: {}\nstderr: {}",
            r.stdout,
            r.stderr
        );
        let v: Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| {
            panic!(
                "`versapos {shown}` should print its error as JSON on stdout ({e}): {}",
                r.stdout
            )
        });
        let code = v["error"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("`versapos {shown}`: error.code should be a string: {v}"))
            .to_string();
        let message = v["error"]["message"]
            .as_str()
            .unwrap_or_else(|| panic!("`versapos {shown}`: error.message should be a string: {v}"))
            .to_string();
        assert!(!code.is_empty(), "`versapos {shown}`: error.code is empty");
        assert!(
            r.stderr.contains(&message),
            "`versapos {shown}`: stderr should carry the message {message:?}, got {:?}",
            r.stderr
        );
        Refusal {
            code,
            message,
            stderr: r.stderr,
        }
    }

    /// Writes a file next to the store; returns its path.
    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).expect("write a test file");
        path
    }

    /// Imports a catalog CSV that must be accepted.
    pub fn import(&self, name: &str, csv: &str) -> String {
        let path = self.write(name, csv.as_bytes());
        self.ok(&["products", "import", path_str(&path)])
    }

    /// How many products the catalog holds, as `products list --json` reports it.
    pub fn product_count(&self) -> i64 {
        int(&self.json(&["products", "list"]), "total")
    }

    /// A product's stock, as `products show --json` reports it.
    pub fn stock(&self, sku: &str) -> i64 {
        int(&self.json(&["products", "show", sku]), "stock")
    }

    /// Every order, oldest first, each as `orders show --json` prints it.
    pub fn orders(&self) -> Vec<Value> {
        let list = self.json(&["orders", "list", "--limit", "10000"]);
        let mut orders: Vec<Value> = list["orders"]
            .as_array()
            .expect("orders list --json has an orders array")
            .iter()
            .map(|o| {
                let id = o["id"].as_str().expect("each listed order has an id");
                self.json(&["orders", "show", id])
            })
            .collect();
        // Oldest first: ids sort by when the order was first written (a sale not paid has no
        // receipt number to sort by).
        orders.sort_by(|a, b| text(a, "id").cmp(text(b, "id")));
        orders
    }

    /// Enrols a customer; returns their id.
    pub fn add_customer(&self, name: &str) -> i64 {
        int(
            &self.json(&["customers", "add", "--name", name])["customer"],
            "id",
        )
    }

    /// A customer's points balance, as `customers show --json` reports it.
    pub fn points(&self, customer: i64) -> i64 {
        let id = customer.to_string();
        int(
            &self.json(&["customers", "show", &id])["customer"],
            "points_balance",
        )
    }

    /// A direct connection to the store file, for checks the CLI does not offer (and for
    /// tampering with it as an attacker would).
    pub fn sqlite(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.db).expect("open the store file with rusqlite")
    }
}

pub fn path_str(p: &Path) -> &str {
    p.to_str().expect("temp paths are UTF-8")
}

/// An integer field of a JSON object (amounts are integers in minor units).
pub fn int(v: &Value, key: &str) -> i64 {
    v[key]
        .as_i64()
        .unwrap_or_else(|| panic!("`{key}` should be an integer, got {} in {v}", v[key]))
}

pub fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` should be a string, got {} in {v}", v[key]))
}

pub fn array<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("`{key}` should be an array, got {} in {v}", v[key]))
}

/// "12.34" (two decimals) in minor units.
pub fn pence(major: &str) -> i64 {
    let (whole, frac) = major
        .split_once('.')
        .unwrap_or_else(|| panic!("{major:?} should be an amount with decimals"));
    assert_eq!(frac.len(), 2, "{major:?} should have exactly 2 decimals");
    let sign = if whole.starts_with('-') { -1 } else { 1 };
    let w: i64 = whole
        .trim_start_matches('-')
        .parse()
        .unwrap_or_else(|_| panic!("{major:?} should start with digits"));
    let f: i64 = frac
        .parse()
        .unwrap_or_else(|_| panic!("{major:?} should end with digits"));
    sign * (w * 100 + f)
}

#[cfg(unix)]
pub use versapos_stripe_fake::localstripe::{LocalStripe, KEY as LOCALSTRIPE_KEY};

#[cfg(unix)]
/// An HTTP agent that hands every status back to the caller.
pub fn http_agent(timeout: std::time::Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .build()
        .new_agent()
}

#[cfg(unix)]
/// Everything a child process wrote to its log file so far.
fn log_text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

#[cfg(unix)]
/// The `versapos-relay` binary of this build. `scripts/test` builds the whole workspace in one
/// invocation and names the relay it built in `VERSAPOS_RELAY_BIN`; otherwise (this package's
/// tests run alone, when cargo builds only its own binaries) it is built here (a no-op when it is
/// up to date), into the same target folder as the binary under test.
pub fn relay_binary() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            if let Some(built) = std::env::var_os("VERSAPOS_RELAY_BIN").filter(|p| !p.is_empty()) {
                let built = PathBuf::from(built);
                assert!(
                    built.is_file(),
                    "VERSAPOS_RELAY_BIN names {}, which is not a file",
                    built.display()
                );
                return built;
            }
            let bin = Path::new(BIN);
            let profile_dir = bin.parent().expect("the binary lives in a profile folder");
            let target = profile_dir
                .parent()
                .expect("the profile folder lives in the target folder");
            let mut cmd = Command::new(env!("CARGO"));
            cmd.args([
                "build",
                "--quiet",
                "-p",
                "versapos-relay",
                "--bin",
                "versapos-relay",
            ])
            .arg("--target-dir")
            .arg(target)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(Stdio::null());
            if profile_dir.file_name().is_some_and(|n| n == "release") {
                cmd.arg("--release");
            }
            let out = cmd.output().expect("run cargo to build versapos-relay");
            assert!(
                out.status.success(),
                "building versapos-relay failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let relay =
                bin.with_file_name(format!("versapos-relay{}", std::env::consts::EXE_SUFFIX));
            assert!(relay.is_file(), "{} was not built", relay.display());
            relay
        })
        .clone()
}

#[cfg(unix)]
/// The master key every test relay runs with (64 hex digits).
pub const RELAY_MASTER_KEY: &str =
    "5f3c1a9e07b24d68e1f0a2c3b4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7";

#[cfg(unix)]
/// A real `versapos-relay` on its own SQLite file: administered through its own subcommands,
/// serving on a loopback port once [`RelayServer::serve`] is called, killed when dropped.
pub struct RelayServer {
    dir: TempDir,
    child: Option<std::process::Child>,
    /// `http://ADDR` once serving.
    pub base_url: String,
}

#[cfg(unix)]
impl RelayServer {
    /// A relay database with nothing in it yet.
    pub fn new() -> RelayServer {
        RelayServer {
            dir: TempDir::new().expect("a temp dir for the relay"),
            child: None,
            base_url: String::new(),
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(relay_binary());
        cmd.arg("--db")
            .arg(self.dir.path().join("relay.db"))
            .args(args)
            .env("VERSAPOS_RELAY_MASTER_KEY", RELAY_MASTER_KEY)
            .env_remove("VERSAPOS_RELAY_DB")
            .env_remove("VERSAPOS_RELAY_SECRET")
            .stdin(Stdio::null());
        cmd
    }

    /// Adds a shop's webhook signing secret, given as an admin gives it: in
    /// `VERSAPOS_RELAY_SECRET` (the relay takes none on its command line).
    pub fn add_secret(&self, shop: &str, secret: &str) {
        let mut cmd = self.command(&["secrets", "add", shop]);
        cmd.env("VERSAPOS_RELAY_SECRET", secret);
        let r = Run::from_output(cmd.output().expect("run versapos-relay"));
        assert_eq!(
            r.code,
            Some(0),
            "`versapos-relay secrets add {shop}` should succeed\nstdout: {}\nstderr: {}",
            r.stdout,
            r.stderr
        );
    }

    /// Runs an admin subcommand that must succeed; returns its stdout.
    pub fn admin(&self, args: &[&str]) -> String {
        let r = Run::from_output(self.command(args).output().expect("run versapos-relay"));
        assert_eq!(
            r.code,
            Some(0),
            "`versapos-relay {}` should succeed\nstdout: {}\nstderr: {}",
            args.join(" "),
            r.stdout,
            r.stderr
        );
        r.stdout
    }

    /// Starts `serve --listen 127.0.0.1:0` and waits for the address it prints.
    pub fn serve(&mut self) {
        self.serve_on("127.0.0.1:0");
    }

    /// Serves again on the address it had, on the same database (after [`RelayServer::kill`]
    /// or [`RelayServer::stop`]).
    pub fn serve_again(&mut self) {
        let addr = self
            .base_url
            .strip_prefix("http://")
            .expect("the relay served before")
            .to_string();
        self.serve_on(&addr);
    }

    /// SIGKILLs the serving relay and reaps it.
    pub fn kill(&mut self) {
        let mut child = self.child.take().expect("the relay is serving");
        child.kill().expect("SIGKILL the relay");
        child.wait().expect("reap the relay");
    }

    /// Stops the serving relay with SIGTERM, as a service manager does, and waits for its clean
    /// exit.
    pub fn stop(&mut self) {
        let mut child = self.child.take().expect("the relay is serving");
        let sent = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success(), "SIGTERM the relay");
        let status = child.wait().expect("reap the relay");
        assert!(
            status.success(),
            "the relay exits cleanly on SIGTERM: {status}\n{}",
            self.log_text()
        );
    }

    /// POSTs `payload` to `/webhooks/stripe/{shop}` signed with `secret` as Stripe does; the
    /// status.
    pub fn deliver(&self, agent: &ureq::Agent, shop: &str, secret: &str, payload: &str) -> u16 {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("the clock is after 1970")
            .as_secs() as i64;
        let signature = versapos_relay::signature::sign(payload.as_bytes(), secret, now);
        agent
            .post(&format!("{}/webhooks/stripe/{shop}", self.base_url))
            .header("Stripe-Signature", &signature)
            .header("Content-Type", "application/json")
            .send(payload)
            .expect("the relay answers a webhook")
            .status()
            .as_u16()
    }

    /// Delivers every payload over `connections` keep-alive connections at once (Stripe sends
    /// concurrently too); each must be answered 200.
    pub fn deliver_all(&self, shop: &str, secret: &str, payloads: &[String], connections: usize) {
        let chunk = payloads.len().div_ceil(connections.max(1)).max(1);
        std::thread::scope(|scope| {
            for part in payloads.chunks(chunk) {
                scope.spawn(move || {
                    let agent = http_agent(std::time::Duration::from_secs(30));
                    for payload in part {
                        let status = self.deliver(&agent, shop, secret, payload);
                        assert_eq!(status, 200, "the relay takes {payload}");
                    }
                });
            }
        });
    }

    /// Starts `serve --listen ADDR` and waits for the address it prints.
    fn serve_on(&mut self, listen: &str) {
        use std::io::BufRead;
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path())
            .expect("the relay's log file");
        let mut child = self
            .command(&["serve", "--listen", listen])
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("start versapos-relay serve");
        let stdout = child.stdout.take().expect("the relay's stdout is piped");
        self.child = Some(child);
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the relay's first line");
        let addr = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| {
                panic!(
                    "the relay should print `listening on ADDR`, printed {line:?}\n{}",
                    self.log_text()
                )
            })
            .to_string();
        self.base_url = format!("http://{addr}");
    }

    fn log_path(&self) -> PathBuf {
        self.dir.path().join("relay.log")
    }

    /// What the relay logged so far.
    pub fn log_text(&self) -> String {
        log_text(&self.log_path())
    }

    /// `GET /v1/events?after=CURSOR&wait=SECONDS` as a till with `token`: the status and the
    /// parsed body.
    pub fn events(&self, token: &str, after: i64, wait: u64) -> (u16, Value) {
        let mut resp = http_agent(std::time::Duration::from_secs(wait + 10))
            .get(&format!(
                "{}/v1/events?after={after}&wait={wait}",
                self.base_url
            ))
            .header("Authorization", &format!("Bearer {token}"))
            .call()
            .expect("the relay answers an events pull");
        let status = resp.status().as_u16();
        let body = resp
            .body_mut()
            .read_to_string()
            .expect("read the relay's answer");
        let v = serde_json::from_str(&body)
            .unwrap_or_else(|e| panic!("the relay answers JSON ({e}): {body}"));
        (status, v)
    }
}

#[cfg(unix)]
impl Drop for RelayServer {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
