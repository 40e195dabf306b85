//! `versapos shift …` and `versapos report x | z [N]`: shifts and cash-up at the command line.
//! Amounts in `--json` are integers in minor units beside the currency, named so (`expected`,
//! `counted`, `over_short`).

use crate::args::ShiftCmd;
use crate::print::{emit, Out};
use crate::{usage, Result};
use versapos_core::shift::ShiftTotals;
use versapos_till::shifts::{ShiftView, ZReport};
use versapos_till::{amt, Till};

pub fn shift(till: &mut Till, cmd: ShiftCmd, out: &Out) -> Result<()> {
    match cmd {
        ShiftCmd::Open { float } => {
            let count = till.parse_float(&float)?;
            let shift = till.open_shift(&count)?;
            show_shift(till, &shift, out, "Shift opened")
        }
        ShiftCmd::Status => match till.shift()? {
            Some(shift) => show_shift(till, &shift, out, "Shift open"),
            None => {
                out.message(
                    "No shift is open at this till.",
                    serde_json::json!({ "shift": null }),
                );
                Ok(())
            }
        },
        ShiftCmd::PayIn { amount, reason } => {
            let shift = till.pay_in(&amount, &reason)?;
            show_shift(till, &shift, out, "Paid in")
        }
        ShiftCmd::PayOut { amount, reason } => {
            let shift = till.pay_out(&amount, &reason)?;
            show_shift(till, &shift, out, "Paid out")
        }
        ShiftCmd::Drop { amount } => {
            let shift = till.drop_to_safe(&amount)?;
            show_shift(till, &shift, out, "Dropped to the safe")
        }
        ShiftCmd::Close {
            count,
            note,
            float_left,
        } => {
            let count = till.parse_count(&count)?;
            let z = till.close_shift(&count, &float_left, note.as_deref())?;
            show_z(&z, out);
            // On the receipt printer too, when the till has one.
            if till.printer()?.is_some() {
                let p = till.z_printout(Some(z.z_number));
                crate::printing::print_after(till, p.map(Some));
            }
            Ok(())
        }
        ShiftCmd::List { limit, offset } => {
            let list = till.shifts(limit, offset)?;
            if out.json {
                out.message("", serde_json::json!({ "shifts": list }));
                return Ok(());
            }
            let shop = till.shop()?.clone();
            let cur = shop.currency.code().to_string();
            if list.is_empty() {
                emit("no shifts".into());
            }
            for s in &list {
                let state = match (s.z_number, s.variance) {
                    (Some(z), Some(v)) => format!("Z {z}  {}", over_short(v, &cur)),
                    _ => "open".to_string(),
                };
                emit(format!(
                    "{:>5}  opened {}  {}  {}",
                    s.id,
                    versapos_till::receipt::when_in(&shop, &s.opened_at),
                    s.opened_by.as_deref().unwrap_or("-"),
                    state
                ));
            }
            Ok(())
        }
        ShiftCmd::Show { id } => {
            let shift = till.shift_detail(id)?;
            show_shift(till, &shift, out, &format!("Shift {id}"))
        }
    }
}

fn over_short(variance: i64, currency: &str) -> String {
    match variance {
        0 => "exact".to_string(),
        v if v > 0 => format!("over {}", amt(v, currency)),
        v => format!("short {}", amt(-v, currency)),
    }
}

fn show_shift(till: &Till, s: &ShiftView, out: &Out, title: &str) -> Result<()> {
    if out.json {
        out.message("", serde_json::json!({ "shift": s }));
        return Ok(());
    }
    let shop = till.shop()?.clone();
    let cur = shop.currency.code().to_string();
    emit(format!("{title}: shift {} at till {}", s.id, s.till_id));
    emit(format!(
        "  opened        {}{}",
        versapos_till::receipt::when_in(&shop, &s.opened_at),
        s.opened_by
            .as_deref()
            .map(|b| format!(" by {b}"))
            .unwrap_or_default()
    ));
    emit(format!("  float         {}", amt(s.float, &cur)));
    for m in &s.movements {
        emit(format!(
            "  {:<13} {:>10}  {}{}",
            match m.kind {
                versapos_till::shifts::MovementKind::PaidIn => "paid in",
                versapos_till::shifts::MovementKind::PaidOut => "paid out",
                versapos_till::shifts::MovementKind::Drop => "safe drop",
            },
            amt(m.amount, &cur),
            m.reason.as_deref().unwrap_or(""),
            m.staff
                .as_deref()
                .map(|b| format!(" ({b})"))
                .unwrap_or_default()
        ));
    }
    if let (Some(closed), Some(z)) = (&s.closed_at, s.z_number) {
        emit(format!(
            "  closed        {} (Z {z})",
            versapos_till::receipt::when_in(&shop, closed)
        ));
    }
    Ok(())
}

