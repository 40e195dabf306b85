//! The cash drawer's openings: once for a sale or a refund with a cash part, and each "No sale"
//! (journaled with who opened it and the manager who approved it). Counted for the shift's cash-up.

use crate::error::Result;
use crate::journal;
use crate::moment::Moment;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

/// Why the drawer opens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum DrawerReason {
    /// A sale with a cash part: opens once, the first time its receipt is printed (or the sale
    /// finished, when no receipt prints).
    Sale { order_id: String },
    /// A refund with cash given back.
    Refund { refund_id: String },
    /// Opened with no sale: a permission, journaled.
    NoSale,
}

/// Whether the drawer already opened for this sale or refund (a No sale opens every time).
pub fn already_opened(conn: &Connection, reason: &DrawerReason) -> Result<bool> {
    let found = match reason {
        DrawerReason::Sale { order_id } => conn
            .prepare_cached(
                "SELECT 1 FROM drawer_openings WHERE reason = 'sale' AND order_id = ?1",
            )?
            .query_row([order_id], |_| Ok(()))
            .optional()?,
        DrawerReason::Refund { refund_id } => conn
            .prepare_cached(
                "SELECT 1 FROM drawer_openings WHERE reason = 'refund' AND refund_id = ?1",
            )?
            .query_row([refund_id], |_| Ok(()))
            .optional()?,
        DrawerReason::NoSale => None,
    };
    Ok(found.is_some())
}

/// Records that the drawer opened. A sale's or refund's opening is recorded once (a second
/// record of the same one is ignored); a No sale is journaled with who and who approved.
pub fn record_opening(
    conn: &mut Connection,
    till: &str,
    reason: &DrawerReason,
    when: &Moment,
) -> Result<()> {
    let tx = crate::db::write(conn)?;
    let (kind, order_id, refund_id) = match reason {
        DrawerReason::Sale { order_id } => ("sale", Some(order_id.as_str()), None),
        DrawerReason::Refund { refund_id } => ("refund", None, Some(refund_id.as_str())),
        DrawerReason::NoSale => ("no_sale", None, None),
    };
    let order_id = match (order_id, refund_id) {
        (None, Some(refund)) => tx
            .query_row(
                "SELECT order_id FROM refunds WHERE id = ?1",
                [refund],
                |r| r.get::<_, String>(0),
            )
            .optional()?,
        (order, _) => order.map(str::to_string),
    };
    let inserted = tx.execute(
        "INSERT OR IGNORE INTO drawer_openings (reason, order_id, refund_id, till_id, staff_id,
             approved_by, opened_at, business_day)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            kind,
            order_id.as_deref(),
            refund_id,
            till,
            when.staff.as_ref().map(|a| a.id),
            when.approved_by.as_ref().map(|a| a.id),
            when.at,
            when.business_day,
        ],
    )?;
    if inserted == 1 && kind == "no_sale" {
        journal::append(
            &tx,
            till,
            when,
            "no_sale",
            "",
            &serde_json::json!({ "drawer": "opened" }),
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// How many times the drawer opened on a business day at a till, by reason.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, TS)]
pub struct DrawerCounts {
    pub sales: i64,
    pub refunds: i64,
    pub no_sales: i64,
}

pub fn openings_on(conn: &Connection, till: &str, business_day: &str) -> Result<DrawerCounts> {
    let mut counts = DrawerCounts::default();
    let mut stmt = conn.prepare_cached(
        "SELECT reason, count(*) FROM drawer_openings WHERE business_day = ?1 AND till_id = ?2
         GROUP BY reason",
    )?;
    let rows = stmt.query_map([business_day, till], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
    })?;
    for row in rows {
        let (reason, n) = row?;
        match reason.as_str() {
            "sale" => counts.sales = n,
            "refund" => counts.refunds = n,
            _ => counts.no_sales = n,
        }
    }
    Ok(counts)
}
