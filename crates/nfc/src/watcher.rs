//! Waits for taps on the till's NFC readers on a thread of its own and reports what happens as
//! [`NfcEvent`]s: a card tapped (its UID), a read that failed, readers plugged in and out, the
//! PC/SC service lost and back.
//!
//! One tap per presence: a card left on the reader is reported once, and the reader must report
//! EMPTY before the next tap counts. The thread never spins: it blocks in `get_status_change`
//! (with a timeout, so a reader plugged in on a system without plug-and-play notices is still
//! seen) and is woken by the context's `cancel()` when stopped. When the service goes away (pcscd
//! restarted, the Smart Card service stopped), it says so and reconnects with back-off.

use std::collections::HashMap;
use std::ffi::CString;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use pcsc::{Context, ReaderState, Scope, State, PNP_NOTIFICATION};
use serde::Serialize;
use ts_rs::TS;
use versapos_core::CardUid;

use crate::readers::{c_name, read_uid, reader_names, text};
use crate::NfcError;

/// What the watcher saw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NfcEvent {
    /// A card was tapped on `reader` and its UID read.
    Tap {
        reader: String,
        #[ts(type = "string")]
        uid: CardUid,
    },
    /// A card was on `reader` but its UID could not be read; the next tap is tried afresh.
    ReadFailed {
        reader: String,
        /// Stable, for the UI: see [`NfcError::code`].
        code: String,
        reason: String,
    },
    /// A reader was plugged in (or was there when the watcher started).
    ReaderAdded { reader: String },
    /// A reader was unplugged (or went with the service).
    ReaderRemoved { reader: String },
    /// The PC/SC service is not running (or stopped); the watcher keeps trying to reach it.
    ServiceLost { reason: String },
    /// The PC/SC service can be reached again.
    ServiceBack,
}

/// How the watcher watches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WatchOptions {
    /// Only this reader (its exact name); None: every reader.
    pub reader: Option<String>,
    /// The longest one wait for a change lasts before the watcher lists the readers again.
    pub wait: Duration,
    /// The first pause before trying the lost service again; it doubles up to `retry_max`.
    pub retry_first: Duration,
    /// The longest pause between two tries to reach the lost service.
    pub retry_max: Duration,
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions {
            reader: None,
            wait: Duration::from_secs(2),
            retry_first: Duration::from_millis(250),
            retry_max: Duration::from_secs(5),
        }
    }
}

/// Starts watching.
pub struct Watcher;

impl Watcher {
    /// Watches on a new thread and calls `on_event` (on that thread) for each event, until
    /// [`WatcherHandle::stop`] or the handle is dropped. A service that is not running is not an
    /// error here: the first event says so and the watcher waits for it.
    pub fn spawn<F>(options: WatchOptions, on_event: F) -> Result<WatcherHandle, NfcError>
    where
        F: FnMut(NfcEvent) + Send + 'static,
    {
        let shared = Arc::new(Shared::default());
        let inner = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("nfc-watcher".to_string())
            .spawn(move || watch(&inner, &options, on_event))
            .map_err(|e| NfcError::Internal(format!("cannot start the NFC watcher: {e}")))?;
        Ok(WatcherHandle {
            shared,
            thread: Some(thread),
        })
    }
}

/// The running watcher; stopping it (or dropping this) ends its thread.
pub struct WatcherHandle {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl WatcherHandle {
    /// Stops the watcher and waits for its thread to end (at most about two seconds).
    pub fn stop(mut self) {
        self.halt();
    }

    /// The watcher's thread has ended (stopped, or its callback panicked).
    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(|t| t.is_finished())
    }

    fn halt(&mut self) {
        let Some(thread) = self.thread.take() else {
            return;
        };
        {
            let mut stopped = self
                .shared
                .stopped
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            *stopped = true;
        }
        self.shared.wake.notify_all();
        // The thread may be just about to block: cancel until it has noticed.
        for _ in 0..100 {
            if thread.is_finished() {
                let _ = thread.join();
                return;
            }
            if let Some(context) = self.shared.current() {
                let _ = context.cancel();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        // Still inside a read that cancel() cannot end (a reader that never answers): leave the
        // thread to end by itself rather than hang the till; it stops at its next look.
        drop(thread);
    }
}

impl Drop for WatcherHandle {
    fn drop(&mut self) {
        self.halt();
    }
}

impl std::fmt::Debug for WatcherHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WatcherHandle")
            .field("finished", &self.is_finished())
            .finish()
    }
}

