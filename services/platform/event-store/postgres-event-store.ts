/**
 * The event store on PostgreSQL (a server through `pg`, or PGlite): tables from
 * `infra/migrations/001_event_store.sql`. README, architecture.
 *
 * Concurrency: the `streams` row of a stream is the lock. An exact expected version is a
 * compare-and-set `UPDATE ... WHERE version = $expected`; under READ COMMITTED a concurrent
 * writer waits for the row, re-evaluates the condition and finds it false, so exactly one wins.
 */
import { SIZE_LIMITS } from "../../../contracts/topics";
import { advisoryLockKey } from "../db/advisory-lock";
import type { Database, SqlExecutor } from "../db/database";
import {
  DuplicateEventIdError,
  EventTooLargeError,
  InvalidAppendError,
  InvalidEventDataError,
  StreamBusyError,
  WrongExpectedVersionError,
} from "./errors";
import { assertJsonSafe, UnsafeJsonError, unsafeStringReason } from "../../../contracts/json-safety";
import type {
  AppendResult,
  EventStore,
  ExpectedVersion,
  GlobalCheckpoint,
  NewEvent,
  RecordedEvent,
  StreamAppend,
} from "./types";
import {
  APPENDING_MARKER_KEY,
  GlobalLogHorizon,
  type GlobalLogHorizonOptions,
  HOLDS_MARKER,
} from "./global-log-horizon";
import { StreamGate, type StreamGateOptions } from "./stream-gate";
import { UpcasterRegistry } from "./upcasters";
import { inSpan, traceFields, tracingEnabled } from "../tracing";

/** Options of the PostgreSQL event store. */
export interface PostgresEventStoreOptions {
  /** Largest accepted event: UTF-8 bytes of JSON data + metadata. Default SIZE_LIMITS.maxEventBytes (512 KiB), so it fits a Kafka record. */
  maxEventBytes?: number;
  upcasters?: UpcasterRegistry;
  /**
   * Appends of one stream that may wait in this process while one is in the database, and how
   * long each may wait (stream-gate.ts). Default 16 waiters, 2,000 ms; beyond, StreamBusyError.
   */
  streamGate?: StreamGateOptions;
  /** How long an in-progress transaction may hold the global log back before it is looked at (global-log-horizon.ts). */
  horizon?: GlobalLogHorizonOptions;
}

/** SQLSTATE of a lock wait that `lock_timeout` ended (infra/migrations/007). */
const LOCK_NOT_AVAILABLE = "55P03";
const isLockTimeout = (err: unknown) => (err as { code?: string } | null)?.code === LOCK_NOT_AVAILABLE;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SELECT_EVENT = `SELECT global_position, transaction_id::text AS transaction_id, stream_id, stream_version, event_id,
  type, schema_version, data, metadata, occurred_at, recorded_at FROM events`;

/**
 * One read of the global log after a checkpoint ($1, $2), at most $3 events, looking past the
 * in-progress ids $4 (foreign: global-log-horizon.ts), and never past the reader's own id. A
 * standby, or a reader in a REPEATABLE READ or SERIALIZABLE transaction, stops at the snapshot's
 * xmin instead (the classification's argument needs a fresh READ COMMITTED snapshot and a
 * primary's list of in-progress ids). Every row (one with null columns when no event qualifies)
 * carries the id the read stopped below (`blocker`, null when it stopped elsewhere) and the
 * snapshot's xmin. ORDER BY names the table's columns: plain `transaction_id` there would be the
 * text alias, ordering ids as decimal text ("10" before "9") while the WHERE compares them as
 * numbers, so a batch that straddles a change in the ids' digit count would skip events for good.
 */
const READ_ALL = `
  WITH snap AS MATERIALIZED (
    SELECT pg_current_snapshot() AS s,
           pg_is_in_recovery() OR current_setting('transaction_isolation') <> 'read committed' AS fallback,
           pg_current_xact_id_if_assigned() AS own),
  bound AS MATERIALIZED (
    SELECT CASE WHEN snap.fallback THEN NULL
                ELSE (SELECT min(x) FROM pg_snapshot_xip(snap.s) AS x WHERE x <> ALL ($4::xid8[])) END AS blocker,
           CASE WHEN snap.fallback THEN pg_snapshot_xmin(snap.s) ELSE pg_snapshot_xmax(snap.s) END AS ceiling,
           pg_snapshot_xmin(snap.s) AS xmin, snap.own
      FROM snap)
  SELECT b.blocker::text AS blocker, b.xmin::text AS xmin, e.*
    FROM bound b LEFT JOIN LATERAL (
      ${SELECT_EVENT}
       WHERE (events.transaction_id, events.global_position) > ($1::xid8, $2::bigint)
         AND events.transaction_id < least(coalesce(b.blocker, b.ceiling), coalesce(b.own, b.ceiling))
       ORDER BY events.transaction_id, events.global_position
       LIMIT $3) e ON true`;

