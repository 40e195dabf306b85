//! The shop's settings: name, currency, till, tax mode and rates, cash rounding, loyalty rates.

use crate::error::{Result, TillError};
use crate::journal;
use crate::moment::Moment;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use ts_rs::TS;
use versapos_core::{CashRounding, Currency, LoyaltyRules, TaxMode, TaxRate, TillId};

/// The shop as configured on this till.
#[derive(Clone, Debug, Serialize, TS)]
pub struct Shop {
    pub name: String,
    /// ISO 4217 code, e.g. "GBP".
    #[ts(type = "string")]
    pub currency: Currency,
    /// How many decimals the currency has (2 for GBP, 0 for JPY): amounts are in its minor unit.
    pub exponent: u8,
    #[ts(type = "string")]
    pub till_id: TillId,
    pub tax_mode: TaxMode,
    /// The cash rounding increment in minor units (1: no rounding).
    #[serde(serialize_with = "ser_rounding")]
    #[ts(type = "number")]
    pub cash_rounding: CashRounding,
    pub loyalty: LoyaltyRules,
    pub tax_rates: Vec<TaxRate>,
    pub default_tax_rate: String,
    pub low_stock_level: i64,
    /// Minutes without a touch or a key before the till's screen locks (0: never).
    pub lock_minutes: i64,
    /// How the shop writes dates, times and numbers (a language tag such as "en-GB"); None: as
    /// the computer is set up.
    pub locale: Option<String>,
    /// The shop's time zone (an IANA name such as "Europe/London"): what "today" and each sale's
    /// business day and hour are on this till, whatever zone its computer is set to. None: the
    /// computer's.
    pub time_zone: Option<String>,
    /// The largest discount a cashier may give on their own, in basis points (1000: 10 %) of
    /// what it is taken off: each line discount of its line, the order discount of the sale, and
    /// all of a sale's discounts together of the sale before discounts; more needs a manager.
    pub discount_limit: u32,
    /// The Stripe Terminal reader this till takes cards on (`tmr_…`), once one is chosen.
    pub card_reader: Option<String>,
    /// The NFC reader VIP cards are tapped on (its PC/SC name); None: any reader plugged in.
    pub nfc_reader: Option<String>,
    /// When a downloaded, verified update of the till is installed.
    pub update_install: UpdateInstall,
    /// Where this till looks for updates (the address of the release manifest); None: the
    /// addresses built into the app.
    pub update_url: Option<String>,
    /// Over or short at a shift's close by more than this (minor units) needs a note; None: the
    /// currency's default (one major unit).
    pub cash_note_over: Option<i64>,
    /// Over or short by more than this needs a manager's approval; None: ten times the note's.
    pub cash_approve_over: Option<i64>,
    /// Whether the drawer is counted blind at a shift's close (the default): the cash expected is
    /// not shown until the count is in.
    pub blind_count: bool,
    /// What the receipt says about the shop, and when it prints.
    pub receipt: ReceiptSettings,
    /// The receipt printer this till prints on and kicks the drawer through; None: receipts go
    /// through the print dialog (or a PDF) and no drawer opens.
    pub printer: Option<PrinterSetup>,
    pub demo: bool,
}

/// What a receipt says about the shop (all optional) and when it is printed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, TS)]
pub struct ReceiptSettings {
    /// Up to four lines.
    pub address: Option<String>,
    pub phone: Option<String>,
    /// The shop's tax (VAT) registration number.
    pub tax_number: Option<String>,
    /// Up to four lines printed at the bottom (returns policy, opening hours…).
    pub footer: Option<String>,
    pub auto_print: AutoPrint,
    /// Whether the shop has a logo printed at the top of its receipts ([`logo`]).
    pub has_logo: bool,
}

/// Whether a receipt prints after each sale on its own.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AutoPrint {
    /// Every sale's receipt prints (the default).
    #[default]
    Always,
    /// The till asks the cashier whether the customer wants one.
    Ask,
    /// Only when someone presses Print.
    Never,
}

