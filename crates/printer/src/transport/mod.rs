//! The ways bytes reach a printer. A stream transport (TCP, serial, USB) is a [`Link`]: it can
//! ask the printer's real-time status (`DLE EOT n`) before anything is sent. The OS queues
//! (Windows spooler, CUPS) take a whole job and cannot report.

use std::time::Duration;

use crate::{Address, Paper, PrintError, Status};

pub(crate) mod cups;
pub(crate) mod serial;
pub(crate) mod spooler;
pub(crate) mod tcp;
pub(crate) mod usb;

/// How long a TCP connection may take to open.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// How long one write may block.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a printer has to answer a status query. Many printers never do: then the job is
/// sent anyway.
pub const STATUS_TIMEOUT: Duration = Duration::from_secs(1);

/// An open connection to a printer that takes a stream of bytes.
pub(crate) trait Link {
    /// Sends all of `bytes`.
    fn send(&mut self, bytes: &[u8]) -> Result<(), PrintError>;
    /// Sends `DLE EOT n` and reads the one-byte answer; `None` when none comes in
    /// [`STATUS_TIMEOUT`].
    fn ask(&mut self, n: u8) -> Result<Option<u8>, PrintError>;
    /// Waits until what was sent has left, then closes.
    fn finish(self: Box<Self>) -> Result<(), PrintError>;
}

/// Opens a stream transport; `None` for the OS queues.
pub(crate) fn open(address: &Address) -> Result<Option<Box<dyn Link>>, PrintError> {
    Ok(Some(match address {
        Address::Tcp { host, port } => Box::new(tcp::Tcp::open(address, host, *port)?),
        Address::Serial { path, baud } => Box::new(serial::Serial::open(address, path, *baud)?),
        Address::Usb { vendor, product } => Box::new(usb::Usb::open(address, *vendor, *product)?),
        Address::Spooler { .. } | Address::Cups { .. } => return Ok(None),
    }))
}

/// Sends a whole job to an OS queue.
pub(crate) fn submit(address: &Address, bytes: &[u8]) -> Result<(), PrintError> {
    match address {
        Address::Spooler { name } => spooler::send(name, bytes),
        Address::Cups { queue } => cups::send(queue, bytes),
        _ => Err(PrintError::Internal {
            reason: format!("{address} is not a printer queue"),
        }),
    }
}

/// What the printer says about itself, per Epson's `DLE EOT` (n = 1 printer, 2 offline cause,
/// 4 roll paper sensor). A printer that does not answer the first query in time cannot report:
/// it is taken to be ready.
pub(crate) fn ask_status(link: &mut dyn Link) -> Result<Status, PrintError> {
    // Every answer has bit 1 and bit 4 set, bits 0 and 7 clear.
    let valid = |b: &u8| b & 0x93 == 0x12;
    let Some(printer) = link.ask(1)?.filter(valid) else {
        return Ok(Status::UNKNOWN);
    };
    let cause = link.ask(2)?.filter(valid).unwrap_or(0x12);
    let roll = link.ask(4)?.filter(valid).unwrap_or(0x12);
    let out = cause & 0x20 != 0 || roll & 0x60 != 0;
    let near_end = roll & 0x0C != 0;
    Ok(Status {
        online: printer & 0x08 == 0,
        paper: if out {
            Paper::Out
        } else if near_end {
            Paper::NearEnd
        } else {
            Paper::Ok
        },
        cover_open: cause & 0x04 != 0,
        can_report: true,
    })
}

/// An I/O error as what the cashier is told.
pub(crate) fn io_error(address: &Address, doing: &str, e: &std::io::Error) -> PrintError {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::TimedOut | ErrorKind::WouldBlock => PrintError::NotAnswering {
            address: address.to_string(),
            seconds: WRITE_TIMEOUT.as_secs(),
        },
        _ => PrintError::Offline {
            address: address.to_string(),
            reason: format!("{doing}: {e}"),
        },
    }
}
