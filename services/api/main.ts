/**
 * The API process: opens the database (`DATABASE_URL`, else PGlite in `.data/pglite` or
 * `PGLITE_DIR`), applies migrations, loads the shipped reform task list and sample declarations on first start (see
 * `seed`), starts the read side, serves HTTP on `PORT` (default
 * 3000), deletes expired idempotency keys hourly, and shuts down cleanly on SIGINT/SIGTERM.
 */
import { answerClientErrorsWithProblems } from "./http/client-error";
import { mkdirSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { migrate } from "../../infra/migrate";
import { type Database, openDatabase } from "../platform/db/database";
import { PostgresEventStore } from "../platform/event-store/postgres-event-store";
import { startTracing, stopTracing } from "../platform/tracing";
import { seedDeclarations } from "../direct-clearance";
import { seedEditions } from "../negative-list";
import { relayStallSeconds } from "../relay/relay-backlog";
import { seedTaskList } from "../reform-tasks";
import { createApp, defaultLogger } from "./app";
import { IdempotencyStore } from "./http/idempotency";
import { startReadSide } from "./read-side";

/** Where and how to run; each field defaults from the environment. */
export interface ServerOptions {
  /** TCP port; 0 picks a free one. Default `PORT` or 3000. */
  port?: number;
  /** Interface to bind. Default `HOST` or all interfaces. */
  host?: string;
  /** PostgreSQL connection string. Default `DATABASE_URL`; absent → PGlite. */
  databaseUrl?: string;
  /** PGlite data folder. Default `PGLITE_DIR` or `.data/pglite`. */
  pgliteDir?: string;
  logger?: Logger;
  /**
   * Load the shipped 2026 reform task list and a generated sample of declarations, each when the
   * store holds none yet. Default `SEED_DATA` ("1"/"0"), else on for the embedded default
   * (PGlite) and off with DATABASE_URL.
   */
  seed?: boolean;
}

const seedByDefault = (databaseUrl: string | undefined) =>
  process.env.SEED_DATA ? process.env.SEED_DATA === "1" : !databaseUrl;

/** A running server. */
export interface RunningServer {
  server: Server;
  /** The bound port. */
  port: number;
  db: Database;
  /** Stops accepting connections, stops the read side, closes the database. Idempotent. */
  stop(): Promise<void>;
}

const HOUR_MS = 3_600_000;

/** Opens, migrates, starts the read side and listens. */
export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const logger = opts.logger ?? defaultLogger();
  const databaseUrl = opts.databaseUrl ?? process.env.DATABASE_URL;
  const pgliteDir = opts.pgliteDir ?? process.env.PGLITE_DIR ?? ".data/pglite";
  if (!databaseUrl) mkdirSync(pgliteDir, { recursive: true });
  const db = await openDatabase({ databaseUrl, dataDir: pgliteDir });
  const applied = await migrate(db);
  logger.info({ engine: db.kind, applied }, "database ready");

  const store = new PostgresEventStore(db);
  await seedEditions(store, logger);
  let seeded = "seeding off (SEED_DATA=0)";
  if (opts.seed ?? seedByDefault(databaseUrl)) {
    const tasks = await seedTaskList(db, store, logger);
    const declarations = await seedDeclarations(db, store, logger);
    seeded =
      tasks || declarations
        ? "seeded the 2026 task list and sample declarations"
        : "found existing data (nothing seeded)";
  }
  const readSide = await startReadSide({ db, store, logger, kafkaBrokers: process.env.KAFKA_BROKERS });
  const idempotency = new IdempotencyStore(db);
  const app = createApp({
    db,
    store,
    logger,
    idempotency,
    kafkaReady: readSide.kafkaReady,
    // With Kafka a relay publishes the log; readiness reports it when it stops doing so.
    relayStallSeconds: process.env.KAFKA_BROKERS ? relayStallSeconds() : undefined,
  });

  const cleanup = setInterval(() => {
    idempotency
      .deleteExpired()
      .then((n) => n > 0 && logger.info({ deleted: n }, "expired idempotency keys deleted"))
      .catch((err) => logger.warn({ err }, "idempotency key cleanup failed"));
  }, HOUR_MS);
  cleanup.unref();

  const port = opts.port ?? Number(process.env.PORT ?? 3000);
  const host = opts.host ?? process.env.HOST;
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host ?? "::", (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  answerClientErrorsWithProblems(server);
  const bound = (server.address() as AddressInfo).port;
  const base = `http://${host && host !== "::" ? host : "127.0.0.1"}:${bound}`;
  logger.info(
    { port: bound, engine: db.kind, docs: `${base}/docs`, openapi: `${base}/openapi.json`, seeded },
    `API listening on ${base}: docs at ${base}/docs, the document at ${base}/openapi.json; ` +
      (process.env.AUTH_JWKS_URL
        ? `tokens from ${process.env.AUTH_JWKS_URL}; `
        : "a development token: npm run -s token -- --role taskforce (or --help); ") +
      seeded,
  );

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      clearInterval(cleanup);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Long-lived answers (a feed's Server-Sent Events, a long poll) get 2 s, then are cut.
      const cut = setTimeout(() => server.closeAllConnections(), 2_000);
      cut.unref();
      await closed;
      clearTimeout(cut);
      await readSide.stop();
      await db.close();
      logger.info("API stopped");
    })();
    return stopping;
  };
  return { server, port: bound, db, stop };
}

if (require.main === module) {
  const logger = defaultLogger();
  // OpenTelemetry when the OTEL_* variables ask for it (services/platform/tracing.ts).
  if (startTracing("ftz-api")) logger.info("tracing on (OTLP)");
  startServer({ logger })
    .then((running) => {
      const shutdown = (signal: string) => {
        logger.info({ signal }, "shutting down");
        const force = setTimeout(() => {
          logger.error("shutdown took longer than 10 s; exiting");
          process.exit(1);
        }, 10_000);
        force.unref();
        running.stop().then(
          () => stopTracing().finally(() => process.exit(0)),
          (err) => {
            logger.error({ err }, "shutdown failed");
            process.exit(1);
          },
        );
      };
      process.once("SIGINT", () => shutdown("SIGINT"));
      process.once("SIGTERM", () => shutdown("SIGTERM"));
    })
    .catch((err) => {
      logger.fatal({ err }, "API failed to start");
      process.exit(1);
    });
}
