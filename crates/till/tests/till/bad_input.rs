//! Bad input is refused with an error of the right kind and changes nothing; odd but valid text
//! (quotes, SQL, emoji) is stored and given back exactly.

use crate::support::{exact_cash, gbp_shop, sku};
use versapos_core::{CartError, MoneyError, TenderError, TenderRequest};
use versapos_till::{NewCustomer, NewProduct, TillError};

#[test]
fn unknown_sku_and_bad_quantities_are_refused_without_touching_the_cart() {
    let t = gbp_shop();
    let mut cart = t.cart(&[("COFFEE", 1)]);
    let before_cart = cart.clone();

    let unknown = t
        .till
        .add_to_cart(&mut cart, "NO-SUCH-SKU", 1)
        .expect_err("unknown SKU");
    assert!(
        matches!(&unknown, TillError::UnknownProduct(s) if s == "NO-SUCH-SKU"),
        "{unknown:?}"
    );
    for qty in [0, -1, -5, 1_000_001] {
        let err = t
            .till
            .add_to_cart(&mut cart, "MILK", qty)
            .expect_err("bad quantity");
        assert!(
            matches!(err, TillError::Cart(CartError::Quantity(q)) if q == qty),
            "quantity {qty}: got {err:?}"
        );
    }
    assert_eq!(cart, before_cart, "refused scans leave the cart as it was");
}

#[test]
fn refused_checkouts_write_nothing() {
    let mut t = gbp_shop();
    let before = t.snapshot();

    // A cart edited behind the till's back to quantity 0 or -3.
    for qty in [0, -3] {
        let mut cart = t.cart(&[("COFFEE", 1)]);
        cart.lines[0].quantity = qty;
        let err = t
            .till
            .checkout(&cart, &[exact_cash()])
            .expect_err("bad quantity");
        assert!(
            matches!(err, TillError::Cart(CartError::Quantity(q)) if q == qty),
            "{err:?}"
        );
        assert_eq!(t.snapshot(), before, "quantity {qty}: nothing written");
    }

    let cart = t.cart(&[("COFFEE", 1), ("MILK", 2)]);
    let short = t
        .till
        .checkout(&cart, &[t.cash("16.19")])
        .expect_err("a penny short");
    assert!(
        matches!(
            short,
            TillError::Tender(TenderError::InsufficientTender { .. })
        ),
        "tender below total: got {short:?}"
    );
    assert_eq!(short.code(), "insufficient_tender");
    assert_eq!(t.snapshot(), before, "tender below total: nothing written");

    let no_tender = t.till.checkout(&cart, &[]).expect_err("no tender");
    assert!(
        matches!(no_tender, TillError::Tender(TenderError::NoTender)),
        "{no_tender:?}"
    );
    let card = t
        .till
        .checkout(&cart, &[TenderRequest::Card { amount: None }])
        .expect_err("card");
    assert!(
        matches!(card, TillError::CardUnavailable),
        "no reader on this till: {card:?}"
    );
    let empty = t.till.new_cart().expect("cart");
    let err = t
        .till
        .checkout(&empty, &[exact_cash()])
        .expect_err("empty cart");
    assert!(matches!(err, TillError::Cart(CartError::Empty)), "{err:?}");
    assert_eq!(
        t.snapshot(),
        before,
        "none of the refused checkouts wrote anything"
    );
}

#[test]
fn amount_overflow_is_an_error_and_writes_nothing() {
    let mut t = gbp_shop();
    let huge = versapos_core::Money::from_minor(i64::MAX / 2 + 1, t.currency());
    t.till
        .add_product(&NewProduct {
            sku: sku("HUGE"),
            name: "Very Expensive".into(),
            price: huge,
            barcode: None,
            tax_rate: Some("zero".into()),
            stock: 5,
            category: None,
        })
        .expect("a large price is still a price");
    let before = t.snapshot();

    // One line of 2 × (i64::MAX / 2 + 1) overflows.
    let cart = t.cart(&[("HUGE", 2)]);
    let err = t
        .till
        .checkout(&cart, &[exact_cash()])
        .expect_err("line overflow");
    assert!(
        matches!(err, TillError::Cart(CartError::Money(MoneyError::Overflow))),
        "price × quantity overflow: got {err:?}"
    );
    assert_eq!(err.code(), "amount_overflow", "stable error code");
    assert_eq!(t.snapshot(), before, "line overflow: nothing written");

    // Two lines that each fit but whose sum does not.
    let mut cart = t.cart(&[("HUGE", 1)]);
    let discount = t.till.parse_discount("0.01").expect("discount");
    cart.set_line_discount(0, Some(discount)).expect("discount");
    t.till
        .add_to_cart(&mut cart, "HUGE", 1)
        .expect("second line");
    t.till.add_to_cart(&mut cart, "COFFEE", 1).expect("coffee");
    let err = t
        .till
        .checkout(&cart, &[exact_cash()])
        .expect_err("total overflow");
    assert_eq!(err.code(), "amount_overflow", "sum overflow: got {err:?}");
    assert_eq!(t.snapshot(), before, "total overflow: nothing written");
}

