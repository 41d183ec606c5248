/**
 * Negative lists for foreign investment access (外商投资准入特别管理措施（负面清单）): editions as
 * event-sourced reference data on `ftz.reference-data.events` (stream `NegativeListEdition-<id>`),
 * and the check a proposed investment gets (README, negative-list checks and investment filings). "非禁即入": whatever the edition in
 * force does not prohibit or restrict is open.
 */
import { SafeString } from "../http/common";
import { z } from "../http/zod";
import { CountryCode } from "../direct-clearance/declaration-shapes";
import { INDUSTRY_CLASSES } from "./industry-classes";

/**
 * A GB/T 4754-2017 industry code: division (2 digits), group (3) or class (4), which must be a
 * code of the standard (industry-classes.ts): `9999`, `0000` or `27` are refused by name.
 */
export const IndustryCode = z
  .string()
  .regex(/^\d{2,4}$/, "a GB/T 4754-2017 code: 2, 3 or 4 digits")
  .refine((c) => INDUSTRY_CLASSES.has(c), {
    error: (iss) => `${JSON.stringify(iss.input)} is not a code of GB/T 4754-2017 (国民经济行业分类)`,
    abort: true,
  })
  .openapi({
    description:
      "A division (2 digits), group (3) or class (4) of GB/T 4754-2017; codes not in the standard are refused",
    example: "0511",
  });

/** Id of an activity a measure names, e.g. `wheat-seed-breeding-production` (the edition's `activities`). */
export const ActivityId = z
  .string()
  .max(60)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "an activity id: lower-case words joined by hyphens");

/**
 * An activity a measure covers (e.g. wheat seed breeding and production), with the classes it
 * falls in. `wholeClass`: the activity is all of those classes (tobacco wholesale is class 5128),
 * so naming the class decides it; otherwise the class also holds activities the measure does not
 * cover, and only naming the activity decides it.
 */
export const Activity = z
  .strictObject({
    id: ActivityId,
    nameZh: SafeString.min(1).max(300),
    nameEn: SafeString.min(1).max(300),
    industryCodes: z.array(IndustryCode).min(1).max(50),
    wholeClass: z.boolean(),
    note: SafeString.max(2000).optional(),
  })
  .openapi("NegativeListActivity");
export type Activity = z.infer<typeof Activity>;

/** A measure's requirement, machine-readable. Percentages are of the enterprise's equity. Unknown members are refused. */
const Note = SafeString.max(2000).optional();
const Share = z.number().min(0).max(100);
export const Condition = z
  .discriminatedUnion("type", [
    z.strictObject({ type: z.literal("chinese_share_min"), percent: Share, note: Note }),
    z.strictObject({ type: z.literal("chinese_control"), note: Note }),
    z.strictObject({ type: z.literal("chinese_relative_control"), note: Note }),
    z.strictObject({ type: z.literal("foreign_share_max"), percent: Share, note: Note }),
    z.strictObject({ type: z.literal("single_foreign_investor_max"), percent: Share, note: Note }),
    z.strictObject({ type: z.literal("joint_venture_only"), note: Note }),
    z.strictObject({ type: z.literal("chinese_legal_representative"), note: Note }),
  ])
  .openapi("NegativeListCondition");
export type Condition = z.infer<typeof Condition>;

/** A part of a measure: the activity it covers, its industry codes and conditions. */
export const Clause = z
  .strictObject({
    scope: SafeString.max(1000),
    industryCodes: z.array(IndustryCode).min(1).max(200),
    /** `partial`: the codes are broader than the activity, so whether it applies depends on the activity. */
    coverage: z.enum(["full", "partial"]),
    /** The activities (ids of the edition's `activities`) the clause covers; needed for a partial clause to be decidable. */
    activities: z.array(ActivityId).min(1).max(50).optional(),
    conditions: z.array(Condition).max(20),
  })
  .openapi("NegativeListClause");

/** One measure (特别管理措施) of an edition. */
export const Measure = z
  .strictObject({
    number: z.number().int().min(1),
    sector: SafeString.max(200).nullable(),
    text: SafeString.max(4000),
    /** False when the text is a reconstruction not yet read in the official edition. */
    textVerified: z.boolean(),
    kind: z.enum(["prohibited", "restricted"]),
    clauses: z.array(Clause).min(1).max(50),
    source: SafeString.min(1).max(4000),
    confidence: SafeString.min(1).max(500),
  })
  .openapi("NegativeListMeasure");
export type Measure = z.infer<typeof Measure>;

