//! The till's side of the webhook relay: pull the Stripe events the till missed and apply them.
//!
//! Stripe cannot call a till behind NAT, so the relay keeps the shop's webhooks and each till
//! pulls those after its own cursor (`GET {relay}/v1/events?after=CURSOR&wait=SECONDS`). An event
//! is only a hint: money moves on Stripe's own current view, re-read through the gateway, exactly
//! as [`crate::reconcile::reconcile`] settles a payment in doubt. Each event is applied once (by its
//! id) and applying it again, or out of order, changes nothing Stripe's view would not; so
//! duplicates and any order of arrival converge on Stripe's state.

use crate::book::{on, BookAccess, FlowError};
use crate::flow::{card_ending, settle_authorised, CardEnd};
use crate::gateway::{DisputeStatus, Gateway, IntentStatus};
use crate::reconcile::SettledAs;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::time::Duration;
use versapos_core::{AttentionState, FailedEvent, SyncState};
use versapos_secrets::RelayToken;

/// What applying one event came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Stripe took the card: the sale is booked.
    Paid,
    /// Stripe's PaymentIntent is canceled: the sale is given up.
    Failed,
    /// The card was declined: the decline is noted and the order waits for a retry.
    Declined,
    /// A card refund in doubt is booked.
    Refunded,
    /// The order is flagged as disputed.
    Disputed,
    /// Stripe's view changes nothing at the till (already settled, still processing, …).
    Unchanged,
    /// A reader event: nothing to change, noted as seen.
    Seen,
    /// Not for this till (an unknown type, another till's payment): noted and skipped.
    Skipped,
    /// This event was applied before.
    Duplicate,
    /// Not applied now (the payment is being taken at the till, or Stripe could not be asked):
    /// not noted, so a later pull applies it.
    Deferred,
    /// Could not be applied after a few tries, or can never be (unreadable, no id or type): set
    /// aside for a manager to retry or dismiss; the events behind it are applied.
    SetAside,
}

impl Outcome {
    pub fn as_str(&self) -> &'static str {
        match self {
            Outcome::Paid => "paid",
            Outcome::Failed => "failed",
            Outcome::Declined => "declined",
            Outcome::Refunded => "refunded",
            Outcome::Disputed => "disputed",
            Outcome::Unchanged => "unchanged",
            Outcome::Seen => "seen",
            Outcome::Skipped => "skipped",
            Outcome::Duplicate => "duplicate",
            Outcome::Deferred => "deferred",
            Outcome::SetAside => "set_aside",
        }
    }

    /// Whether the event is noted as dealt with (and never applied again).
    fn is_final(&self) -> bool {
        !matches!(
            self,
            Outcome::Duplicate | Outcome::Deferred | Outcome::SetAside
        )
    }
}

/// One Stripe event and what it came to at this till.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Applied {
    pub event_id: String,
    /// Stripe's event type.
    #[serde(rename = "type")]
    pub kind: String,
    pub outcome: Outcome,
    /// The receipt of the order it concerned, if any.
    pub receipt: Option<String>,
    pub detail: String,
}

/// What settling one card payment from Stripe's view came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settlement {
    pub outcome: Outcome,
    pub receipt: Option<String>,
    pub detail: String,
}

fn settled(outcome: Outcome, receipt: &str, detail: impl Into<String>) -> Settlement {
    Settlement {
        outcome,
        receipt: Some(receipt.to_string()),
        detail: detail.into(),
    }
}

