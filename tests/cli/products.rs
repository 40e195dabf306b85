//! `versapos products`: importing awkward but valid files verbatim, refusing bad ones whole,
//! and export → import round trips.

use crate::support::{array, int, path_str, text, Till};

/// A valid file with a byte-order mark, CRLF line ends, quoted commas and quotes, emoji, accents
/// and text that looks like SQL.
const AWKWARD_CSV: &str = "\u{feff}sku,name,price,barcode,tax_rate,stock,category\r\n\
    TEA-EG,\"Tea, \"\"Earl\"\" Grey 🍵\",2.49,5012345678900,20,12,Drinks\r\n\
    BOBBY,Robert'); DROP TABLE products;--,0.50,,zero,3,\r\n\
    CAFE,\"Café crème, large\",3.10,,reduced,0,Drinks\r\n";

/// (sku, name exactly as it must come back)
const AWKWARD_NAMES: [(&str, &str); 3] = [
    ("TEA-EG", "Tea, \"Earl\" Grey 🍵"),
    ("BOBBY", "Robert'); DROP TABLE products;--"),
    ("CAFE", "Café crème, large"),
];

#[test]
fn import_keeps_names_verbatim_through_bom_crlf_quotes_emoji_and_sql_text() {
    let till = Till::gbp();
    let out = till.import("awkward.csv", AWKWARD_CSV);
    assert!(
        out.contains("3 added"),
        "the import reports what it added: {out}"
    );
    assert_eq!(
        till.product_count(),
        3,
        "all three rows imported and the products table is still there"
    );
    for (sku, name) in AWKWARD_NAMES {
        let shown = till.ok(&["products", "show", sku]);
        assert!(
            shown.starts_with(&format!("{sku}  {name}\n")),
            "`products show {sku}` prints the name verbatim:\n{shown}"
        );
        let json = till.json(&["products", "show", sku]);
        assert_eq!(text(&json, "name"), name, "`products show {sku} --json`");

        let found = till.ok(&["products", "find", name]);
        assert!(
            found
                .lines()
                .any(|l| l.starts_with(sku) && l.ends_with(name)),
            "`products find` by the full name lists {sku} with its name verbatim:\n{found}"
        );
        let found = till.json(&["products", "find", name]);
        let hit = array(&found, "products")
            .iter()
            .find(|p| text(p, "sku") == sku)
            .unwrap_or_else(|| panic!("`products find --json {name}` finds {sku}: {found}"));
        assert_eq!(hit, &json, "find and show agree on {sku}");
    }
    let by_word = till.json(&["products", "find", "earl grey"]);
    assert_eq!(
        array(&by_word, "products")
            .first()
            .map(|p| text(p, "sku").to_string()),
        Some("TEA-EG".to_string()),
        "words inside a name find it: {by_word}"
    );
    let tea = till.json(&["products", "show", "TEA-EG"]);
    assert_eq!(int(&tea, "price"), 249);
    assert_eq!(text(&tea, "barcode"), "5012345678900");
    assert_eq!(
        text(&tea, "tax_rate"),
        "standard",
        "20 resolves to the 20 % rate"
    );
    assert_eq!(int(&tea, "stock"), 12);
    assert_eq!(text(&tea, "category"), "Drinks");
    let scanned = till.json(&["products", "find", "5012345678900"]);
    assert_eq!(
        array(&scanned, "products").first(),
        Some(&tea),
        "a barcode finds its product first: {scanned}"
    );
    assert_eq!(
        till.product_count(),
        3,
        "searching for SQL text runs no SQL"
    );
}

#[test]
fn export_then_import_round_trips_the_catalog_identically() {
    let till = Till::gbp();
    till.import("awkward.csv", AWKWARD_CSV);
    let exported = till.ok(&["products", "export"]);
    assert_eq!(
        exported.lines().count(),
        4,
        "a header and three products:\n{exported}"
    );

    let out_file = till.dir.path().join("export.csv");
    let run = till.run(&["products", "export", "--out", path_str(&out_file)]);
    assert_eq!(run.code, Some(0), "export --out: {}", run.stderr);
    let written = std::fs::read_to_string(&out_file).expect("export --out wrote a file");
    assert_eq!(written, exported, "--out writes what stdout shows");

    let fresh = Till::gbp();
    let out = fresh.import("reimport.csv", &exported);
    assert!(out.contains("3 added"), "{out}");
    assert_eq!(
        fresh.ok(&["products", "export"]),
        exported,
        "an export imported into a new store exports identically"
    );
    for (sku, _) in AWKWARD_NAMES {
        let mut a = till.json(&["products", "show", sku]);
        let mut b = fresh.json(&["products", "show", sku]);
        a["id"] = serde_json::Value::Null;
        b["id"] = serde_json::Value::Null;
        assert_eq!(a, b, "{sku} is the same product after the round trip");
    }

    let out = till.import("again.csv", &exported);
    assert!(
        out.contains("0 added, 3 updated"),
        "re-importing the export updates in place: {out}"
    );
    assert_eq!(
        till.ok(&["products", "export"]),
        exported,
        "re-importing an export changes nothing"
    );
}

