//! Cash sales end to end, in tax-inclusive and tax-exclusive shops and in currencies with 0, 2
//! and 3 decimals.

use crate::support::{exact_cash, gbp_shop, shop, shop_with_rates};
use versapos_core::{Money, TaxMode, TenderError, TenderRequest};
use versapos_till::TillError;

/// (name, basis points, net, tax, gross) of each row of an order's tax breakdown.
fn breakdown(o: &versapos_till::OrderView) -> Vec<(String, u32, i64, i64, i64)> {
    o.tax_breakdown
        .iter()
        .map(|b| (b.name.clone(), b.basis_points, b.net, b.tax, b.gross))
        .collect()
}

#[test]
fn cash_sale_records_totals_change_tax_breakdown_stock_and_rounding_rule() {
    let mut t = gbp_shop();
    // COFFEE is scanned by its barcode; the others are typed by SKU.
    let cart = t.cart(&[("5012345678900", 1), ("MILK", 2), ("BOOK", 1)]);
    let o = t
        .till
        .checkout(&cart, &[t.cash("30.00")])
        .expect("cash sale");

    assert_eq!(o.status, "paid", "a cash sale is paid at once");
    assert_eq!(
        (o.currency.as_str(), o.tax_mode.as_str()),
        ("GBP", "inclusive")
    );
    assert_eq!(
        o.total,
        1200 + 420 + 899,
        "total is the sum of the shelf prices"
    );
    assert_eq!(o.subtotal, 2519, "inclusive subtotal is the shelf prices");
    assert_eq!(o.discount_total, 0, "no discounts given");
    assert_eq!(
        o.tax,
        200 + 20,
        "20% of 12.00 incl. is 2.00; 5% of 4.20 incl. is 0.20"
    );
    assert_eq!(o.change, 3000 - 2519, "change due from 30.00");
    assert_eq!(o.paid, 2519, "what the order was paid (before change)");
    assert_eq!(o.cash_rounding, 0, "no cash rounding by default");
    assert_eq!(
        o.rounding_rule, "half_up_per_line",
        "the rounding rule is on the order"
    );
    assert_eq!(
        t.text(&format!(
            "SELECT rounding_rule FROM orders WHERE id = '{}'",
            o.id
        ))
        .as_deref(),
        Some("half_up_per_line"),
        "the rounding rule is stored in the orders table"
    );
    assert_eq!(
        (o.number, o.receipt.as_str()),
        (Some(1), "T1-000001"),
        "first receipt of till T1"
    );

    assert_eq!(o.payments.len(), 1, "one cash payment");
    let p = &o.payments[0];
    assert_eq!(
        (
            p.tender.as_str(),
            p.status.as_str(),
            p.amount,
            p.tendered,
            p.change
        ),
        ("cash", "succeeded", 2519, Some(3000), 481),
        "the cash payment records what was handed over and the change"
    );
    assert_eq!(
        breakdown(&o),
        vec![
            ("standard".to_string(), 2000, 1000, 200, 1200),
            ("reduced".to_string(), 500, 400, 20, 420),
            ("zero".to_string(), 0, 899, 0, 899),
        ],
        "one tax row per rate, in the order the rates first appear"
    );
    let lines: Vec<(&str, i64, i64)> = o
        .lines
        .iter()
        .map(|l| (l.sku.as_str(), l.quantity, l.gross))
        .collect();
    assert_eq!(
        lines,
        vec![("COFFEE", 1, 1200), ("MILK", 2, 420), ("BOOK", 1, 899)]
    );

    assert_eq!(t.stock("COFFEE"), 19, "coffee stock went down by 1");
    assert_eq!(t.stock("MILK"), 28, "milk stock went down by 2");
    assert_eq!(t.stock("BOOK"), 9, "book stock went down by 1");
    assert_eq!(t.stock("SWEET"), 1000, "products not sold keep their stock");

    let reread = t.till.order("T1-000001").expect("order by receipt label");
    assert_eq!(
        (reread.id, reread.total, reread.tax),
        (o.id, o.total, o.tax),
        "stored as shown"
    );
}

