/**
 * The admin operations over HTTP, the same as the `ftz` command line's (services/operator/):
 * `GET /operations/status`, `POST /operations/projections/{projection}/rebuild`,
 * `GET /operations/parked`, `GET /operations/parked/{parkedId}`, and `POST .../retry` and
 * `.../skip` on a parked item. Admins only; every change is an event on the operator log with the
 * admin as actor (and an Idempotency-Key makes a retried request run once). A rebuild while
 * another of the same read model runs is 409 `rebuild-in-progress`.
 */
import { IdempotencyKeyHeader } from "../../contracts/http/common";
import {
  ParkedDetailView,
  ParkedItemView,
  ParkedParams,
  PipelineStatusView,
  ProjectionParams,
  RebuildView,
  RetryView,
  SkipBody,
} from "../../contracts/http/operations";
import { problemResponses } from "../../contracts/http/responses";
import { z } from "../../contracts/http/zod";
import { PROJECTIONS } from "../../projections/registry";
import { RebuildInProgressError, rebuildProjection } from "../../projections/runner/rebuild";
import { recordOperation } from "../operator/operator-log";
import { listParked, ParkedNotFoundError, retryParked, showParked, skipParked } from "../operator/parked-items";
import { pipelineStatus } from "../operator/pipeline-status";
import { PostgresEventStore } from "../platform/event-store/postgres-event-store";
import { actorOf, allow } from "./auth/access";
import { commandRoute } from "./http/command-route";
import { ProblemError, Problems } from "./http/problem";
import { parseBody, parseParams } from "./http/validate";
import type { RouteContext, RouteModule } from "./route-module";

const json = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });
const TAG = "operations";
const keyHeader = z.object({ "idempotency-key": IdempotencyKeyHeader });

/** The PostgreSQL store behind the route context (rebuilds read the global log inside a transaction). */
function postgresStore(ctx: RouteContext): PostgresEventStore {
  if (!(ctx.store instanceof PostgresEventStore)) throw new Error("rebuilds need the PostgreSQL event store");
  return ctx.store;
}

/** An operation, with "no such item" as 404 and "a rebuild is running" as 409. */
const asProblem = async <T>(work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ParkedNotFoundError) throw Problems.notFound(err.message);
    if (err instanceof RebuildInProgressError) {
      throw new ProblemError({
        status: 409,
        slug: "rebuild-in-progress",
        title: "Rebuild in progress",
        detail: err.message,
      });
    }
    throw err;
  }
};

/** The operations routes; `kafkaReady` probes Kafka for the status when the app has Kafka. */
export function operationsRoutes(opts: { kafkaReady?: () => Promise<boolean> } = {}): RouteModule {
  return {
    name: "operations",
    register(router, ctx) {
      router.get("/operations/status", allow("admin"), async (_req, res) => {
        res.set("Cache-Control", "no-store").json(await pipelineStatus(ctx.db, opts.kafkaReady));
      });
      router.post(
        "/operations/projections/:projection/rebuild",
        allow("admin"),
        commandRoute(ctx.commands, async (req) => {
          const { projection } = parseParams(req, ProjectionParams);
          const p = PROJECTIONS.find((x) => x.name === projection)!;
          const store = postgresStore(ctx);
          const outcome = await asProblem(() => rebuildProjection(ctx.db, store, p));
          await recordOperation(store, "ProjectionRebuilt", { projection, ...outcome }, actorOf(req.principal));
          return { status: 200, body: { projection, ...outcome } };
        }),
      );
      router.get("/operations/parked", allow("admin"), async (_req, res) => {
        res.set("Cache-Control", "no-store").json({ items: await listParked(ctx.db) });
      });
      router.get("/operations/parked/:parkedId", allow("admin"), async (req, res) => {
        const { parkedId } = parseParams(req, ParkedParams);
        res.set("Cache-Control", "no-store").json(await asProblem(() => showParked(ctx.db, parkedId)));
      });
      router.post(
        "/operations/parked/:parkedId/retry",
        allow("admin"),
        commandRoute(ctx.commands, async (req) => {
          const { parkedId } = parseParams(req, ParkedParams);
          const outcomes = await asProblem(() =>
            retryParked(ctx.db, postgresStore(ctx), parkedId, { actor: actorOf(req.principal) }),
          );
          return { status: 200, body: outcomes[0] };
        }),
      );
      router.post(
        "/operations/parked/:parkedId/skip",
        allow("admin"),
        commandRoute(ctx.commands, async (req) => {
          const { parkedId } = parseParams(req, ParkedParams);
          const { reason } = parseBody(req, SkipBody);
          const item = await asProblem(() =>
            skipParked(ctx.db, postgresStore(ctx), parkedId, reason, actorOf(req.principal)),
          );
          return { status: 200, body: item };
        }),
      );
    },

    openapi(registry) {
      registry.registerPath({
        method: "get",
        path: "/operations/status",
        tags: [TAG],
        summary: "The relay, each projection, Kafka and the database, with what needs attention (admin)",
        responses: { 200: { description: "The status", ...json(PipelineStatusView) }, ...problemResponses() },
      });
      registry.registerPath({
        method: "post",
        path: "/operations/projections/{projection}/rebuild",
        tags: [TAG],
        summary: "Rebuild a read model from the event store and swap it in; queries keep being answered (admin)",
        request: { params: ProjectionParams, headers: keyHeader },
        responses: { 200: { description: "Rebuilt and swapped in", ...json(RebuildView) }, ...problemResponses(409) },
      });
      registry.registerPath({
        method: "get",
        path: "/operations/parked",
        tags: [TAG],
        summary: "Parked events and Kafka records, oldest first (admin)",
        responses: {
          200: { description: "Parked items", ...json(z.object({ items: z.array(ParkedItemView) })) },
          ...problemResponses(),
        },
      });
      registry.registerPath({
        method: "get",
        path: "/operations/parked/{parkedId}",
        tags: [TAG],
        summary: "One parked item with the stored event or the record's bytes (admin)",
        request: { params: ParkedParams },
        responses: { 200: { description: "The item", ...json(ParkedDetailView) }, ...problemResponses(404) },
      });
      registry.registerPath({
        method: "post",
        path: "/operations/parked/{parkedId}/retry",
        tags: [TAG],
        summary:
          "After a fix: rebuild the item's projection, applying its parked events once and in stream order (admin)",
        request: { params: ParkedParams, headers: keyHeader },
        responses: { 200: { description: "Retried", ...json(RetryView) }, ...problemResponses(404, 409) },
      });
      registry.registerPath({
        method: "post",
        path: "/operations/parked/{parkedId}/skip",
        tags: [TAG],
        summary: "Give up on a parked item, with a reason recorded in the operator log (admin)",
        request: { params: ParkedParams, headers: keyHeader, body: json(SkipBody) },
        responses: {
          200: { description: "Skipped", ...json(ParkedItemView) },
          ...problemResponses(404, 409, 415, 422),
        },
      });
    },
  };
}
