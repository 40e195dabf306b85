//! The relay's PostgreSQL store, for several relay instances sharing the load on one database.
//!
//! Appends are group-committed like the embedded store's: deliveries that arrive while a commit
//! is running queue up and the next writer commits them together. Each commit takes a per-shop
//! advisory lock before drawing cursors, so within a shop cursors become visible in order across
//! instances and a till reading after a cursor never skips an event committed later. A commit
//! that stored events sends a NOTIFY; every instance LISTENs and wakes its long-polls.

use crate::names::{ShopName, TillName, TokenHash};
use crate::pg_tls::Connector;
use crate::sealed::SealedSecret;
use crate::store::{
    EventStore, HeadKept, HeldHead, JournalHeadRow, NewEvent, SecretRow, ShopId, ShopSecrets,
    ShopSummary, StoreError, Stored, StoredEvent, Wake,
};
use postgres::error::SqlState;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::FromSql;
use postgres::{Client, Config, GenericClient, Row};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// Forward-only; a migration's position is its version. Never edit one that has shipped.
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_init",
        include_str!("../migrations/postgres/0001_init.sql"),
    ),
    (
        "0002_journal_heads",
        include_str!("../migrations/postgres/0002_journal_heads.sql"),
    ),
];

/// The channel a commit that stored events notifies.
const CHANNEL: &str = "versapos_relay_events";
/// Held by whoever applies migrations, so relay instances starting together take turns. The
/// two-key form keeps it apart from the per-shop (single-key) locks of appends.
const MIGRATION_LOCK: (i32, i32) = (0x5650_4f53, 1);
/// Idle reader connections kept for reuse.
const IDLE_READERS: usize = 8;
/// How often the listener checks that it should go on, and how often long-polls are woken while
/// it cannot listen (the short-poll fallback).
const LISTEN_TICK: Duration = Duration::from_millis(200);

type Reply = mpsc::SyncSender<Result<Stored, StoreError>>;

pub struct PostgresStore {
    db: Connector,
    writer: Mutex<Client>,
    readers: Mutex<Vec<Client>>,
    pending: Mutex<Vec<(NewEvent, Reply)>>,
    /// Set when the store is dropped; the listener thread stops at its next tick.
    closed: Arc<AtomicBool>,
}

fn lock<T>(mutex: &Mutex<T>) -> Result<MutexGuard<'_, T>, StoreError> {
    mutex
        .lock()
        .map_err(|_| StoreError::Storage("a database connection lock was poisoned".into()))
}

fn is_unique_violation(e: &postgres::Error) -> bool {
    e.code() == Some(&SqlState::UNIQUE_VIOLATION)
}

/// `host:port/dbname` for messages: the password never appears.
fn describe(config: &Config) -> String {
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(host)) => host.clone(),
        // A socket folder: only Unix has them (a relay on Windows reaches PostgreSQL over TCP).
        #[cfg(unix)]
        Some(postgres::config::Host::Unix(path)) => path.display().to_string(),
        None => "localhost".to_string(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let dbname = config
        .get_dbname()
        .or(config.get_user())
        .unwrap_or_default();
    format!("{host}:{port}/{dbname}")
}

