//! Shifts and cash-up through the till: a float counted by denomination, paid in and out, safe
//! drops, the cash the drawer should hold, the blind count and its tolerances, and Z reports that
//! are gapless, cover each sale once and are never changed.

use crate::support::*;
use versapos_core::{Permission, RefundRequest};
use versapos_till::TillError;

fn open(t: &mut TestTill, float: &str) {
    let count = t.till.parse_count(float).expect("a count");
    t.till.open_shift(&count).expect("open the shift");
}

fn close(
    t: &mut TestTill,
    count: &str,
    note: Option<&str>,
) -> Result<versapos_till::shifts::ZReport, TillError> {
    let count = t.till.parse_count(count).expect("a count");
    t.till.close_shift(&count, "", note)
}

#[test]
fn a_shift_from_its_float_to_its_z() {
    let mut t = gbp_shop();
    // £55.00: two twenties, a ten, five pound coins.
    open(&mut t, "20=2, 10=1, 1=5");
    let shift = t.till.shift().expect("read").expect("open");
    assert_eq!(shift.float, 5500);
    t.cash_sale(&[("COFFEE", 1)]);
    let milk = t.cash_sale(&[("MILK", 1)]);
    t.till
        .pay_in("5.00", "change from the bank")
        .expect("paid in");
    t.till.pay_out("3.00", "window cleaner").expect("paid out");
    t.till.drop_to_safe("20.00").expect("drop");
    t.till
        .refund(&milk.receipt, &RefundRequest::Whole, true)
        .expect("refund the milk in cash");
    // 55 + 12 + 2.10 − 2.10 + 5 − 3 − 20 = 49.00
    let x = t.till.x_report().expect("X");
    assert_eq!(x.expected, 4900);
    assert_eq!(x.sales, 2);
    assert_eq!(x.gross, 1410);
    assert_eq!((x.refunds.count, x.refunds.value), (1, 210));
    assert_eq!(x.net, 1200);
    assert_eq!((x.paid_in.count, x.paid_in.value), (1, 500));
    assert_eq!((x.paid_out.count, x.paid_out.value), (1, 300));
    assert_eq!((x.drops.count, x.drops.value), (1, 2000));
    assert_eq!(x.counted, None);
    // An X resets nothing.
    assert_eq!(t.till.x_report().expect("X again"), x);

    let z = close(&mut t, "20=2, 5=1, 2=2", None).expect("close, exact");
    assert_eq!(z.z_number, 1);
    assert_eq!((z.counted, z.expected, z.variance), (4900, 4900, 0));
    assert_eq!(z.totals.net, 1200);
    assert_eq!(z.totals.grand_total, 1200);
    assert_eq!(z.totals.tenders.cash.value, 1410);
    assert!(
        z.printed.iter().any(|l| l.contains("Z REPORT 1")),
        "{:#?}",
        z.printed
    );
    assert!(z.printed.iter().all(|l| l.chars().count() <= 48));
    let refund_vat = z
        .printed
        .iter()
        .find(|l| l.starts_with("VAT on refunds"))
        .expect("the VAT given back");
    assert!(refund_vat.ends_with("-0.10"), "{refund_vat}");
    let refunds = z
        .printed
        .iter()
        .find(|l| l.starts_with("Refunds (1)"))
        .expect("refunds");
    assert!(refunds.ends_with("-2.10"), "{refunds}");
    // Read back exactly as it was stored; the shift is closed.
    assert_eq!(t.till.z_report(None).expect("the last Z"), z);
    assert_eq!(t.till.z_report(Some(1)).expect("Z 1"), z);
    assert!(t.till.shift().expect("read").is_none());
    let journal = t.scalar("SELECT count(*) FROM journal WHERE kind IN ('shift_open', 'shift_close', 'cash_paid_in', 'cash_paid_out', 'safe_drop')");
    assert_eq!(journal, 5);
}

