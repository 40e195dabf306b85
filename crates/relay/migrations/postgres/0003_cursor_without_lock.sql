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

-- Stores a commit's batch in one statement and tells every instance which shops got events and
-- their newest cursor ("shop:cursor,…"; empty when that would not fit a notification). Returns
-- the cursors of the events stored; an event already stored (by id, per shop) is skipped, and
-- its place in the batch is the cursor's lower 16 bits.
CREATE FUNCTION relay_append(
    shops BIGINT[], event_ids TEXT[], types TEXT[], payloads TEXT[], received BIGINT[]
) RETURNS SETOF BIGINT LANGUAGE plpgsql AS $$
DECLARE
    stored_seqs  BIGINT[];
    stored_shops BIGINT[];
    told         TEXT;
BEGIN
    WITH stored AS (
        INSERT INTO events (seq, shop, event_id, type, payload, received_at)
        SELECT (pg_current_xact_id()::text::bigint << 16) + b.place, b.shop, b.event_id, b.type,
               b.payload, b.received_at
        FROM unnest(shops, event_ids, types, payloads, received)
             WITH ORDINALITY AS b(shop, event_id, type, payload, received_at, place)
        ORDER BY b.place
        ON CONFLICT (shop, event_id) DO NOTHING
        RETURNING seq, shop
    )
    SELECT array_agg(seq), array_agg(shop) INTO stored_seqs, stored_shops FROM stored;
    IF stored_seqs IS NULL THEN
        RETURN;
    END IF;
    SELECT string_agg(s.shop || ':' || s.newest, ',') INTO told
    FROM (SELECT u.shop, max(u.seq) AS newest
          FROM unnest(stored_seqs, stored_shops) AS u(seq, shop) GROUP BY u.shop) AS s;
    IF length(told) > 7000 THEN
        told := '';
    END IF;
    PERFORM pg_notify('versapos_relay_events', told);
    RETURN QUERY SELECT unnest(stored_seqs);
END
$$;
