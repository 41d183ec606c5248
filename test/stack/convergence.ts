/**
 * The check every fault test and the soak end with: every acknowledged command's events are in
 * the store, every stored event is on Kafka, and every read model applied each event of its
 * categories exactly once and equals a rebuild from the store.
 */
import { Kafka, logLevel } from "kafkajs";
import { TOPICS, streamCategory, topicName } from "../../contracts/topics";
import { PROJECTIONS } from "../../projections/registry";
import { equalsRebuild, kafkaEventIds } from "../../services/operator/pipeline-verify";
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

/** How many times each stored event id is on the stack's topics (services/operator/pipeline-verify.ts). */
async function stackEventIds(stack: Stack, want: Set<string>, timeoutMs: number): Promise<Map<string, number>> {
  const kafka = new Kafka({ clientId: "convergence", brokers: stack.brokers.split(","), logLevel: logLevel.NOTHING });
  const topics = TOPICS.map((t) => topicName(t, stack.prefix));
  return kafkaEventIds(kafka, topics, want, timeoutMs, `${stack.prefix}check.`);
}

/**
 * Where the pipeline stands, for a report that did not converge: the relay's checkpoint and the
 * events stored after it, each projection's stored Kafka offsets, and the oldest transaction open
 * on the server (an open writer holds back the relay's xmin bound for every database).
 */
async function pipelineState(stack: Stack): Promise<string> {
  try {
    return await readPipelineState(stack);
  } catch (err) {
    return `pipeline state unreadable: ${String(err)}`;
  }
}

async function readPipelineState(stack: Stack): Promise<string> {
  const { rows: relay } = await stack.db.query<{ cp: string | null; after: string; head: string | null }>(
    `SELECT (SELECT global_position::text FROM checkpoints WHERE name = 'relay') AS cp,
            (SELECT count(*)::text FROM events WHERE global_position >
               coalesce((SELECT global_position FROM checkpoints WHERE name = 'relay'), 0)) AS after,
            (SELECT max(global_position)::text FROM events) AS head`,
  );
  const { rows: offsets } = await stack.db.query<{ projection: string; o: string }>(
    `SELECT projection, string_agg(topic || '/' || partition || '@' || next_offset, ' ' ORDER BY topic, partition) AS o
       FROM projection_offsets GROUP BY projection`,
  );
  const { rows: open } = await stack.db.query<{ pid: number; state: string; age: string; xid: string; query: string }>(
    // Any database's writer holds the xmin bound back; only this one's query text is shown.
    `SELECT pid, state, (now() - xact_start)::text AS age, backend_xid::text AS xid,
            CASE WHEN datname = current_database() THEN left(query, 120) ELSE 'in database ' || datname END AS query
       FROM pg_stat_activity WHERE backend_xid IS NOT NULL ORDER BY xact_start LIMIT 3`,
  );
  return [
    `relay checkpoint ${relay[0]?.cp ?? "none"}, ${relay[0]?.after} events after it, head ${relay[0]?.head}`,
    `offsets ${offsets.map((o) => `${o.projection}: ${o.o}`).join("; ")}`,
    `oldest writers ${open.map((o) => `pid ${o.pid} ${o.state} for ${o.age} xid ${o.xid}: ${o.query}`).join(" | ") || "none"}`,
  ].join("; ");
}

/**
 * Waits (up to `timeoutMs`) until the relay has published and every projection has applied every
 * stored event of its categories, then checks the rest. Rebuilds each projection from the store to
 * compare (the live tables are swapped for the rebuilt ones, which are equal when the check passes).
 */
