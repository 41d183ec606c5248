/**
 * The task-list read model: one row per reform task with its definition, status, progress and
 * deadline history figures, fed from the `ReformTask` category (Kafka in the full stack, the
 * event store's global log in embedded mode). Filters, the department scoreboard and the
 * replication rates are queries over this table (task-list-queries.ts); "overdue" depends on
 * the as-of date asked about, so it is computed at query time, not stored.
 *
 * Events carry the statuses they lead to (TaskUnblocked.status, TaskReopened.status), so this
 * projection never re-implements the decider's state machine.
 */
import type { ReformTaskEventData, ReformTaskEventType } from "../../contracts/reform-tasks/events";
import type { SqlExecutor } from "../../services/platform/db/database";
import { type Projection, type ProjectionEvent, type TableNames, tableExists } from "../runner/projection";

/** Logical name of the read model's table. */
export const TASK_LIST_TABLE = "reform_task_list";

const taskIdOf = (streamId: string) => streamId.slice(streamId.indexOf("-") + 1);

/** Lower-cased text the list's `q` filter searches (Chinese and English). */
function searchText(d: {
  ref: string;
  title: { zh: string; en?: string };
  coreContent: string;
  implementationPath: string;
  source: { batch: string; citation: string };
}): string {
  return [d.ref, d.title.zh, d.title.en ?? "", d.coreContent, d.implementationPath, d.source.batch, d.source.citation]
    .join("\n")
    .toLowerCase();
}

type Data<T extends ReformTaskEventType> = ReformTaskEventData<T>;

async function apply(tx: SqlExecutor, e: ProjectionEvent, t: TableNames): Promise<void> {
  const table = t(TASK_LIST_TABLE);
  const id = taskIdOf(e.streamId);
  const set = (assignments: string, params: unknown[]) =>
    tx.query(`UPDATE ${table} SET ${assignments}, version = $2, updated_at = $3 WHERE task_id = $1`, [
      id,
      e.streamVersion,
      e.occurredAt,
      ...params,
    ]);
  switch (e.type as ReformTaskEventType) {
    case "TaskPlanned": {
      const d = e.data as Data<"TaskPlanned">;
      await tx.query(
        `INSERT INTO ${table} (task_id, year, ref, title_zh, title_en, field, scope, source_batch, source_item,
           source_citation, core_content, lead_department, cooperating_departments, deadline, original_deadline,
           implementation_path, assumed, status, version, planned_at, updated_at, search_text)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$14,$15,$16,'planned',$17,$18,$18,$19)`,
        [
          id,
          d.year,
          d.ref,
          d.title.zh,
          d.title.en ?? null,
          d.field,
          d.scope,
          d.source.batch,
          d.source.item ?? null,
          d.source.citation,
          d.coreContent,
          d.leadDepartment,
          d.cooperatingDepartments,
          d.deadline,
          d.implementationPath,
          d.assumed,
          e.streamVersion,
          e.occurredAt,
          searchText(d),
        ],
      );
      return;
    }
    case "TaskRevised": {
      const c = (e.data as Data<"TaskRevised">).changes;
      const { rows } = await tx.query<{
        ref: string;
        title_zh: string;
        title_en: string | null;
        core_content: string;
        implementation_path: string;
        source_batch: string;
        source_citation: string;
      }>(
        `SELECT ref, title_zh, title_en, core_content, implementation_path, source_batch, source_citation
           FROM ${table} WHERE task_id = $1`,
        [id],
      );
      const r = rows[0];
      if (!r) throw new Error(`TaskRevised for unknown task ${id}`);
      const title = c.title ?? { zh: r.title_zh, en: r.title_en ?? undefined };
      const source = c.source ?? { batch: r.source_batch, citation: r.source_citation };
      const merged = {
        ref: r.ref,
        title,
        coreContent: c.coreContent ?? r.core_content,
        implementationPath: c.implementationPath ?? r.implementation_path,
        source,
      };
      await set(
        `title_zh = $4, title_en = $5, field = COALESCE($6, field), scope = COALESCE($7, scope),
         source_batch = $8, source_item = CASE WHEN $9::boolean THEN $10 ELSE source_item END, source_citation = $11,
         core_content = $12, implementation_path = $13, assumed = COALESCE($14, assumed), search_text = $15,
         revisions = revisions + 1`,
        [
          title.zh,
          title.en ?? null,
          c.field ?? null,
          c.scope ?? null,
          source.batch,
          c.source !== undefined,
          c.source?.item ?? null,
          source.citation,
          merged.coreContent,
          merged.implementationPath,
          c.assumed ?? null,
          searchText(merged),
        ],
      );
      return;
    }
    case "DepartmentsAssigned": {
      const d = e.data as Data<"DepartmentsAssigned">;
      await set("lead_department = $4, cooperating_departments = $5", [d.leadDepartment, d.cooperatingDepartments]);
      return;
    }
    case "TaskStarted":
      await set("status = 'in_progress', started_on = $4", [(e.data as Data<"TaskStarted">).on]);
      return;
    case "ProgressReported": {
      const d = e.data as Data<"ProgressReported">;
      await set("progress_percent = $4, progress_as_of = $5, progress_narrative = $6", [
        d.percent,
        d.asOf,
        d.narrative,
      ]);
      return;
    }
    case "TaskRescheduled":
      await set("deadline = $4, reschedules = reschedules + 1", [(e.data as Data<"TaskRescheduled">).to]);
      return;
    case "TaskReplicated":
      await set("status = 'replicated', replicated_on = $4", [(e.data as Data<"TaskReplicated">).on]);
      return;
    case "TaskJudgedNotApplicable":
      await set("status = 'not_applicable', status_reason = $4", [(e.data as Data<"TaskJudgedNotApplicable">).reason]);
      return;
    case "TaskBlocked":
      await set("status = 'blocked', status_reason = $4", [(e.data as Data<"TaskBlocked">).reason]);
      return;
    case "TaskUnblocked":
      await set("status = $4, status_reason = NULL", [(e.data as Data<"TaskUnblocked">).status]);
      return;
    case "TaskReopened":
      await set("status = $4, status_reason = NULL, replicated_on = NULL", [(e.data as Data<"TaskReopened">).status]);
      return;
    case "TaskEvaluated": {
      const d = e.data as Data<"TaskEvaluated">;
      await set("evaluations = evaluations || jsonb_build_object($4::text, $5::jsonb)", [
        d.kind,
        JSON.stringify({ rating: d.rating, remarks: d.remarks, evaluatedOn: d.evaluatedOn }),
      ]);
      return;
    }
    case "TaskArchived":
      await set("status = 'archived', status_reason = $4", [(e.data as Data<"TaskArchived">).reason]);
      return;
    default:
      // A type this version does not know (a newer producer): skip it rather than park it; the
      // task's history endpoint still shows it, and a rebuild after upgrading applies it.
      return;
  }
}

