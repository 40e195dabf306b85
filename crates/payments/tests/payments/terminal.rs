//! The Stripe gateway against the in-repo fake Stripe over loopback: the Terminal reader flow
//! as the till drives it (readers, registration, sale, decline and retry, offline reader,
//! timeout and cashier cancel, refund).

use std::time::Duration;

use versapos_payments::stripe::StripeGateway;
use versapos_payments::{
    ActionStatus, Address, Channel, Gateway, GatewayError, GatewayMode, IntentRequest,
    IntentStatus, RefundRequest, RefundStatus, TestCard,
};
use versapos_secrets::StripeKey;
use versapos_stripe_fake::{FakeStripe, TEST_KEY};

fn gateway(fake: &FakeStripe) -> StripeGateway {
    let key = StripeKey::parse(TEST_KEY).expect("the fake's key is a well-formed test key");
    StripeGateway::new(&key, Some(&fake.url()))
        .expect("a gateway for the fake")
        .with_retry(3, Duration::from_millis(10))
        .with_timeout(Duration::from_secs(10))
}

fn sale(payment_id: &str, amount: i64) -> IntentRequest {
    IntentRequest {
        payment_id: payment_id.to_string(),
        order_id: format!("order-{payment_id}"),
        till_id: "T1".to_string(),
        receipt: "T1-000042".to_string(),
        amount,
        currency: "EUR".to_string(),
        channel: Channel::CardPresent,
        customer: None,
    }
}

fn rejected_code(err: &GatewayError) -> Option<&str> {
    match err {
        GatewayError::Rejected { code, .. } => code.as_deref(),
        _ => None,
    }
}

fn the_reader(gw: &StripeGateway) -> String {
    let readers = gw.readers().expect("list readers");
    assert_eq!(
        readers.len(),
        1,
        "the fake starts with one simulated reader"
    );
    readers[0].id.clone()
}

#[test]
fn lists_readers_and_locations_and_registers_a_simulated_reader() {
    let fake = FakeStripe::start();
    let gw = gateway(&fake);
    assert_eq!(gw.mode(), GatewayMode::Test);
    let readers = gw.readers().expect("readers");
    assert_eq!(readers.len(), 1);
    assert!(readers[0].is_simulated(), "{:?}", readers[0]);
    assert_eq!(readers[0].state(), "online");
    let locations = gw.locations().expect("locations");
    assert_eq!(locations.len(), 1);

    let shop = gw
        .create_location(
            "Shop floor",
            &Address {
                line1: Some("1 High Street".to_string()),
                city: Some("Leeds".to_string()),
                postal_code: Some("LS1 1AA".to_string()),
                country: "GB".to_string(),
            },
        )
        .expect("create a location");
    assert_eq!(shop.display_name, "Shop floor");
    let err = gw
        .register_reader("apple-pie", "Till 2", &shop.id)
        .expect_err("an unknown registration code");
    assert_eq!(
        rejected_code(&err),
        Some("invalid_registration_code"),
        "{err:?}"
    );
    let reader = gw
        .register_reader("simulated-wpe", "Till 2", &shop.id)
        .expect("register a simulated reader");
    assert_eq!(reader.label.as_deref(), Some("Till 2"));
    assert_eq!(reader.location.as_deref(), Some(shop.id.as_str()));
    assert!(reader.is_simulated());
    assert_eq!(gw.readers().expect("readers").len(), 2);
    assert_eq!(gw.reader(&reader.id).expect("read it back").id, reader.id);
    let ping = gw.ping().expect("ping");
    assert!(ping.server_time.is_some(), "the fake sends a Date header");
}

