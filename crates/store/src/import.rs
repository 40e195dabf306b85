//! Reading a catalog CSV: every problem found with its line and column, or every row.
//!
//! Columns: `sku,name,price` required; `barcode,tax_rate,stock,category` optional, in any order.
//! `price` is in major units ("12.99"); `tax_rate` is a percentage ("20") or a rate's name. A
//! UTF-8 byte-order mark and CRLF line ends are accepted; anything else odd is reported, and a
//! file with any problem imports nothing.

use crate::error::ImportProblem;
use std::collections::HashMap;
use versapos_core::text::{from_spreadsheet, printable};
use versapos_core::{tax::parse_percent, Barcode, Currency, Money, ProductName, Sku, TaxRate};

/// A checked row, ready to be written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRow {
    pub line: u64,
    pub sku: Sku,
    pub name: String,
    pub price: Money,
    pub barcode: Option<Barcode>,
    pub tax_rate: Option<String>,
    pub stock: Option<i64>,
    pub category: Option<String>,
}

const REQUIRED: [&str; 3] = ["sku", "name", "price"];
const OPTIONAL: [&str; 4] = ["barcode", "tax_rate", "stock", "category"];
/// The columns an export writes, in order; an export imports back unchanged.
pub const COLUMNS: [&str; 7] = [
    "sku", "name", "price", "barcode", "tax_rate", "stock", "category",
];

