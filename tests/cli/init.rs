//! `versapos init`: setting up a shop, in each currency exponent and tax mode, once only.

use crate::support::{array, int, text, Till};

#[test]
fn init_sets_up_a_gbp_shop_with_tax_inclusive_prices_by_default() {
    let till = Till::empty();
    let shop = till.json(&[
        "init",
        "--shop",
        "Corner Café 🎉",
        "--currency",
        "GBP",
        "--till",
        "T1",
    ]);
    assert_eq!(
        text(&shop, "name"),
        "Corner Café 🎉",
        "shop name kept verbatim"
    );
    assert_eq!(text(&shop, "currency"), "GBP");
    assert_eq!(text(&shop, "till_id"), "T1");
    assert_eq!(
        text(&shop, "tax_mode"),
        "inclusive",
        "prices include tax unless --prices-exclude-tax is given"
    );
    let rates: Vec<(&str, i64)> = array(&shop, "tax_rates")
        .iter()
        .map(|r| (text(r, "name"), int(r, "basis_points")))
        .collect();
    assert_eq!(
        rates,
        [("standard", 2000), ("reduced", 500), ("zero", 0)],
        "the default tax rates"
    );
    assert_eq!(text(&shop, "default_tax_rate"), "standard");
    assert_eq!(
        till.json(&["settings", "show"]),
        shop,
        "`settings show` reads back exactly what init printed"
    );
    let plain = till.ok(&["settings", "show"]);
    assert!(
        plain.contains("tax inclusive") && plain.contains("GBP (2 decimals)"),
        "the plain settings name the tax mode and the currency's exponent: {plain}"
    );
}

/// A shop that adds tax at the till, in `currency`, selling one product at `price`
/// (standard rate, 20 %).
fn exclusive_shop(currency: &str, price: &str) -> Till {
    let till = Till::empty();
    let shop = till.json(&[
        "init",
        "--shop",
        &format!("{currency} shop"),
        "--currency",
        currency,
        "--till",
        &format!("T-{currency}"),
        "--prices-exclude-tax",
    ]);
    assert_eq!(text(&shop, "tax_mode"), "exclusive", "{currency} shop");
    assert_eq!(text(&shop, "currency"), currency);
    till.ok(&[
        "products", "add", "--sku", "A", "--name", "Thing", "--price", price, "--stock", "5",
    ]);
    till
}

#[test]
fn init_with_prices_exclude_tax_adds_tax_in_each_currencys_minor_units() {
    // (currency, shelf price, price in minor units, total with 20 % tax, printed total)
    for (currency, price, minor, total, printed) in [
        ("USD", "10.00", 1000, 1200, "12.00"),
        ("JPY", "1200", 1200, 1440, "1440"),
        ("KWD", "1.250", 1250, 1500, "1.500"),
    ] {
        let till = exclusive_shop(currency, price);
        assert_eq!(
            int(&till.json(&["products", "show", "A"]), "price"),
            minor,
            "{currency}: {price} is {minor} minor units"
        );
        let order = till.json(&["sale", "--item", "A", "--pay", "cash"]);
        assert_eq!(text(&order, "currency"), currency);
        assert_eq!(int(&order, "subtotal"), minor, "{currency}: subtotal");
        assert_eq!(int(&order, "tax"), total - minor, "{currency}: tax added");
        assert_eq!(int(&order, "total"), total, "{currency}: total");
        assert_eq!(
            text(&order, "receipt"),
            format!("T-{currency}-000001"),
            "receipt label carries the till id"
        );
        let receipt = till.ok(&["orders", "show", &format!("T-{currency}-000001")]);
        assert!(
            receipt.contains(&format!("TOTAL {currency}")) && receipt.contains(printed),
            "{currency}: the printed receipt shows the total as {printed}:\n{receipt}"
        );
    }
}

#[test]
fn amounts_with_more_decimals_than_the_currency_has_are_refused_naming_the_option() {
    let till = exclusive_shop("JPY", "1200");
    let r = till.refused(&[
        "products", "add", "--sku", "B", "--name", "B", "--price", "12.5",
    ]);
    assert!(
        r.message.contains("--price") && r.message.contains("no decimal"),
        "JPY has no decimals and the message says so for --price: {}",
        r.message
    );
    let kwd = exclusive_shop("KWD", "1.250");
    let r = kwd.refused(&["sale", "--item", "A", "--pay", "cash:2.0001"]);
    assert!(
        r.message.contains("--pay") && r.message.contains("3 decimal"),
        "KWD allows 3 decimals: {}",
        r.message
    );
}

#[test]
fn a_second_init_is_refused_with_exit_2_and_keeps_the_first_shop() {
    let till = Till::gbp();
    let r = till.refused(&[
        "init",
        "--shop",
        "Another Shop",
        "--currency",
        "USD",
        "--till",
        "T2",
    ]);
    assert_eq!(r.code, "already_set_up", "{}", r.message);
    let shop = till.json(&["settings", "show"]);
    assert_eq!(text(&shop, "name"), "Corner Shop", "the first shop stays");
    assert_eq!(text(&shop, "currency"), "GBP", "the first currency stays");
}

#[test]
fn an_unknown_currency_is_refused_with_exit_2_naming_currency() {
    let till = Till::empty();
    let r = till.refused(&[
        "init",
        "--shop",
        "Shop",
        "--currency",
        "XYZ",
        "--till",
        "T1",
    ]);
    assert!(
        r.message.contains("--currency") && r.message.contains("XYZ"),
        "the message names the option and the value: {}",
        r.message
    );
    let after = till.refused(&["settings", "show"]);
    assert_eq!(
        after.code, "no_shop",
        "nothing was set up: {}",
        after.message
    );
}

#[test]
fn a_bad_till_id_is_refused_with_exit_2_naming_till() {
    let till = Till::empty();
    let r = till.refused(&[
        "init",
        "--shop",
        "Shop",
        "--currency",
        "GBP",
        "--till",
        "T 1",
    ]);
    assert!(r.message.contains("--till"), "{}", r.message);
}
