//! End to end, every part real but Stripe Terminal: a card sale begun at the till (`versapos
//! sale`), its payment taken on localstripe, localstripe's signed `payment_intent.*` webhook
//! received and stored by the real `versapos-relay`, pulled and applied by `versapos sync --once`
//! with the till in Stripe test mode against that localstripe.
//!
//! Why the sale starts on the in-repo fake Stripe: localstripe has no Terminal API, so the till
//! cannot even pick a reader there. The till begins the sale against the fake (which has a
//! reader) while the fake fails every PaymentIntent create with a 500; the till writes the sale,
//! gets no answer and leaves it `payment_pending` with no PaymentIntent noted — a payment in
//! doubt, as when Stripe made the PaymentIntent but its answer was lost. From then on only
//! localstripe plays Stripe: the PaymentIntent is made there, keyed (card-not-present, the one
//! flow localstripe serves) with the till's own `metadata[payment_id|order_id|till_id]` and
//! idempotency key, through the product's own gateway; it is confirmed and captured there, and
//! localstripe signs and sends the event. The till knows the PaymentIntent only from that event:
//! it finds the payment by the metadata, checks Stripe's own copy, notes it and books the sale.

use crate::support::{array, int, text, LocalStripe, RelayServer, Till, LOCALSTRIPE_KEY};
use serde_json::Value;
use std::time::{Duration, Instant};
use versapos_payments::stripe::StripeGateway;
use versapos_payments::{Channel, Gateway, GatewayError, IntentRequest, IntentStatus};
use versapos_secrets::StripeKey;
use versapos_stripe_fake::FakeStripe;

/// The shop's webhook signing secret, known to localstripe and to the relay.
const WEBHOOK_SECRET: &str = "whsec_cornershopE2Esecret0123456789";
const SHOP: &str = "corner";
/// Five teas at 2.49 in the catalog of [`Till::gbp_with_catalog`].
const FIVE_TEAS_PENCE: i64 = 1245;

/// The relay and localstripe wired together, and a till that knows the relay.
struct Shop {
    localstripe: LocalStripe,
    relay: RelayServer,
    till: Till,
    token: String,
}

impl Shop {
    fn new() -> Shop {
        let mut relay = RelayServer::new();
        relay.admin(&["shops", "add", SHOP]);
        relay.add_secret(SHOP, WEBHOOK_SECRET);
        let token = relay
            .admin(&["tills", "add", SHOP, "T1"])
            .trim()
            .to_string();
        assert!(!token.is_empty(), "`tills add` prints the till's token");
        relay.serve();

        let localstripe = LocalStripe::start();
        localstripe.add_webhook(
            "relay",
            &format!("{}/webhooks/stripe/{SHOP}", relay.base_url),
            WEBHOOK_SECRET,
            &["payment_intent.succeeded", "payment_intent.payment_failed"],
        );

        let till = Till::gbp_with_catalog();
        let set = till.json_with_env(
            &[("VERSAPOS_RELAY_TOKEN", token.as_str())],
            &["relay", "set", "--url", &relay.base_url],
        );
        assert_eq!(text(&set, "url"), relay.base_url, "{set}");
        Shop {
            localstripe,
            relay,
            till,
            token,
        }
    }

    /// The till in Stripe test mode against localstripe.
    fn stripe_env(&self) -> [(&str, &str); 2] {
        [
            ("VERSAPOS_STRIPE_KEY", LOCALSTRIPE_KEY),
            ("VERSAPOS_STRIPE_API", self.localstripe.base_url.as_str()),
        ]
    }

    /// `versapos --json sync --once` in test mode against localstripe, which must succeed.
    fn sync_once(&self) -> Value {
        self.till
            .json_with_env(&self.stripe_env(), &["sync", "--once"])
    }

    /// The product's own gateway on localstripe, as the test's hand on Stripe's side.
    fn stripe(&self) -> StripeGateway {
        let key = StripeKey::parse(LOCALSTRIPE_KEY).expect("a well-formed test key");
        StripeGateway::new(&key, Some(&self.localstripe.base_url))
            .expect("a gateway on localstripe")
            // localstripe refuses `description`; the receipt still goes in the metadata.
            .with_intent_descriptions(false)
            .with_retry(2, Duration::from_millis(20))
            .with_timeout(Duration::from_secs(10))
    }

