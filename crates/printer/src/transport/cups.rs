//! CUPS raw queues (Linux, macOS): the job goes to `lp -o raw`, which honours `CUPS_SERVER`.
//! CUPS cannot say whether the paper is out: the job waits in the queue instead.

use crate::PrintError;

#[cfg(unix)]
pub(crate) fn send(queue: &str, bytes: &[u8]) -> Result<(), PrintError> {
    use std::io::Write;
    use std::process::{Command, Stdio};

    let address = format!("cups://{queue}");
    let mut child = Command::new("lp")
        .args(["-d", queue, "-o", "raw", "-s"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => PrintError::Unsupported {
                what: "CUPS printers: the lp command is not installed (cups-client)".into(),
            },
            _ => PrintError::Refused {
                address: address.clone(),
                reason: format!("lp could not be started: {e}"),
            },
        })?;
    let written = match child.stdin.take() {
        Some(mut stdin) => stdin.write_all(bytes),
        None => Ok(()),
    };
    let output = child.wait_with_output().map_err(|e| PrintError::Refused {
        address: address.clone(),
        reason: format!("lp failed: {e}"),
    })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr).trim().to_string();
        return Err(PrintError::Refused {
            address,
            reason: if stderr.is_empty() {
                format!("lp exited with {}", output.status)
            } else {
                stderr
            },
        });
    }
    written.map_err(|e| PrintError::Refused {
        address,
        reason: format!("lp stopped reading the job: {e}"),
    })
}

#[cfg(not(unix))]
pub(crate) fn send(_queue: &str, _bytes: &[u8]) -> Result<(), PrintError> {
    Err(PrintError::Unsupported {
        what: "CUPS printers (cups://) on Windows; use spooler://PRINTER NAME".into(),
    })
}

/// The CUPS queues, as (address, description).
#[cfg(unix)]
pub(crate) fn list() -> Vec<(String, String)> {
    use std::process::{Command, Stdio};

    let run = |args: &[&str]| {
        Command::new("lpstat")
            .args(args)
            .env("LC_ALL", "C")
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
    };
    let devices = run(&["-v"]);
    run(&["-e"])
        .lines()
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(|name| {
            let device = devices.lines().find_map(|l| {
                l.strip_prefix("device for ")
                    .and_then(|rest| rest.strip_prefix(name))
                    .and_then(|rest| rest.strip_prefix(": "))
            });
            let description = match device {
                Some(device) => format!("CUPS queue {name} ({device})"),
                None => format!("CUPS queue {name}"),
            };
            (format!("cups://{name}"), description)
        })
        .collect()
}

#[cfg(not(unix))]
pub(crate) fn list() -> Vec<(String, String)> {
    Vec::new()
}
