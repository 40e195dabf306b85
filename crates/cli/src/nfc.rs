//! `versapos nfc`: the NFC readers VIP cards are tapped on. `readers` lists what the PC/SC
//! service sees; `watch` prints each tap (one JSON object per line with --json), for setting up
//! a till and for scripts that wait for a card.

use std::sync::mpsc::{channel, RecvTimeoutError};
use std::time::{Duration, Instant};

use versapos_nfc::{CardReaders, NfcError, NfcEvent, PcscReaders, WatchOptions, Watcher};

use crate::args::{NfcCmd, NfcWatchArgs};
use crate::print::{emit, Out};
use crate::{usage, Result};

pub fn run(cmd: &NfcCmd, out: &Out) -> Result<()> {
    match cmd {
        NfcCmd::Readers => readers(out),
        NfcCmd::Watch(a) => watch(a, out),
    }
}

fn readers(out: &Out) -> Result<()> {
    let readers = PcscReaders::connect()?.readers()?;
    if readers.is_empty() {
        return Err(NfcError::NoReaders.into());
    }
    if out.json {
        let body = serde_json::json!({ "readers": readers });
        emit(body.to_string());
        return Ok(());
    }
    for r in &readers {
        let card = if r.card_present {
            "  (a card is on it)"
        } else {
            ""
        };
        emit(format!("{}{card}", r.name));
    }
    Ok(())
}

fn watch(a: &NfcWatchArgs, out: &Out) -> Result<()> {
    if a.timeout == Some(0) {
        return Err(usage("--timeout: must be 1 second or more"));
    }
    // Say plainly what is missing before waiting for anything.
    let names = PcscReaders::connect()?.reader_names()?;
    match &a.reader {
        Some(r) if !names.contains(r) => {
            if !names.is_empty() {
                eprintln!("versapos: readers connected: {}", names.join(", "));
            }
            return Err(NfcError::ReaderUnavailable(r.clone()).into());
        }
        None if names.is_empty() => return Err(NfcError::NoReaders.into()),
        _ => {}
    }
    let (tx, rx) = channel();
    let options = WatchOptions {
        reader: a.reader.clone(),
        ..WatchOptions::default()
    };
    let watcher = Watcher::spawn(options, move |e| {
        let _ = tx.send(e);
    })?;
    if !out.json {
        eprintln!("waiting for a card… (Ctrl-C to stop)");
    }
    let deadline = a
        .timeout
        .map(|s| (s, Instant::now() + Duration::from_secs(s)));
    loop {
        let event = match deadline {
            Some((seconds, at)) => {
                match rx.recv_timeout(at.saturating_duration_since(Instant::now())) {
                    Ok(e) => e,
                    Err(RecvTimeoutError::Timeout) => {
                        watcher.stop();
                        return Err(NfcError::NoTap { seconds }.into());
                    }
                    Err(RecvTimeoutError::Disconnected) => break,
                }
            }
            None => match rx.recv() {
                Ok(e) => e,
                Err(_) => break,
            },
        };
        print(&event, out);
        if a.once && matches!(event, NfcEvent::Tap { .. }) {
            watcher.stop();
            return Ok(());
        }
    }
    Err(NfcError::Internal("the NFC watcher stopped".to_string()).into())
}

/// A tap on stdout; for people, everything else on stderr (with --json, all on stdout).
fn print(event: &NfcEvent, out: &Out) {
    if out.json {
        match serde_json::to_string(event) {
            Ok(line) => emit(line),
            Err(e) => eprintln!("versapos: cannot write JSON: {e}"),
        }
        return;
    }
    match event {
        NfcEvent::Tap { reader, uid } => emit(format!("{reader}: {uid}")),
        NfcEvent::ReadFailed { reader, reason, .. } => {
            eprintln!("{reader}: the card could not be read: {reason}")
        }
        NfcEvent::ReaderAdded { reader } => eprintln!("{reader}: ready"),
        NfcEvent::ReaderRemoved { reader } => eprintln!("{reader}: unplugged"),
        NfcEvent::ServiceLost { reason } => {
            eprintln!("{reason}: waiting for it to come back")
        }
        NfcEvent::ServiceBack => eprintln!("the PC/SC service is back"),
    }
}
