//! Customers, their VIP cards and their points ledger.

use crate::error::{Result, TillError};
use crate::journal;
use crate::moment::Moment;
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use serde::Serialize;
use ts_rs::TS;
use versapos_core::{CardUid, CustomerId};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct Customer {
    #[ts(type = "number")]
    pub id: CustomerId,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub card_uid: Option<String>,
    pub points_balance: i64,
    pub created_at: String,
    /// When their personal data was erased (they are then shown by number alone).
    pub erased_at: Option<String>,
}

/// One line of a customer's points history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct PointsEntry {
    pub at: String,
    pub kind: String,
    pub points: i64,
    pub balance_after: i64,
    pub order_id: Option<String>,
    /// The order's receipt number ("T1-000042"), as the customer's receipt shows it.
    pub receipt: Option<String>,
    pub note: Option<String>,
}

/// What a new customer is enrolled with; validated before anything is written.
#[derive(Clone, Debug, Default)]
pub struct NewCustomer {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

const SELECT: &str =
    "SELECT id, name, email, phone, card_uid, points_balance, created_at, erased_at FROM customers";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Customer> {
    Ok(Customer {
        id: CustomerId(r.get(0)?),
        name: r.get(1)?,
        email: r.get(2)?,
        phone: r.get(3)?,
        card_uid: r.get(4)?,
        points_balance: r.get(5)?,
        created_at: r.get(6)?,
        erased_at: r.get(7)?,
    })
}

fn clean(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Checks a customer's details; returns them trimmed.
pub fn validate(c: &NewCustomer) -> Result<NewCustomer> {
    let name = c.name.trim().to_string();
    if name.is_empty() {
        return Err(TillError::invalid("name", "must not be empty"));
    }
    if name.chars().count() > 200 {
        return Err(TillError::invalid("name", "is longer than 200 characters"));
    }
    if let Some(c) = versapos_core::text::hidden_character(&name) {
        return Err(TillError::invalid(
            "name",
            versapos_core::text::hidden_character_message(c),
        ));
    }
    let email = clean(&c.email);
    if let Some(e) = &email {
        let ok = e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !e.chars().any(char::is_whitespace)
                && versapos_core::text::hidden_character(e).is_none()
        });
        if !ok {
            return Err(TillError::invalid(
                "email",
                format!("'{e}' is not an email address"),
            ));
        }
    }
    let phone = clean(&c.phone);
    if let Some(p) = &phone {
        let digits = p.chars().filter(char::is_ascii_digit).count();
        let allowed = p
            .chars()
            .all(|ch| ch.is_ascii_digit() || " +-().".contains(ch));
        if !allowed || !(6..=15).contains(&digits) {
            return Err(TillError::invalid(
                "phone",
                format!("'{p}' is not a phone number (6 to 15 digits, with + - ( ) . or spaces)"),
            ));
        }
    }
    Ok(NewCustomer { name, email, phone })
}

/// Enrols a customer, with their VIP card when they are given one: both or neither.
pub fn add(
    conn: &mut Connection,
    c: &NewCustomer,
    card: Option<&CardUid>,
    when: &Moment,
) -> Result<Customer> {
    let at = when.at.as_str();
    let c = validate(c)?;
    let tx = crate::db::write(conn)?;
    tx.execute(
        "INSERT INTO customers (name, email, phone, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![c.name, c.email, c.phone, at],
    )?;
    let id = CustomerId(tx.last_insert_rowid());
    if let Some(uid) = card {
        link_card(&tx, id, uid)?;
    }
    let customer = get(&tx, id)?;
    tx.commit()?;
    Ok(customer)
}

/// A customer's details changed: name, email and phone as given (`None`: left as they are; an
/// empty email or phone takes it off). Checked as a new customer's are; journaled with which
/// fields changed, never their values (the journal outlives an erasure).
pub fn edit(
    conn: &mut Connection,
    till: &str,
    id: CustomerId,
    change: &CustomerChange,
    when: &Moment,
) -> Result<Customer> {
    let tx = crate::db::write(conn)?;
    let before = live(&tx, id)?;
    let next = validate(&NewCustomer {
        name: change.name.clone().unwrap_or_else(|| before.name.clone()),
        email: change.email.clone().or_else(|| before.email.clone()),
        phone: change.phone.clone().or_else(|| before.phone.clone()),
    })?;
    let mut fields = Vec::new();
    if next.name != before.name {
        fields.push("name");
    }
    if next.email != before.email {
        fields.push("email");
    }
    if next.phone != before.phone {
        fields.push("phone");
    }
    if !fields.is_empty() {
        tx.prepare_cached("UPDATE customers SET name = ?1, email = ?2, phone = ?3 WHERE id = ?4")?
            .execute(params![next.name, next.email, next.phone, id.0])?;
        journal::append(
            &tx,
            till,
            when,
            "customer_edit",
            &id.0.to_string(),
            &serde_json::json!({ "customer_id": id.0, "fields": fields }),
        )?;
    }
    let customer = get(&tx, id)?;
    tx.commit()?;
    Ok(customer)
}

