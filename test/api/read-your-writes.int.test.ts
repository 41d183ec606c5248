/**
 * Read-your-writes with the consistency token, on the PostgreSQL server with the store-fed read
 * side (embedded mode): a command's answer carries `Consistency-Token`; a read-model query sent
 * with it answers once its read model has applied the command, or 503 `read-model-behind` when
 * the read model does not get there within `Prefer: wait`. The same over Kafka is in
 * test/e2e/reform-tasks.e2e.test.ts.
 */
import pino from "pino";
import { createApp } from "../../services/api/app";
import { startReadSide } from "../../services/api/read-side";
import { PostgresEventStore } from "../../services/platform/event-store/postgres-event-store";
import { as } from "../support/auth";
import { serverDatabase, type TestDatabase } from "../support/databases";
import { taskPlanBody } from "../support/reform-tasks";

const TOKEN = /^1\.\d+\.\d+$/;

describe("read-your-writes (consistency token)", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await serverDatabase();
  });
  afterEach(() => t.drop());

  const setup = () => {
    const store = new PostgresEventStore(t.db);
    const app = createApp({ db: t.db, store, logger: pino({ level: "silent" }) });
    return { store, app };
  };

  it("a read with the token waits for the read model; without a read side it answers 503 read-model-behind", async () => {
    const { store, app } = setup();
    // The read side has run once (its tables exist) and is stopped: the read model stays behind.
    const first = await startReadSide({ db: t.db, store, logger: pino({ level: "silent" }) });
    await first.caughtUp();
    await first.stop();

    const tf = await as(app, "taskforce");
    const planned = await tf
      .post("/reform-tasks")
      .set("Idempotency-Key", "ryw-1")
      .send(taskPlanBody({ ref: "RYW-1" }));
    expect(planned.status).toBe(201);
    const token = planned.headers["consistency-token"] as string;
    expect(token).toMatch(TOKEN);
    const [, from, to] = token.split(".").map(Number);
    const stored = await t.db.query<{ p: string }>("SELECT global_position::text AS p FROM events ORDER BY 1");
    expect(stored.rows.map((r) => Number(r.p))).toContain(from);
    expect(stored.rows.map((r) => Number(r.p))).toContain(to);

    // Without the token the list answers at once, without the task.
    const stale = await tf.get("/reform-tasks?q=RYW-1");
    expect(stale.status).toBe(200);
    expect(stale.body.items).toEqual([]);

    // With it, and no read side to catch up, the wait ends in 503.
    const behind = await tf.get("/reform-tasks?q=RYW-1").set("Consistency-Token", token).set("Prefer", "wait=0");
    expect(behind.status).toBe(503);
    expect(behind.headers["retry-after"]).toBe("1");
    expect(behind.body).toMatchObject({ readModel: "task_list" });
    expect(behind.body.eventsBehind).toBeUndefined();
    expect(behind.body.type).toMatch(/read-model-behind$/);

    // A read from the stream is consistent already and ignores the token.
    const own = await tf.get(`/reform-tasks/${planned.body.taskId}`).set("Consistency-Token", token);
    expect(own.status).toBe(200);

    // The read side starts while the read waits: the answer has the task.
    const waiting = tf.get("/reform-tasks?q=RYW-1").set("Consistency-Token", token).set("Prefer", "wait=30");
    const pending = waiting.then((r) => r);
    const readSide = await startReadSide({ db: t.db, store, logger: pino({ level: "silent" }) });
    try {
      const fresh = await pending;
      expect(fresh.status).toBe(200);
      expect(fresh.body.items.map((i: { ref: string }) => i.ref)).toEqual(["RYW-1"]);

      // The replay of the command carries the same token.
      const replay = await tf
        .post("/reform-tasks")
        .set("Idempotency-Key", "ryw-1")
        .send(taskPlanBody({ ref: "RYW-1" }));
      expect(replay.headers["idempotent-replayed"]).toBe("true");
      expect(replay.headers["consistency-token"]).toBe(token);

      // Each update's token is a read the list answers consistently, every time.
      const started = await tf.post(`/reform-tasks/${planned.body.taskId}/start`).set("If-Match", '"0"').send({});
      expect(started.status).toBe(200);
      for (let i = 1; i <= 5; i++) {
        const res = await tf
          .post(`/reform-tasks/${planned.body.taskId}/progress-reports`)
          .set("If-Match", `"${i}"`)
          .send({ percent: 10 * i, narrative: `step ${i}` });
        expect(res.status).toBe(200);
        const list = await tf
          .get("/reform-tasks?q=RYW-1")
          .set("Consistency-Token", res.headers["consistency-token"] as string);
        expect(list.status).toBe(200);
        expect(list.body.items[0]).toMatchObject({ version: i + 1, progress: { percent: 10 * i } });
      }
    } finally {
      await readSide.stop();
    }
  });

  it("refuses a malformed token with 400 naming the header; a refused command carries none", async () => {
    const { app } = setup();
    const tf = await as(app, "taskforce");
    for (const bad of ["abc", "1.5", "1.9.3", "2.1.2", "1.0.0", `1.1.${10 ** 5}`]) {
      const res = await tf.get("/reform-tasks").set("Consistency-Token", bad);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ pointer: "/headers/consistency-token" })]);
    }
    const refused = await tf
      .post("/reform-tasks")
      .set("Idempotency-Key", "ryw-bad")
      .send(taskPlanBody({ leadDepartment: "no-such-department" }));
    expect(refused.status).toBe(400);
    expect(refused.headers["consistency-token"]).toBeUndefined();
  });
});
