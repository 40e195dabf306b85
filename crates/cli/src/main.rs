//! `versapos`: the till's headless front door. Every subcommand is a thin adapter over
//! [`versapos_till::Till`]; what it prints lives in `print.rs`.

mod args;
mod backup;
mod doctor;
mod nfc;
mod print;
mod sync;

use args::{
    CartArgs, Cli, Command, CustomersCmd, JournalCmd, KeysCmd, OrdersCmd, ProductsCmd, ReadersCmd,
    ReportArgs, SettingsCmd, StaffCmd,
};
use clap::Parser;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use versapos_core::{CustomerId, Pin, Role, TenderRequest};
use versapos_payments::flow::{FlowError, Terminal, Timing};
use versapos_payments::{setup, GatewayError, TestCard};
use versapos_till::cards::{self, CardOutcome};
use versapos_till::{
    parse_card_uid, CardLookup, Fields, NewCustomer, NewProductInput, RefundInput, RefundLineInput,
    ShopSetup, Till, TillError,
};

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
            eprintln!("versapos: {e}");
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
    // The NFC readers need no store: nothing is opened (or created) for them.
    let cli = match cli.command {
        Command::Nfc(cmd) => return nfc::run(&cmd, &print::Out { json: cli.json }),
        _ => cli,
    };
    // Read here rather than by clap: an empty VERSAPOS_DB means unset, and clap would refuse it
    // as an empty --db even when --db is given.
    let path = match cli.db {
        Some(p) => p,
        None => match std::env::var_os("VERSAPOS_DB") {
            Some(p) if !p.is_empty() => PathBuf::from(p),
            _ => default_db()?,
        },
    };
    let mut till = Till::open(&path)?;
    let out = print::Out { json: cli.json };
    // Once the till has staff, every command acts as someone signed in by PIN; the first admin
    // is added with nobody signed in.
    if till.has_staff()? && !matches!(cli.command, Command::Status) {
        sign_in(&mut till)?;
    }
    match cli.command {
        Command::Init(a) => {
            let mut rates = Vec::new();
            for r in &a.tax_rates {
                let (name, pct) = r
                    .split_once('=')
                    .ok_or_else(|| usage(format!("--tax-rate '{r}': expected NAME=PERCENT")))?;
                rates.push((name.to_string(), pct.to_string()));
            }
            let setup = ShopSetup::from_text(
                &a.shop,
                &a.currency,
                &a.till,
                !a.prices_exclude_tax,
                &rates,
                a.default_tax_rate,
            )
            .map_err(|e| match e {
                // Name the option the value came from, as every other CLI error does.
                TillError::Invalid { field, message } => {
                    let flag = match field.as_str() {
                        "currency" => "--currency",
                        "till_id" => "--till",
                        "tax_rates" => "--tax-rate",
                        _ => "--shop",
                    };
                    usage(format!("{flag}: {message}"))
                }
                e => e.into(),
            })?;
            let shop = till.init(&setup)?;
            out.shop(shop, &path);
        }
        Command::Demo => {
            let summary = till.create_demo()?;
            let shop = till.shop()?;
            out.demo(shop, &summary, &path);
        }
        Command::Settings(cmd) => match cmd {
            SettingsCmd::Show => out.shop(till.shop()?, &path),
            SettingsCmd::Set { key, value } => {
                let shop = till.set_setting(&key, &value)?;
                out.shop(shop, &path);
            }
            SettingsCmd::TaxRate { name, percent } => {
                // Named as the command's arguments are: NAME, PERCENT.
                let shop = till.change_tax_rate(&name, &percent).map_err(|e| match e {
                    TillError::Invalid { field, message } => {
                        usage(format!("{}: {message}", field.to_uppercase()))
                    }
                    e => e.into(),
                })?;
                out.shop(shop, &path);
            }
        },
        Command::Products(cmd) => products(&mut till, cmd, &out)?,
        Command::Sale(a) => {
            let cart = build_cart(&till, &a.cart)?;
            if a.park {
                let id = till.park(&cart, a.cart.note.as_deref())?;
                out.parked_one(id, &till.parked()?);
            } else {
                let tenders = parse_tenders(&till, &a.pay)?;
                let test_card = match &a.test_card {
                    None => None,
                    Some(c) => Some(TestCard::parse(c).ok_or_else(|| {
                        usage(format!(
                            "--test-card '{c}': expected approved, declined, \
                             insufficient_funds, lost_card or expired"
                        ))
                    })?),
                };
                if tenders
                    .iter()
                    .any(|t| matches!(t, TenderRequest::Card { .. }))
                {
                    return card_sale(till, &cart, &tenders, test_card, &out);
                }
                if test_card.is_some() {
                    return Err(usage(
                        "--test-card: the sale has no card tender (--pay card)",
                    ));
                }
                let order = till.checkout(&cart, &tenders)?;
                out.order(&order);
            }
        }
        Command::Park(a) => {
            let cart = build_cart(&till, &a)?;
            let id = till.park(&cart, a.note.as_deref())?;
            out.parked_one(id, &till.parked()?);
        }
        Command::Parked => out.parked(&till.parked()?, till.shop()?),
        Command::Resume(a) => {
            if a.discard {
                till.discard_parked(a.id)?;
                out.message(
                    &format!("parked cart {} discarded", a.id),
                    serde_json::json!({ "discarded": a.id }),
                );
            } else {
                let tenders = parse_tenders(&till, &a.pay)?;
                let order = till.checkout_parked(a.id, &tenders)?;
                out.order(&order);
            }
        }
        Command::Orders(cmd) => match cmd {
            OrdersCmd::List {
                status,
                limit,
                offset,
            } => {
                let status = status
                    .map(|s| versapos_till::parse_order_status(&s, "--status"))
                    .transpose()
                    .map_err(|e| match e {
                        TillError::Invalid { field, message } => {
                            usage(format!("{field} {message}"))
                        }
                        e => e.into(),
                    })?;
                out.orders(&till.orders(status, limit.clamp(1, 10_000), offset.max(0))?);
            }
            OrdersCmd::Show { id } => out.order(&till.order(&id)?),
            OrdersCmd::Void { id } => out.order(&till.void(&id)?),
        },
        Command::Refund(a) => {
            let mut lines = Vec::new();
            for l in &a.lines {
                let (sku, quantity) = split_qty(l, "--line")?;
                lines.push(RefundLineInput {
                    sku: sku.to_string(),
                    quantity,
                });
            }
            let asked = RefundInput {
                amount: a.amount.clone(),
                lines,
                restock: a.restock,
            };
            let request = till.refund_request(&asked, Fields::Flags)?;
            // A card part goes back through Stripe; the keychain is read only then, so a cash
            // refund works with no keychain and no network (its gateway is never asked).
            let card = till
                .refund_preview(&a.order, &request, a.restock)?
                .tenders
                .iter()
                .any(|t| t.intent_id.is_some() && t.paid_out > 0);
            let gateway: Box<dyn versapos_payments::Gateway> = if card {
                setup::connect(&versapos_secrets::Keychain::default())?.gateway
            } else {
                Box::new(versapos_payments::demo::DemoGateway::new())
            };
            let till = std::sync::Mutex::new(till);
            let refund = versapos_till::cards::refund_order(
                &*gateway, &till, &a.order, &request, a.restock,
            )?;
            out.refund(&refund);
        }
        Command::Customers(cmd) => match cmd {
            CustomersCmd::Add {
                name,
                email,
                phone,
                card,
            } => {
                let card = card.map(|c| parse_card_uid(&c, "card")).transpose()?;
                let c = till.enrol_customer(&NewCustomer { name, email, phone }, card.as_ref())?;
                out.customer(&c, None);
            }
            CustomersCmd::List { search, limit } => {
                out.customers(&till.customers(search.as_deref(), limit.clamp(1, 10_000))?);
            }
            CustomersCmd::Show { id } => {
                let c = till.customer(CustomerId(id))?;
                let ledger = till.points_ledger(CustomerId(id))?;
                out.customer(&c, Some(&ledger));
            }
            CustomersCmd::LinkCard { id, uid } => {
                let uid = parse_card_uid(&uid, "uid")?;
                out.customer(&till.link_card(CustomerId(id), &uid)?, None);
            }
            CustomersCmd::FindCard { uid } => {
                let uid = parse_card_uid(&uid, "uid")?;
                let found = till.customer_by_card(&uid)?;
                out.card_lookup(&uid, &found);
                match found {
                    CardLookup::Vip(_) => {}
                    CardLookup::Blocked { .. } => {
                        return Err(CliError::Failed(format!("card {uid} is blocked")))
                    }
                    CardLookup::Unknown => {
                        return Err(CliError::Failed(format!("card {uid} is nobody's card")))
                    }
                }
            }
            CustomersCmd::BlockCard { uid, reason } => {
                let uid = parse_card_uid(&uid, "uid")?;
                out.blocked_card(&till.block_card(&uid, reason.as_deref())?);
            }
            CustomersCmd::ReplaceCard { old_uid, new_uid } => {
                let old = parse_card_uid(&old_uid, "old_uid")?;
                let new = parse_card_uid(&new_uid, "new_uid")?;
                out.customer(&till.replace_card(&old, &new)?, None);
            }
        },
        Command::Report(a) => report(&till, &a, &out)?,
        Command::Staff(cmd) => staff(&mut till, cmd, &out)?,
        Command::Keys(cmd) => keys(&mut till, cmd, &out)?,
        Command::Readers(cmd) => readers(till, cmd, &out)?,
        Command::Reconcile => {
            till.may_settle_cards()?;
            let connected = setup::connect(&versapos_secrets::Keychain::default())?;
            let till = std::sync::Mutex::new(till);
            let report = cards::reconcile_now(&*connected.gateway, &till)?;
            out.reconcile(&report);
            if report.remaining > 0 {
                return Err(CliError::Failed(format!(
                    "{} card payment(s) are still in doubt: run `versapos reconcile` again once \
                     Stripe can be reached",
                    report.remaining
                )));
            }
        }
        Command::Doctor => doctor::run(till, &out)?,
        Command::Sync(a) => sync::run(till, &a, &out)?,
        Command::Relay(cmd) => sync::relay(&mut till, cmd, &out)?,
        Command::Nfc(cmd) => nfc::run(&cmd, &out)?,
        Command::Backup(a) => backup::backup(&till, &a, &out)?,
        Command::Restore(a) => backup::restore(till, &path, &a, &out)?,
        Command::Status => {
            let shop = till.shop().ok().map(|s| s.name.clone());
            out.status(&path, shop.as_deref(), till.has_staff()?);
        }
        Command::Journal(JournalCmd::Verify) => {
            let r = till.verify_journal()?;
            out.journal(&r);
            if !r.ok() {
                return Err(CliError::Failed(format!(
                    "the journal has {} problem(s): it has been tampered with or damaged",
                    r.problems.len()
                )));
            }
        }
    }
    Ok(())
}

