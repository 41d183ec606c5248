/** Typed errors of the event store. Each has a stable `code` that the HTTP layer maps to problem details. */
import type { ExpectedVersion } from "./types";

/** Base class: `code` is stable and machine-readable. */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;
}

/** The stream was not at the expected version. `actual` is its revision, or `no_stream`. Maps to HTTP 412/409. */
export class WrongExpectedVersionError extends EventStoreError {
  readonly code = "wrong_expected_version";
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number | "no_stream",
  ) {
    super(`stream ${streamId}: expected version ${expected}, actual ${actual}`);
  }
}

/** An event's serialised data + metadata exceed the limit (bytes of UTF-8 JSON). Maps to HTTP 413. */
export class EventTooLargeError extends EventStoreError {
  readonly code = "event_too_large";
  constructor(
    readonly eventType: string,
    readonly sizeBytes: number,
    readonly limitBytes: number,
  ) {
    super(`event ${eventType} is ${sizeBytes} bytes; the limit is ${limitBytes} bytes`);
  }
}

/**
 * Data or metadata hold something jsonb cannot store faithfully: `\u0000`, a lone UTF-16
 * surrogate, a non-finite number, or a non-JSON value. `path` is a JSON pointer (RFC 6901).
 */
export class InvalidEventDataError extends EventStoreError {
  readonly code = "invalid_event_data";
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`invalid event data at ${path || "/"}: ${reason}`);
  }
}

/** An event id is already stored in another stream, with another type, or only part of a batch is. */
export class DuplicateEventIdError extends EventStoreError {
  readonly code = "duplicate_event_id";
  constructor(
    readonly eventId: string,
    readonly detail: string,
  ) {
    super(`event id ${eventId}: ${detail}`);
  }
}

/** The stream id or an event's fields are malformed (empty, too long, not a UUID, bad time). */
export class InvalidAppendError extends EventStoreError {
  readonly code = "invalid_append";
}

/**
 * Another writer holds the stream's lock for longer than an append may wait, or too many appends
 * of the stream already wait in this process. Retryable; maps to HTTP 503 `stream-busy` with
 * `Retry-After`. Only this stream is affected: waiting is bounded so that others keep their
 * connections.
 */
export class StreamBusyError extends EventStoreError {
  readonly code = "stream_busy";
  constructor(
    readonly streamId: string,
    readonly why: string,
  ) {
    super(`stream ${streamId} is busy: ${why}; retry shortly`);
  }
}
