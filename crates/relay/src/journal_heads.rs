//! Tills' signed journal heads: each till sends the newest entry of its journal, signed with its
//! store's journal key (ed25519), and the relay keeps the newest it has seen, refusing one that
//! goes backwards, rewrites an entry it holds, or changes key. The till compares its store with
//! this copy (`versapos journal verify --relay`).

use crate::store::JournalHeadRow;
use ed25519_dalek::{Signature, VerifyingKey};
use serde::Deserialize;

/// A head as a till sends it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SentHead {
    key_id: String,
    till_id: String,
    seq: i64,
    hash: String,
    public_key: String,
    signature: String,
}

/// Why a sent head was refused (400 `bad_journal_head`).
#[derive(Debug, thiserror::Error)]
pub enum BadHead {
    #[error("the body is not a journal head: {0}")]
    Shape(String),
    #[error("{field} must be {what}")]
    Field {
        field: &'static str,
        what: &'static str,
    },
    #[error("the signature does not verify with the head's public key")]
    Signature,
}

fn hex_of<const N: usize>(text: &str, field: &'static str) -> Result<[u8; N], BadHead> {
    let mut out = [0u8; N];
    hex::decode_to_slice(text, &mut out).map_err(|_| BadHead::Field {
        field,
        what: "hex of the right length",
    })?;
    Ok(out)
}

/// What the till signs: its store's key id, the till, the entry's number and hash, each
/// length-prefixed (as the till's journal writes it).
fn message(key_id: &str, till: &str, seq: i64, hash: &str) -> Vec<u8> {
    let mut m = b"VersaTalent POS journal head\n".to_vec();
    for part in [key_id, till, &seq.to_string(), hash] {
        m.extend_from_slice(&(part.len() as u64).to_be_bytes());
        m.extend_from_slice(part.as_bytes());
    }
    m
}

/// Reads and checks a head a till sent: its fields' shapes, and its signature by its own key.
pub fn read(body: &[u8], now: i64) -> Result<JournalHeadRow, BadHead> {
    let head: SentHead = serde_json::from_slice(body).map_err(|e| BadHead::Shape(e.to_string()))?;
    let short = |s: &str| !s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_graphic());
    if !short(&head.key_id) {
        return Err(BadHead::Field {
            field: "key_id",
            what: "1 to 64 printable characters",
        });
    }
    if !short(&head.till_id) {
        return Err(BadHead::Field {
            field: "till_id",
            what: "1 to 64 printable characters",
        });
    }
    if head.seq < 1 {
        return Err(BadHead::Field {
            field: "seq",
            what: "an entry number, 1 or more",
        });
    }
    let _: [u8; 32] = hex_of(&head.hash, "hash")?;
    let public_key: [u8; 32] = hex_of(&head.public_key, "public_key")?;
    let signature: [u8; 64] = hex_of(&head.signature, "signature")?;
    let key = VerifyingKey::from_bytes(&public_key).map_err(|_| BadHead::Field {
        field: "public_key",
        what: "an ed25519 public key",
    })?;
    key.verify_strict(
        &message(&head.key_id, &head.till_id, head.seq, &head.hash),
        &Signature::from_bytes(&signature),
    )
    .map_err(|_| BadHead::Signature)?;
    let body = serde_json::json!({
        "key_id": head.key_id, "till_id": head.till_id, "seq": head.seq, "hash": head.hash,
        "public_key": head.public_key, "signature": head.signature,
    })
    .to_string();
    Ok(JournalHeadRow {
        seq: head.seq,
        hash: head.hash,
        public_key: head.public_key,
        body,
        received_at: now,
    })
}
