-- The manager's order list: newest first without sorting every order, and a search by the
-- receipt's number.

CREATE INDEX orders_newest ON orders (created_at DESC, number DESC);
CREATE INDEX orders_number ON orders (number);
