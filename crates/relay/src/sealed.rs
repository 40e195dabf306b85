//! The relay's master key and the webhook signing secrets sealed with it.
//!
//! Signing secrets never reach the database in the clear: each is sealed with XChaCha20-Poly1305
//! under the master key (a fresh random nonce per secret, the shop's name as associated data, so
//! a sealed secret moved to another shop's row does not open), and carries a fingerprint,
//! HMAC-SHA256(master key, secret) in hex, that finds its row again without opening every one.
//! The master key itself lives only in the service's environment.

use crate::names::{ShopName, WebhookSecret};
use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{Key, KeyInit, XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;
use zeroize::{Zeroize, Zeroizing};

/// The environment variable the relay reads its master key from.
pub const MASTER_KEY_VAR: &str = "VERSAPOS_RELAY_MASTER_KEY";

const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;

/// Why the master key could not be had. Never carries the value that was given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MasterKeyError {
    #[error(
        "{MASTER_KEY_VAR} is not set; put the relay's master key in the service's environment \
         (`versapos-relay master-key` prints a fresh one)"
    )]
    Missing,
    #[error("{MASTER_KEY_VAR} must be {} hexadecimal characters (32 bytes)", KEY_LEN * 2)]
    Malformed,
}

/// A sealed secret that did not open: a different master key, or a row altered or moved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "a signing secret of shop {shop:?} cannot be opened with this master key \
     ({MASTER_KEY_VAR} differs from the one it was sealed with, or the row was altered)"
)]
pub struct UnsealError {
    pub shop: String,
}

/// 32 bytes that seal the signing secrets. Wiped from memory when dropped; never printed.
pub struct MasterKey([u8; KEY_LEN]);

impl MasterKey {
    /// A fresh random key.
    pub fn generate() -> Self {
        MasterKey(rand::random())
    }

    /// The key from the environment; the service's only source of it.
    pub fn from_env() -> Result<Self, MasterKeyError> {
        let value = std::env::var_os(MASTER_KEY_VAR).ok_or(MasterKeyError::Missing)?;
        let value = Zeroizing::new(value.into_string().map_err(|_| MasterKeyError::Malformed)?);
        Self::parse(&value)
    }

    /// A key written as 64 hexadecimal characters (surrounding whitespace ignored).
    pub fn parse(hex_key: &str) -> Result<Self, MasterKeyError> {
        let mut bytes = [0u8; KEY_LEN];
        if let Err(_bad) = hex::decode_to_slice(hex_key.trim(), &mut bytes) {
            bytes.zeroize();
            return Err(MasterKeyError::Malformed);
        }
        Ok(MasterKey(bytes))
    }

    /// The key as 64 lower-case hexadecimal characters, for `versapos-relay master-key` only.
    pub fn expose_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.0))
    }

    /// HMAC-SHA256 of the secret under the master key, lower-case hex.
    pub fn fingerprint(&self, secret: &WebhookSecret) -> String {
        // HMAC accepts keys of any length, so this cannot fail for 32 bytes.
        let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(&self.0) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC takes keys of any length"),
        };
        mac.update(secret.expose().as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&Key::from(self.0))
    }

    /// Seals `secret` for `shop` under a fresh random nonce.
    pub fn seal(&self, shop: &ShopName, secret: &WebhookSecret) -> SealedSecret {
        let nonce: [u8; NONCE_LEN] = rand::random();
        let payload = Payload {
            msg: secret.expose().as_bytes(),
            aad: shop.as_str().as_bytes(),
        };
        let sealed = match self.cipher().encrypt(&XNonce::from(nonce), payload) {
            Ok(sealed) => sealed,
            // Encryption fails only for messages beyond 256 GiB; a secret is a few dozen bytes.
            Err(_) => unreachable!("XChaCha20-Poly1305 seals any message under 256 GiB"),
        };
        SealedSecret {
            sealed,
            nonce: nonce.to_vec(),
            fingerprint: self.fingerprint(secret),
        }
    }

    /// Opens a secret sealed for `shop`; the error names the shop and nothing of the secret.
    pub fn open(&self, shop: &str, sealed: &SealedSecret) -> Result<WebhookSecret, UnsealError> {
        let fail = || UnsealError {
            shop: shop.to_string(),
        };
        let nonce = <[u8; NONCE_LEN]>::try_from(sealed.nonce.as_slice()).map_err(|_| fail())?;
        let payload = Payload {
            msg: &sealed.sealed,
            aad: shop.as_bytes(),
        };
        let clear = Zeroizing::new(
            self.cipher()
                .decrypt(&XNonce::from(nonce), payload)
                .map_err(|_| fail())?,
        );
        let text = std::str::from_utf8(&clear).map_err(|_| fail())?;
        let secret = WebhookSecret::parse(text).map_err(|_| fail())?;
        // The fingerprint ties the row to this key too: a row whose fingerprint was made under
        // another key would never be found on retire.
        if self.fingerprint(&secret) != sealed.fingerprint {
            return Err(fail());
        }
        Ok(secret)
    }
}

