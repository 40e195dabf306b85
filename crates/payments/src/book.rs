//! What the card flow reads and writes in the till's records, as a trait the till implements
//! ([`CardBook`]), and how the flow reaches it ([`BookAccess`]): the desktop locks its till only
//! for each short step, so its screen stays live while the reader waits; the CLI holds its till
//! alone. The flow's steps here know Stripe and the reader, never the store behind the till.
//! And the one error of those steps, whichever of the till's records, the gateway or the till's
//! lock failed ([`FlowError`]).

use crate::gateway::GatewayError;
use versapos_core::{
    CardCharge, CardPaymentRef, PendingCard, PendingRefund, RefundRequest, SyncState,
};

/// A problem of the till's records, as the till reported it: its code for the screen and the
/// command line, and the till's own error, kept whole so the till (and a door) gets it back
/// ([`BookError::downcast`], [`FlowError::book_error`]).
#[derive(Debug, thiserror::Error)]
#[error("{error}")]
pub struct BookError {
    code: &'static str,
    error: Box<dyn std::error::Error + Send + Sync>,
}

impl BookError {
    pub fn new(code: &'static str, error: impl std::error::Error + Send + Sync + 'static) -> Self {
        BookError {
            code,
            error: Box::new(error),
        }
    }

    /// The till's code for it (`not_permitted`, `unknown_payment`, …).
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The till's own error, when it is of type `E`.
    pub fn downcast_ref<E: std::error::Error + 'static>(&self) -> Option<&E> {
        self.error.downcast_ref::<E>()
    }

    /// The till's own error, when it is of type `E`; itself otherwise.
    pub fn downcast<E: std::error::Error + 'static>(self) -> Result<E, BookError> {
        match self.error.downcast::<E>() {
            Ok(e) => Ok(*e),
            Err(error) => Err(BookError {
                code: self.code,
                error,
            }),
        }
    }
}

/// The till's records of card payments, as the card flow, reconciliation and sync use them.
pub trait CardBook {
    // Card sales.

    /// A card sale waiting for its card; an error naming the payment when there is none.
    fn pending_card(&self, payment_id: &str) -> Result<PendingCard, BookError>;
    /// A card sale waiting for its card, if this is one.
    fn find_pending_card(&self, payment_id: &str) -> Result<Option<PendingCard>, BookError>;
    /// Card sales still waiting whose outcome no live till process has in hand.
    fn payments_in_doubt(&self) -> Result<Vec<PendingCard>, BookError>;
    /// Whether a live till process is taking this payment or holding it for its cashier.
    fn card_in_hand(&self, payment_id: &str) -> Result<bool, BookError>;
    /// Notes the PaymentIntent made for a card sale (and the reader it was handed to).
    fn record_intent(
        &mut self,
        payment_id: &str,
        intent_id: &str,
        mode: &str,
        reader_id: Option<&str>,
    ) -> Result<(), BookError>;
    /// Notes a decline; the sale keeps waiting for the cashier to retry or give the card up.
    fn record_decline(&mut self, payment_id: &str, decline: Option<&str>) -> Result<(), BookError>;
    /// Books a card sale Stripe took (once: a second settlement of the same payment does
    /// nothing).
    fn complete_card_sale(
        &mut self,
        payment_id: &str,
        charge: &CardCharge,
        parked: Option<i64>,
    ) -> Result<(), BookError>;
    /// Gives a card sale up: the order becomes `payment_failed`.
    fn fail_card_sale(&mut self, payment_id: &str, reason: &str) -> Result<(), BookError>;
    /// A card payment of this till by its id.
    fn card_payment(&self, payment_id: &str) -> Result<Option<CardPaymentRef>, BookError>;
    /// A card payment of this till by its PaymentIntent.
    fn card_payment_by_intent(&self, intent_id: &str) -> Result<Option<CardPaymentRef>, BookError>;
    /// Notes where the card holder's dispute of the payment made on its PaymentIntent stands, as
    /// Stripe has it; a lost one is booked as money taken back at Stripe (once, by the dispute's
    /// id). None when the till has no such payment.
    fn record_dispute(
        &mut self,
        dispute: &crate::gateway::Dispute,
    ) -> Result<Option<DisputeNoted>, BookError>;
    /// The error for a card payment this till does not know.
    fn unknown_payment(&self, payment_id: &str) -> BookError;

    // Refunds.

