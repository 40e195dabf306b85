//! The receipt printer and the cash drawer through the real `versapos` binary, on the in-repo
//! fake network printer: a sale made with `versapos sale` prints like one made at the window,
//! cash opens the drawer and a card does not, a printer problem never loses the sale, and the
//! receipt can be printed again or previewed as text.

use crate::support::{text, Till};
use versapos_printer::decode::{decode, Paper};
use versapos_printer::fake::{FakePrinter, FakeState};
use versapos_printer::CodePage;

fn till_with_printer() -> (Till, FakePrinter) {
    let till = Till::gbp_with_catalog();
    let printer = FakePrinter::start();
    till.ok(&["printer", "set", &printer.address(), "--paper", "58mm"]);
    (till, printer)
}

fn paper(printer: &FakePrinter) -> Paper {
    decode(&printer.received(), CodePage::Pc858).expect("the printer's bytes decode")
}

#[test]
fn a_cash_sale_prints_its_receipt_and_opens_the_drawer() {
    let (till, printer) = till_with_printer();
    let order = till.json(&["sale", "--item", "TEA", "--item", "BUN", "--pay", "cash:5"]);
    let receipt = text(&order, "receipt");
    let paper = paper(&printer);
    let lines = paper.text();
    assert!(lines.iter().all(|l| l.chars().count() <= 32), "{lines:#?}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("Tea") && l.ends_with("2.49")),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("Change") && l.ends_with("1.16")),
        "{lines:#?}"
    );
    assert_eq!(paper.barcodes, vec![receipt.to_string()]);
    assert_eq!(paper.kicks.len(), 1, "cash opens the drawer");
}

#[test]
fn a_card_sale_prints_without_opening_the_drawer() {
    let (till, printer) = till_with_printer();
    till.ok(&[
        "sale",
        "--item",
        "TEA",
        "--pay",
        "card",
        "--test-card",
        "approved",
    ]);
    let paper = paper(&printer);
    assert!(paper.kicks.is_empty(), "a card sale opened the drawer");
    assert!(
        paper.text().iter().any(|l| l.contains("DEMO card")),
        "{:#?}",
        paper.text()
    );
    assert_eq!(paper.cuts, 1);
}

#[test]
fn out_of_paper_the_sale_is_booked_and_the_receipt_prints_later() {
    let (till, printer) = till_with_printer();
    printer.set_state(FakeState::PaperOut);
    let r = till.run(&["--json", "sale", "--item", "TEA", "--pay", "cash"]);
    assert_eq!(r.code, Some(0), "the sale stands: {}", r.stderr);
    let order: serde_json::Value = serde_json::from_str(&r.stdout).expect("the order as JSON");
    let receipt = text(&order, "receipt").to_string();
    assert!(r.stderr.contains("out of paper"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("versapos print receipt {receipt}")),
        "says how to print it again: {}",
        r.stderr
    );
    assert!(paper(&printer).lines.is_empty());
    assert_eq!(till.orders().len(), 1);

    printer.set_state(FakeState::Ready);
    till.ok(&["print", "receipt", &receipt]);
    let paper = paper(&printer);
    assert!(
        paper.text().iter().any(|l| l.contains("REPRINT")),
        "{:#?}",
        paper.text()
    );
    assert!(paper.kicks.is_empty(), "a reprint does not open the drawer");
}

#[test]
fn preview_writes_the_receipt_as_text_as_wide_as_the_paper() {
    let (till, _printer) = till_with_printer();
    let order = till.json(&["sale", "--item", "TEA", "--pay", "cash"]);
    let receipt = text(&order, "receipt");
    let shown = till.ok(&["print", "receipt", receipt, "--preview"]);
    let lines: Vec<&str> = shown.lines().collect();
    assert!(lines.iter().any(|l| l.contains("Corner Shop")), "{shown}");
    assert!(lines.iter().any(|l| l.contains(receipt)), "{shown}");
    assert!(
        lines
            .iter()
            .filter(|l| !l.contains("C o r n e r"))
            .all(|l| l.chars().count() <= 32),
        "{shown}"
    );
}

#[test]
fn bad_printer_input_is_refused_naming_what_is_wrong() {
    let till = Till::gbp_with_catalog();
    let r = till.refused(&["printer", "set", "usb://04b8"]);
    assert!(r.message.starts_with("printer:"), "{}", r.message);
    let r = till.refused(&["printer", "set", "tcp://127.0.0.1:9100", "--paper", "A4"]);
    assert!(r.message.starts_with("paper:"), "{}", r.message);
    let r = till.refused(&["drawer", "open"]);
    assert_eq!(r.code, "no_printer");
    let r = till.refused(&["print", "receipt", "T1-999999", "--preview"]);
    assert_eq!(r.code, "unknown_order");
    let v = till.json(&["printer", "show"]);
    assert!(v["printer"].is_null(), "nothing was stored: {v}");
}

#[test]
fn printer_show_reports_a_printer_that_is_offline_and_exits_1() {
    let (till, printer) = till_with_printer();
    printer.set_state(FakeState::Offline);
    let r = till.run(&["printer", "show"]);
    assert_eq!(r.code, Some(1), "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("58mm"), "{}", r.stdout);
}

#[test]
fn the_doctor_checks_the_printer() {
    let (till, printer) = till_with_printer();
    let check = |till: &Till| {
        let r = till.run(&["--json", "doctor"]);
        let report: serde_json::Value =
            serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout));
        report["checks"]
            .as_array()
            .expect("checks")
            .iter()
            .find(|c| c["id"] == "printer")
            .cloned()
            .unwrap_or_else(|| panic!("no printer check: {report}"))
    };
    let ready = check(&till);
    assert_eq!(ready["status"], "ok", "{ready}");
    printer.set_state(FakeState::PaperOut);
    let out = check(&till);
    assert_eq!(out["status"], "fail", "{out}");
    assert!(
        out["detail"]
            .as_str()
            .is_some_and(|d| d.contains("out of paper")),
        "{out}"
    );
    printer.set_state(FakeState::NearEnd);
    assert_eq!(check(&till)["status"], "warn");
}

#[test]
fn settings_show_names_the_receipt_details_and_the_printer() {
    let (till, printer) = till_with_printer();
    till.ok(&["settings", "set", "shop-address", "1 High Street\\nLeeds"]);
    till.ok(&["settings", "set", "auto-print", "ask"]);
    let shown = till.ok(&["settings", "show"]);
    assert!(shown.contains("1 High Street / Leeds"), "{shown}");
    assert!(shown.contains("auto-print       ask"), "{shown}");
    assert!(shown.contains(&printer.address()), "{shown}");
}

#[test]
fn a_logo_that_is_not_a_png_is_refused_naming_the_file() {
    let (till, _printer) = till_with_printer();
    let file = till.write("logo.png", b"<svg>not a png</svg>");
    let r = till.refused(&["printer", "logo", crate::support::path_str(&file)]);
    assert!(r.message.contains("logo.png"), "{}", r.message);
    let r = till.refused(&["printer", "logo", "/no/such/logo.png"]);
    assert!(r.message.contains("/no/such/logo.png"), "{}", r.message);
    let v = till.json(&["settings", "show"]);
    assert_eq!(v["receipt"]["has_logo"], false, "{v}");
}
