//! Opening the store: the file made if it is new, an older one copied aside (once, whoever opens
//! it first) before its migrations run.

use crate::error::{Result, TillError};
use crate::{backup, db, files, schema};
use rusqlite::Connection;
use std::path::Path;

/// Opens (creating if needed) the store at `path` and brings its schema up to date. A store
/// holding anything its migrations did not make is refused ([`schema::foreign_object`]).
pub fn open(path: &Path) -> Result<Connection> {
    Ok(open_migrating(path)?.0)
}

/// As [`open`], with the schema version this opener migrated the store from, when it was the one
/// that did (another opener of the same store at the same moment finds it migrated).
pub fn open_migrating(path: &Path) -> Result<(Connection, Option<i64>)> {
    if let Some(dir) = path.parent() {
        if !dir.as_os_str().is_empty() {
            files::create_private_dir(dir)?;
        }
    }
    // Owner-only from the first byte; SQLite gives the WAL and shared memory the same.
    files::create_private(path)?;
    let mut conn = Connection::open(path)?;
    db::configure(&conn)?;
    // A store (and backups folder) made by an older build, with the umask's permissions.
    for file in files::store_files(path) {
        files::make_private(&file);
    }
    files::make_private(&backup::backups_dir(path));
    // Checked before anything is written: a foreign trigger would fire on the migrations too.
    // The version and the schema are read in one read transaction (one snapshot): another
    // opener migrating the store at the same moment must not make one look like the other's.
    let current = {
        let snapshot = conn.unchecked_transaction()?;
        let current = db::schema_version(&snapshot)?;
        if current <= db::SCHEMA_VERSION {
            if let Some(found) = schema::foreign_object(&snapshot, current)? {
                return Err(TillError::StoreTampered {
                    path: path.display().to_string(),
                    found,
                });
            }
        }
        current
    };
    // A store written by an older build is copied aside before any migration touches it; a
    // brand-new file (version 0) has nothing to lose. One opener at a time does it: another
    // waits for the lock, then finds the store migrated and copies nothing.
    if current > 0 && current < db::SCHEMA_VERSION {
        let _upgrading = backup::upgrade_lock(path)?;
        let current = db::schema_version(&conn)?;
        let migrating = current < db::SCHEMA_VERSION;
        if migrating {
            backup::before_upgrade(&conn, path, current)?;
        }
        db::migrate(&mut conn, &path.display().to_string())?;
        return Ok((conn, migrating.then_some(current)));
    }
    db::migrate(&mut conn, &path.display().to_string())?;
    Ok((conn, None))
}
