//! `versapos refund`: by line with restock, by amount, whole; never more than was paid; and the
//! VIP points earned on the sale taken back.

use crate::support::{array, int, text, Till};

/// A shop, a VIP customer, and their sale: TEA × 3 and BUN × 2 = 10.17 paid in cash, which
/// earns 10 points. Returns the till, the customer's id and the order's id.
fn sold() -> (Till, i64, String) {
    let till = Till::gbp_with_catalog();
    let customer = till.add_customer("Vera Important");
    let order = till.json(&[
        "sale",
        "--item",
        "TEA:3",
        "--item",
        "BUN:2",
        "--customer",
        &customer.to_string(),
        "--pay",
        "cash:20.00",
    ]);
    assert_eq!(int(&order, "total"), 1017);
    assert_eq!(
        int(&order, "points_earned"),
        10,
        "10.17 paid earns 10 points"
    );
    assert_eq!(till.points(customer), 10);
    (till, customer, text(&order, "id").to_string())
}

#[test]
fn a_line_refund_with_restock_puts_stock_back_and_takes_back_points_in_proportion() {
    let (till, customer, order_id) = sold();
    assert_eq!(till.stock("TEA"), 7);
    let refund = till.json(&["refund", "T1-000001", "--line", "TEA:1", "--restock"]);
    assert_eq!(text(&refund, "order_id"), order_id);
    assert_eq!(int(&refund, "amount"), 249, "one tea back");
    assert_eq!(
        int(&refund, "tax"),
        42,
        "a third of the line's 1.25 tax, half up"
    );
    assert_eq!(text(&refund, "order_status"), "partially_refunded");
    assert_eq!(refund["restock"].as_bool(), Some(true));
    let tenders = array(&refund, "tenders");
    assert_eq!(tenders.len(), 1, "back to the one cash payment");
    assert_eq!(text(&tenders[0], "tender"), "cash");
    assert_eq!(int(&tenders[0], "paid_out"), 249);
    // 10 points × 2.49 / 10.17 = 2.45: 2 points go back.
    assert_eq!(int(&refund, "points_reversed"), 2);
    assert_eq!(till.points(customer), 8, "10 earned - 2 reversed");
    assert_eq!(
        till.stock("TEA"),
        8,
        "--restock puts the tea back on the shelf"
    );
    assert_eq!(till.stock("BUN"), 8, "nothing else moves");

    let order = till.json(&["orders", "show", &order_id]);
    assert_eq!(int(&order, "refunded_total"), 249);
    assert_eq!(int(&array(&order, "lines")[0], "refunded_quantity"), 1);
    assert_eq!(text(&order, "status"), "partially_refunded");
}

#[test]
fn an_amount_refund_then_a_whole_refund_give_back_exactly_what_was_paid() {
    let (till, customer, order_id) = sold();
    let amount = till.json(&["refund", "1", "--amount", "1.00"]);
    assert_eq!(int(&amount, "amount"), 100);
    assert_eq!(text(&amount, "order_status"), "partially_refunded");
    assert_eq!(till.stock("TEA"), 7, "an amount refund returns no goods");
    assert_eq!(till.points(customer), 9, "1.00 of 10.17 takes back 1 point");

    let whole = till.json(&["refund", &order_id]);
    assert_eq!(int(&whole, "amount"), 1017 - 100, "the rest of the order");
    assert_eq!(text(&whole, "order_status"), "refunded");
    assert_eq!(till.points(customer), 0, "every earned point is taken back");
    assert_eq!(till.stock("TEA"), 7, "no --restock: stock stays");

    let order = till.json(&["orders", "show", &order_id]);
    assert_eq!(
        int(&order, "refunded_total"),
        int(&order, "total"),
        "refunded in full"
    );
    let refunds: i64 = array(&order, "refunds")
        .iter()
        .map(|r| int(r, "amount"))
        .sum();
    assert_eq!(refunds, 1017, "the refunds add up to what was paid");
    assert_eq!(int(&order, "points_reversed"), 10);

    let again = till.refused(&["refund", &order_id, "--amount", "0.01"]);
    assert_eq!(again.code, "wrong_state", "{}", again.message);
    assert!(again.message.contains("refunded"), "{}", again.message);
}

