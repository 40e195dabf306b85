//! A serial printer through a `socat` pty pair: the till writes to one end, the test reads the
//! other as the printer would.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use versapos_printer::decode::decode;
use versapos_printer::{open_drawer, print, CodePage, DrawerPin, Job};

use crate::{expected_text, sample_receipt, settings};

/// socat, killed (by its own pid) when the test ends.
struct Socat(Child);

impl Drop for Socat {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn pty_pair(dir: &Path) -> Socat {
    let (a, b) = (dir.join("a"), dir.join("b"));
    let child = Command::new("socat")
        .arg("-d")
        .arg("-d")
        .arg(format!("pty,raw,echo=0,link={}", a.display()))
        .arg(format!("pty,raw,echo=0,link={}", b.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("socat cannot be started ({e}): run scripts/setup to install it")
        });
    let socat = Socat(child);
    let deadline = Instant::now() + Duration::from_secs(5);
    while !(a.exists() && b.exists()) {
        assert!(Instant::now() < deadline, "socat made no pty pair in 5 s");
        std::thread::sleep(Duration::from_millis(20));
    }
    socat
}

/// Reads the printer's end until `quiet` passes with nothing new.
fn read_printer_end(path: &Path) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    let mut file = std::fs::File::open(path).expect("open the printer's end");
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = file.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    rx
}

fn collect(rx: &mpsc::Receiver<Vec<u8>>, done: impl Fn(&[u8]) -> bool) -> Vec<u8> {
    let mut got = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done(&got) && Instant::now() < deadline {
        if let Ok(chunk) = rx.recv_timeout(Duration::from_millis(100)) {
            got.extend(chunk);
        }
    }
    got
}

#[test]
fn a_receipt_and_a_drawer_kick_reach_a_serial_printer_through_a_pty_pair() {
    let dir = tempfile::tempdir().expect("temp dir");
    let _socat = pty_pair(dir.path());
    let rx = read_printer_end(&dir.path().join("b"));
    let address = format!("serial://{}?baud=38400", dir.path().join("a").display());
    let mut s = settings(&address, 32);
    s.drawer_pin = DrawerPin::Pin5;
    let lines = sample_receipt(false).layout(32);
    // Nobody answers the status query on the other end: it prints anyway.
    print(
        &s,
        &Job {
            lines: &lines,
            kick_drawer: false,
        },
    )
    .expect("print over serial");
    // The receipt ends with its cut: GS V 66 n.
    let got = collect(&rx, |b| {
        b.len() >= 4 && b[b.len() - 4..b.len() - 1] == [0x1D, b'V', 66]
    });
    let paper = decode(&got, CodePage::Pc437).expect("decode what the serial line carried");
    assert_eq!(paper.text(), expected_text(&lines, CodePage::Pc858));
    assert_eq!(paper.barcodes, vec!["T1-000042"]);
    assert_eq!(paper.cuts, 1);

    open_drawer(&s).expect("drawer over serial");
    let got = collect(&rx, |b| b.ends_with(&[0x1B, b'p', 1, 25, 250]));
    let paper = decode(&got, CodePage::Pc437).expect("decode");
    assert_eq!(paper.kicks, vec![DrawerPin::Pin5]);
}

#[test]
fn a_serial_port_that_does_not_exist_is_offline_and_says_which() {
    let s = settings("serial:///dev/ttyNOPE42?baud=9600", 32);
    let err = open_drawer(&s).expect_err("no such port");
    assert_eq!(err.code(), "printer_offline");
    assert!(err.to_string().contains("/dev/ttyNOPE42"), "{err}");
}
