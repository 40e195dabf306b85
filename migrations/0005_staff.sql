-- Staff accounts: who may do what at the till (the role), a PIN kept only as an argon2id hash,
-- and the lock after wrong PINs. Orders, voids and refunds record who did them and, for a
-- manager's override, who approved.

CREATE TABLE staff (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
    role        TEXT NOT NULL CHECK (role IN ('cashier', 'manager', 'admin')),
    pin_hash    TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    wrong_pins  INTEGER NOT NULL DEFAULT 0 CHECK (wrong_pins >= 0),
    locked_until TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

-- Staff ids (staff rows are never deleted, only disabled); NULL on a store without staff.
ALTER TABLE orders ADD COLUMN staff_id INTEGER;
ALTER TABLE orders ADD COLUMN voided_by INTEGER;
ALTER TABLE refunds ADD COLUMN staff_id INTEGER;
ALTER TABLE refunds ADD COLUMN approved_by INTEGER;

CREATE INDEX orders_staff ON orders (staff_id, business_day);
CREATE INDEX refunds_staff ON refunds (staff_id, business_day);
