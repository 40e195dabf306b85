//! Receipts on the thermal printer and the cash drawer, through the till: what the paper says
//! (read back from the bytes the in-repo fake network printer received), when the drawer opens,
//! a printer problem in words with a Retry that prints once, and No sale.

use crate::support::*;
use versapos_core::{CardCharge, GatewayMode, Permission, TenderRequest};
use versapos_printer::decode::{decode, Paper, Printed};
use versapos_printer::fake::{FakePrinter, FakeState};
use versapos_printer::{CodePage, DrawerPin};
use versapos_till::printing::{self, DrawerReason};
use versapos_till::receipt::ReceiptCopy;
use versapos_till::TillError;

/// A GBP shop with its receipt details and the fake printer set up on 80 mm paper.
fn shop_with_printer() -> (TestTill, FakePrinter) {
    let mut t = gbp_shop();
    let printer = FakePrinter::start();
    t.till
        .set_printer(&printer.address(), Some("80mm"), None, None)
        .expect("set up the printer");
    for (key, value) in [
        ("shop-address", "1 High Street\nLeeds LS1 1AA"),
        ("shop-phone", "0113 496 0000"),
        ("tax-number", "GB123456789"),
        ("receipt-footer", "Returns within 30 days with this receipt"),
    ] {
        t.till.set_setting(key, value).expect("receipt setting");
    }
    (t, printer)
}

fn paper(printer: &FakePrinter) -> Paper {
    decode(&printer.received(), CodePage::Pc858).expect("the printer's bytes decode")
}

fn has_line(paper: &Paper, needle: &str) -> bool {
    paper.text().iter().any(|l| l.contains(needle))
}

#[test]
fn a_cash_sale_prints_a_receipt_a_customer_can_read_and_opens_the_drawer_once() {
    let (mut t, printer) = shop_with_printer();
    let cart = t.cart(&[("COFFEE", 2), ("MILK", 1)]);
    let order = t
        .till
        .checkout(&cart, &[t.cash("30.00")])
        .expect("cash sale");
    let p = t
        .till
        .printout_after_sale(&order.id)
        .expect("printout")
        .expect("a receipt prints after every sale by default");
    assert_eq!(
        p.drawer,
        Some(DrawerReason::Sale {
            order_id: order.id.clone()
        })
    );
    let printed = t.till.print_now(&p).expect("printed");
    assert!(printed.drawer_opened);

    let paper = paper(&printer);
    let text = paper.text();
    assert!(text[0].contains("Corner Shop"), "{text:#?}");
    for expected in [
        "1 High Street",
        "Leeds LS1 1AA",
        "Tel 0113 496 0000",
        "VAT no. GB123456789",
        "Fri 14 Mar 2025 10:15",
        "Till T1",
        "Coffee Beans 1kg",
        "2 x 12.00",
        "Oat Milk",
        "Returns within 30 days",
        "Thank you",
    ] {
        assert!(has_line(&paper, expected), "no '{expected}' in {text:#?}");
    }
    let line = |label: &str| {
        text.iter()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("no {label} line in {text:#?}"))
            .clone()
    };
    assert!(line("Receipt").ends_with(&order.receipt));
    assert!(line("Cash").ends_with("30.00"));
    assert!(line("Change").ends_with("3.90"));
    assert!(line("standard 20%").ends_with("24.00"));
    assert!(
        text.iter().all(|l| l.chars().count() <= 48),
        "a line is wider than 80 mm paper: {text:#?}"
    );
    // The barcode is the receipt number, which the till's search finds (returns).
    assert_eq!(paper.barcodes, vec![order.receipt.clone()]);
    assert_eq!(
        t.till
            .order(&paper.barcodes[0])
            .expect("found by its barcode")
            .id,
        order.id
    );
    // The drawer opens once, before the paper is cut.
    assert_eq!(paper.kicks, vec![DrawerPin::Pin2]);
    let kick = paper
        .items
        .iter()
        .position(|i| matches!(i, Printed::Kick(_)));
    let cut = paper.items.iter().position(|i| matches!(i, Printed::Cut));
    assert!(kick < cut, "{:?}", paper.items);

    // Printing the sale's receipt again does not open the drawer again; a reprint says so.
    printer.clear();
    let again = t
        .till
        .printout(&order.id, &ReceiptCopy::Sale)
        .expect("printout");
    assert_eq!(
        again.drawer, None,
        "the drawer opened for this sale already"
    );
    let reprint = t
        .till
        .printout(&order.receipt, &ReceiptCopy::Reprint)
        .expect("reprint");
    t.till.print_now(&reprint).expect("reprinted");
    let paper = self::paper(&printer);
    assert!(has_line(&paper, "REPRINT"), "{:#?}", paper.text());
    assert!(paper.kicks.is_empty());
    assert_eq!(t.till.drawer_openings_today().expect("counts").sales, 1);
}

