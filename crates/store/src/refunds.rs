//! Refunds: planned by the domain, committed here in one transaction with stock, points,
//! rollups and the journal.
//!
//! A refund with a card part goes in two steps, like a card sale: [`begin_card_refund`] writes
//! one `card_refunds` row per card payment ('pending', its id the Stripe idempotency key) before
//! Stripe is asked; [`complete_card_refund`] commits the refund itself once Stripe made every
//! part, and [`fail_card_refund`] gives it up when Stripe refused. While a card refund is pending
//! its order takes no other refund, so the plan Stripe was asked for is the plan committed.

use crate::customers::post_points;
use crate::error::{Result, TillError};
use crate::journal;
use crate::moment::Moment;
use crate::sales::{money, new_id, stored_receipt, tender_kind};
use crate::shop::Shop;
use crate::staff;
use rusqlite::{params, Connection, OptionalExtension, Params, Row, Transaction};
use serde::Serialize;
use std::collections::HashMap;
use ts_rs::TS;
use versapos_core::refund::{RefundPlan, RefundableLine, RefundableOrder, RefundablePayment};
use versapos_core::{
    plan_refund, plan_refund_on_payment, CustomerId, Money, OrderStatus, RefundRequest, Sku,
    TenderKind,
};
pub use versapos_core::{CardRefundPart, PendingRefund};

/// A committed refund, as printed on the refund slip.
#[derive(Clone, Debug, Serialize, TS)]
pub struct RefundView {
    pub id: String,
    pub order_id: String,
    pub receipt: String,
    pub currency: String,
    pub amount: i64,
    pub tax: i64,
    pub cash_rounding: i64,
    pub restock: bool,
    pub points_reversed: i64,
    pub points_shortfall: i64,
    pub order_status: OrderStatus,
    pub lines: Vec<RefundLineView>,
    pub tenders: Vec<RefundTenderView>,
    /// A refund made at Stripe, not by the till (the Dashboard, Stripe's support): Stripe's id
    /// for it (`re_…`).
    pub at_stripe: Option<String>,
}

#[derive(Clone, Debug, Serialize, TS)]
pub struct RefundLineView {
    pub line_no: i64,
    pub sku: String,
    pub quantity: i64,
    pub amount: i64,
    pub tax: i64,
}

#[derive(Clone, Debug, Serialize, TS)]
pub struct RefundTenderView {
    /// The payment this part goes back to.
    pub payment_id: String,
    pub tender: String,
    pub amount: i64,
    pub paid_out: i64,
    pub points: i64,
    /// Card payments: the Stripe PaymentIntent (`pi_…`) the money goes back to.
    pub intent_id: Option<String>,
}

/// An order as a refund needs to see it.
struct Refundable {
    number: Option<i64>,
    customer: Option<i64>,
    receipt: String,
    /// Each line with its product id (for stock and rollups).
    lines: Vec<(RefundableLine, i64)>,
    /// Each succeeded payment's PaymentIntent, if it has one.
    intents: HashMap<String, Option<String>>,
    order: RefundableOrder,
}

fn check_request(request: &RefundRequest, restock: bool) -> Result<()> {
    if restock && matches!(request, RefundRequest::Amount(_)) {
        return Err(TillError::invalid(
            "restock",
            "an amount refund returns no goods; refund lines to put stock back",
        ));
    }
    Ok(())
}

/// Refuses while a card refund on the order is pending, other than `except` (the one being
/// completed).
fn refuse_if_card_refund_pending(
    tx: &Connection,
    order_id: &str,
    receipt: &str,
    except: Option<&str>,
) -> Result<()> {
    let pending: i64 = tx
        .prepare_cached(
            "SELECT count(*) FROM card_refunds
             WHERE order_id = ?1 AND status = 'pending' AND refund_id IS NOT ?2",
        )?
        .query_row(params![order_id, except], |r| r.get(0))?;
    if pending > 0 {
        return Err(TillError::CardRefundPending(receipt.to_string()));
    }
    Ok(())
}

/// Reads the order and plans the refund: the order must be refundable and have no other card
/// refund pending.
fn plan(
    tx: &Connection,
    shop: &Shop,
    order_id: &str,
    request: &RefundRequest,
    completing: Option<&str>,
) -> Result<(Refundable, RefundPlan)> {
    let order = load(tx, shop, order_id)?;
    refuse_if_card_refund_pending(tx, order_id, &order.receipt, completing)?;
    let plan = plan_refund(&order.order, request, shop.cash_rounding)?;
    Ok((order, plan))
}

