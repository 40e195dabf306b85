//! Property: for random runs of sales (cash, card, card and cash, points and cash), refunds,
//! voids, pay ins and outs and safe drops across several shifts, the cash the till expects is the
//! float plus every cash movement (kept by a model beside it), the Zs are numbered without gaps,
//! every sale, refund and void is in exactly one Z, and the Zs add up to the sales report.

use crate::support::*;
use versapos_core::{CardCharge, GatewayMode, RefundRequest, TenderRequest};

#[derive(Clone, Debug)]
enum Op {
    /// A sale of these products, paid as `how`.
    Sale(Vec<(usize, i64)>, u8),
    /// Refunds the whole of the n-th order still refundable.
    Refund(usize),
    /// Voids the n-th cash-only order of the open shift still paid.
    Void(usize),
    PayIn(i64),
    PayOut(i64),
    Drop(i64),
    /// Closes the shift counted over (or short) by this many pence, within the tolerance.
    Close(i64),
}

const SKUS: [&str; 4] = ["COFFEE", "MILK", "BOOK", "SWEET"];

fn op() -> impl proptest::strategy::Strategy<Value = Op> {
    use proptest::prelude::*;
    prop_oneof![
        6 => (proptest::collection::vec((0usize..4, 1i64..4), 1..4), 0u8..4)
            .prop_map(|(items, how)| Op::Sale(items, how)),
        2 => (0usize..8).prop_map(Op::Refund),
        1 => (0usize..8).prop_map(Op::Void),
        1 => (1i64..2000).prop_map(Op::PayIn),
        1 => (1i64..3000).prop_map(Op::PayOut),
        1 => (1i64..3000).prop_map(Op::Drop),
        1 => (-100i64..=100).prop_map(Op::Close),
    ]
}

/// A refund may pay out more cash than the drawer holds (the customer is owed it): the drawer
/// is then counted empty, and the close says why it is short.
fn short_note(expected: i64) -> Option<&'static str> {
    (expected < 0).then_some("refunds paid out more cash than the drawer held")
}

