//! VIP cards: a tap finds the customer, an unknown card is enrolled with its customer, a lost
//! card is blocked for good and its points move to the new card with the customer.

use crate::support::{gbp_shop, TestTill};
use versapos_core::{CardUid, CustomerId, Permission};
use versapos_till::{CardLookup, Customer, NewCustomer, TillError};

fn uid(s: &str) -> CardUid {
    CardUid::parse(s).expect("a valid card UID")
}

fn new_customer(name: &str) -> NewCustomer {
    NewCustomer {
        name: name.into(),
        email: None,
        phone: None,
    }
}

fn vip(lookup: CardLookup) -> Customer {
    match lookup {
        CardLookup::Vip(c) => c,
        other => panic!("expected the card to find a VIP, got {other:?}"),
    }
}

/// The field a refusal names, for refusals that name one.
fn field_of(e: &TillError) -> &str {
    match e {
        TillError::Invalid { field, .. } => field,
        TillError::CardBlocked { field, .. } | TillError::CardInUse { field, .. } => field,
        other => panic!("expected a refusal naming a field, got {other}"),
    }
}

#[test]
fn a_tap_finds_the_vip_with_their_points_and_an_unknown_card_finds_nobody() {
    let mut t = gbp_shop();
    let ann = t.customer_with_points("Ann Lee", 12);
    let card = uid("04 a1:b2-c3 d4 e5 f6");
    let linked = t.till.link_card(ann.id, &card).expect("link a card");
    assert_eq!(linked.card_uid.as_deref(), Some("04A1B2C3D4E5F6"));

    let found = vip(t
        .till
        .customer_by_card(&uid("04A1B2C3D4E5F6"))
        .expect("lookup"));
    assert_eq!(found.id, ann.id, "the tap finds Ann");
    assert_eq!(found.points_balance, 12, "with her points balance");
    assert_eq!(
        t.till.customer_by_card(&uid("0BADCAFE")).expect("lookup"),
        CardLookup::Unknown,
        "a card never seen finds nobody"
    );

    let again = t
        .till
        .link_card(ann.id, &card)
        .expect("linking the same card again");
    assert_eq!(again, linked, "relinking her own card changes nothing");

    let ben = t.add_customer("Ben Ode");
    let e = t.till.link_card(ben.id, &card).expect_err("Ann's card");
    assert!(matches!(e, TillError::CardInUse { .. }), "{e}");
    assert_eq!(field_of(&e), "uid", "{e}");
    assert!(e.is_bad_input(), "{e}");
    assert_eq!(t.balance(ben.id), 0);
    assert_eq!(t.till.customer(ben.id).expect("ben").card_uid, None);

    let e = t
        .till
        .link_card(ann.id, &uid("11223344"))
        .expect_err("a second card for Ann");
    assert_eq!(field_of(&e), "uid", "{e}");
    assert!(e.to_string().contains("replace"), "says how: {e}");
    assert_eq!(
        t.till.customer(ann.id).expect("ann").card_uid.as_deref(),
        Some("04A1B2C3D4E5F6"),
        "Ann keeps her card"
    );

    let e = t
        .till
        .link_card(CustomerId(999), &uid("11223344"))
        .expect_err("nobody");
    assert!(matches!(e, TillError::UnknownCustomer(999)), "{e}");
}

#[test]
fn an_unknown_card_is_enrolled_with_its_new_customer_or_not_at_all() {
    let mut t = gbp_shop();
    let card = uid("0A0B0C0D");
    let cleo = t
        .till
        .enrol_customer(&new_customer("Cleo Park"), Some(&card))
        .expect("enrol with a card");
    assert_eq!(cleo.card_uid.as_deref(), Some("0A0B0C0D"));
    assert_eq!(
        vip(t.till.customer_by_card(&card).expect("lookup")).id,
        cleo.id
    );

    let before = t.scalar("SELECT count(*) FROM customers");
    let e = t
        .till
        .enrol_customer(&new_customer("Dev Rao"), Some(&card))
        .expect_err("Cleo's card");
    assert!(matches!(e, TillError::CardInUse { .. }), "{e}");
    let e = t
        .till
        .enrol_customer(&new_customer(" "), Some(&uid("01020304")))
        .expect_err("no name");
    assert_eq!(field_of(&e), "name", "{e}");
    assert_eq!(
        t.scalar("SELECT count(*) FROM customers"),
        before,
        "a refused enrolment adds nobody"
    );
    assert_eq!(
        t.till.customer_by_card(&uid("01020304")).expect("lookup"),
        CardLookup::Unknown,
        "and links no card"
    );
}

