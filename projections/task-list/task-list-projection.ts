/**
 * The task-list read model: one row per reform task with its definition, status, progress and
 * deadline history figures, fed from the `ReformTask` category (Kafka in the full stack, the
 * event store's global log in embedded mode). Filters, the department scoreboard and the
 * replication rates are queries over this table (task-list-queries.ts); "overdue" depends on
 * the as-of date asked about, so it is computed at query time, not stored. How each event
 * changes a row is task-row.ts; batches are folded in memory and written once (row-fold.ts).
 */
import { type Projection, tableExists } from "../runner/projection";
import { foldRows } from "../runner/row-fold";
import { TASK_ROW_COLUMNS, type TaskRow, evolveTaskRow, taskIdOf } from "./task-row";

/** Logical name of the read model's table. */
export const TASK_LIST_TABLE = "reform_task_list";

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
  ...foldRows<TaskRow>({
    table: TASK_LIST_TABLE,
    key: "task_id",
    keyType: "uuid",
    columns: TASK_ROW_COLUMNS,
    keyOf: (e) => taskIdOf(e.streamId).toLowerCase(),
    evolve: evolveTaskRow,
  }),
};
