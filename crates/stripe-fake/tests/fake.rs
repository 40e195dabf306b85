//! The fake Stripe over real loopback HTTP: its answers parse in async-stripe's own types, it
//! behaves like Stripe's Terminal flow, and its faults do what they say.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use versapos_stripe_fake::{FakeStripe, TEST_KEY};

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("the fake answers JSON")
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Parses the body in async-stripe's type, as the Stripe client will.
    fn stripe<T: miniserde::Deserialize>(&self) -> T {
        miniserde::json::from_str(&self.body).unwrap_or_else(|_| {
            panic!(
                "async-stripe cannot read this as {}: {}",
                std::any::type_name::<T>(),
                self.body
            )
        })
    }
}

struct Client {
    base: String,
    agent: ureq::Agent,
    key: Option<String>,
}

fn client(fake: &FakeStripe) -> Client {
    client_with_timeout(fake, Duration::from_secs(10))
}

fn client_with_timeout(fake: &FakeStripe, timeout: Duration) -> Client {
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .build()
        .new_agent();
    Client {
        base: fake.url(),
        agent,
        key: Some(TEST_KEY.to_string()),
    }
}

fn read(response: ureq::http::Response<ureq::Body>) -> Answer {
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or_default().to_string()))
        .collect();
    let body = response
        .into_body()
        .read_to_string()
        .expect("a readable body");
    Answer {
        status,
        headers,
        body,
    }
}

impl Client {
    fn try_post(
        &self,
        path: &str,
        key: Option<&str>,
        form: &[(&str, &str)],
    ) -> Result<Answer, ureq::Error> {
        let mut req = self.agent.post(format!("{}{path}", self.base));
        if let Some(k) = &self.key {
            req = req.header("Authorization", format!("Bearer {k}"));
        }
        if let Some(key) = key {
            req = req.header("Idempotency-Key", key);
        }
        req.send_form(form.iter().copied()).map(read)
    }

    fn post(&self, path: &str, key: Option<&str>, form: &[(&str, &str)]) -> Answer {
        self.try_post(path, key, form)
            .unwrap_or_else(|e| panic!("POST {path} failed: {e}"))
    }

    fn get(&self, path: &str) -> Answer {
        let mut req = self.agent.get(format!("{}{path}", self.base));
        if let Some(k) = &self.key {
            req = req.header("Authorization", format!("Bearer {k}"));
        }
        req.call()
            .map(read)
            .unwrap_or_else(|e| panic!("GET {path} failed: {e}"))
    }

    fn create_intent(&self, key: &str, amount: &str) -> Answer {
        self.post(
            "/v1/payment_intents",
            Some(key),
            &[
                ("amount", amount),
                ("currency", "eur"),
                ("capture_method", "manual"),
                ("allowed_payment_method_types[0]", "card_present"),
                ("metadata[order_id]", "order-1"),
                ("metadata[till_id]", "T1"),
                ("description", "T1-000001"),
            ],
        )
    }
}

fn first_reader(c: &Client) -> String {
    let list = c.get("/v1/terminal/readers?limit=10").json();
    list["data"][0]["id"]
        .as_str()
        .expect("a seeded reader")
        .to_string()
}

#[test]
fn requests_without_a_test_key_are_refused_with_stripe_error_json_and_a_date() {
    let fake = FakeStripe::start();
    let mut c = client(&fake);
    c.key = None;
    let a = c.get("/v1/terminal/readers");
    assert_eq!(a.status, 401);
    let body = a.json();
    assert_eq!(body["error"]["type"], "invalid_request_error");
    assert!(body["error"]["message"].as_str().is_some());
    let date = a.header("date").expect("a Date header");
    assert!(date.ends_with(" GMT"), "date {date}");
    c.key = Some("sk_live_real_money".to_string());
    assert_eq!(c.get("/v1/terminal/readers").status, 401);
    c.key = Some("rk_test_restricted".to_string());
    assert_eq!(c.get("/v1/terminal/readers").status, 200);
}

