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
        orders.sort_by_key(|o| int(o, "number"));
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
