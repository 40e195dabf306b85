//! VersaTalent POS's till: the application layer.
//!
//! [`Till`] is the one front of the till's business — who is signed in and what they may do,
//! the register, cash and card checkout, refunds, the catalog, customers, staff, reports and the
//! settings — and both doors, the `versapos` CLI and the desktop shell, are thin adapters over
//! it. It keeps its records in the store (`versapos-store`): persistence only, which decides
//! nothing about permissions.

pub use versapos_core::{AttentionState, EventNeedingAttention, FailedEvent};
pub use versapos_store::catalog::rate_label;
pub use versapos_store::customers::CustomerChange;
pub use versapos_store::demo::DEMO_STAFF;
pub use versapos_store::journal::SignedHead;
pub use versapos_store::refunds::{RefundLineView, RefundTenderView};
pub use versapos_store::reports::{
    amt, write_csv, PeriodRow, ProductRow, ReportRows, StaffRow, TenderRow, Totals,
};
pub use versapos_store::sales::{
    DisputeView, LineView, ParkedItem, PaymentView, RefundSummary, TaxLineView,
};
pub use versapos_store::shop::{AutoPrint, PrinterSetup, ReceiptSettings};
pub use versapos_store::staff::Change as StaffChange;
pub use versapos_store::sync::ChangeAtStripe;
pub use versapos_store::{files, parse_card_uid, Actor, AppliedEvent};
pub use versapos_store::{
    restore, BackupFile, BlockedCard, CardCharge, CardLookup, CardPaymentRef, CardRefundPart,
    Customer, ImportProblem, ImportSummary, JournalProblem, JournalReport, Moment, NewCustomer,
    NewProduct, OrderFilter, OrderSummary, OrderView, ParkedCart, PendingCard, PendingRefund,
    PointsEntry, Product, ProductDetails, RefundView, Report, ReportBy, Restored, Result, Shop,
    ShopSetup, StaffMember, SyncState, TillError, UpdateInstall,
};

pub mod cards;
pub mod journal_key;
pub mod printing;
pub mod receipt;
pub mod register;
pub mod requests;
pub mod shifts;

pub use register::{CartLineView, CartView, Sale};
pub use requests::{
    Fields, NewProductInput, OrderFilterInput, RefundInput, RefundLineInput, ReportQuery,
    ShopSetupInput, StaffChangeRequest, TaxRateInput,
};

use chrono::{DateTime, FixedOffset, NaiveDate};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use versapos_core::{
    CardUid, Cart, CartLine, Clock, CustomerId, Discount, Money, OrderStatus, Permission, Pin,
    RefundRequest, Role, Sku, TaxRate, TenderRequest,
};
use versapos_store::{
    backup, card_sessions, catalog, customers, db, demo, import, journal, open, refunds, reports,
    sales, shop, staff, sync,
};

/// An order status as a person or a script names it ("paid", "payment_pending"); refused naming
/// `field` and the statuses there are. Both doors' order lists read their filter through it.
pub fn parse_order_status(text: &str, field: &str) -> Result<OrderStatus> {
    OrderStatus::parse(text).ok_or_else(|| {
        let known: Vec<&str> = OrderStatus::ALL.iter().map(|s| s.as_str()).collect();
        TillError::invalid(
            field,
            format!("'{text}': expected one of {}", known.join(", ")),
        )
    })
}

/// What it takes to add or change a staff account with `role`.
fn manage_permission(role: Role) -> Permission {
    match role {
        Role::Cashier => Permission::ManageCashiers,
        Role::Manager | Role::Admin => Permission::ManageManagers,
    }
}

/// The machine's clock in local time.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<FixedOffset> {
        chrono::Local::now().fixed_offset()
    }
}

/// One till's store and everything it can do.
pub struct Till {
    conn: Connection,
    path: PathBuf,
    shop: Option<Shop>,
    clock: Box<dyn Clock>,
    /// Who is signed in at this till.
    signed_in: Option<Actor>,
    /// A manager's approval of one action the signed-in person may not do alone.
    approval: Option<(Permission, Actor)>,
    /// How big a discount the waiting large-discount approval covers: the cart's largest
    /// discount when the approval was first checked against it. A bigger one needs approving
    /// again (the approval is of that discount, not of any discount).
    approved_discount: std::cell::Cell<Option<versapos_core::DiscountShare>>,
    /// Signs each head the journal reaches with the store's key in the OS keychain.
    signer: std::sync::Arc<dyn journal::JournalSigner>,
}

impl Till {
    /// Opens (creating if needed) the store at `path`, on the system clock.
    pub fn open(path: &Path) -> Result<Till> {
        Till::open_with_clock(path, Box::new(SystemClock))
    }

    pub fn open_with_clock(path: &Path, clock: Box<dyn Clock>) -> Result<Till> {
        let (mut conn, migrated_from) = open::open_migrating(path)?;
        let signer = journal_key::KeychainSigner::shared();
        if migrated_from.is_some_and(|v| v < journal::SIGNED_SINCE_SCHEMA) {
            journal::sign_heads_at_upgrade(&mut conn, signer.as_ref())?;
        }
        let shop = shop::load(&conn)?;
        Ok(Till {
            conn,
            path: path.to_path_buf(),
            shop,
            clock,
            signed_in: None,
            approval: None,
            approved_discount: std::cell::Cell::new(None),
            signer,
        })
    }

    /// The till's clock as Unix seconds.
    pub(crate) fn unix_now(&self) -> i64 {
        self.clock.now().timestamp()
    }

