/**
 * Readiness probe for the broker: succeeds once a kafkajs admin client can connect and
 * describe the cluster. Exit code 0 when ready, 1 after KAFKA_READY_TIMEOUT_S seconds (default 90).
 */
import { Kafka, logLevel } from "kafkajs";

const brokers = (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");
const deadline = Date.now() + Number(process.env.KAFKA_READY_TIMEOUT_S ?? 90) * 1000;

async function main(): Promise<void> {
  const kafka = new Kafka({ clientId: "ready-probe", brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 } });
  for (;;) {
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      await admin.listTopics();
      await admin.disconnect();
      if (cluster.brokers.length > 0) return;
    } catch {
      await admin.disconnect().catch(() => undefined);
    }
    if (Date.now() > deadline) throw new Error(`broker at ${brokers.join(",")} not ready`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(String(e));
    process.exit(1);
  },
);
