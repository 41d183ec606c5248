/**
 * The HTTP feed for partners without a Kafka client: `GET /feed/{topic}` answers the topic's
 * events as CloudEvents in JSON structured mode (the attributes and extensions of the Kafka
 * records, cloudevent-message.ts), in global-log order, from the event store, so it works in the
 * embedded default as on the full stack.
 *
 * - **Pages**: `?cursor=&limit=`; every page has `nextCursor` (and `Link: rel="next"`), the same
 *   cursor when nothing newer has committed yet. The cursor is a global-log checkpoint
 *   (transaction id and position), so an event whose transaction committed late is never skipped.
 * - **Long polling**: `Prefer: wait=<seconds>` (RFC 7240 §4.3, at most 30) holds an empty page
 *   until an event arrives or the time is up.
 * - **Live tailing**: `Accept: text/event-stream` (Server-Sent Events) streams each event as
 *   `id: <cursor>` and `data: <CloudEvent>`, resumable with `Last-Event-ID` (or `?cursor=`), with a
 *   comment line every 15 s to keep proxies from closing it.
 * - **Who sees what** (data-sharing.ts): a role reads a topic when it may read every category on
 *   it; an enterprise, which may read only its own declarations and filings, gets only the events
 *   of streams it owns. The actor's subject is never in the feed, as on Kafka.
 */
import type { Request, Response } from "express";
import { FeedPage, FeedParams, FeedQuery } from "../../contracts/http/feed";
import { problemResponses } from "../../contracts/http/responses";
import { z } from "../../contracts/http/zod";
import { TOPICS, type TopicSpec, streamCategory } from "../../contracts/topics";
import type { SqlExecutor } from "../platform/db/database";
import { checkpointOf } from "../platform/event-store/checkpoints";
import { type EventStore, type GlobalCheckpoint, type RecordedEvent, START } from "../platform/event-store/types";
import { cloudEventOf } from "../platform/messaging/cloudevent-message";
import { ANY_ROLE, allow } from "./auth/access";
import { STREAM_READERS } from "./auth/data-sharing";
import type { Principal } from "./auth/principal";
import { MAX_WAIT_SECONDS, preferredWaitSeconds } from "./http/consistency";
import { ProblemError, Problems } from "./http/problem";
import { parseParams, parseQuery } from "./http/validate";
import type { RouteModule } from "./route-module";

/** Events of the global log read per scan; a page scans at most `MAX_SCANS` of them. */
const SCAN_BATCH = 500;
const MAX_SCANS = 20;
const HEARTBEAT_MS = 15_000;

/** The cursor of a checkpoint: base64url of `f1.<transaction id>.<global position>`. */
export const encodeFeedCursor = (cp: GlobalCheckpoint): string =>
  Buffer.from(`f1.${cp.transactionId}.${cp.globalPosition}`).toString("base64url");

/** The checkpoint of a cursor; null when it is not one this API issued. */
export function decodeFeedCursor(cursor: string): GlobalCheckpoint | null {
  const m = /^f1\.(\d{1,19})\.(\d{1,15})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  // Transaction ids are xid8: at most 2^63 - 1.
  if (!m || BigInt(m[1]!) > 9_223_372_036_854_775_807n) return null;
  return { transactionId: m[1]!, globalPosition: Number(m[2]) };
}

/** How a principal may read a topic: every event, only its enterprise's streams, or not at all. */
function accessTo(topic: TopicSpec, who: Principal): "all" | "own" | "none" {
  let access: "all" | "own" = "all";
  for (const category of topic.categories) {
    const policy = STREAM_READERS[category];
    if (!policy) {
      if (who.role !== "admin") return "none";
      continue;
    }
    if (!policy.roles.includes(who.role)) return "none";
    if (policy.ownOnly.includes(who.role)) access = "own";
  }
  return access;
}

