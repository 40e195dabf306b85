//! Updates served by a real HTTP server on this machine, signed by the Tauri CLI's signer (the
//! tool the release workflow signs with) and described by `scripts/update-manifest` (the
//! workflow's manifest writer), checked by Tauri's updater plugin in a mock app: a signed package
//! is downloaded, kept and installed; a tampered one, an unsigned one, one signed with another
//! key and one signed for another version are refused and leave nothing behind; an update never
//! installs while a sale is on the register.
//!
//! The stand-in "installed app" is a file the update replaces (how the updater installs on a
//! Linux till without a package manager); the package is an ELF stand-in, as it checks.

use super::{UpdateState, Updates};
use crate::state::Desktop;
use serde_json::json;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::App;

const REPO: &str = env!("CARGO_MANIFEST_DIR");
/// The mock app's version (tauri's test context).
const RUNNING: &str = "0.1.0";
const INSTALLED_APP: &[u8] = b"\x7fELF\x02\x01\x01\0 VersaTalent POS 0.1.0 (installed)";

/// An ELF stand-in of the new app (the updater checks the magic and a full ELF header's length).
fn new_app(version: &str) -> Vec<u8> {
    let mut bytes =
        format!("\x7fELF\x02\x01\x01\0 VersaTalent POS {version} (the update)").into_bytes();
    bytes.resize(256, 0);
    bytes
}

/// The Tauri CLI from tests/update-signing, installed from its lock file the first time. The
/// tests run in processes of their own at once: one installs while the others wait on a file
/// lock, then find it there.
fn tauri_cli() -> PathBuf {
    let dir = Path::new(REPO).join("tests/update-signing");
    let bin = dir.join("node_modules/.bin/tauri");
    let lock = std::fs::File::create(std::env::temp_dir().join("versapos-update-signing.lock"))
        .expect("the install lock's file");
    lock.lock().expect("the install lock");
    if !bin.exists() {
        let status = Command::new("npm")
            .arg("--prefix")
            .arg(&dir)
            .args(["ci", "--no-audit", "--no-fund"])
            .status()
            .expect("npm is needed to install the Tauri CLI for the update tests");
        assert!(status.success(), "npm ci in {} failed", dir.display());
    }
    bin
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("the command starts");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A signing key pair made by `tauri signer generate`: (private key file, public key as the
/// config holds it).
fn signing_key(dir: &Path, name: &str) -> (PathBuf, String) {
    let key = dir.join(name);
    run(Command::new(tauri_cli())
        .args(["signer", "generate", "--ci", "-p", "", "-f", "-w"])
        .arg(&key));
    let public = std::fs::read_to_string(key.with_extension("key.pub"))
        .or_else(|_| std::fs::read_to_string(format!("{}.pub", key.display())))
        .expect("the public key is written beside the private one");
    (key, public.trim().to_string())
}

/// Signs `file` for `version` with `key` (writes `file.sig`), as the release workflow does.
fn sign(file: &Path, key: &Path, version: &str) {
    run(Command::new(tauri_cli())
        .args(["signer", "sign", "-p", "", "--app-version", version, "-f"])
        .arg(key)
        .arg(file));
}

/// Writes `latest.json` for `version` with `scripts/update-manifest`.
fn manifest(served: &Path, version: &str, package: &str, base: &str) {
    run(
        Command::new(Path::new(REPO).join("scripts/update-manifest"))
            .args(["--version", version, "--notes", "Faster receipts."])
            .args(["--base-url", base, "--out"])
            .arg(served.join("latest.json"))
            .arg(format!("linux-x86_64={}", served.join(package).display())),
    );
}

/// A static file server on 127.0.0.1 for one folder; counts the requests per path.
struct Server {
    base: String,
    hits: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(root: PathBuf) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a local port");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let hits = Arc::new(Mutex::new(Vec::new()));
        let log = hits.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut request = String::new();
                if reader.read_line(&mut request).is_err() {
                    continue;
                }
                let mut header = String::new();
                while reader.read_line(&mut header).is_ok() && header.trim() != "" {
                    header.clear();
                }
                let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
                log.lock().expect("log").push(path.clone());
                let file = root.join(path.trim_start_matches('/').split('?').next().unwrap_or(""));
                let response = match std::fs::read(&file) {
                    Ok(body) if file.is_file() => {
                        let mut r = format!(
                            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        )
                        .into_bytes();
                        r.extend(body);
                        r
                    }
                    _ => {
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .to_vec()
                    }
                };
                let _ = stream.write_all(&response);
            }
        });
        Server { base, hits }
    }

    fn downloads(&self, name: &str) -> usize {
        let hits = self.hits.lock().expect("log");
        hits.iter().filter(|p| p.ends_with(name)).count()
    }
}

