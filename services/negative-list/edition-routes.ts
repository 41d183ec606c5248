/**
 * Commands of the negative lists (admin; `Idempotency-Key` required): publish an edition, which
 * takes effect after today unless it is its scope's first, and record one that was in force in
 * the past (edition-publishing.ts). Reading editions and the check are the negative-list read
 * model's routes (projections/negative-list/negative-list-routes.ts).
 */
import { RequiredIdempotencyKeyHeader } from "../../contracts/http/common";
import { problemResponses } from "../../contracts/http/responses";
import { z } from "../../contracts/http/zod";
import {
  EditionReceiptView,
  PublishEditionBody,
  RecordHistoricalEditionBody,
} from "../../contracts/negative-list/http";
import { allow } from "../api/auth/access";
import { type CommandHandler, commandRoute } from "../api/http/command-route";
import { parseBody } from "../api/http/validate";
import type { RouteContext, RouteModule } from "../api/route-module";
import { retryOnConflict } from "../platform/decider";
import { publishEdition, recordHistoricalEdition } from "./edition-publishing";

const json = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });
const TAG = "negative-list";

/**
 * `POST /negative-list/editions` (admin): publishes the edition (edition-publishing.ts), retried
 * on a concurrent write to the scope's index. 201 with Location.
 */
const publishEditionHandler =
  (ctx: RouteContext): CommandHandler =>
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
  };

/**
 * `POST /negative-list/historical-editions` (admin): records an edition of the past, which may
 * only cover dates no recorded edition covers. 201 with Location.
 */
const recordHistoricalEditionHandler =
  (ctx: RouteContext): CommandHandler =>
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
  };

/** Publishing and recording editions. */
export const editionRoutes: RouteModule = {
  name: "negative-list-editions",
  register(router, ctx) {
    const keyed = { requireIdempotencyKey: true };
    router.post(
      "/negative-list/editions",
      allow("admin"),
      commandRoute(ctx.commands, publishEditionHandler(ctx), keyed),
    );
    router.post(
      "/negative-list/historical-editions",
      allow("admin"),
      commandRoute(ctx.commands, recordHistoricalEditionHandler(ctx), keyed),
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
          ...json(EditionReceiptView),
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
          ...json(EditionReceiptView),
        },
        ...problemResponses(400, 409, 415, 422),
      },
    });
  },
};