impl Drop for MasterKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(<redacted>)")
    }
}

/// A signing secret as the store keeps it: ciphertext with its tag, nonce and fingerprint.
#[derive(Clone, PartialEq, Eq)]
pub struct SealedSecret {
    pub sealed: Vec<u8>,
    pub nonce: Vec<u8>,
    pub fingerprint: String,
}

impl fmt::Debug for SealedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SealedSecret")
            .field("fingerprint", &self.fingerprint)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> WebhookSecret {
        WebhookSecret::parse("whsec_sealtest0123456789").expect("a valid secret")
    }

    fn shop(name: &str) -> ShopName {
        ShopName::parse(name).expect("a valid shop name")
    }

    #[test]
    fn a_sealed_secret_opens_with_its_key_and_shop_only() {
        let key = MasterKey::generate();
        let sealed = key.seal(&shop("a"), &secret());
        assert!(
            !sealed
                .sealed
                .windows(secret().expose().len())
                .any(|w| w == secret().expose().as_bytes()),
            "the sealed bytes do not hold the secret"
        );
        assert_eq!(key.open("a", &sealed).expect("opens"), secret());
        assert_eq!(
            key.open("b", &sealed),
            Err(UnsealError { shop: "b".into() }),
            "the shop is associated data"
        );
        assert_eq!(
            MasterKey::generate().open("a", &sealed),
            Err(UnsealError { shop: "a".into() }),
            "another key does not open it"
        );
    }

    #[test]
    fn each_seal_uses_a_fresh_nonce_and_the_same_fingerprint() {
        let key = MasterKey::generate();
        let (one, two) = (
            key.seal(&shop("a"), &secret()),
            key.seal(&shop("a"), &secret()),
        );
        assert_ne!(one.nonce, two.nonce);
        assert_ne!(one.sealed, two.sealed);
        assert_eq!(one.fingerprint, two.fingerprint);
        assert_eq!(one.fingerprint.len(), 64);
        assert_ne!(
            one.fingerprint,
            MasterKey::generate().fingerprint(&secret()),
            "the fingerprint depends on the key"
        );
    }

    #[test]
    fn the_fingerprint_is_hmac_sha256_of_the_secret_under_the_key() {
        let key = MasterKey::parse(&"0b".repeat(32)).expect("a valid key");
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&[0x0b; 32]).expect("any length");
        mac.update(secret().expose().as_bytes());
        assert_eq!(
            key.fingerprint(&secret()),
            hex::encode(mac.finalize().into_bytes())
        );
    }

    #[test]
    fn a_key_must_be_64_hex_characters() {
        assert!(MasterKey::parse(&"ab".repeat(32)).is_ok());
        assert!(MasterKey::parse(&format!(" {}\n", "AB".repeat(32))).is_ok());
        for bad in [
            "",
            "abc",
            &"ab".repeat(31),
            &"ab".repeat(33),
            &"zz".repeat(32),
        ] {
            assert_eq!(
                MasterKey::parse(bad).map(|_| ()),
                Err(MasterKeyError::Malformed),
                "{bad:?}"
            );
        }
        let key = MasterKey::generate();
        assert_eq!(key.expose_hex().len(), 64);
        assert_eq!(format!("{key:?}"), "MasterKey(<redacted>)");
    }
}
