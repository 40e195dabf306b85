//! A throwaway PostgreSQL cluster for the relay's tests: Debian's server binaries on a temp data
//! dir, listening on a free loopback port only, shared by the tests of one process (one database
//! each) and stopped when the last of them is done. Missing binaries fail the test: the relay's
//! PostgreSQL store must not ship untested.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Where the server binaries are when not under Debian's `/usr/lib/postgresql/N/bin`.
const BIN_VAR: &str = "VERSAPOS_TEST_PG_BIN";

static SHARED: Mutex<Weak<Cluster>> = Mutex::new(Weak::new());
static DATABASES: AtomicU32 = AtomicU32::new(0);

pub struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    /// With TLS only: the CA the server's certificate chains to (PEM); connections in the clear
    /// are refused.
    tls_ca: Option<String>,
    /// `Some(user)` when the tests run as root: the server refuses root and runs as this user.
    user: Option<String>,
    server: Option<JoinHandle<()>>,
}

impl Cluster {
    /// The process's cluster, started on first use.
    pub fn shared() -> Arc<Cluster> {
        let mut slot = SHARED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(cluster) = slot.upgrade() {
            return cluster;
        }
        let cluster = Arc::new(Cluster::start(None));
        *slot = Arc::downgrade(&cluster);
        cluster
    }

    /// A cluster of its own that speaks TLS only, with the server certificate and key given
    /// (PEM, for `localhost`) and `ca` the PEM of the CA that signed it.
    pub fn start_tls(cert: &str, key: &str, ca: &str) -> Cluster {
        Cluster::start(Some((cert, key, ca)))
    }

