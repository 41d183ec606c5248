/**
 * One row of the task-list read model as plain JSON (the shape `to_jsonb(row)` gives and
 * `jsonb_populate_recordset` takes), and `evolveTaskRow`, the pure fold of a reform task's events
 * into it. The projection loads the rows a batch touches, folds every event in memory and writes
 * each row back once (task-list-projection.ts).
 *
 * Events carry the statuses they lead to (TaskUnblocked.status, TaskReopened.status), so this
 * fold never re-implements the decider's state machine.
 */
import type { ReformTaskEventData, ReformTaskEventType } from "../../contracts/reform-tasks/events";
import { chinaDate } from "../../services/platform/china-date";
import type { ProjectionEvent } from "../runner/projection";
import type { Column, RowOf } from "../runner/row-fold";

/**
 * The task-list table's columns (types and nullability) in table order. Dates are `YYYY-MM-DD`,
 * instants ISO 8601 strings, `progress_percent` 0–100, `version` the stream revision of the last
 * event folded in, `evaluations` by kind (`mid_term`, `final`): rating, remarks, evaluatedOn;
 * `search_text` the lower-cased text the list's `q` filter searches.
 */
export const TASK_COLUMNS = {
  task_id: { type: "uuid" },
  year: { type: "integer" },
  ref: { type: "text" },
  title_zh: { type: "text" },
  title_en: { type: "text", nullable: true },
  field: { type: "text" },
  scope: { type: "text" },
  source_batch: { type: "text" },
  source_item: { type: "text", nullable: true },
  source_citation: { type: "text" },
  core_content: { type: "text" },
  lead_department: { type: "text" },
  cooperating_departments: { type: "text[]" },
  deadline: { type: "date" },
  original_deadline: { type: "date" },
  reschedules: { type: "integer" },
  implementation_path: { type: "text" },
  assumed: { type: "text[]" },
  status: { type: "text" },
  status_reason: { type: "text", nullable: true },
  started_on: { type: "date", nullable: true },
  progress_percent: { type: "integer", nullable: true },
  progress_as_of: { type: "date", nullable: true },
  progress_narrative: { type: "text", nullable: true },
  replicated_on: { type: "date", nullable: true },
  evaluations: { type: "jsonb" },
  revisions: { type: "integer" },
  version: { type: "integer" },
  planned_at: { type: "timestamptz" },
  updated_at: { type: "timestamptz" },
  search_text: { type: "text" },
  /** TaskHistoryChange[]: null in rows written before the column existed (a rebuild fills it). */
  history: { type: "jsonb", nullable: true },
} as const satisfies Record<string, Column>;

/**
 * One change of a task's status, deadline or lead department, dated: the task's history as the
 * "as of" figures read it (task-list-queries.ts). Only the members that changed are present.
 * `on` (YYYY-MM-DD, China) is the date the event names (started on, replicated on), else the
 * China date it occurred; null for the plan itself, which is in force from the start. The state
 * on a date is, per member, the last change (in event order) dated on or before it.
 */
export interface TaskHistoryChange {
  on: string | null;
  status?: string;
  deadline?: string;
  lead?: string;
  /** With status `replicated`: the date it was. */
  replicatedOn?: string;
}

/** A task-list row as plain JSON. */
export type TaskRow = RowOf<typeof TASK_COLUMNS>;

/** The task id of a `ReformTask-<uuid>` stream. */
export const taskIdOf = (streamId: string) => streamId.slice(streamId.indexOf("-") + 1);

/** Lower-cased text the list's `q` filter searches (Chinese and English). */
function searchText(
  r: Pick<
    TaskRow,
    "ref" | "title_zh" | "title_en" | "core_content" | "implementation_path" | "source_batch" | "source_citation"
  >,
): string {
  return [r.ref, r.title_zh, r.title_en ?? "", r.core_content, r.implementation_path, r.source_batch, r.source_citation]
    .join("\n")
    .toLowerCase();
}

type Data<T extends ReformTaskEventType> = ReformTaskEventData<T>;

/**
 * The row after event `e`, given the row before it (`undefined`: the task is not in the list).
 * A TaskPlanned for a task already listed, and a TaskRevised for one that is not, throw (the
 * runner parks the event). Other events for an unlisted task, and event types this version does
 * not know (a newer producer), leave the row as it is: the task's history endpoint still shows
 * them, and a rebuild after upgrading applies them.
 */
export function evolveTaskRow(row: TaskRow | undefined, e: ProjectionEvent): TaskRow | undefined {
  const next = evolveFields(row, e);
  if (!next || next === row) return next;
  const change: TaskHistoryChange = { on: e.type === "TaskPlanned" ? null : businessDate(e) };
  if (next.status !== row?.status) change.status = next.status;
  if (next.status === "replicated" && next.replicated_on && change.status) change.replicatedOn = next.replicated_on;
  if (next.deadline !== row?.deadline) change.deadline = next.deadline;
  if (next.lead_department !== row?.lead_department) change.lead = next.lead_department;
  const before = (row ? (row.history ?? [planOf(row)]) : []) as TaskHistoryChange[];
  return { ...next, history: Object.keys(change).length > 1 ? [...before, change] : before };
}