/// Parses a catalog file. Returns every problem when there is at least one.
pub fn parse_products_csv(
    bytes: &[u8],
    currency: Currency,
    tax_rates: &[TaxRate],
) -> Result<Vec<ImportRow>, Vec<ImportProblem>> {
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut problems = Vec::new();
    let mut records = rdr.byte_records();

    let header = match records.next() {
        None => {
            return Err(vec![ImportProblem {
                line: 1,
                column: "header".into(),
                message: "the file is empty; expected a header row with sku,name,price".into(),
            }])
        }
        Some(Err(e)) => return Err(vec![csv_problem(&e, 1)]),
        Some(Ok(h)) => h,
    };
    // A spreadsheet saved with `;` between columns (the usual "CSV" in much of Europe): one
    // header cell holding the columns' names. Said once, with the fix, not as four problems.
    if header.len() == 1 {
        let only = String::from_utf8_lossy(&header[0]).to_ascii_lowercase();
        for (sep, name) in [(';', "semicolons (;)"), ('\t', "tabs")] {
            let named = only
                .split(sep)
                .filter(|c| {
                    REQUIRED
                        .iter()
                        .chain(OPTIONAL.iter())
                        .any(|k| *k == c.trim())
                })
                .count();
            if named >= 2 {
                return Err(vec![ImportProblem {
                    line: 1,
                    column: "header".into(),
                    message: format!(
                        "this file separates its columns with {name}: save it as comma-separated \
                         (CSV UTF-8 in a spreadsheet's Save as) and import it again"
                    ),
                }]);
            }
        }
    }
    let mut index: HashMap<&'static str, usize> = HashMap::new();
    for (i, raw) in header.iter().enumerate() {
        let col = match std::str::from_utf8(raw) {
            Ok(s) => s.trim().to_ascii_lowercase(),
            Err(_) => {
                problems.push(problem(1, &format!("{}", i + 1), "is not valid UTF-8 text"));
                continue;
            }
        };
        match REQUIRED.iter().chain(OPTIONAL.iter()).find(|c| **c == col) {
            Some(c) if index.contains_key(c) => {
                problems.push(problem(1, c, "the column appears twice"));
            }
            Some(c) => {
                index.insert(c, i);
            }
            None if col.is_empty() => {
                problems.push(problem(1, &format!("{}", i + 1), "has no name"))
            }
            None => problems.push(problem(
                1,
                &col,
                &format!(
                    "unknown column (expected {} and optionally {})",
                    REQUIRED.join(","),
                    OPTIONAL.join(",")
                ),
            )),
        }
    }
    for c in REQUIRED {
        if !index.contains_key(c) {
            problems.push(problem(1, c, "required column is missing"));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let mut rows = Vec::new();
    let mut seen_sku: HashMap<String, u64> = HashMap::new();
    let mut seen_barcode: HashMap<String, u64> = HashMap::new();
    let mut lines = LineCounter {
        bytes,
        counted_to: 0,
        line: 1,
    };
    for rec in records {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = lines.line_of(e.position());
                problems.push(csv_problem(&e, line));
                continue;
            }
        };
        let line = lines.line_of(rec.position());
        if rec.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue; // a blank line
        }
        let before = problems.len();
        if rec.len() != header.len() {
            problems.push(problem(
                line,
                "row",
                &format!(
                    "has {} fields but the header has {} (a comma inside a value needs quotes)",
                    rec.len(),
                    header.len()
                ),
            ));
        }
        let mut field = |name: &'static str| -> Option<String> {
            let i = *index.get(name)?;
            match std::str::from_utf8(rec.get(i).unwrap_or(b"")) {
                // A cell the export escaped for spreadsheets comes back as it was.
                Ok(s) => Some(from_spreadsheet(s.trim()).to_string()),
                Err(e) => {
                    problems.push(problem(
                        line,
                        name,
                        &format!(
                            "is not valid UTF-8 text (bad byte at position {})",
                            e.valid_up_to() + 1
                        ),
                    ));
                    None
                }
            }
        };
        let sku = field("sku");
        let name = field("name");
        let price = field("price");
        let barcode = field("barcode").filter(|s| !s.is_empty());
        let tax = field("tax_rate").filter(|s| !s.is_empty());
        let stock = field("stock").filter(|s| !s.is_empty());
        let category = field("category").filter(|s| !s.is_empty());
        if problems.iter().skip(before).any(|p| p.column != "row") {
            continue;
        }

        let sku = match Sku::parse(sku.as_deref().unwrap_or("")) {
            Ok(s) => Some(s),
            Err(e) => {
                problems.push(problem(line, "sku", &e.to_string()));
                None
            }
        };
        if let Some(s) = &sku {
            if let Some(first) = seen_sku.insert(s.as_str().to_string(), line) {
                problems.push(problem(
                    line,
                    "sku",
                    &format!("'{s}' is already on line {first}"),
                ));
            }
        }
        let name = match ProductName::parse(&name.unwrap_or_default()) {
            Ok(n) => n.as_str().to_string(),
            Err(e) => {
                problems.push(problem(line, "name", &e.to_string()));
                String::new()
            }
        };
        let price = match Money::parse(price.as_deref().unwrap_or(""), currency) {
            Ok(p) if p.is_negative() => {
                problems.push(problem(line, "price", "must not be negative"));
                None
            }
            Ok(p) => Some(p),
            Err(e) => {
                problems.push(problem(line, "price", &e.to_string()));
                None
            }
        };
        let barcode = match barcode.map(|b| Barcode::parse(&b)) {
            Some(Ok(b)) => {
                if let Some(first) = seen_barcode.insert(b.as_str().to_string(), line) {
                    problems.push(problem(
                        line,
                        "barcode",
                        &format!("'{}' is already on line {first}", b.as_str()),
                    ));
                }
                Some(b)
            }
            Some(Err(e)) => {
                problems.push(problem(line, "barcode", &e.to_string()));
                None
            }
            None => None,
        };
        let tax_rate = match tax {
            None => None,
            Some(t) => match resolve_rate(&t, tax_rates) {
                Ok(name) => Some(name),
                Err(m) => {
                    problems.push(problem(line, "tax_rate", &m));
                    None
                }
            },
        };
        let stock = match stock.map(|s| s.parse::<i64>()) {
            None => None,
            Some(Ok(n)) => match versapos_core::ids::stock_in_range(n) {
                Ok(n) => Some(n),
                Err(e) => {
                    problems.push(problem(line, "stock", &e.to_string()));
                    None
                }
            },
            Some(Err(_)) => {
                problems.push(problem(line, "stock", "must be a whole number"));
                None
            }
        };
        let category = match category.map(|c| versapos_core::ids::category_name(&c)) {
            None => None,
            Some(Ok(c)) => c,
            Some(Err(e)) => {
                problems.push(problem(line, "category", &e.to_string()));
                None
            }
        };
        if problems.len() > before {
            continue;
        }
        if let (Some(sku), Some(price)) = (sku, price) {
            rows.push(ImportRow {
                line,
                sku,
                name,
                price,
                barcode,
                tax_rate,
                stock,
                category,
            });
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

fn resolve_rate(input: &str, rates: &[TaxRate]) -> Result<String, String> {
    if let Some(r) = rates.iter().find(|r| r.name.eq_ignore_ascii_case(input)) {
        return Ok(r.name.clone());
    }
    let bps = parse_percent(input).map_err(|_| {
        format!("'{input}' is neither a percentage nor the name of one of the shop's tax rates")
    })?;
    rates
        .iter()
        .find(|r| r.basis_points == bps)
        .map(|r| r.name.clone())
        .ok_or_else(|| {
            let known: Vec<String> = rates
                .iter()
                .map(|r| format!("{} {}", r.name, r.percent_label()))
                .collect();
            format!(
                "the shop has no {input}% tax rate (it has: {})",
                known.join(", ")
            )
        })
}

/// A problem as the screen and the terminal show it: whatever of the file it quotes, control
/// characters shown escaped.
fn problem(line: u64, column: &str, message: &str) -> ImportProblem {
    ImportProblem {
        line,
        column: printable(column).into_owned(),
        message: printable(message).into_owned(),
    }
}

/// The line each record starts on, as an editor numbers it. The csv crate's own line count lags
/// after a CRLF line end or a blank line (its position is taken before the line end it has yet to
/// skip), so count the line feeds before the record's first byte instead, in one pass over the
/// file as the records come in order.
struct LineCounter<'a> {
    bytes: &'a [u8],
    counted_to: usize,
    line: u64,
}

