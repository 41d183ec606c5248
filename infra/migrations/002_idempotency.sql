-- Idempotency keys of POST commands (draft-ietf-httpapi-idempotency-key-header).
-- One row per (scope, key, method, path): scope is the principal (or 'anonymous'), path the
-- request path without the query. request_hash is the SHA-256 (hex) of the canonical JSON body.
-- A row is 'in_progress' while its first request runs (attempt_id names that attempt; locked_at
-- starts its lease), then 'completed' with the response to replay. Rows expire after 24 hours
-- (services/api/http/idempotency.ts deletes them by created_at).
CREATE TABLE IF NOT EXISTS idempotency_keys (
  scope            text NOT NULL,
  idempotency_key  text NOT NULL,
  method           text NOT NULL,
  path             text NOT NULL,
  request_hash     text NOT NULL,
  status           text NOT NULL CHECK (status IN ('in_progress', 'completed')),
  attempt_id       uuid NOT NULL,
  locked_at        timestamptz NOT NULL DEFAULT now(),
  response_status  integer,
  response_headers jsonb,
  response_body    text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  completed_at     timestamptz,
  PRIMARY KEY (scope, idempotency_key, method, path)
);

CREATE INDEX IF NOT EXISTS idempotency_keys_created_at_idx ON idempotency_keys (created_at);