fn load(tx: &Connection, shop: &Shop, order_id: &str) -> Result<Refundable> {
    #[allow(clippy::type_complexity)]
    let (
        status,
        number,
        customer,
        total,
        tax_total,
        refunded_total,
        refunded_tax,
        earned,
        reversed,
        cash_rounding,
    ): (
        String,
        Option<i64>,
        Option<i64>,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
    ) = tx.query_row(
        "SELECT status, number, customer_id, total, tax_total, refunded_total, refunded_tax,
             points_earned, points_reversed, cash_rounding FROM orders WHERE id = ?1",
        [order_id],
        |r| r.try_into(),
    )?;
    let receipt = stored_receipt(shop.till_id.as_str(), number, order_id);
    let st = OrderStatus::parse(&status).ok_or_else(|| TillError::Corrupt(status.clone()))?;
    if !st.can_refund() {
        return Err(TillError::WrongState {
            receipt,
            status,
            action: "refunded",
        });
    }
    let lines: Vec<(RefundableLine, i64)> = tx
        .prepare(
            "SELECT line_no, sku, quantity, refunded_quantity, gross, tax, refunded_amount,
                 refunded_tax, product_id FROM order_lines WHERE order_id = ?1 ORDER BY line_no",
        )?
        .query_map([order_id], |r| {
            let sku: String = r.get(1)?;
            Ok((
                sku,
                r.get::<_, i64>(0)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
            ))
        })?
        .map(|row| {
            let (sku, line_no, quantity, refunded_quantity, gross, tax, ra, rt, product) = row?;
            Ok((
                RefundableLine {
                    line_no,
                    sku: Sku::parse(&sku).map_err(|e| TillError::Corrupt(e.to_string()))?,
                    quantity,
                    refunded_quantity,
                    gross: money(shop, gross),
                    tax: money(shop, tax),
                    refunded_amount: money(shop, ra),
                    refunded_tax: money(shop, rt),
                },
                product,
            ))
        })
        .collect::<Result<_>>()?;
    let mut intents = HashMap::new();
    let payments: Vec<RefundablePayment> = tx
        .prepare(
            "SELECT id, tender, amount, refunded, points, points_returned, intent_id FROM payments
             WHERE order_id = ?1 AND status = 'succeeded' ORDER BY seq",
        )?
        .query_map([order_id], |r| {
            <(String, String, i64, i64, i64, i64, Option<String>)>::try_from(r)
        })?
        .map(|row| {
            let (id, tender, amount, refunded, points, returned, intent) = row?;
            Ok((
                id,
                tender_kind(&tender)?,
                amount,
                refunded,
                points,
                returned,
                intent,
            ))
        })
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .map(
            |(payment_id, tender, amount, refunded, points, points_returned, intent)| {
                intents.insert(payment_id.clone(), intent);
                // Refunds weigh what each tender paid towards the order, before cash rounding.
                let value = if tender == TenderKind::Cash {
                    amount - cash_rounding
                } else {
                    amount
                };
                RefundablePayment {
                    payment_id,
                    tender,
                    value: money(shop, value),
                    refunded: money(shop, refunded),
                    points,
                    points_returned,
                }
            },
        )
        .collect();
    let order = RefundableOrder {
        currency: shop.currency,
        total: money(shop, total),
        tax_total: money(shop, tax_total),
        refunded_total: money(shop, refunded_total),
        refunded_tax: money(shop, refunded_tax),
        lines: lines.iter().map(|(l, _)| l.clone()).collect(),
        payments,
        points_earned: if customer.is_some() { earned } else { 0 },
        points_reversed: reversed,
    };
    Ok(Refundable {
        number,
        customer,
        receipt,
        lines,
        intents,
        order,
    })
}

fn kind(request: &RefundRequest) -> &'static str {
    match request {
        RefundRequest::Whole => "whole",
        RefundRequest::Lines(_) => "lines",
        RefundRequest::Amount(_) => "amount",
    }
}

/// The card parts of a plan: every card payment that gives money back, with its PaymentIntent.
fn card_parts(order: &Refundable, plan: &RefundPlan) -> Result<Vec<(String, String, i64)>> {
    plan.tenders
        .iter()
        .filter(|t| t.tender == TenderKind::Card && t.paid_out.minor() > 0)
        .map(|t| {
            let intent = order
                .intents
                .get(&t.payment_id)
                .cloned()
                .flatten()
                .ok_or_else(|| {
                    TillError::Corrupt(format!(
                        "card payment {} has no Stripe PaymentIntent to refund",
                        t.payment_id
                    ))
                })?;
            Ok((t.payment_id.clone(), intent, t.paid_out.minor()))
        })
        .collect()
}

