//! A real localstripe for one test (`versapos_stripe_fake::localstripe`), and the gateway the
//! tests talk to it through.

use std::time::Duration;

use versapos_payments::stripe::StripeGateway;
use versapos_secrets::StripeKey;
pub use versapos_stripe_fake::localstripe::{free_port, LocalStripe, KEY as TEST_KEY};

/// The Stripe gateway on a localstripe.
pub trait Gateways {
    /// A gateway on this localstripe, with short retries so failures show quickly.
    fn gateway(&self) -> StripeGateway {
        self.gateway_with_key(TEST_KEY)
    }

    fn gateway_with_key(&self, key: &str) -> StripeGateway;
}

impl Gateways for LocalStripe {
    fn gateway_with_key(&self, key: &str) -> StripeGateway {
        let key = StripeKey::parse(key).expect("a well-formed test key");
        StripeGateway::new(&key, Some(&self.base_url))
            .expect("a gateway on localstripe")
            // localstripe refuses `description`; the receipt still goes in the metadata.
            .with_intent_descriptions(false)
            .with_retry(2, Duration::from_millis(20))
            .with_timeout(Duration::from_secs(10))
    }
}
