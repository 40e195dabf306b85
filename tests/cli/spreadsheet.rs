//! Files the till writes for spreadsheets: a catalog export and a report's CSV never carry a
//! formula a spreadsheet would run (CSV injection, OWASP), and the catalog still imports back
//! unchanged. Checked against a real spreadsheet engine: LibreOffice, headless, reading each CSV,
//! saving it as .xlsx and reading that back.

use crate::support::{path_str, text, Till};
use std::path::{Path, PathBuf};
use std::process::Command;

/// (SKU, name, category): cells that would each start a formula, and an apostrophe that was
/// typed, not put there by an escape.
const HOSTILE: [(&str, &str, &str); 7] = [
    ("LINK", "=HYPERLINK(\"http://evil\",\"x\")", "=1+1"),
    ("CMD", "+cmd|' /C calc'!A0", "Drinks"),
    ("SUM", "@SUM(1+1)", "@home"),
    ("MINUS", "-2+3", "-"),
    ("QUOTED", "'=already quoted", "Drinks"),
    ("TIS", "'Tis the season", "Drinks"),
    ("=A1", "A SKU that starts a formula", "Drinks"),
];

fn hostile_catalog() -> Till {
    let till = Till::gbp();
    for (sku, name, category) in HOSTILE {
        till.ok(&[
            "products",
            "add",
            &format!("--sku={sku}"),
            &format!("--name={name}"),
            "--price=1.00",
            "--stock=5",
            &format!("--category={category}"),
        ]);
    }
    till
}

#[test]
fn a_catalog_export_escapes_formulas_and_imports_back_unchanged() {
    let till = hostile_catalog();
    let exported = till.ok(&["products", "export"]);
    for cell in [
        "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"",
        "'+cmd|' /C calc'!A0",
        "'@SUM(1+1)",
        "'-2+3",
        "''=already quoted",
        "''Tis the season",
        "'=A1,",
        ",'=1+1\n",
        ",'@home\n",
        ",'-\n",
    ] {
        assert!(
            exported.contains(cell),
            "the export writes {cell:?} escaped:\n{exported}"
        );
    }

    let fresh = Till::gbp();
    let out = fresh.import("hostile.csv", &exported);
    assert!(out.contains("7 added"), "{out}");
    assert_eq!(
        fresh.ok(&["products", "export"]),
        exported,
        "the escaped export imports into a new store and exports identically"
    );
    for (sku, name, category) in HOSTILE {
        let p = fresh.json(&["products", "show", sku]);
        assert_eq!(
            (text(&p, "name"), text(&p, "category")),
            (name, category),
            "{sku} comes back as it was typed"
        );
    }
}

#[test]
fn a_reports_csv_escapes_the_names_it_lists() {
    let till = hostile_catalog();
    till.ok(&["sale", "--item", "LINK", "--item", "CMD:2", "--pay", "cash"]);
    let csv = till.ok(&[
        "report", "--from", "today", "--to", "today", "--by", "product", "--csv",
    ]);
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"")
            && csv.contains("'+cmd|' /C calc'!A0"),
        "names are escaped:\n{csv}"
    );
    assert!(
        !csv.lines()
            .any(|l| l.starts_with('=') || l.contains(",=") || l.contains(",+")),
        "no cell starts a formula:\n{csv}"
    );
}

#[test]
fn a_spreadsheet_opens_the_till_s_csv_files_as_text_never_as_formulas() {
    let till = hostile_catalog();
    till.ok(&["sale", "--item", "LINK", "--item", "SUM", "--pay", "cash"]);
    let catalog = till.dir.path().join("catalog.csv");
    till.ok(&["products", "export", "--out", path_str(&catalog)]);
    let report = till.write(
        "report.csv",
        till.ok(&[
            "report", "--from", "today", "--to", "today", "--by", "product", "--csv",
        ])
        .as_bytes(),
    );
    for csv in [&catalog, &report] {
        let sheet = as_spreadsheet_reads_it(till.dir.path(), csv);
        assert!(
            !sheet.contains("table:formula"),
            "{}: the spreadsheet found a formula:\n{sheet}",
            csv.display()
        );
        let cells = text_cells(&sheet);
        for shown in ["'=HYPERLINK(\"http://evil\",\"x\")", "'@SUM(1+1)"] {
            assert!(
                cells.iter().any(|c| c == shown),
                "{}: the spreadsheet shows {shown:?} as text; its cells: {cells:?}",
                csv.display()
            );
        }
    }
    // Prices stay numbers a spreadsheet can add up: only text is escaped.
    let sheet = as_spreadsheet_reads_it(till.dir.path(), &catalog);
    assert!(
        sheet.contains("office:value-type=\"float\" office:value=\"1\""),
        "the price 1.00 is a number:\n{sheet}"
    );
}

/// LibreOffice reads `csv`, saves it as .xlsx, reads that back and saves it as flat XML (.fods),
/// whose text this returns: a formula cell carries `table:formula` there.
fn as_spreadsheet_reads_it(dir: &Path, csv: &Path) -> String {
    let profile = dir.join("libreoffice-profile");
    let out = dir.join("converted");
    let convert = |file: &Path, to: &str| -> PathBuf {
        let run = Command::new("soffice")
            .arg(format!(
                "-env:UserInstallation=file://{}",
                profile.display()
            ))
            .args(["--headless", "--norestore", "--convert-to", to, "--outdir"])
            .arg(&out)
            .arg(file)
            .env("HOME", dir)
            .output()
            .expect("LibreOffice (soffice) runs: scripts/setup installs it");
        let stem = file.file_stem().expect("a file name").to_string_lossy();
        let converted = out.join(format!("{stem}.{to}"));
        assert!(
            converted.exists(),
            "soffice converted {} to {to}: {}{}",
            file.display(),
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        );
        converted
    };
    let xlsx = convert(csv, "xlsx");
    let fods = convert(&xlsx, "fods");
    std::fs::read_to_string(fods).expect("the flat spreadsheet")
}

/// The text of each cell of a flat spreadsheet, XML entities read.
fn text_cells(sheet: &str) -> Vec<String> {
    sheet
        .split("<text:p>")
        .skip(1)
        .filter_map(|rest| rest.split_once("</text:p>").map(|(cell, _)| cell))
        .map(|cell| {
            cell.replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        })
        .collect()
}
