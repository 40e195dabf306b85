//! Card payments at the till: taking a card on the reader (with progress over a channel),
//! cancel, retry, giving the card up, test cards, readers, the setup check and payments in doubt.
//!
//! Everything that talks to Stripe runs on a blocking thread, off the async runtime, and locks
//! the register only for each short store step, so the window stays live while the reader waits.

use crate::commands::register::TenderInput;
use crate::error::{CommandError, CommandResult};
use crate::state::{Desktop, Register};
use serde::Serialize;
use std::sync::atomic::Ordering;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime};
use ts_rs::TS;
use versapos_payments::doctor::SetupReport;
use versapos_payments::flow::{CardProgress, Terminal, Timing};
use versapos_payments::reconcile::ReconcileReport;
use versapos_payments::{GatewayMode, Location, Reader, ReaderState, TestCard};
use versapos_till::cards::{self, CardOutcome};
use versapos_till::{CartView, EventNeedingAttention, PendingCard, Sale, Till, TillError};

/// A card reader as the Payments screen lists it.
#[derive(Clone, Debug, Serialize, TS)]
pub struct ReaderView {
    pub id: String,
    pub label: Option<String>,
    pub device_type: String,
    pub serial_number: String,
    pub location: Option<String>,
    pub state: ReaderState,
    /// A simulated reader (demo or test mode) that takes test cards.
    pub simulated: bool,
    /// The reader this till takes cards on.
    pub chosen: bool,
}

impl ReaderView {
    fn new(r: &Reader, chosen: bool) -> Self {
        ReaderView {
            id: r.id.clone(),
            label: r.label.clone(),
            device_type: r.device_type.clone(),
            serial_number: r.serial_number.clone(),
            location: r.location.clone(),
            state: r.state(),
            simulated: r.is_simulated(),
            chosen,
        }
    }
}

#[derive(Clone, Debug, Serialize, TS)]
pub struct LocationView {
    pub id: String,
    pub display_name: String,
}

impl From<Location> for LocationView {
    fn from(l: Location) -> Self {
        LocationView {
            id: l.id,
            display_name: l.display_name,
        }
    }
}

/// Whether cards can be taken, how, on which reader, and how many payments are in doubt.
#[derive(Clone, Debug, Serialize, TS)]
pub struct PaymentsStatus {
    pub mode: Option<GatewayMode>,
    pub reader: Option<ReaderView>,
    /// Why cards cannot be taken now.
    pub problem: Option<String>,
    pub in_doubt: usize,
}

/// A card payment whose sale waits for Stripe's word.
#[derive(Clone, Debug, Serialize, TS)]
pub struct InDoubtPayment {
    pub payment_id: String,
    pub order_id: String,
    pub receipt: String,
    pub amount: i64,
    pub currency: String,
    pub since: String,
}

impl From<PendingCard> for InDoubtPayment {
    fn from(p: PendingCard) -> Self {
        InDoubtPayment {
            payment_id: p.payment_id,
            order_id: p.order_id,
            receipt: p.receipt,
            amount: p.amount,
            currency: p.currency,
            since: p.created_at,
        }
    }
}

/// Runs `f` on a blocking thread with the app's state (Stripe's blocking client must not run
/// on the async runtime's own threads).
pub(crate) async fn blocking<R: Runtime, T: Send + 'static>(
    app: AppHandle<R>,
    f: impl FnOnce(&Desktop) -> CommandResult<T> + Send + 'static,
) -> CommandResult<T> {
    tauri::async_runtime::spawn_blocking(move || f(&app.state::<Desktop>()))
        .await
        .map_err(|e| CommandError::new("internal", format!("the card task failed: {e}")))?
}

/// The till's reader: the chosen one, or the only one there is.
fn till_reader(desktop: &Desktop) -> CommandResult<Reader> {
    let gateway = desktop.payments.gateway()?;
    Ok(cards::till_reader(&*gateway, desktop)?)
}

fn status(desktop: &Desktop) -> CommandResult<PaymentsStatus> {
    let in_doubt = desktop.register()?.till.list_payments_in_doubt()?.len();
    let gateway = match desktop.payments.gateway() {
        Ok(g) => g,
        Err(e) => {
            return Ok(PaymentsStatus {
                mode: None,
                reader: None,
                problem: Some(e.message),
                in_doubt,
            })
        }
    };
    let (reader, problem) = match till_reader(desktop) {
        Ok(r) => {
            let problem = match r.state() {
                ReaderState::Offline => Some(format!(
                    "the card reader {} is offline",
                    r.label.as_deref().unwrap_or(&r.serial_number)
                )),
                _ => None,
            };
            (Some(ReaderView::new(&r, true)), problem)
        }
        Err(e) => (None, Some(e.message)),
    };
    Ok(PaymentsStatus {
        mode: Some(gateway.mode()),
        reader,
        problem,
        in_doubt,
    })
}

