//! The fake's routes: Stripe's `/v1/…` API over the simulator, and the `/_fake/…` controls.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{json, Value};
use versapos_payments::sim::{CaptureMethod, NewIntent, Simulator};
use versapos_payments::{Address, GatewayError, TestCard};

use crate::http::{HttpRequest, HttpResponse};
use crate::json::{self, Expand};
use crate::{json_response, lock, reset, stripe_error, unix_now, Shared};

/// A request's form parameters, read the way Stripe reads them (`a[b]=…`, `a[0]=…`, `a[]=…`).
struct Form<'a> {
    params: &'a [(String, String)],
}

/// A parameter that is missing or malformed.
struct BadParam(HttpResponse);

type Param<T> = Result<T, BadParam>;

fn bad_param(code: &str, message: String) -> BadParam {
    BadParam(stripe_error(
        400,
        "invalid_request_error",
        Some(code),
        &message,
    ))
}

impl<'a> Form<'a> {
    /// Refuses parameters the route does not know, as Stripe does.
    fn only(&self, known: &[&str]) -> Param<()> {
        for (name, _) in self.params {
            let base = name.split('[').next().unwrap_or(name);
            if !known.contains(&base) {
                return Err(bad_param(
                    "parameter_unknown",
                    format!("Received unknown parameter: {name}"),
                ));
            }
        }
        Ok(())
    }

    fn get(&self, name: &str) -> Option<&'a str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn required(&self, name: &str) -> Param<&'a str> {
        self.get(name).filter(|v| !v.is_empty()).ok_or_else(|| {
            bad_param(
                "parameter_missing",
                format!("Missing required param: {name}."),
            )
        })
    }

    fn integer(&self, name: &str) -> Param<Option<i64>> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v.parse::<i64>().map(Some).map_err(|_| {
                bad_param(
                    "parameter_invalid_integer",
                    format!("Invalid integer: {v} (for {name})"),
                )
            }),
        }
    }

    fn boolean(&self, name: &str) -> Param<bool> {
        match self.get(name) {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(v) => Err(bad_param(
                "parameter_invalid_boolean",
                format!("Invalid boolean: {v} (for {name})"),
            )),
        }
    }

    /// `name[key]=value` pairs.
    fn map(&self, name: &str) -> BTreeMap<String, String> {
        let prefix = format!("{name}[");
        self.params
            .iter()
            .filter_map(|(n, v)| {
                let key = n.strip_prefix(&prefix)?.strip_suffix(']')?;
                Some((key.to_string(), v.clone()))
            })
            .collect()
    }

    /// `name[0]=…&name[1]=…` or `name[]=…` values, in order.
    fn list(&self, name: &str) -> Vec<String> {
        let prefix = format!("{name}[");
        let mut indexed: Vec<(usize, String)> = Vec::new();
        for (i, (n, v)) in self.params.iter().enumerate() {
            if let Some(index) = n.strip_prefix(&prefix).and_then(|r| r.strip_suffix(']')) {
                let order = index.parse::<usize>().unwrap_or(usize::MAX / 2 + i);
                indexed.push((order, v.clone()));
            }
        }
        indexed.sort_by_key(|(i, _)| *i);
        indexed.into_iter().map(|(_, v)| v).collect()
    }

    fn expand(&self) -> Expand {
        Expand::from_list(&self.list("expand"))
    }
}

fn ok(value: Value) -> HttpResponse {
    json_response(200, &value)
}

fn sim_error(err: &GatewayError, declined_intent: Option<Value>) -> HttpResponse {
    let (status, body) = json::error(err, declined_intent);
    json_response(status, &body)
}

fn not_found(path: &str) -> HttpResponse {
    stripe_error(
        404,
        "invalid_request_error",
        None,
        &format!("Unrecognized request URL: {path}"),
    )
}

