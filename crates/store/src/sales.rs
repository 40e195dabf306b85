//! Ringing up sales: checkout, parked carts, voids, and orders as the receipt shows them.
//!
//! A checkout is one `BEGIN IMMEDIATE` transaction that writes the order, its lines and payments,
//! moves stock and points, updates the report rollups and appends the journal entry. Either all
//! of it is on disk or none of it.

use crate::customers::post_points;
use crate::error::{Result, TillError};
use crate::journal;
pub use crate::moment::Moment;
use crate::shop::Shop;
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use ts_rs::TS;
use versapos_core::{
    receipt_label, settle, unpaid_label, Cart, CustomerId, GatewayMode, Money, OrderStatus,
    TaxMode, TenderKind, TenderRequest, ROUNDING_RULE,
};
pub use versapos_core::{CardCharge, PendingCard};

/// A stored enum's text, checked: a value no build writes means a damaged store, reported as
/// such rather than shown.
pub(crate) fn stored<T>(
    r: &rusqlite::Row<'_>,
    i: usize,
    parse: fn(&str) -> Option<T>,
) -> rusqlite::Result<T> {
    let text: String = r.get(i)?;
    parse(&text).ok_or_else(|| unknown_value(i, &text))
}

fn unknown_value(i: usize, text: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        i,
        rusqlite::types::Type::Text,
        format!("unknown value '{text}'").into(),
    )
}

/// The receipt label of a stored order; a sale never paid has no number, and is named by its id.
pub(crate) fn stored_receipt(till: &str, number: Option<i64>, order_id: &str) -> String {
    match number {
        Some(number) => versapos_core::TillId::parse(till)
            .map(|t| receipt_label(&t, number))
            .unwrap_or_else(|_| format!("{till}-{number:06}")),
        None => unpaid_label(till, order_id),
    }
}

/// The next receipt number of the till: numbers are given when a sale is paid, so they run
/// without gaps however many card tries fail.
fn next_receipt_number(tx: &Connection, till: &str) -> Result<i64> {
    Ok(tx
        .prepare_cached(
            "INSERT INTO receipt_counters (till_id, last_number) VALUES (?1, 1)
             ON CONFLICT (till_id) DO UPDATE SET last_number = last_number + 1
             RETURNING last_number",
        )?
        .query_row([till], |r| r.get(0))?)
}

/// The points ledger's key for what one try at paying an order did ("redeem", "return_redeem"):
/// an order paid on its second try (a card declined, then cash) redeems again under its own key.
/// `attempt` is the sequence number of the try's first payment; the first try keeps the key
/// every earlier build wrote.
fn attempt_key(kind: &str, order_id: &str, attempt: i64) -> String {
    if attempt <= 1 {
        format!("{kind}:{order_id}")
    } else {
        format!("{kind}:{order_id}:{attempt}")
    }
}

/// A new id that sorts by creation time.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[derive(Clone, Debug, Serialize, TS)]
pub struct LineView {
    pub line_no: i64,
    pub sku: String,
    pub name: String,
    pub quantity: i64,
    pub unit_price: i64,
    pub line_discount: i64,
    pub discount: Option<String>,
    pub order_discount_share: i64,
    pub tax_rate: String,
    pub tax_basis_points: u32,
    pub net: i64,
    pub tax: i64,
    pub gross: i64,
    pub refunded_quantity: i64,
    pub refunded_amount: i64,
    /// The catalog's unit price when the line was sold at another one (a price override).
    pub catalog_price: Option<i64>,
}

#[derive(Clone, Debug, Serialize, TS)]
pub struct PaymentView {
    pub id: String,
    pub tender: String,
    pub status: String,
    pub amount: i64,
    pub tendered: Option<i64>,
    pub change: i64,
    pub points: i64,
    pub refunded: i64,
    /// Card payments: the gateway that took it.
    pub mode: Option<GatewayMode>,
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
    /// The Stripe PaymentIntent (`pi_…`).
    pub intent_id: Option<String>,
    /// Card payments: the issuer's authorisation code, when Stripe gave one.
    pub authorization_code: Option<String>,
}

#[derive(Clone, Debug, Serialize, TS)]
pub struct TaxLineView {
    pub name: String,
    pub basis_points: u32,
    pub net: i64,
    pub tax: i64,
    pub gross: i64,
}

#[derive(Clone, Debug, Serialize, TS)]
pub struct RefundSummary {
    pub id: String,
    pub kind: String,
    pub amount: i64,
    pub tax: i64,
    pub cash_rounding: i64,
    pub points_reversed: i64,
    pub restock: bool,
    pub created_at: String,
    /// Who gave the refund, and the manager who approved it with their PIN, if one did.
    pub staff: Option<String>,
    pub approved_by: Option<String>,
    /// A refund made at Stripe, not by the till (the Dashboard, Stripe's support): Stripe's id
    /// for it (`re_…`).
    pub at_stripe: Option<String>,
}

/// An order as the receipt and `orders show` present it; amounts in minor units.
#[derive(Clone, Debug, Serialize, TS)]
pub struct OrderView {
    pub id: String,
    /// Who rang the sale up (none on a till without staff accounts).
    pub staff: Option<String>,
    /// Who voided it.
    pub voided_by: Option<String>,
    /// The receipt number, given when the sale is paid: none on a sale whose card was not taken.
    pub number: Option<i64>,
    /// The receipt ("T1-000042"); a sale never paid is named by its id ("T1 sale 3f9a2c").
    pub receipt: String,
    pub till_id: String,
    pub status: OrderStatus,
    pub currency: String,
    pub tax_mode: TaxMode,
    pub rounding_rule: String,
    pub subtotal: i64,
    pub discount_total: i64,
    pub order_discount: Option<String>,
    pub tax: i64,
    pub total: i64,
    pub cash_rounding: i64,
    pub paid: i64,
    pub change: i64,
    pub refunded_total: i64,
    pub customer_id: Option<i64>,
    pub points_earned: i64,
    pub points_redeemed: i64,
    pub points_reversed: i64,
    pub created_at: String,
    pub demo: bool,
    pub lines: Vec<LineView>,
    pub payments: Vec<PaymentView>,
    pub tax_breakdown: Vec<TaxLineView>,
    pub refunds: Vec<RefundSummary>,
    /// The card holder's dispute of the order's card payment, if there is one.
    pub dispute: Option<DisputeView>,
}

/// Where a card holder's dispute stands, as Stripe last said.
#[derive(Clone, Debug, Serialize, TS)]
pub struct DisputeView {
    /// `open` (no money moved for good), `won`, or `lost` (Stripe took the amount back).
    pub status: String,
    pub reason: Option<String>,
    /// Stripe's id for it (`dp_…`), once known.
    pub dispute_id: Option<String>,
}

