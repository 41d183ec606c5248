/**
 * Applies a batch of events to a projection in one transaction together with the projection's
 * progress, so a crash or a redelivery has exactly-once effect (README, architecture).
 *
 * Duplicates are dropped by stream revision: an event whose `streamVersion` is not above the
 * revision this projection last applied for its stream has been applied already (a consumer
 * redelivery, or the relay re-sending after a crash). The batch runs in one savepoint, through the
 * projection's `applyBatch` when it has one; when an event fails it is re-run event by event, and
 * an event the projection cannot apply is parked with the reason (table `parked_events`) while
 * the batch goes on.
 */
import type { SqlExecutor } from "../../services/platform/db/database";
import { streamCategory } from "../../contracts/topics";
import { isTransient } from "../../services/platform/db/transient";
import { eventSpans, SpanKind } from "../../services/platform/tracing";
import type { Projection, ProjectionEvent, TableNames } from "./projection";

/** Counts of one applied batch. */
export interface BatchOutcome {
  applied: number;
  skipped: number;
  parked: number;
  gaps: number;
}

/**
 * Locks the projection's status row (serialises with a rebuild's swap), applies `events`, writes
 * stream revisions and status, then runs `progress(tx)` (checkpoint or offsets). Call inside a transaction.
 */
export async function applyBatch(
  tx: SqlExecutor,
  projection: Projection,
  events: ProjectionEvent[],
  opts: { progressName?: string; tables: TableNames; progress?: (tx: SqlExecutor) => Promise<void> },
): Promise<BatchOutcome> {
  const name = opts.progressName ?? projection.name;
  await tx.query("INSERT INTO projection_status (projection) VALUES ($1) ON CONFLICT DO NOTHING", [name]);
  await tx.query("SELECT 1 FROM projection_status WHERE projection = $1 FOR UPDATE", [name]);
  const outcome: BatchOutcome = { applied: 0, skipped: 0, parked: 0, gaps: 0 };
  // Events of categories the projection does not read (the store feed reads the whole global log)
  // cost nothing: no savepoint, no apply, no progress row; the position still advances below.
  const all = projection.categories.includes("*");
  const wanted = new Set(projection.categories);
  const mine = all ? events : events.filter((e) => wanted.has(streamCategory(e.streamId)));
  const streams = [...new Set(mine.map((e) => e.streamId))];
  const { rows } = await tx.query<{ stream_id: string; version: string }>(
    "SELECT stream_id, version FROM projection_streams WHERE projection = $1 AND stream_id = ANY($2::text[])",
    [name, streams],
  );
  const applied = new Map(rows.map((r) => [r.stream_id, Number(r.version)]));
  // Duplicates (already applied for their stream) are dropped first; the rest are applied.
  const fresh: ProjectionEvent[] = [];
  for (const e of mine) {
    const prev = applied.get(e.streamId) ?? -1;
    if (e.streamVersion <= prev) {
      outcome.skipped++;
      continue;
    }
    if (e.streamVersion > prev + 1) outcome.gaps++;
    applied.set(e.streamId, e.streamVersion);
    fresh.push(e);
  }
  // One "apply" span per traced event, in the trace of the command that appended it (tracing.ts);
  // not for a rebuild's replay of history.
  const endSpans = name.endsWith("__rebuild")
    ? () => {}
    : eventSpans(`apply ${name}`, SpanKind.CONSUMER, fresh, { "ftz.projection": name });
  try {
    const done = await applyFresh(tx, projection, events, fresh, applied, name, opts, outcome);
    endSpans();
    return done;
  } catch (err) {
    endSpans(err);
    throw err;
  }
}

/** Applies `fresh` (the batch's events not applied before) and writes revisions, status and progress. */
async function applyFresh(
  tx: SqlExecutor,
  projection: Projection,
  events: ProjectionEvent[],
  fresh: ProjectionEvent[],
  applied: Map<string, number>,
  name: string,
  opts: { progress?: (tx: SqlExecutor) => Promise<void>; tables: TableNames },
  outcome: BatchOutcome,
): Promise<BatchOutcome> {
  // Optimistic path: the whole batch under one savepoint (two statements per batch instead of two
  // per event). Only when some event fails is the batch undone and re-run event by event, each in
  // its own savepoint, to park exactly the events that fail.
  let parkedOnly = false;
  if (fresh.length) {
    await tx.query("SAVEPOINT apply_batch");
    try {
      if (projection.applyBatch) await projection.applyBatch(tx, fresh, opts.tables);
      else for (const e of fresh) await projection.apply(tx, e, opts.tables);
      await tx.query("RELEASE SAVEPOINT apply_batch");
      outcome.applied += fresh.length;
    } catch (err) {
      if (isTransient(err)) throw err;
      await tx.query("ROLLBACK TO SAVEPOINT apply_batch");
      parkedOnly = true;
    }
  }
  if (parkedOnly) {
    for (const e of fresh) {
      await tx.query("SAVEPOINT apply_event");
      try {
        await projection.apply(tx, e, opts.tables);
        await tx.query("RELEASE SAVEPOINT apply_event");
        outcome.applied++;
      } catch (err) {
        if (isTransient(err)) throw err;
        await tx.query("ROLLBACK TO SAVEPOINT apply_event");
        await tx.query(
          `INSERT INTO parked_events (projection, event_id, stream_id, stream_version, type, reason)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
          [name, e.eventId, e.streamId, e.streamVersion, e.type, String((err as Error)?.message ?? err).slice(0, 2000)],
        );
        outcome.parked++;
      }
    }
  }
  const touched = new Set(fresh.map((e) => e.streamId));
  const last = fresh.at(-1);
  const maxPosition = events.length ? Math.max(...events.map((e) => e.globalPosition)) : undefined;
  if (touched.size) {
    const ids = [...touched];
    await tx.query(
      `INSERT INTO projection_streams (projection, stream_id, version)
       SELECT $1, s, v FROM unnest($2::text[], $3::bigint[]) AS x(s, v)
       ON CONFLICT (projection, stream_id) DO UPDATE SET version = EXCLUDED.version`,
      [name, ids, ids.map((id) => applied.get(id))],
    );
  }
  await tx.query(
    `UPDATE projection_status SET events_applied = events_applied + $2, duplicates_skipped = duplicates_skipped + $3,
       gaps_seen = gaps_seen + $4, last_global_position = GREATEST(last_global_position, COALESCE($5, 0)),
       last_recorded_at = COALESCE($6, last_recorded_at), updated_at = now()
     WHERE projection = $1`,
    [
      name,
      outcome.applied + outcome.parked,
      outcome.skipped,
      outcome.gaps,
      maxPosition ?? null,
      last?.recordedAt ?? null,
    ],
  );
  await opts.progress?.(tx);
  return outcome;
}
