//! `versapos journal verify`: passes on an honest store, and catches an attacker who edits the
//! store file directly (dropping the append-only triggers first).

use crate::support::{array, int, text, Till};
use serde_json::Value;

/// A store with a catalog, three sales, a refund and a price change.
fn honest_store() -> Till {
    let till = Till::gbp_with_catalog();
    for item in ["TEA", "BUN:2", "CHEW:3"] {
        till.json(&["sale", "--item", item, "--pay", "cash"]);
    }
    till.json(&["refund", "2", "--line", "BUN:1"]);
    till.json(&["products", "set-price", "TEA", "2.59"]);
    till
}

#[test]
fn journal_verify_passes_after_sales_refunds_and_price_changes() {
    let till = honest_store();
    let plain = till.ok(&["journal", "verify"]);
    assert!(
        plain.starts_with("journal ok"),
        "an honest store verifies: {plain}"
    );
    let report = till.json(&["journal", "verify"]);
    assert_eq!(report["ok"].as_bool(), Some(true), "{report}");
    assert!(array(&report, "problems").is_empty());
    // shop set-up, catalog import, 3 sales, 1 refund, 1 price change
    assert_eq!(int(&report, "entries"), 7, "one entry per change: {report}");
    assert_eq!(
        array(&report, "tills")
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>(),
        [Some("T1")]
    );
}

/// Runs `journal verify` on a tampered store: it must fail with exit 1, print the problems,
/// and say so on stderr. Returns the problems from the JSON report.
fn verify_fails(till: &Till, what: &str) -> Vec<String> {
    let plain = till.run(&["journal", "verify"]);
    assert_eq!(
        plain.code,
        Some(1),
        "{what}: `journal verify` exits 1\nstdout: {}\nstderr: {}",
        plain.stdout,
        plain.stderr
    );
    assert!(
        plain.stdout.contains("journal FAILED"),
        "{what}: the report says it failed:\n{}",
        plain.stdout
    );
    assert!(
        plain.stderr.contains("tampered"),
        "{what}: stderr says the journal was tampered with: {}",
        plain.stderr
    );
    let json = till.run(&["--json", "journal", "verify"]);
    assert_eq!(json.code, Some(1), "{what}: --json exits 1 too");
    // Stdout holds exactly one JSON document: the report, with `ok: false` and its problems.
    let report: Value = serde_json::from_str(&json.stdout).unwrap_or_else(|e| {
        panic!(
            "{what}: --json prints one JSON report ({e}): {}",
            json.stdout
        )
    });
    assert_eq!(report["ok"].as_bool(), Some(false), "{what}: {report}");
    assert!(
        report.get("error").is_none(),
        "{what}: no second error document: {report}"
    );
    let problems: Vec<String> = array(&report, "problems")
        .iter()
        .map(|p| text(p, "problem").to_string())
        .collect();
    for p in &problems {
        assert!(
            plain.stdout.contains(p.as_str()),
            "{what}: the plain report lists {p:?}:\n{}",
            plain.stdout
        );
    }
    problems
}

/// Tampers with the store file as an attacker would: straight SQL, the append-only triggers out
/// of the way and then put back as they were (a store whose schema differs from the till's is
/// not opened at all).
fn tamper(till: &Till, sql: &str) {
    let conn = till.sqlite();
    let triggers: Vec<String> = conn
        .prepare(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger'
             AND name IN ('journal_no_update', 'journal_no_delete')",
        )
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("read the append-only triggers");
    assert_eq!(triggers.len(), 2);
    conn.execute_batch(
        "DROP TRIGGER journal_no_update;
         DROP TRIGGER journal_no_delete;",
    )
    .expect("drop the append-only triggers");
    conn.execute_batch(sql).expect("tamper with the journal");
    for trigger in triggers {
        conn.execute_batch(&trigger).expect("put the trigger back");
    }
}

fn sale_seq(till: &Till, number: i64) -> i64 {
    till.sqlite()
        .query_row(
            "SELECT j.seq FROM journal j JOIN orders o ON o.id = j.ref_id
             WHERE j.kind = 'sale' AND o.number = ?1",
            [number],
            |r| r.get(0),
        )
        .expect("the sale has a journal entry")
}

fn any_contains(problems: &[String], words: &str) -> bool {
    problems.iter().any(|p| p.contains(words))
}

