//! Bench data: a realistic shop of N products and M orders, built through the till's own services.
//!
//! The store lands in `~/.cache/versapos-bench/store-{products}-{orders}.db` (or under
//! `VERSAPOS_BENCH_DIR`) and is reused when its `.done` marker exists; the marker is written only
//! after the whole store is built, so an interrupted run starts again from scratch. A reused store
//! is migrated forward by the till's migrations when the code's schema is newer; after editing an
//! already-numbered migration, delete the cached store so that it is generated again.
//!
//! Everything goes through the real code: `Till::open_with_clock`, `Till::init`,
//! `catalog::import` (rows built in memory as `import::ImportRow`, in batches of 50,000),
//! `Till::add_customer`, `Till::add_to_cart` (by barcode, as a scanner would), `Till::link_customer`
//! and `Till::checkout` with a `FixedClock` moved forward sale by sale over 365 days.
//!
//! Speed: during generation only, the generator's connections run with `PRAGMA synchronous=OFF`
//! and a 256 MiB page cache. Those are per-connection settings, not stored in the file; the
//! benchmarks reopen the store with the till's own pragmas (WAL, `synchronous=FULL`). A crash
//! during generation can corrupt the file, which is why the marker is written last.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, TimeZone, Weekday};
use rand::distr::weighted::WeightedIndex;
use rand::distr::Distribution;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use std::path::{Path, PathBuf};
use std::time::Instant;
use versapos_core::{Barcode, Currency, FixedClock, Money, Sku, TaxMode, TenderRequest, TillId};
use versapos_store::import::ImportRow;
use versapos_store::{catalog, db, Moment};
use versapos_till::{NewCustomer, ShopSetup, Till};

/// The first day of generated sales; the year runs 365 days from here.
pub const FIRST_DAY: (i32, u32, u32) = (2025, 1, 1);
/// Days of generated sales.
pub const DAYS: i64 = 365;
const BATCH: usize = 50_000;
const PROGRESS: usize = 50_000;

/// The bench store's folder: `VERSAPOS_BENCH_DIR`, else `~/.cache/versapos-bench`.
pub fn bench_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("VERSAPOS_BENCH_DIR") {
        return PathBuf::from(d);
    }
    let home = std::env::var_os("HOME").map_or_else(std::env::temp_dir, PathBuf::from);
    home.join(".cache").join("versapos-bench")
}

/// The marker written once a store is complete; it holds the generator's timings.
pub fn marker(db: &Path) -> PathBuf {
    let mut m = db.as_os_str().to_owned();
    m.push(".done");
    PathBuf::from(m)
}

/// Returns the path of a complete bench store with `products` products and `orders` orders,
/// building it first when there is none.
pub fn bench_store(products: usize, orders: usize) -> PathBuf {
    let dir = bench_dir();
    std::fs::create_dir_all(&dir).expect("create the bench folder");
    let path = dir.join(format!("store-{products}-{orders}.db"));
    let done = marker(&path);
    if done.exists() && path.exists() {
        // A store built by an older build is brought up to date by the till's own migrations
        // (as an upgraded till would be), here rather than inside a timed start-up.
        let before: i64 = rusqlite::Connection::open(&path)
            .and_then(|c| c.pragma_query_value(None, "user_version", |r| r.get(0)))
            .expect("read the bench store's schema version");
        let conn = versapos_store::open::open(&path).expect("open and migrate the bench store");
        let after = db::schema_version(&conn).expect("schema version");
        drop(conn);
        if before != after {
            eprintln!(
                "bench store: migrated {} from schema {before} to {after}",
                path.display()
            );
        }
        eprintln!("bench store: reusing {} (schema {after})", path.display());
        return path;
    }
    for suffix in ["", "-wal", "-shm", ".done"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        match std::fs::remove_file(PathBuf::from(p)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => panic!("remove an incomplete bench store: {e}"),
        }
    }
    eprintln!(
        "bench store: generating {products} products and {orders} orders in {}",
        path.display()
    );
    let stats = generate(&path, products, orders);
    std::fs::write(&done, stats).expect("write the bench store marker");
    path
}

/// Settings that make generation fast; per connection, never stored in the file.
fn fast_pragmas(conn: &rusqlite::Connection) {
    conn.pragma_update(None, "synchronous", "OFF")
        .expect("synchronous=OFF");
    conn.pragma_update(None, "cache_size", -262_144_i64)
        .expect("cache_size");
}

