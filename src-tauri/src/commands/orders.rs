//! Past sales: the manager's order list and search, an order as its receipt shows it, refunds
//! and voids.

use crate::commands::payments::blocking;
use crate::error::CommandResult;
use crate::state::Desktop;
use tauri::State;
use versapos_till::cards;
use versapos_till::{Fields, OrderFilterInput, OrderSummary, OrderView, RefundInput, RefundView};

/// `reference`: the order's id or its receipt number.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn order(state: State<'_, Desktop>, reference: String) -> CommandResult<OrderView> {
    Ok(state.register()?.till.order(&reference)?)
}

// The search may be a customer's name: kept out of the log line.
#[tauri::command(async)]
#[tracing::instrument(skip(state, filter), err)]
pub fn find_orders(
    state: State<'_, Desktop>,
    filter: OrderFilterInput,
    offset: i64,
    limit: i64,
) -> CommandResult<Vec<OrderSummary>> {
    Ok(state
        .register()?
        .till
        .find_orders_as_asked(&filter, limit, offset, Fields::Form)?)
}

/// Refunds (part of) an order to its original tenders; a card's part goes back through Stripe
/// (so this runs off the async runtime, like every command that may talk to Stripe).
#[tauri::command]
#[tracing::instrument(skip(app), err)]
pub async fn refund_order<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    reference: String,
    refund: RefundInput,
) -> CommandResult<RefundView> {
    blocking(app, move |desktop| {
        let connect = || Ok(desktop.payments.gateway_or_demo());
        Ok(cards::refund_as_asked(
            &connect,
            desktop,
            &reference,
            &refund,
            Fields::Form,
        )?)
    })
    .await
}

/// What a refund as asked would pay back, to which tender, and the points it takes back,
/// without making it: the refund dialog shows it before the manager confirms.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn refund_preview(
    state: State<'_, Desktop>,
    reference: String,
    refund: RefundInput,
) -> CommandResult<RefundView> {
    let till = &mut state.register()?.till;
    let request = till.refund_request(&refund, Fields::Form)?;
    Ok(till.refund_preview(&reference, &request, refund.restock)?)
}

/// Voids a paid order that has not been refunded (a mistake rung up): stock, points and the
/// day's figures are put back.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn void_order(state: State<'_, Desktop>, reference: String) -> CommandResult<OrderView> {
    Ok(state.register()?.till.void(&reference)?)
}
