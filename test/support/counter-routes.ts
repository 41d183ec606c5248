/**
 * HTTP routes for the test counter aggregate (counter-aggregate.ts): a RouteModule exercising
 * the API plumbing the bounded contexts will use. Test-only; not part of the product contract.
 *
 *   POST /counters                     open a counter (Idempotency-Key) → 201, Location, ETag
 *   POST /counters/{id}/increments     increment (If-Match required)     → 200, ETag
 *   POST /counters/{id}/close          close (If-Match required)         → 200, ETag
 *   GET  /counters/{id}                current state                     → 200, ETag
 */
import {
  ETagHeader,
  IdempotencyKeyHeader,
  IfMatchHeader,
  SafeString,
  StreamVersion,
  Uuid,
} from "../../contracts/http/common";
import { problemResponses } from "../../contracts/http/responses";
import { z } from "../../contracts/http/zod";
import { commandRoute } from "../../services/api/http/command-route";
import { formatETag, requireIfMatch, setETag, settleIfMatch } from "../../services/api/http/etag";
import { Problems } from "../../services/api/http/problem";
import { parseBody, parseParams } from "../../services/api/http/validate";
import type { RouteModule } from "../../services/api/route-module";
import { handleCommand } from "../../services/platform/decider";
import type { EventStore } from "../../services/platform/event-store/types";
import { type CounterCommand, type CounterEvent, type CounterState, counterDecider } from "./counter-aggregate";

/** Body of POST /counters. */
export const OpenCounterBody = z.strictObject({ name: SafeString.min(1).max(100) }).openapi("OpenCounterBody");
/** Body of POST /counters/{id}/increments. */
export const IncrementBody = z.strictObject({ by: z.number().int().min(1).max(1000) }).openapi("IncrementBody");
/** Body of POST /counters/{id}/close. */
export const CloseBody = z.strictObject({ reason: SafeString.max(200) }).openapi("CloseBody");
/** A counter as the API shows it; `version` equals the ETag's value. */
export const CounterView = z
  .object({
    id: Uuid,
    name: z.string(),
    status: z.enum(["open", "closed"]),
    total: z.number().int(),
    version: StreamVersion,
  })
  .openapi("CounterView");
const IdParams = z.object({ id: Uuid });

const streamOf = (id: string) => `Counter-${id}`;
const view = (id: string, s: CounterState, version: number) => ({
  id,
  name: s.name,
  status: s.status,
  total: s.total,
  version,
});

async function exists(store: EventStore, id: string): Promise<void> {
  if ((await store.streamVersion(streamOf(id))) === null) throw Problems.notFound(`No counter ${id}`);
}

/** The counter route module. */
export const counterRoutes: RouteModule = {
  name: "counters",
  register(router, ctx) {
    router.post(
      "/counters",
      commandRoute(ctx.commands, async (req, c) => {
        const body = parseBody(req, OpenCounterBody);
        const id = c.newId("counter");
        const r = await handleCommand(
          ctx.store,
          streamOf(id),
          counterDecider,
          { kind: "open", name: body.name, at: new Date().toISOString() },
          { metadata: c.metadata, eventIds: c.eventIds },
        );
        return {
          status: 201,
          headers: { Location: `/counters/${id}`, ETag: formatETag(r.version) },
          body: view(id, r.state, r.version),
        };
      }),
    );

    const update = (toCommand: (req: Parameters<typeof parseBody>[0]) => CounterCommand) =>
      commandRoute(ctx.commands, async (req, c) => {
        const expected = requireIfMatch(req);
        const { id } = parseParams(req, IdParams);
        const command = toCommand(req);
        await exists(ctx.store, id);
        const r = await handleCommand<CounterCommand, CounterEvent, CounterState>(
          ctx.store,
          streamOf(id),
          counterDecider,
          command,
          {
            expected: await settleIfMatch(expected, () => ctx.store.streamVersion(streamOf(id))),
            metadata: c.metadata,
            eventIds: c.eventIds,
          },
        );
        return { status: 200, headers: { ETag: formatETag(r.version) }, body: view(id, r.state, r.version) };
      });
    router.post(
      "/counters/:id/increments",
      update((req) => ({ kind: "increment", by: parseBody(req, IncrementBody).by, at: new Date().toISOString() })),
    );
    router.post(
      "/counters/:id/close",
      update((req) => ({ kind: "close", reason: parseBody(req, CloseBody).reason, at: new Date().toISOString() })),
    );

    router.get("/counters/:id", async (req, res) => {
      const { id } = parseParams(req, IdParams);
      const events = await ctx.store.readStream(streamOf(id));
      if (events.length === 0) throw Problems.notFound(`No counter ${id}`);
      let state = counterDecider.initialState;
      for (const e of events) {
        state = counterDecider.evolve(state, {
          type: e.type,
          data: e.data,
          occurredAt: e.occurredAt.toISOString(),
        } as CounterEvent);
      }
      const version = events[events.length - 1]!.streamVersion;
      setETag(res, version);
      res.json(view(id, state, version));
    });
  },

  openapi(registry) {
    const json = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });
    const etag = z.object({ ETag: ETagHeader });
    registry.registerPath({
      method: "post",
      path: "/counters",
      tags: ["counters"],
      request: { headers: z.object({ "idempotency-key": IdempotencyKeyHeader }), body: json(OpenCounterBody) },
      responses: {
        201: { description: "Opened", headers: etag, ...json(CounterView) },
        ...problemResponses(400, 409, 415, 422),
      },
    });
    for (const [path, body] of [
      ["/counters/{id}/increments", IncrementBody],
      ["/counters/{id}/close", CloseBody],
    ] as const) {
      registry.registerPath({
        method: "post",
        path,
        tags: ["counters"],
        request: { params: IdParams, headers: z.object({ "if-match": IfMatchHeader }), body: json(body) },
        responses: {
          200: { description: "Updated", headers: etag, ...json(CounterView) },
          ...problemResponses(400, 404, 409, 412, 428),
        },
      });
    }
    registry.registerPath({
      method: "get",
      path: "/counters/{id}",
      tags: ["counters"],
      request: { params: IdParams },
      responses: { 200: { description: "The counter", headers: etag, ...json(CounterView) }, ...problemResponses(404) },
    });
  },
};
