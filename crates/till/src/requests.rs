//! What people ask of the till in their own words, defined once for both doors: each door fills
//! the request from its form or its flags, and the till reads it, naming a problem by the field
//! as that door calls it (`from` on the report screen, `--from` on the command line).

use crate::{
    NewProduct, OrderFilter, OrderSummary, Product, Report, ReportBy, Result, Shop, ShopSetup,
    StaffChange, StaffMember, Till, TillError,
};
use serde::Deserialize;
use ts_rs::TS;
use versapos_core::{Barcode, Money, Pin, RefundRequest, Role, Sku};

/// How a door names a request's fields in its messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fields {
    /// As the form names them: `from`.
    Form,
    /// As the command line's flags: `--from`.
    Flags,
    /// As the command line's positional arguments, in capitals as its usage shows them: `NAME`.
    Arguments,
}

impl Fields {
    pub fn name(self, field: &str) -> String {
        match self {
            Fields::Form => field.to_string(),
            Fields::Flags => match field {
                // Given one at a time: one `--line` per refund line, one `--tax-rate` per rate.
                "lines" => "--line".to_string(),
                "tax_rates" => "--tax-rate".to_string(),
                "till_id" => "--till".to_string(),
                _ => format!("--{}", field.replace('_', "-")),
            },
            Fields::Arguments => field.to_uppercase(),
        }
    }

    /// `result` with a bad field named as this door names it.
    fn named<T>(self, result: Result<T>) -> Result<T> {
        result.map_err(|e| match e {
            TillError::Invalid { field, message } => TillError::Invalid {
                field: self.name(&field),
                message,
            },
            e => e,
        })
    }
}

/// A report as asked for: business days ("today", "yesterday" or YYYY-MM-DD, inclusive), how
/// to break it down ("day", "hour", "product", "tender" or "staff") and, for products, how many
/// rows.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct ReportQuery {
    pub from: String,
    pub to: String,
    pub by: String,
    pub limit: Option<i64>,
}

impl Till {
    /// The report `query` asks for (someone who may read reports): the days read on the till's
    /// clock, the last not before the first, the breakdown one there is, a limit of 1 or more.
    pub fn report_for(&self, query: &ReportQuery, fields: Fields) -> Result<Report> {
        let from = self.parse_day(&query.from, &fields.name("from"))?;
        let to = self.parse_day(&query.to, &fields.name("to"))?;
        if to < from {
            return Err(TillError::invalid(
                &fields.name("to"),
                format!("{to} is before {} {from}", fields.name("from")),
            ));
        }
        let by = ReportBy::parse(&query.by).ok_or_else(|| {
            TillError::invalid(
                &fields.name("by"),
                format!(
                    "'{}': expected day, hour, product, tender or staff",
                    query.by
                ),
            )
        })?;
        if query.limit.is_some_and(|l| l < 1) {
            return Err(TillError::invalid(
                &fields.name("limit"),
                "must be 1 or more",
            ));
        }
        self.report(from, to, by, query.limit)
    }
}

/// A change to a staff account as the staff screen asks it.
#[derive(Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StaffChangeRequest {
    /// The account can no longer sign in.
    Disable,
    /// The account can sign in again.
    Enable,
    /// Lifts the lock after too many wrong PINs.
    Unlock,
    /// A new PIN (4 to 8 digits).
    ResetPin { pin: String },
    /// Another role.
    SetRole { role: Role },
}

/// Never shows the PIN (the request is logged).
impl std::fmt::Debug for StaffChangeRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StaffChangeRequest::SetRole { role } => write!(f, "SetRole {{ role: {role:?} }}"),
            other => f.write_str(other.kind()),
        }
    }
}

impl StaffChangeRequest {
    /// What kind of change it is, for logs (never the PIN).
    pub fn kind(&self) -> &'static str {
        match self {
            StaffChangeRequest::Disable => "disable",
            StaffChangeRequest::Enable => "enable",
            StaffChangeRequest::Unlock => "unlock",
            StaffChangeRequest::ResetPin { .. } => "reset_pin",
            StaffChangeRequest::SetRole { .. } => "set_role",
        }
    }
}

impl Till {
    /// Changes the account `name` as `request` asks (a new PIN read and refused naming the
    /// field); who may change which account is the till's ([`Till::change_staff`]).
    pub fn change_staff_as_asked(
        &mut self,
        name: &str,
        request: &StaffChangeRequest,
        fields: Fields,
    ) -> Result<StaffMember> {
        let pin;
        let change = match request {
            StaffChangeRequest::Disable => StaffChange::Disable,
            StaffChangeRequest::Enable => StaffChange::Enable,
            StaffChangeRequest::Unlock => StaffChange::Unlock,
            StaffChangeRequest::ResetPin { pin: text } => {
                pin = Pin::parse(text)
                    .map_err(|e| TillError::invalid(&fields.name("pin"), e.to_string()))?;
                StaffChange::ResetPin(&pin)
            }
            StaffChangeRequest::SetRole { role } => StaffChange::SetRole(*role),
        };
        self.change_staff(name, change)
    }
}

/// A text field left empty is no value.
fn given(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// A new product as typed on the manager's form or given on the command line; the price in
/// major units ("2.50").
#[derive(Clone, Debug, Deserialize, TS)]
pub struct NewProductInput {
    pub sku: String,
    pub name: String,
    pub price: String,
    pub barcode: Option<String>,
    /// A tax rate's name; null: the shop's default rate.
    pub tax_rate: Option<String>,
    pub stock: i64,
    pub category: Option<String>,
}

/// The order list's filters, as typed: every part optional.
#[derive(Clone, Debug, Default, Deserialize, TS)]
pub struct OrderFilterInput {
    /// An order status ("paid", "refunded", …).
    pub status: Option<String>,
    /// Business days: "today", "yesterday" or YYYY-MM-DD.
    pub from: Option<String>,
    pub to: Option<String>,
    /// A receipt number, an order id or part of a customer's name.
    pub text: Option<String>,
}

/// One line to refund: its SKU and how many.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct RefundLineInput {
    pub sku: String,
    pub quantity: i64,
}

