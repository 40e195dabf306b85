//! Webhook received → applied in the till's store, timed end to end over loopback
//! (`tests/perf/relay-to-till` starts the relay and runs this against it).
//!
//! The till: a store in `--scratch` with one card sale (COFFEE and MILK for a VIP customer) per
//! event, each waiting for its card while Stripe already took it (an in-process fake Stripe holds
//! the PaymentIntents, captured), and a thread that runs [`pull_once`] in a loop with a long poll,
//! as the desktop's background sync does (with `--ahead N`, only N sales wait at first and the
//! sender rings up each next one just before its webhook). The sender posts one signed
//! `payment_intent.succeeded` per sale to the relay's `POST /webhooks/stripe/{shop}` on an
//! open-loop schedule of `--rate` per second. Applying an event re-reads the PaymentIntent from the fake Stripe and books the
//! sale (order paid, stock, points, journal).
//!
//! Each event is timed from just before its POST to the moment the till's store holds it as
//! applied (after each store access the till makes, the oldest event not yet seen applied is
//! looked up: one indexed point query); and, beside it, to the moment `pull_once` returned it to
//! the till's loop. Same process, same clock.
//!
//! Baselines in the same run: the till's own cost (`apply` called directly on events of the same
//! kind, re-read from the fake Stripe included, no relay), that re-read on its own, and, when
//! `VERSAPOS_BENCH_WATCH_TOKEN` names a second till, the relay alone (send → the event in that
//! till's long-poll answer, no apply). At the end every order must be paid, once: one sale journal
//! entry and one points entry each, the stock taken once, every event applied once.
//!
//! The signing secret and the till tokens come from the environment so they do not show in the
//! process list.

use clap::Parser;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use versapos_core::{Currency, CustomerId, Money, Sku, TaxMode, TenderRequest, TillId};
use versapos_payments::flow::{self, FlowError};
use versapos_payments::sim::NewIntent;
use versapos_payments::stripe::StripeGateway;
use versapos_payments::sync::{Outcome, Relay, SyncError};
use versapos_payments::{Gateway, GatewayError, IntentStatus, TestCard};
use versapos_relay::signature;
use versapos_secrets::{RelayToken, StripeKey};
use versapos_stripe_fake::{FakeStripe, TEST_KEY};
use versapos_till::cards::TillAccess;
use versapos_till::cards::{apply_event as apply, pull_once};
use versapos_till::{NewCustomer, NewProduct, ShopSetup, Till, TillError};

#[derive(Parser)]
#[command(about = "Webhook → applied in the till's store, through a running VersaTalent POS relay")]
struct Args {
    /// The relay's address, as printed by `versapos-relay serve` (`listening on ADDR`).
    #[arg(long)]
    relay: String,
    /// The shop whose webhook endpoint receives the events.
    #[arg(long, default_value = "default")]
    shop: String,
    /// Webhooks per second, one per pending card sale.
    #[arg(long, default_value_t = 20)]
    rate: u32,
    /// How long the sender sends (events = rate × seconds).
    #[arg(long, default_value_t = 30)]
    seconds: u64,
    /// Card sales rung up at the till before the sending starts (default: one per event, all
    /// waiting from the start); with fewer, the sender rings up each next sale just before its
    /// webhook, as a till that sells while it syncs, and keeps that many waiting ahead.
    #[arg(long)]
    ahead: Option<usize>,
    /// Events applied directly (no relay) for the till's own baseline.
    #[arg(long, default_value_t = 200)]
    direct: usize,
    /// The till's long poll (`wait=`), as the desktop asks.
    #[arg(long, default_value_t = 25)]
    wait: u64,
    /// Folder for the till's store (on the disk a till would use).
    #[arg(long)]
    scratch: PathBuf,
    #[arg(long, env = "VERSAPOS_BENCH_SECRET", hide_env_values = true)]
    secret: String,
    #[arg(long, env = "VERSAPOS_BENCH_TOKEN", hide_env_values = true)]
    token: String,
    /// A second till of the shop that only watches (the relay-alone baseline).
    #[arg(long, env = "VERSAPOS_BENCH_WATCH_TOKEN", hide_env_values = true)]
    watch_token: Option<String>,
}

