//! The Stripe gateway: Stripe's API through async-stripe's blocking client, at any base URL
//! (Stripe itself, or a local fake of it in tests).
//!
//! Requests are built with async-stripe's typed builders, so parameter names and encodings follow
//! the pinned API version. Answers are read leniently into the few fields the till needs: a
//! missing optional field never turns a payment that went through into an error.
//!
//! Every call that changes something carries an idempotency key, and a retry after a lost answer
//! or a 5xx resends the same key: keys the caller gives (payment, capture, refund, process) or,
//! for the rest, one made for that call. Reads carry none and are simply sent again.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ::stripe::{IdempotencyKey, RequestStrategy, StripeError, StripeRequest};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use stripe_core::customer::CreateCustomer;
use stripe_core::dispute::RetrieveDispute;
use stripe_core::payment_intent::{
    CancelPaymentIntent, CapturePaymentIntent, ConfirmPaymentIntent, CreatePaymentIntent,
    RetrievePaymentIntent, UpdatePaymentIntent,
};
use stripe_core::refund::{CreateRefund, ListRefund};
use stripe_shared::{PaymentIntentAllowedPaymentMethodTypes, PaymentIntentCaptureMethod};
use stripe_terminal::terminal_location::{
    CreateTerminalLocation, CreateTerminalLocationAddress, ListTerminalLocation,
};
use stripe_terminal::terminal_reader::{
    CancelActionTerminalReader, CreateTerminalReader, ListTerminalReader,
    PresentPaymentMethodTerminalReader, PresentPaymentMethodTerminalReaderCardPresent,
    PresentPaymentMethodTerminalReaderType, ProcessPaymentIntentTerminalReader,
    RetrieveTerminalReader,
};
use versapos_secrets::{Mode, StripeKey};

use crate::gateway::{
    ActionStatus, Address, Channel, Decline, Dispute, DisputeStatus, Gateway, GatewayError,
    GatewayMode, GatewayResult, Intent, IntentRequest, IntentStatus, Location, Ping, Reader,
    ReaderAction, ReaderStatus, Refund, RefundRequest, RefundStatus, StripeCustomer, TestCard,
};

/// Stripe's own address, used when no other base URL is given.
pub const STRIPE_API: &str = "https://api.stripe.com/";

const DEFAULT_ATTEMPTS: u32 = 4;
const DEFAULT_FIRST_BACKOFF: Duration = Duration::from_millis(250);
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);
/// The page size for lists (Stripe's maximum).
const PAGE: i64 = 100;

/// async-stripe's text for an error answer whose body is not Stripe's error JSON (a proxy's
/// HTML page, a crashed server): the status is lost with it.
const UNREADABLE_ERROR: &str = "error deserializing Stripe error";

/// Talks to Stripe (or anything that speaks its API) for one till.
pub struct StripeGateway {
    client: ::stripe::blocking::Client,
    key: StripeKey,
    mode: GatewayMode,
    base_url: String,
    attempts: u32,
    first_backoff: Duration,
    timeout: Duration,
    describe_intents: bool,
}

