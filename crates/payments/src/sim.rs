//! A simulated Stripe: PaymentIntents, refunds, customers and Terminal (locations, readers and
//! the server-driven reader flow), held in memory.
//!
//! It behaves like Stripe's test mode with simulated readers: a PaymentIntent handed to a reader
//! waits for a card; a test card approves it (`requires_capture`) or declines it (the reader
//! action fails with `card_declined`, the decline goes into `last_payment_error`, and the same
//! PaymentIntent can be processed again). It does no I/O and reads no clock: the caller sets the
//! time with [`Simulator::set_now`]. Demo mode ([`crate::demo::DemoGateway`]) and the in-repo fake
//! Stripe server both drive it.

use std::collections::{BTreeMap, HashMap};

use crate::gateway::{
    ActionStatus, Address, Channel, Decline, Dispute, DisputeStatus, GatewayError, GatewayResult,
    Intent, IntentRequest, IntentStatus, Location, Reader, ReaderAction, ReaderStatus, Refund,
    RefundStatus, StripeCustomer, TestCard,
};

/// The registration code that registers a new simulated reader (as in Stripe's test mode).
pub const SIMULATED_REGISTRATION_CODE: &str = "simulated-wpe";
/// The device type of a simulated WisePOS E.
pub const SIMULATED_DEVICE_TYPE: &str = "simulated_wisepos_e";

/// How a PaymentIntent is captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaptureMethod {
    Automatic,
    Manual,
}

impl CaptureMethod {
    pub fn parse(s: &str) -> Option<CaptureMethod> {
        match s {
            "automatic" | "automatic_async" => Some(CaptureMethod::Automatic),
            "manual" => Some(CaptureMethod::Manual),
            _ => None,
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            CaptureMethod::Automatic => "automatic",
            CaptureMethod::Manual => "manual",
        }
    }
}

/// The parameters of a PaymentIntent to create, already parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewIntent {
    pub amount: i64,
    pub currency: String,
    pub capture_method: CaptureMethod,
    /// `card_present`, `card`, …
    pub payment_method_types: Vec<String>,
    pub metadata: BTreeMap<String, String>,
    pub description: Option<String>,
    pub customer: Option<String>,
}

impl NewIntent {
    /// The PaymentIntent the till asks for: manual capture, `card_present` on a reader or `card`
    /// for a keyed phone order, the till's ids in the metadata.
    pub fn from_request(req: &IntentRequest) -> NewIntent {
        let kind = match req.channel {
            Channel::CardPresent => "card_present",
            Channel::Keyed => "card",
        };
        let mut metadata = BTreeMap::new();
        metadata.insert("payment_id".to_string(), req.payment_id.clone());
        metadata.insert("order_id".to_string(), req.order_id.clone());
        metadata.insert("till_id".to_string(), req.till_id.clone());
        NewIntent {
            amount: req.amount,
            currency: req.currency.to_ascii_lowercase(),
            capture_method: CaptureMethod::Manual,
            payment_method_types: vec![kind.to_string()],
            metadata,
            description: Some(req.receipt.clone()),
            customer: req.customer.clone(),
        }
    }
}

/// A simulated issuer's authorisation code: six digits, the same for the same PaymentIntent.
fn authorization_code(intent_id: &str) -> String {
    let n = intent_id
        .bytes()
        .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    format!("{:06}", n % 1_000_000)
}

/// The card that paid (or tried to pay) a PaymentIntent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimCard {
    /// `card_present` (on a reader) or `card` (keyed).
    pub kind: String,
    pub brand: String,
    pub last4: String,
    pub exp_month: i64,
    pub exp_year: i64,
    pub funding: String,
    /// The issuer's authorisation code on a card-present charge's receipt.
    pub authorization_code: Option<String>,
}

/// A PaymentIntent with everything Stripe shows of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimIntent {
    pub id: String,
    pub client_secret: String,
    pub amount: i64,
    pub amount_capturable: i64,
    pub amount_received: i64,
    pub currency: String,
    pub status: IntentStatus,
    pub capture_method: CaptureMethod,
    pub payment_method_types: Vec<String>,
    pub metadata: BTreeMap<String, String>,
    pub description: Option<String>,
    pub customer: Option<String>,
    pub created: i64,
    pub canceled_at: Option<i64>,
    pub cancellation_reason: Option<String>,
    pub last_error: Option<Decline>,
    /// The PaymentMethod of the last attempt (`pm_…`) and its card.
    pub payment_method: Option<String>,
    pub card: Option<SimCard>,
    /// The charge of the successful attempt (`ch_…`).
    pub latest_charge: Option<String>,
    /// When the charge was made.
    pub charged_at: Option<i64>,
    /// How much of the charge was refunded.
    pub amount_refunded: i64,
}

impl SimIntent {
    /// The till's view of it.
    pub fn to_intent(&self) -> Intent {
        Intent {
            id: self.id.clone(),
            status: self.status,
            amount: self.amount,
            amount_capturable: self.amount_capturable,
            amount_received: self.amount_received,
            currency: self.currency.clone(),
            last_error: self.last_error.clone(),
            payment_id: self.metadata.get("payment_id").cloned(),
            order_id: self.metadata.get("order_id").cloned(),
            till_id: self.metadata.get("till_id").cloned(),
            card_brand: self.card.as_ref().map(|c| c.brand.clone()),
            card_last4: self.card.as_ref().map(|c| c.last4.clone()),
            card_authorization: self
                .card
                .as_ref()
                .and_then(|c| c.authorization_code.clone()),
        }
    }
}

/// A refund with everything Stripe shows of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimRefund {
    pub id: String,
    pub intent: String,
    pub charge: Option<String>,
    pub amount: i64,
    pub currency: String,
    pub status: RefundStatus,
    pub metadata: BTreeMap<String, String>,
    pub reason: Option<String>,
    pub created: i64,
}

impl SimRefund {
    pub fn to_refund(&self) -> Refund {
        Refund {
            id: self.id.clone(),
            intent: Some(self.intent.clone()),
            amount: self.amount,
            status: self.status,
            refund_key: self.metadata.get("refund_key").cloned(),
            created: self.created,
        }
    }
}

/// A customer with everything Stripe shows of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimCustomer {
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub metadata: BTreeMap<String, String>,
    pub created: i64,
}

impl SimCustomer {
    pub fn to_customer(&self) -> StripeCustomer {
        StripeCustomer {
            id: self.id.clone(),
            name: self.name.clone(),
            email: self.email.clone(),
        }
    }
}

/// A Terminal location and its address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimLocation {
    pub location: Location,
    pub address: Address,
}

