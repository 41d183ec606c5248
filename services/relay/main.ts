/**
 * Relay process: publishes the event store's global log to Kafka (see relay.ts). Needs
 * `DATABASE_URL` (a PostgreSQL server: the advisory lock needs a dedicated session) and
 * `KAFKA_BROKERS`. Run two for fail-over: one publishes, the other waits for the lock.
 */
import { PostgresEventStore } from "../platform/event-store/postgres-event-store";
import { runWorkerProcess } from "../../infra/worker-process";
import { Relay } from "./relay";

/** Test only: ms to wait after each acknowledged batch (`RELAY_TEST_PAUSE_AFTER_ACK_MS`, default 0). */
const pauseAfterAck = Number(process.env.RELAY_TEST_PAUSE_AFTER_ACK_MS ?? 0);

runWorkerProcess("relay", async ({ db, kafka, prefix, log }) => {
  const relay = new Relay({
    db,
    store: new PostgresEventStore(db),
    kafka,
    topicPrefix: prefix,
    name: process.env.RELAY_NAME ?? "relay",
    log: (msg, fields) => log.info(fields ?? {}, msg),
    // Fault-injection point for the fault suite (test/faults): hold each batch between the
    // broker's acknowledgement and the checkpoint, the window where a crash makes the relay re-send.
    afterAck: pauseAfterAck ? () => new Promise((r) => setTimeout(r, pauseAfterAck)) : undefined,
  });
  relay.start();
  log.info("relay started (active once it holds the lock)");
  return () => relay.stop();
});
