//! The transports and the status check against the fake network printer on loopback.

use std::time::{Duration, Instant};

use versapos_printer::decode::{decode, Printed};
use versapos_printer::fake::{FakePrinter, FakeState};
use versapos_printer::{open_drawer, print, status, CodePage, DrawerPin, Job, Paper, PrintError};

use crate::{expected_text, sample_receipt, settings, small_png};

/// Status queries only: DLE EOT n, n = 1..4.
fn only_status_queries(bytes: &[u8]) -> bool {
    bytes.len().is_multiple_of(3)
        && bytes
            .chunks(3)
            .all(|c| c[0] == 0x10 && c[1] == 0x04 && (1..=4).contains(&c[2]))
}

#[test]
fn a_receipt_printed_to_the_network_printer_arrives_whole_after_the_status_check() {
    let fake = FakePrinter::start();
    let mut s = settings(&fake.address(), 48);
    s.logo = Some(small_png());
    let lines = sample_receipt(true).layout(48);
    print(
        &s,
        &Job {
            lines: &lines,
            kick_drawer: true,
        },
    )
    .expect("print");
    let jobs = fake.jobs();
    assert_eq!(jobs.len(), 1, "one connection");
    // The status queries come first, then the receipt.
    assert!(jobs[0].starts_with(&[0x10, 0x04, 1]), "status asked first");
    let paper = decode(&jobs[0], CodePage::Pc437).expect("decode");
    assert_eq!(paper.text(), expected_text(&lines, CodePage::Pc858));
    assert_eq!(paper.kicks, vec![DrawerPin::Pin2]);
    assert_eq!(paper.cuts, 1);
    assert_eq!(paper.qrs.len(), 1);
}

#[test]
fn out_of_paper_stops_the_print_and_only_status_queries_reach_the_printer() {
    let fake = FakePrinter::start();
    fake.set_state(FakeState::PaperOut);
    let s = settings(&fake.address(), 32);
    let lines = sample_receipt(false).layout(32);
    let err = print(
        &s,
        &Job {
            lines: &lines,
            kick_drawer: true,
        },
    )
    .expect_err("paper out");
    assert!(matches!(err, PrintError::PaperOut), "{err:?}");
    assert_eq!(err.code(), "paper_out");
    assert_eq!(
        err.to_string(),
        "The printer is out of paper. Load a new roll and press Retry."
    );
    let received = fake.received();
    assert!(
        !received.is_empty() && only_status_queries(&received),
        "{received:?}"
    );

    // Paper loaded: Retry prints the whole receipt once.
    fake.set_state(FakeState::Ready);
    fake.clear();
    print(
        &s,
        &Job {
            lines: &lines,
            kick_drawer: true,
        },
    )
    .expect("print after the roll is changed");
    let paper = decode(&fake.received(), CodePage::Pc437).expect("decode");
    assert_eq!(paper.cuts, 1);
    assert_eq!(paper.kicks.len(), 1);
}

#[test]
fn an_open_cover_stops_the_print_and_only_status_queries_reach_the_printer() {
    let fake = FakePrinter::start();
    fake.set_state(FakeState::CoverOpen);
    let s = settings(&fake.address(), 42);
    let lines = sample_receipt(false).layout(42);
    let err = print(
        &s,
        &Job {
            lines: &lines,
            kick_drawer: false,
        },
    )
    .expect_err("cover open");
    assert!(matches!(err, PrintError::CoverOpen), "{err:?}");
    assert_eq!(err.code(), "cover_open");
    assert!(only_status_queries(&fake.received()));
    // An open cover also keeps the drawer shut: the cashier sees why.
    let err = open_drawer(&s).expect_err("cover open");
    assert_eq!(err.code(), "cover_open");
    assert!(only_status_queries(&fake.received()));
}

#[test]
fn an_offline_printer_is_reported_as_offline_within_three_seconds() {
    let fake = FakePrinter::start();
    fake.set_state(FakeState::Offline);
    let s = settings(&fake.address(), 48);
    let lines = sample_receipt(false).layout(48);
    let started = Instant::now();
    let err = print(
        &s,
        &Job {
            lines: &lines,
            kick_drawer: false,
        },
    )
    .expect_err("offline");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(err.code(), "printer_offline", "{err}");
    assert!(err.to_string().contains(&fake.address()), "{err}");
    assert!(fake.received().is_empty());
}

