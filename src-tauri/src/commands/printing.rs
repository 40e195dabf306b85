//! The receipt printer and the cash drawer: a receipt as it prints (shown on screen), printing
//! after a sale or refund by the shop's setting, reprints, No sale, and the printer's set-up.
//!
//! The till decides what prints and whether the drawer opens; the printer is then talked to
//! with the register unlocked (a printer that does not answer never holds up the till), and the
//! till is told afterwards so the drawer's opening is counted once.

use crate::commands::payments::blocking;
use crate::error::CommandResult;
use crate::state::Desktop;
use tauri::State;
use versapos_core::SetupCheck;
use versapos_till::printing::{self, Printed, PrinterChoices, Printout};
use versapos_till::receipt::{ReceiptCopy, ReceiptView};
use versapos_till::PrinterSetup;

/// Sends a printout with the register unlocked, then records it.
fn send_and_record(desktop: &Desktop, p: Printout) -> CommandResult<Printed> {
    let printed = printing::send(&p)?;
    desktop.register()?.till.printed(&p)?;
    Ok(printed)
}

/// `reference`: the order's id or receipt number. The receipt as the printer (or the print
/// dialog) shows it.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn receipt(
    state: State<'_, Desktop>,
    reference: String,
    copy: ReceiptCopy,
) -> CommandResult<ReceiptView> {
    Ok(state.register()?.till.receipt(&reference, &copy)?)
}

/// Prints a receipt on the till's printer: the sale's own (opening the drawer for its cash if
/// it has not opened yet: Retry after a printer problem), a reprint, or a refund's.
#[tauri::command]
#[tracing::instrument(skip(app), err)]
pub async fn print_receipt<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    reference: String,
    copy: ReceiptCopy,
) -> CommandResult<Printed> {
    blocking(app, move |desktop| {
        let p = desktop.register()?.till.printout(&reference, &copy)?;
        send_and_record(desktop, p)
    })
    .await
}

/// After a sale: prints its receipt and opens the drawer for cash, as the shop's settings say;
/// None when there is nothing to do (no printer, or a card sale with printing off).
#[tauri::command]
#[tracing::instrument(skip(app), err)]
pub async fn print_after_sale<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    order_id: String,
) -> CommandResult<Option<Printed>> {
    blocking(app, move |desktop| {
        let p = desktop.register()?.till.printout_after_sale(&order_id)?;
        p.map(|p| send_and_record(desktop, p)).transpose()
    })
    .await
}

/// After a refund: its receipt and the drawer for cash given back, as after a sale.
#[tauri::command]
#[tracing::instrument(skip(app), err)]
pub async fn print_after_refund<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    order_id: String,
    refund_id: String,
) -> CommandResult<Option<Printed>> {
    blocking(app, move |desktop| {
        let p = desktop
            .register()?
            .till
            .printout_after_refund(&order_id, &refund_id)?;
        p.map(|p| send_and_record(desktop, p)).transpose()
    })
    .await
}

/// No sale: opens the cash drawer (a manager's permission, or a manager's approval), journaled.
#[tauri::command]
#[tracing::instrument(skip(app), err)]
pub async fn open_drawer<R: tauri::Runtime>(app: tauri::AppHandle<R>) -> CommandResult<Printed> {
    blocking(app, move |desktop| {
        let p = desktop.register()?.till.no_sale_printout()?;
        send_and_record(desktop, p)
    })
    .await
}

/// The papers, code pages and the printers found on this computer (a few seconds at most:
/// the OS is asked with the register unlocked).
#[tauri::command]
#[tracing::instrument(skip(app), err)]
pub async fn printer_choices<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
) -> CommandResult<PrinterChoices> {
    blocking(app, move |desktop| {
        let mut choices = desktop.register()?.till.printer_choices()?;
        choices.found = printing::find_printers();
        Ok(choices)
    })
    .await
}

/// Sets up the till's receipt printer (an admin's).
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn set_printer(
    state: State<'_, Desktop>,
    address: String,
    paper: String,
    code_page: String,
    drawer_pin: String,
) -> CommandResult<PrinterSetup> {
    Ok(state.register()?.till.set_printer(
        &address,
        Some(&paper),
        Some(&code_page),
        Some(&drawer_pin),
    )?)
}

/// Takes the receipt printer off this till (an admin's).
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn remove_printer(state: State<'_, Desktop>) -> CommandResult<()> {
    Ok(state.register()?.till.remove_printer()?)
}

/// Prints a test page on the till's printer.
#[tauri::command]
#[tracing::instrument(skip(app), err)]
pub async fn test_printer<R: tauri::Runtime>(app: tauri::AppHandle<R>) -> CommandResult<()> {
    blocking(app, move |desktop| {
        let p = desktop.register()?.till.test_printout()?;
        printing::send(&p)?;
        Ok(())
    })
    .await
}

/// The printer's state: ready, or what is wrong (out of paper, cover open, offline) in words.
#[tauri::command]
#[tracing::instrument(skip(app), err)]
pub async fn printer_status<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
) -> CommandResult<SetupCheck> {
    blocking(app, move |desktop| {
        let setup = desktop.register()?.till.printer()?;
        Ok(printing::check_printer(setup.as_ref()))
    })
    .await
}

/// Sets the shop's receipt logo from a PNG's bytes (an admin's), or takes it away (null).
#[tauri::command(async)]
#[tracing::instrument(skip(state, png), err)]
pub fn set_receipt_logo(
    state: State<'_, Desktop>,
    png: Option<Vec<u8>>,
) -> CommandResult<versapos_till::Shop> {
    Ok(state
        .register()?
        .till
        .set_receipt_logo(png.as_deref())?
        .clone())
}

/// The shop's receipt logo as a `data:image/png;base64,…` address for the screen; null: none.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn receipt_logo(state: State<'_, Desktop>) -> CommandResult<Option<String>> {
    use base64::Engine;
    let png = state.register()?.till.receipt_logo()?;
    Ok(png.map(|png| {
        format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(png)
        )
    }))
}

/// Prints a Z report on the till's printer exactly as it printed at its close (the newest when
/// `number` is null: the one just closed, anyone who sells; an older one, a manager).
#[tauri::command]
#[tracing::instrument(skip(app), err)]
pub async fn print_z<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    number: Option<i64>,
) -> CommandResult<Printed> {
    blocking(app, move |desktop| {
        let p = desktop.register()?.till.z_printout(number)?;
        send_and_record(desktop, p)
    })
    .await
}
