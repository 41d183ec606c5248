/**
 * The full pipeline for e2e tests on real PostgreSQL and Kafka: an isolated schema, topics under a
 * unique prefix, the event store, and helpers to start relays and Kafka-fed projections.
 */
import { randomUUID } from "node:crypto";
import type { Kafka, KafkaMessage } from "kafkajs";
import { startKafkaFeed } from "../../projections/runner/kafka-feed";
import type { Projection } from "../../projections/runner/projection";
import { waitFor } from "./wait";
import { PostgresEventStore } from "../../services/platform/event-store/postgres-event-store";
import { Relay, type RelayOptions } from "../../services/relay/relay";
import { ensureTopics } from "../../services/platform/messaging/topic-admin";
import { serverDatabase, type TestDatabase } from "./databases";
import { testKafka, uniquePrefix } from "./kafka";

export interface Pipeline {
  t: TestDatabase;
  store: PostgresEventStore;
  kafka: Kafka;
  prefix: string;
  relay(opts?: Partial<RelayOptions>): Relay;
  feed(projection: Projection): ReturnType<typeof startKafkaFeed>;
  /**
   * Resolves once `projection` applied every stored event of its categories (its
   * `events_applied` reached the store's count): the live model is complete, so it can be compared
   * with a rebuild.
   */
  appliedAll(projection: Projection, timeoutMs?: number): Promise<void>;
  /** Every record on `topic` (full name), read by a plain consumer, until `count` arrived. */
  readTopic(topic: string, count: number, timeoutMs?: number): Promise<KafkaMessage[]>;
  close(): Promise<void>;
}

export async function pipeline(brokers?: string[]): Promise<Pipeline> {
  const t = await serverDatabase({ poolSize: 20 });
  const store = new PostgresEventStore(t.db);
  const kafka = testKafka("e2e", brokers);
  const prefix = uniquePrefix();
  await ensureTopics(kafka, prefix);
  const closers: (() => Promise<void>)[] = [];
  return {
    t,
    store,
    kafka,
    prefix,
    relay(opts = {}) {
      const r = new Relay({
        db: t.db,
        store,
        kafka,
        topicPrefix: prefix,
        name: `${prefix}relay`,
        idlePollMs: 20,
        standbyPollMs: 250,
        retryMs: 250,
        ...opts,
      });
      closers.push(() => r.stop());
      return r;
    },
    async feed(projection) {
      const f = await startKafkaFeed(t.db, kafka, projection, { topicPrefix: prefix });
      closers.push(() => f.stop().catch(() => undefined));
      return f;
    },
    async appliedAll(projection, timeoutMs = 60_000) {
      await waitFor(
        `${projection.name} to apply every stored event of ${projection.categories.join(", ")}`,
        async () => {
          const { rows } = await t.db.query<{ stored: string; applied: string | null }>(
            `SELECT (SELECT count(*) FROM events WHERE split_part(stream_id, '-', 1) = ANY($2::text[]))::text AS stored,
                    (SELECT events_applied::text FROM projection_status WHERE projection = $1) AS applied`,
            [projection.name, projection.categories],
          );
          return Number(rows[0]?.applied ?? 0) >= Number(rows[0]?.stored);
        },
        timeoutMs,
      );
    },
    async readTopic(topic, count, timeoutMs = 30_000) {
      const consumer = kafka.consumer({ groupId: `${prefix}reader.${randomUUID()}` });
      const got: KafkaMessage[] = [];
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      let done: () => void = () => {};
      const finished = new Promise<void>((r) => {
        done = r;
      });
      await consumer.run({
        eachMessage: async ({ message }) => {
          got.push(message);
          if (got.length >= count) done();
        },
      });
      await Promise.race([finished, new Promise((r) => setTimeout(r, timeoutMs))]);
      // Give a straggler (a duplicate beyond `count`) a moment to show up.
      await new Promise((r) => setTimeout(r, 500));
      await consumer.disconnect();
      return got;
    },
    async close() {
      for (const c of closers.reverse()) await c();
      await t.drop();
    },
  };
}

export const counterEvent = (type: string, data: unknown) => ({
  eventId: randomUUID(),
  type,
  data,
  occurredAt: "2026-11-30T10:00:00+06:00",
  metadata: {
    correlationId: "corr-1",
    causationId: "cause-1",
    actor: { subject: "ent-user", role: "enterprise", enterprise: "91350200776049653A" },
  },
});

/** Appends `n` counters, each opened then incremented `k` times (by 1..k). Total per counter: k(k+1)/2. */
export async function seedCounters(store: PostgresEventStore, n: number, k: number, tag = "c"): Promise<number> {
  let events = 0;
  for (let c = 0; c < n; c++) {
    const id = `Counter-${tag}${c}`;
    await store.append(id, [counterEvent("CounterOpened", { name: id })], "no_stream");
    for (let i = 1; i <= k; i++) await store.append(id, [counterEvent("CounterIncremented", { by: i })], "any");
    events += k + 1;
  }
  return events;
}
