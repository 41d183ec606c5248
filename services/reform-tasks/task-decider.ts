/**
 * The reform replication task aggregate (复制推广任务, README, reform replication task list; plan section 十一): one
 * stream per task, `ReformTask-<uuid>`. Life: planned → in_progress → replicated (落地), with
 * blocked / unblocked, rescheduled (reason required, history kept), judged not applicable
 * (reason required), reopened, evaluated (mid-term by end 2027, final by end 2030) and archived
 * (terminal). `decide` refuses an illegal transition with a 409 DomainError `illegal_transition`
 * naming the current state; contradictory input (a date in the future, an as-of date older than
 * the last report) is a 422 DomainError. Reference-data checks (department and field codes) are
 * done before the decider is called (see task-validation.ts), so the decider stays pure.
 */
import type { ReformTaskEventData, ReformTaskEventType } from "../../contracts/reform-tasks/events";
import type {
  EvaluationKind,
  RevisableField,
  TaskDefinition,
  TaskStatus,
} from "../../contracts/reform-tasks/task-shapes";
import stringify from "safe-stable-stringify";
import { chinaDate } from "../platform/china-date";
import { type Decider, DomainError, type DomainEvent } from "../platform/decider";

/** One event of the ReformTask stream. */
export type TaskEvent = {
  [T in ReformTaskEventType]: DomainEvent<T, ReformTaskEventData<T>>;
}[ReformTaskEventType];

/** Changes a revision may carry. */
export type TaskChanges = Partial<Pick<TaskDefinition, RevisableField>>;

/** Commands on a task. `at` is the command's business time (ISO 8601 with offset), usually now. */
export type TaskCommand =
  | { kind: "plan"; taskId: string; definition: TaskDefinition; at: string }
  | { kind: "revise"; changes: TaskChanges; at: string }
  | { kind: "assignDepartments"; leadDepartment: string; cooperatingDepartments: string[]; at: string }
  | { kind: "start"; on: string; at: string }
  | { kind: "reportProgress"; percent: number; narrative: string; evidence: string[]; asOf: string; at: string }
  | { kind: "reschedule"; to: string; reason: string; at: string }
  | { kind: "markReplicated"; on: string; summary: string; evidence: string[]; at: string }
  | { kind: "judgeNotApplicable"; reason: string; at: string }
  | { kind: "block"; reason: string; at: string }
  | { kind: "unblock"; resolution: string; at: string }
  | { kind: "reopen"; reason: string; at: string }
  | {
      kind: "evaluate";
      evaluation: EvaluationKind;
      rating: "excellent" | "good" | "fair" | "poor";
      remarks: string;
      evaluatedOn: string;
      at: string;
    }
  | { kind: "archive"; reason: string; at: string };

/** A recorded evaluation. */
export interface Evaluation {
  rating: string;
  remarks: string;
  evaluatedOn: string;
}

/** The state `decide` needs and the API shows. `status` is `none` before the task is planned. */
export interface TaskState {
  status: TaskStatus | "none";
  taskId: string | null;
  definition: TaskDefinition | null;
  /** The deadline the task was planned with, before any reschedule. */
  originalDeadline: string | null;
  reschedules: number;
  startedOn: string | null;
  progress: { percent: number; asOf: string; narrative: string; evidence: string[] } | null;
  replicatedOn: string | null;
  /** Where `unblock` returns to while blocked. */
  statusBeforeBlock: TaskStatus | null;
  /** Why the task is blocked, not applicable or archived (the latest reason). */
  reason: string | null;
  evaluations: Partial<Record<EvaluationKind, Evaluation>>;
}

/** The state of a task that does not exist yet. */
export const NO_TASK: TaskState = Object.freeze({
  status: "none",
  taskId: null,
  definition: null,
  originalDeadline: null,
  reschedules: 0,
  startedOn: null,
  progress: null,
  replicatedOn: null,
  statusBeforeBlock: null,
  reason: null,
  evaluations: {},
}) as TaskState;

const OPEN: TaskStatus[] = ["planned", "in_progress", "blocked"];
const NOT_ARCHIVED: TaskStatus[] = ["planned", "in_progress", "blocked", "replicated", "not_applicable"];

/** The states each command is allowed in (the transition table). */
export const ALLOWED_IN: Record<Exclude<TaskCommand["kind"], "plan">, readonly TaskStatus[]> = {
  revise: NOT_ARCHIVED,
  assignDepartments: OPEN,
  start: ["planned"],
  reportProgress: ["in_progress", "blocked"],
  reschedule: OPEN,
  markReplicated: ["in_progress"],
  judgeNotApplicable: OPEN,
  block: ["planned", "in_progress"],
  unblock: ["blocked"],
  reopen: ["replicated", "not_applicable"],
  evaluate: NOT_ARCHIVED,
  archive: NOT_ARCHIVED,
};

