//! Updates in the back office: where things stand, checking now, and installing the waiting
//! update now (a manager's choice; never during a sale).

use crate::error::CommandResult;
use crate::state::Desktop;
use crate::updates::{UpdateStatus, Updates};
use tauri::{AppHandle, Runtime, State};

#[tauri::command(async)]
#[tracing::instrument(skip(updates), err)]
pub fn update_status(updates: State<'_, Updates>) -> CommandResult<UpdateStatus> {
    Ok(updates.status())
}

/// Asks the release server now; a newer version is downloaded and verified, ready to install.
#[tauri::command]
#[tracing::instrument(skip(app, state, updates), err)]
pub async fn check_for_updates<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Desktop>,
    updates: State<'_, Updates>,
) -> CommandResult<UpdateStatus> {
    let url = {
        let register = state.register()?;
        register.till.may_update_the_app()?;
        register.till.shop()?.update_url.clone()
    };
    updates.check(&app, url.as_deref()).await
}

/// Installs the waiting update and restarts the till; refused while a sale is on the register.
#[tauri::command(async)]
#[tracing::instrument(skip(app, state, updates), err)]
pub fn install_update<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Desktop>,
    updates: State<'_, Updates>,
) -> CommandResult<Option<String>> {
    let url = {
        let register = state.register()?;
        register.till.may_update_the_app()?;
        register.till.shop()?.update_url.clone()
    };
    let installed = updates.install_ready(&app, &state, url.as_deref())?;
    if installed.is_some() {
        restart_soon(app);
    }
    Ok(installed)
}

/// Restarts the app once the command's answer has reached the window.
pub fn restart_soon<R: Runtime>(app: AppHandle<R>) {
    let spawned = std::thread::Builder::new()
        .name("update-restart".into())
        .spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(500));
            app.restart();
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "cannot restart after the update; restart the till by hand");
    }
}
