//! Requests as the doors send them, read once by the till: each problem named by the field as
//! the door calls it (`from` on a form, `--from` on the command line), nothing written on a
//! refusal, and a staff change's PIN never in its debug text.

use crate::support::{empty_store, gbp_shop};
use versapos_core::{RefundRequest, Role};
use versapos_till::{
    Fields, NewProductInput, OrderFilterInput, RefundInput, RefundLineInput, ReportQuery,
    ShopSetupInput, StaffChangeRequest, TaxRateInput, TillError,
};

fn field_of(e: &TillError) -> &str {
    match e {
        TillError::Invalid { field, .. } => field,
        other => panic!("expected a refusal naming a field, got {other:?}"),
    }
}

fn query(from: &str, to: &str, by: &str, limit: Option<i64>) -> ReportQuery {
    ReportQuery {
        from: from.into(),
        to: to.into(),
        by: by.into(),
        limit,
    }
}

#[test]
fn a_report_query_is_refused_naming_the_field_as_each_door_calls_it() {
    let t = gbp_shop();
    let cases = [
        (query("14/03/2025", "today", "day", None), "from", "--from"),
        (query("today", "soon", "day", None), "to", "--to"),
        (query("2025-03-14", "2025-03-13", "day", None), "to", "--to"),
        (query("today", "today", "week", None), "by", "--by"),
        (
            query("today", "today", "product", Some(0)),
            "limit",
            "--limit",
        ),
    ];
    for (q, form, flag) in cases {
        let e = t.till.report_for(&q, Fields::Form).expect_err("refused");
        assert_eq!(field_of(&e), form, "{q:?}: {e}");
        let e = t.till.report_for(&q, Fields::Flags).expect_err("refused");
        assert_eq!(field_of(&e), flag, "{q:?}: {e}");
    }
    let backwards = t
        .till
        .report_for(
            &query("2025-03-14", "2025-03-13", "day", None),
            Fields::Flags,
        )
        .expect_err("the last day before the first");
    assert_eq!(
        backwards.to_string(),
        "--to: 2025-03-13 is before --from 2025-03-14"
    );
    let report = t
        .till
        .report_for(&query("yesterday", "today", "hour", None), Fields::Form)
        .expect("a good query");
    assert_eq!(
        (report.from.as_str(), report.to.as_str()),
        ("2025-03-13", "2025-03-14")
    );
}

#[test]
fn a_refund_is_an_amount_or_lines_or_the_whole_order_and_never_both() {
    let t = gbp_shop();
    let line = |sku: &str, quantity| RefundLineInput {
        sku: sku.into(),
        quantity,
    };
    let ask = |amount: Option<&str>, lines: Vec<RefundLineInput>| RefundInput {
        amount: amount.map(str::to_string),
        lines,
        restock: false,
    };
    assert_eq!(
        t.till
            .refund_request(&ask(Some(" 2.50 "), vec![line("MILK", 0)]), Fields::Form)
            .expect("an amount; a line of 0 is no line"),
        RefundRequest::Amount(t.money("2.50"))
    );
    assert_eq!(
        t.till
            .refund_request(&ask(Some(""), vec![]), Fields::Form)
            .expect("nothing given"),
        RefundRequest::Whole
    );
    let both = t
        .till
        .refund_request(&ask(Some("1.00"), vec![line("MILK", 1)]), Fields::Form)
        .expect_err("both");
    assert_eq!(field_of(&both), "amount");
    let bad_amount = t
        .till
        .refund_request(&ask(Some("1.005"), vec![]), Fields::Flags)
        .expect_err("a fraction of a penny");
    assert_eq!(field_of(&bad_amount), "--amount");
    let bad_sku = t
        .till
        .refund_request(
            &ask(None, vec![line("no spaces allowed", 1)]),
            Fields::Flags,
        )
        .expect_err("a SKU that cannot be");
    assert_eq!(field_of(&bad_sku), "--line", "{bad_sku}");
    assert!(
        bad_sku.to_string().contains("'no spaces allowed'"),
        "{bad_sku}"
    );
}

#[test]
fn a_new_product_is_read_with_its_sku_price_and_barcode_checked_and_nothing_added_on_a_refusal() {
    let mut t = gbp_shop();
    let before = t.snapshot();
    let product = |sku: &str, price: &str, barcode: Option<&str>| NewProductInput {
        sku: sku.into(),
        name: "Tea".into(),
        price: price.into(),
        barcode: barcode.map(str::to_string),
        tax_rate: None,
        stock: 3,
        category: None,
    };
    for (p, form, flag) in [
        (product("bad sku", "1.00", None), "sku", "--sku"),
        (product("TEA", "1.001", None), "price", "--price"),
        (
            product("TEA", "1.00", Some("12-34")),
            "barcode",
            "--barcode",
        ),
    ] {
        let e = t
            .till
            .add_product_as_asked(&p, Fields::Form)
            .expect_err("refused");
        assert_eq!(field_of(&e), form, "{e}");
        let e = t
            .till
            .add_product_as_asked(&p, Fields::Flags)
            .expect_err("refused");
        assert_eq!(field_of(&e), flag, "{e}");
    }
    assert_eq!(t.snapshot(), before, "nothing added");
    let added = t
        .till
        .add_product_as_asked(&product("TEA", "1.20", Some(" ")), Fields::Form)
        .expect("an empty barcode is none");
    assert_eq!((added.price, added.barcode), (t.money("1.20"), None));
}

