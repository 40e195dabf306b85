//! Identifiers and catalog keys, validated at construction.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("SKU must not be empty")]
    EmptySku,
    #[error("SKU '{0}' is too long (at most 64 characters)")]
    SkuTooLong(String),
    #[error("SKU '{0}' must not contain spaces or control characters")]
    SkuCharacters(String),
    #[error("must not be empty")]
    EmptyName,
    #[error("is {0} characters long; a product's name is at most {max}", max = ProductName::MAX_CHARS)]
    NameTooLong(usize),
    #[error("{}", crate::text::hidden_character_message(*.0))]
    NameCharacters(char),
    #[error("{0} is out of range: stock is counted from -{max} to {max}", max = MAX_STOCK)]
    StockOutOfRange(i64),
    #[error("is {0} characters long; a category is at most 64")]
    CategoryTooLong(usize),
    #[error("barcode '{0}' must be 4 to 32 digits or letters")]
    Barcode(String),
    #[error("till id '{0}' must be 1 to 32 letters, digits, '-' or '_'")]
    TillId(String),
    #[error("card UID '{0}' must be 4, 7 or 10 bytes in hex (8, 14 or 20 hex digits; spaces and ':' allowed)")]
    CardUid(String),
}

/// The UID a VIP card answers with on an NFC reader (ISO 14443-A: 4, 7 or 10 bytes), kept as
/// upper-case hex without separators ("04A1B2C3D4E5F6"). It identifies a card; it does not prove
/// one is genuine (a UID can be copied), so it only ever links a customer, never pays.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CardUid(String);

impl CardUid {
    /// Reads a UID as people and readers write it: "04a1b2c3", "04 A1 B2 C3", "04:A1:B2:C3".
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let hex: String = s
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | ':' | '-'))
            .collect();
        let ok = matches!(hex.len(), 8 | 14 | 20) && hex.bytes().all(|b| b.is_ascii_hexdigit());
        if ok {
            Ok(CardUid(hex.to_ascii_uppercase()))
        } else {
            Err(IdError::CardUid(s.trim().to_string()))
        }
    }

    /// The UID from the bytes a reader returned.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, IdError> {
        let hex: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
        CardUid::parse(&hex)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CardUid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for CardUid {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, IdError> {
        CardUid::parse(&s)
    }
}

impl From<CardUid> for String {
    fn from(u: CardUid) -> String {
        u.0
    }
}

/// A stock-keeping unit: the shop's own product code.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Sku(String);