#[derive(Debug, thiserror::Error)]
enum BenchError {
    #[error("the till's store: {0}")]
    Till(#[from] TillError),
    #[error(transparent)]
    Flow(#[from] FlowError),
    #[error(transparent)]
    Sync(#[from] SyncError),
    #[error("the fake Stripe: {0}")]
    Gateway(#[from] GatewayError),
    #[error("setting up: {0}")]
    Setup(String),
    #[error("POST webhook: {0}")]
    Webhook(String),
    #[error("the watching till: {0}")]
    Watch(String),
    #[error("a bench thread panicked")]
    ThreadPanicked,
    #[error("not every sale was booked exactly once: {0}")]
    Check(String),
}

/// The oldest event of a run not yet seen applied, and when each was.
struct Progress {
    ids: Vec<String>,
    next: usize,
    applied: Vec<Option<Instant>>,
}

/// The till's store, shared by the till's sync thread and the checks, noting when each event of
/// the run became applied.
struct Shop {
    inner: Mutex<(Till, Option<Progress>)>,
}

impl TillAccess for Shop {
    fn with_till(&self, f: &mut dyn FnMut(&mut Till)) -> Result<(), FlowError> {
        let mut guard = self
            .inner
            .lock()
            .map_err(|_| FlowError::Unavailable("the till's store lock was poisoned".into()))?;
        let (till, progress) = &mut *guard;
        f(till);
        if let Some(p) = progress {
            // Events are applied in the order they were sent (one sender, the relay's order).
            while let Some(id) = p.ids.get(p.next) {
                if !till.was_applied(id).unwrap_or(false) {
                    break;
                }
                if let Some(slot) = p.applied.get_mut(p.next) {
                    *slot = Some(Instant::now());
                }
                p.next += 1;
            }
        }
        Ok(())
    }
}

impl Shop {
    fn lock(&self) -> Result<std::sync::MutexGuard<'_, (Till, Option<Progress>)>, BenchError> {
        self.inner
            .lock()
            .map_err(|_| BenchError::Setup("the till's store lock was poisoned".into()))
    }

    fn watch(&self, ids: &[String]) -> Result<(), BenchError> {
        self.lock()?.1 = Some(Progress {
            ids: ids.to_vec(),
            next: 0,
            applied: vec![None; ids.len()],
        });
        Ok(())
    }

    /// When each watched event became applied (and stops watching).
    fn applied_at(&self) -> Result<Vec<Option<Instant>>, BenchError> {
        Ok(self.lock()?.1.take().map(|p| p.applied).unwrap_or_default())
    }

    fn all_applied(&self) -> bool {
        self.lock()
            .map(|g| g.1.as_ref().is_none_or(|p| p.next >= p.ids.len()))
            .unwrap_or(true)
    }

    fn count(&self, sql: &str) -> Result<i64, BenchError> {
        Ok(self
            .lock()?
            .0
            .connection()
            .query_row(sql, [], |r| r.get(0))
            .map_err(TillError::from)?)
    }
}

/// One card sale waiting at the till, already captured at Stripe.
struct Sale {
    payment_id: String,
    order_id: String,
    intent_id: String,
}

const STOCK: i64 = 1_000_000;

fn open_shop(
    scratch: &std::path::Path,
) -> Result<(tempfile::TempDir, Shop, CustomerId), BenchError> {
    let dir = tempfile::TempDir::new_in(scratch)
        .map_err(|e| BenchError::Setup(format!("a folder for the till's store: {e}")))?;
    let mut till = Till::open(&dir.path().join("till.db"))?;
    let bad = |what: &str| BenchError::Setup(format!("{what} is not valid"));
    till.init(&ShopSetup {
        name: "Corner Shop".into(),
        currency: Currency::from_code("GBP").map_err(|_| bad("GBP"))?,
        till_id: TillId::parse("T1").map_err(|_| bad("till id T1"))?,
        tax_mode: TaxMode::Inclusive,
        tax_rates: Vec::new(),
        default_tax_rate: None,
        demo: false,
    })?;
    let currency = till.shop()?.currency;
    for (sku, price) in [("COFFEE", "12.00"), ("MILK", "2.10")] {
        till.add_product(&NewProduct {
            sku: Sku::parse(sku).map_err(|_| bad(sku))?,
            name: sku.into(),
            price: Money::parse(price, currency).map_err(|_| bad(price))?,
            barcode: None,
            tax_rate: Some("standard".into()),
            stock: STOCK,
            category: None,
        })?;
    }
    let vip = till
        .add_customer(&NewCustomer {
            name: "Ada Lovelace".into(),
            email: None,
            phone: None,
        })?
        .id;
    Ok((
        dir,
        Shop {
            inner: Mutex::new((till, None)),
        },
        vip,
    ))
}

/// Rings up card sales at the till that Stripe then takes behind its back: each PaymentIntent
/// handed to the simulated reader, the approved test card presented, and captured.
struct Counter<'a> {
    shop: &'a Shop,
    fake: &'a FakeStripe,
    vip: CustomerId,
    reader: String,
    mode: &'static str,
}

impl Counter<'_> {
    fn sales(&self, count: usize) -> Result<Vec<Sale>, BenchError> {
        (0..count).map(|_| self.sale()).collect()
    }

    fn sale(&self) -> Result<Sale, BenchError> {
        let (shop, fake, vip, reader, mode) =
            (self.shop, self.fake, self.vip, &self.reader, self.mode);
        let mut guard = shop.lock()?;
        let till = &mut guard.0;
        let mut cart = till.new_cart()?;
        till.add_to_cart(&mut cart, "COFFEE", 1)?;
        till.add_to_cart(&mut cart, "MILK", 1)?;
        till.link_customer(&mut cart, vip)?;
        let pending = till.begin_card_sale(&cart, &[TenderRequest::Card { amount: None }])?;
        // The card is taken behind the till's back: only the relay's event tells the till.
        till.release_card(&pending.payment_id)?;
        let request = flow::intent_request(&pending);
        let intent = fake.with_sim(|sim| {
            let intent = sim.create_intent(
                Some(&pending.payment_id),
                &NewIntent::from_request(&request),
            )?;
            sim.process_intent(reader, &intent.id, None)?;
            sim.present_card(reader, TestCard::Approved)?;
            sim.capture_intent(&intent.id, None, None)
        })?;
        if intent.status != IntentStatus::Succeeded {
            return Err(BenchError::Setup(format!(
                "{} is {}, not succeeded",
                intent.id,
                intent.status.as_str()
            )));
        }
        till.record_intent(&pending.payment_id, &intent.id, mode, Some(reader))?;
        Ok(Sale {
            payment_id: pending.payment_id,
            order_id: pending.order_id,
            intent_id: intent.id,
        })
    }
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A `payment_intent.succeeded` event shaped like Stripe's, about the sale's PaymentIntent.
fn event(id: &str, sale: &Sale, created: i64) -> Value {
    json!({
        "id": id, "object": "event", "api_version": "2026-09-30.endive", "created": created,
        "livemode": false, "pending_webhooks": 1,
        "request": { "id": null, "idempotency_key": sale.payment_id },
        "type": "payment_intent.succeeded",
        "data": { "object": {
            "id": sale.intent_id, "object": "payment_intent", "amount": 1410,
            "amount_capturable": 0, "amount_received": 1410, "capture_method": "manual",
            "created": created, "currency": "gbp", "customer": null,
            "description": "VersaTalent POS sale", "last_payment_error": null,
            "latest_charge": format!("ch_{}", sale.intent_id), "livemode": false,
            "metadata": {
                "payment_id": sale.payment_id, "order_id": sale.order_id, "till_id": "T1",
            },
            "payment_method": format!("pm_card_present_{}", sale.intent_id),
            "payment_method_types": ["card_present"], "status": "succeeded",
        } },
    })
}

fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .timeout_connect(Some(Duration::from_secs(5)))
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .build(),
    )
}