    fn start(tls: Option<(&str, &str, &str)>) -> Cluster {
        let bin = server_bin();
        let dir = tempfile::tempdir().expect("a temp dir for the PostgreSQL cluster");
        let user = is_root().then(|| "postgres".to_string());
        if let Some(user) = &user {
            let uid = id(user, "-u");
            let gid = id(user, "-g");
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid))
                .expect("the cluster's folder is handed to the postgres user");
        }
        let data = dir.path().join("data");
        let mut cluster = Cluster {
            dir,
            bin,
            port: free_port(),
            tls_ca: tls.map(|(_, _, ca)| ca.to_string()),
            user,
            server: None,
        };
        let out = cluster
            .command("initdb")
            .arg("-D")
            .arg(&data)
            .args([
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ])
            .output()
            .expect("initdb runs");
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut tls_args = Vec::new();
        if let Some((cert, key, _)) = tls {
            // The server's certificate and key in its data folder (the key readable by the
            // server's user only), and TLS the only way in.
            for (name, pem) in [("server.crt", cert), ("server.key", key)] {
                let path = data.join(name);
                std::fs::write(&path, pem).expect("the server's TLS files");
                std::fs::set_permissions(
                    &path,
                    std::os::unix::fs::PermissionsExt::from_mode(0o600),
                )
                .expect("the key is private");
                if let Some(user) = &cluster.user {
                    std::os::unix::fs::chown(&path, Some(id(user, "-u")), Some(id(user, "-g")))
                        .expect("the TLS files are the server's");
                }
            }
            std::fs::write(
                data.join("pg_hba.conf"),
                "hostssl all all 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 reject\n",
            )
            .expect("TLS-only access rules");
            tls_args = vec![
                "-c".to_string(),
                "ssl=on".to_string(),
                "-c".to_string(),
                "ssl_cert_file=server.crt".to_string(),
                "-c".to_string(),
                "ssl_key_file=server.key".to_string(),
            ];
        }
        let log = std::fs::File::create(cluster.dir.path().join("server.log"))
            .expect("the server's log file");
        // Run in the foreground (not `pg_ctl start`, which detaches) so that the server dies with
        // the test process even when a test aborts; `--pdeathsig` ties it to the thread below,
        // which lives exactly as long as the server.
        let mut server = cluster.command("postgres");
        server
            .arg("-D")
            .arg(&data)
            .args(["-c", "listen_addresses=127.0.0.1"])
            .args(["-c", "unix_socket_directories="])
            .args(["-c", "max_connections=300"])
            .args(["-p", &cluster.port.to_string()])
            .args(&tls_args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log);
        let (started, spawned) = std::sync::mpsc::channel();
        cluster.server = Some(std::thread::spawn(move || match server.spawn() {
            Ok(mut child) => {
                let _ = started.send(Ok(()));
                let _ = child.wait();
            }
            Err(e) => {
                let _ = started.send(Err(e));
            }
        }));
        spawned
            .recv()
            .expect("the server thread reports")
            .expect("the PostgreSQL server starts");
        cluster.wait_ready();
        cluster
    }

    /// `program` from the server's bin folder, run as the server's user when the tests are root.
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        let mut command = Command::new("setpriv");
        if let Some(user) = &self.user {
            command.args(["--reuid", user, "--regid", user, "--init-groups"]);
        }
        command.args(["--pdeathsig", "QUIT", "--"]).arg(path);
        command
    }

    /// An admin connection to `database` (over TLS, trusting the test CA, on a TLS cluster).
    fn admin(&self, database: &str) -> Result<postgres::Client, postgres::Error> {
        match &self.tls_ca {
            None => postgres::Client::connect(&self.url(database), postgres::NoTls),
            Some(ca) => {
                let mut roots = rustls::RootCertStore::empty();
                use rustls::pki_types::pem::PemObject;
                for cert in rustls::pki_types::CertificateDer::pem_slice_iter(ca.as_bytes()) {
                    roots.add(cert.expect("the test CA")).expect("a CA");
                }
                let config = rustls::ClientConfig::builder_with_provider(Arc::new(
                    rustls::crypto::ring::default_provider(),
                ))
                .with_safe_default_protocol_versions()
                .expect("TLS versions")
                .with_root_certificates(roots)
                .with_no_client_auth();
                postgres::Client::connect(
                    &self.url(database),
                    tokio_postgres_rustls::MakeRustlsConnect::new(config),
                )
            }
        }
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            match self.admin("postgres") {
                Ok(_) => return,
                Err(e) if Instant::now() > deadline => {
                    let log = std::fs::read_to_string(self.dir.path().join("server.log"))
                        .unwrap_or_default();
                    panic!("PostgreSQL did not accept connections: {e}\n{log}");
                }
                Err(_) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    }

    /// The database's URL: by address, or on a TLS cluster by the certificate's name with
    /// `sslmode=require`.
    pub fn url(&self, database: &str) -> String {
        match self.tls_ca {
            None => format!("postgres://postgres@127.0.0.1:{}/{database}", self.port),
            Some(_) => format!(
                "postgres://postgres@localhost:{}/{database}?sslmode=require",
                self.port
            ),
        }
    }

    /// The cluster's data folder: every file the server writes.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// A new, empty database; its URL.
    pub fn create_database(&self) -> String {
        let name = format!(
            "relay_{}_{}",
            std::process::id(),
            DATABASES.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = self
            .admin("postgres")
            .expect("the cluster's admin connection");
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("a database for the test");
        self.url(&name)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .arg("stop")
            .arg("-D")
            .arg(self.data_dir())
            .args(["-m", "immediate", "-w"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if let Some(server) = self.server.take() {
            let _ = server.join();
        }
    }
}

/// The newest `/usr/lib/postgresql/N/bin` holding `initdb`, or `$VERSAPOS_TEST_PG_BIN`.
fn server_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os(BIN_VAR) {
        return PathBuf::from(bin);
    }
    let root = Path::new("/usr/lib/postgresql");
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    found.sort();
    match found.pop() {
        Some((_, bin)) => bin,
        None => panic!(
            "no PostgreSQL server binaries in {}/N/bin (install Debian's postgresql package: \
             scripts/setup) and {BIN_VAR} is not set",
            root.display()
        ),
    }
}

fn is_root() -> bool {
    let out = Command::new("id").arg("-u").output().expect("id runs");
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

fn id(user: &str, flag: &str) -> u32 {
    let out = Command::new("id")
        .args([flag, user])
        .output()
        .expect("id runs");
    assert!(
        out.status.success(),
        "no {user:?} user to run PostgreSQL as (Debian's postgresql package creates it)"
    );
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("a numeric id")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
        .port()
}
