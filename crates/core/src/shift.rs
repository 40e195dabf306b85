//! Shifts and the cash-up: counting the drawer, the cash it should hold, closing with an over or
//! short, and the shape of the X and Z reports.
//!
//! Pure rules, no I/O: the till keeps the shift, journals each movement and fills the report
//! from its store; this module says what a count is, what the drawer should hold, what a close
//! needs and how a Z is numbered. Amounts are checked [`Money`]; what crosses to the screen or
//! into a stored Z is integer minor units beside the currency, as everywhere else.
//!
//! Shop-floor words: the *float* is the change the drawer opens with; *paid in* and *paid out*
//! are cash put in or taken out with a reason (a window cleaner paid from the till); a *safe
//! drop* takes notes to the safe during the shift; the *blind count* is the cashier's count at
//! close, made before the expected figure is shown; the drawer is *over* or *short* by the
//! variance; what is not left as tomorrow's float is *banked*.

use crate::denomination::{denomination, denominations};
use crate::money::{div_round_half_up, to_minor, Currency, Money, MoneyError};
use crate::text::{hidden_character, hidden_character_message, printable};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use ts_rs::TS;

/// The most pieces of one denomination a count may hold: a bag of 100,000 coins is already more
/// than any till drawer, so a larger figure is a typing slip.
pub const MAX_PIECES: i64 = 100_000;

/// The longest reason for a paid in or paid out, in characters.
pub const REASON_MAX_CHARS: usize = 200;

/// The longest note explaining an over or short, in characters.
pub const NOTE_MAX_CHARS: usize = 500;

