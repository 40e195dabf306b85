//! The catalog: finding products to sell (search as the cashier types, browsing by category)
//! and the manager's catalog screen (add, edit, price, stock, CSV import and export).

use crate::error::{CommandError, CommandResult};
use crate::state::Desktop;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use tauri::ipc::{InvokeBody, JavaScriptChannelId, Request};
use tauri::{AppHandle, Runtime, State, Webview};
use ts_rs::TS;
use versapos_till::{
    Fields, ImportProblem, ImportSummary, NewProductInput, Product, ProductDetails, TillError,
};

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

/// A product's card as edited by a manager (price and stock have their own commands, each
/// journaled on its own).
#[derive(Clone, Debug, Deserialize, TS)]
pub struct ProductDetailsInput {
    pub name: String,
    pub barcode: Option<String>,
    pub category: Option<String>,
    pub tax_rate: String,
    pub reorder_level: Option<i64>,
}

/// What an import did: `problems` empty and the counts, or the problems by line and column and
/// nothing written.
#[derive(Clone, Debug, Serialize, TS)]
pub struct ImportOutcome {
    pub file: String,
    pub added: u64,
    pub updated: u64,
    pub problems: Vec<ImportProblem>,
}

/// How far an import has got, sent to the UI as rows are written.
#[derive(Clone, Debug, Serialize, TS)]
pub struct ImportProgress {
    pub done: u64,
    pub total: u64,
}

/// Where an export was saved.
#[derive(Clone, Debug, Serialize, TS)]
pub struct SavedFile {
    pub path: String,
    pub rows: u64,
}

#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn product(state: State<'_, Desktop>, sku: String) -> CommandResult<Product> {
    Ok(state.register()?.till.product(&sku)?)
}

/// A page of the products at or below their reorder level, lowest stock first, in `category`
/// (null: all).
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn low_stock(
    state: State<'_, Desktop>,
    category: Option<String>,
    offset: i64,
    limit: i64,
) -> CommandResult<ProductPage> {
    let register = state.register()?;
    let category = category.as_deref();
    Ok(ProductPage {
        products: register
            .till
            .low_stock(category, offset.max(0), limit.clamp(1, 1000))?,
        total: register.till.low_stock_count(category)?,
    })
}

#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn add_product(state: State<'_, Desktop>, product: NewProductInput) -> CommandResult<Product> {
    Ok(state
        .register()?
        .till
        .add_product_as_asked(&product, Fields::Form)?)
}

#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn update_product(
    state: State<'_, Desktop>,
    sku: String,
    details: ProductDetailsInput,
) -> CommandResult<Product> {
    let mut register = state.register()?;
    Ok(register.till.update_product(
        &sku,
        &ProductDetails {
            name: details.name,
            barcode: details.barcode,
            category: details.category,
            tax_rate: details.tax_rate,
            reorder_level: details.reorder_level,
        },
    )?)
}

/// `price`: the new price in major units ("2.50").
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn set_price(state: State<'_, Desktop>, sku: String, price: String) -> CommandResult<Product> {
    Ok(state.register()?.till.set_price(&sku, &price)?)
}

/// `stock`: the counted stock (a stock take).
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn set_stock(state: State<'_, Desktop>, sku: String, stock: i64) -> CommandResult<Product> {
    Ok(state.register()?.till.set_stock(&sku, stock)?)
}

/// Imports a catalog CSV sent as the raw request body (the file the manager picked), with its
/// name in the `x-file-name` header and, optionally, a channel for progress in
/// `x-progress-channel`. Checked in full first: any problem and nothing is written.
#[tauri::command(async)]
#[tracing::instrument(skip_all, err)]
pub fn import_products<R: Runtime>(
    state: State<'_, Desktop>,
    webview: Webview<R>,
    request: Request<'_>,
) -> CommandResult<ImportOutcome> {
    let upload = Upload::read(&request, webview)?;
    tracing::info!(file = %upload.file, bytes = upload.bytes.len(), "catalog import");
    let result =
        state
            .register()?
            .till
            .import_products(&upload.file, upload.bytes, &mut upload.progress());
    ImportOutcome::of(upload.file, result)
}

/// A catalog file as the UI sends it: its bytes as the request's body, its name
/// (percent-encoded, so any name survives as a header value) and, optionally, a channel for
/// progress in headers.
struct Upload<'a> {
    file: String,
    bytes: &'a [u8],
    channel: Option<tauri::ipc::Channel<ImportProgress>>,
}

