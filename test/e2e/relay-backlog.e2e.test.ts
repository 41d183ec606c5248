/**
 * A backlog of large events on real PostgreSQL and Kafka: the relay sizes its produce requests
 * by bytes under the topics' `max.message.bytes`, so a backlog that would once have been one
 * refused request drains completely, in order, once; an event that cannot fit even alone (stored
 * under an older, larger limit) is parked with the broker's reason and nothing behind it waits.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { SIZE_LIMITS, TOPICS, topicName } from "../../contracts/topics";
import { PostgresEventStore } from "../../services/platform/event-store/postgres-event-store";
import { reformCodeLists } from "../../services/reform-tasks/code-lists";
import { importTaskList } from "../../services/reform-tasks/task-list-import";
import { relayBacklog } from "../../services/relay/relay-backlog";
import { describeWithKafka } from "../support/kafka";
import { type Pipeline, pipeline } from "../support/pipeline";
import { waitFor } from "../support/wait";

const narrative = (i: number) => `${i}:${"进展情况说明".repeat(666)}`; // 4,000 CJK characters, ~12 KB

describeWithKafka("relay backlog of large events (PostgreSQL + Kafka)", () => {
  let p: Pipeline;
  beforeEach(async () => {
    p = await pipeline();
  });
  afterEach(() => p.close());

  const taskTopic = () => topicName(TOPICS.find((t) => t.categories.includes("ReformTask"))!, p.prefix);

  it("drains 352 progress reports of 4,000 characters appended while the relay was down, in order, once", async () => {
    const stream = `ReformTask-${randomUUID()}`;
    const events = Array.from({ length: 352 }, (_, i) => ({
      eventId: randomUUID(),
      type: "ProgressReported",
      data: { asOf: "2026-11-30", narrative: narrative(i) },
      occurredAt: "2026-11-30T10:00:00+08:00",
    }));
    // 4.3 MB in one stream, far above the 1 MiB a single produce request may carry.
    for (let i = 0; i < events.length; i += 50)
      await p.store.append(stream, events.slice(i, i + 50), i === 0 ? "no_stream" : i - 1);
    expect((await relayBacklog(p.t.db, `${p.prefix}relay`)).events).toBe(352);

    const relay = p.relay();
    relay.start();
    const records = await p.readTopic(taskTopic(), 352, 120_000);
    expect(records.map((r) => Number(String(r.headers?.ce_streamversion)))).toEqual(events.map((_, i) => i));
    expect(records.map((r) => String(r.headers?.ce_id))).toEqual(events.map((e) => e.eventId));
    expect(relay.status).toMatchObject({ published: 352, parked: 0 });
    expect(relay.status.requests).toBeGreaterThanOrEqual(5);
    await waitFor(
      "the relay's backlog to be empty",
      async () => (await relayBacklog(p.t.db, `${p.prefix}relay`)).events === 0,
    );
  });

  it("drains one import of 450 rows whose core content and path are 1,600 CJK characters each", async () => {
    const row = (i: number) =>
      [
        `2026-${String(500 + i)}`,
        `大件任务${i}`,
        `Large task ${i}`,
        "financial-innovation",
        "nationwide",
        "SC-FTZ-7",
        String(i),
        "国函〔2023〕56号",
        "核心内容".repeat(400),
        "tax",
        "pboc-branch",
        "2026-12-31",
        "实施路径".repeat(400),
        "",
      ].join(",");
    const header =
      "ref,title_zh,title_en,field,scope,source_batch,source_item,source,core_content,lead_department,cooperating_departments,deadline,implementation_path,assumed";
    const csv = Buffer.from([header, ...Array.from({ length: 450 }, (_, i) => row(i))].join("\n"));
    expect(csv.length).toBeGreaterThan(4_000_000);
    const outcome = await importTaskList(p.store, reformCodeLists(), csv, "csv", {
      year: 2026,
      at: "2026-11-30T10:00:00+08:00",
      eventId: () => randomUUID(),
    });
    expect(outcome).toMatchObject({ created: 450 });
    const relay = p.relay();
    relay.start();
    const records = await p.readTopic(taskTopic(), 450, 120_000);
    expect(records).toHaveLength(450);
    expect(new Set(records.map((r) => String(r.headers?.ce_id))).size).toBe(450);
    // One event per task: every stored event once, none of another run.
    const { rows } = await p.t.db.query<{ event_id: string }>(
      "SELECT event_id::text FROM events WHERE stream_id LIKE 'ReformTask-%'",
    );
    expect(new Set(records.map((r) => String(r.headers?.ce_id)))).toEqual(new Set(rows.map((r) => r.event_id)));
    expect(relay.status).toMatchObject({ published: 450, parked: 0 });
    expect(relay.status.requests).toBeGreaterThanOrEqual(5);
  });

  it("parks an event no topic can carry, with the broker's reason, and publishes what follows it", async () => {
    // A store with a limit above the topics' (as stores configured before the limits were derived).
    const legacy = new PostgresEventStore(p.t.db, { maxEventBytes: 4 * SIZE_LIMITS.maxEventBytes });
    const stream = `ReformTask-${randomUUID()}`;
    const huge = {
      eventId: randomUUID(),
      type: "ProgressReported",
      data: { narrative: randomBytes(1_200_000).toString("base64") } /* 1.6 MB, gzip keeps 1.2 MB */,
      occurredAt: "2026-11-30T10:00:00+08:00",
    };
    const after = {
      eventId: randomUUID(),
      type: "ProgressReported",
      data: { narrative: "small" },
      occurredAt: "2026-11-30T10:01:00+08:00",
    };
    await legacy.append(stream, [huge], "no_stream");
    await legacy.append(stream, [after], 0);
    // The store refuses the same event now: its limit and the topics' come from one setting.
    await expect(
      p.store.append(`ReformTask-${randomUUID()}`, [{ ...huge, eventId: randomUUID() }], "no_stream"),
    ).rejects.toThrow(/the limit is 524288 bytes/);

    const relay = p.relay();
    relay.start();
    const records = await p.readTopic(taskTopic(), 1, 60_000);
    expect(records.map((r) => String(r.headers?.ce_id))).toEqual([after.eventId]);
    const { rows } = await p.t.db.query<{ event_id: string; reason: string }>(
      "SELECT event_id::text, reason FROM parked_events WHERE projection = $1",
      [`relay:${p.prefix}relay`],
    );
    expect(rows).toEqual([{ event_id: huge.eventId, reason: expect.stringContaining("too large") }]);
    expect(relay.status.parked).toBe(1);
  });
});
