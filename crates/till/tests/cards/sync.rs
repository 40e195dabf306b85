//! Applying Stripe's events from the webhook relay: each event once, money only on Stripe's own
//! view (re-read through the gateway), any order of arrival converging on Stripe's state, and a
//! payment being taken at the till left alone until later. Against the demo reader and the
//! in-repo fake Stripe; the relay is a small HTTP server on loopback inside the test.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use versapos_core::{RefundRequest, Sku, TenderRequest};
use versapos_payments::demo::DemoGateway;
use versapos_payments::flow;
use versapos_payments::sync::{Outcome, Relay, SyncError};
use versapos_payments::{Gateway, IntentStatus, TestCard};
use versapos_secrets::RelayToken;
use versapos_stripe_fake::FakeStripe;
use versapos_till::cards::refund_order;
use versapos_till::cards::{apply_event as apply, pull_once, pull_until_empty};
use versapos_till::PendingCard;

use crate::support::{gateway_once, shop, Shop};

impl Shop {
    /// A card sale of one COFFEE written at the till, waiting for its card.
    pub(crate) fn pending(&self) -> PendingCard {
        let mut till = self.till();
        let mut cart = till.new_cart().expect("cart");
        till.add_to_cart(&mut cart, "COFFEE", 1).expect("add");
        let pending = till
            .begin_card_sale(&cart, &[TenderRequest::Card { amount: None }])
            .expect("begin card sale");
        // The till that wrote it lets it go (its outcome unknown): a payment in doubt.
        till.release_card(&pending.payment_id).expect("release");
        pending
    }

    /// A card sale whose card Stripe has seen (approved: authorised, not captured; or declined)
    /// while the till was not watching: only an event can tell the till.
    pub(crate) fn card_presented_behind_the_tills_back(
        &self,
        gw: &dyn Gateway,
        card: TestCard,
    ) -> (PendingCard, String) {
        let pending = self.pending();
        let reader = flow::till_reader(gw, None).expect("the one reader");
        let intent = gw
            .create_intent(&flow::intent_request(&pending))
            .expect("create intent");
        self.till()
            .record_intent(
                &pending.payment_id,
                &intent.id,
                gw.mode().as_str(),
                Some(&reader.id),
            )
            .expect("record intent");
        gw.process_intent(&reader.id, &intent.id, "process-1")
            .expect("process");
        gw.present_card(&reader.id, card).expect("present");
        (pending, intent.id)
    }

    pub(crate) fn status(&self, receipt: &str) -> versapos_core::OrderStatus {
        self.till().order(receipt).expect("order").status
    }

    fn stock(&self, sku: &str) -> i64 {
        self.till().product(sku).expect("product").stock
    }
}

/// A Stripe event as the relay hands it over. The object's `status` is what the event claims;
/// the till must not believe it.
fn event(id: &str, kind: &str, object: Value) -> Value {
    json!({ "id": id, "object": "event", "type": kind, "data": { "object": object } })
}

fn intent_event(id: &str, kind: &str, intent: &str, payment: &str, claims: &str) -> Value {
    event(
        id,
        kind,
        json!({
            "id": intent, "object": "payment_intent", "status": claims,
            "metadata": { "payment_id": payment, "till_id": "T1" },
        }),
    )
}

#[test]
fn the_same_event_delivered_three_times_books_the_sale_once() {
    let shop = shop();
    let demo = DemoGateway::new();
    let (p, intent) = shop.card_presented_behind_the_tills_back(&demo, TestCard::Approved);
    let e = intent_event(
        "evt_cap",
        "payment_intent.amount_capturable_updated",
        &intent,
        &p.payment_id,
        "requires_capture",
    );
    let outcomes: Vec<Outcome> = (0..3)
        .map(|_| apply(&demo, &shop.till, &e).expect("apply").outcome)
        .collect();
    assert_eq!(
        outcomes,
        vec![Outcome::Paid, Outcome::Duplicate, Outcome::Duplicate]
    );
    assert_eq!(shop.status(&p.receipt), "paid");
    assert_eq!(shop.stock("COFFEE"), 9, "stock taken once");
    assert_eq!(
        demo.intent(&intent).expect("intent").status,
        IntentStatus::Succeeded,
        "the till captured the authorised payment"
    );
    // Another event about the same, settled payment changes nothing.
    let later = intent_event(
        "evt_ok",
        "payment_intent.succeeded",
        &intent,
        &p.payment_id,
        "succeeded",
    );
    assert_eq!(
        apply(&demo, &shop.till, &later).expect("apply").outcome,
        Outcome::Unchanged
    );
    assert_eq!(shop.stock("COFFEE"), 9);
    assert_eq!(shop.till().applied_events(10).expect("applied").len(), 2);
    let sales: i64 = shop
        .till()
        .connection()
        .query_row(
            "SELECT count(*) FROM journal WHERE kind = 'sale'",
            [],
            |r| r.get(0),
        )
        .expect("count sale entries");
    assert_eq!(sales, 1, "one sale in the journal");
}