#[test]
fn readers_locations_customers_and_balance_parse_in_async_stripe_types() {
    let fake = FakeStripe::start();
    let c = client(&fake);
    let readers = c.get("/v1/terminal/readers?limit=1");
    assert_eq!(readers.status, 200, "{}", readers.body);
    let parsed: stripe_types::List<stripe_terminal::TerminalReader> = readers.stripe();
    assert_eq!(parsed.data.len(), 1);
    assert!(!parsed.has_more);
    let locations = c.get("/v1/terminal/locations");
    let parsed: stripe_types::List<stripe_terminal::TerminalLocation> = locations.stripe();
    let default_location = parsed.data[0].id.to_string();

    let created = c.post(
        "/v1/terminal/locations",
        None,
        &[
            ("display_name", "Shop floor"),
            ("address[line1]", "1 High Street"),
            ("address[city]", "Leeds"),
            ("address[postal_code]", "LS1 1AA"),
            ("address[country]", "GB"),
        ],
    );
    assert_eq!(created.status, 200, "{}", created.body);
    let location: stripe_terminal::TerminalLocation = created.stripe();
    assert_eq!(location.display_name, "Shop floor");

    let bad = c.post(
        "/v1/terminal/readers",
        None,
        &[
            ("registration_code", "apple-pie"),
            ("location", &default_location),
        ],
    );
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["error"]["code"], "invalid_registration_code");
    let registered = c.post(
        "/v1/terminal/readers",
        None,
        &[
            ("registration_code", "simulated-wpe"),
            ("label", "Till 2"),
            ("location", location.id.as_str()),
        ],
    );
    assert_eq!(registered.status, 200, "{}", registered.body);
    let reader: stripe_terminal::TerminalReader = registered.stripe();
    assert_eq!(reader.label, "Till 2");
    let at_location = c.get(&format!("/v1/terminal/readers?location={}", location.id));
    assert_eq!(at_location.json()["data"].as_array().map(Vec::len), Some(1));
    let page = c.get("/v1/terminal/readers?limit=1");
    assert_eq!(page.json()["has_more"], true, "two readers, a page of one");

    let customer = c.post(
        "/v1/customers",
        None,
        &[("name", "Ada Lovelace"), ("email", "ada@example.com")],
    );
    let parsed: stripe_shared::Customer = customer.stripe();
    assert_eq!(parsed.email.as_deref(), Some("ada@example.com"));
    let balance = c.get("/v1/balance");
    let _: stripe_core::Balance = balance.stripe();
}

