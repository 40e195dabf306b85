//! The relay's embedded store: one SQLite file in WAL mode with `synchronous=FULL`, so an event
//! whose 2xx has been sent survives a crash or a power loss.
//!
//! There is one writer connection. Webhook deliveries that arrive while a commit is running queue
//! up and the next writer commits them all in one transaction (group commit): the fsync is shared,
//! and each delivery still returns only after its own event is durable.

use crate::names::{ShopName, TillName, TokenHash};
use crate::sealed::SealedSecret;
use crate::store::{
    EventStore, HeadKept, HeldHead, JournalHeadRow, NewEvent, SecretRow, ShopId, ShopSecrets,
    ShopSummary, StoreError, Stored, StoredEvent,
};
use rusqlite::{params, Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior};
use std::path::Path;
use std::sync::mpsc;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// Forward-only; a migration's position is its version. Never edit one that has shipped.
const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_init", include_str!("../migrations/0001_init.sql")),
    (
        "0002_sealed_secrets",
        include_str!("../migrations/0002_sealed_secrets.sql"),
    ),
    (
        "0003_journal_heads",
        include_str!("../migrations/0003_journal_heads.sql"),
    ),
];

type Reply = mpsc::SyncSender<Result<Stored, StoreError>>;

pub struct SqliteStore {
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
    pending: Mutex<Vec<(NewEvent, Reply)>>,
}

fn lock<T>(mutex: &Mutex<T>) -> Result<MutexGuard<'_, T>, StoreError> {
    mutex
        .lock()
        .map_err(|_| StoreError::Storage("a database connection lock was poisoned".into()))
}

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == ErrorCode::ConstraintViolation)
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let open_error = |source| StoreError::Open {
            path: path.display().to_string(),
            source,
        };
        #[cfg(unix)]
        owner_only(path).map_err(|source| StoreError::File {
            path: path.display().to_string(),
            source,
        })?;
        let mut writer = Connection::open(path).map_err(open_error)?;
        // secure_delete: pages freed by a delete or a dropped table are zeroed, so what the
        // relay removes (such as the clear secrets before 0002) does not linger in the file.
        writer
            .execute_batch(
                "PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = FULL;
                 PRAGMA foreign_keys = ON;
                 PRAGMA secure_delete = ON;",
            )
            .map_err(open_error)?;
        writer
            .busy_timeout(Duration::from_secs(5))
            .map_err(open_error)?;
        migrate(&mut writer)?;

        let reader = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(open_error)?;
        reader
            .busy_timeout(Duration::from_secs(5))
            .map_err(open_error)?;
        Ok(SqliteStore {
            writer: Mutex::new(writer),
            reader: Mutex::new(reader),
            pending: Mutex::new(Vec::new()),
        })
    }

    fn shop_id(conn: &Connection, shop: &ShopName) -> Result<ShopId, StoreError> {
        conn.query_row(
            "SELECT id FROM shops WHERE name = ?1",
            [shop.as_str()],
            |row| row.get(0),
        )
        .optional()?
        .map(ShopId)
        .ok_or_else(|| StoreError::UnknownShop(shop.as_str().to_string()))
    }
}

