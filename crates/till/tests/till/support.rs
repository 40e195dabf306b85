//! Shared set-up: a real SQLite file in a temp dir, a pinned clock, a small catalog, and a
//! snapshot of every figure that a refused operation must leave exactly as it was.

use chrono::{DateTime, FixedOffset};
use rusqlite::OptionalExtension;
use std::path::PathBuf;
use tempfile::TempDir;
use versapos_core::{
    Cart, Clock, Currency, CustomerId, FixedClock, Money, Sku, TaxMode, TaxRate, TenderRequest,
    TillId,
};
use versapos_till::{
    Customer, NewCustomer, NewProduct, OrderView, PointsEntry, Product, ShopSetup, Till,
};

/// Friday morning, the default time of every test till.
pub const DAY1_MORNING: &str = "2025-03-14T10:15:00+00:00";

const FILE: &str = "till.db";

pub fn at(rfc3339: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(rfc3339).expect("test times are valid RFC 3339")
}

pub fn clock(rfc3339: &str) -> Box<dyn Clock> {
    Box::new(FixedClock(at(rfc3339)))
}

pub fn sku(s: &str) -> Sku {
    Sku::parse(s).expect("test SKUs are valid")
}

/// A till on a real store file that lives as long as the value.
pub struct TestTill {
    pub dir: TempDir,
    pub till: Till,
}

/// A migrated store with no shop set up yet.
pub fn empty_store() -> TestTill {
    let dir = TempDir::new().expect("create temp dir");
    let till = Till::open_with_clock(&dir.path().join(FILE), clock(DAY1_MORNING))
        .expect("open a fresh store");
    TestTill { dir, till }
}

/// A shop with the usual rates: standard 20 %, reduced 5 %, zero.
pub fn shop(currency: &str, mode: TaxMode) -> TestTill {
    shop_with_rates(currency, mode, &[])
}

pub fn shop_with_rates(currency: &str, mode: TaxMode, rates: &[(&str, u32)]) -> TestTill {
    let mut t = empty_store();
    let tax_rates = rates
        .iter()
        .map(|(n, b)| TaxRate::new(n, *b).expect("test tax rates are valid"))
        .collect();
    t.till
        .init(&ShopSetup {
            name: "Corner Shop".into(),
            currency: Currency::from_code(currency).expect("test currencies are known"),
            till_id: TillId::parse("T1").expect("till id"),
            tax_mode: mode,
            tax_rates,
            default_tax_rate: None,
            demo: false,
        })
        .expect("init shop");
    t
}

/// A GBP tax-inclusive shop with a small catalog:
/// COFFEE 12.00 standard (barcode 5012345678900), MILK 2.10 reduced, BOOK 8.99 zero,
/// HAMPER 1.00 zero (bought in bulk to give a customer points), SWEET 0.02 zero.
pub fn gbp_shop() -> TestTill {
    let mut t = shop("GBP", TaxMode::Inclusive);
    t.add_product_with_barcode(
        "COFFEE",
        "Coffee Beans 1kg",
        "12.00",
        "standard",
        20,
        "5012345678900",
    );
    t.add_product("MILK", "Oat Milk", "2.10", "reduced", 30);
    t.add_product("BOOK", "Cookbook", "8.99", "zero", 10);
    t.add_product("HAMPER", "Hamper Token", "1.00", "zero", 1_000_000);
    t.add_product("SWEET", "Penny Sweet", "0.02", "zero", 1_000);
    t
}

impl TestTill {
    /// Adds the test staff to a till that has none: Ada (admin, 9999), Morgan (manager, 2222)
    /// and Sam (cashier, 1111); nobody signed in after.
    pub fn add_the_staff(&mut self) {
        let pin = |p: &str| versapos_core::Pin::parse(p).expect("a valid PIN");
        self.till
            .add_staff("Ada", versapos_core::Role::Admin, &pin("9999"))
            .expect("the first admin needs nobody signed in");
        self.till.sign_in("Ada", "9999").expect("admin signs in");
        self.till
            .add_staff("Morgan", versapos_core::Role::Manager, &pin("2222"))
            .expect("manager");
        self.till
            .add_staff("Sam", versapos_core::Role::Cashier, &pin("1111"))
            .expect("cashier");
        self.till.sign_out();
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().join(FILE)
    }

