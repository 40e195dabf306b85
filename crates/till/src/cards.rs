//! Card payments at the till: the card flow, reconciliation, card refunds and the relay's Stripe
//! events (`versapos-payments`), working on the till's records through [`CardBook`], which the
//! till implements here. The doors call these with their till behind a lock ([`TillAccess`]):
//! the lock is taken for each short step only, never while the reader or Stripe is waited on.
//! What the flow books (a paid sale's receipt, a refund) is kept as it was written and handed
//! back, not read again.

use crate::{Fields, OrderView, RefundInput, RefundView, Till, TillError};
use serde::Serialize;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use ts_rs::TS;
use versapos_core::{
    CardCharge, CardPaymentRef, PendingCard, PendingRefund, RefundRequest, SyncState,
};
use versapos_core::{Permission, SetupCheck};
use versapos_payments::book::{self, BookError, CardBook, DisputeNoted, FlowError, RefundAtStripe};
use versapos_payments::doctor::SetupReport;
use versapos_payments::flow::{CardEnd, CardProgress, Terminal};
use versapos_payments::reconcile::{ReconcileLine, ReconcileReport, SettledAs};
use versapos_payments::sync::{Applied, PullReport, Relay, Settlement, SyncError};
use versapos_payments::Gateway;
use versapos_payments::{GatewayMode, Location, Reader, TestCard};
use versapos_secrets::Keychain;

/// Where a door keeps its till: the card flow locks it for each short step.
pub trait TillAccess: Sync {
    fn with_till(&self, f: &mut dyn FnMut(&mut Till)) -> Result<(), FlowError>;
}

impl TillAccess for Mutex<Till> {
    fn with_till(&self, f: &mut dyn FnMut(&mut Till)) -> Result<(), FlowError> {
        let mut till = self
            .lock()
            .map_err(|_| FlowError::Unavailable("the till's store lock was poisoned".into()))?;
        f(&mut till);
        Ok(())
    }
}

/// How a card payment ended, for the screen.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum CardOutcome {
    /// Stripe took the card; the sale is booked.
    Paid { order: Box<OrderView> },
    /// The card (or the reader) said no. The cashier may retry on the same PaymentIntent or
    /// give the card up and take another tender.
    Declined {
        payment_id: String,
        message: String,
        code: Option<String>,
    },
    /// The cashier canceled, or the reader waited too long.
    Canceled { payment_id: String, message: String },
    /// Stripe could not be asked; the order waits as a payment in doubt.
    InDoubt { payment_id: String, message: String },
}

/// The till's own error inside a card flow's error, when the till's records are what failed;
/// the flow's error as it was otherwise.
pub fn till_error(e: FlowError) -> Result<TillError, FlowError> {
    match e {
        FlowError::Book(b) => b.downcast::<TillError>().map_err(FlowError::Book),
        other => Err(other),
    }
}

/// Writes a card sale before any network call ([`Till::begin_card_sale`]), on a till behind a
/// door's lock.
pub fn begin_card_sale(
    till: &dyn TillAccess,
    cart: &versapos_core::Cart,
    tenders: &[versapos_core::TenderRequest],
) -> Result<PendingCard, FlowError> {
    ask(till, |t| t.begin_card_sale(cart, tenders))
}

/// Takes the card for a written card sale ([`Till::begin_card_sale`]), start to end.
pub fn pay(
    terminal: &Terminal<'_>,
    till: &dyn TillAccess,
    pending: &PendingCard,
    parked: Option<i64>,
    cancel: &AtomicBool,
    report: &dyn Fn(CardProgress),
) -> Result<CardOutcome, FlowError> {
    let book = Book::new(till);
    let end = terminal.pay(&book, pending, parked, cancel, report)?;
    book.outcome(end)
}

