//! `versapos nfc readers` and `versapos nfc watch` on the real PC/SC stack (pcscd with
//! vsmartcard's virtual reader, the card played over TCP), and the NFC checks of
//! `versapos doctor`. Named `nfc::…`: nextest runs them one at a time with the NFC crate's tests.

#[path = "../../crates/nfc/tests/nfc/vpcd.rs"]
mod vpcd;

use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;

use crate::support::{array, text, Run, Till};
use vpcd::{Pcscd, VirtualCard, READERS};

const UID: [u8; 7] = [0x04, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6];

fn one_json(run: &Run) -> Value {
    serde_json::from_str(run.stdout.trim()).unwrap_or_else(|e| {
        panic!(
            "one JSON document on stdout ({e}): {}\nstderr: {}",
            run.stdout, run.stderr
        )
    })
}

/// The JSON lines a run printed.
fn json_lines(run: &Run) -> Vec<Value> {
    run.stdout
        .lines()
        .map(|l| {
            serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("each line is a JSON object ({e}): {l}\n{}", run.stdout))
        })
        .collect()
}

fn exits(run: &Run, code: i32, what: &str) {
    assert_eq!(
        run.code,
        Some(code),
        "{what}\nstdout: {}\nstderr: {}",
        run.stdout,
        run.stderr
    );
}

#[test]
fn nfc_readers_lists_the_readers_without_a_store() {
    let _pcscd = Pcscd::ensure();
    let till = Till::empty();
    let run = till.run(&["--json", "nfc", "readers"]);
    exits(&run, 0, "nfc readers with pcscd and vpcd up");
    let v = one_json(&run);
    let names: Vec<&str> = array(&v, "readers")
        .iter()
        .map(|r| text(r, "name"))
        .collect();
    for r in READERS {
        assert!(names.contains(&r), "{r} listed: {v}");
    }
    assert!(!till.db.exists(), "listing readers must not create a store");

    let card = VirtualCard::with_uid(0, &UID);
    std::thread::sleep(Duration::from_millis(1500));
    let run = till.run(&["nfc", "readers"]);
    exits(&run, 0, "nfc readers for people");
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with(READERS[0]))
        .unwrap_or_else(|| panic!("a line for {}: {}", READERS[0], run.stdout));
    assert!(
        line.contains("card"),
        "the card on the reader is shown: {line}"
    );
    card.remove();
}

