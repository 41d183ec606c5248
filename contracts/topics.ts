/**
 * Kafka topics the application publishes to (README, architecture): one per bounded context plus one for
 * reference data. Streams are named `<Category>-<id>`; the category picks the topic. Partners
 * consume these; the AsyncAPI document describes them.
 */

/** A topic the application creates itself, with explicit partitions and retention. */
export interface TopicSpec {
  /** Name without the deployment prefix (see `topicName`). */
  name: string;
  /** Stream categories (the part of the stream id before the first `-`) routed here. */
  categories: string[];
  partitions: number;
  /** `retention.ms`; -1 keeps records forever (reference data must stay replayable). */
  retentionMs: number;
  description: string;
  /**
   * Who may be granted read access to the topic (broker ACLs), by README's "Who sees what":
   * declarations and filings are enterprises' business data, not partners'.
   */
  audience: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export const TOPICS: readonly TopicSpec[] = [
  {
    name: "ftz.reform-tasks.events",
    categories: ["ReformTask"],
    partitions: 3,
    retentionMs: 365 * DAY_MS,
    description: "Reform replication task list (复制推广任务清单) events",
    audience: "every role, partner systems included",
  },
  {
    name: "ftz.direct-clearance.events",
    categories: ["Declaration"],
    partitions: 6,
    retentionMs: 365 * DAY_MS,
    description: "Customs direct-clearance (属地直通) declaration events",
    audience: "the backend's projection workers and customs systems; not partner systems",
  },
  {
    name: "ftz.investment-filings.events",
    categories: ["Filing"],
    partitions: 3,
    retentionMs: 365 * DAY_MS,
    description: "Foreign-investment and outbound filing events",
    audience: "the backend's projection workers only",
  },
  {
    name: "ftz.reference-data.events",
    categories: ["NegativeListEdition"],
    partitions: 1,
    retentionMs: -1,
    description: "Reference data: negative-list editions published and superseded",
    audience: "every role, partner systems included",
  },
  {
    name: "ftz.platform.events",
    categories: ["Operations", "*"],
    partitions: 1,
    retentionMs: 30 * DAY_MS,
    description: "The operator log (rebuilds, retries, skips, re-publications) and streams of any other category",
    audience: "the backend's own processes only",
  },
];

/** Category of a stream id: the part before the first `-` (`ReformTask-2026-001` → `ReformTask`). */
export const streamCategory = (streamId: string): string => streamId.split("-", 1)[0] ?? streamId;

/** Full topic name: `KAFKA_TOPIC_PREFIX` (default empty) + spec name. Tests use a prefix to isolate runs. */
export const topicName = (spec: TopicSpec, prefix = ""): string => `${prefix}${spec.name}`;

/** The topic spec a stream's events go to; categories not listed go to the `*` topic. */
export function topicFor(streamId: string, topics: readonly TopicSpec[] = TOPICS): TopicSpec {
  const category = streamCategory(streamId);
  const spec = topics.find((t) => t.categories.includes(category)) ?? topics.find((t) => t.categories.includes("*"));
  if (!spec) throw new Error(`no topic for stream category ${category}`);
  return spec;
}

/**
 * Sizes, all derived from one setting so an event the store accepts always fits a Kafka record
 * (bytes):
 * - `maxEventBytes`: an event's data plus metadata as JSON; the store refuses more (413).
 * - `jsonBodyBytes`: the API's JSON body limit, half of it (a body becomes one event or a few).
 * - `topicMaxMessageBytes`: `max.message.bytes` of every topic the application creates, twice the
 *   event limit: one record is the event plus its CloudEvents headers and key (far below
 *   `maxEventBytes` more), and Kafka applies the limit to a whole record batch.
 * - `relayRequestBytes`: what the relay puts in one produce request (uncompressed, summed over
 *   all partitions, so every partition's batch is below the topic limit), the topic limit minus
 *   64 KiB for batch and record framing.
 */
export const SIZE_LIMITS = sizeLimits(512 * 1024);

/** The limits for an event limit of `maxEventBytes` (see SIZE_LIMITS). */
export function sizeLimits(maxEventBytes: number) {
  const topicMaxMessageBytes = 2 * maxEventBytes;
  return {
    maxEventBytes,
    jsonBodyBytes: maxEventBytes / 2,
    topicMaxMessageBytes,
    relayRequestBytes: topicMaxMessageBytes - 64 * 1024,
  } as const;
}