#[test]
fn journal_verify_fails_when_an_entrys_payload_is_changed() {
    let till = honest_store();
    let seq = sale_seq(&till, 2);
    tamper(
        &till,
        &format!(
            "UPDATE journal SET payload = replace(payload, '\"total\":270', '\"total\":1')
             WHERE seq = {seq}"
        ),
    );
    let changed: String = till
        .sqlite()
        .query_row("SELECT payload FROM journal WHERE seq = ?1", [seq], |r| {
            r.get(0)
        })
        .expect("read the tampered entry");
    assert!(
        changed.contains("\"total\":1") && !changed.contains("\"total\":270"),
        "the tamper took: {changed}"
    );
    let problems = verify_fails(&till, "changed payload");
    assert!(
        any_contains(&problems, "sale entry was changed after it was written"),
        "names the changed entry: {problems:?}"
    );
    assert!(
        any_contains(&problems, "total 270 differs from the journal's 1"),
        "names the order whose entry no longer matches: {problems:?}"
    );
}

#[test]
fn journal_verify_fails_when_an_entry_is_deleted() {
    let till = honest_store();
    let seq = sale_seq(&till, 2);
    tamper(&till, &format!("DELETE FROM journal WHERE seq = {seq}"));
    let problems = verify_fails(&till, "deleted entry");
    assert!(
        any_contains(
            &problems,
            &format!("entries {seq}..{seq} are missing (deleted)")
        ),
        "names the gap: {problems:?}"
    );
    assert!(
        any_contains(&problems, "order 2 (") && any_contains(&problems, "has no sale entry"),
        "names the order left without an entry: {problems:?}"
    );
}

#[test]
fn journal_verify_fails_when_the_newest_entry_is_deleted() {
    let till = honest_store();
    tamper(
        &till,
        "DELETE FROM journal WHERE seq = (SELECT max(seq) FROM journal)",
    );
    let problems = verify_fails(&till, "deleted newest entry");
    assert!(
        any_contains(&problems, "the newest entries 7..7 are missing (deleted)"),
        "the journal head remembers the deleted newest entry: {problems:?}"
    );
}

#[test]
fn journal_verify_fails_when_a_forged_entry_is_inserted() {
    let till = honest_store();
    // A forged sale chained onto the newest entry, with the head moved to it as well; the
    // attacker cannot produce a hash that matches.
    tamper(
        &till,
        "INSERT INTO journal (till_id, seq, at, kind, ref_id, payload, prev_hash, hash)
         SELECT till_id, seq + 1, at, 'sale', 'forged-order',
                '{\"number\":99,\"total\":100000}', hash,
                'f00dfeedf00dfeedf00dfeedf00dfeedf00dfeedf00dfeedf00dfeedf00dfeed'
         FROM journal WHERE seq = (SELECT max(seq) FROM journal);
         UPDATE journal_head SET seq = seq + 1,
             hash = 'f00dfeedf00dfeedf00dfeedf00dfeedf00dfeedf00dfeedf00dfeedf00dfeed';",
    );
    let problems = verify_fails(&till, "forged entry");
    assert!(
        any_contains(&problems, "sale entry was changed after it was written"),
        "the forged entry's hash does not match its contents: {problems:?}"
    );

    // Forged without touching the head: noticed as an entry added outside the till.
    let till = honest_store();
    tamper(
        &till,
        "INSERT INTO journal (till_id, seq, at, kind, ref_id, payload, prev_hash, hash)
         SELECT till_id, seq + 1, at, 'refund', 'forged-refund', '{\"amount\":5000}', hash,
                hash
         FROM journal WHERE seq = (SELECT max(seq) FROM journal);",
    );
    let problems = verify_fails(&till, "forged entry, head untouched");
    assert!(
        any_contains(&problems, "entries after 7 were added outside the till"),
        "the head does not know the forged entry: {problems:?}"
    );
}

