//! Manager reports: the same figures as `versapos report` on the same store, read through the
//! same service, and saved as the same CSV.

use crate::commands::catalog::{save_csv, SavedFile};
use crate::error::{CommandError, CommandResult};
use crate::state::Desktop;
use tauri::{AppHandle, Runtime, State};
use versapos_till::{Fields, Report, ReportQuery};

#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn report(state: State<'_, Desktop>, query: ReportQuery) -> CommandResult<Report> {
    Ok(state.register()?.till.report_for(&query, Fields::Form)?)
}

/// Today's business day on the till (YYYY-MM-DD), for the report screen's date fields.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn business_day(state: State<'_, Desktop>) -> CommandResult<String> {
    Ok(state.register()?.till.today().to_string())
}

/// Saves a report as CSV where the manager chooses (the file `versapos report --csv` prints).
/// Null when the manager cancels.
#[tauri::command(async)]
#[tracing::instrument(skip(app, state), err)]
pub fn save_report_csv<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Desktop>,
    query: ReportQuery,
) -> CommandResult<Option<SavedFile>> {
    let report = state.register()?.till.report_for(&query, Fields::Form)?;
    let name = format!("report-{}-{}-by-{}.csv", report.from, report.to, query.by);
    save_csv(&app, &name, |out| {
        versapos_till::write_csv(&report, out)
            .map(|n| n as u64)
            .map_err(|e| CommandError::new("io", format!("could not write the report: {e}")))
    })
}
