//! Integration tests of the till (the application layer) on its store: real SQLite files in temp
//! dirs, a pinned clock, and the `Till` the CLI and the desktop shell use.

mod bad_input;
mod card_refunds;
mod card_sessions;
mod cards;
mod customers;
mod import;
mod journal;
mod manager;
mod migrations;
mod parked;
mod points;
mod receipt_numbers;
mod receipts;
mod refunds;
mod reports;
mod requests;
mod sales;
mod search;
mod shift_properties;
mod shifts;
mod staff;
mod support;
mod sync;
mod tenders;
mod time_zone;
mod update_settings;
mod upgrade;
mod vip_cards;
mod voids;
