/**
 * The event-store port. Streams hold the events of one aggregate, numbered by revision from 0;
 * the global log orders every event of every stream. Semantics follow EventStoreDB's
 * (expected version `any` / `no_stream` / `stream_exists` / exact revision), so the PostgreSQL
 * store and an EventStoreDB adapter can stand behind the same interface.
 */

/** Who caused an event: the authenticated subject, its role, and the enterprise it acts for. */
export interface Actor {
  subject: string;
  role: string;
  /** Unified social credit code (GB 32100-2015) when the actor is an enterprise. */
  enterprise?: string;
}

/** Event metadata; stored in `events.metadata` (jsonb). Extra keys are kept as given. */
export interface EventMetadata {
  /** Id shared by everything one request caused (the HTTP request id). */
  correlationId?: string;
  /** Id of the command or event that caused this one. */
  causationId?: string;
  actor?: Actor;
  [key: string]: unknown;
}

/** An event to append. `eventId` (UUID) makes retries idempotent. */
export interface NewEvent<T = unknown> {
  eventId: string;
  type: string;
  /** Schema version of `data`; defaults to the current version the upcaster registry knows for `type`. */
  schemaVersion?: number;
  data: T;
  metadata?: EventMetadata;
  /** Business time: when it happened in the world (an instant; ISO 8601 with offset, or a Date). */
  occurredAt: Date | string;
}

/** An event as stored, with its positions. `data` is already upcast to the current schema version. */
export interface RecordedEvent<T = unknown> {
  globalPosition: number;
  /** PostgreSQL transaction id (xid8) that wrote it, as a decimal string. */
  transactionId: string;
  streamId: string;
  /** Revision within its stream, from 0. */
  streamVersion: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  data: T;
  metadata: EventMetadata;
  occurredAt: Date;
  recordedAt: Date;
}

/**
 * Expected state of a stream before an append: `any` (no check), `no_stream` (must not exist),
 * `stream_exists` (must exist), or the exact revision of its last event.
 */
export type ExpectedVersion = "any" | "no_stream" | "stream_exists" | number;

/** What an append did. On an idempotent replay these are the original append's figures. */
export interface AppendResult {
  streamId: string;
  /** Revision of the last event appended: pass it as the next expected version. */
  nextExpectedVersion: number;
  /** Global positions assigned, in append order. */
  globalPositions: number[];
  /** True when every event id was already stored and nothing was written. */
  idempotentReplay: boolean;
}

/**
 * A position in the global log. Readers walk `(transactionId, globalPosition)` in order, so an
 * event whose transaction committed late is never skipped; a checkpoint keeps both numbers.
 */
export interface GlobalCheckpoint {
  transactionId: string;
  globalPosition: number;
}

/** The position before the first event. */
export const START: GlobalCheckpoint = Object.freeze({ transactionId: "0", globalPosition: 0 });

/** One stream's part of an `appendMany`. */
export interface StreamAppend {
  streamId: string;
  events: NewEvent[];
  expected: ExpectedVersion;
}

/** The event-store port. Errors: see `errors.ts`. */
export interface EventStore {
  /**
   * Appends `events` atomically to `streamId` if the stream is at `expected`.
   * @throws WrongExpectedVersionError (carries the actual revision), EventTooLargeError,
   *   InvalidEventDataError, DuplicateEventIdError (an id already stored elsewhere or with another type).
   */
  append(streamId: string, events: NewEvent[], expected: ExpectedVersion): Promise<AppendResult>;
  /**
   * Appends to several streams in one transaction: all of them or none (e.g. a file import that
   * must not half-apply). Each stream is checked against its own expected version. Adapters
   * whose store has no multi-stream transactions (EventStoreDB) must refuse rather than emulate.
   * @throws as `append`, for the first stream that fails; nothing is written then.
   */
  appendMany(appends: StreamAppend[]): Promise<AppendResult[]>;
  /** Events of one stream from revision `fromVersion` (default 0), at most `maxCount`. */
  readStream(streamId: string, opts?: { fromVersion?: number; maxCount?: number }): Promise<RecordedEvent[]>;
  /** Current revision of a stream, or `null` when it does not exist. */
  streamVersion(streamId: string): Promise<number | null>;
  /**
   * Up to `batchSize` (default 500) events after `after`, in global-log order, only from
   * transactions that can no longer commit below them (below the snapshot's xmin).
   */
  readAll(after: GlobalCheckpoint, opts?: { batchSize?: number }): Promise<RecordedEvent[]>;
  /** The newest global position and its recorded time, for lag figures; `null` when empty. */
  head(): Promise<{ globalPosition: number; recordedAt: Date } | null>;
  /**
   * Registers `listener`, called after each append through this instance committed (in-process
   * readers such as the relay wake at once instead of waiting for their next poll; readers in other
   * processes still poll). Returns the function that unregisters it.
   */
  onAppended?(listener: () => void): () => void;
}
