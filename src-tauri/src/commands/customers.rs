//! VIP customers: finding one to link to the sale, signing up a new one at the till, and a
//! customer's card with their points history.

use crate::error::CommandResult;
use crate::state::Desktop;
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;
use versapos_core::CustomerId;
use versapos_store::{Customer, NewCustomer, PointsEntry};

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

/// A customer's card: their details and points history, newest first.
#[derive(Clone, Debug, Serialize, TS)]
pub struct CustomerDetail {
    pub customer: Customer,
    pub ledger: Vec<PointsEntry>,
}

#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn customer_detail(state: State<'_, Desktop>, id: i64) -> CommandResult<CustomerDetail> {
    let register = state.register()?;
    let mut ledger = register.till.points_ledger(CustomerId(id))?;
    ledger.reverse();
    Ok(CustomerDetail {
        customer: register.till.customer(CustomerId(id))?,
        ledger,
    })
}
