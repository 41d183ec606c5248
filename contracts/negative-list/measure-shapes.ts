/**
 * The shapes of negative lists for foreign investment access (外商投资准入特别管理措施（负面清单）):
 * industry codes, activities, conditions, clauses, measures and the members of an edition, with
 * the rules every edition obeys. "非禁即入": whatever the edition in force does not prohibit or
 * restrict is open. The events are in events.ts, the HTTP bodies and the check's question in http.ts.
 */
import { SafeString } from "../http/common";
import { z } from "../http/zod";
import { INDUSTRY_CLASSES } from "../identifiers/industry-class";

/**
 * A GB/T 4754-2017 industry code: division (2 digits), group (3) or class (4), which must be a
 * code of the standard (contracts/identifiers/industry-class.ts): `9999`, `0000` or `27` are refused by name.
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
export const EXAMPLE_EDITION = {
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
export const EditionFields = {
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
export const { supersedes: _supersedes, ...HISTORICAL_FIELDS } = EditionFields;

export type EditionShape = {
  editionId: string;
  scope: string;
  inForceFrom: string;
  inForceUntil?: string | undefined;
  measureCount: number;
  measures: Measure[];
  activities?: Activity[] | undefined;
};

/** The rules every edition obeys, whatever command records it. */
export function editionRules(e: EditionShape, ctx: z.RefinementCtx): void {
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

/** Every partial clause of an edition an admin records names its activities, so naming the activity decides it. */
export function partialClausesNameActivities(e: { measures: Measure[] }, ctx: z.RefinementCtx): void {
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
