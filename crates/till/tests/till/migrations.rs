//! Opening a store: every migration on a fresh file, a no-op on reopen, and a refusal to open a
//! store written by a newer build.

use crate::support::{empty_store, gbp_shop, TestTill};
use versapos_store::db::{MIGRATIONS, SCHEMA_VERSION};
use versapos_till::{Till, TillError};

const TABLES: &[&str] = &[
    "settings",
    "tax_rates",
    "products",
    "products_fts",
    "customers",
    "orders",
    "order_lines",
    "payments",
    "refunds",
    "refund_lines",
    "refund_tenders",
    "points_ledger",
    "parked_carts",
    "receipt_counters",
    "journal",
    "journal_head",
    "sales_by_hour",
    "sales_by_product",
    "sales_by_tender",
    "sales_by_product_month",
    "sync_state",
    "applied_events",
    "blocked_cards",
];

const TRIGGERS: &[&str] = &[
    "journal_no_update",
    "journal_no_delete",
    "points_ledger_no_update",
    "points_ledger_no_delete",
    "products_fts_insert",
    "products_fts_update",
    "products_fts_delete",
    "customers_card_not_blocked_insert",
    "customers_card_not_blocked_update",
];

fn user_version(conn: &rusqlite::Connection) -> i64 {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
        .expect("read user_version")
}

fn schema(conn: &rusqlite::Connection) -> Vec<(String, String)> {
    conn.prepare("SELECT name, coalesce(sql, '') FROM sqlite_master ORDER BY type, name")
        .expect("prepare schema query")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query schema")
        .collect::<Result<_, _>>()
        .expect("read schema")
}

#[test]
fn fresh_store_gets_every_migration_tables_triggers_and_pragmas() {
    let t = empty_store();
    let conn = t.till.connection();
    assert_eq!(
        user_version(conn),
        SCHEMA_VERSION,
        "a fresh store is at the newest schema"
    );
    assert_eq!(
        user_version(&t.raw()),
        SCHEMA_VERSION,
        "user_version is on disk, not just in memory"
    );
    assert_eq!(
        versapos_store::db::schema_version(conn).expect("schema_version"),
        SCHEMA_VERSION,
        "schema_version() reports the same version"
    );
    for table in TABLES {
        let n = t.scalar(&format!(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'"
        ));
        assert_eq!(n, 1, "table {table} exists after migrating");
    }
    for trigger in TRIGGERS {
        let n = t.scalar(&format!(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = '{trigger}'"
        ));
        assert_eq!(n, 1, "trigger {trigger} exists after migrating");
    }
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .expect("journal_mode");
    assert_eq!(mode, "wal", "the store runs in WAL mode");
    assert_eq!(
        t.scalar("PRAGMA foreign_keys"),
        1,
        "foreign keys are enforced"
    );
    assert_eq!(
        t.scalar("PRAGMA synchronous"),
        2,
        "synchronous=FULL so a sale survives power loss"
    );
    assert_eq!(
        t.till.integrity_check().expect("integrity check"),
        vec!["ok".to_string()]
    );
    assert!(!t.till.is_set_up(), "a fresh store has no shop yet");
    assert!(
        matches!(t.till.shop(), Err(TillError::NoShop(_))),
        "asking a fresh store for its shop says no shop is set up"
    );
}

#[test]
fn reopening_a_migrated_store_is_a_no_op_and_keeps_its_data() {
    let mut t = gbp_shop();
    let sale = t.cash_sale(&[("COFFEE", 1)]);
    let schema_before = schema(t.till.connection());
    let journal_before = t.journal_entries();

    for round in 1..=2 {
        t = t.restart();
        assert_eq!(
            user_version(t.till.connection()),
            SCHEMA_VERSION,
            "reopen {round}: version"
        );
        assert_eq!(
            schema(t.till.connection()),
            schema_before,
            "reopen {round}: schema unchanged"
        );
        assert!(
            t.till.is_set_up(),
            "reopen {round}: the shop is still set up"
        );
        assert_eq!(
            t.till.shop().expect("shop").name,
            "Corner Shop",
            "reopen {round}: shop name"
        );
        assert_eq!(
            t.till.product_count().expect("count"),
            5,
            "reopen {round}: catalog kept"
        );
        let again = t.till.order(&sale.id).expect("the sale is still there");
        assert_eq!(
            (again.number, again.total),
            (sale.number, sale.total),
            "reopen {round}"
        );
        assert_eq!(
            t.journal_entries(),
            journal_before,
            "reopen {round}: opening journals nothing"
        );
    }
    assert!(
        t.till.verify_journal().expect("verify").ok(),
        "the journal is intact after reopening"
    );
}

