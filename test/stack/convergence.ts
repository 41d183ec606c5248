/**
 * The check every fault test and the soak end with: every acknowledged command's events are in
 * the store, every stored event is on Kafka, and every read model applied each event of its
 * categories exactly once and equals a rebuild from the store.
 */
import { Kafka, logLevel } from "kafkajs";
import { TOPICS, streamCategory, topicName } from "../../contracts/topics";
import { PROJECTIONS } from "../../projections/registry";
import { rebuildProjection } from "../../projections/runner/rebuild";
import type { Ack } from "./load";
import type { Stack } from "./stack";

/** What the check found. `ok` is true when every list is empty and every count matches. */
export interface ConvergenceReport {
  ok: boolean;
  acknowledged: number;
  storedEvents: number;
  /** Acknowledged revisions the store does not hold. */
  lost: Ack[];
  /** Stored event ids never seen on Kafka. */
  missingOnKafka: number;
  /** Kafka records beyond the first for an event id (at-least-once re-sends; consumers drop them). */
  duplicatesOnKafka: number;
  /** Per projection: events of its categories in the store, events it applied (counted once), parked. */
  projections: {
    name: string;
    expected: number;
    applied: number;
    /** Redelivered events it recognised as applied and dropped (by stream revision). */
    duplicatesSkipped: number;
    parked: number;
    equalsRebuild: boolean;
  }[];
  /** Milliseconds from the start of the check until every read model had caught up. */
  convergedAfterMs: number | null;
  problems: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every row of `table`, as JSON text, sorted: equal sets compare equal whatever the row order. */
async function snapshot(stack: Stack, table: string): Promise<string[]> {
  const { rows } = await stack.db.query<{ r: string }>(`SELECT to_jsonb(t)::text AS r FROM ${table} t`);
  return rows.map((x) => x.r).sort();
}

/** Event ids on the stack's topics (read from the start with a throw-away group) until `want` are seen. */
async function kafkaEventIds(stack: Stack, want: Set<string>, timeoutMs: number): Promise<Map<string, number>> {
  const kafka = new Kafka({ clientId: "convergence", brokers: stack.brokers.split(","), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `${stack.prefix}check.${Date.now()}`, sessionTimeout: 10_000 });
  const seen = new Map<string, number>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: TOPICS.map((t) => topicName(t, stack.prefix)), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const id = message.headers?.ce_id?.toString();
        if (id) seen.set(id, (seen.get(id) ?? 0) + 1);
      },
    });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && [...want].some((id) => !seen.has(id))) await sleep(200);
    // Let whatever is in flight arrive, so duplicates are counted too.
    await sleep(500);
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

/**
 * Waits (up to `timeoutMs`) until the relay has published and every projection has applied every
 * stored event of its categories, then checks the rest. Rebuilds each projection from the store to
 * compare (the live tables are swapped for the rebuilt ones, which are equal when the check passes).
 */
export async function verifyConvergence(
  stack: Stack,
  acks: Ack[],
  opts: { timeoutMs?: number } = {},
): Promise<ConvergenceReport> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const t0 = Date.now();
  const problems: string[] = [];

  const versions = new Map<string, number>();
  {
    const { rows } = await stack.db.query<{ stream_id: string; version: string }>(
      "SELECT stream_id, version::text FROM streams",
    );
    for (const r of rows) versions.set(r.stream_id, Number(r.version));
  }
  const lost = acks.filter((a) => (versions.get(a.stream) ?? -1) < a.version);
  if (lost.length) problems.push(`${lost.length} acknowledged revisions missing from the store`);

  const { rows: events } = await stack.db.query<{ event_id: string; stream_id: string }>(
    "SELECT event_id::text, stream_id FROM events",
  );
  const expectedBy = new Map<string, number>();
  for (const p of PROJECTIONS) {
    const cats = new Set(p.categories);
    expectedBy.set(p.name, events.filter((e) => cats.has("*") || cats.has(streamCategory(e.stream_id))).length);
  }

  // Read models: applied (events_applied counts applied and parked events, each once) must reach
  // exactly the number of stored events of the projection's categories.
  let convergedAfterMs: number | null = null;
  let skipped = new Map<string, number>();
  const status = async () => {
    const { rows } = await stack.db.query<{ projection: string; applied: string; skipped: string }>(
      "SELECT projection, events_applied::text AS applied, duplicates_skipped::text AS skipped FROM projection_status",
    );
    skipped = new Map(rows.map((r) => [r.projection, Number(r.skipped)]));
    return new Map(rows.map((r) => [r.projection, Number(r.applied)]));
  };
  for (;;) {
    const s = await status();
    if (PROJECTIONS.every((p) => (s.get(p.name) ?? 0) >= expectedBy.get(p.name)!)) {
      convergedAfterMs = Date.now() - t0;
      break;
    }
    if (Date.now() - t0 > timeoutMs) {
      problems.push(
        `read models did not converge within ${timeoutMs} ms: ${PROJECTIONS.map((p) => `${p.name} ${s.get(p.name) ?? 0}/${expectedBy.get(p.name)}`).join(", ")}`,
      );
      break;
    }
    await sleep(100);
  }

  const ids = new Set(events.map((e) => e.event_id));
  const onKafka = await kafkaEventIds(stack, ids, Math.max(5_000, timeoutMs - (Date.now() - t0)));
  const missingOnKafka = [...ids].filter((id) => !onKafka.has(id)).length;
  const duplicatesOnKafka = [...onKafka.values()].reduce((s, n) => s + n - 1, 0);
  if (missingOnKafka) problems.push(`${missingOnKafka} stored events never reached Kafka`);

  const applied = await status();
  const { rows: parkedRows } = await stack.db.query<{ projection: string; n: string }>(
    "SELECT projection, count(*)::text AS n FROM parked_events GROUP BY projection",
  );
  const parked = new Map(parkedRows.map((r) => [r.projection, Number(r.n)]));
  const projections: ConvergenceReport["projections"] = [];
  for (const p of PROJECTIONS) {
    const expected = expectedBy.get(p.name)!;
    const got = applied.get(p.name) ?? 0;
    if (got > expected) problems.push(`${p.name} applied ${got} events for ${expected} stored: some twice`);
    const live = await Promise.all(p.tables.map((t) => snapshot(stack, t)));
    await rebuildProjection(stack.db, stack.store, p);
    const rebuilt = await Promise.all(p.tables.map((t) => snapshot(stack, t)));
    const equalsRebuild = JSON.stringify(live) === JSON.stringify(rebuilt);
    if (!equalsRebuild) problems.push(`${p.name} differs from its rebuild`);
    projections.push({
      name: p.name,
      expected,
      applied: got,
      duplicatesSkipped: skipped.get(p.name) ?? 0,
      parked: parked.get(p.name) ?? 0,
      equalsRebuild,
    });
  }

  return {
    ok: problems.length === 0,
    acknowledged: acks.length,
    storedEvents: events.length,
    lost,
    missingOnKafka,
    duplicatesOnKafka,
    projections,
    convergedAfterMs,
    problems,
  };
}