/// The database holds sealed secrets and token hashes: it is made readable and writable by its
/// owner only before SQLite opens it, and SQLite gives the -wal and -shm it makes beside it the
/// database file's mode. Files an older relay made with the umask's mode are narrowed too.
#[cfg(unix)]
fn owner_only(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)?;
    let narrow = |meta: &std::fs::Metadata| meta.permissions().mode() & 0o077 != 0;
    if narrow(&file.metadata()?) {
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        match std::fs::metadata(&side) {
            Ok(meta) if narrow(&meta) => {
                std::fs::set_permissions(&side, std::fs::Permissions::from_mode(0o600))?;
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let applied: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    for (version, (name, sql)) in MIGRATIONS.iter().enumerate() {
        let version = i64::try_from(version + 1).unwrap_or(i64::MAX);
        if version <= applied {
            continue;
        }
        let failed = |source| StoreError::Migration { name, source };
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(failed)?;
        tx.execute_batch(sql).map_err(failed)?;
        tx.pragma_update(None, "user_version", version)
            .map_err(failed)?;
        tx.commit().map_err(failed)?;
    }
    Ok(())
}

fn sealed_secret(row: &rusqlite::Row<'_>) -> rusqlite::Result<SealedSecret> {
    Ok(SealedSecret {
        sealed: row.get(0)?,
        nonce: row.get(1)?,
        fingerprint: row.get(2)?,
    })
}

/// Inserts a batch of events in one transaction; every reply gets its own outcome.
fn commit_batch(conn: &mut Connection, batch: Vec<(NewEvent, Reply)>) {
    let outcome = (|| -> rusqlite::Result<Vec<Stored>> {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut results = Vec::with_capacity(batch.len());
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO events (shop, event_id, type, payload, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (shop, event_id) DO NOTHING",
            )?;
            for (event, _) in &batch {
                let inserted = insert.execute(params![
                    event.shop.0,
                    event.event_id,
                    event.event_type,
                    event.payload,
                    event.received_at
                ])?;
                results.push(if inserted == 1 {
                    Stored::New {
                        seq: tx.last_insert_rowid(),
                    }
                } else {
                    Stored::Duplicate
                });
            }
        }
        tx.commit()?;
        Ok(results)
    })();
    match outcome {
        Ok(results) => {
            for ((_, reply), stored) in batch.into_iter().zip(results) {
                // A delivery whose caller has gone away needs no answer.
                let _ = reply.send(Ok(stored));
            }
        }
        Err(e) => {
            let message = e.to_string();
            for (_, reply) in batch {
                let _ = reply.send(Err(StoreError::Storage(message.clone())));
            }
        }
    }
}

impl EventStore for SqliteStore {
    fn add_shop(&self, name: &ShopName, now: i64) -> Result<(), StoreError> {
        let conn = lock(&self.writer)?;
        match conn.execute(
            "INSERT INTO shops (name, created_at) VALUES (?1, ?2)",
            params![name.as_str(), now],
        ) {
            Ok(_) => Ok(()),
            Err(e) if is_unique_violation(&e) => {
                Err(StoreError::ShopExists(name.as_str().to_string()))
            }
            Err(e) => Err(e.into()),
        }
    }

    fn shops(&self) -> Result<Vec<ShopSummary>, StoreError> {
        let conn = lock(&self.reader)?;
        let mut stmt = conn.prepare(
            "SELECT name,
                    (SELECT count(*) FROM secrets WHERE shop = shops.id AND active = 1),
                    (SELECT count(*) FROM tills WHERE shop = shops.id AND revoked_at IS NULL),
                    (SELECT count(*) FROM events WHERE shop = shops.id)
             FROM shops ORDER BY name",
        )?;
        let rows = stmt.query_map([], |row| {
            Ok(ShopSummary {
                name: row.get(0)?,
                active_secrets: row.get(1)?,
                live_tills: row.get(2)?,
                events: row.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn shop_secrets(&self, name: &str) -> Result<Option<ShopSecrets>, StoreError> {
        let conn = lock(&self.reader)?;
        let Some(shop) = conn
            .query_row("SELECT id FROM shops WHERE name = ?1", [name], |row| {
                row.get(0)
            })
            .optional()?
            .map(ShopId)
        else {
            return Ok(None);
        };
        let mut stmt = conn.prepare_cached(
            "SELECT sealed, nonce, fingerprint FROM secrets
             WHERE shop = ?1 AND active = 1 ORDER BY added_at DESC, id DESC",
        )?;
        let secrets = stmt
            .query_map([shop.0], sealed_secret)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(ShopSecrets { shop, secrets }))
    }

    fn secrets(&self) -> Result<Vec<SecretRow>, StoreError> {
        let conn = lock(&self.reader)?;
        let mut stmt = conn.prepare(
            "SELECT shops.name, secrets.sealed, secrets.nonce, secrets.fingerprint,
                    secrets.active, secrets.added_at, secrets.retired_at
             FROM secrets JOIN shops ON shops.id = secrets.shop
             ORDER BY shops.name, secrets.added_at, secrets.id",
        )?;
        let rows = stmt.query_map([], |row| {
            Ok(SecretRow {
                shop: row.get(0)?,
                secret: SealedSecret {
                    sealed: row.get(1)?,
                    nonce: row.get(2)?,
                    fingerprint: row.get(3)?,
                },
                active: row.get::<_, i64>(4)? == 1,
                added_at: row.get(5)?,
                retired_at: row.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn add_secret(
        &self,
        shop: &ShopName,
        secret: &SealedSecret,
        last4: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut conn = lock(&self.writer)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let shop_id = Self::shop_id(&tx, shop)?;
        let active: Option<i64> = tx
            .query_row(
                "SELECT active FROM secrets WHERE shop = ?1 AND fingerprint = ?2",
                params![shop_id.0, secret.fingerprint],
                |row| row.get(0),
            )
            .optional()?;
        if active == Some(1) {
            return Err(StoreError::SecretActive {
                shop: shop.as_str().to_string(),
                last4: last4.to_string(),
            });
        }
        // A retired secret added again becomes active again, under its new seal.
        tx.execute(
            "INSERT INTO secrets (shop, sealed, nonce, fingerprint, active, added_at)
             VALUES (?1, ?2, ?3, ?4, 1, ?5)
             ON CONFLICT (shop, fingerprint)
             DO UPDATE SET sealed = excluded.sealed, nonce = excluded.nonce, active = 1,
                           added_at = excluded.added_at, retired_at = NULL",
            params![
                shop_id.0,
                secret.sealed,
                secret.nonce,
                secret.fingerprint,
                now
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn retire_secret(
        &self,
        shop: &ShopName,
        fingerprint: &str,
        last4: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut conn = lock(&self.writer)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let shop_id = Self::shop_id(&tx, shop)?;
        let retired = tx.execute(
            "UPDATE secrets SET active = 0, retired_at = ?3
             WHERE shop = ?1 AND fingerprint = ?2 AND active = 1",
            params![shop_id.0, fingerprint, now],
        )?;
        if retired == 0 {
            return Err(StoreError::UnknownSecret {
                shop: shop.as_str().to_string(),
                last4: last4.to_string(),
            });
        }
        tx.commit()?;
        Ok(())
    }

    fn add_till(
        &self,
        shop: &ShopName,
        till: &TillName,
        token: &TokenHash,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut conn = lock(&self.writer)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let shop_id = Self::shop_id(&tx, shop)?;
        match tx.execute(
            "INSERT INTO tills (shop, name, token_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![shop_id.0, till.as_str(), token.as_str(), now],
        ) {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                return Err(StoreError::TillExists {
                    shop: shop.as_str().to_string(),
                    till: till.as_str().to_string(),
                })
            }
            Err(e) => return Err(e.into()),
        }
        tx.commit()?;
        Ok(())
    }

    fn revoke_till(&self, shop: &ShopName, till: &TillName, now: i64) -> Result<(), StoreError> {
        let mut conn = lock(&self.writer)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let shop_id = Self::shop_id(&tx, shop)?;
        let revoked = tx.execute(
            "UPDATE tills SET revoked_at = ?3
             WHERE shop = ?1 AND name = ?2 AND revoked_at IS NULL",
            params![shop_id.0, till.as_str(), now],
        )?;
        if revoked == 0 {
            return Err(StoreError::UnknownTill {
                shop: shop.as_str().to_string(),
                till: till.as_str().to_string(),
            });
        }
        tx.commit()?;
        Ok(())
    }

    fn till_shop(&self, token: &TokenHash) -> Result<Option<ShopId>, StoreError> {
        let conn = lock(&self.reader)?;
        let mut stmt = conn.prepare_cached(
            "SELECT shop FROM tills WHERE token_hash = ?1 AND revoked_at IS NULL",
        )?;
        Ok(stmt
            .query_row([token.as_str()], |row| row.get(0))
            .optional()?
            .map(ShopId))
    }

    fn keep_journal_head(
        &self,
        token: &TokenHash,
        head: &JournalHeadRow,
    ) -> Result<Option<HeadKept>, StoreError> {
        let mut conn = lock(&self.writer)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some(till) = tx
            .query_row(
                "SELECT id FROM tills WHERE token_hash = ?1 AND revoked_at IS NULL",
                [token.as_str()],
                |r| r.get::<_, i64>(0),
            )
            .optional()?
        else {
            return Ok(None);
        };
        let held = tx
            .query_row(
                "SELECT seq, hash, public_key FROM journal_heads WHERE till = ?1",
                [till],
                |r| {
                    Ok(HeldHead {
                        seq: r.get(0)?,
                        hash: r.get(1)?,
                        public_key: r.get(2)?,
                    })
                },
            )
            .optional()?;
        let kept = HeadKept::judge(held.as_ref(), head);
        if kept == HeadKept::Kept {
            tx.execute(
                "INSERT INTO journal_heads (till, seq, hash, public_key, body, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (till) DO UPDATE SET seq = excluded.seq, hash = excluded.hash,
                     public_key = excluded.public_key, body = excluded.body,
                     received_at = excluded.received_at",
                params![
                    till,
                    head.seq,
                    head.hash,
                    head.public_key,
                    head.body,
                    head.received_at
                ],
            )?;
            tx.commit()?;
        }
        Ok(Some(kept))
    }

    fn journal_head(&self, token: &TokenHash) -> Result<Option<JournalHeadRow>, StoreError> {
        let conn = lock(&self.reader)?;
        let mut stmt = conn.prepare_cached(
            "SELECT h.seq, h.hash, h.public_key, h.body, h.received_at
             FROM journal_heads h JOIN tills t ON t.id = h.till
             WHERE t.token_hash = ?1 AND t.revoked_at IS NULL",
        )?;
        Ok(stmt
            .query_row([token.as_str()], |r| {
                Ok(JournalHeadRow {
                    seq: r.get(0)?,
                    hash: r.get(1)?,
                    public_key: r.get(2)?,
                    body: r.get(3)?,
                    received_at: r.get(4)?,
                })
            })
            .optional()?)
    }

    fn revoked_tills(&self) -> Result<i64, StoreError> {
        let conn = lock(&self.reader)?;
        let n = conn
            .prepare_cached("SELECT count(*) FROM tills WHERE revoked_at IS NOT NULL")?
            .query_row([], |row| row.get(0))?;
        Ok(n)
    }

    fn append(&self, event: NewEvent) -> Result<Stored, StoreError> {
        let (reply, answer) = mpsc::sync_channel(1);
        lock(&self.pending)?.push((event, reply));
        {
            // Whoever holds the writer commits everything queued so far, ours included unless
            // the previous holder already did.
            let mut conn = lock(&self.writer)?;
            let batch = std::mem::take(&mut *lock(&self.pending)?);
            if !batch.is_empty() {
                commit_batch(&mut conn, batch);
            }
        }
        answer
            .recv()
            .map_err(|_| StoreError::Storage("the event was dropped before its commit".into()))?
    }

    fn events_after(
        &self,
        shop: ShopId,
        after: i64,
        limit: u32,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        let conn = lock(&self.reader)?;
        let mut stmt = conn.prepare_cached(
            "SELECT seq, event_id, type, payload, received_at FROM events
             WHERE shop = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![shop.0, after, limit], |row| {
            Ok(StoredEvent {
                seq: row.get(0)?,
                event_id: row.get(1)?,
                event_type: row.get(2)?,
                payload: row.get(3)?,
                received_at: row.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn count_after(&self, shop: ShopId, after: i64) -> Result<i64, StoreError> {
        let conn = lock(&self.reader)?;
        let n = conn
            .prepare_cached("SELECT count(*) FROM events WHERE shop = ?1 AND seq > ?2")?
            .query_row(params![shop.0, after], |row| row.get(0))?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().expect("a temp dir");
        let store = SqliteStore::open(&dir.path().join("relay.db")).expect("the store opens");
        (dir, store)
    }

    fn event(shop: ShopId, id: &str) -> NewEvent {
        NewEvent {
            shop,
            event_id: id.to_string(),
            event_type: "payment_intent.succeeded".to_string(),
            payload: format!(r#"{{"id":"{id}"}}"#),
            received_at: 1_700_000_000,
        }
    }

    #[test]
    fn migrations_apply_to_an_empty_database_and_reopen_cleanly() {
        let (dir, store) = store();
        drop(store);
        let again = SqliteStore::open(&dir.path().join("relay.db")).expect("reopens");
        let conn = lock(&again.reader).expect("reader");
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("user_version");
        assert_eq!(version, MIGRATIONS.len() as i64);
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .expect("journal_mode");
        assert_eq!(mode, "wal");
    }

    #[test]
    fn the_sealed_secrets_migration_leaves_no_clear_secret_in_the_file() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("relay.db");
        let clear = "whsec_storedintheclear0123456789";
        {
            let conn = Connection::open(&path).expect("a database");
            conn.execute_batch(MIGRATIONS[0].1).expect("0001 applies");
            conn.pragma_update(None, "user_version", 1)
                .expect("version 1");
            conn.execute("INSERT INTO shops (name, created_at) VALUES ('a', 1)", [])
                .expect("a shop");
            conn.execute(
                "INSERT INTO secrets (shop, secret, added_at) VALUES (1, ?1, 1)",
                [clear],
            )
            .expect("a clear secret");
        }
        let holds_clear = |path: &Path| {
            std::fs::read(path)
                .expect("the database file")
                .windows(clear.len())
                .any(|w| w == clear.as_bytes())
        };
        assert!(
            holds_clear(&path),
            "the old schema kept the secret in the file"
        );
        drop(SqliteStore::open(&path).expect("migrates to sealed secrets"));
        assert!(
            !holds_clear(&path),
            "the dropped table's pages are overwritten (secure_delete)"
        );
        let store = SqliteStore::open(&path).expect("reopens");
        assert!(store.secrets().expect("secrets").is_empty());
    }

    #[test]
    fn an_event_id_is_stored_once_per_shop() {
        let (_dir, store) = store();
        let a = ShopName::parse("a").expect("name");
        let b = ShopName::parse("b").expect("name");
        store.add_shop(&a, 1).expect("shop a");
        store.add_shop(&b, 1).expect("shop b");
        let a_id = store.shop_secrets("a").expect("lookup").expect("a").shop;
        let b_id = store.shop_secrets("b").expect("lookup").expect("b").shop;
        assert!(matches!(
            store.append(event(a_id, "evt_1")),
            Ok(Stored::New { .. })
        ));
        assert_eq!(
            store.append(event(a_id, "evt_1")).expect("dup"),
            Stored::Duplicate
        );
        assert!(
            matches!(store.append(event(b_id, "evt_1")), Ok(Stored::New { .. })),
            "the same id in another shop is another event"
        );
        assert_eq!(store.events_after(a_id, 0, 500).expect("events").len(), 1);
    }

    #[test]
    fn the_count_after_a_cursor_is_the_shops_own_backlog() {
        let (_dir, store) = store();
        let a = ShopName::parse("a").expect("name");
        let b = ShopName::parse("b").expect("name");
        store.add_shop(&a, 1).expect("shop a");
        store.add_shop(&b, 1).expect("shop b");
        let a_id = store.shop_secrets("a").expect("lookup").expect("a").shop;
        let b_id = store.shop_secrets("b").expect("lookup").expect("b").shop;
        for n in 0..5 {
            store.append(event(a_id, &format!("evt_a{n}"))).expect("a");
        }
        store.append(event(b_id, "evt_b0")).expect("b");
        let second = store.events_after(a_id, 0, 2).expect("page")[1].seq;
        assert_eq!(store.count_after(a_id, 0).expect("count"), 5);
        assert_eq!(store.count_after(a_id, second).expect("count"), 3);
        assert_eq!(store.count_after(b_id, 0).expect("count"), 1);
    }

    #[test]
    fn concurrent_appends_each_get_their_own_answer() {
        let (_dir, store) = store();
        store
            .add_shop(&ShopName::parse("a").expect("name"), 1)
            .expect("shop");
        let shop = store.shop_secrets("a").expect("lookup").expect("a").shop;
        let store = std::sync::Arc::new(store);
        let handles: Vec<_> = (0..8)
            .map(|t| {
                let store = std::sync::Arc::clone(&store);
                std::thread::spawn(move || {
                    (0..25)
                        .map(|i| store.append(event(shop, &format!("evt_{}", (t * 25 + i) % 100))))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let outcomes: Vec<_> = handles
            .into_iter()
            .flat_map(|h| h.join().expect("thread"))
            .collect();
        let new = outcomes
            .iter()
            .filter(|o| matches!(o, Ok(Stored::New { .. })))
            .count();
        let dup = outcomes
            .iter()
            .filter(|o| matches!(o, Ok(Stored::Duplicate)))
            .count();
        assert_eq!((new, dup), (100, 100), "200 deliveries of 100 distinct ids");
        let seqs: Vec<i64> = store
            .events_after(shop, 0, 500)
            .expect("events")
            .iter()
            .map(|e| e.seq)
            .collect();
        assert!(
            seqs.windows(2).all(|w| w[0] < w[1]),
            "served in cursor order"
        );
    }
}
