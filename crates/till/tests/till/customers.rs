//! Customers corrected, merged and erased: every door's rules, the points ledger and the journal
//! kept consistent, and an erasure that leaves no personal data behind.

use crate::support::*;
use versapos_core::{CardUid, RefundRequest};
use versapos_till::{CustomerChange, TillError};

fn card(uid: &str) -> CardUid {
    CardUid::parse(uid).expect("a card UID")
}

/// The points ledger, per customer, adds up to each balance.
fn ledger_adds_up(t: &TestTill) {
    let wrong = t.scalar(
        "SELECT count(*) FROM customers c WHERE c.points_balance !=
           coalesce((SELECT sum(points) FROM points_ledger l WHERE l.customer_id = c.id), 0)",
    );
    assert_eq!(wrong, 0, "every balance is its ledger's sum");
}

#[test]
fn a_customers_details_are_corrected_and_the_journal_names_the_fields_not_the_values() {
    let mut t = gbp_shop();
    let ann = t.add_customer("Ann Le");
    let change = CustomerChange {
        name: Some("Ann Lee".into()),
        email: Some("ann@example.com".into()),
        phone: None,
    };
    let edited = t.till.edit_customer(ann.id, &change).expect("edited");
    assert_eq!(edited.name, "Ann Lee");
    assert_eq!(edited.email.as_deref(), Some("ann@example.com"));
    let payload = t
        .text("SELECT payload FROM journal WHERE kind = 'customer_edit'")
        .expect("journaled");
    assert!(
        payload.contains("\"name\"") && payload.contains("\"email\""),
        "{payload}"
    );
    assert!(
        !payload.contains("Ann") && !payload.contains("example.com"),
        "{payload}"
    );
    // Bad input: refused, nothing changed; an empty email takes it off.
    let bad = CustomerChange {
        email: Some("not an email".into()),
        ..Default::default()
    };
    let before = t.snapshot();
    assert!(matches!(
        t.till.edit_customer(ann.id, &bad),
        Err(TillError::Invalid { .. })
    ));
    assert_eq!(t.snapshot(), before);
    assert_eq!(
        t.till.customer(ann.id).expect("ann").email.as_deref(),
        Some("ann@example.com")
    );
    let off = CustomerChange {
        email: Some(String::new()),
        ..Default::default()
    };
    assert_eq!(t.till.edit_customer(ann.id, &off).expect("off").email, None);
}

#[test]
fn two_records_of_one_person_become_one_with_all_their_orders_points_and_card() {
    let mut t = gbp_shop();
    let keep = t.customer_with_points("Ann Lee", 30);
    let other = t.customer_with_points("Ann  Lee (old card)", 12);
    t.till.link_card(other.id, &card("04A1B2C3")).expect("card");
    let old_order = t.customer_sale(other.id, &[("MILK", 1)]);
    let merged = t.till.merge_customers(keep.id, other.id).expect("merged");
    assert_eq!(merged.points_balance, 30 + 12 + old_order.points_earned);
    assert_eq!(
        merged.card_uid.as_deref(),
        Some("04A1B2C3"),
        "the card came along"
    );
    assert_eq!(t.balance(other.id), 0);
    ledger_adds_up(&t);
    assert_eq!(
        t.scalar(&format!(
            "SELECT count(*) FROM orders WHERE customer_id = {}",
            other.id.0
        )),
        0,
        "every order moved"
    );
    // The merged record is gone from the list and cannot be changed or merged again.
    let names: Vec<String> = t
        .till
        .customers(Some("Ann"), 10)
        .expect("list")
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, ["Ann Lee"]);
    assert!(t.till.merge_customers(keep.id, other.id).is_err());
    assert!(t.till.merge_customers(keep.id, keep.id).is_err());
    // A refund of the moved order takes its points back from the record kept.
    let before = t.balance(keep.id);
    t.till
        .refund(&old_order.receipt, &RefundRequest::Whole, false)
        .expect("refund");
    assert_eq!(t.balance(keep.id), before - old_order.points_earned);
    ledger_adds_up(&t);
    assert!(t.till.verify_journal().expect("verify").problems.is_empty());
}

#[test]
fn when_both_have_a_card_the_merged_ones_card_is_blocked() {
    let mut t = gbp_shop();
    let keep = t.add_customer("Bo");
    let other = t.add_customer("Bo again");
    t.till.link_card(keep.id, &card("0A0B0C0D")).expect("card");
    t.till.link_card(other.id, &card("04A1B2C3")).expect("card");
    let merged = t.till.merge_customers(keep.id, other.id).expect("merged");
    assert_eq!(merged.card_uid.as_deref(), Some("0A0B0C0D"));
    assert_eq!(
        t.scalar("SELECT count(*) FROM blocked_cards WHERE uid = '04A1B2C3'"),
        1,
        "one person, one card: the other can never find anyone again"
    );
}

#[test]
fn an_erased_customer_leaves_no_personal_data_and_every_figure_as_it_was() {
    let mut t = gbp_shop();
    let ann = t
        .till
        .add_customer(&versapos_till::NewCustomer {
            name: "Ann Secretname".into(),
            email: Some("ann.secret@example.com".into()),
            phone: Some("+44 20 7946 0000".into()),
        })
        .expect("ann");
    t.till.link_card(ann.id, &card("04A1B2C3")).expect("card");
    let order = t.customer_sale(ann.id, &[("HAMPER", 5)]);
    let points = t.balance(ann.id);
    let erased = t.till.erase_customer(ann.id).expect("erased");
    assert_eq!(erased.name, format!("Erased customer {}", ann.id.0));
    assert_eq!(
        (erased.email, erased.phone, erased.card_uid),
        (None, None, None)
    );
    assert!(erased.erased_at.is_some());
    assert_eq!(erased.points_balance, points, "points stay with the number");
    assert_eq!(
        t.till.order(&order.receipt).expect("order").customer_id,
        Some(ann.id.0)
    );
    ledger_adds_up(&t);
    // Nothing anywhere in the store still holds what was erased.
    for secret in ["Secretname", "ann.secret", "7946"] {
        let found = t.scalar(&format!(
            "SELECT (SELECT count(*) FROM customers WHERE name LIKE '%{secret}%' OR email LIKE '%{secret}%' OR phone LIKE '%{secret}%')
                  + (SELECT count(*) FROM journal WHERE payload LIKE '%{secret}%')"
        ));
        assert_eq!(found, 0, "{secret} is gone");
    }
    assert!(t
        .till
        .customers(Some("Secret"), 10)
        .expect("search")
        .is_empty());
    // The card finds nobody, and erasing again or editing changes nothing.
    assert_eq!(
        t.scalar("SELECT count(*) FROM blocked_cards WHERE uid = '04A1B2C3'"),
        1
    );
    assert_eq!(
        t.till.erase_customer(ann.id).expect("again").name,
        erased.name
    );
    assert!(t
        .till
        .edit_customer(
            ann.id,
            &CustomerChange {
                name: Some("Ann".into()),
                ..Default::default()
            }
        )
        .is_err());
    assert!(t.till.verify_journal().expect("verify").problems.is_empty());
}
