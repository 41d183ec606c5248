/** The basic command flow on PGlite (the embedded default): create, replay, update, stale update, read, ready. */
import { randomUUID } from "node:crypto";
import request from "supertest";
import { counterApp, eventCount } from "../support/api-app";
import { pgliteDatabase, type TestDatabase } from "../support/databases";

describe("API on PGlite", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await pgliteDatabase();
  });
  afterAll(() => t.drop());

  it("creates, replays, updates with If-Match and reads back", async () => {
    const { app } = counterApp(t);
    const key = randomUUID();
    const created = await request(app).post("/counters").set("Idempotency-Key", key).send({ name: "pier" }).expect(201);
    const replay = await request(app).post("/counters").set("Idempotency-Key", key).send({ name: "pier" }).expect(201);
    expect(replay.headers["idempotent-replayed"]).toBe("true");
    expect(replay.body).toEqual(created.body);
    await request(app).post("/counters").set("Idempotency-Key", key).send({ name: "other" }).expect(422);

    const url = created.headers.location!;
    await request(app).post(`${url}/increments`).send({ by: 1 }).expect(428);
    await request(app)
      .post(`${url}/increments`)
      .set("If-Match", '"0"')
      .send({ by: 4 })
      .expect(200)
      .expect("ETag", '"1"');
    await request(app).post(`${url}/increments`).set("If-Match", '"0"').send({ by: 4 }).expect(412);
    const got = await request(app).get(url).expect(200).expect("ETag", '"1"');
    expect(got.body).toMatchObject({ total: 4, status: "open", version: 1 });
    expect(await eventCount(t)).toBe(2);
    await request(app).get("/ready").expect(200);
  });
});
