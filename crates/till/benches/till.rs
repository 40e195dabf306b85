//! The till's performance budgets (DESIGN.md, "Performance budgets"), each measured against a
//! bare-SQLite baseline in the same run, on a generated store (see `support`).
//!
//! `cargo bench -p versapos-store --bench till` runs criterion (mean/median with confidence
//! intervals) and then a p50/p99 pass per group: the till call and its baseline timed one call at a
//! time, interleaved so that noise from other work on the machine hits both alike. Each iteration
//! rotates which call goes first, and the baseline walks the same key list from its middle, so
//! neither side always runs right after the other fetched the same pages. The p50/p99 table is
//! printed to stdout and written next to the bench store.
//!
//! Environment:
//! - `VERSAPOS_BENCH_QUICK=1`: 20,000 products and 20,000 orders, short measurements.
//! - `VERSAPOS_BENCH_PRODUCTS`, `VERSAPOS_BENCH_ORDERS`: store size (default 1,000,000 each).
//! - `VERSAPOS_BENCH_DIR`: where bench stores live (default `~/.cache/versapos-bench`).
//! - `VERSAPOS_BENCH_GROUPS`: comma-separated subset of `startup,lookup,search,reports,checkout`.

mod support;

use chrono::{Datelike, Duration as Days, NaiveDate, SecondsFormat, Timelike};
use criterion::{Criterion, SamplingMode};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::{params, Connection, TransactionBehavior};
use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use versapos_core::{Cart, CustomerId, TaxMode, TenderRequest, ROUNDING_RULE};
use versapos_till::{ReportBy, Till};

fn main() {
    let quick = std::env::var("VERSAPOS_BENCH_QUICK").is_ok_and(|v| v == "1");
    let (products, orders) = if quick {
        (20_000, 20_000)
    } else {
        (
            env_usize("VERSAPOS_BENCH_PRODUCTS", 1_000_000),
            env_usize("VERSAPOS_BENCH_ORDERS", 1_000_000),
        )
    };
    let groups = std::env::var("VERSAPOS_BENCH_GROUPS")
        .unwrap_or_else(|_| "startup,lookup,search,reports,orders,checkout".into());
    let wants = |g: &str| groups.split(',').any(|x| x.trim() == g);

    let path = support::bench_store(products, orders);
    let generator = std::fs::read_to_string(support::marker(&path)).unwrap_or_default();
    let mut out = Report::new(quick);
    let mut c = Criterion::default().configure_from_args();

    if wants("startup") {
        startup(&path, &mut out);
    }
    let till = Till::open(&path).expect("open the bench store");
    let bare = bare_connection(&path);
    let mut rng = StdRng::seed_from_u64(42);
    if wants("lookup") {
        lookup(&mut c, &till, &bare, &mut rng, &mut out);
    }
    if wants("search") {
        search(&mut c, &till, &bare, &mut rng, &mut out);
    }
    if wants("reports") {
        reports(&mut c, &till, &bare, &mut out);
    }
    if wants("orders") {
        order_list(&till, &bare, &mut rng, &mut out);
    }
    drop(till);
    drop(bare);
    if wants("checkout") {
        checkout(&mut c, &path, &mut rng, &mut out);
    }
    c.final_summary();

    let mut text = String::new();
    let _ = writeln!(
        text,
        "## p50/p99 (store: {products} products, {orders} orders)\n"
    );
    let _ = writeln!(
        text,
        "Generator (from the store's marker file):\n\n```\n{}```\n",
        generator
    );
    text.push_str(&out.render());
    println!("\n{text}");
    let file = support::bench_dir().join(format!("results-{products}-{orders}.md"));
    match std::fs::write(&file, &text) {
        Ok(()) => println!("(also written to {})", file.display()),
        Err(e) => eprintln!("could not write {}: {e}", file.display()),
    }
}

fn env_usize(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(v) => v
            .replace('_', "")
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v} is not a number")),
        Err(_) => default,
    }
}

/// A plain connection with the till's pragmas, for the baselines.
fn bare_connection(path: &Path) -> Connection {
    let conn = Connection::open(path).expect("open a bare connection");
    conn.busy_timeout(Duration::from_secs(10))
        .expect("busy timeout");
    conn.pragma_update(None, "journal_mode", "WAL")
        .expect("WAL");
    conn.pragma_update(None, "synchronous", "FULL")
        .expect("synchronous=FULL");
    conn.pragma_update(None, "foreign_keys", "ON")
        .expect("foreign keys");
    conn.pragma_update(None, "temp_store", "MEMORY")
        .expect("temp store");
    conn
}

// ---------------------------------------------------------------------------------------------
// Percentiles: each call timed on its own, the till and its baseline interleaved.

#[derive(Clone, Copy, Debug)]
struct Stats {
    n: usize,
    p50: Duration,
    p99: Duration,
    mean: Duration,
}

fn stats(mut v: Vec<Duration>) -> Stats {
    v.sort_unstable();
    let n = v.len().max(1);
    let at = |q: f64| {
        v.get(((n as f64 * q).ceil() as usize).clamp(1, n) - 1)
            .copied()
    };
    let total: Duration = v.iter().sum();
    Stats {
        n: v.len(),
        p50: at(0.50).unwrap_or_default(),
        p99: at(0.99).unwrap_or_default(),
        mean: total / u32::try_from(n).unwrap_or(u32::MAX),
    }
}

