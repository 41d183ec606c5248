-- The appending marker: every transaction that appends events holds a shared advisory lock on
-- one key (advisoryLockKey("event-store", "appending") = -337165683634706302) from before it has a
-- transaction id until it ends. The global-log reader (services/platform/event-store/
-- global-log-horizon.ts) waits only for in-progress transactions that hold it; an open transaction
-- elsewhere on the server, or one here that never appends, no longer holds the log back.
--   * Taken first, while the transaction has no id, so a transaction that is not holding it when
--     the reader looks, and already has an id, can never store an event. A caller's transaction
--     (p_check_order) that already has an id must hold it (seen in pg_locks), else SQLSTATE 55000:
--     it should have called PostgresEventStore.beginAppending before writing. The store's own
--     multi-stream transaction (appendMany, p_check_order false) took it at its first append.
-- Otherwise the same contract as 004 and 006; CREATE OR REPLACE drops the function's settings, so
-- 007's lock_timeout is restated here.
CREATE OR REPLACE FUNCTION append_to_stream(
  p_stream_id text,
  p_lock_key bigint,
  p_expected text,
  p_check_order boolean,
  p_event_ids uuid[],
  p_types text[],
  p_schema_versions integer[],
  p_data text[],
  p_metadata text[],
  p_occurred_at timestamptz[]
) RETURNS TABLE (outcome text, last_version bigint, global_positions bigint[])
LANGUAGE plpgsql SET lock_timeout = '2s' AS $$
#variable_conflict use_column
DECLARE
  n integer := coalesce(array_length(p_event_ids, 1), 0);
  v bigint;
  found boolean;
BEGIN
  -- The appending marker, before anything else. A transaction without an id takes it now
  -- (re-entrant). One that has an id took it at its first append (appendMany: p_check_order false,
  -- the store's own transaction) or must show it holds it (a caller's transaction: the lock
  -- table, not a setting anyone could preset, is the proof).
  IF pg_current_xact_id_if_assigned() IS NULL THEN
    PERFORM pg_advisory_xact_lock_shared(-337165683634706302);
  ELSIF p_check_order AND NOT EXISTS (
      SELECT 1 FROM pg_locks l
       WHERE l.pid = pg_backend_pid() AND l.locktype = 'advisory' AND l.granted
         AND l.classid = 4216464792::oid AND l.objid = 3699402882::oid AND l.objsubid = 1) THEN
    RAISE EXCEPTION 'stream %: this transaction wrote before it began appending; take the appending marker first (PostgresEventStore.beginAppending)', p_stream_id
      USING ERRCODE = '55000';
  END IF;

  PERFORM pg_advisory_xact_lock(p_lock_key);

  -- A caller's transaction that wrote before taking the lock has an older id than the stream's
  -- last writer: its events would sort before revisions they follow. 40001: retry it all.
  IF p_check_order AND coalesce((
      SELECT pg_current_xact_id_if_assigned() < e.transaction_id
        FROM events e WHERE e.stream_id = p_stream_id ORDER BY e.stream_version DESC LIMIT 1), false) THEN
    RAISE EXCEPTION 'stream %: this transaction started writing before the stream''s last append; retry it', p_stream_id
      USING ERRCODE = '40001';
  END IF;

  -- The replay probe is planned on every call (EXECUTE): PL/pgSQL caches a generic plan per
  -- session after five calls, and for `= ANY(array)` one made while `events` was small scans the
  -- whole table ever after (seen: 25 ms instead of 1 ms per append on a pool session that had
  -- started on an empty store). The other statements look rows up by a unique key, which every
  -- plan does through its index.
  IF n > 0 THEN
    EXECUTE 'SELECT EXISTS (SELECT 1 FROM events WHERE event_id = ANY ($1))' INTO found USING p_event_ids;
    IF found THEN
      RETURN QUERY SELECT 'replay'::text, NULL::bigint, NULL::bigint[];
      RETURN;
    END IF;
  END IF;

  IF p_expected = 'any' THEN
    IF n = 0 THEN
      SELECT coalesce((SELECT s.version FROM streams s WHERE s.stream_id = p_stream_id), -1) INTO v;
    ELSE
      INSERT INTO streams AS s (stream_id, version) VALUES (p_stream_id, n - 1)
        ON CONFLICT (stream_id) DO UPDATE SET version = s.version + n RETURNING s.version INTO v;
    END IF;
  ELSIF p_expected = 'no_stream' THEN
    IF n = 0 THEN
      IF NOT EXISTS (SELECT 1 FROM streams s WHERE s.stream_id = p_stream_id) THEN v := -1; END IF;
    ELSE
      INSERT INTO streams AS s (stream_id, version) VALUES (p_stream_id, n - 1)
        ON CONFLICT (stream_id) DO NOTHING RETURNING s.version INTO v;
    END IF;
  ELSIF p_expected = 'stream_exists' THEN
    UPDATE streams s SET version = s.version + n WHERE s.stream_id = p_stream_id RETURNING s.version INTO v;
  ELSE
    UPDATE streams s SET version = s.version + n
      WHERE s.stream_id = p_stream_id AND s.version = p_expected::bigint RETURNING s.version INTO v;
  END IF;

  IF v IS NULL THEN
    RETURN QUERY SELECT 'wrong_version'::text, (SELECT s.version FROM streams s WHERE s.stream_id = p_stream_id), NULL::bigint[];
    RETURN;
  END IF;
  IF n = 0 THEN
    RETURN QUERY SELECT 'ok'::text, v, ARRAY[]::bigint[];
    RETURN;
  END IF;

  RETURN QUERY
    WITH inserted AS (
      INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data, metadata, occurred_at)
      SELECT p_stream_id, v - n + x.ord, x.id, x.t, x.sv, x.d::jsonb, x.m::jsonb, x.o
        FROM unnest(p_event_ids, p_types, p_schema_versions, p_data, p_metadata, p_occurred_at)
             WITH ORDINALITY AS x(id, t, sv, d, m, o, ord)
       ORDER BY x.ord
      RETURNING events.global_position
    )
    SELECT 'ok'::text, v, array_agg(i.global_position ORDER BY i.global_position) FROM inserted i;
END;
$$;

