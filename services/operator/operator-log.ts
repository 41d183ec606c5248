/**
 * The operator log: each operation that changes the pipeline (a rebuild, a retry, a skip, a
 * re-publication) appends one event to `Operations-log` (contracts/operations/events.ts), with
 * the operator as the actor, so the audit trail and Kafka show who did what and why.
 */
import { randomUUID } from "node:crypto";
import { userInfo } from "node:os";
import type { z } from "../../contracts/http/zod";
import { OPERATION_EVENTS, OPERATIONS_STREAM } from "../../contracts/operations/events";
import type { Actor, EventStore } from "../platform/event-store/types";

/** An operation's event type. */
export type OperationType = keyof typeof OPERATION_EVENTS;

/**
 * The operator running this process: `FTZ_OPERATOR` (e.g. an employee id), else the OS account,
 * as an admin actor.
 */
export function operatorActor(): Actor {
  const name = process.env.FTZ_OPERATOR?.trim() || safeUser();
  return { subject: `operator:${name}`, role: "admin" };
}

const safeUser = () => {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
};

/**
 * Appends `type` with `data` (validated against its contract) to the operator log.
 * @throws ZodError when `data` does not match the event's schema (a bug).
 */
export async function recordOperation<T extends OperationType>(
  store: EventStore,
  type: T,
  data: z.input<(typeof OPERATION_EVENTS)[T]>,
  actor: Actor = operatorActor(),
): Promise<void> {
  const parsed = OPERATION_EVENTS[type].parse(data);
  const id = randomUUID();
  await store.append(
    OPERATIONS_STREAM,
    [
      {
        eventId: id,
        type,
        data: parsed,
        occurredAt: new Date(),
        metadata: { correlationId: id, causationId: id, actor },
      },
    ],
    "any",
  );
}
