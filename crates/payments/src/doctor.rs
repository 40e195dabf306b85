//! The setup doctor: checks what card payments need on this till (the Stripe key, Stripe itself,
//! the clock, the card reader, and before going live the rest of the checklist) and says in plain
//! words what to fix. `versapos doctor` prints it; the desktop shows it under Manage → Payments.
//!
//! The key is never part of any text here: only [`StripeKey::describe`] (kind, mode, last four).

use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use ts_rs::TS;
use versapos_secrets::{KeyError, KeyKind, KeySource, Keychain, Mode, StripeKey, KEY_ENV};

use crate::demo::DemoGateway;
use crate::gateway::{Gateway, GatewayError, GatewayMode, Ping, Reader, ReaderStatus};
use crate::setup::{api_override, API_ENV};
use crate::sim::SIMULATED_REGISTRATION_CODE;
use crate::stripe::StripeGateway;

/// A clock further than this from Stripe's (seconds) breaks webhook signatures and dates.
const SKEW_FAIL_SECS: i64 = 5 * 60;
/// A clock further than this from Stripe's (seconds) is worth correcting.
const SKEW_WARN_SECS: i64 = 60;

/// What a restricted key needs, as the Stripe Dashboard names the permissions.
pub const RESTRICTED_KEY_PERMISSIONS: &str = "PaymentIntents: Write, Terminal readers: Write, \
     Terminal locations: Read, Refunds: Write, Customers: Write";

/// The whole check: `ok` when nothing failed (warnings and skipped checks allow card sales).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct SetupReport {
    pub ok: bool,
    pub checks: Vec<SetupCheck>,
}

impl SetupReport {
    /// The check with this id, if it was made.
    pub fn check(&self, id: &str) -> Option<&SetupCheck> {
        self.checks.iter().find(|c| c.id == id)
    }
}

/// The checks' statuses by their short names here.
use versapos_core::CheckStatus as Status;
pub use versapos_core::{CheckStatus, SetupCheck};

/// Checks this till's card payment setup: the key in use (`VERSAPOS_STRIPE_KEY` or the OS
/// keychain), the API address (`VERSAPOS_STRIPE_API`), Stripe's answer and clock, and the reader
/// chosen for this till (or the only one registered). `now` is the till's clock.
pub fn check(chain: &Keychain, chosen_reader: Option<&str>, now: SystemTime) -> SetupReport {
    let api = api_override();
    let key = chain.key_in_use();
    let env_key_set = std::env::var(KEY_ENV).is_ok_and(|v| !v.trim().is_empty());
    let mut gateway_error = None;
    let gateway: Option<Box<dyn Gateway>> = match &key {
        Ok(Some((k, _))) => match StripeGateway::new(k, api.as_deref()) {
            Ok(g) => Some(Box::new(g)),
            Err(e) => {
                gateway_error = Some(e);
                None
            }
        },
        Ok(None) => Some(Box::new(DemoGateway::new())),
        Err(_) => None,
    };
    let stripe = match &key {
        Ok(Some((k, _))) => Some((
            k.expose().to_string(),
            api.clone()
                .unwrap_or_else(|| crate::stripe::STRIPE_API.to_string()),
        )),
        _ => None,
    };
    let mut report = Inputs {
        gateway: gateway.as_deref(),
        gateway_error,
        key,
        env_key_set,
        api_override: api,
        chosen_reader,
        now,
    }
    .run();
    let relay = crate::relay_doctor::checks(
        chain.relay_in_use().map(|r| r.map(|(r, _)| r)),
        stripe.as_ref().map(|(k, a)| (k.as_str(), a.as_str())),
    );
    // The relay's findings never carry the Stripe key; scrub anyway, as every other finding is.
    let scrub = |t: String| match &stripe {
        Some((k, _)) if !k.is_empty() => t.replace(k.as_str(), "[the Stripe key]"),
        _ => t,
    };
    report.checks.extend(relay.into_iter().map(|mut c| {
        c.detail = scrub(c.detail);
        c.fix = c.fix.map(&scrub);
        c
    }));
    report.ok = report.checks.iter().all(|c| c.status != Status::Fail);
    report
}

/// [`check`] with everything given: the gateway to ask (None when none could be set up), the
/// key in use (as [`Keychain::key_in_use`] answers), the API override, the chosen reader, and
/// the till's clock.
pub fn check_with(
    gateway: Option<&dyn Gateway>,
    key: Result<Option<(StripeKey, KeySource)>, KeyError>,
    api_override: Option<String>,
    chosen_reader: Option<&str>,
    now: SystemTime,
) -> SetupReport {
    let env_key_set = matches!(key, Ok(Some((_, KeySource::Environment))));
    Inputs {
        gateway,
        gateway_error: None,
        key,
        env_key_set,
        api_override,
        chosen_reader,
        now,
    }
    .run()
}

