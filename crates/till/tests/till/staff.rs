//! Staff accounts through the till's services: the first admin, signing in, the permission table
//! for every role, a manager's override, the lock after wrong PINs, and accounts that can never
//! lock the shop out.

use crate::support::{exact_cash, gbp_shop, TestTill};
use versapos_core::{Permission, Pin, RefundRequest, Role, TaxRate};
use versapos_till::StaffChange as Change;
use versapos_till::{NewProduct, TillError};

fn pin(p: &str) -> Pin {
    Pin::parse(p).expect("a valid PIN")
}

/// The GBP test shop with an admin (Ada, 9999), a manager (Morgan, 2222) and a cashier
/// (Sam, 1111); nobody signed in.
fn staffed() -> TestTill {
    let mut t = gbp_shop();
    t.add_the_staff();
    t
}

fn denied(r: Result<impl std::fmt::Debug, TillError>) -> Option<Permission> {
    match r {
        Err(TillError::NotPermitted { permission, .. }) => Some(permission),
        Err(e) => panic!("expected a refusal for want of a permission, got {e}"),
        Ok(_) => None,
    }
}

#[test]
fn the_first_staff_member_is_an_admin_and_then_nothing_happens_without_signing_in() {
    let mut t = gbp_shop();
    assert!(!t.till.has_staff().expect("has staff"));
    let e = t
        .till
        .add_staff("Sam", Role::Cashier, &pin("1111"))
        .expect_err("a cashier first");
    assert!(e.to_string().contains("admin"), "{e}");
    t.till
        .add_staff("Ada", Role::Admin, &pin("9999"))
        .expect("admin first");
    assert!(matches!(
        t.till.find_products("coffee", 5),
        Err(TillError::NotSignedIn)
    ));
    let cart = t.cart(&[]);
    assert!(matches!(
        t.till.checkout(&cart, &[exact_cash()]),
        Err(TillError::NotSignedIn)
    ));
    assert!(matches!(
        t.till.add_staff("Eve", Role::Admin, &pin("1234")),
        Err(TillError::NotSignedIn)
    ));
}

