/**
 * Event-store figures, each next to its baselines in the same run on the same server: single-event
 * appends with an exact expected version (8 concurrent writers on distinct streams), 100-event
 * batch appends, and the global-log read rate. Baselines: raw `pg` INSERT / SELECT on a plain
 * table, and the peer event store `@event-driven-io/emmett-postgresql`.
 */
import { randomUUID } from "node:crypto";
import type { Pool } from "pg";
import type { PostgresEventStore } from "../services/platform/event-store/postgres-event-store";
import { type GlobalCheckpoint, START } from "../services/platform/event-store/types";

const at = "2026-11-30T10:00:00+08:00";
const payload = (i: number) => ({
  taskId: randomUUID(),
  percent: i % 100,
  narrative: "系统对接完成 progress",
  asOf: "2026-11-30",
});

/** Runs `writers` concurrent loops of `perWriter` steps; returns operations per second. */
async function concurrently(
  writers: number,
  perWriter: number,
  step: (w: number, i: number) => Promise<void>,
): Promise<number> {
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < perWriter; i++) await step(w, i);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return (writers * perWriter) / seconds;
}

/** Runs `sql` statements in one transaction on a pooled connection (the raw baseline's append). */
async function rawTransaction(pool: Pool, sql: string, params: unknown[]): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query("BEGIN");
    await c.query(sql, params);
    await c.query("COMMIT");
  } finally {
    c.release();
  }
}

/** The raw baseline's table: what an append minimally writes. */
export async function createRawTable(pool: Pool): Promise<void> {
  await pool.query(`CREATE SCHEMA IF NOT EXISTS raw;
    CREATE TABLE IF NOT EXISTS raw.events (
      global_position bigserial PRIMARY KEY, stream_id text NOT NULL, stream_version bigint NOT NULL,
      event_id uuid NOT NULL, type text NOT NULL, data jsonb NOT NULL, occurred_at timestamptz NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(), UNIQUE (stream_id, stream_version))`);
}

/** The peer, or why it cannot run. */
export type Peer =
  | {
      ok: true;
      append(stream: string, events: { type: string; data: unknown }[], expected: bigint | undefined): Promise<void>;
    }
  | { ok: false; reason: string };

/** Opens emmett's PostgreSQL event store on `url` (it creates its own tables on first use). */
export async function openPeer(url: string): Promise<Peer> {
  try {
    const { getPostgreSQLEventStore } = await import("@event-driven-io/emmett-postgresql");
    const store = getPostgreSQLEventStore(url);
    return {
      ok: true,
      async append(stream, events, expected) {
        await store.appendToStream(
          stream,
          events as never,
          expected === undefined ? {} : { expectedStreamVersion: expected },
        );
      },
    };
  } catch (err) {
    return { ok: false, reason: `emmett-postgresql could not start: ${(err as Error).message}` };
  }
}

/** Single-event appends per second for ours, raw and the peer. */
export async function singleAppends(
  ours: PostgresEventStore,
  raw: Pool,
  peer: Peer,
  round: number,
  writers = 8,
  perWriter = 150,
): Promise<{ ours: number; raw: number; peer: number | null }> {
  const tag = `r${round}-${randomUUID().slice(0, 8)}`;
  const oursRate = await concurrently(writers, perWriter, async (w, i) => {
    await ours.append(
      `BenchSingle-${tag}-${w}`,
      [{ eventId: randomUUID(), type: "ProgressReported", data: payload(i), occurredAt: at }],
      i === 0 ? "no_stream" : i - 1,
    );
  });
  const rawRate = await concurrently(writers, perWriter, async (w, i) => {
    await rawTransaction(
      raw,
      "INSERT INTO raw.events (stream_id, stream_version, event_id, type, data, occurred_at) VALUES ($1,$2,$3,$4,$5,$6)",
      [`BenchSingle-${tag}-${w}`, i, randomUUID(), "ProgressReported", JSON.stringify(payload(i)), at],
    );
  });
  const peerRate = peer.ok
    ? await concurrently(writers, perWriter, async (w, i) => {
        await peer.append(
          `BenchSingle-${tag}-${w}`,
          [{ type: "ProgressReported", data: payload(i) }],
          i === 0 ? undefined : BigInt(i),
        );
      })
    : null;
  return { ours: oursRate, raw: rawRate, peer: peerRate };
}

