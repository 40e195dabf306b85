//! Refunding an order whose money came (partly) by card: the card part goes back through
//! Stripe's Refunds, exactly once, and the till records a refund only once Stripe made it.
//!
//! The refund is written first ([`crate::book::CardBook::begin_card_refund`]: one pending row
//! per card payment, its id the Stripe idempotency key); then each card part is asked of Stripe with
//! that key; when every part is made, the whole refund (cash and points parts too) is committed
//! in one transaction. A refusal gives the pending refund up and leaves the order as it was. No
//! answer leaves it pending: a refund in doubt, which [`crate::reconcile::reconcile_refunds`]
//! settles by asking
//! again with the same keys (Stripe answers with the refund it already made, if it made one).

use crate::book::{on, BookAccess, FlowError};
use crate::gateway::{Gateway, GatewayError, RefundRequest, RefundStatus};
use versapos_core::PendingRefund;

/// Refunds (part of) an order: through Stripe for its card part, at the till for the rest.
/// The manager's approval the refund needs is used up when it is written. The till keeps the
/// refund it booked; this says it is booked.
pub fn refund_order(
    gateway: &dyn Gateway,
    till: &dyn BookAccess,
    reference: &str,
    request: &versapos_core::RefundRequest,
    restock: bool,
) -> Result<(), FlowError> {
    let pending = on(till, |t| t.begin_card_refund(reference, request, restock))?;
    if pending.parts.is_empty() {
        return on(till, |t| t.refund(reference, request, restock));
    }
    match settle(gateway, till, &pending)? {
        Settled::Refunded(_) => Ok(()),
        Settled::Refused(e) => Err(FlowError::Gateway(e)),
        Settled::InDoubt(why) => Err(FlowError::Unavailable(format!(
            "{why}: the card refund is in doubt; `versapos reconcile` settles it"
        ))),
    }
}

pub(crate) enum Settled {
    /// Booked: the amount refunded, in minor units.
    Refunded(i64),
    /// Stripe refused and made no part of it: the pending refund is given up.
    Refused(GatewayError),
    InDoubt(String),
}

/// Asks Stripe for every part of a pending refund (same keys every time) and settles it.
pub(crate) fn settle(
    gateway: &dyn Gateway,
    till: &dyn BookAccess,
    pending: &PendingRefund,
) -> Result<Settled, FlowError> {
    let mut made = Vec::new();
    for part in &pending.parts {
        let asked = RefundRequest {
            refund_key: part.key.clone(),
            intent: part.intent_id.clone(),
            amount: part.amount,
            order_id: pending.order_id.clone(),
            till_id: pending.till_id.clone(),
        };
        let refusal = match gateway.refund(&asked) {
            // A pending Stripe refund is made: Stripe owes the card the money from now on.
            Ok(r) if matches!(r.status, RefundStatus::Succeeded | RefundStatus::Pending) => {
                if r.amount != part.amount {
                    return Ok(Settled::InDoubt(format!(
                        "Stripe refunded {} on {} but the till asked {}; a manager must check it",
                        r.amount, part.intent_id, part.amount
                    )));
                }
                made.push((part.key.clone(), r.id));
                continue;
            }
            Ok(r) if r.status == RefundStatus::RequiresAction => {
                return Ok(Settled::InDoubt(format!(
                    "Stripe's refund {} needs an action before it completes",
                    r.id
                )))
            }
            Ok(r) => GatewayError::Rejected {
                status: 200,
                code: Some("refund_not_made".into()),
                message: format!("Stripe's refund {} ended {:?}", r.id, r.status),
            },
            Err(e) if e.is_retryable() => return Ok(Settled::InDoubt(e.to_string())),
            Err(e) => e,
        };
        if !made.is_empty() {
            // Money already went back on another card payment: the refund cannot be given up,
            // nor committed without this part.
            return Ok(Settled::InDoubt(format!(
                "Stripe made part of the card refund but refused the part on {} ({refusal}); a \
                 manager must settle it",
                part.intent_id
            )));
        }
        let reason = format!("{}: {refusal}", refusal.code());
        on(till, |t| t.fail_card_refund(&pending.refund_id, &reason))?;
        return Ok(Settled::Refused(refusal));
    }
    let amount = on(till, |t| t.complete_card_refund(&pending.refund_id, &made))?;
    Ok(Settled::Refunded(amount))
}