/// Settles one card payment of this till from Stripe's current view of its PaymentIntent:
/// succeeded or authorised → captured (same key as the reader flow) and booked; canceled → the
/// sale is given up; declined → the decline is noted and the order waits for a retry (the
/// cashier decides; unlike [`crate::reconcile::reconcile`] this never cancels a PaymentIntent);
/// anything else → unchanged. Stripe unreachable → deferred.
pub fn settle_payment(
    gateway: &dyn Gateway,
    till: &dyn BookAccess,
    payment_id: &str,
) -> Result<Settlement, FlowError> {
    let Some(p) = on(till, |t| t.find_pending_card(payment_id))? else {
        let Some(found) = on(till, |t| t.card_payment(payment_id))? else {
            return Err(
                on(till, |t| Ok(t.unknown_payment(payment_id))).map_or_else(|e| e, FlowError::Book)
            );
        };
        let status = &found.order_status;
        let detail = match found.payment_status.as_str() {
            "canceled" | "failed" => {
                format!("this card try was given up before; its sale is {status}")
            }
            _ => format!("the order is already {status}"),
        };
        return Ok(settled(Outcome::Unchanged, &found.receipt, detail));
    };
    let Some(intent_id) = p.intent_id.clone() else {
        return Ok(settled(
            Outcome::Unchanged,
            &p.receipt,
            "no PaymentIntent is noted for this payment yet",
        ));
    };
    let intent = match gateway.intent(&intent_id) {
        Ok(i) => i,
        Err(e) if e.is_retryable() => {
            return Ok(settled(Outcome::Deferred, &p.receipt, e.to_string()))
        }
        Err(e) => return Err(e.into()),
    };
    match intent.status {
        IntentStatus::Succeeded | IntentStatus::RequiresCapture => {
            match settle_authorised(gateway, till, &p, &intent, None)? {
                CardEnd::Paid { card_last4, .. } => {
                    let card = card_ending(card_last4.as_deref());
                    // Paid, so numbered: the receipt it has now, not the name it waited under.
                    let receipt = on(till, |t| t.card_payment(payment_id))?
                        .map_or_else(|| p.receipt.clone(), |f| f.receipt);
                    Ok(settled(
                        Outcome::Paid,
                        &receipt,
                        format!("Stripe took the card{card}; the sale is booked"),
                    ))
                }
                CardEnd::InDoubt { message, .. }
                | CardEnd::Declined { message, .. }
                | CardEnd::Canceled { message, .. } => {
                    Ok(settled(Outcome::Deferred, &p.receipt, message))
                }
            }
        }
        IntentStatus::Canceled => {
            on(till, |t| {
                t.fail_card_sale(payment_id, "card payment cancelled at Stripe")
            })?;
            Ok(settled(
                Outcome::Failed,
                &p.receipt,
                "the card payment was cancelled at Stripe; the sale was not paid",
            ))
        }
        IntentStatus::RequiresPaymentMethod if intent.last_error.is_some() => {
            let words = intent
                .last_error
                .as_ref()
                .map(|d| d.plain_words())
                .unwrap_or_default();
            on(till, |t| t.record_decline(payment_id, Some(&words)))?;
            Ok(settled(
                Outcome::Declined,
                &p.receipt,
                format!("{words} The sale waits for another try or another tender."),
            ))
        }
        other => Ok(settled(
            Outcome::Unchanged,
            &p.receipt,
            format!("the PaymentIntent is {}", other.as_str()),
        )),
    }
}

fn text<'v>(v: &'v Value, path: &[&str]) -> Option<&'v str> {
    path.iter()
        .try_fold(v, |v, k| v.get(k))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// Applies one Stripe event (the raw event JSON) to the till. Idempotent by event id (an event
/// applied before is a [`Outcome::Duplicate`]) and by the order's state. A payment a live till
/// process has in hand (being taken, or held for its cashier to decide on) is deferred and not
/// noted, so a later pull applies it.
pub fn apply(
    gateway: &dyn Gateway,
    till: &dyn BookAccess,
    event: &Value,
) -> Result<Applied, FlowError> {
    let (Some(id), Some(kind)) = (text(event, &["id"]), text(event, &["type"])) else {
        return Err(FlowError::Unavailable(
            "a relay event without a Stripe event id or type cannot be applied".into(),
        ));
    };
    let done = |outcome: Outcome, receipt: Option<String>, detail: String| Applied {
        event_id: id.to_string(),
        kind: kind.to_string(),
        outcome,
        receipt,
        detail,
    };
    if on(till, |t| t.was_applied(id))? {
        return Ok(done(
            Outcome::Duplicate,
            None,
            "applied before; nothing changed".into(),
        ));
    }
    let object = event
        .get("data")
        .and_then(|d| d.get("object"))
        .unwrap_or(&Value::Null);
    let applied = if kind.starts_with("payment_intent.") {
        apply_intent_event(gateway, till, object)?
    } else if kind.starts_with("charge.dispute.") {
        apply_dispute(gateway, till, object)?
    } else if matches!(
        kind,
        "charge.refunded"
            | "charge.refund.updated"
            | "refund.created"
            | "refund.updated"
            | "refund.failed"
    ) {
        apply_refunds(gateway, till, object)?
    } else if kind.starts_with("terminal.reader.action_") {
        let reader = text(object, &["id"]).unwrap_or("a reader");
        Settlement {
            outcome: Outcome::Seen,
            receipt: None,
            detail: format!("{reader}: noted; the till watches its reader itself"),
        }
    } else {
        Settlement {
            outcome: Outcome::Skipped,
            receipt: None,
            detail: "not an event the till acts on".into(),
        }
    };
    if applied.outcome.is_final() {
        let result = format!("{}: {}", applied.outcome.as_str(), applied.detail);
        if !on(till, |t| t.mark_applied(id, kind, &result))? {
            // Applied at the same time by another pull: that one is the record.
            return Ok(done(Outcome::Duplicate, applied.receipt, applied.detail));
        }
    }
    Ok(done(applied.outcome, applied.receipt, applied.detail))
}

