/**
 * The clearance-times read model (WCO Time Release Study method, DOMAIN.md §2): one row per
 * declaration holding the business time of each milestone, fed from the `Declaration` category
 * (Kafka in the full stack, the event store in embedded mode). Durations are differences of
 * business times computed at query time (clearance-times-queries.ts), so a milestone that
 * arrives late simply fills its column: arrival order does not change the times (only
 * `inspection_result` keeps the result of the inspection recorded last). How each event changes
 * a row is clearance-row.ts; batches are folded in memory and written once (row-fold.ts).
 */
import { type Projection, tableExists } from "../runner/projection";
import { foldRows } from "../runner/row-fold";
import { CLEARANCE_ROW_COLUMNS, type ClearanceRow, declarationNumberOf, evolveClearanceRow } from "./clearance-row";

/** Logical name of the read model's table. */
export const CLEARANCE_TABLE = "clearance_times";

/** The clearance-times projection. */
export const clearanceTimesProjection: Projection = {
  name: "clearance_times",
  tables: [CLEARANCE_TABLE],
  categories: ["Declaration"],
  async setup(tx, t) {
    const table = t(CLEARANCE_TABLE);
    if (await tableExists(tx, table)) return;
    await tx.query(`CREATE TABLE ${table} (
      declaration_number text PRIMARY KEY,
      enterprise text NOT NULL,
      direction text NOT NULL,
      clearance_model text NOT NULL,
      declaring_office text NOT NULL,
      port text NOT NULL,
      transport_mode text NOT NULL,
      channel text,
      lodged_at timestamptz NOT NULL,
      lodged_month text NOT NULL,
      accepted_at timestamptz,
      rejected_at timestamptz,
      risk_assessed_at timestamptz,
      local_inspection_at timestamptz,
      port_inspection_at timestamptz,
      inspection_result text,
      port_reinspection_exception boolean NOT NULL DEFAULT false,
      recognised_at timestamptz,
      released_at timestamptz,
      exited_at timestamptz,
      withdrawn_at timestamptz,
      holds integer NOT NULL DEFAULT 0,
      held_ms bigint NOT NULL DEFAULT 0,
      goods_lines integer NOT NULL,
      hs_chapters text[] NOT NULL,
      amendments integer NOT NULL DEFAULT 0,
      version integer NOT NULL)`);
    await tx.query(`CREATE INDEX ON ${table} (lodged_at)`);
    await tx.query(`CREATE INDEX ON ${table} (enterprise)`);
  },
  ...foldRows<ClearanceRow>({
    table: CLEARANCE_TABLE,
    key: "declaration_number",
    keyType: "text",
    columns: CLEARANCE_ROW_COLUMNS,
    keyOf: (e) => declarationNumberOf(e.streamId),
    evolve: evolveClearanceRow,
  }),
};