impl<'a> Upload<'a> {
    fn read<R: Runtime>(request: &'a Request<'a>, webview: Webview<R>) -> CommandResult<Self> {
        let InvokeBody::Raw(bytes) = request.body() else {
            return Err(CommandError::new(
                "invalid_input",
                "file: send the file's bytes as the request body",
            ));
        };
        let header = |name: &str| {
            request
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        Ok(Upload {
            file: header("x-file-name")
                .map(|f| percent_decode(&f))
                .unwrap_or_else(|| "catalog.csv".to_string()),
            bytes,
            channel: header("x-progress-channel")
                .and_then(|id| id.parse::<JavaScriptChannelId>().ok())
                .map(|id| id.channel_on::<R, ImportProgress>(webview)),
        })
    }

    /// Sends about a hundred updates per import, and the last one.
    fn progress(&self) -> impl FnMut(u64, u64) + '_ {
        let mut last_sent = 0;
        move |done, total| {
            if let Some(channel) = &self.channel {
                if done == total || done - last_sent >= (total / 100).max(1) {
                    last_sent = done;
                    // A closed window cannot take progress; the import carries on regardless.
                    let _ = channel.send(ImportProgress { done, total });
                }
            }
        }
    }
}

impl ImportOutcome {
    /// An import's problems are its answer, not the command's failure: the screen lists them.
    fn of(file: String, result: Result<ImportSummary, TillError>) -> CommandResult<Self> {
        match result {
            Ok(summary) => Ok(ImportOutcome {
                file,
                added: summary.added,
                updated: summary.updated,
                problems: Vec::new(),
            }),
            Err(TillError::Import { file, problems }) => Ok(ImportOutcome {
                file,
                added: 0,
                updated: 0,
                problems,
            }),
            Err(e) => Err(e.into()),
        }
    }
}

/// Saves the whole catalog as CSV where the manager chooses (the OS save dialog); the file
/// imports back as it is. Null when the manager cancels.
#[tauri::command(async)]
#[tracing::instrument(skip_all, err)]
pub fn export_products<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Desktop>,
) -> CommandResult<Option<SavedFile>> {
    let name = {
        let register = state.register()?;
        // Before the dialog: someone who may not export never gets to choose a file.
        register.till.may_export_catalog()?;
        format!("catalog-{}.csv", register.till.today())
    };
    save_csv(&app, &name, |out| {
        Ok(state.register()?.till.export_products(out)?)
    })
}

/// Saves a catalog file to fill in (the import's columns, two example products) where the
/// manager chooses. Null when the manager cancels.
#[tauri::command(async)]
#[tracing::instrument(skip_all, err)]
pub fn save_products_template<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Desktop>,
) -> CommandResult<Option<SavedFile>> {
    // Before the dialog: someone who may not edit the catalog never gets to choose a file.
    state.register()?.till.may_export_catalog()?;
    save_csv(&app, "products-template.csv", |out| {
        Ok(state.register()?.till.products_template(out)?)
    })
}

/// Saves a CSV file where the manager chooses, through a temp file next to it; None when the
/// manager cancels.
pub(crate) fn save_csv<R: Runtime>(
    app: &AppHandle<R>,
    name: &str,
    write: impl FnOnce(&mut dyn std::io::Write) -> CommandResult<u64>,
) -> CommandResult<Option<SavedFile>> {
    let Some(path) = save_dialog(app, name) else {
        return Ok(None);
    };
    let rows = write_file(&path, write)?;
    tracing::info!(path = %path.display(), rows, "saved");
    Ok(Some(SavedFile {
        path: path.display().to_string(),
        rows,
    }))
}

/// Asks where to save a CSV file; None when the manager cancels.
fn save_dialog<R: Runtime>(app: &AppHandle<R>, name: &str) -> Option<PathBuf> {
    use tauri_plugin_dialog::DialogExt;
    // The mock runtime has no window to show a dialog in: the tests answer it themselves.
    #[cfg(test)]
    if let Some(answer) = tauri::Manager::try_state::<super::tests::SaveDialogAnswer>(app) {
        return Some(answer.answer(name));
    }
    app.dialog()
        .file()
        .set_file_name(name)
        .add_filter("CSV", &["csv"])
        .blocking_save_file()
        .and_then(|p| p.into_path().ok())
}

/// Writes a file through a temp file next to it, so a failure never leaves half a file.
fn write_file(
    path: &Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> CommandResult<u64>,
) -> CommandResult<u64> {
    let io = |e: std::io::Error| {
        CommandError::new("io", format!("could not write {}: {e}", path.display()))
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    let rows = {
        let mut out = std::io::BufWriter::new(tmp.as_file_mut());
        let rows = write(&mut out)?;
        std::io::Write::flush(&mut out).map_err(io)?;
        rows
    };
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(rows)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                let (h, l) = (hex(h).unwrap_or(0), hex(l).unwrap_or(0));
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
