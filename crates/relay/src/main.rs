//! `versapos-relay`: runs the webhook relay and administers its shops, tills and secrets.
//!
//! Exit codes: 0 success, 2 bad input (the message names the field), 1 anything else.
//!
//! Webhook signing secrets are stored sealed with the master key in `VERSAPOS_RELAY_MASTER_KEY`;
//! the commands that touch them (`serve`, `secrets …`) refuse to run without it. A signing
//! secret is read from `VERSAPOS_RELAY_SECRET` or stdin, never from the command line (where `ps`
//! and the shell's history would show it).

use clap::{Parser, Subcommand};
use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use versapos_relay::names::{InvalidInput, ShopName, TillName, TillToken, WebhookSecret};
use versapos_relay::postgresql::{is_postgres_url, PgSettings, PostgresStore};
use versapos_relay::sealed::{MasterKey, MasterKeyError, UnsealError};
use versapos_relay::sqlite::SqliteStore;
use versapos_relay::store::{EventStore, SecretRow, StoreError};
use versapos_relay::Limits;
use zeroize::Zeroizing;

#[derive(Parser)]
#[command(
    name = "versapos-relay",
    version,
    about = "VersaTalent POS webhook relay"
)]
struct Cli {
    /// The relay's database: a SQLite file (created if missing), or a PostgreSQL URL
    /// (`postgres://user:password@host:port/dbname`) for several relay instances sharing one
    /// database. Every command but `master-key` needs it.
    #[arg(long, env = "VERSAPOS_RELAY_DB")]
    db: Option<PathBuf>,
    /// On PostgreSQL: the longest a statement, a lock wait, a transaction left idle, an
    /// unanswered packet or a wait for a free connection may take. A webhook that hits it is
    /// answered 503 (Stripe sends it again), and an instance that hangs or loses its network
    /// holds up the others for no longer.
    #[arg(long, global = true, env = "VERSAPOS_RELAY_DB_TIMEOUT", value_name = "SECONDS",
          default_value_t = PgSettings::DEFAULT_TIMEOUT_SECS,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    db_timeout: u64,
    /// On PostgreSQL: the most database connections this instance keeps open for requests
    /// (besides one for storing webhooks and one listening for other instances' news).
    #[arg(long, global = true, env = "VERSAPOS_RELAY_DB_CONNECTIONS", value_name = "N",
          default_value_t = PgSettings::DEFAULT_CONNECTIONS as u64,
          value_parser = clap::value_parser!(u64).range(1..=10_000))]
    db_connections: u64,
    /// On PostgreSQL: how often at most, in milliseconds, an instance tells the others of the
    /// events it stored (their long polls wake then). Hidden: the default suits; tests lengthen
    /// it to see that what is held back is told.
    #[arg(long, global = true, hide = true, env = "VERSAPOS_RELAY_DB_TELL_EVERY_MS",
          value_name = "MS", default_value_t = PgSettings::DEFAULT_TELL_EVERY_MS,
          value_parser = clap::value_parser!(u64).range(1..=10_000))]
    db_tell_every_ms: u64,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve webhooks and tills until SIGTERM or Ctrl-C.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8787")]
        listen: SocketAddr,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Shops, each with its own webhook endpoint.
    #[command(subcommand)]
    Shops(ShopsCommand),
    /// Tills and their access tokens.
    #[command(subcommand)]
    Tills(TillsCommand),
    /// A shop's webhook signing secrets (several may be active at once).
    #[command(subcommand)]
    Secrets(SecretsCommand),
    /// Prints a fresh master key to put in the service's environment as VERSAPOS_RELAY_MASTER_KEY.
    MasterKey,
}

