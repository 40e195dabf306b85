//! Card payments through the till, in one binary: card sales and card refunds against the
//! in-repo Stripe fake, and the till's side of the webhook relay (Stripe events pulled from the
//! real relay and applied to the till's store).

mod card_refunds;
mod points;
mod poison;
mod stripe_refunds;
mod support;
mod sync;