struct Inputs<'a> {
    gateway: Option<&'a dyn Gateway>,
    /// Why no gateway could be set up for a usable key.
    gateway_error: Option<GatewayError>,
    key: Result<Option<(StripeKey, KeySource)>, KeyError>,
    /// Whether `VERSAPOS_STRIPE_KEY` holds a value (the key's source when the key is unusable).
    env_key_set: bool,
    api_override: Option<String>,
    chosen_reader: Option<&'a str>,
    now: SystemTime,
}

/// The findings so far, and what later checks need from earlier ones.
struct Findings {
    checks: Vec<SetupCheck>,
    /// The key, for scrubbing it out of anything a server said.
    key: Option<StripeKey>,
}

impl Findings {
    fn add(&mut self, id: &str, title: &str, status: Status, detail: String, fix: Option<String>) {
        let scrub = |text: String| match &self.key {
            Some(k) if !k.expose().is_empty() => text.replace(k.expose(), &k.describe()),
            _ => text,
        };
        let detail = scrub(detail);
        let fix = fix.map(scrub);
        self.checks.push(SetupCheck {
            id: id.to_string(),
            title: title.to_string(),
            status,
            detail,
            fix: if status == Status::Ok { None } else { fix },
        });
    }

    /// A check not made, and why.
    fn skip(&mut self, id: &str, title: &str, why: impl Into<String>) {
        self.add(id, title, Status::Skip, why.into(), None);
    }
}

