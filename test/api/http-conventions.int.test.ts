/**
 * What HTTP clients expect of every answer, on the product app over real PostgreSQL: OPTIONS and
 * 405 with Allow, compression, validators and 304 on reads (read models included),
 * `Cache-Control: private, no-cache`, `Link: rel="next"` on paged lists, and CORS only for the
 * configured origins.
 */
import type { Express } from "express";
import pino from "pino";
import request from "supertest";
import { createApp } from "../../services/api/app";
import type { ReadSide } from "../../services/api/read-side";
import { as } from "../support/auth";
import { serverDatabase, type TestDatabase } from "../support/databases";
import { productApp } from "../support/product-app";
import { taskPlanBody } from "../support/reform-tasks";

describe("HTTP conventions (PostgreSQL)", () => {
  let t: TestDatabase;
  let app: Express;
  let cors: Express;
  let readSide: ReadSide;
  beforeAll(async () => {
    t = await serverDatabase();
    const product = await productApp(t);
    ({ app, readSide } = product);
    // A second app on the same store, configured with one allowed origin (its read side is the first's).
    cors = createApp({
      db: t.db,
      store: product.store,
      logger: pino({ level: "silent" }),
      corsOrigins: "https://console.example",
    });
    const tf = await as(app, "taskforce");
    for (const ref of ["H-1", "H-2", "H-3"]) {
      const res = await tf.post("/reform-tasks").set("Idempotency-Key", ref).send(taskPlanBody({ ref }));
      expect(res.status).toBe(201);
    }
    await readSide.caughtUp();
  });
  afterAll(async () => {
    await readSide.stop();
    await t.drop();
  });

  it("answers OPTIONS with every method of the path, and another method with 405 and Allow", async () => {
    const options = await request(app).options("/reform-tasks");
    expect(options.status).toBe(204);
    expect(options.headers.allow).toBe("GET, POST, HEAD, OPTIONS");
    const put = await request(app).put("/reform-tasks").send({});
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe("GET, POST, HEAD, OPTIONS");
    expect(put.headers["content-type"]).toContain("application/problem+json");
    // A static path is not taken for the template beside it.
    expect((await request(app).options("/reform-tasks/scoreboard")).headers.allow).toBe("GET, HEAD, OPTIONS");
  });

  it("matches paths as the routes do (case-insensitively), and counts OPTIONS and 405 against the rate limit", async () => {
    expect((await request(app).options("/Reform-Tasks")).headers.allow).toBe("GET, POST, HEAD, OPTIONS");
    expect((await request(app).delete("/REFORM-TASKS")).status).toBe(405);
    const tf = await as(app, "taskforce");
    const options = await tf.get("/reform-tasks?limit=1");
    expect(options.headers.ratelimit).toBeDefined();
    expect((await request(app).options("/reform-tasks")).headers["ratelimit-policy"]).toBeDefined();
  });

  it("tags files as well as JSON (the export), varies on the token, and settles a weak If-Match after the resource check", async () => {
    const tf = await as(app, "taskforce");
    const csv = await tf.get("/reform-tasks/export?year=2026");
    expect(csv.headers.etag).toMatch(/^W\/"/);
    expect(csv.headers.vary).toContain("Authorization");
    expect((await tf.get("/reform-tasks/export?year=2026").set("If-None-Match", csv.headers.etag!)).status).toBe(304);
    // A task that does not exist is 404 whatever If-Match says; an existing one gets 412 with its version.
    const missing = await tf
      .post("/reform-tasks/00000000-0000-4000-8000-00000000abcd/start")
      .set("If-Match", 'W/"0"')
      .send({});
    expect(missing.status).toBe(404);
    const list = await tf.get("/reform-tasks?year=2026&limit=1");
    const id = list.body.items[0].taskId;
    const weak = await tf.post(`/reform-tasks/${id}/start`).set("If-Match", 'W/"0"').send({});
    expect(weak.status).toBe(412);
    expect(weak.body.actualVersion).toBe(0);
  });

  it("compresses what the client accepts (gzip, br)", async () => {
    for (const encoding of ["gzip", "br"]) {
      const res = await request(app).get("/openapi.json").set("Accept-Encoding", encoding);
      expect(res.headers["content-encoding"]).toBe(encoding);
      expect(res.body.openapi).toBe("3.1.0");
    }
  });

  it("gives read-model answers a validator: asked again with If-None-Match, 304 until the content changes", async () => {
    const tf = await as(app, "taskforce");
    const first = await tf.get("/reform-tasks?year=2026&limit=2");
    expect(first.status).toBe(200);
    expect(first.headers["cache-control"]).toBe("private, no-cache");
    expect(first.headers.etag).toMatch(/^W\/"[A-Za-z0-9_-]{27}"$/);
    expect((await tf.get("/reform-tasks?year=2026&limit=2").set("If-None-Match", first.headers.etag!)).status).toBe(
      304,
    );
    // Paging without reading the body.
    const next = /^<([^>]+)>; rel="next"$/.exec(first.headers.link ?? "");
    expect(next).not.toBeNull();
    const page2 = await tf.get(next![1]!);
    expect(page2.body.items.map((i: { ref: string }) => i.ref)).toEqual(["H-3"]);
    expect(page2.headers.link).toBeUndefined();
    // A new task changes the list: the old tag no longer matches.
    await tf
      .post("/reform-tasks")
      .set("Idempotency-Key", "H-4")
      .send(taskPlanBody({ ref: "H-0" }));
    await readSide.caughtUp();
    const changed = await tf.get("/reform-tasks?year=2026&limit=2").set("If-None-Match", first.headers.etag!);
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(first.headers.etag);
  });

  it("sends CORS headers only to a configured origin, and answers its preflight", async () => {
    const preflight = await request(cors)
      .options("/reform-tasks")
      .set("Origin", "https://console.example")
      .set("Access-Control-Request-Method", "POST")
      .set("Access-Control-Request-Headers", "authorization, idempotency-key, content-type");
    expect(preflight.status).toBe(204);
    expect(preflight.headers["access-control-allow-origin"]).toBe("https://console.example");
    expect(preflight.headers["access-control-allow-headers"]).toContain("Idempotency-Key");
    const read = await request(cors).get("/health").set("Origin", "https://console.example");
    expect(read.headers["access-control-expose-headers"]).toContain("ETag");
    const stranger = await request(cors).get("/health").set("Origin", "https://elsewhere.example");
    expect(stranger.headers["access-control-allow-origin"]).toBeUndefined();
    // Without CORS_ORIGINS, no CORS at all.
    expect(
      (await request(app).get("/health").set("Origin", "https://console.example")).headers[
        "access-control-allow-origin"
      ],
    ).toBeUndefined();
  });
});