#[test]
fn a_card_sale_prints_its_card_without_opening_the_drawer() {
    let (mut t, printer) = shop_with_printer();
    let cart = t.cart(&[("BOOK", 1)]);
    let pending = t
        .till
        .begin_card_sale(&cart, &[TenderRequest::Card { amount: None }])
        .expect("card sale begins");
    let order = t
        .till
        .complete_card_sale(
            &pending.payment_id,
            &CardCharge {
                intent_id: "pi_receipt".into(),
                mode: GatewayMode::Test,
                brand: Some("visa".into()),
                last4: Some("4242".into()),
                authorization_code: Some("831047".into()),
            },
            None,
        )
        .expect("card sale paid");
    let p = t
        .till
        .printout_after_sale(&order.id)
        .expect("printout")
        .expect("prints");
    assert_eq!(p.drawer, None, "no cash: the drawer stays shut");
    t.till.print_now(&p).expect("printed");
    let paper = paper(&printer);
    assert!(paper.kicks.is_empty());
    assert!(has_line(&paper, "Visa **** 4242"), "{:#?}", paper.text());
    assert!(has_line(&paper, "TEST card"), "{:#?}", paper.text());
    assert!(has_line(&paper, "Auth code 831047"), "{:#?}", paper.text());
    assert!(!has_line(&paper, "Change"));
}

#[test]
fn paper_out_is_said_in_words_nothing_prints_and_retry_prints_once() {
    let (mut t, printer) = shop_with_printer();
    let order = t.cash_sale(&[("COFFEE", 1)]);
    printer.set_state(FakeState::PaperOut);
    let p = t
        .till
        .printout_after_sale(&order.id)
        .expect("printout")
        .expect("prints");
    let err = printing::send(&p).expect_err("no paper");
    assert_eq!(err.code(), "paper_out");
    assert!(err.to_string().contains("out of paper"), "{err}");
    // The sale is booked whatever the printer says, and nothing of the receipt was sent.
    assert_eq!(
        t.till.order(&order.id).expect("booked").status.as_str(),
        "paid"
    );
    let sent = paper(&printer);
    assert!(sent.lines.is_empty() && sent.kicks.is_empty(), "{sent:?}");
    assert_eq!(t.till.drawer_openings_today().expect("counts").sales, 0);

    printer.set_state(FakeState::CoverOpen);
    let err = printing::send(&p).expect_err("cover open");
    assert_eq!(err.code(), "cover_open");

    // Retry, once the roll is in: one receipt, one kick.
    printer.set_state(FakeState::Ready);
    t.till.print_now(&p).expect("retry prints");
    let paper = paper(&printer);
    assert_eq!(paper.barcodes, vec![order.receipt.clone()]);
    assert_eq!(paper.kicks.len(), 1);
    assert_eq!(paper.cuts, 1);
    assert_eq!(t.till.drawer_openings_today().expect("counts").sales, 1);
}

