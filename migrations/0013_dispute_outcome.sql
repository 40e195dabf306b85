-- Where a card holder's dispute stands, read from Stripe's own dispute: 'open' (no money moved
-- for good), 'won', or 'lost' (Stripe took the disputed amount back: booked as a refund made at
-- Stripe, by the dispute's id). NULL on an order never disputed.
ALTER TABLE orders ADD COLUMN dispute_status TEXT
    CHECK (dispute_status IN ('open', 'won', 'lost'));
ALTER TABLE orders ADD COLUMN dispute_id TEXT;

UPDATE orders SET dispute_status = 'open' WHERE disputed = 1;
