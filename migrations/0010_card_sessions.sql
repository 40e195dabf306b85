-- Card sessions: the card payment being taken on a reader ('taking') and those declined or
-- canceled that wait for their cashier to try again or give the card up ('held').
--
-- Every process on the store (the desktop till, `versapos reconcile`, `versapos sync`) reads
-- these rows and leaves a payment whose session has a live owner alone: a customer tapping
-- their card is never canceled under them by a settlement run elsewhere. The owner is the process
-- that holds the session (`owner`: its process id and start time, e.g. 4242-1764320000123); it is
-- alive while it holds its lock file beside the store (leases/OWNER.lock), which the operating
-- system releases the moment the process ends. A session whose owner is gone makes its payment
-- in doubt, settled from Stripe as any other. A settled payment's session is removed in the
-- transaction that settles it.
CREATE TABLE card_sessions (
    payment_id TEXT PRIMARY KEY REFERENCES payments (id),
    state      TEXT NOT NULL CHECK (state IN ('taking', 'held')),
    owner      TEXT NOT NULL,
    owner_pid  INTEGER NOT NULL,
    -- Who started (or last retried) the card payment; NULL on a store without staff.
    staff_id   INTEGER REFERENCES staff (id),
    started_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE INDEX card_sessions_owner ON card_sessions (owner);
