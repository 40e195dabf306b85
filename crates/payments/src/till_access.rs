//! How the card flow reaches the till's store: the desktop locks it only for each short step, so
//! its screen stays live while the reader waits; the CLI holds its till alone. And the one error
//! of the flow's steps, whichever of the store, the gateway or the store's lock failed.

use crate::gateway::GatewayError;
use versapos_till::{Till, TillError};

/// Where the till reaches its store.
pub trait TillAccess: Sync {
    fn with_till(&self, f: &mut dyn FnMut(&mut Till)) -> Result<(), FlowError>;
}

pub(crate) fn on<R>(
    access: &dyn TillAccess,
    f: impl FnOnce(&mut Till) -> Result<R, TillError>,
) -> Result<R, FlowError> {
    let mut f = Some(f);
    let mut out = None;
    access.with_till(&mut |till| {
        if let Some(f) = f.take() {
            out = Some(f(till));
        }
    })?;
    match out {
        Some(r) => Ok(r?),
        None => Err(FlowError::Unavailable(
            "the till's store is not open".into(),
        )),
    }
}

impl TillAccess for std::sync::Mutex<Till> {
    fn with_till(&self, f: &mut dyn FnMut(&mut Till)) -> Result<(), FlowError> {
        let mut till = self
            .lock()
            .map_err(|_| FlowError::Unavailable("the till's store lock was poisoned".into()))?;
        f(&mut till);
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    #[error(transparent)]
    Till(#[from] TillError),
    #[error(transparent)]
    Gateway(#[from] GatewayError),
    #[error("{0}")]
    Unavailable(String),
}

impl FlowError {
    pub fn code(&self) -> &'static str {
        match self {
            FlowError::Till(e) => e.code(),
            FlowError::Gateway(e) => e.code(),
            FlowError::Unavailable(_) => "card_unavailable",
        }
    }
}
