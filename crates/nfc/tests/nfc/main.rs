//! The NFC layer on the real PC/SC stack: pcscd with vsmartcard's virtual reader (vpcd), the
//! card played by the test over TCP. Every test is named `nfc_…`: nextest runs them one at a
//! time (they share the machine's one pcscd and vpcd's fixed ports). pcscd and vpcd are Linux's
//! (the harness talks to pcscd over its Unix socket): on Windows and macOS the reader layer is
//! compiled and linted, and tested on real readers.
#![cfg(unix)]

mod vpcd;

use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use versapos_nfc::{CardReaders, NfcError, NfcEvent, PcscReaders, WatchOptions, Watcher};
use vpcd::{Answers, Pcscd, VirtualCard, READERS};

const UID_A: [u8; 7] = [0x04, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6];
const UID_B: [u8; 4] = [0xDE, 0xAD, 0xBE, 0xEF];

/// Long enough for pcscd to notice a card (it polls vpcd about every 400 ms) and more.
const SOON: Duration = Duration::from_secs(10);

/// The watcher's events as they come, and all seen so far (for failure messages).
struct Events {
    rx: Receiver<NfcEvent>,
    seen: Vec<NfcEvent>,
}

impl Events {
    fn watch(options: WatchOptions) -> (versapos_nfc::WatcherHandle, Events) {
        let (tx, rx) = channel();
        let handle = Watcher::spawn(options, move |e| {
            let _ = tx.send(e);
        })
        .expect("the watcher starts");
        (
            handle,
            Events {
                rx,
                seen: Vec::new(),
            },
        )
    }

    fn all() -> (versapos_nfc::WatcherHandle, Events) {
        Events::watch(fast())
    }

    /// The next event `wanted` accepts, skipping others; fails after `SOON`.
    fn next(&mut self, what: &str, wanted: impl Fn(&NfcEvent) -> bool) -> NfcEvent {
        let deadline = Instant::now() + SOON;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(e) => {
                    self.seen.push(e.clone());
                    if wanted(&e) {
                        return e;
                    }
                }
                Err(_) => panic!("expected {what} within {SOON:?}; events: {:#?}", self.seen),
            }
        }
    }

    /// Fails if an event `unwanted` accepts comes within `d`.
    fn none_for(&mut self, d: Duration, what: &str, unwanted: impl Fn(&NfcEvent) -> bool) {
        let deadline = Instant::now() + d;
        while let Ok(e) = self
            .rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            self.seen.push(e.clone());
            assert!(!unwanted(&e), "{what}; events: {:#?}", self.seen);
        }
    }

    fn tap(&mut self, reader: &str) -> String {
        let reader = reader.to_string();
        match self.next(
            &format!("a tap on {reader}"),
            |e| matches!(e, NfcEvent::Tap { reader: r, .. } if *r == reader),
        ) {
            NfcEvent::Tap { uid, .. } => uid.to_string(),
            _ => unreachable!(),
        }
    }

    fn read_failed(&mut self, reader: &str) -> (String, String) {
        let reader = reader.to_string();
        match self.next(
            &format!("a failed read on {reader}"),
            |e| matches!(e, NfcEvent::ReadFailed { reader: r, .. } if *r == reader),
        ) {
            NfcEvent::ReadFailed { code, reason, .. } => (code, reason),
            _ => unreachable!(),
        }
    }

    fn reader_added(&mut self, reader: &str) {
        let reader = reader.to_string();
        self.next(
            &format!("{reader} added"),
            |e| matches!(e, NfcEvent::ReaderAdded { reader: r } if *r == reader),
        );
    }
}

/// Short waits and retries, so the tests see changes quickly.
fn fast() -> WatchOptions {
    WatchOptions {
        wait: Duration::from_millis(500),
        retry_first: Duration::from_millis(100),
        retry_max: Duration::from_millis(500),
        ..WatchOptions::default()
    }
}

fn is_read(e: &NfcEvent) -> bool {
    matches!(e, NfcEvent::Tap { .. } | NfcEvent::ReadFailed { .. })
}