/// What can be wrong with a shift's cash: a count, a movement, a close, a Z number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShiftError {
    /// One part of a typed count is wrong; `part` is that part as typed.
    #[error("'{part}': {problem}")]
    BadCount { part: String, problem: CountProblem },
    #[error(
        "part {position} of the count is empty (two commas together, or a comma at either end)"
    )]
    EmptyCountPart { position: usize },
    #[error("nothing was counted: give {example}, or 0 for an empty drawer")]
    EmptyCount { example: String },
    #[error("{amount} cannot be taken out: only {in_drawer} is expected in the drawer")]
    MoreThanInDrawer { amount: String, in_drawer: String },
    #[error("{what} must be more than zero, not {amount}")]
    NotPositive { what: &'static str, amount: String },
    #[error("{what} cannot be negative, not {amount}")]
    Negative { what: &'static str, amount: String },
    #[error("a reason is required for a {0}")]
    ReasonRequired(&'static str),
    #[error("the {what} is {chars} characters long: at most {max}")]
    TextTooLong {
        what: &'static str,
        chars: usize,
        max: usize,
    },
    #[error("the {what} {}", hidden_character_message(*.found))]
    HiddenCharacter { what: &'static str, found: char },
    #[error("the drawer is {variance}: a note saying why is required when over or short by more than {tolerance}")]
    NoteRequired { variance: String, tolerance: String },
    #[error("the drawer is {variance}: a manager must approve a close over or short by more than {tolerance}")]
    ApprovalRequired { variance: String, tolerance: String },
    #[error("the float left for tomorrow ({float}) is more than the {counted} counted")]
    FloatAboveCounted { float: String, counted: String },
    #[error("{0} is not a Z number: Z numbers start at 1")]
    BadZNumber(i64),
    #[error("a number of sales cannot be negative, not {0}")]
    NegativeSalesCount(i64),
    #[error(transparent)]
    Money(#[from] MoneyError),
}

impl ShiftError {
    /// A stable code for the screen and scripts to switch on.
    pub fn code(&self) -> &'static str {
        match self {
            ShiftError::BadCount { .. }
            | ShiftError::EmptyCountPart { .. }
            | ShiftError::EmptyCount { .. } => "bad_count",
            ShiftError::MoreThanInDrawer { .. } => "more_than_in_drawer",
            ShiftError::NotPositive { .. } | ShiftError::Negative { .. } => "bad_amount",
            ShiftError::ReasonRequired(_)
            | ShiftError::TextTooLong { .. }
            | ShiftError::HiddenCharacter { .. } => "bad_text",
            ShiftError::NoteRequired { .. } => "note_required",
            ShiftError::ApprovalRequired { .. } => "approval_required",
            ShiftError::FloatAboveCounted { .. } => "float_above_counted",
            ShiftError::BadZNumber(_) => "bad_z_number",
            ShiftError::NegativeSalesCount(_) => "bad_amount",
            ShiftError::Money(MoneyError::Overflow) => "amount_overflow",
            ShiftError::Money(MoneyError::CurrencyMismatch(..)) => "currency_mismatch",
            ShiftError::Money(_) => "bad_amount",
        }
    }
}

/// What is wrong with one part of a typed count.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CountProblem {
    #[error("write denomination=how many, such as {example}")]
    NoEquals { example: String },
    #[error("the denomination is not an amount in {currency}: {reason}")]
    NotAnAmount { currency: String, reason: String },
    #[error("{currency} has no {value} coin or note")]
    NoSuchDenomination { currency: String, value: String },
    #[error("how many cannot be negative")]
    NegativeCount,
    #[error("how many must be a whole number of pieces")]
    NotWhole,
    #[error("how many must be a number of pieces (0, 1, 2, …)")]
    NotANumber,
    #[error("more than {max} pieces of one denomination")]
    TooMany { max: i64 },
    #[error("this denomination was already counted")]
    Repeated,
    #[error("{currency} is counted as a plain total: give total=AMOUNT, such as {example}")]
    PlainTotalOnly { currency: String, example: String },
    #[error("count {currency} by its notes and coins, such as {example}")]
    ByDenomination { currency: String, example: String },
    #[error("the total is not an amount in {currency}: {reason}")]
    BadTotal { currency: String, reason: String },
    #[error("a total cannot be negative")]
    NegativeTotal,
}

fn bad_part(part: &str, problem: CountProblem) -> ShiftError {
    ShiftError::BadCount {
        part: printable(part).into_owned(),
        problem,
    }
}

/// What a [`MoneyError::Parse`] says is wrong, without the input it repeats.
fn parse_reason(e: MoneyError) -> String {
    match e {
        MoneyError::Parse { reason, .. } => reason,
        other => other.to_string(),
    }
}

/// How many pieces of one denomination were counted (the storage and screen form of a count).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
pub struct CountLine {
    /// The denomination in minor units (for a plain total: the total, with `count` 1).
    pub minor: i64,
    pub count: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Counted {
    /// Nonzero counts only, largest denomination first.
    Pieces(Vec<CountLine>),
    /// A currency without listed denominations: the amount as counted.
    Total,
}

/// A count of the drawer: by the currency's notes and coins, or a plain total for a currency
/// whose denominations are not listed. Valid by construction (known denominations, 0 to
/// [`MAX_PIECES`] of each, none twice) and its total computed once, checked.
///
/// Serialized as its list of `{minor, count}` (a plain total as one line of count 1); read one
/// back with [`CashCount::from_lines`], which checks it again.
#[derive(Clone, Debug, PartialEq, Eq, TS)]
#[ts(as = "Vec<CountLine>")]
pub struct CashCount {
    counted: Counted,
    total: Money,
}

impl Serialize for CashCount {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_lines().serialize(s)
    }
}

/// An example count for messages: the currency's two largest notes and its smallest coin.
fn example(currency: Currency) -> String {
    match denominations(currency) {
        Some(list) => {
            let mut parts: Vec<String> = list
                .iter()
                .take(2)
                .enumerate()
                .map(|(i, d)| format!("{}={}", major(d.minor, currency), i + 2))
                .collect();
            if let Some(last) = list.last() {
                if list.len() > 2 {
                    parts.push(format!("{}=1", major(last.minor, currency)));
                }
            }
            parts.join(",")
        }
        None => format!(
            "total={}",
            Money::from_minor(12345 * currency.minor_per_major() / 100, currency).to_major_string()
        ),
    }
}

/// A denomination in major units as a person writes it: "50", "0.50", "1000".
fn major(minor: i64, currency: Currency) -> String {
    let unit = currency.minor_per_major();
    if unit > 1 && minor % unit == 0 {
        (minor / unit).to_string()
    } else {
        Money::from_minor(minor, currency).to_major_string()
    }
}

/// "how many" as typed: digits only.
fn parse_pieces(text: &str) -> Result<i64, CountProblem> {
    let t = text.trim();
    let numeric = |s: &str| {
        !s.is_empty()
            && s.chars().all(|c| c.is_ascii_digit() || c == '.')
            && s.chars().any(|c| c.is_ascii_digit())
    };
    if let Some(rest) = t.strip_prefix('-') {
        return Err(if numeric(rest) {
            CountProblem::NegativeCount
        } else {
            CountProblem::NotANumber
        });
    }
    if !numeric(t) {
        return Err(CountProblem::NotANumber);
    }
    if t.contains('.') {
        return Err(CountProblem::NotWhole);
    }
    match t.parse::<i64>() {
        Ok(n) if n <= MAX_PIECES => Ok(n),
        _ => Err(CountProblem::TooMany { max: MAX_PIECES }),
    }
}

impl CashCount {
    /// An empty drawer.
    pub fn empty(currency: Currency) -> Self {
        let counted = if denominations(currency).is_some() {
            Counted::Pieces(Vec::new())
        } else {
            Counted::Total
        };
        CashCount {
            counted,
            total: Money::zero(currency),
        }
    }

    /// A plain total, for a currency whose notes and coins are not listed.
    pub fn plain(total: Money) -> Result<Self, ShiftError> {
        let currency = total.currency();
        let part = format!("total={}", total.to_major_string());
        if denominations(currency).is_some() {
            return Err(bad_part(
                &part,
                CountProblem::ByDenomination {
                    currency: currency.to_string(),
                    example: example(currency),
                },
            ));
        }
        if total.is_negative() {
            return Err(bad_part(&part, CountProblem::NegativeTotal));
        }
        Ok(CashCount {
            counted: Counted::Total,
            total,
        })
    }

    /// A count from `(denomination in minor units, how many)` pairs, as the count screen sends
    /// it or the store kept it; zero counts are dropped. For a currency counted as a plain
    /// total, no line (nothing) or one line of count 1 (the total).
    pub fn from_lines(
        currency: Currency,
        lines: impl IntoIterator<Item = CountLine>,
    ) -> Result<Self, ShiftError> {
        let lines: Vec<CountLine> = lines.into_iter().collect();
        if denominations(currency).is_none() {
            return match lines.as_slice() {
                [] => Ok(CashCount::empty(currency)),
                [CountLine { minor, count: 1 }] => {
                    CashCount::plain(Money::from_minor(*minor, currency))
                }
                [l, ..] => Err(bad_part(
                    &format!("{}={}", major(l.minor, currency), l.count),
                    CountProblem::PlainTotalOnly {
                        currency: currency.to_string(),
                        example: example(currency),
                    },
                )),
            };
        }
        let mut counts: BTreeMap<i64, i64> = BTreeMap::new();
        for l in lines {
            let part = format!("{}={}", major(l.minor, currency), l.count);
            Self::check_piece(currency, l.minor, &part)?;
            if l.count < 0 {
                return Err(bad_part(&part, CountProblem::NegativeCount));
            }
            if l.count > MAX_PIECES {
                return Err(bad_part(&part, CountProblem::TooMany { max: MAX_PIECES }));
            }
            if counts.insert(l.minor, l.count).is_some() {
                return Err(bad_part(&part, CountProblem::Repeated));
            }
        }
        Self::from_counts(currency, counts)
    }

    fn check_piece(currency: Currency, minor: i64, part: &str) -> Result<(), ShiftError> {
        if denomination(currency, minor).is_none() {
            return Err(bad_part(
                part,
                CountProblem::NoSuchDenomination {
                    currency: currency.to_string(),
                    value: Money::from_minor(minor, currency).to_major_string(),
                },
            ));
        }
        Ok(())
    }

    fn from_counts(currency: Currency, counts: BTreeMap<i64, i64>) -> Result<Self, ShiftError> {
        let lines: Vec<CountLine> = counts
            .into_iter()
            .rev()
            .filter(|(_, count)| *count > 0)
            .map(|(minor, count)| CountLine { minor, count })
            .collect();
        let total = Money::sum(
            currency,
            lines
                .iter()
                .map(|l| Money::from_minor(l.minor, currency).checked_mul(l.count))
                .collect::<Result<Vec<_>, _>>()?,
        )?;
        Ok(CashCount {
            counted: Counted::Pieces(lines),
            total,
        })
    }

    /// Parses a count as a person types it: `50=2,20=3,0.50=1` (denomination in major units =
    /// how many; spaces allowed), `total=123.45` or `123.45` for a currency counted as a plain
    /// total, and `0` for an empty drawer in any currency. The error names the part at fault.
    pub fn parse(input: &str, currency: Currency) -> Result<Self, ShiftError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(ShiftError::EmptyCount {
                example: example(currency),
            });
        }
        if Money::parse(text, currency).is_ok_and(|m| m.is_zero()) {
            return Ok(CashCount::empty(currency));
        }
        if denominations(currency).is_none() {
            return Self::parse_total(text, currency);
        }
        let mut counts: BTreeMap<i64, i64> = BTreeMap::new();
        for (i, raw) in text.split(',').enumerate() {
            let part = raw.trim();
            if part.is_empty() {
                return Err(ShiftError::EmptyCountPart { position: i + 1 });
            }
            let Some((value, pieces)) = part.split_once('=') else {
                let problem = if Money::parse(part, currency).is_ok() {
                    CountProblem::ByDenomination {
                        currency: currency.to_string(),
                        example: example(currency),
                    }
                } else {
                    CountProblem::NoEquals {
                        example: example(currency),
                    }
                };
                return Err(bad_part(part, problem));
            };
            let value = value.trim();
            if value.eq_ignore_ascii_case("total") {
                return Err(bad_part(
                    part,
                    CountProblem::ByDenomination {
                        currency: currency.to_string(),
                        example: example(currency),
                    },
                ));
            }
            let value = Money::parse(value, currency).map_err(|e| {
                bad_part(
                    part,
                    CountProblem::NotAnAmount {
                        currency: currency.to_string(),
                        reason: parse_reason(e),
                    },
                )
            })?;
            Self::check_piece(currency, value.minor(), part)?;
            let pieces = parse_pieces(pieces).map_err(|p| bad_part(part, p))?;
            if counts.insert(value.minor(), pieces).is_some() {
                return Err(bad_part(part, CountProblem::Repeated));
            }
        }
        Self::from_counts(currency, counts)
    }

    fn parse_total(text: &str, currency: Currency) -> Result<Self, ShiftError> {
        let amount = match text.split_once('=') {
            Some((key, amount)) if key.trim().eq_ignore_ascii_case("total") => amount,
            Some(_) => {
                return Err(bad_part(
                    text,
                    CountProblem::PlainTotalOnly {
                        currency: currency.to_string(),
                        example: example(currency),
                    },
                ))
            }
            None => text,
        };
        let total = Money::parse(amount, currency).map_err(|e| {
            bad_part(
                text,
                CountProblem::BadTotal {
                    currency: currency.to_string(),
                    reason: parse_reason(e),
                },
            )
        })?;
        if total.is_negative() {
            return Err(bad_part(text, CountProblem::NegativeTotal));
        }
        CashCount::plain(total)
    }

    pub fn currency(&self) -> Currency {
        self.total.currency()
    }

    /// What the count comes to.
    pub fn total(&self) -> Money {
        self.total
    }

    /// Whether it was counted by notes and coins (false: a plain total).
    pub fn is_by_denomination(&self) -> bool {
        matches!(self.counted, Counted::Pieces(_))
    }

    /// How many pieces of the denomination worth `minor` were counted (0 for a plain total).
    pub fn pieces_of(&self, minor: i64) -> i64 {
        match &self.counted {
            Counted::Pieces(lines) => lines
                .iter()
                .find(|l| l.minor == minor)
                .map_or(0, |l| l.count),
            Counted::Total => 0,
        }
    }

    /// The storage form: nonzero counts, largest denomination first; a plain total as one
    /// line of count 1 (none when it is zero).
    pub fn to_lines(&self) -> Vec<CountLine> {
        match &self.counted {
            Counted::Pieces(lines) => lines.clone(),
            Counted::Total if self.total.is_zero() => Vec::new(),
            Counted::Total => vec![CountLine {
                minor: self.total.minor(),
                count: 1,
            }],
        }
    }

    /// The count as a person would type it, which [`CashCount::parse`] reads back to the same
    /// count: `50=2,20=3,0.50=1`, `total=123.45`, or `0` for an empty drawer.
    pub fn to_text(&self) -> String {
        let currency = self.currency();
        match &self.counted {
            Counted::Pieces(lines) if lines.is_empty() => "0".to_string(),
            Counted::Pieces(lines) => lines
                .iter()
                .map(|l| format!("{}={}", major(l.minor, currency), l.count))
                .collect::<Vec<_>>()
                .join(","),
            Counted::Total => format!("total={}", self.total.to_major_string()),
        }
    }
}

