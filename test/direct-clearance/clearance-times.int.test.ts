/**
 * Known-answer test of the clearance-times read model on real PostgreSQL: a fixed set of
 * declarations whose medians, percentiles, means, maxima, model comparison and outliers were
 * computed by hand (percentile_cont = linear interpolation between closest ranks: the p-th
 * percentile of n sorted values sits at rank (n − 1)·p from 0).
 *
 * Direct exports, totals (h): 10, 20, 30, 40, 100 → mean 40, min 10, median 30,
 *   p90 = x[3] + 0.6·(x[4] − x[3]) = 40 + 0.6·60 = 76, p95 = 40 + 0.8·60 = 88, max 100;
 *   p25 = Q1 = x[1] = 20, p75 = Q3 = x[3] = 40, fence = 40 + 1.5·20 = 70 → 100 h is an outlier.
 * Conventional exports, totals (h): 20, 40, 60, 80 → mean 50, min 20, median 50,
 *   p90 = 60 + 0.7·20 = 74, p95 = 60 + 0.85·20 = 77, max 80;
 *   p25 = Q1 = x[0] + 0.75·20 = 35, p75 = Q3 = x[2] + 0.25·20 = 65, fence 110 → none.
 * Ratio of medians 30 / 50 = 0.6, reduction 40 %.
 *
 * Release curve over all nine released (totals 10, 20, 20, 30, 40, 40, 60, 80, 100; the open
 * declaration has no release): within 9 h 0; 10 h 1 (a release on the hour counts) = 11.1 %;
 * 20 h 3 = 33.3 %; 39 h 4 = 44.4 %; 40 h 6 = 66.7 %; 72 h 7 = 77.8 %; beyond 72 h 2 (80, 100).
 * A second set (totals 0, 0.5, 1.25 and 800 h) checks the first hour and the 720 h maximum.
 */
import { declarationStream } from "../../contracts/direct-clearance/events";
import { startStoreFeed } from "../../projections/runner/store-feed";
import { clearanceTimesProjection } from "../../projections/clearance-times/clearance-times-projection";
import {
  clearanceFigures,
  clearanceOutliers,
  compareModels,
  declarationTimes,
  releaseCurve,
} from "../../projections/clearance-times/clearance-times-queries";
import {
  declarationDecider,
  type LodgementData,
  type MilestoneInput,
} from "../../services/direct-clearance/declaration-decider";
import { handleCommand } from "../../services/platform/decider";
import { PostgresEventStore } from "../../services/platform/event-store/postgres-event-store";
import { serverDatabase, type TestDatabase } from "../support/databases";
import { cottonYarnLine } from "../support/declarations";

const BASE = Date.parse("2026-03-02T00:00:00Z");
const at = (hours: number, day = 0) => new Date(BASE + (day * 24 + hours) * 3_600_000).toISOString();

function lodgement(n: number, model: "direct" | "conventional", day: number): LodgementData {
  return {
    declarationNumber: `949920260${String(n).padStart(9, "0")}`,
    enterprise: "91350200776049653A",
    direction: "export",
    clearanceModel: model,
    declaringOffice: "9499",
    port: n % 2 ? "horgos" : "alashankou",
    transportMode: "rail",
    goods: [cottonYarnLine],
    lodgedAt: at(0, day),
  };
}

