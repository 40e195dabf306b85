//! Shifts and cash-up: a shift opened with a counted float, the cash paid in and out and dropped
//! to the safe during it, the cash the drawer should hold, and the close that counts the drawer
//! and makes the Z report.
//!
//! Sales, refunds, voids and the drawer's openings are stamped with the shift open when they are
//! written (triggers in migration 0016, whichever code path writes them), so the cash expected is
//! the float plus the shift's own cash. A Z covers every order, refund and void that is in no Z
//! yet (each is in exactly one), takes the next number of the till's gapless series, carries the
//! perpetual grand total, and is stored as it was printed: it is read back, never recomputed.

use crate::error::{Result, TillError};
use crate::journal;
use crate::moment::Moment;
use crate::shop::Shop;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use ts_rs::TS;
use versapos_core::shift::{
    self, CardBrandTotal, CashCount, CloseDecision, CloseRequest, CloseRules, CountLine,
    CountValue, Reason, ShiftTotals, TaxTotal, ZNumber,
};
use versapos_core::Money;

/// Cash put in or taken out of the drawer besides sales and refunds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MovementKind {
    PaidIn,
    PaidOut,
    Drop,
}

impl MovementKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MovementKind::PaidIn => "paid_in",
            MovementKind::PaidOut => "paid_out",
            MovementKind::Drop => "drop",
        }
    }

    fn parse(s: &str) -> Option<MovementKind> {
        match s {
            "paid_in" => Some(MovementKind::PaidIn),
            "paid_out" => Some(MovementKind::PaidOut),
            "drop" => Some(MovementKind::Drop),
            _ => None,
        }
    }

    /// What the journal calls it.
    fn journal_kind(self) -> &'static str {
        match self {
            MovementKind::PaidIn => "cash_paid_in",
            MovementKind::PaidOut => "cash_paid_out",
            MovementKind::Drop => "safe_drop",
        }
    }
}

/// One paid in, paid out or safe drop.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct MovementView {
    pub kind: MovementKind,
    pub amount: i64,
    pub reason: Option<String>,
    pub staff: Option<String>,
    pub at: String,
}

/// A shift as the till shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct ShiftView {
    pub id: i64,
    pub till_id: String,
    pub opened_at: String,
    pub opened_by: Option<String>,
    pub float: i64,
    pub float_count: Vec<CountLine>,
    pub movements: Vec<MovementView>,
    pub closed_at: Option<String>,
    pub z_number: Option<i64>,
}

/// A closed shift's Z report, as it was printed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct ZReport {
    pub till_id: String,
    pub z_number: i64,
    pub shift_id: i64,
    pub opened_at: String,
    pub closed_at: String,
    pub closed_by: Option<String>,
    /// The drawer as counted at the close.
    pub count: Vec<CountLine>,
    pub counted: i64,
    pub expected: i64,
    /// Counted − expected: over positive, short negative.
    pub variance: i64,
    pub note: Option<String>,
    pub approved_by: Option<String>,
    pub float_left: i64,
    pub banked: i64,
    pub totals: ShiftTotals,
    /// The report's lines as printed.
    pub printed: Vec<String>,
}

/// One shift in the back office's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct ShiftSummary {
    pub id: i64,
    pub opened_at: String,
    pub opened_by: Option<String>,
    pub closed_at: Option<String>,
    pub z_number: Option<i64>,
    pub counted: Option<i64>,
    pub expected: Option<i64>,
    pub variance: Option<i64>,
}

/// What a close records beside the figures (stored with the Z).
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
struct CloseRecord {
    count: Vec<CountLine>,
    variance: i64,
    note: Option<String>,
    approved_by: Option<String>,
    float_left: i64,
    banked: i64,
    closed_by: Option<String>,
    opened_at: String,
    totals: ShiftTotals,
}

fn staff_name(conn: &Connection, id: Option<i64>) -> Result<Option<String>> {
    match id {
        None => Ok(None),
        Some(id) => Ok(conn
            .prepare_cached("SELECT name FROM staff WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?),
    }
}

fn lines_json(count: &CashCount) -> Result<String> {
    serde_json::to_string(&count.to_lines())
        .map_err(|e| TillError::Corrupt(format!("a cash count as JSON: {e}")))
}

fn read_lines(text: &str) -> Result<Vec<CountLine>> {
    serde_json::from_str(text).map_err(|e| TillError::Corrupt(format!("a stored cash count: {e}")))
}

/// The open shift's id at `till`, if one is open.
pub fn open_id(conn: &Connection, till: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM shifts WHERE till_id = ?1 AND closed_at IS NULL")?
        .query_row([till], |r| r.get(0))
        .optional()?)
}

/// Whether this till has ever opened a shift: from then on, every sale needs an open one.
pub fn in_use(conn: &Connection, till: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM shifts WHERE till_id = ?1 LIMIT 1")?
        .exists([till])?)
}

