/**
 * How far the global log may be read without ever skipping an event that commits later.
 *
 * Events are ordered by (transaction_id, global_position). A reader may return events of
 * transaction ids below the *horizon*: the smallest id of a transaction that is still in progress
 * and may yet store events. PostgreSQL's `pg_snapshot_xmin` is such a bound, but it counts every
 * transaction of the server: an idle `BEGIN` in another database, or a report query here, holds
 * every feed back for as long as it stays open.
 *
 * So the horizon counts only transactions that hold the *appending marker*: a shared advisory
 * lock every appending transaction takes before it has a transaction id
 * (infra/migrations/008_appending_marker.sql). An in-progress id that has held reads back for
 * `patienceMs` is classified once, by a statement after the read that saw it:
 *   - the id was assigned before that read's snapshot, so if its transaction appends it took the
 *     marker before then, and when pg_locks is read it either still holds it (then it is *ours*:
 *     reads keep stopping below it until it ends) or has ended (then a READ COMMITTED statement
 *     that starts afterwards sees its events);
 *   - an id that no marker holder has belongs to a transaction that cannot store events any
 *     more: `append_to_stream` refuses a caller's transaction that has an id and no marker. It is
 *     *foreign*, and later reads look past it. A prepared transaction (2PC) counts as ours.
 * A holder's id is matched through pg_stat_activity.backend_xid and through the transactionid
 * lock it holds, so a transaction is taken for foreign only if both miss it.
 *
 * Where that argument does not hold the reader falls back to the snapshot's xmin (READ_ALL in
 * postgres-event-store.ts): a reader in a REPEATABLE READ or SERIALIZABLE transaction (its
 * snapshot can predate a classification), and a hot standby (its snapshots list no in-progress
 * ids). A reader whose own transaction has an id never reads past it.
 */
import type { SqlExecutor } from "../db/database";
import { advisoryLockKey } from "../db/advisory-lock";

/** The marker's key: the same number is written in infra/migrations/008_appending_marker.sql. */
export const APPENDING_MARKER_KEY = advisoryLockKey("event-store", "appending");

const key = BigInt(APPENDING_MARKER_KEY);
/** pg_locks shows a bigint advisory key as classid (high 32 bits), objid (low 32 bits), objsubid 1. */
export const MARKER_CLASSID = ((key >> 32n) & 0xffffffffn).toString();
export const MARKER_OBJID = (key & 0xffffffffn).toString();

/** Whether the calling session holds the marker (a granted row of its own in pg_locks). */
export const HOLDS_MARKER = `EXISTS (SELECT 1 FROM pg_locks l
   WHERE l.pid = pg_backend_pid() AND l.locktype = 'advisory' AND l.granted
     AND l.classid = ${MARKER_CLASSID}::oid AND l.objid = ${MARKER_OBJID}::oid AND l.objsubid = 1)`;

/**
 * SQL of the statement that classifies in-progress ids (`$1`: ids as xid8 text): `ours` when a
 * marker holder of this database has the id (its backend_xid, or the transactionid lock it holds
 * on it), or when the id is a prepared transaction's (two-phase commit: its locks have no pid any
 * more, and it may still commit).
 */
const CLASSIFY = `
  SELECT x::text AS xid, (EXISTS (
      SELECT 1 FROM pg_locks m
       WHERE m.locktype = 'advisory' AND m.classid = ${MARKER_CLASSID}::oid AND m.objid = ${MARKER_OBJID}::oid
         AND m.objsubid = 1 AND m.database = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND (EXISTS (SELECT 1 FROM pg_stat_activity a
                       WHERE a.pid = m.pid AND a.backend_xid::text = (x::text::numeric % 4294967296)::text)
           OR EXISTS (SELECT 1 FROM pg_locks t
                       WHERE t.pid = m.pid AND t.locktype = 'transactionid' AND t.granted AND t.mode = 'ExclusiveLock'
                         AND t.transactionid::text = (x::text::numeric % 4294967296)::text)))
    OR EXISTS (SELECT 1 FROM pg_prepared_xacts p WHERE p.transaction::text = (x::text::numeric % 4294967296)::text)
  ) AS ours
    FROM unnest($1::xid8[]) AS x`;

/** Options of the horizon. */
export interface GlobalLogHorizonOptions {
  /** How long an in-progress id may hold the horizon back before it is classified, in ms. Default 100. */
  patienceMs?: number;
  /** The clock, in ms (tests). */
  now?: () => number;
}

/**
 * The reader's memory of in-progress transaction ids: those found foreign (looked past) and those
 * found to be appenders (waited for). Ids are xid8 values as decimal text. One per event store.
 */
export class GlobalLogHorizon {
  private readonly foreign = new Set<string>();
  private readonly ours = new Set<string>();
  private readonly firstSeen = new Map<string, number>();
  private readonly patienceMs: number;
  private readonly now: () => number;

  constructor(opts: GlobalLogHorizonOptions = {}) {
    this.patienceMs = opts.patienceMs ?? 100;
    this.now = opts.now ?? Date.now;
  }

  /** Ids the next read may look past (a parameter of the read: `$n::xid8[]`). */
  ignored(): string[] {
    return [...this.foreign];
  }

  /**
   * After a read: `blocker` is the in-progress id the read stopped below (null: it stopped at the
   * snapshot's xmax, nothing held it back), `xmin` that snapshot's smallest in-progress id; ids
   * below it have ended and are forgotten. Classifies `blocker` through `tx` once it has held reads
   * back for the patience. Returns true when it turned out foreign (reading again gets further).
   */
  async observe(tx: SqlExecutor, blocker: string | null, xmin: string): Promise<boolean> {
    // blocker null: the read stopped at xmax, at its own id, or at xmin (the fallback).
    const floor = BigInt(xmin);
    for (const set of [this.foreign, this.ours]) for (const id of set) if (BigInt(id) < floor) set.delete(id);
    for (const id of this.firstSeen.keys()) if (BigInt(id) < floor) this.firstSeen.delete(id);
    if (blocker === null || this.ours.has(blocker)) return false;
    const seen = this.firstSeen.get(blocker);
    if (seen === undefined) {
      this.firstSeen.set(blocker, this.now());
      return false;
    }
    if (this.now() - seen < this.patienceMs) return false;
    const { rows } = await tx.query<{ xid: string; ours: boolean }>(CLASSIFY, [[blocker]]);
    this.firstSeen.delete(blocker);
    if (rows[0]?.ours === false) {
      this.foreign.add(blocker);
      return true;
    }
    this.ours.add(blocker);
    return false;
  }
}
