//! The setup doctor's look at the webhook relay: is one set up for this till, does it answer,
//! does it take this till's token, and does a Stripe webhook endpoint send it the events the till
//! needs at the API version the till is built for.

use std::time::Duration;
use versapos_core::{CheckStatus, SetupCheck};
use versapos_secrets::{RelayError, RelaySettings};

/// The API version the tills are built against (async-stripe's pin); the webhook endpoint's
/// events must come in this shape.
pub const API_VERSION: &str = "2026-09-30.endive";

/// The events the till applies; the relay's webhook endpoint must send them.
pub const EVENTS: &[&str] = &[
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.canceled",
    "payment_intent.amount_capturable_updated",
    "charge.refunded",
    "charge.refund.updated",
    "charge.dispute.created",
    "charge.dispute.closed",
    "terminal.reader.action_succeeded",
    "terminal.reader.action_failed",
];

fn finding(
    id: &str,
    title: &str,
    status: CheckStatus,
    detail: String,
    fix: Option<String>,
) -> SetupCheck {
    SetupCheck {
        id: id.into(),
        title: title.into(),
        status,
        detail,
        fix,
    }
}

fn agent() -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(5)))
        .timeout_global(Some(Duration::from_secs(10)))
        .http_status_as_error(false)
        .build();
    ureq::Agent::new_with_config(config)
}

/// The relay checks: `relay` (set up, answering, this till's token accepted) and, when a Stripe key
/// is given, `webhook` (an endpoint at the relay with the till's events and API version).
/// `stripe`: the key's text and the API base (Stripe's own, or the override).
pub fn checks(
    relay: Result<Option<RelaySettings>, RelayError>,
    stripe: Option<(&str, &str)>,
) -> Vec<SetupCheck> {
    const TITLE: &str = "Webhook relay";
    let relay = match relay {
        Ok(Some(r)) => r,
        Ok(None) => {
            return vec![finding(
                "relay",
                TITLE,
                CheckStatus::Warn,
                "No webhook relay is set up for this till: it learns how card payments ended by \
                 asking Stripe (every minute for payments in doubt), not the moment they end."
                    .into(),
                Some(
                    "Run versapos-relay for the shop (docs/relay.md), then on this till: \
                     VERSAPOS_RELAY_TOKEN=… versapos relay set --url https://your-relay"
                        .into(),
                ),
            )]
        }
        Err(e) => {
            return vec![finding(
                "relay",
                TITLE,
                CheckStatus::Fail,
                format!("The relay settings in the keychain cannot be used: {e}"),
                Some("Set them again: versapos relay set --url https://your-relay".into()),
            )]
        }
    };
    let base = relay.url.trim_end_matches('/').to_string();
    let agent = agent();
    // A cursor past any event: the relay answers at once and sends nothing back.
    let probe = format!("{base}/v1/events?after={}&wait=0", i64::MAX / 2);
    let answer = agent
        .get(&probe)
        .header("Authorization", &format!("Bearer {}", relay.token.expose()))
        .call();
    let mut out =
        vec![match answer {
        Ok(r) if r.status().is_success() => finding(
            "relay",
            TITLE,
            CheckStatus::Ok,
            format!("{base} answers and takes this till's token."),
            None,
        ),
        Ok(r) if r.status().as_u16() == 401 || r.status().as_u16() == 403 => finding(
            "relay",
            TITLE,
            CheckStatus::Fail,
            format!("{base} refused this till's token ({}).", relay.token.last4()),
            Some(
                "Make a token for this till on the relay (versapos-relay tills add SHOP NAME) and \
                 store it: VERSAPOS_RELAY_TOKEN=… versapos relay set --url …"
                    .into(),
            ),
        ),
        Ok(r) => finding(
            "relay",
            TITLE,
            CheckStatus::Fail,
            format!("{base} answered {} instead of the till's events.", r.status()),
            Some("Check the relay's address (versapos relay show) and its log.".into()),
        ),
        Err(e) => finding(
            "relay",
            TITLE,
            CheckStatus::Fail,
            format!("{base} cannot be reached: {e}"),
            Some(
                "Check that versapos-relay runs and that this till can reach it (network, TLS \
                 proxy)."
                    .into(),
            ),
        ),
    }];
    if let Some((key, api)) = stripe {
        out.push(webhook_check(&agent, &base, key, api));
    }
    out
}

