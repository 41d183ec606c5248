/**
 * `ftz relay republish --from <position|time>`: publishes a range of stored events to Kafka again,
 * the remedy for events a broker lost (an unclean leader election, a topic deleted by mistake):
 * `verify` reports them missing, this puts them back. Records are the relay's own
 * (`toKafkaMessage`: CloudEvents binary mode, key = stream id, so a stream stays in one partition),
 * sent with an idempotent producer at acks=all. Consumers drop what they already applied by
 * stream revision (projections/runner/apply-batch.ts), so re-publishing is always safe. Only what
 * the relay has published (at or below its checkpoint in its (transaction id, position) order):
 * the rest it publishes anyway. Recorded in the operator log.
 */
import { CompressionTypes, type Kafka } from "kafkajs";
import { topicFor, topicName } from "../../contracts/topics";
import type { SqlExecutor } from "../platform/db/database";
import type { PostgresEventStore } from "../platform/event-store/postgres-event-store";
import { toKafkaMessage } from "../platform/messaging/cloudevent-message";
import { recordOperation } from "./operator-log";

/** Where a re-publication starts: a global position, or the first event recorded at or after an instant. */
export type RepublishFrom = { position: number } | { time: Date };

/** What a re-publication did. */
export interface RepublishOutcome {
  fromPosition: number;
  toPosition: number;
  events: number;
}

/** The first global position `from` names (the head + 1 when nothing is that recent). */
async function firstPosition(db: SqlExecutor, from: RepublishFrom): Promise<number> {
  if ("position" in from) return from.position;
  const { rows } = await db.query<{ p: string | null }>(
    "SELECT min(global_position)::text AS p FROM events WHERE recorded_at >= $1",
    [from.time],
  );
  return rows[0]?.p ? Number(rows[0].p) : Number.MAX_SAFE_INTEGER;
}

/**
 * Re-publishes the stored events from `from` up to the relay's checkpoint (`to` caps it lower),
 * in batches of `batchSize`; `onProgress(sent, total)` after each.
 * @throws kafkajs errors when the cluster refuses (nothing is recorded then; run it again).
 */
export async function republish(
  db: SqlExecutor,
  store: PostgresEventStore,
  kafka: Kafka,
  opts: {
    from: RepublishFrom;
    to?: number;
    topicPrefix?: string;
    relayName?: string;
    batchSize?: number;
    onProgress?: (sent: number, total: number) => void;
  },
): Promise<RepublishOutcome> {
  // The relay publishes in (transaction id, position) order: what it has published is what lies
  // at or below its checkpoint in that order, not below a position.
  const { rows } = await db.query<{ tx: string; p: string }>(
    "SELECT transaction_id::text AS tx, global_position::text AS p FROM checkpoints WHERE name = $1",
    [opts.relayName ?? "relay"],
  );
  const cp = rows[0] ? { tx: BigInt(rows[0].tx), position: Number(rows[0].p) } : null;
  const published = (e: { transactionId: string; globalPosition: number }) =>
    cp !== null &&
    (BigInt(e.transactionId) < cp.tx || (BigInt(e.transactionId) === cp.tx && e.globalPosition <= cp.position));
  const { rows: head } = await db.query<{ h: string | null }>("SELECT max(global_position)::text AS h FROM events");
  const fromPosition = Math.max(1, await firstPosition(db, opts.from));
  const toPosition = Math.min(Number(head[0]?.h ?? 0), opts.to ?? Number.MAX_SAFE_INTEGER);
  const { rows: counted } = await db.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM events WHERE global_position BETWEEN $1 AND $2
        AND (transaction_id, global_position) <= ($3::text::xid8, $4::bigint)`,
    [fromPosition, toPosition, cp ? cp.tx.toString() : "0", cp ? cp.position : 0],
  );
  const total = Number(counted[0]?.n ?? 0);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  let sent = 0;
  try {
    let next = fromPosition;
    while (next <= toPosition) {
      const read = await store.readPositions(next, toPosition, opts.batchSize ?? 500);
      if (read.length === 0) break;
      next = read[read.length - 1]!.globalPosition + 1;
      const batch = read.filter(published);
      if (batch.length === 0) continue;
      const byTopic = new Map<string, ReturnType<typeof toKafkaMessage>[]>();
      for (const e of batch) {
        const topic = topicName(topicFor(e.streamId), opts.topicPrefix ?? "");
        byTopic.set(topic, [...(byTopic.get(topic) ?? []), toKafkaMessage(e)]);
      }
      await producer.sendBatch({
        acks: -1,
        compression: CompressionTypes.GZIP,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
      sent += batch.length;
      opts.onProgress?.(sent, total);
    }
  } finally {
    await producer.disconnect().catch(() => {});
  }
  const outcome = { fromPosition, toPosition: Math.max(toPosition, 0), events: sent };
  await recordOperation(store, "EventsRepublished", outcome);
  return outcome;
}
