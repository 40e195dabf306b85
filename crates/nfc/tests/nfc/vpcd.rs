//! The real PC/SC stack for tests: Debian's `pcscd` with the vsmartcard virtual reader (`vpcd`),
//! and a virtual card played over TCP the way vpcd expects it (2-byte big-endian length, then
//! the payload; a 1-byte payload is a control: 0 power off, 1 power on, 2 reset, 4 send the ATR).
//!
//! pcscd is one per machine (its socket is /run/pcscd/pcscd.comm) and vpcd's ports are fixed, so
//! every test that uses it holds [`Pcscd`] for its whole run: a process-wide lock, and pcscd
//! started if it is not running already (one that is running is used as it is). nextest runs
//! these tests one at a time (the `pcsc` test group in .config/nextest.toml).
//! Shared with the CLI's tests (tests/cli/nfc.rs).

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// pcscd's socket: it answers there when it runs.
pub const SOCKET: &str = "/run/pcscd/pcscd.comm";
const PID_FILE: &str = "/run/pcscd/pcscd.pid";
/// vpcd's first reader takes its card on this port, the second on the next one.
pub const PORTS: [u16; 2] = [35963, 35964];
/// The names pcscd gives vpcd's two readers.
pub const READERS: [&str; 2] = ["Virtual PCD 00 00", "Virtual PCD 00 01"];

const SETUP: &str = "run scripts/setup (it installs Debian's pcscd and vsmartcard-vpcd)";

/// ATR of a MIFARE Classic 1K behind a PC/SC contactless reader (PC/SC part 3).
pub const ATR: [u8; 20] = [
    0x3B, 0x8F, 0x80, 0x01, 0x80, 0x4F, 0x0C, 0xA0, 0x00, 0x00, 0x03, 0x06, 0x03, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x00, 0x6A,
];

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// pcscd running with vpcd's readers (started if it was not, and then left running for the
/// next test), one test at a time.
pub struct Pcscd {
    child: Option<Child>,
    _turn: MutexGuard<'static, ()>,
}

fn find_pcscd() -> Option<String> {
    let path = std::env::var("PATH").unwrap_or_default();
    let found = path
        .split(':')
        .chain(["/usr/sbin", "/sbin", "/usr/local/sbin"])
        .map(|d| Path::new(d).join("pcscd"))
        .find(|p| p.is_file());
    found.map(|p| p.display().to_string())
}

/// vpcd is installed when a reader.conf file loads its driver.
fn vpcd_installed() -> bool {
    let Ok(dir) = std::fs::read_dir("/etc/reader.conf.d") else {
        return false;
    };
    dir.flatten().any(|f| {
        std::fs::read_to_string(f.path())
            .map(|t| t.contains("libifdvpcd"))
            .unwrap_or(false)
    })
}

fn answers() -> bool {
    UnixStream::connect(SOCKET).is_ok()
}

/// vpcd listens on its first port (read from /proc: connecting would insert a card).
fn vpcd_listening() -> bool {
    let want = format!(":{:04X} ", PORTS[0]);
    ["/proc/net/tcp", "/proc/net/tcp6"].iter().any(|f| {
        std::fs::read_to_string(f).is_ok_and(|t| {
            t.lines().any(|l| {
                let cols: Vec<&str> = l.split_whitespace().collect();
                cols.len() > 3 && cols[1].ends_with(want.trim_end()) && cols[3] == "0A"
            })
        })
    })
}

/// No socket of any state on vpcd's ports (a new vpcd can bind them).
fn vpcd_port_free() -> bool {
    let ports: Vec<String> = PORTS.iter().map(|p| format!(":{p:04X}")).collect();
    ["/proc/net/tcp", "/proc/net/tcp6"].iter().all(|f| {
        std::fs::read_to_string(f).map_or(true, |t| {
            !t.lines().any(|l| {
                l.split_whitespace()
                    .nth(1)
                    .is_some_and(|local| ports.iter().any(|p| local.ends_with(p.as_str())))
            })
        })
    })
}

