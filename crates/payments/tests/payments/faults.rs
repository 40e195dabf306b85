//! The Stripe gateway when Stripe misbehaves, against the in-repo fake Stripe: server errors,
//! a connection cut after the work was done, a server slower than the timeout. Retries carry
//! the same idempotency key, so nothing is created twice.

use std::time::{Duration, Instant};

use versapos_payments::stripe::StripeGateway;
use versapos_payments::{Channel, Gateway, GatewayError, IntentRequest};
use versapos_secrets::StripeKey;
use versapos_stripe_fake::{FakeStripe, TEST_KEY};

fn gateway(fake: &FakeStripe, attempts: u32, timeout: Duration) -> StripeGateway {
    let key = StripeKey::parse(TEST_KEY).expect("the fake's key is a well-formed test key");
    StripeGateway::new(&key, Some(&fake.url()))
        .expect("a gateway for the fake")
        .with_retry(attempts, Duration::from_millis(10))
        .with_timeout(timeout)
}

fn sale(payment_id: &str) -> IntentRequest {
    IntentRequest {
        payment_id: payment_id.to_string(),
        order_id: format!("order-{payment_id}"),
        till_id: "T1".to_string(),
        receipt: "T1-000007".to_string(),
        amount: 2500,
        currency: "gbp".to_string(),
        channel: Channel::CardPresent,
        customer: None,
    }
}

const INTENTS: &str = "/v1/payment_intents";

#[test]
fn server_errors_then_success_are_retried_with_the_same_idempotency_key() {
    let fake = FakeStripe::start();
    let gw = gateway(&fake, 4, Duration::from_secs(10));
    fake.fail_next(INTENTS, 2, 500);
    let intent = gw
        .create_intent(&sale("pay-500"))
        .expect("the third attempt succeeds");
    let posts = fake.requests_to("POST", INTENTS);
    let statuses: Vec<Option<u16>> = posts.iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![Some(500), Some(500), Some(200)]);
    for post in &posts {
        assert_eq!(
            post.idempotency_key.as_deref(),
            Some("pay-500"),
            "every attempt carries the payment id as its key: {post:?}"
        );
    }
    let created = fake.with_sim(|s| s.intents());
    assert_eq!(created.len(), 1, "exactly one intent");
    assert_eq!(created[0].id, intent.id);
}

#[test]
fn server_errors_on_every_attempt_end_as_a_server_error() {
    let fake = FakeStripe::start();
    let gw = gateway(&fake, 3, Duration::from_secs(10));
    fake.fail_next(INTENTS, 10, 500);
    let err = gw
        .create_intent(&sale("pay-down"))
        .expect_err("all attempts fail");
    assert!(
        matches!(err, GatewayError::Server { status: 500, .. }),
        "{err:?}"
    );
    assert!(err.is_retryable(), "the till may try again later");
    let posts = fake.requests_to("POST", INTENTS);
    assert_eq!(posts.len(), 3, "three attempts, no more: {posts:?}");
    assert_eq!(fake.with_sim(|s| s.intents().len()), 0);
}

#[test]
fn connection_cut_after_create_then_the_retry_returns_the_same_intent() {
    let fake = FakeStripe::start();
    let gw = gateway(&fake, 3, Duration::from_secs(10));
    fake.cut_after(INTENTS, 1);
    let intent = gw
        .create_intent(&sale("pay-cut"))
        .expect("the retry is answered");
    let created = fake.with_sim(|s| s.intents());
    assert_eq!(created.len(), 1, "exactly one intent was created");
    assert_eq!(created[0].id, intent.id, "the retry found the first one");
    let posts = fake.requests_to("POST", INTENTS);
    assert_eq!(posts.len(), 2, "{posts:?}");
    assert_eq!(posts[0].status, None, "the first answer was cut");
    assert_eq!(posts[1].status, Some(200));
    assert!(posts
        .iter()
        .all(|p| p.idempotency_key.as_deref() == Some("pay-cut")));
    // And asking once more still finds the same one.
    let again = gw.create_intent(&sale("pay-cut")).expect("again");
    assert_eq!(again.id, intent.id);
}

#[test]
fn server_slower_than_the_timeout_is_a_network_error() {
    let fake = FakeStripe::start();
    let gw = gateway(&fake, 2, Duration::from_millis(300));
    let intent = gw.create_intent(&sale("pay-slow")).expect("create");
    fake.delay(&format!("{INTENTS}/"), Duration::from_secs(3));
    let started = Instant::now();
    let err = gw.intent(&intent.id).expect_err("no answer in time");
    let took = started.elapsed();
    assert!(matches!(err, GatewayError::Network(_)), "{err:?}");
    assert!(
        took < Duration::from_millis(2500),
        "two 300 ms attempts must not wait for the slow answer: {took:?}"
    );
    fake.clear_delays();
    assert_eq!(gw.intent(&intent.id).expect("fast again").id, intent.id);
}

#[test]
fn a_refused_key_is_an_auth_error_and_not_retried() {
    let fake = FakeStripe::start();
    let key = StripeKey::parse("sk_live_abcdefghijklmnop").expect("a well-formed live key");
    let gw = StripeGateway::new(&key, Some(&fake.url()))
        .expect("a gateway")
        .with_retry(3, Duration::from_millis(10));
    let err = gw.readers().expect_err("the fake takes test keys only");
    assert!(matches!(err, GatewayError::Auth(_)), "{err:?}");
    assert_eq!(fake.requests().len(), 1, "a refusal is not retried");
}
