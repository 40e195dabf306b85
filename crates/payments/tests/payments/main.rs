//! The payments crate's integration tests, in one binary: card payments against localstripe and
//! the in-repo Terminal fake, faults, card refunds, and the till's side of the webhook relay.

mod card_refunds;
mod faults;
// localstripe runs from a Python venv the tests make (Unix paths and process control).
#[cfg(unix)]
mod localstripe;
mod support;
mod sync;
mod terminal;
