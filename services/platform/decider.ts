/**
 * The decider pattern for aggregates: `decide(command, state)` returns the events a command
 * causes (or throws a domain error), `evolve(state, event)` folds one event into the state.
 * State is never stored; it is rebuilt from the stream on every command.
 */
import { randomUUID } from "node:crypto";
import { WrongExpectedVersionError } from "./event-store/errors";
import type { EventMetadata, EventStore, ExpectedVersion, RecordedEvent } from "./event-store/types";
import { inSpan, tracingEnabled } from "./tracing";

/** A domain event as deciders see it: a type, its data, and its business time. */
export interface DomainEvent<T extends string = string, D = unknown> {
  type: T;
  data: D;
  /** Business time (ISO 8601 instant with offset). */
  occurredAt: string;
}

export interface Decider<C, E extends DomainEvent, S> {
  initialState: S;
  /** Events caused by `command` in `state`. Throws a DomainError when the command is refused. */
  decide(command: C, state: S): E[];
  evolve(state: S, event: E): S;
}

/**
 * A refused command: `code` is stable; `details` carry facts such as `state` (the aggregate's
 * current state). `status` is the HTTP status it maps to: 409 (default) when the aggregate's
 * state forbids the command (e.g. an illegal transition), 422 when the command contradicts a
 * rule whatever the state (e.g. a date in the future).
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly status: 409 | 422 = 409,
  ) {
    super(message);
  }
}

/** Outcome of a handled command. `version` is the stream's revision afterwards (the new ETag). */
export interface CommandResult<S, E> {
  state: S;
  events: E[];
  version: number;
  globalPositions: number[];
}

/**
 * Loads the stream, folds it, decides, and appends the new events with the version it read
 * (or `expected` when the caller pins one, e.g. from `If-Match`). `eventIds` makes a retried
 * command idempotent: the same ids give the original result, never a second copy. When the
 * stream already holds `eventIds(0)` (the command ran before, e.g. by an attempt that died
 * before answering), nothing is decided or appended and the result is the state right after
 * that earlier append. A command that decides no events appends nothing and reports the
 * stream's current version (-1 for a stream that does not exist).
 * @throws DomainError from `decide`; WrongExpectedVersionError when the stream moved.
 */
export async function handleCommand<C, E extends DomainEvent, S>(
  store: EventStore,
  streamId: string,
  decider: Decider<C, E, S>,
  command: C,
  opts: { expected?: ExpectedVersion; metadata?: EventMetadata; eventIds?: (i: number) => string } = {},
): Promise<CommandResult<S, E>> {
  if (!tracingEnabled()) return decideAndAppend(store, streamId, decider, command, opts);
  const kind = (command as { kind?: unknown } | null)?.kind;
  return inSpan(
    `decide ${streamId.split("-", 1)[0]}`,
    { "ftz.stream_id": streamId, "ftz.command": typeof kind === "string" ? kind : "command" },
    () => decideAndAppend(store, streamId, decider, command, opts),
  );
}

