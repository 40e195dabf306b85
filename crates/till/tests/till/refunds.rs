//! Refunds: whole, by lines, by amount; never more than was paid; stock back only when asked;
//! points reversed in proportion and redeemed points given back.

use crate::support::{exact_cash, gbp_shop, sku, TestTill};
use versapos_core::{RefundError, RefundRequest, TenderRequest};
use versapos_till::{Customer, OrderView, TillError};

/// A customer's 25.19 sale: COFFEE 12.00, 2 × MILK 2.10, BOOK 8.99, earning 25 points.
fn sold_to_customer() -> (TestTill, Customer, OrderView) {
    let mut t = gbp_shop();
    let c = t.add_customer("Amelia");
    let o = t.customer_sale(c.id, &[("COFFEE", 1), ("MILK", 2), ("BOOK", 1)]);
    assert_eq!((o.total, o.points_earned), (2519, 25), "fixture sale");
    (t, c, o)
}

fn lines(items: &[(&str, i64)]) -> RefundRequest {
    RefundRequest::Lines(items.iter().map(|(s, q)| (sku(s), *q)).collect())
}

#[test]
fn whole_refund_with_restock_gives_back_money_stock_and_points() {
    let (mut t, c, o) = sold_to_customer();
    let r = t
        .till
        .refund(&o.receipt, &RefundRequest::Whole, true)
        .expect("whole refund");

    assert_eq!(
        (r.amount, r.tax),
        (2519, 220),
        "all the money and all the tax"
    );
    assert_eq!(
        r.order_status, "refunded",
        "a whole refund completes the order"
    );
    assert_eq!(
        (r.points_reversed, r.points_shortfall),
        (25, 0),
        "all earned points reversed"
    );
    let tenders: Vec<(&str, i64, i64)> = r
        .tenders
        .iter()
        .map(|x| (x.tender.as_str(), x.amount, x.paid_out))
        .collect();
    assert_eq!(
        tenders,
        vec![("cash", 2519, 2519)],
        "back to the cash tender"
    );
    assert_eq!(r.lines.len(), 3, "every line refunded");
    assert_eq!(
        (t.stock("COFFEE"), t.stock("MILK"), t.stock("BOOK")),
        (20, 30, 10),
        "restocked"
    );
    assert_eq!(t.balance(c.id), 0, "earned points taken back");
    let last = t.ledger(c.id).pop().expect("ledger entry");
    assert_eq!(
        (last.kind.as_str(), last.points, last.balance_after),
        ("reverse_earn", -25, 0)
    );

    let view = t.till.order(&o.id).expect("order");
    assert_eq!(
        (view.status.as_str(), view.refunded_total),
        ("refunded", 2519)
    );
    assert_eq!(view.points_reversed, 25, "the order remembers the reversal");
    assert_eq!(view.refunds.len(), 1, "the refund is listed on the order");
    assert_eq!(view.refunds[0].kind, "whole");

    let before = t.snapshot();
    let again = t
        .till
        .refund(&o.id, &RefundRequest::Whole, true)
        .expect_err("already refunded");
    assert!(
        matches!(
            again,
            TillError::WrongState {
                action: "refunded",
                ..
            }
        ),
        "a refunded order cannot be refunded again, got {again:?}"
    );
    assert_eq!(t.snapshot(), before, "the refused refund wrote nothing");
}