fn products(till: &mut Till, cmd: ProductsCmd, out: &print::Out) -> Result<()> {
    match cmd {
        ProductsCmd::Import { file } => {
            let name = file.display().to_string();
            let bytes =
                std::fs::read(&file).map_err(|e| usage(format!("cannot read {name}: {e}")))?;
            let bar = indicatif::ProgressBar::with_draw_target(
                None,
                indicatif::ProgressDrawTarget::stderr(),
            );
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "importing {bar:40} {pos}/{len} products ({eta} left)",
            ) {
                bar.set_style(style);
            }
            let summary = till.import_products(&name, &bytes, &mut |done, total| {
                if total >= 10_000 {
                    bar.set_length(total);
                    bar.set_position(done);
                }
            })?;
            bar.finish_and_clear();
            out.imported(&name, &summary);
        }
        ProductsCmd::Export { out: file } => match file {
            Some(f) => {
                let mut w = std::io::BufWriter::new(std::fs::File::create(&f)?);
                let n = till.export_products(&mut w)?;
                w.flush()?;
                eprintln!("exported {n} products to {}", f.display());
            }
            None => {
                let stdout = std::io::stdout();
                let mut lock = stdout.lock();
                till.export_products(&mut lock)?;
            }
        },
        ProductsCmd::List {
            category,
            page,
            per_page,
        } => {
            if page < 1 || !(1..=10_000).contains(&per_page) {
                return Err(usage(
                    "--page must be 1 or more and --per-page from 1 to 10000",
                ));
            }
            let list = till.products(category.as_deref(), (page - 1) * per_page, per_page)?;
            out.products(&list, Some(till.product_count()?));
        }
        ProductsCmd::Find { text, limit } => {
            out.products(&till.find_products(&text, limit.clamp(1, 1000))?, None);
        }
        ProductsCmd::Show { sku } => out.product(&till.product(&sku)?),
        ProductsCmd::Add {
            sku,
            name,
            price,
            barcode,
            tax_rate,
            stock,
            category,
        } => {
            let product = NewProductInput {
                sku,
                name,
                price,
                barcode,
                tax_rate,
                stock,
                category,
            };
            out.product(&till.add_product_as_asked(&product, Fields::Flags)?);
        }
        ProductsCmd::SetPrice { sku, price } => out.product(&till.set_price(&sku, &price)?),
        ProductsCmd::SetStock { sku, stock } => out.product(&till.set_stock(&sku, stock)?),
        ProductsCmd::LowStock => out.products(&till.low_stock(None, 0, -1)?, None),
    }
    Ok(())
}

