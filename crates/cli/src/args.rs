//! The `versapos` command line: what each subcommand takes.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Headless administration of a VersaTalent POS till: catalog, sales, refunds, customers,
/// reports and the journal, on the till's own store.
#[derive(Parser, Debug)]
#[command(name = "versapos", version, about, propagate_version = true)]
pub struct Cli {
    /// The till's store (default: $VERSAPOS_DB if set and not empty, else the app's data folder).
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Machine-readable output; amounts are integers in minor units beside the currency.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Set up a new shop in an empty store.
    Init(InitArgs),
    /// Create a demo shop with a realistic catalog (marked DEMO on receipts) and three demo staff.
    Demo,
    /// Where the store is and what it holds: set up or not, staff accounts or not (needs nobody
    /// signed in).
    Status,
    /// Show or change the shop's settings.
    #[command(subcommand)]
    Settings(SettingsCmd),
    /// The catalog.
    #[command(subcommand)]
    Products(ProductsCmd),
    /// Ring up a sale (or park it with --park).
    Sale(SaleArgs),
    /// Park a cart to finish later (same options as `sale`, without --pay).
    Park(CartArgs),
    /// List parked carts.
    Parked,
    /// Resume a parked cart: pay for it, or discard it.
    Resume(ResumeArgs),
    /// Orders: list, show, void.
    #[command(subcommand)]
    Orders(OrdersCmd),
    /// Refund an order (all of it, chosen lines, or an amount) to its original tenders.
    Refund(RefundArgs),
    /// VIP customers and their points.
    #[command(subcommand)]
    Customers(CustomersCmd),
    /// Sales report for a period.
    Report(ReportArgs),
    /// The tamper-evident journal.
    #[command(subcommand)]
    Journal(JournalCmd),
    /// Staff accounts. The first one (an admin) needs nobody signed in; after that, commands
    /// act as a staff member signed in by PIN: $VERSAPOS_STAFF and $VERSAPOS_PIN, or asked on
    /// the terminal. A new PIN comes from $VERSAPOS_NEW_PIN or is asked twice.
    #[command(subcommand)]
    Staff(StaffCmd),
    /// The Stripe secret key in the OS keychain (an admin's): set it, see what it is, remove it.
    #[command(subcommand)]
    Keys(KeysCmd),
    /// Stripe Terminal card readers: list them, register one, choose this till's.
    #[command(subcommand)]
    Readers(ReadersCmd),
    /// Settle card payments in doubt (a till stopped or cut off mid-payment) from Stripe's own
    /// view of each PaymentIntent.
    Reconcile,
    /// Check the card payment setup (Stripe key, Stripe itself, the clock, the card reader) and
    /// say what to fix; exits 1 when something must be fixed before taking cards.
    Doctor,
    /// Pull the Stripe events the till missed from the webhook relay and apply them (--once),
    /// keep pulling them as they come (--follow), or show where the till is in the relay's
    /// stream (--status).
    Sync(SyncArgs),
    /// The webhook relay this till pulls Stripe's events from (an admin's): its address and
    /// the till's token, kept in the OS keychain.
    #[command(subcommand)]
    Relay(RelayCmd),
    /// NFC readers for VIP cards (PC/SC): list them, or watch for cards tapped on them. Needs
    /// no store and nobody signed in.
    #[command(subcommand)]
    Nfc(NfcCmd),
    /// Copy the store to a file while the till runs (an admin's); by default into the
    /// `backups` folder next to the store.
    Backup(BackupArgs),
    /// Replace the store with a backup (an admin's). The backup is checked first; the store as
    /// it was is kept in the `backups` folder. Close the till app first.
    Restore(RestoreArgs),
    /// The receipt printer (an admin's): set it up by its address, list the printers this
    /// computer can reach, show it, print a test page, remove it.
    #[command(subcommand)]
    Printer(PrinterCmd),
    /// Print a receipt again (marked REPRINT), or write it as text (--preview).
    #[command(subcommand)]
    Print(PrintCmd),
    /// The cash drawer: open it with no sale (a manager's; journaled).
    #[command(subcommand)]
    Drawer(DrawerCmd),
    /// Shifts and cash-up: open with a float, pay in and out, drop to the safe, close with the
    /// drawer counted (the Z report), list and show them.
    #[command(subcommand)]
    Shift(ShiftCmd),
}

