//! Secrets of the till: the Stripe secret key, kept in the OS keychain (Windows Credential
//! Manager, macOS Keychain, the Linux kernel keyring) and nowhere else — never in the store, a
//! config file or a log. `VERSAPOS_STRIPE_KEY` may stand in for it on a headless till.
//!
//! A key is only ever shown as its kind, its mode and its last four characters.

use std::fmt;

pub mod journal_key;

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
    /// The environment (`VERSAPOS_STRIPE_KEY`, or `VERSAPOS_RELAY_URL` with `VERSAPOS_RELAY_TOKEN`),
    /// which overrides the keychain.
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

/// The environment variable `versapos relay set` reads the till's relay token from; with
/// [`RELAY_URL_ENV`] it also overrides the keychain's relay (a headless till).
pub const RELAY_TOKEN_ENV: &str = "VERSAPOS_RELAY_TOKEN";

/// The relay's address from the environment: with [`RELAY_TOKEN_ENV`] it overrides the
/// keychain's relay, as `VERSAPOS_STRIPE_KEY` does the Stripe key, for a till whose keychain
/// does not keep secrets across a restart (the Linux kernel keyring of a headless till).
pub const RELAY_URL_ENV: &str = "VERSAPOS_RELAY_URL";

/// The relay the environment gives (`var` reads a variable): None unless its address is set;
/// an address without a token, or a bad one, is an error naming the variable.
pub fn relay_from_env(
    var: impl Fn(&str) -> Option<String>,
) -> Result<Option<RelaySettings>, RelayError> {
    let set = |name: &str| var(name).filter(|v| !v.trim().is_empty());
    let Some(url) = set(RELAY_URL_ENV) else {
        return Ok(None);
    };
    let token = set(RELAY_TOKEN_ENV).ok_or(RelayError::Token(
        "VERSAPOS_RELAY_URL is set but VERSAPOS_RELAY_TOKEN is not",
    ))?;
    Ok(Some(RelaySettings {
        url: parse_relay_url(&url)?,
        token: RelayToken::parse(&token)?,
    }))
}

/// The keychain accounts (same service as the Stripe key) of the relay's address and token.
const RELAY_URL_ACCOUNT: &str = "relay-url";
const RELAY_TOKEN_ACCOUNT: &str = "relay-token";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RelayError {
    #[error("relay URL '{0}': expected http://HOST[:PORT][/PATH] or https://…")]
    Url(String),
    #[error("relay token: {0}")]
    Token(&'static str),
    #[error("the OS keychain refused: {0}")]
    Keychain(String),
}

/// The till's token for the webhook relay; printing it shows only its last four characters.
#[derive(Clone, PartialEq, Eq)]
pub struct RelayToken(Sensitive<String>);

impl RelayToken {
    pub fn parse(text: &str) -> Result<RelayToken, RelayError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(RelayError::Token("it is empty"));
        }
        if t.len() < 8 {
            return Err(RelayError::Token("it is shorter than 8 characters"));
        }
        if !t.chars().all(|c| c.is_ascii_graphic()) {
            return Err(RelayError::Token(
                "it may hold only printable ASCII characters without spaces",
            ));
        }
        Ok(RelayToken(Sensitive::new(t.to_string())))
    }

    /// The token itself, for the Authorization header and the keychain only.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    /// Safe to show: "…a1b2".
    pub fn last4(&self) -> String {
        let v = self.expose();
        format!("…{}", &v[v.len().saturating_sub(4)..])
    }
}

impl fmt::Debug for RelayToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RelayToken({})", self.last4())
    }
}

/// Checks a relay's address: http(s), a host; returned without a trailing slash.
pub fn parse_relay_url(text: &str) -> Result<String, RelayError> {
    let t = text.trim().trim_end_matches('/');
    let rest = t
        .strip_prefix("https://")
        .or_else(|| t.strip_prefix("http://"))
        .ok_or_else(|| RelayError::Url(text.trim().to_string()))?;
    let host = rest.split('/').next().unwrap_or_default();
    let ok = !host.is_empty()
        && !host.starts_with(':')
        && !t.contains(['?', '#', ' '])
        && !host.contains('@');
    if !ok {
        return Err(RelayError::Url(text.trim().to_string()));
    }
    Ok(t.to_string())
}

/// Where the till pulls Stripe's events from, and its token there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelaySettings {
    pub url: String,
    pub token: RelayToken,
}

impl Keychain {
    fn account(&self, account: &str) -> Result<keyring::Entry, RelayError> {
        keyring::Entry::new(&self.service, account).map_err(|e| RelayError::Keychain(e.to_string()))
    }

