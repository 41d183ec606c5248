/**
 * What the relay has not published yet, read from the database so any process can tell (the API's
 * `/ready` and `/metrics`, the relay runs elsewhere): events stored after its checkpoint and how
 * long the oldest of them has waited. A backlog whose oldest event has waited longer than the
 * stall limit means the relay is not publishing (down, blocked by the broker, or stuck on one
 * batch), whatever its process says.
 */
import type { SqlExecutor } from "../platform/db/database";

/** The relay's backlog: events after its checkpoint, and the age in seconds of the oldest (0 when none). */
export interface RelayBacklog {
  events: number;
  oldestSeconds: number;
}

/** Default stall limit: `RELAY_STALL_SECONDS`, else 60 s. */
export const relayStallSeconds = (): number => Number(process.env.RELAY_STALL_SECONDS ?? 60);

/** Reads the backlog of relay `name` (default `relay`). */
export async function relayBacklog(db: SqlExecutor, name = "relay"): Promise<RelayBacklog> {
  const { rows } = await db.query<{ events: string; oldest: number | null }>(
    `SELECT count(*)::text AS events, extract(epoch FROM now() - min(recorded_at))::float8 AS oldest FROM events
      WHERE global_position > coalesce((SELECT global_position FROM checkpoints WHERE name = $1), 0)`,
    [name],
  );
  return { events: Number(rows[0]?.events ?? 0), oldestSeconds: Math.max(0, rows[0]?.oldest ?? 0) };
}
