/**
 * The audit trail of one stream: `GET /audit/streams/{streamId}` lists every event with who did
 * it and the request's correlation and causation ids. A role sees the trail of a stream whose data
 * it may read (data-sharing.ts: every role reform tasks and negative-list editions; customs,
 * analysts and admins declarations; analysts and admins filings; an enterprise its own
 * declarations and filings); any other stream answers 404, as if it did not exist. The actor's
 * subject (a person's account) is shown to admins only; others see its role and enterprise.
 */
import { ActorView } from "../../contracts/http/common";
import { problemResponses } from "../../contracts/http/responses";
import { z } from "../../contracts/http/zod";
import { ANY_ROLE, allow } from "./auth/access";
import { actorView, mayReadStream, seesActorSubject } from "./auth/data-sharing";
import { Problems } from "./http/problem";
import { parseParams } from "./http/validate";
import type { RouteModule } from "./route-module";

const StreamParams = z.object({
  streamId: z.string().regex(/^[A-Za-z]+-[A-Za-z0-9-]{1,100}$/, "a stream id such as ReformTask-<uuid>"),
});

const AuditEntry = z
  .object({
    version: z.number().int(),
    globalPosition: z.number().int(),
    eventId: z.string(),
    type: z.string(),
    occurredAt: z.string(),
    recordedAt: z.string(),
    actor: ActorView.nullable(),
    correlationId: z.string().nullable(),
    causationId: z.string().nullable(),
    data: z.unknown(),
  })
  .openapi("AuditEntry");

/** The audit route module. */
export const auditRoutes: RouteModule = {
  name: "audit",
  register(router, ctx) {
    router.get("/audit/streams/:streamId", allow(...ANY_ROLE), async (req, res) => {
      const { streamId } = parseParams(req, StreamParams);
      const events = await ctx.store.readStream(streamId);
      const category = streamId.slice(0, streamId.indexOf("-"));
      const owner = (events[0]?.data as { enterprise?: unknown } | undefined)?.enterprise;
      if (
        events.length === 0 ||
        !mayReadStream(req.principal!, category, typeof owner === "string" ? owner : undefined)
      ) {
        throw Problems.notFound(`No stream ${streamId}`);
      }
      const withSubject = seesActorSubject(req.principal!.role);
      res.json({
        streamId,
        events: events.map((e) => ({
          version: e.streamVersion,
          globalPosition: e.globalPosition,
          eventId: e.eventId,
          type: e.type,
          occurredAt: e.occurredAt.toISOString(),
          recordedAt: e.recordedAt.toISOString(),
          actor: actorView(e.metadata.actor, withSubject),
          correlationId: e.metadata.correlationId ?? null,
          causationId: e.metadata.causationId ?? null,
          data: e.data,
        })),
      });
    });
  },
  openapi(registry) {
    registry.registerPath({
      method: "get",
      path: "/audit/streams/{streamId}",
      tags: ["audit"],
      summary: "What happened to a stream: every event with its actor and correlation id",
      request: { params: StreamParams },
      responses: {
        200: {
          description: "The stream's audit trail",
          content: { "application/json": { schema: z.object({ streamId: z.string(), events: z.array(AuditEntry) }) } },
        },
        ...problemResponses(400, 404),
      },
    });
  },
};
