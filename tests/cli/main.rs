//! System tests of the `versapos` command line: the real binary on real store files in temp
//! dirs, checked through its own output (`--json`) and, where the CLI cannot see, with rusqlite.

mod support;

mod backup;
mod cards;
mod command_line;
#[cfg(unix)]
mod crash;
mod customers;
mod doctor;
mod init;
mod journal;
mod keys;
#[cfg(target_os = "linux")]
mod nfc;
mod printing;
mod products;
mod refunds;
#[cfg(unix)]
mod relay_e2e;
#[cfg(unix)]
mod relay_sync;
mod reports;
mod sales;
mod shifts;
#[cfg(unix)]
mod spreadsheet;
mod staff;
mod sync;
mod walk;
