//! TLS to the relay's PostgreSQL database, as a managed database or one across a network needs.
//!
//! `sslmode=require` in the `--db` URL: TLS or no connection. Without it (`prefer`, the default)
//! the relay uses TLS when `VERSAPOS_RELAY_DB_CA` is set and the server offers it, and connects
//! in the clear otherwise, as it always has (a database on the same machine or private network,
//! whose server may well offer TLS with a certificate nobody can check, such as Debian's
//! self-signed default). `disable`: in the clear. Whenever TLS is used the server's certificate
//! is verified against the trusted roots and its name against the URL's host (what libpq calls
//! `verify-full`): the operating system's roots, or only the CA certificates in the PEM file that
//! `VERSAPOS_RELAY_DB_CA` names (a provider's own CA, such as a cloud database's bundle).

use crate::store::StoreError;
use postgres::config::SslMode;
use postgres::{Client, Config};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use std::sync::Arc;
use tokio_postgres_rustls::MakeRustlsConnect;

/// The PEM file of the CA certificates the database's certificate must chain to.
pub const CA_ENV: &str = "VERSAPOS_RELAY_DB_CA";

/// How the relay reaches its database: the parsed URL and, unless `sslmode=disable`, TLS.
#[derive(Clone)]
pub struct Connector {
    pub config: Config,
    tls: Option<MakeRustlsConnect>,
}

impl Connector {
    pub fn new(config: Config) -> Result<Connector, StoreError> {
        let ca_given = std::env::var_os(CA_ENV).is_some_and(|v| !v.is_empty());
        let tls = match config.get_ssl_mode() {
            SslMode::Disable => None,
            SslMode::Require => Some(MakeRustlsConnect::new(client_config()?)),
            _ if ca_given => Some(MakeRustlsConnect::new(client_config()?)),
            _ => None,
        };
        Ok(Connector { config, tls })
    }

    pub fn connect(&self) -> Result<Client, postgres::Error> {
        match &self.tls {
            Some(tls) => self.config.connect(tls.clone()),
            None => self.config.connect(postgres::NoTls),
        }
    }
}

fn client_config() -> Result<rustls::ClientConfig, StoreError> {
    let mut roots = rustls::RootCertStore::empty();
    match std::env::var_os(CA_ENV).filter(|v| !v.is_empty()) {
        Some(path) => {
            let bad = |why: String| {
                StoreError::Tls(format!("{CA_ENV}={}: {why}", path.to_string_lossy()))
            };
            let certs = CertificateDer::pem_file_iter(&path)
                .map_err(|e| bad(e.to_string()))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| bad(e.to_string()))?;
            if certs.is_empty() {
                return Err(bad("no certificate in the file (expected PEM)".into()));
            }
            for cert in certs {
                roots
                    .add(cert)
                    .map_err(|e| bad(format!("not a CA certificate: {e}")))?;
            }
        }
        None => {
            let found = rustls_native_certs::load_native_certs();
            for cert in found.certs {
                // A system root rustls cannot use is skipped, as the OS's own tools would.
                let _ = roots.add(cert);
            }
            for e in found.errors {
                tracing::warn!(error = %e, "a system root certificate could not be read");
            }
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| StoreError::Tls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(config)
}