#[test]
fn list_set_price_and_low_stock_show_the_catalog() {
    let till = Till::gbp();
    till.import("awkward.csv", AWKWARD_CSV);
    let list = till.json(&["products", "list"]);
    assert_eq!(int(&list, "total"), 3);
    let skus: Vec<&str> = array(&list, "products")
        .iter()
        .map(|p| text(p, "sku"))
        .collect();
    assert_eq!(skus, ["CAFE", "BOBBY", "TEA-EG"], "listed in name order");
    let page2 = till.json(&["products", "list", "--page", "2", "--per-page", "2"]);
    assert_eq!(array(&page2, "products").len(), 1, "the second page of two");
    let plain = till.ok(&["products", "list"]);
    assert!(
        plain.contains("(3 shown of 3)"),
        "the plain list counts: {plain}"
    );
    let drinks = till.json(&["products", "list", "--category", "Drinks"]);
    assert_eq!(array(&drinks, "products").len(), 2, "two drinks");

    let changed = till.json(&["products", "set-price", "TEA-EG", "2.99"]);
    assert_eq!(
        int(&changed, "price"),
        299,
        "set-price answers with the new price"
    );
    assert_eq!(
        int(&till.json(&["products", "show", "TEA-EG"]), "price"),
        299,
        "the new price is stored"
    );
    let bad = till.refused(&["products", "set-price", "TEA-EG", "2,99"]);
    assert!(bad.message.contains("2,99"), "{}", bad.message);
    let bad = till.refused(&[
        "products",
        "add",
        "--sku",
        "NEG",
        "--name",
        "Neg",
        "--price=-1.00",
    ]);
    assert!(
        bad.message.contains("price") && bad.message.contains("negative"),
        "{}",
        bad.message
    );
    let unknown = till.refused(&["products", "set-price", "NOPE", "1.00"]);
    assert_eq!(unknown.code, "unknown_product");
    assert_eq!(
        int(&till.json(&["products", "show", "TEA-EG"]), "price"),
        299,
        "refused price changes change nothing"
    );

    let low = till.json(&["products", "low-stock"]);
    let skus: Vec<&str> = array(&low, "products")
        .iter()
        .map(|p| text(p, "sku"))
        .collect();
    assert_eq!(
        skus,
        ["CAFE", "BOBBY"],
        "stock 0 and 3 are at or below the shop's level of 5, lowest first"
    );
    till.ok(&["products", "set-stock", "TEA-EG", "5"]);
    let low = till.json(&["products", "low-stock"]);
    assert_eq!(array(&low, "products").len(), 3, "5 is at the level: {low}");
}

/// Each bad file imports nothing: (file name, contents, line, column, words in the message).
fn bad_files() -> Vec<(&'static str, Vec<u8>, u64, &'static str, &'static str)> {
    // Line 2 of each file is a new product and line 3 changes an existing one, so a partial
    // import would show.
    let good = "NEW1,Brand new,1.00\nTEA-EG,Tea renamed,9.99\n";
    let with = |bad: &str| format!("sku,name,price\n{good}{bad}\n").into_bytes();
    let mut non_utf8 = format!("sku,name,price\n{good}NEW2,Caf").into_bytes();
    non_utf8.extend_from_slice(b"\xE9 au lait,1.00\n");
    vec![
        (
            "quoted-price.csv",
            with("NEW2,Tea,\"12,99x\""),
            4,
            "price",
            "12,99x",
        ),
        (
            "unquoted-price.csv",
            with("NEW2,Tea,12,99x"),
            4,
            "row",
            "fields",
        ),
        ("no-sku.csv", with(",No SKU,1.00"), 4, "sku", "empty"),
        (
            "duplicate-sku.csv",
            with("NEW1,Again,2.00"),
            4,
            "sku",
            "already on line 2",
        ),
        ("empty-name.csv", with("NEW2,,1.00"), 4, "name", "empty"),
        (
            "negative-price.csv",
            "\u{feff}sku,name,price\r\nNEW1,Brand new,1.00\r\nNEW2,Neg,-1.00\r\n"
                .as_bytes()
                .to_vec(),
            3,
            "price",
            "negative",
        ),
        ("non-utf8.csv", non_utf8, 4, "name", "UTF-8"),
        (
            "long-name.csv",
            with(&format!("NEW2,{},1.00", "x".repeat(201))),
            4,
            "name",
            "is 201 characters long; a product's name is at most 200",
        ),
        (
            "tab-in-name.csv",
            with("NEW2,\"Tea\tbag\",1.00"),
            4,
            "name",
            "control characters",
        ),
        (
            "unknown-column.csv",
            format!("sku,name,price,colour\n{good}").into_bytes(),
            1,
            "colour",
            "unknown column",
        ),
    ]
}