    /// Writes a refund whose card parts Stripe is about to be asked for (the manager's approval
    /// it needs is used up here); no parts when no card is involved.
    fn begin_card_refund(
        &mut self,
        reference: &str,
        request: &RefundRequest,
        restock: bool,
    ) -> Result<PendingRefund, BookError>;
    /// Books a refund that gives nothing back to a card.
    fn refund(
        &mut self,
        reference: &str,
        request: &RefundRequest,
        restock: bool,
    ) -> Result<(), BookError>;
    /// Refunds whose card part Stripe did not answer.
    fn pending_card_refunds(&self) -> Result<Vec<PendingRefund>, BookError>;
    /// Books a refund once Stripe made every card part (key, Stripe refund id); the amount
    /// refunded, in minor units.
    fn complete_card_refund(
        &mut self,
        refund_id: &str,
        stripe_ids: &[(String, String)],
    ) -> Result<i64, BookError>;
    /// Gives a pending refund up (Stripe refused it); the order is as it was.
    fn fail_card_refund(&mut self, refund_id: &str, reason: &str) -> Result<(), BookError>;
    /// Books a refund made at Stripe, not by the till (the Dashboard, Stripe's support), on the
    /// card payment of its PaymentIntent: once per Stripe refund, capped at what the payment
    /// still holds at the till, earned points reversed in proportion.
    fn book_refund_at_stripe(
        &mut self,
        intent_id: &str,
        refund: &crate::gateway::Refund,
    ) -> Result<RefundAtStripe, BookError>;

    // The relay's stream of Stripe's events.

    fn was_applied(&self, event_id: &str) -> Result<bool, BookError>;
    /// Notes an event as dealt with; false when it already was.
    fn mark_applied(&mut self, event_id: &str, kind: &str, result: &str)
        -> Result<bool, BookError>;
    fn cursor(&self) -> Result<i64, BookError>;
    fn save_cursor(
        &mut self,
        cursor: i64,
        last_event_at: Option<&str>,
        backlog: i64,
    ) -> Result<(), BookError>;
    fn record_sync_error(&mut self, error: &str) -> Result<(), BookError>;
    /// Notes when a till following the relay tries again: `pause` from now (None: nothing
    /// waits).
    fn record_retry_in(&mut self, pause: Option<std::time::Duration>) -> Result<(), BookError>;
    /// Notes a failed try of an event: tried again on the next pulls, set aside for a manager
    /// after a few tries (or at once when it can never be applied). Where it stands now.
    fn note_failed_event(
        &mut self,
        failed: &versapos_core::FailedEvent<'_>,
    ) -> Result<versapos_core::AttentionState, BookError>;
    /// Where an event the till could not apply stands, if it is one.
    fn event_attention(
        &self,
        event_id: &str,
    ) -> Result<Option<versapos_core::AttentionState>, BookError>;
    /// An event that failed before went through now.
    fn event_tried_and_applied(&mut self, event_id: &str) -> Result<(), BookError>;
    fn sync_state(&self) -> Result<SyncState, BookError>;
}

/// What noting a dispute came to at the till.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisputeNoted {
    pub receipt: String,
    /// Whether the order's dispute changed (a first notice, or closed now).
    pub changed: bool,
    /// A lost dispute: the amount Stripe took back, booked now.
    pub taken_back: Option<String>,
}

/// What booking a refund made at Stripe came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefundAtStripe {
    /// Booked now: the order's receipt and the amount given back (in the shop's words).
    Booked { receipt: String, amount: String },
    /// Booked before, or one of the till's own card refunds.
    Known,
    /// The payment has nothing left to give back at the till: the till already refunded what
    /// Stripe did.
    NothingLeft { receipt: String },
    /// A card refund of the till's own on the order is still pending: settled first.
    WaitsForTillRefund { receipt: String },
    /// Not a paid card payment of this till.
    NotPaidHere,
}

/// Where the card flow reaches the till's records.
pub trait BookAccess: Sync {
    fn with_book(&self, f: &mut dyn FnMut(&mut dyn CardBook)) -> Result<(), FlowError>;
}

pub(crate) fn on<R>(
    access: &dyn BookAccess,
    f: impl FnOnce(&mut dyn CardBook) -> Result<R, BookError>,
) -> Result<R, FlowError> {
    let mut f = Some(f);
    let mut out = None;
    access.with_book(&mut |book| {
        if let Some(f) = f.take() {
            out = Some(f(book));
        }
    })?;
    match out {
        Some(r) => r.map_err(FlowError::Book),
        None => Err(FlowError::Unavailable(
            "the till's store is not open".into(),
        )),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    /// The till's records refused or failed; the till's own error inside.
    #[error(transparent)]
    Book(BookError),
    #[error(transparent)]
    Gateway(#[from] GatewayError),
    #[error("{0}")]
    Unavailable(String),
}

impl FlowError {
    pub fn code(&self) -> &'static str {
        match self {
            FlowError::Book(e) => e.code(),
            FlowError::Gateway(e) => e.code(),
            FlowError::Unavailable(_) => "card_unavailable",
        }
    }

    /// The till's own error, when its records are what failed and it is of type `E`.
    pub fn book_error<E: std::error::Error + 'static>(&self) -> Option<&E> {
        match self {
            FlowError::Book(b) => b.downcast_ref::<E>(),
            _ => None,
        }
    }
}
