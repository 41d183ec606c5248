/**
 * The clearance-times read model (WCO Time Release Study method, DOMAIN.md §2): one row per
 * declaration holding the business time of each milestone, fed from the `Declaration` category
 * (Kafka in the full stack, the event store in embedded mode). Durations are differences of
 * business times computed at query time (clearance-times-queries.ts), so a milestone that
 * arrives late simply fills its column: arrival order does not change the times (only
 * `inspection_result` keeps the result of the inspection recorded last).
 */
import type { DeclarationEventData, DeclarationEventType } from "../../contracts/direct-clearance/events";
import { chinaDate } from "../../services/platform/china-date";
import type { SqlExecutor } from "../../services/platform/db/database";
import { type Projection, type ProjectionEvent, type TableNames, tableExists } from "../runner/projection";

/** Logical name of the read model's table. */
export const CLEARANCE_TABLE = "clearance_times";

type Data<T extends DeclarationEventType> = DeclarationEventData<T>;

const numberOf = (streamId: string) => streamId.slice(streamId.indexOf("-") + 1);
const chapters = (goods: Data<"DeclarationLodged">["goods"]) =>
  [...new Set(goods.map((g) => g.hsCode.slice(0, 2)))].sort();

/** Column that each milestone event fills with its business time. */
const TIME_COLUMN: Partial<Record<DeclarationEventType, string>> = {
  DeclarationAccepted: "accepted_at",
  DeclarationRejected: "rejected_at",
  RiskAssessed: "risk_assessed_at",
  InspectionRecognised: "recognised_at",
  DeclarationReleased: "released_at",
  GoodsExited: "exited_at",
  GoodsArrived: "exited_at",
};

async function apply(tx: SqlExecutor, e: ProjectionEvent, t: TableNames): Promise<void> {
  const table = t(CLEARANCE_TABLE);
  const number = numberOf(e.streamId);
  const set = (assignments: string, params: unknown[]) =>
    tx.query(`UPDATE ${table} SET ${assignments}, version = $2 WHERE declaration_number = $1`, [
      number,
      e.streamVersion,
      ...params,
    ]);
  const type = e.type as DeclarationEventType;
  const column = TIME_COLUMN[type];
  if (column) {
    const d = e.data as { at: string; channel?: string };
    if (type === "RiskAssessed") await set(`${column} = $3, channel = $4`, [d.at, d.channel]);
    else await set(`${column} = $3`, [d.at]);
    return;
  }
  switch (type) {
    case "DeclarationLodged": {
      const d = e.data as Data<"DeclarationLodged">;
      await tx.query(
        `INSERT INTO ${table} (declaration_number, enterprise, direction, clearance_model, declaring_office, port,
           transport_mode, lodged_at, lodged_month, goods_lines, hs_chapters, version)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
        [
          number,
          d.enterprise,
          d.direction,
          d.clearanceModel,
          d.declaringOffice,
          d.port,
          d.transportMode,
          d.lodgedAt,
          chinaDate(d.lodgedAt).slice(0, 7),
          d.goods.length,
          chapters(d.goods),
          e.streamVersion,
        ],
      );
      return;
    }
    case "DeclarationAmended": {
      const c = (e.data as Data<"DeclarationAmended">).changes;
      await set(
        `port = COALESCE($3, port), transport_mode = COALESCE($4, transport_mode),
         goods_lines = COALESCE($5, goods_lines), hs_chapters = COALESCE($6, hs_chapters), amendments = amendments + 1`,
        [c.port ?? null, c.transportMode ?? null, c.goods?.length ?? null, c.goods ? chapters(c.goods) : null],
      );
      return;
    }
    case "DeclarationWithdrawn":
      await set("withdrawn_at = $3", [e.occurredAt]);
      return;
    case "InspectionCompleted": {
      const d = e.data as Data<"InspectionCompleted">;
      const col = d.place === "local" ? "local_inspection_at" : "port_inspection_at";
      await set(
        `${col} = $3, inspection_result = $4, port_reinspection_exception = port_reinspection_exception OR $5`,
        [d.at, d.result, d.place === "port" && d.exceptionReason !== undefined],
      );
      return;
    }
    // A hold's duration is carried by whichever of the pair arrived second (HoldLifted.heldSince
    // or DeclarationHeld.liftedAt), so it is added exactly once whatever the arrival order.
    case "DeclarationHeld": {
      const d = e.data as Data<"DeclarationHeld">;
      const lasted = d.liftedAt ? Date.parse(d.liftedAt) - Date.parse(d.at) : 0;
      await set("holds = holds + 1, held_ms = held_ms + $3", [lasted]);
      return;
    }
    case "HoldLifted": {
      const d = e.data as Data<"HoldLifted">;
      await set("held_ms = held_ms + $3", [d.heldSince ? Date.parse(d.at) - Date.parse(d.heldSince) : 0]);
      return;
    }
    default:
      // InspectionScheduled carries no stage time; unknown (newer) types are skipped.
      return;
  }
}

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
  apply,
};
