//! Card payments for VersaTalent POS.
//!
//! - [`gateway`]: what the till asks of Stripe, as a trait ([`Gateway`]).
//! - [`stripe`]: the Stripe implementation (async-stripe, blocking, any base URL).
//! - [`sim`] and [`demo`]: the simulated Terminal behind demo mode (no keys).
//! - [`flow`]: taking a card on the reader, giving it up, and settling payments in doubt.
//! - [`refunds`]: giving a card payment back through Stripe, and settling refunds in doubt.
//! - [`sync`]: pulling Stripe's events from the webhook relay and applying them idempotently.

pub mod demo;
pub mod doctor;
pub mod flow;
pub mod gateway;
pub mod refunds;
pub mod relay_doctor;
pub mod setup;
pub mod sim;
pub mod stripe;
pub mod sync;

pub use gateway::*;
