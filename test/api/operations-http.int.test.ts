/**
 * The admin operations over HTTP on the PostgreSQL server with the store-fed read side: status,
 * a rebuild recorded in the operator log with the admin as actor (and shown in its audit trail),
 * parked items; other roles are refused, unknown items are 404.
 */
import { randomUUID } from "node:crypto";
import { as } from "../support/auth";
import { serverDatabase, type TestDatabase } from "../support/databases";
import { productApp } from "../support/product-app";

describe("admin operations over HTTP", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await serverDatabase();
  });
  afterEach(() => t.drop());

  it("status, rebuild (audited), parked items; admins only", async () => {
    const { app, readSide, store } = await productApp(t);
    try {
      await store.append(
        "ReformTask-00000000-0000-4000-8000-00000000000a",
        [{ eventId: randomUUID(), type: "TaskPlanned", data: { bogus: true }, occurredAt: new Date() }],
        "no_stream",
      );
      await readSide.caughtUp();
      const admin = await as(app, "admin");
      const status = await admin.get("/operations/status");
      expect(status.status).toBe(200);
      expect(status.headers["cache-control"]).toBe("no-store");
      expect(status.body).toMatchObject({ healthy: false, kafka: "not configured" });
      expect(status.body.attention).toEqual([expect.stringMatching(/^task_list: 1 parked events/)]);
      expect((await (await as(app, "analyst")).get("/operations/status")).status).toBe(403);

      const parked = await admin.get("/operations/parked");
      expect(parked.body.items).toEqual([
        expect.objectContaining({ kind: "event", projection: "task_list", type: "TaskPlanned" }),
      ]);
      const id = parked.body.items[0].id as string;
      const detail = await admin.get(`/operations/parked/${id}`);
      expect(detail.body.event).toMatchObject({ data: { bogus: true } });

      // Still broken: the retry rebuilds and it stays parked.
      const retry = await admin.post(`/operations/parked/${id}/retry`).set("Idempotency-Key", "retry-1").send();
      expect(retry.status).toBe(200);
      expect(retry.body).toMatchObject({ projection: "task_list", eventsBefore: 1, eventsApplied: 0, stillParked: 1 });

      const skip = await admin
        .post(`/operations/parked/${id}/skip`)
        .set("Idempotency-Key", "skip-1")
        .send({ reason: "a test event with no definition" });
      expect(skip.status).toBe(200);
      expect((await admin.get("/operations/parked")).body.items).toEqual([]);
      expect((await admin.get(`/operations/parked/${id}`)).status).toBe(404);

      const rebuilt = await admin
        .post("/operations/projections/clearance_times/rebuild")
        .set("Idempotency-Key", "rebuild-1")
        .send();
      expect(rebuilt.status).toBe(200);
      expect(rebuilt.body).toMatchObject({ projection: "clearance_times", events: expect.any(Number) });
      expect((await admin.post("/operations/projections/nope/rebuild").send()).status).toBe(400);

      const audit = await admin.get("/audit/streams/Operations-log");
      expect(audit.status).toBe(200);
      expect(audit.body.events.map((e: { type: string }) => e.type)).toEqual([
        "ParkedRetried",
        "ParkedSkipped",
        "ProjectionRebuilt",
      ]);
      expect(audit.body.events[1].actor).toMatchObject({ role: "admin" });
      expect(audit.body.events[1].data).toMatchObject({ reason: "a test event with no definition" });
      expect((await (await as(app, "taskforce")).get("/audit/streams/Operations-log")).status).toBe(404);
    } finally {
      await readSide.stop();
    }
  });
});