/// Opens a shift with its float counted; refused while one is open at this till.
pub fn open(
    conn: &mut Connection,
    shop: &Shop,
    float: &CashCount,
    when: &Moment,
) -> Result<ShiftView> {
    if float.currency() != shop.currency {
        return Err(TillError::invalid(
            "float",
            format!(
                "counted in {}, the shop's currency is {}",
                float.currency(),
                shop.currency
            ),
        ));
    }
    let till = shop.till_id.as_str();
    let tx = crate::db::write(conn)?;
    if let Some(id) = open_id(&tx, till)? {
        let at: String = tx.query_row("SELECT opened_at FROM shifts WHERE id = ?1", [id], |r| {
            r.get(0)
        })?;
        return Err(TillError::ShiftOpen { opened_at: at });
    }
    let staff = when.staff.as_ref().map(|a| a.id);
    tx.execute(
        "INSERT INTO shifts (till_id, opened_at, opened_by, float, float_count)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            till,
            when.at,
            staff,
            float.total().minor(),
            lines_json(float)?
        ],
    )?;
    let id = tx.last_insert_rowid();
    if let Some(staff) = staff {
        tx.execute(
            "INSERT INTO shift_staff (shift_id, staff_id, at) VALUES (?1, ?2, ?3)",
            params![id, staff, when.at],
        )?;
    }
    journal::append(
        &tx,
        till,
        when,
        "shift_open",
        &id.to_string(),
        &serde_json::json!({ "float": float.total().minor(), "count": float.to_lines() }),
    )?;
    let view = view(&tx, id)?;
    tx.commit()?;
    Ok(view)
}

/// A shift by id.
pub fn view(conn: &Connection, id: i64) -> Result<ShiftView> {
    #[allow(clippy::type_complexity)]
    let (till_id, opened_at, opened_by, float, float_count, closed_at, z_number): (
        String,
        String,
        Option<i64>,
        i64,
        String,
        Option<String>,
        Option<i64>,
    ) = conn
        .prepare_cached(
            "SELECT till_id, opened_at, opened_by, float, float_count, closed_at, z_number
             FROM shifts WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .optional()?
        .ok_or(TillError::UnknownShift(id))?;
    let mut movements = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT m.kind, m.amount, m.reason, s.name, m.at FROM cash_movements m
         LEFT JOIN staff s ON s.id = m.staff_id WHERE m.shift_id = ?1 ORDER BY m.id",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    for row in rows {
        let (kind, amount, reason, staff, at) = row?;
        movements.push(MovementView {
            kind: MovementKind::parse(&kind)
                .ok_or_else(|| TillError::Corrupt(format!("cash movement kind '{kind}'")))?,
            amount,
            reason,
            staff,
            at,
        });
    }
    Ok(ShiftView {
        id,
        till_id,
        opened_at,
        opened_by: staff_name(conn, opened_by)?,
        float,
        float_count: read_lines(&float_count)?,
        movements,
        closed_at,
        z_number,
    })
}