#[test]
fn refunding_more_than_was_paid_exits_2_and_changes_nothing() {
    let (till, customer, order_id) = sold();
    till.json(&["refund", &order_id, "--amount", "10.00"]);
    let before = till.json(&["orders", "show", &order_id]);
    let cases: [(Vec<&str>, &str, &str); 6] = [
        (vec!["--amount", "0.18"], "refund_exceeds_paid", "0.17"),
        (vec!["--amount", "100.00"], "refund_exceeds_paid", "100.00"),
        (vec!["--line", "TEA:4"], "refund_invalid", "TEA"),
        (vec!["--line", "COFFEE:1"], "refund_invalid", "COFFEE"),
        (vec!["--amount", "-1.00"], "refund_invalid", "positive"),
        (
            vec!["--amount", "0.01", "--restock"],
            "invalid_input",
            "restock",
        ),
    ];
    for (args, code, word) in cases {
        let mut all = vec!["refund", order_id.as_str()];
        all.extend(args.iter().copied());
        let r = till.refused(&all);
        assert_eq!(r.code, code, "`refund {}`: {}", args.join(" "), r.message);
        assert!(
            r.message.contains(word),
            "`refund {}`: the message mentions {word:?}: {}",
            args.join(" "),
            r.message
        );
        assert_eq!(
            till.json(&["orders", "show", &order_id]),
            before,
            "`refund {}` was refused: the order is unchanged",
            args.join(" ")
        );
        assert_eq!(till.points(customer), 0, "points unchanged");
        assert_eq!(till.stock("TEA"), 7, "stock unchanged");
    }
    let unknown = till.refused(&["refund", "T1-000099"]);
    assert_eq!(unknown.code, "unknown_order", "{}", unknown.message);
    let journal = till.json(&["journal", "verify"]);
    assert_eq!(
        journal["ok"].as_bool(),
        Some(true),
        "refused refunds leave the journal intact: {journal}"
    );
}

/// Stripe test mode against the in-repo fake Stripe: `versapos refund` of a card sale gives
/// the card part back through Stripe, exactly once, and books the refund only then.
mod by_card {
    use crate::support::{array, int, text, Till};
    use versapos_stripe_fake::{FakeStripe, TEST_KEY};

    /// The environment of a till in Stripe test mode against the fake at `api`.
    fn test_mode(api: &str) -> [(&'static str, &str); 2] {
        [
            ("VERSAPOS_STRIPE_KEY", TEST_KEY),
            ("VERSAPOS_STRIPE_API", api),
        ]
    }

    /// A till that sold two teas by card through the fake: the till and the order's id.
    fn card_sale(fake: &FakeStripe) -> (Till, String) {
        let till = Till::gbp_with_catalog();
        let order = till.json_with_env(
            &test_mode(&fake.url()),
            &[
                "sale",
                "--item",
                "TEA:2",
                "--pay",
                "card",
                "--test-card",
                "approved",
            ],
        );
        assert_eq!(text(&order, "status"), "paid", "{order}");
        (till, text(&order, "id").to_string())
    }

    fn refunded_at_stripe(fake: &FakeStripe) -> i64 {
        fake.with_sim(|s| s.intents().iter().map(|i| i.amount_refunded).sum())
    }

    #[test]
    fn a_card_sale_is_refunded_on_the_card_once() {
        let fake = FakeStripe::start();
        let api = fake.url();
        let env = test_mode(&api);
        let (till, order_id) = card_sale(&fake);

        let refund = till.json_with_env(&env, &["refund", &order_id, "--line", "TEA:1"]);
        assert_eq!(int(&refund, "amount"), 249, "{refund}");
        let tenders = array(&refund, "tenders");
        assert_eq!(tenders.len(), 1, "{refund}");
        assert_eq!(text(&tenders[0], "tender"), "card");
        assert!(
            text(&tenders[0], "intent_id").starts_with("pi_"),
            "the refund names the PaymentIntent: {refund}"
        );
        assert_eq!(refunded_at_stripe(&fake), 249, "Stripe gave 2.49 back");
        assert_eq!(fake.requests_to("POST", "/v1/refunds").len(), 1);

        let rest = till.json_with_env(&env, &["refund", &order_id]);
        assert_eq!(text(&rest, "order_status"), "refunded", "{rest}");
        assert_eq!(refunded_at_stripe(&fake), 498, "the whole sale, once");
        let refused = till.run_with_env(&env, &["refund", &order_id]);
        assert_eq!(
            refused.code,
            Some(2),
            "nothing left to refund: {}",
            refused.stderr
        );
        assert_eq!(refunded_at_stripe(&fake), 498);
    }

    #[test]
    fn a_card_refund_stripe_refuses_exits_non_zero_and_books_nothing() {
        let fake = FakeStripe::start();
        let api = fake.url();
        let env = test_mode(&api);
        let (till, order_id) = card_sale(&fake);

        fake.fail_next("/v1/refunds", 1, 400);
        let refused = till.run_with_env(&env, &["refund", &order_id]);
        assert_ne!(refused.code, Some(0), "Stripe refused: {}", refused.stderr);
        let order = till.json(&["orders", "show", &order_id]);
        assert_eq!(text(&order, "status"), "paid", "{order}");
        assert_eq!(int(&order, "refunded_total"), 0, "{order}");
        assert_eq!(refunded_at_stripe(&fake), 0);

        let refund = till.json_with_env(&env, &["refund", &order_id]);
        assert_eq!(int(&refund, "amount"), 498, "asked again, made: {refund}");
        assert_eq!(refunded_at_stripe(&fake), 498);
    }
}
