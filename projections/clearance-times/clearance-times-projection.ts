/**
 * The clearance-times read model (WCO Time Release Study method, README, customs direct clearance): one row per
 * declaration holding the business time of each milestone, fed from the `Declaration` category
 * (Kafka in the full stack, the event store in embedded mode). Durations are differences of
 * business times computed at query time (clearance-times-queries.ts), so a milestone that
 * arrives late simply fills its column: arrival order does not change the times (only
 * `inspection_result` keeps the result of the inspection recorded last). How each event changes
 * a row is clearance-row.ts; batches are folded in memory and written once (row-fold.ts).
 */
import { type Projection, tableExists } from "../runner/projection";
import { createTableSql, foldRows, type RowFold } from "../runner/row-fold";
import { CLEARANCE_COLUMNS, type ClearanceRow, declarationNumberOf, evolveClearanceRow } from "./clearance-row";

/** Logical name of the read model's table. */
export const CLEARANCE_TABLE = "clearance_times";

const CLEARANCE_FOLD: RowFold<ClearanceRow> = {
  table: CLEARANCE_TABLE,
  key: "declaration_number",
  columns: CLEARANCE_COLUMNS,
  keyOf: (e) => declarationNumberOf(e.streamId),
  evolve: evolveClearanceRow,
};

/** The clearance-times projection. */
export const clearanceTimesProjection: Projection = {
  name: "clearance_times",
  tables: [CLEARANCE_TABLE],
  categories: ["Declaration"],
  async setup(tx, t) {
    const table = t(CLEARANCE_TABLE);
    if (await tableExists(tx, table)) {
      // Tables created before the Time Release Study columns: the defaults are what the fold gives
      // a declaration without them (no arrival, rating unknown, agencies not stated), so no rebuild is needed.
      await tx.query(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS arrived_at timestamptz,
        ADD COLUMN IF NOT EXISTS credit_rating text NOT NULL DEFAULT 'unknown',
        ADD COLUMN IF NOT EXISTS other_agencies boolean`);
      return;
    }
    await tx.query(createTableSql(CLEARANCE_FOLD, table));
    await tx.query(`CREATE INDEX ON ${table} (lodged_at)`);
    await tx.query(`CREATE INDEX ON ${table} (enterprise)`);
  },
  ...foldRows(CLEARANCE_FOLD),
};
