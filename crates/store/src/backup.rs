//! Copies of the store: the automatic one taken before an upgrade migrates it, one taken on
//! demand while the till runs, and putting a backup back in place of the store.
//!
//! Every copy is a consistent snapshot (`VACUUM INTO` reads the store in one transaction, WAL
//! included), written to a temporary file in the destination's folder, synced, then renamed into
//! place, so a file with a backup's name is always a whole backup.

use crate::error::{Result, TillError};
use crate::{db, files};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The folder, next to the store file, that holds its backups.
pub const BACKUPS_DIR: &str = "backups";

/// How many automatic (before-upgrade) backups are kept; older ones are removed.
pub const KEEP_UPGRADE_BACKUPS: usize = 5;

/// A backup written to disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupFile {
    pub path: PathBuf,
    pub bytes: u64,
    pub schema_version: i64,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Restored {
    /// The store now in use.
    pub store: PathBuf,
    /// The backup it was restored from.
    pub from: PathBuf,
    /// The backup's schema version (the restored store is brought up to this build's).
    pub backup_schema_version: i64,
    /// Where the store as it was before the restore was kept, if there was one.
    pub before_restore: Option<PathBuf>,
}

/// The backups folder of the store at `store`.
pub fn backups_dir(store: &Path) -> PathBuf {
    folder_of(store).join(BACKUPS_DIR)
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "store.db".to_string())
}

/// Now in UTC, as it appears in backup file names: `20261128T075500Z`.
fn stamp() -> String {
    chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string()
}

/// The first of `name.bak`, `name-2.bak`, … that does not exist in `dir`.
fn free_name(dir: &Path, name: &str) -> PathBuf {
    let mut n = 1;
    loop {
        let candidate = if n == 1 {
            dir.join(format!("{name}.bak"))
        } else {
            dir.join(format!("{name}-{n}.bak"))
        };
        if !candidate.exists() {
            return candidate;
        }
        n += 1;
    }
}

/// Syncs a folder so a rename in it survives power loss (where the OS allows it).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn remove_if_there(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// How long a copy's temporary file may go unwritten before it is taken for the leftover of a
/// copy that was stopped (a killed `versapos backup`, a power cut): a copy in progress writes to
/// its file all the time and renames it the moment it is done.
const LEFTOVER_AFTER: Duration = Duration::from_secs(10 * 60);

/// Removes the temporary files of stopped copies from `dir` ([`temp_in`]'s names, untouched for
/// [`LEFTOVER_AFTER`]). Best effort.
fn sweep_leftovers(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(|e| e.ok()) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !is_temp_name(&name) {
            continue;
        }
        let idle = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|m| m.elapsed().ok());
        if idle.is_some_and(|idle| idle >= LEFTOVER_AFTER) {
            for suffix in ["", "-journal", "-wal", "-shm"] {
                let _ = remove_if_there(&sidecar(&entry.path(), suffix));
            }
        }
    }
}

/// `.{name}.{pid}.{nanos}.tmp`, as [`temp_in`] names them.
fn is_temp_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) else {
        return false;
    };
    let mut parts = rest.rsplitn(3, '.');
    let digits =
        |p: Option<&str>| p.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    digits(parts.next()) && digits(parts.next()) && parts.next().is_some_and(|n| !n.is_empty())
}

/// A temporary file in `dir` for a copy on its way to its final name.
fn temp_in(dir: &Path, name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    dir.join(format!(".{name}.{}.{nanos}.tmp", std::process::id()))
}

fn utf8(path: &Path) -> Result<&str> {
    path.to_str().ok_or_else(|| {
        TillError::invalid(
            "path",
            format!("{} is not valid UTF-8: choose another name", path.display()),
        )
    })
}

/// Writes a consistent snapshot of `conn`'s store to `tmp` (owner-only) and syncs it.
fn snapshot(conn: &Connection, tmp: &Path) -> Result<u64> {
    remove_if_there(tmp)?;
    files::create_private(tmp)?;
    conn.execute("VACUUM INTO ?1", [utf8(tmp)?])?;
    let file = std::fs::File::open(tmp)?;
    file.sync_all()?;
    Ok(file.metadata()?.len())
}

/// Snapshot to `dest` through a temporary file in its folder, then a rename.
fn copy_to(conn: &Connection, dest: &Path, overwrite: bool) -> Result<u64> {
    let dir = folder_of(dest);
    let exists = || !overwrite && dest.exists();
    if exists() {
        return Err(TillError::BackupExists(dest.display().to_string()));
    }
    sweep_leftovers(&dir);
    let tmp = temp_in(&dir, &file_name(dest));
    let written = snapshot(conn, &tmp).and_then(|bytes| {
        if exists() {
            return Err(TillError::BackupExists(dest.display().to_string()));
        }
        std::fs::rename(&tmp, dest)?;
        Ok(bytes)
    });
    if written.is_err() {
        let _ = remove_if_there(&tmp);
    }
    sync_dir(&dir);
    written
}

