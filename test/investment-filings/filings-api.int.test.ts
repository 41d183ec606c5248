/**
 * Filings and negative-list editions over HTTP on real PostgreSQL (read models fed from the
 * store): bad input names the field and stores nothing (filings and editions); the automated check at submission; the
 * bureau's queue; a check for a date keeps its answer after a new edition is published.
 */
import type { Express } from "express";
import type { ReadSide } from "../../services/api/read-side";
import { applicationOpenApiDocument } from "../../services/api/route-modules";
import { seedEditions } from "../../services/negative-list/edition-seed";
import { shippedEditions } from "../../services/negative-list/shipped-editions";
import { chinaToday } from "../../services/platform/china-date";
import { eventCount, PROBLEM_JSON } from "../support/api-app";
import { type AuthedClient, as, ENTERPRISE_A, ENTERPRISE_B } from "../support/auth";
import { serverDatabase, type TestDatabase } from "../support/databases";
import { inboundReport } from "../support/filings";
import { productApp } from "../support/product-app";

describe("filings API (PostgreSQL)", () => {
  let t: TestDatabase;
  let app: Express;
  let readSide: ReadSide;
  let admin: AuthedClient;
  const enterpriseOf: Record<string, AuthedClient> = {};
  beforeEach(async () => {
    t = await serverDatabase();
    const product = await productApp(t);
    ({ app, readSide } = product);
    await seedEditions(product.store);
    admin = await as(app, "admin");
    for (const uscc of [ENTERPRISE_A, ENTERPRISE_B]) enterpriseOf[uscc] = await as(app, "enterprise", uscc);
    await readSide.caughtUp();
  });
  afterEach(async () => {
    await readSide.stop();
    await t.drop();
  });

  const submit = (enterprise: string, details: unknown, key = `k-${Math.random()}`) =>
    (enterpriseOf[enterprise] ?? enterpriseOf[ENTERPRISE_A]!)
      .post("/filings")
      .set("Idempotency-Key", key)
      .send({ enterprise, details });

  it.each([
    ["equity above 100", inboundReport({ foreignSharePercent: 100.5 }), "/body/details/foreignSharePercent"],
    ["equity below 0", inboundReport({ foreignSharePercent: -1 }), "/body/details/foreignSharePercent"],
    ["an unknown industry code", inboundReport({ industryCodes: ["17x1"] }), "/body/details/industryCodes/0"],
    ["an invalid country", inboundReport({ investorCountries: ["XX"] }), "/body/details/investorCountries/0"],
    [
      "an invalid currency",
      inboundReport({ investment: { value: 1, currency: "EURO", usd: 1 } }),
      "/body/details/investment/currency",
    ],
    [
      "a negative amount",
      inboundReport({ investment: { value: -5, currency: "EUR", usd: 1 } }),
      "/body/details/investment/value",
    ],
    [
      "a largest investor above all foreign investors",
      inboundReport({ largestForeignInvestorPercent: 70 }),
      "/body/details/largestForeignInvestorPercent",
    ],
  ])("refuses %s with a problem naming the field, and stores nothing", async (_what, details, pointer) => {
    const before = await eventCount(t);
    const res = await submit("91350200776049653A", details);
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toMatch(PROBLEM_JSON);
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    expect(await eventCount(t)).toBe(before);
  });

  it("refuses a body nested too deeply with 400, not a stack overflow", async () => {
    let deep = "1";
    for (let i = 0; i < 100_000; i++) deep = `[${deep}]`;
    const res = await enterpriseOf[ENTERPRISE_A]!.post("/filings")
      .set({ "Content-Type": "application/json", "Idempotency-Key": "deep" })
      .send(`{"enterprise":${deep}}`);
    expect(res.status).toBe(400);
    expect(res.body.type).toContain("nested-too-deeply");
  });

  it("refuses a credit code with a wrong check character, naming the expected one", async () => {
    const res = await submit("91350200776049653B", inboundReport());
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ pointer: "/body/enterprise", detail: expect.stringContaining("expected A") }]);
  });

  it("records the automated check at submission and serves the queue with due dates", async () => {
    const prohibited = await submit(
      "91350200776049653A",
      inboundReport({ industryCodes: ["5128"], foreignSharePercent: 10, largestForeignInvestorPercent: 10 }),
    );
    expect(prohibited.status).toBe(201);
    // Measure 7's text was not read in a copy of the 2024 edition: the bureau is asked to confirm, not told to reject.
    expect(prohibited.body.check).toMatchObject({
      recommendation: "refer_for_approval",
      negativeList: {
        outcome: "prohibited",
        editionId: "national-2024",
        measures: [7],
        confidence: "unverified",
        unverifiedMeasures: [7],
      },
      dueWorkingDays: 3,
    });
    const news = await submit(
      "91350200776049653A",
      inboundReport({ industryCodes: ["8610"], foreignSharePercent: 10, largestForeignInvestorPercent: 10 }),
    );
    expect(news.body.check).toMatchObject({
      recommendation: "reject",
      negativeList: { outcome: "prohibited", measures: [23], confidence: "verified", unverifiedMeasures: [] },
    });
    const seeds = await submit(
      "91350200776049653A",
      inboundReport({ industryCodes: ["0511"], foreignSharePercent: 66, largestForeignInvestorPercent: 66 }),
    );
    expect(seeds.body.check).toMatchObject({
      recommendation: "refer_for_approval",
      negativeList: { outcome: "indeterminate", measures: [1, 2, 3] },
    });
    expect(seeds.body.check.reasons.join("\n")).toContain("state them in details.activities");
    const unknownActivity = await submit(
      "91350200776049653A",
      inboundReport({ industryCodes: ["0511"], activities: ["tobacco-wholesale"] }),
    );
    expect(unknownActivity.status).toBe(400);
    expect(unknownActivity.body.errors).toEqual([
      { pointer: "/body/details/activities", detail: expect.stringContaining("falls in 5128") },
    ]);
    const ftz = await submit(
      "91350213678251743X",
      inboundReport({
        industryCodes: ["7249"],
        activities: ["social-survey"],
        insideFtz: true,
        foreignSharePercent: 33,
        largestForeignInvestorPercent: 33,
        legalRepresentativeNationality: "CN",
      }),
    );
    expect(ftz.body.check).toMatchObject({
      recommendation: "accept",
      negativeList: { outcome: "permitted", editionId: "ftz-2021" },
    });
    const history = await t.db.query<{ type: string }>(
      "SELECT type FROM events WHERE stream_id = $1 ORDER BY stream_version",
      [`Filing-${prohibited.body.filingId}`],
    );
    expect(history.rows.map((r) => r.type)).toEqual(["FilingSubmitted", "AutomatedCheckRecorded"]);

    const rejected = await admin
      .post(`/filings/${prohibited.body.filingId}/rejection`)
      .set("If-Match", '"1"')
      .send({ reasons: ["tobacco wholesale is prohibited (national-2024 measure 7)"] });
    expect(rejected.body.status).toBe("rejected");
    for (const other of [news, seeds]) {
      const withdrawn = await enterpriseOf[ENTERPRISE_A]!.post(`/filings/${other.body.filingId}/withdrawal`)
        .set("If-Match", '"1"')
        .send({ reason: "test filing" });
      expect(withdrawn.status).toBe(200);
    }
    await readSide.caughtUp();
    const queue = await admin.get("/filings/queue?asOf=2099-01-01");
    expect(queue.body.items).toEqual([
      expect.objectContaining({ filingId: ftz.body.filingId, overdue: true, dueDate: ftz.body.check.dueDate }),
    ]);
    const own = await enterpriseOf[ENTERPRISE_B]!.get("/filings?enterprise=91350213678251743X");
    expect(own.body.items.map((f: { filingId: string }) => f.filingId)).toEqual([ftz.body.filingId]);
    expect((await enterpriseOf[ENTERPRISE_B]!.get("/filings")).body).toEqual(own.body);
    expect((await enterpriseOf[ENTERPRISE_B]!.get(`/filings?enterprise=${ENTERPRISE_A}`)).status).toBe(404);
    expect((await admin.get("/filings")).status).toBe(400);
    const stats = await admin.get("/filings/statistics?groupBy=kind,industry");
    expect(stats.body.groups).toEqual([
      { group: { kind: "inbound_report", industry: "05" }, total: 1, byStatus: { withdrawn: 1 } },
      { group: { kind: "inbound_report", industry: "51" }, total: 1, byStatus: { rejected: 1 } },
      { group: { kind: "inbound_report", industry: "72" }, total: 1, byStatus: { submitted: 1 } },
      { group: { kind: "inbound_report", industry: "86" }, total: 1, byStatus: { withdrawn: 1 } },
    ]);
  });

  it("refuses an edition with an unknown member or an unsafe or unbounded text, naming it; its documented example publishes", async () => {
    const doc = applicationOpenApiDocument() as { components?: { schemas?: Record<string, { example?: unknown }> } };
    const example = doc.components?.schemas?.NegativeListEditionPublication?.example as {
      measures: { text: string; clauses: { conditions: Record<string, unknown>[] }[] }[];
    };
    const changed = (change: (e: typeof example) => void) => {
      const copy = structuredClone(example);
      change(copy);
      return copy;
    };
    const cases: [string, unknown, string][] = [
      ["an unknown member", { ...example, colour: "red" }, "/body/colour"],
      [
        "an unknown member of a condition",
        changed((e) => {
          e.measures[0]!.clauses[0]!.conditions[0]!.extra = 1;
        }),
        "/body/measures/0/clauses/0/conditions/0/extra",
      ],
      [
        "a measure text of 5,000 characters",
        changed((e) => {
          e.measures[0]!.text = "x".repeat(5000);
        }),
        "/body/measures/0/text",
      ],
      [
        "a NUL in a measure text",
        changed((e) => {
          e.measures[1]!.text = "a\u0000b";
        }),
        "/body/measures/1/text",
      ],
    ];
    const before = await eventCount(t);
    for (const [i, [what, body, pointer]] of cases.entries()) {
      const res = await admin
        .post("/negative-list/editions")
        .set("Idempotency-Key", `bad-${i}`)
        .send(body as object);
      expect({ what, status: res.status }).toEqual({ what, status: 400 });
      expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual([pointer]);
    }
    expect(await eventCount(t)).toBe(before);
    const published = await admin.post("/negative-list/editions").set("Idempotency-Key", "example").send(example);
    expect(published.status).toBe(201);
  });

  it("answers a check for a date the same after a newer edition is published, and names the edition", async () => {
    const ask = (date: string) =>
      admin.get(
        `/negative-list/check?industry=4414&foreignShare=55&largestForeignInvestor=30&legalRepresentative=CN&insideFtz=false&date=${date}`,
      );
    const today = chinaToday();
    const before = await ask(today);
    expect(before.body).toMatchObject({
      outcome: "restricted",
      edition: { editionId: "national-2024" },
      provisional: false,
    });

    // A new national edition that drops the nuclear measure, in force from a future date.
    const national = shippedEditions().find((e) => e.editionId === "national-2024")!;
    const future = "2099-01-01";
    const next = {
      ...national,
      editionId: "national-2098",
      title: "test edition",
      inForceFrom: future,
      supersedes: "national-2024",
      measures: national.measures.filter((m) => m.number !== 6),
      measureCount: national.measures.length - 1,
    };
    const backdated = await admin
      .post("/negative-list/editions")
      .set("Idempotency-Key", "ed-0")
      .send({ ...next, inForceFrom: today });
    expect(backdated.status).toBe(422);
    expect(backdated.body.code).toBe("edition_backdated");
    const published = await admin.post("/negative-list/editions").set("Idempotency-Key", "ed-1").send(next);
    expect(published.status).toBe(201);
    await readSide.caughtUp();

    const after = await ask(today);
    expect(after.body.outcome).toBe(before.body.outcome);
    expect(after.body.edition).toEqual(before.body.edition);
    const later = await ask(future);
    expect(later.body).toMatchObject({
      outcome: "permitted",
      edition: { editionId: "national-2098" },
      provisional: true,
    });
    const editions = await admin.get("/negative-list/editions");
    expect(editions.body.editions.find((e: { editionId: string }) => e.editionId === "national-2024")).toMatchObject({
      supersededBy: "national-2098",
      supersededFrom: future,
    });
    expect((await ask("2024-10-31")).body.edition.editionId).toBe("national-2021");
    const none = await ask("2021-12-31");
    expect(none.status).toBe(422);
    expect(none.body.code).toBeUndefined();
    expect(none.body.type).toContain("no-edition-in-force");
    expect(
      (
        await admin.get(
          "/negative-list/check?industry=4414&foreignShare=101&largestForeignInvestor=1&legalRepresentative=CN&insideFtz=false",
        )
      ).status,
    ).toBe(400);
  });
});
