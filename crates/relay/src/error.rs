//! The relay's HTTP errors and the one place they become statuses and bodies. Store failures
//! are logged here and answered with a bare 500: internals never reach a response.

use crate::metrics::Rejection;
use crate::sealed::UnsealError;
use crate::signature::SignatureError;
use crate::store::StoreError;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

/// Webhook bodies above this size are refused with 413.
pub const BODY_LIMIT: usize = 1024 * 1024;

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
}

impl RelayError {
    fn status(&self) -> StatusCode {
        match self {
            RelayError::UnknownShop(_) => StatusCode::NOT_FOUND,
            RelayError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            RelayError::UnreadableBody
            | RelayError::BadSignature(_)
            | RelayError::MalformedEvent
            | RelayError::BadQuery { .. } => StatusCode::BAD_REQUEST,
            RelayError::Unauthorized => StatusCode::UNAUTHORIZED,
            RelayError::Store(_) | RelayError::Unseal(_) | RelayError::TaskFailed => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    fn code(&self) -> &'static str {
        match self {
            RelayError::UnknownShop(_) => "unknown_shop",
            RelayError::PayloadTooLarge => "payload_too_large",
            RelayError::UnreadableBody => "unreadable_body",
            RelayError::BadSignature(_) => "bad_signature",
            RelayError::MalformedEvent => "malformed_event",
            RelayError::Unauthorized => "unauthorized",
            RelayError::BadQuery { .. } => "bad_query",
            RelayError::Store(_) | RelayError::Unseal(_) | RelayError::TaskFailed => "internal",
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
            | RelayError::Unauthorized
            | RelayError::BadQuery { .. } => Rejection::Malformed,
            RelayError::Store(_) | RelayError::Unseal(_) | RelayError::TaskFailed => {
                Rejection::Internal
            }
        }
    }
}

impl IntoResponse for RelayError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
            "internal error".to_string()
        } else {
            self.to_string()
        };
        let body = Json(serde_json::json!({
            "error": { "code": self.code(), "message": message }
        }));
        if status == StatusCode::UNAUTHORIZED {
            (status, [(header::WWW_AUTHENTICATE, "Bearer")], body).into_response()
        } else {
            (status, body).into_response()
        }
    }
}
