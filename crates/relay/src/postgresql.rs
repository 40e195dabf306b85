//! The relay's PostgreSQL store, for several relay instances sharing the load on one database.
//!
//! Appends are group-committed like the embedded store's: deliveries queue for one writer
//! thread, which commits them together in one statement ([`APPEND`]) that is its own
//! transaction: one round trip, and nothing held open between the relay and the database. An
//! event's cursor comes from the transaction that stores it (see migration 0003), and readers
//! serve only cursors below the oldest transaction still running, so within a shop a till
//! reading after a cursor never skips an event committed later, while appends take no lock:
//! instances and shops never wait on each other. Commits tell the other instances (NOTIFY, at
//! most every 2 ms) which shops got events and their newest cursors; every instance LISTENs,
//! wakes its long-polls, and drops the signing secrets it holds of a shop that changed.
//!
//! Every connection carries the store's timeout as `lock_timeout`, `statement_timeout`,
//! `idle_in_transaction_session_timeout` and TCP keepalives (both ends), so a relay instance
//! that hangs or loses its network holds nothing the others need for longer than that.

use crate::names::{ShopName, TillName, TokenHash};
use crate::pg_tls::Connector;
use crate::sealed::SealedSecret;
use crate::store::{
    Appended, EventStore, HeadKept, HeldHead, JournalHeadRow, NewEvent, OnTheWay, SecretRow,
    ShopId, ShopSecrets, ShopSummary, StoreError, Stored, StoredEvent, Wake,
};
use postgres::error::SqlState;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{FromSql, ToSql};
use postgres::{Client, Config, GenericClient, Row, Statement};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

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
    (
        "0003_cursor_without_lock",
        include_str!("../migrations/postgres/0003_cursor_without_lock.sql"),
    ),
];

/// The channel a commit that stored events notifies ("shop:cursor,…").
const EVENTS_CHANNEL: &str = "versapos_relay_events";
/// The longest notification payload sent (PostgreSQL takes under 8,000 bytes); a longer one is
/// sent empty, which every instance reads as "any shop may have new events".
const NOTIFY_MOST: i32 = 7000;
/// The channel a change to a shop or its signing secrets notifies (the shop's name).
const SHOPS_CHANNEL: &str = "versapos_relay_shops";
/// Held by whoever applies migrations, so relay instances starting together take turns.
const MIGRATION_LOCK: (i32, i32) = (0x5650_4f53, 1);
/// How often the listener checks that it should go on, and how often long-polls are woken while
/// it cannot listen (the short-poll fallback).
const LISTEN_TICK: Duration = Duration::from_millis(200);
/// The most events one commit stores: an event's place in its commit is the lower 16 bits of its
/// cursor.
const MOST_PER_COMMIT: usize = 1000;
/// The longest a commit waits for more deliveries to join it (see `Queue::next_batch`).
const GATHER: Duration = Duration::from_millis(1);
/// How long a shop's signing secrets are kept in memory without a word from the database; a
/// change made anywhere is heard at once (NOTIFY) while the store is listening.
const SECRETS_TTL: Duration = Duration::from_secs(10);

/// How the store treats its connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PgSettings {
    /// The longest a statement, a lock wait, a transaction left idle, an unanswered packet or a
    /// wait for a free connection may take; past it the delivery is answered 503 and Stripe
    /// sends it again (to any instance).
    pub timeout: Duration,
    /// The most connections this instance opens (its listener and its writer apart); they are
    /// kept open for the next request.
    pub connections: usize,
    /// How often at most this instance tells the others of the events it stored (`News`).
    pub tell_every: Duration,
}

impl PgSettings {
    pub const DEFAULT_TIMEOUT_SECS: u64 = 5;
    pub const DEFAULT_CONNECTIONS: usize = 16;
    pub const DEFAULT_TELL_EVERY_MS: u64 = 2;
}

impl Default for PgSettings {
    fn default() -> Self {
        PgSettings {
            timeout: Duration::from_secs(PgSettings::DEFAULT_TIMEOUT_SECS),
            connections: PgSettings::DEFAULT_CONNECTIONS,
            tell_every: Duration::from_millis(PgSettings::DEFAULT_TELL_EVERY_MS),
        }
    }
}

