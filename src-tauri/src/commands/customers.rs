//! VIP customers: finding one to link to the sale (by search or a tap of their VIP card),
//! signing up a new one at the till, a customer's card with their points history, and a
//! manager blocking or replacing a lost VIP card; a customer's details corrected, two records of
//! one person merged, a customer's personal data erased.

use crate::error::CommandResult;
use crate::state::Desktop;
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;
use versapos_core::CustomerId;
use versapos_till::{
    parse_card_uid, BlockedCard, CardLookup, Customer, CustomerChange, NewCustomer, PointsEntry,
};

/// How many customers a search shows; the cashier narrows the search rather than scrolls.
const SEARCH_LIMIT: i64 = 50;

/// The sign-up form.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct NewCustomerInput {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The VIP card tapped for them (its UID in hex), linked as they are enrolled.
    #[serde(default)]
    #[ts(optional)]
    pub card_uid: Option<String>,
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
    let card = customer
        .card_uid
        .as_deref()
        .map(|u| parse_card_uid(u, "uid"))
        .transpose()?;
    let mut register = state.register()?;
    let new = NewCustomer {
        name: customer.name,
        email: customer.email,
        phone: customer.phone,
    };
    Ok(register.till.enrol_customer(&new, card.as_ref())?)
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

// A card's UID identifies a customer: kept out of the log lines like their other details.

/// Who a tapped VIP card belongs to: a VIP, a blocked card, or a card never seen.
#[tauri::command(async)]
#[tracing::instrument(skip(state, uid), err)]
pub fn customer_by_card(state: State<'_, Desktop>, uid: String) -> CommandResult<CardLookup> {
    let uid = parse_card_uid(&uid, "uid")?;
    let register = state.register()?;
    Ok(register.till.customer_by_card(&uid)?)
}

/// Gives a customer who has no VIP card yet the card just tapped or typed.
#[tauri::command(async)]
#[tracing::instrument(skip(state, uid), err)]
pub fn link_card(
    state: State<'_, Desktop>,
    customer_id: i64,
    uid: String,
) -> CommandResult<Customer> {
    let uid = parse_card_uid(&uid, "uid")?;
    let mut register = state.register()?;
    Ok(register.till.link_card(CustomerId(customer_id), &uid)?)
}

/// Blocks a lost VIP card (a manager's); the customer keeps their points.
#[tauri::command(async)]
#[tracing::instrument(skip(state, uid, reason), err)]
pub fn block_card(
    state: State<'_, Desktop>,
    uid: String,
    reason: Option<String>,
) -> CommandResult<BlockedCard> {
    let uid = parse_card_uid(&uid, "uid")?;
    let mut register = state.register()?;
    Ok(register.till.block_card(&uid, reason.as_deref())?)
}

/// Blocks the lost card `old` and links `new` to its customer, points and all (a manager's).
#[tauri::command(async)]
#[tracing::instrument(skip(state, old, new), err)]
pub fn replace_card(
    state: State<'_, Desktop>,
    old: String,
    new: String,
) -> CommandResult<Customer> {
    let old = parse_card_uid(&old, "old_uid")?;
    let new = parse_card_uid(&new, "new_uid")?;
    let mut register = state.register()?;
    Ok(register.till.replace_card(&old, &new)?)
}

/// A customer's corrected details: a field left out (null) stays as it is; an empty email or
/// phone takes it off.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct CustomerEdit {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

// Names, emails and phones are personal data: kept out of the log line.
#[tauri::command(async)]
#[tracing::instrument(skip(state, change), err)]
pub fn edit_customer(
    state: State<'_, Desktop>,
    id: i64,
    change: CustomerEdit,
) -> CommandResult<Customer> {
    let change = CustomerChange {
        name: change.name,
        email: change.email,
        phone: change.phone,
    };
    Ok(state
        .register()?
        .till
        .edit_customer(CustomerId(id), &change)?)
}

/// Two records of one person made one (a manager's): `other`'s orders, points and card go to `keep`.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn merge_customers(
    state: State<'_, Desktop>,
    keep: i64,
    other: i64,
) -> CommandResult<Customer> {
    Ok(state
        .register()?
        .till
        .merge_customers(CustomerId(keep), CustomerId(other))?)
}

/// A customer's personal data erased for good (a manager's); orders and points stay.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn erase_customer(state: State<'_, Desktop>, id: i64) -> CommandResult<Customer> {
    Ok(state.register()?.till.erase_customer(CustomerId(id))?)
}