#[derive(Subcommand, Debug)]
pub enum ShiftCmd {
    /// Open a shift with its float: an amount (100.00) or counted by denomination
    /// (20=4,10=2 — denomination in major units = how many).
    Open {
        #[arg(long)]
        float: String,
    },
    /// The open shift: its float, when and by whom it was opened, its cash movements.
    Status,
    /// Cash paid into the drawer, with a reason (a manager's).
    PayIn {
        amount: String,
        #[arg(long)]
        reason: String,
    },
    /// Cash paid out of the drawer, with a reason (a manager's); never more than it holds.
    PayOut {
        amount: String,
        #[arg(long)]
        reason: String,
    },
    /// Cash taken from the drawer to the safe.
    Drop { amount: String },
    /// Close the open shift with the drawer counted (blind: the expected cash is not shown
    /// first), e.g. --count 50=2,20=3,0.50=1; prints the Z report it makes.
    Close {
        /// The drawer counted by denomination: denomination (major units) = how many.
        #[arg(long)]
        count: String,
        /// Why the drawer is over or short (needed beyond the shop's tolerance).
        #[arg(long)]
        note: Option<String>,
        /// The float left in the drawer for the next shift (default: none; the rest is banked).
        #[arg(long, default_value = "")]
        float_left: String,
    },
    /// Shifts at this till, newest first (a manager's).
    List {
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(i64).range(1..=500))]
        limit: i64,
        #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(i64).range(0..=1_000_000_000))]
        offset: i64,
    },
    /// One shift with its cash movements (a manager's).
    Show {
        #[arg(value_parser = clap::value_parser!(i64).range(1..))]
        id: i64,
    },
}

#[derive(Subcommand, Debug)]
pub enum PrinterCmd {
    /// Set up the receipt printer by its address: tcp://192.168.1.50:9100,
    /// serial:///dev/ttyUSB0?baud=38400 (serial://COM3?baud=38400), usb://04b8:0e15,
    /// spooler://EPSON TM-T20III (Windows) or cups://receipt (macOS, Linux).
    Set {
        address: String,
        /// 80mm (48 characters across), 80mm-42 (42) or 58mm (32).
        #[arg(long)]
        paper: Option<String>,
        /// The printer's character table: pc858 (the default: £ and €), pc437, pc850, wpc1252,
        /// pc866…
        #[arg(long)]
        code_page: Option<String>,
        /// The pin of the drawer's connector the printer pulses: 2 (most drawers) or 5.
        #[arg(long)]
        drawer_pin: Option<String>,
    },
    /// The printers this computer can reach: the system's printers, serial ports, USB printers.
    List,
    /// The receipt printer set up on this till, and whether it is ready.
    Show,
    /// Print a test page (and say what the printer reports).
    Test,
    /// The shop's logo at the top of each receipt (an admin's): a PNG file (at most 512 KB,
    /// printed in black and white, scaled to the paper), or `none` to take it away.
    Logo {
        /// The PNG file, or `none`.
        file: PathBuf,
    },
    /// Take the receipt printer off this till (receipts then go through the print dialog).
    Remove,
}

#[derive(Subcommand, Debug)]
pub enum PrintCmd {
    /// Print an order's receipt again, marked REPRINT (or a refund's receipt with --refund).
    Receipt {
        /// The order's receipt number (T1-000042) or id.
        order: String,
        /// Write the receipt as text to stdout, as wide as the printer's paper, instead of
        /// printing it.
        #[arg(long)]
        preview: bool,
        /// The receipt of this refund of the order (its id, as `versapos orders show` lists it).
        #[arg(long, value_name = "REFUND_ID")]
        refund: Option<String>,
    },
    /// Print a Z report again, exactly as it printed at its close (the newest, or number N).
    Z {
        #[arg(value_parser = clap::value_parser!(i64).range(1..))]
        number: Option<i64>,
    },
}