pub struct PostgresStore {
    db: Connector,
    pool: Pool,
    queue: Arc<Queue>,
    /// How long a synchronous `append` waits for its commit: a connection attempt and two
    /// timeouts (see `append`).
    patience: Duration,
    secrets: Arc<SecretsCache>,
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

/// The session settings every connection starts with; the URL's own `options` come after, so
/// they win.
fn session_options(timeout: Duration, from_url: Option<&str>) -> String {
    let ms = timeout.as_millis().max(1);
    let secs = timeout.as_secs().max(1);
    let mut options = format!(
        "-c lock_timeout={ms} -c statement_timeout={ms} \
         -c idle_in_transaction_session_timeout={ms} -c tcp_keepalives_idle={secs} \
         -c tcp_keepalives_interval=1 -c tcp_keepalives_count=3 -c tcp_user_timeout={ms}"
    );
    if let Some(extra) = from_url.filter(|o| !o.trim().is_empty()) {
        options.push(' ');
        options.push_str(extra);
    }
    options
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/dbname`) with the
    /// default settings and applies pending migrations.
    pub fn open(url: &str) -> Result<Self, StoreError> {
        PostgresStore::open_with(url, PgSettings::default())
    }

    pub fn open_with(url: &str, settings: PgSettings) -> Result<Self, StoreError> {
        let mut config: Config = url.parse().map_err(StoreError::BadUrl)?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(settings.timeout);
        }
        let options = session_options(settings.timeout, config.get_options());
        config
            .options(&options)
            .keepalives(true)
            .keepalives_idle(settings.timeout.max(Duration::from_secs(1)))
            .keepalives_interval(Duration::from_secs(1))
            .keepalives_retries(3)
            .tcp_user_timeout(settings.timeout);
        let patience = config
            .get_connect_timeout()
            .map_or(settings.timeout, |t| *t)
            + settings.timeout * 2;
        let db = Connector::new(config)?;
        let mut first = connect(&db)?;
        migrate(&mut first.client)?;
        let queue = Arc::new(Queue {
            pending: Mutex::new(Vec::new()),
            on_the_way: Arc::new(OnTheWay::default()),
            stopped: AtomicBool::new(false),
            arrived: Condvar::new(),
        });
        let closed = Arc::new(AtomicBool::new(false));
        {
            // One writer: more of them would each commit smaller batches, one flush of the
            // database's log each (measured slower, docs/PERFORMANCE.md).
            let (db, queue, closed) = (db.clone(), Arc::clone(&queue), Arc::clone(&closed));
            std::thread::Builder::new()
                .name("relay-writer".into())
                .spawn(move || write(&db, &queue, &closed, Some(first), settings.tell_every))
                .map_err(|e| StoreError::Storage(format!("the writer could not start: {e}")))?;
        }
        Ok(PostgresStore {
            pool: Pool::new(db.clone(), settings),
            db,
            queue,
            patience,
            secrets: Arc::new(SecretsCache::default()),
            closed,
        })
    }

    /// Runs `work` on a pooled connection, which goes back to the pool unless it broke.
    fn with_reader<T>(
        &self,
        work: impl FnOnce(&mut Conn) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.pool.take()?;
        work(conn.conn())
    }

    /// Runs `work` in a transaction on a pooled connection, committing when it succeeds.
    fn in_transaction<T>(
        &self,
        work: impl FnOnce(&mut postgres::Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.with_reader(|conn| {
            let mut tx = conn.client.transaction()?;
            let value = work(&mut tx)?;
            tx.commit()?;
            Ok(value)
        })
    }

    /// The shop's id and active secrets, read from the database.
    fn read_shop_secrets(&self, name: &str) -> Result<Option<ShopSecrets>, StoreError> {
        self.with_reader(|conn| {
            // The shop's row, with each active secret (none: one row without a secret).
            let rows = conn.query(
                "SELECT secrets.sealed, secrets.nonce, secrets.fingerprint, shops.id
                 FROM shops LEFT JOIN secrets ON secrets.shop = shops.id AND secrets.active
                 WHERE shops.name = $1
                 ORDER BY secrets.added_at DESC, secrets.id DESC",
                &[&name],
            )?;
            let Some(first) = rows.first() else {
                return Ok(None);
            };
            let shop = ShopId(col(first, 3)?);
            let mut secrets = Vec::with_capacity(rows.len());
            for row in &rows {
                if col::<Option<Vec<u8>>>(row, 0)?.is_some() {
                    secrets.push(sealed_secret(row)?);
                }
            }
            Ok(Some(ShopSecrets { shop, secrets }))
        })
    }
}

impl Drop for PostgresStore {
    fn drop(&mut self) {
        self.closed.store(true, Ordering::Relaxed);
    }
}

/// A connection with the statements it has prepared, each parsed once per connection.
struct Conn {
    client: Client,
    prepared: HashMap<&'static str, Statement>,
}

impl Conn {
    fn statement(&mut self, sql: &'static str) -> Result<Statement, postgres::Error> {
        if let Some(statement) = self.prepared.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(sql)?;
        self.prepared.insert(sql, statement.clone());
        Ok(statement)
    }

    fn query(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, postgres::Error> {
        let statement = self.statement(sql)?;
        self.client.query(&statement, params)
    }

    fn query_opt(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<Row>, postgres::Error> {
        let statement = self.statement(sql)?;
        self.client.query_opt(&statement, params)
    }

    fn query_one(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Row, postgres::Error> {
        let statement = self.statement(sql)?;
        self.client.query_one(&statement, params)
    }
}

fn connect(db: &Connector) -> Result<Conn, StoreError> {
    let client = db.connect().map_err(|source| StoreError::Connect {
        target: describe(&db.config),
        source,
    })?;
    Ok(Conn {
        client,
        prepared: HashMap::new(),
    })
}

/// The connections this instance keeps open, at most `settings.connections`; a caller waits for
/// one to come free for at most the store's timeout.
struct Pool {
    db: Connector,
    settings: PgSettings,
    state: Mutex<PoolState>,
    freed: Condvar,
}

#[derive(Default)]
struct PoolState {
    idle: Vec<Conn>,
    /// Connections open, idle or lent out.
    open: usize,
}

/// A connection lent out by the pool; given back when dropped, or forgotten when it broke.
struct Lent<'a> {
    pool: &'a Pool,
    conn: Option<Conn>,
}

impl Lent<'_> {
    fn conn(&mut self) -> &mut Conn {
        self.conn
            .as_mut()
            .expect("a lent connection is there until it is dropped")
    }
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else { return };
        let mut state = self
            .pool
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if conn.client.is_closed() {
            state.open = state.open.saturating_sub(1);
        } else {
            state.idle.push(conn);
        }
        drop(state);
        self.pool.freed.notify_one();
    }
}

impl Pool {
    fn new(db: Connector, settings: PgSettings) -> Pool {
        Pool {
            db,
            settings,
            state: Mutex::new(PoolState::default()),
            freed: Condvar::new(),
        }
    }

    fn take(&self) -> Result<Lent<'_>, StoreError> {
        let deadline = Instant::now() + self.settings.timeout;
        let mut state = lock(&self.state)?;
        loop {
            while let Some(conn) = state.idle.pop() {
                if conn.client.is_closed() {
                    state.open = state.open.saturating_sub(1);
                    continue;
                }
                return Ok(Lent {
                    pool: self,
                    conn: Some(conn),
                });
            }
            if state.open < self.settings.connections.max(1) {
                state.open += 1;
                drop(state);
                return match connect(&self.db) {
                    Ok(conn) => Ok(Lent {
                        pool: self,
                        conn: Some(conn),
                    }),
                    Err(e) => {
                        lock(&self.state)?.open -= 1;
                        self.freed.notify_one();
                        Err(e)
                    }
                };
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(StoreError::Unavailable(format!(
                    "all {} database connections stayed busy for {} ms",
                    self.settings.connections,
                    self.settings.timeout.as_millis()
                )));
            }
            state = self
                .freed
                .wait_timeout(state, left)
                .map_err(|_| StoreError::Storage("a database connection lock was poisoned".into()))?
                .0;
        }
    }
}

/// Shops' sealed signing secrets (or that no such shop exists), kept while the store listens
/// for changes; dropped on a change to the shop anywhere, and after [`SECRETS_TTL`].
#[derive(Default)]
struct SecretsCache {
    /// Whether the listener is connected: without it a change could go unheard, so nothing is
    /// kept or served from here.
    listening: AtomicBool,
    /// Moves on every change heard, so that a read that raced one is not kept.
    changes: AtomicU64,
    shops: Mutex<HashMap<String, (Instant, Option<ShopSecrets>)>>,
}

impl SecretsCache {
    fn get(&self, name: &str) -> Option<Option<ShopSecrets>> {
        if !self.listening.load(Ordering::Acquire) {
            return None;
        }
        let shops = self.shops.lock().ok()?;
        let (at, secrets) = shops.get(name)?;
        (at.elapsed() < SECRETS_TTL).then(|| secrets.clone())
    }

    fn keep(&self, name: &str, changes: u64, secrets: &Option<ShopSecrets>) {
        if !self.listening.load(Ordering::Acquire) {
            return;
        }
        if let Ok(mut shops) = self.shops.lock() {
            // Checked under the lock that `forget` takes after moving the count.
            if self.changes.load(Ordering::Acquire) == changes {
                shops.insert(name.to_string(), (Instant::now(), secrets.clone()));
            }
        }
    }

    /// Forgets one shop (`Some`) or every shop (`None`).
    fn forget(&self, name: Option<&str>) {
        self.changes.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut shops) = self.shops.lock() {
            match name {
                Some(name) => {
                    shops.remove(name);
                }
                None => shops.clear(),
            }
        }
    }

    fn set_listening(&self, listening: bool) {
        self.listening.store(listening, Ordering::Release);
        self.forget(None);
    }
}

fn migrate(client: &mut Client) -> Result<(), StoreError> {
    let setup = |source| StoreError::PostgresMigration {
        name: "schema_migrations",
        source,
    };
    let mut tx = client.transaction().map_err(setup)?;
    // Another instance may be migrating, and a migration may take long: no timeouts here.
    tx.batch_execute("SET LOCAL lock_timeout = 0; SET LOCAL statement_timeout = 0")
        .map_err(setup)?;
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

/// Tells every instance that `shop` or its secrets changed, when (and only if) `tx` commits.
fn tell_shop_changed(
    tx: &mut postgres::Transaction<'_>,
    shop: &ShopName,
) -> Result<(), StoreError> {
    tx.execute(
        "SELECT pg_notify($1, $2)",
        &[&SHOPS_CHANNEL, &shop.as_str()],
    )?;
    Ok(())
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

/// An event's place in its commit's batch (1-based), from its cursor.
fn place(seq: i64) -> usize {
    usize::try_from(seq & 0xFFFF).unwrap_or(0)
}

/// Deliveries waiting for a writer to commit them.
struct Queue {
    pending: Mutex<Vec<(NewEvent, Appended)>>,
    /// Deliveries being checked on their way here.
    on_the_way: Arc<OnTheWay>,
    /// Set when the writer has ended: nothing queued from then on would be committed.
    stopped: AtomicBool,
    /// Signalled when a delivery joins `pending`.
    arrived: Condvar,
}

impl Queue {
    /// The next batch, once there is one: what is queued and the deliveries already on their
    /// way here (being read and checked), and at least `at_least` if they come, waiting at most
    /// [`GATHER`] for them. So one commit — one round trip, one flush of the database's log —
    /// stores everything that came while the last one was flushing, and a delivery that comes
    /// alone is committed at once.
    fn next_batch(&self, closed: &AtomicBool, due: Option<Instant>, at_least: usize) -> Next {
        let Ok(mut pending) = self.pending.lock() else {
            return Next::Closed;
        };
        while pending.is_empty() {
            if closed.load(Ordering::Relaxed) {
                return Next::Closed;
            }
            let now = Instant::now();
            let wait = match due {
                Some(due) if due <= now => return Next::Due,
                Some(due) => (due - now).min(LISTEN_TICK),
                None => LISTEN_TICK,
            };
            pending = match self.arrived.wait_timeout(pending, wait) {
                Ok((pending, _)) => pending,
                Err(_) => return Next::Closed,
            };
        }
        // Deliveries being checked now will be here in a moment: one commit for all of them
        // costs one flush of the database's log instead of several.
        let expected = (pending.len() + self.on_the_way.count())
            .max(at_least)
            .min(MOST_PER_COMMIT);
        let until = Instant::now() + GATHER;
        while pending.len() < expected {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            pending = match self.arrived.wait_timeout(pending, left) {
                Ok((pending, _)) => pending,
                Err(_) => return Next::Closed,
            };
        }
        let take = pending.len().min(MOST_PER_COMMIT);
        Next::Batch(pending.drain(..take).collect())
    }
}

/// What the writer does next.
enum Next {
    Batch(Vec<(NewEvent, Appended)>),
    /// No delivery came before the news held back was due to be told.
    Due,
    Closed,
}

/// The shops that got events since this instance last told the others (`NOTIFY`), each with its
/// newest cursor. Telling on every commit cost each instance's listener a wake per commit of
/// every instance (measured: it made two instances slower than one); told at most every
/// `tell_every` (2 ms) instead, with the next commit or on its own when none comes.
struct News {
    untold: HashMap<i64, i64>,
    told_at: Option<Instant>,
    tell_every: Duration,
}

impl News {
    /// Whether this commit tells (what it stores, and what is held back).
    fn tell_now(&self) -> bool {
        self.told_at
            .is_none_or(|at| at.elapsed() >= self.tell_every)
    }

    /// When what is held back must be told even if no commit comes.
    fn due(&self) -> Option<Instant> {
        if self.untold.is_empty() {
            return None;
        }
        Some(
            self.told_at
                .map_or_else(Instant::now, |at| at + self.tell_every),
        )
    }

    /// What is held back, as a notification says it ("shop:cursor,…").
    fn payload(&self) -> String {
        let mut text = String::new();
        for (shop, seq) in &self.untold {
            if !text.is_empty() {
                text.push(',');
            }
            text.push_str(&format!("{shop}:{seq}"));
        }
        text
    }

    fn hold(&mut self, shop: i64, seq: i64) {
        let newest = self.untold.entry(shop).or_insert(seq);
        *newest = (*newest).max(seq);
    }

    fn told(&mut self) {
        self.untold.clear();
        self.told_at = Some(Instant::now());
    }
}

/// The writer: commits batches from the queue on its own connection until the store closes,
/// connecting again when the connection broke (a database restart); a batch that cannot be
/// committed is answered with the error.
fn write(
    db: &Connector,
    queue: &Queue,
    closed: &AtomicBool,
    mut conn: Option<Conn>,
    tell_every: Duration,
) {
    let _stopped = WriterStopped(queue);
    let mut news = News {
        untold: HashMap::new(),
        told_at: None,
        tell_every,
    };
    let mut log = SharedLog::default();
    let mut last_took = 0;
    loop {
        let at_least = if log.shared() { last_took } else { 0 };
        let batch = match queue.next_batch(closed, news.due(), at_least) {
            Next::Batch(batch) => batch,
            Next::Closed => break,
            Next::Due => {
                if tell(conn.as_mut(), &mut news) {
                    log.own_transaction();
                }
                continue;
            }
        };
        last_took = batch.len();
        if conn.as_ref().is_none_or(|c| c.client.is_closed()) {
            conn = None;
            match connect(db) {
                Ok(fresh) => conn = Some(fresh),
                Err(e) => {
                    fail_batch(batch, &StoreError::Unavailable(e.to_string()));
                    continue;
                }
            }
        }
        if let Some(conn) = conn.as_mut() {
            if let Some(transaction) = commit_batch(conn, batch, &mut news) {
                log.committed(transaction, Instant::now());
            }
        }
    }
}

/// Whether other writers share the database's log with this one: other instances, seen as
/// transactions that took ids between two of this writer's commits.
///
/// The log is flushed one flush at a time. Alone, the writer commits what has come (waiting for
/// more only left it idle: one instance stored 8,400–9,000 events/s at 16 connections that way,
/// 12,300–13,700/s without). With another instance committing too, flushes alternate between
/// the writers and each carries one writer's batch, so the writer also waits (at most
/// [`GATHER`]) for as many webhooks as its last commit took: a flush then carries more of them
/// (`docs/PERFORMANCE.md`, run 8).
#[derive(Debug, Default)]
struct SharedLog {
    /// This writer's last commit's transaction id.
    last: Option<i64>,
    /// Transactions of this writer's own since then (notifications sent on their own).
    own_since: i64,
    /// When another writer's transaction was last seen.
    seen_at: Option<Instant>,
}

impl SharedLog {
    /// How long after the last sign of another writer the log still counts as shared.
    const FOR: Duration = Duration::from_millis(100);

    fn committed(&mut self, transaction: i64, at: Instant) {
        if let Some(last) = self.last {
            if transaction - last - 1 > self.own_since {
                self.seen_at = Some(at);
            }
        }
        self.last = Some(transaction);
        self.own_since = 0;
    }

    fn own_transaction(&mut self) {
        self.own_since += 1;
    }

    fn shared_at(&self, now: Instant) -> bool {
        self.seen_at
            .is_some_and(|at| now.saturating_duration_since(at) < Self::FOR)
    }

    fn shared(&self) -> bool {
        self.shared_at(Instant::now())
    }
}

/// Tells the other instances what is held back, on its own (no commit came to carry it);
/// whether it did (a transaction of its own). On failure it is kept, and tried again a while
/// later.
fn tell(conn: Option<&mut Conn>, news: &mut News) -> bool {
    let Some(conn) = conn.filter(|c| !c.client.is_closed()) else {
        news.told_at = Some(Instant::now());
        return false;
    };
    let mut payload = news.payload();
    if payload.len() > NOTIFY_MOST as usize {
        payload.clear();
    }
    // Nothing here needs to reach the disk (the events already have; a notification lost in a
    // crash is made up by the wake every instance gives its long polls when it listens again),
    // so this commit does not wait for a flush of the log.
    match conn.query(
        "SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, $2)",
        &[&EVENTS_CHANNEL, &payload],
    ) {
        Ok(_) => {
            news.told();
            true
        }
        Err(e) => {
            tracing::warn!(error = %e, "could not tell the other instances of new events");
            news.told_at = Some(Instant::now());
            false
        }
    }
}

/// Marks the queue as without a writer when the writer ends (the store closed, or a bug made it
/// panic), answering what is queued: nothing waits for a commit that cannot come.
struct WriterStopped<'a>(&'a Queue);

impl Drop for WriterStopped<'_> {
    fn drop(&mut self) {
        self.0.stopped.store(true, Ordering::Release);
        let left = match self.0.pending.lock() {
            Ok(mut pending) => std::mem::take(&mut *pending),
            Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
        };
        fail_batch(
            left,
            &StoreError::Unavailable("the relay's writer stopped".into()),
        );
    }
}

/// A commit's batch, stored in one statement: each event with its cursor (the transaction's id
/// shifted left 16 bits, plus its place in the batch), an event already stored (by id, per
/// shop) skipped; and, when any was stored and `$7` says so, a notification on channel `$8` to
/// every instance naming each shop that got events and its newest cursor, with what earlier
/// commits held back (`$6`): "shop:cursor,…", or empty when longer than `$9` bytes. Returns the cursors stored,
/// whose lower 16 bits give each one's place in the batch.
const APPEND: &str = "
WITH stored AS (
    INSERT INTO events (seq, shop, event_id, type, payload, received_at)
    SELECT (pg_current_xact_id()::text::bigint << 16) + b.place, b.shop, b.event_id, b.type,
           b.payload, b.received_at
    FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[])
         WITH ORDINALITY AS b(shop, event_id, type, payload, received_at, place)
    ON CONFLICT (shop, event_id) DO NOTHING
    RETURNING seq, shop
), newest AS (
    SELECT shop, max(seq) AS seq FROM stored GROUP BY shop
), told AS (
    SELECT pg_notify($8::text,
        CASE WHEN sum(length(shop::text) + length(seq::text) + 2) + length($6::text) > $9::int
             THEN ''
             ELSE concat_ws(',', nullif($6::text, ''), string_agg(shop || ':' || seq, ',')) END)
    FROM newest HAVING count(*) > 0 AND $7::boolean
)
SELECT stored.seq FROM stored LEFT JOIN told ON TRUE";

/// Stores a batch in one statement, its own transaction; every reply gets its own outcome. The
/// transaction's id, when it stored anything.
fn commit_batch(conn: &mut Conn, batch: Vec<(NewEvent, Appended)>, news: &mut News) -> Option<i64> {
    let mut transaction = None;
    let outcome = (|| -> Result<Vec<Stored>, postgres::Error> {
        let n = batch.len();
        let (mut shops, mut ids, mut types, mut payloads, mut received) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        for (event, _) in &batch {
            shops.push(event.shop.0);
            ids.push(event.event_id.as_str());
            types.push(event.event_type.as_str());
            payloads.push(event.payload.as_str());
            received.push(event.received_at);
        }
        let tell_now = news.tell_now();
        let held_back = news.payload();
        let rows = conn.query(
            APPEND,
            &[
                &shops,
                &ids,
                &types,
                &payloads,
                &received,
                &held_back,
                &tell_now,
                &EVENTS_CHANNEL,
                &NOTIFY_MOST,
            ],
        )?;
        let mut results = vec![Stored::Duplicate; n];
        for row in &rows {
            let seq: i64 = row.try_get(0)?;
            transaction = Some(seq >> 16);
            let index = place(seq).checked_sub(1);
            if let Some(slot) = index.and_then(|i| results.get_mut(i)) {
                *slot = Stored::New { seq };
            }
            if let Some(shop) = index.and_then(|i| shops.get(i)) {
                news.hold(*shop, seq);
            }
        }
        // The statement told what it stored and what was held back only when it stored
        // something; otherwise it is all still to tell.
        if tell_now && !rows.is_empty() {
            news.told();
        }
        Ok(results)
    })();
    match outcome {
        Ok(results) => {
            for ((_, done), stored) in batch.into_iter().zip(results) {
                done(Ok(stored));
            }
            transaction
        }
        Err(e) => {
            fail_batch(batch, &StoreError::from(e));
            None
        }
    }
}

fn fail_batch(batch: Vec<(NewEvent, Appended)>, error: &StoreError) {
    for (_, done) in batch {
        let again = match error {
            StoreError::Unavailable(m) => StoreError::Unavailable(m.clone()),
            other => StoreError::Storage(other.to_string()),
        };
        done(Err(again));
    }
}

/// What a notification on the events channel says: each shop and its newest cursor. Empty when
/// it says nothing usable (every long-poll then reads again).
fn arrivals(payload: &str) -> Vec<(ShopId, i64)> {
    let parsed: Option<Vec<(ShopId, i64)>> = payload
        .split(',')
        .map(|pair| {
            let (shop, seq) = pair.split_once(':')?;
            Some((ShopId(shop.parse().ok()?), seq.parse().ok()?))
        })
        .collect();
    parsed.unwrap_or_default()
}

/// LISTENs on its own connection: wakes long-polls for each burst of stored events, and drops
/// cached secrets of shops that changed. Reconnects when the connection breaks, waking every
/// tick meanwhile so that no long-poll misses an event, and keeping no secrets.
fn listen(db: &Connector, closed: &AtomicBool, secrets: &SecretsCache, wake: &Wake) {
    while !closed.load(Ordering::Relaxed) {
        let mut conn = match connect(db) {
            Ok(conn) => conn,
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for new events; polling meanwhile");
                wake(&[]);
                std::thread::sleep(LISTEN_TICK);
                continue;
            }
        };
        let client = &mut conn.client;
        if let Err(e) =
            client.batch_execute(&format!("LISTEN {EVENTS_CHANNEL}; LISTEN {SHOPS_CHANNEL}"))
        {
            tracing::warn!(error = %e, "LISTEN failed; polling meanwhile");
            wake(&[]);
            std::thread::sleep(LISTEN_TICK);
            continue;
        }
        secrets.set_listening(true);
        // Whatever was stored while nobody listened is read now.
        wake(&[]);
        let mut woken: Vec<(ShopId, i64)> = Vec::new();
        while !closed.load(Ordering::Relaxed) {
            let first = client.notifications().timeout_iter(LISTEN_TICK).next();
            let mut burst = match first {
                Ok(Some(n)) => vec![n],
                Ok(None) if !client.is_closed() => continue,
                Ok(None) | Err(_) => {
                    tracing::warn!("the connection listening for new events broke; reconnecting");
                    break;
                }
            };
            // Everything already received is handled in one go.
            while let Ok(Some(n)) = client.notifications().iter().next() {
                burst.push(n);
            }
            let mut unknown = false;
            woken.clear();
            for n in &burst {
                if n.channel() == SHOPS_CHANNEL {
                    secrets.forget(Some(n.payload()));
                    continue;
                }
                let told = arrivals(n.payload());
                unknown |= told.is_empty();
                woken.extend(told);
            }
            if unknown {
                wake(&[]);
            } else if !woken.is_empty() {
                wake(&woken);
            }
        }
        secrets.set_listening(false);
        wake(&[]);
    }
}

impl EventStore for PostgresStore {
    fn add_shop(&self, name: &ShopName, now: i64) -> Result<(), StoreError> {
        self.in_transaction(|tx| {
            match tx.execute(
                "INSERT INTO shops (name, created_at) VALUES ($1, $2)",
                &[&name.as_str(), &now],
            ) {
                Ok(_) => tell_shop_changed(tx, name),
                Err(e) if is_unique_violation(&e) => {
                    Err(StoreError::ShopExists(name.as_str().to_string()))
                }
                Err(e) => Err(e.into()),
            }
        })?;
        self.secrets.forget(Some(name.as_str()));
        Ok(())
    }

    fn shops(&self) -> Result<Vec<ShopSummary>, StoreError> {
        self.with_reader(|conn| {
            conn.query(
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
        if let Some(kept) = self.secrets.get(name) {
            return Ok(kept);
        }
        let changes = self.secrets.changes.load(Ordering::Acquire);
        let read = self.read_shop_secrets(name)?;
        self.secrets.keep(name, changes, &read);
        Ok(read)
    }

    fn secrets(&self) -> Result<Vec<SecretRow>, StoreError> {
        self.with_reader(|conn| {
            conn.query(
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
                    tell_shop_changed(tx, shop)?;
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
                    Ok(_) => tell_shop_changed(tx, shop),
                    // Added at the same moment by another command.
                    Err(e) if is_unique_violation(&e) => Err(StoreError::SecretActive {
                        shop: shop.as_str().to_string(),
                        last4: last4.to_string(),
                    }),
                    Err(e) => Err(e.into()),
                },
            }
        })?;
        self.secrets.forget(Some(shop.as_str()));
        Ok(())
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
            tell_shop_changed(tx, shop)
        })?;
        self.secrets.forget(Some(shop.as_str()));
        Ok(())
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
        self.with_reader(|conn| {
            conn.query_opt(
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
        self.with_reader(|conn| {
            conn.query_opt(
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
        self.with_reader(|conn| {
            let row = conn.query_one(
                "SELECT count(*) FROM tills WHERE revoked_at IS NOT NULL",
                &[],
            )?;
            col(&row, 0)
        })
    }

    fn append(&self, event: NewEvent) -> Result<Stored, StoreError> {
        let (reply, answer) = mpsc::sync_channel(1);
        self.append_then(
            event,
            Box::new(move |outcome| {
                // A delivery whose caller has gone away needs no answer.
                let _ = reply.send(outcome);
            }),
        );
        // A writer answers within the store's timeout (a commit), or a connection attempt and a
        // commit when the database has to be reached again; past that the delivery is answered
        // 503 and Stripe sends it again (the event is stored once, whichever commit keeps it).
        match answer.recv_timeout(self.patience) {
            Ok(outcome) => outcome,
            Err(mpsc::RecvTimeoutError::Timeout) => Err(StoreError::Unavailable(format!(
                "no commit within {} ms",
                self.patience.as_millis()
            ))),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(StoreError::Storage(
                "the event was dropped before its commit".into(),
            )),
        }
    }

    fn appends_in_background(&self) -> bool {
        true
    }

    fn append_then(&self, event: NewEvent, done: Appended) {
        match self.queue.pending.lock() {
            // Checked under the lock the stopping writer takes to answer what is left.
            Ok(_) if self.queue.stopped.load(Ordering::Acquire) => {
                done(Err(StoreError::Unavailable(
                    "the relay's writer stopped".into(),
                )));
                return;
            }
            Ok(mut pending) => pending.push((event, done)),
            Err(_) => {
                done(Err(StoreError::Storage(
                    "the queue of deliveries was poisoned".into(),
                )));
                return;
            }
        }
        self.queue.arrived.notify_one();
    }

    fn on_the_way(&self) -> Option<Arc<OnTheWay>> {
        Some(Arc::clone(&self.queue.on_the_way))
    }

    fn shop_secrets_held(&self, name: &str) -> Option<Option<ShopSecrets>> {
        self.secrets.get(name)
    }

    fn events_after(
        &self,
        shop: ShopId,
        after: i64,
        limit: u32,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        self.with_reader(|conn| {
            conn.query(
                // Only below the horizon (the oldest transaction still running): an event
                // committing later never gets a cursor under one already served.
                "SELECT seq, event_id, type, payload, received_at FROM events
                     WHERE shop = $1 AND seq > $2
                       AND seq < (pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 16)
                     ORDER BY seq LIMIT $3",
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
        self.with_reader(|conn| {
            let row = conn.query_one(
                "SELECT count(*) FROM events WHERE shop = $1 AND seq > $2",
                &[&shop.0, &after],
            )?;
            col(&row, 0)
        })
    }

    fn on_new_events(&self, wake: Wake) {
        let db = self.db.clone();
        let closed = Arc::clone(&self.closed);
        let secrets = Arc::clone(&self.secrets);
        let spawned = std::thread::Builder::new()
            .name("relay-listen".into())
            .spawn(move || listen(&db, &closed, &secrets, &wake));
        if let Err(e) = spawned {
            tracing::error!(error = %e, "could not start listening for new events");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_writer_alone_does_not_count_the_log_as_shared() {
        let mut log = SharedLog::default();
        let start = Instant::now();
        for transaction in 10..20 {
            log.committed(transaction, start);
        }
        assert!(!log.shared_at(start));
    }

    #[test]
    fn its_own_notifications_between_commits_are_not_another_writer() {
        let mut log = SharedLog::default();
        let start = Instant::now();
        log.committed(10, start);
        log.own_transaction();
        log.own_transaction();
        log.committed(13, start);
        assert!(!log.shared_at(start));
    }

    #[test]
    fn another_writers_transaction_between_two_commits_shares_the_log_for_a_while() {
        let mut log = SharedLog::default();
        let start = Instant::now();
        log.committed(10, start);
        log.own_transaction();
        log.committed(13, start);
        assert!(log.shared_at(start));
        assert!(log.shared_at(start + SharedLog::FOR / 2));
        assert!(!log.shared_at(start + SharedLog::FOR));
        // Alone again: it stays unshared once the last sign has aged.
        log.committed(14, start + SharedLog::FOR);
        assert!(!log.shared_at(start + SharedLog::FOR * 2));
    }

    fn queue() -> Queue {
        Queue {
            pending: Mutex::new(Vec::new()),
            on_the_way: Arc::new(OnTheWay::default()),
            stopped: AtomicBool::new(false),
            arrived: Condvar::new(),
        }
    }

    fn event(id: &str) -> (NewEvent, Appended) {
        let event = NewEvent {
            shop: ShopId(1),
            event_id: id.to_string(),
            event_type: "payment_intent.succeeded".into(),
            payload: "{}".into(),
            received_at: 0,
        };
        (event, Box::new(|_| {}))
    }

    fn taken(next: Next) -> usize {
        match next {
            Next::Batch(batch) => batch.len(),
            Next::Due => panic!("due, not a batch"),
            Next::Closed => panic!("closed, not a batch"),
        }
    }

    #[test]
    fn a_batch_waits_at_most_the_gather_time_for_more_than_came() {
        let queue = queue();
        let open = AtomicBool::new(false);
        queue.pending.lock().expect("queue").push(event("evt_1"));
        let started = Instant::now();
        assert_eq!(taken(queue.next_batch(&open, None, 5)), 1);
        assert!(started.elapsed() >= GATHER);
    }

    #[test]
    fn a_delivery_on_its_way_while_a_batch_gathers_goes_in_that_batch_or_the_next() {
        let queue = Arc::new(queue());
        let open = AtomicBool::new(false);
        queue.pending.lock().expect("queue").push(event("evt_1"));
        // One more on its way: the batch waits for it (up to the gather time).
        let on_its_way = queue.on_the_way.enter();
        let arriving = {
            let queue = Arc::clone(&queue);
            std::thread::spawn(move || {
                let mut pending = queue.pending.lock().expect("queue");
                pending.push(event("evt_2"));
                drop(on_its_way);
                queue.arrived.notify_all();
            })
        };
        let took = taken(queue.next_batch(&open, None, 0));
        arriving.join().expect("arriving");
        // Either it came within the gather time or the next batch takes it; none is lost.
        let rest = queue.pending.lock().expect("queue").len();
        assert_eq!(took + rest, 2);
    }
}
