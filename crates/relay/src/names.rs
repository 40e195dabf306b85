//! Values checked at the edge: shop and till names, webhook signing secrets and till tokens.
//! Past construction they are known good; secrets and tokens never print in full.

use sha2::{Digest, Sha256};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct InvalidInput {
    pub field: &'static str,
    pub reason: String,
}

impl InvalidInput {
    fn new(field: &'static str, reason: impl Into<String>) -> Self {
        InvalidInput {
            field,
            reason: reason.into(),
        }
    }
}

const MAX_NAME: usize = 64;

fn check_name(field: &'static str, value: &str) -> Result<(), InvalidInput> {
    if value.is_empty() {
        return Err(InvalidInput::new(field, "must not be empty"));
    }
    if value.len() > MAX_NAME {
        return Err(InvalidInput::new(
            field,
            format!("must be at most {MAX_NAME} characters"),
        ));
    }
    if let Some(c) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_' || *c == '.'))
    {
        return Err(InvalidInput::new(
            field,
            format!("{c:?} is not allowed (letters, digits, '-', '_', '.')"),
        ));
    }
    Ok(())
}

/// A shop's name; it appears in the webhook URL `/webhooks/stripe/{shop}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopName(String);

impl ShopName {
    /// The shop `POST /webhooks/stripe` delivers to.
    pub const DEFAULT: &'static str = "default";

    pub fn parse(value: &str) -> Result<Self, InvalidInput> {
        check_name("shop", value)?;
        Ok(ShopName(value.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A till's name, unique among a shop's live tills.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TillName(String);

impl TillName {
    pub fn parse(value: &str) -> Result<Self, InvalidInput> {
        check_name("till", value)?;
        Ok(TillName(value.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A Stripe webhook signing secret (`whsec_…`). Shown only by its last four characters.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(String);

impl WebhookSecret {
    const PREFIX: &'static str = "whsec_";

    pub fn parse(value: &str) -> Result<Self, InvalidInput> {
        let Some(rest) = value.strip_prefix(Self::PREFIX) else {
            return Err(InvalidInput::new("secret", "must start with whsec_"));
        };
        if rest.len() < 8 {
            return Err(InvalidInput::new(
                "secret",
                "must have at least 8 characters after whsec_",
            ));
        }
        if !rest.chars().all(|c| c.is_ascii_graphic()) {
            return Err(InvalidInput::new(
                "secret",
                "must be printable ASCII with no spaces",
            ));
        }
        Ok(WebhookSecret(value.to_string()))
    }

    /// The secret itself, for signing checks and storage only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The last four characters, the only part ever shown.
    pub fn last4(&self) -> String {
        let start = self.0.len().saturating_sub(4);
        self.0.get(start..).unwrap_or_default().to_string()
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WebhookSecret(…{})", self.last4())
    }
}

/// A till's bearer token: 32 random bytes in hex, shown once when the till is added.
pub struct TillToken(String);

impl TillToken {
    pub fn generate() -> Self {
        let bytes: [u8; 32] = rand::random();
        TillToken(hex::encode(bytes))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> TokenHash {
        TokenHash::of(&self.0)
    }
}

impl fmt::Debug for TillToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TillToken(<redacted>)")
    }
}

/// SHA-256 of a till token, lower-case hex: what the store keeps and looks tokens up by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenHash(String);

impl TokenHash {
    pub fn of(token: &str) -> Self {
        TokenHash(hex::encode(Sha256::digest(token.as_bytes())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_reject_empty_long_and_odd_characters() {
        assert_eq!(ShopName::parse("").map_err(|e| e.field), Err("shop"));
        assert!(ShopName::parse(&"a".repeat(65)).is_err(), "65 characters");
        assert!(TillName::parse("till 1").is_err(), "space in a till name");
        assert!(ShopName::parse("shop-1_a.b").is_ok(), "allowed characters");
    }

    #[test]
    fn secrets_need_the_prefix_and_show_only_the_last_four() {
        assert_eq!(
            WebhookSecret::parse("sk_test_123456789").map_err(|e| e.field),
            Err("secret")
        );
        assert!(WebhookSecret::parse("whsec_short").is_err(), "too short");
        let secret = WebhookSecret::parse("whsec_abcdefgh1234").expect("a valid secret");
        assert_eq!(secret.last4(), "1234");
        assert_eq!(format!("{secret:?}"), "WebhookSecret(…1234)");
    }

    #[test]
    fn tokens_are_64_hex_characters_and_hash_to_sha256_hex() {
        let token = TillToken::generate();
        assert_eq!(token.expose().len(), 64);
        assert!(token.expose().chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(
            token.expose(),
            TillToken::generate().expose(),
            "tokens are random"
        );
        assert_eq!(
            TokenHash::of("abc").as_str(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
