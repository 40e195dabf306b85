//! Order states and what may happen in each.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The life of an order.
///
/// `open → paid → partially_refunded → refunded`; `voided` from open, pending, failed or paid
/// (before any refund); `payment_pending` / `payment_failed` while a card payment is in flight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Open,
    PaymentPending,
    PaymentFailed,
    Paid,
    PartiallyRefunded,
    Refunded,
    Voided,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 7] = [
        OrderStatus::Open,
        OrderStatus::PaymentPending,
        OrderStatus::PaymentFailed,
        OrderStatus::Paid,
        OrderStatus::PartiallyRefunded,
        OrderStatus::Refunded,
        OrderStatus::Voided,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            OrderStatus::Open => "open",
            OrderStatus::PaymentPending => "payment_pending",
            OrderStatus::PaymentFailed => "payment_failed",
            OrderStatus::Paid => "paid",
            OrderStatus::PartiallyRefunded => "partially_refunded",
            OrderStatus::Refunded => "refunded",
            OrderStatus::Voided => "voided",
        }
    }

    pub fn parse(s: &str) -> Option<OrderStatus> {
        OrderStatus::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// No money has been received for the order (yet): its receipt says so and it earns no
    /// points.
    pub fn is_unpaid(&self) -> bool {
        matches!(
            self,
            OrderStatus::Open | OrderStatus::PaymentPending | OrderStatus::PaymentFailed
        )
    }

    /// Money has been taken and some of it can still be given back.
    pub fn can_refund(&self) -> bool {
        matches!(self, OrderStatus::Paid | OrderStatus::PartiallyRefunded)
    }

    /// A void cancels the order as if it never happened; not once money has been refunded, and
    /// not a card sale that was never paid: one waiting for its card may be being paid right
    /// now (it is settled, not voided), and one whose card was not taken moved nothing to undo
    /// (its points went back when the card was given up).
    pub fn can_void(&self) -> bool {
        matches!(self, OrderStatus::Open | OrderStatus::Paid)
    }
}

/// A status compares with its name, as it is written in the store and in JSON.
impl PartialEq<&str> for OrderStatus {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(OrderStatus::parse("bogus"), None);
    }

    #[test]
    fn refunded_orders_cannot_be_voided() {
        assert!(OrderStatus::Paid.can_void());
        assert!(!OrderStatus::PaymentPending.can_void());
        assert!(!OrderStatus::PaymentFailed.can_void());
        assert!(!OrderStatus::PartiallyRefunded.can_void());
        assert!(!OrderStatus::Refunded.can_refund());
        assert!(!OrderStatus::Voided.can_refund());
    }
}
