/**
 * Operational endpoints and contracts: /health, /ready (database and Kafka probes), /docs served
 * offline, /openapi.json as OpenAPI 3.1, and the committed contracts match the generator.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { randomUUID } from "node:crypto";
import request from "supertest";
import { startStoreFeed } from "../../projections/runner/store-feed";
import { tokenFor } from "../support/auth";
import { PostgresEventStore } from "../../services/platform/event-store/postgres-event-store";
import { counterProjection } from "../support/counter-projection";
import { checkContracts, describeDrift, REPO_ROOT } from "../../scripts/contracts";
import { counterApp, PROBLEM_JSON } from "../support/api-app";
import { serverDatabase, type TestDatabase } from "../support/databases";

describe("system endpoints", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await serverDatabase();
  });
  afterEach(() => t.drop());

  it("/health is 200 JSON", async () => {
    const res = await request(counterApp(t).app).get("/health").expect(200);
    expect(res.body).toEqual({ status: "ok" });
  });

  it("/ready is 200 while the database answers and 503 once it is closed", async () => {
    const { app } = counterApp(t);
    const ok = await request(app).get("/ready").expect(200);
    expect(ok.body).toEqual({ status: "ready", checks: { database: "up" } });
    await t.db.close();
    const down = await request(app).get("/ready").expect(503);
    expect(down.headers["content-type"]).toMatch(PROBLEM_JSON);
    expect(down.body).toMatchObject({
      type: "https://ftz.example/problems/not-ready",
      status: 503,
      checks: { database: "down" },
    });
    await request(app).get("/health").expect(200);
  });

  it("/projections reports each projection's lag in events and seconds", async () => {
    const { app } = counterApp(t);
    const store = new PostgresEventStore(t.db);
    const at = "2026-11-30T10:00:00Z";
    await store.append(
      "Counter-lag",
      [{ eventId: randomUUID(), type: "CounterOpened", data: { name: "x" }, occurredAt: at }],
      "no_stream",
    );
    const feed = startStoreFeed(t.db, store, counterProjection);
    await feed.caughtUp();
    await feed.stop();
    await store.append(
      "Counter-lag",
      [{ eventId: randomUUID(), type: "CounterIncremented", data: { by: 1 }, occurredAt: at }],
      0,
    );
    expect((await request(app).get("/projections")).status).toBe(401);
    const res = await request(app)
      .get("/projections")
      .set("Authorization", `Bearer ${await tokenFor("analyst")}`)
      .expect(200);
    expect(res.body).toEqual({
      projections: [
        {
          projection: "counter_totals",
          eventsApplied: 1,
          eventsBehind: 1,
          secondsBehind: expect.any(Number),
          lastGlobalPosition: expect.any(Number),
        },
      ],
    });
  });

  it("/ready checks Kafka when a probe is given", async () => {
    let kafkaUp = true;
    const { app } = counterApp(t, { kafkaReady: async () => kafkaUp });
    expect((await request(app).get("/ready").expect(200)).body.checks).toEqual({ database: "up", kafka: "up" });
    kafkaUp = false;
    expect((await request(app).get("/ready").expect(503)).body.checks).toEqual({ database: "up", kafka: "down" });
  });

  it("/ready reports the relay stalled once an unpublished event has waited past the limit, and ready once published", async () => {
    const { app, store } = counterApp(t, { relayStallSeconds: 60 });
    expect((await request(app).get("/ready").expect(200)).body.checks).toEqual({ database: "up", relay: "up" });
    await store.append(
      `Counter-${randomUUID()}`,
      [{ eventId: randomUUID(), type: "CounterIncremented", data: { by: 1 }, occurredAt: "2026-11-30T10:00:00+08:00" }],
      "no_stream",
    );
    expect((await request(app).get("/ready").expect(200)).body.checks.relay).toBe("up"); // fresh: within the limit
    await t.db.query("UPDATE events SET recorded_at = now() - interval '61 seconds'");
    const stalled = await request(app).get("/ready").expect(503);
    expect(stalled.body.checks).toEqual({ database: "up", relay: "down" });
    expect(stalled.body.detail).toMatch(/relay stalled: 1 events unpublished, the oldest for 6\d s \(limit 60 s\)/);
    const { rows } = await t.db.query<{ tx: string; pos: string }>(
      "SELECT transaction_id::text AS tx, global_position::text AS pos FROM events",
    );
    await t.db.query("INSERT INTO checkpoints (name, transaction_id, global_position) VALUES ('relay', $1::xid8, $2)", [
      rows[0]!.tx,
      rows[0]!.pos,
    ]);
    expect((await request(app).get("/ready").expect(200)).body.checks.relay).toBe("up");
  });

  it("/docs serves the Swagger UI with no external asset URLs", async () => {
    const { app } = counterApp(t);
    const agent = request(app);
    let res = await agent.get("/docs");
    if (res.status === 301 || res.status === 302) res = await agent.get(res.headers.location!);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/text\/html/);
    expect(res.text).toContain("swagger-ui");
    const assets = [...res.text.matchAll(/(?:src|href)=["']([^"']+)["']/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThan(0);
    for (const a of assets) expect(a).not.toMatch(/^(https?:)?\/\//);
    const init = await agent.get("/docs/swagger-ui-init.js").expect(200);
    expect(init.text).toContain('"openapi": "3.1.0"');
    await agent.get("/docs/swagger-ui-bundle.js").expect(200);
  });

  it("/openapi.json is an OpenAPI 3.1 document with the mounted routes", async () => {
    const res = await request(counterApp(t).app).get("/openapi.json").expect(200);
    expect(res.body.openapi).toBe("3.1.0");
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(["/health", "/ready", "/counters", "/counters/{id}/increments", "/counters/{id}"]),
    );
    expect(res.body.components.schemas.Problem).toBeDefined();
  });
});

describe("generated contracts", () => {
  it("contracts/openapi.json matches the route modules (in process)", async () => {
    const drift = await checkContracts(REPO_ROOT, "openapi");
    if (drift.length) throw new Error(describeDrift(drift));
  });

  // openapi-typescript's ES-module dependencies cannot load inside jest's CommonJS registry on
  // Node 20, so the full check (JSON and generated types) runs as `npm run contracts:check` does.
  it("npm run contracts:check passes on the committed files", async () => {
    const tsx = join(REPO_ROOT, "node_modules", "tsx", "dist", "cli.mjs");
    const { stdout } = await promisify(execFile)(process.execPath, [tsx, "scripts/contracts.ts", "check"], {
      cwd: REPO_ROOT,
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    expect(stdout).toContain("contracts: up to date");
  });
});