/// A backup of the open store `conn` (at `store`) to `dest`, or to the backups folder.
pub fn to_file(
    conn: &Connection,
    store: &Path,
    dest: Option<&Path>,
    overwrite: bool,
) -> Result<BackupFile> {
    let schema_version = db::schema_version(conn)?;
    let path = match dest {
        Some(d) => d.to_path_buf(),
        None => {
            let dir = backups_dir(store);
            files::create_private_dir(&dir)?;
            free_name(&dir, &format!("{}.{}", file_name(store), stamp()))
        }
    };
    let dir = folder_of(&path);
    files::create_private_dir(&dir)?;
    let bytes = copy_to(conn, &path, overwrite)?;
    Ok(BackupFile {
        path,
        bytes,
        schema_version,
    })
}

/// The automatic backup before migrating the store at `store` from schema `version`:
/// `backups/store.db.v8.20261128T075500Z.bak`. Refuses (and so stops the migration) when the
/// copy cannot be made. Keeps the last [`KEEP_UPGRADE_BACKUPS`].
pub(crate) fn before_upgrade(conn: &Connection, store: &Path, version: i64) -> Result<PathBuf> {
    let dir = backups_dir(store);
    let prefix = format!("{}.v", file_name(store));
    let failed = |path: &Path, reason: String| TillError::BackupFailed {
        path: path.display().to_string(),
        reason,
    };
    files::create_private_dir(&dir).map_err(|e| failed(&dir, e.to_string()))?;
    let path = free_name(&dir, &format!("{prefix}{version}.{}", stamp()));
    copy_to(conn, &path, false).map_err(|e| failed(&path, e.to_string()))?;
    prune_upgrade_backups(&dir, &prefix);
    Ok(path)
}

/// Held while one opener of the store at `store` backs it up and migrates it: the desktop app and
/// the CLI may open an older store at the same moment after an update, and the second waits here
/// (an OS file lock on `backups/<store>.upgrading`) and then finds the store migrated. The file
/// is removed when the upgrade ends; the lock goes with the process if it dies.
pub(crate) struct UpgradeLock {
    path: PathBuf,
    _file: std::fs::File,
}

pub(crate) fn upgrade_lock(store: &Path) -> Result<UpgradeLock> {
    let dir = backups_dir(store);
    let path = dir.join(format!("{}.upgrading", file_name(store)));
    let failed = |e: std::io::Error| TillError::BackupFailed {
        path: path.display().to_string(),
        reason: format!("cannot take the upgrade lock: {e}"),
    };
    files::create_private_dir(&dir).map_err(failed)?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(failed)?;
    file.lock().map_err(failed)?;
    Ok(UpgradeLock { path, _file: file })
}

impl Drop for UpgradeLock {
    fn drop(&mut self) {
        // Still locked here: an opener that waited on this file finds the store migrated, and
        // one that comes later makes a new file and finds the same.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Removes all but the newest [`KEEP_UPGRADE_BACKUPS`] automatic backups (best effort: a file
/// that cannot be removed stays).
fn prune_upgrade_backups(dir: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    // (timestamp, name): `{prefix}{version}.{timestamp}.bak`
    let mut found: Vec<(String, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let rest = name.strip_prefix(prefix)?.strip_suffix(".bak")?;
            let (version, when) = rest.split_once('.')?;
            if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            Some((when.to_string(), e.path()))
        })
        .collect();
    found.sort();
    let extra = found.len().saturating_sub(KEEP_UPGRADE_BACKUPS);
    for (_, path) in found.into_iter().take(extra) {
        let _ = std::fs::remove_file(path);
    }
}

/// Puts the backup `from` in place of the store at `store`. The till must not have the store
/// open. The backup is checked first (a VersaTalent POS store, not newer than this build, intact,
/// its journal verifying); the store as it was is kept in the backups folder as
/// `store.db.before-restore.<time>.bak`; the backup replaces it in one rename.
pub fn restore(store: &Path, from: &Path) -> Result<Restored> {
    let bad = |reason: String| TillError::BadBackup {
        file: from.display().to_string(),
        reason,
    };
    if !from.is_file() {
        return Err(bad("there is no such file".into()));
    }
    let dir = folder_of(store);
    files::create_private_dir(&dir)?;
    sweep_leftovers(&dir);
    let tmp = temp_in(&dir, &file_name(store));
    let checked = checked_copy(from, &tmp, &bad);
    let backup_schema_version = match checked {
        Ok(v) => v,
        Err(e) => {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let _ = remove_if_there(&sidecar(&tmp, suffix));
            }
            return Err(e);
        }
    };
    let result = swap_in(store, &tmp);
    if result.is_err() {
        let _ = remove_if_there(&tmp);
    }
    Ok(Restored {
        store: store.to_path_buf(),
        from: from.to_path_buf(),
        backup_schema_version,
        before_restore: result?,
    })
}

