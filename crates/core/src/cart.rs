//! The cart being rung up, and how it is priced.
//!
//! Pricing order: unit price × quantity, minus the line discount, minus the line's share of the
//! order discount (shared out in proportion to line amounts, largest remainder first so the
//! shares add up exactly), then tax per line by the rounding rule in [`crate::tax`].

use crate::ids::{CustomerId, ProductId, Sku};
use crate::money::{div_round_half_up, to_minor, Currency, Money, MoneyError};
use crate::tax::{format_percent, line_tax, parse_percent, TaxMode, TaxRate, BPS_WHOLE};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// Largest quantity on one line; beyond this it is a typing mistake, not a sale.
pub const MAX_QUANTITY: i64 = 1_000_000;

/// Largest total of one sale, in minor units (one hundred billion in a two-decimal currency).
/// Far beyond any real sale, and low enough that a till's running totals never overflow.
pub const MAX_TOTAL_MINOR: i64 = 10_000_000_000_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CartError {
    #[error("quantity must be a whole number from 1 to {MAX_QUANTITY}, not {0}")]
    Quantity(i64),
    #[error("the cart has no line {0}")]
    NoSuchLine(usize),
    #[error("the cart is empty")]
    Empty,
    #[error("amount overflow: a sale of {0} is more than the till accepts in one sale")]
    TooLarge(String),
    #[error("a discount of {discount} is more than the {what} amount of {amount}")]
    DiscountTooLarge {
        what: &'static str,
        discount: String,
        amount: String,
    },
    #[error(
        "'{0}' is not a discount (expected a percentage such as 10% or an amount such as 2.50)"
    )]
    BadDiscount(String),
    #[error("a discount must not be negative")]
    NegativeDiscount,
    #[error("a price must not be negative, not {0}")]
    NegativePrice(String),
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// A discount on a line or on the whole order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Discount {
    /// A percentage in basis points (1000 = 10 %).
    Percent { basis_points: u32 },
    /// A fixed amount off, in the cart's currency.
    Amount { amount: Money },
}

impl Discount {
    /// Parses "10%" (a percentage) or "2.50" (an amount in major units).
    pub fn parse(input: &str, currency: Currency) -> Result<Self, CartError> {
        let s = input.trim();
        let bad = || CartError::BadDiscount(input.to_string());
        if s.ends_with('%') {
            let bps = parse_percent(s).map_err(|_| bad())?;
            if bps > BPS_WHOLE {
                return Err(bad());
            }
            Ok(Discount::Percent { basis_points: bps })
        } else {
            let amount = Money::parse(s, currency).map_err(|_| bad())?;
            if amount.is_negative() {
                return Err(CartError::NegativeDiscount);
            }
            Ok(Discount::Amount { amount })
        }
    }

    /// How much comes off `amount`; never more than `amount`.
    fn off(&self, amount: Money, what: &'static str) -> Result<Money, CartError> {
        let off = match self {
            Discount::Percent { basis_points } => {
                let v = div_round_half_up(
                    i128::from(amount.minor()) * i128::from(*basis_points),
                    i128::from(BPS_WHOLE),
                )
                .ok_or(MoneyError::Overflow)?;
                Money::from_minor(to_minor(v)?, amount.currency())
            }
            Discount::Amount { amount: off } => *off,
        };
        if off.is_negative() {
            return Err(CartError::NegativeDiscount);
        }
        if off.checked_sub(amount)?.minor() > 0 {
            return Err(CartError::DiscountTooLarge {
                what,
                discount: off.to_major_string(),
                amount: amount.to_major_string(),
            });
        }
        Ok(off)
    }

    /// As shown on a receipt: "10%" or "2.50".
    pub fn label(&self) -> String {
        match self {
            Discount::Percent { basis_points } => format_percent(*basis_points),
            Discount::Amount { amount } => amount.to_major_string(),
        }
    }
}

/// One product line in the cart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    pub product_id: ProductId,
    pub sku: Sku,
    pub name: String,
    pub unit_price: Money,
    pub quantity: i64,
    pub tax_rate: TaxRate,
    pub discount: Option<Discount>,
    /// The catalog's price when the line is sold at another one (a price override at the till).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog_price: Option<Money>,
}

