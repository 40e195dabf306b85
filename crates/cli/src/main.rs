//! `versapos`: the till's headless front door. Every subcommand is a thin adapter over
//! [`versapos_till::Till`]; what it prints lives in `print.rs`.

mod args;
mod backup;
mod catalog;
mod customers;
mod doctor;
mod nfc;
mod print;
mod printing;
mod sell;
mod shifts;
mod sync;

use args::{
    Cli, Command, InitArgs, JournalCmd, KeysCmd, OrdersCmd, ReadersCmd, ReportArgs, SettingsCmd,
    StaffCmd,
};
use clap::Parser;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use versapos_core::{Pin, Role};
use versapos_payments::flow::FlowError;
use versapos_payments::{setup, GatewayError};
use versapos_till::cards;
use versapos_till::{Fields, OrderFilterInput, ShopSetupInput, TaxRateInput, Till, TillError};

/// What can stop a command.
#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error(transparent)]
    Till(#[from] TillError),
    /// The command line itself was wrong: names the option and what was wrong with it.
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The command ran and found problems it has already reported (e.g. `journal verify`).
    #[error("{0}")]
    Failed(String),
    #[error(transparent)]
    Payment(FlowError),
    /// A card sale that was not paid (declined, canceled, or in doubt); exit 1.
    #[error("{message}")]
    CardNotPaid { code: &'static str, message: String },
    /// Pulling from the webhook relay failed; exit 1.
    #[error(transparent)]
    Sync(#[from] versapos_payments::sync::SyncError),
    /// The NFC readers (no service, no reader, no tap in time); exit 1.
    #[error(transparent)]
    Nfc(#[from] versapos_nfc::NfcError),
}

/// The till's own refusal inside a card flow's error is the till's error (its code, its exit).
impl From<FlowError> for CliError {
    fn from(e: FlowError) -> Self {
        match cards::till_error(e) {
            Ok(t) => CliError::Till(t),
            Err(other) => CliError::Payment(other),
        }
    }
}

impl From<GatewayError> for CliError {
    fn from(e: GatewayError) -> Self {
        CliError::Payment(FlowError::Gateway(e))
    }
}

impl CliError {
    fn code(&self) -> &'static str {
        match self {
            CliError::Till(e) => e.code(),
            CliError::Usage(_) => "invalid_input",
            CliError::Io(_) => "io",
            CliError::Failed(_) => "check_failed",
            CliError::Payment(e) => e.code(),
            CliError::CardNotPaid { code, .. } => code,
            CliError::Sync(e) => e.code(),
            CliError::Nfc(e) => e.code(),
        }
    }

    fn exit_code(&self) -> u8 {
        match self {
            CliError::Till(e) if e.is_bad_input() => 2,
            CliError::Payment(FlowError::Gateway(GatewayError::Rejected { .. }))
            | CliError::Payment(FlowError::Gateway(GatewayError::NotFound(_))) => 2,
            CliError::Usage(_) => 2,
            _ => 1,
        }
    }
}

fn usage(msg: impl Into<String>) -> CliError {
    CliError::Usage(msg.into())
}

type Result<T> = std::result::Result<T, CliError>;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // A bad command line is bad input too: `--json` callers get it as JSON on stdout.
            // (Help and --version are not errors and print as usual.)
            if e.use_stderr()
                && std::env::args_os()
                    .skip(1)
                    .take_while(|a| a != "--")
                    .any(|a| a == "--json")
            {
                let rendered = e.render().to_string();
                // The first paragraph: what was wrong, without the usage and tips after it.
                let first = rendered.split("\n\n").next().unwrap_or_default().trim_end();
                let message = first.strip_prefix("error: ").unwrap_or(first);
                let body =
                    serde_json::json!({ "error": { "code": "invalid_input", "message": message } });
                println!("{body}");
            }
            e.exit()
        }
    };
    let json = cli.json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(CliError::Till(TillError::Io(e))) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            // A failed check has already printed its findings as the JSON document.
            if json && !matches!(e, CliError::Failed(_)) {
                let body =
                    serde_json::json!({ "error": { "code": e.code(), "message": e.to_string() } });
                println!("{body}");
            }
            // What a message quotes of a file or an argument never drives the terminal.
            eprintln!(
                "versapos: {}",
                versapos_core::text::for_terminal(&e.to_string())
            );
            ExitCode::from(e.exit_code())
        }
    }
}