/// Takes the card for a written card sale ([`Till::begin_card_sale`], or one taken up again
/// with [`Till::take_card_again`]) and settles who holds the payment by how it ended: paid,
/// nobody (the sale ended it); declined or canceled, this process, for the cashier to retry or
/// give the card up; in doubt (or an error of the flow), nobody, so that it settles itself from
/// Stripe.
pub fn take_card(
    terminal: &Terminal<'_>,
    till: &dyn TillAccess,
    pending: &PendingCard,
    parked: Option<i64>,
    cancel: &AtomicBool,
    report: &dyn Fn(CardProgress),
) -> Result<CardOutcome, FlowError> {
    let outcome = pay(terminal, till, pending, parked, cancel, report);
    let id = pending.payment_id.as_str();
    match &outcome {
        Ok(CardOutcome::Paid { .. }) => {}
        Ok(CardOutcome::Declined { .. } | CardOutcome::Canceled { .. }) => {
            ask(till, |t| t.hold_card(id))?
        }
        Ok(CardOutcome::InDoubt { .. }) | Err(_) => ask(till, |t| t.release_card(id))?,
    }
    outcome
}

/// Captures an authorised PaymentIntent (or takes one that already succeeded) and books the
/// sale.
pub fn settle_authorised(
    gateway: &dyn Gateway,
    till: &dyn TillAccess,
    pending: &PendingCard,
    intent: &versapos_payments::Intent,
    parked: Option<i64>,
) -> Result<CardOutcome, FlowError> {
    let book = Book::new(till);
    let end = versapos_payments::flow::settle_authorised(gateway, &book, pending, intent, parked)?;
    book.outcome(end)
}

/// Gives up the card on a sale (after a decline or a cancel), for someone who may sell: the
/// order becomes `payment_failed`, then Stripe's PaymentIntent is canceled. The order as it now
/// is.
pub fn abandon(
    gateway: &dyn Gateway,
    till: &dyn TillAccess,
    payment_id: &str,
) -> Result<OrderView, FlowError> {
    allowed(till, Permission::Sell)?;
    let book = Book::new(till);
    versapos_payments::flow::abandon(gateway, &book, payment_id)?;
    book.order()
}

/// Settles every card payment and card refund in doubt now, as someone who may sell asks it
/// (the Payments screen, `versapos reconcile`).
pub fn reconcile_now(
    gateway: &dyn Gateway,
    till: &dyn TillAccess,
) -> Result<ReconcileReport, FlowError> {
    allowed(till, Permission::Sell)?;
    settle_all(gateway, till, STRIPE_REFUNDS_FULL_LOOK)
}

/// How far back a start-up or `versapos reconcile` looks for refunds made at Stripe: the card
/// sales of the last 90 days.
const STRIPE_REFUNDS_FULL_LOOK: i64 = 90 * 24 * 3600;
/// How far back the every-minute round looks: the last day (a longer gap is the start-up's).
const STRIPE_REFUNDS_ROUND_LOOK: i64 = 24 * 3600;

/// Settles every card payment and card refund in doubt from Stripe's view (see
/// [`versapos_payments::reconcile::reconcile`]), and books the refunds made at Stripe in the last
/// day whose events never came: the till's own round (every minute), which needs nobody signed
/// in.
pub fn reconcile(
    gateway: &dyn Gateway,
    till: &dyn TillAccess,
) -> Result<ReconcileReport, FlowError> {
    settle_all(gateway, till, STRIPE_REFUNDS_ROUND_LOOK)
}

/// [`reconcile`] as a till starts: refunds made at Stripe are looked for over the card sales of
/// the last 90 days, so none is missed while the till was off.
pub fn reconcile_at_start(
    gateway: &dyn Gateway,
    till: &dyn TillAccess,
) -> Result<ReconcileReport, FlowError> {
    settle_all(gateway, till, STRIPE_REFUNDS_FULL_LOOK)
}

