//! Secrets of the till: the Stripe secret key, kept in the OS keychain (Windows Credential
//! Manager, macOS Keychain, the Linux kernel keyring) and nowhere else — never in the store, a
//! config file or a log. `VERSAPOS_STRIPE_KEY` may stand in for it on a headless till.
//!
//! A key is only ever shown as its kind, its mode and its last four characters.

use std::fmt;

/// A value that must not be printed: `Debug` and `Display` show `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Sensitive<T>(T);

impl<T> Sensitive<T> {
    pub fn new(value: T) -> Self {
        Sensitive(value)
    }

    /// The value itself, for the one place that needs it (an HTTP header, the keychain).
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<T> fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Test keys move no money; live keys do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Test,
    Live,
}

/// A full secret key can do anything on the account; a restricted key only what it was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    Secret,
    Restricted,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("no Stripe key is set up: `versapos keys set` puts one in the OS keychain")]
    Missing,
    #[error(
        "that is a publishable key (pk_…): the till needs a secret key (rk_… restricted, or sk_…)"
    )]
    Publishable,
    #[error(
        "that is not a Stripe secret key: expected rk_test_…, rk_live_…, sk_test_… or sk_live_…"
    )]
    Shape,
    #[error("the OS keychain refused: {0}")]
    Keychain(String),
}

/// A Stripe secret key, checked for its shape; printing it shows only what it is.
#[derive(Clone, PartialEq, Eq)]
pub struct StripeKey {
    value: Sensitive<String>,
    pub mode: Mode,
    pub kind: KeyKind,
}

impl StripeKey {
    pub fn parse(text: &str) -> Result<StripeKey, KeyError> {
        let t = text.trim();
        if t.starts_with("pk_") {
            return Err(KeyError::Publishable);
        }
        let (kind, rest) = if let Some(r) = t.strip_prefix("rk_") {
            (KeyKind::Restricted, r)
        } else if let Some(r) = t.strip_prefix("sk_") {
            (KeyKind::Secret, r)
        } else {
            return Err(KeyError::Shape);
        };
        let (mode, body) = if let Some(b) = rest.strip_prefix("test_") {
            (Mode::Test, b)
        } else if let Some(b) = rest.strip_prefix("live_") {
            (Mode::Live, b)
        } else {
            return Err(KeyError::Shape);
        };
        if body.len() < 10 || !body.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(KeyError::Shape);
        }
        Ok(StripeKey {
            value: Sensitive::new(t.to_string()),
            mode,
            kind,
        })
    }

    /// The key itself, for the Authorization header and the keychain only.
    pub fn expose(&self) -> &str {
        self.value.expose()
    }

    /// What kind of key it is, with nothing of the key: "restricted test key".
    pub fn kind_and_mode(&self) -> String {
        format!(
            "{} {} key",
            match self.kind {
                KeyKind::Restricted => "restricted",
                KeyKind::Secret => "full secret",
            },
            match self.mode {
                Mode::Test => "test",
                Mode::Live => "live",
            }
        )
    }

    /// What the key is, safe to show on screen: "restricted test key …a1b2".
    pub fn describe(&self) -> String {
        let v = self.expose();
        format!(
            "{} …{}",
            self.kind_and_mode(),
            &v[v.len().saturating_sub(4)..]
        )
    }
}

impl fmt::Debug for StripeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StripeKey({})", self.describe())
    }
}

/// Where the key in use came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeySource {
    /// `VERSAPOS_STRIPE_KEY` (it overrides the keychain).
    Environment,
    Keychain,
}

/// The environment variable that overrides the keychain on a headless till.
pub const KEY_ENV: &str = "VERSAPOS_STRIPE_KEY";

/// The till's entry in the OS keychain.
pub struct Keychain {
    service: String,
    account: String,
}

impl Default for Keychain {
    /// The till's entry; `VERSAPOS_KEYCHAIN_SERVICE` names another service (for tests).
    fn default() -> Self {
        let service = std::env::var("VERSAPOS_KEYCHAIN_SERVICE")
            .ok()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| "com.versatalent.pos".to_string());
        Keychain::new(&service, "stripe-secret-key")
    }
}

impl Keychain {
    pub fn new(service: &str, account: &str) -> Self {
        Keychain {
            service: service.to_string(),
            account: account.to_string(),
        }
    }

    fn entry(&self) -> Result<keyring::Entry, KeyError> {
        keyring::Entry::new(&self.service, &self.account)
            .map_err(|e| KeyError::Keychain(e.to_string()))
    }

    /// Stores `key`, replacing any key there.
    pub fn set(&self, key: &StripeKey) -> Result<(), KeyError> {
        self.entry()?
            .set_password(key.expose())
            .map_err(|e| KeyError::Keychain(e.to_string()))
    }

    /// The stored key; None when there is none.
    pub fn get(&self) -> Result<Option<StripeKey>, KeyError> {
        match self.entry()?.get_password() {
            Ok(v) => StripeKey::parse(&v).map(Some),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(KeyError::Keychain(e.to_string())),
        }
    }

    /// Removes the stored key; true when there was one.
    pub fn remove(&self) -> Result<bool, KeyError> {
        match self.entry()?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(KeyError::Keychain(e.to_string())),
        }
    }

    /// The key the till uses: `VERSAPOS_STRIPE_KEY` when set and not empty, else the keychain's.
    pub fn key_in_use(&self) -> Result<Option<(StripeKey, KeySource)>, KeyError> {
        match std::env::var(KEY_ENV) {
            Ok(v) if !v.trim().is_empty() => {
                StripeKey::parse(&v).map(|k| Some((k, KeySource::Environment)))
            }
            _ => Ok(self.get()?.map(|k| (k, KeySource::Keychain))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RK: &str = "rk_test_51AbCdEfGhIjKlMnOpQrStUvWx";

    #[test]
    fn keys_are_read_for_kind_and_mode_and_the_wrong_ones_refused() {
        let k = StripeKey::parse(&format!("  {RK} ")).expect("restricted test key");
        assert_eq!((k.kind, k.mode), (KeyKind::Restricted, Mode::Test));
        let k = StripeKey::parse("sk_live_0123456789abcdef").expect("live secret key");
        assert_eq!((k.kind, k.mode), (KeyKind::Secret, Mode::Live));
        assert_eq!(
            StripeKey::parse("pk_test_0123456789abcdef"),
            Err(KeyError::Publishable)
        );
        for bad in [
            "",
            "sk_0123456789",
            "rk_test_short",
            "sk_test_0123456789 abc",
            "whsec_x",
        ] {
            assert_eq!(StripeKey::parse(bad), Err(KeyError::Shape), "{bad:?}");
        }
    }

    #[test]
    fn a_key_is_never_printed() {
        let k = StripeKey::parse(RK).expect("key");
        for shown in [
            format!("{k:?}"),
            k.describe(),
            format!("{}", Sensitive::new(RK)),
        ] {
            assert!(!shown.contains("51AbCdEf"), "{shown}");
        }
        assert_eq!(k.describe(), "restricted test key …UvWx");
        assert_eq!(format!("{:?}", Sensitive::new(RK)), "[redacted]");
    }
}