#[test]
fn an_order_filter_names_its_bad_status_or_day() {
    let t = gbp_shop();
    let filter = |status: Option<&str>, from: Option<&str>| OrderFilterInput {
        status: status.map(str::to_string),
        from: from.map(str::to_string),
        ..Default::default()
    };
    let e = t
        .till
        .find_orders_as_asked(&filter(Some("lost"), None), 10, 0, Fields::Form)
        .expect_err("no such status");
    assert_eq!(field_of(&e), "status");
    let e = t
        .till
        .find_orders_as_asked(&filter(None, Some("someday")), 10, 0, Fields::Flags)
        .expect_err("no such day");
    assert_eq!(field_of(&e), "--from");
    assert!(t
        .till
        .find_orders_as_asked(&filter(Some(" "), Some("")), 10, 0, Fields::Form)
        .expect("empty fields are no filter")
        .is_empty());
}

#[test]
fn a_staff_change_shows_its_kind_never_its_pin() {
    let reset = StaffChangeRequest::ResetPin {
        pin: "86420".into(),
    };
    assert_eq!(reset.kind(), "reset_pin");
    assert!(!format!("{reset:?}").contains("86420"), "{reset:?}");
    let role = StaffChangeRequest::SetRole {
        role: Role::Manager,
    };
    assert_eq!(format!("{role:?}"), "SetRole { role: Manager }");
}

fn setup(currency: &str, till_id: &str, rates: &[(&str, &str)]) -> ShopSetupInput {
    ShopSetupInput {
        name: "Corner Shop".into(),
        currency: currency.into(),
        till_id: till_id.into(),
        prices_include_tax: true,
        tax_rates: rates
            .iter()
            .map(|(name, percent)| TaxRateInput {
                name: name.to_string(),
                percent: percent.to_string(),
            })
            .collect(),
        default_tax_rate: None,
    }
}

#[test]
fn a_shop_set_up_names_its_bad_field_as_each_door_calls_it_and_sets_nothing_up() {
    let mut t = empty_store();
    let cases = [
        (setup("GBPX", "T1", &[]), "currency", "--currency"),
        (setup("GBP", "till one", &[]), "till_id", "--till"),
        (
            setup("GBP", "T1", &[("standard", "twenty")]),
            "tax_rates",
            "--tax-rate",
        ),
    ];
    for (asked, form, flag) in cases {
        let e = t
            .till
            .set_up_shop_as_asked(&asked, Fields::Form)
            .expect_err("refused");
        assert_eq!(field_of(&e), form, "{asked:?}: {e}");
        let e = t
            .till
            .set_up_shop_as_asked(&asked, Fields::Flags)
            .expect_err("refused");
        assert_eq!(field_of(&e), flag, "{asked:?}: {e}");
        assert!(!t.till.is_set_up(), "a refused set-up sets nothing up");
    }
    let shop = t
        .till
        .set_up_shop_as_asked(&setup("EUR", "T2", &[("standard", "21")]), Fields::Flags)
        .expect("a good set-up");
    assert_eq!(shop.till_id.as_str(), "T2");
    assert_eq!(shop.tax_rates.len(), 1);
}

#[test]
fn a_tax_rate_is_refused_naming_its_argument_as_each_door_calls_it() {
    let mut t = gbp_shop();
    let before = t.till.shop().expect("shop").tax_rates.clone();
    for (name, percent, form, argument) in [
        ("odd", "12.345", "percent", "PERCENT"),
        ("", "20", "name", "NAME"),
    ] {
        let rate = TaxRateInput {
            name: name.into(),
            percent: percent.into(),
        };
        let e = t
            .till
            .change_tax_rate_as_asked(&rate, Fields::Form)
            .expect_err("refused");
        assert_eq!(field_of(&e), form, "{rate:?}: {e}");
        let e = t
            .till
            .change_tax_rate_as_asked(&rate, Fields::Arguments)
            .expect_err("refused");
        assert_eq!(field_of(&e), argument, "{rate:?}: {e}");
    }
    assert_eq!(
        t.till.shop().expect("shop").tax_rates,
        before,
        "nothing changed"
    );
}
