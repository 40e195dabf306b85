//! The till and the real `versapos-relay` together, through what goes wrong in a shop's week: a
//! till that was off while ten thousand events piled up, a relay restarted and SIGKILLed while a
//! till follows it, and two shops on one relay. Stripe's side is the in-repo fake (the till
//! re-reads every PaymentIntent there before it books money); the webhooks are signed as Stripe
//! signs them. Every event must be applied exactly once, and only by its own shop's till.

use crate::support::{array, int, text, RelayServer, Till};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use versapos_payments::TestCard;
use versapos_stripe_fake::{FakeStripe, TEST_KEY};

/// TEA costs 2.49 in the catalog of [`Till::gbp_with_catalog`], ten in stock.
const TEA_PENCE: i64 = 249;

/// A relay serving shops, and the fake Stripe every till of the test takes cards on.
struct Relay {
    server: RelayServer,
    stripe: FakeStripe,
}

/// A shop on the relay: its name and webhook signing secret.
#[derive(Clone, Copy)]
struct Shop {
    name: &'static str,
    secret: &'static str,
}

const CORNER: Shop = Shop {
    name: "corner",
    secret: "whsec_cornerShopSecret0123456789abcd",
};
const NORTH: Shop = Shop {
    name: "north",
    secret: "whsec_northShopSecret0123456789abcde",
};
const SOUTH: Shop = Shop {
    name: "south",
    secret: "whsec_southShopSecret0123456789abcde",
};

/// A till of a shop, set up with the relay's address and its own token.
struct ShopTill {
    till: Till,
    token: String,
    stripe_api: String,
}

/// A card sale the till wrote whose card Stripe authorised while the till was gone: only an
/// event (or a reconcile) can tell the till.
struct InDoubt {
    /// The order's id: its receipt changes from the unpaid sale's name to a number when paid.
    order_id: String,
    payment_id: String,
    intent_id: String,
    customer: i64,
}

impl Relay {
    fn new(shops: &[Shop]) -> Relay {
        let mut server = RelayServer::new();
        for shop in shops {
            server.admin(&["shops", "add", shop.name]);
            server.add_secret(shop.name, shop.secret);
        }
        server.serve();
        Relay {
            server,
            stripe: FakeStripe::start(),
        }
    }

    /// A new till of `shop`: its token made on the relay and kept in the till's keychain.
    fn till(&self, shop: Shop, name: &str) -> ShopTill {
        let token = self
            .server
            .admin(&["tills", "add", shop.name, name])
            .trim()
            .to_string();
        let till = Till::gbp_with_catalog();
        let set = till.json_with_env(
            &[("VERSAPOS_RELAY_TOKEN", token.as_str())],
            &["relay", "set", "--url", &self.server.base_url],
        );
        assert_eq!(text(&set, "url"), self.server.base_url, "{set}");
        ShopTill {
            till,
            token,
            stripe_api: self.stripe.url(),
        }
    }