fn at(day: NaiveDate, secs: u32) -> DateTime<FixedOffset> {
    let utc = FixedOffset::east_opt(0).expect("UTC offset");
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight");
    utc.from_local_datetime(&midnight)
        .single()
        .expect("a plain UTC time")
        + Duration::milliseconds(i64::from(secs))
}

fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(FIRST_DAY.0, FIRST_DAY.1, FIRST_DAY.2).expect("first day")
}

fn generate(path: &Path, products: usize, orders: usize) -> String {
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(0x5EED_2025);
    let clock = FixedClock(at(first_day() - Duration::days(1), 9 * 3_600_000));
    let mut till = Till::open_with_clock(path, Box::new(clock)).expect("open the bench store");
    fast_pragmas(till.connection());
    let gbp = Currency::from_code("GBP").expect("GBP");
    till.init(&ShopSetup {
        name: "VersaTalent Bench Superstore".into(),
        currency: gbp,
        till_id: TillId::parse("BENCH1").expect("till id"),
        tax_mode: TaxMode::Inclusive,
        tax_rates: Vec::new(),
        default_tax_rate: None,
        demo: false,
    })
    .expect("init the shop");
    let shop = till.shop().expect("shop").clone();

    // Products, through catalog::import in batches (one transaction and journal entry each).
    let t = Instant::now();
    let mut conn =
        versapos_store::open::open(path).expect("open a second connection for the import");
    fast_pragmas(&conn);
    let import_at = Moment::new(clock.0);
    let mut done = 0;
    while done < products {
        let end = (done + BATCH).min(products);
        let rows: Vec<ImportRow> = (done..end).map(|i| product_row(i, gbp, &mut rng)).collect();
        let file = format!("bench-catalog-{}.csv", done / BATCH + 1);
        catalog::import(&mut conn, &shop, &file, &rows, &import_at, &mut |_| {})
            .expect("import a catalog batch");
        done = end;
        if done % PROGRESS == 0 || done == products {
            let rate = done as f64 / t.elapsed().as_secs_f64();
            eprintln!("  products {done}/{products} ({rate:.0}/s)");
        }
    }
    drop(conn);
    let products_secs = t.elapsed().as_secs_f64();

    // VIP customers.
    let t = Instant::now();
    let n_customers = (orders / 100).clamp(20, 20_000);
    let mut customers = Vec::with_capacity(n_customers);
    for i in 0..n_customers {
        let first = *FIRST_NAMES.choose(&mut rng).expect("names");
        let last = *LAST_NAMES.choose(&mut rng).expect("names");
        let email = rng.random_bool(0.7).then(|| {
            format!(
                "{}.{}{i}@example.com",
                first.to_lowercase(),
                last.to_lowercase()
            )
        });
        let phone = rng
            .random_bool(0.5)
            .then(|| format!("+44 7700 {:06}", rng.random_range(0..1_000_000)));
        let c = till
            .add_customer(&NewCustomer {
                name: format!("{first} {last}"),
                email,
                phone,
            })
            .expect("add a customer");
        customers.push(c.id);
    }
    let customers_secs = t.elapsed().as_secs_f64();

    // Orders, one checkout each, spread over the year with a shop's daily and hourly shape.
    let t = Instant::now();
    let mut balances = vec![0_i64; customers.len()];
    let per_day = orders_per_day(orders);
    let hours = WeightedIndex::new(HOUR_WEIGHTS.iter().map(|h| h.1)).expect("hour weights");
    let lines = WeightedIndex::new([20, 20, 17, 13, 10, 8, 6, 6]).expect("line weights");
    let qty = WeightedIndex::new([80, 14, 3, 2, 1]).expect("quantity weights");
    let mut count = 0;
    for (d, n) in per_day.iter().enumerate() {
        let day = first_day() + Duration::days(d as i64);
        let mut times: Vec<u32> = (0..*n)
            .map(|_| {
                let hour = HOUR_WEIGHTS[hours.sample(&mut rng)].0;
                hour * 3_600_000 + rng.random_range(0..3_600_000)
            })
            .collect();
        times.sort_unstable();
        for ms in times {
            till.set_clock(Box::new(FixedClock(at(day, ms))));
            let mut cart = till.new_cart().expect("cart");
            for _ in 0..=lines.sample(&mut rng) {
                let i = pick_product(products, &mut rng);
                till.add_to_cart(&mut cart, &barcode(i), qty.sample(&mut rng) as i64 + 1)
                    .expect("scan a product");
            }
            let who = rng
                .random_bool(0.3)
                .then(|| rng.random_range(0..customers.len()));
            if let Some(c) = who {
                till.link_customer(&mut cart, customers[c])
                    .expect("link a customer");
            }
            let total = cart
                .price(TaxMode::Inclusive)
                .expect("price the cart")
                .total
                .minor();
            let mut tenders = Vec::new();
            if let Some(c) = who {
                let points = balances[c].min(total - 1) / 100 * 100;
                if points >= 100 && rng.random_bool(0.1) {
                    tenders.push(TenderRequest::Points { points });
                }
            }
            let tendered = if tenders.is_empty() && rng.random_bool(0.4) {
                // A note or two: the next multiple of £5, £10 or £20.
                let note = *[500_i64, 1000, 2000].choose(&mut rng).expect("notes");
                Some(Money::from_minor((total / note + 1) * note, gbp))
            } else {
                None
            };
            tenders.push(TenderRequest::Cash { tendered });
            let view = till.checkout(&cart, &tenders).expect("checkout");
            if let Some(c) = who {
                balances[c] += view.points_earned - view.points_redeemed;
            }
            count += 1;
            if count % PROGRESS == 0 || count == orders {
                let rate = count as f64 / t.elapsed().as_secs_f64();
                eprintln!("  orders {count}/{orders} ({rate:.0}/s, at {day})");
            }
        }
    }
    let orders_secs = t.elapsed().as_secs_f64();
    till.connection()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .expect("checkpoint");
    till.connection()
        .pragma_update(None, "synchronous", "FULL")
        .expect("synchronous=FULL");
    drop(till);
    let total_secs = started.elapsed().as_secs_f64();
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let stats = format!(
        "products={products} orders={orders} customers={n_customers}\n\
         products_secs={products_secs:.1} products_per_sec={:.0}\n\
         customers_secs={customers_secs:.1}\n\
         orders_secs={orders_secs:.1} orders_per_sec={:.0}\n\
         total_secs={total_secs:.1} file_bytes={bytes}\n",
        products as f64 / products_secs.max(1e-9),
        orders as f64 / orders_secs.max(1e-9),
    );
    eprint!("bench store ready:\n{stats}");
    stats
}

