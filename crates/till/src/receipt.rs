//! What a receipt says: the till's decision, written once for the printer, the screen and
//! `versapos print receipt --preview`.
//!
//! [`document`] turns an order as the store keeps it into a [`Document`]: the shop's name and
//! details, the receipt number, when and by whom, each line with its quantity, price, discount and
//! any price override, the sums, tax per rate, each tender, the VIP's points, a barcode of the
//! receipt number (scanned at the till for a return) and the footer. A reprint, a refund and a
//! voided sale say so in words.

use crate::{OrderView, RefundView, Shop};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use versapos_core::receipt::{Align, Block, Document, Style};
use versapos_core::tax::format_percent;
use versapos_store::reports::amt;

/// Which copy of a receipt is printed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReceiptCopy {
    /// The customer's receipt, as the sale is finished.
    Sale,
    /// A copy printed later: marked REPRINT.
    Reprint,
    /// The receipt of one refund of the order.
    Refund { refund_id: String },
}

impl ReceiptCopy {
    /// Reads a copy as a door names it: "sale", "reprint", or a refund's id.
    pub fn parse(kind: &str, refund_id: Option<&str>) -> crate::Result<ReceiptCopy> {
        match (kind.trim(), refund_id) {
            ("sale", None) => Ok(ReceiptCopy::Sale),
            ("reprint", None) => Ok(ReceiptCopy::Reprint),
            ("refund", Some(id)) => Ok(ReceiptCopy::Refund {
                refund_id: id.to_string(),
            }),
            ("refund", None) => Err(crate::TillError::invalid(
                "copy",
                "a refund receipt needs the refund's id",
            )),
            (other, _) => Err(crate::TillError::invalid(
                "copy",
                format!("'{other}': expected sale, reprint or refund"),
            )),
        }
    }
}

/// A receipt ready to show or print: the document and its lines at the till's paper width.
#[derive(Clone, Debug, Serialize, TS)]
pub struct ReceiptView {
    pub order_id: String,
    pub receipt: String,
    pub copy: ReceiptCopy,
    /// Characters across the paper (48 when no printer is set up).
    pub columns: u8,
    pub document: Document,
    /// The document laid out `columns` wide, with each line's style: what the paper shows.
    pub lines: Vec<versapos_core::receipt::Line>,
    /// The document laid out `columns` wide as plain text, one string per line.
    pub text: Vec<String>,
}

/// A customer on the receipt: their name and points balance after the sale.
pub struct ReceiptCustomer<'a> {
    pub name: &'a str,
    pub balance: i64,
}

/// A date and time as people read them on a receipt, in the till's local time the sale was
/// made in: "Sat 28 Nov 2026 15:27". A stored time that cannot be read is shown as stored.
pub fn when_for_people(at: &str) -> String {
    versapos_core::text::time_for_people(at)
}

/// The same in the shop's locale (see [`versapos_core::text::time_in`]).
pub fn when_in(shop: &Shop, at: &str) -> String {
    versapos_core::text::time_in(at, shop.locale.as_deref())
}

/// A card's brand as printed: "Visa", "Mastercard", "American Express".
fn brand(name: &str) -> String {
    match name.to_ascii_lowercase().as_str() {
        "visa" => "Visa".into(),
        "mastercard" => "Mastercard".into(),
        "amex" | "american_express" => "American Express".into(),
        "discover" => "Discover".into(),
        "jcb" => "JCB".into(),
        "diners" => "Diners Club".into(),
        "unionpay" => "UnionPay".into(),
        "interac" => "Interac".into(),
        "eftpos_au" => "eftpos".into(),
        "" => "Card".into(),
        other => {
            let mut c = other.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        }
    }
}

