/**
 * Known-answer test of the Time Release Study figures on real PostgreSQL: five export
 * declarations lodged on Monday 2026-03-02 (China date; hour 0 below is 08:00 China time), whose
 * figures were computed by hand (percentile_cont: the p-th percentile of n sorted values sits at
 * rank (n − 1)·p from 0).
 *
 *   #   rating    other agencies  lodged  arrived  accepted  risk   released  arrival→lodgement  arrival→release  lodgement→release
 *   1   aeo       false           0       2        0.5       1      6         −2 (pre-arrival)   4                6
 *   2   aeo       false           1       0        1.5       2      12        +1                 12               11
 *   3   non_aeo   true            0       4        1         1.5    34        −4 (pre-arrival)   30               34
 *   4   non_aeo   true            2       0        3         3.5    50        +2                 50               48
 *   5   (none)    (none)          0       —        1         1      30        —                  —                30
 *
 * Arrival → release (4, 12, 30, 50): mean 24, median (12 + 30) / 2 = 21, p90 at rank 2.7 =
 *   30 + 0.7 · 20 = 44; released within 24 h of arrival 2 of 4 = 50 %, within 48 h 75 %, 72 h 100 %.
 * Arrival → lodgement (−2, +1, −4, +2): mean −0.75, median (−2 + 1) / 2 = −0.5, min −4.
 * Segments of arrival → release: aeo 4, 12 (median 8), non_aeo 30, 50 (median 40), unknown none;
 *   pre-arrival true 4, 30 (median 17), false 12, 50 (median 31); other agencies as the rating.
 * Releases in China time: #1 Mon 14:00, #2 Mon 20:00, #3 Tue 18:00, #4 Wed 10:00, #5 Tue 14:00:
 *   hour 14 twice (40 %), hours 10, 18, 20 once; Monday 2, Tuesday 2, Wednesday 1.
 * Lodgement → release (6, 11, 30, 34, 48): within 24 h of lodgement 2 of 5 = 40 % (the default curve).
 */
import ExcelJS from "exceljs";
import type { Express } from "express";
import { declarationStream } from "../../contracts/direct-clearance/events";
import {
  clearanceFigures,
  clearanceOutliers,
  declarationTimes,
  releaseCurve,
  releasePattern,
} from "../../projections/clearance-times/clearance-times-queries";
import { TRS_SHEETS, trsWorkbook } from "../../projections/clearance-times/trs-workbook";
import type { ReadSide } from "../../services/api/read-side";
import {
  declarationDecider,
  type LodgementData,
  type MilestoneInput,
} from "../../services/direct-clearance/declaration-decider";
import { handleCommand } from "../../services/platform/decider";
import { PostgresEventStore } from "../../services/platform/event-store/postgres-event-store";
import { as } from "../support/auth";
import { serverDatabase, type TestDatabase } from "../support/databases";
import { cottonYarnLine } from "../support/declarations";
import { productApp } from "../support/product-app";

const BASE = Date.parse("2026-03-02T00:00:00Z"); // 08:00 China time, a Monday
const at = (hours: number) => new Date(BASE + hours * 3_600_000).toISOString();
const NOW = "2026-11-30T00:00:00Z";

interface Case {
  n: number;
  rating?: "aeo" | "non_aeo";
  otherAgencies?: boolean;
  lodged: number;
  arrived?: number;
  accepted: number;
  risk: number;
  released: number;
}
const CASES: Case[] = [
  { n: 1, rating: "aeo", otherAgencies: false, lodged: 0, arrived: 2, accepted: 0.5, risk: 1, released: 6 },
  { n: 2, rating: "aeo", otherAgencies: false, lodged: 1, arrived: 0, accepted: 1.5, risk: 2, released: 12 },
  { n: 3, rating: "non_aeo", otherAgencies: true, lodged: 0, arrived: 4, accepted: 1, risk: 1.5, released: 34 },
  { n: 4, rating: "non_aeo", otherAgencies: true, lodged: 2, arrived: 0, accepted: 3, risk: 3.5, released: 50 },
  { n: 5, lodged: 0, accepted: 1, risk: 1, released: 30 },
];
const number = (n: number) => `949920260${String(700 + n).padStart(9, "0")}`;

