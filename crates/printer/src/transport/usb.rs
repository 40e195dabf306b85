//! USB printers (interface class 7) through nusb: bulk OUT for the job, bulk IN for the
//! printer's status answers. On Linux the kernel's `usblp` driver is detached from the
//! interface while the till uses it.

use std::io::{ErrorKind, Read, Write};

use nusb::descriptors::TransferType;
use nusb::io::{EndpointRead, EndpointWrite};
use nusb::transfer::{Bulk, Direction, In, Out};
use nusb::MaybeFuture;

use super::{io_error, Link, STATUS_TIMEOUT, WRITE_TIMEOUT};
use crate::{Address, PrintError};

/// The USB class of printers.
pub(crate) const PRINTER_CLASS: u8 = 7;

pub(crate) struct Usb {
    out: EndpointWrite<Bulk>,
    input: Option<EndpointRead<Bulk>>,
    address: Address,
}

impl Usb {
    pub(crate) fn open(address: &Address, vendor: u16, product: u16) -> Result<Usb, PrintError> {
        let offline = |reason: String| PrintError::Offline {
            address: address.to_string(),
            reason,
        };
        let info = nusb::list_devices()
            .wait()
            .map_err(|e| offline(format!("the USB devices cannot be listed ({e})")))?
            .find(|d| d.vendor_id() == vendor && d.product_id() == product)
            .ok_or_else(|| offline("it is not plugged in".into()))?;
        let device = info
            .open()
            .wait()
            .map_err(|e| offline(format!("it cannot be opened ({e})")))?;
        let config = device
            .active_configuration()
            .map_err(|e| offline(format!("it is not configured ({e})")))?;
        let interface = config
            .interface_alt_settings()
            .find(|i| i.class() == PRINTER_CLASS)
            .ok_or_else(|| offline("it is not a printer (no USB printer interface)".into()))?;
        let bulk = |dir: Direction| {
            interface
                .endpoints()
                .find(|e| e.transfer_type() == TransferType::Bulk && e.direction() == dir)
                .map(|e| e.address())
        };
        let (out_addr, in_addr) = (bulk(Direction::Out), bulk(Direction::In));
        let number = interface.interface_number();
        let claimed = device
            .detach_and_claim_interface(number)
            .wait()
            .map_err(|e| {
                offline(format!(
                    "it cannot be used for printing ({e}); another program may hold it, or on \
                     Linux the till's user may lack access to it"
                ))
            })?;
        let out_addr = out_addr.ok_or_else(|| offline("it has no way to receive data".into()))?;
        let mut out = claimed
            .endpoint::<Bulk, Out>(out_addr)
            .map_err(|e| offline(format!("it cannot receive data ({e})")))?
            .writer(16 * 1024);
        out.set_write_timeout(WRITE_TIMEOUT);
        let input = in_addr
            .and_then(|a| claimed.endpoint::<Bulk, In>(a).ok())
            .map(|ep| {
                let size = ep.max_packet_size().max(1);
                let mut reader = ep.reader(size);
                reader.set_read_timeout(STATUS_TIMEOUT);
                reader
            });
        Ok(Usb {
            out,
            input,
            address: address.clone(),
        })
    }
}

impl Link for Usb {
    fn send(&mut self, bytes: &[u8]) -> Result<(), PrintError> {
        self.out
            .write_all(bytes)
            .and_then(|()| self.out.flush())
            .map_err(|e| io_error(&self.address, "the USB transfer failed", &e))
    }

    fn ask(&mut self, n: u8) -> Result<Option<u8>, PrintError> {
        if self.input.is_none() {
            return Ok(None);
        }
        self.send(&[0x10, 0x04, n])?;
        let Some(input) = self.input.as_mut() else {
            return Ok(None);
        };
        let mut answer = [0u8; 1];
        match input.read(&mut answer) {
            Ok(1) => Ok(Some(answer[0])),
            Ok(_) => Ok(None),
            Err(e) if matches!(e.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock) => {
                // A printer that does not answer: stop asking.
                self.input = None;
                Ok(None)
            }
            Err(e) => Err(io_error(&self.address, "the USB transfer failed", &e)),
        }
    }

    fn finish(mut self: Box<Self>) -> Result<(), PrintError> {
        self.out
            .flush_end()
            .map_err(|e| io_error(&self.address, "the USB transfer failed", &e))
    }
}

/// USB printers plugged in, as (address, description).
pub(crate) fn list() -> Vec<(String, String)> {
    let Ok(devices) = nusb::list_devices().wait() else {
        return Vec::new();
    };
    devices
        .filter(|d| d.interfaces().any(|i| i.class() == PRINTER_CLASS))
        .map(|d| {
            let name = [d.manufacturer_string(), d.product_string()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let name = if name.is_empty() {
                "USB printer".to_string()
            } else {
                name
            };
            let address = format!("usb://{:04x}:{:04x}", d.vendor_id(), d.product_id());
            (address, format!("{name} (USB)"))
        })
        .collect()
}
