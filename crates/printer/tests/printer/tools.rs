//! The `fake-printer` example binary, as another language's end-to-end test drives it.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use versapos_printer::decode::decode;
use versapos_printer::{open_drawer, print, CodePage, DrawerPin, Job};

use crate::{sample_receipt, settings};

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `target/<profile>/examples/fake-printer`, built by `cargo test` with the tests.
fn example_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>");
    let bin = profile_dir
        .join("examples")
        .join(format!("fake-printer{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: build it with cargo build -p versapos-printer --example fake-printer",
        bin.display()
    );
    bin
}

#[test]
fn the_fake_printer_binary_prints_its_address_records_bytes_and_reads_its_state_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (out, state) = (dir.path().join("out.bin"), dir.path().join("state"));
    let mut child = Command::new(example_binary())
        .arg("--out")
        .arg(&out)
        .arg("--state")
        .arg(&state)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start fake-printer");
    let stdout = child.stdout.take().expect("stdout");
    let child = Killed(child);
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("the address line");
    let address = first.trim().to_string();
    assert!(address.starts_with("tcp://127.0.0.1:"), "{address:?}");

    let s = settings(&address, 32);
    let lines = sample_receipt(false).layout(32);
    let job = Job {
        lines: &lines,
        kick_drawer: false,
    };
    print(&s, &job).expect("print to the binary (no state file: ready)");

    std::fs::write(&state, "paper_out\n").expect("state file");
    let err = print(&s, &job).expect_err("paper out");
    assert_eq!(err.code(), "paper_out");
    open_drawer(&s).expect("the drawer still opens");

    let deadline = Instant::now() + Duration::from_secs(5);
    let paper = loop {
        let bytes = std::fs::read(&out).unwrap_or_default();
        let paper = decode(&bytes, CodePage::Pc437).expect("decode --out");
        if paper.kicks.len() == 1 || Instant::now() > deadline {
            break paper;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(paper.cuts, 1, "one receipt printed, the second refused");
    assert_eq!(paper.kicks, vec![DrawerPin::Pin2]);
    drop(child);

    // `--decode` tells another language's test what the paper shows.
    let decoded = Command::new(example_binary())
        .arg("--decode")
        .arg(&out)
        .output()
        .expect("fake-printer --decode");
    assert!(decoded.status.success(), "{decoded:?}");
    let json: serde_json::Value =
        serde_json::from_slice(&decoded.stdout).expect("--decode prints JSON");
    assert_eq!(json["cuts"], 1, "{json}");
    assert_eq!(json["kicks"], 1, "{json}");
    let printed: Vec<String> = paper.text();
    assert_eq!(json["lines"], serde_json::json!(printed), "{json}");
}
