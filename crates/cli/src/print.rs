//! What the CLI prints: plain text for people, JSON for scripts (`--json`).

use serde::Serialize;
use std::path::Path;
use versapos_core::sales_summary::TERMS;
use versapos_core::tax::format_percent;
use versapos_core::{CardUid, GatewayMode};
use versapos_till::rate_label;
use versapos_till::JournalReport;
use versapos_till::PointsEntry;
use versapos_till::StaffMember;
use versapos_till::{
    BlockedCard, CardLookup, Customer, ImportSummary, OrderSummary, OrderView, ParkedCart, Product,
    RefundView, Shop,
};
use versapos_till::{Report, ReportRows};

/// Writes one line to stdout; a closed pipe (`versapos … | head`) ends the program quietly.
macro_rules! outln {
    () => { $crate::print::emit(String::new()) };
    ($($t:tt)*) => { $crate::print::emit(format!($($t)*)) };
}

/// Writes a line on stdout; what it quotes from the store (a name written before names were
/// checked) never drives the terminal ([`versapos_core::text::for_terminal`]).
pub fn emit(line: String) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{}", versapos_core::text::for_terminal(&line)) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("versapos: cannot write output: {e}");
        std::process::exit(1);
    }
}

pub struct Out {
    pub json: bool,
    /// The shop's locale, once a shop is open: times in text output are written its way.
    pub locale: Option<String>,
}

/// Formats minor units of a currency given by code: "12.99".
use versapos_till::amt;

fn json<T: Serialize>(v: &T) {
    match serde_json::to_string_pretty(v) {
        Ok(s) => outln!("{s}"),
        Err(e) => eprintln!("versapos: cannot write JSON: {e}"),
    }
}

impl Out {
    /// A stored time as people read it in the shop's locale ("Fri 14 Mar 2025 10:15"); JSON
    /// keeps the stored form.
    fn when(&self, at: &str) -> String {
        versapos_core::text::time_in(at, self.locale.as_deref())
    }

    pub fn message(&self, text: &str, value: serde_json::Value) {
        if self.json {
            json(&value);
        } else {
            outln!("{text}");
        }
    }

    pub fn shop(&self, s: &Shop, path: &Path) {
        if self.json {
            json(s);
            return;
        }
        let c = s.currency;
        outln!("{}{}", s.name, if s.demo { "  [DEMO]" } else { "" });
        outln!("  store            {}", path.display());
        outln!("  till             {}", s.till_id);
        outln!("  currency         {} ({} decimals)", c, c.exponent());
        outln!("  prices           tax {}", s.tax_mode.as_str());
        let rates: Vec<String> = s
            .tax_rates
            .iter()
            .map(|r| {
                let d = if r.name == s.default_tax_rate {
                    " (default)"
                } else {
                    ""
                };
                format!("{} {}{d}", r.name, r.percent_label())
            })
            .collect();
        outln!("  tax rates        {}", rates.join(", "));
        outln!("  cash rounding    {}", s.cash_rounding.label(c));
        outln!(
            "  loyalty          earn {} point(s) per 1.00 paid; {} points = 1.00",
            s.loyalty.earn_per_major,
            s.loyalty.redeem_per_major
        );
        outln!("  low stock level  {}", s.low_stock_level);
        outln!(
            "  updates          install {}; from {}",
            s.update_install.as_str(),
            s.update_url
                .as_deref()
                .unwrap_or("the app's built-in address")
        );
        let r = &s.receipt;
        let one_line = |v: &Option<String>| v.as_deref().unwrap_or("-").replace('\n', " / ");
        outln!("  receipt address  {}", one_line(&r.address));
        outln!("  receipt phone    {}", one_line(&r.phone));
        outln!("  tax number       {}", one_line(&r.tax_number));
        outln!("  receipt footer   {}", one_line(&r.footer));
        outln!("  auto-print       {}", r.auto_print.as_str());
        match &s.printer {
            Some(p) => outln!(
                "  printer          {} ({}, code page {}, drawer pin {})",
                p.address,
                p.paper,
                p.code_page,
                p.drawer_pin
            ),
            None => outln!("  printer          none (receipts through the print dialog)"),
        }
    }

