/**
 * `verify` and `relay republish` on real PostgreSQL and Kafka: records removed from a topic on
 * purpose (Kafka's delete-records, as a broker losing them would) make the check fail, naming
 * how many stored events are missing; re-publishing from the first position puts them back, the
 * Kafka-fed read models drop the duplicates, and the check passes.
 */
import pino from "pino";
import { TOPICS, topicName } from "../../contracts/topics";
import { PROJECTIONS } from "../../projections/registry";
import { taskListProjection } from "../../projections/task-list/task-list-projection";
import { createApp } from "../../services/api/app";
import { OPERATIONS_STREAM } from "../../contracts/operations/events";
import { GroupActiveError, resetConsumerGroup } from "../../services/operator/group-reset";
import { verifyPipeline } from "../../services/operator/pipeline-verify";
import { republish } from "../../services/operator/republish";
import { as } from "../support/auth";
import { describeWithKafka } from "../support/kafka";
import { type Pipeline, pipeline } from "../support/pipeline";
import { taskPlanBody } from "../support/reform-tasks";
import { waitFor } from "../support/wait";

describeWithKafka("verify and republish on real Kafka", () => {
  let p: Pipeline;
  beforeEach(async () => {
    p = await pipeline();
  });
  afterEach(() => p.close());

  it("verify fails on records removed from Kafka and passes after relay republish", async () => {
    p.relay().start();
    for (const projection of PROJECTIONS) await p.feed(projection);
    const app = createApp({ db: p.t.db, store: p.store, logger: pino({ level: "silent" }) });
    const tf = await as(app, "taskforce");
    for (let i = 0; i < 6; i++) {
      const res = await tf
        .post("/reform-tasks")
        .set("Idempotency-Key", `verify-${i}`)
        .send(taskPlanBody({ ref: `V-${i}` }));
      expect(res.status).toBe(201);
    }
    for (const projection of PROJECTIONS) await p.appliedAll(projection);
    const relayName = `${p.prefix}relay`;
    const options = { kafka: p.kafka, topicPrefix: p.prefix, relayName, timeoutMs: 30_000 };
    const clean = await verifyPipeline(p.t.db, p.store, options);
    expect(clean.problems).toEqual([]);
    expect(clean.kafka).toMatchObject({ expected: 6, missing: 0 });

    // Remove every record of the reform-task topic, as a broker that lost them would.
    const topic = topicName(TOPICS.find((t) => t.categories.includes("ReformTask"))!, p.prefix);
    const admin = p.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      await admin.deleteTopicRecords({
        topic,
        partitions: offsets.map((o) => ({ partition: o.partition, offset: o.high })),
      });
      await waitFor("the records are gone", async () =>
        (await admin.fetchTopicOffsets(topic)).every((o) => o.low === o.high) ? true : undefined,
      );
    } finally {
      await admin.disconnect();
    }
    const broken = await verifyPipeline(p.t.db, p.store, { ...options, timeoutMs: 5_000 });
    expect(broken.ok).toBe(false);
    expect(broken.kafka).toMatchObject({ expected: 6, missing: 6 });
    expect(broken.problems).toContain(
      "6 stored events are not on Kafka (ftz relay republish --from <position> puts them back)",
    );

    const outcome = await republish(p.t.db, p.store, p.kafka, {
      from: { position: 1 },
      topicPrefix: p.prefix,
      relayName,
    });
    expect(outcome).toMatchObject({ fromPosition: 1, events: 6 });
    // The operator log's own event is published by the relay like any other.
    expect((await p.store.readStream(OPERATIONS_STREAM)).map((e) => e.type)).toEqual(["EventsRepublished"]);

    const repaired = await verifyPipeline(p.t.db, p.store, options);
    expect(repaired.problems).toEqual([]);
    // The read models dropped the re-sent events by stream revision: still six tasks, each applied once.
    const taskList = repaired.projections.find((x) => x.name === "task_list")!;
    expect(taskList).toMatchObject({ expected: 6, applied: 6, equalsRebuild: true });
  }, 240_000);

  it("projections reset: a stopped worker group re-reads from the earliest offset and applies nothing twice", async () => {
    p.relay().start();
    const feed = await p.feed(taskListProjection);
    const app = createApp({ db: p.t.db, store: p.store, logger: pino({ level: "silent" }) });
    const tf = await as(app, "taskforce");
    for (let i = 0; i < 4; i++) {
      expect(
        (
          await tf
            .post("/reform-tasks")
            .set("Idempotency-Key", `reset-${i}`)
            .send(taskPlanBody({ ref: `R-${i}` }))
        ).status,
      ).toBe(201);
    }
    await p.appliedAll(taskListProjection);
    const before = await p.t.db.query("SELECT * FROM reform_task_list ORDER BY task_id");

    // While the worker runs, Kafka refuses the reset.
    await expect(resetConsumerGroup(p.t.db, p.store, p.kafka, taskListProjection, p.prefix)).rejects.toThrow(
      GroupActiveError,
    );
    await feed.stop();
    const outcome = await resetConsumerGroup(p.t.db, p.store, p.kafka, taskListProjection, p.prefix);
    expect(outcome.groupId).toBe(`${p.prefix}projection.task_list`);

    const again = await p.feed(taskListProjection);
    await again.caughtUp();
    const status = await p.t.db.query<{ applied: string; skipped: string }>(
      "SELECT events_applied::text AS applied, duplicates_skipped::text AS skipped FROM projection_status WHERE projection = 'task_list'",
    );
    // Every record re-read was dropped by stream revision: four applied, four skipped.
    expect(status.rows[0]).toEqual({ applied: "4", skipped: "4" });
    expect((await p.t.db.query("SELECT * FROM reform_task_list ORDER BY task_id")).rows).toEqual(before.rows);
  }, 240_000);
});
