//! A real localstripe for one test: started from `scripts/localstripe` on a free loopback port,
//! waited for, and killed with its whole process group when dropped.

use std::fs::File;
use std::io::Read;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use versapos_payments::stripe::StripeGateway;
use versapos_secrets::StripeKey;

/// A secret test key localstripe accepts (it takes any `sk_…`).
pub const TEST_KEY: &str = "sk_test_versaposlocalstripe01";

/// The first run may build the virtualenv (pip install), so allow for it.
const START_TIMEOUT: Duration = Duration::from_secs(300);

pub struct LocalStripe {
    child: Child,
    pub base_url: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral loopback port");
    listener
        .local_addr()
        .expect("a bound listener has an address")
        .port()
}

impl LocalStripe {
    /// Starts localstripe and waits until it answers HTTP. Panics (the test fails) when it
    /// cannot be set up or does not come up: a missing fake Stripe is a failure, not a skip.
    pub fn start() -> LocalStripe {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/localstripe");
        let dir = tempfile::tempdir().expect("a temp folder for localstripe");
        let log = dir.path().join("localstripe.log");
        let out = File::create(&log).expect("create the localstripe log");
        let err = out
            .try_clone()
            .expect("share the log between stdout and stderr");
        let port = free_port();
        let child = Command::new("bash")
            .arg(&script)
            .arg(port.to_string())
            .env("TMPDIR", dir.path())
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", script.display()));
        let mut ls = LocalStripe {
            child,
            base_url: format!("http://127.0.0.1:{port}/"),
            log,
            _dir: dir,
        };
        ls.wait_until_up();
        ls
    }

    fn wait_until_up(&mut self) {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(2)))
            .http_status_as_error(false)
            .build();
        let agent = ureq::Agent::new_with_config(config);
        let url = format!("{}v1/customers?limit=1", self.base_url);
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "localstripe exited ({status}) before answering:\n{}",
                    self.log_text()
                );
            }
            if let Ok(resp) = agent
                .get(&url)
                .header("Authorization", &format!("Bearer {TEST_KEY}"))
                .call()
            {
                assert_eq!(
                    resp.status().as_u16(),
                    200,
                    "localstripe answered a customer list with an error:\n{}",
                    self.log_text()
                );
                return;
            }
            assert!(
                Instant::now() < deadline,
                "localstripe did not answer within {START_TIMEOUT:?}:\n{}",
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn log_text(&self) -> String {
        let mut text = String::new();
        if let Ok(mut f) = File::open(&self.log) {
            let _ = f.read_to_string(&mut text);
        }
        text
    }

    /// A gateway on this localstripe, with short retries so failures show quickly.
    pub fn gateway(&self) -> StripeGateway {
        self.gateway_with_key(TEST_KEY)
    }

    pub fn gateway_with_key(&self, key: &str) -> StripeGateway {
        let key = StripeKey::parse(key).expect("a well-formed test key");
        StripeGateway::new(&key, Some(&self.base_url))
            .expect("a gateway on localstripe")
            // localstripe refuses `description`; the receipt still goes in the metadata.
            .with_intent_descriptions(false)
            .with_retry(2, Duration::from_millis(20))
            .with_timeout(Duration::from_secs(10))
    }
}

impl Drop for LocalStripe {
    fn drop(&mut self) {
        // The script execs localstripe, and it was started as the leader of its own group:
        // killing the group leaves nothing behind, whatever the script had started.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.wait();
    }
}