#[derive(Subcommand, Debug)]
pub enum DrawerCmd {
    /// Open the cash drawer with no sale: the `no_sale` permission (a manager's; a cashier
    /// cannot), journaled with who opened it.
    Open,
}

#[derive(Args, Debug)]
pub struct BackupArgs {
    /// Where to write the backup (default: the `backups` folder, named with the time).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Overwrite FILE if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// The backup to restore.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Do not ask for confirmation (needed when not on a terminal).
    #[arg(long)]
    pub yes: bool,
}

#[derive(Subcommand, Debug)]
pub enum NfcCmd {
    /// The NFC readers the PC/SC service sees, and whether a card is on each; exits 1 when the
    /// service is not running or no reader is plugged in.
    Readers,
    /// Print each card tapped (its reader and UID), one line per tap (with --json, one JSON
    /// object per line for every event), until stopped.
    Watch(NfcWatchArgs),
}

#[derive(Args, Debug)]
pub struct NfcWatchArgs {
    /// Exit after the first tap.
    #[arg(long)]
    pub once: bool,
    /// With --once: exit 1 if no card is tapped within this many seconds (1 to 86400).
    #[arg(long, value_name = "SECONDS", requires = "once",
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub timeout: Option<u64>,
    /// Watch only this reader (its name as `versapos nfc readers` prints it).
    #[arg(long, value_name = "NAME")]
    pub reader: Option<String>,
}

#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["once", "status", "follow"])))]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct SyncArgs {
    #[command(subcommand)]
    pub action: Option<SyncCmd>,
    /// Pull until the relay has nothing newer, print what was applied.
    #[arg(long)]
    pub once: bool,
    /// The cursor, the last event, the last error, the backlog, and whether a relay is set up.
    #[arg(long)]
    pub status: bool,
    /// Keep pulling (a long poll, backing off while the relay is down), one line per event, until
    /// stopped; safe to stop at any moment.
    #[arg(long)]
    pub follow: bool,
}