#[test]
fn receipt_numbers_are_gapless_even_when_a_checkout_fails() {
    let mut t = gbp_shop();
    let first = t.cash_sale(&[("COFFEE", 1)]);
    let cart = t.cart(&[("BOOK", 1)]);
    let short = t
        .till
        .checkout(&cart, &[t.cash("1.00")])
        .expect_err("1.00 does not pay 8.99");
    assert!(
        matches!(
            short,
            TillError::Tender(TenderError::InsufficientTender { .. })
        ),
        "{short:?}"
    );
    let second = t.cash_sale(&[("MILK", 1)]);
    let third = t.cash_sale(&[("BOOK", 1)]);

    assert_eq!(
        [first.number, second.number, third.number],
        [Some(1), Some(2), Some(3)],
        "a failed checkout does not use up a receipt number"
    );
    assert_eq!(
        [
            first.receipt.as_str(),
            second.receipt.as_str(),
            third.receipt.as_str()
        ],
        ["T1-000001", "T1-000002", "T1-000003"]
    );
    assert_eq!(
        t.scalar("SELECT last_number FROM receipt_counters WHERE till_id = 'T1'"),
        3
    );
    assert_eq!(
        t.till.order("2").expect("order by number").id,
        second.id,
        "lookup by number"
    );
    assert_eq!(
        t.till.orders(None, 10, 0).expect("list").len(),
        3,
        "three orders, no more"
    );
}

#[test]
fn tax_exclusive_usd_sale_adds_tax_per_line_rounded_half_up() {
    let mut t = shop("USD", TaxMode::Exclusive);
    t.add_product("WIDGET", "Widget", "10.00", "standard", 10);
    t.add_product("BOLT", "Bolt", "0.13", "standard", 10);
    t.add_product("SNACK", "Snack", "0.50", "reduced", 10);
    let cart = t.cart(&[("WIDGET", 3), ("BOLT", 1), ("SNACK", 1)]);
    let o = t
        .till
        .checkout(&cart, &[t.cash("40.00")])
        .expect("USD sale");

    assert_eq!(
        o.subtotal,
        3000 + 13 + 50,
        "exclusive subtotal is before tax"
    );
    // 20% of 30.00 = 6.00; 20% of 0.13 = 0.026 → 0.03; 5% of 0.50 = 0.025 → 0.03 (half up).
    assert_eq!(o.tax, 600 + 3 + 3, "tax per line, half up");
    assert_eq!(o.total, 3063 + 606, "exclusive total adds the tax");
    assert_eq!(o.change, 4000 - 3669, "change from 40.00");
    assert_eq!(o.tax_mode, "exclusive");
    assert_eq!(
        breakdown(&o),
        vec![
            ("standard".to_string(), 2000, 3013, 603, 3616),
            ("reduced".to_string(), 500, 50, 3, 53),
        ],
        "breakdown of an exclusive sale"
    );
}

#[test]
fn jpy_sale_is_in_whole_yen() {
    let mut t = shop_with_rates(
        "JPY",
        TaxMode::Inclusive,
        &[("standard", 1000), ("reduced", 800)],
    );
    t.add_product("RAMEN", "Ramen Bowl", "1200", "standard", 10);
    t.add_product("ONIGIRI", "Onigiri", "150", "reduced", 10);
    assert!(
        Money::parse("1.5", t.currency()).is_err(),
        "yen have no decimals"
    );
    let cart = t.cart(&[("RAMEN", 1), ("ONIGIRI", 3)]);
    let o = t.till.checkout(&cart, &[t.cash("2000")]).expect("JPY sale");

    assert_eq!(o.currency, "JPY");
    assert_eq!(o.total, 1650, "1200 + 3 × 150 yen");
    // 1200 × 10/110 = 109.09 → 109; 450 × 8/108 = 33.33 → 33.
    assert_eq!(o.tax, 109 + 33, "tax in whole yen");
    assert_eq!(o.change, 350, "change from 2000 yen");
    assert_eq!(
        Money::from_minor(o.total, t.currency()).to_major_string(),
        "1650"
    );
}

