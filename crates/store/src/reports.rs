//! Manager reports, read from the rollups that every sale, refund and void keeps current.
//!
//! Figures: a period's sales as [`SalesSummary`] (gross sales, discounts, refunds, net sales,
//! tax, total collected; net is without tax). By product, tender and staff: `gross` is what was
//! charged (tax included, after discounts), `refunds` what was given back (tax included),
//! counted on the day of the refund, and `net` the two together. Tender amounts are what went
//! into (or out of) the drawer, so cash includes cash rounding.

use crate::error::{Result, TillError};
use crate::shop::Shop;
use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection};
use serde::Serialize;
use ts_rs::TS;
pub use versapos_core::sales_summary::SalesSummary;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReportBy {
    Day,
    Hour,
    Product,
    Tender,
    Staff,
}

impl ReportBy {
    pub fn parse(s: &str) -> Option<ReportBy> {
        match s {
            "day" => Some(ReportBy::Day),
            "hour" => Some(ReportBy::Hour),
            "product" => Some(ReportBy::Product),
            "tender" => Some(ReportBy::Tender),
            "staff" => Some(ReportBy::Staff),
            _ => None,
        }
    }
}

/// Sales of one day, or of one hour of the day across the period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct PeriodRow {
    pub period: String,
    pub orders: i64,
    pub items: i64,
    #[serde(flatten)]
    #[ts(flatten)]
    pub sales: SalesSummary,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct ProductRow {
    pub sku: String,
    pub name: String,
    pub quantity: i64,
    pub gross: i64,
    pub refunded_quantity: i64,
    pub refunds: i64,
    pub net: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct TenderRow {
    pub tender: String,
    pub payments: i64,
    pub amount: i64,
    pub refunds: i64,
    pub net: i64,
}

/// Sales rung up and refunds given by one staff member ("—": before the till had staff).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct StaffRow {
    pub staff: String,
    pub orders: i64,
    pub gross: i64,
    pub refunds: i64,
    pub net: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(untagged)]
