//! Shifts and cash-up at the till: open with a counted float, pay in and out, drop to the safe,
//! the X report (any time, resets nothing) and the close with its blind count and Z report.
//!
//! Once a till has opened its first shift, every sale needs an open one (a store that never used
//! shifts sells as before, as one without staff works without signing in).

use crate::{Result, TillError};
use versapos_core::receipt::{Align, Document, Style};
use versapos_core::shift::{CashCount, CloseRules, CountLine, ShiftError, ShiftTotals};
use versapos_core::{Money, Permission};
use versapos_store::reports::amt;
use versapos_store::shifts::{self, Close};
pub use versapos_store::shifts::{MovementKind, MovementView, ShiftSummary, ShiftView, ZReport};

/// The shop's tolerances at a close: its settings, else the currency's defaults.
pub fn close_rules(shop: &crate::Shop) -> Result<CloseRules> {
    let defaults = CloseRules::for_currency(shop.currency);
    let m = |minor: Option<i64>, default: Money| {
        minor.map_or(default, |v| Money::from_minor(v, shop.currency))
    };
    let note = m(shop.cash_note_over, defaults.note_over());
    let approve = match shop.cash_approve_over {
        Some(v) => Money::from_minor(v, shop.currency),
        None if shop.cash_note_over.is_some() => {
            Money::from_minor(note.minor().saturating_mul(10), shop.currency)
        }
        None => defaults.approve_over(),
    };
    Ok(CloseRules::new(note, approve)?)
}

/// The paper width a Z report is laid out for when it is stored (80 mm).
pub const Z_COLUMNS: usize = 48;

impl crate::Till {
    /// Refuses a sale while no shift is open at a till that works in shifts.
    pub(crate) fn need_open_shift(&self) -> Result<()> {
        let till = self.shop()?.till_id.as_str();
        if shifts::in_use(&self.conn, till)? && shifts::open_id(&self.conn, till)?.is_none() {
            return Err(TillError::NoShiftOpen);
        }
        Ok(())
    }

    /// The shift open at this till, if one is (anyone who sells may see it).
    pub fn shift(&self) -> Result<Option<ShiftView>> {
        self.check(Permission::Sell)?;
        match shifts::open_id(&self.conn, self.shop()?.till_id.as_str())? {
            Some(id) => Ok(Some(shifts::view(&self.conn, id)?)),
            None => Ok(None),
        }
    }

    /// The shop's notes and coins, largest first, for the count screen (empty: its currency is
    /// counted as a plain total).
    pub fn denominations(&self) -> Result<Vec<versapos_core::denomination::Denomination>> {
        self.check(Permission::Sell)?;
        Ok(
            versapos_core::denomination::denominations(self.shop()?.currency)
                .map(<[_]>::to_vec)
                .unwrap_or_default(),
        )
    }

    /// A cash count as a person types it: `50=2,20=3,0.50=1` (denomination in major units =
    /// how many), or a plain amount in a currency whose notes and coins the till does not know.
    pub fn parse_count(&self, text: &str) -> Result<CashCount> {
        Ok(CashCount::parse(text, self.shop()?.currency)?)
    }

    /// A float as a person gives it: counted by denomination (`20=4,10=2`), or an amount
    /// (`100.00`), taken as the fewest notes and coins that make it.
    pub fn parse_float(&self, text: &str) -> Result<CashCount> {
        if text.contains('=') {
            return self.parse_count(text);
        }
        let currency = self.shop()?.currency;
        let amount = Money::parse(text.trim(), currency)
            .map_err(|e| TillError::invalid("float", format!("'{}': {e}", text.trim())))?;
        if amount.minor() < 0 {
            return Err(TillError::invalid("float", "must not be negative"));
        }
        let Some(denominations) = versapos_core::denomination::denominations(currency) else {
            return Ok(CashCount::plain(amount)?);
        };
        let mut left = amount.minor();
        let mut lines = Vec::new();
        for d in denominations {
            let n = left / d.minor;
            if n > 0 {
                lines.push(CountLine {
                    minor: d.minor,
                    count: n,
                });
                left -= n * d.minor;
            }
        }
        if left != 0 {
            return Err(TillError::invalid(
                "float",
                format!("{amount} cannot be made of {currency}'s notes and coins"),
            ));
        }
        Ok(CashCount::from_lines(currency, lines)?)
    }

