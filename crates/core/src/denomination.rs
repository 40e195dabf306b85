//! The notes and coins of a currency, as data: what a cashier counts the drawer by at the
//! opening float and at close.
//!
//! Amounts are in the currency's minor units (a £20 note is 2000, a ¥1000 note is 1000, a CZK
//! 100 note is 10000: the koruna keeps its two ISO decimals though no haléř coin is left), largest
//! first. Only what is issued and handed over at a till today is listed: withdrawn coins (the
//! Canadian cent, the Swedish and Norwegian øre) cannot be counted, so a till rounding its cash
//! never gets a coin it cannot count. Where a note and a coin share a value (the US dollar) the
//! one a till's drawer holds is listed, as a count is by value. A currency not listed here is
//! counted as a plain total.

use crate::money::Currency;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Whether a denomination is a note or a coin: the drawer keeps them apart, and a message
/// names the one the currency lacks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DenominationKind {
    Note,
    Coin,
}

/// One note or coin of a currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
pub struct Denomination {
    /// Its value in the currency's minor units.
    pub minor: i64,
    pub kind: DenominationKind,
}

const fn note(minor: i64) -> Denomination {
    Denomination {
        minor,
        kind: DenominationKind::Note,
    }
}

const fn coin(minor: i64) -> Denomination {
    Denomination {
        minor,
        kind: DenominationKind::Coin,
    }
}

const GBP: &[Denomination] = &[
    note(5000),
    note(2000),
    note(1000),
    note(500),
    coin(200),
    coin(100),
    coin(50),
    coin(20),
    coin(10),
    coin(5),
    coin(2),
    coin(1),
];

// The €500 note is no longer issued but stays legal tender: a till may be handed one.
const EUR: &[Denomination] = &[
    note(50000),
    note(20000),
    note(10000),
    note(5000),
    note(2000),
    note(1000),
    note(500),
    coin(200),
    coin(100),
    coin(50),
    coin(20),
    coin(10),
    coin(5),
    coin(2),
    coin(1),
];

// The dollar is counted as a note (the coin is rare in a drawer and has the same value).
const USD: &[Denomination] = &[
    note(10000),
    note(5000),
    note(2000),
    note(1000),
    note(500),
    note(200),
    note(100),
    coin(50),
    coin(25),
    coin(10),
    coin(5),
    coin(1),
];

const CHF: &[Denomination] = &[
    note(100000),
    note(20000),
    note(10000),
    note(5000),
    note(2000),
    note(1000),
    coin(500),
    coin(200),
    coin(100),
    coin(50),
    coin(20),
    coin(10),
    coin(5),
];

const JPY: &[Denomination] = &[
    note(10000),
    note(5000),
    note(2000),
    note(1000),
    coin(500),
    coin(100),
    coin(50),
    coin(10),
    coin(5),
    coin(1),
];

// No cent since 2013: cash is rounded to 0.05.
const CAD: &[Denomination] = &[
    note(10000),
    note(5000),
    note(2000),
    note(1000),
    note(500),
    coin(200),
    coin(100),
    coin(50),
    coin(25),
    coin(10),
    coin(5),
];

const AUD: &[Denomination] = &[
    note(10000),
    note(5000),
    note(2000),
    note(1000),
    note(500),
    coin(200),
    coin(100),
    coin(50),
    coin(20),
    coin(10),
    coin(5),
];

const SEK: &[Denomination] = &[
    note(100000),
    note(50000),
    note(20000),
    note(10000),
    note(5000),
    note(2000),
    coin(1000),
    coin(500),
    coin(200),
    coin(100),
];

const NOK: &[Denomination] = &[
    note(100000),
    note(50000),
    note(20000),
    note(10000),
    note(5000),
    coin(2000),
    coin(1000),
    coin(500),
    coin(100),
];

