//! What the desktop shell keeps between commands: the open store and the sale on the register.

use crate::error::{CommandError, CommandResult};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use versapos_till::{Sale, Till};

/// The till's state, managed by Tauri.
///
/// One lock guards the store and the sale together: a command always needs both, the till has
/// one cashier, and a single lock can neither deadlock nor let a sale see a half-changed store.
pub struct Desktop {
    register: Result<Mutex<Register>, CommandError>,
    pub store_path: PathBuf,
    /// Card payments: the gateway and the payment being taken right now.
    pub payments: crate::payments::Payments,
}

/// The store and the sale being rung up on it.
pub struct Register {
    pub till: Till,
    pub sale: Sale,
}

impl Desktop {
    pub fn new(till: Till) -> Self {
        Desktop {
            store_path: till.path().to_path_buf(),
            register: Ok(Mutex::new(Register {
                till,
                sale: Sale::default(),
            })),
            payments: crate::payments::Payments::connect(),
        }
    }

    /// A till taking cards through the given payments (a chosen gateway instead of the one the
    /// keychain or the environment names).
    pub fn with_payments(till: Till, payments: crate::payments::Payments) -> Self {
        Desktop {
            store_path: till.path().to_path_buf(),
            register: Ok(Mutex::new(Register {
                till,
                sale: Sale::default(),
            })),
            payments,
        }
    }

    /// A till whose store could not be opened: every command answers with why.
    pub fn failed(path: &Path, error: CommandError) -> Self {
        Desktop {
            store_path: path.to_path_buf(),
            register: Err(error),
            payments: crate::payments::Payments::connect(),
        }
    }

    /// The register, for one command.
    pub fn register(&self) -> CommandResult<MutexGuard<'_, Register>> {
        match &self.register {
            Ok(register) => Ok(register.lock()?),
            Err(e) => Err(e.clone()),
        }
    }
}

/// The card flow reaches the store through the register's lock, one short step at a time.
impl versapos_till::cards::TillAccess for Desktop {
    fn with_till(
        &self,
        f: &mut dyn FnMut(&mut Till),
    ) -> Result<(), versapos_payments::flow::FlowError> {
        let mut register = self
            .register()
            .map_err(|e| versapos_payments::flow::FlowError::Unavailable(e.message))?;
        f(&mut register.till);
        Ok(())
    }
}