/// Commits a sale paid without a card (cash, points). Returns its receipt. `earlier` is the
/// order a card try for this same sale was written as and did not pay: that order is paid now,
/// its failed card payment kept in its history, rather than a second order being written.
pub fn checkout(
    conn: &mut Connection,
    shop: &Shop,
    cart: &Cart,
    tenders: &[TenderRequest],
    when: &Moment,
    parked: Option<i64>,
    earlier: Option<&str>,
) -> Result<OrderView> {
    if tenders
        .iter()
        .any(|t| matches!(t, TenderRequest::Card { .. }))
    {
        return Err(TillError::CardUnavailable);
    }
    let tx = crate::db::write(conn)?;
    let (booking, receipt) = write_order(&tx, shop, cart, tenders, when, None, earlier)?;
    book_sale(&tx, shop, &booking, when, parked)?;
    tx.commit()?;
    Ok(receipt)
}

/// Writes a card sale before any network call: the order `payment_pending` with its lines, its
/// payments `pending`, points redeemed on it set aside, and a `card_payment_started` journal
/// entry. Nothing else moves until [`complete_card_sale`]. The order has no receipt number
/// until it is paid. `earlier` is an order an earlier card try of this sale did not pay: this
/// try is written on it (see [`checkout`]).
pub fn begin_card_sale(
    conn: &mut Connection,
    shop: &Shop,
    cart: &Cart,
    tenders: &[TenderRequest],
    when: &Moment,
    owner: &crate::card_sessions::Owner,
    earlier: Option<&str>,
) -> Result<PendingCard> {
    let cards = tenders
        .iter()
        .filter(|t| matches!(t, TenderRequest::Card { .. }))
        .count();
    if cards != 1 {
        return Err(TillError::invalid(
            "tenders",
            "a sale takes one card payment; give the card the whole amount left",
        ));
    }
    let payment_id = new_id();
    let tx = crate::db::write(conn)?;
    let (booking, _) = write_order(&tx, shop, cart, tenders, when, Some(&payment_id), earlier)?;
    if let Some(c) = booking.customer {
        redeem_points(&tx, c, &booking, &when.at)?;
    }
    let amount = booking
        .payments
        .iter()
        .find(|p| p.tender == TenderKind::Card)
        .map(|p| p.amount)
        .ok_or_else(|| TillError::invalid("tenders", "nothing is left to pay by card"))?;
    let receipt = unpaid_label(shop.till_id.as_str(), &booking.order_id);
    journal::append(
        &tx,
        shop.till_id.as_str(),
        when,
        "card_payment_started",
        &booking.order_id,
        &serde_json::json!({
            "payment_id": payment_id, "amount": amount,
            "currency": shop.currency.code(), "total": booking.total,
            "attempt": booking.attempt,
        }),
    )?;
    // Being taken from this moment: no settlement in any process touches it until this
    // process lets it go or ends.
    crate::card_sessions::take(&tx, owner, &payment_id, when.staff_id(), &when.at)?;
    tx.commit()?;
    Ok(PendingCard {
        order_id: booking.order_id,
        receipt,
        payment_id,
        till_id: shop.till_id.to_string(),
        amount,
        currency: shop.currency.code().to_string(),
        intent_id: None,
        reader_id: None,
        created_at: when.at.clone(),
    })
}

