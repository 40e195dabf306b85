//! The catalog: products, lookups by scan or SKU, search, import, export and stock.

use crate::error::{ImportProblem, Result, TillError};
use crate::import::{ImportRow, COLUMNS};
use crate::journal;
use crate::moment::Moment;
use crate::shop::Shop;
use chrono::{Months, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use std::collections::HashMap;
use ts_rs::TS;
use versapos_core::search::{Rank, Typed};
use versapos_core::text::for_spreadsheet;
use versapos_core::{tax::format_percent, Currency, Money, ProductId, Sku};

/// A product as the till sells it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct Product {
    #[ts(type = "number")]
    pub id: ProductId,
    pub sku: String,
    pub barcode: Option<String>,
    pub name: String,
    #[serde(serialize_with = "versapos_core::money::as_minor")]
    #[ts(type = "number")]
    pub price: Money,
    #[ts(type = "string")]
    pub currency: Currency,
    pub tax_rate: String,
    pub tax_basis_points: u32,
    pub stock: i64,
    pub reorder_level: Option<i64>,
    pub category: Option<String>,
}

const SELECT: &str = "SELECT p.id, p.sku, p.barcode, p.name, p.price, p.tax_rate, t.basis_points,
    p.stock, p.reorder_level, p.category FROM products p JOIN tax_rates t ON t.name = p.tax_rate";

fn from_row(r: &Row<'_>, currency: Currency) -> rusqlite::Result<Product> {
    Ok(Product {
        id: ProductId(r.get(0)?),
        sku: r.get(1)?,
        barcode: r.get(2)?,
        name: r.get(3)?,
        price: Money::from_minor(r.get(4)?, currency),
        currency,
        tax_rate: r.get(5)?,
        tax_basis_points: r.get(6)?,
        stock: r.get(7)?,
        reorder_level: r.get(8)?,
        category: r.get(9)?,
    })
}

/// Looks a product up by what was scanned or typed: barcode first (scanners), then SKU.
pub fn lookup(conn: &Connection, shop: &Shop, code: &str) -> Result<Product> {
    let code = code.trim();
    // One statement (one read transaction) for both keys; `coalesce` only looks at the SKU
    // when no active product has this barcode.
    conn.prepare_cached(&format!(
        "{SELECT} WHERE p.id = coalesce(
             (SELECT id FROM products WHERE barcode = ?1 AND active = 1),
             (SELECT id FROM products WHERE sku = ?1 AND active = 1))"
    ))?
    .query_row([code], |r| from_row(r, shop.currency))
    .optional()?
    .ok_or_else(|| TillError::UnknownProduct(code.to_string()))
}

fn fts_query(text: &str, shorten: bool) -> Option<String> {
    let tokens: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        // One character matches too much to be worth a full-text scan (there is no 1-character
        // prefix index); names starting with it are already found through the name index.
        .filter(|t| t.chars().count() >= 2)
        .map(|t| {
            let t: String = if shorten && t.chars().count() >= 4 {
                t.chars().take(t.chars().count() - 1).collect()
            } else {
                t.to_string()
            };
            format!("\"{}\"*", t.replace('"', "\"\""))
        })
        .collect();
    if tokens.is_empty() {
        None
    } else {
        Some(tokens.join(" AND "))
    }
}

