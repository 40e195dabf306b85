//! What the payments tests share: a small GBP shop on a store in a temp dir, card sales through
//! the till's own flow, and a Stripe gateway on the in-repo fake that tries each call once.

use std::sync::atomic::AtomicBool;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use tempfile::TempDir;
use versapos_core::{Currency, CustomerId, Money, Sku, TaxMode, TenderRequest, TillId};
use versapos_payments::flow::{self, Terminal, Timing};
use versapos_payments::stripe::StripeGateway;
use versapos_payments::{Gateway, TestCard};
use versapos_secrets::StripeKey;
use versapos_stripe_fake::{FakeStripe, TEST_KEY};
use versapos_till::cards::{self, CardOutcome};
use versapos_till::{NewCustomer, NewProduct, OrderView, ShopSetup, Till};

pub struct Shop {
    _dir: TempDir,
    pub till: Mutex<Till>,
}

/// A GBP shop selling COFFEE at 12.00 and MILK at 2.10, ten of each.
pub fn shop() -> Shop {
    let dir = TempDir::new().expect("temp dir");
    let mut till = Till::open(&dir.path().join("till.db")).expect("open store");
    till.init(&ShopSetup {
        name: "Corner Shop".into(),
        currency: Currency::from_code("GBP").expect("GBP"),
        till_id: TillId::parse("T1").expect("till id"),
        tax_mode: TaxMode::Inclusive,
        tax_rates: Vec::new(),
        default_tax_rate: None,
        demo: false,
    })
    .expect("init");
    for (sku, price) in [("COFFEE", "12.00"), ("MILK", "2.10")] {
        let currency = till.shop().expect("shop").currency;
        till.add_product(&NewProduct {
            sku: Sku::parse(sku).expect("sku"),
            name: sku.into(),
            price: Money::parse(price, currency).expect("price"),
            barcode: None,
            tax_rate: Some("standard".into()),
            stock: 10,
            category: None,
        })
        .expect("add product");
    }
    Shop {
        _dir: dir,
        till: Mutex::new(till),
    }
}

impl Shop {
    pub fn till(&self) -> MutexGuard<'_, Till> {
        self.till.lock().expect("till lock")
    }

    /// A sale of `items` paid by card on the gateway's reader with the approved test card.
    pub fn card_sale(&self, gateway: &dyn Gateway, items: &[(&str, i64)]) -> OrderView {
        self.card_sale_for(gateway, items, None)
    }

    /// The same, for a VIP customer when given.
    pub fn card_sale_for(
        &self,
        gateway: &dyn Gateway,
        items: &[(&str, i64)],
        customer: Option<CustomerId>,
    ) -> OrderView {
        match self.card_sale_with(gateway, items, customer, TestCard::Approved) {
            CardOutcome::Paid { order } => *order,
            other => panic!("the approved test card pays: {other:?}"),
        }
    }

    /// A card sale of `items` (for a VIP customer when given) with `card` presented on the
    /// gateway's reader, as it ended.
    pub fn card_sale_with(
        &self,
        gateway: &dyn Gateway,
        items: &[(&str, i64)],
        customer: Option<CustomerId>,
        card: TestCard,
    ) -> CardOutcome {
        let pending = {
            let mut till = self.till();
            let mut cart = till.new_cart().expect("cart");
            for (sku, qty) in items {
                till.add_to_cart(&mut cart, sku, *qty).expect("add");
            }
            if let Some(id) = customer {
                till.link_customer(&mut cart, id).expect("link customer");
            }
            till.begin_card_sale(&cart, &[TenderRequest::Card { amount: None }])
                .expect("begin card sale")
        };
        let terminal = Terminal {
            gateway,
            reader: flow::till_reader(gateway, None).expect("the one reader"),
            timing: Timing {
                poll: Duration::from_millis(10),
                reader_timeout: Duration::from_secs(10),
            },
            test_card: Some(card),
        };
        cards::pay(
            &terminal,
            &self.till,
            &pending,
            None,
            &AtomicBool::new(false),
            &|_| {},
        )
        .expect("pay")
    }

    /// A new VIP customer (no email, no phone).
    pub fn add_vip(&self, name: &str) -> CustomerId {
        self.till()
            .add_customer(&NewCustomer {
                name: name.into(),
                email: None,
                phone: None,
            })
            .expect("customer")
            .id
    }

    pub fn order(&self, receipt: &str) -> OrderView {
        self.till().order(receipt).expect("order")
    }
}

/// The product's Stripe gateway on the fake, one attempt per call: a cut answer is final for the
/// call, as after the gateway's own retries.
pub fn gateway_once(fake: &FakeStripe) -> StripeGateway {
    let key = StripeKey::parse(TEST_KEY).expect("the fake's key");
    StripeGateway::new(&key, Some(&fake.url()))
        .expect("gateway")
        .with_retry(1, Duration::from_millis(10))
        .with_timeout(Duration::from_secs(10))
}