/// Orders per day: weekends busier, December busiest, January quiet; sums to `orders`.
fn orders_per_day(orders: usize) -> Vec<usize> {
    let weights: Vec<f64> = (0..DAYS)
        .map(|d| {
            let day = first_day() + Duration::days(d);
            let week = match day.weekday() {
                Weekday::Mon | Weekday::Tue => 0.9,
                Weekday::Wed => 0.95,
                Weekday::Thu => 1.0,
                Weekday::Fri => 1.15,
                Weekday::Sat => 1.3,
                Weekday::Sun => 0.8,
            };
            let season = match day.month() {
                1 => 0.85,
                8 => 1.05,
                11 => 1.1,
                12 => 1.35,
                _ => 1.0,
            };
            week * season
        })
        .collect();
    let sum: f64 = weights.iter().sum();
    let mut cum = 0.0;
    let mut given = 0;
    let mut out: Vec<usize> = weights
        .iter()
        .map(|w| {
            cum += w;
            let upto = ((cum / sum) * orders as f64).round() as usize;
            let n = upto.clamp(given, orders) - given;
            given += n;
            n
        })
        .collect();
    if let Some(last) = out.last_mut() {
        *last += orders - given;
    }
    out
}

/// Opening hours 07:00–21:00 with a lunch and an after-work peak.
const HOUR_WEIGHTS: [(u32, u32); 14] = [
    (7, 2),
    (8, 5),
    (9, 6),
    (10, 7),
    (11, 9),
    (12, 12),
    (13, 11),
    (14, 8),
    (15, 7),
    (16, 8),
    (17, 11),
    (18, 10),
    (19, 6),
    (20, 4),
];

