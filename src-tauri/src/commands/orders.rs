//! Past sales: an order as its receipt shows it.

use crate::error::CommandResult;
use crate::state::Desktop;
use tauri::State;
use versapos_store::OrderView;

/// `reference`: the order's id or its receipt number.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn order(state: State<'_, Desktop>, reference: String) -> CommandResult<OrderView> {
    Ok(state.register()?.till.order(&reference)?)
}
