//! The payments crate's integration tests, in one binary: card payments against localstripe and
//! the in-repo Terminal fake, faults, card refunds, and the till's side of the webhook relay.

mod card_refunds;
mod faults;
mod localstripe;
mod support;
mod sync;
mod terminal;
