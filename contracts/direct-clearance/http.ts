/**
 * HTTP bodies, queries and views of the direct-clearance API: declarations (`/declarations...`)
 * and the clearance-times figures (`/clearance-times...`). Times are ISO 8601 instants with an
 * offset; durations are labelled in hours and minutes.
 */
import { QueryIntegerOr, SafeString, StreamVersion } from "../http/common";
import { z } from "../http/zod";
import {
  BusinessTime,
  ClearanceModel,
  CreditRating,
  DeclarationNumber,
  Direction,
  GoodsLine,
  InspectionChannel,
  PortCode,
  TransportMode,
  Uscc,
} from "./declaration-shapes";
import { DeclarationAmended, DeclarationLodged } from "./events";

/** POST /declarations: lodge. `lodgedAt` defaults to now. */
export const LodgeDeclarationBody = z
  .strictObject({ ...DeclarationLodged.shape, lodgedAt: BusinessTime.optional() })
  .openapi("LodgeDeclarationBody", {
    example: {
      declarationNumber: "949920260000012345",
      enterprise: "91350200776049653A",
      direction: "export",
      clearanceModel: "direct",
      declaringOffice: "9499",
      port: "horgos",
      transportMode: "rail",
      goods: [
        {
          lineNo: 1,
          hsCode: "5205120000",
          description: "棉纱线 cotton yarn",
          quantity: 1000,
          unit: "KGM",
          value: 3000,
          currency: "USD",
          country: "KZ",
        },
      ],
      lodgedAt: "2026-09-10T09:00:00+08:00",
    },
  });

/** POST /declarations/{number}/amendments (before release). */
export const AmendDeclarationBody = DeclarationAmended.refine(
  (b) => Object.values(b.changes).some((v) => v !== undefined),
  { message: "name at least one change (port, transportMode or goods)", path: ["changes"] },
).openapi("AmendDeclarationBody", {
  example: { changes: { transportMode: "road" }, reason: "改由公路运输出境" },
});

/** POST /declarations/{number}/withdrawal (before release). */
export const WithdrawDeclarationBody = z
  .strictObject({ reason: SafeString.max(2000).trim().min(1) })
  .openapi("WithdrawDeclarationBody", { example: { reason: "合同取消" } });

/** Path parameters of one declaration. */
export const DeclarationParams = z.object({ declarationNumber: DeclarationNumber });

/** One milestone on a declaration's timeline (business-time order). */
export const TimelineEntryView = z
  .object({ type: z.string(), at: z.string() })
  .catchall(z.unknown())
  .openapi("DeclarationTimelineEntry");

/** Statuses a declaration shows (its latest stage by business time, or held, rejected, withdrawn). */
export const DeclarationStatus = z
  .enum([
    "lodged",
    "accepted",
    "risk_assessed",
    "inspection_scheduled",
    "inspected",
    "recognised",
    "held",
    "released",
    "exited",
    "arrived",
    "rejected",
    "withdrawn",
  ])
  .openapi("DeclarationStatus");

/** A declaration as its stream says now (`version` equals the ETag). */
export const DeclarationView = z
  .object({
    declarationNumber: z.string(),
    enterprise: z.string(),
    direction: Direction,
    clearanceModel: ClearanceModel,
    declaringOffice: z.string(),
    port: z.string(),
    transportMode: TransportMode,
    goods: z.array(GoodsLine),
    lodgedAt: z.string(),
    creditRating: CreditRating.openapi({ description: "As lodged; unknown when not stated" }),
    otherAgencies: z.boolean().nullable().openapi({ description: "As lodged; null when not stated" }),
    status: DeclarationStatus,
    timeline: z.array(TimelineEntryView),
    amendments: z.number().int(),
    version: StreamVersion,
  })
  .openapi("DeclarationView");

/** GET /declarations query: an enterprise's declarations (read model), newest number first. */
export const DeclarationListQuery = z.strictObject({
  enterprise: Uscc.optional().openapi({
    description:
      "Credit code whose declarations to list. An enterprise token may leave it out (its own); another code than its own answers 404. Other roles must give it (400).",
  }),
  limit: QueryIntegerOr(1, 200, 50),
  cursor: DeclarationNumber.optional().openapi({ description: "The last declarationNumber of the previous page" }),
});

const DIMENSION_NAMES = [
  "port",
  "direction",
  "clearanceModel",
  "transportMode",
  "channel",
  "month",
  "creditRating",
  "otherAgencies",
  "preArrivalLodgement",
] as const;