#[test]
fn refunds_by_lines_and_amount_end_exactly_at_what_was_paid() {
    let (mut t, c, o) = sold_to_customer();

    let milk = t
        .till
        .refund(&o.id, &lines(&[("MILK", 1)]), false)
        .expect("one milk back");
    assert_eq!(
        (milk.amount, milk.tax),
        (210, 10),
        "half the milk line and half its tax"
    );
    assert_eq!(milk.order_status, "partially_refunded");
    assert_eq!(milk.points_reversed, 2, "25 × 2.10/25.19 = 2.08 → 2 points");
    assert_eq!(t.stock("MILK"), 28, "no restock unless asked");

    let book = t
        .till
        .refund(&o.id, &lines(&[("BOOK", 1)]), true)
        .expect("book back");
    assert_eq!((book.amount, book.tax), (899, 0));
    assert_eq!(
        book.points_reversed, 9,
        "cumulative 25 × 11.09/25.19 = 11.006 → 11, so 9 now"
    );
    assert_eq!(t.stock("BOOK"), 10, "restocked when asked");

    let five = t
        .till
        .refund(&o.id, &RefundRequest::Amount(t.money("5.00")), false)
        .expect("5.00");
    assert_eq!(five.amount, 500);
    assert_eq!(
        five.points_reversed, 5,
        "cumulative 25 × 16.09/25.19 = 15.97 → 16, so 5 now"
    );
    assert!(five.lines.is_empty(), "an amount refund returns no goods");
    assert_eq!(five.order_status, "partially_refunded");

    // 9.10 is left. Asking for more, in any form, is refused and writes nothing.
    let before = t.snapshot();
    let too_much = RefundRequest::Amount(t.money("9.11"));
    let refusals = [
        (too_much, false),
        (lines(&[("COFFEE", 1)]), false),
        (lines(&[("MILK", 2)]), false),
        (lines(&[("MILK", 0)]), false),
        (lines(&[("NOPE", 1)]), false),
        (RefundRequest::Amount(t.money("1.00")), true),
        (RefundRequest::Amount(t.money("0.00")), false),
    ];
    for (request, restock) in &refusals {
        let err = t
            .till
            .refund(&o.id, request, *restock)
            .expect_err("refused refund");
        let expected = match request {
            RefundRequest::Amount(a) if a.minor() == 911 => {
                matches!(err, TillError::Refund(RefundError::MoreThanPaid { .. }))
            }
            RefundRequest::Amount(a) if a.minor() == 0 => {
                matches!(err, TillError::Refund(RefundError::NotPositive))
            }
            RefundRequest::Amount(_) => matches!(err, TillError::Invalid { .. }),
            RefundRequest::Lines(l) => match (l[0].0.as_str(), l[0].1) {
                // The coffee line is worth 12.00, more than the 9.10 left.
                ("COFFEE", _) => matches!(err, TillError::Refund(RefundError::MoreThanPaid { .. })),
                ("MILK", 2) => {
                    matches!(
                        err,
                        TillError::Refund(RefundError::TooManyUnits { left: 1, .. })
                    )
                }
                ("MILK", _) => matches!(err, TillError::Refund(RefundError::Quantity(0))),
                _ => matches!(err, TillError::Refund(RefundError::NotOnOrder { .. })),
            },
            RefundRequest::Whole => false,
        };
        assert!(
            expected,
            "{request:?} restock={restock}: unexpected error {err:?}"
        );
        assert_eq!(
            t.snapshot(),
            before,
            "{request:?}: a refused refund writes nothing"
        );
    }
    assert_eq!(
        t.till
            .refund(&o.id, &RefundRequest::Amount(t.money("9.11")), false)
            .expect_err("over")
            .code(),
        "refund_exceeds_paid",
        "stable error code for a refund over what was paid"
    );

    let rest = t
        .till
        .refund(&o.id, &RefundRequest::Whole, true)
        .expect("the rest");
    assert_eq!(
        rest.amount,
        2519 - 210 - 899 - 500,
        "whole refunds what is left"
    );
    assert_eq!(rest.order_status, "refunded");
    assert_eq!(rest.points_reversed, 9, "the rest of the earned points");
    assert_eq!(
        (t.stock("COFFEE"), t.stock("MILK")),
        (20, 29),
        "restock only this refund's units"
    );

    let view = t.till.order(&o.id).expect("order");
    assert_eq!(
        view.refunded_total, view.total,
        "refunded exactly what was paid"
    );
    let reversed: i64 = [&milk, &book, &five, &rest]
        .iter()
        .map(|r| r.points_reversed)
        .sum();
    assert_eq!(
        reversed, o.points_earned,
        "reversals add up to exactly the points earned"
    );
    let tax: i64 = [&milk, &book, &five, &rest].iter().map(|r| r.tax).sum();
    assert_eq!(tax, o.tax, "refunded tax adds up to the order's tax");
    assert_eq!(
        t.balance(c.id),
        0,
        "no earned points left, none taken twice"
    );
    assert_eq!(view.refunds.len(), 4, "four refunds on the order");
}

#[test]
fn refund_returns_redeemed_points_and_reverses_earned_points_in_proportion() {
    let mut t = gbp_shop();
    let vip = t.customer_with_points("Vera", 1000);
    let cart = t.cart_for(vip.id, &[("COFFEE", 1)]);
    let o = t
        .till
        .checkout(
            &cart,
            &[TenderRequest::Points { points: 500 }, exact_cash()],
        )
        .expect("5.00 in points, 7.00 in cash");
    assert_eq!((o.points_redeemed, o.points_earned), (500, 7));
    assert_eq!(t.balance(vip.id), 507);

    let half = t
        .till
        .refund(&o.id, &RefundRequest::Amount(t.money("6.00")), false)
        .expect("6.00");
    let parts: Vec<(&str, i64, i64, i64)> = half
        .tenders
        .iter()
        .map(|x| (x.tender.as_str(), x.amount, x.paid_out, x.points))
        .collect();
    assert_eq!(
        parts,
        vec![("points", 250, 250, 250), ("cash", 350, 350, 0)],
        "6.00 goes back 5:7 to points and cash; 250 points returned"
    );
    assert_eq!(
        half.points_reversed, 4,
        "7 × 6/12 = 3.5 → 4 points reversed"
    );
    assert_eq!(t.balance(vip.id), 507 + 250 - 4);

    let rest = t
        .till
        .refund(&o.id, &RefundRequest::Whole, false)
        .expect("rest");
    let returned: i64 = half
        .tenders
        .iter()
        .chain(&rest.tenders)
        .map(|x| x.points)
        .sum();
    assert_eq!(returned, 500, "every redeemed point comes back, no more");
    assert_eq!(
        half.points_reversed + rest.points_reversed,
        7,
        "every earned point reversed"
    );
    assert_eq!(
        t.balance(vip.id),
        1000,
        "back to the balance before the sale"
    );
    assert_eq!(rest.order_status, "refunded");
}

#[test]
fn refund_of_a_voided_order_is_refused_and_writes_nothing() {
    let (mut t, _c, o) = sold_to_customer();
    t.till.void(&o.id).expect("void");
    let before = t.snapshot();
    let err = t
        .till
        .refund(&o.id, &RefundRequest::Whole, true)
        .expect_err("voided");
    assert!(
        matches!(&err, TillError::WrongState { status, action: "refunded", .. } if status == "voided"),
        "a voided order cannot be refunded, got {err:?}"
    );
    assert_eq!(t.snapshot(), before, "nothing written");
    let unknown = t
        .till
        .refund("T1-000099", &RefundRequest::Whole, false)
        .expect_err("unknown");
    assert!(
        matches!(unknown, TillError::UnknownOrder(_)),
        "got {unknown:?}"
    );
}
