-- The till's local store: shop settings, catalog, customers and points, orders, refunds,
-- parked carts, the hash-chained journal, and the report rollups.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE tax_rates (
    name         TEXT PRIMARY KEY,
    basis_points INTEGER NOT NULL CHECK (basis_points BETWEEN 0 AND 10000),
    is_default   INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1))
) STRICT;

CREATE TABLE products (
    id            INTEGER PRIMARY KEY,
    sku           TEXT NOT NULL UNIQUE,
    barcode       TEXT UNIQUE,
    name          TEXT NOT NULL CHECK (length(name) > 0),
    price         INTEGER NOT NULL CHECK (price >= 0),
    tax_rate      TEXT NOT NULL REFERENCES tax_rates (name),
    stock         INTEGER NOT NULL DEFAULT 0,
    reorder_level INTEGER,
    category      TEXT,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    updated_at    TEXT NOT NULL
) STRICT;

CREATE INDEX products_name ON products (name COLLATE NOCASE);
CREATE INDEX products_category ON products (category);

CREATE VIRTUAL TABLE products_fts USING fts5 (
    name, sku, barcode, category,
    content = 'products', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN
    INSERT INTO products_fts (rowid, name, sku, barcode, category)
    VALUES (new.id, new.name, new.sku, new.barcode, new.category);
END;

CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN
    INSERT INTO products_fts (products_fts, rowid, name, sku, barcode, category)
    VALUES ('delete', old.id, old.name, old.sku, old.barcode, old.category);
END;

CREATE TRIGGER products_fts_update AFTER UPDATE OF name, sku, barcode, category ON products BEGIN
    INSERT INTO products_fts (products_fts, rowid, name, sku, barcode, category)
    VALUES ('delete', old.id, old.name, old.sku, old.barcode, old.category);
    INSERT INTO products_fts (rowid, name, sku, barcode, category)
    VALUES (new.id, new.name, new.sku, new.barcode, new.category);
END;

CREATE TABLE customers (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL CHECK (length(name) > 0),
    email          TEXT,
    phone          TEXT,
    card_uid       TEXT UNIQUE,
    points_balance INTEGER NOT NULL DEFAULT 0 CHECK (points_balance >= 0),
    created_at     TEXT NOT NULL
) STRICT;

CREATE INDEX customers_name ON customers (name COLLATE NOCASE);

CREATE TABLE orders (
    id              TEXT PRIMARY KEY,
    till_id         TEXT NOT NULL,
    number          INTEGER NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('open', 'payment_pending', 'payment_failed',
                        'paid', 'partially_refunded', 'refunded', 'voided')),
    currency        TEXT NOT NULL,
    tax_mode        TEXT NOT NULL CHECK (tax_mode IN ('inclusive', 'exclusive')),
    rounding_rule   TEXT NOT NULL,
    subtotal        INTEGER NOT NULL,
    discount_total  INTEGER NOT NULL,
    order_discount  TEXT,
    tax_total       INTEGER NOT NULL,
    total           INTEGER NOT NULL,
    cash_rounding   INTEGER NOT NULL DEFAULT 0,
    change_given    INTEGER NOT NULL DEFAULT 0,
    refunded_total  INTEGER NOT NULL DEFAULT 0,
    refunded_tax    INTEGER NOT NULL DEFAULT 0,
    customer_id     INTEGER REFERENCES customers (id),
    points_earned   INTEGER NOT NULL DEFAULT 0,
    points_redeemed INTEGER NOT NULL DEFAULT 0,
    points_reversed INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    business_day    TEXT NOT NULL,
    hour            INTEGER NOT NULL,
    voided_at       TEXT,
    UNIQUE (till_id, number)
) STRICT;

CREATE INDEX orders_day ON orders (business_day, hour);
CREATE INDEX orders_status ON orders (status);
CREATE INDEX orders_customer ON orders (customer_id);

CREATE TABLE order_lines (
    order_id             TEXT NOT NULL REFERENCES orders (id),
    line_no              INTEGER NOT NULL,
    product_id           INTEGER NOT NULL REFERENCES products (id),
    sku                  TEXT NOT NULL,
    name                 TEXT NOT NULL,
    unit_price           INTEGER NOT NULL,
    quantity             INTEGER NOT NULL CHECK (quantity > 0),
    line_discount        INTEGER NOT NULL,
    discount_label       TEXT,
    order_discount_share INTEGER NOT NULL,
    tax_rate_name        TEXT NOT NULL,
    tax_basis_points     INTEGER NOT NULL,
    net                  INTEGER NOT NULL,
    tax                  INTEGER NOT NULL,
    gross                INTEGER NOT NULL,
    refunded_quantity    INTEGER NOT NULL DEFAULT 0 CHECK (refunded_quantity <= quantity),
    refunded_amount      INTEGER NOT NULL DEFAULT 0,
    refunded_tax         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (order_id, line_no)
) STRICT, WITHOUT ROWID;

CREATE TABLE payments (
    id              TEXT PRIMARY KEY,
    order_id        TEXT NOT NULL REFERENCES orders (id),
    seq             INTEGER NOT NULL,
    tender          TEXT NOT NULL CHECK (tender IN ('cash', 'card', 'points')),
    status          TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'canceled')),
    amount          INTEGER NOT NULL,
    tendered        INTEGER,
    change_given    INTEGER NOT NULL DEFAULT 0,
    points          INTEGER NOT NULL DEFAULT 0,
    refunded        INTEGER NOT NULL DEFAULT 0,
    points_returned INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    UNIQUE (order_id, seq)
) STRICT;

