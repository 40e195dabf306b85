//! The till's signed journal head, sent to the webhook relay for a copy that the store file
//! cannot rewrite (`PUT {relay}/v1/journal-head`), and read back to compare
//! (`GET {relay}/v1/journal-head`). The relay keeps the newest head each till sent and refuses
//! one that goes backwards or is signed with another key.

use crate::sync::{answer, Relay, SyncError};
use std::time::Duration;
use versapos_core::journal::SignedHead;

/// The most the till reads of the relay's answer.
const READ_LIMIT: u64 = 64 * 1024;

fn agent() -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(5)))
        .timeout_global(Some(Duration::from_secs(15)))
        .http_status_as_error(false)
        .build();
    ureq::Agent::new_with_config(config)
}

/// The code of the relay's `{"error":{"code","message"}}`.
fn code(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v["error"]["code"].as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The message of the relay's `{"error":{"code","message"}}`, or the start of its answer.
fn refusal(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v["error"]["message"].as_str().map(str::to_string))
        .unwrap_or_else(|| body.chars().take(200).collect())
}

/// Sends the till's signed head; the relay refusing it (a head behind the one it holds, another
/// key) is an error naming why.
pub fn send(relay: &Relay<'_>, head: &SignedHead) -> Result<(), SyncError> {
    let base = relay.url.trim_end_matches('/');
    let body = serde_json::to_string(head).map_err(|e| SyncError::Relay {
        relay: base.to_string(),
        status: 0,
        message: e.to_string(),
    })?;
    let (status, text) = answer(
        base,
        agent()
            .put(&format!("{base}/v1/journal-head"))
            .header("Authorization", &format!("Bearer {}", relay.token.expose()))
            .header("Content-Type", "application/json")
            .send(body.as_str()),
        READ_LIMIT,
    )?;
    match status {
        200..=299 => Ok(()),
        _ => Err(SyncError::Relay {
            relay: base.to_string(),
            status,
            message: refusal(&text),
        }),
    }
}

/// The newest head the relay holds for this till, if it holds one.
pub fn at_relay(relay: &Relay<'_>) -> Result<Option<SignedHead>, SyncError> {
    let base = relay.url.trim_end_matches('/');
    let (status, text) = answer(
        base,
        agent()
            .get(&format!("{base}/v1/journal-head"))
            .header("Authorization", &format!("Bearer {}", relay.token.expose()))
            .call(),
        READ_LIMIT,
    )?;
    match status {
        200 => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| SyncError::BadPage {
                relay: base.to_string(),
                reason: e.to_string(),
            }),
        // The relay holds none yet; a relay too old to keep heads answers 404 for the route.
        404 if code(&text) == "no_journal_head" => Ok(None),
        _ => Err(SyncError::Relay {
            relay: base.to_string(),
            status,
            message: refusal(&text),
        }),
    }
}