/// The store's default place: the app's data folder, shared with the desktop till.
fn default_db() -> Result<PathBuf> {
    let base =
        dirs::data_dir().ok_or_else(|| usage("no data folder on this system: pass --db PATH"))?;
    Ok(base.join("com.versatalent.pos").join("store.db"))
}

fn run(cli: Cli) -> Result<()> {
    let mut out = print::Out {
        json: cli.json,
        locale: None,
    };
    // The NFC readers need no store: nothing is opened (or created) for them.
    if let Command::Nfc(cmd) = &cli.command {
        return nfc::run(cmd, &out);
    }
    let (path, from) = store_path(cli.db)?;
    // A mistyped path must not answer "no orders" from a new empty store: only the commands
    // that make a store (or put one back) may start from nothing.
    let makes_a_store = matches!(
        cli.command,
        Command::Init(_) | Command::Demo | Command::Restore(_)
    );
    if !makes_a_store && !path.exists() {
        return Err(usage(format!(
            "{from}: there is no store at {} (create one with `versapos init` or `versapos demo`, or check the path)",
            path.display()
        )));
    }
    let mut till = Till::open(&path)?;
    out.locale = till.shop().ok().and_then(|s| s.locale.clone());
    // Once the till has staff, every command acts as someone signed in by PIN; the first admin
    // is added with nobody signed in.
    if till.has_staff()? && !matches!(cli.command, Command::Status) {
        sign_in(&mut till)?;
    }
    match cli.command {
        Command::Init(a) => init(&mut till, &a, &path, &out),
        Command::Demo => demo(&mut till, &path, &out),
        Command::Settings(cmd) => settings(&mut till, cmd, &path, &out),
        Command::Products(cmd) => catalog::run(&mut till, cmd, &out),
        Command::Sale(a) => sell::sale(till, &a, &out),
        Command::Park(a) => sell::park(&mut till, &a, &out),
        Command::Parked => {
            out.parked(&till.parked()?, till.shop()?);
            Ok(())
        }
        Command::Resume(a) => sell::resume(&mut till, &a, &out),
        Command::Orders(cmd) => orders(&mut till, cmd, &out),
        Command::Refund(a) => sell::refund(till, &a, &out),
        Command::Customers(cmd) => customers::run(&mut till, cmd, &out),
        Command::Report(a) => report(&till, &a, &out),
        Command::Staff(cmd) => staff(&mut till, cmd, &out),
        Command::Keys(cmd) => keys(&mut till, cmd, &out),
        Command::Readers(cmd) => readers(till, cmd, &out),
        Command::Reconcile => reconcile(till, &out),
        Command::Doctor => doctor::run(till, &out),
        Command::Sync(a) => sync::run(till, &a, &out),
        Command::Relay(cmd) => sync::relay(&mut till, cmd, &out),
        Command::Nfc(cmd) => nfc::run(&cmd, &out),
        Command::Backup(a) => backup::backup(&till, &a, &out),
        Command::Restore(a) => backup::restore(till, &path, &a, &out),
        Command::Status => status(&till, &path, &out),
        Command::Printer(cmd) => printing::printer(&mut till, cmd, &out),
        Command::Print(cmd) => printing::print(&mut till, cmd, &out),
        Command::Drawer(cmd) => printing::drawer(&mut till, cmd, &out),
        Command::Shift(cmd) => shifts::shift(&mut till, cmd, &out),
        Command::Journal(JournalCmd::Verify { relay: false }) => verify_journal(&till, &out),
        Command::Journal(JournalCmd::Verify { relay: true }) => sync::verify_journal(till, &out),
        Command::Journal(JournalCmd::Sign) => sign_journal(&mut till, &out),
    }
}