    /// A cash count from the screen's rows (denomination in minor units, how many).
    pub fn count_from_lines(&self, lines: &[CountLine]) -> Result<CashCount> {
        Ok(CashCount::from_lines(
            self.shop()?.currency,
            lines.iter().copied(),
        )?)
    }

    /// Opens a shift with its float counted; anyone who sells may. Journaled.
    pub fn open_shift(&mut self, float: &CashCount) -> Result<ShiftView> {
        let when = self.authorize(Permission::Sell)?;
        let shop = self.shop()?.clone();
        shifts::open(&mut self.conn, &shop, float, &when)
    }

    /// Cash paid into the drawer (change brought from the bank…), with a reason: a manager's.
    pub fn pay_in(&mut self, amount: &str, reason: &str) -> Result<ShiftView> {
        self.movement(MovementKind::PaidIn, amount, Some(reason))
    }

    /// Cash paid out of the drawer (the window cleaner…), with a reason: a manager's. Never more
    /// than the drawer should hold.
    pub fn pay_out(&mut self, amount: &str, reason: &str) -> Result<ShiftView> {
        self.movement(MovementKind::PaidOut, amount, Some(reason))
    }

    /// Cash taken from the drawer to the safe: anyone who sells may.
    pub fn drop_to_safe(&mut self, amount: &str) -> Result<ShiftView> {
        self.movement(MovementKind::Drop, amount, None)
    }

    fn movement(
        &mut self,
        kind: MovementKind,
        amount: &str,
        reason: Option<&str>,
    ) -> Result<ShiftView> {
        let shop = self.shop()?.clone();
        let amount = Money::parse(amount.trim(), shop.currency)
            .map_err(|e| TillError::invalid("amount", e.to_string()))?;
        let when = match kind {
            MovementKind::Drop => self.authorize(Permission::Sell)?,
            _ => self.authorize(Permission::ManageCash)?,
        };
        shifts::add_movement(&mut self.conn, &shop, kind, amount, reason, &when)
    }

    /// The cash the drawer should hold, for the close screen: None while the shop counts blind
    /// (the default; the count comes first), else the figure, to anyone who sells.
    pub fn expected_for_close(&self) -> Result<Option<i64>> {
        self.check(Permission::Sell)?;
        let shop = self.shop()?;
        if shop.blind_count {
            return Ok(None);
        }
        let id =
            shifts::open_id(&self.conn, shop.till_id.as_str())?.ok_or(TillError::NoShiftOpen)?;
        Ok(Some(shifts::expected_cash(&self.conn, shop, id)?.minor()))
    }

    /// The X report: the figures of everything in no Z yet, with the open shift's cash
    /// (expected, paid in and out, drops) — resets nothing. A manager's (it shows the cash the
    /// drawer should hold, which a blind count keeps from the cashier).
    pub fn x_report(&self) -> Result<ShiftTotals> {
        self.check(Permission::ReadReports)?;
        let shop = self.shop()?;
        let id = shifts::open_id(&self.conn, shop.till_id.as_str())?;
        shifts::totals(&self.conn, shop, id)
    }

