/**
 * Start-up and shutdown shared by the Kafka-side processes (relay, projection worker): both need a
 * PostgreSQL server (`DATABASE_URL`) and brokers (`KAFKA_BROKERS`), migrate, ensure the topics,
 * and stop cleanly on SIGINT/SIGTERM.
 */
import type { Kafka } from "kafkajs";
import pino, { type Logger } from "pino";
import { migrate } from "./migrate";
import { ensureTopics } from "../services/platform/messaging/topic-admin";
import { type Database, openDatabase } from "../services/platform/db/database";
import { createKafka } from "../services/platform/messaging/kafka-client";
import { startTracing, stopTracing } from "../services/platform/tracing";

/** What a Kafka-side process runs with. `prefix` is `KAFKA_TOPIC_PREFIX` (default empty). */
export interface WorkerProcess {
  db: Database;
  kafka: Kafka;
  prefix: string;
  log: Logger;
}

/**
 * Boots process `name`, runs `start`, and on SIGINT/SIGTERM awaits the returned stop function,
 * closes the database and exits 0. Exits 1 with the error when booting fails.
 */
export function runWorkerProcess(name: string, start: (p: WorkerProcess) => Promise<() => Promise<void>>): void {
  const log = pino({ name });
  // OpenTelemetry when the OTEL_* variables ask for it (services/platform/tracing.ts).
  if (startTracing(`ftz-${name}`)) log.info("tracing on (OTLP)");
  (async () => {
    const { DATABASE_URL, KAFKA_BROKERS } = process.env;
    if (!DATABASE_URL || !KAFKA_BROKERS) throw new Error(`${name} needs DATABASE_URL and KAFKA_BROKERS`);
    const prefix = process.env.KAFKA_TOPIC_PREFIX ?? "";
    const db = await openDatabase({ databaseUrl: DATABASE_URL });
    await migrate(db);
    const kafka = createKafka(KAFKA_BROKERS, name);
    await ensureTopics(kafka, prefix);
    const stopWork = await start({ db, kafka, prefix, log });
    const stop = async () => {
      await stopWork();
      await db.close();
      await stopTracing();
      process.exit(0);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  })().catch((err) => {
    log.error({ err }, `${name} failed to start`);
    process.exit(1);
  });
}
