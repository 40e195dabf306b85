//! Cash rounding, split tenders with VIP points, and earning points.

use crate::support::{exact_cash, gbp_shop};
use versapos_core::{LoyaltyRules, RefundRequest, TenderError, TenderRequest};
use versapos_till::ReportBy;
use versapos_till::ReportRows;
use versapos_till::TillError;

#[test]
fn cash_rounding_applies_only_to_the_cash_part_and_stays_out_of_the_total() {
    let mut t = gbp_shop();
    let vip = t.customer_with_points("Vera", 1000);
    t.add_product("ODD", "Odd Price", "10.02", "standard", 10);
    t.add_product("ODDER", "Odder Price", "10.03", "standard", 10);
    t.till
        .set_setting("cash-rounding", "0.05")
        .expect("set cash rounding");
    assert_eq!(
        t.till.shop().expect("shop").cash_rounding.increment(),
        5,
        "0.05 is 5 pence"
    );

    // 10.02 in cash rounds down to 10.00.
    let cart = t.cart(&[("ODD", 1)]);
    let down = t
        .till
        .checkout(&cart, &[exact_cash()])
        .expect("rounded down");
    assert_eq!(down.total, 1002, "the order total is never rounded");
    assert_eq!(
        down.cash_rounding, -2,
        "the customer paid 0.02 less in cash"
    );
    assert_eq!(
        (down.paid, down.change),
        (1000, 0),
        "10.00 handed over, no change"
    );
    assert_eq!(
        t.scalar(&format!(
            "SELECT cash_rounding FROM orders WHERE id = '{}'",
            down.id
        )),
        -2,
        "the rounding is stored on the order"
    );

    // 10.03 rounds up to 10.05; change from 20.00.
    let cart = t.cart(&[("ODDER", 1)]);
    let up = t
        .till
        .checkout(&cart, &[t.cash("20.00")])
        .expect("rounded up");
    assert_eq!(
        (up.total, up.cash_rounding),
        (1003, 2),
        "rounded up by 0.02, total unchanged"
    );
    assert_eq!(
        (up.paid, up.change),
        (1005, 995),
        "cash part 10.05, change 9.95"
    );

    // 3.01 in points and 7.01 in cash: only the cash part is rounded (7.01 → 7.00, -0.01),
    // where rounding the whole 10.02 would have given -0.02.
    let cart = t.cart_for(vip.id, &[("ODD", 1)]);
    let split = t
        .till
        .checkout(
            &cart,
            &[TenderRequest::Points { points: 301 }, exact_cash()],
        )
        .expect("points and cash");
    assert_eq!(split.total, 1002, "total unchanged");
    assert_eq!(split.cash_rounding, -1, "rounding of the cash part only");
    let parts: Vec<(&str, i64)> = split
        .payments
        .iter()
        .map(|p| (p.tender.as_str(), p.amount))
        .collect();
    assert_eq!(
        parts,
        vec![("points", 301), ("cash", 700)],
        "points unrounded, cash rounded"
    );
    assert_eq!(
        split.points_earned, 7,
        "7.01 paid with money earns 7 points"
    );
}

#[test]
fn points_and_cash_split_takes_points_first_and_cash_for_the_rest() {
    let mut t = gbp_shop();
    let vip = t.customer_with_points("Vera", 1000);
    let cart = t.cart_for(vip.id, &[("COFFEE", 1)]);
    let o = t
        .till
        .checkout(
            &cart,
            &[t.cash("10.00"), TenderRequest::Points { points: 500 }],
        )
        .expect("split tender");

    let parts: Vec<(&str, i64, Option<i64>, i64, i64)> = o
        .payments
        .iter()
        .map(|p| (p.tender.as_str(), p.amount, p.tendered, p.change, p.points))
        .collect();
    assert_eq!(
        parts,
        vec![
            ("points", 500, None, 0, 500),
            ("cash", 700, Some(1000), 300, 0)
        ],
        "500 points pay 5.00; cash pays the 7.00 left from 10.00 with 3.00 change"
    );
    assert_eq!((o.total, o.paid, o.change), (1200, 1200, 300));
    assert_eq!(
        o.points_redeemed, 500,
        "points redeemed recorded on the order"
    );
    assert_eq!(
        o.points_earned, 7,
        "only the 7.00 paid with money earns points"
    );
    assert_eq!(
        t.balance(vip.id),
        1000 - 500 + 7,
        "balance after redeeming and earning"
    );
    let ledger: Vec<(String, i64, i64)> = t
        .ledger(vip.id)
        .into_iter()
        .map(|e| (e.kind, e.points, e.balance_after))
        .collect();
    assert_eq!(
        ledger,
        vec![
            ("earn".to_string(), 1000, 1000),
            ("redeem".to_string(), -500, 500),
            ("earn".to_string(), 7, 507),
        ],
        "each movement of points is one ledger entry"
    );
}

