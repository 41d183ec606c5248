/**
 * The negative-list read model: every published edition with its measures (as published) and
 * whether it was superseded, fed from the `NegativeListEdition` category (Kafka in the full
 * stack, the event store in embedded mode). The check (negative-list-queries.ts) picks the
 * edition in force on the date asked about from here and evaluates it; scope index events
 * (`NegativeListEditionIndexed`) are bookkeeping and skipped.
 */
import type { EditionData } from "../../contracts/reference-data/negative-list";
import type { SqlExecutor } from "../../services/platform/db/database";
import { type Projection, type ProjectionEvent, type TableNames, tableExists } from "../runner/projection";

/** Logical name of the editions table. */
export const EDITIONS_TABLE = "negative_list_editions";

async function apply(tx: SqlExecutor, e: ProjectionEvent, t: TableNames): Promise<void> {
  const table = t(EDITIONS_TABLE);
  if (e.type === "NegativeListEditionPublished") {
    const d = e.data as EditionData;
    await tx.query(
      `INSERT INTO ${table} (edition_id, scope, title, in_force_from, measure_count, data, published_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)`,
      [d.editionId, d.scope, d.title, d.inForceFrom, d.measures.length, JSON.stringify(d), e.occurredAt],
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
    if (await tableExists(tx, table)) return;
    await tx.query(`CREATE TABLE ${table} (
      edition_id text PRIMARY KEY,
      scope text NOT NULL,
      title text NOT NULL,
      in_force_from date NOT NULL,
      measure_count integer NOT NULL,
      data jsonb NOT NULL,
      published_at timestamptz NOT NULL,
      superseded_by text,
      superseded_from date)`);
    await tx.query(`CREATE INDEX ON ${table} (scope, in_force_from)`);
  },
  apply,
};
