-- Each till's newest signed journal head, as the till sent it: a copy of where its journal stood
-- that the till's store file cannot rewrite. Only ever moves forward, under the same key.
CREATE TABLE journal_heads (
    till        INTEGER PRIMARY KEY REFERENCES tills(id),
    seq         INTEGER NOT NULL,
    hash        TEXT    NOT NULL,
    public_key  TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    received_at INTEGER NOT NULL
) STRICT;
