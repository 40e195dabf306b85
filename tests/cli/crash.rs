//! Crash safety: `versapos sale` processes SIGKILLed at every point of their short lives leave
//! a store where every order is complete or absent, never half written.

use crate::support::{int, Till};
use rusqlite::{params, Connection};
use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;
use std::time::{Duration, Instant};

const START_STOCK: i64 = 1_000_000;
const ROUNDS: u64 = 288;
/// Distinct kill delays, spread evenly from 0 to a little past a whole sale's run time.
const STEPS: u64 = 48;

/// A sale's arguments: 2 mugs and a pen (18.25) for the customer, in cash, spending 100 of their
/// points first when `redeem`.
fn sale_args(customer: &str, redeem: bool) -> Vec<String> {
    let mut args: Vec<String> = [
        "sale",
        "--item",
        "MUG:2",
        "--item",
        "PEN",
        "--customer",
        customer,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if redeem {
        args.extend(["--pay".to_string(), "points:100".to_string()]);
    }
    args.extend(["--pay".to_string(), "cash:50.00".to_string()]);
    args
}

#[test]
fn sigkilled_sales_leave_every_order_complete_or_absent() {
    let till = Till::gbp();
    till.import(
        "catalog.csv",
        &format!(
            "sku,name,price,tax_rate,stock\nMUG,Mug,7.50,standard,{START_STOCK}\n\
             PEN,Pen,3.25,reduced,{START_STOCK}\n"
        ),
    );
    let customer = till.add_customer("Crash Test Dummy").to_string();

    // Uninterrupted sales: how long a whole run takes here, and points to spend later.
    let mut runs = Vec::new();
    for _ in 0..5 {
        let args = sale_args(&customer, false);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let started = Instant::now();
        till.ok(&args);
        runs.push(started.elapsed());
    }
    runs.sort();
    let whole_run = runs[runs.len() / 2];
    let max_delay = whole_run.mul_f64(1.3).max(Duration::from_millis(2));

    let (mut finished, mut refused, mut killed) = (0, 0, 0);
    for round in 0..ROUNDS {
        let delay = max_delay.mul_f64((round % STEPS) as f64 / (STEPS - 1) as f64);
        let mut child = till
            .command()
            .args(sale_args(&customer, round % 3 == 0))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn a sale");
        if !delay.is_zero() {
            std::thread::sleep(delay);
        }
        // Fails only when the child has already been reaped, which cannot happen before `wait`.
        child.kill().expect("SIGKILL the sale");
        let out = child.wait_with_output().expect("reap the sale");
        match (out.status.code(), out.status.signal()) {
            (Some(0), _) => finished += 1,
            // A points sale may find the balance short; that is a clean refusal.
            (Some(2), _) if round % 3 == 0 => refused += 1,
            (None, Some(9)) => killed += 1,
            (code, signal) => panic!(
                "round {round}: a sale may finish, be refused for points or be killed; it \
                 ended with code {code:?} signal {signal:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            ),
        }
    }
    eprintln!(
        "crash test: whole run {whole_run:?}, delays up to {max_delay:?}; {finished} finished, \
         {refused} refused, {killed} killed"
    );
    assert!(killed > 0, "some sales must have been killed");

    let conn = Connection::open(&till.db).expect("open the store after the crashes");
    let integrity: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("run integrity_check");
    assert_eq!(integrity, ["ok"], "SQLite finds the file intact");
    let fk_problems: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .expect("run foreign_key_check");
    assert_eq!(fk_problems, 0, "no row points at a missing row");

    let verify = till.run(&["journal", "verify"]);
    assert_eq!(
        verify.code,
        Some(0),
        "the journal verifies after the crashes:\n{}{}",
        verify.stdout,
        verify.stderr
    );

    check_every_order_is_whole(&conn, 5 + finished);
    drop(conn);

    // And the till carries on selling with the next number.
    let next = till.json(&["sale", "--item", "PEN", "--pay", "cash"]);
    let orders: i64 = Connection::open(&till.db)
        .and_then(|c| c.query_row("SELECT count(*) FROM orders", [], |r| r.get(0)))
        .expect("count orders");
    assert_eq!(int(&next, "number"), orders, "the next receipt follows on");
}

fn count(conn: &Connection, sql: &str, id: &str) -> i64 {
    conn.query_row(sql, [id], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Every order is complete: lines, payments, journal entry, points; numbers gapless; stock and
/// balance agree with what was sold.
fn check_every_order_is_whole(conn: &Connection, at_least: i64) {
    #[allow(clippy::type_complexity)]
    let orders: Vec<(String, i64, i64, i64, i64, i64, Option<i64>)> = conn
        .prepare(
            "SELECT id, number, total, cash_rounding, points_earned, points_redeemed, customer_id
             FROM orders ORDER BY number",
        )
        .and_then(|mut s| {
            s.query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })?
            .collect()
        })
        .expect("read the orders");
    let n = orders.len() as i64;
    assert!(
        n >= at_least,
        "every sale that exited 0 left its order: {n} orders, {at_least} sales finished"
    );
    let numbers: Vec<i64> = orders.iter().map(|o| o.1).collect();
    assert_eq!(
        numbers,
        (1..=n).collect::<Vec<_>>(),
        "receipt numbers are gapless from 1"
    );
    let counter: i64 = conn
        .query_row(
            "SELECT last_number FROM receipt_counters WHERE till_id = 'T1'",
            [],
            |r| r.get(0),
        )
        .expect("read the receipt counter");
    assert_eq!(
        counter, n,
        "the receipt counter has not run ahead of the orders"
    );

    for (id, number, total, rounding, earned, redeemed, customer) in &orders {
        let what = format!("order {number} ({id})");
        assert!(customer.is_some(), "{what}: the customer is linked");
        let lines = count(
            conn,
            "SELECT count(*) FROM order_lines WHERE order_id = ?1",
            id,
        );
        assert_eq!(lines, 2, "{what}: both lines are there");
        let paid = count(
            conn,
            "SELECT coalesce(sum(amount), 0) FROM payments WHERE order_id = ?1",
            id,
        );
        assert_eq!(
            paid,
            total + rounding,
            "{what}: payments add up to total + cash rounding"
        );
        let entries = count(
            conn,
            "SELECT count(*) FROM journal WHERE kind = 'sale' AND ref_id = ?1",
            id,
        );
        assert_eq!(entries, 1, "{what}: exactly one journal entry");
        let earn: Vec<i64> = conn
            .prepare("SELECT points FROM points_ledger WHERE order_id = ?1 AND kind = 'earn'")
            .and_then(|mut s| s.query_map([id], |r| r.get(0))?.collect())
            .expect("read earn entries");
        let expected_earn: Vec<i64> = if *earned > 0 { vec![*earned] } else { vec![] };
        assert_eq!(
            earn, expected_earn,
            "{what}: an earn entry exactly when points were earned"
        );
        let redeem: Vec<i64> = conn
            .prepare("SELECT points FROM points_ledger WHERE order_id = ?1 AND kind = 'redeem'")
            .and_then(|mut s| s.query_map([id], |r| r.get(0))?.collect())
            .expect("read redeem entries");
        let expected_redeem: Vec<i64> = if *redeemed > 0 {
            vec![-*redeemed]
        } else {
            vec![]
        };
        assert_eq!(
            redeem, expected_redeem,
            "{what}: a redeem entry exactly when points were spent"
        );
    }
    let orphans: i64 = conn
        .query_row(
            "SELECT (SELECT count(*) FROM order_lines WHERE order_id NOT IN (SELECT id FROM orders))
                  + (SELECT count(*) FROM payments WHERE order_id NOT IN (SELECT id FROM orders))
                  + (SELECT count(*) FROM journal WHERE kind = 'sale'
                         AND ref_id NOT IN (SELECT id FROM orders))
                  + (SELECT count(*) FROM points_ledger WHERE order_id IS NOT NULL
                         AND order_id NOT IN (SELECT id FROM orders))",
            [],
            |r| r.get(0),
        )
        .expect("count orphans");
    assert_eq!(orphans, 0, "nothing is left of an order that is not there");

    let (balance, ledger_sum, last_after): (i64, i64, i64) = conn
        .query_row(
            "SELECT c.points_balance,
                    (SELECT coalesce(sum(points), 0) FROM points_ledger WHERE customer_id = c.id),
                    (SELECT balance_after FROM points_ledger WHERE customer_id = c.id
                     ORDER BY id DESC LIMIT 1)
             FROM customers c",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("read the customer's points");
    assert_eq!(balance, ledger_sum, "the balance is the sum of the ledger");
    assert_eq!(balance, last_after, "the ledger's running balance agrees");
    let earned: i64 = orders.iter().map(|o| o.4).sum();
    let redeemed: i64 = orders.iter().map(|o| o.5).sum();
    assert_eq!(
        balance,
        earned - redeemed,
        "points earned minus points spent"
    );

    for sku in ["MUG", "PEN"] {
        let (stock, sold): (i64, i64) = conn
            .query_row(
                "SELECT p.stock, (SELECT coalesce(sum(l.quantity), 0) FROM order_lines l
                                  WHERE l.product_id = p.id)
                 FROM products p WHERE p.sku = ?1",
                params![sku],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("read stock");
        assert_eq!(
            START_STOCK - stock,
            sold,
            "{sku}: stock went down by exactly what was sold"
        );
    }

    let rollups: [i64; 4] = conn
        .query_row(
            "SELECT (SELECT coalesce(sum(orders), 0) FROM sales_by_hour),
                    (SELECT coalesce(sum(gross), 0) FROM sales_by_hour),
                    (SELECT coalesce(sum(quantity), 0) FROM sales_by_product),
                    (SELECT coalesce(sum(amount), 0) FROM sales_by_tender)",
            [],
            |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?]),
        )
        .expect("read the rollups");
    let facts: [i64; 4] = conn
        .query_row(
            "SELECT (SELECT count(*) FROM orders), (SELECT coalesce(sum(total), 0) FROM orders),
                    (SELECT coalesce(sum(quantity), 0) FROM order_lines),
                    (SELECT coalesce(sum(amount), 0) FROM payments)",
            [],
            |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?]),
        )
        .expect("read the order facts");
    assert_eq!(
        rollups, facts,
        "the report rollups (orders, gross, items, tendered) count each order exactly once"
    );
}