/// `--db`, else $VERSAPOS_DB, else the app's data folder, with where it came from. Read here
/// rather than by clap: an empty VERSAPOS_DB means unset, and clap would refuse it as an empty
/// --db even when --db is given.
fn store_path(db: Option<PathBuf>) -> Result<(PathBuf, &'static str)> {
    match db {
        Some(p) => Ok((p, "--db")),
        None => match std::env::var_os("VERSAPOS_DB") {
            Some(p) if !p.is_empty() => Ok((PathBuf::from(p), "VERSAPOS_DB")),
            _ => Ok((default_db()?, "the app's store")),
        },
    }
}

fn init(till: &mut Till, a: &InitArgs, path: &Path, out: &print::Out) -> Result<()> {
    let tax_rates = a
        .tax_rates
        .iter()
        .map(|r| tax_rate_flag(r))
        .collect::<Result<_>>()?;
    let setup = ShopSetupInput {
        name: a.shop.clone(),
        currency: a.currency.clone(),
        till_id: a.till.clone(),
        prices_include_tax: !a.prices_exclude_tax,
        tax_rates,
        default_tax_rate: a.default_tax_rate.clone(),
    };
    out.shop(till.set_up_shop_as_asked(&setup, Fields::Flags)?, path);
    Ok(())
}

/// `--tax-rate NAME=PERCENT`.
fn tax_rate_flag(arg: &str) -> Result<TaxRateInput> {
    let (name, percent) = arg
        .split_once('=')
        .ok_or_else(|| usage(format!("--tax-rate '{arg}': expected NAME=PERCENT")))?;
    Ok(TaxRateInput {
        name: name.to_string(),
        percent: percent.to_string(),
    })
}

fn demo(till: &mut Till, path: &Path, out: &print::Out) -> Result<()> {
    let summary = till.create_demo()?;
    out.demo(till.shop()?, &summary, path);
    Ok(())
}

fn settings(till: &mut Till, cmd: SettingsCmd, path: &Path, out: &print::Out) -> Result<()> {
    let shop = match cmd {
        SettingsCmd::Show => till.shop()?,
        SettingsCmd::Set { key, value } => till.set_setting(&key, &value)?,
        // Named as the command's arguments are: NAME, PERCENT.
        SettingsCmd::TaxRate { name, percent } => {
            let rate = TaxRateInput { name, percent };
            till.change_tax_rate_as_asked(&rate, Fields::Arguments)?
        }
    };
    out.shop(shop, path);
    Ok(())
}

fn orders(till: &mut Till, cmd: OrdersCmd, out: &print::Out) -> Result<()> {
    match cmd {
        OrdersCmd::List {
            status,
            limit,
            offset,
        } => {
            let filter = OrderFilterInput {
                status,
                ..OrderFilterInput::default()
            };
            out.orders(&till.find_orders_as_asked(&filter, limit, offset, Fields::Flags)?);
        }
        OrdersCmd::Show { id } => out.order(&till.order(&id)?),
        OrdersCmd::Void { id } => out.order(&till.void(&id)?),
    }
    Ok(())
}

/// Exit 1 while any payment stays in doubt.
fn reconcile(till: Till, out: &print::Out) -> Result<()> {
    till.may_settle_cards()?;
    let connected = setup::connect(&versapos_secrets::Keychain::default())?;
    let till = std::sync::Mutex::new(till);
    let report = cards::reconcile_now(&*connected.gateway, &till)?;
    out.reconcile(&report);
    if report.remaining > 0 {
        return Err(CliError::Failed(format!(
            "{} card payment(s) are still in doubt: run `versapos reconcile` again once Stripe \
             can be reached",
            report.remaining
        )));
    }
    Ok(())
}

fn status(till: &Till, path: &Path, out: &print::Out) -> Result<()> {
    let shop = till.shop().ok().map(|s| s.name.clone());
    out.status(path, shop.as_deref(), till.has_staff()?);
    Ok(())
}

