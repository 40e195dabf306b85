//! Counters behind `GET /metrics`, rendered in the Prometheus text format: what came in and what
//! was served, and the limits on connections and long polls beside how close the relay is to them.

use crate::limits::Limits;
use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

/// Why a webhook delivery was turned away; the `reason` label of the rejected counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    Signature,
    UnknownShop,
    TooLarge,
    Malformed,
    Internal,
}

impl Rejection {
    const ALL: [Rejection; 5] = [
        Rejection::Signature,
        Rejection::UnknownShop,
        Rejection::TooLarge,
        Rejection::Malformed,
        Rejection::Internal,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Rejection::Signature => "signature",
            Rejection::UnknownShop => "unknown_shop",
            Rejection::TooLarge => "too_large",
            Rejection::Malformed => "malformed",
            Rejection::Internal => "internal",
        }
    }
}

/// Why the relay closed a connection before its client did; the `reason` label of the closed
/// counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closed {
    /// The request's head did not arrive within the header timeout.
    HeaderTimeout,
    /// No request came within the idle timeout.
    IdleTimeout,
    /// One request and its answer took longer than the request timeout.
    RequestTimeout,
    /// Closed while waiting, to make room for a new connection when all were in use.
    Shed,
}

impl Closed {
    const ALL: [Closed; 4] = [
        Closed::HeaderTimeout,
        Closed::IdleTimeout,
        Closed::RequestTimeout,
        Closed::Shed,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Closed::HeaderTimeout => "header_timeout",
            Closed::IdleTimeout => "idle_timeout",
            Closed::RequestTimeout => "request_timeout",
            Closed::Shed => "shed",
        }
    }
}

/// Which cap turned a long poll away; the `per` label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollCap {
    Till,
    Shop,
}

impl PollCap {
    pub fn label(self) -> &'static str {
        match self {
            PollCap::Till => "till",
            PollCap::Shop => "shop",
        }
    }
}

#[derive(Debug, Default)]
pub struct Metrics {
    limits: Limits,
    received: AtomicU64,
    stored: AtomicU64,
    duplicate: AtomicU64,
    rejected: [AtomicU64; 5],
    served: AtomicU64,
    long_polls_open: AtomicI64,
    long_polls_refused: [AtomicU64; 2],
    connections_open: AtomicI64,
    connections_refused: AtomicU64,
    connections_closed: [AtomicU64; 4],
    accept_errors: AtomicU64,
}

/// Counts a connection as open for as long as it lives.
pub struct OpenConnection<'a>(&'a Metrics);

impl Drop for OpenConnection<'_> {
    fn drop(&mut self) {
        self.0.connections_open.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Counts a long-poll as open for as long as it lives.
pub struct OpenLongPoll<'a>(&'a Metrics);