/// Whether `ready` comes true within `limit`.
fn within(limit: Duration, ready: impl Fn() -> bool) -> bool {
    let start = Instant::now();
    while !ready() {
        if start.elapsed() >= limit {
            return false;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    true
}

fn wait_until(what: &str, limit: Duration, ready: impl Fn() -> bool) {
    assert!(within(limit, ready), "{what} within {limit:?}");
}

fn pid_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .is_ok_and(|s| s.split_whitespace().nth(2) == Some("Z"))
}

/// A live pcscd found among the processes (one started by an earlier test, which writes no pid
/// file in the foreground).
fn running_pcscd() -> Option<u32> {
    std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .find_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let comm = std::fs::read_to_string(entry.path().join("comm")).ok()?;
            (comm.trim() == "pcscd" && pid_alive(pid)).then_some(pid)
        })
}

fn signal(pid: u32, sig: &str) {
    let _ = Command::new("kill")
        .args([sig, &pid.to_string()])
        .stderr(Stdio::null())
        .status();
}

impl Pcscd {
    /// pcscd with vpcd, started unless already running. Fails (never skips) when either is not
    /// installed.
    pub fn ensure() -> Pcscd {
        let turn = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
        assert!(find_pcscd().is_some(), "pcscd is not installed: {SETUP}");
        assert!(
            vpcd_installed(),
            "vsmartcard-vpcd is not installed: {SETUP}"
        );
        let mut p = Pcscd {
            child: None,
            _turn: turn,
        };
        if !answers() {
            p.start();
        }
        // A pcscd started while an earlier one's vpcd port was still held (its connections
        // lingering) answers but its vpcd never listens: start a fresh one once the port is free.
        if !within(Duration::from_secs(10), vpcd_listening) {
            p.stop();
            wait_until(
                "vpcd's port is free again",
                Duration::from_secs(120),
                vpcd_port_free,
            );
            p.start();
        }
        wait_until(
            "vpcd listens for its virtual card",
            Duration::from_secs(30),
            vpcd_listening,
        );
        // The last test's card may be gone from vpcd but not yet from pcscd (it polls vpcd):
        // start from two empty readers, as a shop's reader is between customers.
        wait_until(
            "vpcd's two readers listed and empty",
            Duration::from_secs(10),
            || {
                use versapos_nfc::CardReaders;
                versapos_nfc::PcscReaders::connect()
                    .and_then(|r| r.readers())
                    .is_ok_and(|readers| {
                        READERS
                            .iter()
                            .all(|name| readers.iter().any(|r| r.name == *name && !r.card_present))
                    })
            },
        );
        p
    }

    fn start(&mut self) {
        // A crashed pcscd leaves its socket and pid file behind; pcscd refuses to start over them.
        let _ = std::fs::remove_file(SOCKET);
        let _ = std::fs::remove_file(PID_FILE);
        let exe = find_pcscd().unwrap_or_else(|| panic!("pcscd is not installed: {SETUP}"));
        let log = std::env::temp_dir().join("versapos-test-pcscd.log");
        let out = std::fs::File::create(&log)
            .map(Stdio::from)
            .unwrap_or(Stdio::null());
        let child = Command::new(exe)
            .arg("--foreground")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(out)
            .spawn()
            .unwrap_or_else(|e| panic!("start pcscd ({e}): {SETUP}"));
        self.child = Some(child);
        wait_until(
            "pcscd answers on its socket",
            Duration::from_secs(10),
            answers,
        );
        wait_until(
            "vpcd listens for its virtual card",
            Duration::from_secs(30),
            vpcd_listening,
        );
    }

