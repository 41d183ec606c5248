/**
 * The HTTP feed of events for partners without a Kafka client (`GET /feed/{topic}`): each event
 * a CloudEvent in JSON structured mode (CloudEvents 1.0 JSON format), the same attributes and
 * extensions as the Kafka records of that topic, in global-log order, cursor-paged.
 */
import { TOPICS } from "../topics";
import { z } from "./zod";

/** A topic's name, as the AsyncAPI document and Kafka have it (without a deployment prefix). */
export const FeedParams = z.object({
  topic: z.enum(TOPICS.map((t) => t.name) as [string, ...string[]]).openapi({ example: "ftz.reform-tasks.events" }),
});

/** A feed cursor: opaque, from `nextCursor` or an event stream's `id:` lines. */
export const FeedCursor = z
  .string()
  .max(100)
  .regex(/^[A-Za-z0-9_-]+$/, "a cursor this API issued");

/** The feed's query. */
export const FeedQuery = z.strictObject({
  cursor: FeedCursor.optional().openapi({
    description: "Where to go on from: the last page's nextCursor; absent, the start",
  }),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, "a whole number from 1 to 500")
    .transform(Number)
    .pipe(z.number().int().min(1).max(500))
    .optional()
    .openapi({ type: "string", description: "Events per page, 1–500 (default 100)", example: "100" }),
});

/** One event in CloudEvents JSON structured mode. */
export const FeedEvent = z
  .object({
    specversion: z.literal("1.0"),
    id: z.string().openapi({ description: "The event id (UUID): drop an id seen before" }),
    source: z.string().openapi({ example: "/ftz/ReformTask" }),
    type: z.string().openapi({ example: "ftz.TaskPlanned" }),
    subject: z.string().openapi({ description: "The stream id (aggregate)" }),
    time: z.string().openapi({ description: "Business time of the event" }),
    datacontenttype: z.literal("application/json"),
    data: z.unknown(),
    streamversion: z.string(),
    globalposition: z.string(),
    schemaversion: z.string(),
    recordedtime: z.string(),
    correlationid: z.string().optional(),
    causationid: z.string().optional(),
    actorrole: z.string().optional(),
    actorenterprise: z.string().optional(),
  })
  .passthrough()
  .openapi("FeedEvent");

/** A page of the feed. `nextCursor` is always there: ask again with it for what comes next. */
export const FeedPage = z
  .object({
    topic: z.string(),
    events: z.array(FeedEvent),
    nextCursor: FeedCursor.openapi({ description: "Where the next page starts (the same when nothing newer yet)" }),
  })
  .openapi("FeedPage");