#[test]
fn an_offline_printer_is_named_and_the_sale_stands() {
    let (mut t, printer) = shop_with_printer();
    let order = t.cash_sale(&[("MILK", 1)]);
    printer.set_state(FakeState::Offline);
    let p = t
        .till
        .printout_after_sale(&order.id)
        .expect("printout")
        .expect("prints");
    let started = std::time::Instant::now();
    let err = printing::send(&p).expect_err("offline");
    assert_eq!(err.code(), "printer_offline", "{err}");
    assert!(err.to_string().contains("127.0.0.1"), "{err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(
        t.till.order(&order.id).expect("booked").status.as_str(),
        "paid"
    );
}

#[test]
fn with_auto_print_never_a_cash_sale_only_opens_the_drawer() {
    let (mut t, printer) = shop_with_printer();
    t.till.set_setting("auto-print", "never").expect("never");
    let cash = t.cash_sale(&[("MILK", 1)]);
    let p = t
        .till
        .printout_after_sale(&cash.id)
        .expect("printout")
        .expect("the drawer still opens for cash");
    assert!(p.lines.is_empty());
    t.till.print_now(&p).expect("kick");
    let paper = paper(&printer);
    assert!(paper.lines.is_empty(), "{:?}", paper.text());
    assert_eq!(paper.kicks.len(), 1);
    // A points-only sale with auto-print off: nothing at all.
    let customer = t.customer_with_points("Ann", 500);
    let cart = t.cart_for(customer.id, &[("MILK", 1)]);
    let points = t
        .till
        .checkout(&cart, &[TenderRequest::Points { points: 210 }])
        .expect("points sale");
    assert!(t
        .till
        .printout_after_sale(&points.id)
        .expect("printout")
        .is_none());
}