/// Pages a list the way Stripe does: `limit` (1–100, default 10), `starting_after`.
fn page(form: &Form<'_>, url: &str, items: Vec<(String, Value)>) -> Param<Value> {
    let limit = form.integer("limit")?.unwrap_or(10);
    if !(1..=100).contains(&limit) {
        return Err(bad_param(
            "parameter_invalid_integer",
            format!("limit must be between 1 and 100, not {limit}"),
        ));
    }
    let start = match form.get("starting_after") {
        None => 0,
        Some(after) => match items.iter().position(|(id, _)| id == after) {
            Some(i) => i + 1,
            None => {
                return Err(bad_param(
                    "resource_missing",
                    format!("No such object: '{after}'"),
                ))
            }
        },
    };
    let rest: Vec<Value> = items.into_iter().skip(start).map(|(_, v)| v).collect();
    let limit = limit as usize;
    let has_more = rest.len() > limit;
    Ok(json::list(
        url,
        rest.into_iter().take(limit).collect(),
        has_more,
    ))
}

/// Answers one authenticated `/v1/…` request.
pub fn route(shared: &Shared, request: &HttpRequest, params: &[(String, String)]) -> HttpResponse {
    let form = Form { params };
    let mut sim = lock(&shared.sim);
    sim.set_now(unix_now());
    let key = request.header("idempotency-key");
    let segments: Vec<&str> = request.path.trim_matches('/').split('/').collect();
    let result = match (request.method.as_str(), segments.as_slice()) {
        ("POST", ["v1", "payment_intents"]) => create_intent(&mut sim, &form, key),
        ("GET", ["v1", "payment_intents", id]) => read(&form, &["expand", "client_secret"], || {
            sim.intent(id).map(|i| json::intent(&i, form.expand()))
        }),
        ("POST", ["v1", "payment_intents", id]) => (|| {
            form.only(&["payment_method", "metadata", "description", "expand"])?;
            Ok(sim
                .update_intent(
                    id,
                    form.get("payment_method"),
                    &form.map("metadata"),
                    form.get("description"),
                )
                .map(|i| json::intent(&i, form.expand())))
        })(),
        ("POST", ["v1", "payment_intents", id, "confirm"]) => confirm_intent(&mut sim, &form, id),
        ("POST", ["v1", "payment_intents", id, "capture"]) => (|| {
            form.only(&["amount_to_capture", "expand", "metadata", "final_capture"])?;
            let amount = form.integer("amount_to_capture")?;
            Ok(sim
                .capture_intent(id, amount, key)
                .map(|i| json::intent(&i, form.expand())))
        })(),
        ("POST", ["v1", "payment_intents", id, "cancel"]) => (|| {
            form.only(&["cancellation_reason", "expand"])?;
            let reason = form.get("cancellation_reason");
            Ok(sim
                .cancel_intent(id, reason)
                .map(|i| json::intent(&i, form.expand())))
        })(),
        ("POST", ["v1", "refunds"]) => create_refund(&mut sim, &form, key),
        ("GET", ["v1", "refunds"]) => (|| {
            form.only(&[
                "limit",
                "starting_after",
                "ending_before",
                "payment_intent",
                "charge",
                "expand",
            ])?;
            let intent = form.get("payment_intent");
            if let Some(id) = intent {
                if let Err(e) = sim.intent(id) {
                    return Ok(Err(e));
                }
            }
            let items = sim
                .refunds(intent)
                .into_iter()
                .map(|r| (r.id.clone(), json::refund(&r)))
                .collect();
            Ok(Ok(page(&form, "/v1/refunds", items)?))
        })(),
        ("GET", ["v1", "disputes", id]) => read(&form, &["expand"], || {
            sim.dispute(id).map(|d| json::dispute(&d))
        }),
        ("GET", ["v1", "refunds", id]) => read(&form, &["expand"], || {
            sim.refund(id).map(|r| json::refund(&r))
        }),
        ("POST", ["v1", "customers"]) => (|| {
            form.only(&[
                "name",
                "email",
                "metadata",
                "description",
                "phone",
                "expand",
            ])?;
            Ok(sim
                .create_customer(form.get("name"), form.get("email"), &form.map("metadata"))
                .map(|c| json::customer(&c)))
        })(),
        ("GET", ["v1", "customers"]) => (|| {
            form.only(&[
                "limit",
                "starting_after",
                "ending_before",
                "email",
                "expand",
            ])?;
            let email = form.get("email");
            let items = sim
                .customers()
                .into_iter()
                .rev()
                .filter(|c| email.is_none() || c.email.as_deref() == email)
                .map(|c| (c.id.clone(), json::customer(&c)))
                .collect();
            Ok(Ok(page(&form, "/v1/customers", items)?))
        })(),
        ("GET", ["v1", "customers", id]) => read(&form, &["expand"], || {
            sim.customer(id).map(|c| json::customer(&c))
        }),
        ("GET", ["v1", "balance"]) => (|| {
            form.only(&["expand"])?;
            Ok(Ok(
                json!({"object": "balance", "available": [], "pending": [], "livemode": false}),
            ))
        })(),
        ("GET", ["v1", "terminal", "locations"]) => (|| {
            form.only(&["limit", "starting_after", "ending_before", "expand"])?;
            let items = sim
                .locations()
                .iter()
                .map(|l| (l.location.id.clone(), json::location(l)))
                .collect();
            Ok(Ok(page(&form, "/v1/terminal/locations", items)?))
        })(),
        ("POST", ["v1", "terminal", "locations"]) => (|| {
            form.only(&[
                "display_name",
                "address",
                "metadata",
                "configuration_overrides",
                "expand",
            ])?;
            let address = form.map("address");
            let address = Address {
                line1: address.get("line1").cloned(),
                city: address.get("city").cloned(),
                postal_code: address.get("postal_code").cloned(),
                country: form.required("address[country]")?.to_string(),
            };
            let name = form.required("display_name")?;
            Ok(sim
                .create_location(name, &address)
                .map(|l| json::location(&l)))
        })(),
        ("GET", ["v1", "terminal", "locations", id]) => read(&form, &["expand"], || {
            sim.location(id).map(|l| json::location(&l))
        }),
        ("GET", ["v1", "terminal", "readers"]) => (|| {
            form.only(&[
                "limit",
                "starting_after",
                "ending_before",
                "location",
                "status",
                "device_type",
                "serial_number",
                "expand",
            ])?;
            let items = sim
                .readers()
                .iter()
                .filter(|r| {
                    form.get("location")
                        .is_none_or(|l| r.location.as_deref() == Some(l))
                })
                .filter(|r| form.get("device_type").is_none_or(|d| r.device_type == d))
                .filter(|r| {
                    form.get("serial_number")
                        .is_none_or(|s| r.serial_number == s)
                })
                .filter(|r| {
                    form.get("status")
                        .is_none_or(|s| json::reader(r)["status"].as_str() == Some(s))
                })
                .map(|r| (r.id.clone(), json::reader(r)))
                .collect();
            Ok(Ok(page(&form, "/v1/terminal/readers", items)?))
        })(),
        ("POST", ["v1", "terminal", "readers"]) => (|| {
            form.only(&[
                "registration_code",
                "label",
                "location",
                "metadata",
                "expand",
            ])?;
            let code = form.required("registration_code")?;
            let location = match form.get("location") {
                Some(l) => l.to_string(),
                None => sim
                    .locations()
                    .first()
                    .map(|l| l.location.id.clone())
                    .unwrap_or_default(),
            };
            let label = form.get("label").unwrap_or_default();
            Ok(sim
                .register_reader(code, label, &location)
                .map(|r| json::reader(&r)))
        })(),
        ("GET", ["v1", "terminal", "readers", id]) => read(&form, &["expand"], || {
            sim.reader(id).map(|r| json::reader(&r))
        }),
        ("POST", ["v1", "terminal", "readers", id, "process_payment_intent"]) => (|| {
            form.only(&["payment_intent", "process_config", "expand"])?;
            let intent = form.required("payment_intent")?;
            Ok(sim
                .process_intent(id, intent, key)
                .map(|r| json::reader(&r)))
        })(),
        ("POST", ["v1", "terminal", "readers", id, "cancel_action"]) => (|| {
            form.only(&["expand"])?;
            Ok(sim.cancel_action(id).map(|r| json::reader(&r)))
        })(),
        ("POST", ["v1", "test_helpers", "terminal", "readers", id, "present_payment_method"]) => {
            present(&mut sim, &form, id)
        }
        _ => return not_found(&request.path),
    };
    match result {
        Ok(Ok(value)) => ok(value),
        Ok(Err(GatewayError::Declined(d))) => {
            // A declined confirm: Stripe puts the PaymentIntent in the error.
            let intent = match segments.as_slice() {
                ["v1", "payment_intents", id, "confirm"] => sim
                    .intent(id)
                    .ok()
                    .map(|i| json::intent(&i, Expand::default())),
                _ => None,
            };
            sim_error(&GatewayError::Declined(d), intent)
        }
        Ok(Err(e)) => sim_error(&e, None),
        Err(BadParam(response)) => response,
    }
}

