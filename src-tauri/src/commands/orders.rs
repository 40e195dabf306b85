//! Past sales: the manager's order list and search, an order as its receipt shows it, refunds
//! and voids.

use crate::error::CommandResult;
use crate::state::Desktop;
use serde::Deserialize;
use tauri::{Manager, State};
use ts_rs::TS;
use versapos_till::{OrderFilter, OrderSummary, OrderView, RefundView};

/// The order list's filters, as typed: every part optional.
#[derive(Clone, Debug, Default, Deserialize, TS)]
pub struct OrderFilterInput {
    /// An order status ("paid", "refunded", …).
    pub status: Option<String>,
    /// Business days: "today", "yesterday" or YYYY-MM-DD.
    pub from: Option<String>,
    pub to: Option<String>,
    /// A receipt number, an order id or part of a customer's name.
    pub text: Option<String>,
}

/// One line to refund: its SKU and how many.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct RefundLineInput {
    pub sku: String,
    pub quantity: i64,
}

/// A refund as asked for: `amount` in major units, or `lines`, or neither for the whole order.
/// `restock` puts refunded lines back in stock.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct RefundInput {
    pub amount: Option<String>,
    pub lines: Vec<RefundLineInput>,
    pub restock: bool,
}

fn blank(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

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
    let register = state.register()?;
    let till = &register.till;
    let status = blank(&filter.status)
        .map(|s| versapos_till::parse_order_status(s, "status"))
        .transpose()?;
    let filter = OrderFilter {
        status,
        from: blank(&filter.from)
            .map(|d| till.parse_day(d, "from"))
            .transpose()?,
        to: blank(&filter.to)
            .map(|d| till.parse_day(d, "to"))
            .transpose()?,
        text: blank(&filter.text).map(str::to_string),
    };
    Ok(till.find_orders(&filter, limit.clamp(1, 1000), offset.max(0))?)
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
    tauri::async_runtime::spawn_blocking(move || {
        let desktop = app.state::<Desktop>();
        let lines: Vec<(String, i64)> = refund
            .lines
            .into_iter()
            .filter(|l| l.quantity != 0)
            .map(|l| (l.sku, l.quantity))
            .collect();
        let request = desktop
            .register()?
            .till
            .refund_request(refund.amount.as_deref(), &lines)?;
        let gateway = desktop.payments.gateway_or_demo();
        Ok(versapos_till::cards::refund_order(
            &*gateway,
            &*desktop,
            &reference,
            &request,
            refund.restock,
        )?)
    })
    .await
    .map_err(|e| {
        crate::error::CommandError::new("internal", format!("the refund task failed: {e}"))
    })?
}

/// Voids a paid order that has not been refunded (a mistake rung up): stock, points and the
/// day's figures are put back.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn void_order(state: State<'_, Desktop>, reference: String) -> CommandResult<OrderView> {
    Ok(state.register()?.till.void(&reference)?)
}