#[test]
fn no_sale_needs_a_managers_pin_and_is_journaled_and_counted() {
    let (mut t, printer) = shop_with_printer();
    t.add_the_staff();
    t.till.sign_in("Sam", "1111").expect("cashier");
    match t.till.no_sale_printout() {
        Err(TillError::NotPermitted { permission, .. }) => {
            assert_eq!(permission, Permission::NoSale)
        }
        other => panic!("a cashier opened the drawer alone: {other:?}"),
    }
    assert!(printer.received().is_empty());
    t.till
        .approve("Morgan", "2222", Permission::NoSale)
        .expect("manager approves");
    let p = t.till.no_sale_printout().expect("approved");
    t.till.print_now(&p).expect("drawer opens");
    assert_eq!(paper(&printer).kicks, vec![DrawerPin::Pin2]);
    assert!(matches!(
        t.till.drawer_openings_today(),
        Err(TillError::NotPermitted { .. })
    ));
    // The approval was for one opening.
    assert!(t.till.no_sale_printout().is_err());
    let (staff, approver): (i64, i64) = t
        .raw()
        .query_row(
            "SELECT staff_id, approved_by FROM drawer_openings WHERE reason = 'no_sale'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("one no-sale opening");
    assert_ne!(staff, approver);
    let journaled =
        t.text("SELECT payload FROM journal WHERE kind = 'no_sale' ORDER BY seq DESC LIMIT 1");
    let journaled = journaled.expect("No sale is journaled");
    assert!(
        journaled.contains("Sam") && journaled.contains("Morgan"),
        "{journaled}"
    );
    t.till.sign_out();
    t.till.sign_in("Morgan", "2222").expect("manager");
    assert_eq!(t.till.drawer_openings_today().expect("counts").no_sales, 1);
    let p = t.till.no_sale_printout().expect("a manager may");
    t.till.print_now(&p).expect("opens");
    assert_eq!(t.till.drawer_openings_today().expect("counts").no_sales, 2);
}

#[test]
fn a_cash_refund_prints_a_refund_receipt_and_opens_the_drawer() {
    let (mut t, printer) = shop_with_printer();
    let order = t.cash_sale(&[("COFFEE", 1), ("MILK", 1)]);
    t.till
        .print_now(
            &t.till
                .printout_after_sale(&order.id)
                .expect("printout")
                .expect("prints"),
        )
        .expect("sale receipt");
    printer.clear();
    let refund = t
        .till
        .refund(
            &order.receipt,
            &versapos_core::RefundRequest::Lines(vec![(sku("MILK"), 1)]),
            true,
        )
        .expect("refund the milk");
    let p = t
        .till
        .printout_after_refund(&order.id, &refund.id)
        .expect("printout")
        .expect("prints");
    t.till.print_now(&p).expect("printed");
    let paper = paper(&printer);
    assert!(has_line(&paper, "REFUND"), "{:#?}", paper.text());
    assert!(has_line(&paper, "Oat Milk"), "{:#?}", paper.text());
    assert!(has_line(&paper, "Cash given back"), "{:#?}", paper.text());
    assert!(!has_line(&paper, "Coffee Beans"), "{:#?}", paper.text());
    assert_eq!(paper.kicks.len(), 1);
    assert_eq!(t.till.drawer_openings_today().expect("counts").refunds, 1);
}

#[test]
fn a_price_override_and_discounts_are_on_the_receipt() {
    let (mut t, _printer) = shop_with_printer();
    let mut cart = t.cart(&[("COFFEE", 1), ("MILK", 2)]);
    t.till
        .override_price(&mut cart, 0, "10.00")
        .expect("override (no staff: allowed)");
    t.till
        .set_line_discount(&mut cart, 1, Some("10%"))
        .expect("line discount");
    t.till
        .set_order_discount(&mut cart, Some("1.00"))
        .expect("order discount");
    let order = t.till.checkout(&cart, &[t.cash("20.00")]).expect("sale");
    let view = t
        .till
        .receipt(&order.receipt, &ReceiptCopy::Sale)
        .expect("receipt");
    let text = view.text.join("\n");
    assert!(
        text.contains("1 x 10.00 (price changed, was 12.00)"),
        "{text}"
    );
    assert!(text.contains("Discount 10%"), "{text}");
    assert!(text.contains("Order discount"), "{text}");
    assert_eq!(view.columns, 48);
}

#[test]
fn a_name_holding_printer_commands_prints_as_text_and_never_opens_the_drawer() {
    let (mut t, printer) = shop_with_printer();
    // Written straight into the file (before names were checked, or by another program): ESC p
    // would open the drawer, GS V would cut.
    t.raw()
        .execute(
            "UPDATE products SET name = 'Cookbook' || char(27) || 'p' || char(0) || char(25) || char(250) || char(29) || 'V' || char(0) WHERE sku = 'BOOK'",
            [],
        )
        .expect("hostile name");
    let customer = t.customer_with_points("Ann", 2_000);
    let cart = t.cart_for(customer.id, &[("BOOK", 1)]);
    let order = t
        .till
        .checkout(&cart, &[TenderRequest::Points { points: 899 }])
        .expect("points sale: no cash, no kick");
    let p = t
        .till
        .printout_after_sale(&order.id)
        .expect("printout")
        .expect("prints");
    t.till.print_now(&p).expect("printed");
    let paper = paper(&printer);
    assert!(paper.kicks.is_empty(), "the name opened the drawer");
    assert_eq!(paper.cuts, 1, "the name cut the paper");
    assert!(has_line(&paper, "Cookbook"), "{:#?}", paper.text());
    assert!(has_line(&paper, "Ann"), "{:#?}", paper.text());
    assert!(has_line(&paper, "Points balance"), "{:#?}", paper.text());
}

#[test]
fn a_bad_printer_address_is_refused_by_field_and_nothing_is_stored() {
    let (mut t, printer) = shop_with_printer();
    for (address, paper, pin) in [
        ("usb://04b8", None, None),
        ("ftp://printer", None, None),
        ("tcp://", None, None),
        (printer.address().as_str(), Some("A4"), None),
        (printer.address().as_str(), None, Some("3")),
    ] {
        let err = t
            .till
            .set_printer(address, paper, None, pin)
            .expect_err("refused");
        assert_eq!(err.code(), "invalid_input", "{address}: {err}");
    }
    let err = t
        .till
        .set_printer(&printer.address(), None, Some("klingon"), None)
        .expect_err("unknown code page");
    assert!(err.to_string().starts_with("code-page"), "{err}");
    let setup = t.till.printer().expect("read").expect("still set up");
    assert_eq!(setup.address, printer.address());
    assert_eq!(setup.columns, 48);
    assert_eq!(setup.drawer_pin, 2);
}

#[test]
fn receipt_settings_refuse_hidden_characters_and_too_many_lines() {
    let (mut t, _printer) = shop_with_printer();
    for (key, value) in [
        ("shop-address", "a\nb\nc\nd\ne"),
        ("receipt-footer", "x".repeat(49).as_str()),
        ("shop-phone", "0113\u{202e}999"),
        ("auto-print", "sometimes"),
        ("paper", "A4"),
        ("drawer-pin", "7"),
    ] {
        let err = t.till.set_setting(key, value).expect_err("refused");
        assert!(err.to_string().starts_with(key), "{key}: {err}");
    }
    let shop = t.till.shop().expect("shop");
    assert_eq!(shop.receipt.phone.as_deref(), Some("0113 496 0000"));
}

/// The printed receipt as a picture (SVG) drawn from what the printer's bytes decode to: each
/// text line in its weight and size, the barcode's place with its number under it, the drawer
/// kick and the cut marked. The README shows these.
fn picture(paper: &Paper, columns: usize) -> String {
    const CHAR: f64 = 9.6; // monospace advance at 16 px
    const LINE: f64 = 20.0;
    let width = columns as f64 * CHAR + 40.0;
    let mut body = String::new();
    let mut y = 30.0;
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    for item in &paper.items {
        match item {
            Printed::Text(line) => {
                let tall = line.style.tall;
                let cell = if line.style.wide { 2.0 } else { 1.0 };
                y += if tall { LINE * 2.0 } else { LINE };
                let text = line.text.trim_end();
                if text.is_empty() {
                    continue;
                }
                let length = text.chars().count() as f64 * CHAR * cell;
                body.push_str(&format!(
                    "  <text x=\"20\" y=\"{y}\" font-size=\"{}\" font-weight=\"{}\" textLength=\"{length:.1}\" lengthAdjust=\"spacingAndGlyphs\" xml:space=\"preserve\">{}</text>\n",
                    if tall { 32 } else { 16 },
                    if line.style.bold { 700 } else { 400 },
                    escape(text)
                ));
            }
            Printed::Barcode(data) => {
                let bars = (data.len() * 11 + 35) as f64 * 2.0;
                let x = (width - bars) / 2.0;
                body.push_str(&format!(
                    "  <rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{bars:.1}\" height=\"60\" fill=\"url(#bars)\"/>\n",
                    y + 10.0
                ));
                y += 90.0;
                body.push_str(&format!(
                    "  <text x=\"{:.1}\" y=\"{y}\" font-size=\"14\" text-anchor=\"middle\">{}</text>\n",
                    width / 2.0,
                    escape(data)
                ));
            }
            Printed::Qr(data) => {
                body.push_str(&format!(
                    "  <rect x=\"{:.1}\" y=\"{:.1}\" width=\"120\" height=\"120\" fill=\"url(#bars)\"/><!-- QR {} -->\n",
                    width / 2.0 - 60.0,
                    y + 10.0,
                    escape(data)
                ));
                y += 140.0;
            }
            Printed::Image {
                width: w,
                height: h,
            } => {
                body.push_str(&format!(
                    "  <rect x=\"{:.1}\" y=\"{:.1}\" width=\"{w}\" height=\"{h}\" fill=\"#ccc\"/>\n",
                    (width - *w as f64) / 2.0,
                    y + 10.0
                ));
                y += *h as f64 + 20.0;
            }
            Printed::Kick(pin) => {
                y += LINE;
                body.push_str(&format!(
                    "  <text x=\"{:.1}\" y=\"{y}\" font-size=\"12\" fill=\"#b45309\" text-anchor=\"middle\">[cash drawer opens: pin {pin}]</text>\n",
                    width / 2.0
                ));
            }
            Printed::Cut => {
                y += LINE;
                body.push_str(&format!(
                    "  <line x1=\"0\" y1=\"{y}\" x2=\"{width:.1}\" y2=\"{y}\" stroke=\"#999\" stroke-dasharray=\"6 4\"/>\n"
                ));
            }
        }
    }
    let height = y + 20.0;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.1} {height:.1}\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\">\n  <!-- Drawn by crates/till/tests/till/receipts.rs from the bytes the fake printer received. -->\n  <defs><pattern id=\"bars\" width=\"6\" height=\"10\" patternUnits=\"userSpaceOnUse\"><rect width=\"2\" height=\"10\" fill=\"#111\"/><rect x=\"3\" width=\"1\" height=\"10\" fill=\"#111\"/></pattern></defs>\n  <rect width=\"100%\" height=\"100%\" fill=\"#fffef8\"/>\n{body}</svg>\n"
    )
}

