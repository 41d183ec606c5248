/**
 * The admin operations over HTTP (`/operations/...`): the pipeline's status, rebuilding a read
 * model, parked events and records. The same operations as the `ftz` command line.
 */
import { SafeString } from "./common";
import { z } from "./zod";

/** Where the pipeline stands (GET /operations/status). */
export const PipelineStatusView = z
  .object({
    healthy: z.boolean().openapi({ description: "False when anything needs an operator (see attention)" }),
    database: z.literal("up"),
    kafka: z.enum(["up", "down", "not configured"]),
    relay: z.object({
      checkpoint: z.number().int().nullable().openapi({ description: "Global position the relay has published up to" }),
      lastPublishedAt: z.string().nullable(),
      eventsBehind: z.number().int(),
      oldestUnpublishedSeconds: z.number(),
      stalled: z.boolean(),
      stallSeconds: z.number(),
    }),
    head: z.number().int().openapi({ description: "The newest global position" }),
    projections: z.array(
      z.object({
        name: z.string(),
        lastGlobalPosition: z.number().int(),
        eventsApplied: z.number().int(),
        eventsBehind: z.number().int(),
        secondsBehind: z.number(),
        parkedEvents: z.number().int(),
        parkedRecords: z.number().int(),
        gapsSeen: z.number().int(),
      }),
    ),
    attention: z.array(z.string()),
  })
  .openapi("PipelineStatus");

/** A read model's name in a path. */
export const ProjectionParams = z.object({
  projection: z.enum(["task_list", "clearance_times", "negative_list", "filings"]),
});

/** What a rebuild did. */
export const RebuildView = z
  .object({ projection: z.string(), events: z.number().int(), ms: z.number().int() })
  .openapi("ProjectionRebuildOutcome");

/** One parked event or record. */
export const ParkedItemView = z
  .object({
    kind: z.enum(["event", "record"]),
    id: z.string().openapi({ description: "The event id, or `<topic>/<partition>@<offset>` of a record" }),
    projection: z.string(),
    streamId: z.string().nullable(),
    streamVersion: z.number().int().nullable(),
    type: z.string().nullable(),
    reason: z.string(),
    parkedAt: z.string(),
  })
  .openapi("ParkedItem");

/** A parked item with the stored event or the record's bytes (as text). */
export const ParkedDetailView = ParkedItemView.extend({
  event: z.object({ globalPosition: z.number().int(), data: z.unknown(), metadata: z.unknown() }).nullable(),
  payload: z.string().nullable(),
}).openapi("ParkedItemDetail");

/** A parked item's id in a path: an event id (UUID) or a record's coordinates. */
export const ParkedParams = z.object({
  parkedId: z
    .string()
    .max(300)
    .regex(/^([0-9a-f-]{36}|[A-Za-z0-9._-]+\/\d+@\d+)$/, "an event id, or <topic>/<partition>@<offset>"),
});

/** What a retry did for one projection. */
export const RetryView = z
  .object({
    projection: z.string(),
    eventsBefore: z.number().int(),
    eventsApplied: z.number().int(),
    stillParked: z.number().int(),
    records: z.number().int(),
    rebuild: z.object({ events: z.number().int(), ms: z.number().int() }),
  })
  .openapi("ParkedRetryOutcome");

/** Why a parked item is skipped (POST /operations/parked/{parkedId}/skip). */
export const SkipBody = z
  .strictObject({ reason: SafeString.min(1).max(2000) })
  .openapi("ParkedSkip", { example: { reason: "test data entered in error; confirmed with the task force" } });
