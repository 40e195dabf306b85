//! VersaTalent POS desktop shell: opens the till's store in the app's data folder, sets up
//! logging, and exposes the till's services to the UI as IPC commands. No business logic lives
//! here; it is all in `versapos_till::Till`, shared with the `versapos` CLI.

pub mod bindings;
#[cfg(test)]
mod command_types;
pub mod commands;
pub mod error;
pub mod nfc;
pub mod payments;
pub mod state;
pub mod updates;

use state::Desktop;
use std::path::Path;
use tauri::{Manager, Runtime};
use tracing_appender::non_blocking::WorkerGuard;
use versapos_till::Till;

/// The store's file name inside the app's data folder. The CLI's default store is the same
/// file, so `versapos` administers the till the desktop app sells on.
pub const STORE_FILE: &str = "store.db";

/// Registers every command on a builder; shared by the app and the tests' mock app.
pub fn with_commands<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    use commands::{
        catalog, customers, nfc, orders, payments, printing, register, reports, shifts, shop,
        staff, updates,
    };
    builder.invoke_handler(tauri::generate_handler![
        shop::app_status,
        shop::start_demo,
        shop::set_up_shop,
        shop::change_setting,
        shop::set_tax_rate,
        catalog::find_products,
        catalog::list_products,
        catalog::categories,
        catalog::product,
        catalog::low_stock,
        catalog::add_product,
        catalog::update_product,
        catalog::set_price,
        catalog::set_stock,
        catalog::import_products,
        catalog::export_products,
        catalog::save_products_template,
        register::current_cart,
        register::cart_add,
        register::cart_set_quantity,
        register::cart_remove,
        register::cart_line_discount,
        register::cart_line_price,
        register::cart_order_discount,
        register::cart_link_customer,
        register::cart_void,
        register::cart_park,
        register::parked_carts,
        register::resume_parked,
        register::checkout,
        customers::find_customers,
        customers::add_customer,
        customers::customer_detail,
        customers::customer_by_card,
        customers::link_card,
        customers::block_card,
        customers::replace_card,
        customers::edit_customer,
        customers::merge_customers,
        customers::erase_customer,
        orders::order,
        orders::find_orders,
        orders::refund_order,
        orders::refund_preview,
        orders::void_order,
        reports::report,
        reports::business_day,
        reports::save_report_csv,
        staff::staff_status,
        staff::sign_in,
        staff::sign_out,
        staff::approve,
        staff::staff_list,
        staff::add_staff,
        staff::change_staff,
        payments::sync_status,
        payments::events_needing_attention,
        payments::retry_event,
        payments::dismiss_event,
        payments::changes_at_stripe,
        payments::payments_status,
        payments::card_checkout,
        payments::retry_card_payment,
        payments::cancel_card_payment,
        payments::abandon_card_payment,
        payments::present_test_card,
        payments::readers_list,
        payments::locations_list,
        payments::register_reader,
        payments::choose_reader,
        payments::check_setup,
        payments::payments_in_doubt,
        payments::reconcile_payments,
        nfc::nfc_readers,
        nfc::nfc_checks,
        nfc::choose_nfc_reader,
        updates::update_status,
        updates::check_for_updates,
        updates::install_update,
        printing::receipt,
        printing::print_receipt,
        printing::print_after_sale,
        printing::print_after_refund,
        printing::open_drawer,
        printing::printer_choices,
        printing::set_printer,
        printing::remove_printer,
        printing::test_printer,
        printing::printer_status,
        printing::set_receipt_logo,
        printing::receipt_logo,
        shifts::denominations,
        shifts::current_shift,
        shifts::open_shift,
        shifts::pay_in,
        shifts::pay_out,
        shifts::drop_to_safe,
        shifts::x_report,
        shifts::close_shift,
        shifts::z_report,
        shifts::shifts_list,
        shifts::shift_detail,
        printing::print_z,
        shifts::expected_for_close,
    ])
}

/// Opens (creating if needed) the store in `data_dir` and manages it as the app's state.
pub fn open_store<R: Runtime, M: Manager<R>>(app: &M, data_dir: &Path) -> Result<(), String> {
    // The data folder holds the store, its backups and updates: the user's alone.
    versapos_till::files::create_private_dir(data_dir)
        .map_err(|e| format!("cannot create the data folder {}: {e}", data_dir.display()))?;
    versapos_till::files::make_private(data_dir);
    open_store_at(app, &data_dir.join(STORE_FILE))
}

/// Opens the store file at `path`. When it cannot be opened (a store from a newer version, a
/// damaged file, no permission) the app still starts and its window says why, so the person at
/// the till sees the problem instead of a window that never appears; it is logged too.
pub fn open_store_at<R: Runtime, M: Manager<R>>(app: &M, path: &Path) -> Result<(), String> {
    let desktop = match Till::open(path) {
        Ok(till) => {
            tracing::info!(store = %till.path().display(), set_up = till.is_set_up(), "store open");
            Desktop::new(till)
        }
        Err(e) => {
            tracing::error!(store = %path.display(), error = %e, "the store could not be opened");
            Desktop::failed(path, e.into())
        }
    };
    app.manage(desktop);
    Ok(())
}

