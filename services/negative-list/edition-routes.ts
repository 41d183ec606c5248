/**
 * Commands of the negative lists (admin; `Idempotency-Key` required): publish an edition, which
 * takes effect after today unless it is its scope's first, and record one that was in force in
 * the past (edition-publishing.ts). Reading editions and the check are the negative-list read
 * model's routes (projections/negative-list/negative-list-routes.ts).
 */
import { RequiredIdempotencyKeyHeader } from "../../contracts/http/common";
import { problemResponses } from "../../contracts/http/responses";
import { z } from "../../contracts/http/zod";
import { PublishEditionBody, RecordHistoricalEditionBody } from "../../contracts/negative-list/http";
import { allow } from "../api/auth/access";
import { commandRoute } from "../api/http/command-route";
import { parseBody } from "../api/http/validate";
import type { RouteModule } from "../api/route-module";
import { retryOnConflict } from "../platform/decider";
import { publishEdition, recordHistoricalEdition } from "./edition-publishing";

const json = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });
const TAG = "negative-list";

/** Publishing and recording editions. */
export const editionRoutes: RouteModule = {
  name: "negative-list-editions",
  register(router, ctx) {
    router.post(
      "/negative-list/editions",
      allow("admin"),
      commandRoute(
        ctx.commands,
        async (req, c) => {
          const edition = parseBody(req, PublishEditionBody);
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

    router.post(
      "/negative-list/historical-editions",
      allow("admin"),
      commandRoute(
        ctx.commands,
        async (req, c) => {
          const edition = parseBody(req, RecordHistoricalEditionBody);
          const outcome = await retryOnConflict(() =>
            recordHistoricalEdition(ctx.store, edition, {
              at: new Date().toISOString(),
              metadata: c.metadata,
              eventId: (streamId, i) => c.newId(`historical-edition:${streamId}:${i}`),
            }),
          );
          return { status: 201, headers: { Location: `/negative-list/editions/${edition.editionId}` }, body: outcome };
        },
        { requireIdempotencyKey: true },
      ),
    );
  },

  openapi(registry) {
    registry.registerPath({
      method: "post",
      path: "/negative-list/editions",
      tags: [TAG],
      summary: "Publish an edition (admin); it takes effect after today unless it is its scope's first",
      request: {
        headers: z.object({ "idempotency-key": RequiredIdempotencyKeyHeader }),
        body: json(PublishEditionBody),
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
      method: "post",
      path: "/negative-list/historical-editions",
      tags: [TAG],
      summary:
        "Record an edition that was in force in the past (admin): it supersedes nothing and may only cover dates no recorded edition covers",
      request: {
        headers: z.object({ "idempotency-key": RequiredIdempotencyKeyHeader }),
        body: json(RecordHistoricalEditionBody),
      },
      responses: {
        201: {
          description: "Recorded",
          ...json(z.object({ editionId: z.string(), version: z.number().int(), superseded: z.string().nullable() })),
        },
        ...problemResponses(400, 409, 415, 422),
      },
    });
  },
};