#[tauri::command]
#[tracing::instrument(skip(app), err)]
pub async fn payments_status<R: Runtime>(app: AppHandle<R>) -> CommandResult<PaymentsStatus> {
    blocking(app, status).await
}

/// Takes the card for the sale on the register (with whatever cash or points go with it). The
/// sale is written first; the register keeps it until the card is taken (then it is cleared),
/// or hands it back for another tender after a decline or a cancel. A payment in doubt clears the
/// register too: that sale settles itself from Stripe and must not be taken again.
#[tauri::command]
#[tracing::instrument(skip(app, progress), err)]
pub async fn card_checkout<R: Runtime>(
    app: AppHandle<R>,
    tenders: Vec<TenderInput>,
    progress: Channel<CardProgress>,
) -> CommandResult<CardOutcome> {
    blocking(app, move |desktop| {
        take_card(desktop, &progress, |till, sale| {
            let tenders = tenders
                .iter()
                .map(|t| till.tender(&t.kind, t.value.as_deref()))
                .collect::<Result<Vec<_>, _>>()?;
            till.begin_sale_card(sale, &tenders)
        })
    })
    .await
}

/// Tries the same card payment again (same PaymentIntent) after a decline or a cancel.
#[tauri::command]
#[tracing::instrument(skip(app, progress), err)]
pub async fn retry_card_payment<R: Runtime>(
    app: AppHandle<R>,
    payment_id: String,
    progress: Channel<CardProgress>,
) -> CommandResult<CardOutcome> {
    blocking(app, move |desktop| {
        take_card(desktop, &progress, |till, _| {
            till.take_card_again(&payment_id)
        })
    })
    .await
}

/// Takes the card for the sale `pending` finds and takes in hand in the store (a new card sale
/// written from the register, or one waiting for another try), one card payment at a time on
/// this till.
fn take_card(
    desktop: &Desktop,
    progress: &Channel<CardProgress>,
    pending: impl FnOnce(&mut Till, &mut Sale) -> Result<PendingCard, TillError>,
) -> CommandResult<CardOutcome> {
    let active = desktop.payments.start()?;
    let result = take_card_now(desktop, progress, &active, pending);
    desktop.payments.finish();
    result
}

fn take_card_now(
    desktop: &Desktop,
    progress: &Channel<CardProgress>,
    active: &crate::payments::Active,
    pending: impl FnOnce(&mut Till, &mut Sale) -> Result<PendingCard, TillError>,
) -> CommandResult<CardOutcome> {
    let gateway = desktop.payments.gateway()?;
    let reader = till_reader(desktop)?;
    let (pending, parked) = {
        let Register { till, sale } = &mut *desktop.register()?;
        (pending(till, sale)?, sale.resumed_from())
    };
    desktop.payments.set_payment(&pending.payment_id);
    let terminal = Terminal {
        gateway: &*gateway,
        reader,
        timing: Timing::default(),
        test_card: None,
    };
    let outcome = cards::take_card(&terminal, desktop, &pending, parked, &active.cancel, &|p| {
        let _ = progress.send(p);
    })?;
    if matches!(
        outcome,
        CardOutcome::Paid { .. } | CardOutcome::InDoubt { .. }
    ) {
        // Booked, or settling itself from Stripe: the register moves on.
        desktop.register()?.sale.clear();
    }
    Ok(outcome)
}

/// Stops the reader waiting for a card; the card payment then ends as canceled.
#[tauri::command]
#[tracing::instrument(skip(app), err)]
pub async fn cancel_card_payment<R: Runtime>(app: AppHandle<R>) -> CommandResult<()> {
    blocking(app, |desktop| {
        let Some(active) = desktop.payments.active() else {
            return Err(CommandError::new(
                "no_card_payment",
                "no card payment is in progress",
            ));
        };
        desktop
            .register()?
            .till
            .may_cancel_card(active.payment_id.as_deref())?;
        active.cancel.store(true, Ordering::SeqCst);
        Ok(())
    })
    .await
}

/// Gives the card up on a declined or canceled payment: its order is marked payment_failed and
/// the sale stays on the register for another tender.
#[tauri::command]
#[tracing::instrument(skip(app), err)]
pub async fn abandon_card_payment<R: Runtime>(
    app: AppHandle<R>,
    payment_id: String,
) -> CommandResult<CartView> {
    blocking(app, move |desktop| {
        let gateway = desktop.payments.gateway()?;
        cards::abandon(&*gateway, desktop, &payment_id)?;
        let Register { till, sale } = &mut *desktop.register()?;
        Ok(till.sale_view(sale)?)
    })
    .await
}