export async function verifyConvergence(
  stack: Stack,
  acks: Ack[],
  opts: {
    timeoutMs?: number;
    /** Parked events and records this run injected on purpose (any other parked one is a problem). */
    expectParked?: { events: number; records: number };
  } = {},
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
  // An acknowledged revision is stored when the stream reached it and, where the answer says the
  // request appended that event, the event at that revision carries the request's id as its
  // correlation id (another command's event there would mean this one was lost).
  const withId = acks.filter((a) => a.requestId !== null);
  const { rows: atRevision } = await stack.db.query<{ stream_id: string; stream_version: string; c: string | null }>(
    `SELECT e.stream_id, e.stream_version::text, e.metadata->>'correlationId' AS c
       FROM events e JOIN unnest($1::text[], $2::bigint[]) AS a(s, v) ON e.stream_id = a.s AND e.stream_version = a.v`,
    [withId.map((a) => a.stream), withId.map((a) => a.version)],
  );
  const correlationAt = new Map(atRevision.map((r) => [`${r.stream_id}@${r.stream_version}`, r.c]));
  const lost = acks.filter(
    (a) =>
      (versions.get(a.stream) ?? -1) < a.version ||
      (a.requestId !== null && correlationAt.get(`${a.stream}@${a.version}`) !== a.requestId),
  );
  if (lost.length) problems.push(`${lost.length} acknowledged commands' events missing from the store`);

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
        `read models did not converge within ${timeoutMs} ms: ${PROJECTIONS.map((p) => `${p.name} ${s.get(p.name) ?? 0}/${expectedBy.get(p.name)}`).join(", ")}; ${await pipelineState(stack)}`,
      );
      break;
    }
    await sleep(100);
  }

  const ids = new Set(events.map((e) => e.event_id));
  const onKafka = await stackEventIds(stack, ids, Math.max(30_000, timeoutMs - (Date.now() - t0)));
  const missingOnKafka = [...ids].filter((id) => !onKafka.has(id)).length;
  const duplicatesOnKafka = [...onKafka.values()].reduce((s, n) => s + n - 1, 0);
  if (missingOnKafka) problems.push(`${missingOnKafka} stored events never reached Kafka`);

  const applied = await status();
  const { rows: parkedRows } = await stack.db.query<{ projection: string; n: string }>(
    "SELECT projection, count(*)::text AS n FROM parked_events GROUP BY projection",
  );
  const parked = new Map(parkedRows.map((r) => [r.projection, Number(r.n)]));
  const parkedEvents = parkedRows.reduce((n, r) => n + Number(r.n), 0);
  const { rows: recordRows } = await stack.db.query<{ n: string }>("SELECT count(*)::text AS n FROM parked_records");
  const parkedRecords = Number(recordRows[0]?.n ?? 0);
  const expectParked = opts.expectParked ?? { events: 0, records: 0 };
  // A parked event is missing from a read model (its rebuild parks it too, so the tables still
  // compare equal): only the ones injected on purpose may be there.
  if (parkedEvents !== expectParked.events)
    problems.push(`${parkedEvents} events parked, ${expectParked.events} expected`);
  if (parkedRecords !== expectParked.records)
    problems.push(`${parkedRecords} Kafka records parked, ${expectParked.records} expected`);
  const { rows: gapRows } = await stack.db.query<{ projection: string; gaps: string }>(
    "SELECT projection, gaps_seen::text AS gaps FROM projection_status WHERE gaps_seen > 0",
  );
  for (const g of gapRows) problems.push(`${g.projection} saw ${g.gaps} gaps in stream revisions`);
  const projections: ConvergenceReport["projections"] = [];
  for (const p of PROJECTIONS) {
    const expected = expectedBy.get(p.name)!;
    const got = applied.get(p.name) ?? 0;
    if (got > expected) problems.push(`${p.name} applied ${got} events for ${expected} stored: some twice`);
    const equal = await equalsRebuild(stack.db, stack.store, p);
    if (!equal) problems.push(`${p.name} differs from its rebuild`);
    projections.push({
      name: p.name,
      expected,
      applied: got,
      duplicatesSkipped: skipped.get(p.name) ?? 0,
      parked: parked.get(p.name) ?? 0,
      equalsRebuild: equal,
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
