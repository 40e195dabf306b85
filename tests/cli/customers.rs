//! `versapos customers`: enrolling with checked details, the points balance after earning
//! and spending, and VIP cards linked, found, blocked and replaced.

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

/// `customers find-card --json UID`: exit code and the parsed `card`.
fn find_card(till: &Till, uid: &str) -> (Option<i32>, serde_json::Value) {
    let r = till.run(&["--json", "customers", "find-card", uid]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| {
        panic!(
            "find-card {uid} prints JSON ({e}): {}\n{}",
            r.stdout, r.stderr
        )
    });
    (r.code, v["card"].clone())
}

#[test]
fn vip_cards_are_linked_found_blocked_and_replaced_with_the_points_kept() {
    let till = Till::gbp_with_catalog();
    let ann = int(
        &till.json(&[
            "customers",
            "add",
            "--name",
            "Ann Lee",
            "--card",
            "04 a1 b2 c3",
        ])["customer"],
        "id",
    );
    let ben = till.add_customer("Ben Ode");
    let (ann_id, ben_id) = (ann.to_string(), ben.to_string());
    till.json(&[
        "sale",
        "--item",
        "TEA:4",
        "--customer",
        &ann_id,
        "--pay",
        "cash",
    ]);
    let points = till.points(ann);
    assert!(points > 0, "Ann earned points: {points}");

    let (code, card) = find_card(&till, "04A1B2C3");
    assert_eq!(code, Some(0), "a VIP's card is found: {card}");
    assert_eq!(text(&card, "kind"), "vip");
    assert_eq!(text(&card, "name"), "Ann Lee");
    assert_eq!(int(&card, "points_balance"), points);
    let plain = till.ok(&["customers", "find-card", "04:A1:B2:C3"]);
    assert!(plain.contains("Ann Lee"), "{plain}");
    let (code, card) = find_card(&till, "0BADCAFE");
    assert_eq!(code, Some(1), "an unknown card exits 1");
    assert_eq!(text(&card, "kind"), "unknown");

    // Bad input names the field and exits 2.
    let r = till.refused(&["customers", "link-card", &ben_id, "not-a-uid"]);
    assert!(r.message.starts_with("uid"), "{}", r.message);
    let r = till.refused(&["customers", "find-card", "123"]);
    assert!(r.message.starts_with("uid"), "{}", r.message);
    let r = till.refused(&["customers", "link-card", &ben_id, "04A1B2C3"]);
    assert_eq!(r.code, "card_in_use", "{}", r.message);
    assert!(r.message.starts_with("uid"), "{}", r.message);
    let r = till.refused(&["customers", "link-card", "999", "0A0B0C0D"]);
    assert_eq!(r.code, "unknown_customer", "{}", r.message);

    let linked = till.json(&["customers", "link-card", &ben_id, "0a0b0c0d"]);
    assert_eq!(text(&linked["customer"], "card_uid"), "0A0B0C0D");
    till.json(&["customers", "link-card", &ben_id, "0A0B0C0D"]);

    // Ben loses his card: blocked, it finds nobody and can never be linked again.
    let blocked = till.json(&["customers", "block-card", "0A0B0C0D", "--reason", "lost"]);
    assert_eq!(int(&blocked["blocked"], "customer_id"), ben);
    assert_eq!(text(&blocked["blocked"], "reason"), "lost");
    let (code, card) = find_card(&till, "0A0B0C0D");
    assert_eq!(code, Some(1), "a blocked card exits 1");
    assert_eq!(text(&card, "kind"), "blocked");
    assert!(card.get("name").is_none(), "it names nobody: {card}");
    let r = till.refused(&["customers", "link-card", &ben_id, "0A0B0C0D"]);
    assert_eq!(r.code, "card_blocked", "{}", r.message);
    assert!(r.message.starts_with("uid"), "{}", r.message);

    // Ann's card is replaced: the old one blocked, the new one hers with her points.
    let r = till.refused(&["customers", "replace-card", "04A1B2C3", "0A0B0C0D"]);
    assert_eq!(r.code, "card_blocked", "{}", r.message);
    assert!(r.message.starts_with("new_uid"), "{}", r.message);
    let replaced = till.json(&["customers", "replace-card", "04A1B2C3", "11223344"]);
    assert_eq!(int(&replaced["customer"], "id"), ann);
    assert_eq!(text(&replaced["customer"], "card_uid"), "11223344");
    let (code, card) = find_card(&till, "11223344");
    assert_eq!(code, Some(0));
    assert_eq!(
        int(&card, "points_balance"),
        points,
        "the points moved with Ann"
    );
    assert_eq!(
        find_card(&till, "04A1B2C3").0,
        Some(1),
        "the old card is blocked"
    );
    let verified = till.json(&["journal", "verify"]);
    assert_eq!(verified["ok"], serde_json::Value::Bool(true), "{verified}");
}

