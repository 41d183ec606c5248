/**
 * The direct-clearance HTTP API on real PostgreSQL (read models fed from the store): bad input
 * gets a problem naming the field and leaves no event; lodgement, milestones (out of order,
 * duplicates), amendment and withdrawal with If-Match; the figures endpoints.
 */
import type { Express } from "express";
import type { ReadSide } from "../../services/api/read-side";
import { generateDeclarations } from "../../services/direct-clearance/sample-declarations";
import { eventCount, PROBLEM_JSON } from "../support/api-app";
import { type AuthedClient, as, ENTERPRISE_B } from "../support/auth";
import { serverDatabase, type TestDatabase } from "../support/databases";
import { productApp } from "../support/product-app";

const body = (over: Record<string, unknown> = {}, line: Record<string, unknown> = {}) => ({
  declarationNumber: "949920260000000101",
  enterprise: "91350200776049653A",
  direction: "export",
  clearanceModel: "direct",
  declaringOffice: "9499",
  port: "horgos",
  transportMode: "road",
  goods: [
    {
      lineNo: 1,
      hsCode: "0808302000",
      description: "库尔勒香梨 fragrant pears",
      quantity: 18000,
      unit: "KGM",
      value: 27000.5,
      currency: "USD",
      country: "KZ",
      ...line,
    },
  ],
  lodgedAt: "2026-09-10T09:00:00+08:00",
  ...over,
});

