-- Customers edited, merged and erased. A merged record points at the one it went into (its
-- orders, cards and points moved there; the record stays for the ledger's history). An erased
-- record keeps its id, points and orders with the personal fields gone, and when that was done.

ALTER TABLE customers ADD COLUMN merged_into INTEGER REFERENCES customers (id);
ALTER TABLE customers ADD COLUMN erased_at TEXT;