#[test]
fn a_cashier_links_cards_but_blocking_and_replacing_them_needs_a_manager() {
    let till = Till::gbp();
    till.add_the_staff();
    till.as_staff(Some(("Sam", "1111")));
    let id = till.add_customer("Cleo Park").to_string();
    till.json(&["customers", "link-card", &id, "04A1B2C3"]);
    for args in [
        vec!["customers", "block-card", "04A1B2C3"],
        vec!["customers", "replace-card", "04A1B2C3", "0A0B0C0D"],
    ] {
        let r = till.refused(&args);
        assert_eq!(r.code, "not_permitted", "{args:?}");
        assert!(
            r.message
                .contains("may not block or replace a VIP card. A manager or an admin may."),
            "{args:?}: {}",
            r.message
        );
    }
    assert_eq!(find_card(&till, "04A1B2C3").0, Some(0), "still Cleo's");
    till.as_staff(Some(("Morgan", "2222")));
    let blocked = till.json(&["customers", "block-card", "04A1B2C3"]);
    assert_eq!(text(&blocked["blocked"], "blocked_by"), "Morgan");
}

/// At the command line: edit, merge and erase, with bad input refused (exit 2) and nothing lost.
#[test]
fn customers_are_edited_merged_and_erased_at_the_command_line() {
    let till = Till::gbp_with_catalog();
    let id = |v: serde_json::Value| v["customer"]["id"].as_i64().expect("id").to_string();
    let ann = id(till.json(&["customers", "add", "--name", "Ann Le"]));
    let twin = id(till.json(&[
        "customers",
        "add",
        "--name",
        "Ann Lee",
        "--card",
        "04A1B2C3",
    ]));
    let edited = till.json(&[
        "customers",
        "edit",
        &ann,
        "--name",
        "Ann Lee",
        "--email",
        "ann@example.com",
    ]);
    assert_eq!(edited["customer"]["name"], "Ann Lee");
    let nothing = till.refused(&["customers", "edit", &ann]);
    assert!(
        nothing.message.contains("nothing to change"),
        "{}",
        nothing.message
    );
    let bad = till.refused(&["customers", "edit", &ann, "--email", "nope"]);
    assert_eq!(bad.code, "invalid_input", "{}", bad.message);
    let merged = till.json(&["customers", "merge", &ann, &twin]);
    assert_eq!(merged["customer"]["card_uid"], "04A1B2C3");
    let refused = till.refused(&["customers", "merge", &ann, &twin]);
    assert_eq!(refused.code, "invalid_input", "{}", refused.message);
    let r = till.refused(&["customers", "erase", &ann]);
    assert!(r.message.contains("--yes"), "{}", r.message);
    assert_eq!(
        till.json(&["customers", "show", &ann])["customer"]["name"],
        "Ann Lee"
    );
    let erased = till.json(&["customers", "erase", &ann, "--yes"]);
    assert_eq!(erased["customer"]["name"], format!("Erased customer {ann}"));
    assert_eq!(erased["customer"]["email"], serde_json::Value::Null);
}