/// Which product a line sells: 70 % from the best sellers (every 100th product, skewed towards
/// the first of them), 30 % from anywhere in the catalog.
fn pick_product(products: usize, rng: &mut StdRng) -> usize {
    let popular = products.div_ceil(100);
    if rng.random_bool(0.7) {
        let u: f64 = rng.random();
        ((u * u * popular as f64) as usize).min(popular - 1) * 100
    } else {
        rng.random_range(0..products)
    }
}

/// Product `i`'s EAN-13: the UK prefix 50, ten digits scrambled from `i` (a bijection modulo
/// 10^10, so they never collide), and the EAN check digit.
pub fn barcode(i: usize) -> String {
    let body = (i as u64).wrapping_mul(7_919_091_373) % 10_000_000_000;
    let digits = format!("50{body:010}");
    let sum: u32 = digits
        .bytes()
        .enumerate()
        .map(|(k, b)| u32::from(b - b'0') * if k % 2 == 0 { 1 } else { 3 })
        .sum();
    format!("{digits}{}", (10 - sum % 10) % 10)
}

/// Product `i`'s SKU: its category's code and its number.
pub fn sku(i: usize) -> String {
    format!("{}-{i:07}", CATEGORIES[i % CATEGORIES.len()].code)
}

fn product_row(i: usize, currency: Currency, rng: &mut StdRng) -> ImportRow {
    let cat = &CATEGORIES[i % CATEGORIES.len()];
    let mut name = String::with_capacity(48);
    name.push_str(BRANDS.choose(rng).expect("brands"));
    if rng.random_bool(0.35) {
        name.push(' ');
        name.push_str(QUALITIES.choose(rng).expect("qualities"));
    }
    if rng.random_bool(0.7) {
        name.push(' ');
        name.push_str(cat.variants.choose(rng).expect("variants"));
    }
    name.push(' ');
    name.push_str(cat.nouns.choose(rng).expect("nouns"));
    name.push(' ');
    name.push_str(cat.sizes.choose(rng).expect("sizes"));
    // Prices end in 9: 0.49, 2.99, 14.99 …
    let pence = rng.random_range(cat.price.0..=cat.price.1);
    let price = (pence / 10).max(1) * 10 - 1;
    ImportRow {
        line: i as u64 + 2,
        sku: Sku::parse(&sku(i)).expect("sku"),
        name,
        price: Money::from_minor(price, currency),
        barcode: Some(Barcode::parse(&barcode(i)).expect("barcode")),
        tax_rate: Some(cat.tax.to_string()),
        stock: Some(rng.random_range(0..400)),
        category: Some(cat.name.to_string()),
    }
}

struct Category {
    name: &'static str,
    code: &'static str,
    tax: &'static str,
    price: (i64, i64),
    variants: &'static [&'static str],
    nouns: &'static [&'static str],
    sizes: &'static [&'static str],
}

const BRANDS: &[&str] = &[
    "Ashby",
    "Bramwell",
    "Cotswold Farm",
    "Dunmore",
    "Elmstead",
    "Fairhaven",
    "Glenbrook",
    "Harrow & Finch",
    "Ivybridge",
    "Juniper Lane",
    "Kestrel",
    "Larkspur",
    "Millbrook",
    "Northgate",
    "Oakridge",
    "Penrose",
    "Quayside",
    "Redfern",
    "Silverdale",
    "Thornbury",
    "Upton",
    "Valemont",
    "Westcombe",
    "Yarrow",
    "Zephyr",
    "Alder & Co",
    "Blue Heron",
    "Copperfield",
    "Driftwood",
    "Evergreen",
    "Foxglove",
    "Greystone",
    "Hollybush",
    "Marlow",
    "Nettlefield",
    "Orchard Row",
    "Pebble Bay",
    "Rowan",
    "Saltmarsh",
    "Tidewater",
];

const QUALITIES: &[&str] = &[
    "Organic",
    "Finest",
    "Everyday",
    "Classic",
    "Premium",
    "Value",
    "Original",
    "Deluxe",
    "Family",
    "Eco",
    "Handmade",
    "Traditional",
];

