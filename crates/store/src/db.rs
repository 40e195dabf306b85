//! The store's connection: pragmas, `BEGIN IMMEDIATE` writes and the embedded, numbered
//! migrations.

use crate::error::{Result, TillError};
use rusqlite::{Connection, OptionalExtension};
use std::time::Duration;

/// The migrations, in order: (version, name, SQL). Forward-only; an applied file is never
/// edited.
pub const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "0001_till_core",
        include_str!("../../../migrations/0001_till_core.sql"),
    ),
    (
        2,
        "0002_product_month_rollup",
        include_str!("../../../migrations/0002_product_month_rollup.sql"),
    ),
    (
        3,
        "0003_order_lookup",
        include_str!("../../../migrations/0003_order_lookup.sql"),
    ),
    (
        4,
        "0004_catalog_browse",
        include_str!("../../../migrations/0004_catalog_browse.sql"),
    ),
    (
        5,
        "0005_staff",
        include_str!("../../../migrations/0005_staff.sql"),
    ),
    (
        6,
        "0006_card_payments",
        include_str!("../../../migrations/0006_card_payments.sql"),
    ),
    (
        7,
        "0007_sync",
        include_str!("../../../migrations/0007_sync.sql"),
    ),
    (
        8,
        "0008_sync_backlog",
        include_str!("../../../migrations/0008_sync_backlog.sql"),
    ),
    (
        9,
        "0009_vip_cards",
        include_str!("../../../migrations/0009_vip_cards.sql"),
    ),
    (
        10,
        "0010_card_sessions",
        include_str!("../../../migrations/0010_card_sessions.sql"),
    ),
    (
        11,
        "0011_refunds_at_stripe",
        include_str!("../../../migrations/0011_refunds_at_stripe.sql"),
    ),
    (
        12,
        "0012_events_needing_attention",
        include_str!("../../../migrations/0012_events_needing_attention.sql"),
    ),
    (
        13,
        "0013_dispute_outcome",
        include_str!("../../../migrations/0013_dispute_outcome.sql"),
    ),
    (
        14,
        "0014_journal_anchor",
        include_str!("../../../migrations/0014_journal_anchor.sql"),
    ),
    (
        15,
        "0015_receipts_and_drawer",
        include_str!("../../../migrations/0015_receipts_and_drawer.sql"),
    ),
    (
        16,
        "0016_shifts",
        include_str!("../../../migrations/0016_shifts.sql"),
    ),
    (
        17,
        "0017_customer_privacy",
        include_str!("../../../migrations/0017_customer_privacy.sql"),
    ),
    (
        18,
        "0018_receipt_number_when_paid",
        include_str!("../../../migrations/0018_receipt_number_when_paid.sql"),
    ),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// WAL for concurrent readers, FULL sync because a till must not lose a sale on power loss.
pub fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(())
}

/// Starts a write: `BEGIN IMMEDIATE`, so what a change reads to decide is what it writes over.
/// The desktop app and the CLI share the store: a deferred transaction could read, lose the race
/// for the write lock to the other process and fail (SQLITE_BUSY) instead of seeing its write;
/// this one waits for the lock (the busy timeout) and then reads the store as it is.
pub fn write(conn: &mut Connection) -> rusqlite::Result<rusqlite::Transaction<'_>> {
    conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
}

/// Applies every migration newer than the store's `user_version`, each in its own transaction.
/// Another process opening the store at the same time (the app and the CLI after an upgrade)
/// waits, then finds the migrations applied and skips them.
///
/// Migrations run with foreign keys off, so that one may rebuild a table others refer to (the
/// procedure SQLite documents for changes `ALTER TABLE` cannot make); each checks every foreign
/// key before it commits and is rolled back if one points nowhere.
pub fn migrate(conn: &mut Connection, path: &str) -> Result<()> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if current > SCHEMA_VERSION {
        return Err(TillError::SchemaTooNew {
            path: path.to_string(),
            found: current,
            known: SCHEMA_VERSION,
        });
    }
    if current == SCHEMA_VERSION {
        return Ok(());
    }
    // Outside any transaction: SQLite ignores this pragma inside one.
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let applied = apply_migrations(conn, path, current);
    conn.pragma_update(None, "foreign_keys", "ON")?;
    applied
}

fn apply_migrations(conn: &mut Connection, path: &str, current: i64) -> Result<()> {
    for (version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
        let tx = write(conn)?;
        let now: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if now >= *version {
            continue;
        }
        tx.execute_batch(sql)?;
        let dangling: Option<String> = tx
            .query_row(
                "SELECT \"table\" FROM pragma_foreign_key_check LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(table) = dangling {
            return Err(TillError::UpgradeFailed {
                path: path.to_string(),
                reason: format!(
                    "migration {name} would leave a row of {table} pointing at nothing"
                ),
            });
        }
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(())
}

/// The schema version recorded in an open store.
pub fn schema_version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}
