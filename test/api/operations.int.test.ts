/**
 * Operations on real PostgreSQL: Prometheus metrics (request latency, command outcomes, relay and
 * projection lag), security headers, and per-client rate limits answering 429 with Retry-After.
 */
import { type AddressInfo, createServer } from "node:net";
import pino from "pino";
import request from "supertest";
import { createApp } from "../../services/api/app";
import { DATABASE_READ_TIMEOUT_MS } from "../../services/api/http/metrics";
import { PgDatabase } from "../../services/platform/db/database";
import { PostgresEventStore } from "../../services/platform/event-store/postgres-event-store";
import { mintDevToken } from "../../services/api/auth/dev-key";
import { as } from "../support/auth";
import { serverDatabase, type TestDatabase } from "../support/databases";
import { productApp } from "../support/product-app";
import { taskPlanBody } from "../support/reform-tasks";

describe("operations (PostgreSQL)", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await serverDatabase();
  });
  afterEach(() => t.drop());

  it("exposes request latency, command outcomes and relay and projection lag at /metrics", async () => {
    const { app, readSide } = await productApp(t);
    try {
      const tf = await as(app, "taskforce");
      await readSide.caughtUp();
      await tf.get("/reform-tasks");
      await tf.post("/reform-tasks").set("Idempotency-Key", "m-1").send({});
      await readSide.caughtUp();
      expect((await request(app).get("/metrics")).status).toBe(401);
      const res = await (await as(app, "admin")).get("/metrics");
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toContain("text/plain");
      expect(res.text).toMatch(
        /http_request_duration_seconds_bucket\{.*method="GET",route="\/reform-tasks",status="200"/,
      );
      expect(res.text).toMatch(/commands_total\{route="\/reform-tasks",outcome="4xx"\} 1/);
      expect(res.text).toMatch(/relay_lag_events \d+/);
      expect(res.text).toMatch(/projection_lag_events\{projection="task_list"\} 0/);
      expect(res.text).toMatch(/projection_lag_seconds\{projection="clearance_times"\} 0/);
    } finally {
      await readSide.stop();
    }
  });

  it("still serves process and HTTP metrics while the database is unreachable, with metrics_database_up 0", async () => {
    // A pool to a port nothing listens on: every query fails with a real ECONNREFUSED.
    const down = new PgDatabase({
      connectionString: "postgres://postgres@127.0.0.1:1/test",
      connectionTimeoutMillis: 2000,
    });
    try {
      const app = createApp({ db: down, store: new PostgresEventStore(down), logger: pino({ level: "silent" }) });
      await request(app).get("/health").expect(200);
      const res = await (await as(app, "admin")).get("/metrics");
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/metrics_database_up 0/);
      expect(res.text).toMatch(/process_resident_memory_bytes \d+/);
      expect(res.text).toMatch(/http_request_duration_seconds_bucket\{.*route="\/health",status="200"/);
      // No stale or invented lag: the gauges whose read failed are unknown or left out.
      // prom-client writes NaN as "Nan", which Prometheus parses (Go ParseFloat ignores case).
      expect(res.text).toMatch(/^relay_lag_events nan$/im);
      expect(res.text).not.toMatch(/^projection_lag_events\{/m);
    } finally {
      await down.close();
    }
    // A server that accepts connections and never answers: the scrape still answers, without the gauges.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as AddressInfo).port;
    const hung = new PgDatabase({
      connectionString: `postgres://postgres@127.0.0.1:${port}/test`,
      connectionTimeoutMillis: 30_000,
    });
    try {
      const app = createApp({ db: hung, store: new PostgresEventStore(hung), logger: pino({ level: "silent" }) });
      const started = Date.now();
      const res = await (await as(app, "admin")).get("/metrics");
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/metrics_database_up 0/);
      expect(Date.now() - started).toBeLessThan(DATABASE_READ_TIMEOUT_MS + 5_000);
    } finally {
      silent.close();
      silent.unref();
      void hung.close().catch(() => undefined);
    }
    const { app, readSide } = await productApp(t);
    try {
      await readSide.caughtUp();
      expect((await (await as(app, "admin")).get("/metrics")).text).toMatch(/metrics_database_up 1/);
    } finally {
      await readSide.stop();
    }
  });

  it("sends security headers (helmet) on every response", async () => {
    const app = createApp({ db: t.db, store: new PostgresEventStore(t.db), logger: pino({ level: "silent" }) });
    const res = await request(app).get("/health");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(res.headers["strict-transport-security"]).toBeDefined();
    expect(res.headers["x-powered-by"]).toBeUndefined();
  });

  it("limits each client per minute: 429 problem with Retry-After, counted per token", async () => {
    const app = createApp({
      db: t.db,
      store: new PostgresEventStore(t.db),
      logger: pino({ level: "silent" }),
      rateLimitPerMinute: 3,
    });
    const analyst = await as(app, "analyst");
    const admin = await as(app, "admin");
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await analyst.get("/negative-list/editions")).status);
    expect(statuses.slice(0, 3)).not.toContain(429);
    const limited = await analyst.get("/negative-list/editions");
    expect(limited.status).toBe(429);
    expect(limited.headers["content-type"]).toContain("application/problem+json");
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect(Number(limited.headers["retry-after"])).toBeLessThanOrEqual(60);
    expect(limited.body.type).toContain("too-many-requests");
    // Another client has its own budget, and the probes are never limited.
    expect((await admin.get("/negative-list/editions")).status).not.toBe(429);
    expect((await request(app).get("/health")).status).toBe(200);
  });

  it("gives each principal its own budget: an admin and an analyst sharing a subject do not throttle each other", async () => {
    const app = createApp({
      db: t.db,
      store: new PostgresEventStore(t.db),
      logger: pino({ level: "silent" }),
      rateLimitPerMinute: 3,
    });
    const client = async (role: "admin" | "analyst") => {
      const auth = `Bearer ${await mintDevToken({ role, subject: "shared-person" })}`;
      return () => request(app).get("/negative-list/editions").set("Authorization", auth);
    };
    const analyst = await client("analyst");
    const admin = await client("admin");
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await analyst()).status);
    expect(statuses.map((s) => s === 429)).toEqual([false, false, false, true]);
    expect((await admin()).status).not.toBe(429);
  });

  it("answers 401 to a signed token whose sub holds NUL, instead of failing its writes at /metadata", async () => {
    const app = createApp({ db: t.db, store: new PostgresEventStore(t.db), logger: pino({ level: "silent" }) });
    const auth = `Bearer ${await mintDevToken({ role: "taskforce", subject: "tf\u0000x" })}`;
    const res = await request(app)
      .post("/reform-tasks")
      .set("Authorization", auth)
      .set("Idempotency-Key", "nul-subject-1")
      .send(taskPlanBody());
    expect(res.status).toBe(401);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(res.body.detail).toContain("sub contains the NUL character");
  });

  it("limits failed authentication per IP before verifying tokens", async () => {
    const app = createApp({
      db: t.db,
      store: new PostgresEventStore(t.db),
      logger: pino({ level: "silent" }),
      rateLimitPerMinute: 3,
    });
    const forged = () => request(app).get("/filings/queue").set("Authorization", "Bearer xx.yy.zz");
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await forged()).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });
});
