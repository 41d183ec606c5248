/**
 * Queries over the negative-list read model: the editions, and the edition of a scope in force
 * on a date (latest `in_force_from` on or before it; see negative-list-check.ts for why answers
 * for past dates cannot change).
 */
import type { EditionData } from "../../contracts/reference-data/negative-list";
import type { SqlExecutor } from "../../services/platform/db/database";
import { EDITIONS_TABLE } from "./negative-list-projection";

/** An edition's summary. */
export interface EditionSummary {
  editionId: string;
  scope: string;
  title: string;
  inForceFrom: string;
  measureCount: number;
  publishedAt: string;
  supersededBy: string | null;
  supersededFrom: string | null;
}

const SUMMARY = `edition_id, scope, title, in_force_from::text AS in_force_from, measure_count, published_at,
  superseded_by, superseded_from::text AS superseded_from`;

const toSummary = (r: Record<string, unknown>): EditionSummary => ({
  editionId: r.edition_id as string,
  scope: r.scope as string,
  title: r.title as string,
  inForceFrom: r.in_force_from as string,
  measureCount: r.measure_count as number,
  publishedAt: new Date(r.published_at as string).toISOString(),
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
 * Published editions never change (a new one supersedes them from a later date), so their data is
 * kept in memory once read: a check then costs one indexed lookup of the edition id, not the
 * transfer and parse of the whole edition.
 */
const editionCache = new Map<string, EditionData>();

/** The edition of `scope` in force on `date`, or null when none was yet. */
export async function editionInForceOn(db: SqlExecutor, scope: string, date: string): Promise<EditionData | null> {
  const { rows } = await db.query<{ edition_id: string }>(
    `SELECT edition_id FROM ${EDITIONS_TABLE} WHERE scope = $1 AND in_force_from <= $2::date
     ORDER BY in_force_from DESC LIMIT 1`,
    [scope, date],
  );
  const id = rows[0]?.edition_id;
  if (!id) return null;
  const cached = editionCache.get(id);
  if (cached) return cached;
  const { rows: data } = await db.query<{ data: EditionData }>(
    `SELECT data FROM ${EDITIONS_TABLE} WHERE edition_id = $1`,
    [id],
  );
  const edition = data[0]?.data ?? null;
  if (edition) editionCache.set(id, edition);
  return edition;
}
