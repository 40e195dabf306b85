//! The card-payment commands over IPC on the mock runtime, as the Payments screen and the
//! register use them: the demo reader (sale, decline and retry, cancel and give up), and a
//! test-mode till on the fake Stripe whose key must never reach a log line or the store.

use super::tests::{staffed_till, TestTill};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Channel ids for the commands' progress, distinct across the tests of one process.
static NEXT_CHANNEL: AtomicU32 = AtomicU32::new(1000);

/// Runs a card command (`card_checkout`, `retry_card_payment`) on another thread, as the UI
/// does while the window stays live; once the till's reader waits for the card (its action in
/// progress), `at_reader` plays the customer or the cashier (a test card, a cancel). Returns the
/// command's answer and the progress it sent on its channel.
pub(super) fn card_payment(
    till: &TestTill,
    cmd: &str,
    mut args: Value,
    at_reader: impl FnOnce(&TestTill),
) -> (Result<Value, Value>, Vec<Value>) {
    let channel = NEXT_CHANNEL.fetch_add(1, Ordering::SeqCst);
    // How the UI's `Channel` crosses the IPC: its id behind Tauri's channel prefix.
    args["progress"] = json!(format!("__CHANNEL__:{channel}"));
    let ipc = till.ipc();
    let command = cmd.to_string();
    let worker = std::thread::spawn(move || ipc.call(&command, args));
    let deadline = Instant::now() + Duration::from_secs(30);
    while !worker.is_finished() {
        if reader_waits(till) {
            at_reader(till);
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{cmd}: the reader never asked for the card"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let answer = worker.join().expect("the card command's thread ends");
    (answer, till.channel(channel))
}

/// Whether the till's reader is waiting for a card.
fn reader_waits(till: &TestTill) -> bool {
    till.ok("readers_list", json!({}))
        .as_array()
        .is_some_and(|readers| {
            readers
                .iter()
                .any(|r| r["chosen"] == json!(true) && r["state"] == json!("busy"))
        })
}

fn present(card: &'static str) -> impl FnOnce(&TestTill) {
    move |till| {
        till.ok("present_test_card", json!({"card": card}));
    }
}

fn card_checkout(till: &TestTill, at_reader: impl FnOnce(&TestTill)) -> (Value, Vec<Value>) {
    let (answer, progress) = card_payment(
        till,
        "card_checkout",
        json!({"tenders": [{"kind": "card", "value": null}]}),
        at_reader,
    );
    let outcome = answer.unwrap_or_else(|e| panic!("card_checkout failed: {e}"));
    (outcome, progress)
}

fn stages(progress: &[Value]) -> Vec<&str> {
    progress
        .iter()
        .filter_map(|p| p["stage"].as_str())
        .collect()
}

/// Every order of the till, newest first.
fn orders(till: &TestTill) -> Vec<Value> {
    till.ok(
        "find_orders",
        json!({"filter": {"status": null, "from": null, "to": null, "text": null},
               "offset": 0, "limit": 50}),
    )
    .as_array()
    .cloned()
    .expect("a list of orders")
}

#[test]
fn payments_status_in_demo_mode_shows_the_simulated_reader_and_nothing_in_doubt() {
    let till = staffed_till();
    let status = till.ok("payments_status", json!({}));
    assert_eq!(status["mode"], json!("demo"), "{status}");
    assert_eq!(status["reader"]["simulated"], json!(true), "{status}");
    assert_eq!(
        status["reader"]["label"],
        json!(versapos_payments::demo::DEMO_READER_LABEL),
        "{status}"
    );
    assert_eq!(status["reader"]["state"], json!("online"), "{status}");
    assert_eq!(status["problem"], Value::Null, "{status}");
    assert_eq!(status["in_doubt"], json!(0), "{status}");
}

#[test]
fn a_card_sale_on_the_demo_reader_is_paid_and_clears_the_register() {
    let till = staffed_till();
    let cart = till.ok("cart_add", json!({"code": "HOT-0001", "quantity": 2}));
    let total = cart["total"].as_i64().expect("total in minor units");

    let (outcome, progress) = card_checkout(&till, present("approved"));
    assert_eq!(outcome["outcome"], json!("paid"), "{outcome}");
    let order = &outcome["order"];
    assert_eq!(order["status"], json!("paid"), "{order}");
    assert_eq!(order["total"], json!(total), "{order}");
    let card = &order["payments"][0];
    assert_eq!(card["tender"], json!("card"), "{order}");
    assert_eq!(card["mode"], json!("demo"), "{order}");
    assert_eq!(card["card_last4"], json!("4242"), "{order}");
    assert_eq!(
        stages(&progress),
        ["starting", "waiting_for_card", "capturing"],
        "the progress the screen shows: {progress:?}"
    );

    assert_eq!(
        till.ok("current_cart", json!({}))["lines"],
        json!([]),
        "the register is cleared once the card is taken"
    );
    let receipt = order["receipt"].as_str().expect("a receipt number");
    assert_eq!(
        till.ok("order", json!({"reference": receipt}))["status"],
        json!("paid")
    );
    assert_eq!(till.ok("payments_status", json!({}))["in_doubt"], json!(0));
}

#[test]
fn a_declined_card_is_held_for_the_cashier_and_a_retry_pays_the_one_order() {
    let till = staffed_till();
    let cart = till.ok("cart_add", json!({"code": "HOT-0001", "quantity": 1}));

    let (declined, _) = card_checkout(&till, present("declined"));
    assert_eq!(declined["outcome"], json!("declined"), "{declined}");
    assert!(
        declined["message"]
            .as_str()
            .is_some_and(|m| m.contains("Declined")),
        "the cashier is told why: {declined}"
    );
    let payment_id = declined["payment_id"].as_str().expect("the payment's id");

    // Held for the cashier's decision: not in doubt, and not settled behind their back.
    assert_eq!(
        till.ok("payments_status", json!({}))["in_doubt"],
        json!(0),
        "a declined payment is not in doubt"
    );
    assert_eq!(till.ok("payments_in_doubt", json!({})), json!([]));
    let report = till.ok("reconcile_payments", json!({}));
    assert_eq!(report["settled"], json!([]), "{report}");
    assert_eq!(report["remaining"], json!(0), "{report}");
    let pending = orders(&till);
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!(
        pending[0]["status"],
        json!("payment_pending"),
        "reconciling left the held payment alone"
    );
    assert_eq!(
        till.ok("current_cart", json!({}))["lines"],
        cart["lines"],
        "the sale stays on the register after a decline"
    );

    let (paid, _) = card_payment(
        &till,
        "retry_card_payment",
        json!({"paymentId": payment_id}),
        present("approved"),
    );
    let paid = paid.unwrap_or_else(|e| panic!("retry_card_payment failed: {e}"));
    assert_eq!(paid["outcome"], json!("paid"), "{paid}");
    assert_eq!(
        paid["order"]["id"], pending[0]["id"],
        "the same order is paid"
    );
    let all = orders(&till);
    assert_eq!(all.len(), 1, "one order for the sale: {all:?}");
    assert_eq!(all[0]["status"], json!("paid"));
    assert_eq!(till.ok("current_cart", json!({}))["lines"], json!([]));
    assert_eq!(till.ok("payments_status", json!({}))["in_doubt"], json!(0));
}

#[test]
fn a_card_payment_canceled_at_the_reader_and_given_up_fails_the_order_and_keeps_the_sale() {
    let till = staffed_till();
    assert_eq!(
        till.error_code("cancel_card_payment", json!({})),
        "no_card_payment",
        "nothing to cancel yet"
    );
    let cart = till.ok("cart_add", json!({"code": "HOT-0001", "quantity": 3}));

    let (canceled, _) = card_checkout(&till, |t| {
        t.ok("cancel_card_payment", json!({}));
    });
    assert_eq!(canceled["outcome"], json!("canceled"), "{canceled}");
    let payment_id = canceled["payment_id"].as_str().expect("the payment's id");
    assert_eq!(till.ok("payments_status", json!({}))["in_doubt"], json!(0));

    let kept = till.ok("abandon_card_payment", json!({"paymentId": payment_id}));
    assert_eq!(
        kept["lines"], cart["lines"],
        "the sale stays for another tender"
    );
    let all = orders(&till);
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0]["status"], json!("payment_failed"), "{all:?}");
    assert_eq!(till.ok("current_cart", json!({}))["lines"], cart["lines"]);

    let cash = till.ok(
        "checkout",
        json!({"tenders": [{"kind": "cash", "value": null}]}),
    );
    assert_eq!(
        cash["status"],
        json!("paid"),
        "the same sale paid in cash: {cash}"
    );
    assert_eq!(till.ok("current_cart", json!({}))["lines"], json!([]));
    // One order: the card try given up is in its history, and it took the first receipt number.
    assert_eq!(
        cash["id"], all[0]["id"],
        "paid on the order of the card try"
    );
    assert_eq!(cash["receipt"], json!("DEMO1-000001"), "{cash}");
    let tried: Vec<(&str, &str)> = cash["payments"]
        .as_array()
        .expect("payments")
        .iter()
        .map(|p| {
            (
                p["tender"].as_str().unwrap_or(""),
                p["status"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(tried, [("card", "canceled"), ("cash", "succeeded")]);
    assert_eq!(orders(&till).len(), 1, "no second order");
}

/// A distinctive test key: found anywhere it must not be, it came from here.
const LEAK_CHECK_KEY: &str = "sk_test_VersaPosLeakCheck1234567890";

/// Every byte of the files in `dir` and the folders in it (the store, its WAL and shared memory,
/// the card sessions' lock files, backups).
fn files_in(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for e in std::fs::read_dir(dir).expect("the store's folder") {
        let path = e.expect("a folder entry").path();
        if path.is_dir() {
            files.extend(files_in(&path));
        } else {
            let bytes = std::fs::read(&path).expect("a store file");
            files.push((path.display().to_string(), bytes));
        }
    }
    files
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// Secrets live in the keychain only: a test-mode till selling, refunding and failing, logged
/// at TRACE with every command's arguments, writes its Stripe key to no log line and nowhere in
/// its store.
///
/// The subscriber is the process's global one: the commands run on the async runtime's and the
/// blocking pool's threads, which a thread-local default would not reach (nextest runs each test
/// in its own process).
#[test]
fn a_test_mode_till_never_writes_its_stripe_key_to_the_log_or_the_store() {
    use tracing_subscriber::fmt::format::FmtSpan;
    use tracing_subscriber::util::SubscriberInitExt;

    let logs = tempfile::tempdir().expect("temp dir");
    let log_path = logs.path().join("versapos.log");
    let log = std::fs::File::create(&log_path).expect("the log file");
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::NEW | FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(log))
        .finish()
        .try_init()
        .expect("the test's log is the process's only subscriber");

    let fake = versapos_stripe_fake::FakeStripe::start();
    let key = versapos_secrets::StripeKey::parse(LEAK_CHECK_KEY).expect("a well-formed test key");
    let gateway = versapos_payments::stripe::StripeGateway::new(&key, Some(&fake.url()))
        .expect("a gateway for the fake Stripe")
        .with_retry(2, Duration::from_millis(10))
        .with_timeout(Duration::from_secs(10));
    let till = TestTill::with_payments(crate::payments::Payments::with_gateway(Arc::new(gateway)));
    till.ok("start_demo", json!({}));
    let status = till.ok("payments_status", json!({}));
    assert_eq!(status["mode"], json!("test"), "{status}");
    assert_eq!(status["reader"]["simulated"], json!(true), "{status}");

    till.ok("cart_add", json!({"code": "HOT-0001", "quantity": 2}));
    let (outcome, _) = card_checkout(&till, present("approved"));
    assert_eq!(outcome["outcome"], json!("paid"), "{outcome}");
    let intent = outcome["order"]["payments"][0]["intent_id"]
        .as_str()
        .expect("the card payment's PaymentIntent")
        .to_string();
    let refund = till.ok(
        "refund_order",
        json!({"reference": outcome["order"]["receipt"], "refund": {"amount": null,
            "lines": [{"sku": "HOT-0001", "quantity": 1}], "restock": true}}),
    );
    assert_eq!(
        refund["tenders"][0]["intent_id"],
        json!(intent),
        "refunded to the card through Stripe: {refund}"
    );
    assert_eq!(
        till.error_code("choose_reader", json!({"readerId": "tmr_NoSuchReader"})),
        "stripe_not_found"
    );

    let store = files_in(till.dir());
    assert!(
        store.iter().any(|(_, b)| contains(b, &intent)),
        "the store holds the sale's PaymentIntent, so searching it is real"
    );
    assert!(
        store.iter().any(|(p, _)| p.ends_with("-wal")),
        "the store's WAL is searched too: {:?}",
        store.iter().map(|(p, _)| p).collect::<Vec<_>>()
    );
    let text = std::fs::read_to_string(&log_path).expect("the log");
    for command in ["card_checkout", "refund_order", "choose_reader"] {
        assert!(
            text.contains(command),
            "the log records {command}, so searching it is real"
        );
    }
    assert!(
        text.contains("tmr_NoSuchReader"),
        "the log records the commands' arguments"
    );
    // The whole key, and the part of it that is no shape or suffix shown to people.
    for secret in [LEAK_CHECK_KEY, "VersaPosLeakCheck"] {
        for (path, bytes) in &store {
            assert!(!contains(bytes, secret), "{path} holds the Stripe key");
        }
        let line = text.lines().find(|l| l.contains(secret));
        assert!(line.is_none(), "a log line holds the Stripe key: {line:?}");
    }
}