#[test]
fn bad_csv_files_exit_2_naming_line_and_column_and_import_nothing() {
    let till = Till::gbp();
    till.import("awkward.csv", AWKWARD_CSV);
    let catalog = till.ok(&["products", "export"]);
    for (name, bytes, line, column, words) in bad_files() {
        let path = till.write(name, &bytes);
        let r = till.refused(&["products", "import", path_str(&path)]);
        assert_eq!(r.code, "import_failed", "{name}: {}", r.message);
        let located = format!("line {line}, column {column}");
        assert!(
            r.stderr.contains(name) && r.stderr.contains(&located),
            "{name}: stderr names the file and `{located}`:\n{}",
            r.stderr
        );
        assert!(
            r.stderr.contains(words),
            "{name}: stderr says what is wrong ({words:?}):\n{}",
            r.stderr
        );
        assert!(
            r.stderr.contains("nothing imported"),
            "{name}: stderr says nothing was imported:\n{}",
            r.stderr
        );
        assert_eq!(till.product_count(), 3, "{name}: no product was added");
        assert_eq!(
            till.ok(&["products", "export"]),
            catalog,
            "{name}: no product was changed"
        );
    }
}

#[test]
fn importing_a_missing_file_exits_2_naming_it() {
    let till = Till::gbp();
    let missing = till.dir.path().join("no-such-catalog.csv");
    let r = till.refused(&["products", "import", path_str(&missing)]);
    assert!(
        r.message.contains("no-such-catalog.csv"),
        "the message names the file: {}",
        r.message
    );
    assert_eq!(till.product_count(), 0);
}

/// A file (or an argument) that carries terminal escapes is quoted with them shown escaped:
/// an import's message never clears the screen or recolours the terminal.
#[test]
fn an_imports_messages_never_pass_a_files_escape_sequences_to_the_terminal() {
    let till = Till::gbp();
    let path = till.write(
        "ansi.csv",
        b"sku,name,price\nNEW\x1b[2J,Tea,1.00\nNEW2,Tea,\x1b[31m1.00\n",
    );
    let r = till.refused(&["products", "import", path_str(&path)]);
    assert_eq!(r.code, "import_failed", "{}", r.message);
    assert!(
        !r.stderr.contains('\x1b') && !r.message.contains('\x1b'),
        "no raw escape reaches the terminal: {:?}",
        r.stderr
    );
    assert!(
        r.stderr.contains("NEW\\u{1b}[2J") && r.stderr.contains("\\u{1b}[31m1.00"),
        "the escapes are shown, escaped: {}",
        r.stderr
    );
    assert_eq!(till.product_count(), 0);
}

/// One rule for a product's name, whichever door it comes through: the import's limit is the
/// add's and the edit's, so whatever the till exports imports back.
#[test]
fn a_products_name_has_one_rule_at_every_door() {
    let till = Till::gbp();
    let longest = "n".repeat(200);
    till.ok(&[
        "products", "add", "--sku", "LONG", "--name", &longest, "--price", "1.00",
    ]);
    for (name, says) in [
        (
            "n".repeat(201),
            "is 201 characters long; a product's name is at most 200",
        ),
        ("n".repeat(5000), "is 5000 characters long"),
        ("Tea\u{1b}[31m".to_string(), "control characters"),
        ("   ".to_string(), "must not be empty"),
    ] {
        let r = till.refused(&[
            "products", "add", "--sku", "BAD", "--name", &name, "--price", "1.00",
        ]);
        assert_eq!(r.code, "invalid_input", "{}", r.message);
        assert!(
            r.message.starts_with("--name: ") && r.message.contains(says),
            "{says:?}: {}",
            r.message
        );
    }
    let exported = till.ok(&["products", "export"]);
    let fresh = Till::gbp();
    assert!(fresh.import("export.csv", &exported).contains("1 added"));
    assert_eq!(fresh.ok(&["products", "export"]), exported);
}
