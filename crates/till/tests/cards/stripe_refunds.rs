//! Refunds made at Stripe, not by the till (the Dashboard, Stripe's support): booked at the till
//! from Stripe's own refunds (never from an event's body), once each, on the order they belong
//! to, with the VIP's points taken back once and in proportion; found by reconciliation when
//! their events never came. Against the in-repo fake Stripe through the product's own gateway.

use serde_json::{json, Value};
use std::collections::BTreeMap;
use versapos_core::{CustomerId, Money, RefundRequest};
use versapos_payments::stripe::StripeGateway;
use versapos_payments::sync::Outcome;
use versapos_stripe_fake::FakeStripe;
use versapos_till::cards::{self, apply_event as apply, refund_order};
use versapos_till::OrderView;

use crate::support::{gateway_once, shop, Shop};

/// A VIP's card sale of COFFEE and MILK (14.10), paid through the product's gateway on a fresh
/// fake Stripe: the fake, the gateway, the shop, the VIP and the order.
fn a_vip_card_sale() -> (FakeStripe, StripeGateway, Shop, CustomerId, OrderView) {
    let fake = FakeStripe::start();
    let gw = gateway_once(&fake);
    let shop = shop();
    let ada = shop.add_vip("Ada Lovelace");
    let sale = sold(&shop, &gw, ada);
    (fake, gw, shop, ada, sale)
}

/// A card sale of COFFEE and MILK (14.10) for a VIP, paid.
fn sold(shop: &Shop, gw: &StripeGateway, customer: CustomerId) -> OrderView {
    shop.card_sale_for(gw, &[("COFFEE", 1), ("MILK", 1)], Some(customer))
}

fn intent_of(order: &OrderView) -> String {
    order.payments[0]
        .intent_id
        .clone()
        .expect("a PaymentIntent")
}

/// A refund made in the Stripe Dashboard: no key and no metadata of the till's.
fn refund_at_stripe(fake: &FakeStripe, intent: &str, amount: Option<i64>) -> String {
    fake.with_sim(|s| {
        s.create_refund(None, intent, amount, &BTreeMap::new(), None)
            .expect("Stripe refunds")
            .id
    })
}

fn charge_refunded(id: &str, intent: &str) -> Value {
    json!({ "id": id, "object": "event", "type": "charge.refunded",
            "data": { "object": { "id": "ch_x", "object": "charge", "payment_intent": intent,
                                   "amount_refunded": 1 } } })
}

fn points_ledger(shop: &Shop, customer: CustomerId) -> Vec<i64> {
    shop.till()
        .points_ledger(customer)
        .expect("ledger")
        .iter()
        .map(|e| e.points)
        .collect()
}

fn pence(shop: &Shop, major: &str) -> i64 {
    Money::parse(major, shop.till().shop().expect("shop").currency)
        .expect("amount")
        .minor()
}

#[test]
fn a_partial_then_a_full_refund_at_stripe_are_booked_once_with_points_taken_back_once() {
    let (fake, gw, shop, ada, sale) = a_vip_card_sale();
    let earned = sale.points_earned;
    assert_eq!(earned, 14);
    let intent = intent_of(&sale);

    let first = refund_at_stripe(&fake, &intent, Some(pence(&shop, "7.00")));
    for n in 0..2 {
        let a = apply(
            &gw,
            &shop.till,
            &charge_refunded(&format!("evt_a{n}"), &intent),
        )
        .expect("apply");
        let expected = if n == 0 {
            Outcome::Refunded
        } else {
            Outcome::Unchanged
        };
        assert_eq!(a.outcome, expected, "{a:?}");
        assert_eq!(a.receipt.as_deref(), Some(sale.receipt.as_str()), "{a:?}");
    }
    let after = shop.order(&sale.receipt);
    assert_eq!(after.status.as_str(), "partially_refunded");
    assert_eq!(after.refunded_total, pence(&shop, "7.00"));
    assert_eq!(after.refunds.len(), 1);
    assert_eq!(after.refunds[0].at_stripe.as_deref(), Some(first.as_str()));
    assert!(!after.refunds[0].restock, "nothing comes back to the shelf");
    assert_eq!(shop.till().product("COFFEE").expect("product").stock, 9);
    assert_eq!(
        points_ledger(&shop, ada),
        vec![earned, -7],
        "7.00 of 14.10: 7 of 14 points"
    );

    // The rest, refunded in full at Stripe (the Dashboard's "refund all").
    refund_at_stripe(&fake, &intent, None);
    let a = apply(&gw, &shop.till, &charge_refunded("evt_b", &intent)).expect("apply");
    assert_eq!(a.outcome, Outcome::Refunded, "{a:?}");
    let after = shop.order(&sale.receipt);
    assert_eq!(
        (after.status.as_str(), after.refunded_total),
        ("refunded", sale.total)
    );
    assert_eq!(after.refunds.len(), 2);
    assert_eq!(points_ledger(&shop, ada), vec![earned, -7, -7]);
    assert_eq!(shop.till().customer(ada).expect("vip").points_balance, 0);
    let journal = shop.till().verify_journal().expect("verify");
    assert!(journal.ok(), "{journal:?}");
}