/// What each role may do, walked through the services themselves (the table in the domain is
/// what they must agree with).
#[test]
fn every_role_can_do_exactly_what_the_permission_table_says() {
    for (who, code, role) in [
        ("Sam", "1111", Role::Cashier),
        ("Morgan", "2222", Role::Manager),
        ("Ada", "9999", Role::Admin),
    ] {
        let mut t = staffed();
        // A paid order to refund and one to void, rung up by the admin.
        t.till.sign_in("Ada", "9999").expect("admin");
        let to_refund = t.cash_sale(&[("MILK", 2)]);
        let to_void = t.cash_sale(&[("BOOK", 1)]);
        let customer = t.add_customer("Grace");
        t.till.sign_in(who, code).expect("sign in");
        let till = &mut t.till;

        let mut seen = Vec::new();
        let mut expect = |p: Permission, outcome: Option<Permission>| {
            let allowed = role.allows(p);
            assert_eq!(outcome.is_none(), allowed, "{role} / {p}: {outcome:?}");
            if let Some(refused) = outcome {
                assert_eq!(refused, p, "{role}: the refusal names {p}");
            }
            seen.push(p);
        };

        let cart = {
            let mut c = till.new_cart().expect("cart");
            till.add_to_cart(&mut c, "COFFEE", 1).expect("add");
            c
        };
        expect(
            Permission::ParkSale,
            denied(till.park(&cart, Some("table 2"))),
        );
        expect(
            Permission::LinkCustomer,
            denied(till.link_customer(&mut cart.clone(), customer.id)),
        );
        expect(
            Permission::AddCustomer,
            denied(till.add_customer(&versapos_till::NewCustomer {
                name: format!("New for {who}"),
                email: None,
                phone: None,
            })),
        );
        expect(
            Permission::Sell,
            denied(till.checkout(&cart, &[exact_cash()])),
        );
        expect(
            Permission::Refund,
            denied(till.refund(&to_refund.receipt, &RefundRequest::Whole, false)),
        );
        expect(Permission::Void, denied(till.void(&to_void.receipt)));
        let lost = versapos_core::CardUid::parse("04A1B2C3").expect("a card UID");
        expect(
            Permission::ManageVipCards,
            denied(till.block_card(&lost, Some("lost"))),
        );
        let today = till.today();
        expect(
            Permission::ReadReports,
            denied(till.report(today, today, versapos_till::ReportBy::Hour, None)),
        );
        expect(
            Permission::EditCatalog,
            denied(till.set_price("MILK", "2.20")),
        );
        expect(
            Permission::ChangeSettings,
            denied(till.set_setting("loyalty-earn", "2")),
        );
        expect(
            Permission::ManageCashiers,
            denied(till.add_staff(&format!("Cashier of {who}"), Role::Cashier, &pin("4321"))),
        );
        expect(
            Permission::ManageManagers,
            denied(till.add_staff(&format!("Manager of {who}"), Role::Manager, &pin("4321"))),
        );
        // Taking cash comes with completing a sale (every role has both).
        let mut discounted = cart.clone();
        discounted.set_order_discount(Some(versapos_core::Discount::Percent {
            basis_points: 5000,
        }));
        expect(
            Permission::LargeDiscount,
            denied(till.checkout(&discounted, &[exact_cash()])),
        );
        expect(
            Permission::OverridePrice,
            denied(till.override_price(&mut cart.clone(), 0, "0.50")),
        );
        expect(Permission::ManageKeys, denied(till.may_manage_keys()));
        // Checked before the printer is looked for (this till has none).
        let no_sale = match till.no_sale_printout() {
            Err(TillError::NoPrinter) => Ok(()),
            other => other.map(|_| ()),
        };
        expect(Permission::NoSale, denied(no_sale));
        // Checked before the open shift is looked for (this till has none).
        let pay_in = match till.pay_in("1.00", "walk") {
            Err(TillError::NoShiftOpen) => Ok(()),
            other => other.map(|_| ()),
        };
        expect(Permission::ManageCash, denied(pay_in));
        // Checked before the customers are looked for (there are none with these numbers).
        let erase = match till.erase_customer(versapos_core::CustomerId(9_999)) {
            Err(TillError::UnknownCustomer(_)) => Ok(()),
            other => other.map(|_| ()),
        };
        expect(Permission::ManageCustomers, denied(erase));
        seen.push(Permission::TakeCash);
        let mut all = Permission::ALL.to_vec();
        all.sort();
        seen.sort();
        assert_eq!(seen, all, "{role}: every permission walked");
    }
}

#[test]
fn a_managers_pin_approves_one_refund_and_both_people_are_recorded() {
    let mut t = staffed();
    t.till.sign_in("Sam", "1111").expect("cashier");
    let order = t.cash_sale(&[("MILK", 2), ("BOOK", 1)]);
    assert_eq!(
        t.scalar(&format!(
            "SELECT staff_id FROM orders WHERE id = '{}'",
            order.id
        )),
        t.till.signed_in().expect("signed in").id,
        "the order records who sold it"
    );
    let line = RefundRequest::Lines(vec![(crate::support::sku("MILK"), 1)]);
    assert_eq!(
        denied(t.till.refund(&order.receipt, &line, false)),
        Some(Permission::Refund)
    );
    // A cashier's PIN cannot approve; a wrong manager PIN neither.
    assert!(matches!(
        t.till.approve("Sam", "1111", Permission::Refund),
        Err(TillError::NotPermitted { .. })
    ));
    assert!(matches!(
        t.till.approve("Morgan", "0000", Permission::Refund),
        Err(TillError::WrongPin { .. })
    ));
    let morgan = t
        .till
        .approve("Morgan", "2222", Permission::Refund)
        .expect("manager approves");
    assert_eq!(t.till.signed_in().map(|a| a.name.as_str()), Some("Sam"));
    // An approval of a refund does not void.
    assert!(denied(t.till.void(&order.receipt)).is_some());
    let refund = t
        .till
        .refund(&order.receipt, &line, false)
        .expect("approved refund");
    assert_eq!(
        t.scalar(&format!(
            "SELECT approved_by FROM refunds WHERE id = '{}'",
            refund.id
        )),
        morgan.id
    );
    let payload = t
        .text("SELECT payload FROM journal WHERE kind = 'refund' ORDER BY seq DESC LIMIT 1")
        .expect("refund entry");
    assert!(
        payload.contains("\"approved_by\":{\"id\"") && payload.contains("Morgan"),
        "{payload}"
    );
    assert!(
        payload.contains("\"staff\":{") && payload.contains("Sam"),
        "{payload}"
    );
    let view = t.till.order(&order.receipt).expect("order");
    assert_eq!(view.staff.as_deref(), Some("Sam"));
    assert_eq!(view.refunds[0].staff.as_deref(), Some("Sam"));
    assert_eq!(view.refunds[0].approved_by.as_deref(), Some("Morgan"));
    // Good for that one action only.
    assert_eq!(
        denied(t.till.refund(&order.receipt, &line, false)),
        Some(Permission::Refund)
    );
    assert!(
        t.till.verify_journal().is_err(),
        "a cashier cannot read the journal either"
    );
    t.till.sign_in("Ada", "9999").expect("admin");
    assert!(t.till.verify_journal().expect("verify").problems.is_empty());
}

