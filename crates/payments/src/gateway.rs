//! The payment gateway: what the till asks of Stripe (or of the demo reader), in the till's own
//! words. Every call is blocking; callers run it off the UI thread. Amounts are minor units.
//!
//! Implementations: [`crate::stripe::StripeGateway`] (Stripe's API through async-stripe, any base
//! URL) and [`crate::demo::DemoGateway`] (the simulated reader of a till with no keys).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use versapos_core::GatewayMode;

/// How the card is taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Channel {
    /// On the till's Terminal reader: `allowed_payment_method_types = [card_present]`, manual
    /// capture. The normal way.
    CardPresent,
    /// A card keyed in for a phone order, as a saved PaymentMethod id (`pm_…`); manual capture,
    /// confirmed by [`Gateway::confirm_intent`].
    Keyed,
}

/// A PaymentIntent to create. `payment_id` is the till's own id for the payment, made and stored
/// before the call: it is the idempotency key and goes into the metadata, so a retry after a cut
/// connection finds the same PaymentIntent instead of making a second one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntentRequest {
    pub payment_id: String,
    pub order_id: String,
    pub till_id: String,
    /// The receipt it pays ("T1-000042"), shown in Stripe's dashboard as the description.
    pub receipt: String,
    pub amount: i64,
    /// ISO 4217, any case (sent lower case).
    pub currency: String,
    pub channel: Channel,
    /// A Stripe customer (`cus_…`) to attach, if the shop keeps one for this customer.
    pub customer: Option<String>,
}

/// Stripe's PaymentIntent statuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum IntentStatus {
    RequiresPaymentMethod,
    RequiresConfirmation,
    RequiresAction,
    Processing,
    RequiresCapture,
    Canceled,
    Succeeded,
}

impl IntentStatus {
    pub fn parse(s: &str) -> Option<IntentStatus> {
        Some(match s {
            "requires_payment_method" => IntentStatus::RequiresPaymentMethod,
            "requires_confirmation" => IntentStatus::RequiresConfirmation,
            "requires_action" => IntentStatus::RequiresAction,
            "processing" => IntentStatus::Processing,
            "requires_capture" => IntentStatus::RequiresCapture,
            "canceled" => IntentStatus::Canceled,
            "succeeded" => IntentStatus::Succeeded,
            _ => return None,
        })
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            IntentStatus::RequiresPaymentMethod => "requires_payment_method",
            IntentStatus::RequiresConfirmation => "requires_confirmation",
            IntentStatus::RequiresAction => "requires_action",
            IntentStatus::Processing => "processing",
            IntentStatus::RequiresCapture => "requires_capture",
            IntentStatus::Canceled => "canceled",
            IntentStatus::Succeeded => "succeeded",
        }
    }
}

/// Why a card was declined, as Stripe put it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Decline {
    /// Stripe's error code (`card_declined`, `expired_card`, …).
    pub code: Option<String>,
    /// The issuer's reason (`insufficient_funds`, `lost_card`, …).
    pub decline_code: Option<String>,
    /// Stripe's own message.
    pub message: String,
}

impl Decline {
    /// The reason in plain words for the cashier to tell the customer.
    pub fn plain_words(&self) -> String {
        let reason = self.decline_code.as_deref().or(self.code.as_deref());
        let words = match reason {
            Some("insufficient_funds") => "Declined: not enough funds on the card.",
            Some("lost_card") | Some("stolen_card") => {
                "Declined: the card is reported lost or stolen. Ask for another way to pay."
            }
            Some("expired_card") => "Declined: the card has expired.",
            Some("incorrect_cvc") | Some("incorrect_pin") | Some("invalid_pin") => {
                "Declined: wrong PIN or security code. The customer may try again."
            }
            Some("pin_try_exceeded") => "Declined: too many wrong PINs on this card.",
            Some("card_velocity_exceeded") | Some("withdrawal_count_limit_exceeded") => {
                "Declined: the card's spending limit is reached."
            }
            Some("processing_error") => "The card could not be processed. Try again.",
            Some("do_not_honor") | Some("generic_decline") | Some("card_declined") => {
                "Declined by the card's bank. Ask for another card or another way to pay."
            }
            Some("offline_pin_required") | Some("online_or_offline_pin_required") => {
                "The card needs its PIN: insert the card and enter the PIN."
            }
            _ => return format!("Declined: {}", self.message),
        };
        words.to_string()
    }
}