/// The sale being rung up. Survives a restart when parked (it serialises as JSON).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cart {
    pub currency: Currency,
    pub lines: Vec<CartLine>,
    pub order_discount: Option<Discount>,
    pub customer_id: Option<CustomerId>,
}

fn check_quantity(q: i64) -> Result<i64, CartError> {
    if (1..=MAX_QUANTITY).contains(&q) {
        Ok(q)
    } else {
        Err(CartError::Quantity(q))
    }
}

impl Cart {
    pub fn new(currency: Currency) -> Self {
        Cart {
            currency,
            lines: Vec::new(),
            order_discount: None,
            customer_id: None,
        }
    }

    /// Adds a product. Scanning the same product again adds to its undiscounted line.
    pub fn add(&mut self, line: CartLine) -> Result<usize, CartError> {
        check_quantity(line.quantity)?;
        if line.unit_price.currency() != self.currency {
            return Err(MoneyError::CurrencyMismatch(
                line.unit_price.currency().to_string(),
                self.currency.to_string(),
            )
            .into());
        }
        if let Some(i) = self.lines.iter().position(|l| {
            l.product_id == line.product_id
                && l.unit_price == line.unit_price
                && l.discount.is_none()
                && line.discount.is_none()
                && l.catalog_price.is_none()
                && line.catalog_price.is_none()
        }) {
            let q = self.lines[i]
                .quantity
                .checked_add(line.quantity)
                .ok_or(MoneyError::Overflow)?;
            self.lines[i].quantity = check_quantity(q)?;
            return Ok(i);
        }
        self.lines.push(line);
        Ok(self.lines.len() - 1)
    }

    pub fn set_quantity(&mut self, index: usize, quantity: i64) -> Result<(), CartError> {
        let q = check_quantity(quantity)?;
        self.line_mut(index)?.quantity = q;
        Ok(())
    }

    pub fn set_line_discount(
        &mut self,
        index: usize,
        discount: Option<Discount>,
    ) -> Result<(), CartError> {
        self.line_mut(index)?.discount = discount;
        Ok(())
    }

    /// Sells a line at `price` instead of the catalog's price; the catalog's is kept beside it.
    /// Setting it back to the catalog's price ends the override.
    pub fn set_unit_price(&mut self, index: usize, price: Money) -> Result<(), CartError> {
        if price.currency() != self.currency {
            return Err(MoneyError::CurrencyMismatch(
                price.currency().to_string(),
                self.currency.to_string(),
            )
            .into());
        }
        if price.is_negative() {
            return Err(CartError::NegativePrice(price.to_major_string()));
        }
        let line = self.line_mut(index)?;
        let catalog = line.catalog_price.unwrap_or(line.unit_price);
        line.unit_price = price;
        line.catalog_price = (price != catalog).then_some(catalog);
        Ok(())
    }

    /// Whether any line is sold at another price than the catalog's.
    pub fn has_price_override(&self) -> bool {
        self.lines.iter().any(|l| l.catalog_price.is_some())
    }

    pub fn set_order_discount(&mut self, discount: Option<Discount>) {
        self.order_discount = discount;
    }

    pub fn remove(&mut self, index: usize) -> Result<CartLine, CartError> {
        if index >= self.lines.len() {
            return Err(CartError::NoSuchLine(index));
        }
        Ok(self.lines.remove(index))
    }

    /// Voids the whole cart: every line and discount goes, the customer link stays.
    pub fn void(&mut self) {
        self.lines.clear();
        self.order_discount = None;
    }

    fn line_mut(&mut self, index: usize) -> Result<&mut CartLine, CartError> {
        self.lines
            .get_mut(index)
            .ok_or(CartError::NoSuchLine(index))
    }