fn unix_seconds(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

/// Where the key was read from, for the fix of an unusable key.
fn key_home(env_key_set: bool) -> String {
    if env_key_set {
        format!("correct or unset {KEY_ENV}")
    } else {
        "put a correct key in with `versapos keys set` (an admin's job)".to_string()
    }
}

fn reader_name(r: &Reader) -> String {
    match &r.label {
        Some(l) if !l.trim().is_empty() => format!("{l} ({})", r.id),
        _ => format!("{} ({})", r.serial_number, r.id),
    }
}

const READER_OFFLINE_FIX: &str = "turn the reader on and connect it to the shop's network \
     (it needs the internet); it is ready when it shows its home screen";

impl Inputs<'_> {
    fn run(self) -> SetupReport {
        let mut f = Findings {
            checks: Vec::new(),
            key: match &self.key {
                Ok(Some((k, _))) => Some(k.clone()),
                _ => None,
            },
        };
        self.key_checks(&mut f);
        self.api_check(&mut f);
        self.mode_checks(&mut f);
        let ping = self.stripe_check(&mut f);
        self.clock_check(&mut f, ping.as_ref());
        let readers = self.reader_check(&mut f, ping.is_some());
        self.live_check(&mut f, readers.as_deref());
        let ok = f.checks.iter().all(|c| c.status != Status::Fail);
        SetupReport {
            ok,
            checks: f.checks,
        }
    }

    fn key_checks(&self, f: &mut Findings) {
        let from = if self.env_key_set {
            KEY_ENV.to_string()
        } else {
            "the OS keychain".to_string()
        };
        match &self.key {
            Ok(Some((k, source))) => {
                let source = match source {
                    KeySource::Environment => KEY_ENV.to_string(),
                    KeySource::Keychain => "the OS keychain".to_string(),
                };
                f.add(
                    "key",
                    "Stripe key",
                    Status::Ok,
                    format!("{} from {source}", k.describe()),
                    None,
                );
                f.add(
                    "key_format",
                    "Key format",
                    Status::Ok,
                    "a well-formed secret key".to_string(),
                    None,
                );
            }
            Ok(None) => {
                f.add(
                    "key",
                    "Stripe key",
                    Status::Warn,
                    "no key: the till runs in DEMO mode (a simulated reader; no real card is \
                     charged and receipts say DEMO)"
                        .to_string(),
                    Some(
                        "to take real cards, an admin runs `versapos keys set` with a restricted \
                         key from the Stripe Dashboard"
                            .to_string(),
                    ),
                );
                f.skip("key_format", "Key format", "no key to check");
            }
            Err(e @ (KeyError::Shape | KeyError::Publishable)) => {
                f.add(
                    "key",
                    "Stripe key",
                    Status::Ok,
                    format!("a key is set in {from}"),
                    None,
                );
                f.add(
                    "key_format",
                    "Key format",
                    Status::Fail,
                    format!("the key in {from} is not usable: {e}"),
                    Some(format!(
                        "{}: a restricted key (rk_test_… or rk_live_…) from the Stripe Dashboard",
                        key_home(self.env_key_set)
                    )),
                );
            }
            Err(e @ KeyError::Missing) => {
                f.add(
                    "key",
                    "Stripe key",
                    Status::Warn,
                    format!("no key: the till runs in DEMO mode ({e})"),
                    Some("an admin runs `versapos keys set`".to_string()),
                );
                f.skip("key_format", "Key format", "no key to check");
            }
            Err(e @ KeyError::Keychain(_)) => {
                f.add(
                    "key",
                    "Stripe key",
                    Status::Fail,
                    format!("the key could not be read: {e}"),
                    Some(
                        "unlock the OS keychain for the account the till runs as (on a server, \
                         set VERSAPOS_STRIPE_KEY instead), then run the check again"
                            .to_string(),
                    ),
                );
                f.skip("key_format", "Key format", "the key could not be read");
            }
        }
        if self.env_key_set {
            f.add(
                "key_env",
                "Key from the environment",
                Status::Warn,
                format!("{KEY_ENV} is set: it overrides the key in the OS keychain"),
                Some(format!(
                    "fine on a headless till or in CI; on a shop till unset {KEY_ENV} and keep \
                     the key in the OS keychain (`versapos keys set`)"
                )),
            );
        } else {
            f.add(
                "key_env",
                "Key from the environment",
                Status::Ok,
                format!("{KEY_ENV} is not set"),
                None,
            );
        }
    }

    fn api_check(&self, f: &mut Findings) {
        let Some(url) = &self.api_override else {
            f.add(
                "api",
                "Stripe API address",
                Status::Ok,
                "Stripe's own API".to_string(),
                None,
            );
            return;
        };
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            f.add(
                "api",
                "Stripe API address",
                Status::Fail,
                format!("{API_ENV} is not an address: {url}"),
                Some(format!(
                    "unset {API_ENV} to use Stripe's own API, or set it to http://… or https://…"
                )),
            );
            return;
        }
        let unused = if matches!(self.key, Ok(None)) {
            " (unused while the till has no key)"
        } else {
            ""
        };
        f.add(
            "api",
            "Stripe API address",
            Status::Warn,
            format!("not Stripe's own API: {url}{unused}"),
            Some(format!(
                "{API_ENV} is for test servers and proxies: unset it on a till that takes real \
                 cards"
            )),
        );
    }

    fn mode_checks(&self, f: &mut Findings) {
        match &self.key {
            Ok(Some((k, _))) => {
                let detail = match k.mode {
                    Mode::Test => {
                        "test mode: no real money moves; simulated readers take test \
                                   cards (`versapos sale --pay card --test-card approved`)"
                    }
                    Mode::Live => "LIVE mode: real cards, real money",
                };
                f.add(
                    "mode",
                    "Test or live mode",
                    Status::Ok,
                    detail.to_string(),
                    None,
                );
                match k.kind {
                    KeyKind::Restricted => f.add(
                        "key_kind",
                        "Restricted key",
                        Status::Ok,
                        "a restricted key (rk_…): it can do only what it was given".to_string(),
                        None,
                    ),
                    KeyKind::Secret => f.add(
                        "key_kind",
                        "Restricted key",
                        Status::Warn,
                        "a full secret key (sk_…) can do anything on the Stripe account: prefer \
                         a restricted key"
                            .to_string(),
                        Some(format!(
                            "in the Stripe Dashboard (Developers → API keys) create a restricted \
                             key with {RESTRICTED_KEY_PERMISSIONS}; then `versapos keys set` it \
                             and roll the full key"
                        )),
                    ),
                }
            }
            Ok(None) | Err(KeyError::Missing) => {
                f.add(
                    "mode",
                    "Test or live mode",
                    Status::Ok,
                    "DEMO mode: a simulated reader; nothing leaves the till".to_string(),
                    None,
                );
                f.skip("key_kind", "Restricted key", "no key to check");
            }
            Err(_) => {
                for (id, title) in [
                    ("mode", "Test or live mode"),
                    ("key_kind", "Restricted key"),
                ] {
                    f.skip(id, title, "the key is not usable");
                }
            }
        }
    }

    /// Why no request can be made, when none can.
    fn no_gateway_reason(&self) -> String {
        match (&self.gateway_error, &self.key) {
            (Some(e), _) => format!("no connection could be set up: {e}"),
            (None, Err(_)) => "the key is not usable".to_string(),
            (None, _) => "no connection could be set up".to_string(),
        }
    }

    /// Asks Stripe for a cheap authenticated answer; the ping when it came.
    fn stripe_check(&self, f: &mut Findings) -> Option<Ping> {
        const ID: &str = "stripe";
        const TITLE: &str = "Stripe reachable, key accepted";
        let Some(gateway) = self.gateway else {
            let status = if self.gateway_error.is_some() {
                Status::Fail
            } else {
                Status::Skip
            };
            f.add(
                ID,
                TITLE,
                status,
                self.no_gateway_reason(),
                self.gateway_error
                    .as_ref()
                    .map(|_| format!("check {API_ENV}, or unset it")),
            );
            return None;
        };
        if gateway.mode() == GatewayMode::Demo {
            f.skip(ID, TITLE, "DEMO mode: the till talks to no one");
            return None;
        }
        let place = match &self.api_override {
            Some(url) => format!("at {url}"),
            None => "Stripe's API".to_string(),
        };
        match gateway.ping() {
            Ok(ping) => {
                f.add(
                    ID,
                    TITLE,
                    Status::Ok,
                    format!(
                        "{place} answered in {} ms and accepted the key",
                        ping.round_trip_ms
                    ),
                    None,
                );
                Some(ping)
            }
            Err(e) => {
                let (detail, fix) = match &e {
                    GatewayError::Network(m) => (
                        format!("cannot reach Stripe ({place}): {m}"),
                        if self.api_override.is_some() {
                            format!("check that the server at {API_ENV} is running, or unset it")
                        } else {
                            "check the till's network connection, and that the firewall or \
                             proxy lets it make HTTPS connections to Stripe (port 443)"
                                .to_string()
                        },
                    ),
                    GatewayError::Auth(m) => (
                        format!("key refused: Stripe does not accept this key ({m})"),
                        format!(
                            "the key was mistyped, rolled or deleted: create a new restricted \
                             key in the Stripe Dashboard and {}",
                            if self.env_key_set {
                                format!("set it in {KEY_ENV}")
                            } else {
                                "put it in with `versapos keys set`".to_string()
                            }
                        ),
                    ),
                    GatewayError::Permission(m) => (
                        format!(
                            "the key may not read Terminal readers: it lacks the permission \
                             Terminal readers ({m})"
                        ),
                        format!(
                            "in the Stripe Dashboard edit the restricted key to give it \
                             {RESTRICTED_KEY_PERMISSIONS}"
                        ),
                    ),
                    GatewayError::Server { .. } => (
                        e.to_string(),
                        "Stripe had a passing problem: run the check again in a few minutes"
                            .to_string(),
                    ),
                    other => (
                        format!("Stripe's answer was not what the till expected: {other}"),
                        format!("check that {place} is Stripe's API"),
                    ),
                };
                f.add(ID, TITLE, Status::Fail, detail, Some(fix));
                None
            }
        }
    }

    fn clock_check(&self, f: &mut Findings, ping: Option<&Ping>) {
        const ID: &str = "clock";
        const TITLE: &str = "Clock";
        let Some(server) = ping.and_then(|p| p.server_time) else {
            let why = match ping {
                Some(_) => "Stripe's answer carried no time",
                None => "no answer from Stripe to compare with",
            };
            f.skip(ID, TITLE, why);
            return;
        };
        let skew = unix_seconds(self.now).saturating_sub(server);
        let how = if skew >= 0 { "ahead of" } else { "behind" };
        let detail = format!("the till's clock is {} s {how} Stripe's", skew.abs());
        let fix = Some(
            "set the till's clock to update itself (automatic time / NTP): card payments, \
             webhook signatures and receipts need the right time"
                .to_string(),
        );
        let status = if skew.abs() > SKEW_FAIL_SECS {
            Status::Fail
        } else if skew.abs() > SKEW_WARN_SECS {
            Status::Warn
        } else {
            Status::Ok
        };
        f.add(ID, TITLE, status, detail, fix);
    }

    /// Checks the till's reader; returns the readers seen (for the live checklist).
    fn reader_check(&self, f: &mut Findings, stripe_answered: bool) -> Option<Vec<Reader>> {
        const ID: &str = "reader";
        const TITLE: &str = "Card reader";
        let Some(gateway) = self.gateway else {
            f.skip(ID, TITLE, self.no_gateway_reason());
            return None;
        };
        if gateway.mode() != GatewayMode::Demo && !stripe_answered {
            f.skip(ID, TITLE, "not checked: Stripe did not answer");
            return None;
        }
        let online = |r: &Reader| r.status != Some(ReaderStatus::Offline);
        match self.chosen_reader {
            Some(id) => {
                match gateway.reader(id) {
                    Ok(r) if online(&r) => {
                        f.add(
                            ID,
                            TITLE,
                            Status::Ok,
                            format!(
                                "{} is this till's reader and is {}",
                                reader_name(&r),
                                r.state()
                            ),
                            None,
                        );
                        Some(vec![r])
                    }
                    Ok(r) => {
                        f.add(
                            ID,
                            TITLE,
                            Status::Fail,
                            format!("{}, this till's reader, is offline", reader_name(&r)),
                            Some(READER_OFFLINE_FIX.to_string()),
                        );
                        Some(vec![r])
                    }
                    Err(GatewayError::NotFound(_)) => {
                        f.add(
                        ID,
                        TITLE,
                        Status::Fail,
                        format!("the reader chosen for this till ({id}) is not on this Stripe account"),
                        Some(
                            "`versapos readers list` shows the account's readers; choose one with \
                             `versapos readers use tmr_…`"
                                .to_string(),
                        ),
                    );
                        None
                    }
                    Err(e) => {
                        f.add(
                            ID,
                            TITLE,
                            Status::Fail,
                            format!("the reader {id} could not be read: {e}"),
                            Some("run the check again once Stripe answers".to_string()),
                        );
                        None
                    }
                }
            }
            None => match gateway.readers() {
                Ok(readers) => {
                    match readers.as_slice() {
                        [] => f.add(
                            ID,
                            TITLE,
                            Status::Fail,
                            "no card reader is registered on this Stripe account".to_string(),
                            Some(format!(
                                "create a location in the Stripe Dashboard, then `versapos \
                                 readers register --code CODE --label \"Till 1\" --location \
                                 tml_…` with the code the reader shows (test mode: --code \
                                 {SIMULATED_REGISTRATION_CODE})"
                            )),
                        ),
                        [only] if online(only) => f.add(
                            ID,
                            TITLE,
                            Status::Ok,
                            format!(
                                "{} is the only reader and is {}",
                                reader_name(only),
                                only.state()
                            ),
                            None,
                        ),
                        [only] => f.add(
                            ID,
                            TITLE,
                            Status::Fail,
                            format!("{}, the only reader, is offline", reader_name(only)),
                            Some(READER_OFFLINE_FIX.to_string()),
                        ),
                        many => f.add(
                            ID,
                            TITLE,
                            Status::Warn,
                            format!(
                                "{} readers are registered and none is chosen for this till",
                                many.len()
                            ),
                            Some(
                                "choose this till's reader with `versapos readers use tmr_…` \
                                 (`versapos readers list` shows them)"
                                    .to_string(),
                            ),
                        ),
                    }
                    Some(readers)
                }
                Err(e) => {
                    f.add(
                        ID,
                        TITLE,
                        Status::Fail,
                        format!("the readers could not be listed: {e}"),
                        Some("run the check again once Stripe answers".to_string()),
                    );
                    None
                }
            },
        }
    }

    /// Live keys only: the going-live checklist as one finding.
    fn live_check(&self, f: &mut Findings, readers: Option<&[Reader]>) {
        let Ok(Some((key, _))) = &self.key else {
            return;
        };
        if key.mode != Mode::Live {
            return;
        }
        let mut missing = Vec::new();
        let mut items = Vec::new();
        if key.kind == KeyKind::Restricted {
            items.push("✓ a restricted key".to_string());
        } else {
            items.push("✗ a restricted key (this is a full secret key)".to_string());
            missing.push(format!(
                "use a restricted key with {RESTRICTED_KEY_PERMISSIONS}"
            ));
        }
        match readers {
            Some(rs) if rs.iter().any(|r| r.location.is_some()) => {
                items.push("✓ a reader registered at a location".to_string());
            }
            Some(_) => {
                items.push("✗ a reader registered at a location".to_string());
                missing.push(
                    "register the reader at a location (`versapos readers register`)".to_string(),
                );
            }
            None => {
                items.push("? a reader registered at a location (not checked)".to_string());
                missing.push("fix the reader check above".to_string());
            }
        }
        items.push(
            "· the webhook relay and Stripe's webhook endpoint: see the Webhook relay and Stripe \
             webhook endpoint checks"
                .to_string(),
        );
        items.push(
            "· a test sale done in test mode first (a test key, a simulated reader, `versapos \
             sale --pay card --test-card approved`): confirm it yourself"
                .to_string(),
        );
        let status = if missing.is_empty() {
            Status::Ok
        } else {
            Status::Warn
        };
        let fix = (!missing.is_empty()).then(|| missing.join("; "));
        f.add(
            "live",
            "Going live",
            status,
            format!("live key pre-flight: {}", items.join("; ")),
            fix,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::{
        Address, GatewayResult, Intent, IntentRequest, Location, Refund, RefundRequest,
        StripeCustomer, TestCard,
    };
    use std::time::Duration;

    const RESTRICTED_TEST: &str = "rk_test_51DoctorCheckSecretAbcd";
    const FULL_TEST: &str = "sk_test_51DoctorCheckSecretWxyz";
    const RESTRICTED_LIVE: &str = "rk_live_51DoctorCheckSecretLive";

    fn key(text: &str, source: KeySource) -> Result<Option<(StripeKey, KeySource)>, KeyError> {
        Ok(Some((
            StripeKey::parse(text).expect("a well-formed key"),
            source,
        )))
    }

    fn at(unix: i64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(u64::try_from(unix).expect("a time after 1970"))
    }

    const NOW: i64 = 1_800_000_000;

    /// The demo gateway answering as Stripe in test or live mode, with its ping and its reader
    /// list set by the test.
    struct Scripted {
        inner: DemoGateway,
        mode: GatewayMode,
        ping: GatewayResult<Ping>,
        /// Some: the readers listed instead of the simulator's.
        readers: Option<Vec<Reader>>,
    }

    impl Scripted {
        fn answering(mode: GatewayMode, server_time: Option<i64>) -> Scripted {
            Scripted {
                inner: DemoGateway::new(),
                mode,
                ping: Ok(Ping {
                    server_time,
                    round_trip_ms: 12,
                }),
                readers: None,
            }
        }

        fn failing(mode: GatewayMode, e: GatewayError) -> Scripted {
            Scripted {
                ping: Err(e),
                ..Scripted::answering(mode, None)
            }
        }

        fn the_reader(&self) -> Reader {
            self.inner
                .readers()
                .expect("the simulator lists its readers")
                .remove(0)
        }
    }

    impl Gateway for Scripted {
        fn mode(&self) -> GatewayMode {
            self.mode
        }
        fn create_intent(&self, req: &IntentRequest) -> GatewayResult<Intent> {
            self.inner.create_intent(req)
        }
        fn intent(&self, id: &str) -> GatewayResult<Intent> {
            self.inner.intent(id)
        }
        fn confirm_intent(&self, id: &str, pm: &str) -> GatewayResult<Intent> {
            self.inner.confirm_intent(id, pm)
        }
        fn capture_intent(&self, id: &str, key: &str) -> GatewayResult<Intent> {
            self.inner.capture_intent(id, key)
        }
        fn cancel_intent(&self, id: &str) -> GatewayResult<Intent> {
            self.inner.cancel_intent(id)
        }
        fn refund(&self, req: &RefundRequest) -> GatewayResult<Refund> {
            self.inner.refund(req)
        }
        fn refunds_of(&self, intent: &str) -> GatewayResult<Vec<Refund>> {
            self.inner.refunds_of(intent)
        }
        fn refunds_since(&self, since: i64) -> GatewayResult<Vec<Refund>> {
            self.inner.refunds_since(since)
        }
        fn dispute(&self, id: &str) -> GatewayResult<crate::gateway::Dispute> {
            self.inner.dispute(id)
        }
        fn create_customer(
            &self,
            name: &str,
            email: Option<&str>,
        ) -> GatewayResult<StripeCustomer> {
            self.inner.create_customer(name, email)
        }
        fn readers(&self) -> GatewayResult<Vec<Reader>> {
            match &self.readers {
                Some(rs) => Ok(rs.clone()),
                None => self.inner.readers(),
            }
        }
        fn reader(&self, id: &str) -> GatewayResult<Reader> {
            self.inner.reader(id)
        }
        fn register_reader(
            &self,
            code: &str,
            label: &str,
            location: &str,
        ) -> GatewayResult<Reader> {
            self.inner.register_reader(code, label, location)
        }
        fn locations(&self) -> GatewayResult<Vec<Location>> {
            self.inner.locations()
        }
        fn create_location(&self, name: &str, address: &Address) -> GatewayResult<Location> {
            self.inner.create_location(name, address)
        }
        fn process_intent(&self, reader: &str, intent: &str, key: &str) -> GatewayResult<Reader> {
            self.inner.process_intent(reader, intent, key)
        }
        fn cancel_action(&self, reader: &str) -> GatewayResult<Reader> {
            self.inner.cancel_action(reader)
        }
        fn present_card(&self, reader: &str, card: TestCard) -> GatewayResult<Reader> {
            self.inner.present_card(reader, card)
        }
        fn ping(&self) -> GatewayResult<Ping> {
            self.ping.clone()
        }
    }

    /// The check `id` of the report, which must be there.
    fn the_check<'a>(report: &'a SetupReport, id: &str) -> &'a SetupCheck {
        report
            .check(id)
            .unwrap_or_else(|| panic!("the report should have a `{id}` check: {report:#?}"))
    }

    fn status(report: &SetupReport, id: &str) -> &'static str {
        the_check(report, id).status.as_str()
    }

    fn detail<'a>(report: &'a SetupReport, id: &str) -> &'a str {
        &the_check(report, id).detail
    }

    /// The report for a gateway and a key from the keychain, no API override and no reader
    /// chosen, at [`NOW`].
    fn checked_from_keychain(gateway: &dyn Gateway, key_text: &str) -> SetupReport {
        check_with(
            Some(gateway),
            key(key_text, KeySource::Keychain),
            None,
            None,
            at(NOW),
        )
    }

    fn fix<'a>(report: &'a SetupReport, id: &str) -> &'a str {
        report
            .check(id)
            .and_then(|c| c.fix.as_deref())
            .unwrap_or_else(|| panic!("the `{id}` check should say what to fix: {report:#?}"))
    }

    fn assert_no_key_text(report: &SetupReport, key: &str) {
        let text = serde_json::to_string(report).expect("the report serializes");
        // The part after the prefix is the secret; the last four may be shown.
        let secret = &key[8..key.len() - 4];
        assert!(
            !text.contains(secret),
            "the report must never hold the key: {text}"
        );
    }

    #[test]
    fn doctor_a_till_with_no_key_runs_in_demo_mode_with_a_warning_and_is_ok() {
        let demo = DemoGateway::new();
        let report = check_with(Some(&demo), Ok(None), None, None, at(NOW));
        assert!(report.ok, "demo mode has nothing failing: {report:#?}");
        assert_eq!(status(&report, "key"), "warn");
        assert!(detail(&report, "key").contains("no key: the till runs in DEMO mode"));
        assert!(fix(&report, "key").contains("versapos keys set"));
        assert_eq!(status(&report, "mode"), "ok");
        assert!(detail(&report, "mode").contains("DEMO"));
        assert_eq!(status(&report, "stripe"), "skip");
        assert_eq!(status(&report, "clock"), "skip");
        assert_eq!(status(&report, "reader"), "ok", "the demo reader is online");
        assert!(detail(&report, "reader").contains("Demo reader"));
        assert!(
            report.check("live").is_none(),
            "no live checklist without a live key"
        );
    }

    #[test]
    fn doctor_a_restricted_test_key_with_an_online_reader_passes_everything() {
        let gw = Scripted::answering(GatewayMode::Test, Some(NOW + 3));
        let report = checked_from_keychain(&gw, RESTRICTED_TEST);
        assert!(report.ok, "{report:#?}");
        for c in &report.checks {
            assert_eq!(c.status, "ok", "every check passes: {c:#?}");
            assert_eq!(c.fix, None, "an ok check has nothing to fix: {c:#?}");
        }
        assert!(detail(&report, "key").contains("restricted test key …Abcd"));
        assert!(detail(&report, "mode").starts_with("test mode"));
        assert!(detail(&report, "clock").contains("3 s behind"));
        assert_no_key_text(&report, RESTRICTED_TEST);
    }

    #[test]
    fn doctor_a_full_key_from_the_environment_and_a_test_server_are_warnings() {
        let gw = Scripted::answering(GatewayMode::Test, Some(NOW));
        let report = check_with(
            Some(&gw),
            key(FULL_TEST, KeySource::Environment),
            Some("http://127.0.0.1:9".to_string()),
            None,
            at(NOW),
        );
        assert!(report.ok, "warnings only: {report:#?}");
        assert_eq!(status(&report, "key_kind"), "warn");
        assert!(detail(&report, "key_kind").contains("prefer a restricted key"));
        for permission in [
            "PaymentIntents: Write",
            "Terminal readers: Write",
            "Terminal locations: Read",
            "Refunds: Write",
            "Customers: Write",
        ] {
            assert!(
                fix(&report, "key_kind").contains(permission),
                "the fix names {permission}"
            );
        }
        assert_eq!(status(&report, "key_env"), "warn");
        assert!(detail(&report, "key_env").contains(KEY_ENV));
        assert_eq!(status(&report, "api"), "warn");
        assert!(detail(&report, "api").contains("not Stripe's own API: http://127.0.0.1:9"));
        assert_no_key_text(&report, FULL_TEST);
    }

    #[test]
    fn doctor_unusable_keys_fail_and_say_where_the_key_came_from() {
        for (err, words) in [
            (KeyError::Shape, "not a Stripe secret key"),
            (KeyError::Publishable, "publishable key"),
        ] {
            let report = check_with(None, Err(err), None, None, at(NOW));
            assert!(!report.ok, "an unusable key fails: {report:#?}");
            assert_eq!(status(&report, "key_format"), "fail");
            assert!(detail(&report, "key_format").contains(words), "{report:#?}");
            assert!(fix(&report, "key_format").contains("versapos keys set"));
            assert_eq!(status(&report, "stripe"), "skip");
            assert_eq!(status(&report, "reader"), "skip");
        }
        let report = check_with(
            None,
            Err(KeyError::Keychain("locked".to_string())),
            None,
            None,
            at(NOW),
        );
        assert_eq!(status(&report, "key"), "fail");
        assert!(detail(&report, "key").contains("locked"));
    }

    #[test]
    fn doctor_names_network_refusal_and_missing_permission_as_failures() {
        let cases = [
            (
                GatewayError::Network("connection refused".to_string()),
                "cannot reach Stripe",
            ),
            (
                GatewayError::Auth("Invalid API Key provided".to_string()),
                "key refused",
            ),
            (
                GatewayError::Permission("rak_terminal_reader_read".to_string()),
                "Terminal readers",
            ),
        ];
        for (error, words) in cases {
            let gw = Scripted::failing(GatewayMode::Test, error);
            let report = checked_from_keychain(&gw, RESTRICTED_TEST);
            assert!(!report.ok, "{words}: {report:#?}");
            assert_eq!(status(&report, "stripe"), "fail");
            assert!(detail(&report, "stripe").contains(words), "{report:#?}");
            assert_eq!(status(&report, "clock"), "skip");
            assert_eq!(status(&report, "reader"), "skip");
        }
    }

    #[test]
    fn doctor_a_key_echoed_back_by_the_server_is_scrubbed() {
        let gw = Scripted::failing(
            GatewayMode::Test,
            GatewayError::Auth(format!("Invalid API Key provided: {FULL_TEST}")),
        );
        let report = checked_from_keychain(&gw, FULL_TEST);
        assert!(detail(&report, "stripe").contains("full secret test key …Wxyz"));
        assert_no_key_text(&report, FULL_TEST);
    }

    #[test]
    fn doctor_clock_skew_warns_past_a_minute_and_fails_past_five() {
        for (skew, expected) in [
            (0, "ok"),
            (60, "ok"),
            (-61, "warn"),
            (300, "warn"),
            (301, "fail"),
            (-3600, "fail"),
        ] {
            let gw = Scripted::answering(GatewayMode::Test, Some(NOW - skew));
            let report = checked_from_keychain(&gw, RESTRICTED_TEST);
            assert_eq!(
                status(&report, "clock"),
                expected,
                "skew {skew} s: {report:#?}"
            );
            assert_eq!(report.ok, expected != "fail", "skew {skew} s");
        }
        let gw = Scripted::answering(GatewayMode::Test, None);
        let report = checked_from_keychain(&gw, RESTRICTED_TEST);
        assert_eq!(
            status(&report, "clock"),
            "skip",
            "no Date header, nothing to compare"
        );
    }

    #[test]
    fn doctor_reader_offline_missing_unknown_or_unchosen() {
        let gw = Scripted::answering(GatewayMode::Test, Some(NOW));
        let reader = gw.the_reader();
        let k = || key(RESTRICTED_TEST, KeySource::Keychain);

        let report = check_with(Some(&gw), k(), None, Some(&reader.id), at(NOW));
        assert_eq!(status(&report, "reader"), "ok", "{report:#?}");

        gw.inner
            .set_reader_online(&reader.id, false)
            .expect("take the reader off line");
        for chosen in [Some(reader.id.as_str()), None] {
            let report = check_with(Some(&gw), k(), None, chosen, at(NOW));
            assert!(!report.ok, "an offline reader fails");
            assert_eq!(status(&report, "reader"), "fail");
            assert!(detail(&report, "reader").contains("offline"), "{report:#?}");
        }

        let report = check_with(Some(&gw), k(), None, Some("tmr_NotHere"), at(NOW));
        assert_eq!(status(&report, "reader"), "fail");
        assert!(detail(&report, "reader").contains("tmr_NotHere"));
        assert!(fix(&report, "reader").contains("versapos readers use"));

        let none = Scripted {
            readers: Some(Vec::new()),
            ..Scripted::answering(GatewayMode::Test, Some(NOW))
        };
        let report = check_with(Some(&none), k(), None, None, at(NOW));
        assert_eq!(status(&report, "reader"), "fail");
        assert!(fix(&report, "reader").contains("versapos readers register"));
        assert!(fix(&report, "reader").contains(SIMULATED_REGISTRATION_CODE));

        let two = Scripted {
            readers: Some(vec![reader.clone(), reader]),
            ..Scripted::answering(GatewayMode::Test, Some(NOW))
        };
        let report = check_with(Some(&two), k(), None, None, at(NOW));
        assert_eq!(status(&report, "reader"), "warn");
        assert!(report.ok, "several readers unchosen is a warning");
        assert!(fix(&report, "reader").contains("versapos readers use"));
    }

    #[test]
    fn doctor_a_live_key_gets_the_going_live_checklist() {
        let gw = Scripted::answering(GatewayMode::Live, Some(NOW));
        let report = checked_from_keychain(&gw, RESTRICTED_LIVE);
        assert_eq!(status(&report, "mode"), "ok");
        assert!(detail(&report, "mode").contains("LIVE"));
        assert_eq!(status(&report, "live"), "ok", "{report:#?}");
        let live = detail(&report, "live");
        for item in [
            "restricted key",
            "registered at a location",
            "webhook relay",
            "test sale",
        ] {
            assert!(live.contains(item), "the checklist names {item}: {live}");
        }

        let full_live = "sk_live_51DoctorCheckSecretFull";
        let unplaced = Reader {
            location: None,
            ..gw.the_reader()
        };
        let gw = Scripted {
            readers: Some(vec![unplaced]),
            ..Scripted::answering(GatewayMode::Live, Some(NOW))
        };
        let report = checked_from_keychain(&gw, full_live);
        assert_eq!(status(&report, "live"), "warn");
        assert!(fix(&report, "live").contains("restricted key"));
        assert!(fix(&report, "live").contains("location"));
        assert_no_key_text(&report, full_live);
    }

    #[test]
    fn doctor_against_the_fake_stripe_over_loopback() {
        let fake = versapos_stripe_fake::FakeStripe::start();
        let k = StripeKey::parse(RESTRICTED_TEST).expect("a test key");
        let gw = StripeGateway::new(&k, Some(&fake.url())).expect("a gateway for the fake");
        let check_the_fake = || {
            check_with(
                Some(&gw),
                Ok(Some((k.clone(), KeySource::Keychain))),
                Some(fake.url()),
                None,
                SystemTime::now(),
            )
        };
        let report = check_the_fake();
        assert!(report.ok, "{report:#?}");
        assert_eq!(status(&report, "stripe"), "ok");
        assert_eq!(status(&report, "clock"), "ok", "the fake sends its Date");
        assert_eq!(status(&report, "reader"), "ok");

        fake.fail_next("/v1/terminal/readers", 1, 403);
        let report = check_the_fake();
        assert_eq!(status(&report, "stripe"), "fail");
        assert!(detail(&report, "stripe").contains("Terminal readers"));
        assert!(fix(&report, "stripe").contains("Terminal readers: Write"));
    }
}