/// What [`edit`] changes: `None` leaves a field as it is; `Some("")` takes an email or phone off.
#[derive(Clone, Debug, Default)]
pub struct CustomerChange {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// Two records of one person made one: `other`'s orders, parked sales and points go to `keep`
/// (the points through two ledger entries, the ledger being append-only), its card too when
/// `keep` has none (else `other`'s card is blocked: one person, one card), and `other` stays
/// only as a pointer to `keep`. All or nothing; journaled with the two ids and the points moved.
pub fn merge(
    conn: &mut Connection,
    till: &str,
    keep: CustomerId,
    other: CustomerId,
    when: &Moment,
) -> Result<Customer> {
    if keep == other {
        return Err(TillError::invalid(
            "other",
            "a customer cannot be merged into themselves",
        ));
    }
    let tx = crate::db::write(conn)?;
    let kept = live(&tx, keep)?;
    let gone = live(&tx, other)?;
    for table in ["orders", "parked_carts"] {
        tx.execute(
            &format!("UPDATE {table} SET customer_id = ?1 WHERE customer_id = ?2"),
            params![keep.0, other.0],
        )?;
    }
    let points = gone.points_balance;
    let key = format!("merge:{}:{}", other.0, keep.0);
    post_points(
        &tx,
        other,
        &format!("{key}:out"),
        None,
        "adjust",
        -points,
        &when.at,
    )?;
    post_points(
        &tx,
        keep,
        &format!("{key}:in"),
        None,
        "adjust",
        points,
        &when.at,
    )?;
    let mut card = gone.card_uid.clone();
    if let Some(uid) = &gone.card_uid {
        let uid = parse_card_uid(uid, "card")?;
        set_card(&tx, other, None)?;
        if kept.card_uid.is_none() {
            set_card(&tx, keep, Some(&uid))?;
        } else {
            insert_blocked(
                &tx,
                &uid,
                Some(other),
                Some("merged into another customer"),
                when,
            )?;
            card = None;
        }
    }
    tx.prepare_cached("UPDATE customers SET merged_into = ?1 WHERE id = ?2")?
        .execute(params![keep.0, other.0])?;
    journal::append(
        &tx,
        till,
        when,
        "customer_merge",
        &keep.0.to_string(),
        &serde_json::json!({
            "customer_id": keep.0,
            "merged": other.0,
            "points": points,
            "card_moved": card.is_some(),
        }),
    )?;
    let customer = get(&tx, keep)?;
    tx.commit()?;
    Ok(customer)
}

/// A customer's personal data erased (a right-to-erasure request): name, email and phone go,
/// their card is blocked (it must never find anyone again), and the record keeps only its id,
/// points and orders, so every figure and the ledger stay as they were. Journaled with the id
/// alone. Erasing twice changes nothing more.
pub fn erase(conn: &mut Connection, till: &str, id: CustomerId, when: &Moment) -> Result<Customer> {
    let tx = crate::db::write(conn)?;
    let customer = get(&tx, id)?;
    if customer.erased_at.is_some() {
        tx.commit()?;
        return Ok(customer);
    }
    if let Some(uid) = &customer.card_uid {
        let uid = parse_card_uid(uid, "card")?;
        set_card(&tx, id, None)?;
        insert_blocked(&tx, &uid, Some(id), Some("customer erased"), when)?;
    }
    tx.prepare_cached(
        "UPDATE customers SET name = ?1, email = NULL, phone = NULL, erased_at = ?2 WHERE id = ?3",
    )?
    .execute(params![erased_name(id), when.at, id.0])?;
    // A parked sale may hold the name in its cart: the customer is taken off it.
    tx.prepare_cached("UPDATE parked_carts SET customer_id = NULL WHERE customer_id = ?1")?
        .execute([id.0])?;
    journal::append(
        &tx,
        till,
        when,
        "customer_erase",
        &id.0.to_string(),
        &serde_json::json!({ "customer_id": id.0 }),
    )?;
    let customer = get(&tx, id)?;
    tx.commit()?;
    Ok(customer)
}

/// The name an erased customer is shown by: their number alone.
pub fn erased_name(id: CustomerId) -> String {
    format!("Erased customer {}", id.0)
}

/// A customer who can still be changed: not merged into another, not erased.
fn live(conn: &Connection, id: CustomerId) -> Result<Customer> {
    let c = get(conn, id)?;
    let merged: Option<i64> = conn
        .prepare_cached("SELECT merged_into FROM customers WHERE id = ?1")?
        .query_row([id.0], |r| r.get(0))?;
    if let Some(into) = merged {
        return Err(TillError::invalid(
            "customer",
            format!(
                "customer {} was merged into customer {into}: change that one",
                id.0
            ),
        ));
    }
    if c.erased_at.is_some() {
        return Err(TillError::invalid(
            "customer",
            format!(
                "customer {} was erased: nothing about them is kept to change",
                id.0
            ),
        ));
    }
    Ok(c)
}

pub fn get(conn: &Connection, id: CustomerId) -> Result<Customer> {
    conn.prepare_cached(&format!("{SELECT} WHERE id = ?1"))?
        .query_row([id.0], from_row)
        .optional()?
        .ok_or(TillError::UnknownCustomer(id.0))
}

/// Customers by name, email or phone containing the text; all of them when it is empty.
pub fn list(conn: &Connection, text: Option<&str>, limit: i64) -> Result<Vec<Customer>> {
    let pattern = text.map(|t| {
        format!(
            "%{}%",
            t.trim()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        )
    });
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE merged_into IS NULL AND (?1 IS NULL OR name LIKE ?1 ESCAPE '\\'
         OR email LIKE ?1 ESCAPE '\\' OR phone LIKE ?1 ESCAPE '\\')
         ORDER BY name COLLATE NOCASE, id LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![pattern, limit], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn ledger(conn: &Connection, id: CustomerId) -> Result<Vec<PointsEntry>> {
    get(conn, id)?;
    let mut stmt = conn.prepare_cached(
        "SELECT l.at, l.kind, l.points, l.balance_after, l.order_id, l.note, o.till_id, o.number
         FROM points_ledger l LEFT JOIN orders o ON o.id = l.order_id
         WHERE l.customer_id = ?1 ORDER BY l.id",
    )?;
    let rows = stmt.query_map([id.0], |r| {
        let order_id: Option<String> = r.get(4)?;
        let till: Option<String> = r.get(6)?;
        // The receipt as every other view names it (a sale never paid by its name).
        let receipt = match (&order_id, &till) {
            (Some(order), Some(till)) => Some(crate::sales::stored_receipt(till, r.get(7)?, order)),
            _ => None,
        };
        Ok(PointsEntry {
            at: r.get(0)?,
            kind: r.get(1)?,
            points: r.get(2)?,
            balance_after: r.get(3)?,
            order_id,
            receipt,
            note: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The outcome of posting points.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Posted {
    /// Points actually moved (0 when the key was already posted).
    pub points: i64,
    /// Points that could not be taken back because the customer had already spent them.
    pub shortfall: i64,
}

/// Posts points to a customer exactly once per `key`, inside the caller's transaction.
///
/// A negative posting never takes the balance below zero: what cannot be taken back is
/// reported as a shortfall and written in the ledger note.
#[allow(clippy::too_many_arguments)]
pub(crate) fn post_points(
    tx: &Transaction<'_>,
    customer: CustomerId,
    key: &str,
    order_id: Option<&str>,
    kind: &str,
    points: i64,
    at: &str,
) -> Result<Posted> {
    if points == 0 {
        return Ok(Posted::default());
    }
    let balance: i64 = tx
        .prepare_cached("SELECT points_balance FROM customers WHERE id = ?1")?
        .query_row([customer.0], |r| r.get(0))
        .optional()?
        .ok_or(TillError::UnknownCustomer(customer.0))?;
    let applied = if points < 0 {
        points.max(-balance)
    } else {
        points
    };
    let shortfall = applied - points;
    let after = balance
        .checked_add(applied)
        .ok_or_else(|| TillError::invalid("points", "too many points"))?;
    let note = (shortfall > 0).then(|| format!("{shortfall} points already spent, not taken back"));
    let inserted = tx
        .prepare_cached(
            "INSERT INTO points_ledger (key, customer_id, order_id, kind, points, balance_after,
                 note, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (key) DO NOTHING",
        )?
        .execute(params![
            key, customer.0, order_id, kind, applied, after, note, at
        ])?;
    if inserted == 0 {
        return Ok(Posted::default());
    }
    tx.prepare_cached("UPDATE customers SET points_balance = ?1 WHERE id = ?2")?
        .execute(params![after, customer.0])?;
    Ok(Posted {
        points: applied,
        shortfall,
    })
}

/// Reads a card UID as typed or read; refused naming `field`.
pub fn parse_card_uid(text: &str, field: &str) -> Result<CardUid> {
    CardUid::parse(text).map_err(|e| TillError::invalid(field, e.to_string()))
}

/// What a tapped card says about who is at the till.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CardLookup {
    /// A VIP's card: the customer, with their points balance.
    Vip(Customer),
    /// A card reported lost: it identifies nobody (the customer is found by name instead).
    Blocked {
        blocked_at: String,
        reason: Option<String>,
    },
    /// A card the till has never seen: one to enrol.
    Unknown,
}

/// A card a manager blocked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct BlockedCard {
    pub uid: String,
    /// Whose card it was (None for a card that was never linked).
    #[ts(type = "number | null")]
    pub customer_id: Option<CustomerId>,
    pub blocked_at: String,
    /// Who blocked it.
    pub blocked_by: Option<String>,
    pub reason: Option<String>,
}

/// A blocked card's row: whose it was, when and why.
struct BlockedRow {
    customer_id: Option<i64>,
    blocked_at: String,
    reason: Option<String>,
}

fn blocked(conn: &Connection, uid: &CardUid) -> Result<Option<BlockedRow>> {
    Ok(conn
        .prepare_cached("SELECT customer_id, blocked_at, reason FROM blocked_cards WHERE uid = ?1")?
        .query_row([uid.as_str()], |r| {
            Ok(BlockedRow {
                customer_id: r.get(0)?,
                blocked_at: r.get(1)?,
                reason: r.get(2)?,
            })
        })
        .optional()?)
}

fn holder(conn: &Connection, uid: &CardUid) -> Result<Option<Customer>> {
    Ok(conn
        .prepare_cached(&format!("{SELECT} WHERE card_uid = ?1"))?
        .query_row([uid.as_str()], from_row)
        .optional()?)
}

/// Who a card belongs to: a blocked card answers blocked whatever else the store holds.
pub fn by_card(conn: &Connection, uid: &CardUid) -> Result<CardLookup> {
    if let Some(b) = blocked(conn, uid)? {
        return Ok(CardLookup::Blocked {
            blocked_at: b.blocked_at,
            reason: b.reason,
        });
    }
    Ok(match holder(conn, uid)? {
        Some(c) => CardLookup::Vip(c),
        None => CardLookup::Unknown,
    })
}

/// Refuses a card that may not go to a customer: blocked, or another customer's.
fn check_free(
    conn: &Connection,
    field: &'static str,
    uid: &CardUid,
    for_customer: CustomerId,
) -> Result<()> {
    if blocked(conn, uid)?.is_some() {
        return Err(TillError::CardBlocked {
            field,
            uid: uid.to_string(),
        });
    }
    if holder(conn, uid)?.is_some_and(|c| c.id != for_customer) {
        return Err(TillError::CardInUse {
            field,
            uid: uid.to_string(),
        });
    }
    Ok(())
}

fn set_card(tx: &Transaction<'_>, id: CustomerId, uid: Option<&CardUid>) -> Result<()> {
    tx.prepare_cached("UPDATE customers SET card_uid = ?1 WHERE id = ?2")?
        .execute(params![uid.map(CardUid::as_str), id.0])?;
    Ok(())
}

/// Links a card to a customer who has none; linking their own card again changes nothing.
pub fn link_card(tx: &Transaction<'_>, id: CustomerId, uid: &CardUid) -> Result<Customer> {
    let customer = get(tx, id)?;
    check_free(tx, "uid", uid, id)?;
    match customer.card_uid.as_deref() {
        Some(own) if own == uid.as_str() => return Ok(customer),
        Some(own) => {
            return Err(TillError::invalid(
                "uid",
                format!(
                    "{} already has card {own}: a manager replaces a lost card (block the old \
                     one and link the new one in one go)",
                    customer.name
                ),
            ))
        }
        None => {}
    }
    set_card(tx, id, Some(uid))?;
    get(tx, id)
}

fn insert_blocked(
    tx: &Transaction<'_>,
    uid: &CardUid,
    customer: Option<CustomerId>,
    reason: Option<&str>,
    when: &Moment,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO blocked_cards (uid, customer_id, blocked_at, staff_id, approved_by, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        uid.as_str(),
        customer.map(|c| c.0),
        when.at,
        when.staff_id(),
        when.approver_id(),
        reason
    ])?;
    Ok(())
}

fn blocked_card(conn: &Connection, uid: &CardUid) -> Result<BlockedCard> {
    Ok(conn
        .prepare_cached(
            "SELECT b.uid, b.customer_id, b.blocked_at, s.name, b.reason
             FROM blocked_cards b LEFT JOIN staff s ON s.id = b.staff_id WHERE b.uid = ?1",
        )?
        .query_row([uid.as_str()], |r| {
            Ok(BlockedCard {
                uid: r.get(0)?,
                customer_id: r.get::<_, Option<i64>>(1)?.map(CustomerId),
                blocked_at: r.get(2)?,
                blocked_by: r.get(3)?,
                reason: r.get(4)?,
            })
        })?)
}

/// A reason as typed: trimmed, empty meaning none, at most 200 characters.
fn clean_reason(reason: Option<&str>) -> Result<Option<String>> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if reason.is_some_and(|r| r.chars().count() > 200) {
        return Err(TillError::invalid(
            "reason",
            "is longer than 200 characters",
        ));
    }
    Ok(reason.map(str::to_string))
}

/// Blocks a lost card: it comes off its customer (who keeps their points) and can never be
/// linked again. Blocking a blocked card again changes nothing. Journaled.
pub fn block_card(
    conn: &mut Connection,
    till: &str,
    uid: &CardUid,
    reason: Option<&str>,
    when: &Moment,
) -> Result<BlockedCard> {
    let reason = clean_reason(reason)?;
    let tx = crate::db::write(conn)?;
    if blocked(&tx, uid)?.is_none() {
        let customer = holder(&tx, uid)?;
        if let Some(c) = &customer {
            set_card(&tx, c.id, None)?;
        }
        let customer_id = customer.map(|c| c.id);
        insert_blocked(&tx, uid, customer_id, reason.as_deref(), when)?;
        journal::append(
            &tx,
            till,
            when,
            "card_block",
            uid.as_str(),
            &serde_json::json!({
                "uid": uid.as_str(),
                "customer_id": customer_id.map(|c| c.0),
                "reason": reason,
            }),
        )?;
    }
    let card = blocked_card(&tx, uid)?;
    tx.commit()?;
    Ok(card)
}

/// Replaces a lost card: `old` is blocked and `new` linked to the same customer in one
/// transaction, so their points balance goes with them to the new card. `old` may already be
/// blocked (reported lost before the new card was at hand). Journaled.
pub fn replace_card(
    conn: &mut Connection,
    till: &str,
    old: &CardUid,
    new: &CardUid,
    when: &Moment,
) -> Result<Customer> {
    if old == new {
        return Err(TillError::invalid(
            "new_uid",
            format!("the new card must be another card than {old}"),
        ));
    }
    let tx = crate::db::write(conn)?;
    let (customer, was_blocked) = match (holder(&tx, old)?, blocked(&tx, old)?) {
        (Some(c), _) => (c, false),
        (
            None,
            Some(BlockedRow {
                customer_id: Some(id),
                ..
            }),
        ) => (get(&tx, CustomerId(id))?, true),
        _ => {
            return Err(TillError::invalid(
                "old_uid",
                format!("card {old} is not any customer's card"),
            ))
        }
    };
    if was_blocked && customer.card_uid.is_some() {
        return Err(TillError::invalid(
            "old_uid",
            format!(
                "card {old} was blocked and {} has a new card already",
                customer.name
            ),
        ));
    }
    check_free(&tx, "new_uid", new, customer.id)?;
    if !was_blocked {
        set_card(&tx, customer.id, None)?;
        insert_blocked(&tx, old, Some(customer.id), Some("replaced"), when)?;
    }
    set_card(&tx, customer.id, Some(new))?;
    journal::append(
        &tx,
        till,
        when,
        "card_replace",
        new.as_str(),
        &serde_json::json!({
            "old_uid": old.as_str(),
            "new_uid": new.as_str(),
            "customer_id": customer.id.0,
            "points_balance": customer.points_balance,
        }),
    )?;
    let customer = get(&tx, customer.id)?;
    tx.commit()?;
    Ok(customer)
}