/** The owner (the credit code in the first event) of each of `streams` not in `known`. */
async function loadOwners(db: SqlExecutor, streams: string[], known: Map<string, string | null>): Promise<void> {
  if (known.size > 10_000) known.clear(); // a long-lived stream's cache stays bounded
  const missing = [...new Set(streams)].filter((s) => !known.has(s));
  if (missing.length === 0) return;
  const { rows } = await db.query<{ stream_id: string; owner: string | null }>(
    "SELECT stream_id, data->>'enterprise' AS owner FROM events WHERE stream_version = 0 AND stream_id = ANY($1::text[])",
    [missing],
  );
  for (const s of missing) known.set(s, rows.find((r) => r.stream_id === s)?.owner ?? null);
}

/** A reader of one topic for one principal. */
interface FeedReader {
  /** Up to `limit` visible events after `after`, and the checkpoint the scan reached. */
  page(after: GlobalCheckpoint, limit: number): Promise<{ events: RecordedEvent[]; next: GlobalCheckpoint }>;
}

/** A reader of `topic` for `who`, whose access (`accessTo`) is `all` or `own`. */
function feedReader(
  db: SqlExecutor,
  store: EventStore,
  topic: TopicSpec,
  who: Principal,
  access: "all" | "own",
): FeedReader {
  const catchAll = topic.categories.includes("*");
  const others = new Set(TOPICS.filter((t) => t !== topic).flatMap((t) => t.categories));
  const onTopic = (e: RecordedEvent) => {
    const c = streamCategory(e.streamId);
    return topic.categories.includes(c) || (catchAll && !others.has(c));
  };
  const own = access === "own";
  const owners = new Map<string, string | null>();
  return {
    async page(after, limit) {
      const events: RecordedEvent[] = [];
      let next = after;
      for (let scan = 0; scan < MAX_SCANS && events.length < limit; scan++) {
        const batch = await store.readAll(next, { batchSize: SCAN_BATCH });
        if (batch.length === 0) break;
        let mine = batch.filter(onTopic);
        if (own) {
          await loadOwners(
            db,
            mine.map((e) => e.streamId),
            owners,
          );
          mine = mine.filter((e) => owners.get(e.streamId) === who.enterprise);
        }
        const visible = new Set(mine);
        for (const e of batch) {
          if (events.length === limit) break;
          next = checkpointOf(e);
          if (visible.has(e)) events.push(e);
        }
        if (batch.length < SCAN_BATCH) break;
      }
      return { events, next };
    },
  };
}

/** Resolves after `ms`, or sooner when `store` says something was appended in this process. */
function nextAppendOrTimeout(store: EventStore, ms: number): Promise<void> {
  return new Promise((resolve) => {
    let off: (() => void) | undefined;
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      off?.();
      resolve();
    }
    off = store.onAppended?.(done);
  });
}

/** Streams the feed as Server-Sent Events until the client goes away. */
async function tail(req: Request, res: Response, reader: FeedReader, from: GlobalCheckpoint, store: EventStore) {
  res.status(200).set({
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-store",
    Connection: "keep-alive",
    "X-Accel-Buffering": "no",
  });
  res.flushHeaders();
  const flush = () => (res as Response & { flush?: () => void }).flush?.();
  // The client may have gone before the stream started (while authentication ran): check the
  // socket, not only a close event that may have fired already.
  const open = () => !req.destroyed && !res.destroyed && !res.writableEnded;
  const closed = new Promise<void>((resolve) => res.once("close", () => resolve()));
  /** Writes `text`; when the socket's buffer is full, waits for it to drain (backpressure) or close. */
  const write = async (text: string) => {
    if (!res.write(text)) await Promise.race([new Promise((r) => res.once("drain", r)), closed]);
  };
  await write("retry: 2000\n\n");
  flush();
  let cursor = from;
  let lastWrite = Date.now();
  while (open()) {
    const { events, next } = await reader.page(cursor, 100);
    for (const e of events) {
      if (!open()) break;
      const ce = cloudEventOf(e);
      await write(
        `id: ${encodeFeedCursor(checkpointOf(e))}\nevent: ${ce.type}\ndata: ${JSON.stringify(ce.toJSON())}\n\n`,
      );
    }
    cursor = next;
    if (events.length) {
      flush();
      lastWrite = Date.now();
      continue;
    }
    if (Date.now() - lastWrite >= HEARTBEAT_MS) {
      await write(": keep-alive\n\n");
      flush();
      lastWrite = Date.now();
    }
    await Promise.race([nextAppendOrTimeout(store, 500), closed]);
  }
  res.end();
}

