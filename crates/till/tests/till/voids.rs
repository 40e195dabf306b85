//! Voids: a paid order cancelled as if it never happened.

use crate::support::{at, exact_cash, gbp_shop};
use versapos_core::{RefundRequest, TenderRequest};
use versapos_till::{ReportBy, TillError};
use versapos_till::{ReportRows, Totals};

fn day_totals(t: &crate::support::TestTill) -> Totals {
    let day = at(crate::support::DAY1_MORNING).date_naive();
    t.till
        .report(day, day, ReportBy::Day, None)
        .expect("day report")
        .totals
}

#[test]
fn void_puts_stock_back_undoes_points_and_leaves_the_reports() {
    let mut t = gbp_shop();
    let c = t.add_customer("Amelia");
    let kept = t.cash_sale(&[("BOOK", 1)]);
    let with_kept_only = day_totals(&t);
    let o = t.customer_sale(c.id, &[("COFFEE", 1), ("MILK", 2)]);
    assert_eq!((o.total, o.points_earned), (1620, 16));
    assert_eq!(day_totals(&t).orders, 2, "the sale counts before the void");

    let v = t.till.void(&o.receipt).expect("void a paid order");
    assert_eq!(v.status, "voided", "the order is voided");
    assert_eq!((t.stock("COFFEE"), t.stock("MILK")), (20, 30), "stock back");
    assert_eq!(t.balance(c.id), 0, "earned points undone");
    let last = t.ledger(c.id).pop().expect("ledger");
    assert_eq!(
        (last.kind.as_str(), last.points),
        ("reverse_earn", -16),
        "undone in the ledger"
    );
    assert_eq!(
        day_totals(&t),
        with_kept_only,
        "the day's totals no longer count the voided sale"
    );

    let day = at(crate::support::DAY1_MORNING).date_naive();
    match t
        .till
        .report(day, day, ReportBy::Product, None)
        .expect("products")
        .rows
    {
        ReportRows::Product(rows) => {
            for r in rows.iter().filter(|r| r.sku == "COFFEE" || r.sku == "MILK") {
                assert_eq!((r.quantity, r.gross), (0, 0), "{} no longer sold", r.sku);
            }
            let book = rows.iter().find(|r| r.sku == "BOOK").expect("book row");
            assert_eq!(
                (book.quantity, book.gross),
                (1, kept.total),
                "the kept sale still counts"
            );
        }
        other => panic!("expected product rows, got {other:?}"),
    }
    match t
        .till
        .report(day, day, ReportBy::Tender, None)
        .expect("tenders")
        .rows
    {
        ReportRows::Tender(rows) => {
            let cash = rows.iter().find(|r| r.tender == "cash").expect("cash row");
            assert_eq!(
                (cash.payments, cash.amount),
                (1, kept.total),
                "only the kept payment"
            );
        }
        other => panic!("expected tender rows, got {other:?}"),
    }
    assert!(
        t.till.verify_journal().expect("verify").ok(),
        "a void keeps the journal valid"
    );

    let before = t.snapshot();
    let again = t.till.void(&o.id).expect_err("voided twice");
    assert!(
        matches!(
            again,
            TillError::WrongState {
                action: "voided",
                ..
            }
        ),
        "got {again:?}"
    );
    assert_eq!(t.snapshot(), before, "a refused void writes nothing");
}

#[test]
fn void_returns_redeemed_points_and_refunded_orders_cannot_be_voided() {
    let mut t = gbp_shop();
    let vip = t.customer_with_points("Vera", 1000);
    let cart = t.cart_for(vip.id, &[("COFFEE", 1)]);
    let o = t
        .till
        .checkout(
            &cart,
            &[TenderRequest::Points { points: 500 }, exact_cash()],
        )
        .expect("points and cash");
    assert_eq!(t.balance(vip.id), 507);
    t.till.void(&o.id).expect("void");
    assert_eq!(
        t.balance(vip.id),
        1000,
        "redeemed points returned, earned points taken back"
    );

    let sold = t.cash_sale(&[("BOOK", 1)]);
    t.till
        .refund(&sold.id, &RefundRequest::Amount(t.money("1.00")), false)
        .expect("refund 1.00");
    let before = t.snapshot();
    let err = t.till.void(&sold.id).expect_err("partly refunded");
    assert!(
        matches!(&err, TillError::WrongState { status, .. } if status == "partially_refunded"),
        "a refunded order cannot be voided, got {err:?}"
    );
    assert_eq!(t.snapshot(), before, "nothing written");
}

#[test]
fn void_of_an_order_with_one_product_on_two_lines_clears_its_product_figures() {
    let mut t = gbp_shop();
    let mut cart = t.cart(&[("MILK", 1)]);
    let discount = t.till.parse_discount("10%").expect("10%");
    cart.set_line_discount(0, Some(discount))
        .expect("discount line 0");
    // Scanned again: the discounted line stays apart, so MILK is on two lines.
    t.till
        .add_to_cart(&mut cart, "MILK", 1)
        .expect("scan again");
    assert_eq!(cart.lines.len(), 2, "two lines of the same product");
    let o = t.till.checkout(&cart, &[exact_cash()]).expect("sale");
    assert_eq!(o.total, 189 + 210, "2.10 less 10%, plus 2.10");

    t.till.void(&o.id).expect("void");
    let day = at(crate::support::DAY1_MORNING).date_naive();
    match t
        .till
        .report(day, day, ReportBy::Product, None)
        .expect("products")
        .rows
    {
        ReportRows::Product(rows) => {
            assert!(
                rows.iter().all(|r| r.sku != "MILK"),
                "a product whose only sale was voided is not in the report: {rows:?}"
            );
        }
        other => panic!("expected product rows, got {other:?}"),
    }
    assert_eq!(
        t.scalar("SELECT sum(abs(quantity)) + sum(abs(gross)) FROM sales_by_product"),
        0,
        "each line taken out of the product rollup once, not twice"
    );
    assert_eq!(
        day_totals(&t).sales.gross_sales,
        0,
        "day gross sales back to zero"
    );
    assert_eq!(t.stock("MILK"), 30, "both units back in stock");
}
