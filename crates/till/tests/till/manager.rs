//! The back office's own services: finding orders by receipt, day, status and customer, and
//! editing a product's card, journaled.

use crate::support::gbp_shop;
use chrono::NaiveDate;
use versapos_core::{OrderStatus, RefundRequest};
use versapos_till::{OrderFilter, ProductDetails, TillError};

fn receipts(t: &crate::support::TestTill, filter: &OrderFilter) -> Vec<String> {
    t.till
        .find_orders(filter, 50, 0)
        .expect("find orders")
        .into_iter()
        .map(|o| o.receipt)
        .collect()
}

fn text(s: &str) -> OrderFilter {
    OrderFilter {
        text: Some(s.to_string()),
        ..OrderFilter::default()
    }
}

#[test]
fn orders_are_found_by_receipt_day_status_and_customer_newest_first() {
    let mut t = gbp_shop();
    let ada = t.add_customer("Ada Lovelace");
    let grace = t.add_customer("Grace 100%_Hopper");
    t.set_time("2026-03-01T09:00:00+00:00");
    t.cash_sale(&[("MILK", 1)]); // T1-000001
    t.set_time("2026-03-02T10:00:00+00:00");
    t.customer_sale(ada.id, &[("COFFEE", 1)]); // T1-000002
    t.set_time("2026-03-03T11:00:00+00:00");
    t.customer_sale(grace.id, &[("BOOK", 1)]); // T1-000003
    t.till
        .refund("T1-000003", &RefundRequest::Whole, false)
        .expect("refund");

    assert_eq!(
        receipts(&t, &OrderFilter::default()),
        ["T1-000003", "T1-000002", "T1-000001"]
    );
    assert_eq!(receipts(&t, &text("T1-000002")), ["T1-000002"]);
    assert_eq!(receipts(&t, &text("2")), ["T1-000002"]);
    assert_eq!(receipts(&t, &text("000001")), ["T1-000001"]);
    assert_eq!(
        receipts(&t, &text("T9-000001")),
        Vec::<String>::new(),
        "another till's"
    );
    assert_eq!(receipts(&t, &text("lovelace")), ["T1-000002"]);
    // LIKE's wildcards in a name are matched as themselves.
    assert_eq!(receipts(&t, &text("100%_h")), ["T1-000003"]);
    assert_eq!(receipts(&t, &text("%")), ["T1-000003"]);
    assert_eq!(receipts(&t, &text("nobody")), Vec::<String>::new());

    let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").expect("date");
    let span = OrderFilter {
        from: Some(day("2026-03-02")),
        to: Some(day("2026-03-02")),
        ..OrderFilter::default()
    };
    assert_eq!(receipts(&t, &span), ["T1-000002"]);
    let refunded = OrderFilter {
        status: Some(OrderStatus::Refunded),
        ..OrderFilter::default()
    };
    assert_eq!(receipts(&t, &refunded), ["T1-000003"]);

    let page: Vec<String> = t
        .till
        .find_orders(&OrderFilter::default(), 2, 1)
        .expect("page")
        .into_iter()
        .map(|o| o.receipt)
        .collect();
    assert_eq!(page, ["T1-000002", "T1-000001"]);
    let first = &t.till.find_orders(&text("ada"), 1, 0).expect("ada")[0];
    assert_eq!(first.customer_name.as_deref(), Some("Ada Lovelace"));
}

