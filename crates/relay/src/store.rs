//! What the relay keeps (shops, their signing secrets, their tills and the events received for
//! them) behind one trait, so that the HTTP layer runs unchanged on another database.

use crate::names::{ShopName, TillName, TokenHash};
use crate::sealed::SealedSecret;

/// A shop's row id; only meaningful to the store that issued it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShopId(pub i64);

/// An event as received, already verified and parsed enough to know its id and type.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub shop: ShopId,
    pub event_id: String,
    pub event_type: String,
    /// The webhook body exactly as Stripe sent it (valid JSON).
    pub payload: String,
    pub received_at: i64,
}

/// What storing an event did. Either way it is durable once this is returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    New { seq: i64 },
    Duplicate,
}

/// An event as served to a till; `seq` is its cursor.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    pub seq: i64,
    pub event_id: String,
    pub event_type: String,
    pub payload: String,
    pub received_at: i64,
}

/// A shop with what it takes to check its webhooks: its active secrets, still sealed.
#[derive(Debug, Clone)]
pub struct ShopSecrets {
    pub shop: ShopId,
    pub secrets: Vec<SealedSecret>,
}

/// One signing secret of one shop, still sealed, as `secrets list` shows it.
#[derive(Debug, Clone)]
pub struct SecretRow {
    pub shop: String,
    pub secret: SealedSecret,
    pub active: bool,
    pub added_at: i64,
    pub retired_at: Option<i64>,
}

/// One line of `shops list`.
#[derive(Debug, Clone)]
pub struct ShopSummary {
    pub name: String,
    pub active_secrets: u32,
    pub live_tills: u32,
    pub events: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no shop named {0:?}")]
    UnknownShop(String),
    #[error("a shop named {0:?} already exists")]
    ShopExists(String),
    #[error("shop {shop:?} already has a till named {till:?}")]
    TillExists { shop: String, till: String },
    #[error("shop {shop:?} has no live till named {till:?}")]
    UnknownTill { shop: String, till: String },
    #[error("the secret ending {last4:?} is already active for shop {shop:?}")]
    SecretActive { shop: String, last4: String },
    #[error("shop {shop:?} has no active secret ending {last4:?}")]
    UnknownSecret { shop: String, last4: String },
    #[error("the database {path} could not be opened: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    /// The file could not be made (or kept) readable by its owner only.
    #[error("the database {path} could not be opened: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
    #[error("migration {name} could not be applied: {source}")]
    Migration {
        name: &'static str,
        source: rusqlite::Error,
    },
    /// The parser's message only: the URL itself may hold a password.
    #[error("not a PostgreSQL URL (postgres://user:password@host:port/dbname): {0}")]
    BadUrl(postgres::Error),
    #[error(
        "the PostgreSQL database {target} could not be reached: {}",
        with_causes(source)
    )]
    Connect {
        /// Host, port and database name; never the password.
        target: String,
        source: postgres::Error,
    },
    #[error("PostgreSQL migration {name} could not be applied: {source}")]
    PostgresMigration {
        name: &'static str,
        source: postgres::Error,
    },
    /// Kept as text so that one failed group commit can be reported to every waiting delivery.
    #[error("storage failed: {0}")]
    Storage(String),
    /// The database did not answer within the store's timeout, or could not be reached: worth
    /// trying again (Stripe does, on a 503).
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// TLS to the database cannot be set up (the CA file named by VERSAPOS_RELAY_DB_CA).
    #[error("TLS to the database: {0}")]
    Tls(String),
}

/// An error with the causes behind it ("error performing TLS handshake: invalid peer
/// certificate: UnknownIssuer"): the database driver's own message names only the step.
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let next = c.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        cause = c.source();
    }
    text
}