/// `serve`'s limits on its clients (see `Limits`); each also from its environment variable.
#[derive(clap::Args)]
struct LimitArgs {
    /// The most client connections open at once (lowered to fit the open-file limit).
    #[arg(long, env = "VERSAPOS_RELAY_MAX_CONNECTIONS", value_name = "N",
          default_value_t = Limits::DEFAULT_MAX_CONNECTIONS as u64,
          value_parser = clap::value_parser!(u64).range(1..))]
    max_connections: u64,
    /// Seconds a request's head (request line and headers) may take to arrive.
    #[arg(long, env = "VERSAPOS_RELAY_HEADER_TIMEOUT", value_name = "SECONDS",
          default_value_t = Limits::DEFAULT_HEADER_TIMEOUT_SECS,
          value_parser = clap::value_parser!(u64).range(1..))]
    header_timeout: u64,
    /// Seconds a kept-alive connection may wait for its next request.
    #[arg(long, env = "VERSAPOS_RELAY_IDLE_TIMEOUT", value_name = "SECONDS",
          default_value_t = Limits::DEFAULT_IDLE_TIMEOUT_SECS,
          value_parser = clap::value_parser!(u64).range(1..))]
    idle_timeout: u64,
    /// Seconds one request may take, its body included (long polls wait less than this).
    #[arg(long, env = "VERSAPOS_RELAY_REQUEST_TIMEOUT", value_name = "SECONDS",
          default_value_t = Limits::DEFAULT_REQUEST_TIMEOUT_SECS,
          value_parser = clap::value_parser!(u64).range(2..))]
    request_timeout: u64,
    /// The most long polls one till holds open at once.
    #[arg(long, env = "VERSAPOS_RELAY_LONG_POLLS_PER_TILL", value_name = "N",
          default_value_t = Limits::DEFAULT_LONG_POLLS_PER_TILL as u64,
          value_parser = clap::value_parser!(u64).range(1..))]
    long_polls_per_till: u64,
    /// The most long polls one shop's tills hold open at once.
    #[arg(long, env = "VERSAPOS_RELAY_LONG_POLLS_PER_SHOP", value_name = "N",
          default_value_t = Limits::DEFAULT_LONG_POLLS_PER_SHOP as u64,
          value_parser = clap::value_parser!(u64).range(1..))]
    long_polls_per_shop: u64,
    /// Seconds a stopping relay waits for requests in flight before it exits anyway.
    #[arg(long, env = "VERSAPOS_RELAY_SHUTDOWN_TIMEOUT", value_name = "SECONDS",
          default_value_t = Limits::DEFAULT_SHUTDOWN_TIMEOUT_SECS,
          value_parser = clap::value_parser!(u64).range(1..))]
    shutdown_timeout: u64,
}

impl LimitArgs {
    fn limits(&self) -> Limits {
        let count = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        Limits {
            max_connections: count(self.max_connections),
            header_timeout: Duration::from_secs(self.header_timeout),
            idle_timeout: Duration::from_secs(self.idle_timeout),
            request_timeout: Duration::from_secs(self.request_timeout),
            long_polls_per_till: count(self.long_polls_per_till),
            long_polls_per_shop: count(self.long_polls_per_shop),
            shutdown_timeout: Duration::from_secs(self.shutdown_timeout),
        }
    }
}

#[derive(Subcommand)]
enum ShopsCommand {
    Add { name: String },
    List,
}

#[derive(Subcommand)]
enum TillsCommand {
    /// Adds a till and prints its token; only its hash is kept, so this is the one chance to copy it.
    Add {
        shop: String,
        name: String,
    },
    Revoke {
        shop: String,
        name: String,
    },
}

/// Where a signing secret is read from, instead of the command line.
const SECRET_VAR: &str = "VERSAPOS_RELAY_SECRET";

#[derive(Subcommand)]
enum SecretsCommand {
    /// Adds a shop's signing secret, read from VERSAPOS_RELAY_SECRET or else one line of stdin.
    Add {
        shop: String,
        /// Refused: a secret on the command line shows in `ps` and the shell's history.
        #[arg(hide = true)]
        secret: Option<String>,
    },
    /// Retires the active secret with this exact value, read like `add`'s.
    Retire {
        shop: String,
        #[arg(hide = true)]
        secret: Option<String>,
    },
    /// Every shop's secrets by their last four characters, active or retired.
    List,
}

#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("--db: no database given (pass --db PATH or set VERSAPOS_RELAY_DB)")]
    NoDatabase,
    #[error(transparent)]
    MasterKey(#[from] MasterKeyError),
    #[error(transparent)]
    Unseal(#[from] UnsealError),
    #[error("listen: could not listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the server stopped: {0}")]
    Serve(std::io::Error),
    #[error(
        "secret: not taken on the command line, where `ps` and the shell's history show it; \
         pipe it on stdin (`printf '%s\\n' \"$SECRET\" | versapos-relay secrets add SHOP`) \
         or set {SECRET_VAR}"
    )]
    SecretOnCommandLine,
    #[error("secret: none given; pipe it on stdin or set {SECRET_VAR}")]
    NoSecret,
    #[error("secret: stdin could not be read: {0}")]
    ReadSecret(std::io::Error),
}

impl CliError {
    fn exit_code(&self) -> ExitCode {
        let bad_input = match self {
            CliError::Invalid(_)
            | CliError::NoDatabase
            | CliError::MasterKey(_)
            | CliError::SecretOnCommandLine
            | CliError::NoSecret
            | CliError::ReadSecret(_) => true,
            CliError::Store(e) => e.field().is_some(),
            CliError::Unseal(_) | CliError::Listen { .. } | CliError::Serve(_) => false,
        };
        ExitCode::from(if bad_input { 2 } else { 1 })
    }