/** National list, or the list for pilot free trade zones (applies inside FTZ areas only). */
export const EditionScope = z.enum(["national", "ftz"]).openapi("NegativeListScope");

/** A small edition as an admin would publish it (the OpenAPI example of the publication body). */
const EXAMPLE_EDITION = {
  editionId: "national-2099",
  scope: "national",
  title: "外商投资准入特别管理措施（负面清单）（2099年版）",
  titleEn: "Special Administrative Measures (Negative List) for Foreign Investment Access (2099 edition)",
  order: "国家发展改革委 商务部令",
  inForceFrom: "2099-01-01",
  source: "The edition as published by NDRC and MOFCOM",
  notes: "Industry codes are this product's mapping of each measure's activity",
  measureCount: 2,
  measures: [
    {
      number: 1,
      sector: "一、农、林、牧、渔业",
      text: "小麦、玉米新品种选育和种子生产须由中方控股。",
      textVerified: true,
      kind: "restricted",
      clauses: [
        {
          scope: "小麦、玉米新品种选育和种子生产",
          industryCodes: ["0511"],
          coverage: "partial",
          activities: ["wheat-seed-breeding-production"],
          conditions: [{ type: "chinese_share_min", percent: 34, note: "中方股比不低于34%" }],
        },
      ],
      source: "The edition, measure 1",
      confidence: "verified",
    },
    {
      number: 2,
      sector: null,
      text: "禁止投资中国稀有和特有的珍贵优良品种的研发、养殖、种植以及相关繁殖材料的生产。",
      textVerified: true,
      kind: "prohibited",
      clauses: [
        {
          scope: "珍贵优良品种的研发、养殖、种植",
          industryCodes: ["0511"],
          coverage: "partial",
          activities: ["rare-endemic-variety-breeding"],
          conditions: [],
        },
      ],
      source: "The edition, measure 2",
      confidence: "verified",
    },
  ],
  activities: [
    {
      id: "wheat-seed-breeding-production",
      nameZh: "小麦新品种选育和种子生产",
      nameEn: "Breeding of new wheat varieties and wheat seed production",
      industryCodes: ["0511"],
      wholeClass: false,
    },
    {
      id: "rare-endemic-variety-breeding",
      nameZh: "中国稀有和特有的珍贵优良品种的研发、养殖、种植",
      nameEn: "Research, breeding and growing of China's rare and endemic fine varieties",
      industryCodes: ["0511"],
      wholeClass: false,
    },
  ],
};

/** The members of an edition (shared by the published, historical and corrected forms). */
const EditionFields = {
  editionId: z
    .string()
    .max(60)
    .regex(/^(national|ftz)-\d{4}[a-z0-9-]*$/, "like national-2024 or ftz-2021 (the scope, then the year)"),
  scope: EditionScope,
  title: SafeString.min(1).max(300),
  titleEn: SafeString.max(300).optional(),
  order: SafeString.max(200).nullable().optional(),
  inForceFrom: z.iso.date(),
  /** Last day in force, for an edition recorded as history (it was replaced the day after). */
  inForceUntil: z.iso.date().optional(),
  source: SafeString.min(1).max(4000),
  notes: SafeString.max(4000).optional(),
  measureCount: z.number().int().min(0),
  measures: z.array(Measure).max(200),
  /** The activities the measures' clauses name (the vocabulary a check can be asked in). */
  activities: z.array(Activity).max(500).optional(),
  /** The edition this one replaces from `inForceFrom`, if any. */
  supersedes: z.string().max(60).optional(),
};

/** A historical edition supersedes nothing: `supersedes` is refused as an unknown member. */
const { supersedes: _supersedes, ...HISTORICAL_FIELDS } = EditionFields;

type EditionShape = {
  editionId: string;
  scope: string;
  inForceFrom: string;
  inForceUntil?: string | undefined;
  measureCount: number;
  measures: Measure[];
  activities?: Activity[] | undefined;
};

