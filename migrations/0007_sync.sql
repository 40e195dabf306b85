-- The till's side of the webhook relay.
--
-- The relay keeps Stripe's events for the shop; each till pulls those after its own cursor and
-- applies them idempotently: by event id (applied_events) and by the order's own state, so a
-- duplicate or an event out of order changes nothing Stripe's current view would not.

-- One row: where this till is in the relay's stream, and how the last pull went.
CREATE TABLE sync_state (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    cursor        INTEGER NOT NULL DEFAULT 0 CHECK (cursor >= 0),
    -- When the relay received the last event the cursor moved over.
    last_event_at TEXT,
    last_pull_at  TEXT,
    -- The last pull's problem, in plain words; NULL once a pull goes through.
    last_error    TEXT
) STRICT;

INSERT INTO sync_state (id, cursor) VALUES (1, 0);

-- Every Stripe event this till has dealt with, and what it came to.
CREATE TABLE applied_events (
    event_id   TEXT PRIMARY KEY,
    type       TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    result     TEXT NOT NULL
) STRICT;

-- A card payment the customer disputed with their bank (charge.dispute.created).
ALTER TABLE orders ADD COLUMN disputed INTEGER NOT NULL DEFAULT 0 CHECK (disputed IN (0, 1));
ALTER TABLE orders ADD COLUMN dispute_reason TEXT;