/// Why a card is refused, as Stripe words it.
fn decline_for(card: TestCard) -> Option<Decline> {
    let (code, decline_code, message) = match card {
        TestCard::Approved => return None,
        TestCard::Declined => (
            "card_declined",
            "generic_decline",
            "Your card was declined.",
        ),
        TestCard::InsufficientFunds => (
            "card_declined",
            "insufficient_funds",
            "Your card has insufficient funds.",
        ),
        TestCard::LostCard => ("card_declined", "lost_card", "Your card was declined."),
        TestCard::Expired => ("expired_card", "expired_card", "Your card has expired."),
    };
    Some(Decline {
        code: Some(code.to_string()),
        decline_code: Some(decline_code.to_string()),
        message: message.to_string(),
    })
}

/// What a keyed test PaymentMethod (`pm_card_…`) does when confirmed: the card, or its decline.
fn keyed_test_method(pm: &str) -> Option<(Option<TestCard>, &'static str, &'static str)> {
    Some(match pm {
        "pm_card_visa" => (Some(TestCard::Approved), "visa", "4242"),
        "pm_card_mastercard" => (Some(TestCard::Approved), "mastercard", "4444"),
        "pm_card_chargeDeclined" | "pm_card_chargeCustomerFail" => {
            (Some(TestCard::Declined), "visa", "0002")
        }
        "pm_card_chargeDeclinedInsufficientFunds" => {
            (Some(TestCard::InsufficientFunds), "visa", "9995")
        }
        "pm_card_chargeDeclinedLostCard" => (Some(TestCard::LostCard), "visa", "9987"),
        "pm_card_chargeDeclinedExpiredCard" => (Some(TestCard::Expired), "visa", "0069"),
        _ => return None,
    })
}

fn rejected(status: u16, code: &str, message: impl Into<String>) -> GatewayError {
    GatewayError::Rejected {
        status,
        code: Some(code.to_string()),
        message: message.into(),
    }
}

fn unexpected_state(intent: &SimIntent, wanted: &str) -> GatewayError {
    rejected(
        400,
        "payment_intent_unexpected_state",
        format!(
            "This PaymentIntent's status is {}; it must be {wanted} for this action.",
            intent.status.as_str()
        ),
    )
}

/// What an idempotency key was first used for.
#[derive(Clone, Debug)]
struct KeyUse {
    fingerprint: String,
    object: String,
}

/// The simulated Stripe account (test mode). See the module docs.
#[derive(Debug)]
pub struct Simulator {
    now: i64,
    counter: u64,
    rng: u64,
    intents: BTreeMap<String, SimIntent>,
    intent_order: Vec<String>,
    refunds: BTreeMap<String, SimRefund>,
    disputes: BTreeMap<String, Dispute>,
    customers: BTreeMap<String, SimCustomer>,
    customer_order: Vec<String>,
    locations: Vec<SimLocation>,
    readers: Vec<Reader>,
    keys: HashMap<String, KeyUse>,
}

impl Simulator {
    /// A fresh account with one location ("Default location", US) and one online simulated
    /// WisePOS E registered there. `seed` drives the random part of the ids.
    pub fn new(seed: u64) -> Simulator {
        let mut sim = Simulator {
            now: 0,
            counter: 0,
            // xorshift must not start at zero.
            rng: seed | 1,
            intents: BTreeMap::new(),
            intent_order: Vec::new(),
            refunds: BTreeMap::new(),
            disputes: BTreeMap::new(),
            customers: BTreeMap::new(),
            customer_order: Vec::new(),
            locations: Vec::new(),
            readers: Vec::new(),
            keys: HashMap::new(),
        };
        let address = Address {
            line1: Some("1 Market Street".to_string()),
            city: Some("San Francisco".to_string()),
            postal_code: Some("94105".to_string()),
            country: "US".to_string(),
        };
        let location = sim.add_location("Default location", address);
        sim.add_simulated_reader("Simulated WisePOS E", &location);
        sim
    }

    /// Sets the clock (Unix seconds) used for `created` and `canceled_at`.
    pub fn set_now(&mut self, unix_seconds: i64) {
        self.now = unix_seconds;
    }

    pub fn now(&self) -> i64 {
        self.now
    }

    fn next_random(&mut self) -> u64 {
        let mut x = self.rng;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rng = x;
        x
    }

