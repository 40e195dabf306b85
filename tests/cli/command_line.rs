//! The command line itself: the exit code and JSON error of a malformed command, and where the
//! store is found.

use crate::support::{text, Till};

#[test]
fn a_malformed_command_line_with_json_exits_2_with_the_error_as_json() {
    let till = Till::gbp_with_catalog();
    for (args, words) in [
        (vec!["sale", "--pay", "cash"], "--item"),
        (vec!["products", "set-price", "TEA", "-1.00"], "'-1'"),
        (vec!["sell", "--item", "TEA"], "'sell'"),
        (vec!["orders", "list", "--limit", "many"], "many"),
    ] {
        let r = till.refused(&args);
        assert_eq!(r.code, "invalid_input", "`{}`", args.join(" "));
        assert!(
            r.message.contains(words),
            "`{}`: the message names what was wrong ({words}): {}",
            args.join(" "),
            r.message
        );
        assert!(
            !r.message.contains("Usage:"),
            "`{}`: the JSON message is the error, not the usage text: {}",
            args.join(" "),
            r.message
        );
    }
    assert!(till.orders().is_empty(), "nothing was sold");
    assert_eq!(till.stock("TEA"), 10, "nothing moved");
}

#[test]
fn help_and_version_exit_0_even_with_json() {
    let till = Till::empty();
    let help = till.run(&["--json", "--help"]);
    assert_eq!(help.code, Some(0), "--help: {}", help.stderr);
    assert!(help.stdout.contains("Usage:"), "{}", help.stdout);
    let version = till.run(&["--json", "--version"]);
    assert_eq!(version.code, Some(0), "--version: {}", version.stderr);
    assert!(
        version.stdout.starts_with("versapos "),
        "{}",
        version.stdout
    );
}

#[test]
fn an_empty_versapos_db_variable_does_not_stop_an_explicit_db() {
    let till = Till::gbp();
    let out = till
        .command()
        .env("VERSAPOS_DB", "")
        .args(["--json", "settings", "show"])
        .output()
        .expect("run versapos");
    assert_eq!(
        out.status.code(),
        Some(0),
        "an empty VERSAPOS_DB means unset; --db must still work. stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shop: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("settings show --json prints JSON");
    assert_eq!(text(&shop, "name"), "Corner Shop");
}

#[test]
fn versapos_db_names_the_store_when_db_is_not_given() {
    let till = Till::gbp();
    let out = std::process::Command::new(crate::support::BIN)
        .env("VERSAPOS_DB", &till.db)
        .env("HOME", till.dir.path())
        .env("XDG_DATA_HOME", till.dir.path().join("data"))
        .args(["--json", "settings", "show"])
        .output()
        .expect("run versapos");
    assert_eq!(
        out.status.code(),
        Some(0),
        "VERSAPOS_DB finds the store: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shop: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("settings show --json prints JSON");
    assert_eq!(text(&shop, "name"), "Corner Shop");
    assert!(
        !till.dir.path().join("data").exists(),
        "the default data folder is not touched"
    );
}

/// A tax rate and an order status are read by the till's one reader for each, whichever door
/// sends them; here they are named as the command line names them.
#[test]
fn a_bad_tax_rate_or_order_status_is_refused_naming_its_argument() {
    let till = Till::gbp_with_catalog();
    for (args, says) in [
        (vec!["settings", "tax-rate", "odd", "12.345"], "PERCENT: "),
        (vec!["settings", "tax-rate", "", "20"], "NAME: "),
        (
            vec!["orders", "list", "--status", "bogus"],
            "--status: 'bogus': expected one of open, payment_pending, payment_failed, paid",
        ),
    ] {
        let r = till.refused(&args);
        assert_eq!(r.code, "invalid_input", "{args:?}: {}", r.message);
        assert!(
            r.message.starts_with(says),
            "{args:?} names its argument ({says:?}): {}",
            r.message
        );
    }
    let shop = till.json(&["settings", "show"]);
    let rates = shop["tax_rates"].as_array().expect("tax rates").len();
    till.ok(&["settings", "tax-rate", "luxury", "25"]);
    let shop = till.json(&["settings", "show"]);
    assert_eq!(
        shop["tax_rates"].as_array().expect("tax rates").len(),
        rates + 1,
        "a good rate is added"
    );
}