/// Every order of three events, each on a fresh shop.
fn permutations(events: [&'static str; 3]) -> Vec<[&'static str; 3]> {
    let [a, b, c] = events;
    vec![
        [a, b, c],
        [a, c, b],
        [b, a, c],
        [b, c, a],
        [c, a, b],
        [c, b, a],
    ]
}

#[test]
fn events_in_any_order_converge_on_stripes_view_of_an_authorised_payment() {
    for order in permutations([
        "payment_intent.canceled",
        "payment_intent.succeeded",
        "payment_intent.payment_failed",
    ]) {
        let shop = shop();
        let demo = DemoGateway::new();
        let (p, intent) = shop.card_presented_behind_the_tills_back(&demo, TestCard::Approved);
        for (n, kind) in order.iter().enumerate() {
            let claims = kind.rsplit('.').next().unwrap_or_default();
            let e = intent_event(&format!("evt_{n}"), kind, &intent, &p.payment_id, claims);
            apply(&demo, &shop.till, &e).expect("apply");
        }
        assert_eq!(
            shop.status(&p.receipt),
            "paid",
            "{order:?}: Stripe authorised the card, so the sale is paid whatever the events say"
        );
        assert_eq!(shop.stock("COFFEE"), 9, "{order:?}");
    }
}

#[test]
fn events_in_any_order_converge_on_stripes_view_of_a_canceled_payment() {
    for order in permutations([
        "payment_intent.succeeded",
        "payment_intent.canceled",
        "payment_intent.amount_capturable_updated",
    ]) {
        let shop = shop();
        let demo = DemoGateway::new();
        let p = shop.pending();
        let intent = demo
            .create_intent(&flow::intent_request(&p))
            .expect("intent");
        shop.till()
            .record_intent(&p.payment_id, &intent.id, "demo", None)
            .expect("record");
        demo.cancel_intent(&intent.id).expect("cancel at Stripe");
        for (n, kind) in order.iter().enumerate() {
            let e = intent_event(
                &format!("evt_{n}"),
                kind,
                &intent.id,
                &p.payment_id,
                "succeeded",
            );
            apply(&demo, &shop.till, &e).expect("apply");
        }
        assert_eq!(
            shop.status(&p.receipt),
            "payment_failed",
            "{order:?}: a forged or stale 'succeeded' never books a canceled payment"
        );
        assert_eq!(shop.stock("COFFEE"), 10, "{order:?}");
    }
}

#[test]
fn a_failed_payment_notes_the_decline_and_keeps_the_order_for_a_retry() {
    let shop = shop();
    let demo = DemoGateway::new();
    let (p, intent) = shop.card_presented_behind_the_tills_back(&demo, TestCard::InsufficientFunds);
    let e = intent_event(
        "evt_fail",
        "payment_intent.payment_failed",
        &intent,
        &p.payment_id,
        "requires_payment_method",
    );
    let a = apply(&demo, &shop.till, &e).expect("apply");
    assert_eq!(a.outcome, Outcome::Declined, "{a:?}");
    assert!(a.detail.contains("not enough funds"), "{}", a.detail);
    assert_eq!(
        shop.status(&p.receipt),
        "payment_pending",
        "kept for a retry"
    );
    let decline: Option<String> = shop
        .till()
        .connection()
        .query_row(
            "SELECT decline FROM payments WHERE id = ?1",
            [&p.payment_id],
            |r| r.get(0),
        )
        .expect("decline");
    assert!(
        decline.is_some_and(|d| d.contains("not enough funds")),
        "the decline is noted for the cashier"
    );
}

#[test]
fn a_payment_being_taken_is_deferred_then_applied_by_a_later_pull() {
    let shop = shop();
    let demo = DemoGateway::new();
    let (p, intent) = shop.card_presented_behind_the_tills_back(&demo, TestCard::Approved);
    let e = intent_event(
        "evt_busy",
        "payment_intent.amount_capturable_updated",
        &intent,
        &p.payment_id,
        "requires_capture",
    );
    // A till process is taking the card right now.
    shop.till()
        .take_card_again(&p.payment_id)
        .expect("take the card");
    let a = apply(&demo, &shop.till, &e).expect("apply");
    assert_eq!(a.outcome, Outcome::Deferred);
    assert_eq!(shop.status(&p.receipt), "payment_pending", "left alone");
    assert!(
        !shop.till().was_applied("evt_busy").expect("was applied"),
        "not noted, so a later pull applies it"
    );
    shop.till().release_card(&p.payment_id).expect("release");
    assert_eq!(
        apply(&demo, &shop.till, &e).expect("apply").outcome,
        Outcome::Paid
    );
    assert_eq!(shop.status(&p.receipt), "paid");
}

#[test]
fn a_dispute_flags_the_order_and_reader_and_unknown_events_are_noted_only() {
    let shop = shop();
    let fake = FakeStripe::start();
    let demo = gateway_once(&fake);
    let sold = shop.card_sale(&demo, &[("COFFEE", 1)]);
    let intent = sold.payments[0].intent_id.clone().expect("intent");
    let opened = fake
        .with_sim(|s| s.create_dispute(&intent, "fraudulent"))
        .expect("the card holder disputes");
    let dispute = event(
        "evt_dp",
        "charge.dispute.created",
        json!({ "id": opened.id, "object": "dispute", "charge": "ch_1",
                "payment_intent": intent, "reason": "fraudulent", "amount": 1200 }),
    );
    let a = apply(&demo, &shop.till, &dispute).expect("apply");
    assert_eq!(a.outcome, Outcome::Disputed);
    assert_eq!(a.receipt.as_deref(), Some(sold.receipt.as_str()));
    assert_eq!(
        shop.till()
            .dispute_reason(&sold.id)
            .expect("reason")
            .as_deref(),
        Some("fraudulent")
    );
    assert_eq!(
        shop.status(&sold.receipt),
        "paid",
        "a dispute moves no money"
    );

    let other = event(
        "evt_dp2",
        "charge.dispute.created",
        json!({ "id": "dp_2", "payment_intent": "pi_of_another_till", "reason": "general" }),
    );
    assert_eq!(
        apply(&demo, &shop.till, &other).expect("apply").outcome,
        Outcome::Skipped
    );
    let reader = event(
        "evt_rd",
        "terminal.reader.action_succeeded",
        json!({ "id": "tmr_1", "object": "terminal.reader" }),
    );
    assert_eq!(
        apply(&demo, &shop.till, &reader).expect("apply").outcome,
        Outcome::Seen
    );
    let unknown = event("evt_x", "customer.created", json!({ "id": "cus_1" }));
    assert_eq!(
        apply(&demo, &shop.till, &unknown).expect("apply").outcome,
        Outcome::Skipped
    );
    let foreign = intent_event(
        "evt_f",
        "payment_intent.succeeded",
        "pi_elsewhere",
        "payment-of-another-till",
        "succeeded",
    );
    assert_eq!(
        apply(&demo, &shop.till, &foreign).expect("apply").outcome,
        Outcome::Skipped
    );
    for id in ["evt_dp", "evt_dp2", "evt_rd", "evt_x", "evt_f"] {
        assert!(
            shop.till().was_applied(id).expect("was applied"),
            "{id} noted"
        );
    }
    assert!(
        apply(&demo, &shop.till, &json!({ "type": "charge.refunded" })).is_err(),
        "an event without an id is refused"
    );
}

#[test]
fn a_refund_event_books_a_card_refund_whose_answer_was_lost() {
    let fake = FakeStripe::start();
    let gw = gateway_once(&fake);
    let shop = shop();
    let sold = shop.card_sale(&gw, &[("COFFEE", 1), ("MILK", 1)]);
    let intent = sold.payments[0].intent_id.clone().expect("intent");
    fake.cut_after("/v1/refunds", 1);
    let milk = RefundRequest::Lines(vec![(Sku::parse("MILK").expect("sku"), 1)]);
    refund_order(&gw, &shop.till, &sold.receipt, &milk, false).expect_err("no answer");
    assert_eq!(
        shop.till().pending_card_refunds().expect("pending").len(),
        1
    );

    let e = event(
        "evt_refund",
        "charge.refunded",
        json!({ "id": "ch_1", "object": "charge", "payment_intent": intent, "amount_refunded": 210 }),
    );
    let a = apply(&gw, &shop.till, &e).expect("apply");
    assert_eq!(a.outcome, Outcome::Refunded, "{a:?}");
    let order = shop.till().order(&sold.receipt).expect("order");
    assert_eq!(
        (
            order.status.as_str(),
            order.refunded_total,
            order.refunds.len()
        ),
        ("partially_refunded", 210, 1)
    );
    assert_eq!(
        fake.with_sim(|s| s.intent(&intent).map(|i| i.amount_refunded)),
        Ok(210),
        "still one refund at Stripe"
    );
    let again = event(
        "evt_refund_2",
        "charge.refund.updated",
        json!({ "id": "re_1", "object": "refund", "payment_intent": intent }),
    );
    assert_eq!(
        apply(&gw, &shop.till, &again).expect("apply").outcome,
        Outcome::Unchanged
    );
}

/// A whole card refund whose answer was lost, then its events arriving before, between and after
/// the sale's own (each twice): whatever the order, the order ends refunded once at Stripe, and
/// the VIP's points are earned once and taken back once.
#[test]
fn a_refund_arriving_before_the_sales_success_converges_with_points_once() {
    for order in permutations([
        "charge.refunded",
        "payment_intent.succeeded",
        "charge.refund.updated",
    ]) {
        let fake = FakeStripe::start();
        let gw = gateway_once(&fake);
        let shop = shop();
        let vip = shop.add_vip("Ada Lovelace");
        let sold = shop.card_sale_for(&gw, &[("COFFEE", 1), ("MILK", 1)], Some(vip));
        let earned = shop.till().customer(vip).expect("vip").points_balance;
        assert!(earned > 0, "the paid sale earned points");
        let intent = sold.payments[0].intent_id.clone().expect("intent");
        fake.cut_after("/v1/refunds", 1);
        refund_order(&gw, &shop.till, &sold.receipt, &RefundRequest::Whole, true)
            .expect_err("no answer");

        for (n, kind) in order.iter().enumerate() {
            let object = if kind.starts_with("charge.") {
                json!({ "id": "ch_1", "object": "charge", "payment_intent": intent,
                        "amount_refunded": sold.total })
            } else {
                json!({ "id": intent, "object": "payment_intent", "status": "succeeded",
                        "metadata": { "payment_id": sold.payments[0].id, "till_id": "T1" } })
            };
            let e = event(&format!("evt_{n}"), kind, object);
            for _ in 0..2 {
                apply(&gw, &shop.till, &e).expect("apply");
            }
        }

        let order_now = shop.till().order(&sold.receipt).expect("order");
        assert_eq!(
            (order_now.status.as_str(), order_now.refunded_total),
            ("refunded", sold.total),
            "{order:?}"
        );
        assert_eq!(order_now.refunds.len(), 1, "{order:?}: one refund booked");
        assert_eq!(
            fake.with_sim(|s| s.intent(&intent).map(|i| i.amount_refunded)),
            Ok(sold.total),
            "{order:?}: one refund at Stripe"
        );
        let ledger = shop.till().points_ledger(vip).expect("ledger");
        let points: Vec<i64> = ledger.iter().map(|e| e.points).collect();
        assert_eq!(
            points,
            vec![earned, -earned],
            "{order:?}: earned once, taken back once"
        );
        assert_eq!(shop.till().customer(vip).expect("vip").points_balance, 0);
        assert_eq!(shop.stock("COFFEE"), 10, "{order:?}: restocked once");
    }
}

/// A relay on loopback serving `pages` (by the `after` cursor asked); answers 401 to any other
/// token. Returns its address and the requests' paths.
pub(crate) struct TestRelay {
    pub(crate) url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

pub(crate) const TOKEN: &str = "till-token-0001";

fn entry(cursor: i64, e: Value) -> Value {
    json!({ "cursor": cursor, "id": e["id"], "type": e["type"],
            // Unix seconds, as versapos-relay sends it: 2025-03-14T10:00:0{cursor}Z.
            "received_at": 1_741_946_400 + cursor, "event": e })
}

fn serve_relay(pages: Vec<(i64, Value)>) -> TestRelay {
    serve_raw_relay(
        pages
            .into_iter()
            .map(|(after, page)| (after, page.to_string()))
            .collect(),
    )
}

/// [`serve_relay`] with each page as the text the relay sends, byte for byte (it may hold an
/// event no JSON reader takes).
pub(crate) fn serve_raw_relay(pages: Vec<(i64, String)>) -> TestRelay {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            answer(stream, &pages, &log);
        }
    });
    TestRelay { url, seen }
}