    pub fn demo(&self, s: &Shop, summary: &ImportSummary, path: &Path) {
        if self.json {
            json(&serde_json::json!({ "shop": s, "products": summary.added, "db": path }));
            return;
        }
        self.shop(s, path);
        outln!("DEMO shop ready with {} products.", summary.added);
        outln!("Demo staff (name, role, PIN); commands act as one of them, e.g.");
        outln!("VERSAPOS_STAFF=Avery VERSAPOS_PIN=1000 versapos report --from today --to today");
        for (name, role, pin) in versapos_till::DEMO_STAFF {
            outln!("  {name:<8} {:<8} {pin}", role.as_str());
        }
    }

    pub fn products(&self, list: &[Product], total: Option<i64>) {
        if self.json {
            json(&serde_json::json!({ "total": total, "products": list }));
            return;
        }
        if list.is_empty() {
            outln!("no products");
        }
        for p in list {
            outln!(
                "{:<14} {:>10} {:<4}  stock {:>5}  {:<16} {}",
                p.sku,
                p.price.to_major_string(),
                p.currency,
                p.stock,
                rate_label(p),
                p.name
            );
        }
        if let Some(t) = total {
            outln!("({} shown of {t})", list.len());
        }
    }

    pub fn product(&self, p: &Product) {
        if self.json {
            json(p);
            return;
        }
        outln!("{}  {}", p.sku, p.name);
        outln!("  price     {} {}", p.price.to_major_string(), p.currency);
        outln!("  barcode   {}", p.barcode.as_deref().unwrap_or("-"));
        outln!("  tax       {}", rate_label(p));
        outln!("  stock     {}", p.stock);
        outln!("  category  {}", p.category.as_deref().unwrap_or("-"));
    }

    pub fn imported(&self, file: &str, s: &ImportSummary) {
        if self.json {
            json(&serde_json::json!({ "file": file, "added": s.added, "updated": s.updated }));
        } else {
            outln!("{file}: {} added, {} updated", s.added, s.updated);
        }
    }

