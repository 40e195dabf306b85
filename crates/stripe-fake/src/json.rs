//! Stripe-shaped JSON for the simulator's objects: the fields Stripe's API (and async-stripe's
//! types) require, with Stripe's names.

use serde_json::{json, Value};
use versapos_payments::sim::{SimCustomer, SimIntent, SimLocation, SimRefund};
use versapos_payments::{ActionStatus, GatewayError, Reader, ReaderStatus};

fn billing_details() -> Value {
    json!({"address": null, "email": null, "name": null, "phone": null, "tax_id": null})
}

/// What to expand inside a PaymentIntent (`expand[]=latest_charge`, `expand[]=payment_method`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Expand {
    pub latest_charge: bool,
    pub payment_method: bool,
}

impl Expand {
    pub fn from_list(list: &[String]) -> Expand {
        Expand {
            latest_charge: list.iter().any(|e| e == "latest_charge"),
            payment_method: list.iter().any(|e| e == "payment_method"),
        }
    }
}

fn card_details(intent: &SimIntent, for_charge: bool) -> Option<(String, Value)> {
    let card = intent.card.as_ref()?;
    let mut details = json!({
        "brand": card.brand,
        "last4": card.last4,
        "exp_month": card.exp_month,
        "exp_year": card.exp_year,
        "funding": card.funding,
        "country": "US",
        "fingerprint": format!("fp{}", card.last4),
    });
    if for_charge && card.kind == "card_present" {
        details["incremental_authorization_supported"] = json!(false);
        details["overcapture_supported"] = json!(false);
        details["read_method"] = json!("contactless_emv");
        if let Some(code) = &card.authorization_code {
            details["receipt"] = json!({
                "authorization_code": code,
                "authorization_response_code": "00",
                "account_type": "credit",
            });
        }
    }
    Some((card.kind.clone(), details))
}

pub fn payment_method(intent: &SimIntent) -> Option<Value> {
    let id = intent.payment_method.as_ref()?;
    let (kind, details) = card_details(intent, false)?;
    let mut pm = json!({
        "id": id,
        "object": "payment_method",
        "billing_details": billing_details(),
        "created": intent.charged_at.unwrap_or(intent.created),
        "customer": intent.customer,
        "livemode": false,
        "metadata": {},
        "type": kind,
    });
    pm[kind.as_str()] = details;
    Some(pm)
}

pub fn charge(intent: &SimIntent) -> Option<Value> {
    let id = intent.latest_charge.as_ref()?;
    let (kind, details) = card_details(intent, true)?;
    let captured = intent.amount_received > 0;
    let mut method_details = json!({ "type": kind });
    method_details[kind.as_str()] = details;
    Some(json!({
        "id": id,
        "object": "charge",
        "amount": intent.amount,
        "amount_captured": intent.amount_received,
        "amount_refunded": intent.amount_refunded,
        "billing_details": billing_details(),
        "captured": captured,
        "created": intent.charged_at.unwrap_or(intent.created),
        "currency": intent.currency,
        "customer": intent.customer,
        "description": intent.description,
        "disputed": false,
        "livemode": false,
        "metadata": intent.metadata,
        "paid": true,
        "payment_intent": intent.id,
        "payment_method": intent.payment_method,
        "payment_method_details": method_details,
        "refunded": captured && intent.amount_refunded >= intent.amount_received,
        "status": "succeeded",
    }))
}

pub fn intent(intent: &SimIntent, expand: Expand) -> Value {
    let last_error = intent.last_error.as_ref().map(|d| {
        json!({
            "type": "card_error",
            "code": d.code,
            "decline_code": d.decline_code,
            "message": d.message,
            "payment_method": payment_method(intent),
        })
    });
    let latest_charge = if expand.latest_charge {
        charge(intent).unwrap_or(Value::Null)
    } else {
        json!(intent.latest_charge)
    };
    let payment_method_value = if expand.payment_method {
        payment_method(intent).unwrap_or(Value::Null)
    } else {
        json!(intent.payment_method)
    };
    json!({
        "id": intent.id,
        "object": "payment_intent",
        "amount": intent.amount,
        "amount_capturable": intent.amount_capturable,
        "amount_received": intent.amount_received,
        "allowed_payment_method_types": intent.payment_method_types,
        "canceled_at": intent.canceled_at,
        "cancellation_reason": intent.cancellation_reason,
        "capture_method": intent.capture_method.as_str(),
        "client_secret": intent.client_secret,
        "confirmation_method": "automatic",
        "created": intent.created,
        "currency": intent.currency,
        "customer": intent.customer,
        "description": intent.description,
        "last_payment_error": last_error,
        "latest_charge": latest_charge,
        "livemode": false,
        "metadata": intent.metadata,
        "next_action": null,
        "payment_method": payment_method_value,
        "payment_method_types": intent.payment_method_types,
        "status": intent.status.as_str(),
    })
}