/// Refunds (part of) an order back to its original tenders. Refused while a card refund on the
/// order is still pending.
pub fn refund(
    conn: &mut Connection,
    shop: &Shop,
    order_id: &str,
    request: &RefundRequest,
    restock: bool,
    when: &Moment,
) -> Result<RefundView> {
    check_request(request, restock)?;
    let tx = crate::db::write(conn)?;
    let (order, plan) = plan(&tx, shop, order_id, request, None)?;
    // Money back to a card moves only through Stripe (see `begin_card_refund`).
    if plan
        .tenders
        .iter()
        .any(|t| t.tender == TenderKind::Card && t.paid_out.minor() > 0)
    {
        return Err(TillError::CardRefundNeedsStripe);
    }
    let view = commit(
        &tx,
        shop,
        order_id,
        &new_id(),
        kind(request),
        &order,
        &plan,
        restock,
        when,
        None,
    )?;
    tx.commit()?;
    Ok(view)
}

/// The refund [`refund`] would make, without making it: committed in a transaction that is then
/// rolled back, so every figure (points shortfall included) is the real one.
pub fn preview(
    conn: &mut Connection,
    shop: &Shop,
    order_id: &str,
    request: &RefundRequest,
    restock: bool,
    when: &Moment,
) -> Result<RefundView> {
    check_request(request, restock)?;
    let tx = crate::db::write(conn)?;
    let (order, plan) = plan(&tx, shop, order_id, request, None)?;
    let view = commit(
        &tx,
        shop,
        order_id,
        &new_id(),
        kind(request),
        &order,
        &plan,
        restock,
        when,
        None,
    )?;
    tx.rollback()?;
    Ok(view)
}

