/**
 * `ftz verify`: the convergence check as a product command. It answers three questions and exits
 * non-zero when any answer is no:
 *
 * 1. **Is every stored event on Kafka?** Every partition of every topic is read from the start to
 *    its high watermark by a throw-away consumer group, and the CloudEvents ids (`ce_id`) are
 *    compared with the event store's. Events after the relay's checkpoint are not expected yet.
 * 2. **Has each read model applied every event of its categories exactly once?** Its
 *    `events_applied` (applied and parked, each counted once) against the store's count, after
 *    waiting up to the timeout for it to catch up; gaps in stream revisions are reported.
 * 3. **Does each read model equal its rebuild?** Its rows are compared with a rebuild from the store
 *    (projections/runner/rebuild.ts); the rebuilt tables are swapped in, and are equal when the
 *    check passes. Run it while writes are quiet: under load the live model moves between the two
 *    snapshots.
 *
 * Parked events and records are reported; each is an event missing from a read model.
 */
import type { Kafka } from "kafkajs";
import { TOPICS, streamCategory, topicName } from "../../contracts/topics";
import { PROJECTIONS } from "../../projections/registry";
import { rebuildProjection } from "../../projections/runner/rebuild";
import type { Projection } from "../../projections/runner/projection";
import type { Database, SqlExecutor } from "../platform/db/database";
import type { PostgresEventStore } from "../platform/event-store/postgres-event-store";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every row of `table`, as JSON text, sorted: equal sets compare equal whatever the row order. */
export async function tableSnapshot(db: SqlExecutor, table: string): Promise<string[]> {
  const { rows } = await db.query<{ r: string }>(`SELECT to_jsonb(t)::text AS r FROM ${table} t`);
  return rows.map((x) => x.r).sort();
}

/** Whether `projection`'s live tables equal a rebuild from the store (which is then swapped in). */
export async function equalsRebuild(db: Database, store: PostgresEventStore, projection: Projection): Promise<boolean> {
  const live = await Promise.all(projection.tables.map((t) => tableSnapshot(db, t)));
  await rebuildProjection(db, store, projection);
  const rebuilt = await Promise.all(projection.tables.map((t) => tableSnapshot(db, t)));
  return JSON.stringify(live) === JSON.stringify(rebuilt);
}

/**
 * How many times each event id is on `topics`: every partition read from the start up to its
 * high watermark (a throw-away consumer group), waiting up to `timeoutMs` for the ids in `want`
 * to be there at all.
 */
export async function kafkaEventIds(
  kafka: Kafka,
  topics: string[],
  want: Set<string>,
  timeoutMs: number,
  groupPrefix = "",
): Promise<Map<string, number>> {
  const admin = kafka.admin();
  const consumer = kafka.consumer({ groupId: `${groupPrefix}verify.${Date.now()}`, sessionTimeout: 10_000 });
  const seen = new Map<string, number>();
  const next = new Map<string, number>(); // `${topic}/${partition}` → next offset read
  await Promise.all([admin.connect(), consumer.connect()]);
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        next.set(`${topic}/${partition}`, Number(message.offset) + 1);
        const id = message.headers?.ce_id?.toString();
        if (id) seen.set(id, (seen.get(id) ?? 0) + 1);
      },
    });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && [...want].some((id) => !seen.has(id))) await sleep(200);
    // Then everything up to each partition's end, so late re-sends are counted too.
    const ends = (await Promise.all(topics.map(async (t) => ({ t, o: await admin.fetchTopicOffsets(t) })))).flatMap(
      ({ t, o }) => o.map((p) => ({ key: `${t}/${p.partition}`, low: Number(p.low), high: Number(p.high) })),
    );
    // A partition whose records were deleted (or expired) starts at its low watermark.
    const endDeadline = Date.now() + 30_000;
    while (Date.now() < endDeadline && ends.some((e) => (next.get(e.key) ?? e.low) < e.high)) await sleep(100);
  } finally {
    await Promise.all([consumer.disconnect(), admin.disconnect()]);
  }
  return seen;
}

/** What `verifyPipeline` found. `ok` when `problems` is empty. */
export interface VerifyReport {
  ok: boolean;
  storedEvents: number;
  kafka: { expected: number; missing: number; missingSample: string[]; duplicates: number } | null;
  projections: {
    name: string;
    expected: number;
    applied: number;
    parked: number;
    gaps: number;
    equalsRebuild: boolean;
  }[];
  parkedRecords: number;
  problems: string[];
}

/**
 * Runs the three checks. `kafka` (with `topicPrefix`) checks the topics; without it (embedded
 * mode) only the read models are checked.
 */