impl AutoPrint {
    pub fn as_str(&self) -> &'static str {
        match self {
            AutoPrint::Always => "always",
            AutoPrint::Ask => "ask",
            AutoPrint::Never => "never",
        }
    }

    pub fn parse(s: &str) -> Option<AutoPrint> {
        match s.trim() {
            "always" => Some(AutoPrint::Always),
            "ask" => Some(AutoPrint::Ask),
            "never" => Some(AutoPrint::Never),
            _ => None,
        }
    }
}

/// The receipt printer as set up on this till. The address and code page are checked by the
/// printer crate before they are stored (see the till's `set_printer`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct PrinterSetup {
    /// `tcp://192.168.1.50:9100`, `serial:///dev/ttyUSB0?baud=38400`, `usb://04b8:0e15`,
    /// `spooler://EPSON TM-T20III` or `cups://receipt`.
    pub address: String,
    /// `58mm` (32 characters across), `80mm` (48) or `80mm-42` (42).
    pub paper: String,
    /// Characters across the paper.
    pub columns: u8,
    /// The printer's character table, e.g. `pc858`.
    pub code_page: String,
    /// The drawer's connector pin the printer pulses: 2 (most drawers) or 5.
    pub drawer_pin: u8,
}

/// The paper widths a receipt printer takes: the setting's name and the characters across.
pub const PAPERS: [(&str, u8); 3] = [("80mm", 48), ("80mm-42", 42), ("58mm", 32)];

/// Characters across for a paper name.
pub fn paper_columns(paper: &str) -> Option<u8> {
    PAPERS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(paper.trim()))
        .map(|(_, columns)| *columns)
}

/// Checks lines of receipt text (the address, the footer): at most `max_lines` lines of at most
/// 48 characters, no hidden characters. Returns the text with each line trimmed; "" clears it.
fn receipt_lines(value: &str, max_lines: usize) -> std::result::Result<String, String> {
    // A literal "\n" typed on a command line is a line break too.
    let value = value.replace("\\n", "\n");
    let lines: Vec<&str> = value.lines().map(str::trim).collect();
    let lines: Vec<&str> = lines
        .iter()
        .copied()
        .skip_while(|l| l.is_empty())
        .collect::<Vec<_>>();
    let end = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(0, |i| i + 1);
    let lines = &lines[..end];
    if lines.len() > max_lines {
        return Err(format!(
            "at most {max_lines} lines (this has {})",
            lines.len()
        ));
    }
    for (i, line) in lines.iter().enumerate() {
        if line.chars().count() > 48 {
            return Err(format!("line {} is longer than 48 characters", i + 1));
        }
        if let Some(c) = versapos_core::text::hidden_character(line) {
            return Err(format!(
                "line {}: {}",
                i + 1,
                versapos_core::text::hidden_character_message(c)
            ));
        }
    }
    Ok(lines.join("\n"))
}

/// Checks a one-line receipt detail (phone, tax number): at most `max` characters.
fn receipt_detail(value: &str, max: usize) -> std::result::Result<String, String> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(format!("at most {max} characters"));
    }
    if let Some(c) = versapos_core::text::hidden_character(v) {
        return Err(versapos_core::text::hidden_character_message(c));
    }
    Ok(v.to_string())
}

/// When the till installs an update it has downloaded and verified. An update never interrupts
/// a sale: whichever the choice, it is installed only while no sale is on the register.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum UpdateInstall {
    /// The next time the till is started (the default: the shop decides when by closing it).
    #[default]
    NextStart,
    /// As soon as the till is idle: the screen locked and nothing on the register.
    WhenIdle,
    /// Only when a manager presses Install in the back office.
    Manager,
}

impl UpdateInstall {
    pub fn as_str(&self) -> &'static str {
        match self {
            UpdateInstall::NextStart => "next-start",
            UpdateInstall::WhenIdle => "when-idle",
            UpdateInstall::Manager => "manager",
        }
    }

    pub fn parse(s: &str) -> Option<UpdateInstall> {
        match s.trim() {
            "next-start" | "next_start" => Some(UpdateInstall::NextStart),
            "when-idle" | "when_idle" => Some(UpdateInstall::WhenIdle),
            "manager" => Some(UpdateInstall::Manager),
            _ => None,
        }
    }
}

fn ser_rounding<S: serde::Serializer>(r: &CashRounding, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_i64(r.increment())
}