/// Waits until the reader reports a card (or none), through the trait.
fn wait_for_card(readers: &PcscReaders, reader: &str, present: bool) {
    let start = Instant::now();
    loop {
        let list = readers.readers().expect("list the readers");
        let now = list
            .iter()
            .find(|r| r.name == reader)
            .map(|r| r.card_present);
        if now == Some(present) {
            return;
        }
        assert!(
            start.elapsed() < SOON,
            "{reader} card present = {present}: {list:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Takes the card off and waits until the reader reports EMPTY, as a customer's card leaves
/// before the next one comes (vpcd takes a card that comes sooner for the same one).
fn take_off(card: VirtualCard, reader: usize) {
    card.remove();
    let readers = PcscReaders::connect().expect("pcscd answers");
    wait_for_card(&readers, READERS[reader], false);
}

#[test]
fn nfc_lists_vpcds_readers_and_whether_a_card_is_on_them() {
    let _pcscd = Pcscd::ensure();
    let readers = PcscReaders::connect().expect("pcscd answers");
    let list = readers.readers().expect("list the readers");
    let names: Vec<&str> = list.iter().map(|r| r.name.as_str()).collect();
    for r in READERS {
        assert!(names.contains(&r), "{r} should be listed: {names:?}");
    }
    assert!(
        list.iter().all(|r| !r.card_present),
        "no card yet: {list:?}"
    );
    let card = VirtualCard::with_uid(0, &UID_A);
    wait_for_card(&readers, READERS[0], true);
    card.remove();
    wait_for_card(&readers, READERS[0], false);
}

#[test]
fn nfc_read_uid_answers_the_uid_or_says_what_was_wrong() {
    let _pcscd = Pcscd::ensure();
    let readers = PcscReaders::connect().expect("pcscd answers");
    assert_eq!(readers.read_uid(READERS[0]), Err(NfcError::NoCard));
    assert!(
        matches!(
            readers.read_uid("No Such Reader 00 00"),
            Err(NfcError::ReaderUnavailable(_))
        ),
        "an unknown reader is unavailable"
    );

    let card = VirtualCard::with_uid(0, &UID_A);
    wait_for_card(&readers, READERS[0], true);
    let uid = readers.read_uid(READERS[0]).expect("the UID is read");
    assert_eq!(uid.as_str(), "04A1B2C3D4E5F6");
    let apdus = card.apdus.lock().expect("the card's log").clone();
    assert_eq!(
        apdus,
        vec![vec![0xFF, 0xCA, 0x00, 0x00, 0x00]],
        "one GET UID, nothing else"
    );
    card.remove();
    wait_for_card(&readers, READERS[0], false);

    for (answer, expected) in [
        (
            vec![0x6A, 0x82],
            NfcError::Refused {
                sw1: 0x6A,
                sw2: 0x82,
            },
        ),
        (vec![0x90], NfcError::ShortAnswer { len: 1 }),
    ] {
        let card = VirtualCard::tap(0, Answers::Always(answer.clone()));
        wait_for_card(&readers, READERS[0], true);
        assert_eq!(
            readers.read_uid(READERS[0]),
            Err(expected),
            "answer {answer:02X?}"
        );
        card.remove();
        wait_for_card(&readers, READERS[0], false);
    }

    // A card that goes while it is read: pcsc answers with no bytes at all.
    let card = VirtualCard::tap(0, Answers::Vanish);
    wait_for_card(&readers, READERS[0], true);
    let read = readers.read_uid(READERS[0]);
    assert!(
        matches!(
            read,
            Err(NfcError::ShortAnswer { len: 0 } | NfcError::CardRemoved)
        ),
        "a card gone mid-read is an error, got {read:?}"
    );
    take_off(card, 0);
}

#[test]
fn nfc_a_tap_gives_the_uid_once_while_the_card_stays_on_the_reader() {
    let _pcscd = Pcscd::ensure();
    let (watcher, mut events) = Events::all();
    events.reader_added(READERS[0]);
    let card = VirtualCard::with_uid(0, &UID_A);
    assert_eq!(events.tap(READERS[0]), "04A1B2C3D4E5F6");
    events.none_for(
        Duration::from_secs(3),
        "a card left on the reader is one tap",
        is_read,
    );
    take_off(card, 0);
    // The same card again, after it left: a new tap.
    let _card = VirtualCard::with_uid(0, &UID_A);
    assert_eq!(events.tap(READERS[0]), "04A1B2C3D4E5F6");
    watcher.stop();
}

#[test]
fn nfc_two_customers_tapping_in_turn_give_two_taps() {
    let _pcscd = Pcscd::ensure();
    let (watcher, mut events) = Events::all();
    events.reader_added(READERS[0]);
    let first = VirtualCard::with_uid(0, &UID_A);
    assert_eq!(events.tap(READERS[0]), "04A1B2C3D4E5F6");
    take_off(first, 0);
    let second = VirtualCard::with_uid(0, &UID_B);
    assert_eq!(events.tap(READERS[0]), "DEADBEEF");
    events.none_for(
        Duration::from_secs(2),
        "two cards are two taps, no more",
        is_read,
    );
    take_off(second, 0);
    // Two customers at once, one on each reader.
    let _a = VirtualCard::with_uid(0, &UID_B);
    let _b = VirtualCard::with_uid(1, &UID_A);
    let mut taps = std::collections::BTreeMap::new();
    while taps.len() < 2 {
        if let NfcEvent::Tap { reader, uid } = events.next("a tap on each reader", is_read) {
            assert!(
                taps.insert(reader, uid.to_string()).is_none(),
                "{:#?}",
                events.seen
            );
        }
    }
    assert_eq!(taps[READERS[0]], "DEADBEEF", "{:#?}", events.seen);
    assert_eq!(taps[READERS[1]], "04A1B2C3D4E5F6", "{:#?}", events.seen);
    watcher.stop();
}

#[test]
fn nfc_a_malformed_answer_is_a_failed_read_and_the_next_tap_works() {
    let _pcscd = Pcscd::ensure();
    let (watcher, mut events) = Events::all();
    events.reader_added(READERS[0]);
    for (answer, code) in [
        (vec![0x6A, 0x82], "nfc_refused"),
        (vec![0x90], "nfc_short_answer"),
        (vec![0x04, 0xA1, 0xB2, 0x90, 0x00], "nfc_bad_uid"),
    ] {
        let card = VirtualCard::tap(0, Answers::Always(answer.clone()));
        let (got, reason) = events.read_failed(READERS[0]);
        assert_eq!(got, code, "answer {answer:02X?}: {reason}");
        events.none_for(
            Duration::from_millis(1500),
            "one failed read per tap",
            is_read,
        );
        take_off(card, 0);
    }
    let _card = VirtualCard::with_uid(0, &UID_B);
    assert_eq!(events.tap(READERS[0]), "DEADBEEF");
    watcher.stop();
}

#[test]
fn nfc_a_card_taken_away_mid_read_is_a_failed_read_and_the_next_tap_works() {
    let _pcscd = Pcscd::ensure();
    let (watcher, mut events) = Events::all();
    events.reader_added(READERS[0]);
    let card = VirtualCard::tap(0, Answers::Vanish);
    let (code, reason) = events.read_failed(READERS[0]);
    assert!(
        [
            "nfc_card_removed",
            "nfc_short_answer",
            "nfc_card_silent",
            "nfc_no_card"
        ]
        .contains(&code.as_str()),
        "{code}: {reason}"
    );
    take_off(card, 0);
    let _card = VirtualCard::with_uid(0, &UID_A);
    assert_eq!(events.tap(READERS[0]), "04A1B2C3D4E5F6");
    watcher.stop();
}

#[test]
fn nfc_pcscd_restarting_is_reported_and_taps_work_again() {
    let mut pcscd = Pcscd::ensure();
    let (watcher, mut events) = Events::all();
    events.reader_added(READERS[0]);
    events.reader_added(READERS[1]);
    pcscd.restart();
    events.next(
        "the reader removed with the service",
        |e| matches!(e, NfcEvent::ReaderRemoved { reader } if reader == READERS[0]),
    );
    events.next("the service lost", |e| {
        matches!(e, NfcEvent::ServiceLost { .. })
    });
    events.next("the service back", |e| matches!(e, NfcEvent::ServiceBack));
    events.reader_added(READERS[0]);
    let _card = VirtualCard::with_uid(0, &UID_A);
    assert_eq!(events.tap(READERS[0]), "04A1B2C3D4E5F6");
    watcher.stop();
}

#[test]
fn nfc_a_watcher_started_without_the_service_waits_for_it() {
    let mut pcscd = Pcscd::ensure();
    pcscd.stop();
    let (watcher, mut events) = Events::all();
    match events.next("the first event", |_| true) {
        NfcEvent::ServiceLost { reason } => {
            assert!(reason.contains("PC/SC service"), "{reason}");
        }
        e => panic!("the service is down: the first event says so, got {e:?}"),
    }
    events.none_for(
        Duration::from_millis(800),
        "one loss reported, not one per retry",
        |e| matches!(e, NfcEvent::ServiceLost { .. }),
    );
    pcscd.restart();
    events.next("the service back", |e| matches!(e, NfcEvent::ServiceBack));
    events.reader_added(READERS[0]);
    let _card = VirtualCard::with_uid(0, &UID_B);
    assert_eq!(events.tap(READERS[0]), "DEADBEEF");
    watcher.stop();
}

#[test]
fn nfc_a_watcher_for_one_reader_ignores_the_others() {
    let _pcscd = Pcscd::ensure();
    let (watcher, mut events) = Events::watch(WatchOptions {
        reader: Some(READERS[1].to_string()),
        ..fast()
    });
    events.reader_added(READERS[1]);
    let other = VirtualCard::with_uid(0, &UID_A);
    events.none_for(
        Duration::from_secs(2),
        "a tap on another reader is not reported",
        |e| is_read(e) || matches!(e, NfcEvent::ReaderAdded { reader } if reader == READERS[0]),
    );
    take_off(other, 0);
    let _card = VirtualCard::with_uid(1, &UID_B);
    assert_eq!(events.tap(READERS[1]), "DEADBEEF");
    assert!(
        !events
            .seen
            .iter()
            .any(|e| matches!(e, NfcEvent::ReaderAdded { reader } if reader == READERS[0])),
        "only the chosen reader is watched: {:#?}",
        events.seen
    );
    watcher.stop();
}

#[test]
fn nfc_stopping_the_watcher_ends_its_wait_at_once() {
    let _pcscd = Pcscd::ensure();
    // A long wait: only the context's cancel() can end it quickly.
    let (watcher, mut events) = Events::watch(WatchOptions {
        wait: Duration::from_secs(60),
        ..fast()
    });
    events.reader_added(READERS[0]);
    std::thread::sleep(Duration::from_millis(300));
    let start = Instant::now();
    watcher.stop();
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "stop() should cancel the wait, took {:?}",
        start.elapsed()
    );
}