#[test]
fn once_a_till_works_in_shifts_a_sale_needs_one_and_each_z_covers_its_own_sales() {
    let mut t = gbp_shop();
    // Before any shift the till sells as it always did; that sale goes into the first Z.
    t.cash_sale(&[("BOOK", 1)]);
    open(&mut t, "10=1");
    t.cash_sale(&[("MILK", 1)]);
    let z1 = close(&mut t, "10=1, 2=1, 0.10=1", None).expect("Z 1");
    assert_eq!(z1.totals.sales, 2);
    assert_eq!(
        z1.expected, 1210,
        "the BOOK sale before the shift is not the shift's cash"
    );
    let cart = t.cart(&[("MILK", 1)]);
    match t.till.checkout(&cart, &[t.cash("5.00")]) {
        Err(TillError::NoShiftOpen) => {}
        other => panic!("sold without a shift: {other:?}"),
    }
    open(&mut t, "10=1");
    t.cash_sale(&[("COFFEE", 1)]);
    let z2 = close(&mut t, "20=1, 2=1", None).expect("Z 2");
    assert_eq!(z2.z_number, 2);
    assert_eq!(z2.totals.sales, 1, "Z 2 has only its own sale");
    assert_eq!(z2.totals.grand_total, z1.totals.grand_total + 1200);
    // Every sale is in exactly one Z, and the Zs add up to the sales report.
    assert_eq!(
        t.scalar("SELECT count(*) FROM orders WHERE z_number IS NULL"),
        0
    );
    let day = t.till.today();
    let report = t
        .till
        .report(day, day, versapos_till::ReportBy::Day, None)
        .expect("report");
    // The Z's net is what the report calls total collected.
    assert_eq!(
        report.totals.sales.total_collected,
        z1.totals.net + z2.totals.net
    );
    assert_eq!(
        report.totals.sales.total_collected + z1.totals.refunds.value + z2.totals.refunds.value,
        z1.totals.gross + z2.totals.gross
    );
}

#[test]
fn one_shift_at_a_time_and_a_closed_one_and_its_z_never_change() {
    let mut t = gbp_shop();
    open(&mut t, "10=1");
    let again = t.till.parse_count("10=1").expect("count");
    match t.till.open_shift(&again) {
        Err(e @ TillError::ShiftOpen { .. }) => assert_eq!(e.code(), "shift_open"),
        other => panic!("two shifts open: {other:?}"),
    }
    close(&mut t, "10=1", None).expect("close");
    let raw = t.raw();
    for sql in [
        "UPDATE shifts SET closed_at = NULL, z_number = NULL",
        "UPDATE z_reports SET counted = 0",
        "DELETE FROM z_reports",
        "DELETE FROM shifts",
    ] {
        let err = raw.execute(sql, []).expect_err(sql);
        let said = err.to_string();
        assert!(
            [
                "cannot be reopened",
                "never removed",
                "kept as it was printed"
            ]
            .iter()
            .any(|w| said.contains(w)),
            "{sql}: {said}"
        );
    }
    assert_eq!(t.till.z_report(Some(1)).expect("Z 1").counted, 1000);
}

#[test]
fn cash_taken_out_is_never_more_than_the_drawer_holds() {
    let mut t = gbp_shop();
    open(&mut t, "10=1");
    let err = t
        .till
        .pay_out("10.01", "too much")
        .expect_err("more than in the drawer");
    assert_eq!(err.code(), "more_than_in_drawer");
    assert!(err.to_string().contains("10.00"), "{err}");
    let err = t
        .till
        .drop_to_safe("50")
        .expect_err("more than in the drawer");
    assert_eq!(err.code(), "more_than_in_drawer");
    for (amount, reason) in [("-1", "refund"), ("0", "nothing"), ("abc", "x")] {
        assert!(t.till.pay_in(amount, reason).is_err(), "{amount}");
    }
    assert_eq!(
        t.till.pay_in("1.00", "  ").expect_err("no reason").code(),
        "bad_text"
    );
    assert_eq!(t.scalar("SELECT count(*) FROM cash_movements"), 0);
}

#[test]
fn a_count_is_read_with_the_part_at_fault_named() {
    let t = gbp_shop();
    for (typed, part) in [
        ("20=-1", "20=-1"),
        ("0.30=2", "0.30=2"),
        ("20=1,20=2", "20=2"),
        ("fifty", "fifty"),
    ] {
        let err = t.till.parse_count(typed).expect_err(typed);
        assert_eq!(err.code(), "bad_count", "{typed}: {err}");
        assert!(err.to_string().contains(part), "{typed}: {err}");
    }
}

