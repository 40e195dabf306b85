//! Money as integer minor units with the currency's own ISO 4217 exponent.
//!
//! Every operation is checked: an overflow is an error, never a panic or a wrap. Parsing and
//! formatting use major-unit strings ("12.99") with exactly the currency's exponent.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An ISO 4217 currency the till knows, with its minor-unit exponent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency {
    code: [u8; 3],
    exponent: u8,
}

/// ISO 4217 active codes and their minor-unit exponents (funds codes and metals left out: a till
/// never prices in them).
const CURRENCIES: &[(&str, u8)] = &[
    ("AED", 2),
    ("AFN", 2),
    ("ALL", 2),
    ("AMD", 2),
    ("ANG", 2),
    ("AOA", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("AWG", 2),
    ("AZN", 2),
    ("BAM", 2),
    ("BBD", 2),
    ("BDT", 2),
    ("BGN", 2),
    ("BHD", 3),
    ("BIF", 0),
    ("BMD", 2),
    ("BND", 2),
    ("BOB", 2),
    ("BRL", 2),
    ("BSD", 2),
    ("BTN", 2),
    ("BWP", 2),
    ("BYN", 2),
    ("BZD", 2),
    ("CAD", 2),
    ("CDF", 2),
    ("CHF", 2),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("CRC", 2),
    ("CUP", 2),
    ("CVE", 2),
    ("CZK", 2),
    ("DJF", 0),
    ("DKK", 2),
    ("DOP", 2),
    ("DZD", 2),
    ("EGP", 2),
    ("ERN", 2),
    ("ETB", 2),
    ("EUR", 2),
    ("FJD", 2),
    ("FKP", 2),
    ("GBP", 2),
    ("GEL", 2),
    ("GHS", 2),
    ("GIP", 2),
    ("GMD", 2),
    ("GNF", 0),
    ("GTQ", 2),
    ("GYD", 2),
    ("HKD", 2),
    ("HNL", 2),
    ("HTG", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("IQD", 3),
    ("IRR", 2),
    ("ISK", 0),
    ("JMD", 2),
    ("JOD", 3),
    ("JPY", 0),
    ("KES", 2),
    ("KGS", 2),
    ("KHR", 2),
    ("KMF", 0),
    ("KPW", 2),
    ("KRW", 0),
    ("KWD", 3),
    ("KYD", 2),
    ("KZT", 2),
    ("LAK", 2),
    ("LBP", 2),
    ("LKR", 2),
    ("LRD", 2),
    ("LSL", 2),
    ("LYD", 3),
    ("MAD", 2),
    ("MDL", 2),
    ("MGA", 2),
    ("MKD", 2),
    ("MMK", 2),
    ("MNT", 2),
    ("MOP", 2),
    ("MRU", 2),
    ("MUR", 2),
    ("MVR", 2),
    ("MWK", 2),
    ("MXN", 2),
    ("MYR", 2),
    ("MZN", 2),
    ("NAD", 2),
    ("NGN", 2),
    ("NIO", 2),
    ("NOK", 2),
    ("NPR", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PAB", 2),
    ("PEN", 2),
    ("PGK", 2),
    ("PHP", 2),
    ("PKR", 2),
    ("PLN", 2),
    ("PYG", 0),
    ("QAR", 2),
    ("RON", 2),
    ("RSD", 2),
    ("RUB", 2),
    ("RWF", 0),
    ("SAR", 2),
    ("SBD", 2),
    ("SCR", 2),
    ("SDG", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("SHP", 2),
    ("SLE", 2),
    ("SOS", 2),
    ("SRD", 2),
    ("SSP", 2),
    ("STN", 2),
    ("SVC", 2),
    ("SYP", 2),
    ("SZL", 2),
    ("THB", 2),
    ("TJS", 2),
    ("TMT", 2),
    ("TND", 3),
    ("TOP", 2),
    ("TRY", 2),
    ("TTD", 2),
    ("TWD", 2),
    ("TZS", 2),
    ("UAH", 2),
    ("UGX", 0),
    ("USD", 2),
    ("UYU", 2),
    ("UYW", 4),
    ("UZS", 2),
    ("VES", 2),
    ("VND", 0),
    ("VUV", 0),
    ("WST", 2),
    ("XAF", 0),
    ("XCD", 2),
    ("XOF", 0),
    ("XPF", 0),
    ("YER", 2),
    ("ZAR", 2),
    ("ZMW", 2),
    ("ZWG", 2),
];

impl Currency {
    /// Looks up an ISO 4217 code (case-insensitive).
    pub fn from_code(code: &str) -> Result<Self, MoneyError> {
        let upper = code.trim().to_ascii_uppercase();
        CURRENCIES
            .iter()
            .find(|(c, _)| *c == upper)
            .map(|(c, e)| {
                let b = c.as_bytes();
                Currency {
                    code: [b[0], b[1], b[2]],
                    exponent: *e,
                }
            })
            .ok_or_else(|| MoneyError::UnknownCurrency(code.to_string()))
    }

    pub fn code(&self) -> &str {
        // The code bytes come from the ASCII table above.
        std::str::from_utf8(&self.code).unwrap_or("???")
    }

    /// Number of digits after the decimal point (JPY 0, GBP 2, KWD 3).
    pub fn exponent(&self) -> u8 {
        self.exponent
    }

    /// Minor units in one major unit (100 for GBP, 1 for JPY, 1000 for KWD).
    pub fn minor_per_major(&self) -> i64 {
        10_i64.pow(u32::from(self.exponent))
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::from_code(s)
    }
}

impl TryFrom<String> for Currency {
    type Error = MoneyError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Currency::from_code(&s)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.code().to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("unknown currency code '{0}' (expected an ISO 4217 code such as GBP, EUR, USD, JPY)")]
    UnknownCurrency(String),
    #[error("'{input}' is not an amount in {currency}: {reason}")]
    Parse {
        input: String,
        currency: String,
        reason: String,
    },
    #[error("amount overflow: the figure is too large for the till to calculate")]
    Overflow,
    #[error("cannot combine {0} with {1}")]
    CurrencyMismatch(String, String),
}

/// An amount of money: integer minor units of one currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

impl Money {
    pub fn from_minor(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }

    pub fn zero(currency: Currency) -> Self {
        Money { minor: 0, currency }
    }

    pub fn minor(&self) -> i64 {
        self.minor
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    pub fn is_negative(&self) -> bool {
        self.minor < 0
    }

    pub fn is_zero(&self) -> bool {
        self.minor == 0
    }

    /// Parses a major-unit string such as "12.99", "-0.5", "1200" (JPY) or "1.250" (KWD).
    ///
    /// Accepts at most the currency's exponent of decimals, an optional leading sign, and no
    /// thousands separators: "12,99" is refused rather than guessed at.
    pub fn parse(input: &str, currency: Currency) -> Result<Self, MoneyError> {
        let err = |reason: &str| MoneyError::Parse {
            input: input.to_string(),
            currency: currency.code().to_string(),
            reason: reason.to_string(),
        };
        let s = input.trim();
        if s.is_empty() {
            return Err(err("empty"));
        }
        let (negative, digits) = match s.as_bytes()[0] {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        let (whole, frac) = match digits.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (digits, None),
        };
        if whole.is_empty() && frac.is_none_or(str::is_empty) {
            return Err(err("no digits"));
        }
        if !whole.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err("only digits and one '.' are allowed"));
        }
        let exp = usize::from(currency.exponent());
        let frac = frac.unwrap_or("");
        if !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err("only digits and one '.' are allowed"));
        }
        if frac.len() > exp {
            return Err(if exp == 0 {
                err("this currency has no decimal places")
            } else {
                err(&format!("at most {exp} decimal places"))
            });
        }
        let mut minor: i64 = 0;
        for b in whole.bytes().chain(frac.bytes()) {
            minor = minor
                .checked_mul(10)
                .and_then(|m| m.checked_add(i64::from(b - b'0')))
                .ok_or_else(|| err("too large"))?;
        }
        for _ in frac.len()..exp {
            minor = minor.checked_mul(10).ok_or_else(|| err("too large"))?;
        }
        Ok(Money {
            minor: if negative { -minor } else { minor },
            currency,
        })
    }

    /// Major-unit string with exactly the currency's exponent of decimals: "12.99", "1200", "1.250".
    pub fn to_major_string(&self) -> String {
        let exp = u32::from(self.currency.exponent());
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        if exp == 0 {
            return format!("{sign}{abs}");
        }
        let unit = 10_u64.pow(exp);
        format!(
            "{sign}{}.{:0width$}",
            abs / unit,
            abs % unit,
            width = exp as usize
        )
    }

    fn same_currency(&self, other: &Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch(
                self.currency.to_string(),
                other.currency.to_string(),
            ))
        }
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(&other)?;
        let minor = self
            .minor
            .checked_add(other.minor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, ..self })
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(&other)?;
        let minor = self
            .minor
            .checked_sub(other.minor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, ..self })
    }

    pub fn checked_mul(self, factor: i64) -> Result<Money, MoneyError> {
        let minor = self.minor.checked_mul(factor).ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, ..self })
    }

    pub fn checked_neg(self) -> Result<Money, MoneyError> {
        let minor = self.minor.checked_neg().ok_or(MoneyError::Overflow)?;
        Ok(Money { minor, ..self })
    }

    /// Sum of amounts in one currency; an empty sum is zero.
    pub fn sum<I: IntoIterator<Item = Money>>(
        currency: Currency,
        items: I,
    ) -> Result<Money, MoneyError> {
        items
            .into_iter()
            .try_fold(Money::zero(currency), Money::checked_add)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.to_major_string(), self.currency)
    }
}