impl fmt::Display for CashCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

/// Trimmed text of 1..=`max` characters with nothing hidden: one rule for reasons and notes.
fn checked_text(
    text: &str,
    what: &'static str,
    max: usize,
    required: ShiftError,
) -> Result<String, ShiftError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(required);
    }
    let chars = t.chars().count();
    if chars > max {
        return Err(ShiftError::TextTooLong { what, chars, max });
    }
    if let Some(found) = hidden_character(t) {
        return Err(ShiftError::HiddenCharacter { what, found });
    }
    Ok(t.to_string())
}

/// Why cash was paid in or out: trimmed, 1 to [`REASON_MAX_CHARS`] characters, nothing hidden.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(transparent)]
pub struct Reason(String);

impl Reason {
    pub fn new(text: &str) -> Result<Self, ShiftError> {
        checked_text(
            text,
            "reason",
            REASON_MAX_CHARS,
            ShiftError::ReasonRequired("paid in or paid out"),
        )
        .map(Reason)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why the drawer is over or short at close: trimmed, 1 to [`NOTE_MAX_CHARS`] characters,
/// nothing hidden.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(transparent)]
pub struct CloseNote(String);

impl CloseNote {
    pub fn new(text: &str) -> Result<Self, ShiftError> {
        checked_text(
            text,
            "note",
            NOTE_MAX_CHARS,
            ShiftError::ReasonRequired("close that is over or short"),
        )
        .map(CloseNote)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CloseNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Cash going into or out of the drawer during a shift, as journaled. Amounts are in minor
/// units on the wire; the shift states its currency once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CashMovement {
    /// Float put in the drawer: the opening float as counted, or change brought from the safe.
    Float {
        #[serde(serialize_with = "crate::money::as_minor")]
        #[ts(type = "number")]
        amount: Money,
    },
    /// A sale's cash part as the drawer keeps it: tendered minus change, after cash rounding
    /// (so the rounding is in the drawer, not beside it).
    Sale {
        #[serde(serialize_with = "crate::money::as_minor")]
        #[ts(type = "number")]
        cash: Money,
    },
    /// Cash handed back on a refund (after its cash rounding).
    Refund {
        #[serde(serialize_with = "crate::money::as_minor")]
        #[ts(type = "number")]
        cash: Money,
    },
    /// Cash put in with a reason (change from the bank, a customer settling a tab).
    PaidIn {
        #[serde(serialize_with = "crate::money::as_minor")]
        #[ts(type = "number")]
        amount: Money,
        reason: Reason,
    },
    /// Cash taken out with a reason (milk for the staff room, a window cleaner).
    PaidOut {
        #[serde(serialize_with = "crate::money::as_minor")]
        #[ts(type = "number")]
        amount: Money,
        reason: Reason,
    },
    /// Notes taken to the safe during the shift.
    Drop {
        #[serde(serialize_with = "crate::money::as_minor")]
        #[ts(type = "number")]
        amount: Money,
    },
}

impl CashMovement {
    /// The amount moved, as a positive figure whichever way it goes.
    pub fn amount(&self) -> Money {
        match self {
            CashMovement::Float { amount }
            | CashMovement::PaidIn { amount, .. }
            | CashMovement::PaidOut { amount, .. }
            | CashMovement::Drop { amount } => *amount,
            CashMovement::Sale { cash } | CashMovement::Refund { cash } => *cash,
        }
    }

    /// What it is called on the shop floor and in messages.
    pub fn label(&self) -> &'static str {
        match self {
            CashMovement::Float { .. } => "float",
            CashMovement::Sale { .. } => "cash sale",
            CashMovement::Refund { .. } => "cash refund",
            CashMovement::PaidIn { .. } => "paid in",
            CashMovement::PaidOut { .. } => "paid out",
            CashMovement::Drop { .. } => "safe drop",
        }
    }

    /// Whether it takes cash out of the drawer.
    pub fn takes_out(&self) -> bool {
        matches!(
            self,
            CashMovement::Refund { .. } | CashMovement::PaidOut { .. } | CashMovement::Drop { .. }
        )
    }

    /// What it does to the cash in the drawer (positive in, negative out), once its amount is
    /// checked: paid in, paid out and drops are more than zero; a float, a sale's and a refund's
    /// cash are zero or more (a card sale keeps no cash).
    pub fn drawer_change(&self) -> Result<Money, ShiftError> {
        let amount = self.amount();
        let strictly = matches!(
            self,
            CashMovement::PaidIn { .. } | CashMovement::PaidOut { .. } | CashMovement::Drop { .. }
        );
        if strictly && amount.minor() <= 0 {
            return Err(ShiftError::NotPositive {
                what: self.label(),
                amount: amount.to_major_string(),
            });
        }
        if amount.is_negative() {
            return Err(ShiftError::Negative {
                what: self.label(),
                amount: amount.to_major_string(),
            });
        }
        if self.takes_out() {
            Ok(amount.checked_neg()?)
        } else {
            Ok(amount)
        }
    }
}

/// The cash the drawer should hold: `opening` (the float, or the drawer's expected cash before
/// these movements) + floats + cash sales − cash refunds + paid in − paid out − drops. Checked:
/// an overflow, a mixed currency or a movement of a wrong amount is an error.
///
/// It adds up what happened; refusing a take-out the drawer cannot cover is
/// [`check_take_out`]'s job, before the movement is journaled.
pub fn expected_cash(opening: Money, movements: &[CashMovement]) -> Result<Money, ShiftError> {
    if opening.is_negative() {
        return Err(ShiftError::Negative {
            what: "the float",
            amount: opening.to_major_string(),
        });
    }
    movements
        .iter()
        .try_fold(opening, |sum, m| Ok(sum.checked_add(m.drawer_change()?)?))
}

/// Refuses to take `amount` out of a drawer expected to hold `expected_now` (a paid out or a
/// safe drop): it must be more than zero and no more than is in the drawer.
pub fn check_take_out(expected_now: Money, amount: Money) -> Result<(), ShiftError> {
    if amount.minor() <= 0 {
        return Err(ShiftError::NotPositive {
            what: "what is taken out of the drawer",
            amount: amount.to_major_string(),
        });
    }
    if amount.currency() != expected_now.currency() {
        return Err(MoneyError::CurrencyMismatch(
            amount.currency().to_string(),
            expected_now.currency().to_string(),
        )
        .into());
    }
    if amount.minor() > expected_now.minor() {
        return Err(ShiftError::MoreThanInDrawer {
            amount: amount.to_string(),
            in_drawer: Money::from_minor(expected_now.minor().max(0), amount.currency())
                .to_string(),
        });
    }
    Ok(())
}

/// Counted minus expected: positive when the drawer is over, negative when it is short.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Variance(Money);

impl Variance {
    /// The variance of a drawer that was counted at `counted` and expected to hold `expected`.
    pub fn between(counted: Money, expected: Money) -> Result<Self, ShiftError> {
        Ok(Variance(counted.checked_sub(expected)?))
    }

    /// Signed: over positive, short negative.
    pub fn amount(&self) -> Money {
        self.0
    }

    pub fn is_over(&self) -> bool {
        self.0.minor() > 0
    }

    pub fn is_short(&self) -> bool {
        self.0.minor() < 0
    }

    /// How far off the drawer is, over or short, in minor units (never overflows).
    pub fn size_minor(&self) -> u64 {
        self.0.minor().unsigned_abs()
    }
}

/// As a cashier says it: "over 0.50 GBP", "short 2.00 GBP", "exact".
impl fmt::Display for Variance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let size = Money::from_minor(
            i64::try_from(self.size_minor()).unwrap_or(i64::MAX),
            self.0.currency(),
        );
        if self.is_over() {
            write!(f, "over {size}")
        } else if self.is_short() {
            write!(f, "short {size}")
        } else {
            f.write_str("exact")
        }
    }
}

