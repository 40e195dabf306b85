//! A finding of the setup doctor: one check of the till's setup (the Stripe key, the relay, the
//! card reader, the NFC readers), in one shape for every part so they print as one list on the
//! screen and in `versapos doctor`.

use serde::Serialize;
use ts_rs::TS;

/// How a check came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Ok,
    /// Works, but worth fixing.
    Warn,
    /// Must be fixed: card payments (or what the check is about) cannot work.
    Fail,
    /// Not checked, and why in the detail.
    Skip,
}

impl CheckStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Ok => "ok",
            CheckStatus::Warn => "warn",
            CheckStatus::Fail => "fail",
            CheckStatus::Skip => "skip",
        }
    }
}

impl PartialEq<&str> for CheckStatus {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct SetupCheck {
    /// Stable, for scripts and the UI: `key`, `key_format`, `key_env`, `api`, `mode`,
    /// `key_kind`, `stripe`, `clock`, `reader`, `live`, `relay`, `webhook`, `nfc_service`,
    /// `nfc_readers`, `store_files`.
    pub id: String,
    pub title: String,
    pub status: CheckStatus,
    pub detail: String,
    /// What to do about it, in plain words, when the status is not `ok`.
    pub fix: Option<String>,
}
