//! The IPC commands: thin adapters from the UI's calls to the till's services in
//! `versapos_till::Till`. Each takes the state, calls one service and maps the error.

pub mod catalog;
pub mod customers;
pub mod nfc;
pub mod orders;
pub mod payments;
pub mod printing;
pub mod register;
pub mod reports;
pub mod shifts;
pub mod shop;
pub mod staff;
pub mod updates;

#[cfg(test)]
mod payments_tests;
#[cfg(test)]
mod tests;
