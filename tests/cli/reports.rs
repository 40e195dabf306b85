//! `versapos report`: every figure equals the sum of the orders it covers, as `orders show`
//! prints them, in JSON and in CSV.

use crate::support::{array, int, pence, text, Till};
use serde_json::Value;
use std::collections::BTreeMap;

/// A day's worth of varied trade: plain, discounted, part-paid in points, and two refunds.
fn trading_day() -> Till {
    let till = Till::gbp_with_catalog();
    let c = till.add_customer("Regular").to_string();
    till.json(&["sale", "--item", "TEA:2", "--item", "BUN", "--pay", "cash"]);
    till.json(&[
        "sale",
        "--item",
        "TEA",
        "--customer",
        &c,
        "--discount",
        "10%",
        "--pay",
        "cash:5",
    ]);
    till.json(&[
        "sale",
        "--item",
        "BUN:3",
        "--line-discount",
        "BUN=0.30",
        "--customer",
        &c,
        "--pay",
        "points:2",
        "--pay",
        "cash",
    ]);
    till.json(&["sale", "--item", "CHEW:4", "--pay", "cash"]);
    till.json(&["refund", "1", "--line", "BUN:1", "--restock"]);
    till.json(&["refund", "2", "--amount", "0.50"]);
    till
}

/// Sums of the figures a report row holds.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Sums {
    orders: i64,
    items: i64,
    gross: i64,
    discounts: i64,
    tax: i64,
    refunds: i64,
    refund_tax: i64,
}

/// A row of the report as it prints: orders, items, then gross sales, discounts, refunds, net
/// sales, tax and total collected.
type Shown = (i64, i64, [i64; 6]);

const FIGURES: [&str; 6] = [
    "gross_sales",
    "discounts",
    "refunds",
    "net_sales",
    "tax",
    "total_collected",
];

impl Sums {
    /// The report's figures from the orders' own sums: what was collected, the tax in it,
    /// and net (without tax) with the discounts and refunds added back for gross.
    fn shown(&self) -> Shown {
        let collected = self.gross - self.refunds;
        let tax = self.tax - self.refund_tax;
        let net = collected - tax;
        let refunds = self.refunds - self.refund_tax;
        (
            self.orders,
            self.items,
            [
                net + self.discounts + refunds,
                self.discounts,
                refunds,
                net,
                tax,
                collected,
            ],
        )
    }

    fn of_row(row: &Value) -> Shown {
        let f = FIGURES.map(|k| int(row, k));
        assert_eq!(
            f[0] - f[1] - f[2],
            f[3],
            "gross − discounts − refunds = net in {row}"
        );
        assert_eq!(f[3] + f[4], f[5], "net + tax = total collected in {row}");
        (int(row, "orders"), int(row, "items"), f)
    }
}

/// The report's periods from the orders themselves: by day ("2026-01-31") or by hour ("13:00").
fn expected_periods(orders: &[Value], key: fn(&str) -> String) -> BTreeMap<String, Sums> {
    let mut out: BTreeMap<String, Sums> = BTreeMap::new();
    for o in orders {
        let s = out.entry(key(text(o, "created_at"))).or_default();
        s.orders += 1;
        s.items += array(o, "lines")
            .iter()
            .map(|l| int(l, "quantity"))
            .sum::<i64>();
        s.gross += int(o, "total");
        s.discounts += int(o, "discount_total");
        s.tax += int(o, "tax");
        for r in array(o, "refunds") {
            let s = out.entry(key(text(r, "created_at"))).or_default();
            s.refunds += int(r, "amount");
            s.refund_tax += int(r, "tax");
        }
    }
    out
}

fn day(at: &str) -> String {
    at[..10].to_string()
}

fn hour(at: &str) -> String {
    format!("{}:00", &at[11..13])
}