/// What the handle and the watcher's thread share.
#[derive(Default)]
struct Shared {
    stopped: Mutex<bool>,
    wake: Condvar,
    /// The context the thread blocks in, for `cancel()`.
    context: Mutex<Option<Context>>,
}

impl Shared {
    fn is_stopped(&self) -> bool {
        *self.stopped.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sleeps for `d` unless stopped first; true when stopped.
    fn pause(&self, d: Duration) -> bool {
        let stopped = self.stopped.lock().unwrap_or_else(PoisonError::into_inner);
        let (stopped, _) = self
            .wake
            .wait_timeout_while(stopped, d, |s| !*s)
            .unwrap_or_else(PoisonError::into_inner);
        *stopped
    }

    fn current(&self) -> Option<Context> {
        self.context
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn set_current(&self, context: Option<Context>) {
        *self.context.lock().unwrap_or_else(PoisonError::into_inner) = context;
    }
}

/// Why a session with the service ended.
enum End {
    Stopped,
    Lost(String),
}

/// The watcher's thread: sessions with the service, reconnecting with back-off between them.
fn watch<F: FnMut(NfcEvent)>(shared: &Shared, options: &WatchOptions, mut emit: F) {
    let mut delay = options.retry_first;
    // A loss was reported and the service has not been seen back since: one event per outage.
    let mut lost = false;
    while !shared.is_stopped() {
        let end = match Context::establish(Scope::User) {
            Ok(context) => {
                shared.set_current(Some(context.clone()));
                let mut session = Session {
                    context: &context,
                    options,
                    states: Vec::new(),
                    taps: HashMap::new(),
                    up: false,
                };
                let end = session.run(shared, &mut emit, &mut lost);
                shared.set_current(None);
                for reader in session.reader_names() {
                    emit(NfcEvent::ReaderRemoved { reader });
                }
                if session.up {
                    delay = options.retry_first;
                }
                end
            }
            Err(e) => End::Lost(NfcError::from_pcsc(e, None).to_string()),
        };
        match end {
            End::Stopped => break,
            End::Lost(reason) => {
                if !lost {
                    emit(NfcEvent::ServiceLost { reason });
                    lost = true;
                }
                if shared.pause(delay) {
                    break;
                }
                delay = (delay * 2).min(options.retry_max);
            }
        }
    }
}

/// Where a reader is in its tap cycle.
#[derive(Clone, Copy, Debug, Default)]
struct TapState {
    /// A card was reported (tapped or failed) and has not left the reader yet.
    awaiting_empty: bool,
    /// The reader's card event count when it was reported (insertions and removals, where the
    /// platform counts them): a different count while still PRESENT means another card came.
    count: u32,
}

/// One connection to the service: the readers it lists and their tap cycles.
struct Session<'a> {
    context: &'a Context,
    options: &'a WatchOptions,
    /// The plug-and-play notice first, then one state per watched reader.
    states: Vec<ReaderState>,
    taps: HashMap<String, TapState>,
    /// The service answered: it listed its readers.
    up: bool,
}

impl Session<'_> {
    fn reader_names(&self) -> Vec<String> {
        self.states.iter().skip(1).map(|s| text(s.name())).collect()
    }

    /// Watches until stopped or the service is lost; `lost` says a loss was reported, and is
    /// cleared once the service is seen back.
    fn run<F: FnMut(NfcEvent)>(&mut self, shared: &Shared, emit: &mut F, lost: &mut bool) -> End {
        self.states = vec![ReaderState::new(PNP_NOTIFICATION(), State::UNAWARE)];
        // Listing the readers proves the service answers, before saying it is back.
        if let Err(e) = self.refresh(&mut |_| {}) {
            return End::Lost(e.to_string());
        }
        self.up = true;
        if std::mem::take(lost) {
            emit(NfcEvent::ServiceBack);
        }
        for reader in self.reader_names() {
            emit(NfcEvent::ReaderAdded { reader });
        }
        loop {
            if shared.is_stopped() {
                return End::Stopped;
            }
            for s in &mut self.states {
                s.sync_current_state();
            }
            let mut relist = false;
            match self
                .context
                .get_status_change(self.options.wait, &mut self.states)
            {
                Ok(()) => {}
                // Nothing happened: list the readers anyway, for systems without PnP notices.
                Err(pcsc::Error::Timeout) => relist = true,
                Err(pcsc::Error::Cancelled) => continue,
                // A reader went between listing and waiting.
                Err(pcsc::Error::UnknownReader) => relist = true,
                Err(e) => return End::Lost(NfcError::from_pcsc(e, None).to_string()),
            }
            if !relist {
                match self.cards(emit) {
                    Ok(r) => relist = r,
                    Err(e) => return End::Lost(e.to_string()),
                }
            }
            if relist || self.states[0].event_state().contains(State::CHANGED) {
                if let Err(e) = self.refresh(emit) {
                    return End::Lost(e.to_string());
                }
            }
        }
    }