/// A `SKU=VALUE` option: the index of the SKU's line in the cart, and the value.
fn line_of<'a>(
    till: &Till,
    cart: &versapos_core::Cart,
    arg: &'a str,
    flag: &str,
    what: &str,
) -> Result<(usize, &'a str)> {
    let (sku, value) = arg
        .split_once('=')
        .ok_or_else(|| usage(format!("{flag} '{arg}': expected SKU={what}")))?;
    let product = till.lookup(sku)?;
    let index = cart
        .lines
        .iter()
        .position(|l| l.product_id == product.id)
        .ok_or_else(|| usage(format!("{flag} '{arg}': {sku} is not in the sale")))?;
    Ok((index, value))
}

/// Splits "CODE:QTY" (or just "CODE", quantity 1).
fn split_qty<'a>(input: &'a str, flag: &str) -> Result<(&'a str, i64)> {
    match input.rsplit_once(':') {
        None => Ok((input, 1)),
        Some((code, qty)) => {
            let q: i64 = qty.trim().parse().map_err(|_| {
                usage(format!(
                    "{flag} '{input}': quantity '{qty}' is not a whole number"
                ))
            })?;
            Ok((code, q))
        }
    }
}

fn build_cart(till: &Till, a: &CartArgs) -> Result<versapos_core::Cart> {
    let mut cart = till.new_cart()?;
    for item in &a.items {
        let (code, qty) = split_qty(item, "--item")?;
        if qty < 1 {
            return Err(usage(format!(
                "--item '{item}': quantity must be at least 1"
            )));
        }
        till.add_to_cart(&mut cart, code, qty)?;
    }
    for ld in &a.line_discounts {
        let (index, d) = line_of(till, &cart, ld, "--line-discount", "DISCOUNT")?;
        till.set_line_discount(&mut cart, index, Some(d))?;
    }
    for lp in &a.line_prices {
        let (index, price) = line_of(till, &cart, lp, "--line-price", "PRICE")?;
        till.override_price(&mut cart, index, price)?;
    }
    if let Some(d) = &a.discount {
        till.set_order_discount(&mut cart, Some(d))?;
    }
    if let Some(c) = a.customer {
        till.link_customer(&mut cart, CustomerId(c))?;
    }
    Ok(cart)
}