/// Posts one signed event; returns when the relay acknowledged it.
fn post(agent: &ureq::Agent, url: &str, secret: &str, body: &str) -> Result<(), BenchError> {
    let signed = signature::sign(body.as_bytes(), secret, unix_now());
    let mut response = agent
        .post(url)
        .header("content-type", "application/json")
        .header("stripe-signature", &signed)
        .send(body)
        .map_err(|e| BenchError::Webhook(e.to_string()))?;
    let status = response.status().as_u16();
    let text = response
        .body_mut()
        .read_to_string()
        .map_err(|e| BenchError::Webhook(e.to_string()))?;
    if status != 200 {
        return Err(BenchError::Webhook(format!(
            "the relay answered {status}: {text}"
        )));
    }
    Ok(())
}

/// A second till long-polling the relay: when each event first reached it (no apply).
fn watch_relay(
    base: &str,
    token: &str,
    index: &HashMap<String, usize>,
    give_up: Instant,
) -> Result<Vec<Option<Instant>>, BenchError> {
    let agent = agent(Duration::from_secs(40));
    let auth = format!("Bearer {token}");
    let mut seen = vec![None; index.len()];
    let (mut cursor, mut left) = (0i64, index.len());
    while left > 0 && Instant::now() < give_up {
        let url = format!("{base}/v1/events?after={cursor}&wait=5");
        let mut response = agent
            .get(&url)
            .header("authorization", &auth)
            .call()
            .map_err(|e| BenchError::Watch(e.to_string()))?;
        let body = response
            .body_mut()
            .read_to_string()
            .map_err(|e| BenchError::Watch(e.to_string()))?;
        let now = Instant::now();
        if response.status().as_u16() != 200 {
            return Err(BenchError::Watch(format!("{}: {body}", response.status())));
        }
        let page: Value =
            serde_json::from_str(&body).map_err(|e| BenchError::Watch(e.to_string()))?;
        for entry in page["events"].as_array().into_iter().flatten() {
            let k = entry["id"].as_str().and_then(|id| index.get(id));
            if let Some(slot) = k.and_then(|k| seen.get_mut(*k)) {
                if slot.is_none() {
                    *slot = Some(now);
                    left -= 1;
                }
            }
        }
        cursor = page["cursor"].as_i64().unwrap_or(cursor);
    }
    Ok(seen)
}

