//! First run and the shop's settings: is this till set up, the demo shop, and setting up a shop.

use crate::error::CommandResult;
use crate::state::Desktop;
use serde::Serialize;
use tauri::State;
use ts_rs::TS;
use versapos_till::{Fields, Shop, ShopSetupInput, TaxRateInput};

/// Whether the till is ready to sell, and where its store lives (shown on the first-run screen).
#[derive(Clone, Debug, Serialize, TS)]
pub struct AppStatus {
    pub set_up: bool,
    pub shop: Option<Shop>,
    pub store_path: String,
}

#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn app_status(state: State<'_, Desktop>) -> CommandResult<AppStatus> {
    let register = state.register()?;
    Ok(AppStatus {
        set_up: register.till.is_set_up(),
        shop: register.till.shop().ok().cloned(),
        store_path: state.store_path.display().to_string(),
    })
}

#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn start_demo(state: State<'_, Desktop>) -> CommandResult<Shop> {
    let mut register = state.register()?;
    register.till.create_demo()?;
    // The demo opens signed in as its admin, so every screen can be tried at once.
    if let Some((name, _, pin)) = versapos_till::DEMO_STAFF
        .iter()
        .find(|(_, role, _)| *role == versapos_core::Role::Admin)
    {
        register.till.sign_in(name, pin)?;
    }
    register.sale.clear();
    Ok(register.till.shop()?.clone())
}

#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn set_up_shop(state: State<'_, Desktop>, setup: ShopSetupInput) -> CommandResult<Shop> {
    let mut register = state.register()?;
    let shop = register
        .till
        .set_up_shop_as_asked(&setup, Fields::Form)?
        .clone();
    // Only once the shop is set up: a refused set-up leaves the sale on the register as it was.
    register.sale.clear();
    Ok(shop)
}

/// Changes one of the shop's settings by its name, as `versapos settings set` does:
/// shop-name, tax-mode, cash-rounding, loyalty-earn, loyalty-redeem, low-stock-level,
/// default-tax-rate. Returns the shop as it now is.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn change_setting(
    state: State<'_, Desktop>,
    key: String,
    value: String,
) -> CommandResult<Shop> {
    Ok(state.register()?.till.set_setting(&key, &value)?.clone())
}

/// Adds a tax rate or changes its percentage ("20", "5.5"); prices keep their rate's name.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn set_tax_rate(state: State<'_, Desktop>, rate: TaxRateInput) -> CommandResult<Shop> {
    Ok(state
        .register()?
        .till
        .change_tax_rate_as_asked(&rate, Fields::Form)?
        .clone())
}
