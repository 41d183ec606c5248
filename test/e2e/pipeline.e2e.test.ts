/**
 * End to end on real PostgreSQL and Kafka: store → relay → Kafka → projection, with the relay and
 * the projection worker crashing at the worst moments, and two relays competing.
 */
import { CLOUD_EVENT_HEADERS } from "../../contracts/asyncapi";
import { ConfigResourceTypes } from "kafkajs";
import { ensureTopics } from "../../services/platform/messaging/topic-admin";
import type { SqlExecutor } from "../../services/platform/db/database";
import { rebuildProjection } from "../../projections/runner/rebuild";
import type { Projection } from "../../projections/runner/projection";
import { topicName, TOPICS } from "../../contracts/topics";
import { counterProjection, counterRows } from "../support/counter-projection";
import { describeWithKafka } from "../support/kafka";
import { counterEvent, type Pipeline, pipeline, seedCounters } from "../support/pipeline";
import { waitFor } from "../support/wait";

const platformTopic = (prefix: string) => topicName(TOPICS.find((t) => t.categories.includes("*"))!, prefix);

async function totalEvents(db: SqlExecutor): Promise<number> {
  const { rows } = await db.query<{ n: string }>("SELECT coalesce(sum(events), 0)::text AS n FROM counter_totals");
  return Number(rows[0]!.n);
}

/** The live read model equals a rebuild from the store. */
async function expectEqualsRebuild(p: Pipeline) {
  const live = await counterRows(p.t.db);
  await rebuildProjection(p.t.db, p.store, counterProjection);
  expect(await counterRows(p.t.db)).toEqual(live);
}

