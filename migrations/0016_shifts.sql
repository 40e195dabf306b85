-- Shifts and cash-up. A till opens a shift with a float counted by denomination; one shift is
-- open per till. Sales, refunds, voids and the drawer's openings made while a shift is open are
-- stamped with it (triggers below, whichever code path writes them), so the cash the drawer
-- should hold is the float plus the shift's cash movements. Closing counts the drawer and makes
-- the Z: the next number of a gapless series per till, covering every order, refund and void not
-- yet in a Z (each is in exactly one), kept as it was printed and never changed.

CREATE TABLE shifts (
    id          INTEGER PRIMARY KEY,
    till_id     TEXT NOT NULL,
    opened_at   TEXT NOT NULL,
    opened_by   INTEGER,
    float       INTEGER NOT NULL CHECK (float >= 0),
    -- The float as counted: [{"minor": 2000, "count": 3}, …].
    float_count TEXT NOT NULL,
    closed_at   TEXT,
    closed_by   INTEGER,
    z_number    INTEGER CHECK (z_number >= 1),
    CHECK ((closed_at IS NULL) = (z_number IS NULL))
) STRICT;

CREATE UNIQUE INDEX shifts_one_open ON shifts (till_id) WHERE closed_at IS NULL;
CREATE UNIQUE INDEX shifts_z ON shifts (till_id, z_number);

-- A closed shift is never reopened or changed.
CREATE TRIGGER shifts_closed_stay_closed BEFORE UPDATE ON shifts WHEN OLD.closed_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a closed shift cannot be reopened or changed');
END;
CREATE TRIGGER shifts_never_removed BEFORE DELETE ON shifts
BEGIN
    SELECT RAISE(ABORT, 'a shift is never removed');
END;

-- Cash put in or taken out of the drawer during a shift, besides sales and refunds.
CREATE TABLE cash_movements (
    id          INTEGER PRIMARY KEY,
    shift_id    INTEGER NOT NULL REFERENCES shifts (id),
    kind        TEXT NOT NULL CHECK (kind IN ('paid_in', 'paid_out', 'drop')),
    amount      INTEGER NOT NULL CHECK (amount > 0),
    reason      TEXT,
    staff_id    INTEGER,
    approved_by INTEGER,
    at          TEXT NOT NULL,
    CHECK ((kind = 'drop') OR (reason IS NOT NULL))
) STRICT;

CREATE INDEX cash_movements_shift ON cash_movements (shift_id);

CREATE TRIGGER cash_movements_in_open_shift BEFORE INSERT ON cash_movements
WHEN (SELECT closed_at FROM shifts WHERE id = NEW.shift_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'the shift is closed');
END;
CREATE TRIGGER cash_movements_kept BEFORE UPDATE ON cash_movements
BEGIN
    SELECT RAISE(ABORT, 'a cash movement is never changed');
END;
CREATE TRIGGER cash_movements_never_removed BEFORE DELETE ON cash_movements
BEGIN
    SELECT RAISE(ABORT, 'a cash movement is never removed');
END;

-- Who worked the till during a shift: each sign-in while it was open.
CREATE TABLE shift_staff (
    shift_id INTEGER NOT NULL REFERENCES shifts (id),
    staff_id INTEGER NOT NULL,
    at       TEXT NOT NULL
) STRICT;

CREATE INDEX shift_staff_shift ON shift_staff (shift_id);

-- The Z reports, as printed. `report` is the Z's figures (JSON), `printed` its lines.
CREATE TABLE z_reports (
    till_id     TEXT NOT NULL,
    z_number    INTEGER NOT NULL CHECK (z_number >= 1),
    shift_id    INTEGER NOT NULL UNIQUE REFERENCES shifts (id),
    closed_at   TEXT NOT NULL,
    counted     INTEGER NOT NULL,
    expected    INTEGER NOT NULL,
    grand_total INTEGER NOT NULL,
    journal_seq INTEGER NOT NULL,
    report      TEXT NOT NULL,
    printed     TEXT NOT NULL,
    PRIMARY KEY (till_id, z_number)
) STRICT;

CREATE TRIGGER z_reports_kept BEFORE UPDATE ON z_reports
BEGIN
    SELECT RAISE(ABORT, 'a Z report is kept as it was printed');
END;
CREATE TRIGGER z_reports_never_removed BEFORE DELETE ON z_reports
BEGIN
    SELECT RAISE(ABORT, 'a Z report is never removed');
END;

-- What was done during which shift, and which Z each order, refund and void is in.
ALTER TABLE orders ADD COLUMN shift_id INTEGER REFERENCES shifts (id);
ALTER TABLE orders ADD COLUMN z_number INTEGER;
ALTER TABLE orders ADD COLUMN void_shift_id INTEGER REFERENCES shifts (id);
ALTER TABLE orders ADD COLUMN void_z_number INTEGER;
ALTER TABLE refunds ADD COLUMN shift_id INTEGER REFERENCES shifts (id);
ALTER TABLE refunds ADD COLUMN z_number INTEGER;
ALTER TABLE drawer_openings ADD COLUMN shift_id INTEGER REFERENCES shifts (id);

CREATE INDEX orders_shift ON orders (shift_id);
CREATE INDEX orders_void_shift ON orders (void_shift_id) WHERE void_shift_id IS NOT NULL;
CREATE INDEX orders_not_in_z ON orders (till_id) WHERE z_number IS NULL;
CREATE INDEX orders_void_not_in_z ON orders (till_id) WHERE void_z_number IS NULL AND status = 'voided';
CREATE INDEX orders_z ON orders (till_id, z_number);
CREATE INDEX refunds_shift ON refunds (shift_id);
CREATE INDEX refunds_not_in_z ON refunds (z_number) WHERE z_number IS NULL;
CREATE INDEX drawer_openings_shift ON drawer_openings (shift_id);

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
CREATE TRIGGER refunds_in_shift AFTER INSERT ON refunds
BEGIN
    UPDATE refunds
    SET shift_id = (SELECT id FROM shifts WHERE closed_at IS NULL
                    AND till_id = (SELECT value FROM settings WHERE key = 'till_id'))
    WHERE id = NEW.id;
END;
CREATE TRIGGER drawer_openings_in_shift AFTER INSERT ON drawer_openings
BEGIN
    UPDATE drawer_openings
    SET shift_id = (SELECT id FROM shifts WHERE till_id = NEW.till_id AND closed_at IS NULL)
    WHERE id = NEW.id;
END;