/// Demo and test mode: gives the till's simulated reader a test card.
#[tauri::command]
#[tracing::instrument(skip(app), err)]
pub async fn present_test_card<R: Runtime>(app: AppHandle<R>, card: TestCard) -> CommandResult<()> {
    blocking(app, move |desktop| {
        let gateway = desktop.payments.gateway()?;
        Ok(cards::present_test_card(&*gateway, desktop, card)?)
    })
    .await
}

#[tauri::command]
#[tracing::instrument(skip(app), err)]
pub async fn readers_list<R: Runtime>(app: AppHandle<R>) -> CommandResult<Vec<ReaderView>> {
    blocking(app, |desktop| {
        let gateway = desktop.payments.gateway()?;
        let (readers, chosen) = cards::readers(&*gateway, desktop)?;
        // With none chosen, the only reader there is counts as the till's.
        let only = (readers.len() == 1 && chosen.is_none()).then(|| readers[0].id.clone());
        Ok(readers
            .iter()
            .map(|r| {
                let mine = chosen.as_deref().or(only.as_deref()) == Some(r.id.as_str());
                ReaderView::new(r, mine)
            })
            .collect())
    })
    .await
}

#[tauri::command]
#[tracing::instrument(skip(app), err)]
pub async fn locations_list<R: Runtime>(app: AppHandle<R>) -> CommandResult<Vec<LocationView>> {
    blocking(app, |desktop| {
        let gateway = desktop.payments.gateway()?;
        Ok(cards::locations(&*gateway, desktop)?
            .into_iter()
            .map(Into::into)
            .collect())
    })
    .await
}

/// Registers a reader with the code on its screen, at a location.
#[tauri::command]
#[tracing::instrument(skip(app), err)]
pub async fn register_reader<R: Runtime>(
    app: AppHandle<R>,
    code: String,
    label: Option<String>,
    location: String,
) -> CommandResult<ReaderView> {
    blocking(app, move |desktop| {
        let gateway = desktop.payments.gateway()?;
        let reader =
            cards::register_reader(&*gateway, desktop, &code, label.as_deref(), &location)?;
        Ok(ReaderView::new(&reader, false))
    })
    .await
}

/// Takes cards on this reader at this till (a setting; journaled).
#[tauri::command]
#[tracing::instrument(skip(app), err)]
pub async fn choose_reader<R: Runtime>(
    app: AppHandle<R>,
    reader_id: String,
) -> CommandResult<ReaderView> {
    blocking(app, move |desktop| {
        let gateway = desktop.payments.gateway()?;
        let reader = cards::choose_reader(&*gateway, desktop, &reader_id)?;
        Ok(ReaderView::new(&reader, true))
    })
    .await
}

/// The setup check: the key, the mode, Stripe reachable, the clock, the reader.
#[tauri::command]
#[tracing::instrument(skip(app), err)]
pub async fn check_setup<R: Runtime>(app: AppHandle<R>) -> CommandResult<SetupReport> {
    blocking(app, |desktop| {
        Ok(cards::check_setup(
            desktop,
            &versapos_secrets::Keychain::default(),
            std::time::SystemTime::now(),
        )?)
    })
    .await
}

#[tauri::command]
#[tracing::instrument(skip(app), err)]
pub async fn payments_in_doubt<R: Runtime>(
    app: AppHandle<R>,
) -> CommandResult<Vec<InDoubtPayment>> {
    blocking(app, |desktop| {
        Ok(desktop
            .register()?
            .till
            .list_payments_in_doubt()?
            .into_iter()
            .map(Into::into)
            .collect())
    })
    .await
}

/// Settles the card payments in doubt from Stripe's view of each PaymentIntent.
#[tauri::command]
#[tracing::instrument(skip(app), err)]
pub async fn reconcile_payments<R: Runtime>(app: AppHandle<R>) -> CommandResult<ReconcileReport> {
    blocking(app, |desktop| {
        let gateway = desktop.payments.gateway()?;
        Ok(cards::reconcile_now(&*gateway, desktop)?)
    })
    .await
}

/// One round of settling payments in doubt (never one a till process has in hand) and of
/// booking refunds made at Stripe; the first round after start-up looks back 90 days for those.
pub fn reconcile(desktop: &Desktop, at_start: bool) -> CommandResult<ReconcileReport> {
    let gateway = desktop.payments.gateway()?;
    Ok(if at_start {
        versapos_till::cards::reconcile_at_start(&*gateway, desktop)?
    } else {
        versapos_till::cards::reconcile(&*gateway, desktop)?
    })
}

