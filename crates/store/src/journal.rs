//! The journal: every sale, refund, void and price change, per till, gapless and hash-chained.
//!
//! Entry n stores the hash of entry n-1; its own hash covers its till, sequence, time, kind,
//! reference and payload. `journal_head` remembers the last entry so that deleting the newest
//! rows is noticed too. Verification also checks that every order and refund has its entry.

use crate::error::Result;
use crate::moment::Moment;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use sha2::{Digest, Sha256};

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
    Ok(seq)
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
    })
}