    /// A Stripe-looking id: prefix, a counter (so ids sort by creation) and a random suffix.
    fn new_id(&mut self, prefix: &str) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        self.counter += 1;
        let mut suffix = String::with_capacity(14);
        let mut r = self.next_random();
        for _ in 0..14 {
            let i = (r % ALPHABET.len() as u64) as usize;
            suffix.push(char::from(ALPHABET[i]));
            r /= ALPHABET.len() as u64;
        }
        format!("{prefix}_{:06}{suffix}", self.counter)
    }

    /// Looks up an idempotency key: `Ok(Some(id))` when it was used with the same parameters,
    /// `Ok(None)` when it is new, an error when it was used with other parameters.
    fn key_use(&self, scope: &str, key: &str, fingerprint: &str) -> GatewayResult<Option<String>> {
        match self.keys.get(&format!("{scope}:{key}")) {
            None => Ok(None),
            Some(used) if used.fingerprint == fingerprint => Ok(Some(used.object.clone())),
            Some(_) => Err(rejected(
                400,
                "idempotency_key_in_use",
                format!(
                    "Keys for idempotent requests can only be used with the same parameters they \
                     were first used with; {key} was used with other parameters."
                ),
            )),
        }
    }

    fn remember_key(&mut self, scope: &str, key: &str, fingerprint: String, object: &str) {
        self.keys.insert(
            format!("{scope}:{key}"),
            KeyUse {
                fingerprint,
                object: object.to_string(),
            },
        );
    }

    // ---- PaymentIntents -------------------------------------------------------------------

    /// Creates a PaymentIntent (`requires_payment_method`). With an idempotency key, the same key
    /// and the same parameters give back the same PaymentIntent; other parameters are refused.
    pub fn create_intent(
        &mut self,
        idempotency_key: Option<&str>,
        new: &NewIntent,
    ) -> GatewayResult<SimIntent> {
        let fingerprint = format!("{new:?}");
        if let Some(key) = idempotency_key {
            if let Some(id) = self.key_use("intent", key, &fingerprint)? {
                return self.intent(&id);
            }
        }
        if new.amount < 1 {
            return Err(rejected(
                400,
                "amount_too_small",
                format!("amount must be at least 1 minor unit, not {}", new.amount),
            ));
        }
        if new.currency.len() != 3 || !new.currency.chars().all(|c| c.is_ascii_lowercase()) {
            return Err(rejected(
                400,
                "parameter_invalid_string",
                format!("Invalid currency: {}", new.currency),
            ));
        }
        if new.payment_method_types.is_empty() {
            return Err(rejected(
                400,
                "parameter_missing",
                "allowed_payment_method_types must name at least one payment method type",
            ));
        }
        if let Some(t) = new
            .payment_method_types
            .iter()
            .find(|t| t.as_str() != "card" && t.as_str() != "card_present")
        {
            return Err(rejected(
                400,
                "payment_method_type_not_supported",
                format!("The payment method type {t} is not supported here."),
            ));
        }
        if let Some(customer) = &new.customer {
            if !self.customers.contains_key(customer) {
                return Err(rejected(
                    400,
                    "resource_missing",
                    format!("No such customer: '{customer}'"),
                ));
            }
        }
        let id = self.new_id("pi");
        let secret = self.new_id("secret");
        let intent = SimIntent {
            client_secret: format!("{id}_{secret}"),
            id: id.clone(),
            amount: new.amount,
            amount_capturable: 0,
            amount_received: 0,
            currency: new.currency.clone(),
            status: IntentStatus::RequiresPaymentMethod,
            capture_method: new.capture_method,
            payment_method_types: new.payment_method_types.clone(),
            metadata: new.metadata.clone(),
            description: new.description.clone(),
            customer: new.customer.clone(),
            created: self.now,
            canceled_at: None,
            cancellation_reason: None,
            last_error: None,
            payment_method: None,
            card: None,
            latest_charge: None,
            charged_at: None,
            amount_refunded: 0,
        };
        self.intents.insert(id.clone(), intent.clone());
        self.intent_order.push(id.clone());
        if let Some(key) = idempotency_key {
            self.remember_key("intent", key, fingerprint, &id);
        }
        Ok(intent)
    }

    pub fn intent(&self, id: &str) -> GatewayResult<SimIntent> {
        self.intents
            .get(id)
            .cloned()
            .ok_or_else(|| GatewayError::NotFound(format!("PaymentIntent {id}")))
    }

    /// All PaymentIntents, oldest first.
    pub fn intents(&self) -> Vec<SimIntent> {
        self.intent_order
            .iter()
            .filter_map(|id| self.intents.get(id).cloned())
            .collect()
    }

    fn intent_mut(&mut self, id: &str) -> GatewayResult<&mut SimIntent> {
        self.intents
            .get_mut(id)
            .ok_or_else(|| GatewayError::NotFound(format!("PaymentIntent {id}")))
    }

    /// Applies a card to a PaymentIntent waiting for one: authorised (or paid, with automatic
    /// capture), or declined and back to `requires_payment_method` with the decline recorded.
    fn charge_card(
        &mut self,
        id: &str,
        card: SimCard,
        outcome: Option<Decline>,
    ) -> GatewayResult<()> {
        let pm = self.new_id("pm");
        let charge = self.new_id("ch");
        let now = self.now;
        let intent = self.intent_mut(id)?;
        intent.payment_method = Some(pm);
        intent.card = Some(card);
        match outcome {
            Some(decline) => {
                intent.status = IntentStatus::RequiresPaymentMethod;
                intent.last_error = Some(decline);
            }
            None => {
                intent.last_error = None;
                intent.latest_charge = Some(charge);
                intent.charged_at = Some(now);
                match intent.capture_method {
                    CaptureMethod::Manual => {
                        intent.status = IntentStatus::RequiresCapture;
                        intent.amount_capturable = intent.amount;
                    }
                    CaptureMethod::Automatic => {
                        intent.status = IntentStatus::Succeeded;
                        intent.amount_received = intent.amount;
                    }
                }
            }
        }
        Ok(())
    }

    /// Updates a PaymentIntent not yet paid: attaches a keyed test PaymentMethod (the intent
    /// then `requires_confirmation`), merges metadata (an empty value removes a key), sets the
    /// description.
    pub fn update_intent(
        &mut self,
        id: &str,
        payment_method: Option<&str>,
        metadata: &BTreeMap<String, String>,
        description: Option<&str>,
    ) -> GatewayResult<SimIntent> {
        let current = self.intent(id)?;
        if let Some(pm) = payment_method {
            if !matches!(
                current.status,
                IntentStatus::RequiresPaymentMethod | IntentStatus::RequiresConfirmation
            ) {
                return Err(unexpected_state(&current, "requires_payment_method"));
            }
            if keyed_test_method(pm).is_none() {
                return Err(rejected(
                    400,
                    "resource_missing",
                    format!("No such PaymentMethod: '{pm}'"),
                ));
            }
        }
        let intent = self.intent_mut(id)?;
        if let Some(pm) = payment_method {
            intent.payment_method = Some(pm.to_string());
            intent.status = IntentStatus::RequiresConfirmation;
        }
        for (k, v) in metadata {
            if v.is_empty() {
                intent.metadata.remove(k);
            } else {
                intent.metadata.insert(k.clone(), v.clone());
            }
        }
        if let Some(d) = description {
            intent.description = Some(d.to_string());
        }
        self.intent(id)
    }

    /// Confirms a keyed PaymentIntent with a test PaymentMethod (`pm_card_visa`,
    /// `pm_card_chargeDeclined`, `pm_card_chargeDeclinedInsufficientFunds`, …), given here or
    /// attached before by [`Simulator::update_intent`]. A decline is returned as
    /// [`GatewayError::Declined`] and leaves the PaymentIntent waiting for another card.
    pub fn confirm_intent(
        &mut self,
        id: &str,
        payment_method: Option<&str>,
    ) -> GatewayResult<SimIntent> {
        let intent = self.intent(id)?;
        let attached = intent.payment_method.clone();
        let Some(payment_method) = payment_method.or(attached.as_deref()) else {
            return Err(rejected(
                400,
                "payment_intent_unexpected_state",
                format!("PaymentIntent {id} has no PaymentMethod to confirm with."),
            ));
        };
        if !matches!(
            intent.status,
            IntentStatus::RequiresPaymentMethod | IntentStatus::RequiresConfirmation
        ) {
            return Err(unexpected_state(&intent, "requires_payment_method"));
        }
        if !intent.payment_method_types.iter().any(|t| t == "card") {
            return Err(rejected(
                400,
                "payment_intent_incompatible_payment_method",
                format!("PaymentIntent {id} does not allow keyed card payments."),
            ));
        }
        let Some((card, brand, last4)) = keyed_test_method(payment_method) else {
            return Err(rejected(
                400,
                "resource_missing",
                format!("No such PaymentMethod: '{payment_method}'"),
            ));
        };
        let decline = card.and_then(decline_for);
        let sim_card = SimCard {
            kind: "card".to_string(),
            brand: brand.to_string(),
            last4: last4.to_string(),
            exp_month: 12,
            exp_year: 2034,
            funding: "credit".to_string(),
            authorization_code: None,
        };
        self.charge_card(id, sim_card, decline.clone())?;
        match decline {
            Some(d) => Err(GatewayError::Declined(d)),
            None => self.intent(id),
        }
    }

    /// Captures an authorised PaymentIntent (all of it, or `amount` of it). With an idempotency
    /// key, a repeat gives back the captured PaymentIntent instead of an error.
    pub fn capture_intent(
        &mut self,
        id: &str,
        amount: Option<i64>,
        idempotency_key: Option<&str>,
    ) -> GatewayResult<SimIntent> {
        let fingerprint = format!("{id}:{amount:?}");
        if let Some(key) = idempotency_key {
            if let Some(done) = self.key_use("capture", key, &fingerprint)? {
                return self.intent(&done);
            }
        }
        let intent = self.intent(id)?;
        if intent.status != IntentStatus::RequiresCapture {
            return Err(unexpected_state(&intent, "requires_capture"));
        }
        let amount = amount.unwrap_or(intent.amount_capturable);
        if amount < 1 || amount > intent.amount_capturable {
            return Err(rejected(
                400,
                "amount_too_large",
                format!(
                    "The amount to capture ({amount}) must be between 1 and the amount capturable ({}).",
                    intent.amount_capturable
                ),
            ));
        }
        let intent = self.intent_mut(id)?;
        intent.status = IntentStatus::Succeeded;
        intent.amount_received = amount;
        intent.amount_capturable = 0;
        if let Some(key) = idempotency_key {
            self.remember_key("capture", key, fingerprint, id);
        }
        self.intent(id)
    }

    /// Cancels a PaymentIntent that was not captured. A reader still waiting for a card for it
    /// stops (its action fails).
    pub fn cancel_intent(&mut self, id: &str, reason: Option<&str>) -> GatewayResult<SimIntent> {
        let intent = self.intent(id)?;
        if matches!(
            intent.status,
            IntentStatus::Succeeded | IntentStatus::Canceled
        ) {
            return Err(unexpected_state(
                &intent,
                "requires_payment_method, requires_capture, requires_confirmation, requires_action or processing",
            ));
        }
        let now = self.now;
        let intent = self.intent_mut(id)?;
        intent.status = IntentStatus::Canceled;
        intent.amount_capturable = 0;
        intent.canceled_at = Some(now);
        intent.cancellation_reason = reason.map(str::to_string);
        for reader in &mut self.readers {
            if let Some(action) = &mut reader.action {
                if action.status == ActionStatus::InProgress && action.intent.as_deref() == Some(id)
                {
                    action.status = ActionStatus::Failed;
                    action.failure_code = Some("payment_intent_canceled".to_string());
                    action.failure_message = Some("The PaymentIntent was canceled.".to_string());
                }
            }
        }
        self.intent(id)
    }

    // ---- Refunds --------------------------------------------------------------------------

    /// Refunds (part of) a paid PaymentIntent: `amount` defaults to what is left to refund, and
    /// may not be more than that. Idempotent by key.
    pub fn create_refund(
        &mut self,
        idempotency_key: Option<&str>,
        intent_id: &str,
        amount: Option<i64>,
        metadata: &BTreeMap<String, String>,
        reason: Option<&str>,
    ) -> GatewayResult<SimRefund> {
        let fingerprint = format!("{intent_id}:{amount:?}:{metadata:?}:{reason:?}");
        if let Some(key) = idempotency_key {
            if let Some(id) = self.key_use("refund", key, &fingerprint)? {
                return self.refund(&id);
            }
        }
        let intent = self.intents.get(intent_id).cloned().ok_or_else(|| {
            rejected(
                400,
                "resource_missing",
                format!("No such payment_intent: '{intent_id}'"),
            )
        })?;
        if intent.status != IntentStatus::Succeeded {
            return Err(rejected(
                400,
                "charge_not_refundable",
                format!(
                    "PaymentIntent {intent_id} is {} and has nothing to refund; cancel it instead.",
                    intent.status.as_str()
                ),
            ));
        }
        let left = intent.amount_received - intent.amount_refunded;
        if left == 0 {
            return Err(rejected(
                400,
                "charge_already_refunded",
                format!("PaymentIntent {intent_id} has already been refunded in full."),
            ));
        }
        let amount = amount.unwrap_or(left);
        if amount < 1 {
            return Err(rejected(
                400,
                "parameter_invalid_integer",
                format!("The refund amount must be at least 1, not {amount}."),
            ));
        }
        if amount > left {
            return Err(rejected(
                400,
                "amount_too_large",
                format!(
                    "Refund amount ({amount}) is greater than unrefunded amount on charge ({left})"
                ),
            ));
        }
        let id = self.new_id("re");
        let refund = SimRefund {
            id: id.clone(),
            intent: intent_id.to_string(),
            charge: intent.latest_charge.clone(),
            amount,
            currency: intent.currency.clone(),
            status: RefundStatus::Succeeded,
            metadata: metadata.clone(),
            reason: reason.map(str::to_string),
            created: self.now,
        };
        self.intent_mut(intent_id)?.amount_refunded += amount;
        self.refunds.insert(id.clone(), refund.clone());
        if let Some(key) = idempotency_key {
            self.remember_key("refund", key, fingerprint, &id);
        }
        Ok(refund)
    }

    /// A card holder disputes a paid PaymentIntent with their bank: a dispute of the amount
    /// received, open (`needs_response`).
    pub fn create_dispute(&mut self, intent_id: &str, reason: &str) -> GatewayResult<Dispute> {
        let intent = self.intent(intent_id)?;
        if intent.amount_received == 0 {
            return Err(GatewayError::NotFound(format!(
                "a charge of PaymentIntent {intent_id}"
            )));
        }
        let dispute = Dispute {
            id: self.new_id("dp"),
            intent: Some(intent_id.to_string()),
            amount: intent.amount_received,
            status: DisputeStatus::Open,
            reason: Some(reason.to_string()),
        };
        self.disputes.insert(dispute.id.clone(), dispute.clone());
        Ok(dispute)
    }

    /// Closes a dispute, won or lost.
    pub fn close_dispute(&mut self, id: &str, status: DisputeStatus) -> GatewayResult<Dispute> {
        let dispute = self
            .disputes
            .get_mut(id)
            .ok_or_else(|| GatewayError::NotFound(format!("dispute {id}")))?;
        dispute.status = status;
        Ok(dispute.clone())
    }

    pub fn dispute(&self, id: &str) -> GatewayResult<Dispute> {
        self.disputes
            .get(id)
            .cloned()
            .ok_or_else(|| GatewayError::NotFound(format!("dispute {id}")))
    }

    /// Every refund, newest first (as Stripe lists them), of `intent` when given.
    pub fn refunds(&self, intent: Option<&str>) -> Vec<SimRefund> {
        let mut all: Vec<SimRefund> = self
            .refunds
            .values()
            .filter(|r| intent.is_none_or(|i| r.intent == i))
            .cloned()
            .collect();
        all.sort_by(|a, b| b.created.cmp(&a.created).then(b.id.cmp(&a.id)));
        all
    }

    pub fn refund(&self, id: &str) -> GatewayResult<SimRefund> {
        self.refunds
            .get(id)
            .cloned()
            .ok_or_else(|| GatewayError::NotFound(format!("refund {id}")))
    }

    /// The PaymentIntent whose charge is `charge` (`ch_…`).
    pub fn intent_of_charge(&self, charge: &str) -> Option<String> {
        self.intents
            .values()
            .find(|i| i.latest_charge.as_deref() == Some(charge))
            .map(|i| i.id.clone())
    }

    // ---- Customers ------------------------------------------------------------------------

    pub fn create_customer(
        &mut self,
        name: Option<&str>,
        email: Option<&str>,
        metadata: &BTreeMap<String, String>,
    ) -> GatewayResult<SimCustomer> {
        if let Some(email) = email {
            if !email.contains('@') {
                return Err(rejected(
                    400,
                    "email_invalid",
                    format!("Invalid email address: {email}"),
                ));
            }
        }
        let id = self.new_id("cus");
        let customer = SimCustomer {
            id: id.clone(),
            name: name.map(str::to_string),
            email: email.map(str::to_string),
            metadata: metadata.clone(),
            created: self.now,
        };
        self.customers.insert(id.clone(), customer.clone());
        self.customer_order.push(id);
        Ok(customer)
    }

    pub fn customer(&self, id: &str) -> GatewayResult<SimCustomer> {
        self.customers
            .get(id)
            .cloned()
            .ok_or_else(|| GatewayError::NotFound(format!("customer {id}")))
    }

    /// All customers, oldest first.
    pub fn customers(&self) -> Vec<SimCustomer> {
        self.customer_order
            .iter()
            .filter_map(|id| self.customers.get(id).cloned())
            .collect()
    }

    // ---- Terminal: locations and readers ---------------------------------------------------

    fn add_location(&mut self, display_name: &str, address: Address) -> String {
        let id = self.new_id("tml");
        self.locations.push(SimLocation {
            location: Location {
                id: id.clone(),
                display_name: display_name.to_string(),
            },
            address,
        });
        id
    }

    fn add_simulated_reader(&mut self, label: &str, location: &str) -> Reader {
        let id = self.new_id("tmr");
        let serial = format!("WPE-SIMULATOR-{}", self.counter);
        let reader = Reader {
            id,
            label: Some(label.to_string()),
            device_type: SIMULATED_DEVICE_TYPE.to_string(),
            serial_number: serial,
            location: Some(location.to_string()),
            status: Some(ReaderStatus::Online),
            action: None,
        };
        self.readers.push(reader.clone());
        reader
    }

    /// All locations, oldest first.
    pub fn locations(&self) -> Vec<SimLocation> {
        self.locations.clone()
    }

    pub fn location(&self, id: &str) -> GatewayResult<SimLocation> {
        self.locations
            .iter()
            .find(|l| l.location.id == id)
            .cloned()
            .ok_or_else(|| GatewayError::NotFound(format!("location {id}")))
    }

    /// Creates a location; the display name and the address's country are required.
    pub fn create_location(
        &mut self,
        display_name: &str,
        address: &Address,
    ) -> GatewayResult<SimLocation> {
        if display_name.trim().is_empty() {
            return Err(rejected(
                400,
                "parameter_missing",
                "Missing required param: display_name.",
            ));
        }
        let country = address.country.trim();
        if country.len() != 2 || !country.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(rejected(
                400,
                "parameter_invalid_string",
                format!("address[country] must be a two-letter country code, not '{country}'"),
            ));
        }
        let mut address = address.clone();
        address.country = country.to_ascii_uppercase();
        let id = self.add_location(display_name, address);
        self.location(&id)
    }

    /// All readers, oldest first.
    pub fn readers(&self) -> Vec<Reader> {
        self.readers.clone()
    }

    pub fn reader(&self, id: &str) -> GatewayResult<Reader> {
        self.readers
            .iter()
            .find(|r| r.id == id)
            .cloned()
            .ok_or_else(|| GatewayError::NotFound(format!("reader {id}")))
    }

    fn reader_mut(&mut self, id: &str) -> GatewayResult<&mut Reader> {
        self.readers
            .iter_mut()
            .find(|r| r.id == id)
            .ok_or_else(|| GatewayError::NotFound(format!("reader {id}")))
    }

    /// Registers a reader by the code it shows. Only [`SIMULATED_REGISTRATION_CODE`] is known
    /// here: it makes a new simulated reader.
    pub fn register_reader(
        &mut self,
        code: &str,
        label: &str,
        location: &str,
    ) -> GatewayResult<Reader> {
        if !self.locations.iter().any(|l| l.location.id == location) {
            return Err(rejected(
                400,
                "resource_missing",
                format!("No such location: '{location}'"),
            ));
        }
        if code != SIMULATED_REGISTRATION_CODE {
            return Err(rejected(
                400,
                "invalid_registration_code",
                format!("invalid registration code: '{code}'"),
            ));
        }
        let label = if label.trim().is_empty() {
            "Simulated WisePOS E"
        } else {
            label
        };
        Ok(self.add_simulated_reader(label, location))
    }

    /// Renames a reader (the demo till calls its reader "Demo reader").
    pub fn set_reader_label(&mut self, id: &str, label: &str) -> GatewayResult<Reader> {
        let reader = self.reader_mut(id)?;
        reader.label = Some(label.to_string());
        Ok(reader.clone())
    }

    /// Test control: takes a reader off line (or back on line).
    pub fn set_reader_online(&mut self, id: &str, online: bool) -> GatewayResult<Reader> {
        let reader = self.reader_mut(id)?;
        reader.status = Some(if online {
            ReaderStatus::Online
        } else {
            ReaderStatus::Offline
        });
        Ok(reader.clone())
    }

    /// Hands a PaymentIntent to a reader: the reader's action becomes `process_payment_intent`,
    /// in progress, until a card is presented or the action is cancelled. With an idempotency
    /// key, a repeat gives back the reader instead of a busy error.
    pub fn process_intent(
        &mut self,
        reader_id: &str,
        intent_id: &str,
        idempotency_key: Option<&str>,
    ) -> GatewayResult<Reader> {
        let fingerprint = format!("{reader_id}:{intent_id}");
        if let Some(key) = idempotency_key {
            if self.key_use("process", key, &fingerprint)?.is_some() {
                return self.reader(reader_id);
            }
        }
        let reader = self.reader(reader_id)?;
        if reader.status == Some(ReaderStatus::Offline) {
            return Err(rejected(
                400,
                "terminal_reader_offline",
                format!("Reader {reader_id} is currently offline, please ensure the reader is powered on and connected to the internet before retrying your request."),
            ));
        }
        if reader
            .action
            .as_ref()
            .is_some_and(|a| a.status == ActionStatus::InProgress)
        {
            return Err(rejected(
                409,
                "terminal_reader_busy",
                format!("Reader {reader_id} is currently busy processing another request. Please reference the provided documentation for guidance on how to handle this error."),
            ));
        }
        let intent = self.intents.get(intent_id).cloned().ok_or_else(|| {
            rejected(
                400,
                "resource_missing",
                format!("No such payment_intent: '{intent_id}'"),
            )
        })?;
        if intent.status != IntentStatus::RequiresPaymentMethod {
            return Err(unexpected_state(&intent, "requires_payment_method"));
        }
        if !intent
            .payment_method_types
            .iter()
            .any(|t| t == "card_present")
        {
            return Err(rejected(
                400,
                "payment_intent_incompatible_payment_method",
                format!("PaymentIntent {intent_id} does not allow card_present payments."),
            ));
        }
        let reader = self.reader_mut(reader_id)?;
        reader.action = Some(ReaderAction {
            kind: "process_payment_intent".to_string(),
            status: ActionStatus::InProgress,
            failure_code: None,
            failure_message: None,
            intent: Some(intent_id.to_string()),
        });
        let reader = reader.clone();
        if let Some(key) = idempotency_key {
            self.remember_key("process", key, fingerprint, reader_id);
        }
        Ok(reader)
    }

    /// A test card is presented to a simulated reader waiting for one. Approved: the
    /// PaymentIntent is authorised and the action succeeds. Declined: the action fails with
    /// `card_declined`, the PaymentIntent keeps the decline in `last_payment_error` and waits for
    /// another card, so it can be processed again.
    pub fn present_card(&mut self, reader_id: &str, card: TestCard) -> GatewayResult<Reader> {
        let reader = self.reader(reader_id)?;
        if !reader.is_simulated() {
            return Err(rejected(
                400,
                "terminal_reader_not_simulated",
                format!("Reader {reader_id} is not a simulated reader."),
            ));
        }
        let action = reader
            .action
            .as_ref()
            .filter(|a| a.status == ActionStatus::InProgress)
            .cloned()
            .ok_or_else(|| {
                rejected(
                    400,
                    "terminal_reader_action_not_in_progress",
                    format!("Reader {reader_id} is not waiting for a card: it has no action in progress."),
                )
            })?;
        let intent_id = action.intent.clone().ok_or_else(|| {
            rejected(
                400,
                "terminal_reader_action_not_in_progress",
                format!("Reader {reader_id} is not processing a PaymentIntent."),
            )
        })?;
        let decline = decline_for(card);
        let number = card.number();
        let sim_card = SimCard {
            kind: "card_present".to_string(),
            brand: "visa".to_string(),
            last4: number[number.len() - 4..].to_string(),
            exp_month: 12,
            exp_year: if card == TestCard::Expired {
                2020
            } else {
                2034
            },
            funding: "credit".to_string(),
            // Six digits, as issuers give them; one per PaymentIntent.
            authorization_code: decline.is_none().then(|| authorization_code(&intent_id)),
        };
        self.charge_card(&intent_id, sim_card, decline.clone())?;
        let reader = self.reader_mut(reader_id)?;
        if let Some(action) = &mut reader.action {
            match decline {
                None => action.status = ActionStatus::Succeeded,
                Some(d) => {
                    action.status = ActionStatus::Failed;
                    action.failure_code = Some("card_declined".to_string());
                    action.failure_message = Some(d.message);
                }
            }
        }
        Ok(reader.clone())
    }

    /// Stops the reader's action in progress (it fails with `canceled`). The PaymentIntent stays
    /// as it was (waiting for a card) so that it can be processed again or cancelled.
    pub fn cancel_action(&mut self, reader_id: &str) -> GatewayResult<Reader> {
        let reader = self.reader_mut(reader_id)?;
        match &mut reader.action {
            Some(action) if action.status == ActionStatus::InProgress => {
                action.status = ActionStatus::Failed;
                action.failure_code = Some("canceled".to_string());
                action.failure_message = Some("The action was canceled.".to_string());
                Ok(reader.clone())
            }
            _ => Err(rejected(
                400,
                "terminal_reader_action_not_in_progress",
                format!("Reader {reader_id} has no action in progress to cancel."),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(payment_id: &str, amount: i64) -> IntentRequest {
        IntentRequest {
            payment_id: payment_id.to_string(),
            order_id: "ord-1".to_string(),
            till_id: "T1".to_string(),
            receipt: "T1-000001".to_string(),
            amount,
            currency: "EUR".to_string(),
            channel: Channel::CardPresent,
            customer: None,
        }
    }

    fn sim_with_intent(amount: i64) -> (Simulator, String, String) {
        let mut sim = Simulator::new(7);
        let intent = sim
            .create_intent(
                Some("pay-1"),
                &NewIntent::from_request(&request("pay-1", amount)),
            )
            .expect("create the intent");
        let reader = sim.readers()[0].id.clone();
        (sim, reader, intent.id)
    }

    fn rejected_code(err: &GatewayError) -> Option<&str> {
        match err {
            GatewayError::Rejected { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    #[test]
    fn starts_with_one_online_simulated_reader_in_the_default_location() {
        let sim = Simulator::new(1);
        let locations = sim.locations();
        assert_eq!(locations.len(), 1);
        assert!(locations[0].location.id.starts_with("tml_"));
        let readers = sim.readers();
        assert_eq!(readers.len(), 1);
        assert!(readers[0].id.starts_with("tmr_"));
        assert_eq!(readers[0].device_type, SIMULATED_DEVICE_TYPE);
        assert_eq!(readers[0].status, Some(ReaderStatus::Online));
        assert_eq!(
            readers[0].location.as_ref(),
            Some(&locations[0].location.id)
        );
    }

    #[test]
    fn ids_are_unique_and_prefixed() {
        let mut sim = Simulator::new(3);
        let a = sim.new_id("pi");
        let b = sim.new_id("pi");
        assert_ne!(a, b);
        assert!(a.starts_with("pi_") && a.len() > 10, "id {a}");
    }

    #[test]
    fn same_key_and_parameters_give_the_same_intent_other_parameters_are_refused() {
        let (mut sim, _, first) = sim_with_intent(1250);
        let again = sim
            .create_intent(
                Some("pay-1"),
                &NewIntent::from_request(&request("pay-1", 1250)),
            )
            .expect("a retry with the same key");
        assert_eq!(again.id, first);
        assert_eq!(
            sim.intents().len(),
            1,
            "a retry must not create a second intent"
        );
        let clash = sim
            .create_intent(
                Some("pay-1"),
                &NewIntent::from_request(&request("pay-1", 999)),
            )
            .expect_err("same key, other amount");
        assert_eq!(rejected_code(&clash), Some("idempotency_key_in_use"));
    }

    #[test]
    fn intent_keeps_the_till_ids_in_metadata_and_currency_lower_case() {
        let (sim, _, id) = sim_with_intent(500);
        let intent = sim.intent(&id).expect("the intent").to_intent();
        assert_eq!(intent.status, IntentStatus::RequiresPaymentMethod);
        assert_eq!(intent.currency, "eur");
        assert_eq!(intent.payment_id.as_deref(), Some("pay-1"));
        assert_eq!(intent.order_id.as_deref(), Some("ord-1"));
        assert_eq!(intent.till_id.as_deref(), Some("T1"));
    }

    #[test]
    fn approved_card_on_the_reader_then_capture() {
        let (mut sim, reader, id) = sim_with_intent(1250);
        let r = sim
            .process_intent(&reader, &id, Some("proc-1"))
            .expect("process");
        assert_eq!(r.state(), "busy");
        let r = sim
            .present_card(&reader, TestCard::Approved)
            .expect("present");
        let action = r.action.expect("an action");
        assert_eq!(action.status, ActionStatus::Succeeded);
        let intent = sim.intent(&id).expect("intent").to_intent();
        assert_eq!(intent.status, IntentStatus::RequiresCapture);
        assert_eq!(intent.amount_capturable, 1250);
        assert_eq!(intent.card_brand.as_deref(), Some("visa"));
        assert_eq!(intent.card_last4.as_deref(), Some("4242"));
        let captured = sim
            .capture_intent(&id, None, Some("cap-1"))
            .expect("capture");
        assert_eq!(captured.status, IntentStatus::Succeeded);
        assert_eq!(captured.amount_received, 1250);
        assert_eq!(captured.amount_capturable, 0);
        let again = sim
            .capture_intent(&id, None, Some("cap-1"))
            .expect("the same capture again is answered, not refused");
        assert_eq!(again.status, IntentStatus::Succeeded);
        let err = sim
            .capture_intent(&id, None, Some("cap-2"))
            .expect_err("a second capture");
        assert_eq!(rejected_code(&err), Some("payment_intent_unexpected_state"));
    }

    #[test]
    fn each_decline_card_fails_the_action_and_the_same_intent_can_be_retried() {
        for (card, decline_code) in [
            (TestCard::Declined, "generic_decline"),
            (TestCard::InsufficientFunds, "insufficient_funds"),
            (TestCard::LostCard, "lost_card"),
            (TestCard::Expired, "expired_card"),
        ] {
            let (mut sim, reader, id) = sim_with_intent(800);
            sim.process_intent(&reader, &id, None).expect("process");
            let r = sim.present_card(&reader, card).expect("present");
            let action = r.action.expect("an action");
            assert_eq!(action.status, ActionStatus::Failed, "{card:?}");
            assert_eq!(action.failure_code.as_deref(), Some("card_declined"));
            let intent = sim.intent(&id).expect("intent");
            assert_eq!(
                intent.status,
                IntentStatus::RequiresPaymentMethod,
                "{card:?}"
            );
            let error = intent.last_error.expect("the decline is kept");
            assert_eq!(
                error.decline_code.as_deref(),
                Some(decline_code),
                "{card:?}"
            );
            // The same intent goes back to the reader and is paid with another card.
            sim.process_intent(&reader, &id, None)
                .expect("process again");
            sim.present_card(&reader, TestCard::Approved)
                .expect("present");
            let intent = sim.intent(&id).expect("intent");
            assert_eq!(intent.status, IntentStatus::RequiresCapture, "{card:?}");
            assert_eq!(intent.last_error, None);
        }
    }

    #[test]
    fn offline_reader_refuses_and_busy_reader_answers_409() {
        let (mut sim, reader, id) = sim_with_intent(100);
        sim.set_reader_online(&reader, false).expect("offline");
        let err = sim.process_intent(&reader, &id, None).expect_err("offline");
        assert_eq!(rejected_code(&err), Some("terminal_reader_offline"));
        sim.set_reader_online(&reader, true).expect("online");
        sim.process_intent(&reader, &id, None).expect("process");
        let other = sim
            .create_intent(
                Some("pay-2"),
                &NewIntent::from_request(&request("pay-2", 100)),
            )
            .expect("second intent");
        let err = sim
            .process_intent(&reader, &other.id, None)
            .expect_err("busy");
        assert!(
            matches!(err, GatewayError::Rejected { status: 409, .. }),
            "busy must be 409: {err:?}"
        );
        assert_eq!(rejected_code(&err), Some("terminal_reader_busy"));
    }

    #[test]
    fn processing_needs_an_intent_waiting_for_a_card() {
        let (mut sim, reader, id) = sim_with_intent(100);
        sim.cancel_intent(&id, None).expect("cancel");
        let err = sim
            .process_intent(&reader, &id, None)
            .expect_err("canceled intent");
        assert_eq!(rejected_code(&err), Some("payment_intent_unexpected_state"));
        let err = sim
            .process_intent(&reader, "pi_missing", None)
            .expect_err("unknown intent");
        assert_eq!(rejected_code(&err), Some("resource_missing"));
    }

    #[test]
    fn cancel_action_fails_the_action_and_leaves_the_intent_waiting() {
        let (mut sim, reader, id) = sim_with_intent(100);
        let err = sim.cancel_action(&reader).expect_err("nothing to cancel");
        assert_eq!(
            rejected_code(&err),
            Some("terminal_reader_action_not_in_progress")
        );
        sim.process_intent(&reader, &id, None).expect("process");
        let r = sim.cancel_action(&reader).expect("cancel action");
        let action = r.action.clone().expect("an action");
        assert_eq!(action.status, ActionStatus::Failed);
        assert_eq!(action.failure_code.as_deref(), Some("canceled"));
        assert_eq!(r.state(), "online");
        let err = sim
            .present_card(&reader, TestCard::Approved)
            .expect_err("no action in progress");
        assert_eq!(
            rejected_code(&err),
            Some("terminal_reader_action_not_in_progress")
        );
        assert_eq!(
            sim.intent(&id).expect("intent").status,
            IntentStatus::RequiresPaymentMethod
        );
        let canceled = sim
            .cancel_intent(&id, Some("requested_by_customer"))
            .expect("cancel intent");
        assert_eq!(canceled.status, IntentStatus::Canceled);
        assert_eq!(
            canceled.cancellation_reason.as_deref(),
            Some("requested_by_customer")
        );
    }

    #[test]
    fn canceling_the_intent_stops_the_reader() {
        let (mut sim, reader, id) = sim_with_intent(100);
        sim.process_intent(&reader, &id, None).expect("process");
        sim.cancel_intent(&id, None).expect("cancel");
        let r = sim.reader(&reader).expect("reader");
        assert_eq!(r.state(), "online");
    }

    #[test]
    fn keyed_cards_confirm_or_decline() {
        let mut sim = Simulator::new(5);
        let mut req = request("pay-k", 2000);
        req.channel = Channel::Keyed;
        let intent = sim
            .create_intent(Some("pay-k"), &NewIntent::from_request(&req))
            .expect("create");
        let err = sim
            .confirm_intent(&intent.id, Some("pm_card_chargeDeclinedInsufficientFunds"))
            .expect_err("declined");
        match err {
            GatewayError::Declined(d) => {
                assert_eq!(d.decline_code.as_deref(), Some("insufficient_funds"))
            }
            other => panic!("expected a decline, got {other:?}"),
        }
        let err = sim
            .confirm_intent(&intent.id, Some("pm_card_chargeCustomerFail"))
            .expect_err("declined");
        assert!(matches!(err, GatewayError::Declined(_)), "{err:?}");
        let err = sim
            .confirm_intent(&intent.id, Some("pm_nothing"))
            .expect_err("unknown method");
        assert_eq!(rejected_code(&err), Some("resource_missing"));
        let err = sim
            .update_intent(&intent.id, Some("pm_nothing"), &BTreeMap::new(), None)
            .expect_err("unknown method");
        assert_eq!(rejected_code(&err), Some("resource_missing"));
        let attached = sim
            .update_intent(&intent.id, Some("pm_card_visa"), &BTreeMap::new(), None)
            .expect("attach");
        assert_eq!(attached.status, IntentStatus::RequiresConfirmation);
        let ok = sim.confirm_intent(&intent.id, None).expect("approved");
        assert_eq!(ok.status, IntentStatus::RequiresCapture);
        assert_eq!(ok.card.map(|c| c.last4), Some("4242".to_string()));
    }

    #[test]
    fn refunds_up_to_what_is_left_idempotent_by_key() {
        let (mut sim, reader, id) = sim_with_intent(1000);
        let none = BTreeMap::new();
        let err = sim
            .create_refund(Some("r0"), &id, Some(100), &none, None)
            .expect_err("nothing captured yet");
        assert_eq!(rejected_code(&err), Some("charge_not_refundable"));
        sim.process_intent(&reader, &id, None).expect("process");
        sim.present_card(&reader, TestCard::Approved)
            .expect("present");
        sim.capture_intent(&id, None, None).expect("capture");
        let first = sim
            .create_refund(Some("r1"), &id, Some(600), &none, None)
            .expect("partial refund");
        assert_eq!(first.amount, 600);
        assert_eq!(first.status, RefundStatus::Succeeded);
        let replay = sim
            .create_refund(Some("r1"), &id, Some(600), &none, None)
            .expect("replay");
        assert_eq!(replay.id, first.id, "same key, same refund");
        let clash = sim
            .create_refund(Some("r1"), &id, Some(300), &none, None)
            .expect_err("same key other amount");
        assert_eq!(rejected_code(&clash), Some("idempotency_key_in_use"));
        let err = sim
            .create_refund(Some("r2"), &id, Some(401), &none, None)
            .expect_err("more than is left");
        assert_eq!(rejected_code(&err), Some("amount_too_large"));
        let rest = sim
            .create_refund(Some("r3"), &id, None, &none, None)
            .expect("the rest");
        assert_eq!(rest.amount, 400);
        let err = sim
            .create_refund(Some("r4"), &id, None, &none, None)
            .expect_err("all refunded");
        assert_eq!(rejected_code(&err), Some("charge_already_refunded"));
    }

    #[test]
    fn registers_simulated_readers_only_with_the_simulated_code() {
        let mut sim = Simulator::new(9);
        let location = sim
            .create_location(
                "Shop floor",
                &Address {
                    country: "de".to_string(),
                    ..Address::default()
                },
            )
            .expect("location");
        assert_eq!(location.address.country, "DE");
        let err = sim
            .register_reader("apple-pie", "Till 2", &location.location.id)
            .expect_err("bad code");
        assert_eq!(rejected_code(&err), Some("invalid_registration_code"));
        let err = sim
            .register_reader(SIMULATED_REGISTRATION_CODE, "Till 2", "tml_missing")
            .expect_err("bad location");
        assert_eq!(rejected_code(&err), Some("resource_missing"));
        let reader = sim
            .register_reader(SIMULATED_REGISTRATION_CODE, "Till 2", &location.location.id)
            .expect("register");
        assert_eq!(reader.label.as_deref(), Some("Till 2"));
        assert!(reader.is_simulated());
        assert_eq!(sim.readers().len(), 2);
        let err = sim
            .create_location("Nowhere", &Address::default())
            .expect_err("no country");
        assert_eq!(rejected_code(&err), Some("parameter_invalid_string"));
    }

    #[test]
    fn customers_are_kept() {
        let mut sim = Simulator::new(2);
        let c = sim
            .create_customer(Some("Ada"), Some("ada@example.com"), &BTreeMap::new())
            .expect("customer");
        assert!(c.id.starts_with("cus_"));
        assert_eq!(
            sim.customer(&c.id).expect("stored").name.as_deref(),
            Some("Ada")
        );
        let err = sim
            .create_customer(Some("Bob"), Some("not-an-email"), &BTreeMap::new())
            .expect_err("bad email");
        assert_eq!(rejected_code(&err), Some("email_invalid"));
        let mut req = request("pay-c", 100);
        req.customer = Some("cus_missing".to_string());
        let err = sim
            .create_intent(None, &NewIntent::from_request(&req))
            .expect_err("unknown customer");
        assert_eq!(rejected_code(&err), Some("resource_missing"));
    }
}