/// Entry `seq`'s hash as the till computes it: SHA-256 over its parts, each length-prefixed.
fn entry_hash(
    prev: &str,
    till: &str,
    seq: i64,
    at: &str,
    kind: &str,
    ref_id: &str,
    payload: &str,
) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [prev, till, &seq.to_string(), at, kind, ref_id, payload] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// What someone who can write the store file but does not hold the journal key can do at best:
/// change a sale, then recompute every hash after it and move the head, so the chain is whole.
fn rewrite_chain_from(till: &Till, seq: i64, change: &str) {
    tamper(
        till,
        &format!("UPDATE journal SET payload = {change} WHERE seq = {seq}"),
    );
    let conn = till.sqlite();
    let triggers: Vec<String> = conn
        .prepare("SELECT sql FROM sqlite_master WHERE name IN ('journal_no_update', 'journal_no_delete')")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("triggers");
    conn.execute_batch("DROP TRIGGER journal_no_update; DROP TRIGGER journal_no_delete;")
        .expect("drop");
    let rows: Vec<(i64, String, String, String, String, String)> = conn
        .prepare("SELECT seq, till_id, at, kind, coalesce(ref_id, ''), payload FROM journal ORDER BY seq")
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?
                .collect()
        })
        .expect("entries");
    let mut prev = "0".repeat(64);
    for (seq, till_id, at, kind, ref_id, payload) in rows {
        let hash = entry_hash(&prev, &till_id, seq, &at, &kind, &ref_id, &payload);
        conn.execute(
            "UPDATE journal SET prev_hash = ?1, hash = ?2 WHERE seq = ?3",
            rusqlite::params![prev, hash, seq],
        )
        .expect("rehash");
        conn.execute(
            "UPDATE journal_head SET hash = ?1 WHERE till_id = ?2",
            rusqlite::params![hash, till_id],
        )
        .expect("head");
        prev = hash;
    }
    for trigger in triggers {
        conn.execute_batch(&trigger).expect("put the trigger back");
    }
}

/// The chain alone cannot tell a careful rewrite from the truth; the signed head can. Without
/// the key, the attacker can neither make the old signature fit nor sign the new head.
#[test]
fn a_rewritten_chain_with_every_hash_recomputed_is_caught_by_the_signed_head() {
    let till = honest_store();
    let report = till.json(&["journal", "verify"]);
    assert_eq!(report["ok"].as_bool(), Some(true), "{report}");
    let signed = array(&report, "signed");
    assert_eq!(signed.len(), 1, "{report}");
    assert_eq!(
        int(&signed[0], "seq"),
        7,
        "the newest entry is signed: {report}"
    );
    assert!(till
        .ok(&["journal", "verify"])
        .contains("heads signed (T1 at entry 7)"));

    let seq = sale_seq(&till, 2);
    rewrite_chain_from(
        &till,
        seq,
        "replace(payload, '\"total\":270', '\"total\":1')",
    );
    let problems = verify_fails(&till, "rewritten chain");
    assert!(
        !any_contains(&problems, "changed after it was written")
            && !any_contains(&problems, "does not chain"),
        "the chain itself is whole again: {problems:?}"
    );
    assert!(
        any_contains(&problems, "the journal was rewritten"),
        "the signed head no longer matches: {problems:?}"
    );

    // Moving the signed head's hash along does not help: the signature is of the old one.
    till.sqlite()
        .execute_batch("UPDATE journal_anchor SET hash = (SELECT hash FROM journal_head)")
        .expect("move the signed head");
    let problems = verify_fails(&till, "signed head moved");
    assert!(
        any_contains(&problems, "signature of the head does not match"),
        "{problems:?}"
    );
    // Nor can an admin sign over a rewritten journal.
    till.sqlite()
        .execute_batch("UPDATE journal_anchor SET hash = 'f00d'")
        .expect("put it back out of line");
    let refused = till.refused(&["journal", "sign"]);
    assert!(
        refused.message.contains("not signed over"),
        "{}",
        refused.message
    );
}