fn pounds(minor: i64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(12))]
    #[test]
    fn expected_cash_and_the_zs_add_up(ops in proptest::collection::vec(op(), 5..40)) {
        let mut t = gbp_shop();
        let vip = t.customer_with_points("Pat", 5_000);
        let float = 10_000;
        t.till.open_shift(&t.till.parse_float("100.00").expect("float")).expect("open");
        // The model: cash the drawer should hold, and what the shift's orders are.
        let mut drawer = float;
        let mut orders: Vec<(String, i64, bool)> = Vec::new(); // (id, cash kept, voidable)
        let mut zs = Vec::new();
        let mut open = true;
        let mut intent = 0;
        for op in ops {
            if !open {
                t.till.open_shift(&t.till.parse_float("100.00").expect("float")).expect("reopen");
                drawer = float;
                orders.retain(|_| false);
                open = true;
            }
            match op {
                Op::Sale(items, how) => {
                    let items: Vec<(&str, i64)> = items.iter().map(|&(i, q)| (SKUS[i], q)).collect();
                    let order = match how {
                        0 => t.till.checkout(&t.cart(&items), &[exact_cash()]).expect("cash sale"),
                        1 | 2 => {
                            let tenders = if how == 1 {
                                vec![TenderRequest::Card { amount: None }]
                            } else {
                                vec![t.cash("1.00"), TenderRequest::Card { amount: None }]
                            };
                            let cart = t.cart(&items);
                            let due = cart.price(versapos_core::TaxMode::Inclusive).expect("price").total.minor();
                            if how == 2 && due <= 100 { continue; }
                            let p = t.till.begin_card_sale(&cart, &tenders).expect("card sale");
                            intent += 1;
                            t.till.complete_card_sale(&p.payment_id, &CardCharge {
                                intent_id: format!("pi_{intent}"), mode: GatewayMode::Test,
                                brand: Some(if intent % 2 == 0 { "visa" } else { "mastercard" }.into()),
                                last4: Some("4242".into()), authorization_code: None,
                            }, None).expect("card paid")
                        }
                        _ => {
                            let cart = t.cart_for(vip.id, &items);
                            let due = cart.price(versapos_core::TaxMode::Inclusive).expect("price").total.minor();
                            if due <= 50 { continue; }
                            t.till.checkout(&cart, &[versapos_core::TenderRequest::Points { points: 50 }, exact_cash()])
                                .expect("points and cash")
                        }
                    };
                    let cash: i64 = order.payments.iter().filter(|p| p.tender == "cash").map(|p| p.amount).sum();
                    drawer += cash;
                    let card = order.payments.iter().any(|p| p.tender == "card");
                    orders.push((order.id.clone(), cash, !card));
                }
                Op::Refund(n) => {
                    let refundable: Vec<&(String, i64, bool)> = orders.iter().filter(|(id, _, _)| {
                        t.till.order(id).expect("order").status.as_str() == "paid"
                    }).collect();
                    let Some((id, _, _)) = refundable.get(n % refundable.len().max(1)).cloned().cloned() else { continue };
                    // Card parts go back through Stripe (not this till alone): only cash-only refunds here.
                    let order = t.till.order(&id).expect("order");
                    if order.payments.iter().any(|p| p.tender == "card") { continue; }
                    let refund = t.till.refund(&id, &RefundRequest::Whole, false).expect("refund");
                    drawer -= refund.tenders.iter().filter(|r| r.tender == "cash").map(|r| r.paid_out).sum::<i64>();
                }
                Op::Void(n) => {
                    let voidable: Vec<(String, i64, bool)> = orders.iter().filter(|(id, _, cash_only)| {
                        *cash_only && t.till.order(id).expect("order").status.as_str() == "paid"
                    }).cloned().collect();
                    let Some((id, cash, _)) = voidable.get(n % voidable.len().max(1)).cloned() else { continue };
                    t.till.void(&id).expect("void");
                    drawer -= cash;
                }
                Op::PayIn(a) => {
                    t.till.pay_in(&pounds(a), "change").expect("pay in");
                    drawer += a;
                }
                Op::PayOut(a) | Op::Drop(a) => {
                    let out = if matches!(op, Op::PayOut(_)) {
                        t.till.pay_out(&pounds(a), "supplies")
                    } else {
                        t.till.drop_to_safe(&pounds(a))
                    };
                    match out {
                        Ok(_) => drawer -= a,
                        Err(e) => {
                            proptest::prop_assert_eq!(e.code(), "more_than_in_drawer");
                            proptest::prop_assert!(a > drawer);
                        }
                    }
                }
                Op::Close(off) => {
                    let x = t.till.x_report().expect("X");
                    proptest::prop_assert_eq!(x.expected, drawer, "the till's expected cash against the model");
                    let counted = (drawer + off).max(0);
                    let count = t.till.parse_float(&pounds(counted)).expect("count");
                    let z = t.till.close_shift(&count, "", short_note(drawer + off)).expect("close within the tolerance");
                    proptest::prop_assert_eq!(z.variance, counted - drawer);
                    zs.push(z);
                    open = false;
                }
            }
            if open {
                proptest::prop_assert_eq!(t.till.x_report().expect("X").expected, drawer);
            }
        }
        if open {
            let counted = drawer.max(0);
            let count = t.till.parse_float(&pounds(counted)).expect("count");
            zs.push(t.till.close_shift(&count, "", short_note(drawer)).expect("the last close"));
        }
        // Gapless numbers; each sale, refund and void in exactly one Z; the Zs add up to the
        // sales report of the day (every sale, refund and void of the run).
        for (i, z) in zs.iter().enumerate() {
            proptest::prop_assert_eq!(z.z_number, i as i64 + 1);
        }
        proptest::prop_assert_eq!(t.scalar("SELECT count(*) FROM orders WHERE z_number IS NULL AND status IN ('paid', 'partially_refunded', 'refunded', 'voided')"), 0);
        proptest::prop_assert_eq!(t.scalar("SELECT count(*) FROM refunds WHERE z_number IS NULL"), 0);
        proptest::prop_assert_eq!(t.scalar("SELECT count(*) FROM orders WHERE status = 'voided' AND void_z_number IS NULL"), 0);
        let day = t.till.today();
        let report = t.till.report(day, day, versapos_till::ReportBy::Day, None).expect("report");
        let sum = |f: &dyn Fn(&versapos_till::shifts::ZReport) -> i64| zs.iter().map(f).sum::<i64>();
        proptest::prop_assert_eq!(sum(&|z| z.totals.sales), report.totals.orders);
        let collected = report.totals.sales.total_collected;
        proptest::prop_assert_eq!(sum(&|z| z.totals.gross) - sum(&|z| z.totals.refunds.value), collected);
        proptest::prop_assert_eq!(sum(&|z| z.totals.refunds.value) - sum(&|z| z.totals.refund_tax), report.totals.sales.refunds);
        proptest::prop_assert_eq!(sum(&|z| z.totals.net), collected);
        proptest::prop_assert_eq!(zs.last().map_or(0, |z| z.totals.grand_total), collected);
    }
}