/// What to do with a Stripe event set aside because it could not be applied.
#[derive(Subcommand, Debug)]
pub enum SyncCmd {
    /// Try a set-aside event again (after fixing what stopped it, e.g. the Stripe key).
    Retry {
        /// The event's id (evt_…), as `sync --status` lists it.
        event: String,
    },
    /// Dismiss a set-aside event: the till will not apply it (a manager's; journaled with the
    /// reason).
    Dismiss {
        /// The event's id (evt_…), as `sync --status` lists it.
        event: String,
        /// Why, for the journal.
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum RelayCmd {
    /// Set the relay's address; the till's token comes from $VERSAPOS_RELAY_TOKEN or is asked
    /// without echo.
    Set {
        /// The relay's address, e.g. https://relay.example.com
        #[arg(long)]
        url: String,
    },
    /// The relay's address and the last four characters of the token.
    Show,
    /// Remove the relay's address and token from the keychain.
    Remove,
}

#[derive(Subcommand, Debug)]
pub enum ReadersCmd {
    /// The readers on the Stripe account, with their state; the till's own is marked.
    List,
    /// The Terminal locations readers can be registered at.
    Locations,
    /// Register a reader with the code it shows on its screen (test mode: simulated-wpe).
    Register {
        /// The registration code shown on the reader.
        #[arg(long)]
        code: String,
        /// A name for it, e.g. "Till 1".
        #[arg(long)]
        label: String,
        /// The location's id (tml_…); see `versapos readers locations`.
        #[arg(long)]
        location: String,
    },
    /// Take cards on this reader at this till.
    Use {
        /// The reader's id (tmr_…).
        id: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum KeysCmd {
    /// Put the key in the OS keychain: from $VERSAPOS_NEW_KEY, or asked without echo.
    Set,
    /// What key the till uses (kind, mode, last four characters, keychain or environment).
    Show,
    /// Remove the key from the OS keychain.
    Remove,
}

#[derive(Subcommand, Debug)]
pub enum StaffCmd {
    /// Add a staff member (cashier, manager or admin).
    Add {
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "cashier")]
        role: String,
    },
    /// List the staff accounts.
    List,
    /// Disable an account (the last admin cannot be disabled).
    Disable { name: String },
    /// Enable a disabled account again.
    Enable { name: String },
    /// Give an account a new PIN (also unlocks it).
    ResetPin { name: String },
    /// Unlock an account locked after wrong PINs.
    Unlock { name: String },
    /// Change an account's role (the last admin keeps theirs).
    SetRole { name: String, role: String },
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// The shop's name as printed on receipts.
    #[arg(long)]
    pub shop: String,
    /// ISO 4217 currency code (GBP, EUR, USD, JPY, KWD…).
    #[arg(long)]
    pub currency: String,
    /// This till's id (letters, digits, - and _), part of every receipt number.
    #[arg(long)]
    pub till: String,
    /// Shelf prices include tax (the default).
    #[arg(long, conflicts_with = "prices_exclude_tax")]
    pub prices_include_tax: bool,
    /// Tax is added at the till.
    #[arg(long)]
    pub prices_exclude_tax: bool,
    /// A tax rate as NAME=PERCENT (repeat for several; default standard=20, reduced=5, zero=0).
    #[arg(long = "tax-rate", value_name = "NAME=PERCENT")]
    pub tax_rates: Vec<String>,
    /// The rate new products get when none is given (default: the first --tax-rate).
    #[arg(long)]
    pub default_tax_rate: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum SettingsCmd {
    /// Show the shop's settings.
    Show,
    /// Change a setting: shop-name, tax-mode, cash-rounding (none|0.05|0.10), loyalty-earn,
    /// loyalty-redeem, low-stock-level, default-tax-rate, lock-minutes, locale (en-GB, en-US,
    /// de-DE, fr-FR, ja-JP… or computer), time-zone (Europe/London… or computer), discount-limit,
    /// card-reader, nfc-reader (a reader's name as `nfc readers` lists it, or any),
    /// update-install (next-start|when-idle|manager), update-url (an https address of the
    /// release manifest, or default).
    Set { key: String, value: String },
    /// Add or change a tax rate.
    TaxRate { name: String, percent: String },
}

#[derive(Subcommand, Debug)]
pub enum ProductsCmd {
    /// Import a catalog CSV (sku,name,price required; barcode,tax_rate,stock,category optional).
    Import { file: PathBuf },
    /// Export the catalog as CSV (to stdout or --out).
    Export {
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// List products in name order.
    List {
        #[arg(long)]
        category: Option<String>,
        /// Page 1 to 1000000.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(i64).range(1..=1_000_000))]
        page: i64,
        /// Products per page, 1 to 10000.
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(i64).range(1..=10_000))]
        per_page: i64,
    },
    /// Find products by name, SKU or barcode.
    Find {
        text: String,
        /// At most this many, 1 to 1000.
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u16).range(1..=1000))]
        limit: u16,
    },
    /// Show one product.
    Show { sku: String },
    /// Add one product.
    Add(NewProductArgs),
    /// Change a product's price.
    SetPrice { sku: String, price: String },
    /// Set a product's counted stock.
    SetStock {
        sku: String,
        #[arg(allow_hyphen_values = true)]
        stock: i64,
    },
    /// Products at or below their reorder level.
    LowStock,
}

#[derive(Args, Debug)]
pub struct NewProductArgs {
    #[arg(long)]
    pub sku: String,
    #[arg(long)]
    pub name: String,
    #[arg(long)]
    pub price: String,
    #[arg(long)]
    pub barcode: Option<String>,
    #[arg(long)]
    pub tax_rate: Option<String>,
    #[arg(long, default_value_t = 0)]
    pub stock: i64,
    #[arg(long)]
    pub category: Option<String>,
}

