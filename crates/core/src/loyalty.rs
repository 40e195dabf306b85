//! VIP points: how they are earned, what they are worth, and how a refund takes them back.
//!
//! Every figure here is cumulative where it can be: a reversal is "what should have been reversed
//! after this refund" minus "what was reversed before", so that any sequence of partial refunds
//! ends with exactly the points earned taken back, never one more.

use crate::money::{div_round_half_up, Currency, Money, MoneyError};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoyaltyError {
    #[error("points must be a positive whole number, not {0}")]
    NotPositive(i64),
    #[error("{points} points is not a whole amount of money: redeem in steps of {step} points")]
    NotWhole { points: i64, step: i64 },
    #[error("loyalty rate must be a positive whole number, not {0}")]
    BadRate(i64),
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// The shop's loyalty rates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct LoyaltyRules {
    /// Points earned per whole major unit (1.00) paid with money.
    pub earn_per_major: i64,
    /// Points that are worth one major unit (1.00) when redeemed.
    pub redeem_per_major: i64,
}

impl Default for LoyaltyRules {
    fn default() -> Self {
        LoyaltyRules {
            earn_per_major: 1,
            redeem_per_major: 100,
        }
    }
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 {
        a.abs()
    } else {
        gcd(b, a % b)
    }
}

impl LoyaltyRules {
    pub fn new(earn_per_major: i64, redeem_per_major: i64) -> Result<Self, LoyaltyError> {
        if earn_per_major < 0 {
            return Err(LoyaltyError::BadRate(earn_per_major));
        }
        if redeem_per_major <= 0 {
            return Err(LoyaltyError::BadRate(redeem_per_major));
        }
        Ok(LoyaltyRules {
            earn_per_major,
            redeem_per_major,
        })
    }

    /// The smallest number of points that is worth a whole minor unit.
    pub fn redeem_step(&self, currency: Currency) -> i64 {
        let minor = currency.minor_per_major();
        self.redeem_per_major / gcd(self.redeem_per_major, minor)
    }

    /// What `points` are worth at the till. Refuses amounts that are not whole minor units.
    pub fn value_of(&self, points: i64, currency: Currency) -> Result<Money, LoyaltyError> {
        if points <= 0 {
            return Err(LoyaltyError::NotPositive(points));
        }
        let num = i128::from(points) * i128::from(currency.minor_per_major());
        let den = i128::from(self.redeem_per_major);
        if num % den != 0 {
            return Err(LoyaltyError::NotWhole {
                points,
                step: self.redeem_step(currency),
            });
        }
        let minor = i64::try_from(num / den).map_err(|_| MoneyError::Overflow)?;
        Ok(Money::from_minor(minor, currency))
    }

    /// Points earned on an amount paid with money: per whole major unit, fractions dropped.
    pub fn earned_on(&self, money_paid: Money) -> i64 {
        if money_paid.minor() <= 0 {
            return 0;
        }
        let whole = money_paid.minor() / money_paid.currency().minor_per_major();
        whole.saturating_mul(self.earn_per_major)
    }
}

/// The share of `points` that corresponds to `part` of `whole`, cumulative and half up.
///
/// Used for "points to reverse after refunding `part` of an order worth `whole`" and for "points
/// to give back after refunding `part` of a points tender worth `whole`".
pub fn proportional_points(points: i64, part: Money, whole: Money) -> i64 {
    if whole.minor() <= 0 || points <= 0 {
        return 0;
    }
    if part.minor() >= whole.minor() {
        return points;
    }
    let v = div_round_half_up(
        i128::from(points) * i128::from(part.minor().max(0)),
        i128::from(whole.minor()),
    )
    .unwrap_or(0);
    i64::try_from(v).unwrap_or(points).min(points)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cur(code: &str) -> Currency {
        Currency::from_code(code).expect("currency")
    }

    #[test]
    fn defaults_earn_one_per_pound_and_redeem_100_per_pound() {
        let r = LoyaltyRules::default();
        let g = cur("GBP");
        assert_eq!(r.earned_on(Money::from_minor(1299, g)), 12);
        assert_eq!(r.earned_on(Money::from_minor(99, g)), 0);
        assert_eq!(r.value_of(250, g).expect("value").minor(), 250);
        assert_eq!(r.redeem_step(g), 1);
    }

    #[test]
    fn redemption_must_be_whole_minor_units() {
        let r = LoyaltyRules::default();
        let yen = cur("JPY");
        assert_eq!(r.redeem_step(yen), 100);
        assert_eq!(r.value_of(300, yen).expect("value").minor(), 3);
        assert_eq!(
            r.value_of(150, yen),
            Err(LoyaltyError::NotWhole {
                points: 150,
                step: 100
            })
        );
        assert!(r.value_of(0, yen).is_err());
        assert_eq!(r.earned_on(Money::from_minor(1500, yen)), 1500);
    }

    #[test]
    fn proportional_reversal_ends_exactly() {
        let g = cur("GBP");
        let whole = Money::from_minor(1000, g);
        let a = proportional_points(9, Money::from_minor(333, g), whole);
        let b = proportional_points(9, Money::from_minor(666, g), whole);
        let c = proportional_points(9, whole, whole);
        assert_eq!((a, b, c), (3, 6, 9));
    }
}