const DKK: &[Denomination] = &[
    note(100000),
    note(50000),
    note(20000),
    note(10000),
    note(5000),
    coin(2000),
    coin(1000),
    coin(500),
    coin(200),
    coin(100),
    coin(50),
];

const PLN: &[Denomination] = &[
    note(50000),
    note(20000),
    note(10000),
    note(5000),
    note(2000),
    note(1000),
    coin(500),
    coin(200),
    coin(100),
    coin(50),
    coin(20),
    coin(10),
    coin(5),
    coin(2),
    coin(1),
];

const CZK: &[Denomination] = &[
    note(500000),
    note(200000),
    note(100000),
    note(50000),
    note(20000),
    note(10000),
    coin(5000),
    coin(2000),
    coin(1000),
    coin(500),
    coin(200),
    coin(100),
];

/// Every currency with its notes and coins listed, by ISO code.
pub const LISTED: &[(&str, &[Denomination])] = &[
    ("GBP", GBP),
    ("EUR", EUR),
    ("USD", USD),
    ("CHF", CHF),
    ("JPY", JPY),
    ("CAD", CAD),
    ("AUD", AUD),
    ("SEK", SEK),
    ("NOK", NOK),
    ("DKK", DKK),
    ("PLN", PLN),
    ("CZK", CZK),
];

/// The notes and coins of `currency`, largest first; None for a currency counted as a plain
/// total.
pub fn denominations(currency: Currency) -> Option<&'static [Denomination]> {
    LISTED
        .iter()
        .find(|(code, _)| *code == currency.code())
        .map(|(_, list)| *list)
}

/// The note or coin of `currency` worth `minor`, if it has one.
pub fn denomination(currency: Currency, minor: i64) -> Option<Denomination> {
    denominations(currency)?
        .iter()
        .copied()
        .find(|d| d.minor == minor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cur(code: &str) -> Currency {
        Currency::from_code(code).expect("known currency")
    }

    #[test]
    fn every_listed_currency_is_largest_first_unique_and_positive() {
        for (code, list) in LISTED {
            let c = cur(code);
            assert_eq!(denominations(c), Some(*list), "{code} is found by its code");
            assert!(!list.is_empty(), "{code} has denominations");
            assert!(
                list.windows(2).all(|w| w[0].minor > w[1].minor),
                "{code}: strictly largest first, so no value twice"
            );
            assert!(list.iter().all(|d| d.minor > 0), "{code}: all positive");
            // Notes are never worth less than coins: a count shows notes, then coins.
            let first_coin = list.iter().position(|d| d.kind == DenominationKind::Coin);
            if let Some(i) = first_coin {
                assert!(
                    list[i..].iter().all(|d| d.kind == DenominationKind::Coin),
                    "{code}: notes before coins"
                );
            }
        }
    }

    #[test]
    fn values_are_in_the_currencys_own_minor_units() {
        assert_eq!(cur("JPY").exponent(), 0);
        let yen = denominations(cur("JPY")).expect("JPY listed");
        assert_eq!(yen[0], note(10000), "the ¥10,000 note is 10000 minor units");
        assert_eq!(yen.last(), Some(&coin(1)));
        let pound = denominations(cur("GBP")).expect("GBP listed");
        assert_eq!(pound[0], note(5000), "the £50 note is 5000 pence");
        assert_eq!(denomination(cur("GBP"), 200), Some(coin(200)), "£2 coin");
        assert_eq!(denomination(cur("GBP"), 30), None, "no 30p");
        assert_eq!(denomination(cur("CAD"), 1), None, "no Canadian cent");
        assert_eq!(
            denomination(cur("CZK"), 10000),
            Some(note(10000)),
            "CZK 100"
        );
    }

    #[test]
    fn currencies_not_listed_have_no_denominations() {
        for code in ["KWD", "BHD", "XOF", "BRL", "ISK"] {
            assert_eq!(denominations(cur(code)), None, "{code}");
        }
    }
}
