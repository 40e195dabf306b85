//! Finding products to sell: search as the cashier types, and browsing by category.

use crate::error::CommandResult;
use crate::state::Desktop;
use serde::Serialize;
use tauri::State;
use ts_rs::TS;
use versapos_store::Product;

/// One page of the catalog and how many products there are to page through.
#[derive(Clone, Debug, Serialize, TS)]
pub struct ProductPage {
    pub products: Vec<Product>,
    pub total: i64,
}

#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn find_products(
    state: State<'_, Desktop>,
    text: String,
    limit: u32,
) -> CommandResult<Vec<Product>> {
    let register = state.register()?;
    Ok(register.till.find_products(&text, limit as usize)?)
}

#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn list_products(
    state: State<'_, Desktop>,
    category: Option<String>,
    offset: i64,
    limit: i64,
) -> CommandResult<ProductPage> {
    let register = state.register()?;
    Ok(ProductPage {
        products: register.till.products(category.as_deref(), offset, limit)?,
        total: register.till.product_count_in(category.as_deref())?,
    })
}

#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn categories(state: State<'_, Desktop>) -> CommandResult<Vec<String>> {
    Ok(state.register()?.till.categories()?)
}