#[test]
fn five_wrong_pins_lock_the_account_for_longer_each_time_until_an_admin_unlocks_it() {
    let mut t = staffed();
    for tries in 1..=4 {
        match t.till.sign_in("Sam", "0000") {
            Err(TillError::WrongPin { .. }) => {}
            other => panic!("expected a wrong PIN, got {other:?}"),
        }
        assert_eq!(
            t.scalar("SELECT wrong_pins FROM staff WHERE name = 'Sam'"),
            tries
        );
    }
    let locked = |r: Result<versapos_till::Actor, TillError>| -> String {
        match r {
            Err(TillError::StaffLocked { until, .. }) => until,
            other => panic!("expected a lock, got {other:?}"),
        }
    };
    let until = locked(t.till.sign_in("Sam", "12"));
    assert!(
        until.starts_with("2025-03-14T10:16:00"),
        "one minute: {until}"
    );
    // While locked even the right PIN is refused, and not counted.
    locked(t.till.sign_in("Sam", "1111"));
    assert_eq!(
        t.scalar("SELECT count(*) FROM journal WHERE kind = 'staff_locked'"),
        1,
        "the lock is journaled once"
    );
    // After the minute, one more wrong PIN locks it for two.
    t.set_time("2025-03-14T10:16:30+00:00");
    let until = locked(t.till.sign_in("Sam", "0000"));
    assert!(
        until.starts_with("2025-03-14T10:18:30"),
        "two minutes: {until}"
    );

    // An admin unlocks it; a cashier or manager cannot unlock an admin.
    t.till.sign_in("Morgan", "2222").expect("manager");
    assert!(denied(t.till.change_staff("Ada", Change::Unlock)).is_some());
    t.till
        .change_staff("Sam", Change::Unlock)
        .expect("a manager unlocks a cashier");
    t.till.sign_in("Sam", "1111").expect("unlocked");
    assert_eq!(
        t.scalar("SELECT wrong_pins FROM staff WHERE name = 'Sam'"),
        0
    );
}

/// Forty guessers at once, each with its own connection to the store as a separate process has:
/// the tries are counted where they are checked, so only five guesses are ever checked.
#[test]
fn forty_guessers_at_once_are_stopped_after_five_guesses_in_total() {
    let t = staffed();
    let path = t.path();
    let start = std::sync::Arc::new(std::sync::Barrier::new(40));
    let guessers: Vec<_> = (0..40)
        .map(|i| {
            let path = path.clone();
            let start = std::sync::Arc::clone(&start);
            std::thread::spawn(move || {
                let mut till = versapos_till::Till::open_with_clock(
                    &path,
                    crate::support::clock(crate::support::DAY1_MORNING),
                )
                .expect("open the store");
                start.wait();
                till.sign_in("Sam", &format!("{:04}", 2000 + i))
            })
        })
        .collect();
    let answers: Vec<_> = guessers
        .into_iter()
        .map(|g| g.join().expect("a guesser"))
        .collect();
    let wrong = answers
        .iter()
        .filter(|a| matches!(a, Err(TillError::WrongPin { .. })))
        .count();
    let locked = answers
        .iter()
        .filter(|a| matches!(a, Err(TillError::StaffLocked { .. })))
        .count();
    assert_eq!((wrong, locked), (4, 36), "{answers:?}");
    assert_eq!(
        t.scalar("SELECT wrong_pins FROM staff WHERE name = 'Sam'"),
        5,
        "five guesses checked in all"
    );
    assert_eq!(
        t.scalar("SELECT count(*) FROM journal WHERE kind = 'staff_locked'"),
        1
    );
}

