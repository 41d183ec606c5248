-- One round trip per append: the stream lock, the transaction-order check, the replay
-- probe, the compare-and-set on `streams` and the insert run in one call, inside the caller's
-- statement (its own transaction when called alone). Same contract as the six statements it
-- replaces in services/platform/event-store/postgres-event-store.ts (README, architecture):
--   * the advisory lock is taken before anything is written, so this transaction's id is assigned
--     after the previous writer of the stream committed and the global log's
--     (transaction_id, global_position) order keeps every stream's revisions in order;
--   * p_expected is 'any', 'no_stream', 'stream_exists' or a revision (decimal text);
--   * outcome 'replay': some event id is already stored (the caller checks it is the same append);
--     'wrong_version': the stream is at last_version (NULL: no stream) and nothing was written;
--     'ok': last_version is the revision of the last event, global_positions ascending.
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
-- Custom plans on every call: PL/pgSQL caches a generic plan per session after five calls, and one
-- made while `events` was small scans the whole table for the replay probe forever after (seen:
-- 25 ms instead of 1 ms per append on a pool session that had started on an empty store).
LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
#variable_conflict use_column
DECLARE
  n integer := coalesce(array_length(p_event_ids, 1), 0);
  v bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(p_lock_key);

  -- A caller's transaction that wrote before taking the lock has an older id than the stream's
  -- last writer: its events would sort before revisions they follow. 40001: retry it all.
  IF p_check_order AND coalesce((
      SELECT pg_current_xact_id_if_assigned() < e.transaction_id
        FROM events e WHERE e.stream_id = p_stream_id ORDER BY e.stream_version DESC LIMIT 1), false) THEN
    RAISE EXCEPTION 'stream %: this transaction started writing before the stream''s last append; retry it', p_stream_id
      USING ERRCODE = '40001';
  END IF;

  IF n > 0 AND EXISTS (SELECT 1 FROM events e WHERE e.event_id = ANY (p_event_ids)) THEN
    RETURN QUERY SELECT 'replay'::text, NULL::bigint, NULL::bigint[];
    RETURN;
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
