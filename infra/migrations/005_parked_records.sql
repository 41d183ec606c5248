-- Kafka records a projection could not even decode (not a CloudEvent of ours, unreadable JSON):
-- parked by their coordinates, with the reason and the raw bytes, in the same transaction that
-- moves the partition's offset past them, so nothing is skipped silently.
CREATE TABLE IF NOT EXISTS parked_records (
  projection   text NOT NULL,
  topic        text NOT NULL,
  partition    integer NOT NULL,
  record_offset bigint NOT NULL,
  record_key   bytea,
  reason       text NOT NULL,
  payload      bytea,
  parked_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (projection, topic, partition, record_offset)
);
