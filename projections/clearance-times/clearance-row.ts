/**
 * One row of the clearance-times read model as plain JSON, and `evolveClearanceRow`, the pure
 * fold of a declaration's events into it (WCO Time Release Study method, DOMAIN.md §2). Each
 * milestone fills its column with its business time, so arrival order does not change the
 * times; only `inspection_result` keeps the result of the inspection recorded last.
 */
import type { DeclarationEventData, DeclarationEventType } from "../../contracts/direct-clearance/events";
import { chinaDate } from "../../services/platform/china-date";
import type { ProjectionEvent } from "../runner/projection";

/** A clearance-times row. Instants are ISO 8601 strings; `held_ms` in ms. */
export interface ClearanceRow {
  declaration_number: string;
  enterprise: string;
  direction: string;
  clearance_model: string;
  declaring_office: string;
  port: string;
  transport_mode: string;
  channel: string | null;
  lodged_at: string;
  /** `YYYY-MM` of the lodgement, China time. */
  lodged_month: string;
  accepted_at: string | null;
  rejected_at: string | null;
  risk_assessed_at: string | null;
  local_inspection_at: string | null;
  port_inspection_at: string | null;
  inspection_result: string | null;
  port_reinspection_exception: boolean;
  recognised_at: string | null;
  released_at: string | null;
  exited_at: string | null;
  withdrawn_at: string | null;
  holds: number;
  held_ms: number;
  goods_lines: number;
  /** Sorted two-digit HS chapters of the goods lines. */
  hs_chapters: string[];
  amendments: number;
  /** Stream revision of the last event folded in. */
  version: number;
}

/** The row's columns in table order; the table is created with exactly these. */
export const CLEARANCE_ROW_COLUMNS: readonly (keyof ClearanceRow)[] = [
  "declaration_number",
  "enterprise",
  "direction",
  "clearance_model",
  "declaring_office",
  "port",
  "transport_mode",
  "channel",
  "lodged_at",
  "lodged_month",
  "accepted_at",
  "rejected_at",
  "risk_assessed_at",
  "local_inspection_at",
  "port_inspection_at",
  "inspection_result",
  "port_reinspection_exception",
  "recognised_at",
  "released_at",
  "exited_at",
  "withdrawn_at",
  "holds",
  "held_ms",
  "goods_lines",
  "hs_chapters",
  "amendments",
  "version",
];

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
      if (c.port !== undefined) next.port = c.port;
      if (c.transportMode !== undefined) next.transport_mode = c.transportMode;
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