/// The first and last business day the orders and refunds fall on.
fn span(orders: &[Value]) -> (String, String) {
    let mut days: Vec<String> = orders
        .iter()
        .flat_map(|o| {
            std::iter::once(day(text(o, "created_at"))).chain(
                array(o, "refunds")
                    .iter()
                    .map(|r| day(text(r, "created_at"))),
            )
        })
        .collect();
    days.sort();
    let first = days.first().expect("there are orders").clone();
    let last = days.last().expect("there are orders").clone();
    (first, last)
}

fn period_rows(report: &Value) -> BTreeMap<String, Shown> {
    array(report, "rows")
        .iter()
        .map(|r| (text(r, "period").to_string(), Sums::of_row(r)))
        .collect()
}

#[test]
fn report_by_day_and_by_hour_equal_the_sums_of_the_orders() {
    let till = trading_day();
    let orders = till.orders();
    assert_eq!(orders.len(), 4);
    let (from, to) = span(&orders);
    for (by, key) in [("day", day as fn(&str) -> String), ("hour", hour)] {
        let report = till.json(&["report", "--from", &from, "--to", &to, "--by", by]);
        let expected = expected_periods(&orders, key);
        let shown: BTreeMap<String, Shown> = expected
            .iter()
            .map(|(k, s)| (k.clone(), s.shown()))
            .collect();
        assert_eq!(period_rows(&report), shown, "--by {by}: rows");
        let total = expected.values().fold(Sums::default(), |a, s| Sums {
            orders: a.orders + s.orders,
            items: a.items + s.items,
            gross: a.gross + s.gross,
            discounts: a.discounts + s.discounts,
            tax: a.tax + s.tax,
            refunds: a.refunds + s.refunds,
            refund_tax: a.refund_tax + s.refund_tax,
        });
        assert_eq!(
            Sums::of_row(&report["totals"]),
            total.shown(),
            "--by {by}: totals"
        );
        assert_eq!(total.orders, 4);
        assert_eq!(total.refunds, 135 + 50, "a bun and 0.50 were refunded");
        assert!(total.discounts > 0, "discounts were given: {total:?}");
    }

    let csv = till.ok(&[
        "report", "--from", &from, "--to", &to, "--by", "day", "--csv",
    ]);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("period,orders,items,gross_sales,discounts,refunds,net_sales,tax,total_collected,currency"),
        "CSV header"
    );
    let from_csv: BTreeMap<String, Shown> = lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            assert_eq!(f.len(), 10, "ten fields: {l}");
            assert_eq!(f[9], "GBP", "amounts are in GBP: {l}");
            let figures = [3, 4, 5, 6, 7, 8].map(|i| pence(f[i]));
            (
                f[0].to_string(),
                (
                    f[1].parse().expect("orders is a whole number"),
                    f[2].parse().expect("items is a whole number"),
                    figures,
                ),
            )
        })
        .collect();
    let expected: BTreeMap<String, Shown> = expected_periods(&orders, day)
        .into_iter()
        .map(|(k, s)| (k, s.shown()))
        .collect();
    assert_eq!(from_csv, expected, "--csv: the same figures in major units");

    let plain = till.ok(&["report", "--from", &from, "--to", &to]);
    let totals = till.json(&["report", "--from", &from, "--to", &to]);
    // Each figure in words, in the conventional order, with what it means.
    let mut at = 0;
    for (key, words) in FIGURES.iter().zip([
        "gross sales",
        "discounts",
        "refunds",
        "net sales",
        "tax",
        "total collected",
    ]) {
        let v = int(&totals["totals"], key);
        let line = plain
            .lines()
            .find(|l| {
                l.trim_start().starts_with(words)
                    && l.contains(&format!("{}.{:02}", v / 100, v % 100))
            })
            .unwrap_or_else(|| panic!("the table shows {words} {v}:\n{plain}"));
        let here = plain.find(line).expect("line");
        assert!(here > at, "{words} comes after the one before it:\n{plain}");
        at = here;
    }
    assert!(
        plain.contains("net sales") && plain.contains("without tax"),
        "{plain}"
    );
}

