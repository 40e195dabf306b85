//! What the search box finds, in the order a cashier expects: every typed word starting a word of
//! the name, whole words and what sells first; an exact code before everything.

use crate::support::*;
use versapos_core::TaxMode;

fn cafe() -> TestTill {
    let mut t = shop("GBP", TaxMode::Inclusive);
    for (code, name) in [
        ("CHAI-R", "Chai latte regular"),
        ("CHAI-L", "Chai latte large"),
        ("LATTE-R", "Latte regular"),
        ("LATTE-L", "Latte large"),
        ("FLAT-L", "Flat white large"),
        ("FLAT-R", "Flat white regular"),
        ("TEABAGS", "Tea bags 80 pack"),
        ("EBT-R", "English breakfast tea regular"),
        ("EBT-L", "English breakfast tea large"),
        ("TEACAKE", "Teacake"),
    ] {
        t.add_product(code, name, "3.00", "standard", 1000);
    }
    t
}

fn names(t: &TestTill, typed: &str) -> Vec<String> {
    t.till
        .find_products(typed, 20)
        .expect("search")
        .into_iter()
        .map(|p| p.name)
        .collect()
}

#[test]
fn every_typed_word_must_start_a_word_of_the_name_and_the_best_match_comes_first() {
    let t = cafe();
    // Alphabetically "Chai latte regular" came first, and Enter took it.
    assert_eq!(
        names(&t, "latte reg"),
        ["Latte regular", "Chai latte regular"]
    );
    // One letter counts: "r" is regular, never the large that sorts first.
    // (The large answers two of the three words: only a near miss, after every full match.)
    assert_eq!(
        names(&t, "flat white r"),
        ["Flat white regular", "Flat white large"]
    );
    assert_eq!(names(&t, "white reg"), ["Flat white regular"]);
    // A whole word before the start of one; shorter first while nothing has sold.
    assert_eq!(
        names(&t, "tea"),
        [
            "Tea bags 80 pack",
            "English breakfast tea large",
            "English breakfast tea regular",
            "Teacake"
        ]
    );
}

#[test]
fn what_sells_comes_first_among_equal_matches() {
    let mut t = cafe();
    t.cash_sale(&[("EBT-R", 30), ("TEABAGS", 1)]);
    assert_eq!(names(&t, "tea")[0], "English breakfast tea regular");
    // Sales never lift the start of a word over a whole word.
    t.cash_sale(&[("TEACAKE", 500)]);
    assert_eq!(names(&t, "tea").last().map(String::as_str), Some("Teacake"));
}

#[test]
fn an_exact_code_comes_before_any_name() {
    let mut t = cafe();
    t.add_product_with_barcode(
        "LATTE",
        "Latte beans 1kg",
        "9.00",
        "standard",
        5,
        "5000000000017",
    );
    assert_eq!(names(&t, "5000000000017"), ["Latte beans 1kg"]);
    assert_eq!(names(&t, "LATTE")[0], "Latte beans 1kg");
    // Typed as a word, it is a word of names: those starting with it, shorter first.
    assert_eq!(
        names(&t, "latte"),
        [
            "Latte large",
            "Latte regular",
            "Latte beans 1kg",
            "Chai latte large",
            "Chai latte regular"
        ]
    );
}
