//! The Stripe key at the command line: into the OS keychain (the real backend; the suite runs in
//! a session keyring of its own), shown only as what it is, an admin's job, never in the store.

use crate::support::Till;
use serde_json::Value;

const KEY: &str = "rk_test_51KeYsAreSecretXyZ0987";

fn staffed() -> Till {
    let till = Till::gbp();
    till.add_the_staff();
    till
}

#[test]
fn an_admin_puts_the_key_in_the_keychain_sees_only_what_it_is_and_removes_it() {
    let till = staffed();
    assert_eq!(till.json(&["keys", "show"])["key"], Value::Null);
    let r = till.run_with_env(&[("VERSAPOS_NEW_KEY", KEY)], &["--json", "keys", "set"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let shown = till.json(&["keys", "show"]);
    assert_eq!(shown["key"], Value::from("restricted test key …0987"));
    assert_eq!(shown["source"], Value::from("keychain"));
    // The environment overrides the keychain, and says so.
    let r = till.run_with_env(
        &[("VERSAPOS_STRIPE_KEY", "sk_test_0123456789abcdefgh")],
        &["--json", "keys", "show"],
    );
    let v: Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(v["source"], Value::from("environment"));
    assert_eq!(v["key"], Value::from("full secret test key …efgh"));

    // Nothing of the key in the store file, the journal included.
    let bytes = std::fs::read(&till.db).expect("store");
    let wal = std::fs::read(till.db.with_extension("db-wal")).unwrap_or_default();
    for haystack in [&bytes, &wal] {
        assert!(
            !haystack.windows(12).any(|w| w == &KEY.as_bytes()[8..20]),
            "part of the key is in the store"
        );
    }
    till.ok(&["journal", "verify"]);

    assert_eq!(
        till.json(&["keys", "remove"])["source"],
        Value::from("removed")
    );
    assert_eq!(till.json(&["keys", "show"])["key"], Value::Null);
}

#[test]
fn a_wrong_key_or_a_manager_is_refused_with_exit_2() {
    let till = staffed();
    for bad in ["pk_test_0123456789abcdef", "not a key", "sk_test_short"] {
        let r = till.run_with_env(&[("VERSAPOS_NEW_KEY", bad)], &["--json", "keys", "set"]);
        assert_eq!(r.code, Some(2), "{bad}: {}", r.stdout);
    }
    till.as_staff(Some(("Morgan", "2222")));
    let r = till.refused(&["keys", "show"]);
    assert!(
        r.message
            .contains("may not set up payment keys. An admin may."),
        "{}",
        r.message
    );
}
