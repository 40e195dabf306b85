//! The VIP points ledger: append-only, each movement once, balances never below zero.

use crate::support::{exact_cash, gbp_shop};
use versapos_core::{RefundRequest, TenderRequest};
use versapos_till::TillError;

#[test]
fn points_ledger_rejects_update_and_delete() {
    let mut t = gbp_shop();
    let c = t.customer_with_points("Vera", 40);
    let ledger_before = t.ledger(c.id);
    for conn in [t.raw(), t.raw()] {
        let update = conn.execute("UPDATE points_ledger SET points = 4000", []);
        let err = update.expect_err("UPDATE of the ledger is refused");
        assert!(
            err.to_string().contains("append-only"),
            "trigger message: {err}"
        );
        let delete = conn.execute("DELETE FROM points_ledger", []);
        assert!(delete.is_err(), "DELETE of the ledger is refused");
    }
    let through_till = t.till.connection().execute("DELETE FROM points_ledger", []);
    assert!(
        through_till.is_err(),
        "refused on the till's own connection too"
    );
    assert_eq!(t.ledger(c.id), ledger_before, "the ledger is unchanged");
    assert_eq!(t.balance(c.id), 40);
}

#[test]
fn refund_after_the_points_were_spent_records_a_shortfall_and_never_goes_negative() {
    let mut t = gbp_shop();
    let c = t.add_customer("Amelia");
    let o = t.customer_sale(c.id, &[("COFFEE", 1), ("MILK", 2), ("BOOK", 1)]);
    assert_eq!(t.balance(c.id), 25);
    // The customer spends all 25 points at once on a coffee (earning 11 on the 11.75 in cash).
    let cart = t.cart_for(c.id, &[("COFFEE", 1)]);
    t.till
        .checkout(&cart, &[TenderRequest::Points { points: 25 }, exact_cash()])
        .expect("spend the points");
    assert_eq!(t.balance(c.id), 11);

    let r = t
        .till
        .refund(&o.id, &RefundRequest::Whole, false)
        .expect("refund the first sale");
    assert_eq!(r.points_reversed, 11, "only what is left can be taken back");
    assert_eq!(
        r.points_shortfall, 14,
        "the 14 already spent are recorded as a shortfall"
    );
    assert_eq!(
        t.scalar(&format!(
            "SELECT points_shortfall FROM refunds WHERE id = '{}'",
            r.id
        )),
        14,
        "the shortfall is stored on the refund"
    );
    assert_eq!(t.balance(c.id), 0, "the balance stops at zero");
    let ledger = t.ledger(c.id);
    assert!(
        ledger.iter().all(|e| e.balance_after >= 0),
        "never below zero: {ledger:?}"
    );
    let last = ledger.last().expect("entry");
    assert_eq!(
        (last.kind.as_str(), last.points, last.balance_after),
        ("reverse_earn", -11, 0)
    );
    assert!(
        last.note.as_deref().is_some_and(|n| n.contains("14")),
        "note: {:?}",
        last.note
    );

    let before = t.snapshot();
    assert!(
        t.till.refund(&o.id, &RefundRequest::Whole, false).is_err(),
        "refunded once only"
    );
    assert_eq!(t.snapshot(), before, "no second reversal");
    let negative = t.raw().execute(
        &format!(
            "UPDATE customers SET points_balance = -1 WHERE id = {}",
            c.id.0
        ),
        [],
    );
    assert!(
        negative.is_err(),
        "the store itself refuses a negative balance"
    );
}

#[test]
fn refund_takes_earned_points_back_from_the_points_it_returns_in_the_same_refund() {
    let mut t = gbp_shop();
    let vip = t.customer_with_points("Vera", 1000);
    // 10.00 in points and 2.00 in cash: 2 points earned, balance 2.
    let cart = t.cart_for(vip.id, &[("COFFEE", 1)]);
    let o = t
        .till
        .checkout(
            &cart,
            &[TenderRequest::Points { points: 1000 }, exact_cash()],
        )
        .expect("mostly points");
    assert_eq!((o.points_earned, t.balance(vip.id)), (2, 2));
    // The 2 earned points are spent on a sweet paid in points only (which earns nothing).
    let cart = t.cart_for(vip.id, &[("SWEET", 1)]);
    t.till
        .checkout(&cart, &[TenderRequest::Points { points: 2 }])
        .expect("points only");
    assert_eq!(t.balance(vip.id), 0);

    let r = t
        .till
        .refund(&o.id, &RefundRequest::Whole, false)
        .expect("whole refund");
    assert_eq!(
        (r.points_reversed, r.points_shortfall),
        (2, 0),
        "the 1000 points given back cover the 2 earned points to take back"
    );
    assert_eq!(
        t.balance(vip.id),
        1000 - 2,
        "1000 returned, 2 earned points taken back"
    );
    assert!(
        t.ledger(vip.id).iter().all(|e| e.balance_after >= 0),
        "never below zero"
    );

    // The same holds for a void.
    let cart = t.cart_for(vip.id, &[("COFFEE", 1)]);
    let o = t
        .till
        .checkout(
            &cart,
            &[TenderRequest::Points { points: 998 }, exact_cash()],
        )
        .expect("mostly points again");
    assert_eq!((o.points_earned, t.balance(vip.id)), (2, 2));
    let cart = t.cart_for(vip.id, &[("SWEET", 1)]);
    t.till
        .checkout(&cart, &[TenderRequest::Points { points: 2 }])
        .expect("points only");
    t.till.void(&o.id).expect("void");
    assert_eq!(
        t.balance(vip.id),
        998 - 2,
        "void returns 998 and takes back the 2 earned"
    );
}

#[test]
fn unknown_customer_on_a_cart_is_refused() {
    let mut t = gbp_shop();
    let mut cart = t.cart(&[("COFFEE", 1)]);
    let err = t
        .till
        .link_customer(&mut cart, versapos_core::CustomerId(42))
        .expect_err("no 42");
    assert!(matches!(err, TillError::UnknownCustomer(42)), "{err:?}");
    cart.customer_id = Some(versapos_core::CustomerId(42));
    let before = t.snapshot();
    let err = t
        .till
        .checkout(&cart, &[exact_cash()])
        .expect_err("unknown customer");
    assert!(matches!(err, TillError::UnknownCustomer(42)), "{err:?}");
    assert_eq!(t.snapshot(), before, "nothing written");
}