/// Runs the calls in turn until each ran `max_iters` times or `max_time` has passed (but at
/// least `min_iters` times), after a short warm-up; returns each call's timings.
fn interleaved(
    calls: &mut [&mut dyn FnMut()],
    min_iters: usize,
    max_iters: usize,
    max_time: Duration,
) -> Vec<Stats> {
    let warm = Instant::now();
    for _ in 0..(max_iters / 20).max(2) {
        for f in calls.iter_mut() {
            f();
        }
        if warm.elapsed() > max_time / 10 {
            break;
        }
    }
    let mut times: Vec<Vec<Duration>> = calls
        .iter()
        .map(|_| Vec::with_capacity(max_iters))
        .collect();
    let start = Instant::now();
    for i in 0..max_iters {
        // Each call goes first in turn, so none always runs right after another touched the
        // same pages.
        let n = calls.len();
        for r in 0..n {
            let k = (i + r) % n;
            let s = Instant::now();
            calls[k]();
            times[k].push(s.elapsed());
        }
        if i + 1 >= min_iters && start.elapsed() > max_time {
            break;
        }
    }
    times.into_iter().map(stats).collect()
}

struct Row {
    group: &'static str,
    case: String,
    till: Stats,
    bare: Option<(String, Stats)>,
    budget: String,
    verdict: String,
}

struct Report {
    quick: bool,
    rows: Vec<Row>,
    notes: Vec<String>,
}

fn fmt_d(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us < 1000.0 {
        format!("{us:.1} µs")
    } else if us < 1_000_000.0 {
        format!("{:.2} ms", us / 1000.0)
    } else {
        format!("{:.2} s", us / 1e6)
    }
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-12)
}

impl Report {
    fn new(quick: bool) -> Self {
        Report {
            quick,
            rows: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// A budget relative to the baseline: both p50 and p99 within `max_ratio`.
    fn relative(
        &mut self,
        group: &'static str,
        case: &str,
        till: Stats,
        bare: (&str, Stats),
        max_ratio: f64,
    ) {
        let (r50, r99) = (ratio(till.p50, bare.1.p50), ratio(till.p99, bare.1.p99));
        let verdict = match (r50 <= max_ratio, r99 <= max_ratio) {
            (true, true) => "pass".to_string(),
            (false, false) => "MISS (p50 and p99)".to_string(),
            (false, true) => "MISS (p50)".to_string(),
            (true, false) => "MISS (p99)".to_string(),
        };
        self.rows.push(Row {
            group,
            case: case.to_string(),
            till,
            bare: Some((bare.0.to_string(), bare.1)),
            budget: format!("≤ {max_ratio}× bare"),
            verdict,
        });
    }

    /// An absolute budget on p99, with the baseline shown for comparison.
    fn absolute(
        &mut self,
        group: &'static str,
        case: &str,
        till: Stats,
        bare: Option<(&str, Stats)>,
        max_p99: Duration,
    ) {
        let verdict = if till.p99 <= max_p99 {
            "pass".to_string()
        } else {
            format!("MISS by {:.1}×", ratio(till.p99, max_p99))
        };
        self.rows.push(Row {
            group,
            case: case.to_string(),
            till,
            bare: bare.map(|(n, s)| (n.to_string(), s)),
            budget: format!("p99 ≤ {}", fmt_d(max_p99)),
            verdict,
        });
    }

    /// A comparison shown for context, not a budget.
    fn control(&mut self, group: &'static str, case: &str, till: Stats, bare: (&str, Stats)) {
        self.rows.push(Row {
            group,
            case: case.to_string(),
            till,
            bare: Some((bare.0.to_string(), bare.1)),
            budget: "(control)".to_string(),
            verdict: "–".to_string(),
        });
    }

    fn note(&mut self, s: String) {
        eprintln!("note: {s}");
        self.notes.push(s);
    }

    fn render(&self) -> String {
        let mut t = String::new();
        if self.quick {
            t.push_str("QUICK MODE: small store, short runs; not the budget figures.\n\n");
        }
        t.push_str(
            "| group | till call | n | p50 | p99 | mean | baseline | base p50 | base p99 | base mean | \
             ratio p50 | ratio p99 | ratio mean | budget | verdict |\n\
             |---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
        );
        for r in &self.rows {
            let dash = || "–".to_string();
            let (bn, b50, b99, bm, r50, r99, rm) = match &r.bare {
                Some((n, b)) => (
                    n.clone(),
                    fmt_d(b.p50),
                    fmt_d(b.p99),
                    fmt_d(b.mean),
                    format!("{:.2}×", ratio(r.till.p50, b.p50)),
                    format!("{:.2}×", ratio(r.till.p99, b.p99)),
                    format!("{:.2}×", ratio(r.till.mean, b.mean)),
                ),
                None => (dash(), dash(), dash(), dash(), dash(), dash(), dash()),
            };
            let cells = [
                r.group.to_string(),
                r.case.clone(),
                r.till.n.to_string(),
                fmt_d(r.till.p50),
                fmt_d(r.till.p99),
                fmt_d(r.till.mean),
                bn,
                b50,
                b99,
                bm,
                r50,
                r99,
                rm,
                r.budget.clone(),
                r.verdict.clone(),
            ];
            let _ = writeln!(t, "| {} |", cells.join(" | "));
        }
        if !self.notes.is_empty() {
            t.push_str("\nNotes:\n\n");
            for n in &self.notes {
                let _ = writeln!(t, "- {n}");
            }
        }
        t
    }
}

/// Per-group limits for the p50/p99 pass: (max iterations, max seconds).
fn pct_limits(quick: bool, max_iters: usize, secs: u64) -> (usize, Duration) {
    if quick {
        (
            max_iters.min(2_000),
            Duration::from_secs(secs.div_ceil(4).max(1)),
        )
    } else {
        (max_iters, Duration::from_secs(secs))
    }
}

fn group_timing<'a>(
    c: &'a mut Criterion,
    name: &str,
    quick: bool,
    warm: u64,
    measure: u64,
) -> criterion::BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut g = c.benchmark_group(name);
    if quick {
        g.warm_up_time(Duration::from_millis(200))
            .measurement_time(Duration::from_millis(700))
            .sample_size(10);
    } else {
        g.warm_up_time(Duration::from_secs(warm))
            .measurement_time(Duration::from_secs(measure));
    }
    g
}