fn skipped(detail: impl Into<String>) -> Settlement {
    Settlement {
        outcome: Outcome::Skipped,
        receipt: None,
        detail: detail.into(),
    }
}

fn apply_intent_event(
    gateway: &dyn Gateway,
    till: &dyn BookAccess,
    object: &Value,
) -> Result<Settlement, FlowError> {
    let Some(intent_id) = text(object, &["id"]) else {
        return Ok(skipped("the event names no PaymentIntent"));
    };
    let payment_id = match on(till, |t| t.card_payment_by_intent(intent_id))? {
        Some(p) => p.payment_id,
        None => {
            // The till may have stopped before noting the PaymentIntent: the metadata names
            // the payment, and Stripe's own copy must agree before the till notes it.
            let Some(pid) = text(object, &["metadata", "payment_id"]) else {
                return Ok(skipped("not a card payment of this till"));
            };
            let Some(found) = on(till, |t| t.card_payment(pid))? else {
                return Ok(skipped("not a card payment of this till"));
            };
            if on(till, |t| t.card_in_hand(pid))? {
                return Ok(deferred_busy(&found.receipt));
            }
            let known = on(till, |t| t.find_pending_card(pid))?;
            match known {
                Some(p) if p.intent_id.is_none() => {
                    let intent = match gateway.intent(intent_id) {
                        Ok(i) => i,
                        Err(e) if e.is_retryable() => {
                            return Ok(settled(Outcome::Deferred, &found.receipt, e.to_string()))
                        }
                        Err(e) => return Err(e.into()),
                    };
                    if intent.payment_id.as_deref() != Some(pid) {
                        return Ok(skipped(format!(
                            "Stripe's {intent_id} is not for payment {pid}"
                        )));
                    }
                    on(till, |t| {
                        t.record_intent(pid, intent_id, gateway.mode().as_str(), None)
                    })?;
                }
                Some(_) => {
                    return Ok(skipped(format!(
                        "payment {pid} is made on another PaymentIntent than {intent_id}"
                    )))
                }
                None => {}
            }
            pid.to_string()
        }
    };
    if on(till, |t| t.card_in_hand(&payment_id))? {
        let receipt = on(till, |t| t.card_payment(&payment_id))?
            .map(|p| p.receipt)
            .unwrap_or_default();
        return Ok(deferred_busy(&receipt));
    }
    settle_payment(gateway, till, &payment_id)
}

fn deferred_busy(receipt: &str) -> Settlement {
    settled(
        Outcome::Deferred,
        receipt,
        "the payment is being taken at the till; applied on a later pull",
    )
}

