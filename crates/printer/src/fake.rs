//! Test support: a network receipt printer on loopback. It records every byte of every
//! connection and answers real-time status queries (`DLE EOT n`, n = 1–4) as an Epson printer
//! does, in the state the test sets: ready, paper near its end or out, cover open, offline
//! (connections are closed at once) or silent (never answers a status query).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The state the fake printer reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FakeState {
    #[default]
    Ready,
    PaperOut,
    NearEnd,
    CoverOpen,
    /// Connections are closed as soon as they are accepted.
    Offline,
    /// Accepts and records, never answers a status query.
    Silent,
}

/// The answer to `DLE EOT n` in `state` (`None`: no answer).
pub fn status_byte(state: FakeState, n: u8) -> Option<u8> {
    const FIXED: u8 = 0x12;
    let bits = match (state, n) {
        (FakeState::Silent | FakeState::Offline, _) => return None,
        // n = 1, printer status: bit 3 offline.
        (FakeState::PaperOut | FakeState::CoverOpen, 1) => 0x08,
        // n = 2, offline cause: bit 2 cover open, bit 5 stopped for paper end.
        (FakeState::CoverOpen, 2) => 0x04,
        (FakeState::PaperOut, 2) => 0x20,
        // n = 4, roll paper sensor: bits 2-3 near end, bits 5-6 end.
        (FakeState::NearEnd, 4) => 0x0C,
        (FakeState::PaperOut, 4) => 0x6C,
        (_, 1..=4) => 0,
        _ => return None,
    };
    Some(FIXED | bits)
}

/// Ways to drive the fake from outside (the `fake-printer` example binary uses them).
#[derive(Default)]
pub struct Hooks {
    /// Asked before each status query is answered; `None` keeps the state set with
    /// [`FakePrinter::set_state`].
    #[allow(clippy::type_complexity)]
    pub state: Option<Box<dyn Fn() -> Option<FakeState> + Send + Sync>>,
    /// Called with each chunk of bytes as it arrives, in arrival order (under the recorder's
    /// lock, so chunks of concurrent connections never interleave inside a call).
    #[allow(clippy::type_complexity)]
    pub on_bytes: Option<Box<dyn Fn(&[u8]) + Send + Sync>>,
}

#[derive(Default)]
struct Shared {
    state: FakeState,
    jobs: Vec<Vec<u8>>,
}

struct Inner {
    shared: Mutex<Shared>,
    changed: Condvar,
    stop: AtomicBool,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A fake network printer on 127.0.0.1; stops when dropped.
pub struct FakePrinter {
    inner: Arc<Inner>,
    port: u16,
    thread: Option<JoinHandle<()>>,
}

impl FakePrinter {
    /// Starts listening on a free loopback port.
    ///
    /// # Panics
    /// When no loopback port can be bound (test support: the test cannot go on).
    pub fn start() -> FakePrinter {
        FakePrinter::start_with(Hooks::default())
    }

    /// Like [`FakePrinter::start`], with [`Hooks`] to drive it from outside the process.
    ///
    /// # Panics
    /// When no loopback port can be bound.
    pub fn start_with(hooks: Hooks) -> FakePrinter {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().expect("local address").port();
        let inner = Arc::new(Inner {
            shared: Mutex::new(Shared::default()),
            changed: Condvar::new(),
            stop: AtomicBool::new(false),
        });
        let hooks = Arc::new(hooks);
        let thread = {
            let inner = inner.clone();
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if inner.stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    if inner.lock().state == FakeState::Offline {
                        drop(stream);
                        continue;
                    }
                    let inner = inner.clone();
                    let hooks = hooks.clone();
                    std::thread::spawn(move || serve(stream, &inner, &hooks));
                }
            })
        };
        FakePrinter {
            inner,
            port,
            thread: Some(thread),
        }
    }

    /// `tcp://127.0.0.1:PORT`.
    pub fn address(&self) -> String {
        format!("tcp://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Every byte received, all connections in the order they were opened.
    pub fn received(&self) -> Vec<u8> {
        self.inner.lock().jobs.concat()
    }

    /// The bytes of each connection.
    pub fn jobs(&self) -> Vec<Vec<u8>> {
        self.inner.lock().jobs.clone()
    }

    /// Forgets what was received.
    pub fn clear(&self) {
        self.inner.lock().jobs.clear();
    }

    pub fn set_state(&self, state: FakeState) {
        self.inner.lock().state = state;
    }

    /// Waits until at least `n` bytes have been received in all; true if they were in time.
    pub fn wait_for_bytes(&self, n: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut shared = self.inner.lock();
        loop {
            if shared.jobs.iter().map(Vec::len).sum::<usize>() >= n {
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            shared = self
                .inner
                .changed
                .wait_timeout(shared, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }
}

impl Drop for FakePrinter {
    fn drop(&mut self) {
        self.inner.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the stop flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Records one connection and answers its status queries, until the peer closes.
fn serve(mut stream: TcpStream, inner: &Inner, hooks: &Hooks) {
    let job = {
        let mut shared = inner.lock();
        shared.jobs.push(Vec::new());
        shared.jobs.len() - 1
    };
    let mut buf = [0u8; 16 * 1024];
    // The last two bytes seen, to find DLE EOT n across reads.
    let mut tail: Vec<u8> = Vec::new();
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let state = {
            let mut shared = inner.lock();
            shared.jobs[job].extend_from_slice(&buf[..n]);
            if let Some(on_bytes) = &hooks.on_bytes {
                on_bytes(&buf[..n]);
            }
            inner.changed.notify_all();
            shared.state
        };
        let mut answers = Vec::new();
        tail.extend_from_slice(&buf[..n]);
        let mut i = 0;
        while i + 2 < tail.len() {
            if tail[i] == 0x10 && tail[i + 1] == 0x04 {
                let state = hooks.state.as_ref().and_then(|f| f()).unwrap_or(state);
                answers.extend(status_byte(state, tail[i + 2]));
                i += 3;
            } else {
                i += 1;
            }
        }
        tail.drain(..i);
        if !answers.is_empty() && stream.write_all(&answers).is_err() {
            break;
        }
    }
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_answers_carry_the_fixed_bits_and_the_state() {
        assert_eq!(status_byte(FakeState::Ready, 1), Some(0x12));
        assert_eq!(status_byte(FakeState::PaperOut, 1), Some(0x1A));
        assert_eq!(status_byte(FakeState::PaperOut, 4), Some(0x7E));
        assert_eq!(status_byte(FakeState::CoverOpen, 2), Some(0x16));
        assert_eq!(status_byte(FakeState::NearEnd, 4), Some(0x1E));
        assert_eq!(status_byte(FakeState::Silent, 1), None);
    }
}