const VERB: Record<TaskCommand["kind"], string> = {
  plan: "plan",
  revise: "revise",
  assignDepartments: "reassign the departments of",
  start: "start",
  reportProgress: "report progress on",
  reschedule: "reschedule",
  markReplicated: "mark as replicated",
  judgeNotApplicable: "judge not applicable",
  block: "block",
  unblock: "unblock",
  reopen: "reopen",
  evaluate: "evaluate",
  archive: "archive",
};

function illegal(cmd: TaskCommand, s: TaskState): DomainError {
  if (s.status === "none") {
    return new DomainError("task_not_found", `there is no such task to ${VERB[cmd.kind]}`, { state: "none" });
  }
  const allowed = cmd.kind === "plan" ? [] : ALLOWED_IN[cmd.kind];
  return new DomainError(
    "illegal_transition",
    `cannot ${VERB[cmd.kind]} a task that is ${s.status}` +
      (allowed.length ? ` (allowed when ${allowed.join(", ")})` : " (it is already planned)"),
    { state: s.status, command: cmd.kind, allowedIn: allowed },
  );
}

/** Refuses a calendar date after the command's own date (China time): 422 `date_in_future`. */
function notInFuture(field: string, date: string, at: string): void {
  const today = chinaDate(at);
  if (date > today) {
    throw new DomainError("date_in_future", `${field} ${date} is after today (${today}, China time)`, { field }, 422);
  }
}

/** Refuses `date` earlier than `floor`: 422 `date_before_${what}`. */
function notBefore(field: string, date: string, floor: string | null, what: string): void {
  if (floor !== null && date < floor) {
    throw new DomainError(
      `date_before_${what}`,
      `${field} ${date} is before the task's ${what} date ${floor}`,
      {
        field,
        [what]: floor,
      },
      422,
    );
  }
}

/** 422 `lead_also_cooperating` when the lead department is also listed as cooperating. */
function leadNotCooperating(lead: string, cooperating: readonly string[]): void {
  if (cooperating.includes(lead)) {
    throw new DomainError(
      "lead_also_cooperating",
      `${lead} cannot be both the lead and a cooperating department`,
      { field: "cooperatingDepartments" },
      422,
    );
  }
}

/** Deep equality by canonical JSON (keys sorted: stored jsonb does not keep key order). */
const same = (a: unknown, b: unknown) => stringify(a ?? null) === stringify(b ?? null);
const sameSet = (a: readonly string[], b: readonly string[]) => same([...a].sort(), [...b].sort());

/** The changes in `changes` that differ from `definition` (a revision with none records nothing). */
export function effectiveChanges(definition: TaskDefinition, changes: TaskChanges): TaskChanges {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(changes) as [RevisableField, unknown][]) {
    if (v === undefined) continue;
    const equal = k === "assumed" ? sameSet(v as string[], definition.assumed) : same(v, definition[k]);
    if (!equal) out[k] = v;
  }
  return out as TaskChanges;
}

