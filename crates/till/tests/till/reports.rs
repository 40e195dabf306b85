//! Reports over two days and several hours, checked against sums computed from the orders.

use crate::support::{exact_cash, gbp_shop, sku, TestTill};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use versapos_core::sales_summary::SalesSummary;
use versapos_core::{RefundRequest, TenderRequest};
use versapos_till::{OrderView, RefundView, ReportBy, TillError};
use versapos_till::{PeriodRow, ProductRow, ReportRows, TenderRow};

struct Trading {
    t: TestTill,
    orders: Vec<OrderView>,
    refunds: Vec<(String, RefundView)>,
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

/// Friday 14 and Saturday 15 March 2025, with a refund on the Saturday of a Friday sale.
fn two_days_of_trading() -> Trading {
    let mut t = gbp_shop();
    let c = t.add_customer("Amelia");
    let mut orders = Vec::new();

    t.set_time("2025-03-14T09:30:00+00:00");
    orders.push(t.cash_sale(&[("COFFEE", 1)]));
    t.set_time("2025-03-14T09:45:00+00:00");
    orders.push(t.cash_sale(&[("MILK", 2)]));
    t.set_time("2025-03-14T14:10:00+00:00");
    let mut cart = t.cart_for(c.id, &[("BOOK", 1), ("COFFEE", 1)]);
    cart.set_order_discount(Some(t.till.parse_discount("10%").expect("10%")));
    orders.push(
        t.till
            .checkout(&cart, &[exact_cash()])
            .expect("discounted sale"),
    );
    assert_eq!(orders[2].points_earned, 18, "18.89 earns 18 points");

    t.set_time("2025-03-15T11:05:00+00:00");
    let cart = t.cart_for(c.id, &[("COFFEE", 2)]);
    orders.push(
        t.till
            .checkout(&cart, &[TenderRequest::Points { points: 18 }, exact_cash()])
            .expect("points and cash"),
    );
    // Just after midnight local time on the 15th (still the 14th in UTC): counts on the 15th.
    t.set_time("2025-03-15T00:30:00+01:00");
    orders.push(t.cash_sale(&[("SWEET", 10)]));

    t.set_time("2025-03-15T11:30:00+00:00");
    let r = t
        .till
        .refund(
            &orders[0].id,
            &RefundRequest::Lines(vec![(sku("COFFEE"), 1)]),
            true,
        )
        .expect("refund Friday's coffee on Saturday");
    let refunds = vec![("2025-03-15".to_string(), r)];
    let orders = orders
        .iter()
        .map(|o| t.till.order(&o.id).expect("reload order"))
        .collect();
    Trading { t, orders, refunds }
}

/// What a period's rows are made of, summed from orders and refunds: (orders, items, charged,
/// discounts, tax, refunded, tax in the refunds).
type Sums = (i64, i64, i64, i64, i64, i64, i64);

/// Rows by day or by hour as they should be, summed from the orders and refunds.
fn expected_periods(tr: &Trading, by: ReportBy, days: &[&str]) -> Vec<PeriodRow> {
    let key = |created_at: &str| match by {
        ReportBy::Day => created_at[..10].to_string(),
        _ => format!("{}:00", &created_at[11..13]),
    };
    let mut rows: BTreeMap<String, Sums> = BTreeMap::new();
    for o in tr
        .orders
        .iter()
        .filter(|o| days.contains(&&o.created_at[..10]))
    {
        let row = rows.entry(key(&o.created_at)).or_default();
        row.0 += 1;
        row.1 += o.lines.iter().map(|l| l.quantity).sum::<i64>();
        row.2 += o.total;
        row.3 += o.discount_total;
        row.4 += o.tax;
    }
    for o in &tr.orders {
        for r in o
            .refunds
            .iter()
            .filter(|r| days.contains(&&r.created_at[..10]))
        {
            let row = rows.entry(key(&r.created_at)).or_default();
            row.5 += r.amount;
            row.6 += r.tax;
        }
    }
    rows.into_iter()
        .map(
            |(period, (orders, items, charged, discounts, tax, refunded, refund_tax))| PeriodRow {
                period,
                orders,
                items,
                sales: SalesSummary::from_rollup(charged, discounts, tax, refunded, refund_tax),
            },
        )
        .collect()
}

fn period_rows(tr: &Trading, from: &str, to: &str, by: ReportBy) -> Vec<PeriodRow> {
    match tr
        .t
        .till
        .report(day(from), day(to), by, None)
        .expect("report")
        .rows
    {
        ReportRows::Period(rows) => rows,
        other => panic!("expected period rows, got {other:?}"),
    }
}

#[test]
fn report_by_day_and_hour_equals_sums_of_the_orders_with_refunds_on_the_refund_day() {
    let tr = two_days_of_trading();
    let both = ["2025-03-14", "2025-03-15"];

    let by_day = period_rows(&tr, "2025-03-14", "2025-03-15", ReportBy::Day);
    assert_eq!(
        by_day,
        expected_periods(&tr, ReportBy::Day, &both),
        "by day over both days"
    );
    assert_eq!(by_day.len(), 2, "one row per trading day");
    assert_eq!(
        by_day[0].sales.refunds, 0,
        "Friday's sale refunded on Saturday is not a Friday refund"
    );
    let refund_tax: i64 = tr
        .orders
        .iter()
        .flat_map(|o| &o.refunds)
        .map(|r| r.tax)
        .sum();
    assert_eq!(
        by_day[1].sales.refunds,
        1200 - refund_tax,
        "the refund counts on Saturday, without its tax"
    );
    assert_eq!(
        by_day[1].orders, 2,
        "the 00:30 +01:00 sale is on the local business day"
    );

    let by_hour = period_rows(&tr, "2025-03-14", "2025-03-15", ReportBy::Hour);
    assert_eq!(
        by_hour,
        expected_periods(&tr, ReportBy::Hour, &both),
        "by hour over both days"
    );
    let hours: Vec<&str> = by_hour.iter().map(|r| r.period.as_str()).collect();
    assert_eq!(
        hours,
        vec!["00:00", "09:00", "11:00", "14:00"],
        "hours with trade"
    );

    let report =
        tr.t.till
            .report(day("2025-03-14"), day("2025-03-15"), ReportBy::Day, None);
    let totals = report.expect("report").totals;
    let charged: i64 = tr.orders.iter().map(|o| o.total).sum();
    let tax: i64 = tr.orders.iter().map(|o| o.tax).sum();
    let t = totals.sales;
    assert_eq!(
        charged,
        1200 + 420 + 1889 + 2400 + 20,
        "the orders' totals in figures"
    );
    assert_eq!(
        t.total_collected,
        charged - 1200,
        "total collected: what was charged less what was given back"
    );
    assert_eq!(t.tax, tax - refund_tax, "tax less the tax refunded");
    assert_eq!(
        t.net_sales,
        t.total_collected - t.tax,
        "net sales are without tax"
    );
    assert_eq!(t.refunds, 1200 - refund_tax, "refunds without their tax");
    assert_eq!(t.discounts, 210, "10% off 20.99 is 2.10");
    assert_eq!(
        t.gross_sales - t.discounts - t.refunds,
        t.net_sales,
        "gross sales less discounts and refunds are net sales"
    );
    assert_eq!(totals.orders, 5);

    let friday = period_rows(&tr, "2025-03-14", "2025-03-14", ReportBy::Day);
    assert_eq!(
        friday,
        expected_periods(&tr, ReportBy::Day, &["2025-03-14"]),
        "Friday alone"
    );
    let saturday = period_rows(&tr, "2025-03-15", "2025-03-15", ReportBy::Hour);
    assert_eq!(
        saturday,
        expected_periods(&tr, ReportBy::Hour, &["2025-03-15"]),
        "Saturday"
    );
    assert_eq!(
        saturday.iter().map(|r| r.sales.refunds).sum::<i64>(),
        1200 - refund_tax,
        "Saturday's report has the refund of a Friday sale"
    );
}

#[test]
fn report_by_product_and_tender_equals_sums_of_the_lines_and_payments() {
    let tr = two_days_of_trading();

    let mut products: BTreeMap<String, ProductRow> = BTreeMap::new();
    for o in &tr.orders {
        for l in &o.lines {
            let p = products.entry(l.sku.clone()).or_insert_with(|| ProductRow {
                sku: l.sku.clone(),
                name: l.name.clone(),
                quantity: 0,
                gross: 0,
                refunded_quantity: 0,
                refunds: 0,
                net: 0,
            });
            p.quantity += l.quantity;
            p.gross += l.gross;
        }
    }
    let mut tenders: BTreeMap<String, TenderRow> = BTreeMap::new();
    for o in &tr.orders {
        for p in &o.payments {
            let row = tenders
                .entry(p.tender.clone())
                .or_insert_with(|| TenderRow {
                    tender: p.tender.clone(),
                    payments: 0,
                    amount: 0,
                    refunds: 0,
                    net: 0,
                });
            row.payments += 1;
            row.amount += p.amount;
        }
    }
    for (_, r) in &tr.refunds {
        for l in &r.lines {
            let p = products.get_mut(&l.sku).expect("refunded product was sold");
            p.refunded_quantity += l.quantity;
            p.refunds += l.amount;
        }
        for x in &r.tenders {
            tenders
                .get_mut(&x.tender)
                .expect("refunded tender was used")
                .refunds += x.paid_out;
        }
    }
    let expected_products: Vec<ProductRow> = products
        .into_values()
        .map(|mut p| {
            p.net = p.gross - p.refunds;
            p
        })
        .collect();
    let expected_tenders: Vec<TenderRow> = tenders
        .into_values()
        .map(|mut x| {
            x.net = x.amount - x.refunds;
            x
        })
        .collect();

    let report = tr.t.till.report(
        day("2025-03-14"),
        day("2025-03-15"),
        ReportBy::Product,
        None,
    );
    let mut got = match report.expect("product report").rows {
        ReportRows::Product(rows) => rows,
        other => panic!("expected product rows, got {other:?}"),
    };
    let nets: Vec<i64> = got.iter().map(|p| p.net).collect();
    let mut sorted = nets.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(nets, sorted, "top products first (by net)");
    got.sort_by(|a, b| a.sku.cmp(&b.sku));
    assert_eq!(
        got, expected_products,
        "product figures are sums of the order lines"
    );
    let coffee = got.iter().find(|p| p.sku == "COFFEE").expect("coffee row");
    assert_eq!(
        (coffee.quantity, coffee.refunded_quantity),
        (4, 1),
        "4 coffees sold, 1 back"
    );

    let report =
        tr.t.till
            .report(day("2025-03-14"), day("2025-03-15"), ReportBy::Tender, None);
    let got = match report.expect("tender report").rows {
        ReportRows::Tender(rows) => rows,
        other => panic!("expected tender rows, got {other:?}"),
    };
    assert_eq!(
        got, expected_tenders,
        "tender figures are sums of the payments"
    );
    let tender_names: Vec<&str> = got.iter().map(|x| x.tender.as_str()).collect();
    assert_eq!(
        tender_names,
        vec!["cash", "points"],
        "cash and points were both taken"
    );

    let limited = tr.t.till.report(
        day("2025-03-14"),
        day("2025-03-15"),
        ReportBy::Product,
        Some(1),
    );
    match limited.expect("top 1").rows {
        ReportRows::Product(rows) => assert_eq!(rows.len(), 1, "limit gives the top product"),
        other => panic!("expected product rows, got {other:?}"),
    }
    let backwards =
        tr.t.till
            .report(day("2025-03-15"), day("2025-03-14"), ReportBy::Day, None);
    assert!(
        matches!(backwards, Err(TillError::Invalid { .. })),
        "to before from is refused"
    );
}

/// Sales in March and April 2025 (with a refund and a void), ranked by product three ways: one
/// whole month (the monthly index), two whole months (monthly sums) and a part-month period (daily
/// sums). Each must equal a ranking computed from the orders themselves.
#[test]
fn product_rankings_agree_for_a_month_two_months_and_part_of_a_month() {
    let mut t = gbp_shop();
    let mut orders = Vec::new();
    let sales: [(&str, &[(&str, i64)]); 6] = [
        ("2025-03-01T10:00:00+00:00", &[("COFFEE", 3), ("MILK", 1)]),
        ("2025-03-15T10:00:00+00:00", &[("BOOK", 1)]),
        ("2025-03-31T23:30:00+00:00", &[("SWEET", 7), ("MILK", 2)]),
        ("2025-04-01T08:00:00+00:00", &[("COFFEE", 1)]),
        ("2025-04-20T12:00:00+00:00", &[("MILK", 5), ("BOOK", 1)]),
        ("2025-04-30T18:00:00+00:00", &[("SWEET", 1)]),
    ];
    for (at, items) in sales {
        t.set_time(at);
        orders.push(t.cash_sale(items));
    }
    t.set_time("2025-04-02T09:00:00+00:00");
    t.till
        .refund(
            &orders[0].id,
            &RefundRequest::Lines(vec![(sku("COFFEE"), 2)]),
            false,
        )
        .expect("refund two March coffees in April");
    t.till.void(&orders[4].id).expect("void an April sale");

    // Expected (sku → quantity, gross, refunds) from the orders; refunds count on the refund day.
    let expect = |from: &str, to: &str| -> Vec<(String, i64, i64, i64)> {
        let mut by: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
        for o in &orders {
            let o = t.till.order(&o.id).expect("order");
            let d = &o.created_at[..10];
            if o.status == "voided" || d < from || d > to {
                continue;
            }
            for l in &o.lines {
                let e = by.entry(l.sku.clone()).or_default();
                e.0 += l.quantity;
                e.1 += l.gross;
            }
        }
        if from <= "2025-04-02" && to >= "2025-04-02" {
            let coffee = by.entry("COFFEE".into()).or_default();
            coffee.2 += orders[0].lines[0].gross * 2 / 3;
        }
        let mut v: Vec<(String, i64, i64, i64)> =
            by.into_iter().map(|(k, (q, g, r))| (k, q, g, r)).collect();
        v.sort_by(|a, b| (b.2 - b.3).cmp(&(a.2 - a.3)).then(a.0.cmp(&b.0)));
        v
    };
    for (from, to) in [
        ("2025-03-01", "2025-03-31"),
        ("2025-04-01", "2025-04-30"),
        ("2025-03-01", "2025-04-30"),
        ("2025-03-02", "2025-04-30"),
        ("2025-03-01", "2025-04-29"),
    ] {
        let want = expect(from, to);
        for limit in [None, Some(1), Some(2)] {
            let r = t
                .till
                .report(day(from), day(to), ReportBy::Product, limit)
                .expect("report");
            let ReportRows::Product(rows) = r.rows else {
                panic!("a product report has product rows");
            };
            let got: Vec<(String, i64, i64, i64)> = rows
                .iter()
                .map(|r| (r.sku.clone(), r.quantity, r.gross, r.refunds))
                .collect();
            let n = limit.map_or(want.len(), |l| l as usize).min(want.len());
            assert_eq!(
                got,
                want[..n].to_vec(),
                "products {from}..{to} limit {limit:?}"
            );
        }
    }
}
