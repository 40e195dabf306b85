//! Which world a card payment's money moves in: the demo reader, Stripe's test mode or live mode.
//! Recorded on every card payment and shown on its receipt.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Which world a gateway moves money in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum GatewayMode {
    /// No keys: a simulated reader; nothing leaves the till. Marked DEMO on screen and receipts.
    Demo,
    /// Stripe test mode: no real money; simulated readers can be given test cards.
    Test,
    /// Stripe live mode: real cards, real money.
    Live,
}

impl GatewayMode {
    pub fn as_str(&self) -> &'static str {
        match self {
            GatewayMode::Demo => "demo",
            GatewayMode::Test => "test",
            GatewayMode::Live => "live",
        }
    }

    pub fn parse(s: &str) -> Option<GatewayMode> {
        match s {
            "demo" => Some(GatewayMode::Demo),
            "test" => Some(GatewayMode::Test),
            "live" => Some(GatewayMode::Live),
            _ => None,
        }
    }
}

impl PartialEq<&str> for GatewayMode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}
