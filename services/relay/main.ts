/**
 * Relay process: publishes the event store's global log to Kafka (see relay.ts). Needs
 * `DATABASE_URL` (a PostgreSQL server: the advisory lock needs a dedicated session) and
 * `KAFKA_BROKERS`. Run two for fail-over: one publishes, the other waits for the lock.
 */
import { PostgresEventStore } from "../platform/event-store/postgres-event-store";
import { runWorkerProcess } from "../platform/worker-process";
import { Relay } from "./relay";

runWorkerProcess("relay", async ({ db, kafka, prefix, log }) => {
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
  return () => relay.stop();
});
