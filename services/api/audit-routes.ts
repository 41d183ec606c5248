/**
 * The audit trail of one stream: `GET /audit/streams/{streamId}` lists every event with who did
 * it (actor: subject, role, enterprise) and the request's correlation and causation ids. Who may
 * look: admins and analysts any stream; the task force reform tasks; customs declarations;
 * partners reform tasks and negative-list editions; an enterprise its own declarations and
 * filings. Any other stream answers 404, as if it did not exist.
 */
import { problemResponses } from "../../contracts/http/responses";
import { z } from "../../contracts/http/zod";
import { ANY_ROLE, allow } from "./auth/access";
import type { Principal, Role } from "./auth/principal";
import { Problems } from "./http/problem";
import { parseParams } from "./http/validate";
import type { RouteModule } from "./route-module";

const StreamParams = z.object({
  streamId: z.string().regex(/^[A-Za-z]+-[A-Za-z0-9-]{1,100}$/, "a stream id such as ReformTask-<uuid>"),
});

/** Stream categories each role may audit (`*`: all). Enterprises: their own Declaration and Filing streams. */
const CATEGORIES: Record<Role, readonly string[]> = {
  admin: ["*"],
  analyst: ["*"],
  taskforce: ["ReformTask"],
  customs: ["Declaration"],
  partner: ["ReformTask", "NegativeListEdition"],
  enterprise: ["Declaration", "Filing"],
};

/** Whether `p` may see the stream whose first event has `firstData`. */
function mayAudit(p: Principal, category: string, firstData: unknown): boolean {
  const allowed = CATEGORIES[p.role];
  if (!allowed.includes("*") && !allowed.includes(category)) return false;
  if (p.role !== "enterprise") return true;
  return (firstData as { enterprise?: unknown } | null)?.enterprise === p.enterprise;
}

const AuditEntry = z
  .object({
    version: z.number().int(),
    globalPosition: z.number().int(),
    eventId: z.string(),
    type: z.string(),
    occurredAt: z.string(),
    recordedAt: z.string(),
    actor: z.record(z.string(), z.unknown()).nullable(),
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
      if (events.length === 0 || !mayAudit(req.principal!, category, events[0]!.data)) {
        throw Problems.notFound(`No stream ${streamId}`);
      }
      res.json({
        streamId,
        events: events.map((e) => ({
          version: e.streamVersion,
          globalPosition: e.globalPosition,
          eventId: e.eventId,
          type: e.type,
          occurredAt: e.occurredAt.toISOString(),
          recordedAt: e.recordedAt.toISOString(),
          actor: (e.metadata.actor as Record<string, unknown> | undefined) ?? null,
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
