//! The till's records of card payments as the card flow reads and writes them: a card sale
//! waiting for its card, what Stripe charged, a refund going back to cards, a card payment found
//! by its PaymentIntent, and where the till is in the relay's stream of Stripe's events. Plain
//! data: the store keeps them, the card flow (`versapos-payments`) works on them.

use crate::GatewayMode;
use serde::Serialize;
use ts_rs::TS;

/// A card sale written and waiting for its card: what the card flow needs to take the payment.
#[derive(Clone, Debug, Serialize, TS)]
pub struct PendingCard {
    pub order_id: String,
    pub receipt: String,
    /// The card payment's id: the Stripe idempotency key and `metadata[payment_id]`.
    pub payment_id: String,
    pub till_id: String,
    /// What the card is asked for, in minor units.
    pub amount: i64,
    pub currency: String,
    /// The PaymentIntent, once one was created for it.
    pub intent_id: Option<String>,
    pub reader_id: Option<String>,
    pub created_at: String,
}

/// The card payment as Stripe settled it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardCharge {
    pub intent_id: String,
    pub mode: GatewayMode,
    pub brand: Option<String>,
    pub last4: Option<String>,
}

/// A refund whose card part Stripe is being asked for: written, not yet committed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct PendingRefund {
    /// The id the refund gets once committed.
    pub refund_id: String,
    pub order_id: String,
    pub receipt: String,
    pub till_id: String,
    /// One part per card payment that gives money back; empty when no card is involved.
    pub parts: Vec<CardRefundPart>,
}

/// What one card payment gives back through Stripe.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct CardRefundPart {
    /// The `card_refunds` row id: the Stripe idempotency key of this refund.
    pub key: String,
    pub payment_id: String,
    pub intent_id: String,
    pub amount: i64,
}

/// A card payment of this till, found by its PaymentIntent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct CardPaymentRef {
    pub payment_id: String,
    pub order_id: String,
    pub receipt: String,
    /// The order's status (`payment_pending`, `paid`, …).
    pub order_status: String,
    pub amount: i64,
    pub disputed: bool,
}

/// Where the till is in the relay's stream, and how the last pull went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct SyncState {
    /// The relay's cursor of the last event the till moved over.
    pub cursor: i64,
    /// When the relay received that event.
    pub last_event_at: Option<String>,
    pub last_pull_at: Option<String>,
    /// The last pull's problem; None once a pull goes through.
    pub last_error: Option<String>,
    /// How many Stripe events the till has dealt with.
    pub applied_events: i64,
    /// How many events the relay still held for the till after its last pull.
    pub backlog: i64,
}