    pub fn set_clock(&mut self, clock: Box<dyn Clock>) {
        self.clock = clock;
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The raw connection, for tests and benchmarks only (the `test-support` feature, which
    /// only their dev-dependencies turn on): no door can reach the store around the till.
    #[cfg(feature = "test-support")]
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Now, in the shop's time zone when it has one (else as the computer's clock gives it): the
    /// business day and hour of what happens now, and what "today" is.
    fn shop_now(&self) -> chrono::DateTime<chrono::FixedOffset> {
        let now = self.clock.now();
        match self.shop.as_ref().and_then(versapos_store::shop::time_zone) {
            Some(tz) => now.with_timezone(&tz).fixed_offset(),
            None => now,
        }
    }

    fn moment(&self) -> Moment {
        let mut when = Moment::new(self.shop_now());
        when.signer = Some(self.signer.clone());
        when
    }

    // Staff: who is signed in, and what they may do.

    /// Whether this store has staff accounts. A store without any (one made before staff
    /// accounts existed) works without signing in until its first admin is added.
    pub fn has_staff(&self) -> Result<bool> {
        staff::any(&self.conn)
    }

    /// Who is signed in.
    pub fn signed_in(&self) -> Option<&Actor> {
        self.signed_in.as_ref()
    }

    /// The journal's till for staff entries: the shop's till, or "-" before a shop exists.
    fn journal_till(&self) -> String {
        self.shop
            .as_ref()
            .map(|s| s.till_id.as_str().to_string())
            .unwrap_or_else(|| "-".to_string())
    }

    /// Signs `name` in with their PIN; whoever was signed in is signed out (a quick switch
    /// keeps the sale on the register as it is). Wrong PINs count towards the lock.
    pub fn sign_in(&mut self, name: &str, pin: &str) -> Result<Actor> {
        let now = self.clock.now();
        let when = self.moment();
        let till = self.journal_till();
        let actor = staff::verify(&mut self.conn, &till, name, pin, now, &when)?;
        self.approval = None;
        self.approved_discount.set(None);
        // A cashier change within an open shift is part of the shift's record.
        versapos_store::shifts::note_sign_in(&mut self.conn, &till, actor.id, &when.at)?;
        self.signed_in = Some(actor.clone());
        Ok(actor)
    }

    /// Signs out (the screen locks); the sale on the register stays as it was.
    pub fn sign_out(&mut self) {
        self.signed_in = None;
        self.approval = None;
        self.approved_discount.set(None);
    }

    /// A manager's PIN approving one action `permission` that the signed-in person may not do
    /// alone: good for the next such action only, and the journal records both people.
    pub fn approve(&mut self, name: &str, pin: &str, permission: Permission) -> Result<Actor> {
        if self.signed_in.is_none() {
            return Err(TillError::NotSignedIn);
        }
        let now = self.clock.now();
        let when = self.moment();
        let till = self.journal_till();
        let approver = staff::verify(&mut self.conn, &till, name, pin, now, &when)?;
        if !approver.role.allows(permission) {
            return Err(TillError::NotPermitted {
                permission,
                role: approver.role,
            });
        }
        self.approval = Some((permission, approver.clone()));
        self.approved_discount.set(None);
        Ok(approver)
    }

    /// Checks that whoever is signed in may do `p` (a read: an approval is not used up) and
    /// returns the moment, with them in it.
    fn check(&self, p: Permission) -> Result<Moment> {
        let mut when = self.moment();
        if !self.has_staff()? {
            return Ok(when);
        }
        let actor = self.current_actor()?;
        if !actor.role.allows(p) {
            return Err(TillError::NotPermitted {
                permission: p,
                role: actor.role,
            });
        }
        when.staff = Some(actor);
        Ok(when)
    }

    /// Whether whoever is signed in may do `p`, or a manager has approved it and the approval
    /// is still waiting to be used.
    fn check_or_approved(&self, p: Permission) -> Result<()> {
        if self
            .approval
            .as_ref()
            .is_some_and(|(approved, _)| *approved == p)
            && self.signed_in.is_some()
        {
            return Ok(());
        }
        self.check(p).map(|_| ())
    }

    /// Whether the cart holds a discount more than a cashier may give alone: the shop's discount
    /// limit, held to each line discount (of its line), the order discount (of the sale after
    /// line discounts) and all of them together (of the sale before discounts).
    fn large_discount(&self, cart: &Cart) -> Result<bool> {
        self.check(Permission::Sell)?;
        if cart.lines.is_empty() {
            return Ok(false);
        }
        let shop = self.shop()?;
        let priced = cart.price(shop.tax_mode)?;
        Ok(priced.discount_beyond(shop.discount_limit).is_some())
    }

    /// Sells line `index` at `price` (major units) instead of the catalog's price: a manager's
    /// permission, or a manager's approval of that one change.
    pub fn override_price(&self, cart: &mut Cart, index: usize, price: &str) -> Result<()> {
        let price = Money::parse(price, cart.currency)
            .map_err(|e| TillError::invalid("price", e.to_string()))?;
        let mut changed = cart.clone();
        changed.set_unit_price(index, price)?;
        if changed.has_price_override() {
            self.check_or_approved(Permission::OverridePrice)?;
        }
        *cart = changed;
        Ok(())
    }

    /// Refuses a cart whose discounts need a manager the person signed in is not, unless a
    /// manager has approved it: for the register to check as the discount is given.
    pub fn check_discount(&self, cart: &Cart) -> Result<()> {
        if self.large_discount(cart)? {
            self.check_or_approved(Permission::LargeDiscount)?;
            self.within_approved_discount(cart)?;
        }
        Ok(())
    }

    /// Holds a cart to the discount a manager approved for it: the first check after the
    /// approval fixes its size; a bigger discount afterwards (20 % approved, then made 100 %) is
    /// refused until approved again. Whoever may give large discounts alone is not held.
    fn within_approved_discount(&self, cart: &Cart) -> Result<()> {
        if !self.has_staff()? {
            return Ok(());
        }
        let actor = self.current_actor()?;
        if actor.role.allows(Permission::LargeDiscount) {
            return Ok(());
        }
        let shop = self.shop()?;
        let size = cart.price(shop.tax_mode)?.largest_discount();
        match self.approved_discount.get() {
            None => {
                self.approved_discount.set(Some(size));
                Ok(())
            }
            Some(approved) if size <= approved => Ok(()),
            Some(_) => Err(TillError::NotPermitted {
                permission: Permission::LargeDiscount,
                role: actor.role,
            }),
        }
    }

    /// Like [`Till::check`] for an action that changes something: a manager's approval of
    /// exactly `p` lets it through once.
    fn authorize(&mut self, p: Permission) -> Result<Moment> {
        let mut when = self.moment();
        if !self.has_staff()? {
            return Ok(when);
        }
        let actor = self.current_actor()?;
        if actor.role.allows(p) {
            when.staff = Some(actor);
            return Ok(when);
        }
        match self.approval.take() {
            Some((approved, approver)) if approved == p => {
                when.staff = Some(actor);
                when.approved_by = Some(approver);
                Ok(when)
            }
            other => {
                self.approval = other;
                Err(TillError::NotPermitted {
                    permission: p,
                    role: actor.role,
                })
            }
        }
    }

    /// The signed-in person as the store has them now: an account disabled or demoted since
    /// signing in counts from that moment.
    fn current_actor(&self) -> Result<Actor> {
        let signed = self.signed_in.as_ref().ok_or(TillError::NotSignedIn)?;
        let member = staff::by_id(&self.conn, signed.id)?;
        if !member.active {
            return Err(TillError::StaffDisabled(member.name));
        }
        Ok(member.actor())
    }

    /// The active staff members' names and roles, for the lock screen to choose from (no PINs,
    /// nothing else: anyone at the till may see who works there).
    pub fn staff_names(&self) -> Result<Vec<(String, Role)>> {
        Ok(staff::list(&self.conn)?
            .into_iter()
            .filter(|m| m.active)
            .map(|m| (m.name, m.role))
            .collect())
    }

    /// Checks that whoever is signed in may set up payment keys (the keys themselves live in the
    /// OS keychain, never in the store).
    pub fn may_manage_keys(&self) -> Result<()> {
        self.check(Permission::ManageKeys).map(|_| ())
    }

    // What the till decides for the services outside its store (the doors ask, the till
    // answers; none of them names a permission itself).

    /// Whether whoever is signed in may use the VIP card (NFC) readers: anyone who may sell.
    pub fn may_read_vip_cards(&self) -> Result<()> {
        self.check(Permission::Sell).map(|_| ())
    }

    /// Whether whoever is signed in may look for and install app updates (a setting).
    pub fn may_update_the_app(&self) -> Result<()> {
        self.check(Permission::ChangeSettings).map(|_| ())
    }

    /// Whether whoever is signed in may put a backup in place of the store.
    pub fn may_restore_backup(&self) -> Result<()> {
        self.check(Permission::ChangeSettings).map(|_| ())
    }

    /// Whether whoever is signed in may export the catalog (asked before the file is chosen).
    pub fn may_export_catalog(&self) -> Result<()> {
        self.check(Permission::EditCatalog).map(|_| ())
    }

    /// Journals a change to the till's payment key: what was done and what kind of key, never
    /// any part of the key.
    pub fn record_key_change(&mut self, action: &str, description: &str) -> Result<()> {
        let when = self.authorize(Permission::ManageKeys)?;
        let till = self.journal_till();
        let tx = db::write(&mut self.conn)?;
        journal::append(
            &tx,
            &till,
            &when,
            "payment_key",
            action,
            &serde_json::json!({ "action": action, "key": description }),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The staff accounts (for someone who manages cashiers or more).
    pub fn staff(&self) -> Result<Vec<StaffMember>> {
        self.check(Permission::ManageCashiers)?;
        staff::list(&self.conn)
    }

    /// Adds a staff account. The first account of a store must be an admin and needs nobody
    /// signed in; after that, only someone who manages that role may add one.
    pub fn add_staff(&mut self, name: &str, role: Role, pin: &Pin) -> Result<StaffMember> {
        let when = if self.has_staff()? {
            self.check(manage_permission(role))?
        } else {
            if role != Role::Admin {
                return Err(TillError::invalid(
                    "role",
                    "the first staff member of a till must be an admin",
                ));
            }
            self.moment()
        };
        let till = self.journal_till();
        staff::add(&mut self.conn, &till, name, role, pin, &when)
    }

    /// Disables, re-enables, resets the PIN of, unlocks or changes the role of `name`.
    pub fn change_staff(&mut self, name: &str, change: StaffChange<'_>) -> Result<StaffMember> {
        let member = staff::by_name(&self.conn, name)?;
        let when = self.check(manage_permission(member.role))?;
        if let StaffChange::SetRole(role) = change {
            self.check(manage_permission(role))?;
        }
        let till = self.journal_till();
        staff::change(&mut self.conn, &till, name, change, &when)
    }

    /// Today's business day on the till's clock, in the shop's time zone: what "today" means in
    /// reports.
    pub fn today(&self) -> NaiveDate {
        self.shop_now().date_naive()
    }

    /// A business day as a manager types it: "today", "yesterday" or YYYY-MM-DD. `field` names
    /// the form field or flag in the error.
    pub fn parse_day(&self, text: &str, field: &str) -> Result<NaiveDate> {
        let today = self.today();
        match text.trim() {
            "" | "today" => Ok(today),
            "yesterday" => today
                .pred_opt()
                .ok_or_else(|| TillError::invalid(field, "there is no day before today")),
            t => NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| {
                TillError::invalid(field, format!("'{t}': expected a date as YYYY-MM-DD"))
            }),
        }
    }

    /// The shop, or a clear error when this store has not been set up.
    pub fn shop(&self) -> Result<&Shop> {
        self.shop
            .as_ref()
            .ok_or_else(|| TillError::NoShop(self.path.display().to_string()))
    }

    pub fn is_set_up(&self) -> bool {
        self.shop.is_some()
    }

    pub fn init(&mut self, setup: &ShopSetup) -> Result<&Shop> {
        let at = self.authorize(Permission::ChangeSettings)?;
        let shop = shop::init(&mut self.conn, setup, &at)?;
        Ok(self.shop.insert(shop))
    }

    /// Sets up the demo shop: a café-deli and general store with a few hundred products and a
    /// few VIP customers, marked DEMO on screen and on receipts.
    pub fn create_demo(&mut self) -> Result<ImportSummary> {
        let currency = versapos_core::Currency::from_code("GBP")?;
        let rates = demo::DEMO_TAX_RATES
            .iter()
            .map(|(n, b)| {
                TaxRate::new(n, *b).map_err(|e| TillError::invalid("tax rate", e.to_string()))
            })
            .collect::<Result<Vec<_>>>()?;
        self.init(&ShopSetup {
            name: "VersaTalent Demo Café & Store".into(),
            currency,
            till_id: versapos_core::TillId::parse("DEMO1")?,
            tax_mode: versapos_core::TaxMode::Inclusive,
            tax_rates: rates,
            default_tax_rate: Some("standard".into()),
            demo: true,
        })?;
        let shop = self.shop()?.clone();
        let mut rows = Vec::new();
        for (i, p) in demo::demo_catalog().into_iter().enumerate() {
            rows.push(import::ImportRow {
                line: i as u64 + 2,
                sku: Sku::parse(&p.sku)?,
                name: p.name,
                price: Money::parse(&p.price, currency)?,
                barcode: Some(versapos_core::Barcode::parse(&p.barcode)?),
                tax_rate: Some(p.tax_rate.to_string()),
                stock: Some(p.stock),
                category: Some(p.category.to_string()),
            });
        }
        let at = self.moment();
        let summary = catalog::import(
            &mut self.conn,
            &shop,
            "demo catalog",
            &rows,
            &at,
            &mut |_| {},
        )?;
        for (name, email, phone) in [
            (
                "Amelia Hart",
                Some("amelia.hart@example.com"),
                Some("+44 7700 900123"),
            ),
            ("Oliver Chen", Some("oliver.chen@example.com"), None),
            ("Priya Patel", None, Some("+44 7700 900456")),
        ] {
            self.add_customer(&NewCustomer {
                name: name.into(),
                email: email.map(str::to_string),
                phone: phone.map(str::to_string),
            })?;
        }
        // The staff last: until they exist the till needs nobody signed in.
        if !self.has_staff()? {
            let till = self.journal_till();
            let when = self.moment();
            for (name, role, pin) in demo::DEMO_STAFF {
                let pin = Pin::parse(pin).map_err(|e| TillError::invalid("pin", e.to_string()))?;
                staff::add(&mut self.conn, &till, name, *role, &pin, &when)?;
            }
        }
        Ok(summary)
    }

    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<&Shop> {
        // What the printer crate reads is checked by it, and stored as it writes it.
        let checked;
        let value = match key {
            "printer" if !matches!(value.trim(), "" | "none") => {
                let address: versapos_printer::Address =
                    value
                        .trim()
                        .parse()
                        .map_err(|e: versapos_printer::AddressError| {
                            TillError::invalid("printer", e.to_string())
                        })?;
                checked = address.to_string();
                checked.as_str()
            }
            "code-page" => {
                let page: versapos_printer::CodePage = value.trim().parse().map_err(|_| {
                    TillError::invalid("code-page", format!("unknown code page '{}'", value.trim()))
                })?;
                checked = page.to_string();
                checked.as_str()
            }
            _ => value,
        };
        let at = self.authorize(Permission::ChangeSettings)?;
        let current = self.shop()?.clone();
        let shop = shop::set(&mut self.conn, &current, key, value, &at)?;
        Ok(self.shop.insert(shop))
    }

    /// A tax rate as a person gives it, by name and percentage ("20", "5.5"): added, or its
    /// percentage changed. Both doors send it here; a problem is named by its field (`name`,
    /// `percent`), asked only of someone who may change the settings.
    pub fn change_tax_rate(&mut self, name: &str, percent: &str) -> Result<&Shop> {
        self.check(Permission::ChangeSettings)?;
        let bps = versapos_core::tax::parse_percent(percent)
            .map_err(|e| TillError::invalid("percent", e.to_string()))?;
        let rate =
            TaxRate::new(name, bps).map_err(|e| TillError::invalid("name", e.to_string()))?;
        self.set_tax_rate(&rate)
    }

    pub fn set_tax_rate(&mut self, rate: &TaxRate) -> Result<&Shop> {
        let at = self.authorize(Permission::ChangeSettings)?;
        let current = self.shop()?.clone();
        let shop = shop::set_tax_rate(&mut self.conn, &current, rate, &at)?;
        Ok(self.shop.insert(shop))
    }

    // Catalog.

    pub fn lookup(&self, code: &str) -> Result<Product> {
        self.check(Permission::Sell)?;
        catalog::lookup(&self.conn, self.shop()?, code)
    }

    pub fn find_products(&self, text: &str, limit: usize) -> Result<Vec<Product>> {
        self.check(Permission::Sell)?;
        catalog::find(&self.conn, self.shop()?, text, limit)
    }

    pub fn products(
        &self,
        category: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<Product>> {
        self.check(Permission::Sell)?;
        catalog::list(&self.conn, self.shop()?, category, offset, limit)
    }

    /// How many products [`Till::products`] pages through for `category` (None: all).
    pub fn product_count_in(&self, category: Option<&str>) -> Result<i64> {
        self.check(Permission::Sell)?;
        catalog::count_in(&self.conn, category)
    }

    pub fn product(&self, sku: &str) -> Result<Product> {
        self.check(Permission::Sell)?;
        catalog::product_by_sku(&self.conn, self.shop()?, sku)
    }

    pub fn product_count(&self) -> Result<i64> {
        self.check(Permission::Sell)?;
        catalog::count(&self.conn)
    }

    /// Products at or below their reorder level, lowest stock first, in `category` (None: all);
    /// `limit` -1: all of them.
    pub fn low_stock(
        &self,
        category: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<Product>> {
        self.check(Permission::EditCatalog)?;
        catalog::low_stock(&self.conn, self.shop()?, category, offset, limit)
    }

    /// How many products [`Till::low_stock`] pages through.
    pub fn low_stock_count(&self, category: Option<&str>) -> Result<i64> {
        self.check(Permission::EditCatalog)?;
        catalog::low_stock_count(&self.conn, self.shop()?, category)
    }

    /// Imports a catalog CSV: checked in full first; any problem and nothing is written.
    pub fn import_products(
        &mut self,
        file: &str,
        bytes: &[u8],
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<ImportSummary> {
        // Asked before the file is read, so someone who may not import hears that, not what is
        // wrong with their file; the approval, if any, is used up only by the import itself.
        self.check_or_approved(Permission::EditCatalog)?;
        let shop = self.shop()?.clone();
        let rows = import::parse_products_csv(bytes, shop.currency, &shop.tax_rates).map_err(
            |problems| TillError::Import {
                file: file.to_string(),
                problems,
            },
        )?;
        let total = rows.len() as u64;
        let at = self.authorize(Permission::EditCatalog)?;
        catalog::import(&mut self.conn, &shop, file, &rows, &at, &mut |done| {
            progress(done, total)
        })
    }

    pub fn export_products(&self, out: &mut dyn std::io::Write) -> Result<u64> {
        self.check(Permission::EditCatalog)?;
        catalog::export(&self.conn, self.shop()?, out)
    }

    /// A catalog file to fill in (see [`catalog::template`]); anyone who may edit the catalog.
    pub fn products_template(&self, out: &mut dyn std::io::Write) -> Result<u64> {
        self.check(Permission::EditCatalog)?;
        catalog::template(self.shop()?, out)
    }

    pub fn add_product(&mut self, p: &NewProduct) -> Result<Product> {
        let shop = self.shop()?.clone();
        let at = self.authorize(Permission::EditCatalog)?;
        catalog::add(&mut self.conn, &shop, p, &at)
    }

    pub fn set_price(&mut self, sku: &str, price: &str) -> Result<Product> {
        let shop = self.shop()?.clone();
        let price = Money::parse(price, shop.currency)
            .map_err(|e| TillError::invalid("price", e.to_string()))?;
        let at = self.authorize(Permission::EditCatalog)?;
        catalog::set_price(&mut self.conn, &shop, sku, price, &at)
    }

    /// Changes a product's name, barcode, category, tax rate and reorder level.
    pub fn update_product(&mut self, sku: &str, details: &ProductDetails) -> Result<Product> {
        let shop = self.shop()?.clone();
        let at = self.authorize(Permission::EditCatalog)?;
        catalog::update_details(&mut self.conn, &shop, sku, details, &at)
    }

    pub fn set_stock(&mut self, sku: &str, stock: i64) -> Result<Product> {
        let shop = self.shop()?.clone();
        let at = self.authorize(Permission::EditCatalog)?;
        catalog::set_stock(&mut self.conn, &shop, sku, stock, &at)
    }

    // Customers.

    pub fn add_customer(&mut self, c: &NewCustomer) -> Result<Customer> {
        self.enrol_customer(c, None)
    }

    /// Enrols a VIP customer with the card they were just given (a cashier's job): the
    /// customer and the card link are written together or not at all.
    pub fn enrol_customer(&mut self, c: &NewCustomer, card: Option<&CardUid>) -> Result<Customer> {
        let at = self.authorize(Permission::AddCustomer)?;
        customers::add(&mut self.conn, c, card, &at)
    }

    /// Who a tapped card belongs to: a VIP, a blocked card, or a card never seen.
    pub fn customer_by_card(&self, uid: &CardUid) -> Result<CardLookup> {
        self.check(Permission::LinkCustomer)?;
        customers::by_card(&self.conn, uid)
    }

    /// Gives a customer who has no card yet their card (a cashier's job, as at enrolment).
    /// Refused for a blocked card or another customer's; linking their own card again changes
    /// nothing. A customer's lost card is changed with [`Till::replace_card`].
    pub fn link_card(&mut self, id: CustomerId, uid: &CardUid) -> Result<Customer> {
        self.authorize(Permission::AddCustomer)?;
        let tx = db::write(&mut self.conn)?;
        let customer = customers::link_card(&tx, id, uid)?;
        tx.commit()?;
        Ok(customer)
    }

    /// Blocks a lost card (a manager's job): it comes off its customer, who keeps their
    /// points, and never identifies anyone again.
    /// Changes a customer's name, email or phone (whoever may sign customers up may correct
    /// them); journaled with which fields changed.
    pub fn edit_customer(&mut self, id: CustomerId, change: &CustomerChange) -> Result<Customer> {
        let when = self.authorize(Permission::AddCustomer)?;
        let till = self.journal_till();
        customers::edit(&mut self.conn, &till, id, change, &when)
    }

    /// Makes two records of one person one: `other`'s orders, points and card go to `keep`
    /// (a manager's job, see [`customers::merge`]).
    pub fn merge_customers(&mut self, keep: CustomerId, other: CustomerId) -> Result<Customer> {
        let when = self.authorize(Permission::ManageCustomers)?;
        let till = self.journal_till();
        customers::merge(&mut self.conn, &till, keep, other, &when)
    }

    /// Erases a customer's personal data; their orders, points and ledger stay under their
    /// number (a manager's job, see [`customers::erase`]).
    pub fn erase_customer(&mut self, id: CustomerId) -> Result<Customer> {
        let when = self.authorize(Permission::ManageCustomers)?;
        let till = self.journal_till();
        customers::erase(&mut self.conn, &till, id, &when)
    }

    pub fn block_card(&mut self, uid: &CardUid, reason: Option<&str>) -> Result<BlockedCard> {
        let when = self.authorize(Permission::ManageVipCards)?;
        let till = self.journal_till();
        customers::block_card(&mut self.conn, &till, uid, reason, &when)
    }

    /// Blocks the lost card `old` and links `new` to its customer in one transaction (a
    /// manager's job); the points stay with the customer, so they move to the new card.
    pub fn replace_card(&mut self, old: &CardUid, new: &CardUid) -> Result<Customer> {
        let when = self.authorize(Permission::ManageVipCards)?;
        let till = self.journal_till();
        customers::replace_card(&mut self.conn, &till, old, new, &when)
    }

    pub fn customer(&self, id: CustomerId) -> Result<Customer> {
        self.check(Permission::LinkCustomer)?;
        customers::get(&self.conn, id)
    }

    pub fn customers(&self, text: Option<&str>, limit: i64) -> Result<Vec<Customer>> {
        self.check(Permission::LinkCustomer)?;
        customers::list(&self.conn, text, limit)
    }

    pub fn points_ledger(&self, id: CustomerId) -> Result<Vec<PointsEntry>> {
        self.check(Permission::LinkCustomer)?;
        customers::ledger(&self.conn, id)
    }

    // Selling.

    /// An empty cart in the shop's currency.
    pub fn new_cart(&self) -> Result<Cart> {
        Ok(Cart::new(self.shop()?.currency))
    }

    /// Adds what was scanned or typed (barcode or SKU) to the cart.
    pub fn add_to_cart(&self, cart: &mut Cart, code: &str, quantity: i64) -> Result<usize> {
        self.check(Permission::Sell)?;
        let p = self.lookup(code)?;
        let line = CartLine {
            product_id: p.id,
            sku: Sku::parse(&p.sku)?,
            name: p.name,
            unit_price: p.price,
            quantity,
            tax_rate: TaxRate {
                name: p.tax_rate,
                basis_points: p.tax_basis_points,
            },
            discount: None,
            catalog_price: None,
        };
        Ok(cart.add(line)?)
    }

    /// Links a customer to the cart after checking they exist.
    pub fn link_customer(&self, cart: &mut Cart, id: CustomerId) -> Result<Customer> {
        self.check(Permission::LinkCustomer)?;
        let c = self.customer(id)?;
        cart.customer_id = Some(id);
        Ok(c)
    }

    /// The cart priced for the screen, with its linked customer.
    pub fn cart_view(&self, cart: &Cart) -> Result<CartView> {
        self.check(Permission::Sell)?;
        let customer = match cart.customer_id {
            Some(id) => Some(self.customer(id)?),
            None => None,
        };
        register::view(self.shop()?, cart, customer)
    }

    /// Reads a tender as the cashier gives it (see [`register::tender`]).
    pub fn tender(&self, kind: &str, value: Option<&str>) -> Result<TenderRequest> {
        self.check(Permission::Sell)?;
        register::tender(self.shop()?, kind, value)
    }

    /// Product categories in use, in name order.
    pub fn categories(&self) -> Result<Vec<String>> {
        self.check(Permission::Sell)?;
        catalog::categories(&self.conn)
    }

    pub fn parse_discount(&self, text: &str) -> Result<Discount> {
        self.check(Permission::Sell)?;
        Ok(Discount::parse(text, self.shop()?.currency)?)
    }

    /// Gives line `index` a discount as typed ("10%" or "0.50"; None takes it off). One above
    /// the cashier limit needs a manager (or a manager's approval); refused, the cart is as it was.
    pub fn set_line_discount(
        &self,
        cart: &mut Cart,
        index: usize,
        discount: Option<&str>,
    ) -> Result<()> {
        let discount = discount.map(|d| self.parse_discount(d)).transpose()?;
        let mut changed = cart.clone();
        changed.set_line_discount(index, discount)?;
        self.check_discount(&changed)?;
        *cart = changed;
        Ok(())
    }

    /// Gives the whole sale a discount as typed, on the same terms as [`Till::set_line_discount`].
    pub fn set_order_discount(&self, cart: &mut Cart, discount: Option<&str>) -> Result<()> {
        let discount = discount.map(|d| self.parse_discount(d)).transpose()?;
        let mut changed = cart.clone();
        changed.set_order_discount(discount);
        self.check_discount(&changed)?;
        *cart = changed;
        Ok(())
    }

    /// Commits the sale and returns it as the receipt shows it.
    pub fn checkout(&mut self, cart: &Cart, tenders: &[TenderRequest]) -> Result<OrderView> {
        self.checkout_inner(cart, tenders, None, None)
    }

    /// Completes a parked cart; the parked cart goes in the same transaction as the sale.
    pub fn checkout_parked(&mut self, id: i64, tenders: &[TenderRequest]) -> Result<OrderView> {
        let cart = self.resume(id)?;
        self.checkout_inner(&cart, tenders, Some(id), None)
    }

    fn checkout_inner(
        &mut self,
        cart: &Cart,
        tenders: &[TenderRequest],
        parked: Option<i64>,
        earlier: Option<&str>,
    ) -> Result<OrderView> {
        let shop = self.shop()?.clone();
        let when = self.sale_moment(cart)?;
        sales::checkout(&mut self.conn, &shop, cart, tenders, &when, parked, earlier)
    }

    /// Who sells this cart, with the manager's approval it needs (a large discount, a price
    /// override).
    fn sale_moment(&mut self, cart: &Cart) -> Result<Moment> {
        self.need_open_shift()?;
        let mut when = self.authorize(Permission::Sell)?;
        if self.large_discount(cart)? {
            self.within_approved_discount(cart)?;
            let approved = self.authorize(Permission::LargeDiscount)?;
            self.approved_discount.set(None);
            when.approved_by = approved.approved_by;
        }
        if cart.has_price_override() {
            let approved = self.authorize(Permission::OverridePrice)?;
            when.approved_by = approved.approved_by.or(when.approved_by);
        }
        Ok(when)
    }

    /// The sale's cart, started in the shop's currency if nothing has been rung up yet.
    pub fn sale_cart<'s>(&self, sale: &'s mut Sale) -> Result<&'s mut Cart> {
        match &mut sale.cart {
            Some(cart) => Ok(cart),
            none => Ok(none.insert(self.new_cart()?)),
        }
    }

    /// The sale priced for the screen (an empty cart before anything is rung up).
    pub fn sale_view(&self, sale: &mut Sale) -> Result<CartView> {
        self.check(Permission::Sell)?;
        let cart = self.sale_cart(sale)?;
        self.cart_view(cart)
    }

    /// Changes the sale's cart and prices it for the screen. A change that fails, or leaves a
    /// cart that cannot be priced (a discount bigger than the line, say), is undone, so the
    /// register never holds a sale it cannot sell.
    pub fn change_sale(
        &self,
        sale: &mut Sale,
        change: impl FnOnce(&Till, &mut Cart) -> Result<()>,
    ) -> Result<CartView> {
        self.check(Permission::Sell)?;
        let before = self.sale_cart(sale)?.clone();
        let cart = self.sale_cart(sale)?;
        match change(self, cart).and_then(|()| self.cart_view(cart)) {
            Ok(view) => Ok(view),
            Err(e) => {
                *cart = before;
                Err(e)
            }
        }
    }

    /// Voids the sale on the register (a resumed sale stays parked): whoever may sell may, but
    /// not a locked till, whose sale waits for its cashier.
    pub fn void_sale(&self, sale: &mut Sale) -> Result<()> {
        self.check(Permission::Sell)?;
        sale.clear();
        Ok(())
    }

    /// Brings a parked cart back to the register; refused while another sale has lines, so
    /// nothing rung up is silently dropped.
    pub fn resume_sale(&self, sale: &mut Sale, id: i64) -> Result<()> {
        self.check(Permission::ParkSale)?;
        if sale.has_lines() {
            return Err(TillError::SaleInProgress);
        }
        let cart = self.resume(id)?;
        *sale = Sale {
            cart: Some(cart),
            resumed_from: Some(id),
            order: None,
        };
        Ok(())
    }

    /// Parks the sale and starts a new one. A resumed sale replaces its old parked cart in the
    /// same transaction, so it is never parked twice.
    pub fn park_sale(&mut self, sale: &mut Sale, note: Option<&str>) -> Result<i64> {
        let shop = self.shop()?.clone();
        let cart = self.sale_cart(sale)?.clone();
        let at = self.authorize(Permission::ParkSale)?;
        let tx = db::write(&mut self.conn)?;
        let id = sales::park(&tx, &shop, &cart, note, &at.at)?;
        if let Some(old) = sale.resumed_from {
            sales::discard_parked(&tx, old)?;
        }
        tx.commit()?;
        sale.clear();
        Ok(id)
    }

    /// Completes the sale; a resumed sale's parked cart goes in the same transaction. On success
    /// the register starts a new, empty sale; on failure the sale stays as it was.
    pub fn checkout_sale(
        &mut self,
        sale: &mut Sale,
        tenders: &[TenderRequest],
    ) -> Result<OrderView> {
        let cart = self.sale_cart(sale)?.clone();
        let order =
            self.checkout_inner(&cart, tenders, sale.resumed_from, sale.order.as_deref())?;
        sale.clear();
        Ok(order)
    }

    /// Writes the sale on the register as a card sale waiting for its card: on the order of an
    /// earlier card try of the sale that did not pay, if there was one, so the sale keeps one
    /// order and gets one receipt number whatever tender pays it in the end.
    pub fn begin_sale_card(
        &mut self,
        sale: &mut Sale,
        tenders: &[TenderRequest],
    ) -> Result<PendingCard> {
        let cart = self.sale_cart(sale)?.clone();
        let pending = self.begin_card_sale_on(&cart, tenders, sale.order.as_deref())?;
        sale.order = Some(pending.order_id.clone());
        Ok(pending)
    }

    /// Writes a cart as a card sale waiting for its card (see [`sales::begin_card_sale`]); the
    /// register keeps its sale until the card is settled.
    pub fn begin_card_sale(
        &mut self,
        cart: &Cart,
        tenders: &[TenderRequest],
    ) -> Result<PendingCard> {
        self.begin_card_sale_on(cart, tenders, None)
    }

    fn begin_card_sale_on(
        &mut self,
        cart: &Cart,
        tenders: &[TenderRequest],
        earlier: Option<&str>,
    ) -> Result<PendingCard> {
        let when = self.sale_moment(cart)?;
        let shop = self.shop()?.clone();
        let owner = card_sessions::owner(&self.path)?;
        sales::begin_card_sale(&mut self.conn, &shop, cart, tenders, &when, &owner, earlier)
    }

    /// Completes a card sale Stripe took: the order is paid and booked. Settling needs nobody
    /// signed in (a payment in doubt is settled at start-up); the journal names whoever is.
    pub fn complete_card_sale(
        &mut self,
        payment_id: &str,
        charge: &CardCharge,
        parked: Option<i64>,
    ) -> Result<OrderView> {
        let shop = self.shop()?.clone();
        let when = self.settling_moment();
        let id =
            sales::complete_card_sale(&mut self.conn, &shop, payment_id, charge, &when, parked)?;
        sales::order(&self.conn, &shop, &id)
    }

    /// Gives up a card sale Stripe did not take: the order is `payment_failed`.
    pub fn fail_card_sale(&mut self, payment_id: &str, reason: &str) -> Result<OrderView> {
        let shop = self.shop()?.clone();
        let when = self.settling_moment();
        let id = sales::fail_card_sale(&mut self.conn, payment_id, reason, &when)?;
        sales::order(&self.conn, &shop, &id)
    }

    /// Notes the PaymentIntent (and reader) a card payment went to.
    pub fn record_intent(
        &self,
        payment_id: &str,
        intent_id: &str,
        mode: &str,
        reader_id: Option<&str>,
    ) -> Result<()> {
        sales::record_intent(&self.conn, payment_id, intent_id, mode, reader_id)
    }

    /// Notes (or clears) the last decline on a card payment still waiting for a card.
    pub fn record_decline(&self, payment_id: &str, decline: Option<&str>) -> Result<()> {
        sales::record_decline(&self.conn, payment_id, decline)
    }

    /// Card payments whose orders still wait for them, oldest first.
    pub fn pending_cards(&self) -> Result<Vec<PendingCard>> {
        sales::pending_cards(&self.conn)
    }

    pub fn pending_card(&self, payment_id: &str) -> Result<PendingCard> {
        sales::pending_card(&self.conn, payment_id)
    }

    /// The card payment `payment_id` if its order still waits for it; None once settled.
    pub fn find_pending_card(&self, payment_id: &str) -> Result<Option<PendingCard>> {
        sales::find_pending_card(&self.conn, payment_id)
    }

    // Card sessions: the card payments this process is taking or holding for its cashier, which
    // settlement in any process leaves alone (see [`card_sessions`]).

    /// Takes the card payment `payment_id` again (a retry after a decline or a cancel): it
    /// becomes this process's, being taken. Refused while another live till process has it.
    pub fn take_card_again(&mut self, payment_id: &str) -> Result<PendingCard> {
        let when = self.check(Permission::Sell)?;
        let owner = card_sessions::owner(&self.path)?;
        let tx = db::write(&mut self.conn)?;
        let pending = sales::pending_card(&tx, payment_id)?;
        if let Some(s) = card_sessions::get(&tx, payment_id)? {
            let dir = card_sessions::leases_dir(&self.path);
            if s.owner != owner.name && card_sessions::is_alive(&dir, &s.owner) {
                return Err(TillError::CardBusy(pending.receipt));
            }
        }
        card_sessions::take(&tx, &owner, payment_id, when.staff_id(), &when.at)?;
        tx.commit()?;
        Ok(pending)
    }

    /// Keeps a declined or canceled card payment for the cashier's decision (retry, or give
    /// the card up): still this process's, so nothing settles it behind the cashier's back.
    pub fn hold_card(&self, payment_id: &str) -> Result<()> {
        let owner = card_sessions::owner(&self.path)?;
        card_sessions::hold(&self.conn, &owner, payment_id, &self.moment().at)
    }

    /// Lets go of a card payment this process was taking (its outcome is in doubt): from now on
    /// it is settled from Stripe like any payment in doubt.
    pub fn release_card(&self, payment_id: &str) -> Result<()> {
        let owner = card_sessions::owner(&self.path)?;
        card_sessions::release(&self.conn, &owner, payment_id)
    }

    /// The card payments this process holds for its cashier (declined or canceled, waiting for
    /// a retry or for the card to be given up).
    pub fn held_cards(&self) -> Result<Vec<String>> {
        let owner = card_sessions::owner(&self.path)?;
        card_sessions::held_by(&self.conn, &owner)
    }

    /// Whether a live till process is taking or holding the card payment `payment_id`.
    pub fn card_in_hand(&self, payment_id: &str) -> Result<bool> {
        Ok(match card_sessions::get(&self.conn, payment_id)? {
            Some(s) => card_sessions::is_alive(&card_sessions::leases_dir(&self.path), &s.owner),
            None => false,
        })
    }

    /// Who may stop the card payment `payment_id` being taken: the staff member who started it,
    /// or someone who may void a sale (a manager). Anyone on a store without staff.
    /// A payment not yet written (`None`) is the signed-in cashier's own.
    pub fn may_cancel_card(&self, payment_id: Option<&str>) -> Result<()> {
        let when = self.check(Permission::Sell)?;
        let Some(me) = when.staff else {
            return Ok(());
        };
        let Some(payment_id) = payment_id else {
            return Ok(());
        };
        let started_by = card_sessions::get(&self.conn, payment_id)?.and_then(|s| s.staff_id);
        if started_by == Some(me.id) {
            return Ok(());
        }
        self.check(Permission::Void).map(|_| ())
    }

    /// The card payments in doubt: their orders wait, and no live till process is taking or
    /// holding them. These are what settlement (reconcile, sync) may settle from Stripe.
    pub fn payments_in_doubt(&self) -> Result<Vec<PendingCard>> {
        let dir = card_sessions::leases_dir(&self.path);
        let in_hand: std::collections::HashSet<String> = card_sessions::all(&self.conn)?
            .into_iter()
            .filter(|s| card_sessions::is_alive(&dir, &s.owner))
            .map(|s| s.payment_id)
            .collect();
        Ok(sales::pending_cards(&self.conn)?
            .into_iter()
            .filter(|p| !in_hand.contains(&p.payment_id))
            .collect())
    }

    // The relay: where the till is in its event stream, and the Stripe events dealt with.

    /// Where the till is in the relay's stream and how the last pull went.
    pub fn sync_state(&self) -> Result<SyncState> {
        sync::state(&self.conn)
    }

    /// The relay's cursor of the last event the till moved over (0 before the first).
    pub fn cursor(&self) -> Result<i64> {
        Ok(sync::state(&self.conn)?.cursor)
    }

    /// Moves the cursor forward over events already applied and notes the relay's backlog for
    /// the till (see [`sync::save_cursor`]).
    pub fn save_cursor(
        &mut self,
        cursor: i64,
        last_event_at: Option<&str>,
        backlog: i64,
    ) -> Result<()> {
        let at = self.moment().at;
        sync::save_cursor(&mut self.conn, cursor, last_event_at, backlog, &at)
    }

    /// Notes a pull from the relay that did not go through; the cursor stays.
    pub fn record_sync_error(&self, error: &str) -> Result<()> {
        sync::record_error(&self.conn, error, &self.moment().at)
    }

    /// Notes when a till following the relay tries again: `pause` from now (None: nothing
    /// waits).
    pub fn record_retry_in(&self, pause: Option<std::time::Duration>) -> Result<()> {
        let at = pause.map(|p| {
            let later = self.clock.now() + chrono::Duration::from_std(p).unwrap_or_default();
            later.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        });
        sync::record_retry_at(&self.conn, at.as_deref())
    }

    /// Notes a failed try of a Stripe event (see [`sync::note_failed_try`]).
    pub fn note_failed_event(&mut self, failed: &FailedEvent<'_>) -> Result<AttentionState> {
        let till = self.shop()?.till_id.to_string();
        let when = self.settling_moment();
        sync::note_failed_try(&mut self.conn, &till, failed, &when)
    }

    /// Where a Stripe event the till could not apply stands, if it is one.
    pub fn event_attention(&self, event_id: &str) -> Result<Option<AttentionState>> {
        sync::attention_state(&self.conn, event_id)
    }

    /// An event that failed before and went through now.
    pub fn event_tried_and_applied(&self, event_id: &str) -> Result<()> {
        sync::tried_and_applied(&self.conn, event_id, &self.moment().at)
    }

    /// The Stripe events set aside because they could not be applied (someone who may sell).
    pub fn events_needing_attention(&self) -> Result<Vec<EventNeedingAttention>> {
        self.check(Permission::Sell)?;
        sync::needing_attention(&self.conn)
    }

    /// A set-aside event as the relay sent it (type, text), to try it again.
    pub fn set_aside_event(&self, event_id: &str) -> Result<(String, String)> {
        self.check(Permission::Sell)?;
        sync::set_aside_event(&self.conn, event_id)
    }

    /// A set-aside event that went through when tried again (journaled).
    pub fn event_retried(&mut self, event_id: &str, result: &str) -> Result<()> {
        let till = self.shop()?.till_id.to_string();
        let when = self.authorize(Permission::Sell)?;
        sync::resolve_set_aside(
            &mut self.conn,
            &till,
            event_id,
            AttentionState::Applied,
            result,
            &when,
        )
    }

    /// Dismisses a set-aside event with the reason a manager gives (journaled with who did it):
    /// the till will not apply it.
    pub fn dismiss_event(&mut self, event_id: &str, reason: &str) -> Result<()> {
        self.check(Permission::Refund)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(TillError::invalid(
                "reason",
                "say why the event is dismissed (it is kept in the journal)",
            ));
        }
        let till = self.shop()?.till_id.to_string();
        let when = self.authorize(Permission::Refund)?;
        sync::resolve_set_aside(
            &mut self.conn,
            &till,
            event_id,
            AttentionState::Dismissed,
            reason,
            &when,
        )
    }

    /// Whether the Stripe event `event_id` was dealt with already.
    pub fn was_applied(&self, event_id: &str) -> Result<bool> {
        sync::was_applied(&self.conn, event_id)
    }

    /// Records a Stripe event as dealt with; false when it already was.
    pub fn mark_applied(&self, event_id: &str, kind: &str, result: &str) -> Result<bool> {
        sync::mark_applied(&self.conn, event_id, kind, result, &self.moment().at)
    }

    /// The Stripe events dealt with, newest first.
    pub fn applied_events(&self, limit: i64) -> Result<Vec<AppliedEvent>> {
        sync::applied_events(&self.conn, limit)
    }

    /// This till's card payment made on a PaymentIntent, if any.
    pub fn card_payment_by_intent(&self, intent_id: &str) -> Result<Option<CardPaymentRef>> {
        sync::card_payment_by_intent(&self.conn, intent_id)
    }

    /// This till's card payment by its own id, if any.
    pub fn card_payment(&self, payment_id: &str) -> Result<Option<CardPaymentRef>> {
        sync::card_payment(&self.conn, payment_id)
    }

    /// Flags the order paid on a PaymentIntent as disputed (journaled once); None when no card
    /// payment of this till was made on it.
    pub fn flag_dispute(
        &mut self,
        intent_id: &str,
        reason: &str,
    ) -> Result<Option<CardPaymentRef>> {
        let when = self.settling_moment();
        sync::flag_dispute(&mut self.conn, intent_id, reason, &when)
    }

    /// Notes where a dispute of the order paid on a PaymentIntent stands (`open`, `won`,
    /// `lost`), journaled when it changed; None when no card payment of this till was made on it.
    pub fn record_dispute(
        &mut self,
        intent_id: &str,
        dispute_id: &str,
        status: &str,
        reason: &str,
    ) -> Result<Option<(CardPaymentRef, bool)>> {
        let when = self.settling_moment();
        sync::record_dispute(
            &mut self.conn,
            intent_id,
            Some(dispute_id),
            status,
            reason,
            &when,
        )
    }

    /// The newest changes made at Stripe rather than at the till (refunds made at Stripe,
    /// disputes), for a manager.
    pub fn changes_at_stripe(&self, limit: i64) -> Result<Vec<sync::ChangeAtStripe>> {
        self.check(Permission::ReadReports)?;
        sync::changes_at_stripe(&self.conn, limit)
    }

    /// Why an order was disputed, if it was.
    pub fn dispute_reason(&self, order_id: &str) -> Result<Option<String>> {
        sync::dispute_reason(&self.conn, order_id)
    }

    /// The moment of a settlement the till makes on Stripe's word, naming whoever is signed in.
    fn settling_moment(&self) -> Moment {
        let mut when = self.moment();
        when.staff = self.signed_in.clone();
        when
    }

    pub fn park(&mut self, cart: &Cart, note: Option<&str>) -> Result<i64> {
        let at = self.authorize(Permission::ParkSale)?;
        sales::park(&self.conn, self.shop()?, cart, note, &at.at)
    }

    pub fn parked(&self) -> Result<Vec<ParkedCart>> {
        self.check(Permission::ParkSale)?;
        sales::parked(&self.conn, self.shop()?)
    }

    /// The parked cart's contents (it stays parked until the sale completes or it is discarded).
    pub fn resume(&self, id: i64) -> Result<Cart> {
        self.check(Permission::ParkSale)?;
        sales::parked_cart(&self.conn, id)
    }

    pub fn discard_parked(&mut self, id: i64) -> Result<()> {
        self.check(Permission::ParkSale)?;
        sales::discard_parked(&self.conn, id)
    }

    // Orders.

    /// One order by its id or receipt number: anyone at the till may look up the receipt in
    /// their hand (to reprint it, or to start a refund that a manager then approves).
    pub fn order(&self, reference: &str) -> Result<OrderView> {
        self.check(Permission::Sell)?;
        let shop = self.shop()?;
        let id = sales::resolve(&self.conn, shop, reference)?;
        sales::order(&self.conn, shop, &id)
    }

    pub fn orders(
        &self,
        status: Option<OrderStatus>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<OrderSummary>> {
        self.check(Permission::ReadReports)?;
        let filter = OrderFilter {
            status,
            ..OrderFilter::default()
        };
        sales::list(&self.conn, &filter, limit, offset)
    }

    /// Orders narrowed by status, business days and a receipt or customer search; newest first.
    pub fn find_orders(
        &self,
        filter: &OrderFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<OrderSummary>> {
        // Browsing orders is reading the shop's sales; finding the one receipt in hand is not.
        let one_receipt = filter.status.is_none()
            && filter.from.is_none()
            && filter.to.is_none()
            && filter.text.as_deref().is_some_and(|t| {
                let digits = t.trim().rsplit('-').next().unwrap_or_default();
                !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
            });
        self.check(if one_receipt {
            Permission::Sell
        } else {
            Permission::ReadReports
        })?;
        sales::list(&self.conn, filter, limit, offset)
    }

    pub fn void(&mut self, reference: &str) -> Result<OrderView> {
        let shop = self.shop()?.clone();
        let id = sales::resolve(&self.conn, &shop, reference)?;
        let when = self.authorize(Permission::Void)?;
        sales::void(&mut self.conn, &shop, &id, &when)?;
        sales::order(&self.conn, &shop, &id)
    }

    pub fn refund(
        &mut self,
        reference: &str,
        request: &RefundRequest,
        restock: bool,
    ) -> Result<RefundView> {
        let shop = self.shop()?.clone();
        let id = sales::resolve(&self.conn, &shop, reference)?;
        let when = self.authorize(Permission::Refund)?;
        refunds::refund(&mut self.conn, &shop, &id, request, restock, &when)
    }

    /// The refund [`Till::refund`] would make, without making it: which payment gets how much
    /// back (a card part through Stripe), the points, the order's state after. Same checks and
    /// permission as the refund; a manager's approval is not used up.
    pub fn refund_preview(
        &mut self,
        reference: &str,
        request: &RefundRequest,
        restock: bool,
    ) -> Result<RefundView> {
        let shop = self.shop()?.clone();
        let id = sales::resolve(&self.conn, &shop, reference)?;
        self.check_or_approved(Permission::Refund)?;
        let when = self.settling_moment();
        refunds::preview(&mut self.conn, &shop, &id, request, restock, &when)
    }

    /// Writes a refund whose card part Stripe is to make (see [`refunds::begin_card_refund`]),
    /// using up the manager's approval it needs. With no card part nothing is written, the
    /// approval stays, and the parts come back empty: refund with [`Till::refund`] then.
    pub fn begin_card_refund(
        &mut self,
        reference: &str,
        request: &RefundRequest,
        restock: bool,
    ) -> Result<PendingRefund> {
        let shop = self.shop()?.clone();
        let id = sales::resolve(&self.conn, &shop, reference)?;
        let approval = self.approval.clone();
        let when = self.authorize(Permission::Refund)?;
        let pending =
            refunds::begin_card_refund(&mut self.conn, &shop, &id, request, restock, &when);
        if !matches!(&pending, Ok(p) if !p.parts.is_empty()) {
            // Nothing was written: the approval is still good for the refund itself.
            self.approval = approval;
        }
        pending
    }

    /// Commits a card refund once Stripe made every part (`stripe_ids`: each part's key and
    /// Stripe's refund id). Needs nobody signed in (a refund in doubt is settled at start-up):
    /// the journal names who asked for it. Completing it again returns the same refund.
    pub fn complete_card_refund(
        &mut self,
        refund_id: &str,
        stripe_ids: &[(String, String)],
    ) -> Result<RefundView> {
        let shop = self.shop()?.clone();
        let at = self.moment();
        refunds::complete_card_refund(&mut self.conn, &shop, refund_id, stripe_ids, &at)
    }

    /// Books a refund made at Stripe, not by the till (see [`refunds::book_refund_at_stripe`]).
    pub fn book_refund_at_stripe(
        &mut self,
        intent_id: &str,
        stripe_refund_id: &str,
        refund_key: Option<&str>,
        amount: i64,
    ) -> Result<refunds::AtStripe> {
        let shop = self.shop()?.clone();
        let when = self.settling_moment();
        refunds::book_refund_at_stripe(
            &mut self.conn,
            &shop,
            intent_id,
            stripe_refund_id,
            refund_key,
            amount,
            &when,
        )
    }

    /// Gives up a card refund Stripe refused; the order stays as it was.
    pub fn fail_card_refund(&mut self, refund_id: &str, reason: &str) -> Result<()> {
        let shop = self.shop()?.clone();
        let when = self.settling_moment();
        refunds::fail_card_refund(&mut self.conn, &shop, refund_id, reason, &when)
    }

    /// Card refunds Stripe was asked for and the till has not settled yet, oldest first.
    pub fn pending_card_refunds(&self) -> Result<Vec<PendingRefund>> {
        refunds::pending_card_refunds(&self.conn)
    }

    // Reports and the journal.

    pub fn report(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        by: ReportBy,
        limit: Option<i64>,
    ) -> Result<Report> {
        self.check(Permission::ReadReports)?;
        reports::report(&self.conn, self.shop()?, from, to, by, limit)
    }

    /// The journal's chain, and each till's head checked against its signature by the store's
    /// journal key in this computer's keychain.
    pub fn verify_journal(&self) -> Result<JournalReport> {
        self.check(Permission::ReadReports)?;
        let mut report = journal::verify(&self.conn)?;
        report
            .problems
            .extend(journal::verify_signed(&self.conn, self.signer.as_ref())?);
        report.signed = journal::signed_heads(&self.conn)?;
        Ok(report)
    }

    /// As [`Till::verify_journal`], and this till's journal compared with the copy of its signed
    /// head kept off the till (the relay's; `None` when it holds none yet, which is a problem
    /// only once the till has a signed head to send).
    pub fn verify_journal_against(&self, copy: Option<SignedHead>) -> Result<JournalReport> {
        let mut report = self.verify_journal()?;
        let till = self.shop()?.till_id.as_str().to_string();
        match &copy {
            Some(copy) => report.problems.extend(journal::compare_with_copy(
                &self.conn,
                self.signer.as_ref(),
                copy,
            )?),
            None if report.signed.iter().any(|h| h.till_id == till) => {
                report.problems.push(versapos_store::JournalProblem {
                    till_id: till,
                    seq: None,
                    problem: "the relay holds no copy of this till's signed head yet: it is sent \
                              every few minutes while the till follows the relay (`versapos sync \
                              --follow`, or the desktop till)"
                        .into(),
                })
            }
            None => {}
        }
        report.relay = copy;
        Ok(report)
    }

    /// Signs over entries written without the store's journal key, once an admin has looked at
    /// them (`versapos journal sign`): refused while the chain itself has problems. The
    /// acceptance is journaled, naming the entries and who accepted them.
    pub fn sign_journal_over_unsigned(&mut self) -> Result<Vec<journal::SignedOver>> {
        let when = self.authorize(Permission::ChangeSettings)?;
        let chain = journal::verify(&self.conn)?;
        if let Some(first) = chain.problems.first() {
            return Err(TillError::invalid(
                "journal",
                format!(
                    "its chain has {} problem(s) (the first in till {}: {}): it is not signed over",
                    chain.problems.len(),
                    first.till_id,
                    first.problem
                ),
            ));
        }
        let mut when = when;
        when.signer = Some(self.signer.clone());
        journal::sign_over_unsigned(&mut self.conn, self.signer.as_ref(), &when)
    }

    /// This till's signed journal head, to send to the relay (none before its first signed
    /// entry). Anyone who may sell sends it, as they pull Stripe's events.
    pub fn own_signed_head(&self) -> Result<Option<SignedHead>> {
        self.check(Permission::Sell)?;
        let till = self.shop()?.till_id.as_str().to_string();
        Ok(journal::signed_heads(&self.conn)?
            .into_iter()
            .find(|h| h.till_id == till))
    }

    /// A consistent copy of the store, taken while the till runs (an admin's): into `dest`, or
    /// by default into the `backups` folder next to the store. An existing file is only
    /// overwritten when `overwrite` is set.
    pub fn backup(&self, dest: Option<&Path>, overwrite: bool) -> Result<BackupFile> {
        self.check(Permission::ChangeSettings)?;
        backup::to_file(&self.conn, &self.path, dest, overwrite)
    }

    /// Whether the store's files (the store, its WAL and shared memory, its backups) are its
    /// owner's alone: the setup check `store_files`. A store made by this build is; one made
    /// by an older build is made so when opened, but backups taken before stay as they were.
    pub fn store_files_check(&self) -> versapos_core::SetupCheck {
        use versapos_store::files;
        let mut open: Vec<String> = files::store_files(&self.path)
            .into_iter()
            .chain(std::iter::once(backup::backups_dir(&self.path)))
            .chain(
                std::fs::read_dir(backup::backups_dir(&self.path))
                    .into_iter()
                    .flatten()
                    .filter_map(|e| e.ok().map(|e| e.path())),
            )
            .filter_map(|p| files::too_open(&p).map(|mode| format!("{} ({mode})", p.display())))
            .collect();
        open.sort();
        let title = "Store files".to_string();
        if open.is_empty() {
            return versapos_core::SetupCheck {
                id: "store_files".into(),
                title,
                status: versapos_core::CheckStatus::Ok,
                detail: if cfg!(unix) {
                    format!(
                        "{} and its backups are readable by their owner only",
                        self.path.display()
                    )
                } else {
                    format!("{} is kept in the user's profile", self.path.display())
                },
                fix: None,
            };
        }
        versapos_core::SetupCheck {
            id: "store_files".into(),
            title,
            status: versapos_core::CheckStatus::Warn,
            detail: format!(
                "other users of this computer can read {} file(s) holding sales and staff PIN hashes: {}",
                open.len(),
                open.join(", ")
            ),
            fix: Some(
                "make them the owner's alone: chmod 600 on each file and chmod 700 on the backups folder"
                    .into(),
            ),
        }
    }

    /// SQLite's own integrity check: "ok" or the problems it found.
    pub fn integrity_check(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