/// Finds products by name, SKU or barcode, ranked as a cashier expects
/// ([`versapos_core::search`]): an exact barcode or SKU first; then names in which every typed
/// word starts a word (whole words, the more sold lately, the name starting with the first word,
/// the shorter name first); then the rest (a SKU, barcode or category starting with the text, a
/// near miss with one letter too many at the end of a word), by name.
///
/// Bounded on a big catalog: the candidates are at most a few times `limit` read off the name
/// index and the full-text index, so the time does not grow with the catalog.
pub fn find(conn: &Connection, shop: &Shop, text: &str, limit: usize) -> Result<Vec<Product>> {
    let text = text.trim();
    let mut out: Vec<Product> = Vec::new();
    if text.is_empty() || limit == 0 {
        return Ok(out);
    }
    if let Ok(p) = lookup(conn, shop, text) {
        out.push(p);
    }
    let typed = Typed::new(text);
    let wide = i64::try_from(limit.saturating_mul(4)).unwrap_or(i64::MAX);
    let mut candidates: Vec<Product> = Vec::new();
    // Names starting with the text, straight off the name index.
    let upper = format!("{text}\u{10FFFF}");
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE p.name >= ?1 COLLATE NOCASE AND p.name < ?2 COLLATE NOCASE
         AND p.active = 1 ORDER BY p.name COLLATE NOCASE LIMIT ?3"
    ))?;
    for p in stmt.query_map(params![text, upper, wide], |r| from_row(r, shop.currency))? {
        push_unique(&mut candidates, p?);
    }
    // Names with every typed word (of two letters or more: one letter is checked below) as a
    // whole word but the last, which may be unfinished; then each as the start of a word.
    for q in [name_query(&typed, true), name_query(&typed, false)]
        .into_iter()
        .flatten()
    {
        fts_matches(conn, shop, &q, wide, &mut candidates)?;
    }
    let sold = sold_lately(conn, &candidates)?;
    let mut named: Vec<(Rank, Product)> = Vec::new();
    let mut rest: Vec<Product> = Vec::new();
    for p in candidates {
        let sold = sold.get(&p.id.0).copied().unwrap_or(0);
        match typed.rank(&p.name, sold) {
            Some(rank) => named.push((rank, p)),
            None => rest.push(p),
        }
    }
    named.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, p) in named {
        push_unique(&mut out, p);
    }
    // The rest: words starting with the text anywhere in the name, SKU, barcode or category;
    // then a near miss. Unranked and bounded, then by name.
    for shorten in [false, true] {
        if out.len() + rest.len() >= limit {
            break;
        }
        if shorten && !(out.is_empty() && rest.is_empty()) {
            break;
        }
        let Some(q) = fts_query(text, shorten) else {
            break;
        };
        fts_matches(conn, shop, &q, wide, &mut rest)?;
    }
    rest.sort_by_key(|p| p.name.to_lowercase());
    for p in rest {
        push_unique(&mut out, p);
    }
    out.truncate(limit);
    Ok(out)
}

/// The full-text query for names holding every typed word of two letters or more: each as a
/// whole word but the last (`whole`), or each as the start of a word. None when no word is long
/// enough to be worth the index (or, for `whole`, when there is only one word).
fn name_query(typed: &Typed, whole: bool) -> Option<String> {
    let words: Vec<&String> = typed
        .words()
        .iter()
        .filter(|w| w.chars().count() >= 2)
        .collect();
    if words.is_empty() || (whole && words.len() < 2) {
        return None;
    }
    let last = words.len() - 1;
    let terms: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let star = if whole && i < last { "" } else { "*" };
            format!("name : \"{}\"{star}", w.replace('"', "\"\""))
        })
        .collect();
    Some(terms.join(" AND "))
}

/// Adds the active products the full-text query `q` matches (at most `limit` of them, unranked)
/// to `out`, each once.
fn fts_matches(
    conn: &Connection,
    shop: &Shop,
    q: &str,
    limit: i64,
    out: &mut Vec<Product>,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE p.id IN (SELECT rowid FROM products_fts WHERE products_fts MATCH ?1
         LIMIT ?2) AND p.active = 1"
    ))?;
    for p in stmt.query_map(params![q, limit], |r| from_row(r, shop.currency))? {
        push_unique(out, p?);
    }
    Ok(())
}

