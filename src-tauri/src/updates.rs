//! Updates of the till.
//!
//! Tauri's updater asks the release server for its manifest (at the address built into the app,
//! or the shop's own mirror), downloads the newer package and checks it against VersaTalent POS's
//! public signing key; a package that is not signed with that key, or was changed after signing,
//! or was signed for another version than the manifest announces, is refused and nothing is kept.
//! A verified package waits in `updates/ready/` in the app's data folder and is installed when the
//! shop chose — at the next start, as soon as the till is idle, or when a manager says — and never
//! while a sale is on the register. It is checked against the key again just before it is
//! installed, so a package changed on disk meanwhile is refused like a tampered download.

use crate::error::{CommandError, CommandResult};
use crate::state::{Desktop, Register};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use tauri::{AppHandle, Runtime};
use tauri_plugin_updater::{Error as UpdaterError, Update, Updater, UpdaterExt};
use ts_rs::TS;

/// Where the till stands with updates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum UpdateState {
    /// Not asked the release server since the till started.
    NotChecked,
    Checking,
    /// This is the newest version.
    UpToDate,
    /// A newer version is downloaded, verified and waiting to be installed.
    Ready,
    /// A newer version was offered but its package failed the signature check: nothing kept.
    Refused,
    /// The release server could not be asked or the package not downloaded (try again later).
    Failed,
    Installing,
}

/// What the back office shows about updates.
#[derive(Clone, Debug, Serialize, TS)]
pub struct UpdateStatus {
    /// The version running now.
    pub current_version: String,
    pub state: UpdateState,
    /// The newer version: waiting to be installed, refused, or not downloaded.
    pub version: Option<String>,
    /// The release's notes, as the manifest gives them.
    pub notes: Option<String>,
    /// When the release server was last asked (UTC, RFC 3339).
    pub checked_at: Option<String>,
    /// Why the last check or install did not succeed, for people.
    pub problem: Option<String>,
}

/// The files of an update waiting to be installed.
const READY: &str = "ready";
const RELEASE_FILE: &str = "release.json";
const PACKAGE_FILE: &str = "package";

/// The till's updates: the folder they wait in and where things stand. Managed as app state.
pub struct Updates {
    dir: PathBuf,
    current_version: String,
    /// Where an update is installed instead of the running app's own file (a stand-in app in
    /// the tests; None in the app).
    install_target: Option<PathBuf>,
    status: Mutex<UpdateStatus>,
    /// One check or install at a time.
    busy: AtomicBool,
}

/// A failed check, download or install.
enum Problem {
    /// The package failed the signature check.
    Refused(Option<String>, String),
    /// Anything else: the server, the network, the disk.
    Failed(Option<String>, String),
}

impl Problem {
    fn from_updater(version: Option<&str>, e: UpdaterError) -> Problem {
        let version = version.map(str::to_string);
        match e {
            UpdaterError::Minisign(_)
            | UpdaterError::Base64(_)
            | UpdaterError::SignatureUtf8(_)
            | UpdaterError::SignedVersionMismatch { .. }
            | UpdaterError::MissingSignedVersion => {
                let what = match &version {
                    Some(v) => format!("the update to {v}"),
                    None => "the update".to_string(),
                };
                Problem::Refused(
                    version,
                    format!(
                        "{what} was refused: its package is not signed with VersaTalent POS's key \
                         or was changed after signing ({e}). Nothing was installed; tell IT."
                    ),
                )
            }
            UpdaterError::ReleaseNotFound | UpdaterError::Serialization(_) => Problem::Failed(
                version,
                format!("the update server's answer is not a release manifest ({e})"),
            ),
            UpdaterError::TargetNotFound(_) | UpdaterError::TargetsNotFound(_) => Problem::Failed(
                version,
                format!("the release has no package for this kind of till ({e})"),
            ),
            // The network in words: a till with no internet, or a server that is down, is a
            // plain fact for a manager, not a transport error.
            UpdaterError::Reqwest(e) => {
                let what = if e.is_timeout() {
                    "the update server did not answer in time".to_string()
                } else if e.is_connect() {
                    "the update server could not be reached (no network, or the server is down)"
                        .to_string()
                } else if let Some(status) = e.status() {
                    format!("the update server answered {status}")
                } else {
                    "the update could not be downloaded".to_string()
                };
                Problem::Failed(version, format!("{what}; the till tries again later"))
            }
            UpdaterError::Network(m) => Problem::Failed(
                version,
                format!("the update could not be downloaded ({m}); the till tries again later"),
            ),
            e => Problem::Failed(version, format!("could not get the update: {e}")),
        }
    }