/** The rules every edition obeys, whatever command records it. */
function editionRules(e: EditionShape, ctx: z.RefinementCtx): void {
  if (!e.editionId.startsWith(`${e.scope}-`)) {
    ctx.addIssue({ code: "custom", path: ["editionId"], message: `a ${e.scope} edition's id starts with ${e.scope}-` });
  }
  if (e.inForceUntil !== undefined && e.inForceUntil < e.inForceFrom) {
    ctx.addIssue({ code: "custom", path: ["inForceUntil"], message: "inForceUntil is before inForceFrom" });
  }
  const activities = new Map<string, Activity>();
  (e.activities ?? []).forEach((a, i) => {
    if (activities.has(a.id))
      ctx.addIssue({ code: "custom", path: ["activities", i, "id"], message: `activity ${a.id} twice` });
    activities.set(a.id, a);
  });
  for (const [i, m] of e.measures.entries()) {
    for (const [j, c] of m.clauses.entries()) {
      const path = ["measures", i, "clauses", j, "conditions"];
      if (m.kind === "prohibited" && c.conditions.length) {
        ctx.addIssue({ code: "custom", path, message: "a prohibition has no conditions" });
      }
      if (m.kind === "restricted" && !c.conditions.length) {
        ctx.addIssue({ code: "custom", path, message: "a restriction needs at least one condition" });
      }
      for (const [k, id] of (c.activities ?? []).entries()) {
        const a = activities.get(id);
        const at = ["measures", i, "clauses", j, "activities", k];
        if (!a)
          ctx.addIssue({ code: "custom", path: at, message: `activity ${id} is not in the edition's activities` });
        else if (!a.industryCodes.every((code) => c.industryCodes.includes(code)))
          ctx.addIssue({
            code: "custom",
            path: at,
            message: `activity ${id} falls in ${a.industryCodes.join(", ")}; the clause's industryCodes must include them`,
          });
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
}

/** An edition as published (event data of NegativeListEditionPublished; unknown members are refused). */
export const NegativeListEditionPublished = z
  .strictObject(EditionFields)
  .superRefine(editionRules)
  .openapi("NegativeListEditionPublished", { example: EXAMPLE_EDITION });
export type EditionData = z.output<typeof NegativeListEditionPublished>;

/** Every partial clause of an edition an admin records names its activities, so naming the activity decides it. */
function partialClausesNameActivities(e: { measures: Measure[] }, ctx: z.RefinementCtx): void {
  for (const [i, m] of e.measures.entries()) {
    for (const [j, c] of m.clauses.entries()) {
      if (c.coverage === "partial" && !c.activities?.length) {
        ctx.addIssue({
          code: "custom",
          path: ["measures", i, "clauses", j, "activities"],
          message: "a partial clause names the activities it covers",
        });
      }
    }
  }
}

/**
 * What an admin publishes: an edition whose every partial clause names its activities (the event
 * schema also reads older editions recorded before activities existed).
 */
export const PublishEditionBody = NegativeListEditionPublished.superRefine(partialClausesNameActivities).openapi(
  "NegativeListEditionPublication",
  { example: EXAMPLE_EDITION },
);

/**
 * An edition that was in force in the past, recorded as history (event data of
 * NegativeListHistoricalEditionRecorded): it has an `inForceUntil`, supersedes nothing, and may
 * only cover dates no edition in the store covers (edition-decider.ts), so no answer already given
 * changes. `replacedBy` names the edition that followed it, for readers.
 */
export const NegativeListHistoricalEditionRecorded = z
  .strictObject({
    ...HISTORICAL_FIELDS,
    inForceUntil: z.iso.date(),
    replacedBy: z.string().max(60).optional(),
  })
  .superRefine(editionRules)
  .openapi("NegativeListHistoricalEditionRecorded", {
    example: {
      ...EXAMPLE_EDITION,
      // Invented, and in the past (a historical edition must have ended): no real edition is quoted.
      editionId: "national-2001",
      title: "外商投资准入特别管理措施（负面清单）（接口示例，非真实版本）",
      inForceFrom: "2001-01-01",
      inForceUntil: "2001-12-31",
      replacedBy: "national-2002",
    },
  });
export type HistoricalEditionData = z.output<typeof NegativeListHistoricalEditionRecorded>;

/** What an admin records as history (POST /negative-list/historical-editions). */
export const RecordHistoricalEditionBody = NegativeListHistoricalEditionRecorded.superRefine(
  partialClausesNameActivities,
).openapi("NegativeListHistoricalEditionRecord");

/**
 * The recorded text of an edition was wrong and is replaced (event data of
 * NegativeListEditionCorrected): the law did not change, our copy of it did, so checks for every
 * date it covers answer from the corrected text. `edition` is the whole corrected edition (same
 * id, scope and dates); `reason` says what was wrong and which copy was read.
 */
export const NegativeListEditionCorrected = z
  .strictObject({
    edition: z.strictObject({ ...EditionFields, replacedBy: z.string().max(60).optional() }).superRefine(editionRules),
    reason: SafeString.min(1).max(4000),
  })
  .openapi("NegativeListEditionCorrected");

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