describe("direct-clearance API (PostgreSQL)", () => {
  let t: TestDatabase;
  let app: Express;
  let readSide: ReadSide;
  let enterprise: AuthedClient;
  let customs: AuthedClient;
  let analyst: AuthedClient;
  beforeEach(async () => {
    t = await serverDatabase();
    ({ app, readSide } = await productApp(t));
    [enterprise, customs, analyst] = await Promise.all([as(app, "enterprise"), as(app, "customs"), as(app, "analyst")]);
  });
  afterEach(async () => {
    await readSide.stop();
    await t.drop();
  });

  const lodge = (b: unknown, key = `k-${Math.random()}`) =>
    enterprise
      .post("/declarations")
      .set("Idempotency-Key", key)
      .send(b as object);
  const milestone = (n: string, m: unknown, headers: Record<string, string> = {}) =>
    customs
      .post(`/declarations/${n}/milestones`)
      .set(headers)
      .send(m as object);

  it.each([
    ["a wrong check character", body({ enterprise: "91350200776049653B" }), "/body/enterprise", "expected A"],
    ["a 9-digit HS code", body({}, { hsCode: "080830200" }), "/body/goods/0/hsCode", "must be 10 digits"],
    ["a negative value", body({}, { value: -5 }), "/body/goods/0/value", ""],
    ["an unknown currency", body({}, { currency: "XYZ" }), "/body/goods/0/currency", "ISO 4217"],
    ["an unknown country", body({}, { country: "XX" }), "/body/goods/0/country", "ISO 3166"],
    ["a 17-digit number", body({ declarationNumber: "94992026000000010" }), "/body/declarationNumber", "18 digits"],
    ["an unknown port", body({ port: "tianjin" }), "/body/port", 'unknown port "tianjin"'],
    ["an inland site as port", body({ port: "korla" }), "/body/port", "inland site"],
    ["an unknown office", body({ declaringOffice: "1234" }), "/body/declaringOffice", "unknown customs office"],
    [
      "a number for another office",
      body({ declarationNumber: "940320260000000101" }),
      "/body/declarationNumber",
      "9403",
    ],
    ["a time without offset", body({ lodgedAt: "2026-09-10T09:00:00" }), "/body/lodgedAt", ""],
  ])("refuses %s with a problem naming the field, and stores nothing", async (_what, b, pointer, detail) => {
    const res = await lodge(b);
    expect([400, 422]).toContain(res.status);
    expect(res.headers["content-type"]).toMatch(PROBLEM_JSON);
    const named = res.body.errors?.map((e: { pointer: string }) => e.pointer) ?? [`/body/${res.body.field}`];
    expect(named).toContain(pointer);
    const text = [res.body.detail, ...(res.body.errors ?? []).map((e: { detail: string }) => e.detail)].join(" | ");
    expect(text).toContain(detail);
    expect(await eventCount(t)).toBe(0);
  });

  it("refuses a release before lodgement (422 at /at) and before acceptance (409), storing nothing", async () => {
    const res = await lodge(body());
    expect(res.status).toBe(201);
    const n = res.body.declarationNumber as string;
    const before = await eventCount(t);
    const early = await milestone(n, { type: "released", at: "2026-09-10T08:00:00+08:00" });
    expect(early.status).toBe(422);
    expect(early.body).toMatchObject({ code: "stage_before_lodgement", field: "at" });
    const noAcceptance = await milestone(n, { type: "released", at: "2026-09-11T08:00:00+08:00" });
    expect(noAcceptance.status).toBe(409);
    expect(noAcceptance.body).toMatchObject({ code: "release_before_acceptance", state: "lodged" });
    const badType = await milestone(n, { type: "teleported", at: "2026-09-11T08:00:00+08:00" });
    expect(badType.status).toBe(400);
    expect(await eventCount(t)).toBe(before);
  });

  it("records milestones posted out of order and twice, then shows the figures", async () => {
    const n = (await lodge(body())).body.declarationNumber as string;
    const posts: [unknown, number][] = [
      [{ type: "risk_assessed", at: "2026-09-10T09:40:00+08:00", channel: "physical" }, 201],
      [{ type: "accepted", at: "2026-09-10T09:20:00+08:00" }, 201],
      [{ type: "accepted", at: "2026-09-10T01:20:00Z" }, 200], // the same instant again: no new event
      [{ type: "inspection_completed", at: "2026-09-10T13:00:00+08:00", place: "local", result: "conforming" }, 201],
      [{ type: "inspection_recognised", at: "2026-09-11T07:00:00+08:00", port: "horgos" }, 201],
      [{ type: "inspection_completed", at: "2026-09-11T08:00:00+08:00", place: "port", result: "conforming" }, 409],
      [{ type: "released", at: "2026-09-11T07:30:00+08:00" }, 201],
      [{ type: "goods_exited", at: "2026-09-11T09:00:00+08:00" }, 201],
    ];
    for (const [m, status] of posts) {
      const res = await milestone(n, m);
      expect({ m, status: res.status }).toEqual({ m, status });
    }
    const decl = await enterprise.get(`/declarations/${n}`);
    expect(decl.body.status).toBe("exited");
    expect(decl.headers.etag).toBe('"6"');
    expect(decl.body.timeline.map((e: { type: string }) => e.type)).toEqual([
      "DeclarationAccepted",
      "RiskAssessed",
      "InspectionCompleted",
      "InspectionRecognised",
      "DeclarationReleased",
      "GoodsExited",
    ]);
    // If-Match on a milestone is honoured when sent.
    const stale = await milestone(
      n,
      { type: "held", at: "2026-09-10T10:00:00+08:00", reason: "x" },
      { "If-Match": '"1"' },
    );
    expect(stale.status).toBe(412);

    await readSide.caughtUp();
    const times = await analyst.get(`/clearance-times/declarations/${n}`);
    expect(times.body.stages.total).toEqual({ hours: 22.5, minutes: 1350, label: "22 h 30 min" });
    expect(times.body.stages.inspection_to_recognition.label).toBe("18 h 00 min");
    // The enterprise reads its own declaration's stage times; another enterprise gets 404.
    expect((await enterprise.get(`/clearance-times/declarations/${n}`)).body).toEqual(times.body);
    const other = await (await as(app, "enterprise", ENTERPRISE_B)).get(`/clearance-times/declarations/${n}`);
    expect(other.status).toBe(404);
    const list = await enterprise.get("/declarations?enterprise=91350200776049653A");
    expect(list.body.items).toEqual([expect.objectContaining({ declarationNumber: n, status: "exited" })]);
    // An enterprise token lists its own without repeating its code; others must name one.
    expect((await enterprise.get("/declarations")).body).toEqual(list.body);
    const unnamed = await analyst.get("/declarations");
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.errors[0]).toMatchObject({
      pointer: "/query/enterprise",
      detail: expect.stringMatching(/^required/),
    });
    const figures = await analyst.get("/clearance-times?groupBy=port,clearanceModel&from=2026-09-01&to=2026-09-30");
    expect(figures.status).toBe(200);
    expect(figures.body.unit).toBe("hours");
    // Stages in process order (the total first), not alphabetical.
    expect(Object.keys(figures.body.groups[0].stages)).toEqual([
      "total",
      "lodgement_to_acceptance",
      "acceptance_to_risk_assessment",
      "risk_assessment_to_inspection",
      "inspection_to_recognition",
      "last_control_to_release",
      "release_to_exit_or_arrival",
    ]);
    expect(figures.body.groups[0]).toMatchObject({
      group: { port: "horgos", clearanceModel: "direct" },
      declarations: 1,
      stages: { total: { count: 1, median: { label: "22 h 30 min" } } },
    });
    // The figures' box-plot numbers, and the release curve: one declaration released 22 h 30 min after lodgement.
    expect(Object.keys(figures.body.groups[0].stages.total)).toEqual([
      "count",
      "mean",
      "min",
      "p25",
      "median",
      "p75",
      "p90",
      "p95",
      "max",
    ]);
    const filter = "port=horgos&clearanceModel=direct&from=2026-09-01&to=2026-09-30";
    const curve = await analyst.get(`/clearance-times/release-curve?${filter}&maxHours=24`);
    expect(curve.status).toBe(200);
    expect(curve.body).toMatchObject({ unit: "hours", released: 1, beyond: 0 });
    expect(curve.body.points).toHaveLength(24);
    expect(curve.body.points.slice(21, 23)).toEqual([
      { hours: 22, releasedWithin: 0, sharePercent: 0 },
      { hours: 23, releasedWithin: 1, sharePercent: 100 },
    ]);
    expect((await analyst.get(`/clearance-times/release-curve?${filter}`)).body.points).toHaveLength(72);
    for (const bad of ["maxHours=0", "maxHours=721", "maxHours=1.5"]) {
      const res = await analyst.get(`/clearance-times/release-curve?${bad}`);
      expect({ bad, status: res.status, pointer: res.body.errors?.[0]?.pointer }).toEqual({
        bad,
        status: 400,
        pointer: "/query/maxHours",
      });
    }
    // One curve per call: no grouping; an unknown port is a 400 as on the figures.
    expect((await analyst.get("/clearance-times/release-curve?groupBy=port")).status).toBe(400);
    expect((await analyst.get("/clearance-times/release-curve?port=nosuch")).body.errors[0].pointer).toBe(
      "/query/port",
    );
    // An aggregate over every enterprise's declarations: not for an enterprise token.
    expect((await enterprise.get("/clearance-times/release-curve")).status).toBe(403);
    expect((await analyst.get("/clearance-times?groupBy=colour")).status).toBe(400);
    // A port the reference data does not have is a mistake, not an empty figure.
    const nosuch = await analyst.get("/clearance-times?port=nosuch");
    expect(nosuch.status).toBe(400);
    expect(nosuch.body.errors[0].pointer).toBe("/query/port");
    expect((await analyst.get("/clearance-times/outliers?port=nosuch")).status).toBe(400);
    expect((await analyst.get("/clearance-times?from=2026-10-01&to=2026-09-01")).status).toBe(400);
  });

  it("amends and withdraws with If-Match before release; not after", async () => {
    const n = (await lodge(body())).body.declarationNumber as string;
    const url = `/declarations/${n}`;
    const noMatch = await enterprise.post(`${url}/amendments`).send({ changes: { port: "alashankou" }, reason: "r" });
    expect(noMatch.status).toBe(428);
    const amended = await enterprise
      .post(`${url}/amendments`)
      .set("If-Match", '"0"')
      .send({ changes: { port: "alashankou" }, reason: "route changed" });
    expect(amended.status).toBe(200);
    expect(amended.body).toMatchObject({ port: "alashankou", amendments: 1, version: 1 });
    const badPort = await enterprise
      .post(`${url}/amendments`)
      .set("If-Match", '"1"')
      .send({ changes: { port: "korla" }, reason: "x" });
    expect(badPort.status).toBe(400);
    expect(badPort.body.errors[0].pointer).toBe("/body/changes/port");
    const withdrawn = await enterprise.post(`${url}/withdrawal`).set("If-Match", '"1"').send({ reason: "cancelled" });
    expect(withdrawn.body.status).toBe("withdrawn");
    const after = await enterprise.post(`${url}/withdrawal`).set("If-Match", '"2"').send({ reason: "again" });
    expect(after.status).toBe(409);
    expect(after.body.state).toBe("withdrawn");
    expect((await enterprise.get("/declarations/123")).status).toBe(400);
    expect((await enterprise.get("/declarations/949920260000009999")).status).toBe(404);
  });
});

describe("sample declaration generator", () => {
  it("is deterministic for a seed and produces valid, varied declarations", () => {
    const now = new Date("2026-11-30T00:00:00Z");
    const a = generateDeclarations({ seed: 7, count: 60, now });
    expect(generateDeclarations({ seed: 7, count: 60, now })).toEqual(a);
    expect(generateDeclarations({ seed: 8, count: 60, now })).not.toEqual(a);
    const numbers = new Set(a.map((d) => d.lodgement.declarationNumber));
    expect(numbers.size).toBe(60);
    expect(new Set(a.map((d) => d.lodgement.port))).toEqual(new Set(["horgos", "alashankou"]));
    expect(new Set(a.map((d) => d.lodgement.clearanceModel))).toEqual(new Set(["direct", "conventional"]));
    // Some deliveries are out of business-time order, and some are duplicates.
    const outOfOrder = a.some((d) =>
      d.milestones.some((m, i) => i > 0 && Date.parse(m.at) < Date.parse(d.milestones[i - 1]!.at)),
    );
    const duplicated = a.some((d) => new Set(d.milestones.map((m) => JSON.stringify(m))).size < d.milestones.length);
    expect([outOfOrder, duplicated]).toEqual([true, true]);
  });
});
