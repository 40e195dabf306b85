//! Staff at the command line: the first admin, commands acting as someone signed in by PIN,
//! refusals that name the missing permission (exit 2), the lock after wrong PINs, and the last
//! admin kept.

use crate::support::Till;
use serde_json::Value;

/// A GBP shop with a catalog and three staff members: Ada (admin, 9999), Morgan (manager,
/// 2222) and Sam (cashier, 1111). Commands run as Ada afterwards.
fn staffed() -> Till {
    let till = Till::gbp_with_catalog();
    till.add_the_staff();
    till
}

#[test]
fn once_a_till_has_staff_every_command_needs_someone_signed_in() {
    let till = staffed();
    till.as_staff(None);
    let r = till.refused(&["products", "list"]);
    assert!(r.message.contains("VERSAPOS_STAFF"), "{}", r.message);
    till.as_staff(Some(("Sam", "1111")));
    assert_eq!(till.json(&["products", "list"])["total"], Value::from(3));
}

#[test]
fn a_cashier_sells_but_is_refused_reports_refunds_and_staff_naming_the_permission() {
    let till = staffed();
    till.as_staff(Some(("Sam", "1111")));
    let sale = till.json(&["sale", "--item", "TEA", "--pay", "cash"]);
    let receipt = sale["receipt"].as_str().expect("receipt").to_string();
    // In words, with who may: no permission's internal name, no PIN approval (the command line
    // has none: the one who may runs it).
    for (args, words) in [
        (
            vec!["report", "--from", "today", "--to", "today"],
            "cashiers may not read reports and past orders. A manager or an admin may.",
        ),
        (
            vec!["refund", receipt.as_str()],
            "cashiers may not refund an order. A manager or an admin may.",
        ),
        (
            vec!["staff", "list"],
            "cashiers may not manage cashiers. A manager or an admin may.",
        ),
        (
            vec!["products", "set-price", "TEA", "2.99"],
            "cashiers may not change the catalog. A manager or an admin may.",
        ),
        (
            vec!["settings", "set", "loyalty-earn", "2"],
            "cashiers may not change the shop's settings. An admin may.",
        ),
    ] {
        let r = till.refused(&args);
        assert_eq!(r.code, "not_permitted", "{args:?}");
        assert_eq!(r.message, words, "{args:?}");
        assert!(!r.message.contains('_') && !r.message.contains("PIN"));
    }
    till.as_staff(Some(("Morgan", "2222")));
    till.json(&["refund", receipt.as_str()]);
    let r = till.refused(&["settings", "set", "loyalty-earn", "2"]);
    assert_eq!(
        r.message,
        "managers may not change the shop's settings. An admin may."
    );
}

#[test]
fn five_wrong_pins_lock_an_account_until_an_admin_unlocks_it() {
    let till = staffed();
    till.as_staff(Some(("Sam", "0000")));
    for _ in 0..4 {
        assert_eq!(till.refused(&["products", "list"]).code, "wrong_pin");
    }
    assert_eq!(till.refused(&["products", "list"]).code, "staff_locked");
    till.as_staff(Some(("Sam", "1111")));
    assert_eq!(
        till.refused(&["products", "list"]).code,
        "staff_locked",
        "the right PIN does not open a locked account"
    );
    till.as_staff(Some(("Ada", "9999")));
    till.json(&["staff", "unlock", "Sam"]);
    till.as_staff(Some(("Sam", "1111")));
    till.json(&["products", "list"]);
}

#[test]
fn bad_staff_input_is_refused_and_changes_nothing() {
    let till = staffed();
    for (pin, args) in [
        ("123", vec!["staff", "add", "--name", "Tom"]),
        ("123456789", vec!["staff", "add", "--name", "Tom"]),
        ("12a4", vec!["staff", "add", "--name", "Tom"]),
        ("4444", vec!["staff", "add", "--name", "sam"]),
        (
            "4444",
            vec!["staff", "add", "--name", "Tom", "--role", "boss"],
        ),
    ] {
        let mut all = vec!["--json"];
        all.extend_from_slice(&args);
        let r = till.run_with_new_pin(pin, &all);
        assert_eq!(r.code, Some(2), "{pin} {args:?}: {}", r.stdout);
    }
    assert_eq!(
        till.refused(&["staff", "disable", "Ada"]).code,
        "invalid_input"
    );
    assert_eq!(
        till.refused(&["staff", "set-role", "Ada", "manager"]).code,
        "invalid_input"
    );
    let list = till.json(&["staff", "list"]);
    let names: Vec<&str> = list["staff"]
        .as_array()
        .expect("staff")
        .iter()
        .filter_map(|m| m["name"].as_str())
        .collect();
    assert_eq!(names, ["Ada", "Morgan", "Sam"]);
    let out = till.ok(&["journal", "verify"]);
    for pin in ["9999", "2222", "1111"] {
        assert!(!out.contains(pin));
    }
}