    /// Closes the open shift with the drawer counted (blind: the expected figure is not asked
    /// for first) and the float left for the next shift; makes and returns the Z. Anyone who
    /// sells may close; an over or short beyond the shop's first tolerance needs a note, beyond
    /// the second a manager (their permission, or their PIN's approval of `manage_cash`).
    pub fn close_shift(
        &mut self,
        count: &CashCount,
        float_left: &str,
        note: Option<&str>,
    ) -> Result<ZReport> {
        let shop = self.shop()?.clone();
        let float_left = if float_left.trim().is_empty() {
            Money::zero(shop.currency)
        } else {
            Money::parse(float_left.trim(), shop.currency)
                .map_err(|e| TillError::invalid("float left", e.to_string()))?
        };
        let mut when = self.authorize(Permission::Sell)?;
        let manager = !self.has_staff()? || self.check(Permission::ManageCash).is_ok();
        let approved = self
            .approval
            .as_ref()
            .is_some_and(|(p, _)| *p == Permission::ManageCash);
        let rules = close_rules(&shop)?;
        let z_shop = shop.clone();
        // Laid out for the till's printer (80 mm when none): kept as it prints.
        let columns = shop
            .printer
            .as_ref()
            .map_or(Z_COLUMNS, |p| usize::from(p.columns));
        let print = move |z: &ZReport| z_document(&z_shop, z).plain_text(columns);
        if approved && !manager {
            when.approved_by = self.approval.as_ref().map(|(_, a)| a.clone());
        }
        let result = shifts::close(
            &mut self.conn,
            &shop,
            &Close {
                count,
                float_left,
                note,
                manager_approved: manager || approved,
            },
            &rules,
            &print,
            &when,
        );
        match result {
            Err(TillError::Shift(ShiftError::ApprovalRequired { .. })) => {
                let role = self.current_actor()?.role;
                Err(TillError::NotPermitted {
                    permission: Permission::ManageCash,
                    role,
                })
            }
            Ok(z) => {
                if approved && !manager {
                    self.approval = None;
                }
                Ok(z)
            }
            Err(e) => Err(e),
        }
    }

    /// A Z report to print on the till's printer, its lines exactly as stored at the close: the
    /// newest Z (just closed) by anyone who sells, an older one by whoever may read reports.
    pub fn z_printout(&self, number: Option<i64>) -> Result<crate::printing::Printout> {
        self.check(Permission::Sell)?;
        let till = self.shop()?.till_id.as_str().to_string();
        let newest = shifts::last_z(&self.conn, &till)?.ok_or(TillError::UnknownZ(0))?;
        let number = number.unwrap_or(newest);
        if number == newest {
            self.check(Permission::Sell)?;
        } else {
            self.check(Permission::ReadReports)?;
        }
        let z = shifts::z_report(&self.conn, &till, number)?;
        let setup = self.shop()?.printer.clone().ok_or(TillError::NoPrinter)?;
        let settings = crate::printing::settings(&setup)?;
        Ok(crate::printing::Printout {
            lines: z
                .printed
                .iter()
                .map(|l| versapos_core::receipt::Line::Text {
                    text: l.clone(),
                    style: Style::PLAIN,
                })
                .collect(),
            settings,
            drawer: None,
            receipt: Some(format!("Z {number}")),
        })
    }

    /// A Z report as it was printed at its close.
    pub fn z_report(&self, number: Option<i64>) -> Result<ZReport> {
        self.check(Permission::ReadReports)?;
        let till = self.shop()?.till_id.as_str();
        let number = match number {
            Some(n) => n,
            None => shifts::last_z(&self.conn, till)?.ok_or(TillError::UnknownZ(0))?,
        };
        shifts::z_report(&self.conn, till, number)
    }

    /// Shifts at this till, newest first.
    pub fn shifts(&self, limit: i64, offset: i64) -> Result<Vec<ShiftSummary>> {
        self.check(Permission::ReadReports)?;
        shifts::list(
            &self.conn,
            self.shop()?.till_id.as_str(),
            limit.clamp(1, 500),
            offset.max(0),
        )
    }

    /// A shift by id, with its cash movements.
    pub fn shift_detail(&self, id: i64) -> Result<ShiftView> {
        self.check(Permission::ReadReports)?;
        shifts::view(&self.conn, id)
    }
}

