//! The journal's key: an ed25519 key per store, kept in the OS keychain and never in the store,
//! that signs the newest entry of each till's journal. Someone who can write the store file can
//! rewrite the journal and recompute every hash, but cannot sign the new head: `journal verify`
//! finds the chain rewritten.

use crate::KeyError;
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};

/// The keychain account of the store whose journal key id is `key_id`.
fn account(key_id: &str) -> String {
    format!("journal-key:{key_id}")
}

/// The environment variable that stands in for the keychain's journal keys on a till whose
/// keychain does not keep secrets across a restart (the Linux kernel keyring): 64 hex digits
/// (`openssl rand -hex 32`), from the service manager's protected environment. It signs every
/// store's journal on that till.
pub const JOURNAL_KEY_ENV: &str = "VERSAPOS_JOURNAL_KEY";

fn parse_seed(text: &str, source: &str) -> Result<JournalKey, KeyError> {
    let mut seed = [0u8; 32];
    hex::decode_to_slice(text.trim(), &mut seed).map_err(|_| {
        KeyError::Keychain(format!(
            "the journal key in {source} is not a key (expected 64 hex digits)"
        ))
    })?;
    let key = JournalKey(SigningKey::from_bytes(&seed));
    seed.fill(0);
    Ok(key)
}

/// The journal keys in the OS keychain (the till's service, or `VERSAPOS_KEYCHAIN_SERVICE`).
pub struct JournalKeys {
    service: String,
}

impl Default for JournalKeys {
    fn default() -> Self {
        let service = std::env::var("VERSAPOS_KEYCHAIN_SERVICE")
            .ok()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| "com.versatalent.pos".to_string());
        JournalKeys { service }
    }
}

/// A signing key as read from the keychain; zeroed when dropped.
pub struct JournalKey(SigningKey);

impl JournalKey {
    /// The public half, which checks what this key signed.
    pub fn public_key(&self) -> [u8; 32] {
        self.0.verifying_key().to_bytes()
    }

    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }
}

impl JournalKeys {
    fn entry(&self, key_id: &str) -> Result<keyring::Entry, KeyError> {
        keyring::Entry::new(&self.service, &account(key_id))
            .map_err(|e| KeyError::Keychain(e.to_string()))
    }

    fn read(&self, key_id: &str) -> Result<Option<JournalKey>, KeyError> {
        if let Some(text) = std::env::var(JOURNAL_KEY_ENV)
            .ok()
            .filter(|v| !v.trim().is_empty())
        {
            return parse_seed(&text, JOURNAL_KEY_ENV).map(Some);
        }
        match self.entry(key_id)?.get_password() {
            Ok(text) => parse_seed(&text, &account(key_id)).map(Some),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(KeyError::Keychain(e.to_string())),
        }
    }

    /// The store's journal key, made and kept in the keychain the first time it is needed.
    /// Called inside the store's write transaction, so two processes never make one each.
    pub fn key(&self, key_id: &str) -> Result<JournalKey, KeyError> {
        if let Some(key) = self.read(key_id)? {
            return Ok(key);
        }
        let mut seed: [u8; 32] = rand::random();
        let stored = self.entry(key_id)?.set_password(&hex::encode(seed));
        seed.fill(0);
        stored.map_err(|e| KeyError::Keychain(e.to_string()))?;
        // What the keychain holds now is the key, whoever wrote it.
        self.read(key_id)?.ok_or_else(|| {
            KeyError::Keychain("the journal key was stored but cannot be read back".into())
        })
    }

    /// The public half of the store's journal key, if this keychain holds it (never made here).
    pub fn public_key(&self, key_id: &str) -> Result<Option<[u8; 32]>, KeyError> {
        Ok(self.read(key_id)?.map(|k| k.public_key()))
    }
}

/// Whether `signature` is `public_key`'s signature of `message`.
pub fn signed_by(public_key: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
    VerifyingKey::from_bytes(public_key).is_ok_and(|key| {
        key.verify_strict(message, &ed25519_dalek::Signature::from_bytes(signature))
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_checks_with_its_key_only_and_for_its_message_only() {
        let key = JournalKey(SigningKey::from_bytes(&[7u8; 32]));
        let other = JournalKey(SigningKey::from_bytes(&[8u8; 32]));
        let signature = key.sign(b"T1 42 abc");
        assert!(signed_by(&key.public_key(), b"T1 42 abc", &signature));
        assert!(!signed_by(&key.public_key(), b"T1 42 abd", &signature));
        assert!(!signed_by(&other.public_key(), b"T1 42 abc", &signature));
    }
}