#[test]
fn nfc_watch_once_prints_the_tap_as_a_json_line_and_exits_0() {
    let _pcscd = Pcscd::ensure();
    let till = Till::empty();
    let child = till
        .command()
        .args(["--json", "nfc", "watch", "--once", "--timeout", "30"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the versapos binary");
    // The customer taps a moment after the till starts waiting.
    std::thread::sleep(Duration::from_millis(800));
    let _card = VirtualCard::with_uid(0, &UID);
    let run = Run::from_output(child.wait_with_output().expect("the watch ends"));
    exits(&run, 0, "nfc watch --once after a tap");
    let lines = json_lines(&run);
    let taps: Vec<&Value> = lines.iter().filter(|l| l["kind"] == "tap").collect();
    assert_eq!(taps.len(), 1, "one tap, then exit: {lines:?}");
    assert_eq!(taps[0]["uid"], "04A1B2C3D4E5F6", "{lines:?}");
    assert_eq!(taps[0]["reader"], READERS[0], "{lines:?}");
    assert_eq!(
        lines.last().map(|l| &l["kind"]),
        Some(&Value::from("tap")),
        "the tap is the last line: {lines:?}"
    );
}

#[test]
fn nfc_watch_once_for_people_prints_the_reader_and_the_uid() {
    let _pcscd = Pcscd::ensure();
    let till = Till::empty();
    // A card already on the reader when the watch starts is a tap too.
    let _card = VirtualCard::with_uid(1, &UID);
    std::thread::sleep(Duration::from_millis(1000));
    let run = till.run(&[
        "nfc",
        "watch",
        "--once",
        "--timeout",
        "30",
        "--reader",
        READERS[1],
    ]);
    exits(&run, 0, "nfc watch --once on the second reader");
    assert_eq!(run.stdout.trim(), format!("{}: 04A1B2C3D4E5F6", READERS[1]));
}

#[test]
fn nfc_watch_once_with_no_tap_exits_1_after_the_timeout() {
    let _pcscd = Pcscd::ensure();
    let till = Till::empty();
    let run = till.run(&["nfc", "watch", "--once", "--timeout", "1"]);
    exits(&run, 1, "no card within --timeout");
    assert!(
        run.stderr.contains("no card was tapped within 1 s"),
        "a clear message: {}",
        run.stderr
    );
    let run = till.run(&["--json", "nfc", "watch", "--once", "--timeout", "1"]);
    exits(&run, 1, "no card within --timeout, --json");
    let last = run.stdout.lines().last().unwrap_or_default();
    let v: Value = serde_json::from_str(last).unwrap_or_else(|e| panic!("{e}: {}", run.stdout));
    assert_eq!(v["error"]["code"], "nfc_no_tap", "{v}");
}

#[test]
fn nfc_watch_refuses_a_bad_timeout_and_an_unknown_reader() {
    let _pcscd = Pcscd::ensure();
    let till = Till::empty();
    let r = till.refused(&["nfc", "watch", "--timeout", "5"]);
    assert!(
        r.message.contains("--once"),
        "--timeout needs --once: {}",
        r.message
    );
    let r = till.refused(&["nfc", "watch", "--once", "--timeout", "0"]);
    assert!(r.message.contains("--timeout"), "{}", r.message);
    let r = till.refused(&["nfc", "watch", "--once", "--timeout", "soon"]);
    assert!(r.message.contains("--timeout"), "{}", r.message);

    let run = till.run(&["nfc", "watch", "--once", "--reader", "No Such Reader 00 00"]);
    exits(&run, 1, "a reader that is not connected");
    assert!(
        run.stderr.contains("No Such Reader 00 00"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(READERS[0]),
        "the readers there are named: {}",
        run.stderr
    );
}

/// The NFC checks of a `doctor --json` run (whatever its exit code: the payment checks decide).
fn nfc_checks(till: &Till) -> Vec<Value> {
    let mut cmd = till.command();
    cmd.env_remove("VERSAPOS_STRIPE_API");
    let run = Run::from_output(
        cmd.args(["--json", "doctor"])
            .output()
            .expect("run the versapos binary"),
    );
    let v = one_json(&run);
    array(&v, "checks")
        .iter()
        .filter(|c| text(c, "id").starts_with("nfc_"))
        .cloned()
        .collect()
}

fn check<'a>(checks: &'a [Value], id: &str) -> &'a Value {
    checks
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("a `{id}` check: {checks:#?}"))
}

#[test]
fn nfc_doctor_reports_the_service_and_the_readers() {
    let mut pcscd = Pcscd::ensure();
    let till = Till::gbp();
    let checks = nfc_checks(&till);
    assert_eq!(check(&checks, "nfc_service")["status"], "ok", "{checks:#?}");
    let readers = check(&checks, "nfc_readers");
    assert_eq!(readers["status"], "ok", "{checks:#?}");
    assert!(text(readers, "detail").contains(READERS[0]), "{readers}");

    // Without the service: a warning that says how to start it, never a failure.
    pcscd.stop();
    let checks = nfc_checks(&till);
    let service = check(&checks, "nfc_service");
    assert_eq!(service["status"], "warn", "{checks:#?}");
    assert!(text(service, "fix").contains("pcscd"), "{service}");
    assert_eq!(
        check(&checks, "nfc_readers")["status"],
        "skip",
        "{checks:#?}"
    );
    let run = till.run(&["doctor"]);
    assert!(
        run.stdout.contains("NFC reader service"),
        "people see the NFC checks too: {}",
        run.stdout
    );

    let run = till.run(&["nfc", "readers"]);
    exits(&run, 1, "nfc readers without pcscd");
    assert!(
        run.stderr.contains("PC/SC service is not running"),
        "{}",
        run.stderr
    );
    let run = till.run(&["nfc", "watch", "--once", "--timeout", "1"]);
    exits(&run, 1, "nfc watch without pcscd");
    assert!(
        run.stderr.contains("PC/SC service is not running"),
        "{}",
        run.stderr
    );
}
