/**
 * The HTTP side of the negative lists: what an admin publishes or records as history, and the
 * question a check answers (GET /negative-list/check).
 */
import { CountryCode } from "../direct-clearance/declaration-shapes";
import { z } from "../http/zod";
import { NegativeListEditionPublished, NegativeListHistoricalEditionRecorded } from "./events";
import { ActivityId, EXAMPLE_EDITION, IndustryCode, Measure, partialClausesNameActivities } from "./measure-shapes";

/**
 * What an admin publishes: an edition whose every partial clause names its activities (the event
 * schema also reads older editions recorded before activities existed).
 */
export const PublishEditionBody = NegativeListEditionPublished.superRefine(partialClausesNameActivities).openapi(
  "NegativeListEditionPublication",
  { example: EXAMPLE_EDITION },
);

/** What an admin records as history (POST /negative-list/historical-editions). */
export const RecordHistoricalEditionBody = NegativeListHistoricalEditionRecorded.superRefine(
  partialClausesNameActivities,
).openapi("NegativeListHistoricalEditionRecord");

/** A percentage in a query string: a plain decimal 0–100 with at most 4 decimals (no hex, exponents or blanks). */
const Percent = z
  .string()
  .regex(/^\d{1,3}(\.\d{1,4})?$/, "a percentage from 0 to 100 written as a decimal, e.g. 49 or 33.5")
  .transform(Number)
  .pipe(z.number().min(0).max(100, "a percentage from 0 to 100"));

/** A comma-separated query value as its distinct, trimmed, non-empty members. */
const commaList = z.string().transform((s) => [
  ...new Set(
    s
      .split(",")
      .map((c) => c.trim())
      .filter(Boolean),
  ),
]);

/** The question a check answers (GET /negative-list/check query). */
export const CheckQuery = z
  .strictObject({
    industry: commaList.pipe(z.array(IndustryCode).min(1).max(20)).openapi({
      type: "string",
      description:
        "Comma-separated GB/T 4754-2017 codes (divisions, groups or classes); a code not in the standard is refused",
      example: "0511,7242",
    }),
    activities: commaList
      .pipe(z.array(ActivityId).max(50))
      .optional()
      .openapi({
        type: "string",
        description:
          "Comma-separated ids of the activities the investment will carry on, from the edition's activities " +
          "(GET /negative-list/activities). Given, it is the whole list: activities not named are not carried on, " +
          "and an empty value means none of them. Absent, a measure that covers only part of a class gives `indeterminate`.",
        example: "wheat-seed-breeding-production",
      }),
    foreignShare: Percent.openapi({ description: "Foreign investors' total equity, percent", example: "49" }),
    largestForeignInvestor: Percent.openapi({
      description: "The largest single foreign investor's equity, percent",
      example: "30",
    }),
    legalRepresentative: CountryCode.openapi({ description: "Nationality of the legal representative (ISO 3166)" }),
    insideFtz: z.enum(["true", "false"]).transform((v) => v === "true"),
    date: z.iso.date().optional().openapi({ description: "Date asked about; default today (China)" }),
  })
  .refine((q) => q.largestForeignInvestor <= q.foreignShare, {
    message: "the largest foreign investor cannot hold more than all foreign investors together",
    path: ["largestForeignInvestor"],
  })
  .refine((q) => q.foreignShare === 0 || q.largestForeignInvestor > 0, {
    message: "with foreign equity there is a largest foreign investor holding more than 0",
    path: ["largestForeignInvestor"],
  });
export type CheckInput = Omit<z.output<typeof CheckQuery>, "date" | "activities"> & {
  date: string;
  /** Undefined: not stated. */
  activities?: string[] | undefined;
};

/** The path's edition id. */
export const EditionParams = z.object({
  editionId: z
    .string()
    .regex(/^[a-z]+-\d{4}[a-z0-9-]*$/)
    .max(60),
});