    fn io(version: Option<&str>, what: &str, e: std::io::Error) -> Problem {
        Problem::Failed(version.map(str::to_string), format!("{what}: {e}"))
    }

    fn into_command_error(self) -> CommandError {
        match self {
            Problem::Refused(_, m) => CommandError::new("update_refused", m),
            Problem::Failed(_, m) => CommandError::new("update_failed", m),
        }
    }
}

/// Clears the busy flag when a check or install ends, however it ends.
struct Busy<'a>(&'a AtomicBool);

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

impl Updates {
    /// Updates kept in `dir` (the app data folder's `updates/`).
    pub fn new(dir: PathBuf, current_version: &str) -> Self {
        let ready = read_ready(&dir).ok().flatten().map(|(release, _)| release);
        let status = UpdateStatus {
            current_version: current_version.to_string(),
            state: if ready.is_some() {
                UpdateState::Ready
            } else {
                UpdateState::NotChecked
            },
            version: ready.as_ref().and_then(|r| field(r, "version")),
            notes: ready.as_ref().and_then(|r| field(r, "notes")),
            checked_at: None,
            problem: None,
        };
        Updates {
            dir,
            current_version: current_version.to_string(),
            install_target: None,
            status: Mutex::new(status),
            busy: AtomicBool::new(false),
        }
    }

    /// Installs into `target` instead of over the running app (the tests' stand-in app).
    pub fn installing_into(mut self, target: PathBuf) -> Self {
        self.install_target = Some(target);
        self
    }

    pub fn status(&self) -> UpdateStatus {
        match self.status.lock() {
            Ok(s) => s.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// The version waiting to be installed, if any.
    pub fn ready_version(&self) -> Option<String> {
        read_ready(&self.dir)
            .ok()
            .flatten()
            .and_then(|(release, _)| field(&release, "version"))
    }

    fn set(&self, change: impl FnOnce(&mut UpdateStatus)) {
        let mut status = match self.status.lock() {
            Ok(s) => s,
            Err(p) => p.into_inner(),
        };
        change(&mut status);
    }

    fn begin(&self) -> CommandResult<Busy<'_>> {
        if self.busy.swap(true, Ordering::SeqCst) {
            return Err(CommandError::new(
                "update_busy",
                "the till is already checking for or installing an update; try again in a moment",
            ));
        }
        Ok(Busy(&self.busy))
    }

    /// Asks the release server for a newer version and, when there is one, downloads and
    /// verifies it and keeps it for installing. `url`: the shop's own manifest address.
    pub async fn check<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        url: Option<&str>,
    ) -> CommandResult<UpdateStatus> {
        let _busy = self.begin()?;
        self.set(|s| s.state = UpdateState::Checking);
        let outcome = self.fetch(app, url).await;
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let ready = read_ready(&self.dir).ok().flatten().map(|(r, _)| r);
        self.set(|s| {
            s.checked_at = Some(now);
            match &outcome {
                Ok(_) => {
                    s.problem = None;
                    s.version = ready.as_ref().and_then(|r| field(r, "version"));
                    s.notes = ready.as_ref().and_then(|r| field(r, "notes"));
                    s.state = if ready.is_some() {
                        UpdateState::Ready
                    } else {
                        UpdateState::UpToDate
                    };
                }
                Err(Problem::Refused(v, m)) => {
                    s.state = UpdateState::Refused;
                    s.version = v.clone();
                    s.notes = None;
                    s.problem = Some(m.clone());
                }
                Err(Problem::Failed(v, m)) => {
                    // A package already verified and waiting stays ready.
                    s.state = if ready.is_some() {
                        UpdateState::Ready
                    } else {
                        UpdateState::Failed
                    };
                    s.version = ready
                        .as_ref()
                        .and_then(|r| field(r, "version"))
                        .or_else(|| v.clone());
                    s.problem = Some(m.clone());
                }
            }
        });
        match outcome {
            Ok(()) => Ok(self.status()),
            Err(problem) => {
                let e = problem.into_command_error();
                tracing::warn!(code = %e.code, error = %e.message, "update check");
                Err(e)
            }
        }
    }