#[test]
fn the_readme_pictures_of_the_printed_receipt_are_drawn_from_the_printers_bytes() {
    for (paper_name, columns, file) in [
        ("80mm", 48, "receipt-80mm.svg"),
        ("58mm", 32, "receipt-58mm.svg"),
    ] {
        let (mut t, printer) = shop_with_printer();
        t.till
            .set_printer(&printer.address(), Some(paper_name), None, None)
            .expect("paper");
        let customer = t.customer_with_points("Ann Example", 300);
        let mut cart = t.cart_for(customer.id, &[("COFFEE", 1), ("MILK", 2), ("BOOK", 1)]);
        t.till
            .set_line_discount(&mut cart, 1, Some("10%"))
            .expect("line discount");
        let order = t
            .till
            .checkout(
                &cart,
                &[TenderRequest::Points { points: 200 }, t.cash("25.00")],
            )
            .expect("sale");
        let p = t
            .till
            .printout_after_sale(&order.id)
            .expect("printout")
            .expect("prints");
        t.till.print_now(&p).expect("printed");
        let paper = paper(&printer);
        let drawn = picture(&paper, columns);
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../docs/screenshots")
            .join(file);
        if std::env::var_os("VERSAPOS_BLESS").is_some() {
            std::fs::write(&path, &drawn).expect("write the picture");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == drawn,
            "{} is not what the printer prints now: rerun with VERSAPOS_BLESS=1 and commit it",
            path.display()
        );
    }
}