/// A dispute event: the dispute as Stripe has it now (never the event's body) noted on its
/// order; a lost one books the money Stripe took back.
fn apply_dispute(
    gateway: &dyn Gateway,
    till: &dyn BookAccess,
    object: &Value,
) -> Result<Settlement, FlowError> {
    let Some(intent_id) = text(object, &["payment_intent"]) else {
        return Ok(skipped("the dispute names no PaymentIntent"));
    };
    if on(till, |t| t.card_payment_by_intent(intent_id))?.is_none() {
        return Ok(skipped("not a card payment of this till"));
    }
    let Some(dispute_id) = text(object, &["id"]) else {
        return Ok(skipped("the event names no dispute"));
    };
    let dispute = match gateway.dispute(dispute_id) {
        Ok(d) => d,
        Err(e) if e.is_retryable() => {
            let receipt = on(till, |t| t.card_payment_by_intent(intent_id))?
                .map(|p| p.receipt)
                .unwrap_or_default();
            return Ok(settled(Outcome::Deferred, &receipt, e.to_string()));
        }
        Err(e) => return Err(e.into()),
    };
    if dispute.intent.as_deref() != Some(intent_id) {
        return Ok(skipped(format!(
            "Stripe's {dispute_id} is not about PaymentIntent {intent_id}"
        )));
    }
    let reason = dispute
        .reason
        .clone()
        .unwrap_or_else(|| "no reason given".into());
    Ok(match on(till, |t| t.record_dispute(&dispute))? {
        None => skipped("not a card payment of this till"),
        Some(noted) => match (&noted.taken_back, noted.changed, dispute.status) {
            (Some(amount), _, _) => settled(
                Outcome::Disputed,
                &noted.receipt,
                format!("the dispute was lost ({reason}): Stripe took back {amount}, booked"),
            ),
            (None, false, _) => settled(
                Outcome::Unchanged,
                &noted.receipt,
                format!(
                    "the order's dispute is already noted as {}",
                    dispute.status.as_str()
                ),
            ),
            (None, true, DisputeStatus::Open) => settled(
                Outcome::Disputed,
                &noted.receipt,
                format!("the card holder disputed the payment ({reason})"),
            ),
            (None, true, status) => settled(
                Outcome::Disputed,
                &noted.receipt,
                format!("the dispute was closed: {}", status.as_str()),
            ),
        },
    })
}

/// A refund event (of a charge, or of a refund): the refunds of its PaymentIntent as Stripe has
/// them now, recorded against that payment's own order.
fn apply_refunds(
    gateway: &dyn Gateway,
    till: &dyn BookAccess,
    object: &Value,
) -> Result<Settlement, FlowError> {
    let Some(intent_id) = text(object, &["payment_intent"]) else {
        return Ok(skipped("the event names no PaymentIntent"));
    };
    let found = crate::reconcile::settle_stripe_refunds(gateway, till, intent_id)?;
    let Some(receipt) = found.receipt else {
        return Ok(skipped("not a card payment of this till"));
    };
    if let Some(why) = found.waiting {
        return Ok(settled(Outcome::Deferred, &receipt, why));
    }
    let refunded: Vec<&str> = found
        .booked
        .iter()
        .filter(|l| l.outcome == SettledAs::Refunded)
        .map(|l| l.detail.as_str())
        .collect();
    let failed = found.booked.iter().find(|l| l.outcome == SettledAs::Failed);
    Ok(if !refunded.is_empty() {
        settled(Outcome::Refunded, &receipt, refunded.join("; "))
    } else if let Some(l) = failed {
        settled(Outcome::Failed, &receipt, l.detail.clone())
    } else {
        settled(
            Outcome::Unchanged,
            &receipt,
            "every refund Stripe made of this payment is booked",
        )
    })
}

/// What went wrong pulling from the relay.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("the relay at {relay} refused this till's token ({status}): set the right token with `versapos relay set`")]
    TokenRefused { relay: String, status: u16 },
    #[error("the relay at {relay} could not be reached: {reason}")]
    Unreachable { relay: String, reason: String },
    #[error("the relay at {relay} answered {status}: {message}")]
    Relay {
        relay: String,
        status: u16,
        message: String,
    },
    #[error("the relay at {relay} sent events the till cannot read: {reason}")]
    BadPage { relay: String, reason: String },
    #[error(transparent)]
    Flow(#[from] FlowError),
}

impl SyncError {
    pub fn code(&self) -> &'static str {
        match self {
            SyncError::TokenRefused { .. } => "relay_token_refused",
            SyncError::Unreachable { .. } => "relay_unreachable",
            SyncError::Relay { .. } => "relay_error",
            SyncError::BadPage { .. } => "relay_bad_page",
            SyncError::Flow(e) => e.code(),
        }
    }
}

