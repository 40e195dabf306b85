//! Card sessions: a card payment being taken, or held for its cashier after a decline, belongs to
//! the till process that has it, and every process on the store sees that. Settlement elsewhere
//! leaves it alone while that process lives; once it is gone (killed, crashed, closed) the payment
//! is in doubt and is settled from Stripe.
//!
//! Another process is played here by a lock file beside the store that the test holds or lets go
//! (exactly what a till process does); the `versapos` suite runs real processes side by side.

use crate::support::{gbp_shop, TestTill};
use std::fs::{File, OpenOptions};
use versapos_core::{Pin, Role, TenderRequest};
use versapos_till::{CardCharge, PendingCard, TillError};

fn card_sale(t: &mut TestTill) -> PendingCard {
    let cart = t.cart(&[("COFFEE", 1)]);
    t.till
        .begin_card_sale(&cart, &[TenderRequest::Card { amount: None }])
        .expect("begin a card sale")
}

fn in_doubt(t: &TestTill) -> Vec<String> {
    t.till
        .payments_in_doubt()
        .expect("payments in doubt")
        .into_iter()
        .map(|p| p.payment_id)
        .collect()
}

/// Another till process on the same store: its lock file beside the store, held while it lives.
struct OtherProcess {
    name: String,
    lock: Option<File>,
}

impl OtherProcess {
    fn start(t: &TestTill, name: &str) -> OtherProcess {
        let dir = t
            .path()
            .parent()
            .expect("the store's folder")
            .join("leases");
        std::fs::create_dir_all(&dir).expect("leases folder");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(format!("{name}.lock")))
            .expect("lock file");
        file.lock().expect("lock");
        OtherProcess {
            name: name.into(),
            lock: Some(file),
        }
    }

    /// Takes over the session of `payment_id`, as that process's retry would.
    fn take(&self, t: &TestTill, payment_id: &str) {
        let n = t
            .raw()
            .execute(
                "UPDATE card_sessions SET owner = ?2, owner_pid = 1, state = 'held'
                 WHERE payment_id = ?1",
                [payment_id, self.name.as_str()],
            )
            .expect("hand the session over");
        assert_eq!(n, 1, "the payment has a session to hand over");
    }

    /// The process ends, however it ends: the operating system lets its lock go.
    fn end(&mut self) {
        self.lock = None;
    }
}

#[test]
fn a_card_being_taken_is_in_hand_from_the_moment_its_sale_is_written() {
    let mut t = gbp_shop();
    let p = card_sale(&mut t);
    assert!(t.till.card_in_hand(&p.payment_id).expect("in hand"));
    assert_eq!(
        t.till.pending_cards().expect("pending").len(),
        1,
        "its order waits for the card"
    );
    assert!(
        in_doubt(&t).is_empty(),
        "a card being taken is not in doubt, so no settlement touches it"
    );

    // Let go (its outcome unknown): in doubt, for settlement to settle from Stripe.
    t.till.release_card(&p.payment_id).expect("release");
    assert!(!t.till.card_in_hand(&p.payment_id).expect("in hand"));
    assert_eq!(in_doubt(&t), vec![p.payment_id.clone()]);
}

#[test]
fn a_held_card_stays_in_hand_until_the_cashier_decides() {
    let mut t = gbp_shop();
    let p = card_sale(&mut t);
    t.till.hold_card(&p.payment_id).expect("hold");
    assert_eq!(
        t.till.held_cards().expect("held"),
        vec![p.payment_id.clone()]
    );
    assert!(
        in_doubt(&t).is_empty(),
        "held for the cashier, not in doubt"
    );

    // The retry takes it again; a decline holds it again; giving the card up ends it.
    let again = t.till.take_card_again(&p.payment_id).expect("retry");
    assert_eq!(again.order_id, p.order_id, "the same sale");
    assert!(t.till.held_cards().expect("held").is_empty(), "being taken");
    t.till.hold_card(&p.payment_id).expect("hold");
    t.till
        .fail_card_sale(&p.payment_id, "card given up")
        .expect("give up");
    assert!(!t.till.card_in_hand(&p.payment_id).expect("in hand"));
    assert!(t.till.held_cards().expect("held").is_empty());
    assert_eq!(
        t.scalar("SELECT count(*) FROM card_sessions"),
        0,
        "a settled payment has no session"
    );
}

#[test]
fn a_paid_card_has_no_session_left() {
    let mut t = gbp_shop();
    let p = card_sale(&mut t);
    let charge = CardCharge {
        intent_id: "pi_1".into(),
        mode: versapos_core::GatewayMode::Test,
        brand: None,
        last4: None,
        authorization_code: None,
    };
    t.till
        .complete_card_sale(&p.payment_id, &charge, None)
        .expect("paid");
    assert_eq!(t.scalar("SELECT count(*) FROM card_sessions"), 0);
    // Booking the same payment again (a second settlement) leaves nothing behind either.
    t.till
        .complete_card_sale(&p.payment_id, &charge, None)
        .expect("paid again");
    assert_eq!(t.scalar("SELECT count(*) FROM card_sessions"), 0);
    assert!(in_doubt(&t).is_empty());
}