/// A small PNG: a dark square on white, `size` pixels across.
fn logo_png(size: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, size, size);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().expect("PNG header");
        let data: Vec<u8> = (0..size * size)
            .map(|i| {
                let (x, y) = (i % size, i / size);
                if (size / 4..3 * size / 4).contains(&x) && (size / 4..3 * size / 4).contains(&y) {
                    0
                } else {
                    255
                }
            })
            .collect();
        w.write_image_data(&data).expect("PNG data");
    }
    out
}

#[test]
fn the_shops_logo_prints_at_the_top_and_a_file_that_is_not_a_png_is_refused() {
    let (mut t, printer) = shop_with_printer();
    let err = t
        .till
        .set_receipt_logo(Some(b"GIF89a not a png"))
        .expect_err("not a PNG");
    assert!(err.to_string().starts_with("receipt-logo"), "{err}");
    assert!(!t.till.shop().expect("shop").receipt.has_logo);

    let png = logo_png(64);
    t.till.set_receipt_logo(Some(&png)).expect("logo");
    assert!(t.till.shop().expect("shop").receipt.has_logo);
    assert_eq!(t.till.receipt_logo().expect("logo"), Some(png.clone()));
    let order = t.cash_sale(&[("MILK", 1)]);
    let p = t
        .till
        .printout_after_sale(&order.id)
        .expect("printout")
        .expect("prints");
    t.till.print_now(&p).expect("printed");
    let paper = paper(&printer);
    assert_eq!(paper.images, 1, "the logo prints");
    assert!(
        matches!(
            paper.items.first(),
            Some(Printed::Image {
                width: 64,
                height: 64
            })
        ),
        "the logo comes first, at its size: {:?}",
        paper.items.first()
    );
    let view = t
        .till
        .receipt(&order.id, &ReceiptCopy::Reprint)
        .expect("receipt");
    assert_eq!(view.text[0].trim(), "[logo]");

    // Taken away: journaled, and the receipt has no picture.
    t.till.set_receipt_logo(None).expect("removed");
    printer.clear();
    t.till
        .print_now(
            &t.till
                .printout(&order.id, &ReceiptCopy::Reprint)
                .expect("reprint"),
        )
        .expect("printed");
    assert_eq!(self::paper(&printer).images, 0);
    assert_eq!(
        t.scalar("SELECT count(*) FROM journal WHERE kind = 'setting_change' AND ref_id = 'receipt_logo'"),
        2
    );
}