#[test]
fn sale_on_the_reader_approved_then_captured() {
    let fake = FakeStripe::start();
    let gw = gateway(&fake);
    let reader = the_reader(&gw);
    let intent = gw.create_intent(&sale("pay-1", 1250)).expect("create");
    assert_eq!(intent.status, IntentStatus::RequiresPaymentMethod);
    assert_eq!(intent.currency, "eur");
    assert_eq!(intent.payment_id.as_deref(), Some("pay-1"));
    assert_eq!(intent.order_id.as_deref(), Some("order-pay-1"));
    let r = gw
        .process_intent(&reader, &intent.id, "pay-1-process")
        .expect("process on the reader");
    assert_eq!(r.state(), "busy");
    let action = r.action.expect("an action");
    assert_eq!(action.intent.as_deref(), Some(intent.id.as_str()));
    let r = gw
        .present_card(&reader, TestCard::Approved)
        .expect("present the approved card");
    assert_eq!(r.action.map(|a| a.status), Some(ActionStatus::Succeeded));
    let authorised = gw.intent(&intent.id).expect("read");
    assert_eq!(authorised.status, IntentStatus::RequiresCapture);
    assert_eq!(authorised.amount_capturable, 1250);
    assert_eq!(authorised.card_brand.as_deref(), Some("visa"));
    assert_eq!(authorised.card_last4.as_deref(), Some("4242"));
    let paid = gw
        .capture_intent(&intent.id, "pay-1-capture")
        .expect("capture");
    assert_eq!(paid.status, IntentStatus::Succeeded);
    assert_eq!(paid.amount_received, 1250);
    let again = gw
        .capture_intent(&intent.id, "pay-1-capture")
        .expect("the same capture again is answered from the idempotency key");
    assert_eq!(again.status, IntentStatus::Succeeded);
}

#[test]
fn decline_then_retry_the_same_intent() {
    let fake = FakeStripe::start();
    let gw = gateway(&fake);
    let reader = the_reader(&gw);
    let intent = gw.create_intent(&sale("pay-2", 900)).expect("create");
    gw.process_intent(&reader, &intent.id, "pay-2-process-1")
        .expect("process");
    let r = gw
        .present_card(&reader, TestCard::InsufficientFunds)
        .expect("present a card without funds");
    let action = r.action.expect("an action");
    assert_eq!(action.status, ActionStatus::Failed);
    assert_eq!(action.failure_code.as_deref(), Some("card_declined"));
    let declined = gw.intent(&intent.id).expect("read");
    assert_eq!(declined.status, IntentStatus::RequiresPaymentMethod);
    let decline = declined.last_error.expect("the decline reason");
    assert_eq!(decline.decline_code.as_deref(), Some("insufficient_funds"));

    gw.process_intent(&reader, &intent.id, "pay-2-process-2")
        .expect("the same intent goes back to the reader");
    gw.present_card(&reader, TestCard::Approved)
        .expect("another card");
    let paid = gw
        .capture_intent(&intent.id, "pay-2-capture")
        .expect("capture");
    assert_eq!(paid.status, IntentStatus::Succeeded);
    assert_eq!(
        fake.with_sim(|s| s.intents().len()),
        1,
        "one intent for the sale"
    );
}

#[test]
fn offline_reader_is_refused() {
    let fake = FakeStripe::start();
    let gw = gateway(&fake);
    let reader = the_reader(&gw);
    let intent = gw.create_intent(&sale("pay-3", 400)).expect("create");
    fake.set_reader_online(&reader, false)
        .expect("take the reader off line");
    assert_eq!(gw.reader(&reader).expect("read").state(), "offline");
    let err = gw
        .process_intent(&reader, &intent.id, "pay-3-process")
        .expect_err("an offline reader");
    assert_eq!(
        rejected_code(&err),
        Some("terminal_reader_offline"),
        "{err:?}"
    );
    assert!(err.is_definite(), "a refusal is not retried");
}

#[test]
fn busy_reader_answers_conflict() {
    let fake = FakeStripe::start();
    let gw = gateway(&fake);
    let reader = the_reader(&gw);
    let first = gw.create_intent(&sale("pay-4a", 400)).expect("create");
    let second = gw.create_intent(&sale("pay-4b", 400)).expect("create");
    gw.process_intent(&reader, &first.id, "pay-4a-process")
        .expect("process");
    let err = gw
        .process_intent(&reader, &second.id, "pay-4b-process")
        .expect_err("the reader is busy");
    assert!(
        matches!(&err, GatewayError::Rejected { status: 409, code: Some(c), .. } if c == "terminal_reader_busy"),
        "{err:?}"
    );
}

