/**
 * Feeds a projection from Kafka (README, architecture): a consumer group per projection
 * (`<prefix>projection.<name>`), manual commits. Each fetched batch is applied in one PostgreSQL
 * transaction with the partition's next offset (table `projection_offsets`); the offset is committed
 * to Kafka only after that transaction commits. A crash in between redelivers the batch, and the
 * stream-revision check in `applyBatch` drops what was applied, so the effect is exactly once.
 * A record that is not a readable event of ours is parked in `parked_records` (topic, partition,
 * offset, reason, raw bytes) in that same transaction.
 */
import type { Consumer, Kafka } from "kafkajs";
import { TOPICS, type TopicSpec, topicFor, topicName } from "../../contracts/topics";
import { fromKafkaMessage } from "../../services/platform/messaging/cloudevent-message";
import type { Database } from "../../services/platform/db/database";
import { applyBatch } from "./apply-batch";
import { LIVE, type Projection, type ProjectionEvent } from "./projection";
import type { Feed } from "./store-feed";

/** Topics holding the projection's categories. */
export function topicsOf(projection: Projection, prefix = "", topics: readonly TopicSpec[] = TOPICS): string[] {
  return [...new Set(projection.categories.map((c) => topicName(topicFor(`${c}-x`, topics), prefix)))];
}

/** Starts a consumer for `projection`; resolves once it has joined its group. */
export async function startKafkaFeed(
  db: Database,
  kafka: Kafka,
  projection: Projection,
  opts: {
    topicPrefix?: string;
    topics?: readonly TopicSpec[];
    onError?: (err: unknown) => void;
    /**
     * Fault-injection point for the fault suite (test/faults), default 0: ms to hold each batch,
     * half inside its transaction (a crash rolls it back) and half between the commit and the
     * Kafka offset commit (a crash makes Kafka redeliver what was applied).
     */
    testPauseMs?: number;
  } = {},
): Promise<Feed & { consumer: Consumer }> {
  const pause = () => new Promise((r) => setTimeout(r, (opts.testPauseMs ?? 0) / 2));
  const prefix = opts.topicPrefix ?? "";
  await db.transaction((tx) => projection.setup(tx, LIVE));
  const consumer = kafka.consumer({
    groupId: `${prefix}projection.${projection.name}`,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 5_000 },
  });
  await consumer.connect();
  await consumer.subscribe({ topics: topicsOf(projection, prefix, opts.topics), fromBeginning: true });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
      if (!isRunning() || isStale() || batch.messages.length === 0) return;
      const events: ProjectionEvent[] = [];
      const unreadable: { offset: string; key: Buffer | null; reason: string; payload: Buffer | null }[] = [];
      for (const m of batch.messages) {
        try {
          events.push(fromKafkaMessage(m));
        } catch (err) {
          // The reason may quote the record (JSON.parse does): PostgreSQL text cannot hold NUL.
          const reason = String((err as Error)?.message ?? err)
            .replaceAll("\u0000", "\\u0000")
            .slice(0, 2000);
          unreadable.push({ offset: m.offset, key: m.key ?? null, reason, payload: m.value });
          opts.onError?.(new Error(`unreadable record ${batch.topic}/${batch.partition}@${m.offset}: ${reason}`));
        }
      }
      const next = (BigInt(batch.lastOffset()) + 1n).toString();
      await db.transaction(async (tx) => {
        const outcome = await applyBatch(tx, projection, events, {
          tables: LIVE,
          progress: async (t) => {
            // Records that are not events of ours are parked by their coordinates, in the same
            // transaction that moves the offset past them: skipped visibly, never silently.
            if (unreadable.length) {
              await t.query(
                `INSERT INTO parked_records (projection, topic, partition, record_offset, record_key, reason, payload)
                 SELECT $1, $2, $3, o, k, r, p FROM unnest($4::bigint[], $5::bytea[], $6::text[], $7::bytea[]) AS x(o, k, r, p)
                 ON CONFLICT DO NOTHING`,
                [
                  projection.name,
                  batch.topic,
                  batch.partition,
                  unreadable.map((u) => u.offset),
                  unreadable.map((u) => u.key),
                  unreadable.map((u) => u.reason),
                  unreadable.map((u) => u.payload),
                ],
              );
            }
            await t.query(
              `INSERT INTO projection_offsets (projection, topic, partition, next_offset) VALUES ($1, $2, $3, $4)
               ON CONFLICT (projection, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset`,
              [projection.name, batch.topic, batch.partition, next],
            );
          },
        });
        if (opts.testPauseMs) await pause();
        return outcome;
      });
      if (opts.testPauseMs) await pause();
      resolveOffset(batch.lastOffset());
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
      await heartbeat();
    },
  });
  await joined;
  return {
    consumer,
    stop: () => consumer.disconnect(),
    caughtUp: async () => {
      // Caught up when, for every partition, our stored next offset reached the high watermark.
      const admin = kafka.admin();
      await admin.connect();
      try {
        for (;;) {
          let behind = 0;
          for (const topic of topicsOf(projection, prefix, opts.topics)) {
            const offsets = await admin.fetchTopicOffsets(topic);
            const { rows } = await db.query<{ partition: number; next_offset: string }>(
              "SELECT partition, next_offset FROM projection_offsets WHERE projection = $1 AND topic = $2",
              [projection.name, topic],
            );
            for (const o of offsets) {
              const done = Number(rows.find((r) => r.partition === o.partition)?.next_offset ?? 0);
              behind += Math.max(0, Number(o.high) - done);
            }
          }
          if (behind === 0) return;
          await new Promise((r) => setTimeout(r, 100));
        }
      } finally {
        await admin.disconnect();
      }
    },
  };
}
