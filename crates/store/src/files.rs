//! Who may read the store's files. The store, its write-ahead log and shared memory, and its
//! backups hold the shop's sales and the argon2 hashes of staff PINs (a 4-digit PIN's hash is
//! cracked offline in seconds): on macOS and Linux they are created readable and writable by
//! their owner only (0600, folders 0700); on Windows they live in the user's profile, whose
//! default access list already keeps other users out.

use std::io;
use std::path::{Path, PathBuf};

/// The files of the store at `store` that hold its data: the store, its WAL and shared memory.
pub fn store_files(store: &Path) -> Vec<PathBuf> {
    ["", "-wal", "-shm"]
        .iter()
        .map(|suffix| {
            let mut s = store.as_os_str().to_owned();
            s.push(suffix);
            PathBuf::from(s)
        })
        .collect()
}

/// Creates `path` empty and owner-only if it does not exist yet (SQLite then gives its WAL and
/// shared-memory files the same permissions, and `VACUUM INTO` writes into an empty file).
pub fn create_private(path: &Path) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Makes the folder `dir` (and its parents) if missing; a folder made here is owner-only.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Takes away group and other access from an existing file or folder this user owns (a store
/// made by an older build, with the umask's 0644). Best effort: a file owned by someone else is
/// left for [`too_open`] to report.
pub fn make_private(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            let mode = meta.permissions().mode();
            if mode & 0o077 != 0 {
                let owner_only = mode & !0o077;
                let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(owner_only));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// The permissions of `path` (as `0644`) when someone other than its owner may read or write it;
/// `None` when only the owner may, or the file is not there. Always `None` on Windows, where the
/// profile's access list is what keeps others out.
pub fn too_open(path: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        (mode & 0o077 != 0).then(|| format!("{mode:04o}"))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777
    }

    #[test]
    fn files_and_folders_made_here_are_the_owners_alone() {
        let dir = tempfile::tempdir().expect("temp dir");
        let folder = dir.path().join("a").join("b");
        create_private_dir(&folder).expect("folder");
        assert_eq!(mode(&folder), 0o700);
        let file = folder.join("store.db");
        create_private(&file).expect("file");
        assert_eq!(mode(&file), 0o600);
        assert_eq!(too_open(&file), None);
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        assert_eq!(too_open(&file).as_deref(), Some("0644"));
        make_private(&file);
        assert_eq!(mode(&file), 0o600);
        create_private(&file).expect("an existing file is left as it is");
    }
}
