import { problemResponses } from "../../contracts/http/responses";
import { z } from "../../contracts/http/zod";
import { Activity } from "../../contracts/negative-list/measure-shapes";
import {
  ActivitiesQuery,
  type CheckInput,
  CheckQuery,
  CheckResultView,
  EditionParams,
  EditionSummaryView,
} from "../../contracts/negative-list/http";
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