    fn message(&self) -> String {
        match self {
            CliError::Store(e) => match e.field() {
                Some(field) => format!("{field}: {e}"),
                None => e.to_string(),
            },
            other => other.to_string(),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", e.message());
            e.exit_code()
        }
    }
}

fn run(cli: Cli) -> Result<(), CliError> {
    let now = versapos_relay::system_clock();
    let db = || cli.db.as_deref().ok_or(CliError::NoDatabase);
    let settings = PgSettings {
        timeout: Duration::from_secs(cli.db_timeout),
        connections: usize::try_from(cli.db_connections).unwrap_or(usize::MAX),
        tell_every: Duration::from_millis(cli.db_tell_every_ms),
    };
    // Each command checks its input (the master key included) before opening the database, so a
    // typo creates no file.
    match cli.command {
        Command::MasterKey => {
            println!("{}", MasterKey::generate().expose_hex().as_str());
            Ok(())
        }
        Command::Serve { listen, limits } => {
            let (db, key) = (db()?, MasterKey::from_env()?);
            versapos_relay::logging::init();
            let limits = fit_open_files(limits.limits());
            let store = open_store(db, settings)?;
            open_all(store.as_ref(), &key)?;
            serve(store, Arc::new(key), listen, limits)
        }
        Command::Shops(ShopsCommand::Add { name }) => {
            let name = ShopName::parse(&name)?;
            open_store(db()?, settings)?.add_shop(&name, now)?;
            println!("added shop {}", name.as_str());
            Ok(())
        }
        Command::Shops(ShopsCommand::List) => {
            for shop in open_store(db()?, settings)?.shops()? {
                println!(
                    "{}\tsecrets={}\ttills={}\tevents={}",
                    shop.name, shop.active_secrets, shop.live_tills, shop.events
                );
            }
            Ok(())
        }
        Command::Tills(TillsCommand::Add { shop, name }) => {
            let (shop, till) = (ShopName::parse(&shop)?, TillName::parse(&name)?);
            let token = TillToken::generate();
            open_store(db()?, settings)?.add_till(&shop, &till, &token.hash(), now)?;
            eprintln!(
                "added till {} to shop {}; its token (shown once):",
                till.as_str(),
                shop.as_str()
            );
            println!("{}", token.expose());
            Ok(())
        }
        Command::Tills(TillsCommand::Revoke { shop, name }) => {
            let (shop, till) = (ShopName::parse(&shop)?, TillName::parse(&name)?);
            open_store(db()?, settings)?.revoke_till(&shop, &till, now)?;
            println!("revoked till {} of shop {}", till.as_str(), shop.as_str());
            Ok(())
        }
        Command::Secrets(SecretsCommand::Add { shop, secret }) => {
            refuse_on_command_line(secret)?;
            let (shop, key) = (ShopName::parse(&shop)?, MasterKey::from_env()?);
            let (secret, db) = (read_secret()?, db()?);
            let store = open_store(db, settings)?;
            // One database, one master key: refuse to seal under a key that cannot open the rest.
            open_all(store.as_ref(), &key)?;
            store.add_secret(&shop, &key.seal(&shop, &secret), &secret.last4(), now)?;
            println!("added secret …{} to shop {}", secret.last4(), shop.as_str());
            Ok(())
        }
        Command::Secrets(SecretsCommand::Retire { shop, secret }) => {
            refuse_on_command_line(secret)?;
            let (shop, key) = (ShopName::parse(&shop)?, MasterKey::from_env()?);
            let (secret, db) = (read_secret()?, db()?);
            let store = open_store(db, settings)?;
            // Under another key the fingerprint would match nothing; say why instead.
            open_all(store.as_ref(), &key)?;
            store.retire_secret(&shop, &key.fingerprint(&secret), &secret.last4(), now)?;
            println!(
                "retired secret …{} of shop {}",
                secret.last4(),
                shop.as_str()
            );
            Ok(())
        }
        Command::Secrets(SecretsCommand::List) => {
            let (db, key) = (db()?, MasterKey::from_env()?);
            for (row, secret) in open_all(open_store(db, settings)?.as_ref(), &key)? {
                let state = match row.retired_at {
                    Some(at) if !row.active => format!("retired_at={at}"),
                    _ => "active".to_string(),
                };
                println!(
                    "{}\t…{}\tadded_at={}\t{state}",
                    row.shop,
                    secret.last4(),
                    row.added_at
                );
            }
            Ok(())
        }
    }
}

/// A secret given as an argument is refused, and not echoed; what was typed is wiped.
fn refuse_on_command_line(secret: Option<String>) -> Result<(), CliError> {
    match secret.map(Zeroizing::new) {
        Some(_) => Err(CliError::SecretOnCommandLine),
        None => Ok(()),
    }
}