/// Copies the backup `from` to `tmp` and checks it; returns the backup's schema version. The
/// copy is brought up to this build's schema, in rollback-journal mode and synced.
fn checked_copy(from: &Path, tmp: &Path, bad: &dyn Fn(String) -> TillError) -> Result<i64> {
    let src = Connection::open_with_flags(
        from,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| bad(format!("it cannot be opened ({e})")))?;
    // What the file's schema says is not trusted while it is looked at.
    src.pragma_update(None, "trusted_schema", "OFF")
        .map_err(|e| bad(format!("it cannot be opened ({e})")))?;
    let version = db::schema_version(&src).map_err(|e| match e {
        TillError::Database(rusqlite::Error::SqliteFailure(f, _))
            if f.code == rusqlite::ErrorCode::NotADatabase =>
        {
            bad("it is not a SQLite database".into())
        }
        e => bad(format!("it cannot be read ({e})")),
    })?;
    if version > db::SCHEMA_VERSION {
        return Err(bad(format!(
            "its schema version {version} is newer than this VersaTalent POS ({}): update the app first",
            db::SCHEMA_VERSION
        )));
    }
    let tables: i64 = src
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'
             AND name IN ('settings', 'orders', 'journal', 'journal_head')",
            [],
            |r| r.get(0),
        )
        .map_err(|e| bad(format!("it cannot be read ({e})")))?;
    if version < 1 || tables != 4 {
        return Err(bad("it is not a VersaTalent POS store".into()));
    }
    // Nothing is copied or run until the backup is known to hold exactly what the migrations of
    // its version make: a trigger or view of its own would run inside the till once restored.
    if let Some(found) = crate::schema::foreign_object(&src, version)
        .map_err(|e| bad(format!("it cannot be read ({e})")))?
    {
        return Err(bad(format!(
            "it holds {found}: it was changed outside VersaTalent POS"
        )));
    }
    snapshot(&src, tmp).map_err(|e| bad(format!("it cannot be copied ({e})")))?;
    drop(src);

    let mut conn = Connection::open(tmp)?;
    conn.pragma_update(None, "journal_mode", "DELETE")?;
    let problems: Vec<String> = conn
        .prepare("PRAGMA integrity_check")?
        .query_map([], |r| r.get(0))?
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| bad(format!("its integrity check failed ({e})")))?;
    if problems != ["ok"] {
        return Err(bad(format!(
            "it is damaged: {}",
            problems.into_iter().take(5).collect::<Vec<_>>().join("; ")
        )));
    }
    db::migrate(&mut conn, &tmp.display().to_string())
        .map_err(|e| bad(format!("it cannot be brought up to date ({e})")))?;
    let journal = crate::journal::verify(&conn)
        .map_err(|e| bad(format!("its journal cannot be read ({e})")))?;
    if let Some(first) = journal.problems.first() {
        return Err(bad(format!(
            "its journal does not verify: {} problem(s), the first in till {}: {}",
            journal.problems.len(),
            first.till_id,
            first.problem
        )));
    }
    drop(conn);
    std::fs::File::open(tmp)?.sync_all()?;
    Ok(version)
}

/// Keeps the store at `store` as it is in the backups folder, then renames `tmp` over it.
fn swap_in(store: &Path, tmp: &Path) -> Result<Option<PathBuf>> {
    let dir = folder_of(store);
    let mut kept = None;
    if store.exists() {
        // Fold the WAL into the main file so it alone is the whole store; this needs every
        // other connection closed.
        let conn = Connection::open(store)?;
        conn.busy_timeout(Duration::from_secs(2))?;
        let settled =
            conn.pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get::<_, String>(0));
        drop(conn);
        match settled {
            Ok(mode) if mode.eq_ignore_ascii_case("delete") => {}
            Ok(_) => return Err(TillError::StoreInUse(store.display().to_string())),
            Err(rusqlite::Error::SqliteFailure(f, _))
                if matches!(
                    f.code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                ) =>
            {
                return Err(TillError::StoreInUse(store.display().to_string()));
            }
            // A damaged store is kept as it is, sidecar files and all.
            Err(_) => {}
        }
        let backups = backups_dir(store);
        files::create_private_dir(&backups)?;
        let aside = free_name(
            &backups,
            &format!("{}.before-restore.{}", file_name(store), stamp()),
        );
        if std::fs::hard_link(store, &aside).is_err() {
            std::fs::copy(store, &aside)?;
            std::fs::File::open(&aside)?.sync_all()?;
        }
        files::make_private(&aside);
        for suffix in ["-wal", "-shm"] {
            let side = sidecar(store, suffix);
            if side.exists() {
                std::fs::copy(&side, sidecar(&aside, suffix))?;
                files::make_private(&sidecar(&aside, suffix));
            }
        }
        sync_dir(&backups);
        kept = Some(aside);
    }
    std::fs::rename(tmp, store)?;
    // WAL and shared-memory files of the store that was replaced must not be applied to the
    // restored one.
    for suffix in ["-wal", "-shm", "-journal"] {
        remove_if_there(&sidecar(store, suffix))?;
    }
    sync_dir(&dir);
    Ok(kept)
}
