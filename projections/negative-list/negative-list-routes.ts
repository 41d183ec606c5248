import { problemResponses } from "../../contracts/http/responses";
import { z } from "../../contracts/http/zod";
import { Activity, Measure } from "../../contracts/negative-list/measure-shapes";
import { type CheckInput, CheckQuery } from "../../contracts/negative-list/http";
import type { EditionData } from "../../contracts/negative-list/events";
import { editionInForceOn, getEdition, listEditions } from "./negative-list-queries";
import { ANY_ROLE, allow } from "../../services/api/auth/access";
import { Problems, ProblemError } from "../../services/api/http/problem";
import { fromReadModelOf } from "../../services/api/http/read-model";
import { parseParams, parseQuery } from "../../services/api/http/validate";
import type { RouteContext, RouteModule } from "../../services/api/route-module";
import { chinaToday } from "../../services/platform/china-date";
import { CheckQuestionError, checkAgainst } from "../../services/negative-list";

const json = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });
const TAG = "negative-list";
const readModel = <T>(q: () => Promise<T>) => fromReadModelOf("negative_list", q);

const EditionParams = z.object({
  editionId: z
    .string()
    .regex(/^[a-z]+-\d{4}[a-z0-9-]*$/)
    .max(60),
});

const EditionSummaryView = z
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
const ActivitiesQuery = z.strictObject({
  insideFtz: z.enum(["true", "false"]).transform((v) => v === "true"),
  date: z.iso.date().optional().openapi({ description: "Date asked about; default today (China)" }),
});

/** Runs the check, turning a question the edition cannot answer into a 400 naming the query member. */
function runCheck(edition: EditionData, q: CheckInput) {
  try {
    return checkAgainst(edition, q);
  } catch (err) {
    if (err instanceof CheckQuestionError)
      throw Problems.validationFailed([{ pointer: `/query/${err.member}`, detail: err.message }]);
    throw err;
  }
}

/** The edition of the site's scope in force on `date`. @throws ProblemError 422 when none was. */
async function inForce(ctx: RouteContext, insideFtz: boolean, date: string): Promise<EditionData> {
  const scope = insideFtz ? "ftz" : "national";
  const edition = await readModel(() => editionInForceOn(ctx.db, scope, date));
  if (!edition) {
    throw new ProblemError({
      status: 422,
      slug: "no-edition-in-force",
      title: "No edition in force",
      detail: `No ${scope} negative-list edition recorded here was in force on ${date}`,
      extensions: { field: "date", scope },
    });
  }
  return edition;
}

/** Editions and the check. */
export const negativeListRoutes: RouteModule = {
  name: "negative-list-queries",
  register(router, ctx) {
    router.get("/negative-list/editions", allow(...ANY_ROLE), async (_req, res) => {
      res.json({ editions: await readModel(() => listEditions(ctx.db)) });
    });

    router.get("/negative-list/editions/:editionId", allow(...ANY_ROLE), async (req, res) => {
      const { editionId } = parseParams(req, EditionParams);
      const found = await readModel(() => getEdition(ctx.db, editionId));
      if (!found) throw Problems.notFound(`No edition ${editionId}`);
      res.json(found);
    });

    router.get("/negative-list/check", allow(...ANY_ROLE), async (req, res) => {
      const q = parseQuery(req, CheckQuery);
      const today = chinaToday();
      const date = q.date ?? today;
      const edition = await inForce(ctx, q.insideFtz, date);
      const result = runCheck(edition, { ...q, date });
      res.json({ ...result, provisional: date > today });
    });

    router.get("/negative-list/activities", allow(...ANY_ROLE), async (req, res) => {
      const q = parseQuery(req, ActivitiesQuery);
      const date = q.date ?? chinaToday();
      const edition = await inForce(ctx, q.insideFtz, date);
      res.json({ editionId: edition.editionId, date, activities: edition.activities ?? [] });
    });
  },

  openapi(registry) {
    registry.registerPath({
      method: "get",
      path: "/negative-list/editions",
      tags: [TAG],
      summary: "Published editions",
      responses: {
        200: { description: "Editions", ...json(z.object({ editions: z.array(EditionSummaryView) })) },
        ...problemResponses(503),
      },
    });
    registry.registerPath({
      method: "get",
      path: "/negative-list/editions/{editionId}",
      tags: [TAG],
      summary: "One edition with its measures",
      request: { params: EditionParams },
      responses: {
        200: {
          description: "The edition",
          ...json(EditionSummaryView.extend({ edition: z.record(z.string(), z.unknown()) })),
        },
        ...problemResponses(400, 404, 503),
      },
    });
    registry.registerPath({
      method: "get",
      path: "/negative-list/check",
      tags: [TAG],
      summary: "Check a proposed investment against the edition in force on a date (非禁即入)",
      request: { query: CheckQuery },
      responses: {
        200: { description: "The answer", ...json(CheckResultView) },
        ...problemResponses(400, 422, 503),
      },
    });
    registry.registerPath({
      method: "get",
      path: "/negative-list/activities",
      tags: [TAG],
      summary: "The activities the measures of the edition in force name (the values `activities` takes in a check)",
      request: { query: ActivitiesQuery },
      responses: {
        200: {
          description: "The edition's activities",
          ...json(z.object({ editionId: z.string(), date: z.string(), activities: z.array(Activity) })),
        },
        ...problemResponses(400, 422, 503),
      },
    });
  },
};