/// Writes a planned refund with id `refund_id`: points, the refund and its lines and tenders,
/// stock, rollups, the order and the journal entry.
#[allow(clippy::too_many_arguments)]
fn commit(
    tx: &Transaction<'_>,
    shop: &Shop,
    order_id: &str,
    refund_id: &str,
    kind: &str,
    order: &Refundable,
    plan: &RefundPlan,
    restock: bool,
    when: &Moment,
    at_stripe: Option<&str>,
) -> Result<RefundView> {
    let lines = &order.lines;
    let number = order.number;
    // Points first: the shortfall (points already spent) is recorded on the refund. Redeemed
    // points go back before earned points are taken, so that points returned by this very
    // refund cover the reversal instead of turning into a shortfall the customer keeps.
    let mut reversed_now = 0;
    let mut shortfall = 0;
    if let Some(c) = order.customer.map(CustomerId) {
        for t in plan.tenders.iter().filter(|t| t.points > 0) {
            post_points(
                tx,
                c,
                &format!("return:{refund_id}:{}", t.payment_id),
                Some(order_id),
                "return_redeem",
                t.points,
                &when.at,
            )?;
        }
        let posted = post_points(
            tx,
            c,
            &format!("reverse:{refund_id}"),
            Some(order_id),
            "reverse_earn",
            -plan.points_reversed,
            &when.at,
        )?;
        reversed_now = -posted.points;
        shortfall = posted.shortfall;
    }
    tx.execute(
        "INSERT INTO refunds (id, order_id, kind, amount, tax, cash_rounding, points_reversed,
             points_shortfall, restock, created_at, business_day, hour, staff_id, approved_by,
             stripe_refund_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        params![
            refund_id,
            order_id,
            kind,
            plan.amount.minor(),
            plan.tax.minor(),
            plan.cash_rounding.minor(),
            reversed_now,
            shortfall,
            restock,
            when.at,
            when.business_day,
            when.hour,
            when.staff_id(),
            when.approver_id(),
            at_stripe
        ],
    )?;
    let mut line_views = Vec::new();
    for lp in &plan.lines {
        let (line, product) = lines
            .iter()
            .find(|(l, _)| l.line_no == lp.line_no)
            .ok_or_else(|| TillError::Corrupt("refund line vanished".into()))?;
        tx.execute(
            "INSERT INTO refund_lines (refund_id, line_no, quantity, amount, tax)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                refund_id,
                lp.line_no,
                lp.quantity,
                lp.amount.minor(),
                lp.tax.minor()
            ],
        )?;
        tx.execute(
            "UPDATE order_lines SET refunded_quantity = refunded_quantity + ?1,
                 refunded_amount = refunded_amount + ?2, refunded_tax = refunded_tax + ?3
             WHERE order_id = ?4 AND line_no = ?5",
            params![
                lp.quantity,
                lp.amount.minor(),
                lp.tax.minor(),
                order_id,
                lp.line_no
            ],
        )?;
        if restock {
            tx.execute(
                "UPDATE products SET stock = stock + ?1 WHERE id = ?2",
                params![lp.quantity, product],
            )?;
        }
        tx.execute(
            "INSERT INTO sales_by_product (business_day, product_id, refunded_quantity, refunds)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT DO UPDATE SET refunded_quantity = refunded_quantity + excluded.refunded_quantity,
                 refunds = refunds + excluded.refunds",
            params![when.business_day, product, lp.quantity, lp.amount.minor()],
        )?;
        line_views.push(RefundLineView {
            line_no: lp.line_no,
            sku: line.sku.to_string(),
            quantity: lp.quantity,
            amount: lp.amount.minor(),
            tax: lp.tax.minor(),
        });
    }
    let mut tender_views = Vec::new();
    for tp in &plan.tenders {
        tx.execute(
            "INSERT INTO refund_tenders (refund_id, payment_id, tender, amount, paid_out, points)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                refund_id,
                tp.payment_id,
                tp.tender.as_str(),
                tp.amount.minor(),
                tp.paid_out.minor(),
                tp.points
            ],
        )?;
        tx.execute(
            "UPDATE payments SET refunded = refunded + ?1, points_returned = points_returned + ?2
             WHERE id = ?3",
            params![tp.amount.minor(), tp.points, tp.payment_id],
        )?;
        tx.execute(
            "INSERT INTO sales_by_tender (business_day, tender, refunds) VALUES (?1, ?2, ?3)
             ON CONFLICT DO UPDATE SET refunds = refunds + excluded.refunds",
            params![when.business_day, tp.tender.as_str(), tp.paid_out.minor()],
        )?;
        tender_views.push(RefundTenderView {
            payment_id: tp.payment_id.clone(),
            tender: tp.tender.as_str().to_string(),
            amount: tp.amount.minor(),
            paid_out: tp.paid_out.minor(),
            points: tp.points,
            intent_id: order.intents.get(&tp.payment_id).cloned().flatten(),
        });
    }
    tx.execute(
        "INSERT INTO sales_by_hour (business_day, hour, refunds, refund_tax, refund_count)
         VALUES (?1, ?2, ?3, ?4, 1)
         ON CONFLICT DO UPDATE SET refunds = refunds + excluded.refunds,
             refund_tax = refund_tax + excluded.refund_tax, refund_count = refund_count + 1",
        params![
            when.business_day,
            when.hour,
            plan.amount.minor(),
            plan.tax.minor()
        ],
    )?;
    let new_status = if plan.completes_order {
        OrderStatus::Refunded
    } else {
        OrderStatus::PartiallyRefunded
    };
    tx.execute(
        "UPDATE orders SET status = ?1, refunded_total = refunded_total + ?2,
             refunded_tax = refunded_tax + ?3, points_reversed = points_reversed + ?4
         WHERE id = ?5",
        params![
            new_status.as_str(),
            plan.amount.minor(),
            plan.tax.minor(),
            plan.points_reversed,
            order_id
        ],
    )?;
    let mut entry = serde_json::json!({
        "order_id": order_id, "number": number, "kind": kind, "amount": plan.amount.minor(),
        "tax": plan.tax.minor(), "restock": restock, "points_reversed": reversed_now,
        "tenders": tender_views.iter().map(|t| serde_json::json!({
            "tender": t.tender, "paid_out": t.paid_out, "points": t.points })).collect::<Vec<_>>(),
    });
    if let Some(id) = at_stripe {
        entry["at_stripe"] = serde_json::json!(id);
    }
    journal::append(tx, shop.till_id.as_str(), when, "refund", refund_id, &entry)?;
    Ok(RefundView {
        at_stripe: at_stripe.map(str::to_string),
        id: refund_id.to_string(),
        order_id: order_id.to_string(),
        receipt: order.receipt.clone(),
        currency: shop.currency.code().to_string(),
        amount: plan.amount.minor(),
        tax: plan.tax.minor(),
        cash_rounding: plan.cash_rounding.minor(),
        restock,
        points_reversed: reversed_now,
        points_shortfall: shortfall,
        order_status: new_status,
        lines: line_views,
        tenders: tender_views,
    })
}