/// The shop's tolerances at close: a note is required when the drawer is over or short by more
/// than `note_over`, and a manager's approval when by more than `approve_over`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CloseRules {
    note_over: Money,
    approve_over: Money,
}

impl CloseRules {
    /// Both zero or more, in one currency.
    pub fn new(note_over: Money, approve_over: Money) -> Result<Self, ShiftError> {
        for (what, m) in [
            ("the note tolerance", note_over),
            ("the approval tolerance", approve_over),
        ] {
            if m.is_negative() {
                return Err(ShiftError::Negative {
                    what,
                    amount: m.to_major_string(),
                });
            }
        }
        if note_over.currency() != approve_over.currency() {
            return Err(MoneyError::CurrencyMismatch(
                note_over.currency().to_string(),
                approve_over.currency().to_string(),
            )
            .into());
        }
        Ok(CloseRules {
            note_over,
            approve_over,
        })
    }

    /// The default: a note when over or short by more than one major unit or 100 minor units,
    /// whichever is more, and a manager's approval above ten times that: 1.00 and 10.00 GBP,
    /// EUR or USD; ¥100 and ¥1000 (a single yen is too small to explain); 1.000 and 10.000 KWD.
    /// A shop sets its own.
    pub fn for_currency(currency: Currency) -> Self {
        let unit = currency.minor_per_major().max(100);
        CloseRules {
            note_over: Money::from_minor(unit, currency),
            approve_over: Money::from_minor(unit.saturating_mul(10), currency),
        }
    }

    pub fn note_over(&self) -> Money {
        self.note_over
    }

    pub fn approve_over(&self) -> Money {
        self.approve_over
    }
}

/// What a close with a given variance needs before it can be committed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CloseNeeds {
    /// A note saying why the drawer is over or short.
    pub note: bool,
    /// A manager's approval (their PIN).
    pub approval: bool,
}

/// What a close with `variance` needs under `rules`. A close a manager must approve needs a
/// note too, whatever the note tolerance: the manager signs off on an explanation.
pub fn judge(variance: Variance, rules: &CloseRules) -> Result<CloseNeeds, ShiftError> {
    let currency = variance.amount().currency();
    if currency != rules.note_over.currency() {
        return Err(MoneyError::CurrencyMismatch(
            currency.to_string(),
            rules.note_over.currency().to_string(),
        )
        .into());
    }
    let size = variance.size_minor();
    let approval = size > rules.approve_over.minor().unsigned_abs();
    let note = approval || size > rules.note_over.minor().unsigned_abs();
    Ok(CloseNeeds { note, approval })
}

/// What the cashier brings to close a shift.
#[derive(Clone, Debug)]
pub struct CloseRequest<'a> {
    /// The blind count of the drawer.
    pub count: &'a CashCount,
    /// The cash the drawer should hold ([`expected_cash`] over the shift).
    pub expected: Money,
    /// The float left in the drawer for the next shift; the rest is banked.
    pub float_left: Money,
    /// Why the drawer is over or short, as typed (blank: none).
    pub note: Option<&'a str>,
    /// Whether a manager approved this close (the till asked for their PIN).
    pub manager_approved: bool,
}

/// A close, checked: the count, what was expected, the over or short, and where the cash goes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct CloseDecision {
    #[ts(as = "String")]
    currency: Currency,
    count: CashCount,
    counted: i64,
    expected: i64,
    /// Counted − expected: over positive, short negative.
    variance: i64,
    needs: CloseNeeds,
    note: Option<CloseNote>,
    manager_approved: bool,
    float_left: i64,
    banked: i64,
}

impl CloseDecision {
    /// Checks a close: a note when the variance needs one, a manager's approval when it needs
    /// one, and a float for tomorrow between zero and what was counted.
    pub fn decide(request: CloseRequest<'_>, rules: &CloseRules) -> Result<Self, ShiftError> {
        let counted = request.count.total();
        let variance = Variance::between(counted, request.expected)?;
        let needs = judge(variance, rules)?;
        let note = match request.note.map(str::trim).filter(|n| !n.is_empty()) {
            Some(text) => Some(CloseNote::new(text)?),
            None => None,
        };
        if needs.note && note.is_none() {
            return Err(ShiftError::NoteRequired {
                variance: variance.to_string(),
                tolerance: rules.note_over.to_string(),
            });
        }
        if needs.approval && !request.manager_approved {
            return Err(ShiftError::ApprovalRequired {
                variance: variance.to_string(),
                tolerance: rules.approve_over.to_string(),
            });
        }
        if request.float_left.is_negative() {
            return Err(ShiftError::Negative {
                what: "the float left for tomorrow",
                amount: request.float_left.to_major_string(),
            });
        }
        if request.float_left.currency() != counted.currency() {
            return Err(MoneyError::CurrencyMismatch(
                request.float_left.currency().to_string(),
                counted.currency().to_string(),
            )
            .into());
        }
        if request.float_left.minor() > counted.minor() {
            return Err(ShiftError::FloatAboveCounted {
                float: request.float_left.to_string(),
                counted: counted.to_string(),
            });
        }
        let banked = counted.checked_sub(request.float_left)?;
        Ok(CloseDecision {
            currency: counted.currency(),
            count: request.count.clone(),
            counted: counted.minor(),
            expected: request.expected.minor(),
            variance: variance.amount().minor(),
            needs,
            note,
            manager_approved: request.manager_approved,
            float_left: request.float_left.minor(),
            banked: banked.minor(),
        })
    }

