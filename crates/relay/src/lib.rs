//! VersaTalent POS webhook relay: receives Stripe's webhooks for each shop, stores them durably,
//! and lets the shop's tills (behind NAT, unreachable by Stripe) pull what they missed.

mod connections;
pub mod error;
mod http;
mod journal_heads;
pub mod limits;
pub mod logging;
mod long_polls;
pub mod metrics;
pub mod names;
pub mod pg_tls;
pub mod postgresql;
pub mod sealed;
pub mod signature;
pub mod sqlite;
pub mod store;

pub use connections::{HEADER_BYTES_LIMIT, HEADER_COUNT_LIMIT, URI_LIMIT};
pub use http::{
    router, serve, system_clock, AppState, Clock, MAX_WAIT_SECS, PAGE, SIGNATURE_TOLERANCE_SECS,
};
pub use limits::Limits;
