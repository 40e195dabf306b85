//! Receipt numbers are given when a sale is paid: a card try that does not pay uses none, and
//! the sale's next tender pays the same order, the failed try kept in its history.

use crate::support::{card, charge, exact_cash, gbp_shop, TestTill};
use versapos_core::{CustomerId, TenderRequest};
use versapos_till::{Sale, TillError};

/// A sale on the register with `items` rung up (and the customer, if any).
fn ring_up(t: &TestTill, items: &[(&str, i64)], customer: Option<CustomerId>) -> Sale {
    let mut sale = Sale::default();
    for (code, qty) in items {
        t.till
            .change_sale(&mut sale, |till, cart| {
                till.add_to_cart(cart, code, *qty).map(|_| ())
            })
            .expect("ring up");
    }
    if let Some(c) = customer {
        t.till
            .change_sale(&mut sale, |till, cart| {
                till.link_customer(cart, c).map(|_| ())
            })
            .expect("link customer");
    }
    sale
}

fn statuses(order: &versapos_till::OrderView) -> Vec<(String, String)> {
    order
        .payments
        .iter()
        .map(|p| (p.tender.clone(), p.status.clone()))
        .collect()
}

#[test]
fn a_declined_card_then_cash_pays_one_order_under_the_next_receipt_number() {
    let mut t = gbp_shop();
    let first = t.cash_sale(&[("MILK", 1)]);
    assert_eq!(first.receipt, "T1-000001");

    let mut sale = ring_up(&t, &[("COFFEE", 1)], None);
    let pending = t.till.begin_sale_card(&mut sale, &[card()]).expect("begin");
    assert!(
        pending.receipt.starts_with("T1 sale "),
        "no receipt number while the card is asked for: {}",
        pending.receipt
    );
    let waiting = t.till.order(&pending.order_id).expect("order");
    assert_eq!(waiting.number, None);
    t.till
        .fail_card_sale(&pending.payment_id, "declined: insufficient funds")
        .expect("give the card up");
    assert_eq!(sale.order(), Some(pending.order_id.as_str()));

    let paid = t
        .till
        .checkout_sale(&mut sale, &[exact_cash()])
        .expect("pay cash");
    assert_eq!(
        paid.id, pending.order_id,
        "the same order, not a second one"
    );
    assert_eq!(
        paid.receipt, "T1-000002",
        "the next number: none was used up"
    );
    assert_eq!(paid.number, Some(2));
    assert_eq!(paid.status, "paid");
    assert_eq!(
        statuses(&paid),
        [
            ("card".to_string(), "canceled".to_string()),
            ("cash".to_string(), "succeeded".to_string())
        ],
        "the failed try stays in the order's history"
    );
    assert_eq!(paid.paid, 1200);
    let reread = t.till.order("T1-000002").expect("by receipt");
    assert_eq!(statuses(&reread), statuses(&paid), "as stored");

    assert_eq!(
        t.scalar("SELECT count(*) FROM orders"),
        2,
        "two sales, two orders"
    );
    assert_eq!(t.scalar("SELECT sum(orders) FROM sales_by_hour"), 2);
    assert_eq!(
        t.scalar("SELECT count(*) FROM sales_by_tender WHERE tender = 'card'"),
        0,
        "the card took nothing"
    );
    assert_eq!(
        t.scalar("SELECT amount FROM sales_by_tender WHERE tender = 'cash'"),
        210 + 1200
    );
    assert_eq!(t.stock("COFFEE"), 19, "stock moved once");
    assert!(t.till.verify_journal().expect("verify").problems.is_empty());
    assert!(!sale.has_lines(), "the register moves on");
    assert_eq!(sale.order(), None);
    assert_eq!(t.cash_sale(&[("BOOK", 1)]).receipt, "T1-000003");
}

#[test]
fn a_second_card_try_on_the_same_sale_is_written_on_its_order_and_numbered_when_taken() {
    let mut t = gbp_shop();
    let mut sale = ring_up(&t, &[("COFFEE", 1)], None);
    let declined = t.till.begin_sale_card(&mut sale, &[card()]).expect("begin");
    t.till
        .fail_card_sale(&declined.payment_id, "declined")
        .expect("give up");
    let again = t
        .till
        .begin_sale_card(&mut sale, &[card()])
        .expect("another card");
    assert_eq!(again.order_id, declined.order_id);
    assert_ne!(again.payment_id, declined.payment_id, "a new payment");
    let pending = t.till.pending_cards().expect("pending");
    assert_eq!(
        pending.iter().map(|p| &p.payment_id).collect::<Vec<_>>(),
        [&again.payment_id],
        "only the new try waits for a card"
    );

    let paid = t
        .till
        .complete_card_sale(&again.payment_id, &charge("pi_2"), None)
        .expect("taken");
    assert_eq!(paid.receipt, "T1-000001");
    assert_eq!(
        statuses(&paid),
        [
            ("card".to_string(), "canceled".to_string()),
            ("card".to_string(), "succeeded".to_string())
        ]
    );
    assert_eq!(
        t.scalar("SELECT payments FROM sales_by_tender WHERE tender = 'card'"),
        1,
        "one card payment counted"
    );
    assert!(t.till.verify_journal().expect("verify").problems.is_empty());
}

