/**
 * The decider pattern for aggregates: `decide(command, state)` returns the events a command
 * causes (or throws a domain error), `evolve(state, event)` folds one event into the state.
 * State is never stored; it is rebuilt from the stream on every command.
 */
import { randomUUID } from "node:crypto";
import type { EventStore, EventMetadata, ExpectedVersion } from "./event-store/types";

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

/** A refused command: `code` is stable; `state` names the aggregate's current state where it matters. HTTP 409/422. */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
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
 * command idempotent: the same ids give the original result, never a second copy.
 * @throws DomainError from `decide`; WrongExpectedVersionError when the stream moved.
 */
export async function handleCommand<C, E extends DomainEvent, S>(
  store: EventStore,
  streamId: string,
  decider: Decider<C, E, S>,
  command: C,
  opts: { expected?: ExpectedVersion; metadata?: EventMetadata; eventIds?: (i: number) => string } = {},
): Promise<CommandResult<S, E>> {
  const history = await store.readStream(streamId);
  const current = history.length ? history[history.length - 1]!.streamVersion : null;
  let state = decider.initialState;
  for (const e of history)
    state = decider.evolve(state, { type: e.type, data: e.data, occurredAt: e.occurredAt.toISOString() } as E);
  const events = decider.decide(command, state);
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
  for (const e of events) state = decider.evolve(state, e);
  return { state, events, version: result.nextExpectedVersion, globalPositions: result.globalPositions };
}