#[test]
fn points_tender_without_a_linked_customer_is_refused_and_nothing_is_written() {
    let mut t = gbp_shop();
    let _vip = t.customer_with_points("Vera", 1000);
    let before = t.snapshot();
    let cart = t.cart(&[("COFFEE", 1)]);
    let err = t
        .till
        .checkout(
            &cart,
            &[TenderRequest::Points { points: 100 }, exact_cash()],
        )
        .expect_err("points need a customer");
    assert!(
        matches!(err, TillError::Tender(TenderError::PointsWithoutCustomer)),
        "expected PointsWithoutCustomer, got {err:?}"
    );
    assert_eq!(t.snapshot(), before, "a refused sale writes nothing");
}

#[test]
fn redeeming_more_points_than_the_balance_is_refused_and_nothing_is_written() {
    let mut t = gbp_shop();
    let vip = t.customer_with_points("Vera", 1000);
    let before = t.snapshot();
    let ledger_before = t.ledger(vip.id);
    let cart = t.cart_for(vip.id, &[("COFFEE", 1)]);
    let err = t
        .till
        .checkout(
            &cart,
            &[TenderRequest::Points { points: 1001 }, exact_cash()],
        )
        .expect_err("only 1000 points on the card");
    assert!(
        matches!(
            err,
            TillError::Tender(TenderError::NotEnoughPoints {
                balance: 1000,
                requested: 1001
            })
        ),
        "expected NotEnoughPoints, got {err:?}"
    );
    assert_eq!(
        err.code(),
        "not_enough_points",
        "stable error code for the UI"
    );
    assert_eq!(
        t.snapshot(),
        before,
        "orders, stock, balances and journal are unchanged"
    );
    assert_eq!(t.balance(vip.id), 1000, "balance unchanged");
    assert_eq!(
        t.ledger(vip.id),
        ledger_before,
        "no ledger entry for a refused sale"
    );
    assert_eq!(t.stock("COFFEE"), 20, "stock unchanged");
}

#[test]
fn customer_earns_one_point_per_whole_pound_paid_with_money() {
    let mut t = gbp_shop();
    let c = t.add_customer("Amelia");
    let o = t.customer_sale(c.id, &[("COFFEE", 1), ("MILK", 2), ("BOOK", 1)]);
    assert_eq!(
        (o.total, o.points_earned),
        (2519, 25),
        "25.19 earns 25 points"
    );
    assert_eq!(o.customer_id, Some(c.id.0), "the customer is on the order");
    let ledger = t.ledger(c.id);
    assert_eq!(ledger.len(), 1, "one ledger entry for the sale");
    assert_eq!(
        (
            ledger[0].kind.as_str(),
            ledger[0].points,
            ledger[0].balance_after
        ),
        ("earn", 25, 25),
        "an earn entry of 25 points"
    );
    assert_eq!(
        ledger[0].order_id.as_deref(),
        Some(o.id.as_str()),
        "the entry names the order"
    );
    assert_eq!(t.balance(c.id), 25);

    let small = t.customer_sale(c.id, &[("SWEET", 49)]);
    assert_eq!(
        (small.total, small.points_earned),
        (98, 0),
        "0.98 earns no points"
    );
    assert_eq!(t.ledger(c.id).len(), 1, "no ledger entry for zero points");

    let anonymous = t.cash_sale(&[("COFFEE", 1)]);
    assert_eq!(anonymous.points_earned, 0, "no customer, no points");
    assert_eq!(
        t.balance(c.id),
        25,
        "the balance only moves with the customer's own sales"
    );
}