#[test]
fn terminal_sale_process_present_capture_refund_in_async_stripe_types() {
    let fake = FakeStripe::start();
    let c = client(&fake);
    let reader = first_reader(&c);
    let created = c.create_intent("pay-1", "1250");
    assert_eq!(created.status, 200, "{}", created.body);
    let pi: stripe_shared::PaymentIntent = created.stripe();
    assert_eq!(pi.amount, 1250);
    let pi_id = pi.id.to_string();
    assert_eq!(created.json()["metadata"]["order_id"], "order-1");
    assert_eq!(created.json()["status"], "requires_payment_method");

    let processing = c.post(
        &format!("/v1/terminal/readers/{reader}/process_payment_intent"),
        Some("pay-1-process"),
        &[("payment_intent", &pi_id)],
    );
    assert_eq!(processing.status, 200, "{}", processing.body);
    let _: stripe_terminal::TerminalReader = processing.stripe();
    let action = &processing.json()["action"];
    assert_eq!(action["status"], "in_progress");
    assert_eq!(
        action["process_payment_intent"]["payment_intent"],
        pi_id.as_str()
    );

    let busy = c.post(
        &format!("/v1/terminal/readers/{reader}/process_payment_intent"),
        None,
        &[("payment_intent", &pi_id)],
    );
    assert_eq!(busy.status, 409);
    assert_eq!(busy.json()["error"]["code"], "terminal_reader_busy");

    let presented = c.post(
        &format!("/v1/test_helpers/terminal/readers/{reader}/present_payment_method"),
        None,
        &[
            ("type", "card_present"),
            ("card_present[number]", "4242424242424242"),
        ],
    );
    assert_eq!(presented.status, 200, "{}", presented.body);
    let _: stripe_terminal::TerminalReader = presented.stripe();
    assert_eq!(presented.json()["action"]["status"], "succeeded");

    let authorised = c.get(&format!(
        "/v1/payment_intents/{pi_id}?expand[]=latest_charge&expand[]=payment_method"
    ));
    let _: stripe_shared::PaymentIntent = authorised.stripe();
    let body = authorised.json();
    assert_eq!(body["status"], "requires_capture");
    assert_eq!(body["amount_capturable"], 1250);
    assert_eq!(
        body["latest_charge"]["payment_method_details"]["card_present"]["last4"],
        "4242"
    );
    assert_eq!(body["payment_method"]["card_present"]["brand"], "visa");

    let captured = c.post(
        &format!("/v1/payment_intents/{pi_id}/capture"),
        Some("pay-1-capture"),
        &[],
    );
    assert_eq!(captured.status, 200, "{}", captured.body);
    let captured: stripe_shared::PaymentIntent = captured.stripe();
    assert_eq!(captured.amount_received, 1250);

    let refund = c.post(
        "/v1/refunds",
        Some("refund-1"),
        &[
            ("payment_intent", &pi_id),
            ("amount", "250"),
            ("metadata[order_id]", "order-1"),
        ],
    );
    assert_eq!(refund.status, 200, "{}", refund.body);
    let parsed: stripe_shared::Refund = refund.stripe();
    assert_eq!(parsed.amount, 250);
    assert_eq!(refund.json()["status"], "succeeded");
    let too_much = c.post(
        "/v1/refunds",
        Some("refund-2"),
        &[("payment_intent", &pi_id), ("amount", "1001")],
    );
    assert_eq!(too_much.status, 400);
    assert_eq!(too_much.json()["error"]["code"], "amount_too_large");
}

#[test]
fn declined_card_fails_the_action_and_the_same_intent_is_processed_again() {
    let fake = FakeStripe::start();
    let c = client(&fake);
    let reader = first_reader(&c);
    let pi = c.create_intent("pay-2", "900").json()["id"]
        .as_str()
        .expect("an id")
        .to_string();
    let process = format!("/v1/terminal/readers/{reader}/process_payment_intent");
    let present = format!("/v1/test_helpers/terminal/readers/{reader}/present_payment_method");
    assert_eq!(
        c.post(&process, None, &[("payment_intent", &pi)]).status,
        200
    );
    let declined = c.post(
        &present,
        None,
        &[("card_present[number]", "4000000000009995")],
    );
    let action = &declined.json()["action"];
    assert_eq!(action["status"], "failed");
    assert_eq!(action["failure_code"], "card_declined");
    let _: stripe_terminal::TerminalReader = declined.stripe();
    let intent = c.get(&format!("/v1/payment_intents/{pi}"));
    let _: stripe_shared::PaymentIntent = intent.stripe();
    let body = intent.json();
    assert_eq!(body["status"], "requires_payment_method");
    assert_eq!(
        body["last_payment_error"]["decline_code"],
        "insufficient_funds"
    );
    assert_eq!(body["last_payment_error"]["type"], "card_error");

    assert_eq!(
        c.post(&process, None, &[("payment_intent", &pi)]).status,
        200
    );
    let approved = c.post(&present, None, &[]);
    assert_eq!(approved.json()["action"]["status"], "succeeded");
    let body = c.get(&format!("/v1/payment_intents/{pi}")).json();
    assert_eq!(body["status"], "requires_capture");
    assert_eq!(body["last_payment_error"], Value::Null);

    let unknown = c.post(&present, None, &[("card_present[number]", "1234")]);
    assert_eq!(unknown.status, 400);
}