#[test]
fn paying_in_and_out_is_a_managers_and_a_large_difference_needs_a_managers_pin() {
    let mut t = gbp_shop();
    t.add_the_staff();
    t.till.sign_in("Sam", "1111").expect("cashier");
    open(&mut t, "10=2");
    match t.till.pay_in("5.00", "change") {
        Err(TillError::NotPermitted { permission, .. }) => {
            assert_eq!(permission, Permission::ManageCash)
        }
        other => panic!("a cashier paid in: {other:?}"),
    }
    t.till
        .drop_to_safe("5.00")
        .expect("a cashier drops to the safe");
    t.cash_sale(&[("COFFEE", 1)]);
    // Expected 20 − 5 + 12 = 27.00. Counted 27.50: over by 0.50, within the tolerance.
    let count = t.till.parse_count("20=1, 5=1, 2=1, 0.50=1").expect("count");
    let z = t
        .till
        .close_shift(&count, "10.00", None)
        .expect("over 0.50 needs nothing");
    assert_eq!(z.variance, 50);
    assert_eq!((z.float_left, z.banked), (1000, 1750));
    assert!(
        z.printed
            .iter()
            .any(|l| l.starts_with("OVER") && l.ends_with("0.50")),
        "{:#?}",
        z.printed
    );

    open(&mut t, "10=1, 1=1");
    // Short by 6.00: a note is needed.
    let count = t.till.parse_count("5=1").expect("count");
    let err = t
        .till
        .close_shift(&count, "", None)
        .expect_err("short 6.00 without a note");
    assert_eq!(err.code(), "note_required");
    // Short by 11.00, counted as nothing: beyond the second tolerance, a manager's PIN.
    let empty = t.till.parse_count("0").expect("an empty drawer");
    match t.till.close_shift(&empty, "", Some("till robbed?")) {
        Err(TillError::NotPermitted { permission, .. }) => {
            assert_eq!(permission, Permission::ManageCash)
        }
        other => panic!("a cashier accepted a large short: {other:?}"),
    }
    assert!(t.till.shift().expect("read").is_some(), "still open");
    t.till
        .approve("Morgan", "2222", Permission::ManageCash)
        .expect("a manager approves");
    let z = t
        .till
        .close_shift(&empty, "", Some("till robbed?"))
        .expect("closed with the manager's approval");
    assert_eq!(z.variance, -1100);
    assert_eq!(z.approved_by.as_deref(), Some("Morgan"));
    assert_eq!(z.note.as_deref(), Some("till robbed?"));
}

#[test]
fn a_shift_is_not_closed_while_a_card_payment_is_in_progress() {
    let mut t = gbp_shop();
    open(&mut t, "10=1");
    let cart = t.cart(&[("BOOK", 1)]);
    t.till
        .begin_card_sale(
            &cart,
            &[versapos_core::TenderRequest::Card { amount: None }],
        )
        .expect("card sale begins");
    let err = close(&mut t, "10=1", None).expect_err("card in progress");
    assert_eq!(err.code(), "card_in_progress");
    assert!(t.till.shift().expect("read").is_some());
    assert_eq!(t.scalar("SELECT count(*) FROM z_reports"), 0);
}

#[test]
fn a_void_gives_its_cash_back_within_the_shift_and_counts_as_a_void() {
    let mut t = gbp_shop();
    open(&mut t, "10=1");
    let sale = t.cash_sale(&[("COFFEE", 1)]);
    t.till.void(&sale.receipt).expect("void");
    let x = t.till.x_report().expect("X");
    assert_eq!(x.expected, 1000, "the voided sale's cash went back");
    assert_eq!((x.voids.count, x.voids.value), (1, 1200));
    assert_eq!(x.sales, 0);
    let z = close(&mut t, "10=1", None).expect("Z");
    assert_eq!(z.totals.voids.count, 1);
}

#[test]
fn the_shop_sets_its_own_tolerances() {
    let mut t = gbp_shop();
    t.till
        .set_setting("cash-note-over", "0.20")
        .expect("note tolerance");
    assert_eq!(
        t.till
            .set_setting("cash-approve-over", "-1")
            .expect_err("negative")
            .code(),
        "invalid_input"
    );
    open(&mut t, "10=1");
    // Over by 0.50: above the shop's 0.20, a note is needed (the default would need none).
    let err = close(&mut t, "10=1, 0.50=1", None).expect_err("note needed");
    assert_eq!(err.code(), "note_required");
    let z = close(&mut t, "10=1, 0.50=1", Some("a customer left the change")).expect("closed");
    assert_eq!(z.variance, 50);
    // Back to the defaults.
    t.till
        .set_setting("cash-note-over", "default")
        .expect("default");
    open(&mut t, "10=1");
    close(&mut t, "10=1, 0.50=1", None).expect("0.50 needs no note by default");
}

#[test]
fn the_count_is_blind_unless_the_shop_says_otherwise() {
    let mut t = gbp_shop();
    open(&mut t, "10=1");
    t.cash_sale(&[("MILK", 1)]);
    assert_eq!(t.till.expected_for_close().expect("blind"), None);
    t.till.set_setting("blind-count", "no").expect("not blind");
    assert_eq!(t.till.expected_for_close().expect("shown"), Some(1210));
    assert_eq!(
        t.till
            .set_setting("blind-count", "maybe")
            .expect_err("yes or no")
            .code(),
        "invalid_input"
    );
}
