//! X report and Z close on the benchmark store: 1,000,000 products and 1,000,000 orders (the till
//! bench's cached store, copied so it stays as it was), the year's orders closed into a first Z,
//! then a shift of 2,000 cash sales at the end of it. Baseline, same run: a bare SQL sum over
//! the same orders (what the Z has to add up at the least).
//!
//! `cargo bench -p versapos-till --bench shift` (`VERSAPOS_BENCH_QUICK=1`: 20,000 products and
//! orders; `VERSAPOS_BENCH_SHIFT_SALES` changes the shift's 2,000 sales).

#[path = "support/mod.rs"]
#[allow(dead_code)]
mod support;

use std::time::{Duration, Instant};
use versapos_core::TenderRequest;
use versapos_till::Till;

fn main() {
    let quick = std::env::var("VERSAPOS_BENCH_QUICK").is_ok_and(|v| v == "1");
    let size = if quick { 20_000 } else { 1_000_000 };
    let sales: usize = std::env::var("VERSAPOS_BENCH_SHIFT_SALES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let cached = support::bench_store(size, size);
    let dir = tempfile::tempdir_in(support::bench_dir()).expect("a temp folder beside the store");
    let path = dir.path().join("shift-bench.db");
    std::fs::copy(&cached, &path).expect("copy the bench store");
    println!(
        "store: {size} products, {size} orders (a copy of {})",
        cached.display()
    );

    let started = Instant::now();
    let mut till = Till::open(&path).expect("open (and migrate) the copy");
    println!("open and migrate: {:.1?}", started.elapsed());
    // The store's whole history into the first Z (once, on an upgraded store).
    till.open_shift(&till.parse_float("100.00").expect("float"))
        .expect("open the first shift");
    let x = till.x_report().expect("X");
    let started = Instant::now();
    let count = till.parse_float(&money(x.expected)).expect("count");
    let first = till.close_shift(&count, "", None).expect("the first Z");
    println!(
        "first Z (the store's {} sales before shifts): {:.1?}",
        first.totals.sales,
        started.elapsed()
    );

    // A shift of `sales` cash sales at the end of the year.
    till.open_shift(&till.parse_float("100.00").expect("float"))
        .expect("open the shift");
    let codes: Vec<String> = (0..50).map(|i| support::barcode(i * 997)).collect();
    for i in 0..sales {
        let mut cart = till.new_cart().expect("cart");
        for k in 0..3 {
            till.add_to_cart(&mut cart, &codes[(i * 3 + k) % codes.len()], 1)
                .expect("add");
        }
        till.checkout(&cart, &[TenderRequest::Cash { tendered: None }])
            .expect("sale");
    }
    let bare = rusqlite::Connection::open(&path).expect("a bare connection");
    let till_id = till.shop().expect("shop").till_id.to_string();
    let baseline = || {
        bare.query_row(
            "SELECT count(*), SUM(o.total), SUM(o.discount_total),
                 (SELECT SUM(p.amount) FROM payments p JOIN orders q ON q.id = p.order_id
                  WHERE q.till_id = ?1 AND q.z_number IS NULL AND p.tender = 'cash')
             FROM orders o WHERE o.till_id = ?1 AND o.z_number IS NULL
               AND o.status IN ('paid', 'partially_refunded', 'refunded')",
            [&till_id],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
        )
        .expect("bare sum")
    };
    let x_times = times(30, || {
        let x = till.x_report().expect("X");
        assert_eq!(x.sales as usize, sales);
    });
    let bare_times = times(30, || {
        let (n, _) = baseline();
        assert_eq!(n as usize, sales);
    });
    let expected = till.x_report().expect("X").expected;
    let count = till.parse_float(&money(expected)).expect("count");
    let started = Instant::now();
    let z = till.close_shift(&count, "", None).expect("Z close");
    let z_time = started.elapsed();
    assert_eq!(z.totals.sales as usize, sales);
    println!("shift of {sales} cash sales (3 items each):");
    report("X report (30 runs)", &x_times);
    report("bare SQL sum, same orders (30 runs)", &bare_times);
    println!(
        "  {:<40} {z_time:>10.3?}  (one close; Z {})",
        "Z close", z.z_number
    );
}

fn money(minor: i64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

fn times(n: usize, mut f: impl FnMut()) -> Vec<Duration> {
    f();
    let mut t: Vec<Duration> = (0..n)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed()
        })
        .collect();
    t.sort();
    t
}

fn report(name: &str, t: &[Duration]) {
    let p = |q: f64| t[((t.len() - 1) as f64 * q).round() as usize];
    println!(
        "  {name:<40} p50 {:>9.3?}  p99 {:>9.3?}  max {:>9.3?}",
        p(0.5),
        p(0.99),
        p(1.0)
    );
}