    pub fn count(&self) -> &CashCount {
        &self.count
    }

    pub fn counted(&self) -> Money {
        Money::from_minor(self.counted, self.currency)
    }

    pub fn expected(&self) -> Money {
        Money::from_minor(self.expected, self.currency)
    }

    pub fn variance(&self) -> Variance {
        Variance(Money::from_minor(self.variance, self.currency))
    }

    pub fn needs(&self) -> CloseNeeds {
        self.needs
    }

    pub fn note(&self) -> Option<&CloseNote> {
        self.note.as_ref()
    }

    pub fn manager_approved(&self) -> bool {
        self.manager_approved
    }

    pub fn float_left(&self) -> Money {
        Money::from_minor(self.float_left, self.currency)
    }

    /// What goes to the bank: counted − float left.
    pub fn banked(&self) -> Money {
        Money::from_minor(self.banked, self.currency)
    }
}

/// A Z report's number: per till, from 1, gapless (each Z is the one after the last).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(try_from = "i64", into = "i64")]
#[ts(as = "i64")]
pub struct ZNumber(i64);

impl ZNumber {
    /// A till's first Z.
    pub const FIRST: ZNumber = ZNumber(1);

    pub fn new(n: i64) -> Result<Self, ShiftError> {
        if n >= 1 {
            Ok(ZNumber(n))
        } else {
            Err(ShiftError::BadZNumber(n))
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }

    /// The Z after this one.
    pub fn next(self) -> Result<Self, ShiftError> {
        self.0
            .checked_add(1)
            .map(ZNumber)
            .ok_or(ShiftError::Money(MoneyError::Overflow))
    }

    /// The number of a till's next Z, given its last (None: it has had none).
    pub fn after(last: Option<ZNumber>) -> Result<Self, ShiftError> {
        last.map_or(Ok(ZNumber::FIRST), ZNumber::next)
    }
}

impl TryFrom<i64> for ZNumber {
    type Error = ShiftError;
    fn try_from(n: i64) -> Result<Self, Self::Error> {
        ZNumber::new(n)
    }
}

impl From<ZNumber> for i64 {
    fn from(z: ZNumber) -> i64 {
        z.0
    }
}

impl fmt::Display for ZNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// How many, and how much (minor units).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CountValue {
    pub count: i64,
    pub value: i64,
}

/// One tax rate's part of the sales.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TaxTotal {
    pub name: String,
    pub basis_points: u32,
    pub net: i64,
    pub tax: i64,
    pub gross: i64,
}

/// Card payments of one brand ("visa", "mastercard"; "unknown" when the reader said none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CardBrandTotal {
    pub brand: String,
    pub count: i64,
    pub value: i64,
}

/// Payments taken, by tender: how many and how much.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TenderTotals {
    /// Cash kept by the drawer (after cash rounding).
    pub cash: CountValue,
    pub cards: Vec<CardBrandTotal>,
    /// VIP points redeemed, at their money value.
    pub points: CountValue,
}

/// The figures of an X report (any time; resets nothing) or a Z report (at close), for one
/// till's orders, refunds and voids since its previous Z. All amounts are minor units of
/// `currency`; the till fills it from its store and a Z is kept as printed.
///
/// As in the sales report: `gross` is what customers were charged (tax included, after
/// discounts), `net` is gross − refunds' value; voided orders are in `voids` only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ShiftTotals {
    #[ts(as = "String")]
    pub currency: Currency,
    pub gross: i64,
    pub discounts: i64,
    pub refunds: CountValue,
    pub voids: CountValue,
    pub net: i64,
    /// VAT per rate of the sales.
    pub tax: Vec<TaxTotal>,
    /// The VAT in the refunds (given back with them).
    #[serde(default)]
    pub refund_tax: i64,
    pub tenders: TenderTotals,
    /// Cash rounding on the cash parts (positive: customers paid a little more).
    pub cash_rounding: i64,
    pub points_earned: i64,
    pub points_redeemed: i64,
    /// Number of sales.
    pub sales: i64,
    /// Net ÷ number of sales ([`average_sale`]); zero with no sales.
    pub average_sale: i64,
    /// Every time the drawer opened, No sales included.
    pub drawer_openings: i64,
    pub no_sales: i64,
    pub paid_in: CountValue,
    pub paid_out: CountValue,
    pub drops: CountValue,
    /// The blind count (None on an X report before the close).
    pub counted: Option<i64>,
    pub expected: i64,
    /// Counted − expected (None until counted).
    pub variance: Option<i64>,
    /// The till's perpetual grand total, never reset: the previous Z's plus this net.
    pub grand_total: i64,
    /// The journal's sequence number the report closes at.
    pub journal_position: i64,
}

impl ShiftTotals {
    /// All figures zero: the till fills in what happened.
    pub fn new(currency: Currency) -> Self {
        ShiftTotals {
            currency,
            gross: 0,
            discounts: 0,
            refunds: CountValue::default(),
            voids: CountValue::default(),
            net: 0,
            tax: Vec::new(),
            refund_tax: 0,
            tenders: TenderTotals::default(),
            cash_rounding: 0,
            points_earned: 0,
            points_redeemed: 0,
            sales: 0,
            average_sale: 0,
            drawer_openings: 0,
            no_sales: 0,
            paid_in: CountValue::default(),
            paid_out: CountValue::default(),
            drops: CountValue::default(),
            counted: None,
            expected: 0,
            variance: None,
            grand_total: 0,
            journal_position: 0,
        }
    }
}

/// The average sale: `net` ÷ `sales`, rounded half up like every other division of the till;
/// zero when there were no sales.
pub fn average_sale(net: Money, sales: i64) -> Result<Money, ShiftError> {
    if sales < 0 {
        return Err(ShiftError::NegativeSalesCount(sales));
    }
    if sales == 0 {
        return Ok(Money::zero(net.currency()));
    }
    let avg = div_round_half_up(i128::from(net.minor()), i128::from(sales))
        .ok_or(MoneyError::Overflow)?;
    Ok(Money::from_minor(to_minor(avg)?, net.currency()))
}

