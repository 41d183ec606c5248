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
import type { ProjectionEvent } from "../runner/projection";

/** A task-list row. Dates are `YYYY-MM-DD`, instants ISO 8601 strings, percent 0–100. */
export interface TaskRow {
  task_id: string;
  year: number;
  ref: string;
  title_zh: string;
  title_en: string | null;
  field: string;
  scope: string;
  source_batch: string;
  source_item: string | null;
  source_citation: string;
  core_content: string;
  lead_department: string;
  cooperating_departments: string[];
  deadline: string;
  original_deadline: string;
  reschedules: number;
  implementation_path: string;
  assumed: string[];
  status: string;
  status_reason: string | null;
  started_on: string | null;
  progress_percent: number | null;
  progress_as_of: string | null;
  progress_narrative: string | null;
  replicated_on: string | null;
  /** Evaluations by kind (`mid_term`, `final`): rating, remarks, evaluatedOn. */
  evaluations: Record<string, unknown>;
  revisions: number;
  /** Stream revision of the last event folded in. */
  version: number;
  planned_at: string;
  updated_at: string;
  /** Lower-cased text the list's `q` filter searches. */
  search_text: string;
}

/** The row's columns in table order; the table is created with exactly these. */
export const TASK_ROW_COLUMNS: readonly (keyof TaskRow)[] = [
  "task_id",
  "year",
  "ref",
  "title_zh",
  "title_en",
  "field",
  "scope",
  "source_batch",
  "source_item",
  "source_citation",
  "core_content",
  "lead_department",
  "cooperating_departments",
  "deadline",
  "original_deadline",
  "reschedules",
  "implementation_path",
  "assumed",
  "status",
  "status_reason",
  "started_on",
  "progress_percent",
  "progress_as_of",
  "progress_narrative",
  "replicated_on",
  "evaluations",
  "revisions",
  "version",
  "planned_at",
  "updated_at",
  "search_text",
];

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
    };
    // A plan without its fields (not one of ours) fails the NOT NULL columns when written.
    planned.search_text = d.title ? searchText(planned) : (undefined as unknown as string);
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
      if (c.field !== undefined) next.field = c.field;
      if (c.scope !== undefined) next.scope = c.scope;
      if (c.source) {
        next.source_batch = c.source.batch;
        next.source_item = c.source.item ?? null;
        next.source_citation = c.source.citation;
      }
      if (c.coreContent !== undefined) next.core_content = c.coreContent;
      if (c.implementationPath !== undefined) next.implementation_path = c.implementationPath;
      if (c.assumed !== undefined) next.assumed = c.assumed;
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
