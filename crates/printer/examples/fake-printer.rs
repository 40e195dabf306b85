//! A fake ESC/POS network printer for end-to-end tests written in other languages.
//!
//! `fake-printer --out FILE [--state FILE]` listens on a free loopback port, prints
//! `tcp://127.0.0.1:PORT` as its first line on stdout, appends every byte it receives to
//! `--out`, and before answering each status query reads `--state`: one of `ready`,
//! `paper_out`, `near_end`, `cover_open`, `silent` (never answers) or `offline` (closes new
//! connections); a missing file means `ready`. It runs until killed.
//!
//! `fake-printer --decode FILE` reads what a run recorded and prints what the paper shows as
//! JSON: `{"lines": [...], "barcodes": [...], "kicks": N, "cuts": N}` (code page pc858).

use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use versapos_printer::fake::{FakePrinter, FakeState, Hooks};

fn read_state(path: &Option<PathBuf>) -> FakeState {
    let Some(path) = path else {
        return FakeState::Ready;
    };
    match std::fs::read_to_string(path).as_deref().map(str::trim) {
        Ok("paper_out") => FakeState::PaperOut,
        Ok("near_end") => FakeState::NearEnd,
        Ok("cover_open") => FakeState::CoverOpen,
        Ok("silent") => FakeState::Silent,
        Ok("offline") => FakeState::Offline,
        _ => FakeState::Ready,
    }
}

/// What the recorded bytes print, as JSON on stdout.
fn decode(path: &str) -> ExitCode {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("fake-printer: cannot read {path}: {e}");
            return ExitCode::from(1);
        }
    };
    match versapos_printer::decode::decode(&bytes, versapos_printer::CodePage::Pc858) {
        Ok(paper) => {
            let json = serde_json::json!({
                "lines": paper.text(),
                "barcodes": paper.barcodes,
                "kicks": paper.kicks.len(),
                "cuts": paper.cuts,
            });
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("fake-printer: {path}: {e}");
            ExitCode::from(1)
        }
    }
}

fn main() -> ExitCode {
    let mut out = None;
    let mut state = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--decode", Some(path)) => return decode(&path),
            ("--out", Some(v)) => out = Some(PathBuf::from(v)),
            ("--state", Some(v)) => state = Some(PathBuf::from(v)),
            _ => {
                eprintln!("usage: fake-printer --out FILE [--state FILE]");
                return ExitCode::from(2);
            }
        }
    }
    let Some(out) = out else {
        eprintln!("usage: fake-printer --out FILE [--state FILE]");
        return ExitCode::from(2);
    };
    let file = match OpenOptions::new().create(true).append(true).open(&out) {
        Ok(f) => Arc::new(Mutex::new(f)),
        Err(e) => {
            eprintln!("fake-printer: cannot open {}: {e}", out.display());
            return ExitCode::from(1);
        }
    };
    let state_file = state.clone();
    let hooks = Hooks {
        state: Some(Box::new(move || Some(read_state(&state_file)))),
        on_bytes: Some(Box::new(move |bytes| {
            if let Ok(mut f) = file.lock() {
                let _ = f.write_all(bytes).and_then(|()| f.flush());
            }
        })),
    };
    let printer = FakePrinter::start_with(hooks);
    // New connections are refused while the state file says offline.
    printer.set_state(read_state(&state));
    println!("{}", printer.address());
    let _ = std::io::stdout().flush();
    loop {
        std::thread::sleep(std::time::Duration::from_millis(100));
        printer.set_state(read_state(&state));
    }
}