/** The task-list projection. */
export const taskListProjection: Projection = {
  name: "task_list",
  tables: [TASK_LIST_TABLE],
  categories: ["ReformTask"],
  async setup(tx, t) {
    const table = t(TASK_LIST_TABLE);
    if (await tableExists(tx, table)) return;
    await tx.query(`CREATE TABLE ${table} (
      task_id uuid PRIMARY KEY,
      year integer NOT NULL,
      ref text NOT NULL,
      title_zh text NOT NULL,
      title_en text,
      field text NOT NULL,
      scope text NOT NULL,
      source_batch text NOT NULL,
      source_item text,
      source_citation text NOT NULL,
      core_content text NOT NULL,
      lead_department text NOT NULL,
      cooperating_departments text[] NOT NULL,
      deadline date NOT NULL,
      original_deadline date NOT NULL,
      reschedules integer NOT NULL DEFAULT 0,
      implementation_path text NOT NULL,
      assumed text[] NOT NULL,
      status text NOT NULL,
      status_reason text,
      started_on date,
      progress_percent integer,
      progress_as_of date,
      progress_narrative text,
      replicated_on date,
      evaluations jsonb NOT NULL DEFAULT '{}'::jsonb,
      revisions integer NOT NULL DEFAULT 0,
      version integer NOT NULL,
      planned_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      search_text text NOT NULL,
      UNIQUE (year, ref))`);
    await tx.query(`CREATE INDEX ON ${table} (year, status, deadline)`);
    await tx.query(`CREATE INDEX ON ${table} (lead_department, year)`);
  },
  apply,
};
