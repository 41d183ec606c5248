/**
 * Loading tasks from the event store: a task's id is derived from its year and ref (so the same
 * list item always maps to the same stream, whichever way it arrives), and its state is the fold
 * of its stream.
 */
import { reformTaskStream } from "../../contracts/reform-tasks/events";
import type { EventStore, RecordedEvent } from "../platform/event-store/types";
import { uuidV5 } from "../platform/uuid-v5";
import { NO_TASK, type TaskEvent, type TaskState, taskDecider } from "./task-decider";

/** The task id of item `ref` in `year`'s list: a version-5 UUID of `reform-task:<year>:<ref>`. */
export const taskIdFor = (year: number, ref: string): string => uuidV5(`reform-task:${year}:${ref}`);

/** Folds recorded events of one task into its state. */
export function foldTask(events: readonly RecordedEvent[]): TaskState {
  let state = NO_TASK;
  for (const e of events) {
    state = taskDecider.evolve(state, {
      type: e.type,
      data: e.data,
      occurredAt: e.occurredAt.toISOString(),
    } as TaskEvent);
  }
  return state;
}

/** A task's state and stream version (`null` when the stream does not exist), plus its events. */
export interface LoadedTask {
  state: TaskState;
  version: number | null;
  events: RecordedEvent[];
}

/** Reads and folds the task's stream. */
export async function loadTask(store: EventStore, taskId: string): Promise<LoadedTask> {
  const events = await store.readStream(reformTaskStream(taskId));
  const last = events[events.length - 1];
  return { state: foldTask(events), version: last ? last.streamVersion : null, events };
}