    /// Stops pcscd (this test's, or the one found running) and waits until it is gone.
    pub fn stop(&mut self) {
        let pid = match &self.child {
            Some(c) => Some(c.id()),
            None => std::fs::read_to_string(PID_FILE)
                .ok()
                .and_then(|t| t.trim().parse::<u32>().ok())
                .or_else(running_pcscd),
        };
        if let Some(pid) = pid {
            signal(pid, "-TERM");
            let start = Instant::now();
            while pid_alive(pid) && start.elapsed() < Duration::from_secs(5) {
                if let Some(c) = &mut self.child {
                    if let Ok(Some(_)) = c.try_wait() {
                        break;
                    }
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            if pid_alive(pid) {
                signal(pid, "-KILL");
            }
        }
        if let Some(mut c) = self.child.take() {
            let _ = c.wait();
        }
        wait_until("pcscd stops answering", Duration::from_secs(5), || {
            !answers()
        });
    }

    /// pcscd stopped and started again: every reader goes and comes back.
    pub fn restart(&mut self) {
        self.stop();
        // The stopped pcscd's vpcd port may still be held by its lingering connections; a pcscd
        // started before it is free answers but its vpcd never listens (as in `ensure`).
        wait_until(
            "vpcd's port is free again",
            Duration::from_secs(120),
            vpcd_port_free,
        );
        self.start();
    }
}

impl Drop for Pcscd {
    fn drop(&mut self) {
        // Left running for the next test: starting pcscd again and again gives vpcd a port that
        // may still be held by the last one's connections, and costs each test its start-up.
        // The machine's session ends it; tests that need it gone stop it themselves.
        if let Some(child) = self.child.take() {
            std::mem::forget(child);
        }
    }
}

/// How the virtual card answers an APDU.
#[derive(Clone, Debug)]
pub enum Answers {
    /// A card with this UID: `FF CA 00 00 00` gets the UID and `90 00`.
    Uid(Vec<u8>),
    /// Every APDU gets exactly these bytes (e.g. `6A 82`, or a single byte).
    Always(Vec<u8>),
    /// The card leaves the reader as soon as it is sent an APDU (taken away mid-read).
    Vanish,
}

/// A card on one of vpcd's readers, for as long as this lives.
pub struct VirtualCard {
    stream: TcpStream,
    thread: Option<JoinHandle<()>>,
    /// The APDUs the card received.
    pub apdus: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl VirtualCard {
    /// Puts a card on reader `slot` (0 or 1).
    pub fn tap(slot: usize, answers: Answers) -> VirtualCard {
        let port = PORTS[slot];
        let stream = TcpStream::connect(("127.0.0.1", port))
            .unwrap_or_else(|e| panic!("connect to vpcd on port {port} ({e}): is pcscd up?"));
        let mut reader = stream.try_clone().expect("clone the card's socket");
        let apdus = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&apdus);
        let thread = std::thread::spawn(move || {
            while let Some(msg) = read_frame(&mut reader) {
                let reply = match msg.as_slice() {
                    [4] => Some(ATR.to_vec()),
                    [_] => None, // power off, power on, reset
                    _ if matches!(answers, Answers::Vanish) => {
                        let _ = reader.shutdown(Shutdown::Both);
                        break;
                    }
                    apdu => {
                        seen.lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .push(apdu.to_vec());
                        Some(match &answers {
                            Answers::Uid(uid) if apdu == [0xFF, 0xCA, 0x00, 0x00, 0x00] => {
                                let mut r = uid.clone();
                                r.extend_from_slice(&[0x90, 0x00]);
                                r
                            }
                            Answers::Uid(_) => vec![0x6D, 0x00],
                            Answers::Always(bytes) => bytes.clone(),
                            Answers::Vanish => Vec::new(),
                        })
                    }
                };
                if let Some(reply) = reply {
                    let len = u16::try_from(reply.len()).expect("a short reply");
                    let mut frame = len.to_be_bytes().to_vec();
                    frame.extend_from_slice(&reply);
                    if reader.write_all(&frame).is_err() {
                        break;
                    }
                }
            }
        });
        VirtualCard {
            stream,
            thread: Some(thread),
            apdus,
        }
    }

    /// A card with this UID on reader `slot`.
    pub fn with_uid(slot: usize, uid: &[u8]) -> VirtualCard {
        VirtualCard::tap(slot, Answers::Uid(uid.to_vec()))
    }

    /// Takes the card off the reader.
    pub fn remove(mut self) {
        self.take_off();
    }

    fn take_off(&mut self) {
        let _ = self.stream.shutdown(Shutdown::Both);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for VirtualCard {
    fn drop(&mut self) {
        self.take_off();
    }
}

fn read_frame(s: &mut TcpStream) -> Option<Vec<u8>> {
    let mut len = [0u8; 2];
    s.read_exact(&mut len).ok()?;
    let mut msg = vec![0u8; usize::from(u16::from_be_bytes(len))];
    s.read_exact(&mut msg).ok()?;
    Some(msg)
}
