/**
 * The projection interface (README, architecture): a pure mapping from an event to read-model changes,
 * written through the transaction the runner gives it. Table names go through `t` so a rebuild
 * can build fresh tables beside the live ones and swap them in.
 */
import type { SqlExecutor } from "../../services/platform/db/database";
import type { ConsumedEvent } from "../../services/platform/messaging/cloudevent-message";

/** An event as projections see it, whichever feed delivered it (Kafka or the event store). */
export type ProjectionEvent = ConsumedEvent;

/** Maps a logical table name to the physical one (`task_list` or `task_list__rebuild`). */
export type TableNames = (logical: string) => string;

export interface Projection {
  /** Stable name; keys its progress rows and consumer group. */
  name: string;
  /** Logical names of the tables it owns (all swapped together by a rebuild). */
  tables: string[];
  /** Stream categories it reads (chooses the Kafka topics). */
  categories: string[];
  /**
   * Creates its tables if missing. Leave indexes and constraints unnamed (PostgreSQL picks unique
   * names), because a rebuild renames tables but not their indexes.
   */
  setup(tx: SqlExecutor, t: TableNames): Promise<void>;
  /** Applies one event. Throwing parks the event (poison) unless the database connection failed. */
  apply(tx: SqlExecutor, event: ProjectionEvent, t: TableNames): Promise<void>;
  /**
   * Optional: applies several events, in order, with the same effect as `apply` on each in turn,
   * in fewer statements. Throwing undoes the whole call; the runner then re-runs the events one
   * by one with `apply` to park exactly the ones that fail.
   */
  applyBatch?(tx: SqlExecutor, events: ProjectionEvent[], t: TableNames): Promise<void>;
}

/** Live tables: logical name = physical name. */
export const LIVE: TableNames = (n) => n;
/** Tables a rebuild writes into before the swap. */
export const REBUILD: TableNames = (n) => `${n}__rebuild`;

/**
 * True when `table` exists on the search path. `setup` runs on every start: create unnamed
 * indexes only when the table was missing, so restarts do not pile up duplicate indexes.
 */
export async function tableExists(tx: SqlExecutor, table: string): Promise<boolean> {
  const { rows } = await tx.query<{ oid: string | null }>("SELECT to_regclass($1)::text AS oid", [table]);
  return rows[0]?.oid != null;
}
