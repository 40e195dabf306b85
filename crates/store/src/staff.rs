//! Staff accounts: names, roles, PINs kept as argon2id hashes, signing in, the lock after wrong
//! PINs, and managing accounts. PINs are never written anywhere in the clear: not in the store,
//! not in the journal, not in the log.

use crate::error::{Result, TillError};
use crate::journal;
use crate::moment::Moment;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};
use chrono::{DateTime, FixedOffset, SecondsFormat};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use ts_rs::TS;
use versapos_core::staff::{lock_for, staff_name};
use versapos_core::{Pin, Role};

pub use crate::moment::Actor;

/// A staff account as the staff screen and `versapos staff list` show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct StaffMember {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub active: bool,
    /// Wrong PINs in a row since the last good one.
    #[ts(type = "number")]
    pub wrong_pins: i64,
    /// Locked until then (RFC 3339), after too many wrong PINs.
    pub locked_until: Option<String>,
    pub created_at: String,
}

impl StaffMember {
    pub fn actor(&self) -> Actor {
        Actor {
            id: self.id,
            name: self.name.clone(),
            role: self.role,
        }
    }
}

const SELECT: &str =
    "SELECT id, name, role, active, wrong_pins, locked_until, created_at FROM staff";

fn from_row(r: &Row<'_>) -> rusqlite::Result<StaffMember> {
    let role: String = r.get(2)?;
    Ok(StaffMember {
        id: r.get(0)?,
        name: r.get(1)?,
        role: Role::parse(&role).unwrap_or(Role::Cashier),
        active: r.get::<_, i64>(3)? == 1,
        wrong_pins: r.get(4)?,
        locked_until: r.get(5)?,
        created_at: r.get(6)?,
    })
}

/// Whether this store has any staff account; until it has, the till asks for the first admin.
pub fn any(conn: &Connection) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM staff)")?
        .query_row([], |r| r.get(0))?)
}

pub fn list(conn: &Connection) -> Result<Vec<StaffMember>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} ORDER BY active DESC, name COLLATE NOCASE"
    ))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn by_name(conn: &Connection, name: &str) -> Result<StaffMember> {
    conn.prepare_cached(&format!("{SELECT} WHERE name = ?1"))?
        .query_row([name.trim()], from_row)
        .optional()?
        .ok_or_else(|| TillError::UnknownStaff(name.trim().to_string()))
}

pub fn by_id(conn: &Connection, id: i64) -> Result<StaffMember> {
    conn.prepare_cached(&format!("{SELECT} WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| TillError::UnknownStaff(format!("#{id}")))
}

fn hash_pin(pin: &Pin) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pin.expose().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| TillError::Corrupt(format!("could not hash a PIN: {e}")))
}

fn active_admins(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT count(*) FROM staff WHERE role = 'admin' AND active = 1")?
        .query_row([], |r| r.get(0))?)
}

/// Adds a staff account. `till` names the journal the entry goes to.
pub fn add(
    conn: &mut Connection,
    till: &str,
    name: &str,
    role: Role,
    pin: &Pin,
    when: &Moment,
) -> Result<StaffMember> {
    let name = staff_name(name).map_err(|e| TillError::invalid("name", e.to_string()))?;
    let hash = hash_pin(pin)?;
    let tx = crate::db::write(conn)?;
    tx.execute(
        "INSERT INTO staff (name, role, pin_hash, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?4)",
        params![name, role.as_str(), hash, when.at],
    )
    .map_err(|e| match e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            TillError::invalid("name", format!("'{name}' is already a staff member"))
        }
        e => e.into(),
    })?;
    let id = tx.last_insert_rowid();
    journal::append(
        &tx,
        till,
        when,
        "staff_add",
        &id.to_string(),
        &serde_json::json!({ "id": id, "name": name, "role": role.as_str() }),
    )?;
    tx.commit()?;
    by_id(conn, id)
}