describeWithKafka("pipeline on real PostgreSQL and Kafka", () => {
  let p: Pipeline;
  beforeEach(async () => {
    p = await pipeline();
  });
  afterEach(() => p.close());

  it("creates the application's topics with explicit partitions and retention, idempotently", async () => {
    const admin = p.kafka.admin();
    await admin.connect();
    try {
      expect(await ensureTopics(p.kafka, p.prefix)).toEqual([]); // already there: nothing created
      for (const spec of TOPICS) {
        const name = topicName(spec, p.prefix);
        const meta = await admin.fetchTopicMetadata({ topics: [name] });
        expect(meta.topics[0]!.partitions).toHaveLength(spec.partitions);
        const cfg = await admin.describeConfigs({
          includeSynonyms: false,
          resources: [{ type: ConfigResourceTypes.TOPIC, name }],
        });
        const retention = cfg.resources[0]!.configEntries.find((e) => e.configName === "retention.ms");
        expect(retention?.configValue).toBe(String(spec.retentionMs));
      }
    } finally {
      await admin.disconnect();
    }
  });

  it("delivers an appended event to a Kafka-fed read model and to a plain partner consumer with CloudEvents headers", async () => {
    const relay = p.relay();
    relay.start();
    await p.feed(counterProjection);
    const opened = counterEvent("CounterOpened", { name: "属地直通" });
    const r = await p.store.append("Counter-e2e", [opened], "no_stream");
    await waitFor("read model row", async () => (await counterRows(p.t.db)).length === 1);
    expect(await counterRows(p.t.db)).toEqual([{ counter_id: "Counter-e2e", total: "0", status: "open", events: "1" }]);

    const [m] = await p.readTopic(platformTopic(p.prefix), 1);
    const h = Object.fromEntries(Object.entries(m!.headers ?? {}).map(([k, v]) => [k, String(v)]));
    expect(m!.key?.toString()).toBe("Counter-e2e");
    expect(JSON.parse(m!.value!.toString())).toEqual({ name: "属地直通" });
    expect(h).toMatchObject({
      ce_id: opened.eventId,
      ce_source: "/ftz/Counter",
      ce_specversion: "1.0",
      ce_type: "ftz.CounterOpened",
      ce_time: "2026-11-30T04:00:00.000Z",
      ce_subject: "Counter-e2e",
      "content-type": "application/json",
      ce_streamversion: "0",
      ce_globalposition: String(r.globalPositions[0]),
      ce_correlationid: "corr-1",
      ce_actorenterprise: "91350200776049653A",
    });
    // Every header on the broker's record is documented in contracts/asyncapi.yaml; no subject.
    for (const name of Object.keys(h)) expect(Object.keys(CLOUD_EVENT_HEADERS.properties)).toContain(name);
    expect(h.ce_actorsubject).toBeUndefined();
  });

  it("a relay crash between the broker's ack and the checkpoint re-sends, and the duplicate has no effect", async () => {
    const n = await seedCounters(p.store, 5, 5);
    let crashes = 0;
    const relay = p.relay({
      batchSize: 7,
      afterAck: () => {
        if (crashes++ < 2) throw new Error("simulated crash after ack, before checkpoint");
      },
    });
    relay.start();
    await p.feed(counterProjection);
    await waitFor("all events applied", async () => (await totalEvents(p.t.db)) === n);
    const records = await p.readTopic(platformTopic(p.prefix), n + 14);
    expect(records.length).toBe(n + 14); // two batches of 7 were sent twice
    const rows = await counterRows(p.t.db);
    expect(rows.map((r) => r.total)).toEqual(["15", "15", "15", "15", "15"]);
    const { rows: st } = await p.t.db.query<{ d: string }>(
      "SELECT duplicates_skipped::text AS d FROM projection_status WHERE projection = 'counter_totals'",
    );
    expect(Number(st[0]!.d)).toBe(14);
    await expectEqualsRebuild(p);
  });

  it("a projection worker killed mid-batch resumes and the model equals a rebuild", async () => {
    const n = await seedCounters(p.store, 6, 9);
    let applied = 0;
    let failed = false;
    // Fails once, mid-batch, the way a dying connection does: the batch's transaction rolls back.
    const flaky: Projection = {
      ...counterProjection,
      async apply(tx, e, t) {
        if (++applied === 17 && !failed) {
          failed = true;
          throw Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" });
        }
        await counterProjection.apply(tx, e, t);
      },
    };
    const relay = p.relay({ batchSize: 10 });
    relay.start();
    const first = await p.feed(flaky);
    await waitFor("some progress", async () => (await totalEvents(p.t.db)) >= 20);
    // Kill the worker abruptly and start a fresh one in the same consumer group.
    await first.consumer.disconnect();
    await p.feed(counterProjection);
    await waitFor("all events applied", async () => (await totalEvents(p.t.db)) === n, 60_000);
    expect(failed).toBe(true);
    expect((await counterRows(p.t.db)).map((r) => r.total)).toEqual(Array(6).fill("45"));
    await expectEqualsRebuild(p);
  });

  it("only one of two relays publishes; the other takes over within seconds when it stops", async () => {
    const a = p.relay();
    const b = p.relay();
    a.start();
    b.start();
    await waitFor("one relay active", () => a.status.active || b.status.active);
    await new Promise((r) => setTimeout(r, 600));
    expect([a.status.active, b.status.active].filter(Boolean)).toHaveLength(1);
    const n1 = await seedCounters(p.store, 2, 3, "x");
    await waitFor("published", () => a.status.published + b.status.published === n1);
    const [active, standby] = a.status.active ? [a, b] : [b, a];
    expect(standby.status.published).toBe(0);
    const stoppedAt = Date.now();
    await active.stop();
    await waitFor("stand-by takes over", () => standby.status.active, 10_000, 20);
    const takeoverMs = Date.now() - stoppedAt;
    expect(takeoverMs).toBeLessThan(5_000);
    const n2 = await seedCounters(p.store, 2, 3, "y");
    await waitFor("published by the new relay", () => standby.status.published === n2);
    const records = await p.readTopic(platformTopic(p.prefix), n1 + n2);
    expect(records).toHaveLength(n1 + n2); // nothing sent twice
  });
});