/// What booking a refund made at Stripe came to.
#[derive(Clone, Debug)]
pub enum AtStripe {
    /// Booked now.
    Booked(Box<RefundView>),
    /// Booked before, or one of the till's own card refunds: nothing to do.
    Known,
    /// The card payment has nothing left to give back at the till (the till already refunded
    /// what Stripe did): nothing booked. The order's receipt.
    NothingLeft(String),
    /// Not a paid card payment of this till (another till's, or a sale not booked yet).
    NotPaidHere,
}

/// Books a refund made at Stripe, not by the till (the Dashboard, Stripe's support), on the card
/// payment of `intent_id`: an amount refund of what Stripe gave back, capped at what the payment
/// and the order still hold so that the till converges on Stripe's total; earned points reversed
/// in proportion; no goods back; journaled with Stripe's refund id. Once per Stripe refund.
/// Refused (`CardRefundPending`) while a card refund of the till's own on the order is pending:
/// that one is settled first.
/// `refund_key`: the till's own id Stripe keeps on the refund (`metadata[refund_key]`), when it
/// has one.
pub fn book_refund_at_stripe(
    conn: &mut Connection,
    shop: &Shop,
    intent_id: &str,
    stripe_refund_id: &str,
    refund_key: Option<&str>,
    amount: i64,
    when: &Moment,
) -> Result<AtStripe> {
    let tx = crate::db::write(conn)?;
    let known: bool = tx
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM refunds WHERE stripe_refund_id = ?1)
                 OR EXISTS (SELECT 1 FROM card_refunds WHERE stripe_refund_id = ?1 OR id = ?2)",
        )?
        .query_row(params![stripe_refund_id, refund_key], |r| r.get(0))?;
    if known {
        return Ok(AtStripe::Known);
    }
    let paid: Option<(String, String)> = tx
        .prepare_cached(
            "SELECT id, order_id FROM payments
             WHERE intent_id = ?1 AND tender = 'card' AND status = 'succeeded'",
        )?
        .query_row([intent_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((payment_id, order_id)) = paid else {
        return Ok(AtStripe::NotPaidHere);
    };
    let order = load(&tx, shop, &order_id)?;
    refuse_if_card_refund_pending(&tx, &order_id, &order.receipt, None)?;
    let money = Money::from_minor(amount, shop.currency);
    let Some(plan) = plan_refund_on_payment(&order.order, &payment_id, money)? else {
        return Ok(AtStripe::NothingLeft(order.receipt));
    };
    let view = commit(
        &tx,
        shop,
        &order_id,
        &new_id(),
        "amount",
        &order,
        &plan,
        false,
        when,
        Some(stripe_refund_id),
    )?;
    tx.commit()?;
    Ok(AtStripe::Booked(Box::new(view)))
}

/// The request as stored on a pending card refund, to finish it after a crash.
fn encode_request(request: &RefundRequest) -> serde_json::Value {
    match request {
        RefundRequest::Whole => serde_json::json!({ "kind": "whole" }),
        RefundRequest::Lines(lines) => serde_json::json!({
            "kind": "lines",
            "lines": lines.iter().map(|(sku, quantity)| serde_json::json!({
                "sku": sku.to_string(), "quantity": quantity })).collect::<Vec<_>>(),
        }),
        RefundRequest::Amount(amount) => {
            serde_json::json!({ "kind": "amount", "amount": amount.minor() })
        }
    }
}

fn decode_request(shop: &Shop, v: &serde_json::Value) -> Result<RefundRequest> {
    let bad = |what: &str| TillError::Corrupt(format!("stored card refund request: {what}"));
    match v.get("kind").and_then(|k| k.as_str()) {
        Some("whole") => Ok(RefundRequest::Whole),
        Some("amount") => {
            let minor = v
                .get("amount")
                .and_then(|a| a.as_i64())
                .ok_or_else(|| bad("no amount"))?;
            Ok(RefundRequest::Amount(Money::from_minor(
                minor,
                shop.currency,
            )))
        }
        Some("lines") => v
            .get("lines")
            .and_then(|l| l.as_array())
            .ok_or_else(|| bad("no lines"))?
            .iter()
            .map(|l| {
                let sku = l
                    .get("sku")
                    .and_then(|s| s.as_str())
                    .ok_or_else(|| bad("a line without its SKU"))?;
                let quantity = l
                    .get("quantity")
                    .and_then(|q| q.as_i64())
                    .ok_or_else(|| bad("a line without its quantity"))?;
                Ok((Sku::parse(sku).map_err(|e| bad(&e.to_string()))?, quantity))
            })
            .collect::<Result<Vec<_>>>()
            .map(RefundRequest::Lines),
        _ => Err(bad("unknown kind")),
    }
}

/// Plans a refund and, when card payments give money back, writes one `card_refunds` row
/// 'pending' per card payment and a `card_refund_started` journal entry, all before Stripe is
/// asked. Without card parts nothing is written and the parts come back empty: the refund is
/// then an ordinary [`refund`].
pub fn begin_card_refund(
    conn: &mut Connection,
    shop: &Shop,
    order_id: &str,
    request: &RefundRequest,
    restock: bool,
    when: &Moment,
) -> Result<PendingRefund> {
    check_request(request, restock)?;
    let tx = crate::db::write(conn)?;
    let (order, plan) = plan(&tx, shop, order_id, request, None)?;
    let refund_id = new_id();
    let mut pending = PendingRefund {
        refund_id: refund_id.clone(),
        order_id: order_id.to_string(),
        receipt: order.receipt.clone(),
        till_id: shop.till_id.to_string(),
        parts: Vec::new(),
    };
    let parts = card_parts(&order, &plan)?;
    if parts.is_empty() {
        return Ok(pending);
    }
    let stored = serde_json::json!({
        "request": encode_request(request),
        "restock": restock,
        "staff_id": when.staff_id(),
        "approved_by": when.approver_id(),
    })
    .to_string();
    for (payment_id, intent_id, amount) in parts {
        let key = new_id();
        tx.execute(
            "INSERT INTO card_refunds (id, refund_id, order_id, payment_id, intent_id, amount,
                 status, request, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?8)",
            params![key, refund_id, order_id, payment_id, intent_id, amount, stored, when.at],
        )?;
        pending.parts.push(CardRefundPart {
            key,
            payment_id,
            intent_id,
            amount,
        });
    }
    journal::append(
        &tx,
        shop.till_id.as_str(),
        when,
        "card_refund_started",
        &refund_id,
        &serde_json::json!({
            "order_id": order_id, "number": order.number, "kind": kind(request),
            "amount": plan.amount.minor(), "restock": restock,
            "parts": pending.parts.iter().map(|p| serde_json::json!({
                "key": p.key, "payment_id": p.payment_id, "intent_id": p.intent_id,
                "amount": p.amount })).collect::<Vec<_>>(),
        }),
    )?;
    tx.commit()?;
    Ok(pending)
}

