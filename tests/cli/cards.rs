//! Card payments through the real `versapos` binary: demo mode (no key at all), and Stripe test
//! mode against the in-repo fake Stripe, with its faults, a till killed while the reader waits,
//! and the key kept out of the store and of everything the binary prints.

use crate::support::{array, int, text, Run, Till};
use serde_json::Value;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};
use versapos_payments::sim::Simulator;
use versapos_payments::{IntentStatus, TestCard};
use versapos_stripe_fake::{FakeStripe, LoggedRequest, TEST_KEY};

/// TEA costs 2.49 in the catalog of [`Till::gbp_with_catalog`], ten in stock.
const TEA_PENCE: i64 = 249;

/// `versapos sale` of one tea by card, the reader given the test card `card`.
fn tea_by_card(card: &str) -> [&str; 7] {
    [
        "sale",
        "--item",
        "TEA",
        "--pay",
        "card",
        "--test-card",
        card,
    ]
}

/// An order's payments as (tender, amount), in order of tender.
fn tender_parts(order: &Value) -> Vec<(String, i64)> {
    let mut parts: Vec<(String, i64)> = array(order, "payments")
        .iter()
        .map(|p| (text(p, "tender").to_string(), int(p, "amount")))
        .collect();
    parts.sort();
    parts
}

// ---------------------------------------------------------------------------------------------
// Demo mode: no key anywhere, the simulated demo reader.
// ---------------------------------------------------------------------------------------------

#[test]
fn cards_demo_approved_sale_is_paid_and_marked_demo() {
    let till = Till::gbp_with_catalog();

    let printed = till.ok(&tea_by_card("approved"));
    assert!(
        printed.contains("PAID"),
        "the receipt says PAID:\n{printed}"
    );
    assert!(
        printed.contains("(DEMO)"),
        "a demo card payment is marked (DEMO) on the receipt:\n{printed}"
    );

    let order = till.json(&tea_by_card("approved"));
    assert_eq!(text(&order, "status"), "paid", "the sale is paid: {order}");
    let payments = array(&order, "payments");
    assert_eq!(payments.len(), 1, "one payment, by card: {order}");
    assert_eq!(text(&payments[0], "tender"), "card");
    assert_eq!(
        text(&payments[0], "mode"),
        "demo",
        "with no key the card is taken in demo mode: {order}"
    );
    assert_eq!(int(&payments[0], "amount"), TEA_PENCE);
    assert_eq!(till.stock("TEA"), 8, "two teas sold");
}

#[test]
fn cards_demo_declines_fail_the_sale_in_plain_words_and_move_nothing() {
    let till = Till::gbp_with_catalog();
    let cards = [
        ("declined", "Declined by the card's bank"),
        ("insufficient_funds", "not enough funds"),
        ("lost_card", "lost or stolen"),
        ("expired", "the card has expired"),
    ];
    for (card, words) in cards {
        let r = till.run(&tea_by_card(card));
        assert!(
            matches!(r.code, Some(c) if c != 0),
            "a sale declined with test card {card} exits non-zero, got {:?}\nstderr: {}",
            r.code,
            r.stderr
        );
        assert!(
            r.stderr.contains(words) && r.stderr.contains("was not paid"),
            "test card {card}: the cashier is told in plain words ({words:?}) that the sale \
             was not paid, got: {}",
            r.stderr
        );
        for raw in [
            "card_declined",
            "generic_decline",
            "lost_card",
            "expired_card",
        ] {
            assert!(
                !r.stderr.contains(raw),
                "test card {card}: Stripe's code {raw} is not shown to the cashier: {}",
                r.stderr
            );
        }
    }

    let list = till.json(&["orders", "list"]);
    let orders = array(&list, "orders");
    assert_eq!(orders.len(), cards.len(), "one order per attempt: {list}");
    for o in orders {
        assert_eq!(
            text(o, "status"),
            "payment_failed",
            "a declined sale is listed as payment_failed: {o}"
        );
    }
    assert_eq!(till.stock("TEA"), 10, "declined sales move no stock");
    journal_ok(&till);
}