    /// Waits until the relay has stored `count` events for the till (localstripe sends each
    /// about a second after the change); returns them.
    fn stored_events(&self, count: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let (status, page) = self.relay.events(&self.token, 0, 2);
            assert_eq!(status, 200, "the relay serves the till's events: {page}");
            let events = array(&page, "events").to_vec();
            if events.len() >= count {
                assert_eq!(events.len(), count, "no more events than expected: {page}");
                return events;
            }
            assert!(
                Instant::now() < deadline,
                "the relay did not store {count} event(s) from localstripe in 30 s: {page}\n\
                 localstripe:\n{}\nrelay:\n{}",
                self.localstripe.log_text(),
                self.relay.log_text()
            );
        }
    }
}

/// The fields of a card sale the till wrote and left in doubt.
struct InDoubt {
    order_id: String,
    receipt: String,
    payment_id: String,
}

/// Rings up five teas by card for `customer` against the fake Stripe, whose PaymentIntent
/// creates all fail: the sale is written and left `payment_pending` with no PaymentIntent.
fn card_sale_left_in_doubt(till: &Till, customer: i64) -> InDoubt {
    let fake = FakeStripe::start();
    // The gateway tries a create four times in all; none gets through.
    fake.fail_next("/v1/payment_intents", 4, 500);
    let url = fake.url();
    let cid = customer.to_string();
    let r = till.run_with_env(
        &[
            ("VERSAPOS_STRIPE_KEY", versapos_stripe_fake::TEST_KEY),
            ("VERSAPOS_STRIPE_API", url.as_str()),
        ],
        &[
            "--json",
            "sale",
            "--item",
            "TEA:5",
            "--customer",
            &cid,
            "--pay",
            "card",
        ],
    );
    assert_eq!(
        r.code,
        Some(1),
        "a card sale whose PaymentIntent got no answer fails: {r:?}"
    );
    let err: Value = serde_json::from_str(&r.stdout).expect("the error is JSON on stdout");
    assert_eq!(err["error"]["code"], "payment_in_doubt", "{err}");
    assert!(
        fake.with_sim(|sim| sim.intents()).is_empty(),
        "the fake made no PaymentIntent"
    );
    drop(fake);

    let orders = till.orders();
    assert_eq!(orders.len(), 1, "the sale was written: {orders:?}");
    let order = &orders[0];
    assert_eq!(text(order, "status"), "payment_pending", "{order}");
    assert_eq!(int(order, "total"), FIVE_TEAS_PENCE, "{order}");
    let payments = array(order, "payments");
    assert_eq!(payments.len(), 1, "{order}");
    assert_eq!(
        payments[0]["intent_id"],
        Value::Null,
        "no PaymentIntent is noted: {order}"
    );
    InDoubt {
        order_id: text(order, "id").to_string(),
        receipt: text(order, "receipt").to_string(),
        payment_id: text(&payments[0], "id").to_string(),
    }
}

/// The sale's receipt as the till shows it now: its receipt number once paid (it waited under
/// the name it was given while unpaid).
fn receipt_now(shop: &Shop, sale: &InDoubt) -> String {
    text(
        &shop.till.json(&["orders", "show", &sale.order_id]),
        "receipt",
    )
    .to_string()
}

/// The keyed PaymentIntent the till would have made for the sale, made on localstripe.
fn intent_for(sale: &InDoubt) -> IntentRequest {
    IntentRequest {
        payment_id: sale.payment_id.clone(),
        order_id: sale.order_id.clone(),
        till_id: "T1".to_string(),
        receipt: sale.receipt.clone(),
        amount: FIVE_TEAS_PENCE,
        currency: "gbp".to_string(),
        channel: Channel::Keyed,
        customer: None,
    }
}