fn answer(mut stream: TcpStream, pages: &[(i64, String)], log: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    let mut authorised = false;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
        if line.to_ascii_lowercase().starts_with("authorization:")
            && line.trim_end().ends_with(&format!("Bearer {TOKEN}"))
        {
            authorised = true;
        }
    }
    let path = request
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_string();
    log.lock().expect("log").push(path.clone());
    let after: i64 = path
        .split(['?', '&'])
        .find_map(|kv| kv.strip_prefix("after="))
        .and_then(|v| v.parse().ok())
        .unwrap_or(-1);
    let (status, body) = if !authorised {
        (
            "401 Unauthorized",
            json!({ "error": "bad token" }).to_string(),
        )
    } else {
        let page = pages
            .iter()
            .find(|(a, _)| *a == after)
            .map(|(_, p)| p.clone())
            .unwrap_or_else(|| json!({ "events": [], "cursor": after }).to_string());
        ("200 OK", page)
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.flush();
}

#[test]
fn pulling_two_pages_applies_every_event_and_saves_the_cursor() {
    let shop = shop();
    let demo = DemoGateway::new();
    let (p, intent) = shop.card_presented_behind_the_tills_back(&demo, TestCard::Approved);
    let cap = intent_event(
        "evt_1",
        "payment_intent.amount_capturable_updated",
        &intent,
        &p.payment_id,
        "requires_capture",
    );
    let unknown = event("evt_2", "customer.created", json!({ "id": "cus_1" }));
    let ok = intent_event(
        "evt_3",
        "payment_intent.succeeded",
        &intent,
        &p.payment_id,
        "succeeded",
    );
    let relay = serve_relay(vec![
        (
            0,
            json!({ "events": [entry(1, cap.clone()), entry(2, unknown)], "cursor": 2 }),
        ),
        // The relay sends evt_1 again (a duplicate delivery) with the next one.
        (
            2,
            json!({ "events": [entry(3, ok), entry(4, cap)], "cursor": 4 }),
        ),
    ]);
    let token = RelayToken::parse(TOKEN).expect("token");
    let at = Relay {
        url: &relay.url,
        token: &token,
    };
    let first = pull_once(&at, &demo, &shop.till, 0).expect("first page");
    assert_eq!((first.cursor_before, first.cursor), (0, 2));
    assert!(first.more);
    assert_eq!(
        shop.till().cursor().expect("cursor"),
        2,
        "saved after page one"
    );
    let rest = pull_until_empty(&at, &demo, &shop.till, 10).expect("the rest");
    let outcomes: Vec<(&str, Outcome)> = first
        .events
        .iter()
        .chain(&rest.events)
        .map(|e| (e.event_id.as_str(), e.outcome))
        .collect();
    assert_eq!(
        outcomes,
        vec![
            ("evt_1", Outcome::Paid),
            ("evt_2", Outcome::Skipped),
            ("evt_3", Outcome::Unchanged),
            ("evt_1", Outcome::Duplicate),
        ]
    );
    assert_eq!(shop.status(&p.receipt), "paid");
    assert_eq!(shop.stock("COFFEE"), 9);
    let state = shop.till().sync_state().expect("state");
    assert_eq!(state.cursor, 4);
    assert_eq!(state.last_event_at.as_deref(), Some("2025-03-14T10:00:04Z"));
    assert_eq!(state.last_error, None);
    let seen = relay.seen.lock().expect("seen").clone();
    assert_eq!(
        seen,
        vec![
            "/v1/events?after=0&wait=0&max_bytes=4194304",
            "/v1/events?after=2&wait=0&max_bytes=4194304",
            "/v1/events?after=4&wait=0&max_bytes=4194304",
        ],
        "pages asked for by count and by bytes"
    );
}

