/**
 * Events of the `ReformTask` stream (`ReformTask-<uuid>`), published on the
 * `ftz.reform-tasks.events` topic. These zod schemas are the contract: the decider emits these
 * shapes and the projections and partners read them. Every event's business time is the
 * CloudEvent `time` (`occurredAt`); dates inside the data are calendar dates (China time).
 */
import { SafeString, Uuid } from "../http/common";
import { z } from "../http/zod";
import {
  EvaluationKind,
  EvaluationRating,
  EvidenceLink,
  LocalDate,
  RefCode,
  RevisableFields,
  TaskDefinition,
  TaskStatus,
} from "./task-shapes";

/** A task entered its year's list. */
export const TaskPlanned = z.strictObject({ ...TaskDefinition.shape, taskId: Uuid }).openapi("TaskPlanned");

/** Changed definition fields only (departments and deadline have their own events). */
export const TaskRevised = z
  .strictObject({
    changes: RevisableFields,
  })
  .openapi("TaskRevised");

/** Lead and cooperating departments replaced (责任部门); the previous ones are kept for the history. */
export const DepartmentsAssigned = z
  .strictObject({
    leadDepartment: RefCode,
    cooperatingDepartments: z.array(RefCode),
    previous: z.strictObject({ leadDepartment: RefCode, cooperatingDepartments: z.array(RefCode) }),
  })
  .openapi("DepartmentsAssigned");

/** Work began on `on`. */
export const TaskStarted = z.strictObject({ on: LocalDate }).openapi("TaskStarted");

/** A progress report: `percent` complete (0–100) as of `asOf`. */
export const ProgressReported = z
  .strictObject({
    percent: z.number().int().min(0).max(100),
    narrative: SafeString.max(4000),
    evidence: z.array(EvidenceLink).max(20),
    asOf: LocalDate,
  })
  .openapi("ProgressReported");

/** The deadline moved from `from` to `to` for `reason`. */
export const TaskRescheduled = z
  .strictObject({ from: LocalDate, to: LocalDate, reason: SafeString.min(1).max(2000) })
  .openapi("TaskRescheduled");

/** The reform was replicated (落地) on `on`. */
export const TaskReplicated = z
  .strictObject({ on: LocalDate, summary: SafeString.max(4000), evidence: z.array(EvidenceLink).max(20) })
  .openapi("TaskReplicated");

/** The task force judged the reform not applicable here. */
export const TaskJudgedNotApplicable = z
  .strictObject({ reason: SafeString.min(1).max(2000) })
  .openapi("TaskJudgedNotApplicable");

/** Work is blocked; `statusBefore` is where an unblock returns to. */
export const TaskBlocked = z
  .strictObject({ reason: SafeString.min(1).max(2000), statusBefore: TaskStatus })
  .openapi("TaskBlocked");

/** The block was lifted; the task is `status` again. */
export const TaskUnblocked = z
  .strictObject({ resolution: SafeString.max(2000), status: TaskStatus })
  .openapi("TaskUnblocked");

/** A replicated or not-applicable task was reopened; it is `status` again. */
export const TaskReopened = z
  .strictObject({ reason: SafeString.min(1).max(2000), status: TaskStatus })
  .openapi("TaskReopened");

/** A mid-term or final evaluation (plan section 十). */
export const TaskEvaluated = z
  .strictObject({
    kind: EvaluationKind,
    rating: EvaluationRating,
    remarks: SafeString.max(4000),
    evaluatedOn: LocalDate,
  })
  .openapi("TaskEvaluated");

/** Withdrawn from the list; terminal. `statusBefore` is kept for the record. */
export const TaskArchived = z
  .strictObject({ reason: SafeString.min(1).max(2000), statusBefore: TaskStatus })
  .openapi("TaskArchived");

/** Every event type of the stream with its data schema. */
export const REFORM_TASK_EVENTS = {
  TaskPlanned,
  TaskRevised,
  DepartmentsAssigned,
  TaskStarted,
  ProgressReported,
  TaskRescheduled,
  TaskReplicated,
  TaskJudgedNotApplicable,
  TaskBlocked,
  TaskUnblocked,
  TaskReopened,
  TaskEvaluated,
  TaskArchived,
} as const;

/** An event type name of the ReformTask stream. */
export type ReformTaskEventType = keyof typeof REFORM_TASK_EVENTS;

/** The data of event type `T`. */
export type ReformTaskEventData<T extends ReformTaskEventType> = z.output<(typeof REFORM_TASK_EVENTS)[T]>;

/** Stream category of reform tasks (contracts/topics.ts). */
export const REFORM_TASK_CATEGORY = "ReformTask";

/** The stream id of a task. */
export const reformTaskStream = (taskId: string): string => `${REFORM_TASK_CATEGORY}-${taskId}`;