    /// The receipt.
    pub fn order(&self, o: &OrderView) {
        if self.json {
            json(o);
            return;
        }
        let c = o.currency.as_str();
        if o.demo {
            outln!("*** DEMO — not a real sale ***");
        }
        outln!(
            "{} {}   {}   {}",
            if o.number.is_some() {
                "Receipt"
            } else {
                "Not paid:"
            },
            o.receipt,
            self.when(&o.created_at),
            o.status.as_str().to_uppercase()
        );
        if o.status.is_unpaid() {
            outln!("*** NOT PAID ({}) ***", o.status.as_str().replace('_', " "));
        }
        if let Some(d) = &o.dispute {
            let what = match d.status.as_str() {
                "open" => "open, no money moved yet",
                "won" => "won",
                "lost" => "lost, Stripe took the money back",
                other => other,
            };
            outln!(
                "*** DISPUTED by the card holder ({}): {what} ***",
                d.reason.as_deref().unwrap_or("no reason given")
            );
        }
        if let Some(staff) = &o.staff {
            outln!("Served by {staff}");
        }
        if let Some(by) = &o.voided_by {
            outln!("Voided by {by}");
        }
        outln!("{}", "-".repeat(60));
        for l in &o.lines {
            outln!(
                "{:>4} x {:<34} {:>12}",
                l.quantity,
                truncate(&l.name, 34),
                amt(l.unit_price * l.quantity, c)
            );
            if l.line_discount != 0 {
                outln!(
                    "       discount {:<25} {:>12}",
                    l.discount.as_deref().unwrap_or(""),
                    amt(-l.line_discount, c)
                );
            }
            if l.refunded_quantity > 0 {
                outln!(
                    "       refunded {} ({})",
                    l.refunded_quantity,
                    amt(l.refunded_amount, c)
                );
            }
        }
        outln!("{}", "-".repeat(60));
        outln!("{:<47} {:>12}", "Subtotal", amt(o.subtotal, c));
        if o.discount_total != 0 {
            let label = match &o.order_discount {
                Some(d) => format!("Discounts (order {d})"),
                None => "Discounts".to_string(),
            };
            outln!("{:<47} {:>12}", label, amt(-o.discount_total, c));
        }
        if o.tax_mode == "exclusive" {
            outln!("{:<47} {:>12}", "Tax", amt(o.tax, c));
        }
        outln!("{:<47} {:>12}", format!("TOTAL {c}"), amt(o.total, c));
        for p in &o.payments {
            let label = match p.tender.as_str() {
                "points" => format!("Paid with {} points", p.points),
                "card" => {
                    let card = match (&p.card_brand, &p.card_last4) {
                        (Some(b), Some(l)) => format!(" {b} •••• {l}"),
                        (None, Some(l)) => format!(" •••• {l}"),
                        _ => String::new(),
                    };
                    let mark = match p.mode {
                        Some(GatewayMode::Demo) => " (DEMO)",
                        Some(GatewayMode::Test) => " (TEST)",
                        Some(GatewayMode::Live) | None => "",
                    };
                    let state = if p.status == "succeeded" {
                        String::new()
                    } else {
                        format!(" [{}]", p.status)
                    };
                    format!("Paid card{card}{mark}{state}")
                }
                t => format!("Paid {t}"),
            };
            outln!(
                "{:<47} {:>12}",
                label,
                amt(p.tendered.unwrap_or(p.amount), c)
            );
        }
        if o.cash_rounding != 0 {
            outln!("{:<47} {:>12}", "Cash rounding", amt(o.cash_rounding, c));
        }
        if o.change != 0 {
            outln!("{:<47} {:>12}", "Change", amt(o.change, c));
        }
        outln!(
            "Tax breakdown ({}, {}):",
            if o.tax_mode == "inclusive" {
                "included"
            } else {
                "added"
            },
            o.rounding_rule
        );
        for b in &o.tax_breakdown {
            outln!(
                "  {:<12} {:>6}  net {:>10}  tax {:>10}  gross {:>10}",
                b.name,
                format_percent(b.basis_points),
                amt(b.net, c),
                amt(b.tax, c),
                amt(b.gross, c)
            );
        }
        if let Some(cust) = o.customer_id {
            outln!(
                "VIP customer {cust}: {} points earned, {} redeemed{}",
                o.points_earned,
                o.points_redeemed,
                if o.points_reversed > 0 {
                    format!(", {} reversed", o.points_reversed)
                } else {
                    String::new()
                }
            );
        }
        for r in &o.refunds {
            let how = match (&r.at_stripe, r.restock) {
                (Some(id), _) => format!("refunded outside the till, at Stripe: {id}"),
                (None, true) => "restocked".to_string(),
                (None, false) => "not restocked".to_string(),
            };
            outln!(
                "Refund {} {}: {} ({how})",
                self.when(&r.created_at),
                r.kind,
                amt(r.amount, c)
            );
        }
        outln!("order id {}", o.id);
    }

    pub fn orders(&self, list: &[OrderSummary]) {
        if self.json {
            json(&serde_json::json!({ "orders": list }));
            return;
        }
        if list.is_empty() {
            outln!("no orders");
        }
        for o in list {
            outln!(
                "{:<16} {:<26} {:<19} {:>12} {}{}",
                o.receipt,
                self.when(&o.created_at),
                o.status,
                amt(o.total, &o.currency),
                o.currency,
                if o.refunded_total != 0 {
                    format!("  refunded {}", amt(o.refunded_total, &o.currency))
                } else {
                    String::new()
                }
            );
        }
    }

    pub fn parked_one(&self, id: i64, all: &[ParkedCart]) {
        if self.json {
            json(&serde_json::json!({ "parked": id }));
        } else {
            outln!("cart parked as {id} ({} parked in all); resume with: versapos resume {id} --pay cash", all.len());
        }
    }

    pub fn parked(&self, list: &[ParkedCart], shop: &Shop) {
        if self.json {
            json(&serde_json::json!({ "parked": list }));
            return;
        }
        if list.is_empty() {
            outln!("no parked carts");
        }
        for p in list {
            let total = amt(p.total, &p.currency);
            outln!(
                "{:>4}  {}  {} line(s)  {} {}  {}",
                p.id,
                p.parked_at,
                p.lines,
                total,
                shop.currency,
                p.note.as_deref().unwrap_or("")
            );
        }
    }

