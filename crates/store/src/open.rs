//! Opening the store: the file made if it is new, an older one copied aside (once, whoever opens
//! it first) before its migrations run.

use crate::error::Result;
use crate::{backup, db};
use rusqlite::Connection;
use std::path::Path;

/// Opens (creating if needed) the store at `path` and brings its schema up to date.
pub fn open(path: &Path) -> Result<Connection> {
    if let Some(dir) = path.parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)?;
        }
    }
    let mut conn = Connection::open(path)?;
    db::configure(&conn)?;
    let current = db::schema_version(&conn)?;
    // A store written by an older build is copied aside before any migration touches it; a
    // brand-new file (version 0) has nothing to lose. One opener at a time does it: another
    // waits for the lock, then finds the store migrated and copies nothing.
    if current > 0 && current < db::SCHEMA_VERSION {
        let _upgrading = backup::upgrade_lock(path)?;
        let current = db::schema_version(&conn)?;
        if current < db::SCHEMA_VERSION {
            backup::before_upgrade(&conn, path, current)?;
        }
        db::migrate(&mut conn, &path.display().to_string())?;
        return Ok(conn);
    }
    db::migrate(&mut conn, &path.display().to_string())?;
    Ok(conn)
}
