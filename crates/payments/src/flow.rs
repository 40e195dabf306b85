//! Taking a card on the till's Terminal reader, and giving it up.
//!
//! The sale is written first (by the till, before it calls [`Terminal::pay`]); then, with the store
//! unlocked while the network is busy: create the PaymentIntent (idempotency key = the payment's
//! id), hand it to the reader, watch the reader's action until the card is presented, declined,
//! canceled or the wait times out, capture, and book the sale. Anything that leaves the outcome
//! unknown (no answer from Stripe, the till killed) leaves the order `payment_pending`: a payment
//! in doubt, settled later by [`crate::reconcile`] from Stripe's own view of the PaymentIntent. A sale is
//! booked as paid only when Stripe says its PaymentIntent succeeded; the same idempotency key is
//! reused on every retry, so the card is never charged twice.

use crate::book::on;
pub use crate::book::{BookAccess, BookError, CardBook, FlowError};
use crate::gateway::{
    ActionStatus, Gateway, GatewayError, Intent, IntentRequest, IntentStatus, Reader, TestCard,
};
use crate::Channel;
use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use ts_rs::TS;
use versapos_core::{CardCharge, PendingCard};

/// How long to wait, and how often to look.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    /// Between two looks at the reader.
    pub poll: Duration,
    /// How long the reader may wait for a card before the till cancels it.
    pub reader_timeout: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            poll: Duration::from_millis(250),
            reader_timeout: Duration::from_secs(120),
        }
    }
}

/// The steps of a card payment the screen shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CardStage {
    Starting,
    WaitingForCard,
    Capturing,
}

/// Where the payment is, for the screen.
#[derive(Clone, Debug, Serialize, TS)]
pub struct CardProgress {
    pub stage: CardStage,
    pub message: String,
    /// The reader's label.
    pub reader: Option<String>,
    pub payment_id: Option<String>,
}

/// How a card payment ended. The till turns it into what its screen shows (the receipt of a
/// paid sale with it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CardEnd {
    /// Stripe took the card; the sale is booked.
    Paid {
        payment_id: String,
        /// The card's last four digits, as Stripe gave them.
        card_last4: Option<String>,
    },
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

/// The till's card reader and the gateway behind it.
pub struct Terminal<'g> {
    pub gateway: &'g dyn Gateway,
    pub reader: Reader,
    pub timing: Timing,
    /// Demo and test mode, headless: the test card the simulated reader is given as soon as it
    /// asks for a card.
    pub test_card: Option<TestCard>,
}

/// Picks the reader: the one chosen for this till, or the only one there is.
pub fn till_reader(gateway: &dyn Gateway, chosen: Option<&str>) -> Result<Reader, FlowError> {
    match chosen {
        Some(id) => Ok(gateway.reader(id)?),
        None => {
            let mut readers = gateway.readers()?;
            match readers.len() {
                1 => Ok(readers.remove(0)),
                0 => Err(FlowError::Unavailable(
                    "no card reader is registered: register one under Manage → Payments \
                     (or `versapos readers register`)"
                        .into(),
                )),
                n => Err(FlowError::Unavailable(format!(
                    "{n} card readers are registered and none is chosen for this till: \
                     choose one under Manage → Payments (or `versapos readers use`)"
                ))),
            }
        }
    }
}