/// Entries written by a till that does not hold the store's key (another computer's keychain,
/// someone's own copy of the program) are not signed, and the store's own till does not sign
/// over them later: they stay reported. A head signed with another key is reported as such.
#[test]
fn entries_written_without_the_stores_journal_key_stay_reported() {
    let till = honest_store();
    let elsewhere = [(
        "VERSAPOS_KEYCHAIN_SERVICE",
        "com.versatalent.pos.test.elsewhere",
    )];
    let other = till.run_with_env(&elsewhere, &["--json", "journal", "verify"]);
    assert_eq!(other.code, Some(1), "{}", other.stderr);
    assert!(
        other
            .stdout
            .contains("keychain does not hold the store's journal key"),
        "{}",
        other.stdout
    );
    till.json_with_env(&elsewhere, &["sale", "--item", "TEA", "--pay", "cash"]);
    let problems = verify_fails(&till, "written elsewhere");
    assert!(
        any_contains(
            &problems,
            "entries 8..8 were written without the store's journal key"
        ),
        "{problems:?}"
    );
    till.json(&["sale", "--item", "TEA", "--pay", "cash"]);
    let problems = verify_fails(&till, "written elsewhere, then here");
    assert!(
        any_contains(
            &problems,
            "entries 8..9 were written without the store's journal key"
        ),
        "not signed over: {problems:?}"
    );

    // An admin who has looked at them signs over them; the acceptance is itself an entry.
    let signed = till.json(&["journal", "sign"]);
    let over = array(&signed, "signed_over");
    assert_eq!(over.len(), 1, "{signed}");
    assert_eq!(
        (int(&over[0], "from"), int(&over[0], "to")),
        (8, 9),
        "{signed}"
    );
    let report = till.json(&["journal", "verify"]);
    assert_eq!(report["ok"].as_bool(), Some(true), "{report}");
    let accepted: String = till
        .sqlite()
        .query_row(
            "SELECT payload FROM journal WHERE kind = 'journal_signed'",
            [],
            |r| r.get(0),
        )
        .expect("the acceptance is journaled");
    assert!(
        accepted.contains("\"entries_from\":8") && accepted.contains("\"entries_to\":9"),
        "{accepted}"
    );
    let again = till.json(&["journal", "sign"]);
    assert!(array(&again, "signed_over").is_empty(), "{again}");

    // A signed head copied from another store (its own key) is named as another key's.
    let second = honest_store();
    let (public_key, signature): (String, String) = second
        .sqlite()
        .query_row(
            "SELECT public_key, signature FROM journal_anchor",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the other store's signed head");
    let third = honest_store();
    third
        .sqlite()
        .execute(
            "UPDATE journal_anchor SET public_key = ?1, signature = ?2",
            rusqlite::params![public_key, signature],
        )
        .expect("swap the signature");
    let problems = verify_fails(&third, "another store's key");
    assert!(
        any_contains(&problems, "signed with another key"),
        "{problems:?}"
    );
}

/// A till whose keychain forgets at a restart (the Linux kernel keyring) keeps its journal key in
/// VERSAPOS_JOURNAL_KEY instead: the heads are signed with it, and checked with it.
#[test]
fn the_journal_key_can_come_from_the_environment() {
    let till = Till::empty();
    let key = [("VERSAPOS_JOURNAL_KEY", "7f".repeat(32))];
    let key: Vec<(&str, &str)> = key.iter().map(|(k, v)| (*k, v.as_str())).collect();
    till.ok_with_env(
        &key,
        &[
            "init",
            "--shop",
            "Corner Shop",
            "--currency",
            "GBP",
            "--till",
            "T1",
        ],
    );
    till.json_with_env(
        &key,
        &[
            "products", "add", "--sku", "TEA", "--name", "Tea", "--price", "2.49",
        ],
    );
    let report = till.json_with_env(&key, &["journal", "verify"]);
    assert_eq!(report["ok"].as_bool(), Some(true), "{report}");
    assert_eq!(array(&report, "signed").len(), 1, "{report}");
    // Without it, this keychain holds no key for the store: nothing can be checked here.
    let without = till.run(&["--json", "journal", "verify"]);
    assert_eq!(without.code, Some(1), "{}", without.stdout);
    let bad = till.run_with_env(
        &[("VERSAPOS_JOURNAL_KEY", "not-a-key")],
        &["--json", "journal", "verify"],
    );
    assert_eq!(bad.code, Some(1), "{}", bad.stdout);
}

/// An admin cannot sign over a rewritten entry that nothing else cross-checks (a price change):
/// the signed head still tells, and `journal sign` refuses.
#[test]
fn a_rewritten_entry_is_never_signed_over() {
    let till = honest_store();
    let newest: i64 = till
        .sqlite()
        .query_row("SELECT max(seq) FROM journal", [], |r| r.get(0))
        .expect("newest");
    rewrite_chain_from(&till, newest, "replace(payload, '259', '1')");
    let problems = verify_fails(&till, "price change rewritten");
    assert!(
        any_contains(&problems, "the journal was rewritten"),
        "{problems:?}"
    );
    let refused = till.refused(&["journal", "sign"]);
    assert!(
        refused
            .message
            .contains("rewritten journal is not signed over"),
        "{}",
        refused.message
    );
}