#[test]
fn store_with_a_newer_schema_is_refused_and_left_untouched() {
    let TestTill { dir, till } = empty_store();
    let path = till.path().to_path_buf();
    drop(till);
    let newer = SCHEMA_VERSION + 1;
    rusqlite::Connection::open(&path)
        .expect("open raw")
        .pragma_update(None, "user_version", newer)
        .expect("pretend a newer build wrote this store");

    match Till::open(&path) {
        Err(TillError::SchemaTooNew { found, known, .. }) => {
            assert_eq!(
                (found, known),
                (newer, SCHEMA_VERSION),
                "the error names both versions"
            );
        }
        Err(other) => panic!("expected SchemaTooNew, got {other:?}"),
        Ok(_) => panic!("a store from a newer build must not open"),
    }
    let conn = rusqlite::Connection::open(&path).expect("open raw");
    assert_eq!(
        user_version(&conn),
        newer,
        "a refused store is not downgraded"
    );
    drop(dir);
}

/// A store written before the monthly product rollup existed gets it filled in from its daily
/// rollup when a newer build opens it.
/// Undoes migration 18 (which rebuilt `orders`): the table as migrations 1 to 17 left it, with
/// its rows, indexes and triggers. The columns later migrations added are added back as they
/// did, so that dropping them leaves schema 1's table word for word.
fn undo_receipt_number_when_paid() -> String {
    let first = MIGRATIONS[0].2;
    let start = first.find("CREATE TABLE orders (").expect("orders in 0001");
    let end = start + first[start..].find(") STRICT;").expect("its end") + ") STRICT;".len();
    let rebuilt = MIGRATIONS[17].2;
    let indexes = &rebuilt[rebuilt
        .find("CREATE INDEX orders_day")
        .expect("its indexes")..];
    format!(
        "PRAGMA foreign_keys = OFF;
         PRAGMA legacy_alter_table = ON;
         ALTER TABLE orders RENAME TO orders_numbered_when_paid;
         {}
         ALTER TABLE orders ADD COLUMN staff_id INTEGER;
         ALTER TABLE orders ADD COLUMN voided_by INTEGER;
         ALTER TABLE orders ADD COLUMN disputed INTEGER NOT NULL DEFAULT 0 CHECK (disputed IN (0, 1));
         ALTER TABLE orders ADD COLUMN dispute_reason TEXT;
         ALTER TABLE orders ADD COLUMN dispute_status TEXT
             CHECK (dispute_status IN ('open', 'won', 'lost'));
         ALTER TABLE orders ADD COLUMN dispute_id TEXT;
         ALTER TABLE orders ADD COLUMN shift_id INTEGER REFERENCES shifts (id);
         ALTER TABLE orders ADD COLUMN z_number INTEGER;
         ALTER TABLE orders ADD COLUMN void_shift_id INTEGER REFERENCES shifts (id);
         ALTER TABLE orders ADD COLUMN void_z_number INTEGER;
         INSERT INTO orders SELECT * FROM orders_numbered_when_paid;
         DROP TABLE orders_numbered_when_paid;
         {indexes}
         PRAGMA legacy_alter_table = OFF;",
        &first[start..end]
    )
}

