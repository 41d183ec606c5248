/**
 * HTTP routes of the negative lists: publish an edition (admin; `Idempotency-Key` required), list
 * and read editions, and check a proposed investment (`GET /negative-list/check`, served from the
 * Kafka-fed read model). Who may publish is enforced by the access-control layer (role admin).
 */
import { IdempotencyKeyHeader } from "../../contracts/http/common";
import { problemResponses } from "../../contracts/http/responses";
import { z } from "../../contracts/http/zod";
import { CheckQuery, Measure, NegativeListEditionPublished } from "../../contracts/reference-data/negative-list";
import { editionInForceOn, getEdition, listEditions } from "../../projections/negative-list/negative-list-queries";
import { ANY_ROLE, allow } from "../api/auth/access";
import { commandRoute } from "../api/http/command-route";
import { Problems, ProblemError } from "../api/http/problem";
import { fromReadModelOf } from "../api/http/read-model";
import { parseBody, parseParams, parseQuery } from "../api/http/validate";
import type { RouteModule } from "../api/route-module";
import { chinaToday } from "../platform/china-date";
import { retryOnConflict } from "../platform/decider";
import { publishEdition } from "./edition-publishing";
import { checkAgainst } from "./negative-list-check";

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
    measureCount: z.number().int(),
    publishedAt: z.string(),
    supersededBy: z.string().nullable(),
    supersededFrom: z.string().nullable(),
  })
  .openapi("NegativeListEditionSummary");

const ConditionResultView = z.object({
  condition: z.record(z.string(), z.unknown()),
  met: z.boolean(),
  explanation: z.string(),
});

/** The check's answer. */
export const CheckResultView = z
  .object({
    outcome: z.enum(["permitted", "restricted", "prohibited"]),
    dependsOnActivity: z.boolean().openapi({
      description: "The outcome rests only on measures whose industry codes are broader than the activity they name",
    }),
    edition: z.object({ editionId: z.string(), scope: z.string(), title: z.string(), inForceFrom: z.string() }),
    date: z.string(),
    provisional: z.boolean().openapi({ description: "The date is in the future: a later edition could still apply" }),
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
        status: z.enum(["prohibited", "conditions_not_met", "conditions_met"]),
        conditions: z.array(ConditionResultView),
      }),
    ),
    conditionsNotMet: z.array(z.object({ measure: z.number().int(), clause: z.string(), explanation: z.string() })),
  })
  .openapi("NegativeListCheckResult");

/** Editions and the check. */
export const negativeListRoutes: RouteModule = {
  name: "negative-list",
  register(router, ctx) {
    router.post(
      "/negative-list/editions",
      allow("admin"),
      commandRoute(
        ctx.commands,
        async (req, c) => {
          const edition = parseBody(req, NegativeListEditionPublished);
          const outcome = await retryOnConflict(() =>
            publishEdition(ctx.store, edition, {
              at: new Date().toISOString(),
              metadata: c.metadata,
              eventId: (streamId, i) => c.newId(`edition:${streamId}:${i}`),
            }),
          );
          return { status: 201, headers: { Location: `/negative-list/editions/${edition.editionId}` }, body: outcome };
        },
        { requireIdempotencyKey: true },
      ),
    );

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
      const scope = q.insideFtz ? "ftz" : "national";
      const edition = await readModel(() => editionInForceOn(ctx.db, scope, date));
      if (!edition) {
        throw new ProblemError({
          status: 422,
          slug: "no-edition-in-force",
          title: "No edition in force",
          detail: `No ${scope} negative-list edition was in force on ${date}`,
          extensions: { field: "date", scope },
        });
      }
      res.json({ ...checkAgainst(edition, { ...q, date }), provisional: date > today });
    });
  },

  openapi(registry) {
    registry.registerPath({
      method: "post",
      path: "/negative-list/editions",
      tags: [TAG],
      summary: "Publish an edition (admin); it takes effect after today unless it is its scope's first",
      request: {
        headers: z.object({ "idempotency-key": IdempotencyKeyHeader }),
        body: json(NegativeListEditionPublished),
      },
      responses: {
        201: {
          description: "Published",
          ...json(z.object({ editionId: z.string(), version: z.number().int(), superseded: z.string().nullable() })),
        },
        ...problemResponses(400, 409, 415, 422),
      },
    });
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
  },
};