// ---------------------------------------------------------------------------------------------
// Start-up: open the store, load the shop, first search — what the sell screen needs.

fn evict_from_page_cache(path: &Path) -> bool {
    let mut ok = true;
    for suffix in ["", "-wal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let p = PathBuf::from(p);
        if !p.exists() {
            continue;
        }
        let mut arg = std::ffi::OsString::from("if=");
        arg.push(&p);
        let status = std::process::Command::new("dd")
            .arg(arg)
            .args(["iflag=nocache", "count=0", "status=none"])
            .status();
        ok &= status.is_ok_and(|s| s.success());
    }
    ok
}

fn open_to_sell_screen(path: &Path) -> (Duration, usize) {
    let t = Instant::now();
    let till = Till::open(path).expect("open");
    let shop = till.shop().expect("shop");
    black_box(shop);
    let found = till.find_products("a", 20).expect("first search");
    (t.elapsed(), found.len())
}

fn startup(path: &Path, out: &mut Report) {
    let evicted = evict_from_page_cache(path);
    let (cold, n) = open_to_sell_screen(path);
    let warm: Vec<Duration> = (0..5).map(|_| open_to_sell_screen(path).0).collect();
    let warm = stats(warm);
    eprintln!(
        "startup: first {} ({} results), then p50 {}",
        fmt_d(cold),
        n,
        fmt_d(warm.p50)
    );
    let case = if evicted {
        "open + shop + find(\"a\"), file evicted from page cache"
    } else {
        "open + shop + find(\"a\"), first in process (eviction failed)"
    };
    let one = Stats {
        n: 1,
        p50: cold,
        p99: cold,
        mean: cold,
    };
    out.absolute("startup", case, one, None, Duration::from_millis(1500));
    out.absolute(
        "startup",
        "same, page cache warm (5 runs)",
        warm,
        None,
        Duration::from_millis(1500),
    );
}

// ---------------------------------------------------------------------------------------------
// Lookup by barcode and SKU.

#[derive(Debug)]
#[allow(dead_code)] // read only through black_box
struct BareProduct {
    id: i64,
    sku: String,
    barcode: Option<String>,
    name: String,
    price: i64,
    tax_rate: String,
    stock: i64,
    reorder_level: Option<i64>,
    category: Option<String>,
}

fn bare_point(conn: &Connection, sql: &str, key: &str) -> BareProduct {
    conn.prepare_cached(sql)
        .expect("prepare")
        .query_row([key], |r| {
            Ok(BareProduct {
                id: r.get(0)?,
                sku: r.get(1)?,
                barcode: r.get(2)?,
                name: r.get(3)?,
                price: r.get(4)?,
                tax_rate: r.get(5)?,
                stock: r.get(6)?,
                reorder_level: r.get(7)?,
                category: r.get(8)?,
            })
        })
        .expect("bare point query")
}

const BARE_BY_BARCODE: &str =
    "SELECT id, sku, barcode, name, price, tax_rate, stock, reorder_level, \
     category FROM products WHERE barcode = ?1";
const BARE_BY_SKU: &str = "SELECT id, sku, barcode, name, price, tax_rate, stock, reorder_level, \
     category FROM products WHERE sku = ?1";

fn max_product_id(bare: &Connection) -> i64 {
    bare.query_row("SELECT max(id) FROM products", [], |r| r.get(0))
        .expect("max id")
}

/// (sku, barcode, name) of random products.
fn sample_products(bare: &Connection, rng: &mut StdRng, n: usize) -> Vec<(String, String, String)> {
    let max = max_product_id(bare);
    let mut stmt = bare
        .prepare("SELECT sku, barcode, name FROM products WHERE id = ?1")
        .expect("prepare");
    (0..n)
        .map(|_| {
            let id = rng.random_range(1..=max);
            stmt.query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .expect("sample a product")
        })
        .collect()
}

