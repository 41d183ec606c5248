-- Event store: streams (one row per stream, holds its current revision) and the global log.
-- README, architecture. Stream revisions start at 0 (EventStoreDB semantics).
CREATE TABLE IF NOT EXISTS streams (
  stream_id  text PRIMARY KEY,
  version    bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS events (
  global_position bigserial PRIMARY KEY,
  stream_id       text NOT NULL,
  stream_version  bigint NOT NULL,
  event_id        uuid NOT NULL UNIQUE,
  type            text NOT NULL,
  schema_version  integer NOT NULL DEFAULT 1,
  data            jsonb NOT NULL,
  metadata        jsonb NOT NULL DEFAULT '{}'::jsonb,
  occurred_at     timestamptz NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
  CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version)
);

-- Global-log readers walk (transaction_id, global_position); see services/platform/event-store.
CREATE INDEX IF NOT EXISTS events_tx_position_idx ON events (transaction_id, global_position);

-- Checkpoints of the relay and of store-fed projections: both numbers of the global-log position.
CREATE TABLE IF NOT EXISTS checkpoints (
  name            text PRIMARY KEY,
  transaction_id  xid8 NOT NULL,
  global_position bigint NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
