//! Card payments for VersaTalent POS.
//!
//! - [`gateway`]: what the till asks of Stripe, as a trait ([`Gateway`]).
//! - [`stripe`]: the Stripe implementation (async-stripe, blocking, any base URL).
//! - [`sim`] and [`demo`]: the simulated Terminal behind demo mode (no keys).
//! - [`flow`]: taking a card on the reader, and giving it up.
//! - [`refunds`]: giving a card payment back through Stripe.
//! - [`reconcile`]: settling card payments and refunds in doubt from Stripe's own view.
//! - [`book`]: what those read and write in the till's records (a trait the till implements),
//!   and their one error.
//! - [`sync`]: pulling Stripe's events from the webhook relay and applying them idempotently.

pub mod book;
pub mod demo;
pub mod doctor;
pub mod flow;
pub mod gateway;
pub mod journal_head;
pub mod reconcile;
pub mod refunds;
pub mod relay_doctor;
pub mod setup;
pub mod sim;
pub mod stripe;
pub mod sync;

pub use gateway::*;
