//! The store's schema as this build's migrations make it, and the check that a store (or a
//! backup about to replace it) holds exactly that. A trigger, a view, an index or a table that
//! VersaTalent POS did not create, or a table whose columns or rules differ, could change what
//! the till writes behind its back (a trigger that reprices a product after every sale, or makes
//! a cashier an admin): such a store is not opened and such a backup is not restored.

use crate::db::MIGRATIONS;
use crate::error::Result;
use rusqlite::Connection;
use std::collections::BTreeMap;

/// One entry of `sqlite_master`: its kind (table, index, trigger, view), name and the table it
/// belongs to, with its SQL (spaces evened out; none for the indexes SQLite makes itself).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Object {
    kind: String,
    table: String,
    sql: Option<String>,
}

/// The store's objects by name. The statistics tables `ANALYZE` may add are left out: they hold
/// no rules and no code.
fn objects(conn: &Connection) -> rusqlite::Result<BTreeMap<String, Object>> {
    let mut stmt = conn.prepare(
        "SELECT type, name, tbl_name, sql FROM main.sqlite_master
         WHERE name NOT LIKE 'sqlite\\_stat%' ESCAPE '\\'",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(1)?,
            Object {
                kind: r.get(0)?,
                table: r.get(2)?,
                sql: r.get::<_, Option<String>>(3)?.map(|s| even_spaces(&s)),
            },
        ))
    })?;
    rows.collect()
}

/// SQL with every run of white space made one space, and none beside brackets and commas: the
/// same statement whether it was written over several lines or rewritten by `ALTER TABLE`.
fn even_spaces(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    for word in sql.split_whitespace() {
        let glued = out.ends_with(['(', ',']) || word.starts_with([')', ',']);
        if !out.is_empty() && !glued {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.replace(" (", "(")
}

/// What the migrations up to `version` create, in a store of its own in memory.
fn made_by_migrations(version: i64) -> Result<BTreeMap<String, Object>> {
    let conn = Connection::open_in_memory()?;
    for (v, _name, sql) in MIGRATIONS.iter().filter(|m| m.0 <= version) {
        conn.execute_batch(sql)?;
        conn.pragma_update(None, "user_version", v)?;
    }
    Ok(objects(&conn)?)
}

/// The first way the store on `conn`, at schema `version`, differs from what the migrations up
/// to that version make, in words ("a trigger 'x' on orders that VersaTalent POS did not
/// create"); `None` when it holds exactly that.
pub fn foreign_object(conn: &Connection, version: i64) -> Result<Option<String>> {
    let expected = made_by_migrations(version)?;
    let found = objects(conn)?;
    for (name, object) in &found {
        match expected.get(name) {
            None => {
                return Ok(Some(format!(
                    "a {} '{name}'{} that VersaTalent POS did not create",
                    object.kind,
                    on_table(object, name)
                )))
            }
            Some(made) if made != object => {
                return Ok(Some(format!(
                    "a {} '{name}'{} that is not as VersaTalent POS created it",
                    object.kind,
                    on_table(object, name)
                )))
            }
            Some(_) => {}
        }
    }
    Ok(expected
        .iter()
        .find(|(name, _)| !found.contains_key(*name))
        .map(|(name, made)| format!("no {} '{name}', which VersaTalent POS created", made.kind)))
}

fn on_table(object: &Object, name: &str) -> String {
    if object.table == name {
        String::new()
    } else {
        format!(" on {}", object.table)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_made_by_the_migrations_has_nothing_foreign_at_any_version() {
        for (version, _, _) in MIGRATIONS {
            let conn = Connection::open_in_memory().expect("memory");
            for (v, _, sql) in MIGRATIONS.iter().filter(|m| m.0 <= *version) {
                conn.execute_batch(sql).expect("migrate");
                conn.pragma_update(None, "user_version", v)
                    .expect("version");
            }
            assert_eq!(foreign_object(&conn, *version).expect("check"), None);
        }
    }

    #[test]
    fn spaces_are_evened_out_but_words_are_not() {
        assert_eq!(
            even_spaces("CREATE TABLE t (\n  a INTEGER NOT NULL,\n  b TEXT\n, c INTEGER)"),
            even_spaces("CREATE TABLE t(a INTEGER NOT NULL, b TEXT, c INTEGER)")
        );
        assert_ne!(
            even_spaces("CREATE TABLE t (a INTEGER CHECK (a >= 0))"),
            even_spaces("CREATE TABLE t (a INTEGER)")
        );
    }
}
