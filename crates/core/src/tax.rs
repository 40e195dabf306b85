//! Tax rates, price modes and the one rounding rule.
//!
//! The rule: tax is computed **per line**, on the line's amount after all discounts, and rounded
//! **half up** (halves away from zero) to the currency's minor unit. The rule's name is stored on
//! every order so that a receipt can always be reproduced.

use crate::money::{div_round_half_up, to_minor, Money, MoneyError};
use serde::{Deserialize, Serialize};

/// The rounding rule stored on every order.
pub const ROUNDING_RULE: &str = "half_up_per_line";

/// Basis points in one whole (100 %).
pub const BPS_WHOLE: u32 = 10_000;

/// A named tax rate of the shop, e.g. "standard" at 2000 bp (20 %).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct TaxRate {
    pub name: String,
    pub basis_points: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaxError {
    #[error("tax rate name must not be empty")]
    EmptyName,
    #[error("tax rate name {}", crate::text::hidden_character_message(*.0))]
    NameCharacters(char),
    #[error("tax rate '{0}' must be between 0 % and 100 %")]
    OutOfRange(String),
    #[error("'{0}' is not a tax percentage (expected e.g. 20 or 5.5)")]
    BadPercent(String),
}

impl TaxRate {
    pub fn new(name: &str, basis_points: u32) -> Result<Self, TaxError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(TaxError::EmptyName);
        }
        if let Some(c) = crate::text::hidden_character(name) {
            return Err(TaxError::NameCharacters(c));
        }
        if basis_points > BPS_WHOLE {
            return Err(TaxError::OutOfRange(name.to_string()));
        }
        Ok(TaxRate {
            name: name.to_string(),
            basis_points,
        })
    }

    /// Percent as shown on a receipt: "20%", "5.5%".
    pub fn percent_label(&self) -> String {
        format_percent(self.basis_points)
    }
}

/// Parses a percentage such as "20", "5.5" or "12.25%" into basis points.
pub fn parse_percent(input: &str) -> Result<u32, TaxError> {
    let s = input.trim().trim_end_matches('%').trim();
    let bad = || TaxError::BadPercent(input.to_string());
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty() || frac.len() > 2 {
        return Err(bad());
    }
    if !whole
        .bytes()
        .chain(frac.bytes())
        .all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let whole: u32 = whole.parse().map_err(|_| bad())?;
    let frac: u32 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
    whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(frac))
        .ok_or_else(bad)
}

/// Formats basis points as a percentage: 2000 → "20%", 550 → "5.5%".
pub fn format_percent(bps: u32) -> String {
    let whole = bps / 100;
    let frac = bps % 100;
    if frac == 0 {
        format!("{whole}%")
    } else if frac.is_multiple_of(10) {
        format!("{whole}.{}%", frac / 10)
    } else {
        format!("{whole}.{frac:02}%")
    }
}

/// Whether shelf prices include tax (typical in the UK and EU) or have it added at the till (US).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum TaxMode {
    Inclusive,
    Exclusive,
}

impl TaxMode {
    pub fn as_str(&self) -> &'static str {
        match self {
            TaxMode::Inclusive => "inclusive",
            TaxMode::Exclusive => "exclusive",
        }
    }

    pub fn parse(s: &str) -> Option<TaxMode> {
        match s {
            "inclusive" => Some(TaxMode::Inclusive),
            "exclusive" => Some(TaxMode::Exclusive),
            _ => None,
        }
    }
}

impl PartialEq<&str> for TaxMode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// A line's amount split into net, tax and gross.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineTax {
    pub net: Money,
    pub tax: Money,
    pub gross: Money,
}

/// Applies the rounding rule to one line's amount (already discounted, in the shop's price mode).
pub fn line_tax(amount: Money, basis_points: u32, mode: TaxMode) -> Result<LineTax, MoneyError> {
    let a = i128::from(amount.minor());
    let bps = i128::from(basis_points);
    let whole = i128::from(BPS_WHOLE);
    let cur = amount.currency();
    match mode {
        TaxMode::Exclusive => {
            let tax = to_minor(div_round_half_up(a * bps, whole).ok_or(MoneyError::Overflow)?)?;
            let tax = Money::from_minor(tax, cur);
            Ok(LineTax {
                net: amount,
                tax,
                gross: amount.checked_add(tax)?,
            })
        }
        TaxMode::Inclusive => {
            let tax = div_round_half_up(a * bps, whole + bps).ok_or(MoneyError::Overflow)?;
            let tax = Money::from_minor(to_minor(tax)?, cur);
            Ok(LineTax {
                net: amount.checked_sub(tax)?,
                tax,
                gross: amount,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn gbp(minor: i64) -> Money {
        Money::from_minor(minor, Currency::from_code("GBP").expect("GBP"))
    }

    #[test]
    fn exclusive_adds_tax_rounded_half_up() {
        // 20 % of 0.125 would be ambiguous; 20 % of 0.13 = 0.026 → 0.03.
        let t = line_tax(gbp(13), 2000, TaxMode::Exclusive).expect("tax");
        assert_eq!((t.net.minor(), t.tax.minor(), t.gross.minor()), (13, 3, 16));
        // 5 % of 0.50 = 0.025 → 0.03 (half up).
        let t = line_tax(gbp(50), 500, TaxMode::Exclusive).expect("tax");
        assert_eq!(t.tax.minor(), 3);
    }

    #[test]
    fn inclusive_extracts_tax_from_gross() {
        // 12.00 incl. 20 %: tax = 12.00 * 20/120 = 2.00.
        let t = line_tax(gbp(1200), 2000, TaxMode::Inclusive).expect("tax");
        assert_eq!(
            (t.net.minor(), t.tax.minor(), t.gross.minor()),
            (1000, 200, 1200)
        );
        // 0.99 incl. 20 % = 0.165 → 0.17.
        let t = line_tax(gbp(99), 2000, TaxMode::Inclusive).expect("tax");
        assert_eq!(t.tax.minor(), 17);
        assert_eq!(t.net.minor(), 82);
    }

    #[test]
    fn zero_rate_has_no_tax() {
        let t = line_tax(gbp(999), 0, TaxMode::Inclusive).expect("tax");
        assert_eq!(t.tax.minor(), 0);
    }

    #[test]
    fn percent_parsing_and_labels() {
        assert_eq!(parse_percent("20"), Ok(2000));
        assert_eq!(parse_percent("5.5"), Ok(550));
        assert_eq!(parse_percent("12.25%"), Ok(1225));
        assert!(parse_percent("abc").is_err());
        assert!(parse_percent("1.234").is_err());
        assert_eq!(format_percent(2000), "20%");
        assert_eq!(format_percent(550), "5.5%");
        assert_eq!(format_percent(1225), "12.25%");
    }

    proptest::proptest! {
        #[test]
        fn net_plus_tax_is_gross(minor in -1_000_000_000i64..1_000_000_000, bps in 0u32..=10_000, incl: bool) {
            let mode = if incl { TaxMode::Inclusive } else { TaxMode::Exclusive };
            let t = line_tax(gbp(minor), bps, mode).expect("tax");
            proptest::prop_assert_eq!(t.net.minor() + t.tax.minor(), t.gross.minor());
        }
    }
}
