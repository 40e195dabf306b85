//! Time is passed in, never read inside domain logic.

use chrono::{DateTime, FixedOffset};

/// The till's clock: local wall time with its UTC offset (business day and hour come from it).
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<FixedOffset>;
}

/// A clock that always says the same time (tests, replays).
#[derive(Clone, Copy, Debug)]
pub struct FixedClock(pub DateTime<FixedOffset>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<FixedOffset> {
        self.0
    }
}