/// Where the store lives: `--store PATH` on the command line, else `$VERSAPOS_DB` (as the CLI),
/// else `store.db` in the app's data folder.
fn store_override() -> Option<std::path::PathBuf> {
    let mut args = std::env::args_os().skip(1);
    while let Some(a) = args.next() {
        if a == "--store" {
            return args.next().map(Into::into);
        }
        if let Some(p) = a.to_str().and_then(|a| a.strip_prefix("--store=")) {
            return Some(p.into());
        }
    }
    std::env::var_os("VERSAPOS_DB")
        .filter(|v| !v.is_empty())
        .map(Into::into)
}

/// Logs to a file per day in the app's log folder (and to stderr in debug builds). The filter
/// comes from `VERSAPOS_LOG` (default `info`). The guard flushes the file on drop.
fn start_logging(log_dir: &Path) -> Result<WorkerGuard, String> {
    use tracing_subscriber::{fmt, layer::SubscriberExt, util::SubscriberInitExt, EnvFilter};
    // What the log quotes (names, order numbers, errors) is for this user alone.
    versapos_till::files::create_private_dir(log_dir)
        .map_err(|e| format!("cannot create the log folder {}: {e}", log_dir.display()))?;
    versapos_till::files::make_private(log_dir);
    let (file, guard) =
        tracing_appender::non_blocking(tracing_appender::rolling::daily(log_dir, "versapos.log"));
    let filter = EnvFilter::try_from_env("VERSAPOS_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let stderr = cfg!(debug_assertions).then(|| fmt::layer().with_writer(std::io::stderr));
    tracing_subscriber::registry()
        .with(filter)
        .with(fmt::layer().with_ansi(false).with_writer(file))
        .with(stderr)
        .try_init()
        .map_err(|e| format!("cannot start logging: {e}"))?;
    Ok(guard)
}

/// Starts the desktop till.
pub fn run() {
    let app = with_commands(tauri::Builder::default())
        // The OS save dialog for exports, opened from our own commands (the window itself is
        // granted none of the plugin's commands).
        .plugin(tauri_plugin_dialog::init())
        .plugin(updater_plugin())
        .setup(|app| {
            let guard = start_logging(&app.path().app_log_dir()?)?;
            // Kept for the life of the app so buffered log lines reach the file.
            app.manage(LogGuard { _guard: guard });
            tracing::info!(
                version = env!("CARGO_PKG_VERSION"),
                "VersaTalent POS starting"
            );
            match store_override() {
                Some(path) => open_store_at(app.handle(), &path)?,
                None => open_store(app.handle(), &app.path().app_data_dir()?)?,
            }
            // Updates wait beside the store (as its backups do): the till's data folder.
            let store_dir = app
                .state::<Desktop>()
                .store_path
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or(app.path().app_data_dir()?);
            let updates =
                updates::Updates::new(store_dir.join("updates"), env!("CARGO_PKG_VERSION"));
            app.manage(updates);
            if install_update_at_start(app.handle()) {
                return Ok(());
            }
            keep_up_to_date(app.handle().clone());
            settle_payments_in_doubt(app.handle().clone());
            sync_with_relay(app.handle().clone());
            watch_nfc_readers(app.handle());
            Ok(())
        })
        .build(tauri::generate_context!());
    match app {
        Ok(app) => app.run(|_, _| {}),
        Err(e) => {
            tracing::error!(error = %e, "VersaTalent POS could not start");
            eprintln!("VersaTalent POS could not start: {e}");
            std::process::exit(1);
        }
    }
}

/// Tauri's updater with VersaTalent POS's public key from the config. A debug build (the tests'
/// app) takes another key from `VERSAPOS_UPDATE_PUBKEY`, so the tests can sign their own
/// packages; a release build never does.
fn updater_plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R, tauri_plugin_updater::Config> {
    #[allow(unused_mut)]
    let mut builder = tauri_plugin_updater::Builder::new();
    #[cfg(debug_assertions)]
    if let Some(key) = std::env::var("VERSAPOS_UPDATE_PUBKEY")
        .ok()
        .filter(|k| !k.is_empty())
    {
        builder = builder.pubkey(key);
    }
    builder.build()
}

/// The shop's choices about updates: when to install, and its own update address.
fn update_choices<R: Runtime>(
    app: &tauri::AppHandle<R>,
) -> (versapos_till::UpdateInstall, Option<String>) {
    app.state::<Desktop>()
        .register()
        .ok()
        .and_then(|r| {
            r.till
                .shop()
                .ok()
                .map(|s| (s.update_install, s.update_url.clone()))
        })
        .unwrap_or_default()
}

/// At start the register is empty: an update waiting from the last run is installed now (unless
/// the shop leaves that to a manager), and the till restarts as the new version. True when the
/// app is restarting.
fn install_update_at_start<R: Runtime>(app: &tauri::AppHandle<R>) -> bool {
    let updates = app.state::<updates::Updates>();
    if updates.ready_version().is_none() {
        return false;
    }
    let (when, url) = update_choices(app);
    if when == versapos_till::UpdateInstall::Manager {
        return false;
    }
    match updates.install_ready(app, &app.state::<Desktop>(), url.as_deref()) {
        Ok(Some(_)) => {
            commands::updates::restart_soon(app.clone());
            true
        }
        Ok(None) => false,
        Err(e) => {
            tracing::error!(error = %e, "the waiting update was not installed at start");
            false
        }
    }
}

/// Asks the release server for updates a minute after start and then every six hours, and
/// installs a waiting update as soon as the till is idle when the shop chose that.
fn keep_up_to_date<R: Runtime>(app: tauri::AppHandle<R>) {
    const CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(6 * 3600);
    const LOOK_EVERY: std::time::Duration = std::time::Duration::from_secs(30);
    let spawned = std::thread::Builder::new()
        .name("updates".into())
        .spawn(move || {
            let started = std::time::Instant::now();
            let mut next_check = started + std::time::Duration::from_secs(60);
            loop {
                std::thread::sleep(LOOK_EVERY);
                let updates = app.state::<updates::Updates>();
                let (when, url) = update_choices(&app);
                if std::time::Instant::now() >= next_check {
                    next_check = std::time::Instant::now() + CHECK_EVERY;
                    let checked =
                        tauri::async_runtime::block_on(updates.check(&app, url.as_deref()));
                    if let Err(e) = checked {
                        tracing::warn!(error = %e, "update check");
                    }
                }
                let desktop = app.state::<Desktop>();
                if when == versapos_till::UpdateInstall::WhenIdle
                    && updates.ready_version().is_some()
                    && updates::till_idle(&desktop)
                {
                    match updates.install_ready(&app, &desktop, url.as_deref()) {
                        Ok(Some(_)) => {
                            commands::updates::restart_soon(app.clone());
                            return;
                        }
                        Ok(None) => {}
                        Err(e) => tracing::warn!(error = %e, "update not installed while idle"),
                    }
                }
            }
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "cannot start looking for updates");
    }
}

/// Settles card payments in doubt soon after start-up and then every minute, and books the
/// refunds made at Stripe whose events never came (the first round looks back 90 days), so a
/// lost answer from Stripe heals itself without anyone asking. Only while cards are set up.
fn settle_payments_in_doubt<R: Runtime>(app: tauri::AppHandle<R>) {
    let spawned = std::thread::Builder::new()
        .name("settle-payments".into())
        .spawn(move || {
            std::thread::sleep(std::time::Duration::from_secs(3));
            let mut at_start = true;
            loop {
                let desktop = app.state::<Desktop>();
                let cards = desktop.payments.gateway().is_ok()
                    && desktop.register().is_ok_and(|r| r.till.is_set_up());
                if cards {
                    match commands::payments::reconcile(&desktop, std::mem::take(&mut at_start)) {
                        Ok(report) => {
                            for l in &report.settled {
                                tracing::info!(receipt = %l.receipt, outcome = l.outcome.as_str(),
                                    detail = %l.detail, "payment in doubt");
                            }
                        }
                        Err(e) => tracing::warn!(error = %e, "payments in doubt not settled"),
                    }
                }
                std::thread::sleep(std::time::Duration::from_secs(60));
            }
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "cannot start settling payments in doubt");
    }
}

/// Pulls Stripe's events from the webhook relay (when one is set up in the keychain) and applies
/// them: a long poll, so an event reaches the till as soon as the relay has it; backing off while
/// the relay cannot be reached. The cursor lives in the till's store.
fn sync_with_relay<R: Runtime>(app: tauri::AppHandle<R>) {
    let spawned = std::thread::Builder::new()
        .name("relay-sync".into())
        .spawn(move || {
            let mut backoff = versapos_payments::sync::Backoff::default();
            loop {
                let desktop = app.state::<Desktop>();
                // No relay set up: look again now and then (it may be set up meanwhile).
                let Some((pulled, pause)) =
                    commands::payments::follow_relay(&desktop, 25, &mut backoff)
                else {
                    std::thread::sleep(std::time::Duration::from_secs(30));
                    continue;
                };
                match &pulled {
                    Ok(report) => {
                        for e in &report.events {
                            tracing::info!(event = %e.event_id, kind = %e.kind,
                                outcome = ?e.outcome, detail = %e.detail, "stripe event");
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "relay sync"),
                }
                std::thread::sleep(pause);
            }
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "cannot start the relay sync");
    }
}

/// Watches the NFC readers for VIP card taps (the shop's chosen reader, else any) and sends them
/// to the window.
fn watch_nfc_readers<R: Runtime>(app: &tauri::AppHandle<R>) {
    let chosen = app
        .state::<Desktop>()
        .register()
        .ok()
        .and_then(|r| r.till.shop().ok().and_then(|s| s.nfc_reader.clone()));
    let watch = nfc::NfcWatch::default();
    watch.start(app.clone(), chosen);
    app.manage(watch);
}

/// Holds the log writer's guard in the app's state.
struct LogGuard {
    _guard: WorkerGuard,
}
