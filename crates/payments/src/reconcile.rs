//! Settling what is in doubt from Stripe's own view: card payments whose outcome the till never
//! heard (a cut network, a killed till) and card refunds Stripe did not answer. Run at start-up,
//! every minute by the desktop and by `versapos reconcile`; never on a payment a live till process
//! has in hand (the store's card sessions).

use crate::book::RefundAtStripe;
use crate::book::{on, BookAccess, FlowError};
use crate::flow::{card_ending, intent_request, settle_authorised, CardEnd};
use crate::gateway::RefundStatus;
use crate::gateway::{ActionStatus, Gateway, IntentStatus};
use crate::refunds;
use serde::Serialize;
use ts_rs::TS;
use versapos_core::{PendingCard, PendingRefund};

/// How settling one payment (or card refund) in doubt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SettledAs {
    /// Stripe took the card: the sale is booked.
    Paid,
    /// Stripe made the card refund: the refund is booked.
    Refunded,
    /// Stripe did not take it: the sale (or the refund) is given up.
    Failed,
    /// Still unknown; tried again next round.
    InDoubt,
}

impl SettledAs {
    pub fn as_str(&self) -> &'static str {
        match self {
            SettledAs::Paid => "paid",
            SettledAs::Refunded => "refunded",
            SettledAs::Failed => "failed",
            SettledAs::InDoubt => "in_doubt",
        }
    }
}

/// What settling one payment in doubt came to.
#[derive(Clone, Debug, Serialize, TS)]
pub struct ReconcileLine {
    pub receipt: String,
    pub payment_id: String,
    pub outcome: SettledAs,
    pub detail: String,
}

#[derive(Clone, Debug, Serialize, TS)]
pub struct ReconcileReport {
    pub settled: Vec<ReconcileLine>,
    /// Payments still in doubt afterwards.
    pub remaining: usize,
}

/// Settles every card payment in doubt — its order still waits and no live till process is
/// taking it or holding it for its cashier after a decline or a cancel (the store's card
/// sessions, seen from every process) — from Stripe's view of its PaymentIntent:
/// - succeeded → the sale is booked;
/// - authorised (requires_capture) → captured with the same key, then booked: the customer
///   presented the card for exactly this sale;
/// - canceled, or never completed on the reader → the reader is stopped, the PaymentIntent
///   canceled and the order marked `payment_failed`;
/// - processing, or Stripe unreachable → left in doubt for the next round.
///
/// A payment whose PaymentIntent id was never stored (the till stopped during the create call)
/// is looked up by sending the same create again: the idempotency key returns the one Stripe
/// made, if it made one. Card refunds in doubt are settled after the payments
/// ([`reconcile_refunds`]).
pub fn reconcile(
    gateway: &dyn Gateway,
    till: &dyn BookAccess,
) -> Result<ReconcileReport, FlowError> {
    let pending = on(till, |t| t.payments_in_doubt())?;
    let mut settled = Vec::new();
    let mut remaining = 0;
    for p in &pending {
        let line = |outcome: SettledAs, detail: String| ReconcileLine {
            receipt: p.receipt.clone(),
            payment_id: p.payment_id.clone(),
            outcome,
            detail,
        };
        match settle_one(gateway, till, p) {
            Ok(Settled::Paid(brand)) => settled.push(line(
                SettledAs::Paid,
                format!("Stripe took the card{brand}; the sale is booked"),
            )),
            Ok(Settled::Failed(why)) => settled.push(line(SettledAs::Failed, why)),
            Ok(Settled::StillInDoubt(why)) => {
                remaining += 1;
                settled.push(line(SettledAs::InDoubt, why));
            }
            Err(e) => {
                remaining += 1;
                settled.push(line(SettledAs::InDoubt, e.to_string()));
            }
        }
    }
    for line in reconcile_refunds(gateway, till)? {
        if line.outcome == SettledAs::InDoubt {
            remaining += 1;
        }
        settled.push(line);
    }
    Ok(ReconcileReport { settled, remaining })
}

enum Settled {
    Paid(String),
    Failed(String),
    StillInDoubt(String),
}

