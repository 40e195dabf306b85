//! `versapos products`: the catalog from the command line (import and export as CSV, list,
//! find, add, price and stock).

use crate::args::ProductsCmd;
use crate::{print, usage, Result};
use std::io::Write;
use std::path::Path;
use versapos_till::{Fields, Till};

pub fn run(till: &mut Till, cmd: ProductsCmd, out: &print::Out) -> Result<()> {
    match cmd {
        ProductsCmd::Import { file } => import(till, &file, out)?,
        ProductsCmd::Export { out: file } => export(till, file.as_deref())?,
        ProductsCmd::List {
            category,
            page,
            per_page,
        } => list(till, category.as_deref(), page, per_page, out)?,
        ProductsCmd::Find { text, limit } => {
            out.products(&till.find_products(&text, usize::from(limit))?, None);
        }
        ProductsCmd::Show { sku } => out.product(&till.product(&sku)?),
        ProductsCmd::Add(a) => out.product(&till.add_product_as_asked(&a.into(), Fields::Flags)?),
        ProductsCmd::SetPrice { sku, price } => out.product(&till.set_price(&sku, &price)?),
        ProductsCmd::SetStock { sku, stock } => out.product(&till.set_stock(&sku, stock)?),
        ProductsCmd::LowStock => out.products(&till.low_stock(None, 0, -1)?, None),
    }
    Ok(())
}

/// Checked in full first: any problem and nothing is written. A big file shows its progress on
/// stderr.
fn import(till: &mut Till, file: &Path, out: &print::Out) -> Result<()> {
    let name = file.display().to_string();
    let bytes = std::fs::read(file).map_err(|e| usage(format!("cannot read {name}: {e}")))?;
    let bar = progress_bar();
    let summary = till.import_products(&name, &bytes, &mut |done, total| {
        if total >= 10_000 {
            bar.set_length(total);
            bar.set_position(done);
        }
    })?;
    bar.finish_and_clear();
    out.imported(&name, &summary);
    Ok(())
}

fn progress_bar() -> indicatif::ProgressBar {
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "importing {bar:40} {pos}/{len} products ({eta} left)",
    ) {
        bar.set_style(style);
    }
    bar
}

/// To the file `--out` names, or to stdout.
fn export(till: &Till, file: Option<&Path>) -> Result<()> {
    match file {
        Some(f) => {
            let mut w = std::io::BufWriter::new(std::fs::File::create(f)?);
            let n = till.export_products(&mut w)?;
            w.flush()?;
            eprintln!("exported {n} products to {}", f.display());
        }
        None => {
            till.export_products(&mut std::io::stdout().lock())?;
        }
    }
    Ok(())
}

fn list(
    till: &Till,
    category: Option<&str>,
    page: i64,
    per_page: i64,
    out: &print::Out,
) -> Result<()> {
    // Both bounded where they are parsed (args.rs): the offset fits in an i64.
    let offset = page
        .checked_sub(1)
        .and_then(|p| p.checked_mul(per_page))
        .ok_or_else(|| usage("--page: too far"))?;
    let list = till.products(category, offset, per_page)?;
    out.products(&list, Some(till.product_count()?));
    Ok(())
}