#[test]
fn points_redeemed_on_each_failed_try_go_back_once_and_the_paying_try_redeems_them() {
    let mut t = gbp_shop();
    let c = t.customer_with_points("Vera", 40);
    let mut sale = ring_up(&t, &[("COFFEE", 1)], Some(c.id));
    let tenders = [TenderRequest::Points { points: 40 }, card()];
    for round in 1..=2 {
        let p = t.till.begin_sale_card(&mut sale, &tenders).expect("begin");
        assert_eq!(t.balance(c.id), 0, "try {round}: the points are set aside");
        t.till
            .fail_card_sale(&p.payment_id, "declined")
            .expect("fail");
        assert_eq!(t.balance(c.id), 40, "try {round}: the points are back");
        // Giving the same try up again changes nothing.
        t.till.fail_card_sale(&p.payment_id, "again").expect("fail");
        assert_eq!(t.balance(c.id), 40, "try {round}: returned once");
    }
    let paid = t
        .till
        .checkout_sale(
            &mut sale,
            &[TenderRequest::Points { points: 40 }, exact_cash()],
        )
        .expect("points and cash");
    assert_eq!(paid.points_redeemed, 40);
    assert_eq!(
        t.balance(c.id),
        paid.points_earned,
        "40 redeemed once, and what the sale earned"
    );
    let ledger = t.ledger(c.id);
    let redeemed: i64 = ledger
        .iter()
        .filter(|e| e.kind == "redeem")
        .map(|e| e.points)
        .sum();
    let returned: i64 = ledger
        .iter()
        .filter(|e| e.kind == "return_redeem")
        .map(|e| e.points)
        .sum();
    assert_eq!(
        (redeemed, returned),
        (-120, 80),
        "three tries, two given up"
    );
    assert_eq!(
        t.scalar(&format!(
            "SELECT points_balance FROM customers WHERE id = {}",
            c.id.0
        )),
        ledger.last().expect("entries").balance_after,
        "the ledger adds up to the balance"
    );
}

#[test]
fn the_order_keeps_the_cart_as_it_was_paid_not_as_the_card_was_first_tried() {
    let mut t = gbp_shop();
    let mut sale = ring_up(&t, &[("COFFEE", 1), ("MILK", 2)], None);
    let p = t.till.begin_sale_card(&mut sale, &[card()]).expect("begin");
    assert_eq!(p.amount, 1200 + 420);
    t.till
        .fail_card_sale(&p.payment_id, "declined")
        .expect("fail");
    // The customer cannot afford it all: the coffee comes off.
    t.till
        .change_sale(&mut sale, |_, cart| {
            cart.remove(0).map(|_| ()).map_err(Into::into)
        })
        .expect("remove the coffee");
    let paid = t
        .till
        .checkout_sale(&mut sale, &[exact_cash()])
        .expect("cash");
    assert_eq!(paid.id, p.order_id);
    assert_eq!(paid.total, 420);
    assert_eq!(
        paid.lines
            .iter()
            .map(|l| l.sku.as_str())
            .collect::<Vec<_>>(),
        ["MILK"]
    );
    let stored = t.till.order(&paid.id).expect("order");
    assert_eq!(stored.lines.len(), 1, "the tried lines were replaced");
    assert_eq!(stored.total, 420);
    assert_eq!((t.stock("COFFEE"), t.stock("MILK")), (20, 28));
    assert!(t.till.verify_journal().expect("verify").problems.is_empty());
}

