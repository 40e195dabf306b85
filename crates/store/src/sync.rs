//! The till's side of the webhook relay, in the store: where the till is in the relay's event
//! stream, which Stripe events it has dealt with (so a duplicate is never applied twice), and
//! disputes flagged on the orders they concern.

use crate::error::{Result, TillError};
use crate::journal;
use crate::moment::Moment;
use crate::sales::stored_receipt;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;
pub use versapos_core::{
    AttentionState, CardPaymentRef, EventNeedingAttention, FailedEvent, SyncState,
};

/// One Stripe event dealt with, and what it came to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct AppliedEvent {
    pub event_id: String,
    /// Stripe's event type (`payment_intent.succeeded`, …).
    pub kind: String,
    pub applied_at: String,
    pub result: String,
}

pub fn state(conn: &Connection) -> Result<SyncState> {
    let applied: i64 = conn
        .prepare_cached("SELECT count(*) FROM applied_events")?
        .query_row([], |r| r.get(0))?;
    conn.prepare_cached(
        "SELECT cursor, last_event_at, last_pull_at, last_error, backlog, retry_at,
             (SELECT count(*) FROM sync_attention WHERE state = 'set_aside')
         FROM sync_state WHERE id = 1",
    )?
    .query_row([], |r| {
        Ok(SyncState {
            cursor: r.get(0)?,
            last_event_at: r.get(1)?,
            last_pull_at: r.get(2)?,
            last_error: r.get(3)?,
            applied_events: applied,
            backlog: r.get(4)?,
            retry_at: r.get(5)?,
            needs_attention: r.get(6)?,
        })
    })
    .optional()?
    .ok_or_else(|| TillError::Corrupt("the sync_state row is missing".into()))
}