fn verify_journal(till: &Till, out: &print::Out) -> Result<()> {
    journal_verified(&till.verify_journal()?, out)
}

fn sign_journal(till: &mut Till, out: &print::Out) -> Result<()> {
    let done = till.sign_journal_over_unsigned()?;
    let text = if done.is_empty() {
        "every till's newest entry is already signed: nothing to sign over".to_string()
    } else {
        done.iter()
            .map(|d| {
                format!(
                    "till {}: entries {}..{} accepted unsigned, signed at entry {}",
                    d.till_id, d.from, d.to, d.signed
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    out.message(&text, serde_json::json!({ "signed_over": done }));
    Ok(())
}

/// Prints a journal report; exit 1 when it found a problem.
pub(crate) fn journal_verified(r: &versapos_till::JournalReport, out: &print::Out) -> Result<()> {
    out.journal(r);
    if !r.ok() {
        return Err(CliError::Failed(format!(
            "the journal has {} problem(s): it has been tampered with or damaged",
            r.problems.len()
        )));
    }
    Ok(())
}

fn report(till: &Till, a: &ReportArgs, out: &print::Out) -> Result<()> {
    if let Some(which) = &a.which {
        return shifts::report(till, which, a.number, a.csv, out);
    }
    if a.number.is_some() {
        return Err(usage("a report's number goes with `report z N`"));
    }
    let query = versapos_till::ReportQuery {
        from: a.from.clone().unwrap_or_default(),
        to: a.to.clone().unwrap_or_default(),
        by: a.by.clone(),
        limit: a.limit,
    };
    let r = till.report_for(&query, versapos_till::Fields::Flags)?;
    if a.csv {
        print::report_csv(&r)?;
    } else {
        out.report(&r);
    }
    Ok(())
}

/// Signs in as $VERSAPOS_STAFF with $VERSAPOS_PIN, or asks for them on the terminal.
fn sign_in(till: &mut Till) -> Result<()> {
    let name = match std::env::var("VERSAPOS_STAFF") {
        Ok(n) if !n.trim().is_empty() => n,
        _ => prompt_line("Staff name: ")?,
    };
    let pin = match std::env::var("VERSAPOS_PIN") {
        Ok(p) if !p.is_empty() => p,
        _ => prompt_secret(&format!("PIN for {}: ", name.trim()))?,
    };
    till.sign_in(&name, &pin)?;
    Ok(())
}

/// A new PIN: $VERSAPOS_NEW_PIN, else asked twice on the terminal.
fn new_pin() -> Result<Pin> {
    let text = match std::env::var("VERSAPOS_NEW_PIN") {
        Ok(p) if !p.is_empty() => p,
        _ => {
            let first = prompt_secret("New PIN (4 to 8 digits): ")?;
            let again = prompt_secret("The same PIN again: ")?;
            if first != again {
                return Err(usage("the two PINs differ: nothing was changed"));
            }
            first
        }
    };
    Pin::parse(&text).map_err(|e| usage(format!("new PIN: {e}")))
}

fn on_a_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

fn prompt_line(label: &str) -> Result<String> {
    if !on_a_terminal() {
        return Err(usage(
            "this till has staff accounts: sign in with VERSAPOS_STAFF and VERSAPOS_PIN",
        ));
    }
    eprint!("{label}");
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim().to_string())
}

fn prompt_secret(label: &str) -> Result<String> {
    if !on_a_terminal() {
        return Err(usage(
            "a PIN is needed: set VERSAPOS_PIN (or VERSAPOS_NEW_PIN for a new one), or run on a terminal",
        ));
    }
    Ok(rpassword::prompt_password(label)?)
}

fn role(text: &str) -> Result<Role> {
    Role::parse(text)
        .ok_or_else(|| usage(format!("role '{text}': expected cashier, manager or admin")))
}

fn staff(till: &mut Till, cmd: StaffCmd, out: &print::Out) -> Result<()> {
    use versapos_till::StaffChange as Change;
    match cmd {
        StaffCmd::Add { name, role: r } => {
            let r = role(&r)?;
            let pin = new_pin()?;
            out.staff_member(&till.add_staff(&name, r, &pin)?);
        }
        StaffCmd::List => out.staff(&till.staff()?),
        StaffCmd::Disable { name } => out.staff_member(&till.change_staff(&name, Change::Disable)?),
        StaffCmd::Enable { name } => out.staff_member(&till.change_staff(&name, Change::Enable)?),
        StaffCmd::ResetPin { name } => {
            let pin = new_pin()?;
            out.staff_member(&till.change_staff(&name, Change::ResetPin(&pin))?);
        }
        StaffCmd::Unlock { name } => out.staff_member(&till.change_staff(&name, Change::Unlock)?),
        StaffCmd::SetRole { name, role: r } => {
            let r = role(&r)?;
            out.staff_member(&till.change_staff(&name, Change::SetRole(r))?);
        }
    }
    Ok(())
}

fn key_error(e: versapos_secrets::KeyError) -> CliError {
    match e {
        versapos_secrets::KeyError::Keychain(_) => {
            CliError::Io(std::io::Error::other(e.to_string()))
        }
        e => usage(e.to_string()),
    }
}

fn keys(till: &mut Till, cmd: KeysCmd, out: &print::Out) -> Result<()> {
    use versapos_secrets::{KeySource, Keychain, KEY_ENV};
    till.may_manage_keys()?;
    let chain = Keychain::default();
    match cmd {
        KeysCmd::Set => {
            let key = set_key(till, &chain)?;
            out.key(Some(&key), "keychain", std::env::var(KEY_ENV).is_ok());
        }
        KeysCmd::Show => match chain.key_in_use().map_err(key_error)? {
            Some((key, KeySource::Environment)) => {
                out.key(Some(&key.describe()), "environment", false)
            }
            Some((key, KeySource::Keychain)) => out.key(Some(&key.describe()), "keychain", false),
            None => out.key(None, "none", false),
        },
        KeysCmd::Remove => {
            let removed = chain.remove().map_err(key_error)?;
            if removed {
                till.record_key_change("remove", "the keychain's key")?;
            }
            out.key(None, if removed { "removed" } else { "none" }, false);
        }
    }
    Ok(())
}

/// Puts the key from $VERSAPOS_NEW_KEY (or asked on the terminal) in the keychain, and says
/// what it is.
fn set_key(till: &mut Till, chain: &versapos_secrets::Keychain) -> Result<String> {
    let text = match std::env::var("VERSAPOS_NEW_KEY") {
        Ok(k) if !k.trim().is_empty() => k,
        _ => prompt_secret("Stripe secret key (rk_… or sk_…): ")?,
    };
    let key = versapos_secrets::StripeKey::parse(&text).map_err(key_error)?;
    chain.set(&key).map_err(key_error)?;
    till.record_key_change("set", &key.kind_and_mode())?;
    Ok(key.describe())
}

fn readers(till: Till, cmd: ReadersCmd, out: &print::Out) -> Result<()> {
    let connected = setup::connect(&versapos_secrets::Keychain::default())?;
    let gateway = &*connected.gateway;
    let mode = gateway.mode();
    let till = std::sync::Mutex::new(till);
    match cmd {
        ReadersCmd::List => {
            let (readers, chosen) = cards::readers(gateway, &till)?;
            out.readers(&readers, chosen.as_deref(), mode);
        }
        ReadersCmd::Locations => out.locations(&cards::locations(gateway, &till)?),
        ReadersCmd::Register {
            code,
            label,
            location,
        } => {
            let reader = cards::register_reader(gateway, &till, &code, Some(&label), &location)?;
            out.readers(std::slice::from_ref(&reader), None, mode);
        }
        ReadersCmd::Use { id } => {
            let reader = cards::choose_reader(gateway, &till, &id)?;
            out.readers(std::slice::from_ref(&reader), Some(&reader.id), mode);
        }
    }
    Ok(())
}