#[test]
fn keyed_confirm_decline_answers_402_card_error_with_the_intent() {
    let fake = FakeStripe::start();
    let c = client(&fake);
    let created = c.post(
        "/v1/payment_intents",
        Some("keyed-1"),
        &[
            ("amount", "3000"),
            ("currency", "usd"),
            ("capture_method", "manual"),
            ("allowed_payment_method_types[0]", "card"),
        ],
    );
    let pi = created.json()["id"].as_str().expect("an id").to_string();
    let declined = c.post(
        &format!("/v1/payment_intents/{pi}/confirm"),
        None,
        &[("payment_method", "pm_card_chargeDeclinedLostCard")],
    );
    assert_eq!(declined.status, 402);
    let error = &declined.json()["error"];
    assert_eq!(error["type"], "card_error");
    assert_eq!(error["decline_code"], "lost_card");
    assert_eq!(error["payment_intent"]["id"], pi.as_str());
    let ok = c.post(
        &format!("/v1/payment_intents/{pi}/confirm"),
        None,
        &[("payment_method", "pm_card_visa")],
    );
    assert_eq!(ok.json()["status"], "requires_capture");
}

#[test]
fn reader_offline_and_cancel_action() {
    let fake = FakeStripe::start();
    let c = client(&fake);
    let reader = first_reader(&c);
    let pi = c.create_intent("pay-3", "500").json()["id"]
        .as_str()
        .expect("an id")
        .to_string();
    let process = format!("/v1/terminal/readers/{reader}/process_payment_intent");
    let offline = c.post(&format!("/_fake/readers/{reader}/offline"), None, &[]);
    assert_eq!(offline.status, 200, "{}", offline.body);
    let refused = c.post(&process, None, &[("payment_intent", &pi)]);
    assert_eq!(refused.status, 400);
    assert_eq!(refused.json()["error"]["code"], "terminal_reader_offline");
    fake.set_reader_online(&reader, true).expect("back online");

    let cancel = format!("/v1/terminal/readers/{reader}/cancel_action");
    assert_eq!(c.post(&cancel, None, &[]).status, 400, "nothing to cancel");
    assert_eq!(
        c.post(&process, None, &[("payment_intent", &pi)]).status,
        200
    );
    let canceled = c.post(&cancel, None, &[]);
    assert_eq!(canceled.status, 200);
    assert_eq!(canceled.json()["action"]["status"], "failed");
    assert_eq!(canceled.json()["action"]["failure_code"], "canceled");
    let intent = c.post(
        &format!("/v1/payment_intents/{pi}/cancel"),
        None,
        &[("cancellation_reason", "requested_by_customer")],
    );
    assert_eq!(intent.json()["status"], "canceled");
}

#[test]
fn idempotency_key_replays_the_first_answer_and_refuses_other_parameters() {
    let fake = FakeStripe::start();
    let c = client(&fake);
    let first = c.create_intent("pay-4", "700");
    let again = c.create_intent("pay-4", "700");
    assert_eq!(first.json()["id"], again.json()["id"]);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(fake.with_sim(|s| s.intents().len()), 1);
    let other = c.create_intent("pay-4", "701");
    assert_eq!(other.status, 400);
    assert_eq!(other.json()["error"]["type"], "idempotency_error");
}

#[test]
fn unknown_parameters_and_routes_are_refused() {
    let fake = FakeStripe::start();
    let c = client(&fake);
    let a = c.post(
        "/v1/payment_intents",
        None,
        &[("amount", "100"), ("currency", "eur"), ("colour", "blue")],
    );
    assert_eq!(a.status, 400);
    assert_eq!(a.json()["error"]["code"], "parameter_unknown");
    let missing = c.post("/v1/payment_intents", None, &[("currency", "eur")]);
    assert_eq!(missing.json()["error"]["code"], "parameter_missing");
    assert_eq!(c.get("/v1/charges/nope/whatever").status, 404);
    assert_eq!(c.get("/v1/payment_intents/pi_missing").status, 404);
}