/// The signing secret from `VERSAPOS_RELAY_SECRET`, else the first line of stdin, trimmed.
fn read_secret() -> Result<WebhookSecret, CliError> {
    let given = std::env::var(SECRET_VAR)
        .ok()
        .map(Zeroizing::new)
        .filter(|v| !v.trim().is_empty());
    let text = match given {
        Some(text) => text,
        None => {
            let stdin = std::io::stdin();
            if stdin.is_terminal() {
                // Typed at a terminal: not shown while it is typed.
                Zeroizing::new(
                    rpassword::prompt_password("the signing secret (whsec_…): ")
                        .map_err(CliError::ReadSecret)?,
                )
            } else {
                let mut line = Zeroizing::new(String::new());
                stdin
                    .lock()
                    .read_line(&mut line)
                    .map_err(CliError::ReadSecret)?;
                line
            }
        }
    };
    match text.trim() {
        "" => Err(CliError::NoSecret),
        secret => Ok(WebhookSecret::parse(secret)?),
    }
}

/// Descriptors the relay needs beside its client connections: connections waiting for a place,
/// the database's files and connections, the log, the listener.
#[cfg(unix)]
const SPARE_FILES: u64 = 128;

/// Raises the open-file limit to what `limits` needs when the system allows it, else lowers the
/// connection cap to fit: running out of descriptors would stop the relay accepting anyone.
#[cfg(unix)]
fn fit_open_files(mut limits: Limits) -> Limits {
    use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
    let connections = u64::try_from(limits.max_connections).unwrap_or(u64::MAX);
    let wanted = connections.saturating_add(SPARE_FILES);
    let now = getrlimit(Resource::Nofile);
    let Some(soft) = now.current else {
        return limits;
    };
    if soft >= wanted {
        return limits;
    }
    let raised = now.maximum.map_or(wanted, |hard| hard.min(wanted));
    if raised > soft {
        let _ = setrlimit(
            Resource::Nofile,
            Rlimit {
                current: Some(raised),
                maximum: now.maximum,
            },
        );
    }
    let soft = getrlimit(Resource::Nofile).current.unwrap_or(wanted);
    if soft < wanted {
        let fits = soft.saturating_sub(SPARE_FILES).max(1);
        tracing::warn!(
            asked = connections,
            open_files = soft,
            max_connections = fits,
            "the open-file limit is too low for --max-connections; taking fewer connections"
        );
        limits.max_connections = usize::try_from(fits).unwrap_or(1);
    }
    limits
}

#[cfg(not(unix))]
fn fit_open_files(limits: Limits) -> Limits {
    limits
}

/// The store `db` names: a PostgreSQL URL, else a SQLite file.
fn open_store(db: &Path, settings: PgSettings) -> Result<Arc<dyn EventStore>, CliError> {
    Ok(match db.to_str().filter(|db| is_postgres_url(db)) {
        Some(url) => Arc::new(PostgresStore::open_with(url, settings)?),
        None => Arc::new(SqliteStore::open(db)?),
    })
}

/// Opens every stored secret, so a wrong master key is caught before anything runs or is
/// written; the error names the first shop whose secret did not open.
fn open_all(
    store: &dyn EventStore,
    key: &MasterKey,
) -> Result<Vec<(SecretRow, WebhookSecret)>, CliError> {
    store
        .secrets()?
        .into_iter()
        .map(|row| {
            let secret = key.open(&row.shop, &row.secret)?;
            Ok((row, secret))
        })
        .collect()
}

fn serve(
    store: Arc<dyn EventStore>,
    key: Arc<MasterKey>,
    addr: SocketAddr,
    limits: Limits,
) -> Result<(), CliError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(CliError::Serve)?;
    let served = Arc::clone(&store);
    let outcome = runtime.block_on(async move {
        let store = served;
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| CliError::Listen { addr, source })?;
        let bound = listener
            .local_addr()
            .map_err(|source| CliError::Listen { addr, source })?;
        // Scripts and tests read the bound address (the port may have been 0) from this line.
        println!("listening on {bound}");
        tracing::info!(%bound, ?limits, "relay listening");
        versapos_relay::serve(listener, store, key, limits, shutdown_signal())
            .await
            .map_err(CliError::Serve)
    });
    // The last reference to the store is dropped here, outside the async runtime: PostgreSQL
    // connections run their own I/O and cannot be closed from inside it. A store call still
    // running (a database that stopped answering) is not waited for past the deadline.
    runtime.shutdown_timeout(Duration::from_secs(1));
    drop(store);
    outcome
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
}
