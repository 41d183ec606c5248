/**
 * The task-list read model: one row per reform task with its definition, status, progress and
 * deadline history figures, fed from the `ReformTask` category (Kafka in the full stack, the
 * event store's global log in embedded mode). Filters, the department scoreboard and the
 * replication rates are queries over this table (task-list-queries.ts); "overdue" depends on
 * the as-of date asked about, so it is computed at query time, not stored. How each event
 * changes a row is task-row.ts; batches are folded in memory and written once (row-fold.ts).
 */
import { type Projection, tableExists } from "../runner/projection";
import { createTableSql, foldRows, type RowFold } from "../runner/row-fold";
import { evolveTaskRow, TASK_COLUMNS, type TaskRow, taskIdOf } from "./task-row";

/** Logical name of the read model's table. */
export const TASK_LIST_TABLE = "reform_task_list";

const TASK_FOLD: RowFold<TaskRow> = {
  table: TASK_LIST_TABLE,
  key: "task_id",
  columns: TASK_COLUMNS,
  keyOf: (e) => taskIdOf(e.streamId).toLowerCase(),
  evolve: evolveTaskRow,
};

/** The task-list projection. */
export const taskListProjection: Projection = {
  name: "task_list",
  tables: [TASK_LIST_TABLE],
  categories: ["ReformTask"],
  async setup(tx, t) {
    const table = t(TASK_LIST_TABLE);
    if (await tableExists(tx, table)) {
      // Tables created before the as-of history existed: rows get it as they change, or on a rebuild.
      await tx.query(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS history jsonb`);
      return;
    }
    await tx.query(createTableSql(TASK_FOLD, table, ["UNIQUE (year, ref)"]));
    await tx.query(`CREATE INDEX ON ${table} (year, status, deadline)`);
    await tx.query(`CREATE INDEX ON ${table} (lead_department, year)`);
  },
  ...foldRows(TASK_FOLD),
};
