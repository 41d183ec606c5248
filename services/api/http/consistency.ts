/**
 * Read-your-writes across the write and read sides, with a consistency token.
 *
 * Every command that appended events answers with `Consistency-Token`: an opaque string naming
 * the global positions of what it appended (`1.<first>.<last>`). A client that sends the token
 * back on a read (`Consistency-Token` request header) gets an answer from a read model that has
 * applied those events: before the query runs, the API waits until, for every event in that range
 * of the global log whose stream the read model reads, the read model's per-stream revision
 * (`projection_streams`, the revision it applied last, kept in the same transaction as its rows)
 * has reached the event's. That holds for both feeds (the event store in embedded mode, Kafka on
 * the full stack), whatever order Kafka partitions deliver in. Events of other transactions that
 * fall inside the range are waited for too (conservative, never wrong).
 *
 * The wait is bounded: `DEFAULT_WAIT_SECONDS`, or what the client asks for with `Prefer: wait=<s>`
 * (RFC 7240, section 4.3) up to `MAX_WAIT_SECONDS`. A read model still behind then answers 503
 * `read-model-behind` with `Retry-After: 1`; reads from a stream (a task, a declaration, a filing)
 * are consistent already and ignore the token. An event a projection parked counts as applied for
 * its stream (the parked-event alert says it is missing).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { RequestHandler } from "express";
import type { SqlExecutor } from "../../platform/db/database";
import type { AppendResult, EventStore, StreamAppend } from "../../platform/event-store/types";
import { ProblemError, Problems } from "./problem";

/** The header a command answers with and a read sends back. */
export const CONSISTENCY_TOKEN_HEADER = "Consistency-Token";
/** Seconds a read waits for its read model when the client does not say (`Prefer: wait`). */
export const DEFAULT_WAIT_SECONDS = 5;
/** Longest wait a client may ask for, seconds. */
export const MAX_WAIT_SECONDS = 30;
/** Widest range of global positions one token may name (an import of a year's list is far smaller). */
export const MAX_TOKEN_SPAN = 10_000;

/** The syntax of a token: version 1, then the first and last global position. */
export const CONSISTENCY_TOKEN_PATTERN = /^1\.(\d{1,15})\.(\d{1,15})$/;

/** A range of global positions, inclusive. */
export interface PositionRange {
  first: number;
  last: number;
}

/** The token of the events at `positions` (global positions); `null` when there are none. */
export function formatConsistencyToken(positions: readonly number[]): string | null {
  if (positions.length === 0) return null;
  let first = positions[0]!;
  let last = first;
  for (const p of positions) {
    if (p < first) first = p;
    if (p > last) last = p;
  }
  return `1.${first}.${last}`;
}

/**
 * The range a token names.
 * @throws ProblemError 400 naming the header when it is not a token this API issued.
 */
export function parseConsistencyToken(value: string): PositionRange {
  const m = CONSISTENCY_TOKEN_PATTERN.exec(value.trim());
  const first = Number(m?.[1]);
  const last = Number(m?.[2]);
  if (!m || first < 1 || last < first || last - first > MAX_TOKEN_SPAN) {
    throw Problems.validationFailed([
      {
        pointer: `/headers/${CONSISTENCY_TOKEN_HEADER.toLowerCase()}`,
        detail: "not a consistency token: send back the Consistency-Token header of a command's answer, unchanged",
      },
    ]);
  }
  return { first, last };
}

/**
 * The wait a client asks for with `Prefer: wait=<seconds>` (RFC 7240 section 4.3), capped at
 * `MAX_WAIT_SECONDS`; `fallback` (default `DEFAULT_WAIT_SECONDS`) when it does not say.
 */
export function preferredWaitSeconds(prefer: string | undefined, fallback = DEFAULT_WAIT_SECONDS): number {
  const m = /(?:^|[,;\s])wait\s*=\s*"?(\d{1,6})"?/i.exec(prefer ?? "");
  if (!m) return fallback;
  return Math.min(Number(m[1]), MAX_WAIT_SECONDS);
}

// ---- Commands: collecting what a request appended ----

const appended = new AsyncLocalStorage<number[]>();

