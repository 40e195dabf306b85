//! Refunding card sales through the gateway: the card part goes back through Stripe exactly
//! once and the till records only refunds Stripe made. Against the demo reader, and against the
//! in-repo fake Stripe for a refund whose answer was lost (in doubt, then reconciled).

use versapos_core::{RefundRequest, Sku};
use versapos_payments::demo::DemoGateway;
use versapos_payments::flow::FlowError;
use versapos_payments::{Gateway, GatewayError};
use versapos_stripe_fake::FakeStripe;
use versapos_till::cards::reconcile_refunds;
use versapos_till::cards::refund_order;
use versapos_till::{OrderView, TillError};

use crate::support::{gateway_once, shop};

fn intent_of(order: &OrderView) -> String {
    order.payments[0]
        .intent_id
        .clone()
        .expect("a card payment has its PaymentIntent")
}

fn milk() -> RefundRequest {
    RefundRequest::Lines(vec![(Sku::parse("MILK").expect("sku"), 1)])
}

#[test]
fn a_whole_refund_of_a_demo_card_sale_goes_back_on_the_card_once() {
    let shop = shop();
    let demo = DemoGateway::new();
    let sold = shop.card_sale(&demo, &[("COFFEE", 1)]);
    assert_eq!(sold.paid, 1200);
    let refund = refund_order(
        &demo,
        &shop.till,
        &sold.receipt,
        &RefundRequest::Whole,
        true,
    )
    .expect("refund");
    assert_eq!(
        (refund.amount, refund.order_status.as_str()),
        (1200, "refunded")
    );
    assert_eq!(refund.tenders[0].intent_id, Some(intent_of(&sold)));
    assert_eq!(shop.order(&sold.receipt).refunded_total, 1200);
    assert!(shop
        .till()
        .pending_card_refunds()
        .expect("pending")
        .is_empty());
    // The demo reader's PaymentIntent has nothing left to refund.
    let err = demo
        .refund(&versapos_payments::RefundRequest {
            refund_key: "another".into(),
            intent: intent_of(&sold),
            amount: 1,
            order_id: sold.id.clone(),
            till_id: "T1".into(),
        })
        .expect_err("fully refunded at the gateway");
    assert!(
        matches!(&err, GatewayError::Rejected { code: Some(c), .. } if c == "charge_already_refunded"),
        "{err:?}"
    );
    // And the till will not refund it again either.
    let again = refund_order(
        &demo,
        &shop.till,
        &sold.receipt,
        &RefundRequest::Whole,
        true,
    )
    .expect_err("already refunded");
    assert!(again.book_error::<TillError>().is_some(), "{again}");
}

#[test]
fn a_partial_refund_gives_back_only_its_part_on_the_card() {
    let shop = shop();
    let demo = DemoGateway::new();
    let sold = shop.card_sale(&demo, &[("COFFEE", 1), ("MILK", 2)]);
    let refund = refund_order(&demo, &shop.till, &sold.receipt, &milk(), false).expect("refund");
    assert_eq!(
        (refund.amount, refund.order_status.as_str()),
        (210, "partially_refunded")
    );
    // What is left at the gateway is exactly what is left on the order.
    let left = sold.paid - 210;
    let probe = |amount: i64, key: &str| {
        demo.refund(&versapos_payments::RefundRequest {
            refund_key: key.into(),
            intent: intent_of(&sold),
            amount,
            order_id: sold.id.clone(),
            till_id: "T1".into(),
        })
    };
    assert!(
        probe(left + 1, "probe-1").is_err(),
        "no more than what is left"
    );
    assert!(probe(left, "probe-2").is_ok(), "all of what is left");
}

#[test]
fn a_refund_the_gateway_refuses_is_given_up_and_the_order_is_untouched() {
    let shop = shop();
    let sold = shop.card_sale(&DemoGateway::new(), &[("COFFEE", 1)]);
    // Another gateway does not know the PaymentIntent: a definite refusal.
    let other = DemoGateway::new();
    let err = refund_order(
        &other,
        &shop.till,
        &sold.receipt,
        &RefundRequest::Whole,
        true,
    )
    .expect_err("refused");
    assert!(matches!(err, FlowError::Gateway(_)), "{err}");
    let order = shop.order(&sold.receipt);
    assert_eq!((order.status.as_str(), order.refunded_total), ("paid", 0));
    assert!(shop
        .till()
        .pending_card_refunds()
        .expect("pending")
        .is_empty());
    let failed: i64 = shop
        .till()
        .connection()
        .query_row(
            "SELECT count(*) FROM card_refunds WHERE status = 'failed'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(failed, 1, "the refusal is on record");
}

#[test]
fn a_refund_whose_answer_was_lost_stays_in_doubt_and_reconcile_books_it_once() {
    let fake = FakeStripe::start();
    let gw = gateway_once(&fake);
    let shop = shop();
    let sold = shop.card_sale(&gw, &[("COFFEE", 1), ("MILK", 1)]);
    let intent = intent_of(&sold);

    fake.cut_after("/v1/refunds", 1);
    let err = refund_order(&gw, &shop.till, &sold.receipt, &milk(), false)
        .expect_err("no answer from Stripe");
    assert!(matches!(err, FlowError::Unavailable(_)), "{err}");
    assert!(err.to_string().contains("versapos reconcile"), "{err}");
    assert_eq!(
        fake.with_sim(|s| s.intent(&intent).map(|i| i.amount_refunded)),
        Ok(210),
        "Stripe did make the refund"
    );
    assert_eq!(
        shop.order(&sold.receipt).refunded_total,
        0,
        "the till has not recorded it yet"
    );
    let pending = shop.till().pending_card_refunds().expect("pending");
    assert_eq!(pending.len(), 1, "a refund in doubt");
    let refused = shop
        .till()
        .refund(&sold.receipt, &RefundRequest::Whole, false)
        .expect_err("no other refund while one is in doubt");
    assert!(
        matches!(refused, TillError::CardRefundPending(_)),
        "{refused}"
    );

    let report = versapos_till::cards::reconcile(&gw, &shop.till).expect("reconcile");
    let outcomes: Vec<(&str, &str)> = report
        .settled
        .iter()
        .map(|l| (l.receipt.as_str(), l.outcome.as_str()))
        .collect();
    assert_eq!(outcomes, vec![(sold.receipt.as_str(), "refunded")]);
    assert_eq!(report.remaining, 0);
    assert_eq!(
        fake.with_sim(|s| s.intent(&intent).map(|i| i.amount_refunded)),
        Ok(210),
        "asked again with the same key: still one refund at Stripe"
    );
    let posts = fake.requests_to("POST", "/v1/refunds");
    assert_eq!(posts.len(), 2, "{posts:?}");
    assert_eq!(
        posts[0].idempotency_key, posts[1].idempotency_key,
        "the same key both times"
    );
    let order = shop.order(&sold.receipt);
    assert_eq!(
        (order.status.as_str(), order.refunded_total),
        ("partially_refunded", 210)
    );
    assert_eq!(order.refunds.len(), 1, "booked once");
    assert!(
        reconcile_refunds(&gw, &shop.till)
            .expect("again")
            .is_empty(),
        "nothing left to settle"
    );
}