/** 100-event batch appends: events per second. */
export async function batchAppends(
  ours: PostgresEventStore,
  raw: Pool,
  peer: Peer,
  round: number,
  writers = 4,
  batches = 10,
): Promise<{ ours: number; raw: number; peer: number | null }> {
  const tag = `r${round}-${randomUUID().slice(0, 8)}`;
  const batch = (n: number) => Array.from({ length: 100 }, (_, i) => payload(n * 100 + i));
  const oursRate =
    (await concurrently(writers, batches, async (w, b) => {
      await ours.append(
        `BenchBatch-${tag}-${w}`,
        batch(b).map((data) => ({ eventId: randomUUID(), type: "ProgressReported", data, occurredAt: at })),
        b === 0 ? "no_stream" : b * 100 - 1,
      );
    })) * 100;
  const rawRate =
    (await concurrently(writers, batches, async (w, b) => {
      const rows = batch(b);
      await rawTransaction(
        raw,
        `INSERT INTO raw.events (stream_id, stream_version, event_id, type, data, occurred_at)
         SELECT $1, v, id, 'ProgressReported', d::jsonb, $5 FROM unnest($2::bigint[], $3::uuid[], $4::text[]) AS x(v, id, d)`,
        [
          `BenchBatch-${tag}-${w}`,
          rows.map((_, i) => b * 100 + i),
          rows.map(() => randomUUID()),
          rows.map((r) => JSON.stringify(r)),
          at,
        ],
      );
    })) * 100;
  const peerRate = peer.ok
    ? (await concurrently(writers, batches, async (w, b) => {
        await peer.append(
          `BenchBatch-${tag}-${w}`,
          batch(b).map((data) => ({ type: "ProgressReported", data })),
          b === 0 ? undefined : BigInt(b * 100),
        );
      })) * 100
    : null;
  return { ours: oursRate, raw: rawRate, peer: peerRate };
}

/** Global-log read rate (events/s): the store's reader against a raw keyset SELECT of the same rows. */
export async function globalReads(
  ours: PostgresEventStore,
  raw: Pool,
  batchSize = 1000,
): Promise<{ ours: number; raw: number; events: number }> {
  let t0 = process.hrtime.bigint();
  let cp: GlobalCheckpoint = START;
  let n = 0;
  for (;;) {
    const batch = await ours.readAll(cp, { batchSize });
    if (batch.length === 0) break;
    n += batch.length;
    const last = batch[batch.length - 1]!;
    cp = { transactionId: last.transactionId, globalPosition: last.globalPosition };
  }
  const oursRate = n / (Number(process.hrtime.bigint() - t0) / 1e9);
  t0 = process.hrtime.bigint();
  let after = 0;
  let m = 0;
  for (;;) {
    const { rows } = await raw.query<{ global_position: string }>(
      // The same columns the store reader fetches (metadata, schema version and transaction id too).
      `SELECT global_position, transaction_id::text, stream_id, stream_version, event_id, type, schema_version, data,
              metadata, occurred_at, recorded_at
         FROM ours.events WHERE global_position > $1 ORDER BY global_position LIMIT $2`,
      [after, batchSize],
    );
    if (rows.length === 0) break;
    m += rows.length;
    after = Number(rows[rows.length - 1]!.global_position);
  }
  const rawRate = m / (Number(process.hrtime.bigint() - t0) / 1e9);
  return { ours: oursRate, raw: rawRate, events: n };
}
