/**
 * Negative lists for foreign investment access (外商投资准入特别管理措施（负面清单）): editions as
 * event-sourced reference data on `ftz.reference-data.events` (stream `NegativeListEdition-<id>`),
 * and the check a proposed investment gets (DOMAIN.md §3). "非禁即入": whatever the edition in
 * force does not prohibit or restrict is open.
 */
import { SafeString } from "../http/common";
import { z } from "../http/zod";
import { CountryCode } from "../direct-clearance/declaration-shapes";

/** A GB/T 4754-2017 industry code: division (2 digits), group (3) or class (4). */
export const IndustryCode = z.string().regex(/^\d{2,4}$/, "a GB/T 4754-2017 code: 2, 3 or 4 digits");

/** A measure's requirement, machine-readable. Percentages are of the enterprise's equity. */
export const Condition = z
  .discriminatedUnion("type", [
    z.object({
      type: z.literal("chinese_share_min"),
      percent: z.number().min(0).max(100),
      note: z.string().optional(),
    }),
    z.object({ type: z.literal("chinese_control"), note: z.string().optional() }),
    z.object({ type: z.literal("chinese_relative_control"), note: z.string().optional() }),
    z.object({
      type: z.literal("foreign_share_max"),
      percent: z.number().min(0).max(100),
      note: z.string().optional(),
    }),
    z.object({
      type: z.literal("single_foreign_investor_max"),
      percent: z.number().min(0).max(100),
      note: z.string().optional(),
    }),
    z.object({ type: z.literal("joint_venture_only"), note: z.string().optional() }),
    z.object({ type: z.literal("chinese_legal_representative"), note: z.string().optional() }),
  ])
  .openapi("NegativeListCondition");
export type Condition = z.infer<typeof Condition>;

/** A part of a measure: the activity it covers, its industry codes and conditions. */
export const Clause = z
  .object({
    scope: z.string(),
    industryCodes: z.array(IndustryCode).min(1),
    /** `partial`: the codes are broader than the activity, so whether it applies depends on the activity. */
    coverage: z.enum(["full", "partial"]),
    conditions: z.array(Condition),
  })
  .openapi("NegativeListClause");

/** One measure (特别管理措施) of an edition. */
export const Measure = z
  .object({
    number: z.number().int().min(1),
    sector: z.string().nullable(),
    text: z.string(),
    /** False when the text is a reconstruction not yet read in the official edition. */
    textVerified: z.boolean(),
    kind: z.enum(["prohibited", "restricted"]),
    clauses: z.array(Clause).min(1),
    source: z.string().min(1),
    confidence: z.string().min(1),
  })
  .openapi("NegativeListMeasure");
export type Measure = z.infer<typeof Measure>;

/** National list, or the list for pilot free trade zones (applies inside FTZ areas only). */
export const EditionScope = z.enum(["national", "ftz"]).openapi("NegativeListScope");

/** An edition as published (event data of NegativeListEditionPublished). */
export const NegativeListEditionPublished = z
  .object({
    editionId: z
      .string()
      .max(60)
      .regex(/^(national|ftz)-\d{4}[a-z0-9-]*$/, "like national-2024 or ftz-2021 (the scope, then the year)"),
    scope: EditionScope,
    title: SafeString.min(1).max(300),
    titleEn: SafeString.max(300).optional(),
    order: SafeString.max(200).nullable().optional(),
    inForceFrom: z.iso.date(),
    source: SafeString.min(1).max(4000),
    notes: SafeString.max(4000).optional(),
    measureCount: z.number().int().min(0),
    measures: z.array(Measure).max(200),
    /** The edition this one replaces from `inForceFrom`, if any. */
    supersedes: z.string().optional(),
  })
  .superRefine((e, ctx) => {
    if (!e.editionId.startsWith(`${e.scope}-`)) {
      ctx.addIssue({
        code: "custom",
        path: ["editionId"],
        message: `a ${e.scope} edition's id starts with ${e.scope}-`,
      });
    }
    for (const [i, m] of e.measures.entries()) {
      for (const [j, c] of m.clauses.entries()) {
        const path = ["measures", i, "clauses", j, "conditions"];
        if (m.kind === "prohibited" && c.conditions.length) {
          ctx.addIssue({ code: "custom", path, message: "a prohibition has no conditions" });
        }
        if (m.kind === "restricted" && !c.conditions.length) {
          ctx.addIssue({ code: "custom", path, message: "a restriction needs at least one condition" });
        }
      }
    }
    if (e.measures.length !== e.measureCount) {
      ctx.addIssue({
        code: "custom",
        path: ["measures"],
        message: `${e.measures.length} measures, measureCount says ${e.measureCount}`,
      });
    }
    const numbers = new Set<number>();
    e.measures.forEach((m, i) => {
      if (numbers.has(m.number))
        ctx.addIssue({ code: "custom", path: ["measures", i, "number"], message: `measure ${m.number} twice` });
      numbers.add(m.number);
    });
  })
  .openapi("NegativeListEditionPublished");
export type EditionData = z.output<typeof NegativeListEditionPublished>;

/** An edition was superseded by `supersededBy` from `from` (the newer edition's in-force date). */
export const NegativeListEditionSuperseded = z
  .object({ supersededBy: z.string(), from: z.iso.date() })
  .openapi("NegativeListEditionSuperseded");

/** Stream category of editions (contracts/topics.ts). */
export const EDITION_CATEGORY = "NegativeListEdition";
export const editionStream = (editionId: string): string => `${EDITION_CATEGORY}-${editionId}`;

/** A percentage in a query string: a plain decimal 0–100 with at most 4 decimals (no hex, exponents or blanks). */
const Percent = z
  .string()
  .regex(/^\d{1,3}(\.\d{1,4})?$/, "a percentage from 0 to 100 written as a decimal, e.g. 49 or 33.5")
  .transform(Number)
  .pipe(z.number().min(0).max(100, "a percentage from 0 to 100"));

/** The question a check answers (GET /negative-list/check query). */
export const CheckQuery = z
  .strictObject({
    industry: z
      .string()
      .transform((s) => [
        ...new Set(
          s
            .split(",")
            .map((c) => c.trim())
            .filter(Boolean),
        ),
      ])
      .pipe(z.array(IndustryCode).min(1).max(20))
      .openapi({ type: "string", description: "Comma-separated GB/T 4754-2017 codes", example: "0511,7242" }),
    foreignShare: Percent.openapi({ description: "Foreign investors' total equity, percent" }),
    largestForeignInvestor: Percent.openapi({ description: "The largest single foreign investor's equity, percent" }),
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
export type CheckInput = Omit<z.output<typeof CheckQuery>, "date"> & { date: string };
