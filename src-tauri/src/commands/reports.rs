//! Manager reports: the same figures as `versapos report` on the same store, read through the
//! same service, and saved as the same CSV.

use crate::commands::catalog::{save_dialog, write_file, SavedFile};
use crate::error::{CommandError, CommandResult};
use crate::state::Desktop;
use serde::Deserialize;
use tauri::{AppHandle, Runtime, State};
use ts_rs::TS;
use versapos_till::{Report, ReportBy, Till, TillError};

/// A report as asked for: business days ("today", "yesterday" or YYYY-MM-DD, inclusive), how
/// to break it down ("day", "hour", "product", "tender" or "staff") and, for products, how many rows.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct ReportQuery {
    pub from: String,
    pub to: String,
    pub by: String,
    pub limit: Option<i64>,
}

fn run(till: &Till, q: &ReportQuery) -> CommandResult<Report> {
    let from = till.parse_day(&q.from, "from")?;
    let to = till.parse_day(&q.to, "to")?;
    let by = ReportBy::parse(&q.by).ok_or_else(|| {
        TillError::invalid(
            "by",
            format!("'{}': expected day, hour, product, tender or staff", q.by),
        )
    })?;
    if q.limit.is_some_and(|l| l < 1) {
        return Err(TillError::invalid("limit", "must be 1 or more").into());
    }
    Ok(till.report(from, to, by, q.limit)?)
}

#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn report(state: State<'_, Desktop>, query: ReportQuery) -> CommandResult<Report> {
    run(&state.register()?.till, &query)
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
    let report = run(&state.register()?.till, &query)?;
    let name = format!("report-{}-{}-by-{}.csv", report.from, report.to, query.by);
    let Some(path) = save_dialog(&app, &name) else {
        return Ok(None);
    };
    let rows = write_file(&path, |out| {
        versapos_till::write_csv(&report, out)
            .map(|n| n as u64)
            .map_err(|e| CommandError::new("io", format!("could not write the report: {e}")))
    })?;
    Ok(Some(SavedFile {
        path: path.display().to_string(),
        rows,
    }))
}
