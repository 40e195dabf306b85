//! How a failed command reaches the UI: a stable `code` to switch on and a sentence to show.

use serde::Serialize;
use ts_rs::TS;
use versapos_core::Permission;
use versapos_till::TillError;

/// A command's failure as the UI receives it (the rejected value of `invoke`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct CommandError {
    /// Stable, snake_case: `unknown_product`, `sale_in_progress`, `no_shop`, `internal`, …
    pub code: String,
    /// For people: what went wrong and, where it can, what to do.
    pub message: String,
    /// With `not_permitted`: the permission that was missing, so the till can ask a manager to
    /// approve exactly that with their PIN.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub permission: Option<Permission>,
}

impl CommandError {
    /// Whatever the message quotes of a file or a request, control characters are shown escaped.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        CommandError {
            code: code.to_string(),
            message: versapos_core::text::printable(&message).into_owned(),
            permission: None,
        }
    }
}

impl From<TillError> for CommandError {
    fn from(e: TillError) -> Self {
        // Failures of the till itself are logged here, once; the cashier's own mistakes are not.
        if !e.is_bad_input() {
            tracing::error!(code = e.code(), error = %e, "till failure");
        }
        let permission = match &e {
            TillError::NotPermitted { permission, .. } => Some(*permission),
            _ => None,
        };
        CommandError {
            permission,
            ..CommandError::new(e.code(), e.to_string())
        }
    }
}

impl<T> From<std::sync::PoisonError<T>> for CommandError {
    fn from(_: std::sync::PoisonError<T>) -> Self {
        tracing::error!("the till's state lock is poisoned: an earlier command panicked");
        CommandError::new(
            "internal",
            "the till hit an internal error; restart VersaTalent POS",
        )
    }
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

pub type CommandResult<T> = Result<T, CommandError>;
