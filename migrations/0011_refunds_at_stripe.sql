-- Refunds made at Stripe, not by the till (the Dashboard, Stripe's support): booked at the till
-- from Stripe's own refund object, once, by Stripe's id for it (`re_…`). NULL for the till's own
-- refunds (a card part of those has its Stripe id in card_refunds).
ALTER TABLE refunds ADD COLUMN stripe_refund_id TEXT;

CREATE UNIQUE INDEX refunds_at_stripe ON refunds (stripe_refund_id)
    WHERE stripe_refund_id IS NOT NULL;
