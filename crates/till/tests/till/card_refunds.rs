//! Card refunds in two steps: written 'pending' before Stripe is asked, committed (with the
//! cash and points parts of the same refund) only once Stripe made the card part, given up
//! without touching the order when Stripe refused; never two refunds of an order at once.

use crate::support::{card, charge, gbp_shop, sku, TestTill};
use versapos_core::{Permission, Pin, RefundRequest, Role, TenderRequest};
use versapos_till::{Customer, OrderView, PendingRefund, RefundView, TillError};

/// A card sale Stripe took (PaymentIntent `intent`), with these tenders.
fn card_sale(
    t: &mut TestTill,
    customer: Option<&Customer>,
    items: &[(&str, i64)],
    tenders: &[TenderRequest],
    intent: &str,
) -> OrderView {
    let cart = match customer {
        Some(c) => t.cart_for(c.id, items),
        None => t.cart(items),
    };
    let pending = t
        .till
        .begin_card_sale(&cart, tenders)
        .expect("begin card sale");
    t.till
        .complete_card_sale(&pending.payment_id, &charge(intent), None)
        .expect("complete card sale")
}

/// A card sale with no customer, all of it on the card.
fn sold_by_card(t: &mut TestTill, items: &[(&str, i64)], intent: &str) -> OrderView {
    card_sale(t, None, items, &[card()], intent)
}

/// Stripe's refund id for every part, as the card flow hands them over.
fn made(p: &PendingRefund) -> Vec<(String, String)> {
    p.parts
        .iter()
        .map(|x| (x.key.clone(), format!("re_{}", x.amount)))
        .collect()
}

/// Begins a card refund of the order, which the till must accept.
fn begin(t: &mut TestTill, o: &OrderView, request: &RefundRequest, restock: bool) -> PendingRefund {
    t.till
        .begin_card_refund(&o.receipt, request, restock)
        .expect("the till begins the card refund")
}

/// Completes a pending card refund as Stripe made every part of it.
fn complete(t: &mut TestTill, pending: &PendingRefund) -> RefundView {
    t.till
        .complete_card_refund(&pending.refund_id, &made(pending))
        .expect("the card refund Stripe made completes")
}

/// A refund of one of the order's `code`.
fn one(code: &str) -> RefundRequest {
    RefundRequest::Lines(vec![(sku(code), 1)])
}

fn add_staff(t: &mut TestTill, name: &str, role: Role, pin: &str) {
    t.till
        .add_staff(name, role, &Pin::parse(pin).expect("a valid PIN"))
        .expect("add a member of staff");
}

