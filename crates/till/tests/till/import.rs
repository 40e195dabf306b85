//! Catalog import: all or nothing, problems located by line and column, BOM and CRLF accepted,
//! and re-imports update what is there.

use crate::support::gbp_shop;
use versapos_till::TillError;

fn no_progress() -> impl FnMut(u64, u64) {
    |_, _| {}
}

#[test]
fn csv_with_one_bad_row_imports_nothing_and_names_the_line_and_column() {
    let mut t = gbp_shop();
    let before = t.snapshot();
    let csv = "sku,name,price,tax_rate,stock\n\
               A1,Apple,0.40,zero,10\n\
               A2,Banana,abc,zero,10\n\
               A3,Cherry,3.00,zero,10\n";
    let err = t
        .till
        .import_products("fruit.csv", csv.as_bytes(), &mut no_progress())
        .expect_err("a bad price");
    match &err {
        TillError::Import { file, problems } => {
            assert_eq!(file, "fruit.csv", "the error names the file");
            let at: Vec<(u64, &str)> = problems
                .iter()
                .map(|p| (p.line, p.column.as_str()))
                .collect();
            assert_eq!(
                at,
                vec![(3, "price")],
                "the one problem, by line and column"
            );
        }
        other => panic!("expected TillError::Import, got {other:?}"),
    }
    assert!(
        err.to_string().contains("line 3, column price"),
        "message: {err}"
    );
    assert_eq!(
        t.till.product_count().expect("count"),
        5,
        "no product added"
    );
    assert!(
        t.till.product("A1").is_err(),
        "not even the good rows before the bad one"
    );
    assert_eq!(
        t.snapshot(),
        before,
        "nothing written, not even a journal entry"
    );
}

#[test]
fn csv_row_clashing_with_the_catalog_rolls_back_the_rows_before_it() {
    let mut t = gbp_shop();
    let before = t.snapshot();
    // Row 2 is fine on its own; row 3 takes COFFEE's barcode, which the file cannot know.
    let csv = "sku,name,price,barcode\nNEW1,New One,1.00,\nNEW2,New Two,2.00,5012345678900\n";
    let err = t
        .till
        .import_products("clash.csv", csv.as_bytes(), &mut no_progress())
        .expect_err("barcode clash");
    match &err {
        TillError::Import { problems, .. } => {
            assert_eq!(
                (problems[0].line, problems[0].column.as_str()),
                (3, "barcode"),
                "{problems:?}"
            );
        }
        other => panic!("expected TillError::Import, got {other:?}"),
    }
    assert!(
        t.till.product("NEW1").is_err(),
        "the row before the clash was rolled back"
    );
    assert_eq!(t.snapshot(), before, "nothing written");
}

#[test]
fn csv_with_bom_and_crlf_imports_and_reimport_updates_existing_skus() {
    let mut t = gbp_shop();
    let csv = "\u{feff}sku,name,price,tax_rate,stock,category\r\n\
               A1,\"Apple, Braeburn\",0.40,0,10,Fruit\r\n\
               A2,Banana 🍌,0.25,20,,Fruit\r\n";
    let mut calls = Vec::new();
    let summary = t
        .till
        .import_products("fruit.csv", csv.as_bytes(), &mut |done, total| {
            calls.push((done, total))
        })
        .expect("BOM and CRLF import");
    assert_eq!((summary.added, summary.updated), (2, 0), "two new products");
    assert_eq!(calls.last(), Some(&(2, 2)), "progress reaches the end");
    let apple = t.till.product("A1").expect("A1");
    assert_eq!(
        apple.name, "Apple, Braeburn",
        "quoted comma kept, no stray CR"
    );
    assert_eq!(
        (apple.price.minor(), apple.tax_rate.as_str(), apple.stock),
        (40, "zero", 10)
    );
    assert_eq!(
        apple.category.as_deref(),
        Some("Fruit"),
        "last column has no trailing CR"
    );
    let banana = t.till.product("A2").expect("A2");
    assert_eq!(
        (banana.name.as_str(), banana.tax_rate.as_str()),
        ("Banana 🍌", "standard")
    );
    assert_eq!(t.till.product_count().expect("count"), 7);

    let again = "sku,name,price\nA1,Apple,0.45\nA3,Cherry,3.00\n";
    let summary = t
        .till
        .import_products("prices.csv", again.as_bytes(), &mut no_progress())
        .expect("re-import");
    assert_eq!(
        (summary.added, summary.updated),
        (1, 1),
        "A1 updated, A3 added"
    );
    let apple = t.till.product("A1").expect("A1");
    assert_eq!(
        (apple.name.as_str(), apple.price.minor()),
        ("Apple", 45),
        "A1 updated in place"
    );
    assert_eq!(
        apple.stock, 10,
        "stock kept when the file has no stock column"
    );
    assert_eq!(
        apple.tax_rate, "zero",
        "tax rate kept when the file has no tax_rate column"
    );
    assert_eq!(
        t.till.product_count().expect("count"),
        8,
        "one more product, no duplicates"
    );
}

