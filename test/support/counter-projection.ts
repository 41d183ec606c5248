/** Read model of the test aggregate: one row per counter with its total and status. */
import type { SqlExecutor } from "../../services/platform/db/database";
import type { Projection } from "../../projections/runner/projection";

export const counterProjection: Projection = {
  name: "counter_totals",
  tables: ["counter_totals"],
  categories: ["Counter"],
  async setup(tx, t) {
    await tx.query(`CREATE TABLE IF NOT EXISTS ${t("counter_totals")} (
      counter_id text PRIMARY KEY, name text NOT NULL, total bigint NOT NULL DEFAULT 0,
      status text NOT NULL, events bigint NOT NULL DEFAULT 1)`);
  },
  async apply(tx, e, t) {
    const table = t("counter_totals");
    const data = e.data as Record<string, unknown>;
    switch (e.type) {
      case "CounterOpened":
        await tx.query(`INSERT INTO ${table} (counter_id, name, status) VALUES ($1, $2, 'open')`, [
          e.streamId,
          data.name,
        ]);
        return;
      case "CounterIncremented":
        if (typeof data.by !== "number")
          throw new Error(`CounterIncremented.by is not a number: ${JSON.stringify(data.by)}`);
        await tx.query(`UPDATE ${table} SET total = total + $2, events = events + 1 WHERE counter_id = $1`, [
          e.streamId,
          data.by,
        ]);
        return;
      case "CounterClosed":
        await tx.query(`UPDATE ${table} SET status = 'closed', events = events + 1 WHERE counter_id = $1`, [
          e.streamId,
        ]);
        return;
    }
  },
};

/** The read model's rows, ordered, for equality checks. */
export async function counterRows(db: SqlExecutor, table = "counter_totals") {
  const { rows } = await db.query<{ counter_id: string; total: string; status: string; events: string }>(
    `SELECT counter_id, total::text AS total, status, events::text AS events FROM ${table} ORDER BY counter_id`,
  );
  return rows;
}