impl std::fmt::Debug for StripeGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeGateway")
            .field("key", &self.key)
            .field("mode", &self.mode)
            .field("base_url", &self.base_url)
            .field("attempts", &self.attempts)
            .field("first_backoff", &self.first_backoff)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl StripeGateway {
    /// A gateway using `key`, at `base_url` (Stripe's own API when None). Test or live mode
    /// follows the key. Four attempts per call, backing off from 250 ms, 20 s per attempt.
    pub fn new(key: &StripeKey, base_url: Option<&str>) -> Result<Self, GatewayError> {
        let base = base_url.map(str::trim).unwrap_or(STRIPE_API);
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(GatewayError::Unsupported(format!(
                "the Stripe API address must start with http:// or https://, got {base:?}"
            )));
        }
        // async-stripe appends `v1/...` straight after the base.
        let base_url = if base.ends_with('/') {
            base.to_string()
        } else {
            format!("{base}/")
        };
        let client = ::stripe::ClientBuilder::new(key.expose())
            .url(base_url.clone())
            .timeout(DEFAULT_TIMEOUT)
            .app_info(
                "VersaTalent POS",
                Some(env!("CARGO_PKG_VERSION").to_string()),
                None,
            )
            .build_sync()
            .map_err(|e| {
                // Configuration errors name the setting, never the key's value.
                GatewayError::Unsupported(format!("the Stripe client could not be set up: {e}"))
            })?;
        Ok(StripeGateway {
            client,
            key: key.clone(),
            mode: match key.mode {
                Mode::Test => GatewayMode::Test,
                Mode::Live => GatewayMode::Live,
            },
            base_url,
            attempts: DEFAULT_ATTEMPTS,
            first_backoff: DEFAULT_FIRST_BACKOFF,
            timeout: DEFAULT_TIMEOUT,
            describe_intents: true,
        })
    }

    /// How many times a call is tried in all (at least once) when the failure is retryable, and
    /// the wait before the first retry (doubling after each).
    pub fn with_retry(mut self, attempts: u32, first_backoff: Duration) -> Self {
        self.attempts = attempts.max(1);
        self.first_backoff = first_backoff;
        self
    }

    /// How long one attempt may take before it counts as lost.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Whether a PaymentIntent's `description` carries the receipt number (on by default; the
    /// receipt is in `metadata[receipt]` either way). Off for servers that refuse the field.
    pub fn with_intent_descriptions(mut self, on: bool) -> Self {
        self.describe_intents = on;
        self
    }

    /// The base URL requests go to, ending in `/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sends `req` until it succeeds, fails for good, or the attempts run out; every attempt
    /// carries the same idempotency key. `what` names the object for error messages.
    fn send<R, T>(&self, req: &R, key: Option<&str>, what: &str) -> GatewayResult<T>
    where
        R: StripeRequest,
        T: DeserializeOwned,
    {
        let key = match key {
            Some(k) => Some(IdempotencyKey::new(k).map_err(|e| GatewayError::Rejected {
                status: 400,
                code: Some("idempotency_key_invalid".to_string()),
                message: format!("the idempotency key for {what} is not usable: {e}"),
            })?),
            None => None,
        };
        let mut backoff = self.first_backoff;
        let mut attempt = 1;
        loop {
            let strategy = match &key {
                Some(k) => RequestStrategy::Idempotent(k.clone()),
                None => RequestStrategy::Once,
            };
            let result = req
                .build()
                .customize::<miniserde::json::Value>()
                .request_strategy(strategy)
                .timeout(self.timeout)
                .send_blocking(&self.client)
                .map_err(|e| map_stripe_error(e, what, self.timeout))
                .and_then(|v| read_answer::<T>(&v, what));
            match result {
                Ok(v) => return Ok(v),
                Err(e) if e.is_retryable() && attempt < self.attempts => {
                    std::thread::sleep(backoff);
                    backoff = backoff.saturating_mul(2);
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    fn read_intent(&self, id: &str) -> GatewayResult<Intent> {
        let req = RetrievePaymentIntent::new(id).expand(vec!["latest_charge".to_string()]);
        let wire: WireIntent = self.send(&req, None, &format!("PaymentIntent {id}"))?;
        wire.into_intent()
    }

    fn list_all<T, F, R>(&self, what: &str, page: F) -> GatewayResult<Vec<T>>
    where
        T: DeserializeOwned + HasId,
        F: Fn(Option<&str>) -> R,
        R: StripeRequest,
    {
        let mut all: Vec<T> = Vec::new();
        loop {
            let after = all.last().map(|t| t.id().to_string());
            let list: WireList<T> = self.send(&page(after.as_deref()), None, what)?;
            let n = list.data.len();
            all.extend(list.data);
            if !list.has_more || n == 0 {
                return Ok(all);
            }
        }
    }
}

impl Gateway for StripeGateway {
    fn mode(&self) -> GatewayMode {
        self.mode
    }

    fn create_intent(&self, req: &IntentRequest) -> GatewayResult<Intent> {
        let currency = req.currency.trim().to_ascii_lowercase();
        let currency: stripe_types::Currency = currency
            .parse()
            .unwrap_or_else(|never: std::convert::Infallible| match never {});
        let metadata = HashMap::from([
            ("payment_id".to_string(), req.payment_id.clone()),
            ("order_id".to_string(), req.order_id.clone()),
            ("till_id".to_string(), req.till_id.clone()),
            ("receipt".to_string(), req.receipt.clone()),
        ]);
        let mut create = CreatePaymentIntent::new(req.amount, currency)
            .capture_method(PaymentIntentCaptureMethod::Manual)
            .metadata(metadata);
        if self.describe_intents {
            create = create.description(req.receipt.clone());
        }
        match req.channel {
            Channel::CardPresent => {
                create = create.allowed_payment_method_types(vec![
                    PaymentIntentAllowedPaymentMethodTypes::CardPresent,
                ]);
            }
            // Stripe offers cards when no types are named.
            Channel::Keyed => {}
        }
        if let Some(customer) = &req.customer {
            create = create.customer(customer.clone());
        }
        let what = format!("the PaymentIntent for payment {}", req.payment_id);
        let wire: WireIntent = self.send(&create, Some(&req.payment_id), &what)?;
        wire.into_intent()
    }

    fn intent(&self, id: &str) -> GatewayResult<Intent> {
        self.read_intent(id)
    }

    fn confirm_intent(&self, id: &str, payment_method: &str) -> GatewayResult<Intent> {
        let what = format!("PaymentIntent {id}");
        // Attach the PaymentMethod, then confirm: the same effect as confirming with it, and
        // the form every Stripe-compatible server takes.
        let attach = UpdatePaymentIntent::new(id).payment_method(payment_method.to_string());
        let _: WireIntent = self.send(&attach, Some(&call_key("attach")), &what)?;
        let confirm = ConfirmPaymentIntent::new(id).expand(vec!["latest_charge".to_string()]);
        let wire: WireIntent = self.send(&confirm, Some(&call_key("confirm")), &what)?;
        wire.into_intent()
    }

    fn capture_intent(&self, id: &str, idempotency_key: &str) -> GatewayResult<Intent> {
        let req = CapturePaymentIntent::new(id).expand(vec!["latest_charge".to_string()]);
        let wire: WireIntent =
            self.send(&req, Some(idempotency_key), &format!("PaymentIntent {id}"))?;
        wire.into_intent()
    }

    fn cancel_intent(&self, id: &str) -> GatewayResult<Intent> {
        let req = CancelPaymentIntent::new(id);
        let wire: WireIntent = self.send(
            &req,
            Some(&call_key("cancel")),
            &format!("PaymentIntent {id}"),
        )?;
        wire.into_intent()
    }

    fn refund(&self, req: &RefundRequest) -> GatewayResult<Refund> {
        let metadata = HashMap::from([
            ("refund_key".to_string(), req.refund_key.clone()),
            ("order_id".to_string(), req.order_id.clone()),
            ("till_id".to_string(), req.till_id.clone()),
        ]);
        let create = CreateRefund::new()
            .payment_intent(req.intent.clone())
            .amount(req.amount)
            .metadata(metadata);
        let what = format!("a refund of PaymentIntent {}", req.intent);
        let wire: WireRefund = self.send(&create, Some(&req.refund_key), &what)?;
        wire.into_refund(req.amount)
    }

    fn refunds_of(&self, intent: &str) -> GatewayResult<Vec<Refund>> {
        let what = format!("the refunds of PaymentIntent {intent}");
        let wire: Vec<WireRefund> = self.list_all(&what, |after| {
            let req = ListRefund::new()
                .payment_intent(intent.to_string())
                .limit(PAGE);
            match after {
                Some(a) => req.starting_after(a.to_string()),
                None => req,
            }
        })?;
        wire.into_iter().map(|r| r.into_refund(0)).collect()
    }

    fn dispute(&self, id: &str) -> GatewayResult<Dispute> {
        let wire: WireDispute =
            self.send(&RetrieveDispute::new(id), None, &format!("dispute {id}"))?;
        let status = DisputeStatus::from_stripe(&wire.status)
            .ok_or_else(|| unexpected("dispute status", &wire.status))?;
        Ok(Dispute {
            id: wire.id,
            intent: wire.payment_intent,
            amount: wire.amount,
            status,
            reason: wire.reason,
        })
    }

    fn refunds_since(&self, since: i64) -> GatewayResult<Vec<Refund>> {
        // Newest first: page until one older than `since` (no `created` filter, which not every
        // Stripe-compatible server reads).
        let mut all: Vec<Refund> = Vec::new();
        loop {
            let mut req = ListRefund::new().limit(PAGE);
            if let Some(last) = all.last() {
                req = req.starting_after(last.id.clone());
            }
            let list: WireList<WireRefund> = self.send(&req, None, "the recent refunds")?;
            let more = list.has_more && !list.data.is_empty();
            let mut older = false;
            for wire in list.data {
                let refund = wire.into_refund(0)?;
                older |= refund.created < since;
                all.push(refund);
            }
            if older || !more {
                all.retain(|r| r.created >= since);
                return Ok(all);
            }
        }
    }

    fn create_customer(&self, name: &str, email: Option<&str>) -> GatewayResult<StripeCustomer> {
        let mut create = CreateCustomer::new().name(name.to_string());
        if let Some(email) = email {
            create = create.email(email.to_string());
        }
        let wire: WireCustomer =
            self.send(&create, Some(&call_key("customer")), "a new customer")?;
        Ok(StripeCustomer {
            id: wire.id,
            name: wire.name,
            email: wire.email,
        })
    }

    fn readers(&self) -> GatewayResult<Vec<Reader>> {
        let wire: Vec<WireReader> = self.list_all("the Terminal readers", |after| {
            let req = ListTerminalReader::new().limit(PAGE);
            match after {
                Some(a) => req.starting_after(a.to_string()),
                None => req,
            }
        })?;
        wire.into_iter().map(WireReader::into_reader).collect()
    }

    fn reader(&self, id: &str) -> GatewayResult<Reader> {
        let req = RetrieveTerminalReader::new(id);
        let wire: WireReader = self.send(&req, None, &format!("reader {id}"))?;
        wire.into_reader()
    }

    fn register_reader(&self, code: &str, label: &str, location: &str) -> GatewayResult<Reader> {
        let req = CreateTerminalReader::new(code)
            .label(label.to_string())
            .location(location.to_string());
        let what = format!("a reader for location {location}");
        let wire: WireReader = self.send(&req, Some(&call_key("reader")), &what)?;
        wire.into_reader()
    }

    fn locations(&self) -> GatewayResult<Vec<Location>> {
        let wire: Vec<WireLocation> = self.list_all("the Terminal locations", |after| {
            let req = ListTerminalLocation::new().limit(PAGE);
            match after {
                Some(a) => req.starting_after(a.to_string()),
                None => req,
            }
        })?;
        Ok(wire.into_iter().map(WireLocation::into_location).collect())
    }

    fn create_location(&self, display_name: &str, address: &Address) -> GatewayResult<Location> {
        let mut addr = CreateTerminalLocationAddress::new(address.country.clone());
        addr.line1 = address.line1.clone();
        addr.city = address.city.clone();
        addr.postal_code = address.postal_code.clone();
        let req = CreateTerminalLocation::new()
            .display_name(display_name.to_string())
            .address(addr);
        let what = format!("the location {display_name:?}");
        let wire: WireLocation = self.send(&req, Some(&call_key("location")), &what)?;
        Ok(wire.into_location())
    }

    fn process_intent(
        &self,
        reader: &str,
        intent: &str,
        idempotency_key: &str,
    ) -> GatewayResult<Reader> {
        let req = ProcessPaymentIntentTerminalReader::new(reader, intent);
        let wire: WireReader =
            self.send(&req, Some(idempotency_key), &format!("reader {reader}"))?;
        wire.into_reader()
    }

    fn cancel_action(&self, reader: &str) -> GatewayResult<Reader> {
        let req = CancelActionTerminalReader::new(reader);
        let what = format!("reader {reader}");
        let wire: WireReader = self.send(&req, Some(&call_key("cancel-action")), &what)?;
        wire.into_reader()
    }

    fn present_card(&self, reader: &str, card: TestCard) -> GatewayResult<Reader> {
        if self.mode == GatewayMode::Live {
            return Err(GatewayError::Unsupported(
                "test cards can only be presented to simulated readers in test mode".to_string(),
            ));
        }
        let mut present = PresentPaymentMethodTerminalReaderCardPresent::new();
        present.number = Some(card.number().to_string());
        let req = PresentPaymentMethodTerminalReader::new(reader)
            .type_(PresentPaymentMethodTerminalReaderType::CardPresent)
            .card_present(present);
        let what = format!("reader {reader}");
        let wire: WireReader = self.send(&req, Some(&call_key("present")), &what)?;
        wire.into_reader()
    }

    fn ping(&self) -> GatewayResult<Ping> {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(self.timeout))
            .http_status_as_error(false)
            .build();
        let agent = ureq::Agent::new_with_config(config);
        let url = format!("{}v1/terminal/readers?limit=1", self.base_url);
        let started = Instant::now();
        let mut response = agent
            .get(&url)
            .header("Authorization", &format!("Bearer {}", self.key.expose()))
            .header("Stripe-Version", stripe_shared::version::VERSION.as_str())
            .call()
            .map_err(|e| match e {
                ureq::Error::Timeout(_) => GatewayError::Network(format!(
                    "no answer from {} within {} ms",
                    self.base_url,
                    self.timeout.as_millis()
                )),
                other => GatewayError::Network(format!("{}: {other}", self.base_url)),
            })?;
        let round_trip_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let server_time = response
            .headers()
            .get("date")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| httpdate::parse_http_date(v).ok())
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .and_then(|d| i64::try_from(d.as_secs()).ok());
        let status = response.status().as_u16();
        if (200..300).contains(&status) {
            return Ok(Ping {
                server_time,
                round_trip_ms,
            });
        }
        let body = response.body_mut().read_to_string().unwrap_or_default();
        let error = serde_json::from_str::<WireErrorBody>(&body)
            .map(|b| b.error)
            .unwrap_or_default();
        Err(map_status(status, &error, "the Terminal readers"))
    }
}

/// A key for one call that has none from its caller: the same for all its attempts, never
/// reused by another call.
fn call_key(what: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("versapos-{what}-{}-{nanos:x}-{n}", std::process::id())
}

/// Reads an answer's JSON into the shape the till reads.
fn read_answer<T: DeserializeOwned>(
    value: &miniserde::json::Value,
    what: &str,
) -> GatewayResult<T> {
    let text = miniserde::json::to_string(value);
    serde_json::from_str(&text).map_err(|e| GatewayError::Server {
        status: 200,
        message: format!("Stripe's answer about {what} could not be read: {e}"),
    })
}

fn map_stripe_error(error: StripeError, what: &str, timeout: Duration) -> GatewayError {
    match error {
        StripeError::Stripe(api, status) => {
            let wire = WireError {
                type_: Some(api.type_.as_str().to_string()),
                code: api.code.as_ref().map(|c| c.as_str().to_string()),
                decline_code: api.decline_code.clone(),
                message: api.message.clone(),
            };
            map_status(status, &wire, what)
        }
        StripeError::Timeout => GatewayError::Network(format!(
            "no answer about {what} within {} ms",
            timeout.as_millis()
        )),
        StripeError::ClientError(msg) => GatewayError::Network(format!(
            "no connection while asking about {what}: check the till's network ({msg})"
        )),
        StripeError::JSONDeserialize(msg) if msg == UNREADABLE_ERROR => GatewayError::Server {
            status: 502,
            message: format!("an error answer about {what} was not Stripe's error format"),
        },
        StripeError::JSONDeserialize(msg) => GatewayError::Server {
            status: 200,
            message: format!("Stripe's answer about {what} could not be read: {msg}"),
        },
        StripeError::ConfigError(msg) => {
            GatewayError::Unsupported(format!("the Stripe client is misconfigured: {msg}"))
        }
    }
}

/// One mapping from an HTTP status and Stripe's error body to what the till acts on.
fn map_status(status: u16, error: &WireError, what: &str) -> GatewayError {
    let message = error
        .message
        .clone()
        .unwrap_or_else(|| format!("HTTP status {status}"));
    let card_error = error.type_.as_deref() == Some("card_error");
    match status {
        401 => GatewayError::Auth(message),
        403 => GatewayError::Permission(message),
        404 => GatewayError::NotFound(format!("{what} ({message})")),
        402 => GatewayError::Declined(decline(error, message)),
        _ if card_error => GatewayError::Declined(decline(error, message)),
        429 | 500..=599 => GatewayError::Server { status, message },
        _ => GatewayError::Rejected {
            status,
            code: error.code.clone(),
            message,
        },
    }
}

fn decline(error: &WireError, message: String) -> Decline {
    Decline {
        code: error.code.clone(),
        decline_code: error.decline_code.clone(),
        message,
    }
}

fn unexpected(what: &str, value: &str) -> GatewayError {
    GatewayError::Server {
        status: 200,
        message: format!("Stripe answered with an unknown {what}: {value:?}"),
    }
}

// ---- Answers, read leniently -------------------------------------------------------------

trait HasId {
    fn id(&self) -> &str;
}

#[derive(Deserialize)]
struct WireList<T> {
    data: Vec<T>,
    #[serde(default)]
    has_more: bool,
}

/// An id, or the object itself when expanded.
#[derive(Deserialize)]
#[serde(untagged)]
enum Expandable<T> {
    Id(String),
    Object(Box<T>),
}

impl<T: HasId> Expandable<T> {
    fn id(&self) -> &str {
        match self {
            Expandable::Id(id) => id,
            Expandable::Object(o) => o.id(),
        }
    }
}

#[derive(Deserialize, Default)]
struct WireErrorBody {
    #[serde(default)]
    error: WireError,
}

#[derive(Deserialize, Default, Clone)]
struct WireError {
    #[serde(default, rename = "type")]
    type_: Option<String>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    decline_code: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

#[derive(Deserialize)]
struct WireIntent {
    id: String,
    status: String,
    amount: i64,
    #[serde(default)]
    amount_capturable: Option<i64>,
    #[serde(default)]
    amount_received: Option<i64>,
    currency: String,
    #[serde(default)]
    last_payment_error: Option<WireError>,
    #[serde(default)]
    metadata: Option<HashMap<String, String>>,
    #[serde(default)]
    payment_method: Option<Expandable<WirePaymentMethod>>,
    #[serde(default)]
    latest_charge: Option<Expandable<WireCharge>>,
}

#[derive(Deserialize, Default)]
struct WireCard {
    #[serde(default)]
    brand: Option<String>,
    #[serde(default)]
    last4: Option<String>,
    /// A card-present charge's receipt fields.
    #[serde(default)]
    receipt: Option<WireCardReceipt>,
}

#[derive(Deserialize, Default)]
struct WireCardReceipt {
    #[serde(default)]
    authorization_code: Option<String>,
}

/// A card's brand, last four digits and authorisation code.
type CardFacts = (Option<String>, Option<String>, Option<String>);

impl WireCard {
    fn brand_last4(&self) -> Option<CardFacts> {
        (self.brand.is_some() || self.last4.is_some()).then(|| {
            (
                self.brand.clone(),
                self.last4.clone(),
                self.receipt
                    .as_ref()
                    .and_then(|r| r.authorization_code.clone()),
            )
        })
    }
}

#[derive(Deserialize)]
struct WirePaymentMethod {
    #[serde(default)]
    id: String,
    #[serde(default)]
    card: Option<WireCard>,
    #[serde(default)]
    card_present: Option<WireCard>,
    #[serde(default)]
    interac_present: Option<WireCard>,
}

impl HasId for WirePaymentMethod {
    fn id(&self) -> &str {
        &self.id
    }
}

impl WirePaymentMethod {
    fn card(&self) -> Option<CardFacts> {
        [&self.card_present, &self.card, &self.interac_present]
            .into_iter()
            .flatten()
            .find_map(WireCard::brand_last4)
    }
}

#[derive(Deserialize)]
struct WireCharge {
    #[serde(default)]
    id: String,
    #[serde(default)]
    amount: Option<i64>,
    #[serde(default)]
    amount_captured: Option<i64>,
    #[serde(default)]
    captured: Option<bool>,
    #[serde(default)]
    payment_method_details: Option<WirePaymentMethod>,
}

impl HasId for WireCharge {
    fn id(&self) -> &str {
        &self.id
    }
}

impl WireIntent {
    fn into_intent(self) -> GatewayResult<Intent> {
        let status = IntentStatus::parse(&self.status)
            .ok_or_else(|| unexpected("PaymentIntent status", &self.status))?;
        let charge = match &self.latest_charge {
            Some(Expandable::Object(c)) => Some(c.as_ref()),
            _ => None,
        };
        // Stripe always sends these two; servers that leave them out still say enough to
        // work them out from the status and the charge.
        let amount_capturable = self.amount_capturable.unwrap_or(match status {
            IntentStatus::RequiresCapture => self.amount,
            _ => 0,
        });
        let amount_received = match self.amount_received {
            Some(a) => a,
            None => match charge {
                Some(c) if c.captured == Some(true) => {
                    c.amount_captured.or(c.amount).unwrap_or(self.amount)
                }
                _ if status == IntentStatus::Succeeded => self.amount,
                _ => 0,
            },
        };
        let card = charge
            .and_then(|c| c.payment_method_details.as_ref())
            .and_then(WirePaymentMethod::card)
            .or_else(|| match &self.payment_method {
                Some(Expandable::Object(pm)) => pm.card(),
                _ => None,
            });
        let (card_brand, card_last4, card_authorization) = card.unwrap_or((None, None, None));
        let last_error = self.last_payment_error.map(|e| Decline {
            message: e
                .message
                .clone()
                .unwrap_or_else(|| "the card was declined".to_string()),
            code: e.code,
            decline_code: e.decline_code,
        });
        let mut metadata = self.metadata.unwrap_or_default();
        Ok(Intent {
            id: self.id,
            status,
            amount: self.amount,
            amount_capturable,
            amount_received,
            currency: self.currency.to_ascii_lowercase(),
            last_error,
            payment_id: metadata.remove("payment_id"),
            order_id: metadata.remove("order_id"),
            till_id: metadata.remove("till_id"),
            card_brand,
            card_last4,
            card_authorization,
        })
    }
}

#[derive(Deserialize)]
struct WireDispute {
    id: String,
    #[serde(default)]
    payment_intent: Option<String>,
    amount: i64,
    status: String,
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Deserialize)]
struct WireRefund {
    id: String,
    #[serde(default)]
    payment_intent: Option<String>,
    #[serde(default)]
    amount: Option<i64>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    created: Option<i64>,
    #[serde(default)]
    metadata: Option<HashMap<String, String>>,
}

impl HasId for WireRefund {
    fn id(&self) -> &str {
        &self.id
    }
}

impl WireRefund {
    /// `asked` stands in for the amount when the answer leaves it out.
    fn into_refund(self, asked: i64) -> GatewayResult<Refund> {
        let status = match self.status.as_deref() {
            // Without a status the refund is not known to be final.
            None => RefundStatus::Pending,
            Some(s) => RefundStatus::parse(s).ok_or_else(|| unexpected("refund status", s))?,
        };
        Ok(Refund {
            id: self.id,
            intent: self.payment_intent,
            amount: self.amount.unwrap_or(asked),
            status,
            refund_key: self.metadata.and_then(|mut m| m.remove("refund_key")),
            created: self.created.unwrap_or(0),
        })
    }
}

#[derive(Deserialize)]
struct WireCustomer {
    id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    email: Option<String>,
}

#[derive(Deserialize)]
struct WireLocation {
    id: String,
    #[serde(default)]
    display_name: String,
}

impl HasId for WireLocation {
    fn id(&self) -> &str {
        &self.id
    }
}

impl WireLocation {
    fn into_location(self) -> Location {
        Location {
            id: self.id,
            display_name: self.display_name,
        }
    }
}

#[derive(Deserialize)]
struct WireReader {
    id: String,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    device_type: String,
    #[serde(default)]
    serial_number: String,
    #[serde(default)]
    location: Option<Expandable<WireLocation>>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    action: Option<WireAction>,
}

impl HasId for WireReader {
    fn id(&self) -> &str {
        &self.id
    }
}

#[derive(Deserialize)]
struct WireAction {
    #[serde(rename = "type")]
    kind: String,
    status: String,
    #[serde(default)]
    failure_code: Option<String>,
    #[serde(default)]
    failure_message: Option<String>,
    #[serde(default)]
    process_payment_intent: Option<WireProcessIntent>,
}

#[derive(Deserialize)]
struct WireProcessIntent {
    payment_intent: Expandable<WireIntentId>,
}

#[derive(Deserialize)]
struct WireIntentId {
    id: String,
}

impl HasId for WireIntentId {
    fn id(&self) -> &str {
        &self.id
    }
}

impl WireReader {
    fn into_reader(self) -> GatewayResult<Reader> {
        let status = match self.status.as_deref() {
            None => None,
            Some("online") => Some(ReaderStatus::Online),
            Some("offline") => Some(ReaderStatus::Offline),
            Some(other) => return Err(unexpected("reader status", other)),
        };
        let action = match self.action {
            None => None,
            Some(a) => Some(ReaderAction {
                status: match a.status.as_str() {
                    "in_progress" => ActionStatus::InProgress,
                    "succeeded" => ActionStatus::Succeeded,
                    "failed" => ActionStatus::Failed,
                    other => return Err(unexpected("reader action status", other)),
                },
                intent: a
                    .process_payment_intent
                    .map(|p| p.payment_intent.id().to_string()),
                kind: a.kind,
                failure_code: a.failure_code,
                failure_message: a.failure_message,
            }),
        };
        Ok(Reader {
            location: self.location.map(|l| l.id().to_string()),
            id: self.id,
            label: self.label,
            device_type: self.device_type,
            serial_number: self.serial_number,
            status,
            action,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(json: &str) -> WireIntent {
        serde_json::from_str(json).expect("test JSON is a PaymentIntent")
    }

    #[test]
    fn intent_reads_card_from_expanded_charge() {
        let intent = wire(
            r#"{"id":"pi_1","status":"requires_capture","amount":1250,"amount_capturable":1250,
            "amount_received":0,"currency":"EUR","metadata":{"payment_id":"p1","order_id":"o1"},
            "latest_charge":{"id":"ch_1","amount":1250,"captured":false,
            "payment_method_details":{"card_present":{"brand":"visa","last4":"4242",
            "receipt":{"authorization_code":"831047","account_type":"credit"}}}}}"#,
        )
        .into_intent()
        .expect("a known status");
        assert_eq!(intent.currency, "eur", "currency is lower case");
        assert_eq!(intent.card_brand.as_deref(), Some("visa"));
        assert_eq!(intent.card_last4.as_deref(), Some("4242"));
        assert_eq!(intent.card_authorization.as_deref(), Some("831047"));
        assert_eq!(intent.payment_id.as_deref(), Some("p1"));
        assert_eq!(intent.till_id, None);
    }

    #[test]
    fn intent_without_amount_fields_derives_them_from_status_and_charge() {
        let held =
            wire(r#"{"id":"pi_1","status":"requires_capture","amount":900,"currency":"gbp"}"#)
                .into_intent()
                .expect("a known status");
        assert_eq!((held.amount_capturable, held.amount_received), (900, 0));
        let taken = wire(
            r#"{"id":"pi_1","status":"succeeded","amount":900,"currency":"gbp",
            "latest_charge":{"id":"ch_1","amount":900,"captured":true,"amount_captured":700}}"#,
        )
        .into_intent()
        .expect("a known status");
        assert_eq!((taken.amount_capturable, taken.amount_received), (0, 700));
    }

    #[test]
    fn unknown_intent_status_is_an_error_not_a_guess() {
        let err = wire(r#"{"id":"pi_1","status":"teleported","amount":1,"currency":"eur"}"#)
            .into_intent()
            .expect_err("an unknown status must not be mapped");
        assert!(err.to_string().contains("teleported"), "{err}");
    }

    #[test]
    fn statuses_map_to_the_errors_the_till_acts_on() {
        let e = WireError {
            type_: Some("invalid_request_error".to_string()),
            message: Some("m".to_string()),
            ..WireError::default()
        };
        assert!(matches!(map_status(401, &e, "x"), GatewayError::Auth(_)));
        assert!(matches!(
            map_status(403, &e, "x"),
            GatewayError::Permission(_)
        ));
        assert!(matches!(
            map_status(404, &e, "x"),
            GatewayError::NotFound(_)
        ));
        assert!(matches!(
            map_status(429, &e, "x"),
            GatewayError::Server { status: 429, .. }
        ));
        assert!(matches!(
            map_status(503, &e, "x"),
            GatewayError::Server { status: 503, .. }
        ));
        assert!(matches!(
            map_status(409, &e, "x"),
            GatewayError::Rejected { status: 409, .. }
        ));
        let card = WireError {
            type_: Some("card_error".to_string()),
            code: Some("card_declined".to_string()),
            decline_code: Some("insufficient_funds".to_string()),
            message: Some("Your card has insufficient funds.".to_string()),
        };
        match map_status(400, &card, "x") {
            GatewayError::Declined(d) => {
                assert_eq!(d.decline_code.as_deref(), Some("insufficient_funds"));
                assert_eq!(d.plain_words(), "Declined: not enough funds on the card.");
            }
            other => panic!("a card_error must be a decline, got {other:?}"),
        }
        assert!(matches!(
            map_status(402, &e, "x"),
            GatewayError::Declined(_)
        ));
    }

    #[test]
    fn reader_maps_action_and_location() {
        let r: WireReader = serde_json::from_str(
            r#"{"id":"tmr_1","device_type":"simulated_wisepos_e","serial_number":"S1",
            "location":"tml_1","status":"online","action":{"type":"process_payment_intent",
            "status":"in_progress","process_payment_intent":{"payment_intent":"pi_9"}}}"#,
        )
        .expect("test JSON is a reader");
        let r = r.into_reader().expect("known statuses");
        assert_eq!(r.state(), "busy");
        assert_eq!(r.location.as_deref(), Some("tml_1"));
        let action = r.action.expect("an action was sent");
        assert_eq!(action.intent.as_deref(), Some("pi_9"));
    }

    #[test]
    fn new_rejects_a_base_url_that_is_not_http() {
        let key = StripeKey::parse("sk_test_abcdefghijkl").expect("a well-formed test key");
        let err = StripeGateway::new(&key, Some("ftp://example.invalid"))
            .expect_err("ftp is not an API address");
        assert!(matches!(err, GatewayError::Unsupported(_)), "{err:?}");
        let gw = StripeGateway::new(&key, Some("http://127.0.0.1:9")).expect("http is fine");
        assert_eq!(gw.base_url(), "http://127.0.0.1:9/");
        assert_eq!(gw.mode(), GatewayMode::Test);
        assert!(
            !format!("{gw:?}").contains("abcdefghijkl"),
            "Debug never shows the key"
        );
    }
}