/// A PaymentIntent as the till needs to see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Intent {
    /// `pi_…`
    pub id: String,
    pub status: IntentStatus,
    pub amount: i64,
    pub amount_capturable: i64,
    pub amount_received: i64,
    /// Lower case, as Stripe writes it.
    pub currency: String,
    /// The last attempt's decline, if it failed.
    pub last_error: Option<Decline>,
    /// `metadata[payment_id]`, `metadata[order_id]`, `metadata[till_id]` as sent.
    pub payment_id: Option<String>,
    pub order_id: Option<String>,
    pub till_id: Option<String>,
    /// The card's brand and last four once one was presented ("visa", "4242").
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
    /// The issuer's authorisation code of the charge (`receipt.authorization_code` of a
    /// card-present charge), once there is one.
    pub card_authorization: Option<String>,
}

/// A refund of (part of) a captured PaymentIntent. `refund_key` is the till's own id for this
/// card refund, made and stored before the call: the idempotency key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundRequest {
    pub refund_key: String,
    pub intent: String,
    pub amount: i64,
    pub order_id: String,
    pub till_id: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RefundStatus {
    Pending,
    RequiresAction,
    Succeeded,
    Failed,
    Canceled,
}

impl RefundStatus {
    pub fn parse(s: &str) -> Option<RefundStatus> {
        Some(match s {
            "pending" => RefundStatus::Pending,
            "requires_action" => RefundStatus::RequiresAction,
            "succeeded" => RefundStatus::Succeeded,
            "failed" => RefundStatus::Failed,
            "canceled" => RefundStatus::Canceled,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Refund {
    /// `re_…`
    pub id: String,
    pub intent: Option<String>,
    pub amount: i64,
    pub status: RefundStatus,
    /// `metadata[refund_key]`: the till's own id for a refund the till made; none for a refund
    /// made at Stripe (the Dashboard, Stripe's support).
    pub refund_key: Option<String>,
    /// When Stripe created it, in Unix seconds (0 when Stripe did not say).
    pub created: i64,
}

/// Where a card holder's dispute of a payment stands at Stripe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DisputeStatus {
    /// Opened, waiting for evidence or under review: no money has moved for good.
    Open,
    /// Closed in the shop's favour.
    Won,
    /// Closed in the card holder's favour: Stripe took the disputed amount back.
    Lost,
}

impl DisputeStatus {
    /// Stripe's status (`needs_response`, `under_review`, `won`, `lost`, `warning_closed`, …).
    pub fn from_stripe(s: &str) -> Option<DisputeStatus> {
        Some(match s {
            "lost" => DisputeStatus::Lost,
            "won" | "warning_closed" => DisputeStatus::Won,
            "warning_needs_response"
            | "warning_under_review"
            | "needs_response"
            | "under_review"
            | "prevented" => DisputeStatus::Open,
            _ => return None,
        })
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            DisputeStatus::Open => "open",
            DisputeStatus::Won => "won",
            DisputeStatus::Lost => "lost",
        }
    }
}

/// A card holder's dispute of a payment, as Stripe has it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Dispute {
    /// `dp_…`
    pub id: String,
    pub intent: Option<String>,
    /// The disputed amount, in minor units.
    pub amount: i64,
    pub status: DisputeStatus,
    /// Stripe's reason (`fraudulent`, `product_not_received`, …).
    pub reason: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReaderStatus {
    Online,
    Offline,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    InProgress,
    Succeeded,
    Failed,
}

/// What the reader is doing (Stripe's `reader.action`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReaderAction {
    /// `process_payment_intent`, `collect_payment_method`, …
    pub kind: String,
    pub status: ActionStatus,
    /// On failure: Stripe's code (`card_declined`, `canceled`, …) and message.
    pub failure_code: Option<String>,
    pub failure_message: Option<String>,
    /// The PaymentIntent of a `process_payment_intent` action.
    pub intent: Option<String>,
}

/// A Terminal reader.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Reader {
    /// `tmr_…`
    pub id: String,
    pub label: Option<String>,
    /// `bbpos_wisepos_e`, `stripe_s700`, `simulated_wisepos_e`, …
    pub device_type: String,
    pub serial_number: String,
    pub location: Option<String>,
    pub status: Option<ReaderStatus>,
    pub action: Option<ReaderAction>,
}

