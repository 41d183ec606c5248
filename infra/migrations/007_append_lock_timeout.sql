-- Waiting for a stream's lock is bounded: an append that cannot take it within 2 s fails with
-- SQLSTATE 55P03 (lock_not_available), which the store reports as StreamBusyError (HTTP 503
-- stream-busy, retryable) instead of holding its connection until the pool runs dry.
ALTER FUNCTION append_to_stream(text, bigint, text, boolean, uuid[], text[], integer[], text[], text[], timestamptz[])
  SET lock_timeout = '2s';