/// Completes a card sale once Stripe says its PaymentIntent succeeded: payments succeeded, the
/// order paid, stock, rollups, points and the `sale` journal entry, in one transaction. Completing
/// an order that is already paid does nothing (a second settlement of the same payment).
pub fn complete_card_sale(
    conn: &mut Connection,
    shop: &Shop,
    payment_id: &str,
    charge: &CardCharge,
    when: &Moment,
    parked: Option<i64>,
) -> Result<String> {
    let tx = crate::db::write(conn)?;
    let (order_id, status, payment_status) = card_order(&tx, payment_id)?;
    // Settled, so nobody's to take any more, whoever held it.
    crate::card_sessions::end(&tx, payment_id)?;
    if payment_status == "succeeded" {
        tx.commit()?;
        return Ok(order_id);
    }
    if payment_status != "pending" {
        // Given up: its sale was not paid by it (and may since have been paid another way).
        return Err(TillError::card_settled(
            payment_id,
            OrderStatus::PaymentFailed.as_str(),
        ));
    }
    if status != OrderStatus::PaymentPending.as_str() {
        return Err(TillError::card_settled(payment_id, &status));
    }
    tx.prepare_cached(
        "UPDATE payments SET status = 'succeeded', intent_id = ?2, gateway_mode = ?3,
             card_brand = ?4, card_last4 = ?5, decline = NULL, authorization_code = ?6
         WHERE id = ?1",
    )?
    .execute(params![
        payment_id,
        charge.intent_id,
        charge.mode.as_str(),
        charge.brand,
        charge.last4,
        charge.authorization_code
    ])?;
    tx.prepare_cached(
        "UPDATE payments SET status = 'succeeded' WHERE order_id = ?1 AND status = 'pending'",
    )?
    .execute([&order_id])?;
    let (till, number): (String, Option<i64>) = tx
        .prepare_cached("SELECT till_id, number FROM orders WHERE id = ?1")?
        .query_row([&order_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    // Paid now, so numbered now (an order written by an earlier build has its number already).
    let number = match number {
        Some(n) => n,
        None => next_receipt_number(&tx, &till)?,
    };
    tx.prepare_cached("UPDATE orders SET status = 'paid', number = ?2 WHERE id = ?1")?
        .execute(params![&order_id, number])?;
    let booking = stored_booking(&tx, &order_id)?;
    // The sale counts on the day and hour it was rung up, whenever Stripe settled it.
    let rung_up = Moment {
        at: when.at.clone(),
        business_day: booking.business_day.clone(),
        hour: booking.hour,
        staff: when.staff.clone(),
        approved_by: when.approved_by.clone(),
        signer: when.signer.clone(),
    };
    book_sale(&tx, shop, &booking, &rung_up, parked)?;
    tx.commit()?;
    Ok(order_id)
}

/// Gives up a card sale that Stripe did not take (declined and abandoned, canceled, or found
/// canceled when settling a payment in doubt): the order becomes `payment_failed`, its payments
/// `canceled`, and points set aside for it go back to the customer.
pub fn fail_card_sale(
    conn: &mut Connection,
    payment_id: &str,
    reason: &str,
    when: &Moment,
) -> Result<String> {
    let tx = crate::db::write(conn)?;
    let (order_id, status, payment_status) = card_order(&tx, payment_id)?;
    crate::card_sessions::end(&tx, payment_id)?;
    if payment_status == "canceled" || payment_status == "failed" {
        // Given up before (its order may have been tried again, or paid another way since).
        tx.commit()?;
        return Ok(order_id);
    }
    if payment_status != "pending" || status != OrderStatus::PaymentPending.as_str() {
        return Err(TillError::card_settled(payment_id, &status));
    }
    // This try's first payment: its points were set aside under the try's own key.
    let attempt: i64 = tx
        .prepare_cached("SELECT min(seq) FROM payments WHERE order_id = ?1 AND status = 'pending'")?
        .query_row([&order_id], |r| r.get(0))?;
    tx.prepare_cached(
        "UPDATE payments SET status = 'canceled' WHERE order_id = ?1 AND status = 'pending'",
    )?
    .execute([&order_id])?;
    tx.prepare_cached("UPDATE orders SET status = 'payment_failed' WHERE id = ?1")?
        .execute([&order_id])?;
    let (customer, redeemed, till): (Option<i64>, i64, String) = tx.query_row(
        "SELECT customer_id, points_redeemed, till_id FROM orders WHERE id = ?1",
        [&order_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    if let Some(c) = customer {
        post_points(
            &tx,
            CustomerId(c),
            &attempt_key("return_redeem", &order_id, attempt),
            Some(&order_id),
            "return_redeem",
            redeemed,
            &when.at,
        )?;
    }
    journal::append(
        &tx,
        &till,
        when,
        "card_payment_failed",
        &order_id,
        &serde_json::json!({ "payment_id": payment_id, "reason": reason }),
    )?;
    tx.commit()?;
    Ok(order_id)
}

/// Notes the PaymentIntent made for a card payment (and the reader it went to).
pub fn record_intent(
    conn: &Connection,
    payment_id: &str,
    intent_id: &str,
    mode: &str,
    reader_id: Option<&str>,
) -> Result<()> {
    let n = conn
        .prepare_cached(
            "UPDATE payments SET intent_id = ?2, gateway_mode = ?3, reader_id = ?4
             WHERE id = ?1 AND tender = 'card'",
        )?
        .execute(params![payment_id, intent_id, mode, reader_id])?;
    if n == 0 {
        return Err(TillError::UnknownPayment(payment_id.to_string()));
    }
    Ok(())
}

/// Notes a decline (plain words) on a card payment that is still waiting for a card.
pub fn record_decline(conn: &Connection, payment_id: &str, decline: Option<&str>) -> Result<()> {
    conn.prepare_cached("UPDATE payments SET decline = ?2 WHERE id = ?1 AND tender = 'card'")?
        .execute(params![payment_id, decline])?;
    Ok(())
}

/// Card payments whose order is still waiting for them, oldest first.
pub fn pending_cards(conn: &Connection) -> Result<Vec<PendingCard>> {
    pending_cards_where(conn, None)
}

/// The card payment `payment_id` if its order still waits for it (one indexed look-up, however
/// many payments wait).
pub fn find_pending_card(conn: &Connection, payment_id: &str) -> Result<Option<PendingCard>> {
    Ok(pending_cards_where(conn, Some(payment_id))?
        .into_iter()
        .next())
}

fn pending_cards_where(conn: &Connection, payment_id: Option<&str>) -> Result<Vec<PendingCard>> {
    const SELECT: &str = "SELECT o.id, o.till_id, o.number, p.id, p.amount, o.currency,
             p.intent_id, p.reader_id, o.created_at
         FROM orders o JOIN payments p ON p.order_id = o.id AND p.tender = 'card'
             AND p.status = 'pending'
         WHERE o.status = 'payment_pending'";
    // Two statements, so the look-up by id uses the payments' primary key.
    let mut stmt = match payment_id {
        Some(_) => conn.prepare_cached(&format!("{SELECT} AND p.id = ?1"))?,
        None => conn.prepare_cached(&format!("{SELECT} ORDER BY o.created_at"))?,
    };
    let rows = stmt.query_map(rusqlite::params_from_iter(payment_id), |r| {
        let till: String = r.get(1)?;
        let order_id: String = r.get(0)?;
        Ok(PendingCard {
            receipt: stored_receipt(&till, r.get(2)?, &order_id),
            order_id,
            till_id: till,
            payment_id: r.get(3)?,
            amount: r.get(4)?,
            currency: r.get(5)?,
            intent_id: r.get(6)?,
            reader_id: r.get(7)?,
            created_at: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// One card payment waiting for its card, by its id.
pub fn pending_card(conn: &Connection, payment_id: &str) -> Result<PendingCard> {
    find_pending_card(conn, payment_id)?
        .ok_or_else(|| TillError::UnknownPayment(payment_id.to_string()))
}

/// A card payment's order, the order's status and the payment's own.
fn card_order(tx: &Connection, payment_id: &str) -> Result<(String, String, String)> {
    tx.prepare_cached(
        "SELECT o.id, o.status, p.status FROM payments p JOIN orders o ON o.id = p.order_id
         WHERE p.id = ?1 AND p.tender = 'card'",
    )?
    .query_row([payment_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
    .optional()?
    .ok_or_else(|| TillError::UnknownPayment(payment_id.to_string()))
}

/// What a sale's effects (stock, rollups, points, journal) need, from the cart or from the store.
struct Booking {
    order_id: String,
    /// None until the sale is paid.
    number: Option<i64>,
    /// The sequence number of this try's first payment (see [`attempt_key`]).
    attempt: i64,
    business_day: String,
    hour: u32,
    customer: Option<CustomerId>,
    points_earned: i64,
    points_redeemed: i64,
    total: i64,
    tax: i64,
    discounts: i64,
    cash_rounding: i64,
    lines: Vec<BookedLine>,
    payments: Vec<BookedPayment>,
}

struct BookedLine {
    product_id: i64,
    sku: String,
    quantity: i64,
    gross: i64,
}

struct BookedPayment {
    tender: TenderKind,
    amount: i64,
}

/// Writes the order, its lines and its payments. A sale with a card is written
/// `payment_pending` with every payment `pending` and no receipt number; any other sale is
/// `paid` and numbered at once. With `earlier` (an order of this sale whose card was not taken)
/// that order is written over: its lines replaced by the cart's, its given-up payments kept
/// before the new ones.
fn write_order(
    tx: &Transaction<'_>,
    shop: &Shop,
    cart: &Cart,
    tenders: &[TenderRequest],
    when: &Moment,
    card_payment_id: Option<&str>,
    earlier: Option<&str>,
) -> Result<(Booking, OrderView)> {
    if cart.currency != shop.currency {
        return Err(TillError::invalid(
            "cart",
            format!(
                "is in {}, the shop sells in {}",
                cart.currency, shop.currency
            ),
        ));
    }
    let priced = cart.price(shop.tax_mode)?;
    let balance: Option<i64> = match cart.customer_id {
        Some(c) => Some(
            tx.prepare_cached("SELECT points_balance FROM customers WHERE id = ?1")?
                .query_row([c.0], |r| r.get(0))
                .optional()?
                .ok_or(TillError::UnknownCustomer(c.0))?,
        ),
        None => None,
    };
    let settlement = settle(
        priced.total,
        tenders,
        shop.cash_rounding,
        &shop.loyalty,
        balance,
    )?;
    let points_earned = if cart.customer_id.is_some() {
        shop.loyalty.earned_on(settlement.money_paid)
    } else {
        0
    };
    let (order_status, payment_status) = match card_payment_id {
        Some(_) => (OrderStatus::PaymentPending, "pending"),
        None => (OrderStatus::Paid, "succeeded"),
    };

    let till = shop.till_id.as_str();
    let (order_id, number, attempt) = match earlier {
        Some(id) => {
            let (number, attempt) = take_up_again(tx, till, id)?;
            (id.to_string(), number, attempt)
        }
        None => (new_id(), None, 1),
    };
    let number = match (number, order_status) {
        (None, OrderStatus::Paid) => Some(next_receipt_number(tx, till)?),
        (number, _) => number,
    };
    let fields = params![
        order_id,
        till,
        number,
        order_status.as_str(),
        shop.currency.code(),
        shop.tax_mode.as_str(),
        ROUNDING_RULE,
        priced.subtotal.minor(),
        priced.discount_total.minor(),
        cart.order_discount.as_ref().map(|d| d.label()),
        priced.tax_total.minor(),
        priced.total.minor(),
        settlement.cash_rounding.minor(),
        settlement.change.minor(),
        cart.customer_id.map(|c| c.0),
        points_earned,
        settlement.points_redeemed,
        when.at,
        when.business_day,
        when.hour,
        when.staff_id(),
    ];
    if earlier.is_some() {
        // Rung up again now, in the shift open now.
        tx.prepare_cached(
            "UPDATE orders SET number = ?3, status = ?4, currency = ?5, tax_mode = ?6,
                 rounding_rule = ?7, subtotal = ?8, discount_total = ?9, order_discount = ?10,
                 tax_total = ?11, total = ?12, cash_rounding = ?13, change_given = ?14,
                 customer_id = ?15, points_earned = ?16, points_redeemed = ?17, created_at = ?18,
                 business_day = ?19, hour = ?20, staff_id = ?21,
                 shift_id = (SELECT id FROM shifts WHERE till_id = ?2 AND closed_at IS NULL)
             WHERE id = ?1 AND till_id = ?2",
        )?
        .execute(fields)?;
    } else {
        tx.prepare_cached(
            "INSERT INTO orders (id, till_id, number, status, currency, tax_mode, rounding_rule,
                 subtotal, discount_total, order_discount, tax_total, total, cash_rounding,
                 change_given, customer_id, points_earned, points_redeemed, created_at,
                 business_day, hour, staff_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                 ?18, ?19, ?20, ?21)",
        )?
        .execute(fields)?;
    }
    let mut lines = Vec::with_capacity(priced.lines.len());
    let mut line_views = Vec::with_capacity(priced.lines.len());
    let mut line_stmt = tx.prepare_cached(
        "INSERT INTO order_lines (order_id, line_no, product_id, sku, name, unit_price,
             quantity, line_discount, discount_label, order_discount_share, tax_rate_name,
             tax_basis_points, net, tax, gross, catalog_price)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?;
    for (i, l) in priced.lines.iter().enumerate() {
        line_stmt.execute(params![
            order_id,
            i as i64 + 1,
            l.line.product_id.0,
            l.line.sku.as_str(),
            l.line.name,
            l.line.unit_price.minor(),
            l.line.quantity,
            l.line_discount.minor(),
            l.line.discount.as_ref().map(|d| d.label()),
            l.order_discount_share.minor(),
            l.line.tax_rate.name,
            l.line.tax_rate.basis_points,
            l.net.minor(),
            l.tax.minor(),
            l.gross.minor(),
            l.line.catalog_price.map(|p| p.minor()),
        ])?;
        lines.push(BookedLine {
            product_id: l.line.product_id.0,
            sku: l.line.sku.to_string(),
            quantity: l.line.quantity,
            gross: l.gross.minor(),
        });
        line_views.push(LineView {
            line_no: i as i64 + 1,
            sku: l.line.sku.to_string(),
            name: l.line.name.clone(),
            quantity: l.line.quantity,
            unit_price: l.line.unit_price.minor(),
            line_discount: l.line_discount.minor(),
            discount: l.line.discount.as_ref().map(|d| d.label()),
            order_discount_share: l.order_discount_share.minor(),
            tax_rate: l.line.tax_rate.name.clone(),
            tax_basis_points: l.line.tax_rate.basis_points,
            net: l.net.minor(),
            tax: l.tax.minor(),
            gross: l.gross.minor(),
            refunded_quantity: 0,
            refunded_amount: 0,
            catalog_price: l.line.catalog_price.map(|p| p.minor()),
        });
    }
    let mut pay_stmt = tx.prepare_cached(
        "INSERT INTO payments (id, order_id, seq, tender, status, amount, tendered,
             change_given, points, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    let mut payments = Vec::with_capacity(settlement.payments.len());
    let mut payment_views = Vec::with_capacity(settlement.payments.len());
    for (i, p) in settlement.payments.iter().enumerate() {
        let id = match (p.tender, card_payment_id) {
            (TenderKind::Card, Some(card)) => card.to_string(),
            _ => new_id(),
        };
        pay_stmt.execute(params![
            id,
            order_id,
            attempt + i as i64,
            p.tender.as_str(),
            payment_status,
            p.amount.minor(),
            p.tendered.map(|t| t.minor()),
            p.change.minor(),
            p.points,
            when.at,
        ])?;
        payments.push(BookedPayment {
            tender: p.tender,
            amount: p.amount.minor(),
        });
        payment_views.push(PaymentView {
            id,
            tender: p.tender.as_str().to_string(),
            status: payment_status.to_string(),
            amount: p.amount.minor(),
            tendered: p.tendered.map(|t| t.minor()),
            change: p.change.minor(),
            points: p.points,
            refunded: 0,
            mode: None,
            card_brand: None,
            card_last4: None,
            intent_id: None,
            authorization_code: None,
        });
    }
    if earlier.is_some() {
        // With the card tries that did not pay it before them.
        payment_views = order_payments(tx, &order_id)?;
    }
    // The receipt from the values just written, exactly as [`order`] reads them back: a checkout
    // does not read its own order again.
    let receipt = OrderView {
        id: order_id.clone(),
        staff: when.staff.as_ref().map(|s| s.name.clone()),
        voided_by: None,
        number,
        receipt: stored_receipt(till, number, &order_id),
        till_id: till.to_string(),
        status: order_status,
        currency: shop.currency.code().to_string(),
        tax_mode: shop.tax_mode,
        rounding_rule: ROUNDING_RULE.to_string(),
        subtotal: priced.subtotal.minor(),
        discount_total: priced.discount_total.minor(),
        order_discount: cart.order_discount.as_ref().map(|d| d.label()),
        tax: priced.tax_total.minor(),
        total: priced.total.minor(),
        cash_rounding: settlement.cash_rounding.minor(),
        paid: paid_by(&payment_views),
        change: settlement.change.minor(),
        refunded_total: 0,
        customer_id: cart.customer_id.map(|c| c.0),
        points_earned,
        points_redeemed: settlement.points_redeemed,
        points_reversed: 0,
        created_at: when.at.clone(),
        demo: shop.demo,
        tax_breakdown: tax_breakdown(&line_views),
        lines: line_views,
        payments: payment_views,
        refunds: Vec::new(),
        dispute: None,
    };
    let booking = Booking {
        order_id,
        number,
        attempt,
        business_day: when.business_day.clone(),
        hour: when.hour,
        customer: cart.customer_id,
        points_earned,
        points_redeemed: settlement.points_redeemed,
        total: priced.total.minor(),
        tax: priced.tax_total.minor(),
        discounts: priced.discount_total.minor(),
        cash_rounding: settlement.cash_rounding.minor(),
        lines,
        payments,
    };
    Ok((booking, receipt))
}

/// Makes ready to write a sale again on `order_id`, the order an earlier card try of the same
/// sale was written as: it must be this till's and given up (`payment_failed`), so nothing was
/// booked for it. Its lines go (the cart is written in their place); its payments stay as its
/// history. Returns its receipt number, if an earlier build gave it one, and the sequence number
/// the new payments start at.
fn take_up_again(tx: &Transaction<'_>, till: &str, order_id: &str) -> Result<(Option<i64>, i64)> {
    let found: Option<(String, String, Option<i64>)> = tx
        .prepare_cached("SELECT till_id, status, number FROM orders WHERE id = ?1")?
        .query_row([order_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((order_till, status, number)) = found else {
        return Err(TillError::UnknownOrder(order_id.to_string()));
    };
    if order_till != till || status != OrderStatus::PaymentFailed.as_str() {
        return Err(TillError::WrongState {
            receipt: stored_receipt(&order_till, number, order_id),
            status,
            action: "paid again",
        });
    }
    tx.prepare_cached("DELETE FROM order_lines WHERE order_id = ?1")?
        .execute([order_id])?;
    let last: i64 = tx
        .prepare_cached("SELECT COALESCE(max(seq), 0) FROM payments WHERE order_id = ?1")?
        .query_row([order_id], |r| r.get(0))?;
    Ok((number, last + 1))
}

/// What an order's payments brought in: the ones that went through.
fn paid_by(payments: &[PaymentView]) -> i64 {
    payments
        .iter()
        .filter(|p| p.status == "succeeded")
        .map(|p| p.amount)
        .sum()
}

/// The receipt's tax lines: the order's lines added up per tax rate, in order of first use.
fn tax_breakdown(lines: &[LineView]) -> Vec<TaxLineView> {
    let mut rates: Vec<TaxLineView> = Vec::new();
    for l in lines {
        match rates.iter_mut().find(|b| b.name == l.tax_rate) {
            Some(b) => {
                b.net += l.net;
                b.tax += l.tax;
                b.gross += l.gross;
            }
            None => rates.push(TaxLineView {
                name: l.tax_rate.clone(),
                basis_points: l.tax_basis_points,
                net: l.net,
                tax: l.tax,
                gross: l.gross,
            }),
        }
    }
    rates
}

/// A written order read back for booking (a card sale being completed).
fn stored_booking(tx: &Transaction<'_>, order_id: &str) -> Result<Booking> {
    let mut b = tx.query_row(
        "SELECT number, business_day, hour, customer_id, points_earned, points_redeemed, total,
             tax_total, discount_total, cash_rounding,
             (SELECT min(seq) FROM payments WHERE order_id = ?1 AND status = 'succeeded')
         FROM orders WHERE id = ?1",
        [order_id],
        |r| {
            Ok(Booking {
                order_id: order_id.to_string(),
                number: r.get(0)?,
                attempt: r.get::<_, Option<i64>>(10)?.unwrap_or(1),
                business_day: r.get(1)?,
                hour: r.get(2)?,
                customer: r.get::<_, Option<i64>>(3)?.map(CustomerId),
                points_earned: r.get(4)?,
                points_redeemed: r.get(5)?,
                total: r.get(6)?,
                tax: r.get(7)?,
                discounts: r.get(8)?,
                cash_rounding: r.get(9)?,
                lines: Vec::new(),
                payments: Vec::new(),
            })
        },
    )?;
    let mut stmt = tx.prepare_cached(
        "SELECT product_id, sku, quantity, gross FROM order_lines WHERE order_id = ?1
         ORDER BY line_no",
    )?;
    b.lines = stmt
        .query_map([order_id], |r| {
            Ok(BookedLine {
                product_id: r.get(0)?,
                sku: r.get(1)?,
                quantity: r.get(2)?,
                gross: r.get(3)?,
            })
        })?
        .collect::<std::result::Result<_, _>>()?;
    // What paid it, not the card tries that did not.
    let mut stmt = tx.prepare_cached(
        "SELECT tender, amount FROM payments WHERE order_id = ?1 AND status = 'succeeded'
         ORDER BY seq",
    )?;
    let rows: Vec<(String, i64)> = stmt
        .query_map([order_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<std::result::Result<_, _>>()?;
    for (tender, amount) in rows {
        b.payments.push(BookedPayment {
            tender: tender_kind(&tender)?,
            amount,
        });
    }
    Ok(b)
}

/// Takes the points redeemed on a sale off the customer's balance.
fn redeem_points(tx: &Transaction<'_>, c: CustomerId, b: &Booking, at: &str) -> Result<()> {
    if b.points_redeemed == 0 {
        return Ok(());
    }
    let key = attempt_key("redeem", &b.order_id, b.attempt);
    let posted = post_points(
        tx,
        c,
        &key,
        Some(&b.order_id),
        "redeem",
        -b.points_redeemed,
        at,
    )?;
    if posted.shortfall != 0 {
        return Err(TillError::Corrupt(
            "points balance changed during the sale".into(),
        ));
    }
    Ok(())
}

/// The sale's effects: stock, report rollups, points and the `sale` journal entry.
fn book_sale(
    tx: &Transaction<'_>,
    shop: &Shop,
    b: &Booking,
    when: &Moment,
    parked: Option<i64>,
) -> Result<()> {
    if let Some(id) = parked {
        let n = tx.execute("DELETE FROM parked_carts WHERE id = ?1", [id])?;
        if n == 0 {
            return Err(TillError::UnknownParkedCart(id));
        }
    }
    let mut items = 0_i64;
    {
        let mut stock_stmt =
            tx.prepare_cached("UPDATE products SET stock = stock - ?1 WHERE id = ?2")?;
        let mut product_roll = tx.prepare_cached(
            "INSERT INTO sales_by_product (business_day, product_id, quantity, gross)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT DO UPDATE SET quantity = quantity + excluded.quantity,
                 gross = gross + excluded.gross",
        )?;
        for l in &b.lines {
            if stock_stmt.execute(params![l.quantity, l.product_id])? == 0 {
                return Err(TillError::UnknownProduct(l.sku.clone()));
            }
            product_roll.execute(params![b.business_day, l.product_id, l.quantity, l.gross])?;
            items += l.quantity;
        }
        let mut tender_roll = tx.prepare_cached(
            "INSERT INTO sales_by_tender (business_day, tender, payments, amount)
             VALUES (?1, ?2, 1, ?3)
             ON CONFLICT DO UPDATE SET payments = payments + 1, amount = amount + excluded.amount",
        )?;
        for p in &b.payments {
            tender_roll.execute(params![b.business_day, p.tender.as_str(), p.amount])?;
        }
    }
    tx.prepare_cached(
        "INSERT INTO sales_by_hour (business_day, hour, orders, items, gross, discounts, tax)
         VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6)
         ON CONFLICT DO UPDATE SET orders = orders + 1, items = items + excluded.items,
             gross = gross + excluded.gross, discounts = discounts + excluded.discounts,
             tax = tax + excluded.tax",
    )?
    .execute(params![
        b.business_day,
        b.hour,
        items,
        b.total,
        b.discounts,
        b.tax
    ])?;
    if let Some(c) = b.customer {
        // A card sale set its redeemed points aside when it was written; posting is keyed by
        // the try, so this does nothing for it.
        redeem_points(tx, c, b, &when.at)?;
        let key = format!("earn:{}", b.order_id);
        post_points(
            tx,
            c,
            &key,
            Some(&b.order_id),
            "earn",
            b.points_earned,
            &when.at,
        )?;
    }
    let payments: Vec<serde_json::Value> = b
        .payments
        .iter()
        .map(|p| serde_json::json!({ "tender": p.tender.as_str(), "amount": p.amount }))
        .collect();
    journal::append(
        tx,
        shop.till_id.as_str(),
        when,
        "sale",
        &b.order_id,
        &serde_json::json!({
            "number": b.number, "currency": shop.currency.code(), "total": b.total,
            "discounts": b.discounts, "tax": b.tax, "cash_rounding": b.cash_rounding,
            "payments": payments, "customer_id": b.customer.map(|c| c.0),
            "points_earned": b.points_earned, "points_redeemed": b.points_redeemed,
        }),
    )?;
    Ok(())
}

/// Finds an order by its id, its receipt label ("T1-000042") or its number on this till.
pub fn resolve(conn: &Connection, shop: &Shop, reference: &str) -> Result<String> {
    let r = reference.trim();
    let by_id: Option<String> = conn
        .prepare_cached("SELECT id FROM orders WHERE id = ?1")?
        .query_row([r], |row| row.get(0))
        .optional()?;
    if let Some(id) = by_id {
        return Ok(id);
    }
    // A sale by the name the till gives it until it is paid ("T1 sale 3f9a2c"), which stays a
    // name of that order once it has its receipt number.
    if let Some((till, tail)) = r.split_once(" sale ") {
        let found: Vec<String> = conn
            .prepare_cached(
                "SELECT id FROM orders WHERE till_id = ?1 AND substr(id, -length(?2)) = ?2
                 LIMIT 2",
            )?
            .query_map(params![till.trim(), tail.trim()], |row| row.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        return match <[String; 1]>::try_from(found) {
            Ok([id]) => Ok(id),
            Err(_) => Err(TillError::UnknownOrder(r.to_string())),
        };
    }
    let (till, num) = match r.rsplit_once('-') {
        Some((t, n)) => (t.to_string(), n),
        None => (shop.till_id.to_string(), r),
    };
    let Ok(number) = num.parse::<i64>() else {
        return Err(TillError::UnknownOrder(r.to_string()));
    };
    conn.prepare_cached("SELECT id FROM orders WHERE till_id = ?1 AND number = ?2")?
        .query_row(params![till, number], |row| row.get(0))
        .optional()?
        .ok_or_else(|| TillError::UnknownOrder(r.to_string()))
}

/// The points an order earned: those its customer was given, which is none until the money is
/// received (a card sale declined or still being paid earns nothing).
const EARNED: &str =
    "COALESCE((SELECT points FROM points_ledger WHERE key = 'earn:' || orders.id), 0)";

/// Loads an order with its lines, payments, tax breakdown and refunds.
pub fn order(conn: &Connection, shop: &Shop, id: &str) -> Result<OrderView> {
    let mut o = conn
        .prepare_cached(&format!(
            "SELECT id, number, till_id, status, currency, tax_mode, rounding_rule, subtotal,
                 discount_total, order_discount, tax_total, total, cash_rounding, change_given,
                 refunded_total, customer_id, {EARNED}, points_redeemed, points_reversed,
                 created_at, (SELECT name FROM staff WHERE id = orders.staff_id),
                 (SELECT name FROM staff WHERE id = orders.voided_by), dispute_status,
                 dispute_reason, dispute_id
             FROM orders WHERE id = ?1"
        ))?
        .query_row([id], |r| {
            let till: String = r.get(2)?;
            let number: Option<i64> = r.get(1)?;
            Ok(OrderView {
                id: r.get(0)?,
                number,
                receipt: String::new(),
                till_id: till,
                status: stored(r, 3, OrderStatus::parse)?,
                currency: r.get(4)?,
                tax_mode: stored(r, 5, TaxMode::parse)?,
                rounding_rule: r.get(6)?,
                subtotal: r.get(7)?,
                discount_total: r.get(8)?,
                order_discount: r.get(9)?,
                tax: r.get(10)?,
                total: r.get(11)?,
                cash_rounding: r.get(12)?,
                paid: 0,
                change: r.get(13)?,
                refunded_total: r.get(14)?,
                customer_id: r.get(15)?,
                points_earned: r.get(16)?,
                points_redeemed: r.get(17)?,
                points_reversed: r.get(18)?,
                created_at: r.get(19)?,
                staff: r.get(20)?,
                voided_by: r.get(21)?,
                demo: shop.demo,
                lines: Vec::new(),
                payments: Vec::new(),
                tax_breakdown: Vec::new(),
                refunds: Vec::new(),
                dispute: match r.get::<_, Option<String>>(22)? {
                    Some(status) => Some(DisputeView {
                        status,
                        reason: r.get(23)?,
                        dispute_id: r.get(24)?,
                    }),
                    None => None,
                },
            })
        })
        .optional()?
        .ok_or_else(|| TillError::UnknownOrder(id.to_string()))?;
    o.receipt = stored_receipt(&o.till_id, o.number, &o.id);
    let mut stmt = conn.prepare_cached(
        "SELECT line_no, sku, name, quantity, unit_price, line_discount, discount_label,
             order_discount_share, tax_rate_name, tax_basis_points, net, tax, gross,
             refunded_quantity, refunded_amount, catalog_price
         FROM order_lines WHERE order_id = ?1 ORDER BY line_no",
    )?;
    o.lines = stmt
        .query_map([id], |r| {
            Ok(LineView {
                line_no: r.get(0)?,
                sku: r.get(1)?,
                name: r.get(2)?,
                quantity: r.get(3)?,
                unit_price: r.get(4)?,
                line_discount: r.get(5)?,
                discount: r.get(6)?,
                order_discount_share: r.get(7)?,
                tax_rate: r.get(8)?,
                tax_basis_points: r.get(9)?,
                net: r.get(10)?,
                tax: r.get(11)?,
                gross: r.get(12)?,
                refunded_quantity: r.get(13)?,
                refunded_amount: r.get(14)?,
                catalog_price: r.get(15)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    o.payments = order_payments(conn, id)?;
    o.paid = paid_by(&o.payments);
    o.tax_breakdown = tax_breakdown(&o.lines);
    let mut stmt = conn.prepare_cached(
        "SELECT id, kind, amount, tax, cash_rounding, points_reversed, restock, created_at,
             (SELECT name FROM staff WHERE id = refunds.staff_id),
             (SELECT name FROM staff WHERE id = refunds.approved_by), stripe_refund_id
         FROM refunds WHERE order_id = ?1 ORDER BY created_at, id",
    )?;
    o.refunds = stmt
        .query_map([id], |r| {
            Ok(RefundSummary {
                id: r.get(0)?,
                kind: r.get(1)?,
                amount: r.get(2)?,
                tax: r.get(3)?,
                cash_rounding: r.get(4)?,
                points_reversed: r.get(5)?,
                restock: r.get(6)?,
                created_at: r.get(7)?,
                staff: r.get(8)?,
                approved_by: r.get(9)?,
                at_stripe: r.get(10)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(o)
}

/// An order's payments in the order they were made: those that went through and, before them,
/// any card try that did not.
fn order_payments(conn: &Connection, id: &str) -> Result<Vec<PaymentView>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, tender, status, amount, tendered, change_given, points, refunded,
             gateway_mode, card_brand, card_last4, intent_id, authorization_code
         FROM payments WHERE order_id = ?1 ORDER BY seq",
    )?;
    let payments = stmt
        .query_map([id], |r| {
            Ok(PaymentView {
                id: r.get(0)?,
                tender: r.get(1)?,
                status: r.get(2)?,
                amount: r.get(3)?,
                tendered: r.get(4)?,
                change: r.get(5)?,
                points: r.get(6)?,
                refunded: r.get(7)?,
                mode: r
                    .get::<_, Option<String>>(8)?
                    .map(|m| GatewayMode::parse(&m).ok_or_else(|| unknown_value(8, &m)))
                    .transpose()?,
                card_brand: r.get(9)?,
                card_last4: r.get(10)?,
                intent_id: r.get(11)?,
                authorization_code: r.get(12)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(payments)
}

/// One row of the order list.
#[derive(Clone, Debug, Serialize, TS)]
pub struct OrderSummary {
    pub id: String,
    pub receipt: String,
    pub status: OrderStatus,
    pub currency: String,
    pub total: i64,
    pub refunded_total: i64,
    pub customer_id: Option<i64>,
    pub customer_name: Option<String>,
    pub created_at: String,
}

/// Which orders a list shows. Every part is optional; together they narrow the list.
#[derive(Clone, Debug, Default)]
pub struct OrderFilter {
    pub status: Option<OrderStatus>,
    /// Business days, inclusive.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// A receipt ("T1-000042" or just 42), an order id, or part of the customer's name.
    pub text: Option<String>,
}

/// Up to this many customers matching a name, the order list reads their orders by customer.
const FEW_CUSTOMERS: i64 = 50;

/// Orders, newest first, narrowed by `filter`.
pub fn list(
    conn: &Connection,
    filter: &OrderFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<OrderSummary>> {
    let text = filter
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    // A receipt number typed as "T1-000042", "000042" or "42".
    let number: Option<i64> = text.and_then(|t| {
        let digits = t.rsplit('-').next().unwrap_or(t);
        digits.parse().ok()
    });
    let till = text.and_then(|t| t.rsplit_once('-').map(|(till, _)| till.to_string()));
    let like = text.map(|t| {
        let escaped = t
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        format!("%{escaped}%")
    });
    // Typed digits find receipts (and an id finds its order); anything else is a customer's
    // name. Kept as separate statements so each one uses its index.
    let by_customer = text.is_some() && number.is_none();
    let text_clause = match (text, by_customer) {
        (None, _) => "",
        (Some(_), false) => "AND (o.id = ?4 OR (o.number = ?5 AND (?6 IS NULL OR o.till_id = ?6)))",
        (Some(_), true) => {
            // A name that few customers share: read their orders through the customer index
            // and sort them. A name many share (their orders are everywhere): walk the orders
            // newest first and stop at the page's end ("+" keeps SQLite off the customer index).
            let matching: i64 = conn
                .prepare_cached(
                    "SELECT count(*) FROM (SELECT 1 FROM customers WHERE name LIKE ?1 ESCAPE '\\'
                     LIMIT ?2)",
                )?
                .query_row(params![like, FEW_CUSTOMERS + 1], |r| r.get(0))?;
            if matching <= FEW_CUSTOMERS {
                "AND (o.id = ?4 OR o.customer_id IN
                     (SELECT id FROM customers WHERE name LIKE ?7 ESCAPE '\\'))"
            } else {
                "AND (o.id = ?4 OR +o.customer_id IN
                     (SELECT id FROM customers WHERE name LIKE ?7 ESCAPE '\\'))"
            }
        }
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT o.id, o.till_id, o.number, o.status, o.currency, o.total, o.refunded_total,
             o.customer_id, c.name, o.created_at
         FROM orders o LEFT JOIN customers c ON c.id = o.customer_id
         WHERE (?1 IS NULL OR o.status = ?1)
           AND (?2 IS NULL OR o.business_day >= ?2)
           AND (?3 IS NULL OR o.business_day <= ?3)
           {text_clause}
         ORDER BY o.created_at DESC, o.number DESC LIMIT ?8 OFFSET ?9"
    ))?;
    let rows = stmt.query_map(
        params![
            filter.status.map(|s| s.as_str()),
            filter.from.map(|d| d.to_string()),
            filter.to.map(|d| d.to_string()),
            text,
            number,
            till,
            like,
            limit,
            offset
        ],
        |r| {
            let till: String = r.get(1)?;
            let number: Option<i64> = r.get(2)?;
            let id: String = r.get(0)?;
            Ok(OrderSummary {
                receipt: stored_receipt(&till, number, &id),
                id,
                status: stored(r, 3, OrderStatus::parse)?,
                currency: r.get(4)?,
                total: r.get(5)?,
                refunded_total: r.get(6)?,
                customer_id: r.get(7)?,
                customer_name: r.get(8)?,
                created_at: r.get(9)?,
            })
        },
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Voids a completed order before any refund: money back in full, stock back, points undone,
/// and the sale taken out of the reports.
pub fn void(conn: &mut Connection, shop: &Shop, id: &str, when: &Moment) -> Result<()> {
    let tx = crate::db::write(conn)?;
    // `earned`: the points the customer was given for it, none for a card sale never paid.
    #[allow(clippy::type_complexity)]
    let (status, number, customer, earned, redeemed, total, tax, discounts, day, hour): (
        String,
        Option<i64>,
        Option<i64>,
        i64,
        i64,
        i64,
        i64,
        i64,
        String,
        i64,
    ) = tx.query_row(
        &format!(
            "SELECT status, number, customer_id, {EARNED}, points_redeemed, total, tax_total,
                 discount_total, business_day, hour FROM orders WHERE id = ?1"
        ),
        [id],
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
    let st = OrderStatus::parse(&status).ok_or_else(|| TillError::Corrupt(status.clone()))?;
    if !st.can_void() {
        return Err(TillError::WrongState {
            receipt: stored_receipt(shop.till_id.as_str(), number, id),
            status,
            action: "voided",
        });
    }
    let card_paid: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM payments WHERE order_id = ?1 AND tender = 'card'
             AND status = 'succeeded')",
        [id],
        |r| r.get(0),
    )?;
    if card_paid {
        return Err(TillError::CardPaidVoid(stored_receipt(
            shop.till_id.as_str(),
            number,
            id,
        )));
    }
    let lines: Vec<(i64, i64, i64)> = tx
        .prepare("SELECT product_id, quantity, gross FROM order_lines WHERE order_id = ?1")?
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let mut items = 0;
    let counted = st == OrderStatus::Paid;
    for (product, qty, gross) in &lines {
        tx.execute(
            "UPDATE products SET stock = stock + ?1 WHERE id = ?2",
            params![qty, product],
        )?;
        if counted {
            tx.execute(
                "UPDATE sales_by_product SET quantity = quantity - ?1, gross = gross - ?2
                 WHERE business_day = ?3 AND product_id = ?4",
                params![qty, gross, day, product],
            )?;
        }
        items += qty;
    }
    if counted {
        tx.execute(
            "UPDATE sales_by_hour SET orders = orders - 1, items = items - ?1, gross = gross - ?2,
                 tax = tax - ?3, discounts = discounts - ?4 WHERE business_day = ?5 AND hour = ?6",
            params![items, total, tax, discounts, day, hour],
        )?;
        tx.execute(
            "UPDATE sales_by_tender SET
                 payments = payments - (SELECT count(*) FROM payments p WHERE p.order_id = ?1
                                    AND p.tender = sales_by_tender.tender AND p.status = 'succeeded'),
                 amount = amount - (SELECT sum(amount) FROM payments p WHERE p.order_id = ?1
                                    AND p.tender = sales_by_tender.tender AND p.status = 'succeeded')
             WHERE business_day = ?2 AND tender IN
                 (SELECT tender FROM payments WHERE order_id = ?1 AND status = 'succeeded')",
            params![id, day],
        )?;
    }
    // Redeemed points go back first so that they cover the earned points taken back.
    if let Some(c) = customer.map(CustomerId) {
        post_points(
            &tx,
            c,
            &format!("void-redeem:{id}"),
            Some(id),
            "return_redeem",
            redeemed,
            &when.at,
        )?;
        post_points(
            &tx,
            c,
            &format!("void-earn:{id}"),
            Some(id),
            "reverse_earn",
            -earned,
            &when.at,
        )?;
    }
    tx.execute(
        "UPDATE orders SET status = 'voided', voided_at = ?1, points_reversed = ?4, voided_by = ?3
         WHERE id = ?2",
        params![when.at, id, when.staff_id(), earned],
    )?;
    tx.execute(
        "UPDATE payments SET status = 'canceled' WHERE order_id = ?1 AND status = 'pending'",
        [id],
    )?;
    journal::append(
        &tx,
        shop.till_id.as_str(),
        when,
        "void",
        id,
        &serde_json::json!({ "number": number, "total": total, "was": status }),
    )?;
    tx.commit()?;
    Ok(())
}

/// A parked cart, waiting to be resumed; amounts in minor units.
#[derive(Clone, Debug, Serialize, TS)]
pub struct ParkedCart {
    pub id: i64,
    pub note: Option<String>,
    pub customer_id: Option<i64>,
    pub lines: usize,
    pub parked_at: String,
    pub currency: String,
    pub total: i64,
    pub items: Vec<ParkedItem>,
    #[serde(skip)]
    #[ts(skip)]
    pub cart: Cart,
}

#[derive(Clone, Debug, Serialize, TS)]
pub struct ParkedItem {
    pub sku: String,
    pub name: String,
    pub quantity: i64,
    pub unit_price: i64,
}

pub fn park(
    conn: &Connection,
    shop: &Shop,
    cart: &Cart,
    note: Option<&str>,
    at: &str,
) -> Result<i64> {
    cart.price(shop.tax_mode)?;
    let json = serde_json::to_string(cart).map_err(|e| TillError::Corrupt(e.to_string()))?;
    conn.execute(
        "INSERT INTO parked_carts (till_id, cart, customer_id, note, parked_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            shop.till_id.as_str(),
            json,
            cart.customer_id.map(|c| c.0),
            note,
            at
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn parked(conn: &Connection, shop: &Shop) -> Result<Vec<ParkedCart>> {
    let mut stmt = conn
        .prepare("SELECT id, cart, customer_id, note, parked_at FROM parked_carts ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, json, customer_id, note, parked_at) = row?;
        let cart: Cart = serde_json::from_str(&json)
            .map_err(|e| TillError::Corrupt(format!("parked cart {id}: {e}")))?;
        let total = cart
            .price(shop.tax_mode)
            .map_err(|e| TillError::Corrupt(format!("parked cart {id}: {e}")))?
            .total
            .minor();
        let items = cart
            .lines
            .iter()
            .map(|l| ParkedItem {
                sku: l.sku.to_string(),
                name: l.name.clone(),
                quantity: l.quantity,
                unit_price: l.unit_price.minor(),
            })
            .collect();
        out.push(ParkedCart {
            id,
            note,
            customer_id,
            lines: cart.lines.len(),
            parked_at,
            currency: cart.currency.code().to_string(),
            total,
            items,
            cart,
        });
    }
    Ok(out)
}

pub fn parked_cart(conn: &Connection, id: i64) -> Result<Cart> {
    let json: String = conn
        .query_row("SELECT cart FROM parked_carts WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?
        .ok_or(TillError::UnknownParkedCart(id))?;
    serde_json::from_str(&json).map_err(|e| TillError::Corrupt(format!("parked cart {id}: {e}")))
}

pub fn discard_parked(conn: &Connection, id: i64) -> Result<()> {
    if conn.execute("DELETE FROM parked_carts WHERE id = ?1", [id])? == 0 {
        return Err(TillError::UnknownParkedCart(id));
    }
    Ok(())
}

/// The tender kind stored in a payment row.
pub(crate) fn tender_kind(s: &str) -> Result<TenderKind> {
    TenderKind::parse(s).ok_or_else(|| TillError::Corrupt(format!("unknown tender '{s}'")))
}

/// Money of the shop's currency from stored minor units.
pub(crate) fn money(shop: &Shop, minor: i64) -> Money {
    Money::from_minor(minor, shop.currency)
}