#[test]
fn status_needs_nobody_and_the_report_by_staff_names_who_sold() {
    let till = staffed();
    till.as_staff(Some(("Sam", "1111")));
    till.json(&["sale", "--item", "TEA:2", "--pay", "cash"]);
    till.as_staff(None);
    let status = till.json(&["status"]);
    assert_eq!(status["set_up"], Value::from(true));
    assert_eq!(status["has_staff"], Value::from(true));
    till.as_staff(Some(("Morgan", "2222")));
    let r = till.json(&[
        "report", "--from", "today", "--to", "today", "--by", "staff",
    ]);
    let rows = r["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 1, "{r}");
    assert_eq!(rows[0]["staff"], Value::from("Sam"));
    assert_eq!(rows[0]["orders"], Value::from(1));
    // No refunds: what Sam charged is what the shop collected.
    assert_eq!(rows[0]["gross"], r["totals"]["total_collected"]);
    let csv = till.ok(&[
        "report", "--from", "today", "--to", "today", "--by", "staff", "--csv",
    ]);
    assert!(
        csv.starts_with("staff,orders,gross,refunds,net,currency\nSam,1,4.98,"),
        "{csv}"
    );
}

/// The permission table walked through the command line for every role: each command either
/// works or exits 2 naming the missing permission.
#[test]
fn every_role_gets_exactly_its_permissions_at_the_command_line() {
    use versapos_core::{Permission, Role};
    for (who, pin, role) in [
        ("Sam", "1111", Role::Cashier),
        ("Morgan", "2222", Role::Manager),
        ("Ada", "9999", Role::Admin),
    ] {
        let till = staffed();
        let paid = till.json(&["sale", "--item", "TEA", "--pay", "cash"]);
        let to_void = till.json(&["sale", "--item", "BUN", "--pay", "cash"]);
        let (paid, to_void) = (
            paid["receipt"].as_str().expect("receipt").to_string(),
            to_void["receipt"].as_str().expect("receipt").to_string(),
        );
        till.as_staff(Some((who, pin)));
        let boss = format!("Boss of {who}");
        let cases: Vec<(Permission, Vec<&str>)> = vec![
            (
                Permission::Sell,
                vec!["sale", "--item", "TEA", "--pay", "cash"],
            ),
            (Permission::ParkSale, vec!["park", "--item", "TEA"]),
            (Permission::LinkCustomer, vec!["customers", "list"]),
            (
                Permission::AddCustomer,
                vec!["customers", "add", "--name", "Grace"],
            ),
            (
                Permission::LargeDiscount,
                vec![
                    "sale",
                    "--item",
                    "TEA",
                    "--discount",
                    "50%",
                    "--pay",
                    "cash",
                ],
            ),
            (
                Permission::OverridePrice,
                vec![
                    "sale",
                    "--item",
                    "TEA",
                    "--line-price",
                    "TEA=1.00",
                    "--pay",
                    "cash",
                ],
            ),
            (Permission::Refund, vec!["refund", paid.as_str()]),
            (Permission::Void, vec!["orders", "void", to_void.as_str()]),
            (
                Permission::ReadReports,
                vec!["report", "--from", "today", "--to", "today"],
            ),
            (
                Permission::EditCatalog,
                vec!["products", "set-price", "TEA", "2.99"],
            ),
            (
                Permission::ChangeSettings,
                vec!["settings", "set", "lock-minutes", "10"],
            ),
            (Permission::ManageCashiers, vec!["staff", "list"]),
        ];
        for (permission, args) in cases {
            let mut all = vec!["--json"];
            all.extend_from_slice(&args);
            let r = till.run(&all);
            if role.allows(permission) {
                assert_eq!(r.code, Some(0), "{role} {args:?}: {}", r.stderr);
            } else {
                assert_eq!(r.code, Some(2), "{role} {args:?}: {}", r.stdout);
                assert!(
                    r.stderr.contains(permission.describe()),
                    "{role} {args:?} says in words what {permission} is: {}",
                    r.stderr
                );
            }
        }
        let r = till.run_with_new_pin(
            "4321",
            &["staff", "add", "--name", boss.as_str(), "--role", "manager"],
        );
        let expected = if role.allows(Permission::ManageManagers) {
            0
        } else {
            2
        };
        assert_eq!(
            r.code,
            Some(expected),
            "{role} adds a manager: {}",
            r.stderr
        );
    }
}
