-- Card payments through Stripe Terminal.
--
-- A card sale is written before any network call: the order as 'payment_pending' with its lines
-- and its payments 'pending' (the card payment's id is the Stripe idempotency key). Stock, rollups,
-- earned points and the 'sale' journal entry follow only once Stripe says the PaymentIntent
-- succeeded; a declined or abandoned card leaves the order 'payment_failed'. An order still
-- 'payment_pending' when nobody is working on it is a payment in doubt, settled from Stripe's own
-- view of its PaymentIntent.

ALTER TABLE payments ADD COLUMN intent_id TEXT;
ALTER TABLE payments ADD COLUMN gateway_mode TEXT CHECK (gateway_mode IN ('demo', 'test', 'live'));
ALTER TABLE payments ADD COLUMN reader_id TEXT;
ALTER TABLE payments ADD COLUMN card_brand TEXT;
ALTER TABLE payments ADD COLUMN card_last4 TEXT;
-- The last decline, in plain words, while the cashier decides to retry or switch tender.
ALTER TABLE payments ADD COLUMN decline TEXT;

CREATE UNIQUE INDEX payments_intent ON payments (intent_id) WHERE intent_id IS NOT NULL;
CREATE INDEX orders_payment_pending ON orders (created_at) WHERE status = 'payment_pending';

-- Refunds to a card: written 'pending' before Stripe is asked (the id is the idempotency key),
-- settled with the till's refund in one transaction once Stripe answers.
CREATE TABLE card_refunds (
    id               TEXT PRIMARY KEY,
    refund_id        TEXT NOT NULL,
    order_id         TEXT NOT NULL REFERENCES orders (id),
    payment_id       TEXT NOT NULL REFERENCES payments (id),
    intent_id        TEXT NOT NULL,
    amount           INTEGER NOT NULL CHECK (amount > 0),
    status           TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    stripe_refund_id TEXT,
    failure          TEXT,
    -- What was asked ({"request", "restock", "staff_id", "approved_by"}), to finish it after a crash.
    request          TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    settled_at       TEXT
) STRICT;

CREATE INDEX card_refunds_pending ON card_refunds (order_id) WHERE status = 'pending';
CREATE INDEX card_refunds_refund ON card_refunds (refund_id);