impl From<NewProductArgs> for versapos_till::NewProductInput {
    fn from(a: NewProductArgs) -> Self {
        versapos_till::NewProductInput {
            sku: a.sku,
            name: a.name,
            price: a.price,
            barcode: a.barcode,
            tax_rate: a.tax_rate,
            stock: a.stock,
            category: a.category,
        }
    }
}

#[derive(Args, Debug, Clone)]
pub struct CartArgs {
    /// A product by SKU or barcode, with an optional quantity: SKU or SKU:QTY (repeat).
    #[arg(
        long = "item",
        value_name = "SKU[:QTY]",
        required = true,
        allow_hyphen_values = true
    )]
    pub items: Vec<String>,
    /// Link a VIP customer by id.
    #[arg(long)]
    pub customer: Option<i64>,
    /// Order discount: a percentage (10%) or an amount (2.50).
    #[arg(long, allow_hyphen_values = true)]
    pub discount: Option<String>,
    /// Line discount: SKU=10% or SKU=0.50 (repeat).
    #[arg(
        long = "line-discount",
        value_name = "SKU=DISCOUNT",
        allow_hyphen_values = true
    )]
    pub line_discounts: Vec<String>,
    /// Sell a line at another price than the catalog's: SKU=PRICE (a manager's permission).
    #[arg(
        long = "line-price",
        value_name = "SKU=PRICE",
        allow_hyphen_values = true
    )]
    pub line_prices: Vec<String>,
    /// A note for a parked cart.
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Args, Debug)]
pub struct SaleArgs {
    #[command(flatten)]
    pub cart: CartArgs,
    /// A tender: cash, cash:AMOUNT (what was handed over), points:N, card[:AMOUNT] (repeat).
    #[arg(long = "pay", value_name = "TENDER", allow_hyphen_values = true)]
    pub pay: Vec<String>,
    /// Park the cart instead of paying.
    #[arg(long, conflicts_with = "pay")]
    pub park: bool,
    /// Demo or test mode: give the simulated reader this test card as soon as it asks
    /// (approved, declined, insufficient_funds, lost_card, expired).
    #[arg(long = "test-card", value_name = "CARD")]
    pub test_card: Option<String>,
}

#[derive(Args, Debug)]
pub struct ResumeArgs {
    /// The parked cart's id (see `versapos parked`).
    pub id: i64,
    /// Tenders, as for `sale`.
    #[arg(long = "pay", value_name = "TENDER", allow_hyphen_values = true)]
    pub pay: Vec<String>,
    /// Throw the parked cart away instead.
    #[arg(long, conflicts_with = "pay")]
    pub discard: bool,
}

#[derive(Subcommand, Debug)]
pub enum OrdersCmd {
    /// Orders, newest first.
    List {
        /// open, payment_pending, payment_failed, paid, partially_refunded, refunded, voided.
        #[arg(long)]
        status: Option<String>,
        /// At most this many, 1 to 10000.
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(i64).range(1..=10_000))]
        limit: i64,
        /// Skip this many of the newest first.
        #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(i64).range(0..))]
        offset: i64,
    },
    /// One order by id or receipt number (T1-000042 or 42).
    Show { id: String },
    /// Void a paid order before any refund: money back, stock back, points undone.
    Void { id: String },
}

#[derive(Args, Debug)]
pub struct RefundArgs {
    /// The order's id or receipt number.
    pub order: String,
    /// Refund a line: SKU:QTY (repeat). Without --line or --amount the whole order.
    #[arg(long = "line", value_name = "SKU:QTY", allow_hyphen_values = true)]
    pub lines: Vec<String>,
    /// Refund an amount instead of lines.
    #[arg(long, conflicts_with = "lines", allow_hyphen_values = true)]
    pub amount: Option<String>,
    /// Put the refunded goods back in stock.
    #[arg(long)]
    pub restock: bool,
}

