//! Planning a refund: which lines, how much, back to which tenders, and the points to take back.
//!
//! Rules:
//! - never more than was paid and not yet refunded;
//! - by lines (quantities), the whole order, or an amount;
//! - money goes back to the original tenders in proportion to what each still holds;
//! - a cash part is cash-rounded like a sale; points tenders get their points back;
//! - earned points are reversed in proportion to the money refunded, cumulatively, so that a full
//!   refund reverses exactly what was earned.

use crate::cart::allocate;
use crate::ids::Sku;
use crate::loyalty::proportional_points;
use crate::money::{div_round_half_up, to_minor, Currency, Money, MoneyError};
use crate::tender::{CashRounding, TenderKind};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefundError {
    #[error("this order is {0} and cannot be refunded")]
    NotRefundable(String),
    #[error("{sku} was not sold on this order")]
    NotOnOrder { sku: String },
    #[error("only {left} of {sku} can still be refunded, not {asked}")]
    TooManyUnits { sku: String, asked: i64, left: i64 },
    #[error("quantity to refund must be at least 1, not {0}")]
    Quantity(i64),
    #[error("a refund of {asked} is more than the {left} still refundable on this order")]
    MoreThanPaid { asked: String, left: String },
    #[error("a refund amount must be positive")]
    NotPositive,
    #[error("nothing is left to refund on this order")]
    NothingLeft,
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// A sold line as the refund sees it.
#[derive(Clone, Debug)]
pub struct RefundableLine {
    pub line_no: i64,
    pub sku: Sku,
    pub quantity: i64,
    pub refunded_quantity: i64,
    pub gross: Money,
    pub tax: Money,
    pub refunded_amount: Money,
    pub refunded_tax: Money,
}

/// A payment of the order as the refund sees it.
#[derive(Clone, Debug)]
pub struct RefundablePayment {
    pub payment_id: String,
    pub tender: TenderKind,
    /// What it paid towards the order, before cash rounding.
    pub value: Money,
    pub refunded: Money,
    pub points: i64,
    pub points_returned: i64,
}

/// Everything a refund needs to know about the order.
#[derive(Clone, Debug)]
pub struct RefundableOrder {
    pub currency: Currency,
    pub total: Money,
    pub tax_total: Money,
    pub refunded_total: Money,
    pub refunded_tax: Money,
    pub lines: Vec<RefundableLine>,
    pub payments: Vec<RefundablePayment>,
    pub points_earned: i64,
    pub points_reversed: i64,
}

/// What the cashier asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefundRequest {
    Whole,
    Lines(Vec<(Sku, i64)>),
    Amount(Money),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundLinePlan {
    pub line_no: i64,
    pub quantity: i64,
    pub amount: Money,
    pub tax: Money,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundTenderPlan {
    pub payment_id: String,
    pub tender: TenderKind,
    /// The order value going back on this tender.
    pub amount: Money,
    /// What is actually handed back (cash after rounding; otherwise the amount).
    pub paid_out: Money,
    /// Points given back to the customer (points tenders only).
    pub points: i64,
}

/// The refund, ready to be committed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundPlan {
    pub amount: Money,
    pub tax: Money,
    pub lines: Vec<RefundLinePlan>,
    pub tenders: Vec<RefundTenderPlan>,
    pub cash_rounding: Money,
    /// Earned points to take back from the customer.
    pub points_reversed: i64,
    /// Whether the order is refunded in full afterwards.
    pub completes_order: bool,
}

fn share(whole: Money, num: i64, den: i64) -> Result<Money, RefundError> {
    if den <= 0 {
        return Ok(Money::zero(whole.currency()));
    }
    let v = div_round_half_up(i128::from(whole.minor()) * i128::from(num), i128::from(den))
        .ok_or(MoneyError::Overflow)?;
    Ok(Money::from_minor(to_minor(v)?, whole.currency()))
}

/// Plans a refund against the order's current state.
pub fn plan_refund(
    order: &RefundableOrder,
    request: &RefundRequest,
    rounding: CashRounding,
) -> Result<RefundPlan, RefundError> {
    let cur = order.currency;
    let left = order.total.checked_sub(order.refunded_total)?;
    let units_left: i64 = order
        .lines
        .iter()
        .map(|l| l.quantity - l.refunded_quantity)
        .sum();
    if left.minor() <= 0 && units_left <= 0 {
        return Err(RefundError::NothingLeft);
    }

    // Which units go back, and the money and tax each line gives back (cumulative per line).
    let mut wanted: Vec<i64> = vec![0; order.lines.len()];
    match request {
        RefundRequest::Whole => {
            for (i, l) in order.lines.iter().enumerate() {
                wanted[i] = l.quantity - l.refunded_quantity;
            }
        }
        RefundRequest::Lines(asks) => {
            for (sku, qty) in asks {
                if *qty < 1 {
                    return Err(RefundError::Quantity(*qty));
                }
                let on_order: Vec<usize> = (0..order.lines.len())
                    .filter(|&i| &order.lines[i].sku == sku)
                    .collect();
                if on_order.is_empty() {
                    return Err(RefundError::NotOnOrder {
                        sku: sku.to_string(),
                    });
                }
                let avail: i64 = on_order
                    .iter()
                    .map(|&i| {
                        order.lines[i].quantity - order.lines[i].refunded_quantity - wanted[i]
                    })
                    .sum();
                if *qty > avail {
                    return Err(RefundError::TooManyUnits {
                        sku: sku.to_string(),
                        asked: *qty,
                        left: avail,
                    });
                }
                let mut need = *qty;
                for i in on_order {
                    let l = &order.lines[i];
                    let take = need.min(l.quantity - l.refunded_quantity - wanted[i]);
                    wanted[i] += take;
                    need -= take;
                }
            }
        }
        RefundRequest::Amount(_) => {}
    }

    let mut lines = Vec::new();
    for (l, &q) in order.lines.iter().zip(&wanted) {
        if q == 0 {
            continue;
        }
        let after = l.refunded_quantity + q;
        let amount_after = share(l.gross, after, l.quantity)?;
        let tax_after = share(l.tax, after, l.quantity)?;
        lines.push(RefundLinePlan {
            line_no: l.line_no,
            quantity: q,
            amount: amount_after.checked_sub(l.refunded_amount)?,
            tax: tax_after.checked_sub(l.refunded_tax)?,
        });
    }

    let (amount, tax) = match request {
        RefundRequest::Amount(a) => {
            if a.minor() <= 0 {
                return Err(RefundError::NotPositive);
            }
            if a.minor() > left.minor() {
                return Err(RefundError::MoreThanPaid {
                    asked: a.to_major_string(),
                    left: left.to_major_string(),
                });
            }
            let after = order.refunded_total.checked_add(*a)?;
            let tax_after = share(order.tax_total, after.minor(), order.total.minor())?;
            (*a, tax_after.checked_sub(order.refunded_tax)?)
        }
        RefundRequest::Whole => {
            // Everything left, whatever earlier amount refunds took: lines share it out.
            let weights: Vec<i64> = lines.iter().map(|l| l.amount.minor().max(0)).collect();
            let parts = allocate(left.minor(), &weights)?;
            for (l, p) in lines.iter_mut().zip(parts) {
                l.amount = Money::from_minor(p, cur);
            }
            let tax_left = order.tax_total.checked_sub(order.refunded_tax)?;
            (left, tax_left)
        }
        RefundRequest::Lines(_) => {
            let a = Money::sum(cur, lines.iter().map(|l| l.amount))?;
            if a.minor() > left.minor() {
                return Err(RefundError::MoreThanPaid {
                    asked: a.to_major_string(),
                    left: left.to_major_string(),
                });
            }
            (a, Money::sum(cur, lines.iter().map(|l| l.tax))?)
        }
    };

    // Back to the tenders, in proportion to what each still holds.
    let capacity: Vec<i64> = order
        .payments
        .iter()
        .map(|p| (p.value.minor() - p.refunded.minor()).max(0))
        .collect();
    let parts = allocate(amount.minor(), &capacity)?;
    let mut tenders = Vec::new();
    let mut cash_rounding = Money::zero(cur);
    for (p, part) in order.payments.iter().zip(parts) {
        if part == 0 {
            continue;
        }
        let part = Money::from_minor(part, cur);
        let (paid_out, points) = match p.tender {
            TenderKind::Cash => {
                let out = rounding.round(part)?;
                cash_rounding = cash_rounding.checked_add(out.checked_sub(part)?)?;
                (out, 0)
            }
            TenderKind::Points => {
                let after = proportional_points(p.points, p.refunded.checked_add(part)?, p.value);
                (part, after - p.points_returned)
            }
            TenderKind::Card => (part, 0),
        };
        tenders.push(RefundTenderPlan {
            payment_id: p.payment_id.clone(),
            tender: p.tender,
            amount: part,
            paid_out,
            points,
        });
    }

    let refunded_after = order.refunded_total.checked_add(amount)?;
    let reversed_after = proportional_points(order.points_earned, refunded_after, order.total);
    let units_after = units_left - wanted.iter().sum::<i64>();
    Ok(RefundPlan {
        amount,
        tax,
        lines,
        tenders,
        cash_rounding,
        points_reversed: (reversed_after - order.points_reversed).max(0),
        completes_order: refunded_after.minor() >= order.total.minor()
            && (units_after == 0 || order.total.minor() > 0),
    })
}

/// Plans money that went back on one payment outside the till (a refund made at Stripe): at most
/// `amount` of the order's value back on `payment_id` alone, capped at what that payment and the
/// order still hold, so that the till converges on what Stripe says; tax and earned points in
/// proportion, as an amount refund (no goods come back). `None` when nothing is left to give
/// back on that payment.
pub fn plan_refund_on_payment(
    order: &RefundableOrder,
    payment_id: &str,
    amount: Money,
) -> Result<Option<RefundPlan>, RefundError> {
    let cur = order.currency;
    let Some(payment) = order.payments.iter().find(|p| p.payment_id == payment_id) else {
        return Ok(None);
    };
    let left = order.total.checked_sub(order.refunded_total)?.minor();
    let held = payment.value.checked_sub(payment.refunded)?.minor();
    let part = amount.minor().min(left).min(held);
    if part <= 0 {
        return Ok(None);
    }
    let amount = Money::from_minor(part, cur);
    let refunded_after = order.refunded_total.checked_add(amount)?;
    let tax_after = share(order.tax_total, refunded_after.minor(), order.total.minor())?;
    let reversed_after = proportional_points(order.points_earned, refunded_after, order.total);
    Ok(Some(RefundPlan {
        amount,
        tax: tax_after.checked_sub(order.refunded_tax)?,
        lines: Vec::new(),
        tenders: vec![RefundTenderPlan {
            payment_id: payment.payment_id.clone(),
            tender: payment.tender,
            amount,
            paid_out: amount,
            points: 0,
        }],
        cash_rounding: Money::zero(cur),
        points_reversed: (reversed_after - order.points_reversed).max(0),
        completes_order: refunded_after.minor() >= order.total.minor(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbp(minor: i64) -> Money {
        Money::from_minor(minor, Currency::from_code("GBP").expect("GBP"))
    }

    fn sku(s: &str) -> Sku {
        Sku::parse(s).expect("sku")
    }

    fn order() -> RefundableOrder {
        // A: 3 × 3.33 = 9.99 (tax 1.67); B: 1 × 5.01 (tax 0.84). Paid 3.00 points + 12.00 cash.
        RefundableOrder {
            currency: Currency::from_code("GBP").expect("GBP"),
            total: gbp(1500),
            tax_total: gbp(251),
            refunded_total: gbp(0),
            refunded_tax: gbp(0),
            lines: vec![
                RefundableLine {
                    line_no: 1,
                    sku: sku("A"),
                    quantity: 3,
                    refunded_quantity: 0,
                    gross: gbp(999),
                    tax: gbp(167),
                    refunded_amount: gbp(0),
                    refunded_tax: gbp(0),
                },
                RefundableLine {
                    line_no: 2,
                    sku: sku("B"),
                    quantity: 1,
                    refunded_quantity: 0,
                    gross: gbp(501),
                    tax: gbp(84),
                    refunded_amount: gbp(0),
                    refunded_tax: gbp(0),
                },
            ],
            payments: vec![
                RefundablePayment {
                    payment_id: "p1".into(),
                    tender: TenderKind::Points,
                    value: gbp(300),
                    refunded: gbp(0),
                    points: 300,
                    points_returned: 0,
                },
                RefundablePayment {
                    payment_id: "p2".into(),
                    tender: TenderKind::Cash,
                    value: gbp(1200),
                    refunded: gbp(0),
                    points: 0,
                    points_returned: 0,
                },
            ],
            points_earned: 12,
            points_reversed: 0,
        }
    }

    /// Applies a plan to the order, as the store would.
    fn apply(o: &mut RefundableOrder, p: &RefundPlan) {
        o.refunded_total = o.refunded_total.checked_add(p.amount).expect("add");
        o.refunded_tax = o.refunded_tax.checked_add(p.tax).expect("add");
        for lp in &p.lines {
            let l = o
                .lines
                .iter_mut()
                .find(|l| l.line_no == lp.line_no)
                .expect("line");
            l.refunded_quantity += lp.quantity;
            l.refunded_amount = l.refunded_amount.checked_add(lp.amount).expect("add");
            l.refunded_tax = l.refunded_tax.checked_add(lp.tax).expect("add");
        }
        for tp in &p.tenders {
            let t = o
                .payments
                .iter_mut()
                .find(|t| t.payment_id == tp.payment_id)
                .expect("pay");
            t.refunded = t.refunded.checked_add(tp.amount).expect("add");
            t.points_returned += tp.points;
        }
        o.points_reversed += p.points_reversed;
    }

    #[test]
    fn unit_by_unit_refunds_end_exactly_at_the_total() {
        let mut o = order();
        let mut amounts = Vec::new();
        for (s, q) in [("A", 1), ("A", 1), ("B", 1), ("A", 1)] {
            let p = plan_refund(
                &o,
                &RefundRequest::Lines(vec![(sku(s), q)]),
                CashRounding::NONE,
            )
            .expect("plan");
            amounts.push(p.amount.minor());
            apply(&mut o, &p);
        }
        assert_eq!(amounts, vec![333, 333, 501, 333]);
        assert_eq!(o.refunded_total.minor(), 1500);
        assert_eq!(o.refunded_tax.minor(), 251);
        assert_eq!(o.points_reversed, 12, "all earned points reversed, no more");
        assert_eq!(
            o.payments[0].points_returned, 300,
            "all redeemed points returned"
        );
        assert_eq!(
            plan_refund(&o, &RefundRequest::Whole, CashRounding::NONE).err(),
            Some(RefundError::NothingLeft)
        );
    }

    #[test]
    fn money_given_back_at_stripe_goes_to_its_payment_and_converges_on_what_it_held() {
        let mut o = order();
        let first = plan_refund_on_payment(&o, "p2", gbp(700))
            .expect("plan")
            .expect("something to give back");
        assert_eq!(first.amount, gbp(700));
        assert_eq!(first.tenders.len(), 1);
        assert_eq!(first.tenders[0].payment_id, "p2");
        assert!(first.lines.is_empty(), "no goods come back");
        assert_eq!(
            first.points_reversed, 6,
            "700 of 1500 of 12 points, rounded"
        );
        assert!(!first.completes_order);
        apply(&mut o, &first);
        // More than the payment still holds: only what it held.
        let second = plan_refund_on_payment(&o, "p2", gbp(900))
            .expect("plan")
            .expect("the rest of the payment");
        assert_eq!(second.amount, gbp(500));
        apply(&mut o, &second);
        assert_eq!(
            plan_refund_on_payment(&o, "p2", gbp(1)).expect("plan"),
            None,
            "nothing left on that payment"
        );
        assert_eq!(
            plan_refund_on_payment(&o, "nope", gbp(1)).expect("plan"),
            None,
            "not a payment of the order"
        );
        assert_eq!(o.refunded_total, gbp(1200));
    }

    #[test]
    fn never_more_than_paid() {
        let mut o = order();
        let p =
            plan_refund(&o, &RefundRequest::Amount(gbp(1000)), CashRounding::NONE).expect("plan");
        apply(&mut o, &p);
        assert!(matches!(
            plan_refund(&o, &RefundRequest::Amount(gbp(501)), CashRounding::NONE),
            Err(RefundError::MoreThanPaid { .. })
        ));
        assert!(matches!(
            plan_refund(
                &o,
                &RefundRequest::Lines(vec![(sku("A"), 3)]),
                CashRounding::NONE
            ),
            Err(RefundError::MoreThanPaid { .. })
        ));
        let rest = plan_refund(&o, &RefundRequest::Whole, CashRounding::NONE).expect("plan");
        assert_eq!(rest.amount.minor(), 500);
        assert!(rest.completes_order);
    }

    #[test]
    fn bad_line_requests_are_refused() {
        let o = order();
        let ask = |s: &str, q| RefundRequest::Lines(vec![(sku(s), q)]);
        assert!(matches!(
            plan_refund(&o, &ask("Z", 1), CashRounding::NONE),
            Err(RefundError::NotOnOrder { .. })
        ));
        assert!(matches!(
            plan_refund(&o, &ask("A", 4), CashRounding::NONE),
            Err(RefundError::TooManyUnits { left: 3, .. })
        ));
        assert_eq!(
            plan_refund(&o, &ask("A", 0), CashRounding::NONE).err(),
            Some(RefundError::Quantity(0))
        );
        assert_eq!(
            plan_refund(&o, &RefundRequest::Amount(gbp(0)), CashRounding::NONE).err(),
            Some(RefundError::NotPositive)
        );
    }

    #[test]
    fn cash_part_is_cash_rounded() {
        let o = order();
        let r = CashRounding::from_increment(5);
        let p = plan_refund(&o, &RefundRequest::Lines(vec![(sku("A"), 1)]), r).expect("plan");
        // 3.33 shared 300:1200 → 0.67 points, 2.66 cash → 2.65 handed back.
        let cash = p
            .tenders
            .iter()
            .find(|t| t.tender == TenderKind::Cash)
            .expect("cash");
        assert_eq!(cash.amount.minor(), 266);
        assert_eq!(cash.paid_out.minor(), 265);
        assert_eq!(p.cash_rounding.minor(), -1);
    }

    proptest::proptest! {
        #[test]
        fn any_sequence_of_refunds_stays_within_paid(steps in proptest::collection::vec(0u8..4, 1..10)) {
            let mut o = order();
            for s in steps {
                let req = match s {
                    0 => RefundRequest::Lines(vec![(sku("A"), 1)]),
                    1 => RefundRequest::Lines(vec![(sku("B"), 1)]),
                    2 => RefundRequest::Amount(gbp(77)),
                    _ => RefundRequest::Whole,
                };
                if let Ok(p) = plan_refund(&o, &req, CashRounding::NONE) {
                    apply(&mut o, &p);
                }
                proptest::prop_assert!(o.refunded_total.minor() <= o.total.minor());
                proptest::prop_assert!(o.points_reversed <= o.points_earned);
                proptest::prop_assert!(o.payments.iter().all(|p| p.refunded.minor() <= p.value.minor()));
                proptest::prop_assert!(o.payments[0].points_returned <= 300);
            }
        }
    }
}
