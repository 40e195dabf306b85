//! CUPS raw queues (Linux, macOS): the job goes to `lp -o raw`, which honours `CUPS_SERVER`.
//! CUPS cannot say whether the paper is out: the job waits in the queue instead.

use crate::PrintError;

/// How long `lp` may take to hand a job to CUPS, and `lpstat` to list the queues: a scheduler
/// that hangs must not hang the till.
#[cfg(unix)]
const LP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);
#[cfg(unix)]
const LPSTAT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Waits for `child` for at most `limit`, collecting its output; kills it (by its own pid)
/// and gives `None` when it takes longer.
#[cfg(unix)]
fn finish_within(
    mut child: std::process::Child,
    limit: std::time::Duration,
) -> Option<std::process::Output> {
    use std::io::Read;

    fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut all = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut all);
            }
            all
        })
    }
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let deadline = std::time::Instant::now() + limit;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    };
    Some(std::process::Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

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
    let output = finish_within(child, LP_TIMEOUT).ok_or_else(|| PrintError::NotAnswering {
        address: address.clone(),
        seconds: LP_TIMEOUT.as_secs(),
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
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()
            .and_then(|child| finish_within(child, LPSTAT_TIMEOUT))
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