/// Units of each of `products` sold (less those refunded) in the three newest months with sales,
/// by product id: one statement of primary-key reads on the monthly rollup, whatever the count.
fn sold_lately(conn: &Connection, products: &[Product]) -> Result<HashMap<i64, i64>> {
    let newest: Option<String> = conn
        .prepare_cached("SELECT max(month) FROM sales_by_product_month")?
        .query_row([], |r| r.get(0))?;
    let Some(first) =
        newest.and_then(|m| NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok())
    else {
        return Ok(HashMap::new());
    };
    let month = |back: u32| {
        first
            .checked_sub_months(Months::new(back))
            .unwrap_or(first)
            .format("%Y-%m")
            .to_string()
    };
    // The ids as a JSON array, read back by `json_each`: one statement for any number of them.
    let ids = format!(
        "[{}]",
        products
            .iter()
            .map(|p| p.id.0.to_string())
            .collect::<Vec<_>>()
            .join(",")
    );
    let mut stmt = conn.prepare_cached(
        "SELECT product_id, sum(quantity - refunded_quantity) FROM sales_by_product_month
         WHERE month IN (?1, ?2, ?3) AND product_id IN (SELECT value FROM json_each(?4))
         GROUP BY product_id",
    )?;
    let rows = stmt.query_map(params![month(0), month(1), month(2), ids], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn push_unique(out: &mut Vec<Product>, p: Product) {
    if !out.iter().any(|q| q.id == p.id) {
        out.push(p);
    }
}

/// A page of the catalog in name order.
pub fn list(
    conn: &Connection,
    shop: &Shop,
    category: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<Vec<Product>> {
    // One statement per case, so each reads its own index in order (an `?1 IS NULL OR` would
    // make SQLite read the whole catalog).
    let mut stmt = match category {
        Some(_) => conn.prepare_cached(&format!(
            "{SELECT} WHERE p.active = 1 AND p.category = ?1
             ORDER BY p.name COLLATE NOCASE, p.id LIMIT ?2 OFFSET ?3"
        ))?,
        None => conn.prepare_cached(&format!(
            "{SELECT} WHERE p.active = 1 AND ?1 IS NULL
             ORDER BY p.name COLLATE NOCASE, p.id LIMIT ?2 OFFSET ?3"
        ))?,
    };
    let rows = stmt.query_map(params![category, limit, offset], |r| {
        from_row(r, shop.currency)
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

// `?1` the shop's low-stock level, `?2` a category (NULL: all).
const LOW_STOCK: &str = "p.active = 1 AND p.stock <= COALESCE(p.reorder_level, ?1)
    AND (?2 IS NULL OR p.category = ?2)";

/// Products at or below their reorder level (or the shop's low-stock level), lowest stock first,
/// in one category or all; a page of them.
pub fn low_stock(
    conn: &Connection,
    shop: &Shop,
    category: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<Vec<Product>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE {LOW_STOCK} ORDER BY p.stock, p.name COLLATE NOCASE, p.id
         LIMIT ?3 OFFSET ?4"
    ))?;
    let rows = stmt.query_map(
        params![shop.low_stock_level, category, limit, offset],
        |r| from_row(r, shop.currency),
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How many products [`low_stock`] pages through.
pub fn low_stock_count(conn: &Connection, shop: &Shop, category: Option<&str>) -> Result<i64> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT count(*) FROM products p WHERE {LOW_STOCK}"
        ))?
        .query_row(params![shop.low_stock_level, category], |r| r.get(0))?)
}

/// The categories of active products, each once, in name order. Read by seeking from one
/// category to the next in the index, so a million products cost as much as their categories.
pub fn categories(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "WITH RECURSIVE c(name) AS (
             SELECT min(category) FROM products WHERE active = 1 AND category IS NOT NULL
             UNION ALL
             SELECT (SELECT min(category) FROM products WHERE active = 1 AND category > c.name)
             FROM c WHERE c.name IS NOT NULL
         )
         SELECT name FROM c WHERE name IS NOT NULL ORDER BY name COLLATE NOCASE",
    )?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The shop's categories by their lowercase: a category typed or imported as "Hot drinks" is the
/// "Hot Drinks" already there, never a second category beside it. A new one keeps the first
/// spelling it comes with (in a file, for every later row too).
struct CategorySpellings(HashMap<String, String>);

impl CategorySpellings {
    fn of(conn: &Connection) -> Result<CategorySpellings> {
        Ok(CategorySpellings(
            categories(conn)?
                .into_iter()
                .map(|c| (c.to_lowercase(), c))
                .collect(),
        ))
    }

    fn spell(&mut self, category: Option<String>) -> Option<String> {
        category.map(|c| self.0.entry(c.to_lowercase()).or_insert(c).clone())
    }
}

pub fn count(conn: &Connection) -> Result<i64> {
    Ok(
        conn.query_row("SELECT count(*) FROM products WHERE active = 1", [], |r| {
            r.get(0)
        })?,
    )
}

/// Active products in one category, or all of them.
pub fn count_in(conn: &Connection, category: Option<&str>) -> Result<i64> {
    match category {
        Some(c) => Ok(conn
            .prepare_cached("SELECT count(*) FROM products WHERE active = 1 AND category = ?1")?
            .query_row([c], |r| r.get(0))?),
        None => count(conn),
    }
}

/// What an import did.
#[derive(Clone, Debug, Default, Serialize, TS)]
pub struct ImportSummary {
    pub added: u64,
    pub updated: u64,
}

/// Writes checked rows in one transaction: all of them or, on any conflict, none.
pub fn import(
    conn: &mut Connection,
    shop: &Shop,
    file: &str,
    rows: &[ImportRow],
    when: &Moment,
    progress: &mut dyn FnMut(u64),
) -> Result<ImportSummary> {
    let at = when.at.as_str();
    let tx = crate::db::write(conn)?;
    let mut summary = ImportSummary::default();
    let mut spellings = CategorySpellings::of(&tx)?;
    {
        let mut exists = tx.prepare("SELECT 1 FROM products WHERE sku = ?1")?;
        let mut upsert = tx.prepare(
            "INSERT INTO products (sku, barcode, name, price, tax_rate, stock, category, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, COALESCE(?6, 0), ?7, ?8)
             ON CONFLICT (sku) DO UPDATE SET barcode = excluded.barcode, name = excluded.name,
                 price = excluded.price,
                 tax_rate = COALESCE(?9, products.tax_rate),
                 stock = COALESCE(?6, products.stock),
                 category = excluded.category, active = 1, updated_at = excluded.updated_at",
        )?;
        for (i, row) in rows.iter().enumerate() {
            let known = exists.exists([row.sku.as_str()])?;
            let rate = row
                .tax_rate
                .clone()
                .unwrap_or_else(|| shop.default_tax_rate.clone());
            let res = upsert.execute(params![
                row.sku.as_str(),
                row.barcode.as_ref().map(|b| b.as_str()),
                row.name,
                row.price.minor(),
                rate,
                row.stock,
                spellings.spell(row.category.clone()),
                at,
                row.tax_rate,
            ]);
            match res {
                Ok(_) => {}
                Err(rusqlite::Error::SqliteFailure(f, msg))
                    if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    let column = if msg.as_deref().unwrap_or("").contains("barcode") {
                        "barcode"
                    } else {
                        "row"
                    };
                    return Err(TillError::Import {
                        file: file.to_string(),
                        problems: vec![ImportProblem {
                            line: row.line,
                            column: column.to_string(),
                            message: "already belongs to another product in the catalog".into(),
                        }],
                    });
                }
                Err(e) => return Err(e.into()),
            }
            if known {
                summary.updated += 1;
            } else {
                summary.added += 1;
            }
            if i % 1000 == 999 {
                progress(i as u64 + 1);
            }
        }
    }
    progress(rows.len() as u64);
    journal::append(
        &tx,
        shop.till_id.as_str(),
        when,
        "catalog_import",
        "",
        &serde_json::json!({ "file": file, "added": summary.added, "updated": summary.updated }),
    )?;
    tx.commit()?;
    Ok(summary)
}