fn settle_all(
    gateway: &dyn Gateway,
    till: &dyn TillAccess,
    look_back: i64,
) -> Result<ReconcileReport, FlowError> {
    let book = Book::new(till);
    let mut report = versapos_payments::reconcile::reconcile(gateway, &book)?;
    let since = ask(till, |t| Ok(t.unix_now()))? - look_back;
    for line in versapos_payments::reconcile::refunds_at_stripe(gateway, &book, since)? {
        if line.outcome == SettledAs::InDoubt {
            report.remaining += 1;
        }
        report.settled.push(line);
    }
    Ok(report)
}

/// Settles every card refund still pending by asking Stripe again with the same keys.
pub fn reconcile_refunds(
    gateway: &dyn Gateway,
    till: &dyn TillAccess,
) -> Result<Vec<ReconcileLine>, FlowError> {
    versapos_payments::reconcile::reconcile_refunds(gateway, &Book::new(till))
}

/// Refunds (part of) an order: through Stripe for its card part, at the till for the rest.
pub fn refund_order(
    gateway: &dyn Gateway,
    till: &dyn TillAccess,
    reference: &str,
    request: &RefundRequest,
    restock: bool,
) -> Result<RefundView, FlowError> {
    let book = Book::new(till);
    versapos_payments::refunds::refund_order(gateway, &book, reference, request, restock)?;
    book.refund()
}

/// Refunds (part of) an order as the manager asked: through the gateway `connect` gives for its
/// card part, asked for only when there is one, so a cash refund needs no keychain and no
/// network.
pub fn refund_as_asked(
    connect: &dyn Fn() -> Result<Arc<dyn Gateway>, FlowError>,
    till: &dyn TillAccess,
    reference: &str,
    input: &RefundInput,
    fields: Fields,
) -> Result<RefundView, FlowError> {
    let (request, card) = ask(till, |t| {
        let request = t.refund_request(input, fields)?;
        let preview = t.refund_preview(reference, &request, input.restock)?;
        let card = preview
            .tenders
            .iter()
            .any(|p| p.intent_id.is_some() && p.paid_out > 0);
        Ok((request, card))
    })?;
    let gateway: Arc<dyn Gateway> = if card {
        connect()?
    } else {
        // Never asked: a refund with no card part goes through the till alone.
        Arc::new(versapos_payments::demo::DemoGateway::new())
    };
    refund_order(&*gateway, till, reference, &request, input.restock)
}

/// Applies one Stripe event from the relay (see [`versapos_payments::sync::apply`]).
pub fn apply_event(
    gateway: &dyn Gateway,
    till: &dyn TillAccess,
    event: &serde_json::Value,
) -> Result<Applied, FlowError> {
    versapos_payments::sync::apply(gateway, &Book::new(till), event)
}

/// Settles one card payment of this till from Stripe's current view of its PaymentIntent.
pub fn settle_payment(
    gateway: &dyn Gateway,
    till: &dyn TillAccess,
    payment_id: &str,
) -> Result<Settlement, FlowError> {
    versapos_payments::sync::settle_payment(gateway, &Book::new(till), payment_id)
}

/// Pulls one page of Stripe's events from the relay and applies them.
pub fn pull_once(
    relay: &Relay<'_>,
    gateway: &dyn Gateway,
    till: &dyn TillAccess,
    wait_secs: u64,
) -> Result<PullReport, SyncError> {
    versapos_payments::sync::pull_once(relay, gateway, &Book::new(till), wait_secs)
}

/// Pulls pages until the relay has nothing newer or an event is deferred.
pub fn pull_until_empty(
    relay: &Relay<'_>,
    gateway: &dyn Gateway,
    till: &dyn TillAccess,
    max_pages: usize,
) -> Result<PullReport, SyncError> {
    versapos_payments::sync::pull_until_empty(relay, gateway, &Book::new(till), max_pages)
}