#[test]
fn injected_500s_then_success_are_logged_with_their_keys() {
    let fake = FakeStripe::start();
    let c = client(&fake);
    fake.fail_next("/v1/payment_intents", 2, 500);
    assert_eq!(c.create_intent("pay-5", "100").status, 500);
    assert_eq!(c.create_intent("pay-5", "100").status, 500);
    let ok = c.create_intent("pay-5", "100");
    assert_eq!(ok.status, 200);
    let log = fake.requests_to("POST", "/v1/payment_intents");
    let statuses: Vec<Option<u16>> = log.iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![Some(500), Some(500), Some(200)]);
    assert!(log
        .iter()
        .all(|r| r.idempotency_key.as_deref() == Some("pay-5")));
    let over_http = c.get("/_fake/requests").json();
    assert_eq!(
        over_http["data"].as_array().map(Vec::len),
        Some(3),
        "only /v1 requests are logged"
    );
}

#[test]
fn cut_connection_after_create_then_retry_finds_the_same_intent() {
    let fake = FakeStripe::start();
    let c = client(&fake);
    fake.cut_after("/v1/payment_intents", 1);
    let cut = c.try_post(
        "/v1/payment_intents",
        Some("pay-6"),
        &[
            ("amount", "100"),
            ("currency", "eur"),
            ("allowed_payment_method_types[0]", "card_present"),
        ],
    );
    assert!(cut.is_err(), "the connection must be cut without an answer");
    assert_eq!(
        fake.with_sim(|s| s.intents().len()),
        1,
        "processed before the cut"
    );
    let retry = c.post(
        "/v1/payment_intents",
        Some("pay-6"),
        &[
            ("amount", "100"),
            ("currency", "eur"),
            ("allowed_payment_method_types[0]", "card_present"),
        ],
    );
    assert_eq!(retry.status, 200);
    let id = fake.with_sim(|s| s.intents()[0].id.clone());
    assert_eq!(retry.json()["id"], id.as_str());
    assert_eq!(fake.with_sim(|s| s.intents().len()), 1);
    let log = fake.requests_to("POST", "/v1/payment_intents");
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].status, None);
}

#[test]
fn slow_answers_time_out_and_http_controls_work() {
    let fake = FakeStripe::start();
    let slow = client_with_timeout(&fake, Duration::from_millis(300));
    let set = slow.post(
        "/_fake/delay",
        None,
        &[("prefix", "/v1/balance"), ("ms", "1500")],
    );
    assert_eq!(set.status, 200, "{}", set.body);
    let started = std::time::Instant::now();
    let err = slow.agent.get(format!("{}/v1/balance", fake.url())).call();
    assert!(err.is_err(), "a 1.5 s answer must time out a 300 ms client");
    assert!(started.elapsed() < Duration::from_millis(1400));
    assert_eq!(
        slow.get("/v1/terminal/readers").status,
        200,
        "other paths are not slowed"
    );
    let c = client(&fake);
    assert_eq!(c.post("/_fake/delay", None, &[("ms", "0")]).status, 200);
    assert_eq!(slow.get("/v1/balance").status, 200, "delays cleared");

    assert_eq!(
        c.post(
            "/_fake/fail",
            None,
            &[
                ("prefix", "/v1/customers"),
                ("count", "1"),
                ("status", "503")
            ]
        )
        .status,
        200
    );
    assert_eq!(c.get("/v1/customers").status, 503);
    assert_eq!(c.get("/v1/customers").status, 200);
    assert_eq!(c.post("/_fake/reset", None, &[]).status, 200);
    assert!(fake.requests().is_empty(), "reset empties the log");
}

#[test]
fn the_binary_prints_its_address_and_serves() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_versapos-stripe-fake"))
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the binary");
    let stdout = child.stdout.take().expect("its stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("a first line");
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .map(str::to_string);
    let status = url.as_ref().map(|url| {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .new_agent()
            .get(format!("{url}/v1/terminal/readers"))
            .header("Authorization", format!("Bearer {TEST_KEY}"))
            .call()
            .map(|r| r.status().as_u16())
    });
    child.kill().expect("stop the binary");
    let _ = child.wait();
    let url = url.unwrap_or_else(|| panic!("unexpected first line: {line}"));
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(matches!(status, Some(Ok(200))), "{status:?}");
}