#[test]
fn a_blocked_card_identifies_nobody_and_can_never_be_linked_again() {
    let mut t = gbp_shop();
    let ann = t.customer_with_points("Ann Lee", 30);
    let card = uid("04A1B2C3");
    t.till.link_card(ann.id, &card).expect("link");
    let journal = t.journal_entries();

    let blocked = t
        .till
        .block_card(&card, Some("  lost on the bus "))
        .expect("block");
    assert_eq!(blocked.uid, "04A1B2C3");
    assert_eq!(
        blocked.customer_id,
        Some(ann.id),
        "it remembers whose it was"
    );
    assert_eq!(blocked.reason.as_deref(), Some("lost on the bus"));
    assert_eq!(t.journal_entries(), journal + 1, "blocking is journaled");

    let ann_now = t.till.customer(ann.id).expect("ann");
    assert_eq!(ann_now.card_uid, None, "the card comes off Ann");
    assert_eq!(ann_now.points_balance, 30, "Ann keeps her points");
    match t.till.customer_by_card(&card).expect("lookup") {
        CardLookup::Blocked { reason, .. } => {
            assert_eq!(reason.as_deref(), Some("lost on the bus"))
        }
        other => panic!("a blocked card identifies nobody, got {other:?}"),
    }

    let e = t.till.link_card(ann.id, &card).expect_err("relink to Ann");
    assert!(matches!(e, TillError::CardBlocked { .. }), "{e}");
    assert_eq!(field_of(&e), "uid", "{e}");
    assert!(e.is_bad_input());
    let e = t
        .till
        .enrol_customer(&new_customer("Finder"), Some(&card))
        .expect_err("enrol with it");
    assert!(matches!(e, TillError::CardBlocked { .. }), "{e}");

    // Blocking again changes nothing; the store itself refuses the card on anyone.
    let again = t
        .till
        .block_card(&card, Some("again"))
        .expect("block again");
    assert_eq!(again, blocked);
    assert_eq!(t.journal_entries(), journal + 1, "no second entry");
    let raw = t
        .till
        .connection()
        .execute("UPDATE customers SET card_uid = '04A1B2C3'", []);
    assert!(
        raw.is_err(),
        "a blocked card cannot be written on a customer"
    );
    assert!(t.till.verify_journal().expect("verify").ok());
}

#[test]
fn replacing_a_lost_card_moves_the_points_to_the_new_card_in_one_go() {
    let mut t = gbp_shop();
    let ann = t.customer_with_points("Ann Lee", 42);
    let ben = t.add_customer("Ben Ode");
    let (old, new, bens) = (uid("04A1B2C3"), uid("0D0E0F10"), uid("0BADCAFE"));
    t.till.link_card(ann.id, &old).expect("link old");
    t.till.link_card(ben.id, &bens).expect("link Ben's");

    // A new card that is someone else's: nothing happens at all.
    let journal = t.journal_entries();
    let e = t.till.replace_card(&old, &bens).expect_err("Ben's card");
    assert!(matches!(e, TillError::CardInUse { .. }), "{e}");
    assert_eq!(field_of(&e), "new_uid", "{e}");
    assert_eq!(vip(t.till.customer_by_card(&old).expect("old")).id, ann.id);
    assert_eq!(t.journal_entries(), journal, "nothing written");
    let e = t
        .till
        .replace_card(&uid("99999999"), &new)
        .expect_err("no one's");
    assert_eq!(field_of(&e), "old_uid", "{e}");
    let e = t.till.replace_card(&old, &old).expect_err("the same card");
    assert_eq!(field_of(&e), "new_uid", "{e}");

    let replaced = t.till.replace_card(&old, &new).expect("replace");
    assert_eq!(replaced.id, ann.id);
    assert_eq!(replaced.card_uid.as_deref(), Some("0D0E0F10"));
    assert_eq!(replaced.points_balance, 42, "the points stay with Ann");
    let by_new = vip(t.till.customer_by_card(&new).expect("new"));
    assert_eq!((by_new.id, by_new.points_balance), (ann.id, 42));
    assert!(matches!(
        t.till.customer_by_card(&old).expect("old"),
        CardLookup::Blocked { .. }
    ));
    assert_eq!(t.journal_entries(), journal + 1, "one journal entry");
    assert_eq!(
        t.scalar("SELECT count(*) FROM journal WHERE kind = 'card_replace'"),
        1
    );

    // A card blocked the moment it was lost is replaced later, when the new one is at hand.
    t.till
        .block_card(&bens, Some("stolen"))
        .expect("block Ben's");
    let bens_new = uid("01020304");
    let ben_now = t
        .till
        .replace_card(&bens, &bens_new)
        .expect("replace later");
    assert_eq!(ben_now.card_uid.as_deref(), Some("01020304"));
    let e = t
        .till
        .replace_card(&bens, &uid("05060708"))
        .expect_err("replaced already");
    assert_eq!(field_of(&e), "old_uid", "{e}");
    assert!(t.till.verify_journal().expect("verify").ok());
}

/// The test shop with a manager (Morgan, 2222) and a cashier (Sam, 1111), Sam signed in.
fn staffed() -> TestTill {
    let mut t = gbp_shop();
    t.add_the_staff();
    t.till.sign_in("Sam", "1111").expect("cashier signs in");
    t
}

