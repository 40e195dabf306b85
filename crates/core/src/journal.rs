//! A till's journal head, signed: the newest entry of its journal (number and hash) signed with
//! its store's journal key, as the store keeps it and as the relay keeps a copy of it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedHead {
    /// The store's journal key id (its key's name in the keychain).
    pub key_id: String,
    pub till_id: String,
    pub seq: i64,
    pub hash: String,
    /// The ed25519 public key, hex.
    pub public_key: String,
    /// The signature of [`head_message`], hex.
    pub signature: String,
}

impl SignedHead {
    /// The public key's first eight bytes in hex, to tell keys apart in a message.
    pub fn key_fingerprint(&self) -> &str {
        self.public_key.get(..16).unwrap_or(&self.public_key)
    }

    /// What this head's signature signs.
    pub fn message(&self) -> Vec<u8> {
        head_message(&self.key_id, &self.till_id, self.seq, &self.hash)
    }
}

/// What is signed for a till's head: the store's key id, the till, the entry's number and hash,
/// each length-prefixed.
pub fn head_message(key_id: &str, till: &str, seq: i64, hash: &str) -> Vec<u8> {
    let mut m = b"VersaTalent POS journal head\n".to_vec();
    for part in [key_id, till, &seq.to_string(), hash] {
        m.extend_from_slice(&(part.len() as u64).to_be_bytes());
        m.extend_from_slice(part.as_bytes());
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_part_of_the_message_is_length_prefixed_so_parts_cannot_slide() {
        assert_ne!(
            head_message("ab", "c", 1, "h"),
            head_message("a", "bc", 1, "h")
        );
        assert!(head_message("k", "T1", 42, "h").starts_with(b"VersaTalent POS journal head\n"));
    }
}
