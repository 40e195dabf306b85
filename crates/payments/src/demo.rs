//! Demo mode: a till with no Stripe keys takes "card" payments on a simulated reader, the
//! "Demo reader". Nothing leaves the till; the screen and receipts say DEMO.

use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::gateway::{
    Address, Gateway, GatewayMode, GatewayResult, Intent, IntentRequest, Location, Ping, Reader,
    Refund, RefundRequest, StripeCustomer, TestCard,
};
use crate::sim::{NewIntent, SimRefund, Simulator};

/// The label of the demo till's reader.
pub const DEMO_READER_LABEL: &str = "Demo reader";

/// The demo gateway: [`Gateway`] over a [`Simulator`].
#[derive(Debug)]
pub struct DemoGateway {
    sim: Mutex<Simulator>,
}

impl Default for DemoGateway {
    fn default() -> Self {
        DemoGateway::new()
    }
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

impl DemoGateway {
    pub fn new() -> DemoGateway {
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x5eed);
        let mut sim = Simulator::new(seed);
        for reader in sim.readers() {
            // The reader was just made by the simulator: renaming it cannot miss.
            let _ = sim.set_reader_label(&reader.id, DEMO_READER_LABEL);
        }
        DemoGateway {
            sim: Mutex::new(sim),
        }
    }

    /// The simulator, its clock set to now. A panic while it was held leaves it usable: every
    /// simulator change is made whole before it returns.
    fn sim(&self) -> MutexGuard<'_, Simulator> {
        let mut sim = self
            .sim
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        sim.set_now(unix_now());
        sim
    }

    /// Demo control: takes the demo reader off line (or back), to show what the till does then.
    pub fn set_reader_online(&self, reader: &str, online: bool) -> GatewayResult<Reader> {
        self.sim().set_reader_online(reader, online)
    }
}

impl Gateway for DemoGateway {
    fn mode(&self) -> GatewayMode {
        GatewayMode::Demo
    }

    fn create_intent(&self, req: &IntentRequest) -> GatewayResult<Intent> {
        self.sim()
            .create_intent(Some(&req.payment_id), &NewIntent::from_request(req))
            .map(|i| i.to_intent())
    }

    fn intent(&self, id: &str) -> GatewayResult<Intent> {
        self.sim().intent(id).map(|i| i.to_intent())
    }

    fn confirm_intent(&self, id: &str, payment_method: &str) -> GatewayResult<Intent> {
        self.sim()
            .confirm_intent(id, Some(payment_method))
            .map(|i| i.to_intent())
    }

    fn capture_intent(&self, id: &str, idempotency_key: &str) -> GatewayResult<Intent> {
        self.sim()
            .capture_intent(id, None, Some(idempotency_key))
            .map(|i| i.to_intent())
    }

    fn cancel_intent(&self, id: &str) -> GatewayResult<Intent> {
        self.sim().cancel_intent(id, None).map(|i| i.to_intent())
    }

    fn refund(&self, req: &RefundRequest) -> GatewayResult<Refund> {
        let metadata = [
            ("refund_key".to_string(), req.refund_key.clone()),
            ("order_id".to_string(), req.order_id.clone()),
            ("till_id".to_string(), req.till_id.clone()),
        ]
        .into_iter()
        .collect();
        self.sim()
            .create_refund(
                Some(&req.refund_key),
                &req.intent,
                Some(req.amount),
                &metadata,
                None,
            )
            .map(|r| r.to_refund())
    }

    fn refunds_of(&self, intent: &str) -> GatewayResult<Vec<Refund>> {
        self.sim().intent(intent)?;
        Ok(self
            .sim()
            .refunds(Some(intent))
            .iter()
            .map(SimRefund::to_refund)
            .collect())
    }

    fn dispute(&self, id: &str) -> GatewayResult<crate::gateway::Dispute> {
        self.sim().dispute(id)
    }

    fn refunds_since(&self, since: i64) -> GatewayResult<Vec<Refund>> {
        Ok(self
            .sim()
            .refunds(None)
            .iter()
            .filter(|r| r.created >= since)
            .map(SimRefund::to_refund)
            .collect())
    }

    fn create_customer(&self, name: &str, email: Option<&str>) -> GatewayResult<StripeCustomer> {
        self.sim()
            .create_customer(Some(name), email, &Default::default())
            .map(|c| c.to_customer())
    }

    fn readers(&self) -> GatewayResult<Vec<Reader>> {
        Ok(self.sim().readers())
    }

    fn reader(&self, id: &str) -> GatewayResult<Reader> {
        self.sim().reader(id)
    }

    fn register_reader(&self, code: &str, label: &str, location: &str) -> GatewayResult<Reader> {
        self.sim().register_reader(code, label, location)
    }

    fn locations(&self) -> GatewayResult<Vec<Location>> {
        Ok(self
            .sim()
            .locations()
            .into_iter()
            .map(|l| l.location)
            .collect())
    }

    fn create_location(&self, display_name: &str, address: &Address) -> GatewayResult<Location> {
        self.sim()
            .create_location(display_name, address)
            .map(|l| l.location)
    }

    fn process_intent(
        &self,
        reader: &str,
        intent: &str,
        idempotency_key: &str,
    ) -> GatewayResult<Reader> {
        self.sim()
            .process_intent(reader, intent, Some(idempotency_key))
    }

    fn cancel_action(&self, reader: &str) -> GatewayResult<Reader> {
        self.sim().cancel_action(reader)
    }

    fn present_card(&self, reader: &str, card: TestCard) -> GatewayResult<Reader> {
        self.sim().present_card(reader, card)
    }

