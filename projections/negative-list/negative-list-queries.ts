/**
 * Queries over the negative-list read model: the editions, and the edition of a scope in force
 * on a date (latest `in_force_from` on or before it; see negative-list-check.ts for why answers
 * for past dates cannot change).
 */
import type { EditionData } from "../../contracts/negative-list/events";
import type { SqlExecutor } from "../../services/platform/db/database";
import { EDITIONS_TABLE } from "./negative-list-projection";

/** An edition's summary. */
export interface EditionSummary {
  editionId: string;
  scope: string;
  title: string;
  inForceFrom: string;
  /** Last day in force of an edition recorded as history; null otherwise. */
  inForceUntil: string | null;
  measureCount: number;
  publishedAt: string;
  /** Corrections of the recorded text so far (0: as first recorded). */
  revision: number;
  correctedAt: string | null;
  supersededBy: string | null;
  supersededFrom: string | null;
}

const SUMMARY = `edition_id, scope, title, in_force_from::text AS in_force_from,
  in_force_until::text AS in_force_until, measure_count, published_at, revision, corrected_at,
  superseded_by, superseded_from::text AS superseded_from`;

const toSummary = (r: Record<string, unknown>): EditionSummary => ({
  editionId: r.edition_id as string,
  scope: r.scope as string,
  title: r.title as string,
  inForceFrom: r.in_force_from as string,
  inForceUntil: (r.in_force_until as string | null) ?? null,
  measureCount: r.measure_count as number,
  publishedAt: new Date(r.published_at as string).toISOString(),
  revision: r.revision as number,
  correctedAt: r.corrected_at ? new Date(r.corrected_at as string).toISOString() : null,
  supersededBy: (r.superseded_by as string | null) ?? null,
  supersededFrom: (r.superseded_from as string | null) ?? null,
});

/** Every edition, by scope and in-force date. */
export async function listEditions(db: SqlExecutor): Promise<EditionSummary[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT ${SUMMARY} FROM ${EDITIONS_TABLE} ORDER BY scope, in_force_from`,
  );
  return rows.map(toSummary);
}

/** One edition with its measures, or null. */
export async function getEdition(
  db: SqlExecutor,
  editionId: string,
): Promise<(EditionSummary & { edition: EditionData }) | null> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT ${SUMMARY}, data FROM ${EDITIONS_TABLE} WHERE edition_id = $1`,
    [editionId],
  );
  const r = rows[0];
  return r ? { ...toSummary(r), edition: r.data as EditionData } : null;
}

/**
 * An edition's data changes only by a correction, which counts its revision: the data is kept in
 * memory per (edition id, revision) once read, so a check costs one indexed lookup, not the
 * transfer and parse of the whole edition. Kept per database: another database may hold another
 * edition under the same id.
 */
const editionCache = new WeakMap<SqlExecutor, Map<string, EditionData>>();

/**
 * Which edition is in force for (scope, date), per database, remembered for `IN_FORCE_TTL_MS`:
 * checks are the busiest public query and mostly ask about today, so most are answered without a
 * round trip. The answer can be at most that much older than the read model (which itself trails
 * the event store); a published edition takes effect the next day at the earliest
 * (edition-decider.ts), so the answer for a past or current date is not affected.
 */
const IN_FORCE_TTL_MS = 1000;
const inForceCache = new WeakMap<SqlExecutor, Map<string, { id: string | null; revision: number; at: number }>>();

/** The edition of `scope` in force on `date`, or null when none was yet. */
export async function editionInForceOn(db: SqlExecutor, scope: string, date: string): Promise<EditionData | null> {
  let byKey = inForceCache.get(db);
  if (!byKey) {
    byKey = new Map();
    inForceCache.set(db, byKey);
  }
  const key = `${scope}|${date}`;
  const now = Date.now();
  let hit = byKey.get(key);
  if (!hit || now - hit.at > IN_FORCE_TTL_MS) {
    // The latest edition from on or before the date, unless it is history that ended before it
    // (a gap in the recorded history answers "none", not an older edition).
    const { rows } = await db.query<{ edition_id: string; revision: number; ended: boolean }>(
      `SELECT edition_id, revision, coalesce(in_force_until < $2::date, false) AS ended FROM ${EDITIONS_TABLE}
       WHERE scope = $1 AND in_force_from <= $2::date ORDER BY in_force_from DESC LIMIT 1`,
      [scope, date],
    );
    if (byKey.size >= 10_000) byKey.clear();
    const row = rows[0] && !rows[0].ended ? rows[0] : undefined;
    hit = { id: row?.edition_id ?? null, revision: row?.revision ?? 0, at: now };
    // Only an answer that names an edition is kept: "none yet" is asked again next time, so a
    // read model that is still catching up after start is not remembered as empty.
    if (hit.id) byKey.set(key, hit);
  }
  const id = hit.id;
  if (!id) return null;
  let editions = editionCache.get(db);
  if (!editions) {
    editions = new Map();
    editionCache.set(db, editions);
  }
  const key2 = `${id}@${hit.revision}`;
  const cached = editions.get(key2);
  if (cached) return cached;
  const { rows: data } = await db.query<{ data: EditionData }>(
    `SELECT data FROM ${EDITIONS_TABLE} WHERE edition_id = $1`,
    [id],
  );
  const edition = data[0]?.data ?? null;
  if (edition) editions.set(key2, edition);
  return edition;
}