fn card_refund_status(t: &TestTill, refund_id: &str) -> Vec<String> {
    let conn = t.till.connection();
    let mut stmt = conn
        .prepare("SELECT status FROM card_refunds WHERE refund_id = ?1 ORDER BY id")
        .expect("prepare");
    stmt.query_map([refund_id], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

#[test]
fn a_whole_card_refund_is_pending_until_stripe_makes_it_then_committed_once() {
    let mut t = gbp_shop();
    let c = t.add_customer("Vera");
    let o = card_sale(&mut t, Some(&c), &[("COFFEE", 1)], &[card()], "pi_1");
    assert_eq!((o.total, o.points_earned), (1200, 12), "fixture sale");
    let card_payment = o.payments[0].id.clone();

    let before = t.snapshot();
    let preview = t
        .till
        .refund_preview(&o.receipt, &RefundRequest::Whole, true)
        .expect("preview");
    let tenders: Vec<(&str, &str, i64, Option<&str>)> = preview
        .tenders
        .iter()
        .map(|x| {
            (
                x.payment_id.as_str(),
                x.tender.as_str(),
                x.paid_out,
                x.intent_id.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        tenders,
        vec![(card_payment.as_str(), "card", 1200, Some("pi_1"))],
        "the preview names the card payment and its PaymentIntent"
    );
    assert_eq!(preview.points_reversed, 12);
    assert_eq!(t.snapshot(), before, "a preview changes nothing");

    let pending = begin(&mut t, &o, &RefundRequest::Whole, true);
    assert_eq!(pending.order_id, o.id);
    assert_eq!(pending.receipt, o.receipt);
    assert_eq!(pending.till_id, "T1");
    assert_eq!(pending.parts.len(), 1);
    let part = &pending.parts[0];
    assert_eq!(
        (
            part.payment_id.as_str(),
            part.intent_id.as_str(),
            part.amount
        ),
        (card_payment.as_str(), "pi_1", 1200)
    );
    assert_eq!(
        t.till.order(&o.id).expect("order").status,
        "paid",
        "nothing is refunded before Stripe made it"
    );
    assert_eq!(t.stock("COFFEE"), 19, "no stock back yet");
    assert_eq!(t.balance(c.id), 12, "no points reversed yet");
    assert_eq!(t.scalar("SELECT count(*) FROM refunds"), 0);
    assert_eq!(
        t.scalar("SELECT count(*) FROM journal WHERE kind = 'card_refund_started'"),
        1
    );
    assert_eq!(
        t.till.pending_card_refunds().expect("pending"),
        vec![pending.clone()]
    );

    let r = complete(&mut t, &pending);
    assert_eq!(
        r.id, pending.refund_id,
        "the refund keeps the id it was begun with"
    );
    assert_eq!((r.amount, r.order_status.as_str()), (1200, "refunded"));
    assert_eq!(r.points_reversed, 12);
    assert_eq!(r.tenders[0].intent_id.as_deref(), Some("pi_1"));
    assert_eq!(t.stock("COFFEE"), 20, "restocked");
    assert_eq!(t.balance(c.id), 0, "earned points reversed");
    assert_eq!(card_refund_status(&t, &r.id), vec!["succeeded"]);
    assert_eq!(
        t.text("SELECT stripe_refund_id FROM card_refunds")
            .as_deref(),
        Some("re_1200")
    );
    assert!(t.till.pending_card_refunds().expect("pending").is_empty());
    assert_eq!(
        t.scalar("SELECT refunds FROM sales_by_tender WHERE tender = 'card'"),
        1200
    );

    // Completing again (a retry after a lost answer) returns the same refund, changing nothing.
    let after = t.snapshot();
    let again = t
        .till
        .complete_card_refund(&pending.refund_id, &made(&pending))
        .expect("complete twice");
    assert_eq!(t.snapshot(), after, "nothing applied twice");
    assert_eq!(
        (again.id.as_str(), again.amount, again.points_reversed),
        (r.id.as_str(), 1200, 12)
    );
    assert_eq!(again.tenders.len(), 1);
    assert_eq!(again.tenders[0].payment_id, card_payment);
    assert_eq!(again.lines.len(), 1);
    assert_eq!(again.lines[0].sku, "COFFEE");
    assert_eq!(
        t.ledger(c.id)
            .iter()
            .filter(|e| e.kind == "reverse_earn")
            .count(),
        1,
        "points reversed once"
    );
    assert!(t.till.verify_journal().expect("verify").problems.is_empty());
}

#[test]
fn a_partial_card_refund_gives_back_only_the_lines_asked_for() {
    let mut t = gbp_shop();
    let o = sold_by_card(&mut t, &[("COFFEE", 1), ("MILK", 2)], "pi_2");
    let pending = begin(&mut t, &o, &one("MILK"), false);
    assert_eq!(pending.parts.len(), 1);
    assert_eq!(pending.parts[0].amount, 210);
    let r = complete(&mut t, &pending);
    assert_eq!(
        (r.amount, r.order_status.as_str()),
        (210, "partially_refunded")
    );
    assert_eq!(
        t.scalar("SELECT refunded FROM payments WHERE tender = 'card'"),
        210
    );
    assert_eq!(t.stock("MILK"), 28, "not restocked when not asked");

    // Once settled, the rest of the order can be refunded.
    let rest = begin(&mut t, &o, &RefundRequest::Whole, false);
    assert_eq!(rest.parts[0].amount, 1620 - 210);
    let r2 = complete(&mut t, &rest);
    assert_eq!(r2.order_status, "refunded");
}

#[test]
fn a_split_refund_pays_cash_and_card_in_one_refund_once_stripe_made_the_card_part() {
    let mut t = gbp_shop();
    let tenders = [
        TenderRequest::Card {
            amount: Some(t.money("7.00")),
        },
        t.cash("10.00"),
    ];
    let o = card_sale(&mut t, None, &[("COFFEE", 1)], &tenders, "pi_3");
    let pending = begin(&mut t, &o, &RefundRequest::Whole, false);
    assert_eq!(pending.parts.len(), 1, "only the card goes through Stripe");
    assert_eq!(pending.parts[0].amount, 700);
    assert_eq!(
        t.scalar("SELECT coalesce(sum(refunds), 0) FROM sales_by_tender"),
        0,
        "no cash is counted out before the card part is made"
    );
    let r = complete(&mut t, &pending);
    let tenders: Vec<(&str, i64, Option<&str>)> = r
        .tenders
        .iter()
        .map(|x| (x.tender.as_str(), x.paid_out, x.intent_id.as_deref()))
        .collect();
    assert_eq!(
        tenders,
        vec![("card", 700, Some("pi_3")), ("cash", 500, None)],
        "cash back at the till, card back through Stripe"
    );
    assert_eq!(
        t.scalar("SELECT refunds FROM sales_by_tender WHERE tender = 'cash'"),
        500
    );
}

#[test]
fn no_other_refund_of_the_order_while_a_card_refund_is_pending() {
    let mut t = gbp_shop();
    let o = sold_by_card(&mut t, &[("COFFEE", 1), ("MILK", 1)], "pi_4");
    let pending = begin(&mut t, &o, &one("MILK"), false);
    let before = t.snapshot();
    let coffee = one("COFFEE");
    for err in [
        t.till
            .refund(&o.receipt, &coffee, false)
            .expect_err("refund"),
        t.till
            .begin_card_refund(&o.receipt, &coffee, false)
            .expect_err("second card refund"),
        t.till
            .refund_preview(&o.receipt, &coffee, false)
            .expect_err("preview"),
    ] {
        assert!(
            matches!(&err, TillError::CardRefundPending(r) if *r == o.receipt),
            "{err}"
        );
        assert_eq!(err.code(), "card_refund_pending");
    }
    assert_eq!(t.snapshot(), before, "refused refunds change nothing");
    complete(&mut t, &pending);
    let next = t
        .till
        .begin_card_refund(&o.receipt, &coffee, false)
        .expect("a new card refund once the first is settled");
    assert_eq!(next.parts[0].amount, 1200);
}

#[test]
fn a_failed_card_refund_leaves_the_order_as_it_was() {
    let mut t = gbp_shop();
    let c = t.add_customer("Ivo");
    let o = card_sale(&mut t, Some(&c), &[("COFFEE", 1)], &[card()], "pi_5");
    let before = figures(&t);
    let journal = t.journal_entries();
    let pending = begin(&mut t, &o, &RefundRequest::Whole, true);
    t.till
        .fail_card_refund(&pending.refund_id, "charge_already_refunded")
        .expect("fail");
    t.till
        .fail_card_refund(&pending.refund_id, "charge_already_refunded")
        .expect("failing twice is harmless");
    assert_eq!(card_refund_status(&t, &pending.refund_id), vec!["failed"]);
    assert_eq!(
        t.text("SELECT failure FROM card_refunds").as_deref(),
        Some("charge_already_refunded")
    );
    assert_eq!(
        t.journal_entries(),
        journal + 2,
        "started and failed, journaled"
    );
    assert_eq!(
        figures(&t),
        before,
        "order, payments, stock, points and rollups untouched"
    );
    assert_eq!(t.balance(c.id), 12);
    assert_eq!(t.till.order(&o.id).expect("order").status, "paid");
    assert!(t.till.pending_card_refunds().expect("pending").is_empty());

    let err = t
        .till
        .complete_card_refund(&pending.refund_id, &made(&pending))
        .expect_err("a failed card refund cannot complete");
    assert_eq!(err.code(), "invalid_input", "{err}");
    t.till
        .begin_card_refund(&o.receipt, &RefundRequest::Whole, true)
        .expect("the order can be refunded afresh");
    assert!(t.till.verify_journal().expect("verify").problems.is_empty());
}

/// Everything a refund moves, except the journal.
fn figures(t: &TestTill) -> Vec<i64> {
    [
        "SELECT count(*) FROM refunds",
        "SELECT count(*) FROM refund_lines",
        "SELECT count(*) FROM refund_tenders",
        "SELECT count(*) FROM points_ledger",
        "SELECT coalesce(sum(points_balance), 0) FROM customers",
        "SELECT coalesce(sum(stock), 0) FROM products",
        "SELECT coalesce(sum(refunded_total), 0) FROM orders",
        "SELECT coalesce(sum(points_reversed), 0) FROM orders",
        "SELECT count(*) FROM orders WHERE status = 'paid'",
        "SELECT coalesce(sum(refunded_quantity), 0) FROM order_lines",
        "SELECT coalesce(sum(refunded), 0) FROM payments",
        "SELECT coalesce(sum(refunds), 0) FROM sales_by_hour",
        "SELECT coalesce(sum(refunds), 0) FROM sales_by_tender",
    ]
    .iter()
    .map(|sql| t.scalar(sql))
    .collect()
}

#[test]
fn completing_needs_stripes_id_for_every_part_and_nothing_else() {
    let mut t = gbp_shop();
    let o = sold_by_card(&mut t, &[("COFFEE", 1)], "pi_6");
    let pending = begin(&mut t, &o, &RefundRequest::Whole, false);
    let before = t.snapshot();
    let missing = t
        .till
        .complete_card_refund(&pending.refund_id, &[])
        .expect_err("no Stripe ids");
    assert!(
        matches!(missing, TillError::Invalid { ref field, .. } if field == "stripe_ids"),
        "{missing}"
    );
    let mut extra = made(&pending);
    extra.push(("someone-else".into(), "re_x".into()));
    let extra = t
        .till
        .complete_card_refund(&pending.refund_id, &extra)
        .expect_err("a key that is not a part");
    assert!(extra.to_string().contains("someone-else"), "{extra}");
    let unknown = t
        .till
        .complete_card_refund("no-such-refund", &made(&pending))
        .expect_err("unknown refund");
    assert!(unknown.to_string().contains("no-such-refund"), "{unknown}");
    assert_eq!(t.snapshot(), before);
    assert_eq!(card_refund_status(&t, &pending.refund_id), vec!["pending"]);
}

#[test]
fn a_stored_plan_that_no_longer_matches_is_refused_as_damaged() {
    let mut t = gbp_shop();
    let o = sold_by_card(&mut t, &[("COFFEE", 1)], "pi_7");
    let pending = begin(&mut t, &o, &RefundRequest::Whole, false);
    t.raw()
        .execute("UPDATE card_refunds SET amount = 1100", [])
        .expect("tamper");
    let before = t.snapshot();
    let err = t
        .till
        .complete_card_refund(&pending.refund_id, &made(&pending))
        .expect_err("Stripe was asked for another amount than the plan");
    assert!(matches!(err, TillError::Corrupt(_)), "{err}");
    assert_eq!(t.snapshot(), before);
}

#[test]
fn a_cash_order_has_no_card_part_and_keeps_the_managers_approval_for_the_refund() {
    let mut t = gbp_shop();
    add_staff(&mut t, "Ada", Role::Admin, "9999");
    t.till.sign_in("Ada", "9999").expect("admin");
    add_staff(&mut t, "Sam", Role::Cashier, "1111");
    t.till.sign_in("Sam", "1111").expect("cashier");
    let o = t.cash_sale(&[("MILK", 1)]);
    t.till
        .approve("Ada", "9999", Permission::Refund)
        .expect("approve");
    let before = t.snapshot();
    let pending = begin(&mut t, &o, &RefundRequest::Whole, false);
    assert!(pending.parts.is_empty(), "no card, nothing for Stripe");
    assert_eq!(t.snapshot(), before, "nothing written");
    let r = t
        .till
        .refund(&o.receipt, &RefundRequest::Whole, false)
        .expect("the approval is still good for the refund");
    assert_eq!(r.amount, 210);
}

#[test]
fn a_card_refund_completes_after_a_restart_with_nobody_signed_in_naming_who_asked() {
    let mut t = gbp_shop();
    add_staff(&mut t, "Ada", Role::Admin, "9999");
    t.till.sign_in("Ada", "9999").expect("admin");
    add_staff(&mut t, "Morgan", Role::Manager, "2222");
    add_staff(&mut t, "Sam", Role::Cashier, "1111");
    t.till.sign_in("Sam", "1111").expect("cashier");
    let o = sold_by_card(&mut t, &[("BOOK", 1)], "pi_8");
    let denied = t
        .till
        .begin_card_refund(&o.receipt, &RefundRequest::Whole, false)
        .expect_err("a cashier needs a manager");
    assert!(matches!(denied, TillError::NotPermitted { .. }), "{denied}");
    let morgan = t
        .till
        .approve("Morgan", "2222", Permission::Refund)
        .expect("approve");
    let pending = t
        .till
        .begin_card_refund(&o.receipt, &RefundRequest::Whole, false)
        .expect("approved");
    assert!(
        matches!(
            t.till
                .refund_preview(&o.receipt, &RefundRequest::Whole, false),
            Err(TillError::NotPermitted { .. })
        ),
        "the approval was used up by the card refund"
    );

    let mut t = t.restart();
    assert!(t.till.signed_in().is_none());
    let pendings = t.till.pending_card_refunds().expect("pending");
    assert_eq!(
        pendings,
        vec![pending.clone()],
        "the pending refund survives a restart"
    );
    let r = t
        .till
        .complete_card_refund(&pending.refund_id, &made(&pending))
        .expect("completes with nobody signed in");
    assert_eq!(r.amount, 899);
    assert_eq!(
        t.scalar(&format!(
            "SELECT approved_by FROM refunds WHERE id = '{}'",
            r.id
        )),
        morgan.id
    );
    let payload = t
        .text("SELECT payload FROM journal WHERE kind = 'refund' ORDER BY seq DESC LIMIT 1")
        .expect("refund entry");
    assert!(
        payload.contains("Sam") && payload.contains("Morgan"),
        "{payload}"
    );
    t.till.sign_in("Ada", "9999").expect("admin");
    assert!(t.till.verify_journal().expect("verify").problems.is_empty());
}
