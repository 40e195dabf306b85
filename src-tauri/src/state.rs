//! What the desktop shell keeps between commands: the open store and the sale on the register.

use crate::error::CommandResult;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use versapos_store::{Sale, Till};

/// The till's state, managed by Tauri.
///
/// One lock guards the store and the sale together: a command always needs both, the till has
/// one cashier, and a single lock can neither deadlock nor let a sale see a half-changed store.
pub struct Desktop {
    register: Mutex<Register>,
    pub store_path: PathBuf,
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
            register: Mutex::new(Register {
                till,
                sale: Sale::default(),
            }),
        }
    }

    /// The register, for one command.
    pub fn register(&self) -> CommandResult<MutexGuard<'_, Register>> {
        Ok(self.register.lock()?)
    }
}