    fn read(&self, account: &str) -> Result<Option<String>, RelayError> {
        match self.account(account)?.get_password() {
            Ok(v) => Ok(Some(v)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(RelayError::Keychain(e.to_string())),
        }
    }

    fn delete(&self, account: &str) -> Result<bool, RelayError> {
        match self.account(account)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(RelayError::Keychain(e.to_string())),
        }
    }

    /// Stores the relay's address and the till's token, replacing any there.
    pub fn set_relay(&self, settings: &RelaySettings) -> Result<(), RelayError> {
        let url = parse_relay_url(&settings.url)?;
        self.account(RELAY_TOKEN_ACCOUNT)?
            .set_password(settings.token.expose())
            .map_err(|e| RelayError::Keychain(e.to_string()))?;
        self.account(RELAY_URL_ACCOUNT)?
            .set_password(&url)
            .map_err(|e| RelayError::Keychain(e.to_string()))
    }

    /// The relay set up for this till; None unless both its address and token are stored.
    pub fn relay(&self) -> Result<Option<RelaySettings>, RelayError> {
        let (Some(url), Some(token)) = (
            self.read(RELAY_URL_ACCOUNT)?,
            self.read(RELAY_TOKEN_ACCOUNT)?,
        ) else {
            return Ok(None);
        };
        Ok(Some(RelaySettings {
            url: parse_relay_url(&url)?,
            token: RelayToken::parse(&token)?,
        }))
    }

    /// The relay the till uses: `VERSAPOS_RELAY_URL` with `VERSAPOS_RELAY_TOKEN` when the
    /// address is set, else the keychain's.
    pub fn relay_in_use(&self) -> Result<Option<(RelaySettings, KeySource)>, RelayError> {
        match relay_from_env(|name| std::env::var(name).ok())? {
            Some(r) => Ok(Some((r, KeySource::Environment))),
            None => Ok(self.relay()?.map(|r| (r, KeySource::Keychain))),
        }
    }

    /// Removes the relay's address and token; true when either was there.
    pub fn remove_relay(&self) -> Result<bool, RelayError> {
        let token = self.delete(RELAY_TOKEN_ACCOUNT)?;
        let url = self.delete(RELAY_URL_ACCOUNT)?;
        Ok(token || url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_relay_from_the_environment_needs_its_address_and_token_and_checks_both() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(relay_from_env(env(&[])), Ok(None));
        assert_eq!(
            relay_from_env(env(&[(RELAY_TOKEN_ENV, "till-token-1234")])),
            Ok(None),
            "a token alone is for `relay set`"
        );
        let r = relay_from_env(env(&[
            (RELAY_URL_ENV, "https://relay.example/"),
            (RELAY_TOKEN_ENV, "till-token-1234"),
        ]))
        .expect("good")
        .expect("set");
        assert_eq!(r.url, "https://relay.example");
        assert_eq!(r.token.last4(), "…1234");
        let e =
            relay_from_env(env(&[(RELAY_URL_ENV, "https://relay.example")])).expect_err("no token");
        assert!(e.to_string().contains("VERSAPOS_RELAY_TOKEN"), "{e}");
        assert!(matches!(
            relay_from_env(env(&[
                (RELAY_URL_ENV, "ftp://relay"),
                (RELAY_TOKEN_ENV, "till-token-1234")
            ])),
            Err(RelayError::Url(_))
        ));
        assert!(matches!(
            relay_from_env(env(&[
                (RELAY_URL_ENV, "https://relay.example"),
                (RELAY_TOKEN_ENV, "short")
            ])),
            Err(RelayError::Token(_))
        ));
    }

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
    fn relay_addresses_and_tokens_are_checked_and_the_token_never_printed() {
        assert_eq!(
            parse_relay_url(" https://relay.example/ "),
            Ok("https://relay.example".to_string())
        );
        assert_eq!(
            parse_relay_url("http://127.0.0.1:8080/shop"),
            Ok("http://127.0.0.1:8080/shop".to_string())
        );
        for bad in [
            "",
            "relay.example",
            "ftp://x",
            "https://",
            "https://:80",
            "http://a b",
        ] {
            assert!(parse_relay_url(bad).is_err(), "{bad:?}");
        }
        let t = RelayToken::parse(" tok_SecretPart_9f3a ").expect("token");
        assert_eq!(t.last4(), "…9f3a");
        assert_eq!(format!("{t:?}"), "RelayToken(…9f3a)");
        assert!(RelayToken::parse("short").is_err());
        assert!(RelayToken::parse("has a space").is_err());
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