/// The perpetual grand total after a Z: the previous one plus this Z's net, checked.
pub fn grand_total(previous: Money, net: Money) -> Result<Money, ShiftError> {
    Ok(previous.checked_add(net)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::denomination::LISTED;

    fn cur(code: &str) -> Currency {
        Currency::from_code(code).expect("known currency")
    }

    fn gbp(minor: i64) -> Money {
        Money::from_minor(minor, cur("GBP"))
    }

    fn parse_err(input: &str, code: &str) -> String {
        match CashCount::parse(input, cur(code)) {
            Ok(c) => panic!("{input:?} in {code} should be refused, got {c:?}"),
            Err(e) => {
                assert_eq!(e.code(), "bad_count", "{input:?}: {e}");
                e.to_string()
            }
        }
    }

    #[test]
    fn a_typed_count_adds_up_by_denomination() {
        let c = CashCount::parse("50=2,20=3,0.50=1", cur("GBP")).expect("count");
        assert_eq!(c.total(), gbp(16050), "2×50 + 3×20 + 0.50");
        assert_eq!(c.pieces_of(2000), 3);
        assert_eq!(c.pieces_of(50), 1);
        assert_eq!(c.pieces_of(100), 0);
        assert!(c.is_by_denomination());
        let spaced = CashCount::parse(" 0.5 = 1 , 50.00=2,20= 3, 1=0 ", cur("GBP")).expect("ok");
        assert_eq!(
            spaced, c,
            "spaces, order, 0.5 for 0.50 and zero counts do not matter"
        );
        assert_eq!(c.to_text(), "50=2,20=3,0.50=1");
    }

    #[test]
    fn yen_counts_in_whole_yen() {
        let c = CashCount::parse("10000=3,1000=2,500=1,1=4", cur("JPY")).expect("count");
        assert_eq!(c.total(), Money::from_minor(32504, cur("JPY")));
        assert_eq!(c.to_text(), "10000=3,1000=2,500=1,1=4");
        assert!(parse_err("0.50=1", "JPY").contains("no decimal places"));
    }

    #[test]
    fn each_bad_part_is_named() {
        let cases = [
            ("50=2,0.30=2", "'0.30=2': GBP has no 0.30 coin or note"),
            ("50=-1", "'50=-1': how many cannot be negative"),
            ("50=1.5", "'50=1.5': how many must be a whole number of pieces"),
            ("50=two", "'50=two': how many must be a number of pieces (0, 1, 2, …)"),
            ("50=", "'50=': how many must be a number of pieces (0, 1, 2, …)"),
            ("50=1=2", "'50=1=2': how many must be a number of pieces (0, 1, 2, …)"),
            ("50=2,50.00=1", "'50.00=1': this denomination was already counted"),
            ("50=100001", "'50=100001': more than 100000 pieces of one denomination"),
            ("20=3,fifty", "'fifty': write denomination=how many, such as 50=2,20=3,0.01=1"),
            (
                "x=1",
                "'x=1': the denomination is not an amount in GBP: only digits and one '.' are allowed",
            ),
            (
                "0.001=1",
                "'0.001=1': the denomination is not an amount in GBP: at most 2 decimal places",
            ),
            ("-50=1", "'-50=1': GBP has no -50.00 coin or note"),
            (
                "160.50",
                "'160.50': count GBP by its notes and coins, such as 50=2,20=3,0.01=1",
            ),
            (
                "total=160.50",
                "'total=160.50': count GBP by its notes and coins, such as 50=2,20=3,0.01=1",
            ),
        ];
        for (input, message) in cases {
            assert_eq!(parse_err(input, "GBP"), message, "{input:?}");
        }
    }

    #[test]
    fn empty_counts_and_parts_are_refused_but_zero_is_an_empty_drawer() {
        assert_eq!(
            parse_err("50=2,,20=1", "GBP"),
            "part 2 of the count is empty (two commas together, or a comma at either end)"
        );
        assert!(parse_err("50=2,", "GBP").starts_with("part 2 of the count is empty"));
        assert!(parse_err(",50=2", "GBP").starts_with("part 1 of the count is empty"));
        assert!(parse_err("  ", "GBP").starts_with("nothing was counted"));
        let empty = CashCount::parse("0", cur("GBP")).expect("empty drawer");
        assert_eq!(empty.total(), gbp(0));
        assert_eq!(empty.to_text(), "0");
        assert_eq!(
            CashCount::parse("0.00", cur("KWD")),
            Ok(CashCount::empty(cur("KWD")))
        );
    }

    #[test]
    fn a_part_with_control_characters_is_shown_escaped() {
        let msg = parse_err("50=2\u{1b}[2J", "GBP");
        assert!(msg.contains("\\u{1b}"), "{msg}");
        assert!(!msg.contains('\u{1b}'), "{msg}");
    }

    #[test]
    fn a_currency_not_listed_is_counted_as_a_plain_total() {
        let kwd = cur("KWD");
        let c = CashCount::parse("total=123.450", kwd).expect("total");
        assert_eq!(c.total(), Money::from_minor(123450, kwd));
        assert!(!c.is_by_denomination());
        assert_eq!(CashCount::parse(" 123.45 ", kwd), Ok(c.clone()));
        assert_eq!(CashCount::parse("TOTAL = 123.45", kwd), Ok(c.clone()));
        assert_eq!(c.to_text(), "total=123.450");
        assert_eq!(
            parse_err("50=2", "KWD"),
            "'50=2': KWD is counted as a plain total: give total=AMOUNT, such as total=123.450"
        );
        assert_eq!(
            parse_err("total=-5", "KWD"),
            "'total=-5': a total cannot be negative"
        );
        assert_eq!(
            parse_err("total=1,234", "KWD"),
            "'total=1,234': the total is not an amount in KWD: only digits and one '.' are allowed"
        );
        assert!(
            CashCount::plain(gbp(100)).is_err(),
            "GBP is counted by denomination"
        );
    }

    #[test]
    fn a_count_is_stored_as_its_lines_and_read_back() {
        let c = CashCount::parse("0.50=1,50=2,20=3", cur("GBP")).expect("count");
        let json = serde_json::to_value(&c).expect("json");
        assert_eq!(
            json,
            serde_json::json!([
                {"minor": 5000, "count": 2},
                {"minor": 2000, "count": 3},
                {"minor": 50, "count": 1}
            ])
        );
        let lines: Vec<CountLine> = serde_json::from_value(json).expect("lines");
        assert_eq!(CashCount::from_lines(cur("GBP"), lines), Ok(c));
        let plain = CashCount::parse("99.5", cur("BRL")).expect("plain");
        assert_eq!(
            plain.to_lines(),
            vec![CountLine {
                minor: 9950,
                count: 1
            }]
        );
        assert_eq!(
            CashCount::from_lines(cur("BRL"), plain.to_lines()),
            Ok(plain)
        );
        let err = CashCount::from_lines(
            cur("GBP"),
            [CountLine {
                minor: 30,
                count: 2,
            }],
        )
        .expect_err("no 30p");
        assert_eq!(err.to_string(), "'0.30=2': GBP has no 0.30 coin or note");
        assert!(CashCount::from_lines(
            cur("GBP"),
            [
                CountLine {
                    minor: 100,
                    count: 1
                },
                CountLine {
                    minor: 100,
                    count: 2
                }
            ]
        )
        .is_err());
        assert!(CashCount::from_lines(
            cur("GBP"),
            [CountLine {
                minor: 100,
                count: -1
            }]
        )
        .is_err());
    }

    #[test]
    fn the_largest_count_of_every_denomination_still_adds_up() {
        for (code, list) in LISTED {
            let c = cur(code);
            let lines = list.iter().map(|d| CountLine {
                minor: d.minor,
                count: MAX_PIECES,
            });
            let count = CashCount::from_lines(c, lines).expect("largest count");
            let sum: i64 = list.iter().map(|d| d.minor * MAX_PIECES).sum();
            assert_eq!(count.total().minor(), sum, "{code}");
        }
    }

    fn reason(text: &str) -> Reason {
        Reason::new(text).expect("reason")
    }

    #[test]
    fn expected_cash_adds_every_movement() {
        let moves = [
            CashMovement::Sale { cash: gbp(1250) },
            CashMovement::Sale { cash: gbp(0) },
            CashMovement::Refund { cash: gbp(300) },
            CashMovement::PaidIn {
                amount: gbp(2000),
                reason: reason("change from the bank"),
            },
            CashMovement::PaidOut {
                amount: gbp(450),
                reason: reason("milk"),
            },
            CashMovement::Drop { amount: gbp(5000) },
            CashMovement::Float { amount: gbp(1000) },
        ];
        let expected = expected_cash(gbp(10000), &moves).expect("expected");
        assert_eq!(expected, gbp(10000 + 1250 - 300 + 2000 - 450 - 5000 + 1000));
        assert_eq!(
            expected_cash(gbp(0), &[CashMovement::Float { amount: gbp(10000) }]),
            Ok(gbp(10000)),
            "the opening float may come as a movement"
        );
    }

    #[test]
    fn wrong_movements_are_refused() {
        let zero_drop = [CashMovement::Drop { amount: gbp(0) }];
        let e = expected_cash(gbp(100), &zero_drop).expect_err("zero drop");
        assert_eq!(e.to_string(), "safe drop must be more than zero, not 0.00");
        let neg_sale = [CashMovement::Sale { cash: gbp(-1) }];
        assert_eq!(
            expected_cash(gbp(100), &neg_sale).map_err(|e| e.code()),
            Err("bad_amount")
        );
        let euro = [CashMovement::Sale {
            cash: Money::from_minor(1, cur("EUR")),
        }];
        assert_eq!(
            expected_cash(gbp(100), &euro).map_err(|e| e.code()),
            Err("currency_mismatch")
        );
        let huge = [CashMovement::Sale {
            cash: gbp(i64::MAX),
        }];
        assert_eq!(
            expected_cash(gbp(1), &huge).map_err(|e| e.code()),
            Err("amount_overflow")
        );
        assert!(expected_cash(gbp(-1), &[]).is_err(), "a negative float");
    }

    #[test]
    fn a_take_out_larger_than_the_drawer_is_refused_saying_what_is_in_it() {
        assert_eq!(check_take_out(gbp(5000), gbp(5000)), Ok(()));
        let e = check_take_out(gbp(3000), gbp(5000)).expect_err("too much");
        assert_eq!(e.code(), "more_than_in_drawer");
        assert_eq!(
            e.to_string(),
            "50.00 GBP cannot be taken out: only 30.00 GBP is expected in the drawer"
        );
        assert_eq!(
            check_take_out(gbp(3000), gbp(0)).map_err(|e| e.code()),
            Err("bad_amount")
        );
    }

    #[test]
    fn reasons_and_notes_are_required_short_and_plain() {
        assert_eq!(reason("  window cleaner ").as_str(), "window cleaner");
        assert_eq!(
            Reason::new("   ").map_err(|e| e.to_string()),
            Err("a reason is required for a paid in or paid out".to_string())
        );
        assert!(Reason::new(&"x".repeat(200)).is_ok());
        assert_eq!(
            Reason::new(&"x".repeat(201)).map_err(|e| e.to_string()),
            Err("the reason is 201 characters long: at most 200".to_string())
        );
        assert_eq!(
            Reason::new("milk\u{202E}").map_err(|e| e.code()),
            Err("bad_text")
        );
        assert!(
            CloseNote::new(&"é".repeat(500)).is_ok(),
            "characters, not bytes"
        );
        assert!(CloseNote::new(&"é".repeat(501)).is_err());
        assert!(CloseNote::new("line\nbreak").is_err());
    }

    #[test]
    fn default_tolerances_scale_with_the_currency() {
        let r = CloseRules::for_currency(cur("GBP"));
        assert_eq!((r.note_over(), r.approve_over()), (gbp(100), gbp(1000)));
        let y = CloseRules::for_currency(cur("JPY"));
        assert_eq!(y.note_over().minor(), 100, "¥100");
        assert_eq!(y.approve_over().minor(), 1000, "¥1000");
        let k = CloseRules::for_currency(cur("KWD"));
        assert_eq!(k.note_over().minor(), 1000, "1.000 KWD");
        assert_eq!(k.approve_over().minor(), 10000, "10.000 KWD");
        assert!(CloseRules::new(gbp(-1), gbp(0)).is_err());
    }

    #[test]
    fn judging_a_variance_against_the_tolerances() {
        let rules = CloseRules::for_currency(cur("GBP"));
        let needs = |counted, expected| {
            judge(
                Variance::between(gbp(counted), gbp(expected)).expect("v"),
                &rules,
            )
            .expect("j")
        };
        let none = CloseNeeds::default();
        let note = CloseNeeds {
            note: true,
            approval: false,
        };
        let both = CloseNeeds {
            note: true,
            approval: true,
        };
        assert_eq!(needs(10000, 10000), none, "exact");
        assert_eq!(needs(10050, 10000), none, "over 0.50");
        assert_eq!(needs(9900, 10000), none, "short exactly 1.00 is within");
        assert_eq!(needs(9899, 10000), note, "short 1.01");
        assert_eq!(needs(11000, 10000), note, "over exactly 10.00");
        assert_eq!(needs(11001, 10000), both, "over 10.01");
        let strict = CloseRules::new(gbp(0), gbp(0)).expect("rules");
        let v = Variance::between(gbp(1), gbp(0)).expect("v");
        assert_eq!(judge(v, &strict), Ok(both));
        assert_eq!(v.to_string(), "over 0.01 GBP");
        assert_eq!(
            Variance::between(gbp(0), gbp(200)).expect("v").to_string(),
            "short 2.00 GBP"
        );
    }

    #[test]
    fn a_close_needs_its_note_and_approval_and_banks_the_rest() {
        let rules = CloseRules::for_currency(cur("GBP"));
        let count = CashCount::parse("50=2,20=3,0.50=1", cur("GBP")).expect("count");
        let request = |expected, float_left, note, ok| CloseRequest {
            count: &count,
            expected: gbp(expected),
            float_left: gbp(float_left),
            note,
            manager_approved: ok,
        };
        let d =
            CloseDecision::decide(request(16000, 10000, None, false), &rules).expect("over 0.50");
        assert_eq!(d.variance().amount(), gbp(50));
        assert_eq!(d.banked(), gbp(6050));
        assert_eq!(d.float_left(), gbp(10000));
        assert_eq!(d.needs(), CloseNeeds::default());

        let e = CloseDecision::decide(request(15000, 0, Some("  "), false), &rules)
            .expect_err("over 10.50 without a note");
        assert_eq!(e.code(), "note_required");
        assert_eq!(
            e.to_string(),
            "the drawer is over 10.50 GBP: a note saying why is required when over or short by more than 1.00 GBP"
        );
        let e = CloseDecision::decide(request(15000, 0, Some("tip jar"), false), &rules)
            .expect_err("no manager");
        assert_eq!(e.code(), "approval_required");
        let d = CloseDecision::decide(request(15000, 0, Some("tip jar"), true), &rules)
            .expect("approved");
        assert_eq!(d.note().map(CloseNote::as_str), Some("tip jar"));
        assert_eq!(d.banked(), d.counted());

        let e = CloseDecision::decide(request(16050, 16051, None, false), &rules)
            .expect_err("float above counted");
        assert_eq!(e.code(), "float_above_counted");
        assert!(CloseDecision::decide(request(16050, -1, None, false), &rules).is_err());
    }

    #[test]
    fn z_numbers_start_at_one_and_follow_without_gaps() {
        assert_eq!(ZNumber::after(None), Ok(ZNumber::FIRST));
        let z1 = ZNumber::FIRST;
        assert_eq!(ZNumber::after(Some(z1)).map(ZNumber::get), Ok(2));
        assert_eq!(ZNumber::new(0), Err(ShiftError::BadZNumber(0)));
        assert!(ZNumber::new(i64::MAX).expect("max").next().is_err());
        assert_eq!(serde_json::to_string(&z1).expect("json"), "1");
        assert!(serde_json::from_str::<ZNumber>("0").is_err());
    }

    #[test]
    fn average_sale_rounds_half_up_and_is_zero_without_sales() {
        assert_eq!(average_sale(gbp(1000), 0), Ok(gbp(0)));
        assert_eq!(average_sale(gbp(1000), 3), Ok(gbp(333)));
        assert_eq!(average_sale(gbp(1001), 2), Ok(gbp(501)), "5.005 rounds up");
        assert_eq!(average_sale(gbp(-1001), 2), Ok(gbp(-501)), "away from zero");
        assert!(average_sale(gbp(1), -1).is_err());
        assert_eq!(grand_total(gbp(100), gbp(50)), Ok(gbp(150)));
        assert!(grand_total(gbp(i64::MAX), gbp(1)).is_err());
    }

    #[test]
    fn shift_totals_go_to_json_and_back() {
        let mut t = ShiftTotals::new(cur("GBP"));
        t.gross = 1000;
        t.tenders.cards.push(CardBrandTotal {
            brand: "visa".into(),
            count: 1,
            value: 1000,
        });
        t.counted = Some(500);
        let json = serde_json::to_string(&t).expect("json");
        assert!(json.contains("\"currency\":\"GBP\""), "{json}");
        assert_eq!(serde_json::from_str::<ShiftTotals>(&json).expect("back"), t);
    }

    #[test]
    fn the_screen_sees_counts_as_lines_and_amounts_as_numbers() {
        let cfg = ts_rs::Config::new().with_large_int("number");
        let count = CashCount::decl(&cfg);
        assert!(
            count.starts_with("type CashCount = Array<") && count.contains("minor: number"),
            "{count}"
        );
        let moves = CashMovement::decl(&cfg);
        assert!(moves.contains("\"kind\": \"paid_out\""), "{moves}");
        assert!(moves.contains("amount: number"), "{moves}");
        let totals = ShiftTotals::decl(&cfg);
        assert!(totals.contains("currency: string"), "{totals}");
        let json = serde_json::to_value(CashMovement::PaidOut {
            amount: gbp(450),
            reason: reason("milk"),
        })
        .expect("json");
        assert_eq!(
            json,
            serde_json::json!({"kind": "paid_out", "amount": 450, "reason": "milk"})
        );
    }

    /// One step of a random shift: 0 float, 1 sale, 2 refund, 3 paid in, 4 paid out, 5 drop.
    fn movement(kind: u8, minor: i64) -> CashMovement {
        let amount = gbp(minor);
        match kind {
            0 => CashMovement::Float { amount },
            1 => CashMovement::Sale { cash: amount },
            2 => CashMovement::Refund { cash: amount },
            3 => CashMovement::PaidIn {
                amount,
                reason: reason("in"),
            },
            4 => CashMovement::PaidOut {
                amount,
                reason: reason("out"),
            },
            _ => CashMovement::Drop { amount },
        }
    }

    fn count_strategy() -> impl proptest::strategy::Strategy<Value = CashCount> {
        use proptest::prelude::*;
        (
            0..LISTED.len(),
            proptest::collection::vec(0i64..=MAX_PIECES, 15),
        )
            .prop_map(|(i, counts)| {
                let (code, list) = LISTED[i];
                let lines = list.iter().zip(counts).map(|(d, count)| CountLine {
                    minor: d.minor,
                    count,
                });
                CashCount::from_lines(cur(code), lines).expect("valid lines")
            })
    }

    proptest::proptest! {
        #[test]
        fn expected_cash_is_the_float_plus_every_movement_and_never_negative(
            float in 0i64..1_000_000,
            steps in proptest::collection::vec((0u8..6, 1i64..500_000), 0..60),
        ) {
            let mut moves = Vec::new();
            let mut running = gbp(float);
            let mut signed_sum: i64 = 0;
            for (kind, minor) in steps {
                let m = movement(kind, minor);
                if m.takes_out() {
                    let allowed = check_take_out(running, m.amount());
                    proptest::prop_assert_eq!(allowed.is_ok(), minor <= running.minor());
                    if allowed.is_err() {
                        continue;
                    }
                }
                running = running.checked_add(m.drawer_change().expect("valid")).expect("fits");
                signed_sum += if m.takes_out() { -minor } else { minor };
                moves.push(m);
                let expected = expected_cash(gbp(float), &moves).expect("adds up");
                proptest::prop_assert!(!expected.is_negative(), "never negative: {}", expected);
            }
            let expected = expected_cash(gbp(float), &moves).expect("adds up");
            proptest::prop_assert_eq!(expected.minor(), float + signed_sum);
            proptest::prop_assert_eq!(expected, running);
            // Adding up in two goes is adding up once: the till may carry a running figure.
            let half = moves.len() / 2;
            let first = expected_cash(gbp(float), &moves[..half]).expect("first half");
            proptest::prop_assert_eq!(expected_cash(first, &moves[half..]), Ok(expected));
        }

        #[test]
        fn a_count_reads_back_from_its_own_text(count in count_strategy()) {
            let text = count.to_text();
            proptest::prop_assert_eq!(CashCount::parse(&text, count.currency()), Ok(count.clone()));
            proptest::prop_assert_eq!(
                CashCount::from_lines(count.currency(), count.to_lines()),
                Ok(count.clone())
            );
        }

        #[test]
        fn a_plain_total_reads_back_from_its_own_text(minor in 0i64..i64::MAX, i in 0usize..4) {
            let c = cur(["KWD", "BRL", "ISK", "INR"][i]);
            let count = CashCount::plain(Money::from_minor(minor, c)).expect("plain");
            proptest::prop_assert_eq!(CashCount::parse(&count.to_text(), c), Ok(count));
        }

        #[test]
        fn variance_plus_expected_is_counted(
            counted in 0i64..1_000_000_000_000,
            expected in -1_000_000_000_000i64..1_000_000_000_000,
        ) {
            let v = Variance::between(gbp(counted), gbp(expected)).expect("fits");
            proptest::prop_assert_eq!(v.amount().checked_add(gbp(expected)), Ok(gbp(counted)));
            proptest::prop_assert_eq!(v.is_over(), counted > expected);
            proptest::prop_assert_eq!(v.is_short(), counted < expected);
        }

        #[test]
        fn the_grand_total_never_falls_on_non_negative_nets(
            start in 0i64..1_000_000_000,
            nets in proptest::collection::vec(0i64..1_000_000_000, 0..50),
        ) {
            let mut total = gbp(start);
            for net in nets {
                let next = grand_total(total, gbp(net)).expect("fits");
                proptest::prop_assert!(next.minor() >= total.minor());
                proptest::prop_assert_eq!(next.minor() - total.minor(), net);
                total = next;
            }
        }

        #[test]
        fn the_average_sale_is_within_half_a_minor_unit(net in -1_000_000_000i64..1_000_000_000, sales in 1i64..10_000) {
            let avg = average_sale(gbp(net), sales).expect("fits");
            let diff = i128::from(net) - i128::from(avg.minor()) * i128::from(sales);
            proptest::prop_assert!(diff.abs() * 2 <= i128::from(sales));
        }
    }
}