#[test]
fn a_cashier_enrols_and_links_cards_and_a_manager_blocks_and_replaces_them() {
    let mut t = staffed();
    let card = uid("04A1B2C3");
    let gus = t
        .till
        .enrol_customer(&new_customer("Gus"), Some(&card))
        .expect("a cashier enrols a VIP with their card");
    let hal = t.add_customer("Hal");
    t.till
        .link_card(hal.id, &uid("0A0B0C0D"))
        .expect("a cashier links a card");
    assert_eq!(vip(t.till.customer_by_card(&card).expect("tap")).id, gus.id);

    let refused = |r: Result<_, TillError>| match r {
        Err(TillError::NotPermitted { permission, .. }) => permission,
        Err(e) => panic!("expected a refusal for want of a permission, got {e}"),
        Ok(v) => panic!("a cashier got through: {v:?}"),
    };
    assert_eq!(
        refused(t.till.block_card(&card, None).map(|_| ())),
        Permission::ManageVipCards
    );
    assert_eq!(
        refused(t.till.replace_card(&card, &uid("11223344")).map(|_| ())),
        Permission::ManageVipCards
    );
    assert_eq!(
        vip(t.till.customer_by_card(&card).expect("tap")).id,
        gus.id,
        "a refused block leaves the card as it was"
    );

    // A manager's PIN approves one replacement, recorded with both people.
    t.till
        .approve("Morgan", "2222", Permission::ManageVipCards)
        .expect("manager approves");
    let new = uid("11223344");
    t.till
        .replace_card(&card, &new)
        .expect("approved replacement");
    let who: String = t
        .till
        .connection()
        .query_row(
            "SELECT s.name || '/' || a.name FROM blocked_cards b JOIN staff s ON s.id = b.staff_id
             JOIN staff a ON a.id = b.approved_by WHERE b.uid = '04A1B2C3'",
            [],
            |r| r.get(0),
        )
        .expect("who blocked it");
    assert_eq!(who, "Sam/Morgan");
    assert_eq!(
        refused(t.till.block_card(&new, None).map(|_| ())),
        Permission::ManageVipCards,
        "the approval was for one action"
    );

    t.till.sign_in("Morgan", "2222").expect("manager signs in");
    let blocked = t
        .till
        .block_card(&new, Some("lost"))
        .expect("a manager blocks");
    assert_eq!(blocked.blocked_by.as_deref(), Some("Morgan"));
    assert_eq!(t.till.customer(gus.id).expect("gus").card_uid, None);
}

#[test]
fn the_till_keeps_the_nfc_reader_chosen_for_vip_cards_or_any() {
    let mut t = gbp_shop();
    assert_eq!(
        t.till.shop().expect("shop").nfc_reader,
        None,
        "any reader at first"
    );
    let name = "ACS ACR122U PICC Interface 00 00";
    t.till
        .set_setting("nfc-reader", name)
        .expect("choose a reader");
    assert_eq!(
        t.till.shop().expect("shop").nfc_reader.as_deref(),
        Some(name)
    );
    let t = t.restart();
    assert_eq!(
        t.till.shop().expect("shop").nfc_reader.as_deref(),
        Some(name),
        "kept in the store"
    );
    let mut t = t;
    t.till.set_setting("nfc-reader", "any").expect("any reader");
    assert_eq!(t.till.shop().expect("shop").nfc_reader, None);
    let refused = t
        .till
        .set_setting("nfc-reader", "bad\nname")
        .expect_err("a control character is refused");
    assert_eq!(field_of(&refused), "nfc-reader");
}

#[test]
fn one_card_linked_from_two_tills_at_once_goes_to_one_customer_and_the_other_hears_card_in_use() {
    use std::sync::{Arc, Barrier};
    let mut t = gbp_shop();
    let path = t.path();
    for round in 0..20u8 {
        let a = t.add_customer(&format!("Ann {round}"));
        let b = t.add_customer(&format!("Bo {round}"));
        let card = uid(&format!("04A1B2{round:02X}"));
        // The desktop app and the CLI: two connections to one store, tapping at the same moment.
        let start = Arc::new(Barrier::new(2));
        let tills: Vec<_> = [a.id, b.id]
            .into_iter()
            .map(|id| {
                let (path, start, card) = (path.clone(), start.clone(), card.clone());
                std::thread::spawn(move || {
                    let mut till = versapos_till::Till::open(&path).expect("open the store");
                    start.wait();
                    till.link_card(id, &card)
                })
            })
            .collect();
        let results: Vec<_> = tills
            .into_iter()
            .map(|h| h.join().expect("the till's thread"))
            .collect();
        assert_eq!(
            results.iter().filter(|r| r.is_ok()).count(),
            1,
            "round {round}: {results:?}"
        );
        let refused = results
            .into_iter()
            .find_map(Result::err)
            .expect("one is refused");
        assert!(
            matches!(refused, TillError::CardInUse { .. }),
            "round {round}: {refused}"
        );
    }
}