/// A refund as asked for: `amount` in major units, or `lines`, or neither for the whole order.
/// `restock` puts refunded lines back in stock.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct RefundInput {
    pub amount: Option<String>,
    pub lines: Vec<RefundLineInput>,
    pub restock: bool,
}

impl Till {
    /// Adds the product `input` describes (someone who may edit the catalog): the SKU, the
    /// price in the shop's currency and the barcode read here, each refused naming its field.
    pub fn add_product_as_asked(
        &mut self,
        input: &NewProductInput,
        fields: Fields,
    ) -> Result<Product> {
        let currency = self.shop()?.currency;
        let product = NewProduct {
            sku: Sku::parse(&input.sku)
                .map_err(|e| TillError::invalid(&fields.name("sku"), e.to_string()))?,
            name: input.name.clone(),
            price: Money::parse(&input.price, currency)
                .map_err(|e| TillError::invalid(&fields.name("price"), e.to_string()))?,
            barcode: given(&input.barcode)
                .map(|b| {
                    Barcode::parse(b)
                        .map(|b| b.as_str().to_string())
                        .map_err(|e| TillError::invalid(&fields.name("barcode"), e.to_string()))
                })
                .transpose()?,
            tax_rate: input.tax_rate.clone(),
            stock: input.stock,
            category: input.category.clone(),
        };
        fields.named(self.add_product(&product))
    }

    /// The orders `filter` asks for (someone who may read past orders), newest first.
    pub fn find_orders_as_asked(
        &self,
        filter: &OrderFilterInput,
        limit: i64,
        offset: i64,
        fields: Fields,
    ) -> Result<Vec<OrderSummary>> {
        let filter = OrderFilter {
            status: given(&filter.status)
                .map(|s| crate::parse_order_status(s, &fields.name("status")))
                .transpose()?,
            from: given(&filter.from)
                .map(|d| self.parse_day(d, &fields.name("from")))
                .transpose()?,
            to: given(&filter.to)
                .map(|d| self.parse_day(d, &fields.name("to")))
                .transpose()?,
            text: given(&filter.text).map(str::to_string),
        };
        self.find_orders(&filter, limit.clamp(1, 10_000), offset.max(0))
    }

    /// A refund as asked for: an amount in the shop's currency, or lines (a quantity of 0 is no
    /// line), or neither for the whole order; not both.
    pub fn refund_request(&self, input: &RefundInput, fields: Fields) -> Result<RefundRequest> {
        let currency = self.shop()?.currency;
        let lines: Vec<&RefundLineInput> = input.lines.iter().filter(|l| l.quantity != 0).collect();
        match given(&input.amount) {
            Some(_) if !lines.is_empty() => Err(TillError::invalid(
                &fields.name("amount"),
                "give either an amount or lines to refund, not both",
            )),
            Some(a) => Money::parse(a, currency)
                .map(RefundRequest::Amount)
                .map_err(|e| TillError::invalid(&fields.name("amount"), e.to_string())),
            None if lines.is_empty() => Ok(RefundRequest::Whole),
            None => lines
                .iter()
                .map(|l| {
                    Sku::parse(&l.sku).map(|s| (s, l.quantity)).map_err(|e| {
                        TillError::invalid(&fields.name("lines"), format!("'{}': {e}", l.sku))
                    })
                })
                .collect::<Result<_>>()
                .map(RefundRequest::Lines),
        }
    }
}

/// The first-run form (`versapos init` gives the same through its flags).
#[derive(Clone, Debug, Deserialize, TS)]
pub struct ShopSetupInput {
    pub name: String,
    /// ISO 4217 code, e.g. "GBP".
    pub currency: String,
    pub till_id: String,
    pub prices_include_tax: bool,
    /// Empty: the usual standard 20 %, reduced 5 % and zero rates.
    pub tax_rates: Vec<TaxRateInput>,
    pub default_tax_rate: Option<String>,
}

/// One tax rate as typed: a name and a percentage such as "20" or "5.5" (the first-run form,
/// the settings' tax rates, `versapos settings tax-rate`).
#[derive(Clone, Debug, Deserialize, TS)]
pub struct TaxRateInput {
    pub name: String,
    pub percent: String,
}

impl Till {
    /// Sets up the shop as the first-run form (or `versapos init`) asks (see [`Till::init`]).
    pub fn set_up_shop_as_asked(
        &mut self,
        input: &ShopSetupInput,
        fields: Fields,
    ) -> Result<&Shop> {
        let rates: Vec<(String, String)> = input
            .tax_rates
            .iter()
            .map(|r| (r.name.clone(), r.percent.clone()))
            .collect();
        let setup = fields.named(ShopSetup::from_text(
            &input.name,
            &input.currency,
            &input.till_id,
            input.prices_include_tax,
            &rates,
            input.default_tax_rate.clone(),
        ))?;
        self.init(&setup)
    }

    /// Adds a tax rate or changes its percentage, as typed (see [`Till::change_tax_rate`]).
    pub fn change_tax_rate_as_asked(
        &mut self,
        rate: &TaxRateInput,
        fields: Fields,
    ) -> Result<&Shop> {
        fields.named(self.change_tax_rate(&rate.name, &rate.percent).map(|_| ()))?;
        self.shop()
    }
}