/// Whether `db` names a PostgreSQL database rather than a SQLite file.
pub fn is_postgres_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/dbname`) and
    /// applies pending migrations.
    pub fn open(url: &str) -> Result<Self, StoreError> {
        let mut config: Config = url.parse().map_err(StoreError::BadUrl)?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        let db = Connector::new(config)?;
        let mut writer = connect(&db)?;
        migrate(&mut writer)?;
        Ok(PostgresStore {
            db,
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
            pending: Mutex::new(Vec::new()),
            closed: Arc::new(AtomicBool::new(false)),
        })
    }

    /// Runs `work` on an idle reader connection (or a new one), then keeps the connection for
    /// the next caller unless it broke.
    fn with_reader<T>(
        &self,
        work: impl FnOnce(&mut Client) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let idle = lock(&self.readers)?.pop();
        let mut client = match idle {
            Some(client) if !client.is_closed() => client,
            _ => connect(&self.db)?,
        };
        let outcome = work(&mut client);
        if !client.is_closed() {
            let mut readers = lock(&self.readers)?;
            if readers.len() < IDLE_READERS {
                readers.push(client);
            }
        }
        outcome
    }

    /// Runs `work` in a transaction on a reader connection, committing when it succeeds.
    fn in_transaction<T>(
        &self,
        work: impl FnOnce(&mut postgres::Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.with_reader(|client| {
            let mut tx = client.transaction()?;
            let value = work(&mut tx)?;
            tx.commit()?;
            Ok(value)
        })
    }
}

impl Drop for PostgresStore {
    fn drop(&mut self) {
        self.closed.store(true, Ordering::Relaxed);
    }
}

fn connect(db: &Connector) -> Result<Client, StoreError> {
    db.connect().map_err(|source| StoreError::Connect {
        target: describe(&db.config),
        source,
    })
}

fn migrate(client: &mut Client) -> Result<(), StoreError> {
    let setup = |source| StoreError::PostgresMigration {
        name: "schema_migrations",
        source,
    };
    let mut tx = client.transaction().map_err(setup)?;
    tx.execute(
        "SELECT pg_advisory_xact_lock($1, $2)",
        &[&MIGRATION_LOCK.0, &MIGRATION_LOCK.1],
    )
    .map_err(setup)?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    BIGINT PRIMARY KEY,
             name       TEXT   NOT NULL,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
         )",
    )
    .map_err(setup)?;
    let applied: i64 = tx
        .query_one(
            "SELECT coalesce(max(version), 0) FROM schema_migrations",
            &[],
        )
        .and_then(|row| row.try_get(0))
        .map_err(setup)?;
    for (version, (name, sql)) in MIGRATIONS.iter().enumerate() {
        let version = i64::try_from(version + 1).unwrap_or(i64::MAX);
        if version <= applied {
            continue;
        }
        let failed = |source| StoreError::PostgresMigration { name, source };
        tx.batch_execute(sql).map_err(failed)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
            &[&version, name],
        )
        .map_err(failed)?;
    }
    tx.commit().map_err(setup)
}

/// Column `index` of `row`; a type that does not match the schema is an error, not a panic.
fn col<'a, T: FromSql<'a>>(row: &'a Row, index: usize) -> Result<T, StoreError> {
    Ok(row.try_get(index)?)
}

fn shop_id(client: &mut impl GenericClient, shop: &ShopName) -> Result<ShopId, StoreError> {
    match client.query_opt("SELECT id FROM shops WHERE name = $1", &[&shop.as_str()])? {
        Some(row) => Ok(ShopId(col(&row, 0)?)),
        None => Err(StoreError::UnknownShop(shop.as_str().to_string())),
    }
}

fn sealed_secret(row: &Row) -> Result<SealedSecret, StoreError> {
    Ok(SealedSecret {
        sealed: col(row, 0)?,
        nonce: col(row, 1)?,
        fingerprint: col(row, 2)?,
    })
}

fn count(row: &Row, index: usize) -> Result<u32, StoreError> {
    u32::try_from(col::<i64>(row, index)?)
        .map_err(|_| StoreError::Storage(format!("count in column {index} out of range")))
}

/// Inserts a batch of events in one transaction; every reply gets its own outcome.
fn commit_batch(client: &mut Client, batch: Vec<(NewEvent, Reply)>) {
    let outcome = (|| -> Result<Vec<Stored>, postgres::Error> {
        let mut tx = client.transaction()?;
        let mut shops: Vec<i64> = batch.iter().map(|(event, _)| event.shop.0).collect();
        shops.sort_unstable();
        shops.dedup();
        // In a fixed order, so two instances committing for the same shops cannot deadlock.
        for shop in &shops {
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[shop])?;
        }
        let insert = tx.prepare(
            "INSERT INTO events (shop, event_id, type, payload, received_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (shop, event_id) DO NOTHING
             RETURNING seq",
        )?;
        let mut results = Vec::with_capacity(batch.len());
        let mut newest = None;
        for (event, _) in &batch {
            let row = tx.query_opt(
                &insert,
                &[
                    &event.shop.0,
                    &event.event_id,
                    &event.event_type,
                    &event.payload,
                    &event.received_at,
                ],
            )?;
            results.push(match row {
                Some(row) => {
                    let seq: i64 = row.try_get(0)?;
                    newest = newest.max(Some(seq));
                    Stored::New { seq }
                }
                None => Stored::Duplicate,
            });
        }
        if let Some(seq) = newest {
            // Delivered to every listening instance when (and only if) this commits.
            tx.execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &seq.to_string()])?;
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
        Err(e) => fail_batch(batch, &e.to_string()),
    }
}

fn fail_batch(batch: Vec<(NewEvent, Reply)>, message: &str) {
    for (_, reply) in batch {
        let _ = reply.send(Err(StoreError::Storage(message.to_string())));
    }
}

/// LISTENs on its own connection and calls `wake` for each burst of notifications; reconnects
/// when the connection breaks, waking every tick meanwhile so that no long-poll misses an event.
fn listen(db: &Connector, closed: &AtomicBool, wake: &Wake) {
    while !closed.load(Ordering::Relaxed) {
        let mut client = match db.connect() {
            Ok(client) => client,
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for new events; polling meanwhile");
                wake();
                std::thread::sleep(LISTEN_TICK);
                continue;
            }
        };
        if let Err(e) = client.batch_execute(&format!("LISTEN {CHANNEL}")) {
            tracing::warn!(error = %e, "LISTEN failed; polling meanwhile");
            wake();
            std::thread::sleep(LISTEN_TICK);
            continue;
        }
        // Whatever was stored while nobody listened is read now.
        wake();
        while !closed.load(Ordering::Relaxed) {
            let received = client.notifications().timeout_iter(LISTEN_TICK).next();
            match received {
                Ok(Some(_)) => {
                    // One wake covers everything already received.
                    while let Ok(Some(_)) = client.notifications().iter().next() {}
                    wake();
                }
                Ok(None) if !client.is_closed() => {}
                Ok(None) | Err(_) => {
                    tracing::warn!("the connection listening for new events broke; reconnecting");
                    wake();
                    break;
                }
            }
        }
    }
}

impl EventStore for PostgresStore {
    fn add_shop(&self, name: &ShopName, now: i64) -> Result<(), StoreError> {
        self.with_reader(|client| {
            match client.execute(
                "INSERT INTO shops (name, created_at) VALUES ($1, $2)",
                &[&name.as_str(), &now],
            ) {
                Ok(_) => Ok(()),
                Err(e) if is_unique_violation(&e) => {
                    Err(StoreError::ShopExists(name.as_str().to_string()))
                }
                Err(e) => Err(e.into()),
            }
        })
    }

    fn shops(&self) -> Result<Vec<ShopSummary>, StoreError> {
        self.with_reader(|client| {
            client
                .query(
                    "SELECT name,
                        (SELECT count(*) FROM secrets WHERE shop = shops.id AND active),
                        (SELECT count(*) FROM tills WHERE shop = shops.id AND revoked_at IS NULL),
                        (SELECT count(*) FROM events WHERE shop = shops.id)
                     FROM shops ORDER BY name",
                    &[],
                )?
                .iter()
                .map(|row| {
                    Ok(ShopSummary {
                        name: col(row, 0)?,
                        active_secrets: count(row, 1)?,
                        live_tills: count(row, 2)?,
                        events: col(row, 3)?,
                    })
                })
                .collect()
        })
    }

    fn shop_secrets(&self, name: &str) -> Result<Option<ShopSecrets>, StoreError> {
        self.with_reader(|client| {
            let Some(row) = client.query_opt("SELECT id FROM shops WHERE name = $1", &[&name])?
            else {
                return Ok(None);
            };
            let shop = ShopId(col(&row, 0)?);
            let secrets = client
                .query(
                    "SELECT sealed, nonce, fingerprint FROM secrets
                     WHERE shop = $1 AND active ORDER BY added_at DESC, id DESC",
                    &[&shop.0],
                )?
                .iter()
                .map(sealed_secret)
                .collect::<Result<_, _>>()?;
            Ok(Some(ShopSecrets { shop, secrets }))
        })
    }

    fn secrets(&self) -> Result<Vec<SecretRow>, StoreError> {
        self.with_reader(|client| {
            client
                .query(
                    "SELECT secrets.sealed, secrets.nonce, secrets.fingerprint, shops.name,
                            secrets.active, secrets.added_at, secrets.retired_at
                     FROM secrets JOIN shops ON shops.id = secrets.shop
                     ORDER BY shops.name, secrets.added_at, secrets.id",
                    &[],
                )?
                .iter()
                .map(|row| {
                    Ok(SecretRow {
                        secret: sealed_secret(row)?,
                        shop: col(row, 3)?,
                        active: col(row, 4)?,
                        added_at: col(row, 5)?,
                        retired_at: col(row, 6)?,
                    })
                })
                .collect()
        })
    }

    fn add_secret(
        &self,
        shop: &ShopName,
        secret: &SealedSecret,
        last4: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        self.in_transaction(|tx| {
            let shop_id = shop_id(tx, shop)?;
            let row = tx.query_opt(
                "SELECT active FROM secrets WHERE shop = $1 AND fingerprint = $2 FOR UPDATE",
                &[&shop_id.0, &secret.fingerprint],
            )?;
            let active: Option<bool> = row.as_ref().map(|row| col(row, 0)).transpose()?;
            match active {
                Some(true) => Err(StoreError::SecretActive {
                    shop: shop.as_str().to_string(),
                    last4: last4.to_string(),
                }),
                Some(false) => {
                    tx.execute(
                        "UPDATE secrets
                         SET active = TRUE, retired_at = NULL, added_at = $3,
                             sealed = $4, nonce = $5
                         WHERE shop = $1 AND fingerprint = $2",
                        &[
                            &shop_id.0,
                            &secret.fingerprint,
                            &now,
                            &secret.sealed,
                            &secret.nonce,
                        ],
                    )?;
                    Ok(())
                }
                None => match tx.execute(
                    "INSERT INTO secrets (shop, sealed, nonce, fingerprint, added_at)
                     VALUES ($1, $2, $3, $4, $5)",
                    &[
                        &shop_id.0,
                        &secret.sealed,
                        &secret.nonce,
                        &secret.fingerprint,
                        &now,
                    ],
                ) {
                    Ok(_) => Ok(()),
                    // Added at the same moment by another command.
                    Err(e) if is_unique_violation(&e) => Err(StoreError::SecretActive {
                        shop: shop.as_str().to_string(),
                        last4: last4.to_string(),
                    }),
                    Err(e) => Err(e.into()),
                },
            }
        })
    }

    fn retire_secret(
        &self,
        shop: &ShopName,
        fingerprint: &str,
        last4: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        self.in_transaction(|tx| {
            let shop_id = shop_id(tx, shop)?;
            let retired = tx.execute(
                "UPDATE secrets SET active = FALSE, retired_at = $3
                 WHERE shop = $1 AND fingerprint = $2 AND active",
                &[&shop_id.0, &fingerprint, &now],
            )?;
            if retired == 0 {
                return Err(StoreError::UnknownSecret {
                    shop: shop.as_str().to_string(),
                    last4: last4.to_string(),
                });
            }
            Ok(())
        })
    }

    fn add_till(
        &self,
        shop: &ShopName,
        till: &TillName,
        token: &TokenHash,
        now: i64,
    ) -> Result<(), StoreError> {
        self.in_transaction(|tx| {
            let shop_id = shop_id(tx, shop)?;
            match tx.execute(
                "INSERT INTO tills (shop, name, token_hash, created_at) VALUES ($1, $2, $3, $4)",
                &[&shop_id.0, &till.as_str(), &token.as_str(), &now],
            ) {
                Ok(_) => Ok(()),
                Err(e) if is_unique_violation(&e) => Err(StoreError::TillExists {
                    shop: shop.as_str().to_string(),
                    till: till.as_str().to_string(),
                }),
                Err(e) => Err(e.into()),
            }
        })
    }

    fn revoke_till(&self, shop: &ShopName, till: &TillName, now: i64) -> Result<(), StoreError> {
        self.in_transaction(|tx| {
            let shop_id = shop_id(tx, shop)?;
            let revoked = tx.execute(
                "UPDATE tills SET revoked_at = $3
                 WHERE shop = $1 AND name = $2 AND revoked_at IS NULL",
                &[&shop_id.0, &till.as_str(), &now],
            )?;
            if revoked == 0 {
                return Err(StoreError::UnknownTill {
                    shop: shop.as_str().to_string(),
                    till: till.as_str().to_string(),
                });
            }
            Ok(())
        })
    }

    fn till_shop(&self, token: &TokenHash) -> Result<Option<ShopId>, StoreError> {
        self.with_reader(|client| {
            client
                .query_opt(
                    "SELECT shop FROM tills WHERE token_hash = $1 AND revoked_at IS NULL",
                    &[&token.as_str()],
                )?
                .map(|row| Ok(ShopId(col(&row, 0)?)))
                .transpose()
        })
    }

    fn keep_journal_head(
        &self,
        token: &TokenHash,
        head: &JournalHeadRow,
    ) -> Result<Option<HeadKept>, StoreError> {
        self.in_transaction(|tx| {
            // The till's row locked: two relay instances keeping its heads take turns.
            let Some(till) = tx.query_opt(
                "SELECT id FROM tills WHERE token_hash = $1 AND revoked_at IS NULL FOR UPDATE",
                &[&token.as_str()],
            )?
            else {
                return Ok(None);
            };
            let till: i64 = col(&till, 0)?;
            let held = tx
                .query_opt(
                    "SELECT seq, hash, public_key FROM journal_heads WHERE till = $1",
                    &[&till],
                )?
                .map(|row| {
                    Ok::<_, StoreError>(HeldHead {
                        seq: col(&row, 0)?,
                        hash: col(&row, 1)?,
                        public_key: col(&row, 2)?,
                    })
                })
                .transpose()?;
            let kept = HeadKept::judge(held.as_ref(), head);
            if kept == HeadKept::Kept {
                tx.execute(
                    "INSERT INTO journal_heads (till, seq, hash, public_key, body, received_at)
                     VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT (till) DO UPDATE SET seq = excluded.seq, hash = excluded.hash,
                         public_key = excluded.public_key, body = excluded.body,
                         received_at = excluded.received_at",
                    &[
                        &till,
                        &head.seq,
                        &head.hash,
                        &head.public_key,
                        &head.body,
                        &head.received_at,
                    ],
                )?;
            }
            Ok(Some(kept))
        })
    }

    fn journal_head(&self, token: &TokenHash) -> Result<Option<JournalHeadRow>, StoreError> {
        self.with_reader(|client| {
            client
                .query_opt(
                    "SELECT h.seq, h.hash, h.public_key, h.body, h.received_at
                     FROM journal_heads h JOIN tills t ON t.id = h.till
                     WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
                    &[&token.as_str()],
                )?
                .map(|row| {
                    Ok(JournalHeadRow {
                        seq: col(&row, 0)?,
                        hash: col(&row, 1)?,
                        public_key: col(&row, 2)?,
                        body: col(&row, 3)?,
                        received_at: col(&row, 4)?,
                    })
                })
                .transpose()
        })
    }

    fn revoked_tills(&self) -> Result<i64, StoreError> {
        self.with_reader(|client| {
            let row = client.query_one(
                "SELECT count(*) FROM tills WHERE revoked_at IS NOT NULL",
                &[],
            )?;
            col(&row, 0)
        })
    }

    fn append(&self, event: NewEvent) -> Result<Stored, StoreError> {
        let (reply, answer) = mpsc::sync_channel(1);
        lock(&self.pending)?.push((event, reply));
        {
            // Whoever holds the writer commits everything queued so far, ours included unless
            // the previous holder already did.
            let mut writer = lock(&self.writer)?;
            let batch = std::mem::take(&mut *lock(&self.pending)?);
            if !batch.is_empty() {
                // A connection that broke (a database restart) is replaced before the commit.
                let fresh = writer.is_closed().then(|| connect(&self.db));
                match fresh {
                    Some(Err(e)) => fail_batch(batch, &e.to_string()),
                    Some(Ok(client)) => {
                        *writer = client;
                        commit_batch(&mut writer, batch);
                    }
                    None => commit_batch(&mut writer, batch),
                }
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
        self.with_reader(|client| {
            client
                .query(
                    "SELECT seq, event_id, type, payload, received_at FROM events
                     WHERE shop = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                    &[&shop.0, &after, &i64::from(limit)],
                )?
                .iter()
                .map(|row| {
                    Ok(StoredEvent {
                        seq: col(row, 0)?,
                        event_id: col(row, 1)?,
                        event_type: col(row, 2)?,
                        payload: col(row, 3)?,
                        received_at: col(row, 4)?,
                    })
                })
                .collect()
        })
    }

    fn count_after(&self, shop: ShopId, after: i64) -> Result<i64, StoreError> {
        self.with_reader(|client| {
            let row = client.query_one(
                "SELECT count(*) FROM events WHERE shop = $1 AND seq > $2",
                &[&shop.0, &after],
            )?;
            col(&row, 0)
        })
    }

    fn on_new_events(&self, wake: Wake) {
        let db = self.db.clone();
        let closed = Arc::clone(&self.closed);
        let spawned = std::thread::Builder::new()
            .name("relay-listen".into())
            .spawn(move || listen(&db, &closed, &wake));
        if let Err(e) = spawned {
            tracing::error!(error = %e, "could not start listening for new events");
        }
    }
}
