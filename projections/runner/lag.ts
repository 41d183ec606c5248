/**
 * Projection lag: how many events of the global log a projection has not applied yet, and how
 * many seconds of recorded time separate its last applied event from the newest stored one.
 */
import type { SqlExecutor } from "../../services/platform/db/database";

/** Lag of one projection. `secondsBehind` is 0 when caught up. */
export interface ProjectionLag {
  projection: string;
  eventsApplied: number;
  eventsBehind: number;
  secondsBehind: number;
  lastGlobalPosition: number;
}

/**
 * Lag of `projection` against the store. Counts events of its stream `categories` (all when
 * omitted) above the highest global position it applied; an approximation only while
 * transactions commit out of position order (never below zero).
 */
export async function projectionLag(
  db: SqlExecutor,
  projection: string,
  categories?: string[],
): Promise<ProjectionLag> {
  const { rows } = await db.query<{
    events_applied: string;
    last_global_position: string;
    behind: string;
    seconds: string | null;
  }>(
    `SELECT coalesce(s.events_applied, 0) AS events_applied, coalesce(s.last_global_position, 0) AS last_global_position,
            (SELECT count(*) FROM events e WHERE e.global_position > coalesce(s.last_global_position, 0)
               AND ($2::text[] IS NULL OR split_part(e.stream_id, '-', 1) = ANY($2::text[]))) AS behind,
            extract(epoch FROM ((SELECT max(recorded_at) FROM events) - s.last_recorded_at))::text AS seconds
       FROM (SELECT $1::text AS projection) p LEFT JOIN projection_status s USING (projection)`,
    [projection, categories ?? null],
  );
  const r = rows[0]!;
  const behind = Number(r.behind);
  return {
    projection,
    eventsApplied: Number(r.events_applied),
    eventsBehind: behind,
    secondsBehind: behind === 0 ? 0 : Math.max(0, Number(r.seconds ?? 0)),
    lastGlobalPosition: Number(r.last_global_position),
  };
}
