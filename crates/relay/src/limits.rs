//! What a client may hold of the relay: connections, time and long polls. `serve`'s flags set
//! them; `/metrics` shows them beside the counts they cap.

use std::time::Duration;

/// The relay's limits on its clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most connections open at once. When all are taken, a new connection closes the one
    /// that has waited longest without a request in hand to make room; when every one is busy
    /// with a request, the new one is answered 503.
    pub max_connections: usize,
    /// How long a request's head (request line and headers) may take to arrive, from the
    /// connection's start or the first byte after an idle spell.
    pub header_timeout: Duration,
    /// How long a kept-alive connection may wait for its next request.
    pub idle_timeout: Duration,
    /// How long one request may take, its body included; a long poll never waits longer than
    /// this allows.
    pub request_timeout: Duration,
    /// The most long polls one till (one token) holds open at once.
    pub long_polls_per_till: usize,
    /// The most long polls one shop's tills hold open at once.
    pub long_polls_per_shop: usize,
    /// How long a stopping relay waits for requests in flight before it closes their
    /// connections and exits.
    pub shutdown_timeout: Duration,
}

impl Limits {
    pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;
    pub const DEFAULT_HEADER_TIMEOUT_SECS: u64 = 10;
    pub const DEFAULT_IDLE_TIMEOUT_SECS: u64 = 60;
    pub const DEFAULT_REQUEST_TIMEOUT_SECS: u64 = 60;
    pub const DEFAULT_LONG_POLLS_PER_TILL: usize = 4;
    pub const DEFAULT_LONG_POLLS_PER_SHOP: usize = 64;
    pub const DEFAULT_SHUTDOWN_TIMEOUT_SECS: u64 = 10;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: Limits::DEFAULT_MAX_CONNECTIONS,
            header_timeout: Duration::from_secs(Limits::DEFAULT_HEADER_TIMEOUT_SECS),
            idle_timeout: Duration::from_secs(Limits::DEFAULT_IDLE_TIMEOUT_SECS),
            request_timeout: Duration::from_secs(Limits::DEFAULT_REQUEST_TIMEOUT_SECS),
            long_polls_per_till: Limits::DEFAULT_LONG_POLLS_PER_TILL,
            long_polls_per_shop: Limits::DEFAULT_LONG_POLLS_PER_SHOP,
            shutdown_timeout: Duration::from_secs(Limits::DEFAULT_SHUTDOWN_TIMEOUT_SECS),
        }
    }
}
