//! VIP card readers: which NFC readers this till sees, which one it listens to, and the reader
//! service's health for "Check setup".

use crate::error::{CommandError, CommandResult};
use crate::nfc::NfcWatch;
use crate::state::Desktop;
use tauri::{AppHandle, Manager, Runtime};
use versapos_nfc::{CardReaders, NfcError, NfcReader, PcscReaders};
use versapos_till::Shop;

fn reader_error(e: NfcError) -> CommandError {
    CommandError::new(e.code(), e.to_string())
}

/// The NFC readers plugged in now, and whether a card is on each.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn nfc_readers(state: tauri::State<'_, Desktop>) -> CommandResult<Vec<NfcReader>> {
    state.register()?.till.may_read_vip_cards()?;
    PcscReaders::connect()
        .and_then(|r| r.readers())
        .map_err(reader_error)
}

/// The reader service and the readers, as "Check setup" lists them.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn nfc_checks(
    state: tauri::State<'_, Desktop>,
) -> CommandResult<Vec<versapos_core::SetupCheck>> {
    state.register()?.till.may_read_vip_cards()?;
    Ok(versapos_nfc::doctor::checks())
}

/// Listens to `reader` only (None: any reader): kept in the shop's settings, the watcher
/// restarted on it.
#[tauri::command(async)]
#[tracing::instrument(skip(app), err)]
pub fn choose_nfc_reader<R: Runtime>(
    app: AppHandle<R>,
    reader: Option<String>,
) -> CommandResult<Shop> {
    let shop = {
        let desktop = app.state::<Desktop>();
        let mut register = desktop.register()?;
        let value = reader.as_deref().unwrap_or("any");
        register.till.set_setting("nfc-reader", value)?.clone()
    };
    if let Some(watch) = app.try_state::<NfcWatch>() {
        watch.start(app.clone(), shop.nfc_reader.clone());
    }
    Ok(shop)
}
