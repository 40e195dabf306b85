-- Receipts and the cash drawer. A line sold at another price than the catalog's keeps the
-- catalog's price, so the receipt can mark the override. The drawer's openings are counted:
-- once for a sale or refund with a cash part (Retry after a printer problem does not open it
-- twice), and each "No sale", with who opened it and the manager who approved it.
ALTER TABLE order_lines ADD COLUMN catalog_price INTEGER;

-- A card payment's authorisation code from the card's issuer, printed on its receipt.
ALTER TABLE payments ADD COLUMN authorization_code TEXT;

CREATE TABLE drawer_openings (
    id           INTEGER PRIMARY KEY,
    reason       TEXT NOT NULL CHECK (reason IN ('sale', 'refund', 'no_sale')),
    order_id     TEXT REFERENCES orders (id),
    refund_id    TEXT REFERENCES refunds (id),
    till_id      TEXT NOT NULL,
    staff_id     INTEGER,
    approved_by  INTEGER,
    opened_at    TEXT NOT NULL,
    business_day TEXT NOT NULL,
    CHECK ((reason = 'sale') = (order_id IS NOT NULL AND refund_id IS NULL)),
    CHECK ((reason = 'refund') = (refund_id IS NOT NULL))
) STRICT;

CREATE UNIQUE INDEX drawer_openings_sale ON drawer_openings (order_id) WHERE reason = 'sale';
CREATE UNIQUE INDEX drawer_openings_refund ON drawer_openings (refund_id) WHERE reason = 'refund';
CREATE INDEX drawer_openings_day ON drawer_openings (business_day, till_id);

-- The shop's logo printed at the top of each receipt (a PNG, at most 512 KB), kept in the store so
-- that a backup holds it.
CREATE TABLE receipt_logo (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    png        BLOB NOT NULL CHECK (length(png) BETWEEN 1 AND 524288),
    updated_at TEXT NOT NULL
) STRICT;