/// Guessing names tells nothing: a name that is no staff member's gets the wrong-PIN answer and
/// costs as much as a wrong PIN (the whole PIN check is done against a hash of no one's PIN).
#[test]
fn an_unknown_name_gets_the_wrong_pin_answer_and_takes_as_long() {
    let mut t = staffed();
    let mut timed = |name: &str, pin: &str| {
        let started = std::time::Instant::now();
        let answer = t.till.sign_in(name, pin);
        let took = started.elapsed();
        let e = answer.expect_err("not signed in");
        assert!(matches!(e, TillError::WrongPin { .. }), "{e:?}");
        assert_eq!(e.code(), "wrong_pin");
        (e.to_string().replace(name, "NAME"), took)
    };
    let mut unknown = Vec::new();
    let mut wrong = Vec::new();
    for _ in 0..4 {
        let (said_unknown, took) = timed("Casey", "1234");
        unknown.push(took);
        let (said_wrong, took) = timed("Sam", "1234");
        wrong.push(took);
        assert_eq!(said_unknown, said_wrong);
        // A PIN of the wrong shape is checked (and costs) the same.
        let (said_short, took) = timed("Casey", "12");
        unknown.push(took);
        assert_eq!(said_short, said_wrong);
    }
    t.till
        .sign_in("Sam", "1111")
        .expect("the right PIN clears the count");
    assert_eq!(
        t.text("SELECT value FROM settings WHERE key = 'tries_at_unknown_names'")
            .as_deref(),
        Some("8"),
        "each try at a name that is no one's is counted, as a wrong PIN is"
    );
    unknown.sort();
    wrong.sort();
    let (unknown, wrong) = (unknown[unknown.len() / 2], wrong[wrong.len() / 2]);
    // Timing on a shared machine wanders; a name that is not checked at all answered in a
    // seventh of the time.
    assert!(
        unknown * 2 >= wrong,
        "an unknown name answered in {unknown:?}, a wrong PIN in {wrong:?}"
    );
}

#[test]
fn pins_are_hashed_and_never_written_in_the_clear() {
    let mut t = staffed();
    t.till.sign_in("Ada", "9999").expect("admin");
    t.till
        .change_staff("Sam", Change::ResetPin(&pin("86420")))
        .expect("reset");
    t.till.sign_in("Sam", "86420").expect("new PIN");
    let hashes: Vec<String> = {
        let raw = t.raw();
        let mut stmt = raw.prepare("SELECT pin_hash FROM staff").expect("prepare");
        let rows = stmt.query_map([], |r| r.get(0)).expect("query");
        rows.collect::<Result<_, _>>().expect("rows")
    };
    assert!(
        hashes.iter().all(|h| h.starts_with("$argon2id$")),
        "{hashes:?}"
    );
    let journal: Vec<String> = {
        let raw = t.raw();
        let mut stmt = raw.prepare("SELECT payload FROM journal").expect("prepare");
        let rows = stmt.query_map([], |r| r.get(0)).expect("query");
        rows.collect::<Result<_, _>>().expect("rows")
    };
    for secret in ["9999", "2222", "1111", "86420"] {
        assert!(
            !journal.iter().any(|p| p.contains(secret)),
            "PIN {secret} in the journal"
        );
        assert!(
            !hashes.iter().any(|h| h.contains(secret)),
            "PIN {secret} in a hash"
        );
    }
}

