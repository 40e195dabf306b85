//! The payments crate's integration tests, in one binary: the Stripe gateway against
//! localstripe and the in-repo Terminal fake, and its faults. The card flow on a till's store is
//! tested with the till (crates/till/tests/cards).

mod faults;
// localstripe runs from a Python venv the tests make (Unix paths and process control).
#[cfg(unix)]
mod localstripe;
mod terminal;