#[test]
fn two_refunds_at_stripe_behind_one_event_are_both_booked() {
    let (fake, gw, shop, _, sale) = a_vip_card_sale();
    let intent = intent_of(&sale);
    refund_at_stripe(&fake, &intent, Some(pence(&shop, "1.00")));
    refund_at_stripe(&fake, &intent, Some(pence(&shop, "2.50")));
    let a = apply(&gw, &shop.till, &charge_refunded("evt_1", &intent)).expect("apply");
    assert_eq!(a.outcome, Outcome::Refunded, "{a:?}");
    let after = shop.order(&sale.receipt);
    assert_eq!(after.refunded_total, pence(&shop, "3.50"));
    assert_eq!(after.refunds.len(), 2);
    // The second event (one per refund at Stripe) finds both booked.
    let a = apply(&gw, &shop.till, &charge_refunded("evt_2", &intent)).expect("apply");
    assert_eq!(a.outcome, Outcome::Unchanged, "{a:?}");
    assert_eq!(
        shop.order(&sale.receipt).refunded_total,
        pence(&shop, "3.50")
    );
}

#[test]
fn a_refund_at_stripe_after_the_tills_own_refund_books_only_what_stripe_added() {
    let (fake, gw, shop, ada, sale) = a_vip_card_sale();
    let intent = intent_of(&sale);
    // The till refunds the MILK (2.10) on the card itself.
    let milk = vec![(versapos_core::Sku::parse("MILK").expect("sku"), 1)];
    refund_order(
        &gw,
        &shop.till,
        &sale.receipt,
        &RefundRequest::Lines(milk),
        true,
    )
    .expect("the till's own refund");
    // Its event says nothing new: that refund is the till's own.
    let a = apply(&gw, &shop.till, &charge_refunded("evt_own", &intent)).expect("apply");
    assert_eq!(a.outcome, Outcome::Unchanged, "{a:?}");
    assert_eq!(shop.order(&sale.receipt).refunds.len(), 1);

    // Then someone refunds the rest in the Dashboard.
    refund_at_stripe(&fake, &intent, None);
    let a = apply(&gw, &shop.till, &charge_refunded("evt_rest", &intent)).expect("apply");
    assert_eq!(a.outcome, Outcome::Refunded, "{a:?}");
    let after = shop.order(&sale.receipt);
    assert_eq!(
        (after.status.as_str(), after.refunded_total),
        ("refunded", sale.total)
    );
    assert_eq!(
        fake.with_sim(|s| s.intent(&intent).map(|i| i.amount_refunded)),
        Ok(sale.total),
        "the till converges on Stripe's total"
    );
    assert_eq!(shop.till().customer(ada).expect("vip").points_balance, 0);
}

#[test]
fn each_refund_event_is_recorded_against_its_own_order() {
    let fake = FakeStripe::start();
    let gw = gateway_once(&fake);
    let shop = shop();
    let ada = shop.add_vip("Ada Lovelace");
    let first = sold(&shop, &gw, ada);
    let second = sold(&shop, &gw, ada);
    refund_at_stripe(&fake, &intent_of(&second), Some(pence(&shop, "2.00")));
    let on_second = apply(
        &gw,
        &shop.till,
        &charge_refunded("evt_2", &intent_of(&second)),
    )
    .expect("apply");
    assert_eq!(on_second.outcome, Outcome::Refunded);
    assert_eq!(on_second.receipt.as_deref(), Some(second.receipt.as_str()));
    let on_first = apply(
        &gw,
        &shop.till,
        &charge_refunded("evt_1", &intent_of(&first)),
    )
    .expect("apply");
    assert_eq!(on_first.outcome, Outcome::Unchanged, "{on_first:?}");
    assert_eq!(on_first.receipt.as_deref(), Some(first.receipt.as_str()));
    assert_eq!(shop.order(&first.receipt).refunded_total, 0);
    assert_eq!(
        shop.order(&second.receipt).refunded_total,
        pence(&shop, "2.00")
    );
}

