//! Upgrading a store written by the previous build: a backup is taken before any migration, and
//! nothing is lost; when the backup cannot be made the store is not migrated at all.

use crate::support::{clock, gbp_shop, DAY1_MORNING};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use tempfile::TempDir;
use versapos_core::CustomerId;
use versapos_store::db::{MIGRATIONS, SCHEMA_VERSION};
use versapos_till::{Till, TillError};

const PREVIOUS: i64 = MIGRATIONS[MIGRATIONS.len() - 2].0;
/// What the newest migration changes: an order's receipt number may be missing (a sale not paid
/// yet); at the previous schema it may not.
const NEWEST: &str =
    "SELECT count(*) FROM pragma_table_info('orders') WHERE name = 'number' AND \"notnull\" = 0";
const COUNTED: &[&str] = &[
    "products",
    "customers",
    "orders",
    "order_lines",
    "payments",
    "points_ledger",
    "journal",
    "journal_head",
    "sales_by_product",
];

/// A store at the previous schema, in its own folder, with what the till had in it.
struct OldStore {
    dir: TempDir,
    file: PathBuf,
    vip: CustomerId,
    counts: Vec<(&'static str, i64)>,
}

fn counts(conn: &Connection) -> Vec<(&'static str, i64)> {
    COUNTED
        .iter()
        .map(|t| {
            let n = conn
                .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
                .expect("count rows");
            (*t, n)
        })
        .collect()
}

fn user_version(conn: &Connection) -> i64 {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
        .expect("user_version")
}

/// Whether the store has what the newest migration makes.
fn has_newest(conn: &Connection) -> bool {
    conn.query_row(NEWEST, [], |r| r.get::<_, i64>(0))
        .expect("look up the newest change")
        == 1
}

/// A shop, its catalog, a VIP customer with points and paid orders, written by this build's
/// code, then copied row by row into a new file that has only the previous build's migrations.
fn previous_schema_store() -> OldStore {
    let mut t = gbp_shop();
    let vip = t.customer_with_points("Vera", 40);
    t.customer_sale(vip.id, &[("COFFEE", 1), ("MILK", 2)]);
    t.cash_sale(&[("BOOK", 1)]);

    let dir = TempDir::new().expect("temp dir");
    let file = dir.path().join("store.db");
    let conn = Connection::open(&file).expect("open new file");
    // As every build has kept its store: write-ahead log.
    conn.pragma_update(None, "journal_mode", "WAL")
        .expect("WAL");
    for (version, _name, sql) in &MIGRATIONS[..MIGRATIONS.len() - 1] {
        conn.execute_batch(sql).expect("apply an old migration");
        conn.pragma_update(None, "user_version", version)
            .expect("set version");
    }
    // Rows go in table by table, parents not always first, over the rows the migrations seed.
    conn.pragma_update(None, "foreign_keys", "OFF")
        .expect("foreign keys off while copying");
    conn.execute("ATTACH ?1 AS src", [t.path().to_str().expect("utf-8 path")])
        .expect("attach the current store");
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM main.sqlite_master WHERE type = 'table'
             AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'products_fts%'
             AND name <> 'sales_by_product_month' ORDER BY name",
        )
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("tables")
        .collect::<Result<_, _>>()
        .expect("table names");
    for table in &tables {
        let columns: Vec<String> = conn
            .prepare(&format!(
                "SELECT name FROM pragma_table_info('{table}', 'main')"
            ))
            .expect("prepare")
            .query_map([], |r| r.get(0))
            .expect("columns")
            .collect::<Result<_, _>>()
            .expect("column names");
        let list = columns.join(", ");
        conn.execute(
            &format!("INSERT OR REPLACE INTO main.{table} ({list}) SELECT {list} FROM src.{table}"),
            [],
        )
        .unwrap_or_else(|e| panic!("copy {table}: {e}"));
    }
    conn.execute("DETACH src", []).expect("detach");
    let counts = counts(&conn);
    assert_eq!(
        user_version(&conn),
        PREVIOUS,
        "the file is at the previous schema"
    );
    assert!(!has_newest(&conn), "and has none of the newest");
    assert_eq!(
        counts,
        self::counts(t.till.connection()),
        "every row copied"
    );
    assert!(counts.iter().all(|(_, n)| *n > 0), "real rows: {counts:?}");
    OldStore {
        dir,
        file,
        vip: vip.id,
        counts,
    }
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn upgrading_a_previous_schema_store_backs_it_up_first_and_loses_nothing() {
    let old = previous_schema_store();
    let till = Till::open_with_clock(&old.file, clock(DAY1_MORNING))
        .expect("this build opens the previous build's store");

    let backups = old.dir.path().join("backups");
    let names = files_in(&backups);
    assert_eq!(names.len(), 1, "one automatic backup: {names:?}");
    let prefix = format!("store.db.v{PREVIOUS}.");
    assert!(
        names[0].starts_with(&prefix) && names[0].ends_with("Z.bak"),
        "named with the old version and a UTC time: {}",
        names[0]
    );
    let backup = Connection::open(backups.join(&names[0])).expect("open the backup");
    assert_eq!(
        user_version(&backup),
        PREVIOUS,
        "the backup is the store before migrating"
    );
    assert!(!has_newest(&backup));
    assert_eq!(counts(&backup), old.counts, "the backup has every row");
    drop(backup);

    let conn = till.connection();
    assert_eq!(user_version(conn), SCHEMA_VERSION, "the store is migrated");
    assert!(has_newest(conn));
    assert_eq!(counts(conn), old.counts, "the migrated store has every row");
    assert_eq!(till.shop().expect("shop").name, "Corner Shop");
    let vip = till.customer(old.vip).expect("the VIP customer");
    assert_eq!(vip.name, "Vera");
    assert!(
        vip.points_balance > 0,
        "points kept: {}",
        vip.points_balance
    );
    let ledger = till.points_ledger(old.vip).expect("points ledger");
    assert_eq!(
        ledger.last().map(|e| e.balance_after),
        Some(vip.points_balance),
        "the ledger and the balance agree"
    );
    let report = till.verify_journal().expect("verify");
    assert!(report.ok(), "the journal verifies: {:?}", report.problems);
    drop(till);

    // Opening the migrated store again takes no new backup.
    let till = Till::open_with_clock(&old.file, clock(DAY1_MORNING)).expect("reopen");
    assert_eq!(
        files_in(&backups).len(),
        1,
        "no backup when nothing migrates"
    );
    drop(till);
}

#[test]
fn a_backup_that_cannot_be_made_stops_the_upgrade_and_leaves_the_store_as_it_was() {
    let old = previous_schema_store();
    // A file where the backups folder should be: the folder cannot be created.
    std::fs::write(old.dir.path().join("backups"), b"in the way").expect("write a file");

    match Till::open_with_clock(&old.file, clock(DAY1_MORNING)) {
        Err(TillError::BackupFailed { path, reason }) => {
            assert!(path.contains("backups"), "the error says where: {path}");
            assert!(!reason.is_empty(), "and why");
        }
        Err(other) => panic!("expected BackupFailed, got {other:?}"),
        Ok(_) => panic!("a store that could not be backed up must not be migrated"),
    }
    let conn = Connection::open(&old.file).expect("open raw");
    assert_eq!(user_version(&conn), PREVIOUS, "the version is unchanged");
    assert!(!has_newest(&conn), "no migration ran");
    assert_eq!(counts(&conn), old.counts, "nothing lost");
}

#[test]
fn a_brand_new_store_needs_no_backup() {
    let dir = TempDir::new().expect("temp dir");
    let file = dir.path().join("store.db");
    let till = Till::open_with_clock(&file, clock(DAY1_MORNING)).expect("open a new store");
    assert_eq!(user_version(till.connection()), SCHEMA_VERSION);
    assert!(
        !dir.path().join("backups").exists(),
        "no backups folder for a new store"
    );
}

#[test]
fn only_the_last_automatic_backups_are_kept() {
    let old = previous_schema_store();
    let backups = old.dir.path().join("backups");
    std::fs::create_dir(&backups).expect("backups folder");
    for day in 1..=6 {
        std::fs::write(
            backups.join(format!("store.db.v{PREVIOUS}.2020010{day}T000000Z.bak")),
            b"old",
        )
        .expect("an older automatic backup");
    }
    std::fs::write(backups.join("store.db.20200101T000000Z.bak"), b"by hand")
        .expect("a backup made by hand");

    let till = Till::open_with_clock(&old.file, clock(DAY1_MORNING)).expect("upgrade");
    drop(till);
    let names = files_in(&backups);
    let automatic: Vec<&String> = names
        .iter()
        .filter(|n| n.starts_with(&format!("store.db.v{PREVIOUS}.")))
        .collect();
    assert_eq!(
        automatic.len(),
        versapos_store::backup::KEEP_UPGRADE_BACKUPS,
        "{names:?}"
    );
    assert!(
        !names
            .iter()
            .any(|n| n.contains("20200101T") && n.contains(".v")),
        "the two oldest automatic backups went: {names:?}"
    );
    assert!(!names.iter().any(|n| n.contains("20200102T")), "{names:?}");
    assert!(
        names.contains(&"store.db.20200101T000000Z.bak".to_string()),
        "a backup made by hand is never removed: {names:?}"
    );
}

#[test]
fn an_online_backup_refuses_to_overwrite_unless_told_to() {
    let mut t = gbp_shop();
    t.cash_sale(&[("COFFEE", 1)]);
    let dest = t.dir.path().join("copy.db");
    let made = t.till.backup(Some(&dest), false).expect("backup");
    assert_eq!(made.path, dest);
    assert_eq!(made.schema_version, SCHEMA_VERSION);
    assert_eq!(
        made.bytes,
        std::fs::metadata(&dest).expect("backup file").len()
    );
    let copy = Connection::open(&dest).expect("open the copy");
    assert_eq!(
        counts(&copy),
        counts(t.till.connection()),
        "every row copied"
    );
    drop(copy);

    assert!(
        matches!(
            t.till.backup(Some(&dest), false),
            Err(TillError::BackupExists(_))
        ),
        "an existing file is not overwritten"
    );
    t.till
        .backup(Some(&dest), true)
        .expect("overwrite when told");
    let default = t.till.backup(None, false).expect("default place");
    assert!(default.path.starts_with(t.dir.path().join("backups")));
}

#[test]
fn the_app_and_the_cli_opening_an_old_store_at_once_migrate_it_once() {
    use std::sync::{Arc, Barrier};
    let old = previous_schema_store();
    let start = Arc::new(Barrier::new(2));
    let openers: Vec<_> = (0..2)
        .map(|_| {
            let (file, start) = (old.file.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                Till::open_with_clock(&file, clock(DAY1_MORNING)).map(|_| ())
            })
        })
        .collect();
    for opened in openers {
        opened
            .join()
            .expect("the opener's thread")
            .expect("both open the store");
    }
    let conn = Connection::open(&old.file).expect("open");
    assert_eq!(user_version(&conn), SCHEMA_VERSION);
    assert_eq!(counts(&conn), old.counts, "nothing lost or doubled");
}