impl Sku {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(IdError::EmptySku);
        }
        if s.chars().count() > 64 {
            return Err(IdError::SkuTooLong(s.to_string()));
        }
        if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(IdError::SkuCharacters(s.to_string()));
        }
        Ok(Sku(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Sku {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A product's name as the receipt, the screen and the catalog's CSV show it: trimmed, not
/// empty, at most [`ProductName::MAX_CHARS`] characters, no control characters. The one rule
/// for every door (the manager's form, `versapos products add`, a CSV import), so a catalog the
/// till exports always imports back.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ProductName(String);

impl ProductName {
    /// The longest name a receipt line, a label and a spreadsheet cell can take.
    pub const MAX_CHARS: usize = 200;

    pub fn parse(s: &str) -> Result<Self, IdError> {
        let s = s.trim();
        let chars = s.chars().count();
        if chars == 0 {
            Err(IdError::EmptyName)
        } else if chars > Self::MAX_CHARS {
            Err(IdError::NameTooLong(chars))
        } else if let Some(c) = crate::text::hidden_character(s) {
            Err(IdError::NameCharacters(c))
        } else {
            Ok(ProductName(s.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The most (and, negated, the least) stock a product can be counted at: far beyond any shop's
/// shelf, and far enough from the integer's limits that no sale, refund or count can overflow.
pub const MAX_STOCK: i64 = 1_000_000_000;

/// A stock figure as counted or imported: within ±[`MAX_STOCK`].
pub fn stock_in_range(stock: i64) -> Result<i64, IdError> {
    if (-MAX_STOCK..=MAX_STOCK).contains(&stock) {
        Ok(stock)
    } else {
        Err(IdError::StockOutOfRange(stock))
    }
}

/// A product category as typed (blank: none): trimmed, at most 64 characters, nothing hidden.
pub fn category_name(s: &str) -> Result<Option<String>, IdError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let chars = s.chars().count();
    if chars > 64 {
        return Err(IdError::CategoryTooLong(chars));
    }
    if let Some(c) = crate::text::hidden_character(s) {
        return Err(IdError::NameCharacters(c));
    }
    Ok(Some(s.to_string()))
}

/// A scannable code printed on the product (EAN-13, UPC-A, or a shop's own code).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Barcode(String);

impl Barcode {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let s = s.trim();
        let ok = (4..=32).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric());
        if ok {
            Ok(Barcode(s.to_string()))
        } else {
            Err(IdError::Barcode(s.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The till's own name, part of every receipt number and journal sequence.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TillId(String);

impl TillId {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let s = s.trim();
        let ok = (1..=32).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(TillId(s.to_string()))
        } else {
            Err(IdError::TillId(s.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TillId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A customer's id in the local store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CustomerId(pub i64);

impl fmt::Display for CustomerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A product's row id in the local store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ProductId(pub i64);

/// An order's id: created on the till before anything else happens, so that it can serve as an
/// idempotency key with payment providers.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OrderId(pub String);

impl fmt::Display for OrderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Formats a receipt number as printed: till id and a zero-padded gapless counter.
pub fn receipt_label(till: &TillId, number: i64) -> String {
    format!("{till}-{number:06}")
}

/// Names a sale that is not paid (its card still being taken, or not taken): it has no receipt
/// number until it is paid, so the end of its order id tells it apart ("T1 sale 3f9a2c").
pub fn unpaid_label(till: &str, order_id: &str) -> String {
    let tail = order_id.len().saturating_sub(6);
    format!("{till} sale {}", order_id.get(tail..).unwrap_or(order_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unpaid_sale_is_named_by_its_till_and_the_end_of_its_id() {
        assert_eq!(
            unpaid_label("T1", "0193f2a8-7c1d-7e4b-9a2f-1b2c3d3f9a2c"),
            "T1 sale 3f9a2c"
        );
        assert_eq!(unpaid_label("T1", "ab"), "T1 sale ab");
    }

    #[test]
    fn sku_rules() {
        assert!(Sku::parse("ABC-1").is_ok());
        assert_eq!(Sku::parse("  X1 ").map(|s| s.0), Ok("X1".to_string()));
        assert_eq!(Sku::parse(""), Err(IdError::EmptySku));
        assert!(Sku::parse("A B").is_err());
    }

    #[test]
    fn till_and_barcode_rules() {
        assert!(TillId::parse("till-1").is_ok());
        assert!(TillId::parse("till 1").is_err());
        assert!(Barcode::parse("5012345678900").is_ok());
        assert!(Barcode::parse("12").is_err());
        assert_eq!(
            receipt_label(&TillId::parse("T1").expect("till"), 42),
            "T1-000042"
        );
    }

    #[test]
    fn card_uids_are_4_7_or_10_bytes_of_hex_kept_upper_case_without_separators() {
        assert_eq!(
            CardUid::parse("04 a1:b2-c3").map(|u| u.to_string()),
            Ok("04A1B2C3".to_string())
        );
        assert_eq!(
            CardUid::from_bytes(&[0x04, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6]).map(|u| u.to_string()),
            Ok("04A1B2C3D4E5F6".to_string())
        );
        for bad in [
            "",
            "04A1B2",
            "04A1B2C3D4",
            "04A1B2CZ",
            "04A1B2C3D4E5F6A7B8C9D0E1",
        ] {
            assert!(CardUid::parse(bad).is_err(), "{bad:?} is refused");
        }
        assert!(CardUid::from_bytes(&[1, 2]).is_err());
    }
}