/// What `versapos init` (or the first-run screen) asks for.
#[derive(Clone, Debug)]
pub struct ShopSetup {
    pub name: String,
    pub currency: Currency,
    pub till_id: TillId,
    pub tax_mode: TaxMode,
    /// Empty: the usual standard 20 %, reduced 5 % and zero rates.
    pub tax_rates: Vec<TaxRate>,
    pub default_tax_rate: Option<String>,
    pub demo: bool,
}

impl ShopSetup {
    /// Reads a set-up as a person types it: a currency code, a till id, and tax rates as
    /// (name, percentage) pairs such as ("standard", "20"). Errors name the field at fault.
    pub fn from_text(
        name: &str,
        currency: &str,
        till_id: &str,
        prices_include_tax: bool,
        tax_rates: &[(String, String)],
        default_tax_rate: Option<String>,
    ) -> Result<ShopSetup> {
        let currency = Currency::from_code(currency.trim())
            .map_err(|e| TillError::invalid("currency", e.to_string()))?;
        let till_id = TillId::parse(till_id.trim())
            .map_err(|e| TillError::invalid("till_id", e.to_string()))?;
        let tax_rates = tax_rates
            .iter()
            .map(|(rate, percent)| {
                let bps = versapos_core::tax::parse_percent(percent)
                    .map_err(|e| TillError::invalid("tax_rates", e.to_string()))?;
                TaxRate::new(rate.trim(), bps)
                    .map_err(|e| TillError::invalid("tax_rates", e.to_string()))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(ShopSetup {
            name: name.trim().to_string(),
            currency,
            till_id,
            tax_mode: if prices_include_tax {
                TaxMode::Inclusive
            } else {
                TaxMode::Exclusive
            },
            tax_rates,
            default_tax_rate: default_tax_rate.filter(|r| !r.trim().is_empty()),
            demo: false,
        })
    }
}

/// The settings a manager may change after set-up, by their CLI names.
pub const SETTING_KEYS: &[&str] = &[
    "shop-name",
    "tax-mode",
    "cash-rounding",
    "loyalty-earn",
    "loyalty-redeem",
    "low-stock-level",
    "default-tax-rate",
    "lock-minutes",
    "locale",
    "time-zone",
    "discount-limit",
    "card-reader",
    "nfc-reader",
    "update-install",
    "update-url",
    "shop-address",
    "shop-phone",
    "tax-number",
    "receipt-footer",
    "auto-print",
    "printer",
    "paper",
    "code-page",
    "drawer-pin",
    "cash-note-over",
    "cash-approve-over",
    "blind-count",
];

/// An update address must be an https URL (plain http only to this machine, for a local mirror
/// or a test): the manifest says which package to trust, so it must not be open to a man in the
/// middle. The package itself is checked against the app's signing key either way.
fn check_update_url(url: &str) -> std::result::Result<(), String> {
    let rest = if let Some(rest) = url.strip_prefix("https://") {
        rest
    } else if let Some(rest) = url.strip_prefix("http://") {
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
        if !matches!(host, "localhost" | "127.0.0.1" | "[::1]") {
            return Err("expected an https:// address (http:// only for this machine)".into());
        }
        rest
    } else {
        return Err(
            "expected an https:// address such as https://updates.example.com/pos/latest.json"
                .into(),
        );
    };
    if rest.is_empty()
        || rest.starts_with('/')
        || url.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(
            "expected an address with a host, such as https://updates.example.com/pos/latest.json"
                .into(),
        );
    }
    if url.len() > 2000 {
        return Err("the address is too long".into());
    }
    Ok(())
}

impl Shop {
    pub fn tax_rate(&self, name: &str) -> Result<&TaxRate> {
        self.tax_rates
            .iter()
            .find(|r| r.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| TillError::UnknownTaxRate(name.to_string()))
    }
}

fn get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

fn put(tx: &Transaction<'_>, key: &str, value: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

fn optional_int(conn: &Connection, key: &str) -> Result<Option<i64>> {
    match get(conn, key)?.filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| TillError::Corrupt(format!("setting '{key}' is not a number"))),
    }
}

fn need(conn: &Connection, key: &str) -> Result<String> {
    get(conn, key)?.ok_or_else(|| TillError::Corrupt(format!("setting '{key}' is missing")))
}

