/**
 * Prometheus metrics (prom-client) at `GET /metrics` (roles admin and analyst; Prometheus sends a
 * bearer token): HTTP request latency histograms by method,
 * route pattern and status; command outcomes (POST routes by status class); relay lag (events
 * stored after the relay's checkpoint); projection lag (events and seconds behind, per
 * projection); alert gauges `projection_parked_events` and `projection_gaps_seen`. Lags are read
 * from the database at scrape time; when a read fails or takes over 2 s, `metrics_database_up` is 0 and the gauges
 * of that read are left out, while the process and HTTP metrics are still served. Each app has
 * its own registry, so several apps in one process (tests) do not collide.
 */
import type { Request, RequestHandler, Router } from "express";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { relayBacklog } from "../../relay/relay-backlog";
import { PROJECTIONS } from "../../../projections/registry";
import { projectionLag } from "../../../projections/runner/lag";
import type { SqlExecutor } from "../../platform/db/database";
import { allow } from "../auth/access";

/** The app's metrics and the middleware that records requests. */
export interface ApiMetrics {
  registry: Registry;
  record: RequestHandler;
  /** Mounts `GET /metrics` (Prometheus text format). */
  mount(router: Router): void;
}

/** The route pattern of a request (`/reform-tasks/:taskId`), not its URL: bounded label values. */
const routeOf = (req: Request) => (req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : "unmatched");

/** How long a scrape waits for each database read before leaving its gauges out, ms. */
export const DATABASE_READ_TIMEOUT_MS = 2_000;

/**
 * The HTTP figures on `registry`: request latency by method, route pattern and status, and POST
 * command outcomes by status class. Returns the middleware that records each request.
 */
