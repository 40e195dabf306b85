//! Shifts and cash-up through the real `versapos` binary: a whole shift from its float to its Z,
//! the reports, bad input refused with exit 2, and a close SIGKILLed at every point of its run
//! leaving the shift open, or closed with its Z — never half.

use crate::support::{int, Till};
use serde_json::Value;

#[test]
fn a_whole_shift_from_the_float_to_the_z() {
    let till = Till::gbp_with_catalog();
    let opened = till.json(&["shift", "open", "--float", "100.00"]);
    assert_eq!(int(&opened["shift"], "float"), 10_000);
    // TEA 2.49 and BUN 1.35, paid 10.00 in cash: 3.84 stays in the drawer.
    till.ok(&["sale", "--item", "TEA", "--item", "BUN", "--pay", "cash:10"]);
    till.ok(&[
        "shift",
        "pay-in",
        "5.00",
        "--reason",
        "change from the bank",
    ]);
    till.ok(&[
        "shift",
        "pay-out",
        "2.50",
        "--reason",
        "milk for the staff room",
    ]);
    till.ok(&["shift", "drop", "50"]);
    let status = till.ok(&["shift", "status"]);
    assert!(status.contains("milk for the staff room"), "{status}");
    // 100 + 3.84 + 5 − 2.50 − 50 = 56.34
    let x = till.json(&["report", "x"]);
    assert_eq!(int(&x, "expected"), 5634);
    assert_eq!(int(&x, "sales"), 1);
    let csv = till.ok(&["report", "x", "--csv"]);
    assert!(csv.lines().any(|l| l == "expected,5634"), "{csv}");

    // Counted 56.84: over by 0.50 (within the tolerance, no note needed).
    let z = till.json(&[
        "shift",
        "close",
        "--count",
        "50=1,5=1,1=1,0.50=1,0.20=1,0.10=1,0.02=2",
        "--float-left",
        "20",
    ]);
    assert_eq!(int(&z, "z_number"), 1);
    assert_eq!(int(&z, "expected"), 5634);
    assert_eq!(int(&z, "counted"), 5684);
    assert_eq!(int(&z, "over_short"), 50);
    assert_eq!(int(&z, "float_left"), 2000);
    assert_eq!(int(&z, "banked"), 3684);
    assert_eq!(z["currency"], "GBP");
    // The Z as printed, and read back the same whenever asked.
    let printed = till.ok(&["report", "z", "1"]);
    assert!(printed.contains("Z REPORT 1"), "{printed}");
    assert!(
        printed
            .lines()
            .any(|l| l.starts_with("OVER") && l.ends_with("0.50")),
        "{printed}"
    );
    assert_eq!(till.json(&["report", "z"])["printed"], z["printed"]);
    let list = till.json(&["shift", "list"]);
    assert_eq!(list["shifts"][0]["z_number"], 1);
    assert_eq!(list["shifts"][0]["variance"], 50);
    // No shift now: a sale is refused until one is opened.
    let r = till.refused(&["sale", "--item", "TEA", "--pay", "cash"]);
    assert_eq!(r.code, "no_shift_open");
    assert_eq!(till.orders().len(), 1);
}

#[test]
fn bad_shift_input_is_refused_with_exit_2_and_changes_nothing() {
    let till = Till::gbp_with_catalog();
    assert_eq!(
        till.refused(&["shift", "open", "--float", "-5"]).code,
        "invalid_input"
    );
    let r = till.refused(&["shift", "open", "--float", "20=1,0.30=2"]);
    assert_eq!(r.code, "bad_count");
    assert!(r.message.contains("0.30=2"), "{}", r.message);
    assert_eq!(
        till.refused(&["shift", "pay-in", "5", "--reason", "x"])
            .code,
        "no_shift_open"
    );
    till.ok(&["shift", "open", "--float", "10"]);
    assert_eq!(
        till.refused(&["shift", "open", "--float", "10"]).code,
        "shift_open"
    );
    let r = till.refused(&["shift", "pay-out", "10.01", "--reason", "too much"]);
    assert_eq!(r.code, "more_than_in_drawer");
    let r = till.refused(&["shift", "close", "--count", "20=-1"]);
    assert_eq!(r.code, "bad_count");
    assert!(r.message.contains("20=-1"), "{}", r.message);
    // Short by 10.00 with no note.
    let r = till.refused(&["shift", "close", "--count", "0"]);
    assert_eq!(r.code, "note_required");
    assert_eq!(till.refused(&["report", "z"]).code, "unknown_z");
    let status: Value = till.json(&["shift", "status"]);
    assert!(status["shift"]["movements"]
        .as_array()
        .is_some_and(|m| m.is_empty()));
}

