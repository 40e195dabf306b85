//! A real localstripe (a stateful fake of Stripe's API, from PyPI) for one test: started from
//! `scripts/localstripe` on a free loopback port, waited for, and killed with its whole process
//! group when dropped. It serves keyed (card-not-present) PaymentIntents and signs the webhooks
//! it sends to the endpoints registered with [`LocalStripe::add_webhook`]. Unix only.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A secret test key localstripe accepts (it takes any `sk_…`).
pub const KEY: &str = "sk_test_versaposlocalstripe01";

/// The first run may build localstripe's virtualenv (pip install), so allow for it.
const START_TIMEOUT: Duration = Duration::from_secs(300);

pub struct LocalStripe {
    child: Child,
    /// Its API address, ending in `/`.
    pub base_url: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

/// A loopback port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind an ephemeral loopback port")
        .port()
}

/// An HTTP agent that hands every status back to the caller.
fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .build()
        .new_agent()
}

impl LocalStripe {
    /// Starts localstripe and waits until it answers HTTP. Panics (the test fails) when it
    /// cannot be set up or does not come up: a missing fake Stripe is a failure, not a skip.
    pub fn start() -> LocalStripe {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/localstripe");
        let dir = tempfile::tempdir().expect("a temp folder for localstripe");
        let log = dir.path().join("localstripe.log");
        let out = std::fs::File::create(&log).expect("create the localstripe log");
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
        let agent = agent(Duration::from_secs(2));
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
                .header("Authorization", &format!("Bearer {KEY}"))
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

    /// What localstripe logged so far (its requests and webhook deliveries).
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Registers a webhook endpoint: localstripe then POSTs each event of `events` to `url`,
    /// signed (`Stripe-Signature`) with `secret`.
    pub fn add_webhook(&self, name: &str, url: &str, secret: &str, events: &[&str]) {
        let body = serde_json::json!({ "url": url, "secret": secret, "events": events });
        let resp = agent(Duration::from_secs(10))
            .post(&format!("{}_config/webhooks/{name}", self.base_url))
            .header("Content-Type", "application/json")
            .send(body.to_string())
            .expect("localstripe answers a webhook registration");
        assert_eq!(
            resp.status().as_u16(),
            200,
            "localstripe registers the webhook endpoint {url}:\n{}",
            self.log_text()
        );
    }
}

impl Drop for LocalStripe {
    fn drop(&mut self) {
        // The script execs localstripe as the leader of its own group: killing the group
        // leaves nothing behind, whatever the script had started.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.wait();
    }
}