function httpRecorder(registry: Registry): RequestHandler {
  const latency = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request latency in seconds",
    labelNames: ["method", "route", "status"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const commands = new Counter({
    name: "commands_total",
    help: "POST commands by route and outcome (2xx accepted, 4xx refused, 5xx failed)",
    labelNames: ["route", "outcome"],
    registers: [registry],
  });
  return (req, res, next) => {
    const end = latency.startTimer();
    res.on("finish", () => {
      const route = routeOf(req);
      const status = String(res.statusCode);
      end({ method: req.method, route, status });
      if (req.method === "POST") commands.inc({ route, outcome: `${status[0]}xx` });
    });
    next();
  };
}

/** A database-backed read: the gauges it sets, and the read that sets them. */
interface GaugeRead {
  gauges: Gauge[];
  read: () => Promise<void>;
}

/** `read`, or a rejection after DATABASE_READ_TIMEOUT_MS: a database that hangs must not hang the scrape (Prometheus' default scrape timeout is 10 s). */
function withinTimeout(read: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${DATABASE_READ_TIMEOUT_MS} ms`)),
      DATABASE_READ_TIMEOUT_MS,
    );
  });
  return Promise.race([read, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The figures read from the database at scrape time, on `registry`: relay backlog, projection
 * lag, parked events and records, gaps seen. Returns the function a scrape awaits before it
 * renders: each read within DATABASE_READ_TIMEOUT_MS, a failed one leaving its gauges out
 * (unlabelled ones NaN) and `metrics_database_up` at 0.
 */
function databaseGauges(db: SqlExecutor, registry: Registry): () => Promise<void> {
  // Figures read from the database at scrape time. The reads run before the registry renders, and a
  // failed read leaves its gauges out of the scrape (no stale value) and sets
  // `metrics_database_up` to 0, so the process metrics still reach Prometheus while the
  // database is down.
  const databaseUp = new Gauge({
    name: "metrics_database_up",
    help: "1 when every database-backed gauge of this scrape was read, 0 when a read failed",
    registers: [registry],
  });
  const relayLag = new Gauge({
    name: "relay_lag_events",
    help: "Events stored after the relay's checkpoint (not yet published to Kafka)",
    registers: [registry],
  });
  const relayOldest = new Gauge({
    name: "relay_oldest_unpublished_seconds",
    help: "Seconds the oldest event after the relay's checkpoint has waited (0: nothing to publish); above RELAY_STALL_SECONDS /ready reports the relay stalled",
    registers: [registry],
  });
  const lagEvents = new Gauge({
    name: "projection_lag_events",
    help: "Events of a projection's categories it has not applied yet",
    labelNames: ["projection"],
    registers: [registry],
  });
  const lagSeconds = new Gauge({
    name: "projection_lag_seconds",
    help: "Recorded-time distance between a projection's last applied event and the newest event",
    labelNames: ["projection"],
    registers: [registry],
  });
  // Alert metrics: anything parked needs an operator (the event is missing from a read model), and
  // a gap means a projection saw a stream revision skip (an event it never received).
  const parked = new Gauge({
    name: "projection_parked_events",
    help: "Events and Kafka records a projection could not apply and parked (alert when > 0)",
    labelNames: ["projection", "kind"],
    registers: [registry],
  });
  const gaps = new Gauge({
    name: "projection_gaps_seen",
    help: "Stream revisions a projection found skipped (an event it never received; alert when > 0)",
    labelNames: ["projection"],
    registers: [registry],
  });
  // Each read awaits its query, then replaces its gauges' values synchronously (no other scrape
  // can render a half-set gauge). A failed read empties its labelled gauges and sets an
  // unlabelled one to NaN (prom-client would otherwise print 0, which would claim "no lag").
  const reads: GaugeRead[] = [
    {
      gauges: [relayLag, relayOldest],
      read: async () => {
        const backlog = await relayBacklog(db);
        relayLag.set(backlog.events);
        relayOldest.set(backlog.oldestSeconds);
      },
    },
    {
      gauges: [lagEvents, lagSeconds],
      read: async () => {
        const lags = await Promise.all(
          PROJECTIONS.map(async (p) => ({
            name: p.name,
            lag: await projectionLag(db, p.name, p.categories.includes("*") ? undefined : p.categories),
          })),
        );
        for (const { name, lag } of lags) {
          lagEvents.set({ projection: name }, lag.eventsBehind);
          lagSeconds.set({ projection: name }, lag.secondsBehind);
        }
      },
    },
    {
      gauges: [parked],
      read: async () => {
        // Rows of a rebuild in progress (`<name>__rebuild`) are not the live projection's.
        const { rows } = await db.query<{ projection: string; kind: string; n: string }>(
          `SELECT projection, 'event' AS kind, count(*)::text AS n FROM parked_events
            WHERE projection NOT LIKE '%\\_\\_rebuild' GROUP BY projection
           UNION ALL SELECT projection, 'record', count(*)::text FROM parked_records GROUP BY projection`,
        );
        parked.reset();
        for (const p of PROJECTIONS)
          for (const kind of ["event", "record"]) parked.set({ projection: p.name, kind }, 0);
        for (const r of rows) parked.set({ projection: r.projection, kind: r.kind }, Number(r.n));
      },
    },
    {
      gauges: [gaps],
      read: async () => {
        const { rows } = await db.query<{ projection: string; gaps: string }>(
          "SELECT projection, gaps_seen::text AS gaps FROM projection_status WHERE projection NOT LIKE '%\\_\\_rebuild'",
        );
        gaps.reset();
        for (const r of rows) gaps.set({ projection: r.projection }, Number(r.gaps));
      },
    },
  ];
  return async () => {
    const outcomes = await Promise.allSettled(reads.map((r) => withinTimeout(r.read())));
    outcomes.forEach((o, i) => {
      if (o.status !== "rejected") return;
      for (const g of reads[i]!.gauges) {
        g.reset();
        if (g === relayLag || g === relayOldest) g.set(Number.NaN);
      }
    });
    databaseUp.set(outcomes.every((o) => o.status === "fulfilled") ? 1 : 0);
  };
}

/** Creates the registry, the request recorder and the scrape-time lag collectors. */
export function createMetrics(db: SqlExecutor, opts: { defaultMetrics?: boolean } = {}): ApiMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const record = httpRecorder(registry);
  const readDatabaseGauges = databaseGauges(db, registry);
  return {
    registry,
    record,
    mount(router) {
      router.get("/metrics", allow("admin", "analyst"), async (_req, res) => {
        await readDatabaseGauges();
        res.set("Content-Type", registry.contentType).send(await registry.metrics());
      });
    },
  };
}