/// A till with the updater plugin trusting the release key made for it, a release folder served
/// over HTTP, a stand-in installed app, and the updates folder.
struct Shop {
    dir: tempfile::TempDir,
    /// The release key's private half (the till trusts its public half).
    key: PathBuf,
    served: PathBuf,
    server: Server,
    app: App<MockRuntime>,
    updates: Updates,
    installed: PathBuf,
}

impl Shop {
    fn new() -> Shop {
        let dir = tempfile::tempdir().expect("temp dir");
        let (key, pubkey) = signing_key(dir.path(), "release.key");
        let served = dir.path().join("served");
        std::fs::create_dir_all(&served).expect("served folder");
        let server = Server::start(served.clone());
        let mut context = mock_context(noop_assets());
        context.config_mut().plugins.0.insert(
            "updater".into(),
            json!({
                "pubkey": pubkey,
                "endpoints": [format!("{}/latest.json", server.base)],
                "requireSignedVersion": true
            }),
        );
        let app = mock_builder()
            .plugin(tauri_plugin_updater::Builder::new().build())
            .build(context)
            .expect("the mock app builds");
        let installed = dir.path().join("installed/versatalent-pos");
        std::fs::create_dir_all(installed.parent().expect("parent")).expect("install folder");
        std::fs::write(&installed, INSTALLED_APP).expect("the installed app");
        let updates =
            Updates::new(dir.path().join("updates"), RUNNING).installing_into(installed.clone());
        Shop {
            dir,
            key,
            served,
            server,
            app,
            updates,
            installed,
        }
    }

    /// Publishes `package` as `version`, signed with `key` for `signed_for`.
    fn publish(&self, version: &str, package: &[u8], key: &Path, signed_for: &str) {
        let name = format!("versatalent-pos_{version}_amd64.bin");
        let file = self.served.join(&name);
        std::fs::write(&file, package).expect("package");
        sign(&file, key, signed_for);
        manifest(&self.served, version, &name, &self.server.base);
    }

    /// Publishes the new app as `version`, signed with the release key for that version.
    fn publish_signed(&self, version: &str) {
        self.publish(version, &new_app(version), &self.key, version);
    }

    /// A release server offering 0.2.0, signed, and the till's check that downloaded it.
    fn with_update_ready() -> Shop {
        let shop = Shop::new();
        shop.publish_signed("0.2.0");
        shop.check().expect("a signed update is accepted");
        shop
    }

    fn package_path(&self, version: &str) -> PathBuf {
        self.served
            .join(format!("versatalent-pos_{version}_amd64.bin"))
    }

    fn check(&self) -> Result<super::UpdateStatus, crate::error::CommandError> {
        tauri::async_runtime::block_on(self.updates.check(self.app.handle(), None))
    }

    /// An open till on a demo store, signed in as the cashier.
    fn till(&self) -> Desktop {
        let mut till = versapos_till::Till::open(&self.dir.path().join("store.db")).expect("store");
        till.create_demo().expect("demo shop");
        till.sign_in("Casey", "3000").expect("cashier signs in");
        Desktop::new(till)
    }

    fn install(&self, desktop: &Desktop) -> Result<Option<String>, crate::error::CommandError> {
        self.updates.install_ready(self.app.handle(), desktop, None)
    }

    fn installed_app(&self) -> Vec<u8> {
        std::fs::read(&self.installed).expect("the installed app")
    }

    fn kept(&self) -> bool {
        self.dir.path().join("updates/ready").exists()
    }
}