#[test]
fn report_by_product_and_by_tender_equal_the_sums_of_lines_and_payments() {
    let till = trading_day();
    let orders = till.orders();
    let (from, to) = span(&orders);

    // sku → (quantity, gross, refunded quantity, refunds)
    let mut products: BTreeMap<String, (i64, i64, i64, i64)> = BTreeMap::new();
    // tender → (payments, amount, refunds)
    let mut tenders: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
    for o in &orders {
        for l in array(o, "lines") {
            let p = products.entry(text(l, "sku").to_string()).or_default();
            p.0 += int(l, "quantity");
            p.1 += int(l, "gross");
            p.2 += int(l, "refunded_quantity");
            p.3 += int(l, "refunded_amount");
        }
        for p in array(o, "payments") {
            let t = tenders.entry(text(p, "tender").to_string()).or_default();
            t.0 += 1;
            t.1 += int(p, "amount");
            t.2 += int(p, "refunded");
        }
    }
    assert_eq!(tenders.len(), 2, "cash and points were taken: {tenders:?}");

    let report = till.json(&["report", "--from", &from, "--to", &to, "--by", "product"]);
    let rows: BTreeMap<String, (i64, i64, i64, i64)> = array(&report, "rows")
        .iter()
        .map(|r| {
            assert_eq!(
                int(r, "net"),
                int(r, "gross") - int(r, "refunds"),
                "net in {r}"
            );
            (
                text(r, "sku").to_string(),
                (
                    int(r, "quantity"),
                    int(r, "gross"),
                    int(r, "refunded_quantity"),
                    int(r, "refunds"),
                ),
            )
        })
        .collect();
    assert_eq!(rows, products, "--by product: the sums of the order lines");

    let csv = till.ok(&[
        "report", "--from", &from, "--to", &to, "--by", "product", "--csv",
    ]);
    let from_csv: BTreeMap<String, (i64, i64, i64, i64)> = csv
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            assert_eq!(f.len(), 8, "eight fields: {l}");
            (
                f[0].to_string(),
                (
                    f[2].parse().expect("quantity is a whole number"),
                    pence(f[3]),
                    f[4].parse().expect("refunded quantity is a whole number"),
                    pence(f[5]),
                ),
            )
        })
        .collect();
    assert_eq!(from_csv, products, "--by product --csv");

    let report = till.json(&["report", "--from", &from, "--to", &to, "--by", "tender"]);
    let rows: BTreeMap<String, (i64, i64, i64)> = array(&report, "rows")
        .iter()
        .map(|r| {
            assert_eq!(
                int(r, "net"),
                int(r, "amount") - int(r, "refunds"),
                "net in {r}"
            );
            (
                text(r, "tender").to_string(),
                (int(r, "payments"), int(r, "amount"), int(r, "refunds")),
            )
        })
        .collect();
    assert_eq!(rows, tenders, "--by tender: the sums of the payments");

    let csv = till.ok(&[
        "report", "--from", &from, "--to", &to, "--by", "tender", "--csv",
    ]);
    let from_csv: BTreeMap<String, (i64, i64, i64)> = csv
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            assert_eq!(f.len(), 6, "six fields: {l}");
            (
                f[0].to_string(),
                (
                    f[1].parse().expect("payments is a whole number"),
                    pence(f[2]),
                    pence(f[3]),
                ),
            )
        })
        .collect();
    assert_eq!(from_csv, tenders, "--by tender --csv");
}

#[test]
fn report_refuses_an_unknown_by_or_a_bad_date_with_exit_2() {
    let till = trading_day();
    for (args, word) in [
        (
            vec!["--from", "today", "--to", "today", "--by", "week"],
            "--by",
        ),
        (vec!["--from", "2024-13-01", "--to", "today"], "--from"),
        (vec!["--from", "2024-02-30", "--to", "today"], "--from"),
        (vec!["--from", "today", "--to", "31/12/2024"], "--to"),
        (vec!["--from", "today", "--to", "yesterday"], "--to"),
    ] {
        let mut all = vec!["report"];
        all.extend(args.iter().copied());
        let r = till.refused(&all);
        assert!(
            r.message.contains(word),
            "`report {}` names {word}: {}",
            args.join(" "),
            r.message
        );
    }
}