#[derive(Subcommand, Debug)]
pub enum CustomersCmd {
    /// Enrol a VIP customer.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        /// The VIP card they are given (its UID in hex), linked as they are enrolled.
        #[arg(long, value_name = "UID")]
        card: Option<String>,
    },
    /// List customers, optionally matching a name, email or phone.
    List {
        #[arg(long)]
        search: Option<String>,
        /// At most this many, 1 to 10000.
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(i64).range(1..=10_000))]
        limit: i64,
    },
    /// A customer with their points balance and history.
    Show { id: i64 },
    /// Give a customer who has no VIP card yet their card (UID in hex: "04A1B2C3D4E5F6",
    /// spaces or ':' allowed). Linking their own card again changes nothing.
    LinkCard {
        /// The customer's id.
        id: i64,
        /// The card's UID in hex.
        uid: String,
    },
    /// Who a VIP card belongs to. Exit 0 and the customer for a VIP's card; exit 1 for a card
    /// that is blocked or unknown (with --json: {"card": {"kind": "blocked"|"unknown", ...}}),
    /// so a script can test `if versapos customers find-card UID`.
    FindCard {
        /// The card's UID in hex.
        uid: String,
    },
    /// Block a lost VIP card (a manager's): it comes off its customer, who keeps their points,
    /// and can never be linked again.
    BlockCard {
        /// The lost card's UID in hex.
        uid: String,
        /// Why, for the record: "lost", "stolen"…
        #[arg(long)]
        reason: Option<String>,
    },
    /// Replace a lost VIP card with a new one (a manager's): the old card is blocked and the new
    /// one linked to the same customer, points and all, in one go.
    ReplaceCard {
        /// The lost card's UID in hex (it may already be blocked).
        old_uid: String,
        /// The new card's UID in hex.
        new_uid: String,
    },
    /// Correct a customer's name, email or phone; an empty --email or --phone takes it off.
    Edit {
        /// The customer's id.
        id: i64,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        phone: Option<String>,
    },
    /// Make two records of one person one (a manager's): OTHER's orders, points and card go to
    /// KEEP; a second card is blocked. OTHER stays only as a pointer to KEEP.
    Merge {
        /// The customer to keep.
        keep: i64,
        /// The customer merged into KEEP.
        other: i64,
    },
    /// Erase a customer's personal data for good (a manager's): name, email, phone and card go;
    /// their orders and points stay under their number. Cannot be undone, hence --yes.
    Erase {
        /// The customer's id.
        id: i64,
        /// Yes, erase them.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// `x`: the X report of what is in no Z yet (resets nothing); `z`: a Z report as it was
    /// printed at its shift's close (the newest, or number N).
    #[arg(value_parser = ["x", "z"])]
    pub which: Option<String>,
    /// The Z report's number (with `z`).
    #[arg(requires = "which", value_parser = clap::value_parser!(i64).range(1..))]
    pub number: Option<i64>,
    /// First business day (YYYY-MM-DD, today or yesterday).
    #[arg(long, required_unless_present = "which")]
    pub from: Option<String>,
    /// Last business day, inclusive.
    #[arg(long, required_unless_present = "which")]
    pub to: Option<String>,
    /// day, hour, product, tender or staff.
    #[arg(long, default_value = "day")]
    pub by: String,
    /// CSV instead of a table.
    #[arg(long)]
    pub csv: bool,
    /// At most this many rows (e.g. top 20 products), 1 to 100000.
    #[arg(long, value_parser = clap::value_parser!(i64).range(1..=100_000))]
    pub limit: Option<i64>,
}

#[derive(Subcommand, Debug)]
pub enum JournalCmd {
    /// Check the journal's chain, that every order and refund is in it, and each till's signed
    /// head against the store's journal key in the OS keychain.
    Verify {
        /// Also compare with the copy of this till's signed head kept by the webhook relay (a
        /// store put back to an older copy, or rewritten, no longer matches it).
        #[arg(long)]
        relay: bool,
    },
    /// Sign over entries written without the store's journal key (an admin's, after looking at
    /// them): the acceptance is itself a journal entry. Refused while the chain has problems or
    /// a signed entry was rewritten.
    Sign,
}
