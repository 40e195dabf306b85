//! VersaTalent POS receipt printers: turns a laid-out receipt
//! ([`versapos_core::receipt::Line`]) into ESC/POS bytes for one printer family and sends them
//! over one transport, named by an [`Address`]; opens the cash drawer through the printer.
//!
//! [`encode`] is pure. [`print`] and [`open_drawer`] ask a printer that can say (TCP, serial,
//! USB) whether it is ready *before* sending anything: out of paper, cover open or offline is
//! an error and nothing is sent, so a Retry never prints half a receipt twice. A printer that
//! does not answer the status query within a second is taken to be ready (many do not answer).
//! [`fake`] and [`decode`] are test support other crates use: a network printer on loopback
//! and a decoder that turns the bytes back into lines.

mod address;
mod codepage;
pub mod decode;
mod encode;
mod error;
pub mod fake;
mod logo;
mod tables;
mod transport;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use address::{Address, AddressError, DEFAULT_BAUD, DEFAULT_TCP_PORT};
pub use codepage::{CodePage, CodePageError};
pub use encode::{encode, kick, kick_now};
pub use error::PrintError;
pub use transport::{CONNECT_TIMEOUT, STATUS_TIMEOUT, WRITE_TIMEOUT};
use versapos_core::receipt::Line;

/// The pin of the printer's drawer port the drawer's solenoid is wired to (most drawers: pin 2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum DrawerPin {
    #[default]
    Pin2,
    Pin5,
}

impl DrawerPin {
    /// `m` of `ESC p m t1 t2`.
    pub(crate) fn m(self) -> u8 {
        match self {
            DrawerPin::Pin2 => 0,
            DrawerPin::Pin5 => 1,
        }
    }
}

impl fmt::Display for DrawerPin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DrawerPin::Pin2 => "2",
            DrawerPin::Pin5 => "5",
        })
    }
}

/// A drawer pin other than 2 or 5.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a drawer pin; the drawer is on pin 2 or pin 5")]
pub struct DrawerPinError(pub String);

impl FromStr for DrawerPin {
    type Err = DrawerPinError;

    fn from_str(s: &str) -> Result<DrawerPin, DrawerPinError> {
        match s.trim().trim_start_matches("pin").trim() {
            "2" => Ok(DrawerPin::Pin2),
            "5" => Ok(DrawerPin::Pin5),
            _ => Err(DrawerPinError(s.to_string())),
        }
    }
}

/// Checks a logo before it is kept: a PNG this crate can print, at most 512 KB. Returns the
/// size it prints at on 80 mm paper, in dots (width, height).
pub fn check_logo(png: &[u8]) -> Result<(usize, usize), PrintError> {
    if png.len() > 512 * 1024 {
        return Err(PrintError::Logo {
            reason: format!(
                "the file is {} KB; a logo is at most 512 KB",
                png.len() / 1024
            ),
        });
    }
    let r = logo::raster(png, 576)?;
    Ok((r.width_bytes * 8, r.height))
}

/// How the till's printer is set up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    pub address: Address,
    /// Characters across: 32 (58 mm paper), 42 or 48 (80 mm).
    pub columns: usize,
    pub code_page: CodePage,
    pub drawer_pin: DrawerPin,
    /// The shop's logo as PNG bytes, printed where a receipt has [`Line::Logo`].
    pub logo: Option<Vec<u8>>,
}

impl Settings {
    /// An 80 mm printer (48 columns) at `address`, PC858, drawer on pin 2, no logo.
    pub fn new(address: Address) -> Settings {
        Settings {
            address,
            columns: 48,
            code_page: CodePage::default(),
            drawer_pin: DrawerPin::default(),
            logo: None,
        }
    }
}

/// One receipt to print; the paper is cut after it.
#[derive(Clone, Copy, Debug)]
pub struct Job<'a> {
    pub lines: &'a [Line],
    /// Open the drawer (a cash part was taken). The kick comes before the cut.
    pub kick_drawer: bool,
}

/// The paper roll as the printer's sensors see it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Paper {
    #[default]
    Ok,
    /// Little paper left: the next receipts still print.
    NearEnd,
    Out,
}

/// What the printer says about itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    pub online: bool,
    pub paper: Paper,
    pub cover_open: bool,
    /// False where the printer cannot be asked (spooler, CUPS) or did not answer: the other
    /// fields then say "ready" for want of better knowledge.
    pub can_report: bool,
}

impl Status {
    /// A printer that cannot be asked.
    pub const UNKNOWN: Status = Status {
        online: true,
        paper: Paper::Ok,
        cover_open: false,
        can_report: false,
    };
}

/// A printer this machine can see.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Found {
    /// An [`Address`] string, ready for the settings.
    pub address: String,
    pub description: String,
}

/// Prints `job`. On a printer that reports its status, nothing is sent unless it is ready.
pub fn print(settings: &Settings, job: &Job) -> Result<(), PrintError> {
    let bytes = encode(settings, job)?;
    let Some(mut link) = transport::open(&settings.address)? else {
        return transport::submit(&settings.address, &bytes);
    };
    let status = transport::ask_status(&mut *link)?;
    if status.paper == Paper::Out {
        return Err(PrintError::PaperOut);
    }
    if status.cover_open {
        return Err(PrintError::CoverOpen);
    }
    if !status.online {
        return Err(offline(&settings.address));
    }
    link.send(&bytes)?;
    link.finish()
}

