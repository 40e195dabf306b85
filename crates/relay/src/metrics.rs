//! Counters behind `GET /metrics`, rendered in the Prometheus text format.

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

#[derive(Debug, Default)]
pub struct Metrics {
    received: AtomicU64,
    stored: AtomicU64,
    duplicate: AtomicU64,
    rejected: [AtomicU64; 5],
    served: AtomicU64,
    long_polls_open: AtomicI64,
}

/// Counts a long-poll as open for as long as it lives.
pub struct OpenLongPoll<'a>(&'a Metrics);

impl Drop for OpenLongPoll<'_> {
    fn drop(&mut self) {
        self.0.long_polls_open.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Metrics {
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
        let name = "versapos_relay_long_polls_open";
        let _ = writeln!(
            out,
            "# HELP {name} Till requests waiting for events.\n# TYPE {name} gauge\n{name} {}",
            self.long_polls_open.load(Ordering::Relaxed)
        );
        out
    }
}