CREATE TABLE refunds (
    id              TEXT PRIMARY KEY,
    order_id        TEXT NOT NULL REFERENCES orders (id),
    kind            TEXT NOT NULL CHECK (kind IN ('whole', 'lines', 'amount')),
    amount          INTEGER NOT NULL,
    tax             INTEGER NOT NULL,
    cash_rounding   INTEGER NOT NULL,
    points_reversed INTEGER NOT NULL,
    points_shortfall INTEGER NOT NULL DEFAULT 0,
    restock         INTEGER NOT NULL CHECK (restock IN (0, 1)),
    created_at      TEXT NOT NULL,
    business_day    TEXT NOT NULL,
    hour            INTEGER NOT NULL
) STRICT;

CREATE INDEX refunds_order ON refunds (order_id);

CREATE TABLE refund_lines (
    refund_id TEXT NOT NULL REFERENCES refunds (id),
    line_no   INTEGER NOT NULL,
    quantity  INTEGER NOT NULL,
    amount    INTEGER NOT NULL,
    tax       INTEGER NOT NULL,
    PRIMARY KEY (refund_id, line_no)
) STRICT, WITHOUT ROWID;

CREATE TABLE refund_tenders (
    refund_id  TEXT NOT NULL REFERENCES refunds (id),
    payment_id TEXT NOT NULL REFERENCES payments (id),
    tender     TEXT NOT NULL,
    amount     INTEGER NOT NULL,
    paid_out   INTEGER NOT NULL,
    points     INTEGER NOT NULL,
    PRIMARY KEY (refund_id, payment_id)
) STRICT, WITHOUT ROWID;

-- Append-only: `key` makes each earn, redemption and reversal happen exactly once.
CREATE TABLE points_ledger (
    id            INTEGER PRIMARY KEY,
    key           TEXT NOT NULL UNIQUE,
    customer_id   INTEGER NOT NULL REFERENCES customers (id),
    order_id      TEXT REFERENCES orders (id),
    kind          TEXT NOT NULL CHECK (kind IN ('earn', 'redeem', 'reverse_earn',
                      'return_redeem', 'adjust')),
    points        INTEGER NOT NULL,
    balance_after INTEGER NOT NULL CHECK (balance_after >= 0),
    note          TEXT,
    at            TEXT NOT NULL
) STRICT;

CREATE INDEX points_ledger_customer ON points_ledger (customer_id, id);

CREATE TRIGGER points_ledger_no_update BEFORE UPDATE ON points_ledger BEGIN
    SELECT RAISE(ABORT, 'the points ledger is append-only');
END;
CREATE TRIGGER points_ledger_no_delete BEFORE DELETE ON points_ledger BEGIN
    SELECT RAISE(ABORT, 'the points ledger is append-only');
END;

CREATE TABLE parked_carts (
    id          INTEGER PRIMARY KEY,
    till_id     TEXT NOT NULL,
    cart        TEXT NOT NULL,
    customer_id INTEGER REFERENCES customers (id),
    note        TEXT,
    parked_at   TEXT NOT NULL
) STRICT;

CREATE TABLE receipt_counters (
    till_id     TEXT PRIMARY KEY,
    last_number INTEGER NOT NULL
) STRICT;

-- The journal: per-till gapless sequence, each entry hashing the previous one.
CREATE TABLE journal (
    till_id   TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    at        TEXT NOT NULL,
    kind      TEXT NOT NULL,
    ref_id    TEXT,
    payload   TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL,
    PRIMARY KEY (till_id, seq)
) STRICT, WITHOUT ROWID;

CREATE INDEX journal_ref ON journal (ref_id);

CREATE TABLE journal_head (
    till_id TEXT PRIMARY KEY,
    seq     INTEGER NOT NULL,
    hash    TEXT NOT NULL
) STRICT;

CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal BEGIN
    SELECT RAISE(ABORT, 'the journal is append-only');
END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal BEGIN
    SELECT RAISE(ABORT, 'the journal is append-only');
END;

-- Report rollups, kept in the same transaction as each sale, refund and void.
CREATE TABLE sales_by_hour (
    business_day TEXT NOT NULL,
    hour         INTEGER NOT NULL,
    orders       INTEGER NOT NULL DEFAULT 0,
    items        INTEGER NOT NULL DEFAULT 0,
    gross        INTEGER NOT NULL DEFAULT 0,
    discounts    INTEGER NOT NULL DEFAULT 0,
    tax          INTEGER NOT NULL DEFAULT 0,
    refunds      INTEGER NOT NULL DEFAULT 0,
    refund_tax   INTEGER NOT NULL DEFAULT 0,
    refund_count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (business_day, hour)
) STRICT, WITHOUT ROWID;

CREATE TABLE sales_by_product (
    business_day      TEXT NOT NULL,
    product_id        INTEGER NOT NULL,
    quantity          INTEGER NOT NULL DEFAULT 0,
    gross             INTEGER NOT NULL DEFAULT 0,
    refunded_quantity INTEGER NOT NULL DEFAULT 0,
    refunds           INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (business_day, product_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE sales_by_tender (
    business_day TEXT NOT NULL,
    tender       TEXT NOT NULL,
    payments     INTEGER NOT NULL DEFAULT 0,
    amount       INTEGER NOT NULL DEFAULT 0,
    refunds      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (business_day, tender)
) STRICT, WITHOUT ROWID;