    async fn fetch<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        url: Option<&str>,
    ) -> Result<(), Problem> {
        let updater = self.updater(app, url)?;
        let update = match updater.check().await {
            Ok(Some(update)) => update,
            Ok(None) => {
                // Nothing newer: a package left from before (already installed) goes.
                if let Some(v) = self.ready_version() {
                    if !newer(&v, &self.current_version) {
                        remove_ready(&self.dir);
                    }
                }
                return Ok(());
            }
            Err(e) => return Err(Problem::from_updater(None, e)),
        };
        let version = update.version.clone();
        if self.ready_version().as_deref() == Some(version.as_str()) {
            return Ok(());
        }
        tracing::info!(version = %version, url = %update.download_url, "downloading an update");
        let bytes = update
            .download(|_, _| {}, || {})
            .await
            .map_err(|e| Problem::from_updater(Some(&version), e))?;
        stage(&self.dir, &update, &bytes)
            .map_err(|e| Problem::io(Some(&version), "could not keep the update", e))?;
        tracing::info!(version = %version, bytes = bytes.len(), "update verified and ready");
        Ok(())
    }

    fn updater<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        url: Option<&str>,
    ) -> Result<Updater, Problem> {
        let mut builder = app
            .updater_builder()
            .timeout(std::time::Duration::from_secs(120));
        if let Some(url) = url {
            let parsed = url.parse().map_err(|e| {
                Problem::Failed(None, format!("the update address {url} is not a URL: {e}"))
            })?;
            builder = builder
                .endpoints(vec![parsed])
                .map_err(|e| Problem::from_updater(None, e))?;
        }
        if let Some(target) = &self.install_target {
            builder = builder.executable_path(target);
        }
        builder.build().map_err(|e| Problem::from_updater(None, e))
    }

    /// Installs the update waiting in `updates/ready/`, checking it against the key once more;
    /// refused while a sale is on the register. Returns the version installed (None: nothing
    /// was waiting, or it was not newer than this version). The caller restarts the app.
    pub fn install_ready<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        desktop: &Desktop,
        url: Option<&str>,
    ) -> CommandResult<Option<String>> {
        let _busy = self.begin()?;
        // The register stays locked while the package is installed: no sale can start meanwhile.
        let register = desktop.register();
        if let Ok(register) = &register {
            if let Some(why) = sale_in_progress(register, desktop) {
                return Err(CommandError::new(
                    "sale_in_progress",
                    format!("the update waits: {why}. Finish or park the sale first."),
                ));
            }
        }
        let Some((release, bytes)) = read_ready(&self.dir).map_err(|e| {
            CommandError::new("update_failed", format!("could not read the update: {e}"))
        })?
        else {
            return Ok(None);
        };
        let version = field(&release, "version");
        let installed = self.install(app, url, release, &bytes);
        // Installed, refused or broken: the package is not tried twice.
        remove_ready(&self.dir);
        match installed {
            Ok(Some(v)) => {
                self.set(|s| {
                    s.state = UpdateState::Installing;
                    s.version = Some(v.clone());
                    s.problem = None;
                });
                tracing::info!(version = %v, "update installed; restarting");
                Ok(Some(v))
            }
            Ok(None) => {
                self.set(|s| {
                    s.state = UpdateState::UpToDate;
                    s.version = None;
                });
                Ok(None)
            }
            Err(problem) => {
                let refused = matches!(problem, Problem::Refused(..));
                let e = problem.into_command_error();
                tracing::error!(version = ?version, code = %e.code, error = %e.message, "update not installed");
                self.set(|s| {
                    s.state = if refused {
                        UpdateState::Refused
                    } else {
                        UpdateState::Failed
                    };
                    s.version = version.clone();
                    s.problem = Some(e.message.clone());
                });
                Err(e)
            }
        }
    }

    fn install<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        url: Option<&str>,
        release: serde_json::Value,
        bytes: &[u8],
    ) -> Result<Option<String>, Problem> {
        let updater = self.updater(app, url)?;
        let version = field(&release, "version");
        // `restore_update` insists on the version inside the signature, whatever the config says.
        let update: Option<Update> = updater
            .restore_update(release)
            .map_err(|e| Problem::from_updater(version.as_deref(), e))?;
        let Some(update) = update else {
            return Ok(None);
        };
        update
            .install(bytes)
            .map_err(|e| Problem::from_updater(Some(&update.version), e))?;
        Ok(Some(update.version))
    }
}