/// One step of a till following the relay: a long poll, and the pause before the next (see
/// [`versapos_payments::sync::follow_step`]).
pub fn follow_step(
    relay: &Relay<'_>,
    gateway: &dyn Gateway,
    till: &dyn TillAccess,
    wait_secs: u64,
    backoff: &mut versapos_payments::sync::Backoff,
) -> (Result<PullReport, SyncError>, std::time::Duration) {
    let step =
        versapos_payments::sync::follow_step(relay, gateway, &Book::new(till), wait_secs, backoff);
    if step.0.is_ok() {
        // Best effort: the copy is sent again at the next step that is due.
        let _ = send_journal_head_when_due(relay, till);
    }
    step
}

/// How often a till following the relay sends it its signed journal head.
pub const JOURNAL_HEAD_EVERY: std::time::Duration = std::time::Duration::from_secs(5 * 60);

/// Sends this till's signed journal head to the relay when it has changed and the last one went
/// more than [`JOURNAL_HEAD_EVERY`] ago (per process): the relay's copy is what a rolled-back or
/// rewritten store is compared with (`journal verify --relay`).
pub fn send_journal_head_when_due(
    relay: &Relay<'_>,
    till: &dyn TillAccess,
) -> Result<bool, SyncError> {
    static LAST: Mutex<Option<(std::time::Instant, i64, String)>> = Mutex::new(None);
    let Some(head) = ask(till, |t| t.own_signed_head())? else {
        return Ok(false);
    };
    if let Ok(last) = LAST.lock() {
        if let Some((at, seq, key)) = &*last {
            let same = *seq == head.seq && *key == head.key_id;
            if same || at.elapsed() < JOURNAL_HEAD_EVERY {
                return Ok(false);
            }
        }
    }
    send_journal_head(relay, till)?;
    if let Ok(mut last) = LAST.lock() {
        *last = Some((std::time::Instant::now(), head.seq, head.key_id));
    }
    Ok(true)
}

/// Sends this till's signed journal head to the relay now (none before its first signed entry).
pub fn send_journal_head(relay: &Relay<'_>, till: &dyn TillAccess) -> Result<bool, SyncError> {
    let Some(head) = ask(till, |t| t.own_signed_head())? else {
        return Ok(false);
    };
    versapos_payments::journal_head::send(relay, &head)?;
    Ok(true)
}

/// The journal checked, and compared with the relay's copy of this till's signed head (someone
/// who may read reports).
pub fn verify_journal_with_relay(
    relay: &Relay<'_>,
    till: &dyn TillAccess,
) -> Result<crate::JournalReport, SyncError> {
    allowed(till, Permission::ReadReports)?;
    let copy = versapos_payments::journal_head::at_relay(relay)?;
    Ok(ask(till, |t| t.verify_journal_against(copy))?)
}

/// Tries a Stripe event set aside for attention again (someone who may sell): what it came to
/// once it went through, and it no longer needs attention (journaled); an error, and it stays
/// set aside, otherwise.
pub fn retry_event(
    gateway: &dyn Gateway,
    till: &dyn TillAccess,
    event_id: &str,
) -> Result<Applied, FlowError> {
    let (_, payload) = ask(till, |t| t.set_aside_event(event_id))?;
    let applied =
        versapos_payments::sync::retry_set_aside(gateway, &Book::new(till), event_id, &payload)?;
    let result = format!("{}: {}", applied.outcome.as_str(), applied.detail);
    ask(till, |t| t.event_retried(event_id, &result))?;
    Ok(applied)
}

/// Where the till is in the relay's stream and how the last pull went.
pub fn sync_status(till: &dyn TillAccess) -> Result<SyncState, FlowError> {
    versapos_payments::sync::status(&Book::new(till))
}

/// The till's error as the card flow carries it: its code, and itself whole.
fn book(e: TillError) -> BookError {
    BookError::new(e.code(), e)
}

/// The card readers Stripe has for the shop, and the one chosen for this till (if one is), for
/// someone who may sell.
pub fn readers(
    gateway: &dyn Gateway,
    till: &dyn TillAccess,
) -> Result<(Vec<Reader>, Option<String>), FlowError> {
    let chosen = ask(till, |t| {
        t.check(Permission::Sell)?;
        Ok(t.shop()?.card_reader.clone())
    })?;
    Ok((gateway.readers()?, chosen))
}