    /// Closes the store and opens the same file again, as after a restart of the till.
    pub fn restart(self) -> TestTill {
        let TestTill { dir, till } = self;
        drop(till);
        let till = Till::open_with_clock(&dir.path().join(FILE), clock(DAY1_MORNING))
            .expect("reopen the store after a restart");
        TestTill { dir, till }
    }

    /// A second, raw connection to the same file (what an attacker or a diagnostic tool has).
    pub fn raw(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.path()).expect("open a raw connection")
    }

    pub fn set_time(&mut self, rfc3339: &str) {
        self.till.set_clock(clock(rfc3339));
    }

    pub fn currency(&self) -> Currency {
        self.till.shop().expect("shop is set up").currency
    }

    pub fn money(&self, major: &str) -> Money {
        Money::parse(major, self.currency()).expect("test amounts are valid")
    }

    pub fn add_product(
        &mut self,
        code: &str,
        name: &str,
        price: &str,
        rate: &str,
        stock: i64,
    ) -> Product {
        let price = self.money(price);
        self.till
            .add_product(&NewProduct {
                sku: sku(code),
                name: name.into(),
                price,
                barcode: None,
                tax_rate: Some(rate.into()),
                stock,
                category: None,
            })
            .expect("add product")
    }

    pub fn add_product_with_barcode(
        &mut self,
        code: &str,
        name: &str,
        price: &str,
        rate: &str,
        stock: i64,
        barcode: &str,
    ) -> Product {
        let price = self.money(price);
        self.till
            .add_product(&NewProduct {
                sku: sku(code),
                name: name.into(),
                price,
                barcode: Some(barcode.into()),
                tax_rate: Some(rate.into()),
                stock,
                category: None,
            })
            .expect("add product")
    }

    /// A cart of (SKU or barcode, quantity).
    pub fn cart(&self, items: &[(&str, i64)]) -> Cart {
        let mut cart = self.till.new_cart().expect("new cart");
        for (code, qty) in items {
            self.till
                .add_to_cart(&mut cart, code, *qty)
                .expect("add to cart");
        }
        cart
    }

    pub fn cart_for(&self, customer: CustomerId, items: &[(&str, i64)]) -> Cart {
        let mut cart = self.cart(items);
        self.till
            .link_customer(&mut cart, customer)
            .expect("link customer");
        cart
    }

    pub fn cash(&self, major: &str) -> TenderRequest {
        TenderRequest::Cash {
            tendered: Some(self.money(major)),
        }
    }

    /// A sale paid with exactly the cash due.
    pub fn cash_sale(&mut self, items: &[(&str, i64)]) -> OrderView {
        let cart = self.cart(items);
        self.till
            .checkout(&cart, &[exact_cash()])
            .expect("cash sale")
    }

    pub fn customer_sale(&mut self, customer: CustomerId, items: &[(&str, i64)]) -> OrderView {
        let cart = self.cart_for(customer, items);
        self.till
            .checkout(&cart, &[exact_cash()])
            .expect("customer cash sale")
    }

    pub fn add_customer(&mut self, name: &str) -> Customer {
        self.till
            .add_customer(&NewCustomer {
                name: name.into(),
                email: None,
                phone: None,
            })
            .expect("add customer")
    }

    /// A customer who has earned `points` by buying that many 1.00 hamper tokens (default rates).
    pub fn customer_with_points(&mut self, name: &str, points: i64) -> Customer {
        let c = self.add_customer(name);
        let o = self.customer_sale(c.id, &[("HAMPER", points)]);
        assert_eq!(
            o.points_earned, points,
            "buying {points} hamper tokens earns {points} points"
        );
        self.till.customer(c.id).expect("customer")
    }

    pub fn balance(&self, id: CustomerId) -> i64 {
        self.till.customer(id).expect("customer").points_balance
    }

    pub fn ledger(&self, id: CustomerId) -> Vec<PointsEntry> {
        self.till.points_ledger(id).expect("points ledger")
    }

    pub fn stock(&self, code: &str) -> i64 {
        self.till.product(code).expect("product").stock
    }

    /// One integer from SQL on the till's own connection.
    pub fn scalar(&self, sql: &str) -> i64 {
        self.till
            .connection()
            .query_row(sql, [], |r| r.get(0))
            .expect(sql)
    }

    pub fn text(&self, sql: &str) -> Option<String> {
        self.till
            .connection()
            .query_row(sql, [], |r| r.get(0))
            .optional()
            .expect(sql)
            .flatten()
    }

    pub fn journal_entries(&self) -> i64 {
        self.scalar("SELECT count(*) FROM journal")
    }

    pub fn snapshot(&self) -> Snapshot {
        Snapshot(
            FIGURES
                .iter()
                .map(|(name, sql)| (*name, self.scalar(sql)))
                .collect(),
        )
    }
}

