//! Tenders and settling a sale: who pays what, cash rounding, and change.
//!
//! Tenders are applied in a fixed order: VIP points first, then cards, then cash for whatever is
//! left. Cash rounding (to 0.05 or 0.10 where the shop uses it) applies only to that cash part and
//! is recorded as its own amount; the order's total never changes because of it.

use crate::loyalty::{LoyaltyError, LoyaltyRules};
use crate::money::{div_round_half_up, to_minor, Currency, Money, MoneyError};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TenderKind {
    Cash,
    Card,
    Points,
}

impl TenderKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            TenderKind::Cash => "cash",
            TenderKind::Card => "card",
            TenderKind::Points => "points",
        }
    }

    pub fn parse(s: &str) -> Option<TenderKind> {
        match s {
            "cash" => Some(TenderKind::Cash),
            "card" => Some(TenderKind::Card),
            "points" => Some(TenderKind::Points),
            _ => None,
        }
    }
}

/// What the cashier says the customer pays with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "tender", rename_all = "snake_case")]
pub enum TenderRequest {
    /// Cash; `tendered` is what was handed over (None: exactly what is due).
    Cash { tendered: Option<Money> },
    /// A card for a given amount (None: whatever is left).
    Card { amount: Option<Money> },
    /// Redeeming VIP points.
    Points { points: i64 },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TenderError {
    #[error("no tender given")]
    NoTender,
    #[error("{due} is due but only {tendered} was tendered")]
    InsufficientTender { due: String, tendered: String },
    #[error("redeeming points needs a customer on the sale")]
    PointsWithoutCustomer,
    #[error("the customer has {balance} points, fewer than the {requested} asked for")]
    NotEnoughPoints { balance: i64, requested: i64 },
    #[error("{what} of {amount} is more than the {due} left to pay")]
    Overpaid {
        what: &'static str,
        amount: String,
        due: String,
    },
    #[error("cash may be given only once per sale")]
    CashTwice,
    #[error("nothing is left to pay in cash")]
    NothingLeftForCash,
    #[error("a card amount must be positive")]
    CardAmount,
    #[error("the cash handed over covers the whole sale: no card is needed")]
    CardNotNeeded,
    #[error("with the card taking the rest, say how much cash was handed over")]
    OpenCashAndCard,
    #[error("'{0}' is not a cash rounding (expected none, 0.05 or 0.10)")]
    BadCashRounding(String),
    #[error(transparent)]
    Loyalty(#[from] LoyaltyError),
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// Cash rounding: the smallest cash amount the shop hands out, in minor units (1 = none).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashRounding {
    increment: i64,
}

impl CashRounding {
    pub const NONE: CashRounding = CashRounding { increment: 1 };

    /// Parses "none", "0.05" or "0.10" for the shop's currency.
    pub fn parse(input: &str, currency: Currency) -> Result<Self, TenderError> {
        let bad = || TenderError::BadCashRounding(input.to_string());
        if input.trim().eq_ignore_ascii_case("none") {
            return Ok(Self::NONE);
        }
        let m = Money::parse(input, currency).map_err(|_| bad())?;
        let allowed = [
            Money::parse("0.05", currency),
            Money::parse("0.10", currency),
        ];
        if allowed.iter().any(|a| a.as_ref().ok() == Some(&m)) && m.minor() > 1 {
            Ok(CashRounding {
                increment: m.minor(),
            })
        } else {
            Err(bad())
        }
    }

    pub fn from_increment(increment: i64) -> Self {
        CashRounding {
            increment: increment.max(1),
        }
    }

    pub fn increment(&self) -> i64 {
        self.increment
    }

    /// As stored and shown: "none" or the increment in major units.
    pub fn label(&self, currency: Currency) -> String {
        if self.increment <= 1 {
            "none".to_string()
        } else {
            Money::from_minor(self.increment, currency).to_major_string()
        }
    }

    /// Rounds an amount to the nearest increment, halves up.
    pub fn round(&self, amount: Money) -> Result<Money, MoneyError> {
        if self.increment <= 1 {
            return Ok(amount);
        }
        let inc = i128::from(self.increment);
        let q = div_round_half_up(i128::from(amount.minor()), inc).ok_or(MoneyError::Overflow)?;
        Ok(Money::from_minor(to_minor(q * inc)?, amount.currency()))
    }
}

/// One payment of a settled sale.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Payment {
    pub tender: TenderKind,
    /// What this tender pays towards the order (for cash: after cash rounding).
    #[serde(serialize_with = "crate::money::as_minor")]
    pub amount: Money,
    /// Cash handed over, when it is cash.
    #[serde(serialize_with = "crate::money::as_minor_opt")]
    pub tendered: Option<Money>,
    #[serde(serialize_with = "crate::money::as_minor")]
    pub change: Money,
    /// Points redeemed, when it is points.
    pub points: i64,
}

/// How a sale is paid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settlement {
    pub payments: Vec<Payment>,
    /// Cash rounding on the cash part (positive: the customer paid a little more).
    pub cash_rounding: Money,
    pub change: Money,
    pub points_redeemed: i64,
    /// The part paid with money (cash and cards, before cash rounding): what earns points.
    pub money_paid: Money,
}

