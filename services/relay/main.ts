/**
 * Relay process: publishes the event store's global log to Kafka (see relay.ts). Needs
 * `DATABASE_URL` (a PostgreSQL server: the advisory lock needs a dedicated session) and
 * `KAFKA_BROKERS`. Run two for fail-over: one publishes, the other waits for the lock.
 */
import pino from "pino";
import { migrate } from "../../infra/migrate";
import { openDatabase } from "../platform/db/database";
import { PostgresEventStore } from "../platform/event-store/postgres-event-store";
import { createKafka } from "../platform/kafka-client";
import { Relay } from "./relay";
import { ensureTopics } from "./topic-admin";

async function main(): Promise<void> {
  const log = pino({ name: "relay" });
  const { DATABASE_URL, KAFKA_BROKERS } = process.env;
  if (!DATABASE_URL || !KAFKA_BROKERS) throw new Error("the relay needs DATABASE_URL and KAFKA_BROKERS");
  const prefix = process.env.KAFKA_TOPIC_PREFIX ?? "";
  const db = await openDatabase({ databaseUrl: DATABASE_URL });
  await migrate(db);
  const kafka = createKafka(KAFKA_BROKERS, "relay");
  await ensureTopics(kafka, prefix);
  const relay = new Relay({
    db,
    store: new PostgresEventStore(db),
    kafka,
    topicPrefix: prefix,
    name: process.env.RELAY_NAME ?? "relay",
    log: (msg, fields) => log.info(fields ?? {}, msg),
  });
  relay.start();
  log.info("relay started (active once it holds the lock)");
  const stop = async () => {
    await relay.stop();
    await db.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
