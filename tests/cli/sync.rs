//! `versapos relay` and `versapos sync` on the real binary: the relay's address and token in the
//! OS keychain (the suite runs in a session keyring of its own), shown only by the token's last
//! four characters; `sync --once` against a small relay on loopback; `sync --status`.

use crate::support::{int, text, Till};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

const TOKEN: &str = "till-token-ab12cd34";

/// A relay on loopback that serves `page` to `after=0` with the right token, an empty page for
/// any later cursor, and 401 to any other token.
fn relay(page: Value) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            let mut authorised = false;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
                    break;
                }
                if line.trim_end().ends_with(&format!("Bearer {TOKEN}")) {
                    authorised = true;
                }
            }
            let first = request.contains("after=0&");
            let (status, body) = match (authorised, first) {
                (false, _) => ("401 Unauthorized", json!({ "error": "unknown token" })),
                (true, true) => ("200 OK", page.clone()),
                (true, false) => ("200 OK", json!({ "events": [], "cursor": page["cursor"] })),
            };
            let body = body.to_string();
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

fn entry(cursor: i64, id: &str, kind: &str, object: Value) -> Value {
    json!({ "cursor": cursor, "id": id, "type": kind, "received_at": 1_741_946_400,
            "event": { "id": id, "type": kind, "data": { "object": object } } })
}

fn set_relay(till: &Till, url: &str, token: &str) -> Value {
    let r = till.run_with_env(
        &[("VERSAPOS_RELAY_TOKEN", token)],
        &["--json", "relay", "set", "--url", url],
    );
    assert_eq!(r.code, Some(0), "relay set: {}", r.stderr);
    serde_json::from_str(&r.stdout).expect("relay set prints JSON")
}

#[test]
fn sync_status_on_a_new_store_says_nothing_was_pulled_and_no_relay_is_set_up() {
    let till = Till::gbp();
    let s = till.json(&["sync", "--status"]);
    assert_eq!(int(&s, "cursor"), 0);
    assert_eq!(s["relay"]["configured"], Value::Bool(false));
    assert_eq!(s["last_error"], Value::Null);
    let r = till.refused(&["sync", "--once"]);
    assert!(r.message.contains("versapos relay set"), "{}", r.message);
    let r = till.run(&["sync"]);
    assert_eq!(
        r.code,
        Some(2),
        "sync needs --once or --status: {}",
        r.stderr
    );
}

#[test]
fn relay_set_show_remove_keeps_the_token_out_of_sight() {
    let till = Till::gbp();
    let set = set_relay(&till, "http://127.0.0.1:9/", TOKEN);
    assert_eq!(text(&set, "url"), "http://127.0.0.1:9");
    assert_eq!(text(&set, "token"), "…cd34");
    let shown = till.ok(&["relay", "show"]);
    assert!(shown.contains("…cd34"), "{shown}");
    assert!(
        !shown.contains("ab12"),
        "only the last four are shown: {shown}"
    );
    let r = till.refused(&["relay", "set", "--url", "ftp://relay"]);
    assert!(r.message.contains("--url"), "{}", r.message);
    let r = till.run_with_env(
        &[("VERSAPOS_RELAY_TOKEN", "short")],
        &["--json", "relay", "set", "--url", "https://relay.example"],
    );
    assert_eq!(r.code, Some(2), "a short token is bad input: {}", r.stdout);
    let bytes = std::fs::read(&till.db).expect("store");
    let wal = std::fs::read(till.db.with_extension("db-wal")).unwrap_or_default();
    for haystack in [&bytes, &wal] {
        assert!(
            !haystack.windows(8).any(|w| w == b"ab12cd34"),
            "the token is not in the store"
        );
    }
    assert_eq!(text(&till.json(&["relay", "remove"]), "source"), "removed");
    assert_eq!(till.json(&["relay", "show"])["url"], Value::Null);
}