#[test]
fn a_signed_update_is_downloaded_verified_kept_and_installed() {
    let shop = Shop::new();
    shop.publish_signed("0.2.0");

    let status = shop.check().expect("a signed update is accepted");
    assert_eq!(status.state, UpdateState::Ready);
    assert_eq!(status.version.as_deref(), Some("0.2.0"));
    assert_eq!(status.notes.as_deref(), Some("Faster receipts."));
    assert_eq!(status.current_version, RUNNING);
    assert!(status.checked_at.is_some());
    assert!(shop.kept(), "kept for installing");
    assert_eq!(
        shop.installed_app(),
        INSTALLED_APP,
        "nothing installed by a check"
    );

    // Asking again does not download it twice.
    shop.check().expect("checked again");
    assert_eq!(shop.server.downloads("0.2.0_amd64.bin"), 1);

    // A restart of the till (a new Updates on the same folder) still knows it is waiting.
    let again = Updates::new(shop.dir.path().join("updates"), RUNNING);
    assert_eq!(again.status().state, UpdateState::Ready);
    assert_eq!(again.ready_version().as_deref(), Some("0.2.0"));

    let desktop = shop.till();
    let installed = shop.install(&desktop).expect("installed");
    assert_eq!(installed.as_deref(), Some("0.2.0"));
    assert_eq!(
        shop.installed_app(),
        new_app("0.2.0"),
        "the app is the new version"
    );
    assert!(!shop.kept(), "the installed package is not kept");
    assert_eq!(shop.updates.status().state, UpdateState::Installing);
    assert_eq!(
        shop.install(&desktop).expect("nothing waits"),
        None,
        "nothing installs twice"
    );
}

#[test]
fn a_tampered_package_is_refused_and_nothing_is_kept() {
    let shop = Shop::new();
    shop.publish_signed("0.2.0");
    // One byte changed on the server after signing.
    let path = shop.package_path("0.2.0");
    let mut bytes = std::fs::read(&path).expect("package");
    let last = bytes.len() - 2;
    bytes[last] ^= 0x20;
    std::fs::write(&path, bytes).expect("tampered");

    let e = shop.check().expect_err("a tampered package is refused");
    assert_eq!(e.code, "update_refused", "{e}");
    assert!(
        e.message.contains("0.2.0") && e.message.contains("not signed"),
        "{e}"
    );
    let status = shop.updates.status();
    assert_eq!(status.state, UpdateState::Refused);
    assert_eq!(status.version.as_deref(), Some("0.2.0"));
    assert!(!shop.kept(), "nothing kept");
    assert_eq!(shop.installed_app(), INSTALLED_APP);
    assert_eq!(
        shop.install(&shop.till()).expect("nothing to install"),
        None
    );
    assert_eq!(shop.installed_app(), INSTALLED_APP, "nothing installed");
}

#[test]
fn an_unsigned_package_or_one_signed_with_another_key_is_refused() {
    let shop = Shop::new();
    let (stranger, _) = signing_key(shop.dir.path(), "stranger.key");

    // Signed, but not with the key the app trusts.
    shop.publish("0.2.0", &new_app("0.2.0"), &stranger, "0.2.0");
    let e = shop
        .check()
        .expect_err("another key's signature is refused");
    assert_eq!(e.code, "update_refused", "{e}");
    assert!(!shop.kept());

    // No signature at all: the manifest's signature is empty.
    shop.publish_signed("0.2.0");
    let latest = shop.served.join("latest.json");
    let mut m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&latest).expect("manifest")).expect("json");
    m["platforms"]["linux-x86_64"]["signature"] = json!("");
    std::fs::write(&latest, serde_json::to_vec(&m).expect("json")).expect("unsigned manifest");
    let e = shop.check().expect_err("an unsigned package is refused");
    assert_eq!(e.code, "update_refused", "{e}");
    assert_eq!(shop.updates.status().state, UpdateState::Refused);

    // A manifest entry with no signature field is not a release the till accepts either.
    m["platforms"]["linux-x86_64"]
        .as_object_mut()
        .expect("entry")
        .remove("signature");
    std::fs::write(&latest, serde_json::to_vec(&m).expect("json")).expect("no signature field");
    let e = shop.check().expect_err("no signature is refused");
    assert_eq!(e.code, "update_failed", "{e}");
    assert!(!shop.kept());
    assert_eq!(shop.installed_app(), INSTALLED_APP, "nothing installed");
}

