//! VIP customers: finding one to link to the sale and signing up a new one at the till.

use crate::error::CommandResult;
use crate::state::Desktop;
use serde::Deserialize;
use tauri::State;
use ts_rs::TS;
use versapos_store::{Customer, NewCustomer};

/// How many customers a search shows; the cashier narrows the search rather than scrolls.
const SEARCH_LIMIT: i64 = 50;

/// The sign-up form.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct NewCustomerInput {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

// Searches are names, emails and phone numbers: personal data, kept out of the log line.
#[tauri::command(async)]
#[tracing::instrument(skip(state, search), err)]
pub fn find_customers(
    state: State<'_, Desktop>,
    search: Option<String>,
) -> CommandResult<Vec<Customer>> {
    let register = state.register()?;
    Ok(register.till.customers(search.as_deref(), SEARCH_LIMIT)?)
}

// Contact details are personal data: kept out of the log line.
#[tauri::command(async)]
#[tracing::instrument(skip(state, customer), err)]
pub fn add_customer(
    state: State<'_, Desktop>,
    customer: NewCustomerInput,
) -> CommandResult<Customer> {
    let mut register = state.register()?;
    Ok(register.till.add_customer(&NewCustomer {
        name: customer.name,
        email: customer.email,
        phone: customer.phone,
    })?)
}