fn read(
    form: &Form<'_>,
    known: &[&str],
    f: impl FnOnce() -> Result<Value, GatewayError>,
) -> Param<Result<Value, GatewayError>> {
    form.only(known)?;
    Ok(f())
}

fn create_intent(
    sim: &mut Simulator,
    form: &Form<'_>,
    key: Option<&str>,
) -> Param<Result<Value, GatewayError>> {
    form.only(&[
        "amount",
        "currency",
        "capture_method",
        "allowed_payment_method_types",
        "payment_method_types",
        "metadata",
        "description",
        "customer",
        "confirm",
        "payment_method",
        "payment_method_options",
        "receipt_email",
        "statement_descriptor",
        "statement_descriptor_suffix",
        "expand",
    ])?;
    let amount = form.integer("amount")?.ok_or_else(|| {
        bad_param(
            "parameter_missing",
            "Missing required param: amount.".into(),
        )
    })?;
    let currency = form.required("currency")?.to_string();
    let capture_method = match form.get("capture_method") {
        None => CaptureMethod::Automatic,
        Some(m) => CaptureMethod::parse(m).ok_or_else(|| {
            bad_param(
                "parameter_invalid_string",
                format!("Invalid capture_method: {m}"),
            )
        })?,
    };
    let mut types = form.list("allowed_payment_method_types");
    if types.is_empty() {
        types = form.list("payment_method_types");
    }
    if types.is_empty() {
        types = vec!["card".to_string()];
    }
    let new = NewIntent {
        amount,
        currency,
        capture_method,
        payment_method_types: types,
        metadata: form.map("metadata"),
        description: form.get("description").map(str::to_string),
        customer: form.get("customer").map(str::to_string),
    };
    let confirm = form.boolean("confirm")?;
    let created = match sim.create_intent(key, &new) {
        Ok(i) => i,
        Err(e) => return Ok(Err(e)),
    };
    if confirm {
        let pm = form.required("payment_method")?;
        if let Err(e) = sim.confirm_intent(&created.id, Some(pm)) {
            return Ok(Err(e));
        }
    }
    Ok(sim
        .intent(&created.id)
        .map(|i| json::intent(&i, form.expand())))
}