impl Reader {
    /// Stripe's simulated readers (test mode) and the demo reader take test cards.
    pub fn is_simulated(&self) -> bool {
        self.device_type.starts_with("simulated")
    }

    /// Online, offline or busy (an action in progress), as the till shows it.
    pub fn state(&self) -> ReaderState {
        match (&self.status, &self.action) {
            (Some(ReaderStatus::Offline), _) => ReaderState::Offline,
            (_, Some(a)) if a.status == ActionStatus::InProgress => ReaderState::Busy,
            (Some(ReaderStatus::Online), _) => ReaderState::Online,
            (None, _) => ReaderState::Unknown,
        }
    }
}

/// A card reader as the till shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReaderState {
    Online,
    Offline,
    /// Busy with an action (a card payment being taken).
    Busy,
    /// Stripe did not say.
    Unknown,
}

impl ReaderState {
    pub fn as_str(self) -> &'static str {
        match self {
            ReaderState::Online => "online",
            ReaderState::Offline => "offline",
            ReaderState::Busy => "busy",
            ReaderState::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for ReaderState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for ReaderState {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// A Terminal location (readers are registered to one).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Location {
    /// `tml_…`
    pub id: String,
    pub display_name: String,
}

/// The test cards a simulated reader can be given (`present_payment_method`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TestCard {
    /// Visa 4242 4242 4242 4242: approved.
    Approved,
    /// 4000 0000 0000 0002: generic decline.
    Declined,
    /// 4000 0000 0000 9995: insufficient funds.
    InsufficientFunds,
    /// 4000 0000 0000 9987: lost card.
    LostCard,
    /// 4000 0000 0000 0069: expired card.
    Expired,
}

impl TestCard {
    pub const ALL: [TestCard; 5] = [
        TestCard::Approved,
        TestCard::Declined,
        TestCard::InsufficientFunds,
        TestCard::LostCard,
        TestCard::Expired,
    ];

    /// The card number Stripe's simulated readers take for it.
    pub fn number(&self) -> &'static str {
        match self {
            TestCard::Approved => "4242424242424242",
            TestCard::Declined => "4000000000000002",
            TestCard::InsufficientFunds => "4000000000009995",
            TestCard::LostCard => "4000000000009987",
            TestCard::Expired => "4000000000000069",
        }
    }

    pub fn parse(s: &str) -> Option<TestCard> {
        Some(match s {
            "approved" => TestCard::Approved,
            "declined" => TestCard::Declined,
            "insufficient_funds" => TestCard::InsufficientFunds,
            "lost_card" => TestCard::LostCard,
            "expired" => TestCard::Expired,
            _ => return None,
        })
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            TestCard::Approved => "approved",
            TestCard::Declined => "declined",
            TestCard::InsufficientFunds => "insufficient_funds",
            TestCard::LostCard => "lost_card",
            TestCard::Expired => "expired",
        }
    }
}

/// A Stripe customer (for keyed phone orders and receipts by e-mail).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StripeCustomer {
    /// `cus_…`
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
}

/// What answering a request told us about the connection (for the setup doctor).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ping {
    /// The server's clock (its `Date` header) as Unix seconds, when it sent one.
    pub server_time: Option<i64>,
    /// How long the round trip took.
    pub round_trip_ms: u64,
}

/// What went wrong talking to the gateway.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    /// No answer: the network is down, the connection was cut, or the call timed out. The
    /// request may or may not have reached Stripe; retry with the same idempotency key.
    #[error("Stripe could not be reached: {0}")]
    Network(String),
    /// Stripe answered 5xx (or 429). Retry with the same idempotency key.
    #[error("Stripe had a problem ({status}): {message}")]
    Server { status: u16, message: String },
    /// The key was refused (401).
    #[error("Stripe refused the key: {0}")]
    Auth(String),
    /// A restricted key lacks a permission (403).
    #[error("the Stripe key may not do this: {0}")]
    Permission(String),
    /// The object does not exist (404).
    #[error("Stripe does not know {0}")]
    NotFound(String),
    /// A card error (402): the card was declined.
    #[error("{}", .0.plain_words())]
    Declined(Decline),
    /// Any other refusal (400, 409): bad parameters, a reader busy, an idempotency clash.
    #[error("Stripe refused the request ({status}): {message}")]
    Rejected {
        status: u16,
        code: Option<String>,
        message: String,
    },
    /// Asked of a gateway that cannot do it (test cards in live mode).
    #[error("{0}")]
    Unsupported(String),
}