/** `GET /feed/{topic}`. */
export const feedRoutes: RouteModule = {
  name: "feed",
  register(router, ctx) {
    router.get("/feed/:topic", allow(...ANY_ROLE), async (req, res) => {
      const { topic: name } = parseParams(req, FeedParams);
      const q = parseQuery(req, FeedQuery);
      const topic = TOPICS.find((t) => t.name === name)!;
      const who = req.principal!;
      const access = accessTo(topic, who);
      if (access === "none") {
        throw new ProblemError({
          status: 403,
          slug: "forbidden",
          title: "Forbidden",
          detail: `The ${who.role} role may not read ${name} (README, who sees what)`,
        });
      }
      const live = req.accepts(["application/json", "text/event-stream"]) === "text/event-stream";
      // A reconnecting EventSource repeats the URL and adds Last-Event-ID: that one is newer.
      const given = live ? (req.get("last-event-id") ?? q.cursor) : (q.cursor ?? req.get("last-event-id"));
      const after = given === undefined ? START : decodeFeedCursor(given);
      if (after === null) {
        throw Problems.validationFailed([
          {
            pointer: q.cursor !== undefined ? "/query/cursor" : "/headers/last-event-id",
            detail: "not a cursor this API issued",
          },
        ]);
      }
      const reader = feedReader(ctx.db, ctx.store, topic, who, access);
      if (live) {
        await tail(req, res, reader, after, ctx.store);
        return;
      }
      const limit = q.limit ?? 100;
      const deadline = Date.now() + Math.min(preferredWaitSeconds(req.get("prefer"), 0), MAX_WAIT_SECONDS) * 1000;
      let page = await reader.page(after, limit);
      while (page.events.length === 0 && Date.now() < deadline) {
        await nextAppendOrTimeout(ctx.store, Math.min(500, deadline - Date.now()));
        page = await reader.page(page.next, limit);
      }
      res.json({
        topic: name,
        events: page.events.map((e) => cloudEventOf(e).toJSON()),
        nextCursor: encodeFeedCursor(page.next),
      });
    });
  },

  openapi(registry) {
    registry.registerPath({
      method: "get",
      path: "/feed/{topic}",
      tags: ["feed"],
      summary: "A topic's events as CloudEvents (JSON structured mode), cursor-paged, long-polled or live (SSE)",
      description:
        "The events of one topic in global-log order, each a CloudEvent in JSON structured mode with the Kafka records' " +
        "extension attributes. Follow nextCursor (or Link rel=next) for the next page; it stays the same until something " +
        "newer commits. `Prefer: wait=<seconds>` (at most 30) holds an empty page until an event arrives. " +
        "`Accept: text/event-stream` streams events live (Server-Sent Events: `id:` is the cursor, `data:` the CloudEvent; " +
        "resume with Last-Event-ID). A role reads a topic when it may read its data (README, who sees what): " +
        "an enterprise gets only its own declarations and filings; the platform topic is for admins.",
      request: { params: FeedParams, query: FeedQuery },
      responses: {
        200: {
          description: "A page of events (or, with Accept: text/event-stream, the live stream)",
          content: {
            "application/json": { schema: FeedPage },
            "text/event-stream": { schema: z.string().openapi({ description: "Server-Sent Events" }) },
          },
        },
        ...problemResponses(400),
      },
    });
  },
};