/// Whether the event with this id was dealt with already.
pub fn was_applied(conn: &Connection, event_id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM applied_events WHERE event_id = ?1")?
        .query_row([event_id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Records an event as dealt with; false when it already was (the first record stands).
pub fn mark_applied(
    conn: &Connection,
    event_id: &str,
    kind: &str,
    result: &str,
    at: &str,
) -> Result<bool> {
    if event_id.trim().is_empty() {
        return Err(TillError::invalid(
            "event_id",
            "a Stripe event needs its id",
        ));
    }
    let n = conn
        .prepare_cached(
            "INSERT INTO applied_events (event_id, type, applied_at, result)
             VALUES (?1, ?2, ?3, ?4) ON CONFLICT (event_id) DO NOTHING",
        )?
        .execute(params![event_id, kind, at, result])?;
    Ok(n == 1)
}

/// The events dealt with, newest first.
pub fn applied_events(conn: &Connection, limit: i64) -> Result<Vec<AppliedEvent>> {
    let mut stmt = conn.prepare_cached(
        "SELECT event_id, type, applied_at, result FROM applied_events
         ORDER BY applied_at DESC, rowid DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], |r| {
        Ok(AppliedEvent {
            event_id: r.get(0)?,
            kind: r.get(1)?,
            applied_at: r.get(2)?,
            result: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// Moves the cursor forward (never back) over events already applied, notes the pull as gone
/// through and what the relay still holds for the till (`backlog`). The events' own records are
/// written with them ([`mark_applied`]); moving the cursor after them means a crash in between
/// only makes the till see them again, as duplicates.
pub fn save_cursor(
    conn: &mut Connection,
    cursor: i64,
    last_event_at: Option<&str>,
    backlog: i64,
    at: &str,
) -> Result<()> {
    if cursor < 0 {
        return Err(TillError::invalid(
            "cursor",
            "the relay's cursor is never negative",
        ));
    }
    if backlog < 0 {
        return Err(TillError::invalid(
            "backlog",
            "the relay never holds fewer than no events",
        ));
    }
    let tx = crate::db::write(conn)?;
    tx.prepare_cached(
        "UPDATE sync_state SET
             last_event_at = CASE WHEN ?1 > cursor THEN coalesce(?2, last_event_at)
                                  ELSE last_event_at END,
             cursor = max(cursor, ?1), last_pull_at = ?3, last_error = NULL, backlog = ?4
         WHERE id = 1",
    )?
    .execute(params![cursor, last_event_at, at, backlog])?;
    tx.commit()?;
    Ok(())
}

/// Notes a pull that did not go through (the cursor stays where it was).
pub fn record_error(conn: &Connection, error: &str, at: &str) -> Result<()> {
    conn.prepare_cached("UPDATE sync_state SET last_error = ?1, last_pull_at = ?2 WHERE id = 1")?
        .execute(params![error, at])?;
    Ok(())
}

/// Notes when a till following the relay tries again (None: nothing waits).
pub fn record_retry_at(conn: &Connection, retry_at: Option<&str>) -> Result<()> {
    conn.prepare_cached("UPDATE sync_state SET retry_at = ?1 WHERE id = 1")?
        .execute(params![retry_at])?;
    Ok(())
}

/// How many times an event that fails is tried before it is set aside.
pub const TRIES_BEFORE_SETTING_ASIDE: i64 = 3;

/// Notes a failed try of an event: it stays 'trying' (the cursor waits before it) until it has
/// failed [`TRIES_BEFORE_SETTING_ASIDE`] times, or at once when it is hopeless; then it is set
/// aside for a manager (journaled) and the cursor may move past it. Returns where it stands.
pub fn note_failed_try(
    conn: &mut Connection,
    till_id: &str,
    failed: &FailedEvent<'_>,
    when: &Moment,
) -> Result<AttentionState> {
    if failed.event_id.trim().is_empty() {
        return Err(TillError::invalid(
            "event_id",
            "a Stripe event needs its id",
        ));
    }
    let tx = crate::db::write(conn)?;
    let before: Option<(i64, String)> = tx
        .prepare_cached("SELECT tries, state FROM sync_attention WHERE event_id = ?1")?
        .query_row([failed.event_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let tries = before.as_ref().map_or(0, |(t, _)| *t) + 1;
    let was = before
        .as_ref()
        .map(|(_, s)| AttentionState::parse(s).ok_or_else(|| TillError::Corrupt(s.clone())))
        .transpose()?;
    if matches!(
        was,
        Some(AttentionState::SetAside | AttentionState::Dismissed | AttentionState::Applied)
    ) {
        // Already dealt with (a page seen again after a crash): as it was.
        return Ok(was.unwrap_or(AttentionState::SetAside));
    }
    let state = if failed.hopeless || tries >= TRIES_BEFORE_SETTING_ASIDE {
        AttentionState::SetAside
    } else {
        AttentionState::Trying
    };
    tx.prepare_cached(
        "INSERT INTO sync_attention (event_id, cursor, kind, payload, reason, tries, state,
             first_at, last_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)
         ON CONFLICT (event_id) DO UPDATE SET reason = excluded.reason, tries = excluded.tries,
             state = excluded.state, last_at = excluded.last_at",
    )?
    .execute(params![
        failed.event_id,
        failed.cursor,
        failed.kind,
        failed.payload,
        failed.reason,
        tries,
        state.as_str(),
        when.at
    ])?;
    if state == AttentionState::SetAside {
        journal::append(
            &tx,
            till_id,
            when,
            "event_set_aside",
            failed.event_id,
            &serde_json::json!({ "type": failed.kind, "reason": failed.reason, "tries": tries }),
        )?;
    }
    tx.commit()?;
    Ok(state)
}

/// Where an event the till could not apply stands, if it is one.
pub fn attention_state(conn: &Connection, event_id: &str) -> Result<Option<AttentionState>> {
    let state: Option<String> = conn
        .prepare_cached("SELECT state FROM sync_attention WHERE event_id = ?1")?
        .query_row([event_id], |r| r.get(0))
        .optional()?;
    state
        .map(|s| AttentionState::parse(&s).ok_or(TillError::Corrupt(s)))
        .transpose()
}

/// An event that failed before and went through on a later pull: no longer needs attention.
pub fn tried_and_applied(conn: &Connection, event_id: &str, at: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE sync_attention SET state = 'applied', last_at = ?2
         WHERE event_id = ?1 AND state = 'trying'",
    )?
    .execute(params![event_id, at])?;
    Ok(())
}

/// The events set aside for a manager, oldest first.
pub fn needing_attention(conn: &Connection) -> Result<Vec<EventNeedingAttention>> {
    let mut stmt = conn.prepare_cached(
        "SELECT event_id, kind, reason, tries, state, first_at, last_at FROM sync_attention
         WHERE state = 'set_aside' ORDER BY cursor, event_id",
    )?;
    let rows = stmt.query_map([], |r| {
        let state: String = r.get(4)?;
        Ok((
            EventNeedingAttention {
                event_id: r.get(0)?,
                kind: r.get(1)?,
                reason: r.get(2)?,
                tries: r.get(3)?,
                state: AttentionState::SetAside,
                first_at: r.get(5)?,
                last_at: r.get(6)?,
            },
            state,
        ))
    })?;
    rows.map(|row| {
        let (event, state) = row?;
        AttentionState::parse(&state).ok_or(TillError::Corrupt(state))?;
        Ok(event)
    })
    .collect()
}

/// A set-aside event as the relay sent it (its type and text), to try it again.
pub fn set_aside_event(conn: &Connection, event_id: &str) -> Result<(String, String)> {
    conn.prepare_cached(
        "SELECT kind, payload FROM sync_attention WHERE event_id = ?1 AND state = 'set_aside'",
    )?
    .query_row([event_id], |r| Ok((r.get(0)?, r.get(1)?)))
    .optional()?
    .ok_or_else(|| {
        TillError::invalid(
            "event",
            format!("{event_id} is not an event set aside for attention"),
        )
    })
}

/// Closes a set-aside event: retried and applied, or dismissed with the manager's reason;
/// journaled with who did it.
pub fn resolve_set_aside(
    conn: &mut Connection,
    till_id: &str,
    event_id: &str,
    state: AttentionState,
    note: &str,
    when: &Moment,
) -> Result<()> {
    let tx = crate::db::write(conn)?;
    let n = tx
        .prepare_cached(
            "UPDATE sync_attention SET state = ?2, note = ?3, resolved_by = ?4, last_at = ?5
             WHERE event_id = ?1 AND state = 'set_aside'",
        )?
        .execute(params![
            event_id,
            state.as_str(),
            note,
            when.staff_id(),
            when.at
        ])?;
    if n == 0 {
        return Err(TillError::invalid(
            "event",
            format!("{event_id} is not an event set aside for attention"),
        ));
    }
    let kind = match state {
        AttentionState::Dismissed => "event_dismissed",
        _ => "event_retried",
    };
    journal::append(
        &tx,
        till_id,
        when,
        kind,
        event_id,
        &serde_json::json!({ "note": note }),
    )?;
    tx.commit()?;
    Ok(())
}

/// This till's card payment made on the PaymentIntent `intent_id`, if any.
pub fn card_payment_by_intent(
    conn: &Connection,
    intent_id: &str,
) -> Result<Option<CardPaymentRef>> {
    Ok(conn
        .prepare_cached(
            "SELECT p.id, o.id, o.till_id, o.number, o.status, p.amount, o.disputed, p.status
             FROM payments p JOIN orders o ON o.id = p.order_id
             WHERE p.intent_id = ?1 AND p.tender = 'card'",
        )?
        .query_row([intent_id], |r| {
            let till: String = r.get(2)?;
            let order_id: String = r.get(1)?;
            Ok(CardPaymentRef {
                payment_id: r.get(0)?,
                receipt: stored_receipt(&till, r.get(3)?, &order_id),
                order_id,
                order_status: r.get(4)?,
                payment_status: r.get(7)?,
                amount: r.get(5)?,
                disputed: r.get::<_, i64>(6)? != 0,
            })
        })
        .optional()?)
}

/// This till's card payment with the id `payment_id`, if any.
pub fn card_payment(conn: &Connection, payment_id: &str) -> Result<Option<CardPaymentRef>> {
    Ok(conn
        .prepare_cached(
            "SELECT p.id, o.id, o.till_id, o.number, o.status, p.amount, o.disputed, p.status
             FROM payments p JOIN orders o ON o.id = p.order_id
             WHERE p.id = ?1 AND p.tender = 'card'",
        )?
        .query_row([payment_id], |r| {
            let till: String = r.get(2)?;
            let order_id: String = r.get(1)?;
            Ok(CardPaymentRef {
                payment_id: r.get(0)?,
                receipt: stored_receipt(&till, r.get(3)?, &order_id),
                order_id,
                order_status: r.get(4)?,
                payment_status: r.get(7)?,
                amount: r.get(5)?,
                disputed: r.get::<_, i64>(6)? != 0,
            })
        })
        .optional()?)
}

/// Flags the order paid on `intent_id` as disputed by the card holder (open), with an
/// `order_disputed` journal entry. None when no card payment of this till was made on it;
/// flagging an order already flagged changes nothing and journals nothing.
pub fn flag_dispute(
    conn: &mut Connection,
    intent_id: &str,
    reason: &str,
    when: &Moment,
) -> Result<Option<CardPaymentRef>> {
    Ok(record_dispute(conn, intent_id, None, "open", reason, when)?.map(|(found, _)| found))
}

/// Notes where a dispute of the order paid on `intent_id` stands (`open`, `won`, `lost`), with
/// an `order_disputed` journal entry when it changed. None when no card payment of this till was
/// made on it; otherwise the payment and whether anything changed.
pub fn record_dispute(
    conn: &mut Connection,
    intent_id: &str,
    dispute_id: Option<&str>,
    status: &str,
    reason: &str,
    when: &Moment,
) -> Result<Option<(CardPaymentRef, bool)>> {
    let tx = crate::db::write(conn)?;
    let Some(mut found) = card_payment_by_intent(&tx, intent_id)? else {
        return Ok(None);
    };
    let before: Option<String> = tx
        .prepare_cached("SELECT dispute_status FROM orders WHERE id = ?1")?
        .query_row([&found.order_id], |r| r.get(0))?;
    // Once closed, a dispute stays as Stripe closed it; an open one is noted once.
    let settled = matches!(before.as_deref(), Some("won" | "lost"));
    if settled || before.as_deref() == Some(status) {
        return Ok(Some((found, false)));
    }
    tx.prepare_cached(
        "UPDATE orders SET disputed = 1, dispute_reason = ?2, dispute_status = ?3,
             dispute_id = coalesce(?4, dispute_id)
         WHERE id = ?1",
    )?
    .execute(params![found.order_id, reason, status, dispute_id])?;
    let till: String = tx
        .prepare_cached("SELECT till_id FROM orders WHERE id = ?1")?
        .query_row([&found.order_id], |r| r.get(0))?;
    let mut entry = serde_json::json!({
        "payment_id": found.payment_id, "intent_id": intent_id, "reason": reason,
    });
    if status != "open" || dispute_id.is_some() {
        entry["status"] = serde_json::json!(status);
        entry["dispute_id"] = serde_json::json!(dispute_id);
    }
    journal::append(&tx, &till, when, "order_disputed", &found.order_id, &entry)?;
    tx.commit()?;
    found.disputed = true;
    Ok(Some((found, true)))
}

/// Why an order was disputed, if it was.
pub fn dispute_reason(conn: &Connection, order_id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT dispute_reason FROM orders WHERE id = ?1 AND disputed = 1")?
        .query_row([order_id], |r| r.get(0))
        .optional()?
        .flatten())
}

/// Money moved, or a payment questioned, at Stripe rather than at the till: a refund made at
/// Stripe (the Dashboard, Stripe's support, a lost dispute) or a card holder's dispute.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct ChangeAtStripe {
    pub order_id: String,
    pub receipt: String,
    /// `refund` or `dispute`.
    pub kind: String,
    /// A refund: the amount given back, in minor units; a dispute: none.
    pub amount: Option<i64>,
    pub currency: String,
    /// A dispute: `open`, `won` or `lost`; a refund: none.
    pub status: Option<String>,
    pub reason: Option<String>,
    /// Stripe's id for it (`re_…`, `dp_…`).
    pub stripe_id: Option<String>,
    /// When the till booked it (a refund), or when the order was sold (a dispute).
    pub at: String,
}

/// The newest `limit` changes made at Stripe, newest first.
pub fn changes_at_stripe(conn: &Connection, limit: i64) -> Result<Vec<ChangeAtStripe>> {
    let mut stmt = conn.prepare_cached(
        "SELECT * FROM (
             SELECT o.id, o.till_id, o.number, 'refund', r.amount, o.currency, NULL,
                 CASE WHEN r.stripe_refund_id LIKE 'dp_%' THEN 'dispute lost'
                      ELSE 'refunded at Stripe' END,
                 r.stripe_refund_id, r.created_at AS at
             FROM refunds r JOIN orders o ON o.id = r.order_id
             WHERE r.stripe_refund_id IS NOT NULL
             UNION ALL
             SELECT o.id, o.till_id, o.number, 'dispute', NULL, o.currency, o.dispute_status,
                 o.dispute_reason, o.dispute_id, o.created_at AS at
             FROM orders o WHERE o.dispute_status IS NOT NULL)
         ORDER BY at DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit.clamp(1, 1000)], |r| {
        let till: String = r.get(1)?;
        let order_id: String = r.get(0)?;
        Ok(ChangeAtStripe {
            receipt: stored_receipt(&till, r.get(2)?, &order_id),
            order_id,
            kind: r.get(3)?,
            amount: r.get(4)?,
            currency: r.get(5)?,
            status: r.get(6)?,
            reason: r.get(7)?,
            stripe_id: r.get(8)?,
            at: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}
