-- A sale gets its receipt number when it is paid, not when a card is first asked for. A card sale
-- is written before the card is taken (nothing may be lost if the till stops mid-payment), so
-- until now each declined or abandoned card try used up a number, leaving gaps in the receipts.
-- From now on an order waiting for its card, or whose card was not taken, has no number; the
-- next tender pays the same order (its failed card payments stay in its history) and numbers it.
-- Orders numbered before this change keep their numbers.
--
-- SQLite cannot relax NOT NULL in place, so the table is rebuilt (the documented procedure:
-- the store's migrations run with foreign keys off and check them before each commit). Its
-- columns, indexes and triggers are those of migrations 0001 to 0017.

CREATE TABLE orders_numbered_when_paid (
    id              TEXT PRIMARY KEY,
    till_id         TEXT NOT NULL,
    number          INTEGER,
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
    staff_id        INTEGER,
    voided_by       INTEGER,
    disputed        INTEGER NOT NULL DEFAULT 0 CHECK (disputed IN (0, 1)),
    dispute_reason  TEXT,
    dispute_status  TEXT CHECK (dispute_status IN ('open', 'won', 'lost')),
    dispute_id      TEXT,
    shift_id        INTEGER REFERENCES shifts (id),
    z_number        INTEGER,
    void_shift_id   INTEGER REFERENCES shifts (id),
    void_z_number   INTEGER,
    UNIQUE (till_id, number),
    -- Only a sale that was never paid may be without a number.
    CHECK (number IS NOT NULL OR status IN ('open', 'payment_pending', 'payment_failed'))
) STRICT;

INSERT INTO orders_numbered_when_paid (id, till_id, number, status, currency, tax_mode,
    rounding_rule, subtotal, discount_total, order_discount, tax_total, total, cash_rounding,
    change_given, refunded_total, refunded_tax, customer_id, points_earned, points_redeemed,
    points_reversed, created_at, business_day, hour, voided_at, staff_id, voided_by, disputed,
    dispute_reason, dispute_status, dispute_id, shift_id, z_number, void_shift_id, void_z_number)
SELECT id, till_id, number, status, currency, tax_mode,
    rounding_rule, subtotal, discount_total, order_discount, tax_total, total, cash_rounding,
    change_given, refunded_total, refunded_tax, customer_id, points_earned, points_redeemed,
    points_reversed, created_at, business_day, hour, voided_at, staff_id, voided_by, disputed,
    dispute_reason, dispute_status, dispute_id, shift_id, z_number, void_shift_id, void_z_number
FROM orders;

DROP TABLE orders;
ALTER TABLE orders_numbered_when_paid RENAME TO orders;

CREATE INDEX orders_day ON orders (business_day, hour);
CREATE INDEX orders_status ON orders (status);
CREATE INDEX orders_customer ON orders (customer_id);
CREATE INDEX orders_newest ON orders (created_at DESC, number DESC);
CREATE INDEX orders_number ON orders (number);
CREATE INDEX orders_staff ON orders (staff_id, business_day);
CREATE INDEX orders_payment_pending ON orders (created_at) WHERE status = 'payment_pending';
CREATE INDEX orders_shift ON orders (shift_id);
CREATE INDEX orders_void_shift ON orders (void_shift_id) WHERE void_shift_id IS NOT NULL;
CREATE INDEX orders_not_in_z ON orders (till_id) WHERE z_number IS NULL;
CREATE INDEX orders_void_not_in_z ON orders (till_id) WHERE void_z_number IS NULL AND status = 'voided';
CREATE INDEX orders_z ON orders (till_id, z_number);

CREATE TRIGGER orders_in_shift AFTER INSERT ON orders
BEGIN
    UPDATE orders
    SET shift_id = (SELECT id FROM shifts WHERE till_id = NEW.till_id AND closed_at IS NULL)
    WHERE id = NEW.id;
END;
CREATE TRIGGER orders_voided_in_shift AFTER UPDATE OF status ON orders
WHEN NEW.status = 'voided' AND OLD.status <> 'voided'
BEGIN
    UPDATE orders
    SET void_shift_id = (SELECT id FROM shifts WHERE till_id = NEW.till_id AND closed_at IS NULL)
    WHERE id = NEW.id;
END;