/// Writes the catalog as CSV in the import format, each cell safe to open in a spreadsheet
/// ([`for_spreadsheet`]; the import takes the escape off again).
pub fn export(conn: &Connection, shop: &Shop, out: &mut dyn std::io::Write) -> Result<u64> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(COLUMNS).map_err(csv_err)?;
    let mut stmt = conn.prepare(&format!("{SELECT} WHERE p.active = 1 ORDER BY p.sku"))?;
    let mut rows = stmt.query([])?;
    let mut n = 0;
    while let Some(r) = rows.next()? {
        let p = from_row(r, shop.currency)?;
        let cells = [
            p.sku.as_str(),
            p.name.as_str(),
            &p.price.to_major_string(),
            p.barcode.as_deref().unwrap_or(""),
            &p.tax_rate,
            &p.stock.to_string(),
            p.category.as_deref().unwrap_or(""),
        ];
        w.write_record(cells.iter().map(|c| for_spreadsheet(c).into_owned()))
            .map_err(csv_err)?;
        n += 1;
    }
    w.flush()?;
    Ok(n)
}

/// A catalog file to fill in: the columns the import reads, and two example products in the
/// shop's own currency and tax rate, which import as they are (a new shop's first file).
pub fn template(shop: &Shop, out: &mut dyn std::io::Write) -> Result<u64> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(COLUMNS).map_err(csv_err)?;
    let price = |minor: i64| Money::from_minor(minor, shop.currency).to_major_string();
    let examples = [
        [
            "EXAMPLE-1",
            "Latte regular",
            &price(320),
            "",
            &shop.default_tax_rate,
            "100",
            "Hot drinks",
        ],
        [
            "EXAMPLE-2",
            "Croissant",
            &price(180),
            "",
            &shop.default_tax_rate,
            "24",
            "Bakery",
        ],
    ];
    for row in &examples {
        w.write_record(row).map_err(csv_err)?;
    }
    w.flush()?;
    Ok(examples.len() as u64)
}