/// The cash the drawer should hold now: the float, the shift's cash sales less the cash of sales
/// voided during it, less the cash given back by its refunds, plus paid in, less paid out and
/// drops.
pub fn expected_cash(conn: &Connection, shop: &Shop, id: i64) -> Result<Money> {
    let cur = shop.currency;
    let m = |minor: i64| Money::from_minor(minor, cur);
    let float: i64 =
        conn.query_row("SELECT float FROM shifts WHERE id = ?1", [id], |r| r.get(0))?;
    let sold: i64 = conn.query_row(
        "SELECT COALESCE(SUM(p.amount), 0) FROM payments p JOIN orders o ON o.id = p.order_id
         WHERE o.shift_id = ?1 AND p.tender = 'cash' AND p.status = 'succeeded'",
        [id],
        |r| r.get(0),
    )?;
    let voided: i64 = conn.query_row(
        "SELECT COALESCE(SUM(p.amount), 0) FROM orders o INDEXED BY orders_void_shift
         JOIN payments p ON p.order_id = o.id
         WHERE o.void_shift_id = ?1 AND p.tender = 'cash' AND p.status = 'succeeded'",
        [id],
        |r| r.get(0),
    )?;
    let refunded: i64 = conn.query_row(
        "SELECT COALESCE(SUM(t.paid_out), 0) FROM refund_tenders t JOIN refunds r ON r.id = t.refund_id
         WHERE r.shift_id = ?1 AND t.tender = 'cash'",
        [id],
        |r| r.get(0),
    )?;
    let (paid_in, taken_out): (i64, i64) = conn.query_row(
        "SELECT COALESCE(SUM(amount) FILTER (WHERE kind = 'paid_in'), 0),
                COALESCE(SUM(amount) FILTER (WHERE kind <> 'paid_in'), 0)
         FROM cash_movements WHERE shift_id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    // float + cash sales − cash of sales voided − cash refunded + paid in − paid out − drops
    Ok(m(float)
        .checked_add(m(sold))?
        .checked_sub(m(voided))?
        .checked_sub(m(refunded))?
        .checked_add(m(paid_in))?
        .checked_sub(m(taken_out))?)
}

/// Records a paid in, paid out or safe drop in the open shift; journaled. A take-out larger than
/// the cash the drawer should hold is refused.
pub fn add_movement(
    conn: &mut Connection,
    shop: &Shop,
    kind: MovementKind,
    amount: Money,
    reason: Option<&str>,
    when: &Moment,
) -> Result<ShiftView> {
    let till = shop.till_id.as_str();
    if amount.currency() != shop.currency {
        return Err(TillError::invalid("amount", "not in the shop's currency"));
    }
    if amount.minor() <= 0 {
        return Err(TillError::invalid("amount", "must be more than zero"));
    }
    let reason = match (kind, reason) {
        (MovementKind::Drop, None) => None,
        (_, Some(r)) => Some(Reason::new(r)?),
        (_, None) => {
            return Err(TillError::invalid(
                "reason",
                "say why the cash goes in or out (e.g. \"window cleaner\")",
            ))
        }
    };
    let tx = crate::db::write(conn)?;
    let id = open_id(&tx, till)?.ok_or(TillError::NoShiftOpen)?;
    if kind != MovementKind::PaidIn {
        shift::check_take_out(expected_cash(&tx, shop, id)?, amount)?;
    }
    tx.execute(
        "INSERT INTO cash_movements (shift_id, kind, amount, reason, staff_id, approved_by, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            id,
            kind.as_str(),
            amount.minor(),
            reason.as_ref().map(|r| r.as_str()),
            when.staff.as_ref().map(|a| a.id),
            when.approved_by.as_ref().map(|a| a.id),
            when.at,
        ],
    )?;
    journal::append(
        &tx,
        till,
        when,
        kind.journal_kind(),
        &id.to_string(),
        &serde_json::json!({
            "amount": amount.minor(), "reason": reason.as_ref().map(|r| r.as_str()),
        }),
    )?;
    let view = view(&tx, id)?;
    tx.commit()?;
    Ok(view)
}