fn int(conn: &Connection, key: &str) -> Result<i64> {
    need(conn, key)?
        .parse()
        .map_err(|_| TillError::Corrupt(format!("setting '{key}' is not a number")))
}

/// Loads the shop, or None when the store has not been set up yet.
pub fn load(conn: &Connection) -> Result<Option<Shop>> {
    let Some(name) = get(conn, "shop_name")? else {
        return Ok(None);
    };
    let currency = Currency::from_code(&need(conn, "currency")?)
        .map_err(|e| TillError::Corrupt(e.to_string()))?;
    let till_id =
        TillId::parse(&need(conn, "till_id")?).map_err(|e| TillError::Corrupt(e.to_string()))?;
    let tax_mode = TaxMode::parse(&need(conn, "tax_mode")?)
        .ok_or_else(|| TillError::Corrupt("tax_mode".into()))?;
    let tax_rates = conn
        .prepare("SELECT name, basis_points FROM tax_rates ORDER BY basis_points DESC, name")?
        .query_map([], |r| {
            Ok(TaxRate {
                name: r.get(0)?,
                basis_points: r.get(1)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let default_tax_rate: String = conn
        .query_row("SELECT name FROM tax_rates WHERE is_default = 1", [], |r| {
            r.get(0)
        })
        .optional()?
        .ok_or_else(|| TillError::Corrupt("no default tax rate".into()))?;
    Ok(Some(Shop {
        name,
        exponent: currency.exponent(),
        currency,
        till_id,
        tax_mode,
        cash_rounding: CashRounding::from_increment(int(conn, "cash_rounding")?),
        loyalty: LoyaltyRules::new(int(conn, "loyalty_earn")?, int(conn, "loyalty_redeem")?)?,
        tax_rates,
        default_tax_rate,
        low_stock_level: int(conn, "low_stock_level")?,
        // Stores set up before the screen lock existed lock after the default five minutes.
        discount_limit: match get(conn, "discount_limit")? {
            Some(v) => v.parse().map_err(|_| {
                TillError::Corrupt("setting 'discount_limit' is not a number".into())
            })?,
            None => 1000,
        },
        lock_minutes: match get(conn, "lock_minutes")? {
            Some(v) => v
                .parse()
                .map_err(|_| TillError::Corrupt("setting 'lock_minutes' is not a number".into()))?,
            None => 5,
        },
        locale: get(conn, "locale")?.filter(|v| !v.is_empty()),
        time_zone: get(conn, "time_zone")?.filter(|v| !v.is_empty()),
        card_reader: get(conn, "card_reader")?,
        nfc_reader: get(conn, "nfc_reader")?.filter(|r| !r.is_empty()),
        update_install: match get(conn, "update_install")? {
            Some(v) => UpdateInstall::parse(&v)
                .ok_or_else(|| TillError::Corrupt(format!("setting 'update_install' is '{v}'")))?,
            None => UpdateInstall::default(),
        },
        update_url: get(conn, "update_url")?.filter(|u| !u.is_empty()),
        cash_note_over: optional_int(conn, "cash_note_over")?,
        cash_approve_over: optional_int(conn, "cash_approve_over")?,
        blind_count: get(conn, "blind_count")?.as_deref() != Some("no"),
        receipt: ReceiptSettings {
            address: get(conn, "shop_address")?.filter(|v| !v.is_empty()),
            phone: get(conn, "shop_phone")?.filter(|v| !v.is_empty()),
            tax_number: get(conn, "tax_number")?.filter(|v| !v.is_empty()),
            footer: get(conn, "receipt_footer")?.filter(|v| !v.is_empty()),
            has_logo: conn
                .prepare_cached("SELECT 1 FROM receipt_logo")?
                .exists([])?,
            auto_print: match get(conn, "auto_print")? {
                Some(v) => AutoPrint::parse(&v)
                    .ok_or_else(|| TillError::Corrupt(format!("setting 'auto_print' is '{v}'")))?,
                None => AutoPrint::default(),
            },
        },
        printer: match get(conn, "printer")?.filter(|v| !v.is_empty()) {
            None => None,
            Some(address) => {
                let paper = get(conn, "printer_paper")?.unwrap_or_else(|| "80mm".into());
                Some(PrinterSetup {
                    address,
                    columns: paper_columns(&paper).ok_or_else(|| {
                        TillError::Corrupt(format!("setting 'printer_paper' is '{paper}'"))
                    })?,
                    paper,
                    code_page: get(conn, "printer_code_page")?.unwrap_or_else(|| "pc858".into()),
                    drawer_pin: match get(conn, "printer_drawer_pin")?.as_deref() {
                        None | Some("2") => 2,
                        Some("5") => 5,
                        Some(v) => {
                            return Err(TillError::Corrupt(format!(
                                "setting 'printer_drawer_pin' is '{v}'"
                            )))
                        }
                    },
                })
            }
        },
        demo: need(conn, "demo")? == "1",
    }))
}

/// Creates the shop in an empty store.
pub fn init(conn: &mut Connection, setup: &ShopSetup, when: &Moment) -> Result<Shop> {
    let at = when.at.as_str();
    let name = setup.name.trim();
    if name.is_empty() {
        return Err(TillError::invalid("shop name", "must not be empty"));
    }
    if let Some(c) = versapos_core::text::hidden_character(name) {
        return Err(TillError::invalid(
            "shop name",
            versapos_core::text::hidden_character_message(c),
        ));
    }
    let rates = if setup.tax_rates.is_empty() {
        vec![
            TaxRate::new("standard", 2000)
                .map_err(|e| TillError::invalid("tax rate", e.to_string()))?,
            TaxRate::new("reduced", 500)
                .map_err(|e| TillError::invalid("tax rate", e.to_string()))?,
            TaxRate::new("zero", 0).map_err(|e| TillError::invalid("tax rate", e.to_string()))?,
        ]
    } else {
        setup.tax_rates.clone()
    };
    let default = setup
        .default_tax_rate
        .clone()
        .unwrap_or_else(|| rates[0].name.clone());
    if !rates.iter().any(|r| r.name == default) {
        return Err(TillError::UnknownTaxRate(default));
    }
    let tx = crate::db::write(conn)?;
    if get(&tx, "shop_name")?.is_some() {
        return Err(TillError::AlreadySetUp(
            tx.path().unwrap_or("this store").to_string(),
        ));
    }
    for r in &rates {
        tx.execute(
            "INSERT INTO tax_rates (name, basis_points, is_default) VALUES (?1, ?2, ?3)",
            params![r.name, r.basis_points, r.name == default],
        )
        .map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _)
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                TillError::invalid("tax rate", format!("'{}' is given twice", r.name))
            }
            e => e.into(),
        })?;
    }
    let loyalty = LoyaltyRules::default();
    for (k, v) in [
        ("shop_name", name.to_string()),
        ("currency", setup.currency.code().to_string()),
        ("till_id", setup.till_id.to_string()),
        ("tax_mode", setup.tax_mode.as_str().to_string()),
        ("cash_rounding", "1".to_string()),
        ("loyalty_earn", loyalty.earn_per_major.to_string()),
        ("loyalty_redeem", loyalty.redeem_per_major.to_string()),
        ("low_stock_level", "5".to_string()),
        ("lock_minutes", "5".to_string()),
        ("discount_limit", "1000".to_string()),
        ("demo", if setup.demo { "1" } else { "0" }.to_string()),
        ("created_at", at.to_string()),
    ] {
        put(&tx, k, &v)?;
    }
    journal::append(
        &tx,
        setup.till_id.as_str(),
        when,
        "shop_setup",
        "",
        &serde_json::json!({
            "shop": name, "currency": setup.currency.code(), "tax_mode": setup.tax_mode.as_str(),
            "tax_rates": rates, "demo": setup.demo,
        }),
    )?;
    let shop = load(&tx)?.ok_or_else(|| TillError::Corrupt("shop vanished".into()))?;
    tx.commit()?;
    Ok(shop)
}