/// What one pull came to.
#[derive(Clone, Debug, Serialize)]
pub struct PullReport {
    pub events: Vec<Applied>,
    /// The cursor before and after the pull.
    pub cursor_before: i64,
    pub cursor: i64,
    /// Events not applied now (a payment being taken, Stripe unreachable): the cursor stops
    /// before the first of them, so the next pull sees them again.
    pub deferred: usize,
    /// Whether the relay may have more events after this page.
    pub more: bool,
    /// Events the relay still holds for the till after this pull (those deferred included).
    pub backlog: i64,
}

#[derive(Deserialize)]
struct Page {
    events: Vec<Entry>,
    cursor: Option<i64>,
    /// Events left at the relay after this page (a relay that does not say: none known).
    #[serde(default)]
    remaining: i64,
}

#[derive(Deserialize)]
struct Entry {
    cursor: i64,
    /// Stripe's event id and type, as the relay filed them.
    #[serde(default)]
    id: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    /// When the relay received it: Unix seconds (as the relay sends it) or an RFC 3339 text.
    #[serde(default, deserialize_with = "received_at")]
    received_at: Option<String>,
    /// The event as Stripe sent it, read one by one: one the till cannot read is set aside
    /// without stopping the others.
    event: Box<serde_json::value::RawValue>,
}

impl Entry {
    fn event_id(&self) -> String {
        self.id
            .clone()
            .filter(|i| !i.trim().is_empty())
            .unwrap_or_else(|| format!("relay-cursor-{}", self.cursor))
    }

    fn kind(&self) -> &str {
        self.kind.as_deref().unwrap_or_default()
    }
}

/// The relay's `received_at` as RFC 3339 text, whether it came as Unix seconds or as text.
fn received_at<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Number(n)) => n
            .as_i64()
            .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
            .map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        Some(Value::String(s)) => Some(s),
        _ => None,
    })
}

/// The relay's address and this till's token there.
pub struct Relay<'a> {
    pub url: &'a str,
    pub token: &'a RelayToken,
}

/// Pulls one page of events after the till's cursor (long-polling up to `wait_secs`), applies
/// each, and moves the cursor over those applied, up to the first one deferred. The cursor is
/// saved once for the page: a crash before that only makes the till see the page again, and each
/// event in it is then a duplicate. The relay unreachable or refusing: an error, noted in the
/// store, and the cursor untouched.
pub fn pull_once(
    relay: &Relay<'_>,
    gateway: &dyn Gateway,
    till: &dyn BookAccess,
    wait_secs: u64,
) -> Result<PullReport, SyncError> {
    let before = on(till, |t| t.cursor())?;
    let page = match fetch(relay, before, wait_secs) {
        Ok(p) => p,
        Err(e) => {
            let message = e.to_string();
            on(till, |t| t.record_sync_error(&message))?;
            return Err(e);
        }
    };
    let mut events = Vec::new();
    let mut saved = before;
    let mut saved_at: Option<&str> = None;
    let mut deferred = 0;
    let mut first_problem: Option<String> = None;
    for entry in &page.events {
        let applied = take_in(gateway, till, entry)?;
        if applied.outcome == Outcome::Deferred {
            deferred += 1;
            first_problem.get_or_insert_with(|| {
                format!(
                    "{} ({}): {}",
                    applied.event_id, applied.kind, applied.detail
                )
            });
        }
        events.push(applied);
        if deferred == 0 && entry.cursor > saved {
            saved = entry.cursor;
            saved_at = entry.received_at.as_deref().or(saved_at);
        }
    }
    let held_back = page.events.iter().filter(|e| e.cursor > saved).count();
    let backlog = page.remaining.max(0) + i64::try_from(held_back).unwrap_or(i64::MAX);
    if deferred == 0 {
        // Also past any events the relay filtered out after the last one it sent.
        saved = page.cursor.unwrap_or(saved).max(saved);
    }
    // Notes the pull (and clears the last error) even when nothing was applied.
    on(till, |t| t.save_cursor(saved, saved_at, backlog))?;
    if let Some(e) = &first_problem {
        on(till, |t| {
            t.record_sync_error(&format!("an event waits: {e}"))
        })?;
    }
    Ok(PullReport {
        more: !page.events.is_empty() && deferred == 0 && saved > before,
        events,
        cursor_before: before,
        cursor: saved,
        deferred,
        backlog,
    })
}