impl StoreError {
    /// The input field at fault when the error is the caller's, `None` when it is the store's.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            StoreError::UnknownShop(_) | StoreError::ShopExists(_) => Some("shop"),
            StoreError::TillExists { .. } | StoreError::UnknownTill { .. } => Some("till"),
            StoreError::SecretActive { .. } | StoreError::UnknownSecret { .. } => Some("secret"),
            StoreError::BadUrl(_) => Some("--db"),
            StoreError::Tls(_) => Some("VERSAPOS_RELAY_DB_CA"),
            StoreError::Open { .. }
            | StoreError::File { .. }
            | StoreError::Migration { .. }
            | StoreError::Connect { .. }
            | StoreError::PostgresMigration { .. }
            | StoreError::Storage(_)
            | StoreError::Unavailable(_) => None,
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Storage(e.to_string())
    }
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        use postgres::error::SqlState;
        // A timeout of the store's own (a lock, a statement, a transaction left idle), a server
        // shutting down or a connection lost: the same request can succeed a moment later.
        let passing = [
            SqlState::LOCK_NOT_AVAILABLE,
            SqlState::QUERY_CANCELED,
            SqlState::IDLE_IN_TRANSACTION_SESSION_TIMEOUT,
            SqlState::ADMIN_SHUTDOWN,
            SqlState::CANNOT_CONNECT_NOW,
            SqlState::TOO_MANY_CONNECTIONS,
            SqlState::T_R_SERIALIZATION_FAILURE,
            SqlState::T_R_DEADLOCK_DETECTED,
        ];
        if e.is_closed() || e.code().is_some_and(|code| passing.contains(code)) {
            StoreError::Unavailable(with_causes(&e))
        } else {
            StoreError::Storage(e.to_string())
        }
    }
}

/// A till's signed journal head as the relay keeps it: the till's body as sent, with what is
/// compared when the next one comes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalHeadRow {
    pub seq: i64,
    pub hash: String,
    pub public_key: String,
    /// The head as the till sent it (JSON).
    pub body: String,
    pub received_at: i64,
}

/// The head held for a till, as far as the next one is judged by it.
#[derive(Debug, Clone)]
pub struct HeldHead {
    pub seq: i64,
    pub hash: String,
    pub public_key: String,
}

/// What became of a head a till sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeadKept {
    /// The newest: kept (or the same one again).
    Kept,
    /// Behind the one held: the till's journal went backwards (a store put back to an older copy).
    Behind { held: i64 },
    /// The same entry with another hash: the journal was rewritten and signed again.
    Differs { held: i64 },
    /// Signed with another key than the till's heads so far.
    OtherKey,
}

impl HeadKept {
    /// Whether `head` may replace `held`: the same key, and a later entry (or the same one).
    pub fn judge(held: Option<&HeldHead>, head: &JournalHeadRow) -> HeadKept {
        let Some(held) = held else {
            return HeadKept::Kept;
        };
        if held.public_key != head.public_key {
            HeadKept::OtherKey
        } else if head.seq < held.seq {
            HeadKept::Behind { held: held.seq }
        } else if head.seq == held.seq && head.hash != held.hash {
            HeadKept::Differs { held: held.seq }
        } else {
            HeadKept::Kept
        }
    }
}

/// Called when events may have been stored, by this relay or another one sharing the store:
/// with each shop that got events and its newest cursor, or with nothing when any shop may have.
pub type Wake = Box<dyn Fn(&[(ShopId, i64)]) + Send + Sync>;

/// Webhooks being checked on their way to the store: a store that group-commits waits a moment
/// for them to join a commit rather than commit without them and flush again just after.
#[derive(Debug, Default)]
pub struct OnTheWay(std::sync::atomic::AtomicUsize);

/// One webhook on its way; it is no longer counted once this is dropped.
#[derive(Debug)]
pub struct OnItsWay(std::sync::Arc<OnTheWay>);

impl OnTheWay {
    pub fn enter(self: &std::sync::Arc<Self>) -> OnItsWay {
        self.0.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        OnItsWay(std::sync::Arc::clone(self))
    }

    pub fn count(&self) -> usize {
        self.0.load(std::sync::atomic::Ordering::Acquire)
    }
}

impl Drop for OnItsWay {
    fn drop(&mut self) {
        self.0 .0.fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
    }
}

/// Receives an append's outcome, once the event is durable (or could not be stored).
pub type Appended = Box<dyn FnOnce(Result<Stored, StoreError>) + Send>;

