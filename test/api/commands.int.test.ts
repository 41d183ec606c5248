/**
 * Commands over HTTP on the PostgreSQL server: ETags and If-Match, Idempotency-Key replay,
 * payload mismatch, concurrent duplicates, 5xx release, lease takeover, domain refusals.
 */
import { randomUUID } from "node:crypto";
import type { Express } from "express";
import request from "supertest";
import { IdempotencyStore } from "../../services/api/http/idempotency";
import type { EventStore } from "../../services/platform/event-store/types";
import { counterApp, eventCount, PROBLEM_JSON } from "../support/api-app";
import { serverDatabase, type TestDatabase } from "../support/databases";

const P = "https://ftz.example/problems/";

describe("commands over HTTP (PostgreSQL server)", () => {
  let t: TestDatabase;
  let app: Express;
  beforeEach(async () => {
    t = await serverDatabase();
    ({ app } = counterApp(t));
  });
  afterEach(() => t.drop());

  const open = (key: string | undefined, body: unknown = { name: "gate 3" }) => {
    const r = request(app)
      .post("/counters")
      .send(body as object);
    return key ? r.set("Idempotency-Key", `"${key}"`) : r;
  };

  it("creates with 201, Location and ETag; GET returns the same ETag", async () => {
    const res = await open(randomUUID()).expect(201);
    expect(res.headers.etag).toBe('"0"');
    expect(res.headers.location).toBe(`/counters/${res.body.id}`);
    expect(res.body).toMatchObject({ name: "gate 3", status: "open", total: 0, version: 0 });
    const got = await request(app).get(res.headers.location!).expect(200);
    expect(got.headers.etag).toBe('"0"');
    expect(got.body).toEqual(res.body);
    await request(app).get(res.headers.location!).set("If-None-Match", '"0"').expect(304);
  });

  it("replays the stored response for the same key and payload, storing no second event", async () => {
    const key = randomUUID();
    const first = await open(key).expect(201);
    expect(first.headers["idempotent-replayed"]).toBeUndefined();
    const again = await open(key).expect(201);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.body).toEqual(first.body);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(again.headers.location).toBe(first.headers.location);
    expect(await eventCount(t)).toBe(1);
  });

  it("refuses the same key with a different payload (422)", async () => {
    const key = randomUUID();
    await open(key).expect(201);
    const res = await open(key, { name: "another" }).expect(422);
    expect(res.headers["content-type"]).toMatch(PROBLEM_JSON);
    expect(res.body).toMatchObject({ type: `${P}idempotency-key-reused`, status: 422 });
    expect(await eventCount(t)).toBe(1);
  });

  it("lets only one of two concurrent requests with the same key run", async () => {
    for (let round = 0; round < 5; round++) {
      const key = randomUUID();
      const [a, b] = await Promise.all([open(key), open(key)]);
      const outcomes = [a, b].map((r) =>
        r.status === 201 && r.headers["idempotent-replayed"] ? "replay" : String(r.status),
      );
      expect(outcomes.filter((o) => o === "201")).toHaveLength(1);
      expect(outcomes.filter((o) => o !== "201")[0]).toMatch(/^(409|replay)$/);
      const loser = [a, b].find((r) => r.status === 409);
      if (loser) {
        expect(loser.body.type).toBe(`${P}idempotency-key-in-progress`);
        expect(loser.headers["retry-after"]).toBe("1");
      }
    }
    expect(await eventCount(t)).toBe(5);
  });

  it("requires If-Match on updates (428), refuses a stale one (412) and applies a current one", async () => {
    const created = await open(randomUUID()).expect(201);
    const url = `${created.headers.location}/increments`;

    const missing = await request(app).post(url).send({ by: 2 }).expect(428);
    expect(missing.headers["content-type"]).toMatch(PROBLEM_JSON);
    expect(missing.body.type).toBe(`${P}precondition-required`);

    const ok = await request(app).post(url).set("If-Match", '"0"').send({ by: 2 }).expect(200);
    expect(ok.headers.etag).toBe('"1"');
    expect(ok.body).toMatchObject({ total: 2, version: 1 });

    const stale = await request(app).post(url).set("If-Match", '"0"').send({ by: 5 }).expect(412);
    expect(stale.headers["content-type"]).toMatch(PROBLEM_JSON);
    expect(stale.body).toMatchObject({ type: `${P}precondition-failed`, status: 412, actualVersion: 1 });
    expect(stale.headers.etag).toBe('"1"');
    expect(await eventCount(t)).toBe(2);
  });

  it("accepts an If-Match list naming the current version, and refuses one that does not (412)", async () => {
    const id = (await request(app).post("/counters").send({ name: "list" }).expect(201)).body.id;
    const url = `/counters/${id}/increments`;
    await request(app).post(url).set("If-Match", '"7", "0"').send({ by: 1 }).expect(200);
    const missed = await request(app).post(url).set("If-Match", '"0", "5"').send({ by: 1 }).expect(412);
    expect(missed.body).toMatchObject({ type: `${P}precondition-failed`, actualVersion: 1 });
  });

  it("answers 400 for a malformed If-Match and 412 for a weak one", async () => {
    const created = await open(randomUUID()).expect(201);
    const url = `${created.headers.location}/increments`;
    const bad = await request(app).post(url).set("If-Match", "0").send({ by: 1 }).expect(400);
    expect(bad.body.type).toBe(`${P}invalid-precondition`);
    const weak = await request(app).post(url).set("If-Match", 'W/"0"').send({ by: 1 }).expect(412);
    expect(weak.body.type).toBe(`${P}precondition-failed`);
    expect(await eventCount(t)).toBe(1);
  });

  it("refuses an illegal transition with 409 naming the current state", async () => {
    const created = await open(randomUUID()).expect(201);
    const id = created.body.id;
    await request(app).post(`/counters/${id}/close`).set("If-Match", '"0"').send({ reason: "done" }).expect(200);
    const res = await request(app)
      .post(`/counters/${id}/increments`)
      .set("If-Match", '"1"')
      .send({ by: 1 })
      .expect(409);
    expect(res.headers["content-type"]).toMatch(PROBLEM_JSON);
    expect(res.body).toMatchObject({
      type: `${P}illegal-transition`,
      status: 409,
      code: "illegal_transition",
      state: "closed",
      detail: "counter is closed",
    });
    expect(await eventCount(t)).toBe(2);
  });

  it("answers 404 for updates and reads of a counter that does not exist", async () => {
    const id = randomUUID();
    const upd = await request(app).post(`/counters/${id}/increments`).set("If-Match", '"0"').send({ by: 1 });
    expect(upd.status).toBe(404);
    expect(upd.body.type).toBe(`${P}not-found`);
    await request(app).get(`/counters/${id}`).expect(404);
  });

  it("puts the request id in the events' metadata as correlation id", async () => {
    await open(randomUUID()).set("X-Request-Id", "req-abc.123").expect(201).expect("X-Request-Id", "req-abc.123");
    const { rows } = await t.db.query<{ metadata: { correlationId: string } }>("SELECT metadata FROM events");
    expect(rows[0]!.metadata.correlationId).toBe("req-abc.123");
  });

  it("releases the key after a 5xx, without leaking internals, so the retry runs", async () => {
    const { store } = counterApp(t);
    let failures = 1;
    const flaky: EventStore = {
      ...store,
      readStream: store.readStream.bind(store),
      streamVersion: store.streamVersion.bind(store),
      readAll: store.readAll.bind(store),
      head: store.head.bind(store),
      append: (...args) => {
        if (failures-- > 0) return Promise.reject(new Error("connection reset by secret-host:5432"));
        return store.append(...args);
      },
    };
    ({ app } = counterApp(t, { store: flaky }));
    const key = randomUUID();
    const failed = await open(key).expect(500);
    expect(failed.headers["content-type"]).toMatch(PROBLEM_JSON);
    expect(failed.body.type).toBe(`${P}internal-error`);
    expect(JSON.stringify(failed.body)).not.toContain("secret-host");
    const { rows } = await t.db.query("SELECT 1 FROM idempotency_keys");
    expect(rows).toHaveLength(0);
    const retried = await open(key).expect(201);
    expect(retried.headers["idempotent-replayed"]).toBeUndefined();
    expect(await eventCount(t)).toBe(1);
  });

  it("stores 4xx answers: the same request with the same key gets the same refusal", async () => {
    const key = randomUUID();
    const first = await open(key, { name: "" }).expect(400);
    const again = await open(key, { name: "" }).expect(400);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.headers["content-type"]).toMatch(PROBLEM_JSON);
    expect(again.body).toEqual(first.body);
  });

  it("lets a retry take over a key whose first attempt died mid-request; event ids prevent a second append", async () => {
    const created = await open(randomUUID()).expect(201);
    const url = `${created.headers.location}/increments`;
    const key = randomUUID();
    const first = await request(app).post(url).set("If-Match", '"0"').set("Idempotency-Key", key).send({ by: 3 });
    expect(first.status).toBe(200);
    // As if the process had died after appending but before storing the response.
    await t.db.query(
      "UPDATE idempotency_keys SET status = 'in_progress', locked_at = now() - interval '5 minutes' WHERE idempotency_key = $1",
      [key],
    );
    const retried = await request(app).post(url).set("If-Match", '"0"').set("Idempotency-Key", key).send({ by: 3 });
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual(first.body);
    expect(await eventCount(t)).toBe(2);
  });

  it("answers a taken-over create with the original outcome, not a second counter or a refusal", async () => {
    const key = randomUUID();
    const first = await open(key).expect(201);
    await t.db.query(
      "UPDATE idempotency_keys SET status = 'in_progress', locked_at = now() - interval '5 minutes' WHERE idempotency_key = $1",
      [key],
    );
    const retried = await open(key).expect(201);
    expect(retried.body).toEqual(first.body);
    expect(retried.headers.location).toBe(first.headers.location);
    expect(await eventCount(t)).toBe(1);
  });

  it("frees expired keys and deletes them", async () => {
    const key = randomUUID();
    await open(key).expect(201);
    await t.db.query("UPDATE idempotency_keys SET created_at = now() - interval '25 hours'");
    await open(key, { name: "reused after expiry" }).expect(201);
    expect(await eventCount(t)).toBe(2);
    await t.db.query("UPDATE idempotency_keys SET created_at = now() - interval '25 hours'");
    const store = new IdempotencyStore(t.db);
    expect(await store.deleteExpired()).toBe(1);
    expect(await store.deleteExpired()).toBe(0);
  });
});