/// The reader this till takes cards on: the chosen one, or the only one there is.
pub fn till_reader(gateway: &dyn Gateway, till: &dyn TillAccess) -> Result<Reader, FlowError> {
    let chosen = ask(till, |t| Ok(t.shop()?.card_reader.clone()))?;
    versapos_payments::flow::till_reader(gateway, chosen.as_deref())
}

/// The shop's Stripe locations, for someone who may change the settings (registering a
/// reader).
pub fn locations(gateway: &dyn Gateway, till: &dyn TillAccess) -> Result<Vec<Location>, FlowError> {
    allowed(till, Permission::ChangeSettings)?;
    Ok(gateway.locations()?)
}

/// Registers a reader with the code on its screen, at a location (someone who may change the
/// settings). No label: "Till reader".
pub fn register_reader(
    gateway: &dyn Gateway,
    till: &dyn TillAccess,
    code: &str,
    label: Option<&str>,
    location: &str,
) -> Result<Reader, FlowError> {
    ask(till, |t| {
        t.check(Permission::ChangeSettings)?;
        if code.trim().is_empty() {
            return Err(TillError::invalid(
                "code",
                "enter the registration code the reader shows",
            ));
        }
        if location.trim().is_empty() {
            return Err(TillError::invalid(
                "location",
                "choose the location the reader is at",
            ));
        }
        Ok(())
    })?;
    let label = label
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .unwrap_or("Till reader");
    Ok(gateway.register_reader(code.trim(), label, location.trim())?)
}

/// Takes cards on this reader at this till (a setting; journaled), for someone who may change
/// the settings: asked before Stripe is, so a refusal never depends on what Stripe answers.
pub fn choose_reader(
    gateway: &dyn Gateway,
    till: &dyn TillAccess,
    reader_id: &str,
) -> Result<Reader, FlowError> {
    allowed(till, Permission::ChangeSettings)?;
    let reader = gateway.reader(reader_id.trim())?;
    ask(till, |t| {
        t.set_setting("card-reader", &reader.id).map(|_| ())
    })?;
    Ok(reader)
}

/// Demo and test mode: gives the till's simulated reader a test card (someone who may sell).
pub fn present_test_card(
    gateway: &dyn Gateway,
    till: &dyn TillAccess,
    card: TestCard,
) -> Result<(), FlowError> {
    if gateway.mode() == GatewayMode::Live {
        return Err(FlowError::Book(book(TillError::invalid(
            "card",
            "test cards are for demo and test mode only",
        ))));
    }
    allowed(till, Permission::Sell)?;
    let reader = till_reader(gateway, till)?;
    gateway.present_card(&reader.id, card)?;
    Ok(())
}

/// The setup check, for anyone signed in who may sell: the Stripe key and mode, Stripe
/// reachable, the clock, the reader, and the VIP card readers (warnings at most: cards can be
/// typed in). Stripe is asked with the till unlocked.
pub fn check_setup(
    till: &dyn TillAccess,
    keychain: &Keychain,
    now: std::time::SystemTime,
) -> Result<SetupReport, FlowError> {
    let (chosen, store_files, printer) = ask(till, |t| {
        t.check(Permission::Sell)?;
        let reader = t.shop().ok().and_then(|s| s.card_reader.clone());
        let printer = t.shop().ok().and_then(|s| s.printer.clone());
        Ok((reader, t.store_files_check(), printer))
    })?;
    let mut report = versapos_payments::doctor::check(keychain, chosen.as_deref(), now);
    report.checks.extend(vip_card_reader_checks());
    report.checks.push(store_files);
    report
        .checks
        .push(crate::printing::check_printer(printer.as_ref()));
    Ok(report)
}

/// The VIP card readers' findings for the setup check.
fn vip_card_reader_checks() -> Vec<SetupCheck> {
    versapos_nfc::doctor::checks()
}