/// A hash of no PIN anyone has, with the cost of a real one: an unknown name is checked against
/// it so that it takes as long as a wrong PIN and gets the same answer.
const NOBODYS_PIN: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$/MGGLolUpiGWqnxX5tVgsg$F1QmZAuelnQEaH7qYI2y6mNCHXU9ZDX9+NQxBQdmqYQ";

/// Checks a PIN: the account's actor when it is right. A disabled or locked account is refused
/// without looking at the PIN. Otherwise the try is counted *before* the PIN is checked, in the
/// write transaction that reads the count, and the fifth wrong try in a row locks the account
/// (journaled): however many processes guess at once, no more than five guesses in a row are
/// ever checked. The right PIN clears the count. An unknown name costs as much as a wrong PIN
/// and gets the same answer.
pub fn verify(
    conn: &mut Connection,
    till: &str,
    name: &str,
    pin: &str,
    now: DateTime<FixedOffset>,
    when: &Moment,
) -> Result<Actor> {
    let Some(tried) = count_a_try(conn, name, now)? else {
        // The same work as a wrong PIN: the PIN checked, and a try counted (the shop's count of
        // tries at names that are no one's), so neither the answer nor its time tells.
        pin_right(pin, NOBODYS_PIN)?;
        let tx = crate::db::write(conn)?;
        tx.execute(
            "INSERT INTO settings (key, value) VALUES ('tries_at_unknown_names', '1')
             ON CONFLICT (key) DO UPDATE
                 SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)",
            [],
        )?;
        tx.commit()?;
        return Err(TillError::WrongPin {
            name: name.trim().to_string(),
        });
    };
    if pin_right(pin, &tried.pin_hash)? {
        let tx = crate::db::write(conn)?;
        tx.execute(
            "UPDATE staff SET wrong_pins = 0, locked_until = NULL WHERE id = ?1",
            [tried.member.id],
        )?;
        tx.commit()?;
        return Ok(tried.member.actor());
    }
    let member = tried.member;
    match tried.locks_until {
        None => Err(TillError::WrongPin { name: member.name }),
        Some(until) => {
            let tx = crate::db::write(conn)?;
            journal::append(
                &tx,
                till,
                when,
                "staff_locked",
                &member.id.to_string(),
                &serde_json::json!({ "id": member.id, "name": member.name,
                                     "wrong_pins": tried.tries, "until": until }),
            )?;
            tx.commit()?;
            Err(TillError::StaffLocked {
                name: member.name,
                until,
            })
        }
    }
}

/// A try at an account's PIN, counted before the PIN is checked.
struct Try {
    member: StaffMember,
    pin_hash: String,
    /// Wrong tries in a row, this one included.
    tries: i64,
    /// When this try turns out wrong, the account is locked until then.
    locks_until: Option<String>,
}