fn settle_one(
    gateway: &dyn Gateway,
    till: &dyn BookAccess,
    p: &PendingCard,
) -> Result<Settled, FlowError> {
    let intent = match &p.intent_id {
        Some(id) => gateway.intent(id),
        None => gateway.create_intent(&intent_request(p)),
    };
    let intent = match intent {
        Ok(i) => i,
        Err(e) if e.is_retryable() => return Ok(Settled::StillInDoubt(e.to_string())),
        Err(e) => return Err(e.into()),
    };
    if p.intent_id.is_none() {
        on(till, |t| {
            t.record_intent(&p.payment_id, &intent.id, gateway.mode().as_str(), None)
        })?;
    }
    match intent.status {
        IntentStatus::Succeeded | IntentStatus::RequiresCapture => {
            match settle_authorised(gateway, till, p, &intent, None)? {
                CardEnd::Paid { card_last4, .. } => {
                    Ok(Settled::Paid(card_ending(card_last4.as_deref())))
                }
                CardEnd::InDoubt { message, .. } => Ok(Settled::StillInDoubt(message)),
                CardEnd::Declined { message, .. } | CardEnd::Canceled { message, .. } => {
                    Ok(Settled::StillInDoubt(message))
                }
            }
        }
        IntentStatus::Processing => Ok(Settled::StillInDoubt(
            "Stripe is still processing the card".into(),
        )),
        IntentStatus::Canceled => {
            on(till, |t| {
                t.fail_card_sale(&p.payment_id, "card payment cancelled at Stripe")
            })?;
            Ok(Settled::Failed(
                "the card payment was cancelled at Stripe; the sale was not paid".into(),
            ))
        }
        _ => {
            // Never completed: stop the reader if it still waits for this intent, then cancel.
            if let Some(reader) = &p.reader_id {
                if let Ok(r) = gateway.reader(reader) {
                    let waiting = r.action.as_ref().is_some_and(|a| {
                        a.status == ActionStatus::InProgress
                            && a.intent.as_deref() == Some(intent.id.as_str())
                    });
                    if waiting {
                        let _ = gateway.cancel_action(reader);
                    }
                }
            }
            match gateway.cancel_intent(&intent.id) {
                Ok(i) if i.status == IntentStatus::Canceled => {}
                Ok(i)
                    if matches!(
                        i.status,
                        IntentStatus::RequiresCapture | IntentStatus::Succeeded
                    ) =>
                {
                    // The card came in at the last moment.
                    return settle_one(gateway, till, &with_intent(p, &i.id));
                }
                Ok(i) => {
                    return Ok(Settled::StillInDoubt(format!(
                        "the PaymentIntent is {} and could not be canceled yet",
                        i.status.as_str()
                    )))
                }
                Err(e) if e.is_retryable() => return Ok(Settled::StillInDoubt(e.to_string())),
                Err(e) => return Err(e.into()),
            }
            on(till, |t| {
                t.fail_card_sale(&p.payment_id, "no card was taken before the till stopped")
            })?;
            Ok(Settled::Failed(
                "no card was taken; the sale was not paid (ring it up again if the customer is \
                 still there)"
                    .into(),
            ))
        }
    }
}

fn with_intent(p: &PendingCard, intent: &str) -> PendingCard {
    let mut q = p.clone();
    q.intent_id = Some(intent.into());
    q
}

/// Settles every card refund still pending (the till stopped, or Stripe did not answer) by
/// asking Stripe again with the same keys: made → the refund is committed; refused → given up;
/// no answer → left for the next round.
pub fn reconcile_refunds(
    gateway: &dyn Gateway,
    till: &dyn BookAccess,
) -> Result<Vec<ReconcileLine>, FlowError> {
    reconcile_refunds_where(gateway, till, |_| true)
}

/// [`reconcile_refunds`] for the pending refunds `which` picks.
fn reconcile_refunds_where(
    gateway: &dyn Gateway,
    till: &dyn BookAccess,
    which: impl Fn(&PendingRefund) -> bool,
) -> Result<Vec<ReconcileLine>, FlowError> {
    let pending = on(till, |t| t.pending_card_refunds())?;
    let mut lines = Vec::new();
    for p in pending.iter().filter(|p| which(p)) {
        let line = |outcome: SettledAs, detail: String| ReconcileLine {
            receipt: p.receipt.clone(),
            payment_id: p
                .parts
                .first()
                .map(|x| x.payment_id.clone())
                .unwrap_or_default(),
            outcome,
            detail,
        };
        lines.push(match refunds::settle(gateway, till, p) {
            Ok(refunds::Settled::Refunded(amount)) => line(
                SettledAs::Refunded,
                format!("Stripe made the card refund; the refund of {amount} is booked"),
            ),
            Ok(refunds::Settled::Refused(e)) => line(
                SettledAs::Failed,
                format!("Stripe refused the card refund ({e}); the order is as it was"),
            ),
            Ok(refunds::Settled::InDoubt(why)) => line(SettledAs::InDoubt, why),
            Err(e) => line(SettledAs::InDoubt, e.to_string()),
        });
    }
    Ok(lines)
}