impl Terminal<'_> {
    fn label(&self) -> String {
        self.reader
            .label
            .clone()
            .unwrap_or_else(|| self.reader.serial_number.clone())
    }

    fn progress(&self, stage: CardStage, message: String, payment: &str) -> CardProgress {
        CardProgress {
            stage,
            message,
            reader: Some(self.label()),
            payment_id: Some(payment.into()),
        }
    }

    /// Takes the card for a written card sale, start to end.
    pub fn pay(
        &self,
        till: &dyn BookAccess,
        pending: &PendingCard,
        parked: Option<i64>,
        cancel: &AtomicBool,
        report: &dyn Fn(CardProgress),
    ) -> Result<CardEnd, FlowError> {
        let pid = pending.payment_id.clone();
        report(self.progress(
            CardStage::Starting,
            "Starting the card payment…".into(),
            &pid,
        ));
        let intent = match &pending.intent_id {
            Some(id) => self.gateway.intent(id),
            None => self.gateway.create_intent(&intent_request(pending)),
        };
        let intent = match intent {
            Ok(i) => i,
            Err(e) if e.is_retryable() => return Ok(in_doubt(&pid, &e)),
            Err(e) => {
                return Ok(CardEnd::Declined {
                    payment_id: pid,
                    message: e.to_string(),
                    code: Some(e.code().into()),
                })
            }
        };
        let mode = self.gateway.mode().as_str();
        on(till, |t| {
            t.record_intent(&pid, &intent.id, mode, Some(&self.reader.id))
        })?;
        match intent.status {
            IntentStatus::Succeeded | IntentStatus::RequiresCapture => {
                return self.capture(till, pending, &intent, parked, report)
            }
            IntentStatus::Canceled => {
                return Ok(CardEnd::Declined {
                    payment_id: pid,
                    message: "This card payment was cancelled at Stripe; give the card up and \
                              start it again."
                        .into(),
                    code: Some("intent_canceled".into()),
                })
            }
            _ => {}
        }
        let attempt = uuid_like(&pid);
        if let Err(e) = self
            .gateway
            .process_intent(&self.reader.id, &intent.id, &attempt)
        {
            return Ok(if e.is_retryable() {
                in_doubt(&pid, &e)
            } else {
                CardEnd::Declined {
                    payment_id: pid,
                    message: reader_refusal(&e, &self.label()),
                    code: Some(e.code().into()),
                }
            });
        }
        report(self.progress(
            CardStage::WaitingForCard,
            format!("Present the card on {}", self.label()),
            &pid,
        ));
        if let Some(card) = self.test_card {
            self.gateway.present_card(&self.reader.id, card)?;
        }
        self.wait_for_card(till, pending, &intent, parked, cancel, report)
    }

    fn wait_for_card(
        &self,
        till: &dyn BookAccess,
        pending: &PendingCard,
        intent: &Intent,
        parked: Option<i64>,
        cancel: &AtomicBool,
        report: &dyn Fn(CardProgress),
    ) -> Result<CardEnd, FlowError> {
        let started = Instant::now();
        loop {
            if cancel.swap(false, Ordering::SeqCst) {
                // Whatever the reader says, the intent is re-read below.
                let _ = self.gateway.cancel_action(&self.reader.id);
                return self.after_reader(till, pending, intent, parked, report, Ended::Cashier);
            }
            if started.elapsed() >= self.timing.reader_timeout {
                let _ = self.gateway.cancel_action(&self.reader.id);
                return self.after_reader(till, pending, intent, parked, report, Ended::Timeout);
            }
            std::thread::sleep(self.timing.poll);
            let reader = match self.gateway.reader(&self.reader.id) {
                Ok(r) => r,
                // A blip: keep looking until the wait times out.
                Err(e) if e.is_retryable() => continue,
                Err(e) => return Err(e.into()),
            };
            let action = reader
                .action
                .filter(|a| a.intent.as_deref().is_none_or(|i| i == intent.id));
            match action {
                Some(a) if a.status == ActionStatus::InProgress => continue,
                Some(a) if a.status == ActionStatus::Failed => {
                    let code = a.failure_code.clone();
                    let ended = if code.as_deref() == Some("canceled") {
                        Ended::Cashier
                    } else {
                        Ended::Failed {
                            code,
                            message: a.failure_message.clone(),
                        }
                    };
                    return self.after_reader(till, pending, intent, parked, report, ended);
                }
                _ => return self.after_reader(till, pending, intent, parked, report, Ended::Done),
            }
        }
    }

    /// The reader is done (or was stopped): Stripe's PaymentIntent decides what happened.
    fn after_reader(
        &self,
        till: &dyn BookAccess,
        pending: &PendingCard,
        intent: &Intent,
        parked: Option<i64>,
        report: &dyn Fn(CardProgress),
        ended: Ended,
    ) -> Result<CardEnd, FlowError> {
        let pid = pending.payment_id.clone();
        let now = match self.gateway.intent(&intent.id) {
            Ok(i) => i,
            Err(e) if e.is_retryable() => return Ok(in_doubt(&pid, &e)),
            Err(e) => return Err(e.into()),
        };
        match now.status {
            IntentStatus::RequiresCapture | IntentStatus::Succeeded => {
                self.capture(till, pending, &now, parked, report)
            }
            IntentStatus::Processing => Ok(CardEnd::InDoubt {
                payment_id: pid,
                message: "Stripe is still processing the card; the sale waits as a payment in \
                          doubt and settles itself."
                    .into(),
            }),
            _ => {
                let (message, code) = match ended {
                    Ended::Cashier => {
                        return Ok(CardEnd::Canceled {
                            payment_id: pid,
                            message: "Card payment canceled.".into(),
                        })
                    }
                    Ended::Timeout => {
                        return Ok(CardEnd::Canceled {
                            payment_id: pid,
                            message: format!(
                                "No card was presented within {} seconds; the reader was \
                                 stopped.",
                                self.timing.reader_timeout.as_secs()
                            ),
                        })
                    }
                    Ended::Failed { code, message } => match &now.last_error {
                        Some(d) => (d.plain_words(), d.decline_code.clone().or(code)),
                        None => (
                            message.unwrap_or_else(|| "The card was not accepted.".into()),
                            code,
                        ),
                    },
                    Ended::Done => match &now.last_error {
                        Some(d) => (d.plain_words(), d.decline_code.clone()),
                        None => ("The card was not accepted.".into(), None),
                    },
                };
                on(till, |t| t.record_decline(&pid, Some(&message)))?;
                Ok(CardEnd::Declined {
                    payment_id: pid,
                    message,
                    code,
                })
            }
        }
    }

    fn capture(
        &self,
        till: &dyn BookAccess,
        pending: &PendingCard,
        intent: &Intent,
        parked: Option<i64>,
        report: &dyn Fn(CardProgress),
    ) -> Result<CardEnd, FlowError> {
        let pid = pending.payment_id.clone();
        report(self.progress(
            CardStage::Capturing,
            "Card accepted, completing…".into(),
            &pid,
        ));
        settle_authorised(self.gateway, till, pending, intent, parked)
    }
}