#[cfg(unix)]
#[test]
fn a_close_killed_at_any_point_leaves_the_shift_open_or_closed_with_its_z() {
    use std::os::unix::process::ExitStatusExt;
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    let till = Till::gbp_with_catalog();
    let sqlite = till.sqlite();
    // How long an uninterrupted close takes here.
    till.ok(&["shift", "open", "--float", "10"]);
    till.ok(&["sale", "--item", "TEA", "--pay", "cash"]);
    let started = Instant::now();
    till.ok(&["shift", "close", "--count", "10=1,2=1,0.20=2,0.05=1,0.02=2"]);
    let whole = started.elapsed().mul_f64(1.3).max(Duration::from_millis(2));

    let steps = 24u32;
    for step in 0..steps {
        till.ok(&["shift", "open", "--float", "10"]);
        till.ok(&["sale", "--item", "BUN", "--pay", "cash"]);
        let mut child = till
            .command()
            .args(["shift", "close", "--count", "10=1,1=1,0.20=1,0.10=1,0.05=1"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the close");
        std::thread::sleep(whole.mul_f64(f64::from(step) / f64::from(steps)));
        let _ = child.kill();
        let status = child.wait().expect("wait");
        let killed = status.signal().is_some();
        // Whatever happened: every closed shift has its Z, the open one (if any) has none, and
        // every sale is in a Z exactly when its shift is closed.
        let closed: i64 = sqlite
            .query_row(
                "SELECT count(*) FROM shifts WHERE closed_at IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .expect("closed shifts");
        let zs: i64 = sqlite
            .query_row("SELECT count(*) FROM z_reports", [], |r| r.get(0))
            .expect("Z reports");
        assert_eq!(
            closed, zs,
            "step {step}: a closed shift without its Z, or a Z without its shift"
        );
        let stray: i64 = sqlite
            .query_row(
                "SELECT count(*) FROM orders o JOIN shifts s ON s.id = o.shift_id
                 WHERE (s.closed_at IS NULL) <> (o.z_number IS NULL)",
                [],
                |r| r.get(0),
            )
            .expect("orders");
        assert_eq!(
            stray, 0,
            "step {step}: a sale in a Z of an open shift, or left out of a closed one's"
        );
        let open: i64 = sqlite
            .query_row(
                "SELECT count(*) FROM shifts WHERE closed_at IS NULL",
                [],
                |r| r.get(0),
            )
            .expect("open shifts");
        if open == 1 {
            assert!(
                killed,
                "step {step}: the close ended on its own and left the shift open"
            );
            till.ok(&["shift", "close", "--count", "10=1,1=1,0.20=1,0.10=1,0.05=1"]);
        }
    }
    // The Z numbers stayed gapless through it all.
    let (count, max): (i64, i64) = sqlite
        .query_row("SELECT count(*), max(z_number) FROM z_reports", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("Zs");
    assert_eq!(count, max);
    assert_eq!(count, i64::from(steps) + 1);
    till.ok(&["journal", "verify"]);
}

#[test]
fn the_z_prints_on_the_receipt_printer_at_the_close_and_again_as_it_was() {
    use versapos_printer::decode::decode;
    use versapos_printer::fake::FakePrinter;
    use versapos_printer::CodePage;
    let till = Till::gbp_with_catalog();
    let printer = FakePrinter::start();
    till.ok(&["printer", "set", &printer.address(), "--paper", "58mm"]);
    till.ok(&["shift", "open", "--float", "10"]);
    let z = till.json(&["shift", "close", "--count", "10=1"]);
    let paper = decode(&printer.received(), CodePage::Pc858).expect("decode");
    let printed: Vec<String> = z["printed"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| l.as_str().unwrap_or_default().to_string())
        .collect();
    assert!(
        printed.iter().all(|l| l.chars().count() <= 32),
        "laid out for 58 mm: {printed:#?}"
    );
    assert_eq!(paper.text(), printed, "the paper shows the Z as stored");
    assert!(paper.kicks.is_empty());
    printer.clear();
    till.ok(&["print", "z", "1"]);
    let again = decode(&printer.received(), CodePage::Pc858).expect("decode");
    assert_eq!(again.text(), printed);
}
