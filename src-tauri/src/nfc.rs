//! The till's NFC readers in the desktop: a watcher thread that sends each tap, and readers
//! coming and going, to the window as the `nfc` event. Restarted when a manager picks another
//! reader. Without a PC/SC service the watcher says so once and keeps trying; the till sells on.

use std::sync::{Mutex, PoisonError};
use tauri::{AppHandle, Emitter, Runtime};
use versapos_nfc::{NfcEvent, WatchOptions, Watcher, WatcherHandle};

/// The event the window listens to (`listen("nfc", …)`); its payload is an [`NfcEvent`].
pub const EVENT: &str = "nfc";

/// The running watcher, managed as app state.
#[derive(Default)]
pub struct NfcWatch {
    handle: Mutex<Option<WatcherHandle>>,
}

impl NfcWatch {
    /// (Re)starts watching `reader` (None: every reader), stopping the watcher before it.
    pub fn start<R: Runtime>(&self, app: AppHandle<R>, reader: Option<String>) {
        let mut slot = self.handle.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(old) = slot.take() {
            old.stop();
        }
        let options = WatchOptions {
            reader: reader.clone(),
            ..WatchOptions::default()
        };
        let spawned = Watcher::spawn(options, move |event: NfcEvent| {
            log(&event);
            if let Err(e) = app.emit(EVENT, &event) {
                tracing::warn!(error = %e, "an NFC event could not reach the window");
            }
        });
        match spawned {
            Ok(handle) => {
                tracing::info!(
                    reader = reader.as_deref().unwrap_or("any"),
                    "watching NFC readers"
                );
                *slot = Some(handle);
            }
            Err(e) => tracing::warn!(error = %e, "NFC readers are not watched"),
        }
    }
}

/// Logs what the readers do; never a card's UID (it identifies a customer).
fn log(event: &NfcEvent) {
    match event {
        NfcEvent::Tap { reader, .. } => tracing::info!(%reader, "VIP card tapped"),
        NfcEvent::ReadFailed { reader, reason, .. } => {
            tracing::warn!(%reader, %reason, "a VIP card could not be read")
        }
        NfcEvent::ReaderAdded { reader } => tracing::info!(%reader, "NFC reader plugged in"),
        NfcEvent::ReaderRemoved { reader } => tracing::info!(%reader, "NFC reader unplugged"),
        NfcEvent::ServiceLost { reason } => tracing::warn!(%reason, "NFC reader service lost"),
        NfcEvent::ServiceBack => tracing::info!("NFC reader service back"),
    }
}
