/**
 * A filing's automated check decides from the event store, not the negative-list read model:
 * with no read side at all (the projection never built, as on a separate worker that has not
 * run yet), an inbound report is still submitted and amended with the negative-list answer of the
 * edition in force. Before, both answered 503 not-ready.
 */
import type { Express } from "express";
import pino from "pino";
import { createApp } from "../../services/api/app";
import { PostgresEventStore } from "../../services/platform/event-store/postgres-event-store";
import { seedEditions } from "../../services/negative-list/edition-seed";
import { as, ENTERPRISE_A } from "../support/auth";
import { serverDatabase, type TestDatabase } from "../support/databases";
import { inboundReport } from "../support/filings";

describe("a filing's check reads the event store (PostgreSQL, no read side)", () => {
  let t: TestDatabase;
  let app: Express;
  beforeAll(async () => {
    t = await serverDatabase();
    const store = new PostgresEventStore(t.db);
    await seedEditions(store);
    app = createApp({ db: t.db, store, logger: pino({ level: "silent" }) });
  });
  afterAll(() => t.drop());

  it("submits and amends an inbound report with the answer of the edition in force, although no read model exists", async () => {
    const { rows } = await t.db.query<{ t: string | null }>("SELECT to_regclass('negative_list_editions')::text AS t");
    expect(rows[0]!.t).toBeNull();
    const ent = await as(app, "enterprise", ENTERPRISE_A);
    const filed = await ent
      .post("/filings")
      .set("Idempotency-Key", "check-1")
      .send({ enterprise: ENTERPRISE_A, details: inboundReport() });
    expect(filed.status).toBe(201);
    expect(filed.body.check.negativeList).toMatchObject({ editionId: "national-2024", outcome: "permitted" });
    const amended = await ent
      .post(`/filings/${filed.body.filingId}/amendments`)
      .set("If-Match", filed.headers.etag!)
      .send({ details: inboundReport({ industryCodes: ["8411"] }), reason: "行业调整" });
    expect({ status: amended.status, body: amended.status === 200 ? undefined : amended.body }).toEqual({
      status: 200,
    });
    expect(amended.body.check.negativeList.editionId).toBe("national-2024");
  });
});
