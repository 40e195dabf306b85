//! The relay's HTTP errors and the one place they become statuses and bodies. Store failures
//! are logged here and answered with a bare 500 (503 when the store did not answer in time):
//! internals never reach a response. Every
//! refusal is `{"error":{"code","message"}}`, the router's own (no such route, wrong method)
//! included.

use crate::metrics::{PollCap, Rejection};
use crate::sealed::UnsealError;
use crate::signature::SignatureError;
use crate::store::StoreError;
use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

/// Webhook bodies above this size are refused with 413.
pub const BODY_LIMIT: usize = 1024 * 1024;
/// Webhook events nested deeper than this (objects and arrays) are refused: Stripe's are about
/// ten deep, and a till parses events with recursive code.
pub const NESTING_LIMIT: usize = 64;

#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    #[error("no shop named {0:?}")]
    UnknownShop(String),
    #[error("the request body is larger than {BODY_LIMIT} bytes")]
    PayloadTooLarge,
    #[error("the request body could not be read")]
    UnreadableBody,
    #[error("the Stripe-Signature header does not verify: {0}")]
    BadSignature(#[from] SignatureError),
    #[error("the body is not a Stripe event with an id, a type and its object (data.object)")]
    MalformedEvent,
    #[error("the event nests objects and arrays more than {NESTING_LIMIT} levels deep")]
    NestedTooDeep,
    #[error("a valid till token is required (Authorization: Bearer …)")]
    Unauthorized,
    #[error("query parameter {field}: {reason}")]
    BadQuery {
        field: &'static str,
        reason: &'static str,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Unseal(#[from] UnsealError),
    #[error("a storage task stopped before it answered")]
    TaskFailed,
    #[error("no such route")]
    NoRoute,
    #[error("the request took longer than {secs} s")]
    RequestTimeout { secs: u64 },
    #[error("the request target is longer than {limit} bytes")]
    UriTooLong { limit: usize },
    #[error("the request has more than {lines} header lines or {bytes} bytes of headers")]
    HeadersTooLarge { lines: usize, bytes: usize },
    #[error("this {} already has {limit} long polls open, the most it may", per.label())]
    TooManyLongPolls { per: PollCap, limit: usize },
    #[error(transparent)]
    BadJournalHead(#[from] crate::journal_heads::BadHead),
    #[error("this till's journal head is entry {held}; entry {sent} is behind it: the till's journal went backwards (its store put back to an older copy?)")]
    JournalHeadBehind { held: i64, sent: i64 },
    #[error("entry {held} of this till's journal was sent before with another hash: the journal was rewritten")]
    JournalHeadDiffers { held: i64 },
    #[error("this till's journal heads so far were signed with another key")]
    JournalKeyChanged,
    #[error("this till has sent no journal head yet")]
    NoJournalHead,
}

impl RelayError {
    fn status(&self) -> StatusCode {
        match self {
            RelayError::UnknownShop(_) => StatusCode::NOT_FOUND,
            RelayError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            RelayError::UnreadableBody
            | RelayError::BadSignature(_)
            | RelayError::MalformedEvent
            | RelayError::NestedTooDeep
            | RelayError::BadQuery { .. } => StatusCode::BAD_REQUEST,
            RelayError::Unauthorized => StatusCode::UNAUTHORIZED,
            RelayError::Store(StoreError::Unavailable(_)) => StatusCode::SERVICE_UNAVAILABLE,
            RelayError::Store(_) | RelayError::Unseal(_) | RelayError::TaskFailed => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
            RelayError::NoRoute => StatusCode::NOT_FOUND,
            RelayError::RequestTimeout { .. } => StatusCode::REQUEST_TIMEOUT,
            RelayError::UriTooLong { .. } => StatusCode::URI_TOO_LONG,
            RelayError::HeadersTooLarge { .. } => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            RelayError::TooManyLongPolls { .. } => StatusCode::TOO_MANY_REQUESTS,
            RelayError::BadJournalHead(_) => StatusCode::BAD_REQUEST,
            RelayError::JournalHeadBehind { .. }
            | RelayError::JournalHeadDiffers { .. }
            | RelayError::JournalKeyChanged => StatusCode::CONFLICT,
            RelayError::NoJournalHead => StatusCode::NOT_FOUND,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            RelayError::UnknownShop(_) => "unknown_shop",
            RelayError::PayloadTooLarge => "payload_too_large",
            RelayError::UnreadableBody => "unreadable_body",
            RelayError::BadSignature(_) => "bad_signature",
            RelayError::MalformedEvent | RelayError::NestedTooDeep => "malformed_event",
            RelayError::Unauthorized => "unauthorized",
            RelayError::BadQuery { .. } => "bad_query",
            RelayError::Store(StoreError::Unavailable(_)) => "store_unavailable",
            RelayError::Store(_) | RelayError::Unseal(_) | RelayError::TaskFailed => "internal",
            RelayError::NoRoute => "not_found",
            RelayError::RequestTimeout { .. } => "request_timeout",
            RelayError::UriTooLong { .. } => "uri_too_long",
            RelayError::HeadersTooLarge { .. } => "headers_too_large",
            RelayError::TooManyLongPolls { .. } => "too_many_long_polls",
            RelayError::BadJournalHead(_) => "bad_journal_head",
            RelayError::JournalHeadBehind { .. } => "journal_head_behind",
            RelayError::JournalHeadDiffers { .. } => "journal_head_differs",
            RelayError::JournalKeyChanged => "journal_key_changed",
            RelayError::NoJournalHead => "no_journal_head",
        }
    }

    /// The `reason` this error counts under when it turns a webhook away.
    pub fn rejection(&self) -> Rejection {
        match self {
            RelayError::UnknownShop(_) => Rejection::UnknownShop,
            RelayError::PayloadTooLarge => Rejection::TooLarge,
            RelayError::BadSignature(_) => Rejection::Signature,
            RelayError::UnreadableBody
            | RelayError::MalformedEvent
            | RelayError::NestedTooDeep
            | RelayError::Unauthorized
            | RelayError::BadQuery { .. }
            | RelayError::NoRoute
            | RelayError::RequestTimeout { .. }
            | RelayError::UriTooLong { .. }
            | RelayError::HeadersTooLarge { .. }
            | RelayError::TooManyLongPolls { .. }
            | RelayError::BadJournalHead(_)
            | RelayError::JournalHeadBehind { .. }
            | RelayError::JournalHeadDiffers { .. }
            | RelayError::JournalKeyChanged
            | RelayError::NoJournalHead => Rejection::Malformed,
            RelayError::Store(_) | RelayError::Unseal(_) | RelayError::TaskFailed => {
                Rejection::Internal
            }
        }
    }
}

impl IntoResponse for RelayError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = if status == StatusCode::SERVICE_UNAVAILABLE {
            tracing::warn!(error = %self, "request failed; the sender may try again");
            "the relay's storage did not answer in time; try again".to_string()
        } else if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
            "internal error".to_string()
        } else {
            self.to_string()
        };
        let body = Json(serde_json::json!({
            "error": { "code": self.code(), "message": message }
        }));
        match status {
            StatusCode::UNAUTHORIZED => {
                (status, [(header::WWW_AUTHENTICATE, "Bearer")], body).into_response()
            }
            // A till's long polls end within the wait it asked for: one is free again by then.
            StatusCode::TOO_MANY_REQUESTS => {
                (status, [(header::RETRY_AFTER, "5")], body).into_response()
            }
            _ => (status, body).into_response(),
        }
    }
}

/// Gives an error answered by the HTTP layers under the relay's handlers (a method a route does
/// not take, a path that does not decode) the relay's JSON shape, keeping its status and
/// headers.
pub async fn json_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let code = match status {
        StatusCode::BAD_REQUEST => "bad_request",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::URI_TOO_LONG => "uri_too_long",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => "headers_too_large",
        s if s.is_server_error() => "internal",
        _ => "bad_request",
    };
    let message = match status {
        StatusCode::METHOD_NOT_ALLOWED => "this route does not take that method".to_string(),
        s => s
            .canonical_reason()
            .unwrap_or("the request was refused")
            .to_lowercase(),
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let body = serde_json::json!({ "error": { "code": code, "message": message } });
    Response::from_parts(parts, Body::from(body.to_string()))
}