/// Every row a cached statement selects, each read by `read`.
fn all_rows<T, P: Params>(
    conn: &Connection,
    sql: &str,
    params: P,
    read: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    Ok(conn
        .prepare_cached(sql)?
        .query_map(params, read)?
        .collect::<rusqlite::Result<Vec<T>>>()?)
}

/// One stored `card_refunds` row.
struct CardRefundRow {
    key: String,
    order_id: String,
    payment_id: String,
    intent_id: String,
    amount: i64,
    status: String,
    request: String,
}

fn card_refund_rows(tx: &Connection, refund_id: &str) -> Result<Vec<CardRefundRow>> {
    let rows = all_rows(
        tx,
        "SELECT id, order_id, payment_id, intent_id, amount, status, request
         FROM card_refunds WHERE refund_id = ?1 ORDER BY id",
        [refund_id],
        |r| {
            Ok(CardRefundRow {
                key: r.get(0)?,
                order_id: r.get(1)?,
                payment_id: r.get(2)?,
                intent_id: r.get(3)?,
                amount: r.get(4)?,
                status: r.get(5)?,
                request: r.get(6)?,
            })
        },
    )?;
    if rows.is_empty() {
        return Err(TillError::invalid(
            "refund",
            format!("no card refund '{refund_id}' on this till"),
        ));
    }
    Ok(rows)
}

/// The one status all of a refund's card parts share (they change together).
fn common_status<'r>(refund_id: &str, rows: &'r [CardRefundRow]) -> Result<&'r str> {
    let first = rows[0].status.as_str();
    if rows.iter().any(|r| r.status != first) {
        return Err(TillError::Corrupt(format!(
            "card refund {refund_id} has parts in different states"
        )));
    }
    Ok(first)
}

fn staff_actor(tx: &Connection, id: Option<i64>) -> Result<Option<crate::staff::Actor>> {
    id.map(|id| staff::by_id(tx, id).map(|m| m.actor()))
        .transpose()
}

