//! The relay's bookkeeping in the store: a cursor that only moves forward and survives a restart,
//! each Stripe event recorded once, and disputes flagged (and journaled) once on the right order.

use crate::support::gbp_shop;
use versapos_core::TenderRequest;

#[test]
fn the_cursor_starts_at_zero_only_moves_forward_and_survives_a_restart() {
    let mut t = gbp_shop();
    let s = t.till.sync_state().expect("state");
    assert_eq!(
        (s.cursor, s.last_event_at.clone(), s.last_pull_at.clone()),
        (0, None, None),
        "a new store has pulled nothing"
    );
    t.till
        .record_sync_error("the relay could not be reached")
        .expect("note the error");
    assert_eq!(
        t.till.cursor().expect("cursor"),
        0,
        "an error leaves the cursor"
    );
    t.till
        .save_cursor(7, Some("2025-03-14T10:00:00Z"), 12)
        .expect("save");
    let s = t.till.sync_state().expect("state");
    assert_eq!(s.cursor, 7);
    assert_eq!(s.last_event_at.as_deref(), Some("2025-03-14T10:00:00Z"));
    assert_eq!(
        s.last_error, None,
        "a pull that went through clears the error"
    );
    assert!(s.last_pull_at.is_some());
    assert_eq!(s.backlog, 12, "what the relay still holds is noted");
    t.till
        .save_cursor(3, Some("2025-03-13T09:00:00Z"), 0)
        .expect("save older");
    let s = t.till.sync_state().expect("state");
    assert_eq!(
        (s.cursor, s.last_event_at.as_deref()),
        (7, Some("2025-03-14T10:00:00Z")),
        "the cursor never moves back"
    );
    assert_eq!(s.backlog, 0, "the backlog is the last pull's");
    assert!(
        t.till.save_cursor(8, None, -1).is_err(),
        "a negative backlog is refused"
    );
    assert!(
        t.till.save_cursor(-1, None, 0).is_err(),
        "a negative cursor is refused"
    );
    let t = t.restart();
    assert_eq!(t.till.cursor().expect("cursor"), 7, "kept on disk");
}

#[test]
fn an_event_is_recorded_once_and_the_first_result_stands() {
    let t = gbp_shop();
    assert!(!t.till.was_applied("evt_1").expect("was applied"));
    assert!(t
        .till
        .mark_applied("evt_1", "payment_intent.succeeded", "paid: booked")
        .expect("mark"));
    for _ in 0..2 {
        assert!(
            !t.till
                .mark_applied("evt_1", "payment_intent.succeeded", "unchanged: again")
                .expect("mark again"),
            "a second record of the same event is refused"
        );
    }
    assert!(t.till.was_applied("evt_1").expect("was applied"));
    let all = t.till.applied_events(10).expect("applied");
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].result, "paid: booked");
    assert_eq!(t.till.sync_state().expect("state").applied_events, 1);
    assert!(
        t.till.mark_applied(" ", "x", "y").is_err(),
        "an event needs its id"
    );
}

#[test]
fn a_dispute_flags_the_order_paid_on_the_intent_once_and_is_journaled() {
    let mut t = gbp_shop();
    let cart = t.cart(&[("COFFEE", 1)]);
    let pending = t
        .till
        .begin_card_sale(&cart, &[TenderRequest::Card { amount: None }])
        .expect("begin");
    t.till
        .record_intent(&pending.payment_id, "pi_disputed", "test", None)
        .expect("intent");
    let found = t
        .till
        .card_payment_by_intent("pi_disputed")
        .expect("find")
        .expect("the payment is found by its intent");
    assert_eq!(found.payment_id, pending.payment_id);
    assert_eq!(found.order_status, "payment_pending");
    assert!(!found.disputed);
    assert_eq!(
        t.till.card_payment_by_intent("pi_other").expect("find"),
        None
    );

    let journal_before = t.journal_entries();
    let flagged = t
        .till
        .flag_dispute("pi_disputed", "fraudulent")
        .expect("flag")
        .expect("this till's payment");
    assert!(flagged.disputed);
    assert_eq!(flagged.receipt, pending.receipt);
    assert_eq!(t.journal_entries(), journal_before + 1, "journaled");
    t.till
        .flag_dispute("pi_disputed", "fraudulent")
        .expect("flag again");
    assert_eq!(t.journal_entries(), journal_before + 1, "journaled once");
    assert_eq!(
        t.till
            .dispute_reason(&pending.order_id)
            .expect("reason")
            .as_deref(),
        Some("fraudulent")
    );
    assert_eq!(
        t.till
            .flag_dispute("pi_unknown", "fraudulent")
            .expect("flag"),
        None,
        "another till's payment is not flagged here"
    );
    assert!(
        t.till.verify_journal().expect("verify").ok(),
        "the chain holds"
    );
}