/// Why a sale is in progress on the register, if one is.
pub fn sale_in_progress(register: &Register, desktop: &Desktop) -> Option<&'static str> {
    if desktop.payments.active().is_some() {
        Some("a card payment is being taken")
    } else if register
        .till
        .held_cards()
        .map_or(true, |held| !held.is_empty())
    {
        // A store that cannot say counts as busy: an install never interrupts a cashier.
        Some("a card payment waits for the cashier")
    } else if register.sale.has_lines() {
        Some("a sale is on the register")
    } else {
        None
    }
}

/// Whether the till is idle: nobody signed in (the screen locked) and nothing on the register.
pub fn till_idle(desktop: &Desktop) -> bool {
    match desktop.register() {
        Ok(register) => {
            register.till.signed_in().is_none() && sale_in_progress(&register, desktop).is_none()
        }
        Err(_) => true,
    }
}

fn field(release: &serde_json::Value, name: &str) -> Option<String> {
    release
        .get(name)
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

/// Whether version `a` is newer than `b` (semver; a leading `v` allowed).
fn newer(a: &str, b: &str) -> bool {
    let parse = |v: &str| semver::Version::parse(v.trim_start_matches('v')).ok();
    match (parse(a), parse(b)) {
        (Some(a), Some(b)) => a > b,
        _ => false,
    }
}

/// Keeps a verified package and its release for installing: written to a fresh folder, synced,
/// then put in place of any older one, so a crash leaves either the old update or the new one.
fn stage(dir: &Path, update: &Update, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let incoming = tempfile::Builder::new()
        .prefix("incoming")
        .tempdir_in(dir)?;
    let write = |name: &str, data: &[u8]| -> std::io::Result<()> {
        let mut f = std::fs::File::create(incoming.path().join(name))?;
        std::io::Write::write_all(&mut f, data)?;
        f.sync_all()
    };
    // The manifest's answer as it came, with the chosen package's own address and signature:
    // what `restore_update` needs to check the package again before installing it.
    let mut release = update.raw_json.clone();
    if let Some(map) = release.as_object_mut() {
        map.insert("version".into(), update.version.clone().into());
    }
    write(RELEASE_FILE, &serde_json::to_vec_pretty(&release)?)?;
    write(PACKAGE_FILE, bytes)?;
    let ready = dir.join(READY);
    if ready.exists() {
        std::fs::remove_dir_all(&ready)?;
    }
    let kept = incoming.keep();
    std::fs::rename(&kept, &ready)?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// The waiting update's release and package, if one is waiting.
fn read_ready(dir: &Path) -> std::io::Result<Option<(serde_json::Value, Vec<u8>)>> {
    let ready = dir.join(READY);
    let release = match std::fs::read(ready.join(RELEASE_FILE)) {
        Ok(r) => r,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let release = serde_json::from_slice(&release)?;
    let package = std::fs::read(ready.join(PACKAGE_FILE))?;
    Ok(Some((release, package)))
}

fn remove_ready(dir: &Path) {
    let ready = dir.join(READY);
    if let Err(e) = std::fs::remove_dir_all(&ready) {
        if e.kind() != std::io::ErrorKind::NotFound {
            tracing::warn!(error = %e, dir = %ready.display(), "could not remove a used update");
        }
    }
}

#[cfg(test)]
mod tests;
