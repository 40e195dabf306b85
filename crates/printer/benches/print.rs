//! Sale booked → last receipt byte at the printer: `print` of an 80 mm receipt (logo, QR,
//! barcode, drawer kick) to the fake network printer on loopback, against a bare `TcpStream`
//! write of the same bytes to the same fake in the same run. Both wait until the printer has
//! read the last byte (it closes its side after the client's half-close).
//!
//! `cargo bench -p versapos-printer --bench print` prints p50/p99 of a plain 500-iteration
//! loop first, then runs criterion.

use std::hint::black_box;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion};
use versapos_core::receipt::{Align, Block, Document, Line, Style};
use versapos_printer::fake::FakePrinter;
use versapos_printer::{encode, print, Job, Settings};

fn receipt() -> Vec<Line> {
    let mut d = Document::new();
    d.push(Block::Logo)
        .text("Café Ñandú", Align::Center, Style::LARGE)
        .centred("1 High Street\nLeeds LS1 1AA")
        .rule();
    for i in 1..=8 {
        d.pair(
            format!("{i} x Item number {i} with a name"),
            format!("£{i}.50"),
        );
    }
    d.rule()
        .pair_styled("TOTAL", "£40.00", Style::LARGE)
        .pair("Cash", "£50.00")
        .pair("Change", "£10.00")
        .push(Block::Barcode {
            data: "T1-000042".into(),
        })
        .push(Block::Qr {
            data: "https://receipts.example/T1-000042".into(),
        })
        .centred("Thank you!");
    d.layout(48)
}

fn logo() -> Vec<u8> {
    let (w, h) = (300u32, 120u32);
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().expect("PNG header");
        let data: Vec<u8> = (0..h)
            .flat_map(|y| (0..w).map(move |x| ((x + y) * 255 / (w + h)) as u8))
            .collect();
        writer.write_image_data(&data).expect("PNG data");
    }
    out
}

fn settings(fake: &FakePrinter) -> Settings {
    let mut s = Settings::new(fake.address().parse().expect("address"));
    s.logo = Some(logo());
    s
}

/// The baseline: connect, write, half-close, wait for the printer to close.
fn bare_write(port: u16, bytes: &[u8]) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    stream.write_all(bytes).expect("write");
    stream.shutdown(Shutdown::Write).expect("shutdown");
    let mut sink = [0u8; 64];
    while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
}

fn percentiles(name: &str, mut run: impl FnMut()) {
    for _ in 0..20 {
        run();
    }
    let mut times: Vec<Duration> = (0..500)
        .map(|_| {
            let t = Instant::now();
            run();
            t.elapsed()
        })
        .collect();
    times.sort();
    let p = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!(
        "{name:<32} p50 {:>9.3?}  p99 {:>9.3?}  max {:>9.3?}  (500 runs)",
        p(0.50),
        p(0.99),
        p(1.0)
    );
}

fn loops() {
    let fake = FakePrinter::start();
    let s = settings(&fake);
    let lines = receipt();
    let job = Job {
        lines: &lines,
        kick_drawer: true,
    };
    let bytes = encode(&s, &job).expect("encode");
    println!("80 mm receipt: {} bytes", bytes.len());
    percentiles("encode (80 mm, logo, QR)", || {
        black_box(encode(&s, &job).expect("encode"));
    });
    percentiles("print to the fake printer", || {
        print(&s, &job).expect("print");
    });
    percentiles("bare TcpStream write, same bytes", || {
        bare_write(fake.port(), &bytes)
    });
    fake.clear();
}

fn bench(c: &mut Criterion) {
    let fake = FakePrinter::start();
    let s = settings(&fake);
    let lines = receipt();
    let job = Job {
        lines: &lines,
        kick_drawer: true,
    };
    let bytes = encode(&s, &job).expect("encode");
    let mut group = c.benchmark_group("receipt_80mm");
    group.bench_function("encode", |b| b.iter(|| encode(&s, &job).expect("encode")));
    group.bench_function("print_to_fake_printer", |b| {
        b.iter(|| print(&s, &job).expect("print"))
    });
    group.bench_function("bare_tcp_write_same_bytes", |b| {
        b.iter(|| bare_write(fake.port(), &bytes))
    });
    group.finish();
    fake.clear();
}

criterion_group!(benches, bench);

fn main() {
    loops();
    benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
}