/// The single event of a `sync --once --json` report as (event id, type, outcome, receipt).
fn only_applied(report: &Value) -> (String, String, String, Option<String>) {
    let events = array(report, "events");
    assert_eq!(events.len(), 1, "one event pulled: {report}");
    let e = &events[0];
    (
        text(e, "event_id").to_string(),
        text(e, "type").to_string(),
        text(e, "outcome").to_string(),
        e["receipt"].as_str().map(str::to_string),
    )
}

#[test]
fn relay_e2e_localstripe_payment_succeeded_is_relayed_signed_and_books_the_sale_with_points() {
    let shop = Shop::new();
    let customer = shop.till.add_customer("Ada Lovelace");
    let sale = card_sale_left_in_doubt(&shop.till, customer);

    // Stripe's side: the payment made and captured on localstripe.
    let stripe = shop.stripe();
    let created = stripe
        .create_intent(&intent_for(&sale))
        .expect("localstripe makes the keyed PaymentIntent");
    assert_eq!(
        created.payment_id.as_deref(),
        Some(sale.payment_id.as_str())
    );
    let confirmed = stripe
        .confirm_intent(&created.id, "pm_card_visa")
        .expect("localstripe confirms with pm_card_visa");
    assert_eq!(confirmed.status, IntentStatus::RequiresCapture);
    let captured = stripe
        .capture_intent(&created.id, &format!("capture-{}", sale.payment_id))
        .expect("localstripe captures");
    assert_eq!(captured.status, IntentStatus::Succeeded);
    assert_eq!(captured.amount_received, FIVE_TEAS_PENCE);

    // localstripe signed its event and the relay verified and stored it, raw.
    let stored = shop.stored_events(1);
    let event = &stored[0]["event"];
    assert_eq!(text(event, "type"), "payment_intent.succeeded", "{event}");
    assert_eq!(text(&event["data"]["object"], "id"), created.id, "{event}");
    assert_eq!(
        text(&event["data"]["object"]["metadata"], "payment_id"),
        sale.payment_id,
        "{event}"
    );
    let event_id = text(event, "id").to_string();
    assert!(event_id.starts_with("evt_"), "{event}");
    assert_eq!(
        text(&stored[0], "id"),
        event_id,
        "the relay files it by Stripe's event id"
    );
    // Still in doubt at the till until it pulls.
    assert_eq!(
        text(&shop.till.orders()[0], "status"),
        "payment_pending",
        "nothing reaches the till before it pulls"
    );

    let report = shop.sync_once();
    assert_eq!(
        only_applied(&report),
        (
            event_id.clone(),
            "payment_intent.succeeded".to_string(),
            "paid".to_string(),
            Some(receipt_now(&shop, &sale))
        ),
        "{report}"
    );
    let cursor = int(&report, "cursor");
    assert_eq!(cursor, int(&stored[0], "cursor"), "{report}");

    let order = shop.till.json(&["orders", "show", &sale.order_id]);
    assert_eq!(text(&order, "status"), "paid", "{order}");
    let card = &array(&order, "payments")[0];
    assert_eq!(text(card, "intent_id"), created.id, "{order}");
    assert_eq!(text(card, "mode"), "test", "{order}");
    assert_eq!(int(card, "amount"), FIVE_TEAS_PENCE, "{order}");
    // 12.45 paid: 12 points, one per whole pound.
    assert_eq!(int(&order, "points_earned"), 12, "{order}");
    assert_eq!(
        shop.till.points(customer),
        12,
        "the points reach the customer"
    );
    assert_eq!(shop.till.stock("TEA"), 5, "five teas left the shelf");

    // Pulling again finds nothing new and changes nothing; the event is noted as applied.
    let again = shop.sync_once();
    assert_eq!(again["events"], serde_json::json!([]), "{again}");
    assert_eq!(int(&again, "cursor"), cursor);
    let status = shop.till.json(&["sync", "--status"]);
    assert_eq!(int(&status, "applied_events"), 1, "{status}");
    assert_eq!(status["last_error"], Value::Null, "{status}");
    assert_eq!(shop.till.points(customer), 12, "no points twice");
    shop.till.ok(&["journal", "verify"]);

    // The relay stored only what a valid signature vouched for: the same event re-signed with
    // another secret is refused.
    let body = serde_json::to_string(event).expect("the event serialises");
    let forged = format!("t={},v1={}", chrono::Utc::now().timestamp(), "0".repeat(64));
    let resp = crate::support::http_agent(Duration::from_secs(10))
        .post(&format!("{}/webhooks/stripe/{SHOP}", shop.relay.base_url))
        .header("Content-Type", "application/json")
        .header("Stripe-Signature", &forged)
        .send(body)
        .expect("the relay answers");
    assert_eq!(resp.status().as_u16(), 400, "a bad signature is refused");
}

