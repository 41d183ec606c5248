-- Projection bookkeeping (projections/runner). Written in the same transaction as read-model changes.

-- Last stream revision each projection applied, per stream: drops redeliveries and relay re-sends.
CREATE TABLE IF NOT EXISTS projection_streams (
  projection text NOT NULL,
  stream_id  text NOT NULL,
  version    bigint NOT NULL,
  PRIMARY KEY (projection, stream_id)
);

-- Kafka-fed progress: next offset to read per topic partition (mirrors the consumer group's commit).
CREATE TABLE IF NOT EXISTS projection_offsets (
  projection  text NOT NULL,
  topic       text NOT NULL,
  partition   integer NOT NULL,
  next_offset bigint NOT NULL,
  PRIMARY KEY (projection, topic, partition)
);

-- One row per projection: the lock that serialises batches with a rebuild's swap, and lag figures.
CREATE TABLE IF NOT EXISTS projection_status (
  projection           text PRIMARY KEY,
  events_applied       bigint NOT NULL DEFAULT 0,
  duplicates_skipped   bigint NOT NULL DEFAULT 0,
  gaps_seen            bigint NOT NULL DEFAULT 0,
  last_global_position bigint NOT NULL DEFAULT 0,
  last_recorded_at     timestamptz,
  updated_at           timestamptz NOT NULL DEFAULT now()
);

-- Events a projection could not apply (poison): parked with the reason; the rest keep flowing.
CREATE TABLE IF NOT EXISTS parked_events (
  projection     text NOT NULL,
  event_id       uuid NOT NULL,
  stream_id      text NOT NULL,
  stream_version bigint NOT NULL,
  type           text NOT NULL,
  reason         text NOT NULL,
  parked_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (projection, event_id)
);
