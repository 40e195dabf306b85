//! The journal: every sale, refund, void and price change, per till, gapless and hash-chained.
//!
//! Entry n stores the hash of entry n-1; its own hash covers its till, sequence, time, kind,
//! reference and payload. `journal_head` remembers the last entry so that deleting the newest
//! rows is noticed too. Verification also checks that every order and refund has its entry.
//!
//! The chain alone is only as safe as the file: whoever can write it can recompute every hash.
//! So each till's newest entry is also signed (`journal_anchor`) with the store's journal key,
//! which the till keeps in the OS keychain ([`JournalSigner`]); [`verify_signed`] checks the
//! signature against the keychain's key, and the till sends the signed head to its relay for
//! a copy the file cannot rewrite.

use crate::error::Result;
use crate::moment::Moment;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use sha2::{Digest, Sha256};
pub use versapos_core::journal::{head_message, SignedHead};

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn entry_hash(
    prev: &str,
    till: &str,
    seq: i64,
    at: &str,
    kind: &str,
    ref_id: &str,
    payload: &str,
) -> String {
    let mut h = Sha256::new();
    for part in [prev, till, &seq.to_string(), at, kind, ref_id, payload] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Appends an entry inside the caller's transaction; returns its sequence number.
pub fn append(
    tx: &Transaction<'_>,
    till: &str,
    when: &Moment,
    kind: &str,
    ref_id: &str,
    payload: &serde_json::Value,
) -> Result<i64> {
    let at = when.at.as_str();
    // Who did it (and who approved it), inside the hashed payload.
    let mut payload = payload.clone();
    if let Some(obj) = payload.as_object_mut() {
        if let Some(s) = &when.staff {
            obj.insert(
                "staff".into(),
                serde_json::json!({ "id": s.id, "name": s.name }),
            );
        }
        if let Some(a) = &when.approved_by {
            obj.insert(
                "approved_by".into(),
                serde_json::json!({ "id": a.id, "name": a.name }),
            );
        }
    }
    let head: Option<(i64, String)> = tx
        .prepare_cached("SELECT seq, hash FROM journal_head WHERE till_id = ?1")?
        .query_row([till], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (prev_seq, prev_hash) = head.unwrap_or((0, GENESIS.to_string()));
    let seq = prev_seq + 1;
    let payload = payload.to_string();
    let hash = entry_hash(&prev_hash, till, seq, at, kind, ref_id, &payload);
    tx.prepare_cached(
        "INSERT INTO journal (till_id, seq, at, kind, ref_id, payload, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        till, seq, at, kind, ref_id, payload, prev_hash, hash
    ])?;
    tx.prepare_cached(
        "INSERT INTO journal_head (till_id, seq, hash) VALUES (?1, ?2, ?3)
         ON CONFLICT (till_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
    )?
    .execute(params![till, seq, hash])?;
    if let Some(signer) = &when.signer {
        sign_next_head(tx, signer.as_ref(), till, seq, &hash)?;
    }
    Ok(seq)
}

/// Signs the head `seq` when it extends a chain already signed with the same key up to the entry
/// before it (or starts the till's chain). After entries written without the key (another
/// computer's keychain, a keychain that refused) nothing more is signed, so they stay reported
/// by `journal verify` instead of being signed over.
fn sign_next_head(
    tx: &Transaction<'_>,
    signer: &dyn JournalSigner,
    till: &str,
    seq: i64,
    hash: &str,
) -> Result<()> {
    let anchor: Option<(i64, String)> = tx
        .prepare_cached("SELECT seq, public_key FROM journal_anchor WHERE till_id = ?1")?
        .query_row([till], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((public_key, signature)) = signature_of(tx, signer, till, seq, hash)? else {
        return Ok(());
    };
    let follows = match &anchor {
        None => seq == 1,
        Some((signed_seq, signed_by)) => {
            *signed_seq == seq - 1 && *signed_by == hex::encode(public_key)
        }
    };
    if follows {
        store_anchor(tx, till, seq, hash, &public_key, &signature)?;
    }
    Ok(())
}

fn store_anchor(
    tx: &Transaction<'_>,
    till: &str,
    seq: i64,
    hash: &str,
    public_key: &[u8; 32],
    signature: &[u8; 64],
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO journal_anchor (till_id, seq, hash, public_key, signature)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (till_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash,
             public_key = excluded.public_key, signature = excluded.signature",
    )?
    .execute(params![
        till,
        seq,
        hash,
        hex::encode(public_key),
        hex::encode(signature)
    ])?;
    Ok(())
}

/// Signs the journal's heads with a key the store never holds: the till's, in the OS keychain.
pub trait JournalSigner: Send + Sync + std::fmt::Debug {
    /// `message` signed with the journal key of the store `key_id` (made the first time):
    /// the key's public half and the signature. `None` when no key can be had (the keychain
    /// refused): the entry stays unsigned, and `journal verify` says so.
    fn sign(&self, key_id: &str, message: &[u8]) -> Option<([u8; 32], [u8; 64])>;
    /// The public half of the store's journal key, when this till's keychain holds it.
    fn public_key(&self, key_id: &str) -> Option<[u8; 32]>;
    /// Whether `signature` is `public_key`'s signature of `message`.
    fn signed_by(&self, public_key: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool;
}

/// The id that names this store's journal key in the keychain.
pub fn key_id(conn: &Connection) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT value FROM settings WHERE key = 'journal_key_id'")?
        .query_row([], |r| r.get(0))
        .optional()?)
}

/// Signs the head `seq` as it stands (the heads found at an upgrade).
fn sign_head(
    tx: &Transaction<'_>,
    signer: &dyn JournalSigner,
    till: &str,
    seq: i64,
    hash: &str,
) -> Result<()> {
    if let Some((public_key, signature)) = signature_of(tx, signer, till, seq, hash)? {
        store_anchor(tx, till, seq, hash, &public_key, &signature)?;
    }
    Ok(())
}

/// The head `seq` of `till` signed with the store's journal key: its public half and the
/// signature; `None` for a store without a key id or a keychain that refused.
fn signature_of(
    tx: &Transaction<'_>,
    signer: &dyn JournalSigner,
    till: &str,
    seq: i64,
    hash: &str,
) -> Result<Option<([u8; 32], [u8; 64])>> {
    Ok(
        key_id(tx)?
            .and_then(|key_id| signer.sign(&key_id, &head_message(&key_id, till, seq, hash))),
    )
}

/// The schema version that began signing the journal's heads.
pub const SIGNED_SINCE_SCHEMA: i64 = 14;

/// Signs each till's head that was never signed, as it stands: for a store upgraded from a build
/// before heads were signed, by the till that upgrades it (never later, when an unsigned head
/// could be one written without the key).
pub fn sign_heads_at_upgrade(conn: &mut Connection, signer: &dyn JournalSigner) -> Result<()> {
    let tx = crate::db::write(conn)?;
    let unsigned: Vec<(String, i64, String)> = tx
        .prepare(
            "SELECT h.till_id, h.seq, h.hash FROM journal_head h
             WHERE NOT EXISTS (SELECT 1 FROM journal_anchor a WHERE a.till_id = h.till_id)",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<std::result::Result<_, _>>()?;
    for (till, seq, hash) in unsigned {
        sign_head(&tx, signer, &till, seq, &hash)?;
    }
    tx.commit()?;
    Ok(())
}

/// What `journal sign` did for one till: entries `from..=to` were accepted unsigned, and the
/// acceptance (entry `signed`) is signed with the store's key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignedOver {
    pub till_id: String,
    pub from: i64,
    pub to: i64,
    pub signed: i64,
}

/// After someone allowed to has looked at entries written without the store's journal key (a
/// keychain that refused for a while, a head signed elsewhere), signs over them: for each till
/// whose newest entries are unsigned, an entry `journal_signed` names them and who accepted
/// them, and its head is signed. A chain whose signed entry was rewritten is never signed over.
pub fn sign_over_unsigned(
    conn: &mut Connection,
    signer: &dyn JournalSigner,
    when: &Moment,
) -> Result<Vec<SignedOver>> {
    let tx = crate::db::write(conn)?;
    let Some(key_id) = key_id(&tx)? else {
        return Ok(Vec::new());
    };
    let Some(public_key) = signer.public_key(&key_id) else {
        return Err(crate::error::TillError::invalid(
            "journal key",
            format!(
                "this computer's keychain does not hold the store's journal key \
                 (journal-key:{key_id}): sign on the till that wrote the store"
            ),
        ));
    };
    let ours = hex::encode(public_key);
    let heads: Vec<(String, i64)> = tx
        .prepare("SELECT till_id, seq FROM journal_head ORDER BY till_id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<std::result::Result<_, _>>()?;
    let signed = signed_heads(&tx)?;
    let mut done = Vec::new();
    let unsigned_moment = Moment {
        signer: None,
        ..when.clone()
    };
    for (till, newest) in heads {
        let anchor = signed.iter().find(|h| h.till_id == till);
        let from = match anchor {
            Some(a) if a.public_key == ours => {
                let hash_then: Option<String> = hash_at(&tx, &till, a.seq)?;
                if hash_then.as_deref() != Some(a.hash.as_str()) {
                    return Err(crate::error::TillError::invalid(
                        "journal",
                        format!(
                            "till {till}'s entry {} is no longer the one that was signed: a \
                             rewritten journal is not signed over",
                            a.seq
                        ),
                    ));
                }
                if a.seq >= newest {
                    continue;
                }
                a.seq + 1
            }
            _ => 1,
        };
        let seq = append(
            &tx,
            &till,
            &unsigned_moment,
            "journal_signed",
            &till,
            &serde_json::json!({ "entries_from": from, "entries_to": newest,
                                 "signed_before_with": anchor.map(|a| a.key_fingerprint().to_string()) }),
        )?;
        let hash = hash_at(&tx, &till, seq)?.unwrap_or_default();
        sign_head(&tx, signer, &till, seq, &hash)?;
        done.push(SignedOver {
            till_id: till,
            from,
            to: newest,
            signed: seq,
        });
    }
    tx.commit()?;
    Ok(done)
}

/// Whether `head`'s signature is `public_key`'s.
fn signed_by(head: &SignedHead, signer: &dyn JournalSigner, public_key: &[u8; 32]) -> bool {
    let mut signature = [0u8; 64];
    hex::decode_to_slice(&head.signature, &mut signature).is_ok()
        && signer.signed_by(public_key, &head.message(), &signature)
}

/// The hash of till `till`'s entry `seq`, if there is one.
fn hash_at(conn: &Connection, till: &str, seq: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT hash FROM journal WHERE till_id = ?1 AND seq = ?2")?
        .query_row(params![till, seq], |r| r.get(0))
        .optional()?)
}

/// Every till's signed head in this store.
pub fn signed_heads(conn: &Connection) -> Result<Vec<SignedHead>> {
    let key_id = key_id(conn)?.unwrap_or_default();
    let mut stmt = conn.prepare(
        "SELECT till_id, seq, hash, public_key, signature FROM journal_anchor ORDER BY till_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(SignedHead {
            key_id: key_id.clone(),
            till_id: r.get(0)?,
            seq: r.get(1)?,
            hash: r.get(2)?,
            public_key: r.get(3)?,
            signature: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Checks the store's journal against a copy of one till's signed head kept off the till (by the
/// webhook relay): the copy must be signed with the store's journal key, and the entry it names
/// must still be in the chain as it was signed. A store put back to an older copy, or a chain
/// rewritten and signed again by someone holding the key, no longer matches.
pub fn compare_with_copy(
    conn: &Connection,
    signer: &dyn JournalSigner,
    copy: &SignedHead,
) -> Result<Vec<JournalProblem>> {
    let problem = |seq: Option<i64>, p: String| {
        vec![JournalProblem {
            till_id: copy.till_id.clone(),
            seq,
            problem: p,
        }]
    };
    let key_id = key_id(conn)?.unwrap_or_default();
    if copy.key_id != key_id {
        return Ok(problem(
            None,
            format!(
                "the relay's copy is of another store's journal (key id {})",
                copy.key_id
            ),
        ));
    }
    let Some(public_key) = signer.public_key(&key_id) else {
        return Ok(problem(
            None,
            "the relay's copy cannot be checked: this computer's keychain does not hold the \
             store's journal key"
                .into(),
        ));
    };
    if copy.public_key != hex::encode(public_key) || !signed_by(copy, signer, &public_key) {
        return Ok(problem(
            Some(copy.seq),
            "the relay's copy of the head is not signed with the store's journal key".into(),
        ));
    }
    let newest: Option<i64> = conn
        .query_row(
            "SELECT seq FROM journal_head WHERE till_id = ?1",
            [&copy.till_id],
            |r| r.get(0),
        )
        .optional()?;
    let hash_here: Option<String> = hash_at(conn, &copy.till_id, copy.seq)?;
    Ok(match hash_here {
        Some(h) if h == copy.hash => Vec::new(),
        Some(_) => problem(
            Some(copy.seq),
            "entry is not the one the relay holds, signed: the journal was rewritten".into(),
        ),
        None => problem(
            Some(copy.seq),
            format!(
                "the relay holds this entry, signed, but the store's journal ends at {}: entries \
                 were taken out (the store was put back to an older copy?)",
                newest.unwrap_or(0)
            ),
        ),
    })
}

/// Checks each till's journal against its signed head: the head must be signed by the store's
/// journal key as this till's keychain holds it, must be an entry of the chain as it is now, and
/// must be the newest entry (what came after was written without the key). The chain itself is
/// [`verify`]'s.
pub fn verify_signed(conn: &Connection, signer: &dyn JournalSigner) -> Result<Vec<JournalProblem>> {
    let mut problems = Vec::new();
    let heads: Vec<(String, i64)> = conn
        .prepare("SELECT till_id, seq FROM journal_head ORDER BY till_id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    if heads.is_empty() {
        return Ok(problems);
    }
    let Some(key_id) = key_id(conn)? else {
        return Ok(vec![JournalProblem {
            till_id: "-".into(),
            seq: None,
            problem: "the store has no journal key id: its journal was never signed".into(),
        }]);
    };
    let Some(public_key) = signer.public_key(&key_id) else {
        return Ok(vec![JournalProblem {
            till_id: "-".into(),
            seq: None,
            problem: format!(
                "the signatures cannot be checked: this computer's keychain does not hold the \
                 store's journal key (journal-key:{key_id}); verify on the till that wrote it"
            ),
        }]);
    };
    let signed = signed_heads(conn)?;
    for (till, newest) in heads {
        let mut prob = |seq: Option<i64>, p: String| {
            problems.push(JournalProblem {
                till_id: till.clone(),
                seq,
                problem: p,
            })
        };
        let Some(head) = signed.iter().find(|h| h.till_id == till) else {
            prob(
                None,
                "no entry is signed: the journal's head was never signed".into(),
            );
            continue;
        };
        if head.public_key != hex::encode(public_key) {
            prob(
                Some(head.seq),
                format!(
                    "the head is signed with another key ({}…), not the store's journal key",
                    head.key_fingerprint()
                ),
            );
            continue;
        }
        if !signed_by(head, signer, &public_key) {
            prob(
                Some(head.seq),
                "the signature of the head does not match it: the signed head was changed".into(),
            );
            continue;
        }
        let hash_then: Option<String> = hash_at(conn, &till, head.seq)?;
        if hash_then.as_deref() != Some(head.hash.as_str()) {
            prob(
                Some(head.seq),
                "entry no longer is the one that was signed: the journal was rewritten".into(),
            );
        } else if head.seq < newest {
            prob(
                Some(newest),
                format!(
                    "entries {}..{newest} were written without the store's journal key",
                    head.seq + 1
                ),
            );
        }
    }
    Ok(problems)
}

/// One thing wrong with the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JournalProblem {
    pub till_id: String,
    pub seq: Option<i64>,
    pub problem: String,
}

/// The result of `journal verify`.
#[derive(Debug, Clone, Serialize)]
pub struct JournalReport {
    pub entries: i64,
    pub tills: Vec<String>,
    pub problems: Vec<JournalProblem>,
    /// Each till's signed head, as the store holds it.
    pub signed: Vec<SignedHead>,
    /// The copy of this till's signed head the relay holds, when it was compared.
    pub relay: Option<SignedHead>,
}

impl JournalReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Walks every till's chain and cross-checks orders and refunds against it.
pub fn verify(conn: &Connection) -> Result<JournalReport> {
    let mut problems = Vec::new();
    let mut tills: Vec<String> = conn
        .prepare("SELECT till_id FROM journal UNION SELECT till_id FROM journal_head")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    tills.sort();
    let mut entries = 0;
    for till in &tills {
        let mut prob = |seq: Option<i64>, p: String| {
            problems.push(JournalProblem {
                till_id: till.clone(),
                seq,
                problem: p,
            })
        };
        let mut stmt = conn.prepare(
            "SELECT seq, at, kind, ref_id, payload, prev_hash, hash FROM journal
             WHERE till_id = ?1 ORDER BY seq",
        )?;
        let mut rows = stmt.query([till])?;
        let mut expected_seq = 1;
        let mut last_hash = GENESIS.to_string();
        let mut last_seq = 0;
        while let Some(r) = rows.next()? {
            entries += 1;
            let seq: i64 = r.get(0)?;
            let at: String = r.get(1)?;
            let kind: String = r.get(2)?;
            let ref_id: Option<String> = r.get(3)?;
            let payload: String = r.get(4)?;
            let prev: String = r.get(5)?;
            let hash: String = r.get(6)?;
            if seq != expected_seq {
                if seq > expected_seq {
                    prob(
                        Some(seq),
                        format!("entries {expected_seq}..{} are missing (deleted)", seq - 1),
                    );
                } else {
                    prob(Some(seq), "sequence goes backwards".to_string());
                }
            }
            if prev != last_hash {
                prob(
                    Some(seq),
                    "does not chain to the entry before it (an entry was inserted, deleted or \
                     changed)"
                        .to_string(),
                );
            }
            let recomputed = entry_hash(
                &prev,
                till,
                seq,
                &at,
                &kind,
                ref_id.as_deref().unwrap_or(""),
                &payload,
            );
            if recomputed != hash {
                prob(
                    Some(seq),
                    format!("{kind} entry was changed after it was written"),
                );
            }
            expected_seq = seq + 1;
            last_hash = hash;
            last_seq = seq;
        }
        let head: Option<(i64, String)> = conn
            .query_row(
                "SELECT seq, hash FROM journal_head WHERE till_id = ?1",
                [till],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match head {
            None => prob(None, "the journal head is missing".to_string()),
            Some((seq, hash)) => {
                if seq > last_seq {
                    prob(
                        Some(seq),
                        format!(
                            "the newest entries {}..{seq} are missing (deleted)",
                            last_seq + 1
                        ),
                    );
                } else if seq < last_seq {
                    prob(
                        Some(last_seq),
                        format!("entries after {seq} were added outside the till"),
                    );
                } else if hash != last_hash {
                    prob(
                        Some(seq),
                        "the newest entry does not match the journal head".to_string(),
                    );
                }
            }
        }
    }

    // Every order that was ever completed and every refund must have its entry.
    let mut stmt = conn.prepare(
        "SELECT o.id, o.till_id, o.number, o.total, j.payload FROM orders o
         LEFT JOIN journal j ON j.ref_id = o.id AND j.kind = 'sale'
         WHERE o.status NOT IN ('open', 'payment_pending', 'payment_failed')",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        let till: String = r.get(1)?;
        let number: i64 = r.get(2)?;
        let total: i64 = r.get(3)?;
        let payload: Option<String> = r.get(4)?;
        let journaled_total = payload
            .as_deref()
            .and_then(|p| serde_json::from_str::<serde_json::Value>(p).ok())
            .and_then(|v| v.get("total").and_then(serde_json::Value::as_i64));
        match journaled_total {
            None => problems.push(JournalProblem {
                till_id: till,
                seq: None,
                problem: format!("order {number} ({id}) has no sale entry in the journal"),
            }),
            Some(t) if t != total => problems.push(JournalProblem {
                till_id: till,
                seq: None,
                problem: format!(
                    "order {number} ({id}) total {total} differs from the journal's {t}"
                ),
            }),
            Some(_) => {}
        }
    }
    let mut stmt = conn.prepare(
        "SELECT r.id, o.till_id, r.amount, j.payload FROM refunds r
         JOIN orders o ON o.id = r.order_id
         LEFT JOIN journal j ON j.ref_id = r.id AND j.kind = 'refund'",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        let till: String = r.get(1)?;
        let amount: i64 = r.get(2)?;
        let payload: Option<String> = r.get(3)?;
        let journaled = payload
            .as_deref()
            .and_then(|p| serde_json::from_str::<serde_json::Value>(p).ok())
            .and_then(|v| v.get("amount").and_then(serde_json::Value::as_i64));
        if journaled != Some(amount) {
            problems.push(JournalProblem {
                till_id: till,
                seq: None,
                problem: format!("refund {id} does not match its journal entry"),
            });
        }
    }
    // And every sale and refund the journal recorded must still be in the store: deleting a cash
    // sale is the classic way to pocket its cash.
    let mut stmt = conn.prepare(
        "SELECT j.till_id, j.seq, j.kind, j.ref_id FROM journal j
         WHERE (j.kind = 'sale' AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = j.ref_id))
            OR (j.kind = 'refund' AND NOT EXISTS (SELECT 1 FROM refunds r WHERE r.id = j.ref_id))
         ORDER BY j.till_id, j.seq",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let kind: String = r.get(2)?;
        let ref_id: Option<String> = r.get(3)?;
        problems.push(JournalProblem {
            till_id: r.get(0)?,
            seq: Some(r.get(1)?),
            problem: format!(
                "the {kind} {} in the journal is missing from the store (deleted)",
                ref_id.unwrap_or_default()
            ),
        });
    }
    Ok(JournalReport {
        entries,
        tills,
        problems,
        signed: Vec::new(),
        relay: None,
    })
}