#[test]
fn an_old_signed_package_announced_as_a_new_version_is_refused() {
    let shop = Shop::new();
    // A genuine package of 0.1.5, announced as 0.3.0 (a downgrade in disguise).
    let name = "versatalent-pos_0.3.0_amd64.bin";
    let file = shop.served.join(name);
    std::fs::write(&file, new_app("0.1.5")).expect("package");
    sign(&file, &shop.key, "0.1.5");
    let out = Command::new(Path::new(REPO).join("scripts/update-manifest"))
        .args([
            "--version",
            "0.3.0",
            "--base-url",
            &shop.server.base,
            "--out",
        ])
        .arg(shop.served.join("latest.json"))
        .arg(format!("linux-x86_64={}", file.display()))
        .output()
        .expect("update-manifest runs");
    assert_eq!(
        out.status.code(),
        Some(2),
        "the manifest writer refuses it too"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("0.1.5"));
    // Written by hand instead.
    let sig = std::fs::read_to_string(file.with_extension("bin.sig")).expect("sig");
    let m = json!({"version": "0.3.0", "platforms": {"linux-x86_64": {
        "signature": sig, "url": format!("{}/{name}", shop.server.base)}}});
    std::fs::write(shop.served.join("latest.json"), m.to_string()).expect("manifest");

    let e = shop.check().expect_err("refused");
    assert_eq!(e.code, "update_refused", "{e}");
    assert!(!shop.kept());
}

#[test]
fn a_package_changed_on_disk_while_waiting_is_refused_at_install() {
    let shop = Shop::with_update_ready();
    let package = shop.dir.path().join("updates/ready/package");
    let mut bytes = std::fs::read(&package).expect("kept package");
    bytes.push(b'!');
    std::fs::write(&package, bytes).expect("changed on disk");

    let e = shop.install(&shop.till()).expect_err("refused at install");
    assert_eq!(e.code, "update_refused", "{e}");
    assert_eq!(shop.installed_app(), INSTALLED_APP, "the app is untouched");
    assert!(!shop.kept(), "the bad package is thrown away");
    assert_eq!(shop.updates.status().state, UpdateState::Refused);
}

#[test]
fn an_update_never_installs_while_a_sale_is_on_the_register() {
    let shop = Shop::with_update_ready();

    let desktop = shop.till();
    {
        let mut register = desktop.register().expect("register");
        let crate::state::Register { till, sale } = &mut *register;
        let code = till
            .products(None, 0, 1)
            .expect("catalog")
            .first()
            .expect("a demo product")
            .sku
            .clone();
        till.change_sale(sale, |till, cart| {
            till.add_to_cart(cart, &code, 1).map(|_| ())
        })
        .expect("rung up");
    }
    assert!(
        !super::till_idle(&desktop),
        "a sale on the register is not idle"
    );
    let e = shop.install(&desktop).expect_err("waits for the sale");
    assert_eq!(e.code, "sale_in_progress", "{e}");
    assert_eq!(shop.installed_app(), INSTALLED_APP, "the sale goes on");
    assert!(shop.kept(), "still waiting");

    {
        let mut register = desktop.register().expect("register");
        register.sale.clear();
    }
    assert!(
        !super::till_idle(&desktop),
        "signed in with an empty register: not idle yet"
    );
    desktop.register().expect("register").till.sign_out();
    assert!(super::till_idle(&desktop), "locked and empty: idle");
    assert_eq!(
        shop.install(&desktop).expect("installed").as_deref(),
        Some("0.2.0")
    );
    assert_eq!(shop.installed_app(), new_app("0.2.0"));
}

#[test]
fn no_newer_version_means_up_to_date_and_a_dead_server_a_clear_failure() {
    let shop = Shop::new();
    shop.publish_signed(RUNNING);
    let status = shop.check().expect("checked");
    assert_eq!(status.state, UpdateState::UpToDate);
    assert_eq!(shop.server.downloads("_amd64.bin"), 0, "nothing downloaded");

    std::fs::remove_file(shop.served.join("latest.json")).expect("gone");
    let e = shop.check().expect_err("no manifest");
    assert_eq!(e.code, "update_failed", "{e}");
    assert_eq!(shop.updates.status().state, UpdateState::Failed);
    assert!(shop.updates.status().problem.is_some());

    // A server nobody answers at (a port just closed): said in words, not as a transport error.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
    let url = format!("http://{}/latest.json", closed.local_addr().expect("addr"));
    drop(closed);
    let e = tauri::async_runtime::block_on(shop.updates.check(shop.app.handle(), Some(&url)))
        .expect_err("nobody answers");
    assert_eq!(e.code, "update_failed", "{e}");
    assert_eq!(
        shop.updates.status().problem.as_deref(),
        Some("the update server could not be reached (no network, or the server is down); the till tries again later")
    );
}
