//! `versapos sale`, `park`, `parked` and `resume`: what a receipt holds, gapless numbers, and
//! refused sales that leave no trace.

use crate::support::{array, int, text, Till};
use serde_json::Value;

const AMOUNT_FIELDS: [&str; 10] = [
    "subtotal",
    "discount_total",
    "tax",
    "total",
    "cash_rounding",
    "paid",
    "change",
    "points_earned",
    "points_redeemed",
    "number",
];

#[test]
fn a_cash_sale_prints_the_order_as_json_in_minor_units_with_change() {
    let till = Till::gbp_with_catalog();
    let order = till.json(&[
        "sale",
        "--item",
        "TEA:2",
        "--item",
        "BUN",
        "--pay",
        "cash:10.00",
    ]);
    for key in [
        "id",
        "number",
        "status",
        "currency",
        "total",
        "tax",
        "lines",
        "payments",
        "change",
        "customer_id",
        "points_earned",
    ] {
        assert!(
            order.get(key).is_some(),
            "the order JSON has `{key}`: {order}"
        );
    }
    for key in AMOUNT_FIELDS {
        assert!(
            order[key].is_i64(),
            "`{key}` is an integer (minor units), got {}",
            order[key]
        );
    }
    assert!(!text(&order, "id").is_empty(), "the order has an id");
    assert_eq!(int(&order, "number"), 1, "the first receipt is number 1");
    assert_eq!(text(&order, "status"), "paid");
    assert_eq!(text(&order, "currency"), "GBP");
    // 2 × 2.49 + 1.35; tax included: 4.98 × 20/120 = 0.83 and 1.35 × 5/105 = 0.06.
    assert_eq!(int(&order, "total"), 633, "total in pence");
    assert_eq!(int(&order, "tax"), 89, "tax in pence, rounded per line");
    assert_eq!(
        int(&order, "change"),
        1000 - 633,
        "change = tendered - total"
    );
    assert!(order["customer_id"].is_null(), "no customer on the sale");
    assert_eq!(int(&order, "points_earned"), 0, "no customer, no points");

    let lines = array(&order, "lines");
    let summary: Vec<(&str, i64, i64, i64)> = lines
        .iter()
        .map(|l| {
            (
                text(l, "sku"),
                int(l, "quantity"),
                int(l, "unit_price"),
                int(l, "gross"),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [("TEA", 2, 249, 498), ("BUN", 1, 135, 135)],
        "lines in minor units"
    );
    let payments = array(&order, "payments");
    assert_eq!(payments.len(), 1, "one cash payment: {payments:?}");
    assert_eq!(text(&payments[0], "tender"), "cash");
    assert_eq!(int(&payments[0], "amount"), 633);
    assert_eq!(int(&payments[0], "tendered"), 1000);
    assert_eq!(int(&payments[0], "change"), 367);

    assert_eq!(
        till.json(&["orders", "show", "1"]),
        order,
        "`orders show` prints the order exactly as the sale did"
    );
    assert_eq!(till.stock("TEA"), 8, "stock moved by the quantity sold");
    assert_eq!(till.stock("BUN"), 9);
}

#[test]
fn receipt_numbers_are_gapless_even_around_a_refused_sale() {
    let till = Till::gbp_with_catalog();
    let first = till.json(&["sale", "--item", "TEA", "--pay", "cash"]);
    till.refused(&["sale", "--item", "TEA", "--pay", "cash:0.10"]);
    let second = till.json(&["sale", "--item", "BUN", "--pay", "cash:5"]);
    let third = till.json(&["sale", "--item", "CHEW:3", "--pay", "cash"]);
    let numbers: Vec<i64> = [&first, &second, &third]
        .iter()
        .map(|o| int(o, "number"))
        .collect();
    assert_eq!(numbers, [1, 2, 3], "a refused sale takes no number");
    let receipts: Vec<&str> = [&first, &second, &third]
        .iter()
        .map(|o| text(o, "receipt"))
        .collect();
    assert_eq!(receipts, ["T1-000001", "T1-000002", "T1-000003"]);
    let listed: Vec<String> = array(&till.json(&["orders", "list"]), "orders")
        .iter()
        .map(|o| text(o, "receipt").to_string())
        .collect();
    assert_eq!(
        listed,
        ["T1-000003", "T1-000002", "T1-000001"],
        "orders list, newest first"
    );
}

/// Everything a refused sale must leave as it was.
fn snapshot(till: &Till) -> (Value, Value, Value, Value, i64) {
    let journal = till.json(&["journal", "verify"]);
    (
        till.json(&["orders", "list"]),
        till.json(&["products", "list"]),
        till.json(&["customers", "list"]),
        till.json(&["parked"]),
        int(&journal, "entries"),
    )
}

#[test]
fn bad_sale_input_exits_2_with_a_clear_message_and_writes_nothing() {
    let till = Till::gbp_with_catalog();
    till.ok(&[
        "products",
        "add",
        "--sku",
        "BIG",
        "--name",
        "Very expensive",
        "--price",
        "90000000000000000.00",
        "--stock",
        "5",
    ]);
    let customer_id = till.add_customer("Vic Points");
    let customer = customer_id.to_string();
    // 2 × 2.49 = 4.98 paid: 4 points.
    till.json(&[
        "sale",
        "--item",
        "TEA:2",
        "--customer",
        &customer,
        "--pay",
        "cash",
    ]);
    assert_eq!(till.points(customer_id), 4, "4.98 paid earns 4 points");
    let before = snapshot(&till);

    // (arguments, expected error code, words the message must contain)
    let cases: [(Vec<&str>, &str, Vec<&str>); 12] = [
        (
            vec!["--item", "NOPE", "--pay", "cash"],
            "unknown_product",
            vec!["NOPE"],
        ),
        (
            vec!["--item", "TEA:0", "--pay", "cash"],
            "invalid_input",
            vec!["--item", "TEA:0", "at least 1"],
        ),
        (
            vec!["--item", "TEA:-1", "--pay", "cash"],
            "invalid_input",
            vec!["--item", "TEA:-1", "at least 1"],
        ),
        (
            vec!["--item", "TEA:abc", "--pay", "cash"],
            "invalid_input",
            vec!["--item", "abc", "whole number"],
        ),
        (
            vec!["--item", "TEA", "--pay", "cash:0.10"],
            "insufficient_tender",
            vec!["2.49", "0.10"],
        ),
        (
            vec![
                "--item",
                "TEA",
                "--customer",
                &customer,
                "--pay",
                "points:500",
                "--pay",
                "cash",
            ],
            "not_enough_points",
            vec!["4 points", "500"],
        ),
        (
            vec!["--item", "TEA", "--pay", "points:100", "--pay", "cash"],
            "tender_invalid",
            vec!["customer"],
        ),
        (
            vec!["--item", "BIG:1000", "--pay", "cash"],
            "amount_overflow",
            vec!["overflow"],
        ),
        (
            vec!["--item", "TEA", "--pay", "bitcoin"],
            "invalid_input",
            vec!["--pay", "bitcoin", "unknown tender"],
        ),
        (
            vec!["--item", "TEA", "--pay", "cash:1.00", "--pay", "cash:2.00"],
            "tender_invalid",
            vec!["cash", "once"],
        ),
        (
            vec!["--item", "TEA", "--customer", "99", "--pay", "cash"],
            "unknown_customer",
            vec!["99"],
        ),
        (vec!["--item", "TEA"], "invalid_input", vec!["--pay"]),
    ];
    for (args, code, words) in cases {
        let mut all = vec!["sale"];
        all.extend(args.iter().copied());
        let r = till.refused(&all);
        assert_eq!(
            r.code,
            code,
            "`sale {}`: error code ({})",
            args.join(" "),
            r.message
        );
        for w in words {
            assert!(
                r.message.contains(w),
                "`sale {}`: the message should mention {w:?}: {}",
                args.join(" "),
                r.message
            );
        }
        assert!(
            !r.stderr.contains("panicked"),
            "`sale {}` must not panic: {}",
            args.join(" "),
            r.stderr
        );
        assert_eq!(
            snapshot(&till),
            before,
            "`sale {}` was refused, so no order, stock, points, parked cart or journal entry \
             may change",
            args.join(" ")
        );
    }
}

#[test]
fn park_then_resume_with_cash_completes_the_sale_and_discard_drops_it() {
    let till = Till::gbp_with_catalog();
    let customer = till.add_customer("Parker").to_string();
    let a = int(
        &till.json(&["sale", "--park", "--item", "TEA:2", "--note", "table 4"]),
        "parked",
    );
    let b = int(
        &till.json(&["park", "--item", "BUN", "--customer", &customer]),
        "parked",
    );
    let c = int(&till.json(&["park", "--item", "CHEW"]), "parked");
    let parked = till.json(&["parked"]);
    let listed: Vec<(i64, i64, Option<&str>, Option<i64>)> = array(&parked, "parked")
        .iter()
        .map(|p| {
            (
                int(p, "id"),
                int(p, "lines"),
                p["note"].as_str(),
                p["customer_id"].as_i64(),
            )
        })
        .collect();
    let cid: i64 = customer.parse().expect("customer id is a number");
    assert_eq!(
        listed,
        [
            (a, 1, Some("table 4"), None),
            (b, 1, None, Some(cid)),
            (c, 1, None, None)
        ],
        "`parked` lists each cart with its note and customer"
    );
    assert!(
        array(&till.json(&["orders", "list"]), "orders").is_empty(),
        "parking is not selling"
    );
    assert_eq!(till.stock("TEA"), 10, "parking does not move stock");

    let order = till.json(&["resume", &a.to_string(), "--pay", "cash:5.00"]);
    assert_eq!(text(&order, "status"), "paid");
    assert_eq!(int(&order, "number"), 1);
    assert_eq!(int(&order, "total"), 498);
    assert_eq!(int(&order, "change"), 2, "5.00 - 4.98");
    assert_eq!(till.stock("TEA"), 8, "the resumed sale moves stock");

    let with_customer = till.json(&["resume", &b.to_string(), "--pay", "cash"]);
    assert_eq!(with_customer["customer_id"].as_i64(), Some(cid));
    assert_eq!(
        int(&with_customer, "points_earned"),
        1,
        "1.35 earns 1 point"
    );
    assert_eq!(till.points(cid), 1);

    let discarded = till.json(&["resume", &c.to_string(), "--discard"]);
    assert_eq!(discarded["discarded"].as_i64(), Some(c));
    assert!(
        array(&till.json(&["parked"]), "parked").is_empty(),
        "resumed and discarded carts are gone from `parked`"
    );
    assert_eq!(till.stock("CHEW"), 10, "a discarded cart moves no stock");
    assert_eq!(till.orders().len(), 2, "two sales, nothing for the discard");

    for gone in [a, c] {
        let r = till.refused(&["resume", &gone.to_string(), "--pay", "cash"]);
        assert_eq!(
            r.code, "unknown_parked_cart",
            "cart {gone} cannot be resumed twice: {}",
            r.message
        );
    }
    assert_eq!(till.orders().len(), 2, "no order from a refused resume");
}

#[test]
fn text_output_writes_times_the_shops_way_and_json_keeps_the_stored_form() {
    let till = Till::gbp_with_catalog();
    let sale = till.json(&["sale", "--item", "TEA", "--pay", "cash"]);
    let stored = text(&sale, "created_at").to_string();
    let listed = till.ok(&["orders", "list"]);
    assert!(
        !listed.contains(&stored),
        "no machine timestamp in the text: {listed}"
    );
    // With no locale set: day before month, the month in words ("Fri 14 Mar 2025 10:15").
    let plain = versapos_core::text::time_in(&stored, None);
    assert!(listed.contains(&plain), "{plain} in {listed}");

    till.ok(&["settings", "set", "locale", "de-DE"]);
    let shown = till.ok(&["orders", "show", "T1-000001"]);
    let german = versapos_core::text::time_in(&stored, Some("de-DE"));
    assert_ne!(german, plain);
    assert!(shown.contains(&german), "the German way, {german}: {shown}");
    let json = till.json(&["orders", "show", "T1-000001"]);
    assert_eq!(
        text(&json, "created_at"),
        stored,
        "JSON keeps the stored form"
    );
}

#[test]
fn the_shops_time_zone_is_set_by_name_and_a_wrong_one_exits_2_naming_it() {
    let till = Till::gbp_with_catalog();
    let shop = till.json(&["settings", "set", "time-zone", "america/new_york"]);
    assert_eq!(text(&shop, "time_zone"), "America/New_York", "{shop}");
    let refused = till.refused(&["settings", "set", "time-zone", "Atlantis/Lost"]);
    assert!(
        refused.message.contains("time-zone")
            && refused
                .message
                .contains("'Atlantis/Lost' is not a time zone"),
        "{}",
        refused.message
    );
    let kept = till.json(&["settings", "show"]);
    assert_eq!(
        text(&kept, "time_zone"),
        "America/New_York",
        "nothing changed"
    );
}
