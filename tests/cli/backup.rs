//! `versapos backup` and `versapos restore`: a copy taken while the till runs, put back later
//! with the store as it was kept aside; bad files refused (exit 2) by name; an admin's only.

use crate::support::{int, path_str, text, Till};
use std::path::Path;

fn order_count(db: &Path) -> i64 {
    rusqlite::Connection::open(db)
        .expect("open a store file")
        .query_row("SELECT count(*) FROM orders", [], |r| r.get(0))
        .expect("count orders")
}

#[test]
fn backup_then_a_sale_then_restore_brings_the_store_back_and_keeps_the_one_before() {
    let till = Till::gbp_with_catalog();
    till.json(&["sale", "--item", "TEA", "--pay", "cash"]);
    let file = till.dir.path().join("friday.bak");
    let made = till.json(&["backup", "--out", path_str(&file)]);
    assert_eq!(text(&made, "path"), path_str(&file), "{made}");
    assert_eq!(
        int(&made, "bytes") as u64,
        std::fs::metadata(&file).expect("the backup file").len(),
        "the size printed is the file's"
    );
    assert!(int(&made, "schema_version") > 0);

    till.json(&["sale", "--item", "BUN:2", "--pay", "cash"]);
    assert_eq!(order_count(&till.db), 2);

    // Not on a terminal and no --yes: nothing changes.
    let unconfirmed = till.refused(&["restore", path_str(&file)]);
    assert!(
        unconfirmed.message.contains("--yes"),
        "{}",
        unconfirmed.message
    );
    assert_eq!(
        order_count(&till.db),
        2,
        "an unconfirmed restore changes nothing"
    );

    let done = till.json(&["restore", path_str(&file), "--yes"]);
    let kept = done["before_restore"]
        .as_str()
        .unwrap_or_else(|| panic!("the store before the restore is kept: {done}"))
        .to_string();
    assert!(
        kept.contains("before-restore") && kept.contains("backups"),
        "{kept}"
    );
    assert_eq!(
        order_count(&till.db),
        1,
        "the sale after the backup is gone"
    );
    assert_eq!(
        order_count(Path::new(&kept)),
        2,
        "the store as it was before the restore still has both sales"
    );
    let journal = till.json(&["journal", "verify"]);
    assert_eq!(journal["ok"].as_bool(), Some(true), "{journal}");
    // The restored store is the till's store again.
    till.json(&["sale", "--item", "CHEW", "--pay", "cash"]);
    assert_eq!(order_count(&till.db), 2);
}

#[test]
fn backup_goes_to_the_backups_folder_by_default_and_does_not_overwrite_a_file() {
    let till = Till::gbp_with_catalog();
    let plain = till.ok(&["backup"]);
    assert!(
        plain.contains("backups") && plain.contains("bytes"),
        "the path and the size are printed: {plain}"
    );
    let made = till.json(&["backup"]);
    let path = text(&made, "path").to_string();
    assert!(
        Path::new(&path).starts_with(till.dir.path().join("backups")),
        "{path}"
    );
    assert_eq!(order_count(Path::new(&path)), 0);

    let taken = till.write("taken.bak", b"something else");
    let refused = till.refused(&["backup", "--out", path_str(&taken)]);
    assert_eq!(refused.code, "backup_exists");
    assert!(
        refused.message.contains(path_str(&taken)),
        "{}",
        refused.message
    );
    assert_eq!(std::fs::read(&taken).expect("file"), b"something else");
    till.json(&["backup", "--out", path_str(&taken), "--force"]);
    assert_ne!(std::fs::read(&taken).expect("file"), b"something else");
}

#[test]
fn restore_refuses_a_file_that_is_not_a_good_backup_and_names_it() {
    let till = Till::gbp_with_catalog();
    till.json(&["sale", "--item", "TEA", "--pay", "cash"]);

    let junk = till.write(
        "notes.bak",
        b"these are not the backups you are looking for",
    );
    let r = till.refused(&["restore", path_str(&junk), "--yes"]);
    assert_eq!(r.code, "bad_backup");
    assert!(r.message.contains(path_str(&junk)), "{}", r.message);
    assert!(r.message.contains("not a SQLite database"), "{}", r.message);

    let newer = till.dir.path().join("newer.bak");
    till.json(&["backup", "--out", path_str(&newer)]);
    rusqlite::Connection::open(&newer)
        .expect("open the backup")
        .pragma_update(None, "user_version", 999)
        .expect("pretend a newer build wrote it");
    let r = till.refused(&["restore", path_str(&newer), "--yes"]);
    assert_eq!(r.code, "bad_backup");
    assert!(r.message.contains(path_str(&newer)), "{}", r.message);
    assert!(r.message.contains("newer"), "{}", r.message);

    let missing = till.dir.path().join("missing.bak");
    let r = till.refused(&["restore", path_str(&missing), "--yes"]);
    assert!(r.message.contains(path_str(&missing)), "{}", r.message);

    let other = till.write("other.db", b"");
    let conn = rusqlite::Connection::open(&other).expect("another SQLite file");
    conn.execute_batch("CREATE TABLE notes (t TEXT); PRAGMA user_version = 1;")
        .expect("not a till's store");
    drop(conn);
    let r = till.refused(&["restore", path_str(&other), "--yes"]);
    assert!(
        r.message.contains("not a VersaTalent POS store"),
        "{}",
        r.message
    );

    assert_eq!(order_count(&till.db), 1, "the store is untouched");
    assert!(
        !till.dir.path().join("backups").exists(),
        "nothing was moved aside"
    );
    let journal = till.json(&["journal", "verify"]);
    assert_eq!(journal["ok"].as_bool(), Some(true), "{journal}");
}

#[test]
fn only_an_admin_backs_up_and_restores() {
    let till = Till::gbp_with_catalog();
    till.add_the_staff();
    let file = till.dir.path().join("ada.bak");
    till.json(&["backup", "--out", path_str(&file)]);

    till.as_staff(Some(("Morgan", "2222")));
    let elsewhere = till.dir.path().join("morgan.bak");
    let r = till.refused(&["backup", "--out", path_str(&elsewhere)]);
    assert_eq!(r.code, "not_permitted");
    assert!(!elsewhere.exists(), "no file written");
    let r = till.refused(&["restore", path_str(&file), "--yes"]);
    assert_eq!(r.code, "not_permitted");

    till.as_staff(Some(("Ada", "9999")));
    till.json(&["restore", path_str(&file), "--yes"]);
}