/// Commits a pending card refund once Stripe made every part: the refund is re-planned from the
/// stored request, checked against the parts Stripe was asked for, and committed with id
/// `refund_id` in one transaction with the parts marked 'succeeded' (with Stripe's refund ids).
/// Completing a refund that is already committed returns it as it was. The journal names the
/// staff member and approver who asked for it; `at` is when Stripe's answer was taken.
pub fn complete_card_refund(
    conn: &mut Connection,
    shop: &Shop,
    refund_id: &str,
    stripe_ids: &[(String, String)],
    at: &Moment,
) -> Result<RefundView> {
    let tx = crate::db::write(conn)?;
    let rows = card_refund_rows(&tx, refund_id)?;
    match common_status(refund_id, &rows)? {
        "succeeded" => return stored_view(&tx, shop, refund_id),
        "pending" => {}
        other => {
            return Err(TillError::invalid(
                "refund",
                format!("card refund {refund_id} is {other} and cannot be completed"),
            ))
        }
    }
    for row in &rows {
        if !stripe_ids.iter().any(|(key, _)| *key == row.key) {
            return Err(TillError::invalid(
                "stripe_ids",
                format!("no Stripe refund given for card refund part {}", row.key),
            ));
        }
    }
    if let Some((key, _)) = stripe_ids
        .iter()
        .find(|(key, _)| !rows.iter().any(|r| r.key == *key))
    {
        return Err(TillError::invalid(
            "stripe_ids",
            format!("'{key}' is not a part of card refund {refund_id}"),
        ));
    }
    let order_id = rows[0].order_id.clone();
    let stored: serde_json::Value = serde_json::from_str(&rows[0].request)
        .map_err(|e| TillError::Corrupt(format!("stored card refund request: {e}")))?;
    let request = decode_request(
        shop,
        stored.get("request").unwrap_or(&serde_json::Value::Null),
    )?;
    let restock = stored
        .get("restock")
        .and_then(|r| r.as_bool())
        .unwrap_or(false);
    let mut when = at.clone();
    when.staff = staff_actor(&tx, stored.get("staff_id").and_then(|v| v.as_i64()))?;
    when.approved_by = staff_actor(&tx, stored.get("approved_by").and_then(|v| v.as_i64()))?;

    let (order, plan) = plan(&tx, shop, &order_id, &request, Some(refund_id))?;
    let mut planned = card_parts(&order, &plan)?;
    let mut asked: Vec<(String, String, i64)> = rows
        .iter()
        .map(|r| (r.payment_id.clone(), r.intent_id.clone(), r.amount))
        .collect();
    planned.sort();
    asked.sort();
    if planned != asked {
        return Err(TillError::Corrupt(format!(
            "card refund {refund_id}: the refund now plans card parts {planned:?} but Stripe \
             was asked for {asked:?}"
        )));
    }
    let view = commit(
        &tx,
        shop,
        &order_id,
        refund_id,
        kind(&request),
        &order,
        &plan,
        restock,
        &when,
        None,
    )?;
    for (key, stripe_id) in stripe_ids {
        tx.execute(
            "UPDATE card_refunds SET status = 'succeeded', stripe_refund_id = ?2, settled_at = ?3
             WHERE id = ?1",
            params![key, stripe_id, at.at],
        )?;
    }
    tx.commit()?;
    Ok(view)
}

/// Gives up a pending card refund Stripe refused: its parts become 'failed' (with the reason)
/// and a `card_refund_failed` journal entry is written; the order, its payments, stock and
/// points are untouched. Failing it again changes nothing; a committed refund cannot fail.
pub fn fail_card_refund(
    conn: &mut Connection,
    shop: &Shop,
    refund_id: &str,
    reason: &str,
    when: &Moment,
) -> Result<()> {
    let tx = crate::db::write(conn)?;
    let rows = card_refund_rows(&tx, refund_id)?;
    match common_status(refund_id, &rows)? {
        "failed" => return Ok(()),
        "pending" => {}
        other => {
            return Err(TillError::invalid(
                "refund",
                format!("card refund {refund_id} is {other}: Stripe made it, it cannot fail"),
            ))
        }
    }
    tx.execute(
        "UPDATE card_refunds SET status = 'failed', failure = ?2, settled_at = ?3
         WHERE refund_id = ?1",
        params![refund_id, reason, when.at],
    )?;
    journal::append(
        &tx,
        shop.till_id.as_str(),
        when,
        "card_refund_failed",
        refund_id,
        &serde_json::json!({ "order_id": rows[0].order_id, "reason": reason }),
    )?;
    tx.commit()?;
    Ok(())
}

