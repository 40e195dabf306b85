//! Card sessions: the card payment being taken at a till and those held for its cashier after a
//! decline or a cancel, as rows every process on the store can see.
//!
//! A customer tapping their card must never have the sale canceled under them by a settlement
//! run in another process (`versapos reconcile`, `versapos sync`, a second window), and a
//! payment the cashier is deciding on is theirs to retry or give up. So each such payment has a
//! session row naming the process that owns it, and settlement anywhere leaves a payment with a
//! live owner alone.
//!
//! The owner's lease is its lock on a file beside the store (`leases/OWNER.lock`), taken when the
//! process first owns a session and held until it ends: the operating system releases it the
//! moment the process ends, however it ends. A live till never loses its lease (there is no
//! heartbeat to miss while the store is busy with a long import), and a killed till's payments
//! are in doubt at once, settled from Stripe as before. The owner's name is its process id and
//! start time, so a process id reused later is another owner.

use crate::error::Result;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashMap;
use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

/// What the owner is doing with the card payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionState {
    /// The card is being taken on the reader.
    Taking,
    /// Declined or canceled: the cashier decides whether to try again or take another tender.
    Held,
}

impl SessionState {
    fn as_str(self) -> &'static str {
        match self {
            SessionState::Taking => "taking",
            SessionState::Held => "held",
        }
    }
}

/// A card payment's session as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardSession {
    pub payment_id: String,
    pub state: SessionState,
    pub owner: String,
    pub owner_pid: u32,
    pub staff_id: Option<i64>,
    pub started_at: String,
}

/// This process as the owner of card sessions on one store folder: its name and the lock it holds
/// while it lives.
pub struct Owner {
    pub name: String,
    _lock: File,
}

/// Files younger than this are never removed as stale: a process creates its lock file and locks
/// it in the next instant, and must not lose it in between.
const STALE_AFTER: Duration = Duration::from_secs(60);

/// This process's name as an owner: its id and the time it first owned a session.
fn process_name() -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        let started = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default();
        format!("{}-{started}", std::process::id())
    })
}

/// The folder of lock files beside the store.
pub fn leases_dir(store: &Path) -> PathBuf {
    match store.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join("leases"),
        _ => PathBuf::from("leases"),
    }
}

/// This process's owner for the store at `store`: created (its lock file made and locked, stale
/// files of ended owners removed) the first time, then shared by every till of the process on a
/// store in that folder.
pub fn owner(store: &Path) -> Result<Arc<Owner>> {
    static OWNERS: OnceLock<Mutex<HashMap<PathBuf, Arc<Owner>>>> = OnceLock::new();
    let dir = leases_dir(store);
    std::fs::create_dir_all(&dir)?;
    // One owner per folder however the store's path was written (relative, through a link).
    let dir = std::fs::canonicalize(&dir).unwrap_or(dir);
    let mut owners = OWNERS
        .get_or_init(|| Mutex::new(HashMap::new()))
        .lock()
        .map_err(|_| std::io::Error::other("the card session owners' lock was poisoned"))?;
    if let Some(o) = owners.get(&dir) {
        return Ok(o.clone());
    }
    let name = process_name().to_string();
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(format!("{name}.lock")))?;
    match lock.try_lock() {
        // Held already: by this process, through a folder it reached by another path.
        Ok(()) | Err(TryLockError::WouldBlock) => {}
        Err(TryLockError::Error(e)) => return Err(e.into()),
    }
    remove_stale(&dir, &name);
    let o = Arc::new(Owner { name, _lock: lock });
    owners.insert(dir, o.clone());
    Ok(o)
}

/// Whether the owner named `name` is alive: this process, or one that still holds its lock file.
/// A name that is not an owner's (a row edited by hand) is nobody: its payment is in doubt. A
/// lock file that cannot be read for another reason counts as alive: a payment left alone is
/// settled later, one canceled under a customer cannot be undone.
pub fn is_alive(dir: &Path, name: &str) -> bool {
    if name == process_name() {
        return true;
    }
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_digit() || c == '-') {
        return false;
    }
    let file = match OpenOptions::new()
        .write(true)
        .open(dir.join(format!("{name}.lock")))
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return false,
        Err(_) => return true,
    };
    match file.try_lock() {
        // Taken: nobody held it, so its owner is gone (dropping the file lets it go again).
        Ok(()) => false,
        Err(TryLockError::WouldBlock) => true,
        Err(TryLockError::Error(_)) => true,
    }
}

