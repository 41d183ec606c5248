/**
 * The example partner consumer, second version: no Kafka client, only HTTP. It follows a topic
 * of the HTTP feed (`GET /feed/{topic}`, CloudEvents in JSON structured mode) with long polling,
 * validates each event's data against the published contract (`contracts/events.ts`), drops an
 * event id it has seen (delivery is at least once across restarts), and keeps the cursor so a
 * restart resumes where it stopped (`cursor`, `onCursor`). Uses only `fetch` (Node.js 20, browsers).
 */
import { EVENT_SCHEMAS } from "../events";
import type { FeedEvent as FeedEventSchema } from "../http/feed";
import type { z } from "../http/zod";

/** One CloudEvent of the feed (JSON structured mode), as the feed's contract describes it. */
export type FeedEvent = z.output<typeof FeedEventSchema>;

/** How to follow a topic. */
export interface FeedConsumerOptions {
  /** The API's base URL, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** A bearer token (the partner role reads the reform-task and reference-data topics). */
  token: string;
  topic: string;
  /** Where to resume: the cursor `onCursor` last reported; absent, from the start. */
  cursor?: string;
  /** Seconds each empty poll waits for new events (Prefer: wait; at most 30). Default 20. */
  waitSeconds?: number;
  onEvent(event: FeedEvent): Promise<void> | void;
  /** An event whose data does not match the contract, with the reasons. */
  onInvalid?(event: FeedEvent, reasons: string[]): Promise<void> | void;
  /** Called after each page with the cursor to resume from (persist it). */
  onCursor?(cursor: string): Promise<void> | void;
}

/** The reasons `event` does not match the published contract; empty when it does. */
export function contractProblems(event: FeedEvent): string[] {
  const type = event.type?.startsWith("ftz.") ? event.type.slice(4) : event.type;
  const schema = type ? EVENT_SCHEMAS[type] : undefined;
  if (!schema) return [`unknown event type ${String(event.type)}`];
  const parsed = schema.safeParse(event.data);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".") || "data"}: ${i.message}`);
}

/**
 * Follows the topic until `signal` aborts; resolves with the last cursor.
 * @throws Error naming the status when the API refuses (401, 403, 400): retrying would not help.
 */
export async function followFeed(opts: FeedConsumerOptions, signal?: AbortSignal): Promise<string | undefined> {
  let cursor = opts.cursor;
  const seen = new Set<string>();
  while (!signal?.aborted) {
    const url = new URL(`/feed/${encodeURIComponent(opts.topic)}`, opts.baseUrl);
    if (cursor) url.searchParams.set("cursor", cursor);
    let res: Response;
    try {
      res = await fetch(url, {
        headers: {
          Authorization: `Bearer ${opts.token}`,
          Accept: "application/json",
          Prefer: `wait=${opts.waitSeconds ?? 20}`,
        },
        signal,
      });
    } catch (_err) {
      if (signal?.aborted) break;
      await new Promise((r) => setTimeout(r, 1000)); // the API is restarting: try again
      continue;
    }
    if (res.status === 429 || res.status >= 500) {
      await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get("retry-after") ?? 1)));
      continue;
    }
    if (!res.ok) throw new Error(`the feed answered ${res.status}: ${await res.text()}`);
    const page = (await res.json()) as { events: FeedEvent[]; nextCursor: string };
    for (const event of page.events) {
      if (seen.has(event.id)) continue;
      seen.add(event.id);
      const problems = contractProblems(event);
      if (problems.length) await opts.onInvalid?.(event, problems);
      else await opts.onEvent(event);
    }
    cursor = page.nextCursor;
    await opts.onCursor?.(cursor);
  }
  return cursor;
}