    /// Rings up a tea by card for a new VIP at `t`, and SIGKILLs the till while the reader waits;
    /// then the customer's card is approved at Stripe (authorised, not captured).
    fn card_sale_in_doubt(&self, t: &ShopTill) -> InDoubt {
        let customer = t.till.add_customer("Grace Hopper");
        let reader = self.stripe.readers()[0].id.clone();
        let handed = || {
            self.stripe
                .requests_to("POST", "/v1/terminal/readers/")
                .iter()
                .filter(|r| r.path.ends_with("/process_payment_intent") && r.status == Some(200))
                .count()
        };
        let before = handed();
        let cid = customer.to_string();
        let mut cmd = t.till.command();
        for (k, v) in t.stripe_env() {
            cmd.env(k, v);
        }
        let mut sale = cmd
            .args(["sale", "--item", "TEA", "--customer", &cid, "--pay", "card"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn a card sale");
        wait_for(
            || handed() > before,
            "the reader to be handed the PaymentIntent",
        );
        sale.kill().expect("SIGKILL the sale");
        sale.wait().expect("reap the sale");
        self.stripe
            .with_sim(|sim| sim.present_card(&reader, TestCard::Approved))
            .expect("the simulated reader takes the approved card");

        let order = t
            .till
            .orders()
            .into_iter()
            .rev()
            .find(|o| text(o, "status") == "payment_pending")
            .expect("the killed sale waits as a payment in doubt");
        let payment = &array(&order, "payments")[0];
        InDoubt {
            order_id: text(&order, "id").to_string(),
            payment_id: text(payment, "id").to_string(),
            intent_id: payment["intent_id"]
                .as_str()
                .expect("the till noted its PaymentIntent before the reader waited")
                .to_string(),
            customer,
        }
    }

    fn deliver_all(&self, shop: Shop, payloads: &[String]) {
        self.server.deliver_all(shop.name, shop.secret, payloads, 6);
    }
}

impl ShopTill {
    fn stripe_env(&self) -> [(&str, &str); 2] {
        [
            ("VERSAPOS_STRIPE_KEY", TEST_KEY),
            ("VERSAPOS_STRIPE_API", self.stripe_api.as_str()),
        ]
    }

    /// `versapos --json sync --once`, which must succeed.
    fn sync_once(&self) -> Value {
        self.till
            .json_with_env(&self.stripe_env(), &["sync", "--once"])
    }

    fn sync_status(&self) -> Value {
        self.till.json(&["sync", "--status"])
    }

    /// `versapos --json sync --follow` running in the background; its stdout (a JSON object per
    /// event) and stderr are collected as they come.
    fn follow(&self) -> Follower {
        let mut cmd = self.till.command();
        for (k, v) in self.stripe_env() {
            cmd.env(k, v);
        }
        let mut child = cmd
            .args(["--json", "sync", "--follow"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn sync --follow");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let errors = Arc::new(Mutex::new(Vec::new()));
        for (stream, into) in [
            (
                Box::new(child.stdout.take().expect("stdout")) as Box<dyn std::io::Read + Send>,
                lines.clone(),
            ),
            (
                Box::new(child.stderr.take().expect("stderr")),
                errors.clone(),
            ),
        ] {
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    into.lock().expect("lines").push(line);
                }
            });
        }
        Follower {
            child,
            lines,
            errors,
        }
    }

    /// The order with this id, as `orders show --json` prints it.
    fn order(&self, id: &str) -> Value {
        self.till
            .orders()
            .into_iter()
            .find(|o| text(o, "id") == id)
            .unwrap_or_else(|| panic!("no order {id}"))
    }

    /// The sale in doubt is paid once: the order, the stock, the VIP's points.
    fn assert_paid_once(&self, sale: &InDoubt, stripe: &FakeStripe) {
        let order = self.order(&sale.order_id);
        assert_eq!(text(&order, "status"), "paid", "{order}");
        assert_eq!(
            int(&order, "paid"),
            TEA_PENCE,
            "paid once, in full: {order}"
        );
        let earned = int(&order, "points_earned");
        assert!(earned > 0, "the VIP earns points on a paid order: {order}");
        assert_eq!(
            self.till.points(sale.customer),
            earned,
            "points earned once"
        );
        let captured = stripe
            .requests_to("POST", &format!("/v1/payment_intents/{}", sale.intent_id))
            .iter()
            .filter(|r| r.path.ends_with("/capture") && r.status == Some(200))
            .count();
        assert_eq!(captured, 1, "captured once at Stripe");
    }
}

/// `sync --follow` in the background, stopped (SIGKILL: safe at any moment) when dropped.
struct Follower {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
    errors: Arc<Mutex<Vec<String>>>,
}

impl Follower {
    /// Each event the follower printed, as (event id, outcome), in the order printed.
    fn applied(&self) -> Vec<(String, String)> {
        self.lines
            .lock()
            .expect("lines")
            .iter()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap_or_else(|e| {
                    panic!("sync --follow --json prints JSON lines ({e}): {l}")
                });
                (
                    text(&v, "event_id").to_string(),
                    text(&v, "outcome").to_string(),
                )
            })
            .collect()
    }

    /// Waits until the follower printed `count` events.
    fn wait_for_events(&self, count: usize) {
        let deadline = Instant::now() + Duration::from_secs(90);
        while self.applied().len() < count {
            assert!(
                Instant::now() < deadline,
                "sync --follow printed {} of {count} events in 90 s; stderr:\n{}",
                self.applied().len(),
                self.errors.lock().expect("errors").join("\n")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Follower {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_for(mut done: impl FnMut() -> bool, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A Stripe event as Stripe sends it (only what the till reads, and the envelope).
fn stripe_event(id: &str, kind: &str, object: Value) -> String {
    json!({
        "id": id, "object": "event", "type": kind, "api_version": "2026-09-30.endive",
        "created": 1_764_320_000, "livemode": false, "data": { "object": object },
    })
    .to_string()
}

/// The event telling that the sale's card was authorised. What it claims is not believed: the
/// till re-reads the PaymentIntent at Stripe, captures it and books the sale.
fn authorised(id: &str, sale: &InDoubt) -> String {
    stripe_event(
        id,
        "payment_intent.amount_capturable_updated",
        json!({ "id": sale.intent_id, "object": "payment_intent", "status": "requires_capture",
                "metadata": { "payment_id": sale.payment_id, "till_id": "T1" } }),
    )
}

/// Event `n` of the shop's everyday stream that is not about this till's money: another till's
/// payments, customers updated, reader actions, a dispute on someone else's charge.
fn other_event(prefix: &str, n: usize) -> String {
    let id = format!("evt_{prefix}_{n:05}");
    match n % 4 {
        0 => stripe_event(
            &id,
            "payment_intent.succeeded",
            json!({ "id": format!("pi_{prefix}_other_{n}"), "object": "payment_intent",
                    "status": "succeeded",
                    "metadata": { "payment_id": format!("pay_other_{n}"), "till_id": "T9" } }),
        ),
        1 => stripe_event(
            &id,
            "customer.updated",
            json!({ "id": format!("cus_{n}"), "object": "customer" }),
        ),
        2 => stripe_event(
            &id,
            "terminal.reader.action_succeeded",
            json!({ "id": "tmr_elsewhere", "object": "terminal.reader" }),
        ),
        _ => stripe_event(
            &id,
            "charge.dispute.created",
            json!({ "id": format!("dp_{n}"), "object": "dispute",
                    "payment_intent": format!("pi_{prefix}_other_{n}"), "reason": "fraudulent" }),
        ),
    }
}

fn event_id(payload: &str) -> String {
    let v: Value = serde_json::from_str(payload).expect("an event");
    text(&v, "id").to_string()
}

/// The event ids and outcomes of a `sync --once --json` report.
fn outcomes(report: &Value) -> BTreeMap<String, String> {
    array(report, "events")
        .iter()
        .map(|e| {
            (
                text(e, "event_id").to_string(),
                text(e, "outcome").to_string(),
            )
        })
        .collect()
}

#[test]
fn relay_sync_a_till_off_through_10000_events_catches_up_applying_each_once() {
    let relay = Relay::new(&[CORNER]);
    let t = relay.till(CORNER, "T1");
    let sale = relay.card_sale_in_doubt(&t);

    // While the till is off: ten thousand events, the sale's own among them, and a hundred
    // delivered twice (Stripe retries when it misses a 200).
    let mut payloads: Vec<String> = (0..10_000).map(|n| other_event("bk", n)).collect();
    payloads[4_321] = authorised("evt_sale_authorised", &sale);
    payloads[7_777] = stripe_event(
        "evt_sale_succeeded",
        "payment_intent.succeeded",
        json!({ "id": sale.intent_id, "object": "payment_intent", "status": "succeeded",
                "metadata": { "payment_id": sale.payment_id, "till_id": "T1" } }),
    );
    relay.deliver_all(CORNER, &payloads);
    let again: Vec<String> = payloads.iter().step_by(100).cloned().collect();
    relay.deliver_all(CORNER, &again);

    let (status, page) = relay.server.events(&t.token, 0, 0);
    assert_eq!(status, 200, "{page}");
    assert_eq!(
        (array(&page, "events").len(), int(&page, "remaining")),
        (500, 9_500),
        "the relay serves a page and says how many wait after it"
    );

    let report = t.sync_once();
    let got = outcomes(&report);
    assert_eq!(
        array(&report, "events").len(),
        10_000,
        "each stored event pulled once"
    );
    let sent: BTreeSet<String> = payloads.iter().map(|p| event_id(p)).collect();
    assert_eq!(
        got.keys().cloned().collect::<BTreeSet<_>>(),
        sent,
        "every event reached the till"
    );
    assert_eq!(got["evt_sale_authorised"], "paid", "{report:#}");
    assert_eq!(got["evt_sale_succeeded"], "unchanged");
    let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
    for outcome in got.values() {
        *tally.entry(outcome.as_str()).or_default() += 1;
    }
    assert_eq!(
        tally,
        BTreeMap::from([
            ("paid", 1),
            ("unchanged", 1),
            ("seen", 2_500),
            ("skipped", 7_498)
        ]),
        "only the till's own sale changed anything"
    );
    assert_eq!(int(&report, "cursor"), 10_000);
    assert_eq!(int(&report, "backlog"), 0);
    t.assert_paid_once(&sale, &relay.stripe);
    assert_eq!(t.till.stock("TEA"), 9, "one tea sold");

    let status = t.sync_status();
    assert_eq!(
        (
            int(&status, "cursor"),
            int(&status, "applied_events"),
            int(&status, "backlog")
        ),
        (10_000, 10_000, 0),
        "{status}"
    );
    assert!(
        array(&t.sync_once(), "events").is_empty(),
        "a second pull finds nothing new"
    );
}

#[test]
fn relay_sync_follows_through_a_restart_and_a_sigkill_losing_and_repeating_nothing() {
    let mut relay = Relay::new(&[CORNER]);
    let t = relay.till(CORNER, "T1");
    let first = relay.card_sale_in_doubt(&t);
    let second = relay.card_sale_in_doubt(&t);
    let follower = t.follow();

    // A stream going through while the till follows.
    let mut batch: Vec<String> = (0..40).map(|n| other_event("a", n)).collect();
    batch.push(authorised("evt_first_authorised", &first));
    relay.deliver_all(CORNER, &batch);
    let mut sent: Vec<String> = batch.iter().map(|p| event_id(p)).collect();
    follower.wait_for_events(sent.len());

    // Acknowledged, then the relay is SIGKILLed before the till could pull them.
    let batch: Vec<String> = (0..40).map(|n| other_event("b", n)).collect();
    relay.deliver_all(CORNER, &batch);
    relay.server.kill();
    sent.extend(batch.iter().map(|p| event_id(p)));
    std::thread::sleep(Duration::from_millis(500));
    relay.server.serve_again();
    follower.wait_for_events(sent.len());

    // A restart (SIGTERM) while the till's long poll is open, then more events.
    std::thread::sleep(Duration::from_millis(300));
    relay.server.stop();
    relay.server.serve_again();
    let mut batch: Vec<String> = (0..40).map(|n| other_event("c", n)).collect();
    batch.insert(17, authorised("evt_second_authorised", &second));
    batch.push(authorised("evt_first_authorised_again", &first));
    relay.deliver_all(CORNER, &batch);
    sent.extend(batch.iter().map(|p| event_id(p)));
    follower.wait_for_events(sent.len());
    // Anything more would show now.
    std::thread::sleep(Duration::from_millis(500));

    let applied = follower.applied();
    let ids: Vec<&str> = applied.iter().map(|(id, _)| id.as_str()).collect();
    let distinct: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(
        ids.len(),
        distinct.len(),
        "no event applied twice: {applied:?}"
    );
    assert_eq!(
        distinct,
        sent.iter().map(String::as_str).collect::<BTreeSet<_>>(),
        "every acknowledged event applied"
    );
    let outcome = |id: &str| {
        applied
            .iter()
            .find(|(e, _)| e == id)
            .map(|(_, o)| o.as_str())
            .unwrap_or("missing")
    };
    assert_eq!(outcome("evt_first_authorised"), "paid");
    assert_eq!(outcome("evt_second_authorised"), "paid");
    assert_eq!(outcome("evt_first_authorised_again"), "unchanged");
    let errors = follower.errors.lock().expect("errors").join("\n");
    assert!(
        errors.contains("trying again in"),
        "the follower said it lost the relay and would try again: {errors}"
    );
    drop(follower);

    t.assert_paid_once(&first, &relay.stripe);
    t.assert_paid_once(&second, &relay.stripe);
    assert_eq!(t.till.stock("TEA"), 8, "two teas sold");
    let status = t.sync_status();
    assert_eq!(
        (int(&status, "applied_events"), int(&status, "backlog")),
        (sent.len() as i64, 0),
        "{status}"
    );
    assert_eq!(status["last_error"], Value::Null, "{status}");
}

#[test]
fn relay_sync_two_shops_each_till_applies_its_own_shops_events_only() {
    let relay = Relay::new(&[NORTH, SOUTH]);
    let north = relay.till(NORTH, "N1");
    let south = relay.till(SOUTH, "S1");
    let north_sale = relay.card_sale_in_doubt(&north);
    let south_sale = relay.card_sale_in_doubt(&south);

    let mut to_north: Vec<String> = (0..20).map(|n| other_event("north", n)).collect();
    to_north.push(authorised("evt_north_sale", &north_sale));
    let mut to_south: Vec<String> = (0..20).map(|n| other_event("south", n)).collect();
    to_south.push(authorised("evt_south_sale", &south_sale));
    // North's sale told to south's endpoint, signed by south: south's till knows no such payment.
    to_south.push(authorised("evt_north_sale_at_south", &north_sale));
    relay.deliver_all(NORTH, &to_north);
    relay.deliver_all(SOUTH, &to_south);

    // Signed with the other shop's secret: refused, and stored nowhere.
    let agent = crate::support::http_agent(Duration::from_secs(10));
    let forged = authorised("evt_forged", &north_sale);
    assert_eq!(
        relay
            .server
            .deliver(&agent, NORTH.name, SOUTH.secret, &forged),
        400,
        "north's endpoint refuses south's signature"
    );

    let ids = |v: &[String]| v.iter().map(|p| event_id(p)).collect::<BTreeSet<_>>();
    let north_got = outcomes(&north.sync_once());
    let south_got = outcomes(&south.sync_once());
    assert_eq!(
        north_got.keys().cloned().collect::<BTreeSet<_>>(),
        ids(&to_north),
        "north's till sees north's events only"
    );
    assert_eq!(
        south_got.keys().cloned().collect::<BTreeSet<_>>(),
        ids(&to_south),
        "south's till sees south's events only"
    );
    assert_eq!(north_got["evt_north_sale"], "paid");
    assert_eq!(south_got["evt_south_sale"], "paid");
    assert_eq!(
        south_got["evt_north_sale_at_south"], "skipped",
        "a payment of another shop's till changes nothing here"
    );
    north.assert_paid_once(&north_sale, &relay.stripe);
    south.assert_paid_once(&south_sale, &relay.stripe);

    // Each token reads its own shop only, whatever cursor it asks from.
    for (t, own) in [(&north, &to_north), (&south, &to_south)] {
        let (status, page) = relay.server.events(&t.token, 0, 0);
        assert_eq!(status, 200);
        let served: BTreeSet<String> = array(&page, "events")
            .iter()
            .map(|e| text(e, "id").to_string())
            .collect();
        assert_eq!(served, ids(own));
    }
}

/// A card being taken at one till process is nobody else's to settle: while the reader waits for
/// the customer's card, `versapos reconcile` and `versapos sync --once` run by a manager in other
/// processes on the same store leave the payment alone (no reader action canceled, no
/// PaymentIntent canceled or captured, the event about it kept for later), and the customer's
/// card then completes the sale at the till that took it, paid once.
#[test]
fn relay_sync_a_card_being_taken_is_left_alone_by_reconcile_and_sync_in_other_processes() {
    let relay = Relay::new(&[CORNER]);
    let t = relay.till(CORNER, "front");
    let reader = relay.stripe.readers()[0].id.clone();

    let mut cmd = t.till.command();
    for (k, v) in t.stripe_env() {
        cmd.env(k, v);
    }
    let sale = cmd
        .args(["--json", "sale", "--item", "TEA", "--pay", "card"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn a card sale");
    wait_for(
        || {
            relay
                .stripe
                .requests_to("POST", "/v1/terminal/readers/")
                .iter()
                .any(|r| r.path.ends_with("/process_payment_intent") && r.status == Some(200))
        },
        "the reader to be handed the PaymentIntent",
    );
    let order = t
        .till
        .orders()
        .into_iter()
        .find(|o| text(o, "status") == "payment_pending")
        .expect("the card sale is written before the card is taken");
    let order_id = text(&order, "id").to_string();
    let payment = &array(&order, "payments")[0];
    let payment_id = text(payment, "id").to_string();
    let intent_id = payment["intent_id"]
        .as_str()
        .expect("the PaymentIntent is noted before the reader waits")
        .to_string();
    let untouched = |when: &str| {
        let changed: Vec<_> = relay
            .stripe
            .requests()
            .into_iter()
            .filter(|r| {
                r.method == "POST"
                    && (r.path.ends_with("/cancel_action")
                        || r.path.ends_with("/cancel")
                        || r.path.ends_with("/capture"))
            })
            .map(|r| r.path)
            .collect();
        assert!(
            changed.is_empty(),
            "{when}: nothing may cancel or capture the card being taken: {changed:?}"
        );
        assert_eq!(
            text(&t.order(&order_id), "status"),
            "payment_pending",
            "{when}: the sale still waits for the customer's card"
        );
    };

    let report = t.till.json_with_env(&t.stripe_env(), &["reconcile"]);
    assert!(
        array(&report, "settled").is_empty() && int(&report, "remaining") == 0,
        "reconcile in another process settles nothing while the card is being taken: {report}"
    );
    untouched("after reconcile");

    let event = stripe_event(
        "evt_taking_created",
        "payment_intent.created",
        json!({ "id": intent_id, "object": "payment_intent",
                "status": "requires_payment_method",
                "metadata": { "payment_id": payment_id, "till_id": "T1" } }),
    );
    relay.deliver_all(CORNER, &[event]);
    let r = t
        .till
        .run_with_env(&t.stripe_env(), &["--json", "sync", "--once"]);
    assert_eq!(
        r.code,
        Some(1),
        "sync says an event waits to be applied again: {r:?}"
    );
    let pulled: Value = serde_json::from_str(&r.stdout).expect("the sync report as JSON");
    assert_eq!(
        outcomes(&pulled)
            .get("evt_taking_created")
            .map(String::as_str),
        Some("deferred"),
        "sync in another process defers the event of the card being taken: {pulled}"
    );
    assert_eq!(
        int(&t.sync_status(), "cursor"),
        0,
        "the cursor stays before the deferred event"
    );
    untouched("after sync");

    relay
        .stripe
        .with_sim(|sim| sim.present_card(&reader, TestCard::Approved))
        .expect("the simulated reader takes the approved card");
    let out = sale.wait_with_output().expect("the card sale ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the customer's card completes the sale at the till that took it: {stderr}"
    );
    let paid: Value = serde_json::from_slice(&out.stdout).expect("the receipt as JSON");
    assert_eq!(text(&paid, "status"), "paid", "{paid}");
    assert_eq!(int(&paid, "paid"), TEA_PENCE, "paid once, in full: {paid}");
    let captured = relay
        .stripe
        .requests_to("POST", &format!("/v1/payment_intents/{intent_id}"))
        .iter()
        .filter(|r| r.path.ends_with("/capture") && r.status == Some(200))
        .count();
    assert_eq!(captured, 1, "captured once, by the till that took the card");

    // Once the till is done with it, the deferred event is applied and changes nothing.
    let later = t.sync_once();
    assert_eq!(
        outcomes(&later)
            .get("evt_taking_created")
            .map(String::as_str),
        Some("unchanged"),
        "{later}"
    );
    assert_eq!(text(&t.order(&order_id), "status"), "paid");
}

/// A week's backlog of Stripe-sized events (25 KB each, large metadata): the relay hands them
/// out in pages the till reads whole (by bytes as well as by count), so the till catches up
/// instead of stalling on a page too big to read.
#[test]
fn relay_sync_a_backlog_of_2000_events_of_25_kb_each_is_caught_up() {
    let relay = Relay::new(&[CORNER]);
    let t = relay.till(CORNER, "T1");
    let sale = relay.card_sale_in_doubt(&t);
    let notes = "n".repeat(25 * 1024);
    let mut payloads: Vec<String> = (0..2_000)
        .map(|n| {
            stripe_event(
                &format!("evt_big_{n:04}"),
                "customer.updated",
                json!({ "id": format!("cus_{n}"), "object": "customer",
                        "metadata": { "notes": notes } }),
            )
        })
        .collect();
    payloads[1_234] = authorised("evt_sale_authorised", &sale);
    relay.deliver_all(CORNER, &payloads);

    let (status, page) = relay.server.events(&t.token, 0, 0);
    assert_eq!(status, 200);
    let first_page = array(&page, "events").len();
    assert!(
        (100..500).contains(&first_page),
        "a page is cut at 4 MiB, not at 500 events: {first_page}"
    );

    let report = t.sync_once();
    assert_eq!(array(&report, "events").len(), 2_000, "every event pulled");
    assert_eq!(outcomes(&report)["evt_sale_authorised"], "paid");
    assert_eq!(int(&report, "cursor"), 2_000);
    t.assert_paid_once(&sale, &relay.stripe);
    let status = t.sync_status();
    assert_eq!(int(&status, "applied_events"), 2_000, "{status}");
    assert_eq!(status["last_error"], Value::Null, "{status}");
}

/// An event Stripe answers 404 for (the till's keys were switched to another account) is tried
/// three times, then set aside so the events behind it are applied; `sync --status` lists it and
/// exits 1 until a manager retries it (with the right keys: it goes through) or dismisses it.
#[test]
fn relay_sync_an_event_stripe_does_not_know_is_set_aside_then_retried() {
    let relay = Relay::new(&[CORNER]);
    let t = relay.till(CORNER, "T1");
    let sale = relay.card_sale_in_doubt(&t);
    let other_sale = relay.card_sale_in_doubt(&t);
    let mut payloads = vec![
        authorised("evt_sale_authorised", &sale),
        authorised("evt_other_sale", &other_sale),
    ];
    payloads.extend((0..20).map(|n| other_event("after", n)));
    relay.deliver_all(CORNER, &payloads);
    // Two events that can never be applied are refused at the relay's door.
    let agent = crate::support::http_agent(Duration::from_secs(10));
    for odd in [
        r#"{"id":"evt_no_type","object":"event","data":{"object":{"id":"pi_x"}}}"#,
        r#"{"id":"evt_no_object","object":"event","type":"payment_intent.succeeded","data":{}}"#,
    ] {
        let status = relay
            .server
            .deliver(&agent, CORNER.name, CORNER.secret, odd);
        assert_eq!(status, 400, "{odd}");
    }

    let elsewhere = FakeStripe::start();
    let elsewhere_api = elsewhere.url();
    let wrong = [
        ("VERSAPOS_STRIPE_KEY", TEST_KEY),
        ("VERSAPOS_STRIPE_API", elsewhere_api.as_str()),
    ];
    for try_no in 1..=3 {
        let r = t.till.run_with_env(&wrong, &["--json", "sync", "--once"]);
        assert_eq!(r.code, Some(1), "try {try_no}: {r:?}");
        let report: Value = serde_json::from_str(&r.stdout).expect("the report is JSON");
        let expected = if try_no < 3 { "deferred" } else { "set_aside" };
        assert_eq!(
            outcomes(&report)["evt_sale_authorised"],
            expected,
            "try {try_no}: {report}"
        );
    }
    let r = t.till.run(&["--json", "sync", "--status"]);
    assert_eq!(r.code, Some(1), "events wait for a manager: {r:?}");
    let status: Value = serde_json::from_str(&r.stdout).expect("the status is JSON");
    assert_eq!(
        int(&status, "applied_events"),
        20,
        "the events behind it were applied"
    );
    let waiting = array(&status, "needs_attention");
    assert_eq!(waiting.len(), 2, "{status}");
    assert_eq!(text(&waiting[0], "event_id"), "evt_sale_authorised");
    assert_eq!(int(&waiting[0], "tries"), 3);
    assert_eq!(text(&t.order(&sale.order_id), "status"), "payment_pending");

    // Still the wrong keys: it stays set aside.
    let r = t
        .till
        .run_with_env(&wrong, &["--json", "sync", "retry", "evt_sale_authorised"]);
    assert_eq!(r.code, Some(2), "{r:?}");
    // The right keys: it goes through and the sale is booked, once.
    let retried = t
        .till
        .json_with_env(&t.stripe_env(), &["sync", "retry", "evt_sale_authorised"]);
    assert_eq!(text(&retried, "outcome"), "paid", "{retried}");
    t.assert_paid_once(&sale, &relay.stripe);
    // The other one a manager dismisses, saying why (a reason is required).
    let r = t.till.run(&["--json", "sync", "dismiss", "evt_other_sale"]);
    assert_eq!(r.code, Some(2), "--reason is required: {r:?}");
    let dismissed = t.till.json(&[
        "sync",
        "dismiss",
        "evt_other_sale",
        "--reason",
        "sale settled by hand with the customer",
    ]);
    assert_eq!(dismissed["dismissed"], Value::Bool(true), "{dismissed}");
    let status = t.sync_status();
    assert_eq!(array(&status, "needs_attention").len(), 0, "{status}");
    t.till.ok(&["journal", "verify"]);
    let journal = t.till.sqlite();
    let dismissals: i64 = journal
        .query_row(
            "SELECT count(*) FROM journal WHERE kind = 'event_dismissed'
             AND payload LIKE '%settled by hand%'",
            [],
            |r| r.get(0),
        )
        .expect("journal");
    assert_eq!(dismissals, 1, "the dismissal is journaled with its reason");
}

/// Each sync sends the till's signed journal head to the relay, which keeps the newest;
/// `journal verify --relay` compares the store with it. A store put back to an older copy no
/// longer matches, and the relay refuses the older head it then sends.
#[test]
fn relay_sync_the_relay_keeps_the_signed_journal_head_and_catches_a_store_put_back() {
    let relay = Relay::new(&[CORNER]);
    let t = relay.till(CORNER, "T1");
    let verify = |t: &ShopTill| {
        t.till
            .run_with_env(&t.stripe_env(), &["--json", "journal", "verify", "--relay"])
    };
    let before = verify(&t);
    assert_eq!(before.code, Some(1), "{}", before.stderr);
    assert!(before.stdout.contains("holds no copy"), "{}", before.stdout);

    t.sync_once();
    let checked = verify(&t);
    assert_eq!(
        checked.code,
        Some(0),
        "{}\n{}",
        checked.stdout,
        checked.stderr
    );
    let report: Value = serde_json::from_str(&checked.stdout).expect("JSON");
    let signed = array(&report, "signed");
    assert_eq!(
        int(&report["relay"], "seq"),
        int(&signed[0], "seq"),
        "{report}"
    );

    let copy = t.till.dir.path().join("monday.bak");
    t.till
        .json(&["backup", "--out", copy.to_str().expect("utf-8")]);
    t.till.json(&["sale", "--item", "TEA", "--pay", "cash"]);
    t.till.json(&["sale", "--item", "TEA", "--pay", "cash"]);
    t.sync_once();
    assert_eq!(verify(&t).code, Some(0));

    // The store put back to Monday's copy: two sales gone, though its own chain is whole.
    t.till
        .json(&["restore", copy.to_str().expect("utf-8"), "--yes"]);
    assert_eq!(t.till.json(&["journal", "verify"])["ok"], true);
    let rolled_back = verify(&t);
    assert_eq!(rolled_back.code, Some(1), "{}", rolled_back.stdout);
    assert!(
        rolled_back.stdout.contains("were taken out"),
        "{}",
        rolled_back.stdout
    );
    let sync = t
        .till
        .run_with_env(&t.stripe_env(), &["--json", "sync", "--once"]);
    assert_eq!(sync.code, Some(1), "{}", sync.stderr);
    assert!(
        sync.stderr
            .contains("did not keep this till's signed journal head")
            && sync.stderr.contains("behind"),
        "{}",
        sync.stderr
    );
}
