//! Network printers: a raw TCP connection to port 9100 ("JetDirect"), status over the same
//! connection.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};

use super::{io_error, Link, CONNECT_TIMEOUT, STATUS_TIMEOUT, WRITE_TIMEOUT};
use crate::{Address, PrintError};

pub(crate) struct Tcp {
    stream: TcpStream,
    address: Address,
}

impl Tcp {
    pub(crate) fn open(address: &Address, host: &str, port: u16) -> Result<Tcp, PrintError> {
        let offline = |reason: String| PrintError::Offline {
            address: address.to_string(),
            reason,
        };
        let addrs = (host, port)
            .to_socket_addrs()
            .map_err(|e| offline(format!("the name {host} is not known ({e})")))?;
        let mut last = None;
        for addr in addrs {
            match TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT) {
                Ok(stream) => {
                    let setup = stream
                        .set_write_timeout(Some(WRITE_TIMEOUT))
                        .and_then(|()| stream.set_read_timeout(Some(STATUS_TIMEOUT)))
                        .and_then(|()| stream.set_nodelay(true));
                    setup.map_err(|e| io_error(address, "the connection failed", &e))?;
                    return Ok(Tcp {
                        stream,
                        address: address.clone(),
                    });
                }
                Err(e) => last = Some(e),
            }
        }
        Err(match last {
            Some(e) if matches!(e.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock) => {
                PrintError::NotAnswering {
                    address: address.to_string(),
                    seconds: CONNECT_TIMEOUT.as_secs(),
                }
            }
            Some(e) => offline(format!("it refused the connection ({e})")),
            None => offline(format!("the name {host} has no address")),
        })
    }
}

impl Link for Tcp {
    fn send(&mut self, bytes: &[u8]) -> Result<(), PrintError> {
        self.stream
            .write_all(bytes)
            .map_err(|e| io_error(&self.address, "the connection broke while sending", &e))
    }

    fn ask(&mut self, n: u8) -> Result<Option<u8>, PrintError> {
        self.send(&[0x10, 0x04, n])?;
        let mut answer = [0u8; 1];
        match self.stream.read(&mut answer) {
            Ok(1) => Ok(Some(answer[0])),
            Ok(_) => Err(PrintError::Offline {
                address: self.address.to_string(),
                reason: "it closed the connection".into(),
            }),
            Err(e) if matches!(e.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock) => Ok(None),
            Err(e) => Err(io_error(&self.address, "the connection broke", &e)),
        }
    }

    fn finish(self: Box<Self>) -> Result<(), PrintError> {
        // Half-close, then wait for the printer to close its side: by then it has read every
        // byte. Closing with an unread late status answer in our buffer would reset the
        // connection and could lose the end of the job.
        if let Err(e) = self.stream.shutdown(Shutdown::Write) {
            return Err(io_error(
                &self.address,
                "the connection broke while sending",
                &e,
            ));
        }
        let mut stream = &self.stream;
        let mut sink = [0u8; 64];
        let deadline = std::time::Instant::now() + STATUS_TIMEOUT;
        while std::time::Instant::now() < deadline {
            match stream.read(&mut sink) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
        Ok(())
    }
}
