/**
 * Queries over the task-list read model (task-list-projection.ts): the filtered, cursor-paginated
 * list, the department scoreboard and the replication rate per year. "Overdue" means past its
 * deadline on the as-of date and still open (planned, in progress or blocked), README, reform replication task list.
 * All dates are China calendar dates (`YYYY-MM-DD`), read as text so no time zone can shift them.
 */
import type { SqlExecutor } from "../../services/platform/db/database";
import { TASK_LIST_TABLE } from "./task-list-projection";
import type { TaskRow } from "./task-row";

const OPEN_STATUSES = "('planned','in_progress','blocked')";
const OVERDUE = (asOf: string) => `(status IN ${OPEN_STATUSES} AND deadline < ${asOf}::date)`;

/** Filters of the task list; absent members do not filter. */
export interface TaskListFilter {
  year?: number;
  status?: readonly string[];
  /** Lead or cooperating department code. */
  department?: string;
  field?: string;
  /** Source batch code, e.g. `SC-FTZ-7`. */
  source?: string;
  /** Only overdue (true) or only not overdue (false) tasks as of `asOf`. */
  overdue?: boolean;
  /** The China date "overdue" is judged on. */
  asOf: string;
  /** Case-insensitive substring of ref, titles (zh/en), core content, implementation path or source. */
  q?: string;
}

/** One task as the list shows it. */
export interface TaskListItem {
  taskId: string;
  year: number;
  ref: string;
  title: { zh: string; en?: string };
  field: string;
  scope: string;
  source: { batch: string; item?: string; citation: string };
  coreContent: string;
  leadDepartment: string;
  cooperatingDepartments: string[];
  deadline: string;
  originalDeadline: string;
  reschedules: number;
  implementationPath: string;
  assumed: string[];
  status: string;
  statusReason: string | null;
  startedOn: string | null;
  progress: { percent: number; asOf: string; narrative: string } | null;
  replicatedOn: string | null;
  evaluations: Record<string, { rating: string; remarks: string; evaluatedOn: string }>;
  overdue: boolean;
  /** Days past the deadline on the as-of date (0 when not overdue). */
  daysOverdue: number;
  /** Stream version this row reflects (the task's ETag value). */
  version: number;
  updatedAt: string;
}

/** A row as the list queries select it (COLUMNS), with the as-of figures. */
type Row = Omit<TaskRow, "planned_at" | "revisions" | "search_text" | "updated_at" | "evaluations"> & {
  evaluations: TaskListItem["evaluations"];
  updated_at: Date;
  overdue: boolean;
  days_overdue: number;
};

const COLUMNS = `task_id::text AS task_id, year, ref, title_zh, title_en, field, scope, source_batch, source_item,
  source_citation, core_content, lead_department, cooperating_departments, deadline::text AS deadline,
  original_deadline::text AS original_deadline, reschedules, implementation_path, assumed, status, status_reason,
  started_on::text AS started_on, progress_percent, progress_as_of::text AS progress_as_of, progress_narrative,
  replicated_on::text AS replicated_on, evaluations, version, updated_at`;

