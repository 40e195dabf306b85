//! The Stripe gateway against a real localstripe (a stateful fake of Stripe's API), plus a few
//! checks of the retry loop against a scripted loopback server.
//!
//! localstripe serves card-not-present flows only: keyed PaymentIntents, confirm, capture,
//! cancel, refunds and customers. It refuses `description` and any payment method types, has no
//! Terminal API, takes only `sk_…` keys, and ignores Idempotency-Key.
//!
//! Run: `source scripts/env.sh && cargo nextest run -p versapos-payments --test payments localstripe`

#[path = "localstripe/support.rs"]
mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use support::{free_port, Gateways, LocalStripe};
use versapos_payments::stripe::StripeGateway;
use versapos_payments::{
    Channel, Gateway, GatewayError, IntentRequest, IntentStatus, RefundRequest, RefundStatus,
    TestCard,
};
use versapos_secrets::StripeKey;

fn keyed(payment_id: &str, amount: i64) -> IntentRequest {
    IntentRequest {
        payment_id: payment_id.to_string(),
        order_id: format!("order-{payment_id}"),
        till_id: "T1".to_string(),
        receipt: format!("T1-{payment_id}"),
        amount,
        currency: "EUR".to_string(),
        channel: Channel::Keyed,
        customer: None,
    }
}

/// A keyed PaymentIntent confirmed with `pm_card_visa`: authorised, waiting for capture.
fn authorised(gw: &StripeGateway, payment_id: &str, amount: i64) -> String {
    let created = gw
        .create_intent(&keyed(payment_id, amount))
        .expect("create the intent");
    let confirmed = gw
        .confirm_intent(&created.id, "pm_card_visa")
        .expect("confirm with pm_card_visa");
    assert_eq!(
        confirmed.status,
        IntentStatus::RequiresCapture,
        "{confirmed:?}"
    );
    created.id
}

#[test]
fn keyed_create_sends_amount_lower_case_currency_and_metadata() {
    let ls = LocalStripe::start();
    let gw = ls.gateway();
    let intent = gw
        .create_intent(&keyed("pay-1", 1250))
        .expect("create a keyed intent");
    assert!(intent.id.starts_with("pi_"), "{intent:?}");
    assert_eq!(intent.status, IntentStatus::RequiresPaymentMethod);
    assert_eq!(intent.amount, 1250);
    assert_eq!(
        intent.currency, "eur",
        "currency goes out and comes back lower case"
    );
    assert_eq!(intent.payment_id.as_deref(), Some("pay-1"));
    assert_eq!(intent.order_id.as_deref(), Some("order-pay-1"));
    assert_eq!(intent.till_id.as_deref(), Some("T1"));
    assert_eq!((intent.amount_capturable, intent.amount_received), (0, 0));

    let read = gw.intent(&intent.id).expect("read it back");
    assert_eq!(read, intent, "a read returns what the create returned");
}

#[test]
fn same_payment_id_twice_makes_two_intents_because_localstripe_ignores_idempotency_keys() {
    // Real Stripe answers the second call with the first PaymentIntent (the key is the
    // payment id; `retries_resend_the_same_idempotency_key` checks the header is sent).
    // localstripe does not implement Idempotency-Key, so it makes a second one.
    let ls = LocalStripe::start();
    let gw = ls.gateway();
    let first = gw
        .create_intent(&keyed("pay-twice", 500))
        .expect("first create");
    let second = gw
        .create_intent(&keyed("pay-twice", 500))
        .expect("second create");
    assert_ne!(
        first.id, second.id,
        "localstripe now honours Idempotency-Key: assert equality here instead"
    );
    assert_eq!(second.payment_id.as_deref(), Some("pay-twice"));
}

#[test]
fn confirm_with_visa_holds_then_capture_takes_the_money() {
    let ls = LocalStripe::start();
    let gw = ls.gateway();
    let id = authorised(&gw, "pay-cap", 2000);
    let held = gw.intent(&id).expect("read the held intent");
    assert_eq!(held.status, IntentStatus::RequiresCapture);
    assert_eq!((held.amount_capturable, held.amount_received), (2000, 0));

    let captured = gw.capture_intent(&id, "pay-cap-capture").expect("capture");
    assert_eq!(captured.status, IntentStatus::Succeeded, "{captured:?}");
    assert_eq!(captured.amount_received, 2000);
    assert_eq!(captured.amount_capturable, 0);
}