#[test]
fn cards_demo_split_with_a_card_amount_and_cash_for_the_rest() {
    let till = Till::gbp_with_catalog();
    // 3 teas: 7.47; 5.00 on the card, the rest in cash.
    let order = till.json(&[
        "sale",
        "--item",
        "TEA:3",
        "--pay",
        "card:5.00",
        "--pay",
        "cash",
        "--test-card",
        "approved",
    ]);
    assert_eq!(text(&order, "status"), "paid", "{order}");
    assert_eq!(
        tender_parts(&order),
        [("card".to_string(), 500), ("cash".to_string(), 247)],
        "5.00 by card and 2.47 in cash: {order}"
    );
}

#[test]
fn cards_demo_split_with_cash_handed_over_and_the_card_for_the_rest() {
    let till = Till::gbp_with_catalog();
    // 3 teas: 7.47; the customer hands over 5.00 in cash and pays the rest by card.
    let order = till.json(&[
        "sale",
        "--item",
        "TEA:3",
        "--pay",
        "cash:5",
        "--pay",
        "card",
        "--test-card",
        "approved",
    ]);
    assert_eq!(text(&order, "status"), "paid", "{order}");
    assert_eq!(
        tender_parts(&order),
        [("card".to_string(), 247), ("cash".to_string(), 500)],
        "5.00 in cash and the remaining 2.47 by card: {order}"
    );
}

// ---------------------------------------------------------------------------------------------
// Test mode against the fake Stripe.
// ---------------------------------------------------------------------------------------------

/// A till in Stripe test mode (the key in the environment) against a fake Stripe.
struct TestMode {
    till: Till,
    key: String,
    api: String,
}

impl TestMode {
    fn new(fake: &FakeStripe) -> TestMode {
        TestMode::with_key(fake, TEST_KEY)
    }

    fn with_key(fake: &FakeStripe, key: &str) -> TestMode {
        TestMode {
            till: Till::gbp_with_catalog(),
            key: key.to_string(),
            api: fake.url(),
        }
    }

    fn env(&self) -> [(&str, &str); 2] {
        [
            ("VERSAPOS_STRIPE_KEY", self.key.as_str()),
            ("VERSAPOS_STRIPE_API", self.api.as_str()),
        ]
    }

    fn run(&self, args: &[&str]) -> Run {
        self.till.run_with_env(&self.env(), args)
    }

    fn ok(&self, args: &[&str]) -> String {
        self.till.ok_with_env(&self.env(), args)
    }

    fn json(&self, args: &[&str]) -> Value {
        self.till.json_with_env(&self.env(), args)
    }

    /// Sells one tea by an approved test card, which must be paid, and returns the id of its
    /// card payment (the only order of the till).
    fn sell_a_tea_by_card(&self) -> String {
        let sold = self.json(&tea_by_card("approved"));
        assert_eq!(text(&sold, "status"), "paid", "{sold}");
        card_payment_id(&only_order(&self.till))
    }