/// Removes the lock files of owners that have ended (best effort).
fn remove_stale(dir: &Path, mine: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(name) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".lock"))
        else {
            continue;
        };
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|m| m.elapsed().ok())
            .is_some_and(|age| age > STALE_AFTER);
        if name != mine && old && !is_alive(dir, name) {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// Starts (or takes over) the session of `payment_id` for `owner`, in the caller's transaction.
pub fn take(
    tx: &Connection,
    owner: &Owner,
    payment_id: &str,
    staff_id: Option<i64>,
    at: &str,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO card_sessions (payment_id, state, owner, owner_pid, staff_id, started_at,
             updated_at)
         VALUES (?1, 'taking', ?2, ?3, ?4, ?5, ?5)
         ON CONFLICT (payment_id) DO UPDATE SET state = 'taking', owner = excluded.owner,
             owner_pid = excluded.owner_pid, staff_id = excluded.staff_id,
             started_at = excluded.started_at, updated_at = excluded.updated_at",
    )?
    .execute(params![
        payment_id,
        owner.name,
        std::process::id(),
        staff_id,
        at
    ])?;
    Ok(())
}

/// Marks `owner`'s session of `payment_id` as held for the cashier; nothing when it is not theirs.
pub fn hold(conn: &Connection, owner: &Owner, payment_id: &str, at: &str) -> Result<()> {
    set_state(conn, owner, payment_id, SessionState::Held, at)
}

fn set_state(
    conn: &Connection,
    owner: &Owner,
    payment_id: &str,
    state: SessionState,
    at: &str,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE card_sessions SET state = ?3, updated_at = ?4 WHERE payment_id = ?1 AND owner = ?2",
    )?
    .execute(params![payment_id, owner.name, state.as_str(), at])?;
    Ok(())
}

/// Ends `owner`'s session of `payment_id` (the payment is left to settle from Stripe).
pub fn release(conn: &Connection, owner: &Owner, payment_id: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM card_sessions WHERE payment_id = ?1 AND owner = ?2")?
        .execute(params![payment_id, owner.name])?;
    Ok(())
}

/// Ends the session of a settled payment, whoever owned it, in the settling transaction.
pub fn end(tx: &Connection, payment_id: &str) -> Result<()> {
    tx.prepare_cached("DELETE FROM card_sessions WHERE payment_id = ?1")?
        .execute([payment_id])?;
    Ok(())
}

/// The session of `payment_id`, if it has one.
pub fn get(conn: &Connection, payment_id: &str) -> Result<Option<CardSession>> {
    Ok(conn
        .prepare_cached(
            "SELECT payment_id, state, owner, owner_pid, staff_id, started_at
             FROM card_sessions WHERE payment_id = ?1",
        )?
        .query_row([payment_id], session_row)
        .optional()?)
}

/// The payments `owner` holds for its cashier.
pub fn held_by(conn: &Connection, owner: &Owner) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT payment_id FROM card_sessions WHERE owner = ?1 AND state = 'held'
         ORDER BY started_at",
    )?;
    let rows = stmt.query_map([&owner.name], |r| r.get(0))?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// Every session, for settling: which payments are somebody's right now.
pub fn all(conn: &Connection) -> Result<Vec<CardSession>> {
    let mut stmt = conn.prepare_cached(
        "SELECT payment_id, state, owner, owner_pid, staff_id, started_at FROM card_sessions",
    )?;
    let rows = stmt.query_map([], session_row)?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

fn session_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CardSession> {
    let state: String = r.get(1)?;
    Ok(CardSession {
        payment_id: r.get(0)?,
        state: if state == "held" {
            SessionState::Held
        } else {
            SessionState::Taking
        },
        owner: r.get(2)?,
        owner_pid: r.get(3)?,
        staff_id: r.get(4)?,
        started_at: r.get(5)?,
    })
}