pub enum ReportRows {
    Period(Vec<PeriodRow>),
    Product(Vec<ProductRow>),
    Tender(Vec<TenderRow>),
    Staff(Vec<StaffRow>),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct Totals {
    pub orders: i64,
    pub items: i64,
    #[serde(flatten)]
    #[ts(flatten)]
    pub sales: SalesSummary,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct Report {
    pub shop: String,
    pub currency: String,
    pub from: String,
    pub to: String,
    pub by: ReportBy,
    pub totals: Totals,
    pub rows: ReportRows,
}

pub fn report(
    conn: &Connection,
    shop: &Shop,
    from: NaiveDate,
    to: NaiveDate,
    by: ReportBy,
    limit: Option<i64>,
) -> Result<Report> {
    if to < from {
        return Err(TillError::invalid(
            "to",
            format!("{to} is before the from date {from}"),
        ));
    }
    let (f, t) = (from.to_string(), to.to_string());
    let totals = conn
        .prepare_cached(
            "SELECT coalesce(sum(orders),0), coalesce(sum(items),0), coalesce(sum(gross),0),
                 coalesce(sum(discounts),0), coalesce(sum(tax),0), coalesce(sum(refunds),0),
                 coalesce(sum(refund_tax),0)
             FROM sales_by_hour WHERE business_day BETWEEN ?1 AND ?2",
        )?
        .query_row(params![f, t], |r| {
            Ok(Totals {
                orders: r.get(0)?,
                items: r.get(1)?,
                sales: SalesSummary::from_rollup(
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ),
            })
        })?;
    let limit = limit.unwrap_or(-1);
    let period_sql = |key: &str| {
        format!(
            "SELECT {key}, sum(orders), sum(items), sum(gross), sum(discounts), sum(tax),
                 sum(refunds), sum(refund_tax)
             FROM sales_by_hour WHERE business_day BETWEEN ?1 AND ?2
             GROUP BY 1 ORDER BY 1 LIMIT ?3"
        )
    };
    let rows = match by {
        ReportBy::Day | ReportBy::Hour => {
            let key = if by == ReportBy::Day {
                "business_day"
            } else {
                "printf('%02d:00', hour)"
            };
            let mut stmt = conn.prepare_cached(&period_sql(key))?;
            let rows = stmt.query_map(params![f, t, limit], |r| {
                Ok(PeriodRow {
                    period: r.get(0)?,
                    orders: r.get(1)?,
                    items: r.get(2)?,
                    sales: SalesSummary::from_rollup(
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                        r.get(7)?,
                    ),
                })
            })?;
            ReportRows::Period(rows.collect::<Result<_, _>>()?)
        }
        ReportBy::Product => ReportRows::Product(products(conn, from, to, limit)?),
        ReportBy::Tender => {
            let mut stmt = conn.prepare_cached(
                "SELECT tender, sum(payments), sum(amount), sum(refunds) FROM sales_by_tender
                 WHERE business_day BETWEEN ?1 AND ?2 GROUP BY tender ORDER BY tender LIMIT ?3",
            )?;
            let rows = stmt.query_map(params![f, t, limit], |r| {
                let amount: i64 = r.get(2)?;
                let refunds: i64 = r.get(3)?;
                Ok(TenderRow {
                    tender: r.get(0)?,
                    payments: r.get(1)?,
                    amount,
                    refunds,
                    net: amount - refunds,
                })
            })?;
            ReportRows::Tender(rows.collect::<Result<_, _>>()?)
        }
        ReportBy::Staff => ReportRows::Staff(by_staff(conn, &f, &t, limit)?),
    };
    Ok(Report {
        shop: shop.name.clone(),
        currency: shop.currency.code().to_string(),
        from: f,
        to: t,
        by,
        totals,
        rows,
    })
}

/// Sales by who rang them up (voided orders left out, as the rollups leave them out) and refunds
/// by who gave them, on their own business days; best net first.
fn by_staff(conn: &Connection, from: &str, to: &str, limit: i64) -> Result<Vec<StaffRow>> {
    let mut stmt = conn.prepare_cached(
        "WITH sold AS (
             SELECT staff_id, count(*) AS orders, sum(total) AS gross FROM orders
             WHERE business_day BETWEEN ?1 AND ?2
               AND status IN ('paid', 'partially_refunded', 'refunded')
             GROUP BY staff_id),
         given AS (
             SELECT staff_id, sum(amount) AS refunds FROM refunds
             WHERE business_day BETWEEN ?1 AND ?2 GROUP BY staff_id),
         who AS (SELECT staff_id FROM sold UNION SELECT staff_id FROM given)
         SELECT coalesce(st.name, '—'), coalesce(s.orders, 0), coalesce(s.gross, 0),
             coalesce(g.refunds, 0)
         FROM who w
         LEFT JOIN sold s ON s.staff_id IS w.staff_id
         LEFT JOIN given g ON g.staff_id IS w.staff_id
         LEFT JOIN staff st ON st.id = w.staff_id
         ORDER BY coalesce(s.gross, 0) - coalesce(g.refunds, 0) DESC, 1 LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![from, to, limit], |r| {
        let gross: i64 = r.get(2)?;
        let refunds: i64 = r.get(3)?;
        Ok(StaffRow {
            staff: r.get(0)?,
            orders: r.get(1)?,
            gross,
            refunds,
            net: gross - refunds,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Whether the period is exactly whole calendar months: then the monthly rollup answers.
fn whole_months(from: NaiveDate, to: NaiveDate) -> bool {
    from.day() == 1 && to.succ_opt().is_some_and(|d| d.day() == 1)
}

/// Products by net sales, best first (ties by SKU), at most `limit` (negative: all). Products
/// whose only sales were voided do not appear.
///
/// Only the rows that can make the cut are joined with `products`: those whose net is at least
/// the limit-th best (ties at the boundary kept, so the SKU tie-break picks the same rows as a
/// full sort). The cut is a constant subquery so that, on the monthly rollup, it becomes a range
/// on the net index rather than a filter over the whole month. One whole month is read straight off the monthly rollup's net index; other whole
/// months sum the monthly rollup; any other period sums the daily one.
fn products(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    limit: i64,
) -> Result<Vec<ProductRow>> {
    let month = |d: NaiveDate| d.format("%Y-%m").to_string();
    let (sql, a, b) = if whole_months(from, to) && month(from) == month(to) {
        (
            "WITH cut AS (SELECT gross - refunds AS net FROM sales_by_product_month
                          WHERE month = ?1 AND NOT (quantity = 0 AND gross = 0
                              AND refunded_quantity = 0 AND refunds = 0)
                          ORDER BY gross - refunds DESC
                          LIMIT 1 OFFSET max(?3, 1) - 1)
             SELECT p.sku, p.name, m.quantity, m.gross, m.refunded_quantity, m.refunds
             FROM sales_by_product_month m JOIN products p ON p.id = m.product_id
             WHERE m.month = ?1 AND ?2 = ?2
               AND NOT (m.quantity = 0 AND m.gross = 0 AND m.refunded_quantity = 0
                        AND m.refunds = 0)
               AND m.gross - m.refunds >= (SELECT CASE WHEN ?3 < 0 THEN -9223372036854775808
                   ELSE coalesce((SELECT net FROM cut), -9223372036854775808) END)
             ORDER BY m.gross - m.refunds DESC, p.sku LIMIT ?3",
            month(from),
            month(to),
        )
    } else {
        let (table, key, a, b) = if whole_months(from, to) {
            ("sales_by_product_month", "month", month(from), month(to))
        } else {
            (
                "sales_by_product",
                "business_day",
                from.to_string(),
                to.to_string(),
            )
        };
        let sql = format!(
            "WITH s AS MATERIALIZED
               (SELECT product_id, sum(quantity) q, sum(gross) g, sum(refunded_quantity) rq,
                    sum(refunds) r
                FROM {table} WHERE {key} BETWEEN ?1 AND ?2 GROUP BY product_id
                HAVING NOT (q = 0 AND g = 0 AND rq = 0 AND r = 0)),
             cut AS (SELECT g - r AS net FROM s ORDER BY net DESC LIMIT 1 OFFSET max(?3, 1) - 1)
             SELECT p.sku, p.name, s.q, s.g, s.rq, s.r FROM s
             JOIN products p ON p.id = s.product_id
             WHERE s.g - s.r >= (SELECT CASE WHEN ?3 < 0 THEN -9223372036854775808
                 ELSE coalesce((SELECT net FROM cut), -9223372036854775808) END)
             ORDER BY s.g - s.r DESC, p.sku LIMIT ?3"
        );
        return query_products(conn, &sql, &a, &b, limit);
    };
    query_products(conn, sql, &a, &b, limit)
}

fn query_products(
    conn: &Connection,
    sql: &str,
    a: &str,
    b: &str,
    limit: i64,
) -> Result<Vec<ProductRow>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params![a, b, limit], |r| {
        let gross: i64 = r.get(3)?;
        let refunds: i64 = r.get(5)?;
        Ok(ProductRow {
            sku: r.get(0)?,
            name: r.get(1)?,
            quantity: r.get(2)?,
            gross,
            refunded_quantity: r.get(4)?,
            refunds,
            net: gross - refunds,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

impl ReportRows {
    /// How many rows the report has.
    pub fn len(&self) -> usize {
        match self {
            ReportRows::Period(r) => r.len(),
            ReportRows::Product(r) => r.len(),
            ReportRows::Tender(r) => r.len(),
            ReportRows::Staff(r) => r.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Writes a report as CSV, amounts in major units with the currency column: what
/// `versapos report --csv` prints and the desktop app's reports save. Returns the rows written.
pub fn write_csv(r: &Report, out: impl std::io::Write) -> std::io::Result<usize> {
    let c = r.currency.as_str();
    let m = |minor: i64| amt(minor, c);
    let (header, rows): (&[&str], Vec<Vec<String>>) = match &r.rows {
        ReportRows::Period(rows) => (
            &[
                "period",
                "orders",
                "items",
                "gross_sales",
                "discounts",
                "refunds",
                "net_sales",
                "tax",
                "total_collected",
            ],
            rows.iter()
                .map(|x| {
                    let mut row = vec![x.period.clone(), x.orders.to_string(), x.items.to_string()];
                    row.extend(x.sales.figures().iter().map(|(_, v)| m(*v)));
                    row
                })
                .collect(),
        ),
        ReportRows::Product(rows) => (
            &[
                "sku",
                "name",
                "quantity",
                "gross",
                "refunded_quantity",
                "refunds",
                "net",
            ],
            rows.iter()
                .map(|x| {
                    vec![
                        x.sku.clone(),
                        x.name.clone(),
                        x.quantity.to_string(),
                        m(x.gross),
                        x.refunded_quantity.to_string(),
                        m(x.refunds),
                        m(x.net),
                    ]
                })
                .collect(),
        ),
        ReportRows::Staff(rows) => (
            &["staff", "orders", "gross", "refunds", "net"],
            rows.iter()
                .map(|x| {
                    vec![
                        x.staff.clone(),
                        x.orders.to_string(),
                        m(x.gross),
                        m(x.refunds),
                        m(x.net),
                    ]
                })
                .collect(),
        ),
        ReportRows::Tender(rows) => (
            &["tender", "payments", "amount", "refunds", "net"],
            rows.iter()
                .map(|x| {
                    vec![
                        x.tender.clone(),
                        x.payments.to_string(),
                        m(x.amount),
                        m(x.refunds),
                        m(x.net),
                    ]
                })
                .collect(),
        ),
    };
    let io = |e: csv::Error| std::io::Error::other(e.to_string());
    let mut w = csv::Writer::from_writer(out);
    w.write_record(header.iter().chain(["currency"].iter()))
        .map_err(io)?;
    for row in &rows {
        // Names and SKUs are the shop's own text: a spreadsheet shows them, never runs them.
        w.write_record(
            row.iter()
                .map(|cell| versapos_core::text::for_spreadsheet(cell).into_owned())
                .chain([c.to_string()]),
        )
        .map_err(io)?;
    }
    w.flush()?;
    Ok(rows.len())
}

/// An amount in minor units as the major-unit text reports and listings print ("12.50"); the
/// bare number when the currency is unknown.
pub fn amt(minor: i64, currency: &str) -> String {
    match versapos_core::Currency::from_code(currency) {
        Ok(c) => versapos_core::Money::from_minor(minor, c).to_major_string(),
        Err(_) => minor.to_string(),
    }
}