#[test]
fn a_refund_at_stripe_whose_event_was_lost_is_found_by_reconciliation() {
    let (fake, gw, shop, ada, sale) = a_vip_card_sale();
    let re = refund_at_stripe(&fake, &intent_of(&sale), Some(pence(&shop, "4.00")));
    for round in 0..2 {
        let report = cards::reconcile(&gw, &shop.till).expect("reconcile");
        let booked: Vec<_> = report
            .settled
            .iter()
            .filter(|l| l.receipt == sale.receipt)
            .collect();
        if round == 0 {
            assert_eq!(booked.len(), 1, "{report:?}");
            assert!(booked[0].detail.contains(&re), "{report:?}");
        } else {
            assert!(booked.is_empty(), "booked once: {report:?}");
        }
        assert_eq!(report.remaining, 0, "{report:?}");
    }
    let after = shop.order(&sale.receipt);
    assert_eq!(after.refunded_total, pence(&shop, "4.00"));
    assert_eq!(points_ledger(&shop, ada), vec![14, -4]);
}

fn dispute_event(id: &str, kind: &str, dispute: &str, intent: &str) -> Value {
    // What the event claims is not read: the till asks Stripe for the dispute itself.
    json!({ "id": id, "object": "event", "type": kind,
            "data": { "object": { "id": dispute, "object": "dispute", "payment_intent": intent,
                                   "status": "lost", "amount": 999_999 } } })
}

#[test]
fn a_dispute_marks_the_order_and_a_lost_one_books_what_stripe_took_back_once() {
    let (fake, gw, shop, ada, sale) = a_vip_card_sale();
    let intent = intent_of(&sale);
    let dp = fake
        .with_sim(|s| s.create_dispute(&intent, "product_not_received"))
        .expect("disputed");

    // Opened: the order is marked, no money moves (whatever the event's body says).
    let a = apply(
        &gw,
        &shop.till,
        &dispute_event("evt_o", "charge.dispute.created", &dp.id, &intent),
    )
    .expect("apply");
    assert_eq!(a.outcome, Outcome::Disputed, "{a:?}");
    let after = shop.order(&sale.receipt);
    assert_eq!(after.status.as_str(), "paid");
    assert_eq!(after.refunded_total, 0);
    assert_eq!(
        after
            .dispute
            .as_ref()
            .map(|d| (d.status.as_str(), d.reason.as_deref())),
        Some(("open", Some("product_not_received")))
    );

    // Lost: Stripe took the money back; booked once, points taken back.
    fake.with_sim(|s| s.close_dispute(&dp.id, versapos_payments::DisputeStatus::Lost))
        .expect("closed");
    for n in 0..2 {
        let a = apply(
            &gw,
            &shop.till,
            &dispute_event(
                &format!("evt_c{n}"),
                "charge.dispute.closed",
                &dp.id,
                &intent,
            ),
        )
        .expect("apply");
        let expected = if n == 0 {
            Outcome::Disputed
        } else {
            Outcome::Unchanged
        };
        assert_eq!(a.outcome, expected, "{a:?}");
    }
    let after = shop.order(&sale.receipt);
    assert_eq!(
        (after.status.as_str(), after.refunded_total),
        ("refunded", sale.total)
    );
    assert_eq!(after.refunds.len(), 1);
    assert_eq!(after.refunds[0].at_stripe.as_deref(), Some(dp.id.as_str()));
    assert_eq!(
        after.dispute.as_ref().map(|d| d.status.as_str()),
        Some("lost")
    );
    assert_eq!(shop.till().customer(ada).expect("vip").points_balance, 0);
    // The manager sees both on the Payments tab: the dispute and the money taken back.
    let changes = shop.till().changes_at_stripe(10).expect("changes");
    let seen: Vec<String> = changes
        .iter()
        .map(|c| format!("{} {:?} {:?} {:?}", c.kind, c.status, c.amount, c.stripe_id))
        .collect();
    let refund = format!("refund None Some({}) Some({:?})", sale.total, dp.id);
    let dispute = format!("dispute Some(\"lost\") None Some({:?})", dp.id);
    assert!(
        seen.contains(&refund) && seen.contains(&dispute),
        "{seen:?}"
    );
    let journal = shop.till().verify_journal().expect("verify");
    assert!(journal.ok(), "{journal:?}");
}

#[test]
fn a_won_dispute_moves_no_money() {
    let (fake, gw, shop, ada, sale) = a_vip_card_sale();
    let intent = intent_of(&sale);
    let dp = fake
        .with_sim(|s| s.create_dispute(&intent, "fraudulent"))
        .expect("disputed");
    fake.with_sim(|s| s.close_dispute(&dp.id, versapos_payments::DisputeStatus::Won))
        .expect("closed");
    let a = apply(
        &gw,
        &shop.till,
        &dispute_event("evt_w", "charge.dispute.closed", &dp.id, &intent),
    )
    .expect("apply");
    assert_eq!(a.outcome, Outcome::Disputed, "{a:?}");
    let after = shop.order(&sale.receipt);
    assert_eq!((after.status.as_str(), after.refunded_total), ("paid", 0));
    assert_eq!(
        after.dispute.as_ref().map(|d| d.status.as_str()),
        Some("won")
    );
    assert_eq!(shop.till().customer(ada).expect("vip").points_balance, 14);
}