fn confirm_intent(
    sim: &mut Simulator,
    form: &Form<'_>,
    id: &str,
) -> Param<Result<Value, GatewayError>> {
    form.only(&[
        "payment_method",
        "expand",
        "return_url",
        "off_session",
        "error_on_requires_action",
        "receipt_email",
        "payment_method_options",
    ])?;
    Ok(sim
        .confirm_intent(id, form.get("payment_method"))
        .map(|i| json::intent(&i, form.expand())))
}

fn create_refund(
    sim: &mut Simulator,
    form: &Form<'_>,
    key: Option<&str>,
) -> Param<Result<Value, GatewayError>> {
    form.only(&[
        "payment_intent",
        "charge",
        "amount",
        "metadata",
        "reason",
        "expand",
    ])?;
    let intent = match (form.get("payment_intent"), form.get("charge")) {
        (Some(pi), _) => pi.to_string(),
        (None, Some(ch)) => match sim.intent_of_charge(ch) {
            Some(pi) => pi,
            None => {
                return Ok(Err(GatewayError::Rejected {
                    status: 400,
                    code: Some("resource_missing".to_string()),
                    message: format!("No such charge: '{ch}'"),
                }))
            }
        },
        (None, None) => {
            return Err(bad_param(
                "parameter_missing",
                "One of the following params should be provided for this request: payment_intent or charge.".into(),
            ))
        }
    };
    let amount = form.integer("amount")?;
    Ok(sim
        .create_refund(
            key,
            &intent,
            amount,
            &form.map("metadata"),
            form.get("reason"),
        )
        .map(|r| json::refund(&r)))
}