enum Ended {
    Done,
    Cashier,
    Timeout,
    Failed {
        code: Option<String>,
        message: Option<String>,
    },
}

/// Captures an authorised PaymentIntent (or takes one that already succeeded) and books the sale.
pub fn settle_authorised(
    gateway: &dyn Gateway,
    till: &dyn BookAccess,
    pending: &PendingCard,
    intent: &Intent,
    parked: Option<i64>,
) -> Result<CardEnd, FlowError> {
    let pid = pending.payment_id.clone();
    let captured = if intent.status == IntentStatus::Succeeded {
        intent.clone()
    } else {
        match gateway.capture_intent(&intent.id, &format!("capture-{pid}")) {
            Ok(i) => i,
            Err(e) if e.is_retryable() => return Ok(in_doubt(&pid, &e)),
            Err(e) => match gateway.intent(&intent.id) {
                Ok(i) if i.status == IntentStatus::Succeeded => i,
                Ok(_) => return Err(e.into()),
                Err(e2) if e2.is_retryable() => return Ok(in_doubt(&pid, &e2)),
                Err(_) => return Err(e.into()),
            },
        }
    };
    if captured.status != IntentStatus::Succeeded {
        return Ok(CardEnd::InDoubt {
            payment_id: pid,
            message: format!(
                "Stripe has not confirmed the capture yet (the payment is {}); it settles \
                 itself.",
                captured.status.as_str()
            ),
        });
    }
    if captured.amount_received != pending.amount {
        return Err(FlowError::Unavailable(format!(
            "Stripe captured {} but the sale asked {}; the payment stays in doubt for a manager",
            captured.amount_received, pending.amount
        )));
    }
    let charge = CardCharge {
        intent_id: captured.id.clone(),
        mode: gateway.mode(),
        brand: captured.card_brand.clone(),
        last4: captured.card_last4.clone(),
        authorization_code: captured.card_authorization.clone(),
    };
    on(till, |t| t.complete_card_sale(&pid, &charge, parked))?;
    Ok(CardEnd::Paid {
        payment_id: pid,
        card_last4: charge.last4,
    })
}

/// " (card ending 4242)" for a paid sale's card, as settlement reports name it; empty without
/// its digits.
pub(crate) fn card_ending(last4: Option<&str>) -> String {
    last4
        .map(|l| format!(" (card ending {l})"))
        .unwrap_or_default()
}

/// Gives up the card on a sale (after a decline or a cancel): the order becomes
/// `payment_failed` first — from then on the till will never capture it — and then Stripe's
/// PaymentIntent is canceled so the customer's authorisation is released.
pub fn abandon(
    gateway: &dyn Gateway,
    till: &dyn BookAccess,
    payment_id: &str,
) -> Result<(), FlowError> {
    let pending = on(till, |t| t.pending_card(payment_id))?;
    if let Some(id) = &pending.intent_id {
        // A PaymentIntent that already succeeded is a paid sale, not one to give up.
        if let Ok(i) = gateway.intent(id) {
            if i.status == IntentStatus::Succeeded {
                return Err(FlowError::Unavailable(format!(
                    "Stripe already took this card payment ({}); settle it instead of giving \
                     it up",
                    pending.receipt
                )));
            }
        }
    }
    on(till, |t| t.fail_card_sale(payment_id, "card given up"))?;
    if let Some(id) = &pending.intent_id {
        // Best effort: an authorisation that is never captured lapses on its own.
        let _ = gateway.cancel_intent(id);
    }
    Ok(())
}

/// The PaymentIntent for a written card sale.
pub fn intent_request(p: &PendingCard) -> IntentRequest {
    IntentRequest {
        payment_id: p.payment_id.clone(),
        order_id: p.order_id.clone(),
        till_id: p.till_id.clone(),
        receipt: p.receipt.clone(),
        amount: p.amount,
        currency: p.currency.to_ascii_lowercase(),
        channel: Channel::CardPresent,
        customer: None,
    }
}

fn in_doubt(payment_id: &str, e: &GatewayError) -> CardEnd {
    CardEnd::InDoubt {
        payment_id: payment_id.into(),
        message: format!(
            "{e}. The sale waits as a payment in doubt and settles itself from Stripe once \
             it can be reached; do not take the payment again."
        ),
    }
}

fn reader_refusal(e: &GatewayError, label: &str) -> String {
    match e {
        GatewayError::Rejected {
            code: Some(code), ..
        } if code == "terminal_reader_offline" => {
            format!("{label} is offline: check its power and network, then try again.")
        }
        GatewayError::Rejected {
            code: Some(code), ..
        } if code == "terminal_reader_busy" => {
            format!("{label} is busy with another action: wait a moment, then try again.")
        }
        other => other.to_string(),
    }
}

/// A fresh idempotency key for one hand-over of the intent to the reader.
fn uuid_like(payment_id: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("process-{payment_id}-{nanos}")
}