#[test]
fn cash_is_refused_while_the_card_try_still_waits_and_nothing_is_written() {
    let mut t = gbp_shop();
    let mut sale = ring_up(&t, &[("COFFEE", 1)], None);
    let p = t.till.begin_sale_card(&mut sale, &[card()]).expect("begin");
    t.till
        .record_decline(&p.payment_id, Some("declined"))
        .expect("declined");
    let before = t.snapshot();
    let err = t
        .till
        .checkout_sale(&mut sale, &[exact_cash()])
        .expect_err("the card may still be tried again: it must be given up first");
    assert!(matches!(err, TillError::WrongState { .. }), "{err}");
    assert_eq!(t.snapshot(), before, "nothing written");
    assert!(sale.has_lines(), "the sale stays on the register");
    assert_eq!(t.till.pending_cards().expect("pending").len(), 1);
}

#[test]
fn a_late_success_of_a_card_try_given_up_never_books_the_order_twice() {
    let mut t = gbp_shop();
    let mut sale = ring_up(&t, &[("COFFEE", 1)], None);
    let first = t.till.begin_sale_card(&mut sale, &[card()]).expect("begin");
    t.till
        .fail_card_sale(&first.payment_id, "declined")
        .expect("fail");
    let paid = t
        .till
        .checkout_sale(&mut sale, &[exact_cash()])
        .expect("cash");
    let before = t.snapshot();
    let journal = t.journal_entries();

    // Stripe reports the given-up try as taken after all.
    let err = t
        .till
        .complete_card_sale(&first.payment_id, &charge("pi_late"), None)
        .expect_err("a given-up try cannot book");
    assert!(matches!(err, TillError::CardSettled { .. }), "{err}");
    // Or as cancelled: nothing of the paid order is touched.
    t.till
        .fail_card_sale(&first.payment_id, "cancelled at Stripe")
        .expect("already given up");
    assert_eq!(t.snapshot(), before);
    assert_eq!(t.journal_entries(), journal);
    let order = t.till.order(&paid.id).expect("order");
    assert_eq!(order.status, "paid");
    assert_eq!(statuses(&order), statuses(&paid));
}

#[test]
fn a_sale_given_up_after_its_card_failed_uses_no_receipt_number() {
    let mut t = gbp_shop();
    let mut sale = ring_up(&t, &[("COFFEE", 1)], None);
    let p = t.till.begin_sale_card(&mut sale, &[card()]).expect("begin");
    t.till
        .fail_card_sale(&p.payment_id, "declined")
        .expect("fail");
    t.till.void_sale(&mut sale).expect("the customer leaves");

    let next = t.cash_sale(&[("MILK", 1)]);
    assert_eq!(next.receipt, "T1-000001", "no gap");

    let unpaid = t.till.order(&p.order_id).expect("the given-up sale");
    assert_eq!(
        (unpaid.number, unpaid.status.as_str()),
        (None, "payment_failed")
    );
    assert_eq!(unpaid.receipt, p.receipt);
    assert_eq!(
        t.till.order(&p.receipt).expect("by its name").id,
        p.order_id,
        "found by the name the till gave it"
    );
    let listed = t.till.orders(None, 10, 0).expect("orders");
    let names: Vec<&str> = listed.iter().map(|o| o.receipt.as_str()).collect();
    assert_eq!(names, [next.receipt.as_str(), p.receipt.as_str()]);
    let err = t
        .till
        .void(&p.order_id)
        .expect_err("nothing to void on a sale never paid");
    assert!(matches!(err, TillError::WrongState { .. }), "{err}");
}

#[test]
fn a_card_sale_numbered_by_an_earlier_build_keeps_its_number_and_redeems_once_when_taken() {
    let mut t = gbp_shop();
    let c = t.customer_with_points("Vera", 40);
    let cart = t.cart_for(c.id, &[("COFFEE", 1)]);
    let p = t
        .till
        .begin_card_sale(&cart, &[TenderRequest::Points { points: 40 }, card()])
        .expect("begin");
    // As an earlier build wrote it: numbered when the card was first asked for.
    let n = t.scalar("SELECT COALESCE(max(number), 0) + 1 FROM orders");
    t.raw()
        .execute_batch(&format!(
            "UPDATE orders SET number = {n} WHERE id = '{}';
             INSERT INTO receipt_counters (till_id, last_number) VALUES ('T1', {n})
                 ON CONFLICT (till_id) DO UPDATE SET last_number = {n};",
            p.order_id
        ))
        .expect("number it as an earlier build did");
    let paid = t
        .till
        .complete_card_sale(&p.payment_id, &charge("pi_old"), None)
        .expect("taken");
    assert_eq!(paid.number, Some(n), "its number kept");
    assert_eq!(t.balance(c.id), paid.points_earned, "40 redeemed once");
    assert_eq!(t.cash_sale(&[("MILK", 1)]).number, Some(n + 1));
}
