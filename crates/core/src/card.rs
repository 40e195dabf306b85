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
    /// The issuer's authorisation code, printed on the receipt.
    pub authorization_code: Option<String>,
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
    /// The payment's own (`pending`, `succeeded`, `canceled`): a card try given up stays
    /// `canceled` in its order's history when the order is then paid another way.
    pub payment_status: String,
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
    /// When a till following the relay tries again after a pull that failed or left an event
    /// for later.
    pub retry_at: Option<String>,
    /// Events set aside for a manager: they could not be applied.
    pub needs_attention: i64,
}

/// Where a Stripe event the till could not apply stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AttentionState {
    /// Tried again on the next pulls; the events behind it wait.
    Trying,
    /// Set aside for a manager; the events behind it were applied.
    SetAside,
    /// A manager retried it and it went through.
    Applied,
    /// A manager dismissed it, with a reason.
    Dismissed,
}

impl AttentionState {
    pub fn as_str(&self) -> &'static str {
        match self {
            AttentionState::Trying => "trying",
            AttentionState::SetAside => "set_aside",
            AttentionState::Applied => "applied",
            AttentionState::Dismissed => "dismissed",
        }
    }

    pub fn parse(s: &str) -> Option<AttentionState> {
        [
            AttentionState::Trying,
            AttentionState::SetAside,
            AttentionState::Applied,
            AttentionState::Dismissed,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
    }
}

/// A Stripe event the till could not apply, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct EventNeedingAttention {
    pub event_id: String,
    /// Stripe's event type, as the relay filed it.
    pub kind: String,
    pub reason: String,
    pub tries: i64,
    pub state: AttentionState,
    pub first_at: String,
    pub last_at: String,
}

/// A Stripe event from the relay that could not be applied, as the pull found it.
#[derive(Clone, Debug)]
pub struct FailedEvent<'a> {
    pub event_id: &'a str,
    /// The relay's cursor of the event.
    pub cursor: i64,
    pub kind: &'a str,
    /// The event as the relay sent it.
    pub payload: &'a str,
    pub reason: &'a str,
    /// It can never be applied (unreadable, no id or type): set aside at once.
    pub hopeless: bool,
}
