//! VIP points are earned on money received: a card sale that was declined or canceled earns
//! none, shows none, and voiding it takes none back from the customer.

use crate::support::shop;
use versapos_core::{Money, TenderRequest};
use versapos_payments::demo::DemoGateway;
use versapos_payments::TestCard;
use versapos_till::cards::{self, CardOutcome};

#[test]
fn a_declined_vip_card_sale_earns_no_points_and_is_not_voided_for_points_it_never_had() {
    let shop = shop();
    let demo = DemoGateway::new();
    let vip = shop.add_vip("Ada Lovelace");
    // Points from an earlier cash sale, so a wrong reversal would have something to take.
    let cash_order = {
        let mut till = shop.till();
        let mut cart = till.new_cart().expect("cart");
        till.add_to_cart(&mut cart, "COFFEE", 2).expect("add");
        till.link_customer(&mut cart, vip).expect("link");
        let cash = Money::parse("50.00", till.shop().expect("shop").currency).expect("cash");
        till.checkout(
            &cart,
            &[TenderRequest::Cash {
                tendered: Some(cash),
            }],
        )
        .expect("cash sale")
    };
    let balance = shop.till().customer(vip).expect("vip").points_balance;
    assert!(balance > 0 && balance == cash_order.points_earned);

    for card in [TestCard::Declined, TestCard::InsufficientFunds] {
        let outcome = shop.card_sale_with(&demo, &[("COFFEE", 1)], Some(vip), card);
        let CardOutcome::Declined { payment_id, .. } = outcome else {
            panic!("{card:?} is declined: {outcome:?}");
        };
        let newest = shop.till().orders(None, 1, 0).expect("orders")[0]
            .receipt
            .clone();
        let shown = shop.order(&newest);
        assert_eq!(
            shown.points_earned, 0,
            "{card:?}: a declined sale shows no points"
        );
        let given_up = cards::abandon(&demo, &shop.till, &payment_id).expect("give up");
        assert_eq!(given_up.status.as_str(), "payment_failed");
        assert_eq!(given_up.points_earned, 0, "{card:?}: {given_up:?}");

        // Never paid, so nothing to void: a void would put back stock and points that never
        // moved.
        let refused = {
            let mut till = shop.till();
            till.void(&given_up.receipt).expect_err("nothing to void")
        };
        assert_eq!(refused.code(), "wrong_state", "{card:?}: {refused}");
        let after = shop.order(&given_up.receipt);
        assert_eq!(
            (after.points_earned, after.points_reversed),
            (0, 0),
            "{card:?}: nothing earned, nothing taken back"
        );
        assert_eq!(
            shop.till().customer(vip).expect("vip").points_balance,
            balance,
            "{card:?}: the customer keeps the points they had"
        );
    }
    let ledger = shop.till().points_ledger(vip).expect("ledger");
    assert_eq!(
        ledger.iter().map(|e| e.points).collect::<Vec<_>>(),
        vec![balance],
        "only the cash sale's points were ever posted"
    );
}

#[test]
fn a_paid_vip_card_sale_shows_the_points_it_earned() {
    let shop = shop();
    let demo = DemoGateway::new();
    let vip = shop.add_vip("Grace Hopper");
    let paid = shop.card_sale_for(&demo, &[("COFFEE", 1)], Some(vip));
    assert!(paid.points_earned > 0);
    assert_eq!(
        shop.order(&paid.receipt).points_earned,
        shop.till().customer(vip).expect("vip").points_balance,
        "the order shows what the customer was given"
    );
}
