//! The desktop till's card payments: the gateway it was started with (Stripe, or the demo
//! reader when no key is set up) and the one card payment being taken right now.

use crate::error::CommandError;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use versapos_payments::flow::FlowError;
use versapos_payments::setup;
use versapos_payments::Gateway;

/// A card payment in progress: its id, and the flag the cashier's Cancel sets.
#[derive(Clone)]
pub struct Active {
    pub payment_id: Option<String>,
    pub cancel: Arc<AtomicBool>,
}

/// The card payment being taken in this window lives here only for the cashier's Cancel; which
/// payments are being taken or held for the cashier is in the store (card sessions), where every
/// process on it sees them.
pub struct Payments {
    gateway: Result<Arc<dyn Gateway>, String>,
    active: Mutex<Option<Active>>,
}

impl Payments {
    /// Connects with the key in the OS keychain (or `VERSAPOS_STRIPE_KEY`); demo mode without
    /// one. A key that cannot be used leaves card payments unavailable, saying why.
    pub fn connect() -> Payments {
        let gateway = match setup::connect(&versapos_secrets::Keychain::default()) {
            Ok(c) => {
                tracing::info!(mode = c.gateway.mode().as_str(), "card payments ready");
                Ok(Arc::from(c.gateway))
            }
            Err(e) => {
                tracing::warn!(error = %e, "card payments unavailable");
                Err(e.to_string())
            }
        };
        Payments {
            gateway,
            active: Mutex::new(None),
        }
    }

    /// A till with a given gateway (tests).
    pub fn with_gateway(gateway: Arc<dyn Gateway>) -> Payments {
        Payments {
            gateway: Ok(gateway),
            active: Mutex::new(None),
        }
    }

    /// The gateway, or — when card payments are unavailable — the demo reader, for services
    /// that reach Stripe only when a card is involved (a cash refund must work without keys).
    /// A card refund through it is refused: the demo reader does not know the card payment.
    pub fn gateway_or_demo(&self) -> Arc<dyn Gateway> {
        match &self.gateway {
            Ok(g) => g.clone(),
            Err(_) => Arc::new(versapos_payments::demo::DemoGateway::new()),
        }
    }

    pub fn gateway(&self) -> Result<Arc<dyn Gateway>, CommandError> {
        self.gateway
            .clone()
            .map_err(|e| CommandError::new("card_unavailable", e))
    }

    /// Why cards cannot be taken, if they cannot.
    pub fn problem(&self) -> Option<String> {
        self.gateway.as_ref().err().cloned()
    }

    /// Marks a card payment as in progress; refused while another one is.
    pub fn start(&self) -> Result<Active, CommandError> {
        let mut active = self.active.lock()?;
        if active.is_some() {
            return Err(CommandError::new(
                "card_busy",
                "a card payment is already in progress on this till",
            ));
        }
        let a = Active {
            payment_id: None,
            cancel: Arc::new(AtomicBool::new(false)),
        };
        *active = Some(a.clone());
        Ok(a)
    }

    pub fn set_payment(&self, payment_id: &str) {
        if let Ok(mut active) = self.active.lock() {
            if let Some(a) = active.as_mut() {
                a.payment_id = Some(payment_id.to_string());
            }
        }
    }

    pub fn finish(&self) {
        if let Ok(mut active) = self.active.lock() {
            *active = None;
        }
    }

    pub fn active(&self) -> Option<Active> {
        self.active.lock().ok().and_then(|a| a.clone())
    }
}

impl From<FlowError> for CommandError {
    fn from(e: FlowError) -> Self {
        match versapos_till::cards::till_error(e) {
            Ok(t) => t.into(),
            Err(other) => {
                tracing::warn!(code = other.code(), error = %other, "card payment problem");
                CommandError::new(other.code(), other.to_string())
            }
        }
    }
}

impl From<versapos_payments::GatewayError> for CommandError {
    fn from(e: versapos_payments::GatewayError) -> Self {
        FlowError::Gateway(e).into()
    }
}