#[test]
fn relay_e2e_localstripe_payment_failed_notes_the_decline_and_the_sale_waits() {
    let shop = Shop::new();
    let customer = shop.till.add_customer("Grace Hopper");
    let sale = card_sale_left_in_doubt(&shop.till, customer);

    let stripe = shop.stripe();
    let created = stripe
        .create_intent(&intent_for(&sale))
        .expect("localstripe makes the keyed PaymentIntent");
    let declined = stripe
        // localstripe declines this card when it is charged (the `chargeDeclined` card only
        // when it is attached to a customer).
        .confirm_intent(&created.id, "pm_card_chargeCustomerFail")
        .expect_err("localstripe declines pm_card_chargeCustomerFail");
    assert!(
        !declined.is_retryable(),
        "a decline is an answer, not a lost call: {declined:?}"
    );
    assert!(
        matches!(
            declined,
            GatewayError::Declined(_) | GatewayError::Rejected { .. }
        ),
        "{declined:?}"
    );

    let stored = shop.stored_events(1);
    let event = &stored[0]["event"];
    assert_eq!(
        text(event, "type"),
        "payment_intent.payment_failed",
        "{event}"
    );
    let event_id = text(event, "id").to_string();

    let report = shop.sync_once();
    assert_eq!(
        only_applied(&report),
        (
            event_id,
            "payment_intent.payment_failed".to_string(),
            "declined".to_string(),
            Some(sale.receipt.clone())
        ),
        "{report}"
    );
    let order = shop.till.json(&["orders", "show", &sale.order_id]);
    assert_eq!(
        text(&order, "status"),
        "payment_pending",
        "a decline waits for another try or tender: {order}"
    );
    assert_eq!(
        text(&array(&order, "payments")[0], "intent_id"),
        created.id,
        "the till noted the PaymentIntent it learnt from the event: {order}"
    );
    assert_eq!(
        shop.till.points(customer),
        0,
        "no points for an unpaid sale"
    );
    assert_eq!(shop.till.stock("TEA"), 10, "an unpaid sale moves no stock");
    shop.till.ok(&["journal", "verify"]);
}

/// A card sale paid on localstripe and booked at the till by `sync --once`; its PaymentIntent.
fn paid_on_localstripe(shop: &Shop, sale: &InDoubt) -> String {
    let stripe = shop.stripe();
    let created = stripe
        .create_intent(&intent_for(sale))
        .expect("localstripe makes the keyed PaymentIntent");
    stripe
        .confirm_intent(&created.id, "pm_card_visa")
        .expect("localstripe confirms");
    stripe
        .capture_intent(&created.id, &format!("capture-{}", sale.payment_id))
        .expect("localstripe captures");
    shop.stored_events(1);
    let report = shop.sync_once();
    assert_eq!(only_applied(&report).2, "paid", "{report}");
    created.id
}