#[test]
fn nothing_listening_is_offline_and_the_message_names_the_printer() {
    // A port that was just free: connecting is refused.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let s = settings(&format!("tcp://127.0.0.1:{port}"), 48);
    let started = Instant::now();
    let err = open_drawer(&s).expect_err("refused");
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(err.code(), "printer_offline");
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("The printer at tcp://127.0.0.1:{port} is offline")),
        "{msg}"
    );
    assert!(msg.contains("Check it is on and connected"), "{msg}");
}

#[test]
fn a_printer_that_never_answers_status_still_gets_the_receipt() {
    let fake = FakePrinter::start();
    fake.set_state(FakeState::Silent);
    let s = settings(&fake.address(), 48);
    let lines = sample_receipt(false).layout(48);
    let started = Instant::now();
    print(
        &s,
        &Job {
            lines: &lines,
            kick_drawer: false,
        },
    )
    .expect("prints anyway");
    // One unanswered query (1 s), not three.
    assert!(
        started.elapsed() < Duration::from_millis(2500),
        "{:?}",
        started.elapsed()
    );
    let paper = decode(&fake.received(), CodePage::Pc437).expect("decode");
    assert_eq!(paper.text(), expected_text(&lines, CodePage::Pc858));
    let st = status(&s).expect("status");
    assert!(!st.can_report);
}

#[test]
fn open_drawer_sends_exactly_one_kick_on_the_configured_pin_and_nothing_else() {
    let fake = FakePrinter::start();
    for pin in [DrawerPin::Pin2, DrawerPin::Pin5] {
        fake.clear();
        let mut s = settings(&fake.address(), 48);
        s.drawer_pin = pin;
        open_drawer(&s).expect("open drawer");
        let paper = decode(&fake.received(), CodePage::Pc437).expect("decode");
        assert_eq!(paper.items, vec![Printed::Kick(pin)], "{pin:?}");
        let bytes = fake.received();
        let m = if pin == DrawerPin::Pin2 { 0 } else { 1 };
        assert!(bytes.ends_with(&[0x1B, b'p', m, 25, 250]), "{bytes:?}");
    }
}

#[test]
fn out_of_paper_does_not_keep_the_drawer_shut_the_kick_goes_in_real_time() {
    let fake = FakePrinter::start();
    fake.set_state(FakeState::PaperOut);
    let mut s = settings(&fake.address(), 48);
    s.drawer_pin = DrawerPin::Pin5;
    open_drawer(&s).expect("the drawer opens without paper");
    let bytes = fake.received();
    let paper = decode(&bytes, CodePage::Pc437).expect("decode");
    assert_eq!(paper.kicks, vec![DrawerPin::Pin5]);
    // DLE DC4: executed at once, not queued behind the paper.
    assert!(bytes.ends_with(&[0x10, 0x14, 1, 1, 2]), "{bytes:?}");
}

#[test]
fn status_reports_each_state_of_the_printer() {
    let fake = FakePrinter::start();
    let s = settings(&fake.address(), 48);
    let cases = [
        (FakeState::Ready, true, Paper::Ok, false),
        (FakeState::NearEnd, true, Paper::NearEnd, false),
        (FakeState::PaperOut, false, Paper::Out, false),
        (FakeState::CoverOpen, false, Paper::Ok, true),
    ];
    for (state, online, paper, cover_open) in cases {
        fake.set_state(state);
        let st = status(&s).expect("status");
        assert!(st.can_report, "{state:?}");
        assert_eq!(
            (st.online, st.paper, st.cover_open),
            (online, paper, cover_open),
            "{state:?}"
        );
    }
    // Near the end of the roll still prints.
    fake.set_state(FakeState::NearEnd);
    let lines = sample_receipt(false).layout(48);
    print(
        &s,
        &Job {
            lines: &lines,
            kick_drawer: false,
        },
    )
    .expect("near end still prints");
}

#[test]
fn the_os_queues_cannot_report_and_the_wrong_os_is_unsupported() {
    #[cfg(not(windows))]
    {
        let s = settings("spooler://EPSON TM-T20III", 48);
        let st = status(&s).expect("status");
        assert!(!st.can_report);
        let err = open_drawer(&s).expect_err("no spooler here");
        assert_eq!(err.code(), "printer_unsupported");
    }
    let s = settings("cups://nowhere", 48);
    assert!(!status(&s).expect("status").can_report);
}

#[test]
fn finding_printers_never_fails() {
    for found in versapos_printer::find() {
        let parsed: Result<versapos_printer::Address, _> = found.address.parse();
        assert!(parsed.is_ok(), "{found:?}");
        assert!(!found.description.is_empty());
    }
}
