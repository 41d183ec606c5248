/**
 * Kafka for e2e tests. The global setup probes the broker (KAFKA_BROKERS, default 127.0.0.1:9092)
 * and sets KAFKA_AVAILABLE. Without a broker the e2e suites skip with a visible notice, unless
 * KAFKA_REQUIRED=1 (CI), where a missing broker fails the run.
 */
import { randomBytes } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";
import { kafkaReachable } from "../../services/platform/messaging/kafka-client";

export const KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");

/** Probes the broker with an admin call; true when it answers within `timeoutMs`. */
export function probeKafka(brokers = KAFKA_BROKERS, timeoutMs = 5000): Promise<boolean> {
  const kafka = new Kafka({
    clientId: "probe",
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    retry: { retries: 1 },
  });
  return kafkaReachable(kafka, timeoutMs);
}

/** `describe` when a broker is available, else `describe.skip` after printing a notice. */
export function describeWithKafka(name: string, fn: () => void): void {
  if (process.env.KAFKA_AVAILABLE === "1") {
    describe(name, fn);
    return;
  }
  console.warn(`NOTICE: skipping "${name}": no Kafka broker at ${KAFKA_BROKERS.join(",")} (run npm run stack:up)`);
  describe.skip(name, fn);
}

/** A kafkajs client for tests, quiet unless KAFKA_LOG is set. */
export const testKafka = (clientId = "test", brokers = KAFKA_BROKERS) =>
  new Kafka({
    clientId,
    brokers,
    logLevel: process.env.KAFKA_LOG ? logLevel.INFO : logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 3000 },
  });

/** A topic prefix unique to one test, so runs and suites never share topics or groups. */
export const uniquePrefix = () => `t${randomBytes(4).toString("hex")}.`;