/// Divides with half-up rounding (halves away from zero): the one rounding rule of the till.
///
/// `denominator` must be positive. Works in i128 so that `numerator` may be a product of two i64.
pub fn div_round_half_up(numerator: i128, denominator: i128) -> Option<i128> {
    if denominator <= 0 {
        return None;
    }
    let q = numerator / denominator;
    let r = numerator % denominator;
    if r.unsigned_abs() * 2 >= denominator.unsigned_abs() {
        Some(if numerator < 0 { q - 1 } else { q + 1 })
    } else {
        Some(q)
    }
}

/// Narrows an i128 result back to i64 minor units, reporting overflow.
pub fn to_minor(value: i128) -> Result<i64, MoneyError> {
    i64::try_from(value).map_err(|_| MoneyError::Overflow)
}

/// Serialises a [`Money`] as its bare integer minor units, for outputs that state the currency
/// once beside the amounts (as Stripe's API does).
pub fn as_minor<S: serde::Serializer>(m: &Money, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_i64(m.minor)
}

/// Like [`as_minor`] for an optional amount.
pub fn as_minor_opt<S: serde::Serializer>(m: &Option<Money>, s: S) -> Result<S::Ok, S::Error> {
    match m {
        Some(m) => s.serialize_some(&m.minor),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cur(code: &str) -> Currency {
        Currency::from_code(code).expect("known currency")
    }

    #[test]
    fn exponents_follow_iso_4217() {
        assert_eq!(cur("JPY").exponent(), 0);
        assert_eq!(cur("GBP").exponent(), 2);
        assert_eq!(cur("EUR").exponent(), 2);
        assert_eq!(cur("usd").exponent(), 2);
        assert_eq!(cur("KWD").exponent(), 3);
        assert!(Currency::from_code("XYZ").is_err());
    }

    #[test]
    fn parses_and_formats_major_units_per_currency() {
        let cases = [
            ("GBP", "12.99", 1299, "12.99"),
            ("EUR", "0.5", 50, "0.50"),
            ("USD", "7", 700, "7.00"),
            ("JPY", "1200", 1200, "1200"),
            ("KWD", "1.25", 1250, "1.250"),
            ("KWD", "-0.001", -1, "-0.001"),
            ("GBP", ".99", 99, "0.99"),
        ];
        for (code, input, minor, shown) in cases {
            let m = Money::parse(input, cur(code)).expect(input);
            assert_eq!(m.minor(), minor, "{input} {code}");
            assert_eq!(m.to_major_string(), shown, "{input} {code}");
        }
    }

    #[test]
    fn refuses_ambiguous_or_malformed_amounts() {
        for bad in [
            "12,99", "12,99x", "", "1.2.3", "abc", "1.999", " - ", "1e5", ".",
        ] {
            assert!(
                Money::parse(bad, cur("GBP")).is_err(),
                "{bad:?} should be refused"
            );
        }
        assert!(
            Money::parse("1.5", cur("JPY")).is_err(),
            "JPY has no decimals"
        );
        assert!(Money::parse("99999999999999999999", cur("GBP")).is_err());
    }

    #[test]
    fn arithmetic_overflow_is_an_error() {
        let g = cur("GBP");
        let max = Money::from_minor(i64::MAX, g);
        assert_eq!(
            max.checked_add(Money::from_minor(1, g)),
            Err(MoneyError::Overflow)
        );
        assert_eq!(max.checked_mul(2), Err(MoneyError::Overflow));
        assert_eq!(
            Money::from_minor(i64::MIN, g).checked_neg(),
            Err(MoneyError::Overflow)
        );
        assert!(matches!(
            Money::zero(g).checked_add(Money::zero(cur("EUR"))),
            Err(MoneyError::CurrencyMismatch(_, _))
        ));
    }

    #[test]
    fn half_up_rounds_halves_away_from_zero() {
        assert_eq!(div_round_half_up(5, 10), Some(1));
        assert_eq!(div_round_half_up(4, 10), Some(0));
        assert_eq!(div_round_half_up(-5, 10), Some(-1));
        assert_eq!(div_round_half_up(-4, 10), Some(0));
        assert_eq!(div_round_half_up(15, 10), Some(2));
        assert_eq!(div_round_half_up(1, 0), None);
    }

    proptest::proptest! {
        #[test]
        fn format_then_parse_is_identity(minor in proptest::num::i64::ANY, idx in 0usize..5) {
            let c = cur(["JPY", "GBP", "EUR", "USD", "KWD"][idx]);
            let m = Money::from_minor(minor, c);
            proptest::prop_assert_eq!(Money::parse(&m.to_major_string(), c), Ok(m));
        }

        #[test]
        fn half_up_is_within_half_a_unit(n in -1_000_000_000i128..1_000_000_000, d in 1i128..100_000) {
            let q = div_round_half_up(n, d).expect("positive denominator");
            // |n - q*d| <= d/2, and exact halves go away from zero.
            let diff = n - q * d;
            proptest::prop_assert!(diff.abs() * 2 <= d);
            if diff.abs() * 2 == d {
                proptest::prop_assert!(q.abs() * d > n.abs());
            }
        }
    }
}