/** The pattern of a comma-separated list of `names` as the server reads it (spaces and empty parts ignored). */
export const dimensionListPattern = (names: readonly string[]): string => {
  const one = `(${names.join("|")})`;
  return `^\\s*${one}?\\s*(,\\s*${one}?\\s*)*$`;
};

/** Comma-separated grouping dimensions. */
const GroupBy = z
  .string()
  .transform((s, ctx) => {
    const parts = s
      .split(",")
      .map((p) => p.trim())
      .filter(Boolean);
    const bad = parts.filter((p) => !DIMENSION_NAMES.includes(p as (typeof DIMENSION_NAMES)[number]));
    if (bad.length) {
      ctx.addIssue({
        code: "custom",
        message: `unknown dimension ${bad.join(", ")}; use ${DIMENSION_NAMES.join(", ")}`,
      });
      return z.NEVER;
    }
    return [...new Set(parts)] as (typeof DIMENSION_NAMES)[number][];
  })
  .openapi({
    type: "string",
    pattern: dimensionListPattern(DIMENSION_NAMES),
    description:
      `Comma-separated, each at most once counted: ${DIMENSION_NAMES.join(", ")}. ` +
      "otherAgencies and preArrivalLodgement group as true, false or null (not stated; no arrival recorded)",
    example: "port,direction",
  });

const LocalDate = z.iso.date();

/** The filters every clearance-times read takes; dates are China dates of lodgement, `to` inclusive. */
const ClearanceFilterFields = z.strictObject({
  from: LocalDate.optional(),
  to: LocalDate.optional(),
  port: PortCode.optional().openapi({
    description: "A port code of the reference data, e.g. horgos (another → 400)",
  }),
  direction: Direction.optional(),
  clearanceModel: ClearanceModel.optional(),
  transportMode: TransportMode.optional(),
  channel: InspectionChannel.optional(),
});

/** Whether `from` does not come after `to`; refused otherwise with FROM_AFTER_TO. */
const fromNotAfterTo = (q: { from?: string; to?: string }) => !q.from || !q.to || q.from <= q.to;
/** The issue of a `from` after `to` (a 400 naming `/query/from`). */
const FROM_AFTER_TO = { message: "from is after to", path: ["from"] };

/** Filters and grouping of the clearance-times figures (GET /clearance-times, /comparison). */
export const ClearanceQuery = ClearanceFilterFields.extend({ groupBy: GroupBy.optional() }).refine(
  fromNotAfterTo,
  FROM_AFTER_TO,
);

/** GET /clearance-times/outliers query. */
export const OutlierQuery = ClearanceQuery.safeExtend({ limit: QueryIntegerOr(1, 500, 100) });

/** Where a release curve's hours start. */
export const CurveStart = z.enum(["lodgement", "arrival"]).openapi("CurveStart", {
  description:
    "lodgement: hours from lodgement to release (the default, as before arrival was recorded); arrival: from arrival for clearance to release, the WCO Time Release Study's measure (declarations with an arrival recorded)",
});

/**
 * GET /clearance-times/release-curve query: the figures' filters (no grouping: one curve per
 * call), where the hours start (`start`; `from` is the date filter) and how many whole hours
 * the curve spans.
 */
export const ReleaseCurveQuery = ClearanceFilterFields.extend({
  start: CurveStart.default("lodgement"),
  maxHours: QueryIntegerOr(1, 720, 72).openapi({
    description: "The curve's last point, whole hours after the start (1 to 720, i.e. 30 days)",
  }),
}).refine(fromNotAfterTo, FROM_AFTER_TO);

/** GET /clearance-times/release-pattern query: the figures' filters. */
export const ReleasePatternQuery = ClearanceFilterFields.refine(fromNotAfterTo, FROM_AFTER_TO);

/** GET /clearance-times/trs-workbook query: the period, China dates of lodgement, `to` inclusive. */
export const TrsWorkbookQuery = z
  .strictObject({ from: LocalDate.optional(), to: LocalDate.optional() })
  .refine(fromNotAfterTo, FROM_AFTER_TO);

/** A duration labelled in hours and minutes. */
export const DurationView = z
  .object({
    hours: z.number().openapi({ description: "Hours (3 decimals)" }),
    minutes: z.number().openapi({ description: "Minutes (1 decimal)" }),
    label: z.string().openapi({ example: "32 h 01 min" }),
  })
  .openapi("Duration");

/**
 * One stage's figures: the count, the mean and the five-number summary (min, p25, median, p75,
 * max) of a box plot, with p90 and p95; percentiles exact (`percentile_cont`).
 */
