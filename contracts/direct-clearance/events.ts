/**
 * Events of the `Declaration` stream (`Declaration-<18-digit number>`), published on
 * `ftz.direct-clearance.events`. The enterprise lodges, amends and withdraws; customs posts
 * milestones, each with its business time `at` (ISO 8601, normalised to UTC), which is also the
 * event's `occurredAt`. Milestones may arrive late or out of order: consumers order them by `at`,
 * not by stream version.
 */
import { SafeString } from "../http/common";
import { z } from "../http/zod";
import {
  BusinessTime,
  ClearanceModel,
  CreditRating,
  CustomsOfficeCode,
  DeclarationNumber,
  Direction,
  GoodsLines,
  InspectionChannel,
  InspectionPlace,
  PortCode,
  TransportMode,
  Uscc,
} from "./declaration-shapes";

const Reason = SafeString.max(2000).trim().min(1);
const ExceptionReason = SafeString.max(2000).trim().min(1).optional().openapi({
  description: "Why the port inspects again although the local inspection was recognised (监管互认 exception)",
});

/**
 * The enterprise lodged the declaration at its local customs office. `creditRating` and
 * `otherAgencies` are optional facts for the Time Release Study's segments; lodgements recorded
 * before they existed leave them out, and readers take them as `unknown` and not stated (null).
 */
export const DeclarationLodged = z
  .strictObject({
    declarationNumber: DeclarationNumber,
    enterprise: Uscc,
    direction: Direction,
    clearanceModel: ClearanceModel,
    declaringOffice: CustomsOfficeCode,
    port: PortCode,
    transportMode: TransportMode,
    goods: GoodsLines,
    lodgedAt: BusinessTime,
    creditRating: CreditRating.optional(),
    otherAgencies: z.boolean().optional().openapi({
      description:
        "Whether agencies other than customs take part in this declaration's clearance (permits, licences, their own checks); left out: not stated",
    }),
  })
  .openapi("DeclarationLodged");

/** Customs milestones: the HTTP body's `type` → event type and the milestone's own fields. */
export const MILESTONES = {
  accepted: { event: "DeclarationAccepted", fields: {} },
  rejected: { event: "DeclarationRejected", fields: { reason: Reason } },
  risk_assessed: { event: "RiskAssessed", fields: { channel: InspectionChannel } },
  inspection_scheduled: {
    event: "InspectionScheduled",
    fields: { place: InspectionPlace, exceptionReason: ExceptionReason },
  },
  inspection_completed: {
    event: "InspectionCompleted",
    fields: {
      place: InspectionPlace,
      result: z.enum(["conforming", "nonconforming"]),
      remarks: SafeString.max(2000).trim().default(""),
      exceptionReason: ExceptionReason,
    },
  },
  inspection_recognised: { event: "InspectionRecognised", fields: { port: PortCode } },
  held: { event: "DeclarationHeld", fields: { reason: Reason } },
  hold_lifted: { event: "HoldLifted", fields: {} },
  released: { event: "DeclarationReleased", fields: {} },
  goods_exited: { event: "GoodsExited", fields: {} },
  goods_arrived: { event: "GoodsArrived", fields: {} },
  /**
   * The goods arrived at the place where they are presented for clearance (the border port, or
   * the inland site for direct-clearance imports): the start of the WCO Time Release Study's
   * measure, "from the time of arrival until the physical release of cargo". Unlike every other
   * milestone it may come before the lodgement (pre-arrival lodgement is normal); it may not come
   * after the release. Not `goods_arrived`, which is an import's arrival at its destination after
   * the release.
   */
  arrived_for_clearance: { event: "GoodsArrivedForClearance", fields: {} },
} as const;

/** A milestone type as customs posts it. */
export type MilestoneType = keyof typeof MILESTONES;
export const MILESTONE_TYPES = Object.keys(MILESTONES) as MilestoneType[];

/** One milestone as customs posts it: `type`, business time `at`, and the type's fields. */
export const Milestone = z
  .discriminatedUnion(
    "type",
    MILESTONE_TYPES.map((type) =>
      z.strictObject({ type: z.literal(type), at: BusinessTime, ...MILESTONES[type].fields }),
    ) as unknown as [z.ZodObject, ...z.ZodObject[]],
  )
  .openapi("Milestone", { example: { type: "accepted", at: "2026-09-10T09:20:00+08:00" } });

/**
 * Data of HoldLifted. `heldSince` is when the lifted hold began, when that hold was already
 * recorded; a lift that arrives before its hold leaves it out, and the hold then carries `liftedAt`.
 * Either way exactly one of the pair says how long the hold lasted.
 */
export const HoldLifted = z
  .strictObject({ at: BusinessTime, heldSince: BusinessTime.optional() })
  .openapi("HoldLifted");

/** The enterprise amended its declaration before release. */
export const DeclarationAmended = z
  .strictObject({
    changes: z
      .strictObject({ port: PortCode, transportMode: TransportMode, goods: GoodsLines })
      .partial()
      .openapi("DeclarationChanges"),
    reason: Reason,
  })
  .openapi("DeclarationAmended");

/** The enterprise withdrew its declaration before release. */
export const DeclarationWithdrawn = z.strictObject({ reason: Reason }).openapi("DeclarationWithdrawn");

const at = { at: BusinessTime };

/** Every event type of the stream with its data schema. */
export const DECLARATION_EVENTS = {
  DeclarationLodged,
  DeclarationAccepted: z.strictObject({ ...at, ...MILESTONES.accepted.fields }).openapi("DeclarationAccepted"),
  DeclarationRejected: z.strictObject({ ...at, ...MILESTONES.rejected.fields }).openapi("DeclarationRejected"),
  RiskAssessed: z.strictObject({ ...at, ...MILESTONES.risk_assessed.fields }).openapi("RiskAssessed"),
  InspectionScheduled: z
    .strictObject({ ...at, ...MILESTONES.inspection_scheduled.fields })
    .openapi("InspectionScheduled"),
  InspectionCompleted: z
    .strictObject({ ...at, ...MILESTONES.inspection_completed.fields })
    .openapi("InspectionCompleted"),
  InspectionRecognised: z
    .strictObject({ ...at, ...MILESTONES.inspection_recognised.fields })
    .openapi("InspectionRecognised"),
  DeclarationHeld: z
    .strictObject({ ...at, ...MILESTONES.held.fields, liftedAt: BusinessTime.optional() })
    .openapi("DeclarationHeld"),
  HoldLifted,
  DeclarationReleased: z.strictObject({ ...at }).openapi("DeclarationReleased"),
  GoodsExited: z.strictObject({ ...at }).openapi("GoodsExited"),
  GoodsArrived: z.strictObject({ ...at }).openapi("GoodsArrived"),
  GoodsArrivedForClearance: z.strictObject({ ...at }).openapi("GoodsArrivedForClearance"),
  DeclarationAmended,
  DeclarationWithdrawn,
} as const;

/** An event type of the Declaration stream. */
export type DeclarationEventType = keyof typeof DECLARATION_EVENTS;

/** The data of event type `T`. */
export type DeclarationEventData<T extends DeclarationEventType> = z.output<(typeof DECLARATION_EVENTS)[T]>;

/** Stream category of declarations (contracts/topics.ts). */
export const DECLARATION_CATEGORY = "Declaration";

/** The stream id of a declaration: its number is its identity. */
export const declarationStream = (declarationNumber: string): string => `${DECLARATION_CATEGORY}-${declarationNumber}`;
