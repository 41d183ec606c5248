/**
 * Jest global setup: PostgreSQL must answer (every tier but unit needs it). Kafka availability is
 * checked by the e2e suites themselves (see kafka.ts): they skip with a notice, or fail when
 * KAFKA_REQUIRED=1 (CI).
 */
import { Client } from "pg";
import { TEST_DATABASE_URL } from "./databases";
import { KAFKA_BROKERS, probeKafka } from "./kafka";

export default async function globalSetup(): Promise<void> {
  const c = new Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5000 });
  try {
    await c.connect();
    await c.query("SELECT 1");
  } catch (e) {
    throw new Error(
      `PostgreSQL at ${TEST_DATABASE_URL} is not reachable (${String(e)}); start it or set TEST_DATABASE_URL`,
    );
  } finally {
    await c.end().catch(() => undefined);
  }
  const kafka = await probeKafka();
  if (!kafka && process.env.KAFKA_REQUIRED === "1") {
    throw new Error(`KAFKA_REQUIRED=1 but no Kafka broker answers at ${KAFKA_BROKERS.join(",")}`);
  }
  // Workers inherit the environment set here.
  process.env.KAFKA_AVAILABLE = kafka ? "1" : "0";
  if (!kafka) console.warn(`\nNOTICE: no Kafka broker at ${KAFKA_BROKERS.join(",")}: e2e suites will be skipped\n`);
}