    /// Prices the cart under the shop's tax mode.
    pub fn price(&self, mode: TaxMode) -> Result<PricedCart, CartError> {
        if self.lines.is_empty() {
            return Err(CartError::Empty);
        }
        let cur = self.currency;
        let mut before = Vec::with_capacity(self.lines.len());
        for line in &self.lines {
            check_quantity(line.quantity)?;
            let extended = line.unit_price.checked_mul(line.quantity)?;
            if extended.is_negative() {
                return Err(MoneyError::Overflow.into());
            }
            let line_off = match &line.discount {
                Some(d) => d.off(extended, "line")?,
                None => Money::zero(cur),
            };
            before.push((extended, line_off, extended.checked_sub(line_off)?));
        }
        let after_lines = Money::sum(cur, before.iter().map(|b| b.2))?;
        let order_off = match &self.order_discount {
            Some(d) => d.off(after_lines, "order")?,
            None => Money::zero(cur),
        };
        let weights: Vec<i64> = before.iter().map(|b| b.2.minor()).collect();
        let shares = allocate(order_off.minor(), &weights)?;

        let mut lines = Vec::with_capacity(self.lines.len());
        for ((line, (extended, line_off, _)), share) in self.lines.iter().zip(before).zip(shares) {
            let share = Money::from_minor(share, cur);
            let amount = extended.checked_sub(line_off)?.checked_sub(share)?;
            let t = line_tax(amount, line.tax_rate.basis_points, mode)?;
            lines.push(PricedLine {
                line: line.clone(),
                extended,
                line_discount: line_off,
                order_discount_share: share,
                net: t.net,
                tax: t.tax,
                gross: t.gross,
            });
        }
        PricedCart::from_lines(cur, mode, lines, order_off)
    }
}

/// Splits `total` across `weights` in proportion, the remainder going to the largest fractional
/// parts (ties to the earliest), so the parts always add up to `total` exactly.
pub fn allocate(total: i64, weights: &[i64]) -> Result<Vec<i64>, MoneyError> {
    let sum: i128 = weights.iter().map(|w| i128::from(*w)).sum();
    if weights.is_empty() {
        return Ok(Vec::new());
    }
    if sum == 0 {
        // Nothing to weigh by: all on the first part.
        let mut v = vec![0; weights.len()];
        v[0] = total;
        return Ok(v);
    }
    let t = i128::from(total);
    let mut parts = Vec::with_capacity(weights.len());
    let mut rems = Vec::with_capacity(weights.len());
    for (i, w) in weights.iter().enumerate() {
        let p = t * i128::from(*w);
        parts.push(p.div_euclid(sum));
        rems.push((p.rem_euclid(sum), i));
    }
    let given: i128 = parts.iter().sum();
    let mut left = t - given;
    rems.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in rems {
        if left <= 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts.into_iter().map(to_minor).collect()
}

/// A priced line: what the receipt prints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PricedLine {
    pub line: CartLine,
    /// Unit price × quantity, in the shop's price mode.
    pub extended: Money,
    pub line_discount: Money,
    pub order_discount_share: Money,
    pub net: Money,
    pub tax: Money,
    pub gross: Money,
}

/// Tax totals of one rate, for the receipt's breakdown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TaxBreakdown {
    pub name: String,
    pub basis_points: u32,
    #[serde(serialize_with = "crate::money::as_minor")]
    pub net: Money,
    #[serde(serialize_with = "crate::money::as_minor")]
    pub tax: Money,
    #[serde(serialize_with = "crate::money::as_minor")]
    pub gross: Money,
}

/// The priced cart: the figures a sale is committed with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PricedCart {
    pub currency: Currency,
    pub tax_mode: TaxMode,
    pub lines: Vec<PricedLine>,
    /// Sum of unit price × quantity before discounts, in the shop's price mode.
    pub subtotal: Money,
    /// Line discounts plus the order discount.
    pub discount_total: Money,
    pub order_discount: Money,
    pub tax_total: Money,
    /// What the customer owes.
    pub total: Money,
    pub tax_breakdown: Vec<TaxBreakdown>,
}

