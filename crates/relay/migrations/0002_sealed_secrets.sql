-- Webhook signing secrets are kept sealed with the relay's master key (which lives only in the
-- service's environment), never in the clear: XChaCha20-Poly1305 ciphertext with its tag, the
-- random nonce it was sealed under, and HMAC-SHA256(master key, secret) in hex to find a row by
-- the secret without opening every one.
--
-- The relay had not been deployed when the secrets were stored in the clear, so there are no rows
-- to carry over: the table is dropped and created anew rather than converted.

DROP TABLE secrets;

CREATE TABLE secrets (
    id          INTEGER PRIMARY KEY,
    shop        INTEGER NOT NULL REFERENCES shops(id),
    sealed      BLOB    NOT NULL,
    nonce       BLOB    NOT NULL,
    fingerprint TEXT    NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    added_at    INTEGER NOT NULL,
    retired_at  INTEGER,
    UNIQUE (shop, fingerprint)
) STRICT;
