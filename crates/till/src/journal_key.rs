//! The till's side of the journal's anchor: the store's journal key read from the OS keychain
//! (made there the first time), signing each head the journal reaches.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use versapos_secrets::journal_key::{signed_by, JournalKey, JournalKeys};
use versapos_store::journal::JournalSigner;

/// How long a keychain that refused is left alone before it is asked again (a sale never waits
/// on a keychain that keeps refusing).
const ASK_AGAIN_AFTER: std::time::Duration = std::time::Duration::from_secs(60);

/// Signs with the keychain's journal keys, each read once per process.
#[derive(Default)]
pub struct KeychainSigner {
    keys: JournalKeys,
    read: Mutex<HashMap<String, Arc<JournalKey>>>,
    refused: Mutex<Option<std::time::Instant>>,
}

impl std::fmt::Debug for KeychainSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeychainSigner")
    }
}

impl KeychainSigner {
    /// The process's signer (the keys it has read are kept for the next sale).
    pub fn shared() -> Arc<dyn JournalSigner> {
        static SHARED: OnceLock<Arc<KeychainSigner>> = OnceLock::new();
        SHARED.get_or_init(Arc::default).clone()
    }

    fn key(&self, key_id: &str) -> Option<Arc<JournalKey>> {
        let mut read = self.read.lock().ok()?;
        if let Some(key) = read.get(key_id) {
            return Some(Arc::clone(key));
        }
        // A keychain that refuses leaves the entry unsigned: a sale is never stopped for it,
        // and `journal verify` reports the unsigned entries.
        if let Ok(refused) = self.refused.lock() {
            if refused.is_some_and(|at| at.elapsed() < ASK_AGAIN_AFTER) {
                return None;
            }
        }
        match self.keys.key(key_id) {
            Ok(key) => {
                let key = Arc::new(key);
                read.insert(key_id.to_string(), Arc::clone(&key));
                Some(key)
            }
            Err(_) => {
                if let Ok(mut refused) = self.refused.lock() {
                    *refused = Some(std::time::Instant::now());
                }
                None
            }
        }
    }
}

impl JournalSigner for KeychainSigner {
    fn sign(&self, key_id: &str, message: &[u8]) -> Option<([u8; 32], [u8; 64])> {
        let key = self.key(key_id)?;
        Some((key.public_key(), key.sign(message)))
    }

    fn public_key(&self, key_id: &str) -> Option<[u8; 32]> {
        self.keys.public_key(key_id).ok().flatten()
    }

    fn signed_by(&self, public_key: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
        signed_by(public_key, message, signature)
    }
}
