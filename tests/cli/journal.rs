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