interface EventRow {
  global_position: string | number;
  transaction_id: string;
  stream_id: string;
  stream_version: string | number;
  event_id: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: Record<string, unknown>;
  occurred_at: Date;
  recorded_at: Date;
}

export class PostgresEventStore implements EventStore {
  readonly maxEventBytes: number;
  readonly upcasters: UpcasterRegistry;
  private readonly appendListeners = new Set<() => void>();

  constructor(
    readonly db: Database,
    opts: PostgresEventStoreOptions = {},
  ) {
    this.maxEventBytes = opts.maxEventBytes ?? SIZE_LIMITS.maxEventBytes;
    this.upcasters = opts.upcasters ?? new UpcasterRegistry();
    this.gate = new StreamGate(opts.streamGate ?? { maxWaiters: 16, waitMs: 2_000 });
    this.horizon = new GlobalLogHorizon(opts.horizon);
  }

  /** What the global-log reader knows of in-progress transactions (global-log-horizon.ts). */
  private readonly horizon: GlobalLogHorizon;

  /** Admits one append per stream at a time into the database (see stream-gate.ts). */
  private readonly gate: StreamGate;

  /**
   * See `EventStore.append`. Waits its stream's turn in this process first (bounded), then one
   * statement; a lock another transaction holds past `lock_timeout` is StreamBusyError.
   */
  async append(streamId: string, events: NewEvent[], expected: ExpectedVersion): Promise<AppendResult> {
    const run = () => {
      const prepared = this.prepare(streamId, events, expected);
      return this.gate.run(streamId, () => this.appendAdmitted(streamId, prepared, expected));
    };
    if (!tracingEnabled()) return run();
    return inSpan("append", { "ftz.stream_id": streamId, "ftz.events": events.length }, run);
  }

  private async appendAdmitted(
    streamId: string,
    prepared: PreparedEvent[],
    expected: ExpectedVersion,
  ): Promise<AppendResult> {
    try {
      // One statement, so one implicit transaction and one round trip (004_append_function.sql).
      const result = await this.appendPrepared(this.db, streamId, prepared, expected, false);
      if (result.globalPositions.length && !result.idempotentReplay) this.notifyAppended();
      return result;
    } catch (err) {
      // A concurrent retry of the same events won the race: answer with what it stored.
      if (isUniqueViolation(err, "events_event_id_key")) {
        const replay = await this.replayOf(this.db, streamId, prepared);
        if (replay) return replay;
      }
      throw err;
    }
  }

  /**
   * See `EventStore.appendMany`: one transaction. Every stream's lock is taken first, in stream-id
   * order, before anything is written: two overlapping multi-stream appends cannot deadlock, and
   * no stream's writer can slip in between this transaction's writes (which would put its
   * revisions out of order in the global log). Results come back in the order given.
   */
  async appendMany(appends: StreamAppend[]): Promise<AppendResult[]> {
    if (!tracingEnabled()) return this.appendManyNow(appends);
    return inSpan("append many", { "ftz.streams": appends.length }, () => this.appendManyNow(appends));
  }

  private async appendManyNow(appends: StreamAppend[]): Promise<AppendResult[]> {
    const prepared = appends.map((a, index) => ({
      ...a,
      index,
      prepared: this.prepare(a.streamId, a.events, a.expected),
    }));
    prepared.sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
    const results = await this.db.transaction(async (tx) => {
      await tx.query("SET LOCAL lock_timeout = '2s'");
      for (const a of prepared) {
        try {
          await tx.query("SELECT pg_advisory_xact_lock($1::bigint)", [streamLockKey(a.streamId)]);
        } catch (err) {
          if (isLockTimeout(err)) throw new StreamBusyError(a.streamId, "another writer held its lock for 2 s");
          throw err;
        }
      }
      const results: AppendResult[] = new Array(appends.length);
      for (const a of prepared) {
        results[a.index] = await this.appendPrepared(tx, a.streamId, a.prepared, a.expected, false);
      }
      return results;
    });
    if (results.some((r) => r.globalPositions.length && !r.idempotentReplay)) this.notifyAppended();
    return results;
  }

