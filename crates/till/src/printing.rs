//! Printing a receipt and opening the cash drawer on the till's receipt printer.
//!
//! The till decides what prints and whether the drawer opens ([`Printout`], made by the `Till`);
//! [`send`] hands it to the printer without holding the till, so a slow or absent printer never
//! holds up the register; the door then tells the till it printed (`Till::printed`), which counts
//! the drawer's opening. A sale is always booked before anything prints: a printer problem is a
//! message and a Retry, and the receipt can be printed again from the order at any time.

use crate::{PrinterSetup, Result, TillError};
use serde::Serialize;
use ts_rs::TS;
use versapos_core::receipt::Line;
use versapos_printer::{Address, CodePage, DrawerPin, Job, PrintError, Settings};
pub use versapos_store::drawer::{DrawerCounts, DrawerReason};

/// How long after a sale or refund its receipt still opens the drawer (a printer fixed and
/// Retry pressed within it); later, only No sale opens it.
pub const DRAWER_WINDOW: chrono::Duration = chrono::Duration::minutes(15);

/// Something to send to the receipt printer: a receipt's lines (none for a drawer kick alone)
/// and whether the drawer opens with it.
#[derive(Clone, Debug)]
pub struct Printout {
    pub settings: Settings,
    /// The receipt laid out for the printer's paper; empty: only the drawer opens.
    pub lines: Vec<Line>,
    /// Why the drawer opens with this printout, if it does.
    pub drawer: Option<DrawerReason>,
    /// The receipt number printed, if a receipt is.
    pub receipt: Option<String>,
}

/// What happened at the printer, for the screen.
#[derive(Clone, Debug, Serialize, TS)]
pub struct Printed {
    /// The receipt number printed; None when only the drawer opened.
    pub receipt: Option<String>,
    pub drawer_opened: bool,
}

/// The printer's settings from the till's set-up, checked again (a store edited by hand).
pub fn settings(setup: &PrinterSetup) -> Result<Settings> {
    let address: Address = setup
        .address
        .parse()
        .map_err(|e: versapos_printer::AddressError| {
            TillError::invalid("printer", e.to_string())
        })?;
    let code_page: CodePage = setup.code_page.parse().map_err(|_| {
        TillError::invalid(
            "code-page",
            format!("unknown code page '{}'", setup.code_page),
        )
    })?;
    Ok(Settings {
        address,
        columns: usize::from(setup.columns),
        code_page,
        drawer_pin: if setup.drawer_pin == 5 {
            DrawerPin::Pin5
        } else {
            DrawerPin::Pin2
        },
        logo: None,
    })
}

/// A printer's problem as the till reports it: a code for the screen and words for the cashier.
pub fn printer_error(e: PrintError) -> TillError {
    TillError::Printer {
        code: e.code(),
        message: e.to_string(),
    }
}

/// Sends a printout to the printer: the receipt, then the drawer kick, then the cut. Checks the
/// printer's state first where it can tell (network, serial, USB): out of paper, cover open or
/// offline is refused before anything is sent, so Retry prints the receipt once.
pub fn send(p: &Printout) -> Result<Printed> {
    if p.lines.is_empty() {
        if p.drawer.is_some() {
            versapos_printer::open_drawer(&p.settings).map_err(printer_error)?;
        }
    } else {
        versapos_printer::print(
            &p.settings,
            &Job {
                lines: &p.lines,
                kick_drawer: p.drawer.is_some(),
            },
        )
        .map_err(printer_error)?;
    }
    Ok(Printed {
        receipt: p.receipt.clone(),
        drawer_opened: p.drawer.is_some(),
    })
}

impl crate::Till {
    /// The receipt printer set up on this till, if one is (anyone who sells may see it).
    pub fn printer(&self) -> Result<Option<PrinterSetup>> {
        self.check(versapos_core::Permission::Sell)?;
        Ok(self.shop()?.printer.clone())
    }

    /// What the printer's set-up offers (an admin's screen): papers, code pages and the
    /// printers this computer can reach (asks the OS: a moment).
    pub fn printer_choices(&self) -> Result<PrinterChoices> {
        self.check(versapos_core::Permission::ChangeSettings)?;
        Ok(PrinterChoices {
            papers: versapos_store::shop::PAPERS
                .iter()
                .map(|(name, _)| name.to_string())
                .collect(),
            code_pages: CodePage::ALL.iter().map(|c| c.to_string()).collect(),
            found: Vec::new(),
        })
    }