#[test]
fn a_deferred_event_holds_the_cursor_so_the_next_pull_sees_it_again() {
    let shop = shop();
    let demo = DemoGateway::new();
    let (p, intent) = shop.card_presented_behind_the_tills_back(&demo, TestCard::Approved);
    let cap = intent_event(
        "evt_1",
        "payment_intent.amount_capturable_updated",
        &intent,
        &p.payment_id,
        "requires_capture",
    );
    let unknown = event("evt_2", "customer.created", json!({ "id": "cus_1" }));
    let relay = serve_relay(vec![(
        0,
        json!({ "events": [entry(1, cap), entry(2, unknown)], "cursor": 2 }),
    )]);
    let token = RelayToken::parse(TOKEN).expect("token");
    let at = Relay {
        url: &relay.url,
        token: &token,
    };
    shop.till()
        .take_card_again(&p.payment_id)
        .expect("take the card");
    let r = pull_until_empty(&at, &demo, &shop.till, 10).expect("pull");
    assert_eq!((r.deferred, r.cursor, r.more), (1, 0, false));
    assert_eq!(shop.status(&p.receipt), "payment_pending");
    shop.till().release_card(&p.payment_id).expect("release");
    let r = pull_until_empty(&at, &demo, &shop.till, 10).expect("pull again");
    let outcomes: Vec<Outcome> = r.events.iter().map(|e| e.outcome).collect();
    assert_eq!(outcomes, vec![Outcome::Paid, Outcome::Duplicate]);
    assert_eq!(r.cursor, 2);
    assert_eq!(shop.status(&p.receipt), "paid");
}