/// Settles `total` with the cashier's tenders.
///
/// `points_balance` is the linked customer's balance, or None when no customer is linked.
pub fn settle(
    total: Money,
    requests: &[TenderRequest],
    rounding: CashRounding,
    loyalty: &LoyaltyRules,
    points_balance: Option<i64>,
) -> Result<Settlement, TenderError> {
    if requests.is_empty() {
        return Err(TenderError::NoTender);
    }
    let cur = total.currency();
    let mut due = total;
    let mut payments = Vec::new();
    let mut points_redeemed = 0_i64;

    let points: i64 = requests
        .iter()
        .filter_map(|r| match r {
            TenderRequest::Points { points } => Some(*points),
            _ => None,
        })
        .try_fold(0_i64, |a, p| a.checked_add(p))
        .ok_or(MoneyError::Overflow)?;
    if requests
        .iter()
        .any(|r| matches!(r, TenderRequest::Points { .. }))
    {
        let balance = points_balance.ok_or(TenderError::PointsWithoutCustomer)?;
        let value = loyalty.value_of(points, cur)?;
        if points > balance {
            return Err(TenderError::NotEnoughPoints {
                balance,
                requested: points,
            });
        }
        if value.minor() > due.minor() {
            return Err(TenderError::Overpaid {
                what: "points worth",
                amount: value.to_major_string(),
                due: due.to_major_string(),
            });
        }
        due = due.checked_sub(value)?;
        points_redeemed = points;
        payments.push(Payment {
            tender: TenderKind::Points,
            amount: value,
            tendered: None,
            change: Money::zero(cur),
            points,
        });
    }

    // Cash handed over beside a card for "the rest": the cash is counted first, as it is, and
    // the card takes what is left (no rounding and no change on that cash).
    let open_card = requests
        .iter()
        .any(|r| matches!(r, TenderRequest::Card { amount: None }));
    let cash_first = if open_card {
        let handed: Vec<&Option<Money>> = requests
            .iter()
            .filter_map(|r| match r {
                TenderRequest::Cash { tendered } => Some(tendered),
                _ => None,
            })
            .collect();
        match handed.as_slice() {
            [Some(t)] => {
                if t.currency() != cur {
                    return Err(MoneyError::CurrencyMismatch(
                        t.currency().to_string(),
                        cur.to_string(),
                    )
                    .into());
                }
                if t.minor() <= 0 {
                    return Err(TenderError::InsufficientTender {
                        due: due.to_major_string(),
                        tendered: t.to_major_string(),
                    });
                }
                if t.minor() >= due.minor() {
                    return Err(TenderError::CardNotNeeded);
                }
                Some(*t)
            }
            [None] => return Err(TenderError::OpenCashAndCard),
            _ => None,
        }
    } else {
        None
    };

    for r in requests {
        if let TenderRequest::Card { amount } = r {
            let amount = match (amount, cash_first) {
                (Some(a), _) => *a,
                (None, Some(cash)) => due.checked_sub(cash)?,
                (None, None) => due,
            };
            if amount.minor() <= 0 {
                return Err(TenderError::CardAmount);
            }
            if amount.minor() > due.minor() {
                return Err(TenderError::Overpaid {
                    what: "a card payment",
                    amount: amount.to_major_string(),
                    due: due.to_major_string(),
                });
            }
            due = due.checked_sub(amount)?;
            payments.push(Payment {
                tender: TenderKind::Card,
                amount,
                tendered: None,
                change: Money::zero(cur),
                points: 0,
            });
        }
    }

    let cash: Vec<&Option<Money>> = requests
        .iter()
        .filter_map(|r| match r {
            TenderRequest::Cash { tendered } => Some(tendered),
            _ => None,
        })
        .collect();
    let mut cash_rounding = Money::zero(cur);
    let mut change = Money::zero(cur);
    match cash.as_slice() {
        [] => {
            if due.minor() > 0 {
                let paid = total.checked_sub(due)?;
                return Err(TenderError::InsufficientTender {
                    due: total.to_major_string(),
                    tendered: paid.to_major_string(),
                });
            }
        }
        [_] if cash_first.is_some() => {
            let handed = cash_first.unwrap_or(due);
            payments.push(Payment {
                tender: TenderKind::Cash,
                amount: handed,
                tendered: Some(handed),
                change: Money::zero(cur),
                points: 0,
            });
        }
        [tendered] => {
            if due.minor() <= 0 {
                return Err(TenderError::NothingLeftForCash);
            }
            let cash_due = rounding.round(due)?;
            let tendered = tendered.unwrap_or(cash_due);
            if tendered.currency() != cur {
                return Err(MoneyError::CurrencyMismatch(
                    tendered.currency().to_string(),
                    cur.to_string(),
                )
                .into());
            }
            if tendered.minor() < cash_due.minor() {
                return Err(TenderError::InsufficientTender {
                    due: cash_due.to_major_string(),
                    tendered: tendered.to_major_string(),
                });
            }
            cash_rounding = cash_due.checked_sub(due)?;
            change = tendered.checked_sub(cash_due)?;
            payments.push(Payment {
                tender: TenderKind::Cash,
                amount: cash_due,
                tendered: Some(tendered),
                change,
                points: 0,
            });
        }
        _ => return Err(TenderError::CashTwice),
    }

    let points_value = Money::sum(
        cur,
        payments
            .iter()
            .filter(|p| p.tender == TenderKind::Points)
            .map(|p| p.amount),
    )?;
    Ok(Settlement {
        payments,
        cash_rounding,
        change,
        points_redeemed,
        money_paid: total.checked_sub(points_value)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbp(minor: i64) -> Money {
        Money::from_minor(minor, Currency::from_code("GBP").expect("GBP"))
    }

    fn rules() -> LoyaltyRules {
        LoyaltyRules::default()
    }

    #[test]
    fn cash_handed_over_beside_a_card_for_the_rest_is_counted_first() {
        let card_rest = TenderRequest::Card { amount: None };
        let cash = |m| TenderRequest::Cash {
            tendered: Some(gbp(m)),
        };
        let s = settle(
            gbp(1299),
            &[cash(500), card_rest.clone()],
            CashRounding::NONE,
            &rules(),
            None,
        )
        .expect("settle");
        let parts: Vec<(TenderKind, i64, i64)> = s
            .payments
            .iter()
            .map(|p| (p.tender, p.amount.minor(), p.change.minor()))
            .collect();
        assert_eq!(
            parts,
            vec![(TenderKind::Card, 799, 0), (TenderKind::Cash, 500, 0)]
        );
        assert_eq!(s.money_paid.minor(), 1299);
        let refused = |tenders: &[TenderRequest]| {
            settle(gbp(1299), tenders, CashRounding::NONE, &rules(), None).expect_err("refused")
        };
        assert_eq!(
            refused(&[cash(1299), card_rest.clone()]),
            TenderError::CardNotNeeded
        );
        assert_eq!(
            refused(&[TenderRequest::Cash { tendered: None }, card_rest]),
            TenderError::OpenCashAndCard
        );
    }

    #[test]
    fn cash_gives_change() {
        let s = settle(
            gbp(1299),
            &[TenderRequest::Cash {
                tendered: Some(gbp(2000)),
            }],
            CashRounding::NONE,
            &rules(),
            None,
        )
        .expect("settle");
        assert_eq!(s.change.minor(), 701);
        assert_eq!(s.money_paid.minor(), 1299);
    }

    #[test]
    fn cash_rounding_applies_only_to_the_cash_part() {
        let cur = Currency::from_code("GBP").expect("GBP");
        let r = CashRounding::parse("0.05", cur).expect("rounding");
        // 10.02 total, 3.00 in points, 7.02 cash → 7.00 in cash, rounding -0.02.
        let s = settle(
            gbp(1002),
            &[
                TenderRequest::Points { points: 300 },
                TenderRequest::Cash { tendered: None },
            ],
            r,
            &rules(),
            Some(1000),
        )
        .expect("settle");
        assert_eq!(s.cash_rounding.minor(), -2);
        assert_eq!(s.payments[1].amount.minor(), 700);
        assert_eq!(s.points_redeemed, 300);
        assert_eq!(s.money_paid.minor(), 702);
        let r10 = CashRounding::parse("0.10", cur).expect("rounding");
        assert_eq!(r10.round(gbp(105)).expect("round").minor(), 110);
        assert_eq!(r10.round(gbp(104)).expect("round").minor(), 100);
        assert!(CashRounding::parse("0.05", Currency::from_code("JPY").expect("JPY")).is_err());
        assert!(CashRounding::parse("0.20", cur).is_err());
    }

    #[test]
    fn refuses_short_or_wrong_tenders() {
        let short = settle(
            gbp(1000),
            &[TenderRequest::Cash {
                tendered: Some(gbp(999)),
            }],
            CashRounding::NONE,
            &rules(),
            None,
        );
        assert!(matches!(short, Err(TenderError::InsufficientTender { .. })));
        let no_customer = settle(
            gbp(1000),
            &[TenderRequest::Points { points: 100 }],
            CashRounding::NONE,
            &rules(),
            None,
        );
        assert_eq!(no_customer, Err(TenderError::PointsWithoutCustomer));
        let too_many = settle(
            gbp(1000),
            &[
                TenderRequest::Points { points: 500 },
                TenderRequest::Cash { tendered: None },
            ],
            CashRounding::NONE,
            &rules(),
            Some(499),
        );
        assert_eq!(
            too_many,
            Err(TenderError::NotEnoughPoints {
                balance: 499,
                requested: 500
            })
        );
        let points_only_short = settle(
            gbp(1000),
            &[TenderRequest::Points { points: 500 }],
            CashRounding::NONE,
            &rules(),
            Some(5000),
        );
        assert!(matches!(
            points_only_short,
            Err(TenderError::InsufficientTender { .. })
        ));
        assert_eq!(
            settle(gbp(1), &[], CashRounding::NONE, &rules(), None),
            Err(TenderError::NoTender)
        );
    }

    #[test]
    fn split_card_and_cash() {
        let s = settle(
            gbp(5000),
            &[
                TenderRequest::Card {
                    amount: Some(gbp(3000)),
                },
                TenderRequest::Cash {
                    tendered: Some(gbp(2000)),
                },
            ],
            CashRounding::NONE,
            &rules(),
            None,
        )
        .expect("settle");
        assert_eq!(s.payments.len(), 2);
        assert_eq!(s.change.minor(), 0);
    }
}