    fn ping(&self) -> GatewayResult<Ping> {
        Ok(Ping {
            server_time: Some(unix_now()),
            round_trip_ms: 0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::{ActionStatus, Channel, GatewayError, IntentStatus};

    fn sale(payment_id: &str, amount: i64) -> IntentRequest {
        IntentRequest {
            payment_id: payment_id.to_string(),
            order_id: format!("order-{payment_id}"),
            till_id: "T1".to_string(),
            receipt: "T1-000042".to_string(),
            amount,
            currency: "GBP".to_string(),
            channel: Channel::CardPresent,
            customer: None,
        }
    }

    fn demo_reader(gw: &DemoGateway) -> Reader {
        let readers = gw.readers().expect("readers");
        assert_eq!(readers.len(), 1, "demo mode has one reader");
        readers[0].clone()
    }

    #[test]
    fn demo_mode_has_one_reader_called_demo_reader_and_answers_ping_with_the_time() {
        let gw = DemoGateway::new();
        assert_eq!(gw.mode(), GatewayMode::Demo);
        let reader = demo_reader(&gw);
        assert_eq!(reader.label.as_deref(), Some(DEMO_READER_LABEL));
        assert_eq!(reader.state(), "online");
        let ping = gw.ping().expect("ping");
        let server = ping.server_time.expect("a time");
        assert!((server - unix_now()).abs() <= 2, "ping time {server}");
    }

    #[test]
    fn full_sale_create_process_present_capture() {
        let gw = DemoGateway::new();
        let reader = demo_reader(&gw).id;
        let intent = gw.create_intent(&sale("p1", 1999)).expect("create");
        assert_eq!(intent.status, IntentStatus::RequiresPaymentMethod);
        assert_eq!(intent.currency, "gbp");
        let again = gw.create_intent(&sale("p1", 1999)).expect("retry");
        assert_eq!(
            again.id, intent.id,
            "a retried create finds the same intent"
        );
        let r = gw
            .process_intent(&reader, &intent.id, "p1-process")
            .expect("process");
        assert_eq!(r.state(), "busy");
        let r = gw
            .present_card(&reader, TestCard::Approved)
            .expect("present");
        assert_eq!(r.action.map(|a| a.status), Some(ActionStatus::Succeeded));
        let authorised = gw.intent(&intent.id).expect("read");
        assert_eq!(authorised.status, IntentStatus::RequiresCapture);
        assert_eq!(authorised.card_last4.as_deref(), Some("4242"));
        let paid = gw
            .capture_intent(&intent.id, "p1-capture")
            .expect("capture");
        assert_eq!(paid.status, IntentStatus::Succeeded);
        assert_eq!(paid.amount_received, 1999);
        let refund = gw
            .refund(&RefundRequest {
                refund_key: "rf1".to_string(),
                intent: intent.id.clone(),
                amount: 500,
                order_id: "order-p1".to_string(),
                till_id: "T1".to_string(),
            })
            .expect("refund");
        assert_eq!(refund.amount, 500);
        assert_eq!(refund.intent.as_deref(), Some(intent.id.as_str()));
    }

    #[test]
    fn decline_then_retry_on_the_same_intent() {
        let gw = DemoGateway::new();
        let reader = demo_reader(&gw).id;
        let intent = gw.create_intent(&sale("p2", 700)).expect("create");
        gw.process_intent(&reader, &intent.id, "p2-process-1")
            .expect("process");
        let r = gw
            .present_card(&reader, TestCard::InsufficientFunds)
            .expect("present");
        let action = r.action.expect("action");
        assert_eq!(action.status, ActionStatus::Failed);
        assert_eq!(action.failure_code.as_deref(), Some("card_declined"));
        let declined = gw.intent(&intent.id).expect("read");
        assert_eq!(declined.status, IntentStatus::RequiresPaymentMethod);
        let decline = declined.last_error.expect("the decline");
        assert_eq!(decline.decline_code.as_deref(), Some("insufficient_funds"));
        assert!(decline.plain_words().contains("not enough funds"));
        gw.process_intent(&reader, &intent.id, "p2-process-2")
            .expect("retry");
        gw.present_card(&reader, TestCard::Approved)
            .expect("present");
        let paid = gw
            .capture_intent(&intent.id, "p2-capture")
            .expect("capture");
        assert_eq!(paid.status, IntentStatus::Succeeded);
    }

    #[test]
    fn cashier_cancels_while_the_reader_waits() {
        let gw = DemoGateway::new();
        let reader = demo_reader(&gw).id;
        let intent = gw.create_intent(&sale("p3", 300)).expect("create");
        gw.process_intent(&reader, &intent.id, "p3-process")
            .expect("process");
        let r = gw.cancel_action(&reader).expect("cancel action");
        assert_eq!(r.state(), "online");
        assert_eq!(
            r.action.and_then(|a| a.failure_code).as_deref(),
            Some("canceled")
        );
        let canceled = gw.cancel_intent(&intent.id).expect("cancel");
        assert_eq!(canceled.status, IntentStatus::Canceled);
        let err = gw
            .capture_intent(&intent.id, "p3-capture")
            .expect_err("a canceled intent cannot be captured");
        assert!(matches!(err, GatewayError::Rejected { .. }), "{err:?}");
    }

    #[test]
    fn offline_demo_reader_is_refused() {
        let gw = DemoGateway::new();
        let reader = demo_reader(&gw).id;
        let intent = gw.create_intent(&sale("p4", 300)).expect("create");
        gw.set_reader_online(&reader, false).expect("offline");
        let err = gw
            .process_intent(&reader, &intent.id, "p4-process")
            .expect_err("offline");
        assert!(
            matches!(&err, GatewayError::Rejected { code: Some(c), .. } if c == "terminal_reader_offline"),
            "{err:?}"
        );
    }
}