export async function verifyPipeline(
  db: Database,
  store: PostgresEventStore,
  opts: {
    kafka?: Kafka;
    topicPrefix?: string;
    /** The relay whose checkpoint bounds what must be on Kafka (default `relay`). */
    relayName?: string;
    timeoutMs?: number;
    onStep?: (step: string) => void;
  } = {},
): Promise<VerifyReport> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const t0 = Date.now();
  const problems: string[] = [];
  const { rows: events } = await db.query<{ event_id: string; stream_id: string }>(
    "SELECT event_id::text, stream_id FROM events",
  );
  const expectedBy = new Map(
    PROJECTIONS.map((p) => {
      const cats = new Set(p.categories);
      return [p.name, events.filter((e) => cats.has("*") || cats.has(streamCategory(e.stream_id))).length];
    }),
  );
  const applied = async () => {
    const { rows } = await db.query<{ projection: string; applied: string; gaps: string }>(
      "SELECT projection, events_applied::text AS applied, gaps_seen::text AS gaps FROM projection_status",
    );
    return new Map(rows.map((r) => [r.projection, { applied: Number(r.applied), gaps: Number(r.gaps) }]));
  };
  opts.onStep?.("waiting for the read models to catch up");
  let status = await applied();
  while (PROJECTIONS.some((p) => (status.get(p.name)?.applied ?? 0) < expectedBy.get(p.name)!)) {
    if (Date.now() - t0 > timeoutMs) {
      problems.push(
        `read models did not catch up within ${timeoutMs} ms: ${PROJECTIONS.map((p) => `${p.name} ${status.get(p.name)?.applied ?? 0}/${expectedBy.get(p.name)}`).join(", ")}`,
      );
      break;
    }
    await sleep(100);
    status = await applied();
  }

  let kafkaReport: VerifyReport["kafka"] = null;
  if (opts.kafka) {
    opts.onStep?.("reading every topic from the start");
    // What the relay has published: at or below its checkpoint in (transaction id, position) order.
    const { rows: published } = await db.query<{ event_id: string }>(
      `SELECT e.event_id::text FROM events e JOIN checkpoints c ON c.name = $1
        WHERE (e.transaction_id, e.global_position) <= (c.transaction_id, c.global_position)`,
      [opts.relayName ?? "relay"],
    );
    const want = new Set(published.map((e) => e.event_id));
    const topics = TOPICS.map((t) => topicName(t, opts.topicPrefix ?? ""));
    const seen = await kafkaEventIds(
      opts.kafka,
      topics,
      want,
      Math.max(10_000, timeoutMs - (Date.now() - t0)),
      opts.topicPrefix,
    );
    const missing = [...want].filter((id) => !seen.has(id));
    kafkaReport = {
      expected: want.size,
      missing: missing.length,
      missingSample: missing.slice(0, 10),
      duplicates: [...seen.values()].reduce((s, n) => s + n - 1, 0),
    };
    if (missing.length) {
      problems.push(
        `${missing.length} stored events are not on Kafka (ftz relay republish --from <position> puts them back)`,
      );
    }
  }

  const { rows: parkedRows } = await db.query<{ projection: string; n: string }>(
    "SELECT projection, count(*)::text AS n FROM parked_events WHERE projection NOT LIKE '%\\_\\_rebuild' GROUP BY projection",
  );
  const { rows: recordRows } = await db.query<{ n: string }>("SELECT count(*)::text AS n FROM parked_records");
  const parkedRecords = Number(recordRows[0]?.n ?? 0);
  if (parkedRecords) problems.push(`${parkedRecords} Kafka records parked (ftz parked list)`);
  const projections: VerifyReport["projections"] = [];
  for (const p of PROJECTIONS) {
    opts.onStep?.(`comparing ${p.name} with its rebuild`);
    const expected = expectedBy.get(p.name)!;
    const s = status.get(p.name) ?? { applied: 0, gaps: 0 };
    const parked = Number(parkedRows.find((r) => r.projection === p.name)?.n ?? 0);
    if (s.applied > expected) problems.push(`${p.name} applied ${s.applied} events for ${expected} stored: some twice`);
    if (s.gaps) problems.push(`${p.name} saw ${s.gaps} gaps in stream revisions`);
    if (parked) problems.push(`${p.name}: ${parked} events parked (ftz parked list)`);
    const equal = await equalsRebuild(db, store, p);
    if (!equal) problems.push(`${p.name} differs from its rebuild (the rebuild is now live)`);
    projections.push({ name: p.name, expected, applied: s.applied, parked, gaps: s.gaps, equalsRebuild: equal });
  }
  return {
    ok: problems.length === 0,
    storedEvents: events.length,
    kafka: kafkaReport,
    projections,
    parkedRecords,
    problems,
  };
}