/// The relay's storage. Methods block; the HTTP layer calls them off the async workers, except
/// those said not to.
///
/// `append` must not return before the event is durable: the webhook's 2xx depends on it.
pub trait EventStore: Send + Sync + 'static {
    fn add_shop(&self, name: &ShopName, now: i64) -> Result<(), StoreError>;
    fn shops(&self) -> Result<Vec<ShopSummary>, StoreError>;
    /// The shop and its active secrets, or `None` when no shop has that name.
    fn shop_secrets(&self, name: &str) -> Result<Option<ShopSecrets>, StoreError>;
    /// Every shop's secrets, active or retired, by shop name then age.
    fn secrets(&self) -> Result<Vec<SecretRow>, StoreError>;
    /// Adds (or makes active again) a sealed secret, matched by its fingerprint. `last4` only
    /// names the secret in errors.
    fn add_secret(
        &self,
        shop: &ShopName,
        secret: &SealedSecret,
        last4: &str,
        now: i64,
    ) -> Result<(), StoreError>;
    /// Retires the active secret with this fingerprint. `last4` only names it in errors.
    fn retire_secret(
        &self,
        shop: &ShopName,
        fingerprint: &str,
        last4: &str,
        now: i64,
    ) -> Result<(), StoreError>;
    fn add_till(
        &self,
        shop: &ShopName,
        till: &TillName,
        token: &TokenHash,
        now: i64,
    ) -> Result<(), StoreError>;
    fn revoke_till(&self, shop: &ShopName, till: &TillName, now: i64) -> Result<(), StoreError>;
    /// The shop of the live till holding this token.
    fn till_shop(&self, token: &TokenHash) -> Result<Option<ShopId>, StoreError>;
    /// Keeps `head` as the newest signed journal head of the live till holding `token` when
    /// [`HeadKept::judge`] allows it; `None` when no live till holds the token.
    fn keep_journal_head(
        &self,
        token: &TokenHash,
        head: &JournalHeadRow,
    ) -> Result<Option<HeadKept>, StoreError>;
    /// The newest signed journal head the live till holding `token` sent.
    fn journal_head(&self, token: &TokenHash) -> Result<Option<JournalHeadRow>, StoreError>;
    /// How many tills have ever been revoked: a cheap number that changes whenever one is, so
    /// that a relay notices revocations made by the admin command or another instance.
    fn revoked_tills(&self) -> Result<i64, StoreError>;
    /// Stores the event once per (shop, event id), durably, before returning.
    fn append(&self, event: NewEvent) -> Result<Stored, StoreError>;
    /// Whether [`EventStore::append_then`] returns at once (the store commits on threads of its
    /// own), so that it may be called from an async worker.
    fn appends_in_background(&self) -> bool {
        false
    }
    /// Stores the event as [`EventStore::append`] does and hands the outcome to `done`; a store
    /// that commits in the background queues the event and returns at once.
    fn append_then(&self, event: NewEvent, done: Appended) {
        done(self.append(event));
    }
    /// Where the HTTP layer counts the webhooks on their way to [`EventStore::append_then`], for a
    /// store that waits for them to join its next commit.
    fn on_the_way(&self) -> Option<std::sync::Arc<OnTheWay>> {
        None
    }
    /// The shop and its active secrets when the store holds them in memory, answered without
    /// blocking; `None` when they have to be read ([`EventStore::shop_secrets`]).
    fn shop_secrets_held(&self, _name: &str) -> Option<Option<ShopSecrets>> {
        None
    }
    /// The shop's events with a cursor above `after`, in cursor order, at most `limit`.
    fn events_after(
        &self,
        shop: ShopId,
        after: i64,
        limit: u32,
    ) -> Result<Vec<StoredEvent>, StoreError>;
    /// How many of the shop's events have a cursor above `after`: what a till still has to pull.
    fn count_after(&self, shop: ShopId, after: i64) -> Result<i64, StoreError>;
    /// Arranges for `wake` to be called when another relay instance sharing this store stores
    /// events, so that long-polls held here answer at once. A store that only one relay
    /// instance uses has nothing to report: the HTTP layer wakes itself on its own appends.
    fn on_new_events(&self, wake: Wake) {
        drop(wake);
    }
}