/// Opens the cash drawer. An open cover or an offline printer stops it; running out of paper
/// does not (the pulse is then sent as a real-time command, which an offline printer obeys at
/// once instead of keeping it until the roll is changed).
pub fn open_drawer(settings: &Settings) -> Result<(), PrintError> {
    let pin = settings.drawer_pin;
    let Some(mut link) = transport::open(&settings.address)? else {
        return transport::submit(&settings.address, &kick(pin));
    };
    let status = transport::ask_status(&mut *link)?;
    if status.cover_open {
        return Err(PrintError::CoverOpen);
    }
    let bytes = if status.paper == Paper::Out {
        kick_now(pin)
    } else if !status.online {
        return Err(offline(&settings.address));
    } else {
        kick(pin)
    };
    link.send(&bytes)?;
    link.finish()
}

/// Asks the printer how it is. Spooler and CUPS printers cannot say ([`Status::UNKNOWN`]).
pub fn status(settings: &Settings) -> Result<Status, PrintError> {
    match transport::open(&settings.address)? {
        Some(mut link) => {
            let status = transport::ask_status(&mut *link)?;
            link.finish()?;
            Ok(status)
        }
        None => Ok(Status::UNKNOWN),
    }
}

/// The printers this machine can see: OS printers (CUPS queues, Windows printers), serial
/// ports and USB printers. Whatever cannot be listed is left out; this never fails.
pub fn find() -> Vec<Found> {
    let mut found = Vec::new();
    found.extend(transport::cups::list());
    found.extend(transport::spooler::list());
    found.extend(transport::usb::list());
    if let Ok(ports) = serialport::available_ports() {
        for port in ports {
            let kind = match &port.port_type {
                serialport::SerialPortType::UsbPort(usb) => {
                    let name = [usb.manufacturer.as_deref(), usb.product.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" ");
                    if name.is_empty() {
                        "USB serial adapter".to_string()
                    } else {
                        format!("{name} (USB serial)")
                    }
                }
                serialport::SerialPortType::BluetoothPort => "Bluetooth serial port".into(),
                _ => "serial port".into(),
            };
            let address = Address::Serial {
                path: port.port_name.clone(),
                baud: DEFAULT_BAUD,
            };
            found.push((address.to_string(), format!("{kind} {}", port.port_name)));
        }
    }
    found
        .into_iter()
        .map(|(address, description)| Found {
            address,
            description,
        })
        .collect()
}

fn offline(address: &Address) -> PrintError {
    PrintError::Offline {
        address: address.to_string(),
        reason: "it reports that it is offline".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawer_pins_parse_from_2_and_5_and_nothing_else() {
        assert_eq!("2".parse(), Ok(DrawerPin::Pin2));
        assert_eq!(" pin5 ".parse(), Ok(DrawerPin::Pin5));
        assert_eq!(DrawerPin::Pin5.to_string().parse(), Ok(DrawerPin::Pin5));
        let err = "3".parse::<DrawerPin>().expect_err("no pin 3");
        assert_eq!(
            err.to_string(),
            "'3' is not a drawer pin; the drawer is on pin 2 or pin 5"
        );
    }

    #[test]
    fn new_settings_are_80_mm_pc858_drawer_on_pin_2_without_a_logo() {
        let s = Settings::new(Address::Cups {
            queue: "receipt".into(),
        });
        assert_eq!(
            (s.columns, s.code_page, s.drawer_pin, s.logo),
            (48, CodePage::Pc858, DrawerPin::Pin2, None)
        );
    }

    #[test]
    fn every_error_has_its_code_and_a_message_for_the_cashier() {
        let address = "tcp://10.0.0.9:9100".to_string();
        let cases = [
            (
                PrintError::Offline {
                    address: address.clone(),
                    reason: "it refused the connection".into(),
                },
                "printer_offline",
            ),
            (PrintError::PaperOut, "paper_out"),
            (PrintError::CoverOpen, "cover_open"),
            (
                PrintError::NotAnswering {
                    address: address.clone(),
                    seconds: 3,
                },
                "printer_not_answering",
            ),
            (
                PrintError::Unsupported {
                    what: "the Windows print spooler".into(),
                },
                "printer_unsupported",
            ),
            (
                PrintError::Refused {
                    address: "cups://receipt".into(),
                    reason: "lp: The printer or class does not exist.".into(),
                },
                "printer_refused",
            ),
        ];
        for (err, code) in cases {
            assert_eq!(err.code(), code);
            assert!(err.to_string().ends_with('.'), "{err}");
        }
        let msg = PrintError::NotAnswering {
            address,
            seconds: 3,
        }
        .to_string();
        assert_eq!(
            msg,
            "The printer at tcp://10.0.0.9:9100 does not answer: no reply within 3 seconds. \
             Check it is on and connected."
        );
    }
}