function decide(cmd: TaskCommand, s: TaskState): TaskEvent[] {
  const ev = <T extends ReformTaskEventType>(type: T, data: ReformTaskEventData<T>) =>
    [{ type, data, occurredAt: cmd.at }] as TaskEvent[];
  if (cmd.kind === "plan") {
    if (s.status !== "none") {
      const d = s.definition!;
      throw new DomainError("task_already_exists", `task ${d.ref} is already in the ${d.year} list (${s.status})`, {
        state: s.status,
        taskId: s.taskId,
      });
    }
    leadNotCooperating(cmd.definition.leadDepartment, cmd.definition.cooperatingDepartments);
    return ev("TaskPlanned", { ...cmd.definition, taskId: cmd.taskId });
  }
  if (!ALLOWED_IN[cmd.kind].includes(s.status as TaskStatus)) throw illegal(cmd, s);
  const def = s.definition!;
  const status = s.status as TaskStatus;
  switch (cmd.kind) {
    case "revise": {
      const changes = effectiveChanges(def, cmd.changes);
      return Object.keys(changes).length ? ev("TaskRevised", { changes }) : [];
    }
    case "assignDepartments": {
      leadNotCooperating(cmd.leadDepartment, cmd.cooperatingDepartments);
      if (
        cmd.leadDepartment === def.leadDepartment &&
        sameSet(cmd.cooperatingDepartments, def.cooperatingDepartments)
      ) {
        return [];
      }
      return ev("DepartmentsAssigned", {
        leadDepartment: cmd.leadDepartment,
        cooperatingDepartments: cmd.cooperatingDepartments,
        previous: { leadDepartment: def.leadDepartment, cooperatingDepartments: def.cooperatingDepartments },
      });
    }
    case "start":
      notInFuture("on", cmd.on, cmd.at);
      return ev("TaskStarted", { on: cmd.on });
    case "reportProgress":
      if (s.startedOn === null) {
        // Blocked before it was ever started: there is no work to report on.
        throw new DomainError("task_not_started", "the task was never started; start it before reporting progress", {
          state: status,
        });
      }
      notInFuture("asOf", cmd.asOf, cmd.at);
      notBefore("asOf", cmd.asOf, s.startedOn, "start");
      if (s.progress && cmd.asOf < s.progress.asOf) {
        throw new DomainError(
          "stale_progress_report",
          `asOf ${cmd.asOf} is older than the latest report (as of ${s.progress.asOf})`,
          { field: "asOf", latestAsOf: s.progress.asOf },
          422,
        );
      }
      return ev("ProgressReported", {
        percent: cmd.percent,
        narrative: cmd.narrative,
        evidence: cmd.evidence,
        asOf: cmd.asOf,
      });
    case "reschedule":
      if (cmd.to === def.deadline) {
        throw new DomainError("deadline_unchanged", `the deadline is already ${cmd.to}`, { field: "to" }, 422);
      }
      if (cmd.to < `${def.year}-01-01`) {
        throw new DomainError(
          "deadline_before_list_year",
          `deadline ${cmd.to} is before the ${def.year} list's year`,
          { field: "to" },
          422,
        );
      }
      return ev("TaskRescheduled", { from: def.deadline, to: cmd.to, reason: cmd.reason });
    case "markReplicated":
      notInFuture("on", cmd.on, cmd.at);
      notBefore("on", cmd.on, s.startedOn, "start");
      return ev("TaskReplicated", { on: cmd.on, summary: cmd.summary, evidence: cmd.evidence });
    case "judgeNotApplicable":
      return ev("TaskJudgedNotApplicable", { reason: cmd.reason });
    case "block":
      return ev("TaskBlocked", { reason: cmd.reason, statusBefore: status });
    case "unblock":
      return ev("TaskUnblocked", { resolution: cmd.resolution, status: s.statusBeforeBlock ?? "planned" });
    case "reopen":
      return ev("TaskReopened", { reason: cmd.reason, status: s.startedOn ? "in_progress" : "planned" });
    case "evaluate": {
      notInFuture("evaluatedOn", cmd.evaluatedOn, cmd.at);
      const earlier = s.evaluations[cmd.evaluation];
      if (earlier) {
        throw new DomainError(
          "evaluation_already_recorded",
          `the ${cmd.evaluation} evaluation was already recorded on ${earlier.evaluatedOn}`,
          { state: status, evaluation: cmd.evaluation },
        );
      }
      return ev("TaskEvaluated", {
        kind: cmd.evaluation,
        rating: cmd.rating,
        remarks: cmd.remarks,
        evaluatedOn: cmd.evaluatedOn,
      });
    }
    case "archive":
      return ev("TaskArchived", { reason: cmd.reason, statusBefore: status });
  }
}

function evolve(s: TaskState, e: TaskEvent): TaskState {
  switch (e.type) {
    case "TaskPlanned": {
      const { taskId, ...definition } = e.data;
      return { ...NO_TASK, status: "planned", taskId, definition, originalDeadline: definition.deadline };
    }
    case "TaskRevised":
      return { ...s, definition: { ...s.definition!, ...e.data.changes } };
    case "DepartmentsAssigned":
      return {
        ...s,
        definition: {
          ...s.definition!,
          leadDepartment: e.data.leadDepartment,
          cooperatingDepartments: e.data.cooperatingDepartments,
        },
      };
    case "TaskStarted":
      return { ...s, status: "in_progress", startedOn: e.data.on };
    case "ProgressReported":
      return { ...s, progress: { ...e.data } };
    case "TaskRescheduled":
      return { ...s, definition: { ...s.definition!, deadline: e.data.to }, reschedules: s.reschedules + 1 };
    case "TaskReplicated":
      return { ...s, status: "replicated", replicatedOn: e.data.on };
    case "TaskJudgedNotApplicable":
      return { ...s, status: "not_applicable", reason: e.data.reason };
    case "TaskBlocked":
      return { ...s, status: "blocked", statusBeforeBlock: e.data.statusBefore, reason: e.data.reason };
    case "TaskUnblocked":
      return { ...s, status: e.data.status, statusBeforeBlock: null, reason: null };
    case "TaskReopened":
      return { ...s, status: e.data.status, replicatedOn: null, reason: null };
    case "TaskEvaluated": {
      const { kind, ...evaluation } = e.data;
      return { ...s, evaluations: { ...s.evaluations, [kind]: evaluation } };
    }
    case "TaskArchived":
      return { ...s, status: "archived", reason: e.data.reason };
  }
}

/** The task decider (decide/evolve over TaskCommand, TaskEvent and TaskState). */
export const taskDecider: Decider<TaskCommand, TaskEvent, TaskState> = {
  initialState: NO_TASK,
  decide,
  evolve,
};

/** True when `state`'s deadline has passed on `asOf` (a China date) and it still needs doing (README, reform replication task list). */
export function isOverdue(state: TaskState, asOf: string): boolean {
  return OPEN.includes(state.status as TaskStatus) && state.definition !== null && state.definition.deadline < asOf;
}
