//! Refunds: planned by the domain, committed here in one transaction with stock, points,
//! rollups and the journal.

use crate::customers::post_points;
use crate::error::{Result, TillError};
use crate::journal;
use crate::sales::{money, new_id, tender_kind, Moment};
use crate::shop::Shop;
use rusqlite::{params, Connection, TransactionBehavior};
use serde::Serialize;
use ts_rs::TS;
use versapos_core::refund::{RefundableLine, RefundableOrder, RefundablePayment};
use versapos_core::{plan_refund, receipt_label, CustomerId, OrderStatus, RefundRequest, Sku};

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
    pub order_status: String,
    pub lines: Vec<RefundLineView>,
    pub tenders: Vec<RefundTenderView>,
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
    pub tender: String,
    pub amount: i64,
    pub paid_out: i64,
    pub points: i64,
}

/// Refunds (part of) an order back to its original tenders.
pub fn refund(
    conn: &mut Connection,
    shop: &Shop,
    order_id: &str,
    request: &RefundRequest,
    restock: bool,
    when: &Moment,
) -> Result<RefundView> {
    if restock && matches!(request, RefundRequest::Amount(_)) {
        return Err(TillError::invalid(
            "restock",
            "an amount refund returns no goods; refund lines to put stock back",
        ));
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
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
    ): (String, i64, Option<i64>, i64, i64, i64, i64, i64, i64, i64) = tx.query_row(
        "SELECT status, number, customer_id, total, tax_total, refunded_total, refunded_tax,
             points_earned, points_reversed, cash_rounding FROM orders WHERE id = ?1",
        [order_id],
        |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
            ))
        },
    )?;
    let receipt = receipt_label(&shop.till_id, number);
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
    let payments: Vec<RefundablePayment> = tx
        .prepare(
            "SELECT id, tender, amount, refunded, points, points_returned FROM payments
             WHERE order_id = ?1 AND status = 'succeeded' ORDER BY seq",
        )?
        .query_map([order_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, i64>(5)?,
            ))
        })?
        .map(|row| {
            let (id, tender, amount, refunded, points, returned) = row?;
            Ok((
                id,
                tender_kind(&tender)?,
                amount,
                refunded,
                points,
                returned,
            ))
        })
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .map(
            |(payment_id, tender, amount, refunded, points, points_returned)| {
                // Refunds weigh what each tender paid towards the order, before cash rounding.
                let value = if tender == versapos_core::TenderKind::Cash {
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
    let plan = plan_refund(&order, request, shop.cash_rounding)?;
    let refund_id = new_id();
    let kind = match request {
        RefundRequest::Whole => "whole",
        RefundRequest::Lines(_) => "lines",
        RefundRequest::Amount(_) => "amount",
    };

    // Points first: the shortfall (points already spent) is recorded on the refund. Redeemed
    // points go back before earned points are taken, so that points returned by this very
    // refund cover the reversal instead of turning into a shortfall the customer keeps.
    let mut reversed_now = 0;
    let mut shortfall = 0;
    if let Some(c) = customer.map(CustomerId) {
        for t in plan.tenders.iter().filter(|t| t.points > 0) {
            post_points(
                &tx,
                c,
                &format!("return:{refund_id}:{}", t.payment_id),
                Some(order_id),
                "return_redeem",
                t.points,
                &when.at,
            )?;
        }
        let posted = post_points(
            &tx,
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
             points_shortfall, restock, created_at, business_day, hour, staff_id, approved_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
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
            when.approver_id()
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
            tender: tp.tender.as_str().to_string(),
            amount: tp.amount.minor(),
            paid_out: tp.paid_out.minor(),
            points: tp.points,
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
    journal::append(
        &tx,
        shop.till_id.as_str(),
        when,
        "refund",
        &refund_id,
        &serde_json::json!({
            "order_id": order_id, "number": number, "kind": kind, "amount": plan.amount.minor(),
            "tax": plan.tax.minor(), "restock": restock, "points_reversed": reversed_now,
            "tenders": tender_views.iter().map(|t| serde_json::json!({
                "tender": t.tender, "paid_out": t.paid_out, "points": t.points })).collect::<Vec<_>>(),
        }),
    )?;
    tx.commit()?;
    Ok(RefundView {
        id: refund_id,
        order_id: order_id.to_string(),
        receipt,
        currency: shop.currency.code().to_string(),
        amount: plan.amount.minor(),
        tax: plan.tax.minor(),
        cash_rounding: plan.cash_rounding.minor(),
        restock,
        points_reversed: reversed_now,
        points_shortfall: shortfall,
        order_status: new_status.as_str().to_string(),
        lines: line_views,
        tenders: tender_views,
    })
}