/// The Z report as it prints: the shop, the Z's number and period, sales, refunds, voids, VAT per
/// rate, tenders, points, drawer openings, cash movements, the count against the expected cash,
/// the grand total and the journal position.
pub fn z_document(shop: &crate::Shop, z: &ZReport) -> Document {
    let cur = shop.currency.code();
    let m = |minor: i64| amt(minor, cur);
    // Money taken off: "-2.10", and a plain "0.00" when there was none.
    let less = |minor: i64| {
        if minor == 0 {
            m(0)
        } else {
            format!("-{}", m(minor))
        }
    };
    let t = &z.totals;
    let mut d = Document::new();
    d.text(&shop.name, Align::Center, Style::LARGE)
        .text(
            format!("Z REPORT {}", z.z_number),
            Align::Center,
            Style::LARGE,
        )
        .centred(format!("Till {}", z.till_id))
        .pair("Opened", crate::receipt::when_in(shop, &z.opened_at))
        .pair("Closed", crate::receipt::when_in(shop, &z.closed_at));
    if let Some(by) = &z.closed_by {
        d.pair("Closed by", by);
    }
    d.rule()
        .pair("Sales", t.sales.to_string())
        .pair("Gross", m(t.gross))
        .pair("Discounts", m(t.discounts))
        .pair(
            format!("Refunds ({})", t.refunds.count),
            less(t.refunds.value),
        )
        .pair_styled("NET", m(t.net), Style::BOLD)
        .pair(format!("Voids ({})", t.voids.count), m(t.voids.value))
        .pair("Average sale", m(t.average_sale))
        .rule()
        .text("VAT", Align::Left, Style::BOLD);
    for r in &t.tax {
        d.pair(
            format!(
                "{} {}",
                r.name,
                versapos_core::tax::format_percent(r.basis_points)
            ),
            m(r.gross),
        )
        .text(
            format!("  net {}  VAT {}", m(r.net), m(r.tax)),
            Align::Left,
            Style::PLAIN,
        );
    }
    d.pair("VAT on refunds", less(t.refund_tax));
    d.rule().text("Tenders", Align::Left, Style::BOLD).pair(
        format!("Cash ({})", t.tenders.cash.count),
        m(t.tenders.cash.value),
    );
    for c in &t.tenders.cards {
        d.pair(format!("Card {} ({})", c.brand, c.count), m(c.value));
    }
    d.pair(
        format!("Points ({})", t.tenders.points.count),
        m(t.tenders.points.value),
    )
    .pair("Cash rounding", m(t.cash_rounding))
    .pair("Points earned", t.points_earned.to_string())
    .pair("Points redeemed", t.points_redeemed.to_string())
    .rule()
    .text("Cash drawer", Align::Left, Style::BOLD)
    .pair("Drawer openings", t.drawer_openings.to_string())
    .pair("No sales", t.no_sales.to_string())
    .pair(format!("Paid in ({})", t.paid_in.count), m(t.paid_in.value))
    .pair(
        format!("Paid out ({})", t.paid_out.count),
        m(t.paid_out.value),
    )
    .pair(format!("Safe drops ({})", t.drops.count), m(t.drops.value))
    .pair("Expected", m(z.expected))
    .pair("Counted", m(z.counted))
    .pair_styled(
        if z.variance > 0 {
            "OVER"
        } else if z.variance < 0 {
            "SHORT"
        } else {
            "EXACT"
        },
        m(z.variance.abs()),
        Style::BOLD,
    );
    if let Some(note) = &z.note {
        d.text(format!("Note: {note}"), Align::Left, Style::PLAIN);
    }
    if let Some(by) = &z.approved_by {
        d.pair("Approved by", by);
    }
    d.pair("Float left", m(z.float_left))
        .pair("Banked", m(z.banked))
        .rule()
        .pair("Grand total", m(t.grand_total))
        .pair("Journal position", t.journal_position.to_string())
        .feed(1)
        .centred(format!("End of Z {}", z.z_number));
    d
}