fn lookup(c: &mut Criterion, till: &Till, bare: &Connection, rng: &mut StdRng, out: &mut Report) {
    let keys = sample_products(bare, rng, 4096);
    let barcodes: Vec<&str> = keys.iter().map(|k| k.1.as_str()).collect();
    let skus: Vec<&str> = keys.iter().map(|k| k.0.as_str()).collect();
    {
        let mut g = group_timing(c, "lookup", out.quick, 1, 3);
        let mut i = 0;
        g.bench_function("till_barcode", |b| {
            b.iter(|| {
                i = (i + 1) % barcodes.len();
                black_box(till.lookup(barcodes[i]).expect("lookup"))
            })
        });
        g.bench_function("bare_barcode", |b| {
            b.iter(|| {
                i = (i + 1) % barcodes.len();
                black_box(bare_point(bare, BARE_BY_BARCODE, barcodes[i]))
            })
        });
        g.bench_function("till_sku", |b| {
            b.iter(|| {
                i = (i + 1) % skus.len();
                black_box(till.lookup(skus[i]).expect("lookup"))
            })
        });
        g.bench_function("bare_sku", |b| {
            b.iter(|| {
                i = (i + 1) % skus.len();
                black_box(bare_point(bare, BARE_BY_SKU, skus[i]))
            })
        });
        g.finish();
    }
    let (iters, time) = pct_limits(out.quick, 10_000, 10);
    for (case, keys, sql) in [
        ("lookup(barcode)", &barcodes, BARE_BY_BARCODE),
        ("lookup(sku)", &skus, BARE_BY_SKU),
    ] {
        let (mut i, mut j) = (0, keys.len() / 2);
        let mut a = || {
            i = (i + 1) % keys.len();
            black_box(till.lookup(keys[i]).expect("lookup"));
        };
        let mut b = || {
            j = (j + 1) % keys.len();
            black_box(bare_point(bare, sql, keys[j]));
        };
        // Control: the same bare query on the till's own connection. A connection's own
        // memory layout can move a 5 µs query by a few µs, which matters at this scale.
        let own = till.connection();
        let mut k = keys.len() / 4;
        let mut c = || {
            k = (k + 1) % keys.len();
            black_box(bare_point(own, sql, keys[k]));
        };
        let s = interleaved(&mut [&mut a, &mut b, &mut c], 1000, iters, time);
        out.relative("lookup", case, s[0], ("bare point query", s[1]), 2.0);
        out.control(
            "lookup",
            &format!("{case} [control]"),
            s[0],
            ("bare query on the till's connection", s[2]),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Product search.

/// The FTS expression the till's first search pass uses: every word as a quoted prefix, ANDed.
fn fts_expr(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(|t| format!("\"{}\"*", t.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" AND ")
}

fn words(name: &str) -> Vec<String> {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && w.chars().all(char::is_alphabetic))
        .map(str::to_lowercase)
        .collect()
}

/// What a cashier types: the start of a word seen in a product's name, two words, or a word
/// with one letter too many.
fn search_queries(bare: &Connection, rng: &mut StdRng) -> Vec<(&'static str, Vec<String>)> {
    let names: Vec<Vec<String>> = sample_products(bare, rng, 2000)
        .into_iter()
        .map(|p| words(&p.2))
        .collect();
    let pick = |min_len: usize, rng: &mut StdRng| -> String {
        loop {
            let ws = &names[rng.random_range(0..names.len())];
            if ws.is_empty() {
                continue;
            }
            let w = &ws[rng.random_range(0..ws.len())];
            if w.chars().count() >= min_len {
                return w.clone();
            }
        }
    };
    let mut out = Vec::new();
    for (kind, len) in [
        ("prefix 1", 1),
        ("prefix 2", 2),
        ("prefix 3", 3),
        ("prefix 5", 5),
    ] {
        let qs = (0..256)
            .map(|_| pick(len, rng).chars().take(len).collect())
            .collect();
        out.push((kind, qs));
    }
    let mut two = Vec::new();
    while two.len() < 256 {
        let ws = &names[rng.random_range(0..names.len())];
        if ws.len() >= 2 {
            let k = rng.random_range(0..ws.len() - 1);
            let next: String = ws[k + 1].chars().take(3).collect();
            two.push(format!("{} {next}", ws[k]));
        }
    }
    out.push(("two words", two));
    let typo = (0..256)
        .map(|_| {
            let w = pick(5, rng);
            let last = w.chars().last().unwrap_or('x');
            format!("{w}{last}")
        })
        .collect();
    out.push(("typo (extra letter)", typo));
    // Also a barcode that will not scan, typed into the search box one digit
    // at a time (1 to 4 digits; every generated barcode starts with 5).
    let digits = sample_products(bare, rng, 256)
        .into_iter()
        .enumerate()
        .map(|(k, p)| p.1.chars().take(k % 4 + 1).collect())
        .collect();
    out.push(("barcode digits 1-4", digits));
    out
}

fn bare_fts(conn: &Connection, expr: &str) -> Vec<i64> {
    conn.prepare_cached("SELECT rowid FROM products_fts WHERE products_fts MATCH ?1 LIMIT 20")
        .expect("prepare")
        .query_map([expr], |r| r.get(0))
        .expect("fts query")
        .collect::<Result<_, _>>()
        .expect("fts rows")
}

fn search(c: &mut Criterion, till: &Till, bare: &Connection, rng: &mut StdRng, out: &mut Report) {
    let queries = search_queries(bare, rng);
    for (kind, qs) in &queries {
        let till_hits: usize = qs
            .iter()
            .map(|q| till.find_products(q, 20).expect("find").len())
            .sum();
        let bare_hits: usize = qs.iter().map(|q| bare_fts(bare, &fts_expr(q)).len()).sum();
        out.note(format!(
            "search {kind}: e.g. {:?}; mean results till {:.1}, bare FTS {:.1}",
            &qs[..3.min(qs.len())],
            till_hits as f64 / qs.len() as f64,
            bare_hits as f64 / qs.len() as f64
        ));
    }
    {
        let mut g = group_timing(c, "search", out.quick, 1, 3);
        for (kind, qs) in &queries {
            let exprs: Vec<String> = qs.iter().map(|q| fts_expr(q)).collect();
            let mut i = 0;
            g.bench_function(format!("till/{kind}"), |b| {
                b.iter(|| {
                    i = (i + 1) % qs.len();
                    black_box(till.find_products(&qs[i], 20).expect("find"))
                })
            });
            g.bench_function(format!("bare_fts/{kind}"), |b| {
                b.iter(|| {
                    i = (i + 1) % exprs.len();
                    black_box(bare_fts(bare, &exprs[i]))
                })
            });
        }
        g.finish();
    }
    let (iters, time) = pct_limits(out.quick, 10_000, 8);
    for (kind, qs) in &queries {
        let exprs: Vec<String> = qs.iter().map(|q| fts_expr(q)).collect();
        let (mut i, mut j) = (0, qs.len() / 2);
        let mut a = || {
            i = (i + 1) % qs.len();
            black_box(till.find_products(&qs[i], 20).expect("find"));
        };
        let mut b = || {
            j = (j + 1) % exprs.len();
            black_box(bare_fts(bare, &exprs[j]));
        };
        let s = interleaved(&mut [&mut a, &mut b], 300, iters, time);
        out.absolute(
            "search",
            &format!("find_products({kind}, 20)"),
            s[0],
            Some(("bare FTS5 MATCH LIMIT 20", s[1])),
            Duration::from_millis(10),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Reports.

#[derive(Debug, PartialEq, Eq)]
struct Period {
    period: String,
    orders: i64,
    items: i64,
    gross: i64,
    discounts: i64,
    tax: i64,
}

/// The same figures as the till's period report, from the raw orders and their lines (the bench
/// data has no refunds or voids; voided orders are left out all the same).
fn bare_periods(conn: &Connection, key: &str, from: &str, to: &str) -> Vec<Period> {
    let sql = format!(
        "SELECT {key}, count(*), sum(items), sum(total), sum(discount_total), sum(tax_total) FROM
           (SELECT o.business_day, o.hour, o.total, o.discount_total, o.tax_total,
               (SELECT sum(quantity) FROM order_lines l WHERE l.order_id = o.id) AS items
            FROM orders o WHERE o.business_day BETWEEN ?1 AND ?2 AND o.status <> 'voided')
         GROUP BY 1 ORDER BY 1"
    );
    conn.prepare_cached(&sql)
        .expect("prepare")
        .query_map([from, to], |r| {
            Ok(Period {
                period: r.get(0)?,
                orders: r.get(1)?,
                items: r.get(2)?,
                gross: r.get(3)?,
                discounts: r.get(4)?,
                tax: r.get(5)?,
            })
        })
        .expect("bare report")
        .collect::<Result<_, _>>()
        .expect("bare report rows")
}

#[derive(Debug, PartialEq, Eq)]
struct TopProduct {
    sku: String,
    name: String,
    quantity: i64,
    gross: i64,
}

fn bare_top(conn: &Connection, from: &str, to: &str, limit: i64) -> Vec<TopProduct> {
    conn.prepare_cached(
        "SELECT p.sku, p.name, s.q, s.g FROM
           (SELECT l.product_id, sum(l.quantity) AS q, sum(l.gross) AS g
            FROM orders o JOIN order_lines l ON l.order_id = o.id
            WHERE o.business_day BETWEEN ?1 AND ?2 AND o.status <> 'voided'
            GROUP BY l.product_id ORDER BY g DESC LIMIT ?3) s
         JOIN products p ON p.id = s.product_id ORDER BY s.g DESC, p.sku",
    )
    .expect("prepare")
    .query_map(params![from, to, limit], |r| {
        Ok(TopProduct {
            sku: r.get(0)?,
            name: r.get(1)?,
            quantity: r.get(2)?,
            gross: r.get(3)?,
        })
    })
    .expect("bare top products")
    .collect::<Result<_, _>>()
    .expect("bare top rows")
}

fn till_periods(till: &Till, from: NaiveDate, to: NaiveDate, by: ReportBy) -> Vec<Period> {
    match till.report(from, to, by, None).expect("report").rows {
        versapos_till::ReportRows::Period(rows) => rows
            .into_iter()
            .map(|r| Period {
                period: r.period,
                orders: r.orders,
                items: r.items,
                // No refunds in the bench data: what was charged is what was collected.
                gross: r.sales.total_collected,
                discounts: r.sales.discounts,
                tax: r.sales.tax,
            })
            .collect(),
        other => panic!("expected period rows, got {other:?}"),
    }
}

fn till_top(till: &Till, from: NaiveDate, to: NaiveDate) -> Vec<TopProduct> {
    match till
        .report(from, to, ReportBy::Product, Some(20))
        .expect("report")
        .rows
    {
        versapos_till::ReportRows::Product(rows) => rows
            .into_iter()
            .map(|r| TopProduct {
                sku: r.sku,
                name: r.name,
                quantity: r.quantity,
                gross: r.gross,
            })
            .collect(),
        other => panic!("expected product rows, got {other:?}"),
    }
}

fn month_end(first: NaiveDate) -> NaiveDate {
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    };
    next.expect("next month") - Days::days(1)
}

fn reports(c: &mut Criterion, till: &Till, bare: &Connection, out: &mut Report) {
    let first = NaiveDate::from_ymd_opt(
        support::FIRST_DAY.0,
        support::FIRST_DAY.1,
        support::FIRST_DAY.2,
    )
    .expect("first day");
    // Every 12th day of the year, and every month.
    let days: Vec<NaiveDate> = (0..support::DAYS)
        .step_by(12)
        .map(|d| first + Days::days(d))
        .collect();
    let months: Vec<(NaiveDate, NaiveDate)> = (0..12)
        .map(|m| {
            let f = NaiveDate::from_ymd_opt(first.year(), m + 1, 1).expect("month");
            (f, month_end(f))
        })
        .collect();
    let s = |d: NaiveDate| d.to_string();

    // The baselines compute the same figures: check it before timing anything.
    let d = days[days.len() / 2];
    let bare_hours: Vec<Period> = bare_periods(bare, "printf('%02d:00', hour)", &s(d), &s(d));
    assert_eq!(
        till_periods(till, d, d, ReportBy::Hour),
        bare_hours,
        "day by hour differs on {d}"
    );
    let (mf, ml) = months[5];
    assert_eq!(
        till_periods(till, mf, ml, ReportBy::Day),
        bare_periods(bare, "business_day", &s(mf), &s(ml)),
        "month by day differs"
    );
    let (t, b) = (till_top(till, mf, ml), bare_top(bare, &s(mf), &s(ml), 20));
    assert_eq!(
        t.iter().map(|p| p.gross).collect::<Vec<_>>(),
        b.iter().map(|p| p.gross).collect::<Vec<_>>(),
        "top products differ:\n{t:?}\n{b:?}"
    );
    out.note(format!(
        "reports: checked the bare SQL gives the till's figures ({d} by hour: {} hours; {mf} by day; \
         top-20 gross); days cycle over {} dates, months over all 12",
        bare_hours.len(),
        days.len()
    ));

    let day_key = "printf('%02d:00', hour)";
    {
        let mut g = group_timing(c, "reports", out.quick, 1, 4);
        g.sampling_mode(SamplingMode::Flat).sample_size(10);
        let mut i = 0;
        g.bench_function("till/day_by_hour", |b| {
            b.iter(|| {
                i = (i + 1) % days.len();
                black_box(
                    till.report(days[i], days[i], ReportBy::Hour, None)
                        .expect("report"),
                )
            })
        });
        g.bench_function("bare/day_by_hour", |b| {
            b.iter(|| {
                i = (i + 1) % days.len();
                black_box(bare_periods(bare, day_key, &s(days[i]), &s(days[i])))
            })
        });
        g.bench_function("till/month_by_day", |b| {
            b.iter(|| {
                i = (i + 1) % months.len();
                black_box(
                    till.report(months[i].0, months[i].1, ReportBy::Day, None)
                        .expect("report"),
                )
            })
        });
        g.bench_function("bare/month_by_day", |b| {
            b.iter(|| {
                i = (i + 1) % months.len();
                black_box(bare_periods(
                    bare,
                    "business_day",
                    &s(months[i].0),
                    &s(months[i].1),
                ))
            })
        });
        g.bench_function("till/month_top20", |b| {
            b.iter(|| {
                i = (i + 1) % months.len();
                black_box(
                    till.report(months[i].0, months[i].1, ReportBy::Product, Some(20))
                        .expect("report"),
                )
            })
        });
        g.bench_function("bare/month_top20", |b| {
            b.iter(|| {
                i = (i + 1) % months.len();
                black_box(bare_top(bare, &s(months[i].0), &s(months[i].1), 20))
            })
        });
        g.finish();
    }
    let (iters, time) = pct_limits(out.quick, 10_000, 10);
    let budget = Duration::from_millis(50);
    {
        let (mut i, mut j) = (0, days.len() / 2);
        let mut a = || {
            i = (i + 1) % days.len();
            black_box(
                till.report(days[i], days[i], ReportBy::Hour, None)
                    .expect("report"),
            );
        };
        let mut b = || {
            j = (j + 1) % days.len();
            black_box(bare_periods(bare, day_key, &s(days[j]), &s(days[j])));
        };
        let r = interleaved(&mut [&mut a, &mut b], 20, iters, time);
        out.absolute(
            "reports",
            "day by hour",
            r[0],
            Some(("bare SQL over orders+lines", r[1])),
            budget,
        );
    }
    {
        let (mut i, mut j) = (0, months.len() / 2);
        let mut a = || {
            i = (i + 1) % months.len();
            black_box(
                till.report(months[i].0, months[i].1, ReportBy::Day, None)
                    .expect("report"),
            );
        };
        let mut b = || {
            j = (j + 1) % months.len();
            black_box(bare_periods(
                bare,
                "business_day",
                &s(months[j].0),
                &s(months[j].1),
            ));
        };
        let r = interleaved(&mut [&mut a, &mut b], 20, iters, time);
        out.absolute(
            "reports",
            "month by day",
            r[0],
            Some(("bare SQL over orders+lines", r[1])),
            budget,
        );
    }
    {
        let (mut i, mut j) = (0, months.len() / 2);
        let mut a = || {
            i = (i + 1) % months.len();
            black_box(
                till.report(months[i].0, months[i].1, ReportBy::Product, Some(20))
                    .expect("report"),
            );
        };
        let mut b = || {
            j = (j + 1) % months.len();
            black_box(bare_top(bare, &s(months[j].0), &s(months[j].1), 20));
        };
        let r = interleaved(&mut [&mut a, &mut b], 20, iters, time);
        out.absolute(
            "reports",
            "month top-20 products",
            r[0],
            Some(("bare SQL over orders+lines", r[1])),
            budget,
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Checkout, on a copy of the bench store with the till's real pragmas (synchronous=FULL).

struct BareLine {
    product_id: i64,
    sku: String,
    name: String,
    unit_price: i64,
    quantity: i64,
    tax_rate: String,
    tax_bp: u32,
    net: i64,
    tax: i64,
    gross: i64,
}

struct BareSale {
    subtotal: i64,
    discount_total: i64,
    tax_total: i64,
    total: i64,
    lines: Vec<BareLine>,
    payload: String,
}

fn bare_sale(cart: &Cart) -> BareSale {
    let p = cart.price(TaxMode::Inclusive).expect("price the cart");
    BareSale {
        subtotal: p.subtotal.minor(),
        discount_total: p.discount_total.minor(),
        tax_total: p.tax_total.minor(),
        total: p.total.minor(),
        lines: p
            .lines
            .iter()
            .map(|l| BareLine {
                product_id: l.line.product_id.0,
                sku: l.line.sku.to_string(),
                name: l.line.name.clone(),
                unit_price: l.line.unit_price.minor(),
                quantity: l.line.quantity,
                tax_rate: l.line.tax_rate.name.clone(),
                tax_bp: l.line.tax_rate.basis_points,
                net: l.net.minor(),
                tax: l.tax.minor(),
                gross: l.gross.minor(),
            })
            .collect(),
        payload: serde_json::json!({
            "number": 0, "currency": "GBP", "total": p.total.minor(), "tax": p.tax_total.minor(),
            "cash_rounding": 0, "payments": [{ "tender": "cash", "amount": p.total.minor() }],
            "customer_id": null, "points_earned": 0, "points_redeemed": 0,
        })
        .to_string(),
    }
}

const ZERO_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The baseline: one transaction writing 1 order, its lines, 1 payment, the stock moves and 1
/// journal row, with the till's pragmas.
fn bare_checkout(conn: &mut Connection, sale: &BareSale, seq: &mut i64) {
    let now = chrono::Local::now().fixed_offset();
    let at = now.to_rfc3339_opts(SecondsFormat::Millis, false);
    let day = now.date_naive().to_string();
    let id = uuid::Uuid::now_v7().to_string();
    *seq += 1;
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .expect("begin");
    tx.prepare_cached(
        "INSERT INTO orders (id, till_id, number, status, currency, tax_mode, rounding_rule,
             subtotal, discount_total, tax_total, total, created_at, business_day, hour)
         VALUES (?1, 'BARE', ?2, 'paid', 'GBP', 'inclusive', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )
    .expect("prepare")
    .execute(params![
        id,
        *seq,
        ROUNDING_RULE,
        sale.subtotal,
        sale.discount_total,
        sale.tax_total,
        sale.total,
        at,
        day,
        now.hour()
    ])
    .expect("order");
    {
        let mut line = tx
            .prepare_cached(
                "INSERT INTO order_lines (order_id, line_no, product_id, sku, name, unit_price,
                     quantity, line_discount, order_discount_share, tax_rate_name,
                     tax_basis_points, net, tax, gross)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, 0, ?8, ?9, ?10, ?11, ?12)",
            )
            .expect("prepare");
        let mut stock = tx
            .prepare_cached("UPDATE products SET stock = stock - ?1 WHERE id = ?2")
            .expect("prepare");
        for (n, l) in sale.lines.iter().enumerate() {
            line.execute(params![
                id,
                n as i64 + 1,
                l.product_id,
                l.sku,
                l.name,
                l.unit_price,
                l.quantity,
                l.tax_rate,
                l.tax_bp,
                l.net,
                l.tax,
                l.gross
            ])
            .expect("line");
            stock
                .execute(params![l.quantity, l.product_id])
                .expect("stock");
        }
    }
    tx.prepare_cached(
        "INSERT INTO payments (id, order_id, seq, tender, status, amount, tendered, change_given,
             points, created_at)
         VALUES (?1, ?2, 1, 'cash', 'succeeded', ?3, NULL, 0, 0, ?4)",
    )
    .expect("prepare")
    .execute(params![
        uuid::Uuid::now_v7().to_string(),
        id,
        sale.total,
        at
    ])
    .expect("payment");
    tx.prepare_cached(
        "INSERT INTO journal (till_id, seq, at, kind, ref_id, payload, prev_hash, hash)
         VALUES ('BARE', ?1, ?2, 'sale', ?3, ?4, ?5, ?5)",
    )
    .expect("prepare")
    .execute(params![*seq, at, id, sale.payload, ZERO_HASH])
    .expect("journal");
    tx.commit().expect("commit");
}

fn checkout(c: &mut Criterion, path: &Path, rng: &mut StdRng, out: &mut Report) {
    // Two copies, in the bench folder (a real disk, not a tmpfs), so the cached store stays as
    // generated, and so the till and the baseline each write to their own file: sharing one
    // file, each commit by one connection would throw away the other's page cache.
    let dir = tempfile::Builder::new()
        .prefix("checkout-")
        .tempdir_in(support::bench_dir())
        .expect("temp dir for the checkout copies");
    let till_copy = dir.path().join("till.db");
    let bare_copy = dir.path().join("bare.db");
    let t = Instant::now();
    std::fs::copy(path, &till_copy).expect("copy the bench store");
    std::fs::copy(path, &bare_copy).expect("copy the bench store");
    let bytes = std::fs::metadata(&till_copy).map(|m| m.len()).unwrap_or(0);
    out.note(format!(
        "checkout runs on two copies of the bench store ({:.2} GB each, copied in {:.1} s) in \
         {}, one for the till and one for the baseline, both with synchronous=FULL",
        bytes as f64 / 1e9,
        t.elapsed().as_secs_f64(),
        dir.path().display()
    ));
    let mut till = Till::open(&till_copy).expect("open the copy");
    let mut bare = bare_connection(&bare_copy);
    let sync: i64 = bare
        .pragma_query_value(None, "synchronous", |r| r.get(0))
        .expect("pragma");
    let sync_till: i64 = till
        .connection()
        .pragma_query_value(None, "synchronous", |r| r.get(0))
        .expect("pragma");
    assert_eq!(
        (sync, sync_till),
        (2, 2),
        "both connections must run synchronous=FULL"
    );

    let products = sample_products(&bare, rng, 5 * 256);
    let carts: Vec<Cart> = products
        .chunks(5)
        .map(|five| {
            let mut cart = till.new_cart().expect("cart");
            for p in five {
                till.add_to_cart(&mut cart, &p.1, 1).expect("scan");
            }
            cart
        })
        .collect();
    let customers: Vec<i64> = bare
        .prepare("SELECT id FROM customers ORDER BY id LIMIT 200")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("customers")
        .collect::<Result<_, _>>()
        .expect("customer ids");
    let vip_carts: Vec<Cart> = carts
        .iter()
        .enumerate()
        .map(|(k, cart)| {
            let mut cart = cart.clone();
            let id = CustomerId(customers[k % customers.len()]);
            till.link_customer(&mut cart, id).expect("link");
            cart
        })
        .collect();
    let sales: Vec<BareSale> = carts.iter().map(bare_sale).collect();
    let cash = [TenderRequest::Cash { tendered: None }];
    let mut seq = 0_i64;

    {
        let mut g = group_timing(c, "checkout", out.quick, 2, 10);
        if !out.quick {
            g.sample_size(30);
        }
        let mut i = 0;
        g.bench_function("till_cash_5_lines", |b| {
            b.iter(|| {
                i = (i + 1) % carts.len();
                black_box(till.checkout(&carts[i], &cash).expect("checkout"))
            })
        });
        g.bench_function("till_cash_5_lines_vip_points", |b| {
            b.iter(|| {
                i = (i + 1) % vip_carts.len();
                black_box(till.checkout(&vip_carts[i], &cash).expect("checkout"))
            })
        });
        g.bench_function("bare_tx_5_lines", |b| {
            b.iter(|| {
                i = (i + 1) % sales.len();
                bare_checkout(&mut bare, &sales[i], &mut seq)
            })
        });
        g.finish();
    }
    let (iters, time) = pct_limits(out.quick, 3_000, 40);
    let (mut i, mut j, mut k) = (0, carts.len() / 2, carts.len() / 4);
    let till = std::cell::RefCell::new(till);
    let mut a = || {
        i = (i + 1) % carts.len();
        black_box(
            till.borrow_mut()
                .checkout(&carts[i], &cash)
                .expect("checkout"),
        );
    };
    let mut v = || {
        k = (k + 1) % vip_carts.len();
        black_box(
            till.borrow_mut()
                .checkout(&vip_carts[k], &cash)
                .expect("checkout"),
        );
    };
    let mut b = || {
        j = (j + 1) % sales.len();
        bare_checkout(&mut bare, &sales[j], &mut seq);
    };
    let r = interleaved(&mut [&mut a, &mut v, &mut b], 300, iters, time);
    out.relative(
        "checkout",
        "checkout(5 lines, cash)",
        r[0],
        ("bare tx, same rows", r[2]),
        1.5,
    );
    out.relative(
        "checkout",
        "checkout(5 lines, cash, VIP points)",
        r[1],
        ("bare tx, same rows", r[2]),
        1.5,
    );
    if !out.quick {
        return; // verifying a million-entry journal takes a while; the quick run checks it
    }
    let problems = till.borrow().verify_journal().expect("verify");
    assert!(
        problems.problems.iter().all(|p| p.till_id == "BARE"),
        "the till's journal must still verify: {:?}",
        problems.problems.iter().take(3).collect::<Vec<_>>()
    );
}

// ---------------------------------------------------------------------------------------------
// The back office's order list: the newest page, a receipt typed in, a customer's name.

fn bare_newest(conn: &Connection, offset: i64) -> Vec<String> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT o.id FROM orders o LEFT JOIN customers c ON c.id = o.customer_id
             ORDER BY o.created_at DESC, o.number DESC LIMIT 50 OFFSET ?1",
        )
        .expect("prepare");
    let rows = stmt
        .query_map([offset], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    rows
}

fn bare_by_number(conn: &Connection, number: i64) -> Vec<String> {
    let mut stmt = conn
        .prepare_cached("SELECT id FROM orders WHERE number = ?1")
        .expect("prepare");
    let rows = stmt
        .query_map([number], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    rows
}

fn order_list(till: &Till, bare: &Connection, rng: &mut StdRng, out: &mut Report) {
    let max: i64 = bare
        .query_row("SELECT max(number) FROM orders", [], |r| r.get(0))
        .expect("max order number");
    let names: Vec<String> = {
        let mut stmt = bare
            .prepare("SELECT name FROM customers ORDER BY random() LIMIT 50")
            .expect("prepare");
        let rows = stmt.query_map([], |r| r.get(0)).expect("names");
        rows.collect::<Result<_, _>>().expect("names")
    };
    let numbers: Vec<i64> = (0..200).map(|_| rng.random_range(1..=max)).collect();
    let filter = |text: Option<String>| versapos_till::OrderFilter {
        text,
        ..Default::default()
    };
    // The same orders either way.
    let newest: Vec<String> = till
        .find_orders(&filter(None), 50, 0)
        .expect("newest")
        .into_iter()
        .map(|o| o.id)
        .collect();
    assert_eq!(newest, bare_newest(bare, 0), "newest page differs");
    let n = numbers[0];
    let found: Vec<String> = till
        .find_orders(&filter(Some(n.to_string())), 50, 0)
        .expect("by number")
        .into_iter()
        .map(|o| o.id)
        .collect();
    assert_eq!(found, bare_by_number(bare, n), "receipt {n} differs");

    let (iters, time) = pct_limits(out.quick, 5_000, 8);
    let budget = Duration::from_millis(50);
    {
        let mut i = 0_i64;
        let mut a = || {
            i = (i + 1) % 20;
            black_box(till.find_orders(&filter(None), 50, i * 50).expect("page"));
        };
        let mut j = 0_i64;
        let mut b = || {
            j = (j + 1) % 20;
            black_box(bare_newest(bare, j * 50));
        };
        let r = interleaved(&mut [&mut a, &mut b], 20, iters, time);
        out.absolute(
            "orders",
            "newest 50 (pages 1-20)",
            r[0],
            Some(("bare SELECT … ORDER BY created_at DESC", r[1])),
            budget,
        );
    }
    {
        let mut i = 0;
        let mut a = || {
            i = (i + 1) % numbers.len();
            black_box(
                till.find_orders(&filter(Some(numbers[i].to_string())), 50, 0)
                    .expect("by receipt"),
            );
        };
        let mut j = numbers.len() / 2;
        let mut b = || {
            j = (j + 1) % numbers.len();
            black_box(bare_by_number(bare, numbers[j]));
        };
        let r = interleaved(&mut [&mut a, &mut b], 20, iters, time);
        out.absolute(
            "orders",
            "by receipt number",
            r[0],
            Some(("bare point query on number", r[1])),
            budget,
        );
    }
    let (iters, time) = pct_limits(out.quick, 2_000, 8);
    // A first name many customers share, and a full name only a few have.
    for (case, whole) in [
        ("by a first name (hundreds of customers)", false),
        ("by a full name (a few customers)", true),
    ] {
        let mut i = 0;
        let mut a = || {
            i = (i + 1) % names.len();
            let part = if whole {
                names[i].clone()
            } else {
                names[i].split(' ').next().unwrap_or_default().to_string()
            };
            black_box(
                till.find_orders(&filter(Some(part)), 50, 0)
                    .expect("by customer"),
            );
        };
        let r = interleaved(&mut [&mut a], 10, iters, time);
        out.absolute("orders", case, r[0], None, budget);
    }
}
