/**
 * Creates the application's topics (contracts/topics.ts) with explicit partitions and retention,
 * and `max.message.bytes` from SIZE_LIMITS, and raises the partition count of existing ones to
 * the spec (retention and size of an existing topic are left as operators set them). Idempotent.
 */
import type { Kafka } from "kafkajs";
import { SIZE_LIMITS, TOPICS, type TopicSpec, topicName } from "../../../contracts/topics";

/**
 * Ensures every topic exists as specified. Returns the names created by this call. The replication
 * factor is `KAFKA_REPLICATION_FACTOR` (default 1, the single-node broker of infra/kafka).
 */
export async function ensureTopics(
  kafka: Kafka,
  prefix = "",
  topics: readonly TopicSpec[] = TOPICS,
): Promise<string[]> {
  const replicationFactor = Number(process.env.KAFKA_REPLICATION_FACTOR ?? 1);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(topicName(t, prefix)));
    if (missing.length) {
      // Another process may create them at the same moment: "already exists" is success here.
      await admin
        .createTopics({
          waitForLeaders: true,
          topics: missing.map((t) => ({
            topic: topicName(t, prefix),
            numPartitions: t.partitions,
            replicationFactor,
            configEntries: [
              { name: "retention.ms", value: String(t.retentionMs) },
              { name: "cleanup.policy", value: "delete" },
              // Set, not inherited from the broker: every event the store accepts must fit (SIZE_LIMITS).
              { name: "max.message.bytes", value: String(SIZE_LIMITS.topicMaxMessageBytes) },
            ],
          })),
        })
        .catch((err: { type?: string; errors?: { type?: string }[] }) => {
          const all = err.errors ?? [err];
          if (!all.every((e) => e.type === "TOPIC_ALREADY_EXISTS")) throw err;
        });
    }
    const present = topics.filter((t) => existing.has(topicName(t, prefix)));
    if (present.length) {
      const meta = await admin.fetchTopicMetadata({ topics: present.map((t) => topicName(t, prefix)) });
      const grow = present.filter((t) => {
        const m = meta.topics.find((x) => x.name === topicName(t, prefix));
        return m && m.partitions.length < t.partitions;
      });
      if (grow.length) {
        await admin.createPartitions({
          topicPartitions: grow.map((t) => ({ topic: topicName(t, prefix), count: t.partitions })),
        });
      }
    }
    return missing.map((t) => topicName(t, prefix));
  } finally {
    await admin.disconnect();
  }
}
