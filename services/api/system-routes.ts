/**
 * Operational endpoints: `/health` (liveness: the process serves HTTP; always 200) and
 * `/ready` (readiness: the database answers `SELECT 1`, Kafka when a probe is configured, and the
 * relay publishes when a stall limit is configured; 503 problem otherwise, naming what is down).
 */
import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { z } from "../../contracts/http/zod";
import { allow } from "./auth/access";
import { problemResponses } from "../../contracts/http/responses";
import { HealthStatus, ProjectionsStatus, ReadyStatus } from "../../contracts/http/system";
import { PROJECTIONS } from "../../projections/registry";
import { projectionLag } from "../../projections/runner/lag";
import { relayBacklog } from "../relay/relay-backlog";
import { Problems } from "./http/problem";
import type { RouteModule } from "./route-module";

/** Options of the system routes. */
export interface SystemRoutesOptions {
  /** Kafka probe; when given, `/ready` needs it to resolve true. */
  kafkaReady?: () => Promise<boolean>;
  /** Milliseconds each readiness check may take before it counts as down. Default 2,000. */
  checkTimeoutMs?: number;
  /**
   * When set (a relay publishes to Kafka), `/ready` also reports the relay `down` while the oldest
   * event it has not published has waited longer than this many seconds (relay-backlog.ts).
   */
  relayStallSeconds?: number;
}

async function probe(check: () => Promise<boolean>, timeoutMs: number): Promise<"up" | "down"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return (await Promise.race([check().catch(() => false), timeout])) ? "up" : "down";
  } finally {
    clearTimeout(timer);
  }
}

/** The `/health` and `/ready` route module. */
export function systemRoutes(opts: SystemRoutesOptions = {}): RouteModule {
  const timeoutMs = opts.checkTimeoutMs ?? 2_000;
  return {
    name: "system",
    register(router, ctx) {
      router.get("/health", (_req, res) => {
        res.set("Cache-Control", "no-store").json({ status: "ok" });
      });
      router.get("/ready", async (_req, res) => {
        const checks: Record<string, "up" | "down"> = {
          database: await probe(async () => (await ctx.db.query("SELECT 1 AS ok")).rows.length === 1, timeoutMs),
        };
        if (opts.kafkaReady) checks.kafka = await probe(opts.kafkaReady, timeoutMs);
        let relayReason = "";
        if (opts.relayStallSeconds !== undefined && checks.database === "up") {
          const limit = opts.relayStallSeconds;
          checks.relay = await probe(async () => {
            const b = await relayBacklog(ctx.db);
            if (b.oldestSeconds <= limit) return true;
            relayReason = `; relay stalled: ${b.events} events unpublished, the oldest for ${Math.round(b.oldestSeconds)} s (limit ${limit} s)`;
            return false;
          }, timeoutMs);
        }
        const down = Object.keys(checks).filter((k) => checks[k] === "down");
        if (down.length > 0) throw Problems.notReady(`Not ready: ${down.join(", ")} unavailable${relayReason}`, checks);
        res.set("Cache-Control", "no-store").json({ status: "ready", checks });
      });
      router.get("/projections", allow("admin", "analyst"), async (_req, res) => {
        const { rows } = await ctx.db.query<{ projection: string }>(
          "SELECT projection FROM projection_status WHERE projection NOT LIKE '%\\_\\_rebuild' ORDER BY projection",
        );
        const projections = [];
        for (const r of rows) {
          const categories = PROJECTIONS.find((p) => p.name === r.projection)?.categories;
          projections.push(await projectionLag(ctx.db, r.projection, categories));
        }
        res.set("Cache-Control", "no-store").json({ projections });
      });
    },
    openapi(registry: OpenAPIRegistry) {
      registry.registerPath({
        method: "get",
        path: "/health",
        security: [],
        tags: ["system"],
        summary: "Liveness: the process serves HTTP",
        responses: { 200: { description: "Alive", content: { "application/json": { schema: HealthStatus } } } },
      });
      registry.registerPath({
        method: "get",
        path: "/ready",
        security: [],
        tags: ["system"],
        summary: "Readiness: the database (and Kafka, when configured) answer",
        responses: {
          200: { description: "Ready", content: { "application/json": { schema: ReadyStatus } } },
          ...problemResponses(503),
        },
      });
      registry.registerPath({
        method: "get",
        path: "/projections",
        tags: ["system"],
        summary: "Lag of every projection (events and seconds behind the event store)",
        responses: {
          200: { description: "Lag figures", content: { "application/json": { schema: ProjectionsStatus } } },
        },
      });
      registry.registerPath({
        method: "get",
        path: "/metrics",
        tags: ["system"],
        summary: "Prometheus metrics: request latency, command outcomes, relay and projection lag",
        responses: {
          200: { description: "Prometheus text format", content: { "text/plain": { schema: z.string() } } },
        },
      });
      registry.registerPath({
        method: "get",
        path: "/openapi.json",
        security: [],
        tags: ["system"],
        summary: "This OpenAPI 3.1 document",
        responses: { 200: { description: "The OpenAPI document", content: { "application/json": { schema: {} } } } },
      });
    },
  };
}
