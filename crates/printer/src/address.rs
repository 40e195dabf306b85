//! Where a printer is: one string a manager types or picks from [`crate::find`], naming the
//! transport and what it needs.
//!
//! `tcp://192.168.1.50:9100` (port 9100 when left out), `serial:///dev/ttyUSB0?baud=38400` or
//! `serial://COM3?baud=9600` (38400 baud when left out: the factory setting of most current
//! serial receipt printers), `usb://04b8:0e15` (vendor and product id in hex),
//! `spooler://EPSON TM-T20III` (a Windows printer, sent a RAW job), `cups://receipt` (a CUPS raw
//! queue).

use std::fmt;
use std::str::FromStr;

/// The port receipt printers listen on for raw jobs.
pub const DEFAULT_TCP_PORT: u16 = 9100;
/// The speed used when a serial address does not give one.
pub const DEFAULT_BAUD: u32 = 38400;

/// A printer's address.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Address {
    Tcp { host: String, port: u16 },
    Serial { path: String, baud: u32 },
    Usb { vendor: u16, product: u16 },
    Spooler { name: String },
    Cups { queue: String },
}

/// An address that cannot be used, and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("'{given}' : {problem}")]
pub struct AddressError {
    pub given: String,
    pub problem: String,
}

fn bad(given: &str, problem: impl Into<String>) -> AddressError {
    AddressError {
        given: given.to_string(),
        problem: problem.into(),
    }
}

impl FromStr for Address {
    type Err = AddressError;

    fn from_str(given: &str) -> Result<Address, AddressError> {
        let s = given.trim();
        let Some((scheme, rest)) = s.split_once("://") else {
            return Err(bad(
                given,
                "expected a printer address such as tcp://192.168.1.50:9100, \
                 serial:///dev/ttyUSB0?baud=38400, usb://04b8:0e15, spooler://NAME or cups://QUEUE",
            ));
        };
        match scheme.to_ascii_lowercase().as_str() {
            "tcp" => tcp(given, rest),
            "serial" => serial(given, rest),
            "usb" => usb(given, rest),
            "spooler" => {
                if rest.trim().is_empty() {
                    return Err(bad(
                        given,
                        "expected spooler://PRINTER NAME, e.g. spooler://EPSON TM-T20III",
                    ));
                }
                Ok(Address::Spooler {
                    name: rest.to_string(),
                })
            }
            "cups" => {
                let ok = !rest.is_empty()
                    && rest
                        .chars()
                        .all(|c| c.is_ascii_graphic() && !matches!(c, '/' | '#' | '\\'));
                if !ok {
                    return Err(bad(
                        given,
                        "expected cups://QUEUE, a CUPS queue name without spaces or '/', e.g. cups://receipt",
                    ));
                }
                Ok(Address::Cups {
                    queue: rest.to_string(),
                })
            }
            other => Err(bad(
                given,
                format!(
                    "'{other}' is not a printer connection; use tcp, serial, usb, spooler or cups"
                ),
            )),
        }
    }
}

fn tcp(given: &str, rest: &str) -> Result<Address, AddressError> {
    let example = "expected tcp://HOST or tcp://HOST:PORT, e.g. tcp://192.168.1.50:9100";
    let rest = rest.trim_end_matches('/');
    // [::1]:9100 or host:9100 or host
    let (host, port) = if let Some(v6) = rest.strip_prefix('[') {
        let (host, after) = v6.split_once(']').ok_or_else(|| bad(given, example))?;
        match after.strip_prefix(':') {
            Some(port) => (host, Some(port)),
            None if after.is_empty() => (host, None),
            None => return Err(bad(given, example)),
        }
    } else {
        match rest.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (rest, None),
        }
    };
    if host.is_empty() || host.contains(['/', ' ', '?', '[', ']']) {
        return Err(bad(given, example));
    }
    let port = match port {
        None => DEFAULT_TCP_PORT,
        Some(port) => match port.parse::<u16>() {
            Ok(port) if port > 0 => port,
            _ => {
                return Err(bad(
                    given,
                    format!("'{port}' is not a port number (1-65535); {example}"),
                ))
            }
        },
    };
    Ok(Address::Tcp {
        host: host.to_string(),
        port,
    })
}