/// A product's name by the one rule every door applies ([`versapos_core::ProductName`]).
fn product_name(name: &str) -> Result<versapos_core::ProductName> {
    versapos_core::ProductName::parse(name).map_err(|e| TillError::invalid("name", e.to_string()))
}

fn csv_err(e: csv::Error) -> TillError {
    TillError::Io(std::io::Error::other(e.to_string()))
}

/// An optional text field as typed: trimmed, and blank means none.
fn blank_to_none(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn checked_stock(stock: i64) -> Result<i64> {
    versapos_core::ids::stock_in_range(stock)
        .map_err(|e| TillError::invalid("stock", e.to_string()))
}

fn checked_category(c: &Option<String>) -> Result<Option<String>> {
    versapos_core::ids::category_name(c.as_deref().unwrap_or(""))
        .map_err(|e| TillError::invalid("category", e.to_string()))
}

/// A barcode as typed (blank: none), checked as a scanner would send it.
fn checked_barcode(b: &Option<String>) -> Result<Option<String>> {
    blank_to_none(b)
        .map(|b| {
            versapos_core::Barcode::parse(&b)
                .map(|b| b.as_str().to_string())
                .map_err(|e| TillError::invalid("barcode", e.to_string()))
        })
        .transpose()
}

/// A new product typed in by a manager.
#[derive(Clone, Debug)]
pub struct NewProduct {
    pub sku: Sku,
    pub name: String,
    pub price: Money,
    pub barcode: Option<String>,
    pub tax_rate: Option<String>,
    pub stock: i64,
    pub category: Option<String>,
}

pub fn add(conn: &mut Connection, shop: &Shop, p: &NewProduct, when: &Moment) -> Result<Product> {
    let at = when.at.as_str();
    let name = product_name(&p.name)?;
    let name = name.as_str();
    if p.price.is_negative() {
        return Err(TillError::invalid("price", "must not be negative"));
    }
    if p.stock < 0 {
        return Err(TillError::invalid("stock", "must not be negative"));
    }
    checked_stock(p.stock)?;
    let barcode = checked_barcode(&p.barcode)?;
    let category = CategorySpellings::of(conn)?.spell(checked_category(&p.category)?);
    let rate = match blank_to_none(&p.tax_rate) {
        Some(r) => shop.tax_rate(&r)?.name.clone(),
        None => shop.default_tax_rate.clone(),
    };
    let tx = crate::db::write(conn)?;
    tx.execute(
        "INSERT INTO products (sku, barcode, name, price, tax_rate, stock, category, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            p.sku.as_str(),
            barcode,
            name,
            p.price.minor(),
            rate,
            p.stock,
            category,
            at
        ],
    )
    .map_err(|e| match e {
        rusqlite::Error::SqliteFailure(f, msg)
            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            if msg.unwrap_or_default().contains("barcode") {
                TillError::invalid("barcode", "already belongs to another product")
            } else {
                TillError::invalid("sku", format!("'{}' already exists", p.sku))
            }
        }
        e => e.into(),
    })?;
    journal::append(
        &tx,
        shop.till_id.as_str(),
        when,
        "product_add",
        p.sku.as_str(),
        &serde_json::json!({ "sku": p.sku.as_str(), "price": p.price.minor() }),
    )?;
    tx.commit()?;
    lookup(conn, shop, p.sku.as_str())
}