#[test]
fn kwd_sale_is_in_fils_with_three_decimals() {
    let mut t = shop("KWD", TaxMode::Inclusive);
    t.add_product("DATES", "Dates 500g", "1.250", "standard", 10);
    t.add_product("SAFFRON", "Saffron", "2.005", "zero", 10);
    assert_eq!(t.money("1.25").minor(), 1250, "1.25 KWD is 1250 fils");
    let cart = t.cart(&[("DATES", 3), ("SAFFRON", 1)]);
    let o = t
        .till
        .checkout(&cart, &[t.cash("10.000")])
        .expect("KWD sale");

    assert_eq!(o.currency, "KWD");
    assert_eq!(o.total, 3750 + 2005, "3 × 1.250 + 2.005 in fils");
    assert_eq!(o.tax, 625, "20% incl. of 3.750 is 0.625");
    assert_eq!(o.change, 10_000 - 5755, "change from 10.000");
    assert_eq!(
        Money::from_minor(o.total, t.currency()).to_major_string(),
        "5.755"
    );
    assert_eq!(t.stock("DATES"), 7, "stock moves in KWD shops too");
    let cart = t.cart(&[("SAFFRON", 1)]);
    let exact = t.till.checkout(&cart, &[exact_cash()]).expect("exact cash");
    assert_eq!(
        (exact.paid, exact.change),
        (2005, 0),
        "exact cash: no change"
    );
}

/// A checkout hands back its receipt from the values it has just written instead of reading its
/// order again: whatever the sale, it is exactly the order as it reads back afterwards.
#[test]
fn a_checkouts_receipt_is_exactly_the_order_as_it_reads_back() {
    let mut t = gbp_shop();
    t.till
        .set_setting("cash-rounding", "0.05")
        .expect("cash rounding");
    let vip = t.customer_with_points("Vera", 300);
    t.add_the_staff();
    t.till.sign_in("Morgan", "2222").expect("a manager sells");

    let mut discounted = t.cart(&[("COFFEE", 2), ("MILK", 3), ("BOOK", 1)]);
    t.till
        .set_line_discount(&mut discounted, 1, Some("10%"))
        .expect("line discount");
    t.till
        .set_order_discount(&mut discounted, Some("1.00"))
        .expect("order discount");
    let mut repriced = t.cart(&[("MILK", 1), ("SWEET", 7)]);
    t.till
        .override_price(&mut repriced, 0, "1.99")
        .expect("another price");
    let sales = vec![
        (
            "cash with change",
            t.cart(&[("COFFEE", 1)]),
            vec![t.cash("20.00")],
        ),
        (
            "three tax rates, exact cash",
            t.cart(&[("COFFEE", 2), ("MILK", 1), ("BOOK", 1)]),
            vec![exact_cash()],
        ),
        (
            "line and order discounts",
            discounted,
            vec![t.cash("50.00")],
        ),
        (
            "another price, cash rounded",
            repriced,
            vec![t.cash("5.00")],
        ),
        (
            "a VIP earning points",
            t.cart_for(vip.id, &[("COFFEE", 1), ("MILK", 2)]),
            vec![exact_cash()],
        ),
        (
            "a VIP paying with points and cash",
            t.cart_for(vip.id, &[("BOOK", 2)]),
            vec![TenderRequest::Points { points: 200 }, t.cash("20.00")],
        ),
    ];
    for (what, cart, tenders) in sales {
        let sold = t.till.checkout(&cart, &tenders).expect(what);
        let read = t.till.order(&sold.id).expect("the order reads back");
        assert_eq!(
            serde_json::to_value(&sold).expect("as JSON"),
            serde_json::to_value(&read).expect("as JSON"),
            "{what}: the receipt handed back is the order as stored"
        );
    }
}
