/**
 * The HTTP feed on the PostgreSQL server (no Kafka): CloudEvents in JSON structured mode,
 * cursor pages with Link next, long polling with Prefer: wait, Server-Sent Events resumable with
 * Last-Event-ID, and the data-sharing policy (an enterprise sees only its own declarations; a
 * partner no declarations at all).
 */
import { once } from "node:events";
import { get, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";
import pino from "pino";
import { contractProblems, type FeedEvent, followFeed } from "../../contracts/client/partner-feed-consumer";
import { createApp } from "../../services/api/app";
import { encodeFeedCursor } from "../../services/api/feed-routes";
import { START } from "../../services/platform/event-store/types";
import { PostgresEventStore } from "../../services/platform/event-store/postgres-event-store";
import { as, ENTERPRISE_A, ENTERPRISE_B, tokenFor } from "../support/auth";
import { serverDatabase, type TestDatabase } from "../support/databases";
import { directExportLodgement } from "../support/declarations";
import { taskPlanBody } from "../support/reform-tasks";

const TASKS = "/feed/ftz.reform-tasks.events";

describe("the HTTP feed (CloudEvents over HTTP)", () => {
  let t: TestDatabase;
  let app: Express;
  beforeEach(async () => {
    t = await serverDatabase();
    app = createApp({ db: t.db, store: new PostgresEventStore(t.db), logger: pino({ level: "silent" }) });
  });
  afterEach(() => t.drop());

  const plan = async (ref: string) => {
    const res = await (await as(app, "taskforce"))
      .post("/reform-tasks")
      .set("Idempotency-Key", `feed-${ref}`)
      .send(taskPlanBody({ ref }));
    expect(res.status).toBe(201);
    return res.body.taskId as string;
  };

  it("pages a topic's events as structured CloudEvents, with a cursor that waits at the end", async () => {
    const ids = [await plan("F-1"), await plan("F-2"), await plan("F-3")];
    const partner = await as(app, "partner");
    const first = await partner.get(`${TASKS}?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.events).toHaveLength(2);
    expect(first.body.events[0]).toMatchObject({
      specversion: "1.0",
      type: "ftz.TaskPlanned",
      source: "/ftz/ReformTask",
      subject: `ReformTask-${ids[0]}`,
      datacontenttype: "application/json",
      streamversion: "0",
      actorrole: "taskforce",
      data: expect.objectContaining({ taskId: ids[0] }),
    });
    // The actor's subject (a person's account) is not in the feed, as on Kafka.
    expect(JSON.stringify(first.body)).not.toContain("actorsubject");
    expect(first.headers.link).toBe(`<${TASKS}?limit=2&cursor=${first.body.nextCursor}>; rel="next"`);

    const second = await partner.get(`${TASKS}?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.events.map((e: { subject: string }) => e.subject)).toEqual([`ReformTask-${ids[2]}`]);
    const end = await partner.get(`${TASKS}?cursor=${second.body.nextCursor}`);
    expect(end.body.events).toEqual([]);
    expect(end.body.nextCursor).toBe(second.body.nextCursor);

    // Long polling: an empty page held open answers as soon as an event commits.
    const held = partner
      .get(`${TASKS}?cursor=${end.body.nextCursor}`)
      .set("Prefer", "wait=20")
      .then((r) => r);
    const late = await plan("F-4");
    const got = await held;
    expect(got.body.events.map((e: { subject: string }) => e.subject)).toEqual([`ReformTask-${late}`]);

    expect((await partner.get(`${TASKS}?cursor=bm9wZQ`)).status).toBe(400);
    expect((await partner.get("/feed/no.such.topic")).status).toBe(400);
  });

  it("applies the data-sharing policy: own declarations for an enterprise, none for a partner", async () => {
    const a = await as(app, "enterprise", ENTERPRISE_A);
    const b = await as(app, "enterprise", ENTERPRISE_B);
    expect(
      (
        await a
          .post("/declarations")
          .set("Idempotency-Key", "fa")
          .send(directExportLodgement("949920260000000101", ENTERPRISE_A))
      ).status,
    ).toBe(201);
    expect(
      (
        await b
          .post("/declarations")
          .set("Idempotency-Key", "fb")
          .send(directExportLodgement("949920260000000102", ENTERPRISE_B))
      ).status,
    ).toBe(201);
    const mine = await a.get("/feed/ftz.direct-clearance.events");
    expect(mine.status).toBe(200);
    expect(mine.body.events.map((e: { subject: string }) => e.subject)).toEqual(["Declaration-949920260000000101"]);
    const customs = await (await as(app, "customs")).get("/feed/ftz.direct-clearance.events");
    expect(customs.body.events).toHaveLength(2);
    expect((await (await as(app, "partner")).get("/feed/ftz.direct-clearance.events")).status).toBe(403);
    expect((await (await as(app, "taskforce")).get("/feed/ftz.platform.events")).status).toBe(403);
  });

  it("tails a topic live as Server-Sent Events, resumable with Last-Event-ID", async () => {
    await plan("S-1");
    const server: Server = app.listen(0);
    await once(server, "listening");
    const port = (server.address() as AddressInfo).port;
    const token = await tokenFor("partner");
    /** Opens the stream and resolves with the first `n` events' ids and subjects. */
    const read = (n: number, lastEventId?: string, onOpen?: () => void, path = TASKS) =>
      new Promise<{ id: string; subject: string }[]>((resolve, reject) => {
        const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: "text/event-stream" };
        if (lastEventId) headers["Last-Event-ID"] = lastEventId;
        const req = get({ port, path, headers }, (res: IncomingMessage) => {
          expect(res.statusCode).toBe(200);
          expect(res.headers["content-type"]).toMatch(/^text\/event-stream/);
          onOpen?.();
          let buffer = "";
          const got: { id: string; subject: string }[] = [];
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => {
            buffer += chunk;
            let end = buffer.indexOf("\n\n");
            while (end >= 0) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const id = /^id: (.+)$/m.exec(block)?.[1];
              const data = /^data: (.+)$/m.exec(block)?.[1];
              if (id && data) got.push({ id, subject: JSON.parse(data).subject });
              if (got.length === n) {
                req.destroy();
                resolve(got);
                return;
              }
              end = buffer.indexOf("\n\n");
            }
          });
        });
        req.on("error", (err) => {
          if ((err as NodeJS.ErrnoException).code !== "ECONNRESET") reject(err);
        });
      });
    try {
      let planned: Promise<string> | undefined;
      const live = await read(2, undefined, () => {
        planned = plan("S-2");
      });
      const secondId = await planned!;
      expect(live[1]!.subject).toBe(`ReformTask-${secondId}`);
      // Resuming after the first event gives the second (and nothing before it).
      const resumed = await read(1, live[0]!.id);
      expect(resumed).toEqual([live[1]]);
      // An EventSource reconnecting to a URL with ?cursor= adds Last-Event-ID: the newer one wins.
      const start = (await (await as(app, "partner")).get(`${TASKS}?limit=1`)).body.events.length;
      expect(start).toBe(1);
      const reconnect = await read(1, live[0]!.id, undefined, `${TASKS}?cursor=${encodeFeedCursor(START)}`);
      expect(reconnect).toEqual([live[1]]);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it("the example partner consumer follows the feed over HTTP, validates each event and resumes from its cursor", async () => {
    const server: Server = app.listen(0);
    await once(server, "listening");
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const token = await tokenFor("partner");
    try {
      await plan("P-1");
      await plan("P-2");
      const got: FeedEvent[] = [];
      let cursor: string | undefined;
      const stop = new AbortController();
      const following = followFeed(
        {
          baseUrl,
          token,
          topic: "ftz.reform-tasks.events",
          waitSeconds: 1,
          onEvent: (e) => {
            got.push(e);
            if (got.length === 3) stop.abort();
          },
          onInvalid: (e, reasons) => {
            throw new Error(`${e.type} does not match the contract: ${reasons.join("; ")}`);
          },
          onCursor: (c) => {
            cursor = c;
          },
        },
        stop.signal,
      );
      const third = await plan("P-3");
      await following;
      expect(got.map((e) => e.type)).toEqual(["ftz.TaskPlanned", "ftz.TaskPlanned", "ftz.TaskPlanned"]);
      expect(got[2]!.subject).toBe(`ReformTask-${third}`);

      // A restart resumes from the saved cursor: only what came after.
      const fourth = await plan("P-4");
      const resumed: FeedEvent[] = [];
      const again = new AbortController();
      await followFeed(
        {
          baseUrl,
          token,
          topic: "ftz.reform-tasks.events",
          cursor,
          waitSeconds: 1,
          onEvent: (e) => {
            resumed.push(e);
            again.abort();
          },
        },
        again.signal,
      );
      expect(resumed.map((e) => e.subject)).toEqual([`ReformTask-${fourth}`]);
      expect(contractProblems({ ...resumed[0]!, data: { bogus: true } })).not.toEqual([]);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