const StageFiguresView = z
  .object({
    count: z.number().int(),
    mean: DurationView,
    min: DurationView,
    p25: DurationView,
    median: DurationView,
    p75: DurationView,
    p90: DurationView,
    p95: DurationView,
    max: DurationView,
  })
  .openapi("StageFigures", {
    description:
      "One stage's count, mean, min, quartiles (p25, median, p75), p90, p95 and max; percentiles exact (percentile_cont)",
  });

const GroupKey = z.record(z.string(), z.string().nullable()).openapi({ description: "Dimension → value" });

/** GET /clearance-times. */
export const ClearanceFiguresView = z
  .object({
    unit: z.literal("hours"),
    percentiles: z.string(),
    groups: z.array(
      z.object({
        group: GroupKey,
        declarations: z.number().int(),
        stages: z.record(z.string(), StageFiguresView),
      }),
    ),
  })
  .openapi("ClearanceFigures");

/**
 * GET /clearance-times/release-curve: of the declarations released in the filter, how many were
 * released within 1, 2, … `maxHours` whole hours of the start (lodgement, or arrival; cumulative;
 * a release exactly on the hour counts in that hour), and how many later. A histogram's bar for
 * hour h is `points[h-1].releasedWithin − points[h-2].releasedWithin`.
 */
export const ReleaseCurveView = z
  .object({
    unit: z.literal("hours"),
    start: CurveStart,
    released: z.number().int().openapi({
      description: "Declarations of the filter with a release and the start recorded (start → release known)",
    }),
    points: z.array(
      z.object({
        hours: z.number().int().openapi({ description: "1 to maxHours" }),
        releasedWithin: z.number().int().openapi({ description: "Released at most `hours` hours after the start" }),
        sharePercent: z.number().nullable().openapi({
          description: "releasedWithin / released × 100, to 1 decimal; null when none was released",
        }),
      }),
    ),
    beyond: z.number().int().openapi({ description: "Released more than maxHours hours after the start" }),
  })
  .openapi("ReleaseCurve", {
    example: {
      unit: "hours",
      start: "lodgement",
      released: 4,
      points: [
        { hours: 1, releasedWithin: 0, sharePercent: 0 },
        { hours: 2, releasedWithin: 1, sharePercent: 25 },
        { hours: 3, releasedWithin: 3, sharePercent: 75 },
      ],
      beyond: 1,
    },
  });

const PatternCount = {
  released: z.number().int(),
  sharePercent: z.number().nullable().openapi({ description: "released / all released × 100, 1 decimal; null: none" }),
};

/**
 * GET /clearance-times/release-pattern: when releases happen, by hour of day (0–23) and ISO
 * weekday (1 Monday … 7 Sunday) of the release time in China Standard Time (UTC+8); every hour
 * and day listed, zeros included.
 */
export const ReleasePatternView = z
  .object({
    timeZone: z.literal("UTC+08:00"),
    released: z.number().int().openapi({ description: "Declarations of the filter with a release" }),
    byHour: z.array(z.object({ hour: z.number().int().min(0).max(23), ...PatternCount })),
    byWeekday: z.array(
      z.object({
        weekday: z.number().int().min(1).max(7),
        name: z.enum(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]),
        ...PatternCount,
      }),
    ),
  })
  .openapi("ReleasePattern");

/** GET /clearance-times/comparison. */
export const ModelComparisonView = z
  .object({
    groups: z.array(
      z.object({
        group: GroupKey,
        direct: z.object({ count: z.number().int(), median: DurationView.nullable() }),
        conventional: z.object({ count: z.number().int(), median: DurationView.nullable() }),
        ratioOfMedians: z.number().nullable().openapi({ description: "median(direct) / median(conventional)" }),
        reductionPercent: z.number().nullable().openapi({ description: "(1 − ratio) × 100" }),
      }),
    ),
  })
  .openapi("ClearanceModelComparison");

/** GET /clearance-times/outliers. */
export const OutliersView = z
  .object({
    rule: z.string(),
    outliers: z.array(
      z.object({
        declarationNumber: z.string(),
        group: GroupKey,
        total: DurationView,
        fence: DurationView,
        groupMedian: DurationView,
        port: z.string(),
        lodgedAt: z.string(),
        releasedAt: z.string(),
        channel: z.string().nullable(),
      }),
    ),
  })
  .openapi("ClearanceOutliers");

/** GET /clearance-times/declarations/{number}. */
export const DeclarationTimesView = z
  .object({
    declarationNumber: z.string(),
    stages: z.record(z.string(), DurationView.nullable()),
    holds: z.number().int(),
    held: DurationView,
  })
  .openapi("DeclarationTimes");