/// A discount more than the shop lets a cashier give alone, and what it was measured against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiscountBeyondLimit {
    /// Line `index`'s discount, of that line's price × quantity.
    Line {
        index: usize,
        discount: Money,
        of: Money,
    },
    /// The order discount, of the sale after its line discounts.
    Order { discount: Money, of: Money },
    /// All the sale's discounts together, of the sale before discounts.
    Together { discount: Money, of: Money },
}

impl DiscountBeyondLimit {
    /// The discount, and what it is taken off.
    pub fn amounts(&self) -> (Money, Money) {
        match self {
            DiscountBeyondLimit::Line { discount, of, .. }
            | DiscountBeyondLimit::Order { discount, of }
            | DiscountBeyondLimit::Together { discount, of } => (*discount, *of),
        }
    }
}

/// How big a discount is: the share `off` of `of` it takes. Compared as fractions (exactly, with
/// no rounding), so a manager's approval of one discount can be held to that size: a later,
/// bigger one needs approving again, the same one on a bigger sale does not.
#[derive(Clone, Copy, Debug)]
pub struct DiscountShare {
    off: i64,
    of: i64,
}

impl DiscountShare {
    /// No discount at all.
    pub const NONE: DiscountShare = DiscountShare { off: 0, of: 1 };

    fn new(off: Money, of: Money) -> DiscountShare {
        if off.minor() <= 0 {
            return DiscountShare::NONE;
        }
        // Anything off nothing is the whole of it, and more.
        DiscountShare {
            off: off.minor(),
            of: of.minor().max(0),
        }
    }

    /// The share in basis points, rounded up (10 000 is all of it; anything off nothing is more).
    pub fn basis_points(&self) -> i64 {
        if self.of == 0 {
            return if self.off > 0 { i64::MAX } else { 0 };
        }
        let (off, of) = (i128::from(self.off), i128::from(self.of));
        i64::try_from((off * 10_000 + of - 1) / of).unwrap_or(i64::MAX)
    }
}

impl PartialEq for DiscountShare {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for DiscountShare {}

impl PartialOrd for DiscountShare {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DiscountShare {
    fn cmp(&self, other: &Self) -> Ordering {
        // off/of against other.off/other.of, with "anything off nothing" above every fraction.
        match (self.of == 0 && self.off > 0, other.of == 0 && other.off > 0) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => (i128::from(self.off) * i128::from(other.of))
                .cmp(&(i128::from(other.off) * i128::from(self.of))),
        }
    }
}

/// Whether `discount` is more than `limit` basis points of `of` (anything off nothing is).
fn beyond(discount: Money, of: Money, limit: u32) -> bool {
    let (d, o) = (i128::from(discount.minor()), i128::from(of.minor()));
    d > 0 && d * 10_000 > i128::from(limit) * o
}

impl PricedCart {
    /// The first discount on this sale above `limit` (basis points: 1000 is 10 %) of what it
    /// is taken off: each line discount of its line, the order discount of the sale after the
    /// line discounts, and all of them together of the sale before discounts. `None` when a
    /// cashier may give every one of them alone.
    /// The largest of this sale's discounts as a share of what it is taken off, measured the way
    /// [`PricedCart::discount_beyond`] holds them to the limit: each line discount of its line,
    /// the order discount of the sale after line discounts, all of them of the sale before.
    pub fn largest_discount(&self) -> DiscountShare {
        let line_discounts = self.discount_total.minor() - self.order_discount.minor();
        let after_lines = Money::from_minor(self.subtotal.minor() - line_discounts, self.currency);
        self.lines
            .iter()
            .map(|l| DiscountShare::new(l.line_discount, l.extended))
            .chain([
                DiscountShare::new(self.order_discount, after_lines),
                DiscountShare::new(self.discount_total, self.subtotal),
            ])
            .max()
            .unwrap_or(DiscountShare::NONE)
    }