/// Counts a try at `name`'s PIN in one write transaction, refusing a disabled or locked account
/// (not counted); `None` for a name that is not a staff member's.
fn count_a_try(
    conn: &mut Connection,
    name: &str,
    now: DateTime<FixedOffset>,
) -> Result<Option<Try>> {
    let tx = crate::db::write(conn)?;
    let member = match by_name(&tx, name) {
        Ok(m) => m,
        Err(TillError::UnknownStaff(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    if !member.active {
        return Err(TillError::StaffDisabled(member.name));
    }
    if let Some(until) = locked_until(&member) {
        if until > now {
            return Err(TillError::StaffLocked {
                name: member.name,
                until: until.to_rfc3339_opts(SecondsFormat::Secs, false),
            });
        }
    }
    let pin_hash: String = tx
        .prepare_cached("SELECT pin_hash FROM staff WHERE id = ?1")?
        .query_row([member.id], |r| r.get(0))?;
    let tries = member.wrong_pins.saturating_add(1);
    let locks_until = lock_for(u32::try_from(tries).unwrap_or(u32::MAX)).map(|d| {
        (now + chrono::Duration::from_std(d).unwrap_or(chrono::Duration::days(1)))
            .to_rfc3339_opts(SecondsFormat::Millis, false)
    });
    tx.execute(
        "UPDATE staff SET wrong_pins = ?1, locked_until = coalesce(?2, locked_until)
         WHERE id = ?3",
        params![tries, locks_until, member.id],
    )?;
    tx.commit()?;
    Ok(Some(Try {
        member,
        pin_hash,
        tries,
        locks_until,
    }))
}

/// Whether `pin` is the one hashed in `stored`; a PIN of the wrong shape is checked like any
/// other (it costs the same, and it is wrong).
fn pin_right(pin: &str, stored: &str) -> Result<bool> {
    let shaped = Pin::parse(pin);
    let candidate = match &shaped {
        Ok(p) => p.expose(),
        Err(_) => pin,
    };
    let hash = PasswordHash::new(stored)
        .map_err(|e| TillError::Corrupt(format!("a staff PIN hash is unreadable: {e}")))?;
    let matches = Argon2::default()
        .verify_password(candidate.as_bytes(), &hash)
        .is_ok();
    Ok(matches && shaped.is_ok())
}

fn locked_until(m: &StaffMember) -> Option<DateTime<FixedOffset>> {
    m.locked_until
        .as_deref()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
}

/// A change to an account by someone allowed to manage it.
pub enum Change<'a> {
    Disable,
    Enable,
    ResetPin(&'a Pin),
    Unlock,
    SetRole(Role),
}

/// Applies `change` to the account `name`, journaled. Disabling or demoting the last active
/// admin is refused, so the shop can never lock itself out.
pub fn change(
    conn: &mut Connection,
    till: &str,
    name: &str,
    change: Change<'_>,
    when: &Moment,
) -> Result<StaffMember> {
    let member = by_name(conn, name)?;
    let last_admin = member.role == Role::Admin && member.active && active_admins(conn)? <= 1;
    let tx = crate::db::write(conn)?;
    let (kind, detail) = match change {
        Change::Disable => {
            if last_admin {
                return Err(TillError::invalid(
                    "name",
                    format!("{} is the last admin: add another admin first", member.name),
                ));
            }
            tx.execute(
                "UPDATE staff SET active = 0, updated_at = ?2 WHERE id = ?1",
                params![member.id, when.at],
            )?;
            ("staff_disable", serde_json::json!({}))
        }
        Change::Enable => {
            tx.execute(
                "UPDATE staff SET active = 1, updated_at = ?2 WHERE id = ?1",
                params![member.id, when.at],
            )?;
            ("staff_enable", serde_json::json!({}))
        }
        Change::ResetPin(pin) => {
            tx.execute(
                "UPDATE staff SET pin_hash = ?2, wrong_pins = 0, locked_until = NULL,
                     updated_at = ?3 WHERE id = ?1",
                params![member.id, hash_pin(pin)?, when.at],
            )?;
            ("staff_pin_reset", serde_json::json!({}))
        }
        Change::Unlock => {
            tx.execute(
                "UPDATE staff SET wrong_pins = 0, locked_until = NULL, updated_at = ?2
                 WHERE id = ?1",
                params![member.id, when.at],
            )?;
            ("staff_unlock", serde_json::json!({}))
        }
        Change::SetRole(role) => {
            if last_admin && role != Role::Admin {
                return Err(TillError::invalid(
                    "role",
                    format!("{} is the last admin: add another admin first", member.name),
                ));
            }
            tx.execute(
                "UPDATE staff SET role = ?2, updated_at = ?3 WHERE id = ?1",
                params![member.id, role.as_str(), when.at],
            )?;
            (
                "staff_role",
                serde_json::json!({ "old": member.role.as_str(), "new": role.as_str() }),
            )
        }
    };
    let mut payload = serde_json::json!({ "id": member.id, "name": member.name });
    if let (Some(p), Some(d)) = (payload.as_object_mut(), detail.as_object()) {
        p.extend(d.clone());
    }
    journal::append(&tx, till, when, kind, &member.id.to_string(), &payload)?;
    tx.commit()?;
    by_id(conn, member.id)
}