#[test]
fn names_with_quotes_sql_and_emoji_are_stored_and_returned_verbatim() {
    let mut t = gbp_shop();
    let names = [
        "Robert'); DROP TABLE products;--",
        "Tea \"Earl\" Grey's Finest",
        "Café ☕ 🍰 crème brûlée",
        "100% _wild_ \\ honey",
    ];
    for (i, name) in names.iter().enumerate() {
        let code = format!("ODD-{i}");
        let p = t.add_product(&code, name, "1.00", "standard", 5);
        assert_eq!(&p.name, name, "add_product returns the name verbatim");
        assert_eq!(
            &t.till.product(&code).expect("product").name,
            name,
            "stored verbatim"
        );
        let c = t.add_customer(name);
        assert_eq!(&c.name, name, "add_customer returns the name verbatim");
        assert_eq!(
            &t.till.customer(c.id).expect("customer").name,
            name,
            "stored verbatim"
        );
    }
    assert_eq!(
        t.till.product_count().expect("count"),
        5 + 4,
        "the products table survived"
    );

    let found = t
        .till
        .find_products("Robert'); DROP", 10)
        .expect("search with SQL in it");
    assert!(
        found.iter().any(|p| p.name == names[0]),
        "search finds it: {found:?}"
    );
    let found = t
        .till
        .find_products("Café", 10)
        .expect("search with accents");
    assert!(
        found.iter().any(|p| p.name == names[2]),
        "search finds accented names: {found:?}"
    );

    let like = t
        .till
        .customers(Some("%"), 10)
        .expect("search for a percent sign");
    let hits: Vec<&str> = like.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(hits, vec![names[3]], "'%' is a literal, not a wildcard");
    let like = t.till.customers(Some("DROP TABLE"), 10).expect("search");
    assert_eq!(like.len(), 1, "SQL-looking text is just text");

    let cart = t.cart(&[("ODD-0", 1), ("ODD-2", 2)]);
    let o = t
        .till
        .checkout(&cart, &[exact_cash()])
        .expect("sale of odd names");
    let sold: Vec<&str> = o.lines.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(
        sold,
        vec![names[0], names[2]],
        "receipt lines keep the names verbatim"
    );

    let empty = t
        .till
        .add_customer(&NewCustomer {
            name: "   ".into(),
            email: None,
            phone: None,
        })
        .expect_err("blank name");
    assert!(matches!(empty, TillError::Invalid { .. }), "{empty:?}");
}

#[test]
fn a_tax_rate_and_an_order_status_are_read_once_for_both_doors_naming_the_field() {
    let mut t = gbp_shop();
    let field_of = |e: TillError| match e {
        TillError::Invalid { field, .. } => field,
        other => panic!("expected a refusal naming a field, got {other:?}"),
    };
    let e = t
        .till
        .change_tax_rate("odd", "12.345")
        .expect_err("3 decimals");
    assert_eq!(field_of(e), "percent");
    let e = t.till.change_tax_rate("", "20").expect_err("no name");
    assert_eq!(field_of(e), "name");
    let shop = t.till.change_tax_rate("luxury", "25").expect("a good rate");
    assert!(shop.tax_rates.iter().any(|r| r.name == "luxury"));

    assert_eq!(
        versapos_till::parse_order_status("payment_pending", "status").expect("known"),
        versapos_core::OrderStatus::PaymentPending
    );
    let e = versapos_till::parse_order_status("bogus", "status").expect_err("unknown");
    let message = e.to_string();
    assert!(
        message.starts_with("status: 'bogus': expected one of open, payment_pending"),
        "{message}"
    );

    // Someone who may not change the settings hears that, not what is wrong with the rate.
    t.add_the_staff();
    t.till.sign_in("Sam", "1111").expect("cashier");
    let e = t
        .till
        .change_tax_rate("odd", "12.345")
        .expect_err("a cashier");
    assert!(matches!(e, TillError::NotPermitted { .. }), "{e:?}");
}
