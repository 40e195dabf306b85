//! The sale on the register as a screen shows it, and what the cashier types for tenders.

use serde::Serialize;
use ts_rs::TS;
use versapos_core::{Cart, CartError, Money, TaxMode, TenderRequest};
use versapos_store::customers::Customer;
use versapos_store::sales::TaxLineView;
use versapos_store::shop::Shop;
use versapos_store::{Result, TillError};

/// The sale being rung up, kept in memory by a front door between one scan and the next (the
/// desktop shell): the cart, created on first use in the shop's currency, and the parked cart it
/// was resumed from, so that completing or re-parking it removes that parked cart.
#[derive(Clone, Debug, Default)]
pub struct Sale {
    pub(crate) cart: Option<Cart>,
    pub(crate) resumed_from: Option<i64>,
    /// The order a card try of this sale was written as, once one was: a try that does not pay
    /// leaves it unpaid, and the next tender pays that same order (one receipt number, the
    /// failed try in its history).
    pub(crate) order: Option<String>,
}

impl Sale {
    /// Whether anything has been rung up.
    pub fn has_lines(&self) -> bool {
        self.cart.as_ref().is_some_and(|c| !c.lines.is_empty())
    }

    /// The parked cart this sale came from, if it was resumed.
    pub fn resumed_from(&self) -> Option<i64> {
        self.resumed_from
    }

    /// The order a card try of this sale was written as, if one was.
    pub fn order(&self) -> Option<&str> {
        self.order.as_deref()
    }

    /// Starts a new, empty sale (a resumed cart stays parked).
    pub fn clear(&mut self) {
        *self = Sale::default();
    }
}

/// One line of the sale on the register; amounts in minor units.
#[derive(Clone, Debug, Serialize, TS)]
pub struct CartLineView {
    pub index: usize,
    pub sku: String,
    pub name: String,
    pub quantity: i64,
    pub unit_price: i64,
    /// The catalog's price when the line is sold at another (a price override).
    pub catalog_price: Option<i64>,
    pub line_discount: i64,
    pub discount: Option<String>,
    pub order_discount_share: i64,
    pub tax_rate: String,
    pub gross: i64,
}

/// The sale on the register, priced; amounts in minor units of `currency`.
#[derive(Clone, Debug, Serialize, TS)]
pub struct CartView {
    pub currency: String,
    /// Decimal places of the currency, for display.
    pub exponent: u8,
    pub tax_mode: TaxMode,
    pub lines: Vec<CartLineView>,
    pub items: i64,
    pub subtotal: i64,
    pub discount_total: i64,
    pub order_discount: Option<String>,
    pub tax_total: i64,
    pub total: i64,
    pub tax_breakdown: Vec<TaxLineView>,
    pub customer: Option<Customer>,
    pub demo: bool,
}

/// Prices the cart for the screen; an empty cart shows zeros.
pub fn view(shop: &Shop, cart: &Cart, customer: Option<Customer>) -> Result<CartView> {
    let mut v = CartView {
        currency: shop.currency.code().to_string(),
        exponent: shop.currency.exponent(),
        tax_mode: shop.tax_mode,
        lines: Vec::new(),
        items: 0,
        subtotal: 0,
        discount_total: 0,
        order_discount: cart.order_discount.as_ref().map(|d| d.label()),
        tax_total: 0,
        total: 0,
        tax_breakdown: Vec::new(),
        customer,
        demo: shop.demo,
    };
    let priced = match cart.price(shop.tax_mode) {
        Ok(p) => p,
        Err(CartError::Empty) => return Ok(v),
        Err(e) => return Err(e.into()),
    };
    v.lines = priced
        .lines
        .iter()
        .enumerate()
        .map(|(index, l)| CartLineView {
            index,
            sku: l.line.sku.to_string(),
            name: l.line.name.clone(),
            quantity: l.line.quantity,
            unit_price: l.line.unit_price.minor(),
            catalog_price: l.line.catalog_price.map(|p| p.minor()),
            line_discount: l.line_discount.minor(),
            discount: l.line.discount.as_ref().map(|d| d.label()),
            order_discount_share: l.order_discount_share.minor(),
            tax_rate: l.line.tax_rate.name.clone(),
            gross: l.gross.minor(),
        })
        .collect();
    v.items = priced.lines.iter().map(|l| l.line.quantity).sum();
    v.subtotal = priced.subtotal.minor();
    v.discount_total = priced.discount_total.minor();
    v.tax_total = priced.tax_total.minor();
    v.total = priced.total.minor();
    v.tax_breakdown = priced
        .tax_breakdown
        .iter()
        .map(|b| TaxLineView {
            name: b.name.clone(),
            basis_points: b.basis_points,
            net: b.net.minor(),
            tax: b.tax.minor(),
            gross: b.gross.minor(),
        })
        .collect();
    Ok(v)
}

/// A tender as the cashier gives it: `cash` with what was handed over (major units, or None for
/// exactly what is due), `card` with an amount (None: the rest), `points` with a number. A
/// value given but blank (`cash:`) is refused: it is a slip, not "exactly what is due".
pub fn tender(shop: &Shop, kind: &str, value: Option<&str>) -> Result<TenderRequest> {
    let value = value.map(str::trim);
    if value == Some("") {
        return Err(TillError::invalid(
            "amount",
            format!(
                "is empty: give an amount ({k}:20.00), or just '{k}' for what is due",
                k = kind.trim()
            ),
        ));
    }
    let amount = |v: &str| {
        Money::parse(v, shop.currency).map_err(|e| TillError::invalid("amount", e.to_string()))
    };
    match (kind.trim(), value) {
        ("cash", None) => Ok(TenderRequest::Cash { tendered: None }),
        ("cash", Some(v)) => {
            let m = amount(v)?;
            if m.is_negative() {
                return Err(TillError::invalid(
                    "amount",
                    "cash handed over cannot be negative",
                ));
            }
            Ok(TenderRequest::Cash { tendered: Some(m) })
        }
        ("card", None) => Ok(TenderRequest::Card { amount: None }),
        ("card", Some(v)) => Ok(TenderRequest::Card {
            amount: Some(amount(v)?),
        }),
        ("points", Some(v)) => Ok(TenderRequest::Points {
            points: v
                .parse()
                .map_err(|_| TillError::invalid("points", "must be a whole number"))?,
        }),
        ("points", None) => Err(TillError::invalid(
            "points",
            "say how many points, e.g. points:500",
        )),
        (other, _) => Err(TillError::invalid(
            "tender",
            format!("unknown tender '{other}' (expected cash, card or points)"),
        )),
    }
}