impl GatewayError {
    /// Whether the same request may be sent again (with the same idempotency key).
    pub fn is_retryable(&self) -> bool {
        matches!(self, GatewayError::Network(_) | GatewayError::Server { .. })
    }

    /// Whether the request certainly did not take effect (a refusal, not a lost answer).
    pub fn is_definite(&self) -> bool {
        !self.is_retryable()
    }

    /// A short code for the UI and `--json` output.
    pub fn code(&self) -> &'static str {
        match self {
            GatewayError::Network(_) => "stripe_unreachable",
            GatewayError::Server { .. } => "stripe_error",
            GatewayError::Auth(_) => "stripe_key_refused",
            GatewayError::Permission(_) => "stripe_permission",
            GatewayError::NotFound(_) => "stripe_not_found",
            GatewayError::Declined(_) => "card_declined",
            GatewayError::Rejected { .. } => "stripe_rejected",
            GatewayError::Unsupported(_) => "unsupported",
        }
    }
}

pub type GatewayResult<T> = Result<T, GatewayError>;

/// What the till asks of Stripe. All calls block; retries of retryable failures happen inside
/// the implementation (with the same idempotency key), so an error here is final for that call.
pub trait Gateway: Send + Sync {
    fn mode(&self) -> GatewayMode;

    /// Creates the PaymentIntent (idempotency key = `req.payment_id`). Calling it again with the
    /// same request returns the same PaymentIntent.
    fn create_intent(&self, req: &IntentRequest) -> GatewayResult<Intent>;
    /// Stripe's current view of a PaymentIntent.
    fn intent(&self, id: &str) -> GatewayResult<Intent>;
    /// Confirms a keyed PaymentIntent with a PaymentMethod (`pm_…`).
    fn confirm_intent(&self, id: &str, payment_method: &str) -> GatewayResult<Intent>;
    /// Captures an authorised PaymentIntent (idempotency key given by the caller).
    fn capture_intent(&self, id: &str, idempotency_key: &str) -> GatewayResult<Intent>;
    /// Cancels a PaymentIntent that was not captured.
    fn cancel_intent(&self, id: &str) -> GatewayResult<Intent>;

    /// Refunds (part of) a captured PaymentIntent (idempotency key = `req.refund_key`).
    fn refund(&self, req: &RefundRequest) -> GatewayResult<Refund>;
    /// Every refund of a PaymentIntent, whoever made it: the till, or someone at Stripe.
    fn refunds_of(&self, intent: &str) -> GatewayResult<Vec<Refund>>;
    /// The refunds of any PaymentIntent created at or after `since` (Unix seconds).
    fn refunds_since(&self, since: i64) -> GatewayResult<Vec<Refund>>;
    /// A card holder's dispute, as Stripe has it now.
    fn dispute(&self, id: &str) -> GatewayResult<Dispute>;

    fn create_customer(&self, name: &str, email: Option<&str>) -> GatewayResult<StripeCustomer>;

    fn readers(&self) -> GatewayResult<Vec<Reader>>;
    fn reader(&self, id: &str) -> GatewayResult<Reader>;
    /// Registers a reader with the code it shows on screen, under a label, at a location.
    fn register_reader(&self, code: &str, label: &str, location: &str) -> GatewayResult<Reader>;
    fn locations(&self) -> GatewayResult<Vec<Location>>;
    fn create_location(&self, display_name: &str, address: &Address) -> GatewayResult<Location>;

    /// Hands the PaymentIntent to the reader, which asks for the card.
    fn process_intent(
        &self,
        reader: &str,
        intent: &str,
        idempotency_key: &str,
    ) -> GatewayResult<Reader>;
    /// Stops whatever the reader is doing (the cashier cancels, or the wait timed out).
    fn cancel_action(&self, reader: &str) -> GatewayResult<Reader>;
    /// Test mode and demo only: a simulated reader is given a test card.
    fn present_card(&self, reader: &str, card: TestCard) -> GatewayResult<Reader>;

    /// A cheap authenticated request (for the setup doctor): reachable, key accepted, server time.
    fn ping(&self) -> GatewayResult<Ping>;
}

/// A location's address (Stripe requires at least the country).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Address {
    pub line1: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: String,
}