pub fn exact_cash() -> TenderRequest {
    TenderRequest::Cash { tendered: None }
}

/// Every figure a refused sale, refund or import must leave alone.
#[derive(Debug, PartialEq, Eq)]
pub struct Snapshot(Vec<(&'static str, i64)>);

const FIGURES: &[(&str, &str)] = &[
    ("orders", "SELECT count(*) FROM orders"),
    (
        "paid orders",
        "SELECT count(*) FROM orders WHERE status = 'paid'",
    ),
    ("order lines", "SELECT count(*) FROM order_lines"),
    ("payments", "SELECT count(*) FROM payments"),
    ("refunds", "SELECT count(*) FROM refunds"),
    ("refund lines", "SELECT count(*) FROM refund_lines"),
    ("refund tenders", "SELECT count(*) FROM refund_tenders"),
    ("points ledger", "SELECT count(*) FROM points_ledger"),
    ("journal", "SELECT count(*) FROM journal"),
    (
        "journal head",
        "SELECT coalesce(sum(seq), 0) FROM journal_head",
    ),
    ("parked carts", "SELECT count(*) FROM parked_carts"),
    ("products", "SELECT count(*) FROM products"),
    ("customers", "SELECT count(*) FROM customers"),
    ("stock", "SELECT coalesce(sum(stock), 0) FROM products"),
    ("price", "SELECT coalesce(sum(price), 0) FROM products"),
    (
        "points balance",
        "SELECT coalesce(sum(points_balance), 0) FROM customers",
    ),
    (
        "receipt counter",
        "SELECT coalesce(sum(last_number), 0) FROM receipt_counters",
    ),
    (
        "refunded total",
        "SELECT coalesce(sum(refunded_total), 0) FROM orders",
    ),
    (
        "points reversed",
        "SELECT coalesce(sum(points_reversed), 0) FROM orders",
    ),
    (
        "refunded units",
        "SELECT coalesce(sum(refunded_quantity), 0) FROM order_lines",
    ),
    (
        "payments refunded",
        "SELECT coalesce(sum(refunded), 0) FROM payments",
    ),
    (
        "rollup orders",
        "SELECT coalesce(sum(orders), 0) FROM sales_by_hour",
    ),
    (
        "rollup gross",
        "SELECT coalesce(sum(gross), 0) FROM sales_by_hour",
    ),
    (
        "rollup refunds",
        "SELECT coalesce(sum(refunds), 0) FROM sales_by_hour",
    ),
    (
        "rollup product qty",
        "SELECT coalesce(sum(quantity), 0) FROM sales_by_product",
    ),
    (
        "rollup tender amount",
        "SELECT coalesce(sum(amount), 0) FROM sales_by_tender",
    ),
    ("settings", "SELECT count(*) FROM settings"),
];

/// A card tender for whatever is left to pay.
pub fn card() -> TenderRequest {
    TenderRequest::Card { amount: None }
}

/// Stripe's word that the card was taken on PaymentIntent `intent` (a test Visa ending 4242).
pub fn charge(intent: &str) -> versapos_till::CardCharge {
    versapos_till::CardCharge {
        intent_id: intent.into(),
        mode: versapos_core::GatewayMode::Test,
        brand: Some("visa".into()),
        last4: Some("4242".into()),
        authorization_code: None,
    }
}