fn parse_tenders(till: &Till, pays: &[String]) -> Result<Vec<TenderRequest>> {
    if pays.is_empty() {
        return Err(usage(
            "say how the customer pays: --pay cash, --pay cash:20.00, --pay points:500",
        ));
    }
    let mut out = Vec::new();
    for p in pays {
        let (kind, value) = match p.split_once(':') {
            Some((k, v)) => (k, Some(v)),
            None => (p.as_str(), None),
        };
        out.push(
            till.tender(kind, value)
                .map_err(|e| usage(format!("--pay '{p}': {e}")))?,
        );
    }
    Ok(out)
}

fn report(till: &Till, a: &ReportArgs, out: &print::Out) -> Result<()> {
    let query = versapos_till::ReportQuery {
        from: a.from.clone(),
        to: a.to.clone(),
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
    use versapos_secrets::{KeySource, Keychain, StripeKey, KEY_ENV};
    let chain = Keychain::default();
    match cmd {
        KeysCmd::Set => {
            till.may_manage_keys()?;
            let text = match std::env::var("VERSAPOS_NEW_KEY") {
                Ok(k) if !k.trim().is_empty() => k,
                _ => prompt_secret("Stripe secret key (rk_… or sk_…): ")?,
            };
            let key = StripeKey::parse(&text).map_err(key_error)?;
            chain.set(&key).map_err(key_error)?;
            till.record_key_change("set", &key.kind_and_mode())?;
            out.key(
                Some(&key.describe()),
                "keychain",
                std::env::var(KEY_ENV).is_ok(),
            );
        }
        KeysCmd::Show => {
            till.may_manage_keys()?;
            match chain.key_in_use().map_err(key_error)? {
                Some((key, source)) => out.key(
                    Some(&key.describe()),
                    match source {
                        KeySource::Environment => "environment",
                        KeySource::Keychain => "keychain",
                    },
                    false,
                ),
                None => out.key(None, "none", false),
            }
        }
        KeysCmd::Remove => {
            till.may_manage_keys()?;
            let removed = chain.remove().map_err(key_error)?;
            if removed {
                till.record_key_change("remove", "the keychain's key")?;
            }
            out.key(None, if removed { "removed" } else { "none" }, false);
        }
    }
    Ok(())
}

/// A sale with a card: written first, then the card taken on the till's reader. A decline or a
/// cancel gives the card up (the order is marked payment_failed) and exits non-zero.
fn card_sale(
    till: Till,
    cart: &versapos_core::Cart,
    tenders: &[TenderRequest],
    test_card: Option<TestCard>,
    out: &print::Out,
) -> Result<()> {
    let connected = setup::connect(&versapos_secrets::Keychain::default())?;
    let gateway = &*connected.gateway;
    let till = std::sync::Mutex::new(till);
    let reader = cards::till_reader(gateway, &till)?;
    let pending = cards::begin_card_sale(&till, cart, tenders)?;
    let terminal = Terminal {
        gateway,
        reader,
        timing: Timing::default(),
        test_card,
    };
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let json = out.json;
    let outcome = cards::take_card(&terminal, &till, &pending, None, &cancel, &|p| {
        if !json {
            eprintln!("{}", p.message);
        }
    })?;
    match outcome {
        CardOutcome::Paid { order } => {
            out.order(&order);
            Ok(())
        }
        CardOutcome::Declined {
            payment_id,
            message,
            ..
        }
        | CardOutcome::Canceled {
            payment_id,
            message,
        } => {
            cards::abandon(gateway, &till, &payment_id)?;
            Err(CliError::CardNotPaid {
                code: "card_not_paid",
                message: format!("{message} The sale {} was not paid.", pending.receipt),
            })
        }
        // Let go already, so that it settles from Stripe.
        CardOutcome::InDoubt { message, .. } => Err(CliError::CardNotPaid {
            code: "payment_in_doubt",
            message: format!(
                "{message} (sale {}; settle it with `versapos reconcile`)",
                pending.receipt
            ),
        }),
    }
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