impl LineCounter<'_> {
    fn line_of(&mut self, pos: Option<&csv::Position>) -> u64 {
        let Some(pos) = pos else { return 0 };
        let mut start =
            usize::try_from(pos.byte()).map_or(self.bytes.len(), |b| b.min(self.bytes.len()));
        while matches!(self.bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        if start < self.counted_to {
            self.counted_to = 0;
            self.line = 1;
        }
        let feeds = self.bytes[self.counted_to..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        self.line += feeds as u64;
        self.counted_to = start;
        self.line
    }
}

fn csv_problem(e: &csv::Error, line: u64) -> ImportProblem {
    problem(line, "row", &format!("cannot be read as CSV: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rates() -> Vec<TaxRate> {
        vec![
            TaxRate::new("standard", 2000).expect("rate"),
            TaxRate::new("reduced", 500).expect("rate"),
            TaxRate::new("zero", 0).expect("rate"),
        ]
    }

    fn gbp() -> Currency {
        Currency::from_code("GBP").expect("GBP")
    }

    #[test]
    fn reads_bom_crlf_quotes_and_optional_columns() {
        let csv = "\u{feff}sku,name,price,tax_rate,stock,barcode\r\n\
                   A1,\"Tea, \"\"Earl\"\" Grey 🍵\",2.49,20,12,5012345678900\r\n\
                   A2,Robert'); DROP TABLE products;--,0.50,zero,,\r\n";
        let rows = parse_products_csv(csv.as_bytes(), gbp(), &rates()).expect("rows");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].name, "Tea, \"Earl\" Grey 🍵");
        assert_eq!(rows[0].price.minor(), 249);
        assert_eq!(rows[0].tax_rate.as_deref(), Some("standard"));
        assert_eq!(rows[0].stock, Some(12));
        assert_eq!(rows[1].name, "Robert'); DROP TABLE products;--");
        assert_eq!(rows[1].line, 3);
    }

    #[test]
    fn reports_each_bad_row_by_line_and_column() {
        let csv = "sku,name,price\nA,Tea,12,99x\nB,Tea,12,99x\n,NoSku,1.00\nA,Dup,1.00\nC,,1.00\nD,Neg,-1.00\n";
        let p = parse_products_csv(csv.as_bytes(), gbp(), &rates()).expect_err("bad file");
        let found: Vec<(u64, &str)> = p.iter().map(|p| (p.line, p.column.as_str())).collect();
        // An unquoted "12,99x" splits into two fields: the row is one field too long.
        assert!(found.contains(&(2, "row")), "{p:?}");
        assert!(found.contains(&(3, "row")), "{p:?}");
        assert!(found.contains(&(4, "sku")), "{p:?}");
        assert!(found.contains(&(5, "sku")), "duplicate sku: {p:?}");
        assert!(found.contains(&(6, "name")), "{p:?}");
        assert!(found.contains(&(7, "price")), "{p:?}");
        let bad_price = parse_products_csv(b"sku,name,price\nA,Tea,\"12,99x\"\n", gbp(), &rates())
            .expect_err("bad price");
        assert_eq!(
            (bad_price[0].line, bad_price[0].column.as_str()),
            (2, "price")
        );
    }

    #[test]
    fn non_utf8_is_reported_with_its_line() {
        let mut bytes = b"sku,name,price\nA,Caf".to_vec();
        bytes.extend_from_slice(&[0xE9, b',', b'1', b'.', b'0', b'0', b'\n']);
        let p = parse_products_csv(&bytes, gbp(), &rates()).expect_err("bad bytes");
        assert_eq!((p[0].line, p[0].column.as_str()), (2, "name"));
    }

    #[test]
    fn header_problems() {
        let p = parse_products_csv(b"sku,title,price\n", gbp(), &rates()).expect_err("bad");
        assert!(p.iter().any(|p| p.column == "title"));
        assert!(p.iter().any(|p| p.column == "name"));
        assert!(parse_products_csv(b"", gbp(), &rates()).is_err());
        let p = parse_products_csv(b"sku,name,price,tax_rate\nA,B,1.00,17.5\n", gbp(), &rates())
            .expect_err("unknown rate");
        assert_eq!(p[0].column, "tax_rate");
    }
}
