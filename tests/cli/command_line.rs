//! The command line itself: the exit code and JSON error of a malformed command, and where the
//! store is found.

use crate::support::{path_str, text, Till};

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

/// Numbers typed on the command line are bounded where they are read: no page, limit or count
/// can overflow, and a stock figure stays within ±1,000,000,000 so no sale or refund can push
/// it past what the store keeps.
#[test]
fn numbers_beyond_what_a_shop_counts_are_refused_naming_the_flag() {
    let till = Till::gbp_with_catalog();
    for (args, names) in [
        (
            vec!["products", "list", "--page", "9223372036854775807"],
            "--page",
        ),
        (vec!["products", "list", "--page", "0"], "--page"),
        (
            vec!["products", "list", "--per-page", "10001"],
            "--per-page",
        ),
        (
            vec!["products", "find", "tea", "--limit", "99999999999"],
            "--limit",
        ),
        (vec!["orders", "list", "--limit=-1"], "--limit"),
        (vec!["orders", "list", "--offset=-5"], "--offset"),
        (vec!["customers", "list", "--limit", "0"], "--limit"),
        (
            vec!["products", "set-stock", "TEA", "9223372036854775807"],
            "stock",
        ),
        (vec!["products", "set-stock", "TEA", "1000000001"], "stock"),
        (
            vec![
                "products",
                "add",
                "--sku",
                "BIG",
                "--name",
                "Big",
                "--price",
                "1.00",
                "--stock",
                "1000000001",
            ],
            "stock",
        ),
    ] {
        let r = till.refused(&args);
        assert!(r.message.contains(names), "{args:?}: {}", r.message);
        assert!(!r.stderr.contains("panicked"), "{args:?}: {}", r.stderr);
    }
    assert_eq!(till.stock("TEA"), 10, "nothing changed");
    till.json(&["products", "set-stock", "TEA", "1000000000"]);
    till.json(&["sale", "--item", "TEA", "--pay", "cash"]);
    assert_eq!(till.stock("TEA"), 999_999_999);
    let page = till.json(&["products", "list", "--page", "1000000"]);
    assert_eq!(page["products"].as_array().map(Vec::len), Some(0), "{page}");
}

/// `--pay cash:` with nothing after the colon is a slip of the keyboard, not "exact cash".
#[test]
fn a_tender_with_an_empty_amount_is_refused() {
    let till = Till::gbp_with_catalog();
    for pay in ["cash:", "cash: ", "card:"] {
        let r = till.refused(&["sale", "--item", "TEA", "--pay", pay]);
        assert!(
            r.message.contains("--pay") && r.message.contains("empty"),
            "{pay}: {}",
            r.message
        );
    }
    assert!(till.orders().is_empty(), "no sale was made");
}

/// Control characters, terminal escapes and invisible text-direction marks are refused in every
/// name the till keeps, whichever door it comes in by: none can forge a receipt line, recolour a
/// terminal or reverse how a name reads.
#[test]
fn names_with_escapes_or_direction_marks_are_refused_at_every_door() {
    let till = Till::gbp_with_catalog();
    till.add_the_staff();
    let hostile = [
        "Tea\u{1b}[2J",
        "Tea\u{1b}]8;;http://x\u{7}",
        "Line\nbreak",
        "gnp.\u{202E}exe",
        "Sam\u{2066}",
    ];
    for name in hostile {
        for args in [
            vec![
                "products", "add", "--sku", "X1", "--name", name, "--price", "1.00",
            ],
            vec!["customers", "add", "--name", name],
            vec!["settings", "set", "shop-name", name],
            vec![
                "products",
                "add",
                "--sku",
                "X2",
                "--name",
                "Fine",
                "--price",
                "1.00",
                "--category",
                name,
            ],
        ] {
            let r = till.refused(&args);
            assert!(
                r.message.contains("control characters") && r.message.contains("U+"),
                "{args:?}: {}",
                r.message
            );
            assert!(
                !r.stderr.contains('\u{1b}') && !r.stderr.contains('\u{202E}'),
                "{args:?}: the message quotes nothing raw: {:?}",
                r.stderr
            );
        }
        let r = till.run_with_new_pin(
            "4321",
            &[
                "--json", "staff", "add", "--name", name, "--role", "cashier",
            ],
        );
        assert_eq!(r.code, Some(2), "staff {name:?}: {}", r.stderr);
        assert!(r.stdout.contains("control characters"), "{}", r.stdout);
    }
    let csv = "sku,name,price\nOK1,Fine,1.00\nBAD,Tea\u{1b}[31mred,1.00\n";
    let file = till.write("hostile.csv", csv.as_bytes());
    let r = till.refused(&["products", "import", path_str(&file)]);
    assert!(r.message.contains("line 3"), "{}", r.message);
    assert_eq!(till.product_count(), 3, "nothing imported");
    let names: Vec<String> = till
        .sqlite()
        .prepare(
            "SELECT name FROM products UNION ALL SELECT name FROM customers
             UNION ALL SELECT name FROM staff
             UNION ALL SELECT value FROM settings WHERE key = 'shop_name'",
        )
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("names");
    assert!(
        names
            .iter()
            .all(|n| versapos_core::text::hidden_character(n).is_none()),
        "{names:?}"
    );
}

/// A mistyped `--db` must not answer "no orders" from a new, empty store made on the spot.
#[test]
fn a_store_path_that_does_not_exist_is_refused_unless_the_command_makes_a_store() {
    let till = Till::gbp();
    let typo = till.dir.path().join("stroe.db");
    let versapos = |args: &[&str]| {
        std::process::Command::new(crate::support::BIN)
            .env_remove("VERSAPOS_DB")
            .env("HOME", till.dir.path())
            .env("XDG_DATA_HOME", till.dir.path().join("data"))
            .arg("--db")
            .arg(&typo)
            .args(args)
            .output()
            .expect("run versapos")
    };
    for args in [
        vec!["--json", "orders", "list"],
        vec!["--json", "status"],
        vec!["--json", "products", "list"],
    ] {
        let out = versapos(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("--db") && stdout.contains("stroe.db") && stdout.contains("init"),
            "{args:?}: {stdout}"
        );
        assert!(!typo.exists(), "{args:?}: no store was made");
    }
    let out = versapos(&[
        "init",
        "--shop",
        "Second",
        "--currency",
        "EUR",
        "--till",
        "T2",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(typo.exists(), "init makes the store");
}

/// A name written before names were checked (an old store, a file edited by hand) is printed
/// with its escapes and direction marks shown as text, never passed to the terminal.
#[test]
fn names_already_in_a_store_never_drive_the_terminal() {
    let till = Till::gbp_with_catalog();
    till.sqlite()
        .execute(
            "UPDATE products SET name = 'Tea' || char(27) || '[2J' || char(8238) || 'eur' WHERE sku = 'TEA'",
            [],
        )
        .expect("an old name");
    for args in [vec!["products", "list"], vec!["products", "show", "TEA"]] {
        let out = till.ok(&args);
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{202E}'),
            "{args:?}: {out:?}"
        );
        assert!(out.contains("Tea\\u{1b}[2J\\u{202e}eur"), "{args:?}: {out}");
    }
}