    /// `versapos sale` of one tea by card, not waited for: the caller decides when it ends.
    fn spawn_card_sale(&self) -> std::process::Child {
        let mut cmd = self.till.command();
        for (k, v) in self.env() {
            cmd.env(k, v);
        }
        cmd.args(["sale", "--item", "TEA", "--pay", "card"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn a card sale")
    }
}

fn journal_ok(till: &Till) {
    let r = till.run(&["journal", "verify"]);
    assert_eq!(
        r.code,
        Some(0),
        "the journal verifies:\n{}{}",
        r.stdout,
        r.stderr
    );
}

/// The only order of the till, as `orders show --json` prints it.
fn only_order(till: &Till) -> Value {
    let mut orders = till.orders();
    assert_eq!(
        orders.len(),
        1,
        "the till holds exactly one order: {orders:?}"
    );
    orders.remove(0)
}

/// The id of an order's card payment (the Stripe idempotency key of its PaymentIntent).
fn card_payment_id(order: &Value) -> String {
    let card: Vec<&Value> = array(order, "payments")
        .iter()
        .filter(|p| p["tender"] == "card")
        .collect();
    assert_eq!(card.len(), 1, "one card payment on the order: {order}");
    text(card[0], "id").to_string()
}

/// A `reconcile --json` report that settled exactly one payment (`pid`, when given) with
/// `outcome` and left none in doubt.
fn assert_settled_one(report: &Value, outcome: &str, pid: Option<&str>) {
    assert_eq!(int(report, "remaining"), 0, "{report}");
    let settled = array(report, "settled");
    assert_eq!(settled.len(), 1, "{report}");
    assert_eq!(text(&settled[0], "outcome"), outcome, "{report}");
    if let Some(pid) = pid {
        assert_eq!(text(&settled[0], "payment_id"), pid, "{report}");
    }
}

/// The PaymentIntent creates the fake received.
fn creates(fake: &FakeStripe) -> Vec<LoggedRequest> {
    fake.requests_to("POST", "/v1/payment_intents")
        .into_iter()
        .filter(|r| r.path == "/v1/payment_intents")
        .collect()
}

/// The captures the fake received.
fn captures(fake: &FakeStripe) -> Vec<LoggedRequest> {
    fake.requests_to("POST", "/v1/payment_intents/")
        .into_iter()
        .filter(|r| r.path.ends_with("/capture"))
        .collect()
}

fn intents(fake: &FakeStripe) -> Vec<versapos_payments::sim::SimIntent> {
    fake.with_sim(|sim: &mut Simulator| sim.intents())
}

#[test]
fn cards_test_mode_sale_creates_one_intent_keyed_by_the_payment_id() {
    let fake = FakeStripe::start();
    let t = TestMode::new(&fake);

    let listed = t.json(&["readers", "list"]);
    assert_eq!(text(&listed, "mode"), "test", "a sk_test_ key is test mode");
    let readers = array(&listed, "readers");
    assert_eq!(
        readers.len(),
        1,
        "the fake has one simulated reader: {listed}"
    );
    let reader = text(&readers[0], "id").to_string();
    assert_eq!(
        reader,
        fake.readers()[0].id,
        "the fake's own reader is listed"
    );
    assert_eq!(readers[0]["simulated"], true, "{listed}");

    t.ok(&["readers", "use", &reader]);
    let listed = t.json(&["readers", "list"]);
    assert_eq!(
        array(&listed, "readers")[0]["chosen"],
        true,
        "the reader is chosen for this till: {listed}"
    );

    let sold = t.json(&tea_by_card("approved"));
    assert_eq!(text(&sold, "status"), "paid", "{sold}");
    let order = only_order(&t.till);
    assert_eq!(text(&order, "status"), "paid");
    let card = &array(&order, "payments")[0];
    assert_eq!(text(card, "mode"), "test", "test mode is recorded: {order}");
    let pid = card_payment_id(&order);

    let created = creates(&fake);
    assert_eq!(created.len(), 1, "exactly one create: {created:?}");
    assert_eq!(
        created[0].idempotency_key.as_deref(),
        Some(pid.as_str()),
        "the create's Idempotency-Key is the payment id"
    );
    let all = intents(&fake);
    assert_eq!(all.len(), 1, "one PaymentIntent at Stripe");
    let intent = &all[0];
    assert_eq!(Some(intent.id.as_str()), card["intent_id"].as_str());
    assert_eq!(
        intent.metadata.get("order_id").map(String::as_str),
        Some(text(&order, "id")),
        "metadata[order_id] is the order's id"
    );
    assert_eq!(
        intent.metadata.get("till_id").map(String::as_str),
        Some("T1"),
        "metadata[till_id] is the till's id"
    );
    assert_eq!(intent.status, IntentStatus::Succeeded);
    assert_eq!(
        (intent.amount, intent.currency.as_str()),
        (TEA_PENCE, "gbp")
    );
    assert_eq!(captures(&fake).len(), 1, "captured once");
}

#[test]
fn cards_test_mode_two_server_errors_on_create_still_pay_once() {
    let fake = FakeStripe::start();
    let t = TestMode::new(&fake);
    fake.fail_next("/v1/payment_intents", 2, 500);

    let pid = t.sell_a_tea_by_card();

    let created = creates(&fake);
    let statuses: Vec<Option<u16>> = created.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [Some(500), Some(500), Some(200)],
        "two failed creates, then one that worked"
    );
    for r in &created {
        assert_eq!(
            r.idempotency_key.as_deref(),
            Some(pid.as_str()),
            "every attempt carries the payment id as its key: {created:?}"
        );
    }
    assert_eq!(intents(&fake).len(), 1, "one PaymentIntent at Stripe");
    assert_eq!(captures(&fake).len(), 1, "captured once");
}

#[test]
fn cards_test_mode_connection_cut_after_create_still_pays_once() {
    let fake = FakeStripe::start();
    let t = TestMode::new(&fake);
    fake.cut_after("/v1/payment_intents", 1);

    let pid = t.sell_a_tea_by_card();

    let created = creates(&fake);
    assert_eq!(
        created.first().map(|r| r.status),
        Some(None),
        "the first create was processed and its answer cut: {created:?}"
    );
    assert!(
        created
            .iter()
            .all(|r| r.idempotency_key.as_deref() == Some(pid.as_str())),
        "every create carries the payment id as its key: {created:?}"
    );
    let all = intents(&fake);
    assert_eq!(all.len(), 1, "the retry made no second PaymentIntent");
    assert_eq!(all[0].status, IntentStatus::Succeeded);
    assert_eq!(captures(&fake).len(), 1, "captured once");
}

#[test]
fn cards_stripe_unreachable_refuses_a_card_sale_and_cash_still_sells() {
    let port = {
        let fake = FakeStripe::start();
        fake.addr().port()
    };
    // Nothing listens there any more.
    let down = TestMode {
        till: Till::gbp_with_catalog(),
        key: TEST_KEY.to_string(),
        api: format!("http://127.0.0.1:{port}"),
    };
    let r = down.run(&tea_by_card("approved"));
    assert!(
        matches!(r.code, Some(c) if c != 0),
        "a card sale with Stripe down exits non-zero: {r:?}"
    );
    assert!(
        r.stderr.contains("Stripe could not be reached"),
        "the cashier is told Stripe cannot be reached: {}",
        r.stderr
    );
    assert!(
        down.till.orders().is_empty(),
        "no reader could be asked, so no sale was written"
    );
    let cash = down.json(&["sale", "--item", "TEA", "--pay", "cash"]);
    assert_eq!(text(&cash, "status"), "paid", "cash still sells: {cash}");
}

#[test]
fn cards_stripe_lost_mid_sale_leaves_it_in_doubt_until_reconcile_settles_it() {
    let fake = FakeStripe::start();
    let port = fake.addr().port();
    let t = TestMode::new(&fake);
    let reader = fake.readers()[0].id.clone();
    t.ok(&["readers", "use", &reader]);

    // The reader look-up is answered late; Stripe goes away while the till waits for it, so the
    // PaymentIntent create that follows finds nobody.
    let lookups = || {
        fake.requests_to("GET", &format!("/v1/terminal/readers/{reader}"))
            .len()
    };
    // `readers use` looked it up once already.
    let before = lookups();
    fake.delay("/v1/terminal/readers", Duration::from_millis(800));
    let sale = t.spawn_card_sale();
    wait_for(|| lookups() > before, "the till to look its reader up");
    drop(fake);
    let r = Run::from_output(sale.wait_with_output().expect("reap the sale"));
    assert!(
        matches!(r.code, Some(c) if c != 0),
        "a card sale that lost Stripe exits non-zero: {r:?}"
    );
    assert!(
        r.stderr.contains("in doubt") && r.stderr.contains("versapos reconcile"),
        "the cashier is told the payment is in doubt and how to settle it: {}",
        r.stderr
    );
    let order = only_order(&t.till);
    assert_eq!(
        text(&order, "status"),
        "payment_pending",
        "the order waits as a payment in doubt: {order}"
    );
    let pid = card_payment_id(&order);

    // While Stripe is still down, reconcile leaves it in doubt and says so.
    let r = t.run(&["reconcile"]);
    assert_eq!(r.code, Some(1), "reconcile with Stripe down fails: {r:?}");
    assert_eq!(
        text(&only_order(&t.till), "status"),
        "payment_pending",
        "still in doubt"
    );

    // Stripe is back at the same address.
    let fake = FakeStripe::start_on(port).expect("the fake Stripe listens again on its port");
    let report = t.json(&["reconcile"]);
    assert_settled_one(&report, "failed", Some(&pid));

    let order = only_order(&t.till);
    assert_eq!(text(&order, "status"), "payment_failed", "{order}");
    let created = creates(&fake);
    assert_eq!(created.len(), 1, "{created:?}");
    assert_eq!(
        created[0].idempotency_key.as_deref(),
        Some(pid.as_str()),
        "reconcile looks the payment up by its own key"
    );
    let all = intents(&fake);
    assert_eq!(all.len(), 1, "{all:?}");
    assert!(
        all[0].card.is_none() && all[0].status == IntentStatus::Canceled,
        "no card was taken and the PaymentIntent is not left open: {all:?}"
    );
    assert!(captures(&fake).is_empty(), "nothing was captured");
    assert_eq!(t.till.stock("TEA"), 10, "the unpaid sale moved no stock");
    journal_ok(&t.till);
}

// ---------------------------------------------------------------------------------------------
// The till killed while the reader waits for a card.
// ---------------------------------------------------------------------------------------------

fn wait_for(mut done: impl FnMut() -> bool, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Starts a card sale with no test card, waits until the reader waits for the card, and
/// SIGKILLs the till. Returns the reader's id.
fn kill_while_the_reader_waits(fake: &FakeStripe, t: &TestMode) -> String {
    let reader = fake.readers()[0].id.clone();
    let mut sale = t.spawn_card_sale();
    wait_for(
        || {
            fake.requests_to("POST", "/v1/terminal/readers/")
                .iter()
                .any(|r| r.path.ends_with("/process_payment_intent") && r.status == Some(200))
        },
        "the reader to be handed the PaymentIntent",
    );
    // Fails only when the child has already been reaped, which cannot happen before `wait`.
    sale.kill().expect("SIGKILL the sale");
    let r = Run::from_output(sale.wait_with_output().expect("reap the sale"));
    assert_eq!(
        r.code, None,
        "the sale was killed while the reader waited, not ended: {r:?}"
    );
    reader
}

#[test]
fn cards_killed_mid_payment_then_card_presented_reconciles_to_paid_once() {
    let fake = FakeStripe::start();
    let t = TestMode::new(&fake);
    let reader = kill_while_the_reader_waits(&fake, &t);

    let order = only_order(&t.till);
    assert_eq!(text(&order, "status"), "payment_pending", "{order}");
    let pid = card_payment_id(&order);

    fake.with_sim(|sim| sim.present_card(&reader, TestCard::Approved))
        .expect("the simulated reader takes the approved card");

    let report = t.json(&["reconcile"]);
    assert_settled_one(&report, "paid", Some(&pid));

    let paid = only_order(&t.till);
    assert_eq!(text(&paid, "status"), "paid", "{paid}");
    assert_eq!(int(&paid, "paid"), TEA_PENCE, "paid once, in full: {paid}");
    assert_eq!(captures(&fake).len(), 1, "exactly one capture");
    assert_eq!(creates(&fake).len(), 1, "exactly one PaymentIntent create");
    let all = intents(&fake);
    assert_eq!(all.len(), 1);
    assert_eq!(
        (all[0].status, all[0].amount_received),
        (IntentStatus::Succeeded, TEA_PENCE)
    );
    assert_eq!(t.till.stock("TEA"), 9, "one tea sold, once");
    journal_ok(&t.till);

    // A second round finds nothing to do and asks Stripe to change nothing.
    let seen = fake.requests().len();
    let again = t.json(&["reconcile"]);
    assert!(
        array(&again, "settled").is_empty() && int(&again, "remaining") == 0,
        "a second reconcile has nothing to settle: {again}"
    );
    let later: Vec<LoggedRequest> = fake.requests().split_off(seen);
    assert!(
        later.iter().all(|r| r.method == "GET"),
        "a second reconcile sends Stripe no changes: {later:?}"
    );
    assert_eq!(only_order(&t.till), paid, "the order is as it was");
    assert_eq!(captures(&fake).len(), 1, "still exactly one capture");
    journal_ok(&t.till);
}

#[test]
fn cards_killed_mid_payment_without_a_card_reconciles_to_failed_and_stops_the_reader() {
    let fake = FakeStripe::start();
    let t = TestMode::new(&fake);
    let reader = kill_while_the_reader_waits(&fake, &t);
    assert_eq!(
        text(&only_order(&t.till), "status"),
        "payment_pending",
        "the killed sale waits in doubt"
    );

    let report = t.json(&["reconcile"]);
    assert_settled_one(&report, "failed", None);

    let order = only_order(&t.till);
    assert_eq!(text(&order, "status"), "payment_failed", "{order}");
    let cancel_action = format!("/v1/terminal/readers/{reader}/cancel_action");
    assert_eq!(
        fake.requests_to("POST", &cancel_action).len(),
        1,
        "the reader's wait for a card was canceled"
    );
    let all = intents(&fake);
    assert_eq!(all.len(), 1);
    assert_eq!(
        all[0].status,
        IntentStatus::Canceled,
        "the PaymentIntent was canceled"
    );
    let now = fake.readers();
    let action = now[0].action.as_ref().map(|a| a.status);
    assert_ne!(
        action,
        Some(versapos_payments::ActionStatus::InProgress),
        "the reader no longer waits for a card"
    );
    assert!(captures(&fake).is_empty(), "nothing was captured");
    assert_eq!(t.till.stock("TEA"), 10, "the unpaid sale moved no stock");
    journal_ok(&t.till);
}

// ---------------------------------------------------------------------------------------------
// The key stays out of the store and out of the output.
// ---------------------------------------------------------------------------------------------

/// Every file under `dir`, with its bytes.
fn files_under(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).expect("list the till's folder") {
        let path = entry.expect("read a folder entry").path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            let bytes = std::fs::read(&path).expect("read a file of the till's folder");
            out.push((path.display().to_string(), bytes));
        }
    }
}

