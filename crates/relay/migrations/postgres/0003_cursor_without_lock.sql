-- Cursors without a lock held across the network. An event's cursor is now drawn from the
-- transaction that stores it: its transaction id shifted left 16 bits, plus its place in the
-- commit's batch (below 65,536). Every event of one commit shares the upper bits, and a
-- transaction that starts later has a larger id, so a reader that serves only cursors below
-- `pg_snapshot_xmin(pg_current_snapshot()) << 16` (the oldest transaction still running) never
-- serves a cursor that an event committing later could come in under. Appends take no lock:
-- instances, and the shops within one, do not wait on each other.

ALTER TABLE events ALTER COLUMN seq DROP IDENTITY;

-- No per-row check that the shop exists: it cost a query and a row lock on the shop for every
-- event (shared between instances, a multixact), and an event is only ever stored for a shop
-- just read from `shops`, which are never deleted.
ALTER TABLE events DROP CONSTRAINT events_shop_fkey;

-- Cursors already given out stay below every new one, so a till resumes where it was.
DO $$
BEGIN
    IF (SELECT coalesce(max(seq), 0) FROM events) >= (pg_current_xact_id()::text::bigint << 16) THEN
        RAISE EXCEPTION 'events.seq already reaches the new cursors; the relay cannot move to them';
    END IF;
END
$$;

-- One index for what the relay looks up by cursor (a shop's events after one), which also keeps
-- cursors unique: each stored event updates two indexes, not three.
CREATE UNIQUE INDEX events_by_shop_and_cursor ON events (shop, seq);
ALTER TABLE events DROP CONSTRAINT events_pkey;
ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_by_shop_and_cursor;
DROP INDEX events_by_shop;
