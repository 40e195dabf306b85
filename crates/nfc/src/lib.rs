//! NFC readers for VersaTalent POS: the USB reader at the till that reads a VIP card's UID when
//! the customer taps it.
//!
//! - [`readers`]: what the till asks of the readers, as a trait ([`CardReaders`]), and its PC/SC
//!   implementation ([`PcscReaders`]: pcsc-lite on Linux, WinSCard on Windows, CryptoTokenKit on
//!   macOS).
//! - [`watcher`]: a thread that waits for taps on every reader (or one chosen reader) and reports
//!   them, and readers coming and going, as [`NfcEvent`]s.
//! - [`doctor`]: the setup checks (the PC/SC service, the readers found) for `versapos doctor`
//!   and the desktop.
//!
//! A UID identifies a card; it does not prove the card is genuine (UIDs can be copied), so a tap
//! only ever links a customer.

pub mod doctor;
mod error;
pub mod readers;
pub mod watcher;

pub use error::NfcError;
pub use readers::{CardReaders, NfcReader, PcscReaders, GET_UID};
pub use watcher::{NfcEvent, WatchOptions, Watcher, WatcherHandle};
