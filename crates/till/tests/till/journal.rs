//! The hash-chained journal: valid after real trading, and every kind of tampering with the file
//! (by someone who first drops the append-only triggers) is reported by `verify_journal`.

use crate::support::{gbp_shop, sku, TestTill};
use sha2::{Digest, Sha256};
use versapos_core::RefundRequest;
use versapos_till::JournalReport;

/// A store after a few sales and refunds, its journal verified clean.
fn traded() -> TestTill {
    let mut t = gbp_shop();
    let c = t.add_customer("Amelia");
    let first = t.customer_sale(c.id, &[("COFFEE", 1), ("MILK", 2)]);
    let second = t.cash_sale(&[("BOOK", 1)]);
    t.till
        .refund(
            &first.id,
            &RefundRequest::Lines(vec![(sku("MILK"), 1)]),
            true,
        )
        .expect("refund a milk");
    t.till
        .refund(&second.id, &RefundRequest::Whole, false)
        .expect("refund the book");
    t.cash_sale(&[("SWEET", 3)]);
    let report = t.till.verify_journal().expect("verify");
    assert!(
        report.ok(),
        "an untampered journal verifies: {:?}",
        report.problems
    );
    assert_eq!(
        report.entries,
        t.journal_entries(),
        "every entry was checked"
    );
    assert_eq!(report.tills, vec!["T1".to_string()]);
    t
}

/// What an attacker does first: drop the append-only triggers, then edit the file directly.
fn tamper(t: &TestTill, sql: &str) {
    let conn = t.raw();
    conn.execute_batch("DROP TRIGGER journal_no_update; DROP TRIGGER journal_no_delete;")
        .expect("drop the journal's triggers");
    conn.execute_batch(sql).expect(sql);
}

fn verify(t: &TestTill) -> JournalReport {
    t.till
        .verify_journal()
        .expect("verify runs on a tampered store")
}

fn reported(r: &JournalReport, seq: Option<i64>, words: &str) -> bool {
    r.problems
        .iter()
        .any(|p| p.problem.contains(words) && (seq.is_none() || p.seq == seq))
}