/** One edition as the list of editions shows it. */
export const EditionSummaryView = z
  .object({
    editionId: z.string(),
    scope: z.string(),
    title: z.string(),
    inForceFrom: z.string(),
    inForceUntil: z
      .string()
      .nullable()
      .openapi({ description: "Last day in force, for an edition recorded as history" }),
    measureCount: z.number().int(),
    publishedAt: z.string(),
    revision: z
      .number()
      .int()
      .openapi({ description: "Corrections of the recorded text so far (0: as first recorded)" }),
    correctedAt: z.string().nullable(),
    supersededBy: z.string().nullable(),
    supersededFrom: z.string().nullable(),
  })
  .openapi("NegativeListEditionSummary");

const ConditionResultView = z.object({
  condition: z.record(z.string(), z.unknown()),
  met: z.boolean(),
  explanation: z.string(),
});

const ActivityRefView = z.object({ id: z.string(), nameZh: z.string(), nameEn: z.string() });
const Unmet = z.array(z.object({ measure: z.number().int(), clause: z.string(), explanation: z.string() }));

/** The check's answer. */
export const CheckResultView = z
  .object({
    outcome: z.enum(["permitted", "restricted", "prohibited", "indeterminate"]).openapi({
      description:
        "`indeterminate`: a measure covers only part of a class asked about and no stated activity says which part; " +
        "`candidates` gives the outcome for each activity and `decidedBy` what to state",
    }),
    confidence: z.enum(["verified", "unverified"]).openapi({
      description:
        "`unverified`: the answer rests on measures (`unverifiedMeasures`) whose text was not read in an official or " +
        "faithful copy of the list; confirm against the published list before acting on it",
    }),
    unverifiedMeasures: z.array(z.number().int()),
    confidenceNote: z.string(),
    edition: z.object({
      editionId: z.string(),
      scope: z.string(),
      title: z.string(),
      inForceFrom: z.string(),
      inForceUntil: z.string().nullable(),
    }),
    date: z.string(),
    provisional: z.boolean().openapi({ description: "The date is in the future: a later edition could still apply" }),
    industries: z.array(
      z.object({
        code: z.string(),
        level: z.enum(["division", "group", "class"]),
        nameZh: z.string(),
        nameEn: z.string().nullable(),
        section: z.string(),
      }),
    ),
    activities: z
      .array(ActivityRefView)
      .nullable()
      .openapi({ description: "The activities stated; null when not stated" }),
    matches: z.array(
      z.object({
        measure: z.number().int(),
        kind: Measure.shape.kind,
        sector: z.string().nullable(),
        text: z.string(),
        textVerified: z.boolean(),
        confidence: z.string(),
        source: z.string(),
        clause: z.string(),
        coverage: z.enum(["full", "partial"]),
        industryCodes: z.array(z.string()),
        applies: z.enum(["applies", "undecided"]),
        activities: z.array(ActivityRefView),
        status: z.enum(["prohibited", "conditions_not_met", "conditions_met"]),
        conditions: z.array(ConditionResultView),
      }),
    ),
    candidates: z.array(
      z.object({
        activity: ActivityRefView,
        outcome: z.enum(["permitted", "restricted", "prohibited"]),
        measures: z.array(z.number().int()),
        conditionsNotMet: Unmet,
      }),
    ),
    otherwise: z
      .enum(["permitted", "restricted"])
      .nullable()
      .openapi({ description: "For `indeterminate`: the outcome when none of the candidate activities is carried on" }),
    alternatives: z.boolean().openapi({
      description:
        "True when a broad code's every class is one of the candidate activities and all give the outcome: it holds whichever is carried on",
    }),
    decidedBy: z.string().nullable(),
    conditionsNotMet: Unmet,
  })
  .openapi("NegativeListCheckResult");

/** The activities an edition's measures name (GET /negative-list/activities). */
export const ActivitiesQuery = z.strictObject({
  insideFtz: z.enum(["true", "false"]).transform((v) => v === "true"),
  date: z.iso.date().optional().openapi({ description: "Date asked about; default today (China)" }),
});

/** What publishing, recording or correcting an edition answers. */
export const EditionReceiptView = z
  .object({ editionId: z.string(), version: z.number().int(), superseded: z.string().nullable() })
  .openapi("NegativeListEditionReceipt");