#[test]
fn sync_once_applies_the_relays_events_flags_a_dispute_and_saves_the_cursor() {
    let till = Till::gbp_with_catalog();
    // Stripe test mode on the fake, which keeps the card holder's dispute.
    let stripe = versapos_stripe_fake::FakeStripe::start();
    let api = stripe.url();
    let env = [
        ("VERSAPOS_STRIPE_KEY", versapos_stripe_fake::TEST_KEY),
        ("VERSAPOS_STRIPE_API", api.as_str()),
    ];
    let sale = till.json_with_env(
        &env,
        &[
            "sale",
            "--item",
            "TEA",
            "--pay",
            "card",
            "--test-card",
            "approved",
        ],
    );
    let receipt = text(&sale, "receipt").to_string();
    let intent = sale["payments"][0]["intent_id"]
        .as_str()
        .expect("a card payment has its PaymentIntent")
        .to_string();
    let dispute = stripe
        .with_sim(|s| s.create_dispute(&intent, "fraudulent"))
        .expect("the card holder disputes");
    let url = relay(json!({
        "events": [
            entry(1, "evt_dp", "charge.dispute.created",
                  json!({ "id": dispute.id, "payment_intent": intent, "reason": "fraudulent" })),
            entry(2, "evt_rd", "terminal.reader.action_succeeded", json!({ "id": "tmr_1" })),
            entry(3, "evt_cu", "customer.created", json!({ "id": "cus_1" })),
        ],
        "cursor": 3,
    }));
    set_relay(&till, &url, TOKEN);
    let r = till.json_with_env(&env, &["sync", "--once"]);
    let outcomes: Vec<(&str, &str)> = r["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| (text(e, "event_id"), text(e, "outcome")))
        .collect();
    assert_eq!(
        outcomes,
        vec![
            ("evt_dp", "disputed"),
            ("evt_rd", "seen"),
            ("evt_cu", "skipped")
        ]
    );
    assert_eq!(r["events"][0]["receipt"], Value::from(receipt.as_str()));
    assert_eq!(int(&r, "cursor"), 3);
    let s = till.json(&["sync", "--status"]);
    assert_eq!(
        (int(&s, "cursor"), int(&s, "applied_events")),
        (3, 3),
        "{s}"
    );
    assert_eq!(s["relay"]["configured"], Value::Bool(true));
    assert_eq!(s["relay"]["url"], Value::from(url.as_str()));
    assert_eq!(s["last_event_at"], Value::from("2025-03-14T10:00:00Z"));
    let order = till.json(&["orders", "show", &receipt]);
    assert_eq!(order["dispute"]["status"], "open", "{order}");
    assert_eq!(
        order["status"], "paid",
        "a dispute opened moves no money: {order}"
    );
    // Pulling again finds nothing new and changes nothing.
    let again = till.json_with_env(&env, &["sync", "--once"]);
    assert_eq!(again["events"], json!([]));
    assert_eq!(int(&again, "cursor"), 3);
    till.ok(&["journal", "verify"]);

    // A token the relay does not know: exit 1, the error noted, the cursor kept.
    set_relay(&till, &url, "another-token-0000");
    let r = till.run(&["--json", "sync", "--once"]);
    assert_eq!(r.code, Some(1), "{}", r.stdout);
    let v: Value = serde_json::from_str(&r.stdout).expect("error JSON");
    assert_eq!(v["error"]["code"], Value::from("relay_token_refused"));
    let s = till.json(&["sync", "--status"]);
    assert_eq!(int(&s, "cursor"), 3);
    assert!(
        s["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("token")),
        "{s}"
    );
}

#[test]
fn a_headless_till_takes_its_relay_from_the_environment_over_the_keychain() {
    let till = Till::gbp();
    // The keychain's relay is a dead address; the environment's is the real one.
    set_relay(&till, "http://127.0.0.1:9", "keychain-token-0000");
    let url = relay(json!({ "events": [], "cursor": 0 }));
    let env = [
        ("VERSAPOS_RELAY_URL", url.as_str()),
        ("VERSAPOS_RELAY_TOKEN", TOKEN),
    ];
    let json_of = |args: &[&str]| -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let r = till.run_with_env(&env, &all);
        assert_eq!(r.code, Some(0), "{args:?}: {}", r.stderr);
        serde_json::from_str(&r.stdout).expect("JSON")
    };
    let shown = json_of(&["relay", "show"]);
    assert_eq!(text(&shown, "source"), "environment");
    assert_eq!(text(&shown, "url"), url);
    assert_eq!(text(&shown, "token"), "…cd34");
    let status = json_of(&["sync", "--status"]);
    assert_eq!(status["relay"]["source"], Value::from("environment"));
    assert_eq!(status["relay"]["url"], Value::from(url.as_str()));
    let pulled = json_of(&["sync", "--once"]);
    assert_eq!(
        pulled["events"],
        json!([]),
        "pulled from the environment's relay"
    );
    // Without the environment the keychain's relay is the one.
    assert_eq!(text(&till.json(&["relay", "show"]), "source"), "keychain");

    // An address without a token is bad input naming what is missing.
    let r = till.run_with_env(
        &[("VERSAPOS_RELAY_URL", url.as_str())],
        &["--json", "sync", "--status"],
    );
    assert_eq!(r.code, Some(2), "{}", r.stdout);
    assert!(r.stdout.contains("VERSAPOS_RELAY_TOKEN"), "{}", r.stdout);
}
