-- VIP cards reported lost: a blocked UID identifies nobody and can never be linked again. The
-- customer it belonged to keeps their points (a new card links to them); the row says who
-- blocked it, when and why.
CREATE TABLE blocked_cards (
    uid          TEXT PRIMARY KEY CHECK (length(uid) IN (8, 14, 20)),
    customer_id  INTEGER REFERENCES customers (id),
    blocked_at   TEXT NOT NULL,
    staff_id     INTEGER REFERENCES staff (id),
    approved_by  INTEGER REFERENCES staff (id),
    reason       TEXT
) STRICT;

CREATE INDEX blocked_cards_customer ON blocked_cards (customer_id);

-- The store refuses a blocked card on a customer whatever writes it.
CREATE TRIGGER customers_card_not_blocked_insert BEFORE INSERT ON customers
WHEN NEW.card_uid IS NOT NULL AND EXISTS (SELECT 1 FROM blocked_cards WHERE uid = NEW.card_uid)
BEGIN
    SELECT RAISE(ABORT, 'card_uid is blocked');
END;

CREATE TRIGGER customers_card_not_blocked_update BEFORE UPDATE OF card_uid ON customers
WHEN NEW.card_uid IS NOT NULL AND EXISTS (SELECT 1 FROM blocked_cards WHERE uid = NEW.card_uid)
BEGIN
    SELECT RAISE(ABORT, 'card_uid is blocked');
END;