/// Whether a Stripe webhook endpoint delivers the till's events to the relay, at the till's API
/// version.
fn webhook_check(agent: &ureq::Agent, relay: &str, key: &str, api: &str) -> SetupCheck {
    const TITLE: &str = "Stripe webhook endpoint";
    let url = format!(
        "{}/v1/webhook_endpoints?limit=100",
        api.trim_end_matches('/')
    );
    let answer = agent
        .get(&url)
        .header("Authorization", &format!("Bearer {key}"))
        .call();
    let mut response = match answer {
        Ok(r) => r,
        Err(e) => {
            return finding(
                "webhook",
                TITLE,
                CheckStatus::Skip,
                format!("Stripe could not be asked for its webhook endpoints: {e}"),
                None,
            )
        }
    };
    let status = response.status().as_u16();
    if status == 401 || status == 403 || status == 404 {
        return finding(
            "webhook",
            TITLE,
            CheckStatus::Warn,
            format!("This key may not read the account's webhook endpoints (Stripe answered {status})."),
            Some(
                "Give the restricted key \"Webhook Endpoints: read\", or check the endpoint in the \
                 Dashboard by hand (docs/relay.md)."
                    .into(),
            ),
        );
    }
    let text = response.body_mut().read_to_string().unwrap_or_default();
    let body: serde_json::Value = match serde_json::from_str(&text) {
        Ok(b) if (200..300).contains(&status) => b,
        _ => {
            return finding(
                "webhook",
                TITLE,
                CheckStatus::Skip,
                format!("Stripe answered {status} without a list of webhook endpoints."),
                None,
            )
        }
    };
    let endpoints = body
        .get("data")
        .and_then(serde_json::Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mine: Vec<&serde_json::Value> = endpoints
        .iter()
        .filter(|e| {
            e.get("url")
                .and_then(serde_json::Value::as_str)
                .is_some_and(|u| u.starts_with(relay))
        })
        .collect();
    let Some(endpoint) = mine.first() else {
        return finding(
            "webhook",
            TITLE,
            CheckStatus::Fail,
            format!("No webhook endpoint on this Stripe account sends events to {relay}."),
            Some(format!(
                "Add one in the Dashboard (Developers → Webhooks): URL {relay}/webhooks/stripe/SHOP, \
                 API version {API_VERSION}, events: {}.",
                EVENTS.join(", ")
            )),
        );
    };
    let text = |k: &str| {
        endpoint
            .get(k)
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let enabled: Vec<String> = endpoint
        .get("enabled_events")
        .and_then(serde_json::Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let missing: Vec<&str> = if enabled.iter().any(|e| e == "*") {
        Vec::new()
    } else {
        EVENTS
            .iter()
            .copied()
            .filter(|e| !enabled.iter().any(|x| x == e))
            .collect()
    };
    let version = text("api_version");
    let mut problems = Vec::new();
    if text("status") == "disabled" {
        problems.push("it is disabled".to_string());
    }
    if !missing.is_empty() {
        problems.push(format!("it does not send {}", missing.join(", ")));
    }
    if !version.is_empty() && version != API_VERSION {
        problems.push(format!(
            "its API version is {version}, the till reads {API_VERSION}"
        ));
    }
    let url = text("url");
    if problems.is_empty() {
        finding(
            "webhook",
            TITLE,
            CheckStatus::Ok,
            format!("{url} receives the till's events at API version {API_VERSION}."),
            None,
        )
    } else {
        finding(
            "webhook",
            TITLE,
            CheckStatus::Fail,
            format!("The endpoint {url}: {}.", problems.join("; ")),
            Some(format!(
                "Edit it in the Dashboard (Developers → Webhooks): API version {API_VERSION}, \
                 events: {}.",
                EVENTS.join(", ")
            )),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;
    use versapos_secrets::{parse_relay_url, RelayToken};

    /// A loopback server answering each request by its path (first match of `routes`).
    fn serve(routes: Vec<(&'static str, u16, String)>) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut first = String::new();
                if reader.read_line(&mut first).is_err() {
                    continue;
                }
                let mut auth = String::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if line.to_ascii_lowercase().starts_with("authorization:") {
                        auth = line.trim().to_string();
                    }
                }
                let path = first.split_whitespace().nth(1).unwrap_or("").to_string();
                let (status, body) = routes
                    .iter()
                    .find(|(p, _, _)| path.starts_with(p))
                    .map(|(_, s, b)| (*s, b.clone()))
                    .unwrap_or((404, "{}".into()));
                let status = if auth.ends_with("Bearer wrong-token-000000000000") {
                    401
                } else {
                    status
                };
                let mut out = stream;
                let _ = write!(
                    out,
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        format!("http://{addr}")
    }

    fn settings(url: &str, token: &str) -> RelaySettings {
        RelaySettings {
            url: parse_relay_url(url).expect("relay url"),
            token: RelayToken::parse(token).expect("token"),
        }
    }

    fn endpoint(url: &str, events: &[&str], version: &str) -> String {
        serde_json::json!({ "object": "list", "data": [{
            "id": "we_1", "object": "webhook_endpoint", "url": url, "status": "enabled",
            "enabled_events": events, "api_version": version,
        }]})
        .to_string()
    }

    const TOKEN: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn no_relay_is_a_warning_with_the_way_to_set_one_up() {
        let c = checks(Ok(None), None);
        assert_eq!(c.len(), 1);
        assert_eq!((c[0].id.as_str(), c[0].status.as_str()), ("relay", "warn"));
        assert!(c[0]
            .fix
            .as_deref()
            .is_some_and(|f| f.contains("versapos relay set")));
    }

    #[test]
    fn a_relay_that_answers_and_an_endpoint_with_every_event_pass() {
        let relay = serve(vec![(
            "/v1/events",
            200,
            r#"{"events":[],"cursor":0}"#.into(),
        )]);
        let stripe = serve(vec![(
            "/v1/webhook_endpoints",
            200,
            endpoint(
                &format!("{relay}/webhooks/stripe/shop"),
                EVENTS,
                API_VERSION,
            ),
        )]);
        let c = checks(
            Ok(Some(settings(&relay, TOKEN))),
            Some(("sk_test_x", &stripe)),
        );
        let statuses: Vec<(&str, &str)> = c
            .iter()
            .map(|c| (c.id.as_str(), c.status.as_str()))
            .collect();
        assert_eq!(statuses, vec![("relay", "ok"), ("webhook", "ok")], "{c:?}");
        assert!(
            c.iter().all(|c| !c.detail.contains(TOKEN)),
            "no token: {c:?}"
        );
    }

    #[test]
    fn a_refused_token_an_unreachable_relay_and_a_wrong_endpoint_fail() {
        let relay = serve(vec![(
            "/v1/events",
            200,
            r#"{"events":[],"cursor":0}"#.into(),
        )]);
        let refused = checks(Ok(Some(settings(&relay, "wrong-token-000000000000"))), None);
        assert_eq!(refused[0].status, "fail");
        assert!(refused[0].detail.contains("refused"), "{refused:?}");
        assert!(!refused[0].detail.contains("wrong-token-000000000000"));

        let gone = checks(Ok(Some(settings("http://127.0.0.1:9", TOKEN))), None);
        assert_eq!(gone[0].status, "fail");
        assert!(gone[0].detail.contains("cannot be reached"), "{gone:?}");

        let stripe = serve(vec![(
            "/v1/webhook_endpoints",
            200,
            endpoint(
                &format!("{relay}/webhooks/stripe/shop"),
                &["payment_intent.succeeded"],
                "2024-06-20",
            ),
        )]);
        let c = checks(
            Ok(Some(settings(&relay, TOKEN))),
            Some(("sk_test_x", &stripe)),
        );
        let webhook = &c[1];
        assert_eq!(webhook.status, "fail");
        assert!(webhook.detail.contains("charge.refunded"), "{webhook:?}");
        assert!(webhook.detail.contains("2024-06-20"), "{webhook:?}");

        let none = serve(vec![(
            "/v1/webhook_endpoints",
            200,
            endpoint("https://elsewhere.example/hook", EVENTS, API_VERSION),
        )]);
        let c = checks(
            Ok(Some(settings(&relay, TOKEN))),
            Some(("sk_test_x", &none)),
        );
        assert_eq!(c[1].status, "fail");
        assert!(c[1].detail.contains("No webhook endpoint"), "{:?}", c[1]);

        let forbidden = serve(vec![("/v1/webhook_endpoints", 403, "{}".into())]);
        let c = checks(
            Ok(Some(settings(&relay, TOKEN))),
            Some(("rk_test_x", &forbidden)),
        );
        assert_eq!(c[1].status, "warn");
    }
}