impl Till {
    /// The card payments in doubt, for someone who may sell (the Payments screen).
    pub fn list_payments_in_doubt(&self) -> crate::Result<Vec<PendingCard>> {
        self.check(Permission::Sell)?;
        self.payments_in_doubt()
    }

    /// Where the till is in the relay's stream, for someone who may sell.
    pub fn relay_status(&self) -> crate::Result<SyncState> {
        self.check(Permission::Sell)?;
        self.sync_state()
    }

    /// Whether whoever is signed in may settle card payments in doubt and pull Stripe's events
    /// from the relay (anyone who may sell).
    pub fn may_settle_cards(&self) -> crate::Result<()> {
        self.check(Permission::Sell).map(|_| ())
    }
}

/// Whether whoever is signed in at the till may do `p` (asked before Stripe is).
fn allowed(till: &dyn TillAccess, p: Permission) -> Result<(), FlowError> {
    ask(till, |t| t.check(p).map(|_| ()))
}

/// One short step on the till, its error the till's.
fn ask<R>(
    till: &dyn TillAccess,
    f: impl FnOnce(&mut Till) -> Result<R, TillError>,
) -> Result<R, FlowError> {
    let mut f = Some(f);
    let mut out = None;
    till.with_till(&mut |t| {
        if let Some(f) = f.take() {
            out = Some(f(t));
        }
    })?;
    match out {
        Some(r) => r.map_err(|e| FlowError::Book(book(e))),
        None => Err(FlowError::Unavailable(
            "the till's store is not open".into(),
        )),
    }
}

/// What the flow booked on the till, kept as the till wrote it.
#[derive(Default)]
struct Booked {
    order: Option<OrderView>,
    refund: Option<RefundView>,
}

/// The till's records as the card flow reaches them: the door's till, locked for each step.
struct Book<'a> {
    till: &'a dyn TillAccess,
    booked: Mutex<Booked>,
}

impl<'a> Book<'a> {
    fn new(till: &'a dyn TillAccess) -> Self {
        Book {
            till,
            booked: Mutex::new(Booked::default()),
        }
    }

    fn take(&self) -> Booked {
        self.booked
            .lock()
            .map(|mut b| std::mem::take(&mut *b))
            .unwrap_or_default()
    }

    fn order(&self) -> Result<OrderView, FlowError> {
        self.take().order.ok_or_else(|| {
            FlowError::Unavailable("the card flow ended without the order it settled".into())
        })
    }

    fn refund(&self) -> Result<RefundView, FlowError> {
        self.take().refund.ok_or_else(|| {
            FlowError::Unavailable("the refund ended without the refund it booked".into())
        })
    }

    fn outcome(&self, end: CardEnd) -> Result<CardOutcome, FlowError> {
        Ok(match end {
            CardEnd::Paid { .. } => CardOutcome::Paid {
                order: Box::new(self.order()?),
            },
            CardEnd::Declined {
                payment_id,
                message,
                code,
            } => CardOutcome::Declined {
                payment_id,
                message,
                code,
            },
            CardEnd::Canceled {
                payment_id,
                message,
            } => CardOutcome::Canceled {
                payment_id,
                message,
            },
            CardEnd::InDoubt {
                payment_id,
                message,
            } => CardOutcome::InDoubt {
                payment_id,
                message,
            },
        })
    }
}

impl book::BookAccess for Book<'_> {
    fn with_book(&self, f: &mut dyn FnMut(&mut dyn CardBook)) -> Result<(), FlowError> {
        self.till.with_till(&mut |till| {
            let mut booked = match self.booked.lock() {
                Ok(b) => b,
                Err(poisoned) => poisoned.into_inner(),
            };
            f(&mut Ledger {
                till,
                booked: &mut booked,
            });
        })
    }
}

/// The till, as the card flow's book: every read and write goes to the till's own methods;
/// the orders and refunds they return are kept for the door.
struct Ledger<'a> {
    till: &'a mut Till,
    booked: &'a mut Booked,
}

