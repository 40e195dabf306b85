//! Staff at the till: who may sign in, signing in and out (the screen lock), a manager's PIN
//! approving one action, and the staff screen.

use crate::error::CommandResult;
use crate::state::Desktop;
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;
use versapos_core::{Permission, Pin, Role};
use versapos_till::{Actor, Fields, StaffChangeRequest, StaffMember, TillError};

/// What the lock screen needs: whether the till has staff at all, who is signed in, and the
/// names to choose from.
#[derive(Clone, Debug, Serialize, TS)]
pub struct StaffStatus {
    pub has_staff: bool,
    pub signed_in: Option<Actor>,
    pub staff: Vec<StaffName>,
}

/// An active staff member on the lock screen.
#[derive(Clone, Debug, Serialize, TS)]
pub struct StaffName {
    pub name: String,
    pub role: Role,
}

/// A new staff account as typed on the form (and the first admin on a new till).
#[derive(Clone, Debug, Deserialize, TS)]
pub struct NewStaffInput {
    pub name: String,
    pub role: Role,
    pub pin: String,
}

fn pin(text: &str) -> Result<Pin, TillError> {
    Pin::parse(text).map_err(|e| TillError::invalid("pin", e.to_string()))
}

#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn staff_status(state: State<'_, Desktop>) -> CommandResult<StaffStatus> {
    let register = state.register()?;
    let till = &register.till;
    let has_staff = till.has_staff()?;
    Ok(StaffStatus {
        has_staff,
        signed_in: till.signed_in().cloned(),
        staff: till
            .staff_names()?
            .into_iter()
            .map(|(name, role)| StaffName { name, role })
            .collect(),
    })
}

// PINs are secrets: never in the log line.
#[tauri::command(async)]
#[tracing::instrument(skip(state, pin), err)]
pub fn sign_in(state: State<'_, Desktop>, name: String, pin: String) -> CommandResult<Actor> {
    Ok(state.register()?.till.sign_in(&name, &pin)?)
}

/// Locks the till: nobody is signed in; the sale on the register stays as it is.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn sign_out(state: State<'_, Desktop>) -> CommandResult<()> {
    state.register()?.till.sign_out();
    Ok(())
}

/// A manager's PIN approving the one action `permission` for whoever is signed in.
#[tauri::command(async)]
#[tracing::instrument(skip(state, pin), err)]
pub fn approve(
    state: State<'_, Desktop>,
    name: String,
    pin: String,
    permission: Permission,
) -> CommandResult<Actor> {
    Ok(state.register()?.till.approve(&name, &pin, permission)?)
}

#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn staff_list(state: State<'_, Desktop>) -> CommandResult<Vec<StaffMember>> {
    Ok(state.register()?.till.staff()?)
}

/// Adds a staff account; on a till without staff this is the first admin, and it is signed in.
#[tauri::command(async)]
#[tracing::instrument(skip(state, staff), fields(name = %staff.name, role = %staff.role), err)]
pub fn add_staff(state: State<'_, Desktop>, staff: NewStaffInput) -> CommandResult<StaffMember> {
    let mut register = state.register()?;
    let first = !register.till.has_staff()?;
    let member = register
        .till
        .add_staff(&staff.name, staff.role, &pin(&staff.pin)?)?;
    if first {
        register.till.sign_in(&member.name, &staff.pin)?;
    }
    Ok(member)
}

#[tauri::command(async)]
#[tracing::instrument(skip(state, change), fields(kind = change.kind()), err)]
pub fn change_staff(
    state: State<'_, Desktop>,
    name: String,
    change: StaffChangeRequest,
) -> CommandResult<StaffMember> {
    Ok(state
        .register()?
        .till
        .change_staff_as_asked(&name, &change, Fields::Form)?)
}