/// The receipt of `order`. `refund` is the refund a refund receipt is for.
pub fn document(
    shop: &Shop,
    order: &OrderView,
    copy: &ReceiptCopy,
    refund: Option<&RefundView>,
    customer: Option<ReceiptCustomer<'_>>,
    with_logo: bool,
) -> Document {
    let cur = order.currency.as_str();
    let m = |minor: i64| amt(minor, cur);
    let mut d = Document::new();
    if with_logo {
        d.push(Block::Logo);
    }
    d.text(&shop.name, Align::Center, Style::LARGE);
    let r = &shop.receipt;
    if let Some(address) = &r.address {
        d.centred(address.as_str());
    }
    if let Some(phone) = &r.phone {
        d.centred(format!("Tel {phone}"));
    }
    if let Some(number) = &r.tax_number {
        d.centred(format!("VAT no. {number}"));
    }
    if order.demo {
        d.feed(1)
            .text("DEMO - NOT A REAL SALE", Align::Center, Style::BOLD);
    }
    match copy {
        ReceiptCopy::Sale => {}
        ReceiptCopy::Reprint => {
            d.feed(1)
                .text("REPRINT - copy of the receipt", Align::Center, Style::BOLD);
        }
        ReceiptCopy::Refund { .. } => {
            d.feed(1).text("REFUND", Align::Center, Style::LARGE);
        }
    }
    let status = order.status.as_str();
    if status == "voided" {
        d.text(
            "VOIDED - this sale was cancelled",
            Align::Center,
            Style::BOLD,
        );
    } else if matches!(status, "open" | "payment_pending" | "payment_failed") {
        d.text(
            format!("NOT PAID - {}", status.replace('_', " ")),
            Align::Center,
            Style::BOLD,
        );
    }
    d.feed(1);
    d.pair("Receipt", &order.receipt);
    let at = match (copy, refund) {
        (ReceiptCopy::Refund { .. }, Some(_)) => order
            .refunds
            .iter()
            .find(|s| Some(&s.id) == refund.map(|r| &r.id))
            .map_or(order.created_at.as_str(), |s| s.created_at.as_str()),
        _ => order.created_at.as_str(),
    };
    d.text(when_in(shop, at), Align::Left, Style::PLAIN);
    let served_by = match (copy, refund) {
        (ReceiptCopy::Refund { .. }, Some(rv)) => order
            .refunds
            .iter()
            .find(|s| s.id == rv.id)
            .and_then(|s| s.staff.clone()),
        _ => order.staff.clone(),
    };
    match served_by {
        Some(staff) => d.text(
            format!("Till {}  Served by {staff}", order.till_id),
            Align::Left,
            Style::PLAIN,
        ),
        None => d.text(format!("Till {}", order.till_id), Align::Left, Style::PLAIN),
    };
    d.rule();
    match (copy, refund) {
        (ReceiptCopy::Refund { .. }, Some(rv)) => refund_body(&mut d, order, rv, &m),
        _ => sale_body(&mut d, order, &m),
    }
    if let Some(c) = customer {
        d.rule();
        d.pair("Customer", c.name);
        if order.points_redeemed != 0 {
            d.pair("Points redeemed", order.points_redeemed.to_string());
        }
        if order.points_earned != 0 && !matches!(copy, ReceiptCopy::Refund { .. }) {
            d.pair("Points earned", order.points_earned.to_string());
        }
        if let Some(rv) = refund {
            if rv.points_reversed != 0 {
                d.pair("Points taken back", rv.points_reversed.to_string());
            }
        }
        d.pair("Points balance", c.balance.to_string());
    }
    d.feed(1);
    d.push(Block::Barcode {
        data: order.receipt.clone(),
    });
    if let Some(footer) = &r.footer {
        d.feed(1);
        d.centred(footer.as_str());
    }
    d.feed(1).centred("Thank you");
    if order.demo {
        d.text("DEMO", Align::Center, Style::BOLD);
    }
    d
}

