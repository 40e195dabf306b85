//! `versapos printer`, `print receipt` and `drawer open`: the receipt printer and the cash
//! drawer. A sale made with `versapos sale` prints like one made at the window
//! ([`after_sale`]).

use crate::args::{DrawerCmd, PrintCmd, PrinterCmd};
use crate::print::{emit, Out};
use crate::{CliError, Result};
use versapos_core::CheckStatus;
use versapos_till::printing::{self, Printout};
use versapos_till::receipt::ReceiptCopy;
use versapos_till::Till;

pub fn printer(till: &mut Till, cmd: PrinterCmd, out: &Out) -> Result<()> {
    match cmd {
        PrinterCmd::Set {
            address,
            paper,
            code_page,
            drawer_pin,
        } => {
            let setup = till.set_printer(
                &address,
                paper.as_deref(),
                code_page.as_deref(),
                drawer_pin.as_deref(),
            )?;
            if out.json {
                out.message("", serde_json::to_value(&setup).unwrap_or_default());
            } else {
                show(&setup);
                emit("Print a test page with `versapos printer test`.".into());
            }
            Ok(())
        }
        PrinterCmd::List => {
            let found = printing::find_printers();
            if out.json {
                out.message("", serde_json::to_value(&found).unwrap_or_default());
            } else if found.is_empty() {
                emit("No printers found on this computer (a network printer is set up by its address: versapos printer set tcp://ADDRESS:9100).".into());
            } else {
                for f in &found {
                    emit(format!("{:<40} {}", f.address, f.description));
                }
            }
            Ok(())
        }
        PrinterCmd::Show => {
            let setup = till.printer()?;
            let check = printing::check_printer(setup.as_ref());
            if out.json {
                out.message("", serde_json::json!({ "printer": setup, "check": check }));
            } else {
                match &setup {
                    Some(s) => show(s),
                    None => emit("No receipt printer is set up on this till.".into()),
                }
                emit(format!("  state        {}", check.detail));
            }
            if setup.is_some() && check.status == CheckStatus::Fail {
                return Err(CliError::Failed(check.detail));
            }
            Ok(())
        }
        PrinterCmd::Test => {
            let p = till.test_printout()?;
            let address = till.printer()?.map(|s| s.address).unwrap_or_default();
            printing::send(&p)?;
            out.message(
                &format!("Test page sent to {address}."),
                serde_json::json!({ "printed": true, "printer": address }),
            );
            Ok(())
        }
        PrinterCmd::Logo { file } => {
            if file.as_os_str() == "none" {
                till.set_receipt_logo(None)?;
                out.message("Receipt logo removed.", serde_json::json!({ "logo": null }));
                return Ok(());
            }
            let png = std::fs::read(&file).map_err(|e| {
                crate::usage(format!("{}: cannot read the logo: {e}", file.display()))
            })?;
            till.set_receipt_logo(Some(&png)).map_err(|e| match e {
                versapos_till::TillError::Invalid { message, .. } => {
                    crate::usage(format!("{}: {message}", file.display()))
                }
                e => e.into(),
            })?;
            out.message(
                &format!(
                    "Receipt logo set from {} ({} bytes).",
                    file.display(),
                    png.len()
                ),
                serde_json::json!({ "logo": { "bytes": png.len() } }),
            );
            Ok(())
        }
        PrinterCmd::Remove => {
            till.remove_printer()?;
            out.message(
                "Receipt printer removed: receipts go through the print dialog.",
                serde_json::json!({ "printer": null }),
            );
            Ok(())
        }
    }
}

fn show(s: &versapos_till::PrinterSetup) {
    emit(format!("Receipt printer {}", s.address));
    emit(format!(
        "  paper        {} ({} characters across)",
        s.paper, s.columns
    ));
    emit(format!("  code page    {}", s.code_page));
    emit(format!("  drawer pin   {}", s.drawer_pin));
}

pub fn print(till: &mut Till, cmd: PrintCmd, out: &Out) -> Result<()> {
    match cmd {
        PrintCmd::Z { number } => {
            let p = till.z_printout(number)?;
            till.print_now(&p)?;
            let printed = p.receipt.unwrap_or_default();
            out.message(
                &format!("{printed} printed."),
                serde_json::json!({ "printed": printed }),
            );
            Ok(())
        }
        PrintCmd::Receipt {
            order,
            preview,
            refund,
        } => {
            let copy = match refund {
                Some(refund_id) => ReceiptCopy::Refund { refund_id },
                None => ReceiptCopy::Reprint,
            };
            if preview {
                let view = till.receipt(&order, &copy)?;
                if out.json {
                    out.message("", serde_json::to_value(&view).unwrap_or_default());
                } else {
                    for line in &view.text {
                        emit(line.clone());
                    }
                }
                return Ok(());
            }
            let p = till.printout(&order, &copy)?;
            let printed = till.print_now(&p)?;
            let receipt = printed.receipt.unwrap_or(order);
            out.message(
                &format!("Receipt {receipt} printed."),
                serde_json::json!({ "printed": receipt, "drawer_opened": printed.drawer_opened }),
            );
            Ok(())
        }
    }
}

pub fn drawer(till: &mut Till, cmd: DrawerCmd, out: &Out) -> Result<()> {
    match cmd {
        DrawerCmd::Open => {
            let p = till.no_sale_printout()?;
            till.print_now(&p)?;
            out.message(
                "Cash drawer opened (No sale).",
                serde_json::json!({ "drawer_opened": true, "reason": "no_sale" }),
            );
            Ok(())
        }
    }
}

/// After a sale, refund or close is booked: prints its receipt (or Z) and opens the drawer as the shop's
/// settings say. A printer problem does not undo anything: it is said on stderr with how to
/// print the receipt again, and the command still succeeds.
pub fn print_after(till: &mut Till, p: versapos_till::Result<Option<Printout>>) {
    let p = match p {
        Ok(Some(p)) => p,
        Ok(None) => return,
        Err(e) => {
            eprintln!("versapos: the receipt was not printed: {e}");
            return;
        }
    };
    if let Err(e) = till.print_now(&p) {
        let again = match p.receipt.as_deref() {
            Some(z) if z.starts_with("Z ") => {
                format!(" Print it again with `versapos print z {}`.", &z[2..])
            }
            Some(r) => format!(" Print it again with `versapos print receipt {r}`."),
            None => String::new(),
        };
        eprintln!(
            "versapos: booked, but the printer did not print: {}.{again}",
            versapos_core::text::for_terminal(&e.to_string())
        );
    }
}