#[test]
fn cards_the_stripe_key_is_never_stored_or_printed() {
    let fake = FakeStripe::start();
    let key = "sk_test_VersaPosSecretNeverShown8c1f";
    let t = TestMode::with_key(&fake, key);
    // Kept open so the store's -wal and -shm files stay on disk to be searched.
    let reader_conn = t.till.sqlite();
    let _: i64 = reader_conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .expect("read the store");

    let mut runs = vec![
        t.run(&["readers", "list"]),
        t.run(&["--json", "readers", "list"]),
        t.run(&tea_by_card("approved")),
        t.run(&[
            "--json",
            "sale",
            "--item",
            "TEA",
            "--pay",
            "card",
            "--test-card",
            "declined",
        ]),
        t.run(&["keys", "show"]),
        t.run(&["--json", "keys", "show"]),
        t.run(&["reconcile"]),
    ];
    let sold = t.json(&["orders", "list"]);
    let statuses: Vec<&str> = array(&sold, "orders")
        .iter()
        .map(|o| text(o, "status"))
        .collect();
    assert!(
        statuses.contains(&"paid") && statuses.contains(&"payment_failed"),
        "a paid and a declined sale went through Stripe: {sold}"
    );
    assert_eq!(captures(&fake).len(), 1, "the paid sale reached Stripe");
    runs.push(t.run(&["journal", "verify"]));

    for r in &runs {
        assert!(
            !r.stdout.contains(key) && !r.stderr.contains(key),
            "the key is never printed: {r:?}"
        );
    }
    let mut files = Vec::new();
    files_under(t.till.dir.path(), &mut files);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        names.iter().any(|n| n.ends_with("store.db-wal")),
        "the store's write-ahead log is searched too: {names:?}"
    );
    // The search reads what the store holds: the paid sale's PaymentIntent id is in there.
    let intent = intents(&fake)
        .into_iter()
        .find(|i| i.status == IntentStatus::Succeeded)
        .expect("the paid sale's PaymentIntent")
        .id;
    assert!(
        files
            .iter()
            .any(|(_, b)| b.windows(intent.len()).any(|w| w == intent.as_bytes())),
        "the store's files hold the PaymentIntent id {intent}"
    );
    let needle = key.as_bytes();
    for (name, bytes) in &files {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "the key is not in {name}"
        );
    }
    drop(reader_conn);
}