impl Drop for OpenLongPoll<'_> {
    fn drop(&mut self) {
        self.0.long_polls_open.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Metrics {
    /// Metrics that show `limits` beside the counts they cap.
    pub fn new(limits: Limits) -> Self {
        Metrics {
            limits,
            ..Metrics::default()
        }
    }

    pub fn received(&self) {
        self.received.fetch_add(1, Ordering::Relaxed);
    }

    pub fn stored(&self) {
        self.stored.fetch_add(1, Ordering::Relaxed);
    }

    pub fn duplicate(&self) {
        self.duplicate.fetch_add(1, Ordering::Relaxed);
    }

    pub fn rejected(&self, why: Rejection) {
        let slot = Rejection::ALL.iter().position(|r| *r == why).unwrap_or(0);
        if let Some(counter) = self.rejected.get(slot) {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn served(&self, events: usize) {
        self.served
            .fetch_add(u64::try_from(events).unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    pub fn long_poll(&self) -> OpenLongPoll<'_> {
        self.long_polls_open.fetch_add(1, Ordering::Relaxed);
        OpenLongPoll(self)
    }

    pub fn long_poll_refused(&self, cap: PollCap) {
        let slot = usize::from(cap == PollCap::Shop);
        if let Some(counter) = self.long_polls_refused.get(slot) {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn connection(&self) -> OpenConnection<'_> {
        self.connections_open.fetch_add(1, Ordering::Relaxed);
        OpenConnection(self)
    }

    pub fn connection_refused(&self) {
        self.connections_refused.fetch_add(1, Ordering::Relaxed);
    }

    pub fn connection_closed(&self, why: Closed) {
        let slot = Closed::ALL.iter().position(|c| *c == why).unwrap_or(0);
        if let Some(counter) = self.connections_closed.get(slot) {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn accept_error(&self) {
        self.accept_errors.fetch_add(1, Ordering::Relaxed);
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut counter = |name: &str, help: &str, value: u64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}"
            );
        };
        let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
        counter(
            "versapos_relay_webhooks_received_total",
            "Webhook deliveries received.",
            load(&self.received),
        );
        counter(
            "versapos_relay_webhooks_stored_total",
            "Webhook events stored for the first time.",
            load(&self.stored),
        );
        counter(
            "versapos_relay_webhooks_duplicate_total",
            "Webhook deliveries of an event already stored.",
            load(&self.duplicate),
        );
        counter(
            "versapos_relay_events_served_total",
            "Events handed to tills.",
            load(&self.served),
        );
        let name = "versapos_relay_webhooks_rejected_total";
        let _ = writeln!(
            out,
            "# HELP {name} Webhook deliveries turned away, by reason.\n# TYPE {name} counter"
        );
        for (why, count) in Rejection::ALL.iter().zip(&self.rejected) {
            let _ = writeln!(out, "{name}{{reason=\"{}\"}} {}", why.label(), load(count));
        }
        let mut gauge = |name: &str, help: &str, value: u64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
            );
        };
        let open = |a: &AtomicI64| u64::try_from(a.load(Ordering::Relaxed)).unwrap_or(0);
        let limit = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
        gauge(
            "versapos_relay_long_polls_open",
            "Till requests waiting for events.",
            open(&self.long_polls_open),
        );
        gauge(
            "versapos_relay_connections_open",
            "Client connections open.",
            open(&self.connections_open),
        );
        gauge(
            "versapos_relay_connections_limit",
            "The most client connections open at once (--max-connections).",
            limit(self.limits.max_connections),
        );
        let seconds = |d: std::time::Duration| d.as_secs();
        gauge(
            "versapos_relay_header_timeout_seconds",
            "How long a request's head may take to arrive (--header-timeout).",
            seconds(self.limits.header_timeout),
        );
        gauge(
            "versapos_relay_idle_timeout_seconds",
            "How long a connection may wait for its next request (--idle-timeout).",
            seconds(self.limits.idle_timeout),
        );
        gauge(
            "versapos_relay_request_timeout_seconds",
            "How long one request may take (--request-timeout).",
            seconds(self.limits.request_timeout),
        );
        let name = "versapos_relay_long_polls_limit";
        let _ = writeln!(
            out,
            "# HELP {name} The most long polls open at once per till and per shop \
             (--long-polls-per-till, --long-polls-per-shop).\n# TYPE {name} gauge\n\
             {name}{{per=\"till\"}} {}\n{name}{{per=\"shop\"}} {}",
            limit(self.limits.long_polls_per_till),
            limit(self.limits.long_polls_per_shop),
        );
        let name = "versapos_relay_long_polls_refused_total";
        let _ = writeln!(
            out,
            "# HELP {name} Long polls answered 429 because their till or shop had as many open \
             as it may.\n# TYPE {name} counter"
        );
        for (cap, count) in [PollCap::Till, PollCap::Shop]
            .iter()
            .zip(&self.long_polls_refused)
        {
            let _ = writeln!(out, "{name}{{per=\"{}\"}} {}", cap.label(), load(count));
        }
        let mut counter = |name: &str, help: &str, value: u64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}"
            );
        };
        counter(
            "versapos_relay_connections_refused_total",
            "Connections answered 503 at once: every connection was busy with a request.",
            load(&self.connections_refused),
        );
        counter(
            "versapos_relay_accept_errors_total",
            "Failures to accept a connection (such as running out of file descriptors).",
            load(&self.accept_errors),
        );
        let name = "versapos_relay_connections_closed_total";
        let _ = writeln!(
            out,
            "# HELP {name} Connections the relay closed itself, by reason.\n# TYPE {name} counter"
        );
        for (why, count) in Closed::ALL.iter().zip(&self.connections_closed) {
            let _ = writeln!(out, "{name}{{reason=\"{}\"}} {}", why.label(), load(count));
        }
        out
    }
}
