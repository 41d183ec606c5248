/** The kafkajs client every process builds from `KAFKA_BROKERS` (comma-separated host:port list). */
import { Kafka, logLevel } from "kafkajs";

/** A kafkajs client; kafkajs's own logs go to stderr at WARN unless `KAFKA_LOG_LEVEL` says otherwise. */
export function createKafka(brokers: string, clientId: string): Kafka {
  const level = (process.env.KAFKA_LOG_LEVEL ?? "WARN").toUpperCase() as keyof typeof logLevel;
  return new Kafka({
    clientId,
    brokers: brokers
      .split(",")
      .map((b) => b.trim())
      .filter(Boolean),
    logLevel: logLevel[level] ?? logLevel.WARN,
    retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 10_000 },
  });
}

/** True when an admin client can reach the cluster within `timeoutMs` (for `/ready`). */
export async function kafkaReachable(kafka: Kafka, timeoutMs = 3000): Promise<boolean> {
  const admin = kafka.admin();
  const timeout = new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs).unref());
  const probe = (async () => {
    try {
      await admin.connect();
      await admin.describeCluster();
      return true;
    } catch {
      return false;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  })();
  return Promise.race([probe, timeout]);
}