/// Applies one event of a page. One that fails is tried again on the next pulls (the cursor
/// waits before it) and set aside for a manager after a few tries, or at once when it can never
/// be applied (unreadable, no id or type), so the events behind it are applied.
fn take_in(
    gateway: &dyn Gateway,
    till: &dyn BookAccess,
    entry: &Entry,
) -> Result<Applied, SyncError> {
    let event_id = entry.event_id();
    let kind = entry.kind().to_string();
    let applied = |outcome: Outcome, detail: String| Applied {
        event_id: event_id.clone(),
        kind: kind.clone(),
        outcome,
        receipt: None,
        detail,
    };
    let attention = on(till, |t| t.event_attention(&event_id))?;
    if let Some(AttentionState::SetAside | AttentionState::Dismissed) = attention {
        return Ok(applied(
            Outcome::SetAside,
            "set aside earlier for a manager".into(),
        ));
    }
    let raw = entry.event.get();
    let (reason, hopeless) = match serde_json::from_str::<Value>(raw) {
        Err(e) => (format!("the event cannot be read: {e}"), true),
        Ok(event) if text(&event, &["id"]).is_none() || text(&event, &["type"]).is_none() => (
            "the event has no Stripe event id or type: it can never be applied".to_string(),
            true,
        ),
        Ok(event) => match apply(gateway, till, &event) {
            Ok(a) => {
                // Only an event that failed before needs its record closed: no write for the
                // others, however long the backlog.
                let was_trying = attention == Some(AttentionState::Trying);
                if was_trying && (a.outcome.is_final() || a.outcome == Outcome::Duplicate) {
                    on(till, |t| t.event_tried_and_applied(&a.event_id))?;
                }
                return Ok(a);
            }
            Err(e) => (e.to_string(), false),
        },
    };
    let failed = FailedEvent {
        event_id: &event_id,
        cursor: entry.cursor,
        kind: &kind,
        payload: raw,
        reason: &reason,
        hopeless,
    };
    Ok(match on(till, |t| t.note_failed_event(&failed))? {
        AttentionState::Trying => applied(
            Outcome::Deferred,
            format!("could not be applied, tried again on the next pull: {reason}"),
        ),
        _ => applied(
            Outcome::SetAside,
            format!("set aside for a manager: {reason}"),
        ),
    })
}

/// Tries a set-aside event again (`versapos sync retry`, the Payments tab): what it came to when
/// it went through (it no longer needs attention); an error, and it stays set aside, otherwise.
pub fn retry_set_aside(
    gateway: &dyn Gateway,
    till: &dyn BookAccess,
    event_id: &str,
    payload: &str,
) -> Result<Applied, FlowError> {
    let event: Value = serde_json::from_str(payload)
        .map_err(|e| FlowError::Unavailable(format!("{event_id} still cannot be read: {e}")))?;
    let applied = apply(gateway, till, &event)?;
    if applied.outcome == Outcome::Deferred {
        return Err(FlowError::Unavailable(format!(
            "{event_id} could not be applied now: {}",
            applied.detail
        )));
    }
    Ok(applied)
}

/// Pulls pages (without waiting) until the relay has nothing newer or an event is deferred;
/// at most `max_pages` pages.
pub fn pull_until_empty(
    relay: &Relay<'_>,
    gateway: &dyn Gateway,
    till: &dyn BookAccess,
    max_pages: usize,
) -> Result<PullReport, SyncError> {
    let mut all = pull_once(relay, gateway, till, 0)?;
    let mut pages = 1;
    while all.more && pages < max_pages {
        let next = pull_once(relay, gateway, till, 0)?;
        pages += 1;
        all.events.extend(next.events);
        all.cursor = next.cursor;
        all.deferred += next.deferred;
        all.more = next.more;
        all.backlog = next.backlog;
    }
    Ok(all)
}

/// How long a till following the relay waits before its next pull: not at all after a pull that
/// went through (the next one long-polls), a second after the first failure, then twice as long
/// after each further one, up to a minute, so a relay that is down is not hammered and one that
/// comes back is found quickly.
#[derive(Clone, Debug)]
pub struct Backoff {
    next: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { next: Self::FIRST }
    }
}

impl Backoff {
    pub const FIRST: Duration = Duration::from_secs(1);
    pub const LONGEST: Duration = Duration::from_secs(60);