/// Changes a product's price; journaled with the old and new price.
pub fn set_price(
    conn: &mut Connection,
    shop: &Shop,
    sku: &str,
    price: Money,
    when: &Moment,
) -> Result<Product> {
    let at = when.at.as_str();
    if price.is_negative() {
        return Err(TillError::invalid("price", "must not be negative"));
    }
    let before = product_by_sku(conn, shop, sku)?;
    let tx = crate::db::write(conn)?;
    tx.execute(
        "UPDATE products SET price = ?1, updated_at = ?2 WHERE id = ?3",
        params![price.minor(), at, before.id.0],
    )?;
    journal::append(
        &tx,
        shop.till_id.as_str(),
        when,
        "price_change",
        &before.sku,
        &serde_json::json!({ "sku": before.sku, "old": before.price.minor(), "new": price.minor() }),
    )?;
    tx.commit()?;
    product_by_sku(conn, shop, sku)
}

/// Sets the counted stock of a product (a stock take); journaled.
pub fn set_stock(
    conn: &mut Connection,
    shop: &Shop,
    sku: &str,
    stock: i64,
    when: &Moment,
) -> Result<Product> {
    let at = when.at.as_str();
    if stock < 0 {
        return Err(TillError::invalid(
            "stock",
            "a counted stock must not be negative",
        ));
    }
    checked_stock(stock)?;
    let before = product_by_sku(conn, shop, sku)?;
    let tx = crate::db::write(conn)?;
    tx.execute(
        "UPDATE products SET stock = ?1, updated_at = ?2 WHERE id = ?3",
        params![stock, at, before.id.0],
    )?;
    journal::append(
        &tx,
        shop.till_id.as_str(),
        when,
        "stock_count",
        &before.sku,
        &serde_json::json!({ "sku": before.sku, "old": before.stock, "new": stock }),
    )?;
    tx.commit()?;
    product_by_sku(conn, shop, sku)
}

pub fn product_by_sku(conn: &Connection, shop: &Shop, sku: &str) -> Result<Product> {
    conn.prepare_cached(&format!("{SELECT} WHERE p.sku = ?1"))?
        .query_row([sku.trim()], |r| from_row(r, shop.currency))
        .optional()?
        .ok_or_else(|| TillError::UnknownProduct(sku.to_string()))
}

/// The tax rate label of a product, for listings: "standard 20%".
pub fn rate_label(p: &Product) -> String {
    format!("{} {}", p.tax_rate, format_percent(p.tax_basis_points))
}

/// What a manager may change on a product's card besides its price and stock (each journaled
/// on its own): the name, barcode, category, tax rate and reorder level.
#[derive(Clone, Debug)]
pub struct ProductDetails {
    pub name: String,
    pub barcode: Option<String>,
    pub category: Option<String>,
    pub tax_rate: String,
    pub reorder_level: Option<i64>,
}

/// Changes a product's details in one transaction, journaled with the old and new values.
pub fn update_details(
    conn: &mut Connection,
    shop: &Shop,
    sku: &str,
    d: &ProductDetails,
    when: &Moment,
) -> Result<Product> {
    let at = when.at.as_str();
    let name = product_name(&d.name)?;
    let name = name.as_str();
    let barcode = checked_barcode(&d.barcode)?;
    let category = CategorySpellings::of(conn)?.spell(checked_category(&d.category)?);
    if d.reorder_level.is_some_and(|l| l < 0) {
        return Err(TillError::invalid("reorder_level", "must not be negative"));
    }
    let rate = shop.tax_rate(&d.tax_rate)?.name.clone();
    let before = product_by_sku(conn, shop, sku)?;
    let tx = crate::db::write(conn)?;
    tx.execute(
        "UPDATE products SET name = ?1, barcode = ?2, category = ?3, tax_rate = ?4,
             reorder_level = ?5, updated_at = ?6 WHERE id = ?7",
        params![
            name,
            barcode,
            category,
            rate,
            d.reorder_level,
            at,
            before.id.0
        ],
    )
    .map_err(|e| match e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            TillError::invalid("barcode", "already belongs to another product")
        }
        e => e.into(),
    })?;
    journal::append(
        &tx,
        shop.till_id.as_str(),
        when,
        "product_change",
        &before.sku,
        &serde_json::json!({
            "sku": before.sku,
            "old": { "name": before.name, "barcode": before.barcode, "category": before.category,
                     "tax_rate": before.tax_rate, "reorder_level": before.reorder_level },
            "new": { "name": name, "barcode": barcode, "category": category,
                     "tax_rate": rate, "reorder_level": d.reorder_level },
        }),
    )?;
    tx.commit()?;
    product_by_sku(conn, shop, sku)
}
