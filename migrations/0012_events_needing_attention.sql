-- Stripe events from the relay that the till could not apply. A failure is tried again on the
-- next pulls (state 'trying'; the cursor waits before the event); after a few tries, or at once
-- for an event that can never be applied (unreadable, no id or type), the event is set aside
-- ('set_aside') with its reason and the cursor moves past it, so the events behind it are
-- applied. A manager then retries it ('applied' once it goes through) or dismisses it with a
-- reason ('dismissed'); each step is journaled.
CREATE TABLE sync_attention (
    event_id     TEXT PRIMARY KEY,
    -- The relay's cursor of the event.
    cursor       INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    -- The event as the relay sent it, byte for byte (it may not be JSON a till can read).
    payload      TEXT NOT NULL,
    reason       TEXT NOT NULL,
    tries        INTEGER NOT NULL CHECK (tries >= 1),
    state        TEXT NOT NULL CHECK (state IN ('trying', 'set_aside', 'applied', 'dismissed')),
    first_at     TEXT NOT NULL,
    last_at      TEXT NOT NULL,
    resolved_by  INTEGER REFERENCES staff (id),
    note         TEXT
) STRICT;

CREATE INDEX sync_attention_waiting ON sync_attention (state) WHERE state = 'set_aside';

-- When a till following the relay tries again after a pull that failed or left an event for
-- later (NULL while nothing waits).
ALTER TABLE sync_state ADD COLUMN retry_at TEXT;
