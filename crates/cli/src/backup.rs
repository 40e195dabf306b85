//! `versapos backup` and `versapos restore`: IT's copies of the till's store.

use crate::args::{BackupArgs, RestoreArgs};
use crate::{on_a_terminal, print, prompt_line, usage, Result};
use std::path::Path;
use versapos_till::Till;

/// A consistent copy of the open store.
pub fn backup(till: &Till, a: &BackupArgs, out: &print::Out) -> Result<()> {
    let file = till.backup(a.out.as_deref(), a.force)?;
    out.message(
        &format!(
            "backed up {} to {} ({} bytes, schema version {})",
            till.path().display(),
            file.path.display(),
            file.bytes,
            file.schema_version
        ),
        serde_json::json!({
            "store": till.path(),
            "path": file.path,
            "bytes": file.bytes,
            "schema_version": file.schema_version,
        }),
    );
    Ok(())
}

/// Puts a backup in place of the store; the till is closed first.
pub fn restore(till: Till, store: &Path, a: &RestoreArgs, out: &print::Out) -> Result<()> {
    till.may_restore_backup()?;
    drop(till);
    if !a.yes {
        confirm(store, &a.file)?;
    }
    let done = versapos_till::restore(store, &a.file)?;
    let kept = done
        .before_restore
        .as_ref()
        .map(|p| format!("; the store as it was is kept as {}", p.display()))
        .unwrap_or_default();
    out.message(
        &format!(
            "restored {} from {} (schema version {}){kept}",
            store.display(),
            a.file.display(),
            done.backup_schema_version
        ),
        serde_json::json!({
            "store": done.store,
            "from": done.from,
            "schema_version": done.backup_schema_version,
            "before_restore": done.before_restore,
        }),
    );
    Ok(())
}

/// Asks on the terminal before the store is replaced; refused when not on one.
fn confirm(store: &Path, file: &Path) -> Result<()> {
    if !on_a_terminal() {
        return Err(usage(
            "restore replaces the till's store: pass --yes to confirm",
        ));
    }
    let answer = prompt_line(&format!(
        "Replace the store {} with {}? The store as it is now is kept in its backups folder. [y/N] ",
        store.display(),
        file.display()
    ))?;
    if !matches!(answer.to_ascii_lowercase().as_str(), "y" | "yes") {
        return Err(usage("restore not confirmed: nothing was changed"));
    }
    Ok(())
}