fn serial(given: &str, rest: &str) -> Result<Address, AddressError> {
    let example = "expected serial://PORT?baud=N, e.g. serial:///dev/ttyUSB0?baud=38400 or serial://COM3?baud=9600";
    let (path, query) = match rest.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (rest, None),
    };
    if path.is_empty() {
        return Err(bad(given, example));
    }
    let mut baud = DEFAULT_BAUD;
    for pair in query.into_iter().flat_map(|q| q.split('&')) {
        match pair.split_once('=') {
            Some(("baud", value)) => {
                baud = match value.parse::<u32>() {
                    Ok(n) if (300..=4_000_000).contains(&n) => n,
                    _ => {
                        return Err(bad(
                            given,
                            format!(
                                "'{value}' is not a baud rate (e.g. 9600, 19200, 38400, 115200)"
                            ),
                        ))
                    }
                }
            }
            _ => {
                return Err(bad(
                    given,
                    format!("'{pair}' is not a serial setting; only baud=N is; {example}"),
                ))
            }
        }
    }
    Ok(Address::Serial {
        path: path.to_string(),
        baud,
    })
}

fn usb(given: &str, rest: &str) -> Result<Address, AddressError> {
    let problem = "expected usb://VID:PID in hex, e.g. usb://04b8:0e15";
    let (vendor, product) = rest.split_once(':').ok_or_else(|| bad(given, problem))?;
    let hex = |s: &str| {
        if s.is_empty() || s.len() > 4 {
            None
        } else {
            u16::from_str_radix(s, 16).ok()
        }
    };
    match (hex(vendor), hex(product)) {
        (Some(vendor), Some(product)) => Ok(Address::Usb { vendor, product }),
        _ => Err(bad(given, problem)),
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::Tcp { host, port } if host.contains(':') => write!(f, "tcp://[{host}]:{port}"),
            Address::Tcp { host, port } => write!(f, "tcp://{host}:{port}"),
            Address::Serial { path, baud } => write!(f, "serial://{path}?baud={baud}"),
            Address::Usb { vendor, product } => write!(f, "usb://{vendor:04x}:{product:04x}"),
            Address::Spooler { name } => write!(f, "spooler://{name}"),
            Address::Cups { queue } => write!(f, "cups://{queue}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Address {
        match s.parse() {
            Ok(a) => a,
            Err(e) => panic!("{s}: {e}"),
        }
    }

    #[test]
    fn each_kind_of_address_parses_with_its_defaults_and_round_trips() {
        let cases = [
            (
                "tcp://192.168.1.50:9100",
                Address::Tcp {
                    host: "192.168.1.50".into(),
                    port: 9100,
                },
            ),
            (
                "tcp://printer.local",
                Address::Tcp {
                    host: "printer.local".into(),
                    port: 9100,
                },
            ),
            (
                "tcp://[::1]:9101",
                Address::Tcp {
                    host: "::1".into(),
                    port: 9101,
                },
            ),
            (
                "serial:///dev/ttyUSB0?baud=9600",
                Address::Serial {
                    path: "/dev/ttyUSB0".into(),
                    baud: 9600,
                },
            ),
            (
                "serial://COM3",
                Address::Serial {
                    path: "COM3".into(),
                    baud: 38400,
                },
            ),
            (
                "usb://04b8:0E15",
                Address::Usb {
                    vendor: 0x04b8,
                    product: 0x0e15,
                },
            ),
            (
                "spooler://EPSON TM-T20III",
                Address::Spooler {
                    name: "EPSON TM-T20III".into(),
                },
            ),
            (
                "cups://receipt",
                Address::Cups {
                    queue: "receipt".into(),
                },
            ),
        ];
        for (text, want) in cases {
            let got = parse(text);
            assert_eq!(got, want, "{text}");
            assert_eq!(parse(&got.to_string()), want, "{text} round trip");
        }
        assert_eq!(parse("tcp://10.0.0.9").to_string(), "tcp://10.0.0.9:9100");
    }

    #[test]
    fn a_bad_address_says_what_is_wrong() {
        let msg = |s: &str| match s.parse::<Address>() {
            Ok(a) => panic!("{s} parsed as {a:?}"),
            Err(e) => e.to_string(),
        };
        assert_eq!(
            msg("usb://04b8"),
            "'usb://04b8' : expected usb://VID:PID in hex, e.g. usb://04b8:0e15"
        );
        assert!(msg("tcp://host:99999").contains("'99999' is not a port number"));
        assert!(msg("serial://COM3?baud=fast").contains("'fast' is not a baud rate"));
        assert!(msg("lpt://1").contains("'lpt' is not a printer connection"));
        assert!(msg("192.168.1.50").contains("expected a printer address"));
        assert!(msg("cups://my queue").contains("cups://QUEUE"));
        assert!(msg("spooler://").contains("spooler://PRINTER NAME"));
    }
}