/**
 * `store`, also noting the global positions of each append made while a request runs under
 * `collectingAppends` (all other calls pass through unchanged).
 */
export function appendNotingStore(store: EventStore): EventStore {
  const note = (results: AppendResult[]) => {
    const noted = appended.getStore();
    if (noted) for (const r of results) for (const p of r.globalPositions) noted.push(p);
  };
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === "append") {
        return async (...args: Parameters<EventStore["append"]>) => {
          const r = await target.append(...args);
          note([r]);
          return r;
        };
      }
      if (prop === "appendMany") {
        return async (appends: StreamAppend[]) => {
          const rs = await target.appendMany(appends);
          note(rs);
          return rs;
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** Runs `fn`, returning its result and the global positions of what it appended (through an `appendNotingStore`). */
export async function collectingAppends<T>(fn: () => Promise<T>): Promise<{ result: T; positions: number[] }> {
  const positions: number[] = [];
  const result = await appended.run(positions, fn);
  return { result, positions };
}

// ---- Reads: waiting for the read model ----

/** A read model as the wait needs it: its name and the stream categories it reads (`*`: all). */
export interface ReadModelRef {
  name: string;
  categories: readonly string[];
}

interface ReadWait {
  range: PositionRange;
  deadline: number;
  db: SqlExecutor;
  readModels: ReadonlyMap<string, ReadModelRef>;
  caughtUp: Set<string>;
}

const reads = new AsyncLocalStorage<ReadWait>();

/**
 * Middleware: a request with `Consistency-Token` runs with a wait that `awaitConsistency` honours
 * (the read-model queries call it); a malformed token is a 400 naming the header.
 */
export function consistentReads(db: SqlExecutor, readModels: readonly ReadModelRef[]): RequestHandler {
  const byName = new Map(readModels.map((m) => [m.name, m]));
  return (req, _res, next) => {
    const token = req.get(CONSISTENCY_TOKEN_HEADER);
    if (token === undefined) return next();
    const range = parseConsistencyToken(token);
    const deadline = Date.now() + preferredWaitSeconds(req.get("prefer")) * 1000;
    reads.run({ range, deadline, db, readModels: byName, caughtUp: new Set() }, next);
  };
}

/**
 * How many events of the range read model `m` has not applied yet (0: caught up).
 * Reads `events` and `projection_streams`; the range is bounded by MAX_TOKEN_SPAN.
 */
export async function eventsNotYetApplied(db: SqlExecutor, m: ReadModelRef, range: PositionRange): Promise<number> {
  const all = m.categories.includes("*");
  const { rows } = await db.query<{ n: string }>(
    `SELECT count(*)::text AS n
       FROM events e
       LEFT JOIN projection_streams ps ON ps.projection = $1 AND ps.stream_id = e.stream_id
      WHERE e.global_position BETWEEN $2 AND $3
        AND ($4 OR split_part(e.stream_id, '-', 1) = ANY($5::text[]))
        AND (ps.version IS NULL OR ps.version < e.stream_version)`,
    [m.name, range.first, range.last, all, [...m.categories]],
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Before a query of read model `name`: when the request carries a consistency token, resolves
 * once the read model has applied the token's events. Without a token, at once.
 * @throws ProblemError 503 `read-model-behind` (Retry-After: 1) when the wait ends first.
 */
export async function awaitConsistency(name: string): Promise<void> {
  const wait = reads.getStore();
  if (!wait || wait.caughtUp.has(name)) return;
  const model = wait.readModels.get(name);
  if (!model) return;
  let pause = 10;
  for (;;) {
    const behind = await eventsNotYetApplied(wait.db, model, wait.range);
    if (behind === 0) {
      wait.caughtUp.add(name);
      return;
    }
    const left = wait.deadline - Date.now();
    if (left <= 0) {
      throw new ProblemError({
        status: 503,
        slug: "read-model-behind",
        title: "Read model behind the consistency token",
        detail: `The ${name} read model has not applied the token's events yet; retry shortly`,
        headers: { "Retry-After": "1" },
        // Not how many: the range may hold other callers' events.
        extensions: { readModel: name },
      });
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(pause, left)));
    pause = Math.min(pause * 2, 200);
  }
}