    pub fn refund(&self, r: &RefundView) {
        if self.json {
            json(r);
            return;
        }
        let c = r.currency.as_str();
        outln!(
            "Refund on {}: {} {c} (tax {}), order now {}",
            r.receipt,
            amt(r.amount, c),
            amt(r.tax, c),
            r.order_status
        );
        for l in &r.lines {
            outln!("  {} x {:<20} {:>12}", l.quantity, l.sku, amt(l.amount, c));
        }
        for t in &r.tenders {
            match t.tender.as_str() {
                "points" => outln!("  back to points: {} points", t.points),
                other => outln!("  give back {other}: {}", amt(t.paid_out, c)),
            }
        }
        if r.cash_rounding != 0 {
            outln!("  cash rounding {}", amt(r.cash_rounding, c));
        }
        if r.points_reversed > 0 {
            outln!("  {} earned points taken back", r.points_reversed);
        }
        if r.points_shortfall > 0 {
            outln!(
                "  {} points had already been spent and could not be taken back",
                r.points_shortfall
            );
        }
        if r.restock {
            outln!("  goods back in stock");
        }
    }

    pub fn customer(&self, c: &Customer, ledger: Option<&[PointsEntry]>) {
        if self.json {
            json(&serde_json::json!({ "customer": c, "points": ledger }));
            return;
        }
        outln!("{}  {}", c.id, c.name);
        outln!("  email   {}", c.email.as_deref().unwrap_or("-"));
        outln!("  phone   {}", c.phone.as_deref().unwrap_or("-"));
        outln!("  card    {}", c.card_uid.as_deref().unwrap_or("-"));
        outln!("  points  {}", c.points_balance);
        if let Some(l) = ledger {
            for e in l {
                outln!(
                    "    {}  {:<14} {:>+8}  balance {:>8}  {:<16}{}",
                    self.when(&e.at),
                    e.kind,
                    e.points,
                    e.balance_after,
                    e.receipt.as_deref().unwrap_or("-"),
                    e.note
                        .as_deref()
                        .map(|n| format!("  ({n})"))
                        .unwrap_or_default()
                );
            }
        }
    }

    /// What a card is: the VIP it belongs to, or blocked, or unknown.
    pub fn card_lookup(&self, uid: &CardUid, found: &CardLookup) {
        if self.json {
            json(&serde_json::json!({ "uid": uid, "card": found }));
            return;
        }
        match found {
            CardLookup::Vip(c) => self.customer(c, None),
            CardLookup::Blocked { blocked_at, reason } => outln!(
                "{uid}  blocked since {blocked_at}{}: it identifies nobody",
                reason
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            ),
            CardLookup::Unknown => outln!("{uid}  unknown: no customer has this card"),
        }
    }

    pub fn blocked_card(&self, b: &BlockedCard) {
        if self.json {
            json(&serde_json::json!({ "blocked": b }));
            return;
        }
        outln!("{}  blocked {}", b.uid, b.blocked_at);
        outln!(
            "  customer  {}",
            b.customer_id
                .map(|c| c.0.to_string())
                .unwrap_or_else(|| "-".into())
        );
        outln!("  by        {}", b.blocked_by.as_deref().unwrap_or("-"));
        outln!("  reason    {}", b.reason.as_deref().unwrap_or("-"));
    }

    pub fn customers(&self, list: &[Customer]) {
        if self.json {
            json(&serde_json::json!({ "customers": list }));
            return;
        }
        if list.is_empty() {
            outln!("no customers");
        }
        for c in list {
            outln!(
                "{:>6}  {:<30} {:<30} {:>8} pts",
                c.id,
                c.name,
                c.email.as_deref().unwrap_or(""),
                c.points_balance
            );
        }
    }

    pub fn status(&self, path: &Path, shop: Option<&str>, has_staff: bool) {
        if self.json {
            json(&serde_json::json!({
                "db": path, "set_up": shop.is_some(), "shop": shop, "has_staff": has_staff,
            }));
            return;
        }
        outln!("store  {}", path.display());
        match shop {
            Some(name) => outln!("shop   {name}"),
            None => outln!("shop   none yet: `versapos init` or `versapos demo`"),
        }
        outln!(
            "staff  {}",
            if has_staff {
                "yes: commands need VERSAPOS_STAFF and VERSAPOS_PIN (or a terminal to ask)"
            } else {
                "none yet: `versapos staff add --name NAME --role admin` adds the first admin"
            }
        );
    }