/// One long poll of the relay, applying what it brings, and the pause before the next (longer
/// after a failure or an event left for later); None when no relay is set up.
pub fn follow_relay(
    desktop: &Desktop,
    wait_secs: u64,
    backoff: &mut versapos_payments::sync::Backoff,
) -> Option<(
    CommandResult<versapos_payments::sync::PullReport>,
    std::time::Duration,
)> {
    let relay = match versapos_secrets::Keychain::default().relay_in_use() {
        Ok(Some((relay, _))) => relay,
        Ok(None) => return None,
        Err(e) => {
            let pause = backoff.after_pull(false);
            return Some((
                Err(CommandError::new("relay_unavailable", e.to_string())),
                pause,
            ));
        }
    };
    let gateway = match desktop.payments.gateway() {
        Ok(g) => g,
        Err(e) => return Some((Err(e), backoff.after_pull(false))),
    };
    let relay = versapos_payments::sync::Relay {
        url: &relay.url,
        token: &relay.token,
    };
    let (pulled, pause) = cards::follow_step(&relay, &*gateway, desktop, wait_secs, backoff);
    Some((
        pulled.map_err(|e| CommandError::new(e.code(), e.to_string())),
        pause,
    ))
}

/// Whether the till hears from the webhook relay: set up or not, where it is in the stream, the
/// last event, what is still waiting there and the last problem.
#[derive(Clone, Debug, Serialize, TS)]
pub struct SyncStatus {
    pub configured: bool,
    /// The relay's address (never the till's token).
    pub relay_url: Option<String>,
    pub cursor: i64,
    pub last_event_at: Option<String>,
    pub last_pull_at: Option<String>,
    pub last_error: Option<String>,
    pub applied_events: i64,
    /// Events the relay still held for the till after its last pull.
    pub backlog: i64,
    /// When the till tries again after a pull that failed or left an event for later.
    pub retry_at: Option<String>,
    /// Stripe events set aside for a manager: they could not be applied.
    pub needs_attention: i64,
}

#[tauri::command]
#[tracing::instrument(skip(app), err)]
pub async fn sync_status<R: Runtime>(app: AppHandle<R>) -> CommandResult<SyncStatus> {
    blocking(app, |desktop| {
        let relay = versapos_secrets::Keychain::default().relay_in_use();
        let relay_url = relay.ok().flatten().map(|(r, _)| r.url);
        let state = desktop.register()?.till.relay_status()?;
        Ok(SyncStatus::new(relay_url, state))
    })
    .await
}

impl SyncStatus {
    fn new(relay_url: Option<String>, state: versapos_core::SyncState) -> Self {
        SyncStatus {
            configured: relay_url.is_some(),
            relay_url,
            cursor: state.cursor,
            last_event_at: state.last_event_at,
            last_pull_at: state.last_pull_at,
            last_error: state.last_error,
            applied_events: state.applied_events,
            backlog: state.backlog,
            retry_at: state.retry_at,
            needs_attention: state.needs_attention,
        }
    }
}

/// The Stripe events set aside because they could not be applied, oldest first, for a manager
/// to retry or dismiss.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn events_needing_attention(
    state: tauri::State<'_, Desktop>,
) -> CommandResult<Vec<EventNeedingAttention>> {
    Ok(state.register()?.till.events_needing_attention()?)
}

/// What a set-aside event came to when it was tried again and went through.
#[derive(Clone, Debug, Serialize, TS)]
pub struct EventRetried {
    pub event_id: String,
    /// `paid`, `refunded`, `unchanged`, `skipped`, …
    pub outcome: String,
    pub receipt: Option<String>,
    pub detail: String,
}

/// Tries a set-aside Stripe event again (after fixing what stopped it, e.g. the Stripe key).
#[tauri::command]
#[tracing::instrument(skip(app), err)]
pub async fn retry_event<R: Runtime>(
    app: AppHandle<R>,
    event_id: String,
) -> CommandResult<EventRetried> {
    blocking(app, move |desktop| {
        let gateway = desktop.payments.gateway()?;
        let a = cards::retry_event(&*gateway, desktop, &event_id)?;
        Ok(EventRetried {
            event_id: a.event_id,
            outcome: a.outcome.as_str().to_string(),
            receipt: a.receipt,
            detail: a.detail,
        })
    })
    .await
}

/// Dismisses a set-aside Stripe event with the manager's reason (journaled): the till will not
/// apply it.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn dismiss_event(
    state: tauri::State<'_, Desktop>,
    event_id: String,
    reason: String,
) -> CommandResult<()> {
    Ok(state.register()?.till.dismiss_event(&event_id, &reason)?)
}

/// The newest changes made at Stripe rather than at the till (refunds made at Stripe, disputes),
/// for a manager to see.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn changes_at_stripe(
    state: tauri::State<'_, Desktop>,
) -> CommandResult<Vec<versapos_till::ChangeAtStripe>> {
    Ok(state.register()?.till.changes_at_stripe(50)?)
}