#[test]
fn a_products_card_changes_in_one_journaled_step_and_bad_input_changes_nothing() {
    let mut t = gbp_shop();
    let entries = t.journal_entries();
    let details = |name: &str, barcode: Option<&str>, rate: &str| ProductDetails {
        name: name.to_string(),
        barcode: barcode.map(str::to_string),
        category: Some(" Dairy ".to_string()),
        tax_rate: rate.to_string(),
        reorder_level: Some(5),
    };
    let p = t
        .till
        .update_product(
            "MILK",
            &details("Oat Milk 1L", Some("5000000000017"), "zero"),
        )
        .expect("update");
    assert_eq!(p.name, "Oat Milk 1L");
    assert_eq!(p.category.as_deref(), Some("Dairy"));
    assert_eq!(p.tax_rate, "zero");
    assert_eq!(p.reorder_level, Some(5));
    assert_eq!(t.till.lookup("5000000000017").expect("scan").sku, "MILK");
    assert_eq!(t.journal_entries(), entries + 1);
    assert_eq!(
        t.text("SELECT kind FROM journal ORDER BY seq DESC LIMIT 1")
            .as_deref(),
        Some("product_change")
    );

    let before = t.snapshot();
    for (d, field) in [
        (details(" ", None, "zero"), "name"),
        // The one rule for a name at every door: at most 200 characters, no control characters.
        (details(&"n".repeat(201), None, "zero"), "at most 200"),
        (details("Oat\tMilk", None, "zero"), "control characters"),
        (details("Milk", Some("5012345678900"), "zero"), "barcode"),
        (details("Milk", Some("50 12"), "zero"), "barcode"),
        (details("Milk", None, "luxury"), "luxury"),
    ] {
        let e = t.till.update_product("MILK", &d).expect_err(field);
        assert!(e.is_bad_input(), "{field}: {e}");
        assert!(e.to_string().contains(field), "{field}: {e}");
    }
    assert!(matches!(
        t.till.update_product("NOPE", &details("x", None, "zero")),
        Err(TillError::UnknownProduct(_))
    ));
    let e = t.till.set_stock("MILK", -1).expect_err("a negative count");
    assert!(e.is_bad_input() && e.to_string().contains("stock"), "{e}");
    assert_eq!(t.snapshot(), before, "refused changes write nothing");
    assert!(t.till.verify_journal().expect("verify").problems.is_empty());
}

#[test]
fn the_catalog_browses_by_category_and_pages_the_low_stock_list_lowest_first() {
    let mut t = gbp_shop();
    let csv = "sku,name,price,stock,category\n\
               B-2,bagel,1.00,40,Bakery\n\
               B-1,Apple pie,2.00,3,Bakery\n\
               B-3,Brioche,1.50,0,bakery\n\
               D-1,Cola,1.20,2,Drinks\n";
    t.till
        .import_products("c.csv", csv.as_bytes(), &mut |_, _| {})
        .expect("import");
    assert_eq!(
        t.till.categories().expect("categories"),
        ["Bakery", "Drinks"],
        "each category once whatever its case (the first spelling kept), in name order"
    );
    let names = |c: Option<&str>, offset, limit| -> Vec<String> {
        t.till
            .products(c, offset, limit)
            .expect("page")
            .into_iter()
            .map(|p| p.name)
            .collect()
    };
    assert_eq!(
        names(Some("Bakery"), 0, 10),
        ["Apple pie", "bagel", "Brioche"]
    );
    assert_eq!(names(Some("Bakery"), 1, 1), ["bagel"]);
    assert_eq!(t.till.product_count_in(Some("Bakery")).expect("count"), 3);
    assert_eq!(t.till.product_count_in(None).expect("count"), 9);
    assert_eq!(names(None, 0, 3), ["Apple pie", "bagel", "Brioche"]);

    // The shop's low-stock level is 5 unless a product has its own reorder level.
    let low: Vec<(String, i64)> = t
        .till
        .low_stock(None, 0, -1)
        .expect("low stock")
        .into_iter()
        .map(|p| (p.sku, p.stock))
        .collect();
    assert_eq!(
        low,
        [("B-3".into(), 0), ("D-1".into(), 2), ("B-1".into(), 3)]
    );
    assert_eq!(t.till.low_stock_count(None).expect("count"), 3);
    assert_eq!(t.till.low_stock_count(Some("Bakery")).expect("count"), 2);
    assert_eq!(
        t.till.low_stock(Some("Drinks"), 0, 10).expect("drinks")[0].sku,
        "D-1"
    );
    let second: Vec<String> = t
        .till
        .low_stock(None, 1, 1)
        .expect("page")
        .into_iter()
        .map(|p| p.sku)
        .collect();
    assert_eq!(second, ["D-1"]);
}

/// The shop's locale: one of those the till writes for, as typed in any case or with `_`;
/// "computer" goes back to the computer's; anything else is refused naming the choices.
#[test]
fn the_shop_writes_dates_and_numbers_in_its_chosen_locale() {
    let mut t = gbp_shop();
    assert_eq!(
        t.till.shop().expect("shop").locale,
        None,
        "the computer's until set"
    );
    let shop = t.till.set_setting("locale", "en_gb").expect("en-GB");
    assert_eq!(shop.locale.as_deref(), Some("en-GB"));
    let e = t.till.set_setting("locale", "xx-YY").expect_err("unknown");
    assert!(e.is_bad_input() && e.to_string().contains("de-DE"), "{e}");
    assert_eq!(
        t.till.shop().expect("shop").locale.as_deref(),
        Some("en-GB"),
        "unchanged"
    );
    let shop = t.till.set_setting("locale", "computer").expect("back");
    assert_eq!(shop.locale, None);
}
