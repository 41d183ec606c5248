/**
 * End to end on real PostgreSQL and Kafka: declarations lodged and milestones posted over HTTP
 * (some late, some twice) → event store → relay → Kafka → Kafka-fed clearance-times read model
 * → HTTP figures, equal to a rebuild from the store.
 */
import pino from "pino";
import { clearanceTimesProjection } from "../../projections/clearance-times/clearance-times-projection";
import { rebuildProjection } from "../../projections/runner/rebuild";
import { createApp } from "../../services/api/app";
import { generateDeclarations } from "../../services/direct-clearance/sample-declarations";
import { as } from "../support/auth";
import { describeWithKafka } from "../support/kafka";
import { type Pipeline, pipeline } from "../support/pipeline";
import { waitFor } from "../support/wait";

describeWithKafka("direct clearance on real PostgreSQL and Kafka", () => {
  let p: Pipeline;
  beforeEach(async () => {
    p = await pipeline();
  });
  afterEach(() => p.close());

  it("lodgement and milestones over HTTP reach the Kafka-fed clearance-times figures", async () => {
    p.relay().start();
    await p.feed(clearanceTimesProjection);
    const app = createApp({ db: p.t.db, store: p.store, logger: pino({ level: "silent" }) });
    const [customs, analyst] = await Promise.all([as(app, "customs"), as(app, "analyst")]);
    const samples = generateDeclarations({ seed: 11, count: 12, now: new Date("2026-11-30T00:00:00Z") });
    let released = 0;
    for (const [i, s] of samples.entries()) {
      const enterprise = await as(app, "enterprise", s.lodgement.enterprise);
      const lodged = await enterprise.post("/declarations").set("Idempotency-Key", `e2e-${i}`).send(s.lodgement);
      expect(lodged.status).toBe(201);
      // Deliver in the generator's arrival order; retry what was refused once the rest arrived.
      let pending = s.milestones;
      for (let round = 0; pending.length && round < 5; round++) {
        const refused = [];
        for (const m of pending) {
          const res = await customs.post(`/declarations/${s.lodgement.declarationNumber}/milestones`).send(m);
          if (res.status >= 400) refused.push(m);
        }
        pending = refused;
      }
      expect(pending).toEqual([]);
      released++;
    }

    const figures = await waitFor("all releases in the Kafka-fed figures", async () => {
      const res = await analyst.get("/clearance-times");
      const total = res.body.groups?.[0]?.stages?.total;
      return total?.count === released ? res.body : undefined;
    });
    expect(figures.groups[0].declarations).toBe(samples.length);
    expect(figures.groups[0].stages.total.median.hours).toBeGreaterThan(0);
    const comparison = await analyst.get("/clearance-times/comparison?groupBy=direction");
    expect(comparison.status).toBe(200);

    // The figures count releases; milestones after a release (exit) may still be on their way.
    await p.appliedAll(clearanceTimesProjection);
    const live = await p.t.db.query("SELECT * FROM clearance_times ORDER BY declaration_number");
    await rebuildProjection(p.t.db, p.store, clearanceTimesProjection);
    const rebuilt = await p.t.db.query("SELECT * FROM clearance_times ORDER BY declaration_number");
    expect(rebuilt.rows).toEqual(live.rows);
  });
});