#[test]
fn the_shop_never_loses_its_last_admin_and_names_are_unique() {
    let mut t = staffed();
    t.till.sign_in("Ada", "9999").expect("admin");
    for change in [Change::Disable, Change::SetRole(Role::Manager)] {
        let e = t.till.change_staff("Ada", change).expect_err("last admin");
        assert!(
            e.is_bad_input() && e.to_string().contains("last admin"),
            "{e}"
        );
    }
    let e = t
        .till
        .add_staff("  morgan ", Role::Cashier, &pin("5555"))
        .expect_err("duplicate, whatever the case");
    assert!(e.to_string().contains("already"), "{e}");
    t.till
        .add_staff("Bea", Role::Admin, &pin("7777"))
        .expect("second admin");
    t.till
        .change_staff("Ada", Change::SetRole(Role::Manager))
        .expect("now Ada may step down");
    // A disabled account cannot sign in.
    t.till.sign_in("Bea", "7777").expect("admin");
    t.till
        .change_staff("Sam", Change::Disable)
        .expect("disable");
    assert!(matches!(
        t.till.sign_in("Sam", "1111"),
        Err(TillError::StaffDisabled(_))
    ));
}

#[test]
fn a_cashier_can_sell_but_the_catalog_settings_and_staff_need_more() {
    let mut t = staffed();
    t.till.sign_in("Sam", "1111").expect("cashier");
    let order = t.cash_sale(&[("COFFEE", 1)]);
    assert_eq!(order.status, "paid");
    let new = NewProduct {
        sku: crate::support::sku("TEA"),
        name: "Tea".into(),
        price: t.money("1.00"),
        barcode: None,
        tax_rate: None,
        stock: 1,
        category: None,
    };
    assert_eq!(
        denied(t.till.add_product(&new)),
        Some(Permission::EditCatalog)
    );
    let rate = TaxRate::new("luxury", 2500).expect("rate");
    assert_eq!(
        denied(t.till.set_tax_rate(&rate)),
        Some(Permission::ChangeSettings)
    );
    assert_eq!(denied(t.till.staff()), Some(Permission::ManageCashiers));
    let e = t.till.set_tax_rate(&rate).expect_err("refused");
    assert!(
        e.to_string() == "cashiers may not change the shop's settings. An admin may.",
        "the message says in words what was refused and who may: {e}"
    );
}

#[test]
fn a_cashier_finds_the_receipt_in_hand_but_cannot_browse_orders() {
    let mut t = staffed();
    t.till.sign_in("Sam", "1111").expect("cashier");
    let order = t.cash_sale(&[("MILK", 1)]);
    let by = |text: &str| versapos_till::OrderFilter {
        text: Some(text.to_string()),
        ..Default::default()
    };
    let found = t
        .till
        .find_orders(&by(&order.receipt), 10, 0)
        .expect("by receipt");
    assert_eq!(found.len(), 1);
    assert_eq!(
        t.till.order(&order.receipt).expect("the order").id,
        order.id
    );
    assert_eq!(
        denied(
            t.till
                .find_orders(&versapos_till::OrderFilter::default(), 10, 0)
        ),
        Some(Permission::ReadReports)
    );
    assert_eq!(
        denied(t.till.find_orders(&by("Grace"), 10, 0)),
        Some(Permission::ReadReports)
    );
}

