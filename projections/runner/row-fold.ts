/**
 * Projections whose read model is one row per stream, written as a fold: `evolve(row, event)` is
 * a pure function over the row as plain JSON (the shape `to_jsonb(row)` gives and
 * `jsonb_populate_recordset` takes). A batch then costs two statements whatever its size: one
 * query loads the rows its streams already have, every event is folded in memory, and one
 * statement writes each changed row once (insert or replace). One event at a time is the same
 * code with a batch of one, so the live feed, a redelivery and a rebuild cannot disagree.
 */
import type { SqlExecutor } from "../../services/platform/db/database";
import type { Projection, ProjectionEvent, TableNames } from "./projection";

/** How a one-row-per-stream read model folds its events. */
export interface RowFold<Row> {
  /** Logical table name (a rebuild maps it to its own table). */
  table: string;
  /** Primary-key column, and its SQL type for the lookup (`uuid`, `text`). */
  key: keyof Row & string;
  keyType: "uuid" | "text";
  /** Every column of the table; rows are written with all of them. */
  columns: readonly (keyof Row & string)[];
  /** The key of the row an event belongs to, as the table holds it (e.g. lower-case uuid). */
  keyOf(e: ProjectionEvent): string;
  /**
   * The row after `e` (`undefined` before: no row yet; `undefined` after: still none). Return
   * `row` itself when nothing changes. Throw for an event that cannot apply (it is parked).
   */
  evolve(row: Row | undefined, e: ProjectionEvent): Row | undefined;
}

/** `apply` and `applyBatch` of a Projection, from a fold. */
export function foldRows<Row>(fold: RowFold<Row>): Pick<Projection, "apply" | "applyBatch"> {
  const updated = fold.columns.filter((c) => c !== fold.key);
  const upsert = (table: string) =>
    `INSERT INTO ${table} SELECT * FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)
     ON CONFLICT (${fold.key}) DO UPDATE SET (${updated.join(", ")}) = (${updated.map((c) => `EXCLUDED.${c}`).join(", ")})`;

  const applyBatch = async (tx: SqlExecutor, events: ProjectionEvent[], t: TableNames): Promise<void> => {
    const table = t(fold.table);
    const { rows: found } = await tx.query<{ r: Row }>(
      `SELECT to_jsonb(t) AS r FROM ${table} t WHERE ${fold.key} = ANY($1::${fold.keyType}[])`,
      [[...new Set(events.map(fold.keyOf))]],
    );
    const rows = new Map(found.map(({ r }) => [String(r[fold.key]), r]));
    const changed = new Map<string, Row>();
    for (const e of events) {
      const key = fold.keyOf(e);
      const before = rows.get(key);
      const after = fold.evolve(before, e);
      if (after === undefined || after === before) continue;
      rows.set(key, after);
      changed.set(key, after);
    }
    if (changed.size) await tx.query(upsert(table), [JSON.stringify([...changed.values()])]);
  };
  return { apply: (tx, e, t) => applyBatch(tx, [e], t), applyBatch };
}
