-- The journal's anchor: each till's newest journal entry, signed (ed25519) with this store's
-- journal key, which lives in the OS keychain and never in the store. Someone who can write
-- this file can rewrite the journal and recompute every hash, but cannot sign its new head.
-- `journal_key_id` names the store's key in the keychain; a backup restored keeps it.
CREATE TABLE journal_anchor (
    till_id    TEXT PRIMARY KEY,
    seq        INTEGER NOT NULL,
    hash       TEXT NOT NULL,
    public_key TEXT NOT NULL,
    signature  TEXT NOT NULL
) STRICT;

INSERT OR IGNORE INTO settings (key, value)
    VALUES ('journal_key_id', lower(hex(randomblob(16))));