#[test]
fn the_report_by_staff_adds_up_to_the_days_totals() {
    // A sale from before the till had staff accounts, then the staff.
    let mut t = gbp_shop();
    t.cash_sale(&[("MILK", 1)]);
    t.add_the_staff();
    t.till.sign_in("Sam", "1111").expect("cashier");
    t.cash_sale(&[("COFFEE", 1)]);
    let sold = t.cash_sale(&[("BOOK", 2)]);
    t.till.sign_in("Morgan", "2222").expect("manager");
    t.cash_sale(&[("MILK", 3)]);
    let line = RefundRequest::Lines(vec![(crate::support::sku("BOOK"), 1)]);
    t.till.refund(&sold.receipt, &line, false).expect("refund");
    let voided = t.cash_sale(&[("COFFEE", 1)]);
    t.till.void(&voided.receipt).expect("void");

    let today = t.till.today();
    let r = t
        .till
        .report(today, today, versapos_till::ReportBy::Staff, None)
        .expect("report");
    let versapos_till::ReportRows::Staff(rows) = &r.rows else {
        panic!("staff rows: {:?}", r.rows)
    };
    let row = |name: &str| rows.iter().find(|x| x.staff == name).expect(name).clone();
    assert_eq!(row("Sam").orders, 2);
    assert_eq!(row("Morgan").orders, 1, "the voided sale is left out");
    assert!(row("Morgan").refunds > 0, "Morgan gave the refund");
    assert_eq!(row("Sam").refunds, 0);
    assert_eq!(row("—").orders, 1);
    // Each person's takings less what they gave back add up to the total collected.
    assert_eq!(
        rows.iter().map(|x| x.gross - x.refunds).sum::<i64>(),
        r.totals.sales.total_collected
    );
    assert_eq!(
        rows.iter().map(|x| x.net).sum::<i64>(),
        r.totals.sales.total_collected
    );
    assert_eq!(rows.iter().map(|x| x.orders).sum::<i64>(), r.totals.orders);
}

#[test]
fn a_discount_above_the_limit_needs_a_managers_pin_at_the_till() {
    let mut t = staffed();
    t.till.sign_in("Sam", "1111").expect("cashier");
    let mut cart = t.cart(&[("COFFEE", 1)]);
    cart.set_order_discount(Some(versapos_core::Discount::Percent {
        basis_points: 1000,
    }));
    t.till
        .check_discount(&cart)
        .expect("10 % is the cashier's own limit");
    cart.set_order_discount(Some(versapos_core::Discount::Percent {
        basis_points: 2500,
    }));
    assert_eq!(
        denied(t.till.check_discount(&cart)),
        Some(Permission::LargeDiscount)
    );
    assert_eq!(
        denied(t.till.checkout(&cart, &[exact_cash()])),
        Some(Permission::LargeDiscount)
    );
    t.till
        .approve("Morgan", "2222", Permission::LargeDiscount)
        .expect("approve");
    t.till
        .check_discount(&cart)
        .expect("approved, not yet used");
    let order = t.till.checkout(&cart, &[exact_cash()]).expect("sold");
    let payload = t
        .text(&format!(
            "SELECT payload FROM journal WHERE ref_id = '{}' AND kind = 'sale'",
            order.id
        ))
        .expect("sale entry");
    assert!(payload.contains("Morgan"), "{payload}");
    // The shop can raise the limit.
    t.till.sign_in("Ada", "9999").expect("admin");
    t.till.set_setting("discount-limit", "30").expect("setting");
    t.till.sign_in("Sam", "1111").expect("cashier");
    t.till
        .check_discount(&cart)
        .expect("25 % is now within the limit");
    assert!(t.till.set_setting("discount-limit", "120").is_err());
}

/// A manager approves the discount they were shown, not any discount: 20 % approved cannot
/// become 100 % before paying; the same 20 % stays approved as the sale grows.
#[test]
fn an_approved_discount_cannot_be_raised_afterwards() {
    let mut t = staffed();
    t.till.sign_in("Sam", "1111").expect("cashier");
    let mut cart = t.cart(&[("COFFEE", 1)]);
    let twenty = Some(versapos_core::Discount::Percent { basis_points: 2000 });
    cart.set_order_discount(twenty.clone());
    assert_eq!(
        denied(t.till.check_discount(&cart)),
        Some(Permission::LargeDiscount)
    );
    t.till
        .approve("Morgan", "2222", Permission::LargeDiscount)
        .expect("approve");
    t.till.check_discount(&cart).expect("the 20 % approved");
    let mut raised = cart.clone();
    raised.set_order_discount(Some(versapos_core::Discount::Percent {
        basis_points: 10_000,
    }));
    assert_eq!(
        denied(t.till.check_discount(&raised)),
        Some(Permission::LargeDiscount),
        "100 % was never approved"
    );
    assert_eq!(
        denied(t.till.checkout(&raised, &[exact_cash()])),
        Some(Permission::LargeDiscount),
        "nor can it be paid"
    );
    // The approved 20 % on a bigger sale is still the 20 % approved.
    let mut bigger = t.cart(&[("COFFEE", 3)]);
    bigger.set_order_discount(twenty);
    t.till.check_discount(&bigger).expect("same size");
    t.till
        .checkout(&bigger, &[exact_cash()])
        .expect("sold with the approval");
    // Used up with that sale.
    assert_eq!(
        denied(t.till.checkout(&cart, &[exact_cash()])),
        Some(Permission::LargeDiscount)
    );
}

