//! Parking a cart, surviving a restart, and completing or discarding it later.

use crate::support::{exact_cash, gbp_shop};
use versapos_till::{Sale, TillError};

#[test]
fn parked_cart_survives_a_restart_and_checkout_completes_and_removes_it() {
    let mut t = gbp_shop();
    let c = t.add_customer("Amelia");
    let mut cart = t.cart_for(c.id, &[("COFFEE", 1), ("MILK", 2)]);
    cart.set_order_discount(Some(t.till.parse_discount("1.00").expect("1.00 off")));
    let id = t.till.park(&cart, Some("table 4")).expect("park");
    let journal_before = t.journal_entries();

    let mut t = t.restart();
    let parked = t.till.parked().expect("parked carts");
    assert_eq!(
        parked.len(),
        1,
        "the parked cart is still there after a restart"
    );
    assert_eq!(parked[0].id, id);
    assert_eq!(
        parked[0].note.as_deref(),
        Some("table 4"),
        "the note is kept"
    );
    assert_eq!(
        parked[0].customer_id,
        Some(c.id.0),
        "the customer link is kept"
    );
    assert_eq!(parked[0].lines, 2);
    assert_eq!(
        parked[0].cart, cart,
        "the same lines, prices, discount and customer"
    );
    assert_eq!(
        t.till.resume(id).expect("resume"),
        cart,
        "resume gives the same cart"
    );

    // A failed checkout keeps the cart parked.
    let short = t
        .till
        .checkout_parked(id, &[t.cash("1.00")])
        .expect_err("short");
    assert!(matches!(short, TillError::Tender(_)), "got {short:?}");
    assert_eq!(
        t.till.parked().expect("parked").len(),
        1,
        "still parked after a failed checkout"
    );

    let o = t
        .till
        .checkout_parked(id, &[exact_cash()])
        .expect("checkout parked");
    assert_eq!(o.total, 1200 + 420 - 100, "the parked discount applies");
    assert_eq!(
        o.customer_id,
        Some(c.id.0),
        "the parked customer is on the order"
    );
    let lines: Vec<(&str, i64)> = o
        .lines
        .iter()
        .map(|l| (l.sku.as_str(), l.quantity))
        .collect();
    assert_eq!(lines, vec![("COFFEE", 1), ("MILK", 2)]);
    assert!(
        t.till.parked().expect("parked").is_empty(),
        "the parked cart is gone"
    );
    assert_eq!(t.journal_entries(), journal_before + 1, "one sale entry");
    let gone = t.till.resume(id).expect_err("no longer parked");
    assert!(
        matches!(gone, TillError::UnknownParkedCart(n) if n == id),
        "got {gone:?}"
    );
    let twice = t
        .till
        .checkout_parked(id, &[exact_cash()])
        .expect_err("sold already");
    assert!(
        matches!(twice, TillError::UnknownParkedCart(_)),
        "a parked cart sells once: {twice:?}"
    );
}

#[test]
fn discarding_a_parked_cart_removes_it_and_unknown_ids_are_errors() {
    let mut t = gbp_shop();
    let cart = t.cart(&[("BOOK", 1)]);
    let keep = t.till.park(&cart, None).expect("park one");
    let drop_me = t
        .till
        .park(&cart, Some("changed their mind"))
        .expect("park two");
    t.till.discard_parked(drop_me).expect("discard");
    let ids: Vec<i64> = t
        .till
        .parked()
        .expect("parked")
        .iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(ids, vec![keep], "only the discarded cart is gone");

    let before = t.snapshot();
    let again = t
        .till
        .discard_parked(drop_me)
        .expect_err("already discarded");
    assert!(
        matches!(again, TillError::UnknownParkedCart(_)),
        "got {again:?}"
    );
    let unknown = t
        .till
        .checkout_parked(999, &[exact_cash()])
        .expect_err("no such cart");
    assert!(
        matches!(unknown, TillError::UnknownParkedCart(999)),
        "got {unknown:?}"
    );
    assert!(
        matches!(t.till.resume(999), Err(TillError::UnknownParkedCart(999))),
        "resume 999"
    );
    assert_eq!(t.snapshot(), before, "unknown parked ids write nothing");

    let empty = t.till.new_cart().expect("cart");
    assert!(
        t.till.park(&empty, None).is_err(),
        "an empty cart cannot be parked"
    );
    assert_eq!(t.snapshot(), before, "nothing parked");
}

/// The register's sale (what the desktop shell keeps between scans): resuming, re-parking and
/// completing a parked sale never leaves it parked twice or drops what is on the register.
#[test]
fn a_resumed_sale_is_reparked_in_place_and_completing_it_removes_it() {
    let mut t = gbp_shop();
    let mut sale = Sale::default();
    t.till
        .change_sale(&mut sale, |till, cart| {
            till.add_to_cart(cart, "COFFEE", 1).map(|_| ())
        })
        .expect("ring up coffee");
    let first = t.till.park_sale(&mut sale, Some("table 4")).expect("park");
    assert!(!sale.has_lines(), "parking starts a new, empty sale");

    t.till
        .change_sale(&mut sale, |till, cart| {
            till.add_to_cart(cart, "MILK", 1).map(|_| ())
        })
        .expect("ring up milk");
    let refused = t
        .till
        .resume_sale(&mut sale, first)
        .expect_err("sale in progress");
    assert_eq!(refused.code(), "sale_in_progress", "got {refused:?}");
    assert!(sale.has_lines(), "the sale on the register is kept");

    sale.clear();
    t.till.resume_sale(&mut sale, first).expect("resume");
    assert_eq!(sale.resumed_from(), Some(first));
    t.till
        .change_sale(&mut sale, |till, cart| {
            till.add_to_cart(cart, "MILK", 2).map(|_| ())
        })
        .expect("add milk to the resumed sale");
    let second = t.till.park_sale(&mut sale, None).expect("park again");
    let parked = t.till.parked().expect("parked carts");
    assert_eq!(parked.len(), 1, "re-parking replaces the old parked cart");
    assert_eq!((parked[0].id, parked[0].lines), (second, 2));

    t.till.resume_sale(&mut sale, second).expect("resume again");
    let order = t
        .till
        .checkout_sale(&mut sale, &[exact_cash()])
        .expect("checkout");
    assert_eq!(order.total, 1200 + 420);
    assert!(
        t.till.parked().expect("parked").is_empty(),
        "completed, so no longer parked"
    );
    assert!(!sale.has_lines(), "a new, empty sale follows checkout");
}

#[test]
fn a_change_the_cart_cannot_take_is_undone() {
    let t = gbp_shop();
    let mut sale = Sale::default();
    let before = t
        .till
        .change_sale(&mut sale, |till, cart| {
            till.add_to_cart(cart, "SWEET", 1).map(|_| ())
        })
        .expect("ring up a sweet");
    let e = t
        .till
        .change_sale(&mut sale, |till, cart| {
            let d = till.parse_discount("5.00")?;
            Ok(cart.set_line_discount(0, Some(d))?)
        })
        .expect_err("5.00 off a 0.02 sweet");
    assert_ne!(
        e.code(),
        "database",
        "a cashier's mistake, not a failure: {e:?}"
    );
    assert_eq!(
        t.till.sale_view(&mut sale).expect("view").total,
        before.total,
        "the sale is as it was"
    );
}