/// What Stripe's refunds of one card payment came to at the till.
#[derive(Clone, Debug)]
pub struct StripeRefunds {
    /// The order's receipt, when the payment is this till's.
    pub receipt: Option<String>,
    /// Each refund of the till's own settled, and each refund made at Stripe booked, now.
    pub booked: Vec<ReconcileLine>,
    /// Why some could not be settled now (Stripe unreachable, a refund of the till's own still
    /// in doubt): tried again on the next event or round.
    pub waiting: Option<String>,
}

/// Brings the till in line with Stripe's refunds of the card payment made on `intent_id`, read
/// from Stripe itself (never from an event's body): the till's own card refunds still pending
/// are settled first (same keys); then every refund Stripe made that the till did not — in the
/// Dashboard, by Stripe's support — is booked on the payment once, by its id, capped at what the
/// payment still holds, its points reversed in proportion. Only refunds Stripe says succeeded
/// move money at the till.
pub fn settle_stripe_refunds(
    gateway: &dyn Gateway,
    till: &dyn BookAccess,
    intent_id: &str,
) -> Result<StripeRefunds, FlowError> {
    let Some(payment) = on(till, |t| t.card_payment_by_intent(intent_id))? else {
        return Ok(StripeRefunds {
            receipt: None,
            booked: Vec::new(),
            waiting: None,
        });
    };
    let mut out = StripeRefunds {
        receipt: Some(payment.receipt.clone()),
        booked: Vec::new(),
        waiting: None,
    };
    let own = reconcile_refunds_where(gateway, till, |p| {
        p.parts.iter().any(|part| part.intent_id == intent_id)
    })?;
    for line in own {
        match line.outcome {
            SettledAs::InDoubt => out.waiting = Some(line.detail.clone()),
            _ => out.booked.push(line),
        }
    }
    if out.waiting.is_some() {
        return Ok(out);
    }
    let mut refunds = match gateway.refunds_of(intent_id) {
        Ok(r) => r,
        Err(e) if e.is_retryable() => {
            out.waiting = Some(e.to_string());
            return Ok(out);
        }
        Err(e) => return Err(e.into()),
    };
    refunds.sort_by(|a, b| a.created.cmp(&b.created).then(a.id.cmp(&b.id)));
    for refund in refunds
        .iter()
        .filter(|r| r.status == RefundStatus::Succeeded)
    {
        let line = |outcome: SettledAs, detail: String| ReconcileLine {
            receipt: payment.receipt.clone(),
            payment_id: payment.payment_id.clone(),
            outcome,
            detail,
        };
        match on(till, |t| t.book_refund_at_stripe(intent_id, refund))? {
            RefundAtStripe::Booked { amount, .. } => out.booked.push(line(
                SettledAs::Refunded,
                format!(
                    "refunded at Stripe ({}): {amount} booked, points taken back in proportion",
                    refund.id
                ),
            )),
            RefundAtStripe::WaitsForTillRefund { .. } => {
                out.waiting = Some(format!(
                    "{}: a refund of the till's own on this order is still pending",
                    refund.id
                ));
            }
            RefundAtStripe::Known
            | RefundAtStripe::NothingLeft { .. }
            | RefundAtStripe::NotPaidHere => {}
        }
    }
    Ok(out)
}

/// Finds the refunds made at Stripe since `since` (Unix seconds) whose events never reached the
/// till, and books them ([`settle_stripe_refunds`] for each card payment of this till they
/// concern). Stripe unreachable: one line in doubt, tried again next round.
pub fn refunds_at_stripe(
    gateway: &dyn Gateway,
    till: &dyn BookAccess,
    since: i64,
) -> Result<Vec<ReconcileLine>, FlowError> {
    let refunds = match gateway.refunds_since(since) {
        Ok(r) => r,
        Err(e) if e.is_retryable() => {
            return Ok(vec![ReconcileLine {
                receipt: String::new(),
                payment_id: String::new(),
                outcome: SettledAs::InDoubt,
                detail: format!("Stripe's refunds could not be read: {e}"),
            }])
        }
        Err(e) => return Err(e.into()),
    };
    let mut intents: Vec<&str> = refunds.iter().filter_map(|r| r.intent.as_deref()).collect();
    intents.sort_unstable();
    intents.dedup();
    let mut lines = Vec::new();
    for intent in intents {
        let settled = settle_stripe_refunds(gateway, till, intent)?;
        lines.extend(settled.booked);
        if let (Some(receipt), Some(why)) = (settled.receipt, settled.waiting) {
            lines.push(ReconcileLine {
                receipt,
                payment_id: String::new(),
                outcome: SettledAs::InDoubt,
                detail: why,
            });
        }
    }
    Ok(lines)
}
