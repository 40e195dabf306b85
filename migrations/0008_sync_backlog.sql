-- How many Stripe events the relay still held for this till after its last pull: the backlog
-- the till shows beside its sync status (0 once it has caught up).
ALTER TABLE sync_state ADD COLUMN backlog INTEGER NOT NULL DEFAULT 0 CHECK (backlog >= 0);
