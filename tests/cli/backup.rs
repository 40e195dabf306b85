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

/// A backup that carries a trigger, a view, an index or a column of its own is refused by name,
/// before anything in it runs: restored, a trigger like this one would reprice every product and
/// make a cashier an admin after the next sale, and the journal would still verify.
#[test]
fn restore_refuses_a_backup_that_carries_objects_of_its_own_naming_them() {
    let till = Till::gbp_with_catalog();
    till.add_the_staff();
    till.json(&["sale", "--item", "TEA", "--pay", "cash"]);
    for (what, sql, named) in [
        (
            "trigger",
            "CREATE TRIGGER reprice AFTER INSERT ON orders BEGIN
                 UPDATE products SET price = 1;
                 UPDATE staff SET role = 'admin' WHERE name = 'Sam';
             END;",
            "trigger 'reprice' on orders",
        ),
        (
            "view",
            "CREATE VIEW takings AS SELECT total FROM orders;",
            "view 'takings'",
        ),
        (
            "index",
            "CREATE INDEX orders_by_total ON orders (total);",
            "index 'orders_by_total' on orders",
        ),
        (
            "column",
            "ALTER TABLE products ADD COLUMN cost INTEGER;",
            "table 'products' that is not as VersaTalent POS created it",
        ),
        (
            "dropped rule",
            "DROP TRIGGER journal_no_delete;",
            "no trigger 'journal_no_delete'",
        ),
    ] {
        let file = till
            .dir
            .path()
            .join(format!("{}.bak", what.replace(' ', "-")));
        till.json(&["backup", "--out", path_str(&file)]);
        let conn = rusqlite::Connection::open(&file).expect("open the backup");
        conn.execute_batch(sql).expect("add to the backup");
        drop(conn);
        let r = till.refused(&["restore", path_str(&file), "--yes"]);
        assert_eq!(r.code, "bad_backup", "{what}");
        assert!(r.message.contains(path_str(&file)), "{what}: {}", r.message);
        assert!(r.message.contains(named), "{what}: {}", r.message);
    }
    assert!(
        !till.dir.path().join("backups").exists(),
        "nothing was moved aside"
    );
    till.json(&["sale", "--item", "TEA", "--pay", "cash"]);
    let conn = till.sqlite();
    let price: i64 = conn
        .query_row("SELECT price FROM products WHERE sku = 'TEA'", [], |r| {
            r.get(0)
        })
        .expect("price");
    assert_eq!(price, 249);
    let role: String = conn
        .query_row("SELECT role FROM staff WHERE name = 'Sam'", [], |r| {
            r.get(0)
        })
        .expect("role");
    assert_eq!(role, "cashier");
}

/// The same trigger written into the store itself: the till does not open it, and says what it
/// found; nothing in the store runs or changes.
#[test]
fn a_store_with_a_trigger_of_its_own_is_not_opened_and_the_trigger_is_named() {
    let till = Till::gbp_with_catalog();
    till.sqlite()
        .execute_batch(
            "CREATE TRIGGER reprice AFTER INSERT ON orders BEGIN
                 UPDATE products SET price = 1;
             END;",
        )
        .expect("add a trigger");
    let r = till.run(&["--json", "sale", "--item", "TEA", "--pay", "cash"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON error");
    assert_eq!(v["error"]["code"], "store_tampered", "{v}");
    let message = v["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("trigger 'reprice' on orders") && message.contains(path_str(&till.db)),
        "{message}"
    );
    let conn = till.sqlite();
    let orders: i64 = conn
        .query_row("SELECT count(*) FROM orders", [], |r| r.get(0))
        .expect("orders");
    assert_eq!(orders, 0, "no sale was made");
    conn.execute_batch("DROP TRIGGER reprice").expect("drop it");
    drop(conn);
    till.json(&["sale", "--item", "TEA", "--pay", "cash"]);
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// The store, its WAL and shared memory, and its backups hold sales and the hashes of staff
/// PINs: readable by their owner only, whatever the umask; the doctor says when one is not.
#[cfg(unix)]
#[test]
fn the_store_and_its_backups_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let till = Till::gbp_with_catalog();
    till.add_the_staff();
    // An open connection keeps the WAL and shared-memory files in place while looked at.
    let conn = till.sqlite();
    conn.query_row("SELECT count(*) FROM orders", [], |r| r.get::<_, i64>(0))
        .expect("read");
    till.json(&["sale", "--item", "TEA", "--pay", "cash"]);
    for suffix in ["", "-wal", "-shm"] {
        let file = std::path::PathBuf::from(format!("{}{suffix}", till.db.display()));
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
    let made = till.json(&["backup"]);
    let backup = std::path::PathBuf::from(text(&made, "path"));
    assert_eq!(mode(&backup), 0o600);
    assert_eq!(mode(&till.dir.path().join("backups")), 0o700);
    let out = till.dir.path().join("out.bak");
    till.json(&["backup", "--out", path_str(&out)]);
    assert_eq!(mode(&out), 0o600);
    drop(conn);

    // A store and a backup left open to everyone (an older build, a copy by hand): the store is
    // closed up when opened, the backup is named by the doctor.
    std::fs::set_permissions(&till.db, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    std::fs::set_permissions(&backup, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let check = store_files_check(&till);
    assert_eq!(check["status"], "warn", "{check}");
    let detail = check["detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains(path_str(&backup)) && detail.contains("0644"),
        "{detail}"
    );
    assert!(
        !detail.contains(&format!("{} (", path_str(&till.db))),
        "{detail}"
    );
    assert_eq!(mode(&till.db), 0o600, "closed up when opened");
    std::fs::set_permissions(&backup, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let check = store_files_check(&till);
    assert_eq!(check["status"], "ok", "{check}");
}

/// The doctor's `store_files` finding.
#[cfg(unix)]
fn store_files_check(till: &Till) -> serde_json::Value {
    let report: serde_json::Value =
        serde_json::from_str(&till.run(&["--json", "doctor"]).stdout).expect("doctor's report");
    report["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["id"] == "store_files"))
        .cloned()
        .unwrap_or_else(|| panic!("a store_files check: {report}"))
}

/// A backup stopped half-way (killed, a power cut) leaves its temporary file; the next backup
/// into that folder clears what has lain untouched for ten minutes, and leaves a copy that may
/// still be in progress.
#[test]
fn the_next_backup_clears_what_a_stopped_one_left_behind() {
    let till = Till::gbp_with_catalog();
    till.json(&["backup"]);
    let backups = till.dir.path().join("backups");
    let stale = backups.join(".store.db.20261201T080000Z.bak.4242.123456789.tmp");
    let fresh = backups.join(".store.db.20261201T080500Z.bak.4243.987654321.tmp");
    let unrelated = backups.join(".notes.tmp");
    for f in [&stale, &fresh, &unrelated] {
        std::fs::write(f, vec![0u8; 4096]).expect("a leftover");
    }
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for f in [&stale, &unrelated] {
        std::fs::File::options()
            .write(true)
            .open(f)
            .and_then(|f| f.set_modified(hour_ago))
            .expect("age the file");
    }
    till.json(&["backup"]);
    assert!(!stale.exists(), "the stopped copy's file is cleared");
    assert!(fresh.exists(), "a copy that may be in progress is left");
    assert!(unrelated.exists(), "a file that is not a copy's is left");
}