    /// The pause before the next pull, given how this one went.
    pub fn after<T, E>(&mut self, pull: &Result<T, E>) -> Duration {
        self.after_pull(pull.is_ok())
    }

    /// The pause before the next pull: none after one that went through whole, growing after
    /// one that failed or left an event for later (so an event that waits is not hammered).
    pub fn after_pull(&mut self, went_through: bool) -> Duration {
        if went_through {
            self.next = Self::FIRST;
            return Duration::ZERO;
        }
        let pause = self.next;
        self.next = (pause * 2).min(Self::LONGEST);
        pause
    }
}

/// One step of a till following the relay: a long poll of `wait_secs`, then the pause before
/// the next, noted in the till's store as when it tries again (so `sync --status` and the
/// Payments tab say it).
pub fn follow_step(
    relay: &Relay<'_>,
    gateway: &dyn Gateway,
    till: &dyn BookAccess,
    wait_secs: u64,
    backoff: &mut Backoff,
) -> (Result<PullReport, SyncError>, Duration) {
    let pulled = pull_once(relay, gateway, till, wait_secs);
    let through = pulled.as_ref().is_ok_and(|r| r.deferred == 0);
    let pause = backoff.after_pull(through);
    let retry = (!pause.is_zero()).then_some(pause);
    // The pull's own outcome stands even if this note cannot be written.
    let _ = on(till, |t| t.record_retry_in(retry));
    (pulled, pause)
}

/// Where the till is in the relay's stream and how the last pull went.
pub fn status(till: &dyn BookAccess) -> Result<SyncState, FlowError> {
    on(till, |t| t.sync_state())
}

/// The most bytes of events the till asks the relay for in one page.
const PAGE_BYTES: usize = 4 * 1024 * 1024;
/// The most the till reads of one answer: a page of `PAGE_BYTES` and more (a relay always sends at
/// least one event, and takes none over 1 MiB).
const READ_LIMIT: u64 = 16 * 1024 * 1024;

fn fetch(relay: &Relay<'_>, after: i64, wait_secs: u64) -> Result<Page, SyncError> {
    let base = relay.url.trim_end_matches('/');
    let config = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(5)))
        .timeout_global(Some(Duration::from_secs(wait_secs.saturating_add(15))))
        .http_status_as_error(false)
        .build();
    let agent = ureq::Agent::new_with_config(config);
    let url = format!("{base}/v1/events?after={after}&wait={wait_secs}&max_bytes={PAGE_BYTES}");
    let (status, body) = answer(
        base,
        agent
            .get(&url)
            .header("Authorization", &format!("Bearer {}", relay.token.expose()))
            .call(),
        READ_LIMIT,
    )?;
    match status {
        200..=299 => serde_json::from_str(&body).map_err(|e| SyncError::BadPage {
            relay: base.to_string(),
            reason: e.to_string(),
        }),
        _ => Err(SyncError::Relay {
            relay: base.to_string(),
            status,
            message: body.chars().take(200).collect(),
        }),
    }
}

/// The relay's answer to a till's request, read up to `limit` bytes: its status and body. The
/// relay unreachable or the answer cut is [`SyncError::Unreachable`]; the till's token refused
/// (401, 403) is [`SyncError::TokenRefused`].
pub(crate) fn answer(
    relay: &str,
    response: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    limit: u64,
) -> Result<(u16, String), SyncError> {
    let mut response = response.map_err(|e| SyncError::Unreachable {
        relay: relay.to_string(),
        reason: e.to_string(),
    })?;
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(limit)
        .read_to_string()
        .map_err(|e| SyncError::Unreachable {
            relay: relay.to_string(),
            reason: format!("the answer was cut: {e}"),
        })?;
    if status == 401 || status == 403 {
        return Err(SyncError::TokenRefused {
            relay: relay.to_string(),
            status,
        });
    }
    Ok((status, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_a_minute_and_resets_after_a_pull_that_went_through() {
        let mut b = Backoff::default();
        let failed: Result<(), ()> = Err(());
        let pauses: Vec<u64> = (0..8).map(|_| b.after(&failed).as_secs()).collect();
        assert_eq!(pauses, [1, 2, 4, 8, 16, 32, 60, 60]);
        assert_eq!(b.after(&Ok::<(), ()>(())), Duration::ZERO);
        assert_eq!(b.after(&failed), Backoff::FIRST);
    }
}