const CATEGORIES: &[Category] = &[
    Category {
        name: "Bakery",
        code: "BAK",
        tax: "zero",
        price: (40, 450),
        variants: &[
            "Seeded",
            "Multigrain",
            "White",
            "Wholemeal",
            "Cinnamon",
            "Blueberry",
            "Cheese",
            "Garlic",
            "Olive",
            "Fruit",
            "Sourdough",
            "Buttery",
        ],
        nouns: &[
            "Loaf",
            "Baguette",
            "Croissants",
            "Bagels",
            "Crumpets",
            "Muffins",
            "Brioche",
            "Rye Bread",
            "Pitta Bread",
            "Tortilla Wraps",
            "Scones",
            "Teacakes",
            "Focaccia",
            "Ciabatta",
            "Bread Rolls",
        ],
        sizes: &["400g", "800g", "4 Pack", "6 Pack", "Single"],
    },
    Category {
        name: "Dairy & Eggs",
        code: "DAI",
        tax: "zero",
        price: (60, 650),
        variants: &[
            "Semi Skimmed",
            "Whole",
            "Skimmed",
            "Mature",
            "Mild",
            "Strawberry",
            "Vanilla",
            "Salted",
            "Unsalted",
            "Double",
            "Single",
            "Free Range",
            "Lactose Free",
        ],
        nouns: &[
            "Milk",
            "Butter",
            "Cheddar",
            "Yoghurt",
            "Cream",
            "Mozzarella",
            "Brie",
            "Feta",
            "Oat Milk",
            "Almond Milk",
            "Soya Milk",
            "Greek Yoghurt",
            "Cottage Cheese",
            "Custard",
            "Eggs",
        ],
        sizes: &["1L", "2L", "4 Pints", "250g", "500g", "6 Pack", "12 Pack"],
    },
    Category {
        name: "Pantry",
        code: "PAN",
        tax: "zero",
        price: (50, 900),
        variants: &[
            "Wholewheat",
            "Smooth",
            "Crunchy",
            "Extra Virgin",
            "Plain",
            "Self Raising",
            "Gluten Free",
            "Low Sugar",
            "Basmati",
            "Long Grain",
            "Italian",
            "Mediterranean",
        ],
        nouns: &[
            "Pasta",
            "Rice",
            "Chopped Tomatoes",
            "Baked Beans",
            "Lentils",
            "Chickpeas",
            "Porridge Oats",
            "Granola",
            "Cornflakes",
            "Peanut Butter",
            "Strawberry Jam",
            "Honey",
            "Olive Oil",
            "Penne",
            "Spaghetti",
            "Fusilli",
            "Couscous",
            "Quinoa",
            "Flour",
            "Tomato Ketchup",
        ],
        sizes: &["250g", "500g", "1kg", "400g Tin", "4 x 400g", "750ml"],
    },
    Category {
        name: "Drinks",
        code: "DRK",
        tax: "standard",
        price: (50, 1500),
        variants: &[
            "Diet",
            "Zero Sugar",
            "Cherry",
            "Lime",
            "Mango",
            "Raspberry",
            "Elderflower",
            "Decaf",
            "Earl Grey",
            "Peach",
            "Sparkling",
            "Still",
        ],
        nouns: &[
            "Cola",
            "Lemonade",
            "Orange Juice",
            "Apple Juice",
            "Spring Water",
            "Iced Tea",
            "Ginger Beer",
            "Energy Drink",
            "Cordial",
            "Coffee Beans",
            "Ground Coffee",
            "Tea Bags",
            "Hot Chocolate",
            "Kombucha",
            "Tonic Water",
        ],
        sizes: &["330ml", "500ml", "1L", "2L", "6 x 330ml", "80 Pack", "227g"],
    },
    Category {
        name: "Snacks & Sweets",
        code: "SNK",
        tax: "standard",
        price: (40, 600),
        variants: &[
            "Sea Salt",
            "Salt & Vinegar",
            "Cheese & Onion",
            "Milk Chocolate",
            "Dark Chocolate",
            "Caramel",
            "Honey Roasted",
            "Sweet Chilli",
            "Mint",
            "Hazelnut",
            "Salted Caramel",
        ],
        nouns: &[
            "Crisps",
            "Chocolate Bar",
            "Biscuits",
            "Cookies",
            "Popcorn",
            "Pretzels",
            "Flapjack",
            "Cereal Bar",
            "Rice Cakes",
            "Cashew Nuts",
            "Trail Mix",
            "Fudge",
            "Toffee",
            "Wine Gums",
            "Chocolate Buttons",
        ],
        sizes: &["25g", "40g", "150g", "6 Pack", "Sharing Bag", "200g"],
    },
    Category {
        name: "Household",
        code: "HSE",
        tax: "standard",
        price: (80, 1500),
        variants: &[
            "Lemon",
            "Lavender",
            "Fresh Linen",
            "Original",
            "Sensitive",
            "Ultra",
            "Pine",
            "Citrus",
            "Unscented",
            "Biological",
            "Non Bio",
        ],
        nouns: &[
            "Washing Up Liquid",
            "Laundry Detergent",
            "Fabric Conditioner",
            "Bin Bags",
            "Kitchen Roll",
            "Toilet Tissue",
            "Bleach",
            "Surface Spray",
            "Sponges",
            "Dishwasher Tablets",
            "Glass Cleaner",
            "Air Freshener",
            "Candles",
            "Light Bulbs",
            "Batteries",
        ],
        sizes: &[
            "500ml", "1L", "12 Pack", "20 Pack", "4 Rolls", "9 Rolls", "Single",
        ],
    },
    Category {
        name: "Health & Beauty",
        code: "HBY",
        tax: "standard",
        price: (99, 2500),
        variants: &[
            "Coconut",
            "Aloe Vera",
            "Argan Oil",
            "Tea Tree",
            "Charcoal",
            "Unscented",
            "Sensitive",
            "Whitening",
            "SPF 30",
            "SPF 50",
            "Rose",
            "Cucumber",
        ],
        nouns: &[
            "Shampoo",
            "Conditioner",
            "Shower Gel",
            "Hand Soap",
            "Toothpaste",
            "Toothbrush",
            "Deodorant",
            "Body Lotion",
            "Lip Balm",
            "Face Wash",
            "Sun Cream",
            "Razors",
            "Cotton Pads",
            "Plasters",
            "Vitamin C",
        ],
        sizes: &["50ml", "250ml", "400ml", "30 Tablets", "10 Pack", "Single"],
    },
    Category {
        name: "Stationery",
        code: "STN",
        tax: "standard",
        price: (50, 2000),
        variants: &[
            "A4", "A5", "Black", "Blue", "Assorted", "Recycled", "Lined", "Squared", "Neon",
            "Kraft", "Pastel",
        ],
        nouns: &[
            "Notebook",
            "Ballpoint Pens",
            "Pencils",
            "Highlighters",
            "Sticky Notes",
            "Envelopes",
            "Printer Paper",
            "Stapler",
            "Scissors",
            "Glue Stick",
            "Ring Binder",
            "Marker Pens",
            "Greeting Card",
            "Gift Wrap",
            "Sticky Tape",
        ],
        sizes: &["Single", "5 Pack", "10 Pack", "100 Sheets", "500 Sheets"],
    },
    Category {
        name: "Kitchenware",
        code: "KIT",
        tax: "standard",
        price: (199, 6000),
        variants: &[
            "Non Stick",
            "Stainless Steel",
            "Bamboo",
            "Ceramic",
            "Glass",
            "Enamel",
            "Cast Iron",
            "Stoneware",
            "Copper",
            "Speckled",
        ],
        nouns: &[
            "Frying Pan",
            "Saucepan",
            "Mixing Bowl",
            "Chopping Board",
            "Chef Knife",
            "Wooden Spoon",
            "Baking Tray",
            "Measuring Jug",
            "Mug",
            "Dinner Plate",
            "Tumbler",
            "Cafetiere",
            "Teapot",
            "Storage Jar",
            "Colander",
        ],
        sizes: &["20cm", "24cm", "28cm", "350ml", "1L", "Set of 4"],
    },
    Category {
        name: "Pet Care",
        code: "PET",
        tax: "standard",
        price: (80, 4500),
        variants: &[
            "Chicken",
            "Beef",
            "Salmon",
            "Turkey",
            "Lamb",
            "Grain Free",
            "Senior",
            "Puppy",
            "Kitten",
            "Tuna",
        ],
        nouns: &[
            "Dog Food",
            "Cat Food",
            "Dog Treats",
            "Cat Litter",
            "Bird Seed",
            "Fish Flakes",
            "Chew Toy",
            "Pet Shampoo",
            "Dog Lead",
            "Cat Scratcher",
        ],
        sizes: &["400g", "2kg", "12 x 100g", "10L", "Single"],
    },
    Category {
        name: "Toys & Games",
        code: "TOY",
        tax: "standard",
        price: (150, 5000),
        variants: &[
            "Wooden", "Magnetic", "Rainbow", "Dinosaur", "Space", "Unicorn", "Pirate", "Jungle",
            "Ocean", "Castle",
        ],
        nouns: &[
            "Jigsaw Puzzle",
            "Building Blocks",
            "Playing Cards",
            "Board Game",
            "Colouring Book",
            "Crayons",
            "Modelling Clay",
            "Yo Yo",
            "Kite",
            "Bubble Wand",
            "Plush Bear",
            "Toy Car",
        ],
        sizes: &["100 Pieces", "500 Pieces", "1000 Pieces", "Single", "Set"],
    },
    Category {
        name: "Hardware",
        code: "HWD",
        tax: "standard",
        price: (99, 4000),
        variants: &[
            "Brass",
            "Steel",
            "Heavy Duty",
            "Outdoor",
            "LED",
            "Rechargeable",
            "Galvanised",
            "Black",
            "White",
        ],
        nouns: &[
            "Screws",
            "Nails",
            "Wall Plugs",
            "Duct Tape",
            "Paint Brush",
            "Masking Tape",
            "Cable Ties",
            "Extension Lead",
            "Torch",
            "Padlock",
            "Picture Hooks",
            "Sandpaper",
            "Wood Glue",
            "Spirit Level",
            "Tape Measure",
        ],
        sizes: &["5m", "10m", "25 Pack", "100 Pack", "Single"],
    },
    Category {
        name: "Garden",
        code: "GDN",
        tax: "standard",
        price: (99, 3500),
        variants: &[
            "Tomato",
            "Basil",
            "Sunflower",
            "Lavender",
            "Peat Free",
            "Terracotta",
            "Multi Purpose",
            "Wildflower",
            "Strawberry",
        ],
        nouns: &[
            "Compost",
            "Plant Food",
            "Seeds",
            "Plant Pot",
            "Watering Can",
            "Gardening Gloves",
            "Trowel",
            "Bird Feeder",
            "Garden Hose",
            "Secateurs",
        ],
        sizes: &["10L", "40L", "1L", "Packet", "Single"],
    },
    Category {
        name: "Baby",
        code: "BAB",
        tax: "reduced",
        price: (99, 2500),
        variants: &[
            "Newborn",
            "Size 3",
            "Size 5",
            "Fragrance Free",
            "Apple & Pear",
            "Carrot",
            "Banana",
            "Sensitive",
        ],
        nouns: &[
            "Nappies",
            "Baby Wipes",
            "Baby Food",
            "Feeding Bottle",
            "Dummy",
            "Bib",
            "Baby Lotion",
        ],
        sizes: &["40 Pack", "64 Pack", "120g", "250ml", "Single"],
    },
    Category {
        name: "Frozen",
        code: "FRZ",
        tax: "zero",
        price: (99, 800),
        variants: &[
            "Garden",
            "Crinkle Cut",
            "Margherita",
            "Pepperoni",
            "Vanilla",
            "Salted Caramel",
            "Mint Choc Chip",
            "Chocolate",
            "Battered",
            "Breaded",
        ],
        nouns: &[
            "Peas",
            "Chips",
            "Fish Fingers",
            "Pizza",
            "Ice Cream",
            "Sweetcorn",
            "Mixed Vegetables",
            "Veggie Burgers",
            "Garlic Bread",
            "Berries",
        ],
        sizes: &["500g", "1kg", "900ml", "10 Pack"],
    },
];

const FIRST_NAMES: &[&str] = &[
    "Amelia", "Oliver", "Priya", "Noah", "Isla", "George", "Ava", "Arthur", "Mia", "Leo", "Sophia",
    "Muhammad", "Grace", "Harry", "Freya", "Jack", "Lily", "Oscar", "Zara", "Theo",
];

const LAST_NAMES: &[&str] = &[
    "Hart", "Chen", "Patel", "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans",
    "Khan", "Wilson", "Thomas", "Roberts", "Johnson", "Lewis", "Walker", "Wright", "Okafor",
    "Nowak",
];
