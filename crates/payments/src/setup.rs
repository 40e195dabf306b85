//! Which gateway the till takes cards through: Stripe with the key in the OS keychain (or
//! `VERSAPOS_STRIPE_KEY`), at Stripe's API or at `VERSAPOS_STRIPE_API`; the demo reader when no
//! key is set up at all.

use crate::demo::DemoGateway;
use crate::flow::FlowError;
use crate::gateway::Gateway;
use crate::stripe::StripeGateway;
use versapos_secrets::{KeyError, KeySource, Keychain, StripeKey};

/// Overrides Stripe's API address (a test server, a proxy).
pub const API_ENV: &str = "VERSAPOS_STRIPE_API";

/// The gateway and where its key came from (None: demo mode, no key).
pub struct Connected {
    pub gateway: Box<dyn Gateway>,
    pub key: Option<(StripeKey, KeySource)>,
    /// The API address in use, when it is not Stripe's own.
    pub api_override: Option<String>,
}

/// The API address from the environment, when set (an empty value counts as unset).
pub fn api_override() -> Option<String> {
    std::env::var(API_ENV)
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// Connects the till to its gateway. A key that is set but unusable is an error, never a quiet
/// fall back to demo mode.
pub fn connect(chain: &Keychain) -> Result<Connected, FlowError> {
    let api = api_override();
    match chain.key_in_use() {
        Ok(Some((key, source))) => {
            let gateway = StripeGateway::new(&key, api.as_deref())?;
            Ok(Connected {
                gateway: Box::new(gateway),
                key: Some((key, source)),
                api_override: api,
            })
        }
        Ok(None) => Ok(Connected {
            gateway: Box::new(DemoGateway::new()),
            key: None,
            api_override: None,
        }),
        Err(e @ (KeyError::Shape | KeyError::Publishable)) => Err(FlowError::Unavailable(format!(
            "the Stripe key in use is not usable: {e}"
        ))),
        Err(e) => Err(FlowError::Unavailable(e.to_string())),
    }
}
