-- The relay's schema: shops, their webhook signing secrets, their tills' tokens (hashed) and the
-- events received for them. `events.seq` is the cursor tills resume from.

CREATE TABLE shops (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE secrets (
    id         INTEGER PRIMARY KEY,
    shop       INTEGER NOT NULL REFERENCES shops(id),
    secret     TEXT    NOT NULL,
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    added_at   INTEGER NOT NULL,
    retired_at INTEGER,
    UNIQUE (shop, secret)
) STRICT;

CREATE TABLE tills (
    id         INTEGER PRIMARY KEY,
    shop       INTEGER NOT NULL REFERENCES shops(id),
    name       TEXT    NOT NULL,
    token_hash TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
) STRICT;

-- One live till per name in a shop; revoked tills keep their row for the record.
CREATE UNIQUE INDEX tills_live_name ON tills (shop, name) WHERE revoked_at IS NULL;

CREATE TABLE events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    shop        INTEGER NOT NULL REFERENCES shops(id),
    event_id    TEXT    NOT NULL,
    type        TEXT    NOT NULL,
    payload     TEXT    NOT NULL,
    received_at INTEGER NOT NULL,
    UNIQUE (shop, event_id)
) STRICT;

CREATE INDEX events_by_shop ON events (shop, seq);
