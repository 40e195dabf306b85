//! What can go wrong at the till, in words a cashier or IT person can act on.

use versapos_core::{
    CartError, IdError, LoyaltyError, MoneyError, Permission, RefundError, Role, TenderError,
};

/// A problem found in an import file, located by line and column.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct ImportProblem {
    pub line: u64,
    pub column: String,
    pub message: String,
}

impl std::fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TillError {
    #[error("no shop is set up in {0}: run `versapos init` or `versapos demo` first")]
    NoShop(String),
    #[error("a shop is already set up in {0}")]
    AlreadySetUp(String),
    #[error("unknown product '{0}': no SKU or barcode matches")]
    UnknownProduct(String),
    #[error("no customer with id {0}")]
    UnknownCustomer(i64),
    #[error("{field}: card {uid} was reported lost and is blocked: it cannot be linked to anyone")]
    CardBlocked { field: &'static str, uid: String },
    #[error("{field}: card {uid} is already linked to another customer")]
    CardInUse { field: &'static str, uid: String },
    #[error("no order '{0}' (give its id or receipt number)")]
    UnknownOrder(String),
    #[error("no parked cart {0}")]
    UnknownParkedCart(i64),
    #[error("unknown tax rate '{0}'")]
    UnknownTaxRate(String),
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("order {receipt} is {status} and cannot be {action}")]
    WrongState {
        receipt: String,
        status: String,
        action: &'static str,
    },
    #[error("a sale is in progress on the register: finish, park or void it first")]
    SaleInProgress,
    #[error("card payments need a card reader, and none is set up on this till")]
    CardUnavailable,
    #[error("no card payment '{0}' on this till")]
    UnknownPayment(String),
    #[error("the card payment of sale {0} is being taken at another till window: wait for it to finish there")]
    CardBusy(String),
    #[error("card payment {payment} is already settled: its order is {status}")]
    CardSettled { payment: String, status: String },
    #[error("a card refund on order {0} is still in doubt: settle it (`versapos reconcile`) before refunding again")]
    CardRefundPending(String),
    #[error("part of this refund goes back to a card: it is made through Stripe (the till's refund screen or `versapos refund`)")]
    CardRefundNeedsStripe,
    #[error("order {0} was paid by card: refund it instead of voiding it, so the card gets its money back")]
    CardPaidVoid(String),
    #[error("no staff member is signed in: sign in with your PIN first")]
    NotSignedIn,
    #[error("{}", not_permitted(*permission, *role))]
    NotPermitted { permission: Permission, role: Role },
    #[error("no staff member named '{0}'")]
    UnknownStaff(String),
    #[error("{0}'s account is disabled")]
    StaffDisabled(String),
    /// The same for a name that is no staff member's, so that guessing tells nothing.
    #[error("wrong name or PIN for '{name}' (five wrong PINs in a row lock the account)")]
    WrongPin { name: String },
    #[error(
        "{name}'s account is locked after too many wrong PINs until {} (an admin can unlock it)",
        versapos_core::text::time_for_people(until)
    )]
    StaffLocked { name: String, until: String },
    #[error("{file}: {} problem(s), nothing imported:\n{}", problems.len(), list_problems(problems))]
    Import {
        file: String,
        problems: Vec<ImportProblem>,
    },
    #[error("the store {path} has schema version {found}, newer than this VersaTalent POS ({known}): update the app")]
    SchemaTooNew {
        path: String,
        found: i64,
        known: i64,
    },
    #[error("the store {path} could not be upgraded: {reason}; it was left as it was")]
    UpgradeFailed { path: String, reason: String },
    #[error("could not back up the store to {path} before upgrading it: {reason}; the store was not upgraded (fix this and start the till again)")]
    BackupFailed { path: String, reason: String },
    #[error("{0} already exists: choose another file, or overwrite it (--force)")]
    BackupExists(String),
    #[error("{file} cannot be restored: {reason}")]
    BadBackup { file: String, reason: String },
    #[error("the store {0} is in use: close the till app (and any other `versapos` command) and try again")]
    StoreInUse(String),
    /// The store holds a trigger, view, index or table the till did not make, or a table not as
    /// the till made it: changed outside VersaTalent POS, so it is not used.
    #[error("the store {path} holds {found}: it was changed outside VersaTalent POS and is not opened (restore a backup, or have it checked)")]
    StoreTampered { path: String, found: String },
    #[error("no receipt printer is set up on this till: set one up in Settings → Printer (or `versapos printer set ADDRESS`); the cash drawer opens through it")]
    NoPrinter,
    /// The receipt printer could not print or open the drawer (offline, out of paper, cover
    /// open…); `code` says which, the message what to do. Nothing was lost: print again.
    #[error("{message}")]
    Printer { code: &'static str, message: String },
    #[error(
        "a shift is already open at this till (since {opened_at}): close it before opening another"
    )]
    ShiftOpen { opened_at: String },
    #[error("no shift is open at this till: open one with its float first")]
    NoShiftOpen,
    #[error("no shift {0}")]
    UnknownShift(i64),
    #[error("no Z report number {0} at this till")]
    UnknownZ(i64),
    #[error("a card payment is in progress ({0}): finish it or settle it (`versapos reconcile`) before closing the shift")]
    CardInProgress(String),
    #[error(transparent)]
    Shift(#[from] versapos_core::shift::ShiftError),
    #[error(transparent)]
    Cart(#[from] CartError),
    #[error(transparent)]
    Tender(#[from] TenderError),
    #[error(transparent)]
    Refund(#[from] RefundError),
    #[error(transparent)]
    Money(#[from] MoneyError),
    #[error(transparent)]
    Id(#[from] IdError),
    #[error(transparent)]
    Loyalty(#[from] LoyaltyError),
    #[error("store error: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

fn list_problems(problems: &[ImportProblem]) -> String {
    let mut s: Vec<String> = problems.iter().take(50).map(|p| format!("  {p}")).collect();
    if problems.len() > 50 {
        s.push(format!("  … and {} more", problems.len() - 50));
    }
    s.join("\n")
}

impl TillError {
    pub fn card_settled(payment: &str, status: &str) -> Self {
        TillError::CardSettled {
            payment: payment.to_string(),
            status: status.to_string(),
        }
    }

    /// A refusal naming the field; whatever the message quotes of what was typed or read,
    /// control characters are shown escaped.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        TillError::Invalid {
            field: versapos_core::text::printable(field).into_owned(),
            message: versapos_core::text::printable(&message).into_owned(),
        }
    }

    /// A stable code for the UI and scripts to switch on.
    pub fn code(&self) -> &'static str {
        match self {
            TillError::NoShop(_) => "no_shop",
            TillError::AlreadySetUp(_) => "already_set_up",
            TillError::UnknownProduct(_) => "unknown_product",
            TillError::UnknownCustomer(_) => "unknown_customer",
            TillError::CardBlocked { .. } => "card_blocked",
            TillError::CardInUse { .. } => "card_in_use",
            TillError::UnknownOrder(_) => "unknown_order",
            TillError::UnknownParkedCart(_) => "unknown_parked_cart",
            TillError::UnknownTaxRate(_) => "unknown_tax_rate",
            TillError::Invalid { .. } => "invalid_input",
            TillError::WrongState { .. } => "wrong_state",
            TillError::SaleInProgress => "sale_in_progress",
            TillError::CardUnavailable => "card_unavailable",
            TillError::UnknownPayment(_) => "unknown_payment",
            TillError::CardBusy(_) => "card_busy",
            TillError::CardSettled { .. } => "card_settled",
            TillError::CardRefundPending(_) => "card_refund_pending",
            TillError::CardRefundNeedsStripe => "card_refund_needs_stripe",
            TillError::CardPaidVoid(_) => "card_paid_void",
            TillError::NotSignedIn => "not_signed_in",
            TillError::NotPermitted { .. } => "not_permitted",
            TillError::UnknownStaff(_) => "unknown_staff",
            TillError::StaffDisabled(_) => "staff_disabled",
            TillError::WrongPin { .. } => "wrong_pin",
            TillError::StaffLocked { .. } => "staff_locked",
            TillError::Import { .. } => "import_failed",
            TillError::SchemaTooNew { .. } => "schema_too_new",
            TillError::BackupFailed { .. } => "backup_failed",
            TillError::BackupExists(_) => "backup_exists",
            TillError::BadBackup { .. } => "bad_backup",
            TillError::StoreInUse(_) => "store_in_use",
            TillError::StoreTampered { .. } => "store_tampered",
            TillError::UpgradeFailed { .. } => "upgrade_failed",
            TillError::NoPrinter => "no_printer",
            TillError::ShiftOpen { .. } => "shift_open",
            TillError::NoShiftOpen => "no_shift_open",
            TillError::UnknownShift(_) => "unknown_shift",
            TillError::UnknownZ(_) => "unknown_z",
            TillError::CardInProgress(_) => "card_in_progress",
            TillError::Shift(e) => e.code(),
            TillError::Printer { code, .. } => code,
            TillError::Cart(CartError::Money(MoneyError::Overflow) | CartError::TooLarge(_))
            | TillError::Money(MoneyError::Overflow) => "amount_overflow",
            TillError::Cart(_) => "cart_invalid",
            TillError::Tender(TenderError::InsufficientTender { .. }) => "insufficient_tender",
            TillError::Tender(TenderError::NotEnoughPoints { .. }) => "not_enough_points",
            TillError::Tender(_) => "tender_invalid",
            TillError::Refund(RefundError::MoreThanPaid { .. }) => "refund_exceeds_paid",
            TillError::Refund(_) => "refund_invalid",
            TillError::Money(_) => "amount_invalid",
            TillError::Id(_) => "id_invalid",
            TillError::Loyalty(_) => "points_invalid",
            TillError::Database(_) => "database",
            TillError::Corrupt(_) => "corrupt",
            TillError::Io(_) => "io",
        }
    }

    /// Whether the caller asked for something wrong (as opposed to the till failing).
    pub fn is_bad_input(&self) -> bool {
        !matches!(
            self,
            TillError::Database(_)
                | TillError::Corrupt(_)
                | TillError::Io(_)
                | TillError::SchemaTooNew { .. }
                | TillError::BackupFailed { .. }
                | TillError::StoreInUse(_)
                | TillError::StoreTampered { .. }
                | TillError::CardUnavailable
                | TillError::Printer { .. }
        )
    }
}

pub type Result<T, E = TillError> = std::result::Result<T, E>;

/// A refusal in shop-floor words, the same at the window and on the command line: what was
/// refused and who may do it, with no permission's internal name ("cashiers may not refund an
/// order. A manager or an admin may.").
fn not_permitted(permission: Permission, role: Role) -> String {
    let least = permission.least_role();
    let who = match least {
        Role::Admin => "An admin".to_string(),
        r => format!("A {r} or an admin"),
    };
    format!("{role}s may not {}. {who} may.", permission.describe())
}