/// Notes who signed in while a shift is open (a cashier change within the shift).
pub fn note_sign_in(conn: &mut Connection, till: &str, staff_id: i64, at: &str) -> Result<()> {
    let tx = crate::db::write(conn)?;
    if let Some(id) = open_id(&tx, till)? {
        tx.execute(
            "INSERT INTO shift_staff (shift_id, staff_id, at) VALUES (?1, ?2, ?3)",
            params![id, staff_id, at],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// The figures of everything in no Z yet at this till: an X report's (with the open shift's
/// cash), or what a close puts in its Z.
pub fn totals(conn: &Connection, shop: &Shop, shift_id: Option<i64>) -> Result<ShiftTotals> {
    let till = shop.till_id.as_str();
    let cur = shop.currency;
    let mut t = ShiftTotals::new(cur);
    // Sales: orders in no Z that were paid (voided ones count only as voids).
    const SALE: &str = "o.till_id = ?1 AND o.z_number IS NULL
        AND o.status IN ('paid', 'partially_refunded', 'refunded')";
    let (sales, gross, discounts, rounding, earned, redeemed): (i64, i64, i64, i64, i64, i64) =
        conn.query_row(
            &format!(
                "SELECT count(*), COALESCE(SUM(o.total), 0), COALESCE(SUM(o.discount_total), 0),
                    COALESCE(SUM(o.cash_rounding), 0), COALESCE(SUM(o.points_earned), 0),
                    COALESCE(SUM(o.points_redeemed), 0)
                 FROM orders o WHERE {SALE}"
            ),
            [till],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )?;
    t.sales = sales;
    t.gross = gross;
    t.discounts = discounts;
    t.cash_rounding = rounding;
    t.points_earned = earned;
    t.points_redeemed = redeemed;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT l.tax_rate_name, l.tax_basis_points, SUM(l.net), SUM(l.tax), SUM(l.gross)
         FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE {SALE}
         GROUP BY l.tax_rate_name, l.tax_basis_points ORDER BY l.tax_basis_points DESC, l.tax_rate_name"
    ))?;
    t.tax = stmt
        .query_map([till], |r| {
            Ok(TaxTotal {
                name: r.get(0)?,
                basis_points: r.get(1)?,
                net: r.get(2)?,
                tax: r.get(3)?,
                gross: r.get(4)?,
            })
        })?
        .collect::<std::result::Result<_, _>>()?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT p.tender, COALESCE(p.card_brand, 'unknown'), count(*), SUM(p.amount)
         FROM payments p JOIN orders o ON o.id = p.order_id
         WHERE {SALE} AND p.status = 'succeeded' GROUP BY 1, 2 ORDER BY 1, 2"
    ))?;
    let rows = stmt.query_map([till], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
        ))
    })?;
    for row in rows {
        let (tender, brand, count, value) = row?;
        match tender.as_str() {
            "cash" => t.tenders.cash = CountValue { count, value },
            "points" => t.tenders.points = CountValue { count, value },
            _ => t.tenders.cards.push(CardBrandTotal {
                brand,
                count,
                value,
            }),
        }
    }
    let (count, value, refund_tax): (i64, i64, i64) = conn.query_row(
        "SELECT count(*), COALESCE(SUM(amount), 0), COALESCE(SUM(tax), 0) FROM refunds
         WHERE z_number IS NULL",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    t.refunds = CountValue { count, value };
    t.refund_tax = refund_tax;
    let (count, value): (i64, i64) = conn.query_row(
        "SELECT count(*), COALESCE(SUM(total), 0) FROM orders INDEXED BY orders_void_not_in_z
         WHERE till_id = ?1 AND status = 'voided' AND void_z_number IS NULL",
        [till],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    t.voids = CountValue { count, value };
    t.net = Money::from_minor(t.gross, cur)
        .checked_sub(Money::from_minor(t.refunds.value, cur))?
        .minor();
    t.average_sale = shift::average_sale(Money::from_minor(t.net, cur), t.sales)?.minor();
    if let Some(id) = shift_id {
        let mut stmt = conn.prepare_cached(
            "SELECT kind, count(*), SUM(amount) FROM cash_movements WHERE shift_id = ?1 GROUP BY kind",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?;
        for row in rows {
            let (kind, count, value) = row?;
            let cv = CountValue { count, value };
            match kind.as_str() {
                "paid_in" => t.paid_in = cv,
                "paid_out" => t.paid_out = cv,
                _ => t.drops = cv,
            }
        }
        let (openings, no_sales): (i64, i64) = conn.query_row(
            "SELECT count(*), COALESCE(SUM(reason = 'no_sale'), 0) FROM drawer_openings
             WHERE shift_id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        t.drawer_openings = openings;
        t.no_sales = no_sales;
        t.expected = expected_cash(conn, shop, id)?.minor();
    }
    let previous: i64 = conn
        .prepare_cached(
            "SELECT grand_total FROM z_reports WHERE till_id = ?1 ORDER BY z_number DESC LIMIT 1",
        )?
        .query_row([till], |r| r.get(0))
        .optional()?
        .unwrap_or(0);
    t.grand_total = shift::grand_total(
        Money::from_minor(previous, cur),
        Money::from_minor(t.net, cur),
    )?
    .minor();
    // The till's journal head (its newest entry), not a scan of the journal.
    t.journal_position = conn
        .prepare_cached("SELECT seq FROM journal_head WHERE till_id = ?1")?
        .query_row([till], |r| r.get(0))
        .optional()?
        .unwrap_or(0);
    Ok(t)
}

/// What a close is asked to do.
pub struct Close<'a> {
    pub count: &'a CashCount,
    pub float_left: Money,
    pub note: Option<&'a str>,
    /// Whether the person closing may approve an over/short beyond the shop's second tolerance
    /// (their role, or a manager's approval given for it).
    pub manager_approved: bool,
}

/// Closes the open shift: counts the drawer, decides over/short against the shop's tolerances,
/// and makes the Z — in one transaction, so a close stopped at any point leaves the shift open
/// or closed with its Z, never half. `print` lays the Z out as it prints.
pub fn close(
    conn: &mut Connection,
    shop: &Shop,
    request: &Close<'_>,
    rules: &CloseRules,
    print: &dyn Fn(&ZReport) -> Vec<String>,
    when: &Moment,
) -> Result<ZReport> {
    let till = shop.till_id.as_str();
    let tx = crate::db::write(conn)?;
    let id = open_id(&tx, till)?.ok_or(TillError::NoShiftOpen)?;
    refuse_card_in_progress(&tx, till)?;
    let expected = expected_cash(&tx, shop, id)?;
    let decision = CloseDecision::decide(
        CloseRequest {
            count: request.count,
            expected,
            float_left: request.float_left,
            note: request.note,
            manager_approved: request.manager_approved,
        },
        rules,
    )?;
    let mut totals = totals(&tx, shop, Some(id))?;
    totals.counted = Some(decision.counted().minor());
    totals.variance = Some(decision.variance().amount().minor());
    let last: Option<i64> = tx
        .prepare_cached("SELECT MAX(z_number) FROM z_reports WHERE till_id = ?1")?
        .query_row([till], |r| r.get(0))?;
    let z = ZNumber::after(last.map(ZNumber::new).transpose()?)?;
    let opened_at: String =
        tx.query_row("SELECT opened_at FROM shifts WHERE id = ?1", [id], |r| {
            r.get(0)
        })?;
    // The journal entry the Z closes at.
    let seq = journal::append(
        &tx,
        till,
        when,
        "shift_close",
        &id.to_string(),
        &serde_json::json!({
            "z_number": z.get(), "counted": decision.counted().minor(),
            "expected": expected.minor(), "variance": decision.variance().amount().minor(),
            "note": decision.note().map(|n| n.as_str()), "float_left": decision.float_left().minor(),
            "banked": decision.banked().minor(), "net": totals.net, "grand_total": totals.grand_total,
        }),
    )?;
    totals.journal_position = seq;
    assign_to_z(&tx, till, z.get())?;
    tx.execute(
        "UPDATE shifts SET closed_at = ?2, closed_by = ?3, z_number = ?4 WHERE id = ?1",
        params![id, when.at, when.staff.as_ref().map(|a| a.id), z.get()],
    )?;
    let mut report = ZReport {
        till_id: till.to_string(),
        z_number: z.get(),
        shift_id: id,
        opened_at,
        closed_at: when.at.clone(),
        closed_by: when.staff.as_ref().map(|a| a.name.clone()),
        count: decision.count().to_lines(),
        counted: decision.counted().minor(),
        expected: expected.minor(),
        variance: decision.variance().amount().minor(),
        note: decision.note().map(|n| n.as_str().to_string()),
        approved_by: when.approved_by.as_ref().map(|a| a.name.clone()),
        float_left: decision.float_left().minor(),
        banked: decision.banked().minor(),
        totals,
        printed: Vec::new(),
    };
    report.printed = print(&report);
    let record = CloseRecord {
        count: report.count.clone(),
        variance: report.variance,
        note: report.note.clone(),
        approved_by: report.approved_by.clone(),
        float_left: report.float_left,
        banked: report.banked,
        closed_by: report.closed_by.clone(),
        opened_at: report.opened_at.clone(),
        totals: report.totals.clone(),
    };
    tx.execute(
        "INSERT INTO z_reports (till_id, z_number, shift_id, closed_at, counted, expected,
             grand_total, journal_seq, report, printed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            till,
            z.get(),
            id,
            report.closed_at,
            report.counted,
            report.expected,
            report.totals.grand_total,
            seq,
            serde_json::to_string(&record)
                .map_err(|e| TillError::Corrupt(format!("a Z report as JSON: {e}")))?,
            serde_json::to_string(&report.printed)
                .map_err(|e| TillError::Corrupt(format!("a Z report's lines: {e}")))?,
        ],
    )?;
    tx.commit()?;
    Ok(report)
}

/// A card payment or card refund under way at this till: the close waits for it.
fn refuse_card_in_progress(tx: &Transaction<'_>, till: &str) -> Result<()> {
    let pending: Option<(Option<i64>, String)> = tx
        .prepare_cached(
            // By status: the few payments pending, not the till's every order.
            "SELECT number, id FROM orders INDEXED BY orders_status
             WHERE status = 'payment_pending' AND till_id = ?1 LIMIT 1",
        )?
        .query_row([till], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((number, id)) = pending {
        return Err(TillError::CardInProgress(format!(
            "sale {}",
            crate::sales::stored_receipt(till, number, &id)
        )));
    }
    let refund: Option<String> = tx
        .prepare_cached("SELECT order_id FROM card_refunds WHERE status = 'pending' LIMIT 1")?
        .query_row([], |r| r.get(0))
        .optional()?;
    if let Some(order) = refund {
        return Err(TillError::CardInProgress(format!(
            "the refund of order {order}"
        )));
    }
    Ok(())
}

/// Puts every order, refund and void in no Z yet into Z `z`.
fn assign_to_z(tx: &Transaction<'_>, till: &str, z: i64) -> Result<()> {
    tx.execute(
        "UPDATE orders INDEXED BY orders_not_in_z SET z_number = ?2
         WHERE till_id = ?1 AND z_number IS NULL
         AND status IN ('paid', 'partially_refunded', 'refunded', 'voided')",
        params![till, z],
    )?;
    tx.execute(
        "UPDATE orders INDEXED BY orders_void_not_in_z SET void_z_number = ?2
         WHERE till_id = ?1 AND status = 'voided' AND void_z_number IS NULL",
        params![till, z],
    )?;
    tx.execute(
        "UPDATE refunds SET z_number = ?1 WHERE z_number IS NULL",
        [z],
    )?;
    Ok(())
}

/// A Z report by number, exactly as it was stored at the close.
pub fn z_report(conn: &Connection, till: &str, number: i64) -> Result<ZReport> {
    let (shift_id, closed_at, counted, expected, report, printed): (
        i64,
        String,
        i64,
        i64,
        String,
        String,
    ) = conn
        .prepare_cached(
            "SELECT shift_id, closed_at, counted, expected, report, printed FROM z_reports
             WHERE till_id = ?1 AND z_number = ?2",
        )?
        .query_row(params![till, number], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .optional()?
        .ok_or(TillError::UnknownZ(number))?;
    let record: CloseRecord = serde_json::from_str(&report)
        .map_err(|e| TillError::Corrupt(format!("Z {number}'s figures: {e}")))?;
    let printed: Vec<String> = serde_json::from_str(&printed)
        .map_err(|e| TillError::Corrupt(format!("Z {number}'s lines: {e}")))?;
    Ok(ZReport {
        till_id: till.to_string(),
        z_number: number,
        shift_id,
        opened_at: record.opened_at,
        closed_at,
        closed_by: record.closed_by,
        count: record.count,
        counted,
        expected,
        variance: record.variance,
        note: record.note,
        approved_by: record.approved_by,
        float_left: record.float_left,
        banked: record.banked,
        totals: record.totals,
        printed,
    })
}

/// The newest Z's number at this till.
pub fn last_z(conn: &Connection, till: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT MAX(z_number) FROM z_reports WHERE till_id = ?1")?
        .query_row([till], |r| r.get(0))?)
}

/// Shifts at this till, newest first.
pub fn list(conn: &Connection, till: &str, limit: i64, offset: i64) -> Result<Vec<ShiftSummary>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.id, s.opened_at, st.name, s.closed_at, s.z_number, z.counted, z.expected
         FROM shifts s LEFT JOIN staff st ON st.id = s.opened_by
         LEFT JOIN z_reports z ON z.shift_id = s.id
         WHERE s.till_id = ?1 ORDER BY s.id DESC LIMIT ?2 OFFSET ?3",
    )?;
    let rows = stmt.query_map(params![till, limit, offset], |r| {
        let counted: Option<i64> = r.get(5)?;
        let expected: Option<i64> = r.get(6)?;
        Ok(ShiftSummary {
            id: r.get(0)?,
            opened_at: r.get(1)?,
            opened_by: r.get(2)?,
            closed_at: r.get(3)?,
            z_number: r.get(4)?,
            counted,
            expected,
            variance: counted.zip(expected).map(|(c, e)| c - e),
        })
    })?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}