fn sale_body(d: &mut Document, order: &OrderView, m: &dyn Fn(i64) -> String) {
    for l in &order.lines {
        d.pair(&l.name, m(l.unit_price.saturating_mul(l.quantity)));
        let mut detail = format!("  {} x {}", l.quantity, m(l.unit_price));
        if let Some(catalog) = l.catalog_price {
            detail.push_str(&format!(" (price changed, was {})", m(catalog)));
        }
        d.text(detail, Align::Left, Style::PLAIN);
        if l.line_discount != 0 {
            let label = l.discount.as_deref().unwrap_or("");
            d.pair(
                format!("  Discount {label}").trim_end(),
                format!("-{}", m(l.line_discount)),
            );
        }
    }
    d.rule();
    d.pair("Subtotal", m(order.subtotal));
    let line_discounts: i64 = order.lines.iter().map(|l| l.line_discount).sum();
    if line_discounts != 0 {
        d.pair("Line discounts", format!("-{}", m(line_discounts)));
    }
    let order_discount = order.discount_total - line_discounts;
    if order_discount != 0 {
        let label = order.order_discount.as_deref().unwrap_or("");
        d.pair(
            format!("Order discount {label}").trim_end(),
            format!("-{}", m(order_discount)),
        );
    }
    if order.tax_mode == versapos_core::TaxMode::Exclusive {
        d.pair("VAT", m(order.tax));
    }
    d.pair_styled(
        "TOTAL",
        format!("{} {}", order.currency, m(order.total)),
        Style::LARGE,
    );
    if order.cash_rounding != 0 {
        d.pair("Cash rounding", m(order.cash_rounding));
        d.pair("To pay", m(order.total + order.cash_rounding));
    }
    tax_table(d, order, m);
    d.rule();
    for p in &order.payments {
        if p.status != "succeeded" && p.status != "pending" {
            continue;
        }
        match p.tender.as_str() {
            "cash" => {
                d.pair("Cash", m(p.tendered.unwrap_or(p.amount)));
            }
            "card" => {
                let mut label = brand(p.card_brand.as_deref().unwrap_or(""));
                if let Some(last4) = &p.card_last4 {
                    label.push_str(&format!(" **** {last4}"));
                }
                d.pair(label, m(p.amount));
                if let Some(code) = &p.authorization_code {
                    d.text(format!("  Auth code {code}"), Align::Left, Style::PLAIN);
                }
                match p.mode {
                    Some(versapos_core::GatewayMode::Demo) => {
                        d.text("  DEMO card - no money taken", Align::Left, Style::BOLD);
                    }
                    Some(versapos_core::GatewayMode::Test) => {
                        d.text("  TEST card - no money taken", Align::Left, Style::BOLD);
                    }
                    _ => {}
                }
                if p.status == "pending" {
                    d.text("  being paid", Align::Left, Style::PLAIN);
                }
            }
            "points" => {
                d.pair(format!("Points ({} pts)", p.points), m(p.amount));
            }
            other => {
                d.pair(other, m(p.amount));
            }
        }
    }
    if order.payments.iter().any(|p| p.tender == "cash") {
        d.pair("Change", m(order.change));
    }
}

fn tax_table(d: &mut Document, order: &OrderView, m: &dyn Fn(i64) -> String) {
    if order.tax_breakdown.is_empty() {
        return;
    }
    let how = match order.tax_mode {
        versapos_core::TaxMode::Inclusive => "included",
        versapos_core::TaxMode::Exclusive => "added",
    };
    d.feed(1);
    d.text(format!("VAT ({how})"), Align::Left, Style::BOLD);
    for t in &order.tax_breakdown {
        d.pair(
            format!("{} {}", t.name, format_percent(t.basis_points)),
            m(t.gross),
        );
        d.text(
            format!("  net {}  VAT {}", m(t.net), m(t.tax)),
            Align::Left,
            Style::PLAIN,
        );
    }
}

fn refund_body(d: &mut Document, order: &OrderView, rv: &RefundView, m: &dyn Fn(i64) -> String) {
    if rv.lines.is_empty() {
        d.pair("Amount refunded", m(rv.amount));
    }
    for l in &rv.lines {
        let name = order
            .lines
            .iter()
            .find(|o| o.line_no == l.line_no)
            .map_or(l.sku.as_str(), |o| o.name.as_str());
        d.pair(name, format!("-{}", m(l.amount)));
        d.text(
            format!("  {} returned", l.quantity),
            Align::Left,
            Style::PLAIN,
        );
    }
    d.rule();
    if rv.cash_rounding != 0 {
        d.pair("Cash rounding", m(rv.cash_rounding));
    }
    d.pair_styled(
        "REFUND",
        format!("{} {}", order.currency, m(rv.amount)),
        Style::LARGE,
    );
    d.pair("of which VAT", m(rv.tax));
    d.rule();
    for t in &rv.tenders {
        let label = match t.tender.as_str() {
            "cash" => "Cash given back".to_string(),
            "card" => {
                let card = order.payments.iter().find(|p| p.id == t.payment_id);
                let mut label = format!(
                    "Back to {}",
                    brand(card.and_then(|p| p.card_brand.as_deref()).unwrap_or(""))
                );
                if let Some(last4) = card.and_then(|p| p.card_last4.as_deref()) {
                    label.push_str(&format!(" **** {last4}"));
                }
                label
            }
            "points" => format!("Points given back ({} pts)", t.points),
            other => other.to_string(),
        };
        d.pair(label, m(t.amount));
    }
    if rv.restock {
        d.text("Items back in stock", Align::Left, Style::PLAIN);
    }
}