/// Changes one setting by its CLI name; journaled with the old and new value.
pub fn set(
    conn: &mut Connection,
    shop: &Shop,
    key: &str,
    value: &str,
    when: &Moment,
) -> Result<Shop> {
    let bad = |m: &str| TillError::invalid(key, m.to_string());
    let tx = crate::db::write(conn)?;
    let (stored_key, stored) = match key {
        "shop-name" => {
            let v = value.trim();
            if v.is_empty() {
                return Err(bad("must not be empty"));
            }
            if let Some(c) = versapos_core::text::hidden_character(v) {
                return Err(bad(&versapos_core::text::hidden_character_message(c)));
            }
            ("shop_name", v.to_string())
        }
        "tax-mode" => {
            let m = TaxMode::parse(value).ok_or_else(|| bad("expected inclusive or exclusive"))?;
            ("tax_mode", m.as_str().to_string())
        }
        "cash-rounding" => {
            let r = CashRounding::parse(value, shop.currency).map_err(|e| bad(&e.to_string()))?;
            ("cash_rounding", r.increment().to_string())
        }
        "loyalty-earn" | "loyalty-redeem" => {
            let n: i64 = value
                .trim()
                .parse()
                .map_err(|_| bad("expected a whole number"))?;
            let (earn, redeem) = if key == "loyalty-earn" {
                (n, shop.loyalty.redeem_per_major)
            } else {
                (shop.loyalty.earn_per_major, n)
            };
            LoyaltyRules::new(earn, redeem).map_err(|e| bad(&e.to_string()))?;
            (
                if key == "loyalty-earn" {
                    "loyalty_earn"
                } else {
                    "loyalty_redeem"
                },
                n.to_string(),
            )
        }
        "low-stock-level" => {
            let n: i64 = value
                .trim()
                .parse()
                .map_err(|_| bad("expected a whole number"))?;
            if n < 0 {
                return Err(bad("must not be negative"));
            }
            ("low_stock_level", n.to_string())
        }
        "lock-minutes" => {
            let n: i64 = value
                .trim()
                .parse()
                .map_err(|_| bad("expected a whole number of minutes (0: never lock)"))?;
            if !(0..=240).contains(&n) {
                return Err(bad("must be 0 (never) to 240 minutes"));
            }
            ("lock_minutes", n.to_string())
        }
        "locale" => {
            // "computer" (or nothing): as the computer is set up.
            let v = value.trim();
            if v.is_empty() || v.eq_ignore_ascii_case("computer") {
                ("locale", String::new())
            } else {
                ("locale", locale_tag(v).map_err(|e| bad(&e))?)
            }
        }
        "time-zone" => {
            // "computer" (or nothing): the computer's own time zone.
            let v = value.trim();
            if v.is_empty() || v.eq_ignore_ascii_case("computer") {
                ("time_zone", String::new())
            } else {
                ("time_zone", time_zone_name(v).map_err(|e| bad(&e))?)
            }
        }
        "discount-limit" => {
            let bp = versapos_core::tax::parse_percent(value)
                .map_err(|_| bad("expected a percentage such as 10 or 12.5"))?;
            if bp > 10_000 {
                return Err(bad("must be 0 to 100 %"));
            }
            ("discount_limit", bp.to_string())
        }
        "card-reader" => {
            let v = value.trim();
            if v.is_empty() || v.chars().any(|c| !(c.is_ascii_alphanumeric() || c == '_')) {
                return Err(bad("expected a reader id such as tmr_FDOt2wlRZEdpd7"));
            }
            ("card_reader", v.to_string())
        }
        "nfc-reader" => {
            // "any" (or nothing): whichever reader a card is tapped on.
            let v = value.trim();
            if v.chars().count() > 200 || v.chars().any(char::is_control) {
                return Err(bad(
                    "expected a reader's name as `versapos nfc readers` lists it, or any",
                ));
            }
            let v = if v.eq_ignore_ascii_case("any") { "" } else { v };
            ("nfc_reader", v.to_string())
        }
        "update-install" => {
            let when = UpdateInstall::parse(value)
                .ok_or_else(|| bad("expected next-start, when-idle or manager"))?;
            ("update_install", when.as_str().to_string())
        }
        "update-url" => {
            // "default" (or nothing): the addresses built into the app.
            let v = value.trim();
            let v = if v.eq_ignore_ascii_case("default") {
                ""
            } else {
                v
            };
            if !v.is_empty() {
                check_update_url(v).map_err(|e| bad(&e))?;
            }
            ("update_url", v.to_string())
        }
        "shop-address" => (
            "shop_address",
            receipt_lines(value, 4).map_err(|e| bad(&e))?,
        ),
        "receipt-footer" => (
            "receipt_footer",
            receipt_lines(value, 4).map_err(|e| bad(&e))?,
        ),
        "shop-phone" => (
            "shop_phone",
            receipt_detail(value, 40).map_err(|e| bad(&e))?,
        ),
        "tax-number" => (
            "tax_number",
            receipt_detail(value, 40).map_err(|e| bad(&e))?,
        ),
        "auto-print" => {
            let a = AutoPrint::parse(value).ok_or_else(|| bad("expected always, ask or never"))?;
            ("auto_print", a.as_str().to_string())
        }
        // The printer's address and code page arrive checked by the printer crate (the till's
        // `set_printer`); the store only refuses what could never be one.
        "printer" => {
            let v = value.trim();
            let v = if v.eq_ignore_ascii_case("none") {
                ""
            } else {
                v
            };
            if v.chars().count() > 300 || v.chars().any(char::is_control) {
                return Err(bad(
                    "expected a printer address such as tcp://192.168.1.50:9100",
                ));
            }
            ("printer", v.to_string())
        }
        "paper" => {
            let v = value.trim().to_ascii_lowercase();
            paper_columns(&v).ok_or_else(|| bad("expected 80mm, 80mm-42 or 58mm"))?;
            ("printer_paper", v)
        }
        "code-page" => {
            let v = value.trim().to_ascii_lowercase();
            if v.is_empty() || v.len() > 20 || !v.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(bad("expected a code page such as pc858"));
            }
            ("printer_code_page", v)
        }
        "blind-count" => {
            let v = match value.trim() {
                "yes" | "on" | "true" => "yes",
                "no" | "off" | "false" => "no",
                _ => {
                    return Err(bad(
                        "expected yes (count blind) or no (show the cash expected)",
                    ))
                }
            };
            ("blind_count", v.to_string())
        }
        "cash-note-over" | "cash-approve-over" => {
            let v = value.trim();
            let stored = if v.eq_ignore_ascii_case("default") || v.is_empty() {
                String::new()
            } else {
                let m = versapos_core::Money::parse(v, shop.currency)
                    .map_err(|e| bad(&format!("'{v}': {e}")))?;
                if m.minor() < 0 {
                    return Err(bad("must not be negative"));
                }
                m.minor().to_string()
            };
            (
                if key == "cash-note-over" {
                    "cash_note_over"
                } else {
                    "cash_approve_over"
                },
                stored,
            )
        }
        "drawer-pin" => {
            let v = value.trim();
            if !matches!(v, "2" | "5") {
                return Err(bad("expected 2 or 5 (the drawer connector's pin)"));
            }
            ("printer_drawer_pin", v.to_string())
        }
        "default-tax-rate" => {
            let r = shop.tax_rate(value)?;
            tx.execute("UPDATE tax_rates SET is_default = (name = ?1)", [&r.name])?;
            ("default_tax_rate", r.name.clone())
        }
        _ => {
            return Err(TillError::invalid(
                "setting",
                format!(
                    "unknown setting '{key}' (known: {})",
                    SETTING_KEYS.join(", ")
                ),
            ))
        }
    };
    let old = get(&tx, stored_key)?;
    if stored_key != "default_tax_rate" {
        put(&tx, stored_key, &stored)?;
    }
    journal::append(
        &tx,
        shop.till_id.as_str(),
        when,
        "setting_change",
        stored_key,
        &serde_json::json!({ "setting": key, "old": old, "new": stored }),
    )?;
    let shop = load(&tx)?.ok_or_else(|| TillError::Corrupt("shop vanished".into()))?;
    tx.commit()?;
    Ok(shop)
}

