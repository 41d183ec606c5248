/**
 * Rebuilds a projection from the event store (README, architecture): replays the whole global log into
 * fresh tables (`<table>__rebuild`) while the live tables keep serving queries, then swaps them in
 * one transaction. The swap locks the projection's status row (live batches wait), replays what
 * arrived meanwhile, drops the old tables, renames the new ones and moves the progress rows, so
 * the rebuilt model holds every event the live one had applied and the live feed goes on from there.
 */
import { advisoryLockKey } from "../../services/platform/db/advisory-lock";
import type { Database, SqlExecutor } from "../../services/platform/db/database";
import { checkpointOf, saveCheckpoint } from "../../services/platform/event-store/checkpoints";
import type { PostgresEventStore } from "../../services/platform/event-store/postgres-event-store";
import { type GlobalCheckpoint, START } from "../../services/platform/event-store/types";
import { applyBatch } from "./apply-batch";
import { LIVE, type Projection, REBUILD } from "./projection";
import { storeCheckpointName } from "./store-feed";

/** Thrown when a rebuild of the same projection is already running (in this process or another). */
export class RebuildInProgressError extends Error {
  constructor(readonly projection: string) {
    super(`a rebuild of ${projection} is already running; wait for it to finish`);
  }
}

/** Projections being rebuilt in this process (PGlite has one session, so no advisory lock there). */
const rebuilding = new Set<string>();

/**
 * Runs `work` holding the rebuild lock of `name`: in this process, and on a PostgreSQL server a
 * session-level advisory lock, so two rebuilds of one projection never share its `__rebuild` tables.
 * @throws RebuildInProgressError when another rebuild holds it.
 */
async function holdingRebuildLock<T>(db: Database, name: string, work: () => Promise<T>): Promise<T> {
  if (rebuilding.has(name)) throw new RebuildInProgressError(name);
  rebuilding.add(name);
  try {
    if (db.kind === "pglite") return await work();
    const session = await db.session();
    const key = advisoryLockKey("projection-rebuild", name);
    try {
      const { rows } = await session.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS ok", [key]);
      if (!rows[0]?.ok) throw new RebuildInProgressError(name);
      try {
        return await work();
      } finally {
        await session.query("SELECT pg_advisory_unlock($1::bigint)", [key]).catch(() => {});
      }
    } finally {
      session.release();
    }
  } finally {
    rebuilding.delete(name);
  }
}

/** Figures of one rebuild: events replayed and wall time in ms. */
export interface RebuildOutcome {
  events: number;
  ms: number;
}

async function replay(
  tx: SqlExecutor | undefined,
  db: Database,
  store: PostgresEventStore,
  projection: Projection,
  from: GlobalCheckpoint,
  batchSize: number,
  onBatch?: (events: number) => void,
): Promise<{ cp: GlobalCheckpoint; events: number }> {
  let cp = from;
  let events = 0;
  for (;;) {
    const batch = await store.readAll(cp, { batchSize, tx });
    if (batch.length === 0) return { cp, events };
    const run = (t: SqlExecutor) =>
      applyBatch(t, projection, batch, { tables: REBUILD, progressName: `${projection.name}__rebuild` });
    await (tx ? run(tx) : db.transaction(run));
    cp = checkpointOf(batch[batch.length - 1]!);
    events += batch.length;
    onBatch?.(batch.length);
  }
}

/** How a rebuild runs: events per replayed batch (default 2,000), and a progress callback. */
export interface RebuildOptions {
  batchSize?: number;
  /** Called after each replayed batch with the events it held (for a progress bar). */
  onProgress?: (events: number) => void;
}

/**
 * Rebuilds `projection` and swaps it in. Queries see the old tables until the swap commits.
 * @throws RebuildInProgressError when the projection is being rebuilt already.
 */
export function rebuildProjection(
  db: Database,
  store: PostgresEventStore,
  projection: Projection,
  opts: RebuildOptions = {},
): Promise<RebuildOutcome> {
  return holdingRebuildLock(db, projection.name, () => rebuildNow(db, store, projection, opts));
}

async function rebuildNow(
  db: Database,
  store: PostgresEventStore,
  projection: Projection,
  opts: RebuildOptions = {},
): Promise<RebuildOutcome> {
  const t0 = Date.now();
  const batchSize = opts.batchSize ?? 2000;
  const tmp = `${projection.name}__rebuild`;
  await db.transaction(async (tx) => {
    for (const table of projection.tables) await tx.query(`DROP TABLE IF EXISTS ${REBUILD(table)}`);
    await tx.query("DELETE FROM projection_streams WHERE projection = $1", [tmp]);
    await tx.query("DELETE FROM projection_status WHERE projection = $1", [tmp]);
    await tx.query("DELETE FROM parked_events WHERE projection = $1", [tmp]);
    await projection.setup(tx, REBUILD);
  });
  const bulk = await replay(undefined, db, store, projection, START, batchSize, opts.onProgress);
  const events = await db.transaction(async (tx) => {
    await tx.query("INSERT INTO projection_status (projection) VALUES ($1) ON CONFLICT DO NOTHING", [projection.name]);
    await tx.query("SELECT 1 FROM projection_status WHERE projection = $1 FOR UPDATE", [projection.name]);
    const tail = await replay(tx, db, store, projection, bulk.cp, batchSize);
    for (const table of projection.tables) {
      await tx.query(`DROP TABLE IF EXISTS ${LIVE(table)}`);
      await tx.query(`ALTER TABLE ${REBUILD(table)} RENAME TO ${LIVE(table)}`);
    }
    await tx.query("DELETE FROM projection_streams WHERE projection = $1", [projection.name]);
    await tx.query("UPDATE projection_streams SET projection = $1 WHERE projection = $2", [projection.name, tmp]);
    await tx.query(
      `UPDATE projection_status p SET events_applied = r.events_applied, duplicates_skipped = 0, gaps_seen = r.gaps_seen,
         last_global_position = r.last_global_position, last_recorded_at = r.last_recorded_at, updated_at = now()
       FROM projection_status r WHERE p.projection = $1 AND r.projection = $2`,
      [projection.name, tmp],
    );
    await tx.query("DELETE FROM projection_status WHERE projection = $1", [tmp]);
    await tx.query("DELETE FROM parked_events WHERE projection = $1", [projection.name]);
    await tx.query("UPDATE parked_events SET projection = $1 WHERE projection = $2", [projection.name, tmp]);
    await saveCheckpoint(tx, storeCheckpointName(projection.name), tail.cp);
    return bulk.events + tail.events;
  });
  return { events, ms: Date.now() - t0 };
}