fn show_z(z: &ZReport, out: &Out) {
    if out.json {
        let mut v = serde_json::to_value(z).unwrap_or_default();
        v["over_short"] = serde_json::json!(z.variance);
        v["currency"] = serde_json::json!(z.totals.currency.code());
        out.message("", v);
        return;
    }
    for line in &z.printed {
        emit(line.clone());
    }
}

/// `report x` or `report z [N]`.
pub fn report(till: &Till, which: &str, number: Option<i64>, csv: bool, out: &Out) -> Result<()> {
    match which {
        "x" => {
            if number.is_some() {
                return Err(usage("an X report has no number: `report x`"));
            }
            let x = till.x_report()?;
            if csv {
                return write_csv(&x, None);
            }
            if out.json {
                let mut v = serde_json::to_value(&x).unwrap_or_default();
                v["currency"] = serde_json::json!(x.currency.code());
                out.message("", v);
                return Ok(());
            }
            show_x(&x);
            Ok(())
        }
        _ => {
            let z = till.z_report(number)?;
            if csv {
                return write_csv(&z.totals, Some(&z));
            }
            show_z(&z, out);
            Ok(())
        }
    }
}

fn show_x(x: &ShiftTotals) {
    let cur = x.currency.code();
    let m = |v: i64| amt(v, cur);
    emit("X REPORT (resets nothing)".into());
    for (label, value) in [
        ("sales", x.sales.to_string()),
        ("gross", m(x.gross)),
        ("discounts", m(x.discounts)),
        (
            "refunds",
            format!("{} ({})", m(x.refunds.value), x.refunds.count),
        ),
        ("net", m(x.net)),
        ("voids", format!("{} ({})", m(x.voids.value), x.voids.count)),
        ("average sale", m(x.average_sale)),
        (
            "cash",
            format!("{} ({})", m(x.tenders.cash.value), x.tenders.cash.count),
        ),
        (
            "points",
            format!("{} ({})", m(x.tenders.points.value), x.tenders.points.count),
        ),
        ("paid in", m(x.paid_in.value)),
        ("paid out", m(x.paid_out.value)),
        ("safe drops", m(x.drops.value)),
        ("drawer openings", x.drawer_openings.to_string()),
        ("no sales", x.no_sales.to_string()),
        ("expected cash", m(x.expected)),
        ("grand total", m(x.grand_total)),
    ] {
        emit(format!("  {label:<16} {value:>14}"));
    }
    for c in &x.tenders.cards {
        emit(format!(
            "  card {:<11} {:>14}",
            c.brand,
            format!("{} ({})", m(c.value), c.count)
        ));
    }
    for t in &x.tax {
        emit(format!(
            "  VAT {:<12} {:>14}  net {}  VAT {}",
            format!(
                "{} {}",
                t.name,
                versapos_core::tax::format_percent(t.basis_points)
            ),
            m(t.gross),
            m(t.net),
            m(t.tax)
        ));
    }
}

/// The figures as `figure,value` rows (minor units), for a spreadsheet.
fn write_csv(t: &ShiftTotals, z: Option<&ZReport>) -> Result<()> {
    let mut rows: Vec<(String, String)> = Vec::new();
    let mut put = |k: &str, v: i64| rows.push((k.to_string(), v.to_string()));
    if let Some(z) = z {
        put("z_number", z.z_number);
        put("counted", z.counted);
        put("expected", z.expected);
        put("over_short", z.variance);
        put("float_left", z.float_left);
        put("banked", z.banked);
    } else {
        put("expected", t.expected);
    }
    put("sales", t.sales);
    put("gross", t.gross);
    put("discounts", t.discounts);
    put("refunds_count", t.refunds.count);
    put("refunds", t.refunds.value);
    put("net", t.net);
    put("voids_count", t.voids.count);
    put("voids", t.voids.value);
    put("average_sale", t.average_sale);
    put("cash", t.tenders.cash.value);
    put("points", t.tenders.points.value);
    put("cash_rounding", t.cash_rounding);
    put("points_earned", t.points_earned);
    put("points_redeemed", t.points_redeemed);
    put("paid_in", t.paid_in.value);
    put("paid_out", t.paid_out.value);
    put("drops", t.drops.value);
    put("drawer_openings", t.drawer_openings);
    put("no_sales", t.no_sales);
    put("grand_total", t.grand_total);
    put("journal_position", t.journal_position);
    for c in &t.tenders.cards {
        rows.push((format!("card_{}", c.brand), c.value.to_string()));
    }
    for r in &t.tax {
        rows.push((format!("vat_{}_net", r.name), r.net.to_string()));
        rows.push((format!("vat_{}_tax", r.name), r.tax.to_string()));
        rows.push((format!("vat_{}_gross", r.name), r.gross.to_string()));
    }
    emit(format!("figure,value ({})", t.currency.code()));
    for (k, v) in rows {
        emit(format!("{},{v}", versapos_core::text::for_spreadsheet(&k)));
    }
    Ok(())
}
