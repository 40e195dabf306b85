//! Customers and their VIP points ledger.

use crate::error::{Result, TillError};
use crate::sales::Moment;
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use serde::Serialize;
use ts_rs::TS;
use versapos_core::CustomerId;

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
    "SELECT id, name, email, phone, card_uid, points_balance, created_at FROM customers";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Customer> {
    Ok(Customer {
        id: CustomerId(r.get(0)?),
        name: r.get(1)?,
        email: r.get(2)?,
        phone: r.get(3)?,
        card_uid: r.get(4)?,
        points_balance: r.get(5)?,
        created_at: r.get(6)?,
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
    let email = clean(&c.email);
    if let Some(e) = &email {
        let ok = e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !e.chars().any(char::is_whitespace)
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

pub fn add(conn: &Connection, c: &NewCustomer, when: &Moment) -> Result<Customer> {
    let at = when.at.as_str();
    let c = validate(c)?;
    conn.execute(
        "INSERT INTO customers (name, email, phone, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![c.name, c.email, c.phone, at],
    )?;
    get(conn, CustomerId(conn.last_insert_rowid()))
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
        "{SELECT} WHERE ?1 IS NULL OR name LIKE ?1 ESCAPE '\\' OR email LIKE ?1 ESCAPE '\\'
         OR phone LIKE ?1 ESCAPE '\\' ORDER BY name COLLATE NOCASE, id LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![pattern, limit], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn ledger(conn: &Connection, id: CustomerId) -> Result<Vec<PointsEntry>> {
    get(conn, id)?;
    let mut stmt = conn.prepare_cached(
        "SELECT l.at, l.kind, l.points, l.balance_after, l.order_id, l.note,
             o.till_id || '-' || printf('%06d', o.number)
         FROM points_ledger l LEFT JOIN orders o ON o.id = l.order_id
         WHERE l.customer_id = ?1 ORDER BY l.id",
    )?;
    let rows = stmt.query_map([id.0], |r| {
        Ok(PointsEntry {
            at: r.get(0)?,
            kind: r.get(1)?,
            points: r.get(2)?,
            balance_after: r.get(3)?,
            order_id: r.get(4)?,
            receipt: r.get(6)?,
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