/** The date a task event takes effect: the one it names, else the China date it occurred. */
function businessDate(e: ProjectionEvent): string {
  const d = e.data as { on?: unknown };
  if ((e.type === "TaskStarted" || e.type === "TaskReplicated") && typeof d?.on === "string") return d.on;
  return chinaDate(e.occurredAt);
}

/** A row written before `history` existed, as one change in force from the start: its current state. */
const planOf = (row: TaskRow): TaskHistoryChange => ({
  on: null,
  status: row.status,
  deadline: row.deadline,
  lead: row.lead_department,
  ...(row.replicated_on ? { replicatedOn: row.replicated_on } : {}),
});

function evolveFields(row: TaskRow | undefined, e: ProjectionEvent): TaskRow | undefined {
  const type = e.type as ReformTaskEventType;
  const at = e.occurredAt.toISOString();
  if (type === "TaskPlanned") {
    if (row) throw new Error(`TaskPlanned for task ${row.task_id}, which is already in the list`);
    const d = e.data as Data<"TaskPlanned">;
    const planned: TaskRow = {
      task_id: taskIdOf(e.streamId),
      year: d.year,
      ref: d.ref,
      title_zh: d.title?.zh,
      title_en: d.title?.en ?? null,
      field: d.field,
      scope: d.scope,
      source_batch: d.source?.batch,
      source_item: d.source?.item ?? null,
      source_citation: d.source?.citation,
      core_content: d.coreContent,
      lead_department: d.leadDepartment,
      cooperating_departments: d.cooperatingDepartments,
      deadline: d.deadline,
      original_deadline: d.deadline,
      reschedules: 0,
      implementation_path: d.implementationPath,
      assumed: d.assumed,
      status: "planned",
      status_reason: null,
      started_on: null,
      progress_percent: null,
      progress_as_of: null,
      progress_narrative: null,
      replicated_on: null,
      evaluations: {},
      revisions: 0,
      version: e.streamVersion,
      planned_at: at,
      updated_at: at,
      search_text: "",
      history: null,
    };
    // A plan without its fields (not one of ours) is refused by the column checks (row-fold.ts).
    planned.search_text = searchText(planned);
    return planned;
  }
  if (!row) {
    if (type === "TaskRevised") throw new Error(`TaskRevised for unknown task ${taskIdOf(e.streamId)}`);
    return undefined;
  }
  const next: TaskRow = { ...row, version: e.streamVersion, updated_at: at };
  switch (type) {
    case "TaskRevised": {
      const c = (e.data as Data<"TaskRevised">).changes;
      if (c.title) {
        next.title_zh = c.title.zh;
        next.title_en = c.title.en ?? null;
      }
      // A member left out or null leaves the field as it is; `source` present (even null)
      // replaces the item number.
      next.field = c.field ?? row.field;
      next.scope = c.scope ?? row.scope;
      if (c.source !== undefined) next.source_item = c.source?.item ?? null;
      if (c.source) {
        next.source_batch = c.source.batch;
        next.source_citation = c.source.citation;
      }
      next.core_content = c.coreContent ?? row.core_content;
      next.implementation_path = c.implementationPath ?? row.implementation_path;
      next.assumed = c.assumed ?? row.assumed;
      next.search_text = searchText(next);
      next.revisions = row.revisions + 1;
      return next;
    }
    case "DepartmentsAssigned": {
      const d = e.data as Data<"DepartmentsAssigned">;
      next.lead_department = d.leadDepartment;
      next.cooperating_departments = d.cooperatingDepartments;
      return next;
    }
    case "TaskStarted":
      next.status = "in_progress";
      next.started_on = (e.data as Data<"TaskStarted">).on;
      return next;
    case "ProgressReported": {
      const d = e.data as Data<"ProgressReported">;
      next.progress_percent = d.percent;
      next.progress_as_of = d.asOf;
      next.progress_narrative = d.narrative;
      return next;
    }
    case "TaskRescheduled":
      next.deadline = (e.data as Data<"TaskRescheduled">).to;
      next.reschedules = row.reschedules + 1;
      return next;
    case "TaskReplicated":
      next.status = "replicated";
      next.replicated_on = (e.data as Data<"TaskReplicated">).on;
      return next;
    case "TaskJudgedNotApplicable":
      next.status = "not_applicable";
      next.status_reason = (e.data as Data<"TaskJudgedNotApplicable">).reason;
      return next;
    case "TaskBlocked":
      next.status = "blocked";
      next.status_reason = (e.data as Data<"TaskBlocked">).reason;
      return next;
    case "TaskUnblocked":
      next.status = (e.data as Data<"TaskUnblocked">).status;
      next.status_reason = null;
      return next;
    case "TaskReopened":
      next.status = (e.data as Data<"TaskReopened">).status;
      next.status_reason = null;
      next.replicated_on = null;
      return next;
    case "TaskEvaluated": {
      const d = e.data as Data<"TaskEvaluated">;
      next.evaluations = {
        ...row.evaluations,
        [d.kind]: { rating: d.rating, remarks: d.remarks, evaluatedOn: d.evaluatedOn },
      };
      return next;
    }
    case "TaskArchived":
      next.status = "archived";
      next.status_reason = (e.data as Data<"TaskArchived">).reason;
      return next;
    default:
      return row;
  }
}
