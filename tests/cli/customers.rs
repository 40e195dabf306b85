//! `versapos customers`: enrolling with checked details, and the points balance after earning
//! and spending.

use crate::support::{array, int, text, Till};

#[test]
fn customers_add_keeps_a_unicode_name_and_refuses_bad_email_or_phone() {
    let till = Till::gbp();
    let name = "Zoë O'Brien 🎉";
    let added = till.json(&[
        "customers",
        "add",
        "--name",
        name,
        "--email",
        "zoe.obrien@example.com",
        "--phone",
        "+44 7700 900123",
    ]);
    let c = &added["customer"];
    assert_eq!(text(c, "name"), name, "the name is kept verbatim");
    assert_eq!(text(c, "email"), "zoe.obrien@example.com");
    assert_eq!(text(c, "phone"), "+44 7700 900123");
    assert_eq!(int(c, "points_balance"), 0, "a new customer has no points");
    let id = int(c, "id").to_string();
    let shown = till.ok(&["customers", "show", &id]);
    assert!(
        shown.starts_with(&format!("{id}  {name}\n")),
        "`customers show` prints the name verbatim:\n{shown}"
    );

    for (flag, value) in [
        ("--email", "zoe-at-example.com"),
        ("--email", "zoe@example"),
        ("--email", "zoe @example.com"),
        ("--phone", "call me"),
        ("--phone", "123"),
    ] {
        let r = till.refused(&["customers", "add", "--name", "Someone", flag, value]);
        let field = flag.trim_start_matches("--");
        assert!(
            r.message.starts_with(field) && r.message.contains(value),
            "`customers add {flag} {value:?}` is refused naming {field} and the value: {}",
            r.message
        );
    }
    let r = till.refused(&["customers", "add", "--name", "  "]);
    assert!(r.message.starts_with("name"), "{}", r.message);
    let all = till.json(&["customers", "list"]);
    assert_eq!(
        array(&all, "customers").len(),
        1,
        "refused customers are not enrolled: {all}"
    );
    let unknown = till.refused(&["customers", "show", "999"]);
    assert_eq!(unknown.code, "unknown_customer", "{}", unknown.message);
}

#[test]
fn points_are_earned_per_whole_pound_paid_and_spent_with_pay_points() {
    let till = Till::gbp_with_catalog();
    let id = till.add_customer("Zoë O'Brien 🎉");
    let cid = id.to_string();
    // 5 × 2.49 + 1.35 = 13.80 in cash: 13 points (fractions of a pound earn nothing).
    let first = till.json(&[
        "sale",
        "--item",
        "TEA:5",
        "--item",
        "BUN",
        "--customer",
        &cid,
        "--pay",
        "cash:20.00",
    ]);
    assert_eq!(int(&first, "total"), 1380);
    assert_eq!(first["customer_id"].as_i64(), Some(id));
    assert_eq!(int(&first, "points_earned"), 13);
    let shown = till.json(&["customers", "show", &cid]);
    assert_eq!(int(&shown["customer"], "points_balance"), 13);
    let ledger: Vec<(&str, i64, i64)> = array(&shown, "points")
        .iter()
        .map(|e| (text(e, "kind"), int(e, "points"), int(e, "balance_after")))
        .collect();
    assert_eq!(ledger, [("earn", 13, 13)], "the ledger shows the earning");

    // 5 points are worth 0.05 (100 points = 1.00); the other 2.44 in cash earns 2.
    let second = till.json(&[
        "sale",
        "--item",
        "TEA",
        "--customer",
        &cid,
        "--pay",
        "points:5",
        "--pay",
        "cash",
    ]);
    let paid: Vec<(&str, i64, i64)> = array(&second, "payments")
        .iter()
        .map(|p| (text(p, "tender"), int(p, "amount"), int(p, "points")))
        .collect();
    assert_eq!(paid, [("points", 5, 5), ("cash", 244, 0)]);
    assert_eq!(int(&second, "points_redeemed"), 5);
    assert_eq!(int(&second, "points_earned"), 2, "only money earns points");
    assert_eq!(till.points(id), 13 - 5 + 2);

    // A sale paid wholly in points earns nothing.
    let third = till.json(&[
        "sale",
        "--item",
        "CHEW",
        "--customer",
        &cid,
        "--pay",
        "points:5",
    ]);
    assert_eq!(int(&third, "points_redeemed"), 5);
    assert_eq!(int(&third, "points_earned"), 0);
    let shown = till.json(&["customers", "show", &cid]);
    assert_eq!(int(&shown["customer"], "points_balance"), 5);
    let ledger: Vec<(&str, i64, i64)> = array(&shown, "points")
        .iter()
        .map(|e| (text(e, "kind"), int(e, "points"), int(e, "balance_after")))
        .collect();
    assert_eq!(
        ledger,
        [
            ("earn", 13, 13),
            ("redeem", -5, 8),
            ("earn", 2, 10),
            ("redeem", -5, 5)
        ],
        "every earning and redemption, with the running balance"
    );
    let plain = till.ok(&["customers", "show", &cid]);
    assert!(
        plain.contains("points  5\n"),
        "plain `customers show` prints the balance:\n{plain}"
    );
}
