//! `versapos-relay`: runs the webhook relay and administers its shops, tills and secrets.
//!
//! Exit codes: 0 success, 2 bad input (the message names the field), 1 anything else.
//!
//! Webhook signing secrets are stored sealed with the master key in `VERSAPOS_RELAY_MASTER_KEY`;
//! the commands that touch them (`serve`, `secrets …`) refuse to run without it.

use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use versapos_relay::names::{InvalidInput, ShopName, TillName, TillToken, WebhookSecret};
use versapos_relay::postgresql::{is_postgres_url, PostgresStore};
use versapos_relay::sealed::{MasterKey, MasterKeyError, UnsealError};
use versapos_relay::sqlite::SqliteStore;
use versapos_relay::store::{EventStore, SecretRow, StoreError};

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
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve webhooks and tills until SIGTERM or Ctrl-C.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8787")]
        listen: SocketAddr,
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

#[derive(Subcommand)]
enum SecretsCommand {
    Add {
        shop: String,
        secret: String,
    },
    /// Retires the active secret with this exact value.
    Retire {
        shop: String,
        secret: String,
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
}

impl CliError {
    fn exit_code(&self) -> ExitCode {
        let bad_input = match self {
            CliError::Invalid(_) | CliError::NoDatabase | CliError::MasterKey(_) => true,
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
    // Each command checks its input (the master key included) before opening the database, so a
    // typo creates no file.
    match cli.command {
        Command::MasterKey => {
            println!("{}", MasterKey::generate().expose_hex().as_str());
            Ok(())
        }
        Command::Serve { listen } => {
            let (db, key) = (db()?, MasterKey::from_env()?);
            init_logging();
            let store = open_store(db)?;
            open_all(store.as_ref(), &key)?;
            serve(store, Arc::new(key), listen)
        }
        Command::Shops(ShopsCommand::Add { name }) => {
            let name = ShopName::parse(&name)?;
            open_store(db()?)?.add_shop(&name, now)?;
            println!("added shop {}", name.as_str());
            Ok(())
        }
        Command::Shops(ShopsCommand::List) => {
            for shop in open_store(db()?)?.shops()? {
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
            open_store(db()?)?.add_till(&shop, &till, &token.hash(), now)?;
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
            open_store(db()?)?.revoke_till(&shop, &till, now)?;
            println!("revoked till {} of shop {}", till.as_str(), shop.as_str());
            Ok(())
        }
        Command::Secrets(SecretsCommand::Add { shop, secret }) => {
            let (shop, secret) = (ShopName::parse(&shop)?, WebhookSecret::parse(&secret)?);
            let (db, key) = (db()?, MasterKey::from_env()?);
            let store = open_store(db)?;
            // One database, one master key: refuse to seal under a key that cannot open the rest.
            open_all(store.as_ref(), &key)?;
            store.add_secret(&shop, &key.seal(&shop, &secret), &secret.last4(), now)?;
            println!("added secret …{} to shop {}", secret.last4(), shop.as_str());
            Ok(())
        }
        Command::Secrets(SecretsCommand::Retire { shop, secret }) => {
            let (shop, secret) = (ShopName::parse(&shop)?, WebhookSecret::parse(&secret)?);
            let (db, key) = (db()?, MasterKey::from_env()?);
            let store = open_store(db)?;
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
            for (row, secret) in open_all(open_store(db)?.as_ref(), &key)? {
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

/// The store `db` names: a PostgreSQL URL, else a SQLite file.
fn open_store(db: &Path) -> Result<Arc<dyn EventStore>, CliError> {
    Ok(match db.to_str().filter(|db| is_postgres_url(db)) {
        Some(url) => Arc::new(PostgresStore::open(url)?),
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

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

fn serve(
    store: Arc<dyn EventStore>,
    key: Arc<MasterKey>,
    addr: SocketAddr,
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
        tracing::info!(%bound, "relay listening");
        versapos_relay::serve(listener, store, key, shutdown_signal())
            .await
            .map_err(CliError::Serve)
    });
    // The last reference to the store is dropped here, outside the async runtime: PostgreSQL
    // connections run their own I/O and cannot be closed from inside it.
    drop(runtime);
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