#[test]
fn cancel_releases_an_uncaptured_intent() {
    let ls = LocalStripe::start();
    let gw = ls.gateway();
    let id = authorised(&gw, "pay-cancel", 700);
    let canceled = gw.cancel_intent(&id).expect("cancel");
    assert_eq!(canceled.status, IntentStatus::Canceled);
    assert_eq!(
        gw.intent(&id).expect("read back").status,
        IntentStatus::Canceled
    );

    let again = gw
        .cancel_intent(&id)
        .expect_err("a canceled intent cannot be canceled again");
    assert!(
        matches!(again, GatewayError::Rejected { status: 400, .. }),
        "a refusal, not a retryable error: {again:?}"
    );
}

#[test]
fn partial_then_full_refund_of_a_captured_payment() {
    let ls = LocalStripe::start();
    let gw = ls.gateway();
    let id = authorised(&gw, "pay-ref", 1000);
    gw.capture_intent(&id, "pay-ref-capture").expect("capture");

    let refund = |key: &str, amount: i64| {
        gw.refund(&RefundRequest {
            refund_key: key.to_string(),
            intent: id.clone(),
            amount,
            order_id: "order-pay-ref".to_string(),
            till_id: "T1".to_string(),
        })
    };
    let part = refund("refund-1", 300).expect("refund part");
    assert!(part.id.starts_with("re_"), "{part:?}");
    assert_eq!(part.amount, 300);
    assert_eq!(part.intent.as_deref(), Some(id.as_str()));
    assert_eq!(part.status, RefundStatus::Succeeded);

    let rest = refund("refund-2", 700).expect("refund the rest");
    assert_eq!((rest.amount, rest.status), (700, RefundStatus::Succeeded));
    assert_ne!(part.id, rest.id);
}

#[test]
fn refund_of_an_uncaptured_failed_payment_is_refused() {
    let ls = LocalStripe::start();
    let gw = ls.gateway();
    let created = gw
        .create_intent(&keyed("pay-norefund", 400))
        .expect("create");
    let err = gw
        .refund(&RefundRequest {
            refund_key: "refund-x".to_string(),
            intent: created.id,
            amount: 400,
            order_id: "o".to_string(),
            till_id: "T1".to_string(),
        })
        .expect_err("nothing was paid");
    assert!(
        matches!(err, GatewayError::Rejected { status: 400, .. }),
        "{err:?}"
    );
    assert!(err.is_definite());
}