    pub fn discount_beyond(&self, limit: u32) -> Option<DiscountBeyondLimit> {
        for (index, l) in self.lines.iter().enumerate() {
            if beyond(l.line_discount, l.extended, limit) {
                return Some(DiscountBeyondLimit::Line {
                    index,
                    discount: l.line_discount,
                    of: l.extended,
                });
            }
        }
        let line_discounts = self.discount_total.minor() - self.order_discount.minor();
        let after_lines = Money::from_minor(self.subtotal.minor() - line_discounts, self.currency);
        if beyond(self.order_discount, after_lines, limit) {
            return Some(DiscountBeyondLimit::Order {
                discount: self.order_discount,
                of: after_lines,
            });
        }
        if beyond(self.discount_total, self.subtotal, limit) {
            return Some(DiscountBeyondLimit::Together {
                discount: self.discount_total,
                of: self.subtotal,
            });
        }
        None
    }

    fn from_lines(
        cur: Currency,
        mode: TaxMode,
        lines: Vec<PricedLine>,
        order_discount: Money,
    ) -> Result<Self, CartError> {
        let subtotal = Money::sum(cur, lines.iter().map(|l| l.extended))?;
        let line_discounts = Money::sum(cur, lines.iter().map(|l| l.line_discount))?;
        let tax_total = Money::sum(cur, lines.iter().map(|l| l.tax))?;
        let total = Money::sum(cur, lines.iter().map(|l| l.gross))?;
        if total.minor() > MAX_TOTAL_MINOR || subtotal.minor() > MAX_TOTAL_MINOR {
            let big = if total.minor() >= subtotal.minor() {
                total
            } else {
                subtotal
            };
            return Err(CartError::TooLarge(big.to_major_string()));
        }
        let tax_breakdown = tax_breakdown(cur, lines.iter().map(|l| (&l.line.tax_rate, l)))?;
        Ok(PricedCart {
            currency: cur,
            tax_mode: mode,
            subtotal,
            discount_total: line_discounts.checked_add(order_discount)?,
            order_discount,
            tax_total,
            total,
            tax_breakdown,
            lines,
        })
    }
}

/// Per-rate totals, in the order the rates first appear.
fn tax_breakdown<'a>(
    cur: Currency,
    lines: impl Iterator<Item = (&'a TaxRate, &'a PricedLine)>,
) -> Result<Vec<TaxBreakdown>, MoneyError> {
    let mut out: Vec<TaxBreakdown> = Vec::new();
    for (rate, l) in lines {
        let i = match out.iter().position(|b| b.name == rate.name) {
            Some(i) => i,
            None => {
                out.push(TaxBreakdown {
                    name: rate.name.clone(),
                    basis_points: rate.basis_points,
                    net: Money::zero(cur),
                    tax: Money::zero(cur),
                    gross: Money::zero(cur),
                });
                out.len() - 1
            }
        };
        let b = &mut out[i];
        b.net = b.net.checked_add(l.net)?;
        b.tax = b.tax.checked_add(l.tax)?;
        b.gross = b.gross.checked_add(l.gross)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbp() -> Currency {
        Currency::from_code("GBP").expect("GBP")
    }

    fn line(id: i64, price: i64, qty: i64, bps: u32) -> CartLine {
        CartLine {
            product_id: ProductId(id),
            sku: Sku::parse(&format!("SKU{id}")).expect("sku"),
            name: format!("Item {id}"),
            unit_price: Money::from_minor(price, gbp()),
            quantity: qty,
            tax_rate: TaxRate::new(if bps == 2000 { "standard" } else { "reduced" }, bps)
                .expect("rate"),
            discount: None,
            catalog_price: None,
        }
    }

    #[test]
    fn a_price_override_keeps_the_catalog_price_and_ends_when_set_back() {
        let mut c = Cart::new(gbp());
        c.add(line(1, 1200, 2, 2000)).expect("add");
        c.set_unit_price(0, Money::from_minor(1000, gbp()))
            .expect("override");
        assert_eq!(
            c.lines[0].catalog_price,
            Some(Money::from_minor(1200, gbp()))
        );
        assert!(c.has_price_override());
        assert_eq!(
            c.price(TaxMode::Inclusive).expect("price").total.minor(),
            2000
        );
        // Scanning the product again starts its own line at the catalog price.
        c.add(line(1, 1200, 1, 2000)).expect("add");
        assert_eq!(c.lines.len(), 2);
        c.set_unit_price(0, Money::from_minor(900, gbp()))
            .expect("again");
        assert_eq!(
            c.lines[0].catalog_price,
            Some(Money::from_minor(1200, gbp()))
        );
        c.set_unit_price(0, Money::from_minor(1200, gbp()))
            .expect("back");
        assert!(!c.has_price_override());
        assert!(matches!(
            c.set_unit_price(0, Money::from_minor(-1, gbp())),
            Err(CartError::NegativePrice(_))
        ));
    }

    #[test]
    fn inclusive_cart_with_two_rates_has_breakdown() {
        let mut c = Cart::new(gbp());
        c.add(line(1, 1200, 1, 2000)).expect("add");
        c.add(line(2, 210, 2, 500)).expect("add");
        let p = c.price(TaxMode::Inclusive).expect("price");
        assert_eq!(p.total.minor(), 1620);
        assert_eq!(p.tax_breakdown.len(), 2);
        assert_eq!(p.tax_breakdown[0].tax.minor(), 200);
        assert_eq!(p.tax_breakdown[1].tax.minor(), 20); // 4.20 * 5/105 = 0.20
        assert_eq!(p.tax_total.minor(), 220);
    }

    #[test]
    fn exclusive_cart_adds_tax_on_top() {
        let mut c = Cart::new(gbp());
        c.add(line(1, 1000, 3, 2000)).expect("add");
        let p = c.price(TaxMode::Exclusive).expect("price");
        assert_eq!(
            (p.subtotal.minor(), p.tax_total.minor(), p.total.minor()),
            (3000, 600, 3600)
        );
    }

    #[test]
    fn scanning_again_adds_to_the_line() {
        let mut c = Cart::new(gbp());
        c.add(line(1, 100, 1, 2000)).expect("add");
        c.add(line(1, 100, 2, 2000)).expect("add");
        assert_eq!(c.lines.len(), 1);
        assert_eq!(c.lines[0].quantity, 3);
    }

    #[test]
    fn discounts_apply_line_then_order() {
        let mut c = Cart::new(gbp());
        c.add(line(1, 1000, 1, 2000)).expect("add");
        c.add(line(2, 500, 1, 2000)).expect("add");
        c.set_line_discount(0, Some(Discount::parse("10%", gbp()).expect("d")))
            .expect("set");
        c.set_order_discount(Some(Discount::parse("1.40", gbp()).expect("d")));
        let p = c.price(TaxMode::Inclusive).expect("price");
        // 9.00 + 5.00 = 14.00, minus 1.40 shared 9:5 → 0.90 and 0.50.
        assert_eq!(p.lines[0].order_discount_share.minor(), 90);
        assert_eq!(p.lines[1].order_discount_share.minor(), 50);
        assert_eq!(p.total.minor(), 1260);
        assert_eq!(p.discount_total.minor(), 240);
    }

    /// The size a manager approved is held as a share, not an amount: the same 20 % on a bigger
    /// sale is the same size; 100 % off one line of it is bigger, though fewer pounds.
    #[test]
    fn the_largest_discount_is_a_share_of_what_it_is_taken_off() {
        let mut c = Cart::new(gbp());
        c.add(line(1, 1000, 1, 2000)).expect("add");
        assert_eq!(
            c.price(TaxMode::Inclusive).expect("p").largest_discount(),
            DiscountShare::NONE
        );
        c.set_order_discount(Some(Discount::parse("20%", gbp()).expect("d")));
        let twenty = c.price(TaxMode::Inclusive).expect("p").largest_discount();
        assert_eq!(twenty.basis_points(), 2000);
        c.add(line(2, 5000, 3, 2000)).expect("add");
        let bigger_sale = c.price(TaxMode::Inclusive).expect("p").largest_discount();
        assert_eq!(bigger_sale, twenty, "20 % of more is still 20 %");
        c.set_order_discount(None);
        c.set_line_discount(0, Some(Discount::parse("100%", gbp()).expect("d")))
            .expect("set");
        let whole_line = c.price(TaxMode::Inclusive).expect("p").largest_discount();
        assert!(whole_line > twenty);
        assert_eq!(whole_line.basis_points(), 10_000);
        // A third rounds up, never under what was given.
        let third = DiscountShare::new(Money::from_minor(1, gbp()), Money::from_minor(3, gbp()));
        assert_eq!(third.basis_points(), 3334);
        assert!(
            third
                > DiscountShare::new(
                    Money::from_minor(3333, gbp()),
                    Money::from_minor(10_000, gbp())
                )
        );
    }

    #[test]
    fn bad_edits_are_refused() {
        let mut c = Cart::new(gbp());
        assert_eq!(c.price(TaxMode::Inclusive), Err(CartError::Empty));
        assert_eq!(c.add(line(1, 100, 0, 0)), Err(CartError::Quantity(0)));
        assert_eq!(c.add(line(1, 100, -2, 0)), Err(CartError::Quantity(-2)));
        c.add(line(1, 100, 1, 0)).expect("add");
        assert!(c.set_quantity(5, 1).is_err());
        c.set_order_discount(Some(Discount::parse("2.00", gbp()).expect("d")));
        assert!(matches!(
            c.price(TaxMode::Inclusive),
            Err(CartError::DiscountTooLarge { .. })
        ));
        assert!(Discount::parse("-1", gbp()).is_err());
        assert!(Discount::parse("150%", gbp()).is_err());
        c.void();
        assert!(c.lines.is_empty());
    }

    #[test]
    fn overflowing_line_is_an_error_not_a_panic() {
        let mut c = Cart::new(gbp());
        c.add(line(1, i64::MAX / 2, 3, 0)).expect("add");
        assert!(matches!(
            c.price(TaxMode::Inclusive),
            Err(CartError::Money(MoneyError::Overflow))
        ));
    }

    #[test]
    fn a_sale_over_the_limit_is_refused() {
        let mut c = Cart::new(gbp());
        c.add(line(1, MAX_TOTAL_MINOR, 1, 0)).expect("add");
        assert!(
            c.price(TaxMode::Inclusive).is_ok(),
            "the limit itself is allowed"
        );
        c.add(line(2, 1, 1, 0)).expect("add");
        assert!(matches!(
            c.price(TaxMode::Inclusive),
            Err(CartError::TooLarge(_))
        ));
    }

    proptest::proptest! {
        #[test]
        fn allocation_adds_up(total in 0i64..1_000_000, weights in proptest::collection::vec(0i64..100_000, 1..20)) {
            let parts = allocate(total, &weights).expect("allocate");
            proptest::prop_assert_eq!(parts.iter().sum::<i64>(), total);
            proptest::prop_assert!(parts.iter().all(|p| *p >= 0));
        }

        #[test]
        fn totals_are_sums_of_lines(
            prices in proptest::collection::vec((0i64..100_000, 1i64..50, proptest::bool::ANY), 1..12),
            pct in 0u32..=10_000,
            incl: bool,
        ) {
            let mut c = Cart::new(gbp());
            for (i, (p, q, std)) in prices.iter().enumerate() {
                c.add(line(i as i64, *p, *q, if *std { 2000 } else { 500 })).expect("add");
            }
            c.set_order_discount(Some(Discount::Percent { basis_points: pct }));
            let mode = if incl { TaxMode::Inclusive } else { TaxMode::Exclusive };
            let p = c.price(mode).expect("price");
            let gross: i64 = p.lines.iter().map(|l| l.gross.minor()).sum();
            let tax: i64 = p.tax_breakdown.iter().map(|b| b.tax.minor()).sum();
            proptest::prop_assert_eq!(gross, p.total.minor());
            proptest::prop_assert_eq!(tax, p.tax_total.minor());
            proptest::prop_assert!(p.total.minor() >= 0);
            let undiscounted: i64 = p.lines.iter().map(|l| l.extended.minor()).sum();
            proptest::prop_assert_eq!(undiscounted - p.discount_total.minor(),
                p.lines.iter().map(|l| if incl { l.gross.minor() } else { l.net.minor() }).sum::<i64>());
        }
    }
}