function toItem(r: Row): TaskListItem {
  return {
    taskId: r.task_id,
    year: r.year,
    ref: r.ref,
    title: r.title_en === null ? { zh: r.title_zh } : { zh: r.title_zh, en: r.title_en },
    field: r.field,
    scope: r.scope,
    source:
      r.source_item === null
        ? { batch: r.source_batch, citation: r.source_citation }
        : { batch: r.source_batch, item: r.source_item, citation: r.source_citation },
    coreContent: r.core_content,
    leadDepartment: r.lead_department,
    cooperatingDepartments: r.cooperating_departments,
    deadline: r.deadline,
    originalDeadline: r.original_deadline,
    reschedules: r.reschedules,
    implementationPath: r.implementation_path,
    assumed: r.assumed,
    status: r.status,
    statusReason: r.status_reason,
    startedOn: r.started_on,
    progress:
      r.progress_percent === null
        ? null
        : { percent: r.progress_percent, asOf: r.progress_as_of!, narrative: r.progress_narrative ?? "" },
    replicatedOn: r.replicated_on,
    evaluations: r.evaluations,
    overdue: r.overdue,
    daysOverdue: r.days_overdue,
    version: r.version,
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/** WHERE clause and parameters for `f`; `$1` is always the as-of date. */
function where(f: TaskListFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [f.asOf];
  const clauses: string[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (f.year !== undefined) clauses.push(`year = ${p(f.year)}`);
  if (f.status?.length) clauses.push(`status = ANY(${p(f.status)}::text[])`);
  if (f.department !== undefined) {
    const d = p(f.department);
    clauses.push(`(lead_department = ${d} OR ${d} = ANY(cooperating_departments))`);
  }
  if (f.field !== undefined) clauses.push(`field = ${p(f.field)}`);
  if (f.source !== undefined) clauses.push(`source_batch = ${p(f.source)}`);
  if (f.overdue !== undefined) clauses.push(f.overdue ? OVERDUE("$1") : `NOT ${OVERDUE("$1")}`);
  if (f.q !== undefined && f.q !== "") clauses.push(`strpos(search_text, ${p(f.q.toLowerCase())}) > 0`);
  return { sql: clauses.length ? `WHERE ${clauses.join(" AND ")}` : "", params };
}

const SELECT = (table: string, whereSql: string) =>
  `SELECT ${COLUMNS}, ${OVERDUE("$1")} AS overdue,
     CASE WHEN ${OVERDUE("$1")} THEN ($1::date - deadline) ELSE 0 END AS days_overdue
   FROM ${table} ${whereSql}`;

/** A page of the list: items in (year, ref) order and the cursor of the next page (null at the end). */
export interface TaskListPage {
  items: TaskListItem[];
  nextCursor: string | null;
}

/** Opaque cursor: base64url of the last item's sort key `[year, ref, taskId]`. */
export const encodeCursor = (i: Pick<TaskListItem, "year" | "ref" | "taskId">): string =>
  Buffer.from(JSON.stringify([i.year, i.ref, i.taskId]), "utf8").toString("base64url");

const CURSOR_REF = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
const CURSOR_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The sort key inside a cursor, or `null` when it is not one this API issued (any field out of shape). */
export function decodeCursor(cursor: string): [number, string, string] | null {
  try {
    const v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    const ok =
      Array.isArray(v) &&
      v.length === 3 &&
      Number.isInteger(v[0]) &&
      v[0] >= 2000 &&
      v[0] <= 2100 &&
      typeof v[1] === "string" &&
      CURSOR_REF.test(v[1]) &&
      typeof v[2] === "string" &&
      CURSOR_ID.test(v[2]);
    return ok ? (v as [number, string, string]) : null;
  } catch {
    return null;
  }
}

/** One page of tasks matching `f`, after `after` (a decoded cursor), at most `limit` items. */
export async function listTasks(
  db: SqlExecutor,
  f: TaskListFilter,
  page: { limit: number; after?: [number, string, string] },
): Promise<TaskListPage> {
  const w = where(f);
  let sql = w.sql;
  if (page.after) {
    w.params.push(...page.after);
    const n = w.params.length;
    sql = `${sql ? `${sql} AND` : "WHERE"} (year, ref, task_id) > ($${n - 2}::integer, $${n - 1}::text, $${n}::uuid)`;
  }
  w.params.push(page.limit + 1);
  const { rows } = await db.query<Row>(
    `${SELECT(TASK_LIST_TABLE, sql)} ORDER BY year, ref, task_id LIMIT $${w.params.length}`,
    w.params,
  );
  const items = rows.slice(0, page.limit).map(toItem);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > page.limit && last ? encodeCursor(last) : null };
}

/** Every task matching `f` in (year, ref) order, at most `max` (for exports). */
export async function allTasks(db: SqlExecutor, f: TaskListFilter, max = 10_000): Promise<TaskListItem[]> {
  const w = where(f);
  w.params.push(max);
  const { rows } = await db.query<Row>(
    `${SELECT(TASK_LIST_TABLE, w.sql)} ORDER BY year, ref, task_id LIMIT $${w.params.length}`,
    w.params,
  );
  return rows.map(toItem);
}

/**
 * Each task of `year` ($2, null: all) as it stood on the China date $1, from its history
 * (task-row.ts TaskHistoryChange): per member, the last change in event order dated on or before
 * $1 (the plan is in force from the start). Status, deadline then in force, lead department,
 * replication date, and the deadline first planned. Rows written before the history existed
 * count as planned in their current state.
 */
const TASKS_AS_OF = `
  SELECT t.year, t.original_deadline,
         coalesce((s.e->>'status'), 'planned') AS status, (s.e->>'replicatedOn')::date AS replicated_on,
         coalesce((SELECT x.e->>'deadline' FROM jsonb_array_elements(h.h) WITH ORDINALITY AS x(e, i)
                    WHERE x.e ? 'deadline' AND coalesce((x.e->>'on')::date <= $1::date, true)
                    ORDER BY x.i DESC LIMIT 1), t.original_deadline::text)::date AS deadline,
         (SELECT x.e->>'lead' FROM jsonb_array_elements(h.h) WITH ORDINALITY AS x(e, i)
           WHERE x.e ? 'lead' AND coalesce((x.e->>'on')::date <= $1::date, true)
           ORDER BY x.i DESC LIMIT 1) AS lead
    FROM ${TASK_LIST_TABLE} t
    CROSS JOIN LATERAL (SELECT coalesce(t.history, jsonb_build_array(jsonb_strip_nulls(jsonb_build_object(
        'on', NULL, 'status', t.status, 'deadline', t.deadline, 'lead', t.lead_department,
        'replicatedOn', t.replicated_on)))) AS h) h
    LEFT JOIN LATERAL (
      SELECT x.e FROM jsonb_array_elements(h.h) WITH ORDINALITY AS x(e, i)
       WHERE x.e ? 'status' AND coalesce((x.e->>'on')::date <= $1::date, true)
       ORDER BY x.i DESC LIMIT 1) s ON true
   WHERE ($2::integer IS NULL OR t.year = $2::integer)`;

/** On-time figures against one deadline. Rates are percent, 1 decimal. */
export interface OnTimeFigures {
  /** Tasks due by the as-of date: replicated, or open with that deadline passed (not-applicable and archived excluded). */
  due: number;
  /** Replicated on or before that deadline. */
  replicatedOnTime: number;
  /** replicatedOnTime / due × 100; null when nothing is due yet. */
  onTimeRatePercent: number | null;
}

/**
 * A department's figures as of a date, for the tasks it led then. On-time is judged against the
 * deadline first planned (rescheduling does not hide lateness); `currentDeadline` judges the same
 * tasks against the deadline in force on the as-of date.
 */
export interface DepartmentScore extends OnTimeFigures {
  department: string;
  total: number;
  byStatus: Record<string, number>;
  /** Open and past the deadline in force on the as-of date. */
  overdue: number;
  /** Tasks whose deadline in force differs from the first one. */
  rescheduled: number;
  currentDeadline: OnTimeFigures;
}

const percent = (num: number, den: number) => (den === 0 ? null : Math.round((num / den) * 1000) / 10);

/** The scoreboard as of `asOf`: one entry per department that led any task of `year` then. */
export async function departmentScoreboard(
  db: SqlExecutor,
  opts: { year?: number; asOf: string },
): Promise<DepartmentScore[]> {
  const { rows } = await db.query<Record<string, string>>(
    `WITH at AS (${TASKS_AS_OF})
     SELECT lead AS department, status, count(*)::text AS n,
       count(*) FILTER (WHERE ${OVERDUE("$1")})::text AS overdue,
       count(*) FILTER (WHERE deadline <> original_deadline)::text AS rescheduled,
       count(*) FILTER (WHERE status = 'replicated'
         OR (status IN ${OPEN_STATUSES} AND original_deadline < $1::date))::text AS due,
       count(*) FILTER (WHERE status = 'replicated' AND replicated_on <= original_deadline)::text AS on_time,
       count(*) FILTER (WHERE status = 'replicated' OR ${OVERDUE("$1")})::text AS due_current,
       count(*) FILTER (WHERE status = 'replicated' AND replicated_on <= deadline)::text AS on_time_current
     FROM at GROUP BY lead, status ORDER BY lead, status`,
    [opts.asOf, opts.year ?? null],
  );
  const out = new Map<string, DepartmentScore>();
  for (const r of rows) {
    const s = out.get(r.department!) ?? {
      department: r.department!,
      total: 0,
      byStatus: {},
      overdue: 0,
      rescheduled: 0,
      due: 0,
      replicatedOnTime: 0,
      onTimeRatePercent: null,
      currentDeadline: { due: 0, replicatedOnTime: 0, onTimeRatePercent: null },
    };
    s.total += Number(r.n);
    s.byStatus[r.status!] = Number(r.n);
    s.overdue += Number(r.overdue);
    s.rescheduled += Number(r.rescheduled);
    s.due += Number(r.due);
    s.replicatedOnTime += Number(r.on_time);
    s.currentDeadline.due += Number(r.due_current);
    s.currentDeadline.replicatedOnTime += Number(r.on_time_current);
    out.set(r.department!, s);
  }
  for (const s of out.values()) {
    s.onTimeRatePercent = percent(s.replicatedOnTime, s.due);
    s.currentDeadline.onTimeRatePercent = percent(s.currentDeadline.replicatedOnTime, s.currentDeadline.due);
  }
  return [...out.values()];
}

/** A year's replication rate as of a date: replicated / applicable (not judged not applicable, not archived). */
export interface YearReplicationRate {
  year: number;
  total: number;
  applicable: number;
  replicated: number;
  notApplicable: number;
  archived: number;
  overdue: number;
  /** replicated / applicable × 100, 1 decimal; null when nothing is applicable. */
  replicationRatePercent: number | null;
}

/** Replication rate per list year as of `asOf` (tasks as they stood then), oldest first. */
export async function replicationRates(db: SqlExecutor, opts: { asOf: string }): Promise<YearReplicationRate[]> {
  const { rows } = await db.query<Record<string, string>>(
    `WITH at AS (${TASKS_AS_OF})
     SELECT year::text AS year, count(*)::text AS total,
       count(*) FILTER (WHERE status = 'replicated')::text AS replicated,
       count(*) FILTER (WHERE status = 'not_applicable')::text AS not_applicable,
       count(*) FILTER (WHERE status = 'archived')::text AS archived,
       count(*) FILTER (WHERE ${OVERDUE("$1")})::text AS overdue
     FROM at GROUP BY year ORDER BY year`,
    [opts.asOf, null],
  );
  return rows.map((r) => {
    const total = Number(r.total);
    const notApplicable = Number(r.not_applicable);
    const archived = Number(r.archived);
    const replicated = Number(r.replicated);
    const applicable = total - notApplicable - archived;
    return {
      year: Number(r.year),
      total,
      applicable,
      replicated,
      notApplicable,
      archived,
      overdue: Number(r.overdue),
      replicationRatePercent: percent(replicated, applicable),
    };
  });
}

/** Refs of `year`'s tasks in the read model (for an import's "not in file" list). */
export async function refsOfYear(db: SqlExecutor, year: number): Promise<string[]> {
  const { rows } = await db.query<{ ref: string }>(`SELECT ref FROM ${TASK_LIST_TABLE} WHERE year = $1 ORDER BY ref`, [
    year,
  ]);
  return rows.map((r) => r.ref);
}