#[test]
fn customer_is_created_and_can_pay_a_keyed_order() {
    let ls = LocalStripe::start();
    let gw = ls.gateway();
    let customer = gw
        .create_customer("Ada Lovelace", Some("ada@example.com"))
        .expect("create a customer");
    assert!(customer.id.starts_with("cus_"), "{customer:?}");
    assert_eq!(customer.name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(customer.email.as_deref(), Some("ada@example.com"));

    let no_email = gw
        .create_customer("Walk-in", None)
        .expect("create without e-mail");
    assert_eq!(no_email.email, None);

    let mut req = keyed("pay-cust", 900);
    req.customer = Some(customer.id);
    gw.create_intent(&req).expect("an intent for the customer");

    req.payment_id = "pay-nocust".to_string();
    req.customer = Some("cus_doesnotexist".to_string());
    let err = gw.create_intent(&req).expect_err("an unknown customer");
    assert!(matches!(err, GatewayError::NotFound(_)), "{err:?}");
}

#[test]
fn declined_card_is_told_in_plain_words() {
    let ls = LocalStripe::start();
    let gw = ls.gateway();
    let created = gw
        .create_intent(&keyed("pay-decline", 1500))
        .expect("create");
    let decline = match gw.confirm_intent(&created.id, "pm_card_chargeCustomerFail") {
        Err(GatewayError::Declined(d)) => d,
        Ok(intent) => match intent.last_error.clone() {
            Some(d) => d,
            None => panic!("a declined confirm carries last_error: {intent:?}"),
        },
        Err(other) => panic!("expected a decline, got {other:?}"),
    };
    assert_eq!(
        decline.code.as_deref(),
        Some("card_declined"),
        "{decline:?}"
    );
    let words = decline.plain_words();
    assert!(words.starts_with("Declined"), "{words}");
    assert!(!words.contains('{'), "plain words, not JSON: {words}");

    let after = gw.intent(&created.id).expect("read after the decline");
    assert_eq!(after.status, IntentStatus::RequiresPaymentMethod);
    let last = after.last_error.expect("the intent remembers the decline");
    assert_eq!(last.code.as_deref(), Some("card_declined"));
}

#[test]
fn unknown_intent_is_not_found() {
    let ls = LocalStripe::start();
    let err = ls
        .gateway()
        .intent("pi_doesnotexist")
        .expect_err("no such intent");
    assert!(matches!(err, GatewayError::NotFound(_)), "{err:?}");
    assert!(err.to_string().contains("pi_doesnotexist"), "{err}");
    assert!(err.is_definite());
}

#[test]
fn refused_key_is_auth_and_never_shown() {
    // localstripe takes only `sk_…` keys, so a restricted key is refused with 401.
    let ls = LocalStripe::start();
    let key = "rk_test_refusedkey0123456789";
    let gw = ls.gateway_with_key(key);
    let err = gw.intent("pi_whatever").expect_err("the key is refused");
    assert!(matches!(err, GatewayError::Auth(_)), "{err:?}");
    assert!(
        !err.to_string().contains(key),
        "the key is not in the error: {err}"
    );
    let err = gw.ping().expect_err("ping with a refused key");
    assert!(matches!(err, GatewayError::Auth(_)), "{err:?}");
    assert!(!err.to_string().contains(key), "{err}");
}

#[test]
fn ping_reaches_localstripe_which_has_no_terminal_api() {
    let ls = LocalStripe::start();
    let err = ls
        .gateway()
        .ping()
        .expect_err("localstripe has no /v1/terminal/readers");
    assert!(matches!(err, GatewayError::NotFound(_)), "{err:?}");
}

#[test]
fn unreachable_server_is_network_after_all_attempts() {
    let key = StripeKey::parse(support::TEST_KEY).expect("test key");
    let base = format!("http://127.0.0.1:{}/", free_port());
    let gw = StripeGateway::new(&key, Some(&base))
        .expect("gateway")
        .with_retry(3, Duration::from_millis(40))
        .with_timeout(Duration::from_secs(2));
    let started = Instant::now();
    let err = gw.intent("pi_1").expect_err("nothing listens there");
    assert!(matches!(err, GatewayError::Network(_)), "{err:?}");
    assert!(err.is_retryable());
    // Two waits between three attempts: 40 ms then 80 ms.
    assert!(
        started.elapsed() >= Duration::from_millis(120),
        "the attempts were retried with backoff, took {:?}",
        started.elapsed()
    );
    let err = gw.ping().expect_err("ping to nowhere");
    assert!(matches!(err, GatewayError::Network(_)), "{err:?}");
}

// ---- A scripted loopback server, to watch what goes over the wire ---------------------------

struct Scripted {
    base_url: String,
    requests: Arc<Mutex<Vec<String>>>,
}

/// Answers each connection with the next scripted (status, extra headers, body), recording
/// each request's head and body as text.
fn scripted(answers: Vec<(u16, &'static str, String)>) -> Scripted {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().expect("address").port();
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&requests);
    std::thread::spawn(move || {
        for (status, headers, body) in answers {
            let Ok((stream, _)) = listener.accept() else {
                return;
            };
            let mut reader = BufReader::new(stream);
            let mut head = String::new();
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                head.push_str(&line);
            }
            let mut body_in = vec![0u8; length];
            let _ = reader.read_exact(&mut body_in);
            head.push('\n');
            head.push_str(&String::from_utf8_lossy(&body_in));
            seen.lock().expect("request log").push(head);
            let answer = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n{headers}\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let mut stream = reader.into_inner();
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    Scripted {
        base_url: format!("http://127.0.0.1:{port}/"),
        requests,
    }
}

const INTENT_JSON: &str = r#"{"id":"pi_scripted","object":"payment_intent","status":"requires_payment_method","amount":1250,"currency":"eur","metadata":{"payment_id":"pay-retry"}}"#;
const SERVER_ERROR: &str = r#"{"error":{"type":"api_error","message":"try again"}}"#;

fn header<'a>(request: &'a str, name: &str) -> Option<&'a str> {
    request.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

#[test]
fn retries_resend_the_same_idempotency_key() {
    let server = scripted(vec![
        (503, "", SERVER_ERROR.to_string()),
        (500, "", SERVER_ERROR.to_string()),
        (200, "", INTENT_JSON.to_string()),
    ]);
    let key = StripeKey::parse(support::TEST_KEY).expect("test key");
    let gw = StripeGateway::new(&key, Some(&server.base_url))
        .expect("gateway")
        .with_retry(4, Duration::from_millis(5));
    let mut req = keyed("pay-retry", 1250);
    req.channel = Channel::CardPresent;
    let intent = gw.create_intent(&req).expect("the third attempt succeeds");
    assert_eq!(intent.id, "pi_scripted");

    let requests = server.requests.lock().expect("request log").clone();
    assert_eq!(
        requests.len(),
        3,
        "two retries after two 5xx: {requests:#?}"
    );
    for r in &requests {
        assert_eq!(header(r, "idempotency-key"), Some("pay-retry"), "{r}");
        let body = r.rsplit('\n').next().unwrap_or_default();
        assert!(body.contains("capture_method=manual"), "{body}");
        assert!(body.contains("description=T1-pay-retry"), "{body}");
        assert!(
            body.contains("allowed_payment_method_types[0]=card_present")
                || body.contains("allowed_payment_method_types%5B0%5D=card_present"),
            "{body}"
        );
        assert!(
            !body
                .split('&')
                .any(|p| p.starts_with("payment_method_types")),
            "only allowed_payment_method_types is sent: {body}"
        );
        assert!(body.contains("currency=eur"), "{body}");
    }
}

#[test]
fn a_refusal_is_not_retried() {
    let server = scripted(vec![
        (
            400,
            "",
            r#"{"error":{"type":"invalid_request_error","code":"parameter_invalid","message":"bad"}}"#
                .to_string(),
        ),
        (200, "", INTENT_JSON.to_string()),
    ]);
    let key = StripeKey::parse(support::TEST_KEY).expect("test key");
    let gw = StripeGateway::new(&key, Some(&server.base_url))
        .expect("gateway")
        .with_retry(4, Duration::from_millis(5));
    let err = gw
        .create_intent(&keyed("pay-bad", 1))
        .expect_err("400 is final");
    match err {
        GatewayError::Rejected { status, code, .. } => {
            assert_eq!((status, code.as_deref()), (400, Some("parameter_invalid")));
        }
        other => panic!("expected Rejected, got {other:?}"),
    }
    assert_eq!(server.requests.lock().expect("request log").len(), 1);
}

#[test]
fn ping_reads_the_server_clock() {
    let server = scripted(vec![(
        200,
        "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n",
        r#"{"object":"list","data":[],"has_more":false}"#.to_string(),
    )]);
    let key = StripeKey::parse(support::TEST_KEY).expect("test key");
    let gw = StripeGateway::new(&key, Some(&server.base_url)).expect("gateway");
    let ping = gw.ping().expect("ping");
    assert_eq!(ping.server_time, Some(784_111_777));
    let requests = server.requests.lock().expect("request log").clone();
    assert!(
        requests[0].starts_with("GET /v1/terminal/readers?limit=1 "),
        "{requests:?}"
    );
    assert_eq!(
        header(&requests[0], "authorization"),
        Some(format!("Bearer {}", support::TEST_KEY).as_str())
    );
}

#[test]
fn test_cards_are_refused_in_live_mode_without_a_request() {
    let server = scripted(vec![(200, "", "{}".to_string())]);
    let key = StripeKey::parse("sk_live_versaposlivekey01").expect("live key");
    let gw = StripeGateway::new(&key, Some(&server.base_url)).expect("gateway");
    let err = gw
        .present_card("tmr_1", TestCard::Approved)
        .expect_err("no test cards in live mode");
    assert!(matches!(err, GatewayError::Unsupported(_)), "{err:?}");
    std::thread::sleep(Duration::from_millis(50));
    assert!(server.requests.lock().expect("request log").is_empty());
}

#[test]
fn present_card_posts_the_test_card_number_to_the_reader_test_helper() {
    let reader = r#"{"id":"tmr_1","object":"terminal.reader","device_type":"simulated_wisepos_e","serial_number":"SIM-1","status":"online","action":{"type":"process_payment_intent","status":"succeeded","process_payment_intent":{"payment_intent":"pi_1"}}}"#;
    let server = scripted(vec![(200, "", reader.to_string())]);
    let key = StripeKey::parse(support::TEST_KEY).expect("test key");
    let gw = StripeGateway::new(&key, Some(&server.base_url)).expect("gateway");
    let answer = gw
        .present_card("tmr_1", TestCard::InsufficientFunds)
        .expect("present a test card");
    assert_eq!(
        answer.action.and_then(|a| a.intent).as_deref(),
        Some("pi_1")
    );
    let requests = server.requests.lock().expect("request log").clone();
    let r = &requests[0];
    assert!(
        r.starts_with("POST /v1/test_helpers/terminal/readers/tmr_1/present_payment_method "),
        "{r}"
    );
    let body = r.rsplit('\n').next().unwrap_or_default();
    let mut params: Vec<&str> = body.split('&').collect();
    params.sort_unstable();
    assert_eq!(
        params,
        ["card_present[number]=4000000000009995", "type=card_present"],
        "{body}"
    );
}