    /// The till's Stripe key as far as it may be shown.
    pub fn readers(
        &self,
        readers: &[versapos_payments::Reader],
        chosen: Option<&str>,
        mode: versapos_payments::GatewayMode,
    ) {
        if self.json {
            let list: Vec<serde_json::Value> = readers
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id, "label": r.label, "device_type": r.device_type,
                        "serial_number": r.serial_number, "location": r.location,
                        "state": r.state(), "simulated": r.is_simulated(),
                        "chosen": Some(r.id.as_str()) == chosen,
                    })
                })
                .collect();
            json(&serde_json::json!({ "mode": mode.as_str(), "readers": list }));
            return;
        }
        if mode == versapos_payments::GatewayMode::Demo {
            outln!("DEMO mode (no Stripe key): the till's simulated reader");
        }
        if readers.is_empty() {
            outln!("no card readers: `versapos readers register` adds one");
        }
        for r in readers {
            outln!(
                "{} {:<28} {:<20} {:<22} {}",
                if Some(r.id.as_str()) == chosen {
                    "*"
                } else {
                    " "
                },
                r.id,
                r.label.as_deref().unwrap_or("-"),
                r.device_type,
                r.state()
            );
        }
    }

    pub fn locations(&self, locations: &[versapos_payments::Location]) {
        if self.json {
            json(&serde_json::json!({ "locations": locations }));
            return;
        }
        if locations.is_empty() {
            outln!(
                "no Terminal locations: create one in the Stripe Dashboard (Terminal → Locations)"
            );
        }
        for l in locations {
            outln!("{:<28} {}", l.id, l.display_name);
        }
    }

    pub fn reconcile(&self, r: &versapos_payments::reconcile::ReconcileReport) {
        if self.json {
            json(r);
            return;
        }
        if r.settled.is_empty() {
            outln!("no card payments in doubt");
        }
        for l in &r.settled {
            outln!("{:<14} {:<9} {}", l.receipt, l.outcome.as_str(), l.detail);
        }
    }

    pub fn key(&self, described: Option<&str>, source: &str, env_overrides: bool) {
        if self.json {
            json(&serde_json::json!({ "key": described, "source": source }));
            return;
        }
        match described {
            Some(d) => outln!("Stripe key: {d} (from the {source})"),
            None if source == "removed" => outln!("Stripe key removed from the keychain"),
            None => outln!("no Stripe key: `versapos keys set` puts one in the OS keychain"),
        }
        if env_overrides {
            outln!("note: VERSAPOS_STRIPE_KEY is set and is used instead of the keychain's key");
        }
    }

    pub fn staff(&self, list: &[StaffMember]) {
        if self.json {
            json(&serde_json::json!({ "staff": list }));
            return;
        }
        for m in list {
            outln!(
                "{:>4}  {:<24} {:<8} {}{}",
                m.id,
                m.name,
                m.role,
                if m.active { "active" } else { "disabled" },
                m.locked_until
                    .as_deref()
                    .map(|u| format!(", locked until {u}"))
                    .unwrap_or_default()
            );
        }
    }

    pub fn staff_member(&self, m: &StaffMember) {
        if self.json {
            json(&serde_json::json!({ "staff_member": m }));
            return;
        }
        self.staff(std::slice::from_ref(m));
    }

    pub fn report(&self, r: &Report) {
        if self.json {
            json(r);
            return;
        }
        let c = r.currency.as_str();
        outln!("{} — sales {} to {} ({})", r.shop, r.from, r.to, c);
        let t = &r.totals;
        outln!("orders {}  items {}", t.orders, t.items);
        // The summary in order, each figure with what it means.
        for ((_, value), (_, words, meaning)) in t.sales.figures().iter().zip(TERMS) {
            outln!("  {words:<16} {:>12}   {meaning}", amt(*value, c));
        }
        match &r.rows {
            ReportRows::Period(rows) => {
                outln!(
                    "{:<12} {:>7} {:>7} {:>12} {:>12} {:>12} {:>12} {:>12} {:>15}",
                    "period",
                    "orders",
                    "items",
                    "gross sales",
                    "discounts",
                    "refunds",
                    "net sales",
                    "tax",
                    "total collected"
                );
                for x in rows {
                    let f = x.sales.figures().map(|(_, v)| amt(v, c));
                    outln!(
                        "{:<12} {:>7} {:>7} {:>12} {:>12} {:>12} {:>12} {:>12} {:>15}",
                        x.period,
                        x.orders,
                        x.items,
                        f[0],
                        f[1],
                        f[2],
                        f[3],
                        f[4],
                        f[5]
                    );
                }
            }
            ReportRows::Product(rows) => {
                outln!(
                    "{:<14} {:<32} {:>7} {:>12} {:>12} {:>12}",
                    "sku",
                    "name",
                    "qty",
                    "gross",
                    "refunds",
                    "net"
                );
                for x in rows {
                    outln!(
                        "{:<14} {:<32} {:>7} {:>12} {:>12} {:>12}",
                        x.sku,
                        truncate(&x.name, 32),
                        x.quantity - x.refunded_quantity,
                        amt(x.gross, c),
                        amt(x.refunds, c),
                        amt(x.net, c)
                    );
                }
            }
            ReportRows::Staff(rows) => {
                outln!(
                    "{:<24} {:>7} {:>12} {:>12} {:>12}",
                    "staff",
                    "orders",
                    "gross",
                    "refunds",
                    "net"
                );
                for x in rows {
                    outln!(
                        "{:<24} {:>7} {:>12} {:>12} {:>12}",
                        truncate(&x.staff, 24),
                        x.orders,
                        amt(x.gross, c),
                        amt(x.refunds, c),
                        amt(x.net, c)
                    );
                }
            }
            ReportRows::Tender(rows) => {
                outln!(
                    "{:<8} {:>9} {:>12} {:>12} {:>12}",
                    "tender",
                    "payments",
                    "taken",
                    "refunded",
                    "net"
                );
                for x in rows {
                    outln!(
                        "{:<8} {:>9} {:>12} {:>12} {:>12}",
                        x.tender,
                        x.payments,
                        amt(x.amount, c),
                        amt(x.refunds, c),
                        amt(x.net, c)
                    );
                }
            }
        }
    }

    pub fn journal(&self, r: &JournalReport) {
        if self.json {
            let signed: Vec<serde_json::Value> = r
                .signed
                .iter()
                .map(|h| serde_json::json!({ "till_id": h.till_id, "seq": h.seq, "key": h.key_fingerprint() }))
                .collect();
            let relay = r.relay.as_ref().map(
                |h| serde_json::json!({ "till_id": h.till_id, "seq": h.seq, "key": h.key_fingerprint() }),
            );
            json(
                &serde_json::json!({ "ok": r.ok(), "entries": r.entries, "tills": r.tills,
                                     "problems": r.problems, "signed": signed, "relay": relay }),
            );
            return;
        }
        if r.ok() {
            let signed: Vec<String> = r
                .signed
                .iter()
                .map(|h| format!("{} at entry {}", h.till_id, h.seq))
                .collect();
            outln!(
                "journal ok: {} entries on {} till(s), chain intact{}",
                r.entries,
                r.tills.len(),
                if signed.is_empty() {
                    String::new()
                } else {
                    format!(", heads signed ({})", signed.join(", "))
                }
            );
            if let Some(h) = &r.relay {
                outln!(
                    "matches the relay's copy of the signed head ({} at entry {})",
                    h.till_id,
                    h.seq
                );
            }
        } else {
            outln!("journal FAILED: {} problem(s)", r.problems.len());
            for p in &r.problems {
                match p.seq {
                    Some(s) => outln!("  till {} entry {s}: {}", p.till_id, p.problem),
                    None => outln!("  till {}: {}", p.till_id, p.problem),
                }
            }
        }
    }
}

/// Writes a report as CSV on stdout (the same file the desktop app saves).
pub fn report_csv(r: &Report) -> std::io::Result<()> {
    versapos_till::write_csv(r, std::io::stdout().lock()).map(|_| ())
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}