/// The shop's receipt logo (PNG bytes), if it has one.
pub fn logo(conn: &Connection) -> Result<Option<Vec<u8>>> {
    Ok(conn
        .prepare_cached("SELECT png FROM receipt_logo WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()?)
}

/// Keeps `png` as the receipt logo (checked by the caller: the printer crate reads it), or takes
/// the logo away (None); journaled with the file's size and SHA-256.
pub fn set_logo(
    conn: &mut Connection,
    shop: &Shop,
    png: Option<&[u8]>,
    when: &Moment,
) -> Result<Shop> {
    use sha2::Digest;
    let tx = crate::db::write(conn)?;
    let new = match png {
        Some(png) => {
            tx.execute(
                "INSERT INTO receipt_logo (id, png, updated_at) VALUES (1, ?1, ?2)
                 ON CONFLICT (id) DO UPDATE SET png = excluded.png, updated_at = excluded.updated_at",
                params![png, when.at],
            )?;
            serde_json::json!({ "bytes": png.len(), "sha256": hex::encode(sha2::Sha256::digest(png)) })
        }
        None => {
            tx.execute("DELETE FROM receipt_logo", [])?;
            serde_json::Value::Null
        }
    };
    journal::append(
        &tx,
        shop.till_id.as_str(),
        when,
        "setting_change",
        "receipt_logo",
        &serde_json::json!({ "setting": "receipt-logo", "new": new }),
    )?;
    let shop = load(&tx)?.ok_or_else(|| TillError::Corrupt("shop vanished".into()))?;
    tx.commit()?;
    Ok(shop)
}

/// Adds or changes a tax rate; journaled.
pub fn set_tax_rate(
    conn: &mut Connection,
    shop: &Shop,
    rate: &TaxRate,
    when: &Moment,
) -> Result<Shop> {
    let tx = crate::db::write(conn)?;
    tx.execute(
        "INSERT INTO tax_rates (name, basis_points) VALUES (?1, ?2)
         ON CONFLICT (name) DO UPDATE SET basis_points = excluded.basis_points",
        params![rate.name, rate.basis_points],
    )?;
    journal::append(
        &tx,
        shop.till_id.as_str(),
        when,
        "setting_change",
        "tax_rate",
        &serde_json::json!({ "tax_rate": rate.name, "basis_points": rate.basis_points }),
    )?;
    let shop = load(&tx)?.ok_or_else(|| TillError::Corrupt("shop vanished".into()))?;
    tx.commit()?;
    Ok(shop)
}

/// The locales the till's screens, receipts and command line are written for.
pub const LOCALES: &[(&str, &str)] = &[
    ("en-GB", "English (United Kingdom)"),
    ("en-US", "English (United States)"),
    ("en-IE", "English (Ireland)"),
    ("en-AU", "English (Australia)"),
    ("en-CA", "English (Canada)"),
    ("de-DE", "Deutsch (Deutschland)"),
    ("de-AT", "Deutsch (Österreich)"),
    ("de-CH", "Deutsch (Schweiz)"),
    ("fr-FR", "Français (France)"),
    ("fr-CA", "Français (Canada)"),
    ("es-ES", "Español (España)"),
    ("it-IT", "Italiano (Italia)"),
    ("nl-NL", "Nederlands (Nederland)"),
    ("ja-JP", "日本語 (日本)"),
];

/// A time zone as typed ("europe/london") by its IANA name ("Europe/London"), when it is one.
fn time_zone_name(v: &str) -> std::result::Result<String, String> {
    chrono_tz::Tz::from_str_insensitive(v)
        .map(|tz| tz.name().to_string())
        .map_err(|_| {
            format!(
                "'{v}' is not a time zone: give its name as in Europe/London, America/New_York \
                 or Asia/Tokyo (or computer)"
            )
        })
}

/// The shop's time zone, when it has one: "today", a sale's business day and its hour are read
/// in it. A name the till no longer knows is the computer's zone, not a failure to sell.
pub fn time_zone(shop: &Shop) -> Option<chrono_tz::Tz> {
    shop.time_zone.as_deref().and_then(|name| name.parse().ok())
}

/// A locale as typed ("en_gb", "EN-GB") as the till keeps it ("en-GB"), when it is one it knows.
fn locale_tag(v: &str) -> std::result::Result<String, String> {
    let wanted = v.replace('_', "-");
    LOCALES
        .iter()
        .find(|(tag, _)| tag.eq_ignore_ascii_case(&wanted))
        .map(|(tag, _)| (*tag).to_string())
        .ok_or_else(|| {
            format!(
                "'{v}' is not a locale the till knows: {} (or computer)",
                LOCALES
                    .iter()
                    .map(|(t, _)| *t)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
}