/// What the till's sync loop saw.
#[derive(Default)]
struct Pulls {
    /// When `pull_once` returned each event of the run to the loop.
    returned: Vec<Option<Instant>>,
    /// Events per non-empty page.
    pages: Vec<usize>,
    /// Events of the run that did not come to `paid`, with their outcome.
    other: Vec<String>,
}

/// The till's background sync: `pull_once` with a long poll, again at once, until every event of
/// the run is applied (or `give_up`).
fn till_sync(
    relay: &Relay<'_>,
    gateway: &dyn Gateway,
    shop: &Shop,
    wait: u64,
    index: &HashMap<String, usize>,
    give_up: Instant,
) -> Result<Pulls, BenchError> {
    let mut pulls = Pulls {
        returned: vec![None; index.len()],
        ..Pulls::default()
    };
    while !shop.all_applied() && Instant::now() < give_up {
        let report = pull_once(relay, gateway, shop, wait)?;
        let now = Instant::now();
        if !report.events.is_empty() {
            pulls.pages.push(report.events.len());
        }
        for e in &report.events {
            if e.outcome != Outcome::Paid {
                pulls.other.push(format!(
                    "{} {}: {}",
                    e.event_id,
                    e.outcome.as_str(),
                    e.detail
                ));
                continue;
            }
            if let Some(slot) = index
                .get(&e.event_id)
                .and_then(|k| pulls.returned.get_mut(*k))
            {
                *slot = Some(now);
            }
        }
    }
    Ok(pulls)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted.get(rank - 1).copied().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn row(label: &str, mut times: Vec<Duration>) -> String {
    times.sort_unstable();
    format!(
        "| {label} | {} | {} | {} | {} | {} |",
        times.len(),
        ms(percentile(&times, 0.50)),
        ms(percentile(&times, 0.95)),
        ms(percentile(&times, 0.99)),
        ms(times.last().copied().unwrap_or_default()),
    )
}

/// `end − start` for every event that has both.
fn spans(start: &[Option<Instant>], end: &[Option<Instant>]) -> Vec<Duration> {
    start
        .iter()
        .zip(end)
        .filter_map(|(s, e)| Some(e.as_ref()?.saturating_duration_since(*s.as_ref()?)))
        .collect()
}

/// Every order paid, once: what the store holds after the run.
fn check_once(shop: &Shop, sales: usize) -> Result<String, BenchError> {
    let n = i64::try_from(sales).unwrap_or(i64::MAX);
    let sold = format!("SELECT {STOCK} - stock FROM products WHERE sku = 'COFFEE'");
    let counts = [
        (
            "orders paid",
            "SELECT count(*) FROM orders WHERE status = 'paid'",
        ),
        (
            "orders not paid",
            "SELECT count(*) FROM orders WHERE status <> 'paid'",
        ),
        (
            "sale journal entries",
            "SELECT count(*) FROM journal WHERE kind = 'sale'",
        ),
        (
            "card payments succeeded",
            "SELECT count(*) FROM payments WHERE tender = 'card' AND status = 'succeeded'",
        ),
        (
            "points earned entries",
            "SELECT count(*) FROM points_ledger WHERE kind = 'earn'",
        ),
        (
            "orders with one earn entry",
            "SELECT count(*) FROM (SELECT order_id FROM points_ledger WHERE kind = 'earn' \
             GROUP BY order_id HAVING count(*) = 1)",
        ),
        ("events applied", "SELECT count(*) FROM applied_events"),
        ("COFFEE sold", sold.as_str()),
    ];
    let mut found = Vec::new();
    let mut wrong = Vec::new();
    for (what, sql) in counts {
        let got = shop.count(sql)?;
        let want = if what == "orders not paid" { 0 } else { n };
        if got != want {
            wrong.push(format!("{what}: {got}, expected {want}"));
        }
        found.push(format!("{what} {got}"));
    }
    let balance = shop.count("SELECT points_balance FROM customers")?;
    let earned = shop.count("SELECT sum(points_earned) FROM orders")?;
    if balance != earned || earned <= 0 {
        wrong.push(format!(
            "the VIP holds {balance} points, the orders earned {earned}"
        ));
    }
    found.push(format!("VIP points {balance} (= sum earned)"));
    if wrong.is_empty() {
        Ok(found.join(", "))
    } else {
        Err(BenchError::Check(wrong.join("; ")))
    }
}

fn run(args: Args) -> Result<(), BenchError> {
    let relay_url = format!("http://{}", args.relay.trim_start_matches("http://"));
    let webhook_url = format!("{relay_url}/webhooks/stripe/{}", args.shop);
    let token = RelayToken::parse(&args.token).map_err(|e| BenchError::Setup(e.to_string()))?;
    let fake = FakeStripe::start();
    let key = StripeKey::parse(TEST_KEY).map_err(|e| BenchError::Setup(e.to_string()))?;
    let gateway = StripeGateway::new(&key, Some(&fake.url()))?;
    let (_dir, shop, vip) = open_shop(&args.scratch)?;

    let sent_count = usize::try_from(u64::from(args.rate) * args.seconds).unwrap_or(usize::MAX);
    let ahead = args.ahead.unwrap_or(sent_count).clamp(1, sent_count.max(1));
    let counter = Counter {
        shop: &shop,
        fake: &fake,
        vip,
        reader: flow::till_reader(&gateway, None)?.id,
        mode: gateway.mode().as_str(),
    };
    let prepared = Instant::now();
    let direct_sales = counter.sales(args.direct)?;
    let mut relayed_sales = counter.sales(ahead.min(sent_count))?;
    let run_id = format!("{:x}", unix_now());
    println!(
        "till: {} card sales waiting (COFFEE + MILK for a VIP, captured at the fake Stripe), \
         set up in {:.1} s; {}; relay {relay_url}; till long poll wait={} s\n",
        direct_sales.len() + relayed_sales.len(),
        prepared.elapsed().as_secs_f64(),
        if ahead >= sent_count {
            "every sale rung up before the sending".to_string()
        } else {
            format!("then each next sale rung up just before its webhook, {ahead} ahead")
        },
        args.wait
    );

    // The till's own cost: apply called directly, nothing but the re-read from the fake Stripe.
    let direct_ids: Vec<String> = (0..direct_sales.len())
        .map(|k| format!("evt_{run_id}_direct_{k}"))
        .collect();
    shop.watch(&direct_ids)?;
    let mut direct = Vec::with_capacity(direct_sales.len());
    for (id, sale) in direct_ids.iter().zip(&direct_sales) {
        let e = event(id, sale, unix_now());
        let began = Instant::now();
        let applied = apply(&gateway, &shop, &e)?;
        direct.push(began.elapsed());
        if applied.outcome != Outcome::Paid {
            return Err(BenchError::Check(format!(
                "{id} applied directly came to {}: {}",
                applied.outcome.as_str(),
                applied.detail
            )));
        }
    }
    shop.applied_at()?;
    // What the re-read inside each apply costs on its own.
    let mut reads = Vec::with_capacity(direct_sales.len());
    for sale in &direct_sales {
        let began = Instant::now();
        gateway.intent(&sale.intent_id)?;
        reads.push(began.elapsed());
    }

    // Through the relay.
    let ids: Vec<String> = (0..sent_count)
        .map(|k| format!("evt_{run_id}_{k}"))
        .collect();
    let index: HashMap<String, usize> = ids
        .iter()
        .cloned()
        .enumerate()
        .map(|(k, id)| (id, k))
        .collect();
    shop.watch(&ids)?;
    let interval = Duration::from_secs(1) / args.rate.max(1);
    let start = Instant::now() + Duration::from_millis(500);
    let give_up = start + Duration::from_secs(args.seconds + 60);
    let relay = Relay {
        url: &relay_url,
        token: &token,
    };
    let (sent, acked, pulls, watched) = thread::scope(|s| {
        let till = s.spawn(|| till_sync(&relay, &gateway, &shop, args.wait, &index, give_up));
        let watcher = args
            .watch_token
            .as_deref()
            .map(|t| s.spawn(|| watch_relay(&relay_url, t, &index, give_up)));
        let sender = agent(Duration::from_secs(10));
        let mut sent = Vec::with_capacity(ids.len());
        let mut acked = Vec::with_capacity(ids.len());
        let mut failed = None;
        for (k, id) in ids.iter().enumerate() {
            // The sale this webhook is about, and those kept waiting ahead of it.
            while relayed_sales.len() < (k + ahead).min(ids.len()) {
                match counter.sale() {
                    Ok(sale) => relayed_sales.push(sale),
                    Err(e) => {
                        failed = Some(e);
                        break;
                    }
                }
            }
            let Some(sale) = relayed_sales.get(k).filter(|_| failed.is_none()) else {
                break;
            };
            let body = event(id, sale, unix_now()).to_string();
            let due = start + interval * u32::try_from(k).unwrap_or(u32::MAX);
            let now = Instant::now();
            if due > now {
                thread::sleep(due - now);
            }
            let at = Instant::now();
            if let Err(e) = post(&sender, &webhook_url, &args.secret, &body) {
                failed = Some(e);
                break;
            }
            sent.push(Some(at));
            acked.push(Some(Instant::now()));
        }
        let pulls = till.join().map_err(|_| BenchError::ThreadPanicked);
        let watched = watcher.map(|w| w.join().map_err(|_| BenchError::ThreadPanicked));
        if let Some(e) = failed {
            return Err(e);
        }
        Ok((sent, acked, pulls??, watched.transpose()?.transpose()?))
    })?;
    let sending = sent
        .last()
        .copied()
        .flatten()
        .map(|last| last.saturating_duration_since(start))
        .unwrap_or_default();
    let applied = shop.applied_at()?;

    let to_store = spans(&sent, &applied);
    println!(
        "### Webhook → applied in the till's store at {}/s ({} events over {:.1} s), ms\n",
        args.rate,
        sent.len(),
        sending.as_secs_f64()
    );
    println!("| path | events | p50 | p95 | p99 | max |");
    println!("| --- | --- | --- | --- | --- | --- |");
    println!(
        "{}",
        row(
            "till's own `apply`, called directly (re-read from the fake Stripe, book the sale)",
            direct
        )
    );
    println!(
        "{}",
        row(
            "fake Stripe, one PaymentIntent read (`Gateway::intent`) on its own",
            reads
        )
    );
    println!("{}", row("relay, send → ack", spans(&sent, &acked)));
    if let Some(watched) = &watched {
        println!(
            "{}",
            row(
                "relay, send → in a second till's long-poll answer (no apply)",
                spans(&sent, watched)
            )
        );
    }
    println!(
        "{}",
        row("**send → applied in the till's store**", to_store.clone())
    );
    println!(
        "{}",
        row(
            "send → `pull_once` returned it to the till's loop",
            spans(&sent, &pulls.returned)
        )
    );
    let pages = pulls.pages.len();
    let most = pulls.pages.iter().max().copied().unwrap_or(0);
    println!(
        "\ntill pulls with events: {pages} (events per page: mean {:.2}, max {most})",
        pulls.pages.iter().sum::<usize>() as f64 / pages.max(1) as f64
    );

    let mut problems = Vec::new();
    if to_store.len() != ids.len() {
        problems.push(format!(
            "{} of {} events were seen applied",
            to_store.len(),
            ids.len()
        ));
    }
    if !pulls.other.is_empty() {
        problems.push(format!(
            "{} events did not come to paid, first: {}",
            pulls.other.len(),
            pulls.other.first().cloned().unwrap_or_default()
        ));
    }
    let once = check_once(&shop, direct_sales.len() + relayed_sales.len());
    match once {
        Ok(found) => println!("store after the run: {found}"),
        Err(e) => problems.push(e.to_string()),
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(BenchError::Check(problems.join("; ")))
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