#[test]
fn an_old_sales_receipt_never_opens_the_drawer() {
    let (mut t, printer) = shop_with_printer();
    // A cash sale whose receipt was never printed (the printer was set up later, or it failed).
    let old = t.cash_sale(&[("MILK", 1)]);
    // Sixteen minutes on: printing its receipt as the sale's own is no way round No sale.
    t.set_time("2025-03-14T10:31:00+00:00");
    let p = t
        .till
        .printout(&old.id, &ReceiptCopy::Sale)
        .expect("printout");
    assert_eq!(p.drawer, None);
    assert!(t
        .till
        .printout_after_sale(&old.id)
        .expect("printout")
        .is_some_and(|p| p.drawer.is_none()));
    t.till.print_now(&p).expect("printed");
    assert!(paper(&printer).kicks.is_empty());
    // Within fifteen minutes (a printer fixed, Retry pressed) it still opens, once.
    let fresh = t.cash_sale(&[("MILK", 1)]);
    t.set_time("2025-03-14T10:45:00+00:00");
    let p = t
        .till
        .printout(&fresh.id, &ReceiptCopy::Sale)
        .expect("printout");
    assert!(p.drawer.is_some());
}

#[test]
fn a_refund_receipt_is_only_had_through_its_own_order() {
    let (mut t, _printer) = shop_with_printer();
    let first = t.cash_sale(&[("MILK", 1)]);
    let second = t.cash_sale(&[("BOOK", 1)]);
    let refund = t
        .till
        .refund(&first.receipt, &versapos_core::RefundRequest::Whole, false)
        .expect("refund");
    let copy = ReceiptCopy::Refund {
        refund_id: refund.id.clone(),
    };
    let err = t
        .till
        .receipt(&second.receipt, &copy)
        .expect_err("another order's refund");
    assert_eq!(err.code(), "invalid_input", "{err}");
    assert!(t.till.printout(&second.receipt, &copy).is_err());
    let view = t.till.receipt(&first.receipt, &copy).expect("its own");
    assert!(view.text.iter().any(|l| l.contains("REFUND")));
}

/// The receipt's date and time are written as the shop's locale writes them.
#[test]
fn the_receipt_is_dated_in_the_shops_locale() {
    let mut t = crate::support::gbp_shop();
    t.set_time("2025-03-14T22:05:00+00:00");
    let order = t.cash_sale(&[("MILK", 1)]);
    let dated = |t: &TestTill| {
        t.till
            .receipt(&order.receipt, &ReceiptCopy::Sale)
            .expect("receipt")
            .text
            .join("\n")
    };
    assert!(dated(&t).contains("Fri 14 Mar 2025 22:05"), "{}", dated(&t));
    t.till.set_setting("locale", "en-US").expect("en-US");
    assert!(
        dated(&t).contains("Fri Mar 14 2025 10:05 PM"),
        "{}",
        dated(&t)
    );
    t.till.set_setting("locale", "de-DE").expect("de-DE");
    assert!(
        dated(&t).contains("Fr. 14. März 2025 22:05"),
        "{}",
        dated(&t)
    );
}