#[test]
fn a_refused_token_or_a_relay_that_is_down_is_an_error_and_the_cursor_stays() {
    let shop = shop();
    let demo = DemoGateway::new();
    shop.till().save_cursor(5, None, 0).expect("cursor");
    let relay = serve_relay(Vec::new());
    let wrong = RelayToken::parse("wrong-token-zq7x").expect("token");
    let err = pull_once(
        &Relay {
            url: &relay.url,
            token: &wrong,
        },
        &demo,
        &shop.till,
        0,
    )
    .expect_err("401");
    assert!(
        matches!(err, SyncError::TokenRefused { status: 401, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("token"), "{err}");
    assert!(
        !err.to_string().contains("zq7x"),
        "the token is never shown: {err}"
    );
    let state = shop.till().sync_state().expect("state");
    assert_eq!(state.cursor, 5);
    assert!(state.last_error.is_some_and(|e| e.contains("token")));

    // A port nobody listens on.
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let down = format!("http://127.0.0.1:{port}");
    let token = RelayToken::parse(TOKEN).expect("token");
    let err = pull_once(
        &Relay {
            url: &down,
            token: &token,
        },
        &demo,
        &shop.till,
        0,
    )
    .expect_err("connection refused");
    assert!(matches!(err, SyncError::Unreachable { .. }), "{err}");
    assert_eq!(err.code(), "relay_unreachable");
    let state = shop.till().sync_state().expect("state");
    assert_eq!(state.cursor, 5, "cursor untouched");
    assert!(state
        .last_error
        .is_some_and(|e| e.contains("could not be reached")));
}