pub fn dispute(dispute: &versapos_payments::Dispute) -> Value {
    json!({
        "id": dispute.id,
        "object": "dispute",
        "amount": dispute.amount,
        "payment_intent": dispute.intent,
        "reason": dispute.reason,
        "status": match dispute.status {
            versapos_payments::DisputeStatus::Open => "needs_response",
            versapos_payments::DisputeStatus::Won => "won",
            versapos_payments::DisputeStatus::Lost => "lost",
        },
    })
}

pub fn refund(refund: &SimRefund) -> Value {
    json!({
        "id": refund.id,
        "object": "refund",
        "amount": refund.amount,
        "balance_transaction": null,
        "charge": refund.charge,
        "created": refund.created,
        "currency": refund.currency,
        "metadata": refund.metadata,
        "payment_intent": refund.intent,
        "reason": refund.reason,
        "status": match refund.status {
            versapos_payments::RefundStatus::Pending => "pending",
            versapos_payments::RefundStatus::RequiresAction => "requires_action",
            versapos_payments::RefundStatus::Succeeded => "succeeded",
            versapos_payments::RefundStatus::Failed => "failed",
            versapos_payments::RefundStatus::Canceled => "canceled",
        },
    })
}

pub fn customer(customer: &SimCustomer) -> Value {
    json!({
        "id": customer.id,
        "object": "customer",
        "created": customer.created,
        "description": null,
        "email": customer.email,
        "livemode": false,
        "metadata": customer.metadata,
        "name": customer.name,
    })
}

pub fn location(location: &SimLocation) -> Value {
    let a = &location.address;
    json!({
        "id": location.location.id,
        "object": "terminal.location",
        "address": {
            "city": a.city,
            "country": a.country,
            "line1": a.line1,
            "line2": null,
            "postal_code": a.postal_code,
            "state": null,
        },
        "display_name": location.location.display_name,
        "livemode": false,
        "metadata": {},
    })
}

pub fn reader(reader: &Reader) -> Value {
    let action = reader.action.as_ref().map(|a| {
        let mut action = json!({
            "type": a.kind,
            "status": match a.status {
                ActionStatus::InProgress => "in_progress",
                ActionStatus::Succeeded => "succeeded",
                ActionStatus::Failed => "failed",
            },
            "failure_code": a.failure_code,
            "failure_message": a.failure_message,
        });
        if let Some(intent) = &a.intent {
            action[a.kind.as_str()] = json!({ "payment_intent": intent });
        }
        action
    });
    json!({
        "id": reader.id,
        "object": "terminal.reader",
        "action": action,
        "device_sw_version": "2.37.2.0",
        "device_type": reader.device_type,
        "ip_address": "0.0.0.0",
        "label": reader.label.clone().unwrap_or_default(),
        "last_seen_at": null,
        "livemode": false,
        "location": reader.location,
        "metadata": {},
        "serial_number": reader.serial_number,
        "status": reader.status.map(|s| match s {
            ReaderStatus::Online => "online",
            ReaderStatus::Offline => "offline",
        }),
    })
}

pub fn list(url: &str, data: Vec<Value>, has_more: bool) -> Value {
    json!({ "object": "list", "data": data, "has_more": has_more, "url": url })
}

/// Stripe's error body and status for a simulator error.
pub fn error(err: &GatewayError, declined_intent: Option<Value>) -> (u16, Value) {
    let body = |kind: &str, code: Option<&str>, message: &str| json!({ "error": { "type": kind, "code": code, "message": message } });
    match err {
        GatewayError::NotFound(what) => (
            404,
            body(
                "invalid_request_error",
                Some("resource_missing"),
                &format!("No such {what}"),
            ),
        ),
        GatewayError::Rejected {
            status,
            code,
            message,
        } => (
            *status,
            body("invalid_request_error", code.as_deref(), message),
        ),
        GatewayError::Declined(d) => {
            let mut value = body("card_error", d.code.as_deref(), &d.message);
            value["error"]["decline_code"] = json!(d.decline_code);
            if let Some(intent) = declined_intent {
                value["error"]["payment_intent"] = intent;
            }
            (402, value)
        }
        GatewayError::Auth(message) => (401, body("invalid_request_error", None, message)),
        GatewayError::Permission(message) => (403, body("invalid_request_error", None, message)),
        GatewayError::Unsupported(message) => (
            400,
            body("invalid_request_error", Some("parameter_invalid"), message),
        ),
        GatewayError::Network(message) => (500, body("api_error", None, message)),
        GatewayError::Server { status, message } => (*status, body("api_error", None, message)),
    }
}
