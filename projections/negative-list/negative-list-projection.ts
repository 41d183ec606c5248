/**
 * The negative-list read model: every published edition with its measures (as published) and
 * whether it was superseded, fed from the `NegativeListEdition` category (Kafka in the full
 * stack, the event store in embedded mode). The check (negative-list-queries.ts) picks the
 * edition in force on the date asked about from here and evaluates it. Historical editions carry
 * their last day (`in_force_until`); a correction replaces an edition's data and counts its
 * revision. Scope index events (`NegativeListEditionIndexed`) are bookkeeping and skipped.
 */
import type { EditionData } from "../../contracts/negative-list/events";
import type { SqlExecutor } from "../../services/platform/db/database";
import { type Projection, type ProjectionEvent, type TableNames, tableExists } from "../runner/projection";

/** Logical name of the editions table. */
export const EDITIONS_TABLE = "negative_list_editions";

async function apply(tx: SqlExecutor, e: ProjectionEvent, t: TableNames): Promise<void> {
  const table = t(EDITIONS_TABLE);
  if (e.type === "NegativeListEditionPublished" || e.type === "NegativeListHistoricalEditionRecorded") {
    const d = e.data as EditionData;
    await tx.query(
      `INSERT INTO ${table} (edition_id, scope, title, in_force_from, in_force_until, measure_count, data, published_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)`,
      [
        d.editionId,
        d.scope,
        d.title,
        d.inForceFrom,
        d.inForceUntil ?? null,
        d.measures.length,
        JSON.stringify(d),
        e.occurredAt,
      ],
    );
  } else if (e.type === "NegativeListEditionCorrected") {
    const d = (e.data as { edition: EditionData }).edition;
    await tx.query(
      `UPDATE ${table} SET title = $2, measure_count = $3, data = $4::jsonb, revision = revision + 1,
         corrected_at = $5 WHERE edition_id = $1`,
      [d.editionId, d.title, d.measures.length, JSON.stringify(d), e.occurredAt],
    );
  } else if (e.type === "NegativeListEditionSuperseded") {
    const d = e.data as { supersededBy: string; from: string };
    await tx.query(`UPDATE ${table} SET superseded_by = $2, superseded_from = $3 WHERE edition_id = $1`, [
      e.streamId.slice(e.streamId.indexOf("-") + 1),
      d.supersededBy,
      d.from,
    ]);
  }
}

/** The negative-list projection. */
export const negativeListProjection: Projection = {
  name: "negative_list",
  tables: [EDITIONS_TABLE],
  categories: ["NegativeListEdition"],
  async setup(tx, t) {
    const table = t(EDITIONS_TABLE);
    if (await tableExists(tx, table)) {
      // Tables created before historical editions and corrections existed.
      await tx.query(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS in_force_until date,
        ADD COLUMN IF NOT EXISTS revision integer NOT NULL DEFAULT 0,
        ADD COLUMN IF NOT EXISTS corrected_at timestamptz`);
      return;
    }
    await tx.query(`CREATE TABLE ${table} (
      edition_id text PRIMARY KEY,
      scope text NOT NULL,
      title text NOT NULL,
      in_force_from date NOT NULL,
      in_force_until date,
      measure_count integer NOT NULL,
      data jsonb NOT NULL,
      published_at timestamptz NOT NULL,
      revision integer NOT NULL DEFAULT 0,
      corrected_at timestamptz,
      superseded_by text,
      superseded_from date)`);
    await tx.query(`CREATE INDEX ON ${table} (scope, in_force_from)`);
  },
  apply,
};
