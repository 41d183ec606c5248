/**
 * One row of the clearance-times read model as plain JSON, and `evolveClearanceRow`, the pure
 * fold of a declaration's events into it (WCO Time Release Study method, README, customs direct clearance). Each
 * milestone fills its column with its business time, so arrival order does not change the
 * times; only `inspection_result` keeps the result of the inspection recorded last.
 */
import type { DeclarationEventData, DeclarationEventType } from "../../contracts/direct-clearance/events";
import { chinaDate } from "../../services/platform/china-date";
import type { ProjectionEvent } from "../runner/projection";
import type { Column, RowOf } from "../runner/row-fold";

/**
 * The clearance-times table's columns (types and nullability) in table order. Instants are ISO
 * 8601 strings, `lodged_month` the `YYYY-MM` of the lodgement in China time, `held_ms` ms,
 * `hs_chapters` the sorted two-digit HS chapters of the goods lines, `version` the stream
 * revision of the last event folded in. `arrived_at` is the arrival for clearance (the Time
 * Release Study's start; may precede `lodged_at`), `credit_rating` and `other_agencies` the
 * lodgement's optional facts (`unknown` and null when it left them out). The last three were
 * added after the table first shipped: the projection's setup adds them to an older table.
 */
export const CLEARANCE_COLUMNS = {
  declaration_number: { type: "text" },
  enterprise: { type: "text" },
  direction: { type: "text" },
  clearance_model: { type: "text" },
  declaring_office: { type: "text" },
  port: { type: "text" },
  transport_mode: { type: "text" },
  channel: { type: "text", nullable: true },
  lodged_at: { type: "timestamptz" },
  lodged_month: { type: "text" },
  accepted_at: { type: "timestamptz", nullable: true },
  rejected_at: { type: "timestamptz", nullable: true },
  risk_assessed_at: { type: "timestamptz", nullable: true },
  local_inspection_at: { type: "timestamptz", nullable: true },
  port_inspection_at: { type: "timestamptz", nullable: true },
  inspection_result: { type: "text", nullable: true },
  port_reinspection_exception: { type: "boolean" },
  recognised_at: { type: "timestamptz", nullable: true },
  released_at: { type: "timestamptz", nullable: true },
  exited_at: { type: "timestamptz", nullable: true },
  withdrawn_at: { type: "timestamptz", nullable: true },
  holds: { type: "integer" },
  held_ms: { type: "bigint" },
  goods_lines: { type: "integer" },
  hs_chapters: { type: "text[]" },
  amendments: { type: "integer" },
  version: { type: "integer" },
  arrived_at: { type: "timestamptz", nullable: true },
  credit_rating: { type: "text" },
  other_agencies: { type: "boolean", nullable: true },
} as const satisfies Record<string, Column>;

/** A clearance-times row as plain JSON. */
export type ClearanceRow = RowOf<typeof CLEARANCE_COLUMNS>;

type Data<T extends DeclarationEventType> = DeclarationEventData<T>;

/** The declaration number of a `Declaration-<number>` stream. */
export const declarationNumberOf = (streamId: string) => streamId.slice(streamId.indexOf("-") + 1);

const chapters = (goods: Data<"DeclarationLodged">["goods"]) =>
  [...new Set(goods.map((g) => g.hsCode.slice(0, 2)))].sort();

/** Column that each milestone event fills with its business time. */
const TIME_COLUMN: Partial<Record<DeclarationEventType, keyof ClearanceRow>> = {
  DeclarationAccepted: "accepted_at",
  DeclarationRejected: "rejected_at",
  RiskAssessed: "risk_assessed_at",
  InspectionRecognised: "recognised_at",
  DeclarationReleased: "released_at",
  GoodsExited: "exited_at",
  GoodsArrived: "exited_at",
  GoodsArrivedForClearance: "arrived_at",
};

/**
 * The row after event `e`, given the row before it (`undefined`: no lodgement seen). A second
 * lodgement throws (the runner parks it). Milestones of a declaration without a row, and types
 * that carry no stage time (InspectionScheduled) or that this version does not know, leave the
 * row as it is.
 */
export function evolveClearanceRow(row: ClearanceRow | undefined, e: ProjectionEvent): ClearanceRow | undefined {
  const type = e.type as DeclarationEventType;
  if (type === "DeclarationLodged") {
    if (row) throw new Error(`DeclarationLodged for declaration ${row.declaration_number}, which is already recorded`);
    const d = e.data as Data<"DeclarationLodged">;
    return {
      declaration_number: declarationNumberOf(e.streamId),
      enterprise: d.enterprise,
      direction: d.direction,
      clearance_model: d.clearanceModel,
      declaring_office: d.declaringOffice,
      port: d.port,
      transport_mode: d.transportMode,
      channel: null,
      lodged_at: d.lodgedAt,
      lodged_month: chinaDate(d.lodgedAt).slice(0, 7),
      accepted_at: null,
      rejected_at: null,
      risk_assessed_at: null,
      local_inspection_at: null,
      port_inspection_at: null,
      inspection_result: null,
      port_reinspection_exception: false,
      recognised_at: null,
      released_at: null,
      exited_at: null,
      withdrawn_at: null,
      holds: 0,
      held_ms: 0,
      goods_lines: d.goods.length,
      hs_chapters: chapters(d.goods),
      amendments: 0,
      version: e.streamVersion,
      arrived_at: null,
      credit_rating: d.creditRating ?? "unknown",
      other_agencies: d.otherAgencies ?? null,
    };
  }
  if (!row) return undefined;
  const next: ClearanceRow = { ...row, version: e.streamVersion };
  const column = TIME_COLUMN[type];
  if (column) {
    const d = e.data as { at: string; channel?: string };
    (next as unknown as Record<string, unknown>)[column] = d.at;
    if (type === "RiskAssessed") next.channel = d.channel ?? null;
    return next;
  }
  switch (type) {
    case "DeclarationAmended": {
      const c = (e.data as Data<"DeclarationAmended">).changes;
      // A member left out or null leaves the field as it is.
      next.port = c.port ?? row.port;
      next.transport_mode = c.transportMode ?? row.transport_mode;
      if (c.goods) {
        next.goods_lines = c.goods.length;
        next.hs_chapters = chapters(c.goods);
      }
      next.amendments = row.amendments + 1;
      return next;
    }
    case "DeclarationWithdrawn":
      next.withdrawn_at = e.occurredAt.toISOString();
      return next;
    case "InspectionCompleted": {
      const d = e.data as Data<"InspectionCompleted">;
      if (d.place === "local") next.local_inspection_at = d.at;
      else next.port_inspection_at = d.at;
      next.inspection_result = d.result;
      next.port_reinspection_exception =
        row.port_reinspection_exception || (d.place === "port" && d.exceptionReason !== undefined);
      return next;
    }
    // A hold's duration is carried by whichever of the pair arrived second (HoldLifted.heldSince
    // or DeclarationHeld.liftedAt), so it is added exactly once whatever the arrival order.
    case "DeclarationHeld": {
      const d = e.data as Data<"DeclarationHeld">;
      next.holds = row.holds + 1;
      next.held_ms = Number(row.held_ms) + (d.liftedAt ? Date.parse(d.liftedAt) - Date.parse(d.at) : 0);
      return next;
    }
    case "HoldLifted": {
      const d = e.data as Data<"HoldLifted">;
      next.held_ms = Number(row.held_ms) + (d.heldSince ? Date.parse(d.at) - Date.parse(d.heldSince) : 0);
      return next;
    }
    default:
      return row;
  }
}
