//! Card sales in two steps: written before the card is asked for, booked only once Stripe says
//! the payment succeeded, given up (points back, nothing booked) when it did not.

use crate::support::{card, charge, exact_cash, gbp_shop};
use versapos_core::TenderRequest;
use versapos_till::TillError;

#[test]
fn a_card_sale_is_written_pending_and_booked_only_when_the_card_is_taken() {
    let mut t = gbp_shop();
    let cart = t.cart(&[("COFFEE", 1), ("MILK", 2)]);
    let pending = t.till.begin_card_sale(&cart, &[card()]).expect("begin");
    assert_eq!(pending.amount, 1620, "12.00 + 2 × 2.10");
    assert_eq!(pending.currency, "GBP");
    assert!(
        pending.receipt.starts_with("T1 sale "),
        "no receipt number until it is paid: {}",
        pending.receipt
    );
    let order = t.till.order(&pending.order_id).expect("order");
    assert_eq!(order.status, "payment_pending");
    assert_eq!(order.paid, 0, "nothing is paid yet");
    assert_eq!(t.stock("COFFEE"), 20, "stock waits for the card");
    assert_eq!(
        t.scalar("SELECT count(*) FROM sales_by_hour"),
        0,
        "reports wait for the card"
    );
    assert_eq!(t.till.pending_cards().expect("pending").len(), 1);
    t.till
        .record_intent(&pending.payment_id, "pi_1", "test", Some("tmr_1"))
        .expect("record intent");
    assert_eq!(
        t.till
            .pending_card(&pending.payment_id)
            .expect("pending")
            .intent_id
            .as_deref(),
        Some("pi_1")
    );

    let paid = t
        .till
        .complete_card_sale(&pending.payment_id, &charge("pi_1"), None)
        .expect("complete");
    assert_eq!(paid.status, "paid");
    assert_eq!(paid.paid, 1620);
    let p = &paid.payments[0];
    assert_eq!(
        (
            p.tender.as_str(),
            p.status.as_str(),
            p.mode.map(|m| m.as_str()),
            p.card_last4.as_deref()
        ),
        ("card", "succeeded", Some("test"), Some("4242"))
    );
    assert_eq!(t.stock("COFFEE"), 19);
    assert_eq!(
        t.scalar("SELECT amount FROM sales_by_tender WHERE tender = 'card'"),
        1620
    );
    assert!(t.till.pending_cards().expect("pending").is_empty());
    assert!(t.till.verify_journal().expect("verify").problems.is_empty());

    // Settling the same payment again changes nothing.
    let journal = t.journal_entries();
    let again = t
        .till
        .complete_card_sale(&pending.payment_id, &charge("pi_1"), None)
        .expect("complete twice");
    assert_eq!(again.status, "paid");
    assert_eq!(t.stock("COFFEE"), 19, "stock moved once");
    assert_eq!(t.journal_entries(), journal, "no second sale entry");
}

#[test]
fn a_failed_card_sale_gives_the_points_back_and_books_nothing() {
    let mut t = gbp_shop();
    let c = t.customer_with_points("Vera", 40);
    let orders_booked = t.scalar("SELECT sum(orders) FROM sales_by_hour");
    let cart = t.cart_for(c.id, &[("COFFEE", 1)]);
    let pending = t
        .till
        .begin_card_sale(&cart, &[TenderRequest::Points { points: 40 }, card()])
        .expect("begin");
    assert_eq!(pending.amount, 1200 - 40, "40 points are worth 0.40");
    assert_eq!(t.balance(c.id), 0, "redeemed points are set aside");

    let failed = t
        .till
        .fail_card_sale(&pending.payment_id, "declined: insufficient funds")
        .expect("fail");
    assert_eq!(failed.status, "payment_failed");
    assert!(failed.payments.iter().all(|p| p.status == "canceled"));
    assert_eq!(t.balance(c.id), 40, "points are back");
    assert_eq!(t.stock("COFFEE"), 20);
    assert_eq!(
        t.scalar("SELECT sum(orders) FROM sales_by_hour"),
        orders_booked,
        "reports do not count it"
    );
    assert!(t.till.verify_journal().expect("verify").problems.is_empty());

    // A failed payment cannot be completed afterwards.
    let err = t
        .till
        .complete_card_sale(&pending.payment_id, &charge("pi_x"), None)
        .expect_err("no completion after failure");
    assert!(matches!(err, TillError::CardSettled { .. }), "{err}");
    // Failing it again is harmless.
    t.till
        .fail_card_sale(&pending.payment_id, "again")
        .expect("fail twice");
    assert_eq!(t.balance(c.id), 40, "points returned once");
}

#[test]
fn split_cash_and_card_books_both_tenders_once_the_card_is_taken() {
    let mut t = gbp_shop();
    let cart = t.cart(&[("COFFEE", 1)]);
    let pending = t
        .till
        .begin_card_sale(
            &cart,
            &[
                TenderRequest::Card {
                    amount: Some(t.money("7.00")),
                },
                t.cash("10.00"),
            ],
        )
        .expect("begin");
    assert_eq!(pending.amount, 700);
    let paid = t
        .till
        .complete_card_sale(&pending.payment_id, &charge("pi_2"), None)
        .expect("complete");
    let tenders: Vec<(&str, i64, &str)> = paid
        .payments
        .iter()
        .map(|p| (p.tender.as_str(), p.amount, p.status.as_str()))
        .collect();
    assert_eq!(
        tenders,
        vec![("card", 700, "succeeded"), ("cash", 500, "succeeded")]
    );
    assert_eq!(paid.change, 500);
}

#[test]
fn a_card_sale_needs_exactly_one_card_and_cash_only_sales_refuse_cards() {
    let mut t = gbp_shop();
    let cart = t.cart(&[("COFFEE", 1)]);
    let before = t.snapshot();
    let err = t
        .till
        .begin_card_sale(&cart, &[exact_cash()])
        .expect_err("no card in the tenders");
    assert_eq!(err.code(), "invalid_input");
    let err = t
        .till
        .checkout(&cart, &[card()])
        .expect_err("checkout takes no card");
    assert_eq!(err.code(), "card_unavailable");
    let err = t
        .till
        .complete_card_sale("nope", &charge("pi_3"), None)
        .expect_err("unknown payment");
    assert_eq!(err.code(), "unknown_payment");
    assert_eq!(t.snapshot(), before, "nothing written");
}
