//! Events that cannot be applied never stop the stream: each is tried a few times (the cursor
//! waiting before it), or set aside at once when it can never be applied, with its reason; the
//! events behind it are applied; a manager retries or dismisses it (journaled). A transient
//! failure is shown as the last error with when the till tries again.

use serde_json::json;
use std::time::Duration;
use versapos_core::AttentionState;
use versapos_payments::demo::DemoGateway;
use versapos_payments::sync::{Backoff, Outcome, PullReport, Relay};
use versapos_payments::TestCard;
use versapos_secrets::RelayToken;
use versapos_till::cards::{self, pull_once};

use crate::support::shop;
use crate::sync::{serve_raw_relay, TOKEN};

/// 1,000 events behind the poison ones, none of them this till's (noted and skipped).
const BEHIND: i64 = 1000;

/// One page entry as versapos-relay writes it, the event as raw text.
fn entry(cursor: i64, id: &str, kind: &str, event: &str) -> String {
    format!(
        r#"{{"cursor":{cursor},"id":"{id}","type":"{kind}","received_at":{},"event":{event}}}"#,
        1_741_946_400 + cursor
    )
}

fn page(entries: &[String], cursor: i64) -> String {
    format!(
        r#"{{"events":[{}],"cursor":{cursor},"remaining":0}}"#,
        entries.join(",")
    )
}

fn pull(relay_url: &str, gw: &DemoGateway, shop: &crate::support::Shop) -> PullReport {
    let token = RelayToken::parse(TOKEN).expect("token");
    pull_once(
        &Relay {
            url: relay_url,
            token: &token,
        },
        gw,
        &shop.till,
        0,
    )
    .expect("the relay answers")
}

