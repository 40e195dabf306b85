//! Serial printers (RS-232, or USB adapters that show up as one), status over the same line.

use std::io::{ErrorKind, Read, Write};

use serialport::{ClearBuffer, SerialPort};

use super::{io_error, Link, STATUS_TIMEOUT, WRITE_TIMEOUT};
use crate::{Address, PrintError};

pub(crate) struct Serial {
    port: Box<dyn SerialPort>,
    address: Address,
}

impl Serial {
    pub(crate) fn open(address: &Address, path: &str, baud: u32) -> Result<Serial, PrintError> {
        let port = serialport::new(path, baud)
            .timeout(STATUS_TIMEOUT)
            .open()
            .map_err(|e| PrintError::Offline {
                address: address.to_string(),
                reason: match e.kind() {
                    serialport::ErrorKind::NoDevice => format!("there is no serial port {path}"),
                    serialport::ErrorKind::Io(ErrorKind::NotFound) => {
                        format!("there is no serial port {path}")
                    }
                    _ => format!("the serial port {path} cannot be opened ({e})"),
                },
            })?;
        Ok(Serial {
            port,
            address: address.clone(),
        })
    }
}

impl Link for Serial {
    fn send(&mut self, bytes: &[u8]) -> Result<(), PrintError> {
        let doing = "the serial line failed while sending";
        self.port
            .set_timeout(WRITE_TIMEOUT)
            .map_err(|e| io_error(&self.address, doing, &e.into()))?;
        self.port
            .write_all(bytes)
            .and_then(|()| self.port.flush())
            .map_err(|e| io_error(&self.address, doing, &e))
    }

    fn ask(&mut self, n: u8) -> Result<Option<u8>, PrintError> {
        // What was waiting in the line is not the answer to this question.
        let _ = self.port.clear(ClearBuffer::Input);
        self.send(&[0x10, 0x04, n])?;
        self.port
            .set_timeout(STATUS_TIMEOUT)
            .map_err(|e| io_error(&self.address, "the serial line failed", &e.into()))?;
        let mut answer = [0u8; 1];
        match self.port.read(&mut answer) {
            Ok(1) => Ok(Some(answer[0])),
            Ok(_) => Ok(None),
            Err(e) if matches!(e.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock) => Ok(None),
            Err(e) => Err(io_error(&self.address, "the serial line failed", &e)),
        }
    }

    fn finish(mut self: Box<Self>) -> Result<(), PrintError> {
        self.port
            .flush()
            .map_err(|e| io_error(&self.address, "the serial line failed while sending", &e))
    }
}