#[test]
fn loyalty_rates_are_configurable_and_bad_rates_are_refused() {
    let mut t = gbp_shop();
    let c = t.add_customer("Amelia");
    let journal_before = t.journal_entries();
    t.till
        .set_setting("loyalty-earn", "2")
        .expect("earn 2 per pound");
    t.till
        .set_setting("loyalty-redeem", "50")
        .expect("50 points per pound");
    assert_eq!(
        t.till.shop().expect("shop").loyalty,
        LoyaltyRules {
            earn_per_major: 2,
            redeem_per_major: 50
        },
        "new rates are in force"
    );
    assert_eq!(
        t.journal_entries(),
        journal_before + 2,
        "each setting change is journaled"
    );

    let earned = t.customer_sale(c.id, &[("COFFEE", 1), ("MILK", 2), ("BOOK", 1)]);
    assert_eq!(earned.points_earned, 50, "25 whole pounds × 2 points");

    let cart = t.cart_for(c.id, &[("COFFEE", 1)]);
    let spent = t
        .till
        .checkout(&cart, &[TenderRequest::Points { points: 50 }, exact_cash()])
        .expect("redeem at 50 points per pound");
    assert_eq!(spent.payments[0].amount, 100, "50 points are worth 1.00");
    assert_eq!(spent.points_earned, 22, "11.00 paid in cash × 2 points");
    assert_eq!(t.balance(c.id), 22, "50 earned, 50 redeemed, 22 earned");

    let settings_before = t.snapshot();
    for (key, value) in [
        ("loyalty-redeem", "0"),
        ("loyalty-earn", "-1"),
        ("loyalty-earn", "lots"),
    ] {
        let err = t
            .till
            .set_setting(key, value)
            .expect_err("bad loyalty rate");
        assert!(
            matches!(err, TillError::Invalid { .. }),
            "{key}={value}: got {err:?}"
        );
    }
    assert_eq!(
        t.snapshot(),
        settings_before,
        "refused settings write nothing"
    );
    assert_eq!(
        t.till.shop().expect("shop").loyalty,
        LoyaltyRules {
            earn_per_major: 2,
            redeem_per_major: 50
        },
        "refused settings leave the rates as they were"
    );
}

#[test]
fn refund_of_a_cash_rounded_sale_pays_out_what_the_drawer_took() {
    let mut t = gbp_shop();
    t.add_product("ODD", "Odd Price", "10.02", "standard", 10);
    t.till
        .set_setting("cash-rounding", "0.05")
        .expect("set cash rounding");
    let o = t.cash_sale(&[("ODD", 1)]);
    assert_eq!(
        (o.total, o.paid, o.cash_rounding),
        (1002, 1000, -2),
        "sale rounded down"
    );

    let r = t
        .till
        .refund(&o.id, &RefundRequest::Whole, false)
        .expect("whole refund");
    assert_eq!(r.amount, 1002, "the order's value is refunded");
    assert_eq!(
        r.cash_rounding, -2,
        "the cash handed back is rounded like a sale"
    );
    let tenders: Vec<(&str, i64, i64)> = r
        .tenders
        .iter()
        .map(|x| (x.tender.as_str(), x.amount, x.paid_out))
        .collect();
    assert_eq!(
        tenders,
        vec![("cash", 1002, 1000)],
        "10.00 leaves the drawer, as it came in"
    );

    let day = crate::support::at(crate::support::DAY1_MORNING).date_naive();
    match t
        .till
        .report(day, day, ReportBy::Tender, None)
        .expect("tender report")
        .rows
    {
        ReportRows::Tender(rows) => {
            let cash: Vec<(i64, i64, i64)> =
                rows.iter().map(|x| (x.amount, x.refunds, x.net)).collect();
            assert_eq!(cash, vec![(1000, 1000, 0)], "the drawer nets to zero");
        }
        other => panic!("expected tender rows, got {other:?}"),
    }
}
