//! Sale booked → last receipt byte at the printer, through the till: after each cash sale is
//! booked, the time to build its receipt from the store, ask the printer's state, send the
//! receipt and the drawer kick to the in-repo fake network printer on loopback, and record the
//! drawer's opening — against the same run's baseline, a bare `TcpStream` write of the same
//! bytes to the same fake. Both end when the printer has read the last byte.
//!
//! `cargo bench -p versapos-till --bench receipt` (plain loops: p50, p99 and max of 500 sales
//! after 20 warm-up sales; `VERSAPOS_BENCH_SALES` changes the count).

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

use versapos_core::{Currency, Money, Sku, TaxMode, TenderRequest, TillId};
use versapos_printer::fake::FakePrinter;
use versapos_printer::{encode, Job};
use versapos_till::{printing, NewProduct, ShopSetup, Till};

fn till(printer: &FakePrinter, dir: &std::path::Path) -> Till {
    let mut till = Till::open(&dir.join("bench.db")).expect("open the store");
    till.init(&ShopSetup {
        name: "Bench Bakery".into(),
        currency: Currency::from_code("GBP").expect("GBP"),
        till_id: TillId::parse("T1").expect("till id"),
        tax_mode: TaxMode::Inclusive,
        tax_rates: Vec::new(),
        default_tax_rate: None,
        demo: false,
    })
    .expect("set up the shop");
    let gbp = Currency::from_code("GBP").expect("GBP");
    for (sku, name, price) in [
        ("CROIS", "Butter croissant", "1.80"),
        ("LOAF", "Sourdough loaf 800g", "4.20"),
        ("FLAT", "Flat white (oat milk)", "3.40"),
        ("CAKE", "Lemon drizzle slice", "2.95"),
    ] {
        till.add_product(&NewProduct {
            sku: Sku::parse(sku).expect("sku"),
            name: name.into(),
            price: Money::parse(price, gbp).expect("price"),
            barcode: None,
            tax_rate: None,
            stock: 1_000_000,
            category: None,
        })
        .expect("add a product");
    }
    for (key, value) in [
        ("shop-address", "1 High Street\nLeeds LS1 1AA"),
        ("shop-phone", "0113 496 0000"),
        ("tax-number", "GB123456789"),
        ("receipt-footer", "Returns within 30 days with this receipt"),
    ] {
        till.set_setting(key, value).expect("receipt setting");
    }
    till.set_printer(&printer.address(), Some("80mm"), None, None)
        .expect("set up the printer");
    till
}

fn sale(till: &mut Till) -> String {
    let mut cart = till.new_cart().expect("cart");
    for (code, qty) in [("CROIS", 2), ("LOAF", 1), ("FLAT", 2), ("CAKE", 1)] {
        till.add_to_cart(&mut cart, code, qty).expect("add");
    }
    till.checkout(&cart, &[TenderRequest::Cash { tendered: None }])
        .expect("cash sale")
        .id
}

fn bare_write(port: u16, bytes: &[u8]) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    stream.write_all(bytes).expect("write");
    stream.shutdown(Shutdown::Write).expect("shutdown");
    let mut sink = [0u8; 64];
    while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
}

fn summary(name: &str, mut times: Vec<Duration>) -> Duration {
    times.sort();
    let p = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!(
        "{name:<44} p50 {:>9.3?}  p99 {:>9.3?}  max {:>9.3?}  ({} sales)",
        p(0.50),
        p(0.99),
        p(1.0),
        times.len()
    );
    p(0.99)
}

fn main() {
    let sales: usize = std::env::var("VERSAPOS_BENCH_SALES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let dir = tempfile::tempdir().expect("temp dir");
    let printer = FakePrinter::start();
    let mut till = till(&printer, dir.path());
    let mut through_till = Vec::with_capacity(sales);
    let mut bare = Vec::with_capacity(sales);
    let mut size = 0;
    for i in 0..sales + 20 {
        let order = sale(&mut till);
        // The sale is booked: from here to the printer's last byte.
        printer.clear();
        let started = Instant::now();
        let p = till
            .printout_after_sale(&order)
            .expect("printout")
            .expect("a receipt prints after every sale");
        printing::send(&p).expect("printed");
        till.printed(&p).expect("drawer recorded");
        let bytes = encode(
            &p.settings,
            &Job {
                lines: &p.lines,
                kick_drawer: true,
            },
        )
        .expect("encode");
        assert!(
            printer.wait_for_bytes(bytes.len(), Duration::from_secs(5)),
            "the printer got the whole receipt"
        );
        let took = started.elapsed();
        // The baseline: the same bytes, written bare to the same printer.
        printer.clear();
        let started = Instant::now();
        bare_write(printer.port(), &bytes);
        assert!(printer.wait_for_bytes(bytes.len(), Duration::from_secs(5)));
        let baseline = started.elapsed();
        if i >= 20 {
            through_till.push(took);
            bare.push(baseline);
        }
        size = bytes.len();
    }
    println!("receipt: {size} bytes (80 mm, 4 lines, VAT, cash, barcode, drawer kick)");
    let till_p99 = summary(
        "sale booked -> last byte (till, status, send)",
        through_till,
    );
    let bare_p99 = summary("bare TcpStream write of the same bytes", bare);
    println!(
        "added by the till at p99: {:.3?} (budget: 50 ms)",
        till_p99.saturating_sub(bare_p99)
    );
}
