/**
 * Every error is an RFC 9457 problem: validation with JSON pointers, unsafe strings, malformed
 * JSON, bodies that are not UTF-8, media types, body size, unknown routes and query parameters,
 * path segments that do not percent-decode, headers. PostgreSQL server.
 */
import { randomUUID } from "node:crypto";
import type { Express } from "express";
import request from "supertest";
import { counterApp, eventCount, PROBLEM_JSON } from "../support/api-app";
import { serverDatabase, type TestDatabase } from "../support/databases";

const P = "https://ftz.example/problems/";

describe("HTTP errors as problem details", () => {
  let t: TestDatabase;
  let app: Express;
  beforeAll(async () => {
    t = await serverDatabase();
    ({ app } = counterApp(t));
  });
  afterAll(() => t.drop());

  const post = (body: string, type = "application/json") =>
    request(app).post("/counters").set("Content-Type", type).send(body);

  it("names each invalid field with a JSON pointer", async () => {
    const res = await request(app).post("/counters").send({ name: 42, colour: "red" }).expect(400);
    expect(res.headers["content-type"]).toMatch(PROBLEM_JSON);
    expect(res.body).toMatchObject({ type: `${P}validation-failed`, title: "Request validation failed", status: 400 });
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { pointer: "/body/name", detail: expect.any(String) },
        { pointer: "/body/colour", detail: "unknown field" },
      ]),
    );
    expect(res.body.requestId).toBe(res.headers["x-request-id"]);
  });

  it("refuses a missing body at /body", async () => {
    const res = await request(app).post("/counters").expect(400);
    expect(res.body.errors).toEqual([{ pointer: "/body", detail: expect.any(String) }]);
  });

  it('says "required" for a missing member, not "expected string, received undefined"', async () => {
    const res = await post("{}").expect(400);
    expect(res.body.errors).toEqual([{ pointer: "/body/name", detail: "required (string)" }]);
  });

  it.each([
    ["NUL", '{"name":"a\\u0000b"}', /NUL/],
    ["lone surrogate", '{"name":"a\\ud800b"}', /surrogate/],
  ])("refuses a string with a %s, naming the field, storing nothing", async (_what, body, reason) => {
    const before = await eventCount(t);
    const res = await post(body).expect(400);
    expect(res.headers["content-type"]).toMatch(PROBLEM_JSON);
    expect(res.body.errors).toEqual([{ pointer: "/body/name", detail: expect.stringMatching(reason) }]);
    expect(await eventCount(t)).toBe(before);
  });

  it("answers malformed JSON with 400", async () => {
    const res = await post('{"name": "x",').expect(400);
    expect(res.headers["content-type"]).toMatch(PROBLEM_JSON);
    expect(res.body).toMatchObject({ type: `${P}malformed-json`, status: 400 });
  });

  it("answers a non-JSON body with 415", async () => {
    const res = await post("name=x", "application/x-www-form-urlencoded").expect(415);
    expect(res.headers["content-type"]).toMatch(PROBLEM_JSON);
    expect(res.body).toMatchObject({ type: `${P}unsupported-media-type`, status: 415 });
    expect(res.headers["accept-post"]).toBe("application/json");
    await post('{"name":"x"}', "text/plain").expect(415);
  });

  it("accepts application/*+json", async () => {
    await post('{"name":"x"}', "application/merge-patch+json").expect(201);
  });

  it("answers an oversized body with 413", async () => {
    const res = await post(JSON.stringify({ name: "x".repeat(300 * 1024) })).expect(413);
    expect(res.headers["content-type"]).toMatch(PROBLEM_JSON);
    expect(res.body).toMatchObject({ type: `${P}payload-too-large`, status: 413, limitBytes: 256 * 1024 });
  });

  it("answers unknown routes with a 404 problem", async () => {
    const res = await request(app).get("/no/such/thing").expect(404);
    expect(res.headers["content-type"]).toMatch(PROBLEM_JSON);
    expect(res.body).toMatchObject({ type: `${P}not-found`, status: 404, instance: "/no/such/thing" });
    // A documented path with a method it does not serve: 405 naming what it does serve.
    const wrong = await request(app).delete("/counters").expect(405);
    expect(wrong.headers.allow).toBe("POST, OPTIONS");
    expect(wrong.body).toMatchObject({ type: `${P}method-not-allowed`, status: 405 });
  });

  it("validates path parameters", async () => {
    const res = await request(app).get("/counters/not-a-uuid").expect(400);
    expect(res.body.errors).toEqual([{ pointer: "/params/id", detail: expect.any(String) }]);
  });

  it("refuses a malformed Idempotency-Key", async () => {
    const res = await request(app).post("/counters").set("Idempotency-Key", "k".repeat(300)).send({ name: "x" });
    expect(res.status).toBe(400);
    expect(res.body.type).toBe(`${P}invalid-idempotency-key`);
  });

  it("honours a sane X-Request-Id and replaces an unsafe one", async () => {
    await request(app).get("/health").set("X-Request-Id", "abc-123").expect("X-Request-Id", "abc-123");
    const res = await request(app).get("/health").set("X-Request-Id", "bad id <script>");
    expect(res.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("refuses a body that is not UTF-8 with 400, storing nothing", async () => {
    const before = await eventCount(t);
    for (const bad of [[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80]]) {
      const bytes = Buffer.concat([Buffer.from('{"name":"a'), Buffer.from(bad), Buffer.from('b"}')]);
      const res = await request(app)
        .post("/counters")
        .set("Content-Type", "application/json")
        .serialize((b) => b)
        .send(bytes);
      expect(res.status).toBe(400);
      expect(res.headers["content-type"]).toMatch(PROBLEM_JSON);
      expect(res.body).toMatchObject({ type: `${P}invalid-utf8`, status: 400 });
    }
    expect(await eventCount(t)).toBe(before);
  });

  it.each(["%FF", "%ZZ", "%ED%A0%80", "%C0%AF"])(
    "answers the path segment %s (not percent-decodable) with 400, not 500",
    async (seg) => {
      const res = await request(app).get(`/counters/${seg}`);
      expect(res.status).toBe(400);
      expect(res.headers["content-type"]).toMatch(PROBLEM_JSON);
      expect(res.body).toMatchObject({ type: `${P}malformed-path`, status: 400 });
    },
  );

  it("refuses query parameters the operation does not declare, naming each, storing nothing", async () => {
    const health = await request(app).get("/health?verbose=1&x=").expect(400);
    expect(health.headers["content-type"]).toMatch(PROBLEM_JSON);
    expect(health.body.errors).toEqual([
      { pointer: "/query/verbose", detail: "unknown query parameter; this operation takes none" },
      { pointer: "/query/x", detail: "unknown query parameter; this operation takes none" },
    ]);
    const before = await eventCount(t);
    const command = await request(app).post("/counters?dryRun=true").send({ name: "x" }).expect(400);
    expect(command.body.errors).toEqual([{ pointer: "/query/dryRun", detail: expect.any(String) }]);
    expect(await eventCount(t)).toBe(before);
    await request(app).get("/no/such/thing?x=1").expect(404);
  });

  it("maps event-store refusals to problems (event too large → 413)", async () => {
    const { app: small } = counterApp(t, {
      store: new (await import("../../services/platform/event-store/postgres-event-store")).PostgresEventStore(t.db, {
        maxEventBytes: 64,
      }),
    });
    const res = await request(small)
      .post("/counters")
      .set("Idempotency-Key", randomUUID())
      .send({ name: "n".repeat(90) })
      .expect(413);
    expect(res.body).toMatchObject({ type: `${P}event-too-large`, limitBytes: 64 });
  });
});