#[test]
fn bad_row_in_a_crlf_file_with_blank_lines_is_reported_at_the_line_an_editor_shows() {
    let mut t = gbp_shop();
    let before = t.snapshot();
    // Line 1 header, 2 ok, 3 blank, 4 ok, 5 bad price, 6 bad SKU (a space in it).
    let csv = "\u{feff}sku,name,price\r\nA1,Apple,0.40\r\n\r\nA2,Banana,0.25\r\n\
               A3,Cherry,1.2.3\r\nA 4,Date,1.00\r\n";
    let err = t
        .till
        .import_products("crlf.csv", csv.as_bytes(), &mut no_progress())
        .expect_err("bad rows");
    match &err {
        TillError::Import { problems, .. } => {
            let at: Vec<(u64, &str)> = problems
                .iter()
                .map(|p| (p.line, p.column.as_str()))
                .collect();
            assert_eq!(
                at,
                vec![(5, "price"), (6, "sku")],
                "lines as numbered in an editor"
            );
        }
        other => panic!("expected TillError::Import, got {other:?}"),
    }
    assert_eq!(t.snapshot(), before, "nothing written");
}

/// A new shop's first file: the template's columns and examples import as they are, in the
/// shop's currency (no decimals for yen) and its own default tax rate.
#[test]
fn the_template_imports_as_it_is() {
    for mut t in [
        gbp_shop(),
        crate::support::shop("JPY", versapos_core::TaxMode::Inclusive),
    ] {
        let mut file = Vec::new();
        assert_eq!(t.till.products_template(&mut file).expect("template"), 2);
        let text = String::from_utf8(file.clone()).expect("utf-8");
        assert!(
            text.starts_with("sku,name,price,barcode,tax_rate,stock,category\n"),
            "{text}"
        );
        let done = t
            .till
            .import_products("products-template.csv", &file, &mut no_progress())
            .unwrap_or_else(|e| panic!("{e}: {text}"));
        assert_eq!(done.added, 2, "{text}");
        let latte = t.till.lookup("EXAMPLE-1").expect("imported");
        assert_eq!(latte.category.as_deref(), Some("Hot drinks"));
    }
}

/// A file saved with `;` (or tabs) between columns is told apart in one problem that says how
/// to fix it, and nothing is imported.
#[test]
fn a_semicolon_separated_file_is_named_as_such_with_the_fix() {
    let mut t = gbp_shop();
    let before = t.snapshot();
    for csv in [
        "sku;name;price;stock\nA1;Apple;0,40;10\n",
        "sku\tname\tprice\nA1\tApple\t0.40\n",
    ] {
        match t
            .till
            .import_products("fruit.csv", csv.as_bytes(), &mut no_progress())
        {
            Err(TillError::Import { problems, .. }) => {
                assert_eq!(problems.len(), 1, "{problems:?}");
                assert_eq!(problems[0].line, 1);
                assert!(
                    problems[0].message.contains("save it as comma-separated"),
                    "{}",
                    problems[0].message
                );
            }
            other => panic!("refused, not {other:?}"),
        }
    }
    assert_eq!(t.snapshot(), before);
}

/// "Hot drinks" imported or typed is the "Hot Drinks" the catalog has, not a second category.
#[test]
fn categories_are_matched_whatever_their_case() {
    let mut t = gbp_shop();
    let csv = "sku,name,price,category\n\
               T1,Tea,1.50,Hot Drinks\n\
               T2,Coffee,2.00,hot drinks\n";
    t.till
        .import_products("drinks.csv", csv.as_bytes(), &mut no_progress())
        .expect("import");
    let again = "sku,name,price,category\nT3,Cocoa,2.20,HOT DRINKS\n";
    t.till
        .import_products("more.csv", again.as_bytes(), &mut no_progress())
        .expect("import");
    t.till
        .add_product(&versapos_till::NewProduct {
            sku: crate::support::sku("T4"),
            name: "Chai".into(),
            price: t.money("2.40"),
            barcode: None,
            tax_rate: None,
            stock: 1,
            category: Some("Hot drinks".into()),
        })
        .expect("add");
    let cats = t.till.categories().expect("categories");
    assert_eq!(
        cats.iter()
            .filter(|c| c.eq_ignore_ascii_case("hot drinks"))
            .collect::<Vec<_>>(),
        ["Hot Drinks"]
    );
}