#[test]
fn upgrading_a_schema_1_store_fills_the_monthly_product_rollup() {
    let mut t = gbp_shop();
    t.set_time("2025-03-14T10:00:00+00:00");
    t.cash_sale(&[("COFFEE", 2), ("MILK", 1)]);
    t.set_time("2025-04-01T10:00:00+00:00");
    t.cash_sale(&[("COFFEE", 1)]);
    let path = t.path();
    {
        // Put the file back the way schema 1 left it.
        let raw = t.raw();
        raw.execute_batch(&undo_receipt_number_when_paid())
            .expect("orders as schema 17 had them");
        raw.execute_batch(
            "ALTER TABLE customers DROP COLUMN merged_into;
             ALTER TABLE customers DROP COLUMN erased_at;
             DROP TRIGGER orders_in_shift;
             DROP TRIGGER orders_voided_in_shift;
             DROP TRIGGER refunds_in_shift;
             DROP TRIGGER drawer_openings_in_shift;
             DROP INDEX orders_shift;
             DROP INDEX orders_void_shift;
             DROP INDEX orders_not_in_z;
             DROP INDEX orders_void_not_in_z;
             DROP INDEX orders_z;
             DROP INDEX refunds_shift;
             DROP INDEX refunds_not_in_z;
             DROP INDEX drawer_openings_shift;
             ALTER TABLE orders DROP COLUMN shift_id;
             ALTER TABLE orders DROP COLUMN z_number;
             ALTER TABLE orders DROP COLUMN void_shift_id;
             ALTER TABLE orders DROP COLUMN void_z_number;
             ALTER TABLE refunds DROP COLUMN shift_id;
             ALTER TABLE refunds DROP COLUMN z_number;
             ALTER TABLE drawer_openings DROP COLUMN shift_id;
             DROP TABLE z_reports;
             DROP TABLE shift_staff;
             DROP TABLE cash_movements;
             DROP TABLE shifts;
             DROP TABLE receipt_logo;
             DROP TABLE drawer_openings;
             ALTER TABLE order_lines DROP COLUMN catalog_price;
             ALTER TABLE payments DROP COLUMN authorization_code;
             DROP TABLE journal_anchor;
             ALTER TABLE orders DROP COLUMN dispute_status;
             ALTER TABLE orders DROP COLUMN dispute_id;
             DROP TABLE sync_attention;
             ALTER TABLE sync_state DROP COLUMN retry_at;
             DROP INDEX refunds_at_stripe;
             ALTER TABLE refunds DROP COLUMN stripe_refund_id;
             DROP TABLE card_sessions;
             DROP TRIGGER customers_card_not_blocked_insert;
             DROP TRIGGER customers_card_not_blocked_update;
             DROP TABLE blocked_cards;
             DROP TRIGGER sales_by_product_month_insert;
             DROP TRIGGER sales_by_product_month_update;
             DROP TABLE sales_by_product_month;
             DROP INDEX orders_newest;
             DROP INDEX orders_number;
             DROP INDEX products_active_category_name;
             DROP INDEX products_active_stock;
             DROP INDEX orders_staff;
             DROP INDEX refunds_staff;
             ALTER TABLE orders DROP COLUMN staff_id;
             ALTER TABLE orders DROP COLUMN voided_by;
             ALTER TABLE refunds DROP COLUMN staff_id;
             ALTER TABLE refunds DROP COLUMN approved_by;
             DROP TABLE staff;
             DROP INDEX payments_intent;
             DROP INDEX orders_payment_pending;
             DROP TABLE card_refunds;
             ALTER TABLE payments DROP COLUMN intent_id;
             ALTER TABLE payments DROP COLUMN gateway_mode;
             ALTER TABLE payments DROP COLUMN reader_id;
             ALTER TABLE payments DROP COLUMN card_brand;
             ALTER TABLE payments DROP COLUMN card_last4;
             ALTER TABLE payments DROP COLUMN decline;
             DROP TABLE sync_state;
             DROP TABLE applied_events;
             ALTER TABLE orders DROP COLUMN disputed;
             ALTER TABLE orders DROP COLUMN dispute_reason;
             PRAGMA user_version = 1;",
        )
        .expect("downgrade to schema 1");
    }
    // `t` stays open (it owns the temporary folder); a second till opens the same file.
    let till = Till::open(&path).expect("a newer build opens the schema-1 store");
    let rows: Vec<(String, String, i64, i64)> = till
        .connection()
        .prepare(
            "SELECT m.month, p.sku, m.quantity, m.gross FROM sales_by_product_month m
             JOIN products p ON p.id = m.product_id ORDER BY 1, 2",
        )
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(
        rows,
        vec![
            ("2025-03".to_string(), "COFFEE".to_string(), 2, 2400),
            ("2025-03".to_string(), "MILK".to_string(), 1, 210),
            ("2025-04".to_string(), "COFFEE".to_string(), 1, 1200),
        ],
        "monthly rollup backfilled from the daily one"
    );
    assert_eq!(
        versapos_store::db::schema_version(till.connection()).expect("version"),
        SCHEMA_VERSION,
        "store is at the current schema"
    );
}