function lodgement(c: Case): LodgementData {
  return {
    declarationNumber: number(c.n),
    enterprise: "91350200776049653A",
    direction: "export",
    clearanceModel: "direct",
    declaringOffice: "9499",
    port: "horgos",
    transportMode: "rail",
    goods: [cottonYarnLine],
    lodgedAt: at(c.lodged),
    ...(c.rating ? { creditRating: c.rating } : {}),
    ...(c.otherAgencies !== undefined ? { otherAgencies: c.otherAgencies } : {}),
  };
}

describe("Time Release Study figures: known answers (PostgreSQL)", () => {
  let t: TestDatabase;
  let app: Express;
  let readSide: ReadSide;
  beforeAll(async () => {
    t = await serverDatabase();
    const store = new PostgresEventStore(t.db);
    for (const c of CASES) {
      const run = (command: Parameters<typeof declarationDecider.decide>[0]) =>
        handleCommand(store, declarationStream(number(c.n)), declarationDecider, command);
      await run({ kind: "lodge", lodgement: lodgement(c), now: NOW });
      // The arrival posted last, after the release it precedes: business time decides, not arrival order.
      const milestones: MilestoneInput[] = [
        { type: "accepted", at: at(c.accepted) },
        { type: "risk_assessed", at: at(c.risk), channel: "none" },
        { type: "released", at: at(c.released) },
        ...(c.arrived !== undefined ? [{ type: "arrived_for_clearance" as const, at: at(c.arrived) }] : []),
      ];
      for (const milestone of milestones) await run({ kind: "milestone", milestone, now: NOW });
    }
    ({ app, readSide } = await productApp(t));
    await readSide.caughtUp();
  });
  afterAll(async () => {
    await readSide.stop();
    await t.drop();
  });

  it("gives arrival → release (the headline) first and the stages in process order", async () => {
    const [all] = await clearanceFigures(t.db, {}, []);
    expect(Object.keys(all!.stages)).toEqual([
      "arrival_to_release",
      "total",
      "arrival_to_lodgement",
      "lodgement_to_acceptance",
      "acceptance_to_risk_assessment",
      "last_control_to_release",
    ]);
    const head = all!.stages.arrival_to_release!;
    expect([head.count, head.mean.hours, head.median.hours, head.p90.hours, head.min.hours, head.max.hours]).toEqual([
      4, 24, 21, 44, 4, 50,
    ]);
    expect(all!.stages.total!.count).toBe(5);
  });

  it("gives a pre-arrival lodgement a negative arrival → lodgement", async () => {
    const [all] = await clearanceFigures(t.db, {}, []);
    const a = all!.stages.arrival_to_lodgement!;
    expect([a.count, a.mean.hours, a.median.hours, a.min.hours, a.max.hours]).toEqual([4, -0.75, -0.5, -4, 2]);
    expect(a.median).toEqual({ hours: -0.5, minutes: -30, label: "-0 h 30 min" });
    expect(a.min.label).toBe("-4 h 00 min");
    const one = await declarationTimes(t.db, number(1));
    expect(one!.stages.arrival_to_lodgement).toEqual({ hours: -2, minutes: -120, label: "-2 h 00 min" });
    expect(one!.stages.arrival_to_release!.hours).toBe(4);
    expect((await declarationTimes(t.db, number(5)))!.stages.arrival_to_release).toBeNull();
  });

  it("gives the share released within N hours of arrival, and keeps lodgement as the default start", async () => {
    const fromArrival = await releaseCurve(t.db, {}, 72, "arrival");
    expect(fromArrival.released).toBe(4);
    expect([24, 48, 72].map((h) => fromArrival.points[h - 1]!.sharePercent)).toEqual([50, 75, 100]);
    expect(fromArrival.points[3]).toEqual({ hours: 4, releasedWithin: 1, sharePercent: 25 }); // 4 h on the hour
    expect(fromArrival.beyond).toBe(0);
    const fromLodgement = await releaseCurve(t.db, {}, 72);
    expect(fromLodgement).toEqual(await releaseCurve(t.db, {}, 72, "lodgement"));
    expect([fromLodgement.released, fromLodgement.points[23]!.sharePercent]).toEqual([5, 40]);
  });

  it("segments by credit rating, other agencies and pre-arrival lodgement", async () => {
    const median = async (dim: "creditRating" | "otherAgencies" | "preArrivalLodgement") =>
      (await clearanceFigures(t.db, {}, [dim])).map((g) => [
        g.group[dim],
        g.declarations,
        g.stages.arrival_to_release?.median.hours ?? null,
      ]);
    expect(await median("creditRating")).toEqual([
      ["aeo", 2, 8],
      ["non_aeo", 2, 40],
      ["unknown", 1, null],
    ]);
    expect(await median("otherAgencies")).toEqual([
      ["false", 2, 8],
      ["true", 2, 40],
      [null, 1, null],
    ]);
    expect(await median("preArrivalLodgement")).toEqual([
      ["false", 2, 31],
      ["true", 2, 17],
      [null, 1, null],
    ]);
    // An expression dimension groups outliers too (none here: every group is too small to fence).
    expect(await clearanceOutliers(t.db, {}, ["preArrivalLodgement"], 10)).toEqual([]);
  });

  it("counts releases by hour of day and weekday in China time", async () => {
    const p = await releasePattern(t.db, {});
    expect(p.released).toBe(5);
    expect(p.byHour).toHaveLength(24);
    expect(p.byHour.filter((h) => h.released > 0).map((h) => [h.hour, h.released, h.sharePercent])).toEqual([
      [10, 1, 20],
      [14, 2, 40],
      [18, 1, 20],
      [20, 1, 20],
    ]);
    expect(p.byWeekday.map((d) => [d.name, d.released])).toEqual([
      ["Monday", 2],
      ["Tuesday", 2],
      ["Wednesday", 1],
      ["Thursday", 0],
      ["Friday", 0],
      ["Saturday", 0],
      ["Sunday", 0],
    ]);
    const none = await releasePattern(t.db, { transportMode: "road" });
    expect([none.released, none.byHour[0], none.byWeekday[6]]).toEqual([
      0,
      { hour: 0, released: 0, sharePercent: null },
      { weekday: 7, name: "Sunday", released: 0, sharePercent: null },
    ]);
  });

  it("writes a workbook that opens with the sheets and the headline numbers", async () => {
    const { bytes, headline } = await trsWorkbook(t.db, { from: "2026-03-02", to: "2026-03-02" });
    expect(headline).toEqual({
      count: 4,
      meanHours: 24,
      medianHours: 21,
      p90Hours: 44,
      withinPercent: { 24: 50, 48: 75, 72: 100 },
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.map((s) => s.name)).toEqual([...TRS_SHEETS]);
    const cells = (name: string) =>
      wb
        .getWorksheet(name)!
        .getSheetValues()
        .filter(Boolean)
        .map((r) => (r as unknown[]).slice(1));
    const head = Object.fromEntries(cells("Headline").map(([k, v]) => [k, v]));
    expect(head).toMatchObject({
      "Released with arrival recorded (arrival → release)": 4,
      "Arrival → release, mean": 24,
      "Arrival → release, median": 21,
      "Arrival → release, p90": 44,
      "Released within 24 h of arrival": 50,
      "Released within 48 h of arrival": 75,
      "Released within 72 h of arrival": 100,
    });
    // Stages in process order, then the totals; empty stages kept with a count of 0.
    const stages = cells("Stages").slice(1);
    expect(stages.map((r) => r[1])).toEqual([
      "arrival_to_lodgement",
      "lodgement_to_acceptance",
      "acceptance_to_risk_assessment",
      "risk_assessment_to_inspection",
      "inspection_to_recognition",
      "last_control_to_release",
      "release_to_exit_or_arrival",
      "arrival_to_release",
      "total",
    ]);
    expect(stages[0]!.slice(3, 8)).toEqual([4, -0.75, -4, -2.5, -0.5]); // count, mean, min, p25, median
    expect(stages[3]![3]).toBe(0);
    const segments = cells("Segments").slice(1);
    expect(segments.find((r) => r[0] === "creditRating" && r[1] === "aeo")!.slice(2, 6)).toEqual([2, 2, 8, 8]);
    expect(segments.find((r) => r[0] === "preArrivalLodgement" && r[1] === "true")![5]).toBe(17);
    expect(new Set(segments.map((r) => r[0]))).toEqual(
      new Set(["creditRating", "otherAgencies", "preArrivalLodgement", "clearanceModel", "transportMode"]),
    );
    const pattern = cells("Release pattern").slice(1);
    expect(pattern.find((r) => r[1] === "14:00")!.slice(2)).toEqual([2, 40]);
    const definitions = cells("Definitions").map((r) => String(r[1]));
    expect(definitions[1]).toMatch(/TRS Guide's own result tables were not read/);
    expect(definitions.join("\n")).toMatch(/from the time of arrival until the physical release of cargo/);
    // An empty period: the headline has no figures, the shares none to share.
    const empty = await trsWorkbook(t.db, { from: "2025-01-01", to: "2025-01-31" });
    expect(empty.headline).toEqual({
      count: 0,
      meanHours: null,
      medianHours: null,
      p90Hours: null,
      withinPercent: { 24: null, 48: null, 72: null },
    });
  });

  it("serves the curve from arrival, the pattern and the workbook over HTTP", async () => {
    const analyst = await as(app, "analyst");
    const curve = await analyst.get("/clearance-times/release-curve?start=arrival&maxHours=24");
    expect(curve.status).toBe(200);
    expect(curve.body).toMatchObject({ unit: "hours", start: "arrival", released: 4, beyond: 2 });
    expect((await analyst.get("/clearance-times/release-curve?maxHours=1")).body.start).toBe("lodgement");
    expect((await analyst.get("/clearance-times/release-curve?start=departure")).status).toBe(400);
    const grouped = await analyst.get("/clearance-times?groupBy=creditRating,preArrivalLodgement");
    expect(grouped.status).toBe(200);
    expect(grouped.body.groups[0]).toMatchObject({ group: { creditRating: "aeo", preArrivalLodgement: "false" } });
    const pattern = await analyst.get("/clearance-times/release-pattern?from=2026-03-02&to=2026-03-02");
    expect(pattern.status).toBe(200);
    expect(pattern.body).toMatchObject({ timeZone: "UTC+08:00", released: 5 });
    const file = await analyst
      .get("/clearance-times/trs-workbook?from=2026-03-02&to=2026-03-02")
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => cb(null, Buffer.concat(chunks)));
      });
    expect(file.status).toBe(200);
    expect(file.headers["content-type"]).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(file.headers["content-disposition"]).toBe(
      'attachment; filename="trs-workbook-2026-03-02-to-2026-03-02.xlsx"',
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.body as ExcelJS.Buffer);
    expect(wb.getWorksheet("Headline")!.getCell("B6").value).toBe(21); // the median row
    expect((await analyst.get("/clearance-times/trs-workbook?port=horgos")).status).toBe(400);
    expect((await analyst.get("/clearance-times/trs-workbook?from=2026-03-03&to=2026-03-02")).status).toBe(400);
    const enterprise = await as(app, "enterprise");
    expect((await enterprise.get("/clearance-times/trs-workbook")).status).toBe(403);
  });
});