describe("clearance-times read model: known answers (PostgreSQL)", () => {
  let t: TestDatabase;
  let store: PostgresEventStore;
  beforeAll(async () => {
    t = await serverDatabase();
    store = new PostgresEventStore(t.db);
    const cases: [number, "direct" | "conventional", number][] = [
      [10, "direct", 10],
      [20, "direct", 20],
      [30, "direct", 30],
      [40, "direct", 40],
      [100, "direct", 100],
      [21, "conventional", 20],
      [41, "conventional", 40],
      [61, "conventional", 60],
      [81, "conventional", 80],
    ];
    for (const [n, model, total] of cases) {
      const day = n % 3; // spread over three days of March
      const stream = declarationStream(lodgement(n, model, day).declarationNumber);
      const run = (command: Parameters<typeof declarationDecider.decide>[0]) =>
        handleCommand(store, stream, declarationDecider, command);
      await run({ kind: "lodge", lodgement: lodgement(n, model, day), now: "2026-11-30T00:00:00Z" });
      // Delivered out of business-time order (risk assessment before acceptance) and with
      // duplicates (acceptance and release twice).
      const milestones: MilestoneInput[] = [
        { type: "risk_assessed", at: at(1.5, day), channel: "none" },
        { type: "accepted", at: at(1, day) },
        { type: "accepted", at: at(1, day) },
        { type: "released", at: at(total, day) },
        { type: "goods_exited", at: at(total + 1, day) },
        { type: "released", at: at(total, day) },
      ];
      for (const milestone of milestones) await run({ kind: "milestone", milestone, now: "2026-11-30T00:00:00Z" });
    }
    // One declaration accepted but not released: counted in its early stages only.
    const open = lodgement(5, "direct", 0);
    await handleCommand(store, declarationStream(open.declarationNumber), declarationDecider, {
      kind: "lodge",
      lodgement: open,
      now: "2026-11-30T00:00:00Z",
    });
    await handleCommand(store, declarationStream(open.declarationNumber), declarationDecider, {
      kind: "milestone",
      milestone: { type: "accepted", at: at(3, 0) },
      now: "2026-11-30T00:00:00Z",
    });
    const feed = startStoreFeed(t.db, store, clearanceTimesProjection);
    await feed.caughtUp();
    await feed.stop();
  });
  afterAll(() => t.drop());

  it("stores each milestone once: duplicates recorded nothing", async () => {
    const { rows } = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM events WHERE stream_id = $1", [
      declarationStream(lodgement(10, "direct", 1).declarationNumber),
    ]);
    expect(rows[0]!.n).toBe(5); // lodged, risk, accepted, released, exited
  });

  it("computes count, mean, median, p90, p95 and max per clearance model, exactly", async () => {
    const groups = await clearanceFigures(t.db, {}, ["clearanceModel"]);
    const byModel = Object.fromEntries(groups.map((g) => [g.group.clearanceModel, g]));
    const direct = byModel.direct!.stages.total!;
    expect(byModel.direct!.declarations).toBe(6);
    expect(direct.count).toBe(5);
    expect([direct.mean.hours, direct.median.hours, direct.p90.hours, direct.p95.hours, direct.max.hours]).toEqual([
      40, 30, 76, 88, 100,
    ]);
    expect(direct.p90.label).toBe("76 h 00 min");
    const conv = byModel.conventional!.stages.total!;
    expect([conv.count, conv.mean.hours, conv.median.hours, conv.p90.hours, conv.p95.hours, conv.max.hours]).toEqual([
      4, 50, 50, 74, 77, 80,
    ]);
    expect(conv.p90).toEqual({ hours: 74, minutes: 4440, label: "74 h 00 min" });
    // Stage times: acceptance 1 h after lodgement for all ten (including the unreleased one at 3 h).
    const acceptance = byModel.direct!.stages.lodgement_to_acceptance!;
    expect([acceptance.count, acceptance.median.hours, acceptance.max.hours]).toEqual([6, 1, 3]);
    expect(byModel.direct!.stages.acceptance_to_risk_assessment!.median).toEqual({
      hours: 0.5,
      minutes: 30,
      label: "0 h 30 min",
    });
  });

  it("computes min, p25 and p75 (the box plot's other numbers), exactly", async () => {
    const groups = await clearanceFigures(t.db, {}, ["clearanceModel"]);
    const byModel = Object.fromEntries(groups.map((g) => [g.group.clearanceModel, g.stages.total!]));
    const five = (s: (typeof byModel)[string]) => [s.min, s.p25, s.median, s.p75, s.max].map((d) => d.hours);
    expect(five(byModel.direct!)).toEqual([10, 20, 30, 40, 100]);
    expect(five(byModel.conventional!)).toEqual([20, 35, 50, 65, 80]);
    expect(byModel.conventional!.p25).toEqual({ hours: 35, minutes: 2100, label: "35 h 00 min" });
    // The quartiles are the outliers' Q1 and Q3: fence = p75 + 1.5 (p75 − p25) = 70 h for direct.
    const [outlier] = await clearanceOutliers(t.db, { clearanceModel: "direct" }, [], 10);
    const d = byModel.direct!;
    expect(outlier!.fence.hours).toBe(d.p75.hours + 1.5 * (d.p75.hours - d.p25.hours));
    // Acceptance 1 h after lodgement for five, 3 h for the unreleased one: 1, 1, 1, 1, 1, 3.
    const [all] = await clearanceFigures(t.db, { clearanceModel: "direct" }, []);
    const acceptance = all!.stages.lodgement_to_acceptance!;
    expect([acceptance.min, acceptance.p25, acceptance.p75].map((x) => x.hours)).toEqual([1, 1, 1]);
  });

  it("gives the share released within 1 … maxHours hours, and how many later", async () => {
    const curve = await releaseCurve(t.db, {}, 72);
    const [figures] = await clearanceFigures(t.db, {}, []);
    expect(curve.released).toBe(9);
    expect(curve.released).toBe(figures!.stages.total!.count);
    expect(curve.points).toHaveLength(72);
    expect(curve.points.map((p) => p.hours)).toEqual(Array.from({ length: 72 }, (_, i) => i + 1));
    const at = (h: number) => curve.points[h - 1]!;
    expect([9, 10, 19, 20, 39, 40, 72].map((h) => [h, at(h).releasedWithin, at(h).sharePercent])).toEqual([
      [9, 0, 0],
      [10, 1, 11.1],
      [19, 1, 11.1],
      [20, 3, 33.3],
      [39, 4, 44.4],
      [40, 6, 66.7],
      [72, 7, 77.8],
    ]);
    expect(curve.beyond).toBe(2);
    // Cumulative: never decreasing, and the last point plus those beyond is everything released.
    expect(curve.points.every((p, i) => i === 0 || p.releasedWithin >= curve.points[i - 1]!.releasedWithin)).toBe(true);
    expect(at(72).releasedWithin + curve.beyond).toBe(curve.released);
  });

  it("filters the release curve like the figures", async () => {
    // Direct only (10, 20, 30, 40, 100), to 30 h: 3 of 5 within, 2 beyond.
    const direct = await releaseCurve(t.db, { clearanceModel: "direct" }, 30);
    expect(direct.points).toHaveLength(30);
    expect([direct.released, direct.points[29], direct.beyond]).toEqual([
      5,
      { hours: 30, releasedWithin: 3, sharePercent: 60 },
      2,
    ]);
    // Day 1 (2026-03-03): totals 10, 40, 60, 100; within 50 h: 10 and 40.
    const day1 = await releaseCurve(t.db, { from: "2026-03-03", to: "2026-03-03" }, 50);
    expect([day1.released, day1.points[49]!.releasedWithin, day1.points[49]!.sharePercent, day1.beyond]).toEqual([
      4, 2, 50, 2,
    ]);
    // Nothing released in the filter: counts 0, shares null (not 0 %: there is nothing to share).
    const none = await releaseCurve(t.db, { transportMode: "road" }, 3);
    expect(none).toEqual({
      released: 0,
      points: [1, 2, 3].map((hours) => ({ hours, releasedWithin: 0, sharePercent: null })),
      beyond: 0,
    });
  });

  it("filters by date range (China dates) and groups by month and port", async () => {
    // Day 1 (2026-03-03 China date, lodged 08:00 China time) holds n ≡ 1 (mod 3): 10, 40, 100, 61.
    const day1 = await clearanceFigures(t.db, { from: "2026-03-03", to: "2026-03-03" }, []);
    expect(day1[0]!.stages.total!.count).toBe(4);
    expect(day1[0]!.stages.total!.median.hours).toBe((40 + 60) / 2); // totals 10, 40, 60, 100
    const byMonthPort = await clearanceFigures(t.db, {}, ["month", "port"]);
    expect(byMonthPort.map((g) => [g.group.month, g.group.port, g.declarations])).toEqual([
      ["2026-03", "alashankou", 5],
      ["2026-03", "horgos", 5],
    ]);
  });

  it("compares direct with conventional (ratio of medians with the counts behind it)", async () => {
    const [all] = await compareModels(t.db, {}, []);
    expect(all).toMatchObject({
      direct: { count: 5, median: { hours: 30 } },
      conventional: { count: 4, median: { hours: 50 } },
      ratioOfMedians: 0.6,
      reductionPercent: 40,
    });
  });

  it("lists outliers above Q3 + 1.5 IQR of their group, and keeps them in the figures", async () => {
    const outliers = await clearanceOutliers(t.db, {}, ["direction", "clearanceModel"], 10);
    expect(outliers.map((o) => [o.declarationNumber, o.total.hours, o.fence.hours, o.groupMedian.hours])).toEqual([
      [lodgement(100, "direct", 1).declarationNumber, 100, 70, 30],
    ]);
    const times = await declarationTimes(t.db, lodgement(100, "direct", 1).declarationNumber);
    expect(times!.stages.total!.hours).toBe(100);
    expect(times!.stages.release_to_exit_or_arrival!.label).toBe("1 h 00 min");
    expect(times!.stages.risk_assessment_to_inspection).toBeNull();
  });

  it("a rebuild from the store gives the same rows", async () => {
    const before = await t.db.query("SELECT * FROM clearance_times ORDER BY declaration_number");
    const { rebuildProjection } = await import("../../projections/runner/rebuild");
    await rebuildProjection(t.db, store, clearanceTimesProjection);
    const after = await t.db.query("SELECT * FROM clearance_times ORDER BY declaration_number");
    expect(after.rows).toEqual(before.rows);
    expect(before.rows).toHaveLength(10);
  });
});