async function decideAndAppend<C, E extends DomainEvent, S>(
  store: EventStore,
  streamId: string,
  decider: Decider<C, E, S>,
  command: C,
  opts: { expected?: ExpectedVersion; metadata?: EventMetadata; eventIds?: (i: number) => string },
): Promise<CommandResult<S, E>> {
  const history = await store.readStream(streamId);
  const earlier = opts.eventIds ? priorAppend(decider, history, opts.eventIds) : null;
  if (earlier) return earlier;
  const current = history.length ? history[history.length - 1]!.streamVersion : null;
  // A pinned expected version (If-Match) is checked before deciding: a client that read an older
  // version learns that (412), not a refusal about a state it never saw. The append re-checks it.
  const e = opts.expected;
  const stale =
    (typeof e === "number" && e !== current) ||
    (e === "no_stream" && current !== null) ||
    (e === "stream_exists" && current === null);
  if (stale) throw new WrongExpectedVersionError(streamId, e ?? "any", current ?? "no_stream");
  let state = fold(decider, decider.initialState, history);
  const events = decider.decide(command, state);
  if (events.length === 0) {
    // Nothing to record (the command asks for what already holds): no append, same version.
    return { state, events, version: current ?? -1, globalPositions: [] };
  }
  const expected = opts.expected ?? (current === null ? "no_stream" : current);
  const result = await store.append(
    streamId,
    events.map((e, i) => ({
      eventId: opts.eventIds?.(i) ?? randomUUID(),
      type: e.type,
      data: e.data,
      occurredAt: e.occurredAt,
      metadata: opts.metadata,
    })),
    expected,
  );
  if (result.idempotentReplay) {
    // A concurrent attempt with the same ids appended first: report the state after its append.
    const upTo = await store.readStream(streamId, { maxCount: result.nextExpectedVersion + 1 });
    state = fold(decider, decider.initialState, upTo);
  } else {
    for (const e of events) state = decider.evolve(state, e);
  }
  return { state, events, version: result.nextExpectedVersion, globalPositions: result.globalPositions };
}

const asDomainEvent = <E extends DomainEvent>(e: RecordedEvent): E =>
  ({ type: e.type, data: e.data, occurredAt: e.occurredAt.toISOString() }) as E;

function fold<E extends DomainEvent, S>(decider: Decider<unknown, E, S>, state: S, events: RecordedEvent[]): S {
  let s = state;
  for (const e of events) s = decider.evolve(s, asDomainEvent<E>(e));
  return s;
}

/** The result of an earlier append of the events `eventIds` names, when `history` holds them; else null. */
function priorAppend<C, E extends DomainEvent, S>(
  decider: Decider<C, E, S>,
  history: RecordedEvent[],
  eventIds: (i: number) => string,
): CommandResult<S, E> | null {
  const start = history.findIndex((e) => e.eventId === eventIds(0).toLowerCase());
  if (start < 0) return null;
  let end = start;
  while (end < history.length && history[end]!.eventId === eventIds(end - start).toLowerCase()) end++;
  const appended = history.slice(start, end);
  return {
    state: fold(decider as Decider<unknown, E, S>, decider.initialState, history.slice(0, end)),
    events: appended.map((e) => asDomainEvent<E>(e)),
    version: appended[appended.length - 1]!.streamVersion,
    globalPositions: appended.map((e) => e.globalPosition),
  };
}

/**
 * Runs `attempt` again (up to `attempts` times in all) when it fails with a
 * WrongExpectedVersionError: for commands that do not pin a version (no If-Match), such as
 * customs milestones posted concurrently for one declaration; each attempt re-reads the stream.
 * @throws the last WrongExpectedVersionError, or whatever `attempt` throws otherwise.
 */
export async function retryOnConflict<T>(attempt: () => Promise<T>, attempts = 6): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof WrongExpectedVersionError) || i >= attempts) throw err;
      // Back off a little (with jitter) so concurrent posters do not collide again at once.
      await new Promise((r) => setTimeout(r, Math.random() * 10 * i));
    }
  }
}

/** An aggregate as its stream says now: state, stream version (`null`: no stream) and the events. */
export interface LoadedAggregate<S> {
  state: S;
  version: number | null;
  events: RecordedEvent[];
}

/** Reads `streamId` and folds it with `decider` (events given to `evolve` with their business time). */
export async function loadAggregate<E extends DomainEvent, S>(
  store: EventStore,
  streamId: string,
  decider: Decider<unknown, E, S> | Decider<never, E, S>,
): Promise<LoadedAggregate<S>> {
  const events = await store.readStream(streamId);
  const last = events[events.length - 1];
  return {
    state: fold(decider as Decider<unknown, E, S>, decider.initialState, events),
    version: last ? last.streamVersion : null,
    events,
  };
}