    /// Reads the cards that arrived; true when a reader went away and the list must be read
    /// again. Fails only when the service is lost.
    fn cards<F: FnMut(NfcEvent)>(&mut self, emit: &mut F) -> Result<bool, NfcError> {
        let mut relist = false;
        for s in self.states.iter().skip(1) {
            let state = s.event_state();
            if state.intersects(State::UNKNOWN | State::UNAVAILABLE | State::IGNORE) {
                relist = true;
                continue;
            }
            let reader = text(s.name());
            let tap = self.taps.entry(reader.clone()).or_default();
            if state.contains(State::EMPTY) {
                tap.awaiting_empty = false;
                continue;
            }
            if !state.contains(State::PRESENT) {
                continue;
            }
            let count = s.event_count();
            let another_card = count != 0 && count != tap.count;
            if tap.awaiting_empty && !another_card {
                continue;
            }
            tap.awaiting_empty = true;
            tap.count = count;
            let read = if state.contains(State::MUTE) {
                Err(NfcError::CardSilent)
            } else {
                read_uid(self.context, &reader)
            };
            // A connection error in the middle of a read may be the reader's alone: the service
            // is lost only if it cannot list its readers either.
            let read = match read {
                Err(e) if e.is_service_lost() => match reader_names(self.context) {
                    Ok(_) => Err(NfcError::ReaderUnavailable(reader.clone())),
                    Err(_) => return Err(e),
                },
                read => read,
            };
            match read {
                Ok(uid) => emit(NfcEvent::Tap { reader, uid }),
                Err(e) => {
                    if matches!(e, NfcError::ReaderUnavailable(_)) {
                        relist = true;
                    }
                    emit(NfcEvent::ReadFailed {
                        reader,
                        code: e.code().to_string(),
                        reason: e.to_string(),
                    });
                }
            }
        }
        Ok(relist)
    }

    /// Lists the readers and reports the ones plugged in and out since the last time.
    fn refresh<F: FnMut(NfcEvent)>(&mut self, emit: &mut F) -> Result<(), NfcError> {
        let mut names = reader_names(self.context)?;
        if let Some(only) = &self.options.reader {
            names.retain(|n| n == only);
        }
        let mut kept = Vec::with_capacity(names.len() + 1);
        for (i, s) in std::mem::take(&mut self.states).into_iter().enumerate() {
            let name = text(s.name());
            if i == 0 || names.contains(&name) {
                kept.push(s);
            } else {
                self.taps.remove(&name);
                emit(NfcEvent::ReaderRemoved { reader: name });
            }
        }
        self.states = kept;
        for name in names {
            if self.states.iter().skip(1).any(|s| text(s.name()) == name) {
                continue;
            }
            let c: CString = c_name(&name)?;
            self.states.push(ReaderState::new(c, State::UNAWARE));
            emit(NfcEvent::ReaderAdded { reader: name });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_serialize_with_their_kind() {
        let uid = CardUid::parse("04A1B2C3").expect("a UID");
        let tap = NfcEvent::Tap {
            reader: "ACS ACR122U 00 00".to_string(),
            uid,
        };
        let json = serde_json::to_value(&tap).expect("serializes");
        assert_eq!(
            json,
            serde_json::json!({"kind": "tap", "reader": "ACS ACR122U 00 00", "uid": "04A1B2C3"})
        );
        let back = serde_json::to_value(NfcEvent::ServiceBack).expect("serializes");
        assert_eq!(back, serde_json::json!({"kind": "service_back"}));
    }

    #[test]
    fn the_event_type_for_the_ui_is_a_union_tagged_by_kind() {
        let ts = NfcEvent::decl(&ts_rs::Config::default());
        assert!(ts.contains("\"kind\": \"tap\""), "{ts}");
        assert!(ts.contains("uid: string"), "{ts}");
    }
}