fn present(sim: &mut Simulator, form: &Form<'_>, id: &str) -> Param<Result<Value, GatewayError>> {
    form.only(&[
        "type",
        "card_present",
        "card",
        "interac_present",
        "amount_tip",
        "expand",
    ])?;
    match form.get("type") {
        None | Some("card_present") | Some("card") => {}
        Some(other) => {
            return Err(bad_param(
                "parameter_invalid_string",
                format!("This simulated reader only takes card_present cards, not {other}."),
            ))
        }
    }
    let number = form
        .get("card_present[number]")
        .or_else(|| form.get("card[number]"));
    let card = match number {
        None => TestCard::Approved,
        Some(n) => TestCard::ALL
            .into_iter()
            .find(|c| c.number() == n)
            .ok_or_else(|| {
                bad_param(
                    "parameter_invalid_string",
                    format!("{n} is not a test card number this simulated reader knows."),
                )
            })?,
    };
    Ok(sim.present_card(id, card).map(|r| json::reader(&r)))
}

/// The `/_fake/…` controls (no key needed):
/// - `POST /_fake/fail` `prefix`, `count`, `status` (default 500)
/// - `POST /_fake/cut` `prefix`, `count`
/// - `POST /_fake/delay` `prefix`, `ms` (0 clears all delays)
/// - `POST /_fake/readers/{id}/offline`, `POST /_fake/readers/{id}/online`
/// - `GET /_fake/requests`: the request log
/// - `POST /_fake/reset`
pub fn control(shared: &Shared, request: &HttpRequest) -> HttpResponse {
    let params: Vec<(String, String)> = crate::params(request);
    let form = Form { params: &params };
    let segments: Vec<&str> = request.path.trim_matches('/').split('/').collect();
    let prefix = form.get("prefix").unwrap_or("/").to_string();
    let count = || -> Param<u32> {
        let n = form.integer("count")?.unwrap_or(1);
        u32::try_from(n)
            .map_err(|_| bad_param("parameter_invalid_integer", format!("Invalid count: {n}")))
    };
    let result: Param<Value> = (|| match (request.method.as_str(), segments.as_slice()) {
        ("POST", ["_fake", "fail"]) => {
            let count = count()?;
            let status = form.integer("status")?.unwrap_or(500);
            let status = u16::try_from(status)
                .ok()
                .filter(|s| (400..600).contains(s))
                .ok_or_else(|| {
                    bad_param(
                        "parameter_invalid_integer",
                        format!("Invalid status: {status}"),
                    )
                })?;
            lock(&shared.faults).fail.push(crate::FailRule {
                prefix: prefix.clone(),
                remaining: count,
                status,
            });
            Ok(json!({"fail": {"prefix": prefix, "count": count, "status": status}}))
        }
        ("POST", ["_fake", "cut"]) => {
            let count = count()?;
            lock(&shared.faults).cut.push(crate::CutRule {
                prefix: prefix.clone(),
                remaining: count,
            });
            Ok(json!({"cut": {"prefix": prefix, "count": count}}))
        }
        ("POST", ["_fake", "delay"]) => {
            let ms = form.integer("ms")?.unwrap_or(0);
            let ms = u64::try_from(ms)
                .map_err(|_| bad_param("parameter_invalid_integer", format!("Invalid ms: {ms}")))?;
            let mut faults = lock(&shared.faults);
            if ms == 0 {
                faults.delay.clear();
            } else {
                faults.delay.push(crate::DelayRule {
                    prefix: prefix.clone(),
                    delay: Duration::from_millis(ms),
                });
            }
            Ok(json!({"delay": {"prefix": prefix, "ms": ms}}))
        }
        ("POST", ["_fake", "readers", id, state @ ("offline" | "online")]) => {
            let mut sim = lock(&shared.sim);
            match sim.set_reader_online(id, *state == "online") {
                Ok(r) => Ok(json::reader(&r)),
                Err(e) => Err(BadParam(sim_error(&e, None))),
            }
        }
        ("GET", ["_fake", "requests"]) => {
            let log = lock(&shared.log).clone();
            let data: Vec<Value> = log
                .iter()
                .map(|r| {
                    json!({
                        "method": r.method,
                        "path": r.path,
                        "idempotency_key": r.idempotency_key,
                        "status": r.status,
                    })
                })
                .collect();
            Ok(json!({"object": "list", "data": data}))
        }
        ("POST", ["_fake", "reset"]) => {
            reset(shared);
            Ok(json!({"reset": true}))
        }
        _ => Err(BadParam(not_found(&request.path))),
    })();
    match result {
        Ok(value) => ok(value),
        Err(BadParam(response)) => response,
    }
}