#[test]
fn another_live_process_keeps_its_card_and_its_end_makes_the_card_in_doubt() {
    let mut t = gbp_shop();
    let p = card_sale(&mut t);
    let mut other = OtherProcess::start(&t, "4242-1700000000000");
    other.take(&t, &p.payment_id);

    assert!(
        t.till.card_in_hand(&p.payment_id).expect("in hand"),
        "the other process lives and holds the card"
    );
    assert!(in_doubt(&t).is_empty(), "nobody settles it behind its back");
    assert!(
        t.till.held_cards().expect("held").is_empty(),
        "held by the other process, not this one"
    );
    let taken = t.till.take_card_again(&p.payment_id);
    assert!(
        matches!(&taken, Err(TillError::CardBusy(r)) if *r == p.receipt),
        "a retry here is refused while the other till has the card: {taken:?}"
    );
    assert_eq!(
        taken.map(|_| ()).expect_err("refused").code(),
        "card_busy",
        "the code the screens switch on"
    );

    other.end();
    assert!(
        !t.till.card_in_hand(&p.payment_id).expect("in hand"),
        "its owner is gone"
    );
    assert_eq!(
        in_doubt(&t),
        vec![p.payment_id.clone()],
        "a card whose till ended is in doubt at once"
    );
    t.till
        .take_card_again(&p.payment_id)
        .expect("another till may take it up again");
    assert!(t.till.card_in_hand(&p.payment_id).expect("in hand"));
}

#[test]
fn a_session_of_an_owner_that_never_was_or_a_tampered_owner_is_in_doubt() {
    let mut t = gbp_shop();
    let a = card_sale(&mut t);
    let b = card_sale(&mut t);
    let raw = t.raw();
    raw.execute(
        "UPDATE card_sessions SET owner = '31337-1' WHERE payment_id = ?1",
        [&a.payment_id],
    )
    .expect("an owner with no lock file");
    raw.execute(
        "UPDATE card_sessions SET owner = '../../store.db' WHERE payment_id = ?1",
        [&b.payment_id],
    )
    .expect("an owner naming another file");
    let mut doubt = in_doubt(&t);
    doubt.sort();
    let mut both = vec![a.payment_id, b.payment_id];
    both.sort();
    assert_eq!(doubt, both);
}

#[test]
fn only_the_cashier_who_started_the_card_or_a_manager_may_stop_it() {
    let mut t = gbp_shop();
    t.add_the_staff();
    t.till.sign_in("Ada", "9999").expect("admin");
    t.till
        .add_staff("Kim", Role::Cashier, &Pin::parse("4444").expect("pin"))
        .expect("a second cashier");
    t.till.sign_out();

    t.till.sign_in("Sam", "1111").expect("cashier");
    let p = card_sale(&mut t);
    t.till
        .may_cancel_card(Some(&p.payment_id))
        .expect("the cashier who started it");

    t.till.sign_in("Kim", "4444").expect("another cashier");
    let refused = t.till.may_cancel_card(Some(&p.payment_id));
    assert!(
        matches!(refused, Err(TillError::NotPermitted { .. })),
        "another cashier may not stop it: {refused:?}"
    );

    t.till.sign_out();
    assert!(
        matches!(
            t.till.may_cancel_card(Some(&p.payment_id)),
            Err(TillError::NotSignedIn)
        ),
        "nobody at the lock screen may stop it"
    );

    t.till.sign_in("Morgan", "2222").expect("manager");
    t.till
        .may_cancel_card(Some(&p.payment_id))
        .expect("a manager may");
}

#[test]
fn one_process_with_the_store_open_by_two_paths_is_one_owner() {
    let mut t = gbp_shop();
    let p = card_sale(&mut t);
    // The same store through another spelling of its folder: the same process, the same lock.
    let other = t
        .path()
        .parent()
        .expect("the store's folder")
        .join(".")
        .join(t.path().file_name().expect("the store's file"));
    let mut again = versapos_till::Till::open(&other).expect("the same store by another path");
    let cart = t.cart(&[("MILK", 1)]);
    let q = again
        .begin_card_sale(&cart, &[TenderRequest::Card { amount: None }])
        .expect("a second card sale from the same process");
    for id in [&p.payment_id, &q.payment_id] {
        assert!(
            t.till.card_in_hand(id).expect("in hand"),
            "{id} is this process's"
        );
    }
    assert!(in_doubt(&t).is_empty());
    let leases = t.path().parent().expect("folder").join("leases");
    let files = std::fs::read_dir(&leases).expect("leases").count();
    assert_eq!(files, 1, "one lock file for the one process");
}