/// Card refunds written but not yet settled, oldest first.
pub fn pending_card_refunds(conn: &Connection) -> Result<Vec<PendingRefund>> {
    let rows = all_rows(
        conn,
        "SELECT c.refund_id, c.id, c.order_id, c.payment_id, c.intent_id, c.amount,
             o.till_id, o.number
         FROM card_refunds c JOIN orders o ON o.id = c.order_id
         WHERE c.status = 'pending'
         ORDER BY c.created_at, c.refund_id, c.id",
        [],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                CardRefundPart {
                    key: r.get(1)?,
                    payment_id: r.get(3)?,
                    intent_id: r.get(4)?,
                    amount: r.get(5)?,
                },
                r.get::<_, String>(2)?,
                r.get::<_, String>(6)?,
                r.get::<_, Option<i64>>(7)?,
            ))
        },
    )?;
    let mut out: Vec<PendingRefund> = Vec::new();
    for (refund_id, part, order_id, till, number) in rows {
        match out.iter_mut().find(|p| p.refund_id == refund_id) {
            Some(p) => p.parts.push(part),
            None => out.push(PendingRefund {
                refund_id,
                receipt: stored_receipt(&till, number, &order_id),
                order_id,
                till_id: till,
                parts: vec![part],
            }),
        }
    }
    Ok(out)
}

/// A committed refund read back from the store.
/// One refund as it was made, by its id.
pub fn refund_view(tx: &Connection, shop: &Shop, refund_id: &str) -> Result<RefundView> {
    stored_view(tx, shop, refund_id)
}

fn stored_view(tx: &Connection, shop: &Shop, refund_id: &str) -> Result<RefundView> {
    #[allow(clippy::type_complexity)]
    let (order_id, amount, tax, cash_rounding, points_reversed, points_shortfall, restock): (
        String,
        i64,
        i64,
        i64,
        i64,
        i64,
        bool,
    ) = tx
        .query_row(
            "SELECT order_id, amount, tax, cash_rounding, points_reversed, points_shortfall,
                 restock FROM refunds WHERE id = ?1",
            [refund_id],
            |r| r.try_into(),
        )
        .optional()?
        .ok_or_else(|| {
            TillError::Corrupt(format!(
                "card refund {refund_id} succeeded but its refund is missing"
            ))
        })?;
    let (till, number, order_status): (String, Option<i64>, OrderStatus) = tx.query_row(
        "SELECT till_id, number, status FROM orders WHERE id = ?1",
        [&order_id],
        |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                crate::sales::stored(r, 2, OrderStatus::parse)?,
            ))
        },
    )?;
    let lines = all_rows(
        tx,
        "SELECT rl.line_no, ol.sku, rl.quantity, rl.amount, rl.tax
         FROM refund_lines rl JOIN order_lines ol
             ON ol.order_id = ?2 AND ol.line_no = rl.line_no
         WHERE rl.refund_id = ?1 ORDER BY rl.line_no",
        params![refund_id, order_id],
        |r| {
            Ok(RefundLineView {
                line_no: r.get(0)?,
                sku: r.get(1)?,
                quantity: r.get(2)?,
                amount: r.get(3)?,
                tax: r.get(4)?,
            })
        },
    )?;
    let tenders = all_rows(
        tx,
        "SELECT rt.payment_id, rt.tender, rt.amount, rt.paid_out, rt.points, p.intent_id
         FROM refund_tenders rt JOIN payments p ON p.id = rt.payment_id
         WHERE rt.refund_id = ?1 ORDER BY p.seq",
        [refund_id],
        |r| {
            Ok(RefundTenderView {
                payment_id: r.get(0)?,
                tender: r.get(1)?,
                amount: r.get(2)?,
                paid_out: r.get(3)?,
                points: r.get(4)?,
                intent_id: r.get(5)?,
            })
        },
    )?;
    Ok(RefundView {
        // The till's own card refund: made by the till through Stripe.
        at_stripe: None,
        id: refund_id.to_string(),
        receipt: stored_receipt(&till, number, &order_id),
        order_id,
        currency: shop.currency.code().to_string(),
        amount,
        tax,
        cash_rounding,
        restock,
        points_reversed,
        points_shortfall,
        order_status,
        lines,
        tenders,
    })
}
