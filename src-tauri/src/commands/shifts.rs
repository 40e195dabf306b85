//! Shifts and cash-up: open with a counted float, pay in and out, drop to the safe, the X
//! report, the close with the drawer counted (blind) and its Z, and the back office's list.

use crate::error::CommandResult;
use crate::state::Desktop;
use tauri::State;
use versapos_core::denomination::Denomination;
use versapos_core::shift::{CountLine, ShiftTotals};
use versapos_till::shifts::{ShiftSummary, ShiftView, ZReport};

/// The shop's notes and coins, largest first (none: its currency is counted as a plain total).
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn denominations(state: State<'_, Desktop>) -> CommandResult<Vec<Denomination>> {
    Ok(state.register()?.till.denominations()?)
}

/// The shift open at this till, if one is.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn current_shift(state: State<'_, Desktop>) -> CommandResult<Option<ShiftView>> {
    Ok(state.register()?.till.shift()?)
}

/// Opens a shift with its float counted (denomination in minor units, how many).
#[tauri::command(async)]
#[tracing::instrument(skip(state, count), err)]
pub fn open_shift(state: State<'_, Desktop>, count: Vec<CountLine>) -> CommandResult<ShiftView> {
    let mut register = state.register()?;
    let count = register.till.count_from_lines(&count)?;
    Ok(register.till.open_shift(&count)?)
}

/// Cash paid in, with a reason (a manager's).
#[tauri::command(async)]
#[tracing::instrument(skip(state, reason), err)]
pub fn pay_in(
    state: State<'_, Desktop>,
    amount: String,
    reason: String,
) -> CommandResult<ShiftView> {
    Ok(state.register()?.till.pay_in(&amount, &reason)?)
}

/// Cash paid out, with a reason (a manager's); never more than the drawer holds.
#[tauri::command(async)]
#[tracing::instrument(skip(state, reason), err)]
pub fn pay_out(
    state: State<'_, Desktop>,
    amount: String,
    reason: String,
) -> CommandResult<ShiftView> {
    Ok(state.register()?.till.pay_out(&amount, &reason)?)
}

/// Cash taken from the drawer to the safe.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn drop_to_safe(state: State<'_, Desktop>, amount: String) -> CommandResult<ShiftView> {
    Ok(state.register()?.till.drop_to_safe(&amount)?)
}

/// The X report: what is in no Z yet, with the open shift's cash (a manager's).
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn x_report(state: State<'_, Desktop>) -> CommandResult<ShiftTotals> {
    Ok(state.register()?.till.x_report()?)
}

/// Closes the open shift with the drawer counted; answers its Z.
#[tauri::command(async)]
#[tracing::instrument(skip(state, count, note), err)]
pub fn close_shift(
    state: State<'_, Desktop>,
    count: Vec<CountLine>,
    float_left: String,
    note: Option<String>,
) -> CommandResult<ZReport> {
    let mut register = state.register()?;
    let count = register.till.count_from_lines(&count)?;
    Ok(register
        .till
        .close_shift(&count, &float_left, note.as_deref())?)
}

/// A Z report as printed (the newest when `number` is null).
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn z_report(state: State<'_, Desktop>, number: Option<i64>) -> CommandResult<ZReport> {
    Ok(state.register()?.till.z_report(number)?)
}

/// Shifts at this till, newest first (a manager's).
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn shifts_list(
    state: State<'_, Desktop>,
    limit: i64,
    offset: i64,
) -> CommandResult<Vec<ShiftSummary>> {
    Ok(state.register()?.till.shifts(limit, offset)?)
}

/// One shift with its cash movements (a manager's).
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn shift_detail(state: State<'_, Desktop>, id: i64) -> CommandResult<ShiftView> {
    Ok(state.register()?.till.shift_detail(id)?)
}

/// The cash expected, for the close screen: null while the shop counts blind (the default).
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn expected_for_close(state: State<'_, Desktop>) -> CommandResult<Option<i64>> {
    Ok(state.register()?.till.expected_for_close()?)
}