/// The journal's hash scheme, as a careful attacker would reproduce it.
fn entry_hash(prev: &str, seq: i64, at: &str, kind: &str, ref_id: &str, payload: &str) -> String {
    let mut h = Sha256::new();
    for part in [prev, "T1", &seq.to_string(), at, kind, ref_id, payload] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

fn hash_of(t: &TestTill, seq: i64) -> String {
    t.text(&format!("SELECT hash FROM journal WHERE seq = {seq}"))
        .expect("entry hash")
}

#[test]
fn journal_triggers_refuse_updates_and_deletes_while_in_place() {
    let t = traded();
    let conn = t.raw();
    let update = conn.execute("UPDATE journal SET payload = '{}' WHERE seq = 2", []);
    assert!(update.is_err(), "the journal refuses UPDATE");
    let delete = conn.execute("DELETE FROM journal WHERE seq = 2", []);
    assert!(delete.is_err(), "the journal refuses DELETE");
    assert!(verify(&t).ok(), "the refused edits changed nothing");
}

#[test]
fn changed_payload_is_reported() {
    let t = traded();
    let seq = t.scalar("SELECT seq FROM journal WHERE kind = 'product_add' AND ref_id = 'BOOK'");
    tamper(
        &t,
        "UPDATE journal SET payload = replace(payload, '\"price\":899', '\"price\":1')
         WHERE kind = 'product_add' AND ref_id = 'BOOK'",
    );
    let payload = t.text(&format!("SELECT payload FROM journal WHERE seq = {seq}"));
    assert!(
        payload.is_some_and(|p| p.contains("\"price\":1,")),
        "the tampering took effect"
    );
    let r = verify(&t);
    assert!(!r.ok(), "a changed payload is not ok");
    assert!(
        reported(&r, Some(seq), "changed after it was written"),
        "{:?}",
        r.problems
    );
}

#[test]
fn deleted_middle_entry_is_reported() {
    let t = traded();
    tamper(&t, "DELETE FROM journal WHERE seq = 4");
    let r = verify(&t);
    assert!(!r.ok(), "a gap is not ok");
    assert!(
        reported(&r, Some(5), "entries 4..4 are missing"),
        "{:?}",
        r.problems
    );
}

#[test]
fn forged_entry_slipped_into_the_middle_is_reported_even_with_a_valid_hash() {
    let t = traded();
    // The attacker's copy of the hash scheme is right: it reproduces a genuine entry's hash.
    let (at, kind, ref_id, payload): (String, String, String, String) = t
        .till
        .connection()
        .query_row(
            "SELECT at, kind, ref_id, payload FROM journal WHERE seq = 3",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .expect("entry 3");
    assert_eq!(
        entry_hash(&hash_of(&t, 2), 3, &at, &kind, &ref_id, &payload),
        hash_of(&t, 3)
    );

    // Make room at seq 3 and slip in a forged price change that chains to entry 2.
    let prev = hash_of(&t, 2);
    let forged = r#"{"new":1,"old":1200,"sku":"COFFEE"}"#;
    let hash = entry_hash(&prev, 3, &at, "price_change", "COFFEE", forged);
    tamper(
        &t,
        &format!(
            "UPDATE journal SET seq = -seq - 1 WHERE seq >= 3;
             UPDATE journal SET seq = -seq WHERE seq < 0;
             INSERT INTO journal (till_id, seq, at, kind, ref_id, payload, prev_hash, hash)
             VALUES ('T1', 3, '{at}', 'price_change', 'COFFEE', '{forged}', '{prev}', '{hash}');"
        ),
    );
    let r = verify(&t);
    assert!(!r.ok(), "a forged entry is not ok");
    assert!(
        reported(&r, Some(4), "does not chain"),
        "the next entry no longer chains: {:?}",
        r.problems
    );
    assert!(
        reported(&r, None, "added outside the till"),
        "the head disagrees: {:?}",
        r.problems
    );
}

#[test]
fn forged_entry_appended_after_the_head_is_reported() {
    let t = traded();
    let last = t.scalar("SELECT max(seq) FROM journal");
    let prev = hash_of(&t, last);
    let at = "2025-03-14T10:16:00.000+00:00";
    let forged = r#"{"new":0,"old":20,"sku":"COFFEE"}"#;
    let hash = entry_hash(&prev, last + 1, at, "stock_count", "COFFEE", forged);
    tamper(
        &t,
        &format!(
            "INSERT INTO journal (till_id, seq, at, kind, ref_id, payload, prev_hash, hash)
             VALUES ('T1', {}, '{at}', 'stock_count', 'COFFEE', '{forged}', '{prev}', '{hash}');",
            last + 1
        ),
    );
    let r = verify(&t);
    assert!(!r.ok(), "an entry the till never wrote is not ok");
    assert!(
        reported(&r, Some(last + 1), "added outside the till"),
        "{:?}",
        r.problems
    );
}

#[test]
fn deleted_newest_entry_is_reported_through_the_journal_head() {
    let t = traded();
    let last = t.scalar("SELECT max(seq) FROM journal");
    tamper(&t, &format!("DELETE FROM journal WHERE seq = {last}"));
    let r = verify(&t);
    assert!(!r.ok(), "a missing newest entry is not ok");
    assert!(
        reported(
            &r,
            Some(last),
            &format!("newest entries {last}..{last} are missing")
        ),
        "{:?}",
        r.problems
    );
}

#[test]
fn changed_order_total_is_reported() {
    let t = traded();
    let id = t
        .text("SELECT id FROM orders WHERE number = 2")
        .expect("order 2");
    tamper(
        &t,
        &format!("UPDATE orders SET total = total - 100 WHERE id = '{id}'"),
    );
    let r = verify(&t);
    assert!(
        !r.ok(),
        "an order that disagrees with its journal entry is not ok"
    );
    assert!(
        reported(&r, None, "differs from the journal"),
        "{:?}",
        r.problems
    );
    assert!(
        r.problems.iter().any(|p| p.problem.contains(&id)),
        "names the order: {:?}",
        r.problems
    );
}

#[test]
fn changed_refund_amount_is_reported() {
    let t = traded();
    tamper(
        &t,
        "UPDATE refunds SET amount = amount + 1 WHERE kind = 'whole'",
    );
    let r = verify(&t);
    assert!(
        !r.ok(),
        "a refund that disagrees with its journal entry is not ok"
    );
    assert!(
        reported(&r, None, "does not match its journal entry"),
        "{:?}",
        r.problems
    );
}

#[test]
fn deleted_sale_is_reported_from_its_journal_entry() {
    let t = traded();
    let id = t
        .text("SELECT id FROM orders WHERE number = 2")
        .expect("order 2");
    let seq = t.scalar(&format!(
        "SELECT seq FROM journal WHERE kind = 'sale' AND ref_id = '{id}'"
    ));
    // Pocketing a cash sale: its refund, payments, lines and the order itself go.
    tamper(
        &t,
        &format!(
            "DELETE FROM refund_tenders WHERE refund_id IN (SELECT id FROM refunds WHERE order_id = '{id}');
             DELETE FROM refund_lines WHERE refund_id IN (SELECT id FROM refunds WHERE order_id = '{id}');
             DELETE FROM refunds WHERE order_id = '{id}';
             DELETE FROM payments WHERE order_id = '{id}';
             DELETE FROM order_lines WHERE order_id = '{id}';
             DELETE FROM orders WHERE id = '{id}';"
        ),
    );
    assert_eq!(
        t.scalar(&format!("SELECT count(*) FROM orders WHERE id = '{id}'")),
        0
    );
    let r = verify(&t);
    assert!(!r.ok(), "a deleted sale is not ok");
    assert!(
        reported(&r, Some(seq), "missing from the store"),
        "{:?}",
        r.problems
    );
}
