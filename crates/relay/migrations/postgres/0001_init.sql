-- The relay's schema on PostgreSQL, for several relay instances sharing one database: the same
-- tables as the embedded store (shops, their sealed webhook signing secrets, their tills' hashed
-- tokens and the events received for them). `events.seq` is the cursor tills resume from.

CREATE TABLE shops (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       TEXT   NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

-- Sealed with the relay's master key (XChaCha20-Poly1305 ciphertext with its tag, its nonce, and
-- HMAC-SHA256(master key, secret) in hex to find a row by the secret); never in the clear.
CREATE TABLE secrets (
    id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shop        BIGINT  NOT NULL REFERENCES shops(id),
    sealed      BYTEA   NOT NULL,
    nonce       BYTEA   NOT NULL,
    fingerprint TEXT    NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    added_at    BIGINT  NOT NULL,
    retired_at  BIGINT,
    UNIQUE (shop, fingerprint)
);

CREATE TABLE tills (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shop       BIGINT NOT NULL REFERENCES shops(id),
    name       TEXT   NOT NULL,
    token_hash TEXT   NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

-- One live till per name in a shop; revoked tills keep their row for the record.
CREATE UNIQUE INDEX tills_live_name ON tills (shop, name) WHERE revoked_at IS NULL;

-- Appends take a per-shop advisory lock before drawing `seq`, so within a shop cursors are
-- committed in order and a till reading after a cursor never skips a later commit.
CREATE TABLE events (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shop        BIGINT NOT NULL REFERENCES shops(id),
    event_id    TEXT   NOT NULL,
    type        TEXT   NOT NULL,
    payload     TEXT   NOT NULL,
    received_at BIGINT NOT NULL,
    UNIQUE (shop, event_id)
);

CREATE INDEX events_by_shop ON events (shop, seq);
