//! VersaTalent POS local store: persistence for the till.
//!
//! SQLite (WAL, `synchronous=FULL`) with embedded numbered migrations ([`open`], [`db`]), a
//! hash-chained journal ([`journal`]), backups ([`backup`]), the card sessions that say which
//! process is taking a card ([`card_sessions`]), and the repositories the till's service
//! (`versapos-till`) reads and writes through: catalog, customers, sales, refunds, staff,
//! reports (rollups kept in the same transactions as the sales they count) and sync state. The
//! store decides nothing about who may do what: that is the till's.

pub mod backup;
pub mod card_sessions;
pub mod catalog;
pub mod customers;
pub mod db;
pub mod demo;
pub mod drawer;
pub mod error;
pub mod files;
pub mod import;
pub mod journal;
pub mod moment;
pub mod open;
pub mod refunds;
pub mod reports;
pub mod sales;
pub mod schema;
pub mod shifts;
pub mod shop;
pub mod staff;
pub mod sync;

pub use backup::{restore, BackupFile, Restored};
pub use catalog::{ImportSummary, NewProduct, Product, ProductDetails};
pub use customers::{parse_card_uid, BlockedCard, CardLookup, Customer, NewCustomer, PointsEntry};
pub use error::{ImportProblem, Result, TillError};
pub use journal::{JournalProblem, JournalReport};
pub use refunds::{CardRefundPart, PendingRefund, RefundView};
pub use reports::{Report, ReportBy};
pub use sales::{
    CardCharge, Moment, OrderFilter, OrderSummary, OrderView, ParkedCart, PendingCard,
};
pub use shop::{Shop, ShopSetup, UpdateInstall};
pub use staff::{Actor, StaffMember};
pub use sync::{AppliedEvent, CardPaymentRef, SyncState};
