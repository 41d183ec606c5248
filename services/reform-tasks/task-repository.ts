/**
 * Loading tasks from the event store: a task's id is derived from its year and ref (so the same
 * list item always maps to the same stream, whichever way it arrives), and its state is the fold
 * of its stream.
 */
import { reformTaskStream } from "../../contracts/reform-tasks/events";
import { type LoadedAggregate, loadAggregate } from "../platform/decider";
import type { EventStore } from "../platform/event-store/types";
import { uuidV5 } from "../platform/uuid-v5";
import { type TaskState, taskDecider } from "./task-decider";

/** The task id of item `ref` in `year`'s list: a version-5 UUID of `reform-task:<year>:<ref>`. */
export const taskIdFor = (year: number, ref: string): string => uuidV5(`reform-task:${year}:${ref}`);

/** A task's state and stream version (`null` when the stream does not exist), plus its events. */
export type LoadedTask = LoadedAggregate<TaskState>;

/** Reads and folds the task's stream. */
export const loadTask = (store: EventStore, taskId: string): Promise<LoadedTask> =>
  loadAggregate(store, reformTaskStream(taskId), taskDecider);