    /// Sets up the receipt printer (an admin's work): its address, and optionally the paper,
    /// code page and drawer pin (kept as they were, or the defaults, when not given). Each is
    /// checked before anything is stored and each change is journaled.
    pub fn set_printer(
        &mut self,
        address: &str,
        paper: Option<&str>,
        code_page: Option<&str>,
        drawer_pin: Option<&str>,
    ) -> Result<PrinterSetup> {
        self.check(versapos_core::Permission::ChangeSettings)?;
        let address: Address =
            address
                .trim()
                .parse()
                .map_err(|e: versapos_printer::AddressError| {
                    TillError::invalid("printer", e.to_string())
                })?;
        if let Some(paper) = paper {
            if versapos_store::shop::paper_columns(paper).is_none() {
                return Err(TillError::invalid(
                    "paper",
                    format!("'{paper}': expected 80mm, 80mm-42 or 58mm"),
                ));
            }
        }
        let code_page = match code_page {
            Some(c) => Some(c.parse::<CodePage>().map_err(|_| {
                TillError::invalid(
                    "code-page",
                    format!(
                        "unknown code page '{c}' (known: {})",
                        CodePage::ALL
                            .iter()
                            .map(|c| c.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?),
            None => None,
        };
        if let Some(pin) = drawer_pin {
            pin.parse::<DrawerPin>().map_err(|_| {
                TillError::invalid("drawer-pin", format!("'{pin}': expected 2 or 5"))
            })?;
        }
        self.set_setting("printer", &address.to_string())?;
        if let Some(paper) = paper {
            self.set_setting("paper", paper)?;
        }
        if let Some(code_page) = code_page {
            self.set_setting("code-page", &code_page.to_string())?;
        }
        if let Some(pin) = drawer_pin {
            self.set_setting("drawer-pin", pin)?;
        }
        self.printer()?
            .ok_or_else(|| TillError::Corrupt("the printer just set up is missing".into()))
    }

    /// Sets the shop's logo printed at the top of each receipt (a PNG, at most 512 KB; it is
    /// checked by decoding it as the printer will), or takes it away (None). An admin's.
    pub fn set_receipt_logo(&mut self, png: Option<&[u8]>) -> Result<&crate::Shop> {
        if let Some(png) = png {
            versapos_printer::check_logo(png)
                .map_err(|e| TillError::invalid("receipt-logo", e.to_string()))?;
        }
        let when = self.authorize(versapos_core::Permission::ChangeSettings)?;
        let current = self.shop()?.clone();
        let shop = versapos_store::shop::set_logo(&mut self.conn, &current, png, &when)?;
        Ok(self.shop.insert(shop))
    }

    /// The shop's receipt logo (PNG bytes), to show it on screen.
    pub fn receipt_logo(&self) -> Result<Option<Vec<u8>>> {
        self.check(versapos_core::Permission::Sell)?;
        versapos_store::shop::logo(&self.conn)
    }

    /// The printer's settings with the shop's logo, when it has one.
    fn printer_settings(&self, setup: &PrinterSetup) -> Result<Settings> {
        let mut s = settings(setup)?;
        if self.shop()?.receipt.has_logo {
            s.logo = versapos_store::shop::logo(&self.conn)?;
        }
        Ok(s)
    }

    /// A test page for the till's printer: anyone signed in may print one (after changing the
    /// roll, say).
    pub fn test_printout(&self) -> Result<Printout> {
        self.check(versapos_core::Permission::Sell)?;
        let shop = self.shop()?;
        let setup = shop.printer.clone().ok_or(TillError::NoPrinter)?;
        let settings = self.printer_settings(&setup)?;
        Ok(Printout {
            lines: test_page(shop, &setup).layout(settings.columns),
            settings,
            drawer: None,
            receipt: None,
        })
    }

    /// Takes the receipt printer off this till: receipts go back to the print dialog.
    pub fn remove_printer(&mut self) -> Result<()> {
        self.set_setting("printer", "none")?;
        Ok(())
    }

    /// The receipt of an order (by id or receipt number) as it prints: anyone at the till may
    /// see the receipt in their hand, as with [`crate::Till::order`].
    pub fn receipt(
        &self,
        reference: &str,
        copy: &crate::receipt::ReceiptCopy,
    ) -> Result<crate::receipt::ReceiptView> {
        Ok(self.receipt_read(reference, copy)?.0)
    }

    /// The receipt with the order (and refund) it was made from, read once.
    fn receipt_read(
        &self,
        reference: &str,
        copy: &crate::receipt::ReceiptCopy,
    ) -> Result<(
        crate::receipt::ReceiptView,
        crate::OrderView,
        Option<crate::RefundView>,
    )> {
        self.check(versapos_core::Permission::Sell)?;
        let shop = self.shop()?;
        let id = versapos_store::sales::resolve(&self.conn, shop, reference)?;
        let order = versapos_store::sales::order(&self.conn, shop, &id)?;
        let refund = match copy {
            crate::receipt::ReceiptCopy::Refund { refund_id } => {
                let refund = versapos_store::refunds::refund_view(&self.conn, shop, refund_id)?;
                if refund.order_id != order.id {
                    return Err(TillError::invalid(
                        "refund",
                        format!("refund {refund_id} is not one of order {}", order.receipt),
                    ));
                }
                Some(refund)
            }
            _ => None,
        };
        let customer = match order.customer_id {
            Some(id) => {
                versapos_store::customers::get(&self.conn, versapos_core::CustomerId(id)).ok()
            }
            None => None,
        };
        let document = crate::receipt::document(
            shop,
            &order,
            copy,
            refund.as_ref(),
            customer.as_ref().map(|c| crate::receipt::ReceiptCustomer {
                name: &c.name,
                balance: c.points_balance,
            }),
            shop.receipt.has_logo,
        );
        let columns = shop.printer.as_ref().map_or(48, |p| p.columns);
        let view = crate::receipt::ReceiptView {
            order_id: order.id.clone(),
            receipt: order.receipt.clone(),
            copy: copy.clone(),
            columns,
            lines: document.layout(usize::from(columns)),
            text: document.plain_text(usize::from(columns)),
            document,
        };
        Ok((view, order, refund))
    }

    /// What to send to the printer for a receipt: the receipt's lines, and the drawer's kick
    /// when this is the sale's (or refund's) own receipt, it has a cash part and the drawer has
    /// not opened for it yet. A reprint never opens the drawer.
    pub fn printout(
        &self,
        reference: &str,
        copy: &crate::receipt::ReceiptCopy,
    ) -> Result<Printout> {
        let setup = self.shop()?.printer.clone().ok_or(TillError::NoPrinter)?;
        let settings = self.printer_settings(&setup)?;
        let (view, order, refund) = self.receipt_read(reference, copy)?;
        let drawer = self.drawer_for(&order, refund.as_ref(), copy)?;
        Ok(Printout {
            lines: view.document.layout(settings.columns),
            settings,
            drawer,
            receipt: Some(view.receipt),
        })
    }

    /// What prints when a sale is finished, by the shop's setting: the receipt (always), or
    /// nothing but the drawer's kick for a cash part (ask, never); None with no printer set up,
    /// or nothing to do.
    pub fn printout_after_sale(&self, order_id: &str) -> Result<Option<Printout>> {
        self.after(order_id, &crate::receipt::ReceiptCopy::Sale)
    }

    /// What prints when a refund is made: as [`crate::Till::printout_after_sale`], for the
    /// refund's receipt and its cash.
    pub fn printout_after_refund(
        &self,
        order_id: &str,
        refund_id: &str,
    ) -> Result<Option<Printout>> {
        self.after(
            order_id,
            &crate::receipt::ReceiptCopy::Refund {
                refund_id: refund_id.to_string(),
            },
        )
    }

    fn after(
        &self,
        order_id: &str,
        copy: &crate::receipt::ReceiptCopy,
    ) -> Result<Option<Printout>> {
        let shop = self.shop()?;
        if shop.printer.is_none() {
            return Ok(None);
        }
        let auto = shop.receipt.auto_print == versapos_store::shop::AutoPrint::Always;
        let mut p = self.printout(order_id, copy)?;
        if !auto {
            p.lines.clear();
            p.receipt = None;
        }
        Ok((!p.lines.is_empty() || p.drawer.is_some()).then_some(p))
    }

    /// Whether the drawer opens with this copy of the receipt.
    fn drawer_for(
        &self,
        order: &crate::OrderView,
        refund: Option<&crate::RefundView>,
        copy: &crate::receipt::ReceiptCopy,
    ) -> Result<Option<DrawerReason>> {
        let shop = self.shop()?;
        let reason = match (copy, refund) {
            (crate::receipt::ReceiptCopy::Sale, _) => {
                let cash = order
                    .payments
                    .iter()
                    .any(|p| p.tender == "cash" && p.status == "succeeded");
                if !cash
                    || !self.just_now(&order.created_at)
                    || order.till_id != shop.till_id.as_str()
                {
                    return Ok(None);
                }
                DrawerReason::Sale {
                    order_id: order.id.clone(),
                }
            }
            (crate::receipt::ReceiptCopy::Refund { refund_id }, Some(refund)) => {
                let made = order
                    .refunds
                    .iter()
                    .find(|r| r.id == *refund_id)
                    .map(|r| r.created_at.clone())
                    .unwrap_or_default();
                if !refund
                    .tenders
                    .iter()
                    .any(|t| t.tender == "cash" && t.amount != 0)
                    || !self.just_now(&made)
                {
                    return Ok(None);
                }
                DrawerReason::Refund {
                    refund_id: refund_id.to_string(),
                }
            }
            _ => return Ok(None),
        };
        Ok((!versapos_store::drawer::already_opened(&self.conn, &reason)?).then_some(reason))
    }

    /// Whether something stored at `at` was done just now: a sale's (or refund's) receipt opens
    /// the drawer only within [`DRAWER_WINDOW`] of it, so printing an old sale's receipt again
    /// (by any door) can never stand in for a No sale.
    fn just_now(&self, at: &str) -> bool {
        match chrono::DateTime::parse_from_rfc3339(at) {
            Ok(t) => {
                let age = self.clock.now().signed_duration_since(t);
                age >= -chrono::Duration::minutes(1) && age <= DRAWER_WINDOW
            }
            Err(_) => false,
        }
    }

    /// Opens the cash drawer with no sale: the `no_sale` permission (a manager's; a cashier asks
    /// one to approve with their PIN, and the approval waits until the drawer has opened).
    pub fn no_sale_printout(&self) -> Result<Printout> {
        self.check_or_approved(versapos_core::Permission::NoSale)?;
        let setup = self.shop()?.printer.clone().ok_or(TillError::NoPrinter)?;
        Ok(Printout {
            settings: settings(&setup)?,
            lines: Vec::new(),
            drawer: Some(DrawerReason::NoSale),
            receipt: None,
        })
    }

    /// Records what a printout did once the printer took it: the drawer's opening (a No sale
    /// journaled with who opened it and who approved).
    pub fn printed(&mut self, p: &Printout) -> Result<()> {
        let Some(reason) = &p.drawer else {
            return Ok(());
        };
        let when = match reason {
            DrawerReason::NoSale => self.authorize(versapos_core::Permission::NoSale)?,
            _ => {
                let mut when = self.moment();
                when.staff = self.signed_in.clone();
                when
            }
        };
        let till = self.journal_till();
        versapos_store::drawer::record_opening(&mut self.conn, &till, reason, &when)
    }

    /// Sends a printout and records it: for a door that may wait for the printer (the CLI).
    pub fn print_now(&mut self, p: &Printout) -> Result<Printed> {
        let printed = send(p)?;
        self.printed(p)?;
        Ok(printed)
    }

    /// How often the drawer opened today at this till, by reason.
    pub fn drawer_openings_today(&self) -> Result<DrawerCounts> {
        self.check(versapos_core::Permission::ReadReports)?;
        let shop = self.shop()?;
        let day = self.today().format("%Y-%m-%d").to_string();
        versapos_store::drawer::openings_on(&self.conn, shop.till_id.as_str(), &day)
    }
}

/// What the printer settings offer to choose from.
#[derive(Clone, Debug, Serialize, TS)]
pub struct PrinterChoices {
    /// `80mm`, `80mm-42`, `58mm`.
    pub papers: Vec<String>,
    /// `pc858`, `pc437`…
    pub code_pages: Vec<String>,
    /// The printers this computer can reach.
    pub found: Vec<FoundPrinter>,
}

/// A printer this computer can reach, by the address that sets it up.
#[derive(Clone, Debug, Serialize, TS)]
pub struct FoundPrinter {
    pub address: String,
    pub description: String,
}

/// The printers this computer can reach: the OS's printers, serial ports, USB printers.
pub fn find_printers() -> Vec<FoundPrinter> {
    versapos_printer::find()
        .into_iter()
        .map(|f| FoundPrinter {
            address: f.address,
            description: f.description,
        })
        .collect()
}

/// A test page: the shop's name, the printer's settings, every character of the receipt's
/// alphabet the code page should show, a barcode and a QR code.
pub fn test_page(shop: &crate::Shop, setup: &PrinterSetup) -> versapos_core::receipt::Document {
    use versapos_core::receipt::{Align, Block, Document, Style};
    let mut d = Document::new();
    if shop.receipt.has_logo {
        d.push(Block::Logo);
    }
    d.text(&shop.name, Align::Center, Style::LARGE)
        .text("Printer test page", Align::Center, Style::BOLD)
        .rule()
        .pair("Address", &setup.address)
        .pair(
            "Paper",
            format!("{} ({} columns)", setup.paper, setup.columns),
        )
        .pair("Code page", &setup.code_page)
        .pair("Drawer pin", setup.drawer_pin.to_string())
        .rule()
        .text("£ € é è ü ö ñ ç ß å ø", Align::Left, Style::PLAIN)
        .text("Bold", Align::Left, Style::BOLD)
        .text("Large", Align::Left, Style::LARGE)
        .pair("Left", "Right")
        .text("Centre", Align::Center, Style::PLAIN)
        .text("Right", Align::Right, Style::PLAIN)
        .text("1234567890".repeat(5), Align::Left, Style::PLAIN)
        .feed(1)
        .push(Block::Barcode {
            data: "TEST-000001".into(),
        })
        .push(Block::Qr {
            data: "VersaTalent POS test page".into(),
        })
        .feed(1)
        .centred("If all of this reads well, the printer is set up.");
    d
}

/// The receipt printer's state, for the setup doctor: ready, or what is wrong in words. Asks
/// the printer (up to a few seconds): call it without holding the till.
pub fn check_printer(setup: Option<&PrinterSetup>) -> versapos_core::SetupCheck {
    use versapos_core::{CheckStatus, SetupCheck};
    let setup = match setup {
            Some(setup) => setup,
            None => {
                return SetupCheck {
                    id: "printer".into(),
                    title: "Receipt printer".into(),
                    status: CheckStatus::Skip,
                    detail: "no receipt printer is set up: receipts go through the print dialog and the cash drawer does not open".into(),
                    fix: Some("versapos printer set tcp://ADDRESS:9100 (see `versapos printer list`)".into()),
                }
            }
        };
    let result = settings(setup).and_then(|s| versapos_printer::status(&s).map_err(printer_error));
    match result {
        Ok(status) => {
            let (state, detail) = match (status.can_report, status.paper) {
                (false, _) => (
                    CheckStatus::Ok,
                    format!(
                        "{} takes jobs (it does not report paper or cover)",
                        setup.address
                    ),
                ),
                (true, versapos_printer::Paper::Out) => (
                    CheckStatus::Fail,
                    format!("{} is out of paper", setup.address),
                ),
                (true, _) if status.cover_open => (
                    CheckStatus::Fail,
                    format!("{}: the cover is open", setup.address),
                ),
                (true, versapos_printer::Paper::NearEnd) => (
                    CheckStatus::Warn,
                    format!(
                        "{} is ready; the paper roll is nearly finished",
                        setup.address
                    ),
                ),
                (true, versapos_printer::Paper::Ok) => {
                    (CheckStatus::Ok, format!("{} is ready", setup.address))
                }
            };
            SetupCheck {
                id: "printer".into(),
                title: "Receipt printer".into(),
                status: state,
                detail,
                fix: None,
            }
        }
        Err(e) => SetupCheck {
            id: "printer".into(),
            title: "Receipt printer".into(),
            status: CheckStatus::Fail,
            detail: e.to_string(),
            fix: Some(
                "check that the printer is on and connected, then `versapos printer test`".into(),
            ),
        },
    }
}