/// A refund made in the Stripe Dashboard: straight at Stripe, with none of the till's metadata
/// and no key of its own. Stripe's refund object.
fn refund_in_the_dashboard(shop: &Shop, intent: &str, amount: Option<i64>) -> Value {
    let mut form = format!("payment_intent={intent}");
    if let Some(a) = amount {
        form.push_str(&format!("&amount={a}"));
    }
    let mut resp = crate::support::http_agent(Duration::from_secs(10))
        .post(&format!("{}v1/refunds", shop.localstripe.base_url))
        .header("Authorization", &format!("Bearer {LOCALSTRIPE_KEY}"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send(form)
        .expect("localstripe answers");
    let body = resp.body_mut().read_to_string().expect("a body");
    assert_eq!(resp.status().as_u16(), 200, "localstripe refunds: {body}");
    serde_json::from_str(&body).expect("a refund object")
}

/// Refunds made in the Stripe Dashboard reach the till: the first, whose event never came, found
/// by `versapos reconcile` on Stripe's own list; the rest through its `charge.refunded` event,
/// signed and delivered through the real relay (localstripe sends no refund events, so the test
/// signs Stripe's event as Stripe does). Each booked once, points taken back in proportion.
#[test]
fn relay_e2e_localstripe_refunds_made_in_the_dashboard_are_booked_once() {
    let shop = Shop::new();
    let customer = shop.till.add_customer("Ada Lovelace");
    let sale = card_sale_left_in_doubt(&shop.till, customer);
    let intent = paid_on_localstripe(&shop, &sale);
    assert_eq!(shop.till.points(customer), 12);

    // 7.00 back in the Dashboard; its event is lost. Reconciliation finds it, once.
    let first = refund_in_the_dashboard(&shop, &intent, Some(700));
    for _ in 0..2 {
        let r = shop
            .till
            .run_with_env(&shop.stripe_env(), &["--json", "reconcile"]);
        assert_eq!(r.code, Some(0), "{r:?}");
    }
    let order = shop.till.json(&["orders", "show", &sale.order_id]);
    assert_eq!(text(&order, "status"), "partially_refunded", "{order}");
    assert_eq!(int(&order, "refunded_total"), 700, "{order}");
    let refunds = array(&order, "refunds");
    assert_eq!(refunds.len(), 1, "booked once: {order}");
    assert_eq!(
        text(&refunds[0], "at_stripe"),
        text(&first, "id"),
        "{order}"
    );
    let reversed = int(&order, "points_reversed");
    // 12 points × 7.00 / 12.45 = 6.75, rounded.
    assert_eq!(reversed, 7, "in proportion: {order}");
    assert_eq!(shop.till.points(customer), 12 - reversed);

    // The rest back in the Dashboard; Stripe's charge.refunded event comes through the relay.
    let rest = refund_in_the_dashboard(&shop, &intent, None);
    let event = serde_json::json!({
        "id": "evt_dashboard_refund", "object": "event", "type": "charge.refunded",
        "created": chrono::Utc::now().timestamp(), "livemode": false,
        "data": { "object": { "id": text(&rest, "charge"), "object": "charge",
                              "payment_intent": intent, "amount": FIVE_TEAS_PENCE,
                              "amount_refunded": FIVE_TEAS_PENCE, "refunded": true } }
    });
    let agent = crate::support::http_agent(Duration::from_secs(10));
    let status = shop
        .relay
        .deliver(&agent, SHOP, WEBHOOK_SECRET, &event.to_string());
    assert_eq!(status, 200, "the relay takes Stripe's signed event");
    let report = shop.sync_once();
    assert_eq!(
        only_applied(&report),
        (
            "evt_dashboard_refund".to_string(),
            "charge.refunded".to_string(),
            "refunded".to_string(),
            Some(receipt_now(&shop, &sale))
        ),
        "{report}"
    );
    let order = shop.till.json(&["orders", "show", &sale.order_id]);
    assert_eq!(text(&order, "status"), "refunded", "{order}");
    assert_eq!(int(&order, "refunded_total"), FIVE_TEAS_PENCE, "{order}");
    assert_eq!(array(&order, "refunds").len(), 2, "{order}");
    assert_eq!(
        shop.till.points(customer),
        0,
        "every point taken back, once"
    );
    assert_eq!(shop.till.stock("TEA"), 5, "no goods came back");
    shop.till.ok(&["journal", "verify"]);
    let shown = shop.till.ok(&["orders", "show", &sale.order_id]);
    assert!(
        shown.contains("refunded outside the till, at Stripe"),
        "{shown}"
    );
}