#[test]
fn timeout_cancels_the_action_then_rereads_the_intent() {
    let fake = FakeStripe::start();
    let gw = gateway(&fake);
    let reader = the_reader(&gw);
    let intent = gw.create_intent(&sale("pay-5", 650)).expect("create");
    gw.process_intent(&reader, &intent.id, "pay-5-process")
        .expect("process");
    // No card comes: the till's wait runs out and it stops the reader.
    let r = gw.cancel_action(&reader).expect("cancel the action");
    let action = r.action.clone().expect("the failed action");
    assert_eq!(action.status, ActionStatus::Failed);
    assert_eq!(action.failure_code.as_deref(), Some("canceled"));
    assert_eq!(r.state(), "online");
    let now = gw.intent(&intent.id).expect("re-read the intent");
    assert_eq!(
        now.status,
        IntentStatus::RequiresPaymentMethod,
        "nothing was paid, the intent waits for a card"
    );
    let err = gw
        .cancel_action(&reader)
        .expect_err("nothing left to cancel");
    assert!(matches!(err, GatewayError::Rejected { .. }), "{err:?}");
    // The retry after the timeout takes the card.
    gw.process_intent(&reader, &intent.id, "pay-5-process-2")
        .expect("process again");
    gw.present_card(&reader, TestCard::Approved)
        .expect("present");
    assert_eq!(
        gw.intent(&intent.id).expect("read").status,
        IntentStatus::RequiresCapture
    );
}

#[test]
fn cashier_cancels_the_payment() {
    let fake = FakeStripe::start();
    let gw = gateway(&fake);
    let reader = the_reader(&gw);
    let intent = gw.create_intent(&sale("pay-6", 300)).expect("create");
    gw.process_intent(&reader, &intent.id, "pay-6-process")
        .expect("process");
    gw.cancel_action(&reader).expect("cancel the action");
    let canceled = gw.cancel_intent(&intent.id).expect("cancel the intent");
    assert_eq!(canceled.status, IntentStatus::Canceled);
    let err = gw
        .process_intent(&reader, &intent.id, "pay-6-process-2")
        .expect_err("a canceled intent cannot be processed");
    assert_eq!(
        rejected_code(&err),
        Some("payment_intent_unexpected_state"),
        "{err:?}"
    );
}

#[test]
fn refund_part_then_the_rest_never_more() {
    let fake = FakeStripe::start();
    let gw = gateway(&fake);
    let reader = the_reader(&gw);
    let intent = gw.create_intent(&sale("pay-7", 1000)).expect("create");
    gw.process_intent(&reader, &intent.id, "pay-7-process")
        .expect("process");
    gw.present_card(&reader, TestCard::Approved)
        .expect("present");
    gw.capture_intent(&intent.id, "pay-7-capture")
        .expect("capture");
    let refund = |key: &str, amount: i64| {
        gw.refund(&RefundRequest {
            refund_key: key.to_string(),
            intent: intent.id.clone(),
            amount,
            order_id: "order-pay-7".to_string(),
            till_id: "T1".to_string(),
        })
    };
    let first = refund("rf-1", 600).expect("a partial refund");
    assert_eq!(first.amount, 600);
    assert_eq!(first.status, RefundStatus::Succeeded);
    assert_eq!(first.intent.as_deref(), Some(intent.id.as_str()));
    let again = refund("rf-1", 600).expect("the same refund again");
    assert_eq!(again.id, first.id, "one refund for one key");
    let err = refund("rf-2", 401).expect_err("more than is left");
    assert!(matches!(err, GatewayError::Rejected { .. }), "{err:?}");
    let rest = refund("rf-3", 400).expect("the rest");
    assert_eq!(rest.amount, 400);
    let customer = gw
        .create_customer("Ada Lovelace", Some("ada@example.com"))
        .expect("a customer");
    assert!(customer.id.starts_with("cus_"), "{customer:?}");
}