  /** See `EventStore.onAppended`. Listeners run synchronously after commit; one that throws is ignored. */
  onAppended(listener: () => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  private notifyAppended(): void {
    for (const l of this.appendListeners) {
      try {
        l();
      } catch {
        // a listener's failure is its own; the append has committed
      }
    }
  }

  /**
   * Marks `tx` as an appending transaction (infra/migrations/008_appending_marker.sql): call it
   * before the transaction writes anything when it will write other rows and then `appendIn`.
   * A transaction that only appends needs no call (the append takes the marker). Throws
   * InvalidAppendError when `tx` has written already and is not marked.
   */
  async beginAppending(tx: SqlExecutor): Promise<void> {
    const { rows } = await tx.query<{ written: boolean }>(
      "SELECT pg_current_xact_id_if_assigned() IS NOT NULL AS written",
    );
    if (rows[0]!.written) {
      const held = await tx.query<{ held: boolean }>(`SELECT ${HOLDS_MARKER} AS held`);
      if (held.rows[0]!.held) return;
      throw new InvalidAppendError("the transaction wrote before it began appending");
    }
    await tx.query("SELECT pg_advisory_xact_lock_shared($1::bigint)", [APPENDING_MARKER_KEY]);
  }

  /**
   * Appends inside a caller's transaction (e.g. together with an idempotency record). Same
   * contract as `append`; a transaction that wrote before without `beginAppending` is refused
   * with SQLSTATE 55000.
   */
  async appendIn(
    tx: SqlExecutor,
    streamId: string,
    events: PreparedEvent[] | NewEvent[],
    expected: ExpectedVersion,
  ): Promise<AppendResult> {
    const prepared = isPrepared(events) ? events : this.prepare(streamId, events, expected);
    return this.appendPrepared(tx, streamId, prepared, expected, true);
  }

  /**
   * The append itself: one call of `append_to_stream` (infra/migrations/004_append_function.sql),
   * which takes the stream's advisory lock before writing anything, so writers of one stream
   * queue there and each writer's transaction id is assigned after the previous one committed.
   * `callerMayHaveWritten`: the transaction is the caller's and may already hold an older id,
   * which the function refuses with SQLSTATE 40001 (retry the whole transaction), and which must
   * hold the appending marker (else 55000). false: the store's own transaction, which writes
   * nothing but appends, so its first append takes the marker before it has an id.
   * Throws WrongExpectedVersionError, DuplicateEventIdError.
   */
  private async appendPrepared(
    tx: SqlExecutor,
    streamId: string,
    prepared: PreparedEvent[],
    expected: ExpectedVersion,
    callerMayHaveWritten: boolean,
  ): Promise<AppendResult> {
    const { rows } = await tx
      .query<{
        outcome: "ok" | "replay" | "wrong_version";
        last_version: string | number | null;
        global_positions: (string | number)[] | null;
      }>(
        "SELECT outcome, last_version, global_positions FROM append_to_stream($1, $2::bigint, $3, $4, $5::uuid[], $6::text[], $7::int[], $8::text[], $9::text[], $10::timestamptz[])",
        [
          streamId,
          streamLockKey(streamId),
          String(expected),
          callerMayHaveWritten,
          prepared.map((e) => e.eventId),
          prepared.map((e) => e.type),
          prepared.map((e) => e.schemaVersion),
          prepared.map((e) => e.dataJson),
          prepared.map((e) => e.metadataJson),
          prepared.map((e) => e.occurredAt),
        ],
      )
      .catch((err: unknown) => {
        if (isLockTimeout(err)) throw new StreamBusyError(streamId, "another writer held its lock for 2 s");
        throw err;
      });
    const row = rows[0]!;
    if (row.outcome === "replay") {
      const replay = await this.replayOf(tx, streamId, prepared);
      if (replay) return replay;
      throw new DuplicateEventIdError(prepared[0]!.eventId, "stored concurrently; retry the append");
    }
    if (row.outcome === "wrong_version") {
      throw new WrongExpectedVersionError(
        streamId,
        expected,
        row.last_version === null ? "no_stream" : Number(row.last_version),
      );
    }
    return {
      streamId,
      nextExpectedVersion: Number(row.last_version),
      globalPositions: (row.global_positions ?? []).map(Number),
      idempotentReplay: false,
    };
  }

  async readStream(streamId: string, opts: { fromVersion?: number; maxCount?: number } = {}): Promise<RecordedEvent[]> {
    const { rows } = await this.db.query<EventRow>(
      `${SELECT_EVENT} WHERE stream_id = $1 AND stream_version >= $2 ORDER BY stream_version LIMIT $3`,
      [streamId, opts.fromVersion ?? 0, opts.maxCount ?? 1_000_000],
    );
    return rows.map((r) => this.toRecorded(r));
  }

  /**
   * Committed events with global positions in `[from, to]`, in position order, at most `maxCount`.
   * Not a feed (a transaction still open below `to` is not waited for): for operator work on a
   * range already published, such as re-publishing it.
   */
  async readPositions(from: number, to: number, maxCount = 1000): Promise<RecordedEvent[]> {
    const { rows } = await this.db.query<EventRow>(
      `${SELECT_EVENT} WHERE global_position BETWEEN $1 AND $2 ORDER BY global_position LIMIT $3`,
      [from, to, maxCount],
    );
    return rows.map((r) => this.toRecorded(r));
  }

  async streamVersion(streamId: string): Promise<number | null> {
    const { rows } = await this.db.query<{ version: string | number }>(
      "SELECT version FROM streams WHERE stream_id = $1",
      [streamId],
    );
    return rows[0] ? Number(rows[0].version) : null;
  }

  /**
   * As in the port; `tx` reads inside a caller's transaction (projection rebuild swap, READ
   * COMMITTED: each statement sees what committed before it).
   *
   * Returns events of transactions below the horizon (global-log-horizon.ts): the smallest id of
   * an in-progress transaction that may still append, or the snapshot's xmax when there is none.
   * None of those can still commit below it, so no event can later appear before the last one
   * returned (README, architecture). In-progress ids found foreign are looked past; when the read
   * stopped below an id just found foreign, it reads again.
   */
  async readAll(
    after: GlobalCheckpoint,
    opts: { batchSize?: number; tx?: SqlExecutor } = {},
  ): Promise<RecordedEvent[]> {
    const exec = opts.tx ?? this.db;
    for (;;) {
      const { rows } = await exec.query<Partial<EventRow> & { blocker: string | null; xmin: string }>(READ_ALL, [
        after.transactionId,
        after.globalPosition,
        opts.batchSize ?? 500,
        this.horizon.ignored(),
      ]);
      const events = rows.filter((r) => r.event_id != null).map((r) => this.toRecorded(r as EventRow));
      const again = await this.horizon.observe(exec, rows[0]?.blocker ?? null, rows[0]?.xmin ?? "0");
      if (!again || events.length === (opts.batchSize ?? 500)) return events;
    }
  }

  async head(): Promise<{ globalPosition: number; recordedAt: Date } | null> {
    const { rows } = await this.db.query<{ global_position: string; recorded_at: Date }>(
      "SELECT global_position, recorded_at FROM events ORDER BY global_position DESC LIMIT 1",
    );
    return rows[0] ? { globalPosition: Number(rows[0].global_position), recordedAt: rows[0].recorded_at } : null;
  }

  /** Validates and serialises events once, before any transaction starts. */
  prepare(streamId: string, events: NewEvent[], expected: ExpectedVersion): PreparedEvent[] {
    validateStreamId(streamId);
    if (typeof expected === "number" && (!Number.isSafeInteger(expected) || expected < 0)) {
      throw new InvalidAppendError(`expected version must be a revision ≥ 0, any, no_stream or stream_exists`);
    }
    const ids = new Set<string>();
    return events.map((e) => {
      if (typeof e.eventId !== "string" || !UUID.test(e.eventId)) {
        throw new InvalidAppendError(`eventId ${String(e.eventId)} is not a UUID`);
      }
      if (ids.has(e.eventId.toLowerCase())) throw new InvalidAppendError(`eventId ${e.eventId} appears twice`);
      ids.add(e.eventId.toLowerCase());
      if (typeof e.type !== "string" || !/^[A-Za-z][A-Za-z0-9_.-]{0,127}$/.test(e.type)) {
        throw new InvalidAppendError(`event type ${String(e.type)} is not a valid name`);
      }
      storable(e.data, "/data");
      storable(e.metadata ?? {}, "/metadata");
      const dataJson = JSON.stringify(e.data);
      if (dataJson === undefined) throw new InvalidEventDataError("/data", "data is missing");
      // The trace of the append goes with the event (tracing.ts), unless the caller set one.
      // Only traceparent: tracestate is free text a client chose, and events go to every reader of the topic.
      const trace = tracingEnabled() && !e.metadata?.traceparent ? traceFields().traceparent : undefined;
      const traced = trace ? { ...e.metadata, traceparent: trace } : e.metadata;
      const metadataJson = JSON.stringify(traced ?? {});
      const size = Buffer.byteLength(dataJson) + Buffer.byteLength(metadataJson);
      if (size > this.maxEventBytes) throw new EventTooLargeError(e.type, size, this.maxEventBytes);
      const occurred = e.occurredAt instanceof Date ? e.occurredAt : new Date(e.occurredAt);
      if (Number.isNaN(occurred.getTime()) || (typeof e.occurredAt === "string" && !hasOffset(e.occurredAt))) {
        throw new InvalidAppendError(`occurredAt ${String(e.occurredAt)} is not an instant with a time-zone offset`);
      }
      return {
        __prepared: true as const,
        eventId: e.eventId.toLowerCase(),
        type: e.type,
        schemaVersion: e.schemaVersion ?? this.upcasters.currentVersion(e.type),
        dataJson,
        metadataJson,
        occurredAt: occurred.toISOString(),
      };
    });
  }

  /** When every event id is already stored in this stream, the original append's result; else null. */
  private async replayOf(tx: SqlExecutor, streamId: string, events: PreparedEvent[]): Promise<AppendResult | null> {
    if (events.length === 0) return null;
    const { rows } = await tx.query<{
      event_id: string;
      stream_id: string;
      type: string;
      stream_version: string;
      global_position: string;
      same_data: boolean;
    }>(
      `SELECT event_id, stream_id, type, stream_version, global_position, data = x.d::jsonb AS same_data
       FROM events JOIN unnest($1::uuid[], $2::text[]) AS x(id, d) ON event_id = x.id`,
      [events.map((e) => e.eventId), events.map((e) => e.dataJson)],
    );
    if (rows.length === 0) return null;
    const byId = new Map(rows.map((r) => [r.event_id, r]));
    for (const e of events) {
      const row = byId.get(e.eventId);
      if (!row) throw new DuplicateEventIdError(rows[0]!.event_id, "part of this batch is already stored, part is not");
      if (row.stream_id !== streamId) throw new DuplicateEventIdError(e.eventId, `already stored in another stream`);
      if (row.type !== e.type) throw new DuplicateEventIdError(e.eventId, `already stored with type ${row.type}`);
      if (!row.same_data) throw new DuplicateEventIdError(e.eventId, "already stored with other data");
    }
    const ordered = events.map((e) => byId.get(e.eventId)!);
    return {
      streamId,
      nextExpectedVersion: Math.max(...ordered.map((r) => Number(r.stream_version))),
      globalPositions: ordered.map((r) => Number(r.global_position)).sort((a, b) => a - b),
      idempotentReplay: true,
    };
  }

  private toRecorded(r: EventRow): RecordedEvent {
    return this.upcasters.upcast({
      globalPosition: Number(r.global_position),
      transactionId: String(r.transaction_id),
      streamId: r.stream_id,
      streamVersion: Number(r.stream_version),
      eventId: r.event_id,
      type: r.type,
      schemaVersion: r.schema_version,
      data: r.data,
      metadata: r.metadata,
      occurredAt: r.occurred_at,
      recordedAt: r.recorded_at,
    });
  }
}

/** An event validated and serialised by `PostgresEventStore.prepare`. */
export interface PreparedEvent {
  __prepared: true;
  eventId: string;
  type: string;
  schemaVersion: number;
  dataJson: string;
  metadataJson: string;
  occurredAt: string;
}

const isPrepared = (e: PreparedEvent[] | NewEvent[]): e is PreparedEvent[] =>
  e.length > 0 && (e[0] as PreparedEvent).__prepared === true;

const hasOffset = (s: string) => /(Z|[+-]\d{2}:?\d{2})$/i.test(s.trim());

function validateStreamId(streamId: string): void {
  if (typeof streamId !== "string" || streamId.length === 0 || streamId.length > 200) {
    throw new InvalidAppendError("stream id must be 1 to 200 characters");
  }
  const reason = unsafeStringReason(streamId);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (reason || /[\u0000-\u001f]/.test(streamId))
    throw new InvalidAppendError(`stream id ${reason ?? "has control characters"}`);
}

/** 64-bit advisory-lock key of a stream's writers: the first 8 bytes of SHA-256(`stream:<id>`), stable across processes. */
export const streamLockKey = (streamId: string): string => advisoryLockKey("stream", streamId);

/** True for PostgreSQL's unique_violation (23505), optionally on one constraint. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string; message?: string };
  if (e?.code !== "23505") return false;
  return !constraint || e.constraint === constraint || (e.message ?? "").includes(constraint);
}

/** `assertJsonSafe` as the store reports it: InvalidEventDataError naming the JSON pointer. */
function storable(value: unknown, path: string): void {
  try {
    assertJsonSafe(value, path);
  } catch (err) {
    if (err instanceof UnsafeJsonError) throw new InvalidEventDataError(err.path, err.reason);
    throw err;
  }
}