#[test]
fn poison_events_are_set_aside_while_the_thousand_events_behind_them_are_applied() {
    let shop = shop();
    let stripe = DemoGateway::new();
    let (paid, intent) = shop.card_presented_behind_the_tills_back(&stripe, TestCard::Approved);
    // The till now asks another Stripe account (the keys were switched): it answers 404.
    let elsewhere = DemoGateway::new();

    let deep = format!("{}1{}", "[".repeat(125), "]".repeat(125));
    let mut entries = vec![
        entry(
            1,
            "evt_no_type",
            "",
            r#"{"id":"evt_no_type","data":{"object":{"id":"pi_x"}}}"#,
        ),
        entry(
            2,
            "evt_404",
            "payment_intent.succeeded",
            &json!({ "id": "evt_404", "type": "payment_intent.succeeded",
                     "data": { "object": { "id": intent, "object": "payment_intent",
                       "metadata": { "payment_id": paid.payment_id } } } })
            .to_string(),
        ),
        entry(
            3,
            "evt_surrogate",
            "customer.updated",
            r#"{"id":"evt_surrogate","type":"customer.updated","data":{"object":{"name":"\ud800"}}}"#,
        ),
        entry(
            4,
            "evt_huge_number",
            "customer.updated",
            r#"{"id":"evt_huge_number","type":"customer.updated","data":{"object":{"n":1e400}}}"#,
        ),
        entry(
            5,
            "evt_deep",
            "customer.updated",
            &format!(
                r#"{{"id":"evt_deep","type":"customer.updated","data":{{"object":{{"x":{deep}}}}}}}"#
            ),
        ),
    ];
    for n in 0..BEHIND {
        let id = format!("evt_behind_{n:04}");
        entries.push(entry(
            6 + n,
            &id,
            "customer.created",
            &json!({ "id": id, "type": "customer.created",
                     "data": { "object": { "id": format!("cus_{n}") } } })
            .to_string(),
        ));
    }
    let last = 5 + BEHIND;
    // As the relay serves them: the events after the cursor the till asks from.
    let relay = serve_raw_relay(vec![
        (0, page(&entries, last)),
        (1, page(&entries[1..], last)),
    ]);

    // First pull: the four hopeless ones are set aside at once; the 404 is tried again later,
    // so the cursor waits before it while everything else is applied.
    let first = pull(&relay.url, &elsewhere, &shop);
    let outcome = |r: &PullReport, id: &str| {
        r.events
            .iter()
            .find(|e| e.event_id == id)
            .map(|e| e.outcome)
            .expect("reported")
    };
    for id in [
        "evt_no_type",
        "evt_surrogate",
        "evt_huge_number",
        "evt_deep",
    ] {
        assert_eq!(outcome(&first, id), Outcome::SetAside, "{id}");
    }
    assert_eq!(outcome(&first, "evt_404"), Outcome::Deferred);
    assert_eq!(
        first.cursor, 1,
        "the cursor waits before the event tried again"
    );
    let state = shop.till().sync_state().expect("state");
    assert!(
        state
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("evt_404")),
        "the waiting event is the last error: {state:?}"
    );

    // Two more tries and it is set aside too: the cursor moves over everything.
    let second = pull(&relay.url, &elsewhere, &shop);
    assert_eq!(outcome(&second, "evt_404"), Outcome::Deferred);
    let third = pull(&relay.url, &elsewhere, &shop);
    assert_eq!(outcome(&third, "evt_404"), Outcome::SetAside);
    assert_eq!(third.cursor, last, "past every event");
    let state = shop.till().sync_state().expect("state");
    assert_eq!(state.cursor, last);
    assert_eq!(
        state.applied_events, BEHIND,
        "the thousand events behind were applied"
    );
    assert_eq!(state.needs_attention, 5);
    assert_eq!(state.last_error, None, "nothing waits in the stream now");

    let waiting = shop.till().events_needing_attention().expect("list");
    let ids: Vec<&str> = waiting.iter().map(|e| e.event_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "evt_no_type",
            "evt_404",
            "evt_surrogate",
            "evt_huge_number",
            "evt_deep"
        ]
    );
    let reason = |id: &str| {
        waiting
            .iter()
            .find(|e| e.event_id == id)
            .map(|e| (e.reason.clone(), e.tries))
            .expect("listed")
    };
    assert!(reason("evt_no_type")
        .0
        .contains("no Stripe event id or type"));
    assert!(reason("evt_surrogate").0.contains("cannot be read"));
    assert!(reason("evt_huge_number").0.contains("number out of range"));
    assert!(reason("evt_deep").0.contains("recursion limit"));
    let (why, tries) = reason("evt_404");
    assert_eq!(tries, 3);
    assert!(
        why.contains("not_found") || why.contains("No such") || why.contains("PaymentIntent"),
        "{why}"
    );
    assert_eq!(
        shop.status(&paid.receipt),
        "payment_pending",
        "nothing booked on a guess"
    );

    // A pull that sees the page again (after a crash) leaves them set aside.
    assert_eq!(
        shop.till().event_attention("evt_deep").expect("state"),
        Some(AttentionState::SetAside)
    );

    // Retried with the right Stripe account it goes through: the sale is booked.
    let retried = cards::retry_event(&stripe, &shop.till, "evt_404").expect("retry");
    assert_eq!(retried.outcome, Outcome::Paid, "{retried:?}");
    assert_eq!(shop.status(&paid.receipt), "paid");
    // An unreadable one stays set aside when tried again.
    cards::retry_event(&stripe, &shop.till, "evt_surrogate").expect_err("still unreadable");
    // A manager dismisses it, saying why; journaled.
    shop.till()
        .dismiss_event("evt_surrogate", " ")
        .expect_err("a reason is needed");
    shop.till()
        .dismiss_event("evt_surrogate", "test event sent by hand")
        .expect("dismiss");
    let left: Vec<String> = shop
        .till()
        .events_needing_attention()
        .expect("list")
        .into_iter()
        .map(|e| e.event_id)
        .collect();
    assert_eq!(left, ["evt_no_type", "evt_huge_number", "evt_deep"]);
    let journal = shop.till().verify_journal().expect("verify");
    assert!(journal.ok(), "{journal:?}");
    let kinds: Vec<String> = shop
        .till()
        .connection()
        .prepare("SELECT kind FROM journal WHERE kind LIKE 'event_%' ORDER BY seq")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("kinds");
    assert_eq!(kinds.iter().filter(|k| *k == "event_set_aside").count(), 5);
    assert!(kinds.contains(&"event_retried".to_string()));
    assert!(kinds.contains(&"event_dismissed".to_string()));
}

#[test]
fn a_relay_that_cannot_be_reached_is_the_last_error_with_when_the_till_tries_again() {
    let shop = shop();
    let stripe = DemoGateway::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let down = format!("http://127.0.0.1:{port}");
    let token = RelayToken::parse(TOKEN).expect("token");
    let relay = Relay {
        url: &down,
        token: &token,
    };
    let mut backoff = Backoff::default();
    let (first, pause) = cards::follow_step(&relay, &stripe, &shop.till, 0, &mut backoff);
    assert!(first.is_err());
    assert_eq!(pause, Duration::from_secs(1));
    let (_, pause) = cards::follow_step(&relay, &stripe, &shop.till, 0, &mut backoff);
    assert_eq!(pause, Duration::from_secs(2), "backing off");
    let state = shop.till().sync_state().expect("state");
    assert!(state
        .last_error
        .is_some_and(|e| e.contains("could not be reached")));
    assert!(state.retry_at.is_some(), "when it tries again is shown");
}