/// The limit is held to each discount, not only to the sale: 100 % off a croissant in a bigger
/// sale (1.20 of 16.10) or 20 % off one line is beyond a 10 % limit, though both are well under
/// 10 % of the sale. Approved, the sale's journal entry records who approved it and how much.
#[test]
fn a_cashiers_limit_holds_for_each_line_the_order_discount_and_the_total() {
    let mut t = staffed();
    t.till.sign_in("Ada", "9999").expect("admin");
    t.add_product("CROISSANT", "Croissant", "1.20", "reduced", 10);
    t.till.sign_in("Sam", "1111").expect("cashier");
    let base = t.cart(&[("COFFEE", 1), ("CROISSANT", 1), ("MILK", 1), ("SWEET", 40)]);
    let line_of = |sku: &str| {
        base.lines
            .iter()
            .position(|l| l.sku.as_str() == sku)
            .expect("line")
    };
    for (what, sku, discount) in [
        ("the croissant given away", "CROISSANT", "100%"),
        ("20 % off one line", "MILK", "20%"),
        ("an amount over 10 % of its line", "COFFEE", "1.30"),
    ] {
        let mut cart = base.clone();
        assert_eq!(
            denied(
                t.till
                    .set_line_discount(&mut cart, line_of(sku), Some(discount))
            ),
            Some(Permission::LargeDiscount),
            "{what}"
        );
        assert_eq!(cart, base, "{what}: refused, the cart is as it was");
    }
    // Within the limit line by line and on the order, but over it together.
    let mut cart = base.clone();
    t.till
        .set_line_discount(&mut cart, line_of("COFFEE"), Some("10%"))
        .expect("10 % of a line");
    t.till
        .set_line_discount(&mut cart, line_of("MILK"), Some("10%"))
        .expect("10 % of another");
    assert_eq!(
        denied(t.till.set_order_discount(&mut cart, Some("10%"))),
        Some(Permission::LargeDiscount),
        "10 % on top of 10 % is 19 % of the sale"
    );
    let mut cart = base.clone();
    t.till
        .set_order_discount(&mut cart, Some("1.61"))
        .expect("10 % of 16.10");
    assert_eq!(
        denied(t.till.set_order_discount(&mut cart, Some("1.62"))),
        Some(Permission::LargeDiscount)
    );

    // With a manager's PIN the croissant goes free, and the journal says so.
    let mut cart = base.clone();
    t.till
        .approve("Morgan", "2222", Permission::LargeDiscount)
        .expect("approve");
    t.till
        .set_line_discount(&mut cart, line_of("CROISSANT"), Some("100%"))
        .expect("approved");
    let order = t.till.checkout(&cart, &[exact_cash()]).expect("sold");
    assert_eq!(order.discount_total, 120);
    let payload = t
        .text(&format!(
            "SELECT payload FROM journal WHERE ref_id = '{}' AND kind = 'sale'",
            order.id
        ))
        .expect("sale entry");
    assert!(
        payload.contains("\"approved_by\":{") && payload.contains("Morgan"),
        "{payload}"
    );
    assert!(payload.contains("\"discounts\":120"), "{payload}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]

    /// Whatever discounts a cashier tries on whatever cart, the sales the till lets them make
    /// alone are never discounted beyond the limit on any line, on the order, or in total.
    #[test]
    fn no_cashier_only_sale_is_discounted_beyond_the_limit(
        items in proptest::collection::vec((0usize..4, 1i64..5), 1..6),
        tries in proptest::collection::vec(
            (proptest::option::of(0usize..6), 0u32..=100, proptest::bool::ANY, 1i64..2000),
            1..8,
        ),
        limit in 0u32..=30,
    ) {
        let mut t = staffed();
        t.till.sign_in("Ada", "9999").expect("admin");
        t.till.set_setting("discount-limit", &limit.to_string()).expect("limit");
        t.till.sign_in("Sam", "1111").expect("cashier");
        const SKUS: [&str; 4] = ["COFFEE", "MILK", "BOOK", "SWEET"];
        let picked: Vec<(&str, i64)> = items.iter().map(|(i, q)| (SKUS[*i], *q)).collect();
        let mut cart = t.cart(&picked);
        for (line, percent, as_percent, minor) in tries {
            let typed = if as_percent {
                format!("{percent}%")
            } else {
                format!("{}.{:02}", minor / 100, minor % 100)
            };
            // Refused or not, the cart is only ever one the till accepted.
            let _ = match line {
                Some(i) if i < cart.lines.len() => t.till.set_line_discount(&mut cart, i, Some(&typed)),
                _ => t.till.set_order_discount(&mut cart, Some(&typed)),
            };
        }
        let order = t.till.checkout(&cart, &[exact_cash()]).expect("a cashier's own sale");
        let allowed = |discount: i64, of: i64| i128::from(discount) * 100 <= i128::from(limit) * i128::from(of);
        let priced = cart.price(versapos_core::TaxMode::Inclusive).expect("price");
        for l in &priced.lines {
            proptest::prop_assert!(allowed(l.line_discount.minor(), l.extended.minor()),
                "line {} off {} at a {limit} % limit", l.line_discount, l.extended);
        }
        let line_total: i64 = priced.lines.iter().map(|l| l.line_discount.minor()).sum();
        proptest::prop_assert!(allowed(priced.order_discount.minor(), priced.subtotal.minor() - line_total));
        proptest::prop_assert!(allowed(order.discount_total, order.subtotal),
            "{} off {} at a {limit} % limit", order.discount_total, order.subtotal);
    }
}

#[test]
fn a_price_override_needs_a_manager_and_the_sale_records_the_approval() {
    let mut t = staffed();
    t.till.sign_in("Sam", "1111").expect("cashier");
    let mut cart = t.cart(&[("COFFEE", 1), ("MILK", 1)]);
    assert_eq!(
        denied(t.till.override_price(&mut cart, 0, "9.00")),
        Some(Permission::OverridePrice)
    );
    assert!(
        !cart.has_price_override(),
        "a refused override changes nothing"
    );
    t.till
        .approve("Morgan", "2222", Permission::OverridePrice)
        .expect("approve");
    t.till
        .override_price(&mut cart, 0, "9.00")
        .expect("approved");
    assert_eq!(cart.lines[0].unit_price, t.money("9.00"));
    assert_eq!(cart.lines[0].catalog_price, Some(t.money("12.00")));
    let order = t.till.checkout(&cart, &[exact_cash()]).expect("sold");
    assert_eq!(order.total, t.money("11.10").minor());
    let payload = t
        .text(&format!(
            "SELECT payload FROM journal WHERE ref_id = '{}' AND kind = 'sale'",
            order.id
        ))
        .expect("sale entry");
    assert!(payload.contains("Morgan"), "{payload}");
    // A manager may do it alone; setting the catalog price back is no override at all.
    t.till.sign_in("Morgan", "2222").expect("manager");
    let mut cart = t.cart(&[("COFFEE", 1)]);
    t.till
        .override_price(&mut cart, 0, "10.00")
        .expect("manager");
    t.till.sign_in("Sam", "1111").expect("cashier");
    t.till
        .override_price(&mut cart, 0, "12.00")
        .expect("back to the catalog price");
    assert!(!cart.has_price_override());
    assert!(t.till.override_price(&mut cart, 0, "-1").is_err());
}

#[test]
fn the_lockout_says_until_when_in_words_not_a_machine_timestamp() {
    let mut t = staffed();
    let mut last = None;
    for _ in 0..5 {
        last = Some(t.till.sign_in("Sam", "0000"));
    }
    let err = last.expect("tried").expect_err("locked");
    let said = err.to_string();
    assert!(said.contains("until Fri 14 Mar 2025 10:16"), "{said}");
    assert!(!said.contains("T10:16"), "{said}");
}