impl CardBook for Ledger<'_> {
    fn pending_card(&self, payment_id: &str) -> Result<PendingCard, BookError> {
        self.till.pending_card(payment_id).map_err(book)
    }

    fn find_pending_card(&self, payment_id: &str) -> Result<Option<PendingCard>, BookError> {
        self.till.find_pending_card(payment_id).map_err(book)
    }

    fn payments_in_doubt(&self) -> Result<Vec<PendingCard>, BookError> {
        self.till.payments_in_doubt().map_err(book)
    }

    fn card_in_hand(&self, payment_id: &str) -> Result<bool, BookError> {
        self.till.card_in_hand(payment_id).map_err(book)
    }

    fn record_intent(
        &mut self,
        payment_id: &str,
        intent_id: &str,
        mode: &str,
        reader_id: Option<&str>,
    ) -> Result<(), BookError> {
        self.till
            .record_intent(payment_id, intent_id, mode, reader_id)
            .map_err(book)
    }

    fn record_decline(&mut self, payment_id: &str, decline: Option<&str>) -> Result<(), BookError> {
        self.till.record_decline(payment_id, decline).map_err(book)
    }

    fn complete_card_sale(
        &mut self,
        payment_id: &str,
        charge: &CardCharge,
        parked: Option<i64>,
    ) -> Result<(), BookError> {
        self.booked.order = Some(
            self.till
                .complete_card_sale(payment_id, charge, parked)
                .map_err(book)?,
        );
        Ok(())
    }

    fn fail_card_sale(&mut self, payment_id: &str, reason: &str) -> Result<(), BookError> {
        self.booked.order = Some(self.till.fail_card_sale(payment_id, reason).map_err(book)?);
        Ok(())
    }

    fn card_payment(&self, payment_id: &str) -> Result<Option<CardPaymentRef>, BookError> {
        self.till.card_payment(payment_id).map_err(book)
    }

    fn card_payment_by_intent(&self, intent_id: &str) -> Result<Option<CardPaymentRef>, BookError> {
        self.till.card_payment_by_intent(intent_id).map_err(book)
    }

    fn record_dispute(
        &mut self,
        dispute: &versapos_payments::Dispute,
    ) -> Result<Option<DisputeNoted>, BookError> {
        use versapos_payments::DisputeStatus;
        let Some(intent) = dispute.intent.as_deref() else {
            return Ok(None);
        };
        let reason = dispute.reason.as_deref().unwrap_or("no reason given");
        let noted = self
            .till
            .record_dispute(intent, &dispute.id, dispute.status.as_str(), reason)
            .map_err(book)?;
        let Some((payment, changed)) = noted else {
            return Ok(None);
        };
        let mut taken_back = None;
        if dispute.status == DisputeStatus::Lost {
            // Stripe took the money back: booked once, by the dispute's id, like a refund made
            // at Stripe (so a crash between the two steps books it on the next event).
            let refund = versapos_payments::Refund {
                id: dispute.id.clone(),
                intent: Some(intent.to_string()),
                amount: dispute.amount,
                status: versapos_payments::RefundStatus::Succeeded,
                refund_key: None,
                created: 0,
            };
            if let RefundAtStripe::Booked { amount, .. } =
                self.book_refund_at_stripe(intent, &refund)?
            {
                taken_back = Some(amount);
            }
        }
        Ok(Some(DisputeNoted {
            receipt: payment.receipt,
            changed: changed || taken_back.is_some(),
            taken_back,
        }))
    }

    fn unknown_payment(&self, payment_id: &str) -> BookError {
        book(TillError::UnknownPayment(payment_id.into()))
    }

    fn begin_card_refund(
        &mut self,
        reference: &str,
        request: &RefundRequest,
        restock: bool,
    ) -> Result<PendingRefund, BookError> {
        self.till
            .begin_card_refund(reference, request, restock)
            .map_err(book)
    }

    fn refund(
        &mut self,
        reference: &str,
        request: &RefundRequest,
        restock: bool,
    ) -> Result<(), BookError> {
        self.booked.refund = Some(
            self.till
                .refund(reference, request, restock)
                .map_err(book)?,
        );
        Ok(())
    }

    fn pending_card_refunds(&self) -> Result<Vec<PendingRefund>, BookError> {
        self.till.pending_card_refunds().map_err(book)
    }

    fn complete_card_refund(
        &mut self,
        refund_id: &str,
        stripe_ids: &[(String, String)],
    ) -> Result<i64, BookError> {
        let view = self
            .till
            .complete_card_refund(refund_id, stripe_ids)
            .map_err(book)?;
        let amount = view.amount;
        self.booked.refund = Some(view);
        Ok(amount)
    }

    fn fail_card_refund(&mut self, refund_id: &str, reason: &str) -> Result<(), BookError> {
        self.till.fail_card_refund(refund_id, reason).map_err(book)
    }

    fn book_refund_at_stripe(
        &mut self,
        intent_id: &str,
        refund: &versapos_payments::Refund,
    ) -> Result<RefundAtStripe, BookError> {
        use versapos_store::refunds::AtStripe;
        let booked = self.till.book_refund_at_stripe(
            intent_id,
            &refund.id,
            refund.refund_key.as_deref(),
            refund.amount,
        );
        Ok(match booked {
            Ok(AtStripe::Booked(view)) => {
                let currency = self.till.shop().map_err(book)?.currency;
                RefundAtStripe::Booked {
                    receipt: view.receipt.clone(),
                    amount: versapos_core::Money::from_minor(view.amount, currency)
                        .to_major_string(),
                }
            }
            Ok(AtStripe::Known) => RefundAtStripe::Known,
            Ok(AtStripe::NothingLeft(receipt)) => RefundAtStripe::NothingLeft { receipt },
            Ok(AtStripe::NotPaidHere) => RefundAtStripe::NotPaidHere,
            Err(TillError::CardRefundPending(receipt)) => {
                RefundAtStripe::WaitsForTillRefund { receipt }
            }
            Err(e) => return Err(book(e)),
        })
    }

    fn was_applied(&self, event_id: &str) -> Result<bool, BookError> {
        self.till.was_applied(event_id).map_err(book)
    }

    fn mark_applied(
        &mut self,
        event_id: &str,
        kind: &str,
        result: &str,
    ) -> Result<bool, BookError> {
        self.till.mark_applied(event_id, kind, result).map_err(book)
    }

    fn cursor(&self) -> Result<i64, BookError> {
        self.till.cursor().map_err(book)
    }

    fn save_cursor(
        &mut self,
        cursor: i64,
        last_event_at: Option<&str>,
        backlog: i64,
    ) -> Result<(), BookError> {
        self.till
            .save_cursor(cursor, last_event_at, backlog)
            .map_err(book)
    }

    fn record_sync_error(&mut self, error: &str) -> Result<(), BookError> {
        self.till.record_sync_error(error).map_err(book)
    }

    fn sync_state(&self) -> Result<SyncState, BookError> {
        self.till.sync_state().map_err(book)
    }

    fn record_retry_in(&mut self, pause: Option<std::time::Duration>) -> Result<(), BookError> {
        self.till.record_retry_in(pause).map_err(book)
    }

    fn note_failed_event(
        &mut self,
        failed: &versapos_core::FailedEvent<'_>,
    ) -> Result<versapos_core::AttentionState, BookError> {
        self.till.note_failed_event(failed).map_err(book)
    }

    fn event_attention(
        &self,
        event_id: &str,
    ) -> Result<Option<versapos_core::AttentionState>, BookError> {
        self.till.event_attention(event_id).map_err(book)
    }

    fn event_tried_and_applied(&mut self, event_id: &str) -> Result<(), BookError> {
        self.till.event_tried_and_applied(event_id).map_err(book)
    }
}