describe("release curve: the first hour and the longest span (PostgreSQL)", () => {
  // Totals 0 (released at lodgement), 0.5, 1.25 and 800 h; accepted and risk assessed at lodgement.
  const TOTALS = [0, 0.5, 1.25, 800];
  let t: TestDatabase;
  beforeAll(async () => {
    t = await serverDatabase();
    const store = new PostgresEventStore(t.db);
    for (const [i, total] of TOTALS.entries()) {
      const data = lodgement(200 + i, "direct", 0);
      const run = (command: Parameters<typeof declarationDecider.decide>[0]) =>
        handleCommand(store, declarationStream(data.declarationNumber), declarationDecider, command);
      await run({ kind: "lodge", lodgement: data, now: "2026-11-30T00:00:00Z" });
      const milestones: MilestoneInput[] = [
        { type: "accepted", at: at(0) },
        { type: "risk_assessed", at: at(0), channel: "none" },
        { type: "released", at: at(total) },
      ];
      for (const milestone of milestones) await run({ kind: "milestone", milestone, now: "2026-11-30T00:00:00Z" });
    }
    const feed = startStoreFeed(t.db, store, clearanceTimesProjection);
    await feed.caughtUp();
    await feed.stop();
  });
  afterAll(() => t.drop());

  it("counts a release at lodgement in the first hour, and 1.25 h in the second", async () => {
    const curve = await releaseCurve(t.db, {}, 2);
    expect(curve).toEqual({
      released: 4,
      points: [
        { hours: 1, releasedWithin: 2, sharePercent: 50 },
        { hours: 2, releasedWithin: 3, sharePercent: 75 },
      ],
      beyond: 1,
    });
  });

  it("spans up to 720 h; 800 h is beyond it", async () => {
    const curve = await releaseCurve(t.db, {}, 720);
    expect(curve.points).toHaveLength(720);
    expect(curve.points[719]).toEqual({ hours: 720, releasedWithin: 3, sharePercent: 75 });
    expect(curve.beyond).toBe(1);
  });

  it("gives min, p25 and p75 between ranks: 0, 0 + 0.75 · 0.5 = 0.375 and 1.25 + 0.25 · 798.75 h", async () => {
    const [all] = await clearanceFigures(t.db, {}, []);
    const total = all!.stages.total!;
    expect(total.min).toEqual({ hours: 0, minutes: 0, label: "0 h 00 min" });
    expect(total.p25).toEqual({ hours: 0.375, minutes: 22.5, label: "0 h 23 min" });
    expect(total.p75.hours).toBe(200.938); // 200.9375 to 3 decimals
    expect(total.max.hours).toBe(800);
  });
});
