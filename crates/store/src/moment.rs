//! When something happened and who did it: the two facts every write to the store records
//! (orders, refunds, the journal, staff changes), shared by all the store's modules.

use chrono::{DateTime, FixedOffset, SecondsFormat, Timelike};
use serde::Serialize;
use ts_rs::TS;
use versapos_core::Role;

/// Who did something: enough to record it and to check what they may do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct Actor {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub role: Role,
}

/// When something happened, in the three forms the store keeps, and who did it.
#[derive(Clone, Debug)]
pub struct Moment {
    pub at: String,
    pub business_day: String,
    pub hour: u32,
    /// The staff member signed in (none on a store without staff accounts).
    pub staff: Option<Actor>,
    /// The manager whose PIN approved this one action, when it needed one.
    pub approved_by: Option<Actor>,
    /// Signs the journal's new head, when the till holds a key for it (see
    /// [`crate::journal::JournalSigner`]); none leaves the entry unsigned.
    pub signer: Option<std::sync::Arc<dyn crate::journal::JournalSigner>>,
}

impl Moment {
    pub fn new(now: DateTime<FixedOffset>) -> Self {
        Moment {
            at: now.to_rfc3339_opts(SecondsFormat::Millis, false),
            business_day: now.date_naive().to_string(),
            hour: now.hour(),
            staff: None,
            approved_by: None,
            signer: None,
        }
    }

    pub fn staff_id(&self) -> Option<i64> {
        self.staff.as_ref().map(|s| s.id)
    }

    pub fn approver_id(&self) -> Option<i64> {
        self.approved_by.as_ref().map(|s| s.id)
    }
}
